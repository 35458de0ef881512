/* NMEA 0183 encapsulation of AIS (IEC 61162-1 VDM/VDO), IEC 61162-450 / NMEA 4.10 tag blocks and
 * USCG-style trailing receiver fields; encoding back to NMEA.
 *
 * Line forms accepted by the assembler (one per push, with or without trailing CR/LF):
 *   !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A
 *   \g:1-2-1604,s:rORBCOMM008,c:1418169601*37\!AIVDM,2,1,6,A,53@o0E...,0*63
 *   !AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30,d-080,S2118,t050056.00,T56.48,r003669946,1325394060
 * Any talker ("AI", "AB", "BS", "SA", ...) with formatter VDM or VDO is AIS.  Other NMEA sentences
 * ($GPRMC, ...) and comment lines are "not mine": counted apart from corrupt input, never errors.
 * A VDM/VDO whose talker is not two letters or digits ("!=IVDM", a corrupted "!AIVDM" that real
 * feeds carry) is rejected as bad_talker.
 *
 * Real logs put more around the sentence, all accepted and detected per line (nmea_line_format):
 *   1490075479,!AIVDM,...                     leading Unix time, s (ms when 13 digits)
 *   2016-04-01 00:00:02, !AIVDM,...           leading local date-time (zone: nmea_tz)
 *   2016-03-31T22:00:02.5Z !AIVDM,...         leading ISO 8601 with Z or +hh:mm
 *   !AIVDM,...,0*48,1327664822                trailing Unix time, s or ms (exactEarth, AMSA)
 *   \si:AISD*3F\                              a tag block alone on its line (DMA): applies to
 *   $PGHP,1,2013,11,12,12,0,0,11,219,,2190067,1,62*26   the next message, like the Gatehouse
 *   !BSVDM,1,1,,A,13@:`L001N0ded0O6Fp8wW<00<0t,0*62    time sentence before it
 * "$PGHP,1,<year>,<month>,<day>,<h>,<min>,<s>,<ms>,<MID>,<region>,<station>,<online>,<cc>" gives
 * the UTC time of the packet that follows; cc is the XOR of that packet's sentence checksums
 * (verified on the DMA and exactEarth logs in shared/datasets/nmea/real), so a single-part
 * sentence takes it only when its checksum matches.  "si:" (DMA source) is read as "s:".
 *
 * Time: the assembler works in event time (ms since the Unix epoch).  Each line's time is taken
 * from its tag block "c:" field (its own, or of a tag-block line before it), else the $PGHP time
 * before it, else its trailing Unix time, else its leading time, else the time the caller passes
 * (NMEA_TIME_NONE when the caller has none).  Incomplete multipart messages are dropped (and
 * counted as missing parts) when the event time of a later line from the same source (tag block
 * "s:", else USCG "r...", else none) is more than the configured timeout past their first part;
 * sources' clocks are not compared with each other (satellite feeds interleave them).
 */
#ifndef CENTINELA_NMEA_H
#define CENTINELA_NMEA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "centinela/sixbit.h"

#define NMEA_MAX_SENTENCE 82 /* IEC 61162-1: '!' to <LF> inclusive */
#define NMEA_TIME_NONE INT64_MIN

/* XOR of the bytes between the start delimiter and '*' (pass that span). */
uint8_t nmea_checksum(const char *s, size_t len);

/* Encode a message as one or more !<talker> sentences (max 82 chars each, split as NMEA 0183
 * requires), "\r\n"-separated, NUL-terminated.  talker e.g. "AIVDM" (5 chars); channel 'A','B' or
 * 0 for none; seq_id 0-9 used only when multipart.  Returns number of sentences or -1 (bad
 * arguments, more than 9 parts, or out_cap too small). */
int nmea_encode_vdm(const uint8_t *bits, size_t nbits, const char *talker, char channel, int seq_id,
                    char *out, size_t out_cap);

