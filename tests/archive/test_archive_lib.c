/* Archive library tests without sockets: bad settings refused, rows round-trip field by field,
 * rows go to the file of their event-time period (late rows included), queries and the index
 * agree with a scan, exports hold what they should, damaged files are refused. */
#include "centinela/archive.h"
#include "centinela/log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

#define HOUR_NS (3600LL * 1000000000LL)
static const int64_t T0 = 1767261600LL * 1000000000LL; /* 2026-01-01T10:00:00Z */

static void make_ais(wire_ais *m, uint32_t mmsi, int64_t t)
{
    memset(m, 0, sizeof *m);
    m->station_id = 5;
    m->channel = 'B';
    m->rx_time_ns = t;
    m->signal_dbfs = -40.5f;
    m->snr_db = NAN;
    m->freq_offset_hz = 120.0f;
    m->ppm = 0.74f;
    m->nbits = 168;
    m->bits[0] = 1 << 2; /* type 1 */
    /* MMSI in bits 8..37 */
    for (int b = 0; b < 30; b++)
        if (mmsi >> (29 - b) & 1)
            m->bits[(8 + b) / 8] |= (uint8_t)(0x80 >> ((8 + b) % 8));
    snprintf(m->nmea, sizeof m->nmea, "!AIVDM,1,1,,B,1%08u,0*00", mmsi % 100000000u);
}

static int count_fn(void *ctx, const void *row, uint64_t i)
{
    (*(int *)ctx)++;
    return 0;
}

static void test_refused(void)
{
    archive_writer_config c = {
        .path = "/tmp/x/", .rotate = "week", .deflate_level = 4, .max_open_files = 2};
    CHECK(archive_writer_create(&c) == NULL);
    c.rotate = "hour";
    c.deflate_level = 12;
    CHECK(archive_writer_create(&c) == NULL);
    c.deflate_level = 4;
    c.max_open_files = 0;
    CHECK(archive_writer_create(&c) == NULL);
    c.max_open_files = 2;
    c.path = "";
    CHECK(archive_writer_create(&c) == NULL);
}

