/* CoT events from tracks and alerts (see cot.h).  The vessel table is an open-addressing hash on
 * (publisher, track id) with backward-shift deletion, so a removed track leaves no tombstone and
 * a live picture of any size costs one probe or two per message. */
#include "cot.h"

#include "centinela/ais.h"
#include "centinela/log.h"
#include "centinela/mmsi.h"
#include "centinela/zones.h"

#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KN_TO_MPS 0.514444 /* 1852 m / 3600 s */
#define COT_UNKNOWN 9999999.0

struct vessel {
    uint64_t key; /* (source_id << 32) | track_id */
    bool used, sent, resend;
    uint8_t last_state;
    int64_t last_sent_ns;
    char last_type[8];
    char last_callsign[24];
    wire_track last;
};

struct open_alert {
    uint32_t source_id;
    uint64_t alert_id;
    uint32_t track_id;
    uint8_t n_mmsi;
    uint32_t mmsi[WIRE_ALERT_MAX_MMSI];
};

struct cot_writer {
    cot_config cfg;
    xmlBufferPtr buf;
    struct vessel *v;
    size_t cap, count; /* cap is a power of two */
    struct open_alert *alerts;
    size_t n_alerts, alerts_cap;
    size_t resend_cursor;
    cot_stats st;
};

cot_writer *cot_writer_create(const cot_config *cfg)
{
    if (!cfg || !(cfg->stale_s > 0) || cfg->stale_s > 86400 * 30.0) {
        log_error("cot: stale_s must be in (0, 2592000] s");
        return NULL;
    }
    if (!(cfg->alert_stale_s > 0) || cfg->alert_stale_s > 86400 * 30.0) {
        log_error("cot: alert_stale_s must be in (0, 2592000] s");
        return NULL;
    }
    if (!(cfg->min_interval_s >= 0) || cfg->min_interval_s > 86400) {
        log_error("cot: min_interval_s must be in [0, 86400] s");
        return NULL;
    }
    cot_writer *w = x_calloc(1, sizeof *w);
    w->cfg = *cfg;
    w->buf = xmlBufferCreate();
    if (!w->buf) {
        log_error("cot: xmlBufferCreate failed");
        free(w);
        return NULL;
    }
    w->cap = 1024;
    w->v = x_calloc(w->cap, sizeof *w->v);
    return w;
}

void cot_writer_destroy(cot_writer **pw)
{
    if (!pw || !*pw)
        return;
    cot_writer *w = *pw;
    xmlBufferFree(w->buf);
    free(w->v);
    free(w->alerts);
    free(w);
    *pw = NULL;
}

/* ---- vessel table --------------------------------------------------------------------- */

static size_t slot_of(uint64_t key, size_t cap)
{
    key ^= key >> 33; /* splitmix64 finaliser: track ids are sequential */
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return (size_t)key & (cap - 1);
}

static struct vessel *find(cot_writer *w, uint64_t key)
{
    for (size_t i = slot_of(key, w->cap);; i = (i + 1) & (w->cap - 1)) {
        if (!w->v[i].used)
            return NULL;
        if (w->v[i].key == key)
            return &w->v[i];
    }
}

static struct vessel *insert(cot_writer *w, uint64_t key)
{
    if ((w->count + 1) * 4 > w->cap * 3) { /* load factor 0.75: double */
        struct vessel *old = w->v;
        size_t oldcap = w->cap;
        w->cap *= 2;
        w->v = x_calloc(w->cap, sizeof *w->v);
        for (size_t i = 0; i < oldcap; i++) {
            if (!old[i].used)
                continue;
            size_t j = slot_of(old[i].key, w->cap);
            while (w->v[j].used)
                j = (j + 1) & (w->cap - 1);
            w->v[j] = old[i];
        }
        free(old);
    }
    size_t i = slot_of(key, w->cap);
    while (w->v[i].used)
        i = (i + 1) & (w->cap - 1);
    memset(&w->v[i], 0, sizeof w->v[i]);
    w->v[i].used = true;
    w->v[i].key = key;
    w->count++;
    return &w->v[i];
}

