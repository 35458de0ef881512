/* Generated track streams with ground truth: see scenario.h. */
#include "scenario.h"

#include "centinela/geo.h"
#include "centinela/log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS 1000000000LL
#define H_NS (3600LL * NS)
#define MAX_LEGS 32

enum leg_kind { L_GOTO, L_HOLD, L_SILENT, L_LAND, L_END };
typedef struct leg {
    uint8_t kind;
    double lat, lon;
    float sog_kn;
    double dur_s;
    float course_deg; /* HOLD / SILENT drift course, NaN: keep the current one */
} leg;

typedef struct svessel {
    wire_track id; /* identity template */
    leg legs[MAX_LEGS];
    int n_legs, cur;
    double lat, lon;
    float sog, cog;
    int64_t start_ns, last_ns, next_ns, leg_end_ns, last_emit_ns;
    bool started, done, radar_only, split, heard_once;
    int64_t rename_ns, jump_ns;
    char rename_to[21];
    double zq_lat, zq_lon;
    uint32_t zmask;
    float dist_shore;
    uint64_t rng;
} svessel;

struct scenario {
    scenario_config cfg;
    svessel *v;
    int n, cap;
    int *heap; /* indices by next_ns */
    int hn;
    scn_truth *truth;
    size_t nt, tcap;
    double vessel_s;
    uint32_t next_track, next_mmsi;
    uint64_t rng;
};

/* ---- geography of the generator (stations and radar are the scenario's, zones are real) ---- */
static const double stations[][2] = {{8.95, -79.55}, {7.47, -79.99}};
#define COVERAGE_M 90000.0
#define HEARD_M 140000.0
static const double radar_site[2] = {8.91, -79.52};
#define RADAR_M 60000.0

static double rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) / 9007199254740992.0;
}
static double uni(uint64_t *s, double a, double b)
{
    return a + (b - a) * rnd(s);
}

static double station_dist(double lat, double lon)
{
    double best = INFINITY;
    for (size_t i = 0; i < sizeof stations / sizeof stations[0]; i++) {
        double d = geo_distance_m(lat, lon, stations[i][0], stations[i][1]);
        if (d < best)
            best = d;
    }
    return best;
}

/* Does the straight path stay clear of the kinds in forbid (sampled every 100 m)? */
static bool path_ok(const zones *z, double la1, double lo1, double la2, double lo2, uint32_t forbid)
{
    double d = geo_distance_m(la1, lo1, la2, lo2);
    int n = (int)(d / 100) + 1;
    for (int i = 0; i <= n; i++) {
        double f = (double)i / n;
        if (zones_mask_at(z, la1 + (la2 - la1) * f, lo1 + (lo2 - lo1) * f) & forbid)
            return false;
    }
    return true;
}

/* ---- building vessels ---- */
static svessel *add_vessel(scenario *s, uint32_t mmsi, char cls, uint8_t type, uint16_t len,
                           double lat, double lon, int64_t start_ns)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->v = x_realloc(s->v, (size_t)s->cap * sizeof *s->v);
    }
    svessel *v = &s->v[s->n++];
    memset(v, 0, sizeof *v);
    v->id.track_id = ++s->next_track;
    v->id.mmsi = mmsi;
    v->id.ais_class = (uint8_t)cls;
    v->id.ship_type = type;
    v->id.length_m = len;
    v->id.beam_m = len / 6;
    v->id.nav_status = 15;
    if (mmsi) {
        static const char *const words[] = {"OCEAN", "PACIFIC", "STAR", "MAR", "DEL", "SUR",
                                            "BLUE", "CRISTAL", "NORTE", "ISLA", "BRAVO"};
        snprintf(v->id.name, sizeof v->id.name, "%s %s %u", words[mmsi % 11],
                 words[(mmsi / 11) % 11], mmsi % 97);
        snprintf(v->id.callsign, sizeof v->id.callsign, "H%u", mmsi % 100000);
        v->id.imo = cls == 'A' ? 9100000 + mmsi % 800000 : 0;
    }
    v->lat = lat;
    v->lon = lon;
    v->start_ns = v->next_ns = start_ns;
    v->last_ns = start_ns;
    v->rng = s->rng ^ ((uint64_t)v->id.track_id * 0x9e3779b97f4a7c15ull);
    v->cog = 0;
    return v;
}

static void leg_add(svessel *v, enum leg_kind k, double lat, double lon, float sog, double dur_s)
{
    if (v->n_legs == MAX_LEGS) {
        fprintf(stderr, "scenario: too many legs\n");
        abort();
    }
    v->legs[v->n_legs++] = (leg){(uint8_t)k, lat, lon, sog, dur_s, NAN};
}

/* Drift at sog on a fixed course for dur_s. */
static void hold_course(svessel *v, float sog, double dur_s, float course_deg)
{
    leg_add(v, L_HOLD, 0, 0, sog, dur_s);
    v->legs[v->n_legs - 1].course_deg = course_deg;
}

/* Leave the area: out of every station's hearing, by the first exit reachable without crossing
 * what forbid names; the vessel then ends far away. */
static void sail_out(scenario *s, svessel *v, double la, double lo, uint32_t forbid)
{
    static const double exits[][2] = {{7.5, -78.85}, {7.3, -79.75}, {7.2, -79.55},
                                        {7.6, -79.1},  {8.5, -78.75}};
    for (size_t i = 0; i < sizeof exits / sizeof exits[0]; i++) {
        if (path_ok(s->cfg.zones, la, lo, exits[i][0], exits[i][1], forbid) &&
            path_ok(s->cfg.zones, exits[i][0], exits[i][1], 4.0, exits[i][1], forbid)) {
            leg_add(v, L_GOTO, exits[i][0], exits[i][1], 10, 0);
            leg_add(v, L_GOTO, 4.0, exits[i][1], 12, 0);
            leg_add(v, L_END, 0, 0, 0, 0);
            return;
        }
    }
    /* No way out: stay put (moored) to the end. */
    leg_add(v, L_HOLD, 0, 0, 0, 1e9);
    leg_add(v, L_END, 0, 0, 0, 0);
}

