/* mmsi_conflict: one MMSI heard in two places at once.  Track fusion detects it (two position
 * streams that no vessel could join) and marks both tracks TRACK_FLAG_SPLIT; this rule turns
 * that into one alert per MMSI, with the positions of the tracks sharing it.  The alert closes
 * alert.close_after_s after the last split state.
 *
 * A split alone is not yet a conflict: a teleport whose old position falls silent is a spoofed
 * or bad fix (position_jump's), and a track the fusion split on a sharp manoeuvre stops
 * reporting on the old track at once.  The alert needs two tracks of the MMSI that each
 * report after the other has appeared: two transmitters heard at once. */
#include "../rule.h"
#include "../detect_internal.h"
#include "centinela/log.h"

#include <stdio.h>
#include <stdlib.h>

enum { P_REFRESH_S };
static const detect_param_spec params[] = {
    {"refresh_s", DP_REAL, "60", 1, 86400, "extend the open alert at most this often (s)"},
    {NULL, 0, NULL, 0, 0, NULL},
};

#define MAX_TRACKS 4
struct share {
    uint32_t track_id[MAX_TRACKS];
    double lat[MAX_TRACKS], lon[MAX_TRACKS];
    int64_t t_ns[MAX_TRACKS];     /* last position report of the track while split */
    int64_t first_ns[MAX_TRACKS]; /* first one */
    int n;
    int64_t last_raise_ns, last_ns;
};

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    u64map *by_mmsi = self; /* per-vessel records by MMSI */
    const wire_track *t = v->t;
    if (t->mmsi == 0 || !(t->flags & TRACK_FLAG_SPLIT) || t->update != TRACK_UPD_POSITION)
        return;
    struct share *sh = u64map_get(by_mmsi, t->mmsi);
    if (!sh) {
        sh = x_calloc(1, sizeof *sh);
        u64map_put(by_mmsi, t->mmsi, sh);
    }
    int i = 0;
    while (i < sh->n && sh->track_id[i] != t->track_id)
        i++;
    if (i == sh->n) {
        if (sh->n == MAX_TRACKS) {
            i = 0; /* replace the longest silent */
            for (int j = 1; j < sh->n; j++)
                if (sh->t_ns[j] < sh->t_ns[i])
                    i = j;
        } else {
            sh->n++;
        }
        sh->first_ns[i] = t->time_ns;
    }
    sh->track_id[i] = t->track_id;
    sh->lat[i] = t->lat_deg;
    sh->lon[i] = t->lon_deg;
    sh->t_ns[i] = t->time_ns;
    if (t->time_ns > sh->last_ns)
        sh->last_ns = t->time_ns;
    bool first = !rule_alert_is_open(env, SUBJECT_MMSI(t->mmsi));
    if (first) {
        bool both = false; /* this track and another each reported after the other appeared */
        for (int j = 0; j < sh->n && !both; j++)
            both = j != i && sh->t_ns[j] >= sh->first_ns[i] && sh->t_ns[i] > sh->first_ns[j];
        if (!both)
            return;
    }
    if (!first && t->time_ns - sh->last_raise_ns < S_TO_NS(rule_param(env, t->zones, P_REFRESH_S)))
        return;
    sh->last_raise_ns = t->time_ns;
    char ev[WIRE_ALERT_MAX_EVIDENCE];
    size_t k = (size_t)snprintf(ev, sizeof ev, "{\"mmsi\":%u,\"tracks\":[", t->mmsi);
    double max_sep = 0;
    for (int j = 0; j < sh->n; j++) {
        k +=
            (size_t)snprintf(ev + k, sizeof ev - k, "%s{\"track_id\":%u,\"lat\":%.5f,\"lon\":%.5f}",
                             j ? "," : "", sh->track_id[j], sh->lat[j], sh->lon[j]);
        for (int m = 0; m < j; m++) {
            double dm = geo_distance_m(sh->lat[j], sh->lon[j], sh->lat[m], sh->lon[m]);
            if (dm > max_sep)
                max_sep = dm;
        }
    }
    snprintf(ev + k, sizeof ev - k, "],\"separation_m\":%.0f}", max_sep);
    rule_alert_info a;
    rule_info_track(&a, t);
    a.confidence = 1.0f;
    a.evidence = ev;
    rule_alert(env, SUBJECT_MMSI(t->mmsi), &a);
}

static void sweep(void *self, rule_env *env, int64_t now_ns)
{
    u64map *by_mmsi = self; /* per-vessel records by MMSI */
    size_t it = 0;
    uint64_t k;
    void *v;
    while (u64map_next(by_mmsi, &it, &k, &v)) {
        struct share *sh = v;
        if (!rule_alert_is_open(env, SUBJECT_MMSI(k)) && now_ns - sh->last_ns > S_TO_NS(3600)) {
            u64map_del(by_mmsi, k);
            free(sh);
        }
    }
}

const detect_rule rule_mmsi_conflict = {
    .name = "mmsi_conflict",
    .severity = 70,
    .params = params,
    .create = u64map_rule_create,
    .process = process,
    .sweep = sweep,
    .destroy = u64map_rule_destroy,
};
