/* One AIS channel at 48 kS/s (5 samples per bit): preamble detection and burst decoding.
 * Private to dsp. */
#ifndef CENTINELA_AIS_CHANNEL_H
#define CENTINELA_AIS_CHANNEL_H

#include "centinela/ais_demod.h"

#include <complex.h>

#define AIS_CH_RATE_HZ 48000.0
#define AIS_CH_SPS 5

typedef struct ais_channel ais_channel;

/* Frames go to emit(ctx, frame) with start_sample in channel samples (48 kS/s). */
typedef void (*ais_channel_emit_fn)(void *ctx, const ais_demod_frame *f);

/* sic: successive interference cancellation on (complex input only; see ais_demod.h) */
ais_channel *ais_channel_create(int real, char label, double channel_hz, double max_offset_hz,
                                int repair_bits, int sic, ais_demod_stats *stats,
                                ais_channel_emit_fn emit, void *ctx);
void ais_channel_push_cf32(ais_channel *c, const float complex *x, size_t n);
void ais_channel_push_real(ais_channel *c, const float *x, size_t n);
void ais_channel_flush(ais_channel *c);
void ais_channel_destroy(ais_channel **c);

#endif
