/* file: play a recording (pipeline/iqfile formats) as a sample stream.
 *
 * Event time comes from the sample index: sample k happened at start_time + k / rate.  Pacing
 * "fast" goes as fast as downstream takes it; "realtime" sleeps to keep to the recording's rate.
 *
 * A file whose size is not a whole number of samples (an odd-length cu8, a cs16 cut mid-sample, a
 * WAV whose data chunk runs past the end of the file) is truncated or not in the format believed:
 * it is refused before anything is published unless `truncated = play`, which plays the whole
 * samples and drops the tail with a warning.  A pipe (stdin) cannot be checked up front; its
 * trailing partial sample is dropped, warned about and counted. */
#include "source.h"

#include "centinela/iqfile.h"
#include "centinela/log.h"

#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct source {
    iqfile_reader *r;
    const iqfile_info *info;
    int64_t start_ns;
    bool realtime;
    size_t block;
    float *samples;
    uint64_t next_index;
    double t0_s;
};

static const char *const format_names = "cu8, cs8, cs16, cf32, wav, sigmf, num";

static int64_t file_size(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    return (int64_t)st.st_size;
}

/* Bytes of one sample (all its components) for raw and SigMF data. */
static int sample_bytes(const iqfile_info *i)
{
    static const int comp[] = {1, 1, 2, 4, 0};
    int c = (unsigned)i->sample < 5 ? comp[i->sample] : 0;
    return c * (i->kind == IQFILE_KIND_COMPLEX ? 2 : 1);
}

/* Bytes by which a seekable file falls short of whole samples (0: none, -1: cannot tell). */
static int64_t truncation(const char *path, const iqfile_info *info)
{
    int unit = sample_bytes(info);
    if (unit <= 0 || strcmp(path, "-") == 0)
        return -1;
    switch (info->format) {
    case IQFILE_FORMAT_CU8:
    case IQFILE_FORMAT_CS8:
    case IQFILE_FORMAT_CS16:
    case IQFILE_FORMAT_CF32: {
        int64_t size = file_size(path);
        return size < 0 ? -1 : size % unit;
    }
    case IQFILE_FORMAT_SIGMF: {
        /* The data file beside the meta, whichever of the two was named. */
        size_t k = strlen(path);
        char *data = x_malloc(k + 16);
        const char *dot = strrchr(path, '.');
        size_t base = (dot && strncmp(dot, ".sigmf-", 7) == 0) ? (size_t)(dot - path) : k;
        snprintf(data, k + 16, "%.*s.sigmf-data", (int)base, path);
        int64_t size = file_size(data);
        free(data);
        return size < 0 ? -1 : size % unit;
    }
    case IQFILE_FORMAT_WAV: {
        /* 44 bytes is the smallest header (RIFF 12 + fmt 8+16 + data 8): a file smaller than
         * that plus the data chunk the header announces is surely cut short. */
        int64_t size = file_size(path);
        if (size < 0 || info->total_samples < 0)
            return -1;
        int64_t want = 44 + info->total_samples * unit;
        return size < want ? want - size : 0;
    }
    default:
        return -1;
    }
}

