/* track_fusion: ais and radar messages in, one fused track per vessel out (topic "track").
 *
 *   track_fusion --sub '>ipc://${run_dir}/ais_demod,>ipc://${run_dir}/nmea_input' \
 *                --zones configs/zones --stations '1:8.95:-79.56:40,2:9.36:-79.90'
 *
 * All logic is in the fusion library (pipeline/fusion); this file wires sockets and
 * configuration.  Stats carry the fusion counters, live track gauges and, under info.stations,
 * the per-station table (messages, vessels, maximum and typical range, coverage by sector).
 *
 * After a restart, `warm_start = <archive dir or file>` rebuilds the live picture from the
 * newest archive's tracks table before any input (warm_start.h). */
#include "warm_start.h"

#include "centinela/config.h"
#include "centinela/fusion.h"
#include "centinela/log.h"
#include "centinela/node.h"
#include "centinela/wire.h"
#include "centinela/zones.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The shipped Panama zones of this checkout (configs/zones); an installation sets `zones`. */
#ifndef CENTINELA_DEFAULT_ZONES
#define CENTINELA_DEFAULT_ZONES "configs/zones"
#endif

static const opt_spec track_fusion_options[] = {
    {"zones", 'z', OPT_STR, CENTINELA_DEFAULT_ZONES, 0, -1,
     "GeoJSON zone files or directories, comma-separated; empty: no zones"},
    {"stations", 0, OPT_STR, "", 0, -1,
     "receiving stations id:lat:lon[:range_nm], comma-separated (range 0 or absent: learned)"},
    {"lost_s", 0, OPT_REAL, "480", 10, 86400, "seconds without a report before a track is lost"},
    {"removed_s", 0, OPT_REAL, "600", 10, 604800, "seconds without a report before removal"},
    {"radar_lost_s", 0, OPT_REAL, "30", 1, 3600, "radar track lost after this silence"},
    {"radar_removed_s", 0, OPT_REAL, "120", 1, 86400, "radar track removed after this silence"},
    {"gate_chi2", 0, OPT_REAL, "25", 4, 1000, "position innovation gate (chi-square, 2 dof)"},
    {"gate_min_m", 0, OPT_REAL, "300", 0, 100000, "innovations this small always pass the gate"},
    {"max_speed_kn", 0, OPT_REAL, "50", 5, 1000, "implied speeds above this mean another place"},
    {"accel_sigma_mps2", 0, OPT_REAL, "0.1", 0.001, 20, "filter process noise (acceleration)"},
    {"radar_gate_m", 0, OPT_REAL, "500", 1, 100000, "radar-to-AIS association distance gate"},
    {"radar_gate_kn", 0, OPT_REAL, "6", 0.1, 100, "radar-to-AIS association speed gate"},
    {"radar_confirm", 0, OPT_INT, "3", 1, 100, "radar updates before a dark target is published"},
    {"dedupe_window_s", 0, OPT_REAL, "5", 0, 600,
     "same payload within this many seconds is one transmission (0: off)"},
    {"max_latency_s", 0, OPT_REAL, "1800", 0, 86400,
     "reports may arrive this late, out of order (satellite AIS stamped on arrival; 0: off)"},
    {"snapshot_interval_s", 0, OPT_REAL, "60", 0, 86400,
     "event-time seconds between snapshots of every track (0: off)"},
    {"static_keep_s", 0, OPT_REAL, "86400", 0, 2592000,
     "keep an MMSI's static data this long for its next track, after its last was removed (s)"},
    {"min_update_interval_s", 0, OPT_REAL, "0", 0, 3600,
     "publish a track's position at most this often (0: every update)"},
    {"warm_start", 0, OPT_STR, "", 0, -1,
     "archive file or directory (the archiver's path): restore the tracks alive at its end "
     "(last state of each, within removed_s of its last event); empty: start empty"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

typedef struct app {
    node *n;
    fusion *f;
    zones *z;
    uint8_t buf[4096];
    uint64_t *c_reports, *c_dupes, *c_invalid, *c_splits, *c_radar, *c_radar_bad, *c_assoc, *c_dark,
        *c_created, *c_removed, *c_rejected_msgs;
} app;

static void on_track(void *ctx, const wire_track *t)
{
    app *a = ctx;
    int len = wire_track_encode(t, a->buf, sizeof a->buf);
    if (len < 0) {
        log_error("track %u: cannot encode", t->track_id);
        return;
    }
    node_publish(a->n, WIRE_TRACK, t->time_ns, 0, a->buf, (size_t)len);
}

static int on_message(void *ctx, const wire_header *h, const uint8_t *p, size_t len)
{
    app *a = ctx;
    if (h->type == WIRE_AIS) {
        static wire_ais m; /* large; one at a time */
        if (wire_ais_decode(p, len, &m) != WIRE_OK)
            return -1;
        int rc = fusion_ais_bits(a->f, m.station_id, m.rx_time_ns, m.bits, m.nbits);
        return rc < 0 ? -1 : 0;
    }
    if (h->type == WIRE_RADAR) {
        wire_radar r;
        if (wire_radar_decode(p, len, &r) != WIRE_OK)
            return -1;
        return fusion_radar(a->f, &r) < 0 ? -1 : 0;
    }
    return 0;
}

static void on_tick(void *ctx)
{
    app *a = ctx;
    const fusion_stats *s = fusion_get_stats(a->f);
    *a->c_reports = s->reports;
    *a->c_dupes = s->duplicates;
    *a->c_invalid = s->invalid;
    *a->c_splits = s->splits;
    *a->c_radar = s->radar_reports;
    *a->c_radar_bad = s->radar_invalid;
    *a->c_assoc = s->radar_associations;
    *a->c_dark = s->dark_published;
    *a->c_created = s->tracks_created;
    *a->c_removed = s->tracks_removed;
    node_gauge(a->n, "live_tracks", s->live_tracks);
    node_gauge(a->n, "live_radar_tracks", s->live_radar);
    node_gauge(a->n, "dark_targets", s->dark_tracks);
    char *json = fusion_stations_json(a->f, 32);
    if (json) {
        node_info(a->n, "stations", json);
        free(json);
    }
}

static void on_finish(void *ctx, bool end_of_stream)
{
    app *a = ctx;
    if (end_of_stream)
        fusion_finish(a->f);
    on_tick(a);
}

/* "id:lat:lon[:range_nm],..." */
static int parse_stations(const char *text, fusion_station_config *out, int max)
{
    int n = 0;
    char *list = x_strdup(text), *save = NULL;
    for (char *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        unsigned id;
        double lat, lon, range_nm = 0;
        int k = sscanf(tok, "%u:%lf:%lf:%lf", &id, &lat, &lon, &range_nm);
        if (k < 3 || n == max || fabs(lat) > 90 || fabs(lon) > 180 || range_nm < 0) {
            log_error("stations: '%s' is not id:lat:lon[:range_nm]", tok);
            free(list);
            return -1;
        }
        out[n++] = (fusion_station_config){id, lat, lon, range_nm * 1852.0};
    }
    free(list);
    return n;
}

int main(int argc, char **argv)
{
    int code;
    node *n = node_create("track_fusion", track_fusion_options,
                          "Fuse AIS from many receivers and ARPA radar into one track per vessel.",
                          argc, argv, &code);
    if (!n)
        return code;
    const config *cfg = node_config(n);
    app a = {.n = n};
    static fusion_station_config stations[FUSION_MAX_STATIONS];
    int ns = parse_stations(config_str(cfg, "stations"), stations, FUSION_MAX_STATIONS);
    if (ns < 0) {
        node_destroy(&n);
        return 2;
    }
    if (*config_str(cfg, "zones")) {
        a.z = zones_load(config_str(cfg, "zones"));
        if (!a.z) {
            log_error("zones: cannot load '%s' (see above)", config_str(cfg, "zones"));
            node_destroy(&n);
            return 2;
        }
        log_info("zones: %zu features", zones_count(a.z));
    }
    fusion_config fc = fusion_config_default();
    fc.lost_s = config_real(cfg, "lost_s");
    fc.removed_s = config_real(cfg, "removed_s");
    fc.radar_lost_s = config_real(cfg, "radar_lost_s");
    fc.radar_removed_s = config_real(cfg, "radar_removed_s");
    fc.gate_chi2 = config_real(cfg, "gate_chi2");
    fc.gate_min_m = config_real(cfg, "gate_min_m");
    fc.max_speed_kn = config_real(cfg, "max_speed_kn");
    fc.accel_sigma_mps2 = config_real(cfg, "accel_sigma_mps2");
    fc.radar_gate_m = config_real(cfg, "radar_gate_m");
    fc.radar_gate_kn = config_real(cfg, "radar_gate_kn");
    fc.radar_confirm = (int)config_int(cfg, "radar_confirm");
    fc.dedupe_window_s = config_real(cfg, "dedupe_window_s");
    fc.max_latency_s = config_real(cfg, "max_latency_s");
    fc.snapshot_interval_s = config_real(cfg, "snapshot_interval_s");
    fc.min_update_interval_s = config_real(cfg, "min_update_interval_s");
    fc.static_keep_s = config_real(cfg, "static_keep_s");
    fc.zones = a.z;
    fc.stations = stations;
    fc.n_stations = ns;
    fc.emit = on_track;
    fc.emit_ctx = &a;
    /* Restarted inside a graph: repeating the earlier run exactly gives the same track ids;
     * continuing after it takes ids the earlier processes never used. */
    enum node_resume resume = node_resume_mode(n);
    fc.first_track_id = resume == NODE_CONTINUE ? node_epoch(n) << 24 : 0;
    a.f = fusion_create(&fc);
    if (!a.f) {
        zones_destroy(&a.z);
        node_destroy(&n);
        return 2;
    }
    /* A warm start is for a new graph; a restart that repeats this graph's run must not add
     * tracks the undisturbed run did not have. */
    if (*config_str(cfg, "warm_start") && resume != NODE_REPLAY) {
        warm_start_result ws;
        if (warm_start(a.f, config_str(cfg, "warm_start"), fc.removed_s, &ws) != 0) {
            fusion_destroy(&a.f);
            zones_destroy(&a.z);
            node_destroy(&n);
            return 2;
        }
        if (ws.file[0]) {
            char t[40];
            wire_format_time(ws.last_event_ns, t, sizeof t);
            log_info("warm start: %u tracks restored from %s (last event %s; %u states too old, "
                     "removed or radar-only)",
                     ws.restored, ws.file, t, ws.skipped);
            node_info(n, "warm_start", ws.file);
        }
        *node_counter(n, "warm_start_tracks") = ws.restored;
    }
    node_declare_input(n, WIRE_AIS);
    node_declare_input(n, WIRE_RADAR);
    node_declare_output(n, WIRE_TRACK);
    a.c_reports = node_counter(n, "reports");
    a.c_dupes = node_counter(n, "duplicates");
    a.c_invalid = node_counter(n, "invalid");
    a.c_splits = node_counter(n, "splits");
    a.c_radar = node_counter(n, "radar_reports");
    a.c_radar_bad = node_counter(n, "radar_invalid");
    a.c_assoc = node_counter(n, "radar_associations");
    a.c_dark = node_counter(n, "dark_targets_published");
    a.c_created = node_counter(n, "tracks_created");
    a.c_removed = node_counter(n, "tracks_removed");
    node_handlers h = {.on_message = on_message, .on_tick = on_tick, .on_finish = on_finish};
    int rc = node_run(n, &h, &a);
    fusion_destroy(&a.f);
    zones_destroy(&a.z);
    node_destroy(&n);
    return rc;
}
