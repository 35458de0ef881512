/* web_view: the operator's live web map of tracks, dark targets and alerts, and archive playback.
 *
 *   web_view --sub '>ipc://${run_dir}/track_fusion,>ipc://${run_dir}/anomaly_detector' \
 *            --stats_sub '>ipc://${run_dir}/ais_demod' --listen 127.0.0.1:8100
 *
 * Thin main: configuration and sockets.  The picture (picture.c) holds the state, server.c
 * serves it over HTTP, playback.c supervises the `replay` child of a playback.  Inputs: `track`,
 * `alert` (and `ais` for per-station statistics when listed in `topics`) on the node's input
 * socket; `stats` of upstream nodes on a socket of its own (`stats_sub`), because the runtime
 * keeps stats frames away from node handlers.  Upstream end of stream does not close the page:
 * the last picture stays on screen until SIGINT/SIGTERM (unless exit_on_eos). */
#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/node.h"
#include "centinela/wire.h"
#include "picture.h"
#include "playback.h"
#include "server.h"
#include "zonefiles.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#ifndef WEB_VIEW_WWW_DIR
#define WEB_VIEW_WWW_DIR "www"
#endif
#ifndef WEB_VIEW_LIB_DIR
#define WEB_VIEW_LIB_DIR "node_modules/leaflet/dist"
#endif
#ifndef WEB_VIEW_ZONES_DIR
#define WEB_VIEW_ZONES_DIR "configs/zones"
#endif

