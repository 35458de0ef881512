/* Alert webhooks (see hook.h).  The worker thread is the only one that talks HTTP, so the
 * node's loop never waits for a receiver. */
#include "hook.h"

#include "centinela/log.h"

#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_t *time_json(int64_t t_ns)
{
    char buf[40];
    wire_format_time(t_ns, buf, sizeof buf);
    return json_string(buf);
}

static json_t *num_json(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

char *hook_alert_json(const wire_header *h, const wire_alert *a)
{
    static const char *states[] = {"open", "update", "close"};
    json_t *o = json_object();
    char id[96];
    snprintf(id, sizeof id, "%u-%llu-%llu", h->source_id, (unsigned long long)a->alert_id,
             (unsigned long long)h->seq);
    json_object_set_new(o, "source", json_string("centinela"));
    json_object_set_new(o, "delivery_id", json_string(id));
    json_object_set_new(o, "event",
                        json_string(a->state <= ALERT_CLOSE ? states[a->state] : "unknown"));
    json_object_set_new(o, "alert_id", json_integer((json_int_t)a->alert_id));
    char rule[sizeof a->rule];
    snprintf(rule, sizeof rule, "%s", a->rule);
    json_t *r = json_string(rule); /* NULL when not valid UTF-8 */
    json_object_set_new(o, "rule", r ? r : json_null());
    json_t *mmsi;
    if (a->n_mmsi == 0) {
        mmsi = json_null();
    } else if (a->n_mmsi == 1) {
        mmsi = json_integer(a->mmsi[0]);
    } else {
        mmsi = json_array();
        for (int k = 0; k < a->n_mmsi && k < WIRE_ALERT_MAX_MMSI; k++)
            json_array_append_new(mmsi, json_integer(a->mmsi[k]));
    }
    json_object_set_new(o, "mmsi", mmsi);
    json_object_set_new(o, "track_id", json_integer(a->track_id));
    json_object_set_new(o, "time", time_json(h->event_time_ns));
    json_object_set_new(o, "start", time_json(a->start_ns));
    json_object_set_new(o, "end", time_json(a->end_ns));
    json_object_set_new(o, "lat", num_json(a->lat_deg));
    json_object_set_new(o, "lon", num_json(a->lon_deg));
    json_object_set_new(o, "score", num_json(a->score));
    json_object_set_new(o, "severity", num_json(a->severity));
    json_object_set_new(o, "confidence", num_json(a->confidence));
    json_object_set_new(o, "context", num_json(a->context));
    json_t *ev = a->evidence[0] ? json_loads(a->evidence, 0, NULL) : NULL;
    json_object_set_new(o, "evidence", ev ? ev : json_object());
    char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    if (!text) {
        log_error("alert json: out of memory");
        abort();
    }
    return text;
}

/* ---- sender --------------------------------------------------------------------------- */

struct doc {
    char *json;
    double queued_s; /* monotonic */
};

struct hook_sender {
    hook_config cfg;
    char *url, *header;
    CURL *curl;
    struct curl_slist *headers;
    pthread_t worker;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct doc *q;
    size_t head, count;
    bool stop, busy;
    hook_stats st;
};

static double mono_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static void wait_locked(hook_sender *s, double seconds)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double t = (double)ts.tv_sec + ts.tv_nsec * 1e-9 + seconds;
    ts.tv_sec = (time_t)t;
    ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
    pthread_cond_timedwait(&s->cv, &s->mu, &ts);
}

static size_t discard_body(char *p, size_t size, size_t n, void *user)
{
    (void)p;
    (void)user;
    return size * n;
}

