/* anomaly_detector: fused tracks in, alerts out.
 *
 *   anomaly_detector -c configs/anomaly_detector.conf --sub '>ipc://${run_dir}/track_fusion'
 *
 * Subscribes to `track` (wire_track from track_fusion), runs the detect library's rules and
 * publishes every alert state change (open, update, close) as `alert` (wire_alert).  Optionally
 * writes JSON Lines (key `jsonl`): by default one line per alert when it closes, holding its
 * whole life (start, end, final score and evidence); `jsonl_states = all` writes every state
 * change with a "state" member instead.
 *
 * Every threshold of every rule is a key of this section ("<rule>.<name>", see --dump-config or
 * configs/anomaly_detector.conf); per-zone overrides go in sections [anomaly_detector.zone.<kind>]
 * of the same file.  A bad value stops the node with the file, key, value and allowed range.
 *
 * End of stream: when every input has ended, all open alerts are closed (end = the last event
 * time of their subject, evidence "closed_by":"end_of_stream"), published and written before
 * the runtime announces EOS downstream.  SIGINT/SIGTERM do the same, so a stopped replay or a
 * restarted live node never leaves an alert without an end.
 *
 * Geography: with `zones` (GeoJSON files or directories, as track_fusion reads them) the rules
 * ask the zones (detect_geo_zones) for the distance to anchorages, ports and canal approaches,
 * the direction of a TSS lane and how far inland a position is; a track arriving without zones
 * (fusion run without them) gets its zone bits and distance from shore filled in here.
 *
 * Stats: counters "alerts" (opened), "alerts.<rule>" (opened per rule), "alerts_closed",
 * "tracks_refused"; gauges "open_alerts" and "vessels". */
