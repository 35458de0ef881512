/* Cursor on Target (CoT) 2.0 events from Centinela tracks and alerts, and the per-track pacing
 * that decides which track states become events.
 *
 * CoT is the event format of the TAK family (ATAK, WinTAK, WebTAK, TAK Server): one XML
 * <event> per object state, with
 *   <event version="2.0" uid type how time start stale>
 *     <point lat lon hae ce le/>
 *     <detail> ... </detail>
 *   </event>
 * (MITRE "Cursor-on-Target Message Router User's Guide" and the CoT base schema, Event.xsd:
 * uid and type are strings, time/start/stale xs:dateTime, lat -90..90, lon -180..180, hae/ce/le
 * decimals in metres, 9999999.0 meaning "unknown").  Types follow the MIL-STD-2525 atoms:
 * "a-u-S" unknown surface, "a-n-S" neutral surface (identified merchant traffic), "a-s-S"
 * suspect surface (an alert is open on the vessel).
 *
 * Mapping (every time is EVENT time, never the wall clock):
 *   uid      "centinela-<mmsi>" for an AIS vessel; "centinela-<mmsi>-t<track_id>" for the second
 *            track of a split MMSI; "centinela-dark-<track_id>" for a radar-only (dark) target;
 *            "centinela-alert-<source_id>-<alert_id>" for an alert
 *   time = start = the track state's event time; stale = time + stale_s (a removed track: stale =
 *            time, which withdraws it from TAK maps)
 *   point    lat/lon of the track, ce = the track's 1-sigma position uncertainty (pos_sigma_m:
 *            CoT's ce is the circular 1-sigma error in metres), hae/le unknown (surface vessel)
 *   detail   <contact callsign> = ship name, else MMSI; <track course speed> with speed in m/s
 *            (CoT's unit) when known; <remarks> with class, flag (MID), zones, ship type, state
 *   alerts   type "b-m-p-s-m" (a map marker of its own), callsign "<rule> <score>", remarks with
 *            rule, score and the evidence, <link uid= of the vessel relation="p-p"> to the vessel
 *
 * The XML is written with libxml2's xmlTextWriter, so every attribute and text is escaped by
 * the library, never assembled by hand. */
#ifndef CENTINELA_COT_H
#define CENTINELA_COT_H

#include "centinela/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CoT types used for vessels. */
#define COT_TYPE_UNKNOWN "a-u-S"
#define COT_TYPE_NEUTRAL "a-n-S"
#define COT_TYPE_SUSPECT "a-s-S"
#define COT_TYPE_ALERT "b-m-p-s-m"

typedef struct cot_config {
    double stale_s;        /* track events stay valid this long after their time, > 0 */
    double alert_stale_s;  /* open/updated alert events stay valid this long, > 0 */
    double min_interval_s; /* per track: at most one event per this much event time, >= 0,
                              unless the event's type, name or track state changed */
    bool tentative;        /* also send tentative tracks (one report, not yet confirmed) */
} cot_config;

typedef struct cot_writer cot_writer;

/* Returns NULL (logged) when a setting is out of range. */
cot_writer *cot_writer_create(const cot_config *cfg);
void cot_writer_destroy(cot_writer **w);

/* The vessel's uid (see above) into out (cap >= 48).  Returns out. */
char *cot_track_uid(const wire_track *t, char *out, size_t cap);
/* The CoT type of a track given whether an alert is open on it. */
const char *cot_track_type(const wire_track *t, bool alert_open);

/* One track state in; 1 when an event was written (cot_writer_event() holds it), 0 when the
 * pacing holds it back, -1 on a writer failure (counted by the caller).  source_id is the
 * publisher of the track (ids are unique per publisher). */
int cot_writer_track(cot_writer *w, uint32_t source_id, const wire_track *t);
/* One alert state change in: always written (1), or -1.  The alert's vessel is marked suspect
 * while the alert is open; cot_writer_resend() then gives its latest track state again. */
int cot_writer_alert(cot_writer *w, uint32_t source_id, int64_t event_time_ns, const wire_alert *a);
/* After cot_writer_alert(): the alert's vessels whose type changed are re-sent once each.  Call
 * repeatedly until it returns 0: 1 when an event was written, -1 on a failure. */
int cot_writer_resend(cot_writer *w);

/* The last event written: NUL-terminated XML text and its length (valid until the next call). */
const char *cot_writer_event(const cot_writer *w, size_t *len);

typedef struct cot_stats {
    uint64_t tracks_in, track_events, paced, tentative_skipped, alert_events, resent;
    uint64_t write_errors;
    uint64_t vessels; /* tracks currently known */
    uint64_t open_alerts;
} cot_stats;
void cot_writer_stats(const cot_writer *w, cot_stats *out);

#endif
