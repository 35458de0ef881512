/* Recordings the receiver CLI tests need and ais_modulate does not write directly:
 *   iq_helper upsample IN OUT FACTOR   complex IN (any iqfile format) interpolated by an integer
 *                                      factor (liquid-dsp Kaiser interpolator) into OUT (cu8...):
 *                                      Airspy and HackRF rates from a modulated 1.25 MS/s scene
 *   iq_helper stereo LEFT RIGHT OUT    two mono discriminator WAVs into one stereo WAV (rtl_ais
 *                                      -A, two receivers in one file) */
#include "centinela/iqfile.h"

#include <complex.h>
#include <liquid/liquid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int upsample(const char *in, const char *out, unsigned m)
{
    iqfile_reader *r = iqfile_open(in, NULL);
    if (!r)
        return 1;
    const iqfile_info *info = iqfile_get_info(r);
    iqfile_writer_options wo = {.format = IQFILE_FORMAT_AUTO,
                                .kind = IQFILE_KIND_COMPLEX,
                                .sample = IQFILE_SAMPLE_S16,
                                .sample_rate_hz = info->sample_rate_hz * m,
                                .center_hz = info->center_hz};
    iqfile_writer *w = iqfile_create(out, &wo);
    if (!w) {
        iqfile_close(&r);
        return 1;
    }
    firinterp_crcf q = firinterp_crcf_create_kaiser(m, 8, 60.0f);
    enum { N = 4096 };
    float complex x[N];
    float complex *y = malloc(sizeof *y * N * m);
    long n;
    int rc = 0;
    while ((n = iqfile_read_cf32(r, x, N)) > 0) {
        for (long i = 0; i < n; i++)
            firinterp_crcf_execute(q, x[i], y + (size_t)i * m);
        if (iqfile_write_cf32(w, y, (size_t)n * m) != 0)
            rc = 1;
    }
    if (n < 0)
        rc = 1;
    firinterp_crcf_destroy(q);
    free(y);
    iqfile_close(&r);
    if (iqfile_writer_close(&w) != 0)
        rc = 1;
    return rc;
}

static int stereo(const char *left, const char *right, const char *out)
{
    iqfile_reader *a = iqfile_open(left, NULL), *b = iqfile_open(right, NULL);
    if (!a || !b)
        return 1;
    iqfile_writer_options wo = {.format = IQFILE_FORMAT_WAV,
                                .kind = IQFILE_KIND_COMPLEX, /* two channels: left, right */
                                .sample = IQFILE_SAMPLE_S16,
                                .sample_rate_hz = iqfile_get_info(a)->sample_rate_hz};
    iqfile_writer *w = iqfile_create(out, &wo);
    if (!w)
        return 1;
    enum { N = 4096 };
    float xa[N], xb[N];
    float complex y[N];
    for (;;) {
        long na = iqfile_read_real(a, xa, N), nb = iqfile_read_real(b, xb, N);
        long n = na > nb ? na : nb;
        if (na < 0 || nb < 0)
            return 1;
        if (n <= 0)
            break;
        for (long i = 0; i < n; i++)
            y[i] = (i < na ? xa[i] : 0) + I * (i < nb ? xb[i] : 0);
        if (iqfile_write_cf32(w, y, (size_t)n) != 0)
            return 1;
    }
    iqfile_close(&a);
    iqfile_close(&b);
    return iqfile_writer_close(&w) != 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "upsample") == 0)
        return upsample(argv[2], argv[3], (unsigned)atoi(argv[4]));
    if (argc == 5 && strcmp(argv[1], "stereo") == 0)
        return stereo(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: iq_helper upsample IN OUT FACTOR | stereo LEFT RIGHT OUT\n");
    return 2;
}
