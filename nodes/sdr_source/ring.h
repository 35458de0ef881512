/* sdr_ring: a single-producer single-consumer ring of raw sample buffers between a device
 * reader thread (librtlsdr's USB callback, the rtl_tcp socket reader) and the publishing thread.
 *
 * The producer never waits: push() copies into a free slot or, when every slot is taken, drops
 * the buffer and counts it as an overrun.  Slot ownership is handed over with C11 atomics
 * (acquire/release on the head and tail indices); the only lock is the one the condition
 * variable needs to wake a sleeping consumer, held for a few instructions on either side and
 * never across a copy or downstream work.
 */
#ifndef SDR_SOURCE_RING_H
#define SDR_SOURCE_RING_H

#include <stddef.h>
#include <stdint.h>

typedef struct sdr_ring sdr_ring;

typedef struct sdr_ring_slot {
    uint8_t *data;         /* slot_bytes capacity */
    size_t len;            /* bytes held */
    uint64_t first_sample; /* stream index of the first sample */
    int64_t start_time_ns; /* event time of stream index 0 */
} sdr_ring_slot;

/* slots >= 2, slot_bytes >= 1.  Never NULL (allocation failure aborts). */
sdr_ring *sdr_ring_create(size_t slots, size_t slot_bytes);
void sdr_ring_destroy(sdr_ring **r);

/* Producer: copy len bytes (<= slot_bytes; longer is cut and counted) of samples_in_buffer
 * samples.  Returns 0, or -1 when the ring was full (counted as one overrun of that many
 * samples). */
int sdr_ring_push(sdr_ring *r, const uint8_t *data, size_t len, uint64_t samples_in_buffer,
                  uint64_t first_sample, int64_t start_time_ns);

/* Consumer: the oldest filled slot, waiting up to timeout_ms (0 = do not wait); NULL when none.
 * The slot stays valid until sdr_ring_release(). */
const sdr_ring_slot *sdr_ring_peek(sdr_ring *r, int timeout_ms);
void sdr_ring_release(sdr_ring *r);
/* Wake a consumer sleeping in peek (e.g. on stop). */
void sdr_ring_wake(sdr_ring *r);

size_t sdr_ring_slots(const sdr_ring *r);
size_t sdr_ring_slot_bytes(const sdr_ring *r);
/* Filled slots right now (a consumer-side estimate). */
size_t sdr_ring_fill(const sdr_ring *r);
uint64_t sdr_ring_overruns(const sdr_ring *r);
uint64_t sdr_ring_overrun_samples(const sdr_ring *r);

#endif
