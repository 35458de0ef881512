/* IQ and audio file writers (used by the modulator and by tests).
 *
 * Quantisation rounds to nearest and clips at full scale; clipped samples are counted so a
 * caller can tell that a scene was too loud.  WAV headers are written first with the sizes of an
 * empty file and patched on close when the output is seekable (stdout keeps "unknown" sizes,
 * which readers, ours included, take as "to end of file").
 */
#include "centinela/iqfile.h"

#include "centinela/log.h"
#include "iqfile_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct iqfile_writer {
    FILE *f;
    char *path;      /* data path */
    char *meta_path; /* SigMF only */
    iqfile_writer_options opt;
    unsigned channels, bytes_per_comp;
    uint64_t data_bytes;
    uint64_t clipped;
    uint8_t *buf;
    size_t cap;
    int failed;
};

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int write_wav_header(iqfile_writer *w, uint64_t data_bytes, int streaming)
{
    uint8_t h[44];
    uint32_t size = streaming || data_bytes > 0xFFFFFFF0u ? 0xFFFFFFFFu : (uint32_t)data_bytes;
    memcpy(h, "RIFF", 4);
    put32(h + 4, size == 0xFFFFFFFFu ? size : size + 36);
    memcpy(h + 8, "WAVEfmt ", 8);
    put32(h + 16, 16);
    put16(h + 20, w->opt.sample == IQFILE_SAMPLE_F32 ? 3 : 1);
    put16(h + 22, w->channels);
    put32(h + 24, (uint32_t)w->opt.sample_rate_hz);
    put32(h + 28, (uint32_t)(w->opt.sample_rate_hz * w->channels * w->bytes_per_comp));
    put16(h + 32, w->channels * w->bytes_per_comp);
    put16(h + 34, 8 * w->bytes_per_comp);
    memcpy(h + 36, "data", 4);
    put32(h + 40, size);
    return fwrite(h, 1, sizeof h, w->f) == sizeof h ? 0 : -1;
}

static const char *sigmf_datatype(const iqfile_writer_options *o)
{
    static const char *c[] = {"cu8", "ci8", "ci16_le", "cf32_le"};
    static const char *r[] = {"ru8", "ri8", "ri16_le", "rf32_le"};
    return o->kind == IQFILE_KIND_COMPLEX ? c[o->sample] : r[o->sample];
}

iqfile_writer *iqfile_create(const char *path, const iqfile_writer_options *opt)
{
    if (!path || !opt) {
        log_error("iqfile_create: no path or options");
        return NULL;
    }
    iqfile_writer_options o = *opt;
    if (o.format == IQFILE_FORMAT_AUTO)
        o.format = iqfile_format_from_path(path);
    if (iqfile_rate_ok(o.sample_rate_hz, path) != 0)
        return NULL;
    switch (o.format) {
    case IQFILE_FORMAT_CU8:
        o.sample = IQFILE_SAMPLE_U8, o.kind = IQFILE_KIND_COMPLEX;
        break;
    case IQFILE_FORMAT_CS8:
        o.sample = IQFILE_SAMPLE_S8, o.kind = IQFILE_KIND_COMPLEX;
        break;
    case IQFILE_FORMAT_CS16:
        o.sample = IQFILE_SAMPLE_S16, o.kind = IQFILE_KIND_COMPLEX;
        break;
    case IQFILE_FORMAT_CF32:
        o.sample = IQFILE_SAMPLE_F32, o.kind = IQFILE_KIND_COMPLEX;
        break;
    case IQFILE_FORMAT_WAV:
        if (o.sample != IQFILE_SAMPLE_U8 && o.sample != IQFILE_SAMPLE_S16 &&
            o.sample != IQFILE_SAMPLE_F32) {
            log_error("%s: WAV samples are u8, s16 or f32", path);
            return NULL;
        }
        break;
    case IQFILE_FORMAT_SIGMF:
        if ((unsigned)o.sample > IQFILE_SAMPLE_F32) {
            log_error("%s: bad SigMF sample encoding", path);
            return NULL;
        }
        break;
    default:
        log_error("%s: cannot write format '%s' (cu8, cs8, cs16, cf32, wav, sigmf)", path,
                  iqfile_format_name(o.format));
        return NULL;
    }
    iqfile_writer *w = x_calloc(1, sizeof *w);
    w->opt = o;
    w->channels = o.kind == IQFILE_KIND_COMPLEX ? 2 : 1;
    w->bytes_per_comp = o.sample == IQFILE_SAMPLE_S16 ? 2 : o.sample == IQFILE_SAMPLE_F32 ? 4 : 1;
    if (o.format == IQFILE_FORMAT_SIGMF) {
        char *base = iqfile_sigmf_base(path);
        size_t n = strlen(base) + 16;
        w->path = x_malloc(n);
        w->meta_path = x_malloc(n);
        snprintf(w->path, n, "%s.sigmf-data", base);
        snprintf(w->meta_path, n, "%s.sigmf-meta", base);
        free(base);
    } else {
        w->path = x_strdup(path);
    }
    if (strcmp(path, "-") == 0 && o.format != IQFILE_FORMAT_SIGMF)
        w->f = stdout;
    else
        w->f = fopen(w->path, "wb");
    if (!w->f) {
        log_error("%s: %s", w->path, strerror(errno));
        free(w->path);
        free(w->meta_path);
        free(w);
        return NULL;
    }
    if (o.format == IQFILE_FORMAT_WAV && write_wav_header(w, 0, w->f == stdout) != 0) {
        log_error("%s: write error", w->path);
        w->failed = 1;
    }
    return w;
}