/* Backward-shift deletion (Knuth 6.4 algorithm R): later members of the probe run move up. */
static void erase(cot_writer *w, struct vessel *v)
{
    size_t i = (size_t)(v - w->v), mask = w->cap - 1;
    w->v[i].used = false;
    for (size_t j = (i + 1) & mask; w->v[j].used; j = (j + 1) & mask) {
        size_t home = slot_of(w->v[j].key, w->cap);
        /* Move j into the hole at i when its home slot is not in (i, j] cyclically. */
        bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!between) {
            w->v[i] = w->v[j];
            w->v[j].used = false;
            i = j;
        }
    }
    w->count--;
}

/* ---- mapping ------------------------------------------------------------------------- */

char *cot_track_uid(const wire_track *t, char *out, size_t cap)
{
    if (t->mmsi == 0)
        snprintf(out, cap, "centinela-dark-%u", t->track_id);
    else if (t->flags & TRACK_FLAG_SPLIT)
        snprintf(out, cap, "centinela-%09u-t%u", t->mmsi, t->track_id);
    else
        snprintf(out, cap, "centinela-%09u", t->mmsi);
    return out;
}

/* Identified merchant traffic: a class A ship station whose static data name a passenger,
 * cargo or tanker type (ITU-R M.1371 table 53: 60-89) and give a name or an IMO number. */
static bool merchant(const wire_track *t)
{
    mmsi_info mi;
    return t->mmsi && t->ais_class == 'A' && t->ship_type >= 60 && t->ship_type <= 89 &&
           (t->name[0] || t->imo) && mmsi_classify(t->mmsi, &mi) == MMSI_VALID &&
           mi.kind == MMSI_KIND_SHIP;
}

const char *cot_track_type(const wire_track *t, bool alert_open)
{
    if (alert_open)
        return COT_TYPE_SUSPECT;
    return merchant(t) ? COT_TYPE_NEUTRAL : COT_TYPE_UNKNOWN;
}

static bool alert_on(const cot_writer *w, const wire_track *t)
{
    for (size_t i = 0; i < w->n_alerts; i++) {
        const struct open_alert *a = &w->alerts[i];
        if (t->mmsi) {
            for (int k = 0; k < a->n_mmsi; k++)
                if (a->mmsi[k] == t->mmsi)
                    return true;
        } else if (a->n_mmsi == 0 && a->track_id == t->track_id) {
            return true;
        }
    }
    return false;
}

/* Printable ASCII only: AIS text is 6-bit ASCII, and a control byte would make the XML
 * ill-formed (XML 1.0 §2.2 forbids most of them even escaped). */
static void clean(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; *in && n + 1 < cap; in++)
        out[n++] = (*in >= 0x20 && *in < 0x7f) ? *in : '?';
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = 0;
}

static void callsign_of(const wire_track *t, char *out, size_t cap)
{
    clean(t->name, out, cap);
    if (!out[0] && t->mmsi)
        snprintf(out, cap, "%09u", t->mmsi);
    else if (!out[0])
        snprintf(out, cap, "DARK %u", t->track_id);
}

static const char *state_name(uint8_t s)
{
    static const char *names[] = {"tentative", "confirmed", "lost", "removed"};
    return s < 4 ? names[s] : "unknown";
}

