/* AIS demodulator object: front end (decimation, channel split) and frame queue.
 *
 * Front end for complex input at fs:
 *   fs >= 384 kS/s: CIC-3 decimation by D = floor(fs / 192k) to fs / D in [192k, 384k).  It is
 *     hand-written because liquid's half-band cascade (msresamp) costs ~60 ms per second of
 *     1.536 MS/s input on our reference machine, more than the whole budget of the receiver;
 *     the CIC's aliases into +-41 kHz are below -40 dB, its droop (<= 1.3 dB at 33 kHz) is a
 *     gentle tilt the coherent receiver does not mind.
 *   then to 96 kS/s: liquid firdecim (integer ratios 2 and 3) or msresamp (any other ratio,
 *     also up-sampling for 48 k <= fs < 96 k);
 *   per channel: liquid nco mixes the channel to 0 Hz, a liquid firdecim by 2 (+-16 kHz pass
 *     band, so a 60 ppm tuning error still passes) gives 48 kS/s.
 * Audio input: liquid msresamp to 48 kS/s when needed.
 */
#include "centinela/ais_demod.h"

#include "ais_channel.h"
#include "centinela/log.h"

#include <liquid/liquid.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MID_RATE_HZ 96000.0
#define CH_OFFSET_MAX_HZ 32000.0
#define BLOCK 8192

typedef struct {
    char label;
    double hz, offset_hz;
    nco_crcf nco;
    firdecim_crcf dec;
    ais_channel *ch;
} channel;

struct ais_demod {
    ais_demod_config cfg;
    ais_demod_stats stats;
    /* complex front end */
    int cic_d;
    float *cic_h;                 /* CIC-3 impulse response, 3D-2 taps */
    int cic_len;
    float complex *cic_hist;      /* last cic_len-1 inputs + block */
    size_t cic_fill;              /* samples in cic_hist not yet consumed as history */
    firdecim_crcf dec2;
    int dec2_m;
    msresamp_crcf rs;
    msresamp_rrrf rs_real;
    float complex *pend2;         /* samples waiting for a whole firdecim input block */
    int npend2;
    float complex carry;          /* odd sample at 96 kS/s waiting for its pair */
    int has_carry;
    channel chan[2];
    int nchan;
    double delay_in;              /* front-end delay, input samples */
    double ratio;                 /* input samples per channel (48 kS/s) sample */
    float complex *w1, *w2, *w3;
    float *wr;
    /* frame queue */
    ais_demod_frame *q;
    size_t qhead, qlen, qcap;
};

void ais_demod_config_default(ais_demod_config *cfg, double sample_rate_hz)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->sample_rate_hz = sample_rate_hz;
    cfg->center_hz = 162.000e6;
    cfg->audio_channel = 'A';
    cfg->channels = AIS_DEMOD_CHANNEL_A | AIS_DEMOD_CHANNEL_B;
    cfg->max_freq_offset_hz = 10000;
    cfg->repair_bits = 2;
}

static void emit(void *ctx, const ais_demod_frame *f)
{
    ais_demod *q = ctx;
    if (q->qlen == q->qcap) {
        size_t ncap = q->qcap ? 2 * q->qcap : 16;
        ais_demod_frame *n = x_malloc(ncap * sizeof *n);
        for (size_t i = 0; i < q->qlen; i++)
            n[i] = q->q[(q->qhead + i) % q->qcap];
        free(q->q);
        q->q = n;
        q->qhead = 0;
        q->qcap = ncap;
    }
    ais_demod_frame *o = &q->q[(q->qhead + q->qlen++) % q->qcap];
    *o = *f;
    double in = (double)f->start_sample * q->ratio - q->delay_in;
    o->start_sample = in > 0 ? (uint64_t)llround(in) : 0;
}

static firdecim_crcf make_decim(int m, double pass_hz, double rate_hz, int taps)
{
    /* Kaiser low-pass with its 6 dB point between the pass band edge and the first alias */
    float *h = x_malloc((size_t)taps * sizeof *h);
    double stop_hz = rate_hz / m - pass_hz;
    float fc = (float)((pass_hz + stop_hz) / 2 / rate_hz);
    liquid_firdes_kaiser((unsigned)taps, fc, 50.0f, 0.0f, h);
    double sum = 0;
    for (int i = 0; i < taps; i++)
        sum += h[i];
    for (int i = 0; i < taps; i++)
        h[i] = (float)(h[i] / sum);
    firdecim_crcf d = firdecim_crcf_create((unsigned)m, h, (unsigned)taps);
    free(h);
    return d;
}