static void truth_add(scenario *s, const char *rule, uint32_t mmsi, uint32_t track_id,
                      int64_t a, int64_t b, bool secondary)
{
    if (s->nt == s->tcap) {
        s->tcap = s->tcap ? s->tcap * 2 : 64;
        s->truth = x_realloc(s->truth, s->tcap * sizeof *s->truth);
    }
    scn_truth *t = &s->truth[s->nt++];
    memset(t, 0, sizeof *t);
    snprintf(t->rule, sizeof t->rule, "%s", rule);
    t->mmsi = mmsi;
    t->track_id = track_id;
    t->start_ns = a;
    t->end_ns = b;
    t->secondary = secondary;
}

static uint32_t new_mmsi(scenario *s)
{
    static const uint32_t mids[] = {352, 353, 354, 355, 356, 357, 370, 371, 372, 373, 538, 636,
                                    477, 563, 229, 248, 256, 311, 309, 735, 730, 345};
    uint32_t mid = mids[s->next_mmsi % (sizeof mids / sizeof mids[0])];
    return mid * 1000000u + 100000u + (s->next_mmsi++ % 899999u);
}

static void require_path(const scenario *s, const char *what, double la1, double lo1, double la2,
                         double lo2, uint32_t forbid)
{
    if (!path_ok(s->cfg.zones, la1, lo1, la2, lo2, forbid)) {
        fprintf(stderr, "scenario: %s path (%.3f,%.3f)->(%.3f,%.3f) crosses a forbidden zone\n",
                what, la1, lo1, la2, lo2);
        abort();
    }
}

/* A random point of kind `want` in a box, clear of forbid, reachable straight from (la0,lo0). */
static bool pick_point(scenario *s, uint64_t *r, double la_a, double la_b, double lo_a,
                       double lo_b, uint32_t want, uint32_t forbid, double la0, double lo0,
                       double *la, double *lo)
{
    for (int tries = 0; tries < 200; tries++) {
        double a = uni(r, la_a, la_b), o = uni(r, lo_a, lo_b);
        uint32_t m = zones_mask_at(s->cfg.zones, a, o);
        if ((want && !(m & want)) || (m & forbid))
            continue;
        if ((forbid & ZONE_BIT(ZONE_LAND)) && zones_dist_shore_m(s->cfg.zones, a, o) < 3000)
            continue; /* room to drift */
        if (isfinite(la0) && !path_ok(s->cfg.zones, la0, lo0, a, o, forbid))
            continue;
        *la = a;
        *lo = o;
        return true;
    }
    return false;
}

#define B(k) ZONE_BIT(ZONE_##k)
static const uint32_t AVOID_SMALL = B(LAND) | B(TSS_LANE) | B(TSS_SEPARATION) | B(ANCHORAGE) | B(PORT) | B(CANAL_APPROACH);

