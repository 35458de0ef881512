/* One AIS channel at 48 kS/s: preamble detection, coherent (or discriminator) burst decoding,
 * link layer with soft repair.
 *
 * Burst time is counted in bits from the start of the ramp-up: ramp 0..7, training 8..31, start
 * flag 32..39, data from bit 40 (DATA0).  The detector correlates template bits 16..39 (the
 * last 16 training bits and the flag): real transmitters shorten the ramp and the first
 * training bits, the end of the preamble is always there.
 *
 * Symbol domain of the coherent receiver: Laurent's pseudo-symbols a_k = a_(k-1) j level_k,
 * sampled by the C0 matched filter at the boundary after bit k; b_k = +-1 is a_k with the
 * known rotation j^k removed, so level_k = b_k b_(k-1) and the NRZI data bit is
 * d_k = (b_k == b_(k-2)).  One wrong b flips two data bits; soft repair therefore flips b's.
 * The discriminator receiver decides levels directly (d_k = (level_k == level_(k-1))).
 *
 * Audio (discriminator) detection needs only the start flag, as real transmitters cut the
 * training sequence short (on the Long Beach recording several bursts keep fewer than 8 of its
 * 24 bits): on every one of the 5 sample phases, two slicers (against a running mean, against
 * zero) NRZI-decode hard bits, and each 0x7E is a candidate.  Candidates of a burst seen on
 * several phases are tried in turn until one decodes; the rest fall inside its claim.  On
 * noise this gives ~200 candidates a second, each rejected in a few microseconds by the CRC.
 */
#include "ais_channel.h"
#include "ais_joint.h"
#include "ais_refit.h"

#include "centinela/ais_hdlc.h"
#include "centinela/log.h"
#include "fir.h"
#include "gmsk_pulse.h"

#include <liquid/liquid.h>
#ifdef __SSE__
#include <xmmintrin.h>
#endif
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#define SPS AIS_CH_SPS
#define TB0 16        /* first template bit */
#define NT 24         /* template bits */
#define DATA0 40      /* first data bit */
#define MAX_DATA 1100 /* data bits examined after the flag (5-slot message + stuffing) */
#define PRE_BITS 44   /* buffer kept before a candidate's data start, bits */
#define BUF_CAP 65536 /* samples */
#define DET_TAPS 15
#define LOCAL_MAX 4 /* a candidate is the largest metric within +-LOCAL_MAX samples */
#define C0_RES 64   /* C0 table points per bit */
#define C0_HALF 12  /* matched filter half length, samples */
#define MAX_TRIALS 600
#define BIT_RATE_HZ 9600.0
/* Eb/N0 of the C0 matched-filter output relative to the true Eb/N0 (measured on synthesized
 * bursts; C0 holds most but not all of the GMSK energy, and the estimate is biased by ISI) */
#define C0_EBN0_CAL 1.0

/* Detection thresholds on the normalised correlation (1.0 = noise-free).  At Eb/N0 4 dB the
 * metric of a burst is ~0.55; no burst that decoded scored below 0.56 (every candidate traced,
 * rxcheck.py bursts at 3-4 dB spaced and in dense traffic), while inside undecodable bursts on a
 * busy channel the data answer 0.33-0.5 about nine times a burst.  From 0.33 to 0.50 the
 * candidates examined fell by a third on dense traffic at 4 dB and by two thirds on noise, every
 * decoded count of dsp_bench (per, offsets at 10 and 20 dB, collisions) and rxcheck.py (per, ppm,
 * collision) unchanged; `ais_per 288000 2.5 5 0.5 4000 1000` decoded one burst fewer (4,896 of
 * 24,000; 767 at 4 dB where 768).  The residual of a cancelled burst (sic_detect) keeps the lower
 * threshold: what is left of the other burst there lowers the metric of the one under it. */
#define DET_THRESHOLD_CPLX 0.50f
#define DET_THRESHOLD_SIC 0.33f
/* Audio: running-mean window of the slicer that finds start flags, samples (16 bits: the
 * training sequence is balanced over every 4 bits, so the mean settles inside it) */
#define DC_WIN 80
/* Squelch: the correlator runs while the energy of the last 24 bits exceeds the noise floor by
 * this factor.  On white noise the energy has a standard deviation of 0.14 of its mean, so the
 * squelch is open 0.4 % of the time (measured); a burst at Eb/N0 4 dB raises the energy in the
 * detector's +-10 kHz by 3.4 dB (x 2.2). */
#define SQUELCH 1.45f
/* Coherent gate: template symbols wrong in hard decisions, at most */
#define GATE_ERRORS 3
/* Coherent preamble quality below which a candidate is dropped before demodulation: at Eb/N0
 * 3 dB a burst scores ~0.3 (wideband noise included), noise ~0.01-0.05.  No burst that decoded
 * scored below 0.23 (every candidate traced, dense traffic at 4 dB); the data of undecodable
 * bursts there score 0.10-0.15 a fifth of the time.  From 0.10 to 0.15 every decoded count of
 * dsp_bench, rxcheck.py and `ais_per 288000 2.5 5 0.5 4000 1000` stayed the same, and half
 * of the candidates demodulated on dense traffic at 4 dB were dropped here instead. */
#define COHERENT_GATE 0.15
/* Bits after a decoded burst's end flag still claimed by it (ramp-down; the hypotheses of the
 * audio path on neighbouring sample phases) */
#define CLAIM_TAIL_BITS 4
/* Second demodulation pass with the frequency the PLL ended on, when the first failed and the
 * PLL moved by at least REFINE_MIN_HZ (less is within what it tracks from the start) */
#define REFINE_MIN_HZ 15.0
#define REFINE_MAX_HZ 400.0
/* Soft repair is not tried on a frame whose soft values predict more wrong symbols than this
 * (see expected_errors).  ais_per 288000 2 7 1 1000: 6 loses no burst against no limit (3.5
 * lost 6 % at Eb/N0 4 dB).  Limiting pairs of flips to frames expecting <= 3 errors halved
 * the wrong frames (6 -> 3 in 12,000 bursts at 3.5-4.5 dB, not significant) but lost 5-15 %
 * of the bursts there, so it is not done. */
#define REPAIR_MAX_EXPECTED_ERRORS 6.0
/* Soft repair flips one or two of the REPAIR_SEARCH least reliable symbols; the judgement of a
 * repair that passes (repair_judge) looks at up to three flips among the REPAIR_LIST weakest */
#define REPAIR_SEARCH 10
#define REPAIR_LIST 16
/* Rivals beyond three flips: patterns of 4..REPAIR_DEEP_FLIPS flips among the REPAIR_LIST
 * weakest symbols are weighed as well, the framing-changing flips among them in every
 * combination of the REPAIR_DEEP_REFRAMING cheapest (deep_rivals) */
#define REPAIR_DEEP_FLIPS 8
#define REPAIR_DEEP_REFRAMING 4
/* A repair (repair_judge), or a frame that passed unrepaired, is accepted only when its
 * posterior odds against a chance pass of the CRC reach 10^this.  Synthesized bursts at Eb/N0
 * 2-7 dB, 165,000 (README), odds of up to three flips: no threshold 11.5 wrong frames per
 * 100,000 bursts, 2.0: 5.5, 2.5: 4.9, 3.0: 3.6, 3.5: 1.8; the 50 % point moved by +0.01, +0.03,
 * +0.10, +0.20 dB.  With the deeper rivals (repair_judge) the odds rank frames better (judged
 * repairs on rxcheck.py's bursts at 2.5-5 dB, 360,000: at as many right ones as 10^2.5 kept
 * before, 13 wrong where 20) but rise overall, right and wrong alike; 10^2.8 is where the model's
 * expected wrong frames on the scenes used to choose (rxcheck.py --run wrong, 0-119) are half of
 * what they were at 10^2.5 (3.6 against 7.2).  Development builds may set it
 * (-DREPAIR_MIN_LOG10_ODDS=-1e9 accepts every repair). */
#ifndef REPAIR_MIN_LOG10_ODDS
#define REPAIR_MIN_LOG10_ODDS 2.8
#endif
/* a clean frame below these odds is judged for rival messages too (repair_judge) */
#define CLEAN_JUDGE_BELOW_LOG10_ODDS 4.0
/* Tuning-error tracker (track_offset): frames averaged, the offset from which the detector is
 * re-centred, and the change that moves it again */
#define TRACK_FRAMES 8
#define DET_SHIFT_FROM_HZ 3000.0
#define DET_SHIFT_STEP_HZ 500.0f
/* Coarse frequency grid searched around the detector's estimate when it lies this far off
 * the channel (see decode_complex): +-FINE_STEPS steps of FINE_STEP_HZ */
#define FINE_SEARCH_FROM_HZ 6000.0
#define FINE_STEP_HZ 200.0
#define FINE_STEPS 4
/* Symbols demodulated before looking for the end flag; longer messages extend to MAX_DATA */
#define FIRST_BITS 280
/* Carrier phase smoother (smooth_symbols): +-SMOOTH_W decided symbols */
#define SMOOTH_W 12
/* A candidate is not examined when a stronger one lies within SUPPRESS_BITS (see suppressed) */
#define SUPPRESS_BITS 8
/* Successive interference cancellation (sic_run, gated in decode_complex).
 * Gate: the variance of a lone burst's soft symbols is the channel noise through the matched
 * filter plus the receiver's own ISI (Laurent's C0 alone leaves the other pulses), SIC_ISI_VAR
 * times the squared symbol amplitude (0.0031-0.0033 measured on synthesized bursts at Eb/N0
 * 20, 30 and 40 dB).  Lone bursts at 6-40 dB stay within 1.15 of that; a burst under another
 * 10 dB weaker exceeds it 6-10 times, 20 dB weaker 1.2-2 times.  Over SIC_SPREAD the burst is
 * re-modulated and subtracted; below, decoding costs what it did without cancellation.
 * Fit (sic_fit_subtract): the residual carrier offset from the complex gains of
 * SIC_FREQ_SEG_BITS segments (their phase advance), then the gain per SIC_SEG_BITS,
 * interpolated between segment centres.  Weaker bursts 10 dB down decoded from the residual,
 * of 60: gains per 8 bits 39 (they take a share of the weaker burst with them), 32 bits 55,
 * 64 bits 43 without the offset correction and 58 with it, 128 bits 44.  The start is refined
 * by SIC_TIMING_STEP steps (sic_subtract_frame).
 * Search: only when the residual's power over the span exceeds the channel's noise floor by
 * SIC_RESIDUAL (a lone burst at Eb/N0 30 dB leaves 1.05-1.11 times the noise; a weaker burst at
 * Eb/N0 6 dB over half the span adds ~0.4 times it: 1.5 found 47 of them in 100, 1.2 66).  It
 * reaches SIC_BACK_BITS before the decoded burst's start: a weaker burst that began earlier
 * (its preamble clean, its data hit) is found again there. */
#define SIC_ISI_VAR 0.0032
#define SIC_SPREAD 1.3
#define SIC_FREQ_SEG_BITS 16
#define SIC_SEG_BITS 64
#define SIC_TIMING_STEP 0.5 /* samples */
#define SIC_RESIDUAL 1.2
#define SIC_BACK_BITS (MAX_DATA + DATA0)
/* Residual candidates tried, strongest first, until one decodes (sic_search).  Trying all of
 * them (16 a search on average) decoded the same bursts (within one in 300) 3, 5, 10 and 15 dB
 * apart with 1.7 times the candidates.  One wrong frame in 300 collisions 15 dB apart remains
 * either way: the weaker burst at Eb/N0 5 dB with two soft-repaired flips that passed the CRC
 * and the field checks (one flip at most in residual frames removed it but lost a third of
 * those bursts). */
#define SIC_SEARCH_TRIES 3
/* Pairs (sic_pair): only for failed bursts this strong by their symbol amplitude (Eb/N0
 * against the channel's noise, 10 dB), with their symbols spread as by SIC_SPREAD, for at most
 * SIC_PAIR_ROUNDS rounds of cancelling one, then the other (3 and 6 rounds decoded the same
 * pairs 3 dB apart, one round 2-3 fewer in 100).  A soft symbol is E[b] = tanh(SIC_PAIR_LLR a r
 * / v), a and v the mean and variance of |r| over +-SIC_PAIR_LLR_WINDOW symbols (the other
 * burst covers part of this one: over the whole burst 257 of 600 pairs 3 dB apart decoded,
 * +-32 symbols 271, +-48 272, three seeds).  The interference is bounded, not Gaussian: factors
 * 0.25-0.5 decoded 46-48 pairs in 100 where 1 decoded 42-45 and 2 37-43 (two seeds).
 * A strong lone burst's detector also answers 8 bits early (the training sequence repeats
 * every 4 bits), and that candidate fails as if it had collided: no pair is tried while a
 * stronger candidate waits within SIC_PAIR_EARLY_BITS after it.  The other burst's preamble is
 * looked for more than SIC_PAIR_APART_BITS from the failed one's (3 dB apart, 16 bits decoded
 * 192 pairs of 400, 9 bits 195, 4 bits 199).  Up to SIC_PAIR_TRIES preambles are tried,
 * strongest first, until one reaches the link layer. */
#define SIC_PAIR_MIN_EBN0 10.0
#define SIC_PAIR_ROUNDS 3
#define SIC_PAIR_LLR 0.5
#define SIC_PAIR_EARLY_BITS 16
#define SIC_PAIR_APART_BITS 4
#define SIC_PAIR_TRIES 3
/* A frame decoded under a soft cancellation after soft repair is kept only from this SNR
 * estimate up (25 kHz; Eb/N0 4.2 dB): in 300 pairs 3 dB apart, one wrong frame passed the
 * CRC and the field checks with two flips at -1.3 dB; 3 of the 133 right ones were below
 * 0 dB, and 131 pairs decode with the floor. */
#define SIC_PAIR_REPAIRED_MIN_SNR_DB 0.0
#define SIC_PAIR_LLR_WINDOW 48
/* Pairs whose rounds fail are read jointly (sic_joint, ais_joint.c): pairs 3 dB apart within
 * +-13 ms, the stronger decoded in 50.5 % of 200 (rxcheck.py --run collision) without, 90.5 %
 * with; a scene of such collisions every 100 ms costs 2.5-2.9 times the CPU (0.40-0.44 s for
 * its 20 s, 1.03-1.18 s with).  Development builds may set SIC_JOINT to 0 to measure the
 * rounds alone, SIC_JOINT_ROUGH to 0 to read jointly only pairs whose other burst reached the
 * link layer (sic_rough: 3 and 5 more pairs of 300). */
#ifndef SIC_JOINT
#define SIC_JOINT 1
#endif
#ifndef SIC_JOINT_ROUGH
#define SIC_JOINT_ROUGH 1
#endif
/* The weaker burst of a joint detection goes to the link layer only from this fraction of the
 * stronger's fitted amplitude up (-12 dB): further down it is not the near-equal pair joint
 * detection is for, and its frame is mostly a chance pass.  Pairs 1-6 dB apart (rxcheck.py
 * scenes, 3,600 pairs): of 1,594 frames taken from joint decisions one was wrong, a weaker
 * burst at 0.19 of the stronger with two soft-repaired flips; one right frame lay below 0.30
 * (0.20), and it is lost. */
#define SIC_JOINT_MIN_RATIO 0.25
/* work areas */
#define SIC_MAX_AIR_BITS (AIS_RAMP_BITS + AIS_TRAINING_BITS + 16 + (MAX_DATA * 6) / 5 + 16)
#define SIC_SPAN_MAX ((SIC_BACK_BITS + SIC_MAX_AIR_BITS + DATA0 + 8) * SPS + 2 * DET_TAPS)
#define SIC_MAX_CANDIDATES 32

typedef struct {
    /* shared tables, built once */
    float complex ty[NT];       /* detector template: one-bit phase change at each bit end */
    float tyr[NT], tyi[NT];     /* the same, real and imaginary parts (ais_channel_push_cf32) */
    float complex w[NT * SPS];  /* coherent preamble waveform, polarity +, bits TB0..39.6 */
    float complex wc[NT * SPS]; /* its conjugate: the correlation template of polarity + */
    float tr[2][NT * SPS], ti[2][NT * SPS]; /* the template of polarity - [0] and + [1], split */
    int nw;
    int cum40;          /* sum of levels of bits 0..39, polarity + */
    int8_t lev[DATA0];  /* levels of the preamble, polarity + */
    float ideal[DATA0]; /* discriminator value at each preamble bit centre, polarity +,
                           1.0 = steady deviation */
    float c0[(GMSK_SPAN + 1) * C0_RES + 1];
    float complex twiddle[SPS];     /* exp(-j 2 pi r / 5) */
    float ptab[GMSK_SPAN * 64 + 1]; /* phase pulse at 64 points per bit (re-modulation) */
    uint16_t syn[MAX_DATA];         /* CRC register change of a frame bit m bits before its end */
} tables;

static tables T;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static double ref_phase(double t)
{
    /* phase of the polarity + preamble at t bits from the burst start (data bits absent) */
    double ph = 0;
    for (int k = 0; k < DATA0; k++)
        ph += T.lev[k] * gmsk_phase_pulse(t - (k + 0.5));
    return M_PI / 2 * ph;
}

static void build_tables(void)
{
    uint8_t bits[DATA0];
    for (int k = 0; k < AIS_RAMP_BITS + AIS_TRAINING_BITS; k++)
        bits[k] = k & 1;
    static const uint8_t flag[8] = {0, 1, 1, 1, 1, 1, 1, 0};
    memcpy(bits + 32, flag, 8);
    ais_hdlc_nrzi(bits, DATA0, 1, T.lev);
    T.cum40 = 0;
    for (int k = 0; k < DATA0; k++)
        T.cum40 += T.lev[k];
    for (int j = 0; j < NT; j++) {
        double te = TB0 + j + 1; /* end of template bit j */
        T.ty[j] = (float complex)cexp(I * (ref_phase(te) - ref_phase(te - 1)));
        T.tyr[j] = crealf(T.ty[j]);
        T.tyi[j] = cimagf(T.ty[j]);
    }
    for (int k = 0; k < DATA0; k++) {
        double tc = k + 0.5, e = 0.05;
        T.ideal[k] = (float)((ref_phase(tc + e) - ref_phase(tc - e)) / (2 * e) / (M_PI / 2));
    }
    T.nw = 0;
    for (int i = 0; TB0 + i / (double)SPS < DATA0 - 0.4; i++)
        T.w[T.nw++] = (float complex)cexp(I * ref_phase(TB0 + i / (double)SPS));
    for (int i = 0; i < T.nw; i++) {
        T.wc[i] = conjf(T.w[i]);
        T.tr[0][i] = T.tr[1][i] = crealf(T.w[i]);
        T.ti[0][i] = cimagf(T.w[i]);
        T.ti[1][i] = -cimagf(T.w[i]);
    }
    for (int r = 0; r < SPS; r++)
        T.twiddle[r] = (float complex)cexp(-I * 2 * M_PI * r / SPS);
    for (int i = 0; i <= (GMSK_SPAN + 1) * C0_RES; i++)
        T.c0[i] = (float)gmsk_laurent_c0(i / (double)C0_RES);
    for (int i = 0; i <= GMSK_SPAN * 64; i++)
        T.ptab[i] = (float)gmsk_phase_pulse(i / 64.0 - GMSK_SPAN / 2.0);
    /* the CRC register is linear in the bits: a 1 entered into an all-zero register, then
     * shifted on by m zeros */
    uint16_t reg = ais_hdlc_crc_step(0, 1);
    for (int m = 0; m < MAX_DATA; m++) {
        T.syn[m] = reg;
        reg = ais_hdlc_crc_step(reg, 0);
    }
}

/* What decode_complex learned of a burst, for cancelling it: its estimate as demodulated
 * (soft symbols) or, when the CRC passed, its frame. */
