/* position_on_land: a ship reporting a position inland, beyond any plausible berth.
 *
 * On land means TRACK_FLAG_ON_LAND from fusion's land mask or the land zone bit, outside
 * navigable water (the canal channel, locks and lakes, harbour basins and marinas: the zones
 * drop the land bit there), ports and canal approach channels; and, when the geography can say
 * (detect_geo.inland_m), at least min_inland_m from the nearest plausible berth: the coast or
 * navigable water, the water a ship can reach from the sea.  Coarse land masks such as the
 * 1:10 m OSM polygons put quays, marinas, causeways and river banks hundreds of metres inside
 * "land" (moored ferries at Almirante, yachts in Shelter Bay, tugs at the Amador causeway); a
 * spoofed or corrupted position lands kilometres inland, and the shore of an inland lake (Lake
 * Alajuela behind Madden Dam) is no berth: it does not excuse a position.  AtoN, base stations
 * and SAR aircraft are excluded.  min_reports consecutive states on land are needed; the alert
 * closes at the first state back at sea.
 *
 * Where only a world shoreline knows the land (GSHHG outside the GeoJSON land extent,
 * detect_geo.land_detailed false), the rule stays silent unless trust_global_land is set:
 * GSHHG has no rivers, canals or locks, so every barge and river cruiser on the Seine (the
 * vernon feed) or the Rhine would be "kilometres inland".  Operators of a coast without inland
 * waterways may opt in. */
#include "../rule.h"

#include <stdio.h>

enum { P_MIN_REPORTS, P_MIN_INLAND_M, P_REFRESH_S, P_TRUST_GLOBAL_LAND };
static const detect_param_spec params[] = {
    {"min_reports", DP_REAL, "2", 1, 100, "consecutive states on land before the alert"},
    {"min_inland_m", DP_REAL, "1000", 0, 50000,
     "at least this far from the coast or navigable water (m), when the zones know it: nearer "
     "is a berth or the error of a coarse land mask; inland lakes' shores do not count"},
    {"refresh_s", DP_REAL, "60", 1, 86400, "extend the open alert at most this often (s)"},
    {"trust_global_land", DP_BOOL, "false", 0, 1,
     "also alert where only the world shoreline (GSHHG) knows the land: it has no rivers or "
     "canals, so ships on inland waterways read as on land"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct st {
    uint32_t count;
    int64_t first_ns, last_ns, last_raise_ns;
};

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct st *s = state;
    const wire_track *t = v->t;
    if (t->mmsi == 0 || rule_not_a_ship(t) || t->update == TRACK_UPD_STATIC)
        return;
    bool land = ((t->flags & TRACK_FLAG_ON_LAND) || (t->zones & ZONE_BIT(ZONE_LAND))) &&
                !(t->zones & (ZONE_BIT(ZONE_PORT) | ZONE_BIT(ZONE_CANAL_APPROACH) |
                              ZONE_BIT(ZONE_NAVIGABLE_WATER)));
    double inland_m = NAN;
    if (land) {
        const detect_geo *geo = rule_geo(env);
        if (geo->land_detailed && !geo->land_detailed(geo->ctx, t->lat_deg, t->lon_deg) &&
            !rule_param(env, t->zones, P_TRUST_GLOBAL_LAND)) {
            rule_note_once(env, "silent where only the world shoreline (GSHHG: no rivers, no "
                                "canals) knows the land; position_on_land.trust_global_land "
                                "opts in");
            land = false;
        }
    }
    if (land) {
        const detect_geo *geo = rule_geo(env);
        if (geo->inland_m)
            inland_m = geo->inland_m(geo->ctx, t->lat_deg, t->lon_deg);
        if (isfinite(inland_m) && inland_m < rule_param(env, t->zones, P_MIN_INLAND_M))
            land = false; /* a berth, a quay, a river bank */
    }
    if (!land) {
        if (s->count)
            rule_alert_close(env, SUBJECT_TRACK(t->track_id), s->last_ns, NULL);
        s->count = 0;
        return;
    }
    if (s->count++ == 0)
        s->first_ns = t->time_ns;
    s->last_ns = t->time_ns;
    if (s->count < rule_param(env, t->zones, P_MIN_REPORTS))
        return;
    if (s->last_raise_ns &&
        t->time_ns - s->last_raise_ns < S_TO_NS(rule_param(env, t->zones, P_REFRESH_S)) &&
        rule_alert_is_open(env, SUBJECT_TRACK(t->track_id)))
        return;
    s->last_raise_ns = t->time_ns;
    rule_alert_info a;
    rule_info_track(&a, t);
    a.start_ns = s->first_ns;
    char ev[200];
    snprintf(ev, sizeof ev, "{\"reports_on_land\":%u,\"inland_m\":%.0f,\"source\":\"%s\"}",
             s->count, isfinite(inland_m) ? inland_m : (isinf(inland_m) ? 50000.0 : -1.0),
             (t->flags & TRACK_FLAG_ON_LAND) ? "land_mask" : "land_zone");
    a.evidence = ev;
    rule_alert(env, SUBJECT_TRACK(t->track_id), &a);
}

const detect_rule rule_position_on_land = {
    .name = "position_on_land",
    .severity = 55,
    .params = params,
    .track_state_size = sizeof(struct st),
    .process = process,
};
