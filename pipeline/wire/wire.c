/* Header, topics, the per-type payload codecs and sequence-gap accounting.
 * The byte layout is documented in README.md beside this file; keep them in step. */
#include "centinela/wire.h"
#include "centinela/log.h"
#include "bytes.h"

#include <jansson.h>
#include <stdlib.h>

static const char *const topics[WIRE_TYPE_MAX + 1] = {
    [WIRE_IQ] = "iq",       [WIRE_AIS] = "ais",     [WIRE_TRACK] = "track",
    [WIRE_ALERT] = "alert", [WIRE_RADAR] = "radar", [WIRE_STATS] = "stats",
};

static const char *const status_names[WIRE_STATUS_COUNT] = {
    [WIRE_OK] = "ok",
    [WIRE_ERR_SHORT] = "short",
    [WIRE_ERR_SIGNATURE] = "signature",
    [WIRE_ERR_VERSION] = "version",
    [WIRE_ERR_TYPE] = "type",
    [WIRE_ERR_PAYLOAD] = "payload",
    [WIRE_ERR_TOO_BIG] = "too_big",
};

const char *wire_status_name(enum wire_status s)
{
    return (s >= 0 && s < WIRE_STATUS_COUNT) ? status_names[s] : "?";
}

const char *wire_topic(enum wire_type type)
{
    return (type >= 1 && type <= WIRE_TYPE_MAX) ? topics[type] : NULL;
}

int wire_type_from_topic(const void *topic, size_t len)
{
    for (int t = 1; t <= WIRE_TYPE_MAX; t++)
        if (strlen(topics[t]) == len && memcmp(topics[t], topic, len) == 0)
            return t;
    return 0;
}

/* Header, 32 bytes:
 *   0 u8 'C'  1 u8 'N'  2 u8 version  3 u8 type  4 u16 flags  6 u16 header length (32)
 *   8 u32 source id  12 u32 payload length  16 u64 sequence  24 i64 event time ns */
static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

size_t wire_header_encode(const wire_header *h, uint8_t *buf)
{
    buf[0] = WIRE_MAGIC0;
    buf[1] = WIRE_MAGIC1;
    buf[2] = h->version ? h->version : WIRE_VERSION;
    buf[3] = h->type;
    put_le(buf + 4, h->flags, 2);
    put_le(buf + 6, WIRE_HEADER_LEN, 2);
    put_le(buf + 8, h->source_id, 4);
    put_le(buf + 12, h->payload_len, 4);
    put_le(buf + 16, h->seq, 8);
    put_le(buf + 24, (uint64_t)h->event_time_ns, 8);
    return WIRE_HEADER_LEN;
}

enum wire_status wire_header_decode(const uint8_t *frame, size_t n, wire_header *h)
{
    if (n > WIRE_MAX_FRAME)
        return WIRE_ERR_TOO_BIG;
    if (n < 4)
        return WIRE_ERR_SHORT;
    if (frame[0] != WIRE_MAGIC0 || frame[1] != WIRE_MAGIC1)
        return WIRE_ERR_SIGNATURE;
    /* Version first: a future version may have a longer header, which we must not misread. */
    if (frame[2] == 0 || frame[2] > WIRE_VERSION)
        return WIRE_ERR_VERSION;
    if (n < WIRE_HEADER_LEN)
        return WIRE_ERR_SHORT;
    rbuf b = {frame, n, 2, 0};
    h->version = rb_u8(&b);
    h->type = rb_u8(&b);
    h->flags = rb_u16(&b);
    uint16_t hlen = rb_u16(&b);
    h->source_id = rb_u32(&b);
    h->payload_len = rb_u32(&b);
    h->seq = rb_u64(&b);
    h->event_time_ns = rb_i64(&b);
    if (hlen != WIRE_HEADER_LEN)
        return WIRE_ERR_SIGNATURE;
    if (h->type < 1 || h->type > WIRE_TYPE_MAX)
        return WIRE_ERR_TYPE;
    if ((uint64_t)h->payload_len + WIRE_HEADER_LEN != n)
        return WIRE_ERR_SHORT;
    return WIRE_OK;
}

/* ---- iq ---------------------------------------------------------------------------------
 * u32 rate_hz, u8 kind, u64 center_hz, i64 start_time_ns, u64 first_sample, u64 total_samples,
 * u32 count, then count (x2 if complex) f32 LE. */