ais_demod *ais_demod_create(const ais_demod_config *cfg_in)
{
    if (!cfg_in) {
        log_error("ais_demod: no configuration");
        return NULL;
    }
    ais_demod_config cfg = *cfg_in;
    double fs = cfg.sample_rate_hz;
    if (cfg.center_hz == 0)
        cfg.center_hz = 162.000e6;
    if (cfg.channels == 0)
        cfg.channels = AIS_DEMOD_CHANNEL_A | AIS_DEMOD_CHANNEL_B;
    if (cfg.max_freq_offset_hz == 0)
        cfg.max_freq_offset_hz = 10000;
    if (cfg.repair_bits < 0)
        cfg.repair_bits = 2;
    if (cfg.audio_channel == 0)
        cfg.audio_channel = 'A';
    if (cfg.input_real) {
        if (!(fs >= 48e3 && fs <= 192e3)) {
            log_error("ais_demod: audio sample rate %.0f Hz outside [48000, 192000]", fs);
            return NULL;
        }
        if (cfg.audio_channel != 'A' && cfg.audio_channel != 'B') {
            log_error("ais_demod: audio channel '%c' (A or B)", cfg.audio_channel);
            return NULL;
        }
    } else if (!(fs >= 48e3 && fs <= 2.4e6)) {
        log_error("ais_demod: sample rate %.0f Hz outside [48000, 2400000]", fs);
        return NULL;
    }
    if (!(cfg.center_hz >= 100e6 && cfg.center_hz <= 250e6)) {
        log_error("ais_demod: centre %.0f Hz is not a VHF marine frequency (100-250 MHz)",
                  cfg.center_hz);
        return NULL;
    }
    if (cfg.channels & ~(AIS_DEMOD_CHANNEL_A | AIS_DEMOD_CHANNEL_B)) {
        log_error("ais_demod: channel mask 0x%x (A = 1, B = 2)", (unsigned)cfg.channels);
        return NULL;
    }
    if (!(cfg.max_freq_offset_hz > 0 && cfg.max_freq_offset_hz <= 12000)) {
        log_error("ais_demod: frequency search range %.0f Hz outside (0, 12000]",
                  cfg.max_freq_offset_hz);
        return NULL;
    }
    if (cfg.repair_bits > 2) {
        log_error("ais_demod: repair_bits %d outside [0, 2]", cfg.repair_bits);
        return NULL;
    }

    ais_demod *q = x_calloc(1, sizeof *q);
    q->cfg = cfg;
    q->w1 = x_malloc(4 * BLOCK * sizeof *q->w1);
    q->w2 = x_malloc(4 * BLOCK * sizeof *q->w2);
    q->w3 = x_malloc(4 * BLOCK * sizeof *q->w3);
    q->wr = x_malloc(4 * BLOCK * sizeof *q->wr);
    if (cfg.input_real) {
        double ch_hz = cfg.audio_channel == 'A' ? 161.975e6 : 162.025e6;
        q->chan[0].label = cfg.audio_channel;
        q->chan[0].hz = ch_hz;
        q->chan[0].ch = ais_channel_create(1, cfg.audio_channel, ch_hz, cfg.max_freq_offset_hz,
                                           cfg.repair_bits, &q->stats, emit, q);
        q->nchan = 1;
        if (fabs(fs - 48000) > 0.5) {
            q->rs_real = msresamp_rrrf_create((float)(48000 / fs), 60.0f);
            q->delay_in = msresamp_rrrf_get_delay(q->rs_real) * fs / 48000;
        }
        q->ratio = fs / 48000;
        return q;
    }
    /* channels that fit in the band */
    static const struct {
        int bit;
        char label;
        double hz;
    } defs[2] = {{AIS_DEMOD_CHANNEL_A, 'A', 161.975e6}, {AIS_DEMOD_CHANNEL_B, 'B', 162.025e6}};
    for (int i = 0; i < 2; i++) {
        if (!(cfg.channels & defs[i].bit))
            continue;
        double off = defs[i].hz - cfg.center_hz;
        if (fabs(off) > CH_OFFSET_MAX_HZ || fabs(off) + 12.5e3 > fs / 2) {
            log_warn("ais_demod: channel %c (%+.0f Hz from centre) is outside the %.0f Hz band",
                     defs[i].label, off, fs);
            continue;
        }
        channel *c = &q->chan[q->nchan++];
        c->label = defs[i].label;
        c->hz = defs[i].hz;
        c->offset_hz = off;
    }
    if (q->nchan == 0) {
        log_error("ais_demod: no AIS channel inside %.0f Hz around %.0f Hz", fs, cfg.center_hz);
        free(q->w1), free(q->w2), free(q->w3), free(q->wr), free(q);
        return NULL;
    }
    double r1 = fs;
    q->cic_d = 1;
    if (fs >= 384000) {
        int d = (int)floor(fs / 192000);
        q->cic_d = d;
        r1 = fs / d;
        /* CIC-3 as a FIR: three boxcars of length d convolved, unity DC gain */
        q->cic_len = 3 * d - 2;
        q->cic_h = x_calloc((size_t)q->cic_len, sizeof *q->cic_h);
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++)
                for (int e = 0; e < d; e++)
                    q->cic_h[a + b + e] += 1.0f / (float)(d * d * d);
        q->cic_hist = x_calloc((size_t)(q->cic_len + 4 * BLOCK), sizeof *q->cic_hist);
        q->cic_fill = (size_t)q->cic_len - 1;
        q->delay_in += (q->cic_len - 1) / 2.0;
    }
    double m = r1 / MID_RATE_HZ;
    if (fabs(m - 1) < 1e-9) {
        /* already at 96 kS/s */
    } else if (fabs(m - round(m)) < 1e-9 && (round(m) == 2 || round(m) == 3)) {
        q->dec2_m = (int)round(m);
        int taps = q->dec2_m == 2 ? 23 : 41;
        q->dec2 = make_decim(q->dec2_m, 41000, r1, taps);
        q->pend2 = x_malloc(4 * sizeof *q->pend2);
        q->delay_in += (taps - 1) / 2.0 * (fs / r1);
    } else {
        q->rs = msresamp_crcf_create((float)(MID_RATE_HZ / r1), 60.0f);
        q->delay_in += msresamp_crcf_get_delay(q->rs) * fs / MID_RATE_HZ;
    }
    for (int i = 0; i < q->nchan; i++) {
        channel *c = &q->chan[i];
        c->nco = nco_crcf_create(LIQUID_NCO);
        nco_crcf_set_frequency(c->nco, (float)(2 * M_PI * c->offset_hz / MID_RATE_HZ));
        c->dec = make_decim(2, 16000, MID_RATE_HZ, 25);
        c->ch = ais_channel_create(0, c->label, c->hz, cfg.max_freq_offset_hz, cfg.repair_bits,
                                   &q->stats, emit, q);
    }
    q->delay_in += 12.0 * fs / MID_RATE_HZ; /* channel filter, 25 taps at 96 kS/s */
    q->ratio = fs / 48000;
    return q;
}