typedef struct sic_est {
    int reached;    /* demodulated to the link layer */
    int ok;         /* frame delivered: payload, nb */
    double s0, w;   /* start of the ramp-up (channel samples), carrier (rad/sample) */
    int pol, cum_a; /* polarity; sum of the preamble's levels */
    int nbits;      /* soft symbols r[TB0, nbits) */
    int end;        /* burst bit after the end flag; 0 = not found */
    double llr;     /* r times this is half the log-likelihood ratio of a symbol */
    int nb;
    uint8_t payload[AIS_MAX_PAYLOAD_BITS / 8 + 8];
    float r[DATA0 + MAX_DATA];
} sic_est;

typedef struct {
    uint64_t n; /* sample index where the detector peaked (detector output clock) */
    float rho;
    float complex c; /* detector correlation of the winning polarity */
    int pol;         /* +1 / -1 */
    float shift_hz;  /* the detector's centre when it saw the candidate (see track_hz) */
} candidate;

/* soft repair: the unrepaired frame as the deframer read it (see repair_trial) */
typedef struct {
    uint8_t d0[MAX_DATA];  /* data bits of the unrepaired symbols */
    uint8_t d[MAX_DATA];   /* the same, toggled by a trial while it runs */
    uint8_t cls[MAX_DATA]; /* the deframer's reading of d[0, stop] */
    int16_t at[MAX_DATA];  /* index of a kept bit in the deframed bits */
    int nd, stop;          /* bits; where the deframer stopped (flag's last bit, abort, nd) */
    int flag, n;           /* an end flag was found; deframed bits before it (payload + FCS) */
    uint16_t crc;          /* CRC register over those n bits */
} repair_map;

struct ais_channel {
    int real;
    char label;
    double channel_hz, max_off_hz;
    int repair_bits;
    int sic;
    ais_demod_stats *stats;
    ais_channel_emit_fn emit;
    void *ctx;

    /* sample store */
    float complex *xc; /* complex samples, or */
    float *xr;         /* real samples (after the receive filter) */
    uint64_t base;     /* absolute index of element 0 */
    size_t len;

    /* detector */
    float det_h[DET_TAPS];
    fir_decim *det_c;
    /* the pre-filter's output: SPS samples of the previous chunk, then the chunk's (the
     * one-bit differential product reaches SPS samples back) */
    float complex *detbuf;
    float *detwork; /* per sample of a chunk: the product (re, im), its magnitude, |x|^2 */
    /* Tuning error carried across bursts: the carrier offset of clean frames, smoothed.  A
     * receiver off tune shifts every station alike; once it is beyond DET_SHIFT_FROM_HZ the
     * detector's +-10 kHz pre-filter is centred on it (its input mixed down by det_shift_hz),
     * so bursts 60 ppm off are detected as those on tune. */
    double track_hz;
    int track_n;
    float det_shift_hz;
    float complex det_rot, det_step;
    float complex *detmix;
    firfilt_rrrf det_r;
    /* per sample phase, values at bit spacing, doubled; real and imaginary parts apart, so the
     * correlation runs as four real dot products the compiler vectorises */
    float yre[SPS][2 * NT], yim[SPS][2 * NT];
    float yabs[SPS][NT]; /* |y| of the values in yre/yim, for the running sum */
    float esum[SPS];
    /* squelch: the correlator only runs while the energy of the last NT bits (sum of |y| over
     * all phases) stands above the tracked noise floor */
    float esum_all;
    float floor_e;         /* noise floor of esum_all; 0 = not yet measured */
    float blk_pow;         /* sum of |x|^2 over the current block of NT bits */
    float noise_pow;       /* noise power per channel sample, from the blocks quiet by floor_e */
    uint64_t squelch_open; /* samples with the squelch open (statistics) */
    int ypos[SPS];
    uint64_t n; /* detector clock */
    float mring[2 * LOCAL_MAX + 1];
    candidate cring[2 * LOCAL_MAX + 1];

    candidate *pend;
    size_t npend, cappend;

    /* recent frames, to drop the same frame found from a second candidate */
    struct {
        uint64_t start;
        uint16_t crc;
    } recent[16];
    int nrecent;
    uint64_t claim_from, claim_to; /* detector clock span of the last decoded burst */
    float claim_rho, cur_rho;

    /* audio detector: per sample phase, NRZI-decoded hard bits (newest in bit 0) sliced against
     * the running mean of the last DC_WIN samples */
    uint32_t ahist[2][SPS]; /* [0]: against the running mean, [1]: against zero */
    int8_t alev[2][SPS];
    float dcring[DC_WIN];
    float dcsum;
    int dcpos;

    repair_map rmap[2]; /* soft repair of the frame being decoded (link_decode); [1] for
                         * repair_judge's deeper patterns */

    /* per-candidate work areas, by burst bit */
    float xs[DATA0 + MAX_DATA];
    float complex mk[DATA0 + MAX_DATA], ud[DATA0 + MAX_DATA];
    float r[DATA0 + MAX_DATA];
    float nu[DATA0 + MAX_DATA]; /* phase step of the PLL after each symbol, rad per bit */
    int8_t u[DATA0 + MAX_DATA];

    /* successive interference cancellation (see sic_run): work areas, allocated on first use */
    int sic_depth;           /* 1 while decoding from a residual: no cancellation inside */
    int8_t *sic_lev;         /* levels of the re-modulated burst */
    float complex *sic_m;    /* its unit waveform, then the residual detector's filtered samples */
    float complex *sic_y;    /* residual detector: one-bit differential products */
    float *sic_ay, *sic_rho; /* their magnitudes; the normalised correlation */
    float complex *sic_corr; /* the winning correlation */
    int8_t *sic_pol;
    /* pairs neither of which decodes alone (sic_pair): a copy of the samples to cancel in, the
     * two bursts' estimates, and where decode_complex reports on the burst it tried */
    float complex *sic_copy;
    struct sic_est *pair_a, *pair_b, *cap;
    int64_t copy_lo, copy_hi; /* the span of sic_copy in use */
};

ais_channel *ais_channel_create(int real, char label, double channel_hz, double max_offset_hz,
                                int repair_bits, int sic, ais_demod_stats *stats,
                                ais_channel_emit_fn emit, void *ctx)
{
    pthread_once(&tables_once, build_tables);
    ais_channel *c = x_calloc(1, sizeof *c);
    c->real = real;
    c->sic = sic && !real;
    c->label = label;
    c->channel_hz = channel_hz;
    c->max_off_hz = max_offset_hz;
    c->repair_bits = repair_bits;
    c->stats = stats;
    c->emit = emit;
    c->ctx = ctx;
    if (real) {
        c->xr = x_calloc(BUF_CAP, sizeof *c->xr);
        /* receive filter for discriminator audio: passes the +-4.8 kHz of the bit stream,
         * removes the hiss above it */
        c->det_r = firfilt_rrrf_create_kaiser(DET_TAPS, 7000.0f / 48000.0f, 40.0f, 0.0f);
        firfilt_rrrf_set_scale(c->det_r, 1.0f);
    } else {
        c->xc = x_calloc(BUF_CAP, sizeof *c->xc);
        /* detector pre-filter: +-10 kHz keeps a burst 9.7 kHz off tune detectable */
        liquid_firdes_kaiser(DET_TAPS, 10000.0f / 48000.0f, 40.0f, 0.0f, c->det_h);
        c->det_c = fir_decim_create(c->det_h, DET_TAPS, 1, 4096);
        c->detbuf = x_calloc(SPS + 4096, sizeof *c->detbuf);
        c->detwork = x_malloc(4 * 4096 * sizeof *c->detwork);
        c->detmix = x_malloc(4096 * sizeof *c->detmix);
        c->det_rot = 1;
        c->det_step = 1;
    }
    for (int i = 0; i < 2 * LOCAL_MAX + 1; i++)
        c->mring[i] = 0;
    return c;
}

void ais_channel_destroy(ais_channel **pc)
{
    if (!pc || !*pc)
        return;
    ais_channel *c = *pc;
    fir_decim_destroy(&c->det_c);
    free(c->detbuf);
    free(c->detwork);
    free(c->detmix);
    if (c->det_r)
        firfilt_rrrf_destroy(c->det_r);
    free(c->xc);
    free(c->xr);
    free(c->pend);
    free(c->sic_lev);
    free(c->sic_m);
    free(c->sic_y);
    free(c->sic_ay);
    free(c->sic_rho);
    free(c->sic_corr);
    free(c->sic_pol);
    free(c->sic_copy);
    free(c->pair_a);
    free(c->pair_b);
    free(c);
    *pc = NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* link layer: soft symbols -> frame                                                         */

typedef struct {
    const float *r; /* soft symbols, index = burst bit */
    int8_t *u;      /* hard symbols (+-1), modified by trials */
    int lag;        /* d_k = (u_k == u_(k-lag)) */
    int nbits;      /* symbols available (burst bits) */
    float max_rel;  /* only symbols with |r| below this are flipped by repair (0 = any) */
    /* coherent receiver: the matched filter's outputs (carrier and j^k removed), index = burst
     * bit, for the data-aided second look at a frame (link_refit); NULL = none */
    const float complex *mk;
    double g; /* r times g is the log-likelihood ratio of a symbol; 0 = from the decided |r| */
} link_ctx;

/* The LLR scale g = 2 A / s^2 of the soft values over [DATA0, end): L->g when the caller
 * measured it, else A and s^2 as the mean and variance of the decided |r|.  0 when the frame is
 * too short or its values degenerate. */
static double llr_scale(const link_ctx *L, int end)
{
    if (L->g > 0)
        return L->g;
    double sa = 0, s2 = 0;
    int m = 0;
    for (int k = DATA0; k < end && k < L->nbits; k++) {
        double x = fabsf(L->r[k]);
        sa += x, s2 += x * x, m++;
    }
    if (m < 8)
        return 0;
    double a = sa / m, var = s2 / m - a * a;
    return var > 0 ? 2 * a / var : 0;
}

/* NRZI-decoded data bits d[0, nd) of the symbols from DATA0 on; returns nd */
static int frame_bits(const link_ctx *L, uint8_t *d)
{
    int nd = L->nbits - DATA0;
    if (nd > MAX_DATA)
        nd = MAX_DATA;
    for (int i = 0; i < nd; i++) {
        int k = DATA0 + i;
        d[i] = L->u[k] == L->u[k - L->lag];
    }
    return nd;
}

/* deframe data bits d[0, nd); returns payload bit count (FCS removed) if CRC ok, -1 no flag (or
 * an abort), -2 bad CRC; *end_out = burst bit after the end flag */
static int frame_read(const uint8_t *d, int nd, uint8_t *payload, int *end_out)
{
    if (nd <= 0)
        return -1;
    uint8_t air[MAX_DATA];
    size_t end = 0;
    int n = ais_hdlc_deframe(d, (size_t)nd, air, sizeof air, &end);
    if (n < 0)
        return -1;
    *end_out = DATA0 + (int)end;
    if (n < 16 + 8 || ais_hdlc_crc(air, (size_t)n) != AIS_HDLC_CRC_GOOD)
        return -2;
    int nb = n - 16;
    ais_hdlc_pack_msb(air, (size_t)nb, payload);
    return nb;
}

/* decode d from u, deframe: frame_read of frame_bits */
static int try_frame(const link_ctx *L, uint8_t *payload, int *end_out)
{
    uint8_t d[MAX_DATA];
    int nd = frame_bits(L, d);
    return frame_read(d, nd, payload, end_out);
}

/* ---------------------------------------------------------------------------------------- */
/* Soft repair without deframing every trial.
 *
 * A trial flips one or two symbols; with d_k = (u_k == u_(k-lag)) each flip toggles two data
 * bits.  The deframer (ais_hdlc_deframe) reads data bit i by its value and the run of ones just
 * before it (rb): a one is kept (an abort when rb >= 6); a zero ends the frame (rb = 6), is a
 * stuffed zero and dropped (rb = 5), or is kept.  When the toggled bits leave that reading of
 * every bit unchanged ("the framing"), the trial's frame is the unrepaired one with the same
 * bits toggled: without an end flag it fails again, and with one its CRC is the unrepaired
 * CRC plus, the CRC being linear, a syndrome per toggled frame bit that depends only on its
 * distance from the frame's end (T.syn).  Only when the framing changes, or the CRC then
 * passes, is the trial deframed in full.  The outcome is exactly that of deframing every trial
 * (Debug builds check each trial so); on weak traffic the 55 trials of a failed frame, each
 * deframed, were most of the receiver's CPU. */
enum { RD_KEEP, RD_DROP, RD_FLAG, RD_ABORT };

static inline int rd_class(int bit, int rb)
{
    if (bit)
        return rb >= 6 ? RD_ABORT : RD_KEEP;
    return rb == 6 ? RD_FLAG : rb == 5 ? RD_DROP : RD_KEEP;
}

/* The unrepaired frame's reading: d from the hard symbols as they are now */
static void repair_map_build(const link_ctx *L, repair_map *M)
{
    uint8_t air[MAX_DATA];
    M->nd = frame_bits(L, M->d0);
    memcpy(M->d, M->d0, (size_t)M->nd);
    M->flag = 0;
    M->n = 0;
    M->stop = M->nd;
    int rb = 0, k = 0;
    for (int i = 0; i < M->nd; i++) {
        int cl = rd_class(M->d0[i], rb);
        M->cls[i] = (uint8_t)cl;
        M->at[i] = (int16_t)k;
        if (cl == RD_KEEP)
            air[k++] = M->d0[i];
        if (cl == RD_FLAG || cl == RD_ABORT) {
            M->stop = i;
            if (cl == RD_FLAG && k >= 7) { /* the flag's leading zero and six ones were kept */
                M->flag = 1;
                M->n = k - 7;
            }
            break;
        }
        rb = M->d0[i] ? rb + 1 : 0;
    }
    M->crc = M->flag ? ais_hdlc_crc(air, (size_t)M->n) : 0;
}

/* The reading of the toggled bits d[p..] is that of the unrepaired ones (d0), up to the first
 * bit after p that is a zero in both (from there on the runs are the same again) or up to where
 * the deframer stopped */
static int repair_same_reading(const repair_map *M, int p)
{
    int rb = 0;
    for (int j = p - 1; j >= 0 && M->d[j] && rb < 7; j--)
        rb++;
    for (int i = p; i <= M->stop && i < M->nd; i++) {
        if (rd_class(M->d[i], rb) != M->cls[i])
            return 0;
        if (i > p && !M->d[i] && !M->d0[i])
            break;
        rb = M->d[i] ? rb + 1 : 0;
    }
    return 1;
}

/* One repair trial: the frame with symbols ks[0, nk) flipped (the caller flips them in L->u), the
 * result as try_frame's on it */
static int repair_trial(const link_ctx *L, repair_map *M, const int *ks, int nk, uint8_t *payload,
                        int *end_out)
{
    int tog[2 * REPAIR_DEEP_FLIPS], nt = 0;
    for (int f = 0; f < nk; f++) {
        int ps[2] = {ks[f] - DATA0, ks[f] + L->lag - DATA0};
        for (int h = 0; h < 2; h++) {
            int p = ps[h], t = 0;
            if (p < 0 || p >= M->nd)
                continue;
            while (t < nt && tog[t] != p)
                t++;
            if (t < nt) /* toggled twice: unchanged */
                tog[t] = tog[--nt];
            else
                tog[nt++] = p;
        }
    }
    for (int t = 0; t < nt; t++)
        M->d[tog[t]] ^= 1;
    int same = 1;
    for (int t = 0; t < nt && same; t++)
        if (tog[t] <= M->stop)
            same = repair_same_reading(M, tog[t]);
    int res = -2;
    int crc_ok = 0;
    if (same && M->flag && M->n >= 16 + 8) {
        uint16_t crc = M->crc;
        for (int t = 0; t < nt; t++) {
            int p = tog[t];
            if (p < M->stop && M->cls[p] == RD_KEEP && M->at[p] < M->n)
                crc ^= T.syn[M->n - 1 - M->at[p]];
        }
        crc_ok = crc == AIS_HDLC_CRC_GOOD;
    }
    if (!same || crc_ok) {
        res = frame_read(M->d, M->nd, payload, end_out);
    } else {
#ifndef NDEBUG
        int end = 0;
        if (frame_read(M->d, M->nd, payload, &end) > 0) {
            log_error("ais_channel: soft repair missed a frame that passes the CRC");
            abort();
        }
#endif
    }
    for (int t = 0; t < nt; t++)
        M->d[tog[t]] ^= 1;
    return res;
}

typedef struct {
    int idx;
    float rel;
} weak_sym;

/* A repaired frame passed the CRC: its fields must be in range too (a wrong repair passes the
 * CRC once in 2^15 trials, see repair_judge, and the search makes up to 55 a decode); counted
 * when not. */
static int repaired_ok(ais_demod_stats *st, const uint8_t *payload, int nb, int flips)
{
    if (!ais_hdlc_plausible(payload, (size_t)nb, 1))
        return 0;
    if (ais_hdlc_fields_plausible(payload, (size_t)nb, flips))
        return 1;
    st->repair_rejected++;
    return 0;
}

/* Expected number of wrong symbol decisions in [DATA0, end): the posterior error probability
 * of each symbol, 1 / (1 + exp(2 |r| A / s^2)), summed, with the amplitude A and variance s^2
 * of the decided soft values.  A frame expecting many errors is beyond two flips: searching it
 * only costs CPU and gives a wrong frame a chance to pass the CRC.  The terms are positive, so
 * the sum stops as soon as it exceeds `limit` (the answer to "more than limit?" is the same). */
static double expected_errors(const link_ctx *L, int end, double limit)
{
    double g = llr_scale(L, end), e = 0;
    if (!(g > 0))
        return 0;
    for (int k = DATA0; k < end && k < L->nbits && e <= limit; k++)
        e += 1 / (1 + exp(g * fabsf(L->r[k])));
    return e;
}

/* The judgement of a repair that passed the CRC and the field checks.
 *
 * The CRC seen from the symbols is weaker than its 16 bits suggest: a flipped symbol b_k toggles
 * the data bits k and k + lag (d_k = (b_k == b_(k-lag))), so an error pattern s(x) of symbols
 * reaches the CRC as (1 + x^lag) s(x), and the CRC-CCITT generator holds the factor (1 + x):
 * the syndromes of symbol errors span 15 bits, and a frame with errors outside the patterns
 * tried passes a trial by chance once in 2^15, not 2^16.  No pattern of one or two symbols
 * passes, a few of three do (test_hdlc).  With 55 trials on every frame that failed (tens of
 * thousands per hour at the sensitivity limit), chance passes that also meet the field checks
 * were about 13 wrong frames per 100,000 bursts at Eb/N0 2-7 dB.
 *
 * So a repair is weighed by the probabilities of the soft values.  Symbol k is wrong with
 * probability p_k = 1 / (1 + exp(g |r_k|)), g = 2 A / s^2 (A, s^2: mean and variance of the
 * decided |r|), independently; an error pattern S has the probability P0 prod_(k in S) o_k with
 * o_k = exp(-g |r_k|), P0 the probability of no error at all.  Every pattern of one to three
 * flips among the REPAIR_LIST weakest symbols is enumerated: those that pass the CRC and the
 * field checks explain the frame (patterns that give the same message add up: one message, one
 * hypothesis), the others are ruled out by the CRC.  The true pattern is either one that passes
 * or outside the enumerated set (probability P_out = 1 - P0 (1 + the listed patterns' odds)),
 * the repair then passing by chance (2^-15).  The posterior odds of the most probable message
 * M are
 *   P(M) / (P of the other messages that pass + P_out 2^-15).
 * On synthesized bursts at Eb/N0 2-7 dB (ais_per built with -DAIS_REPAIR_TRACE and every repair
 * accepted, 165,000 bursts, 36,246 repairs) the odds are calibrated within the counts: 17 wrong
 * repairs where they predicted 25 (below 10^2: 10 where 13; 10^2-10^3: 3 where 9; 10^3-10^4: 4
 * where 2.5; above: none where 0.4).  Counting each passing pattern as its own hypothesis
 * instead of adding up those of one message made the odds far too low where other patterns
 * pass (3 wrong of 765 below 10^1 where 283 were predicted).  The threshold
 * REPAIR_MIN_LOG10_ODDS trades wrong frames against sensitivity (README).
 * Patterns much less likely than the first repair found (cost beyond REPAIR_JUDGE_SPAN) are not
 * deframed: whether they pass changes the odds by less than 1e-4 of the repair's.
 * Patterns of four to REPAIR_DEEP_FLIPS flips are weighed too (deep_rivals; M[1] is its scratch
 * map): at the sensitivity limit the true pattern of a wrong repair was often one of them (a
 * wrong frame on rxcheck.py's bursts at 2.5-5 dB had five wrong symbols, all among the eight
 * weakest), and what they hold is no longer counted in P_out.  A clean frame (nsel 0) is judged
 * as the pattern of no flip. */
#define REPAIR_JUDGE_SPAN 9.0
#define REPAIR_MAX_PASSING 32 /* passing patterns kept (more than a few is rare noise) */
typedef struct {
    double log10_odds; /* posterior odds of the chosen message, log10 (-INFINITY: none) */
    double cost;       /* -log of its pattern's odds against no error: sum of g |r_k| */
    int rivals;        /* passing patterns that give another message */
    int sel[3], nsel;  /* the chosen pattern: ranks in the weak list */
    uint64_t msg;      /* hash of the chosen message (message_hash) */
} repair_verdict;

typedef struct {
    int rk[3], nk;
    double cost;
    uint64_t msg; /* hash of the message the pattern gives */
} repair_pass;

static uint64_t message_hash(const uint8_t *payload, int nb)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)nb; /* FNV-1a */
    for (int i = 0; i < (nb + 7) / 8; i++)
        h = (h ^ payload[i]) * 1099511628211ull;
    return h;
}