static size_t iq_values(uint8_t kind, uint32_t count)
{
    return (size_t)count * (kind == WIRE_IQ_COMPLEX ? 2 : 1);
}

int wire_iq_encode(const wire_iq *m, const float *samples, uint8_t *buf, size_t cap)
{
    if ((m->kind != WIRE_IQ_COMPLEX && m->kind != WIRE_IQ_REAL) || m->count > WIRE_IQ_MAX_COUNT)
        return -1;
    wbuf b = {buf, cap, 0, 0};
    wb_u32(&b, m->sample_rate_hz);
    wb_u8(&b, m->kind);
    wb_u64(&b, m->center_hz);
    wb_i64(&b, m->start_time_ns);
    wb_u64(&b, m->first_sample);
    wb_u64(&b, m->total_samples);
    wb_u32(&b, m->count);
    size_t nv = iq_values(m->kind, m->count);
    for (size_t i = 0; i < nv && !b.err; i++)
        wb_f32(&b, samples[i]);
    return b.err ? -1 : (int)b.len;
}

enum wire_status wire_iq_decode(const uint8_t *p, size_t n, wire_iq *m)
{
    /* Every field defined, whatever the input: unused array slots and strings are zero, so
     * identical messages give identical structs (and archives). */
    memset(m, 0, sizeof *m);
    rbuf b = {p, n, 0, 0};
    m->sample_rate_hz = rb_u32(&b);
    m->kind = rb_u8(&b);
    m->center_hz = rb_u64(&b);
    m->start_time_ns = rb_i64(&b);
    m->first_sample = rb_u64(&b);
    m->total_samples = rb_u64(&b);
    m->count = rb_u32(&b);
    if (b.err)
        return WIRE_ERR_PAYLOAD;
    if (m->kind != WIRE_IQ_COMPLEX && m->kind != WIRE_IQ_REAL)
        return WIRE_ERR_PAYLOAD;
    if (m->count > WIRE_IQ_MAX_COUNT)
        return WIRE_ERR_TOO_BIG;
    if (m->sample_rate_hz < 8000 || m->sample_rate_hz > 20000000)
        return WIRE_ERR_PAYLOAD;
    size_t bytes = iq_values(m->kind, m->count) * 4;
    m->data_le = rb_take(&b, bytes);
    if (b.err || b.pos != n)
        return WIRE_ERR_PAYLOAD;
    return WIRE_OK;
}

void wire_iq_samples(const wire_iq *m, float *out)
{
    size_t nv = iq_values(m->kind, m->count);
    rbuf b = {m->data_le, nv * 4, 0, 0};
    for (size_t i = 0; i < nv; i++)
        out[i] = rb_f32(&b);
}

/* ---- ais --------------------------------------------------------------------------------
 * u32 station_id, u8 channel, i64 rx_time_ns, f32 signal_dbfs, f32 snr_db, f32 freq_offset_hz,
 * f32 ppm, u16 nbits, ceil(nbits/8) bytes of payload, str nmea. */
int wire_ais_encode(const wire_ais *m, uint8_t *buf, size_t cap)
{
    if (m->nbits > WIRE_AIS_MAX_BITS)
        return -1;
    wbuf b = {buf, cap, 0, 0};
    wb_u32(&b, m->station_id);
    wb_u8(&b, (uint8_t)m->channel);
    wb_i64(&b, m->rx_time_ns);
    wb_f32(&b, m->signal_dbfs);
    wb_f32(&b, m->snr_db);
    wb_f32(&b, m->freq_offset_hz);
    wb_f32(&b, m->ppm);
    wb_u16(&b, m->nbits);
    wb_bytes(&b, m->bits, (m->nbits + 7u) / 8u);
    wb_str(&b, m->nmea, WIRE_AIS_MAX_NMEA);
    return b.err ? -1 : (int)b.len;
}

