/* detect: the anomaly detector — interdiction rules over fused track states, an alert lifecycle
 * (open, update, close) and a score.
 *
 * Input is the stream of wire_track states from track_fusion, in event-time order; output is a
 * stream of wire_alert state changes handed to a sink callback.  Only event time is used
 * (wire_track.time_ns and the times derived from it): the same input gives the same alerts.
 *
 * Rules live one per file under rules/, each a const detect_rule descriptor (rule.h) listed once
 * in rules.def.  Every threshold is a parameter "<rule>.<key>" with a default, a range and a
 * help text; detect_params holds the effective values and the per-zone overrides, so thresholds
 * change in configuration without recompiling.  A bad value is refused with the origin, the key,
 * the value and the allowed range.
 *
 * Lifecycle: one alert per (rule, subject) at a time.  The subject is a track for most rules,
 * an MMSI for the identity rules (mmsi_conflict, identity_change, ais_gap) and a pair of tracks
 * for encounter.  A rule raising an alert that is already open updates it (end time, position,
 * confidence, evidence); an UPDATE is published when the score moves by alert.update_score_delta
 * or alert.update_interval_s of event time has passed.  Alerts close when their rule says the
 * condition ended, or after alert.close_after_s of event time without being raised again.
 *
 * End of stream: detector_finish() closes every open alert (end = the last event time of its
 * subject, evidence "closed_by":"end_of_stream") so the archive and the JSON Lines file hold
 * every alert with a start and an end; nothing is left half-open.
 *
 * Score = severity (0..100, <rule>.severity) x confidence (0..1, from the rule) x context
 * (product of the score.w_* weights that apply: inside the EEZ outside TSS lanes, near the
 * Darién / Guna Yala / Bocas del Toro coasts, night by solar elevation, repeat vessel),
 * clipped to 100.
 */
#ifndef CENTINELA_DETECT_H
#define CENTINELA_DETECT_H

#include "centinela/wire.h"
#include "centinela/zones.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Zone kinds: enum zone_kind of the zones library (ZONE_EEZ ... ZONE_LAND); wire_track.zones
 * carries bit ZONE_BIT(kind) for each kind the position is inside. */

/* Geography the rules may ask about beyond what a wire_track carries.  Every member may be NULL
 * (then the rules fall back to the wire_track zones bitmask and dist_shore_m).  The anomaly
 * detector node answers them from the zones library (its `zones` key). */
typedef struct detect_geo {
    void *ctx;
    /* Distance (m) from the point to the nearest zone of that kind, 0 inside, INFINITY when no
     * zone of that kind is loaded. */
    double (*dist_to_zone_m)(void *ctx, double lat_deg, double lon_deg, int kind);
    /* Direction of traffic (deg true, 0..360) of the traffic-separation lane containing the
     * point, NaN outside lanes or when the lane has no direction. */
    double (*lane_direction_deg)(void *ctx, double lat_deg, double lon_deg);
    /* Distance (m) from the point inward to the edge of receiver coverage (>= 0 inside,
     * negative outside), NaN when coverage is not known. */
    double (*coverage_margin_m)(void *ctx, double lat_deg, double lon_deg);
    /* How far inland the point is (m): 0 at sea or in navigable water, NaN when no land is
     * loaded; searches may stop at 50 km (INFINITY beyond). */
    double (*inland_m)(void *ctx, double lat_deg, double lon_deg);
    /* How far inside a traffic-separation lane the point lies (m): the distance to the lane's
     * nearest boundary, 0 outside lanes; searches may stop at 50 km. */
    double (*lane_depth_m)(void *ctx, double lat_deg, double lon_deg);
    /* True where land and water come from detailed geography that knows navigable water (the
     * GeoJSON land inside its extent), false where only a world shoreline without rivers or
     * canals (GSHHG) or nothing knows. */
    bool (*land_detailed)(void *ctx, double lat_deg, double lon_deg);
} detect_geo;

/* The geography above answered from a zones object (which must outlive the detector): zone
 * distances searched to 50 km, lane directions, inland depth.  Coverage is not in the zones:
 * coverage_margin_m is NULL and receiver coverage comes from fusion (TRACK_FLAG_IN_COVERAGE,
 * set only well inside the area the stations hear).  land_detailed from zones_land_detailed.
 * All members NULL when z is NULL. */
detect_geo detect_geo_zones(const zones *z);

/* ---- parameters -------------------------------------------------------------------------- */

enum detect_param_type { DP_REAL = 0, DP_BOOL = 1, DP_STR = 2 };

/* One parameter, as a configuration front end needs it. */
typedef struct detect_param_info {
    const char *key; /* "<rule>.<name>", e.g. "loitering.max_sog_kn" */
    enum detect_param_type type;
    const char *def;  /* default as text */
    double min, max;  /* range of DP_REAL values */
    const char *help; /* with unit */
} detect_param_info;

