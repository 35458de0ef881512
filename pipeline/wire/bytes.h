/* Little-endian field writers and bounds-checked readers used by every payload codec.
 * A writer or reader that runs past its end sets its error flag and writes/reads nothing more,
 * so a codec can write all its fields and check once at the end. */
#ifndef CENTINELA_WIRE_BYTES_H
#define CENTINELA_WIRE_BYTES_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct wbuf {
    uint8_t *p;
    size_t cap, len;
    int err;
} wbuf;

typedef struct rbuf {
    const uint8_t *p;
    size_t n, pos;
    int err;
} rbuf;

static inline uint8_t *wb_room(wbuf *b, size_t k)
{
    if (b->err || b->cap - b->len < k) {
        b->err = 1;
        return NULL;
    }
    uint8_t *q = b->p + b->len;
    b->len += k;
    return q;
}

static inline void wb_u8(wbuf *b, uint8_t v)
{
    uint8_t *q = wb_room(b, 1);
    if (q)
        q[0] = v;
}

static inline void wb_u16(wbuf *b, uint16_t v)
{
    uint8_t *q = wb_room(b, 2);
    if (q) {
        q[0] = (uint8_t)v;
        q[1] = (uint8_t)(v >> 8);
    }
}

static inline void wb_u32(wbuf *b, uint32_t v)
{
    uint8_t *q = wb_room(b, 4);
    if (q)
        for (int i = 0; i < 4; i++)
            q[i] = (uint8_t)(v >> (8 * i));
}

static inline void wb_u64(wbuf *b, uint64_t v)
{
    uint8_t *q = wb_room(b, 8);
    if (q)
        for (int i = 0; i < 8; i++)
            q[i] = (uint8_t)(v >> (8 * i));
}

static inline void wb_i64(wbuf *b, int64_t v)
{
    wb_u64(b, (uint64_t)v);
}

/* IEEE 754 binary32/binary64, little-endian. */
static inline void wb_f32(wbuf *b, float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    wb_u32(b, u);
}

static inline void wb_f64(wbuf *b, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    wb_u64(b, u);
}

static inline void wb_bytes(wbuf *b, const void *src, size_t k)
{
    uint8_t *q = wb_room(b, k);
    if (q && k)
        memcpy(q, src, k);
}

/* A string: u16 length then the bytes, no NUL; longer than max is an encoding error. */
static inline void wb_str(wbuf *b, const char *s, size_t max)
{
    size_t k = strnlen(s, max + 1);
    if (k > max) {
        b->err = 1;
        return;
    }
    wb_u16(b, (uint16_t)k);
    wb_bytes(b, s, k);
}

static inline const uint8_t *rb_take(rbuf *b, size_t k)
{
    if (b->err || b->n - b->pos < k) {
        b->err = 1;
        return NULL;
    }
    const uint8_t *q = b->p + b->pos;
    b->pos += k;
    return q;
}

static inline uint8_t rb_u8(rbuf *b)
{
    const uint8_t *q = rb_take(b, 1);
    return q ? q[0] : 0;
}

static inline uint16_t rb_u16(rbuf *b)
{
    const uint8_t *q = rb_take(b, 2);
    return q ? (uint16_t)(q[0] | (q[1] << 8)) : 0;
}

static inline uint32_t rb_u32(rbuf *b)
{
    const uint8_t *q = rb_take(b, 4);
    uint32_t v = 0;
    if (q)
        for (int i = 3; i >= 0; i--)
            v = (v << 8) | q[i];
    return v;
}

static inline uint64_t rb_u64(rbuf *b)
{
    const uint8_t *q = rb_take(b, 8);
    uint64_t v = 0;
    if (q)
        for (int i = 7; i >= 0; i--)
            v = (v << 8) | q[i];
    return v;
}

static inline int64_t rb_i64(rbuf *b)
{
    return (int64_t)rb_u64(b);
}

static inline float rb_f32(rbuf *b)
{
    uint32_t u = rb_u32(b);
    float v;
    memcpy(&v, &u, 4);
    return v;
}

static inline double rb_f64(rbuf *b)
{
    uint64_t u = rb_u64(b);
    double v;
    memcpy(&v, &u, 8);
    return v;
}

/* Read a u16-length string into dst (cap includes the NUL); too long or embedded NUL is an error. */
static inline void rb_str(rbuf *b, char *dst, size_t cap)
{
    uint16_t k = rb_u16(b);
    const uint8_t *q = rb_take(b, k);
    if (!q || k >= cap || memchr(q, 0, k)) {
        b->err = 1;
        dst[0] = 0;
        return;
    }
    memcpy(dst, q, k);
    dst[k] = 0;
}

#endif
