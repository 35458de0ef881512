/* Track fusion: tracks, the motion filter, gating and splits, timers and output.
 * See centinela/fusion.h for the model; the decisions taken here are commented where made. */
#include "fusion_internal.h"

#include "centinela/geo.h"
#include "centinela/log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS 1000000000LL
#define GRID_DEG 0.05 /* track grid for radar association, about 5.5 km */
#define REANCHOR_M 10000.0
#define SWEEP_NS (5 * NS)

fusion_config fusion_config_default(void)
{
    fusion_config c;
    memset(&c, 0, sizeof c);
    c.lost_s = 480;
    c.removed_s = 600;
    c.radar_lost_s = 30;
    c.radar_removed_s = 120;
    c.gate_chi2 = 25;
    c.gate_min_m = 300;
    c.max_speed_kn = 50;
    c.accel_sigma_mps2 = 0.1;
    c.ais_sigma_m = 15;
    c.radar_sigma_m = 50;
    c.radar_gate_m = 500;
    c.radar_gate_kn = 6;
    c.confirm_reports = 2;
    c.radar_confirm = 3;
    c.dedupe_window_s = 5;
    c.max_latency_s = 1800;
    c.snapshot_interval_s = 60;
    c.static_keep_s = 86400;
    c.min_update_interval_s = 0;
    c.coverage_margin_m = 5000;
    return c;
}

double fusion_ais_interval_s(char cls, double sog_kn, int nav_status)
{
    bool sog_ok = isfinite(sog_kn);
    switch (cls) {
    case 'A':
        /* M.1371-5 Annex 1 Table 1: anchored or moored and <= 3 kn: 3 min; 0-14 kn: 10 s;
         * 14-23 kn: 6 s; > 23 kn: 2 s.  (The course-changing rates are faster; using the
         * slower ones keeps the timers conservative.) */
        if ((nav_status == 1 || nav_status == 5) && (!sog_ok || sog_kn <= 3))
            return 180;
        if (!sog_ok || sog_kn <= 14)
            return 10;
        return sog_kn <= 23 ? 6 : 2;
    case 'B':
        /* Table 2, class B "CS": <= 2 kn 3 min, otherwise 30 s. */
        return (!sog_ok || sog_kn <= 2) ? 180 : 30;
    case 'S':
        return 10; /* SAR aircraft */
    case 'N':
        return 180; /* AtoN */
    case 'X':
        return 10; /* base station */
    default:
        return 30;
    }
}

/* ---- helpers ---------------------------------------------------------------------------- */

static bool config_ok(const fusion_config *c)
{
#define REQUIRE(cond, ...)                                                                         \
    if (!(cond)) {                                                                                 \
        log_error(__VA_ARGS__);                                                                    \
        return false;                                                                              \
    }
    REQUIRE(c->lost_s >= 10 && c->lost_s <= 86400, "fusion: lost_s %g outside 10..86400",
            c->lost_s);
    REQUIRE(c->removed_s >= c->lost_s && c->removed_s <= 7 * 86400,
            "fusion: removed_s %g must be >= lost_s and <= 7 days", c->removed_s);
    REQUIRE(c->radar_lost_s >= 1 && c->radar_removed_s >= c->radar_lost_s,
            "fusion: radar_lost_s must be >= 1 and radar_removed_s >= radar_lost_s");
    REQUIRE(c->gate_chi2 >= 4 && c->gate_chi2 <= 1000, "fusion: gate_chi2 %g outside 4..1000",
            c->gate_chi2);
    REQUIRE(c->gate_min_m >= 0 && c->gate_min_m <= 100000,
            "fusion: gate_min_m %g outside 0..100000", c->gate_min_m);
    REQUIRE(c->max_speed_kn >= 5 && c->max_speed_kn <= 1000,
            "fusion: max_speed_kn %g outside 5..1000", c->max_speed_kn);
    REQUIRE(c->accel_sigma_mps2 > 0 && c->accel_sigma_mps2 <= 20,
            "fusion: accel_sigma_mps2 outside (0, 20]");
    REQUIRE(c->ais_sigma_m > 0 && c->radar_sigma_m > 0, "fusion: sensor sigmas must be > 0");
    REQUIRE(c->radar_gate_m > 0 && c->radar_gate_kn > 0, "fusion: radar gates must be > 0");
    REQUIRE(c->confirm_reports >= 1 && c->confirm_reports <= 100 && c->radar_confirm >= 1 &&
                c->radar_confirm <= 100,
            "fusion: confirm counts outside 1..100");
    REQUIRE(c->coverage_margin_m >= 0 && c->coverage_margin_m <= 1e6,
            "fusion: coverage_margin_m outside 0..1e6");
    REQUIRE(c->dedupe_window_s >= 0 && c->dedupe_window_s <= 600,
            "fusion: dedupe_window_s outside 0..600");
    REQUIRE(c->max_latency_s >= 0 && c->max_latency_s <= 86400,
            "fusion: max_latency_s outside 0..86400");
    REQUIRE(c->static_keep_s >= 0 && c->static_keep_s <= 30 * 86400.0,
            "fusion: static_keep_s outside 0..2592000");
    REQUIRE(c->snapshot_interval_s >= 0 && c->min_update_interval_s >= 0,
            "fusion: snapshot_interval_s and min_update_interval_s must be >= 0");
    REQUIRE(c->n_stations >= 0 && c->n_stations <= FUSION_MAX_STATIONS,
            "fusion: more than %d stations", FUSION_MAX_STATIONS);
    for (int i = 0; i < c->n_stations; i++) {
        const fusion_station_config *s = &c->stations[i];
        REQUIRE(fabs(s->lat_deg) <= 90 && fabs(s->lon_deg) <= 180 && s->range_m >= 0,
                "fusion: station %u: bad position or range", s->id);
    }
    return true;
#undef REQUIRE
}

static station *station_get(fusion *f, uint32_t id)
{
    uint64_t *v = u64map_get(&f->st_by_id, id);
    if (v)
        return &f->st[*v];
    if (f->n_st == FUSION_MAX_STATIONS)
        return NULL; /* beyond the table: counted nowhere, fused all the same */
    station *s = &f->st[f->n_st];
    memset(s, 0, sizeof *s);
    s->s.id = id;
    s->s.max_range_m = NAN;
    s->s.typical_range_m = NAN;
    for (int k = 0; k < FUSION_SECTORS; k++)
        s->s.sector_max_m[k] = NAN;
    u64map_put(&f->st_by_id, id, (uint64_t)f->n_st);
    f->n_st++;
    return s;
}

