/* ais_gap: a vessel silent far longer than its reporting interval.
 *
 * Class A reports every 2-10 s under way and every 3 min at anchor, class B every 30 s / 3 min
 * (ITU-R M.1371 annex 1 table 1), so silence of coverage_gap_s (30 min) inside receiver
 * coverage is never the radio.  Outside coverage, silence is the norm; there a gap counts only
 * from offshore_gap_s (12 h, Global Fishing Watch's threshold for intentional AIS disabling)
 * and only once the vessel is heard again.
 *
 * Coverage comes from fusion (TRACK_FLAG_IN_COVERAGE).  A gap that starts at the edge of a
 * station's coverage is not suspicious: a vessel counts as at the edge when it was outside
 * coverage within edge_window_s before falling silent, or when the zones know the coverage
 * polygon and its last position was within edge_margin_m of the boundary.  Such gaps use the
 * offshore threshold.
 *
 * Anchorages and ports suppress gaps (the detector's hysteretic near_anchorage context), as do
 * vessels reporting "moored".  State is kept per MMSI, not per track, because fusion removes a
 * silent track after about 10 min and the vessel comes back under a new track id.
 *
 * Unknown geography is not "offshore": an offshore gap needs the last fix where the zones know
 * the shore distance (inside the land extent) or inside the EEZ; elsewhere the rule stays
 * silent (said once in the log).
 *
 * A receiver that falls silent is not a gap of every vessel it heard.  When nothing at all is
 * heard for feed_outage_s (15 min) while at least feed_min_vessels (3) vessels were heard in the
 * hour before (a station outage, a log missing between two files), that stretch is a feed
 * outage, and a vessel's silence counts only the time the feed was alive.  One station of
 * several going quiet is not seen here (the detector gets tracks, not stations).
 *
 * In-coverage gaps are alerted while still ongoing (from the event-time sweep, end = the
 * detector clock) and closed when the vessel is heard again; offshore gaps open and close at
 * once on reappearance, with start and end the two reports around the silence. */
#include "../rule.h"
#include "../detect_internal.h"
#include "centinela/log.h"

#include <stdio.h>
#include <stdlib.h>

