/* The HDF5 archive: tables of everything the pipeline saw, readable by h5py without our headers.
 *
 * pipeline/archive/LAYOUT.md documents every dataset and field; this header is its C face.
 *
 * One file per period (hour or day of event time, or one file) and, optionally, per size step.
 * Each file holds one chunked, deflate+shuffle compressed, extendible dataset per table, whose
 * element is a packed compound type (a numpy record for h5py), plus byte streams ("blobs") for
 * the variable-length text of some tables (raw NMEA, payload bits, alert evidence, stats JSON),
 * addressed by (offset, length) columns.  Files are written under SWMR (single writer, multiple
 * readers), so `h5py.File(path, "r", libver="latest", swmr=True)` can follow a live file.
 *
 * Rows carry event time only (never wall-clock), except the stats table's `wall_time_ns`.  A row
 * goes to the file of its own event-time period, so the same input gives the same files and the
 * same rows in the same order whatever the interleaving of the producers.
 *
 * The index (built when the writer closes a file, or by `archive_tool index`) adds a copy of the
 * positions sorted by (MMSI, time) with a per-MMSI directory, and a per-block time range of the
 * positions, for MMSI and time lookups without a full scan.  Rows appended after indexing (a
 * restarted writer) are found by a scan of the tail.
 */
#ifndef CENTINELA_ARCHIVE_H
#define CENTINELA_ARCHIVE_H

#include "centinela/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum archive_table {
    ARCHIVE_MESSAGES = 0, /* archive_message: every received AIS message with RF metadata */
    ARCHIVE_POSITIONS,    /* archive_position: decoded position reports */
    ARCHIVE_STATIC,       /* archive_static: decoded static and voyage data (types 5, 19, 24) */
    ARCHIVE_TRACKS,       /* archive_track: fused track states (wire_track) */
    ARCHIVE_RADAR,        /* archive_radar: ARPA target reports (wire_radar) */
    ARCHIVE_ALERTS,       /* archive_alert: alert state changes (wire_alert) */
    ARCHIVE_STATS,        /* archive_stats: node statistics (JSON), wall-clock driven */
    ARCHIVE_TABLE_COUNT
};

/* Byte streams addressed by (offset, length) columns of the tables above. */
enum archive_blob {
    ARCHIVE_BLOB_NMEA = 0, /* messages.nmea_offset/nmea_len: the sentences, "\n"-separated */
    ARCHIVE_BLOB_BITS,     /* messages.bits_offset, (nbits + 7) / 8 bytes: payload MSB-first */
    ARCHIVE_BLOB_EVIDENCE, /* alerts.evidence_offset/evidence_len: JSON object text */
    ARCHIVE_BLOB_STATS,    /* stats.json_offset/json_len: the stats JSON object text */
    ARCHIVE_BLOB_COUNT
};

/* Dataset name of a table ("messages", ...) or blob ("messages_nmea", ...). */
const char *archive_table_name(enum archive_table t);
const char *archive_blob_name(enum archive_blob b);
/* Table by dataset name, -1 when unknown. */
int archive_table_from_name(const char *name);
/* Size of one in-memory row of table t. */
size_t archive_row_size(enum archive_table t);

/* ---- rows (in-memory layout; on disk the same fields, packed, in this order) ---------------- */

/* Not-available markers of the integer position fields (AIS sentinels are converted to these). */
#define ARCHIVE_LATLON_NA INT32_MIN
#define ARCHIVE_U16_NA UINT16_MAX
#define ARCHIVE_ROT_NA INT8_MIN
/* decode_status of a message whose payload was not decoded (no decoder, or not attempted). */
#define ARCHIVE_NOT_DECODED 255

typedef struct archive_message {
    int64_t time_ns;       /* header event time (UTC ns) */
    int64_t rx_time_ns;    /* reception time (UTC ns), event time */
    uint64_t seq;          /* publisher's sequence number */
    uint64_t nmea_offset;  /* into messages_nmea */
    uint64_t bits_offset;  /* into messages_bits */
    uint32_t source_id;    /* publisher (wire header) */
    uint32_t station_id;   /* receiving station */
    uint32_t mmsi;         /* payload bits 8-37; 0 when the payload is shorter */
    float signal_dbfs;     /* NaN when unknown */
    float snr_db;          /* NaN when unknown */
    float freq_offset_hz;  /* NaN when unknown */
    float ppm;             /* NaN when unknown */
    uint16_t nbits;        /* payload length, bits */
    uint16_t nmea_len;     /* bytes in messages_nmea */
    uint8_t msg_type;      /* payload bits 0-5 */
    uint8_t channel;       /* 'A', 'B', or 0 when unknown */
    uint8_t decode_status; /* ais_status of the payload decoding, ARCHIVE_NOT_DECODED */
} archive_message;

