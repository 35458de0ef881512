/* Reading archive files: opening (live or closed, refusing anything that is not an archive),
 * rows and blobs by range, the index and the queries. */
#include "centinela/archive.h"

#include "afile.h"
#include "centinela/log.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INDEX_GROUP "index"
#define INDEX_SORTED "index/positions_by_mmsi"
#define INDEX_MMSI "index/mmsi"
#define INDEX_BLOCKS "index/positions_blocks"
/* Rows per block of the time index and per chunk of the sorted copy. */
#define INDEX_BLOCK_ROWS 16384
#define INDEX_SORTED_CHUNK 4096

typedef struct index_mmsi {
    uint32_t mmsi;
    uint64_t first; /* row in positions_by_mmsi */
    uint64_t count;
} index_mmsi;

typedef struct index_block {
    uint64_t first; /* row in positions */
    uint64_t count;
    int64_t t_min_ns, t_max_ns;
} index_block;

struct archive_reader {
    char *path;
    hid_t fid;
    bool follow;
    hid_t ds[ARCHIVE_TABLE_COUNT], mt[ARCHIVE_TABLE_COUNT];
    hsize_t rows[ARCHIVE_TABLE_COUNT];
    hid_t blob[ARCHIVE_BLOB_COUNT];
    hsize_t blob_size[ARCHIVE_BLOB_COUNT];
    uint64_t indexed_rows;
    index_mmsi *dir;
    size_t n_dir;
    index_block *blocks;
    size_t n_blocks;
    hid_t sorted;
};

static hid_t mmsi_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(index_mmsi));
    if (t < 0 || H5Tinsert(t, "mmsi", offsetof(index_mmsi, mmsi), H5T_NATIVE_UINT32) < 0 ||
        H5Tinsert(t, "first", offsetof(index_mmsi, first), H5T_NATIVE_UINT64) < 0 ||
        H5Tinsert(t, "count", offsetof(index_mmsi, count), H5T_NATIVE_UINT64) < 0) {
        if (t >= 0)
            H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

static hid_t block_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(index_block));
    if (t < 0 || H5Tinsert(t, "first", offsetof(index_block, first), H5T_NATIVE_UINT64) < 0 ||
        H5Tinsert(t, "count", offsetof(index_block, count), H5T_NATIVE_UINT64) < 0 ||
        H5Tinsert(t, "t_min_ns", offsetof(index_block, t_min_ns), H5T_NATIVE_INT64) < 0 ||
        H5Tinsert(t, "t_max_ns", offsetof(index_block, t_max_ns), H5T_NATIVE_INT64) < 0) {
        if (t >= 0)
            H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

static int extent(hid_t ds, hsize_t *n)
{
    hid_t sp = H5Dget_space(ds);
    int rc = (sp >= 0 && H5Sget_simple_extent_ndims(sp) == 1 &&
              H5Sget_simple_extent_dims(sp, n, NULL) >= 0)
                 ? 0
                 : -1;
    if (sp >= 0)
        H5Sclose(sp);
    return rc;
}

static hid_t open_ds(hid_t fid, const char *name)
{
    hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    if (dapl < 0 || H5Pset_chunk_cache(dapl, 521, 8u << 20, 0.75) < 0) {
        if (dapl >= 0)
            H5Pclose(dapl);
        return H5I_INVALID_HID;
    }
    hid_t ds = H5Dopen2(fid, name, dapl);
    H5Pclose(dapl);
    return ds;
}

/* Read a whole 1-D dataset of compound type t into a malloc'd array. */
static void *read_all(hid_t ds, hid_t t, size_t elem, size_t *n_out)
{
    hsize_t n;
    if (extent(ds, &n) != 0)
        return NULL;
    void *buf = x_malloc(n ? n * elem : 1);
    if (n && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        free(buf);
        return NULL;
    }
    *n_out = (size_t)n;
    return buf;
}

static int load_index(archive_reader *r)
{
    if (H5Lexists(r->fid, INDEX_GROUP, H5P_DEFAULT) <= 0)
        return 0;
    hid_t g = H5Gopen2(r->fid, INDEX_GROUP, H5P_DEFAULT);
    hid_t a = g >= 0 ? H5Aopen(g, "indexed_rows", H5P_DEFAULT) : -1;
    int64_t covered = 0;
    int rc = (a >= 0 && H5Aread(a, H5T_NATIVE_INT64, &covered) >= 0) ? 0 : -1;
    if (a >= 0)
        H5Aclose(a);
    if (g >= 0)
        H5Gclose(g);
    hid_t mt = mmsi_type(), bt = block_type();
    hid_t dd = rc == 0 ? open_ds(r->fid, INDEX_MMSI) : -1;
    hid_t bd = rc == 0 ? open_ds(r->fid, INDEX_BLOCKS) : -1;
    r->sorted = rc == 0 ? open_ds(r->fid, INDEX_SORTED) : -1;
    if (dd < 0 || bd < 0 || r->sorted < 0 || mt < 0 || bt < 0 ||
        !(r->dir = read_all(dd, mt, sizeof(index_mmsi), &r->n_dir)) ||
        !(r->blocks = read_all(bd, bt, sizeof(index_block), &r->n_blocks)))
        rc = -1;
    if (dd >= 0)
        H5Dclose(dd);
    if (bd >= 0)
        H5Dclose(bd);
    if (mt >= 0)
        H5Tclose(mt);
    if (bt >= 0)
        H5Tclose(bt);
    if (rc != 0) {
        log_error("%s: the index is unreadable; rebuild it with archive_tool index", r->path);
        return -1;
    }
    r->indexed_rows = (uint64_t)covered;
    return 0;
}

archive_reader *archive_reader_open(const char *path, bool follow)
{
    afile_quiet_hdf5();
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        log_error("%s: no such archive file", path);
        return NULL;
    }
    if (H5Fis_hdf5(path) <= 0) {
        log_error("%s: not an HDF5 file (or its superblock is damaged)", path);
        return NULL;
    }
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST) < 0) {
        log_error("cannot set up file access properties");
        if (fapl >= 0)
            H5Pclose(fapl);
        return NULL;
    }
    archive_reader *r = x_calloc(1, sizeof *r);
    r->path = x_strdup(path);
    r->follow = follow;
    r->sorted = H5I_INVALID_HID;
    r->fid = H5I_INVALID_HID;
    /* A closed file opens plainly: a checksum failure is then an error at once.  A file that a
     * writer holds, or left marked when it was killed, needs SWMR read, under which the library
     * retries metadata reads whose checksum fails (the writer may be mid-write): 100 times with
     * growing sleeps by default, which makes a damaged file look like a hang, so an offline
     * reader allows few retries and a follower a moderate number. */
    if (!follow)
        r->fid = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    if (r->fid < 0 || follow) {
        if (H5Pset_metadata_read_attempts(fapl, follow ? 20 : 3) < 0)
            log_warn("cannot limit metadata read attempts");
        r->fid = H5Fopen(path, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl);
    }
    H5Pclose(fapl);
    if (r->fid < 0) {
        log_error("%s: cannot open (truncated or corrupt HDF5 file)", path);
        archive_reader_close(&r);
        return NULL;
    }
    int64_t version = 0;
    hid_t a = H5Aexists(r->fid, "centinela_archive_version") > 0
                  ? H5Aopen(r->fid, "centinela_archive_version", H5P_DEFAULT)
                  : H5I_INVALID_HID;
    if (a < 0 || H5Aread(a, H5T_NATIVE_INT64, &version) < 0 || version != SCHEMA_VERSION) {
        log_error("%s: not a Centinela archive (version %d)", path, SCHEMA_VERSION);
        if (a >= 0)
            H5Aclose(a);
        archive_reader_close(&r);
        return NULL;
    }
    H5Aclose(a);
    for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++) {
        const table_desc *td = schema_table(t);
        r->ds[t] = open_ds(r->fid, td->name);
        r->mt[t] = schema_mem_type(td);
        if (r->ds[t] < 0 || r->mt[t] < 0) {
            log_error("%s: table %s is missing or unreadable", path, td->name);
            archive_reader_close(&r);
            return NULL;
        }
    }
    for (int b = 0; b < ARCHIVE_BLOB_COUNT; b++) {
        r->blob[b] = open_ds(r->fid, archive_blob_name(b));
        if (r->blob[b] < 0) {
            log_error("%s: dataset %s is missing", path, archive_blob_name(b));
            archive_reader_close(&r);
            return NULL;
        }
    }
    if (archive_reader_refresh(r) != 0 || load_index(r) != 0) {
        archive_reader_close(&r);
        return NULL;
    }
    return r;
}

