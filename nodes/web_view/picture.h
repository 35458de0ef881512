/* The operator picture of web_view: what the page shows, kept without sockets or HTTP.
 *
 * A picture holds the latest state of every fused track (keyed by publisher and track id) with a
 * short history trail, the alerts with their lifecycle and the operator's acknowledgement, the
 * per-station receiver statistics (from `ais` messages when subscribed) and the latest `stats`
 * heartbeat of every node.  Its JSON views are what the HTTP endpoints serve.
 *
 * Change tracking: every change bumps the picture's version and stamps the changed item with it,
 * so a live feed asks "everything changed since version v" (wv_picture_delta_json) instead of
 * queueing messages per client: a slow browser gets one larger delta, never an unbounded queue.
 * Removed tracks stay as tombstones for `tombstone_s` of event time so that feeds learn of the
 * removal; a client whose version is older than the oldest purge gets a full snapshot.
 *
 * Time: only event time (from the wire headers) drives ageing and purging; the one wall-clock
 * value is the time an operator acknowledged an alert, which is an operator action, not an event.
 *
 * Not thread-safe: the node serialises access (the HTTP threads and the ZeroMQ loop share it).
 */
#ifndef WEB_VIEW_PICTURE_H
#define WEB_VIEW_PICTURE_H

#include "centinela/wire.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct wv_picture_config {
    int trail_points;        /* history points kept per track, 0..4096 */
    double trail_step_s;     /* least event time between two trail points, 0..3600 s */
    int max_tracks;          /* tracks held at most (new ones beyond are refused), 1..1,000,000 */
    int max_alerts;          /* alerts held at most (oldest closed ones evicted first), 1..1,000,000 */
    double tombstone_s;      /* keep a removed track this long (event time), 0..86400 s */
    double stale_s;          /* drop a track not updated for this long (event time); 0: never */
} wv_picture_config;

/* Defaults: 120 trail points 10 s apart, 200,000 tracks, 20,000 alerts, 60 s tombstones,
 * stale tracks dropped after 30 min (track fusion removes them first, at about 10 min). */
void wv_picture_config_default(wv_picture_config *cfg);

typedef struct wv_picture wv_picture;

/* Validates cfg; NULL with a logged reason when a value is out of range. */
wv_picture *wv_picture_create(const wv_picture_config *cfg);
void wv_picture_destroy(wv_picture **p);
/* Forget everything (a playback seek starts from an empty sea). */
void wv_picture_reset(wv_picture *p);

/* Feed one decoded message.  Return 0, or -1 when refused (table full, bad value: counted). */
int wv_picture_track(wv_picture *p, const wire_header *h, const wire_track *t);
int wv_picture_alert(wv_picture *p, const wire_header *h, const wire_alert *a);
int wv_picture_ais(wv_picture *p, const wire_header *h, const wire_ais *m);
/* json: the stats payload text (a JSON object). */
int wv_picture_stats(wv_picture *p, const wire_header *h, const char *json);

/* Operator acknowledgement of an alert (ack = false withdraws it).  by: operator name (may be
 * empty), wall_time_ns: when.  Returns 0, or -1 when the alert is unknown. */
int wv_picture_ack(wv_picture *p, uint32_t source_id, uint64_t alert_id, bool ack, const char *by,
                   int64_t wall_time_ns);

uint64_t wv_picture_version(const wv_picture *p);
/* Latest event time seen, ns (0 before any message). */
int64_t wv_picture_event_time(const wv_picture *p);
/* Tracks currently shown (not removed), and of them dark targets. */
int wv_picture_track_count(const wv_picture *p);
int wv_picture_dark_count(const wv_picture *p);
/* Alerts held, and of them open (not closed). */
int wv_picture_alert_count(const wv_picture *p);
int wv_picture_open_alert_count(const wv_picture *p);
/* Messages refused by the picture (full tables, bad values). */
uint64_t wv_picture_refused(const wv_picture *p);

/* ---- JSON views (new references; the caller json_decref()s) ------------------------------ */

/* AIS-catcher-style ship list: {"count":n,"time":..,"ships":[{mmsi,lat,lon,cog,speed,...}]}. */
json_t *wv_picture_ships_json(const wv_picture *p);
/* GeoJSON FeatureCollection of the tracks as Points with the same properties. */
json_t *wv_picture_geojson(const wv_picture *p);
/* One track with its trail ({"ship":{...},"trail":[[lon,lat,t_ms],...]}); NULL when unknown.
 * source_id 0 matches the first track with that id from any publisher. */
json_t *wv_picture_track_json(const wv_picture *p, uint32_t source_id, uint32_t track_id);
/* Alerts sorted by score (highest first).  rule: only this rule (NULL or "" for all);
 * include_closed: closed alerts too. */
json_t *wv_picture_alerts_json(const wv_picture *p, const char *rule, bool include_closed);
/* {"stations":[...],"nodes":[...]}: per-station receiver statistics and node heartbeats. */
json_t *wv_picture_stats_json(const wv_picture *p);
/* Changes since version `since`: {"version":v,"reset":bool,"time_ns":..,"tracks":[...],
 * "removed":[keys],"alerts":[...]}.  reset = true (full snapshot) when since is 0 or older than
 * the oldest purge.  A track whose identity and static data did not change since `since` is
 * sent as a partial object ("partial":true: position, motion, state, zones, ages) that the page
 * merges into what it has; the page extends trails itself from positions, and with_trails adds
 * whole trails to a full snapshot (first load). */
json_t *wv_picture_delta_json(const wv_picture *p, uint64_t since, bool with_trails);

/* ---- helpers (exposed for tests) -------------------------------------------------------- */

/* ITU Maritime Identification Digits of an MMSI (ITU-R M.585): the MID of ship stations
 * (MIDxxxxxx), group calls (0MID), coast stations (00MID), SAR aircraft (111MID), craft
 * associated with a parent ship (98MID) and AtoN (99MID); 0 when there is none (SART, MOB,
 * EPIRB 97x, or malformed).  kind (may be NULL) gets "ship", "group", "coast", "sar_aircraft",
 * "craft", "aton", "sart_mob_epirb", "handheld" or "invalid". */
int wv_mmsi_mid(uint32_t mmsi, const char **kind);
/* ISO 3166-1 alpha-2 code of the country a MID is allocated to (ITU MID table), NULL when the
 * MID is unallocated. */
const char *wv_mid_country(int mid);
/* Name of a zone kind bit as carried in wire_track.zones (same numbering as pipeline/zones:
 * eez, territorial_sea, contiguous_zone, canal_approach, anchorage, tss_lane, tss_separation,
 * port, land), NULL when out of range. */
const char *wv_zone_kind_name(int kind);

#endif
