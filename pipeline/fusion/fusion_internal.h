/* Private state of the fusion library, shared by its files. */
#ifndef FUSION_INTERNAL_H
#define FUSION_INTERNAL_H

#include "centinela/fusion.h"
#include "u64map.h"

/* One axis of the constant-velocity filter: position (m), velocity (m/s) and covariance. */
typedef struct kf_axis {
    double p, v;
    double pp, pv, vv;
} kf_axis;

/* A point of a track's recent path (late_delivery.c): a position the track accepted. */
#define TRACK_PATH_VERTICES 12
typedef struct path_vertex {
    int32_t lat_e7, lon_e7; /* 1e-7 degree (1 cm) */
    int64_t t_ns;
} path_vertex;

typedef struct track {
    uint32_t id;
    uint32_t mmsi;     /* 0 for radar tracks */
    int32_t next_same; /* next track of the same MMSI (split chain), -1 none */
    int32_t grid_prev, grid_next;
    uint64_t grid_key;
    double ref_lat, ref_lon; /* tangent-plane origin */
    double ref_kx;           /* m per degree of longitude at ref_lat (cos cached) */
    kf_axis x, y;
    int64_t t_ns; /* filter time */
    int64_t last_report_ns, last_ais_ns, last_radar_ns, last_emit_ns;
    double zone_lat, zone_lon;   /* where zones were last computed */
    double shore_lat, shore_lon; /* where dist_shore was last computed */
    float zone_valid_m;          /* membership cannot change within this distance of it */
    float shore_valid_m;
    float dist_shore_m;
    float sog_kn, cog_deg, heading_deg; /* as reported; NaN unknown */
    uint32_t zones;
    uint32_t n_reports;
    uint64_t station_bits; /* bit (station index % 64) per station that heard it */
    uint32_t imo;
    uint16_t length_m, beam_m;
    uint32_t radar_site; /* AIS track: associated radar target; radar track: its own */
    uint16_t radar_target;
    int32_t radar_idx; /* AIS track: the radar track it owns; radar: AIS track, -1 none */
    uint8_t is_radar;
    uint8_t state, ais_class, nav_status, ship_type;
    uint8_t flags_split, in_coverage, published, hits;
    char name[21], callsign[8], destination[21];
    /* Recent path, oldest first from path_head (a ring), for reports delivered late. */
    path_vertex path[TRACK_PATH_VERTICES];
    uint8_t path_n, path_head;
} track;

typedef struct station {
    fusion_station_stats s;
    uint32_t range_hist[1000]; /* 1 km bins */
    uint32_t range_count;
    double configured_range_m;
} station;

typedef struct pending_static {
    fusion_report r;
} pending_static;

struct fusion {
    fusion_config cfg;
    fusion_stats stats;
    track *tr;
    size_t n_tr, cap_tr;
    int32_t free_head;
    u64map by_mmsi;  /* mmsi -> first track index of its chain */
    u64map by_radar; /* (site << 16 | target) -> radar track index */
    u64map grid;     /* cell key -> head track index (AIS tracks) */
    u64map pending;  /* mmsi -> index into pend[] (static data before any position) */
    pending_static *pend;
    size_t n_pend, cap_pend;
    /* dedupe: payload hash -> time, with a FIFO for expiry */
    u64map dedupe;
    struct dd {
        uint64_t hash;
        int64_t t_ns;
    } * ddq;
    size_t ddq_cap, ddq_head, ddq_len;
    station *st;
    int n_st;
    bool any_station_position;
    u64map st_by_id;
    uint32_t next_id;
    int64_t now_ns;
    int64_t next_sweep_ns, next_snapshot_ns, next_expire_ns;
};

/* Shared between the library's files (fusion.c defines them). */
int fusion_internal_fuse(fusion *f, const fusion_report *r);
void fusion_internal_station_heard(fusion *f, uint32_t id, const fusion_report *r, bool unique);
void fusion_internal_emit(fusion *f, track *t, uint8_t update, bool force);
void fill_wire(const fusion *f, const track *t, uint8_t update, wire_track *w);
int32_t track_alloc(fusion *f);
/* Remove a live track now: a published one is emitted as removed first. */
void fusion_internal_retire(fusion *f, int32_t i);
void track_init_state(fusion *f, track *t, int64_t time_ns, double lat, double lon, double sog_kn,
                      double cog_deg, double pos_sigma_m);
void track_update(fusion *f, track *t, int64_t time_ns, double lat, double lon, double sog_kn,
                  double cog_deg, double pos_sigma_m, double vel_sigma_mps);
void track_position(const track *t, double *lat, double *lon);
bool publishable(const fusion *f, const track *t);
uint64_t fusion_internal_grid_key(double lat, double lon);
/* Late deliveries (late_delivery.c). */
/* Remember an accepted position on the track's path. */
void fusion_internal_path_add(const fusion *f, track *t, double lat, double lon, int64_t time_ns);
/* r (failing the track's gate) was sent before the track's latest position and delivered late:
 * it lies on the path the track already took. */
bool fusion_internal_late_behind(const fusion *f, const track *t, const fusion_report *r);
/* r is the same ship as t delivered out of order, before or after the track's latest position:
 * on its path, or on a turn (or straight course) joining them within max_latency_s of travel. */
bool fusion_internal_late_delivery(const fusion *f, const track *t, const fusion_report *r);
/* Mark every track of mmsi as heard by the station (a duplicate still widens coverage). */
void fusion_internal_credit_station(fusion *f, uint32_t mmsi, uint32_t station_id);

#endif
