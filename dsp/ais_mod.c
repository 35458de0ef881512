/* AIS modulator.
 *
 * Each burst's complex envelope is computed sample by sample from its closed-form phase
 * (phi(t) = phi0 + 2 pi f t + pi/2 sum_k level_k p(t - t_k)), which gives exact fractional
 * timing and frequency at any output rate without a resampler. */
#include "centinela/ais_mod.h"

#include "centinela/ais_hdlc.h"
#include "centinela/log.h"
#include "gmsk_pulse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_AIR_BITS (2 * AIS_MAX_PAYLOAD_BITS + 128)

typedef struct {
    int8_t *level;   /* NRZI levels */
    double *cum;     /* cum[k] = sum of levels before bit k */
    size_t nbits;
    double start_s, amp, omega, phase0; /* omega: rad/s */
    uint64_t first, last;              /* sample range [first, last) */
} burst;

struct ais_mod {
    ais_mod_config cfg;
    double n0;  /* noise power spectral density, full scale^2 per Hz */
    double sigma; /* noise std per component */
    uint64_t pos;
    uint64_t rng;
    burst *b;
    size_t nb, cap;
    float ptab[GMSK_SPAN * 64 + 1]; /* phase pulse at 64 points per bit, for speed */
};

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
    return ((double)(splitmix(s) >> 11) + 0.5) / 9007199254740992.0;
}

ais_mod *ais_mod_create(const ais_mod_config *cfg)
{
    if (!cfg) {
        log_error("ais_mod: no configuration");
        return NULL;
    }
    if (!(cfg->sample_rate_hz >= 48e3 && cfg->sample_rate_hz <= 2.4e6)) {
        log_error("ais_mod: sample rate %.0f Hz outside [48000, 2400000]", cfg->sample_rate_hz);
        return NULL;
    }
    if (!(cfg->noise_dbfs >= -100 && cfg->noise_dbfs <= 0)) {
        log_error("ais_mod: noise level %.1f dBFS outside [-100, 0]", cfg->noise_dbfs);
        return NULL;
    }
    if (!(cfg->center_hz >= 0 && cfg->center_hz < 10e9)) {
        log_error("ais_mod: centre frequency out of range");
        return NULL;
    }
    ais_mod *q = x_calloc(1, sizeof *q);
    q->cfg = *cfg;
    if (q->cfg.center_hz == 0)
        q->cfg.center_hz = 162.000e6;
    double pn = pow(10.0, cfg->noise_dbfs / 10);
    q->n0 = pn / cfg->sample_rate_hz;
    q->sigma = sqrt(pn / 2);
    q->rng = cfg->seed ^ 0x5DEECE66Dull;
    for (int i = 0; i <= GMSK_SPAN * 64; i++)
        q->ptab[i] = (float)gmsk_phase_pulse(i / 64.0 - GMSK_SPAN / 2.0);
    return q;
}

void ais_mod_destroy(ais_mod **pq)
{
    if (!pq || !*pq)
        return;
    ais_mod *q = *pq;
    for (size_t i = 0; i < q->nb; i++) {
        free(q->b[i].level);
        free(q->b[i].cum);
    }
    free(q->b);
    free(q);
    *pq = NULL;
}

double ais_mod_burst_duration_s(const uint8_t *msb_bits, size_t nbits)
{
    uint8_t air[MAX_AIR_BITS];
    size_t n = ais_hdlc_build(msb_bits, nbits, air, sizeof air, NULL);
    return n / AIS_BIT_RATE;
}

int ais_mod_add_burst(ais_mod *q, const uint8_t *msb_bits, size_t nbits, const ais_mod_burst *p)
{
    uint8_t air[MAX_AIR_BITS];
    size_t n = ais_hdlc_build(msb_bits, nbits, air, sizeof air, NULL);
    if (n == 0) {
        log_error("ais_mod: message of %zu bits cannot be framed", nbits);
        return -1;
    }
    if (!(p->ebn0_db >= -20 && p->ebn0_db <= 80) || !(p->start_s >= 0) ||
        !isfinite(p->freq_offset_hz)) {
        log_error("ais_mod: burst parameters out of range");
        return -1;
    }
    double f = p->freq_offset_hz;
    if (p->channel == 'A')
        f += AIS_CHANNEL_A_HZ - q->cfg.center_hz;
    else if (p->channel == 'B')
        f += AIS_CHANNEL_B_HZ - q->cfg.center_hz;
    else if (p->channel != 0) {
        log_error("ais_mod: channel '%c' (A or B)", p->channel);
        return -1;
    }
    double fs = q->cfg.sample_rate_hz;
    if (fabs(f) + 12.5e3 > fs / 2) {
        log_error("ais_mod: burst at %+.0f Hz from centre is outside the %.0f Hz band", f, fs);
        return -1;
    }
    uint64_t first = (uint64_t)floor(p->start_s * fs);
    if (first < q->pos) {
        log_error("ais_mod: burst at %.6f s starts before the rendered position", p->start_s);
        return -1;
    }
    if (q->nb == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 16;
        q->b = x_realloc(q->b, q->cap * sizeof *q->b);
    }
    burst *b = &q->b[q->nb++];
    b->nbits = n;
    b->level = x_malloc(n);
    b->cum = x_malloc((n + 1) * sizeof *b->cum);
    ais_hdlc_nrzi(air, n, (splitmix(&q->rng) & 1) ? 1 : -1, b->level);
    b->cum[0] = 0;
    for (size_t k = 0; k < n; k++)
        b->cum[k + 1] = b->cum[k] + b->level[k];
    b->start_s = p->start_s;
    b->amp = sqrt(pow(10.0, p->ebn0_db / 10) * q->n0 * AIS_BIT_RATE);
    b->omega = 2 * M_PI * f;
    b->phase0 = 2 * M_PI * uniform(&q->rng);
    b->first = first;
    b->last = (uint64_t)ceil((p->start_s + n / AIS_BIT_RATE) * fs) + 1;
    return 0;
}

