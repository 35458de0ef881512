/* sdr_source: publish IQ (or FM-discriminator audio) blocks on `iq` from a recording, an RTL-SDR
 * dongle or an rtl_tcp server.  The backends live one per file behind source.h; this file wires
 * configuration, the node runtime, recording and statistics.
 *
 * Event time comes from the sample index: sample k of the stream happened at
 * start_time + k / rate, start_time being the configured/recorded time for files and the wall
 * clock at the first sample for live receivers (see source.h).
 *
 * Delivery: recordings are replayed losslessly (the runtime blocks on a full queue).  Live
 * sources default to lossless = false: the runtime never blocks and counts what it drops.  Even
 * with lossless = true a live source never stalls its device: a blocked publisher only fills
 * the ring, which then drops and counts overruns.
 *
 * Habits of other tools.  Short options are those that mean the same in AIS-catcher and rtl_sdr
 * (-d device, -r file, -s rate, -g gain, -p ppm); AIS-catcher's -w (read a WAV), -f (NMEA to a
 * file), -n (NMEA on screen), -m (model) and -c (channels) are refused with the equivalent here:
 * `-w FILE` must never overwrite the recording the user meant to read.  Rates take k/M suffixes
 * ("-s 288K", "1.536M") up to 10 MS/s (Airspy, HackRF); recordings at those rates are played as
 * they are and the demodulator decimates them first thing. */
#include "recorder.h"
#include "source.h"