/* The verdict from the passing patterns pass[0, np) (the message of most mass that a pattern of
 * at most max_flips flips gives), the log probability lp0 of no error and the odds mass `listed`
 * of every pattern weighed */
static void judge_verdict(int max_flips, const repair_pass *pass, int np, double lp0, double listed,
                          repair_verdict *v)
{
    double total = 0, best_mass = -1;
    int best = -1;
    for (int p = 0; p < np; p++)
        total += exp(-pass[p].cost);
    for (int p = 0; p < np; p++) {
        if (pass[p].nk > max_flips)
            continue;
        double mass = 0;
        for (int q = 0; q < np; q++)
            if (pass[q].msg == pass[p].msg)
                mass += exp(-pass[q].cost);
        if (mass > best_mass || (mass == best_mass && pass[p].cost < pass[best].cost)) {
            best_mass = mass;
            best = p;
        }
    }
    if (best < 0)
        return;
    v->rivals = 0;
    for (int p = 0; p < np; p++)
        v->rivals += pass[p].msg != pass[best].msg;
    v->cost = pass[best].cost;
    v->msg = pass[best].msg;
    v->nsel = pass[best].nk;
    memcpy(v->sel, pass[best].rk, sizeof v->sel);
    double p0 = exp(lp0), pout = 1 - p0 * (1 + listed);
    if (pout < 1e-12)
        pout = 1e-12;
    double others = (total - best_mass) * p0;
    if (others < 0)
        others = 0;
    v->log10_odds = (lp0 + log(best_mass) - log(others + pout / 32768.0)) / M_LN10;
}

/* A symbol flip's effect on the unrepaired frame when it leaves the framing as it is: the CRC
 * register change of its two toggled bits (0 for bits past the end flag); returns 0 when a
 * toggled bit changes the framing */
static int flip_syndrome(repair_map *M, int k, int lag, uint16_t *syn)
{
    int ps[2] = {k - DATA0, k + lag - DATA0};
    *syn = 0;
    for (int h = 0; h < 2; h++) {
        int p = ps[h];
        if (p < 0 || p >= M->nd || p > M->stop)
            continue;
        M->d[p] ^= 1;
        int same = repair_same_reading(M, p);
        M->d[p] ^= 1;
        if (!same)
            return 0;
        if (p < M->stop && M->cls[p] == RD_KEEP && M->at[p] < M->n)
            *syn ^= T.syn[M->n - 1 - M->at[p]];
    }
    return 1;
}

typedef struct {
    const link_ctx *L;
    repair_map *M; /* the unrepaired map: each pattern is confirmed on it */
    const int *ku; /* framing-changing flips U under the pattern */
    int nu;
    double cu;
    const int *idx; /* the other flips S may take */
    const double *dc;
    int nd;
    double bound;
    repair_pass *pass;
    int *np;
    uint8_t *scratch;
} deep_ctx;

/* a subset S (mask over idx) that makes U + S pass the CRC by the register changes: confirmed by
 * deframing U + S on the unrepaired map, kept as a passing pattern when its fields are plausible
 * (held as for one flip: a rival is weighed, never delivered, so a binary message counts too) */
static void deep_found(unsigned mask, void *arg)
{
    deep_ctx *d = arg;
    int nk = d->nu + __builtin_popcount(mask);
    if (nk < 4 || nk > REPAIR_DEEP_FLIPS || *d->np == REPAIR_MAX_PASSING)
        return;
    int ks[REPAIR_DEEP_FLIPS], t = 0;
    double cst = d->cu;
    for (int i = 0; i < d->nu; i++)
        ks[t++] = d->ku[i];
    for (int i = 0; i < d->nd; i++)
        if (mask >> i & 1) {
            ks[t++] = d->idx[i];
            cst += d->dc[i];
        }
    if (cst > d->bound)
        return;
    int end_r = 0;
    int n = repair_trial(d->L, d->M, ks, nk, d->scratch, &end_r);
    if (!(n > 0 && ais_hdlc_fields_plausible(d->scratch, (size_t)n, 1)))
        return;
    repair_pass *q = &d->pass[(*d->np)++];
    q->rk[0] = q->rk[1] = q->rk[2] = -1;
    q->nk = nk;
    q->cost = cst;
    q->msg = message_hash(d->scratch, n);
}

/* The deep part of repair_judge: patterns of 4..REPAIR_DEEP_FLIPS flips among the weak list.
 * A flip that leaves the framing as it is changes the CRC register by a fixed amount (its two
 * toggled bits' syndromes), so the patterns of such flips that pass are those whose changes add
 * up (xor) to what the frame lacks: found by meeting in the middle (the subsets of each half,
 * one half sorted) instead of trying each, and weighed in mass by the elementary symmetric sums
 * of their odds.  The few flips that change the framing (a toggled bit in a run of ones: a
 * stuffed bit or the end flag) are taken in every combination of the REPAIR_DEEP_REFRAMING
 * cheapest, the frame read afresh under each (the rest of them are left outside).  Two flips
 * whose toggled bits touch one run of ones can change the framing together though neither
 * does alone: such a pattern is misread (rare; the weak symbols are spread over the frame). */
static void deep_rivals(const link_ctx *L, repair_map *M, const weak_sym *weak, int nw,
                        const double *cost, double bound, repair_pass *pass, int *np,
                        double *listed, uint8_t *scratch)
{
    int ku[REPAIR_DEEP_REFRAMING], nuf = 0;
    double cuf[REPAIR_DEEP_REFRAMING];
    int skip[REPAIR_LIST] = {0};
    for (int i = 0; i < nw; i++) {
        uint16_t x;
        if (!flip_syndrome(M, weak[i].idx, L->lag, &x)) {
            skip[i] = 1;
            if (nuf < REPAIR_DEEP_REFRAMING) {
                ku[nuf] = weak[i].idx;
                cuf[nuf++] = cost[i];
            }
        }
    }
    repair_map *Mu = M + 1; /* the caller's second map */
    for (unsigned um = 0; um < 1u << nuf; um++) {
        int kk[REPAIR_DEEP_REFRAMING], nu = 0;
        double cu = 0;
        for (int i = 0; i < nuf; i++)
            if (um >> i & 1) {
                kk[nu++] = ku[i];
                cu += cuf[i];
            }
        if (cu > bound)
            continue;
        repair_map *Mr = M;
        if (nu) {
            for (int i = 0; i < nu; i++)
                L->u[kk[i]] = (int8_t)-L->u[kk[i]];
            repair_map_build(L, Mu);
            for (int i = 0; i < nu; i++)
                L->u[kk[i]] = (int8_t)-L->u[kk[i]];
            Mr = Mu;
        }
        if (!Mr->flag || Mr->n < 16 + 8)
            continue;
        int idx[REPAIR_LIST], nd = 0;
        uint16_t syn[REPAIR_LIST];
        double dc[REPAIR_LIST];
        for (int i = 0; i < nw; i++)
            if (!skip[i] && flip_syndrome(Mr, weak[i].idx, L->lag, &syn[nd])) {
                idx[nd] = weak[i].idx;
                dc[nd++] = cost[i];
            }
        /* mass of the patterns weighed: U and j more, 4 <= nu + j <= REPAIR_DEEP_FLIPS */
        double e[REPAIR_DEEP_FLIPS + 1] = {1};
        for (int i = 0; i < nd; i++)
            for (int j = REPAIR_DEEP_FLIPS; j > 0; j--)
                e[j] += e[j - 1] * exp(-dc[i]);
        for (int j = 4 - nu > 0 ? 4 - nu : 0; j + nu <= REPAIR_DEEP_FLIPS; j++)
            *listed += exp(-cu) * e[j];
        deep_ctx d = {L, M, kk, nu, cu, idx, dc, nd, bound, pass, np, scratch};
        ais_hdlc_xor_subsets(syn, nd, Mr->crc ^ AIS_HDLC_CRC_GOOD, deep_found, &d);
    }
}

/* S (ranks sel[0, nsel) ascending, giving payload[nb]) passed; v receives the most probable
 * message among the passing patterns (patterns that give one message add up), its likeliest
 * pattern of at most max_flips flips, and the message's odds. */
static void repair_judge(int max_flips, const link_ctx *L, repair_map *M, const weak_sym *weak,
                         int nw, int end, const int *sel, int nsel, const uint8_t *payload, int nb,
                         repair_verdict *v)
{
    v->rivals = 0;
    v->msg = 0;
    v->cost = 0;
    v->log10_odds = -INFINITY;
    v->nsel = nsel;
    for (int i = 0; i < nsel; i++)
        v->sel[i] = sel[i];
    double g = llr_scale(L, end), lp0 = 0;
    if (!(g > 0))
        return;
    for (int k = DATA0; k < end && k < L->nbits; k++)
        lp0 -= log1p(exp(-g * fabsf(L->r[k])));
    double cost[REPAIR_LIST] = {0};
    for (int i = 0; i < nw; i++)
        cost[i] = g * weak[i].rel;
    double s_cost = 0;
    for (int i = 0; i < nsel; i++)
        s_cost += cost[sel[i]];
    /* every pattern of 1..3 flips among the list, ranks i <= j <= k (j == i: one flip, k == j:
     * two, else three) */
    repair_pass pass[REPAIR_MAX_PASSING];
    int np = 0;
    if (nsel == 0) /* a clean frame: the pattern of no flip gives it */
        pass[np++] = (repair_pass){{-1, -1, -1}, 0, 0.0, message_hash(payload, nb)};
    double listed = 0;
    uint8_t scratch[AIS_MAX_PAYLOAD_BITS / 8 + 8];
    for (int i = 0; i < nw; i++) {
        for (int j = i; j < nw; j++) {
            for (int k = j; k < nw; k++) {
                if (j == i && k != i)
                    continue;
                int nk = j == i ? 1 : k == j ? 2 : 3;
                int rk[3] = {i, nk == 2 ? k : j, k};
                double cst = 0;
                for (int t = 0; t < nk; t++)
                    cst += cost[rk[t]];
                listed += exp(-cst);
                int same = nk == nsel;
                for (int t = 0; t < nk && same; t++)
                    same = rk[t] == sel[t];
                uint64_t msg;
                if (same) {
                    msg = message_hash(payload, nb);
                } else {
                    if (cst > s_cost + REPAIR_JUDGE_SPAN || np == REPAIR_MAX_PASSING)
                        continue;
                    int ks[3] = {weak[rk[0]].idx, weak[rk[1]].idx, weak[rk[2]].idx}, end_r = 0;
                    int n = repair_trial(L, M, ks, nk, scratch, &end_r);
                    if (!(n > 0 && ais_hdlc_fields_plausible(scratch, (size_t)n, nk)))
                        continue;
                    msg = message_hash(scratch, n);
                }
                if (np < REPAIR_MAX_PASSING) {
                    repair_pass *q = &pass[np++];
                    memcpy(q->rk, rk, sizeof rk);
                    q->nk = nk;
                    q->cost = cst;
                    q->msg = msg;
                }
            }
        }
    }
    /* Deeper patterns, among the REPAIR_DEEP weakest only: a frame at the sensitivity limit
     * holds four or five symbols near zero, and the true message is then often such a pattern.
     * They are never chosen (the first search stops at two flips) but weigh as rivals or add to
     * the mass of the message they give, and the mass they hold is no longer outside. */
    deep_rivals(L, M, weak, nw, cost, s_cost + REPAIR_JUDGE_SPAN, pass, &np, &listed, scratch);
    judge_verdict(max_flips, pass, np, lp0, listed, v);
}

#ifdef AIS_REPAIR_TRACE
/* Development trace (built only with -DAIS_REPAIR_TRACE): one line per judged repair with what
 * tells a right repair from a wrong one, joined by payload to the scene's verdict. */
static void repair_trace(const ais_channel *c, const link_ctx *L, int n0, int end,
                         const weak_sym *weak, int nw, const repair_verdict *v, int first_nsel,
                         int trials, const uint8_t *payload, int nb)
{
    double sa = 0, s2 = 0;
    int m = 0;
    for (int k = DATA0; k < end && k < L->nbits; k++) {
        double x = fabsf(L->r[k]);
        sa += x, s2 += x * x, m++;
    }
    double a = sa / m, var = s2 / m - a * a, g = 2 * a / var, e = 0, lp0 = 0;
    for (int k = DATA0; k < end && k < L->nbits; k++) {
        double x = g * fabsf(L->r[k]);
        e += 1 / (1 + exp(x));
        lp0 -= log1p(exp(-x));
    }
    fprintf(stderr,
            "RV odds=%.4f cost=%.4f rivals=%d first=%d lag=%d sic=%d cap=%d n0=%d end=%d nb=%d "
            "type=%d flips=%d ri=%d rj=%d rk=%d trials=%d a=%.5f var=%.6f E=%.4f lp0=%.4f w=",
            v->log10_odds, v->cost, v->rivals, first_nsel, L->lag, c->sic_depth, c->cap != NULL, n0,
            end, nb, payload[0] >> 2, v->nsel, v->sel[0], v->nsel > 1 ? v->sel[1] : -1,
            v->nsel > 2 ? v->sel[2] : -1, trials, a, var, e, lp0);
    for (int i = 0; i < nw; i++)
        fprintf(stderr, "%s%.4f", i ? "," : "", weak[i].rel / a);
    fprintf(stderr, " hex=");
    for (int i = 0; i < (nb + 7) / 8; i++)
        fprintf(stderr, "%02x", payload[i]);
    fprintf(stderr, "\n");
}
#endif

/* A frame that passed the CRC unrepaired is wrong when its symbols hold errors that the CRC
 * misses: probability (1 - P0) 2^-15 (see repair_judge) against P0 that it holds none.  Only
 * frames at the sensitivity limit come near the threshold: in 4,051 right clean frames at Eb/N0
 * 2-5.5 dB, 5 had odds below 10^2.5. */
static double clean_log10_odds(const link_ctx *L, int end)
{
    double g = llr_scale(L, end), lp0 = 0;
    if (!(g > 0))
        return INFINITY;
    for (int k = DATA0; k < end && k < L->nbits; k++)
        lp0 -= log1p(exp(-g * fabsf(L->r[k])));
    double q = -expm1(lp0); /* 1 - P0 */
    if (!(q > 0))
        return INFINITY;
    return (lp0 - log(q / 32768.0)) / M_LN10;
}

/* The KW weakest symbols of [DATA0, end) with |r| below L->max_rel (if set), ascending by |r|;
 * returns their number */
static int weak_list(const link_ctx *L, int end, weak_sym *weak)
{
    enum { KW = REPAIR_LIST };
    int nw = 0;
    for (int k = DATA0; k < end && k < L->nbits; k++) {
        weak_sym s = {k, fabsf(L->r[k])};
        if (L->max_rel > 0 && s.rel >= L->max_rel)
            continue;
        /* keep the KW weakest in ascending order: insert, dropping the strongest when full */
        int i;
        if (nw < KW)
            i = nw++;
        else if (s.rel < weak[KW - 1].rel)
            i = KW - 1;
        else
            continue;
        for (; i > 0 && weak[i - 1].rel > s.rel; i--)
            weak[i] = weak[i - 1];
        weak[i] = s;
    }
    return nw;
}

/* What the soft values make of a frame (link_search), before any threshold */
typedef struct {
    int end0;          /* the unrepaired frame's end (burst bit after its end flag; 0 = none) */
    int end;           /* the same for the frame found */
    int nflip, ks[3];  /* symbols (burst bits) the repair flips; 0: passed unrepaired */
    double log10_odds; /* posterior odds against a chance CRC pass; INFINITY: not weighed */
    int skipped;       /* too many errors expected to search a repair */
} link_result;

/* The frame of the hard symbols L->u, or its soft repair: payload bits (>0), or -1 (no end flag
 * and nothing to anchor a repair on), -2 (CRC failed, repair skipped or not found).  L->u is
 * left unrepaired. */
static int link_search(ais_channel *c, link_ctx *L, uint8_t *payload, int end_hint, link_result *R)
{
    int end = 0;
    R->nflip = 0;
    R->log10_odds = INFINITY;
    R->skipped = 0;
    int n = try_frame(L, payload, &end);
    R->end0 = R->end = end;
    if (n > 0 && ais_hdlc_plausible(payload, (size_t)n, 0)) {
        if (L->max_rel == 0)
            R->log10_odds = clean_log10_odds(L, end);
        if (R->log10_odds < CLEAN_JUDGE_BELOW_LOG10_ODDS && c->repair_bits > 0) {
            /* near the threshold a clean frame is judged as a repair of no flips: a pattern
             * of three or more that also passes is a rival message */
            weak_sym weak[REPAIR_LIST];
            int nw = weak_list(L, end, weak);
            repair_map_build(L, c->rmap);
            repair_verdict v;
            repair_judge(0, L, c->rmap, weak, nw, end, NULL, 0, payload, n, &v);
            R->log10_odds = v.log10_odds;
        }
        return n;
    }
    if (c->repair_bits <= 0)
        return -1;
    if (n == -1) {
        if (end_hint <= DATA0) /* no end flag and no end: nothing to anchor a repair on */
            return -1;
        end = end_hint;
    }
    if (L->max_rel == 0 &&
        expected_errors(L, end, REPAIR_MAX_EXPECTED_ERRORS) > REPAIR_MAX_EXPECTED_ERRORS) {
        R->skipped = 1;
        return -2;
    }
    /* least reliable symbols between the data start and the end flag */
    weak_sym weak[REPAIR_LIST];
    int nw = weak_list(L, end, weak);
    repair_map *M = c->rmap;
    repair_map_build(L, M);
#ifdef AIS_REPAIR_TRACE
    int n0 = n;
#endif
    /* the first pass in trial order: each weak symbol alone, then with each weaker-ranked one
     * after it */
    int end0 = end, trials = 0, sel[2] = {0, 0}, nsel = 0;
    int ns = nw < REPAIR_SEARCH ? nw : REPAIR_SEARCH;
    for (int i = 0; i < ns && !nsel && trials < MAX_TRIALS; i++) {
        int ks[2] = {weak[i].idx, 0};
        trials++;
        n = repair_trial(L, M, ks, 1, payload, &end);
        if (n > 0 && repaired_ok(c->stats, payload, n, 1)) {
            sel[0] = i, nsel = 1;
            break;
        }
        for (int j = i + 1; c->repair_bits >= 2 && j < ns && trials < MAX_TRIALS; j++) {
            ks[1] = weak[j].idx;
            trials++;
            n = repair_trial(L, M, ks, 2, payload, &end);
            if (n > 0 && repaired_ok(c->stats, payload, n, 2)) {
                sel[0] = i, sel[1] = j, nsel = 2;
                break;
            }
        }
    }
    if (!nsel)
        return -2;
    repair_verdict v;
    repair_judge(c->repair_bits, L, M, weak, nw, end0, sel, nsel, payload, n, &v);
    if (v.nsel != nsel || v.sel[0] != sel[0] || (nsel > 1 && v.sel[1] != sel[1])) {
        int ks[3];
        for (int t = 0; t < v.nsel; t++)
            ks[t] = weak[v.sel[t]].idx;
        n = repair_trial(L, M, ks, v.nsel, payload, &end);
    }
#ifdef AIS_REPAIR_TRACE
    repair_trace(c, L, n0, end0, weak, nw, &v, nsel, trials, payload, n);
#endif
    R->nflip = v.nsel;
    for (int t = 0; t < v.nsel; t++)
        R->ks[t] = weak[v.sel[t]].idx;
    R->log10_odds = v.log10_odds;
    R->end = end;
    return n;
}

