/* dark_target: a radar track with no AIS association (TRACK_FLAG_DARK) for min_duration_s
 * (3 min), classified by its mean speed over the dark period: go_fast (>= gofast_min_kn, 20),
 * semi_submersible (semisub_min_kn..semisub_max_kn, 4-8: the low-freeboard narco-subs'
 * cruising speeds), otherwise unclassified at unclassified_confidence.  The alert stays open
 * while the track is dark and closes when it gains an AIS association or is removed.
 *
 * A ship that switches its AIS off stays on the radar: once its AIS track is removed (10 min
 * of silence), the radar target that carries on where it was heading is that ship — ais_gap's
 * alert, not an unknown dark target.  The rule remembers the last state of every removed AIS
 * track for silent_max_s and skips a dark target within silent_gate_m + silent_gate_frac x the
 * dead-reckoned distance of such a ship's dead-reckoned position, at a speed within
 * silent_speed_kn of its last one. */
#include "../rule.h"
#include "centinela/log.h"

#include <stdio.h>
#include <stdlib.h>

enum {
    P_MIN_DURATION_S,
    P_GOFAST_MIN_KN,
    P_SEMISUB_MIN_KN,
    P_SEMISUB_MAX_KN,
    P_UNCLASSIFIED_CONF,
    P_REFRESH_S,
    P_SILENT_MAX_S,
    P_SILENT_GATE_M,
    P_SILENT_GATE_FRAC,
    P_SILENT_SPEED_KN
};
static const detect_param_spec params[] = {
    {"min_duration_s", DP_REAL, "180", 0, 86400, "dark for at least this long (s)"},
    {"gofast_min_kn", DP_REAL, "20", 1, 200, "mean speed of the go-fast class (kn)"},
    {"semisub_min_kn", DP_REAL, "4", 0, 50, "lowest mean speed of the semi-submersible class (kn)"},
    {"semisub_max_kn", DP_REAL, "8", 0, 50,
     "highest mean speed of the semi-submersible class (kn)"},
    {"unclassified_confidence", DP_REAL, "0.4", 0, 1,
     "confidence of a dark target in neither class"},
    {"refresh_s", DP_REAL, "60", 1, 86400, "extend the open alert at most this often (s)"},
    {"silent_max_s", DP_REAL, "10800", 0, 86400,
     "remember a ship whose AIS fell silent this long (s); 0 turns the check off"},
    {"silent_gate_m", DP_REAL, "2000", 0, 100000,
     "a dark target this close to a silent ship's dead-reckoned position is that ship (m)"},
    {"silent_gate_frac", DP_REAL, "0.2", 0, 1,
     "plus this fraction of the distance dead-reckoned since its last report"},
    {"silent_speed_kn", DP_REAL, "5", 0, 50, "and its speed within this of the ship's last (kn)"},
    {NULL, 0, NULL, 0, 0, NULL},
};

/* Last states of removed AIS tracks, a ring: the newest SILENT_CAP are kept. */
#define SILENT_CAP 4096
struct silent {
    int64_t t_ns;
    double lat, lon;
    float sog_kn, cog_deg;
};
struct self {
    struct silent v[SILENT_CAP];
    size_t n, head;
};

static void *create(rule_env *env)
{
    (void)env;
    return x_calloc(1, sizeof(struct self));
}

static void destroy(void **p)
{
    free(*p);
    *p = NULL;
}

/* Whether a dark target at (lat, lon, sog) now is a remembered silent ship. */
static bool silent_ship(const struct self *S, rule_env *env, const wire_track *t, double sog_kn)
{
    uint32_t z = t->zones;
    double max_s = rule_param(env, z, P_SILENT_MAX_S), gate = rule_param(env, z, P_SILENT_GATE_M);
    double frac = rule_param(env, z, P_SILENT_GATE_FRAC),
           dv = rule_param(env, z, P_SILENT_SPEED_KN);
    for (size_t i = 0; i < S->n; i++) {
        const struct silent *e = &S->v[i];
        double dt = NS_TO_S(t->time_ns - e->t_ns);
        if (dt < 0 || dt > max_s)
            continue;
        if (isfinite(sog_kn) && fabs(sog_kn - e->sog_kn) > dv)
            continue;
        double dr_m = e->sog_kn * GEO_MPS_PER_KN * dt, lat, lon;
        /* cheap bound first: farther from the last position than it could have gone */
        double reach_m = dr_m + gate + frac * dr_m;
        if (fabs(t->lat_deg - e->lat) * GEO_M_PER_DEG > reach_m)
            continue;
        geo_destination(e->lat, e->lon, e->cog_deg, dr_m, &lat, &lon);
        if (geo_distance_m(lat, lon, t->lat_deg, t->lon_deg) <= gate + frac * dr_m)
            return true;
    }
    return false;
}

