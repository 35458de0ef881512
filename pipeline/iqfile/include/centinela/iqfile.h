/* IQ and audio sample files: readers and writers.
 *
 * Formats
 *   cu8   rtl_sdr interleaved unsigned 8-bit I/Q (0..255, zero at 127.5)
 *   cs8   interleaved signed 8-bit I/Q (HackRF)
 *   cs16  interleaved signed 16-bit little-endian I/Q
 *   cf32  interleaved 32-bit float little-endian I/Q (GNU Radio "complex")
 *   wav   RIFF WAVE: 2 channels = I/Q, 1 channel = FM-discriminator audio (real); 2 channels
 *         below IQFILE_STEREO_AUDIO_MAX_RATE_HZ = stereo discriminator audio (rtl_ais -A, two
 *         receivers in one file: left = channel A, right = channel B), since I/Q that slow holds
 *         no AIS channel;
 *         PCM 8-bit unsigned, 16-bit signed, or 32-bit IEEE float (also WAVE_FORMAT_EXTENSIBLE)
 *   sigmf SigMF recording: path to the .sigmf-meta or .sigmf-data (either works); the meta gives
 *         core:datatype (cu8, ci8, ci16_le, cf32_le, ru8, ri8, ri16_le, rf32_le),
 *         core:sample_rate and captures[0].core:frequency
 *   num   text, one real (discriminator) sample per line (gnuais test snippets), 48 kS/s default
 *
 * The format comes from the extension (.cu8/.cs8/.cs16/.cf32/.wav/.sigmf-meta/.sigmf-data/.num,
 * plus the aliases .bin/.raw = cu8, .fc32/.cfile = cf32) or from iqfile_options.format.  The path
 * "-" reads standard input (a format must then be given; WAV and raw formats work on a pipe).
 *
 * Samples are returned as floats at full scale 1.0: cu8 (v - 127.5) / 127.5, cs8 v / 128,
 * cs16 v / 32768, 8-bit WAV (v - 128) / 128.  Sample rates must lie within
 * [IQFILE_MIN_RATE_HZ, IQFILE_MAX_RATE_HZ] (48 kS/s audio to 10 MS/s Airspy and HackRF IQ).
 * A rate given in iqfile_options wins over a WAV or SigMF header, with a warning when they differ.
 *
 * Sanity: a file with no sample is a warning at open; float samples that are not finite, or
 * whose magnitude is beyond 1e6 or below 1e-30 (what cu8 or cs16 bytes read as cf32 look like)
 * are read as 0 and counted in iqfile_info.implausible, with one warning naming the likely
 * cause once they are more than 1 % of the first million.
 *
 * Errors are reported once with log_error() and returned as NULL or -1; malformed or truncated
 * files never crash.  A trailing partial sample (odd byte count) is dropped, counted in
 * iqfile_info.truncated_bytes and reported with a warning.
 */
#ifndef CENTINELA_IQFILE_H
#define CENTINELA_IQFILE_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IQFILE_MIN_RATE_HZ 48000.0
#define IQFILE_MAX_RATE_HZ 10000000.0
#define IQFILE_STEREO_AUDIO_MAX_RATE_HZ 75000.0

typedef enum {
    IQFILE_FORMAT_AUTO = 0, /* from the file name */
    IQFILE_FORMAT_CU8,
    IQFILE_FORMAT_CS8,
    IQFILE_FORMAT_CS16,
    IQFILE_FORMAT_CF32,
    IQFILE_FORMAT_WAV,
    IQFILE_FORMAT_SIGMF,
    IQFILE_FORMAT_NUM,
} iqfile_format;

typedef enum {
    IQFILE_KIND_COMPLEX = 0, /* complex baseband I/Q */
    IQFILE_KIND_REAL,        /* real samples: FM-discriminator audio, one channel */
} iqfile_kind;

/* Sample encoding of one component (WAV and SigMF map onto these). */
typedef enum {
    IQFILE_SAMPLE_U8 = 0,
    IQFILE_SAMPLE_S8,
    IQFILE_SAMPLE_S16,
    IQFILE_SAMPLE_F32,
    IQFILE_SAMPLE_TEXT,
} iqfile_sample;

typedef struct {
    iqfile_format format;  /* IQFILE_FORMAT_AUTO: from the extension */
    double sample_rate_hz; /* 0: from the file header (raw formats require it) */
    double center_hz;      /* 0: from the file (SigMF) or 162.000 MHz */
} iqfile_options;

