/* Shared engine of the live backends; see live.h. */
#include "live.h"
#include "ring.h"

#include "centinela/log.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct live {
    live_device dev;
    source_settings cfg;
    double rate_hz;
    size_t buffer_bytes;
    sdr_ring *ring;

    pthread_t thread;
    bool thread_started;
    atomic_int stop;      /* stop requested (live_stop) */
    atomic_int interrupt; /* make the current stream() return (stall) */
    atomic_int thread_done;
    pthread_mutex_t lock; /* guards `streaming` against interrupt() on a closed device */
    atomic_int streaming;
    bool connected, ever_connected;

    /* reader thread only */
    bool anchored, need_anchor;
    int64_t start_ns;
    uint64_t next_index;

    _Atomic uint64_t dropouts, reopens, open_failures, gap_samples;
    _Atomic int64_t last_data_ns; /* monotonic, of the latest delivery */

    /* consumer only */
    float *fbuf;
    bool stall_reported;
};

static int64_t mono_ns(void)
{
    return (int64_t)(source_mono_s() * 1e9);
}

live *live_create(const live_device *dev, const source_settings *cfg, double rate_hz,
                  size_t buffer_bytes)
{
    live *l = x_calloc(1, sizeof *l);
    l->dev = *dev;
    l->cfg = *cfg;
    l->rate_hz = rate_hz;
    l->buffer_bytes = buffer_bytes;
    double buffer_s = (double)(buffer_bytes / 2) / rate_hz;
    size_t slots = (size_t)ceil(cfg->ring_s / buffer_s);
    if (slots < 2)
        slots = 2;
    l->ring = sdr_ring_create(slots, buffer_bytes);
    l->fbuf = x_malloc(buffer_bytes * sizeof(float));
    pthread_mutex_init(&l->lock, NULL);
    atomic_init(&l->stop, 0);
    atomic_init(&l->interrupt, 0);
    atomic_init(&l->streaming, 0);
    atomic_init(&l->thread_done, 0);
    atomic_init(&l->dropouts, 0);
    atomic_init(&l->reopens, 0);
    atomic_init(&l->open_failures, 0);
    atomic_init(&l->gap_samples, 0);
    atomic_init(&l->last_data_ns, 0);
    log_debug("ring: %zu buffers of %zu bytes (%.2f s of signal)", slots, buffer_bytes,
              (double)slots * buffer_s);
    return l;
}

int live_open(live *l)
{
    if (l->dev.connect(l->dev.ctx, false) == 0) {
        l->connected = true;
        l->ever_connected = true;
        return 0;
    }
    atomic_fetch_add(&l->open_failures, 1);
    if (!l->cfg.wait_for_device)
        return -1;
    /* The reader thread keeps trying, with back-off, once started. */
    log_warn("waiting for the device (wait_for_device = true); retrying with back-off");
    return 0;
}

static void set_streaming(live *l, bool on)
{
    pthread_mutex_lock(&l->lock);
    atomic_store(&l->streaming, on);
    pthread_mutex_unlock(&l->lock);
}

static void interrupt_stream(live *l)
{
    pthread_mutex_lock(&l->lock);
    if (atomic_load(&l->streaming))
        l->dev.interrupt(l->dev.ctx);
    pthread_mutex_unlock(&l->lock);
}

static void *reader_main(void *arg)
{
    live *l = arg;
    double backoff = l->cfg.retry_initial_s;
    while (!atomic_load(&l->stop)) {
        if (!l->connected) {
            if (l->dev.connect(l->dev.ctx, true) != 0) {
                atomic_fetch_add(&l->open_failures, 1);
                source_sleep_unless(backoff, &l->stop);
                backoff = fmin(backoff * 2, l->cfg.retry_max_s);
                continue;
            }
            l->connected = true;
            if (l->ever_connected) {
                atomic_fetch_add(&l->reopens, 1);
                log_info("device back after a drop-out (%llu so far)",
                         (unsigned long long)atomic_load(&l->dropouts));
            } else {
                log_info("device found");
            }
            l->ever_connected = true;
        }
        l->need_anchor = true;
        atomic_store(&l->interrupt, 0);
        atomic_store(&l->last_data_ns, mono_ns());
        set_streaming(l, true);
        double began = source_mono_s();
        if (!atomic_load(&l->stop))
            l->dev.stream(l->dev.ctx, l);
        set_streaming(l, false);
        if (atomic_load(&l->stop))
            break;
        /* A device that streamed for a while earns a fresh back-off. */
        if (source_mono_s() - began > 10.0)
            backoff = l->cfg.retry_initial_s;
        atomic_fetch_add(&l->dropouts, 1);
        log_warn("device lost (drop-out %llu); reopening in %.1f s",
                 (unsigned long long)atomic_load(&l->dropouts), backoff);
        l->dev.disconnect(l->dev.ctx);
        l->connected = false;
        source_sleep_unless(backoff, &l->stop);
        backoff = fmin(backoff * 2, l->cfg.retry_max_s);
    }
    atomic_store(&l->thread_done, 1);
    sdr_ring_wake(l->ring);
    return NULL;
}

