/* The detector: track table, context with hysteresis, rule dispatch, event-time sweeps, and
 * the alert lifecycle with its score.  See centinela/detect.h for the behaviour. */
#include "detect_internal.h"
#include "centinela/log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RULES 32
#define MAX_HOTSPOTS 32

struct vessel {
    uint32_t track_id;
    bool has_prev;
    bool near_anchorage, stopped, anch_queried;
    int64_t first_seen_ns, last_update_ns;
    double dist_anchorage_m, anch_q_lat, anch_q_lon, anch_dist_q;
    wire_track prev;
    _Alignas(16) unsigned char rule_state[];
};

struct alert_rec {
    wire_alert a;
    uint64_t subject;
    int64_t last_raised_ns; /* event time the rule last raised it */
    int64_t last_pub_ns;    /* end_ns when last published */
    float last_pub_score;
    bool hold, repeat;
    uint32_t zones;
    char rule_evidence[WIRE_ALERT_MAX_EVIDENCE + 1];
};

struct rule_env {
    detector *d;
    int rule;
    size_t base;
    bool noted;
};

struct detector {
    detect_params *p;
    detect_geo geo;
    detect_sink sink;
    void *sink_ctx;
    uint32_t source_id;
    uint64_t alert_seq;
    int64_t now_ns, next_sweep_ns;
    bool clock_started, finishing;
    u64map tracks;
    u64map alerts[MAX_RULES];
    u64map repeats; /* vessel key -> alerts opened so far (as an integer in the pointer) */
    /* Alerts an earlier process left open (detector_adopt): each waits for its rule to raise it
     * again, or closes once quiet for close_after_s like any other alert. */
    struct alert_rec **adopted;
    int *adopted_rule;
    size_t n_adopted, cap_adopted;
    rule_env env[MAX_RULES];
    void *self[MAX_RULES];
    bool enabled[MAX_RULES];
    size_t state_off[MAX_RULES], state_total;
    detect_place hotspots[MAX_HOTSPOTS];
    int n_hotspots;
    /* Hot-path parameter values (global, no zone overrides). */
    double anch_in_m, anch_out_m, stopped_kn, moving_kn, requery_m, horizon_m, close_after_ns,
        update_interval_ns, update_delta, sweep_ns, forget_ns;
    detect_stats st;
};

static inline double gparam(const detector *d, int gp)
{
    return PARAM_SLOT(d->p, (size_t)gp, ZONE_KIND_COUNT);
}

/* ---- rule-facing API ---------------------------------------------------------------------- */

double rule_param(const rule_env *env, uint32_t zone_mask, int i)
{
    return detect_param_value(env->d->p, env->base + (size_t)i, zone_mask);
}

const char *rule_param_str(const rule_env *env, int i)
{
    const char *s = env->d->p->str[env->base + (size_t)i];
    return s ? s : "";
}

const detect_geo *rule_geo(const rule_env *env)
{
    return &env->d->geo;
}

void rule_note_once(rule_env *env, const char *why)
{
    if (env->noted)
        return;
    env->noted = true;
    log_info("%s: %s", detect_rules[env->rule]->name, why);
}

int64_t rule_now(const rule_env *env)
{
    return env->d->now_ns;
}

static uint64_t vessel_key(const wire_alert *a)
{
    return a->n_mmsi ? SUBJECT_MMSI(a->mmsi[0]) : SUBJECT_TRACK(a->track_id);
}

/* Context weight of an alert at its position and time; names of the factors into why. */
static float context_of(const detector *d, const struct alert_rec *r, char *why, size_t cap)
{
    double w = 1.0;
    why[0] = 0;
    size_t k = 0;
#define FACTOR(name, weight)                                                                       \
    do {                                                                                           \
        w *= (weight);                                                                             \
        k += (size_t)snprintf(why + k, k < cap ? cap - k : 0, "%s\"%s\"", k ? "," : "", name);     \
    } while (0)
    const uint32_t lanes = ZONE_BIT(ZONE_TSS_LANE) | ZONE_BIT(ZONE_TSS_SEPARATION);
    if ((r->zones & ZONE_BIT(ZONE_EEZ)) && !(r->zones & lanes))
        FACTOR("eez_outside_lanes", gparam(d, GP_W_EEZ));
    for (int i = 0; i < d->n_hotspots; i++) {
        const detect_place *h = &d->hotspots[i];
        if (geo_distance_m(r->a.lat_deg, r->a.lon_deg, h->lat_deg, h->lon_deg) <= h->radius_m) {
            char name[48];
            snprintf(name, sizeof name, "hotspot:%s", h->name);
            FACTOR(name, gparam(d, GP_W_HOTSPOT));
            break;
        }
    }
    if (detect_solar_elevation_deg(r->a.lat_deg, r->a.lon_deg, r->a.end_ns) <
        gparam(d, GP_NIGHT_ELEV_DEG))
        FACTOR("night", gparam(d, GP_W_NIGHT));
    if (r->repeat)
        FACTOR("repeat_vessel", gparam(d, GP_W_REPEAT));
#undef FACTOR
    return (float)w;
}