static int station_index(const fusion *f, uint32_t id)
{
    uint64_t *v = u64map_get(&f->st_by_id, id);
    return v ? (int)*v : -1;
}

/* Mark a track as heard by station si; the station's vessel count grows on a track's first
 * report through it (a vessel removed and heard again later counts again). */
static void mark_station(fusion *f, track *t, int si)
{
    if (si < 0)
        return;
    uint64_t bit = 1ull << (si & 63);
    if (!(t->station_bits & bit)) {
        t->station_bits |= bit;
        f->st[si].s.vessels++;
    }
}

/* Count one message for a station: vessels, range, coverage sector. */
void fusion_internal_station_heard(fusion *f, uint32_t id, const fusion_report *r, bool unique)
{
    station *s = station_get(f, id);
    if (!s)
        return;
    s->s.messages++;
    if (unique)
        s->s.unique++;
    if (r->kind != FUSION_POSITION || !s->s.position_known)
        return;
    double d = geo_distance_m(s->s.lat_deg, s->s.lon_deg, r->lat_deg, r->lon_deg);
    if (d > 1000e3)
        return; /* beyond any VHF horizon: a bad position, not range */
    if (!(d <= s->s.max_range_m))
        s->s.max_range_m = isnan(s->s.max_range_m) ? d : fmax(d, s->s.max_range_m);
    int sector = (int)(geo_bearing_deg(s->s.lat_deg, s->s.lon_deg, r->lat_deg, r->lon_deg) /
                       (360.0 / FUSION_SECTORS)) %
                 FUSION_SECTORS;
    if (!(d <= s->s.sector_max_m[sector]))
        s->s.sector_max_m[sector] = d;
    int bin = (int)(d / 1000.0);
    s->range_hist[bin < 999 ? bin : 999]++;
    s->range_count++;
    if (s->configured_range_m > 0) {
        s->s.typical_range_m = s->configured_range_m;
    } else if (s->range_count >= 20 && (s->range_count & 15) == 0) {
        /* 90th percentile of the ranges heard: "typical" coverage, robust to ducting outliers */
        uint32_t want = (uint32_t)(0.9 * s->range_count), acc = 0;
        for (int b = 0; b < 1000; b++) {
            acc += s->range_hist[b];
            if (acc >= want) {
                s->s.typical_range_m = (b + 1) * 1000.0;
                break;
            }
        }
    }
}

/* ---- the filter ------------------------------------------------------------------------- */

static void kf_predict(kf_axis *a, double dt, double q)
{
    if (dt <= 0)
        return;
    a->p += a->v * dt;
    a->pp += dt * (2 * a->pv + dt * a->vv) + q * dt * dt * dt / 3.0;
    a->pv += dt * a->vv + q * dt * dt / 2.0;
    a->vv += q * dt;
}

static void kf_update_pos(kf_axis *a, double z, double r)
{
    double s = a->pp + r, k1 = a->pp / s, k2 = a->pv / s, inn = z - a->p;
    a->p += k1 * inn;
    a->v += k2 * inn;
    double pp = a->pp, pv = a->pv;
    a->pp = pp * (1 - k1);
    a->pv = pv * (1 - k1);
    a->vv -= k2 * pv;
}

static void kf_update_vel(kf_axis *a, double z, double r)
{
    double s = a->vv + r, k1 = a->pv / s, k2 = a->vv / s, inn = z - a->v;
    a->p += k1 * inn;
    a->v += k2 * inn;
    double pv = a->pv, vv = a->vv;
    a->pp -= k1 * pv;
    a->pv -= k1 * vv;
    a->vv -= k2 * vv;
}

static void kf_init(kf_axis *a, double v, double pos_var, double vel_var)
{
    a->p = 0;
    a->v = v;
    a->pp = pos_var;
    a->pv = 0;
    a->vv = vel_var;
}

static inline double q_of(const fusion *f)
{
    return f->cfg.accel_sigma_mps2 * f->cfg.accel_sigma_mps2;
}

/* The tangent-plane conversions of geo.h with the origin's cosine cached in the track: the
 * same arithmetic, one cos() less per call (several calls per report). */
static inline void set_ref(track *t, double lat, double lon)
{
    t->ref_lat = lat;
    t->ref_lon = lon;
    t->ref_kx = GEO_M_PER_DEG * cos(geo_rad(lat));
}

static inline void to_local(const track *t, double lat, double lon, double *x_m, double *y_m)
{
    *x_m = (lon - t->ref_lon) * t->ref_kx;
    *y_m = (lat - t->ref_lat) * GEO_M_PER_DEG;
}

void track_position(const track *t, double *lat, double *lon)
{
    *lat = t->ref_lat + t->y.p / GEO_M_PER_DEG;
    *lon = t->ref_lon + t->x.p / t->ref_kx;
}

static void reanchor(track *t)
{
    if (fabs(t->x.p) < REANCHOR_M && fabs(t->y.p) < REANCHOR_M)
        return;
    double lat, lon;
    track_position(t, &lat, &lon);
    set_ref(t, lat, lon);
    t->x.p = t->y.p = 0;
}

/* A vessel reporting less than this (kn) is stopped: its velocity is known (about zero) even
 * though it reports no course (ITU-R M.1371: COG 360, not available, is usual at rest).  A
 * pilot boat that stops dead at its pier would otherwise keep its 25 kn in the filter and run
 * away from its own radar echo. */
#define STOPPED_KN 0.5
/* A reported velocity this far from the filter's (m/s, about 6 kn) is a manoeuvre. */
#define MANOEUVRE_VEL_MPS 3.0

/* Start the filter on a measurement. */
void track_init_state(fusion *f, track *t, int64_t time_ns, double lat, double lon, double sog_kn,
                      double cog_deg, double pos_sigma_m)
{
    set_ref(t, lat, lon);
    double vx = 0, vy = 0, vvar = 25.0; /* unknown speed: 5 m/s sigma */
    if (isfinite(sog_kn) && (isfinite(cog_deg) || sog_kn < STOPPED_KN)) {
        double v = sog_kn * GEO_MPS_PER_KN, c = isfinite(cog_deg) ? cog_deg : 0;
        vx = v * sin(geo_rad(c));
        vy = v * cos(geo_rad(c));
        vvar = 0.25;
    }
    kf_init(&t->x, vx, pos_sigma_m * pos_sigma_m, vvar);
    kf_init(&t->y, vy, pos_sigma_m * pos_sigma_m, vvar);
    t->t_ns = time_ns;
    (void)f;
}