/* Normal traffic. */
static void add_normal(scenario *s, int i)
{
    uint64_t *r = &s->rng;
    int64_t t0 = s->cfg.t0_ns, span = (int64_t)(s->cfg.hours * H_NS);
    double u = rnd(r);
    int64_t start = t0 + (int64_t)(rnd(r) * 0.9 * (double)span);
    const zones *z = s->cfg.zones;
    if (u < 0.22) { /* canal arrival: northbound lane, anchorage, entrance */
        bool waiting = rnd(r) < 0.3; /* already in the queue at the start */
        double ala, alo;
        if (!pick_point(s, r, 8.83, 8.90, -79.50, -79.45, B(ANCHORAGE), 0, NAN, NAN, &ala, &alo))
            return;
        svessel *v;
        if (waiting) {
            v = add_vessel(s, new_mmsi(s), 'A', 70 + (uint8_t)(i % 10), 180, ala, alo, t0);
        } else {
            /* Up the northbound lane (79 23' to 79 20' W from 7 45' N to 8 35' N, IMO 2014),
             * then its northern reach to the precautionary area. */
            double lo = uni(r, -79.365, -79.352);
            v = add_vessel(s, new_mmsi(s), 'A', 70 + (uint8_t)(i % 10), 180, 7.35, lo, start);
            leg_add(v, L_GOTO, 7.97, lo, 12, 0);
            leg_add(v, L_GOTO, 8.5833, -79.3583, 9.5f, 0);
            leg_add(v, L_GOTO, 8.757, -79.375, 9.5f, 0);
            leg_add(v, L_GOTO, ala, alo, 6, 0);
        }
        leg_add(v, L_HOLD, 0, 0, 0, uni(r, 6, 40) * 3600);
        leg_add(v, L_GOTO, 8.90, -79.515, 8, 0);
        leg_add(v, L_GOTO, 8.955, -79.565, 6, 0);
        leg_add(v, L_END, 0, 0, 0, 0);
    } else if (u < 0.36) { /* departure: southbound lane and out of coverage */
        svessel *v = add_vessel(s, new_mmsi(s), 'A', 80 + (uint8_t)(i % 10), 200, 8.955, -79.565, start);
        leg_add(v, L_GOTO, 8.90, -79.515, 8, 0);
        leg_add(v, L_GOTO, 8.795, -79.50, 8, 0);
        leg_add(v, L_GOTO, 8.745, -79.475, 8, 0); /* the southbound lane, 79 29' to 79 26' W */
        leg_add(v, L_GOTO, 8.5833, -79.4583, 9.5f, 0);
        leg_add(v, L_GOTO, 7.99, -79.4583, 9.5f, 0);
        leg_add(v, L_GOTO, 7.0, -79.26, 13, 0);
        leg_add(v, L_GOTO, 5.5, -79.0, 13, 0);
        leg_add(v, L_END, 0, 0, 0, 0);
    } else if (u < 0.56) { /* fishing, one side of the gulf */
        bool west = rnd(r) < 0.5;
        double la0, lo0;
        double la_a = 7.7, la_b = 8.5, lo_a = west ? -80.1 : -79.2, lo_b = west ? -79.7 : -78.8;
        if (!pick_point(s, r, la_a, la_b, lo_a, lo_b, 0, AVOID_SMALL, NAN, NAN, &la0, &lo0))
            return;
        uint16_t len = (uint16_t)uni(r, 12, 30);
        svessel *v = add_vessel(s, new_mmsi(s), len < 20 ? 'B' : 'A', 30, len, la0, lo0, start);
        double la = la0, lo = lo0;
        for (int k = 0; k < 8; k++) {
            double nla, nlo;
            if (!pick_point(s, r, la_a, la_b, lo_a, lo_b, 0, AVOID_SMALL, la, lo, &nla, &nlo))
                break;
            leg_add(v, L_GOTO, nla, nlo, (float)uni(r, 3, 4.5), 0);
            if (rnd(r) < 0.4) /* hauling, stopped for up to 1.5 h (no drift: routes stay checked) */
                leg_add(v, L_HOLD, 0, 0, 0, uni(r, 0.5, 1.5) * 3600);
            la = nla;
            lo = nlo;
        }
        sail_out(s, v, la, lo, B(LAND) | B(TSS_LANE) | B(TSS_SEPARATION) | B(ANCHORAGE));
    } else if (u < 0.66) { /* pilot boat or tug: port <-> anchorage boarding ground */
        bool pilot = rnd(r) < 0.6;
        svessel *v = add_vessel(s, new_mmsi(s), 'A', pilot ? 50 : 52, pilot ? 16 : 30, 8.955, -79.565, start);
        for (int k = 0; k < 4; k++) {
            leg_add(v, L_GOTO, 8.90, -79.515, pilot ? 14 : 8, 0);
            leg_add(v, L_GOTO, uni(r, 8.84, 8.88), uni(r, -79.49, -79.46), pilot ? 14 : 8, 0);
            leg_add(v, L_HOLD, 0, 0, 0, uni(r, 10, 25) * 60);
            leg_add(v, L_GOTO, 8.90, -79.515, pilot ? 14 : 8, 0);
            leg_add(v, L_GOTO, 8.955, -79.565, 6, 0);
            leg_add(v, L_HOLD, 0, 0, 0, uni(r, 1, 3) * 3600);
        }
        leg_add(v, L_END, 0, 0, 0, 0);
    } else if (u < 0.76) { /* yacht in the bay east of the city */
        double la0, lo0;
        if (!pick_point(s, r, 8.55, 8.95, -79.40, -79.05, 0, AVOID_SMALL, NAN, NAN, &la0, &lo0))
            return;
        svessel *v = add_vessel(s, new_mmsi(s), 'B', 37, 12, la0, lo0, start);
        double la = la0, lo = lo0;
        for (int k = 0; k < 4; k++) {
            double nla, nlo;
            if (!pick_point(s, r, 8.55, 8.95, -79.40, -79.05, 0, AVOID_SMALL, la, lo, &nla, &nlo))
                break;
            leg_add(v, L_GOTO, nla, nlo, 6, 0);
            leg_add(v, L_HOLD, 0, 0, 0, uni(r, 2, 6) * 3600);
            la = nla;
            lo = nlo;
        }
        leg_add(v, L_HOLD, 0, 0, 0, 1e9); /* at anchor to the end */
        leg_add(v, L_END, 0, 0, 0, 0);
    } else if (u < 0.80) { /* high-speed ferry, exempt from fast_near_coast */
        svessel *v = add_vessel(s, new_mmsi(s), 'A', 40, 35, 8.93, -79.40, start);
        double a0 = 8.93, o0 = -79.40, a1 = 8.66, o1 = -79.08;
        if (!path_ok(z, a0, o0, a1, o1, B(LAND)))
            return;
        for (int k = 0; k < 3; k++) {
            leg_add(v, L_GOTO, a1, o1, 28, 0);
            leg_add(v, L_HOLD, 0, 0, 0, 1800);
            leg_add(v, L_GOTO, a0, o0, 28, 0);
            leg_add(v, L_HOLD, 0, 0, 0, 1800);
        }
        leg_add(v, L_HOLD, 0, 0, 0, 1e9); /* at the terminal to the end */
        leg_add(v, L_END, 0, 0, 0, 0);
    } else { /* coastal traffic crossing the scheme at right angles south of 8 N */
        bool east = rnd(r) < 0.5;
        double la = uni(r, 7.6, 7.9), lo_w = uni(r, -80.25, -80.15);
        static const double west_end[2] = {6.9, -81.6};
        svessel *v;
        /* The scheme is crossed on a parallel: 80 to 100 deg off both lane directions. */
        if (east) {
            v = add_vessel(s, new_mmsi(s), 'A', 70 + (uint8_t)(i % 10), 150, west_end[0], west_end[1], start);
            leg_add(v, L_GOTO, 7.15, lo_w, 12, 0);
            leg_add(v, L_GOTO, la, -79.6, 12, 0);
            leg_add(v, L_GOTO, la, -79.1, 12, 0);
            leg_add(v, L_GOTO, la, -77.6, 12, 0);
        } else {
            v = add_vessel(s, new_mmsi(s), 'A', 70 + (uint8_t)(i % 10), 150, la, -77.6, start);
            leg_add(v, L_GOTO, la, -79.1, 12, 0);
            leg_add(v, L_GOTO, la, -79.6, 12, 0);
            leg_add(v, L_GOTO, 7.15, lo_w, 12, 0);
            leg_add(v, L_GOTO, west_end[0], west_end[1], 12, 0);
        }
        leg_add(v, L_END, 0, 0, 0, 0);
    }
}

/* End an injected AIS vessel's plan by sailing out of the area from its last waypoint. */
static void finish(scenario *s, svessel *v)
{
    double la = v->lat, lo = v->lon;
    for (int i = v->n_legs - 1; i >= 0; i--) {
        if (v->legs[i].kind == L_GOTO) {
            la = v->legs[i].lat;
            lo = v->legs[i].lon;
            break;
        }
    }
    sail_out(s, v, la, lo, B(LAND) | B(TSS_LANE) | B(TSS_SEPARATION));
}

