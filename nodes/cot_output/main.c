/* cot_output: the picture for TAK.  Subscribes to `track` and `alert` and sends Cursor on Target
 * 2.0 events over UDP (the SA multicast group, or unicast) and over a TCP or TLS stream to a TAK
 * Server.
 *
 *   cot_output --sub '>ipc://${run_dir}/track_fusion,>ipc://${run_dir}/anomaly_detector' \
 *              --udp 239.2.3.1:6969 --tcp takserver.example:8089 --tls true \
 *              --tls_ca ca.pem --tls_cert centinela.pem --tls_key centinela.key
 *
 * Mapping and pacing: cot.h.  Transports: link.h (never blocks the node). */
#include "cot.h"
#include "link.h"

#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/node.h"
#include "centinela/wire.h"

#include <signal.h>
#include <stdlib.h>

static const opt_spec cot_options[] = {
    {"udp", 0, OPT_STR, "239.2.3.1:6969", 0, -1,
     "UDP destination host:port: the SA multicast group (ATAK/WinTAK listen on 239.2.3.1:6969) "
     "or a unicast address; empty: none"},
    {"multicast_ttl", 0, OPT_INT, "1", 1, 255, "hops a multicast datagram may cross"},
    {"tcp", 0, OPT_STR, "", 0, -1,
     "TAK Server streaming input host:port (8087 plain, 8089 TLS); empty: none"},
    {"tls", 0, OPT_BOOL, "false", 0, -1, "TLS on the tcp stream (TAK Server 8089)"},
    {"tls_ca", 0, OPT_STR, "", 0, -1, "PEM file of the CA that signs the server certificate"},
    {"tls_cert", 0, OPT_STR, "", 0, -1,
     "PEM client certificate (TAK Server asks for one); convert a .p12 with openssl pkcs12"},
    {"tls_key", 0, OPT_STR, "", 0, -1, "PEM private key of tls_cert (unencrypted)"},
    {"tls_verify_host", 0, OPT_BOOL, "true", 0, -1,
     "check that the server certificate names the tcp host"},
    {"min_interval_s", 0, OPT_REAL, "10", 0, 86400,
     "per track: at most one event per this much event time, unless its type, name or state "
     "changed; 0: every update"},
    {"stale_s", 0, OPT_REAL, "300", 1, 2592000, "a track event is stale this long after its time"},
    {"alert_stale_s", 0, OPT_REAL, "3600", 1, 2592000,
     "an open alert's event is stale this long after its time (a closed one at once)"},
    {"tentative", 0, OPT_BOOL, "false", 0, -1, "also send tentative (unconfirmed) tracks"},
    {"queue_max", 0, OPT_INT, "10000", 1, 10000000,
     "events waiting for the tcp stream; beyond it the oldest is dropped (counted)"},
    {"reconnect_initial_s", 0, OPT_REAL, "1", 0.01, 3600,
     "first reconnect delay, doubled per failure"},
    {"reconnect_max_s", 0, OPT_REAL, "60", 0.01, 86400, "longest reconnect delay"},
    {"io_timeout_s", 0, OPT_REAL, "10", 0.1, 600, "connect, TLS handshake and write time-out"},
    {"drain_s", 0, OPT_REAL, "5", 0, 600,
     "at the end, wait this long (wall clock) for queued events to reach the server"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

typedef struct app {
    node *n;
    cot_writer *w;
    cot_link *link;
    double drain_s;
    uint64_t *c_tracks, *c_track_events, *c_paced, *c_alert_events, *c_resent, *c_write_errors;
    uint64_t *c_udp_sent, *c_udp_errors, *c_stream_sent, *c_stream_dropped, *c_connects,
        *c_connect_failures, *c_disconnects;
} app;

static void emit(app *a)
{
    size_t len;
    const char *xml = cot_writer_event(a->w, &len);
    cot_link_send(a->link, xml, len);
}

static int on_message(void *ctx, const wire_header *h, const uint8_t *p, size_t len)
{
    app *a = ctx;
    if (h->type == WIRE_TRACK) {
        wire_track t;
        if (wire_track_decode(p, len, &t) != WIRE_OK)
            return -1;
        if (cot_writer_track(a->w, h->source_id, &t) == 1)
            emit(a);
        return 0;
    }
    if (h->type == WIRE_ALERT) {
        static wire_alert al; /* 1 kB of evidence: not on the stack per message */
        if (wire_alert_decode(p, len, &al) != WIRE_OK)
            return -1;
        if (cot_writer_alert(a->w, h->source_id, h->event_time_ns, &al) == 1)
            emit(a);
        int rc;
        while ((rc = cot_writer_resend(a->w)) != 0)
            if (rc == 1)
                emit(a);
        return 0;
    }
    return -1;
}

static void update_stats(app *a)
{
    cot_stats s;
    cot_writer_stats(a->w, &s);
    *a->c_tracks = s.tracks_in;
    *a->c_track_events = s.track_events;
    *a->c_paced = s.paced;
    *a->c_alert_events = s.alert_events;
    *a->c_resent = s.resent;
    *a->c_write_errors = s.write_errors;
    node_gauge(a->n, "vessels", (double)s.vessels);
    node_gauge(a->n, "open_alerts", (double)s.open_alerts);
    cot_link_stats l;
    cot_link_get_stats(a->link, &l);
    *a->c_udp_sent = l.udp_sent;
    *a->c_udp_errors = l.udp_errors;
    *a->c_stream_sent = l.stream_sent;
    *a->c_stream_dropped = l.stream_dropped;
    *a->c_connects = l.stream_connects;
    *a->c_connect_failures = l.stream_connect_failures;
    *a->c_disconnects = l.stream_disconnects;
    node_gauge(a->n, "queue_depth", (double)l.queue_depth);
    node_gauge(a->n, "connected", l.connected ? 1 : 0);
}

static void on_tick(void *ctx)
{
    update_stats(ctx);
}

static void on_finish(void *ctx, bool end_of_stream)
{
    app *a = ctx;
    cot_link_flush(a->link, a->drain_s); /* delivers what is queued, within drain_s */
    update_stats(a);
    cot_stats s;
    cot_writer_stats(a->w, &s);
    log_info("%s: %llu track states, %llu track events (%llu held back by pacing), %llu alert "
             "events",
             end_of_stream ? "end of stream" : "stopping", (unsigned long long)s.tracks_in,
             (unsigned long long)s.track_events, (unsigned long long)s.paced,
             (unsigned long long)s.alert_events);
}

int main(int argc, char **argv)
{
    int rc;
    node *n =
        node_create("cot_output", cot_options,
                    "Send tracks and alerts as Cursor on Target events to TAK.", argc, argv, &rc);
    if (!n)
        return rc;
    signal(SIGPIPE, SIG_IGN); /* a TAK Server that hangs up is a counted disconnect */
    const config *c = node_config(n);
    app a = {.n = n, .drain_s = config_real(c, "drain_s")};
    cot_config cc = {
        .stale_s = config_real(c, "stale_s"),
        .alert_stale_s = config_real(c, "alert_stale_s"),
        .min_interval_s = config_real(c, "min_interval_s"),
        .tentative = config_bool(c, "tentative"),
    };
    cot_link_config lc = {
        .udp = config_str(c, "udp"),
        .multicast_ttl = (int)config_int(c, "multicast_ttl"),
        .tcp = config_str(c, "tcp"),
        .tls = config_bool(c, "tls"),
        .tls_ca = config_str(c, "tls_ca"),
        .tls_cert = config_str(c, "tls_cert"),
        .tls_key = config_str(c, "tls_key"),
        .tls_verify_host = config_bool(c, "tls_verify_host"),
        .queue_max = (size_t)config_int(c, "queue_max"),
        .reconnect_initial_s = config_real(c, "reconnect_initial_s"),
        .reconnect_max_s = config_real(c, "reconnect_max_s"),
        .io_timeout_s = config_real(c, "io_timeout_s"),
    };
    a.w = cot_writer_create(&cc);
    a.link = a.w ? cot_link_create(&lc) : NULL;
    if (!a.link) {
        cot_writer_destroy(&a.w);
        node_destroy(&n);
        return 2;
    }
    node_declare_input(n, WIRE_TRACK);
    node_declare_input(n, WIRE_ALERT);
    a.c_tracks = node_counter(n, "track_states");
    a.c_track_events = node_counter(n, "track_events");
    a.c_paced = node_counter(n, "track_states_paced");
    a.c_alert_events = node_counter(n, "alert_events");
    a.c_resent = node_counter(n, "type_changes_resent");
    a.c_write_errors = node_counter(n, "write_errors");
    a.c_udp_sent = node_counter(n, "udp_sent");
    a.c_udp_errors = node_counter(n, "udp_errors");
    a.c_stream_sent = node_counter(n, "stream_sent");
    a.c_stream_dropped = node_counter(n, "stream_dropped");
    a.c_connects = node_counter(n, "stream_connects");
    a.c_connect_failures = node_counter(n, "stream_connect_failures");
    a.c_disconnects = node_counter(n, "stream_disconnects");
    node_info(n, "udp", lc.udp);
    node_info(n, "tcp", lc.tcp);
    node_handlers h = {.on_message = on_message, .on_tick = on_tick, .on_finish = on_finish};
    rc = node_run(n, &h, &a);
    cot_link_destroy(&a.link, 0);
    cot_writer_destroy(&a.w);
    node_destroy(&n);
    return rc;
}
