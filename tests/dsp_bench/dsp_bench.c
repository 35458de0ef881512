/* dsp_bench: the demodulator against the anchors of the brief, side by side with AIS-catcher.
 *
 *   dsp_bench --run per        decode rate against Eb/N0 (288 kS/s cu8, +-1 kHz, random timing)
 *   dsp_bench --run cpu        whole-process CPU per second of signal on mixed traffic, both sides
 *                              run as child processes on the same files, interleaved, medians
 *   dsp_bench --run longbeach  messages on the real Long Beach recording against the reference
 *   dsp_bench --run noise      false decodes on pure noise (an hour at 288 kS/s by default)
 *   dsp_bench --run offsets    tuning error sweep to +-60 ppm, and two-burst collisions
 *
 * Scenes are written by the ais_modulate library (the `ais_modulate` command's code) as cu8 files
 * under data_dir (the build tree), decoded by our demodulator library in this process, and, when
 * the environment variable AISCATCHER names its binary, by AIS-catcher as a child process on the
 * same file:  $AISCATCHER -r CU8 FILE -s RATE -o 1  (its NMEA counted by distinct payload).
 * CPU time (cpu): both receivers as whole processes (ours: ais_demod -r), user+system time of
 * the child from wait4.  Elsewhere ours is timed in-process (getrusage around the loop) and
 * printed for information only, never as a ratio to the peer.
 * Figures are printed, never asserted. */
#include "ais_modulate.h"
#include "bench_util.h"