/* ---- tag blocks (IEC 61162-450 §7.3 / NMEA 0183 4.10) ------------------------------------ */
enum nmea_tag_flag {
    NMEA_TAG_C = 1u << 0, /* c: UNIX time of reception (s; ms when > 1e11, as some feeds send) */
    NMEA_TAG_D = 1u << 1, /* d: destination identifier */
    NMEA_TAG_G = 1u << 2, /* g: sentence grouping  seq-total-id */
    NMEA_TAG_N = 1u << 3, /* n: line count */
    NMEA_TAG_R = 1u << 4, /* r: relative time */
    NMEA_TAG_S = 1u << 5, /* s: source identifier (station) */
    NMEA_TAG_T = 1u << 6, /* t: text */
    NMEA_TAG_BIG_T = 1u << 7, /* T: "YYYY-MM-DD hh.mm.ss" (ORBCOMM extension) */
    NMEA_TAG_Q = 1u << 8,     /* q: quality (ORBCOMM extension) */
};

#define NMEA_TAG_TEXT_MAX 32
typedef struct nmea_tagblock {
    unsigned present;              /* NMEA_TAG_* bits */
    int64_t c_ms;                  /* c: reception time, ms since the Unix epoch */
    int64_t c_raw;                 /* c: as sent */
    unsigned g_seq, g_total, g_id; /* g: sentence g_seq (1-based) of g_total in group g_id */
    int64_t n;                     /* n: line count */
    int64_t r;                     /* r: relative time (units as the source defines) */
    char s[NMEA_TAG_TEXT_MAX];     /* s: source, e.g. "rORBCOMM008" */
    char d[NMEA_TAG_TEXT_MAX];     /* d: destination */
    char t[NMEA_TAG_TEXT_MAX];     /* t: text (truncated to 31 chars) */
    char big_t[NMEA_TAG_TEXT_MAX]; /* T: ORBCOMM time text */
    char q[8];                     /* q: ORBCOMM quality */
} nmea_tagblock;

/* Parse the inside of a tag block: the text between the two '\' (e.g. "s:r1,c:1418169601*55").
 * The "*hh" checksum is required and checked when check_checksum is true.
 * Returns 0, or -1 on bad syntax or checksum. */
int nmea_tagblock_parse(const char *s, size_t len, bool check_checksum, nmea_tagblock *out);
/* Format a tag block with its checksum, "\...*hh\"; returns chars written or 0 on overflow. */
size_t nmea_tagblock_format(const nmea_tagblock *tb, char *out, size_t out_cap);

/* ---- USCG trailing receiver fields (after the checksum) -------------------------------- */
typedef struct nmea_receiver_fields {
    bool present;
    bool has_signal, has_slot, has_time_text, has_t_offset, has_unix;
    int signal_dbm;     /* d-109 -> -109 */
    int slot;           /* S2105 */
    char time_text[12]; /* t050056.00 (hhmmss.ss) */
    double t_offset_s;  /* T56.13718694: seconds within the minute */
    char station[16];   /* r003669946 */
    int64_t unix_s;     /* last field: Unix time of the receiver (s) */
    int64_t unix_ms;    /* the same in ms (a 13-digit field is taken as ms, as exactEarth
                           and AMSA logs write it) */
} nmea_receiver_fields;

/* ---- one parsed sentence (no reassembly) ------------------------------------------------ */
typedef struct nmea_sentence {
    char talker[6];      /* "AIVDM", "BSVDO", ... NUL-terminated */
    int total, part;     /* 1-9 */
    int seq_id;          /* 0-9, or -1 when empty */
    char channel;        /* 'A', 'B', '1', '2', ... or 0 when empty */
    const char *payload; /* points into the line */
    size_t payload_len;
    unsigned fill_bits; /* 0-5 */
    bool has_tagblock;
    bool tag_bad_checksum; /* the tag block's checksum is wrong (its fields are kept) */
    nmea_tagblock tag;
    nmea_receiver_fields rx;
    const char *sentence; /* from '!' through "*hh" */
    size_t sentence_len;
    uint8_t checksum;   /* the sentence's "*hh" */
    size_t start;       /* offset in the line of the tag block or sentence (after a leading
                           time and its separator) */
    bool has_lead_time; /* a time before the sentence */
    bool lead_zoned;    /* ... with Z / an offset or a Unix time: lead_ms is UTC; otherwise a
                           local date-time read as if UTC (nmea_tz converts it) */
    int64_t lead_ms;
    /* Lines that only carry context for the next message (status NMEA_NOT_MINE): */
    enum { NMEA_CONTEXT_NONE, NMEA_CONTEXT_TAGBLOCK, NMEA_CONTEXT_PGHP } context;
    int64_t pghp_ms; /* $PGHP: UTC time, ms since the Unix epoch */
    int pghp_cc;     /* $PGHP: checksum XOR of the packet it stamps, -1 when absent */
} nmea_sentence;

