/* The operator picture: tracks, trails, alerts, station and node statistics, and their JSON.
 * See picture.h for the change-tracking model the live feed relies on. */
#include "picture.h"
#include "centinela/log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NODES 256
#define MAX_STATIONS 1024
#define AIS_TYPES 28 /* message types 1..27, index 0 unused */

struct trail_pt {
    double lat_deg, lon_deg;
    int64_t t_ns;
};

struct track {
    uint32_t source_id;
    wire_track t;
    uint64_t version;
    uint64_t static_version; /* version of the last change of identity or static data */
    bool removed;
    int64_t seen_ns; /* event time of the latest message about this track */
    struct trail_pt *trail; /* ring of cfg.trail_points */
    int trail_n, trail_head; /* count, index of the oldest */
};

struct alert_rec {
    uint32_t source_id;
    wire_alert a;
    uint64_t version;
    int64_t first_ns, updated_ns; /* event time of the first and latest state change */
    bool acked;
    char ack_by[64];
    int64_t ack_wall_ns;
};

struct station {
    uint32_t id;
    uint64_t messages, ch_a, ch_b;
    double sum_signal_dbfs, sum_snr_db, sum_ppm;
    uint64_t n_signal, n_snr, n_ppm;
    int64_t first_ns, last_ns;
    uint64_t types[AIS_TYPES];
};

struct node_stats {
    uint32_t source_id;
    int64_t time_ns;
    json_t *json;
};

/* Open-addressing map (source id, 64-bit id) -> array index, linear probing with backward-shift
 * deletion so no tombstones accumulate. */
struct slot {
    uint64_t id;
    uint32_t src;
    int32_t idx; /* -1: empty */
};
struct map {
    struct slot *slots;
    size_t cap; /* power of two */
    size_t n;
};

struct wv_picture {
    wv_picture_config cfg;
    struct track *tracks;
    int n_tracks, cap_tracks;
    struct map track_map;
    struct alert_rec *alerts;
    int n_alerts, cap_alerts;
    struct map alert_map;
    struct station *stations;
    int n_stations;
    struct node_stats nodes[MAX_NODES];
    int n_nodes;
    uint64_t version;
    uint64_t purged_floor; /* a delta from below this version must be a full snapshot */
    int64_t event_time_ns;
    int64_t last_sweep_ns;
    uint64_t refused;
};

/* ---- map -------------------------------------------------------------------------------- */

static size_t map_hash(uint32_t src, uint64_t id)
{
    uint64_t x = id ^ ((uint64_t)src << 32 | src) * 0x9e3779b97f4a7c15ull;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x;
}

static void map_init(struct map *m, size_t cap)
{
    m->cap = cap;
    m->n = 0;
    m->slots = x_malloc(cap * sizeof *m->slots);
    for (size_t i = 0; i < cap; i++)
        m->slots[i].idx = -1;
}

static int map_get(const struct map *m, uint32_t src, uint64_t id)
{
    for (size_t i = map_hash(src, id) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        const struct slot *s = &m->slots[i];
        if (s->idx < 0)
            return -1;
        if (s->id == id && s->src == src)
            return s->idx;
    }
}

static void map_put(struct map *m, uint32_t src, uint64_t id, int idx);

static void map_grow(struct map *m)
{
    struct map old = *m;
    map_init(m, old.cap * 2);
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].idx >= 0)
            map_put(m, old.slots[i].src, old.slots[i].id, old.slots[i].idx);
    free(old.slots);
}

/* Insert or overwrite. */
static void map_put(struct map *m, uint32_t src, uint64_t id, int idx)
{
    if ((m->n + 1) * 4 > m->cap * 3)
        map_grow(m);
    for (size_t i = map_hash(src, id) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        struct slot *s = &m->slots[i];
        if (s->idx < 0) {
            *s = (struct slot){id, src, idx};
            m->n++;
            return;
        }
        if (s->id == id && s->src == src) {
            s->idx = idx;
            return;
        }
    }
}

static void map_del(struct map *m, uint32_t src, uint64_t id)
{
    size_t mask = m->cap - 1, i = map_hash(src, id) & mask;
    for (;; i = (i + 1) & mask) {
        if (m->slots[i].idx < 0)
            return;
        if (m->slots[i].id == id && m->slots[i].src == src)
            break;
    }
    /* Backward shift: move later members of the cluster into the hole when their home allows. */
    size_t hole = i;
    for (size_t j = (hole + 1) & mask; m->slots[j].idx >= 0; j = (j + 1) & mask) {
        size_t home = map_hash(m->slots[j].src, m->slots[j].id) & mask;
        bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
        if (movable) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
    }
    m->slots[hole].idx = -1;
    m->n--;
}

