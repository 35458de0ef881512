/* See chain.h. */
#include "chain.h"

#include "feed.h"

#include "centinela/geo.h"
#include "centinela/log.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS 1000000000LL
#define SLACK_NS (1800 * NS)
#define DARK_MATCH_M 3000.0

double chain_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double jnum(json_t *o, const char *k, double def)
{
    json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : def;
}

chain_scenario *chain_load(const char *path, const zones *z)
{
    sim *s = sim_load(path);
    if (!s)
        return NULL;
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!root) {
        log_error("%s: %s", path, err.text);
        sim_destroy(&s);
        return NULL;
    }
    chain_scenario *c = x_calloc(1, sizeof *c);
    snprintf(c->path, sizeof c->path, "%s", path);
    c->s = s;
    c->z = z;
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(root, "stations"), i, o)
    {
        if (c->n_stations == 64)
            break;
        fusion_station_config *st = &c->stations[c->n_stations++];
        st->id = (uint32_t)jnum(o, "id", 0);
        st->lat_deg = jnum(o, "lat", 0);
        st->lon_deg = jnum(o, "lon", 0);
        st->range_m = jnum(o, "range_nm", 40) * 1852.0;
    }
    json_array_foreach(json_object_get(root, "radars"), i, o)
    {
        if (c->n_radars == 32)
            break;
        radar_site *r = &c->radars[c->n_radars++];
        r->id = (uint32_t)jnum(o, "id", 0);
        r->lat_deg = jnum(o, "lat", 0);
        r->lon_deg = jnum(o, "lon", 0);
        r->range_m = jnum(o, "range_nm", 24) * 1852.0;
    }
    int nv = sim_vessel_count(s);
    c->has_expect = x_calloc((size_t)(nv ? nv : 1), sizeof *c->has_expect);
    c->mmsis = x_calloc((size_t)(nv ? nv : 1), sizeof *c->mmsis);
    size_t cap = 0;
    json_array_foreach(json_object_get(root, "vessels"), i, o)
    {
        int v = (int)i;
        c->mmsis[v][0] = (uint32_t)jnum(o, "mmsi", 0);
        size_t k;
        json_t *id;
        int m = 1;
        json_array_foreach(json_object_get(o, "identity"), k, id)
        {
            uint32_t mm = (uint32_t)jnum(id, "mmsi", 0);
            if (mm && m < 4)
                c->mmsis[v][m++] = mm;
        }
        json_t *e;
        json_array_foreach(json_object_get(o, "expect"), k, e)
        {
            const char *rule = json_string_value(json_object_get(e, "rule"));
            if (!rule || detect_rule_index(rule) < 0) {
                log_error("%s: vessel %s: expectation %zu names no known rule", path,
                          sim_vessel_id(s, v), k);
                json_decref(root);
                chain_free(&c);
                return NULL;
            }
            if (c->n_expect == cap) {
                cap = cap ? 2 * cap : 64;
                c->expect = x_realloc(c->expect, cap * sizeof *c->expect);
            }
            chain_expect *x = &c->expect[c->n_expect++];
            memset(x, 0, sizeof *x);
            x->vessel = v;
            snprintf(x->rule, sizeof x->rule, "%s", rule);
            x->from_ns = sim_start_ns(s) + (int64_t)(jnum(e, "from_s", 0) * 1e9);
            x->to_ns = sim_start_ns(s) + (int64_t)(jnum(e, "to_s", 1e9) * 1e9);
            x->secondary = json_is_true(json_object_get(e, "secondary"));
            c->has_expect[v] = true;
        }
    }
    json_decref(root);
    return c;
}

void chain_free(chain_scenario **pc)
{
    if (!pc || !*pc)
        return;
    chain_scenario *c = *pc;
    sim_destroy(&c->s);
    free(c->expect);
    free(c->has_expect);
    free(c->mmsis);
    free(c);
    *pc = NULL;
}

/* ---- inputs ------------------------------------------------------------------------------ */

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 1024;
    while (n < need)
        n *= 2;
    *cap = n;
    return x_realloc(p, n * size);
}