/* Reasons a line is not turned into a message, counted by class. */
typedef enum nmea_status {
    NMEA_OK = 0,
    NMEA_NOT_MINE,       /* empty line, comment, other NMEA sentence: not AIS, not an error */
    NMEA_BAD_CHECKSUM,   /* sentence checksum mismatch (a tag block's is counted apart) */
    NMEA_BAD_SYNTAX,     /* truncated, wrong field count, bad part numbers, too long */
    NMEA_BAD_TAGBLOCK,   /* tag block syntax */
    NMEA_BAD_FILL,       /* fill bits outside 0-5, or non-zero on a non-final part */
    NMEA_BAD_ARMOR,      /* payload character outside the six-bit alphabet */
    NMEA_BAD_LENGTH,     /* empty payload or reassembled message beyond SIXBIT_MAX_BITS */
    NMEA_DUPLICATE_PART, /* the same part arrived twice (second copy dropped) */
    NMEA_MISSING_PART,   /* a partial message dropped on timeout, or displaced by a new one */
    NMEA_BAD_TALKER,     /* "!=IVDM": a VDM/VDO whose talker is not two letters or digits */
    NMEA_BAD_PREFIX,     /* line_format forces a leading time and the line has none */
    NMEA_STATUS_COUNT
} nmea_status;
const char *nmea_status_name(nmea_status s); /* "ok", "not_mine", "bad_checksum", ... */
/* The setting that may help when a line of this class (text: its start, may be NULL) was the
 * first of an input that yielded nothing; a static string. */
const char *nmea_status_hint(nmea_status s, const char *line);

/* What may precede the tag block or sentence on a line. */
typedef enum nmea_line_format {
    NMEA_FORMAT_AUTO = 0, /* detected per line: any of the leading times below, or none */
    NMEA_FORMAT_NMEA,     /* nothing: a leading time makes the line "not mine" */
    NMEA_FORMAT_UNIX,     /* required: Unix time, s or ms ("1490075479," / "1490075479123 ") */
    NMEA_FORMAT_DATETIME, /* required: "YYYY-MM-DD[T ]hh:mm:ss[.fff][Z|+hh:mm]" */
} nmea_line_format;
/* "auto", "nmea", "unix", "datetime" -> 0, or -1 for anything else. */
int nmea_line_format_parse(const char *name, nmea_line_format *out);
const char *nmea_line_format_name(nmea_line_format f);

/* Parse one line (leading time, tag block, sentence, trailing fields) in NMEA_FORMAT_AUTO.
 * Does not unarmour the payload.  check_checksum: reject on checksum mismatch (true in normal
 * use).  Returns a status. */
nmea_status nmea_parse_line(const char *line, size_t len, bool check_checksum, nmea_sentence *out);
nmea_status nmea_parse_line_format(const char *line, size_t len, bool check_checksum,
                                   nmea_line_format format, nmea_sentence *out);

/* UTC date and time fields (month 1-12, day 1-31, ...) to ms since the Unix epoch. */
int64_t nmea_civil_to_ms(int year, int month, int day, int hour, int min, int sec, int ms);

/* ---- time zone of leading local date-times --------------------------------------------- */
typedef struct nmea_tz nmea_tz;
/* spec: NULL, "" or "UTC" (no offset), a fixed offset "+02:00" / "-0530" / "+2", or a tz
 * database name ("Europe/Paris", from $TZDIR or /usr/share/zoneinfo).  NULL (logged) when
 * unknown. */
