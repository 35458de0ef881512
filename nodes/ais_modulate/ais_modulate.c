/* ais_modulate library: NMEA lines -> scheduled bursts -> ais_mod -> iqfile writer.
 *
 * Messages are collected first and rendered at finish: tag times need not arrive in order, and
 * time zero (the earliest tag time) is only known at the end.  Rendering then streams block by
 * block, handing ais_mod only the bursts that start within the next block, so an hour-long
 * scene with tens of thousands of bursts neither sits in memory as samples nor makes the
 * modulator walk a long queue per block.
 */
#include "ais_modulate.h"

#include "centinela/ais_mod.h"
#include "centinela/log.h"
#include "centinela/nmea.h"
#include "centinela/sixbit.h"
#include "centinela/wire.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    ais_modulate_burst b;
    double t_unix_s; /* NaN: untimed */
    char in_channel; /* 'A'/'B' from the input (before the channel option) */
    double level_db; /* added to the drawn Eb/N0 */
    uint64_t order;  /* input order, the tie-break of the time sort */
} queued;

struct ais_modulate {
    ais_modulate_config cfg;
    char *output;
    char *truth;
    nmea_assembler *asm_;
    queued *q;
    size_t nq, capq;
    ais_modulate_burst *sent; /* after finish: the bursts in time order */
    int finished;
    ais_modulate_stats st;
};

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* uniform in [-1, 1) */
static double usym(uint64_t *s)
{
    return 2.0 * ((double)(splitmix(s) >> 11) / 9007199254740992.0) - 1.0;
}

void ais_modulate_config_default(ais_modulate_config *c)
{
    memset(c, 0, sizeof *c);
    c->format = IQFILE_FORMAT_AUTO;
    c->sample = IQFILE_SAMPLE_S16;
    c->audio_channel = 'A';
    c->sample_rate_hz = 288000;
    c->center_hz = 162.0e6;
    c->noise_dbfs = -25;
    c->add_noise = 1;
    c->channel = AIS_MODULATE_CHANNEL_SENTENCE;
    c->ebn0_db = 20;
    c->spacing_s = 0.1;
    c->lead_s = 0.05;
    c->tail_s = 0.05;
    c->pack_same_time = 1;
    c->start_unix_s = NAN;
    c->seed = 1;
}

static int in_range(double v, double lo, double hi)
{
    return v >= lo && v <= hi; /* false for NaN */
}

