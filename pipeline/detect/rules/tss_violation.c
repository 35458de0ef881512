/* tss_violation: breaking a traffic-separation scheme (IMO COLREG rule 10).
 *
 * wrong_way: inside a TSS lane by at least lane_margin_m (300; the outer limits of a lane are
 * drawn approximately, and a boat skirting one is no evidence), course more than max_angle_deg
 * (120) off the lane's direction of traffic, at min_sog_kn or more, for min_duration_s.  The lane
 * direction comes from the zones (detect_geo.lane_direction_deg); crossing a lane at right angles
 * is allowed by rule 10 and stays below the angle.  Pilot, SAR, tug, tender, anti-pollution,
 * law-enforcement and medical vessels (types 50-58) on duty cross and run against the lanes to
 * reach the ships they serve (the pilot boarding ground lies at the northern end of the Gulf of
 * Panama scheme): exempt. speed: the seasonal whale-protection limit of the Gulf of Panama — above
 * speed_limit_kn (10) north of speed_lat_min_deg (8 N) inside the gulf box, in the TSS, from
 * season_start_mmdd (Aug 1) to season_end_mmdd (Nov 30), for ships of speed_min_length_m (20 m) and
 * more (unknown length counts); pilot, SAR, tug, tender, anti-pollution, law-enforcement and
 * medical vessels (types 50-58) are exempt.  Both need min_duration_s; one alert per vessel, closed
 * at the first compliant state. */
#include "../rule.h"

#include <stdio.h>