/* One set of injected cases starting at t. */
static void add_injected(scenario *s, int64_t t)
{
    const zones *z = s->cfg.zones;
    const uint32_t land = B(LAND);
    svessel *v;
    uint32_t m;

    /* ais_gap: in coverage east of the scheme, silent 2 h under way. */
    m = new_mmsi(s);
    require_path(s, "gap", 8.75, -79.30, 8.30, -79.22, land);
    v = add_vessel(s, m, 'A', 70, 150, 8.75, -79.30, t);
    leg_add(v, L_GOTO, 8.62, -79.28, 6, 0);
    leg_add(v, L_SILENT, 0, 0, 6, 7200);
    leg_add(v, L_GOTO, 8.30, -79.22, 6, 0);
    finish(s, v);
    truth_add(s, "ais_gap", m, 0, t + H_NS, t + 6 * H_NS, false);

    /* encounter: reefer and fishing vessel side by side offshore, 3 h. */
    uint32_t ma = new_mmsi(s), mb = new_mmsi(s);
    v = add_vessel(s, ma, 'A', 70, 130, 7.55, -79.05, t);
    leg_add(v, L_GOTO, 7.60, -79.10, 8, 0);
    hold_course(v, 0.4f, 3 * 3600, 45);
    leg_add(v, L_GOTO, 7.3, -78.9, 10, 0);
    finish(s, v);
    v = add_vessel(s, mb, 'A', 30, 45, 7.65, -79.15, t);
    leg_add(v, L_GOTO, 7.6 + 250 / 111195.0, -79.10, 6, 0);
    hold_course(v, 0.4f, 3 * 3600, 45);
    leg_add(v, L_GOTO, 7.3, -79.4, 8, 0);
    finish(s, v);
    truth_add(s, "encounter", ma, 0, t, t + 5 * H_NS, false);

    /* encounter, small craft: fishing boat and a dark boat alongside, 45 min. */
    uint32_t mf = new_mmsi(s);
    require_path(s, "small encounter", 8.50, -79.72, 8.55, -79.70, AVOID_SMALL);
    v = add_vessel(s, mf, 'B', 30, 18, 8.50, -79.72, t + 2 * H_NS);
    leg_add(v, L_GOTO, 8.55, -79.70, 3, 0);
    hold_course(v, 0.3f, 2700, 0);
    leg_add(v, L_GOTO, 8.45, -79.75, 3.5f, 0);
    finish(s, v);
    svessel *d = add_vessel(s, 0, 0, 0, 0, 8.60, -79.60, t + 2 * H_NS + 40 * 60 * NS);
    d->radar_only = true;
    leg_add(d, L_GOTO, 8.55 + 100 / 111195.0, -79.70, 14, 0);
    hold_course(d, 0.3f, 2700, 0);
    leg_add(d, L_GOTO, 8.75, -79.65, 14, 0);
    leg_add(d, L_END, 0, 0, 0, 0);
    truth_add(s, "encounter", mf, 0, t + 2 * H_NS, t + 5 * H_NS, false);
    truth_add(s, "dark_target", 0, d->id.track_id, t + 2 * H_NS, t + 5 * H_NS, true);

    /* loitering: 6 h drifting 35 NM off Punta Mala. */
    m = new_mmsi(s);
    v = add_vessel(s, m, 'A', 70, 110, 7.10, -79.20, t);
    leg_add(v, L_GOTO, 7.20, -79.35, 9, 0);
    leg_add(v, L_HOLD, 0, 0, 0.8f, 6 * 3600);
    leg_add(v, L_GOTO, 7.0, -79.0, 9, 0);
    finish(s, v);
    truth_add(s, "loitering", m, 0, t, t + 9 * H_NS, false);

    /* position_jump: one spoofed report 30 km off. */
    m = new_mmsi(s);
    v = add_vessel(s, m, 'A', 70, 160, 7.75, -79.9, t);
    leg_add(v, L_GOTO, 7.75, -78.7, 11, 0);
    finish(s, v);
    v->jump_ns = t + H_NS;
    truth_add(s, "position_jump", m, 0, t + H_NS - 60 * NS, t + H_NS + 600 * NS, false);

    /* mmsi_conflict: two transmitters, one MMSI, 60 km apart. */
    m = new_mmsi(s);
    v = add_vessel(s, m, 'A', 70, 120, 7.6, -79.9, t);
    v->split = true;
    leg_add(v, L_GOTO, 7.6, -79.5, 10, 0);
    finish(s, v);
    v = add_vessel(s, m, 'B', 37, 14, 8.7, -79.2, t);
    v->split = true;
    require_path(s, "conflict", 8.7, -79.2, 8.6, -79.1, land);
    leg_add(v, L_GOTO, 8.6, -79.1, 6, 0);
    finish(s, v);
    truth_add(s, "mmsi_conflict", m, 0, t, t + 3 * H_NS, false);

    /* identity_change: renamed at sea. */
    m = new_mmsi(s);
    v = add_vessel(s, m, 'A', 70, 140, 7.95, -80.2, t);
    leg_add(v, L_GOTO, 7.95, -78.8, 10, 0);
    finish(s, v);
    v->rename_ns = t + 2 * H_NS;
    snprintf(v->rename_to, sizeof v->rename_to, "NEW HORIZON");
    truth_add(s, "identity_change", m, 0, t + 2 * H_NS - 60 * NS, t + 3 * H_NS, false);

    /* invalid_mmsi: a factory default, seven digits, and a MID prefix no ship has. */
    uint32_t set = (uint32_t)((t - s->cfg.t0_ns) / (40 * H_NS));
    const uint32_t bad[] = {123456789 - set, 3521234 + set, 100123456 + set};
    for (int k = 0; k < 3; k++) {
        v = add_vessel(s, bad[k], 'B', 37, 10, 7.9 - 0.05 * k, -79.15, t);
        leg_add(v, L_GOTO, 7.8 - 0.05 * k, -79.0, 5, 0);
        finish(s, v);
        /* An invalid MMSI is invalid whenever the vessel is heard. */
        truth_add(s, "invalid_mmsi", v->id.mmsi, 0, t, s->cfg.t0_ns + (int64_t)(s->cfg.hours * H_NS),
                  false);
    }

    /* position_on_land: positions walk inland for 20 min. */
    m = new_mmsi(s);
    v = add_vessel(s, m, 'A', 70, 100, 8.86, -79.30, t + 3 * H_NS);
    leg_add(v, L_GOTO, 9.05, -79.30, 10, 0);
    leg_add(v, L_HOLD, 0, 0, 0.5f, 1200);
    leg_add(v, L_GOTO, 8.80, -79.25, 10, 0);
    finish(s, v);
    truth_add(s, "position_on_land", m, 0, t + 3 * H_NS, t + 6 * H_NS, false);

    /* fast_near_coast: AIS go-fast, class B, no declared type, 35 kn along the coast. */
    m = new_mmsi(s);
    require_path(s, "go-fast", 8.88, -79.38, 8.80, -79.00, land);
    v = add_vessel(s, m, 'B', 0, 11, 8.88, -79.38, t + 4 * H_NS);
    leg_add(v, L_GOTO, 8.80, -79.00, 35, 0);
    finish(s, v);
    truth_add(s, "fast_near_coast", m, 0, t + 4 * H_NS, t + 5 * H_NS, false);

    /* dark_target: radar-only go-fast, and a slow semi-submersible. */
    d = add_vessel(s, 0, 0, 0, 0, 8.60, -79.15, t + 5 * H_NS);
    d->radar_only = true;
    leg_add(d, L_GOTO, 8.75, -79.38, 35, 0);
    leg_add(d, L_END, 0, 0, 0, 0);
    truth_add(s, "dark_target", 0, d->id.track_id, t + 5 * H_NS, t + 6 * H_NS, false);
    d = add_vessel(s, 0, 0, 0, 0, 8.42, -79.62, t + 5 * H_NS);
    d->radar_only = true;
    leg_add(d, L_GOTO, 8.70, -79.66, 6, 0);
    leg_add(d, L_END, 0, 0, 0, 0);
    truth_add(s, "dark_target", 0, d->id.track_id, t + 5 * H_NS, t + 9 * H_NS, false);

    /* tss_violation: southbound in the northbound lane; 14 kn up the northbound lane. */
    m = new_mmsi(s);
    v = add_vessel(s, m, 'A', 70, 190, 8.70, -79.40, t + 6 * H_NS);
    leg_add(v, L_GOTO, 8.5833, -79.3583, 9, 0);
    leg_add(v, L_GOTO, 8.10, -79.3583, 9, 0);
    leg_add(v, L_GOTO, 7.5, -79.6, 9, 0);
    finish(s, v);
    truth_add(s, "tss_violation", m, 0, t + 6 * H_NS, t + 11 * H_NS, false);
    m = new_mmsi(s);
    v = add_vessel(s, m, 'A', 70, 200, 7.6, -79.3583, t + 6 * H_NS);
    leg_add(v, L_GOTO, 8.5833, -79.3583, 14, 0);
    leg_add(v, L_GOTO, 8.757, -79.375, 14, 0);
    leg_add(v, L_GOTO, 8.90, -79.515, 8, 0);
    leg_add(v, L_GOTO, 8.955, -79.565, 6, 0);
    finish(s, v);
    truth_add(s, "tss_violation", m, 0, t + 6 * H_NS, t + 12 * H_NS, false);

    /* canal_overstay: leaves the anchorage after 10 h without transiting. */
    m = new_mmsi(s);
    v = add_vessel(s, m, 'A', 70, 180, 8.86, -79.46, t);
    if (!(zones_mask_at(z, 8.86, -79.46) & B(ANCHORAGE))) {
        fprintf(stderr, "scenario: anchorage point is not in an anchorage\n");
        abort();
    }
    leg_add(v, L_HOLD, 0, 0, 0, 10 * 3600);
    leg_add(v, L_GOTO, 8.80, -79.30, 10, 0); /* north of the TSS, then east of it */
    leg_add(v, L_GOTO, 8.20, -79.15, 10, 0);
    finish(s, v);
    truth_add(s, "canal_overstay", m, 0, t + 10 * H_NS, t + 14 * H_NS, false);

    /* canal_overstay: waits four days (only in scenarios long enough). */
    if (s->cfg.hours >= 80 && t == s->cfg.t0_ns) {
        m = new_mmsi(s);
        v = add_vessel(s, m, 'A', 80, 220, 8.87, -79.47, t);
        leg_add(v, L_HOLD, 0, 0, 0, 4 * 86400);
        leg_add(v, L_GOTO, 8.90, -79.515, 8, 0);
        leg_add(v, L_GOTO, 8.955, -79.565, 6, 0);
        finish(s, v);
        truth_add(s, "canal_overstay", m, 0, t + 72 * H_NS, t + 100 * H_NS, false);
    }
}