static source *file_open(const source_settings *cfg, source_info *info, int *exit_code)
{
    *exit_code = 2;
    if (*cfg->device_arg) {
        log_error("device 'file:%s': the file backend takes `input`, not a device argument",
                  cfg->device_arg);
        return NULL;
    }
    iqfile_options opt = {.sample_rate_hz = cfg->rate_hz, .center_hz = cfg->center_hz};
    if (*cfg->format && iqfile_format_parse(cfg->format, &opt.format) != 0) {
        log_error("format '%s' is not one of %s", cfg->format, format_names);
        return NULL;
    }
    if (!*cfg->input) {
        log_error("no input: give --input FILE (or input = in the config file)");
        return NULL;
    }
    if (opt.format == IQFILE_FORMAT_AUTO &&
        iqfile_format_from_path(cfg->input) == IQFILE_FORMAT_AUTO) {
        log_error("%s: cannot tell the sample format from the name; give format = (%s)", cfg->input,
                  format_names);
        return NULL;
    }
    if (cfg->rate_hz != 0 &&
        !(cfg->rate_hz >= IQFILE_MIN_RATE_HZ && cfg->rate_hz <= IQFILE_MAX_RATE_HZ)) {
        log_error("rate_hz %.0f is outside [%.0f, %.0f] S/s", cfg->rate_hz, IQFILE_MIN_RATE_HZ,
                  IQFILE_MAX_RATE_HZ);
        return NULL;
    }
    /* A file that cannot be read or whose metadata is broken is an input error: a restart
     * cannot mend it (exit 2: the launcher ends the graph with the reason instead). */
    iqfile_reader *r = iqfile_open(cfg->input, &opt);
    if (!r)
        return NULL;
    const iqfile_info *fi = iqfile_get_info(r);
    int64_t cut = truncation(cfg->input, fi);
    if (cut > 0) {
        if (!cfg->play_truncated) {
            if (fi->format == IQFILE_FORMAT_WAV)
                log_error(
                    "%s: truncated: the WAV header announces %lld byte(s) more than the file "
                    "holds (a capture cut short?); set truncated = play to play what is there",
                    cfg->input, (long long)cut);
            else
                log_error("%s: truncated: %lld byte(s) beyond a whole number of %s samples (wrong "
                          "format, or a capture cut short?); set truncated = play to play the "
                          "whole samples",
                          cfg->input, (long long)cut, iqfile_format_name(fi->format));
            iqfile_close(&r);
            *exit_code = 2;
            return NULL;
        }
        log_warn("%s: truncated by %lld byte(s); playing the whole samples (truncated = play)",
                 cfg->input, (long long)cut);
    }
    source *s = x_calloc(1, sizeof *s);
    s->r = r;
    s->info = fi;
    /* Configured start time first, then the recording's own (SigMF core:datetime). */
    s->start_ns = cfg->start_time_ns ? cfg->start_time_ns : fi->start_time_ns;
    s->realtime = cfg->realtime;
    s->block = cfg->block_samples;
    s->samples = x_malloc(s->block * 2 * sizeof(float));
    info->sample_rate_hz = fi->sample_rate_hz;
    info->center_hz = fi->center_hz;
    info->complex_iq = fi->kind == IQFILE_KIND_COMPLEX;
    info->live = false;
    info->total_samples = fi->total_samples;
    if (fi->audio_channels == 2)
        log_warn("%s: stereo discriminator audio: publishing the left channel (A) only; "
                 "`ais_demod -r %s` decodes both",
                 cfg->input, cfg->input);
    snprintf(info->description, sizeof info->description, "%s: %s %s, %.0f S/s, centre %.6f MHz",
             cfg->input, iqfile_format_name(fi->format),
             info->complex_iq ? "complex IQ" : "discriminator audio", fi->sample_rate_hz,
             fi->center_hz / 1e6);
    return s;
}

static int file_start(source *s)
{
    s->t0_s = source_mono_s();
    return 0;
}

static int file_read(source *s, source_block *out, int timeout_ms)
{
    (void)timeout_ms;
    bool complex_iq = s->info->kind == IQFILE_KIND_COMPLEX;
    bool stereo = !complex_iq && s->info->audio_channels == 2;
    long got = complex_iq ? iqfile_read_cf32(s->r, (float complex *)s->samples, s->block)
                          : iqfile_read_real(s->r, s->samples, stereo ? 2 * s->block : s->block);
    if (got < 0)
        return SOURCE_FAIL;
    if (stereo) { /* left of each pair (the wire's audio is one channel) */
        for (long i = 0; i < got / 2; i++)
            s->samples[i] = s->samples[2 * i];
        got /= 2;
    }
    if (got == 0)
        return SOURCE_END;
    if (s->realtime) {
        /* Sleep until the wall clock catches up with the recording (pacing only). */
        double due = (double)s->next_index / s->info->sample_rate_hz;
        double el = source_mono_s() - s->t0_s;
        if (due > el) {
            double d = due - el;
            struct timespec ts = {(time_t)d, (long)((d - floor(d)) * 1e9)};
            nanosleep(&ts, NULL);
        }
    }
    out->samples = s->samples;
    out->count = (uint32_t)got;
    out->first_sample = s->next_index;
    out->start_time_ns = s->start_ns;
    s->next_index += (uint64_t)got;
    return SOURCE_BLOCK;
}

static void file_stop(source *s)
{
    (void)s;
}

static void file_stats(const source *s, source_stats *out)
{
    memset(out, 0, sizeof *out);
    out->truncated_bytes = s->info->truncated_bytes;
}

static void file_close(source **ps)
{
    if (!ps || !*ps)
        return;
    source *s = *ps;
    iqfile_close(&s->r);
    free(s->samples);
    free(s);
    *ps = NULL;
}

const source_backend source_file = {
    .name = "file",
    .syntax = "file (or empty): play `input` (cu8, cs8, cs16, cf32, wav, sigmf, num; - = stdin)",
    .open = file_open,
    .start = file_start,
    .read = file_read,
    .stop = file_stop,
    .get_stats = file_stats,
    .close = file_close,
};