void archive_reader_close(archive_reader **pr)
{
    if (!pr || !*pr)
        return;
    archive_reader *r = *pr;
    for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++) {
        if (r->ds[t] > 0)
            H5Dclose(r->ds[t]);
        if (r->mt[t] > 0)
            H5Tclose(r->mt[t]);
    }
    for (int b = 0; b < ARCHIVE_BLOB_COUNT; b++)
        if (r->blob[b] > 0)
            H5Dclose(r->blob[b]);
    if (r->sorted > 0)
        H5Dclose(r->sorted);
    if (r->fid > 0)
        H5Fclose(r->fid);
    free(r->dir);
    free(r->blocks);
    free(r->path);
    free(r);
    *pr = NULL;
}

const char *archive_reader_path(const archive_reader *r)
{
    return r->path;
}

int archive_reader_refresh(archive_reader *r)
{
    for (int b = 0; b < ARCHIVE_BLOB_COUNT; b++) {
        if ((r->follow && H5Drefresh(r->blob[b]) < 0) ||
            extent(r->blob[b], &r->blob_size[b]) != 0) {
            log_error("%s: cannot read the size of %s", r->path, archive_blob_name(b));
            return -1;
        }
    }
    for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++) {
        if ((r->follow && H5Drefresh(r->ds[t]) < 0) || extent(r->ds[t], &r->rows[t]) != 0) {
            log_error("%s: cannot read the size of %s", r->path, archive_table_name(t));
            return -1;
        }
    }
    return 0;
}

uint64_t archive_reader_rows(const archive_reader *r, enum archive_table t)
{
    return (unsigned)t < ARCHIVE_TABLE_COUNT ? r->rows[t] : 0;
}

uint64_t archive_reader_blob_size(const archive_reader *r, enum archive_blob b)
{
    return (unsigned)b < ARCHIVE_BLOB_COUNT ? r->blob_size[b] : 0;
}

