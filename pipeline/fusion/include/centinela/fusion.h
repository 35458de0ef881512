/* Track fusion: AIS from many receivers and ARPA radar into one track per vessel.
 *
 * Input, in event time (never wall-clock):
 *   - AIS payloads (fusion_ais_bits) or pre-decoded reports (fusion_report_in).  The same
 *     transmission heard by several stations is merged: a payload seen again within
 *     dedupe_window_s counts for the second station's statistics but is one report downstream.
 *   - radar target reports (fusion_radar, wire_radar from nmea_input).
 * Output: wire_track states through the emit callback: on each change (position, static data,
 * state) and a snapshot of every live track each snapshot_interval_s of event time.
 *
 * Model.  Each track carries a constant-velocity Kalman filter in a local tangent plane (east and
 * north decouple: two 2-state filters) re-anchored every 10 km, updated with the reported position
 * and, when present, SOG/COG as a velocity measurement.  A report joins the track of its MMSI
 * whose innovation passes the gate (chi-square of the position innovation <= gate_chi2, or
 * within gate_min_m), or re-acquires it after a gap when the implied speed is plausible
 * (<= max_speed_kn); a report from nowhere near any track of its MMSI starts a second track and
 * both are flagged TRACK_FLAG_SPLIT (one MMSI in two places).
 *
 * Timers.  A track is LOST after max(lost_s, 3.5 x its expected reporting interval) without a
 * report and REMOVED after max(removed_s, 5 x the interval), the interval following ITU-R M.1371-5
 * Annex 1 Tables 1 and 2 for its class, speed and navigational status (an anchored class A ship
 * reports every 3 min; lost_s = 480 and removed_s = 600 follow OpenCPN's defaults).
 *
 * Radar.  Each (site, target) is a radar track with its own filter.  Radar tracks are associated
 * with AIS tracks by gating (distance <= radar_gate_m, speed within radar_gate_kn) and a greedy
 * assignment per site (each AIS track takes at most one target of a site; a closer target takes
 * it over).  An associated radar target feeds its position into the AIS track, which then lists
 * both sensors; a confirmed radar track with no AIS is published as a dark target (mmsi 0,
 * TRACK_FLAG_DARK).
 *
 * Zones (optional) give wire_track.zones, dist_shore_m and TRACK_FLAG_ON_LAND; they are
 * recomputed only when the track has moved far enough to possibly change them (the distance to
 * the nearest zone edge bounds that), so the per-report cost stays small.  Tolerance: zone
 * membership is exact (re-evaluated before the track can reach an edge, with the movement
 * measured in a flat metric within 0.05 % of the tangent plane over the 10 km anchor radius);
 * dist_shore_m is exact where computed (tests/zones: brute force over every edge agrees) and
 * held while the track moves less than max(250 m, 5 % of it), so it lags by at most that.
 */
#ifndef CENTINELA_FUSION_H
#define CENTINELA_FUSION_H

#include "centinela/wire.h"
#include "centinela/zones.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FUSION_MAX_STATIONS 256

/* A receiving station known in advance (position for range statistics and coverage). */
typedef struct fusion_station_config {
    uint32_t id;
    double lat_deg, lon_deg;
    double range_m; /* typical range; 0: learn it from the traffic (90th percentile) */
} fusion_station_config;

typedef struct fusion_config {
    double lost_s;           /* 480; 10..86400 */
    double removed_s;        /* 600; >= lost_s */
    double radar_lost_s;     /* 30; radar track lost without an update (ARPA: 1 per scan) */
    double radar_removed_s;  /* 120 */
    double gate_chi2;        /* 25 (5 sigma); 4..1000 */
    double gate_min_m;       /* 300: innovations this small always pass */
    double max_speed_kn;     /* 50: implied speeds above this are another place */
    double accel_sigma_mps2; /* 0.1: white-acceleration process noise */
    double ais_sigma_m;      /* 15: position noise, accuracy flag high (x2.5 when low) */
    double radar_sigma_m;    /* 50 + 1 % of range */
    double radar_gate_m;     /* 500 */
    double radar_gate_kn;    /* 6: speed difference allowed for association */
    int confirm_reports;     /* 2: AIS reports before a track is confirmed */
    int radar_confirm;       /* 3: radar updates before a radar track is confirmed */
    double dedupe_window_s;  /* 5: same payload within this is the same transmission; 0 off */
    /* 1800: how late a report may arrive (s); 0 off.  Satellite AIS stamped on arrival
     * delivers a ship's positions minutes out of order, and terrestrial networks now and then
     * relay a report a quarter of an hour late (DMA's Kattegat log): one on the path the track
     * took in this time, or on a turn (or the course line) joining it to the track within its
     * speed x this, is the same ship, not a second transmitter (late_delivery.c). */
    double max_latency_s;
    double snapshot_interval_s; /* 60: snapshot of every live track; 0 off */
    /* 86400: static data (type 5/24) of an MMSI without a live track — heard before its first
     * position, or left by its last track when that was removed — is kept this long (s) for
     * the MMSI's next track. */
    double static_keep_s;
    double min_update_interval_s; /* 0: emit every position update; > 0 throttles per track */
    /* 5000: a position is in coverage (TRACK_FLAG_IN_COVERAGE) only this far inside a known
     * station's typical range, so a vessel fading out at the edge of reception is not taken
     * for one going silent in full view. */
    double coverage_margin_m;
    const zones *zones; /* NULL: no zones, dist_shore NaN */
    const fusion_station_config *stations;
    int n_stations;
    /* Output; NULL discards (benchmarks). */
    void (*emit)(void *ctx, const wire_track *t);
    void *emit_ctx;
    uint32_t first_track_id; /* ids start after this (a restarted fusion that continues: ids
                                never repeat an earlier process's) */
} fusion_config;