int live_start(live *l)
{
    if (pthread_create(&l->thread, NULL, reader_main, l) != 0) {
        log_error("cannot start the reader thread");
        return -1;
    }
    l->thread_started = true;
    return 0;
}

void live_stop(live *l)
{
    if (!l)
        return;
    atomic_store(&l->stop, 1);
    if (l->thread_started) {
        /* A cancel can miss a stream that is just starting: repeat until the thread is out. */
        while (!atomic_load(&l->thread_done)) {
            interrupt_stream(l);
            for (int i = 0; i < 10 && !atomic_load(&l->thread_done); i++)
                source_sleep_unless(0.01, NULL);
        }
        pthread_join(l->thread, NULL);
        l->thread_started = false;
    }
    if (l->connected) {
        l->dev.disconnect(l->dev.ctx);
        l->connected = false;
    }
}

void live_destroy(live **pl)
{
    if (!pl || !*pl)
        return;
    live *l = *pl;
    live_stop(l);
    sdr_ring_destroy(&l->ring);
    pthread_mutex_destroy(&l->lock);
    free(l->fbuf);
    free(l);
    *pl = NULL;
}

bool live_interrupted(const live *l)
{
    return atomic_load(&((live *)l)->stop) || atomic_load(&((live *)l)->interrupt);
}

void live_deliver(live *l, const uint8_t *data, size_t len)
{
    if (live_interrupted(l)) {
        interrupt_stream(l);
        return;
    }
    uint64_t samples = len / 2;
    if (samples == 0)
        return;
    if (l->need_anchor) {
        int64_t t_first = source_wall_ns() - (int64_t)((double)samples * 1e9 / l->rate_hz);
        if (!l->anchored) {
            l->start_ns = t_first;
            l->next_index = 0;
            l->anchored = true;
        } else {
            double idx = (double)(t_first - l->start_ns) * l->rate_hz / 1e9;
            if (idx > (double)l->next_index) {
                uint64_t k = (uint64_t)llround(idx);
                atomic_fetch_add(&l->gap_samples, k - l->next_index);
                l->next_index = k;
            }
        }
        l->need_anchor = false;
    }
    sdr_ring_push(l->ring, data, len, samples, l->next_index, l->start_ns);
    l->next_index += samples;
    atomic_store(&l->last_data_ns, mono_ns());
}

int live_read(live *l, source_block *out, int timeout_ms)
{
    double stall = l->cfg.stall_timeout_s;
    if (stall > 0 && atomic_load(&l->streaming)) {
        double quiet = (double)(mono_ns() - atomic_load(&l->last_data_ns)) / 1e9;
        if (quiet > stall && !atomic_load(&l->interrupt)) {
            log_warn("no samples for %.1f s: treating the device as lost", quiet);
            atomic_store(&l->interrupt, 1);
            interrupt_stream(l);
        }
    }
    const sdr_ring_slot *s = sdr_ring_peek(l->ring, timeout_ms);
    if (!s)
        return SOURCE_IDLE;
    size_t n = s->len / 2;
    source_cu8_to_float(s->data, n * 2, l->fbuf);
    out->samples = l->fbuf;
    out->count = (uint32_t)n;
    out->first_sample = s->first_sample;
    out->start_time_ns = s->start_time_ns;
    sdr_ring_release(l->ring);
    return SOURCE_BLOCK;
}

void live_get_stats(const live *l, source_stats *out)
{
    live *m = (live *)l;
    memset(out, 0, sizeof *out);
    out->overruns = sdr_ring_overruns(m->ring);
    out->overrun_samples = sdr_ring_overrun_samples(m->ring);
    out->dropouts = atomic_load(&m->dropouts);
    out->gap_samples = atomic_load(&m->gap_samples);
    out->reopens = atomic_load(&m->reopens);
    out->open_failures = atomic_load(&m->open_failures);
}

/* A live backend's state begins with its engine pointer (see live.h). */
static live *engine_of(const source *s)
{
    return *(live *const *)(const void *)s;
}

int live_source_start(source *s)
{
    return live_start(engine_of(s));
}

int live_source_read(source *s, source_block *out, int timeout_ms)
{
    return live_read(engine_of(s), out, timeout_ms);
}

void live_source_stop(source *s)
{
    live_stop(engine_of(s));
}

void live_source_stats(const source *s, source_stats *out)
{
    live_get_stats(engine_of(s), out);
}
