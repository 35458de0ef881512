/* The traffic simulator.  See centinela/sim.h and README.md for the scenario format.
 *
 * Each vessel's route is compiled into timed segments (move along a rhumb-line leg at the leg's
 * speed, stop, loiter on a circle), so the true position at any time is a lookup; transmissions,
 * static reports and radar scans are scheduled events merged in time order. */
#include "centinela/sim.h"

#include "centinela/ais.h"
#include "centinela/fusion.h"
#include "centinela/geo.h"
#include "centinela/log.h"
#include "centinela/nmea.h"
#include "centinela/radar.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS 1000000000LL
#define MAX_STATIONS 64
#define MAX_RADARS 32
#define MAX_SEGMENTS 256
#define MAX_EVENTS 16

enum seg_kind { SEG_MOVE, SEG_STOP, SEG_LOITER };
typedef struct segment {
    int kind;
    int64_t t0, t1;
    double lat0, lon0, lat1, lon1;
    double speed_mps, bearing_deg, dist_m, radius_m;
    bool anchor;
} segment;

typedef struct window {
    int64_t t0, t1;
} window;

typedef struct identity {
    int64_t at;
    uint32_t mmsi, imo;
    int ship_type;
    char name[21], callsign[8];
    bool has_name, has_callsign;
} identity;

typedef struct spoof {
    int64_t t0, t1;
    double lat, lon;
} spoof;

typedef struct vessel {
    char id[32];
    uint32_t mmsi, imo;
    char cls;
    int ship_type, nav_status;
    uint16_t length_m, beam_m;
    char name[21], callsign[8], destination[21];
    int64_t start, end;
    bool ais;
    double noise_m;
    segment seg[MAX_SEGMENTS];
    int nseg;
    window gaps[16];
    int ngaps;
    identity ids[8];
    int nids;
    spoof spoofs[8];
    int nspoofs;
    int64_t next_pos, next_static;
    int channel;
} vessel;

typedef struct station {
    uint32_t id;
    double lat, lon, range_m, loss;
} station;

typedef struct radar {
    radar_site site;
    double period_s, noise_m;
    bool tll;
    int64_t next_scan;
    uint16_t *target_of; /* per vessel target number, 0 unassigned */
    uint16_t next_target;
} radar;

struct sim {
    int64_t start, end;
    uint64_t rng;
    station st[MAX_STATIONS];
    int nst;
    radar rd[MAX_RADARS];
    int nrd;
    vessel *v;
    int nv;
    sim_event queue[MAX_EVENTS * MAX_STATIONS];
    int q_head, q_len;
    int seq_id;
};

