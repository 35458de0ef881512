/* The backend registry (sources.def) and helpers the backends share. */
#include "source.h"

#include "centinela/log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const source_backend *const registry[] = {
#define SOURCE_BACKEND(name) &source_##name,
#include "sources.def"
#undef SOURCE_BACKEND
    NULL,
};

const source_backend *const *source_backends(void)
{
    return registry;
}

const source_backend *source_backend_find(const char *device, const char **arg)
{
    if (!device || !*device) {
        *arg = "";
        return &source_file;
    }
    const char *colon = strchr(device, ':');
    size_t k = colon ? (size_t)(colon - device) : strlen(device);
    for (const source_backend *const *b = registry; *b; b++) {
        if (strlen((*b)->name) == k && strncmp((*b)->name, device, k) == 0) {
            *arg = colon ? colon + 1 : "";
            return *b;
        }
    }
    char names[128] = "";
    for (const source_backend *const *b = registry; *b; b++) {
        strncat(names, (*b)->name, sizeof names - strlen(names) - 3);
        if (b[1])
            strncat(names, ", ", sizeof names - strlen(names) - 1);
    }
    log_error("device '%s': unknown source (one of %s; see --help)", device, names);
    return NULL;
}

int64_t source_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

double source_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void source_cu8_to_float(const uint8_t *in, size_t n, float *out)
{
    static float lut[256];
    static atomic_int ready;
    if (!atomic_load_explicit(&ready, memory_order_acquire)) {
        for (int v = 0; v < 256; v++)
            lut[v] = ((float)v - 127.5f) / 127.5f;
        atomic_store_explicit(&ready, 1, memory_order_release);
    }
    for (size_t i = 0; i < n; i++)
        out[i] = lut[in[i]];
}

bool source_sleep_unless(double seconds, const atomic_int *stop)
{
    double until = source_mono_s() + seconds;
    for (;;) {
        if (stop && atomic_load(stop))
            return true;
        double left = until - source_mono_s();
        if (left <= 0)
            return false;
        double d = left < 0.02 ? left : 0.02;
        struct timespec ts = {0, (long)(d * 1e9)};
        nanosleep(&ts, NULL);
    }
}
