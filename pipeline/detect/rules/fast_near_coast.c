/* fast_near_coast: the go-fast profile — SOG above min_sog_kn (25) within coast_dist_nm (12 NM,
 * the territorial sea) for min_duration_s, by a vessel that does not declare a type whose work
 * is fast near the coast (ITU-R M.1371-5 table 53): towing (31, 32), high-speed craft (40-49),
 * pilot (50), SAR (51), tug (52), port tender (53), law enforcement (55) or medical transport
 * (58), or a passenger ship (60-69) of passenger_min_length_m (24 m) or more: fast ferries
 * declare 60 as often as 40 (ATLANTICJET on the Pointe-a-Pitre - Marie-Galante run), and a
 * go-fast is an open boat of 8-15 m.  Pilot boats run out to the boarding grounds at 18-26 kn
 * many times a day; SAR aircraft are excluded too.  A vessel whose type is not known yet is
 * judged only once it has been fast for unknown_type_wait_s (6 min: class A sends its type 5
 * and class B its type 24 every 6 min), so a ferry heard from the middle of its run is not
 * taken for a go-fast before its static report arrives.  Distance from the shore comes from
 * dist_shore_m; without a shoreline the territorial-sea zone bit stands in.  The alert closes when
 * the speed falls below min_sog_kn - clear_margin_kn or the vessel leaves the coastal band. */
#include "../rule.h"

#include <stdio.h>

enum {
    P_MIN_SOG_KN,
    P_COAST_DIST_NM,
    P_MIN_DURATION_S,
    P_CLEAR_MARGIN_KN,
    P_REFRESH_S,
    P_PASSENGER_MIN_LENGTH_M,
    P_UNKNOWN_TYPE_WAIT_S
};
static const detect_param_spec params[] = {
    {"min_sog_kn", DP_REAL, "25", 1, 200, "speed over ground above which a vessel is fast (kn)"},
    {"coast_dist_nm", DP_REAL, "12", 0, 200, "coastal band: distance from shore (NM)"},
    {"min_duration_s", DP_REAL, "60", 0, 86400, "fast in the band for at least this long (s)"},
    {"clear_margin_kn", DP_REAL, "3", 0, 50, "hysteresis: fast ends below min_sog_kn - this"},
    {"refresh_s", DP_REAL, "60", 1, 86400, "extend the open alert at most this often (s)"},
    {"passenger_min_length_m", DP_REAL, "24", 0, 500,
     "passenger ships (types 60-69) this long or longer are exempt, as ferries (m; 0: none)"},
    {"unknown_type_wait_s", DP_REAL, "360", 0, 86400,
     "a vessel of unknown type must be fast this long before it is judged (s): its static "
     "report comes every 6 min"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct st {
    bool fast;
    int64_t since_ns, last_ns, last_raise_ns;
    float max_sog_kn;
};

static bool exempt_type(const rule_env *env, const wire_track *t)
{
    uint8_t type = t->ship_type;
    if (type >= 60 && type <= 69) {
        double min_len = rule_param(env, t->zones, P_PASSENGER_MIN_LENGTH_M);
        return min_len > 0 && t->length_m >= min_len;
    }
    return type == 31 || type == 32 || (type >= 40 && type <= 53) || type == 55 || type == 58;
}

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct st *s = state;
    const wire_track *t = v->t;
    if (t->mmsi == 0 || t->ais_class == 'S' || t->ais_class == 'N' || t->ais_class == 'X' ||
        t->update == TRACK_UPD_STATIC)
        return;
    uint64_t subj = SUBJECT_TRACK(t->track_id);
    if (exempt_type(env, t)) {
        if (s->fast)
            rule_alert_close(env, subj, s->last_ns, NULL);
        s->fast = false;
        return;
    }
    double band_m = rule_param(env, t->zones, P_COAST_DIST_NM) * GEO_M_PER_NM;
    bool coastal = isfinite(v->dist_shore_m) ? v->dist_shore_m <= band_m
                                             : (t->zones & ZONE_BIT(ZONE_TERRITORIAL_SEA)) != 0;
    double min_sog = rule_param(env, t->zones, P_MIN_SOG_KN);
    bool over =
        isfinite(t->sog_kn) &&
        t->sog_kn > (s->fast ? min_sog - rule_param(env, t->zones, P_CLEAR_MARGIN_KN) : min_sog);
    if (!(coastal && over)) {
        if (s->fast)
            rule_alert_close(env, subj, s->last_ns, NULL);
        s->fast = false;
        return;
    }
    if (!s->fast) {
        s->fast = true;
        s->since_ns = t->time_ns;
        s->max_sog_kn = 0;
        s->last_raise_ns = 0;
    }
    s->last_ns = t->time_ns;
    if (t->sog_kn > s->max_sog_kn)
        s->max_sog_kn = t->sog_kn;
    double need_s = rule_param(env, t->zones, P_MIN_DURATION_S);
    if (t->ship_type == 0)
        need_s = fmax(need_s, rule_param(env, t->zones, P_UNKNOWN_TYPE_WAIT_S));
    if (t->time_ns - s->since_ns < S_TO_NS(need_s))
        return;
    if (s->last_raise_ns &&
        t->time_ns - s->last_raise_ns < S_TO_NS(rule_param(env, t->zones, P_REFRESH_S)))
        return;
    s->last_raise_ns = t->time_ns;
    rule_alert_info a;
    rule_info_track(&a, t);
    a.start_ns = s->since_ns;
    /* Unknown ship type is the go-fast signature; a declared type lowers confidence a bit. */
    a.confidence = t->ship_type == 0 ? 1.0f : 0.8f;
    char ev[220];
    snprintf(ev, sizeof ev,
             "{\"sog_kn\":%.1f,\"max_sog_kn\":%.1f,\"dist_shore_m\":%.0f,\"ship_type\":%u,"
             "\"fast_for_s\":%.0f}",
             t->sog_kn, s->max_sog_kn, isfinite(v->dist_shore_m) ? v->dist_shore_m : -1.0,
             t->ship_type, NS_TO_S(t->time_ns - s->since_ns));
    a.evidence = ev;
    rule_alert(env, subj, &a);
}

const detect_rule rule_fast_near_coast = {
    .name = "fast_near_coast",
    .severity = 65,
    .params = params,
    .track_state_size = sizeof(struct st),
    .process = process,
};
