/* See scenario_run.h. */
#include "scenario_run.h"

#include "../../nodes/nmea_input/feed.h"

#include "centinela/geo.h"
#include "centinela/log.h"

#include <math.h>
#include <string.h>

typedef struct ctx {
    sim *s;
    fusion *f;
    double err2, dark_err2;
    size_t n_err, n_dark;
} ctx;

static void on_track(void *c, const wire_track *t)
{
    ctx *x = c;
    if (t->update != TRACK_UPD_POSITION || t->state == TRACK_REMOVED)
        return;
    /* the nearest vessel with this identity (AIS) or without AIS (dark) */
    double best = INFINITY;
    for (int i = 0; i < sim_vessel_count(x->s); i++) {
        bool dark = t->flags & TRACK_FLAG_DARK;
        if (dark ? sim_vessel_ais(x->s, i) : sim_vessel_mmsi(x->s, i, t->time_ns) != t->mmsi)
            continue;
        sim_truth tr;
        sim_truth_at(x->s, i, t->time_ns, &tr);
        double d = geo_distance_m(tr.lat_deg, tr.lon_deg, t->lat_deg, t->lon_deg);
        if (d < best)
            best = d;
    }
    if (!isfinite(best))
        return;
    if (t->flags & TRACK_FLAG_DARK) {
        x->dark_err2 += best * best;
        x->n_dark++;
    } else {
        x->err2 += best * best;
        x->n_err++;
    }
}

static void on_ais(void *c, const wire_ais *m)
{
    ctx *x = c;
    fusion_ais_bits(x->f, m->station_id, m->rx_time_ns, m->bits, m->nbits);
}

static void on_radar(void *c, const wire_radar *r)
{
    ctx *x = c;
    fusion_radar(x->f, r);
}

int scenario_run(const char *path, const zones *z, run_result *out)
{
    memset(out, 0, sizeof *out);
    ctx x = {0};
    x.s = sim_load(path);
    if (!x.s)
        return -1;
    fusion_config fc = fusion_config_default();
    fc.zones = z;
    fc.emit = on_track;
    fc.emit_ctx = &x;
    x.f = fusion_create(&fc);
    /* the radar sites the scenario declares, as nmea_input would be configured */
    static const radar_site sites[] = {{101, 8.912, -79.523, 24 * 1852.0}};
    feed_handlers h = {on_ais, on_radar, &x};
    feed *fd = feed_create(0, sites, 1, 0, &h);
    sim_event ev;
    while (sim_next(x.s, &ev)) {
        for (char *line = ev.text; *line;) {
            char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            feed_line(fd, line, len, ev.time_ns);
            out->lines++;
            if (ev.kind == SIM_RADAR)
                out->radar_lines++;
            line += len + (nl ? 1 : 0);
        }
    }
    fusion_advance(x.f, sim_end_ns(x.s));
    feed_destroy(&fd);
    out->f = x.f;
    out->rmse_m = x.n_err ? sqrt(x.err2 / x.n_err) : NAN;
    out->dark_rmse_m = x.n_dark ? sqrt(x.dark_err2 / x.n_dark) : NAN;
    out->n_err = x.n_err;
    out->n_dark_err = x.n_dark;
    sim_destroy(&x.s);
    return 0;
}