uint64_t archive_reader_storage_bytes(const archive_reader *r, enum archive_table t)
{
    return (unsigned)t < ARCHIVE_TABLE_COUNT ? (uint64_t)H5Dget_storage_size(r->ds[t]) : 0;
}

uint64_t archive_reader_indexed_rows(const archive_reader *r)
{
    return r->indexed_rows;
}

static int read_range(hid_t ds, hid_t mt, uint64_t first, uint64_t count, void *out,
                      const char *what, const char *path)
{
    if (count == 0)
        return 0;
    hsize_t start = first, cnt = count;
    hid_t fs = H5Dget_space(ds);
    hid_t ms = H5Screate_simple(1, &cnt, NULL);
    int rc = -1;
    if (fs >= 0 && ms >= 0 &&
        H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &cnt, NULL) >= 0 &&
        H5Dread(ds, mt, ms, fs, H5P_DEFAULT, out) >= 0)
        rc = 0;
    else
        log_error("%s: cannot read %s rows %llu..%llu (damaged file?)", path, what,
                  (unsigned long long)first, (unsigned long long)(first + count));
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    return rc;
}

int archive_reader_read(archive_reader *r, enum archive_table t, uint64_t first, uint64_t count,
                        void *rows)
{
    if ((unsigned)t >= ARCHIVE_TABLE_COUNT || first + count > r->rows[t] || first + count < first) {
        log_error("%s: rows %llu+%llu beyond table %s", r->path, (unsigned long long)first,
                  (unsigned long long)count, archive_table_name(t));
        return -1;
    }
    return read_range(r->ds[t], r->mt[t], first, count, rows, archive_table_name(t), r->path);
}

int archive_reader_blob(archive_reader *r, enum archive_blob b, uint64_t offset, size_t len,
                        void *out)
{
    if ((unsigned)b >= ARCHIVE_BLOB_COUNT || offset + len > r->blob_size[b] ||
        offset + len < offset) {
        log_error("%s: bytes %llu+%zu beyond %s", r->path, (unsigned long long)offset, len,
                  archive_blob_name(b));
        return -1;
    }
    return read_range(r->blob[b], H5T_NATIVE_UINT8, offset, len, out, archive_blob_name(b),
                      r->path);
}

/* ---- queries ----------------------------------------------------------------------------- */

static bool in_bbox(const archive_query *q, double lat, double lon)
{
    return lat >= q->lat_min_deg && lat <= q->lat_max_deg && lon >= q->lon_min_deg &&
           lon <= q->lon_max_deg;
}

bool archive_row_matches(enum archive_table t, const void *row, const archive_query *q)
{
    int64_t time_ns = *(const int64_t *)row; /* every row starts with its event time */
    if (q->t0_ns && time_ns < q->t0_ns)
        return false;
    if (q->t1_ns && time_ns >= q->t1_ns)
        return false;
    switch (t) {
    case ARCHIVE_MESSAGES:
        return !q->mmsi || ((const archive_message *)row)->mmsi == q->mmsi;
    case ARCHIVE_POSITIONS: {
        const archive_position *p = row;
        if (q->mmsi && p->mmsi != q->mmsi)
            return false;
        if (q->bbox && (p->lat_e7 == ARCHIVE_LATLON_NA || p->lon_e7 == ARCHIVE_LATLON_NA ||
                        !in_bbox(q, p->lat_e7 * 1e-7, p->lon_e7 * 1e-7)))
            return false;
        return true;
    }
    case ARCHIVE_STATIC:
        return !q->mmsi || ((const archive_static *)row)->mmsi == q->mmsi;
    case ARCHIVE_TRACKS: {
        const archive_track *k = row;
        if (q->mmsi && k->mmsi != q->mmsi)
            return false;
        if (q->zones && !(k->zones & q->zones))
            return false;
        return !q->bbox || in_bbox(q, k->lat_deg, k->lon_deg);
    }
    case ARCHIVE_RADAR: {
        const archive_radar *k = row;
        if (q->mmsi)
            return false; /* radar reports carry no identity */
        return !q->bbox || in_bbox(q, k->lat_deg, k->lon_deg);
    }
    case ARCHIVE_ALERTS: {
        const archive_alert *k = row;
        if (q->mmsi) {
            bool any = false;
            for (int i = 0; i < k->n_mmsi && i < WIRE_ALERT_MAX_MMSI; i++)
                any |= k->mmsi[i] == q->mmsi;
            if (!any)
                return false;
        }
        if (q->rule && *q->rule && strncmp(k->rule, q->rule, sizeof k->rule) != 0)
            return false;
        return !q->bbox || in_bbox(q, k->lat_deg, k->lon_deg);
    }
    case ARCHIVE_STATS:
        return !q->mmsi;
    default:
        return false;
    }
}

/* Visit rows [first, end) of a dataset in chunk-sized reads. */
static int64_t scan(archive_reader *r, enum archive_table t, hid_t ds, uint64_t first, uint64_t end,
                    const archive_query *q, archive_row_fn fn, void *ctx, bool *stop)
{
    size_t rs = archive_row_size(t);
    uint64_t step = schema_table(t)->chunk_rows;
    uint8_t *buf = x_malloc(step * rs);
    int64_t visited = 0;
    for (uint64_t at = first; at < end && !*stop; at += step) {
        uint64_t n = end - at < step ? end - at : step;
        if (read_range(ds, r->mt[t], at, n, buf, archive_table_name(t), r->path) != 0) {
            free(buf);
            return -1;
        }
        for (uint64_t i = 0; i < n; i++) {
            const void *row = buf + i * rs;
            if (!archive_row_matches(t, row, q))
                continue;
            visited++;
            if (fn && fn(ctx, row, at + i)) {
                *stop = true;
                break;
            }
        }
    }
    free(buf);
    return visited;
}