enum {
    P_MAX_ANGLE_DEG,
    P_MIN_SOG_KN,
    P_LANE_MARGIN_M,
    P_MIN_DURATION_S,
    P_SPEED_LIMIT_KN,
    P_SPEED_LAT_MIN,
    P_GULF_LAT_MAX,
    P_GULF_LON_MIN,
    P_GULF_LON_MAX,
    P_SEASON_START,
    P_SEASON_END,
    P_MIN_LENGTH_M,
    P_REFRESH_S
};
static const detect_param_spec params[] = {
    {"max_angle_deg", DP_REAL, "120", 90, 180,
     "course this far off the lane direction is the wrong way (deg)"},
    {"min_sog_kn", DP_REAL, "3", 0, 50, "wrong way only when moving at least this fast (kn)"},
    {"lane_margin_m", DP_REAL, "300", 0, 5000,
     "wrong way only this far inside the lane's boundary (m)"},
    {"min_duration_s", DP_REAL, "180", 0, 86400, "a violation must last this long (s)"},
    {"speed_limit_kn", DP_REAL, "10", 1, 50, "seasonal speed limit in the Gulf of Panama (kn)"},
    {"speed_lat_min_deg", DP_REAL, "8", -90, 90, "the limit applies north of this latitude (deg)"},
    {"gulf_lat_max_deg", DP_REAL, "9.0", -90, 90, "Gulf of Panama box: northern edge (deg)"},
    {"gulf_lon_min_deg", DP_REAL, "-80.2", -180, 180, "Gulf of Panama box: western edge (deg)"},
    {"gulf_lon_max_deg", DP_REAL, "-78.8", -180, 180, "Gulf of Panama box: eastern edge (deg)"},
    {"season_start_mmdd", DP_REAL, "801", 101, 1231, "first day of the season, MMDD (UTC)"},
    {"season_end_mmdd", DP_REAL, "1130", 101, 1231, "last day of the season, MMDD (UTC)"},
    {"speed_min_length_m", DP_REAL, "20", 0, 500, "the limit binds ships this long or longer (m)"},
    {"refresh_s", DP_REAL, "60", 1, 86400, "extend the open alert at most this often (s)"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct st {
    int64_t wrong_since_ns, speed_since_ns, last_ns, last_raise_ns;
    bool open;
    float max_sog_kn;
};

static bool in_season(const rule_env *env, uint32_t z, int64_t t_ns)
{
    int m, d;
    time_month_day(t_ns, &m, &d);
    int mmdd = m * 100 + d;
    int a = (int)rule_param(env, z, P_SEASON_START), b = (int)rule_param(env, z, P_SEASON_END);
    return a <= b ? (mmdd >= a && mmdd <= b) : (mmdd >= a || mmdd <= b);
}

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct st *s = state;
    const wire_track *t = v->t;
    if (t->mmsi == 0 || rule_not_a_ship(t) || t->update == TRACK_UPD_STATIC || !isfinite(t->sog_kn))
        return;
    uint32_t z = t->zones;
    uint64_t subj = SUBJECT_TRACK(t->track_id);
    const uint32_t tss = ZONE_BIT(ZONE_TSS_LANE) | ZONE_BIT(ZONE_TSS_SEPARATION);

    double lane = NAN;
    const detect_geo *geo = rule_geo(env);
    if ((z & ZONE_BIT(ZONE_TSS_LANE)) && geo->lane_direction_deg)
        lane = geo->lane_direction_deg(geo->ctx, t->lat_deg, t->lon_deg);
    double off = isfinite(lane) && isfinite(t->cog_deg) ? geo_angle_diff_deg(t->cog_deg, lane) : 0;
    bool service = t->ship_type >= 50 && t->ship_type <= 58;
    bool wrong = !service && isfinite(lane) && isfinite(t->cog_deg) &&
                 t->sog_kn >= rule_param(env, z, P_MIN_SOG_KN) &&
                 off > rule_param(env, z, P_MAX_ANGLE_DEG);
    if (wrong && geo->lane_depth_m &&
        geo->lane_depth_m(geo->ctx, t->lat_deg, t->lon_deg) < rule_param(env, z, P_LANE_MARGIN_M))
        wrong = false; /* on the lane's edge: its outer limit is approximate */

    bool exempt = service || (t->length_m > 0 && t->length_m < rule_param(env, z, P_MIN_LENGTH_M));
    bool fast = !exempt && (z & tss) && t->sog_kn > rule_param(env, z, P_SPEED_LIMIT_KN) &&
                t->lat_deg > rule_param(env, z, P_SPEED_LAT_MIN) &&
                t->lat_deg <= rule_param(env, z, P_GULF_LAT_MAX) &&
                t->lon_deg >= rule_param(env, z, P_GULF_LON_MIN) &&
                t->lon_deg <= rule_param(env, z, P_GULF_LON_MAX) && in_season(env, z, t->time_ns);

    if (!wrong)
        s->wrong_since_ns = 0;
    else if (!s->wrong_since_ns)
        s->wrong_since_ns = t->time_ns;
    if (!fast)
        s->speed_since_ns = 0;
    else if (!s->speed_since_ns)
        s->speed_since_ns = t->time_ns;
    if (!wrong && !fast) {
        if (s->open)
            rule_alert_close(env, subj, s->last_ns, NULL);
        s->open = false;
        return;
    }
    s->last_ns = t->time_ns;
    int64_t need = S_TO_NS(rule_param(env, z, P_MIN_DURATION_S));
    bool wrong_hit = wrong && t->time_ns - s->wrong_since_ns >= need;
    bool fast_hit = fast && t->time_ns - s->speed_since_ns >= need;
    if (!wrong_hit && !fast_hit)
        return;
    if (!s->open)
        s->max_sog_kn = 0;
    if (t->sog_kn > s->max_sog_kn)
        s->max_sog_kn = t->sog_kn;
    if (s->open && t->time_ns - s->last_raise_ns < S_TO_NS(rule_param(env, z, P_REFRESH_S)))
        return;
    s->open = true;
    s->last_raise_ns = t->time_ns;
    rule_alert_info a;
    rule_info_track(&a, t);
    a.start_ns = wrong_hit ? s->wrong_since_ns : s->speed_since_ns;
    a.confidence = wrong_hit ? 1.0f : 0.8f;
    char ev[260];
    if (wrong_hit)
        snprintf(ev, sizeof ev,
                 "{\"kind\":\"wrong_way\",\"cog_deg\":%.0f,\"lane_direction_deg\":%.0f,"
                 "\"off_deg\":%.0f,\"sog_kn\":%.1f}",
                 t->cog_deg, lane, off, t->sog_kn);
    else
        snprintf(ev, sizeof ev,
                 "{\"kind\":\"speed\",\"sog_kn\":%.1f,\"max_sog_kn\":%.1f,\"limit_kn\":%.0f}",
                 t->sog_kn, s->max_sog_kn, rule_param(env, z, P_SPEED_LIMIT_KN));
    a.evidence = ev;
    rule_alert(env, subj, &a);
}

const detect_rule rule_tss_violation = {
    .name = "tss_violation",
    .severity = 45,
    .params = params,
    .track_state_size = sizeof(struct st),
    .process = process,
};