typedef struct detect_params detect_params;

/* Every parameter of the library (global ones and every rule's), in a stable order. */
size_t detect_param_count(void);
const detect_param_info *detect_param_at(size_t i);

/* All defaults. */
detect_params *detect_params_create(void);
detect_params *detect_params_clone(const detect_params *p);
void detect_params_destroy(detect_params **p);
/* Set a value from text, checked against the type and range (string lists are parsed).
 * origin names where the value came from ("file.conf [section]", "--key") for the message.
 * Returns 0 or -1 (logged once: origin, key, value and why). */
int detect_params_set(detect_params *p, const char *key, const char *value, const char *origin);
/* A per-zone override: inside a zone of that kind the value replaces the global one.  When a
 * position is inside several kinds with overrides, the most specific wins (port, anchorage,
 * tss_lane, tss_separation, canal_approach, territorial_sea, contiguous_zone, eez, land). */
int detect_params_set_zone(detect_params *p, int zone_kind, const char *key, const char *value,
                           const char *origin);
/* Read the override sections "[<section>.zone.<kind>]" of an INI file (keys as above).  Other
 * sections are ignored.  Returns 0 or -1 (logged with file, section and key). */
int detect_params_load_zone_sections(detect_params *p, const char *path, const char *section);
/* Effective global values (for tests and --dump-config). */
double detect_params_real(const detect_params *p, const char *key);
const char *detect_params_str(const detect_params *p, const char *key);

/* ---- rules ---------------------------------------------------------------------------------- */

/* Number of rules in the registry and their ids ("ais_gap", ...), in registry order. */
int detect_rule_count(void);
const char *detect_rule_name(int i);
/* Index of a rule id, -1 when unknown. */
int detect_rule_index(const char *name);

/* ---- detector ------------------------------------------------------------------------------- */

typedef struct detector detector;

/* Receives every alert state change.  The alert is valid during the call only. */
typedef void (*detect_sink)(void *ctx, const wire_alert *alert);

typedef struct detect_config {
    const detect_params *params; /* NULL: defaults; copied by create */
    detect_geo geo;              /* all members may be NULL */
    detect_sink sink;            /* may be NULL (counts only) */
    void *sink_ctx;
    uint32_t source_id;       /* high 32 bits of alert ids: unique per detector source */
    uint32_t first_alert_seq; /* low 32 bits start after this (a restarted detector that
                                 continues: ids never repeat an earlier process's) */
} detect_config;

/* Validates the parameters (string lists, hysteresis order) and returns NULL with one logged
 * reason when they are inconsistent. */
detector *detector_create(const detect_config *cfg);
/* Feed one track state (event-time order; states older than the newest seen are still
 * processed, but never move the detector clock backwards).  Returns 0, or -1 for a state
 * refused as malformed (no position, bad time): counted, never fatal. */
int detector_process(detector *d, const wire_track *t);
/* Advance the event-time clock without a track (a heartbeat or EOS header time): runs the
 * periodic sweeps (ongoing gaps, stale alerts) due by now_ns. */
void detector_advance(detector *d, int64_t now_ns);
/* Take back an alert an earlier process of this detector published and left open (read from its
 * journal after a restart without history).  The alert keeps its id: when its rule raises it
 * again for the same vessels it continues as an update; if it is not raised again within
 * close_after_s of its last raise it closes, saying so.  Returns 0, or -1 when the alert is
 * closed, already adopted, or of a rule unknown or disabled here. */
int detector_adopt(detector *d, const wire_alert *a);
/* End of stream: a final sweep at the newest event time, then close every open alert. */
void detector_finish(detector *d);
void detector_destroy(detector **d);

typedef struct detect_stats {
    uint64_t tracks_in, tracks_refused;
    uint64_t alerts_opened, alerts_updated, alerts_closed;
    uint64_t alerts_resumed; /* adopted alerts raised again (detector_adopt) */
    uint64_t opened_per_rule[32];
    uint64_t open_now;
    uint64_t vessels; /* tracks currently held */
} detect_stats;
void detector_stats(const detector *d, detect_stats *out);

/* ---- helpers shared with the node and tests ----------------------------------------------------
 */

/* JSON Lines record of an alert: {"rule","state","alert_id","mmsi" (integer, list or null),
 * "track_id","start","end" (ISO 8601 UTC),"lat","lon","score","severity","confidence",
 * "context","evidence"{...}}.  Returns a malloc'd string without newline. */
char *detect_alert_to_json(const wire_alert *a, bool with_state);

/* Solar elevation (deg, -90..90) at a position and UTC event time, NOAA's low-precision
 * algorithm (about 0.5 deg); used for the night weight. */
double detect_solar_elevation_deg(double lat_deg, double lon_deg, int64_t t_ns);

#endif