ais_modulate *ais_modulate_create(const ais_modulate_config *cfg)
{
    if (!cfg || !cfg->output || !*cfg->output) {
        log_error("ais_modulate: no output path");
        return NULL;
    }
    const ais_modulate_config *c = cfg;
    iqfile_format fmt = c->format == IQFILE_FORMAT_AUTO ? iqfile_format_from_path(c->output)
                                                        : c->format;
    const char *why = NULL;
    if (fmt == IQFILE_FORMAT_AUTO)
        why = "output format unknown: give format (cu8, cs8, cs16, cf32, wav, sigmf) or an extension";
    else if (fmt == IQFILE_FORMAT_NUM)
        why = "the num text format is read-only";
    else if (c->audio && fmt != IQFILE_FORMAT_WAV && fmt != IQFILE_FORMAT_SIGMF)
        why = "discriminator audio is written as wav or sigmf";
    else if (c->audio && c->audio_channel != 'A' && c->audio_channel != 'B')
        why = "audio_channel is A or B";
    else if (!in_range(c->sample_rate_hz, IQFILE_MIN_RATE_HZ, 2.4e6)) /* the modulator's range */
        why = "sample rate outside [48 kS/s, 2.4 MS/s]";
    else if (c->audio && c->sample_rate_hz > 192000)
        why = "discriminator audio rate above 192 kS/s";
    else if (!c->audio && !in_range(c->center_hz, 1e6, 6e9))
        why = "centre frequency outside [1 MHz, 6 GHz]";
    else if (!in_range(c->noise_dbfs, -100, 0))
        why = "noise_dbfs outside [-100, 0]";
    else if (!in_range(c->ebn0_db, -20, 80) || !in_range(c->ebn0_range_db, 0, 100) ||
             c->ebn0_db + c->ebn0_range_db > 80)
        why = "Eb/N0 range outside [-20, 80] dB";
    else if (!in_range(c->freq_offset_hz, -1e6, 1e6) || !in_range(c->ppm, -1000, 1000) ||
             !in_range(c->freq_jitter_hz, 0, 1e6))
        why = "frequency offset out of range";
    else if (!in_range(c->time_offset_s, -1e6, 1e6) || !in_range(c->time_jitter_s, 0, 1e6))
        why = "timing offset out of range";
    else if (!in_range(c->spacing_s, 1e-3, 1e6) || !in_range(c->lead_s, 0, 1e6) ||
             !in_range(c->tail_s, 0, 1e6) || !in_range(c->duration_s, 0, 1e7))
        why = "spacing, lead, tail or duration out of range";
    else if (c->have_start && !in_range(c->start_unix_s, 0, 253402300799.0))
        why = "start time outside 1970..9999";
    else if ((unsigned)c->channel > AIS_MODULATE_CHANNEL_ALTERNATE)
        why = "bad channel choice";
    if (why) {
        log_error("ais_modulate: %s", why);
        return NULL;
    }
    ais_modulate *m = x_calloc(1, sizeof *m);
    m->cfg = *cfg;
    m->cfg.format = fmt;
    m->output = x_strdup(c->output);
    m->cfg.output = m->output;
    if (c->truth && *c->truth) {
        m->truth = x_strdup(c->truth);
        m->cfg.truth = m->truth;
    } else {
        m->cfg.truth = NULL;
    }
    nmea_assembler_config ac = nmea_assembler_config_default();
    ac.timeout_ms = 3600000; /* input files need not be in time order */
    m->asm_ = nmea_assembler_create(&ac);
    if (!m->asm_) {
        ais_modulate_destroy(&m);
        return NULL;
    }
    m->st.start_unix_s = NAN;
    return m;
}

void ais_modulate_destroy(ais_modulate **pm)
{
    if (!pm || !*pm)
        return;
    ais_modulate *m = *pm;
    nmea_assembler_destroy(&m->asm_);
    free(m->q);
    free(m->sent);
    free(m->output);
    free(m->truth);
    free(m);
    *pm = NULL;
}

int ais_modulate_add_message(ais_modulate *m, const uint8_t *msb_bits, size_t nbits,
                             char channel, double time_unix_s, double level_db)
{
    if (m->finished) {
        log_error("ais_modulate: message after finish");
        return -1;
    }
    m->st.messages++;
    if (nbits == 0 || nbits > AIS_MODULATE_MAX_BYTES * 8) {
        m->st.unframeable++;
        return -1;
    }
    if (m->nq == m->capq) {
        m->capq = m->capq ? 2 * m->capq : 256;
        m->q = x_realloc(m->q, m->capq * sizeof *m->q);
    }
    queued *e = &m->q[m->nq];
    memset(e, 0, sizeof *e);
    size_t nbytes = (nbits + 7) / 8;
    memcpy(e->b.bits, msb_bits, nbytes);
    if (nbits % 8)
        e->b.bits[nbytes - 1] &= (uint8_t)(0xFF << (8 - nbits % 8));
    e->b.nbits = nbits;
    e->in_channel = (channel == 'B' || channel == '2') ? 'B' : 'A';
    e->t_unix_s = time_unix_s;
    e->level_db = isfinite(level_db) ? level_db : 0;
    e->order = m->nq++;
    return 0;
}

/* A tag block whose c: is fractional ("c:1700000000.125") is rewritten with c: in integer
 * milliseconds, which the NMEA layer reads (values above 1e11 are ms).  The original checksum
 * is verified first, so a corrupted line is never given a fresh, valid checksum.  Returns the
 * length of the line to use: buf when rewritten, else the line unchanged (*out = line). */