/* raised-cosine power ramp over AIS_RAMP_BITS at both ends of the burst */
static double envelope(double tb, double nbits)
{
    double r = AIS_RAMP_BITS;
    if (tb < 0 || tb > nbits)
        return 0;
    if (tb < r)
        return 0.5 - 0.5 * cos(M_PI * tb / r);
    if (tb > nbits - r)
        return 0.5 - 0.5 * cos(M_PI * (nbits - tb) / r);
    return 1;
}

static void render_burst(ais_mod *q, const burst *b, float complex *out, uint64_t from, size_t n)
{
    double fs = q->cfg.sample_rate_hz;
    uint64_t lo = from > b->first ? from : b->first;
    uint64_t hi = from + n < b->last ? from + n : b->last;
    for (uint64_t i = lo; i < hi; i++) {
        double t = i / fs - b->start_s;
        double tb = t * AIS_BIT_RATE; /* bit periods since the burst start */
        double env = envelope(tb, (double)b->nbits);
        if (env <= 0)
            continue;
        /* bits whose pulse is still changing: centres within +-GMSK_SPAN/2 of tb */
        long k0 = (long)floor(tb - 0.5 - GMSK_SPAN / 2.0);
        long k1 = (long)ceil(tb - 0.5 + GMSK_SPAN / 2.0);
        if (k0 < 0)
            k0 = 0;
        if (k1 > (long)b->nbits - 1)
            k1 = (long)b->nbits - 1;
        double ph = k0 <= (long)b->nbits ? b->cum[k0] : b->cum[b->nbits];
        for (long k = k0; k <= k1; k++) {
            double x = (tb - (k + 0.5) + GMSK_SPAN / 2.0) * 64;
            double pk;
            if (x <= 0)
                pk = 0;
            else if (x >= GMSK_SPAN * 64)
                pk = 1;
            else {
                int ix = (int)x;
                double fr = x - ix;
                pk = q->ptab[ix] * (1 - fr) + q->ptab[ix + 1] * fr;
            }
            ph += b->level[k] * pk;
        }
        double phase = b->phase0 + b->omega * t + M_PI / 2 * ph;
        out[i - from] += (float complex)(b->amp * env * cexp(I * fmod(phase, 2 * M_PI)));
    }
}

void ais_mod_render(ais_mod *q, float complex *out, size_t n)
{
    if (q->cfg.add_noise) {
        for (size_t i = 0; i < n; i++) {
            double u1 = uniform(&q->rng), u2 = uniform(&q->rng);
            double r = q->sigma * sqrt(-2 * log(u1));
            out[i] = (float complex)(r * cos(2 * M_PI * u2) + I * r * sin(2 * M_PI * u2));
        }
    } else {
        memset(out, 0, n * sizeof *out);
    }
    size_t keep = 0;
    for (size_t j = 0; j < q->nb; j++) {
        burst *b = &q->b[j];
        if (b->first < q->pos + n && b->last > q->pos)
            render_burst(q, b, out, q->pos, n);
        if (b->last > q->pos + n) {
            q->b[keep++] = *b;
        } else {
            free(b->level);
            free(b->cum);
        }
    }
    q->nb = keep;
    q->pos += n;
}

uint64_t ais_mod_position(const ais_mod *q)
{
    return q->pos;
}

size_t ais_mod_pending(const ais_mod *q)
{
    return q->nb;
}

double ais_mod_noise_power(const ais_mod *q)
{
    return q->n0 * q->cfg.sample_rate_hz;
}

void ais_mod_discriminate(const float complex *x, size_t n, float complex *state, float *out)
{
    float complex prev = *state;
    for (size_t i = 0; i < n; i++) {
        out[i] = cargf(x[i] * conjf(prev)) / (float)M_PI;
        prev = x[i];
    }
    *state = prev;
}