static int cmp_dir(const void *key, const void *elem)
{
    uint32_t m = *(const uint32_t *)key, e = ((const index_mmsi *)elem)->mmsi;
    return m < e ? -1 : m > e;
}

int64_t archive_query_rows(archive_reader *r, enum archive_table t, const archive_query *q,
                           archive_row_fn fn, void *ctx)
{
    if ((unsigned)t >= ARCHIVE_TABLE_COUNT)
        return -1;
    bool stop = false;
    int64_t total = 0, k;
    uint64_t n = r->rows[t], tail = 0;
    if (t == ARCHIVE_POSITIONS && r->indexed_rows > 0 && r->indexed_rows <= n) {
        tail = r->indexed_rows;
        if (q->mmsi) {
            /* The vessel's rows, contiguous in the sorted copy (row indices are of the copy). */
            const index_mmsi *e = bsearch(&q->mmsi, r->dir, r->n_dir, sizeof *r->dir, cmp_dir);
            if (e &&
                (k = scan(r, t, r->sorted, e->first, e->first + e->count, q, fn, ctx, &stop)) < 0)
                return -1;
            total += e ? k : 0;
        } else {
            /* Blocks whose time range meets the query. */
            for (size_t b = 0; b < r->n_blocks && !stop; b++) {
                const index_block *blk = &r->blocks[b];
                if ((q->t0_ns && blk->t_max_ns < q->t0_ns) ||
                    (q->t1_ns && blk->t_min_ns >= q->t1_ns))
                    continue;
                if ((k = scan(r, t, r->ds[t], blk->first, blk->first + blk->count, q, fn, ctx,
                              &stop)) < 0)
                    return -1;
                total += k;
            }
        }
    }
    if (!stop && tail < n) {
        if ((k = scan(r, t, r->ds[t], tail, n, q, fn, ctx, &stop)) < 0)
            return -1;
        total += k;
    }
    return total;
}

/* ---- index ---------------------------------------------------------------------------------
 *
 * The sorted copy is built by an external merge sort, so memory stays bounded whatever the size
 * of the positions table: blocks of sort_block_rows rows (default INDEX_SORT_BLOCK_ROWS) are read,
 * sorted in memory and written as runs to a temporary file beside the archive (unlinked at once,
 * so nothing is left behind by a crash), then the runs are merged into the index dataset.  Peak
 * memory: 48 bytes per row of a block (48 MB by default), or during the merge 48 bytes x
 * INDEX_MERGE_ROWS per run (192 kB), plus the per-MMSI directory (20 bytes per vessel) and the
 * time blocks (32 bytes per 16,384 rows).  Temporary disk: 48 bytes per position (480 MB for
 * 10 M rows), only when the table exceeds one block.  A file of one block is sorted in memory. */

#define INDEX_SORT_BLOCK_ROWS ((size_t)1 << 20)
#define INDEX_MERGE_ROWS 4096

/* A position with its row in the positions table: the sort key is (mmsi, time, row). */
typedef struct keyed {
    archive_position p;
    uint64_t row;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->p.mmsi != y->p.mmsi)
        return x->p.mmsi < y->p.mmsi ? -1 : 1;
    if (x->p.time_ns != y->p.time_ns)
        return x->p.time_ns < y->p.time_ns ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static hid_t create_index_ds(hid_t g, const char *name, hid_t file_type, hsize_t n, hsize_t chunk)
{
    hsize_t dim = n, maxdim = H5S_UNLIMITED;
    hid_t sp = H5Screate_simple(1, &dim, &maxdim);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t ds = H5I_INVALID_HID;
    if (sp >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 1, &chunk) >= 0 && H5Pset_shuffle(dcpl) >= 0 &&
        H5Pset_deflate(dcpl, 4) >= 0 && H5Pset_fletcher32(dcpl) >= 0 &&
        H5Pset_obj_track_times(dcpl, 0) >= 0)
        ds = H5Dcreate2(g, name, file_type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds < 0)
        log_error("cannot create index dataset %s", name);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (sp >= 0)
        H5Sclose(sp);
    return ds;
}

/* Write rows [first, first + count) of a 1-D dataset from buf (memory type mt). */
static int write_range(hid_t ds, hid_t mt, hsize_t first, hsize_t count, const void *buf)
{
    if (count == 0)
        return 0;
    hid_t fs = H5Dget_space(ds);
    hid_t ms = H5Screate_simple(1, &count, NULL);
    int rc = (fs >= 0 && ms >= 0 &&
              H5Sselect_hyperslab(fs, H5S_SELECT_SET, &first, NULL, &count, NULL) >= 0 &&
              H5Dwrite(ds, mt, ms, fs, H5P_DEFAULT, buf) >= 0)
                 ? 0
                 : -1;
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    return rc;
}