/* Fuse a position (and optionally a velocity) measurement. */
void track_update(fusion *f, track *t, int64_t time_ns, double lat, double lon, double sog_kn,
                  double cog_deg, double pos_sigma_m, double vel_sigma_mps)
{
    double dt = (double)(time_ns - t->t_ns) / 1e9;
    if (dt > 0) {
        kf_predict(&t->x, dt, q_of(f));
        kf_predict(&t->y, dt, q_of(f));
        t->t_ns = time_ns;
    }
    double mx, my;
    to_local(t, lat, lon, &mx, &my);
    double r = pos_sigma_m * pos_sigma_m;
    kf_update_pos(&t->x, mx, r);
    kf_update_pos(&t->y, my, r);
    if (isfinite(sog_kn) && (isfinite(cog_deg) || sog_kn < STOPPED_KN) && vel_sigma_mps > 0) {
        double v = sog_kn * GEO_MPS_PER_KN, rv = vel_sigma_mps * vel_sigma_mps;
        double c = isfinite(cog_deg) ? cog_deg : 0;
        double zx = v * sin(geo_rad(c)), zy = v * cos(geo_rad(c));
        if (hypot(zx - t->x.v, zy - t->y.v) > MANOEUVRE_VEL_MPS) {
            /* The vessel says it changed speed or course (stopped dead, turned, accelerated):
             * a confident filter would take minutes to believe it; open its velocity up. */
            t->x.vv = fmax(t->x.vv, MANOEUVRE_VEL_MPS * MANOEUVRE_VEL_MPS);
            t->y.vv = fmax(t->y.vv, MANOEUVRE_VEL_MPS * MANOEUVRE_VEL_MPS);
        }
        kf_update_vel(&t->x, zx, rv);
        kf_update_vel(&t->y, zy, rv);
    }
    reanchor(t);
}

/* Gate test of a measurement against a track, without changing it.  Returns the chi-square of
 * the position innovation; *dist_m gets its length and *implied_kn the speed from the track's
 * last state to the measurement. */
static double track_gate(const fusion *f, const track *t, int64_t time_ns, double lat, double lon,
                         double pos_sigma_m, double *dist_m, double *implied_kn)
{
    double dt = (double)(time_ns - t->t_ns) / 1e9;
    kf_axis x = t->x, y = t->y;
    double mx, my;
    to_local(t, lat, lon, &mx, &my);
    double jump = sqrt((mx - x.p) * (mx - x.p) + (my - y.p) * (my - y.p));
    *implied_kn = dt > 0.5 ? jump / dt / GEO_MPS_PER_KN : (jump < f->cfg.gate_min_m ? 0 : INFINITY);
    if (dt > 0) {
        kf_predict(&x, dt, q_of(f));
        kf_predict(&y, dt, q_of(f));
    }
    double r = pos_sigma_m * pos_sigma_m, ix = mx - x.p, iy = my - y.p;
    *dist_m = sqrt(ix * ix + iy * iy);
    return ix * ix / (x.pp + r) + iy * iy / (y.pp + r);
}

/* ---- track storage ---------------------------------------------------------------------- */

int32_t track_alloc(fusion *f)
{
    int32_t i;
    if (f->free_head >= 0) {
        i = f->free_head;
        f->free_head = f->tr[i].next_same;
    } else {
        if (f->n_tr == f->cap_tr) {
            f->cap_tr = f->cap_tr ? 2 * f->cap_tr : 1024;
            f->tr = x_realloc(f->tr, f->cap_tr * sizeof *f->tr);
        }
        i = (int32_t)f->n_tr++;
    }
    track *t = &f->tr[i];
    memset(t, 0, sizeof *t);
    t->next_same = -1;
    t->grid_prev = t->grid_next = -1;
    t->grid_key = U64MAP_EMPTY;
    t->radar_idx = -1;
    t->sog_kn = t->cog_deg = t->heading_deg = NAN;
    t->dist_shore_m = NAN;
    t->nav_status = 15;
    t->zone_valid_m = -1;
    t->shore_valid_m = -1;
    t->id = ++f->next_id;
    if (f->next_id == 0)
        t->id = ++f->next_id;
    return i;
}

uint64_t fusion_internal_grid_key(double lat, double lon)
{
    int64_t a = (int64_t)floor(lat / GRID_DEG) + 4000, b = (int64_t)floor(lon / GRID_DEG) + 8000;
    return ((uint64_t)a << 20) | (uint64_t)b;
}

static void grid_unlink(fusion *f, int32_t i)
{
    track *t = &f->tr[i];
    if (t->grid_key == U64MAP_EMPTY)
        return;
    if (t->grid_prev >= 0) {
        f->tr[t->grid_prev].grid_next = t->grid_next;
    } else {
        uint64_t *head = u64map_get(&f->grid, t->grid_key);
        if (t->grid_next >= 0)
            *head = (uint64_t)t->grid_next;
        else
            u64map_del(&f->grid, t->grid_key);
    }
    if (t->grid_next >= 0)
        f->tr[t->grid_next].grid_prev = t->grid_prev;
    t->grid_key = U64MAP_EMPTY;
    t->grid_prev = t->grid_next = -1;
}

static void grid_place(fusion *f, int32_t i)
{
    track *t = &f->tr[i];
    double lat, lon;
    track_position(t, &lat, &lon);
    uint64_t key = fusion_internal_grid_key(lat, lon);
    if (key == t->grid_key)
        return;
    grid_unlink(f, i);
    uint64_t *head = u64map_get(&f->grid, key);
    t->grid_key = key;
    t->grid_prev = -1;
    t->grid_next = head ? (int32_t)*head : -1;
    if (head)
        f->tr[*head].grid_prev = i;
    u64map_put(&f->grid, key, (uint64_t)i);
}

static double track_interval_s(const track *t)
{
    return fusion_ais_interval_s((char)t->ais_class, t->sog_kn, t->nav_status);
}

static double lost_after_s(const fusion *f, const track *t)
{
    if (t->is_radar)
        return f->cfg.radar_lost_s;
    return fmax(f->cfg.lost_s, 3.5 * track_interval_s(t));
}

static double removed_after_s(const fusion *f, const track *t)
{
    if (t->is_radar)
        return f->cfg.radar_removed_s;
    return fmax(f->cfg.removed_s, 5.0 * track_interval_s(t));
}

/* ---- output ----------------------------------------------------------------------------- */

