/* The engine live backends share (source_rtlsdr.c, source_rtltcp.c): a reader thread that keeps
 * a device streaming into an sdr_ring, reopens it with back-off when it goes away, stamps every
 * buffer with its stream index, and a consumer side that turns ring slots into source_blocks.
 *
 * A backend supplies a live_device: connect (open and tune), stream (deliver buffers with
 * live_deliver() until interrupted or lost), interrupt (make stream return, callable from any
 * thread and from inside a delivery) and disconnect.
 *
 * Time: the first buffer ever delivered anchors the stream: start_time_ns = wall clock at its
 * arrival minus its own duration (the time of its first sample).  Each later buffer follows on
 * by sample count (the dongle's clock), overrun buffers included.  The first buffer after a
 * reconnect is anchored again to the wall clock, so the index jumps by the time the device was
 * away (counted as gap_samples) and event times stay honest.  Accuracy: the USB/network latency
 * of one buffer, a few milliseconds.
 */
#ifndef SDR_SOURCE_LIVE_H
#define SDR_SOURCE_LIVE_H

#include "source.h"

#include <stddef.h>
#include <stdint.h>

typedef struct live live;

typedef struct live_device {
    void *ctx;
    /* Open and configure the device.  quiet: a retry (log at debug/warn level, not error).
     * 0 or -1. */
    int (*connect)(void *ctx, bool quiet);
    /* Deliver buffers with live_deliver() until interrupted or the device is lost; returns
     * when either happened. */
    void (*stream)(void *ctx, live *l);
    /* Make a running stream() return soon.  Called with the engine's lock held. */
    void (*interrupt)(void *ctx);
    void (*disconnect)(void *ctx);
} live_device;

/* buffer_bytes: bytes of one delivery (2 per complex cu8 sample). */
live *live_create(const live_device *dev, const source_settings *cfg, double rate_hz,
                  size_t buffer_bytes);
/* Open the device for the first time, retrying (wait_for_device) or failing.  0 or -1. */
int live_open(live *l);
int live_start(live *l);
void live_stop(live *l);
void live_destroy(live **l);

/* From stream(): one buffer of len bytes of cu8 samples. */
void live_deliver(live *l, const uint8_t *data, size_t len);
/* True once stream() should return (stop requested or stall detected). */
bool live_interrupted(const live *l);

/* Consumer: next block (converted to floats), waiting up to timeout_ms.  enum
 * source_read_status (never SOURCE_END). */
int live_read(live *l, source_block *out, int timeout_ms);
void live_get_stats(const live *l, source_stats *out);

/* The descriptor functions of a live backend whose `struct source` begins with its `live *`
 * engine (source_rtlsdr.c, source_rtltcp.c): start, read, stop and stats go straight to the
 * engine. */
int live_source_start(source *s);
int live_source_read(source *s, source_block *out, int timeout_ms);
void live_source_stop(source *s);
void live_source_stats(const source *s, source_stats *out);

#endif