typedef struct {
    iqfile_format format;
    iqfile_kind kind;
    iqfile_sample sample;    /* encoding of one component */
    double sample_rate_hz;   /* [48e3, 10e6] */
    double center_hz;        /* receiver centre frequency (default 162.000 MHz) */
    unsigned audio_channels; /* real kind: 1, or 2 for stereo audio (interleaved left, right) */
    uint64_t implausible;    /* float values read as 0 (see Sanity above) */
    int64_t total_samples;   /* complex or real samples in the file, -1 if unknown (stdin) */
    uint64_t samples_read;   /* so far */
    uint64_t truncated_bytes; /* trailing bytes that did not make a whole sample */
    int64_t start_time_ns;   /* UTC of the first sample (SigMF captures[0].core:datetime), 0 unknown */
} iqfile_info;

typedef struct iqfile_reader iqfile_reader;

/* Name of a format ("cu8", "wav", ...); iqfile_format_parse returns -1 on an unknown name. */
const char *iqfile_format_name(iqfile_format f);
int iqfile_format_parse(const char *name, iqfile_format *out);
/* Format from a file name's extension, IQFILE_FORMAT_AUTO when unknown. */
iqfile_format iqfile_format_from_path(const char *path);

/* Open a file ("-" = stdin).  opt may be NULL (all from the file). */
iqfile_reader *iqfile_open(const char *path, const iqfile_options *opt);
/* Open an already opened stream (not closed by iqfile_close unless own_stream is set);
 * name is used in messages.  SigMF needs a path, so format must not be SIGMF. */
iqfile_reader *iqfile_open_stream(FILE *f, int own_stream, const char *name,
                                  const iqfile_options *opt);
const iqfile_info *iqfile_get_info(const iqfile_reader *r);

/* Read up to max complex samples.  Returns the count, 0 at the end, -1 on error (read error,
 * or the file holds real samples). */
long iqfile_read_cf32(iqfile_reader *r, float complex *out, size_t max);
/* Read up to max real values (discriminator audio).  Same returns; -1 on a complex file.  Stereo
 * audio (audio_channels 2) comes as interleaved left/right pairs: max and the count are values. */
long iqfile_read_real(iqfile_reader *r, float *out, size_t max);
void iqfile_close(iqfile_reader **r);

/* --- writers ------------------------------------------------------------------------------ */
typedef struct {
    iqfile_format format;  /* CU8, CS8, CS16, CF32, WAV or SIGMF (AUTO: from the extension) */
    iqfile_kind kind;      /* WAV and SigMF: complex (I/Q) or real; raw formats are complex */
    iqfile_sample sample;  /* WAV/SigMF component encoding: U8 (real only in SigMF), S8
                              (SigMF only), S16 or F32; raw formats imply theirs */
    double sample_rate_hz; /* [48e3, 10e6] */
    double center_hz;      /* SigMF captures[0].core:frequency */
} iqfile_writer_options;

typedef struct iqfile_writer iqfile_writer;

/* Create a file ("-" = stdout; WAV header sizes are then left at "unknown").  For SigMF the path
 * may be the base name or end in .sigmf-meta/.sigmf-data; both files are written. */
iqfile_writer *iqfile_create(const char *path, const iqfile_writer_options *opt);
/* Write samples (clipped to full scale, clips counted).  0 or -1. */
int iqfile_write_cf32(iqfile_writer *w, const float complex *x, size_t n);
int iqfile_write_real(iqfile_writer *w, const float *x, size_t n);
uint64_t iqfile_writer_clipped(const iqfile_writer *w);
/* Finish headers and close; 0 or -1.  Sets *w to NULL, accepts NULL. */
int iqfile_writer_close(iqfile_writer **w);

/* --- SigMF metadata (exposed for the fuzz harness) ----------------------------------------- */
typedef struct {
    iqfile_kind kind;
    iqfile_sample sample;
    double sample_rate_hz; /* 0 if absent */
    double center_hz;      /* 0 if absent */
    int64_t start_time_ns; /* captures[0].core:datetime (ISO 8601 UTC), 0 if absent */
} iqfile_sigmf_meta;
/* Parse .sigmf-meta JSON text; 0 or -1 (with a logged reason). */
int iqfile_sigmf_parse_meta(const char *json, size_t len, iqfile_sigmf_meta *out);

#endif