/* ---- randomness (seeded, portable) ------------------------------------------------------- */
static double uniform(sim *s)
{
    uint64_t x = s->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    s->rng = x;
    return (double)((x * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}
static double gauss(sim *s)
{
    double u = uniform(s), v = uniform(s);
    return sqrt(-2.0 * log(u > 1e-300 ? u : 1e-300)) * cos(2 * M_PI * v);
}

/* ---- scenario parsing --------------------------------------------------------------------- */
typedef struct perr {
    char msg[200];
} perr;
#define PFAIL(e, ...) (snprintf((e)->msg, sizeof (e)->msg, __VA_ARGS__), -1)

static int get_num(json_t *o, const char *k, double def, double lo, double hi, double *out, perr *e,
                   const char *where)
{
    json_t *v = json_object_get(o, k);
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_number(v))
        return PFAIL(e, "%s: \"%s\" is not a number", where, k);
    *out = json_number_value(v);
    if (!(*out >= lo && *out <= hi))
        return PFAIL(e, "%s: \"%s\" = %g outside %g..%g", where, k, *out, lo, hi);
    return 0;
}

static int get_str(json_t *o, const char *k, char *out, size_t cap, perr *e, const char *where)
{
    json_t *v = json_object_get(o, k);
    if (!v)
        return 0;
    if (!json_is_string(v))
        return PFAIL(e, "%s: \"%s\" is not a string", where, k);
    snprintf(out, cap, "%s", json_string_value(v));
    return 0;
}

static int parse_time(json_t *v, int64_t *out, perr *e)
{
    if (json_is_number(v)) {
        *out = (int64_t)(json_number_value(v) * 1e9);
        return 0;
    }
    if (!json_is_string(v))
        return PFAIL(e, "\"start\" is neither ISO 8601 UTC text nor Unix seconds");
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *p = strptime(json_string_value(v), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p || (*p && strcmp(p, "Z") != 0))
        return PFAIL(e, "\"start\" must look like 2026-03-01T00:00:00Z");
    *out = (int64_t)timegm(&tm) * NS;
    return 0;
}

static int compile_route(vessel *v, json_t *route, perr *e)
{
    if (!json_is_array(route) || json_array_size(route) == 0)
        return PFAIL(e, "vessel %s: \"route\" must be a non-empty array of waypoints", v->id);
    int64_t t = v->start;
    double lat = 0, lon = 0, speed_kn = 10;
    size_t i;
    json_t *wp;
    char where[64];
    json_array_foreach(route, i, wp)
    {
        snprintf(where, sizeof where, "vessel %s waypoint %zu", v->id, i);
        if (!json_is_object(wp))
            return PFAIL(e, "%s: not an object", where);
        double wlat, wlon, stop_s, loiter_s, radius, spd;
        if (get_num(wp, "lat", NAN, -90, 90, &wlat, e, where) || get_num(wp, "lon", NAN, -180, 180, &wlon, e, where))
            return -1;
        if (isnan(wlat) || isnan(wlon))
            return PFAIL(e, "%s: \"lat\" and \"lon\" are required", where);
        if (get_num(wp, "speed_kn", speed_kn, 0, 100, &spd, e, where) ||
            get_num(wp, "stop_s", 0, 0, 1e7, &stop_s, e, where) ||
            get_num(wp, "loiter_s", 0, 0, 1e7, &loiter_s, e, where) ||
            get_num(wp, "loiter_radius_m", 300, 1, 1e5, &radius, e, where))
            return -1;
        if (v->nseg + 3 > MAX_SEGMENTS)
            return PFAIL(e, "vessel %s: route too long (%d segments at most)", v->id, MAX_SEGMENTS);
        if (i > 0) {
            /* the leg into this waypoint runs at the speed set on the previous one */
            segment *s = &v->seg[v->nseg++];
            s->kind = SEG_MOVE;
            s->lat0 = lat, s->lon0 = lon, s->lat1 = wlat, s->lon1 = wlon;
            s->dist_m = geo_distance_m(lat, lon, wlat, wlon);
            s->bearing_deg = geo_bearing_deg(lat, lon, wlat, wlon);
            s->speed_mps = speed_kn * GEO_MPS_PER_KN;
            if (s->speed_mps <= 0 && s->dist_m > 0)
                return PFAIL(e, "%s: a leg of %.0f m at speed 0", where, s->dist_m);
            s->t0 = t;
            s->t1 = t + (s->dist_m > 0 ? (int64_t)(s->dist_m / s->speed_mps * 1e9) : 0);
            t = s->t1;
        }
        speed_kn = spd;
        lat = wlat, lon = wlon;
        if (stop_s > 0) {
            segment *s = &v->seg[v->nseg++];
            s->kind = SEG_STOP;
            s->lat0 = s->lat1 = lat, s->lon0 = s->lon1 = lon;
            s->anchor = json_is_true(json_object_get(wp, "anchor"));
            s->t0 = t;
            s->t1 = t + (int64_t)(stop_s * 1e9);
            t = s->t1;
        }
        if (loiter_s > 0) {
            segment *s = &v->seg[v->nseg++];
            s->kind = SEG_LOITER;
            s->lat0 = s->lat1 = lat, s->lon0 = s->lon1 = lon;
            s->radius_m = radius;
            s->speed_mps = 2.0 * GEO_MPS_PER_KN; /* drifting / slow circling */
            s->t0 = t;
            s->t1 = t + (int64_t)(loiter_s * 1e9);
            t = s->t1;
        }
    }
    /* after the last waypoint the vessel waits there */
    segment *s = &v->seg[v->nseg++];
    s->kind = SEG_STOP;
    s->lat0 = s->lat1 = lat, s->lon0 = s->lon1 = lon;
    s->t0 = t;
    s->t1 = INT64_MAX;
    return 0;
}

static int parse_windows(json_t *arr, const char *key, vessel *v, perr *e)
{
    if (!arr)
        return 0;
    size_t i;
    json_t *g;
    if (!json_is_array(arr))
        return PFAIL(e, "vessel %s: \"%s\" must be an array", v->id, key);
    json_array_foreach(arr, i, g)
    {
        char where[64];
        snprintf(where, sizeof where, "vessel %s %s %zu", v->id, key, i);
        if (strcmp(key, "gaps") == 0) {
            double a, b;
            if (v->ngaps == 16 || get_num(g, "start_s", NAN, 0, 1e9, &a, e, where) ||
                get_num(g, "end_s", NAN, 0, 1e9, &b, e, where) || !(b > a))
                return e->msg[0] ? -1 : PFAIL(e, "%s: needs start_s < end_s (16 gaps at most)", where);
            v->gaps[v->ngaps++] = (window){v->start + (int64_t)(a * 1e9) - v->start + 0, 0};
            v->gaps[v->ngaps - 1].t0 = (int64_t)(a * 1e9);
            v->gaps[v->ngaps - 1].t1 = (int64_t)(b * 1e9);
        } else if (strcmp(key, "spoof") == 0) {
            double at, dur, la, lo;
            if (v->nspoofs == 8 || get_num(g, "at_s", NAN, 0, 1e9, &at, e, where) ||
                get_num(g, "duration_s", 60, 0, 1e9, &dur, e, where) ||
                get_num(g, "lat", NAN, -90, 90, &la, e, where) || get_num(g, "lon", NAN, -180, 180, &lo, e, where) ||
                isnan(at) || isnan(la) || isnan(lo))
                return e->msg[0] ? -1 : PFAIL(e, "%s: needs at_s, lat, lon (8 at most)", where);
            v->spoofs[v->nspoofs++] = (spoof){(int64_t)(at * 1e9), (int64_t)((at + dur) * 1e9), la, lo};
        } else {
            identity *id = &v->ids[v->nids];
            memset(id, 0, sizeof *id);
            double at, mmsi, imo, st;
            if (v->nids == 8 || get_num(g, "at_s", NAN, 0, 1e9, &at, e, where) || isnan(at) ||
                get_num(g, "mmsi", 0, 0, 1073741823, &mmsi, e, where) ||
                get_num(g, "imo", 0, 0, 1073741823, &imo, e, where) ||
                get_num(g, "ship_type", -1, -1, 255, &st, e, where))
                return e->msg[0] ? -1 : PFAIL(e, "%s: needs at_s (8 changes at most)", where);
            id->at = (int64_t)(at * 1e9);
            id->mmsi = (uint32_t)mmsi;
            id->imo = (uint32_t)imo;
            id->ship_type = (int)st;
            id->has_name = json_object_get(g, "name") != NULL;
            id->has_callsign = json_object_get(g, "callsign") != NULL;
            if (get_str(g, "name", id->name, sizeof id->name, e, where) ||
                get_str(g, "callsign", id->callsign, sizeof id->callsign, e, where))
                return -1;
            v->nids++;
        }
    }
    return 0;
}

static int parse_vessel(sim *s, vessel *v, json_t *o, int index, perr *e)
{
    char where[64];
    snprintf(where, sizeof where, "vessel %d", index);
    if (!json_is_object(o))
        return PFAIL(e, "%s: not an object", where);
    snprintf(v->id, sizeof v->id, "v%d", index);
    if (get_str(o, "id", v->id, sizeof v->id, e, where))
        return -1;
    snprintf(where, sizeof where, "vessel %s", v->id);
    double mmsi, imo, st, nav, len, beam, start, end, noise;
    if (get_num(o, "mmsi", NAN, 0, 1073741823, &mmsi, e, where) || get_num(o, "imo", 0, 0, 1073741823, &imo, e, where) ||
        get_num(o, "ship_type", 0, 0, 255, &st, e, where) || get_num(o, "nav_status", 0, 0, 15, &nav, e, where) ||
        get_num(o, "length_m", 0, 0, 511, &len, e, where) || get_num(o, "beam_m", 0, 0, 126, &beam, e, where) ||
        get_num(o, "start_s", 0, 0, 1e9, &start, e, where) || get_num(o, "end_s", 1e12, 0, 1e12, &end, e, where) ||
        get_num(o, "position_noise_m", 5, 0, 10000, &noise, e, where))
        return -1;
    if (isnan(mmsi))
        return PFAIL(e, "%s: \"mmsi\" is required (any 30-bit value: invalid MMSIs are allowed)", where);
    v->mmsi = (uint32_t)mmsi;
    v->imo = (uint32_t)imo;
    v->ship_type = (int)st;
    v->nav_status = (int)nav;
    v->length_m = (uint16_t)len;
    v->beam_m = (uint16_t)beam;
    v->noise_m = noise;
    char cls[4] = "A";
    if (get_str(o, "class", cls, sizeof cls, e, where) || get_str(o, "name", v->name, sizeof v->name, e, where) ||
        get_str(o, "callsign", v->callsign, sizeof v->callsign, e, where) ||
        get_str(o, "destination", v->destination, sizeof v->destination, e, where))
        return -1;
    if (strcmp(cls, "A") != 0 && strcmp(cls, "B") != 0)
        return PFAIL(e, "%s: \"class\" must be \"A\" or \"B\"", where);
    v->cls = cls[0];
    json_t *ais = json_object_get(o, "ais");
    if (ais && !json_is_boolean(ais))
        return PFAIL(e, "%s: \"ais\" must be true or false", where);
    v->ais = !ais || json_is_true(ais);
    v->start = s->start + (int64_t)(start * 1e9);
    v->end = end >= 1e12 ? INT64_MAX : s->start + (int64_t)(end * 1e9);
    if (compile_route(v, json_object_get(o, "route"), e) || parse_windows(json_object_get(o, "gaps"), "gaps", v, e) ||
        parse_windows(json_object_get(o, "spoof"), "spoof", v, e) ||
        parse_windows(json_object_get(o, "identity"), "identity", v, e))
        return -1;
    /* gap, spoof and identity times are relative to the scenario start */
    for (int i = 0; i < v->ngaps; i++)
        v->gaps[i].t0 += s->start, v->gaps[i].t1 += s->start;
    for (int i = 0; i < v->nspoofs; i++)
        v->spoofs[i].t0 += s->start, v->spoofs[i].t1 += s->start;
    for (int i = 0; i < v->nids; i++)
        v->ids[i].at += s->start;
    v->next_pos = v->start;
    v->next_static = v->start + (int64_t)(uniform(s) * 30 * NS);
    return 0;
}

sim *sim_create(const char *text, size_t len, const char *origin)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    if (!root) {
        log_error("%s: not valid JSON: line %d: %s", origin, jerr.line, jerr.text);
        return NULL;
    }
    sim *s = x_calloc(1, sizeof *s);
    perr e = {""};
    double dur, seed;
    int rc = 0;
    if (!json_is_object(root)) {
        rc = PFAIL(&e, "top level must be an object");
    } else {
        json_t *start = json_object_get(root, "start");
        if (start)
            rc = parse_time(start, &s->start, &e);
        else
            s->start = 1772323200LL * NS; /* 2026-03-01T00:00:00Z */
    }
    if (!rc)
        rc = get_num(root, "duration_s", 3600, 1, 365 * 86400.0, &dur, &e, "scenario") ||
             get_num(root, "seed", 1, 0, 1e15, &seed, &e, "scenario");
    if (!rc) {
        s->end = s->start + (int64_t)(dur * 1e9);
        s->rng = (uint64_t)seed * 0x9E3779B97F4A7C15ULL + 88172645463325252ULL;
        size_t i;
        json_t *o, *arr = json_object_get(root, "stations");
        json_array_foreach(arr, i, o)
        {
            char where[32];
            snprintf(where, sizeof where, "station %zu", i);
            station *st = &s->st[s->nst];
            double id, rng;
            if (s->nst == MAX_STATIONS) {
                rc = PFAIL(&e, "more than %d stations", MAX_STATIONS);
                break;
            }
            if ((rc = get_num(o, "id", NAN, 0, 4294967295.0, &id, &e, where) ||
                      get_num(o, "lat", NAN, -90, 90, &st->lat, &e, where) ||
                      get_num(o, "lon", NAN, -180, 180, &st->lon, &e, where) ||
                      get_num(o, "range_nm", 40, 0, 2000, &rng, &e, where) ||
                      get_num(o, "loss", 0, 0, 1, &st->loss, &e, where)))
                break;
            if (isnan(id) || isnan(st->lat) || isnan(st->lon)) {
                rc = PFAIL(&e, "%s: id, lat and lon are required", where);
                break;
            }
            st->id = (uint32_t)id;
            st->range_m = rng * 1852.0;
            s->nst++;
        }
        arr = json_object_get(root, "radars");
        json_array_foreach(arr, i, o)
        {
            if (rc)
                break;
            char where[32];
            snprintf(where, sizeof where, "radar %zu", i);
            radar *r = &s->rd[s->nrd];
            double id, rng;
            char fmt[8] = "ttm";
            if (s->nrd == MAX_RADARS) {
                rc = PFAIL(&e, "more than %d radars", MAX_RADARS);
                break;
            }
            if ((rc = get_num(o, "id", NAN, 0, 4294967295.0, &id, &e, where) ||
                      get_num(o, "lat", NAN, -90, 90, &r->site.lat_deg, &e, where) ||
                      get_num(o, "lon", NAN, -180, 180, &r->site.lon_deg, &e, where) ||
                      get_num(o, "range_nm", 24, 0.1, 200, &rng, &e, where) ||
                      get_num(o, "period_s", 3, 0.5, 600, &r->period_s, &e, where) ||
                      get_num(o, "noise_m", 25, 0, 5000, &r->noise_m, &e, where) ||
                      get_str(o, "format", fmt, sizeof fmt, &e, where)))
                break;
            if (isnan(id) || isnan(r->site.lat_deg) || isnan(r->site.lon_deg) ||
                (strcmp(fmt, "ttm") != 0 && strcmp(fmt, "tll") != 0)) {
                rc = PFAIL(&e, "%s: id, lat, lon are required; format is ttm or tll", where);
                break;
            }
            r->site.id = (uint32_t)id;
            r->site.range_m = rng * 1852.0;
            r->tll = strcmp(fmt, "tll") == 0;
            r->next_scan = s->start + (int64_t)(uniform(s) * r->period_s * 1e9);
            s->nrd++;
        }
        arr = json_object_get(root, "vessels");
        if (!rc && !json_is_array(arr))
            rc = PFAIL(&e, "\"vessels\" must be an array");
        if (!rc) {
            s->nv = (int)json_array_size(arr);
            s->v = x_calloc((size_t)(s->nv ? s->nv : 1), sizeof *s->v);
            json_array_foreach(arr, i, o)
            {
                if ((rc = parse_vessel(s, &s->v[i], o, (int)i, &e)) != 0)
                    break;
            }
        }
        for (int k = 0; k < s->nrd && !rc; k++)
            s->rd[k].target_of = x_calloc((size_t)(s->nv ? s->nv : 1), sizeof(uint16_t));
    }
    json_decref(root);
    if (rc) {
        log_error("%s: %s", origin, e.msg);
        sim_destroy(&s);
        return NULL;
    }
    return s;
}

