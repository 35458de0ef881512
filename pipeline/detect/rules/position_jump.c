/* position_jump: consecutive AIS positions of one track that no ship could join.
 *
 * Implied speed = great-circle distance / time between the two position states.  Fires when
 * it exceeds max_speed_kn (50), or when it exceeds the reported SOG (the larger of the two
 * states) by more than dr_excess_kn (25): the displacement is beyond what dead reckoning on the
 * vessel's own speed allows.  A jump must also be at least min_distance_m, which keeps
 * position noise over short intervals (20 m in 1 s is 39 kn) out; GFW's segmenter and
 * AIS-catcher's position filter use the same two ideas.  SAR aircraft, radar-only tracks and
 * split tracks (mmsi_conflict's) are skipped. */
#include "../rule.h"

#include <stdio.h>

enum { P_MAX_SPEED_KN, P_DR_EXCESS_KN, P_MIN_DISTANCE_M, P_MIN_DT_S };
static const detect_param_spec params[] = {
    {"max_speed_kn", DP_REAL, "50", 5, 1000, "implied speed beyond physics (kn)"},
    {"dr_excess_kn", DP_REAL, "25", 1, 1000,
     "implied speed above the reported SOG beyond which dead reckoning cannot explain it (kn)"},
    {"min_distance_m", DP_REAL, "1000", 0, 1e6, "smallest displacement that can be a jump (m)"},
    {"min_dt_s", DP_REAL, "2", 0, 3600,
     "time between states is taken as at least this (s), against duplicate timestamps"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct st {
    bool have;
    int64_t t_ns;
    double lat, lon;
    float sog_kn;
};

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct st *s = state;
    const wire_track *t = v->t;
    if (t->mmsi == 0 || t->ais_class == 'S' || (t->flags & TRACK_FLAG_SPLIT) ||
        t->update == TRACK_UPD_STATIC || t->update == TRACK_UPD_STATE)
        return;
    if (!s->have || t->time_ns <= s->t_ns) {
        if (!s->have) {
            s->have = true;
            s->t_ns = t->time_ns;
            s->lat = t->lat_deg;
            s->lon = t->lon_deg;
            s->sog_kn = t->sog_kn;
        }
        return;
    }
    double d_m = geo_distance_m(s->lat, s->lon, t->lat_deg, t->lon_deg);
    double dt_s = NS_TO_S(t->time_ns - s->t_ns);
    double min_dt = rule_param(env, t->zones, P_MIN_DT_S);
    double implied_kn = d_m / (dt_s > min_dt ? dt_s : min_dt) / GEO_MPS_PER_KN;
    double sog = 0;
    if (isfinite(s->sog_kn))
        sog = s->sog_kn;
    if (isfinite(t->sog_kn) && t->sog_kn > sog)
        sog = t->sog_kn;
    double max_kn = rule_param(env, t->zones, P_MAX_SPEED_KN);
    double excess_kn = rule_param(env, t->zones, P_DR_EXCESS_KN);
    if (d_m >= rule_param(env, t->zones, P_MIN_DISTANCE_M) &&
        (implied_kn > max_kn || implied_kn > sog + excess_kn)) {
        rule_alert_info a;
        rule_info_track(&a, t);
        a.start_ns = s->t_ns;
        double over = implied_kn > max_kn ? implied_kn / max_kn : implied_kn / (sog + excess_kn);
        a.confidence = (float)(over >= 2 ? 1.0 : 0.5 + 0.5 * (over - 1));
        char ev[320];
        snprintf(ev, sizeof ev,
                 "{\"from\":{\"lat\":%.5f,\"lon\":%.5f},\"to\":{\"lat\":%.5f,\"lon\":%.5f},"
                 "\"distance_m\":%.0f,\"dt_s\":%.1f,\"implied_kn\":%.1f,\"sog_kn\":%.1f,"
                 "\"reason\":\"%s\"}",
                 s->lat, s->lon, t->lat_deg, t->lon_deg, d_m, dt_s, implied_kn, sog,
                 implied_kn > max_kn ? "beyond_physics" : "beyond_dead_reckoning");
        a.evidence = ev;
        rule_alert(env, SUBJECT_TRACK(t->track_id), &a);
    }
    s->t_ns = t->time_ns;
    s->lat = t->lat_deg;
    s->lon = t->lon_deg;
    s->sog_kn = t->sog_kn;
}

const detect_rule rule_position_jump = {
    .name = "position_jump",
    .severity = 60,
    .params = params,
    .track_state_size = sizeof(struct st),
    .process = process,
};
