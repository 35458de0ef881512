/* Joint detection of two colliding AIS bursts: a Viterbi search over both symbol streams.
 *
 * Where two bursts of nearly equal power overlap (3 dB apart, within a few dozen bits), neither
 * decodes alone and cancelling one's soft estimate before reading the other (sic_pair in
 * ais_channel.c) leaves too much of it behind.  Here both are read at once, as maximum-
 * likelihood sequence estimation over the pair (the multi-user detector of S. Verdu,
 * "Minimum probability of error for asynchronous Gaussian multiple-access channels", IEEE
 * Trans. Inf. Theory 32, 1986), on the channel samples:
 *
 *   x(t) = g_1(t) sum_k a1_k C0(t - t1_k) + g_2(t) sum_k a2_k C0(t - t2_k) + noise
 *
 * with each GMSK burst linear in Laurent's pseudo-symbols a_k = b_k j^(cum_a + k - 39) through
 * the main pulse C0 (P. A. Laurent, IEEE Trans. Commun. 34, 1986; ~99 % of the energy at
 * BT 0.4).  C0 is cut to +-1.5 bits around its centre (it keeps all but 1e-5 of its energy), so
 * three symbols of each burst reach any sample and the joint state is the last three symbols of
 * both: 8 x 8 states.  The bursts are asynchronous: the trellis advances in time order at each
 * burst's symbol instants (a symbol enters 1.5 bits before its C0 peak, the one 1.5 bits behind
 * it leaves), and every sample adds |x - model|^2 to each state's metric.  Symbols outside a
 * burst, and its known preamble, leave one branch.
 *
 * First each burst's start and carrier are refined on its known preamble, the other's fitted
 * preamble subtracted (refine: a grid of timing and frequency steps; the estimates were made
 * under a soft cancellation of the other, or, for a burst that never reached the link layer,
 * by the detector alone).  Without it 269 and 260 pairs of 300 decoded where it decodes 273
 * and 262 (3 dB apart, two rxcheck.py seeds).
 *
 * The complex gain g_u(t) of each burst (amplitude, carrier phase, residual frequency) is
 * fitted by least squares, each burst to the samples less the other's fit, in turn (FIT_ROUNDS).
 * The first search starts from one gain per burst fitted to its known preamble, at the refined
 * carrier, and each survivor tracks both bursts' phase and amplitude on its own decisions from
 * there (per-survivor processing: a normalised LMS on a complex correction of each gain, step
 * LMS_MU): a carrier 10 Hz off turns 1.7 rad over a one-slot burst.  The second search starts from
 * a fit to the first one's decisions, as ais_channel.c fits a waveform it subtracts: a residual
 * frequency from the phase advance of FREQ_SEG_BITS segments, then a gain per GAIN_SEG_BITS
 * interpolated between segment centres.  (Pairs 3 dB apart within +-13 ms, rxcheck.py scenes,
 * 300 pairs: the first fit to the estimates' own decisions instead of the preamble decoded 254
 * where this decodes 259; LMS_MU 0.01-0.1 moved it by 1-2 %.)
 *
 * Soft values: for each symbol, the metric difference of flipping it with every other decision
 * kept, which is the matched filter of the residual with the symbol itself put back; it is the
 * reliability the link layer's soft repair ranks symbols by. */
#include "ais_joint.h"

#include "ais_channel.h"
#include "centinela/ais_hdlc.h"
#include "centinela/log.h"
#include "gmsk_pulse.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SPS AIS_CH_SPS
#define DATA0 40
#define JM 3             /* symbols of one burst in the state */
#define US (1 << JM)     /* states of one burst */
#define NS (US * US)     /* joint states */
#define C0_CUT 1.5       /* C0 kept within +-C0_CUT bits of its centre */
#define C0_CENTRE 2.5    /* gmsk_laurent_c0 peaks at (GMSK_SPAN + 1) / 2 */
#define TAB_RES 64       /* C0 table points per bit */
#define FREQ_SEG_BITS 16 /* residual frequency from the phase advance of these segments */
#define GAIN_SEG_BITS 32 /* a gain per segment, interpolated */
#define FIT_ROUNDS 2     /* each burst fitted to the samples less the other, in turn */
#define REFINE_T_STEPS 6 /* preamble refinement: +-6 steps of REFINE_T_STEP samples */
#define REFINE_T_STEP 0.5
#define REFINE_F_STEPS 8 /* and +-8 steps of REFINE_F_STEP_HZ */
#define REFINE_F_STEP_HZ 25.0
#define AIS_BIT_RATE_HZ 9600.0
#define PASSES 2    /* fit, search; fit again to the joint decisions, search again */
#define LMS_MU 0.04 /* per-survivor gain correction, per sample (~5 bits memory) */
#define MAX_SEG (AIS_JOINT_MAX_SYMS / FREQ_SEG_BITS + 2)