sim *sim_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        log_error("%s: cannot open", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n < 0 || n > (64 << 20)) {
        fclose(f);
        log_error("%s: unreadable or larger than 64 MiB", path);
        return NULL;
    }
    char *buf = x_malloc((size_t)n + 1);
    size_t k = fread(buf, 1, (size_t)n, f);
    fclose(f);
    sim *s = sim_create(buf, k, path);
    free(buf);
    return s;
}

void sim_destroy(sim **ps)
{
    if (!ps || !*ps)
        return;
    sim *s = *ps;
    for (int i = 0; i < s->nrd; i++)
        free(s->rd[i].target_of);
    free(s->v);
    free(s);
    *ps = NULL;
}

/* ---- truth -------------------------------------------------------------------------------- */

static const segment *segment_at(const vessel *v, int64_t t)
{
    for (int i = 0; i < v->nseg; i++)
        if (t < v->seg[i].t1 || i == v->nseg - 1)
            return &v->seg[i];
    return &v->seg[v->nseg - 1];
}

static void truth(const vessel *v, int64_t t, sim_truth *o)
{
    const segment *s = segment_at(v, t);
    double dt = (double)(t - s->t0) / 1e9;
    if (dt < 0)
        dt = 0;
    o->present = t >= v->start && t < v->end;
    switch (s->kind) {
    case SEG_MOVE: {
        double d = fmin(s->speed_mps * dt, s->dist_m);
        geo_destination(s->lat0, s->lon0, s->bearing_deg, d, &o->lat_deg, &o->lon_deg);
        o->sog_kn = s->speed_mps / GEO_MPS_PER_KN;
        o->cog_deg = s->bearing_deg;
        break;
    }
    case SEG_LOITER: {
        double w = s->speed_mps / s->radius_m, a = w * dt;
        double x = s->radius_m * sin(a), y = s->radius_m * (cos(a) - 1.0);
        geo_from_local(s->lat0, s->lon0, x, y, &o->lat_deg, &o->lon_deg);
        o->sog_kn = s->speed_mps / GEO_MPS_PER_KN;
        double c = 90.0 - geo_deg(a);
        o->cog_deg = fmod(fmod(c, 360.0) + 360.0, 360.0);
        break;
    }
    default:
        o->lat_deg = s->lat0;
        o->lon_deg = s->lon0;
        o->sog_kn = 0;
        o->cog_deg = 0;
    }
    bool gap = false;
    for (int i = 0; i < v->ngaps; i++)
        gap |= t >= v->gaps[i].t0 && t < v->gaps[i].t1;
    o->transmitting = o->present && v->ais && !gap;
}

