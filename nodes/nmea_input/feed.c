/* See feed.h. */
#include "feed.h"

#include "csv_positions.h"
#include "inputs.h"

#include "centinela/log.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct feed {
    uint32_t station_id;
    const radar_site *sites;
    int n_sites, default_site;
    feed_handlers h;
    nmea_assembler *asm_;
    uint64_t radar[RADAR_STATUS_COUNT], radar_no_site, ais_out, radar_out, lines;
    int64_t last_time_ns;
    wire_ais msg;
    /* a position table (csv_positions.h) when the first non-blank line is its header */
    bool first_seen;
    csv_positions *csv;
    uint64_t csv_rows, csv_bad_rows, csv_skipped_rows;
    int csv_seq_id;
    csv_row_msgs csv_out;
};

feed *feed_create(uint32_t station_id, const radar_site *sites, int n_sites, int default_site,
                  const feed_handlers *h)
{
    return feed_create_with(station_id, sites, n_sites, default_site, h, NULL);
}

feed *feed_create_with(uint32_t station_id, const radar_site *sites, int n_sites, int default_site,
                       const feed_handlers *h, const nmea_assembler_config *ac)
{
    nmea_assembler *a = nmea_assembler_create(ac);
    if (!a)
        return NULL;
    feed *f = x_calloc(1, sizeof *f);
    f->station_id = station_id;
    f->sites = sites;
    f->n_sites = n_sites;
    f->default_site = default_site;
    f->h = *h;
    f->asm_ = a;
    return f;
}

void feed_destroy(feed **pf)
{
    if (!pf || !*pf)
        return;
    nmea_assembler_destroy(&(*pf)->asm_);
    csv_positions_destroy(&(*pf)->csv);
    free(*pf);
    *pf = NULL;
}

static uint32_t station_of(const char *s, uint32_t def)
{
    if (!*s)
        return def;
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*end && v <= 0xffffffffUL)
        return (uint32_t)v;
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h ? h : 1;
}

static int radar_line(feed *f, const char *line, size_t len, int64_t time_ns)
{
    nmea_tagblock tb;
    memset(&tb, 0, sizeof tb);
    if (len && line[0] == '\\') {
        const char *end = memchr(line + 1, '\\', len - 1);
        if (end && nmea_tagblock_parse(line + 1, (size_t)(end - line - 1), true, &tb) != 0) {
            f->radar[RADAR_BAD_SYNTAX]++;
            return 0;
        }
    }
    if (tb.present & NMEA_TAG_C)
        time_ns = tb.c_ms * 1000000LL;
    const radar_site *site = NULL;
    if ((tb.present & NMEA_TAG_S) && tb.s[0]) {
        uint32_t id = station_of(tb.s, 0);
        for (int i = 0; i < f->n_sites; i++)
            if (f->sites[i].id == id)
                site = &f->sites[i];
    }
    if (!site && f->default_site >= 0 && f->default_site < f->n_sites)
        site = &f->sites[f->default_site];
    wire_radar r;
    radar_status st = radar_parse(line, len, site, time_ns, &r);
    if (st == RADAR_BAD_VALUE && !site) {
        f->radar_no_site++;
        return 0;
    }
    f->radar[st]++;
    if (st != RADAR_OK)
        return 0;
    if (time_ns > f->last_time_ns)
        f->last_time_ns = time_ns;
    f->radar_out++;
    if (f->h.on_radar)
        f->h.on_radar(f->h.ctx, &r);
    return 1;
}

/* One row of a position table: its messages encoded as a receiver would have sent them (the
 * sentences are kept as the raw NMEA, so an archive of a table reads like one of a feed). */
static int csv_line(feed *f, const char *line, size_t len)
{
    csv_row_status st = csv_positions_row(f->csv, line, len, &f->csv_out);
    if (st == CSV_ROW_SKIPPED) {
        f->csv_skipped_rows++;
        return 0;
    }
    if (st == CSV_ROW_BAD) {
        if (f->csv_bad_rows++ == 0)
            log_warn("line %llu: a %s row that cannot be read (time, MMSI, latitude or longitude): "
                     "\"%.*s\"; such rows are counted in csv_bad_rows",
                     (unsigned long long)f->lines, csv_positions_layout_name(f->csv),
                     (int)(len < 120 ? len : 120), line);
        return 0;
    }
    f->csv_rows++;
    int produced = 0;
    for (int i = 0; i < f->csv_out.n; i++) {
        wire_ais *w = &f->msg;
        memset(w, 0, sizeof *w);
        size_t nbits = 0;
        if (ais_encode(&f->csv_out.msg[i], w->bits, sizeof w->bits, &nbits) != 0 ||
            nbits > WIRE_AIS_MAX_BITS) {
            log_error("cannot encode a type %u message from line %llu", f->csv_out.msg[i].type,
                      (unsigned long long)f->lines);
            continue;
        }
        w->nbits = (uint16_t)nbits;
        w->station_id = f->station_id;
        w->rx_time_ns = f->csv_out.time_ns;
        w->signal_dbfs = w->snr_db = w->freq_offset_hz = w->ppm = NAN;
        if (nbits > 168)
            f->csv_seq_id = (f->csv_seq_id + 1) % 10;
        char nmea[NMEA_RAW_MAX];
        if (nmea_encode_vdm(w->bits, nbits, "AIVDM", 0, f->csv_seq_id, nmea, sizeof nmea) > 0) {
            size_t k = strlen(nmea);
            while (k && (nmea[k - 1] == '\n' || nmea[k - 1] == '\r'))
                k--;
            size_t o = 0;
            for (size_t j = 0; j < k && o < WIRE_AIS_MAX_NMEA; j++)
                if (nmea[j] != '\r')
                    w->nmea[o++] = nmea[j];
            w->nmea[o] = 0;
        }
        if (w->rx_time_ns > f->last_time_ns)
            f->last_time_ns = w->rx_time_ns;
        f->ais_out++;
        produced++;
        if (f->h.on_ais)
            f->h.on_ais(f->h.ctx, w);
    }
    return produced > 0;
}

