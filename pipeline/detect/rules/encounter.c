/* encounter: two vessels side by side at sea — a transshipment or a refuelling.
 *
 * Global Fishing Watch's encounter definition: both within max_dist_m (500 m) of each other,
 * both slower than max_sog_kn (2 kn), for min_duration_s (2 h), at least min_anchorage_dist_m
 * (10 km) from an anchorage.  Small craft (known length below small_max_length_m, class B
 * without a length, or radar-only tracks) meet faster and closer: the small-craft variant needs
 * small_max_dist_m (200 m) for small_min_duration_s (30 min); two small craft are paired by that
 * variant only.  Radar-only tracks take part, so
 * a dark boat alongside a fishing vessel is found; the alert's mmsi list then holds only the
 * AIS party.
 *
 * Vessels rafted or moored together in a harbour, a marina, a river or close inshore are not
 * transshipping: a party must be at least min_shore_dist_m (1 NM) from shore, and where the
 * shore distance is unknown (outside the land the zones cover: "unknown" is not "far
 * offshore") an AIS vessel is not paired at all (radar-only tracks carry no shore distance and
 * still pair with a vessel that qualifies).
 *
 * Two vessels both stopped and reporting "at anchor" or "moored" are anchored in company — how
 * yachts and small craft spend the night off a beach, outside any charted anchorage — and are
 * not paired (ignore_anchored_pairs); an at-sea transfer has a party drifting or under way.
 *
 * Candidates (slow, away from anchorages and ports) sit in a grid of GRID_DEG cells; each
 * update looks at the 3 x 3 cells around it, so the cost does not grow with the fleet.  A pair
 * whose proximity lapses for more than break_s starts over; its alert then closes. */
#include "../rule.h"
#include "../detect_internal.h"
#include "centinela/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    P_MAX_DIST_M,
    P_MAX_SOG_KN,
    P_MIN_DURATION_S,
    P_MIN_ANCH_DIST_M,
    P_SMALL_MAX_DIST_M,
    P_SMALL_MIN_DURATION_S,
    P_SMALL_MAX_LENGTH_M,
    P_MAX_AGE_S,
    P_BREAK_S,
    P_IGNORE_ANCHORED,
    P_MIN_SHORE_DIST_M
};
static const detect_param_spec params[] = {
    {"max_dist_m", DP_REAL, "500", 10, 5000, "vessels closer than this (m)"},
    {"max_sog_kn", DP_REAL, "2", 0, 20, "both slower than this (kn)"},
    {"min_duration_s", DP_REAL, "7200", 60, 7 * 86400.0, "for at least this long (s)"},
    {"min_anchorage_dist_m", DP_REAL, "10000", 0, 200000,
     "at least this far from an anchorage or port (m)"},
    {"small_max_dist_m", DP_REAL, "200", 10, 5000, "small-craft variant: closer than this (m)"},
    {"small_min_duration_s", DP_REAL, "1800", 60, 7 * 86400.0,
     "small-craft variant: for at least this long (s)"},
    {"small_max_length_m", DP_REAL, "24", 1, 400, "small craft are shorter than this (m)"},
    {"max_age_s", DP_REAL, "900", 10, 86400,
     "a partner's state older than this is not used (s)"},
    {"break_s", DP_REAL, "1800", 60, 86400,
     "proximity lapsing longer than this ends the encounter (s)"},
    {"ignore_anchored_pairs", DP_BOOL, "true", 0, 1,
     "two vessels both stopped and reporting at anchor / moored are not an encounter"},
    {"min_shore_dist_m", DP_REAL, "1852", 0, 200000,
     "at least this far from shore (m); where the shore distance is unknown (outside the loaded "
     "land) AIS vessels are not paired"},
    {NULL, 0, NULL, 0, 0, NULL},
};

/* 0.01 deg of latitude is 1.1 km, more than the largest useful max_dist_m at the default;
 * longitude cells are 0.02 deg (1.1 km at 60 deg of latitude). */