void sim_truth_at(const sim *s, int vessel_i, int64_t t_ns, sim_truth *out)
{
    truth(&s->v[vessel_i], t_ns, out);
}

int64_t sim_start_ns(const sim *s)
{
    return s->start;
}
int64_t sim_end_ns(const sim *s)
{
    return s->end;
}
int sim_vessel_count(const sim *s)
{
    return s->nv;
}
const char *sim_vessel_id(const sim *s, int i)
{
    return s->v[i].id;
}
bool sim_vessel_ais(const sim *s, int i)
{
    return s->v[i].ais;
}

/* Identity in force at t (the base identity with every change up to t applied). */
static void identity_at(const vessel *v, int64_t t, uint32_t *mmsi, char *name, char *callsign,
                        uint32_t *imo, int *ship_type)
{
    *mmsi = v->mmsi;
    *imo = v->imo;
    *ship_type = v->ship_type;
    memcpy(name, v->name, 21);
    memcpy(callsign, v->callsign, 8);
    for (int i = 0; i < v->nids; i++) {
        const identity *id = &v->ids[i];
        if (t < id->at)
            continue;
        if (id->mmsi)
            *mmsi = id->mmsi;
        if (id->imo)
            *imo = id->imo;
        if (id->ship_type >= 0)
            *ship_type = id->ship_type;
        if (id->has_name)
            memcpy(name, id->name, 21);
        if (id->has_callsign)
            memcpy(callsign, id->callsign, 8);
    }
}