enum wire_status wire_ais_decode(const uint8_t *p, size_t n, wire_ais *m)
{
    /* Every field defined, whatever the input: unused array slots and strings are zero, so
     * identical messages give identical structs (and archives). */
    memset(m, 0, sizeof *m);
    rbuf b = {p, n, 0, 0};
    m->station_id = rb_u32(&b);
    m->channel = (char)rb_u8(&b);
    m->rx_time_ns = rb_i64(&b);
    m->signal_dbfs = rb_f32(&b);
    m->snr_db = rb_f32(&b);
    m->freq_offset_hz = rb_f32(&b);
    m->ppm = rb_f32(&b);
    m->nbits = rb_u16(&b);
    if (b.err)
        return WIRE_ERR_PAYLOAD;
    if (m->nbits > WIRE_AIS_MAX_BITS)
        return WIRE_ERR_TOO_BIG;
    if (m->channel != 0 && (m->channel < 0x20 || m->channel > 0x7e))
        return WIRE_ERR_PAYLOAD;
    size_t nb = (m->nbits + 7u) / 8u;
    const uint8_t *q = rb_take(&b, nb);
    if (q)
        memcpy(m->bits, q, nb);
    rb_str(&b, m->nmea, sizeof m->nmea);
    if (b.err || b.pos != n)
        return WIRE_ERR_PAYLOAD;
    return WIRE_OK;
}

/* ---- track ------------------------------------------------------------------------------ */
int wire_track_encode(const wire_track *m, uint8_t *buf, size_t cap)
{
    wbuf b = {buf, cap, 0, 0};
    wb_u32(&b, m->track_id);
    wb_u32(&b, m->mmsi);
    wb_u8(&b, m->state);
    wb_u8(&b, m->update);
    wb_u8(&b, m->sensors);
    wb_u8(&b, m->ais_class);
    wb_u16(&b, m->flags);
    wb_u8(&b, m->quality);
    wb_u8(&b, m->nav_status);
    wb_i64(&b, m->time_ns);
    wb_i64(&b, m->last_report_ns);
    wb_f64(&b, m->lat_deg);
    wb_f64(&b, m->lon_deg);
    wb_f32(&b, m->sog_kn);
    wb_f32(&b, m->cog_deg);
    wb_f32(&b, m->heading_deg);
    wb_f32(&b, m->pos_sigma_m);
    wb_u32(&b, m->imo);
    wb_u8(&b, m->ship_type);
    wb_u16(&b, m->length_m);
    wb_u16(&b, m->beam_m);
    wb_str(&b, m->name, sizeof m->name - 1);
    wb_str(&b, m->callsign, sizeof m->callsign - 1);
    wb_str(&b, m->destination, sizeof m->destination - 1);
    wb_u32(&b, m->zones);
    wb_f32(&b, m->dist_shore_m);
    wb_u32(&b, m->radar_site);
    wb_u16(&b, m->radar_target);
    wb_u16(&b, m->n_stations);
    wb_u32(&b, m->n_reports);
    return b.err ? -1 : (int)b.len;
}

enum wire_status wire_track_decode(const uint8_t *p, size_t n, wire_track *m)
{
    /* Every field defined, whatever the input: unused array slots and strings are zero, so
     * identical messages give identical structs (and archives). */
    memset(m, 0, sizeof *m);
    rbuf b = {p, n, 0, 0};
    m->track_id = rb_u32(&b);
    m->mmsi = rb_u32(&b);
    m->state = rb_u8(&b);
    m->update = rb_u8(&b);
    m->sensors = rb_u8(&b);
    m->ais_class = rb_u8(&b);
    m->flags = rb_u16(&b);
    m->quality = rb_u8(&b);
    m->nav_status = rb_u8(&b);
    m->time_ns = rb_i64(&b);
    m->last_report_ns = rb_i64(&b);
    m->lat_deg = rb_f64(&b);
    m->lon_deg = rb_f64(&b);
    m->sog_kn = rb_f32(&b);
    m->cog_deg = rb_f32(&b);
    m->heading_deg = rb_f32(&b);
    m->pos_sigma_m = rb_f32(&b);
    m->imo = rb_u32(&b);
    m->ship_type = rb_u8(&b);
    m->length_m = rb_u16(&b);
    m->beam_m = rb_u16(&b);
    rb_str(&b, m->name, sizeof m->name);
    rb_str(&b, m->callsign, sizeof m->callsign);
    rb_str(&b, m->destination, sizeof m->destination);
    m->zones = rb_u32(&b);
    m->dist_shore_m = rb_f32(&b);
    m->radar_site = rb_u32(&b);
    m->radar_target = rb_u16(&b);
    m->n_stations = rb_u16(&b);
    m->n_reports = rb_u32(&b);
    if (b.err || b.pos != n)
        return WIRE_ERR_PAYLOAD;
    if (m->state > TRACK_REMOVED || m->update > TRACK_UPD_STATE || m->quality > 100)
        return WIRE_ERR_PAYLOAD;
    if (!(m->lat_deg >= -90 && m->lat_deg <= 90 && m->lon_deg >= -180 && m->lon_deg <= 180))
        return WIRE_ERR_PAYLOAD;
    return WIRE_OK;
}

