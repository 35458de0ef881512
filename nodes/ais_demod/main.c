/* ais_demod: the AIS demodulator node.
 *
 * Node mode (default): subscribe to `iq`, demodulate both AIS channels (or the one channel of
 * FM-discriminator audio), publish one `ais` message per decoded frame, and optionally send the
 * NMEA sentences to other tools over UDP and a TCP server (OpenCPN reads either).
 *
 * File mode (-r FILE): decode a recording and print one !AIVDM sentence per line on stdout, like
 * `AIS-catcher -r`, with a summary on stderr.  No sockets are opened.  AIS-catcher's
 * `-r FORMAT FILE` works too.  Stereo discriminator audio (rtl_ais -A, two receivers in one WAV)
 * is decoded per channel: left A, right B.  A recording with no sample is an error (exit 1).
 *
 * Habits of other receivers.  Short options are only those that mean the same in AIS-catcher
 * (-r file, -s rate, -v verbose); its -m (model), -c (channels), -f (NMEA to a file), -p (ppm),
 * -w (WAV input) and friends are refused with the equivalent here, never taken for something
 * else.  Numbers take k/M suffixes ("-s 288K", "1.536M"); values no receiver would use (a rate
 * below 48 kS/s, a carrier search range below 500 Hz) are refused with a hint.
 *
 * Reception time is event time from the sample index: the iq stream's start time plus the
 * burst's first training-sequence sample over the sample rate. */
#include "centinela/ais_demod.h"
#include "centinela/iqfile.h"
#include "centinela/log.h"
#include "centinela/nmea.h"
#include "centinela/nmeaout.h"
#include "centinela/node.h"

