/* sdr_source: publish IQ (or FM-discriminator audio) blocks from a recording onto `iq`.
 *
 * Event time comes from the sample index: sample k of the stream happened at
 * start_time + k / rate.  Pacing "fast" goes as fast as downstream takes it (lossless: the
 * runtime blocks on a full queue); "realtime" sleeps to keep to the recording's rate. */
#include "centinela/iqfile.h"
#include "centinela/log.h"
#include "centinela/node.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const opt_spec source_options[] = {
    {"input", 'r', OPT_STR, "", 0, -1, "recording to play (cu8, cs8, cs16, cf32, wav, sigmf, num; - = stdin)"},
    {"format", 'f', OPT_STR, "", 0, -1, "sample format; empty: from the file name"},
    {"rate_hz", 's', OPT_REAL, "0", 0, 2.4e6, "sample rate; 0: from the file (raw formats need it)"},
    {"center_hz", 0, OPT_REAL, "0", 0, 2e9, "centre frequency; 0: from the file or 162.000 MHz"},
    {"start_time", 0, OPT_STR, "", 0, -1,
     "event time of the first sample, ISO 8601 UTC (2024-05-01T12:00:00Z); empty: from the file or 1970"},
    {"pace", 0, OPT_STR, "fast", 0, -1, "fast (as fast as downstream takes it) or realtime"},
    {"block_samples", 0, OPT_INT, "16384", 256, 262144, "samples per iq message"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

struct source {
    node *n;
    iqfile_reader *r;
    const iqfile_info *info;
    int64_t start_ns;
    bool realtime;
    size_t block;
    float *samples;
    uint8_t *payload;
    uint64_t next_index;
    struct timespec t0;
    uint64_t *blocks, *samples_out;
};

static int produce(void *ctx)
{
    struct source *s = ctx;
    bool complex_iq = s->info->kind == IQFILE_KIND_COMPLEX;
    long got = complex_iq ? iqfile_read_cf32(s->r, (float complex *)s->samples, s->block)
                          : iqfile_read_real(s->r, s->samples, s->block);
    if (got < 0)
        return -1;
    if (got == 0)
        return 1;
    if (s->realtime) {
        /* Sleep until the wall clock catches up with the recording (pacing only). */
        double due = (double)s->next_index / s->info->sample_rate_hz;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double el = (now.tv_sec - s->t0.tv_sec) + (now.tv_nsec - s->t0.tv_nsec) * 1e-9;
        if (due > el) {
            double d = due - el;
            struct timespec ts = {(time_t)d, (long)((d - floor(d)) * 1e9)};
            nanosleep(&ts, NULL);
        }
    }
    wire_iq m = {
        .sample_rate_hz = (uint32_t)lround(s->info->sample_rate_hz),
        .kind = complex_iq ? WIRE_IQ_COMPLEX : WIRE_IQ_REAL,
        .center_hz = (uint64_t)llround(s->info->center_hz),
        .start_time_ns = s->start_ns,
        .first_sample = s->next_index,
        .total_samples = s->info->total_samples > 0 ? (uint64_t)s->info->total_samples : 0,
        .count = (uint32_t)got,
    };
    size_t cap = 64 + (size_t)got * 8;
    int len = wire_iq_encode(&m, s->samples, s->payload, cap);
    if (len < 0) {
        log_error("cannot encode iq block");
        return -1;
    }
    int64_t t_ns = s->start_ns + (int64_t)((double)s->next_index * 1e9 / s->info->sample_rate_hz);
    s->next_index += (uint64_t)got;
    if (node_publish(s->n, WIRE_IQ, t_ns, 0, s->payload, (size_t)len) == 0) {
        (*s->blocks)++;
        *s->samples_out += (uint64_t)got;
    }
    if (s->info->total_samples > 0)
        node_gauge(s->n, "progress", (double)s->next_index / (double)s->info->total_samples);
    return 0;
}

static void finish(void *ctx, bool eos)
{
    struct source *s = ctx;
    log_info("%s after %llu samples (%.1f s of signal)", eos ? "end of recording" : "stopped",
             (unsigned long long)s->next_index, (double)s->next_index / s->info->sample_rate_hz);
    if (s->info->truncated_bytes)
        log_warn("recording ends with %llu bytes of a partial sample (truncated file?)",
                 (unsigned long long)s->info->truncated_bytes);
}

int main(int argc, char **argv)
{
    int code;
    node *n = node_create("sdr_source", source_options,
                          "Publish a recording's samples on the iq topic.", argc, argv, &code);
    if (!n)
        return code;
    const config *c = node_config(n);
    struct source s = {.n = n};
    iqfile_options opt = {.sample_rate_hz = config_real(c, "rate_hz"),
                          .center_hz = config_real(c, "center_hz")};
    if (*config_str(c, "format") && iqfile_format_parse(config_str(c, "format"), &opt.format) != 0) {
        log_error("format '%s' is not one of cu8, cs8, cs16, cf32, wav, sigmf, num",
                  config_str(c, "format"));
        node_destroy(&n);
        return 2;
    }
    const char *pace = config_str(c, "pace");
    if (strcmp(pace, "fast") != 0 && strcmp(pace, "realtime") != 0) {
        log_error("pace '%s' is not fast or realtime", pace);
        node_destroy(&n);
        return 2;
    }
    s.realtime = strcmp(pace, "realtime") == 0;
    if (!*config_str(c, "input")) {
        log_error("no input: give --input FILE (or input = in the config file)");
        node_destroy(&n);
        return 2;
    }
    if (wire_parse_time(config_str(c, "start_time"), &s.start_ns) != 0) {
        log_error("start_time '%s' is not ISO 8601 UTC (e.g. 2024-05-01T12:00:00Z)",
                  config_str(c, "start_time"));
        node_destroy(&n);
        return 2;
    }
    s.r = iqfile_open(config_str(c, "input"), &opt);
    if (!s.r) {
        node_destroy(&n);
        return 1;
    }
    s.info = iqfile_get_info(s.r);
    s.block = (size_t)config_int(c, "block_samples");
    s.samples = x_malloc(s.block * 2 * sizeof(float));
    s.payload = x_malloc(64 + s.block * 8);
    s.blocks = node_counter(n, "blocks");
    s.samples_out = node_counter(n, "samples");
    node_info(n, "input", config_str(c, "input"));
    node_declare_output(n, WIRE_IQ);
    clock_gettime(CLOCK_MONOTONIC, &s.t0);
    log_info("%s: %s %s, %.0f S/s, centre %.6f MHz", config_str(c, "input"),
             iqfile_format_name(s.info->format),
             s.info->kind == IQFILE_KIND_COMPLEX ? "complex IQ" : "discriminator audio",
             s.info->sample_rate_hz, s.info->center_hz / 1e6);
    node_handlers h = {.produce = produce, .on_finish = finish};
    code = node_run(n, &h, &s);
    iqfile_close(&s.r);
    free(s.samples);
    free(s.payload);
    node_destroy(&n);
    return code;
}