#define GRID_LAT_DEG 0.01
#define GRID_LON_DEG 0.02

struct cand {
    uint32_t track_id, mmsi;
    double lat, lon;
    int64_t t_ns;
    bool small, anchored;
    uint64_t cell;
    uint32_t zones;
};

struct bucket {
    struct cand **v;
    int n, cap;
};

struct pair {
    uint32_t id[2], mmsi[2];
    int64_t first_ns, last_ns;           /* normal variant */
    int64_t small_first_ns, small_last_ns; /* small-craft variant */
    double min_dist_m, lat, lon;
    uint32_t zones;
    bool small, alerted;
    int64_t last_raise_ns;
};

struct self {
    u64map cands; /* track id + 1 -> cand */
    u64map cells; /* cell key -> bucket */
    u64map pairs; /* subject_pair -> pair */
};

static uint64_t cell_key(double lat, double lon)
{
    int64_t y = (int64_t)floor((lat + 90.0) / GRID_LAT_DEG);
    int64_t x = (int64_t)floor((lon + 180.0) / GRID_LON_DEG);
    return ((uint64_t)y << 32 | (uint64_t)(x & 0xffffffff)) | (1ull << 63);
}

static void cell_remove(struct self *s, struct cand *c)
{
    struct bucket *b = u64map_get(&s->cells, c->cell);
    if (!b)
        return;
    for (int i = 0; i < b->n; i++) {
        if (b->v[i] == c) {
            b->v[i] = b->v[--b->n];
            break;
        }
    }
    if (b->n == 0) {
        u64map_del(&s->cells, c->cell);
        free(b->v);
        free(b);
    }
}

static void cell_add(struct self *s, struct cand *c)
{
    struct bucket *b = u64map_get(&s->cells, c->cell);
    if (!b) {
        b = x_calloc(1, sizeof *b);
        u64map_put(&s->cells, c->cell, b);
    }
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 4;
        b->v = x_realloc(b->v, (size_t)b->cap * sizeof *b->v);
    }
    b->v[b->n++] = c;
}

static void drop_cand(struct self *s, uint32_t track_id)
{
    struct cand *c = u64map_del(&s->cands, (uint64_t)track_id + 1);
    if (c) {
        cell_remove(s, c);
        free(c);
    }
}

static void *create(rule_env *env)
{
    struct self *s = x_calloc(1, sizeof *s);
    u64map_init(&s->cands);
    u64map_init(&s->cells);
    u64map_init(&s->pairs);
    return s;
}

static void destroy(void **p)
{
    struct self *s = *p;
    size_t it = 0;
    uint64_t k;
    void *v;
    while (u64map_next(&s->cands, &it, &k, &v))
        free(v);
    it = 0;
    while (u64map_next(&s->cells, &it, &k, &v)) {
        free(((struct bucket *)v)->v);
        free(v);
    }
    it = 0;
    while (u64map_next(&s->pairs, &it, &k, &v))
        free(v);
    u64map_free(&s->cands);
    u64map_free(&s->cells);
    u64map_free(&s->pairs);
    free(s);
    *p = NULL;
}

static bool is_small(const wire_track *t, double max_len)
{
    if (t->mmsi == 0)
        return true; /* radar-only: no declared size, and big ships carry AIS */
    if (t->length_m > 0)
        return t->length_m < max_len;
    return t->ais_class == 'B';
}