/* Score the alert and compose its evidence: the rule's object plus "context":[factors]. */
static void finish_alert(detector *d, struct alert_rec *r, int rule, const char *extra)
{
    char why[256];
    r->a.severity = (float)detect_param_value(
        d->p, detect_param_base(rule) + detect_param_rule_count(rule) + 1, r->zones);
    r->a.context = context_of(d, r, why, sizeof why);
    float s = r->a.severity * r->a.confidence * r->a.context;
    r->a.score = s > 100.0f ? 100.0f : (s < 0 ? 0 : s);
    /* Insert the context list (and an extra member) before the rule object's closing brace. */
    const char *ev = r->rule_evidence[0] ? r->rule_evidence : "{}";
    size_t n = strlen(ev);
    while (n && ev[n - 1] != '}')
        n--;
    if (n == 0) {
        ev = "{}";
        n = 2;
    }
    bool empty = true;
    for (size_t i = 1; i + 1 < n; i++)
        if (ev[i] != ' ')
            empty = false;
    snprintf(r->a.evidence, sizeof r->a.evidence, "%.*s%s\"context\":[%s]%s%s}", (int)(n - 1), ev,
             empty ? "" : ",", why, extra ? "," : "", extra ? extra : "");
}

static void publish(detector *d, struct alert_rec *r, uint8_t state)
{
    r->a.state = state;
    r->last_pub_ns = r->a.end_ns;
    r->last_pub_score = r->a.score;
    if (d->sink)
        d->sink(d->sink_ctx, &r->a);
}

static bool same_vessels(const wire_alert *a, const rule_alert_info *in)
{
    if (a->n_mmsi == 0 || in->n_mmsi == 0)
        return a->n_mmsi == 0 && in->n_mmsi == 0 && a->track_id == in->track_id;
    size_t n = in->n_mmsi > WIRE_ALERT_MAX_MMSI ? WIRE_ALERT_MAX_MMSI : in->n_mmsi;
    if (n != a->n_mmsi)
        return false;
    for (size_t i = 0; i < n; i++) { /* a pair may come back in the other order */
        bool found = false;
        for (size_t j = 0; j < n && !found; j++)
            found = a->mmsi[j] == in->mmsi[i];
        if (!found)
            return false;
    }
    return true;
}

/* The adopted alert this raise continues (same rule, same vessels), taken off the list. */
static struct alert_rec *take_adopted(detector *d, int rule, const rule_alert_info *in)
{
    for (size_t i = 0; i < d->n_adopted; i++)
        if (d->adopted_rule[i] == rule && same_vessels(&d->adopted[i]->a, in)) {
            struct alert_rec *r = d->adopted[i];
            d->n_adopted--;
            d->adopted[i] = d->adopted[d->n_adopted];
            d->adopted_rule[i] = d->adopted_rule[d->n_adopted];
            d->st.alerts_resumed++;
            return r;
        }
    return NULL;
}