static size_t normalise_tag_time(const char *line, size_t len, char *buf, size_t cap,
                                 const char **out)
{
    *out = line;
    if (len < 4 || line[0] != '\\')
        return len;
    const char *end = memchr(line + 1, '\\', len - 1);
    if (!end)
        return len;
    const char *tb = line + 1;
    size_t tl = (size_t)(end - tb);
    const char *star = memchr(tb, '*', tl);
    if (!star || (size_t)(tb + tl - star) != 3)
        return len;
    size_t body = (size_t)(star - tb);
    char hex[3] = {star[1], star[2], 0};
    char *hend;
    unsigned long want = strtoul(hex, &hend, 16);
    if (*hend || want != nmea_checksum(tb, body))
        return len;
    /* find "c:" at the start of a field */
    size_t i = 0, cpos = body;
    while (i < body) {
        if (tb[i] == 'c' && i + 1 < body && tb[i + 1] == ':') {
            cpos = i;
            break;
        }
        const char *comma = memchr(tb + i, ',', body - i);
        if (!comma)
            break;
        i = (size_t)(comma - tb) + 1;
    }
    if (cpos == body)
        return len;
    size_t vs = cpos + 2, ve = vs;
    while (ve < body && tb[ve] != ',')
        ve++;
    if (!memchr(tb + vs, '.', ve - vs) || ve - vs > 40)
        return len;
    char num[48];
    memcpy(num, tb + vs, ve - vs);
    num[ve - vs] = 0;
    char *nend;
    double sec = strtod(num, &nend);
    if (*nend || !(sec > 1e8 && sec < 1e11))
        return len; /* leave it to the NMEA layer to refuse */
    char nb[256];
    int k = snprintf(nb, sizeof nb, "%.*sc:%lld%.*s", (int)cpos, tb, llround(sec * 1000.0),
                     (int)(body - ve), tb + ve);
    if (k < 0 || (size_t)k >= sizeof nb)
        return len;
    size_t rest = len - (size_t)(end + 1 - line);
    int n = snprintf(buf, cap, "\\%s*%02X\\%.*s", nb, nmea_checksum(nb, (size_t)k), (int)rest,
                     end + 1);
    if (n < 0 || (size_t)n >= cap)
        return len;
    *out = buf;
    return (size_t)n;
}

/* Bad-input classes as the NMEA layer counted them (missing parts are found late). */
static void refresh_counts(ais_modulate *m)
{
    const nmea_stats *ns = nmea_assembler_stats(m->asm_);
    m->st.bad_lines = 0;
    for (unsigned i = 0; i < NMEA_STATUS_COUNT; i++) {
        if (i == NMEA_OK || i == NMEA_NOT_MINE ||
            i >= sizeof m->st.bad_by_status / sizeof m->st.bad_by_status[0])
            continue;
        m->st.bad_by_status[i] = ns->status[i];
        m->st.bad_lines += ns->status[i];
    }
    m->st.not_mine = ns->status[NMEA_NOT_MINE];
}

int ais_modulate_push_line(ais_modulate *m, const char *line, size_t len)
{
    m->st.lines++;
    char buf[1024];
    const char *use;
    size_t n = normalise_tag_time(line, len, buf, sizeof buf, &use);
    nmea_message msg;
    int got = nmea_assembler_push(m->asm_, use, n, NMEA_TIME_NONE, &msg);
    nmea_status s = nmea_assembler_last_status(m->asm_);
    refresh_counts(m);
    if (s == NMEA_NOT_MINE)
        return 0;
    if (s != NMEA_OK)
        return -1;
    if (got != 1)
        return 0;
    /* the time of the last part, else a c: seen on an earlier part (tag blocks are often on
     * the first sentence only) */
    double t = msg.time_ms != NMEA_TIME_NONE                          ? msg.time_ms / 1000.0
               : msg.has_tagblock && (msg.tag.present & NMEA_TAG_C) ? msg.tag.c_ms / 1000.0
                                                                      : NAN;
    return ais_modulate_add_message(m, msg.bits, msg.nbits, msg.channel, t, 0) == 0 ? 1 : -1;
}