#define C0_TAB_N 192 /* 2 C0_CUT TAB_RES */
static float c0tab[C0_TAB_N + 2];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build(void)
{
    int n = C0_TAB_N + 1;
    for (int i = 0; i < n; i++)
        c0tab[i] = (float)gmsk_laurent_c0(i / (double)TAB_RES - C0_CUT + C0_CENTRE);
    c0tab[n] = 0;
}

/* C0 at d bits from its centre, 0 beyond C0_CUT */
static float c0_at(double d)
{
    double x = (d + C0_CUT) * TAB_RES;
    if (x < 0 || x >= C0_TAB_N)
        return 0;
    int ix = (int)x;
    float fr = (float)(x - ix);
    return c0tab[ix] * (1 - fr) + c0tab[ix + 1] * fr;
}

/* One burst over the samples [i0, i0 + n): the newest symbol reaching each sample, the unit
 * contributions of it and the two before it (b = +1, carrier and ramps included), the fitted
 * gain */
typedef struct {
    ais_joint_burst *B;
    int *K;                  /* K[i]: newest symbol reaching sample i */
    float complex (*cb)[JM]; /* cb[i][j]: symbol K[i] - j, b = +1 */
    float complex *g;        /* fitted gain */
    float complex *p;        /* fitted contribution g * model */
} user;

static void basis(user *U, int64_t i0, int n)
{
    static const float complex jp[4] = {1, I, -1, -I};
    const ais_joint_burst *B = U->B;
    const double r = AIS_RAMP_BITS, nb = B->nsym;
    for (int i = 0; i < n; i++) {
        double di = (double)(i0 + i) - B->s0, tb = di / SPS;
        int K = (int)floor(tb + C0_CUT - 1);
        U->K[i] = K;
        double env = 1;
        if (tb < 0 || tb > nb)
            env = 0;
        else if (tb < r)
            env = 0.5 - 0.5 * cos(M_PI * tb / r);
        else if (tb > nb - r)
            env = 0.5 - 0.5 * cos(M_PI * (nb - tb) / r);
        float complex car = env > 0 ? (float complex)cexp(I * B->w * di) * (float)env : 0;
        for (int j = 0; j < JM; j++) {
            int k = K - j;
            U->cb[i][j] = 0;
            if (env > 0 && k >= 0 && k < B->nsym)
                U->cb[i][j] =
                    c0_at(tb - (k + 1)) * jp[((B->cum_a + k - (DATA0 - 1)) % 4 + 4) % 4] * car;
        }
    }
}

/* the unit model of burst U at sample i with its decisions */
static float complex model_at(const user *U, int i)
{
    float complex v = 0;
    for (int j = 0; j < JM; j++) {
        int k = U->K[i] - j;
        if (k >= 0 && k < U->B->nsym)
            v += U->B->b[k] * U->cb[i][j];
    }
    return v;
}

/* U's gain fitted to x less the other's contribution po (least squares, see the top); known:
 * only to the known symbols (the preamble), one gain for the whole burst */
