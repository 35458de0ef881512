/* Creating, reopening, appending to and flushing one archive file.
 *
 * Appends are buffered in memory up to the next chunk boundary, so a busy table writes whole
 * chunks (compressed once) and a quiet one rewrites only its last partial chunk at each flush.
 * Nothing is written to disk between flushes except whole chunks, which keeps the cost of the
 * 1 s flush small and bounds what a killed writer loses to the rows since the last flush.
 *
 * Under SWMR no object can be created, so a new file gets every dataset (empty, extendible)
 * and all attributes before it is reopened with H5F_ACC_SWMR_WRITE. */
#include "afile.h"

#include "centinela/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

void afile_quiet_hdf5(void)
{
    static int done;
    if (!done) {
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
        done = 1;
    }
}

/* A scalar string attribute, variable-length and marked UTF-8: h5py returns it as str (a
 * fixed-length string comes back as bytes whatever its character set). */
static int set_str_attr(hid_t obj, const char *name, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5I_INVALID_HID;
    int rc = -1;
    if (t >= 0 && s >= 0 && H5Tset_size(t, H5T_VARIABLE) >= 0 &&
        H5Tset_cset(t, H5T_CSET_UTF8) >= 0 &&
        (a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
        H5Awrite(a, t, &value) >= 0)
        rc = 0;
    if (a >= 0)
        H5Aclose(a);
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    if (rc)
        log_error("cannot write attribute %s", name);
    return rc;
}

static int set_int_attr(hid_t obj, const char *name, int64_t value)
{
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = s >= 0 ? H5Acreate2(obj, name, H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT) : -1;
    int rc = (a >= 0 && H5Awrite(a, H5T_NATIVE_INT64, &value) >= 0) ? 0 : -1;
    if (a >= 0)
        H5Aclose(a);
    if (s >= 0)
        H5Sclose(s);
    if (rc)
        log_error("cannot write attribute %s", name);
    return rc;
}

/* ---- the writer's lock ------------------------------------------------------------------
 *
 * HDF5 cannot keep a second writer out: SWMR writing drops the library's own file lock once the
 * file is open, and a writer that opens a file marked by a killed writer clears that mark (as
 * h5clear -s does), so two archivers pointed at one path would both append and corrupt it.  The
 * lock file is the guard.  flock(2), not the pid, decides whether it is held: the kernel drops
 * it when the holder dies, however it dies, and a recycled pid cannot make a stale lock look
 * alive.  The pid inside is for the message (and for people). */

static void lock_path(const char *path, char *out, size_t cap)
{
    snprintf(out, cap, "%s.lock", path);
}

int afile_lock(const char *path)
{
    char lp[PATH_MAX];
    lock_path(path, lp, sizeof lp);
    for (int attempt = 0; attempt < 10; attempt++) {
        int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            log_error("%s: cannot create the lock file: %s", lp, strerror(errno));
            return -1;
        }
        char text[32] = "";
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int err = errno;
            ssize_t k = pread(fd, text, sizeof text - 1, 0);
            text[k > 0 ? k : 0] = 0;
            close(fd);
            if (err == EWOULDBLOCK) {
                log_error("%s is being written by process %ld (lock %s): one writer per file", path,
                          strtol(text, NULL, 10), lp);
                return -2;
            }
            log_error("%s: cannot lock: %s", lp, strerror(err));
            return -1;
        }
        /* The previous holder may have removed the file between our open and our flock: then
         * we hold a lock on a name nobody sees, so start again. */
        struct stat a, b;
        if (fstat(fd, &a) != 0 || stat(lp, &b) != 0 || a.st_ino != b.st_ino ||
            a.st_dev != b.st_dev) {
            close(fd);
            continue;
        }
        ssize_t k = pread(fd, text, sizeof text - 1, 0);
        text[k > 0 ? k : 0] = 0;
        if (k > 0)
            log_warn("%s: clearing the stale lock of process %ld (it is gone)", path,
                     strtol(text, NULL, 10));
        int n = snprintf(text, sizeof text, "%ld\n", (long)getpid());
        if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)n, 0) != n)
            log_warn("%s: cannot write the pid into the lock file", lp);
        return fd;
    }
    log_error("%s: the lock file keeps changing; another writer is starting", lp);
    return -1;
}