static void test_roundtrip(const char *dir)
{
    char d[512];
    snprintf(d, sizeof d, "%s/rt/", dir);
    archive_writer_config c = {.path = d,
                               .rotate = "hour",
                               .deflate_level = 4,
                               .index_on_close = true,
                               .max_open_files = 2};
    archive_writer *w = archive_writer_create(&c);
    CHECK(w != NULL);
    if (!w)
        return;
    static wire_ais m;
    for (int i = 0; i < 100; i++) {
        /* 10:59:50 .. 11:00:09.8: two hours, and a late 10:59 row after 11:00 rows */
        int64_t t = T0 + HOUR_NS - 10000000000LL + i * 200000000LL;
        if (i == 90)
            t = T0 + HOUR_NS - 1000000000LL;
        make_ais(&m, 211000000u + (uint32_t)(i % 5), t);
        wire_header h = {.version = 1,
                         .type = WIRE_AIS,
                         .source_id = 9,
                         .seq = (uint64_t)i + 1,
                         .event_time_ns = t};
        CHECK(archive_writer_ais(w, &h, &m) == 0);
    }
    wire_track k = {.track_id = 3,
                    .mmsi = 211000001u,
                    .state = 1,
                    .time_ns = T0 + 5,
                    .lat_deg = 8.5,
                    .lon_deg = -79.25,
                    .sog_kn = 3.5f,
                    .cog_deg = NAN,
                    .heading_deg = NAN,
                    .zones = 6,
                    .ais_class = 'A'};
    snprintf(k.name, sizeof k.name, "%s", "NAME TWENTY CHARS XX");
    wire_header th = {
        .version = 1, .type = WIRE_TRACK, .source_id = 10, .seq = 1, .event_time_ns = T0 + 5};
    CHECK(archive_writer_track(w, &th, &k) == 0);
    static wire_alert a;
    memset(&a, 0, sizeof a);
    a.alert_id = 77;
    snprintf(a.rule, sizeof a.rule, "encounter");
    a.n_mmsi = 2;
    a.mmsi[0] = 211000001u;
    a.mmsi[1] = 211000002u;
    a.start_ns = T0;
    a.end_ns = T0 + HOUR_NS / 2;
    a.lat_deg = 8.5;
    a.lon_deg = -79.0;
    a.score = 61.0f;
    snprintf(a.evidence, sizeof a.evidence, "{\"distance_m\":120}");
    wire_header ah = {
        .version = 1, .type = WIRE_ALERT, .source_id = 11, .seq = 1, .event_time_ns = T0 + 6};
    CHECK(archive_writer_alert(w, &ah, &a) == 0);
    CHECK(archive_writer_rows(w, ARCHIVE_MESSAGES) == 100);
    CHECK(strstr(archive_writer_path(w), "centinela-20260101T1") != NULL);
    archive_writer_destroy(&w);
    CHECK(w == NULL);

    char f10[600], f11[600];
    snprintf(f10, sizeof f10, "%scentinela-20260101T1000Z.h5", d);
    snprintf(f11, sizeof f11, "%scentinela-20260101T1100Z.h5", d);
    archive_reader *r10 = archive_reader_open(f10, false), *r11 = archive_reader_open(f11, false);
    CHECK(r10 && r11);
    if (!r10 || !r11)
        return;
    /* 50 rows before 11:00 plus the late one; 49 after. */
    CHECK(archive_reader_rows(r10, ARCHIVE_MESSAGES) == 51);
    CHECK(archive_reader_rows(r11, ARCHIVE_MESSAGES) == 49);
    CHECK(archive_reader_rows(r10, ARCHIVE_TRACKS) == 1);
    CHECK(archive_reader_rows(r10, ARCHIVE_ALERTS) == 1);
    archive_message row;
    CHECK(archive_reader_read(r10, ARCHIVE_MESSAGES, 50, 1, &row) == 0);
    CHECK(row.seq == 91 && row.time_ns == T0 + HOUR_NS - 1000000000LL);
    CHECK(row.mmsi == 211000000u && row.msg_type == 1 && row.channel == 'B');
    CHECK(row.station_id == 5 && row.signal_dbfs == -40.5f && isnan(row.snr_db));
    char nmea[64] = {0};
    uint8_t bits[32];
    CHECK(archive_reader_blob(r10, ARCHIVE_BLOB_NMEA, row.nmea_offset, row.nmea_len, nmea) == 0);
    CHECK(strcmp(nmea, "!AIVDM,1,1,,B,111000000,0*00") == 0);
    CHECK(archive_reader_blob(r10, ARCHIVE_BLOB_BITS, row.bits_offset, 21, bits) == 0);
    wire_ais back;
    make_ais(&m, 211000000u, row.time_ns);
    CHECK(archive_message_to_wire(&row, nmea, bits, &back) == 0);
    CHECK(memcmp(back.bits, m.bits, sizeof m.bits) == 0 && strcmp(back.nmea, m.nmea) == 0 &&
          back.rx_time_ns == m.rx_time_ns && back.channel == 'B' && isnan(back.snr_db));
    archive_track tr;
    CHECK(archive_reader_read(r10, ARCHIVE_TRACKS, 0, 1, &tr) == 0);
    CHECK(tr.track_id == 3 && tr.lat_deg == 8.5 && strcmp(tr.name, "NAME TWENTY CHARS XX") == 0 &&
          tr.ais_class == 'A' && tr.zones == 6 && tr.source_id == 10);
    archive_alert al;
    CHECK(archive_reader_read(r10, ARCHIVE_ALERTS, 0, 1, &al) == 0);
    CHECK(al.alert_id == 77 && al.n_mmsi == 2 && al.mmsi[1] == 211000002u &&
          strcmp(al.rule, "encounter") == 0 && al.evidence_len == strlen("{\"distance_m\":120}"));

    /* queries */
    int n = 0;
    archive_query q = {.mmsi = 211000002u};
    CHECK(archive_query_rows(r10, ARCHIVE_MESSAGES, &q, count_fn, &n) == 10 && n == 10);
    archive_query qz = {.zones = 2};
    CHECK(archive_query_rows(r10, ARCHIVE_TRACKS, &qz, NULL, NULL) == 1);
    qz.zones = 1;
    CHECK(archive_query_rows(r10, ARCHIVE_TRACKS, &qz, NULL, NULL) == 0);
    archive_query qr = {.rule = "encounter", .mmsi = 211000002u};
    CHECK(archive_query_rows(r10, ARCHIVE_ALERTS, &qr, NULL, NULL) == 1);
    qr.rule = "loitering";
    CHECK(archive_query_rows(r10, ARCHIVE_ALERTS, &qr, NULL, NULL) == 0);
    archive_query qt = {.t0_ns = T0 + HOUR_NS - 2000000000LL};
    CHECK(archive_query_rows(r10, ARCHIVE_MESSAGES, &qt, NULL, NULL) == 11);
    archive_query qb = {
        .bbox = true, .lat_min_deg = 8, .lat_max_deg = 9, .lon_min_deg = -80, .lon_max_deg = -79};
    CHECK(archive_query_rows(r10, ARCHIVE_TRACKS, &qb, NULL, NULL) == 1);
    qb.lat_min_deg = 8.6;
    CHECK(archive_query_rows(r10, ARCHIVE_TRACKS, &qb, NULL, NULL) == 0);

    /* exports */
    char out[600];
    snprintf(out, sizeof out, "%s/alerts.jsonl", dir);
    FILE *f = fopen(out, "w");
    archive_export *e = archive_export_begin(f, ARCHIVE_ALERTS, ARCHIVE_FMT_JSONL, false);
    archive_query all = {0};
    CHECK(e && archive_export_add(e, r10, &all) == 1 && archive_export_end(&e) == 0);
    fclose(f);
    f = fopen(out, "r");
    char line[2048] = {0};
    CHECK(f && fgets(line, sizeof line, f));
    if (f)
        fclose(f);
    CHECK(strstr(line, "\"rule\":\"encounter\"") &&
          strstr(line, "\"mmsi\":[211000001,211000002]") &&
          strstr(line, "\"start\":\"2026-01-01T10:00:00.000Z\"") &&
          strstr(line, "\"end\":\"2026-01-01T10:30:00.000Z\"") && strstr(line, "\"score\":61") &&
          strstr(line, "\"evidence\":{\"distance_m\":120}"));
    CHECK(archive_export_begin(stdout, ARCHIVE_MESSAGES, ARCHIVE_FMT_GEOJSON, false) == NULL);
    archive_reader_close(&r10);
    archive_reader_close(&r11);
    CHECK(r10 == NULL);

    /* a restarted writer appends to the existing file */
    w = archive_writer_create(&c);
    make_ais(&m, 211000009u, T0 + 10);
    wire_header h = {
        .version = 1, .type = WIRE_AIS, .source_id = 9, .seq = 1000, .event_time_ns = T0 + 10};
    CHECK(w && archive_writer_ais(w, &h, &m) == 0);
    archive_writer_destroy(&w);
    r10 = archive_reader_open(f10, false);
    CHECK(r10 && archive_reader_rows(r10, ARCHIVE_MESSAGES) == 52);
    archive_reader_close(&r10);
}