/* ---- alert ------------------------------------------------------------------------------ */
int wire_alert_encode(const wire_alert *m, uint8_t *buf, size_t cap)
{
    if (m->n_mmsi > WIRE_ALERT_MAX_MMSI)
        return -1;
    wbuf b = {buf, cap, 0, 0};
    wb_u64(&b, m->alert_id);
    wb_str(&b, m->rule, sizeof m->rule - 1);
    wb_u8(&b, m->state);
    wb_u8(&b, m->n_mmsi);
    for (int i = 0; i < m->n_mmsi; i++)
        wb_u32(&b, m->mmsi[i]);
    wb_u32(&b, m->track_id);
    wb_i64(&b, m->start_ns);
    wb_i64(&b, m->end_ns);
    wb_f64(&b, m->lat_deg);
    wb_f64(&b, m->lon_deg);
    wb_f32(&b, m->score);
    wb_f32(&b, m->severity);
    wb_f32(&b, m->confidence);
    wb_f32(&b, m->context);
    wb_str(&b, m->evidence, WIRE_ALERT_MAX_EVIDENCE);
    return b.err ? -1 : (int)b.len;
}

enum wire_status wire_alert_decode(const uint8_t *p, size_t n, wire_alert *m)
{
    /* Every field defined, whatever the input: unused array slots and strings are zero, so
     * identical messages give identical structs (and archives). */
    memset(m, 0, sizeof *m);
    rbuf b = {p, n, 0, 0};
    m->alert_id = rb_u64(&b);
    rb_str(&b, m->rule, sizeof m->rule);
    m->state = rb_u8(&b);
    m->n_mmsi = rb_u8(&b);
    if (b.err)
        return WIRE_ERR_PAYLOAD;
    if (m->n_mmsi > WIRE_ALERT_MAX_MMSI || m->state > ALERT_CLOSE)
        return WIRE_ERR_PAYLOAD;
    for (int i = 0; i < m->n_mmsi; i++)
        m->mmsi[i] = rb_u32(&b);
    m->track_id = rb_u32(&b);
    m->start_ns = rb_i64(&b);
    m->end_ns = rb_i64(&b);
    m->lat_deg = rb_f64(&b);
    m->lon_deg = rb_f64(&b);
    m->score = rb_f32(&b);
    m->severity = rb_f32(&b);
    m->confidence = rb_f32(&b);
    m->context = rb_f32(&b);
    rb_str(&b, m->evidence, sizeof m->evidence);
    if (b.err || b.pos != n || m->rule[0] == 0)
        return WIRE_ERR_PAYLOAD;
    return WIRE_OK;
}

/* ---- radar ------------------------------------------------------------------------------ */
int wire_radar_encode(const wire_radar *m, uint8_t *buf, size_t cap)
{
    wbuf b = {buf, cap, 0, 0};
    wb_u32(&b, m->site_id);
    wb_u16(&b, m->target);
    wb_u8(&b, (uint8_t)m->status);
    wb_i64(&b, m->time_ns);
    wb_f64(&b, m->lat_deg);
    wb_f64(&b, m->lon_deg);
    wb_f32(&b, m->range_m);
    wb_f32(&b, m->bearing_deg);
    wb_f32(&b, m->speed_kn);
    wb_f32(&b, m->course_deg);
    wb_str(&b, m->name, sizeof m->name - 1);
    return b.err ? -1 : (int)b.len;
}