uint32_t sim_vessel_mmsi(const sim *s, int i, int64_t t)
{
    uint32_t mmsi, imo;
    int st;
    char n[21], c[8];
    identity_at(&s->v[i], t, &mmsi, n, c, &imo, &st);
    return mmsi;
}

int sim_write_truth(const sim *s, const char *path, double interval_s)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        log_error("%s: cannot create", path);
        return -1;
    }
    int64_t step = (int64_t)(interval_s * 1e9);
    for (int64_t t = s->start; t <= s->end; t += step) {
        for (int i = 0; i < s->nv; i++) {
            sim_truth tr;
            truth(&s->v[i], t, &tr);
            if (!tr.present)
                continue;
            fprintf(f,
                    "{\"t\":%.3f,\"vessel\":\"%s\",\"mmsi\":%u,\"lat\":%.7f,\"lon\":%.7f,"
                    "\"sog_kn\":%.2f,\"cog_deg\":%.1f,\"ais\":%s}\n",
                    t / 1e9, s->v[i].id, sim_vessel_mmsi(s, i, t), tr.lat_deg, tr.lon_deg, tr.sog_kn,
                    tr.cog_deg, tr.transmitting ? "true" : "false");
        }
    }
    int err = ferror(f);
    if (fclose(f) != 0 || err) {
        log_error("%s: write error", path);
        return -1;
    }
    return 0;
}

