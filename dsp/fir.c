/* Decimating FIR with real taps on complex samples (see fir.h). */
#include "fir.h"

#include "centinela/log.h"

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

/* lane sums of one output: real parts in the even lanes, imaginary in the odd */
static inline float complex lanes_sum(const float a[8])
{
    return ((a[0] + a[2]) + (a[4] + a[6])) + I * ((a[1] + a[3]) + (a[5] + a[7]));
}

static inline float complex dot(const float *x, const float *hh, int n2)
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
#define FIR_WAYS 8
typedef float v8f __attribute__((vector_size(8 * sizeof(float))));
typedef float v4f __attribute__((vector_size(4 * sizeof(float))));
static inline void dot_ways(const float *x, size_t step, const float *hh, int n2,
                            float complex *out)
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
    for (int w = 0; w < FIR_WAYS; w++) {
        /* lanes_sum in two vector additions: {a0 + a2, a1 + a3, a4 + a6, a5 + a7} */
        v4f t = __builtin_shufflevector(a[w], a[w], 0, 1, 4, 5) +
                __builtin_shufflevector(a[w], a[w], 2, 3, 6, 7);
        float re = t[0] + t[2], im = t[1] + t[3];
        out[w] = re + I * im;
    }
}

/* the dot product is most of the front end's CPU */
DSP_CLONES
size_t fir_decim_run(fir_decim *f, const float complex *x, size_t n, float complex *out)
{
    size_t no = 0;
    while (n > 0) {
        size_t room = f->cap - f->fill;
        size_t k = n < room ? n : room;
        memcpy(f->hist + f->fill, x, k * sizeof *x);
        f->fill += k;
        x += k;
        n -= k;
        size_t L = (size_t)f->len, M = (size_t)f->m;
        while (f->pos + (FIR_WAYS - 1) * M + L <= f->fill) {
            dot_ways((const float *)(f->hist + f->pos), 2 * M, f->hh, f->n2, out + no);
            no += FIR_WAYS;
            f->pos += FIR_WAYS * M;
        }
        while (f->pos + L <= f->fill) {
            out[no++] = dot((const float *)(f->hist + f->pos), f->hh, f->n2);
            f->pos += M;
        }
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

void fir_decim_destroy(fir_decim **pf)
{
    if (!pf || !*pf)
        return;
    free((*pf)->hh);
    free((*pf)->hist);
    free(*pf);
    *pf = NULL;
}
