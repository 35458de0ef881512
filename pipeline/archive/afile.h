/* One archive file open for appending under SWMR: its datasets, row buffers and flushing. */
#ifndef ARCHIVE_AFILE_H
#define ARCHIVE_AFILE_H

#include <stdbool.h>
#include "schema.h"

#include <hdf5.h>
#include <stdint.h>

typedef struct afile_dataset {
    hid_t ds;
    hid_t mem_type;  /* native row type (uint8 for blobs) */
    size_t row_size; /* bytes per in-memory row */
    hsize_t on_disk; /* rows written to the dataset (its extent) */
    hsize_t flushed; /* extent at the last successful flush (or at opening) */
    hsize_t chunk_rows;
    uint8_t *buf; /* buffered rows not yet written, up to the next chunk boundary */
    size_t buffered;
    size_t cap; /* rows buf can hold (chunk_rows) */
    const char *name;
    struct afile *file; /* the file this dataset belongs to */
} afile_dataset;

typedef struct afile {
    char *path;
    hid_t fid;
    afile_dataset tables[ARCHIVE_TABLE_COUNT];
    afile_dataset blobs[ARCHIVE_BLOB_COUNT];
    /* A write failed (disk full, I/O error): the file keeps what its last good flush holds and
     * takes no more rows, so a half-written chunk never follows a good one. */
    bool failed;
    /* Free bytes the file system must keep before a write: room for every dataset's cached
     * chunk and the metadata HDF5 writes at closing, so a filling disk stops the file at a
     * consistent state instead of failing half-way through a flush. */
    uint64_t reserve_bytes;
    int lock_fd; /* the lock file next to the archive (afile_lock), -1 none */
} afile;

/* One writer per file: "<path>.lock" next to the archive holds the writer's pid and an flock(2)
 * for as long as the file is open for writing.  A lock whose holder is gone (killed: the kernel
 * drops its flock) is stale and taken over, with a note.  Returns the lock's descriptor, or -1
 * (logged with the holder's pid) when another process, or another open of this one, writes the
 * file; -2 (logged) when that other writer is what stops us, so callers can tell a refusal from
 * an I/O error. */
int afile_lock(const char *path);
/* Remove the lock file and release it; *fd = -1.  Accepts -1. */
void afile_unlock(const char *path, int *fd);
/* Hand the file's lock over to the caller (closing the file then keeps it held). */
int afile_take_lock(afile *f);

/* Build the index of a closed file: rows sorted in blocks of sort_block_rows (0: the default)
 * and merged.  locked: the caller holds the file's lock (the writer closing it). */
int archive_index_build_in(const char *path, size_t sort_block_rows, bool locked);

/* Silence HDF5's own error-stack printing (our callers log one line each); idempotent. */
void afile_quiet_hdf5(void);

/* Create path (all datasets, attributes) when it does not exist, then open it for appending
 * under SWMR.  An existing file is appended to (a writer killed earlier leaves its SWMR mark,
 * which is cleared as h5clear -s does).  NULL with a logged reason; *locked_out (may be NULL)
 * tells whether the reason is another writer holding the file's lock. */
afile *afile_open(const char *path, int deflate_level, bool *locked_out);
/* Row index the next appended row of a dataset will get. */
static inline uint64_t afile_next_row(const afile_dataset *d)
{
    return d->on_disk + d->buffered;
}
/* Append n rows (n * row_size bytes).  0 or -1 (logged). */
int afile_append(afile_dataset *d, const void *rows, size_t n);
/* Write every buffered row (blobs before the tables that point into them), then flush the file. */
int afile_flush(afile *f);
/* File size in bytes as the library sees it (for size rotation), or 0. */
uint64_t afile_size(const afile *f);
/* Flush and close; frees.  Returns 0, or -1 if something could not be written. */
int afile_close(afile **f);

#endif