static void on_ais(void *ctx, const wire_ais *m)
{
    chain_inputs *in = ctx;
    size_t nb = ((size_t)m->nbits + 7) / 8;
    in->kind = grow(in->kind, &in->cap_kind, in->n + 1, 1);
    in->ais = grow(in->ais, &in->cap_ais, in->n_ais + 1, sizeof *in->ais);
    in->bits = grow(in->bits, &in->cap_bits, in->n_bits + nb, 1);
    in->kind[in->n++] = 1;
    in->ais[in->n_ais++] =
        (chain_ais){m->rx_time_ns, m->station_id, m->nbits, (uint32_t)in->n_bits};
    memcpy(in->bits + in->n_bits, m->bits, nb);
    in->n_bits += nb;
}

static void on_radar(void *ctx, const wire_radar *r)
{
    chain_inputs *in = ctx;
    in->kind = grow(in->kind, &in->cap_kind, in->n + 1, 1);
    in->radar = grow(in->radar, &in->cap_radar, in->n_radar + 1, sizeof *in->radar);
    in->kind[in->n++] = 2;
    in->radar[in->n_radar++] = *r;
}

int chain_inputs_make(chain_scenario *c, chain_inputs *in)
{
    memset(in, 0, sizeof *in);
    feed_handlers h = {on_ais, on_radar, in};
    feed *fd = feed_create(0, c->radars, c->n_radars, c->n_radars ? 0 : -1, &h);
    if (!fd)
        return -1;
    sim_event ev;
    while (sim_next(c->s, &ev)) {
        for (char *line = ev.text; *line;) {
            char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            feed_line(fd, line, len, ev.time_ns);
            in->lines++;
            line += len + (nl ? 1 : 0);
        }
    }
    feed_flush(fd);
    feed_destroy(&fd);
    return 0;
}

void chain_inputs_free(chain_inputs *in)
{
    free(in->kind);
    free(in->ais);
    free(in->radar);
    free(in->bits);
    memset(in, 0, sizeof *in);
}

/* ---- fusion and detection ------------------------------------------------------------------ */

typedef struct run_ctx {
    detector *d;
    chain_result *r;
    const chain_scenario *c;
} run_ctx;

static void on_track(void *ctx, const wire_track *t)
{
    run_ctx *x = ctx;
    x->r->track_states++;
    detector_process(x->d, t);
}

static void on_alert(void *ctx, const wire_alert *a)
{
    chain_result *r = ctx;
    if (a->state != ALERT_CLOSE)
        return;
    r->alerts = grow(r->alerts, &r->cap, r->n_alerts + 1, sizeof *r->alerts);
    r->alerts[r->n_alerts++] = *a;
}

static double geo_dist(void *ctx, double lat, double lon, int kind)
{
    const chain_scenario *c = ctx;
    return zones_distance_m(c->z, lat, lon, ZONE_BIT(kind), 50000, NULL);
}

static double geo_lane(void *ctx, double lat, double lon)
{
    const chain_scenario *c = ctx;
    int idx[4];
    if (zones_find(c->z, lat, lon, ZONE_BIT(ZONE_TSS_LANE), idx, 4) < 1)
        return NAN;
    return zones_feature(c->z, (size_t)idx[0])->direction_deg;
}

static double geo_inland(void *ctx, double lat, double lon)
{
    const chain_scenario *c = ctx;
    return zones_inland_m(c->z, lat, lon, 50000);
}

static double geo_lane_depth(void *ctx, double lat, double lon)
{
    const chain_scenario *c = ctx;
    return zones_depth_m(c->z, lat, lon, ZONE_BIT(ZONE_TSS_LANE), 50000);
}

/* Inward distance to the edge of the union of the stations' ranges (circles). */
static double geo_coverage(void *ctx, double lat, double lon)
{
    const chain_scenario *c = ctx;
    if (!c->n_stations)
        return NAN;
    double best = -INFINITY;
    for (int i = 0; i < c->n_stations; i++) {
        double m = c->stations[i].range_m -
                   geo_distance_m(lat, lon, c->stations[i].lat_deg, c->stations[i].lon_deg);
        if (m > best)
            best = m;
    }
    return best;
}

