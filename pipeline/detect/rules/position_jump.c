/* position_jump: consecutive AIS positions of one track that no ship could join.
 *
 * Implied speed = great-circle distance / time between the two position states.  Fires when
 * it exceeds max_speed_kn (50), or when it exceeds the reported SOG (the larger of the two
 * states) by more than dr_excess_kn (25): the displacement is beyond what dead reckoning on the
 * vessel's own speed allows.  A jump must also be at least min_distance_m, which keeps
 * position noise over short intervals (20 m in 1 s is 39 kn) out; GFW's segmenter and
 * AIS-catcher's position filter use the same two ideas.  SAR aircraft and radar-only tracks
 * are skipped.
 *
 * A jump no filter could follow makes the track fusion start a second track for the MMSI (a
 * split).  Whether that is a jump or two transmitters is told by what the two positions do
 * over the next confirm_s: if they do not alternate (the old one fell silent: the vessel
 * moved or its fix is bad; or the new one was a blip of a few spoofed reports and the old one
 * carries on), the MMSI jumped — measured from its last report before the split; if both keep
 * reporting in turn, it is mmsi_conflict's.  A split whose window ends without reports (the
 * MMSI fell silent), or that is still open when the stream ends, is decided the same way on
 * what was seen (the sweep), when the new position reported at least twice. */
#include "../rule.h"

#include <stdio.h>

#include "../detect_internal.h"
#include "centinela/log.h"

#include <stdlib.h>