static int write_index_ds(hid_t g, const char *name, hid_t file_type, hid_t mem_type, hsize_t n,
                          hsize_t chunk, const void *data)
{
    hid_t ds = create_index_ds(g, name, file_type, n, chunk);
    int rc = ds >= 0 && write_range(ds, mem_type, 0, n, data) == 0 ? 0 : -1;
    if (ds >= 0 && H5Dclose(ds) < 0)
        rc = -1;
    if (rc != 0)
        log_error("cannot write index dataset %s", name);
    return rc;
}

/* The sorted copy as it is written, and the per-MMSI directory built on the way. */
typedef struct index_out {
    hid_t ds, mt;
    hsize_t at;
    archive_position buf[INDEX_SORTED_CHUNK];
    size_t n;
    index_mmsi *dir;
    size_t n_dir, cap_dir;
} index_out;

static int out_flush(index_out *o)
{
    if (write_range(o->ds, o->mt, o->at, o->n, o->buf) != 0) {
        log_error("cannot write the sorted positions");
        return -1;
    }
    o->at += o->n;
    o->n = 0;
    return 0;
}

static int out_put(index_out *o, const keyed *k)
{
    uint64_t i = o->at + o->n;
    if (o->n_dir == 0 || o->dir[o->n_dir - 1].mmsi != k->p.mmsi) {
        if (o->n_dir == o->cap_dir) {
            o->cap_dir = o->cap_dir ? 2 * o->cap_dir : 1024;
            o->dir = x_realloc(o->dir, o->cap_dir * sizeof *o->dir);
        }
        o->dir[o->n_dir++] = (index_mmsi){k->p.mmsi, i, 0};
    }
    o->dir[o->n_dir - 1].count++;
    o->buf[o->n++] = k->p;
    return o->n == INDEX_SORTED_CHUNK ? out_flush(o) : 0;
}

/* One sorted run in the temporary file, read ahead INDEX_MERGE_ROWS rows at a time. */
typedef struct run {
    off_t next;    /* file offset of the next unread row */
    uint64_t left; /* rows not yet read from the file */
    keyed *buf;
    size_t cap, n, at;
} run;

static int run_fill(run *r, FILE *tmp)
{
    size_t k = r->left < r->cap ? (size_t)r->left : r->cap;
    if (fseeko(tmp, r->next, SEEK_SET) != 0 || fread(r->buf, sizeof *r->buf, k, tmp) != k) {
        log_error("cannot read back a sorted run of the index");
        return -1;
    }
    r->next += (off_t)(k * sizeof *r->buf);
    r->left -= k;
    r->n = k;
    r->at = 0;
    return 0;
}

/* Merge the runs into the output: the smallest head each time (runs are few: n / block). */
static int merge_runs(run *runs, size_t n_runs, FILE *tmp, index_out *o)
{
    for (size_t i = 0; i < n_runs; i++) {
        /* Read-ahead: INDEX_MERGE_ROWS, or less when the blocks are smaller. */
        runs[i].cap = runs[i].left < INDEX_MERGE_ROWS ? (size_t)runs[i].left : INDEX_MERGE_ROWS;
        runs[i].buf = x_malloc((runs[i].cap ? runs[i].cap : 1) * sizeof *runs[i].buf);
        if (run_fill(&runs[i], tmp) != 0)
            return -1;
    }
    for (;;) {
        run *best = NULL;
        for (size_t i = 0; i < n_runs; i++)
            if (runs[i].at < runs[i].n &&
                (!best || cmp_keyed(&runs[i].buf[runs[i].at], &best->buf[best->at]) < 0))
                best = &runs[i];
        if (!best)
            return 0;
        if (out_put(o, &best->buf[best->at++]) != 0)
            return -1;
        if (best->at == best->n && best->left > 0 && run_fill(best, tmp) != 0)
            return -1;
    }
}

/* A temporary file beside the archive (the same disk: /tmp may be memory), unlinked at once. */
static FILE *sort_tmpfile(const char *path)
{
    char name[PATH_MAX];
    snprintf(name, sizeof name, "%s.sort-XXXXXX", path);
    int fd = mkstemp(name);
    if (fd < 0) {
        log_error("%s: cannot create the index sort file %s: %s", path, name, strerror(errno));
        return NULL;
    }
    unlink(name);
    FILE *f = fdopen(fd, "w+b");
    if (!f) {
        close(fd);
        log_error("%s: cannot open the index sort file", path);
    }
    return f;
}

