/* See warm_start.h.  The tracks table is appended in event-time order (fusion emits in event
 * time, the archiver keeps each producer's order), so it is read backwards in blocks and the
 * reading stops at the first block wholly older than the cut-off: a restart after weeks of
 * archive costs only the last removed_s of track states. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strverscmp */
#endif
#include "warm_start.h"

#include "centinela/archive.h"
#include "centinela/log.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BLOCK_ROWS 65536

static bool is_archive_name(const char *name)
{
    size_t k = strlen(name);
    return k > 3 && strcmp(name + k - 3, ".h5") == 0 && name[0] != '.';
}

/* Newest first: stems compared in version order. */
static int cmp_newest_first(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t kx = strlen(x) - 3, ky = strlen(y) - 3;
    char sx[512], sy[512];
    snprintf(sx, sizeof sx, "%.*s", (int)kx, x);
    snprintf(sy, sizeof sy, "%.*s", (int)ky, y);
    return -strverscmp(sx, sy);
}

/* Latest row per track id: sort by (id, time, original order), keep the last of each id. */
typedef struct cand {
    archive_track row;
    uint64_t index;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->row.track_id != y->row.track_id)
        return x->row.track_id < y->row.track_id ? -1 : 1;
    if (x->row.time_ns != y->row.time_ns)
        return x->row.time_ns < y->row.time_ns ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

/* Read one file; 1 when it had track rows (restored what qualified), 0 when it had none, -1. */
static int from_file(fusion *f, const char *path, double removed_s, warm_start_result *out)
{
    archive_reader *r = archive_reader_open(path, false);
    if (!r)
        return -1;
    uint64_t n = archive_reader_rows(r, ARCHIVE_TRACKS);
    if (n == 0) {
        archive_reader_close(&r);
        return 0;
    }
    archive_track *blk = x_malloc(BLOCK_ROWS * sizeof *blk);
    cand *c = NULL;
    size_t nc = 0, cap = 0;
    int64_t last = INT64_MIN, cutoff = INT64_MIN;
    int rc = 1;
    for (uint64_t end = n; end > 0;) {
        uint64_t first = end > BLOCK_ROWS ? end - BLOCK_ROWS : 0;
        if (archive_reader_read(r, ARCHIVE_TRACKS, first, end - first, blk) != 0) {
            log_error("warm_start: %s: cannot read the tracks table", path);
            rc = -1;
            break;
        }
        out->rows_read += end - first;
        int64_t blk_max = INT64_MIN;
        for (uint64_t i = 0; i < end - first; i++)
            if (blk[i].time_ns > blk_max)
                blk_max = blk[i].time_ns;
        if (last == INT64_MIN) { /* the last block holds the latest time */
            last = blk_max;
            cutoff = last - (int64_t)(removed_s * 1e9);
        }
        if (blk_max < cutoff)
            break;
        for (uint64_t i = 0; i < end - first; i++) {
            if (blk[i].time_ns < cutoff)
                continue;
            if (nc == cap) {
                cap = cap ? 2 * cap : 1024;
                c = x_realloc(c, cap * sizeof *c);
            }
            c[nc++] = (cand){blk[i], first + i};
        }
        end = first;
    }
    archive_reader_close(&r);
    free(blk);
    if (rc == 1) {
        snprintf(out->file, sizeof out->file, "%s", path);
        out->last_event_ns = last;
        if (nc)
            qsort(c, nc, sizeof *c, cmp_cand);
        for (size_t i = 0; i < nc; i++) {
            if (i + 1 < nc && c[i + 1].row.track_id == c[i].row.track_id)
                continue; /* not the last state of this track */
            wire_track w;
            archive_track_to_wire(&c[i].row, &w);
            w.update = TRACK_UPD_SNAPSHOT; /* a restored state, whatever update it was */
            if (w.state == TRACK_REMOVED || w.mmsi == 0 || fusion_restore(f, &w) != 0)
                out->skipped++;
            else
                out->restored++;
        }
    }
    free(c);
    return rc;
}

int warm_start(fusion *f, const char *path, double removed_s, warm_start_result *out)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT && !is_archive_name(path)) {
        /* First boot: the archiver creates its directory when it starts, after us.  A named
         * .h5 file that is missing is still an error (a typo, not a first start). */
        log_info("warm_start: %s does not exist yet (first start): starting empty", path);
        return 0;
    }
    if (stat(path, &st) != 0) {
        log_error("warm_start: %s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return from_file(f, path, removed_s, out) < 0 ? -1 : 0;
    DIR *d = opendir(path);
    if (!d) {
        log_error("warm_start: %s: %s", path, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t nn = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!is_archive_name(e->d_name))
            continue;
        if (nn == cap) {
            cap = cap ? 2 * cap : 64;
            names = x_realloc(names, cap * sizeof *names);
        }
        names[nn++] = x_strdup(e->d_name);
    }
    closedir(d);
    if (nn)
        qsort(names, nn, sizeof *names, cmp_newest_first);
    int rc = 0;
    bool found = false;
    for (size_t i = 0; i < nn && !found && rc == 0; i++) {
        char file[1024];
        snprintf(file, sizeof file, "%s/%s", path, names[i]);
        int k = from_file(f, file, removed_s, out);
        if (k < 0)
            log_warn("warm_start: %s unreadable; trying the one before", file);
        found = k > 0;
    }
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    if (!found)
        log_info("warm_start: no archive with tracks under %s: starting empty", path);
    return rc;
}