int chain_process(const chain_scenario *c, const chain_inputs *in, const detect_params *params,
                  chain_result *out)
{
    memset(out, 0, sizeof *out);
    run_ctx x = {NULL, out, c};
    detect_config dc = {
        .params = params,
        .geo = {(void *)c, geo_dist, geo_lane, geo_coverage, geo_inland, geo_lane_depth, NULL},
        .sink = on_alert,
        .sink_ctx = out,
        .source_id = 1};
    x.d = detector_create(&dc);
    if (!x.d)
        return -1;
    fusion_config fc = fusion_config_default();
    fc.zones = c->z;
    fc.stations = c->stations;
    fc.n_stations = c->n_stations;
    fc.emit = on_track;
    fc.emit_ctx = &x;
    fusion *f = fusion_create(&fc);
    if (!f) {
        detector_destroy(&x.d);
        return -1;
    }
    double t0 = chain_cpu_s();
    size_t ia = 0, ir = 0;
    for (size_t i = 0; i < in->n; i++) {
        if (in->kind[i] == 1) {
            const chain_ais *a = &in->ais[ia++];
            fusion_ais_bits(f, a->station, a->t_ns, in->bits + a->off, a->nbits);
        } else {
            fusion_radar(f, &in->radar[ir++]);
        }
    }
    fusion_advance(f, sim_end_ns(c->s));
    fusion_finish(f);
    detector_advance(x.d, sim_end_ns(c->s));
    detector_finish(x.d);
    out->cpu_s = chain_cpu_s() - t0;
    out->fusion = *fusion_get_stats(f);
    detector_stats(x.d, &out->detect);
    fusion_destroy(&f);
    detector_destroy(&x.d);
    return 0;
}

void chain_result_free(chain_result *r)
{
    free(r->alerts);
    memset(r, 0, sizeof *r);
}

/* ---- truth --------------------------------------------------------------------------------- */

static bool heard(const chain_scenario *c, int v, int64_t t, sim_truth *tr)
{
    sim_truth_at(c->s, v, t, tr);
    if (!tr->present)
        return false;
    if (sim_vessel_ais(c->s, v)) {
        if (!tr->transmitting)
            return false;
        for (int k = 0; k < c->n_stations; k++)
            if (geo_distance_m(tr->lat_deg, tr->lon_deg, c->stations[k].lat_deg,
                               c->stations[k].lon_deg) <= c->stations[k].range_m)
                return true;
        return false;
    }
    for (int k = 0; k < c->n_radars; k++)
        if (geo_distance_m(tr->lat_deg, tr->lon_deg, c->radars[k].lat_deg, c->radars[k].lon_deg) <=
            c->radars[k].range_m)
            return true;
    return false;
}

double chain_vessel_hours(const chain_scenario *c)
{
    const int64_t step = 60 * NS;
    double h = 0;
    for (int v = 0; v < sim_vessel_count(c->s); v++) {
        for (int64_t t = sim_start_ns(c->s); t < sim_end_ns(c->s); t += step) {
            sim_truth tr;
            if (heard(c, v, t, &tr))
                h += 60.0 / 3600.0;
        }
    }
    return h;
}

int chain_check_routes(const chain_scenario *c, FILE *out)
{
    int bad = 0;
    for (int v = 0; v < sim_vessel_count(c->s); v++) {
        bool may = false;
        for (size_t e = 0; e < c->n_expect; e++)
            may |= c->expect[e].vessel == v && strcmp(c->expect[e].rule, "position_on_land") == 0;
        if (may)
            continue;
        for (int64_t t = sim_start_ns(c->s); t < sim_end_ns(c->s); t += 30 * NS) {
            sim_truth tr;
            if (!heard(c, v, t, &tr))
                continue;
            /* the land mask covers the docks and the canal cut, as position_on_land knows */
            uint32_t m = zones_mask_at(c->z, tr.lat_deg, tr.lon_deg);
            if ((m & ZONE_BIT(ZONE_LAND)) &&
                !(m & (ZONE_BIT(ZONE_CANAL_APPROACH) | ZONE_BIT(ZONE_PORT)))) {
                fprintf(out, "  route on land: %s at +%.0f s (%.4f, %.4f)\n",
                        sim_vessel_id(c->s, v), (double)(t - sim_start_ns(c->s)) / 1e9, tr.lat_deg,
                        tr.lon_deg);
                bad++;
                break;
            }
        }
    }
    return bad;
}