/* Read the positions block by block: time blocks, sorted runs (or, for one block, the output). */
static int sort_positions(const char *path, hid_t ds, hid_t kt, hsize_t n, size_t block_rows,
                          index_block *blocks, index_out *o)
{
    size_t per = n < block_rows ? (size_t)n : block_rows;
    keyed *k = x_malloc((per ? per : 1) * sizeof *k);
    size_t n_runs = (size_t)((n + block_rows - 1) / block_rows);
    run *runs = x_calloc(n_runs ? n_runs : 1, sizeof *runs);
    FILE *tmp = NULL;
    int rc = 0;
    if (n_runs > 1 && !(tmp = sort_tmpfile(path)))
        rc = -1;
    for (size_t r = 0; r < n_runs && rc == 0; r++) {
        hsize_t first = (hsize_t)r * block_rows;
        size_t cnt = (size_t)(n - first < block_rows ? n - first : block_rows);
        if (read_range(ds, kt, first, cnt, k, "positions", path) != 0) {
            rc = -1;
            break;
        }
        for (size_t i = 0; i < cnt; i++) {
            k[i].row = first + i;
            index_block *b = &blocks[(first + i) / INDEX_BLOCK_ROWS];
            if (k[i].p.time_ns < b->t_min_ns)
                b->t_min_ns = k[i].p.time_ns;
            if (k[i].p.time_ns > b->t_max_ns)
                b->t_max_ns = k[i].p.time_ns;
        }
        qsort(k, cnt, sizeof *k, cmp_keyed);
        if (n_runs == 1) {
            for (size_t i = 0; i < cnt && rc == 0; i++)
                rc = out_put(o, &k[i]);
            break;
        }
        runs[r].next = ftello(tmp);
        runs[r].left = cnt;
        if (runs[r].next < 0 || fwrite(k, sizeof *k, cnt, tmp) != cnt) {
            log_error("%s: cannot write a sorted run of the index (disk full?)", path);
            rc = -1;
        }
    }
    free(k);
    if (rc == 0 && n_runs > 1 && fflush(tmp) != 0) {
        log_error("%s: cannot write the index sort file (disk full?)", path);
        rc = -1;
    }
    if (rc == 0 && n_runs > 1)
        rc = merge_runs(runs, n_runs, tmp, o);
    if (rc == 0 && o->n > 0)
        rc = out_flush(o);
    for (size_t r = 0; r < n_runs; r++)
        free(runs[r].buf);
    free(runs);
    if (tmp)
        fclose(tmp);
    return rc;
}

int archive_index_build_in(const char *path, size_t sort_block_rows, bool locked)
{
    afile_quiet_hdf5();
    if (sort_block_rows == 0)
        sort_block_rows = INDEX_SORT_BLOCK_ROWS;
    int lock_fd = -1;
    if (!locked && (lock_fd = afile_lock(path)) < 0) {
        log_error("%s: not indexed (a writer has it open)", path);
        return -1;
    }
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hbool_t clear = 1;
    if (fapl < 0 || H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST) < 0 ||
        (H5Pexist(fapl, "clear_status_flags") > 0 &&
         H5Pset(fapl, "clear_status_flags", &clear) < 0)) {
        log_error("cannot set up file access properties");
        if (fapl >= 0)
            H5Pclose(fapl);
        afile_unlock(path, &lock_fd);
        return -1;
    }
    hid_t fid = H5Fopen(path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    if (fid < 0) {
        log_error("%s: cannot open for indexing (corrupt, or open by a writer)", path);
        afile_unlock(path, &lock_fd);
        return -1;
    }
    if (H5Aexists(fid, "centinela_archive_version") <= 0) {
        log_error("%s: not a Centinela archive", path);
        H5Fclose(fid);
        afile_unlock(path, &lock_fd);
        return -1;
    }
    int rc = -1;
    const table_desc *td = schema_table(ARCHIVE_POSITIONS);
    hid_t mt = schema_mem_type(td), ft = schema_file_type(td), kt = H5I_INVALID_HID;
    hid_t dmt = mmsi_type(), bt = block_type();
    hid_t ds = open_ds(fid, td->name), g = H5I_INVALID_HID;
    index_out *o = x_calloc(1, sizeof *o);
    o->ds = H5I_INVALID_HID;
    index_block *blocks = NULL;
    hsize_t n = 0;
    /* Rows read straight into keyed records: the row type, widened to the record's size. */
    if (mt >= 0 && (kt = H5Tcopy(mt)) >= 0 && H5Tset_size(kt, sizeof(keyed)) < 0) {
        H5Tclose(kt);
        kt = H5I_INVALID_HID;
    }
    if (mt < 0 || ft < 0 || kt < 0 || dmt < 0 || bt < 0 || ds < 0 || extent(ds, &n) != 0) {
        log_error("%s: no readable positions table", path);
        goto done;
    }
    size_t n_blocks = (size_t)((n + INDEX_BLOCK_ROWS - 1) / INDEX_BLOCK_ROWS);
    blocks = x_malloc((n_blocks ? n_blocks : 1) * sizeof *blocks);
    for (size_t b = 0; b < n_blocks; b++) {
        blocks[b].first = (uint64_t)b * INDEX_BLOCK_ROWS;
        blocks[b].count =
            n - blocks[b].first < INDEX_BLOCK_ROWS ? n - blocks[b].first : INDEX_BLOCK_ROWS;
        blocks[b].t_min_ns = INT64_MAX;
        blocks[b].t_max_ns = INT64_MIN;
    }
    if (H5Lexists(fid, INDEX_GROUP, H5P_DEFAULT) > 0 &&
        H5Ldelete(fid, INDEX_GROUP, H5P_DEFAULT) < 0) {
        log_error("%s: cannot remove the old index", path);
        goto done;
    }
    g = H5Gcreate2(fid, INDEX_GROUP, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0) {
        log_error("%s: cannot create the index group", path);
        goto done;
    }
    o->mt = mt;
    if ((o->ds = create_index_ds(g, "positions_by_mmsi", ft, n, INDEX_SORTED_CHUNK)) < 0 ||
        sort_positions(path, ds, kt, n, sort_block_rows, blocks, o) != 0)
        goto done;
    hid_t dft = H5Tcopy(dmt), bft = H5Tcopy(bt);
    int w = (dft >= 0 && bft >= 0 && H5Tpack(dft) >= 0 && H5Tpack(bft) >= 0 &&
             write_index_ds(g, "mmsi", dft, dmt, o->n_dir, 4096, o->dir) == 0 &&
             write_index_ds(g, "positions_blocks", bft, bt, n_blocks, 1024, blocks) == 0)
                ? 0
                : -1;
    if (dft >= 0)
        H5Tclose(dft);
    if (bft >= 0)
        H5Tclose(bft);
    if (w != 0)
        goto done;
    /* Last: a reader trusts an index only with this attribute. */
    hid_t sp = H5Screate(H5S_SCALAR);
    int64_t covered = (int64_t)n;
    hid_t a =
        sp >= 0 ? H5Acreate2(g, "indexed_rows", H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT) : -1;
    if (a < 0 || H5Awrite(a, H5T_NATIVE_INT64, &covered) < 0)
        log_error("%s: cannot write indexed_rows", path);
    else
        rc = 0;
    if (a >= 0)
        H5Aclose(a);
    if (sp >= 0)
        H5Sclose(sp);
done:
    if (o->ds >= 0 && H5Dclose(o->ds) < 0)
        rc = -1;
    if (g >= 0)
        H5Gclose(g);
    if (ds >= 0)
        H5Dclose(ds);
    if (mt >= 0)
        H5Tclose(mt);
    if (kt >= 0)
        H5Tclose(kt);
    if (ft >= 0)
        H5Tclose(ft);
    if (dmt >= 0)
        H5Tclose(dmt);
    if (bt >= 0)
        H5Tclose(bt);
    if (H5Fclose(fid) < 0) {
        log_error("%s: close after indexing failed", path);
        rc = -1;
    }
    afile_unlock(path, &lock_fd);
    free(o->dir);
    free(o);
    free(blocks);
    return rc;
}

