/* canal_overstay: behaviour at the Panama Canal anchorages that the transit queue does not
 * explain.
 *
 * A canal anchorage is an anchorage zone inside, or within canal_dist_m of, a canal approach
 * zone (the entrance channels).  A vessel stopped there (the detector's hysteretic context) is
 * waiting.  overstay: waiting longer than max_wait_s (72 h; booked transits wait about a day and
 * unbooked ones two to five, Panama Canal Authority queue statistics, so three days is far
 * beyond the norm for the default).  left_without_transit: a vessel that waited at least
 * min_wait_s leaves the anchorage and goes more than leave_dist_m from where it waited, or is
 * still not at the canal after no_transit_s, without entering the canal's navigable water,
 * coming within radius of one of the entrances (approximate circles at the Pacific entrance
 * below the Bridge of the Americas and the Atlantic entrance inside the Colón breakwater), or
 * entering a canal approach zone closer to an entrance than where it waited (the approach
 * channels lead out to sea as well as in). */
#include "../rule.h"
#include "../detect_internal.h"
#include "centinela/log.h"

#include <stdio.h>
#include <stdlib.h>

enum {
    P_MAX_WAIT_S,
    P_MIN_WAIT_S,
    P_NO_TRANSIT_S,
    P_CANAL_DIST_M,
    P_LEAVE_DIST_M,
    P_ENTRANCES,
    P_REFRESH_S
};
static const detect_param_spec params[] = {
    {"max_wait_s", DP_REAL, "259200", 3600, 60 * 86400.0,
     "waiting at a canal anchorage longer than this is an overstay (s)"},
    {"min_wait_s", DP_REAL, "7200", 0, 30 * 86400.0,
     "a vessel that waited this long and leaves must transit (s)"},
    {"no_transit_s", DP_REAL, "21600", 600, 30 * 86400.0,
     "after leaving the anchorage, reach an entrance within this long (s)"},
    {"canal_dist_m", DP_REAL, "10000", 0, 100000,
     "an anchorage within this distance of a canal approach zone is a canal anchorage (m)"},
    {"leave_dist_m", DP_REAL, "20000", 1000, 500000,
     "after leaving, this far from the waiting position without transiting is leaving (m)"},
    {"entrances", DP_STR, "pacific:8.935,-79.560,3;atlantic:9.345,-79.915,3", 0, -1,
     "canal entrances, name:lat_deg,lon_deg,radius_km separated by ';' (approximate)"},
    {"refresh_s", DP_REAL, "600", 1, 86400, "extend the open alert at most this often (s)"},
    {NULL, 0, NULL, 0, 0, NULL},
};

#define MAX_ENTRANCES 8
struct self {
    detect_place ent[MAX_ENTRANCES];
    int n_ent;
};

enum phase { IDLE = 0, WAITING, DEPARTED };
struct st {
    uint8_t phase;
    bool overstay_open;
    int64_t wait_start_ns, last_wait_ns, left_ns, last_raise_ns;
    double wait_lat, wait_lon;
};

static void *create(rule_env *env)
{
    struct self *s = x_calloc(1, sizeof *s);
    const char *why = NULL;
    s->n_ent = detect_places_parse(rule_param_str(env, P_ENTRANCES), s->ent, MAX_ENTRANCES, &why);
    if (s->n_ent < 0) {
        log_error("canal_overstay.entrances refused: %s", why);
        free(s);
        return NULL;
    }
    return s;
}

static void destroy(void **p)
{
    free(*p);
    *p = NULL;
}

static bool at_entrance(const struct self *s, double lat, double lon)
{
    for (int i = 0; i < s->n_ent; i++)
        if (geo_distance_m(lat, lon, s->ent[i].lat_deg, s->ent[i].lon_deg) <= s->ent[i].radius_m)
            return true;
    return false;
}