/* ---- life cycle ------------------------------------------------------------------------- */

void wv_picture_config_default(wv_picture_config *cfg)
{
    cfg->trail_points = 120;
    cfg->trail_step_s = 10;
    cfg->max_tracks = 200000;
    cfg->max_alerts = 20000;
    cfg->tombstone_s = 60;
    cfg->stale_s = 1800;
}

wv_picture *wv_picture_create(const wv_picture_config *cfg)
{
    if (cfg->trail_points < 0 || cfg->trail_points > 4096) {
        log_error("trail_points %d outside 0..4096", cfg->trail_points);
        return NULL;
    }
    if (!(cfg->trail_step_s >= 0 && cfg->trail_step_s <= 3600)) {
        log_error("trail_step_s %g outside 0..3600", cfg->trail_step_s);
        return NULL;
    }
    if (cfg->max_tracks < 1 || cfg->max_tracks > 1000000) {
        log_error("max_tracks %d outside 1..1000000", cfg->max_tracks);
        return NULL;
    }
    if (cfg->max_alerts < 1 || cfg->max_alerts > 1000000) {
        log_error("max_alerts %d outside 1..1000000", cfg->max_alerts);
        return NULL;
    }
    if (!(cfg->tombstone_s >= 0 && cfg->tombstone_s <= 86400)) {
        log_error("tombstone_s %g outside 0..86400", cfg->tombstone_s);
        return NULL;
    }
    if (!(cfg->stale_s >= 0 && cfg->stale_s <= 30 * 86400.0)) {
        log_error("stale_s %g outside 0..2592000", cfg->stale_s);
        return NULL;
    }
    wv_picture *p = x_calloc(1, sizeof *p);
    p->cfg = *cfg;
    map_init(&p->track_map, 1024);
    map_init(&p->alert_map, 256);
    p->stations = x_calloc(MAX_STATIONS, sizeof *p->stations);
    return p;
}

static void clear_all(wv_picture *p)
{
    for (int i = 0; i < p->n_tracks; i++)
        free(p->tracks[i].trail);
    for (int i = 0; i < p->n_nodes; i++)
        json_decref(p->nodes[i].json);
    p->n_tracks = p->n_alerts = p->n_stations = p->n_nodes = 0;
    free(p->track_map.slots);
    free(p->alert_map.slots);
    map_init(&p->track_map, 1024);
    map_init(&p->alert_map, 256);
}

void wv_picture_reset(wv_picture *p)
{
    clear_all(p);
    /* Versions keep growing so that every feed sees the reset as a full snapshot. */
    p->version++;
    p->purged_floor = p->version;
    p->event_time_ns = 0;
    p->last_sweep_ns = 0;
}

void wv_picture_destroy(wv_picture **pp)
{
    if (!pp || !*pp)
        return;
    wv_picture *p = *pp;
    clear_all(p);
    free(p->track_map.slots);
    free(p->alert_map.slots);
    free(p->tracks);
    free(p->alerts);
    free(p->stations);
    free(p);
    *pp = NULL;
}

/* ---- updates ---------------------------------------------------------------------------- */

static void delete_track(wv_picture *p, int i)
{
    struct track *t = &p->tracks[i];
    map_del(&p->track_map, t->source_id, t->t.track_id);
    free(t->trail);
    int last = p->n_tracks - 1;
    if (i != last) {
        p->tracks[i] = p->tracks[last];
        map_put(&p->track_map, p->tracks[i].source_id, p->tracks[i].t.track_id, i);
    }
    p->n_tracks--;
}

/* Once a second of event time: purge old tombstones, retire tracks nobody updates any more. */
static void sweep(wv_picture *p)
{
    if (p->event_time_ns - p->last_sweep_ns < 1000000000LL)
        return;
    p->last_sweep_ns = p->event_time_ns;
    int64_t tomb_ns = (int64_t)(p->cfg.tombstone_s * 1e9);
    int64_t stale_ns = (int64_t)(p->cfg.stale_s * 1e9);
    for (int i = 0; i < p->n_tracks;) {
        struct track *t = &p->tracks[i];
        int64_t age = p->event_time_ns - t->seen_ns;
        if (t->removed && age > tomb_ns) {
            if (t->version > p->purged_floor)
                p->purged_floor = t->version;
            delete_track(p, i);
            continue;
        }
        if (!t->removed && stale_ns > 0 && age > stale_ns) {
            t->removed = true;
            t->version = ++p->version;
        }
        i++;
    }
}