void afile_unlock(const char *path, int *fd)
{
    if (!fd || *fd < 0)
        return;
    char lp[PATH_MAX];
    lock_path(path, lp, sizeof lp);
    if (unlink(lp) != 0 && errno != ENOENT)
        log_warn("%s: cannot remove the lock file: %s", lp, strerror(errno));
    close(*fd);
    *fd = -1;
}

int afile_take_lock(afile *f)
{
    int fd = f->lock_fd;
    f->lock_fd = -1;
    return fd;
}

/* Create one empty extendible dataset with its attributes. */
static int create_dataset(hid_t fid, const char *name, hid_t file_type, hsize_t chunk_rows,
                          int deflate_level, const char *description, const table_desc *t)
{
    hsize_t dim = 0, maxdim = H5S_UNLIMITED;
    hid_t space = H5Screate_simple(1, &dim, &maxdim);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t ds = H5I_INVALID_HID;
    int rc = -1;
    /* Fletcher32 last: a chunk damaged on disk fails its checksum when read (HDF5's built-in
     * filter; h5py and every HDF5 reader verify it). */
    if (space < 0 || dcpl < 0 || H5Pset_chunk(dcpl, 1, &chunk_rows) < 0 ||
        H5Pset_shuffle(dcpl) < 0 ||
        (deflate_level > 0 && H5Pset_deflate(dcpl, (unsigned)deflate_level) < 0) ||
        H5Pset_fletcher32(dcpl) < 0 || H5Pset_obj_track_times(dcpl, 0) < 0) {
        log_error("%s: cannot set up dataset properties", name);
        goto done;
    }
    ds = H5Dcreate2(fid, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds < 0) {
        log_error("cannot create dataset %s", name);
        goto done;
    }
    if (set_str_attr(ds, "description", description) != 0)
        goto done;
    if (t) {
        for (size_t i = 0; i < t->n_fields; i++) {
            char key[96];
            const field_desc *f = &t->fields[i];
            if (f->units[0]) {
                snprintf(key, sizeof key, "%s.units", f->name);
                if (set_str_attr(ds, key, f->units) != 0)
                    goto done;
            }
            snprintf(key, sizeof key, "%s.description", f->name);
            if (set_str_attr(ds, key, f->description) != 0)
                goto done;
        }
    } else if (set_str_attr(ds, "units", "byte") != 0) {
        goto done;
    }
    rc = 0;
done:
    if (ds >= 0 && H5Dclose(ds) < 0)
        rc = -1;
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

static hid_t latest_fapl(bool clear_swmr_mark)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST) < 0) {
        log_error("cannot set up the file access properties");
        if (fapl >= 0)
            H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
    /* The metadata cache grows with the chunk indexes of a growing file up to HDF5's default
     * 32 MB ceiling, which reads as a leak over an hour of a busy feed.  4 MB holds the index
     * blocks a writer touches (the newest chunks of each table) with room to spare. */
    H5AC_cache_config_t mdc;
    memset(&mdc, 0, sizeof mdc);
    mdc.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    if (H5Pget_mdc_config(fapl, &mdc) < 0) {
        log_error("cannot read the metadata cache settings");
        H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
    mdc.set_initial_size = 1;
    mdc.initial_size = 1u << 20;
    mdc.min_size = 1u << 20;
    mdc.max_size = 4u << 20;
    if (H5Pset_mdc_config(fapl, &mdc) < 0) {
        log_error("cannot set the metadata cache size");
        H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
    if (clear_swmr_mark) {
        /* A writer that was killed leaves the superblock marked "open for SWMR writing", which
         * makes the next H5Fopen for writing fail.  h5clear -s clears it by setting this file
         * access property (registered by the library in every FAPL); a restarted archiver
         * does the same, then appends. */
        hbool_t clear = 1;
        if (H5Pexist(fapl, "clear_status_flags") > 0 &&
            H5Pset(fapl, "clear_status_flags", &clear) < 0)
            log_warn("cannot request clearing the SWMR mark");
    }
    return fapl;
}

static int create_file(const char *path, int deflate_level)
{
    hid_t fapl = latest_fapl(false);
    if (fapl < 0)
        return -1;
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    int rc = -1;
    hid_t fid = H5I_INVALID_HID;
    if (fcpl < 0 || H5Pset_obj_track_times(fcpl, 0) < 0) {
        log_error("cannot set up the file creation properties");
        goto done;
    }
    fid = H5Fcreate(path, H5F_ACC_EXCL, fcpl, fapl);
    if (fid < 0) {
        log_error("cannot create %s", path);
        goto done;
    }
    if (set_int_attr(fid, "centinela_archive_version", SCHEMA_VERSION) != 0 ||
        set_str_attr(fid, "layout", "Centinela AIS archive: see pipeline/archive/LAYOUT.md") != 0)
        goto done;
    for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++) {
        const table_desc *td = schema_table(t);
        hid_t ft = schema_file_type(td);
        if (ft < 0)
            goto done;
        int r =
            create_dataset(fid, td->name, ft, td->chunk_rows, deflate_level, td->description, td);
        H5Tclose(ft);
        if (r != 0)
            goto done;
    }
    for (int b = 0; b < ARCHIVE_BLOB_COUNT; b++)
        if (create_dataset(fid, archive_blob_name(b), H5T_STD_U8LE, SCHEMA_BLOB_CHUNK,
                           deflate_level, schema_blob_description(b), NULL) != 0)
            goto done;
    rc = 0;
done:
    if (fid >= 0 && H5Fclose(fid) < 0) {
        log_error("cannot close %s after creating it", path);
        rc = -1;
    }
    if (fcpl >= 0)
        H5Pclose(fcpl);
    H5Pclose(fapl);
    if (rc != 0)
        remove(path);
    return rc;
}

static int open_dataset(afile *f, afile_dataset *d, const char *name, hid_t mem_type,
                        size_t row_size, size_t chunk_rows)
{
    d->name = name;
    d->file = f;
    d->mem_type = mem_type;
    d->row_size = row_size;
    d->chunk_rows = chunk_rows;
    d->cap = chunk_rows;
    d->buf = x_malloc(d->cap * row_size);
    hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    /* Room for two chunks so the partial last chunk stays cached between flushes. */
    size_t cache = 2 * chunk_rows * row_size + (1u << 20);
    if (dapl < 0 || H5Pset_chunk_cache(dapl, 521, cache, 1.0) < 0) {
        log_error("%s: cannot set the chunk cache", name);
        if (dapl >= 0)
            H5Pclose(dapl);
        return -1;
    }
    d->ds = H5Dopen2(f->fid, name, dapl);
    H5Pclose(dapl);
    if (d->ds < 0) {
        log_error("%s: no dataset %s (not an archive of this version?)", f->path, name);
        return -1;
    }
    hid_t space = H5Dget_space(d->ds);
    if (space < 0 || H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, &d->on_disk, NULL) < 0) {
        log_error("%s: dataset %s is not a table", f->path, name);
        if (space >= 0)
            H5Sclose(space);
        return -1;
    }
    H5Sclose(space);
    d->flushed = d->on_disk;
    /* One chunk per dataset may sit dirty in the chunk cache until closing. */
    f->reserve_bytes += chunk_rows * row_size;
    return 0;
}

