/* libFuzzer harness: the archive reader over malformed files.
 *
 * The input is written to a temporary file (HDF5 reads paths) and goes the way archive_tool and
 * replay take it: open (refusing what is not an archive), sizes, queries of every table (a full
 * scan, an MMSI query through the index, a time query through the block index), the blob bytes
 * each row points to with the replay's bounds checks, the conversions back to wire messages,
 * and an export of every table in every format to /dev/null.  After each input no HDF5
 * identifier may be left open.
 *
 * Not fuzzed here: `archive_tool index` (archive_index_build) on damaged files.  It opens the
 * file read-write, and when HDF5 1.10 cannot write back the metadata of a damaged file, H5Fclose
 * fails and leaves a half-closed file behind that the library itself trips over later (at exit),
 * so one bad input would spoil the rest of the run.  The index logic is tested on valid files in
 * tests/archive/test_archive_lib.c.
 *
 * Seeds: tests/fuzz/corpus/h5/tiny.h5, a valid archive of a few rows of every table
 * (tests/archive/archive_fuzz_seed.c).  HDF5 checksums its metadata (superblock v2+, object
 * headers), so most mutations are refused at open; the ones that reach our code alter raw chunk
 * data (rows with out-of-range offsets, counts and strings) or unchecksummed structures.
 *
 * Bounds that keep one execution fast: tables beyond MAX_ROWS rows (an extent no valid small
 * file has; missing chunks would read as fill values) are only opened, not scanned. */
#include "centinela/archive.h"
#include "centinela/log.h"

#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ROWS 100000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char tmp_path[256];
static int tmp_fd = -1;
static FILE *devnull;

static void cleanup(void)
{
    if (tmp_fd >= 0) {
        close(tmp_fd);
        unlink(tmp_path);
    }
}

static int setup(void)
{
    log_set_level(LOG_LEVEL_ERROR);
    const char *dir =
        access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    snprintf(tmp_path, sizeof tmp_path, "%s/fuzz_h5-XXXXXX", dir);
    tmp_fd = mkstemp(tmp_path);
    devnull = fopen("/dev/null", "w");
    if (tmp_fd < 0 || !devnull)
        return -1;
    atexit(cleanup);
    return 0;
}

static int write_input(const uint8_t *data, size_t size)
{
    if (ftruncate(tmp_fd, 0) != 0)
        return -1;
    size_t done = 0;
    while (done < size) {
        ssize_t k = pwrite(tmp_fd, data + done, size - done, (off_t)done);
        if (k <= 0)
            return -1;
        done += (size_t)k;
    }
    return 0;
}

typedef struct visit {
    archive_reader *r;
    enum archive_table t;
    uint64_t sum; /* keeps the reads from being optimised away */
} visit;