static int cmp_queued(const void *a, const void *b)
{
    const queued *x = a, *y = b;
    if (x->b.start_s != y->b.start_s)
        return x->b.start_s < y->b.start_s ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Time, channel, level and offsets of every queued message; drops what cannot be sent. */
static void schedule(ais_modulate *m)
{
    const ais_modulate_config *c = &m->cfg;
    double origin = NAN;
    if (c->have_start) {
        origin = c->start_unix_s;
    } else {
        for (size_t i = 0; i < m->nq; i++)
            if (!isnan(m->q[i].t_unix_s) && !(m->q[i].t_unix_s - c->lead_s >= origin))
                origin = m->q[i].t_unix_s - c->lead_s;
    }
    m->st.start_unix_s = origin;
    uint64_t rng = c->seed * 0x2545F4914F6CDD1Dull + 0x1234567;
    double prev = c->lead_s - c->spacing_s; /* base time of the previous message */
    double last_tag[2] = {NAN, NAN};
    int used_slots[2] = {0, 0}; /* slots already taken at last_tag on each channel */
    size_t keep = 0;
    for (size_t i = 0; i < m->nq; i++) {
        queued *e = &m->q[i];
        char ch = e->in_channel;
        if (c->channel == AIS_MODULATE_CHANNEL_A)
            ch = 'A';
        else if (c->channel == AIS_MODULATE_CHANNEL_B)
            ch = 'B';
        else if (c->channel == AIS_MODULATE_CHANNEL_ALTERNATE)
            ch = (i & 1) ? 'B' : 'A';
        int ci = ch == 'B';
        double base;
        if (!isnan(e->t_unix_s) && !isnan(origin)) {
            base = e->t_unix_s - origin;
            /* A message takes ceil((bits + 88) / 256) slots (ITU-R M.1371 annex 2: ramp 8,
             * training 24, flags 16, FCS 16, buffer 24 around the data); the next message of the
             * same tag time starts in the first free slot after it. */
            int slots = (int)((e->b.nbits + 88 + 255) / 256);
            if (c->pack_same_time && e->t_unix_s == last_tag[ci]) {
                base += used_slots[ci] * AIS_MODULATE_SLOT_S;
                used_slots[ci] += slots;
            } else {
                used_slots[ci] = slots;
            }
            last_tag[ci] = e->t_unix_s;
        } else {
            base = prev + c->spacing_s;
        }
        prev = base;
        /* draws happen for every message, dropped or not, so one drop does not reshuffle the
         * offsets of all that follow */
        double ebn0 = c->ebn0_db + c->ebn0_range_db * 0.5 * (usym(&rng) + 1.0) + e->level_db;
        double f_hz = c->freq_offset_hz + c->freq_jitter_hz * usym(&rng);
        double t_s = base + c->time_offset_s + c->time_jitter_s * usym(&rng);
        double ch_hz = ch == 'B' ? AIS_CHANNEL_B_HZ : AIS_CHANNEL_A_HZ;
        f_hz += c->ppm * 1e-6 * ch_hz;
        /* where the burst lands relative to the modulator's centre */
        double rel_hz = c->audio ? f_hz : ch_hz + f_hz - c->center_hz;
        if ((c->audio && ch != c->audio_channel) ||
            fabs(rel_hz) + 12.5e3 > c->sample_rate_hz / 2) {
            m->st.off_channel++;
            continue;
        }
        if (!(ebn0 >= -20 && ebn0 <= 80)) {
            m->st.off_level++;
            continue;
        }
        if (t_s < 0) {
            m->st.before_start++;
            continue;
        }
        if (c->duration_s > 0 && t_s >= c->duration_s) {
            m->st.after_end++;
            continue;
        }
        e->b.channel = ch;
        e->b.start_s = t_s;
        e->b.ebn0_db = ebn0;
        e->b.freq_offset_hz = f_hz;
        e->b.duration_s = ais_mod_burst_duration_s(e->b.bits, e->b.nbits);
        m->q[keep++] = *e;
    }
    m->nq = keep;
    if (m->nq > 0) /* an input with no valid line leaves no queue at all (qsort needs one) */
        qsort(m->q, m->nq, sizeof *m->q, cmp_queued);
}

static const char *sigmf_meta_path(const char *path, char *buf, size_t cap)
{
    size_t n = strlen(path);
    static const char *exts[] = {".sigmf-meta", ".sigmf-data", ".sigmf"};
    for (unsigned i = 0; i < 3; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcasecmp(path + n - e, exts[i]) == 0) {
            n -= e;
            break;
        }
    }
    snprintf(buf, cap, "%.*s.sigmf-meta", (int)n, path);
    return buf;
}

