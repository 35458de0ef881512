/* Sample sources of sdr_source: one backend per file behind one descriptor.
 *
 *   source_file.c    recordings (cu8, cs8, cs16, cf32, WAV, SigMF, num) via pipeline/iqfile
 *   source_rtlsdr.c  an RTL-SDR dongle through librtlsdr (device = rtlsdr[:INDEX|:serial=S])
 *   source_rtltcp.c  an rtl_tcp server over TCP (device = rtltcp:HOST:PORT)
 *
 * Each backend exports one `const source_backend source_<name>` listed once in sources.def.  The
 * node (main.c) picks a backend with source_backend_find(), then calls
 *   open -> start -> read ... read -> stop -> close
 * from one thread (the publishing thread).  Live backends run their own reader thread between
 * start and stop; it hands raw cu8 buffers to read() through an sdr_ring (ring.h) and never waits
 * for read(): when the ring is full the buffer is dropped and counted as an overrun.
 *
 * Time: a block carries the stream index of its first sample and the event time of index 0
 * (start_time_ns), so sample k happened at start_time_ns + k * 1e9 / rate.  Files take
 * start_time_ns from configuration or metadata.  Live sources take it from the wall clock when
 * the first sample arrived (the receiver's own clock: the one place wall-clock time enters the
 * pipeline); after an overrun or a drop-out the index jumps by the samples that were lost, so
 * event times stay honest across gaps.
 */
#ifndef SDR_SOURCE_SOURCE_H
#define SDR_SOURCE_SOURCE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Default centre frequency: between AIS channel A (161.975 MHz) and B (162.025 MHz). */
#define SOURCE_DEFAULT_CENTER_HZ 162.0e6
/* Default live sample rate: AIS-catcher's default for RTL-SDR (6 x 48 kS/s, both channels with
 * margin, cheap to demodulate). */
#define SOURCE_DEFAULT_LIVE_RATE_HZ 288000.0

/* Everything a backend may need, filled by main.c from the configuration.  Strings are owned by
 * the caller and stay valid until close. */
typedef struct source_settings {
    const char *device_arg; /* text after "<backend>:" in `device` ("" when none) */
    /* file playback */
    const char *input;     /* path, "-" = stdin */
    const char *format;    /* "" = from the extension */
    bool realtime;         /* pace to the recording's rate */
    bool play_truncated;   /* play a truncated file instead of refusing it */
    int64_t start_time_ns; /* event time of the first sample (files); 0 = from file or 1970 */
    /* shared */
    double rate_hz;       /* 0 = from the file / SOURCE_DEFAULT_LIVE_RATE_HZ */
    double center_hz;     /* 0 = from the file / SOURCE_DEFAULT_CENTER_HZ */
    size_t block_samples; /* samples per block (live: per USB / network buffer) */
    /* live */
    bool gain_auto;         /* tuner AGC */
    double gain_db;         /* manual tuner gain, dB (nearest supported step is used) */
    bool rtl_agc;           /* RTL2832 digital AGC */
    int ppm;                /* frequency correction, parts per million [-1000, 1000] */
    bool bias_tee;          /* power an LNA through the antenna input */
    double ring_s;          /* seconds of signal the ring holds (>= 2 buffers) */
    bool wait_for_device;   /* keep retrying at start instead of failing */
    double retry_initial_s; /* first reopen delay after a drop-out, doubled up to retry_max_s */
    double retry_max_s;
    double stall_timeout_s; /* no samples this long = device lost (0 = never) */
} source_settings;

/* What the stream is, known after open. */
typedef struct source_info {
    double sample_rate_hz;
    double center_hz;
    bool complex_iq;       /* false: real FM-discriminator audio */
    bool live;             /* a receiver, not a recording */
    int64_t total_samples; /* recording length, -1 unknown or live */
    char description[256]; /* one line for the log ("rtlsdr:0 Generic RTL2832U SN 00000001") */
} source_info;

/* One block handed out by read(): valid until the next read or close. */
typedef struct source_block {
    const float *samples; /* count samples: 2*count floats (I,Q) when complex */
    uint32_t count;
    uint64_t first_sample; /* stream index of samples[0] */
    int64_t start_time_ns; /* event time of stream index 0 */
} source_block;

/* Counters a backend keeps (cumulative since open). */
typedef struct source_stats {
    uint64_t overruns;        /* buffers dropped because the ring was full */
    uint64_t overrun_samples; /* samples in those buffers */
    uint64_t dropouts;        /* device lost / connection dropped / stalled */
    uint64_t gap_samples;     /* stream time skipped while the device was away, in samples */
    uint64_t reopens;         /* successful reopen / reconnect after a drop-out */
    uint64_t open_failures;   /* failed open / connect attempts */
    uint64_t truncated_bytes; /* files: trailing bytes that did not make a whole sample */
} source_stats;

enum source_read_status {
    SOURCE_BLOCK = 1, /* *out holds a block */
    SOURCE_IDLE = 0,  /* nothing arrived within the timeout (live) */
    SOURCE_END = 2,   /* end of the recording */
    SOURCE_FAIL = -1, /* fatal error (logged) */
};

typedef struct source source; /* a backend's private state */

typedef struct source_backend {
    const char *name;   /* device prefix: "file", "rtlsdr", "rtltcp" */
    bool live;          /* a receiver (runs until stopped), not a recording */
    const char *syntax; /* `device` syntax and meaning, for --help */
    /* Validate the settings and open the device or file.  Returns NULL with one logged reason;
     * *exit_code is then 2 for a refused configuration, 1 for a device/file that cannot be
     * opened now. */
    source *(*open)(const source_settings *cfg, source_info *info, int *exit_code);
    /* Start delivering (live: start the reader thread).  0 or -1 (logged). */
    int (*start)(source *s);
    /* Next block, waiting up to timeout_ms for a live source.  enum source_read_status. */
    int (*read)(source *s, source_block *out, int timeout_ms);
    /* Stop delivering (live: cancel and join the reader thread).  Idempotent. */
    void (*stop)(source *s);
    void (*get_stats)(const source *s, source_stats *out);
    /* Free everything; sets *s to NULL, accepts NULL. */
    void (*close)(source **s);
} source_backend;

/* Every backend's descriptor (source_file, source_rtlsdr, ...), one per line of sources.def. */
#define SOURCE_BACKEND(name) extern const source_backend source_##name;
#include "sources.def"
#undef SOURCE_BACKEND

/* The backend for a `device` value: "" or "file" -> file, "rtlsdr..." -> rtlsdr, ...; *arg gets
 * the text after "<name>:" ("" when none).  NULL (logged, listing the choices) when unknown. */
const source_backend *source_backend_find(const char *device, const char **arg);
/* Backends in registry order, NULL-terminated (for --help). */
const source_backend *const *source_backends(void);

/* --- helpers shared by the backends ----------------------------------------------------- */
/* Wall clock (CLOCK_REALTIME) in ns since 1970: the receiver's clock for live sources. */
int64_t source_wall_ns(void);
/* Monotonic seconds (timeouts, back-off). */
double source_mono_s(void);
/* Convert n cu8 bytes (n/2 complex samples) to floats at full scale 1.0 ((v - 127.5) / 127.5,
 * the same scale as the cu8 file reader). */
void source_cu8_to_float(const uint8_t *in, size_t n, float *out);
/* Sleep up to seconds, returning early (true) once *stop becomes non-zero. */
bool source_sleep_unless(double seconds, const atomic_int *stop);

#endif