void fill_wire(const fusion *f, const track *t, uint8_t update, wire_track *w)
{
    memset(w, 0, sizeof *w);
    w->track_id = t->id;
    w->mmsi = t->mmsi;
    w->state = t->state;
    w->update = update;
    w->ais_class = t->ais_class;
    w->nav_status = t->nav_status;
    w->time_ns = t->t_ns;
    w->last_report_ns = t->last_report_ns;
    track_position(t, &w->lat_deg, &w->lon_deg);
    double vx = t->x.v, vy = t->y.v;
    int64_t ais_fresh_ns = (int64_t)(fmax(60.0, 3 * track_interval_s(t)) * 1e9);
    bool ais_fresh = !t->is_radar && t->last_ais_ns && t->t_ns - t->last_ais_ns <= ais_fresh_ns;
    if (ais_fresh && isfinite(t->sog_kn)) {
        w->sog_kn = t->sog_kn;
        w->cog_deg = t->cog_deg;
    } else {
        w->sog_kn = (float)(hypot(vx, vy) / GEO_MPS_PER_KN);
        double c = geo_deg(atan2(vx, vy));
        w->cog_deg = (float)(c < 0 ? c + 360 : c);
    }
    w->heading_deg = t->heading_deg;
    double var = 0.5 * (t->x.pp + t->y.pp);
    w->pos_sigma_m = (float)sqrt(var > 0 ? var : 0);
    if (ais_fresh)
        w->sensors |= TRACK_SENSOR_AIS;
    if (t->is_radar) {
        w->sensors |= TRACK_SENSOR_RADAR;
        w->flags |= TRACK_FLAG_DARK;
        w->radar_site = t->radar_site;
        w->radar_target = t->radar_target;
    } else if (t->radar_idx >= 0) {
        const track *rt = &f->tr[t->radar_idx];
        if (rt->last_radar_ns &&
            t->t_ns - rt->last_radar_ns <= (int64_t)(f->cfg.radar_lost_s * 1e9))
            w->sensors |= TRACK_SENSOR_RADAR;
        w->radar_site = rt->radar_site;
        w->radar_target = rt->radar_target;
    }
    if (t->flags_split)
        w->flags |= TRACK_FLAG_SPLIT;
    if (t->in_coverage)
        w->flags |= TRACK_FLAG_IN_COVERAGE;
    if (t->zones & ZONE_BIT(ZONE_LAND))
        w->flags |= TRACK_FLAG_ON_LAND;
    /* quality: position certainty, freshness, corroboration */
    double age_s = (double)(f->now_ns - t->last_report_ns) / 1e9;
    double fresh = 1.0 - age_s / lost_after_s(f, t);
    fresh = fresh < 0.2 ? 0.2 : (fresh > 1 ? 1 : fresh);
    double q = 85.0 * exp(-w->pos_sigma_m / 500.0) * fresh;
    if (t->n_reports >= 10 || t->hits >= 10)
        q += 5;
    if (t->name[0] || t->imo)
        q += 5;
    if (w->sensors == (TRACK_SENSOR_AIS | TRACK_SENSOR_RADAR))
        q += 5;
    if (t->flags_split)
        q *= 0.5;
    w->quality = (uint8_t)(q > 100 ? 100 : (q < 0 ? 0 : q));
    w->imo = t->imo;
    w->ship_type = t->ship_type;
    w->length_m = t->length_m;
    w->beam_m = t->beam_m;
    memcpy(w->name, t->name, sizeof w->name);
    memcpy(w->callsign, t->callsign, sizeof w->callsign);
    memcpy(w->destination, t->destination, sizeof w->destination);
    w->zones = t->zones;
    w->dist_shore_m = t->dist_shore_m;
    uint64_t b = t->station_bits;
    w->n_stations = (uint16_t)__builtin_popcountll(b);
    w->n_reports = t->n_reports;
}

bool publishable(const fusion *f, const track *t)
{
    /* A radar track is published only as a confirmed dark target (no AIS association). */
    if (t->is_radar)
        return t->hits >= f->cfg.radar_confirm && t->radar_idx < 0;
    return true;
}

void fusion_internal_emit(fusion *f, track *t, uint8_t update, bool force)
{
    if (!publishable(f, t))
        return;
    if (!force && update == TRACK_UPD_POSITION && f->cfg.min_update_interval_s > 0 &&
        t->published && t->t_ns - t->last_emit_ns < (int64_t)(f->cfg.min_update_interval_s * 1e9))
        return;
    t->published = 1;
    t->last_emit_ns = t->t_ns;
    f->stats.emitted++;
    if (!f->cfg.emit)
        return;
    wire_track w;
    fill_wire(f, t, update, &w);
    f->cfg.emit(f->cfg.emit_ctx, &w);
}

/* ---- zones and coverage ------------------------------------------------------------------ */

/* Zones, distance to shore and coverage, each recomputed only when the track has moved far
 * enough for the answer to possibly change: zone membership not before the nearest zone edge,
 * the distance to shore (1-Lipschitz) not before 250 m or 5 % of it, coverage every 1 km. */
static void refresh_context(fusion *f, track *t)
{
    const zones *z = f->cfg.zones;
    bool any_station = f->any_station_position;
    if (!z && !any_station)
        return;
    double lat, lon;
    track_position(t, &lat, &lon);
    /* Both caches hold while the track is within a few km of where they were filled: a flat
     * metric at the track's latitude is within 0.1 % of the local tangent plane there, and
     * squared distances save the square roots (this runs on every report). */
    double kx = t->ref_kx; /* the origin is within 10 km: cos differs by < 0.05 % */
    double dz = INFINITY;
    if (t->zone_valid_m >= 0) {
        double ex = (lon - t->zone_lon) * kx, ey = (lat - t->zone_lat) * GEO_M_PER_DEG;
        double d2 = ex * ex + ey * ey, v = t->zone_valid_m;
        dz = d2 > v * v ? sqrt(d2) : 0;
    }
    if (dz > t->zone_valid_m) {
        if (z) {
            t->zones = zones_mask_at(z, lat, lon);
            double e = zones_edge_distance_m(z, lat, lon, 5000);
            t->zone_valid_m = (float)(isfinite(e) ? e : 5000);
        } else {
            t->zone_valid_m = 1000;
        }
        if (any_station) {
            bool in = false;
            for (int i = 0; i < f->n_st && !in; i++) {
                const station *s = &f->st[i];
                if (s->s.position_known && s->s.typical_range_m > 0)
                    in = geo_distance_m(s->s.lat_deg, s->s.lon_deg, lat, lon) <=
                         s->s.typical_range_m - f->cfg.coverage_margin_m;
            }
            t->in_coverage = in;
            if (t->zone_valid_m > 1000)
                t->zone_valid_m = 1000;
        }
        t->zone_lat = lat;
        t->zone_lon = lon;
    }
    if (!z)
        return;
    double ds = INFINITY;
    if (t->shore_valid_m >= 0) {
        double ex = (lon - t->shore_lon) * kx, ey = (lat - t->shore_lat) * GEO_M_PER_DEG;
        double d2 = ex * ex + ey * ey, v = t->shore_valid_m;
        ds = d2 > v * v ? sqrt(d2) : 0;
    }
    if (ds > t->shore_valid_m) {
        t->dist_shore_m = (float)zones_dist_shore_m(z, lat, lon);
        /* within 250 m or 5 %: far below what shore-distance rules (12 NM, 20 NM) resolve */
        /* Unknown (outside the land extent): ask again after 5 km, the track may enter it. */
        t->shore_valid_m =
            isfinite(t->dist_shore_m) ? fmaxf(250.0f, 0.05f * t->dist_shore_m) : 5000.0f;
        if (t->dist_shore_m == 0 && dz <= t->zone_valid_m + 1e-3)
            t->shore_valid_m = fmaxf(t->shore_valid_m, t->zone_valid_m); /* on land until an edge */
        t->shore_lat = lat;
        t->shore_lon = lon;
    }
}

