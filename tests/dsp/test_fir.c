/* The decimating FIR (dsp/fir.c) against its definition: output k is the dot product of the taps
 * with inputs k M + M - 1 - (len - 1) .. k M + M - 1 (zeros before the first input), summed in
 * eight lanes over the window (I and Q of four samples), the lanes added pairwise at the end.
 * Several outputs are computed at once inside the filter; each must still be bit for bit the
 * definition's, whatever the block sizes and also in place (out == x), and close to the
 * convolution computed in double precision. */
#include "fir.h"

#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static float frand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (float)((double)(rng_state >> 11) / 9007199254740992.0 * 2 - 1);
}

/* output k by the definition, from the whole input x[0, n) */
static float complex reference(const float *h, int ntaps, int m, const float complex *x, size_t k)
{
    int len = (ntaps + 3) / 4 * 4, pad = len - ntaps;
    float hh[2 * 64] = {0}, win[2 * 64];
    for (int j = 0; j < ntaps; j++)
        hh[2 * (pad + j)] = hh[2 * (pad + j) + 1] = h[ntaps - 1 - j];
    int64_t last = (int64_t)k * m + m - 1;
    for (int j = 0; j < len; j++) {
        int64_t i = last - (len - 1) + j;
        win[2 * j] = i >= 0 ? crealf(x[i]) : 0;
        win[2 * j + 1] = i >= 0 ? cimagf(x[i]) : 0;
    }
    float a[8] = {0};
    for (int i = 0; i < 2 * len; i += 8)
        for (int j = 0; j < 8; j++)
            a[j] += hh[i + j] * win[i + j];
    return ((a[0] + a[2]) + (a[4] + a[6])) + I * ((a[1] + a[3]) + (a[5] + a[7]));
}

int main(void)
{
    enum { N = 20000 };
    static float complex x[N], buf[N], out[N];
    int fail = 0;
    static const struct {
        int ntaps, m;
    } cases[] = {{15, 1}, {25, 2}, {41, 3}, {23, 2}, {7, 5}, {64, 4}, {1, 1}};
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        int ntaps = cases[t].ntaps, m = cases[t].m;
        float h[64];
        for (int j = 0; j < ntaps; j++)
            h[j] = frand();
        for (int i = 0; i < N; i++)
            x[i] = frand() + I * frand();
        /* mode 0: blocks of up to 4096, 1: the same in place, 2: blocks of at most 5 (fewer
         * than the taps) */
        for (int mode = 0; mode < 3; mode++) {
            int in_place = mode == 1;
            size_t block_max = mode == 2 ? 5 : 4096;
            fir_decim *f = fir_decim_create(h, ntaps, m, block_max);
            size_t done = 0, no = 0;
            while (done < N) {
                /* block sizes from 1 to 4096, some of them multiples of m, some not */
                size_t b = 1 + (size_t)((frand() + 1) * 2047.5f);
                if (done % 3 == 0 || mode == 2)
                    b = 1 + (size_t)((frand() + 1) * 2.49f);
                if (b > N - done)
                    b = N - done;
                size_t got;
                if (in_place) {
                    memcpy(buf, x + done, b * sizeof *x);
                    got = fir_decim_run(f, buf, b, buf);
                    memcpy(out + no, buf, got * sizeof *out);
                } else {
                    got = fir_decim_run(f, x + done, b, out + no);
                }
                if (got > b / (size_t)m + 1) {
                    printf("FAIL %zu outputs from %zu inputs (M %d)\n", got, b, m);
                    fail++;
                }
                done += b;
                no += got;
            }
            fir_decim_destroy(&f);
            int bad = 0;
            double err = 0;
            if (no != (size_t)(N / m)) {
                printf("FAIL taps %d, M %d: %zu outputs of %d inputs\n", ntaps, m, no, N);
                fail++;
            }
            for (size_t k = 0; k < no; k++) {
                float complex r = reference(h, ntaps, m, x, k);
                bad += memcmp(&r, &out[k], sizeof r) != 0;
                double complex s = 0;
                for (int j = 0; j < ntaps; j++) {
                    int64_t i = (int64_t)k * m + m - 1 - j;
                    if (i >= 0)
                        s += (double)h[j] * (double complex)x[i];
                }
                double e = cabs(s - (double complex)out[k]);
                err = e > err ? e : err;
            }
            int ok = bad == 0 && err < 1e-4 * ntaps;
            printf("%s taps %d, M %d%s: %d of %zu outputs differ from the definition, largest "
                   "error against double precision %.2g\n",
                   ok ? "ok  " : "FAIL", ntaps, m,
                   in_place    ? ", in place"
                   : mode == 2 ? ", blocks <= 5"
                               : "",
                   bad, no, err);
            fail += !ok;
        }
    }
    printf("%s\n", fail ? "fir: failures" : "fir: ok");
    return fail != 0;
}