#include "centinela/ais_demod.h"
#include "centinela/ais_mod.h"
#include "centinela/config.h"
#include "centinela/iqfile.h"
#include "centinela/log.h"
#include "centinela/nmea.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const opt_spec bench_options[] = {
    {"run", 'r', OPT_STR, "all", 0, -1, "per, cpu, longbeach, noise, offsets or all"},
    {"data_dir", 'd', OPT_STR, "dsp_bench-data", 0, -1, "where generated files go (build tree)"},
    {"datasets", 0, OPT_STR, "", 0, -1, "the shared datasets folder (longbeach)"},
    {"bursts", 'n', OPT_INT, "300", 10, 100000, "per: bursts per Eb/N0 point"},
    {"ebn0_from_db", 0, OPT_REAL, "0", -10, 40, "per: first Eb/N0"},
    {"ebn0_to_db", 0, OPT_REAL, "20", -10, 40, "per: last Eb/N0"},
    {"ebn0_step_db", 0, OPT_REAL, "1", 0.1, 10, "per: step"},
    {"cpu_seconds", 0, OPT_REAL, "60", 1, 3600, "cpu: length of each generated file, s"},
    {"repeats", 0, OPT_INT, "5", 1, 100, "cpu: interleaved runs of each receiver per file"},
    {"ais_demod", 0, OPT_STR, "ais_demod", 0, -1, "cpu: our receiver's binary (path)"},
    {"nmea", 0, OPT_STR, "", 0, -1,
     "cpu: NMEA source of the mixed traffic (default: DATASETS/nmea/pyais/nmea_data_sample.txt)"},
    {"noise_seconds", 0, OPT_REAL, "3600", 1, 86400, "noise: seconds of pure noise"},
    {"offset_bursts", 0, OPT_INT, "100", 10, 100000, "offsets: bursts per offset point"},
    {"offset_ebn0_db", 0, OPT_REAL, "20", -10, 40, "offsets: Eb/N0 of the tuning-error sweep"},
    {"collision_pairs", 0, OPT_INT, "200", 10, 100000, "offsets: burst pairs per level step"},
    {"sic", 0, OPT_BOOL, "true", 0, -1,
     "our receiver's interference cancellation (false: as without it, for comparison)"},
    {"log_level", 0, OPT_STR, "warn", 0, -1, "error, warn, info or debug"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

static const char *g_dir;

static const char *dpath(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *dpath(const char *fmt, ...)
{
    static char buf[4][1024];
    static int k;
    k = (k + 1) % 4;
    char name[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    snprintf(buf[k], sizeof buf[k], "%s/%s", g_dir, name);
    return buf[k];
}

/* One generated scene: config + messages -> file; the modulator is kept for its burst list. */
typedef struct {
    uint8_t bits[21];
    char channel;
    double t_s; /* NaN: untimed (spacing) */
    double level_db;
} scene_msg;

static ais_modulate *make_scene(ais_modulate_config *cfg, const scene_msg *msgs, size_t n)
{
    /* half a second of noise before the first burst and after the last, so no decoder is
     * judged on how it starts up or flushes */
    cfg->lead_s = 0.5;
    cfg->tail_s = 0.5;
    ais_modulate *m = ais_modulate_create(cfg);
    if (!m)
        return NULL;
    for (size_t i = 0; i < n; i++)
        ais_modulate_add_message(m, msgs[i].bits, 168, msgs[i].channel, msgs[i].t_s,
                                 msgs[i].level_db);
    if (ais_modulate_finish(m) != 0)
        ais_modulate_destroy(&m);
    return m;
}

/* The peer on a raw cu8 file; 0 or -1 (no peer, or it failed). */
static int peer_cu8(const char *file, double rate_hz, bu_set *out)
{
    const char *peer = bu_peer();
    if (!peer)
        return -1;
    char rate[32];
    snprintf(rate, sizeof rate, "%.0f", rate_hz);
    char *argv[] = {(char *)peer, "-r", "CU8", (char *)file, "-s", rate, "-o", "1", NULL};
    if (bu_run_peer(argv, -1, out) != 0) {
        fprintf(stderr, "AIS-catcher failed on %s (exit %d)\n", file, out->exit_code);
        return -1;
    }
    return 0;
}

/* First Eb/N0 where the rate reaches `level`, interpolated; NaN if never. */
static double crossing(const double *x, const double *rate, int n, double level)
{
    for (int i = 0; i < n; i++) {
        if (rate[i] >= level) {
            if (i == 0)
                return x[0];
            return x[i - 1] + (x[i] - x[i - 1]) * (level - rate[i - 1]) / (rate[i] - rate[i - 1]);
        }
    }
    return NAN;
}

/* "<=" when the first point already reached the level, ">" when none did */
static void print_point(const char *what, double ours, double peer, int have_peer)
{
    if (have_peer && !isnan(peer) && !isnan(ours))
        printf("%s: ours %.2f dB, AIS-catcher %.2f dB (ours - AIS-catcher = %+.2f dB)\n", what,
               ours, peer, ours - peer);
    else if (have_peer)
        printf("%s: ours %.2f dB, AIS-catcher %.2f dB\n", what, ours, peer);
    else
        printf("%s: ours %.2f dB\n", what, ours);
}

static int bench_per(const config *c)
{
    const double rate = 288000;
    int nb = (int)config_int(c, "bursts");
    double from = config_real(c, "ebn0_from_db"), to = config_real(c, "ebn0_to_db"),
           step = config_real(c, "ebn0_step_db");
    int have_peer = bu_peer() != NULL;
    printf("== per: decode rate against Eb/N0, 288 kS/s cu8, %d bursts a point (type 1, 168 bits, "
           "A/B alternating 40 ms +-10 ms apart), +-1 kHz random offset, random phase and "
           "timing; SNR in 25 kHz = Eb/N0 - 4.16 dB\n",
           nb);
    printf("   command: dsp_bench --run per --bursts %d\n", nb);
    printf("%8s %8s %12s %7s %6s", "Eb/N0", "SNR25", "ours", "rate", "extra");
    if (have_peer)
        printf(" %12s %7s %6s", "AIS-catcher", "rate", "extra");
    printf("\n");
    int npts = (int)floor((to - from) / step + 1e-9) + 1;
    double *x = calloc((size_t)npts, sizeof *x), *ro = calloc((size_t)npts, sizeof *ro),
           *rp = calloc((size_t)npts, sizeof *rp);
    scene_msg *msgs = calloc((size_t)nb, sizeof *msgs);
    int rc = 0;
    for (int k = 0; k < npts; k++) {
        double e = from + k * step;
        uint64_t rng = 1000 + (uint64_t)k;
        for (int i = 0; i < nb; i++) {
            bu_random_msg(&rng, msgs[i].bits);
            msgs[i].channel = (i & 1) ? 'B' : 'A';
            msgs[i].t_s = NAN;
        }
        ais_modulate_config cfg;
        ais_modulate_config_default(&cfg);
        cfg.output = dpath("per_288k_ebn0_%05.2f.cu8", e);
        cfg.sample_rate_hz = rate;
        cfg.ebn0_db = e;
        cfg.freq_jitter_hz = 1000;
        cfg.spacing_s = 0.040;
        cfg.time_jitter_s = 0.010;
        cfg.seed = 7 + (uint64_t)k;
        ais_modulate *m = make_scene(&cfg, msgs, (size_t)nb);
        if (!m) {
            rc = -1;
            break;
        }
        const ais_modulate_burst *sent;
        size_t ns = ais_modulate_bursts(m, &sent);
        bu_set ours = {0}, peer = {0};
        if (bu_decode_ours(cfg.output, rate, &ours) != 0) {
            rc = -1;
            break;
        }
        bu_match mo = bu_match_sent(sent, ns, &ours);
        x[k] = e;
        ro[k] = (double)mo.found / mo.sent;
        printf("%8.2f %8.2f %5d/%-6d %7.3f %6d", e, e - 4.16, mo.found, mo.sent, ro[k], mo.extra);
        if (have_peer) {
            if (peer_cu8(cfg.output, rate, &peer) == 0) {
                bu_match mp = bu_match_sent(sent, ns, &peer);
                rp[k] = (double)mp.found / mp.sent;
                printf(" %5d/%-6d %7.3f %6d", mp.found, mp.sent, rp[k], mp.extra);
            } else {
                rp[k] = NAN;
                printf(" %12s", "failed");
            }
        }
        printf("\n");
        fflush(stdout);
        bu_set_free(&ours);
        bu_set_free(&peer);
        ais_modulate_destroy(&m);
    }
    if (rc == 0) {
        print_point("50 % point (Eb/N0)", crossing(x, ro, npts, 0.5),
                    have_peer ? crossing(x, rp, npts, 0.5) : NAN, have_peer);
        print_point("90 % point (Eb/N0)", crossing(x, ro, npts, 0.9),
                    have_peer ? crossing(x, rp, npts, 0.9) : NAN, have_peer);
        if (!have_peer)
            printf("(AIS-catcher columns skipped: AISCATCHER is not set)\n");
    }
    free(x);
    free(ro);
    free(rp);
    free(msgs);
    return rc;
}

/* A scene of mixed traffic: the NMEA lines of `nmea` (every message type they hold, multipart
 * included), repeated in order until duration_s is filled, one message every spacing_s,
 * channels alternating.  NULL with a message when the source is unreadable. */
static ais_modulate *make_mixed_scene(const char *nmea, const char *out, double rate_hz,
                                      double secs, double spacing_s, double ebn0_db,
                                      double ebn0_range_db, uint64_t seed)
{
    ais_modulate_config cfg;
    ais_modulate_config_default(&cfg);
    cfg.output = out;
    cfg.sample_rate_hz = rate_hz;
    cfg.ebn0_db = ebn0_db;
    cfg.ebn0_range_db = ebn0_range_db;
    cfg.freq_jitter_hz = 1000;
    cfg.spacing_s = spacing_s;
    cfg.time_jitter_s = 0;
    cfg.duration_s = secs;
    cfg.channel = AIS_MODULATE_CHANNEL_ALTERNATE;
    cfg.lead_s = 0.5;
    cfg.tail_s = 0.5;
    cfg.seed = seed;
    ais_modulate *m = ais_modulate_create(&cfg);
    FILE *f = m ? fopen(nmea, "r") : NULL;
    if (!f) {
        fprintf(stderr, "cannot read the NMEA source %s\n", nmea);
        ais_modulate_destroy(&m);
        return NULL;
    }
    char line[1024];
    double need = secs / spacing_s + 1;
    while (ais_modulate_get_stats(m)->messages < need) {
        uint64_t before = ais_modulate_get_stats(m)->messages;
        rewind(f);
        while (fgets(line, sizeof line, f) && ais_modulate_get_stats(m)->messages < need)
            ais_modulate_push_line(m, line, strlen(line));
        if (ais_modulate_get_stats(m)->messages == before)
            break; /* no AIS in the file */
    }
    fclose(f);
    if (ais_modulate_finish(m) != 0)
        ais_modulate_destroy(&m);
    return m;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Both receivers as whole processes on the same file (start-up, file reading and NMEA output
 * included), CPU = the child's user + system time from wait4.  Runs interleave (ours, peer,
 * peer, ours, ...) so a load change on the machine hits both alike; medians are compared. */
static int bench_cpu(const config *c)
{
    double secs = config_real(c, "cpu_seconds");
    int reps = (int)config_int(c, "repeats");
    const char *ours_bin = config_str(c, "ais_demod");
    char nmea[2048];
    if (*config_str(c, "nmea"))
        snprintf(nmea, sizeof nmea, "%s", config_str(c, "nmea"));
    else
        snprintf(nmea, sizeof nmea, "%s/nmea/pyais/nmea_data_sample.txt",
                 config_str(c, "datasets"));
    int have_peer = bu_peer() != NULL;
    printf("== cpu: whole-process CPU seconds per second of signal, %.0f s cu8 files of mixed "
           "traffic (the messages of %s in order, every type it holds, channels alternating), "
           "+-1 kHz; median of %d interleaved runs each\n",
           secs, nmea, reps);
    printf("   ours:        %s -r FILE --format cu8 -s RATE\n", ours_bin);
    printf("   AIS-catcher: %s -r CU8 FILE -s RATE -o 1\n", have_peer ? bu_peer() : "$AISCATCHER");
    printf("   command: dsp_bench --run cpu --cpu_seconds %.0f --repeats %d\n", secs, reps);
    if (access(ours_bin, X_OK) != 0) {
        printf("skipped: %s is not an executable (--ais_demod)\n", ours_bin);
        return 0;
    }
    struct {
        const char *name;
        double rate_hz, spacing_s, ebn0_db, range_db;
    } mixes[] = {
        {"mixed, Eb/N0 5..25 dB, 20 msg/s", 288000, 0.05, 5, 20},
        {"mixed, Eb/N0 5..25 dB, 20 msg/s", 1536000, 0.05, 5, 20},
        {"dense weak, Eb/N0 4 dB, 37 msg/s", 288000, 0.027, 4, 0},
        {"dense, Eb/N0 8..12 dB, 37 msg/s", 288000, 0.027, 8, 4},
    };
    printf("%-34s %9s %8s %12s %8s %12s %8s\n", "traffic", "rate_S/s", "sent", "ours_CPU_s/s",
           "decoded", "AISc_CPU_s/s", "decoded");
    double *to = calloc((size_t)reps, sizeof *to), *tp = calloc((size_t)reps, sizeof *tp);
    for (unsigned k = 0; k < sizeof mixes / sizeof mixes[0]; k++) {
        const char *file = dpath("cpu_mix%u_%.0fk.cu8", k, mixes[k].rate_hz / 1000);
        ais_modulate *m = make_mixed_scene(nmea, file, mixes[k].rate_hz, secs, mixes[k].spacing_s,
                                           mixes[k].ebn0_db, mixes[k].range_db, 99 + k);
        if (!m) {
            free(to);
            free(tp);
            return -1;
        }
        const ais_modulate_burst *sent;
        size_t ns = ais_modulate_bursts(m, &sent);
        double sig = ais_modulate_get_stats(m)->duration_s;
        char rate[32];
        snprintf(rate, sizeof rate, "%.0f", mixes[k].rate_hz);
        /* --sic only to turn it off: a receiver built before the option (a baseline) runs too */
        char *argo[] = {
            (char *)ours_bin, "-r", (char *)file, "--format", "cu8", "-s", rate, NULL, NULL};
        if (!config_bool(c, "sic"))
            argo[7] = "--sic=false";
        char *argp[] = {(char *)bu_peer(), "-r", "CU8", (char *)file, "-s", rate, "-o", "1", NULL};
        bu_match mo = {0}, mp = {0};
        int okp = have_peer;
        for (int r = 0; r < reps; r++) {
            for (int side = 0; side < 2; side++) {
                int peer_now = (side + r) % 2; /* ours first on even rounds, peer first on odd */
                if (peer_now && !okp)
                    continue;
                bu_set got = {0};
                int rc = bu_run_peer(peer_now ? argp : argo, -1, &got);
                if (rc != 0) {
                    fprintf(stderr, "%s failed on %s (exit %d)\n",
                            peer_now ? "AIS-catcher" : "ais_demod", file, got.exit_code);
                    if (!peer_now) {
                        bu_set_free(&got);
                        ais_modulate_destroy(&m);
                        free(to);
                        free(tp);
                        return -1;
                    }
                    okp = 0;
                }
                (peer_now ? tp : to)[r] = got.cpu_s;
                if (r == 0)
                    *(peer_now ? &mp : &mo) = bu_match_sent(sent, ns, &got);
                bu_set_free(&got);
            }
        }
        double mo_s = median(to, reps);
        printf("%-34s %9.0f %8zu %12.4f %8d", mixes[k].name, mixes[k].rate_hz, ns, mo_s / sig,
               mo.found);
        if (okp) {
            double mp_s = median(tp, reps);
            printf(" %12.4f %8d   ours/AIS-catcher CPU = %.2f", mp_s / sig, mp.found, mo_s / mp_s);
        } else {
            printf(" %12s", have_peer ? "failed" : "-");
        }
        printf("   (%.0f s signal; false: ours %d", sig, mo.extra);
        if (okp)
            printf(", AIS-catcher %d", mp.extra);
        printf(")\n");
        fflush(stdout);
        ais_modulate_destroy(&m);
    }
    if (!have_peer)
        printf("(AIS-catcher columns skipped: AISCATCHER is not set)\n");
    free(to);
    free(tp);
    return 0;
}

/* Count the reference messages found (with multiplicity) and our distinct extras. */
static void ref_compare(const bu_set *ref, const bu_set *got, int *found, int *extra)
{
    *found = 0;
    *extra = 0;
    char *used = calloc(got->n ? got->n : 1, 1);
    for (size_t i = 0; i < ref->n; i++) {
        for (size_t j = 0; j < got->n; j++) {
            if (!used[j] && got->v[j].nbits == ref->v[i].nbits &&
                memcmp(got->v[j].bits, ref->v[i].bits, (ref->v[i].nbits + 7) / 8) == 0) {
                used[j] = 1;
                (*found)++;
                break;
            }
        }
    }
    for (size_t j = 0; j < got->n; j++) {
        if (bu_set_has(ref, got->v[j].bits, got->v[j].nbits))
            continue;
        int dup = 0;
        for (size_t k = 0; k < j && !dup; k++)
            dup = got->v[k].nbits == got->v[j].nbits &&
                  memcmp(got->v[k].bits, got->v[j].bits, (got->v[j].nbits + 7) / 8) == 0;
        *extra += !dup;
    }
    free(used);
}

static int bench_longbeach(const config *c)
{
    const char *ds = config_str(c, "datasets");
    char wav[2048], refp[2048];
    snprintf(wav, sizeof wav, "%s/radio/long-beach/_LA_LB_Snippet16_Proc.wav", ds);
    snprintf(refp, sizeof refp, "%s/radio/long-beach/reference-decode-aiscatcher-v0.70.nmea", ds);
    printf("== longbeach: real FM-discriminator recording (48 kS/s mono, 41.3 s); reference = "
           "AIS-catcher v0.70 -m 3 (112 messages)\n");
    printf("   command: dsp_bench --run longbeach --datasets %s\n", ds);
    FILE *rf = fopen(refp, "r");
    if (!rf || access(wav, R_OK) != 0) {
        printf("skipped: %s or its reference not found\n", wav);
        if (rf)
            fclose(rf);
        return 0;
    }
    bu_set ref = {0};
    nmea_assembler *a = nmea_assembler_create(NULL);
    char line[1024];
    nmea_message msg;
    while (fgets(line, sizeof line, rf))
        if (nmea_assembler_push(a, line, strlen(line), NMEA_TIME_NONE, &msg) == 1)
            bu_set_add(&ref, msg.bits, msg.nbits, msg.channel);
    fclose(rf);
    nmea_assembler_destroy(&a);
    bu_set ours = {0};
    if (bu_decode_ours(wav, 0, &ours) != 0)
        return -1;
    int found, extra;
    ref_compare(&ref, &ours, &found, &extra);
    printf("reference messages: %zu\n", ref.n);
    printf("ours: %zu messages, %d of the %zu reference messages, %d extra (distinct payloads "
           "not in the reference), %.4f CPU s/s\n",
           ours.n, found, ref.n, extra, ours.cpu_s / ours.signal_s);
    if (bu_peer()) {
        /* AIS-catcher reads only 2-channel WAV: the audio as I, Q = 0, with its discriminator
         * model (-m 3), which is how the reference was made */
        const char *iq = dpath("longbeach_iq.wav");
        iqfile_reader *r = iqfile_open(wav, NULL);
        iqfile_writer_options wo = {.format = IQFILE_FORMAT_WAV,
                                    .kind = IQFILE_KIND_COMPLEX,
                                    .sample = IQFILE_SAMPLE_S16,
                                    .sample_rate_hz = 48000};
        iqfile_writer *w = r ? iqfile_create(iq, &wo) : NULL;
        float buf[8192];
        float complex z[8192];
        long n;
        while (w && (n = iqfile_read_real(r, buf, 8192)) > 0) {
            for (long i = 0; i < n; i++)
                z[i] = buf[i];
            iqfile_write_cf32(w, z, (size_t)n);
        }
        iqfile_writer_close(&w);
        iqfile_close(&r);
        bu_set peer = {0};
        char *argv[] = {(char *)bu_peer(), "-w", (char *)iq, "-m", "3", "-o", "1", NULL};
        if (bu_run_peer(argv, -1, &peer) == 0) {
            int pf, pe;
            ref_compare(&ref, &peer, &pf, &pe);
            printf("AIS-catcher (this binary, -m 3): %zu messages, %d of the reference, %d extra, "
                   "%.4f CPU s/s; ours/AIS-catcher messages = %.3f\n",
                   peer.n, pf, pe, peer.cpu_s / ours.signal_s,
                   peer.n ? (double)ours.n / peer.n : 0);
        }
        bu_set_free(&peer);
    } else {
        printf("(AIS-catcher run skipped: AISCATCHER is not set; the reference is its v0.70 "
               "output)\n");
    }
    bu_set_free(&ours);
    bu_set_free(&ref);
    return 0;
}

static int bench_noise(const config *c)
{
    const double rate = 288000;
    double secs = config_real(c, "noise_seconds");
    printf("== noise: false decodes on %.0f s of pure noise at 288 kS/s, quantised as cu8 "
           "(noise -25 dBFS), generated on the fly\n",
           secs);
    printf("   command: dsp_bench --run noise --noise_seconds %.0f\n", secs);
    ais_mod_config mc = {.sample_rate_hz = rate,
                         .center_hz = 162e6,
                         .noise_dbfs = -25,
                         .add_noise = 1,
                         .seed = 31337};
    ais_mod *mod = ais_mod_create(&mc);
    ais_demod_config dc;
    ais_demod_config_default(&dc, rate);
    dc.sic = config_bool(c, "sic") ? 1 : -1;
    ais_demod *q = ais_demod_create(&dc);
    if (!mod || !q)
        return -1;
    int pipe_fd = -1;
    bu_peer_proc *pp = NULL;
    if (bu_peer()) {
        char *argv[] = {(char *)bu_peer(), "-r", "CU8", ".", "-s", "288000", "-o", "1", NULL};
        pp = bu_peer_start(argv, &pipe_fd);
    }
    enum { BLK = 65536 };
    float complex *x = malloc(BLK * sizeof *x);
    uint8_t *u8 = malloc(2 * BLK);
    uint64_t total = (uint64_t)(secs * rate), frames = 0;
    double cpu = 0;
    ais_demod_frame f;
    for (uint64_t pos = 0; pos < total;) {
        size_t n = total - pos < BLK ? (size_t)(total - pos) : BLK;
        ais_mod_render(mod, x, n);
        float *v = (float *)x;
        for (size_t i = 0; i < 2 * n; i++) { /* what an rtl_sdr file would hold */
            long q8 = lrintf(v[i] * 127.5f + 127.5f);
            u8[i] = (uint8_t)(q8 < 0 ? 0 : q8 > 255 ? 255 : q8);
            v[i] = (u8[i] - 127.5f) / 127.5f;
        }
        if (pipe_fd >= 0) {
            size_t off = 0;
            while (off < 2 * n) {
                ssize_t k = write(pipe_fd, u8 + off, 2 * n - off);
                if (k <= 0) {
                    fprintf(stderr, "AIS-catcher stopped reading\n");
                    close(pipe_fd);
                    pipe_fd = -1;
                    break;
                }
                off += (size_t)k;
            }
        }
        double t0 = bu_cpu_self();
        ais_demod_process_cf32(q, x, n);
        cpu += bu_cpu_self() - t0;
        while (ais_demod_pop(q, &f))
            frames++;
        pos += n;
    }
    ais_demod_flush(q);
    while (ais_demod_pop(q, &f))
        frames++;
    ais_demod_stats st;
    ais_demod_get_stats(q, &st);
    printf("ours: %llu false frames in %.0f s (%.2f per hour; %llu candidates, %llu CRC "
           "failures), %.4f CPU s/s\n",
           (unsigned long long)frames, secs, frames * 3600.0 / secs,
           (unsigned long long)st.candidates, (unsigned long long)st.crc_fail, cpu / secs);
    if (pp) {
        if (pipe_fd >= 0)
            close(pipe_fd);
        bu_set peer = {0};
        bu_peer_wait(&pp, &peer);
        printf("AIS-catcher: %zu false messages (%.2f per hour), %.4f CPU s/s\n", peer.n,
               peer.n * 3600.0 / secs, peer.cpu_s / secs);
        bu_set_free(&peer);
    } else {
        printf("(AIS-catcher skipped: AISCATCHER is not set)\n");
    }
    free(x);
    free(u8);
    ais_mod_destroy(&mod);
    ais_demod_destroy(&q);
    return 0;
}

static int bench_offsets(const config *c)
{
    const double rate = 288000;
    int nb = (int)config_int(c, "offset_bursts");
    int np = (int)config_int(c, "collision_pairs");
    int have_peer = bu_peer() != NULL;
    double oe = config_real(c, "offset_ebn0_db");
    printf("== offsets: tuning error at Eb/N0 %.1f dB, 288 kS/s cu8, %d bursts a point "
           "(A/B alternating), +-200 Hz spread on top\n",
           oe, nb);
    printf("   command: dsp_bench --run offsets --offset_bursts %d --collision_pairs %d "
           "--offset_ebn0_db %.1f --sic %s\n",
           nb, np, oe, config_bool(c, "sic") ? "true" : "false");
    printf("%6s %10s %12s %7s", "ppm", "offset_Hz", "ours", "share");
    if (have_peer)
        printf(" %12s %7s", "AIS-catcher", "share");
    printf("\n");
    static const double ppms[] = {-60, -45, -30, -15, 0, 15, 30, 45, 60};
    scene_msg *msgs = calloc((size_t)(nb > 2 * np ? nb : 2 * np), sizeof *msgs);
    for (unsigned k = 0; k < sizeof ppms / sizeof ppms[0]; k++) {
        uint64_t rng = 500 + k;
        for (int i = 0; i < nb; i++) {
            bu_random_msg(&rng, msgs[i].bits);
            msgs[i].channel = (i & 1) ? 'B' : 'A';
            msgs[i].t_s = NAN;
        }
        ais_modulate_config cfg;
        ais_modulate_config_default(&cfg);
        cfg.output = dpath("offset_%+03.0fppm.cu8", ppms[k]);
        cfg.sample_rate_hz = rate;
        cfg.ebn0_db = oe;
        cfg.ppm = ppms[k];
        cfg.freq_jitter_hz = 200;
        cfg.spacing_s = 0.04;
        cfg.time_jitter_s = 0.01;
        cfg.seed = 70 + k;
        ais_modulate *m = make_scene(&cfg, msgs, (size_t)nb);
        if (!m)
            return -1;
        const ais_modulate_burst *sent;
        size_t ns = ais_modulate_bursts(m, &sent);
        bu_set ours = {0}, peer = {0};
        if (bu_decode_ours(cfg.output, rate, &ours) != 0)
            return -1;
        bu_match mo = bu_match_sent(sent, ns, &ours);
        printf("%+6.0f %+10.0f %5d/%-6d %7.3f", ppms[k], ppms[k] * 1e-6 * 162e6, mo.found, mo.sent,
               (double)mo.found / mo.sent);
        if (have_peer && peer_cu8(cfg.output, rate, &peer) == 0) {
            bu_match mp = bu_match_sent(sent, ns, &peer);
            printf(" %5d/%-6d %7.3f", mp.found, mp.sent, (double)mp.found / mp.sent);
        }
        printf("\n");
        fflush(stdout);
        bu_set_free(&ours);
        bu_set_free(&peer);
        ais_modulate_destroy(&m);
    }
    if (!have_peer)
        printf("(AIS-catcher columns skipped: AISCATCHER is not set)\n");

    printf("== collisions: %d pairs a point on one channel, stronger at Eb/N0 20 dB, the weaker "
           "D dB below starting within +-13 ms (half a burst) of it, +-1 kHz each\n",
           np);
    printf("%6s %12s %7s %12s", "D_dB", "ours strong", "share", "ours weak");
    if (have_peer)
        printf(" %12s %7s %12s", "AISc strong", "share", "AISc weak");
    printf("\n");
    static const double deltas[] = {3, 4, 5, 6, 7, 8, 9, 10};
    for (unsigned k = 0; k < sizeof deltas / sizeof deltas[0]; k++) {
        uint64_t rng = 900 + k;
        for (int i = 0; i < np; i++) {
            scene_msg *s = &msgs[2 * i], *w = &msgs[2 * i + 1];
            bu_random_msg(&rng, s->bits);
            bu_random_msg(&rng, w->bits);
            s->channel = w->channel = (i & 1) ? 'B' : 'A';
            s->t_s = 0.5 + 0.015 + i * 0.1;
            w->t_s = s->t_s + (2 * bu_uniform(&rng) - 1) * 0.0133;
            s->level_db = 0;
            w->level_db = -deltas[k];
        }
        ais_modulate_config cfg;
        ais_modulate_config_default(&cfg);
        cfg.output = dpath("collision_%02.0fdB.cu8", deltas[k]);
        cfg.sample_rate_hz = rate;
        cfg.ebn0_db = 20;
        cfg.freq_jitter_hz = 1000;
        cfg.have_start = 1;
        cfg.start_unix_s = 0;
        cfg.pack_same_time = 0;
        cfg.seed = 170 + k;
        ais_modulate *m = make_scene(&cfg, msgs, (size_t)(2 * np));
        if (!m)
            return -1;
        bu_set ours = {0}, peer = {0};
        if (bu_decode_ours(cfg.output, rate, &ours) != 0)
            return -1;
        int have_p = have_peer && peer_cu8(cfg.output, rate, &peer) == 0;
        int so = 0, wo = 0, sp = 0, wp = 0;
        for (int i = 0; i < np; i++) {
            so += bu_set_has(&ours, msgs[2 * i].bits, 168);
            wo += bu_set_has(&ours, msgs[2 * i + 1].bits, 168);
            if (have_p) {
                sp += bu_set_has(&peer, msgs[2 * i].bits, 168);
                wp += bu_set_has(&peer, msgs[2 * i + 1].bits, 168);
            }
        }
        printf("%6.0f %5d/%-6d %7.3f %5d/%-6d", deltas[k], so, np, (double)so / np, wo, np);
        if (have_p)
            printf(" %5d/%-6d %7.3f %5d/%-6d", sp, np, (double)sp / np, wp, np);
        printf("\n");
        fflush(stdout);
        bu_set_free(&ours);
        bu_set_free(&peer);
        ais_modulate_destroy(&m);
    }
    if (!have_peer)
        printf("(AIS-catcher columns skipped: AISCATCHER is not set)\n");
    free(msgs);
    return 0;
}

int main(int argc, char **argv)
{
    int rc;
    config *cfg = command_config("dsp_bench", bench_options,
                                 "Demodulator benchmarks against AIS-catcher ($AISCATCHER).", argc,
                                 argv, &rc);
    if (!cfg)
        return rc;
    g_dir = config_str(cfg, "data_dir");
    bu_set_sic(config_bool(cfg, "sic"));
    mkdir(g_dir, 0777);
    const char *run = config_str(cfg, "run");
    int all = strcmp(run, "all") == 0, known = 0;
    printf("AIS-catcher: %s\n", bu_peer() ? bu_peer() : "(AISCATCHER not set: ours only)");
    struct {
        const char *name;
        int (*fn)(const config *);
    } benches[] = {{"per", bench_per},
                   {"cpu", bench_cpu},
                   {"longbeach", bench_longbeach},
                   {"offsets", bench_offsets},
                   {"noise", bench_noise}};
    for (unsigned i = 0; i < sizeof benches / sizeof benches[0] && rc == 0; i++) {
        if (!all && strcmp(run, benches[i].name) != 0)
            continue;
        known = 1;
        rc = benches[i].fn(cfg);
        fflush(stdout);
    }
    if (!known) {
        log_error("unknown bench '%s' (per, cpu, longbeach, noise, offsets, all)", run);
        rc = 2;
    }
    config_destroy(&cfg);
    return rc == 0 ? 0 : 1;
}