bool rule_alert(rule_env *env, uint64_t subject, const rule_alert_info *in)
{
    detector *d = env->d;
    u64map *m = &d->alerts[env->rule];
    struct alert_rec *r = u64map_get(m, subject);
    bool opened = false, resumed = false;
    if (!r && (r = take_adopted(d, env->rule, in)) != NULL) {
        r->subject = subject;
        resumed = true;
        u64map_put(m, subject, r);
    } else if (!r) {
        r = x_calloc(1, sizeof *r);
        r->subject = subject;
        r->a.alert_id = ((uint64_t)d->source_id << 32) | ++d->alert_seq;
        snprintf(r->a.rule, sizeof r->a.rule, "%s", detect_rules[env->rule]->name);
        r->a.start_ns = in->start_ns ? in->start_ns : in->end_ns;
        r->a.end_ns = in->end_ns;
        r->a.track_id = in->track_id;
        r->a.n_mmsi = in->n_mmsi > WIRE_ALERT_MAX_MMSI ? WIRE_ALERT_MAX_MMSI : in->n_mmsi;
        memcpy(r->a.mmsi, in->mmsi, r->a.n_mmsi * sizeof r->a.mmsi[0]);
        uint64_t vk = vessel_key(&r->a);
        uintptr_t before = (uintptr_t)u64map_get(&d->repeats, vk);
        r->repeat = before > 0;
        u64map_put(&d->repeats, vk, (void *)(before + 1));
        u64map_put(m, subject, r);
        opened = true;
    }
    if (in->end_ns > r->a.end_ns || opened)
        r->a.end_ns = in->end_ns;
    r->a.lat_deg = in->lat_deg;
    r->a.lon_deg = in->lon_deg;
    r->a.confidence = in->confidence < 0 ? 0 : (in->confidence > 1 ? 1 : in->confidence);
    r->zones = in->zones;
    r->hold = in->hold;
    r->last_raised_ns = d->now_ns > in->end_ns ? d->now_ns : in->end_ns;
    snprintf(r->rule_evidence, sizeof r->rule_evidence, "%s", in->evidence ? in->evidence : "{}");
    if (!opened && in->n_mmsi > r->a.n_mmsi) { /* a pair learns its second MMSI */
        r->a.n_mmsi = in->n_mmsi > WIRE_ALERT_MAX_MMSI ? WIRE_ALERT_MAX_MMSI : in->n_mmsi;
        memcpy(r->a.mmsi, in->mmsi, r->a.n_mmsi * sizeof r->a.mmsi[0]);
    }
    float old_score = r->a.score;
    finish_alert(d, r, env->rule, NULL);
    if (opened) {
        d->st.alerts_opened++;
        d->st.opened_per_rule[env->rule]++;
        d->st.open_now++;
        publish(d, r, ALERT_OPEN);
    } else if (resumed || fabsf(r->a.score - r->last_pub_score) >= d->update_delta ||
               (double)(r->a.end_ns - r->last_pub_ns) >= d->update_interval_ns) {
        (void)old_score;
        d->st.alerts_updated++;
        publish(d, r, ALERT_UPDATE);
    }
    return opened;
}

static void close_unmapped(detector *d, int rule, struct alert_rec *r, const char *extra)
{
    if (r->a.end_ns < r->a.start_ns)
        r->a.end_ns = r->a.start_ns;
    finish_alert(d, r, rule, extra);
    d->st.alerts_closed++;
    d->st.open_now--;
    publish(d, r, ALERT_CLOSE);
    free(r);
}

static void close_rec(detector *d, int rule, struct alert_rec *r, const char *extra)
{
    u64map_del(&d->alerts[rule], r->subject);
    close_unmapped(d, rule, r, extra);
}

/* Adopted alerts not raised again within close_after_s of their last raise close (all of them
 * when everything = true, at the end of the stream), oldest id first. */
static void close_adopted(detector *d, int64_t now_ns, bool everything)
{
    for (;;) {
        size_t best = d->n_adopted;
        for (size_t i = 0; i < d->n_adopted; i++)
            if ((everything ||
                 (double)(now_ns - d->adopted[i]->last_raised_ns) > d->close_after_ns) &&
                (best == d->n_adopted || d->adopted[i]->a.alert_id < d->adopted[best]->a.alert_id))
                best = i;
        if (best == d->n_adopted)
            return;
        struct alert_rec *r = d->adopted[best];
        int rule = d->adopted_rule[best];
        d->n_adopted--;
        d->adopted[best] = d->adopted[d->n_adopted];
        d->adopted_rule[best] = d->adopted_rule[d->n_adopted];
        close_unmapped(d, rule, r,
                       everything ? "\"closed_by\":\"end_of_stream\""
                                  : "\"closed_by\":\"not raised again after a detector restart\"");
    }
}