/* ---- event generation ------------------------------------------------------------------- */

static void push_event(sim *s, const sim_event *ev)
{
    size_t cap = sizeof s->queue / sizeof s->queue[0];
    if ((size_t)s->q_len == cap)
        return;
    s->queue[(s->q_head + s->q_len) % cap] = *ev;
    s->q_len++;
}

/* One transmission: encode, then one event per station that hears it. */
static void transmit(sim *s, int vi, int64_t t, const ais_msg *m)
{
    uint8_t bits[SIXBIT_MAX_BYTES];
    size_t nbits;
    if (ais_encode(m, bits, sizeof bits, &nbits) != 0)
        return;
    vessel *v = &s->v[vi];
    sim_truth tr;
    truth(v, t, &tr);
    char channel = (v->channel++ & 1) ? 'B' : 'A';
    int seq = s->seq_id = (s->seq_id + 1) % 10;
    char vdm[400];
    int parts = nmea_encode_vdm(bits, nbits, "AIVDM", channel, seq, vdm, sizeof vdm);
    if (parts < 0)
        return;
    for (int k = 0; k < s->nst; k++) {
        station *st = &s->st[k];
        if (geo_distance_m(st->lat, st->lon, tr.lat_deg, tr.lon_deg) > st->range_m)
            continue;
        if (st->loss > 0 && uniform(s) < st->loss)
            continue;
        sim_event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = SIM_AIS;
        ev.time_ns = t;
        ev.station_id = st->id;
        ev.vessel = vi;
        memcpy(ev.bits, bits, (nbits + 7) / 8);
        ev.nbits = nbits;
        /* every sentence gets the station and reception-time tag block */
        nmea_tagblock tb;
        memset(&tb, 0, sizeof tb);
        tb.present = NMEA_TAG_S | NMEA_TAG_C;
        snprintf(tb.s, sizeof tb.s, "%u", st->id);
        tb.c_raw = t / NS;
        char tag[96];
        size_t tl = nmea_tagblock_format(&tb, tag, sizeof tag);
        size_t off = 0;
        for (char *line = vdm; *line;) {
            char *end = strstr(line, "\r\n");
            size_t ll = end ? (size_t)(end - line) : strlen(line);
            off += (size_t)snprintf(ev.text + off, sizeof ev.text - off, "%.*s%.*s\n", (int)tl, tag,
                                    (int)ll, line);
            line += ll + (end ? 2 : 0);
        }
        push_event(s, &ev);
    }
}

