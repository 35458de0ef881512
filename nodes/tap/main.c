/* tap: print every message of any endpoint as JSON Lines (one object per line on stdout).
 *
 *   tap --sub '>ipc:///tmp/centinela/ais_demod' --topics ais,stats
 *
 * The way shell scripts and Python read the pipeline: `tap ... | jq`, or pandas.read_json(lines=True).
 * Refused frames are counted and reported on stderr at exit; the tap never stops on garbage. */
#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/node.h"
#include "centinela/wire.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static const opt_spec tap_options[] = {
    {"sub", 0, OPT_STR, ">ipc://${run_dir}/ais_demod", 0, -1,
     "endpoints to read, comma-separated (>connect, @bind)"},
    {"topics", 0, OPT_STR, "", 0, -1, "topics, comma-separated; empty: all"},
    {"count", 'n', OPT_INT, "0", 0, 1e12, "stop after this many messages; 0: never"},
    {"timeout_s", 0, OPT_REAL, "0", 0, 1e6, "stop after this many seconds without a message; 0: never"},
    {"until_eos", 0, OPT_INT, "0", 0, 1000, "stop after end of stream from this many publishers"},
    {"log_level", 0, OPT_STR, "warn", 0, -1, "error, warn, info or debug"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

static volatile sig_atomic_t g_stop;
static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

int main(int argc, char **argv)
{
    int rc;
    config *cfg = command_config("tap", tap_options,
                                 "Print messages of Centinela endpoints as JSON Lines.", argc, argv,
                                 &rc);
    if (!cfg)
        return rc;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    void *ctx = zmq_ctx_new();
    void *sub = ctx ? zmq_socket(ctx, ZMQ_SUB) : NULL;
    if (!sub || node_attach(sub, config_str(cfg, "sub"), false) <= 0) {
        log_error("no endpoint to read");
        return 2;
    }
    char *topics = x_strdup(config_str(cfg, "topics"));
    int nsub = 0;
    char *save = NULL;
    for (char *t = strtok_r(topics, ", ", &save); t; t = strtok_r(NULL, ", ", &save), nsub++) {
        if (zmq_setsockopt(sub, ZMQ_SUBSCRIBE, t, strlen(t)) != 0) {
            log_error("subscribe %s: %s", t, zmq_strerror(errno));
            return 1;
        }
    }
    if (nsub == 0 && zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0) != 0) {
        log_error("subscribe: %s", zmq_strerror(errno));
        return 1;
    }
    free(topics);

    long long limit = config_int(cfg, "count"), printed = 0, refused = 0;
    int until_eos = (int)config_int(cfg, "until_eos"), eos_seen = 0;
    uint32_t eos_sources[64];
    double timeout_s = config_real(cfg, "timeout_s");
    uint8_t *frame = x_malloc(WIRE_MAX_FRAME);
    struct timespec last;
    clock_gettime(CLOCK_MONOTONIC, &last);
    while (!g_stop && (limit == 0 || printed < limit)) {
        zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 100) <= 0) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (timeout_s > 0 &&
                (now.tv_sec - last.tv_sec) + (now.tv_nsec - last.tv_nsec) * 1e-9 > timeout_s)
                break;
            continue;
        }
        clock_gettime(CLOCK_MONOTONIC, &last);
        char topic[64];
        int more = 0;
        size_t sz = sizeof more;
        if (zmq_recv(sub, topic, sizeof topic, 0) < 0)
            continue;
        zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &sz);
        if (!more) {
            refused++;
            continue;
        }
        int k = zmq_recv(sub, frame, WIRE_MAX_FRAME, 0);
        zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &sz);
        while (more) { /* drain extra frames */
            zmq_recv(sub, frame, WIRE_MAX_FRAME, 0);
            zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &sz);
            k = -1;
        }
        if (k < 0 || k > (int)WIRE_MAX_FRAME) {
            refused++;
            continue;
        }
        enum wire_status st;
        char *json = wire_frame_to_json(frame, (size_t)k, &st);
        if (!json) {
            refused++;
            log_warn("refused frame: %s", wire_status_name(st));
            continue;
        }
        puts(json);
        fflush(stdout);
        free(json);
        printed++;
        wire_header h;
        if (until_eos && wire_header_decode(frame, (size_t)k, &h) == WIRE_OK &&
            (h.flags & WIRE_FLAG_EOS)) {
            int seen = 0;
            for (int i = 0; i < eos_seen; i++)
                seen |= eos_sources[i] == h.source_id;
            if (!seen && eos_seen < 64)
                eos_sources[eos_seen++] = h.source_id;
            if (eos_seen >= until_eos)
                break;
        }
    }
    if (refused)
        fprintf(stderr, "tap: %lld frames refused\n", refused);
    free(frame);
    zmq_close(sub);
    zmq_ctx_term(ctx);
    config_destroy(&cfg);
    return 0;
}