/* Vessels an alert names (at most 16). */
static int alert_vessels(const chain_scenario *c, const wire_alert *a, int *out)
{
    int n = 0;
    for (int v = 0; v < sim_vessel_count(c->s) && n < 16; v++) {
        bool hit = false;
        if (a->n_mmsi) {
            for (int i = 0; i < a->n_mmsi && !hit; i++)
                for (int k = 0; k < 4 && !hit; k++)
                    hit = c->mmsis[v][k] && c->mmsis[v][k] == a->mmsi[i];
        } else if (!sim_vessel_ais(c->s, v)) {
            const int64_t at[2] = {a->start_ns, a->end_ns};
            for (int k = 0; k < 2 && !hit; k++) {
                sim_truth tr;
                sim_truth_at(c->s, v, at[k], &tr);
                hit = tr.present && geo_distance_m(tr.lat_deg, tr.lon_deg, a->lat_deg,
                                                   a->lon_deg) <= DARK_MATCH_M;
            }
        }
        if (hit)
            out[n++] = v;
    }
    return n;
}

static bool overlaps(const chain_expect *e, const wire_alert *a)
{
    return a->start_ns <= e->to_ns + SLACK_NS && a->end_ns >= e->from_ns - SLACK_NS;
}

int chain_score_print(const chain_scenario *c, const chain_result *r, FILE *out,
                      chain_score per[32])
{
    int nr = detect_rule_count();
    memset(per, 0, 32 * sizeof *per);
    int bad = 0;
    bool *found = x_calloc(c->n_expect + 1, sizeof *found);
    for (size_t i = 0; i < r->n_alerts; i++) {
        const wire_alert *a = &r->alerts[i];
        int rule = detect_rule_index(a->rule);
        if (rule < 0)
            continue;
        int vs[16];
        int nv = alert_vessels(c, a, vs);
        bool ok = false;
        for (size_t e = 0; e < c->n_expect; e++) {
            if (strcmp(c->expect[e].rule, a->rule) != 0 || !overlaps(&c->expect[e], a))
                continue;
            for (int k = 0; k < nv; k++) {
                if (vs[k] == c->expect[e].vessel) {
                    ok = true;
                    found[e] = true;
                }
            }
        }
        if (ok) {
            per[rule].tp_alerts++;
        } else {
            per[rule].fp_alerts++;
            bad++;
            char *j = detect_alert_to_json(a, false);
            fprintf(out, "  false alert (%s):", nv ? "" : "no vessel");
            for (int k = 0; k < nv; k++)
                fprintf(out, " %s%s", sim_vessel_id(c->s, vs[k]),
                        c->has_expect[vs[k]] ? "" : "(normal)");
            fprintf(out, " %s\n", j);
            free(j);
        }
    }
    for (size_t e = 0; e < c->n_expect; e++) {
        if (c->expect[e].secondary)
            continue;
        int rule = detect_rule_index(c->expect[e].rule);
        per[rule].cases++;
        if (found[e]) {
            per[rule].found++;
        } else {
            bad++;
            fprintf(out, "  missed: %s on %s\n", c->expect[e].rule,
                    sim_vessel_id(c->s, c->expect[e].vessel));
        }
    }
    free(found);
    fprintf(out, "%-18s %7s %7s %6s %6s %9s %9s\n", "rule", "alerts", "false", "cases", "found",
            "precision", "recall");
    for (int k = 0; k < nr; k++) {
        int na = per[k].tp_alerts + per[k].fp_alerts;
        fprintf(out, "%-18s %7d %7d %6d %6d %9.3f %9.3f\n", detect_rule_name(k), na,
                per[k].fp_alerts, per[k].cases, per[k].found,
                na ? (double)per[k].tp_alerts / na : NAN,
                per[k].cases ? (double)per[k].found / per[k].cases : NAN);
    }
    return bad;
}