#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const opt_spec demod_options[] = {
    {"input", 'r', OPT_STR, "", 0, -1,
     "file mode: decode this recording and print NMEA on stdout (no sockets)"},
    {"format", 0, OPT_STR, "", 0, -1, "file mode: cu8, cs8, cs16, cf32, wav, sigmf, num"},
    {"rate_hz", 's', OPT_REAL, "0", 0, 10e6,
     "file mode: sample rate, S/s (raw formats need it; 288K, 1.536M and up to 10M accepted)"},
    {"center_hz", 0, OPT_REAL, "0", 0, 2e9,
     "receiver centre frequency; 0: from the stream or 162.000 MHz"},
    {"max_offset_hz", 0, OPT_REAL, "10000", 500, 12000,
     "carrier search range around each channel, Hz (10000 covers +-60 ppm)"},
    {"repair_bits", 'R', OPT_INT, "2", 0, 2, "soft-repaired symbols allowed per frame"},
    {"sic", 0, OPT_BOOL, "true", 0, -1,
     "decode a weaker burst under a stronger one on the same channel by subtracting the decoded "
     "stronger (successive interference cancellation; complex input)"},
    {"audio_channel", 0, OPT_STR, "A", 0, -1, "channel label of discriminator audio input, A or B"},
    {"station_id", 0, OPT_INT, "0", 0, 4294967295.0, "receiving station id; 0: the source id"},
    {"talker", 0, OPT_STR, "AIVDM", 0, -1, "NMEA talker and sentence of the output"},
    {"nmea_udp", 0, OPT_STR, "", 0, -1, "send NMEA to these host:port targets, comma-separated"},
    {"nmea_tcp", 0, OPT_STR, "", 0, -1,
     "serve NMEA to TCP clients on [host:]port (host default 127.0.0.1)"},
    {"verbose", 'v', OPT_BOOL, "false", 0, -1, "file mode: per-frame RF details on stderr"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

struct demod_node {
    node *n;
    const config *cfg;
    ais_demod *q;
    nmeaout *out;
    uint32_t station;
    /* stream parameters the demodulator was built for */
    uint32_t rate_hz;
    uint8_t kind;
    uint64_t center_hz;
    int64_t start_time_ns;
    uint64_t base_index; /* stream index of the demodulator's sample 0 */
    uint64_t next_index; /* expected first_sample of the next block */
    int seq_id;
    float *samples;
    size_t samples_cap;
    uint64_t *messages, *per_channel[2], *sample_gaps, *restarts, *encode_errors;
    wire_ais msg;
    uint8_t payload[2048];
};

static int make_demod(struct demod_node *d, const wire_iq *m)
{
    ais_demod_destroy(&d->q);
    ais_demod_config dc;
    ais_demod_config_default(&dc, m->sample_rate_hz);
    double center = config_real(d->cfg, "center_hz");
    dc.center_hz = center > 0 ? center : (double)m->center_hz;
    dc.input_real = m->kind == WIRE_IQ_REAL;
    dc.audio_channel = config_str(d->cfg, "audio_channel")[0] == 'B' ? 'B' : 'A';
    dc.max_freq_offset_hz = config_real(d->cfg, "max_offset_hz");
    dc.repair_bits = (int)config_int(d->cfg, "repair_bits");
    dc.sic = config_bool(d->cfg, "sic") ? 1 : -1;
    d->q = ais_demod_create(&dc);
    if (!d->q)
        return -1;
    d->rate_hz = m->sample_rate_hz;
    d->kind = m->kind;
    d->center_hz = m->center_hz;
    d->start_time_ns = m->start_time_ns;
    d->base_index = d->next_index = m->first_sample;
    log_info("demodulating %s at %u S/s, centre %.6f MHz",
             dc.input_real ? "discriminator audio" : "complex IQ", m->sample_rate_hz,
             dc.center_hz / 1e6);
    return 0;
}

static void publish_frames(struct demod_node *d)
{
    ais_demod_frame f;
    while (ais_demod_pop(d->q, &f)) {
        wire_ais *a = &d->msg;
        memset(a->bits, 0, sizeof a->bits);
        if (f.nbits > WIRE_AIS_MAX_BITS || (f.nbits + 7) / 8 > sizeof f.bits) {
            (*d->encode_errors)++;
            continue;
        }
        memcpy(a->bits, f.bits, (f.nbits + 7) / 8);
        a->nbits = (uint16_t)f.nbits;
        a->station_id = d->station;
        a->channel = f.channel;
        uint64_t index = d->base_index + f.start_sample;
        a->rx_time_ns = d->start_time_ns + (int64_t)llround((double)index * 1e9 / d->rate_hz);
        a->signal_dbfs = (float)f.level_dbfs;
        a->snr_db = (float)f.snr_db;
        a->freq_offset_hz = (float)f.freq_offset_hz;
        a->ppm = (float)f.freq_offset_ppm;
        int parts = nmea_encode_vdm(f.bits, f.nbits, config_str(d->cfg, "talker"), f.channel,
                                    d->seq_id, a->nmea, sizeof a->nmea);
        if (parts < 0) {
            (*d->encode_errors)++;
            continue;
        }
        if (parts > 1)
            d->seq_id = (d->seq_id + 1) % 10;
        nmeaout_send(d->out, a->nmea);
        /* On the wire the sentences are "\n"-separated without the CR. */
        char *w = a->nmea;
        for (const char *r = a->nmea; *r; r++)
            if (*r != '\r')
                *w++ = *r;
        while (w > a->nmea && w[-1] == '\n')
            w--;
        *w = 0;
        int len = wire_ais_encode(a, d->payload, sizeof d->payload);
        if (len < 0) {
            (*d->encode_errors)++;
            continue;
        }
        node_publish(d->n, WIRE_AIS, a->rx_time_ns, 0, d->payload, (size_t)len);
        (*d->messages)++;
        (*d->per_channel[f.channel == 'B'])++;
    }
}

static int on_message(void *ctx, const wire_header *h, const uint8_t *p, size_t len)
{
    struct demod_node *d = ctx;
    wire_iq m;
    if (h->type != WIRE_IQ || wire_iq_decode(p, len, &m) != WIRE_OK)
        return -1;
    if (!d->q || m.sample_rate_hz != d->rate_hz || m.kind != d->kind ||
        m.center_hz != d->center_hz || m.start_time_ns != d->start_time_ns ||
        m.first_sample < d->next_index) {
        /* A new stream (or a restarted source): start a fresh demodulator. */
        if (d->q) {
            ais_demod_flush(d->q);
            publish_frames(d);
            (*d->restarts)++;
        }
        if (make_demod(d, &m) != 0)
            return -1;
    } else if (m.first_sample > d->next_index) {
        /* Samples lost upstream: keep time honest by restarting at the new index. */
        (*d->sample_gaps)++;
        ais_demod_flush(d->q);
        publish_frames(d);
        if (make_demod(d, &m) != 0)
            return -1;
    }
    size_t values = (size_t)m.count * (m.kind == WIRE_IQ_COMPLEX ? 2 : 1);
    if (values > d->samples_cap) {
        d->samples_cap = values;
        d->samples = x_realloc(d->samples, values * sizeof(float));
    }
    wire_iq_samples(&m, d->samples);
    if (m.kind == WIRE_IQ_COMPLEX)
        ais_demod_process_cf32(d->q, (const float complex *)d->samples, m.count);
    else
        ais_demod_process_real(d->q, d->samples, m.count);
    d->next_index = m.first_sample + m.count;
    publish_frames(d);
    return 0;
}

static void on_tick(void *ctx)
{
    struct demod_node *d = ctx;
    nmeaout_poll(d->out);
    if (d->q) {
        ais_demod_stats st;
        ais_demod_get_stats(d->q, &st);
        node_gauge(d->n, "candidates", (double)st.candidates);
        node_gauge(d->n, "crc_fail", (double)st.crc_fail);
        node_gauge(d->n, "repaired", (double)st.repaired);
        node_gauge(d->n, "sic_decodes", (double)st.sic_decodes);
    }
    const nmeaout_stats *ns = nmeaout_get_stats(d->out);
    node_gauge(d->n, "nmea_tcp_clients", (double)(ns->tcp_clients - ns->tcp_disconnected));
    node_gauge(d->n, "nmea_tcp_dropped", (double)ns->tcp_dropped);
}

static void on_finish(void *ctx, bool eos)
{
    struct demod_node *d = ctx;
    if (d->q) {
        ais_demod_flush(d->q);
        publish_frames(d);
    }
    on_tick(d);
}

static int run_node(int argc, char **argv)
{
    int code;
    node *n = node_create("ais_demod", demod_options,
                          "Demodulate AIS from iq into ais messages (or -r FILE: NMEA on stdout).",
                          argc, argv, &code);
    if (!n)
        return code;
    struct demod_node d = {.n = n, .cfg = node_config(n)};
    d.out = nmeaout_create(config_str(d.cfg, "nmea_udp"), config_str(d.cfg, "nmea_tcp"));
    if (!d.out) {
        node_destroy(&n);
        return 2;
    }
    d.station = (uint32_t)config_int(d.cfg, "station_id");
    if (d.station == 0)
        d.station = node_source_id(n);
    d.messages = node_counter(n, "messages");
    d.per_channel[0] = node_counter(n, "messages_a");
    d.per_channel[1] = node_counter(n, "messages_b");
    d.sample_gaps = node_counter(n, "sample_gaps");
    d.restarts = node_counter(n, "stream_restarts");
    d.encode_errors = node_counter(n, "encode_errors");
    node_declare_input(n, WIRE_IQ);
    node_declare_output(n, WIRE_AIS);
    node_handlers h = {.on_message = on_message, .on_tick = on_tick, .on_finish = on_finish};
    code = node_run(n, &h, &d);
    ais_demod_destroy(&d.q);
    nmeaout_destroy(&d.out);
    free(d.samples);
    node_destroy(&n);
    return code;
}

/* File mode: a recording in, NMEA on stdout. */
static int run_file(const config *c)
{
    iqfile_options io = {.sample_rate_hz = config_real(c, "rate_hz"),
                         .center_hz = config_real(c, "center_hz")};
    if (*config_str(c, "format") && iqfile_format_parse(config_str(c, "format"), &io.format) != 0) {
        log_error("unknown format '%s'", config_str(c, "format"));
        return 2;
    }
    const char *path = config_str(c, "input");
    iqfile_reader *r = iqfile_open(path, &io);
    if (!r)
        return 1;
    const iqfile_info *info = iqfile_get_info(r);
    ais_demod_config dc;
    ais_demod_config_default(&dc, info->sample_rate_hz);
    dc.center_hz = info->center_hz;
    dc.input_real = info->kind == IQFILE_KIND_REAL;
    dc.audio_channel = config_str(c, "audio_channel")[0] == 'B' ? 'B' : 'A';
    dc.max_freq_offset_hz = config_real(c, "max_offset_hz");
    dc.repair_bits = (int)config_int(c, "repair_bits");
    dc.sic = config_bool(c, "sic") ? 1 : -1;
    /* stereo discriminator audio: one demodulator per channel, left A and right B */
    bool stereo = dc.input_real && info->audio_channels == 2;
    ais_demod *q[2] = {NULL, NULL};
    int nq = stereo ? 2 : 1;
    for (int k = 0; k < nq; k++) {
        if (stereo)
            dc.audio_channel = k == 0 ? 'A' : 'B';
        q[k] = ais_demod_create(&dc);
        if (!q[k]) {
            ais_demod_destroy(&q[0]);
            iqfile_close(&r);
            return 2;
        }
    }
    bool verbose = config_bool(c, "verbose");
    enum { N = 65536 };
    float complex *xc = x_malloc(N * sizeof *xc);
    float *xr = (float *)xc;
    float *side = stereo ? x_malloc(N * sizeof *side) : NULL;
    unsigned long frames = 0, per_ch[2] = {0, 0};
    int seq = 0, rc = 0;
    clock_t t0 = clock();
    char out[1024];
    ais_demod_frame f;
    for (int done = 0; !done;) {
        long n = dc.input_real ? iqfile_read_real(r, xr, 2 * N) : iqfile_read_cf32(r, xc, N);
        if (n < 0) {
            rc = 1;
            break;
        }
        if (n == 0) {
            for (int k = 0; k < nq; k++)
                ais_demod_flush(q[k]);
            done = 1;
        } else if (stereo) {
            /* in place: left to the front of xr, right to side */
            for (long i = 0; i < n / 2; i++) {
                side[i] = xr[2 * i + 1];
                xr[i] = xr[2 * i];
            }
            ais_demod_process_real(q[0], xr, (size_t)n / 2);
            ais_demod_process_real(q[1], side, (size_t)n / 2);
        } else if (dc.input_real) {
            ais_demod_process_real(q[0], xr, (size_t)n);
        } else {
            ais_demod_process_cf32(q[0], xc, (size_t)n);
        }
        for (int k = 0; k < nq; k++) {
            while (ais_demod_pop(q[k], &f)) {
                int m = nmea_encode_vdm(f.bits, f.nbits, config_str(c, "talker"), f.channel, seq,
                                        out, sizeof out);
                if (m < 0) {
                    log_warn("frame of %zu bits cannot be encoded", f.nbits);
                    continue;
                }
                if (m > 1)
                    seq = (seq + 1) % 10;
                fputs(out, stdout);
                frames++;
                per_ch[f.channel == 'B']++;
                if (verbose)
                    fprintf(stderr,
                            "frame ch %c sample %llu level %.1f dBFS snr %.1f dB offset %.0f Hz "
                            "(%.2f ppm) repaired %d bits %zu\n",
                            f.channel, (unsigned long long)f.start_sample, f.level_dbfs, f.snr_db,
                            f.freq_offset_hz, f.freq_offset_ppm, f.repaired, f.nbits);
            }
        }
    }
    free(side);
    fflush(stdout);
    double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
    double secs = info->samples_read / info->sample_rate_hz;
    ais_demod_stats st, st2;
    ais_demod_get_stats(q[0], &st);
    if (q[1]) {
        ais_demod_get_stats(q[1], &st2);
        st.repaired += st2.repaired;
        st.candidates += st2.candidates;
        st.gated += st2.gated;
        st.crc_fail += st2.crc_fail;
        st.sic_decodes += st2.sic_decodes;
    }
    fprintf(stderr,
            "ais_demod: %s: %.1f s of signal, %lu frames (A %lu, B %lu; %llu after soft repair), "
            "%llu candidates (%llu gated, %llu with a bad CRC), %llu under a stronger burst, "
            "%.3f CPU s (%.1fx real time)\n",
            path, secs, frames, per_ch[0], per_ch[1], (unsigned long long)st.repaired,
            (unsigned long long)st.candidates, (unsigned long long)st.gated,
            (unsigned long long)st.crc_fail, (unsigned long long)st.sic_decodes, cpu,
            cpu > 0 ? secs / cpu : 0);
    if (info->truncated_bytes)
        fprintf(stderr, "ais_demod: %llu trailing byte(s) did not make a whole sample\n",
                (unsigned long long)info->truncated_bytes);
    if (rc == 0 && info->samples_read == 0) {
        log_error("%s: no sample read: an empty recording (or only a header)", path);
        rc = 1;
    }
    free(xc);
    ais_demod_destroy(&q[0]);
    ais_demod_destroy(&q[1]);
    iqfile_close(&r);
    return rc;
}

/* Short options of AIS-catcher (and rtl_ais) that mean something else, or nothing, here: what
 * to use instead.  Checked before parsing so that none is taken for another option. */
static const struct {
    const char *flag, *hint;
} foreign_flags[] = {
    {"-m", "-m is AIS-catcher's model switch: ais_demod runs one model (discriminator audio is "
           "recognised by the input); the carrier search range is --max_offset_hz (Hz)"},
    {"-f", "the sample format is --format (AIS-catcher's -f writes NMEA to a file: redirect "
           "stdout instead)"},
    {"-p", "no ppm correction is needed: the demodulator searches +-max_offset_hz (10 kHz = "
           "+-60 ppm); a dongle's correction is sdr_source --ppm"},
    {"-w", "read a WAV with -r FILE (the format comes from the extension)"},
    {"-q", "NMEA goes to stdout and the summary to stderr: redirect what you do not want"},
    {"-n", "NMEA goes to stdout and the summary to stderr: redirect what you do not want"},
    {"-o", "NMEA goes to stdout and the summary to stderr: redirect what you do not want"},
    {"-u", "send NMEA over UDP with --nmea_udp HOST:PORT"},
    {"-S", "serve NMEA over TCP with --nmea_tcp PORT"},
    {"-d", "live devices are sdr_source's: --device rtlsdr:0"},
    {"-t", "rtl_tcp is sdr_source's: --device rtltcp:HOST:PORT"},
    {"-l", "live devices are sdr_source's: --device rtlsdr:0"},
    {"-F", "ais_demod runs one model"},
    {"-b", "benchmarks: cmake --build build --target bench"},
};

/* 0, or 2 after naming the flag that means something else here. */
static int refuse_foreign_flags(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc && access(argv[i + 1], R_OK) != 0) {
            log_error("-c %s: -c reads a config file here; AIS-catcher's -c selects channels "
                      "(ais_demod decodes both A and B); the centre frequency is --center_hz",
                      argv[i + 1]);
            return 2;
        }
        for (size_t k = 0; k < sizeof foreign_flags / sizeof foreign_flags[0]; k++) {
            if (strncmp(argv[i], foreign_flags[k].flag, 2) == 0 &&
                (argv[i][2] == 0 || argv[i][1] == 'd' || argv[i][1] == 'g')) {
                log_error("%s: %s", argv[i], foreign_flags[k].hint);
                return 2;
            }
        }
        if (argv[i][0] == '-' && argv[i][1] == 'g' && argv[i][2] && argv[i][2] != '-') {
            log_error("%s: device settings are sdr_source's (--gain, --ppm, --bias_tee)", argv[i]);
            return 2;
        }
    }
    return 0;
}