void ais_demod_destroy(ais_demod **pq)
{
    if (!pq || !*pq)
        return;
    ais_demod *q = *pq;
    for (int i = 0; i < q->nchan; i++) {
        if (q->chan[i].nco)
            nco_crcf_destroy(q->chan[i].nco);
        if (q->chan[i].dec)
            firdecim_crcf_destroy(q->chan[i].dec);
        ais_channel_destroy(&q->chan[i].ch);
    }
    if (q->dec2)
        firdecim_crcf_destroy(q->dec2);
    if (q->rs)
        msresamp_crcf_destroy(q->rs);
    if (q->rs_real)
        msresamp_rrrf_destroy(q->rs_real);
    free(q->cic_h);
    free(q->cic_hist);
    free(q->pend2);
    free(q->w1), free(q->w2), free(q->w3), free(q->wr);
    free(q->q);
    free(q);
    *pq = NULL;
}

/* CIC stage: consumes n inputs, returns the number of outputs written to out */
static size_t cic_run(ais_demod *q, const float complex *x, size_t n, float complex *out)
{
    size_t L = (size_t)q->cic_len, d = (size_t)q->cic_d;
    memcpy(q->cic_hist + q->cic_fill, x, n * sizeof *x);
    size_t total = q->cic_fill + n;
    size_t no = 0, pos = 0; /* output uses hist[pos .. pos+L-1] */
    const float *h = q->cic_h;
    while (pos + L <= total) {
        const float *v = (const float *)(q->cic_hist + pos);
        float re = 0, im = 0;
        for (size_t i = 0; i < L; i++) {
            re += h[i] * v[2 * i];
            im += h[i] * v[2 * i + 1];
        }
        out[no++] = re + I * im;
        pos += d;
    }
    memmove(q->cic_hist, q->cic_hist + pos, (total - pos) * sizeof *q->cic_hist);
    q->cic_fill = total - pos;
    return no;
}