static void track_remarks(const wire_track *t, char *out, size_t cap)
{
    size_t n = 0;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (n < cap)                                                                               \
            n += (size_t)snprintf(out + n, cap - n, __VA_ARGS__);                                  \
    } while (0)
    if (t->mmsi)
        ADD("MMSI %09u", t->mmsi);
    else
        ADD("dark target (radar %u/%u, no AIS)", t->radar_site, t->radar_target);
    ADD("; class %s", t->ais_class ? (char[2]){(char)t->ais_class, 0} : "unknown");
    mmsi_info mi;
    if (t->mmsi && mmsi_classify(t->mmsi, &mi) == MMSI_VALID && mi.country)
        ADD("; flag %s (%s, MID %d)", mi.country->country, mi.country->iso2, mi.mid);
    else if (t->mmsi)
        ADD("; flag unknown");
    /* The ship type in gpsd's words (ITU-R M.1371 table 53), from the AIS codec. */
    if (t->ship_type > 0 && t->ship_type < 100)
        ADD("; %s (type %u)", ais_shiptype_text(t->ship_type), t->ship_type);
    if (t->imo)
        ADD("; IMO %u", t->imo);
    char text[24];
    clean(t->callsign, text, sizeof text);
    if (text[0])
        ADD("; call sign %s", text);
    clean(t->destination, text, sizeof text);
    if (text[0])
        ADD("; destination %s", text);
    if (t->length_m)
        ADD("; %u x %u m", t->length_m, t->beam_m);
    ADD("; zones");
    int nz = 0;
    for (int k = 0; k < ZONE_KIND_COUNT; k++)
        if (t->zones & ZONE_BIT(k))
            ADD("%s%s", nz++ ? ", " : " ", zone_kind_name((enum zone_kind)k));
    if (!nz)
        ADD(" none");
    ADD("; track %u %s", t->track_id, state_name(t->state));
    if (t->flags & TRACK_FLAG_SPLIT)
        ADD(" (split MMSI)");
    if (t->flags & TRACK_FLAG_ON_LAND)
        ADD(" (reported on land)");
#undef ADD
    if (n >= cap && cap > 0)
        out[cap - 1] = 0;
}

/* ---- XML ----------------------------------------------------------------------------- */

struct event_head {
    const char *uid, *type;
    int64_t time_ns, stale_ns;
    double lat_deg, lon_deg, ce_m;
};

/* Starts the document, <event> and <point>, opens <detail>.  Returns 0 or -1. */
static int begin_event(xmlTextWriterPtr x, const struct event_head *e)
{
    char t[40], s[40];
    wire_format_time(e->time_ns, t, sizeof t);
    wire_format_time(e->stale_ns, s, sizeof s);
    int bad = 0;
    bad |= xmlTextWriterStartDocument(x, NULL, "UTF-8", "yes") < 0;
    bad |= xmlTextWriterStartElement(x, BAD_CAST "event") < 0;
    bad |= xmlTextWriterWriteAttribute(x, BAD_CAST "version", BAD_CAST "2.0") < 0;
    bad |= xmlTextWriterWriteAttribute(x, BAD_CAST "uid", BAD_CAST e->uid) < 0;
    bad |= xmlTextWriterWriteAttribute(x, BAD_CAST "type", BAD_CAST e->type) < 0;
    /* "m-f": machine, fused (CoT how taxonomy) */
    bad |= xmlTextWriterWriteAttribute(x, BAD_CAST "how", BAD_CAST "m-f") < 0;
    bad |= xmlTextWriterWriteAttribute(x, BAD_CAST "time", BAD_CAST t) < 0;
    bad |= xmlTextWriterWriteAttribute(x, BAD_CAST "start", BAD_CAST t) < 0;
    bad |= xmlTextWriterWriteAttribute(x, BAD_CAST "stale", BAD_CAST s) < 0;
    bad |= xmlTextWriterStartElement(x, BAD_CAST "point") < 0;
    bad |= xmlTextWriterWriteFormatAttribute(x, BAD_CAST "lat", "%.7f", e->lat_deg) < 0;
    bad |= xmlTextWriterWriteFormatAttribute(x, BAD_CAST "lon", "%.7f", e->lon_deg) < 0;
    bad |= xmlTextWriterWriteFormatAttribute(x, BAD_CAST "hae", "%.1f", COT_UNKNOWN) < 0;
    bad |= xmlTextWriterWriteFormatAttribute(x, BAD_CAST "ce", "%.1f", e->ce_m) < 0;
    bad |= xmlTextWriterWriteFormatAttribute(x, BAD_CAST "le", "%.1f", COT_UNKNOWN) < 0;
    bad |= xmlTextWriterEndElement(x) < 0;
    bad |= xmlTextWriterStartElement(x, BAD_CAST "detail") < 0;
    return bad ? -1 : 0;
}