static void advance_time(wv_picture *p, int64_t t_ns)
{
    if (t_ns > p->event_time_ns)
        p->event_time_ns = t_ns;
}

static void trail_add(wv_picture *p, struct track *t)
{
    int cap = p->cfg.trail_points;
    if (cap == 0 || !isfinite(t->t.lat_deg) || !isfinite(t->t.lon_deg))
        return;
    if (!t->trail)
        t->trail = x_malloc((size_t)cap * sizeof *t->trail);
    struct trail_pt pt = {t->t.lat_deg, t->t.lon_deg, t->t.time_ns};
    if (t->trail_n > 0) {
        struct trail_pt *last = &t->trail[(t->trail_head + t->trail_n - 1) % cap];
        if (pt.t_ns - last->t_ns < (int64_t)(p->cfg.trail_step_s * 1e9)) {
            /* Too soon for a new point: the newest one follows the vessel instead, so the trail
             * always ends where the vessel is. */
            if (t->trail_n > 1) {
                struct trail_pt *prev = &t->trail[(t->trail_head + t->trail_n - 2) % cap];
                if (last->t_ns - prev->t_ns < (int64_t)(p->cfg.trail_step_s * 1e9)) {
                    *last = pt;
                    return;
                }
            }
        }
    }
    if (t->trail_n < cap) {
        t->trail[(t->trail_head + t->trail_n) % cap] = pt;
        t->trail_n++;
    } else {
        t->trail[t->trail_head] = pt;
        t->trail_head = (t->trail_head + 1) % cap;
    }
}

int wv_picture_track(wv_picture *p, const wire_header *h, const wire_track *m)
{
    int64_t t_ns = m->time_ns ? m->time_ns : h->event_time_ns;
    if (!(m->lat_deg >= -90 && m->lat_deg <= 90 && m->lon_deg >= -180 && m->lon_deg <= 180)) {
        p->refused++;
        return -1;
    }
    advance_time(p, t_ns);
    int i = map_get(&p->track_map, h->source_id, m->track_id);
    if (i < 0) {
        if (m->state == TRACK_REMOVED)
            return 0; /* never shown: nothing to remove */
        if (p->n_tracks >= p->cfg.max_tracks) {
            sweep(p);
            if (p->n_tracks >= p->cfg.max_tracks) {
                p->refused++;
                return -1;
            }
        }
        if (p->n_tracks == p->cap_tracks) {
            p->cap_tracks = p->cap_tracks ? p->cap_tracks * 2 : 256;
            p->tracks = x_realloc(p->tracks, (size_t)p->cap_tracks * sizeof *p->tracks);
        }
        i = p->n_tracks++;
        memset(&p->tracks[i], 0, sizeof p->tracks[i]);
        p->tracks[i].source_id = h->source_id;
        map_put(&p->track_map, h->source_id, m->track_id, i);
    }
    struct track *t = &p->tracks[i];
    wire_track keep = t->t;
    t->t = *m;
    t->t.time_ns = t_ns;
    /* A position-only update may carry no static data: keep what an earlier one told. */
    if (!m->name[0])
        memcpy(t->t.name, keep.name, sizeof t->t.name);
    if (!m->callsign[0])
        memcpy(t->t.callsign, keep.callsign, sizeof t->t.callsign);
    if (!m->destination[0])
        memcpy(t->t.destination, keep.destination, sizeof t->t.destination);
    if (!m->imo)
        t->t.imo = keep.imo;
    if (!m->ship_type)
        t->t.ship_type = keep.ship_type;
    if (!m->length_m)
        t->t.length_m = keep.length_m;
    if (!m->beam_m)
        t->t.beam_m = keep.beam_m;
    t->removed = m->state == TRACK_REMOVED;
    t->seen_ns = t_ns;
    t->version = ++p->version;
    if (t->static_version == 0 || keep.mmsi != t->t.mmsi || keep.ais_class != t->t.ais_class ||
        keep.imo != t->t.imo || keep.ship_type != t->t.ship_type || keep.length_m != t->t.length_m ||
        keep.beam_m != t->t.beam_m || keep.radar_site != t->t.radar_site ||
        keep.radar_target != t->t.radar_target || strcmp(keep.name, t->t.name) != 0 ||
        strcmp(keep.callsign, t->t.callsign) != 0 || strcmp(keep.destination, t->t.destination) != 0)
        t->static_version = t->version;
    if (!t->removed)
        trail_add(p, t);
    sweep(p);
    return 0;
}

