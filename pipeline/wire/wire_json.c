/* JSON view of wire messages (the tap and scripts read the pipeline this way). */
#include "centinela/wire.h"
#include "centinela/log.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void wire_format_time(int64_t t_ns, char *out, size_t cap)
{
    int64_t s = t_ns / 1000000000;
    int64_t ms = (t_ns % 1000000000) / 1000000;
    if (ms < 0) {
        ms += 1000;
        s -= 1;
    }
    time_t tt = (time_t)s;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(out, cap, "invalid");
        return;
    }
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)ms);
}

int wire_parse_time(const char *text, int64_t *t_ns)
{
    if (!text || !*text) {
        *t_ns = 0;
        return 0;
    }
    int Y, M, D, h = 0, m = 0, n = 0;
    double sec = 0;
    if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%n", &Y, &M, &D, &h, &m, &n) == 5 && n > 0) {
        char *end;
        sec = strtod(text + n, &end);
        if (end == text + n || (*end && strcmp(end, "Z") != 0) || sec < 0 || sec >= 61)
            return -1;
        if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59)
            return -1;
        struct tm tm = {.tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D, .tm_hour = h,
                        .tm_min = m};
        time_t t = timegm(&tm);
        *t_ns = (int64_t)t * 1000000000 + (int64_t)llround(sec * 1e9);
        return 0;
    }
    char *end;
    double unix_s = strtod(text, &end);
    if (end == text || *end || !isfinite(unix_s) || fabs(unix_s) > 9e9)
        return -1;
    *t_ns = (int64_t)llround(unix_s * 1e9);
    return 0;
}

static void set_real(json_t *o, const char *key, double v)
{
    json_object_set_new(o, key, isfinite(v) ? json_real(v) : json_null());
}

static void set_time(json_t *o, const char *key, int64_t t_ns)
{
    char iso[40];
    wire_format_time(t_ns, iso, sizeof iso);
    json_object_set_new(o, key, json_string(iso));
}

static void set_str(json_t *o, const char *key, const char *s)
{
    /* Payload strings come from radios: keep them valid UTF-8 for JSON by dropping high bytes. */
    char clean[WIRE_ALERT_MAX_EVIDENCE + 1];
    size_t k = 0;
    for (; s[k] && k < sizeof clean - 1; k++)
        clean[k] = ((unsigned char)s[k] < 0x80) ? s[k] : '?';
    clean[k] = 0;
    json_object_set_new(o, key, json_string(clean));
}

static void iq_json(json_t *o, const wire_iq *m)
{
    json_object_set_new(o, "rate_hz", json_integer(m->sample_rate_hz));
    json_object_set_new(o, "kind", json_string(m->kind == WIRE_IQ_COMPLEX ? "complex" : "real"));
    json_object_set_new(o, "center_hz", json_integer((json_int_t)m->center_hz));
    json_object_set_new(o, "first_sample", json_integer((json_int_t)m->first_sample));
    json_object_set_new(o, "total_samples", json_integer((json_int_t)m->total_samples));
    json_object_set_new(o, "count", json_integer(m->count));
}

static void ais_json(json_t *o, const wire_ais *m)
{
    char ch[2] = {m->channel, 0};
    json_object_set_new(o, "station", json_integer(m->station_id));
    json_object_set_new(o, "channel", m->channel ? json_string(ch) : json_null());
    set_time(o, "rx_time", m->rx_time_ns);
    json_object_set_new(o, "rx_time_ns", json_integer(m->rx_time_ns));
    set_real(o, "signal_dbfs", m->signal_dbfs);
    set_real(o, "snr_db", m->snr_db);
    set_real(o, "freq_offset_hz", m->freq_offset_hz);
    set_real(o, "ppm", m->ppm);
    json_object_set_new(o, "nbits", json_integer(m->nbits));
    set_str(o, "nmea", m->nmea);
}

static void track_json(json_t *o, const wire_track *m)
{
    static const char *const states[] = {"tentative", "confirmed", "lost", "removed"};
    static const char *const updates[] = {"position", "static", "snapshot", "state"};
    char cls[2] = {(char)m->ais_class, 0};
    json_object_set_new(o, "track_id", json_integer(m->track_id));
    json_object_set_new(o, "mmsi", m->mmsi ? json_integer(m->mmsi) : json_null());
    json_object_set_new(o, "state", json_string(states[m->state]));
    json_object_set_new(o, "update", json_string(updates[m->update]));
    json_t *sensors = json_array();
    if (m->sensors & TRACK_SENSOR_AIS)
        json_array_append_new(sensors, json_string("ais"));
    if (m->sensors & TRACK_SENSOR_RADAR)
        json_array_append_new(sensors, json_string("radar"));
    json_object_set_new(o, "sensors", sensors);
    json_object_set_new(o, "class", m->ais_class ? json_string(cls) : json_null());
    json_object_set_new(o, "dark", json_boolean(m->flags & TRACK_FLAG_DARK));
    json_object_set_new(o, "split", json_boolean(m->flags & TRACK_FLAG_SPLIT));
    json_object_set_new(o, "in_coverage", json_boolean(m->flags & TRACK_FLAG_IN_COVERAGE));
    json_object_set_new(o, "on_land", json_boolean(m->flags & TRACK_FLAG_ON_LAND));
    json_object_set_new(o, "quality", json_integer(m->quality));
    json_object_set_new(o, "status", json_integer(m->nav_status));
    set_time(o, "last_report", m->last_report_ns);
    json_object_set_new(o, "lat", json_real(m->lat_deg));
    json_object_set_new(o, "lon", json_real(m->lon_deg));
    set_real(o, "sog_kn", m->sog_kn);
    set_real(o, "cog_deg", m->cog_deg);
    set_real(o, "heading_deg", m->heading_deg);
    set_real(o, "pos_sigma_m", m->pos_sigma_m);
    json_object_set_new(o, "imo", m->imo ? json_integer(m->imo) : json_null());
    json_object_set_new(o, "shiptype", json_integer(m->ship_type));
    json_object_set_new(o, "length_m", json_integer(m->length_m));
    json_object_set_new(o, "beam_m", json_integer(m->beam_m));
    set_str(o, "shipname", m->name);
    set_str(o, "callsign", m->callsign);
    set_str(o, "destination", m->destination);
    json_object_set_new(o, "zones", json_integer(m->zones));
    set_real(o, "dist_shore_m", m->dist_shore_m);
    json_object_set_new(o, "radar_site", json_integer(m->radar_site));
    json_object_set_new(o, "radar_target", json_integer(m->radar_target));
    json_object_set_new(o, "n_stations", json_integer(m->n_stations));
    json_object_set_new(o, "n_reports", json_integer(m->n_reports));
}