static void free_file(afile *f)
{
    afile_dataset *all[] = {f->tables, f->blobs};
    int counts[] = {ARCHIVE_TABLE_COUNT, ARCHIVE_BLOB_COUNT};
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < counts[k]; i++) {
            afile_dataset *d = &all[k][i];
            if (d->ds > 0)
                H5Dclose(d->ds);
            if (k == 0 && d->mem_type > 0)
                H5Tclose(d->mem_type);
            free(d->buf);
        }
    }
    if (f->fid > 0)
        H5Fclose(f->fid);
    afile_unlock(f->path, &f->lock_fd);
    free(f->path);
    free(f);
}

afile *afile_open(const char *path, int deflate_level, bool *locked_out)
{
    afile_quiet_hdf5();
    int lock_fd = afile_lock(path);
    if (locked_out)
        *locked_out = lock_fd == -2;
    if (lock_fd < 0)
        return NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT) {
            log_error("%s: %s", path, strerror(errno));
            afile_unlock(path, &lock_fd);
            return NULL;
        }
        if (create_file(path, deflate_level) != 0) {
            afile_unlock(path, &lock_fd);
            return NULL;
        }
        log_info("created %s", path);
    } else {
        log_info("appending to %s", path);
    }
    hid_t fapl = latest_fapl(true);
    if (fapl < 0) {
        afile_unlock(path, &lock_fd);
        return NULL;
    }
    afile *f = x_calloc(1, sizeof *f);
    f->reserve_bytes = 1u << 20; /* metadata written at closing: object headers, chunk indexes */
    f->path = x_strdup(path);
    f->lock_fd = lock_fd;
    f->fid = H5Fopen(path, H5F_ACC_RDWR | H5F_ACC_SWMR_WRITE, fapl);
    H5Pclose(fapl);
    if (f->fid < 0) {
        log_error("cannot open %s for appending (corrupt, not HDF5, or open by another writer)",
                  path);
        free_file(f);
        return NULL;
    }
    int64_t version = 0;
    hid_t a = H5Aexists(f->fid, "centinela_archive_version") > 0
                  ? H5Aopen(f->fid, "centinela_archive_version", H5P_DEFAULT)
                  : H5I_INVALID_HID;
    if (a < 0 || H5Aread(a, H5T_NATIVE_INT64, &version) < 0 || version != SCHEMA_VERSION) {
        log_error("%s: not a Centinela archive of version %d", path, SCHEMA_VERSION);
        if (a >= 0)
            H5Aclose(a);
        free_file(f);
        return NULL;
    }
    H5Aclose(a);
    for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++) {
        const table_desc *td = schema_table(t);
        hid_t mt = schema_mem_type(td);
        if (mt < 0 || open_dataset(f, &f->tables[t], td->name, mt, td->row_size,
                                   (size_t)td->chunk_rows) != 0) {
            if (mt >= 0 && f->tables[t].mem_type <= 0)
                H5Tclose(mt);
            free_file(f);
            return NULL;
        }
    }
    for (int b = 0; b < ARCHIVE_BLOB_COUNT; b++) {
        if (open_dataset(f, &f->blobs[b], archive_blob_name(b), H5T_NATIVE_UINT8, 1,
                         SCHEMA_BLOB_CHUNK) != 0) {
            free_file(f);
            return NULL;
        }
    }
    return f;
}

