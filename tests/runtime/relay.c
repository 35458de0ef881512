/* relay: a test node that republishes every message it receives, unchanged, under its own
 * header.  Used to test the runtime and the launcher (EOS, restarts, garbage) without DSP. */
#include "centinela/log.h"
#include "centinela/node.h"

#include <stdlib.h>
#include <string.h>

static const opt_spec relay_options[] = {
    {"types", 0, OPT_STR, "iq", 0, -1, "topics relayed (and declared as outputs), comma-separated"},
    {"crash_after", 0, OPT_INT, "0", 0, 1e9, "abort() after this many messages (0: never)"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

struct relay {
    node *n;
    uint64_t *relayed;
    long crash_after;
};

/* Relay only what the wire contract accepts, as every real node does. */
static bool payload_valid(int type, const uint8_t *p, size_t n)
{
    static wire_ais ais;
    static wire_alert alert;
    wire_track track;
    wire_radar radar;
    wire_iq iq;
    static char stats[WIRE_STATS_MAX + 1];
    switch (type) {
    case WIRE_IQ:
        return wire_iq_decode(p, n, &iq) == WIRE_OK;
    case WIRE_AIS:
        return wire_ais_decode(p, n, &ais) == WIRE_OK;
    case WIRE_TRACK:
        return wire_track_decode(p, n, &track) == WIRE_OK;
    case WIRE_ALERT:
        return wire_alert_decode(p, n, &alert) == WIRE_OK;
    case WIRE_RADAR:
        return wire_radar_decode(p, n, &radar) == WIRE_OK;
    case WIRE_STATS:
        return wire_stats_decode(p, n, stats, sizeof stats) == WIRE_OK;
    }
    return false;
}

static int on_message(void *ctx, const wire_header *h, const uint8_t *payload, size_t len)
{
    struct relay *r = ctx;
    if (!payload_valid(h->type, payload, len))
        return -1;
    if (node_publish(r->n, (enum wire_type)h->type, h->event_time_ns, 0, payload, len) == 0)
        (*r->relayed)++;
    if (r->crash_after && (long)*r->relayed >= r->crash_after)
        abort();
    return 0;
}

int main(int argc, char **argv)
{
    int code;
    node *n = node_create("relay", relay_options, "Republish messages (test node).", argc, argv,
                          &code);
    if (!n)
        return code;
    struct relay r = {n, node_counter(n, "messages"), (long)config_int(node_config(n), "crash_after")};
    char *types = x_strdup(config_str(node_config(n), "types"));
    char *save = NULL;
    for (char *t = strtok_r(types, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        int type = wire_type_from_topic(t, strlen(t));
        if (!type) {
            log_error("types: unknown topic '%s'", t);
            return 2;
        }
        node_declare_input(n, type);
        node_declare_output(n, type);
    }
    free(types);
    node_handlers h = {.on_message = on_message};
    code = node_run(n, &h, &r);
    node_destroy(&n);
    return code;
}