int archive_index_build(const char *path)
{
    return archive_index_build_in(path, 0, false);
}

int archive_index_build_bounded(const char *path, size_t sort_block_rows)
{
    return archive_index_build_in(path, sort_block_rows, false);
}

/* ---- check ---------------------------------------------------------------------------------
 *
 * Every row of every table and every blob byte is read, so HDF5 decodes (and, on files with
 * Fletcher32, checksums) every chunk.  Rows that are all fill value (time 0 and MMSI 0 in
 * messages or positions) were never written: a writer extended the table and the data did not
 * follow.  The index must describe the table it covers: the sorted copy holds the same rows
 * (compared as a multiset by an order-independent sum of row hashes, so memory stays bounded),
 * in (MMSI, time) order, the MMSI directory points at each vessel's run, and the time blocks
 * bound their rows' times. */

#define CHECK_STEP_ROWS 65536

static uint64_t row_hash(const void *row, size_t n)
{
    /* FNV-1a then a final mix (splitmix64), so that sums of hashes compare multisets. */
    const uint8_t *p = row;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

/* Read rows [0, n) of ds in steps, zeroed first (padding stays 0 for hashing), calling fn. */
typedef int (*check_fn)(void *ctx, const uint8_t *rows, uint64_t first, uint64_t n);

static int check_rows(archive_reader *r, hid_t ds, hid_t mt, size_t row_size, uint64_t n,
                      const char *what, check_fn fn, void *ctx)
{
    uint8_t *buf = x_malloc(CHECK_STEP_ROWS * row_size);
    int rc = 0;
    for (uint64_t at = 0; at < n && rc == 0; at += CHECK_STEP_ROWS) {
        uint64_t k = n - at < CHECK_STEP_ROWS ? n - at : CHECK_STEP_ROWS;
        memset(buf, 0, k * row_size);
        if (read_range(ds, mt, at, k, buf, what, r->path) != 0 || (fn && fn(ctx, buf, at, k) != 0))
            rc = -1;
    }
    free(buf);
    return rc;
}

struct check_ctx {
    archive_reader *r;
    enum archive_table t;
    uint64_t hash_sum, unwritten;
    archive_position last;
    bool have_last;
    uint64_t disorder;
};

static int check_table_rows(void *ctx, const uint8_t *rows, uint64_t first, uint64_t n)
{
    struct check_ctx *c = ctx;
    size_t rs = archive_row_size(c->t);
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *row = rows + i * rs;
        int64_t t_ns;
        memcpy(&t_ns, row, sizeof t_ns); /* every table starts with time_ns */
        uint32_t mmsi = 1;
        if (c->t == ARCHIVE_POSITIONS)
            mmsi = ((const archive_position *)row)->mmsi;
        else if (c->t == ARCHIVE_MESSAGES)
            mmsi = ((const archive_message *)row)->mmsi;
        if (t_ns == 0 && mmsi == 0 && c->unwritten++ == 0)
            log_error("%s: %s row %llu was never written (time 0, MMSI 0)", c->r->path,
                      archive_table_name(c->t), (unsigned long long)(first + i));
        if (c->t == ARCHIVE_POSITIONS && first + i < c->r->indexed_rows)
            c->hash_sum += row_hash(row, rs);
    }
    return 0;
}

