/* ais_demod: AIS demodulator node.
 *
 * File mode: ais_demod -r FILE [--format F] [--rate HZ] [--center HZ] prints one NMEA !AIVDM
 * sentence per line on stdout (like AIS-catcher -r) and a summary on stderr. */
#include "centinela/ais_demod.h"
#include "centinela/iqfile.h"
#include "centinela/log.h"
#include "centinela/nmea.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ais_demod -r FILE [options]\n"
            "  -r, --read FILE      decode a recording (\"-\" = stdin) and print !AIVDM lines\n"
            "  -f, --format F       cu8, cs8, cs16, cf32, wav, sigmf, num (default: extension)\n"
            "  -s, --rate HZ        sample rate (raw formats need it; overrides headers)\n"
            "  -c, --center HZ      receiver centre frequency (default 162000000)\n"
            "  -m, --max-offset HZ  carrier search range, default 10000\n"
            "  -R, --repair N       soft-repaired symbols per frame, 0..2 (default 2)\n"
            "  -v, --verbose        per-frame channel, level, SNR and offset on stderr\n"
            "  -h, --help\n"
            "WAV with one channel and .num files are FM-discriminator audio (one AIS channel).\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"read", required_argument, 0, 'r'},   {"format", required_argument, 0, 'f'},
        {"rate", required_argument, 0, 's'},   {"center", required_argument, 0, 'c'},
        {"max-offset", required_argument, 0, 'm'}, {"repair", required_argument, 0, 'R'},
        {"verbose", no_argument, 0, 'v'},      {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *path = NULL;
    iqfile_options io = {0};
    double max_off = 0;
    int repair = -1, verbose = 0, c;
    log_set_ident("ais_demod");
    while ((c = getopt_long(argc, argv, "r:f:s:c:m:R:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            path = optarg;
            break;
        case 'f':
            if (iqfile_format_parse(optarg, &io.format) != 0) {
                log_error("unknown format '%s'", optarg);
                return 2;
            }
            break;
        case 's':
            io.sample_rate_hz = atof(optarg);
            break;
        case 'c':
            io.center_hz = atof(optarg);
            break;
        case 'm':
            max_off = atof(optarg);
            break;
        case 'R':
            repair = atoi(optarg);
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }
    iqfile_reader *r = iqfile_open(path, &io);
    if (!r)
        return 1;
    const iqfile_info *info = iqfile_get_info(r);
    ais_demod_config dc;
    ais_demod_config_default(&dc, info->sample_rate_hz);
    dc.center_hz = info->center_hz;
    dc.input_real = info->kind == IQFILE_KIND_REAL;
    if (max_off > 0)
        dc.max_freq_offset_hz = max_off;
    dc.repair_bits = repair;
    ais_demod *q = ais_demod_create(&dc);
    if (!q) {
        iqfile_close(&r);
        return 1;
    }
    enum { N = 65536 };
    float complex *xc = x_malloc(N * sizeof *xc);
    float *xr = (float *)xc;
    long n;
    unsigned long frames = 0, per_ch[2] = {0, 0};
    int seq = 0, rc = 0;
    clock_t t0 = clock();
    char out[1024];
    ais_demod_frame f;
    for (int done = 0; !done;) {
        n = dc.input_real ? iqfile_read_real(r, xr, 2 * N) : iqfile_read_cf32(r, xc, N);
        if (n < 0) {
            rc = 1;
            break;
        }
        if (n == 0) {
            ais_demod_flush(q);
            done = 1;
        } else if (dc.input_real) {
            ais_demod_process_real(q, xr, (size_t)n);
        } else {
            ais_demod_process_cf32(q, xc, (size_t)n);
        }
        while (ais_demod_pop(q, &f)) {
            int k = nmea_encode_vdm(f.bits, f.nbits, "AIVDM", f.channel, seq, out, sizeof out);
            if (k < 0) {
                log_warn("frame of %zu bits cannot be encoded", f.nbits);
                continue;
            }
            if (k > 1)
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
    fflush(stdout);
    double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
    double secs = info->samples_read / info->sample_rate_hz;
    ais_demod_stats st;
    ais_demod_get_stats(q, &st);
    fprintf(stderr,
            "ais_demod: %s: %.1f s of signal, %lu frames (A %lu, B %lu; %llu after soft repair), "
            "%llu candidates (%llu gated, %llu with a bad CRC), %.3f CPU s (%.1fx real time)\n",
            path, secs, frames, per_ch[0], per_ch[1], (unsigned long long)st.repaired,
            (unsigned long long)st.candidates, (unsigned long long)st.gated,
            (unsigned long long)st.crc_fail, cpu, cpu > 0 ? secs / cpu : 0);
    if (info->truncated_bytes)
        fprintf(stderr, "ais_demod: %llu trailing byte(s) did not make a whole sample\n",
                (unsigned long long)info->truncated_bytes);
    free(xc);
    ais_demod_destroy(&q);
    iqfile_close(&r);
    return rc;
}