#include "centinela/log.h"
#include "centinela/node.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const opt_spec source_options[] = {
    {"device", 'd', OPT_STR, "", 0, -1,
     "where samples come from: empty or file (play `input`), rtlsdr[:INDEX|:serial=SN], "
     "rtltcp:HOST[:PORT]"},
    {"input", 'r', OPT_STR, "", 0, -1,
     "recording to play (cu8, cs8, cs16, cf32, wav, sigmf, num; - = stdin)"},
    {"format", 0, OPT_STR, "", 0, -1, "sample format; empty: from the file name"},
    {"rate_hz", 's', OPT_REAL, "0", 0, 10e6,
     "sample rate, S/s (288K, 1.536M accepted); 0: from the file (raw formats need it), 288000 "
     "for a live receiver"},
    {"center_hz", 0, OPT_REAL, "0", 0, 2e9, "centre frequency; 0: from the file or 162.000 MHz"},
    {"start_time", 0, OPT_STR, "", 0, -1,
     "event time of the first sample, ISO 8601 UTC (2024-05-01T12:00:00Z); empty: from the file or "
     "1970"},
    {"pace", 0, OPT_STR, "fast", 0, -1, "fast (as fast as downstream takes it) or realtime"},
    {"block_samples", 0, OPT_INT, "16384", 256, 262144,
     "samples per iq message (live: per USB/network buffer, rounded up to a multiple of 256)"},
    {"truncated", 0, OPT_STR, "refuse", 0, -1,
     "a recording that is not a whole number of samples: refuse (exit 2) or play its whole "
     "samples"},
    {"max_samples", 0, OPT_INT, "0", 0, 9e15,
     "end the stream after this many samples of stream time (as rtl_sdr -n); 0: never"},
    {"gain", 'g', OPT_STR, "auto", 0, -1,
     "live: tuner gain in dB (nearest step), or auto (tuner AGC)"},
    {"rtl_agc", 0, OPT_BOOL, "false", 0, -1, "live: RTL2832 digital AGC"},
    {"ppm", 'p', OPT_INT, "0", -1000, 1000, "live: frequency correction, parts per million"},
    {"bias_tee", 0, OPT_BOOL, "false", 0, -1, "live: power an antenna LNA through the coax"},
    {"ring_s", 0, OPT_REAL, "2", 0, 60,
     "live: seconds of signal buffered between device and publisher (at least 2 buffers); "
     "when full, buffers are dropped and counted as overruns"},
    {"wait_for_device", 0, OPT_BOOL, "false", 0, -1,
     "live: when the device is absent at start, keep retrying (default: error, exit 1)"},
    {"retry_initial_s", 0, OPT_REAL, "1", 0.01, 600,
     "live: delay before reopening a lost device, doubled after each failure"},
    {"retry_max_s", 0, OPT_REAL, "30", 0.01, 3600, "live: longest reopen delay"},
    {"stall_timeout_s", 0, OPT_REAL, "5", 0, 3600,
     "live: no samples for this long counts as a drop-out (device reopened); 0: never"},
    {"record", 0, OPT_STR, "", 0, -1,
     "also record the samples to SigMF at this base name (strftime escapes: UTC of the first "
     "sample)"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

struct app {
    node *n;
    const source_backend *be;
    source *src;
    source_info info;
    uint64_t max_samples;
    const char *record_path;
    sdr_recorder *rec;
    bool record_failed;
    uint8_t *payload;
    size_t payload_cap;
    uint64_t next_index; /* stream index after the latest block */
    uint64_t *blocks, *samples_out, *overruns, *overrun_samples, *dropouts, *gap_samples, *reopens,
        *open_failures, *truncated_bytes, *recorded;
};

static void update_counters(struct app *a)
{
    source_stats st;
    a->be->get_stats(a->src, &st);
    *a->overruns = st.overruns;
    *a->overrun_samples = st.overrun_samples;
    *a->dropouts = st.dropouts;
    *a->gap_samples = st.gap_samples;
    *a->reopens = st.reopens;
    *a->open_failures = st.open_failures;
    *a->truncated_bytes = st.truncated_bytes;
    if (a->rec)
        *a->recorded = recorder_samples(a->rec);
}

static void record_block(struct app *a, const source_block *b)
{
    if (!a->record_path || a->record_failed)
        return;
    if (!a->rec) {
        int64_t t0 =
            b->start_time_ns + (int64_t)((double)b->first_sample * 1e9 / a->info.sample_rate_hz);
        a->rec = recorder_create(a->record_path, &a->info, a->info.description, t0);
        if (!a->rec) {
            a->record_failed = true;
            return;
        }
        node_info(a->n, "record", recorder_path(a->rec));
        log_info("recording to %s.sigmf-data", recorder_path(a->rec));
    }
    if (recorder_write(a->rec, b, a->info.sample_rate_hz) != 0)
        a->record_failed = true;
}

static int produce(void *ctx)
{
    struct app *a = ctx;
    source_block b;
    int r = a->be->read(a->src, &b, 100);
    if (r == SOURCE_IDLE)
        return 0;
    if (r == SOURCE_END)
        return 1;
    if (r != SOURCE_BLOCK)
        return -1;
    if (a->max_samples) {
        if (b.first_sample >= a->max_samples)
            return 1;
        if (b.first_sample + b.count > a->max_samples)
            b.count = (uint32_t)(a->max_samples - b.first_sample);
    }
    size_t cap = 64 + (size_t)b.count * 8;
    if (cap > a->payload_cap) {
        a->payload = x_realloc(a->payload, cap);
        a->payload_cap = cap;
    }
    uint64_t total = a->info.total_samples > 0 ? (uint64_t)a->info.total_samples : a->max_samples;
    wire_iq m = {
        .sample_rate_hz = (uint32_t)lround(a->info.sample_rate_hz),
        .kind = a->info.complex_iq ? WIRE_IQ_COMPLEX : WIRE_IQ_REAL,
        .center_hz = (uint64_t)llround(a->info.center_hz),
        .start_time_ns = b.start_time_ns,
        .first_sample = b.first_sample,
        .total_samples = total,
        .count = b.count,
    };
    int len = wire_iq_encode(&m, b.samples, a->payload, cap);
    if (len < 0) {
        log_error("cannot encode iq block");
        return -1;
    }
    int64_t t_ns =
        b.start_time_ns + (int64_t)((double)b.first_sample * 1e9 / a->info.sample_rate_hz);
    a->next_index = b.first_sample + b.count;
    if (node_publish(a->n, WIRE_IQ, t_ns, 0, a->payload, (size_t)len) == 0) {
        (*a->blocks)++;
        *a->samples_out += b.count;
    }
    record_block(a, &b);
    if (total > 0)
        node_gauge(a->n, "progress", (double)a->next_index / (double)total);
    return a->max_samples && a->next_index >= a->max_samples ? 1 : 0;
}

static void on_tick(void *ctx)
{
    update_counters(ctx);
}

static void finish(void *ctx, bool eos)
{
    struct app *a = ctx;
    a->be->stop(a->src);
    update_counters(a);
    if (a->rec && recorder_close(&a->rec) != 0)
        log_error("the recording may be incomplete");
    log_info("%s after %llu samples (%.1f s of signal), %llu published in %llu blocks",
             eos ? "end of stream" : "stopped", (unsigned long long)a->next_index,
             (double)a->next_index / a->info.sample_rate_hz, (unsigned long long)*a->samples_out,
             (unsigned long long)*a->blocks);
    if (a->info.live)
        log_info("overruns %llu (%llu samples dropped), drop-outs %llu (%llu samples of gap), "
                 "reopens %llu, failed opens %llu",
                 (unsigned long long)*a->overruns, (unsigned long long)*a->overrun_samples,
                 (unsigned long long)*a->dropouts, (unsigned long long)*a->gap_samples,
                 (unsigned long long)*a->reopens, (unsigned long long)*a->open_failures);
    if (*a->truncated_bytes)
        log_warn("recording ends with %llu bytes of a partial sample (truncated file?)",
                 (unsigned long long)*a->truncated_bytes);
}

/* The --help summary: what the node does and the device syntax of every backend. */
static char *make_summary(void)
{
    size_t cap = 4096, len = 0;
    char *s = x_malloc(cap);
    len += (size_t)snprintf(s + len, cap - len,
                            "Publish samples on the iq topic from a recording, an RTL-SDR dongle "
                            "or an rtl_tcp server.\n\ndevice =");
    for (const source_backend *const *b = source_backends(); *b && len < cap; b++)
        len += (size_t)snprintf(s + len, cap - len, "\n  %s", (*b)->syntax);
    if (len < cap)
        snprintf(s + len, cap - len,
                 "\n\nLive receivers publish without blocking (lossless = false unless set), "
                 "count overruns and drop-outs in stats, and reopen a lost device with back-off; "
                 "a device absent at start is an error (exit 1) unless wait_for_device = true.");
    return s;
}

/* gain = auto | dB.  0 or -1. */
static int parse_gain(const char *text, source_settings *st)
{
    if (strcmp(text, "auto") == 0) {
        st->gain_auto = true;
        return 0;
    }
    char *end;
    errno = 0;
    double g = strtod(text, &end);
    if (errno || end == text || *end || !(g >= -10 && g <= 60))
        return -1;
    st->gain_auto = false;
    st->gain_db = g;
    return 0;
}

static int run(node *n, const source_backend *be)
{
    const config *c = node_config(n);
    struct app a = {.n = n, .be = be};
    source_settings st = {0};
    source_backend_find(config_str(c, "device"), &st.device_arg);
    const char *pace = config_str(c, "pace");
    if (strcmp(pace, "fast") != 0 && strcmp(pace, "realtime") != 0) {
        log_error("pace '%s' is not fast or realtime", pace);
        return 2;
    }
    const char *trunc = config_str(c, "truncated");
    if (strcmp(trunc, "refuse") != 0 && strcmp(trunc, "play") != 0) {
        log_error("truncated '%s' is not refuse or play", trunc);
        return 2;
    }
    if (wire_parse_time(config_str(c, "start_time"), &st.start_time_ns) != 0) {
        log_error("start_time '%s' is not ISO 8601 UTC (e.g. 2024-05-01T12:00:00Z)",
                  config_str(c, "start_time"));
        return 2;
    }
    if (parse_gain(config_str(c, "gain"), &st) != 0) {
        log_error("gain '%s' is not auto or a gain in dB (-10 to 60)", config_str(c, "gain"));
        return 2;
    }
    st.input = config_str(c, "input");
    st.format = config_str(c, "format");
    st.realtime = strcmp(pace, "realtime") == 0;
    st.play_truncated = strcmp(trunc, "play") == 0;
    st.rate_hz = config_real(c, "rate_hz");
    st.center_hz = config_real(c, "center_hz");
    st.block_samples = (size_t)config_int(c, "block_samples");
    if (be->live)
        st.block_samples = (st.block_samples + 255) / 256 * 256; /* USB: multiples of 512 bytes */
    st.rtl_agc = config_bool(c, "rtl_agc");
    st.ppm = (int)config_int(c, "ppm");
    st.bias_tee = config_bool(c, "bias_tee");
    st.ring_s = config_real(c, "ring_s");
    st.wait_for_device = config_bool(c, "wait_for_device");
    st.retry_initial_s = config_real(c, "retry_initial_s");
    st.retry_max_s = fmax(config_real(c, "retry_max_s"), st.retry_initial_s);
    st.stall_timeout_s = config_real(c, "stall_timeout_s");
    if (be->live && config_is_set(c, "start_time"))
        log_warn("start_time is ignored by a live receiver: its samples are stamped with the "
                 "wall clock of their arrival");

    int code;
    a.src = be->open(&st, &a.info, &code);
    if (!a.src)
        return code;
    a.max_samples = (uint64_t)config_int(c, "max_samples");
    a.record_path = *config_str(c, "record") ? config_str(c, "record") : NULL;
    a.blocks = node_counter(n, "blocks");
    a.samples_out = node_counter(n, "samples");
    a.truncated_bytes = node_counter(n, "truncated_bytes");
    a.overruns = node_counter(n, "overruns");
    a.overrun_samples = node_counter(n, "overrun_samples");
    a.dropouts = node_counter(n, "dropouts");
    a.gap_samples = node_counter(n, "gap_samples");
    a.reopens = node_counter(n, "reopens");
    a.open_failures = node_counter(n, "open_failures");
    a.recorded = node_counter(n, "recorded_samples");
    node_info(n, "input", a.info.live ? config_str(c, "device") : st.input);
    node_info(n, "device", be->name);
    node_declare_output(n, WIRE_IQ);
    log_info("%s", a.info.description);
    if (be->start(a.src) != 0) {
        be->close(&a.src);
        return 1;
    }
    /* A recording can be read again: a restarted source repeats it exactly (node.h). */
    node_set_replayable(n, !a.info.live && strcmp(st.input, "-") != 0);
    node_handlers h = {.produce = produce, .on_tick = on_tick, .on_finish = finish};
    code = node_run(n, &h, &a);
    be->stop(a.src);
    recorder_close(&a.rec);
    be->close(&a.src);
    free(a.payload);
    return code;
}

/* Short options of AIS-catcher that mean something else here: what to use instead. */
static const struct {
    const char *flag, *hint;
} foreign_flags[] = {
    {"-w", "to play a WAV give -r FILE; to record, --record BASE (AIS-catcher's -w reads a WAV)"},
    {"-f", "the sample format is --format (AIS-catcher's -f writes NMEA to a file)"},
    {"-n", "to stop after N samples give --max_samples N (AIS-catcher's -n prints NMEA)"},
    {"-m", "demodulation models are ais_demod's, which runs one"},
    {"-t", "rtl_tcp: --device rtltcp:HOST:PORT"},
    {"-l", "devices: --device rtlsdr:INDEX or rtlsdr:serial=SN"},
};

/* 0, or 2 after naming the flag that means something else here. */
static int refuse_foreign_flags(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc && access(argv[i + 1], R_OK) != 0) {
            log_error("-c %s: -c reads a config file here; AIS-catcher's -c selects channels "
                      "(both are always in the band); the centre frequency is --center_hz",
                      argv[i + 1]);
            return 2;
        }
        for (size_t k = 0; k < sizeof foreign_flags / sizeof foreign_flags[0]; k++)
            if (strcmp(argv[i], foreign_flags[k].flag) == 0) {
                log_error("%s: %s", argv[i], foreign_flags[k].hint);
                return 2;
            }
    }
    return 0;
}