static uint64_t free_bytes(const afile *f)
{
    char *dir = x_strdup(f->path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    struct statvfs vfs;
    uint64_t n =
        statvfs(slash ? dir : ".", &vfs) == 0 ? (uint64_t)vfs.f_bavail * vfs.f_frsize : UINT64_MAX;
    free(dir);
    return n;
}

/* Whether `bytes` more can be written and the file still be closed cleanly.  When not, the
 * file stops here, consistent: HDF5 never sees a failed write, so no table is left extended
 * over rows whose data did not reach the disk (which would read back as rows of zeros). */
static bool room_for(afile *f, uint64_t bytes, const char *what)
{
    uint64_t avail = free_bytes(f);
    if (avail >= f->reserve_bytes + bytes)
        return true;
    f->failed = true;
    log_error("%s: disk full (no space left on device: %llu bytes free, %llu kept to close the "
              "file cleanly) before writing %s; the file keeps the rows written before and takes "
              "no more",
              f->path, (unsigned long long)avail, (unsigned long long)f->reserve_bytes, what);
    return false;
}

/* Say once, clearly, why a file stopped taking rows: a full disk is the usual cause. */
static void mark_failed(afile *f, const char *what)
{
    if (f->failed)
        return;
    f->failed = true;
    char *dir = x_strdup(f->path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    struct statvfs vfs;
    if (statvfs(slash ? dir : ".", &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < (4u << 20))
        log_error("%s: disk full (no space left on device: %llu bytes free) while writing %s; "
                  "the file keeps the rows of its last flush and takes no more",
                  f->path, (unsigned long long)vfs.f_bavail * vfs.f_frsize, what);
    else
        log_error("%s: write error on %s; the file keeps the rows of its last flush and takes "
                  "no more",
                  f->path, what);
    free(dir);
}

/* Write the buffered rows of one dataset at its end. */
static int write_buffered(afile_dataset *d)
{
    if (d->buffered == 0)
        return 0;
    if (d->file->failed || !room_for(d->file, d->buffered * d->row_size, d->name))
        return -1;
    hsize_t start = d->on_disk, count = d->buffered, size = d->on_disk + d->buffered;
    if (H5Dset_extent(d->ds, &size) < 0) {
        log_error("%s: cannot extend to %llu rows", d->name, (unsigned long long)size);
        mark_failed(d->file, d->name);
        return -1;
    }
    hid_t fs = H5Dget_space(d->ds);
    hid_t ms = H5Screate_simple(1, &count, NULL);
    int rc = -1;
    if (fs >= 0 && ms >= 0 &&
        H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &count, NULL) >= 0 &&
        H5Dwrite(d->ds, d->mem_type, ms, fs, H5P_DEFAULT, d->buf) >= 0)
        rc = 0;
    else
        log_error("%s: cannot write %llu rows", d->name, (unsigned long long)count);
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    if (rc == 0) {
        d->on_disk = size;
        d->buffered = 0;
    } else {
        mark_failed(d->file, d->name);
    }
    return rc;
}

int afile_append(afile_dataset *d, const void *rows, size_t n)
{
    const uint8_t *p = rows;
    if (d->file->failed)
        return -1;
    while (n > 0) {
        /* Fill up to the next chunk boundary, then write: whole chunks go out compressed once. */
        size_t room = (size_t)(d->chunk_rows - afile_next_row(d) % d->chunk_rows);
        size_t k = n < room ? n : room;
        memcpy(d->buf + d->buffered * d->row_size, p, k * d->row_size);
        d->buffered += k;
        p += k * d->row_size;
        n -= k;
        if (afile_next_row(d) % d->chunk_rows == 0 && write_buffered(d) != 0)
            return -1;
    }
    return 0;
}

int afile_flush(afile *f)
{
    if (f->failed)
        return -1;
    int rc = 0;
    for (int b = 0; b < ARCHIVE_BLOB_COUNT; b++)
        rc |= write_buffered(&f->blobs[b]);
    for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++)
        rc |= write_buffered(&f->tables[t]);
    if (rc == 0 && H5Fflush(f->fid, H5F_SCOPE_LOCAL) < 0) {
        log_error("%s: flush failed", f->path);
        mark_failed(f, "the file's metadata");
        rc = -1;
    }
    if (rc == 0) {
        for (int b = 0; b < ARCHIVE_BLOB_COUNT; b++)
            f->blobs[b].flushed = f->blobs[b].on_disk;
        for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++)
            f->tables[t].flushed = f->tables[t].on_disk;
    }
    return rc ? -1 : 0;
}

