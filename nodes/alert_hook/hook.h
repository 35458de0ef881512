/* Alert webhooks: each alert state change (open, update, close) as one JSON document POSTed to
 * an HTTP(S) receiver (a paging service, a chat bridge, an incident system).
 *
 * A hook_sender owns one URL, one bounded queue and one worker thread with a libcurl handle.
 * hook_sender_post() never blocks: it queues, or drops the new document when the queue is full
 * (counted: what is beyond the queue is lost, what is in it is kept in order).  The worker
 * delivers the head of the queue; a refused connection, a time-out or a status other than 2xx
 * is retried after retry_initial_s, doubling up to retry_max_s, so a receiver that is down for
 * a while gets everything, in order, once it is back.  A document older than max_age_s (wall
 * clock in the queue) is given up and counted as expired.  Every document carries a
 * `delivery_id` (publisher, alert, sequence) for a receiver that must be idempotent: a
 * time-out after the receiver took the document can make it arrive twice. */
#ifndef CENTINELA_HOOK_H
#define CENTINELA_HOOK_H

#include "centinela/wire.h"

#include <stddef.h>
#include <stdint.h>

/* The JSON document of one alert state change: {"source":"centinela","delivery_id":…,
 * "event":"open|update|close","alert_id","rule","mmsi" (integer, list, or null for a radar-only
 * track),"track_id","time","start","end" (ISO 8601 UTC, event time),"lat","lon","score",
 * "severity","confidence","context","evidence" (the detector's JSON object)}.  Malloc'd. */
char *hook_alert_json(const wire_header *h, const wire_alert *a);

typedef struct hook_config {
    const char *url;        /* http:// or https:// */
    const char *header;     /* one extra request header "Name: value" (a token), "" none */
    size_t queue_max;       /* documents waiting, >= 1 */
    double retry_initial_s; /* > 0 */
    double retry_max_s;     /* >= retry_initial_s */
    double timeout_s;       /* whole request, > 0 */
    double max_age_s;       /* give a document up after this long queued; 0: never */
} hook_config;

typedef struct hook_sender hook_sender;

/* NULL (logged) on a bad setting.  curl_global_init() must have been called. */
hook_sender *hook_sender_create(const hook_config *cfg);
/* Stops the worker (a request under way ends within timeout_s); queued documents are counted
 * as abandoned. */
void hook_sender_destroy(hook_sender **s);

/* Queue one document (copied).  0, or -1 when dropped because the queue is full. */
int hook_sender_post(hook_sender *s, const char *json);
/* Wait up to drain_s for the queue to empty; returns the documents left. */
size_t hook_sender_flush(hook_sender *s, double drain_s);

typedef struct hook_stats {
    uint64_t queued, delivered, dropped, failed_attempts, expired, abandoned;
    uint64_t queue_depth;
} hook_stats;
void hook_sender_stats(hook_sender *s, hook_stats *out);

#endif