enum { P_MAX_SPEED_KN, P_DR_EXCESS_KN, P_MIN_DISTANCE_M, P_MIN_DT_S, P_CONFIRM_S };
static const detect_param_spec params[] = {
    {"max_speed_kn", DP_REAL, "50", 5, 1000, "implied speed beyond physics (kn)"},
    {"dr_excess_kn", DP_REAL, "25", 1, 1000,
     "implied speed above the reported SOG beyond which dead reckoning cannot explain it (kn)"},
    {"min_distance_m", DP_REAL, "1000", 0, 1e6, "smallest displacement that can be a jump (m)"},
    {"min_dt_s", DP_REAL, "2", 0, 3600,
     "time between states is taken as at least this (s), against duplicate timestamps"},
    {"confirm_s", DP_REAL, "360", 0, 86400,
     "after a split, the old and new positions not reporting in turn for this long is a jump "
     "(s); two class A reports of a ship at anchor"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct st {
    bool have;
    int64_t t_ns;
    double lat, lon;
    float sog_kn;
};

/* The last report of an MMSI over all its tracks, and a split waiting for confirmation. */
struct last {
    uint32_t track_id;
    int64_t t_ns;
    double lat, lon;
    float sog_kn;
    bool pending, old_again, new_again;
    int new_reports; /* reports at the new position since the split */
    uint32_t old_track, new_track;
    int64_t from_ns, to_ns;
    double from_lat, from_lon, to_lat, to_lon;
    float from_sog_kn;
    wire_track to_t; /* the first report at the new position */
};

/* Implied speed between two fixes and whether it is a jump; *over gets the ratio to the limit
 * and *why the reason. */
static bool is_jump(rule_env *env, uint32_t z, double d_m, double dt_s, double sog,
                    double *implied_kn, double *over, const char **why)
{
    double min_dt = rule_param(env, z, P_MIN_DT_S);
    *implied_kn = d_m / (dt_s > min_dt ? dt_s : min_dt) / GEO_MPS_PER_KN;
    double max_kn = rule_param(env, z, P_MAX_SPEED_KN);
    double excess_kn = rule_param(env, z, P_DR_EXCESS_KN);
    *over = *implied_kn > max_kn ? *implied_kn / max_kn : *implied_kn / (sog + excess_kn);
    *why = *implied_kn > max_kn ? "beyond_physics" : "beyond_dead_reckoning";
    return d_m >= rule_param(env, z, P_MIN_DISTANCE_M) &&
           (*implied_kn > max_kn || *implied_kn > sog + excess_kn);
}

static void raise_jump(rule_env *env, const wire_track *t, int64_t from_ns, double flat,
                       double flon, double tlat, double tlon, double d_m, double dt_s,
                       double implied_kn, double sog, double over, const char *why, bool split)
{
    rule_alert_info a;
    rule_info_track(&a, t);
    a.start_ns = from_ns;
    a.lat_deg = tlat;
    a.lon_deg = tlon;
    a.confidence = (float)(over >= 2 ? 1.0 : 0.5 + 0.5 * (over - 1));
    char ev[360];
    snprintf(ev, sizeof ev,
             "{\"from\":{\"lat\":%.5f,\"lon\":%.5f},\"to\":{\"lat\":%.5f,\"lon\":%.5f},"
             "\"distance_m\":%.0f,\"dt_s\":%.1f,\"implied_kn\":%.1f,\"sog_kn\":%.1f,"
             "\"reason\":\"%s\"%s}",
             flat, flon, tlat, tlon, d_m, dt_s, implied_kn, sog, why,
             split ? ",\"split\":true" : "");
    a.evidence = ev;
    rule_alert(env, SUBJECT_TRACK(t->track_id), &a);
}

/* Every AIS position report of the MMSI, split or not: remember the last one; a split track's
 * first report far from it opens a pending jump, confirmed when the old track stays silent. */
static void by_mmsi(u64map *m, rule_env *env, const wire_track *t)
{
    struct last *L = u64map_get(m, t->mmsi);
    if (!L) {
        L = x_calloc(1, sizeof *L);
        u64map_put(m, t->mmsi, L);
    } else if (t->time_ns < L->t_ns) {
        return;
    } else if (L->pending) {
        /* Two transmitters alternate: the old reports after the new appeared, and the new
         * after that.  A blip (new, new, old, old...) or a move (new, new...) does not. */
        if (t->track_id == L->new_track)
            L->new_reports++;
        if (t->track_id == L->old_track && t->time_ns > L->to_ns)
            L->old_again = true;
        else if (t->track_id == L->new_track && L->old_again)
            L->new_again = true;
        if (t->time_ns - L->to_ns >= S_TO_NS(rule_param(env, t->zones, P_CONFIRM_S))) {
            L->pending = false;
            /* Both positions kept reporting: two transmitters, not a jump. */
            double d_m = geo_distance_m(L->from_lat, L->from_lon, L->to_lat, L->to_lon);
            double dt_s = NS_TO_S(L->to_ns - L->from_ns), implied, over;
            const char *why;
            if (!(L->old_again && L->new_again) &&
                is_jump(env, t->zones, d_m, dt_s, L->from_sog_kn, &implied, &over, &why))
                raise_jump(env, t, L->from_ns, L->from_lat, L->from_lon, L->to_lat, L->to_lon, d_m,
                           dt_s, implied, L->from_sog_kn, over, why, true);
        }
    } else if ((t->flags & TRACK_FLAG_SPLIT) && L->t_ns && t->track_id != L->track_id) {
        double d_m = geo_distance_m(L->lat, L->lon, t->lat_deg, t->lon_deg);
        double dt_s = NS_TO_S(t->time_ns - L->t_ns), implied, over;
        double sog = isfinite(L->sog_kn) ? L->sog_kn : 0;
        if (isfinite(t->sog_kn) && t->sog_kn > sog)
            sog = t->sog_kn;
        const char *why;
        if (is_jump(env, t->zones, d_m, dt_s, sog, &implied, &over, &why)) {
            L->pending = true;
            L->old_again = L->new_again = false;
            L->new_reports = 1;
            L->old_track = L->track_id;
            L->new_track = t->track_id;
            L->from_ns = L->t_ns;
            L->from_lat = L->lat;
            L->from_lon = L->lon;
            L->from_sog_kn = (float)sog;
            L->to_ns = t->time_ns;
            L->to_lat = t->lat_deg;
            L->to_lon = t->lon_deg;
            L->to_t = *t;
        }
    }
    L->track_id = t->track_id;
    L->t_ns = t->time_ns;
    L->lat = t->lat_deg;
    L->lon = t->lon_deg;
    L->sog_kn = t->sog_kn;
}

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct st *s = state;
    const wire_track *t = v->t;
    if (t->mmsi == 0 || t->ais_class == 'S' || t->update == TRACK_UPD_STATIC ||
        t->update == TRACK_UPD_STATE)
        return;
    if (t->update == TRACK_UPD_POSITION)
        by_mmsi(self, env, t);
    if (t->flags & TRACK_FLAG_SPLIT)
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
    double dt_s = NS_TO_S(t->time_ns - s->t_ns), implied_kn, over;
    double sog = 0;
    if (isfinite(s->sog_kn))
        sog = s->sog_kn;
    if (isfinite(t->sog_kn) && t->sog_kn > sog)
        sog = t->sog_kn;
    const char *why;
    if (is_jump(env, t->zones, d_m, dt_s, sog, &implied_kn, &over, &why))
        raise_jump(env, t, s->t_ns, s->lat, s->lon, t->lat_deg, t->lon_deg, d_m, dt_s, implied_kn,
                   sog, over, why, false);
    s->t_ns = t->time_ns;
    s->lat = t->lat_deg;
    s->lon = t->lon_deg;
    s->sog_kn = t->sog_kn;
}

static void sweep(void *self, rule_env *env, int64_t now_ns)
{
    u64map *m = self;
    size_t it = 0;
    uint64_t k;
    void *v;
    while (u64map_next(m, &it, &k, &v)) {
        struct last *L = v;
        if (L->pending &&
            (rule_finishing(env) ||
             now_ns - L->to_ns >= S_TO_NS(rule_param(env, L->to_t.zones, P_CONFIRM_S)))) {
            L->pending = false;
            /* One report at the new place and then nothing more of the MMSI: no more than a
             * blip, nothing to decide on (sparse satellite data is full of them). */
            if (L->new_reports < 2)
                continue;
            double d_m = geo_distance_m(L->from_lat, L->from_lon, L->to_lat, L->to_lon);
            double dt_s = NS_TO_S(L->to_ns - L->from_ns), implied, over;
            const char *why;
            if (!(L->old_again && L->new_again) &&
                is_jump(env, L->to_t.zones, d_m, dt_s, L->from_sog_kn, &implied, &over, &why))
                raise_jump(env, &L->to_t, L->from_ns, L->from_lat, L->from_lon, L->to_lat,
                           L->to_lon, d_m, dt_s, implied, L->from_sog_kn, over, why, true);
        }
        if (now_ns - L->t_ns > S_TO_NS(86400)) {
            u64map_del(m, k);
            free(L);
        }
    }
}

const detect_rule rule_position_jump = {
    .name = "position_jump",
    .severity = 60,
    .params = params,
    .track_state_size = sizeof(struct st),
    .create = u64map_rule_create,
    .process = process,
    .sweep = sweep,
    .destroy = u64map_rule_destroy,
};
