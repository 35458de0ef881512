/* metrics: every node's `stats` in the Prometheus text format on one HTTP endpoint.
 *
 *   metrics --stats_sub '>ipc://${run_dir}/ais_demod,>ipc://${run_dir}/track_fusion' \
 *           --listen 127.0.0.1:9478
 *   curl -s http://127.0.0.1:9478/metrics
 *
 * Naming: prom.h.  Served by libmicrohttpd from its own thread; the registry is shared under a
 * mutex.  Without `sub` the node serves until SIGINT/SIGTERM (live); with `sub` (any publisher
 * of the graph, e.g. the detector's alerts) it ends with the stream, after linger_s. */
#include "prom.h"

#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/node.h"
#include "centinela/wire.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static const opt_spec metrics_options[] = {
    {"stats_sub", 0, OPT_STR, "", 0, -1,
     "endpoints whose `stats` are exposed, comma-separated (>connect, @bind)"},
    {"listen", 0, OPT_STR, "127.0.0.1:9478", 0, -1,
     "HTTP address host:port of /metrics (loopback by default: Prometheus scrapes locally or "
     "through a reverse proxy)"},
    {"up_timeout_s", 0, OPT_REAL, "10", 0.1, 86400,
     "a node whose stats stop this long reads centinela_<node>_up 0"},
    {"read_proc", 0, OPT_BOOL, "true", 0, -1,
     "read each local node's resident memory from /proc/<pid>"},
    {"linger_s", 0, OPT_REAL, "0", 0, 86400,
     "after the end of stream (with sub), keep serving this long (wall clock)"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

typedef struct app {
    node *n;
    prom_registry *reg;
    pthread_mutex_t mu;
    struct MHD_Daemon *http;
    void *zctx, *stats_sock;
    uint8_t *frame;
    char *json;
    double up_timeout_s, linger_s;
    bool read_proc;
    uint64_t *c_stats, *c_refused, *c_scrapes;
} app;

static double wall_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **state)
{
    app *a = cls;
    (void)version;
    (void)upload;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return MHD_NO;
    if (*upload_size)
        return MHD_NO;
    if (!*state) { /* first call: headers only */
        *state = a;
        return MHD_YES;
    }
    char *body;
    unsigned status = MHD_HTTP_OK;
    if (strcmp(url, "/metrics") == 0) {
        pthread_mutex_lock(&a->mu);
        body = prom_registry_render(a->reg, wall_s(), a->up_timeout_s, a->read_proc);
        (*a->c_scrapes)++;
        pthread_mutex_unlock(&a->mu);
    } else {
        body = x_strdup("not found: the metrics are on /metrics\n");
        status = MHD_HTTP_NOT_FOUND;
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static int start_http(app *a, const char *listen)
{
    char host[256], port[16];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host || !colon[1] ||
        strlen(colon + 1) >= sizeof port) {
        log_error("listen: '%s' is not host:port", listen);
        return -1;
    }
    snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    snprintf(port, sizeof port, "%s", colon + 1);
    if (host[0] == '[') { /* [v6]:port */
        memmove(host, host + 1, strlen(host));
        host[strcspn(host, "]")] = 0;
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *ai = NULL;
    int gai = getaddrinfo(host, port, &hints, &ai);
    if (gai != 0) {
        log_error("listen: %s: %s", listen, gai_strerror(gai));
        return -1;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    a->http = MHD_start_daemon(flags, 0, NULL, NULL, on_request, a, MHD_OPTION_SOCK_ADDR,
                               ai->ai_addr, MHD_OPTION_CONNECTION_LIMIT, 64u,
                               MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!a->http) {
        log_error("cannot listen on %s: %s", listen, strerror(errno));
        return -1;
    }
    log_info("metrics on http://%s/metrics", listen);
    return 0;
}

static int open_stats_socket(app *a, const char *endpoints)
{
    if (!*endpoints) {
        log_error("stats_sub is empty: no node to expose");
        return -1;
    }
    return node_open_stats_sub(endpoints, &a->zctx, &a->stats_sock) <= 0 ? -1 : 0;
}

/* Take every stats message waiting (up to wait_ms for the first). */
static void drain_stats(app *a, int wait_ms)
{
    for (;;) {
        zmq_pollitem_t it = {a->stats_sock, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, wait_ms) <= 0)
            return;
        wait_ms = 0;
        wire_header h;
        int got = node_recv_stats(a->stats_sock, a->frame, &h, a->json, WIRE_STATS_MAX + 1);
        if (got == 0)
            return;
        if (got < 0) {
            (*a->c_refused)++;
            continue;
        }
        pthread_mutex_lock(&a->mu);
        int rc = prom_registry_update(a->reg, a->json, wall_s());
        pthread_mutex_unlock(&a->mu);
        if (rc == 0)
            (*a->c_stats)++;
        else
            (*a->c_refused)++;
    }
}

static int on_message(void *ctx, const wire_header *h, const uint8_t *p, size_t len)
{
    (void)ctx, (void)h, (void)p, (void)len; /* inputs only tell when the stream ends */
    return 0;
}

static int produce(void *ctx)
{
    drain_stats(ctx, 100);
    return 0;
}

static void on_tick(void *ctx)
{
    drain_stats(ctx, 0);
}

static void on_finish(void *ctx, bool end_of_stream)
{
    app *a = ctx;
    if (!end_of_stream || a->linger_s <= 0)
        return;
    double until = wall_s() + a->linger_s;
    while (wall_s() < until && !node_stopping(a->n))
        drain_stats(a, 100);
}

int main(int argc, char **argv)
{
    int rc;
    node *n = node_create("metrics", metrics_options,
                          "Expose every node's stats in the Prometheus text format over HTTP.",
                          argc, argv, &rc);
    if (!n)
        return rc;
    const config *c = node_config(n);
    app a = {.n = n,
             .up_timeout_s = config_real(c, "up_timeout_s"),
             .linger_s = config_real(c, "linger_s"),
             .read_proc = config_bool(c, "read_proc")};
    pthread_mutex_init(&a.mu, NULL);
    a.reg = prom_registry_create();
    a.frame = x_malloc(WIRE_MAX_FRAME);
    a.json = x_malloc(WIRE_STATS_MAX + 1);
    a.c_stats = node_counter(n, "stats_messages");
    a.c_refused = node_counter(n, "stats_refused");
    a.c_scrapes = node_counter(n, "scrapes");
    rc = 0;
    if (open_stats_socket(&a, config_str(c, "stats_sub")) != 0 ||
        start_http(&a, config_str(c, "listen")) != 0)
        rc = 2;
    if (rc == 0) {
        if (*config_str(c, "sub"))
            node_declare_input(n, WIRE_ALERT);
        node_handlers h = {.on_message = on_message,
                           .produce = produce,
                           .on_tick = on_tick,
                           .on_finish = on_finish};
        rc = node_run(n, &h, &a);
    }
    if (a.http)
        MHD_stop_daemon(a.http);
    if (a.stats_sock)
        zmq_close(a.stats_sock);
    if (a.zctx)
        zmq_ctx_term(a.zctx);
    prom_registry_destroy(&a.reg);
    free(a.frame);
    free(a.json);
    pthread_mutex_destroy(&a.mu);
    node_destroy(&n);
    return rc;
}