/* A second look at a frame that passed (the CRC unrepaired or after soft repair) with odds
 * below REFIT_BELOW_LOG10_ODDS.
 *
 * The odds above are computed from the demodulator's soft values, whose carrier phase comes
 * from a causal PLL and a smoother that holds symbol k itself: the odds overrate them.  Once a
 * frame has passed, every symbol of the burst is known if it is right, and the channel is
 * re-estimated from them, two-sided, each symbol left out of its own estimate (ais_refit_soft).
 * A right frame agrees with those fresh soft values up to the errors the noise explains; a
 * wrong repair leaves the symbols it flipped (right ones) and the errors it missed
 * contradicting it.  The frame's message is judged afresh: the symbols where the fresh
 * decisions differ from the frame are its error pattern (none: clean_log10_odds; up to three
 * among the REPAIR_LIST weakest: repair_judge, where the message must still be the most
 * probable one); more contradictions rule it out.
 * Returns the fresh log10 odds (-INFINITY: ruled out); ri what they came from.
 *
 * The fresh soft values are no better decided than the first (right frames: 0.97 contradicting
 * symbols on average where the repair flipped 0.97), and their odds are lower (A and s^2 from
 * r b, not |r|): what tells a wrong frame is mostly that its message is ruled out.  Synthesized
 * bursts at Eb/N0 2-7 dB, seeds 1-3 (165,000; ais_per built with -DAIS_REPAIR_TRACE and every
 * frame accepted, SCENE_TRACE=1), frames with odds 10^2.5-10^6: 8 wrong, 56,093 right.  A fresh
 * judgement ruling the message out rejected 3 wrong and 166 right; requiring fresh odds of 10^2
 * as well, 4 wrong and 355 right (10^2.5: 5 wrong and 1,224 right, most near the 50 % point);
 * looking again only below first odds of 10^4, 4 wrong and 328 right.  Checked on scenes not
 * used to choose (ais_per 288000 2 7 0.5 5000 1000 seed=11, 12, 13): wrong frames 2 -> 1 in
 * 165,000, decoded 71,415 -> 71,123; rxcheck.py --run wrong --scenes 120 (bursts of the
 * independent generator, 2.5-5 dB): 8 -> 3 in 120,000; the 50 % / 90 % points moved by
 * +0.00 / +0.03 dB (dsp_bench --run per) and +0.02 / +0.00 dB (rxcheck.py --run per). */
#define REFIT_W 16 /* symbols each side of the re-estimated channel */
#define REFIT_BELOW_LOG10_ODDS 4.0
/* Development builds may set it (-DREFIT_MIN_LOG10_ODDS=-INFINITY accepts every frame) */
#ifndef REFIT_MIN_LOG10_ODDS
#define REFIT_MIN_LOG10_ODDS 2.0
#endif
typedef struct {
    int ns;      /* fresh decisions contradicting the frame */
    double g;    /* fresh LLR scale */
    double cost; /* the fresh judgement's cost of the frame's pattern (-1: not judged) */
    int rivals;  /* its passing patterns giving another message (-1: not judged) */
} refit_info;

static double link_refit(ais_channel *c, const link_ctx *L, int end, const uint8_t *payload, int nb,
                         refit_info *ri)
{
    float r2[DATA0 + MAX_DATA];
    int8_t u2[DATA0 + MAX_DATA];
    int k1 = end < L->nbits ? end : L->nbits;
    int *ns = &ri->ns;
    *ns = 0;
    ri->g = 0;
    ri->cost = -1;
    ri->rivals = -1;
    if (k1 < DATA0 + 8)
        return -INFINITY;
    double g = ais_refit_soft(L->mk, L->u, TB0, DATA0, k1, REFIT_W, r2);
    ri->g = g;
    if (!(g > 0))
        return -INFINITY;
    memcpy(u2, L->u, (size_t)L->nbits);
    memcpy(r2 + k1, L->r + k1, (size_t)(L->nbits - k1) * sizeof *r2);
    int sk[3];
    for (int k = DATA0; k < k1; k++) {
        u2[k] = r2[k] >= 0 ? 1 : -1;
        if (u2[k] != L->u[k]) {
            if (*ns < 3)
                sk[*ns] = k;
            ++*ns;
        }
    }
    link_ctx L2 = {r2, u2, L->lag, L->nbits, 0, NULL, g};
    if (*ns == 0)
        return clean_log10_odds(&L2, end);
    if (*ns > 3)
        return -INFINITY;
    weak_sym weak[REPAIR_LIST];
    int nw = weak_list(&L2, end, weak), sel[3], nsel = 0;
    for (int i = 0; i < nw; i++) /* ascending ranks */
        for (int t = 0; t < *ns; t++)
            if (weak[i].idx == sk[t])
                sel[nsel++] = i;
    if (nsel != *ns)
        return -INFINITY;
    repair_verdict v;
    repair_map_build(&L2, c->rmap);
    repair_judge(3, &L2, c->rmap, weak, nw, end, sel, nsel, payload, nb, &v);
    ri->cost = v.cost;
    ri->rivals = v.rivals;
    if (v.msg != message_hash(payload, nb))
        return -INFINITY;
    return v.log10_odds;
}

/* Returns payload bits (>0) with *flips set and *end_out the burst bit after the end flag, or
 * <= 0.  end_hint (0 = none): where the burst ended by its power, so that a frame whose end flag
 * was hit by an error is still repaired (flag errors are as likely as any other; on a one-slot
 * message they are a twentieth of all single errors). */
static int link_decode(ais_channel *c, link_ctx *L, uint8_t *payload, int *flips, int *end_out,
                       int end_hint)
{
    link_result R;
    int n = link_search(c, L, payload, end_hint, &R);
    *flips = 0;
    *end_out = R.end0;
    if (R.skipped)
        c->stats->repair_skipped++;
    if (n <= 0)
        return n;
    /* Frames decoded from a residual or under a soft cancellation keep the checks they had
     * (field checks, the pair's SNR floor): their soft values hold what is left of the other
     * burst, not Gaussian noise, and the odds rejected right ones (test_dsp_demod, pairs 3 dB
     * apart: 20 of 60 stronger bursts decoded with the odds applied there, 26 without).  Nor are
     * the discriminator's unrepaired frames weighed. */
    int judged = !c->sic_depth && !c->cap;
    uint64_t *rejected = R.nflip ? &c->stats->repair_rejected : &c->stats->clean_rejected;
    double spare_lr = ais_hdlc_spare_log10_lr(payload, (size_t)n);
    R.log10_odds += spare_lr;
    if (judged && (R.nflip || L->max_rel == 0) && !(R.log10_odds >= REPAIR_MIN_LOG10_ODDS)) {
        ++*rejected;
        return -2;
    }
    for (int t = 0; t < R.nflip; t++)
        L->u[R.ks[t]] = (int8_t)-L->u[R.ks[t]];
    if (judged && L->mk && R.log10_odds < REFIT_BELOW_LOG10_ODDS) { /* not INFINITY */
        /* Every message is filled to whole octets (M.1371-5: the byte boundary rule its message
         * tables keep with spare bits); a repaired frame is held to it by the field checks.
         * Near the threshold a clean frame that breaks it is a chance CRC pass, not a
         * transmitter's slip: one of the three wrong frames in 120,000 bursts at Eb/N0
         * 2.5-5 dB (rxcheck.py --run wrong) was a position report of 167 bits. */
        if (n % 8) {
            for (int t = 0; t < R.nflip; t++)
                L->u[R.ks[t]] = (int8_t)-L->u[R.ks[t]];
            ++*rejected;
            return -2;
        }
        refit_info ri;
        double odds = link_refit(c, L, R.end, payload, n, &ri) + spare_lr;
#ifdef AIS_REPAIR_TRACE
        fprintf(stderr,
                "RF odds0=%.4f odds1=%.4f flips=%d ns=%d end=%d nb=%d g0=%.4f g1=%.4f cost1=%.4f "
                "rivals1=%d hex=",
                R.log10_odds, odds, R.nflip, ri.ns, R.end, n, llr_scale(L, R.end), ri.g, ri.cost,
                ri.rivals);
        for (int i = 0; i < (n + 7) / 8; i++)
            fprintf(stderr, "%02x", payload[i]);
        fprintf(stderr, "\n");
#endif
        if (!(odds >= REFIT_MIN_LOG10_ODDS)) {
            for (int t = 0; t < R.nflip; t++)
                L->u[R.ks[t]] = (int8_t)-L->u[R.ks[t]];
            ++*rejected;
            return -2;
        }
    }
    *flips = R.nflip;
    *end_out = R.end;
    return n;
}

/* ---------------------------------------------------------------------------------------- */

static int duplicate(ais_channel *c, uint64_t start, const uint8_t *payload, int nb)
{
    uint16_t h = 0xFFFF;
    for (int i = 0; i < (nb + 7) / 8; i++) {
        h ^= payload[i];
        h = (uint16_t)(h * 31 + 7);
    }
    h ^= (uint16_t)nb;
    for (int i = 0; i < c->nrecent; i++) {
        uint64_t s = c->recent[i].start;
        uint64_t dt = s > start ? s - start : start - s;
        if (c->recent[i].crc == h && dt < 40 * SPS)
            return 1;
    }
    int slot = c->nrecent < 16 ? c->nrecent++ : (int)(start % 16);
    c->recent[slot].start = start;
    c->recent[slot].crc = h;
    return 0;
}

/* 1 when the frame went out, 0 when it was a duplicate */
static int deliver(ais_channel *c, double start_bit0, int end_bit, const uint8_t *payload, int nb,
                   int flips, double level_db, double snr_db, double f_hz)
{
    uint64_t start = (uint64_t)llround(start_bit0 + AIS_RAMP_BITS * SPS);
    if (duplicate(c, start, payload, nb)) {
        c->stats->duplicates++;
        return 0;
    }
    ais_demod_frame f;
    memset(&f, 0, sizeof f);
    f.channel = c->label;
    f.start_sample = start;
    f.level_dbfs = level_db;
    f.snr_db = snr_db;
    f.freq_offset_hz = f_hz;
    f.freq_offset_ppm = f_hz / c->channel_hz * 1e6;
    f.repaired = flips;
    f.nbits = (size_t)nb;
    memcpy(f.bits, payload, (size_t)(nb + 7) / 8);
    c->stats->frames++;
    c->claim_from = (uint64_t)(start_bit0 > 0 ? start_bit0 : 0);
    /* the claim ends where the burst did (its end flag, found by the deframer): slot-packed
     * traffic puts the next burst's ramp 16-24 bits later, and a claim reaching into it would
     * suppress that burst's preamble */
    c->claim_to = (uint64_t)(start_bit0 + (end_bit + CLAIM_TAIL_BITS) * SPS);
    c->claim_rho = c->cur_rho;
    if (flips)
        c->stats->repaired++;
    if (c->sic_depth)
        c->stats->sic_decodes++;

    c->emit(c->ctx, &f);
    return 1;
}

/* |z| by the square root instruction: cabsf is hypotf in libm, overflow-safe but slow, and
 * the symbol-rate loops below call it for every symbol (10 % of the CPU on weak traffic) */
static inline float fast_abs(float complex z)
{
    return sqrtf(crealf(z) * crealf(z) + cimagf(z) * cimagf(z));
}

typedef float v8f __attribute__((vector_size(8 * sizeof(float))));
typedef float v4f __attribute__((vector_size(4 * sizeof(float))));
_Static_assert(NT % 8 == 0, "the detector correlates NT bits in vectors of 8");

/* a vector from 8 floats anywhere (unaligned); a macro, as a function returning a vector wider
 * than the baseline's registers draws an ABI note */
#define V8_LOAD(v, p) memcpy(&(v), (p), sizeof(v8f))

static inline float complex cbuf(const ais_channel *c, int64_t i)
{
    int64_t k = i - (int64_t)c->base;
    return (k >= 0 && k < (int64_t)c->len) ? c->xc[k] : 0;
}

/* The coherent preamble search of a candidate at every timing shift at once.  The window is
 * derotated once at the detector's frequency w0, z[PRE_PAD + m] = x[sb + TB0 SPS + m]
 * exp(-j w0 m); the correlation at start sb + ds and frequency w0 + 2 pi b / 5
 * (branch b, 9600 Hz apart) is then sum_i z[PRE_PAD + ds + i] t_i twiddle(b i) times a phase
 * factor of modulus 1 (TB0 SPS is a multiple of 5), so its magnitude, and the phase difference
 * of its two halves, follow from partial sums by i modulo 5 for each shift, computed in lanes
 * over the shifts (the timing search of every candidate, rotating the samples anew for each
 * shift, was a third of the receiver's CPU on dense weak traffic). */
#define PRE_PAD 5    /* shifts: +-3 searched, then +-1 beyond the fine search for the parabola */
#define PRE_LANES 12 /* shifts ds = lane - PRE_PAD */
typedef struct {
    float zr[NT * SPS + PRE_LANES], zi[NT * SPS + PRE_LANES]; /* the window, zeros after it */
    double w0;
    int pol;
    float pr[SPS][PRE_LANES], pi[SPS][PRE_LANES]; /* partial sums over the whole template */
    float hr[SPS][PRE_LANES], hi[SPS][PRE_LANES]; /* the same over its first half */
} pre_win;

DSP_CLONES
static void pre_search(const ais_channel *c, pre_win *P, int64_t sb, double w0, int pol)
{
    enum { NZ = NT * SPS + PRE_LANES };
    float *zr = P->zr, *zi = P->zi;
    int n = T.nw + PRE_LANES - 1;
    P->w0 = w0;
    P->pol = pol;
    int64_t i0 = sb + TB0 * SPS - PRE_PAD;
    int64_t b = i0 - (int64_t)c->base;
    int inside = b >= 0 && b + n <= (int64_t)c->len;
    float complex rot = (float complex)cexp(I * w0 * PRE_PAD);
    const float complex step = (float complex)cexp(-I * w0);
    for (int q = 0; q < n; q++) {
        float complex x = (inside ? c->xc[b + q] : cbuf(c, i0 + q)) * rot;
        zr[q] = crealf(x);
        zi[q] = cimagf(x);
        rot *= step;
    }
    for (int q = n; q < NZ; q++)
        zr[q] = zi[q] = 0;
    const float *tr = T.tr[pol > 0], *ti = T.ti[pol > 0];
    float ar[SPS][PRE_LANES] = {{0}}, ai[SPS][PRE_LANES] = {{0}};
    for (int i = 0, r = 0; i < T.nw; i++) {
        const float ta = tr[i], tb = ti[i];
        const float *xr = zr + i, *xi = zi + i;
        for (int l = 0; l < PRE_LANES; l++) {
            ar[r][l] += xr[l] * ta - xi[l] * tb;
            ai[r][l] += xr[l] * tb + xi[l] * ta;
        }
        if (i + 1 == T.nw / 2) {
            memcpy(P->hr, ar, sizeof ar);
            memcpy(P->hi, ai, sizeof ai);
        }
        if (++r == SPS)
            r = 0;
    }
    memcpy(P->pr, ar, sizeof ar);
    memcpy(P->pi, ai, sizeof ai);
}

/* The coherent preamble correlation at start sb + ds (|ds| <= PRE_PAD) and any frequency w
 * (rad/sample), from the window:
 * e^(j (w0 ds - TB0 SPS w)) sum_i z[PRE_PAD + ds + i] t_i e^(-j (w - w0) i), in vector lanes */
DSP_CLONES
static float complex pre_at_freq(const pre_win *P, int ds, double w)
{
    const float *tr = T.tr[P->pol > 0], *ti = T.ti[P->pol > 0]; /* zeros after nw */
    const float *zr = P->zr + PRE_PAD + ds, *zi = P->zi + PRE_PAD + ds;
    double dw = w - P->w0;
    v8f rr, ri, sr, si, acr = {0}, aci = {0};
    double complex r = 1, e1 = cexp(-I * dw); /* lane l starts at e^(-j dw l) */
    for (int l = 0; l < 8; l++) {
        rr[l] = (float)creal(r);
        ri[l] = (float)cimag(r);
        r *= e1;
    }
    for (int l = 0; l < 8; l++) { /* and steps by e^(-j 8 dw) */
        sr[l] = (float)creal(r);
        si[l] = (float)cimag(r);
    }
    for (int i = 0; i < T.nw; i += 8) {
        v8f a, b, ta, tb;
        V8_LOAD(a, zr + i);
        V8_LOAD(b, zi + i);
        V8_LOAD(ta, tr + i);
        V8_LOAD(tb, ti + i);
        v8f qr = a * ta - b * tb, qi = a * tb + b * ta;
        acr += qr * rr - qi * ri;
        aci += qr * ri + qi * rr;
        v8f nr = rr * sr - ri * si;
        ri = rr * si + ri * sr;
        rr = nr;
    }
    float sre = 0, sim = 0;
    for (int l = 0; l < 8; l++) {
        sre += acr[l];
        sim += aci[l];
    }
    return (sre + I * sim) * (float complex)cexp(I * (P->w0 * ds - TB0 * SPS * w));
}

/* The correlation at shift ds (|ds| <= PRE_PAD) of branch b (-1, 0, 1) from partial sums;
 * half: 0 whole template, 1 its first half, 2 its second half */
static float complex pre_at(const pre_win *P, int ds, int b, int half)
{
    int l = ds + PRE_PAD;
    float complex acc = 0;
    for (int r = 0; r < SPS; r++) {
        float re = half == 1 ? P->hr[r][l] : P->pr[r][l];
        float im = half == 1 ? P->hi[r][l] : P->pi[r][l];
        if (half == 2) {
            re -= P->hr[r][l];
            im -= P->hi[r][l];
        }
        acc += (re + I * im) * T.twiddle[(b * r % SPS + SPS) % SPS];
    }
    return acc;
}

static inline float abs2(float complex z)
{
    return crealf(z) * crealf(z) + cimagf(z) * cimagf(z);
}

/* The burst bit just after the end flag as seen in the symbol power |mk|^2 (the end flag is
 * followed by the 8-bit power ramp-down), or 0 when the power shows no clear end inside nbits:
 * windows of 16 symbols, the first whose mean is below the midpoint between the preamble's
 * power and the quietest window's.  Pure noise has no step of 3x (4.8 dB), a burst at Eb/N0
 * 3 dB one of ~5x. */