static void fit(const float complex *x, int64_t i0, int n, user *U, const float complex *po,
                int known)
{
    const ais_joint_burst *B = U->B;
    double complex num[MAX_SEG] = {0}, adv = 0;
    double den[MAX_SEG] = {0};
    float complex *m = U->p; /* the unit model, then the contribution */
    int upto = known ? B->nknown : B->nsym;
    for (int i = 0; i < n; i++)
        m[i] = model_at(U, i);
    double dw = 0;
    if (!known) {
        for (int i = 0; i < n; i++) {
            double tb = ((double)(i0 + i) - B->s0) / SPS;
            if (tb < 0 || tb >= upto)
                continue;
            int sg = (int)(tb / FREQ_SEG_BITS);
            num[sg < MAX_SEG ? sg : MAX_SEG - 1] += (x[i] - po[i]) * conjf(m[i]);
        }
        for (int s = 1; s < MAX_SEG; s++)
            adv += num[s] * conj(num[s - 1]);
        dw = carg(adv) / (FREQ_SEG_BITS * SPS);
        for (int s = 0; s < MAX_SEG; s++)
            num[s] = 0;
    }
    int nseg = known ? 1 : B->nsym / GAIN_SEG_BITS + 1;
    if (nseg > MAX_SEG)
        nseg = MAX_SEG;
    /* the residual carrier e^(j dw (i - s0)) by recurrence */
    const float complex r0 = (float complex)cexp(I * dw * ((double)i0 - B->s0)),
                        step = (float complex)cexp(I * dw);
    float complex rot = r0;
    for (int i = 0; i < n; i++, rot *= step) {
        double tb = ((double)(i0 + i) - B->s0) / SPS;
        if (tb < 0 || tb >= upto)
            continue;
        int sg = (int)(tb / GAIN_SEG_BITS);
        sg = sg < nseg ? sg : nseg - 1;
        float complex v = m[i] * rot;
        num[sg] += (x[i] - po[i]) * conjf(v);
        den[sg] += crealf(v) * crealf(v) + cimagf(v) * cimagf(v);
    }
    double complex gs[MAX_SEG];
    for (int s = 0; s < nseg; s++)
        gs[s] = den[s] > 0 ? num[s] / den[s] : 0;
    rot = r0;
    for (int i = 0; i < n; i++, rot *= step) {
        double tb = ((double)(i0 + i) - B->s0) / SPS;
        double u = tb / GAIN_SEG_BITS - 0.5;
        int j = (int)floor(u);
        double fr = u - j;
        int ja = j < 0 ? 0 : j > nseg - 1 ? nseg - 1 : j;
        int jb = j + 1 < 0 ? 0 : j + 1 > nseg - 1 ? nseg - 1 : j + 1;
        U->g[i] = (float complex)(gs[ja] * (1 - fr) + gs[jb] * fr) * rot;
        U->p[i] = U->g[i] * m[i];
    }
}

static void fit_both(const float complex *x, int64_t i0, int n, user *u, int known)
{
    for (int i = 0; i < n; i++)
        u[1].p[i] = 0;
    for (int r = 0; r < FIT_ROUNDS; r++) {
        fit(x, i0, n, &u[0], u[1].p, known);
        fit(x, i0, n, &u[1], u[0].p, known);
    }
}

/* The known preamble of B started at s0, without its carrier, over the samples [*a, *b) of
 * [0, n) (x index; i0 the absolute index of x[0]) into m[0, *b - *a) */
static void preamble_model(const ais_joint_burst *B, double s0, int64_t i0, int n, float complex *m,
                           int64_t *a_out, int64_t *b_out)
{
    static const float complex jp[4] = {1, I, -1, -I};
    int64_t a = (int64_t)ceil(s0) - i0, b = (int64_t)floor(s0 + B->nknown * SPS) - i0;
    a = a < 0 ? 0 : a;
    b = b > n ? n : b;
    for (int64_t i = a; i < b; i++) {
        double tb = ((double)(i0 + i) - s0) / SPS;
        int K = (int)floor(tb + C0_CUT - 1);
        float complex v = 0;
        for (int j = 0; j < JM; j++) {
            int k = K - j;
            if (k >= 0 && k < B->nknown)
                v += B->b[k] * c0_at(tb - (k + 1)) * jp[((B->cum_a + k - (DATA0 - 1)) % 4 + 4) % 4];
        }
        if (tb < AIS_RAMP_BITS)
            v *= (float)(0.5 - 0.5 * cos(M_PI * tb / AIS_RAMP_BITS));
        m[i - a] = v;
    }
    *a_out = a;
    *b_out = b;
}

/* Each burst's start and carrier refined on its known preamble with the other's fitted
 * preamble subtracted (the estimates were made under a soft cancellation of the other): the
 * grid of +-REFINE_T_STEPS x REFINE_T_STEP samples and +-REFINE_F_STEPS x REFINE_F_STEP_HZ
 * where |<y, m>|^2 / |m|^2 is largest, twice in turn */
static void refine(const float complex *x, int64_t i0, int n, user *u)
{
    float complex m[(AIS_JOINT_KNOWN_MAX + 1) * SPS + 2];
    for (int round = 0; round < 2; round++) {
        fit_both(x, i0, n, u, 1);
        for (int w = 0; w < 2; w++) {
            ais_joint_burst *B = u[w].B;
            const float complex *po = u[!w].p;
            double best = -1, bs = B->s0, bw = B->w;
            for (int t = -REFINE_T_STEPS; t <= REFINE_T_STEPS; t++) {
                double s0 = B->s0 + t * REFINE_T_STEP;
                int64_t a, b;
                preamble_model(B, s0, i0, n, m, &a, &b);
                double den = 0;
                for (int64_t i = a; i < b; i++)
                    den +=
                        crealf(m[i - a]) * crealf(m[i - a]) + cimagf(m[i - a]) * cimagf(m[i - a]);
                if (!(den > 0))
                    continue;
                for (int f = -REFINE_F_STEPS; f <= REFINE_F_STEPS; f++) {
                    double wf = B->w + 2 * M_PI * f * REFINE_F_STEP_HZ / (SPS * AIS_BIT_RATE_HZ);
                    float complex rot = (float complex)cexp(-I * wf * ((double)(i0 + a) - s0)),
                                  step = (float complex)cexp(-I * wf);
                    float complex num = 0;
                    for (int64_t i = a; i < b; i++, rot *= step)
                        num += (x[i] - po[i]) * conjf(m[i - a]) * rot;
                    double q = (crealf(num) * crealf(num) + cimagf(num) * cimagf(num)) / den;
                    if (q > best)
                        best = q, bs = s0, bw = wf;
                }
            }
            B->s0 = bs;
            B->w = bw;
            basis(&u[w], i0, n);
        }
    }
}

