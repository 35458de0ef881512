/* loitering: a vessel idling at sea — Global Fishing Watch's loitering definition: slower than
 * max_sog_kn (2 kn) for min_duration_s (4 h), at least min_shore_dist_nm (20 NM) from shore,
 * outside anchorages (the detector's hysteretic near_anchorage context).  Excursions above the
 * speed shorter than resume_s do not restart the clock.  Without dist_shore_m (no shoreline
 * loaded, or the position outside the land extent the zones cover) a position inside the EEZ
 * but outside the territorial sea and the contiguous zone (24 NM) stands in; otherwise the
 * rule stays silent rather than guess (moored barges on a river far from the loaded coast
 * read as "far offshore" before).  Fishing vessels (type 30) are skipped: slow drifting is how
 * they fish, and GFW's loitering event is defined for carriers, not for fishing vessels. */
#include "../rule.h"

#include <stdio.h>

enum { P_MAX_SOG_KN, P_MIN_DURATION_S, P_MIN_SHORE_DIST_NM, P_RESUME_S, P_REFRESH_S };
static const detect_param_spec params[] = {
    {"max_sog_kn", DP_REAL, "2", 0, 20, "slower than this (kn)"},
    {"min_duration_s", DP_REAL, "14400", 60, 30 * 86400.0, "for at least this long (s)"},
    {"min_shore_dist_nm", DP_REAL, "20", 0, 500, "at least this far from shore (NM)"},
    {"resume_s", DP_REAL, "900", 0, 86400,
     "an interruption shorter than this does not end the loitering (s)"},
    {"refresh_s", DP_REAL, "300", 1, 86400, "extend the open alert at most this often (s)"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct st {
    int64_t since_ns, last_in_ns, last_raise_ns;
    double sum_lat, sum_lon, sum_sog;
    uint32_t n;
    bool open;
};

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct st *s = state;
    const wire_track *t = v->t;
    if (rule_not_a_ship(t) || t->mmsi == 0 || t->update == TRACK_UPD_STATIC || t->ship_type == 30)
        return;
    uint32_t z = t->zones;
    uint64_t subj = SUBJECT_TRACK(t->track_id);
    bool offshore;
    if (isfinite(v->dist_shore_m))
        offshore = v->dist_shore_m >= rule_param(env, z, P_MIN_SHORE_DIST_NM) * GEO_M_PER_NM;
    else
        offshore = (z & ZONE_BIT(ZONE_EEZ)) &&
                   !(z & (ZONE_BIT(ZONE_TERRITORIAL_SEA) | ZONE_BIT(ZONE_CONTIGUOUS_ZONE)));
    if (!isfinite(v->dist_shore_m) && !offshore && isfinite(t->sog_kn) &&
        t->sog_kn < rule_param(env, z, P_MAX_SOG_KN))
        rule_note_once(env, "silent for slow vessels outside the loaded land and EEZ (shore "
                            "distance unknown, not far offshore)");
    bool in = offshore && isfinite(t->sog_kn) && t->sog_kn < rule_param(env, z, P_MAX_SOG_KN) &&
              !v->near_anchorage && !(z & (ZONE_BIT(ZONE_ANCHORAGE) | ZONE_BIT(ZONE_PORT)));
    int64_t resume = S_TO_NS(rule_param(env, z, P_RESUME_S));
    if (!in) {
        if (s->since_ns && t->time_ns - s->last_in_ns > resume) {
            if (s->open)
                rule_alert_close(env, subj, s->last_in_ns, NULL);
            *s = (struct st){0};
        }
        return;
    }
    if (!s->since_ns || t->time_ns - s->last_in_ns > resume) {
        if (s->open)
            rule_alert_close(env, subj, s->last_in_ns, NULL);
        *s = (struct st){.since_ns = t->time_ns};
    }
    s->last_in_ns = t->time_ns;
    s->sum_lat += t->lat_deg;
    s->sum_lon += t->lon_deg;
    s->sum_sog += t->sog_kn;
    s->n++;
    double dur_s = NS_TO_S(t->time_ns - s->since_ns);
    double min_s = rule_param(env, z, P_MIN_DURATION_S);
    if (dur_s < min_s)
        return;
    if (s->open && t->time_ns - s->last_raise_ns < S_TO_NS(rule_param(env, z, P_REFRESH_S)))
        return;
    s->open = true;
    s->last_raise_ns = t->time_ns;
    rule_alert_info a;
    rule_info_track(&a, t);
    a.start_ns = s->since_ns;
    a.lat_deg = s->sum_lat / s->n;
    a.lon_deg = s->sum_lon / s->n;
    a.confidence = (float)(dur_s >= 2 * min_s ? 1.0 : 0.7 + 0.3 * (dur_s / min_s - 1));
    char ev[200];
    snprintf(ev, sizeof ev,
             "{\"duration_s\":%.0f,\"mean_sog_kn\":%.2f,\"dist_shore_m\":%.0f,\"reports\":%u}",
             dur_s, s->sum_sog / s->n, isfinite(v->dist_shore_m) ? v->dist_shore_m : -1.0, s->n);
    a.evidence = ev;
    rule_alert(env, subj, &a);
}

const detect_rule rule_loitering = {
    .name = "loitering",
    .severity = 50,
    .params = params,
    .track_state_size = sizeof(struct st),
    .process = process,
};
