/* Synthesized AIS scenes for the demodulator's statistical tests and benchmarks. */
#ifndef CENTINELA_TESTS_DSP_SCENE_H
#define CENTINELA_TESTS_DSP_SCENE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    double sample_rate_hz;
    double ebn0_db;          /* every burst */
    double freq_spread_hz;   /* each burst: uniform offset in [-spread, +spread] */
    double common_offset_hz; /* added to every burst (tuning error) */
    int nbursts;             /* alternating A/B, one every 30 ms, random jitter of +-1 ms */
    uint64_t seed;
    /* collisions: a second burst on the same channel, weaker by interferer_db, starting at a
     * random time within +-half a burst of the first; 0 = none */
    double interferer_db;
    int audio; /* 1: discriminator audio of channel A at 48 kS/s */
    /* 1: SOTDMA traffic packed slot after slot on channel A (26.67 ms slots): each burst starts
     * within +-1 bit of the first slot boundary after the previous burst ended; a random half
     * are two-slot type 5 reports (424 bits), the rest type 1.  Overrides the spacing above. */
    int slot_packed;
    int sic_off; /* 1: the demodulator's interference cancellation off */
} scene_config;

typedef struct {
    int sent;         /* wanted bursts */
    int decoded;      /* wanted bursts decoded */
    int false_frames; /* frames matching nothing sent */
    int interferers_decoded;
    double cpu_s;                                          /* CPU time in the demodulator */
    unsigned long candidates, gated, suppressed, crc_fail; /* the demodulator's counters */
    unsigned long repaired, repair_rejected, repair_skipped, clean_rejected;
    unsigned long sic_searches, sic_decodes, sic_pairs;
    double signal_s;
} scene_result;

/* Runs one scene through the demodulator; 0 or -1. */
int scene_run(const scene_config *cfg, scene_result *out);
/* A random type 1 position report, 168 bits packed MSB-first into msb[21]. */
void scene_random_msg(uint64_t *rng, uint8_t msb[21]);
/* A random type 5 static report, 424 bits packed MSB-first into msb[53]. */
void scene_random_msg5(uint64_t *rng, uint8_t msb[53]);
uint64_t scene_rand(uint64_t *rng);

#endif
