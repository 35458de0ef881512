/* alert_hook: POST every alert state change (open, update, close) as JSON to webhook URLs, and
 * optionally to syslog.
 *
 *   alert_hook --sub '>ipc://${run_dir}/anomaly_detector' \
 *              --urls 'https://hooks.example/centinela,http://127.0.0.1:9000/alerts' --syslog true
 *
 * Each URL has its own bounded queue and worker thread (hook.h): a slow or absent receiver
 * never holds up the node, and what did not fit in the queue is counted. */
#include "hook.h"

#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/node.h"
#include "centinela/wire.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define MAX_URLS 8

static const opt_spec hook_options[] = {
    {"urls", 0, OPT_STR, "", 0, -1, "receivers (http:// or https://), comma-separated"},
    {"header", 0, OPT_STR, "", 0, -1,
     "one extra request header 'Name: value' (e.g. an Authorization token); empty: none"},
    {"queue_max", 0, OPT_INT, "1000", 1, 10000000,
     "documents waiting per receiver; beyond it new ones are dropped (counted)"},
    {"retry_initial_s", 0, OPT_REAL, "1", 0.01, 3600, "first retry delay, doubled per failure"},
    /* 10 s: a receiver that comes back waits at most this long for the queue to move, and a
     * receiver that is down gets one request per 10 s (a 60 s cap left a 30 s outage
     * undelivered for up to half a minute after the receiver was back). */
    {"retry_max_s", 0, OPT_REAL, "10", 0.01, 86400,
     "longest retry delay (also the longest wait after a receiver comes back)"},
    {"timeout_s", 0, OPT_REAL, "10", 0.1, 600, "time-out of one request (connect included)"},
    {"max_age_s", 0, OPT_REAL, "0", 0, 31536000,
     "give a document up after this long in the queue (counted as expired); 0: never"},
    {"drain_s", 0, OPT_REAL, "30", 0, 3600,
     "at the end of stream, wait this long (wall clock) for the queues to empty"},
    {"syslog", 0, OPT_BOOL, "false", 0, -1, "also log every alert state change to syslog"},
    {"syslog_ident", 0, OPT_STR, "centinela", 0, -1, "syslog identity"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

typedef struct app {
    node *n;
    hook_sender *s[MAX_URLS];
    int n_urls;
    bool syslog;
    double drain_s;
    uint64_t *c_alerts, *c_syslog;
    uint64_t *c_queued, *c_delivered, *c_dropped, *c_failed, *c_expired, *c_abandoned;
} app;

static void update_stats(app *a)
{
    hook_stats sum = {0};
    for (int i = 0; i < a->n_urls; i++) {
        hook_stats s;
        hook_sender_stats(a->s[i], &s);
        sum.queued += s.queued;
        sum.delivered += s.delivered;
        sum.dropped += s.dropped;
        sum.failed_attempts += s.failed_attempts;
        sum.expired += s.expired;
        sum.abandoned += s.abandoned;
        sum.queue_depth += s.queue_depth;
    }
    *a->c_queued = sum.queued;
    *a->c_delivered = sum.delivered;
    *a->c_dropped = sum.dropped;
    *a->c_failed = sum.failed_attempts;
    *a->c_expired = sum.expired;
    *a->c_abandoned = sum.abandoned;
    node_gauge(a->n, "queue_depth", (double)sum.queue_depth);
}

static int on_message(void *ctx, const wire_header *h, const uint8_t *p, size_t len)
{
    app *a = ctx;
    static wire_alert al; /* 1 kB of evidence: not on the stack per message */
    if (h->type != WIRE_ALERT || wire_alert_decode(p, len, &al) != WIRE_OK)
        return -1;
    (*a->c_alerts)++;
    char *json = hook_alert_json(h, &al);
    for (int i = 0; i < a->n_urls; i++)
        hook_sender_post(a->s[i], json); /* a full queue is counted by the sender */
    if (a->syslog) {
        syslog(LOG_WARNING, "alert %s", json);
        (*a->c_syslog)++;
    }
    free(json);
    return 0;
}

static void on_tick(void *ctx)
{
    update_stats(ctx);
}

static void on_finish(void *ctx, bool end_of_stream)
{
    app *a = ctx;
    /* A replay ends with alerts still on their way: give the receivers drain_s (a signal means
     * the operator wants out: a short grace only). */
    double drain_s = end_of_stream ? a->drain_s : (a->drain_s < 2 ? a->drain_s : 2);
    for (int i = 0; i < a->n_urls; i++)
        hook_sender_flush(a->s[i], drain_s);
    update_stats(a);
    log_info("%s: alerts %llu, queued %llu, delivered %llu, dropped %llu (queue full), "
             "failed attempts %llu, expired %llu, abandoned %llu",
             end_of_stream ? "end of stream" : "stopping", (unsigned long long)*a->c_alerts,
             (unsigned long long)*a->c_queued, (unsigned long long)*a->c_delivered,
             (unsigned long long)*a->c_dropped, (unsigned long long)*a->c_failed,
             (unsigned long long)*a->c_expired, (unsigned long long)*a->c_abandoned);
}

int main(int argc, char **argv)
{
    int rc;
    node *n =
        node_create("alert_hook", hook_options,
                    "POST every alert open/update/close as JSON to webhook URLs.", argc, argv, &rc);
    if (!n)
        return rc;
    const config *c = node_config(n);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        log_error("curl_global_init failed");
        node_destroy(&n);
        return 1;
    }
    app a = {.n = n, .syslog = config_bool(c, "syslog"), .drain_s = config_real(c, "drain_s")};
    hook_config hc = {
        .header = config_str(c, "header"),
        .queue_max = (size_t)config_int(c, "queue_max"),
        .retry_initial_s = config_real(c, "retry_initial_s"),
        .retry_max_s = config_real(c, "retry_max_s"),
        .timeout_s = config_real(c, "timeout_s"),
        .max_age_s = config_real(c, "max_age_s"),
    };
    char *urls = x_strdup(config_str(c, "urls")), *save = NULL;
    rc = 0;
    for (char *u = strtok_r(urls, ", ", &save); u && rc == 0; u = strtok_r(NULL, ", ", &save)) {
        if (a.n_urls == MAX_URLS) {
            log_error("urls: at most %d receivers", MAX_URLS);
            rc = 2;
            break;
        }
        hc.url = u;
        if (!(a.s[a.n_urls] = hook_sender_create(&hc)))
            rc = 2;
        else
            a.n_urls++;
    }
    free(urls);
    if (rc == 0 && a.n_urls == 0 && !a.syslog) {
        log_error("nowhere to send alerts: set urls and/or syslog = true");
        rc = 2;
    }
    if (rc != 0) {
        for (int i = 0; i < a.n_urls; i++)
            hook_sender_destroy(&a.s[i]);
        curl_global_cleanup();
        node_destroy(&n);
        return rc;
    }
    if (a.syslog)
        openlog(config_str(c, "syslog_ident"), LOG_PID | LOG_NDELAY, LOG_DAEMON);
    node_declare_input(n, WIRE_ALERT);
    a.c_alerts = node_counter(n, "alerts");
    a.c_queued = node_counter(n, "hooks_queued");
    a.c_delivered = node_counter(n, "hooks_delivered");
    a.c_dropped = node_counter(n, "hooks_dropped");
    a.c_failed = node_counter(n, "hooks_failed_attempts");
    a.c_expired = node_counter(n, "hooks_expired");
    a.c_abandoned = node_counter(n, "hooks_abandoned");
    a.c_syslog = node_counter(n, "syslog_lines");
    node_handlers h = {.on_message = on_message, .on_tick = on_tick, .on_finish = on_finish};
    rc = node_run(n, &h, &a);
    for (int i = 0; i < a.n_urls; i++)
        hook_sender_destroy(&a.s[i]);
    if (a.syslog)
        closelog();
    curl_global_cleanup();
    node_destroy(&n);
    return rc;
}
