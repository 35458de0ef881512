/* The Centinela wire contract: every message between nodes.
 *
 * A message is a two-frame ZeroMQ multipart message:
 *   frame 1  topic, ASCII without NUL: "iq", "ais", "track", "alert", "radar" or "stats"
 *   frame 2  32-byte little-endian header followed by the payload of that topic's type
 *
 * The layout of the header and of every payload is documented in pipeline/wire/README.md; this
 * file is its C face.  Nothing here is a struct copied onto the wire: every field is written and
 * read one at a time, little-endian, and every read is bounds-checked.  A decoder returns a
 * wire_status so that a node can count each kind of rejection.
 */
#ifndef CENTINELA_WIRE_H
#define CENTINELA_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_MAGIC0 0x43 /* 'C' */
#define WIRE_MAGIC1 0x4e /* 'N' */
#define WIRE_VERSION 1
#define WIRE_HEADER_LEN 32
/* Largest frame 2 a node accepts (header + payload): bounds allocations on garbage input. */
#define WIRE_MAX_FRAME (8u << 20)

enum wire_type {
    WIRE_IQ = 1,
    WIRE_AIS = 2,
    WIRE_TRACK = 3,
    WIRE_ALERT = 4,
    WIRE_RADAR = 5,
    WIRE_STATS = 6,
};
#define WIRE_TYPE_MAX WIRE_STATS

/* Header flags. */
#define WIRE_FLAG_EOS 0x0001u /* end of stream: the publisher sends nothing more of this type */

/* Why a frame was refused; nodes count each class separately. */
enum wire_status {
    WIRE_OK = 0,
    WIRE_ERR_SHORT,       /* shorter than the header, or than the header's payload length */
    WIRE_ERR_SIGNATURE,   /* magic bytes wrong */
    WIRE_ERR_VERSION,     /* a version this build does not read (future version) */
    WIRE_ERR_TYPE,        /* unknown type, or topic frame disagrees with the header type */
    WIRE_ERR_PAYLOAD,     /* payload malformed: truncated field, bad length, bad value */
    WIRE_ERR_TOO_BIG,     /* frame larger than WIRE_MAX_FRAME or a field's limit */
    WIRE_STATUS_COUNT
};
const char *wire_status_name(enum wire_status s);

typedef struct wire_header {
    uint8_t version;       /* WIRE_VERSION when encoding */
    uint8_t type;          /* enum wire_type */
    uint16_t flags;        /* WIRE_FLAG_* */
    uint32_t source_id;    /* publisher id, unique in a graph (configured per node) */
    uint32_t payload_len;  /* bytes after the header */
    uint64_t seq;          /* per (source_id, type), starts at 1, +1 per message */
    int64_t event_time_ns; /* event time (UTC ns since 1970) of the content; never wall-clock */
} wire_header;

/* Topic string of a type ("ais", ...), NULL for an unknown type. */
const char *wire_topic(enum wire_type type);
/* Type of a topic frame (not NUL-terminated), 0 when unknown. */
int wire_type_from_topic(const void *topic, size_t len);

/* Write the 32-byte header into buf (cap >= WIRE_HEADER_LEN).  Returns WIRE_HEADER_LEN. */
size_t wire_header_encode(const wire_header *h, uint8_t *buf);
/* Check and read a header from a whole frame 2 of n bytes (payload_len must match n exactly). */
enum wire_status wire_header_decode(const uint8_t *frame, size_t n, wire_header *h);

/* ---- payloads ------------------------------------------------------------------------- */

/* iq: a block of samples from a source. */
enum wire_iq_kind { WIRE_IQ_COMPLEX = 1, WIRE_IQ_REAL = 2 };
typedef struct wire_iq {
    uint32_t sample_rate_hz;  /* 8,000 .. 20,000,000 */
    uint8_t kind;             /* enum wire_iq_kind; REAL = FM-discriminator audio */
    uint64_t center_hz;       /* tuned centre frequency */
    int64_t start_time_ns;    /* event time of sample index 0 of the stream */
    uint64_t first_sample;    /* stream index of the first sample in this block */
    uint64_t total_samples;   /* length of the recording if known, else 0 (progress display) */
    uint32_t count;           /* samples (complex pairs for COMPLEX) in this block */
    const uint8_t *data_le;   /* decode: count (x2 for COMPLEX) float32 LE values, in the frame */
} wire_iq;
#define WIRE_IQ_MAX_COUNT (1u << 18)

