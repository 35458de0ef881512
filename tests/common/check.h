/* Minimal assertions shared by the unit tests: count failures, print where, keep going.
 * A test returns g_failures ? 1 : 0 at the end. */
#ifndef CENTINELA_TEST_CHECK_H
#define CENTINELA_TEST_CHECK_H
#include <stdio.h>
static int g_failures;
#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);         \
            g_failures++;                                                                     \
        }                                                                                     \
    } while (0)
#define CHECK_NEAR(a, b, tol)                                                                 \
    do {                                                                                      \
        double _a = (a), _b = (b);                                                            \
        if (!(_a >= _b - (tol) && _a <= _b + (tol))) {                                        \
            fprintf(stderr, "%s:%d: %s = %.6g, expected %.6g +- %g\n", __FILE__, __LINE__, #a, \
                    _a, _b, (double)(tol));                                                   \
            g_failures++;                                                                     \
        }                                                                                     \
    } while (0)
#endif