/* iqfile's SigMF writer records datatype, rate and centre; the scene adds what it knows:
 * captures[0].core:datetime (time zero), a description, and one annotation per burst. */
static int sigmf_annotate(ais_modulate *m)
{
    char meta[4096];
    sigmf_meta_path(m->output, meta, sizeof meta);
    json_error_t err;
    json_t *root = json_load_file(meta, 0, &err);
    if (!root) {
        log_error("%s: cannot reopen SigMF metadata: %s", meta, err.text);
        return -1;
    }
    int rc = 0;
    json_t *global = json_object_get(root, "global");
    json_t *cap0 = json_array_get(json_object_get(root, "captures"), 0);
    json_t *ann = json_object_get(root, "annotations");
    if (!json_is_object(global) || !json_is_object(cap0) || !json_is_array(ann)) {
        log_error("%s: unexpected SigMF layout", meta);
        json_decref(root);
        return -1;
    }
    const ais_modulate_config *c = &m->cfg;
    char desc[256];
    snprintf(desc, sizeof desc,
             "AIS scene synthesised by ais_modulate: %s, GMSK BT 0.4 9600 bit/s, noise %.1f dBFS, "
             "Eb/N0 %.1f..%.1f dB (SNR in 25 kHz = Eb/N0 - 4.16 dB), seed %llu",
             c->audio ? "FM-discriminator audio" : "complex baseband", c->noise_dbfs, c->ebn0_db,
             c->ebn0_db + c->ebn0_range_db, (unsigned long long)c->seed);
    rc |= json_object_set_new(global, "core:description", json_string(desc));
    if (!isnan(m->st.start_unix_s)) {
        char when[64];
        wire_format_time(llround(m->st.start_unix_s * 1e9), when, sizeof when);
        rc |= json_object_set_new(cap0, "core:datetime", json_string(when));
    }
    double fs = c->sample_rate_hz;
    for (size_t i = 0; i < m->nq; i++) {
        const ais_modulate_burst *b = &m->sent[i];
        double f = (b->channel == 'B' ? AIS_CHANNEL_B_HZ : AIS_CHANNEL_A_HZ) + b->freq_offset_hz;
        char label[8], comment[128];
        snprintf(label, sizeof label, "AIS %c", b->channel);
        snprintf(comment, sizeof comment, "type %u, MMSI %09u, %zu bits, Eb/N0 %.2f dB, %+.1f Hz",
                 (unsigned)sixbit_get_u(b->bits, b->nbits, 0, 6),
                 (unsigned)sixbit_get_u(b->bits, b->nbits, 8, 30), b->nbits, b->ebn0_db,
                 b->freq_offset_hz);
        json_t *a = json_pack("{s:I,s:I,s:f,s:f,s:s,s:s}", "core:sample_start",
                              (json_int_t)floor(b->start_s * fs), "core:sample_count",
                              (json_int_t)ceil(b->duration_s * fs), "core:freq_lower_edge",
                              f - 12.5e3, "core:freq_upper_edge", f + 12.5e3, "core:label",
                              label, "core:comment", comment);
        if (!a || json_array_append_new(ann, a) != 0)
            rc = -1;
    }
    if (rc == 0 && json_dump_file(root, meta, JSON_INDENT(2)) != 0) {
        log_error("%s: cannot write", meta);
        rc = -1;
    }
    json_decref(root);
    return rc ? -1 : 0;
}