static void position_report(sim *s, int vi, int64_t t)
{
    vessel *v = &s->v[vi];
    sim_truth tr;
    truth(v, t, &tr);
    uint32_t mmsi, imo;
    int st;
    char name[21], cs[8];
    identity_at(v, t, &mmsi, name, cs, &imo, &st);
    double lat = tr.lat_deg, lon = tr.lon_deg;
    for (int i = 0; i < v->nspoofs; i++) {
        if (t >= v->spoofs[i].t0 && t < v->spoofs[i].t1) {
            lat = v->spoofs[i].lat;
            lon = v->spoofs[i].lon;
        }
    }
    if (v->noise_m > 0)
        geo_from_local(lat, lon, gauss(s) * v->noise_m / M_SQRT2, gauss(s) * v->noise_m / M_SQRT2, &lat, &lon);
    const segment *seg = segment_at(v, t);
    int nav = seg->kind == SEG_STOP && seg->anchor ? 1 : v->nav_status;
    ais_msg m;
    memset(&m, 0, sizeof m);
    m.mmsi = mmsi;
    int32_t ilat = (int32_t)lround(lat * 600000.0), ilon = (int32_t)lround(lon * 600000.0);
    uint32_t speed = (uint32_t)lround(fmin(tr.sog_kn, 102.2) * 10);
    uint32_t course = (uint32_t)lround(tr.cog_deg * 10) % 3600;
    uint32_t second = (uint32_t)((t / NS) % 60);
    if (v->cls == 'A') {
        m.type = 1;
        m.u.position = (ais_position){.status = (uint32_t)nav, .speed = speed, .course = course,
                                      .heading = (uint32_t)lround(tr.cog_deg) % 360, .second = second,
                                      .turn = 0, .lon = ilon, .lat = ilat, .accuracy = true};
    } else {
        m.type = 18;
        m.u.class_b.speed = speed;
        m.u.class_b.course = course;
        m.u.class_b.heading = AIS_HEADING_NA;
        m.u.class_b.second = second;
        m.u.class_b.lon = ilon;
        m.u.class_b.lat = ilat;
        m.u.class_b.accuracy = true;
        m.u.class_b.cs = true;
        m.u.class_b.msg22 = true;
        m.u.class_b.band = true;
        m.u.class_b.display = false;
        m.u.class_b.dsc = true;
        m.u.class_b.radio = 393222; /* CS units: "itdma" fill value, as transmitters send */
    }
    transmit(s, vi, t, &m);
    double interval = fusion_ais_interval_s(v->cls, tr.sog_kn, nav);
    v->next_pos = t + (int64_t)(interval * (0.9 + 0.2 * uniform(s)) * 1e9);
}

static void static_report(sim *s, int vi, int64_t t)
{
    vessel *v = &s->v[vi];
    uint32_t mmsi, imo;
    int st;
    char name[21], cs[8];
    identity_at(v, t, &mmsi, name, cs, &imo, &st);
    ais_msg m;
    memset(&m, 0, sizeof m);
    m.mmsi = mmsi;
    uint32_t bow = v->length_m / 2, stern = v->length_m - v->length_m / 2;
    uint32_t port = v->beam_m / 2, stbd = v->beam_m - v->beam_m / 2;
    if (v->cls == 'A') {
        m.type = 5;
        ais_static_voyage *sv = &m.u.static_voyage;
        sv->imo = imo;
        sv->shiptype = (uint32_t)st;
        sv->to_bow = bow, sv->to_stern = stern, sv->to_port = port, sv->to_starboard = stbd;
        sv->epfd = 1;
        sv->draught = 80;
        memcpy(sv->callsign, cs, 8);
        memcpy(sv->shipname, name, 21);
        memcpy(sv->destination, v->destination, 21);
        transmit(s, vi, t, &m);
    } else {
        m.type = 24;
        m.u.static_data.partno = 0;
        memcpy(m.u.static_data.shipname, name, 21);
        transmit(s, vi, t, &m);
        memset(&m.u, 0, sizeof m.u);
        m.u.static_data.partno = 1;
        m.u.static_data.shiptype = (uint32_t)st;
        memcpy(m.u.static_data.callsign, cs, 8);
        m.u.static_data.to_bow = bow, m.u.static_data.to_stern = stern;
        m.u.static_data.to_port = port, m.u.static_data.to_starboard = stbd;
        transmit(s, vi, t + NS / 10, &m);
    }
    v->next_static = t + 360 * NS;
}