typedef struct archive_position {
    int64_t time_ns;      /* event time of the message (UTC ns) */
    uint64_t message_row; /* row of the message in `messages` of the same file */
    uint32_t mmsi;
    int32_t lat_e7;       /* latitude, 1e-7 degree (WGS84), ARCHIVE_LATLON_NA */
    int32_t lon_e7;       /* longitude, 1e-7 degree, ARCHIVE_LATLON_NA */
    uint16_t sog_dkn;     /* speed over ground, 0.1 kn, ARCHIVE_U16_NA */
    uint16_t cog_ddeg;    /* course over ground, 0.1 degree 0..3599, ARCHIVE_U16_NA */
    uint16_t heading_deg; /* true heading, degree 0..359, ARCHIVE_U16_NA */
    int8_t rot;           /* rate of turn as transmitted (ROT_AIS, -127..127), ARCHIVE_ROT_NA */
    uint8_t msg_type;     /* 1-3, 4, 9, 11, 18, 19, 21, 27 */
    uint8_t nav_status;   /* navigational status 0..15 (15 undefined; classes without it: 15) */
    uint8_t flags;        /* ARCHIVE_POS_* */
} archive_position;
#define ARCHIVE_POS_ACCURACY 0x01u /* position accuracy flag: high (< 10 m) */
#define ARCHIVE_POS_RAIM 0x02u     /* RAIM in use */
#define ARCHIVE_POS_CLASS_B 0x04u  /* class B report (18, 19) */

typedef struct archive_static {
    int64_t time_ns;
    uint64_t message_row;
    uint32_t mmsi;
    uint32_t imo;             /* 0 unknown */
    uint32_t mothership_mmsi; /* type 24 B of an auxiliary craft, else 0 */
    uint16_t to_bow_m, to_stern_m;
    uint8_t to_port_m, to_starboard_m;
    uint8_t msg_type;  /* 5, 19 or 24 */
    uint8_t part;      /* type 24: 0 part A, 1 part B; else 0 */
    uint8_t ship_type; /* ITU-R M.1371 ship and cargo type */
    uint8_t epfd;      /* position fixing device type */
    uint8_t ais_version;
    uint8_t dte;
    uint8_t eta_month, eta_day, eta_hour, eta_minute;          /* 0/0/24/60 = not available */
    uint8_t draught_dm;                                        /* 0.1 m */
    char callsign[8], name[21], destination[21], vendor_id[8]; /* NUL-terminated */
} archive_static;

typedef struct archive_track {
    int64_t time_ns;
    int64_t last_report_ns;
    uint64_t seq; /* publisher's sequence number */
    double lat_deg, lon_deg;
    uint32_t source_id;
    uint32_t track_id, mmsi, imo, zones, radar_site, n_reports;
    float sog_kn, cog_deg, heading_deg, pos_sigma_m, dist_shore_m;
    uint16_t flags, length_m, beam_m, radar_target, n_stations;
    uint8_t state, update, sensors, ais_class, quality, nav_status, ship_type;
    char name[21], callsign[8], destination[21];
} archive_track;

typedef struct archive_radar {
    int64_t time_ns;
    uint64_t seq; /* publisher's sequence number */
    double lat_deg, lon_deg;
    uint32_t source_id;
    uint32_t site_id;
    float range_m, bearing_deg, speed_kn, course_deg;
    uint16_t target;
    uint8_t status; /* 'T', 'Q', 'L' */
    char name[21];
} archive_radar;

typedef struct archive_alert {
    int64_t time_ns; /* header event time of this state change */
    int64_t start_ns, end_ns;
    uint64_t alert_id;
    uint64_t evidence_offset;
    uint64_t seq; /* publisher's sequence number */
    double lat_deg, lon_deg;
    uint32_t source_id;
    uint32_t track_id;
    uint32_t mmsi[WIRE_ALERT_MAX_MMSI]; /* first n_mmsi are valid */
    float score, severity, confidence, context;
    uint16_t evidence_len;
    uint8_t state; /* enum wire_alert_state */
    uint8_t n_mmsi;
    char rule[24];
} archive_alert;

typedef struct archive_stats {
    int64_t time_ns;      /* header event time (the node's latest event time) */
    int64_t wall_time_ns; /* WALL-CLOCK time of reception (UTC ns): not deterministic */
    uint64_t json_offset;
    uint32_t source_id;
    uint32_t json_len;
    char node[32]; /* section name of the node, from the JSON */
} archive_stats;

/* ---- conversions from the wire ------------------------------------------------------------- */

/* Rows of one AIS message: the message row always; a position or static row when the payload
 * decodes to one (*has_position / *has_static).  message_row is the row index that `msg` will
 * get (stored in the derived rows).  Returns 0; the decode status goes into msg->decode_status. */