int detector_adopt(detector *d, const wire_alert *a)
{
    int rule = detect_rule_index(a->rule);
    if (rule < 0 || !d->enabled[rule] || a->state == ALERT_CLOSE)
        return -1;
    for (size_t i = 0; i < d->n_adopted; i++)
        if (d->adopted[i]->a.alert_id == a->alert_id)
            return -1;
    struct alert_rec *r = x_calloc(1, sizeof *r);
    r->a = *a;
    r->a.state = ALERT_UPDATE;
    r->last_raised_ns = a->end_ns;
    r->last_pub_ns = a->end_ns;
    r->last_pub_score = a->score;
    /* The earlier evidence (its context included) travels as one member until the rule raises
     * the alert again with its own. */
    snprintf(r->rule_evidence, sizeof r->rule_evidence, "{\"before_restart\":%.*s}",
             (int)(sizeof r->rule_evidence - 22), a->evidence[0] ? a->evidence : "null");
    if (strlen(r->rule_evidence) + 1 >= sizeof r->rule_evidence)
        snprintf(r->rule_evidence, sizeof r->rule_evidence, "{}");
    uint64_t vk = vessel_key(&r->a);
    u64map_put(&d->repeats, vk, (void *)((uintptr_t)u64map_get(&d->repeats, vk) + 1));
    if (d->n_adopted == d->cap_adopted) {
        d->cap_adopted = d->cap_adopted ? 2 * d->cap_adopted : 16;
        d->adopted = x_realloc(d->adopted, d->cap_adopted * sizeof *d->adopted);
        d->adopted_rule = x_realloc(d->adopted_rule, d->cap_adopted * sizeof *d->adopted_rule);
    }
    d->adopted[d->n_adopted] = r;
    d->adopted_rule[d->n_adopted++] = rule;
    d->st.open_now++;
    return 0;
}

void rule_alert_close(rule_env *env, uint64_t subject, int64_t end_ns, const char *evidence)
{
    detector *d = env->d;
    struct alert_rec *r = u64map_get(&d->alerts[env->rule], subject);
    if (!r)
        return;
    if (end_ns > r->a.end_ns)
        r->a.end_ns = end_ns;
    if (evidence)
        snprintf(r->rule_evidence, sizeof r->rule_evidence, "%s", evidence);
    close_rec(d, env->rule, r, NULL);
}

bool rule_alert_is_open(rule_env *env, uint64_t subject)
{
    return u64map_get(&env->d->alerts[env->rule], subject) != NULL;
}

/* ---- detector ------------------------------------------------------------------------------ */

detector *detector_create(const detect_config *cfg)
{
    detector *d = x_calloc(1, sizeof *d);
    d->p = cfg->params ? detect_params_clone(cfg->params) : detect_params_create();
    d->geo = cfg->geo;
    d->sink = cfg->sink;
    d->sink_ctx = cfg->sink_ctx;
    d->source_id = cfg->source_id;
    d->alert_seq = cfg->first_alert_seq;
    d->anch_in_m = gparam(d, GP_ANCH_IN_M);
    d->anch_out_m = gparam(d, GP_ANCH_OUT_M);
    d->stopped_kn = gparam(d, GP_STOPPED_KN);
    d->moving_kn = gparam(d, GP_MOVING_KN);
    d->requery_m = gparam(d, GP_ANCH_REQUERY_M);
    d->horizon_m = gparam(d, GP_ANCH_HORIZON_M);
    d->close_after_ns = gparam(d, GP_CLOSE_AFTER_S) * 1e9;
    d->update_interval_ns = gparam(d, GP_UPDATE_INTERVAL_S) * 1e9;
    d->update_delta = gparam(d, GP_UPDATE_SCORE_DELTA);
    d->sweep_ns = gparam(d, GP_SWEEP_INTERVAL_S) * 1e9;
    d->forget_ns = gparam(d, GP_TRACK_FORGET_S) * 1e9;
    if (d->anch_out_m < d->anch_in_m) {
        log_error("context.anchorage_out_m (%g) must be >= context.anchorage_in_m (%g): the "
                  "release distance of the hysteresis",
                  d->anch_out_m, d->anch_in_m);
        detector_destroy(&d);
        return NULL;
    }
    if (d->moving_kn < d->stopped_kn) {
        log_error("context.moving_kn (%g) must be >= context.stopped_kn (%g)", d->moving_kn,
                  d->stopped_kn);
        detector_destroy(&d);
        return NULL;
    }
    const char *why = NULL;
    d->n_hotspots = detect_places_parse(d->p->str[GP_HOTSPOTS] ? d->p->str[GP_HOTSPOTS] : "",
                                        d->hotspots, MAX_HOTSPOTS, &why);
    if (d->n_hotspots < 0) {
        log_error("score.hotspots refused: %s", why);
        detector_destroy(&d);
        return NULL;
    }
    if (detect_rules_count > MAX_RULES) {
        log_error("internal: %d rules, at most %d", detect_rules_count, MAX_RULES);
        abort();
    }
    for (int r = 0; r < detect_rules_count; r++) {
        const detect_rule *rule = detect_rules[r];
        d->env[r] = (rule_env){d, r, detect_param_base(r), false};
        d->enabled[r] = PARAM_SLOT(d->p, detect_param_base(r) + detect_param_rule_count(r),
                                   ZONE_KIND_COUNT) != 0;
        u64map_init(&d->alerts[r]);
        d->state_off[r] = d->state_total;
        d->state_total += (rule->track_state_size + 15) & ~(size_t)15;
        if (d->enabled[r] && rule->create) {
            d->self[r] = rule->create(&d->env[r]);
            if (!d->self[r]) {
                log_error("rule %s refused its configuration", rule->name);
                detector_destroy(&d);
                return NULL;
            }
        }
    }
    u64map_init(&d->tracks);
    u64map_init(&d->repeats);
    return d;
}