static int write_truth(ais_modulate *m)
{
    FILE *f = fopen(m->truth, "w");
    if (!f) {
        log_error("%s: cannot create", m->truth);
        return -1;
    }
    fprintf(f, "start_s,channel,ebn0_db,snr25_db,freq_offset_hz,duration_s,nbits,type,mmsi,"
               "payload\n");
    for (size_t i = 0; i < m->nq; i++) {
        const ais_modulate_burst *b = &m->sent[i];
        char armour[AIS_MODULATE_MAX_BYTES * 8 / 6 + 8];
        unsigned fill = 0;
        sixbit_armor(b->bits, b->nbits, armour, sizeof armour, &fill);
        fprintf(f, "%.6f,%c,%.2f,%.2f,%.1f,%.6f,%zu,%u,%09u,%s\n", b->start_s, b->channel,
                b->ebn0_db, b->ebn0_db + 10 * log10(AIS_BIT_RATE / 25000.0), b->freq_offset_hz,
                b->duration_s, b->nbits, (unsigned)sixbit_get_u(b->bits, b->nbits, 0, 6),
                (unsigned)sixbit_get_u(b->bits, b->nbits, 8, 30), armour);
    }
    if (fclose(f) != 0) {
        log_error("%s: write error", m->truth);
        return -1;
    }
    return 0;
}

int ais_modulate_finish(ais_modulate *m)
{
    if (m->finished) {
        log_error("ais_modulate: finish called twice");
        return -1;
    }
    m->finished = 1;
    nmea_assembler_flush(m->asm_); /* parts that never completed count as bad input too */
    refresh_counts(m);
    schedule(m);
    m->sent = x_malloc((m->nq ? m->nq : 1) * sizeof *m->sent);
    for (size_t i = 0; i < m->nq; i++)
        m->sent[i] = m->q[i].b;
    const ais_modulate_config *c = &m->cfg;
    double fs = c->sample_rate_hz;
    double end_s = c->duration_s;
    if (end_s <= 0) {
        for (size_t i = 0; i < m->nq; i++)
            if (m->q[i].b.start_s + m->q[i].b.duration_s > end_s)
                end_s = m->q[i].b.start_s + m->q[i].b.duration_s;
        end_s += c->tail_s;
        if (m->nq == 0)
            end_s = c->lead_s + c->tail_s;
    }
    if (!(end_s > 0)) {
        log_error("ais_modulate: nothing to write (no bursts and no duration)");
        return -1;
    }
    uint64_t total = (uint64_t)ceil(end_s * fs);
    ais_mod_config mc = {.sample_rate_hz = fs,
                         .center_hz = c->audio ? (c->audio_channel == 'B' ? AIS_CHANNEL_B_HZ
                                                                          : AIS_CHANNEL_A_HZ)
                                               : c->center_hz,
                         .noise_dbfs = c->noise_dbfs,
                         .add_noise = c->add_noise,
                         .seed = c->seed};
    ais_mod *mod = ais_mod_create(&mc);
    if (!mod)
        return -1;
    iqfile_writer_options wo = {.format = c->format,
                                .kind = c->audio ? IQFILE_KIND_REAL : IQFILE_KIND_COMPLEX,
                                .sample = c->sample,
                                .sample_rate_hz = fs,
                                .center_hz = mc.center_hz};
    iqfile_writer *w = iqfile_create(m->output, &wo);
    if (!w) {
        ais_mod_destroy(&mod);
        return -1;
    }
    enum { BLK = 16384 };
    float complex *x = x_malloc(BLK * sizeof *x);
    float *a = x_malloc(BLK * sizeof *a);
    float complex dstate = 1;
    size_t next = 0;
    int rc = 0;
    for (uint64_t pos = 0; pos < total && rc == 0;) {
        size_t n = total - pos < BLK ? (size_t)(total - pos) : BLK;
        /* hand over the bursts starting within this block (they start at or after pos) */
        while (next < m->nq && (uint64_t)floor(m->q[next].b.start_s * fs) < pos + n) {
            const ais_modulate_burst *b = &m->q[next].b;
            ais_mod_burst mb = {.channel = c->audio ? 0 : b->channel,
                                .ebn0_db = b->ebn0_db,
                                .freq_offset_hz = b->freq_offset_hz,
                                .start_s = b->start_s};
            if (ais_mod_add_burst(mod, b->bits, b->nbits, &mb) != 0) {
                rc = -1;
                break;
            }
            next++;
        }
        if (rc)
            break;
        ais_mod_render(mod, x, n);
        if (c->audio) {
            ais_mod_discriminate(x, n, &dstate, a);
            rc = iqfile_write_real(w, a, n);
        } else {
            rc = iqfile_write_cf32(w, x, n);
        }
        pos += n;
        m->st.samples = pos;
    }
    free(x);
    free(a);
    ais_mod_destroy(&mod);
    m->st.clipped = iqfile_writer_clipped(w);
    if (iqfile_writer_close(&w) != 0)
        rc = -1;
    m->st.bursts = m->nq;
    m->st.duration_s = m->st.samples / fs;
    if (rc == 0 && c->format == IQFILE_FORMAT_SIGMF)
        rc = sigmf_annotate(m);
    if (rc == 0 && m->truth)
        rc = write_truth(m);
    if (m->st.clipped)
        log_warn("%s: %llu sample components clipped at full scale: lower noise_dbfs or Eb/N0",
                 m->output, (unsigned long long)m->st.clipped);
    return rc;
}