static void alert_json(json_t *o, const wire_alert *m)
{
    static const char *const states[] = {"open", "update", "close"};
    set_str(o, "rule", m->rule);
    json_object_set_new(o, "alert_id", json_integer((json_int_t)m->alert_id));
    json_object_set_new(o, "state", json_string(states[m->state]));
    if (m->n_mmsi == 0) {
        json_object_set_new(o, "mmsi", json_null());
    } else if (m->n_mmsi == 1) {
        json_object_set_new(o, "mmsi", json_integer(m->mmsi[0]));
    } else {
        json_t *a = json_array();
        for (int i = 0; i < m->n_mmsi; i++)
            json_array_append_new(a, json_integer(m->mmsi[i]));
        json_object_set_new(o, "mmsi", a);
    }
    json_object_set_new(o, "track_id", json_integer(m->track_id));
    set_time(o, "start", m->start_ns);
    set_time(o, "end", m->end_ns);
    set_real(o, "lat", m->lat_deg);
    set_real(o, "lon", m->lon_deg);
    set_real(o, "score", m->score);
    set_real(o, "severity", m->severity);
    set_real(o, "confidence", m->confidence);
    set_real(o, "context", m->context);
    json_error_t e;
    json_t *ev = m->evidence[0] ? json_loads(m->evidence, 0, &e) : NULL;
    json_object_set_new(o, "evidence", ev ? ev : json_string(m->evidence));
}

static void radar_json(json_t *o, const wire_radar *m)
{
    char st[2] = {m->status, 0};
    json_object_set_new(o, "site", json_integer(m->site_id));
    json_object_set_new(o, "target", json_integer(m->target));
    json_object_set_new(o, "status", json_string(st));
    set_real(o, "lat", m->lat_deg);
    set_real(o, "lon", m->lon_deg);
    set_real(o, "range_m", m->range_m);
    set_real(o, "bearing_deg", m->bearing_deg);
    set_real(o, "speed_kn", m->speed_kn);
    set_real(o, "course_deg", m->course_deg);
    set_str(o, "name", m->name);
}

char *wire_frame_to_json(const uint8_t *frame, size_t n, enum wire_status *status)
{
    wire_header h;
    enum wire_status st = wire_header_decode(frame, n, &h);
    if (st != WIRE_OK) {
        *status = st;
        return NULL;
    }
    const uint8_t *p = frame + WIRE_HEADER_LEN;
    json_t *o = json_object();
    json_object_set_new(o, "topic", json_string(wire_topic(h.type)));
    json_object_set_new(o, "source", json_integer(h.source_id));
    json_object_set_new(o, "seq", json_integer((json_int_t)h.seq));
    set_time(o, "time", h.event_time_ns);
    json_object_set_new(o, "time_ns", json_integer(h.event_time_ns));
    json_object_set_new(o, "eos", json_boolean(h.flags & WIRE_FLAG_EOS));
    if (h.payload_len > 0) {
        switch (h.type) {
        case WIRE_IQ: {
            wire_iq m;
            if ((st = wire_iq_decode(p, h.payload_len, &m)) == WIRE_OK)
                iq_json(o, &m);
            break;
        }
        case WIRE_AIS: {
            wire_ais *m = x_malloc(sizeof *m);
            if ((st = wire_ais_decode(p, h.payload_len, m)) == WIRE_OK)
                ais_json(o, m);
            free(m);
            break;
        }
        case WIRE_TRACK: {
            wire_track m;
            if ((st = wire_track_decode(p, h.payload_len, &m)) == WIRE_OK)
                track_json(o, &m);
            break;
        }
        case WIRE_ALERT: {
            wire_alert *m = x_malloc(sizeof *m);
            if ((st = wire_alert_decode(p, h.payload_len, m)) == WIRE_OK)
                alert_json(o, m);
            free(m);
            break;
        }
        case WIRE_RADAR: {
            wire_radar m;
            if ((st = wire_radar_decode(p, h.payload_len, &m)) == WIRE_OK)
                radar_json(o, &m);
            break;
        }
        case WIRE_STATS: {
            char *js = x_malloc(WIRE_STATS_MAX + 1);
            if ((st = wire_stats_decode(p, h.payload_len, js, WIRE_STATS_MAX + 1)) == WIRE_OK) {
                json_error_t e;
                json_object_set_new(o, "stats", json_loads(js, 0, &e));
            }
            free(js);
            break;
        }
        default:
            st = WIRE_ERR_TYPE;
        }
    }
    char *text = NULL;
    if (st == WIRE_OK)
        text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(o);
    *status = st;
    return text;
}