int wv_picture_alert(wv_picture *p, const wire_header *h, const wire_alert *a)
{
    advance_time(p, h->event_time_ns);
    int i = map_get(&p->alert_map, h->source_id, a->alert_id);
    if (i < 0) {
        if (p->n_alerts >= p->cfg.max_alerts) {
            /* Evict the closed alert that changed longest ago; open alerts are never dropped. */
            int victim = -1;
            for (int k = 0; k < p->n_alerts; k++)
                if (p->alerts[k].a.state == ALERT_CLOSE &&
                    (victim < 0 || p->alerts[k].updated_ns < p->alerts[victim].updated_ns))
                    victim = k;
            if (victim < 0) {
                p->refused++;
                return -1;
            }
            map_del(&p->alert_map, p->alerts[victim].source_id, p->alerts[victim].a.alert_id);
            int last = p->n_alerts - 1;
            if (victim != last) {
                p->alerts[victim] = p->alerts[last];
                map_put(&p->alert_map, p->alerts[victim].source_id, p->alerts[victim].a.alert_id,
                        victim);
            }
            p->n_alerts--;
            p->purged_floor = p->version; /* feeds must learn the eviction: full snapshot */
        }
        if (p->n_alerts == p->cap_alerts) {
            p->cap_alerts = p->cap_alerts ? p->cap_alerts * 2 : 64;
            p->alerts = x_realloc(p->alerts, (size_t)p->cap_alerts * sizeof *p->alerts);
        }
        i = p->n_alerts++;
        memset(&p->alerts[i], 0, sizeof p->alerts[i]);
        p->alerts[i].source_id = h->source_id;
        p->alerts[i].first_ns = h->event_time_ns;
        map_put(&p->alert_map, h->source_id, a->alert_id, i);
    }
    struct alert_rec *r = &p->alerts[i];
    r->a = *a;
    r->updated_ns = h->event_time_ns;
    r->version = ++p->version;
    return 0;
}

int wv_picture_ack(wv_picture *p, uint32_t source_id, uint64_t alert_id, bool ack, const char *by,
                   int64_t wall_time_ns)
{
    int i = -1;
    if (source_id) {
        i = map_get(&p->alert_map, source_id, alert_id);
    } else {
        for (int k = 0; k < p->n_alerts && i < 0; k++)
            if (p->alerts[k].a.alert_id == alert_id)
                i = k;
    }
    if (i < 0)
        return -1;
    struct alert_rec *r = &p->alerts[i];
    r->acked = ack;
    snprintf(r->ack_by, sizeof r->ack_by, "%s", ack && by ? by : "");
    r->ack_wall_ns = ack ? wall_time_ns : 0;
    r->version = ++p->version;
    return 0;
}

int wv_picture_ais(wv_picture *p, const wire_header *h, const wire_ais *m)
{
    advance_time(p, m->rx_time_ns ? m->rx_time_ns : h->event_time_ns);
    struct station *s = NULL;
    for (int i = 0; i < p->n_stations && !s; i++)
        if (p->stations[i].id == m->station_id)
            s = &p->stations[i];
    if (!s) {
        if (p->n_stations == MAX_STATIONS) {
            p->refused++;
            return -1;
        }
        s = &p->stations[p->n_stations++];
        memset(s, 0, sizeof *s);
        s->id = m->station_id;
        s->first_ns = m->rx_time_ns;
    }
    s->messages++;
    if (m->channel == 'A')
        s->ch_a++;
    else if (m->channel == 'B')
        s->ch_b++;
    if (isfinite(m->signal_dbfs)) {
        s->sum_signal_dbfs += m->signal_dbfs;
        s->n_signal++;
    }
    if (isfinite(m->snr_db)) {
        s->sum_snr_db += m->snr_db;
        s->n_snr++;
    }
    if (isfinite(m->ppm)) {
        s->sum_ppm += m->ppm;
        s->n_ppm++;
    }
    if (m->rx_time_ns && (s->first_ns == 0 || m->rx_time_ns < s->first_ns))
        s->first_ns = m->rx_time_ns;
    if (m->rx_time_ns > s->last_ns)
        s->last_ns = m->rx_time_ns;
    if (m->nbits >= 6) {
        int type = m->bits[0] >> 2; /* message id: the first six bits, MSB first */
        if (type >= 1 && type < AIS_TYPES)
            s->types[type]++;
    }
    p->version++;
    return 0;
}