static void radar_scan(sim *s, radar *r, int64_t t)
{
    for (int vi = 0; vi < s->nv; vi++) {
        sim_truth tr;
        truth(&s->v[vi], t, &tr);
        if (!tr.present)
            continue;
        if (geo_distance_m(r->site.lat_deg, r->site.lon_deg, tr.lat_deg, tr.lon_deg) > r->site.range_m)
            continue;
        if (!r->target_of[vi]) {
            r->next_target = (uint16_t)(r->next_target % 999 + 1);
            r->target_of[vi] = r->next_target;
        }
        wire_radar w;
        memset(&w, 0, sizeof w);
        w.site_id = r->site.id;
        w.target = r->target_of[vi];
        w.status = 'T';
        geo_from_local(tr.lat_deg, tr.lon_deg, gauss(s) * r->noise_m / M_SQRT2,
                       gauss(s) * r->noise_m / M_SQRT2, &w.lat_deg, &w.lon_deg);
        w.speed_kn = (float)fmax(0, tr.sog_kn + gauss(s) * 0.3);
        w.course_deg = (float)fmod(tr.cog_deg + gauss(s) * 2 + 360, 360);
        sim_event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = SIM_RADAR;
        ev.time_ns = t;
        ev.station_id = r->site.id;
        ev.vessel = vi;
        nmea_tagblock tb;
        memset(&tb, 0, sizeof tb);
        tb.present = NMEA_TAG_S | NMEA_TAG_C;
        snprintf(tb.s, sizeof tb.s, "%u", r->site.id);
        tb.c_raw = t / NS;
        size_t tl = nmea_tagblock_format(&tb, ev.text, sizeof ev.text);
        size_t k = r->tll ? radar_format_tll(&w, t, ev.text + tl, sizeof ev.text - tl - 1)
                          : radar_format_ttm(&r->site, &w, t, ev.text + tl, sizeof ev.text - tl - 1);
        if (!k)
            continue;
        /* "\r\n" -> "\n" like the AIS lines */
        ev.text[tl + k - 2] = '\n';
        ev.text[tl + k - 1] = 0;
        push_event(s, &ev);
    }
    r->next_scan = t + (int64_t)(r->period_s * 1e9);
}

int sim_next(sim *s, sim_event *ev)
{
    size_t cap = sizeof s->queue / sizeof s->queue[0];
    while (s->q_len == 0) {
        /* the earliest scheduled action */
        int64_t best = INT64_MAX;
        int kind = 0, idx = -1;
        for (int i = 0; i < s->nv; i++) {
            vessel *v = &s->v[i];
            if (!v->ais)
                continue;
            if (v->next_pos < best)
                best = v->next_pos, kind = 1, idx = i;
            if (v->next_static < best)
                best = v->next_static, kind = 2, idx = i;
        }
        for (int i = 0; i < s->nrd; i++)
            if (s->rd[i].next_scan < best)
                best = s->rd[i].next_scan, kind = 3, idx = i;
        if (idx < 0 || best > s->end)
            return 0;
        if (kind == 3) {
            radar_scan(s, &s->rd[idx], best);
            continue;
        }
        vessel *v = &s->v[idx];
        sim_truth tr;
        truth(v, best, &tr);
        if (!tr.present || !tr.transmitting) {
            /* silent now: look again a little later (cheap, and gap ends are found within 1 s) */
            if (kind == 1)
                v->next_pos = best + (best < v->start ? v->start - best : NS);
            else
                v->next_static = best + (best < v->start ? v->start - best : 10 * NS);
            if (best >= v->end)
                v->next_pos = v->next_static = INT64_MAX;
            continue;
        }
        if (kind == 1)
            position_report(s, idx, best);
        else
            static_report(s, idx, best);
    }
    *ev = s->queue[s->q_head];
    s->q_head = (int)((s->q_head + 1) % cap);
    s->q_len--;
    return 1;
}
