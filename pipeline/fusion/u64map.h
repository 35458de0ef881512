/* Open-addressing hash map from 64-bit keys to 64-bit values (linear probing, backward-shift
 * deletion, no tombstones).  Private to the fusion library: MMSI -> track, radar key -> track,
 * payload hash -> time, grid cell -> list head. */
#ifndef FUSION_U64MAP_H
#define FUSION_U64MAP_H

#include "centinela/log.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define U64MAP_EMPTY UINT64_MAX

typedef struct u64map {
    uint64_t *keys;
    uint64_t *vals;
    size_t cap; /* power of two */
    size_t n;
} u64map;

static inline uint64_t u64map_mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

static inline void u64map_init(u64map *m, size_t cap)
{
    size_t c = 16;
    while (c < cap * 2)
        c <<= 1;
    m->cap = c;
    m->n = 0;
    m->keys = x_malloc(c * sizeof *m->keys);
    m->vals = x_malloc(c * sizeof *m->vals);
    for (size_t i = 0; i < c; i++)
        m->keys[i] = U64MAP_EMPTY;
}

static inline void u64map_free(u64map *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->n = 0;
}

static inline uint64_t *u64map_get(const u64map *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = u64map_mix(key) & mask;
    for (;;) {
        uint64_t k = m->keys[i];
        if (k == key)
            return &m->vals[i];
        if (k == U64MAP_EMPTY)
            return NULL;
        i = (i + 1) & mask;
    }
}

static void u64map_put(u64map *m, uint64_t key, uint64_t val);

static inline void u64map_grow(u64map *m)
{
    u64map old = *m;
    u64map_init(m, old.cap); /* doubles: init sizes to >= 2 x the argument */
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i] != U64MAP_EMPTY)
            u64map_put(m, old.keys[i], old.vals[i]);
    u64map_free(&old);
}

static void u64map_put(u64map *m, uint64_t key, uint64_t val)
{
    if ((m->n + 1) * 10 > m->cap * 7)
        u64map_grow(m);
    size_t mask = m->cap - 1, i = u64map_mix(key) & mask;
    while (m->keys[i] != U64MAP_EMPTY && m->keys[i] != key)
        i = (i + 1) & mask;
    if (m->keys[i] == U64MAP_EMPTY)
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
}

static inline bool u64map_del(u64map *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = u64map_mix(key) & mask;
    while (m->keys[i] != key) {
        if (m->keys[i] == U64MAP_EMPTY)
            return false;
        i = (i + 1) & mask;
    }
    /* backward-shift the cluster after i */
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (m->keys[j] == U64MAP_EMPTY)
            break;
        size_t home = u64map_mix(m->keys[j]) & mask;
        /* move j into i when home is not cyclically in (i, j] */
        bool in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!in_range) {
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            i = j;
        }
    }
    m->keys[i] = U64MAP_EMPTY;
    m->n--;
    return true;
}

#endif