static void remember_silent(struct self *S, const wire_track *t)
{
    if (!isfinite(t->sog_kn) || !isfinite(t->cog_deg))
        return;
    S->v[S->head] = (struct silent){t->time_ns, t->lat_deg, t->lon_deg, t->sog_kn, t->cog_deg};
    S->head = (S->head + 1) % SILENT_CAP;
    if (S->n < SILENT_CAP)
        S->n++;
}

struct st {
    bool dark;
    int64_t since_ns, last_ns, last_raise_ns;
    double sog_sum;
    uint32_t sog_n;
};

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct self *S = self;
    struct st *s = state;
    const wire_track *t = v->t;
    uint64_t subj = SUBJECT_TRACK(t->track_id);
    if (t->mmsi != 0 && t->state == TRACK_REMOVED && rule_param(env, t->zones, P_SILENT_MAX_S) > 0)
        remember_silent(S, t);
    bool dark = (t->flags & TRACK_FLAG_DARK) && (t->sensors & TRACK_SENSOR_RADAR) &&
                t->state != TRACK_REMOVED;
    if (!dark) {
        if (s->dark)
            rule_alert_close(env, subj, s->last_ns, NULL);
        s->dark = false;
        return;
    }
    if (!s->dark) {
        *s = (struct st){.dark = true, .since_ns = t->time_ns};
    }
    s->last_ns = t->time_ns;
    if (isfinite(t->sog_kn)) {
        s->sog_sum += t->sog_kn;
        s->sog_n++;
    }
    if (t->time_ns - s->since_ns < S_TO_NS(rule_param(env, t->zones, P_MIN_DURATION_S)))
        return;
    if (s->last_raise_ns &&
        t->time_ns - s->last_raise_ns < S_TO_NS(rule_param(env, t->zones, P_REFRESH_S)))
        return;
    s->last_raise_ns = t->time_ns;
    double mean = s->sog_n ? s->sog_sum / s->sog_n : NAN;
    if (rule_param(env, t->zones, P_SILENT_MAX_S) > 0 && silent_ship(S, env, t, mean)) {
        rule_note_once(env, "dark targets where a ship's AIS fell silent are that ship (ais_gap)");
        return;
    }
    const char *cls = "unclassified";
    float conf = (float)rule_param(env, t->zones, P_UNCLASSIFIED_CONF);
    if (isfinite(mean) && mean >= rule_param(env, t->zones, P_GOFAST_MIN_KN)) {
        cls = "go_fast";
        conf = 1.0f;
    } else if (isfinite(mean) && mean >= rule_param(env, t->zones, P_SEMISUB_MIN_KN) &&
               mean <= rule_param(env, t->zones, P_SEMISUB_MAX_KN)) {
        cls = "semi_submersible";
        conf = 0.9f;
    }
    rule_alert_info a;
    rule_info_track(&a, t);
    a.start_ns = s->since_ns;
    a.confidence = conf;
    a.hold = true;
    char ev[260];
    snprintf(ev, sizeof ev,
             "{\"class\":\"%s\",\"mean_sog_kn\":%.1f,\"dark_for_s\":%.0f,\"radar_site\":%u,"
             "\"radar_target\":%u}",
             cls, isfinite(mean) ? mean : -1.0, NS_TO_S(t->time_ns - s->since_ns), t->radar_site,
             t->radar_target);
    a.evidence = ev;
    rule_alert(env, subj, &a);
}

static void forget(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct st *s = state;
    if (s->dark)
        rule_alert_close(env, SUBJECT_TRACK(v->t->track_id), s->last_ns, NULL);
}

const detect_rule rule_dark_target = {
    .name = "dark_target",
    .severity = 75,
    .params = params,
    .track_state_size = sizeof(struct st),
    .create = create,
    .destroy = destroy,
    .process = process,
    .forget = forget,
};