/* Distance to the nearest entrance (m); INFINITY without entrances. */
static double entrance_dist_m(const struct self *s, double lat, double lon)
{
    double best = INFINITY;
    for (int i = 0; i < s->n_ent; i++) {
        double d = geo_distance_m(lat, lon, s->ent[i].lat_deg, s->ent[i].lon_deg);
        if (d < best)
            best = d;
    }
    return best;
}

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct self *S = self;
    struct st *s = state;
    const wire_track *t = v->t;
    if (t->mmsi == 0 || rule_not_a_ship(t) || t->update == TRACK_UPD_STATIC)
        return;
    uint32_t z = t->zones;
    uint64_t subj = SUBJECT_TRACK(t->track_id);
    bool canal_anch = false;
    if (z & ZONE_BIT(ZONE_ANCHORAGE)) {
        /* Which anchorage this is does not change while waiting: ask the zones once. */
        if (s->phase == WAITING) {
            canal_anch = true;
        } else {
            const detect_geo *geo = rule_geo(env);
            canal_anch =
                (z & ZONE_BIT(ZONE_CANAL_APPROACH)) ||
                (geo->dist_to_zone_m &&
                 geo->dist_to_zone_m(geo->ctx, t->lat_deg, t->lon_deg, ZONE_CANAL_APPROACH) <=
                     rule_param(env, z, P_CANAL_DIST_M));
        }
    }
    bool in_anch_area = canal_anch || (s->phase == WAITING && v->near_anchorage);

    if (canal_anch && v->stopped) {
        if (s->phase != WAITING) {
            s->phase = WAITING;
            s->wait_start_ns = t->time_ns;
            s->overstay_open = false;
        }
        s->last_wait_ns = t->time_ns;
        s->wait_lat = t->lat_deg;
        s->wait_lon = t->lon_deg;
        double waited_s = NS_TO_S(t->time_ns - s->wait_start_ns);
        double max_s = rule_param(env, z, P_MAX_WAIT_S);
        if (waited_s >= max_s &&
            (!s->overstay_open ||
             t->time_ns - s->last_raise_ns >= S_TO_NS(rule_param(env, z, P_REFRESH_S)))) {
            s->overstay_open = true;
            s->last_raise_ns = t->time_ns;
            rule_alert_info a;
            rule_info_track(&a, t);
            a.start_ns = s->wait_start_ns;
            a.hold = true;
            a.confidence =
                (float)(waited_s >= 2 * max_s ? 1.0 : 0.6 + 0.4 * (waited_s / max_s - 1));
            char ev[160];
            snprintf(ev, sizeof ev, "{\"kind\":\"overstay\",\"waited_s\":%.0f,\"norm_s\":%.0f}",
                     waited_s, max_s);
            a.evidence = ev;
            rule_alert(env, subj, &a);
        }
        return;
    }
    /* Entering the locks or the canal itself is the transit, and so is entering the approach
     * channel towards the canal, whether or not the vessel is yet beyond the anchorage
     * context's release distance (the Balboa channel runs along the anchorage: a ship leaving
     * for the locks is still "near" it).  The approach channels also lead out to sea (the
     * Atlantic one runs north from the Colon breakwaters past both Limon Bay anchorages): in
     * the channel but farther from the entrances than where it waited is leaving, not transit. */
    bool transit = (z & ZONE_BIT(ZONE_NAVIGABLE_WATER)) || at_entrance(S, t->lat_deg, t->lon_deg);
    if (!transit && (z & ZONE_BIT(ZONE_CANAL_APPROACH)) && s->phase != IDLE) {
        double now_m = entrance_dist_m(S, t->lat_deg, t->lon_deg);
        transit = !isfinite(now_m) || now_m < entrance_dist_m(S, s->wait_lat, s->wait_lon);
    }
    if ((s->phase == WAITING || s->phase == DEPARTED) && transit && !canal_anch) {
        if (s->overstay_open)
            rule_alert_close(env, subj, s->last_wait_ns, NULL);
        s->overstay_open = false;
        s->phase = IDLE;
        return;
    }
    if (s->phase == WAITING && !in_anch_area) {
        if (s->overstay_open)
            rule_alert_close(env, subj, s->last_wait_ns, NULL);
        s->overstay_open = false;
        if (NS_TO_S(s->last_wait_ns - s->wait_start_ns) >= rule_param(env, z, P_MIN_WAIT_S)) {
            s->phase = DEPARTED;
            s->left_ns = t->time_ns;
        } else {
            s->phase = IDLE;
        }
    }
    if (s->phase != DEPARTED)
        return;
    bool left_approach = geo_distance_m(s->wait_lat, s->wait_lon, t->lat_deg, t->lon_deg) >
                         rule_param(env, z, P_LEAVE_DIST_M);
    bool too_long = t->time_ns - s->left_ns >= S_TO_NS(rule_param(env, z, P_NO_TRANSIT_S));
    if (!left_approach && !too_long)
        return;
    s->phase = IDLE;
    rule_alert_info a;
    rule_info_track(&a, t);
    a.start_ns = s->left_ns;
    a.confidence = left_approach ? 1.0f : 0.7f;
    char ev[260];
    snprintf(ev, sizeof ev,
             "{\"kind\":\"left_without_transit\",\"waited_s\":%.0f,\"anchorage\":{\"lat\":%.5f,"
             "\"lon\":%.5f},\"reason\":\"%s\"}",
             NS_TO_S(s->last_wait_ns - s->wait_start_ns), s->wait_lat, s->wait_lon,
             left_approach ? "sailed_away" : "no_transit_in_time");
    a.evidence = ev;
    rule_alert(env, subj, &a);
}

static void forget(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct st *s = state;
    if (s->overstay_open)
        rule_alert_close(env, SUBJECT_TRACK(v->t->track_id), s->last_wait_ns, NULL);
}

const detect_rule rule_canal_overstay = {
    .name = "canal_overstay",
    .severity = 40,
    .params = params,
    .track_state_size = sizeof(struct st),
    .create = create,
    .process = process,
    .forget = forget,
    .destroy = destroy,
};