/* ---- heap ---- */
static bool less(const scenario *s, int a, int b)
{
    const svessel *x = &s->v[a], *y = &s->v[b];
    return x->next_ns < y->next_ns || (x->next_ns == y->next_ns && a < b);
}
static void heap_push(scenario *s, int i)
{
    int k = s->hn++;
    s->heap[k] = i;
    while (k > 0 && less(s, s->heap[k], s->heap[(k - 1) / 2])) {
        int p = (k - 1) / 2, t = s->heap[p];
        s->heap[p] = s->heap[k];
        s->heap[k] = t;
        k = p;
    }
}
static int heap_pop(scenario *s)
{
    int top = s->heap[0];
    s->heap[0] = s->heap[--s->hn];
    int k = 0;
    for (;;) {
        int l = 2 * k + 1, r = l + 1, m = k;
        if (l < s->hn && less(s, s->heap[l], s->heap[m]))
            m = l;
        if (r < s->hn && less(s, s->heap[r], s->heap[m]))
            m = r;
        if (m == k)
            break;
        int t = s->heap[m];
        s->heap[m] = s->heap[k];
        s->heap[k] = t;
        k = m;
    }
    return top;
}

scenario *scenario_create(const scenario_config *cfg)
{
    if (!cfg->zones) {
        log_error("scenario: zones are required");
        return NULL;
    }
    scenario *s = x_calloc(1, sizeof *s);
    s->cfg = *cfg;
    s->rng = 0x5eed0000ull ^ cfg->seed;
    s->next_track = 1000;
    for (int i = 0; i < cfg->n_normal; i++)
        add_normal(s, i);
    if (cfg->inject)
        for (int64_t t = cfg->t0_ns; t + 20 * H_NS <= cfg->t0_ns + (int64_t)(cfg->hours * H_NS);
             t += 40 * H_NS)
            add_injected(s, t);
    s->heap = x_malloc((size_t)(s->n + 1) * sizeof *s->heap);
    for (int i = 0; i < s->n; i++)
        heap_push(s, i);
    return s;
}