static inline float clip(iqfile_writer *w, float v, float lo, float hi)
{
    if (v < lo) {
        w->clipped++;
        return lo;
    }
    if (v > hi) {
        w->clipped++;
        return hi;
    }
    return v;
}

static int write_components(iqfile_writer *w, const float *x, size_t n)
{
    if (w->failed)
        return -1;
    size_t bytes = n * w->bytes_per_comp;
    if (bytes > w->cap) {
        w->cap = bytes;
        w->buf = x_realloc(w->buf, bytes);
    }
    uint8_t *b = w->buf;
    switch (w->opt.sample) {
    case IQFILE_SAMPLE_U8:
        for (size_t i = 0; i < n; i++)
            b[i] = (uint8_t)lrintf(clip(w, x[i] * 127.5f + 127.5f, 0.0f, 255.0f));
        break;
    case IQFILE_SAMPLE_S8:
        for (size_t i = 0; i < n; i++)
            b[i] = (uint8_t)(int8_t)lrintf(clip(w, x[i] * 128.0f, -128.0f, 127.0f));
        break;
    case IQFILE_SAMPLE_S16:
        for (size_t i = 0; i < n; i++)
            put16(b + 2 * i, (unsigned)(uint16_t)(int16_t)lrintf(
                                 clip(w, x[i] * 32768.0f, -32768.0f, 32767.0f)));
        break;
    case IQFILE_SAMPLE_F32:
        for (size_t i = 0; i < n; i++) {
            float v = x[i];
            uint32_t u;
            memcpy(&u, &v, 4);
            put32(b + 4 * i, u);
        }
        break;
    default:
        return -1;
    }
    if (fwrite(b, 1, bytes, w->f) != bytes) {
        log_error("%s: write error: %s", w->path, strerror(errno));
        w->failed = 1;
        return -1;
    }
    w->data_bytes += bytes;
    return 0;
}

int iqfile_write_cf32(iqfile_writer *w, const float complex *x, size_t n)
{
    if (w->opt.kind != IQFILE_KIND_COMPLEX) {
        log_error("%s: writer is for real samples", w->path);
        return -1;
    }
    return write_components(w, (const float *)x, 2 * n);
}

int iqfile_write_real(iqfile_writer *w, const float *x, size_t n)
{
    if (w->opt.kind != IQFILE_KIND_REAL) {
        log_error("%s: writer is for complex samples", w->path);
        return -1;
    }
    return write_components(w, x, n);
}

uint64_t iqfile_writer_clipped(const iqfile_writer *w)
{
    return w->clipped;
}

static int write_sigmf_meta(iqfile_writer *w)
{
    json_t *root = json_pack("{s:{s:s,s:f,s:s,s:s},s:[{s:i,s:f}],s:[]}", "global",
                             "core:datatype", sigmf_datatype(&w->opt), "core:sample_rate",
                             w->opt.sample_rate_hz, "core:version", "1.0.0", "core:recorder",
                             "centinela", "captures", "core:sample_start", 0, "core:frequency",
                             w->opt.center_hz, "annotations");
    if (!root) {
        log_error("%s: cannot build SigMF metadata", w->meta_path);
        return -1;
    }
    int rc = json_dump_file(root, w->meta_path, JSON_INDENT(2));
    json_decref(root);
    if (rc != 0)
        log_error("%s: cannot write", w->meta_path);
    return rc == 0 ? 0 : -1;
}

int iqfile_writer_close(iqfile_writer **pw)
{
    if (!pw || !*pw)
        return 0;
    iqfile_writer *w = *pw;
    int rc = w->failed ? -1 : 0;
    if (w->opt.format == IQFILE_FORMAT_WAV && w->f != stdout && !w->failed) {
        if (fseek(w->f, 0, SEEK_SET) != 0 || write_wav_header(w, w->data_bytes, 0) != 0) {
            log_error("%s: cannot finish WAV header", w->path);
            rc = -1;
        }
    }
    if (w->f == stdout) {
        if (fflush(stdout) != 0)
            rc = -1;
    } else if (fclose(w->f) != 0) {
        log_error("%s: %s", w->path, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && w->opt.format == IQFILE_FORMAT_SIGMF)
        rc = write_sigmf_meta(w);
    free(w->buf);
    free(w->path);
    free(w->meta_path);
    free(w);
    *pw = NULL;
    return rc;
}
