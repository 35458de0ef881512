/* Decimating FIR with real taps on complex samples (see fir.h). */
#include "fir.h"

#include "centinela/log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fir_decim {
    float *hh; /* taps reversed, each twice (I and Q), padded with zeros to 8 floats */
    int n2;    /* floats in hh */
    int len;   /* padded tap count (complex samples per window) */
    int m;
    float complex *hist; /* len - 1 + block_max samples */
    size_t fill;         /* samples in hist */
    size_t pos;          /* start of the next output's window in hist */
    size_t cap;
};

fir_decim *fir_decim_create(const float *h, int ntaps, int m, size_t block_max)
{
    fir_decim *f = x_calloc(1, sizeof *f);
    f->len = (ntaps + 3) / 4 * 4;
    f->n2 = 2 * f->len;
    f->m = m;
    f->hh = x_calloc((size_t)f->n2, sizeof *f->hh);
    /* window sample j (oldest first) meets tap h[len - 1 - j]; zero padding at the old end */
    int pad = f->len - ntaps;
    for (int j = 0; j < ntaps; j++) {
        f->hh[2 * (pad + j)] = h[ntaps - 1 - j];
        f->hh[2 * (pad + j) + 1] = h[ntaps - 1 - j];
    }
    f->cap = (size_t)f->len - 1 + block_max;
    f->hist = x_calloc(f->cap, sizeof *f->hist);
    f->fill = (size_t)f->len - 1; /* zeros before the first input */
    f->pos = (size_t)m - 1;
    return f;
}

/* The helpers are inlined into fir_decim_run, so each of its builds (DSP_CLONES) has its own
 * (left to the compiler, one was made a function of its own, built for the baseline only). */
#if defined(__GNUC__)
#define FIR_INLINE static inline __attribute__((always_inline))
#else
#define FIR_INLINE static inline
#endif

/* lane sums of one output: real parts in the even lanes, imaginary in the odd */
FIR_INLINE float complex lanes_sum(const float a[8])
{
    return ((a[0] + a[2]) + (a[4] + a[6])) + I * ((a[1] + a[3]) + (a[5] + a[7]));
}

FIR_INLINE float complex dot(const float *x, const float *hh, int n2)
{
    float a[8] = {0};
    for (int i = 0; i < n2; i += 8)
        for (int j = 0; j < 8; j++)
            a[j] += hh[i + j] * x[i + j];
    return lanes_sum(a);
}

/* FIR_WAYS consecutive outputs, windows `step` floats apart, each summed exactly as dot() sums
 * it.  One output's additions form a chain, each waiting for the one before; several outputs'
 * chains interleaved keep the adders busy (and the taps are loaded once for all). */
#define FIR_WAYS 8 /* even */
typedef float v8f __attribute__((vector_size(8 * sizeof(float))));
typedef float v4f __attribute__((vector_size(4 * sizeof(float))));
FIR_INLINE void dot_ways(const float *x, size_t step, const float *hh, int n2, float complex *out)
{
    v8f a[FIR_WAYS] = {{0}};
    for (int i = 0; i < n2; i += 8) {
        v8f h;
        memcpy(&h, hh + i, sizeof h);
        for (int w = 0; w < FIR_WAYS; w++) {
            v8f v;
            memcpy(&v, x + w * step + i, sizeof v);
            a[w] += h * v;
        }
    }
    /* lanes_sum of two outputs a, b at once: {a0 + a2, a1 + a3, b0 + b2, b1 + b3 | the same of
     * lanes 4-7} (shuffles inside each half of the vector), then the halves added */
    for (int w = 0; w < FIR_WAYS; w += 2) {
        v8f t = __builtin_shufflevector(a[w], a[w + 1], 0, 1, 8, 9, 4, 5, 12, 13) +
                __builtin_shufflevector(a[w], a[w + 1], 2, 3, 10, 11, 6, 7, 14, 15);
        v4f r =
            __builtin_shufflevector(t, t, 0, 1, 2, 3) + __builtin_shufflevector(t, t, 4, 5, 6, 7);
        out[w] = r[0] + I * r[1];
        out[w + 1] = r[2] + I * r[3];
    }
}

