/* Single-producer single-consumer buffer ring; see ring.h.
 *
 * head counts slots ever filled, tail slots ever released; head - tail is the fill.  The
 * producer owns slot head % n while head - tail < n, the consumer owns slot tail % n while
 * tail < head.  The producer publishes a slot with a release store of head after the copy; the
 * consumer gives it back with a release store of tail after it is done reading.  The mutex
 * only orders "consumer decides to sleep" against "producer signals", so no wake-up is lost. */
#include "ring.h"

#include "centinela/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct sdr_ring {
    size_t n, slot_bytes;
    sdr_ring_slot *slots;
    _Atomic uint64_t head, tail;
    _Atomic uint64_t overruns, overrun_samples;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int sleeping; /* consumer waiting (under lock) */
};

sdr_ring *sdr_ring_create(size_t slots, size_t slot_bytes)
{
    if (slots < 2)
        slots = 2;
    if (slot_bytes < 1)
        slot_bytes = 1;
    sdr_ring *r = x_calloc(1, sizeof *r);
    r->n = slots;
    r->slot_bytes = slot_bytes;
    r->slots = x_calloc(slots, sizeof *r->slots);
    for (size_t i = 0; i < slots; i++)
        r->slots[i].data = x_malloc(slot_bytes);
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    atomic_init(&r->overruns, 0);
    atomic_init(&r->overrun_samples, 0);
    pthread_mutex_init(&r->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cond, &ca);
    pthread_condattr_destroy(&ca);
    return r;
}

void sdr_ring_destroy(sdr_ring **pr)
{
    if (!pr || !*pr)
        return;
    sdr_ring *r = *pr;
    for (size_t i = 0; i < r->n; i++)
        free(r->slots[i].data);
    free(r->slots);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->cond);
    free(r);
    *pr = NULL;
}

int sdr_ring_push(sdr_ring *r, const uint8_t *data, size_t len, uint64_t samples_in_buffer,
                  uint64_t first_sample, int64_t start_time_ns)
{
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (head - tail >= r->n) {
        atomic_fetch_add_explicit(&r->overruns, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&r->overrun_samples, samples_in_buffer, memory_order_relaxed);
        return -1;
    }
    sdr_ring_slot *s = &r->slots[head % r->n];
    if (len > r->slot_bytes)
        len = r->slot_bytes;
    memcpy(s->data, data, len);
    s->len = len;
    s->first_sample = first_sample;
    s->start_time_ns = start_time_ns;
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
    pthread_mutex_lock(&r->lock);
    if (r->sleeping)
        pthread_cond_signal(&r->cond);
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static bool ring_empty(sdr_ring *r)
{
    return atomic_load_explicit(&r->head, memory_order_acquire) ==
           atomic_load_explicit(&r->tail, memory_order_relaxed);
}

const sdr_ring_slot *sdr_ring_peek(sdr_ring *r, int timeout_ms)
{
    if (ring_empty(r) && timeout_ms > 0) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += timeout_ms / 1000;
        until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&r->lock);
        r->sleeping = 1;
        /* One wait: a wake-up without data (sdr_ring_wake) returns to the caller. */
        if (ring_empty(r))
            pthread_cond_timedwait(&r->cond, &r->lock, &until);
        r->sleeping = 0;
        pthread_mutex_unlock(&r->lock);
    }
    if (ring_empty(r))
        return NULL;
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    return &r->slots[tail % r->n];
}

void sdr_ring_release(sdr_ring *r)
{
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (tail != atomic_load_explicit(&r->head, memory_order_acquire))
        atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
}

void sdr_ring_wake(sdr_ring *r)
{
    pthread_mutex_lock(&r->lock);
    pthread_cond_signal(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

size_t sdr_ring_slots(const sdr_ring *r)
{
    return r->n;
}

size_t sdr_ring_slot_bytes(const sdr_ring *r)
{
    return r->slot_bytes;
}

size_t sdr_ring_fill(const sdr_ring *r)
{
    return (size_t)(atomic_load(&((sdr_ring *)r)->head) - atomic_load(&((sdr_ring *)r)->tail));
}

uint64_t sdr_ring_overruns(const sdr_ring *r)
{
    return atomic_load(&((sdr_ring *)r)->overruns);
}

uint64_t sdr_ring_overrun_samples(const sdr_ring *r)
{
    return atomic_load(&((sdr_ring *)r)->overrun_samples);
}
