/* A test subscriber for sdr_source: reads iq and stats from an endpoint and prints one JSON
 * summary of what arrived.
 *
 *   iq_sink ENDPOINT TIMEOUT_S [READY_FILE]
 *
 * Connects to ENDPOINT (">ipc://..." connects, "@..." binds), touches READY_FILE once
 * subscribed, and ends after end of stream plus the next stats message (or after TIMEOUT_S).
 * The summary: messages, samples, first_index, end_index, gaps (jumps forward in first_sample),
 * gap_samples, backwards, start_time_ns, start_time_changes, rate, center_hz, bad_event_time
 * (headers whose time is not start + index / rate), eos, seq_missing and the last stats object.
 * Environment: IQ_SINK_DELAY_MS sleeps that long after each iq message (a slow consumer),
 * IQ_SINK_HWM sets the receive high-water mark (default 1000000).
 * Exit 0 when the summary was printed (the test judges it), 1 on a setup error. */
#include "centinela/wire.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: iq_sink ENDPOINT TIMEOUT_S [READY_FILE]\n");
        return 1;
    }
    void *ctx = zmq_ctx_new();
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    int hwm = getenv("IQ_SINK_HWM") ? atoi(getenv("IQ_SINK_HWM")) : 1000000;
    int delay_ms = getenv("IQ_SINK_DELAY_MS") ? atoi(getenv("IQ_SINK_DELAY_MS")) : 0;
    zmq_setsockopt(sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    const char *ep = argv[1];
    int rc = *ep == '@' ? zmq_bind(sub, ep + 1) : zmq_connect(sub, *ep == '>' ? ep + 1 : ep);
    if (rc != 0 || zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "iq", 2) != 0 ||
        zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "stats", 5) != 0) {
        fprintf(stderr, "iq_sink: %s: %s\n", ep, zmq_strerror(errno));
        return 1;
    }
    if (argc > 3) {
        FILE *f = fopen(argv[3], "w");
        if (f)
            fclose(f);
    }
    double deadline = mono_s() + atof(argv[2]);
    static uint8_t buf[WIRE_MAX_FRAME];
    long long messages = 0, gaps = 0, backwards = 0, start_changes = 0, bad_time = 0;
    unsigned long long samples = 0, gap_samples = 0, first_index = 0, end_index = 0,
                       seq_missing = 0, last_seq = 0;
    long long start_ns = 0;
    unsigned rate = 0;
    unsigned long long center = 0;
    int eos = 0, stats_after_eos = 0;
    json_t *stats = NULL;
    while (mono_s() < deadline && !stats_after_eos) {
        zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 100) <= 0)
            continue;
        char topic[32];
        int tk = zmq_recv(sub, topic, sizeof topic, 0);
        int more = 0;
        size_t ms = sizeof more;
        zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &ms);
        if (tk < 0 || !more)
            continue;
        int n = zmq_recv(sub, buf, sizeof buf, 0);
        wire_header h;
        if (n < 0 || wire_header_decode(buf, (size_t)n, &h) != WIRE_OK)
            continue;
        if (h.type == WIRE_STATS) {
            json_t *o = json_loadb((const char *)buf + WIRE_HEADER_LEN, h.payload_len, 0, NULL);
            if (o) {
                json_decref(stats);
                stats = o;
            }
            if (eos)
                stats_after_eos = 1;
            continue;
        }
        if (h.type != WIRE_IQ)
            continue;
        if (h.flags & WIRE_FLAG_EOS) {
            eos = 1;
            continue;
        }
        if (last_seq && h.seq != last_seq + 1)
            seq_missing += h.seq - last_seq - 1;
        last_seq = h.seq;
        wire_iq m;
        if (wire_iq_decode(buf + WIRE_HEADER_LEN, h.payload_len, &m) != WIRE_OK)
            continue;
        if (messages == 0) {
            first_index = m.first_sample;
            start_ns = m.start_time_ns;
            rate = m.sample_rate_hz;
            center = m.center_hz;
        } else {
            if (m.start_time_ns != start_ns)
                start_changes++;
            if (m.first_sample > end_index) {
                gaps++;
                gap_samples += m.first_sample - end_index;
            } else if (m.first_sample < end_index) {
                backwards++;
            }
        }
        long long want =
            m.start_time_ns + (long long)((double)m.first_sample * 1e9 / m.sample_rate_hz);
        if (llabs(h.event_time_ns - want) > 1)
            bad_time++;
        end_index = m.first_sample + m.count;
        samples += m.count;
        messages++;
        if (delay_ms > 0) {
            struct timespec ts = {delay_ms / 1000, (long)(delay_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:b,s:I}", "messages",
                          (json_int_t)messages, "samples", (json_int_t)samples, "first_index",
                          (json_int_t)first_index, "end_index", (json_int_t)end_index, "gaps",
                          (json_int_t)gaps, "gap_samples", (json_int_t)gap_samples, "backwards",
                          (json_int_t)backwards, "start_time_ns", (json_int_t)start_ns,
                          "start_time_changes", (json_int_t)start_changes, "rate", (json_int_t)rate,
                          "center_hz", (json_int_t)center, "bad_event_time", (json_int_t)bad_time,
                          "eos", eos, "seq_missing", (json_int_t)seq_missing);
    json_object_set_new(o, "stats", stats ? stats : json_null());
    char *text = json_dumps(o, JSON_COMPACT);
    puts(text);
    free(text);
    json_decref(o);
    zmq_close(sub);
    zmq_ctx_term(ctx);
    return 0;
}