void scenario_destroy(scenario **ps)
{
    if (!ps || !*ps)
        return;
    free((*ps)->v);
    free((*ps)->heap);
    free((*ps)->truth);
    free(*ps);
    *ps = NULL;
}

const scn_truth *scenario_truth(const scenario *s, size_t *n)
{
    *n = s->nt;
    return s->truth;
}

double scenario_vessel_hours(const scenario *s)
{
    return s->vessel_s / 3600.0;
}

detect_geo scenario_geo(const scenario *s)
{
    return detect_geo_zones(s->cfg.zones);
}

/* Move v to time now_ns along its legs. */
static void step(scenario *s, svessel *v, int64_t now_ns)
{
    double dt = (double)(now_ns - v->last_ns) * 1e-9;
    v->last_ns = now_ns;
    while (dt > 0 && v->cur < v->n_legs) {
        leg *l = &v->legs[v->cur];
        if (l->kind == L_END) {
            v->done = true;
            return;
        }
        if (l->kind == L_GOTO || l->kind == L_LAND) {
            double d = geo_distance_m(v->lat, v->lon, l->lat, l->lon);
            double can = l->sog_kn * GEO_MPS_PER_KN * dt;
            v->sog = l->sog_kn;
            if (d > 1)
                v->cog = (float)geo_bearing_deg(v->lat, v->lon, l->lat, l->lon);
            if (can >= d) {
                v->lat = l->lat;
                v->lon = l->lon;
                dt -= d / (l->sog_kn * GEO_MPS_PER_KN);
                v->cur++;
                v->leg_end_ns = 0;
            } else {
                geo_destination(v->lat, v->lon, v->cog, can, &v->lat, &v->lon);
                dt = 0;
            }
        } else { /* HOLD or SILENT: drift on the current course */
            if (!v->leg_end_ns)
                v->leg_end_ns = now_ns - (int64_t)(dt * 1e9) + (int64_t)(l->dur_s * 1e9);
            double until = (double)(v->leg_end_ns - (now_ns - (int64_t)(dt * 1e9))) * 1e-9;
            double use = until < dt ? until : dt;
            v->sog = l->sog_kn;
            if (!isnan(l->course_deg))
                v->cog = l->course_deg;
            if (use > 0)
                geo_destination(v->lat, v->lon, v->cog, l->sog_kn * GEO_MPS_PER_KN * use,
                                &v->lat, &v->lon);
            dt -= use;
            if (now_ns >= v->leg_end_ns) {
                v->cur++;
                v->leg_end_ns = 0;
            } else {
                dt = 0;
            }
        }
    }
    if (v->cur >= v->n_legs || v->legs[v->cur].kind == L_END)
        v->done = true;
}

int scenario_next(scenario *s, wire_track *out)
{
    while (s->hn > 0) {
        int i = heap_pop(s);
        svessel *v = &s->v[i];
        int64_t now = v->next_ns;
        if (now > s->cfg.t0_ns + (int64_t)(s->cfg.hours * H_NS))
            continue; /* the scenario is over for this vessel */
        step(s, v, now);
        bool silent = v->cur < v->n_legs && v->legs[v->cur].kind == L_SILENT;
        double sd = station_dist(v->lat, v->lon);
        double rd = geo_distance_m(v->lat, v->lon, radar_site[0], radar_site[1]);
        bool heard = v->radar_only ? rd <= RADAR_M : (sd <= HEARD_M && !silent);
        /* Next report: class A 10 s under way, 3 min at anchor; class B 30 s / 3 min. */
        double iv = v->radar_only ? 5 : (v->sog < 0.5f ? 180 : (v->id.ais_class == 'B' ? 30 : 10));
        v->next_ns = now + (int64_t)(iv * 1e9);
        if (v->done) {
            if (v->heard_once && heard) {
                *out = v->id;
                out->state = TRACK_REMOVED;
                out->update = TRACK_UPD_STATE;
                out->last_report_ns = v->last_emit_ns;
                out->lat_deg = v->lat;
                out->lon_deg = v->lon;
                out->sog_kn = v->sog;
                out->cog_deg = v->cog;
                out->zones = v->zmask;
                out->dist_shore_m = v->dist_shore;
                out->time_ns = now;
                return 1;
            }
            continue;
        }
        heap_push(s, i);
        if (!heard)
            continue;
        if (v->zq_lat == 0 || geo_distance_m(v->zq_lat, v->zq_lon, v->lat, v->lon) > 200) {
            v->zmask = zones_mask_at(s->cfg.zones, v->lat, v->lon);
            v->dist_shore = (float)zones_dist_shore_m(s->cfg.zones, v->lat, v->lon);
            v->zq_lat = v->lat;
            v->zq_lon = v->lon;
        }
        wire_track t = v->id;
        if (v->rename_ns && now >= v->rename_ns) {
            memcpy(t.name, v->rename_to, sizeof t.name);
            memcpy(v->id.name, v->rename_to, sizeof t.name);
            t.update = TRACK_UPD_STATIC;
            v->rename_ns = 0;
        }
        t.state = TRACK_CONFIRMED;
        t.time_ns = now;
        t.last_report_ns = now;
        t.lat_deg = v->lat;
        t.lon_deg = v->lon;
        if (v->jump_ns && now >= v->jump_ns) {
            t.lon_deg += 0.3;
            v->jump_ns = 0;
        }
        t.sog_kn = v->sog;
        t.cog_deg = v->cog;
        t.heading_deg = v->cog;
        t.pos_sigma_m = v->radar_only ? 50 : 10;
        t.zones = v->zmask;
        t.dist_shore_m = v->dist_shore;
        t.quality = 90;
        t.sensors = v->radar_only ? TRACK_SENSOR_RADAR : TRACK_SENSOR_AIS;
        if (!v->radar_only && rd <= RADAR_M) {
            t.sensors |= TRACK_SENSOR_RADAR;
            t.radar_site = 1;
        }
        if (v->radar_only) {
            t.flags |= TRACK_FLAG_DARK;
            t.radar_site = 1;
            t.radar_target = (uint16_t)(v->id.track_id % 1000);
        }
        if (!v->radar_only && sd <= COVERAGE_M)
            t.flags |= TRACK_FLAG_IN_COVERAGE;
        if (v->split)
            t.flags |= TRACK_FLAG_SPLIT;
        if (t.zones & ZONE_BIT(ZONE_LAND))
            t.flags |= TRACK_FLAG_ON_LAND;
        t.nav_status = v->radar_only ? 15 : (v->sog < 0.3f ? 1 : 0);
        t.n_stations = 1;
        t.n_reports = 1;
        if (v->heard_once) {
            int64_t gap = now - v->last_emit_ns;
            s->vessel_s += (double)(gap < H_NS ? gap : H_NS) * 1e-9;
        }
        v->heard_once = true;
        v->last_emit_ns = now;
        *out = t;
        return 1;
    }
    return 0;
}