static void raise_pair(rule_env *env, struct pair *p, int64_t now_ns, bool small_variant)
{
    if (p->alerted && now_ns - p->last_raise_ns < S_TO_NS(60))
        return;
    p->alerted = true;
    p->last_raise_ns = now_ns;
    rule_alert_info a = {0};
    a.start_ns = small_variant ? p->small_first_ns : p->first_ns;
    a.end_ns = now_ns;
    a.lat_deg = p->lat;
    a.lon_deg = p->lon;
    a.zones = p->zones;
    a.track_id = p->id[0];
    a.hold = true;
    for (int i = 0; i < 2; i++)
        if (p->mmsi[i])
            a.mmsi[a.n_mmsi++] = p->mmsi[i];
    /* Two AIS vessels are a classic transshipment; a dark partner is worse, not better. */
    a.confidence = a.n_mmsi == 2 ? 0.9f : 1.0f;
    char ev[320];
    snprintf(ev, sizeof ev,
             "{\"variant\":\"%s\",\"tracks\":[%u,%u],\"duration_s\":%.0f,\"min_dist_m\":%.0f,"
             "\"dark_partner\":%s}",
             small_variant ? "small_craft" : "vessel", p->id[0], p->id[1],
             NS_TO_S(now_ns - a.start_ns), p->min_dist_m, a.n_mmsi < 2 ? "true" : "false");
    a.evidence = ev;
    rule_alert(env, subject_pair(p->id[0], p->id[1]), &a);
}

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct self *s = self;
    const wire_track *t = v->t;
    if (t->update == TRACK_UPD_STATIC)
        return;
    uint32_t z = t->zones;
    bool candidate = t->state != TRACK_REMOVED && !rule_not_a_ship(t) && isfinite(t->sog_kn) &&
                     t->sog_kn < rule_param(env, z, P_MAX_SOG_KN) && !v->near_anchorage &&
                     !(z & (ZONE_BIT(ZONE_ANCHORAGE) | ZONE_BIT(ZONE_PORT) | ZONE_BIT(ZONE_LAND))) &&
                     !(v->dist_anchorage_m < rule_param(env, z, P_MIN_ANCH_DIST_M));
    if (candidate && t->mmsi != 0) {
        if (!isfinite(v->dist_shore_m)) {
            rule_note_once(env, "silent for vessels outside the loaded land (shore distance "
                                "unknown, not far offshore)");
            candidate = false;
        } else if (v->dist_shore_m < rule_param(env, z, P_MIN_SHORE_DIST_M)) {
            candidate = false; /* alongside a quay, rafted in a harbour or on a river */
        }
    }
    if (!candidate) {
        drop_cand(s, t->track_id);
        return;
    }
    struct cand *c = u64map_get(&s->cands, (uint64_t)t->track_id + 1);
    uint64_t cell = cell_key(t->lat_deg, t->lon_deg);
    if (!c) {
        c = x_calloc(1, sizeof *c);
        c->track_id = t->track_id;
        c->cell = cell;
        u64map_put(&s->cands, (uint64_t)t->track_id + 1, c);
        cell_add(s, c);
    } else if (c->cell != cell) {
        cell_remove(s, c);
        c->cell = cell;
        cell_add(s, c);
    }
    c->mmsi = t->mmsi;
    c->lat = t->lat_deg;
    c->lon = t->lon_deg;
    c->t_ns = t->time_ns;
    c->zones = z;
    c->small = is_small(t, rule_param(env, z, P_SMALL_MAX_LENGTH_M));
    c->anchored = v->stopped && (t->nav_status == 1 || t->nav_status == 5);
    bool skip_anchored = rule_param(env, z, P_IGNORE_ANCHORED) != 0;

    double max_d = rule_param(env, z, P_MAX_DIST_M), small_d = rule_param(env, z, P_SMALL_MAX_DIST_M);
    double reach = max_d > small_d ? max_d : small_d;
    int64_t max_age = S_TO_NS(rule_param(env, z, P_MAX_AGE_S));
    int64_t brk = S_TO_NS(rule_param(env, z, P_BREAK_S));
    for (int dy = -1; dy <= 1; dy++) {
        for (int dx = -1; dx <= 1; dx++) {
            struct bucket *b = u64map_get(
                &s->cells, cell_key(t->lat_deg + dy * GRID_LAT_DEG, t->lon_deg + dx * GRID_LON_DEG));
            for (int i = 0; b && i < b->n; i++) {
                struct cand *o = b->v[i];
                if (o == c || t->time_ns - o->t_ns > max_age || (o->mmsi && o->mmsi == c->mmsi))
                    continue;
                if (skip_anchored && c->anchored && o->anchored)
                    continue;
                double d = geo_distance_m(c->lat, c->lon, o->lat, o->lon);
                if (d >= reach)
                    continue;
                uint64_t key = subject_pair(c->track_id, o->track_id);
                struct pair *p = u64map_get(&s->pairs, key);
                if (!p) {
                    p = x_calloc(1, sizeof *p);
                    bool lo = c->track_id < o->track_id;
                    p->id[0] = lo ? c->track_id : o->track_id;
                    p->id[1] = lo ? o->track_id : c->track_id;
                    p->min_dist_m = INFINITY;
                    u64map_put(&s->pairs, key, p);
                }
                p->mmsi[0] = p->id[0] == c->track_id ? c->mmsi : o->mmsi;
                p->mmsi[1] = p->id[1] == c->track_id ? c->mmsi : o->mmsi;
                p->lat = (c->lat + o->lat) / 2;
                p->lon = (c->lon + o->lon) / 2;
                p->zones = z;
                /* Two small craft are alongside only within small_max_dist_m: two yachts
                 * resting 400 m apart off a beach (class B reports no "at anchor") are not a
                 * transfer, so the vessel variant needs a party that is not small. */
                if (d < max_d && !(c->small && o->small)) {
                    if (!p->first_ns || t->time_ns - p->last_ns > brk)
                        p->first_ns = t->time_ns;
                    p->last_ns = t->time_ns;
                }
                bool small_pair = c->small || o->small;
                if (small_pair && d < small_d) {
                    if (!p->small_first_ns || t->time_ns - p->small_last_ns > brk)
                        p->small_first_ns = t->time_ns;
                    p->small_last_ns = t->time_ns;
                }
                if (d < p->min_dist_m)
                    p->min_dist_m = d;
                bool normal_hit = p->last_ns == t->time_ns &&
                                  t->time_ns - p->first_ns >= S_TO_NS(rule_param(env, z, P_MIN_DURATION_S));
                bool small_hit = p->small_last_ns == t->time_ns &&
                                 t->time_ns - p->small_first_ns >=
                                     S_TO_NS(rule_param(env, z, P_SMALL_MIN_DURATION_S));
                if (normal_hit || small_hit || (p->alerted && (p->last_ns == t->time_ns ||
                                                               p->small_last_ns == t->time_ns)))
                    raise_pair(env, p, t->time_ns, !normal_hit && (small_hit || p->small));
                if (small_hit && !normal_hit)
                    p->small = true;
            }
        }
    }
}

static void sweep(void *self, rule_env *env, int64_t now_ns)
{
    struct self *s = self;
    size_t it = 0;
    uint64_t k;
    void *val;
    while (u64map_next(&s->pairs, &it, &k, &val)) {
        struct pair *p = val;
        int64_t last = p->last_ns > p->small_last_ns ? p->last_ns : p->small_last_ns;
        if (now_ns - last > S_TO_NS(rule_param(env, p->zones, P_BREAK_S))) {
            if (p->alerted)
                rule_alert_close(env, k, last, NULL);
            u64map_del(&s->pairs, k);
            free(p);
        }
    }
    it = 0;
    while (u64map_next(&s->cands, &it, &k, &val)) {
        struct cand *c = val;
        if (now_ns - c->t_ns > S_TO_NS(rule_param(env, c->zones, P_MAX_AGE_S)) * 4)
            drop_cand(s, c->track_id);
    }
}

static void forget(void *self, rule_env *env, const detect_track *v, void *state)
{
    drop_cand(self, v->t->track_id);
}

const detect_rule rule_encounter = {
    .name = "encounter",
    .severity = 70,
    .params = params,
    .create = create,
    .process = process,
    .sweep = sweep,
    .forget = forget,
    .destroy = destroy,
};