static int burst_end_bit(const float complex *mk, int k_first, int nbits)
{
    enum { WE = 16 };
    if (nbits < DATA0 + 2 * WE)
        return 0;
    double pre = 0;
    for (int k = k_first; k < DATA0; k++)
        pre += crealf(mk[k]) * crealf(mk[k]) + cimagf(mk[k]) * cimagf(mk[k]);
    pre /= DATA0 - k_first;
    double w = 0, lo = 1e300;
    for (int k = DATA0; k < nbits; k++) {
        w += crealf(mk[k]) * crealf(mk[k]) + cimagf(mk[k]) * cimagf(mk[k]);
        if (k >= DATA0 + WE)
            w -= crealf(mk[k - WE]) * crealf(mk[k - WE]) + cimagf(mk[k - WE]) * cimagf(mk[k - WE]);
        if (k >= DATA0 + WE - 1 && w < lo)
            lo = w;
    }
    lo /= WE;
    if (!(pre > 3 * lo))
        return 0;
    double thr = 0.5 * (pre + lo) * WE;
    w = 0;
    for (int k = DATA0; k < nbits; k++) {
        w += crealf(mk[k]) * crealf(mk[k]) + cimagf(mk[k]) * cimagf(mk[k]);
        if (k >= DATA0 + WE)
            w -= crealf(mk[k - WE]) * crealf(mk[k - WE]) + cimagf(mk[k - WE]) * cimagf(mk[k - WE]);
        if (k >= DATA0 + WE - 1 && w < thr)
            return k - WE / 2 + 1; /* window [k - WE + 1, k]: half burst, half after it */
    }
    return 0;
}

/* Follows the tuning error with each clean frame's carrier offset (stations scatter by their
 * own +-500 Hz tolerance around it, so the mean of several is taken) and moves the detector's
 * centre when it is far enough off to matter. */
static void track_offset(ais_channel *c, double f_hz)
{
    double a = c->track_n < TRACK_FRAMES ? 1.0 / ++c->track_n : 1.0 / TRACK_FRAMES;
    c->track_hz += a * (f_hz - c->track_hz);
    float shift = fabs(c->track_hz) >= DET_SHIFT_FROM_HZ ? (float)c->track_hz : 0.0f;
    if (fabsf(shift - c->det_shift_hz) > DET_SHIFT_STEP_HZ ||
        (shift == 0) != (c->det_shift_hz == 0)) {
        c->det_shift_hz = shift;
        c->det_step = (float complex)cexp(-I * 2 * M_PI * shift / AIS_CH_RATE_HZ);
    }
}

static void sic_run(ais_channel *c, double s0, double w, int pol, const uint8_t *payload, int nb);
static void sic_pair(ais_channel *c, const candidate *cd);

/* A stronger candidate still pending just after cd: cd is the detector's early answer to a
 * burst's periodic training sequence, not a burst of its own. */
static int sic_true_preamble_follows(const ais_channel *c, const candidate *cd)
{
    for (size_t j = 0; j < c->npend; j++)
        if (c->pend[j].n > cd->n && c->pend[j].n - cd->n <= SIC_PAIR_EARLY_BITS * SPS &&
            c->pend[j].rho > cd->rho)
            return 1;
    return 0;
}

/* The C0 matched filter at symbols [from, to) into mk, the carrier removed by recurrence
 * (continued from call to call) */
#define MF_FLOATS 56 /* the 2 C0_HALF + 1 complex taps as floats, padded to vectors of 8 */
_Static_assert(MF_FLOATS >= 2 * (2 * C0_HALF + 1) && MF_FLOATS % 8 == 0, "MF_FLOATS");
typedef struct {
    const float complex *hc; /* taps with the carrier's frequency, 2 C0_HALF + 1 */
    /* the same for interleaved I/Q samples: real and imaginary part of each tap twice */
    float hre[MF_FLOATS], him[MF_FLOATS];
    double s0;            /* start of the ramp-up, channel samples */
    float complex derot0; /* the preamble's phase removed */
    int cum_a;            /* sum of the preamble's levels */
    float complex carrier, cstep;
} mf_state;

DSP_CLONES
static void mf_symbols(const ais_channel *c, mf_state *m, int from, int to, float complex *mk)
{
    const float complex *hc = m->hc;
    for (int k = from; k < to; k++) {
        double tk = m->s0 + SPS * (k + 1);
        int64_t i0 = (int64_t)floor(tk);
        float complex acc = 0;
        int64_t b = i0 - C0_HALF - (int64_t)c->base;
        if (b >= 0 && b + MF_FLOATS / 2 <= (int64_t)c->len) {
            /* x h = (xr hr - xi hi) + j (xr hi + xi hr): lanes of x times the real parts and
             * times the imaginary parts, the pairs combined at the end */
            const float *xv = (const float *)(c->xc + b);
            v8f a = {0}, bb = {0};
            for (int i = 0; i < MF_FLOATS; i += 8) {
                v8f x, hr, hi;
                V8_LOAD(x, xv + i);
                V8_LOAD(hr, m->hre + i);
                V8_LOAD(hi, m->him + i);
                a += x * hr;
                bb += x * hi;
            }
            float re = (a[0] + a[2]) + (a[4] + a[6]) - ((bb[1] + bb[3]) + (bb[5] + bb[7]));
            float im = (a[1] + a[3]) + (a[5] + a[7]) + ((bb[0] + bb[2]) + (bb[4] + bb[6]));
            acc = re + I * im;
        } else {
            for (int i = -C0_HALF; i <= C0_HALF; i++)
                acc += cbuf(c, i0 + i) * hc[i + C0_HALF];
        }
        /* remove the carrier (frequency before the filter through hc, phase from P) and
         * j^(cum) */
        int rot = ((m->cum_a + (k - (DATA0 - 1))) % 4 + 4) % 4; /* ref_k = j^(cumA + k - 39) */
        static const float complex jr[4] = {1, -I, -1, I};      /* conj(j^rot) */
        mk[k] = acc * m->derot0 * m->carrier * jr[rot];
        m->carrier *= m->cstep;
        if ((k & 31) == 31)
            m->carrier /= fast_abs(m->carrier);
    }
}

/* pass 1 of the carrier phase: second-order decision-directed PLL over symbols [from, to),
 * trained on the preamble (known), state carried from call to call; hard decisions into c->u,
 * the loop's phase step after each symbol into c->nu.  It removes what the preamble frequency
 * estimate left (an error of 10 Hz turns the phase by 70 degrees over a one-slot message). */
typedef struct {
    float complex ph;
    float nu;
} pll_state;

DSP_CLONES
static void pll_run(ais_channel *c, pll_state *s, const int8_t *known, int from, int to)
{
    const float a1 = 0.12f, a2 = 0.004f;
    float complex ph = s->ph;
    float nu = s->nu;
    for (int k = from; k < to; k++) {
        float complex v = c->mk[k] * conjf(ph);
        int8_t d = k < DATA0 ? known[k] : (crealf(v) >= 0 ? 1 : -1);
        c->u[k] = d;
        float e = cimagf(v) * d / (fast_abs(v) + 1e-20f);
        nu += a2 * e;
        c->nu[k] = nu;
        float dphi = a1 * e + nu;
        /* small steps: exp(j dphi) to first order; |ph| grows by sqrt(1 + dphi^2) a step,
         * which neither the decisions nor e (normalised by |v|) see, so it is renormalised
         * only every 16 symbols */
        ph *= 1 + I * dphi;
        if ((k & 15) == 15)
            ph /= fast_abs(ph);
    }
    s->ph = ph;
    s->nu = nu;
}

/* pass 2: the carrier phase of each symbol from a centred window of +-SMOOTH_W symbols as the
 * PLL decided them (c->u over [k_first, avail)), which is unbiased under a residual frequency
 * ramp; soft values c->r and decisions c->u for symbols [k_first, to), the window cut at
 * nbits.  Returns the template symbols decided against the known ones, which are then forced. */
static int smooth_symbols(ais_channel *c, const int8_t *known, int k_first, int avail, int nbits,
                          int to)
{
    enum { W = SMOOTH_W };
    const float complex *mk = c->mk;
    float complex *ud = c->ud;
    float *r = c->r;
    int8_t *u = c->u;
    float complex run = 0;
    for (int k = k_first; k < avail; k++)
        ud[k] = mk[k] * u[k];
    for (int k = k_first; k < k_first + W && k < nbits; k++)
        run += ud[k];
    for (int k = k_first; k < to; k++) {
        if (k + W < nbits)
            run += ud[k + W];
        if (k - W - 1 >= k_first)
            run -= ud[k - W - 1];
        float complex ph = run / (fast_abs(run) + 1e-20f);
        r[k] = crealf(mk[k] * conjf(ph));
        u[k] = r[k] >= 0 ? 1 : -1;
    }
    /* template symbols are known: count disagreements (the gate), then force them */
    int errors = 0;
    for (int k = k_first; k < DATA0 && k < to; k++) {
        if (u[k] != known[k])
            errors++;
        u[k] = known[k];
    }
    return errors;
}

/* Mean and variance of |r_k| over a burst's symbols [from, to): its level and the spread the
 * noise (and anything else on the air) gives its soft values. */
static void soft_spread(const float *r, int from, int to, double *mean, double *var)
{
    double sum_r = 0, sum_r2 = 0;
    for (int k = from; k < to; k++) {
        sum_r += fabsf(r[k]);
        sum_r2 += r[k] * r[k];
    }
    int n = to - from;
    *mean = n > 0 ? sum_r / n : 0;
    *var = n > 0 ? sum_r2 / n - *mean * *mean : 0;
}

/* The SNR in 25 kHz (Eb/N0 - 4.16 dB) of soft values with this level and spread. */
static double soft_snr_db(double mean, double var)
{
    double ebn0 = var > 0 ? mean * mean / (2 * var) : 1e6;
    return 10 * log10(ebn0 * C0_EBN0_CAL) - 4.16;
}

static void decode_complex(ais_channel *c, const candidate *cd)
{
    c->stats->candidates++;
    /* detector peak n: the template's last bit end (burst bit 40) passed the detector then */
    double s0_est = (double)cd->n - (DET_TAPS - 1) / 2.0 - DATA0 * SPS;
    double f0 = cargf(cd->c) / (2 * M_PI) * BIT_RATE_HZ + cd->shift_hz;
    /* branch search over f0 + m 9600 Hz, timing +-3 samples */
    double best = -1, best_f = 0;
    int best_s = 0, best_m = 0;
    float complex best_p = 0;
    int pol = cd->pol;
    double w0 = 2 * M_PI * f0 / AIS_CH_RATE_HZ;
    int64_t sb = (int64_t)llround(s0_est);
    pre_win pw;
    pre_search(c, &pw, sb, w0, pol);
    for (int ds = -3; ds <= 3; ds++) {
        for (int m = -1; m <= 1; m++) {
            double f = f0 + m * 9600.0;
            if (fabs(f) > c->max_off_hz + 600)
                continue;
            float complex p = pre_at(&pw, ds, m, 0);
            float a = abs2(p);
            if (a > best) {
                best = a, best_f = f, best_s = (int)ds, best_m = m, best_p = p;
            }
        }
    }
    /* Far off tune the detector's +-10 kHz pre-filter cuts one side of the burst's spectrum
     * and biases f0 by up to ~600 Hz, beyond the +-400 Hz that the half-preamble refinement
     * below resolves (at 60 ppm and Eb/N0 10 dB a third of the bursts were lost so).  There a
     * finer grid around the chosen branch is searched coherently. */
    int on_grid = 1; /* best_f is a branch of the window's frequency */
    if (fabs(best_f) > FINE_SEARCH_FROM_HZ) {
        double f_c = best_f;
        int s_c = best_s;
        for (int ds = s_c - 1; ds <= s_c + 1; ds++) {
            for (int g = -FINE_STEPS; g <= FINE_STEPS; g++) {
                if (g == 0 && ds == s_c)
                    continue;
                double f = f_c + g * FINE_STEP_HZ;
                float complex p = pre_at_freq(&pw, ds, 2 * M_PI * f / AIS_CH_RATE_HZ);
                float a = abs2(p);
                if (a > best) {
                    best = a, best_f = f, best_s = ds, best_p = p, on_grid = g == 0;
                }
            }
        }
    }
    int64_t s0i = sb + best_s;
    double w = 2 * M_PI * best_f / AIS_CH_RATE_HZ;
    /* fractional timing by a parabola through the neighbours */
    float am, ap;
    if (on_grid) {
        am = fast_abs(pre_at(&pw, best_s - 1, best_m, 0));
        ap = fast_abs(pre_at(&pw, best_s + 1, best_m, 0));
    } else {
        am = fast_abs(pre_at_freq(&pw, best_s - 1, w));
        ap = fast_abs(pre_at_freq(&pw, best_s + 1, w));
    }
    float a0 = fast_abs(best_p);
    double mu = 0;
    if (2 * a0 - am - ap > 0)
        mu = 0.5 * (ap - am) / (2 * a0 - am - ap);
    if (mu > 0.5)
        mu = 0.5;
    if (mu < -0.5)
        mu = -0.5;
    /* frequency refinement from the two halves of the preamble */
    {
        float complex h1 = 0, h2 = 0;
        if (on_grid) {
            h1 = pre_at(&pw, best_s, best_m, 1);
            h2 = pre_at(&pw, best_s, best_m, 2);
        } else {
            float complex rot = (float complex)cexp(-I * w * (TB0 * SPS));
            float complex step = (float complex)cexp(-I * w);
            for (int i = 0; i < T.nw; i++) {
                float complex v = cbuf(c, s0i + TB0 * SPS + i) * rot * (pol > 0 ? T.wc : T.w)[i];
                if (i < T.nw / 2)
                    h1 += v;
                else
                    h2 += v;
                rot *= step;
            }
        }
        double dphi = carg(h2 * conjf(h1));
        best_f += dphi / (2 * M_PI * (T.nw / 2.0) / AIS_CH_RATE_HZ);
        w = 2 * M_PI * best_f / AIS_CH_RATE_HZ;
    }
    double s0 = (double)s0i + mu;
    float complex P = pre_at_freq(&pw, best_s, w);
    /* coherent gate: |P|^2 / (energy * length) is 1 for a clean preamble, ~1/120 on noise */
    {
        double en = 0;
        for (int i = 0; i < T.nw; i++) {
            float complex v = cbuf(c, s0i + TB0 * SPS + i);
            en += crealf(v) * crealf(v) + cimagf(v) * cimagf(v);
        }
        double qc =
            en > 0 ? (double)(crealf(P) * crealf(P) + cimagf(P) * cimagf(P)) / (en * T.nw) : 0;
        if (qc < COHERENT_GATE) {
            c->stats->gated++;
            return;
        }
    }
    /* matched filter taps for this burst's fractional timing: sample m_k at s0 + 5 (k + 1) */
    float h[2 * C0_HALF + 1];
    double frac = s0 - floor(s0);
    for (int i = -C0_HALF; i <= C0_HALF; i++) {
        /* tap for sample at integer offset i from floor(t_k): t_k - sample = frac - i */
        double tb = (frac - i) / SPS + (GMSK_SPAN + 1) / 2.0;
        double x = tb * C0_RES;
        float v = 0;
        if (x >= 0 && x < (GMSK_SPAN + 1) * C0_RES) {
            int ix = (int)x;
            float fr = (float)(x - ix);
            v = T.c0[ix] * (1 - fr) + T.c0[ix + 1] * fr;
        }
        h[i + C0_HALF] = v;
    }
    int avail = (int)(((double)(c->base + c->len) - s0 - C0_HALF) / SPS) - 1;
    int nbits_all = DATA0 + MAX_DATA;
    if (nbits_all > avail)
        nbits_all = avail;
    if (nbits_all < DATA0 + 40)
        return;
    int nbits = nbits_all < FIRST_BITS ? nbits_all : FIRST_BITS;
    int refined = 0;
    int mk_done = 0; /* matched-filter outputs already computed for this frequency */
again:;
    /* complex taps: the carrier is removed before the matched filter, which is narrower than
     * a 10 kHz offset */
    float complex hc[2 * C0_HALF + 1];
    {
        double complex rot = cexp(I * w * C0_HALF), step = cexp(-I * w);
        for (int i = -C0_HALF; i <= C0_HALF; i++) {
            hc[i + C0_HALF] = h[i + C0_HALF] * (float complex)rot;
            rot *= step;
        }
    }
    float complex *mk = c->mk;
    float *r = c->r;
    int8_t *u = c->u;
    int k_first = TB0;
    float complex derot0 = (float complex)cexp(-I * carg(P));
    int cumA = pol > 0 ? T.cum40 : -T.cum40;
    double sig_pow = 0;
    /* the carrier at symbol k: exp(-j w (i0_k - s0)) with i0_k - s0 = SPS (k + 1) - frac, by
     * recurrence (renormalised now and then) */
    /* a longer pass at the same frequency keeps the outputs of the shorter one */
    int k_mf = mk_done > k_first ? mk_done : k_first;
    mf_state mf = {.hc = hc,
                   .s0 = s0,
                   .derot0 = derot0,
                   .cum_a = cumA,
                   .carrier = (float complex)cexp(-I * w * ((double)(SPS * (k_mf + 1)) - frac)),
                   .cstep = (float complex)cexp(-I * w * SPS)};
    for (int i = 0; i < MF_FLOATS / 2; i++) {
        float complex t = i <= 2 * C0_HALF ? hc[i] : 0;
        mf.hre[2 * i] = mf.hre[2 * i + 1] = crealf(t);
        mf.him[2 * i] = mf.him[2 * i + 1] = cimagf(t);
    }
    /* known preamble symbols: b_39 = +1 by construction, b_(k-1) = b_k level_k */
    int8_t known[DATA0];
    {
        int b = 1;
        for (int k = DATA0 - 1; k >= k_first; k--) {
            known[k] = (int8_t)b;
            b *= pol * T.lev[k];
        }
    }
    /* The template gate first, on the symbols it needs: the PLL is causal and the smoother
     * reaches SMOOTH_W symbols ahead, so the template symbols come out as from the whole pass, and
     * a candidate that fails the gate (a noise peak, the detector's early answer to a training
     * sequence) costs 52 symbols instead of 280 or more. */
    int k_gate = DATA0 + SMOOTH_W < nbits ? DATA0 + SMOOTH_W : nbits;
    pll_state pll = {1, 0};
    mf_symbols(c, &mf, k_mf, k_gate, mk);
    pll_run(c, &pll, known, k_first, k_gate);
    int errors = smooth_symbols(c, known, k_first, k_gate, nbits, DATA0);
    if (errors > GATE_ERRORS)
        return;
    mf_symbols(c, &mf, k_mf > k_gate ? k_mf : k_gate, nbits, mk);
    mk_done = nbits;
    pll_run(c, &pll, known, k_gate, nbits);
    smooth_symbols(c, known, k_first, nbits, nbits, nbits);
    link_ctx L = {r, u, 2, nbits, 0, mk, 0};
    uint8_t payload[AIS_MAX_PAYLOAD_BITS / 8 + 8];
    int flips = 0;
    int end_bit = 0;
    /* The power's end, on the first (short) pass too: a burst that visibly ended inside it
     * (its end flag hit by an error) is repaired here, not demodulated again to MAX_DATA;
     * a longer message shows no quiet window in the first pass and gets 0. */
    int end_hint = burst_end_bit(mk, k_first, nbits);
    int nb = link_decode(c, &L, payload, &flips, &end_bit, end_hint);
    if (nb == -1 && nbits < nbits_all && !(end_hint > 0 && end_hint < nbits - 16)) {
        nbits = nbits_all; /* no end flag yet: a longer message */
        goto again;
    }
    if (nb <= 0 && !refined) {
        /* The preamble's frequency estimate is off by 50-100 Hz now and then at low SNR (its
         * standard deviation is ~30 Hz at Eb/N0 5 dB); the PLL then pulls in only after the
         * first 20-40 data bits, which are lost.  What the PLL learned by the end of the burst
         * corrects the frequency for a second pass. */
        int kk = end_bit > DATA0 + 8    ? end_bit - 8
                 : end_hint > DATA0 + 8 ? end_hint - 8
                                        : nbits - 1;
        double df = c->nu[kk] / (2 * M_PI) * BIT_RATE_HZ;
        if (fabs(df) >= REFINE_MIN_HZ && fabs(df) <= REFINE_MAX_HZ) {
            refined = 1;
            best_f += df;
            w = 2 * M_PI * best_f / AIS_CH_RATE_HZ;
            mk_done = 0;
            P = pre_at_freq(&pw, best_s, w);
            goto again;
        }
    }
    if (nb <= 0) {
        if (nb == -2)
            c->stats->crc_fail++;
        /* A strong burst that failed with its symbols spread by something else on the air: the
         * pair may come apart by cancelling each in turn (sic_pair). */
        if (c->cap || (c->sic && !c->sic_depth)) {
            int kend = end_bit > DATA0 ? end_bit : nbits;
            double sa = 0, s2 = 0;
            for (int k = DATA0; k < kend; k++)
                sa += fabsf(r[k]), s2 += r[k] * r[k];
            double a = sa / (kend - DATA0), v = s2 / (kend - DATA0) - a * a;
            double hh = 0;
            for (int i = 0; i <= 2 * C0_HALF; i++)
                hh += h[i] * h[i];
            double nv = c->noise_pow / 2 * hh;
            if (!(v > 0))
                return;
            sic_est *e = c->cap;
            if (!e) {
                if (!(nv > 0 && a * a / (2 * nv) >= SIC_PAIR_MIN_EBN0 &&
                      v > SIC_SPREAD * (nv + SIC_ISI_VAR * a * a)) ||
                    sic_true_preamble_follows(c, cd))
                    return;
                if (!c->pair_a) {
                    c->pair_a = x_malloc(sizeof *c->pair_a);
                    c->pair_b = x_malloc(sizeof *c->pair_b);
                }
                e = c->pair_a;
            }
            e->reached = 1;
            e->ok = 0;
            e->s0 = s0;
            e->w = w;
            e->pol = pol;
            e->cum_a = cumA;
            e->nbits = nbits;
            e->end = end_bit > DATA0 ? end_bit : 0;
            e->llr = SIC_PAIR_LLR * a / v;
            memcpy(e->r, r, (size_t)nbits * sizeof *r);
            if (!c->cap)
                sic_pair(c, cd);
        }
        return;
    }
    /* level and SNR from the burst's symbols */
    int kend = DATA0 + nb + 24 < nbits ? DATA0 + nb + 24 : nbits; /* to the end flag */
    double mean, var;
    soft_spread(r, k_first, kend, &mean, &var);
    for (int64_t i = (int64_t)s0 + TB0 * SPS; i < (int64_t)(s0 + kend * SPS); i++) {
        float complex v = cbuf(c, i);
        sig_pow += crealf(v) * crealf(v) + cimagf(v) * cimagf(v);
    }
    sig_pow /= (kend - TB0) * SPS;
    /* Interference cancellation only where the soft symbols are more spread than the channel's
     * noise and the receiver's own ISI explain: something else was on the air. */
    int collided = 0;
    if (c->sic && !c->sic_depth) {
        double hh = 0;
        for (int i = 0; i <= 2 * C0_HALF; i++)
            hh += h[i] * h[i];
        double var_lone = c->noise_pow / 2 * hh + SIC_ISI_VAR * mean * mean;
        collided = c->noise_pow == 0 || var > SIC_SPREAD * var_lone;
    }
    double snr_db = soft_snr_db(mean, var);
    if (c->cap && flips && snr_db < SIC_PAIR_REPAIRED_MIN_SNR_DB) {
        c->stats->repair_rejected++;
        return;
    }
    if (flips == 0 && !c->sic_depth)
        track_offset(c, best_f);
    if (c->cap) {
        c->cap->reached = c->cap->ok = 1;
        c->cap->s0 = s0;
        c->cap->w = w;
        c->cap->pol = pol;
        c->cap->nb = nb;
        memcpy(c->cap->payload, payload, (size_t)(nb + 7) / 8);
    }
    if (deliver(c, s0, end_bit, payload, nb, flips, 10 * log10(sig_pow + 1e-30), snr_db, best_f) &&
        collided)
        sic_run(c, s0, w, pol, payload, nb);
}

