/* Open-addressing hash map (linear probing, power-of-two capacity) from 64-bit keys to
 * pointers: the detector's track table, the rules' per-MMSI tables and the alert table. */
#include "detect_internal.h"
#include "centinela/log.h"

#include <stdlib.h>
#include <string.h>

#define EMPTY 0ull
#define TOMB UINT64_MAX

static inline uint64_t mix(uint64_t k)
{
    /* splitmix64 finaliser: track ids and MMSIs are dense, the probe needs spread bits. */
    k ^= k >> 30;
    k *= 0xbf58476d1ce4e5b9ull;
    k ^= k >> 27;
    k *= 0x94d049bb133111ebull;
    k ^= k >> 31;
    return k;
}

void u64map_init(u64map *m)
{
    memset(m, 0, sizeof *m);
}

void u64map_free(u64map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t find_slot(const u64map *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = mix(key) & mask;
    while (m->keys[i] != EMPTY) {
        if (m->keys[i] == key)
            return i;
        i = (i + 1) & mask;
    }
    return SIZE_MAX;
}

void *u64map_get(const u64map *m, uint64_t key)
{
    if (!m->cap)
        return NULL;
    size_t i = find_slot(m, key);
    return i == SIZE_MAX ? NULL : m->vals[i];
}

static void grow(u64map *m)
{
    size_t old_cap = m->cap;
    uint64_t *ok = m->keys;
    void **ov = m->vals;
    /* Rehash in place of tombstones when the table is mostly deletions. */
    m->cap = old_cap == 0 ? 64 : (m->live * 2 >= old_cap / 2 ? old_cap * 2 : old_cap);
    m->keys = x_calloc(m->cap, sizeof *m->keys);
    m->vals = x_calloc(m->cap, sizeof *m->vals);
    m->used = m->live = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (ok[i] != EMPTY && ok[i] != TOMB)
            u64map_put(m, ok[i], ov[i]);
    free(ok);
    free(ov);
}

void u64map_put(u64map *m, uint64_t key, void *val)
{
    if ((m->used + 1) * 4 >= m->cap * 3)
        grow(m);
    size_t mask = m->cap - 1, i = mix(key) & mask, tomb = SIZE_MAX;
    while (m->keys[i] != EMPTY) {
        if (m->keys[i] == key) {
            m->vals[i] = val;
            return;
        }
        if (m->keys[i] == TOMB && tomb == SIZE_MAX)
            tomb = i;
        i = (i + 1) & mask;
    }
    if (tomb != SIZE_MAX) {
        i = tomb;
    } else {
        m->used++;
    }
    m->keys[i] = key;
    m->vals[i] = val;
    m->live++;
}

void *u64map_del(u64map *m, uint64_t key)
{
    if (!m->cap)
        return NULL;
    size_t i = find_slot(m, key);
    if (i == SIZE_MAX)
        return NULL;
    void *v = m->vals[i];
    m->keys[i] = TOMB;
    m->vals[i] = NULL;
    m->live--;
    return v;
}

bool u64map_next(const u64map *m, size_t *i, uint64_t *key, void **val)
{
    for (; *i < m->cap; (*i)++) {
        if (m->keys[*i] != EMPTY && m->keys[*i] != TOMB) {
            *key = m->keys[*i];
            *val = m->vals[*i];
            (*i)++;
            return true;
        }
    }
    return false;
}

void *u64map_rule_create(struct rule_env *env)
{
    (void)env;
    u64map *m = x_calloc(1, sizeof *m);
    u64map_init(m);
    return m;
}

void u64map_rule_destroy(void **self)
{
    u64map *m = *self;
    size_t it = 0;
    uint64_t k;
    void *v;
    while (u64map_next(m, &it, &k, &v))
        free(v);
    u64map_free(m);
    free(m);
    *self = NULL;
}
