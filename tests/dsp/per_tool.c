/* ais_per: decode rate of synthesized bursts against Eb/N0 (development and benchmark tool).
 * usage: ais_per RATE EBN0_FROM EBN0_TO STEP BURSTS [SPREAD_HZ] [COMMON_HZ] [INTERFERER_DB]
 *        [audio] */
#include "scene.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr,
                "usage: %s RATE EBN0_FROM EBN0_TO STEP BURSTS [SPREAD_HZ] [COMMON_HZ] "
                "[INTERFERER_DB] [audio]\n",
                argv[0]);
        return 2;
    }
    scene_config c = {0};
    c.sample_rate_hz = atof(argv[1]);
    double from = atof(argv[2]), to = atof(argv[3]), step = atof(argv[4]);
    c.nbursts = atoi(argv[5]);
    c.freq_spread_hz = argc > 6 ? atof(argv[6]) : 1000;
    c.common_offset_hz = argc > 7 ? atof(argv[7]) : 0;
    c.interferer_db = argc > 8 ? atof(argv[8]) : 0;
    c.audio = argc > 9 && strcmp(argv[9], "audio") == 0;
    printf("# rate %.0f spread %.0f Hz common %.0f Hz interferer %.1f dB%s\n", c.sample_rate_hz,
           c.freq_spread_hz, c.common_offset_hz, c.interferer_db, c.audio ? " audio" : "");
    printf("# ebn0_db  decoded/sent  rate  false  cpu_s_per_s  candidates/s (gated, suppressed, "
           "bad crc) repaired, repairs rejected by the field checks, repairs skipped\n");
    for (double e = from; e <= to + 1e-9; e += step) {
        c.ebn0_db = e;
        c.seed = (uint64_t)(e * 1000) + 1;
        scene_result r;
        if (scene_run(&c, &r) != 0)
            return 1;
        printf("%7.2f  %5d/%-5d  %.3f  %d  %.4f  %.0f (%lu, %lu, %lu) %lu %lu %lu\n", e, r.decoded,
               r.sent, (double)r.decoded / r.sent, r.false_frames, r.cpu_s / r.signal_s,
               r.candidates / r.signal_s, r.gated, r.suppressed, r.crc_fail, r.repaired,
               r.repair_rejected, r.repair_skipped);
        fflush(stdout);
    }
    return 0;
}