/* Each row as replay and the exports use it: blobs by (offset, length), bounds-checked first. */
static int on_row(void *ctx, const void *row, uint64_t i)
{
    visit *v = ctx;
    (void)i;
    static char blob[65536];   /* any uint16 length: nmea_len, evidence_len */
    static uint8_t bits[8192]; /* (nbits + 7) / 8 of any uint16 nbits */
    switch (v->t) {
    case ARCHIVE_MESSAGES: {
        const archive_message *m = row;
        uint64_t nn = archive_reader_blob_size(v->r, ARCHIVE_BLOB_NMEA);
        uint64_t nb = archive_reader_blob_size(v->r, ARCHIVE_BLOB_BITS);
        size_t nbytes = (m->nbits + 7u) / 8u;
        static wire_ais w;
        if (m->nmea_offset <= nn && m->nmea_len <= nn - m->nmea_offset && m->bits_offset <= nb &&
            nbytes <= nb - m->bits_offset &&
            archive_reader_blob(v->r, ARCHIVE_BLOB_NMEA, m->nmea_offset, m->nmea_len, blob) == 0 &&
            archive_reader_blob(v->r, ARCHIVE_BLOB_BITS, m->bits_offset, nbytes, bits) == 0 &&
            archive_message_to_wire(m, blob, bits, &w) == 0)
            v->sum += w.nbits;
        break;
    }
    case ARCHIVE_TRACKS: {
        wire_track w;
        archive_track_to_wire(row, &w);
        v->sum += w.track_id;
        break;
    }
    case ARCHIVE_RADAR: {
        wire_radar w;
        archive_radar_to_wire(row, &w);
        v->sum += w.target;
        break;
    }
    case ARCHIVE_ALERTS: {
        const archive_alert *a = row;
        uint64_t ne = archive_reader_blob_size(v->r, ARCHIVE_BLOB_EVIDENCE);
        static wire_alert w;
        if (a->evidence_offset <= ne && a->evidence_len <= ne - a->evidence_offset &&
            archive_reader_blob(v->r, ARCHIVE_BLOB_EVIDENCE, a->evidence_offset, a->evidence_len,
                                blob) == 0 &&
            archive_alert_to_wire(a, blob, &w) == 0)
            v->sum += w.n_mmsi;
        break;
    }
    case ARCHIVE_STATS: {
        const archive_stats *s = row;
        uint64_t ns = archive_reader_blob_size(v->r, ARCHIVE_BLOB_STATS);
        if (s->json_offset <= ns && s->json_len <= ns - s->json_offset &&
            s->json_len < sizeof blob &&
            archive_reader_blob(v->r, ARCHIVE_BLOB_STATS, s->json_offset, s->json_len, blob) == 0)
            v->sum += (uint8_t)blob[0];
        break;
    }
    default:
        v->sum += *(const uint32_t *)row;
    }
    return 0;
}

/* The first MMSI and event time of the positions, to aim the indexed queries. */
static int first_position(void *ctx, const void *row, uint64_t i)
{
    (void)i;
    *(archive_position *)ctx = *(const archive_position *)row;
    return 1;
}

static void query_all(archive_reader *r)
{
    for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++) {
        if (archive_reader_rows(r, t) > MAX_ROWS)
            continue;
        visit v = {r, t, 0};
        archive_query all = {0};
        if (archive_query_rows(r, t, &all, on_row, &v) < 0)
            continue;
        archive_query q = {.bbox = true,
                           .lat_min_deg = -10,
                           .lat_max_deg = 30,
                           .lon_min_deg = -100,
                           .lon_max_deg = -60,
                           .rule = "ais_gap"};
        (void)archive_query_rows(r, t, &q, on_row, &v);
        for (int f = ARCHIVE_FMT_CSV; f <= ARCHIVE_FMT_KML; f++) {
            archive_export *e = archive_export_begin(devnull, t, f, f == ARCHIVE_FMT_JSONL);
            if (!e)
                continue;
            (void)archive_export_add(e, r, &all);
            (void)archive_export_end(&e);
        }
    }
    if (archive_reader_rows(r, ARCHIVE_POSITIONS) > MAX_ROWS)
        return;
    archive_position p;
    archive_query all = {0};
    if (archive_query_rows(r, ARCHIVE_POSITIONS, &all, first_position, &p) != 1)
        return;
    visit v = {r, ARCHIVE_POSITIONS, 0};
    archive_query by_mmsi = {.mmsi = p.mmsi ? p.mmsi : 1};
    (void)archive_query_rows(r, ARCHIVE_POSITIONS, &by_mmsi, on_row, &v);
    archive_query by_time = {.t0_ns = p.time_ns, .t1_ns = p.time_ns + 1000000000LL};
    (void)archive_query_rows(r, ARCHIVE_POSITIONS, &by_time, on_row, &v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (tmp_fd < 0 && setup() != 0)
        abort();
    if (write_input(data, size) != 0)
        return 0;
    archive_reader *r = archive_reader_open(tmp_path, false);
    if (!r)
        return 0;
    query_all(r);
    archive_reader_close(&r);
    /* Every identifier the reader opened is closed again, on every error path. */
    ssize_t left = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (left != 0) {
        fprintf(stderr, "fuzz_h5: %zd HDF5 objects left open\n", left);
        abort();
    }
    return 0;
}
