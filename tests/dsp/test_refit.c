/* The link layer's data-aided second look (dsp/ais_refit.c) on synthesized matched-filter
 * outputs with a known channel (seeded): fresh soft values of a right frame decide as well as
 * the true carrier phase does and give the LLR scale 2 A / s^2; each symbol is left out of its
 * own channel estimate, so a symbol a wrong frame holds contradicts it instead of leaning its
 * way; bad spans are refused.  And the CRC step the repair's syndromes use is the CRC's. */
#include "ais_refit.h"

#include "centinela/ais_hdlc.h"

#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static int failures;

static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    failures += !ok;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static double urand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return ((rng_state >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
    return sqrt(-2 * log(urand())) * cos(2 * M_PI * urand());
}

enum { N = 400, K0 = 16, M0 = 40, HALFWIN = 16 };

int main(void)
{
    /* symbols b, channel amplitude 1 with a phase ramp of 30 Hz at 9,600 symbols/s, noise of
     * 0.5 per component: Eb/N0 about 3 dB, 2 % of the symbols wrong when decided alone */
    const double amp = 1.0, sigma = 0.5, step_rad = 2 * M_PI * 30.0 / 9600.0;
    float complex mk[N];
    int8_t b[N], bad[N];
    float r[N], r_bad[N];
    int genie_errors = 0;
    for (int k = 0; k < N; k++) {
        b[k] = urand() < 0.5 ? -1 : 1;
        double th = 0.7 + step_rad * k;
        double complex noise = sigma * gauss() + I * sigma * gauss();
        mk[k] = (float complex)(amp * cexp(I * th) * b[k] + noise);
        if (k >= M0 && creal(mk[k] * cexp(-I * th)) * b[k] < 0)
            genie_errors++;
    }
    double g = ais_refit_soft(mk, b, K0, M0, N, HALFWIN, r);
    int errors = 0;
    for (int k = M0; k < N; k++)
        errors += r[k] * b[k] < 0;
    double g_true = 2 * amp / (sigma * sigma);
    printf(
        "     right frame: %d fresh decisions wrong, %d with the true phase; g %.2f (2 A / s^2 = "
        "%.2f)\n",
        errors, genie_errors, g, g_true);
    check(genie_errors > 0 && errors <= genie_errors + 2,
          "fresh soft values of a right frame decide as the true phase does");
    /* over 360 symbols the estimate's own spread is about 8 % (unbiased: 7.96 on 20,000) */
    check(g > 0.8 * g_true && g < 1.2 * g_true, "LLR scale within 20 % of 2 A / s^2");

    /* a wrong frame: three strongly received symbols flipped */
    for (int k = 0; k < N; k++)
        bad[k] = b[k];
    int flipped[3], nf = 0;
    for (int k = M0 + 20; k < N - 20 && nf < 3; k += 7)
        if (r[k] * b[k] > 1.0f * (float)amp)
            bad[flipped[nf++] = k] = (int8_t)-b[k];
    double g_bad = ais_refit_soft(mk, bad, K0, M0, N, HALFWIN, r_bad);
    int contradict = 0, own_free = 1;
    for (int t = 0; t < nf; t++) {
        int k = flipped[t];
        contradict += r_bad[k] * bad[k] < 0;
        /* the symbol's own value is left out: its fresh value is what it was under the right
         * frame but for the other flipped symbols in the window */
        own_free &= fabsf(r_bad[k] - r[k]) < 0.35f * (float)amp;
    }
    check(nf == 3 && contradict == nf, "the symbols a wrong frame flipped contradict it");
    check(own_free, "a symbol's fresh value does not follow the frame's sign of it");
    check(g_bad > 0 && g_bad < g, "a wrong frame fits worse (smaller LLR scale)");

    check(ais_refit_soft(mk, b, K0, N, N, HALFWIN, r) == 0 &&
              ais_refit_soft(mk, b, M0, K0, N, HALFWIN, r) == 0 &&
              ais_refit_soft(mk, b, K0, M0, N, 0, r) == 0,
          "empty spans and windows refused");

    /* the CRC as a chain of steps */
    uint8_t bits[200];
    uint16_t reg = 0xFFFF;
    for (int i = 0; i < 200; i++) {
        bits[i] = urand() < 0.5;
        reg = ais_hdlc_crc_step(reg, bits[i]);
    }
    check(reg == ais_hdlc_crc(bits, 200), "ais_hdlc_crc_step chained is ais_hdlc_crc");
    return failures ? 1 : 0;
}