/* ---- removal ---------------------------------------------------------------------------- */

static void chain_unlink(fusion *f, int32_t i)
{
    track *t = &f->tr[i];
    uint64_t *head = u64map_get(&f->by_mmsi, t->mmsi);
    if (!head)
        return;
    if ((int32_t)*head == i) {
        if (t->next_same >= 0)
            *head = (uint64_t)t->next_same;
        else
            u64map_del(&f->by_mmsi, t->mmsi);
    } else {
        for (int32_t j = (int32_t)*head; j >= 0; j = f->tr[j].next_same) {
            if (f->tr[j].next_same == i) {
                f->tr[j].next_same = t->next_same;
                break;
            }
        }
    }
    /* a lone survivor of a split is no longer split */
    head = u64map_get(&f->by_mmsi, t->mmsi);
    if (head && f->tr[*head].next_same < 0)
        f->tr[*head].flags_split = 0;
}

static void track_free(fusion *f, int32_t i)
{
    track *t = &f->tr[i];
    if (t->is_radar) {
        u64map_del(&f->by_radar, ((uint64_t)t->radar_site << 16) | t->radar_target);
        if (t->radar_idx >= 0 && f->tr[t->radar_idx].radar_idx == i)
            f->tr[t->radar_idx].radar_idx = -1;
        f->stats.live_radar--;
    } else {
        chain_unlink(f, i);
        grid_unlink(f, i);
        if (t->radar_idx >= 0 && f->tr[t->radar_idx].radar_idx == i)
            f->tr[t->radar_idx].radar_idx = -1;
        f->stats.live_tracks--;
    }
    f->stats.tracks_removed++;
    t->state = 255;
    t->next_same = f->free_head;
    f->free_head = i;
}

static void keep_static(fusion *f, const track *t);
static void expire_pending(fusion *f);

void fusion_internal_retire(fusion *f, int32_t i)
{
    track *t = &f->tr[i];
    t->state = TRACK_REMOVED;
    if (t->published)
        fusion_internal_emit(f, t, TRACK_UPD_STATE, true);
    track_free(f, i);
    if (!t->is_radar && t->mmsi && !u64map_get(&f->by_mmsi, t->mmsi))
        keep_static(f, t);
}

/* ---- timers and snapshots --------------------------------------------------------------- */

static void sweep(fusion *f)
{
    int64_t now = f->now_ns;
    bool snapshot = f->cfg.snapshot_interval_s > 0 && now >= f->next_snapshot_ns;
    if (snapshot)
        f->next_snapshot_ns = now + (int64_t)(f->cfg.snapshot_interval_s * 1e9);
    if (f->n_pend && now >= f->next_expire_ns) {
        f->next_expire_ns = now + 600 * NS;
        expire_pending(f);
    }
    uint32_t dark = 0;
    for (size_t i = 0; i < f->n_tr; i++) {
        track *t = &f->tr[i];
        if (t->state == 255)
            continue;
        double age_s = (double)(now - t->last_report_ns) / 1e9;
        if (age_s > removed_after_s(f, t)) {
            fusion_internal_retire(f, (int32_t)i);
            continue;
        }
        if (age_s > lost_after_s(f, t) && t->state != TRACK_LOST) {
            t->state = TRACK_LOST;
            if (t->is_radar && t->radar_idx >= 0) {
                /* a lost radar target no longer vouches for its AIS track */
                if (f->tr[t->radar_idx].radar_idx == (int32_t)i)
                    f->tr[t->radar_idx].radar_idx = -1;
                t->radar_idx = -1;
            }
            if (t->published)
                fusion_internal_emit(f, t, TRACK_UPD_STATE, true);
        } else if (snapshot && t->published && publishable(f, t)) {
            fusion_internal_emit(f, t, TRACK_UPD_SNAPSHOT, true);
        }
        if (t->is_radar && publishable(f, t) && t->state != TRACK_LOST)
            dark++;
    }
    f->stats.dark_tracks = dark;
}

void fusion_advance(fusion *f, int64_t now_ns)
{
    if (now_ns <= f->now_ns)
        return;
    if (f->now_ns == 0) {
        f->next_sweep_ns = now_ns + SWEEP_NS;
        f->next_snapshot_ns = now_ns + (int64_t)(f->cfg.snapshot_interval_s * 1e9);
    }
    f->now_ns = now_ns;
    if (now_ns >= f->next_sweep_ns) {
        f->next_sweep_ns = now_ns + SWEEP_NS;
        sweep(f);
    }
}

void fusion_finish(fusion *f)
{
    for (size_t i = 0; i < f->n_tr; i++) {
        track *t = &f->tr[i];
        if (t->state != 255 && t->published && publishable(f, t))
            fusion_internal_emit(f, t, TRACK_UPD_STATE, true);
    }
}

/* ---- AIS -------------------------------------------------------------------------------- */