int archive_rows_from_ais(const wire_header *h, const wire_ais *m, uint64_t message_row,
                          archive_message *msg, archive_position *pos, bool *has_position,
                          archive_static *st, bool *has_static);
void archive_row_from_track(const wire_header *h, const wire_track *m, archive_track *row);
void archive_row_from_radar(const wire_header *h, const wire_radar *m, archive_radar *row);
void archive_row_from_alert(const wire_header *h, const wire_alert *m, archive_alert *row);
/* And back (replay): the inverse of the above. */
void archive_radar_to_wire(const archive_radar *row, wire_radar *m);
/* nmea/bits are the blob bytes of the row (nmea_len and (nbits+7)/8 bytes). */
int archive_message_to_wire(const archive_message *row, const char *nmea, const uint8_t *bits,
                            wire_ais *m);
/* The published track state of a tracks row (every wire_track field is archived). */
void archive_track_to_wire(const archive_track *row, wire_track *m);
/* evidence: the row's evidence_len bytes of alerts_evidence.  -1 when the row is out of range
 * (n_mmsi, evidence_len or state beyond the wire limits: a damaged file). */
int archive_alert_to_wire(const archive_alert *row, const char *evidence, wire_alert *m);

/* ---- writer ------------------------------------------------------------------------------- */

typedef struct archive_writer_config {
    /* A directory (existing, or ending in '/'), where files are named after the period, or a
     * file pattern with strftime(3) codes expanded at the start of the period (UTC), e.g.
     * "/data/ais-%Y%m%d.h5".  Parent directories are created. */
    const char *path;
    const char *rotate;    /* "hour", "day" or "none" (one file) */
    double rotate_size_mb; /* also start a new file (-1, -2 ... suffix) beyond this size; 0 never */
    int deflate_level;     /* 0..9 (0 still chunks and shuffles) */
    bool index_on_close;   /* build the MMSI and time index when a file is closed */
    int max_open_files;    /* files kept open for late rows of recent periods, 1..16 */
} archive_writer_config;

typedef struct archive_writer archive_writer;

/* Validates the configuration; NULL with a logged reason when it is refused.
 *
 * One writer per file: while a file is open for writing, "<file>.lock" beside it holds the
 * writer's pid under flock(2).  A second writer of the same file (another archiver given the
 * same path) cannot open it: its rows for that file are refused (-1, logged with the holder's
 * pid).  A lock left by a killed writer is stale (the kernel released it) and is taken over. */
archive_writer *archive_writer_create(const archive_writer_config *cfg);
/* Archive one message.  Rows are buffered and reach the file at the next flush (or when a
 * chunk fills).  Returns 0, or -1 on an HDF5 error (logged; the row is lost). */
int archive_writer_ais(archive_writer *w, const wire_header *h, const wire_ais *m);
int archive_writer_track(archive_writer *w, const wire_header *h, const wire_track *m);
int archive_writer_radar(archive_writer *w, const wire_header *h, const wire_radar *m);
int archive_writer_alert(archive_writer *w, const wire_header *h, const wire_alert *m);
/* node: section name; wall_time_ns: reception wall-clock time, stored as such. */
int archive_writer_stats(archive_writer *w, const wire_header *h, const char *json,
                         int64_t wall_time_ns);
/* Append ready-made position rows (bulk import, benchmarks) to the file of their event time. */
int archive_writer_positions(archive_writer *w, const archive_position *rows, size_t n);
/* Write every buffered row and flush the files (what a killed writer keeps).  Returns 0 or -1. */
int archive_writer_flush(archive_writer *w);
/* Rows accepted per table since creation. */
uint64_t archive_writer_rows(const archive_writer *w, enum archive_table t);
/* True once a row was refused because another process writes its file (the one-writer lock,
 * logged once): the writer then takes no more rows, and its caller should stop with exit code
 * 2, a configuration error that a restart cannot cure. */
bool archive_writer_locked_out(const archive_writer *w);
/* Path of the file written last ("" before the first row). */
const char *archive_writer_path(const archive_writer *w);
/* Flush, close every file (indexing them when configured) and free. Accepts NULL. */
void archive_writer_destroy(archive_writer **w);

/* ---- reader ------------------------------------------------------------------------------- */

typedef struct archive_reader archive_reader;

/* Open an archive file read-only; follow = open under SWMR (a live file; call refresh to see new
 * rows).  A missing, truncated or corrupt file, or an HDF5 file that is not an archive, is
 * refused: NULL with one logged reason. */