static int end_event(xmlTextWriterPtr x)
{
    return xmlTextWriterEndDocument(x) < 0 ? -1 : 0; /* closes detail and event */
}

static double ce_of(float sigma_m)
{
    return isfinite(sigma_m) && sigma_m > 0 && sigma_m < COT_UNKNOWN ? sigma_m : COT_UNKNOWN;
}

static bool valid_position(double lat, double lon)
{
    return isfinite(lat) && isfinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
}

static int write_track(cot_writer *w, const wire_track *t, const char *type, const char *callsign)
{
    char uid[48], remarks[640];
    cot_track_uid(t, uid, sizeof uid);
    track_remarks(t, remarks, sizeof remarks);
    int64_t stale_ns = t->state == TRACK_REMOVED
                           ? t->time_ns
                           : t->time_ns + (int64_t)llround(w->cfg.stale_s * 1e9);
    struct event_head e = {uid,        type,       t->time_ns,           stale_ns,
                           t->lat_deg, t->lon_deg, ce_of(t->pos_sigma_m)};
    xmlBufferEmpty(w->buf);
    xmlTextWriterPtr x = xmlNewTextWriterMemory(w->buf, 0);
    if (!x)
        return -1;
    int bad = begin_event(x, &e);
    bad |= xmlTextWriterStartElement(x, BAD_CAST "contact") < 0;
    bad |= xmlTextWriterWriteAttribute(x, BAD_CAST "callsign", BAD_CAST callsign) < 0;
    bad |= xmlTextWriterEndElement(x) < 0;
    float course = isfinite(t->cog_deg) ? t->cog_deg : t->heading_deg;
    if (isfinite(course) && isfinite(t->sog_kn)) {
        bad |= xmlTextWriterStartElement(x, BAD_CAST "track") < 0;
        bad |= xmlTextWriterWriteFormatAttribute(x, BAD_CAST "course", "%.1f", course) < 0;
        bad |= xmlTextWriterWriteFormatAttribute(x, BAD_CAST "speed", "%.2f",
                                                 t->sog_kn * KN_TO_MPS) < 0;
        bad |= xmlTextWriterEndElement(x) < 0;
    }
    bad |= xmlTextWriterWriteElement(x, BAD_CAST "remarks", BAD_CAST remarks) < 0;
    bad |= end_event(x);
    xmlFreeTextWriter(x); /* flushes into w->buf */
    return bad ? -1 : 0;
}

static const char *alert_state_name(uint8_t s)
{
    return s == ALERT_OPEN     ? "open"
           : s == ALERT_UPDATE ? "update"
           : s == ALERT_CLOSE  ? "close"
                               : "?";
}