/* AIS-catcher's "-r FORMAT FILE" as "--format FORMAT -r FILE".  Returns a new argv (to free) or
 * NULL when there is nothing to rewrite. */
static char **rewrite_format_after_r(int argc, char **argv, int *argc_out)
{
    for (int i = 1; i + 2 < argc; i++) {
        iqfile_format f;
        if (strcmp(argv[i], "-r") != 0 || iqfile_format_parse(argv[i + 1], &f) != 0 ||
            f == IQFILE_FORMAT_AUTO || argv[i + 2][0] == '-')
            continue;
        char **a = x_calloc((size_t)argc + 2, sizeof *a);
        int n = 0;
        for (int j = 0; j < argc; j++) {
            if (j == i) {
                a[n++] = "--format";
                a[n++] = argv[i + 1];
                a[n++] = "-r";
                a[n++] = argv[i + 2];
                j += 2;
            } else {
                a[n++] = argv[j];
            }
        }
        *argc_out = n;
        return a;
    }
    return NULL;
}

/* Values no receiver would use, named with what was probably meant; 0 or -1. */
static int check_plausible(const config *c)
{
    double rate = config_real(c, "rate_hz");
    if (rate != 0 && rate < 48000) {
        log_error("rate_hz %g: sample rates are in S/s from 48000 (audio) to 10000000; for "
                  "288 kS/s write 288000 or 288K",
                  rate);
        return -1;
    }
    double center = config_real(c, "center_hz");
    if (center != 0 && (center < 100e6 || center > 250e6)) {
        log_error("center_hz %g: the receiver's centre frequency in Hz, near 162 MHz (162M or "
                  "162000000); 0 takes the recording's",
                  center);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    /* Parse once without sockets to learn the mode; node mode parses again in node_create. */
    const opt_spec *tables[] = {node_common_options, demod_options, NULL};
    log_set_ident("ais_demod");
    if (refuse_foreign_flags(argc, argv) != 0)
        return 2;
    int argc2 = argc;
    char **argv2 = rewrite_format_after_r(argc, argv, &argc2);
    char **args = argv2 ? argv2 : argv;
    config *c = config_create(tables);
    int rc = config_parse_args(
        c, argc2, args, "ais_demod",
        "Demodulate AIS from iq into ais messages (or -r FILE: NMEA on stdout).", NULL);
    if (rc == 0 && check_plausible(c) != 0)
        rc = -1;
    if (rc != 0) {
        config_destroy(&c);
        free(argv2);
        return rc > 0 ? 0 : 2;
    }
    if (*config_str(c, "input")) {
        rc = run_file(c);
        config_destroy(&c);
        free(argv2);
        return rc;
    }
    config_destroy(&c);
    rc = run_node(argc2, args);
    free(argv2);
    return rc;
}