enum {
    P_COVERAGE_GAP_S,
    P_OFFSHORE_GAP_S,
    P_EDGE_WINDOW_S,
    P_EDGE_MARGIN_M,
    P_FORGET_S,
    P_FEED_OUTAGE_S,
    P_FEED_MIN_VESSELS
};
static const detect_param_spec params[] = {
    {"coverage_gap_s", DP_REAL, "1800", 60, 30 * 86400.0,
     "silence inside receiver coverage that is a gap (s)"},
    {"offshore_gap_s", DP_REAL, "43200", 60, 30 * 86400.0,
     "silence outside coverage (or from its edge) that is a gap, on reappearance (s)"},
    {"edge_window_s", DP_REAL, "1800", 0, 86400,
     "outside coverage this recently before the silence: at the edge (s)"},
    {"edge_margin_m", DP_REAL, "5000", 0, 1e6,
     "within this of the coverage boundary (when the zones know it): at the edge (m)"},
    {"forget_s", DP_REAL, "604800", 3600, 365 * 86400.0,
     "forget a vessel silent this long; an ongoing gap alert closes then (s)"},
    {"feed_outage_s", DP_REAL, "900", 60, 86400,
     "nothing heard from any vessel this long is a receiver or feed outage, not counted in gaps "
     "(s)"},
    {"feed_min_vessels", DP_REAL, "3", 1, 1e6,
     "... when at least this many vessels were heard in the hour before"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct vessel {
    uint32_t mmsi, track_id;
    int64_t last_report_ns, out_cov_ns;
    double lat, lon;
    uint32_t zones;
    bool in_cov, edge, suppressed, ongoing, geo_known;
};

#define MAX_OUTAGES 64
struct self {
    u64map by_mmsi;       /* first: u64map_rule_destroy frees the records and this */
    int64_t feed_last_ns; /* newest report heard from any vessel */
    int64_t out_from[MAX_OUTAGES], out_to[MAX_OUTAGES];
    int n_out, next_out;
    int64_t memo_t_ns; /* heard_before(memo_t_ns) = memo_n, so sweeps count once */
    int memo_n;
};

static void *create(rule_env *env)
{
    (void)env;
    struct self *s = x_calloc(1, sizeof *s);
    u64map_init(&s->by_mmsi);
    return s;
}

/* Vessels heard within the hour before t_ns. */
static int heard_before(struct self *s, int64_t t_ns)
{
    if (s->memo_t_ns == t_ns && t_ns)
        return s->memo_n;
    int n = 0;
    size_t it = 0;
    uint64_t k;
    void *val;
    while (u64map_next(&s->by_mmsi, &it, &k, &val)) {
        const struct vessel *g = val;
        if (g->last_report_ns >= t_ns - S_TO_NS(3600))
            n++;
    }
    s->memo_t_ns = t_ns;
    s->memo_n = n;
    return n;
}

static int64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

static bool feed_out_since(struct self *s, rule_env *env, int64_t t_ns)
{
    return s->feed_last_ns > 0 &&
           t_ns - s->feed_last_ns >= S_TO_NS(rule_param(env, 0, P_FEED_OUTAGE_S)) &&
           heard_before(s, s->feed_last_ns) >= rule_param(env, 0, P_FEED_MIN_VESSELS);
}

/* Time of [from, to] the feed was out (recorded outages, and one still going on at to). */
static int64_t outage_within(struct self *s, rule_env *env, int64_t from, int64_t to)
{
    int64_t sum = 0;
    for (int i = 0; i < s->n_out; i++)
        sum += overlap(from, to, s->out_from[i], s->out_to[i]);
    if (feed_out_since(s, env, to))
        sum += overlap(from, to, s->feed_last_ns, to);
    return sum;
}

/* A new report at t_ns: record the silence before it when it was a feed outage. */
static void feed_heard(struct self *s, rule_env *env, int64_t t_ns)
{
    if (feed_out_since(s, env, t_ns)) {
        s->out_from[s->next_out] = s->feed_last_ns;
        s->out_to[s->next_out] = t_ns;
        s->next_out = (s->next_out + 1) % MAX_OUTAGES;
        if (s->n_out < MAX_OUTAGES)
            s->n_out++;
    }
    if (t_ns > s->feed_last_ns)
        s->feed_last_ns = t_ns;
}

static void info_of(rule_alert_info *a, const struct vessel *g, int64_t start, int64_t end)
{
    *a = (rule_alert_info){0};
    a->start_ns = start;
    a->end_ns = end;
    a->lat_deg = g->lat;
    a->lon_deg = g->lon;
    a->zones = g->zones;
    a->track_id = g->track_id;
    a->n_mmsi = 1;
    a->mmsi[0] = g->mmsi;
}

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct self *S = self;
    u64map *by_mmsi = &S->by_mmsi; /* per-vessel records by MMSI */
    const wire_track *t = v->t;
    if (t->mmsi == 0 || rule_not_a_ship(t) || !(t->sensors & TRACK_SENSOR_AIS) ||
        t->last_report_ns <= 0)
        return;
    if (t->last_report_ns > S->feed_last_ns)
        feed_heard(S, env, t->last_report_ns);
    struct vessel *g = u64map_get(by_mmsi, t->mmsi);
    if (!g) {
        g = x_calloc(1, sizeof *g);
        g->mmsi = t->mmsi;
        g->out_cov_ns = INT64_MIN / 2;
        u64map_put(by_mmsi, t->mmsi, g);
    } else if (t->last_report_ns > g->last_report_ns && g->last_report_ns > 0) {
        int64_t gap_ns = t->last_report_ns - g->last_report_ns;
        int64_t out_ns = outage_within(S, env, g->last_report_ns, t->last_report_ns);
        double gap_s = NS_TO_S(gap_ns - out_ns); /* the time the feed was alive */
        bool coverage_mode = g->in_cov && !g->edge;
        if (!coverage_mode && !g->geo_known &&
            gap_s >= rule_param(env, g->zones, P_OFFSHORE_GAP_S)) {
            rule_note_once(env, "offshore gaps are silent for vessels last heard outside the "
                                "loaded land and EEZ (unknown is not far offshore)");
            gap_s = 0;
        }
        double limit_s = rule_param(env, g->zones,
                                    coverage_mode ? P_COVERAGE_GAP_S : P_OFFSHORE_GAP_S);
        char ev[400];
        if (g->ongoing || (!g->suppressed && gap_s >= limit_s)) {
            double moved_m = geo_distance_m(g->lat, g->lon, t->lat_deg, t->lon_deg);
            snprintf(ev, sizeof ev,
                     "{\"gap_s\":%.0f,\"threshold_s\":%.0f,\"mode\":\"%s\",\"from\":{\"lat\":%.5f,"
                     "\"lon\":%.5f},\"to\":{\"lat\":%.5f,\"lon\":%.5f},\"moved_m\":%.0f,"
                     "\"implied_kn\":%.1f,\"feed_outage_s\":%.0f}",
                     gap_s, limit_s, coverage_mode ? "in_coverage" : "offshore", g->lat, g->lon,
                     t->lat_deg, t->lon_deg, moved_m,
                     moved_m / fmax(NS_TO_S(gap_ns), 1.0) / GEO_MPS_PER_KN, NS_TO_S(out_ns));
        }
        if (g->ongoing) {
            rule_alert_close(env, SUBJECT_MMSI(t->mmsi), t->last_report_ns, ev);
            g->ongoing = false;
        } else if (!g->suppressed && gap_s >= limit_s) {
            rule_alert_info a;
            info_of(&a, g, g->last_report_ns, t->last_report_ns);
            a.confidence = (float)(gap_s >= 2 * limit_s ? 1.0 : 0.6 + 0.4 * (gap_s / limit_s - 1));
            a.evidence = ev;
            rule_alert(env, SUBJECT_MMSI(t->mmsi), &a);
            rule_alert_close(env, SUBJECT_MMSI(t->mmsi), t->last_report_ns, NULL);
        }
    }
    if (g->last_report_ns > 0 && t->last_report_ns <= g->last_report_ns)
        return; /* a state without a new report (LOST, REMOVED, snapshot): nothing heard */
    g->last_report_ns = t->last_report_ns;
    g->track_id = t->track_id;
    g->lat = t->lat_deg;
    g->lon = t->lon_deg;
    g->zones = t->zones;
    g->in_cov = (t->flags & TRACK_FLAG_IN_COVERAGE) != 0;
    if (!g->in_cov)
        g->out_cov_ns = t->time_ns;
    g->edge = t->time_ns - g->out_cov_ns <= S_TO_NS(rule_param(env, t->zones, P_EDGE_WINDOW_S));
    const detect_geo *geo = rule_geo(env);
    if (!g->edge && geo->coverage_margin_m) {
        double m = geo->coverage_margin_m(geo->ctx, t->lat_deg, t->lon_deg);
        if (isfinite(m) && m < rule_param(env, t->zones, P_EDGE_MARGIN_M))
            g->edge = true;
    }
    g->suppressed = v->near_anchorage || t->nav_status == 5 /* moored */;
    g->geo_known = isfinite(v->dist_shore_m) || (t->zones & ZONE_BIT(ZONE_EEZ));
}

static void sweep(void *self, rule_env *env, int64_t now_ns)
{
    struct self *S = self;
    u64map *by_mmsi = &S->by_mmsi; /* per-vessel records by MMSI */
    size_t it = 0;
    uint64_t k;
    void *val;
    while (u64map_next(by_mmsi, &it, &k, &val)) {
        struct vessel *g = val;
        int64_t silent_ns = now_ns - g->last_report_ns;
        if (silent_ns > S_TO_NS(rule_param(env, g->zones, P_FORGET_S))) {
            if (g->ongoing)
                rule_alert_close(env, SUBJECT_MMSI(g->mmsi), now_ns, NULL);
            u64map_del(by_mmsi, k);
            free(g);
            continue;
        }
        if (g->suppressed || !g->in_cov || g->edge)
            continue;
        double limit_s = rule_param(env, g->zones, P_COVERAGE_GAP_S);
        if (NS_TO_S(silent_ns) < limit_s)
            continue;
        silent_ns -= outage_within(S, env, g->last_report_ns, now_ns);
        if (NS_TO_S(silent_ns) < limit_s)
            continue;
        rule_alert_info a;
        info_of(&a, g, g->last_report_ns, now_ns);
        a.hold = true;
        double r = NS_TO_S(silent_ns) / limit_s;
        a.confidence = (float)(r >= 2 ? 1.0 : 0.6 + 0.4 * (r - 1));
        char ev[200];
        snprintf(ev, sizeof ev,
                 "{\"gap_s\":%.0f,\"threshold_s\":%.0f,\"mode\":\"in_coverage\",\"ongoing\":true,"
                 "\"from\":{\"lat\":%.5f,\"lon\":%.5f}}",
                 NS_TO_S(silent_ns), limit_s, g->lat, g->lon);
        a.evidence = ev;
        rule_alert(env, SUBJECT_MMSI(g->mmsi), &a);
        g->ongoing = true;
    }
}

const detect_rule rule_ais_gap = {
    .name = "ais_gap",
    .severity = 60,
    .params = params,
    .create = create,
    .process = process,
    .sweep = sweep,
    .destroy = u64map_rule_destroy,
};