static int collect_time(void *ctx, const void *row, uint64_t i)
{
    int64_t **at = ctx;
    (void)i;
    *(*at)++ = ((const archive_position *)row)->time_ns;
    return 0;
}

/* The rows of every MMSI through the index (out: N times, in index order), checked sorted. */
static void collect_index(const char *path, int64_t *out)
{
    archive_reader *r = archive_reader_open(path, false);
    CHECK(r && archive_reader_indexed_rows(r) == 40000);
    int64_t *at = out;
    for (uint32_t k = 0; r && k < 97; k++) {
        archive_query q = {.mmsi = 300000000u + k};
        int64_t *first = at;
        CHECK(archive_query_rows(r, ARCHIVE_POSITIONS, &q, collect_time, &at) > 0);
        for (int64_t *t = first + 1; t < at; t++)
            CHECK(t[-1] < t[0]);
    }
    CHECK(at == out + 40000);
    archive_reader_close(&r);
}

static void test_positions_index(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/pos.h5", dir);
    remove(path);
    archive_writer_config c = {
        .path = path, .rotate = "none", .deflate_level = 1, .max_open_files = 1};
    archive_writer *w = archive_writer_create(&c);
    enum { N = 40000 };
    archive_position *p = calloc(N, sizeof *p);
    for (int i = 0; i < N; i++) {
        p[i].time_ns = T0 + (int64_t)i * 1000000000LL;
        p[i].mmsi = 300000000u + (uint32_t)(i * 7919 % 97);
        p[i].lat_e7 = 80000000 + i;
        p[i].lon_e7 = -790000000 - i;
        p[i].message_row = (uint64_t)i;
    }
    CHECK(w && archive_writer_positions(w, p, N) == 0);
    archive_writer_destroy(&w);
    /* scan answers before the index, then the index answers the same */
    archive_reader *r = archive_reader_open(path, false);
    archive_query q = {
        .mmsi = 300000005u, .t0_ns = T0 + 1000 * 1000000000LL, .t1_ns = T0 + 30000 * 1000000000LL};
    int64_t scanned = r ? archive_query_rows(r, ARCHIVE_POSITIONS, &q, NULL, NULL) : -1;
    archive_query qt = {.t0_ns = T0 + 17000 * 1000000000LL, .t1_ns = T0 + 17100 * 1000000000LL};
    int64_t scanned_t = r ? archive_query_rows(r, ARCHIVE_POSITIONS, &qt, NULL, NULL) : -1;
    archive_reader_close(&r);
    CHECK(scanned > 100 && scanned_t == 100);
    CHECK(archive_index_build(path) == 0);
    r = archive_reader_open(path, false);
    CHECK(r && archive_reader_indexed_rows(r) == N);
    CHECK(r && archive_query_rows(r, ARCHIVE_POSITIONS, &q, NULL, NULL) == scanned);
    CHECK(r && archive_query_rows(r, ARCHIVE_POSITIONS, &qt, NULL, NULL) == 100);
    archive_reader_close(&r);
    /* The external merge sort (blocks of 3,001 rows: 14 runs, the last one short) gives the index
     * of the in-memory sort, row for row: every vessel's rows, by time. */
    static int64_t in_memory[N], merged[N];
    collect_index(path, in_memory);
    CHECK(archive_index_build_bounded(path, 3001) == 0);
    collect_index(path, merged);
    CHECK(memcmp(in_memory, merged, sizeof merged) == 0);
    CHECK(archive_index_build_bounded(path, 16384) == 0); /* runs the size of time blocks */
    collect_index(path, merged);
    CHECK(memcmp(in_memory, merged, sizeof merged) == 0);
    r = archive_reader_open(path, false);
    CHECK(r && archive_query_rows(r, ARCHIVE_POSITIONS, &qt, NULL, NULL) == 100);
    archive_reader_close(&r);
    free(p);
}