nmea_tz *nmea_tz_create(const char *spec);
void nmea_tz_destroy(nmea_tz **ptz);
/* A local wall-clock time (ms, read as if it were UTC) to UTC ms.  In a daylight-saving change
 * the C library's mktime chooses for the repeated hour. */
int64_t nmea_tz_to_utc_ms(nmea_tz *tz, int64_t local_ms);

/* ---- multipart assembler ---------------------------------------------------------------- */
typedef struct nmea_assembler_config {
    int64_t timeout_ms;           /* drop incomplete messages this much event time after their first
                                     part; 1..3,600,000, default 10,000 */
    unsigned max_pending;         /* incomplete messages held at once, 1..1024, default 64 */
    bool check_checksum;          /* default true */
    nmea_line_format line_format; /* default NMEA_FORMAT_AUTO */
    const char *time_zone;        /* of leading local date-times (nmea_tz_create); NULL = UTC */
} nmea_assembler_config;
/* Defaults as documented above. */
nmea_assembler_config nmea_assembler_config_default(void);

#define NMEA_RAW_MAX (9 * 256) /* the sentences of one message, '\n'-joined */

/* A complete message.  Pointers are valid until the next push/flush/destroy. */
typedef struct nmea_message {
    const uint8_t *bits; /* MSB-first payload, nbits bits */
    size_t nbits;
    char talker[6]; /* of the first part, e.g. "AIVDM" */
    char channel;   /* 'A'/'B'/... or 0 */
    int nparts;
    int seq_id; /* -1 for single-part */
    bool has_tagblock;
    nmea_tagblock tag;       /* fields merged from every part's tag block */
    nmea_receiver_fields rx; /* of the last part */
    int64_t time_ms;         /* event time of the last part, or NMEA_TIME_NONE */
    const char *raw; /* the complete lines (with tag blocks and trailing fields), '\n'-joined */
    size_t raw_len;
} nmea_message;

typedef struct nmea_stats {
    uint64_t lines;
    uint64_t sentences;                 /* AIS sentences accepted */
    uint64_t messages;                  /* complete messages produced */
    uint64_t status[NMEA_STATUS_COUNT]; /* per class, index by nmea_status (NMEA_OK unused) */
    uint64_t tagblock_bad_checksum;     /* accepted sentences whose tag block checksum is wrong */
    uint64_t context;            /* of status[NMEA_NOT_MINE]: $PGHP and lone tag-block lines, whose
                                    time and source went to the next message */
    uint64_t first_unknown_line; /* 1-based number of the first line rejected or not
                                    mine other than blank/comment/context lines (0: none) */
    nmea_status first_unknown_status;
    char first_unknown[96]; /* its start, NUL-terminated */
} nmea_stats;

typedef struct nmea_assembler nmea_assembler;

/* Returns NULL (with a logged reason) on a bad configuration; cfg NULL means defaults. */
nmea_assembler *nmea_assembler_create(const nmea_assembler_config *cfg);
void nmea_assembler_destroy(nmea_assembler **pa);
/* Forget partial messages (not counted); statistics are kept. */
void nmea_assembler_reset(nmea_assembler *a);

/* Push one line.  time_ms: the caller's event time for the line (NMEA_TIME_NONE if unknown).
 * Returns 1 when *out holds a complete message, 0 otherwise (a part stored for later, or the line
 * rejected or not AIS: see nmea_assembler_last_status, already counted in the statistics). */
int nmea_assembler_push(nmea_assembler *a, const char *line, size_t len, int64_t time_ms,
                        nmea_message *out);
/* Class of the last pushed line: NMEA_OK for an accepted AIS sentence, else the rejection. */
nmea_status nmea_assembler_last_status(const nmea_assembler *a);
/* Drop every partial message (counting them as missing parts), e.g. at end of stream. */
void nmea_assembler_flush(nmea_assembler *a);
const nmea_stats *nmea_assembler_stats(const nmea_assembler *a);

#endif
