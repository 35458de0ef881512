/* Warm start of track_fusion: rebuild the live picture after a restart from the archive.
 *
 * The source is an archive file, or a directory of them (the hdf5_archiver's `path`), of which
 * the newest is read: file names start with their period in UTC, so the last name in version
 * order (stem compared with strverscmp, so "…-2" < "…-10" < the next period) is the newest; one
 * without track rows is skipped for the one before it.  From its `tracks` table, the last state
 * of each track id is taken when it is no older than removed_s before the file's last track event
 * time and is not REMOVED; each is given to fusion_restore (same id, MMSI, position, velocity,
 * class, timers, static data).  Radar-only tracks (MMSI 0) are not restored: a radar re-acquires
 * its targets within a few scans. */
#ifndef TRACK_FUSION_WARM_START_H
#define TRACK_FUSION_WARM_START_H

#include "centinela/fusion.h"

#include <stdint.h>

typedef struct warm_start_result {
    char file[1024];       /* the archive file read */
    int64_t last_event_ns; /* latest track event time in it */
    uint64_t rows_read;    /* track rows examined */
    uint32_t restored;     /* tracks restored */
    uint32_t skipped;      /* last states too old, removed, radar-only or refused */
} warm_start_result;

/* Restore into f (before any input).  Returns 0 (also when the directory holds no archive yet or
 * does not exist yet, as on a first start: nothing to restore, logged), or -1 when the path or
 * the file cannot be read, or a named .h5 file does not exist (logged). */
int warm_start(fusion *f, const char *path, double removed_s, warm_start_result *out);

#endif