/* Two writers of one file: the second is refused while the first holds it, the indexer too; a
 * killed writer's lock (no flock held any more) is stale and taken over. */
static void test_lock(const char *dir)
{
    char path[512], lock[530];
    snprintf(path, sizeof path, "%s/locked.h5", dir);
    snprintf(lock, sizeof lock, "%s.lock", path);
    remove(path);
    archive_writer_config c = {
        .path = path, .rotate = "none", .deflate_level = 1, .max_open_files = 1};
    archive_writer *a = archive_writer_create(&c), *b = archive_writer_create(&c);
    CHECK(a && b);
    if (!a || !b)
        return;
    static wire_ais m;
    make_ais(&m, 244000001u, T0);
    wire_header h = {
        .version = WIRE_VERSION, .type = WIRE_AIS, .source_id = 1, .seq = 1, .event_time_ns = T0};
    CHECK(archive_writer_ais(a, &h, &m) == 0 && archive_writer_flush(a) == 0);
    FILE *f = fopen(lock, "r");
    long pid = 0;
    CHECK(f && fscanf(f, "%ld", &pid) == 1 && pid == (long)getpid());
    if (f)
        fclose(f);
    CHECK(!archive_writer_locked_out(b));
    CHECK(archive_writer_ais(b, &h, &m) != 0); /* refused: a holds the file */
    CHECK(archive_writer_locked_out(b));       /* ...and b says so, and takes no more rows */
    CHECK(archive_writer_ais(b, &h, &m) != 0);
    CHECK(archive_index_build(path) != 0); /* refused too */
    archive_writer_destroy(&a);
    archive_writer_destroy(&b);
    b = archive_writer_create(&c);
    CHECK(access(lock, F_OK) != 0); /* removed on close */
    /* A stale lock: a pid that is gone, and no flock on it. */
    f = fopen(lock, "w");
    if (f) {
        fprintf(f, "999999999\n");
        fclose(f);
    }
    CHECK(archive_writer_ais(b, &h, &m) == 0 && archive_writer_flush(b) == 0);
    archive_writer_destroy(&b);
    CHECK(access(lock, F_OK) != 0);
    archive_reader *r = archive_reader_open(path, false);
    CHECK(r && archive_reader_rows(r, ARCHIVE_MESSAGES) == 2);
    archive_reader_close(&r);
}