static void forget_vessel(detector *d, struct vessel *v)
{
    if (v->has_prev) {
        detect_track dt = {&v->prev,
                           &v->prev,
                           v->first_seen_ns,
                           v->near_anchorage,
                           v->stopped,
                           v->dist_anchorage_m,
                           v->prev.dist_shore_m};
        for (int r = 0; r < detect_rules_count; r++)
            if (d->enabled[r] && detect_rules[r]->forget)
                detect_rules[r]->forget(d->self[r], &d->env[r], &dt,
                                        v->rule_state + d->state_off[r]);
    }
    u64map_del(&d->tracks, (uint64_t)v->track_id + 1);
    free(v);
}

static void sweep(detector *d, int64_t now_ns)
{
    for (int r = 0; r < detect_rules_count; r++)
        if (d->enabled[r] && detect_rules[r]->sweep)
            detect_rules[r]->sweep(d->self[r], &d->env[r], now_ns);
    /* Quiet alerts close; collect first, the map must not change under the iterator. */
    for (int r = 0; r < detect_rules_count; r++) {
        size_t it = 0;
        uint64_t key;
        void *val;
        while (u64map_next(&d->alerts[r], &it, &key, &val)) {
            struct alert_rec *a = val;
            if (!a->hold && (double)(now_ns - a->last_raised_ns) > d->close_after_ns)
                close_rec(d, r, a, NULL);
        }
    }
    close_adopted(d, now_ns, false);
    size_t it = 0;
    uint64_t key;
    void *val;
    while (u64map_next(&d->tracks, &it, &key, &val)) {
        struct vessel *v = val;
        if ((double)(now_ns - v->last_update_ns) > d->forget_ns)
            forget_vessel(d, v);
    }
}

void detector_advance(detector *d, int64_t now_ns)
{
    if (!d->clock_started) {
        d->clock_started = true;
        d->now_ns = now_ns;
        d->next_sweep_ns = now_ns + (int64_t)d->sweep_ns;
        return;
    }
    if (now_ns <= d->now_ns)
        return;
    d->now_ns = now_ns;
    if (now_ns >= d->next_sweep_ns) {
        sweep(d, now_ns);
        /* Stay on the sweep grid after long silences. */
        int64_t step = (int64_t)d->sweep_ns;
        d->next_sweep_ns += ((now_ns - d->next_sweep_ns) / step + 1) * step;
    }
}

static void update_context(detector *d, struct vessel *v, const wire_track *t)
{
    const uint32_t anch = ZONE_BIT(ZONE_ANCHORAGE) | ZONE_BIT(ZONE_PORT);
    double dist;
    if (t->zones & anch) {
        dist = 0; /* inside: no question to ask */
        v->anch_queried = false;
    } else if (d->geo.dist_to_zone_m) {
        /* A zones distance search costs microseconds.  Distance is 1-Lipschitz in position, so
         * after moving m metres it is at least the queried value minus m: ask again only when
         * that bound falls inside the horizon (no rule compares beyond it) and the vessel has
         * moved requery_m since the last answer. */
        double moved = v->anch_queried
                           ? geo_distance_m(v->anch_q_lat, v->anch_q_lon, t->lat_deg, t->lon_deg)
                           : 0;
        if (!v->anch_queried || (moved > d->requery_m && v->anch_dist_q - moved <= d->horizon_m)) {
            double a = d->geo.dist_to_zone_m(d->geo.ctx, t->lat_deg, t->lon_deg, ZONE_ANCHORAGE);
            double p = d->geo.dist_to_zone_m(d->geo.ctx, t->lat_deg, t->lon_deg, ZONE_PORT);
            v->dist_anchorage_m = fmin(a, p);
            v->anch_q_lat = t->lat_deg;
            v->anch_q_lon = t->lon_deg;
            v->anch_queried = true;
            v->anch_dist_q = v->dist_anchorage_m;
            moved = 0;
        }
        dist = v->anch_dist_q - moved;
    } else {
        dist = INFINITY;
    }
    v->dist_anchorage_m = dist;
    v->near_anchorage = v->near_anchorage ? dist <= d->anch_out_m : dist <= d->anch_in_m;
    if (isfinite(t->sog_kn))
        v->stopped = v->stopped ? t->sog_kn <= d->moving_kn : t->sog_kn < d->stopped_kn;
}