static int write_alert(cot_writer *w, uint32_t source_id, int64_t t_ns, const wire_alert *a)
{
    char uid[64], vessel[48], rule[32], callsign[64], remarks[1600], start[40], end[40];
    snprintf(uid, sizeof uid, "centinela-alert-%u-%llu", source_id,
             (unsigned long long)a->alert_id);
    clean(a->rule, rule, sizeof rule);
    if (a->n_mmsi)
        snprintf(vessel, sizeof vessel, "centinela-%09u", a->mmsi[0]);
    else
        snprintf(vessel, sizeof vessel, "centinela-dark-%u", a->track_id);
    if (a->n_mmsi)
        snprintf(callsign, sizeof callsign, "%s %09u", rule, a->mmsi[0]);
    else
        snprintf(callsign, sizeof callsign, "%s dark %u", rule, a->track_id);
    wire_format_time(a->start_ns, start, sizeof start);
    wire_format_time(a->end_ns, end, sizeof end);
    char evidence[700];
    clean(a->evidence, evidence, sizeof evidence);
    int n = snprintf(remarks, sizeof remarks,
                     "rule %s; score %.1f (severity %.2f, confidence %.2f, context %.2f); %s; "
                     "since %s, latest %s; MMSI",
                     rule, a->score, a->severity, a->confidence, a->context,
                     alert_state_name(a->state), start, end);
    for (int k = 0; k < a->n_mmsi && n > 0 && (size_t)n < sizeof remarks; k++)
        n += snprintf(remarks + n, sizeof remarks - (size_t)n, " %09u", a->mmsi[k]);
    if (!a->n_mmsi && n > 0 && (size_t)n < sizeof remarks)
        n += snprintf(remarks + n, sizeof remarks - (size_t)n, " none (track %u)", a->track_id);
    if (n > 0 && (size_t)n < sizeof remarks)
        snprintf(remarks + n, sizeof remarks - (size_t)n, "; evidence %s", evidence);
    int64_t stale_ns =
        a->state == ALERT_CLOSE ? t_ns : t_ns + (int64_t)llround(w->cfg.alert_stale_s * 1e9);
    double lat = a->lat_deg, lon = a->lon_deg;
    if (!valid_position(lat, lon))
        lat = lon = 0; /* CoT requires a point; remarks say where the vessel is not known */
    struct event_head e = {uid, COT_TYPE_ALERT, t_ns, stale_ns, lat, lon, COT_UNKNOWN};
    xmlBufferEmpty(w->buf);
    xmlTextWriterPtr x = xmlNewTextWriterMemory(w->buf, 0);
    if (!x)
        return -1;
    int bad = begin_event(x, &e);
    bad |= xmlTextWriterStartElement(x, BAD_CAST "contact") < 0;
    bad |= xmlTextWriterWriteAttribute(x, BAD_CAST "callsign", BAD_CAST callsign) < 0;
    bad |= xmlTextWriterEndElement(x) < 0;
    /* The vessel the alert is about ("p-p": parent/producer link of CoT's link detail). */
    bad |= xmlTextWriterStartElement(x, BAD_CAST "link") < 0;
    bad |= xmlTextWriterWriteAttribute(x, BAD_CAST "uid", BAD_CAST vessel) < 0;
    bad |= xmlTextWriterWriteAttribute(
               x, BAD_CAST "type",
               BAD_CAST(a->state == ALERT_CLOSE ? COT_TYPE_UNKNOWN : COT_TYPE_SUSPECT)) < 0;
    bad |= xmlTextWriterWriteAttribute(x, BAD_CAST "relation", BAD_CAST "p-p") < 0;
    bad |= xmlTextWriterEndElement(x) < 0;
    bad |= xmlTextWriterWriteElement(x, BAD_CAST "remarks", BAD_CAST remarks) < 0;
    bad |= end_event(x);
    xmlFreeTextWriter(x);
    return bad ? -1 : 0;
}

/* ---- pacing -------------------------------------------------------------------------- */

