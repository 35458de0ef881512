/* Real recordings: the Long Beach discriminator WAV against AIS-catcher v0.70's reference
 * decode, and the gnuais single-packet snippets.  Skips (77) without ../shared/datasets.
 *
 * Messages are compared whole: multipart sentences are joined (the reference splits type 5 at
 * 56 payload characters, our encoder at 60), so a message counts once whatever its split. */
#include "centinela/ais_demod.h"
#include "centinela/iqfile.h"
#include "centinela/log.h"
#include "centinela/nmea.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_MSGS 4096
#define MAX_PAYLOAD 200

typedef struct {
    char pl[MAX_MSGS][MAX_PAYLOAD];
    int n;
    char part[MAX_PAYLOAD]; /* multipart message being joined */
} msg_set;

static int in_set(const msg_set *s, const char *pl)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->pl[i], pl) == 0)
            return 1;
    return 0;
}

/* feed one !AIVDM sentence; complete messages are added once (distinct payloads) */
static void add_sentence(msg_set *s, const char *line)
{
    const char *f[7] = {line};
    for (int i = 1; i < 7; i++) {
        f[i] = strchr(f[i - 1], ',');
        if (!f[i])
            return;
        f[i]++;
    }
    int total = atoi(f[1]), num = atoi(f[2]);
    size_t len = (size_t)(f[6] - f[5] - 1);
    if (num == 1)
        s->part[0] = 0;
    size_t have = strlen(s->part);
    if (have + len >= MAX_PAYLOAD)
        return;
    memcpy(s->part + have, f[5], len);
    s->part[have + len] = 0;
    if (num != total || s->n == MAX_MSGS || in_set(s, s->part))
        return;
    strcpy(s->pl[s->n++], s->part);
}

static void add_block(msg_set *s, char *block)
{
    for (char *l = strtok(block, "\r\n"); l; l = strtok(NULL, "\r\n"))
        add_sentence(s, l);
}

/* decode a file into s (distinct messages); *frames counts every frame delivered */
static int decode(const char *path, msg_set *s, int *frames, unsigned long *mmsi0)
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
    s->n = 0;
    *frames = 0;
    ais_demod_frame f;
    do {
        n = iqfile_read_real(r, x, sizeof x / sizeof x[0]);
        if (n > 0)
            ais_demod_process_real(q, x, (size_t)n);
        else
            ais_demod_flush(q);
        while (ais_demod_pop(q, &f)) {
            char out[1024];
            if (nmea_encode_vdm(f.bits, f.nbits, "AIVDM", f.channel, 0, out, sizeof out) < 0)
                continue;
            if (*frames == 0 && mmsi0)
                *mmsi0 = ((unsigned long)f.bits[1] << 22 | (unsigned long)f.bits[2] << 14 |
                          (unsigned long)f.bits[3] << 6 | f.bits[4] >> 2) & 0x3FFFFFFF;
            (*frames)++;
            add_block(s, out);
        }
    } while (n > 0);
    ais_demod_destroy(&q);
    iqfile_close(&r);
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
    static msg_set ours, want;
    int frames = 0;
    if (decode(wav, &ours, &frames, NULL) != 0) {
        printf("FAIL cannot read %s\n", wav);
        return 1;
    }
    FILE *f = fopen(ref, "r");
    char line[512];
    want.n = 0;
    while (f && fgets(line, sizeof line, f))
        add_sentence(&want, line);
    if (f)
        fclose(f);
    int missing = 0;
    for (int i = 0; i < want.n; i++) {
        if (!in_set(&ours, want.pl[i])) {
            printf("     missing %s\n", want.pl[i]);
            missing++;
        }
    }
    int ok = want.n == 112 && ours.n >= 112 && missing == 0;
    printf("%s Long Beach: %d distinct messages (%d frames; AIS-catcher v0.70: 112), %d of %d "
           "reference messages missing\n", ok ? "ok  " : "FAIL", ours.n, frames, missing, want.n);
    failures += !ok;
    static const unsigned long mmsi_want[2] = {258342000, 375431000};
    for (int i = 0; i < 2; i++) {
        snprintf(num, sizeof num, "%s/radio/gnuais-snippets/%d.num", ds, i + 1);
        unsigned long mmsi = 0;
        decode(num, &ours, &frames, &mmsi);
        ok = frames >= 1 && mmsi == mmsi_want[i];
        printf("%s gnuais %d.num: %d frame(s), MMSI %lu (want %lu)\n", ok ? "ok  " : "FAIL", i + 1,
               frames, mmsi, mmsi_want[i]);
        failures += !ok;
    }
    return failures ? 1 : 0;
}