int wv_picture_stats(wv_picture *p, const wire_header *h, const char *text)
{
    json_error_t err;
    json_t *o = json_loads(text, 0, &err);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        p->refused++;
        return -1;
    }
    struct node_stats *n = NULL;
    for (int i = 0; i < p->n_nodes && !n; i++)
        if (p->nodes[i].source_id == h->source_id)
            n = &p->nodes[i];
    if (!n) {
        if (p->n_nodes == MAX_NODES) {
            json_decref(o);
            p->refused++;
            return -1;
        }
        n = &p->nodes[p->n_nodes++];
        n->source_id = h->source_id;
        n->json = NULL;
    }
    json_decref(n->json);
    n->json = o;
    n->time_ns = h->event_time_ns;
    p->version++;
    return 0;
}

/* ---- accessors -------------------------------------------------------------------------- */

uint64_t wv_picture_version(const wv_picture *p)
{
    return p->version;
}

int64_t wv_picture_event_time(const wv_picture *p)
{
    return p->event_time_ns;
}

int wv_picture_track_count(const wv_picture *p)
{
    int n = 0;
    for (int i = 0; i < p->n_tracks; i++)
        n += !p->tracks[i].removed;
    return n;
}

int wv_picture_dark_count(const wv_picture *p)
{
    int n = 0;
    for (int i = 0; i < p->n_tracks; i++)
        n += !p->tracks[i].removed && (p->tracks[i].t.flags & TRACK_FLAG_DARK);
    return n;
}

int wv_picture_alert_count(const wv_picture *p)
{
    return p->n_alerts;
}

int wv_picture_open_alert_count(const wv_picture *p)
{
    int n = 0;
    for (int i = 0; i < p->n_alerts; i++)
        n += p->alerts[i].a.state != ALERT_CLOSE;
    return n;
}

uint64_t wv_picture_refused(const wv_picture *p)
{
    return p->refused;
}

/* ---- JSON ------------------------------------------------------------------------------- */

/* Round to a fixed number of decimals so the feed stays small (1e-6 deg is about 0.1 m). */
static json_t *jround(double v, double scale)
{
    return isfinite(v) ? json_real(round(v * scale) / scale) : json_null();
}

static json_t *jtime(int64_t t_ns)
{
    if (t_ns == 0)
        return json_null();
    char buf[40];
    wire_format_time(t_ns, buf, sizeof buf);
    return json_string(buf);
}

static const char *track_state_name(int s)
{
    static const char *const names[] = {"tentative", "confirmed", "lost", "removed"};
    return s >= 0 && s < 4 ? names[s] : "unknown";
}

static void ship_static_json(json_t *o, const struct track *tr)
{
    const wire_track *t = &tr->t;
    json_object_set_new(o, "source", json_integer(tr->source_id));
    json_object_set_new(o, "track_id", json_integer(t->track_id));
    json_object_set_new(o, "mmsi", t->mmsi ? json_integer(t->mmsi) : json_null());
    char cls[2] = {(char)t->ais_class, 0};
    json_object_set_new(o, "shipclass", t->ais_class ? json_string(cls) : json_null());
    json_object_set_new(o, "shiptype", json_integer(t->ship_type));
    const char *mkind = NULL;
    int mid = t->mmsi ? wv_mmsi_mid(t->mmsi, &mkind) : 0;
    const char *country = mid ? wv_mid_country(mid) : NULL;
    json_object_set_new(o, "mid", mid ? json_integer(mid) : json_null());
    json_object_set_new(o, "country", country ? json_string(country) : json_null());
    json_object_set_new(o, "mmsi_type", mkind ? json_string(mkind) : json_null());
    json_object_set_new(o, "imo", t->imo ? json_integer(t->imo) : json_null());
    json_object_set_new(o, "callsign", json_string(t->callsign));
    json_object_set_new(o, "shipname", json_string(t->name));
    json_object_set_new(o, "destination", json_string(t->destination));
    json_object_set_new(o, "length", t->length_m ? json_integer(t->length_m) : json_null());
    json_object_set_new(o, "beam", t->beam_m ? json_integer(t->beam_m) : json_null());
    json_object_set_new(o, "radar_site", t->radar_site ? json_integer(t->radar_site) : json_null());
    json_object_set_new(o, "radar_target", t->radar_site ? json_integer(t->radar_target) : json_null());
}