#include "centinela/config.h"
#include "centinela/detect.h"
#include "centinela/log.h"
#include "centinela/node.h"
#include "centinela/wire.h"
#include "centinela/zones.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const opt_spec own_options[] = {
    {"jsonl", 'o', OPT_STR, "", 0, -1,
     "write alerts as JSON Lines to this file ('-' for stdout); empty: none"},
    {"jsonl_states", 0, OPT_STR, "close", 0, -1,
     "which alert states go to the JSON Lines file: close (one line per alert) or all"},
    {"zones", 0, OPT_STR, "", 0, -1,
     "GeoJSON zone files or directories, comma-separated (e.g. configs/zones); empty: none"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

struct app {
    node *n;
    zones *zones;
    detector *det;
    FILE *jsonl;
    bool jsonl_all;
    uint64_t *c_alerts, *c_closed, *c_refused, *c_rule[64];
    uint8_t buf[4096];
};

/* Node options followed by every detector parameter as a key of this section. */
static opt_spec *build_options(void)
{
    size_t own = sizeof own_options / sizeof own_options[0] - 1, np = detect_param_count();
    opt_spec *o = x_calloc(own + np + 1, sizeof *o);
    memcpy(o, own_options, own * sizeof *o);
    for (size_t i = 0; i < np; i++) {
        const detect_param_info *in = detect_param_at(i);
        opt_spec *s = &o[own + i];
        s->key = in->key;
        s->type = in->type == DP_REAL ? OPT_REAL : (in->type == DP_BOOL ? OPT_BOOL : OPT_STR);
        s->def = in->def;
        s->min = in->type == DP_REAL ? in->min : 0;
        s->max = in->type == DP_REAL ? in->max : -1;
        s->help = in->help;
    }
    return o;
}

static void on_alert(void *ctx, const wire_alert *a)
{
    struct app *app = ctx;
    if (a->state == ALERT_OPEN) {
        (*app->c_alerts)++;
        int r = detect_rule_index(a->rule);
        if (r >= 0 && r < 64)
            (*app->c_rule[r])++;
    } else if (a->state == ALERT_CLOSE) {
        (*app->c_closed)++;
    }
    int len = wire_alert_encode(a, app->buf, sizeof app->buf);
    if (len < 0)
        log_error("alert %llu of %s does not encode", (unsigned long long)a->alert_id, a->rule);
    else
        node_publish(app->n, WIRE_ALERT, a->end_ns, 0, app->buf, (size_t)len);
    if (app->jsonl && (app->jsonl_all || a->state == ALERT_CLOSE)) {
        char *line = detect_alert_to_json(a, app->jsonl_all);
        if (fprintf(app->jsonl, "%s\n", line) < 0)
            log_error("jsonl: write failed: %s", strerror(errno));
        free(line);
    }
}

/* The latest state of each alert an earlier process of this detector published. */
struct earlier {
    wire_alert *a;
    size_t n, cap;
};

static void collect_earlier(void *ctx, const wire_header *h, const uint8_t *payload, size_t len)
{
    (void)h;
    struct earlier *e = ctx;
    static wire_alert a;
    if (wire_alert_decode(payload, len, &a) != WIRE_OK)
        return;
    for (size_t i = 0; i < e->n; i++)
        if (e->a[i].alert_id == a.alert_id) {
            e->a[i] = a;
            return;
        }
    if (e->n == e->cap) {
        e->cap = e->cap ? 2 * e->cap : 16;
        e->a = x_realloc(e->a, e->cap * sizeof *e->a);
    }
    e->a[e->n++] = a;
}

/* A detector that continues after a restart without its history takes back the alerts the
 * earlier process left open: they keep their ids while their rules raise them again, and close,
 * saying why, when they stay quiet (never orphaned, never raised twice). */
static void adopt_open_alerts(struct app *app)
{
    struct earlier e = {0};
    node_read_own_journal(app->n, WIRE_ALERT, collect_earlier, &e);
    size_t adopted = 0;
    for (size_t i = 0; i < e.n; i++)
        if (e.a[i].state != ALERT_CLOSE && detector_adopt(app->det, &e.a[i]) == 0)
            adopted++;
    if (adopted)
        log_info("took back %zu alerts left open by the earlier detector process", adopted);
    free(e.a);
}

static int on_message(void *ctx, const wire_header *h, const uint8_t *payload, size_t len)
{
    struct app *app = ctx;
    if (h->type != WIRE_TRACK)
        return 0;
    wire_track t;
    if (wire_track_decode(payload, len, &t) != WIRE_OK)
        return -1;
    if (app->zones && t.zones == 0 && isnan(t.dist_shore_m) && isfinite(t.lat_deg) &&
        isfinite(t.lon_deg)) {
        t.zones = zones_mask_at(app->zones, t.lat_deg, t.lon_deg);
        t.dist_shore_m = (float)zones_dist_shore_m(app->zones, t.lat_deg, t.lon_deg);
    }
    if (detector_process(app->det, &t) != 0) {
        (*app->c_refused)++;
        return -1;
    }
    return 0;
}

static void on_tick(void *ctx)
{
    struct app *app = ctx;
    detect_stats st;
    detector_stats(app->det, &st);
    node_gauge(app->n, "open_alerts", (double)st.open_now);
    node_gauge(app->n, "vessels", (double)st.vessels);
    if (app->jsonl)
        fflush(app->jsonl);
}

static void on_finish(void *ctx, bool end_of_stream)
{
    struct app *app = ctx;
    detector_finish(app->det);
    on_tick(app);
    detect_stats st;
    detector_stats(app->det, &st);
    log_info("%s: %llu track states (%llu refused), %llu alerts opened, %llu closed",
             end_of_stream ? "end of stream" : "stopping", (unsigned long long)st.tracks_in,
             (unsigned long long)st.tracks_refused, (unsigned long long)st.alerts_opened,
             (unsigned long long)st.alerts_closed);
}

/* Detector parameters from the node configuration, then the per-zone sections of its file. */
static detect_params *params_from_config(const node *n)
{
    const config *cfg = node_config(n);
    detect_params *p = detect_params_create();
    for (size_t i = 0; i < detect_param_count(); i++) {
        const char *key = detect_param_at(i)->key;
        if (!config_is_set(cfg, key))
            continue;
        char origin[256];
        snprintf(origin, sizeof origin, "%s [%s]",
                 config_file_path(cfg) ? config_file_path(cfg) : "command line", node_name(n));
        if (detect_params_set(p, key, config_str(cfg, key), origin) != 0) {
            detect_params_destroy(&p);
            return NULL;
        }
    }
    if (config_file_path(cfg) &&
        detect_params_load_zone_sections(p, config_file_path(cfg), node_name(n)) != 0) {
        detect_params_destroy(&p);
        return NULL;
    }
    return p;
}

int main(int argc, char **argv)
{
    opt_spec *options = build_options();
    int rc = 0;
    node *n = node_create("anomaly_detector", options,
                          "Anomaly detector: interdiction rules over fused tracks, scored alerts.",
                          argc, argv, &rc);
    if (!n) {
        free(options);
        return rc;
    }
    struct app app = {.n = n};
    const config *cfg = node_config(n);
    const char *states = config_str(cfg, "jsonl_states");
    if (strcmp(states, "close") != 0 && strcmp(states, "all") != 0) {
        log_error("jsonl_states = '%s' must be close or all", states);
        rc = 2;
        goto out;
    }
    app.jsonl_all = strcmp(states, "all") == 0;
    detect_params *p = params_from_config(n);
    if (!p) {
        rc = 2;
        goto out;
    }
    /* Restarted inside a graph: repeating the earlier run exactly rewrites the same alerts (and
     * the same JSON Lines); continuing after it takes ids the earlier processes never used and
     * appends to the JSON Lines. */
    enum node_resume resume = node_resume_mode(n);
    detect_config dc = {.params = p,
                        .sink = on_alert,
                        .sink_ctx = &app,
                        .source_id = node_source_id(n),
                        .first_alert_seq = resume == NODE_CONTINUE ? node_epoch(n) << 24 : 0};
    const char *zpaths = config_str(cfg, "zones");
    if (*zpaths) {
        app.zones = zones_load(zpaths);
        if (!app.zones) {
            detect_params_destroy(&p);
            rc = 2;
            goto out;
        }
        dc.geo = detect_geo_zones(app.zones);
        char info[64];
        snprintf(info, sizeof info, "%zu features", zones_count(app.zones));
        node_info(n, "zones", info);
    }
    app.det = detector_create(&dc);
    detect_params_destroy(&p);
    if (!app.det) {
        rc = 2;
        goto out;
    }
    const char *path = config_str(cfg, "jsonl");
    if (*path) {
        app.jsonl =
            strcmp(path, "-") == 0 ? stdout : fopen(path, resume == NODE_CONTINUE ? "a" : "w");
        if (!app.jsonl) {
            log_error("jsonl: cannot open %s: %s", path, strerror(errno));
            rc = 1;
            goto out;
        }
        node_info(n, "jsonl", path);
    }
    app.c_alerts = node_counter(n, "alerts");
    for (int r = 0; r < detect_rule_count() && r < 64; r++) {
        char name[48];
        snprintf(name, sizeof name, "alerts.%s", detect_rule_name(r));
        app.c_rule[r] = node_counter(n, name);
    }
    app.c_closed = node_counter(n, "alerts_closed");
    app.c_refused = node_counter(n, "tracks_refused");
    node_declare_input(n, WIRE_TRACK);
    node_declare_output(n, WIRE_ALERT);
    if (resume == NODE_CONTINUE)
        adopt_open_alerts(&app);
    node_handlers h = {.on_message = on_message, .on_tick = on_tick, .on_finish = on_finish};
    rc = node_run(n, &h, &app);
out:
    if (app.jsonl && app.jsonl != stdout && fclose(app.jsonl) != 0) {
        log_error("jsonl: close failed: %s", strerror(errno));
        rc = rc ? rc : 1;
    } else if (app.jsonl == stdout) {
        fflush(stdout);
    }
    detector_destroy(&app.det);
    zones_destroy(&app.zones);
    node_destroy(&n);
    free(options);
    return rc;
}