/* The trellis: one event per symbol entering a burst's window, in time order */
typedef struct {
    int8_t who;
    int k;
    uint8_t from[NS]; /* the left symbol of the survivor's predecessor */
} event;

/* the burst's part of a joint state, and the state with that part replaced */
static inline int part(int s, int u)
{
    return u ? s >> JM : s & (US - 1);
}
static inline int with_part(int s, int u, int v)
{
    return u ? (s & (US - 1)) | v << JM : (s & ~(US - 1)) | v;
}

/* a symbol's allowed values: bit 0 set = -1 allowed, bit 1 = +1 (the state holds 1 for +1) */
static int allowed(const ais_joint_burst *B, int k)
{
    if (k < 0 || k >= B->nsym)
        return 1; /* off the air: one branch (0), the model ignores it */
    if (k < B->nknown)
        return B->b[k] > 0 ? 2 : 1;
    return 3;
}

static void search(const float complex *x, int n, user *u, event *ev, int ev_cap)
{
    double metric[NS], nm[NS];
    float complex corr[2][NS], nc[2][NS];
    int ne = 0;
    int cur[2];
    for (int w = 0; w < 2; w++)
        cur[w] = u[w].K[0] - JM;
    for (int s = 0; s < NS; s++) {
        metric[s] = s == 0 ? 0 : INFINITY;
        corr[0][s] = corr[1][s] = 1;
    }
    for (int i = 0; i < n; i++) {
        for (int w = 0; w < 2; w++) {
            while (cur[w] < u[w].K[i] && ne < ev_cap) {
                int k = ++cur[w];
                event *e = &ev[ne++];
                e->who = (int8_t)w;
                e->k = k;
                int al = allowed(u[w].B, k);
                double lo = INFINITY;
                for (int s = 0; s < NS; s++) {
                    int p = part(s, w), nb = p & 1;
                    nm[s] = INFINITY;
                    e->from[s] = 0;
                    if (!(al >> nb & 1))
                        continue;
                    for (int d = 0; d < 2; d++) {
                        int q = with_part(s, w, (p >> 1) | d << (JM - 1));
                        if (metric[q] < nm[s]) {
                            nm[s] = metric[q];
                            e->from[s] = (uint8_t)d;
                            nc[0][s] = corr[0][q];
                            nc[1][s] = corr[1][q];
                        }
                    }
                    if (nm[s] < lo)
                        lo = nm[s];
                }
                for (int s = 0; s < NS; s++) {
                    metric[s] = nm[s] - lo; /* kept near 0 */
                    corr[0][s] = nc[0][s];
                    corr[1][s] = nc[1][s];
                }
            }
        }
        /* each burst's contribution for each of its states */
        float complex hv[2][US];
        float mu[2];
        for (int w = 0; w < 2; w++) {
            float complex g = u[w].g[i];
            float g2 = crealf(g) * crealf(g) + cimagf(g) * cimagf(g);
            mu[w] = g2 > 0 ? (float)LMS_MU / g2 : 0;
            for (int v = 0; v < US; v++) {
                float complex a = 0;
                for (int j = 0; j < JM; j++)
                    a += (v >> j & 1 ? 1.0f : -1.0f) * u[w].cb[i][j];
                hv[w][v] = g * a;
            }
        }
        for (int s = 0; s < NS; s++) {
            if (!(metric[s] < INFINITY))
                continue;
            float complex h0 = hv[0][part(s, 0)], h1 = hv[1][part(s, 1)];
            float complex e = x[i] - corr[0][s] * h0 - corr[1][s] * h1;
            metric[s] += crealf(e) * crealf(e) + cimagf(e) * cimagf(e);
            corr[0][s] += mu[0] * e * conjf(h0);
            corr[1][s] += mu[1] * e * conjf(h1);
        }
    }
    int best = 0;
    for (int s = 1; s < NS; s++)
        if (metric[s] < metric[best])
            best = s;
    for (int t = ne - 1, s = best; t >= 0; t--) {
        const event *e = &ev[t];
        int p = part(s, e->who);
        if (e->k >= u[e->who].B->nknown && e->k < u[e->who].B->nsym)
            u[e->who].B->b[e->k] = p & 1 ? 1 : -1;
        s = with_part(s, e->who, (p >> 1) | e->from[s] << (JM - 1));
    }
}

