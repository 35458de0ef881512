/* SigMF recording of a running source; see recorder.h.
 *
 * The samples go through pipeline/iqfile's writer (which writes the data file and a basic
 * .sigmf-meta at close); the capture segments and core:datetime are then merged into that
 * metadata here, since only the source knows where the stream skipped. */
#include "recorder.h"

#include "centinela/iqfile.h"
#include "centinela/log.h"

#include <complex.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct segment {
    uint64_t sample_start; /* index in the recording */
    int64_t time_ns;       /* event time of that sample */
};

struct sdr_recorder {
    iqfile_writer *w;
    char *base; /* path without .sigmf-* */
    char *hw;
    bool complex_iq;
    double center_hz;
    uint64_t written;
    uint64_t next_index; /* stream index expected next */
    bool failed;
    struct segment *seg;
    size_t n_seg, cap_seg;
};

void recorder_format_datetime(int64_t t_ns, char *out, size_t cap)
{
    int64_t s = t_ns >= 0 ? t_ns / 1000000000 : (t_ns - 999999999) / 1000000000;
    long us = (long)((t_ns - s * 1000000000) / 1000);
    time_t tt = (time_t)s;
    struct tm tm;
    gmtime_r(&tt, &tm);
    char day[24];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, cap, "%s.%06ldZ", day, us);
}

/* Expand strftime escapes with the UTC time t_ns and strip a .sigmf-meta/-data extension. */
static char *expand_path(const char *pattern, int64_t t_ns)
{
    time_t tt = (time_t)(t_ns / 1000000000);
    struct tm tm;
    gmtime_r(&tt, &tm);
    size_t cap = strlen(pattern) * 4 + 64;
    char *out = x_malloc(cap);
    if (strchr(pattern, '%')) {
    /* The pattern is the user's strftime format by design (a path with %Y%m%d...). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        if (strftime(out, cap, pattern, &tm) == 0)
            snprintf(out, cap, "%s", pattern);
#pragma GCC diagnostic pop
    } else {
        snprintf(out, cap, "%s", pattern);
    }
    size_t k = strlen(out);
    if (k > 11 &&
        (strcmp(out + k - 11, ".sigmf-meta") == 0 || strcmp(out + k - 11, ".sigmf-data") == 0))
        out[k - 11] = 0;
    return out;
}

static void add_segment(sdr_recorder *r, uint64_t start, int64_t t_ns)
{
    if (r->n_seg == r->cap_seg) {
        r->cap_seg = r->cap_seg ? r->cap_seg * 2 : 8;
        r->seg = x_realloc(r->seg, r->cap_seg * sizeof *r->seg);
    }
    r->seg[r->n_seg++] = (struct segment){start, t_ns};
}

sdr_recorder *recorder_create(const char *path, const source_info *info, const char *hw,
                              int64_t first_time_ns)
{
    char *base = expand_path(path, first_time_ns);
    size_t k = strlen(base) + 16;
    char *data = x_malloc(k);
    snprintf(data, k, "%s.sigmf-data", base);
    iqfile_writer_options o = {
        .format = IQFILE_FORMAT_SIGMF,
        .kind = info->complex_iq ? IQFILE_KIND_COMPLEX : IQFILE_KIND_REAL,
        /* Live dongles deliver cu8: store exactly those bytes.  Replays are stored as float,
         * which holds every input format exactly. */
        .sample = info->live && info->complex_iq ? IQFILE_SAMPLE_U8 : IQFILE_SAMPLE_F32,
        .sample_rate_hz = info->sample_rate_hz,
        .center_hz = info->center_hz,
    };
    iqfile_writer *w = iqfile_create(data, &o);
    free(data);
    if (!w) {
        free(base);
        return NULL;
    }
    sdr_recorder *r = x_calloc(1, sizeof *r);
    r->w = w;
    r->base = base;
    r->hw = x_strdup(hw ? hw : "");
    r->complex_iq = info->complex_iq;
    r->center_hz = info->center_hz;
    return r;
}

int recorder_write(sdr_recorder *r, const source_block *b, double rate_hz)
{
    if (r->failed)
        return -1;
    if (r->n_seg == 0 || b->first_sample != r->next_index)
        add_segment(r, r->written,
                    b->start_time_ns + (int64_t)((double)b->first_sample * 1e9 / rate_hz));
    int rc = r->complex_iq ? iqfile_write_cf32(r->w, (const float complex *)b->samples, b->count)
                           : iqfile_write_real(r->w, b->samples, b->count);
    if (rc != 0) {
        log_error("%s.sigmf-data: write failed; recording stopped (the stream goes on)", r->base);
        r->failed = true;
        return -1;
    }
    r->written += b->count;
    r->next_index = b->first_sample + b->count;
    return 0;
}

uint64_t recorder_samples(const sdr_recorder *r)
{
    return r->written;
}

const char *recorder_path(const sdr_recorder *r)
{
    return r->base;
}

/* Replace captures[] with one segment per contiguous run, each with core:datetime. */
static int merge_meta(sdr_recorder *r)
{
    size_t k = strlen(r->base) + 16;
    char *meta = x_malloc(k);
    snprintf(meta, k, "%s.sigmf-meta", r->base);
    json_error_t err;
    json_t *root = json_load_file(meta, 0, &err);
    int rc = -1;
    if (!root) {
        log_error("%s: cannot read back: %s", meta, err.text);
        free(meta);
        return -1;
    }
    json_t *global = json_object_get(root, "global");
    json_t *caps = json_array();
    for (size_t i = 0; i < r->n_seg; i++) {
        char dt[48];
        recorder_format_datetime(r->seg[i].time_ns, dt, sizeof dt);
        json_array_append_new(caps, json_pack("{s:I,s:f,s:s}", "core:sample_start",
                                              (json_int_t)r->seg[i].sample_start, "core:frequency",
                                              r->center_hz, "core:datetime", dt));
    }
    if (r->n_seg == 0)
        json_array_append_new(
            caps, json_pack("{s:i,s:f}", "core:sample_start", 0, "core:frequency", r->center_hz));
    json_object_set_new(root, "captures", caps);
    if (json_is_object(global)) {
        if (*r->hw)
            json_object_set_new(global, "core:hw", json_string(r->hw));
        json_object_set_new(global, "core:description",
                            json_string(r->n_seg > 1 ? "sdr_source recording; samples were "
                                                       "skipped where a new capture starts"
                                                     : "sdr_source recording"));
    }
    if (json_dump_file(root, meta, JSON_INDENT(2)) == 0)
        rc = 0;
    else
        log_error("%s: cannot write", meta);
    json_decref(root);
    free(meta);
    return rc;
}

int recorder_close(sdr_recorder **pr)
{
    if (!pr || !*pr)
        return 0;
    sdr_recorder *r = *pr;
    int rc = iqfile_writer_close(&r->w);
    if (rc == 0)
        rc = merge_meta(r);
    if (rc == 0)
        log_info("recorded %llu samples to %s.sigmf-data (%zu capture segment%s)",
                 (unsigned long long)r->written, r->base, r->n_seg, r->n_seg == 1 ? "" : "s");
    free(r->base);
    free(r->hw);
    free(r->seg);
    free(r);
    *pr = NULL;
    return rc;
}
