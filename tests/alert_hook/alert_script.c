/* alert_hook_script: a scripted alert publisher for the alert_hook test.  Publishes `alerts`
 * alerts, each as open, update and close (3 messages each, in that order, interleaved with the
 * next alert's open), one message every interval_s of wall clock, then ends its stream. */
#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/node.h"
#include "centinela/wire.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const opt_spec script_options[] = {
    {"alerts", 0, OPT_INT, "10", 1, 100000, "alerts to publish (3 messages each)"},
    {"interval_s", 0, OPT_REAL, "0.1", 0, 60, "wall-clock seconds between messages"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

struct script {
    node *n;
    long alerts, next;
    double interval_s, due_s;
};

static double mono_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static int produce(void *ctx)
{
    struct script *s = ctx;
    if (s->next >= 3 * s->alerts)
        return 1;
    if (mono_s() < s->due_s) {
        usleep(5000);
        return 0;
    }
    s->due_s = mono_s() + s->interval_s;
    /* message k: alert k/3, state k%3 */
    long k = s->next++;
    wire_alert a;
    memset(&a, 0, sizeof a);
    a.alert_id = (uint64_t)(k / 3 + 1);
    a.state = (uint8_t)(k % 3);
    snprintf(a.rule, sizeof a.rule, "%s", k / 3 % 2 ? "ais_gap" : "loitering");
    a.n_mmsi = 1;
    a.mmsi[0] = 352000000u + (uint32_t)(k / 3);
    a.track_id = (uint32_t)(k / 3 + 1);
    int64_t t0 = 1772373600000000000LL;
    a.start_ns = t0 + (k / 3) * 60000000000LL;
    a.end_ns = a.start_ns + (k % 3) * 1000000000LL;
    a.lat_deg = 8.5;
    a.lon_deg = -79.5;
    a.score = 50;
    a.severity = 50;
    a.confidence = 1;
    a.context = 1;
    snprintf(a.evidence, sizeof a.evidence, "{\"n\":%ld}", k);
    uint8_t buf[4096];
    int len = wire_alert_encode(&a, buf, sizeof buf);
    if (len < 0 || node_publish(s->n, WIRE_ALERT, a.end_ns, 0, buf, (size_t)len) != 0)
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    int rc;
    node *n = node_create("alert_hook_script", script_options, "Scripted alerts.", argc, argv, &rc);
    if (!n)
        return rc;
    struct script s = {n, config_int(node_config(n), "alerts"), 0,
                       config_real(node_config(n), "interval_s"), 0};
    node_declare_output(n, WIRE_ALERT);
    node_handlers h = {.produce = produce};
    rc = node_run(n, &h, &s);
    node_destroy(&n);
    return rc;
}