/* ---------------------------------------------------------------------------------------- */
/* successive interference cancellation                                                      */

/* The preamble detector of ais_channel_push_cf32 over the residual samples [lo, hi) (the same
 * pre-filter, squelch and normalised correlation, without the running state): candidates in
 * time order, each the strongest within SUPPRESS_BITS.  Returns their number. */
static size_t sic_detect(ais_channel *c, int64_t lo, int64_t hi, candidate *out, size_t cap)
{
    size_t n = (size_t)(hi - lo);
    float complex *s = c->sic_m, *y = c->sic_y;
    float *ay = c->sic_ay, *rho = c->sic_rho;
    float complex rot = 1;
    const float complex step =
        (float complex)cexp(-I * 2 * M_PI * c->det_shift_hz / AIS_CH_RATE_HZ);
    for (size_t i = 0; i < n; i++) {
        float complex acc = 0;
        for (int j = 0; j < DET_TAPS; j++)
            acc += c->det_h[j] * cbuf(c, lo + (int64_t)i - j);
        s[i] = acc * rot;
        rot *= step;
        if ((i & 255) == 255)
            rot /= fast_abs(rot);
    }
    const size_t first = DET_TAPS + SPS + NT * SPS; /* the correlator's window is all residual */
    for (size_t i = 0; i < n; i++) {
        rho[i] = 0;
        if (i < SPS)
            continue;
        y[i] = s[i] * conjf(s[i - SPS]);
        ay[i] = fast_abs(s[i]) * fast_abs(s[i - SPS]);
    }
    float e_all = 0;
    for (size_t i = SPS; i < n; i++) {
        e_all += ay[i];
        if (i >= SPS + NT * SPS)
            e_all -= ay[i - NT * SPS];
        if (i < first || (c->floor_e > 0 && e_all < SQUELCH * c->floor_e))
            continue;
        float complex cp = 0, cm = 0;
        float e = 0;
        for (int j = 0; j < NT; j++) {
            size_t k = i - (size_t)SPS * (size_t)(NT - 1 - j);
            cp += y[k] * conjf(T.ty[j]);
            cm += y[k] * T.ty[j];
            e += ay[k];
        }
        float ap = crealf(cp) * crealf(cp) + cimagf(cp) * cimagf(cp);
        float am = crealf(cm) * crealf(cm) + cimagf(cm) * cimagf(cm);
        rho[i] = e > 0 ? sqrtf(ap >= am ? ap : am) / e : 0;
        c->sic_corr[i] = ap >= am ? cp : cm;
        c->sic_pol[i] = ap >= am ? 1 : -1;
    }
    size_t nc = 0;
    const size_t span = SUPPRESS_BITS * SPS;
    for (size_t i = first; i < n && nc < cap; i++) {
        if (rho[i] < DET_THRESHOLD_SIC)
            continue;
        size_t a = i > span ? i - span : 0, b = i + span < n ? i + span : n - 1;
        int best = 1;
        for (size_t k = a; k <= b && best; k++)
            if (k != i && (rho[k] > rho[i] || (rho[k] == rho[i] && k < i)))
                best = 0;
        if (!best)
            continue;
        candidate cd = {(uint64_t)(lo + (int64_t)i), rho[i], c->sic_corr[i], c->sic_pol[i],
                        c->det_shift_hz};
        out[nc++] = cd;
    }
    return nc;
}

/* Fits the unit waveform m[0, i1 - i0) of a burst starting at s0 (least squares) to the stored
 * samples and subtracts it (apply 0: only measures): the residual carrier offset from the
 * complex gains of SIC_FREQ_SEG_BITS segments (their phase advance), then the gain per
 * SIC_SEG_BITS, interpolated between segment centres.  m is left with the offset applied.
 * Returns the residual's mean power over [i0, i1). */
static double sic_fit_subtract(ais_channel *c, int64_t i0, int64_t i1, double s0, float complex *m,
                               int apply)
{
    enum { NSEG = SIC_MAX_AIR_BITS / SIC_FREQ_SEG_BITS + 2 };
    const int64_t b0 = (int64_t)c->base;
    double complex num[NSEG] = {0};
    double den[NSEG] = {0};
    for (int64_t i = i0; i < i1; i++) {
        int sg = (int)(((double)i - s0) / SPS / SIC_FREQ_SEG_BITS);
        sg = sg < 0 ? 0 : sg > NSEG - 1 ? NSEG - 1 : sg;
        num[sg] += c->xc[i - b0] * conjf(m[i - i0]);
    }
    int nf = (int)((double)(i1 - 1 - s0) / SPS / SIC_FREQ_SEG_BITS) + 1;
    double complex adv = 0;
    for (int k = 1; k < nf && k < NSEG; k++)
        adv += num[k] * conj(num[k - 1]);
    double dw = carg(adv) / (SIC_FREQ_SEG_BITS * SPS);
    for (int k = 0; k < NSEG; k++)
        num[k] = 0;
    float complex rot = (float complex)cexp(I * dw * ((double)i0 - s0));
    const float complex rstep = (float complex)cexp(I * dw);
    for (int64_t i = i0; i < i1; i++) {
        float complex v = m[i - i0] * rot;
        m[i - i0] = v;
        rot *= rstep;
        int sg = (int)(((double)i - s0) / SPS / SIC_SEG_BITS);
        sg = sg < 0 ? 0 : sg > NSEG - 1 ? NSEG - 1 : sg;
        num[sg] += c->xc[i - b0] * conjf(v);
        den[sg] += crealf(v) * crealf(v) + cimagf(v) * cimagf(v);
    }
    int nseg = (int)((double)(i1 - 1 - s0) / SPS / SIC_SEG_BITS) + 1;
    if (nseg > NSEG)
        nseg = NSEG;
    double complex g[NSEG];
    for (int k = 0; k < nseg; k++)
        g[k] = den[k] > 0 ? num[k] / den[k] : 0;
    double res = 0;
    for (int64_t i = i0; i < i1; i++) {
        double u = ((double)i - s0) / SPS / SIC_SEG_BITS - 0.5;
        int j = (int)floor(u);
        double fr = u - j;
        int ja = j < 0 ? 0 : j > nseg - 1 ? nseg - 1 : j;
        int jb = j + 1 < 0 ? 0 : j + 1 > nseg - 1 ? nseg - 1 : j + 1;
        double complex gi = g[ja] * (1 - fr) + g[jb] * fr;
        float complex *x = &c->xc[i - b0];
        float complex v = *x - (float complex)gi * m[i - i0];
        if (apply)
            *x = v;
        res += crealf(v) * crealf(v) + cimagf(v) * cimagf(v);
    }
    return res / (double)(i1 - i0);
}

static void sic_alloc(ais_channel *c)
{
    if (c->sic_lev)
        return;
    c->sic_lev = x_malloc(SIC_MAX_AIR_BITS);
    c->sic_m = x_malloc(SIC_SPAN_MAX * sizeof *c->sic_m);
    c->sic_y = x_malloc(SIC_SPAN_MAX * sizeof *c->sic_y);
    c->sic_ay = x_malloc(SIC_SPAN_MAX * sizeof *c->sic_ay);
    c->sic_rho = x_malloc(SIC_SPAN_MAX * sizeof *c->sic_rho);
    c->sic_corr = x_malloc(SIC_SPAN_MAX * sizeof *c->sic_corr);
    c->sic_pol = x_malloc(SIC_SPAN_MAX);
}

/* The unit GMSK waveform of levels lev[0, na) starting at s0, carrier w, over [i0, i1) into m */
static void sic_model(const int8_t *lev, size_t na, double s0, double w, int64_t i0, int64_t i1,
                      float complex *m)
{
    int cum = 0;
    long kc = 0; /* cum: sum of the levels of bits [0, kc) */
    for (int64_t i = i0; i < i1; i++) {
        double tb = ((double)i - s0) / SPS; /* bits since the ramp-up began */
        double r = AIS_RAMP_BITS, env = 1;
        if (tb < r)
            env = 0.5 - 0.5 * cos(M_PI * tb / r);
        else if (tb > (double)na - r)
            env = 0.5 - 0.5 * cos(M_PI * ((double)na - tb) / r);
        if (tb < 0 || tb > (double)na)
            env = 0;
        long k0 = (long)floor(tb - 0.5 - GMSK_SPAN / 2.0),
             k1 = (long)ceil(tb - 0.5 + GMSK_SPAN / 2.0);
        if (k0 < 0)
            k0 = 0;
        if (k1 > (long)na - 1)
            k1 = (long)na - 1;
        while (kc < k0)
            cum += lev[kc++];
        double ph = cum;
        for (long k = k0; k <= k1; k++) {
            double xt = (tb - (k + 0.5) + GMSK_SPAN / 2.0) * 64, pk;
            if (xt <= 0)
                pk = 0;
            else if (xt >= GMSK_SPAN * 64)
                pk = 1;
            else {
                int ix = (int)xt;
                double fr = xt - ix;
                pk = T.ptab[ix] * (1 - fr) + T.ptab[ix + 1] * fr;
            }
            ph += lev[k] * pk;
        }
        double phase = w * ((double)i - s0) + M_PI / 2 * ph;
        m[i - i0] = (float complex)(env * cos(phase) + I * env * sin(phase));
    }
}

/* A decoded frame re-modulated (the framing of ais_hdlc_build, NRZI from the polarity the
 * preamble showed, the GMSK phase of ais_mod.c with its raised-cosine ramps) at the carrier w
 * (rad/sample) the demodulator estimated, fitted and subtracted.  The start s0 (channel
 * samples) is refined first: the demodulator's parabola is off by up to a sample and more
 * under a collision, and a waveform a quarter sample late leaves -22 dB of itself behind; the
 * residual power is a parabola in the timing error, minimised over steps of SIC_TIMING_STEP.
 * Returns the residual power, or -1 (nothing subtracted); [*i0, *i1) the span, *na its bits. */
static double sic_subtract_frame(ais_channel *c, double s0, double w, int pol,
                                 const uint8_t *payload, int nb, int64_t *i0_out, int64_t *i1_out,
                                 size_t *na_out)
{
    /* M.1371 frames are whole bytes; another length cannot be rebuilt bit for bit */
    if (nb % 8)
        return -1;
    uint8_t air[SIC_MAX_AIR_BITS];
    size_t na = ais_hdlc_build(payload, (size_t)nb, air, sizeof air, NULL);
    if (na == 0)
        return -1;
    sic_alloc(c);
    int8_t *lev = c->sic_lev;
    ais_hdlc_nrzi(air, na, pol, lev);
    int64_t b0 = (int64_t)c->base, b1 = (int64_t)(c->base + c->len);
    int64_t i0 = (int64_t)ceil(s0) - 2 * SPS, i1 = (int64_t)floor(s0 + (double)na * SPS) + 2 * SPS;
    if (i0 < b0)
        i0 = b0;
    if (i1 > b1)
        i1 = b1;
    if (i1 - i0 < DATA0 * SPS)
        return -1;
    float complex *m = c->sic_m;
    double t = s0, r[3];
    const double d = SIC_TIMING_STEP;
    for (int it = 0; it < 4; it++) {
        for (int k = 0; k < 3; k++) {
            if (it > 0 && k == 1)
                continue; /* the centre was computed last round */
            sic_model(lev, na, t + (k - 1) * d, w, i0, i1, m);
            r[k] = sic_fit_subtract(c, i0, i1, t + (k - 1) * d, m, 0);
        }
        double den = r[0] - 2 * r[1] + r[2];
        double step = den > 0 ? 0.5 * d * (r[0] - r[2]) / den : (r[0] < r[2] ? -d : d);
        if (fabs(step) <= d) {
            t += step;
            break;
        }
        /* the minimum lies beyond a step: move there and look again */
        if (r[0] < r[2]) {
            t -= d;
            r[2] = r[1];
            r[1] = r[0];
        } else {
            t += d;
            r[0] = r[1];
            r[1] = r[2];
        }
        if (fabs(t - s0) > 3)
            return -1;
    }
    sic_model(lev, na, t, w, i0, i1, m);
    *i0_out = i0;
    *i1_out = i1;
    *na_out = na;
    return sic_fit_subtract(c, i0, i1, t, m, 1);
}

/* A burst that did not decode, subtracted as its soft symbols say it is: Laurent's
 * decomposition keeps GMSK linear in the pseudo-symbols (x = sum_k a_k C0(t - kT), ~99 % of the
 * energy), so the waveform is rebuilt from E[b_k] = tanh(llr r_k): a symbol in doubt is not
 * subtracted at all, rather than subtracted wrong (which would double the interference the
 * other burst sees there). */
static void sic_subtract_soft(ais_channel *c, const sic_est *e)
{
    sic_alloc(c);
    int nb_end = e->end ? e->end + AIS_RAMP_BITS : e->nbits;
    if (nb_end > e->nbits)
        nb_end = e->nbits;
    int64_t b0 = (int64_t)c->base, b1 = (int64_t)(c->base + c->len);
    int64_t i0 = (int64_t)ceil(e->s0), i1 = (int64_t)floor(e->s0 + (double)nb_end * SPS) + 1;
    if (i0 < b0)
        i0 = b0;
    if (i1 > b1)
        i1 = b1;
    if (i1 - i0 < DATA0 * SPS)
        return;
    /* pseudo-symbols with their rotation j^(cum_a + k - 39) restored */
    static const float complex jp[4] = {1, I, -1, -I};
    float complex *a = (float complex *)c->sic_y; /* free until the next search */
    int b = 1;
    for (int k = DATA0 - 1; k >= 0; k--) { /* the preamble's, known: b_39 = +1 */
        a[k] = (float)b * jp[((e->cum_a + k - (DATA0 - 1)) % 4 + 4) % 4];
        b *= e->pol * T.lev[k];
    }
    /* the reliability of the symbols where they are: the other burst covers only part of this
     * one, and its share of the noise changes there */
    enum { LW = SIC_PAIR_LLR_WINDOW };
    double sa = 0, s2 = 0;
    int nw = 0;
    int lo_k = DATA0, hi_k = DATA0; /* window [lo_k, hi_k) */
    for (int k = DATA0; k < nb_end; k++) {
        while (hi_k < nb_end && hi_k < k + LW) {
            sa += fabsf(e->r[hi_k]), s2 += (double)e->r[hi_k] * e->r[hi_k], nw++;
            hi_k++;
        }
        while (lo_k < k - LW) {
            sa -= fabsf(e->r[lo_k]), s2 -= (double)e->r[lo_k] * e->r[lo_k], nw--;
            lo_k++;
        }
        double am = sa / nw, v = s2 / nw - am * am;
        double llr = v > 0 ? SIC_PAIR_LLR * am / v : e->llr;
        a[k] = (float)tanh(llr * e->r[k]) * jp[((e->cum_a + k - (DATA0 - 1)) % 4 + 4) % 4];
    }
    float complex *m = c->sic_m;
    const double half = (GMSK_SPAN + 1) / 2.0; /* C0 is centred there */
    for (int64_t i = i0; i < i1; i++) {
        double tb = ((double)i - e->s0) / SPS;
        double r = AIS_RAMP_BITS, env = 1;
        if (tb < r)
            env = 0.5 - 0.5 * cos(M_PI * tb / r);
        else if (tb > nb_end - r)
            env = 0.5 - 0.5 * cos(M_PI * (nb_end - tb) / r);
        /* symbol k is sampled at s0 + SPS (k + 1): C0((t - t_k) / SPS + half) */
        int k0 = (int)ceil(tb - 1 - half), k1 = (int)floor(tb - 1 + half);
        if (k0 < 0)
            k0 = 0;
        if (k1 > nb_end - 1)
            k1 = nb_end - 1;
        float complex v = 0;
        for (int k = k0; k <= k1; k++) {
            double x = (tb - (k + 1) + half) * C0_RES;
            if (x < 0 || x >= (GMSK_SPAN + 1) * C0_RES)
                continue;
            int ix = (int)x;
            float fr = (float)(x - ix);
            v += a[k] * (T.c0[ix] * (1 - fr) + T.c0[ix + 1] * fr);
        }
        double ph = e->w * ((double)i - e->s0);
        m[i - i0] = v * (float)env * (float complex)(cos(ph) + I * sin(ph));
    }
    sic_fit_subtract(c, i0, i1, e->s0, m, 1);
}

