/* AIS demodulator: both AIS channels from one complex baseband stream, or one channel from
 * FM-discriminator audio.
 *
 * Chain (complex input): a CIC-3 decimator (for rates >= 384 kS/s) and a liquid-dsp FIR
 * decimator or msresamp bring the band to 96 kS/s; per channel a liquid nco mixes the channel to
 * 0 Hz and a FIR decimator filters it to 48 kS/s (5 samples per bit).  Each channel then runs:
 *   - a frequency- and phase-blind preamble detector: the one-bit differential product
 *     s[n] conj(s[n-5]) correlated with the last 16 training bits and the start flag;
 *   - per candidate, several hypotheses (frequency branch modulo 9600 Hz, NRZI polarity, timing
 *     within +-3 samples) scored by a coherent correlation with the synthesised preamble;
 *   - coherent detection of the rest of the burst with Laurent's C0 matched filter, the carrier
 *     phase tracked by a smoother over decided symbols, soft symbol values;
 *   - NRZI, destuffing, the end flag and the CRC-16; when the CRC fails, the least reliable
 *     symbols are flipped (one and two at a time) and frames that then pass the CRC are
 *     accepted only if their type, length and bounded fields are those M.1371 allows and the
 *     soft values make the repair far likelier than a chance pass of the CRC (which, seen from
 *     the symbols, has 15 effective check bits); a frame that passes unrepaired at the
 *     sensitivity limit is weighed the same way;
 *   - successive interference cancellation, only for bursts whose soft symbols show something
 *     else on the air: a decoded burst is re-modulated from its frame bits, fitted to the
 *     received samples (timing, carrier, complex gain per 64 bits) and subtracted; where energy
 *     is left over its span, the residual is searched for the preamble of a weaker burst that
 *     collided with it, which is decoded from the residual.  A strong burst that fails under
 *     another of nearly its power is subtracted as its soft symbols say, the other demodulated
 *     in what is left and subtracted softly in turn, until one of the two passes the CRC.
 * Audio input (real) runs the same link layer on soft values from the discriminator signal.
 *
 * Frames are popped with ais_demod_pop() after each process call.
 */
#ifndef CENTINELA_AIS_DEMOD_H
#define CENTINELA_AIS_DEMOD_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

#define AIS_DEMOD_CHANNEL_A 1
#define AIS_DEMOD_CHANNEL_B 2

typedef struct {
    double sample_rate_hz;     /* complex: [48e3, 10e6]; real (audio): [48e3, 192e3] */
    double center_hz;          /* receiver centre; 0 = 162.000 MHz; complex input only */
    int input_real;            /* 1: FM-discriminator audio, one channel */
    char audio_channel;        /* channel label of audio input, 'A' (default) or 'B' */
    int channels;              /* AIS_DEMOD_CHANNEL_A | _B (0 = both); complex input only */
    double max_freq_offset_hz; /* frequency search range, [0, 12000], default (0 -> 10000) */
    int repair_bits;           /* most soft-repaired symbols per frame [0, 2]; -1 = default 2 */
    int sic;                   /* successive interference cancellation of colliding bursts on one
                                  channel (complex input): 1 on, -1 off, 0 = default (on) */
} ais_demod_config;

/* Fill *cfg with defaults for a complex stream at sample_rate_hz. */
void ais_demod_config_default(ais_demod_config *cfg, double sample_rate_hz);

typedef struct {
    char channel;           /* 'A' or 'B' */
    uint64_t start_sample;  /* input sample index of the start of the training sequence */
    double level_dbfs;      /* burst power re full scale (1.0) */
    double snr_db;          /* estimated SNR in a 25 kHz channel (Eb/N0 - 4.16 dB) */
    double freq_offset_hz;  /* carrier offset from the channel frequency */
    double freq_offset_ppm; /* the same re the channel frequency */
    int repaired;           /* symbols flipped by soft repair (0 = clean CRC) */
    size_t nbits;           /* message bits (FCS removed) */
    uint8_t bits[133];      /* message bits packed MSB-first, ready for six-bit armour */
} ais_demod_frame;

typedef struct {
    uint64_t candidates;            /* preamble detections examined */
    uint64_t candidates_suppressed; /* detections not examined: a stronger one was near */
    uint64_t gated;                 /* candidates dropped by the coherent preamble gate */
    uint64_t frames;                /* frames delivered */
    uint64_t repaired;              /* of which after soft repair */
    uint64_t crc_fail;              /* candidates with an end flag whose CRC never passed */
    uint64_t repair_rejected;       /* repairs that passed the CRC but not the field checks, or
                                       whose posterior odds against a chance pass were too low,
                                       before or at the data-aided second look (or, decoded
                                       under a soft cancellation, the SNR floor) */
    uint64_t clean_rejected;        /* frames that passed the CRC unrepaired at so low an SNR
                                       that a chance pass was not unlikely enough (odds, the
                                       second look, a length off the octet boundary) */
    uint64_t repair_skipped;        /* failed frames whose soft values predicted too many errors to
                                       repair: not searched */
    uint64_t duplicates;            /* the same frame found again (other hypothesis) and dropped */
    uint64_t sic_searches;          /* decoded bursts subtracted from the channel whose residual
                                       held energy and was searched for another burst */
    uint64_t sic_pairs;             /* strong bursts that failed with their symbols spread by
                                       interference, tried as one of a colliding pair */
    uint64_t sic_decodes;           /* frames decoded from a residual, or under a soft
                                       cancellation of the burst they collided with (of them
                                       in frames) */
} ais_demod_stats;

typedef struct ais_demod ais_demod;

/* NULL with a logged reason on a bad configuration. */
ais_demod *ais_demod_create(const ais_demod_config *cfg);
/* Complex samples (full scale 1.0); 0 or -1 (wrong input kind). */
int ais_demod_process_cf32(ais_demod *q, const float complex *x, size_t n);
/* Real discriminator samples (any scale, any polarity, DC tolerated); 0 or -1. */
int ais_demod_process_real(ais_demod *q, const float *x, size_t n);
/* Decode what remains buffered (end of stream). */
int ais_demod_flush(ais_demod *q);
/* 1 and *out filled if a frame is waiting, else 0.  Frames come out in order of decoding. */
int ais_demod_pop(ais_demod *q, ais_demod_frame *out);
void ais_demod_get_stats(const ais_demod *q, ais_demod_stats *out);
void ais_demod_destroy(ais_demod **q);

#endif