static bool blank(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '\n')
            return false;
    return true;
}

int feed_line(feed *f, const char *line, size_t len, int64_t time_ns)
{
    f->lines++;
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (!f->first_seen && !blank(line, len)) {
        f->first_seen = true;
        f->csv = csv_positions_create(line, len);
        if (f->csv) {
            log_info("a %s position table: each row becomes a position report (static data "
                     "where the columns give it) at the row's time",
                     csv_positions_layout_name(f->csv));
            return 0;
        }
    }
    if (f->csv)
        return csv_line(f, line, len);
    /* TTM/TLL are '$' sentences, possibly behind a tag block */
    const char *body = line;
    if (len && line[0] == '\\') {
        const char *end = memchr(line + 1, '\\', len - 1);
        if (end)
            body = end + 1;
    }
    size_t blen = len - (size_t)(body - line);
    if (blen > 6 && body[0] == '$' &&
        (memcmp(body + 3, "TTM,", 4) == 0 || memcmp(body + 3, "TLL,", 4) == 0))
        return radar_line(f, line, len, time_ns);
    nmea_message m;
    int64_t t_ms = time_ns ? time_ns / 1000000LL : NMEA_TIME_NONE;
    if (nmea_assembler_push(f->asm_, line, len, t_ms, &m) != 1)
        return 0;
    wire_ais *w = &f->msg;
    memset(w, 0, offsetof(wire_ais, bits));
    w->station_id = station_of(
        (m.tag.present & NMEA_TAG_S) ? m.tag.s : (m.rx.present ? m.rx.station : ""), f->station_id);
    w->channel = m.channel == 'A' || m.channel == 'B' ? m.channel : 0;
    /* A multipart message often carries "c:" on its first part only (IEC 61162-450 groups):
     * the merged tag block's time beats the caller's time for the last part. */
    if (m.tag.present & NMEA_TAG_C)
        w->rx_time_ns = m.tag.c_ms * 1000000LL;
    else
        w->rx_time_ns = m.time_ms != NMEA_TIME_NONE ? m.time_ms * 1000000LL : time_ns;
    w->signal_dbfs = w->snr_db = w->freq_offset_hz = w->ppm = NAN;
    if (m.nbits > WIRE_AIS_MAX_BITS)
        return 0;
    w->nbits = (uint16_t)m.nbits;
    memset(w->bits, 0, sizeof w->bits);
    memcpy(w->bits, m.bits, (m.nbits + 7) / 8);
    size_t k = m.raw_len < WIRE_AIS_MAX_NMEA ? m.raw_len : WIRE_AIS_MAX_NMEA;
    memcpy(w->nmea, m.raw, k);
    w->nmea[k] = 0;
    if (w->rx_time_ns > f->last_time_ns)
        f->last_time_ns = w->rx_time_ns;
    f->ais_out++;
    if (f->h.on_ais)
        f->h.on_ais(f->h.ctx, w);
    return 1;
}

int64_t feed_last_time_ns(const feed *f)
{
    return f->last_time_ns;
}

void feed_flush(feed *f)
{
    nmea_assembler_flush(f->asm_);
}

void feed_get_stats(const feed *f, feed_stats *out)
{
    out->nmea = nmea_assembler_stats(f->asm_);
    memcpy(out->radar, f->radar, sizeof out->radar);
    out->radar_no_site = f->radar_no_site;
    out->ais_out = f->ais_out;
    out->radar_out = f->radar_out;
    out->lines = f->lines;
    out->csv_rows = f->csv_rows;
    out->csv_bad_rows = f->csv_bad_rows;
    out->csv_skipped_rows = f->csv_skipped_rows;
    out->csv_layout = f->csv ? csv_positions_layout_name(f->csv) : NULL;
}

int64_t feed_line_time_ns(const feed *f, const char *line, size_t len)
{
    if (f->csv)
        return csv_positions_row_time_ns(f->csv, line, len);
    return nmea_line_time_ns(line, len);
}
