/* Data-aided soft values of a burst whose symbols are all known (a frame that passed its CRC):
 * the second look of the link layer (ais_channel.c, link_refit). */
#ifndef CENTINELA_AIS_REFIT_H
#define CENTINELA_AIS_REFIT_H

#include <complex.h>
#include <stdint.h>

/* mk[k0, k1): the C0 matched filter's outputs with the carrier and Laurent's rotation j^k removed
 * (mk_k ~ A exp(j theta_k) b_k + noise); b[k0, k1): the frame's symbols, +-1.  r[k0, k1)
 * receives fresh soft values: mk_k projected on the channel estimated from the symbols
 * k - halfwin .. k + halfwin with k itself left out (two-sided; unbiased under a linear phase
 * ramp), so r_k does not lean towards b_k.  Returns the log-likelihood scale g = 2 A / s^2
 * (r_k g is the LLR of symbol k) with A and s^2 the mean and variance of r_k b_k over
 * [m0, k1); 0 when the span is empty or the values degenerate.
 * Ranges: k0 <= m0 < k1, halfwin >= 1. */
double ais_refit_soft(const float complex *mk, const int8_t *b, int k0, int m0, int k1, int halfwin,
                      float *r);

#endif
