/* One NMEA line at a time into wire messages: AIS through the `ais` assembler (multipart,
 * tag blocks, trailing receiver fields), TTM/TLL through the `radar` parser.  Kept apart from
 * main.c so that the scenario tests drive exactly what the node runs, without sockets.
 *
 * Station: the tag block "s:" field when present (digits are the station id; any other text is
 * hashed to a stable id, FNV-1a), else the source's configured station id.
 * Radar site: the configured site whose id equals the "s:" digits, else the source's default.
 * Time: the tag block "c:" field or the USCG trailing Unix time, else the caller's time.
 *
 * Position tables: when the first non-blank line is the header of a MarineCadastre or Danish
 * Maritime Authority CSV (csv_positions.h), every later line is a row turned into AIS messages
 * (encoded, with their !AIVDM sentences as raw NMEA) at the row's time; rows that cannot be read
 * are counted, not fatal. */
#ifndef NMEA_INPUT_FEED_H
#define NMEA_INPUT_FEED_H

#include "centinela/nmea.h"
#include "centinela/radar.h"
#include "centinela/wire.h"

#include <stddef.h>
#include <stdint.h>

typedef struct feed_handlers {
    void (*on_ais)(void *ctx, const wire_ais *m);
    void (*on_radar)(void *ctx, const wire_radar *r);
    void *ctx;
} feed_handlers;

typedef struct feed feed;

/* sites may be NULL; default_site is an index into sites or -1.  Default NMEA settings. */
feed *feed_create(uint32_t station_id, const radar_site *sites, int n_sites, int default_site,
                  const feed_handlers *h);
/* The same with the assembler's settings (line format, time zone, checksums); NULL (logged)
 * when they are refused. */
feed *feed_create_with(uint32_t station_id, const radar_site *sites, int n_sites, int default_site,
                       const feed_handlers *h, const nmea_assembler_config *ac);
void feed_destroy(feed **f);
/* Handle one line; time_ns is the caller's event time for lines without their own.
 * Returns 1 when a message was produced, 0 otherwise (see the counters). */
int feed_line(feed *f, const char *line, size_t len, int64_t time_ns);
/* Event time of the latest line that carried one (0 before any). */
int64_t feed_last_time_ns(const feed *f);
void feed_flush(feed *f);

typedef struct feed_stats {
    const nmea_stats *nmea;
    uint64_t radar[RADAR_STATUS_COUNT];
    uint64_t radar_no_site;
    uint64_t ais_out, radar_out;
    uint64_t lines;                                    /* every line handed to feed_line */
    uint64_t csv_rows, csv_bad_rows, csv_skipped_rows; /* position tables */
    const char *csv_layout;                            /* NULL unless a position table */
} feed_stats;
void feed_get_stats(const feed *f, feed_stats *out);
/* The line's own event time for pacing (a table row's time, else nmea_line_time_ns). */
int64_t feed_line_time_ns(const feed *f, const char *line, size_t len);

#endif