/* full = false leaves out identity and static data (the feed's partial updates). */
static json_t *ship_json_ex(const wv_picture *p, const struct track *tr, bool full)
{
    const wire_track *t = &tr->t;
    json_t *o = json_object();
    char id[32];
    snprintf(id, sizeof id, "%u.%u", tr->source_id, t->track_id);
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "lat", jround(t->lat_deg, 1e6));
    json_object_set_new(o, "lon", jround(t->lon_deg, 1e6));
    json_object_set_new(o, "cog", jround(t->cog_deg, 10));
    json_object_set_new(o, "speed", jround(t->sog_kn, 10));
    json_object_set_new(o, "heading", jround(t->heading_deg, 10));
    if (full)
        ship_static_json(o, tr);
    else
        json_object_set_new(o, "partial", json_true());
    json_object_set_new(o, "status", json_integer(t->nav_status));
    json_object_set_new(o, "state", json_string(tr->removed ? "removed" : track_state_name(t->state)));
    json_t *sensors = json_array();
    if (t->sensors & TRACK_SENSOR_AIS)
        json_array_append_new(sensors, json_string("ais"));
    if (t->sensors & TRACK_SENSOR_RADAR)
        json_array_append_new(sensors, json_string("radar"));
    json_object_set_new(o, "sensors", sensors);
    json_object_set_new(o, "dark", json_boolean(t->flags & TRACK_FLAG_DARK));
    json_object_set_new(o, "split", json_boolean(t->flags & TRACK_FLAG_SPLIT));
    json_object_set_new(o, "in_coverage", json_boolean(t->flags & TRACK_FLAG_IN_COVERAGE));
    json_object_set_new(o, "on_land", json_boolean(t->flags & TRACK_FLAG_ON_LAND));
    json_object_set_new(o, "quality", json_integer(t->quality));
    json_object_set_new(o, "pos_sigma_m", jround(t->pos_sigma_m, 10));
    json_t *zones = json_array();
    for (int k = 0; k < 32; k++)
        if (t->zones & (1u << k)) {
            const char *zn = wv_zone_kind_name(k);
            json_array_append_new(zones, zn ? json_string(zn) : json_integer(k));
        }
    json_object_set_new(o, "zones", zones);
    json_object_set_new(o, "dist_shore_m", jround(t->dist_shore_m, 1));
    json_object_set_new(o, "received_stations", json_integer(t->n_stations));
    json_object_set_new(o, "count", json_integer(t->n_reports));
    json_object_set_new(o, "time_ns", json_integer(t->time_ns));
    json_object_set_new(o, "last_report_ns", json_integer(t->last_report_ns));
    json_object_set_new(o, "last_report", jtime(t->last_report_ns));
    /* Seconds since the last sensor report, at the picture's event time (AIS-catcher's
     * last_signal); what the card shows as the report age. */
    int64_t last = t->last_report_ns ? t->last_report_ns : t->time_ns;
    json_object_set_new(o, "last_signal", jround((double)(p->event_time_ns - last) * 1e-9, 10));
    return o;
}

static json_t *ship_json(const wv_picture *p, const struct track *tr)
{
    return ship_json_ex(p, tr, true);
}

static json_t *trail_json(const wv_picture *p, const struct track *t)
{
    json_t *a = json_array();
    int cap = p->cfg.trail_points;
    for (int k = 0; k < t->trail_n; k++) {
        const struct trail_pt *pt = &t->trail[(t->trail_head + k) % cap];
        json_t *xy = json_array();
        json_array_append_new(xy, jround(pt->lon_deg, 1e6));
        json_array_append_new(xy, jround(pt->lat_deg, 1e6));
        json_array_append_new(xy, json_integer(pt->t_ns / 1000000));
        json_array_append_new(a, xy);
    }
    return a;
}

json_t *wv_picture_ships_json(const wv_picture *p)
{
    json_t *ships = json_array();
    for (int i = 0; i < p->n_tracks; i++)
        if (!p->tracks[i].removed)
            json_array_append_new(ships, ship_json(p, &p->tracks[i]));
    json_t *o = json_object();
    json_object_set_new(o, "count", json_integer((json_int_t)json_array_size(ships)));
    json_object_set_new(o, "time_ns", json_integer(p->event_time_ns));
    json_object_set_new(o, "time", jtime(p->event_time_ns));
    json_object_set_new(o, "ships", ships);
    return o;
}

json_t *wv_picture_geojson(const wv_picture *p)
{
    json_t *features = json_array();
    for (int i = 0; i < p->n_tracks; i++) {
        const struct track *t = &p->tracks[i];
        if (t->removed)
            continue;
        json_t *coords = json_array();
        json_array_append_new(coords, jround(t->t.lon_deg, 1e6));
        json_array_append_new(coords, jround(t->t.lat_deg, 1e6));
        json_t *f = json_object(), *g = json_object();
        json_object_set_new(g, "type", json_string("Point"));
        json_object_set_new(g, "coordinates", coords);
        json_object_set_new(f, "type", json_string("Feature"));
        json_object_set_new(f, "geometry", g);
        json_object_set_new(f, "properties", ship_json(p, t));
        json_array_append_new(features, f);
    }
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("FeatureCollection"));
    json_object_set_new(o, "features", features);
    return o;
}