/* ais: one received AIS message (all its NMEA sentences), with RF metadata where known. */
#define WIRE_AIS_MAX_BITS 1192 /* 5 slots (ITU-R M.1371 annex 2 §3.3.7) + margin */
#define WIRE_AIS_MAX_NMEA 1024
typedef struct wire_ais {
    uint32_t station_id;     /* receiving station */
    char channel;            /* 'A', 'B', or 0 when unknown */
    int64_t rx_time_ns;      /* reception time, event time */
    float signal_dbfs;       /* NaN when unknown (NMEA feeds) */
    float snr_db;            /* NaN when unknown */
    float freq_offset_hz;    /* NaN when unknown */
    float ppm;               /* NaN when unknown */
    uint16_t nbits;          /* payload length in bits, <= WIRE_AIS_MAX_BITS */
    uint8_t bits[(WIRE_AIS_MAX_BITS + 7) / 8]; /* payload packed MSB-first */
    char nmea[WIRE_AIS_MAX_NMEA + 1]; /* the sentences, "\n"-separated, NUL-terminated */
} wire_ais;

/* track: one fused track state (on change, or a periodic snapshot). */
enum wire_track_state { TRACK_TENTATIVE = 0, TRACK_CONFIRMED = 1, TRACK_LOST = 2, TRACK_REMOVED = 3 };
enum wire_track_update { TRACK_UPD_POSITION = 0, TRACK_UPD_STATIC = 1, TRACK_UPD_SNAPSHOT = 2, TRACK_UPD_STATE = 3 };
#define TRACK_SENSOR_AIS 0x01u
#define TRACK_SENSOR_RADAR 0x02u
#define TRACK_FLAG_DARK 0x0001u        /* radar track with no AIS association */
#define TRACK_FLAG_SPLIT 0x0002u       /* one MMSI heard in two places: this is a split track */
#define TRACK_FLAG_IN_COVERAGE 0x0004u /* inside a receiving station's typical coverage */
#define TRACK_FLAG_ON_LAND 0x0008u     /* reported position on land */
typedef struct wire_track {
    uint32_t track_id;
    uint32_t mmsi;           /* 0 for a radar-only track */
    uint8_t state;           /* enum wire_track_state */
    uint8_t update;          /* enum wire_track_update */
    uint8_t sensors;         /* TRACK_SENSOR_* */
    uint8_t ais_class;       /* 0 unknown, 'A', 'B', 'N' AtoN, 'S' SAR aircraft, 'X' base station */
    uint16_t flags;          /* TRACK_FLAG_* */
    uint8_t quality;         /* 0..100 */
    uint8_t nav_status;      /* ITU-R M.1371 navigational status, 15 = not defined */
    int64_t time_ns;         /* event time of this state */
    int64_t last_report_ns;  /* event time of the last sensor report */
    double lat_deg, lon_deg; /* WGS84 */
    float sog_kn, cog_deg, heading_deg; /* NaN when unknown */
    float pos_sigma_m;       /* 1-sigma position uncertainty */
    uint32_t imo;            /* 0 unknown */
    uint8_t ship_type;       /* ITU-R M.1371 ship and cargo type, 0 unknown */
    uint16_t length_m, beam_m;
    char name[21], callsign[8], destination[21];
    uint32_t zones;          /* bit (1 << zone_kind) for each kind the position is inside */
    float dist_shore_m;      /* NaN when no shoreline is loaded */
    uint32_t radar_site;     /* radar site id of the associated radar track, 0 none */
    uint16_t radar_target;   /* target number at that site */
    uint16_t n_stations;     /* AIS stations that heard this vessel */
    uint32_t n_reports;      /* reports merged into this track */
} wire_track;

/* alert: one alert state change from the anomaly detector. */
enum wire_alert_state { ALERT_OPEN = 0, ALERT_UPDATE = 1, ALERT_CLOSE = 2 };
#define WIRE_ALERT_MAX_MMSI 8
#define WIRE_ALERT_MAX_EVIDENCE 1024
typedef struct wire_alert {
    uint64_t alert_id;       /* unique per detector source, stable over open/update/close */
    char rule[24];           /* rule id, e.g. "ais_gap" */
    uint8_t state;           /* enum wire_alert_state */
    uint8_t n_mmsi;          /* 0 for a radar-only track */
    uint32_t mmsi[WIRE_ALERT_MAX_MMSI];
    uint32_t track_id;
    int64_t start_ns, end_ns;
    double lat_deg, lon_deg;
    float score;             /* severity x confidence x context, 0..100 */
    float severity, confidence, context;
    char evidence[WIRE_ALERT_MAX_EVIDENCE + 1]; /* JSON object text */
} wire_alert;