static void sic_search(ais_channel *c, int64_t i0, int64_t i1, size_t na);

/* A decoded burst is subtracted (sic_subtract_frame); where power is left over its span, a
 * weaker burst that collided with it is looked for in the residual and decoded.  Called only
 * for a burst whose soft symbols showed interference (decode_complex). */
static void sic_run(ais_channel *c, double s0, double w, int pol, const uint8_t *payload, int nb)
{
    int64_t i0, i1;
    size_t na;
    double res = sic_subtract_frame(c, s0, w, pol, payload, nb, &i0, &i1, &na);
    if (res < 0 || (c->noise_pow > 0 && res < SIC_RESIDUAL * c->noise_pow))
        return;
    uint64_t cf = c->claim_from, ct = c->claim_to;
    float cr = c->claim_rho, rho_now = c->cur_rho;
    c->sic_depth = 1;
    sic_search(c, i0, i1, na);
    c->sic_depth = 0;
    c->claim_from = cf, c->claim_to = ct, c->claim_rho = cr, c->cur_rho = rho_now;
}

/* The residual of a subtracted burst over [i0, i1) (na bits), from a burst's length before it
 * to its end (a preamble there ends inside it): candidates decoded in time order. */
static void sic_search(ais_channel *c, int64_t i0, int64_t i1, size_t na)
{
    c->stats->sic_searches++;
    int64_t b0 = (int64_t)c->base, b1 = (int64_t)(c->base + c->len);
    int64_t lo = i0 - (int64_t)(na < SIC_BACK_BITS ? na : SIC_BACK_BITS) * SPS;
    int64_t hi = i1 + (DATA0 + 8) * SPS;
    if (lo < b0 + DET_TAPS)
        lo = b0 + DET_TAPS;
    if (hi > b1)
        hi = b1;
    if (hi - lo < (NT + 2) * SPS + DET_TAPS || hi - lo > SIC_SPAN_MAX)
        return;
    candidate cands[SIC_MAX_CANDIDATES];
    size_t nc = sic_detect(c, lo, hi, cands, SIC_MAX_CANDIDATES);
    /* strongest first, until one decodes: the residual holds the burst that collided and the
     * other's leftovers, on which every decoding attempt (with soft repair) is one more chance
     * for a wrong frame to pass the CRC */
    for (int t = 0; t < SIC_SEARCH_TRIES; t++) {
        size_t best = nc;
        for (size_t k = 0; k < nc; k++)
            if (cands[k].rho > 0 && (best == nc || cands[k].rho > cands[best].rho))
                best = k;
        if (best == nc)
            break;
        candidate cd = cands[best];
        cands[best].rho = 0;
        uint64_t before = c->stats->frames;
        c->cur_rho = cd.rho;
        decode_complex(c, &cd);
        if (c->stats->frames != before)
            break;
    }
}

/* decode_complex on a copy of the samples from which the burst e was softly subtracted; the
 * attempt reported in *out */
/* A burst of a pair that decoded: subtract it exactly, then search what is left. */
static void sic_take(ais_channel *c, const sic_est *e)
{
    int64_t i0, i1;
    size_t na;
    if (sic_subtract_frame(c, e->s0, e->w, e->pol, e->payload, e->nb, &i0, &i1, &na) >= 0)
        sic_search(c, i0, i1, na);
}

static void sic_try_under(ais_channel *c, const sic_est *e, const candidate *cd, sic_est *out)
{
    float complex *x = c->xc;
    size_t from = (size_t)(c->copy_lo - (int64_t)c->base);
    memcpy(c->sic_copy + from, x + from, (size_t)(c->copy_hi - c->copy_lo) * sizeof *x);
    c->xc = c->sic_copy;
    sic_subtract_soft(c, e);
    out->reached = out->ok = 0;
    c->cap = out;
    /* the preamble seen again without the other burst: its frequency and timing estimates
     * were made under it (3 dB apart this decoded 281 pairs of 600 where the first detection
     * decoded 272, three seeds; 4 dB apart 171 of 200 where 164) */
    candidate fresh = *cd;
    const int64_t first = DET_TAPS + SPS + NT * SPS, span = SUPPRESS_BITS * SPS;
    int64_t lo = (int64_t)cd->n - span - first, hi = (int64_t)cd->n + span + 1;
    if (lo >= c->copy_lo + DET_TAPS && hi <= c->copy_hi) {
        candidate cs[SIC_MAX_CANDIDATES];
        size_t n = sic_detect(c, lo, hi, cs, SIC_MAX_CANDIDATES);
        float best = 0;
        for (size_t k = 0; k < n; k++)
            if (cs[k].rho > best)
                best = cs[k].rho, fresh = cs[k];
    }
    c->cur_rho = fresh.rho;
    decode_complex(c, &fresh);
    c->cap = NULL;
    c->xc = x;
}

/* Both bursts of a pair whose rounds failed, read jointly (ais_joint.c) from the estimates the
 * rounds left (each one's preamble seen with the other softly cancelled); the link layer on the
 * stronger's joint decisions, then on the weaker's.  The first frame that passes is delivered
 * and taken as the rounds take theirs (exact subtraction, the other from the residual), with the
 * checks of a frame decoded under a soft cancellation (field checks, the SNR floor of a
 * repaired frame).  Returns 1 when a frame was taken. */
static int sic_joint(ais_channel *c, sic_est *ea, sic_est *eb)
{
    enum { NSYM = DATA0 + MAX_DATA };
    _Static_assert(NSYM <= AIS_JOINT_MAX_SYMS, "AIS_JOINT_MAX_SYMS");
    sic_est *es[2] = {ea, eb};
    ais_joint_burst jb[2];
    int8_t b[2][NSYM];
    float r[2][NSYM];
    for (int w = 0; w < 2; w++) {
        const sic_est *e = es[w];
        /* the end flag of a frame that failed is as likely one made by its errors (pairs 3 dB
         * apart: a third of those seen lay inside the other burst's data) */
        int nsym = e->nbits < NSYM ? e->nbits : NSYM;
        int v = 1;
        for (int k = DATA0 - 1; k >= 0; k--) { /* the preamble's, known: b_39 = +1 */
            b[w][k] = (int8_t)v;
            v *= e->pol * T.lev[k];
        }
        for (int k = DATA0; k < nsym; k++)
            b[w][k] = (int8_t)(k < e->nbits && e->r[k] < 0 ? -1 : 1);
        jb[w] = (ais_joint_burst){.s0 = e->s0,
                                  .w = e->w,
                                  .cum_a = e->cum_a,
                                  .nsym = nsym,
                                  .nknown = DATA0,
                                  .b = b[w],
                                  .r = r[w]};
    }
    if (ais_joint_detect(c->xc, (int64_t)c->base, c->len, jb) != 0)
        return 0;
    int first = jb[1].amp > jb[0].amp;
    for (int t = 0; t < 2; t++) {
        int w = t ? !first : first;
        if (t && !(jb[w].amp >= SIC_JOINT_MIN_RATIO * jb[first].amp))
            break;
        sic_est *e = es[w];
        int nsym = jb[w].nsym;
        int8_t u[NSYM];
        for (int k = 0; k < nsym; k++)
            u[k] = k < DATA0 ? b[w][k] : (r[w][k] < 0 ? -1 : 1);
        link_ctx L = {.r = r[w], .u = u, .lag = 2, .nbits = nsym};
        uint8_t payload[AIS_MAX_PAYLOAD_BITS / 8 + 8];
        int flips = 0, end_bit = 0;
        int nb = link_decode(c, &L, payload, &flips, &end_bit, e->end);
        if (nb <= 0)
            continue;
        int kend = DATA0 + nb + 24 < nsym ? DATA0 + nb + 24 : nsym;
        double mean, var;
        soft_spread(r[w], TB0, kend, &mean, &var);
        double snr_db = soft_snr_db(mean, var);
        if (flips && snr_db < SIC_PAIR_REPAIRED_MIN_SNR_DB) {
            c->stats->repair_rejected++;
            continue;
        }
        e->ok = 1;
        e->s0 = jb[w].s0; /* refined on the preamble (ais_joint.c) */
        e->w = jb[w].w;
        e->nb = nb;
        memcpy(e->payload, payload, (size_t)(nb + 7) / 8);
        c->cur_rho = 0;
        deliver(c, e->s0, end_bit, payload, nb, flips, 20 * log10(jb[w].amp + 1e-30), snr_db,
                e->w / (2 * M_PI) * AIS_CH_RATE_HZ);
        sic_take(c, e);
        return 1;
    }
    return 0;
}

/* The other burst of a pair whose preamble was found but never reached the link layer (its
 * template too hit to pass the gate): its start, carrier and polarity as the residual's
 * detector saw them, to be refined on the preamble by the joint detection. */
static int sic_rough(const ais_channel *c, const candidate *cd, sic_est *e)
{
    double s0 = (double)cd->n - (DET_TAPS - 1) / 2.0 - DATA0 * SPS;
    double f = cargf(cd->c) / (2 * M_PI) * BIT_RATE_HZ + cd->shift_hz;
    int avail = (int)(((double)(c->base + c->len) - s0 - C0_HALF) / SPS) - 1;
    int nbits = avail < FIRST_BITS ? avail : FIRST_BITS;
    if (nbits < DATA0 + 40 || s0 < (double)c->base)
        return 0;
    e->reached = e->ok = 0;
    e->s0 = s0;
    e->w = 2 * M_PI * f / AIS_CH_RATE_HZ;
    e->pol = cd->pol;
    e->cum_a = cd->pol > 0 ? T.cum40 : -T.cum40;
    e->nbits = nbits;
    e->end = 0;
    e->llr = 0;
    memset(e->r, 0, (size_t)nbits * sizeof *e->r);
    return 1;
}

/* Two bursts of nearly equal power (3 dB apart) where neither decodes alone: the one that
 * failed (candidate cd, its estimate in pair_a) is subtracted as its soft symbols say, the other
 * looked for and demodulated in what is left, then that one subtracted softly from the original
 * samples and the first demodulated again, in turn, until one passes the CRC; that one is then
 * subtracted exactly and the other decoded from the residual.  The samples are changed only by
 * exact subtraction of a decoded frame. */
static void sic_pair(ais_channel *c, const candidate *cd)
{
    sic_alloc(c);
    if (!c->sic_copy)
        c->sic_copy = x_malloc(BUF_CAP * sizeof *c->sic_copy);
    sic_est *ea = c->pair_a, *eb = c->pair_b; /* ea: the burst of cd, as it failed */
    c->stats->sic_pairs++;
    uint64_t cf = c->claim_from, ct = c->claim_to;
    float cr = c->claim_rho, rho_now = c->cur_rho;
    c->sic_depth = 1;
    /* where the other may start: from a burst's length before this one to its end */
    int64_t b0 = (int64_t)c->base, b1 = (int64_t)(c->base + c->len);
    int nb_end = ea->end ? ea->end + AIS_RAMP_BITS : ea->nbits;
    int64_t lo = (int64_t)ea->s0 - (int64_t)nb_end * SPS,
            hi = (int64_t)ea->s0 + (nb_end + DATA0 + 8) * SPS;
    if (lo < b0 + DET_TAPS)
        lo = b0 + DET_TAPS;
    if (hi > b1)
        hi = b1;
    /* what the demodulator may read of the two bursts: copied to cancel in */
    c->copy_lo = lo - DET_TAPS - (DATA0 + 8) * SPS;
    c->copy_hi = hi + (DATA0 + MAX_DATA + 8) * SPS;
    c->copy_lo = c->copy_lo < b0 ? b0 : c->copy_lo;
    c->copy_hi = c->copy_hi > b1 ? b1 : c->copy_hi;
    candidate cands[SIC_MAX_CANDIDATES];
    size_t nc = 0;
    if (hi - lo >= (NT + 2) * SPS + DET_TAPS && hi - lo <= SIC_SPAN_MAX && lo >= c->copy_lo &&
        hi <= c->copy_hi) {
        float complex *x = c->xc;
        size_t from = (size_t)(c->copy_lo - b0);
        memcpy(c->sic_copy + from, x + from, (size_t)(c->copy_hi - c->copy_lo) * sizeof *x);
        c->xc = c->sic_copy;
        sic_subtract_soft(c, ea);
        nc = sic_detect(c, lo, hi, cands, SIC_MAX_CANDIDATES);
        c->xc = x;
    }
    /* the other burst: the strongest preamble left, away from this one's; the next strongest
     * when that one does not even reach the link layer (10 of 26 first choices did not, on
     * pairs 3 dB apart) */
    candidate first = {0};
    int have_first = 0, any_reached = 0;
    for (int tries = 0; tries < SIC_PAIR_TRIES; tries++) {
        candidate other = {0};
        int found = 0;
        for (size_t k = 0; k < nc; k++) {
            uint64_t d = cands[k].n > cd->n ? cands[k].n - cd->n : cd->n - cands[k].n;
            if (d > SIC_PAIR_APART_BITS * SPS && cands[k].rho > 0 &&
                (!found || cands[k].rho > other.rho)) {
                other = cands[k];
                found = (int)k + 1;
            }
        }
        if (!found)
            break;
        cands[found - 1].rho = 0; /* tried */
        if (!have_first)
            first = other, have_first = 1;
        int reached = 0;
        for (int round = 0; round < SIC_PAIR_ROUNDS; round++) {
            sic_try_under(c, ea, &other, eb);
            if (!eb->reached)
                break;
            reached = 1;
            if (eb->ok) { /* the other decoded: subtract it, then search what is left */
                sic_take(c, eb);
                break;
            }
            sic_try_under(c, eb, cd, ea);
            if (!ea->reached)
                break;
            if (ea->ok) {
                sic_take(c, ea);
                break;
            }
        }
        if (reached) {
            if (SIC_JOINT && !ea->ok && !eb->ok)
                sic_joint(c, ea, eb);
            any_reached = 1;
            break;
        }
    }
    /* no other burst reached the link layer: the strongest preamble found, read jointly */
    if (SIC_JOINT && SIC_JOINT_ROUGH && !any_reached && have_first && sic_rough(c, &first, eb))
        sic_joint(c, ea, eb);
    c->sic_depth = 0;
    c->claim_from = cf, c->claim_to = ct, c->claim_rho = cr, c->cur_rho = rho_now;
}

/* Discriminator audio.  The candidate is a start flag seen in the hard bits of one sample
 * phase; bit k's centre is then at cd->n + SPS (k - 39).  The burst is read at those samples
 * in two passes:
 *   1. level and DC from the flag and the four training bits before it (least squares against
 *      the ideal GMSK discriminator values), hard decisions;
 *   2. with those decisions, a least-squares fit of the whole burst to
 *        x_k = a l_k + b (l_(k-1) + l_(k+1)) + d0 + d1 (k - k_mid)
 *      (the neighbour term is the GMSK and receive-filter ISI, the ramp a DC that drifts over
 *      the burst, as a transmitter's frequency does while its PA warms up), then soft values
 *      with the neighbours' ISI cancelled: r_k = (x_k - dc(k) - b (l_(k-1) + l_(k+1))) / a.
 * The link layer (CRC, soft repair) runs on the soft values of pass 2. */
#define AUDIO_FIT0 28 /* first preamble bit of the pass-1 fit: four training bits + flag */
/* Least soft-value SNR (mean^2 / variance of the decided soft values) of a frame accepted with a
 * clean CRC, and after soft repair.  An hour of synthesized discriminator noise (about 200
 * candidates a second) gave 5 frames, all repaired, all at 2.4-2.6 dB. */
#define AUDIO_MIN_SNR_DB 4.0
#define AUDIO_MIN_SNR_REPAIRED_DB 4.0
/* Soft repair of audio frames flips only symbols this unreliable (1.0 = a clean level): a frame
 * whose weakest symbols are stronger has more errors than two flips can mend, and trying only
 * adds chances for a wrong frame to pass the CRC. */
#define AUDIO_REPAIR_MAX_REL 0.5f

static int audio_pass2(ais_channel *c, int nbits, int kend, float *r, int8_t *u)
{
    /* normal equations for (a, b, d0, d1) over bits [DATA0 - 8, kend) */
    int k0 = DATA0 - 8;
    if (kend > nbits - 1)
        kend = nbits - 1;
    if (kend - k0 < 24)
        return -1;
    double km = 0.5 * (k0 + kend);
    double M[4][5] = {{0}};
    for (int k = k0; k < kend; k++) {
        double l = u[k], nb = u[k - 1] + u[k + 1], t = (k - km) / 100.0;
        double v[4] = {l, nb, 1, t};
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++)
                M[i][j] += v[i] * v[j];
            M[i][4] += v[i] * c->xs[k];
        }
    }
    /* Gauss-Jordan with partial pivoting */
    for (int i = 0; i < 4; i++) {
        int piv = i;
        for (int j = i + 1; j < 4; j++)
            if (fabs(M[j][i]) > fabs(M[piv][i]))
                piv = j;
        if (fabs(M[piv][i]) < 1e-9)
            return -1;
        if (piv != i)
            for (int j = 0; j < 5; j++) {
                double t = M[i][j];
                M[i][j] = M[piv][j];
                M[piv][j] = t;
            }
        for (int j = 0; j < 4; j++) {
            if (j == i)
                continue;
            double f = M[j][i] / M[i][i];
            for (int m = i; m < 5; m++)
                M[j][m] -= f * M[i][m];
        }
    }
    double a = M[0][4] / M[0][0], b = M[1][4] / M[1][1], d0 = M[2][4] / M[2][2],
           d1 = M[3][4] / M[3][3];
    if (!(a > 0))
        return -1;
    for (int k = TB0; k < nbits; k++) {
        double t = (k - km) / 100.0;
        double nb = (k > TB0 ? u[k - 1] : 0) + (k + 1 < nbits ? u[k + 1] : 0);
        r[k] = (float)((c->xs[k] - d0 - d1 * t - b * nb) / a);
    }
    for (int k = TB0; k < nbits; k++)
        if (k >= DATA0)
            u[k] = r[k] >= 0 ? 1 : -1;
    return 0;
}