int cot_writer_track(cot_writer *w, uint32_t source_id, const wire_track *t)
{
    w->st.tracks_in++;
    if (!valid_position(t->lat_deg, t->lon_deg))
        return 0;
    uint64_t key = ((uint64_t)source_id << 32) | t->track_id;
    struct vessel *v = find(w, key);
    if (t->state == TRACK_TENTATIVE && !w->cfg.tentative && !(v && v->sent)) {
        w->st.tentative_skipped++;
        return 0;
    }
    if (!v)
        v = insert(w, key);
    v->last = *t;
    v->resend = false;
    const char *type = cot_track_type(t, alert_on(w, t));
    char callsign[24];
    callsign_of(t, callsign, sizeof callsign);
    bool removed = t->state == TRACK_REMOVED;
    bool send = !v->sent || removed || t->state != v->last_state || strcmp(type, v->last_type) ||
                strcmp(callsign, v->last_callsign) || t->time_ns < v->last_sent_ns ||
                (double)(t->time_ns - v->last_sent_ns) >= w->cfg.min_interval_s * 1e9;
    int rc = 0;
    if (send) {
        if (write_track(w, t, type, callsign) != 0) {
            w->st.write_errors++;
            rc = -1;
        } else {
            w->st.track_events++;
            v->sent = true;
            v->last_state = t->state;
            v->last_sent_ns = t->time_ns;
            snprintf(v->last_type, sizeof v->last_type, "%s", type);
            snprintf(v->last_callsign, sizeof v->last_callsign, "%s", callsign);
            rc = 1;
        }
    } else {
        w->st.paced++;
    }
    if (removed)
        erase(w, v);
    return rc;
}

int cot_writer_alert(cot_writer *w, uint32_t source_id, int64_t event_time_ns, const wire_alert *a)
{
    size_t i = 0;
    while (i < w->n_alerts &&
           !(w->alerts[i].source_id == source_id && w->alerts[i].alert_id == a->alert_id))
        i++;
    if (a->state == ALERT_CLOSE) {
        if (i < w->n_alerts)
            w->alerts[i] = w->alerts[--w->n_alerts];
    } else {
        if (i == w->n_alerts) {
            if (w->n_alerts == w->alerts_cap) {
                w->alerts_cap = w->alerts_cap ? 2 * w->alerts_cap : 16;
                w->alerts = x_realloc(w->alerts, w->alerts_cap * sizeof *w->alerts);
            }
            w->n_alerts++;
        }
        struct open_alert *o = &w->alerts[i];
        o->source_id = source_id;
        o->alert_id = a->alert_id;
        o->track_id = a->track_id;
        o->n_mmsi = a->n_mmsi <= WIRE_ALERT_MAX_MMSI ? a->n_mmsi : WIRE_ALERT_MAX_MMSI;
        memcpy(o->mmsi, a->mmsi, sizeof o->mmsi);
    }
    /* Vessels whose type this changes are re-sent with their latest state. */
    for (size_t k = 0; k < w->cap; k++) {
        struct vessel *v = &w->v[k];
        if (v->used && v->sent &&
            strcmp(cot_track_type(&v->last, alert_on(w, &v->last)), v->last_type))
            v->resend = true;
    }
    w->resend_cursor = 0;
    if (write_alert(w, source_id, event_time_ns, a) != 0) {
        w->st.write_errors++;
        return -1;
    }
    w->st.alert_events++;
    return 1;
}

int cot_writer_resend(cot_writer *w)
{
    for (; w->resend_cursor < w->cap; w->resend_cursor++) {
        struct vessel *v = &w->v[w->resend_cursor];
        if (!v->used || !v->resend)
            continue;
        v->resend = false;
        const char *type = cot_track_type(&v->last, alert_on(w, &v->last));
        char callsign[24];
        callsign_of(&v->last, callsign, sizeof callsign);
        w->resend_cursor++;
        if (write_track(w, &v->last, type, callsign) != 0) {
            w->st.write_errors++;
            return -1;
        }
        snprintf(v->last_type, sizeof v->last_type, "%s", type);
        w->st.resent++;
        return 1;
    }
    return 0;
}

const char *cot_writer_event(const cot_writer *w, size_t *len)
{
    if (len)
        *len = (size_t)xmlBufferLength(w->buf);
    return (const char *)xmlBufferContent(w->buf);
}

void cot_writer_stats(const cot_writer *w, cot_stats *out)
{
    *out = w->st;
    out->vessels = w->count;
    out->open_alerts = w->n_alerts;
}
