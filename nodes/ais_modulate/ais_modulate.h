/* ais_modulate library: NMEA in, a synthesised recording out.
 *
 * The logic behind the `ais_modulate` command, kept out of main.c so tests and benchmarks drive
 * it directly.  Messages come from NMEA lines (IEC 61162-1 !xxVDM/!xxVDO, multipart reassembled,
 * IEC 61162-450 tag blocks) or as bit vectors; each becomes one GMSK burst (BT 0.4, 9600 bit/s,
 * +-2.4 kHz, M.1371 Annex 2 framing: see centinela/ais_mod.h) in white Gaussian noise, written
 * in any format iqfile writes, or as FM-discriminator audio of one channel.
 *
 * Burst time
 *   A message whose line carries a tag block `c:` (or a USCG trailing Unix time) starts at that
 *   event time.  `c:` may be integer seconds, integer milliseconds (values above 1e11, as some
 *   feeds send), or fractional seconds ("c:1700000000.125"; the tag block's checksum is checked
 *   before the value is read).  Messages sharing one tag time on one channel (feeds stamp whole
 *   seconds) are placed in consecutive SOTDMA slots (60/2250 s each; a message of n bits takes
 *   ceil((n + 88) / 256) slots) when pack_same_time is set.  A message
 *   without a time follows the previous message by spacing_s (start to start).
 *   Time zero of the recording is start_unix_s when given, else the earliest tag time minus
 *   lead_s; untimed-only input starts its first burst at lead_s.
 *
 * Signal level
 *   Eb/N0 per burst, with the noise flat over the whole recorded band (N0 = noise power per
 *   complex sample / sample rate).  In a 25 kHz channel: SNR = Eb/N0 - 4.16 dB
 *   (10 log10(9600 / 25000)).  ebn0_range_db > 0 draws each burst uniformly in
 *   [ebn0_db, ebn0_db + ebn0_range_db].
 *
 * Frequency and timing
 *   Each burst sits at its channel frequency plus freq_offset_hz plus ppm * 1e-6 * channel
 *   frequency (a transmitter or tuning error as it appears in the recording: positive = higher)
 *   plus a uniform draw in +-freq_jitter_hz; its start moves by time_offset_s plus a uniform draw
 *   in +-time_jitter_s.  Draws come from `seed`, in input order: the same input and seed give
 *   the same file.  Bursts may overlap (collisions are part of what the tool is for).
 */
#ifndef CENTINELA_AIS_MODULATE_H
#define CENTINELA_AIS_MODULATE_H

#include "centinela/iqfile.h"
#include "centinela/nmea.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define AIS_MODULATE_SLOT_S (60.0 / 2250.0) /* one SOTDMA slot, 26.67 ms */
#define AIS_MODULATE_MAX_BYTES 133          /* 1064 bits, the longest AIS message (type 26) */

typedef enum {
    AIS_MODULATE_CHANNEL_SENTENCE = 0, /* the sentence's A/B ('1'/'2' too; none -> A) */
    AIS_MODULATE_CHANNEL_A,
    AIS_MODULATE_CHANNEL_B,
    AIS_MODULATE_CHANNEL_ALTERNATE, /* A, B, A, ... in input order */
} ais_modulate_channel;

typedef struct {
    const char *output;        /* path; "-" = stdout (raw formats and WAV) */
    iqfile_format format;      /* IQFILE_FORMAT_AUTO: from the extension */
    iqfile_sample sample;      /* WAV/SigMF component encoding (U8, S8 SigMF only, S16, F32) */
    int audio;                 /* 1: FM-discriminator audio (real, one channel) instead of IQ */
    char audio_channel;        /* 'A' or 'B': the channel the audio receiver is tuned to */
    double sample_rate_hz;     /* [48e3, 2.4e6] */
    double center_hz;          /* IQ: receiver centre, 0 = 162.000 MHz (audio: unused) */
    double noise_dbfs;         /* noise power per complex sample re full scale, [-100, 0] */
    int add_noise;             /* 0: bursts only (Eb/N0 still scales them against N0) */
    ais_modulate_channel channel;
    double ebn0_db;            /* [-20, 80] */
    double ebn0_range_db;      /* >= 0; each burst uniform in [ebn0_db, ebn0_db + range] */
    double freq_offset_hz;     /* added to every burst */
    double ppm;                /* added to every burst, re its channel frequency */
    double freq_jitter_hz;     /* >= 0: each burst uniform in +-freq_jitter_hz */
    double time_offset_s;      /* added to every burst's start */
    double time_jitter_s;      /* >= 0: each burst uniform in +-time_jitter_s */
    double spacing_s;          /* > 0: start-to-start spacing of messages without a time */
    double lead_s;             /* >= 0: noise before the first burst (when time zero is derived) */
    double tail_s;             /* >= 0: noise after the last burst ends */
    double duration_s;         /* > 0: fixed length (bursts starting later are dropped); 0: auto */
    int pack_same_time;        /* 1: one slot apart when a tag time repeats on a channel */
    int have_start;            /* 1: start_unix_s is time zero */
    double start_unix_s;       /* Unix seconds of the first sample */
    uint64_t seed;
    const char *truth;         /* NULL or a path: one CSV line per burst sent */
} ais_modulate_config;