/* Outputs whose windows lie in x[0, n) from a + M j on, straight from x (the same sums as from
 * the history); returns their count, *a the start of the next window */
FIR_INLINE size_t run_windows(const fir_decim *f, const float complex *x, size_t n, size_t *a,
                              float complex *out)
{
    size_t L = (size_t)f->len, M = (size_t)f->m, no = 0, at = *a;
    while (at + (FIR_WAYS - 1) * M + L <= n) {
        dot_ways((const float *)(x + at), 2 * M, f->hh, f->n2, out + no);
        no += FIR_WAYS;
        at += FIR_WAYS * M;
    }
    while (at + L <= n) {
        out[no++] = dot((const float *)(x + at), f->hh, f->n2);
        at += M;
    }
    *a = at;
    return no;
}

/* out does not overlap x: the windows that start in the history are completed with the first
 * len - 1 inputs, the others read x where it lies, and only what the next call needs is kept.
 * Copying every input into the history cost more than a third of the filter. */
FIR_INLINE size_t run_direct(fir_decim *f, const float complex *x, size_t n, float complex *out)
{
    size_t L = (size_t)f->len, M = (size_t)f->m, no = 0, fill0 = f->fill;
    if (f->pos < fill0) {
        size_t take = n < L - 1 ? n : L - 1;
        memcpy(f->hist + fill0, x, take * sizeof *x);
        f->fill = fill0 + take;
        while (f->pos < fill0 && f->pos + L <= f->fill) {
            out[no++] = dot((const float *)(f->hist + f->pos), f->hh, f->n2);
            f->pos += M;
        }
        if (f->pos < fill0) { /* x ends before the next window: all of it is history now */
            memmove(f->hist, f->hist + f->pos, (f->fill - f->pos) * sizeof *f->hist);
            f->fill -= f->pos;
            f->pos = 0;
            return no;
        }
    }
    size_t a = f->pos - fill0; /* the next window starts at x + a */
    no += run_windows(f, x, n, &a, out + no);
    if (a < n) { /* fewer than len samples */
        memcpy(f->hist, x + a, (n - a) * sizeof *x);
        f->fill = n - a;
        f->pos = 0;
    } else {
        f->fill = 0;
        f->pos = a - n;
    }
    return no;
}

/* out overlaps x (filtering in place): every input is copied into the history first */
FIR_INLINE size_t run_copying(fir_decim *f, const float complex *x, size_t n, float complex *out)
{
    size_t no = 0;
    while (n > 0) {
        size_t room = f->cap - f->fill;
        size_t k = n < room ? n : room;
        memcpy(f->hist + f->fill, x, k * sizeof *x);
        f->fill += k;
        x += k;
        n -= k;
        no += run_windows(f, f->hist, f->fill, &f->pos, out + no);
        /* keep the history the next window needs */
        size_t drop = f->pos;
        if (drop > f->fill)
            drop = f->fill;
        memmove(f->hist, f->hist + drop, (f->fill - drop) * sizeof *f->hist);
        f->fill -= drop;
        f->pos -= drop;
    }
    return no;
}

/* the dot product is most of the front end's CPU */
DSP_CLONES
size_t fir_decim_run(fir_decim *f, const float complex *x, size_t n, float complex *out)
{
    /* addresses compared as integers: x and out may be different objects */
    uintptr_t xa = (uintptr_t)x, oa = (uintptr_t)out;
    size_t out_bytes = (n / (size_t)f->m + 1) * sizeof *out;
    if (oa < xa + n * sizeof *x && xa < oa + out_bytes)
        return run_copying(f, x, n, out);
    return run_direct(f, x, n, out);
}

void fir_decim_destroy(fir_decim **pf)
{
    if (!pf || !*pf)
        return;
    free((*pf)->hh);
    free((*pf)->hist);
    free(*pf);
    *pf = NULL;
}