static void merge_static(fusion *f, track *t, const fusion_report *r, bool *changed)
{
#define SET_IF(flag, field, value)                                                                 \
    if ((r->has & (flag)) && t->field != (value)) {                                                \
        t->field = (value);                                                                        \
        *changed = true;                                                                           \
    }
    SET_IF(FUSION_HAS_IMO, imo, r->imo);
    SET_IF(FUSION_HAS_TYPE, ship_type, r->ship_type);
    if ((r->has & FUSION_HAS_DIMENSIONS) &&
        (t->length_m != r->length_m || t->beam_m != r->beam_m)) {
        t->length_m = r->length_m;
        t->beam_m = r->beam_m;
        *changed = true;
    }
#undef SET_IF
#define SET_TEXT(flag, field)                                                                      \
    if ((r->has & (flag)) && strncmp(t->field, r->field, sizeof t->field) != 0) {                  \
        memcpy(t->field, r->field, sizeof t->field);                                               \
        t->field[sizeof t->field - 1] = 0;                                                         \
        *changed = true;                                                                           \
    }
    SET_TEXT(FUSION_HAS_NAME, name);
    SET_TEXT(FUSION_HAS_CALLSIGN, callsign);
    SET_TEXT(FUSION_HAS_DESTINATION, destination);
#undef SET_TEXT
    if (r->ais_class && !t->ais_class)
        t->ais_class = (uint8_t)r->ais_class;
    (void)f;
}

/* The pending pool (static data of MMSIs without a live track): add r (bounded at 100,000 MMSIs;
 * beyond, dropped), remove entry idx (swap-remove). */
static void pending_add(fusion *f, const fusion_report *r)
{
    if (f->n_pend >= 100000)
        return;
    if (f->n_pend == f->cap_pend) {
        f->cap_pend = f->cap_pend ? 2 * f->cap_pend : 256;
        f->pend = x_realloc(f->pend, f->cap_pend * sizeof *f->pend);
    }
    f->pend[f->n_pend].r = *r;
    u64map_put(&f->pending, r->mmsi, f->n_pend++);
}

static void pending_remove(fusion *f, size_t idx)
{
    u64map_del(&f->pending, f->pend[idx].r.mmsi);
    size_t last = --f->n_pend;
    if (idx != last) {
        f->pend[idx] = f->pend[last];
        u64map_put(&f->pending, f->pend[idx].r.mmsi, idx);
    }
}

static void apply_pending_static(fusion *f, track *t)
{
    uint64_t *v = u64map_get(&f->pending, t->mmsi);
    if (!v)
        return;
    bool changed = false;
    merge_static(f, t, &f->pend[*v].r, &changed);
    pending_remove(f, (size_t)*v);
}

/* The last track of an MMSI is removed after its silence: its static data waits in the pending
 * pool for the MMSI's next track, which would otherwise know neither type nor size until the
 * next type 5 or 24 (every 6 min): a high-speed ferry whose track restarts after a gap in
 * coverage must not read as an unknown boat doing 35 kn off the coast.  Kept static_keep_s. */
static void keep_static(fusion *f, const track *t)
{
    fusion_report r = {.kind = FUSION_STATIC, .mmsi = t->mmsi, .time_ns = t->last_report_ns};
    if (t->imo)
        r.has |= FUSION_HAS_IMO, r.imo = t->imo;
    if (t->ship_type)
        r.has |= FUSION_HAS_TYPE, r.ship_type = t->ship_type;
    if (t->length_m || t->beam_m)
        r.has |= FUSION_HAS_DIMENSIONS, r.length_m = t->length_m, r.beam_m = t->beam_m;
    if (t->name[0])
        r.has |= FUSION_HAS_NAME, memcpy(r.name, t->name, sizeof r.name);
    if (t->callsign[0])
        r.has |= FUSION_HAS_CALLSIGN, memcpy(r.callsign, t->callsign, sizeof r.callsign);
    if (t->destination[0])
        r.has |= FUSION_HAS_DESTINATION,
            memcpy(r.destination, t->destination, sizeof r.destination);
    if (!r.has || u64map_get(&f->pending, t->mmsi))
        return;
    r.ais_class = (char)t->ais_class;
    pending_add(f, &r);
}

/* Static data waiting longer than static_keep_s for a position is dropped (swap-remove). */
static void expire_pending(fusion *f)
{
    int64_t oldest = f->now_ns - (int64_t)(f->cfg.static_keep_s * 1e9);
    for (size_t k = 0; k < f->n_pend;) {
        if (f->pend[k].r.time_ns < oldest)
            pending_remove(f, k); /* the last entry moved into k: look at k again */
        else
            k++;
    }
}

static int static_in(fusion *f, const fusion_report *r)
{
    uint64_t *head = u64map_get(&f->by_mmsi, r->mmsi);
    if (!head) {
        /* No position yet: keep the latest static data for when one arrives (bounded). */
        uint64_t *v = u64map_get(&f->pending, r->mmsi);
        if (v) {
            pending_static *p = &f->pend[*v];
            fusion_report merged = p->r;
            merged.has |= r->has;
            if (r->has & FUSION_HAS_NAME)
                memcpy(merged.name, r->name, sizeof merged.name);
            if (r->has & FUSION_HAS_CALLSIGN)
                memcpy(merged.callsign, r->callsign, sizeof merged.callsign);
            if (r->has & FUSION_HAS_DESTINATION)
                memcpy(merged.destination, r->destination, sizeof merged.destination);
            if (r->has & FUSION_HAS_IMO)
                merged.imo = r->imo;
            if (r->has & FUSION_HAS_TYPE)
                merged.ship_type = r->ship_type;
            if (r->has & FUSION_HAS_DIMENSIONS) {
                merged.length_m = r->length_m;
                merged.beam_m = r->beam_m;
            }
            p->r = merged;
        } else {
            pending_add(f, r);
        }
        return 1;
    }
    /* One MMSI's static data belongs to every track of the MMSI (a split cannot tell whose). */
    for (int32_t i = (int32_t)*head; i >= 0; i = f->tr[i].next_same) {
        track *t = &f->tr[i];
        bool changed = false;
        merge_static(f, t, r, &changed);
        t->n_reports++;
        mark_station(f, t, station_index(f, r->station_id));
        if (changed)
            fusion_internal_emit(f, t, TRACK_UPD_STATIC, true);
    }
    return 1;
}

void fusion_internal_credit_station(fusion *f, uint32_t mmsi, uint32_t station_id)
{
    int si = station_index(f, station_id);
    uint64_t *head = u64map_get(&f->by_mmsi, mmsi);
    if (si < 0 || !head)
        return;
    for (int32_t i = (int32_t)*head; i >= 0; i = f->tr[i].next_same)
        mark_station(f, &f->tr[i], si);
}