static const opt_spec web_view_options[] = {
    {"listen", 'l', OPT_STR, "127.0.0.1:8100", 0, -1,
     "HTTP address:port ([v6]:port); loopback by default, port 0 picks a free one"},
    {"basic_auth", 0, OPT_STR, "", 0, -1, "USER:PASSWORD required by every request; empty: none"},
    {"allowed_hosts", 0, OPT_STR, "", 0, -1,
     "host names the page may be opened by (comma-separated), besides IP addresses and "
     "localhost: a Host header naming anything else is refused (DNS rebinding)"},
    {"www_dir", 0, OPT_STR, WEB_VIEW_WWW_DIR, 0, -1, "directory of the page (index.html, app.js)"},
    {"lib_dir", 0, OPT_STR, WEB_VIEW_LIB_DIR, 0, -1,
     "Leaflet's dist directory (npm ci in nodes/web_view installs it)"},
    {"zones_dir", 0, OPT_STR, WEB_VIEW_ZONES_DIR, 0, -1,
     "GeoJSON zone files drawn on the map (feature property kind)"},
    {"feed_interval_s", 0, OPT_REAL, "0.5", 0.05, 60, "least time between two live-feed updates"},
    {"max_connections", 0, OPT_INT, "64", 1, 1024, "simultaneous HTTP connections"},
    {"port_file", 0, OPT_STR, "", 0, -1, "write the bound HTTP port to this file; empty: no"},
    {"stats_sub", 0, OPT_STR, "", 0, -1,
     "endpoints whose stats heartbeats are shown (>connect, @bind); empty: none"},
    {"exit_on_eos", 0, OPT_BOOL, "false", 0, -1,
     "exit when the inputs end; false keeps serving the last picture"},
    {"trail_points", 0, OPT_INT, "120", 0, 4096, "history points kept per track"},
    {"trail_step_s", 0, OPT_REAL, "10", 0, 3600, "least event time between two trail points"},
    {"max_tracks", 0, OPT_INT, "200000", 1, 1000000, "tracks held at most"},
    {"max_alerts", 0, OPT_INT, "20000", 1, 1000000, "alerts held at most (closed ones go first)"},
    {"tombstone_s", 0, OPT_REAL, "60", 0, 86400, "keep removed tracks this long for the feeds"},
    {"stale_s", 0, OPT_REAL, "1800", 0, 2592000,
     "drop tracks not updated for this long (event time); 0: never"},
    {"playback_cmd", 0, OPT_STR,
     "replay --input {archive} --replay_topics track,alert --from {start} --speed {speed} "
     "--pub @{endpoint} --lossless false --subscribers 1",
     0, -1, "replay command template ({archive} {start} {start_s} {speed} {endpoint})"},
    {"archive_dir", 0, OPT_STR, "", 0, -1, "archives (*.h5) offered for playback; empty: none"},
    {"playback_endpoint", 0, OPT_STR, "ipc://${run_dir}/web_view_playback", 0, -1,
     "endpoint the replay child publishes on and web_view reads"},
    {"autoplay", 0, OPT_BOOL, "false", 0, -1,
     "the page opens in Playback and plays the newest archive of archive_dir by itself "
     "(unless a playback already runs); needs archive_dir"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

struct app {
    node *n;
    wv_shared sh;
    wv_server *server;
    wv_playback *pb;
    void *zctx;
    void *stats_sock, *pb_sock;
    char *pb_endpoint;
    uint8_t *frame;
    uint64_t *c_tracks, *c_alerts, *c_ais, *c_stats, *c_bad, *c_pb_msgs;
    double next_archives_s;
    wire_ais ais; /* large: kept off the stack */
    wire_alert alert;
    char stats_json[WIRE_STATS_MAX + 1];
};

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Decode one payload into picture p (lock held by the caller). */
static int apply(struct app *a, wv_picture *p, const wire_header *h, const uint8_t *payload,
                 size_t len)
{
    switch (h->type) {
    case WIRE_TRACK: {
        wire_track t;
        if (wire_track_decode(payload, len, &t) != WIRE_OK)
            return -1;
        (*a->c_tracks)++;
        return wv_picture_track(p, h, &t);
    }
    case WIRE_ALERT:
        if (wire_alert_decode(payload, len, &a->alert) != WIRE_OK)
            return -1;
        (*a->c_alerts)++;
        return wv_picture_alert(p, h, &a->alert);
    case WIRE_AIS:
        if (wire_ais_decode(payload, len, &a->ais) != WIRE_OK)
            return -1;
        (*a->c_ais)++;
        return wv_picture_ais(p, h, &a->ais);
    case WIRE_STATS: {
        if (wire_stats_decode(payload, len, a->stats_json, sizeof a->stats_json) != WIRE_OK)
            return -1;
        (*a->c_stats)++;
        return wv_picture_stats(p, h, a->stats_json);
    }
    default:
        return 0; /* not shown (iq, radar) */
    }
}

static int on_message(void *ctx, const wire_header *h, const uint8_t *payload, size_t len)
{
    struct app *a = ctx;
    pthread_mutex_lock(&a->sh.lock);
    int rc = apply(a, a->sh.live, h, payload, len);
    pthread_mutex_unlock(&a->sh.lock);
    return rc;
}

/* Read up to max messages from one of our own SUB sockets into picture p. */
static void drain(struct app *a, void *sock, wv_picture **pp, int max)
{
    for (int i = 0; sock && i < max; i++) {
        char topic[32];
        int tk = zmq_recv(sock, topic, sizeof topic, ZMQ_DONTWAIT);
        if (tk < 0)
            return;
        int more = 0;
        size_t sz = sizeof more;
        zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
        if (!more) {
            (*a->c_bad)++;
            continue;
        }
        int k = zmq_recv(sock, a->frame, WIRE_MAX_FRAME, 0);
        zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
        bool bad = k < 0 || k > (int)WIRE_MAX_FRAME;
        while (more) {
            zmq_recv(sock, a->frame, WIRE_MAX_FRAME, 0);
            zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
            bad = true;
        }
        wire_header h;
        if (bad || wire_header_decode(a->frame, (size_t)k, &h) != WIRE_OK ||
            tk > (int)sizeof topic || wire_type_from_topic(topic, (size_t)tk) != h.type) {
            (*a->c_bad)++;
            continue;
        }
        if (h.payload_len == 0)
            continue; /* end of stream marker */
        pthread_mutex_lock(&a->sh.lock);
        if (apply(a, *pp, &h, a->frame + WIRE_HEADER_LEN, h.payload_len) != 0)
            (*a->c_bad)++;
        pthread_mutex_unlock(&a->sh.lock);
        if (pp == &a->sh.playback)
            (*a->c_pb_msgs)++;
    }
}

static void *open_sub(struct app *a, const char *endpoints, const char *topics)
{
    void *s = zmq_socket(a->zctx, ZMQ_SUB);
    if (!s) {
        log_error("zmq_socket: %s", zmq_strerror(errno));
        return NULL;
    }
    int linger_ms = 0, hwm = 100000;
    if (zmq_setsockopt(s, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0 ||
        zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm) != 0) {
        log_error("zmq_setsockopt: %s", zmq_strerror(errno));
        zmq_close(s);
        return NULL;
    }
    char *list = x_strdup(topics), *save = NULL;
    for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (zmq_setsockopt(s, ZMQ_SUBSCRIBE, t, strlen(t)) != 0) {
            log_error("zmq_setsockopt(SUBSCRIBE): %s", zmq_strerror(errno));
            free(list);
            zmq_close(s);
            return NULL;
        }
    free(list);
    if (node_attach(s, endpoints, false) < 0) {
        zmq_close(s);
        return NULL;
    }
    return s;
}

static void refresh_playback_status(struct app *a)
{
    json_t *st = wv_playback_status_json(a->pb);
    json_t *ar = NULL;
    if (mono_s() >= a->next_archives_s) {
        ar = wv_playback_archives_json(a->pb);
        a->next_archives_s = mono_s() + 5;
    }
    pthread_mutex_lock(&a->sh.lock);
    json_decref(a->sh.playback_status);
    a->sh.playback_status = st;
    if (ar) {
        json_decref(a->sh.archives);
        a->sh.archives = ar;
    }
    pthread_mutex_unlock(&a->sh.lock);
}

/* (Re)start the replay child: a fresh socket and an empty picture, so nothing from the previous
 * child can leak into what the page shows. */
static void restart_playback(struct app *a, const char *archive, int64_t t_ns, double speed)
{
    wv_playback_stop(a->pb);
    if (a->pb_sock)
        zmq_close(a->pb_sock);
    char ep[600];
    snprintf(ep, sizeof ep, ">%s", a->pb_endpoint);
    a->pb_sock = open_sub(a, ep, "track,alert,stats,ais");
    pthread_mutex_lock(&a->sh.lock);
    wv_picture_reset(a->sh.playback);
    pthread_mutex_unlock(&a->sh.lock);
    if (wv_playback_start(a->pb, archive, t_ns, speed) != 0)
        log_warn("playback: %s", wv_playback_error(a->pb));
}

static void handle_playback_request(struct app *a)
{
    pthread_mutex_lock(&a->sh.lock);
    wv_pb_request r = a->sh.request;
    a->sh.request.action = WV_PB_NONE;
    int64_t now_ns = wv_picture_event_time(a->sh.playback);
    pthread_mutex_unlock(&a->sh.lock);
    json_t *st = wv_playback_status_json(a->pb);
    const char *cur_archive = json_string_value(json_object_get(st, "archive"));
    char archive[256];
    snprintf(archive, sizeof archive, "%s",
             r.archive[0]  ? r.archive
             : cur_archive ? cur_archive
                           : "");
    double cur_speed = json_real_value(json_object_get(st, "speed"));
    json_decref(st);
    double speed = r.speed >= 0 ? r.speed : (cur_speed > 0 ? cur_speed : 1);
    switch (r.action) {
    case WV_PB_START:
    case WV_PB_SEEK:
        restart_playback(a, archive, r.t_ns, speed);
        break;
    case WV_PB_SPEED:
        restart_playback(a, archive, now_ns, speed);
        break;
    case WV_PB_PAUSE:
    case WV_PB_RESUME:
        if (wv_playback_pause(a->pb, r.action == WV_PB_PAUSE) != 0)
            log_warn("playback: %s", wv_playback_error(a->pb));
        break;
    case WV_PB_STOP:
        wv_playback_stop(a->pb);
        break;
    case WV_PB_NONE:
        break;
    }
}

static void on_tick(void *ctx)
{
    struct app *a = ctx;
    drain(a, a->stats_sock, &a->sh.live, 1000);
    drain(a, a->pb_sock, &a->sh.playback, 50000);
    if (a->pb) {
        pthread_mutex_lock(&a->sh.lock);
        bool pending = a->sh.request.action != WV_PB_NONE;
        pthread_mutex_unlock(&a->sh.lock);
        if (pending)
            handle_playback_request(a);
        wv_playback_poll(a->pb);
        refresh_playback_status(a);
    }
    pthread_mutex_lock(&a->sh.lock);
    node_gauge(a->n, "vessels", wv_picture_track_count(a->sh.live));
    node_gauge(a->n, "dark_targets", wv_picture_dark_count(a->sh.live));
    node_gauge(a->n, "open_alerts", wv_picture_open_alert_count(a->sh.live));
    node_gauge(a->n, "feed_clients", (double)a->sh.feed_clients);
    pthread_mutex_unlock(&a->sh.lock);
}

/* Without an input socket the runtime calls this in a loop: idle, the tick does the work. */
static int produce(void *ctx)
{
    (void)ctx;
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    int exit_code;
    node *n = node_create("web_view", web_view_options,
                          "Live web map of tracks, dark targets and alerts; archive playback.",
                          argc, argv, &exit_code);
    if (!n)
        return exit_code;
    const config *cfg = node_config(n);
    node_declare_input(n, WIRE_TRACK);
    node_declare_input(n, WIRE_ALERT);

    wv_picture_config pc;
    wv_picture_config_default(&pc);
    pc.trail_points = (int)config_int(cfg, "trail_points");
    pc.trail_step_s = config_real(cfg, "trail_step_s");
    pc.max_tracks = (int)config_int(cfg, "max_tracks");
    pc.max_alerts = (int)config_int(cfg, "max_alerts");
    pc.tombstone_s = config_real(cfg, "tombstone_s");
    pc.stale_s = config_real(cfg, "stale_s");

    struct app *a = x_calloc(1, sizeof *a);
    a->n = n;
    pthread_mutex_init(&a->sh.lock, NULL);
    a->sh.live = wv_picture_create(&pc);
    a->sh.playback = wv_picture_create(&pc);
    a->frame = x_malloc(WIRE_MAX_FRAME);
    a->c_tracks = node_counter(n, "tracks");
    a->c_alerts = node_counter(n, "alerts");
    a->c_ais = node_counter(n, "ais");
    a->c_stats = node_counter(n, "stats");
    a->c_bad = node_counter(n, "refused");
    a->c_pb_msgs = node_counter(n, "playback_messages");
    int rc = 2;
    if (!a->sh.live || !a->sh.playback)
        goto out;

    a->zctx = zmq_ctx_new();
    if (!a->zctx) {
        log_error("zmq_ctx_new: %s", zmq_strerror(errno));
        goto out;
    }
    const char *stats_sub = config_str(cfg, "stats_sub");
    if (*stats_sub && !(a->stats_sock = open_sub(a, stats_sub, "stats")))
        goto out;

    const char *archive_dir = config_str(cfg, "archive_dir");
    a->sh.autoplay = config_bool(cfg, "autoplay");
    if (a->sh.autoplay && !*archive_dir) {
        log_error("autoplay needs archive_dir (the archives to play)");
        goto out;
    }
    a->pb_endpoint = node_expand_endpoint(config_str(cfg, "playback_endpoint"));
    if (*archive_dir) {
        wv_playback_config pbc = {config_str(cfg, "playback_cmd"), archive_dir, a->pb_endpoint};
        if (!(a->pb = wv_playback_create(&pbc)))
            goto out;
        a->sh.playback_enabled = true;
        refresh_playback_status(a);
    }

    wv_server_config sc = {
        .listen = config_str(cfg, "listen"),
        .www_dir = config_str(cfg, "www_dir"),
        .lib_dir = config_str(cfg, "lib_dir"),
        .zones_dir = config_str(cfg, "zones_dir"),
        .basic_auth = config_str(cfg, "basic_auth"),
        .allowed_hosts = config_str(cfg, "allowed_hosts"),
        .feed_interval_s = config_real(cfg, "feed_interval_s"),
        .max_connections = (int)config_int(cfg, "max_connections"),
    };
    /* The zones library checks the files the page will draw, as track_fusion's loading does:
     * a broken file is a configuration error (exit 2), not a blank map. */
    int broken_zones = wv_zones_check_dir(sc.zones_dir);
    if (broken_zones != 0) {
        if (broken_zones > 0)
            log_error("zones_dir %s: %d zone file(s) refused (see above); fix or remove them",
                      sc.zones_dir, broken_zones);
        goto out; /* rc is still 2 */
    }
    if (!(a->server = wv_server_create(&sc, &a->sh)))
        goto out;
    char url[96];
    snprintf(url, sizeof url, "port %u", wv_server_port(a->server));
    node_info(n, "http", url);
    log_info("serving http on %s (port %u)", sc.listen, wv_server_port(a->server));
    const char *port_file = config_str(cfg, "port_file");
    if (*port_file) {
        FILE *f = fopen(port_file, "w");
        if (!f || fprintf(f, "%u\n", wv_server_port(a->server)) < 0 || fclose(f) != 0) {
            log_error("cannot write %s: %s", port_file, strerror(errno));
            goto out;
        }
    }

    node_handlers h = {.on_message = on_message, .produce = produce, .on_tick = on_tick};
    rc = node_run(n, &h, a);
    if (rc == 0 && !node_stopping(n) && !config_bool(cfg, "exit_on_eos")) {
        log_info("inputs ended; still serving the last picture until stopped");
        while (!node_stopping(n)) {
            struct timespec ts = {0, 100000000};
            nanosleep(&ts, NULL);
            on_tick(a);
        }
    }
out:
    wv_server_destroy(&a->server);
    wv_playback_destroy(&a->pb);
    if (a->stats_sock)
        zmq_close(a->stats_sock);
    if (a->pb_sock)
        zmq_close(a->pb_sock);
    if (a->zctx)
        zmq_ctx_term(a->zctx);
    wv_picture_destroy(&a->sh.live);
    wv_picture_destroy(&a->sh.playback);
    json_decref(a->sh.playback_status);
    json_decref(a->sh.archives);
    pthread_mutex_destroy(&a->sh.lock);
    free(a->pb_endpoint);
    free(a->frame);
    free(a);
    node_destroy(&n);
    return rc;
}