/* The defaults documented above. */
fusion_config fusion_config_default(void);

/* One decoded AIS report (a position, or static data). */
enum fusion_report_kind { FUSION_POSITION = 1, FUSION_STATIC = 2 };
#define FUSION_HAS_NAME 0x01u
#define FUSION_HAS_CALLSIGN 0x02u
#define FUSION_HAS_IMO 0x04u
#define FUSION_HAS_TYPE 0x08u
#define FUSION_HAS_DIMENSIONS 0x10u
#define FUSION_HAS_DESTINATION 0x20u
typedef struct fusion_report {
    uint8_t kind;       /* enum fusion_report_kind */
    uint8_t msg_type;   /* AIS message type 1..27 */
    char ais_class;     /* 'A', 'B', 'S' SAR aircraft, 'N' AtoN, 'X' base station */
    uint8_t nav_status; /* 15 when not defined */
    uint32_t mmsi;
    uint32_t station_id;
    int64_t time_ns; /* reception time, event time */
    /* FUSION_POSITION */
    double lat_deg, lon_deg;
    float sog_kn, cog_deg, heading_deg; /* NaN when not available */
    bool accuracy_high;                 /* position accuracy flag (< 10 m) */
    /* FUSION_STATIC */
    uint8_t has; /* FUSION_HAS_* */
    uint8_t ship_type;
    uint16_t length_m, beam_m;
    uint32_t imo;
    char name[21], callsign[8], destination[21];
} fusion_report;

/* Expected AIS reporting interval in seconds (ITU-R M.1371-5 Annex 1, Tables 1 and 2) for a
 * class ('A', 'B', ...), speed over ground (NaN unknown) and navigational status (1 at anchor,
 * 5 moored).  Class B is taken as "CS" (30 s above 2 kn). */
double fusion_ais_interval_s(char ais_class, double sog_kn, int nav_status);

typedef struct fusion fusion;

/* NULL with a logged reason on a bad configuration. */
fusion *fusion_create(const fusion_config *cfg);
void fusion_destroy(fusion **f);

/* Decode an AIS payload heard by station_id at time_ns and fuse it.  Returns 1 when it updated
 * the picture, 0 when it was a duplicate or carries nothing for tracks (other message types),
 * -1 when the payload is malformed or its position invalid (counted). */
int fusion_ais_bits(fusion *f, uint32_t station_id, int64_t time_ns, const uint8_t *bits,
                    size_t nbits);
/* Fuse one decoded report (no deduplication).  1 used, 0 ignored, -1 invalid (counted). */
int fusion_report_in(fusion *f, const fusion_report *r);
/* Fuse one radar target report.  1 used, -1 invalid (counted). */
int fusion_radar(fusion *f, const wire_radar *r);
/* Advance event time: run timers and snapshots up to now_ns (inputs do this too). */
void fusion_advance(fusion *f, int64_t now_ns);
/* End of stream: emit the final state of every track (update TRACK_UPD_STATE). */
void fusion_finish(fusion *f);
/* Warm start: recreate a track from a published state (its id, identity, position, velocity
 * and static data).  Returns 0, or -1 when the state is unusable.  Call before any input. */
int fusion_restore(fusion *f, const wire_track *t);

typedef struct fusion_stats {
    uint64_t reports;      /* AIS reports fused */
    uint64_t duplicates;   /* same transmission from another station (merged) */
    uint64_t invalid;      /* malformed payloads, invalid positions, bad MMSI */
    uint64_t ignored;      /* message types without track content */
    uint64_t gate_rejects; /* reports that failed every gate of their MMSI */
    uint64_t splits;       /* second tracks started for an MMSI */
    uint64_t tracks_created, tracks_removed;
    uint64_t radar_reports, radar_invalid, radar_associations, dark_published;
    uint64_t radar_reused; /* target numbers ARPA reused for a new target */
    uint64_t out_of_order; /* reports of a track's ship delivered out of order (max_latency_s) */
    uint64_t emitted;
    uint32_t live_tracks; /* AIS tracks alive */
    uint32_t live_radar;  /* radar tracks alive */
    uint32_t dark_tracks; /* confirmed radar tracks without AIS */
} fusion_stats;
const fusion_stats *fusion_get_stats(const fusion *f);

/* Per-station statistics (stations are added as they are heard). */
#define FUSION_SECTORS 12
typedef struct fusion_station_stats {
    uint32_t id;
    bool position_known;
    double lat_deg, lon_deg;
    uint64_t messages;      /* messages heard, duplicates included */
    uint64_t unique;        /* messages no other station had delivered first */
    uint32_t vessels;       /* tracks it contributed to (a vessel removed and heard again
                               later counts again) */
    double max_range_m;     /* farthest position heard (NaN without a station position) */
    double typical_range_m; /* configured, else 90th percentile of ranges heard */
    double sector_max_m[FUSION_SECTORS]; /* coverage: farthest range per 30 deg of bearing */
} fusion_station_stats;
int fusion_station_count(const fusion *f);
const fusion_station_stats *fusion_station(const fusion *f, int index);
/* The station table as compact JSON (malloc'd; caller frees), at most max_stations entries,
 * busiest first. */
char *fusion_stations_json(const fusion *f, int max_stations);

/* Inspection (tests, benchmarks): current state of every live track, radar-only ones included,
 * as wire_track (update TRACK_UPD_SNAPSHOT).  Returns the number visited. */
size_t fusion_each_track(const fusion *f, void (*fn)(void *ctx, const wire_track *t), void *ctx);
/* Bytes of heap held per live AIS track (tracks, hash tables, grids), for capacity planning. */
size_t fusion_memory_bytes(const fusion *f);

#endif