static void channels_run(ais_demod *q, float complex *x, size_t n)
{
    for (int i = 0; i < q->nchan; i++) {
        channel *c = &q->chan[i];
        nco_crcf_mix_block_down(c->nco, x, q->w3, (unsigned)n);
        size_t no = n / 2;
        firdecim_crcf_execute_block(c->dec, q->w3, (unsigned)no, q->w3);
        ais_channel_push_cf32(c->ch, q->w3, no);
    }
}

/* at 96 kS/s: the channel decimators want an even count; an odd sample waits for the next
 * call (x[-1] must be writable) */
static void feed96(ais_demod *q, float complex *x, size_t n)
{
    if (q->has_carry) {
        x--;
        x[0] = q->carry;
        n++;
        q->has_carry = 0;
    }
    if (n & 1) {
        q->carry = x[n - 1];
        q->has_carry = 1;
        n--;
    }
    if (n > 0)
        channels_run(q, x, n);
}

int ais_demod_process_cf32(ais_demod *q, const float complex *x, size_t n)
{
    if (q->cfg.input_real) {
        log_error("ais_demod: configured for real (audio) input");
        return -1;
    }
    while (n > 0) {
        size_t chunk = n > BLOCK ? BLOCK : n;
        const float complex *cur = x;
        size_t m = chunk;
        if (q->cic_d > 1) {
            m = cic_run(q, cur, m, q->w1);
            cur = q->w1;
        }
        /* to 96 kS/s; w2 has room for one extra sample in front for the carry */
        float complex *mid = q->w2 + 1;
        size_t m2;
        if (q->dec2) {
            size_t M = (size_t)q->dec2_m;
            size_t k = 0, no = 0;
            /* complete a partial block from the previous call */
            while (q->npend2 > 0 && q->npend2 < (int)M && k < m)
                q->pend2[q->npend2++] = cur[k++];
            if (q->npend2 == (int)M) {
                firdecim_crcf_execute(q->dec2, q->pend2, &mid[no++]);
                q->npend2 = 0;
            }
            size_t blocks = (m - k) / M;
            firdecim_crcf_execute_block(q->dec2, (float complex *)cur + k, (unsigned)blocks,
                                        mid + no);
            no += blocks;
            k += blocks * M;
            while (k < m)
                q->pend2[q->npend2++] = cur[k++];
            m2 = no;
        } else if (q->rs) {
            unsigned ny = 0;
            msresamp_crcf_execute(q->rs, (float complex *)cur, (unsigned)m, mid, &ny);
            m2 = ny;
        } else {
            memcpy(mid, cur, m * sizeof *cur);
            m2 = m;
        }
        feed96(q, mid, m2);
        x += chunk;
        n -= chunk;
    }
    return 0;
}

int ais_demod_process_real(ais_demod *q, const float *x, size_t n)
{
    if (!q->cfg.input_real) {
        log_error("ais_demod: configured for complex input");
        return -1;
    }
    while (n > 0) {
        size_t chunk = n > BLOCK ? BLOCK : n;
        if (q->rs_real) {
            unsigned ny = 0;
            msresamp_rrrf_execute(q->rs_real, (float *)x, (unsigned)chunk, q->wr, &ny);
            ais_channel_push_real(q->chan[0].ch, q->wr, ny);
        } else {
            ais_channel_push_real(q->chan[0].ch, x, chunk);
        }
        x += chunk;
        n -= chunk;
    }
    return 0;
}

int ais_demod_flush(ais_demod *q)
{
    for (int i = 0; i < q->nchan; i++)
        ais_channel_flush(q->chan[i].ch);
    return 0;
}

int ais_demod_pop(ais_demod *q, ais_demod_frame *out)
{
    if (q->qlen == 0)
        return 0;
    *out = q->q[q->qhead];
    q->qhead = (q->qhead + 1) % q->qcap;
    q->qlen--;
    return 1;
}

void ais_demod_get_stats(const ais_demod *q, ais_demod_stats *out)
{
    *out = q->stats;
}
