/* ais_modulate tests: NMEA -> file -> our demodulator gives the same payloads back, in every
 * format; tag-block times; SigMF datetime; bad lines counted and skipped; bad settings refused.
 * usage: test_ais_modulate WORKDIR */
#include "ais_modulate.h"
#include "bench_util.h"

#include "centinela/ais_mod.h"
#include "centinela/log.h"
#include "centinela/nmea.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(cond, ...)                                                                          \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            failures++;                                                                           \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                       \
            fprintf(stderr, __VA_ARGS__);                                                         \
            fputc('\n', stderr);                                                                  \
        }                                                                                         \
    } while (0)

static const char *workdir;

static const char *wpath(const char *name)
{
    static char buf[8][1024];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", workdir, name);
    return buf[k];
}

/* Known messages as NMEA lines: n type 1 reports alternating A/B plus one two-part type 5. */
typedef struct {
    char lines[64][256];
    int nlines;
    bu_set msgs;
} corpus;

static void make_corpus(corpus *c, int n, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    uint64_t rng = seed;
    for (int i = 0; i <= n; i++) {
        uint8_t bits[53] = {0};
        size_t nbits = 168;
        char ch = (i & 1) ? 'B' : 'A';
        if (i == n) { /* a type 5, two sentences */
            for (int k = 0; k < 53; k++)
                bits[k] = (uint8_t)bu_rand(&rng);
            bits[0] = (uint8_t)((5 << 2) | (bits[0] & 3));
            nbits = 424;
            bits[52] &= 0xF0;
        } else {
            bu_random_msg(&rng, bits);
        }
        bu_set_add(&c->msgs, bits, nbits, ch);
        char out[512];
        int k = nmea_encode_vdm(bits, nbits, "AIVDM", ch, i % 10, out, sizeof out);
        if (k <= 0) {
            fprintf(stderr, "encode failed\n");
            exit(1);
        }
        char *save = NULL;
        for (char *l = strtok_r(out, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
            snprintf(c->lines[c->nlines++], sizeof c->lines[0], "%s\n", l);
        }
    }
}

static ais_modulate *run(const ais_modulate_config *cfg, const corpus *c)
{
    ais_modulate *m = ais_modulate_create(cfg);
    if (!m)
        return NULL;
    for (int i = 0; i < c->nlines; i++)
        ais_modulate_push_line(m, c->lines[i], strlen(c->lines[i]));
    if (ais_modulate_finish(m) != 0)
        ais_modulate_destroy(&m);
    return m;
}

/* Every message of the corpus decodes back (on its channel), nothing else. */
static void check_round_trip(const char *name, ais_modulate_config *cfg, const corpus *c,
                             double read_rate_hz, int expect_channel)
{
    ais_modulate *m = run(cfg, c);
    CHECK(m != NULL, "%s: modulate", name);
    if (!m)
        return;
    const ais_modulate_burst *sent;
    size_t ns = ais_modulate_bursts(m, &sent);
    CHECK(ns == c->msgs.n, "%s: %zu bursts for %zu messages", name, ns, c->msgs.n);
    bu_set dec = {0};
    CHECK(bu_decode_ours(cfg->output, read_rate_hz, &dec) == 0, "%s: decode", name);
    bu_match r = bu_match_sent(sent, ns, &dec);
    CHECK(r.found == r.sent && r.sent > 0, "%s: decoded %d of %d", name, r.found, r.sent);
    CHECK(r.extra == 0, "%s: %d payloads that were never sent", name, r.extra);
    if (expect_channel)
        for (size_t i = 0; i < dec.n; i++)
            for (size_t j = 0; j < c->msgs.n; j++)
                if (dec.v[i].nbits == c->msgs.v[j].nbits &&
                    memcmp(dec.v[i].bits, c->msgs.v[j].bits, (dec.v[i].nbits + 7) / 8) == 0)
                    CHECK(dec.v[i].channel == c->msgs.v[j].channel, "%s: channel %c, sent %c",
                          name, dec.v[i].channel, c->msgs.v[j].channel);
    printf("%-8s %d/%d decoded, %d extra\n", name, r.found, r.sent, r.extra);
    bu_set_free(&dec);
    ais_modulate_destroy(&m);
}

static void test_formats(void)
{
    corpus c;
    make_corpus(&c, 12, 11);
    struct {
        const char *file, *name;
        iqfile_sample sample;
        double rate_hz, read_rate_hz;
    } fmts[] = {
        {"rt.cu8", "cu8", IQFILE_SAMPLE_U8, 288000, 288000},
        {"rt.cs8", "cs8", IQFILE_SAMPLE_S8, 192000, 192000},
        {"rt.cs16", "cs16", IQFILE_SAMPLE_S16, 1536000, 1536000},
        {"rt.cf32", "cf32", IQFILE_SAMPLE_F32, 250000, 250000},
        {"rt.wav", "wav", IQFILE_SAMPLE_S16, 96000, 0},
        {"rt.sigmf-meta", "sigmf", IQFILE_SAMPLE_F32, 288000, 0},
    };
    for (unsigned i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        ais_modulate_config cfg;
        ais_modulate_config_default(&cfg);
        cfg.output = wpath(fmts[i].file);
        cfg.sample = fmts[i].sample;
        cfg.sample_rate_hz = fmts[i].rate_hz;
        cfg.ebn0_db = 25;
        cfg.freq_jitter_hz = 1000;
        cfg.time_jitter_s = 0.01;
        cfg.seed = 100 + i;
        check_round_trip(fmts[i].name, &cfg, &c, fmts[i].read_rate_hz, 1);
    }
    bu_set_free(&c.msgs);
}

/* Discriminator audio of channel B: the B bursts decode from the WAV, the A bursts are dropped
 * and counted. */
static void test_audio(void)
{
    corpus c;
    make_corpus(&c, 10, 21);
    ais_modulate_config cfg;
    ais_modulate_config_default(&cfg);
    cfg.output = wpath("audio.wav");
    cfg.audio = 1;
    cfg.audio_channel = 'B';
    cfg.sample_rate_hz = 48000;
    cfg.ebn0_db = 30;
    cfg.freq_jitter_hz = 500;
    ais_modulate *m = run(&cfg, &c);
    CHECK(m != NULL, "audio: modulate");
    if (!m)
        return;
    const ais_modulate_stats *st = ais_modulate_get_stats(m);
    const ais_modulate_burst *sent;
    size_t ns = ais_modulate_bursts(m, &sent);
    size_t nb = 0;
    for (size_t i = 0; i < c.msgs.n; i++)
        nb += c.msgs.v[i].channel == 'B';
    CHECK(ns == nb, "audio: %zu bursts, %zu on B", ns, nb);
    CHECK(st->off_channel == c.msgs.n - nb, "audio: %llu dropped",
          (unsigned long long)st->off_channel);
    bu_set dec = {0};
    CHECK(bu_decode_ours(cfg.output, 0, &dec) == 0, "audio: decode");
    bu_match r = bu_match_sent(sent, ns, &dec);
    CHECK(r.found == r.sent, "audio: decoded %d of %d", r.found, r.sent);
    CHECK(r.extra == 0, "audio: %d extra", r.extra);
    printf("audio    %d/%d decoded, %d extra\n", r.found, r.sent, r.extra);
    bu_set_free(&dec);
    ais_modulate_destroy(&m);
    bu_set_free(&c.msgs);
}

/* Tag times (integer s, ms, fractional s) place the bursts; SigMF gets core:datetime. */
static void test_tag_times(void)
{
    for (int v = 0; v < 3; v++) {
        const double t0 = 1700000000.0;
        corpus c;
        make_corpus(&c, 6, 31);
        /* tag blocks at t0 + 0.25 s i (fractional seconds, milliseconds); integer seconds
         * cannot hold 0.25 s steps, so that variant steps by 4 s */
        corpus tc;
        memset(&tc, 0, sizeof tc);
        int msg = 0;
        for (int i = 0; i < c.nlines; i++) {
            const char *l = c.lines[i];
            /* the tag block on every sentence (as a source would send), the second part of
             * the multipart type 5 with the time of the first, except for the ms variant,
             * which tags the first part only */
            int second = strncmp(l, "!AIVDM,2,2", 10) == 0;
            int idx = second ? msg - 1 : msg++;
            double t = v == 0 ? t0 + 4 * idx : t0 + 0.25 * idx;
            char body[64], tag[96] = "";
            if (!second || v != 2) {
                if (v == 0)
                    snprintf(body, sizeof body, "c:%.0f", t);
                else if (v == 1)
                    snprintf(body, sizeof body, "s:test,c:%.3f", t);
                else
                    snprintf(body, sizeof body, "c:%.0f", t * 1000);
                snprintf(tag, sizeof tag, "\\%s*%02X\\", body, nmea_checksum(body, strlen(body)));
            }
            snprintf(tc.lines[tc.nlines++], sizeof tc.lines[0], "%s%s", tag, l);
        }
        ais_modulate_config cfg;
        ais_modulate_config_default(&cfg);
        cfg.output = wpath("tags.sigmf-meta");
        cfg.sample = IQFILE_SAMPLE_S16;
        cfg.ebn0_db = 25;
        cfg.lead_s = 0.5;
        ais_modulate *m = run(&cfg, &tc);
        CHECK(m != NULL, "tags %d: modulate", v);
        if (!m)
            continue;
        const ais_modulate_burst *b;
        size_t n = ais_modulate_bursts(m, &b);
        CHECK(n == 7, "tags %d: %zu bursts", v, n);
        for (size_t i = 0; i < n; i++) {
            double want = 0.5 + (v == 0 ? 4.0 : 0.25) * (double)i;
            CHECK(fabs(b[i].start_s - want) < 1e-6, "tags %d: burst %zu at %.6f s, want %.6f", v,
                  i, b[i].start_s, want);
        }
        CHECK(fabs(ais_modulate_get_stats(m)->start_unix_s - (t0 - 0.5)) < 1e-6,
              "tags %d: time zero", v);
        json_error_t err;
        json_t *root = json_load_file(wpath("tags.sigmf-meta"), 0, &err);
        CHECK(root != NULL, "tags %d: meta: %s", v, err.text);
        if (root) {
            json_t *cap0 = json_array_get(json_object_get(root, "captures"), 0);
            const char *dt = json_string_value(json_object_get(cap0, "core:datetime"));
            CHECK(dt && strcmp(dt, "2023-11-14T22:13:19.500Z") == 0, "tags %d: datetime %s", v,
                  dt ? dt : "(none)");
            CHECK(json_array_size(json_object_get(root, "annotations")) == 7,
                  "tags %d: annotations", v);
            json_decref(root);
        }
        bu_set dec = {0};
        CHECK(bu_decode_ours(wpath("tags.sigmf-meta"), 0, &dec) == 0, "tags: decode");
        bu_match r = bu_match_sent(b, n, &dec);
        CHECK(r.found == r.sent && r.extra == 0, "tags %d: %d/%d, %d extra", v, r.found, r.sent,
              r.extra);
        bu_set_free(&dec);
        ais_modulate_destroy(&m);
        bu_set_free(&c.msgs);
    }
}

/* Same tag second on one channel: one slot apart.  Explicit start time and offsets. */
static void test_packing_and_offsets(void)
{
    ais_modulate_config cfg;
    ais_modulate_config_default(&cfg);
    cfg.output = wpath("pack.cf32");
    cfg.have_start = 1;
    cfg.start_unix_s = 1000;
    cfg.time_offset_s = 0.2;
    cfg.ppm = 10;
    cfg.freq_offset_hz = -300;
    cfg.channel = AIS_MODULATE_CHANNEL_B;
    ais_modulate *m = ais_modulate_create(&cfg);
    CHECK(m != NULL, "pack: create");
    if (!m)
        return;
    uint64_t rng = 5;
    for (int i = 0; i < 3; i++) {
        uint8_t bits[21];
        bu_random_msg(&rng, bits);
        ais_modulate_add_message(m, bits, 168, 'A', 1001.0, 0);
    }
    CHECK(ais_modulate_finish(m) == 0, "pack: finish");
    const ais_modulate_burst *b;
    size_t n = ais_modulate_bursts(m, &b);
    CHECK(n == 3, "pack: %zu", n);
    for (size_t i = 0; i < n; i++) {
        CHECK(fabs(b[i].start_s - (1.2 + i * AIS_MODULATE_SLOT_S)) < 1e-9, "pack: %zu at %.6f",
              i, b[i].start_s);
        CHECK(b[i].channel == 'B', "pack: forced channel");
        CHECK(fabs(b[i].freq_offset_hz - (-300 + 10e-6 * AIS_CHANNEL_B_HZ)) < 1e-6,
              "pack: offset %.3f", b[i].freq_offset_hz);
    }
    ais_modulate_destroy(&m);
}

/* Bad lines are counted by class and skipped; the good ones still make bursts. */
static void test_bad_lines(void)
{
    corpus c;
    make_corpus(&c, 4, 41);
    corpus bad;
    memset(&bad, 0, sizeof bad);
    static const char *junk[] = {
        "!AIVDM,1,1,,A,15MwlV0P00GRUEdCD@0p4OvT0<11,0*72\n", /* checksum */
        "!AIVDM,1,1,,A,15Mwl~0P00GRUEdCD@0p4OvT0<11,0*0F\n", /* armour (checksum fixed below) */
        "this is not NMEA at all\n",
        "!AIVDM,1,1\n",
        "\\c:abc*00\\!AIVDM,1,1,,A,15MwlV0P00GRUEdCD@0p4OvT0<11,0*71\n",
        "$GPRMC,000000,A,0000.00,N,00000.00,E,0,0,010100,,*00\n",
        "\n",
    };
    for (int i = 0; i < c.nlines; i++) {
        snprintf(bad.lines[bad.nlines++], sizeof bad.lines[0], "%s", c.lines[i]);
        if (i < (int)(sizeof junk / sizeof junk[0]))
            snprintf(bad.lines[bad.nlines++], sizeof bad.lines[0], "%s", junk[i]);
    }
    /* give the armour line a correct checksum so only the armour is wrong */
    for (int i = 0; i < bad.nlines; i++) {
        char *l = bad.lines[i];
        if (strstr(l, "15Mwl~")) {
            char *star = strchr(l, '*');
            size_t body = (size_t)(star - l - 1);
            snprintf(star, 8, "*%02X\n", nmea_checksum(l + 1, body));
        }
    }
    ais_modulate_config cfg;
    ais_modulate_config_default(&cfg);
    cfg.output = wpath("bad.cu8");
    ais_modulate *m = run(&cfg, &bad);
    CHECK(m != NULL, "bad lines: run");
    if (!m)
        return;
    const ais_modulate_stats *st = ais_modulate_get_stats(m);
    const ais_modulate_burst *b;
    size_t n = ais_modulate_bursts(m, &b);
    CHECK(n == c.msgs.n, "bad lines: %zu bursts, want %zu", n, c.msgs.n);
    CHECK(st->bad_lines >= 4, "bad lines: %llu counted", (unsigned long long)st->bad_lines);
    CHECK(st->bad_by_status[NMEA_BAD_CHECKSUM] >= 1, "bad lines: checksum class");
    CHECK(st->bad_by_status[NMEA_BAD_ARMOR] == 1, "bad lines: armour class %llu",
          (unsigned long long)st->bad_by_status[NMEA_BAD_ARMOR]);
    CHECK(st->not_mine >= 2, "bad lines: not-mine %llu", (unsigned long long)st->not_mine);
    CHECK(st->lines == (uint64_t)bad.nlines, "bad lines: %llu lines",
          (unsigned long long)st->lines);
    ais_modulate_print_summary(m, stdout);
    ais_modulate_destroy(&m);
    bu_set_free(&c.msgs);
}

static void test_refused(void)
{
    ais_modulate_config c;
    const char *out = wpath("refused.cu8");
#define REFUSED(stmt)                                                                             \
    do {                                                                                          \
        ais_modulate_config_default(&c);                                                          \
        c.output = out;                                                                           \
        stmt;                                                                                     \
        ais_modulate *m = ais_modulate_create(&c);                                                \
        CHECK(m == NULL, "accepted: %s", #stmt);                                                  \
        ais_modulate_destroy(&m);                                                                 \
    } while (0)
    REFUSED(c.sample_rate_hz = 1000);
    REFUSED(c.sample_rate_hz = 5e6);
    REFUSED(c.ebn0_db = 90);
    REFUSED(c.ebn0_db = 70; c.ebn0_range_db = 20);
    REFUSED(c.noise_dbfs = 3);
    REFUSED(c.spacing_s = 0);
    REFUSED(c.freq_jitter_hz = -1);
    REFUSED(c.audio = 1);                                  /* audio into cu8 */
    REFUSED(c.output = wpath("x.unknown"));                /* no format */
    REFUSED(c.output = "");
    REFUSED(c.audio = 1; c.output = wpath("a.wav"); c.audio_channel = 'C');
    REFUSED(c.audio = 1; c.output = wpath("a.wav"); c.sample_rate_hz = 288000);
    REFUSED(c.have_start = 1; c.start_unix_s = -5);
    REFUSED(c.duration_s = NAN);
    /* and the default is accepted */
    ais_modulate_config_default(&c);
    c.output = out;
    ais_modulate *m = ais_modulate_create(&c);
    CHECK(m != NULL, "defaults refused");
    ais_modulate_destroy(&m);
}

/* The same input and seed give the same file. */
static void test_deterministic(void)
{
    corpus c;
    make_corpus(&c, 5, 51);
    ais_modulate_config cfg;
    ais_modulate_config_default(&cfg);
    cfg.freq_jitter_hz = 800;
    cfg.time_jitter_s = 0.003;
    cfg.ebn0_range_db = 10;
    const char *p[2] = {wpath("det1.cs16"), wpath("det2.cs16")};
    for (int k = 0; k < 2; k++) {
        cfg.output = p[k];
        ais_modulate *m = run(&cfg, &c);
        CHECK(m != NULL, "det: run");
        ais_modulate_destroy(&m);
    }
    FILE *a = fopen(p[0], "rb"), *b = fopen(p[1], "rb");
    int same = a && b;
    while (same) {
        int x = fgetc(a), y = fgetc(b);
        same = x == y;
        if (x == EOF)
            break;
    }
    CHECK(same, "det: files differ");
    if (a)
        fclose(a);
    if (b)
        fclose(b);
    bu_set_free(&c.msgs);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s WORKDIR\n", argv[0]);
        return 2;
    }
    workdir = argv[1];
    log_set_level(LOG_LEVEL_ERROR);
    test_formats();
    test_audio();
    test_tag_times();
    test_packing_and_offsets();
    test_bad_lines();
    test_refused();
    test_deterministic();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("all ais_modulate checks passed\n");
    return 0;
}