static bool position_valid(const fusion_report *r)
{
    return isfinite(r->lat_deg) && isfinite(r->lon_deg) && fabs(r->lat_deg) <= 90.0 &&
           fabs(r->lon_deg) <= 180.0;
}

/* Implied speed a report may exceed the vessel's reported SOG by and still be the same vessel
 * manoeuvring (kn): speed changes within a reporting interval and position noise. */
#define MANOEUVRE_MARGIN_KN 8.0

/* A report that failed every gate of its MMSI but is one of its tracks' ship delivered out of
 * order (late_delivery.c): not a second transmitter. */
static bool late_for_any(const fusion *f, int32_t head, const fusion_report *r)
{
    for (int32_t i = head; i >= 0; i = f->tr[i].next_same)
        if (fusion_internal_late_delivery(f, &f->tr[i], r))
            return true;
    return false;
}

static int position_in(fusion *f, const fusion_report *r)
{
    double sigma = f->cfg.ais_sigma_m * (r->accuracy_high ? 1.0 : 2.5);
    uint64_t *head = u64map_get(&f->by_mmsi, r->mmsi);
    int32_t best = -1;
    double best_chi2 = INFINITY;
    bool reacquire = false, too_fast = false;
    if (head) {
        for (int32_t i = (int32_t)*head; i >= 0; i = f->tr[i].next_same) {
            const track *t = &f->tr[i];
            double dist, implied_kn;
            double chi2 =
                track_gate(f, t, r->time_ns, r->lat_deg, r->lon_deg, sigma, &dist, &implied_kn);
            bool pass = chi2 <= f->cfg.gate_chi2 || dist <= f->cfg.gate_min_m;
            /* After a gap the filter's uncertainty understates where a ship can be; a plausible
             * implied speed re-acquires instead of splitting.  So does a manoeuvre the filter
             * did not foresee (a go-fast turning and slowing between two class B reports, a
             * boat leaving its berth at full speed): the move agrees with the speed the vessel
             * itself reports. */
            double own_kn =
                fmax(isfinite(r->sog_kn) ? r->sog_kn : 0, isfinite(t->sog_kn) ? t->sog_kn : 0);
            bool plausible =
                implied_kn <= f->cfg.max_speed_kn && (r->time_ns - t->t_ns >= (int64_t)(60 * NS) ||
                                                      implied_kn <= own_kn + MANOEUVRE_MARGIN_KN);
            if ((pass || plausible) && chi2 < best_chi2) {
                best = i;
                best_chi2 = chi2;
                reacquire = !pass;
                /* faster than the vessel goes, by its own report and by the track's motion */
                too_fast = implied_kn > fmax(own_kn, hypot(t->x.v, t->y.v) / GEO_MPS_PER_KN) +
                                            MANOEUVRE_MARGIN_KN;
            }
        }
    }
    track *t;
    if (best >= 0) {
        t = &f->tr[best];
        if (r->time_ns + 30 * NS < t->t_ns) {
            f->stats.ignored++; /* a delayed copy far older than the track: nothing to add */
            return 0;
        }
        if (reacquire && fusion_internal_late_behind(f, t, r)) {
            f->stats.out_of_order++; /* on the path the track already took: a late delivery */
            return 0;
        }
        /* Ahead on the track's course (or a turn from it), but further than the vessel could
         * have gone since the track's report: that report was the late one (satellite AIS
         * stamped on arrival: AMSA's exactEarth logs, 2.6 km "in" 102 s of a 13 kn ship).
         * Re-acquiring would publish a jump no ship made; the track waits for a report that
         * joins it, or times out and starts afresh. */
        if (reacquire && too_fast && fusion_internal_late_delivery(f, t, r)) {
            f->stats.out_of_order++;
            return 0;
        }
        if (reacquire)
            track_init_state(f, t, r->time_ns, r->lat_deg, r->lon_deg, r->sog_kn, r->cog_deg,
                             sigma);
        else
            track_update(f, t, r->time_ns, r->lat_deg, r->lon_deg, r->sog_kn, r->cog_deg, sigma,
                         0.3);
    } else {
        if (head && late_for_any(f, (int32_t)*head, r)) {
            f->stats.out_of_order++;
            return 0;
        }
        if (head)
            f->stats.gate_rejects++;
        int32_t i = track_alloc(f);
        t = &f->tr[i];
        t->mmsi = r->mmsi;
        t->state = TRACK_TENTATIVE;
        track_init_state(f, t, r->time_ns, r->lat_deg, r->lon_deg, r->sog_kn, r->cog_deg, sigma);
        f->stats.tracks_created++;
        f->stats.live_tracks++;
        if (head) {
            /* One MMSI in two places: a second track, and both are marked split. */
            f->stats.splits++;
            t->flags_split = 1;
            for (int32_t j = (int32_t)*head; j >= 0; j = f->tr[j].next_same)
                f->tr[j].flags_split = 1;
            t->next_same = (int32_t)*head;
            *head = (uint64_t)i;
            /* a split track inherits the MMSI's static data */
            const track *o = &f->tr[t->next_same];
            memcpy(t->name, o->name, sizeof t->name);
            memcpy(t->callsign, o->callsign, sizeof t->callsign);
            memcpy(t->destination, o->destination, sizeof t->destination);
            t->imo = o->imo;
            t->ship_type = o->ship_type;
            t->length_m = o->length_m;
            t->beam_m = o->beam_m;
        } else {
            u64map_put(&f->by_mmsi, r->mmsi, (uint64_t)i);
            if (f->n_pend)
                apply_pending_static(f, t);
        }
    }
    fusion_internal_path_add(f, t, r->lat_deg, r->lon_deg, r->time_ns);
    t->ais_class = (uint8_t)r->ais_class;
    t->nav_status = r->nav_status;
    t->sog_kn = r->sog_kn;
    t->cog_deg = r->cog_deg;
    t->heading_deg = r->heading_deg;
    if (r->time_ns > t->last_report_ns)
        t->last_report_ns = r->time_ns;
    if (r->time_ns > t->last_ais_ns)
        t->last_ais_ns = r->time_ns;
    t->n_reports++;
    if (t->hits < 255)
        t->hits++;
    mark_station(f, t, station_index(f, r->station_id));
    if (t->state == TRACK_TENTATIVE && t->hits >= f->cfg.confirm_reports)
        t->state = TRACK_CONFIRMED;
    else if (t->state == TRACK_LOST)
        t->state = TRACK_CONFIRMED;
    grid_place(f, (int32_t)(t - f->tr));
    refresh_context(f, t);
    fusion_internal_emit(f, t, TRACK_UPD_POSITION, false);
    return 1;
}

