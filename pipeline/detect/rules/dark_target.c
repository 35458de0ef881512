/* dark_target: a radar track with no AIS association (TRACK_FLAG_DARK) for min_duration_s
 * (3 min), classified by its mean speed over the dark period: go_fast (>= gofast_min_kn, 20),
 * semi_submersible (semisub_min_kn..semisub_max_kn, 4-8: the low-freeboard narco-subs'
 * cruising speeds), otherwise unclassified at unclassified_confidence.  The alert stays open
 * while the track is dark and closes when it gains an AIS association or is removed. */
#include "../rule.h"

#include <stdio.h>

enum {
    P_MIN_DURATION_S,
    P_GOFAST_MIN_KN,
    P_SEMISUB_MIN_KN,
    P_SEMISUB_MAX_KN,
    P_UNCLASSIFIED_CONF,
    P_REFRESH_S
};
static const detect_param_spec params[] = {
    {"min_duration_s", DP_REAL, "180", 0, 86400, "dark for at least this long (s)"},
    {"gofast_min_kn", DP_REAL, "20", 1, 200, "mean speed of the go-fast class (kn)"},
    {"semisub_min_kn", DP_REAL, "4", 0, 50, "lowest mean speed of the semi-submersible class (kn)"},
    {"semisub_max_kn", DP_REAL, "8", 0, 50, "highest mean speed of the semi-submersible class (kn)"},
    {"unclassified_confidence", DP_REAL, "0.4", 0, 1,
     "confidence of a dark target in neither class"},
    {"refresh_s", DP_REAL, "60", 1, 86400, "extend the open alert at most this often (s)"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct st {
    bool dark;
    int64_t since_ns, last_ns, last_raise_ns;
    double sog_sum;
    uint32_t sog_n;
};

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct st *s = state;
    const wire_track *t = v->t;
    uint64_t subj = SUBJECT_TRACK(t->track_id);
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
    .process = process,
    .forget = forget,
};