int detector_process(detector *d, const wire_track *t)
{
    d->st.tracks_in++;
    if (!(isfinite(t->lat_deg) && isfinite(t->lon_deg) && fabs(t->lat_deg) <= 90 &&
          fabs(t->lon_deg) <= 180) ||
        t->time_ns <= 0) {
        d->st.tracks_refused++;
        return -1;
    }
    detector_advance(d, t->time_ns);
    uint64_t key = (uint64_t)t->track_id + 1;
    struct vessel *v = u64map_get(&d->tracks, key);
    if (!v) {
        if (t->state == TRACK_REMOVED)
            return 0;
        v = x_calloc(1, sizeof *v + d->state_total);
        v->track_id = t->track_id;
        v->first_seen_ns = t->time_ns;
        v->dist_anchorage_m = INFINITY;
        u64map_put(&d->tracks, key, v);
    }
    v->last_update_ns = t->time_ns;
    update_context(d, v, t);
    detect_track dt = {
        t,          v->has_prev ? &v->prev : NULL, v->first_seen_ns, v->near_anchorage,
        v->stopped, v->dist_anchorage_m,           t->dist_shore_m};
    for (int r = 0; r < detect_rules_count; r++)
        if (d->enabled[r])
            detect_rules[r]->process(d->self[r], &d->env[r], &dt, v->rule_state + d->state_off[r]);
    v->prev = *t;
    v->has_prev = true;
    if (t->state == TRACK_REMOVED)
        forget_vessel(d, v);
    return 0;
}

static int cmp_alert_id(const void *a, const void *b)
{
    const struct alert_rec *x = *(const struct alert_rec *const *)a;
    const struct alert_rec *y = *(const struct alert_rec *const *)b;
    return x->a.alert_id < y->a.alert_id ? -1 : x->a.alert_id > y->a.alert_id;
}

bool rule_finishing(const rule_env *env)
{
    return env->d->finishing;
}

void detector_finish(detector *d)
{
    d->finishing = true;
    if (d->clock_started)
        sweep(d, d->now_ns);
    /* Close what is still open, oldest first, so the output order does not depend on hashing. */
    for (int r = 0; r < detect_rules_count; r++) {
        size_t n = d->alerts[r].live, k = 0, it = 0;
        if (!n)
            continue;
        struct alert_rec **list = x_malloc(n * sizeof *list);
        uint64_t key;
        void *val;
        while (u64map_next(&d->alerts[r], &it, &key, &val))
            list[k++] = val;
        qsort(list, k, sizeof *list, cmp_alert_id);
        for (size_t i = 0; i < k; i++)
            close_rec(d, r, list[i], "\"closed_by\":\"end_of_stream\"");
        free(list);
    }
    close_adopted(d, d->now_ns, true);
}

void detector_destroy(detector **pd)
{
    if (!pd || !*pd)
        return;
    detector *d = *pd;
    size_t it = 0;
    uint64_t key;
    void *val;
    while (u64map_next(&d->tracks, &it, &key, &val))
        free(val);
    u64map_free(&d->tracks);
    for (int r = 0; r < detect_rules_count && r < MAX_RULES; r++) {
        it = 0;
        while (u64map_next(&d->alerts[r], &it, &key, &val))
            free(val);
        u64map_free(&d->alerts[r]);
        if (d->self[r] && detect_rules[r]->destroy)
            detect_rules[r]->destroy(&d->self[r]);
    }
    u64map_free(&d->repeats);
    for (size_t i = 0; i < d->n_adopted; i++)
        free(d->adopted[i]);
    free(d->adopted);
    free(d->adopted_rule);
    detect_params_destroy(&d->p);
    free(d);
    *pd = NULL;
}

void detector_stats(const detector *d, detect_stats *out)
{
    *out = d->st;
    out->vessels = d->tracks.live;
}
