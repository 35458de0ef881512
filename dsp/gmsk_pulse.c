/* GMSK pulses.  The Gaussian frequency pulse of ITU-R M.1371 (BT 0.4) is integrated once into
 * a table; Laurent's C0 (P. A. Laurent, IEEE Trans. Commun. 1986) is the matched filter of the
 * coherent receiver: for h = 1/2 it carries ~99 % of the GMSK energy at BT 0.4. */
#include "gmsk_pulse.h"

#include <math.h>
#include <pthread.h>

#define NT (GMSK_SPAN * GMSK_TABLE_RES + 1)
static double table[NT];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static double gauss_freq(double t)
{
    /* g(t) = 1/2 [Q(a (t - 1/2)) - Q(a (t + 1/2))], a = 2 pi BT / sqrt(ln 2), t in bits */
    double a = 2.0 * M_PI * GMSK_BT / sqrt(log(2.0));
    double q1 = 0.5 * erfc(a * (t - 0.5) / sqrt(2.0));
    double q2 = 0.5 * erfc(a * (t + 0.5) / sqrt(2.0));
    return q2 - q1 > 0 ? q2 - q1 : q1 - q2;
}

static void build(void)
{
    /* trapezoidal integration with 16 sub-steps per table step, then normalise to end at 1 */
    double acc = 0, dt = 1.0 / GMSK_TABLE_RES / 16;
    double t = -GMSK_SPAN / 2.0;
    table[0] = 0;
    for (int i = 1; i < NT; i++) {
        for (int s = 0; s < 16; s++, t += dt)
            acc += 0.5 * (gauss_freq(t) + gauss_freq(t + dt)) * dt;
        table[i] = acc;
    }
    for (int i = 0; i < NT; i++)
        table[i] /= acc;
}

double gmsk_phase_pulse(double t_bits)
{
    pthread_once(&once, build);
    double x = (t_bits + GMSK_SPAN / 2.0) * GMSK_TABLE_RES;
    if (x <= 0)
        return 0;
    if (x >= NT - 1)
        return 1;
    int i = (int)x;
    double f = x - i;
    return table[i] * (1 - f) + table[i + 1] * f;
}

static double laurent_s(double t)
{
    /* S(t) = sin(pi h 2 q(t)) / sin(pi h) with the pulse starting at t = 0, mirrored after
     * L T; here 2 q = p and h = 1/2. */
    const double L = GMSK_SPAN;
    if (t < 0 || t > 2 * L)
        return 0;
    if (t > L)
        t = 2 * L - t;
    return sin(M_PI / 2 * gmsk_phase_pulse(t - L / 2));
}

double gmsk_laurent_c0(double t_bits)
{
    if (t_bits < 0 || t_bits > GMSK_SPAN + 1)
        return 0;
    double c = 1;
    for (int i = 0; i < GMSK_SPAN; i++)
        c *= laurent_s(t_bits + i);
    return c;
}
