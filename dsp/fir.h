/* Decimating FIR filter with real taps on complex samples; private to dsp.
 *
 * liquid's firdecim/firfilt run a generic (not vectorised) complex-by-real dot product on this
 * build, and their window objects copy every sample twice; at 288 kS/s the front end spent more
 * than half of the receiver's time there.  This filter keeps a flat history, stores the taps
 * reversed and duplicated for interleaved I/Q, and runs an 8-lane dot product the compiler
 * vectorises, for several outputs at once; it reads the input where it lies and keeps only the
 * last len - 1 samples (unless filtering in place).  Every output is summed in the same order
 * whatever the block sizes (test_fir).  Output alignment matches liquid's firdecim: output k
 * ends with input k M + M - 1. */
#ifndef CENTINELA_DSP_FIR_H
#define CENTINELA_DSP_FIR_H

#include <complex.h>
#include <stddef.h>

/* The receiver's hot loops (filters, correlators, matched filter) are built twice on x86-64 by
 * GCC, for the baseline (SSE2, four lanes) and for processors with FMA (AVX, eight lanes,
 * fused multiply-add), and the loader picks the one the processor runs (function
 * multi-versioning); other compilers and targets build the baseline only. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define DSP_CLONES __attribute__((target_clones("fma", "default")))
#else
#define DSP_CLONES
#endif

typedef struct fir_decim fir_decim;

/* taps h[0..ntaps), decimation m >= 1; block_max: largest n passed to fir_decim_run */
fir_decim *fir_decim_create(const float *h, int ntaps, int m, size_t block_max);
/* Filters n inputs; writes the outputs completed by them to out and returns their count
 * (at most n / m + 1).  out may alias x. */
size_t fir_decim_run(fir_decim *f, const float complex *x, size_t n, float complex *out);
void fir_decim_destroy(fir_decim **f);

#endif
