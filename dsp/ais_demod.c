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
#include "fir.h"

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
    float complex osc, osc_step; /* mixer phasor at 96 kS/s, by recurrence */
    fir_decim *dec;
    ais_channel *ch;
} channel;

struct ais_demod {
    ais_demod_config cfg;
    ais_demod_stats stats;
    /* complex front end */
    int cic_d;
    fir_decim *cic; /* CIC-3 as a FIR, 3D-2 taps */
    fir_decim *dec2;
    msresamp_crcf rs;
    msresamp_rrrf rs_real;
    channel chan[2];
    int nchan;
    double delay_in; /* front-end delay, input samples */
    double ratio;    /* input samples per channel (48 kS/s) sample */
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
    cfg->sic = 1;
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

static fir_decim *make_decim(int m, double pass_hz, double rate_hz, int taps)
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
    fir_decim *d = fir_decim_create(h, taps, m, 4 * BLOCK);
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
    if (cfg.sic == 0)
        cfg.sic = 1;
    if (cfg.input_real) {
        if (!(fs >= 48e3 && fs <= 192e3)) {
            log_error("ais_demod: audio sample rate %.0f Hz outside [48000, 192000]", fs);
            return NULL;
        }
        if (cfg.audio_channel != 'A' && cfg.audio_channel != 'B') {
            log_error("ais_demod: audio channel '%c' (A or B)", cfg.audio_channel);
            return NULL;
        }
    } else if (!(fs >= 48e3 && fs <= 10e6)) { /* the CIC takes Airspy/HackRF rates to 192k */
        log_error("ais_demod: sample rate %.0f Hz outside [48000, 10000000]", fs);
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
    if (cfg.sic != 1 && cfg.sic != -1) {
        log_error("ais_demod: sic %d (1 on, -1 off, 0 default)", cfg.sic);
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
                                           cfg.repair_bits, 0, &q->stats, emit, q);
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
        int len = 3 * d - 2;
        float *h = x_calloc((size_t)len, sizeof *h);
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++)
                for (int e = 0; e < d; e++)
                    h[a + b + e] += 1.0f / (float)(d * d * d);
        q->cic = fir_decim_create(h, len, d, 4 * BLOCK);
        free(h);
        q->delay_in += (len - 1) / 2.0;
    }
    double m = r1 / MID_RATE_HZ;
    if (fabs(m - 1) < 1e-9) {
        /* already at 96 kS/s */
    } else if (fabs(m - round(m)) < 1e-9 && (round(m) == 2 || round(m) == 3)) {
        int dm = (int)round(m);
        int taps = dm == 2 ? 23 : 41;
        q->dec2 = make_decim(dm, 41000, r1, taps);
        q->delay_in += (taps - 1) / 2.0 * (fs / r1);
    } else {
        q->rs = msresamp_crcf_create((float)(MID_RATE_HZ / r1), 60.0f);
        q->delay_in += msresamp_crcf_get_delay(q->rs) * fs / MID_RATE_HZ;
    }
    for (int i = 0; i < q->nchan; i++) {
        channel *c = &q->chan[i];
        c->osc = 1;
        c->osc_step = (float complex)cexp(-I * 2 * M_PI * c->offset_hz / MID_RATE_HZ);
        c->dec = make_decim(2, 16000, MID_RATE_HZ, 25);
        c->ch = ais_channel_create(0, c->label, c->hz, cfg.max_freq_offset_hz, cfg.repair_bits,
                                   cfg.sic > 0, &q->stats, emit, q);
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
        fir_decim_destroy(&q->chan[i].dec);
        ais_channel_destroy(&q->chan[i].ch);
    }
    fir_decim_destroy(&q->dec2);
    fir_decim_destroy(&q->cic);
    if (q->rs)
        msresamp_crcf_destroy(q->rs);
    if (q->rs_real)
        msresamp_rrrf_destroy(q->rs_real);
    free(q->w1), free(q->w2), free(q->w3), free(q->wr);
    free(q->q);
    free(q);
    *pq = NULL;
}

DSP_CLONES
static void channels_run(ais_demod *q, const float complex *x, size_t n)
{
    for (int i = 0; i < q->nchan; i++) {
        channel *c = &q->chan[i];
        /* eight phasors a sample apart, each stepping eight samples: the products no longer
         * wait on one another (one phasor by recurrence was a chain of dependent complex
         * products, 5 % of the receiver's CPU) */
        float complex o[8], st8 = 1;
        o[0] = c->osc;
        for (int l = 1; l < 8; l++)
            o[l] = o[l - 1] * c->osc_step;
        for (int l = 0; l < 8; l++)
            st8 *= c->osc_step;
        size_t k = 0;
        for (; k + 8 <= n; k += 8) {
            for (int l = 0; l < 8; l++) {
                q->w3[k + l] = x[k + l] * o[l];
                o[l] *= st8;
            }
        }
        for (int l = 0; k < n; k++, l++)
            q->w3[k] = x[k] * o[l];
        /* o[l] holds sample n - n % 8 + l: the next block starts at o[n % 8], renormalised */
        c->osc = o[n % 8] / cabsf(o[n % 8]);
        /* into w1 (free here: the CIC's output is consumed by then), not in place: the filter
         * then reads its input where it lies instead of copying it */
        size_t no = fir_decim_run(c->dec, q->w3, n, q->w1);
        ais_channel_push_cf32(c->ch, q->w1, no);
    }
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
        if (q->cic) {
            m = fir_decim_run(q->cic, cur, m, q->w1);
            cur = q->w1;
        }
        /* to 96 kS/s */
        if (q->dec2) {
            m = fir_decim_run(q->dec2, cur, m, q->w2);
            cur = q->w2;
        } else if (q->rs) {
            unsigned ny = 0;
            msresamp_crcf_execute(q->rs, (float complex *)cur, (unsigned)m, q->w2, &ny);
            m = ny;
            cur = q->w2;
        }
        channels_run(q, cur, m);
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
