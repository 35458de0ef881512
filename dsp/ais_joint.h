/* Joint detection of two overlapping AIS bursts on one channel (private to dsp).
 *
 * Two bursts of nearly equal power that collide are read together: a Viterbi search over both
 * symbol streams at once (see ais_joint.c), on the channel samples (48 kS/s, AIS_CH_SPS samples
 * a bit), from what the successive cancellation of ais_channel.c estimated of each. */
#ifndef CENTINELA_AIS_JOINT_H
#define CENTINELA_AIS_JOINT_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

/* symbols of the longest burst read: the preamble's 40 and 1,100 after the start flag */
#define AIS_JOINT_MAX_SYMS 1140
/* known symbols at most (the preamble: ramp, training, start flag) */
#define AIS_JOINT_KNOWN_MAX 40

/* One burst in burst bits from the start of its ramp-up (ramp 0..7, training, flag, data).
 * Symbol domain as the coherent receiver's: b_k = +-1 with pseudo-symbol a_k = b_k j^(cum_a + k
 * - 39) (Laurent), sampled by C0 at s0 + AIS_CH_SPS (k + 1). */
typedef struct {
    double s0;  /* in/out: start of the ramp-up, channel samples (absolute index), refined */
    double w;   /* in/out: carrier, rad/sample, |w| < pi, refined */
    int cum_a;  /* sum of the preamble's levels (the rotation's origin) */
    int nsym;   /* symbols on the air [0, nsym), the ramp-down included; 48 <= nsym */
    int nknown; /* b[0, nknown) are known (the preamble) and kept;
                   0 <= nknown <= min(nsym, AIS_JOINT_KNOWN_MAX) */
    int8_t *b;  /* in: the known symbols and a first guess of the others (+-1), nsym of them;
                   out: the joint decisions */
    float *r;   /* out: soft values r[0, nsym), sign = decision, in units of the symbol
                   amplitude (see ais_joint.c) */
    double amp; /* out: the burst's mean amplitude as fitted (sample units) */
} ais_joint_burst;

/* Reads the two bursts bu[0], bu[1] jointly from the samples x[0, len) (x[0] is absolute index
 * base).  Returns 0 with bu[].b and bu[].r set, or -1 when the bursts do not overlap inside the
 * samples (nothing is written then). */
int ais_joint_detect(const float complex *x, int64_t base, size_t len, ais_joint_burst bu[2]);

#endif
