/* ais_per: decode rate of synthesized bursts against Eb/N0 (development and benchmark tool).
 * usage: ais_per RATE EBN0_FROM EBN0_TO STEP BURSTS [SPREAD_HZ] [COMMON_HZ] [INTERFERER_DB]
 *        [audio] [seed=N]
 * seed=N runs another set of scenes at each point (0, the default, is the README's). */
#include "scene.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr,
                "usage: %s RATE EBN0_FROM EBN0_TO STEP BURSTS [SPREAD_HZ] [COMMON_HZ] "
                "[INTERFERER_DB] [audio] [seed=N]\n",
                argv[0]);
        return 2;
    }
    scene_config c = {0};
    c.sample_rate_hz = atof(argv[1]);
    double from = atof(argv[2]), to = atof(argv[3]), step = atof(argv[4]);
    c.nbursts = atoi(argv[5]);
    c.freq_spread_hz = 1000;
    /* the optional numbers in order; "audio" and "seed=N" (another set of scenes per point)
     * anywhere among them */
    double *opt[] = {&c.freq_spread_hz, &c.common_offset_hz, &c.interferer_db};
    size_t nopt = 0;
    uint64_t seed_set = 0;
    for (int i = 6; i < argc; i++) {
        if (strcmp(argv[i], "audio") == 0)
            c.audio = 1;
        else if (strncmp(argv[i], "seed=", 5) == 0)
            seed_set = strtoull(argv[i] + 5, NULL, 10);
        else if (nopt < sizeof opt / sizeof opt[0])
            *opt[nopt++] = atof(argv[i]);
    }
    printf("# rate %.0f spread %.0f Hz common %.0f Hz interferer %.1f dB%s seed set %llu\n",
           c.sample_rate_hz, c.freq_spread_hz, c.common_offset_hz, c.interferer_db,
           c.audio ? " audio" : "", (unsigned long long)seed_set);
    printf(
        "# ebn0_db  decoded/sent  rate  false  cpu_s_per_s  candidates/s (gated, suppressed, "
        "bad crc) repaired, repairs rejected (field checks, odds, second look), repairs skipped, "
        "unrepaired frames rejected (odds, second look)\n");
    for (double e = from; e <= to + 1e-9; e += step) {
        c.ebn0_db = e;
        c.seed = (uint64_t)(e * 1000) + 1 + seed_set * 1000003;
        scene_result r;
        if (scene_run(&c, &r) != 0)
            return 1;
        printf("%7.2f  %5d/%-5d  %.3f  %d  %.4f  %.0f (%lu, %lu, %lu) %lu %lu %lu %lu\n", e,
               r.decoded, r.sent, (double)r.decoded / r.sent, r.false_frames, r.cpu_s / r.signal_s,
               r.candidates / r.signal_s, r.gated, r.suppressed, r.crc_fail, r.repaired,
               r.repair_rejected, r.repair_skipped, r.clean_rejected);
        fflush(stdout);
    }
    return 0;
}
