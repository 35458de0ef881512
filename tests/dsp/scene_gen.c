/* ais_scene_gen: writes a synthesized recording (rtl_sdr cu8) for side-by-side CPU and decode
 * comparisons with other receivers.
 * usage: ais_scene_gen OUT.cu8 RATE SECONDS BURSTS_PER_S EBN0_LO EBN0_HI [SEED]
 * Bursts are random type 1 reports, alternating channels A and B, Eb/N0 uniform in
 * [EBN0_LO, EBN0_HI] dB, carrier offsets uniform in +-1 kHz, at random times (collisions
 * allowed).  Noise at -20 dBFS, scaled so cu8 (127.5 +- 127.5) does not clip. */
#include "scene.h"

#include "centinela/ais_mod.h"

#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: %s OUT.cu8 RATE SECONDS BURSTS_PER_S EBN0_LO EBN0_HI [SEED]\n",
                argv[0]);
        return 2;
    }
    double fs = atof(argv[2]), dur = atof(argv[3]), rate = atof(argv[4]);
    double lo = atof(argv[5]), hi = atof(argv[6]);
    uint64_t rng = argc > 7 ? strtoull(argv[7], NULL, 10) : 1;
    ais_mod_config mc = {.sample_rate_hz = fs, .noise_dbfs = -20, .add_noise = 1, .seed = rng};
    ais_mod *mod = ais_mod_create(&mc);
    FILE *f = fopen(argv[1], "wb");
    if (!mod || !f) {
        fprintf(stderr, "cannot start\n");
        return 1;
    }
    int n = (int)(dur * rate);
    double *t = malloc((size_t)n * sizeof *t);
    for (int i = 0; i < n; i++)
        t[i] = 0.01 + (dur - 0.05) * (double)(scene_rand(&rng) >> 11) / 9007199254740992.0;
    for (int i = 1; i < n; i++) /* insertion sort: the modulator wants bursts in time order */
        for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
            double x = t[j];
            t[j] = t[j - 1];
            t[j - 1] = x;
        }
    for (int i = 0; i < n; i++) {
        uint8_t msb[21];
        scene_random_msg(&rng, msb);
        double u = (double)(scene_rand(&rng) >> 11) / 9007199254740992.0;
        double v = (double)(scene_rand(&rng) >> 11) / 9007199254740992.0;
        ais_mod_burst b = {.channel = (i & 1) ? 'B' : 'A',
                           .ebn0_db = lo + (hi - lo) * u,
                           .freq_offset_hz = 1000 * (2 * v - 1),
                           .start_s = t[i]};
        if (ais_mod_add_burst(mod, msb, 168, &b) != 0) {
            fprintf(stderr, "burst %d refused\n", i);
            return 1;
        }
    }
    enum { BLK = 65536 };
    float complex *x = malloc(BLK * sizeof *x);
    uint8_t *o = malloc(2 * BLK);
    size_t total = (size_t)(dur * fs);
    for (size_t done = 0; done < total;) {
        size_t k = total - done < BLK ? total - done : BLK;
        ais_mod_render(mod, x, k);
        for (size_t i = 0; i < k; i++) {
            /* -20 dBFS noise: scale 1.0 full scale to 127.5 */
            float re = 127.5f + 127.5f * crealf(x[i]), im = 127.5f + 127.5f * cimagf(x[i]);
            o[2 * i] = (uint8_t)(re < 0 ? 0 : re > 255 ? 255 : lrintf(re));
            o[2 * i + 1] = (uint8_t)(im < 0 ? 0 : im > 255 ? 255 : lrintf(im));
        }
        fwrite(o, 2, k, f);
        done += k;
    }
    fclose(f);
    free(x);
    free(o);
    free(t);
    ais_mod_destroy(&mod);
    printf("%s: %.0f s at %.0f S/s, %d bursts\n", argv[1], dur, fs, n);
    return 0;
}
