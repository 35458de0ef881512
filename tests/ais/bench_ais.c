/* Parse + full decode throughput over a realistic mix: the sentences of the shared datasets
 * (positions dominate, static and binary messages included), or a built-in mix when absent.
 * Prints our own in-process sentences/s only: a ratio to another decoder needs that decoder run
 * side by side on the same lines, which bench_peer.c does (ais_decode beside gpsd's gpsdecode,
 * whole processes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "centinela/ais.h"
#include "centinela/nmea.h"

static const char *const builtin[] = {
    "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
    "!AIVDM,1,1,,B,13aDp<PP000IwSlN?Wm@0?wN2<1T,0*29",
    "!AIVDM,1,1,,A,38Id705000rRVJhE7cl9n;160000,0*40",
    "!AIVDM,1,1,,B,B39H9GP0;@H136UI3ijEowU5oP06,0*14",
    "!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E",
    "!AIVDM,2,2,3,B,1@0000000000000,2*55",
    "!AIVDM,1,1,,A,403Ovl@000Htt<tSF0l4Q@100`Pq,0*28",
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    char **lines = NULL;
    size_t n = 0, cap = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f)
            continue;
        char buf[1024];
        while (fgets(buf, sizeof buf, f)) {
            if (!strstr(buf, "VDM") && !strstr(buf, "VDO"))
                continue;
            if (n == cap)
                lines = realloc(lines, (cap = cap ? cap * 2 : 256) * sizeof *lines);
            lines[n++] = strdup(buf);
        }
        fclose(f);
    }
    if (n == 0) {
        for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
            if (n == cap)
                lines = realloc(lines, (cap = cap ? cap * 2 : 16) * sizeof *lines);
            lines[n++] = strdup(builtin[i]);
        }
    }
    size_t *lens = malloc(n * sizeof *lens);
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(lines[i]);
    nmea_assembler *a = nmea_assembler_create(NULL);
    uint64_t sentences = 0, decoded = 0, check = 0;
    double t0 = now_s(), t;
    do {
        for (int rep = 0; rep < 200; rep++) {
            for (size_t i = 0; i < n; i++) {
                nmea_message m;
                sentences++;
                if (nmea_assembler_push(a, lines[i], lens[i], NMEA_TIME_NONE, &m)) {
                    ais_msg am;
                    if (ais_decode(m.bits, m.nbits, &am) == AIS_OK) {
                        decoded++;
                        check += am.mmsi;
                    }
                }
            }
        }
        t = now_s() - t0;
    } while (t < 2.0);
    double rate = sentences / t;
    printf("ais bench: %zu distinct lines, %llu sentences, %llu messages decoded in %.2f s\n", n,
           (unsigned long long)sentences, (unsigned long long)decoded, t);
    printf("ais bench: %.0f sentences/s parse + full decode [%llu]\n", rate,
           (unsigned long long)(check & 0xff));
    nmea_assembler_destroy(&a);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    free(lens);
    return 0;
}