json_t *wv_picture_track_json(const wv_picture *p, uint32_t source_id, uint32_t track_id)
{
    int i = -1;
    if (source_id) {
        i = map_get(&p->track_map, source_id, track_id);
    } else {
        for (int k = 0; k < p->n_tracks && i < 0; k++)
            if (p->tracks[k].t.track_id == track_id)
                i = k;
    }
    if (i < 0)
        return NULL;
    json_t *o = json_object();
    json_object_set_new(o, "ship", ship_json(p, &p->tracks[i]));
    json_object_set_new(o, "trail", trail_json(p, &p->tracks[i]));
    return o;
}

static json_t *alert_json(const struct alert_rec *r)
{
    static const char *const states[] = {"open", "update", "close"};
    const wire_alert *a = &r->a;
    json_t *o = json_object();
    char id[48];
    snprintf(id, sizeof id, "%u.%llu", r->source_id, (unsigned long long)a->alert_id);
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "source", json_integer(r->source_id));
    json_object_set_new(o, "alert_id", json_integer((json_int_t)a->alert_id));
    json_object_set_new(o, "rule", json_string(a->rule));
    json_object_set_new(o, "state", json_string(a->state <= ALERT_CLOSE ? states[a->state] : "unknown"));
    json_t *mm;
    if (a->n_mmsi == 0) {
        mm = json_null();
    } else if (a->n_mmsi == 1) {
        mm = json_integer(a->mmsi[0]);
    } else {
        mm = json_array();
        for (int k = 0; k < a->n_mmsi && k < WIRE_ALERT_MAX_MMSI; k++)
            json_array_append_new(mm, json_integer(a->mmsi[k]));
    }
    json_object_set_new(o, "mmsi", mm);
    json_object_set_new(o, "track_id", json_integer(a->track_id));
    json_object_set_new(o, "start", jtime(a->start_ns));
    json_object_set_new(o, "end", jtime(a->end_ns));
    json_object_set_new(o, "start_ns", json_integer(a->start_ns));
    json_object_set_new(o, "end_ns", json_integer(a->end_ns));
    json_object_set_new(o, "lat", jround(a->lat_deg, 1e6));
    json_object_set_new(o, "lon", jround(a->lon_deg, 1e6));
    json_object_set_new(o, "score", jround(a->score, 100));
    json_object_set_new(o, "severity", jround(a->severity, 1000));
    json_object_set_new(o, "confidence", jround(a->confidence, 1000));
    json_object_set_new(o, "context", jround(a->context, 1000));
    json_t *ev = a->evidence[0] ? json_loads(a->evidence, 0, NULL) : NULL;
    json_object_set_new(o, "evidence", ev ? ev : json_string(a->evidence));
    json_object_set_new(o, "first_ns", json_integer(r->first_ns));
    json_object_set_new(o, "updated_ns", json_integer(r->updated_ns));
    json_object_set_new(o, "acked", json_boolean(r->acked));
    json_object_set_new(o, "ack_by", r->acked ? json_string(r->ack_by) : json_null());
    json_object_set_new(o, "ack_time", r->acked ? jtime(r->ack_wall_ns) : json_null());
    return o;
}

static int cmp_alert_score(const void *x, const void *y)
{
    const struct alert_rec *a = *(const struct alert_rec *const *)x;
    const struct alert_rec *b = *(const struct alert_rec *const *)y;
    float sa = isfinite(a->a.score) ? a->a.score : -1, sb = isfinite(b->a.score) ? b->a.score : -1;
    if (sa != sb)
        return sa < sb ? 1 : -1;
    if (a->updated_ns != b->updated_ns)
        return a->updated_ns < b->updated_ns ? 1 : -1;
    return a->a.alert_id < b->a.alert_id ? -1 : a->a.alert_id > b->a.alert_id;
}

json_t *wv_picture_alerts_json(const wv_picture *p, const char *rule, bool include_closed)
{
    const struct alert_rec **sel = x_malloc(((size_t)p->n_alerts + 1) * sizeof *sel);
    int n = 0;
    for (int i = 0; i < p->n_alerts; i++) {
        const struct alert_rec *r = &p->alerts[i];
        if (rule && *rule && strcmp(rule, r->a.rule) != 0)
            continue;
        if (!include_closed && r->a.state == ALERT_CLOSE)
            continue;
        sel[n++] = r;
    }
    qsort(sel, (size_t)n, sizeof *sel, cmp_alert_score);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, alert_json(sel[i]));
    free(sel);
    json_t *o = json_object();
    json_object_set_new(o, "count", json_integer(n));
    json_object_set_new(o, "alerts", arr);
    return o;
}

