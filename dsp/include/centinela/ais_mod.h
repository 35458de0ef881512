/* AIS modulator: synthesises recordings of AIS bursts in white Gaussian noise.
 *
 * A scene is a noise floor plus any number of bursts, each with its own channel, Eb/N0,
 * frequency offset and start time; bursts may overlap.  The scene is rendered block by block at
 * the output sample rate, so an hour of signal never needs to sit in memory.
 *
 * Signal: GMSK, BT 0.4, 9600 bit/s, h = 0.5 (+-2.4 kHz deviation), burst as ITU-R M.1371-5
 * Annex 2: 8-bit ramp-up, 24-bit training 0101..., flag, payload, FCS, flag, 8-bit ramp-down,
 * bit stuffing, NRZI (random initial level).  The power ramps are raised-cosine over 8 bits.
 *
 * SNR: Eb/N0 with the noise flat over the whole recorded band:
 *   noise power per complex sample = N0 * fs,  burst amplitude^2 = Eb/N0 * N0 * 9600.
 * Over a 25 kHz channel this gives SNR = Eb/N0 - 4.16 dB.
 */
#ifndef CENTINELA_AIS_MOD_H
#define CENTINELA_AIS_MOD_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

#define AIS_BIT_RATE 9600.0
#define AIS_CHANNEL_A_HZ 161.975e6
#define AIS_CHANNEL_B_HZ 162.025e6

typedef struct {
    double sample_rate_hz; /* [48e3, 2.4e6] */
    double center_hz;      /* receiver centre, default (0) 162.000 MHz */
    double noise_dbfs;     /* noise power per complex sample re full scale^2, e.g. -20 dBFS;
                              sets N0 for every burst's Eb/N0; [-100, 0] */
    int add_noise;         /* 0: render bursts only (N0 still scales them) */
    uint64_t seed;         /* noise, NRZI levels and carrier phases */
} ais_mod_config;

typedef struct {
    char channel;          /* 'A', 'B', or 0 = at centre + freq_offset_hz only */
    double ebn0_db;        /* [-20, 80] */
    double freq_offset_hz; /* added to the channel frequency (transmitter or tuning error) */
    double start_s;        /* start of the ramp-up, seconds from the recording start (>= 0) */
} ais_mod_burst;

typedef struct ais_mod ais_mod;

ais_mod *ais_mod_create(const ais_mod_config *cfg);
void ais_mod_destroy(ais_mod **q);

/* Queue a burst carrying nbits message bits packed MSB-first (as from six-bit de-armouring).
 * Bursts may be added in any order as long as their start lies after what was already
 * rendered.  0 or -1 (bad parameters, channel outside the recorded band, start in the past). */
int ais_mod_add_burst(ais_mod *q, const uint8_t *msb_bits, size_t nbits, const ais_mod_burst *b);
/* Duration of a burst on air for nbits message bits (including stuffing), seconds. */
double ais_mod_burst_duration_s(const uint8_t *msb_bits, size_t nbits);

/* Render the next n complex samples of the scene (noise plus every burst overlapping them). */
void ais_mod_render(ais_mod *q, float complex *out, size_t n);
/* Samples rendered so far; bursts starting before this cannot be added. */
uint64_t ais_mod_position(const ais_mod *q);
/* Number of queued bursts not yet completely rendered. */
size_t ais_mod_pending(const ais_mod *q);
/* Noise power per complex sample (linear, full scale 1). */
double ais_mod_noise_power(const ais_mod *q);

/* FM-discriminator audio of a rendered complex block: out[i] = arg(x[i] conj(x[i-1])) / pi
 * (1.0 = fs/2); state carries x[-1] between calls (start it at 1). */
void ais_mod_discriminate(const float complex *x, size_t n, float complex *state, float *out);

#endif
