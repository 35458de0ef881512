/* ARPA radar target reports: NMEA 0183 TTM (tracked target message) and TLL (target latitude
 * and longitude), parsed into wire_radar, and formatted back (the traffic simulator emits them).
 *
 *   $RATTM,nn,dist,brg,T|R,spd,crs,T|R,cpa,tcpa,K|N|S,name,L|Q|T,ref,hhmmss.ss,A|M*hh
 *   $RATLL,nn,llll.ll,N|S,yyyyy.yy,E|W,name,hhmmss.ss,L|Q|T,ref*hh
 *
 * TTM gives range and bearing from the radar; with the site's position (configured per radar
 * site: radars on shore do not move) it becomes an absolute position on the sphere.  A relative
 * bearing ('R') is taken from true north, as a fixed shore radar has no own-ship heading.
 * Distance and speed units follow field 10: N nautical miles and knots, K km and km/h, S statute
 * miles and mph.  The hhmmss time field has no date, so the caller gives the event time (from a
 * tag block or the file).  Any talker is accepted ("RA", "II", ...).  A leading tag block is
 * skipped (the caller reads its time).
 *
 * Bad input is classified, never fatal: the caller counts each status and skips the line.
 */
#ifndef CENTINELA_RADAR_H
#define CENTINELA_RADAR_H

#include "centinela/wire.h"

#include <stddef.h>
#include <stdint.h>

typedef struct radar_site {
    uint32_t id;
    double lat_deg, lon_deg;
    double range_m; /* instrumented range; plots beyond 1.25 x this are refused; 0: no limit */
} radar_site;

typedef enum radar_status {
    RADAR_OK = 0,
    RADAR_NOT_MINE,     /* not a TTM or TLL sentence (other NMEA, AIS, comments) */
    RADAR_BAD_CHECKSUM,
    RADAR_BAD_SYNTAX,   /* field count, missing or non-numeric fields */
    RADAR_BAD_VALUE,    /* target number, bearing, latitude... out of their ranges */
    RADAR_OUT_OF_RANGE, /* plot farther from the site than its range allows */
    RADAR_STATUS_COUNT
} radar_status;
const char *radar_status_name(radar_status s);

/* Parse one line (with or without CR/LF) from a radar site at event time time_ns. */
radar_status radar_parse(const char *line, size_t len, const radar_site *site, int64_t time_ns,
                         wire_radar *out);

/* Format a target as TTM (range/bearing from the site, true bearing, nautical units) or TLL,
 * with checksum and CR/LF.  utc_ns gives the hhmmss field.  Returns the length, or 0 when
 * cap is too small. */
size_t radar_format_ttm(const radar_site *site, const wire_radar *r, int64_t utc_ns, char *out,
                        size_t cap);
size_t radar_format_tll(const wire_radar *r, int64_t utc_ns, char *out, size_t cap);

#endif