static int check_sorted_rows(void *ctx, const uint8_t *rows, uint64_t first, uint64_t n)
{
    struct check_ctx *c = ctx;
    (void)first;
    for (uint64_t i = 0; i < n; i++) {
        const archive_position *p = (const archive_position *)rows + i;
        c->hash_sum += row_hash(p, sizeof *p);
        if (c->have_last && (p->mmsi < c->last.mmsi ||
                             (p->mmsi == c->last.mmsi && p->time_ns < c->last.time_ns)))
            c->disorder++;
        c->last = *p;
        c->have_last = true;
    }
    return 0;
}

static int check_index(archive_reader *r, uint64_t positions_hash)
{
    const char *path = r->path;
    hsize_t n_sorted = 0;
    if (r->indexed_rows > r->rows[ARCHIVE_POSITIONS] || extent(r->sorted, &n_sorted) != 0 ||
        n_sorted != r->indexed_rows) {
        log_error("%s: the index covers %llu rows but holds %llu of %llu positions", path,
                  (unsigned long long)r->indexed_rows, (unsigned long long)n_sorted,
                  (unsigned long long)r->rows[ARCHIVE_POSITIONS]);
        return -1;
    }
    struct check_ctx c = {.r = r, .t = ARCHIVE_POSITIONS};
    if (check_rows(r, r->sorted, r->mt[ARCHIVE_POSITIONS], sizeof(archive_position), n_sorted,
                   "index/positions_by_mmsi", check_sorted_rows, &c) != 0)
        return -1;
    if (c.disorder) {
        log_error("%s: index/positions_by_mmsi is out of (MMSI, time) order at %llu places", path,
                  (unsigned long long)c.disorder);
        return -1;
    }
    if (c.hash_sum != positions_hash) {
        log_error("%s: index/positions_by_mmsi does not hold the rows of positions", path);
        return -1;
    }
    /* The directory: runs in order, back to back, covering the sorted copy, each of its MMSI. */
    uint64_t next = 0;
    archive_position p;
    for (size_t i = 0; i < r->n_dir; i++) {
        const index_mmsi *e = &r->dir[i];
        if (e->first != next || e->count == 0 || e->count > n_sorted - e->first ||
            (i > 0 && e->mmsi <= r->dir[i - 1].mmsi) ||
            read_range(r->sorted, r->mt[ARCHIVE_POSITIONS], e->first, 1, &p, "index", path) != 0 ||
            p.mmsi != e->mmsi ||
            read_range(r->sorted, r->mt[ARCHIVE_POSITIONS], e->first + e->count - 1, 1, &p,
                       "index", path) != 0 ||
            p.mmsi != e->mmsi) {
            log_error("%s: index/mmsi entry %zu (MMSI %u) does not match the sorted copy", path,
                      i, e->mmsi);
            return -1;
        }
        next = e->first + e->count;
    }
    if (next != n_sorted) {
        log_error("%s: index/mmsi covers %llu of %llu sorted rows", path,
                  (unsigned long long)next, (unsigned long long)n_sorted);
        return -1;
    }
    /* The time blocks: back to back over the covered rows, each bounding its rows' times. */
    next = 0;
    int rc = 0;
    for (size_t b = 0; b < r->n_blocks && rc == 0; b++) {
        const index_block *blk = &r->blocks[b];
        if (blk->first != next || blk->count == 0 || blk->count > INDEX_BLOCK_ROWS ||
            blk->count > r->indexed_rows - blk->first) {
            rc = -1;
            break;
        }
        archive_position *rows = x_malloc(blk->count * sizeof *rows);
        if (read_range(r->ds[ARCHIVE_POSITIONS], r->mt[ARCHIVE_POSITIONS], blk->first, blk->count,
                       rows, "positions", path) != 0)
            rc = -1;
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (uint64_t i = 0; rc == 0 && i < blk->count; i++) {
            lo = rows[i].time_ns < lo ? rows[i].time_ns : lo;
            hi = rows[i].time_ns > hi ? rows[i].time_ns : hi;
        }
        if (rc == 0 && (lo != blk->t_min_ns || hi != blk->t_max_ns))
            rc = -1;
        free(rows);
        next = blk->first + blk->count;
    }
    if (rc == 0 && next != r->indexed_rows)
        rc = -1;
    if (rc != 0)
        log_error("%s: index/positions_blocks does not match the positions table", path);
    return rc;
}

int archive_reader_check(archive_reader *r)
{
    int rc = 0;
    uint64_t positions_hash = 0;
    for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++) {
        struct check_ctx c = {.r = r, .t = (enum archive_table)t};
        if (check_rows(r, r->ds[t], r->mt[t], archive_row_size(t), r->rows[t],
                       archive_table_name(t), check_table_rows, &c) != 0) {
            rc = -1;
            continue;
        }
        if (c.unwritten) {
            log_error("%s: %s has %llu rows that were never written", r->path,
                      archive_table_name(t), (unsigned long long)c.unwritten);
            rc = -1;
        }
        if (t == ARCHIVE_POSITIONS)
            positions_hash = c.hash_sum;
    }
    for (int b = 0; b < ARCHIVE_BLOB_COUNT; b++)
        if (check_rows(r, r->blob[b], H5T_NATIVE_UINT8, 1, r->blob_size[b], archive_blob_name(b),
                       NULL, NULL) != 0)
            rc = -1;
    if (rc == 0 && r->indexed_rows > 0 && check_index(r, positions_hash) != 0)
        rc = -1;
    return rc;
}