archive_reader *archive_reader_open(const char *path, bool follow);
void archive_reader_close(archive_reader **r);
const char *archive_reader_path(const archive_reader *r);
/* Re-read the sizes of every dataset (SWMR).  Returns 0 or -1. */
int archive_reader_refresh(archive_reader *r);
uint64_t archive_reader_rows(const archive_reader *r, enum archive_table t);
uint64_t archive_reader_blob_size(const archive_reader *r, enum archive_blob b);
/* Read rows [first, first + count) of table t into rows (count * archive_row_size(t) bytes). */
int archive_reader_read(archive_reader *r, enum archive_table t, uint64_t first, uint64_t count,
                        void *rows);
/* Read len bytes at offset of blob b. */
int archive_reader_blob(archive_reader *r, enum archive_blob b, uint64_t offset, size_t len,
                        void *out);
/* Bytes the table's dataset occupies in the file (compressed chunks). */
uint64_t archive_reader_storage_bytes(const archive_reader *r, enum archive_table t);
/* Positions covered by the index (0 when the file has none). */
uint64_t archive_reader_indexed_rows(const archive_reader *r);

/* Build (or rebuild) the index of a closed file.  A file a writer holds (its lock file, see
 * archive_writer_create) is refused.  Memory is bounded: the positions are sorted in blocks of
 * 1,048,576 rows (48 MB) and merged through a temporary file beside the archive (48 bytes per
 * position, removed at once), so 10 M positions need about 50 MB of memory and 480 MB of
 * temporary disk.  0 or -1 (logged). */
int archive_index_build(const char *path);
/* Read every row of every table and every blob byte (a damaged chunk fails to decode or, on
 * files with Fletcher32, to checksum), refuse rows that were never written (time 0 and MMSI 0),
 * and verify the index against the positions it covers.  0, or -1 with the first problems
 * logged. */
int archive_reader_check(archive_reader *r);
/* The same with sort blocks of sort_block_rows rows (memory about 48 bytes x sort_block_rows;
 * 1..SIZE_MAX, 0: the default). */
int archive_index_build_bounded(const char *path, size_t sort_block_rows);

/* ---- queries ------------------------------------------------------------------------------ */

typedef struct archive_query {
    uint32_t mmsi;        /* 0: any */
    int64_t t0_ns, t1_ns; /* event time range [t0, t1); 0: open */
    bool bbox;            /* filter on the box below */
    double lat_min_deg, lat_max_deg, lon_min_deg, lon_max_deg;
    uint32_t zones;   /* tracks: any of these wire_track.zones bits; 0: any */
    const char *rule; /* alerts: rule id; NULL: any */
} archive_query;

/* Called per matching row (native layout of the table); return non-zero to stop. */
typedef int (*archive_row_fn)(void *ctx, const void *row, uint64_t row_index);

/* Visit the rows of table t matching q in table order (positions: by MMSI then time when the
 * index answers an MMSI query).  Filters that do not apply to a table are ignored (zones apply
 * to tracks only, rule to alerts only; tables without a position ignore bbox; an MMSI filter
 * matches nothing in radar and stats, which carry no MMSI).
 * Returns the number of rows visited, or -1 on a read error. */
int64_t archive_query_rows(archive_reader *r, enum archive_table t, const archive_query *q,
                           archive_row_fn fn, void *ctx);
/* True when row (of table t) matches q. */
bool archive_row_matches(enum archive_table t, const void *row, const archive_query *q);

/* ---- export ------------------------------------------------------------------------------- */

enum archive_format {
    ARCHIVE_FMT_CSV = 0, /* positions: the Danish Maritime Authority's AIS CSV columns, joined
                            with the static data known at each row; other tables: one column
                            per field */
    ARCHIVE_FMT_JSONL,   /* one JSON object per row; alerts: one per alert (latest state) with
                            rule, mmsi (integer, list or null), start, end, lat, lon, score,
                            evidence ... */
    ARCHIVE_FMT_GEOJSON, /* positions (per MMSI) and tracks (per track) as LineStrings; alerts
                            and radar as Points */
    ARCHIVE_FMT_KML,     /* the same geometry as KML Placemarks */
};
/* Format by name ("csv", "jsonl", "geojson", "kml"), -1 when unknown. */
int archive_format_from_name(const char *name);

typedef struct archive_export archive_export;
/* Start an export of table t to out; all_states (alerts): every state change, not one line per
 * alert.  NULL (logged) when the format does not apply to the table. */
archive_export *archive_export_begin(FILE *out, enum archive_table t, enum archive_format f,
                                     bool all_states);
/* Add the rows of one file matching q (call in time order of the files).  Returns the number of
 * rows matched, or -1 on a read error. */
int64_t archive_export_add(archive_export *e, archive_reader *r, const archive_query *q);
/* Write what is collected (geometry, alerts) and the trailer; frees.  0, or -1 on a write error. */
int archive_export_end(archive_export **e);

#endif