/* Defaults: 288 kS/s, 162.000 MHz, noise -25 dBFS, sentence channel, Eb/N0 20 dB, no offsets,
 * spacing 0.1 s, lead and tail 0.05 s, pack_same_time, seed 1, audio channel A. */
void ais_modulate_config_default(ais_modulate_config *cfg);

/* One burst as sent (after finish): what a decoder should find. */
typedef struct {
    char channel;            /* 'A' or 'B' */
    double start_s;          /* start of the ramp-up, seconds from the first sample */
    double ebn0_db;
    double freq_offset_hz;   /* from the channel frequency */
    double duration_s;
    size_t nbits;
    uint8_t bits[AIS_MODULATE_MAX_BYTES]; /* MSB-first, zero after nbits */
} ais_modulate_burst;

typedef struct {
    uint64_t lines;            /* lines pushed */
    uint64_t bad_lines;        /* refused by the NMEA layer (sum of the classes below) */
    uint64_t bad_by_status[NMEA_STATUS_COUNT]; /* per nmea_status class */
    uint64_t not_mine;         /* blank lines, comments, other NMEA sentences */
    uint64_t messages;         /* complete messages accepted */
    uint64_t unframeable;      /* messages too long or empty for one burst */
    uint64_t off_channel;      /* audio: bursts on the other channel; IQ: channel outside band */
    uint64_t off_level;        /* bursts whose Eb/N0 (with level_db) left [-20, 80] dB */
    uint64_t before_start;     /* bursts that would start before time zero */
    uint64_t after_end;        /* bursts starting after duration_s */
    uint64_t bursts;           /* bursts in the recording */
    uint64_t samples;          /* samples written */
    uint64_t clipped;          /* sample components clipped by the writer */
    double duration_s;         /* recording length */
    double start_unix_s;       /* time zero, NaN when unknown */
} ais_modulate_stats;

typedef struct ais_modulate ais_modulate;

/* NULL with one logged reason on a bad configuration.  Nothing is written before finish. */
ais_modulate *ais_modulate_create(const ais_modulate_config *cfg);
/* One input line (with or without CR/LF).  1: a message was queued; 0: a part held for later
 * or a line that is not AIS; -1: a bad line, counted and skipped (never fatal). */
int ais_modulate_push_line(ais_modulate *m, const char *line, size_t len);
/* Queue a message given as bits (MSB-first).  channel 'A'/'B' (or 0 = A; subject to the
 * channel option); time_unix_s: event time, or NaN for "untimed"; level_db: added to this
 * burst's Eb/N0 (0 normally; collisions of unequal bursts use it).  0 or -1 (bad length). */
int ais_modulate_add_message(ais_modulate *m, const uint8_t *msb_bits, size_t nbits,
                             char channel, double time_unix_s, double level_db);
/* Render and write the recording (once).  0 or -1 (logged). */
int ais_modulate_finish(ais_modulate *m);
const ais_modulate_stats *ais_modulate_get_stats(const ais_modulate *m);
/* Bursts as sent, in time order (valid after finish, until destroy). */
size_t ais_modulate_bursts(const ais_modulate *m, const ais_modulate_burst **out);
/* Print the summary (counts by class, clips) to f. */
void ais_modulate_print_summary(const ais_modulate *m, FILE *f);
void ais_modulate_destroy(ais_modulate **m);

#endif
