/* Real recordings: the Long Beach discriminator WAV against AIS-catcher v0.70's reference
 * decode, and the gnuais single-packet snippets.  Skips (77) without ../shared/datasets. */
#include "centinela/ais_demod.h"
#include "centinela/iqfile.h"
#include "centinela/log.h"
#include "centinela/nmea.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* decode a file to NMEA payload strings ("!AIVDM,...") in out (one per line) */
static int decode(const char *path, char *out, size_t cap, int *nframes, unsigned long *mmsi0)
{
    iqfile_reader *r = iqfile_open(path, NULL);
    if (!r)
        return -1;
    const iqfile_info *info = iqfile_get_info(r);
    ais_demod_config dc;
    ais_demod_config_default(&dc, info->sample_rate_hz);
    dc.input_real = info->kind == IQFILE_KIND_REAL;
    ais_demod *q = ais_demod_create(&dc);
    static float x[1 << 16];
    long n;
    size_t len = 0;
    *nframes = 0;
    ais_demod_frame f;
    do {
        n = iqfile_read_real(r, x, sizeof x / sizeof x[0]);
        if (n > 0)
            ais_demod_process_real(q, x, (size_t)n);
        else
            ais_demod_flush(q);
        while (ais_demod_pop(q, &f)) {
            char s[1024];
            if (nmea_encode_vdm(f.bits, f.nbits, "AIVDM", f.channel, 0, s, sizeof s) < 0)
                continue;
            if (*nframes == 0 && mmsi0)
                *mmsi0 = ((unsigned long)f.bits[1] << 22 | (unsigned long)f.bits[2] << 14 |
                          (unsigned long)f.bits[3] << 6 | f.bits[4] >> 2) & 0x3FFFFFFF;
            (*nframes)++;
            size_t k = strlen(s);
            if (len + k + 1 < cap) {
                memcpy(out + len, s, k + 1);
                len += k;
            }
        }
    } while (n > 0);
    ais_demod_destroy(&q);
    iqfile_close(&r);
    return 0;
}

/* the payload field (6th) of a sentence */
static int payload_of(const char *line, char *pl, size_t cap)
{
    const char *p = line;
    for (int i = 0; i < 5 && p; i++) {
        p = strchr(p, ',');
        if (p)
            p++;
    }
    if (!p)
        return -1;
    const char *e = strchr(p, ',');
    if (!e || (size_t)(e - p) >= cap)
        return -1;
    memcpy(pl, p, (size_t)(e - p));
    pl[e - p] = 0;
    return 0;
}

int main(int argc, char **argv)
{
    const char *ds = argc > 1 ? argv[1] : "../shared/datasets";
    char wav[1024], ref[1024], num[1024];
    snprintf(wav, sizeof wav, "%s/radio/long-beach/_LA_LB_Snippet16_Proc.wav", ds);
    snprintf(ref, sizeof ref, "%s/radio/long-beach/reference-decode-aiscatcher-v0.70.nmea", ds);
    if (access(wav, R_OK) != 0 || access(ref, R_OK) != 0) {
        printf("datasets not found under %s: skipped\n", ds);
        return 77;
    }
    log_set_level(LOG_LEVEL_WARN);
    int failures = 0;
    static char out[1 << 20];
    int frames = 0;
    decode(wav, out, sizeof out, &frames, NULL);
    /* every reference payload must be among ours */
    FILE *f = fopen(ref, "r");
    char line[512], pl[256];
    int refs = 0, missing = 0;
    while (fgets(line, sizeof line, f)) {
        if (payload_of(line, pl, sizeof pl) != 0)
            continue;
        refs++;
        if (!strstr(out, pl))
            missing++;
    }
    fclose(f);
    int ok = frames >= 112 && missing == 0;
    printf("%s Long Beach: %d messages (AIS-catcher v0.70: 112), %d of %d reference sentences "
           "missing\n", ok ? "ok  " : "FAIL", frames, missing, refs);
    failures += !ok;
    static const unsigned long want[2] = {258342000, 375431000};
    for (int i = 0; i < 2; i++) {
        snprintf(num, sizeof num, "%s/radio/gnuais-snippets/%d.num", ds, i + 1);
        unsigned long mmsi = 0;
        decode(num, out, sizeof out, &frames, &mmsi);
        ok = frames >= 1 && mmsi == want[i];
        printf("%s gnuais %d.num: %d frame(s), MMSI %lu (want %lu)\n", ok ? "ok  " : "FAIL", i + 1,
               frames, mmsi, want[i]);
        failures += !ok;
    }
    return failures ? 1 : 0;
}
