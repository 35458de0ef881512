/* sdr_source without sockets: the ring, the backend registry, refusals of bad settings by each
 * backend, truncated files, and the SigMF recorder's capture segments and core:datetime.
 *
 *   test_sdr_source_core WORK_DIR */
#include "recorder.h"
#include "ring.h"
#include "source.h"

#include "centinela/iqfile.h"
#include "centinela/log.h"

#include <complex.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static const char *g_dir;

static char *path_in(const char *name)
{
    size_t k = strlen(g_dir) + strlen(name) + 2;
    char *p = x_malloc(k);
    snprintf(p, k, "%s/%s", g_dir, name);
    return p;
}

static void write_file(const char *path, size_t bytes)
{
    FILE *f = fopen(path, "wb");
    for (size_t i = 0; i < bytes; i++)
        fputc((int)(i * 7 % 256), f);
    fclose(f);
}

static void test_ring_basic(void)
{
    sdr_ring *r = sdr_ring_create(3, 8);
    uint8_t d[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(sdr_ring_peek(r, 0) == NULL);
    CHECK(sdr_ring_push(r, d, 8, 4, 0, 77) == 0);
    CHECK(sdr_ring_push(r, d, 6, 3, 4, 77) == 0);
    CHECK(sdr_ring_push(r, d, 4, 2, 7, 77) == 0);
    CHECK(sdr_ring_push(r, d, 8, 4, 9, 77) == -1); /* full: dropped, counted */
    CHECK(sdr_ring_overruns(r) == 1 && sdr_ring_overrun_samples(r) == 4);
    const sdr_ring_slot *s = sdr_ring_peek(r, 0);
    CHECK(s && s->len == 8 && s->first_sample == 0 && s->start_time_ns == 77 && s->data[7] == 8);
    sdr_ring_release(r);
    s = sdr_ring_peek(r, 10);
    CHECK(s && s->len == 6 && s->first_sample == 4);
    sdr_ring_release(r);
    CHECK(sdr_ring_push(r, d, 20, 10, 13, 77) == 0); /* longer than a slot: cut */
    s = sdr_ring_peek(r, 0);
    CHECK(s && s->first_sample == 7);
    sdr_ring_release(r);
    s = sdr_ring_peek(r, 0);
    CHECK(s && s->len == 8 && s->first_sample == 13);
    sdr_ring_release(r);
    CHECK(sdr_ring_peek(r, 5) == NULL); /* waits 5 ms, nothing */
    sdr_ring_destroy(&r);
    CHECK(r == NULL);
    sdr_ring_destroy(&r);
}

struct producer {
    sdr_ring *r;
    uint64_t pushed;
};

static void *produce(void *arg)
{
    struct producer *p = arg;
    uint8_t buf[64];
    for (uint64_t i = 0; i < 200000; i++) {
        memcpy(buf, &i, sizeof i);
        sdr_ring_push(p->r, buf, sizeof buf, 32, i * 32, 0);
        p->pushed++;
    }
    return NULL;
}

/* A producer that never waits and a consumer: everything pushed is either received, in order,
 * or counted as an overrun. */
static void test_ring_threads(void)
{
    struct producer p = {sdr_ring_create(4, 64), 0};
    pthread_t t;
    pthread_create(&t, NULL, produce, &p);
    uint64_t received = 0, last = 0, in_order = 1;
    for (;;) {
        const sdr_ring_slot *s = sdr_ring_peek(p.r, 50);
        if (!s) {
            if (p.pushed == 200000 && sdr_ring_fill(p.r) == 0)
                break;
            continue;
        }
        uint64_t i;
        memcpy(&i, s->data, sizeof i);
        if (received && i <= last)
            in_order = 0;
        if (s->first_sample != i * 32)
            in_order = 0;
        last = i;
        received++;
        sdr_ring_release(p.r);
    }
    pthread_join(t, NULL);
    CHECK(in_order);
    CHECK(received + sdr_ring_overruns(p.r) == 200000);
    CHECK(sdr_ring_overrun_samples(p.r) == sdr_ring_overruns(p.r) * 32);
    printf("ring: %llu received, %llu overruns\n", (unsigned long long)received,
           (unsigned long long)sdr_ring_overruns(p.r));
    sdr_ring_destroy(&p.r);
}

static void test_registry(void)
{
    const char *arg = NULL;
    const source_backend *b = source_backend_find("", &arg);
    CHECK(b && strcmp(b->name, "file") == 0 && !b->live && *arg == 0);
    b = source_backend_find("rtlsdr", &arg);
    CHECK(b && strcmp(b->name, "rtlsdr") == 0 && b->live && *arg == 0);
    b = source_backend_find("rtlsdr:serial=1234", &arg);
    CHECK(b && strcmp(arg, "serial=1234") == 0);
    b = source_backend_find("rtltcp:example.org:1234", &arg);
    CHECK(b && strcmp(b->name, "rtltcp") == 0 && strcmp(arg, "example.org:1234") == 0);
    CHECK(source_backend_find("hackrf:0", &arg) == NULL);
    CHECK(source_backend_find("rtl", &arg) == NULL);
    int n = 0;
    for (const source_backend *const *p = source_backends(); *p; p++, n++)
        CHECK((*p)->open && (*p)->start && (*p)->read && (*p)->stop && (*p)->close &&
              (*p)->get_stats && (*p)->syntax);
    CHECK(n == 3);
}

static source_settings defaults(void)
{
    return (source_settings){.device_arg = "",
                             .input = "",
                             .format = "",
                             .block_samples = 16384,
                             .gain_auto = true,
                             .ring_s = 1,
                             .retry_initial_s = 0.1,
                             .retry_max_s = 1,
                             .stall_timeout_s = 5};
}

/* open must refuse with the given exit code. */
static void expect_refused(const char *backend, source_settings st, int code, const char *what)
{
    const char *arg;
    const source_backend *b = source_backend_find(backend, &arg);
    source_info info;
    int got = -1;
    source *s = b->open(&st, &info, &got);
    if (s || got != code) {
        fprintf(stderr, "%s: %s was not refused with exit %d (got %d)\n", backend, what, code, got);
        failures++;
    }
    b->close(&s);
}

static void test_refusals(void)
{
    char *cu8 = path_in("ok.cu8"), *odd = path_in("odd.cu8"), *cs16 = path_in("cut.cs16"),
         *noext = path_in("noext.dat"), *wav = path_in("cut.wav");
    write_file(cu8, 4096);
    write_file(odd, 4097);
    write_file(cs16, 4094);
    write_file(noext, 4096);
    source_settings st = defaults();
    st.input = "";
    expect_refused("file", st, 2, "no input");
    st.input = cu8;
    st.format = "cu9";
    expect_refused("file", st, 2, "an unknown format");
    st.format = "";
    st.input = noext;
    expect_refused("file", st, 2, "a file name without a known extension");
    st.input = cu8;
    st.rate_hz = 10000;
    expect_refused("file", st, 2, "a rate below 48 kS/s");
    st.rate_hz = 12e6;
    expect_refused("file", st, 2, "a rate above 10 MS/s");
    st.rate_hz = 0;
    expect_refused("file", st, 2, "a raw file without a rate");
    st.rate_hz = 288000;
    st.input = odd;
    expect_refused("file", st, 2, "an odd-length cu8");
    st.input = cs16;
    expect_refused("file", st, 2, "a cs16 cut mid-sample");
    st.input = "/nonexistent/x.cu8";
    expect_refused("file", st, 2, "a missing file");
    st.device_arg = "x";
    st.input = cu8;
    expect_refused("file", st, 2, "a device argument");

    /* A WAV header announcing more data than the file holds. */
    iqfile_writer_options wo = {.format = IQFILE_FORMAT_WAV,
                                .kind = IQFILE_KIND_COMPLEX,
                                .sample = IQFILE_SAMPLE_S16,
                                .sample_rate_hz = 96000};
    iqfile_writer *w = iqfile_create(wav, &wo);
    float complex z[1000] = {0};
    iqfile_write_cf32(w, z, 1000);
    iqfile_writer_close(&w);
    if (truncate(wav, 44 + 2000) != 0)
        CHECK(0);
    st = defaults();
    st.input = wav;
    expect_refused("file", st, 2, "a WAV cut short");

    /* truncated = play: the whole samples are played. */
    st = defaults();
    st.input = odd;
    st.rate_hz = 288000;
    st.play_truncated = true;
    source_info info;
    int code;
    source *s = source_file.open(&st, &info, &code);
    CHECK(s != NULL);
    if (s) {
        source_block b;
        uint64_t total = 0;
        source_file.start(s);
        int r;
        while ((r = source_file.read(s, &b, 0)) == SOURCE_BLOCK)
            total += b.count;
        CHECK(r == SOURCE_END && total == 2048);
        source_stats stt;
        source_file.get_stats(s, &stt);
        CHECK(stt.truncated_bytes == 1);
        source_file.close(&s);
    }

    st = defaults();
    st.device_arg = "abc";
    expect_refused("rtlsdr", st, 2, "a bad device index");
    st.device_arg = "serial=";
    expect_refused("rtlsdr", st, 2, "an empty serial");
    st.device_arg = "0";
    st.rate_hz = 500000;
    expect_refused("rtlsdr", st, 2, "a rate the RTL2832 cannot do");
    st.rate_hz = 0;
    st.center_hz = 5e6;
    expect_refused("rtlsdr", st, 2, "a frequency below the tuner's range");
    st = defaults();
    st.device_arg = "";
    expect_refused("rtltcp", st, 2, "no host");
    st.device_arg = "host:99999";
    expect_refused("rtltcp", st, 2, "a port out of range");
    st.device_arg = "::1:1234";
    expect_refused("rtltcp", st, 2, "an IPv6 address without brackets");
    st.device_arg = "127.0.0.1:1234";
    st.rate_hz = 100000;
    expect_refused("rtltcp", st, 2, "a rate the RTL2832 cannot do");
    free(cu8), free(odd), free(cs16), free(noext), free(wav);
}

static void test_recorder(void)
{
    char dt[48];
    recorder_format_datetime(1714564800123456789LL, dt, sizeof dt);
    CHECK(strcmp(dt, "2024-05-01T12:00:00.123456Z") == 0);
    recorder_format_datetime(0, dt, sizeof dt);
    CHECK(strcmp(dt, "1970-01-01T00:00:00.000000Z") == 0);

    char *pattern = path_in("rec-%Y%m%d");
    source_info info = {.sample_rate_hz = 288000,
                        .center_hz = 162e6,
                        .complex_iq = true,
                        .live = true,
                        .total_samples = -1};
    int64_t t0 = 1714564800000000000LL;
    sdr_recorder *r = recorder_create(pattern, &info, "rtlsdr:0 (test)", t0);
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK(strstr(recorder_path(r), "rec-20240501") != NULL);
    /* cu8 values through floats and back must be exact. */
    uint8_t raw[512];
    for (int i = 0; i < 512; i++)
        raw[i] = (uint8_t)i;
    float f[512];
    source_cu8_to_float(raw, 512, f);
    source_block b = {.samples = f, .count = 256, .first_sample = 0, .start_time_ns = t0};
    CHECK(recorder_write(r, &b, 288000) == 0);
    b.first_sample = 256;
    CHECK(recorder_write(r, &b, 288000) == 0);
    b.first_sample = 256 + 256 + 288000; /* one second skipped */
    CHECK(recorder_write(r, &b, 288000) == 0);
    CHECK(recorder_samples(r) == 768);
    char *base = x_strdup(recorder_path(r));
    CHECK(recorder_close(&r) == 0 && r == NULL);

    char meta[4096], data[4096];
    snprintf(meta, sizeof meta, "%s.sigmf-meta", base);
    snprintf(data, sizeof data, "%s.sigmf-data", base);
    json_t *root = json_load_file(meta, 0, NULL);
    CHECK(root != NULL);
    if (root) {
        json_t *caps = json_object_get(root, "captures");
        CHECK(json_array_size(caps) == 2);
        json_t *c0 = json_array_get(caps, 0), *c1 = json_array_get(caps, 1);
        CHECK(strcmp(json_string_value(json_object_get(c0, "core:datetime")),
                     "2024-05-01T12:00:00.000000Z") == 0);
        CHECK(json_integer_value(json_object_get(c1, "core:sample_start")) == 512);
        /* index 288512 at 288 kS/s: 1.001777... s after t0 */
        CHECK(strcmp(json_string_value(json_object_get(c1, "core:datetime")),
                     "2024-05-01T12:00:01.001777Z") == 0);
        json_t *g = json_object_get(root, "global");
        CHECK(strcmp(json_string_value(json_object_get(g, "core:datatype")), "cu8") == 0);
        CHECK(strcmp(json_string_value(json_object_get(g, "core:hw")), "rtlsdr:0 (test)") == 0);
        json_decref(root);
    }
    FILE *fd = fopen(data, "rb");
    uint8_t back[1536];
    CHECK(fd && fread(back, 1, sizeof back, fd) == sizeof back);
    if (fd)
        fclose(fd);
    CHECK(memcmp(back, raw, 512) == 0 && memcmp(back + 1024, raw, 512) == 0);
    /* The recording plays back through the file backend. */
    source_settings st = defaults();
    st.input = meta;
    source_info bi;
    int code;
    source *s = source_file.open(&st, &bi, &code);
    CHECK(s && bi.sample_rate_hz == 288000 && bi.center_hz == 162e6 && bi.total_samples == 768);
    source_file.close(&s);
    free(base);
    free(pattern);
}

int main(int argc, char **argv)
{
    g_dir = argc > 1 ? argv[1] : ".";
    log_set_level(LOG_LEVEL_ERROR);
    test_ring_basic();
    test_ring_threads();
    test_registry();
    test_refusals();
    test_recorder();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("sdr_source core: all checks passed\n");
    return 0;
}