/* ---- scoring ---- */
static bool matches(const scn_truth *g, const wire_alert *a)
{
    if (strcmp(g->rule, a->rule) != 0)
        return false;
    bool subj = false;
    if (g->mmsi) {
        for (int i = 0; i < a->n_mmsi; i++)
            subj |= a->mmsi[i] == g->mmsi;
    } else {
        subj = a->track_id == g->track_id;
    }
    const int64_t slack = H_NS;
    return subj && a->start_ns <= g->end_ns + slack && a->end_ns >= g->start_ns - slack;
}

int scenario_score(const scn_truth *truth, size_t n_truth, const wire_alert *alerts,
                   size_t n_alerts, double vessel_hours, FILE *out, scn_score per[32])
{
    int nr = detect_rule_count();
    memset(per, 0, 32 * sizeof *per);
    int false_total = 0;
    for (size_t i = 0; i < n_alerts; i++) {
        int r = detect_rule_index(alerts[i].rule);
        if (r < 0)
            continue;
        bool ok = false;
        for (size_t g = 0; g < n_truth && !ok; g++)
            ok = matches(&truth[g], &alerts[i]);
        if (ok) {
            per[r].tp_alerts++;
        } else {
            per[r].fp_alerts++;
            false_total++;
            char *j = detect_alert_to_json(&alerts[i], false);
            fprintf(out, "  false alert: %s\n", j);
            free(j);
        }
    }
    int missed_rules = 0;
    for (size_t g = 0; g < n_truth; g++) {
        if (truth[g].secondary)
            continue;
        int r = detect_rule_index(truth[g].rule);
        per[r].cases++;
        bool found = false;
        for (size_t i = 0; i < n_alerts && !found; i++)
            found = matches(&truth[g], &alerts[i]);
        if (found)
            per[r].found++;
        else
            fprintf(out, "  missed: %s mmsi %u track %u\n", truth[g].rule, truth[g].mmsi,
                    truth[g].track_id);
    }
    fprintf(out, "%-18s %7s %7s %6s %6s %9s %9s\n", "rule", "alerts", "false", "cases", "found",
            "precision", "recall");
    for (int r = 0; r < nr; r++) {
        int na = per[r].tp_alerts + per[r].fp_alerts;
        double prec = na ? (double)per[r].tp_alerts / na : NAN;
        double rec = per[r].cases ? (double)per[r].found / per[r].cases : NAN;
        fprintf(out, "%-18s %7d %7d %6d %6d %9.3f %9.3f\n", detect_rule_name(r), na,
                per[r].fp_alerts, per[r].cases, per[r].found, prec, rec);
        if (per[r].found < per[r].cases)
            missed_rules++;
    }
    fprintf(out, "vessel-hours %.0f, false alerts %d, %.3f per 1,000 vessel-hours\n", vessel_hours,
            false_total, vessel_hours > 0 ? false_total * 1000.0 / vessel_hours : 0.0);
    return missed_rules + false_total;
}

/* ---- as a simulator scenario ---- */
typedef struct wpt {
    double lat, lon, speed_kn, stop_s;
    bool anchor;
} wpt;

static void json_vessel_truth(const scenario *s, const svessel *v, FILE *out)
{
    bool first = true;
    for (size_t i = 0; i < s->nt; i++) {
        const scn_truth *g = &s->truth[i];
        bool mine = g->mmsi ? (v->id.mmsi == g->mmsi && !v->radar_only) : g->track_id == v->id.track_id;
        if (!mine)
            continue;
        fprintf(out, "%s{\"rule\":\"%s\",\"from_s\":%.0f,\"to_s\":%.0f%s}", first ? "" : ",",
                g->rule, (double)(g->start_ns - s->cfg.t0_ns) / 1e9,
                (double)(g->end_ns - s->cfg.t0_ns) / 1e9, g->secondary ? ",\"secondary\":true" : "");
        first = false;
    }
    if (v->split)
        fprintf(out, "%s{\"rule\":\"identity_change\",\"from_s\":0,\"to_s\":%.0f,\"secondary\":true}",
                first ? "" : ",", s->cfg.hours * 3600);
}