/* radar: one ARPA target report (NMEA TTM/TLL) from a radar site. */
typedef struct wire_radar {
    uint32_t site_id;
    uint16_t target;         /* target number 0..999 */
    char status;             /* 'T' tracking, 'Q' acquiring, 'L' lost */
    int64_t time_ns;
    double lat_deg, lon_deg; /* absolute position (TLL, or TTM range/bearing from the site) */
    float range_m, bearing_deg; /* from the site, NaN when unknown */
    float speed_kn, course_deg; /* NaN when unknown */
    char name[21];
} wire_radar;

/* stats: rare control traffic, a JSON object text (see README.md for its keys). */
#define WIRE_STATS_MAX 16384

/* Encoders return the payload length written, or -1 when cap is too small or a field is out of
 * range.  Decoders return WIRE_OK or why the payload was refused. */
int wire_iq_encode(const wire_iq *m, const float *samples, uint8_t *buf, size_t cap);
enum wire_status wire_iq_decode(const uint8_t *p, size_t n, wire_iq *m);
/* Copy the decoded samples (count, x2 for complex) into out as host floats. */
void wire_iq_samples(const wire_iq *m, float *out);

int wire_ais_encode(const wire_ais *m, uint8_t *buf, size_t cap);
enum wire_status wire_ais_decode(const uint8_t *p, size_t n, wire_ais *m);

int wire_track_encode(const wire_track *m, uint8_t *buf, size_t cap);
enum wire_status wire_track_decode(const uint8_t *p, size_t n, wire_track *m);

int wire_alert_encode(const wire_alert *m, uint8_t *buf, size_t cap);
enum wire_status wire_alert_decode(const uint8_t *p, size_t n, wire_alert *m);

int wire_radar_encode(const wire_radar *m, uint8_t *buf, size_t cap);
enum wire_status wire_radar_decode(const uint8_t *p, size_t n, wire_radar *m);

/* stats: the payload is the JSON text itself (no NUL); decode checks it is a JSON object. */
int wire_stats_encode(const char *json, uint8_t *buf, size_t cap);
enum wire_status wire_stats_decode(const uint8_t *p, size_t n, char *json, size_t json_cap);

/* Sequence-gap accounting per (source_id, type), so loss never looks like a quiet sea. */
typedef struct wire_seq_tracker wire_seq_tracker;
wire_seq_tracker *wire_seq_tracker_create(void);
void wire_seq_tracker_destroy(wire_seq_tracker **t);
/* Record a received header; returns the number of messages missing before it (0 normally).  A
 * sequence that goes backwards is counted as a publisher restart, not as loss. */
uint64_t wire_seq_observe(wire_seq_tracker *t, const wire_header *h);
/* Tell the tracker the last sequence already handled from a publisher (a restarted subscriber
 * that knows what it had, e.g. from its own archive), so a gap after the restart is counted. */
void wire_seq_prime(wire_seq_tracker *t, uint32_t source_id, uint8_t type, uint64_t last_seq);
/* The last sequence seen (or primed) from a publisher; false when it was never seen. */
bool wire_seq_last(const wire_seq_tracker *t, uint32_t source_id, uint8_t type, uint64_t *last);
uint64_t wire_seq_total_missing(const wire_seq_tracker *t);
uint64_t wire_seq_restarts(const wire_seq_tracker *t);

/* JSON Lines view of a whole frame 2 (header + payload), for the tap and for scripts:
 * {"topic":"ais","source":3,"seq":17,"time":"2026-...Z","time_ns":...,"eos":false, ...fields}.
 * Times as ISO 8601 UTC strings beside the integer nanoseconds; NaN fields become null.
 * Returns a malloc'd NUL-terminated string (caller frees), or NULL with *status set. */
char *wire_frame_to_json(const uint8_t *frame, size_t n, enum wire_status *status);
/* Format event time ns as ISO 8601 UTC with milliseconds, "1970-01-01T00:00:00.000Z". */
void wire_format_time(int64_t t_ns, char *out, size_t cap);
/* Parse ISO 8601 UTC "YYYY-MM-DDThh:mm:ss[.fff][Z]" (or a plain number of Unix seconds) into
 * ns since 1970.  An empty string gives 0.  Returns 0, or -1 when the text is not a time. */
int wire_parse_time(const char *text, int64_t *t_ns);

#endif
