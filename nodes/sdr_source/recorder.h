/* Recording a source's samples to SigMF while it runs (`record = PATH`).
 *
 * PATH is a SigMF base name (".sigmf-meta"/".sigmf-data" may be given too); strftime escapes
 * (%Y%m%dT%H%M%SZ) are expanded with the UTC time of the first sample, so a restarted node
 * starts a new recording instead of overwriting the last one.  Live (cu8) streams are stored as
 * cu8, exactly the bytes the dongle sent; recordings being replayed are stored as cf32 / rf32.
 *
 * The metadata gives core:datetime of the first sample (ISO 8601 UTC, microseconds) in
 * captures[0].  Where the stream skipped samples (an overrun, a drop-out) a new capture segment
 * starts, with its own core:sample_start and core:datetime, so a replay of the recording keeps
 * honest time across the gap.  The .sigmf-meta is written when the recording closes. */
#ifndef SDR_SOURCE_RECORDER_H
#define SDR_SOURCE_RECORDER_H

#include "source.h"

typedef struct sdr_recorder sdr_recorder;

/* Returns NULL (logged) when the files cannot be created. */
sdr_recorder *recorder_create(const char *path, const source_info *info, const char *hw,
                              int64_t first_time_ns);
/* Append a block (its first_sample tells whether samples were skipped).  0 or -1 (logged once;
 * the recorder then ignores further blocks). */
int recorder_write(sdr_recorder *r, const source_block *b, double rate_hz);
uint64_t recorder_samples(const sdr_recorder *r);
const char *recorder_path(const sdr_recorder *r);
/* Finish the data file and write the metadata.  0 or -1.  Sets *r to NULL, accepts NULL. */
int recorder_close(sdr_recorder **r);

/* ISO 8601 UTC with microseconds, "2024-05-01T12:00:00.000000Z" (cap >= 32). */
void recorder_format_datetime(int64_t t_ns, char *out, size_t cap);

#endif