const ais_modulate_stats *ais_modulate_get_stats(const ais_modulate *m)
{
    return &m->st;
}

size_t ais_modulate_bursts(const ais_modulate *m, const ais_modulate_burst **out)
{
    *out = m->sent;
    return m->sent ? m->nq : 0;
}

void ais_modulate_print_summary(const ais_modulate *m, FILE *f)
{
    const ais_modulate_stats *s = &m->st;
    fprintf(f, "ais_modulate: %s: %llu bursts, %.3f s, %llu samples at %.0f S/s%s\n", m->output,
            (unsigned long long)s->bursts, s->duration_s, (unsigned long long)s->samples,
            m->cfg.sample_rate_hz, m->cfg.audio ? " (discriminator audio)" : "");
    fprintf(f, "ais_modulate: %llu lines, %llu messages, %llu bad lines skipped, %llu not AIS\n",
            (unsigned long long)s->lines, (unsigned long long)s->messages,
            (unsigned long long)s->bad_lines, (unsigned long long)s->not_mine);
    for (unsigned i = 1; i < NMEA_STATUS_COUNT; i++)
        if (s->bad_by_status[i] && i != NMEA_NOT_MINE)
            fprintf(f, "ais_modulate:   %s: %llu\n", nmea_status_name((nmea_status)i),
                    (unsigned long long)s->bad_by_status[i]);
    if (s->unframeable)
        fprintf(f, "ais_modulate:   messages too long for a burst: %llu\n",
                (unsigned long long)s->unframeable);
    if (s->off_channel)
        fprintf(f, "ais_modulate:   bursts outside the recorded band or audio channel: %llu\n",
                (unsigned long long)s->off_channel);
    if (s->off_level)
        fprintf(f, "ais_modulate:   bursts with Eb/N0 outside [-20, 80] dB: %llu\n",
                (unsigned long long)s->off_level);
    if (s->before_start || s->after_end)
        fprintf(f, "ais_modulate:   bursts before time zero: %llu, after the end: %llu\n",
                (unsigned long long)s->before_start, (unsigned long long)s->after_end);
    if (s->clipped)
        fprintf(f, "ais_modulate:   clipped sample components: %llu\n",
                (unsigned long long)s->clipped);
}
