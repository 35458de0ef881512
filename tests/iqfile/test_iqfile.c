/* iqfile: round trip through every writable format, and clean errors on malformed input. */
#include "centinela/iqfile.h"
#include "centinela/log.h"

#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);                  \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static const char *dir;

static char *path_of(const char *name)
{
    static char buf[4][1024];
    static int k;
    k = (k + 1) & 3;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_bytes(const char *p, const void *b, size_t n)
{
    FILE *f = fopen(p, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
}

enum { N = 1000 };

static void round_trip(const char *name, iqfile_format fmt, iqfile_kind kind, iqfile_sample s,
                       float tol)
{
    float complex x[N];
    float xr[N];
    for (int i = 0; i < N; i++) {
        x[i] = 0.7f * cexpf(I * 0.01f * (float)i * (float)i);
        xr[i] = 0.8f * sinf(0.05f * (float)i);
    }
    iqfile_writer_options wo = {.format = fmt, .kind = kind, .sample = s,
                                .sample_rate_hz = 288000, .center_hz = 161.975e6};
    iqfile_writer *w = iqfile_create(path_of(name), &wo);
    CHECK(w != NULL);
    if (!w)
        return;
    if (kind == IQFILE_KIND_COMPLEX)
        CHECK(iqfile_write_cf32(w, x, N) == 0);
    else
        CHECK(iqfile_write_real(w, xr, N) == 0);
    CHECK(iqfile_writer_clipped(w) == 0);
    CHECK(iqfile_writer_close(&w) == 0 && w == NULL);

    iqfile_options o = {.format = fmt,
                        .sample_rate_hz = fmt == IQFILE_FORMAT_WAV || fmt == IQFILE_FORMAT_SIGMF
                                              ? 0 : 288000};
    iqfile_reader *r = iqfile_open(path_of(name), &o);
    CHECK(r != NULL);
    if (!r)
        return;
    const iqfile_info *info = iqfile_get_info(r);
    CHECK(info->sample_rate_hz == 288000);
    CHECK(info->kind == kind);
    CHECK(info->total_samples == N);
    if (fmt == IQFILE_FORMAT_SIGMF)
        CHECK(fabs(info->center_hz - 161.975e6) < 1);
    float complex y[N + 10];
    float yr[N + 10];
    long got = 0, k;
    if (kind == IQFILE_KIND_COMPLEX) {
        while ((k = iqfile_read_cf32(r, y + got, 333)) > 0)
            got += k;
        CHECK(k == 0 && got == N);
        float err = 0;
        for (int i = 0; i < N; i++)
            err = fmaxf(err, cabsf(y[i] - x[i]));
        CHECK(err <= tol);
        CHECK(iqfile_read_real(r, yr, 1) == -1);
    } else {
        while ((k = iqfile_read_real(r, yr + got, 333)) > 0)
            got += k;
        CHECK(k == 0 && got == N);
        float err = 0;
        for (int i = 0; i < N; i++)
            err = fmaxf(err, fabsf(yr[i] - xr[i]));
        CHECK(err <= tol);
    }
    iqfile_close(&r);
    CHECK(r == NULL);
}

static void truncated_and_bad(void)
{
    /* odd-length cu8: 5 bytes = 2 samples + 1 byte */
    uint8_t b[5] = {128, 128, 255, 0, 7};
    write_bytes(path_of("odd.cu8"), b, 5);
    iqfile_options o = {.sample_rate_hz = 96000};
    iqfile_reader *r = iqfile_open(path_of("odd.cu8"), &o);
    CHECK(r != NULL);
    if (r) {
        float complex y[8];
        CHECK(iqfile_read_cf32(r, y, 8) == 2);
        CHECK(iqfile_read_cf32(r, y, 8) == 0);
        CHECK(iqfile_get_info(r)->truncated_bytes == 1);
        CHECK(fabsf(crealf(y[1]) - 1.0f) < 1e-6f && fabsf(cimagf(y[1]) + 1.0f) < 1e-6f);
        iqfile_close(&r);
    }
    /* raw without a rate, unknown extension, out-of-range rate, missing file */
    CHECK(iqfile_open(path_of("odd.cu8"), NULL) == NULL);
    write_bytes(path_of("x.zzz"), b, 4);
    CHECK(iqfile_open(path_of("x.zzz"), &o) == NULL);
    iqfile_options bad = {.sample_rate_hz = 12e6}; /* beyond 10 MS/s */
    CHECK(iqfile_open(path_of("odd.cu8"), &bad) == NULL);
    bad.sample_rate_hz = 8000;
    CHECK(iqfile_open(path_of("odd.cu8"), &bad) == NULL);
    CHECK(iqfile_open(path_of("absent.cu8"), &o) == NULL);
    /* explicit format override on an unknown extension */
    iqfile_options ov = {.format = IQFILE_FORMAT_CS8, .sample_rate_hz = 96000};
    r = iqfile_open(path_of("x.zzz"), &ov);
    CHECK(r != NULL);
    iqfile_close(&r);

    /* WAV: truncated inside the header, inside data, and with a bad block align */
    uint8_t wav[64];
    memset(wav, 0, sizeof wav);
    memcpy(wav, "RIFF", 4);
    memcpy(wav + 8, "WAVEfmt ", 8);
    wav[16] = 16;
    wav[20] = 1;  /* PCM */
    wav[22] = 1;  /* mono */
    wav[24] = 0x80, wav[25] = 0xBB; /* 48000 */
    wav[32] = 2;  /* block align */
    wav[34] = 16; /* bits */
    memcpy(wav + 36, "data", 4);
    wav[40] = 100; /* claims 100 bytes, has 7 */
    write_bytes(path_of("trunc.wav"), wav, 51);
    r = iqfile_open(path_of("trunc.wav"), NULL);
    CHECK(r != NULL);
    if (r) {
        float y[64];
        CHECK(iqfile_get_info(r)->kind == IQFILE_KIND_REAL);
        CHECK(iqfile_read_real(r, y, 64) == 3);
        CHECK(iqfile_read_real(r, y, 64) == 0);
        CHECK(iqfile_get_info(r)->truncated_bytes == 1);
        iqfile_close(&r);
    }
    write_bytes(path_of("short.wav"), wav, 30);
    CHECK(iqfile_open(path_of("short.wav"), NULL) == NULL);
    wav[32] = 3;
    write_bytes(path_of("align.wav"), wav, 60);
    CHECK(iqfile_open(path_of("align.wav"), NULL) == NULL);
    write_bytes(path_of("empty.wav"), wav, 0);
    CHECK(iqfile_open(path_of("empty.wav"), NULL) == NULL);

    /* SigMF: bad JSON, unknown datatype, missing data file */
    const char *bad_meta[] = {"{", "{\"global\":{\"core:datatype\":\"ci32_be\"}}",
                              "{\"global\":{\"core:datatype\":\"cu8\",\"core:sample_rate\":\"x\"}}",
                              "[]"};
    for (unsigned i = 0; i < 4; i++) {
        iqfile_sigmf_meta m;
        CHECK(iqfile_sigmf_parse_meta(bad_meta[i], strlen(bad_meta[i]), &m) == -1);
        write_bytes(path_of("bad.sigmf-meta"), bad_meta[i], strlen(bad_meta[i]));
        CHECK(iqfile_open(path_of("bad.sigmf-meta"), NULL) == NULL);
    }
    const char *ok = "{\"global\":{\"core:datatype\":\"ri16_le\",\"core:sample_rate\":48000},"
                     "\"captures\":[{\"core:sample_start\":0,\"core:frequency\":161975000}]}";
    iqfile_sigmf_meta m;
    CHECK(iqfile_sigmf_parse_meta(ok, strlen(ok), &m) == 0);
    CHECK(m.kind == IQFILE_KIND_REAL && m.sample == IQFILE_SAMPLE_S16);
    CHECK(m.sample_rate_hz == 48000 && m.center_hz == 161975000);
    write_bytes(path_of("nodata.sigmf-meta"), ok, strlen(ok));
    CHECK(iqfile_open(path_of("nodata.sigmf-meta"), NULL) == NULL);

    /* text samples */
    write_bytes(path_of("t.num"), "12\n-3\n\n4.5\n", 11);
    r = iqfile_open(path_of("t.num"), NULL);
    CHECK(r != NULL);
    if (r) {
        float y[8];
        CHECK(iqfile_read_real(r, y, 8) == 3 && y[2] == 4.5f);
        CHECK(iqfile_get_info(r)->sample_rate_hz == 48000);
        iqfile_close(&r);
    }
    write_bytes(path_of("bad.num"), "12\nzz\n", 6);
    r = iqfile_open(path_of("bad.num"), NULL);
    if (r) {
        float y[8];
        CHECK(iqfile_read_real(r, y, 8) == -1);
        iqfile_close(&r);
    }
    /* writers refuse what they cannot do */
    iqfile_writer_options wo = {.format = IQFILE_FORMAT_NUM, .sample_rate_hz = 48000};
    CHECK(iqfile_create(path_of("x.num"), &wo) == NULL);
    wo.format = IQFILE_FORMAT_CU8;
    wo.sample_rate_hz = 1;
    CHECK(iqfile_create(path_of("x.cu8"), &wo) == NULL);
    iqfile_close(NULL);
    CHECK(iqfile_writer_close(NULL) == 0);
}

int main(int argc, char **argv)
{
    dir = argc > 1 ? argv[1] : ".";
    round_trip("a.cu8", IQFILE_FORMAT_AUTO, IQFILE_KIND_COMPLEX, 0, 0.5f / 127.5f * 1.5f);
    round_trip("a.cs8", IQFILE_FORMAT_AUTO, IQFILE_KIND_COMPLEX, 0, 1.0f / 128 * 1.0f);
    round_trip("a.cs16", IQFILE_FORMAT_AUTO, IQFILE_KIND_COMPLEX, 0, 1e-4f);
    round_trip("a.cf32", IQFILE_FORMAT_AUTO, IQFILE_KIND_COMPLEX, 0, 1e-6f);
    round_trip("iq16.wav", IQFILE_FORMAT_AUTO, IQFILE_KIND_COMPLEX, IQFILE_SAMPLE_S16, 1e-4f);
    round_trip("iqf.wav", IQFILE_FORMAT_AUTO, IQFILE_KIND_COMPLEX, IQFILE_SAMPLE_F32, 1e-6f);
    round_trip("iq8.wav", IQFILE_FORMAT_AUTO, IQFILE_KIND_COMPLEX, IQFILE_SAMPLE_U8, 0.01f);
    round_trip("au16.wav", IQFILE_FORMAT_AUTO, IQFILE_KIND_REAL, IQFILE_SAMPLE_S16, 1e-4f);
    round_trip("auf.wav", IQFILE_FORMAT_AUTO, IQFILE_KIND_REAL, IQFILE_SAMPLE_F32, 1e-6f);
    round_trip("s1.sigmf-meta", IQFILE_FORMAT_AUTO, IQFILE_KIND_COMPLEX, IQFILE_SAMPLE_S16, 1e-4f);
    round_trip("s2", IQFILE_FORMAT_SIGMF, IQFILE_KIND_COMPLEX, IQFILE_SAMPLE_F32, 1e-6f);
    round_trip("s3.sigmf-data", IQFILE_FORMAT_AUTO, IQFILE_KIND_REAL, IQFILE_SAMPLE_S8, 0.01f);
    round_trip("s4.sigmf", IQFILE_FORMAT_AUTO, IQFILE_KIND_COMPLEX, IQFILE_SAMPLE_U8, 0.01f);
    log_set_level(LOG_LEVEL_ERROR + 0);
    truncated_and_bad();
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    else
        printf("iqfile: all checks passed\n");
    return failures ? 1 : 0;
}