enum wire_status wire_radar_decode(const uint8_t *p, size_t n, wire_radar *m)
{
    /* Every field defined, whatever the input: unused array slots and strings are zero, so
     * identical messages give identical structs (and archives). */
    memset(m, 0, sizeof *m);
    rbuf b = {p, n, 0, 0};
    m->site_id = rb_u32(&b);
    m->target = rb_u16(&b);
    m->status = (char)rb_u8(&b);
    m->time_ns = rb_i64(&b);
    m->lat_deg = rb_f64(&b);
    m->lon_deg = rb_f64(&b);
    m->range_m = rb_f32(&b);
    m->bearing_deg = rb_f32(&b);
    m->speed_kn = rb_f32(&b);
    m->course_deg = rb_f32(&b);
    rb_str(&b, m->name, sizeof m->name);
    if (b.err || b.pos != n)
        return WIRE_ERR_PAYLOAD;
    if (!(m->lat_deg >= -90 && m->lat_deg <= 90 && m->lon_deg >= -180 && m->lon_deg <= 180))
        return WIRE_ERR_PAYLOAD;
    return WIRE_OK;
}

/* ---- stats ------------------------------------------------------------------------------ */
int wire_stats_encode(const char *json, uint8_t *buf, size_t cap)
{
    size_t k = strlen(json);
    if (k > WIRE_STATS_MAX || k > cap)
        return -1;
    memcpy(buf, json, k);
    return (int)k;
}

enum wire_status wire_stats_decode(const uint8_t *p, size_t n, char *json, size_t json_cap)
{
    if (n > WIRE_STATS_MAX || n >= json_cap)
        return WIRE_ERR_TOO_BIG;
    if (memchr(p, 0, n))
        return WIRE_ERR_PAYLOAD;
    memcpy(json, p, n);
    json[n] = 0;
    json_error_t e;
    json_t *root = json_loadb(json, n, 0, &e);
    int ok = root && json_is_object(root);
    json_decref(root);
    return ok ? WIRE_OK : WIRE_ERR_PAYLOAD;
}

/* ---- sequence gaps ---------------------------------------------------------------------- */
struct seq_entry {
    uint32_t source_id;
    uint8_t type;
    uint64_t last;
};

struct wire_seq_tracker {
    struct seq_entry *e;
    size_t n, cap;
    uint64_t missing, restarts;
};

wire_seq_tracker *wire_seq_tracker_create(void)
{
    return x_calloc(1, sizeof(wire_seq_tracker));
}

void wire_seq_tracker_destroy(wire_seq_tracker **t)
{
    if (!t || !*t)
        return;
    free((*t)->e);
    free(*t);
    *t = NULL;
}

uint64_t wire_seq_observe(wire_seq_tracker *t, const wire_header *h)
{
    /* A graph has a handful of publishers: a linear scan beats a hash here. */
    for (size_t i = 0; i < t->n; i++) {
        struct seq_entry *s = &t->e[i];
        if (s->source_id != h->source_id || s->type != h->type)
            continue;
        uint64_t gap = 0;
        if (h->seq > s->last + 1)
            gap = h->seq - s->last - 1;
        else if (h->seq <= s->last)
            t->restarts++;
        s->last = h->seq;
        t->missing += gap;
        return gap;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 8;
        t->e = x_realloc(t->e, t->cap * sizeof *t->e);
    }
    /* First message from this publisher: anything before it predates our subscription. */
    t->e[t->n++] = (struct seq_entry){h->source_id, h->type, h->seq};
    return 0;
}

void wire_seq_prime(wire_seq_tracker *t, uint32_t source_id, uint8_t type, uint64_t last_seq)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->e[i].source_id == source_id && t->e[i].type == type) {
            t->e[i].last = last_seq;
            return;
        }
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 8;
        t->e = x_realloc(t->e, t->cap * sizeof *t->e);
    }
    t->e[t->n++] = (struct seq_entry){source_id, type, last_seq};
}

bool wire_seq_last(const wire_seq_tracker *t, uint32_t source_id, uint8_t type, uint64_t *last)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->e[i].source_id == source_id && t->e[i].type == type) {
            *last = t->e[i].last;
            return true;
        }
    }
    return false;
}

uint64_t wire_seq_total_missing(const wire_seq_tracker *t)
{
    return t->missing;
}

uint64_t wire_seq_restarts(const wire_seq_tracker *t)
{
    return t->restarts;
}