/* One POST; 0 when the receiver answered 2xx. */
static int post(hook_sender *s, const char *json)
{
    curl_easy_setopt(s->curl, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(s->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(json));
    CURLcode rc = curl_easy_perform(s->curl);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
    if (rc == CURLE_OK && status >= 200 && status < 300)
        return 0;
    log_debug("%s: %s (HTTP %ld)", s->url, curl_easy_strerror(rc), status);
    return -1;
}

static void pop_locked(hook_sender *s)
{
    free(s->q[s->head].json);
    s->head = (s->head + 1) % s->cfg.queue_max;
    s->count--;
    pthread_cond_broadcast(&s->cv);
}

static void *worker_main(void *arg)
{
    hook_sender *s = arg;
    double backoff_s = s->cfg.retry_initial_s, next_try_s = 0;
    bool failing = false;
    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        if (s->count == 0) {
            wait_locked(s, 0.5);
            continue;
        }
        double now = mono_s();
        if (now < next_try_s) {
            wait_locked(s, next_try_s - now);
            continue;
        }
        struct doc *d = &s->q[s->head];
        if (s->cfg.max_age_s > 0 && now - d->queued_s > s->cfg.max_age_s) {
            pop_locked(s);
            s->st.expired++;
            continue;
        }
        /* Only this thread removes the head, so it stays valid while the lock is released. */
        const char *json = d->json;
        s->busy = true;
        pthread_mutex_unlock(&s->mu);
        int rc = post(s, json);
        pthread_mutex_lock(&s->mu);
        s->busy = false;
        if (rc == 0) {
            pop_locked(s);
            s->st.delivered++;
            if (failing)
                log_info("%s: receiving again", s->url);
            failing = false;
            backoff_s = s->cfg.retry_initial_s;
            next_try_s = 0;
        } else {
            s->st.failed_attempts++;
            if (!failing)
                log_warn("%s: delivery failed; retrying (%zu queued)", s->url, s->count);
            failing = true;
            next_try_s = mono_s() + backoff_s;
            backoff_s = fmin(backoff_s * 2, s->cfg.retry_max_s);
        }
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

hook_sender *hook_sender_create(const hook_config *cfg)
{
    if (!cfg->url ||
        (strncmp(cfg->url, "http://", 7) != 0 && strncmp(cfg->url, "https://", 8) != 0)) {
        log_error("url '%s': only http:// and https:// receivers", cfg->url ? cfg->url : "");
        return NULL;
    }
    if (cfg->queue_max < 1 || !(cfg->retry_initial_s > 0) ||
        cfg->retry_max_s < cfg->retry_initial_s || !(cfg->timeout_s > 0) ||
        !(cfg->max_age_s >= 0)) {
        log_error("hook: queue_max >= 1, 0 < retry_initial_s <= retry_max_s, timeout_s > 0 and "
                  "max_age_s >= 0 are required");
        return NULL;
    }
    if (cfg->header && *cfg->header && !strchr(cfg->header, ':')) {
        log_error("header '%s' is not 'Name: value'", cfg->header);
        return NULL;
    }
    hook_sender *s = x_calloc(1, sizeof *s);
    s->cfg = *cfg;
    s->url = x_strdup(cfg->url);
    s->q = x_calloc(cfg->queue_max, sizeof *s->q);
    s->curl = curl_easy_init();
    if (!s->curl) {
        log_error("curl_easy_init failed");
        free(s->q);
        free(s->url);
        free(s);
        return NULL;
    }
    s->headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (cfg->header && *cfg->header)
        s->headers = curl_slist_append(s->headers, cfg->header);
    CURLcode bad = CURLE_OK;
    bad |= curl_easy_setopt(s->curl, CURLOPT_URL, s->url);
    bad |= curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, s->headers);
    bad |= curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    bad |= curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM time-outs */
    bad |= curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, (long)(cfg->timeout_s * 1000));
    bad |= curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)(cfg->timeout_s * 1000));
    bad |= curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, discard_body);
    bad |= curl_easy_setopt(s->curl, CURLOPT_USERAGENT, "centinela-alert-hook");
    if (bad != CURLE_OK || !s->headers) {
        log_error("%s: libcurl refused an option", s->url);
        s->stop = true;
        hook_sender_destroy(&s);
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (pthread_create(&s->worker, NULL, worker_main, s) != 0) {
        log_error("hook: cannot start the worker thread");
        abort();
    }
    return s;
}

void hook_sender_destroy(hook_sender **ps)
{
    if (!ps || !*ps)
        return;
    hook_sender *s = *ps;
    if (s->q && s->curl && !s->stop) {
        pthread_mutex_lock(&s->mu);
        s->stop = true;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->worker, NULL);
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv);
    }
    while (s->count) {
        free(s->q[s->head].json);
        s->head = (s->head + 1) % s->cfg.queue_max;
        s->count--;
    }
    free(s->q);
    curl_slist_free_all(s->headers);
    if (s->curl)
        curl_easy_cleanup(s->curl);
    free(s->url);
    free(s);
    *ps = NULL;
}

int hook_sender_post(hook_sender *s, const char *json)
{
    pthread_mutex_lock(&s->mu);
    int rc = 0;
    if (s->count == s->cfg.queue_max) {
        s->st.dropped++;
        rc = -1;
    } else {
        s->q[(s->head + s->count) % s->cfg.queue_max] = (struct doc){x_strdup(json), mono_s()};
        s->count++;
        s->st.queued++;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

size_t hook_sender_flush(hook_sender *s, double drain_s)
{
    pthread_mutex_lock(&s->mu);
    double until = mono_s() + drain_s;
    while (s->count > 0 && mono_s() < until)
        wait_locked(s, fmin(0.05, until - mono_s() > 0 ? until - mono_s() : 0.001));
    size_t left = s->count;
    s->st.abandoned = left;
    pthread_mutex_unlock(&s->mu);
    return left;
}

void hook_sender_stats(hook_sender *s, hook_stats *out)
{
    pthread_mutex_lock(&s->mu);
    *out = s->st;
    out->queue_depth = s->count;
    pthread_mutex_unlock(&s->mu);
}