/* soft values: the matched filter of the residual with each symbol put back (see the top) */
static void soft(const float complex *x, int64_t i0, int n, user *u, double *num, double *den)
{
    for (int w = 0; w < 2; w++) {
        const ais_joint_burst *B = u[w].B;
        for (int k = 0; k < B->nsym; k++)
            num[k] = den[k] = 0;
        double sa = 0;
        int na = 0;
        for (int i = 0; i < n; i++) {
            float complex e = x[i] - u[0].p[i] - u[1].p[i];
            for (int j = 0; j < JM; j++) {
                int k = u[w].K[i] - j;
                if (k < 0 || k >= B->nsym)
                    continue;
                float complex q = u[w].g[i] * u[w].cb[i][j];
                float complex t = (e + B->b[k] * q) * conjf(q);
                num[k] += crealf(t);
                den[k] += crealf(q) * crealf(q) + cimagf(q) * cimagf(q);
            }
            double tb = ((double)(i0 + i) - B->s0) / SPS;
            if (tb >= AIS_RAMP_BITS && tb < B->nsym - AIS_RAMP_BITS) {
                sa += cabsf(u[w].g[i]);
                na++;
            }
        }
        double amp = na ? sa / na : 0;
        u[w].B->amp = amp;
        for (int k = 0; k < B->nsym; k++)
            B->r[k] = den[k] > 0 ? (float)(num[k] / den[k] * amp) : 0;
    }
}

int ais_joint_detect(const float complex *x, int64_t base, size_t len, ais_joint_burst bu[2])
{
    pthread_once(&once, build);
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (int w = 0; w < 2; w++) {
        if (bu[w].nsym < DATA0 + 8 || bu[w].nsym > AIS_JOINT_MAX_SYMS || bu[w].nknown < 0 ||
            bu[w].nknown > bu[w].nsym || bu[w].nknown > AIS_JOINT_KNOWN_MAX)
            return -1;
        int64_t a = (int64_t)ceil(bu[w].s0), b = (int64_t)floor(bu[w].s0 + bu[w].nsym * SPS) + 1;
        lo = a < lo ? a : lo;
        hi = b > hi ? b : hi;
    }
    /* the bursts must overlap */
    double o0 = fmax(bu[0].s0, bu[1].s0),
           o1 = fmin(bu[0].s0 + bu[0].nsym * SPS, bu[1].s0 + bu[1].nsym * SPS);
    if (o1 - o0 < DATA0 * SPS)
        return -1;
    if (lo < base)
        lo = base;
    if (hi > base + (int64_t)len)
        hi = base + (int64_t)len;
    int n = (int)(hi - lo);
    if (n < DATA0 * SPS)
        return -1;
    const float complex *xs = x + (lo - base);
    user u[2];
    for (int w = 0; w < 2; w++) {
        u[w].B = &bu[w];
        u[w].K = x_malloc((size_t)n * sizeof *u[w].K);
        u[w].cb = x_malloc((size_t)n * sizeof *u[w].cb);
        u[w].g = x_malloc((size_t)n * sizeof *u[w].g);
        u[w].p = x_malloc((size_t)n * sizeof *u[w].p);
        basis(&u[w], lo, n);
    }
    int ev_cap = bu[0].nsym + bu[1].nsym + n / SPS + 4 * JM + 8;
    event *ev = x_malloc((size_t)ev_cap * sizeof *ev);
    refine(xs, lo, n, u);
    for (int pass = 0; pass < PASSES; pass++) {
        fit_both(xs, lo, n, u, pass == 0);
        search(xs, n, u, ev, ev_cap);
    }
    fit_both(xs, lo, n, u, 0);
    double *num = x_malloc(AIS_JOINT_MAX_SYMS * sizeof *num);
    double *den = x_malloc(AIS_JOINT_MAX_SYMS * sizeof *den);
    soft(xs, lo, n, u, num, den);
    free(num);
    free(den);
    free(ev);
    for (int w = 0; w < 2; w++) {
        free(u[w].K);
        free(u[w].cb);
        free(u[w].g);
        free(u[w].p);
    }
    return 0;
}
