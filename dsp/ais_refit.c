/* Data-aided soft values (see ais_refit.h).
 *
 * With every symbol known, z_k = mk_k b_k is the channel alone plus noise.  The demodulator's
 * own soft values take the carrier phase of symbol k from a causal PLL and from a smoother
 * whose window holds the PLL's decisions and symbol k itself: a weak symbol is pulled towards
 * the sign it was decided with.  Here the channel of symbol k is the sum of z over the window
 * without z_k; a symbol the frame has wrong then shows as r_k b_k < 0 instead of being pulled
 * to the frame's side.  A and s^2 are measured on r b, not on the folded |r|, which at the
 * sensitivity limit understates s^2 (errors counted as right decisions). */
#include "ais_refit.h"

#include <math.h>

double ais_refit_soft(const float complex *mk, const int8_t *b, int k0, int m0, int k1, int halfwin,
                      float *r)
{
    if (!(k0 <= m0 && m0 < k1 && halfwin >= 1))
        return 0;
    float complex run = 0;
    for (int k = k0; k < k0 + halfwin && k < k1; k++)
        run += mk[k] * b[k];
    double sa = 0, s2 = 0;
    for (int k = k0; k < k1; k++) {
        if (k + halfwin < k1)
            run += mk[k + halfwin] * b[k + halfwin];
        if (k - halfwin - 1 >= k0)
            run -= mk[k - halfwin - 1] * b[k - halfwin - 1];
        float complex h = run - mk[k] * b[k];
        float ah = sqrtf(crealf(h) * crealf(h) + cimagf(h) * cimagf(h));
        r[k] = ah > 0 ? crealf(mk[k] * conjf(h)) / ah : 0;
        if (k >= m0) {
            double t = r[k] * b[k];
            sa += t;
            s2 += t * t;
        }
    }
    int m = k1 - m0;
    double a = sa / m, var = s2 / m - a * a;
    return a > 0 && var > 0 ? 2 * a / var : 0;
}