int main(int argc, char **argv)
{
    int code;
    log_set_ident("sdr_source");
    if (refuse_foreign_flags(argc, argv) != 0)
        return 2;
    char *summary = make_summary();
    node *n = node_create("sdr_source", source_options, summary, argc, argv, &code);
    if (!n) {
        free(summary);
        return code;
    }
    const char *arg;
    const source_backend *be = source_backend_find(config_str(node_config(n), "device"), &arg);
    if (!be) {
        node_destroy(&n);
        free(summary);
        return 2;
    }
    char **args2 = NULL;
    if (be->live && !config_is_set(node_config(n), "lossless")) {
        /* Live default: never block the publisher.  The runtime fixes delivery when it opens
         * its sockets, so open them again with lossless = false. */
        args2 = x_calloc((size_t)argc + 2, sizeof *args2);
        memcpy(args2, argv, (size_t)argc * sizeof *argv);
        args2[argc] = "--lossless=false";
        node_destroy(&n);
        n = node_create("sdr_source", source_options, summary, argc + 1, args2, &code);
        if (!n) {
            free(args2);
            free(summary);
            return code;
        }
    } else if (be->live && config_bool(node_config(n), "lossless")) {
        log_warn("lossless = true on a live receiver: a slow subscriber blocks the publisher, and "
                 "the device's samples are then dropped (counted as overruns) instead");
    }
    code = run(n, be);
    node_destroy(&n);
    free(args2);
    free(summary);
    return code;
}