int scenario_write_sim_json(const scenario *s, FILE *out)
{
    const double mps = GEO_MPS_PER_KN;
    fprintf(out, "{\"description\":\"detect_scenario seed %u: %d normal vessels, %.0f h\",\n",
            s->cfg.seed, s->cfg.n_normal, s->cfg.hours);
    fprintf(out, "\"start\":%.0f,\"duration_s\":%.0f,\"seed\":%u,\n", (double)s->cfg.t0_ns / 1e9,
            s->cfg.hours * 3600, s->cfg.seed);
    fprintf(out, "\"stations\":[");
    for (size_t i = 0; i < sizeof stations / sizeof stations[0]; i++)
        fprintf(out, "%s{\"id\":%zu,\"lat\":%.4f,\"lon\":%.4f,\"range_nm\":%.2f}", i ? "," : "",
                i + 1, stations[i][0], stations[i][1], HEARD_M / 1852.0);
    fprintf(out, "],\n\"radars\":[{\"id\":101,\"lat\":%.4f,\"lon\":%.4f,\"range_nm\":%.2f,"
                 "\"period_s\":6,\"format\":\"ttm\",\"noise_m\":25}],\n\"vessels\":[\n",
            radar_site[0], radar_site[1], RADAR_M / 1852.0);
    wpt *w = x_malloc((2 * MAX_LEGS + 4) * sizeof *w);
    for (int k = 0; k < s->n; k++) {
        const svessel *v = &s->v[k];
        double start_s = (double)(v->start_ns - s->cfg.t0_ns) / 1e9;
        double lat = v->lat, lon = v->lon, cog = 0, t = 0, end_s = -1;
        int n = 0;
        w[n++] = (wpt){lat, lon, 1, 0, false};
        char gaps[512] = "", spoof[256] = "";
        double jump_rel = v->jump_ns ? (double)(v->jump_ns - v->start_ns) / 1e9 : -1;
        for (int i = 0; i < v->n_legs && end_s < 0; i++) {
            const leg *l = &v->legs[i];
            if (l->kind == L_END) {
                end_s = start_s + t;
                break;
            }
            if (l->kind == L_GOTO || l->kind == L_LAND) {
                double d = geo_distance_m(lat, lon, l->lat, l->lon);
                if (d < 1)
                    continue;
                double brg = geo_bearing_deg(lat, lon, l->lat, l->lon), dur = d / (l->sog_kn * mps);
                if (jump_rel >= t && jump_rel + 830 <= t + dur && !spoof[0]) {
                    /* positions at the jump and after the two silences, and a spoof point 42 kn
                     * away from both */
                    double v_mps = l->sog_kn * mps, a_lat, a_lon, m_lat, m_lon, s_lat, s_lon;
                    double dd = v_mps * 830, h = sqrt(fmax(0, pow(42 * mps * 405, 2) - dd * dd / 4));
                    geo_destination(lat, lon, brg, v_mps * (jump_rel - t), &a_lat, &a_lon);
                    geo_destination(a_lat, a_lon, brg, dd / 2, &m_lat, &m_lon);
                    geo_destination(m_lat, m_lon, fmod(brg + 90, 360), h, &s_lat, &s_lon);
                    double j = start_s + jump_rel;
                    snprintf(gaps, sizeof gaps, "{\"start_s\":%.1f,\"end_s\":%.1f},"
                             "{\"start_s\":%.1f,\"end_s\":%.1f}", j, j + 400, j + 430, j + 830);
                    snprintf(spoof, sizeof spoof, "{\"at_s\":%.1f,\"duration_s\":30,\"lat\":%.5f,"
                             "\"lon\":%.5f}", j + 400, s_lat, s_lon);
                }
                w[n - 1].speed_kn = l->sog_kn;
                w[n++] = (wpt){l->lat, l->lon, l->sog_kn, 0, false};
                lat = l->lat;
                lon = l->lon;
                cog = brg;
                t += dur;
            } else { /* HOLD / SILENT: stop, or drift on a course */
                double course = isnan(l->course_deg) ? cog : l->course_deg;
                double dur = fmin(l->dur_s, s->cfg.hours * 3600 + 86400);
                if (l->kind == L_SILENT) {
                    size_t g = strlen(gaps);
                    snprintf(gaps + g, sizeof gaps - g, "%s{\"start_s\":%.1f,\"end_s\":%.1f}",
                             g ? "," : "", start_s + t, start_s + t + dur);
                }
                if (l->sog_kn < 0.05f) {
                    /* At anchor (3 min reports) only for real waits: the simulator keeps a
                     * report interval until the next report, so a boat leaving a short stop at
                     * anchor would be silent while radar already sees it under way. */
                    w[n - 1].stop_s += dur;
                    w[n - 1].anchor = w[n - 1].stop_s >= 2 * 3600;
                } else {
                    double nl, no;
                    geo_destination(lat, lon, course, l->sog_kn * mps * dur, &nl, &no);
                    w[n - 1].speed_kn = l->sog_kn;
                    w[n++] = (wpt){nl, no, l->sog_kn, 0, false};
                    lat = nl;
                    lon = no;
                    cog = course;
                }
                t += dur;
            }
        }
        fprintf(out, "%s{\"id\":\"v%u\",\"mmsi\":%u,\"class\":\"%s\",\"ship_type\":%u,"
                     "\"length_m\":%u,\"beam_m\":%u,\"name\":\"%s\",\"callsign\":\"%s\",\"imo\":%u,"
                     "\"start_s\":%.1f",
                k ? ",\n" : "", v->id.track_id, v->id.mmsi, v->id.ais_class == 'B' ? "B" : "A",
                v->id.ship_type, v->id.length_m, v->id.beam_m, v->id.name, v->id.callsign,
                v->id.imo, start_s);
        if (end_s >= 0)
            fprintf(out, ",\"end_s\":%.1f", end_s);
        if (v->radar_only)
            fprintf(out, ",\"ais\":false");
        fprintf(out, ",\"route\":[");
        for (int i = 0; i < n; i++) {
            fprintf(out, "%s{\"lat\":%.6f,\"lon\":%.6f,\"speed_kn\":%.2f", i ? "," : "", w[i].lat,
                    w[i].lon, w[i].speed_kn);
            if (w[i].stop_s > 0)
                fprintf(out, ",\"stop_s\":%.1f%s", fmin(w[i].stop_s, 9e6),
                        w[i].anchor ? ",\"anchor\":true" : "");
            fprintf(out, "}");
        }
        fprintf(out, "]");
        if (gaps[0])
            fprintf(out, ",\"gaps\":[%s]", gaps);
        if (spoof[0])
            fprintf(out, ",\"spoof\":[%s]", spoof);
        if (v->rename_ns)
            fprintf(out, ",\"identity\":[{\"at_s\":%.1f,\"name\":\"%s\"}]",
                    (double)(v->rename_ns - s->cfg.t0_ns) / 1e9, v->rename_to);
        fprintf(out, ",\"expect\":[");
        json_vessel_truth(s, v, out);
        fprintf(out, "]}");
    }
    free(w);
    fprintf(out, "\n]}\n");
    return ferror(out) ? -1 : 0;
}