json_t *wv_picture_stats_json(const wv_picture *p)
{
    json_t *stations = json_array();
    for (int i = 0; i < p->n_stations; i++) {
        const struct station *s = &p->stations[i];
        json_t *o = json_object();
        json_object_set_new(o, "station_id", json_integer(s->id));
        json_object_set_new(o, "messages", json_integer((json_int_t)s->messages));
        json_object_set_new(o, "channel_a", json_integer((json_int_t)s->ch_a));
        json_object_set_new(o, "channel_b", json_integer((json_int_t)s->ch_b));
        json_object_set_new(o, "signal_dbfs_mean",
                            s->n_signal ? jround(s->sum_signal_dbfs / (double)s->n_signal, 10) : json_null());
        json_object_set_new(o, "snr_db_mean",
                            s->n_snr ? jround(s->sum_snr_db / (double)s->n_snr, 10) : json_null());
        json_object_set_new(o, "ppm_mean", s->n_ppm ? jround(s->sum_ppm / (double)s->n_ppm, 100) : json_null());
        json_object_set_new(o, "first", jtime(s->first_ns));
        json_object_set_new(o, "last", jtime(s->last_ns));
        double span_min = (double)(s->last_ns - s->first_ns) / 60e9;
        json_object_set_new(o, "rate_per_min",
                            span_min > 0 ? jround((double)s->messages / span_min, 10) : json_null());
        json_t *types = json_object();
        for (int k = 1; k < AIS_TYPES; k++)
            if (s->types[k]) {
                char key[8];
                snprintf(key, sizeof key, "%d", k);
                json_object_set_new(types, key, json_integer((json_int_t)s->types[k]));
            }
        json_object_set_new(o, "msg_types", types);
        json_array_append_new(stations, o);
    }
    json_t *nodes = json_array();
    for (int i = 0; i < p->n_nodes; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "source_id", json_integer(p->nodes[i].source_id));
        json_object_set_new(o, "time_ns", json_integer(p->nodes[i].time_ns));
        json_object_set(o, "stats", p->nodes[i].json);
        json_array_append_new(nodes, o);
    }
    json_t *o = json_object();
    json_object_set_new(o, "time", jtime(p->event_time_ns));
    json_object_set_new(o, "time_ns", json_integer(p->event_time_ns));
    json_object_set_new(o, "vessels", json_integer(wv_picture_track_count(p)));
    json_object_set_new(o, "dark_targets", json_integer(wv_picture_dark_count(p)));
    json_object_set_new(o, "open_alerts", json_integer(wv_picture_open_alert_count(p)));
    json_object_set_new(o, "refused", json_integer((json_int_t)p->refused));
    json_object_set_new(o, "stations", stations);
    json_object_set_new(o, "nodes", nodes);
    return o;
}

json_t *wv_picture_delta_json(const wv_picture *p, uint64_t since, bool with_trails)
{
    bool reset = since == 0 || since < p->purged_floor || since > p->version;
    json_t *tracks = json_array(), *removed = json_array(), *alerts = json_array();
    for (int i = 0; i < p->n_tracks; i++) {
        const struct track *t = &p->tracks[i];
        if (!reset && t->version <= since)
            continue;
        if (t->removed) {
            if (!reset) {
                char id[32];
                snprintf(id, sizeof id, "%u.%u", t->source_id, t->t.track_id);
                json_array_append_new(removed, json_string(id));
            }
            continue;
        }
        json_t *s = ship_json_ex(p, t, reset || t->static_version > since);
        if (with_trails && reset)
            json_object_set_new(s, "trail", trail_json(p, t));
        json_array_append_new(tracks, s);
    }
    for (int i = 0; i < p->n_alerts; i++)
        if (reset || p->alerts[i].version > since)
            json_array_append_new(alerts, alert_json(&p->alerts[i]));
    json_t *o = json_object();
    json_object_set_new(o, "version", json_integer((json_int_t)p->version));
    json_object_set_new(o, "reset", json_boolean(reset));
    json_object_set_new(o, "time_ns", json_integer(p->event_time_ns));
    json_object_set_new(o, "time", jtime(p->event_time_ns));
    json_object_set_new(o, "tracks", tracks);
    json_object_set_new(o, "removed", removed);
    json_object_set_new(o, "alerts", alerts);
    return o;
}