uint64_t afile_size(const afile *f)
{
    hsize_t size = 0;
    if (H5Fget_filesize(f->fid, &size) < 0)
        return 0;
    return size;
}

int afile_close(afile **pf)
{
    if (!pf || !*pf)
        return 0;
    afile *f = *pf;
    int rc = afile_flush(f);
    if (f->failed) {
        /* A write failed (the reserve was not enough: another process filled the disk): cut
         * every table back to its last flushed extent, so rows whose data may not have reached
         * the disk are not shown as rows of zeros.  Best effort: `archive_tool check` finds
         * what remains. */
        afile_dataset *all[] = {f->blobs, f->tables};
        int counts[] = {ARCHIVE_BLOB_COUNT, ARCHIVE_TABLE_COUNT};
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < counts[k]; i++) {
                afile_dataset *d = &all[k][i];
                if (d->ds > 0 && d->on_disk > d->flushed && H5Dset_extent(d->ds, &d->flushed) < 0)
                    log_error("%s: cannot cut %s back to %llu rows", f->path, d->name,
                              (unsigned long long)d->flushed);
            }
    }
    for (int b = 0; b < ARCHIVE_BLOB_COUNT; b++) {
        if (f->blobs[b].ds > 0 && H5Dclose(f->blobs[b].ds) < 0)
            rc = -1;
        f->blobs[b].ds = 0;
    }
    for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++) {
        if (f->tables[t].ds > 0 && H5Dclose(f->tables[t].ds) < 0)
            rc = -1;
        f->tables[t].ds = 0;
    }
    if (H5Fclose(f->fid) < 0) {
        log_error("%s: close failed", f->path);
        rc = -1;
    }
    f->fid = 0;
    free_file(f);
    *pf = NULL;
    return rc;
}