static void test_damaged(const char *dir)
{
    char path[512], bad[512];
    snprintf(path, sizeof path, "%s/pos.h5", dir);
    snprintf(bad, sizeof bad, "%s/truncated.h5", dir);
    FILE *in = fopen(path, "rb"), *out = fopen(bad, "wb");
    struct stat st;
    stat(path, &st);
    char buf[4096];
    for (long k = 0; in && out && k < st.st_size / 2;) {
        size_t m = fread(buf, 1, sizeof buf, in);
        if (m == 0)
            break;
        fwrite(buf, 1, m, out);
        k += (long)m;
    }
    if (in)
        fclose(in);
    if (out)
        fclose(out);
    archive_reader *r = archive_reader_open(bad, false);
    if (r) { /* the superblock may survive: reading the rows must then fail cleanly */
        archive_query q = {0};
        CHECK(archive_query_rows(r, ARCHIVE_POSITIONS, &q, NULL, NULL) < 0);
        archive_reader_close(&r);
    }
    snprintf(bad, sizeof bad, "%s/garbage.h5", dir);
    out = fopen(bad, "wb");
    for (int i = 0; out && i < 10000; i++)
        fputc(i * 37 & 255, out);
    if (out)
        fclose(out);
    CHECK(archive_reader_open(bad, false) == NULL);
    CHECK(archive_reader_open("/nonexistent/x.h5", false) == NULL);
    CHECK(archive_index_build(bad) != 0);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp/test_archive_lib";
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    if (system(cmd) != 0)
        return 1;
    log_set_level(LOG_LEVEL_ERROR);
    test_refused();
    test_roundtrip(dir);
    test_positions_index(dir);
    test_lock(dir);
    test_damaged(dir);
    if (failures)
        fprintf(stderr, "%d checks failed\n", failures);
    else
        printf("archive library: all checks passed\n");
    return failures ? 1 : 0;
}