static void decode_real(ais_channel *c, const candidate *cd)
{
    c->stats->candidates++;
    int64_t t39 = (int64_t)cd->n;
    int64_t last = (int64_t)(c->base + c->len) - 1;
    int nbits = (int)((last - t39) / SPS) + DATA0 - 1 + 1;
    if (nbits > DATA0 + MAX_DATA)
        nbits = DATA0 + MAX_DATA;
    if (nbits < DATA0 + 40)
        return;
    float *xs = c->xs, *r = c->r;
    int8_t *u = c->u;
    for (int k = TB0; k < nbits; k++) {
        int64_t i = t39 + (int64_t)SPS * (k - (DATA0 - 1)) - (int64_t)c->base;
        xs[k] = i >= 0 && i < (int64_t)c->len ? c->xr[i] : 0;
    }
    /* pass 1: x = A ideal + dc over the flag and the training bits just before it */
    double se = 0, sx = 0, see = 0, sex = 0;
    int nf = DATA0 - AUDIO_FIT0;
    for (int k = AUDIO_FIT0; k < DATA0; k++) {
        se += T.ideal[k];
        sx += xs[k];
        see += T.ideal[k] * T.ideal[k];
        sex += T.ideal[k] * xs[k];
    }
    double den = see - se * se / nf;
    double A = den > 0 ? (sex - se * sx / nf) / den : 0;
    double dc = (sx - A * se) / nf;
    if (A == 0)
        return;
    int pol = A > 0 ? 1 : -1;
    for (int k = TB0; k < nbits; k++) {
        r[k] = (float)((xs[k] - dc) / fabs(A));
        u[k] = k < DATA0 ? (int8_t)(pol * T.lev[k]) : (int8_t)(r[k] >= 0 ? 1 : -1);
    }
    /* u holds physical levels (the sign of x - dc); the link layer only uses |r| */
    link_ctx L = {r, u, 1, nbits, AUDIO_REPAIR_MAX_REL, NULL, 0};
    uint8_t payload[AIS_MAX_PAYLOAD_BITS / 8 + 8];
    int end = 0;
    int nb = try_frame(&L, payload, &end);
    int flips = 0;
    int kend = nb == -1 ? (nbits < DATA0 + 256 ? nbits : DATA0 + 256) : end - 8;
    for (int pass = 0; pass < 2 && !(nb > 0 && ais_hdlc_plausible(payload, (size_t)nb, 0));
         pass++) {
        if (audio_pass2(c, nbits, kend, r, u) != 0)
            return;
        for (int k = TB0; k < DATA0; k++)
            u[k] = (int8_t)(pol * T.lev[k]);
        nb = try_frame(&L, payload, &end);
        if (nb > 0 && ais_hdlc_plausible(payload, (size_t)nb, 0))
            break;
        if (nb != -1)
            kend = end - 8;
    }
    if (!(nb > 0 && ais_hdlc_plausible(payload, (size_t)nb, 0))) {
        nb = link_decode(c, &L, payload, &flips, &end, 0);
        if (nb <= 0) {
            if (nb == -2)
                c->stats->crc_fail++;
            return;
        }
    }
    kend = DATA0 + nb + 24 < nbits ? DATA0 + nb + 24 : nbits;
    double sum_r = 0, sum_r2 = 0, pw = 0;
    int nr = 0;
    for (int k = DATA0; k < kend; k++) {
        double v = r[k] * u[k];
        sum_r += v;
        sum_r2 += v * v;
        pw += xs[k] * xs[k];
        nr++;
    }
    double mean = sum_r / nr, var = sum_r2 / nr - mean * mean;
    double snr = var > 0 ? mean * mean / var : 1e6;
    /* noise that passed the CRC (after repair, as a rule) reads 2-3 dB here; real bursts from
     * 3.6 dB (synthesized, at the sensitivity limit) and 5.9 dB (Long Beach) up */
    if (10 * log10(snr) < (flips ? AUDIO_MIN_SNR_REPAIRED_DB : AUDIO_MIN_SNR_DB)) {
        c->stats->crc_fail++;
        return;
    }
    deliver(c, (double)t39 - (DATA0 - 0.5) * SPS, end, payload, nb, flips,
            10 * log10(pw / nr + 1e-30), 10 * log10(snr), dc / fabs(A) * 2400.0 * pol);
}

/* A candidate is not examined when a stronger one lies within SUPPRESS_BITS (the training
 * sequence is periodic, so the detector also answers 4, 8, ... bits early), nor when it falls
 * inside a burst already decoded with a stronger preamble. */
static int suppressed(const ais_channel *c, size_t i)
{
    const candidate *cd = &c->pend[i];
    if (c->real) /* audio: every phase that saw a flag is a hypothesis of its own */
        return cd->n >= c->claim_from && cd->n < c->claim_to;
    /* the list is in time order: look at the neighbours only */
    const uint64_t span = SUPPRESS_BITS * SPS;
    for (size_t j = i; j-- > 0 && cd->n - c->pend[j].n <= span;) {
        const candidate *o = &c->pend[j];
        if (o->rho > cd->rho || (o->rho == cd->rho && o->n < cd->n))
            return 1;
    }
    for (size_t j = i + 1; j < c->npend && c->pend[j].n - cd->n <= span; j++) {
        const candidate *o = &c->pend[j];
        if (o->rho > cd->rho || (o->rho == cd->rho && o->n < cd->n))
            return 1;
    }
    if (cd->n >= c->claim_from && cd->n < c->claim_to && cd->rho < c->claim_rho)
        return 1;
    return 0;
}

static void process_pending(ais_channel *c, int force)
{
    /* candidates become ready in time order (they need a fixed span of samples after them) */
    uint64_t end = c->base + c->len;
    size_t ready = 0;
    while (ready < c->npend &&
           (force || c->pend[ready].n + (uint64_t)(MAX_DATA + 4) * SPS + C0_HALF + DET_TAPS <= end))
        ready++;
    for (size_t i = 0; i < ready; i++) {
        candidate *cd = &c->pend[i];
        if (suppressed(c, i)) {
            c->stats->candidates_suppressed++;
        } else {
            c->cur_rho = cd->rho;
            if (c->real)
                decode_real(c, cd);
            else
                decode_complex(c, cd);
        }
        cd->rho = -1; /* done: no longer suppresses others */
    }
    if (ready) /* pend is NULL until the first candidate */
        memmove(c->pend, c->pend + ready, (c->npend - ready) * sizeof *c->pend);
    c->npend -= ready;
}

/* make room in the sample store: keep what pending candidates still need */
static void compact(ais_channel *c, size_t incoming)
{
    if (c->len + incoming <= BUF_CAP)
        return;
    /* interference cancellation looks back a burst's length before a decoded burst */
    const uint64_t back = c->sic ? (uint64_t)SIC_BACK_BITS * SPS : 0;
    uint64_t keep_from = c->base + c->len - (uint64_t)(PRE_BITS + 8) * SPS - back;
    for (size_t i = 0; i < c->npend; i++) {
        uint64_t s = c->pend[i].n > (uint64_t)(DATA0 + 8) * SPS + back
                         ? c->pend[i].n - (uint64_t)(DATA0 + 8) * SPS - back
                         : 0;
        if (s < keep_from)
            keep_from = s;
    }
    if (keep_from < c->base)
        keep_from = c->base;
    size_t drop = (size_t)(keep_from - c->base);
    if (c->len + incoming - drop > BUF_CAP) {
        /* a candidate would lose its samples: decode it now with what is there */
        process_pending(c, 1);
        drop = c->len > (size_t)(PRE_BITS + 8) * SPS ? c->len - (size_t)(PRE_BITS + 8) * SPS : 0;
    }
    if (c->real)
        memmove(c->xr, c->xr + drop, (c->len - drop) * sizeof *c->xr);
    else
        memmove(c->xc, c->xc + drop, (c->len - drop) * sizeof *c->xc);
    c->len -= drop;
    c->base += drop;
}

static void add_candidate(ais_channel *c, const candidate *cd)
{
    if (c->npend == c->cappend) {
        c->cappend = c->cappend ? 2 * c->cappend : 16;
        c->pend = x_realloc(c->pend, c->cappend * sizeof *c->pend);
    }
    c->pend[c->npend++] = *cd;
}

/* local-maximum picking over +-LOCAL_MAX detector outputs; n: the detector clock after this
 * output, slot: n modulo 2 LOCAL_MAX + 1 */
static inline void detect_metric(ais_channel *c, uint64_t n, int slot, float rho,
                                 const candidate *cd, float threshold)
{
    const int W = 2 * LOCAL_MAX + 1;
    c->mring[slot] = rho;
    if (cd) /* NULL below the threshold: never picked */
        c->cring[slot] = *cd;
    int mid = slot >= LOCAL_MAX ? slot - LOCAL_MAX : slot + W - LOCAL_MAX; /* n - LOCAL_MAX */
    float m = c->mring[mid];
    if (m < threshold || n < (uint64_t)W)
        return;
    for (int i = 0; i < W; i++)
        if (i != mid && (c->mring[i] > m || (c->mring[i] == m && i < mid)))
            return;
    add_candidate(c, &c->cring[mid]);
}

/* The four sums of the correlator's lanes, s = {sum ac, sum bd, sum bc, sum ad}, each added
 * lane 0 first as a loop over the lanes adds them: the 4 x 8 lanes transposed, then eight vector
 * additions in place of 32 scalar ones and the moves out of the vectors */
static inline v4f lane_sums4(const v8f *ac, const v8f *bd, const v8f *bc, const v8f *ad)
{
    /* (pointers: a vector wider than the baseline's registers passed by value draws an ABI
     * note) */
    v8f t0 = __builtin_shufflevector(*ac, *bd, 0, 8, 1, 9, 4, 12, 5, 13);
    v8f t1 = __builtin_shufflevector(*ac, *bd, 2, 10, 3, 11, 6, 14, 7, 15);
    v8f t2 = __builtin_shufflevector(*bc, *ad, 0, 8, 1, 9, 4, 12, 5, 13);
    v8f t3 = __builtin_shufflevector(*bc, *ad, 2, 10, 3, 11, 6, 14, 7, 15);
    /* u_l holds lane l of the four in its first half, lane l + 4 in its second */
    v8f u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13);
    v8f u1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);
    v8f u2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13);
    v8f u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);
    v4f s = {0, 0, 0, 0};
    s += __builtin_shufflevector(u0, u0, 0, 1, 2, 3);
    s += __builtin_shufflevector(u1, u1, 0, 1, 2, 3);
    s += __builtin_shufflevector(u2, u2, 0, 1, 2, 3);
    s += __builtin_shufflevector(u3, u3, 0, 1, 2, 3);
    s += __builtin_shufflevector(u0, u0, 4, 5, 6, 7);
    s += __builtin_shufflevector(u1, u1, 4, 5, 6, 7);
    s += __builtin_shufflevector(u2, u2, 4, 5, 6, 7);
    s += __builtin_shufflevector(u3, u3, 4, 5, 6, 7);
    return s;
}

/* a[i] = sqrtf(a[i]), four at a time where SSE is there: sqrtf itself is not vectorised, as it
 * must set errno on a negative argument (the square root is correctly rounded either way) */
static inline void sqrt_array(float *a, size_t n)
{
    size_t i = 0;
#ifdef __SSE__
    for (; i + 4 <= n; i += 4)
        _mm_storeu_ps(a + i, _mm_sqrt_ps(_mm_loadu_ps(a + i)));
#endif
    for (; i < n; i++)
        a[i] = sqrtf(a[i]);
}

DSP_CLONES
void ais_channel_push_cf32(ais_channel *c, const float complex *x, size_t n)
{
    const int W = 2 * LOCAL_MAX + 1;
    while (n > 0) {
        size_t chunk = n > 4096 ? 4096 : n;
        compact(c, chunk);
        memcpy(c->xc + c->len, x, chunk * sizeof *x);
        c->len += chunk;
        if (c->det_shift_hz != 0) {
            float complex rot = c->det_rot;
            for (size_t i = 0; i < chunk; i++) {
                c->detmix[i] = x[i] * rot;
                rot *= c->det_step;
            }
            c->det_rot = rot / fast_abs(rot);
            fir_decim_run(c->det_c, c->detmix, chunk, c->detbuf + SPS);
        } else {
            fir_decim_run(c->det_c, x, chunk, c->detbuf + SPS);
        }
        /* What does not depend on the running sums, for the whole chunk first: no sample
         * waits on the one before, and the loop vectorises.  The one-bit differential product
         * y = s conj(s SPS samples back), its magnitude |s| |s back| as sqrt(|s|^2 |s back|^2),
         * and |x|^2 for the noise power, each as the loop below computed them. */
        float *wyr = c->detwork, *wyi = wyr + 4096, *way = wyi + 4096, *wxp = way + 4096;
        {
            const float complex *sb = c->detbuf + SPS;
            for (size_t i = 0; i < chunk; i++) {
                float complex s = sb[i], o = sb[(ptrdiff_t)i - SPS], y = s * conjf(o);
                float ps = crealf(s) * crealf(s) + cimagf(s) * cimagf(s);
                float po = crealf(o) * crealf(o) + cimagf(o) * cimagf(o);
                wyr[i] = crealf(y);
                wyi[i] = cimagf(y);
                way[i] = ps * po;
                wxp[i] = crealf(x[i]) * crealf(x[i]) + cimagf(x[i]) * cimagf(x[i]);
            }
            sqrt_array(way, chunk);
        }
        /* The running state in locals while the chunk runs (registers: a sum kept in the
         * channel's memory made each sample wait on the store of the one before), and counters
         * for the clock's sample phase, noise block and ring slot instead of divisions of it.
         * The arithmetic is the same, in the same order. */
        uint64_t dn = c->n;
        int p = (int)(dn % SPS), blk = (int)(dn % (NT * SPS));
        int slot = (int)((dn + 1) % (uint64_t)W); /* of the clock after the sample */
        float blk_pow = c->blk_pow, esum_all = c->esum_all;
        float floor_e = c->floor_e, noise_pow = c->noise_pow;
        uint64_t open = 0;
        for (size_t i = 0; i < chunk; i++) {
            blk_pow += wxp[i];
            float yr = wyr[i], yi = wyi[i], ay = way[i];
            int pos = c->ypos[p], next = pos + 1 == NT ? 0 : pos + 1;
            c->esum[p] += ay - c->yabs[p][pos];
            esum_all += ay - c->yabs[p][pos];
            c->yabs[p][pos] = ay;
            c->ypos[p] = next;
            if (pos == 0) { /* re-sum now and then against rounding drift */
                float e = 0;
                for (int j = 0; j < NT; j++)
                    e += c->yabs[p][j];
                c->esum[p] = e;
            }
            if (blk == 0) {
                float e = 0;
                for (int q = 0; q < SPS; q++)
                    e += c->esum[q];
                esum_all = e;
                /* noise floor: follows quiet blocks down quickly, creeps up very slowly
                 * (0.09 dB a second while no block is quiet).  Slot-packed traffic on a busy
                 * channel leaves no quiet 24-bit block for seconds; a faster creep (it was
                 * 0.8 dB/s) lifted the floor to the bursts' level and closed the squelch on
                 * every burst after the first second.  A real rise of the noise only keeps the
                 * squelch open (CPU, not sensitivity) until the floor has followed it. */
                float pw = blk_pow / (NT * SPS);
                blk_pow = 0;
                if (floor_e == 0) {
                    floor_e = e;
                    noise_pow = pw;
                } else if (e < 1.5f * floor_e) {
                    floor_e = 0.95f * floor_e + 0.05f * e;
                    noise_pow = 0.95f * noise_pow + 0.05f * pw;
                } else {
                    floor_e *= 1.00005f;
                    noise_pow *= 1.00005f;
                }
            }
            float rho = 0;
            candidate cd;
            if (!(esum_all < SQUELCH * floor_e)) {
                open++;
                /* the window, oldest first; its newest value y is not stored yet (below) and
                 * goes into the last lane from the register: a vector load over a value just
                 * stored waits until the store has reached the cache (no forwarding from a
                 * narrower store), which stalled every sample */
                const float *vr = &c->yre[p][next], *vi = &c->yim[p][next];
                float e = c->esum[p];
                /* eight partial sums of each product, in the lanes of a vector (NT is a
                 * multiple of 8; GCC and Clang vector extensions, SSE or AVX as built) */
                v8f ac = {0}, bd = {0}, bc = {0}, ad = {0};
                for (int j = 0; j < NT; j += 8) {
                    v8f a, b, tc, td;
                    V8_LOAD(a, vr + j);
                    V8_LOAD(b, vi + j);
                    if (j + 8 == NT) {
                        a[7] = yr;
                        b[7] = yi;
                    }
                    V8_LOAD(tc, T.tyr + j);
                    V8_LOAD(td, T.tyi + j);
                    ac += a * tc;
                    bd += b * td;
                    bc += b * tc;
                    ad += a * td;
                }
                v4f sums = lane_sums4(&ac, &bd, &bc, &ad);
                float sac = sums[0], sbd = sums[1], sbc = sums[2], sad = sums[3];
                /* y conj(t) for polarity +, y t for polarity - (its phase steps are mirrored) */
                float complex cp = (sac + sbd) + I * (sbc - sad);
                float complex cm = (sac - sbd) + I * (sbc + sad);
                float ap = crealf(cp) * crealf(cp) + cimagf(cp) * cimagf(cp);
                float am = crealf(cm) * crealf(cm) + cimagf(cm) * cimagf(cm);
                rho = e > 0 ? sqrtf(ap >= am ? ap : am) / e : 0;
                /* the candidate only where it may be one (the polarity a branch mispredicted
                 * about every other sample when it was filled in for all) */
                if (rho >= DET_THRESHOLD_CPLX)
                    cd = (candidate){dn, rho, ap >= am ? cp : cm, ap >= am ? 1 : -1,
                                     c->det_shift_hz};
            }
            c->yre[p][pos] = c->yre[p][pos + NT] = yr;
            c->yim[p][pos] = c->yim[p][pos + NT] = yi;
            dn++;
            detect_metric(c, dn, slot, rho, rho >= DET_THRESHOLD_CPLX ? &cd : NULL,
                          DET_THRESHOLD_CPLX);
            p = p + 1 == SPS ? 0 : p + 1;
            blk = blk + 1 == NT * SPS ? 0 : blk + 1;
            slot = slot + 1 == W ? 0 : slot + 1;
        }
        /* the last SPS samples go before the next chunk's */
        memmove(c->detbuf, c->detbuf + chunk, SPS * sizeof *c->detbuf);
        c->n = dn;
        c->blk_pow = blk_pow;
        c->esum_all = esum_all;
        c->floor_e = floor_e;
        c->noise_pow = noise_pow;
        c->squelch_open += open;
        x += chunk;
        n -= chunk;
        process_pending(c, 0);
    }
}

void ais_channel_push_real(ais_channel *c, const float *x, size_t n)
{
    while (n > 0) {
        size_t chunk = n > 4096 ? 4096 : n;
        compact(c, chunk);
        for (size_t i = 0; i < chunk; i++) {
            float s;
            firfilt_rrrf_push(c->det_r, x[i]);
            firfilt_rrrf_execute(c->det_r, &s);
            c->xr[c->len++] = s;
            c->dcsum += s - c->dcring[c->dcpos];
            c->dcring[c->dcpos] = s;
            if (++c->dcpos == DC_WIN) {
                c->dcpos = 0;
                float e = 0; /* re-sum against rounding drift */
                for (int j = 0; j < DC_WIN; j++)
                    e += c->dcring[j];
                c->dcsum = e;
            }
            int p = (int)(c->n % SPS);
            c->n++;
            int found = 0, right = 0;
            for (int v = 0; v < 2; v++) {
                int8_t lev = (v == 0 ? s * DC_WIN >= c->dcsum : s >= 0) ? 1 : -1;
                uint32_t h = c->ahist[v][p] << 1 | (lev == c->alev[v][p]);
                c->alev[v][p] = lev;
                c->ahist[v][p] = h;
                if ((h & 0xFF) == 0x7E) {
                    int rt = 8 - __builtin_popcount(((h >> 8) ^ 0x55) & 0xFF);
                    right = found ? (rt > right ? rt : right) : rt;
                    found = 1;
                }
            }
            if (!found)
                continue;
            /* a start flag whose last bit is centred on this sample; its quality is the number
             * of the 8 training bits before it that are right */
            candidate cd = {c->base + c->len - 1, (float)right, 0, 1, 0};
            add_candidate(c, &cd);
        }
        x += chunk;
        n -= chunk;
        process_pending(c, 0);
    }
}

void ais_channel_flush(ais_channel *c)
{
    process_pending(c, 1);
}