int fusion_internal_fuse(fusion *f, const fusion_report *r)
{
    if (r->mmsi == 0 || r->mmsi > 999999999u) {
        f->stats.invalid++;
        return -1;
    }
    fusion_advance(f, r->time_ns);
    if (r->kind == FUSION_STATIC) {
        f->stats.reports++;
        return static_in(f, r);
    }
    if (r->kind != FUSION_POSITION || !position_valid(r)) {
        f->stats.invalid++;
        return -1;
    }
    f->stats.reports++;
    return position_in(f, r);
}

int fusion_report_in(fusion *f, const fusion_report *r)
{
    if (r->mmsi && r->mmsi <= 999999999u && (r->kind != FUSION_POSITION || position_valid(r)))
        fusion_internal_station_heard(f, r->station_id, r, true);
    return fusion_internal_fuse(f, r);
}

/* ---- lifecycle -------------------------------------------------------------------------- */

fusion *fusion_create(const fusion_config *cfg)
{
    fusion_config c = cfg ? *cfg : fusion_config_default();
    if (!config_ok(&c))
        return NULL;
    fusion *f = x_calloc(1, sizeof *f);
    f->cfg = c;
    f->next_id = c.first_track_id;
    f->free_head = -1;
    u64map_init(&f->by_mmsi, 1024);
    u64map_init(&f->by_radar, 64);
    u64map_init(&f->grid, 1024);
    u64map_init(&f->pending, 64);
    u64map_init(&f->dedupe, 1024);
    u64map_init(&f->st_by_id, 64);
    f->st = x_calloc(FUSION_MAX_STATIONS, sizeof *f->st);
    for (int i = 0; i < c.n_stations; i++) {
        station *s = station_get(f, c.stations[i].id);
        s->s.position_known = true;
        s->s.lat_deg = c.stations[i].lat_deg;
        s->s.lon_deg = c.stations[i].lon_deg;
        s->configured_range_m = c.stations[i].range_m;
        if (s->configured_range_m > 0)
            s->s.typical_range_m = s->configured_range_m;
        f->any_station_position = true;
    }
    f->cfg.stations = NULL; /* copied; the caller's array need not outlive us */
    return f;
}

void fusion_destroy(fusion **pf)
{
    if (!pf || !*pf)
        return;
    fusion *f = *pf;
    free(f->st);
    u64map_free(&f->st_by_id);
    u64map_free(&f->by_mmsi);
    u64map_free(&f->by_radar);
    u64map_free(&f->grid);
    u64map_free(&f->pending);
    u64map_free(&f->dedupe);
    free(f->ddq);
    free(f->pend);
    free(f->tr);
    free(f);
    *pf = NULL;
}

const fusion_stats *fusion_get_stats(const fusion *f)
{
    return &f->stats;
}

int fusion_station_count(const fusion *f)
{
    return f->n_st;
}

const fusion_station_stats *fusion_station(const fusion *f, int index)
{
    return index >= 0 && index < f->n_st ? &f->st[index].s : NULL;
}

size_t fusion_each_track(const fusion *f, void (*fn)(void *ctx, const wire_track *t), void *ctx)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_tr; i++) {
        const track *t = &f->tr[i];
        if (t->state == 255 || !publishable(f, t))
            continue;
        wire_track w;
        fill_wire(f, t, TRACK_UPD_SNAPSHOT, &w);
        fn(ctx, &w);
        n++;
    }
    return n;
}

size_t fusion_memory_bytes(const fusion *f)
{
    size_t b = f->cap_tr * sizeof(track);
    b += f->by_mmsi.cap * 16 + f->by_radar.cap * 16 + f->grid.cap * 16 + f->pending.cap * 16;
    b += f->dedupe.cap * 16 + f->ddq_cap * sizeof *f->ddq + f->cap_pend * sizeof *f->pend;
    b += FUSION_MAX_STATIONS * sizeof(station);
    return b;
}

int fusion_restore(fusion *f, const wire_track *w)
{
    if (w->mmsi == 0 || w->mmsi > 999999999u || !isfinite(w->lat_deg) || !isfinite(w->lon_deg) ||
        fabs(w->lat_deg) > 90 || fabs(w->lon_deg) > 180 || w->state == TRACK_REMOVED)
        return -1;
    int32_t i = track_alloc(f);
    track *t = &f->tr[i];
    t->id = w->track_id ? w->track_id : t->id;
    if (w->track_id > f->next_id)
        f->next_id = w->track_id;
    t->mmsi = w->mmsi;
    t->state = w->state == TRACK_LOST ? TRACK_LOST : TRACK_CONFIRMED;
    t->ais_class = w->ais_class;
    t->nav_status = w->nav_status;
    double sigma = isfinite(w->pos_sigma_m) && w->pos_sigma_m > 0 ? w->pos_sigma_m : 50;
    track_init_state(f, t, w->time_ns, w->lat_deg, w->lon_deg, w->sog_kn, w->cog_deg, sigma);
    t->sog_kn = w->sog_kn;
    t->cog_deg = w->cog_deg;
    t->heading_deg = w->heading_deg;
    t->last_report_ns = t->last_ais_ns = w->last_report_ns ? w->last_report_ns : w->time_ns;
    t->imo = w->imo;
    t->ship_type = w->ship_type;
    t->length_m = w->length_m;
    t->beam_m = w->beam_m;
    memcpy(t->name, w->name, sizeof t->name);
    memcpy(t->callsign, w->callsign, sizeof t->callsign);
    memcpy(t->destination, w->destination, sizeof t->destination);
    t->name[20] = t->callsign[7] = t->destination[20] = 0;
    t->n_reports = w->n_reports;
    t->hits = (uint8_t)(w->n_reports > 255 ? 255 : w->n_reports);
    t->published = 1;
    uint64_t *head = u64map_get(&f->by_mmsi, t->mmsi);
    if (head) {
        t->next_same = (int32_t)*head;
        *head = (uint64_t)i;
        for (int32_t j = i; j >= 0; j = f->tr[j].next_same)
            f->tr[j].flags_split = 1;
    } else {
        u64map_put(&f->by_mmsi, t->mmsi, (uint64_t)i);
    }
    f->stats.live_tracks++;
    grid_place(f, i);
    refresh_context(f, t);
    return 0;
}
