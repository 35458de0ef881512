/* nmea_input without sockets: the input list syntax, radar sites, line splitting and
 * event-time pacing.  main.c owns the file descriptors; everything it decides is here and is
 * tested by tests/nmea_input.
 *
 * Input list (`inputs`, comma-separated; each entry `KIND:ADDRESS[@STATION]`):
 *   file:PATH          a file; "-" is standard input.  A bare PATH with no known prefix is a file.
 *   udp:HOST:PORT      bind a UDP socket and read datagrams (one or more lines each)
 *   tcp:HOST:PORT      connect to a TCP server (an AIS feed); reconnect with back-off
 *   tcpserver:HOST:PORT  listen; every client that connects is read (up to max_clients)
 * STATION (0 .. 4294967295) is the receiving station id of messages whose tag block carries no
 * "s:" source; without it the `station` key applies.  HOST is an IPv4 address or a host name
 * (0.0.0.0 binds every interface).
 *
 * Radar sites (`radar_sites`, comma-separated `ID:LAT:LON[:RANGE_NM]`): fixed ARPA radars whose
 * TTM range/bearing become positions.  A TTM line's site is the one whose id equals the tag block
 * "s:" digits, else the input's station id when a site has that id, else the only site when
 * exactly one is configured. */
#ifndef NMEA_INPUT_INPUTS_H
#define NMEA_INPUT_INPUTS_H

#include "centinela/radar.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum nmea_input_kind { INPUT_FILE = 1, INPUT_UDP, INPUT_TCP, INPUT_TCPSERVER };

typedef struct nmea_input_spec {
    enum nmea_input_kind kind;
    char path[512]; /* INPUT_FILE: the path, "-" for stdin */
    char host[256]; /* network kinds */
    uint16_t port;
    uint32_t station_id;
} nmea_input_spec;

#define NMEA_INPUT_MAX 64

/* Parse the input list; default_station applies to entries without "@STATION".  Returns the
 * number of entries (>= 1), or -1 with one logged reason (empty list, unknown kind, bad port or
 * station, more than max entries). */
int nmea_inputs_parse(const char *text, uint32_t default_station, nmea_input_spec *out, int max);
/* Name of a kind ("file", "udp", ...). */
const char *nmea_input_kind_name(enum nmea_input_kind kind);

/* Parse `radar_sites`; an empty text gives 0 sites.  Returns the count or -1 (logged). */
int nmea_radar_sites_parse(const char *text, radar_site *out, int max);
/* Default site index of an input with this station id (rule above), -1 when none. */
int nmea_radar_default_site(const radar_site *sites, int n_sites, uint32_t station_id);

/* ---- line splitting ----------------------------------------------------------------------- */

/* Longest line kept (tag block + sentence + USCG fields fit with room to spare); longer lines
 * are dropped whole and counted. */
#define NMEA_LINE_MAX 2048

typedef struct linebuf {
    char *buf;
    size_t cap, start, end;
    size_t prev_start; /* start before the last line returned (unget) */
    bool dropping;     /* inside an over-long line: discard up to the next newline */
    uint64_t too_long; /* over-long lines dropped */
} linebuf;

void linebuf_init(linebuf *lb, size_t cap); /* cap >= 2 * NMEA_LINE_MAX */
void linebuf_free(linebuf *lb);
/* Space to read into (compacting first); *room > 0 always. */
char *linebuf_space(linebuf *lb, size_t *room);
/* Account for n bytes read into the space. */
void linebuf_commit(linebuf *lb, size_t n);
/* Next complete line (without its newline; CR kept, the parsers strip it).  At end of input
 * (eof true) a last line without a newline is returned too.  Returns 1 with *line / *len set
 * (valid until the next call to linebuf_space), 0 when more input is needed. */
int linebuf_next(linebuf *lb, bool eof, const char **line, size_t *len);
/* Put the line just returned back (pacing: not yet due). */
void linebuf_unget(linebuf *lb);

/* ---- event time --------------------------------------------------------------------------- */

/* The line's own event time for pacing: tag block "c:", a $PGHP time, the trailing Unix time or
 * the leading time (local times unconverted: pacing needs only their spacing); 0 when none. */
int64_t nmea_line_time_ns(const char *line, size_t len);

/* Real-time pacing of a recording by event time: the first timed line starts the clock; a line
 * of event time t is due speed-times faster than it was recorded.  A line earlier than the first
 * (time going backwards) is due at once. */
typedef struct pacer {
    double speed; /* > 0; 1 = as recorded */
    bool started;
    int64_t ev0_ns;
    double wall0_s;
} pacer;
/* Seconds to wait before a line of event time t_ns (0: untimed) is due at wall time now_s
 * (monotonic seconds); <= 0 when due. */
double pacer_wait_s(pacer *p, int64_t t_ns, double now_s);

#endif
