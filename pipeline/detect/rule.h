/* The rule interface: what one file under rules/ implements and what it may call.
 *
 * A rule is a const detect_rule descriptor named rule_<id>, listed once in rules.def.  The
 * detector calls process() for every track state (with the track's previous state and its
 * context) and sweep() about every sweep.interval_s of event time; a rule raises and clears
 * alerts through rule_alert() / rule_alert_close() and never touches the lifecycle itself.
 *
 * Parameters: a rule lists its thresholds in params[] (key without the rule prefix, default,
 * range, help with unit); the registry adds "<rule>.enabled" and "<rule>.severity".  Inside
 * process() a rule reads the value in force for the track's zones with rule_param(env, zones,
 * i), i being the index in its params[] (rules keep an enum in the same order).
 */
#ifndef DETECT_RULE_H
#define DETECT_RULE_H

#include "centinela/detect.h"
#include "centinela/geo.h"
#include "centinela/wire.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct detect_param_spec {
    const char *key; /* NULL ends the table */
    enum detect_param_type type;
    const char *def;
    double min, max;
    const char *help;
} detect_param_spec;

typedef struct rule_env rule_env;

/* True during the detector's last sweep at the end of the stream: what a rule holds pending
 * must be decided on what it has, since nothing more will come. */
bool rule_finishing(const rule_env *env);

/* What a rule sees of one track update. */
typedef struct detect_track {
    const wire_track *t;    /* this state */
    const wire_track *prev; /* the previous state of the same track, NULL on the first */
    int64_t first_seen_ns;  /* event time of the track's first state */
    /* Context with hysteresis (context.* parameters). */
    bool near_anchorage;    /* within context.anchorage_in_m of an anchorage or port; cleared
                               beyond context.anchorage_out_m */
    bool stopped;           /* SOG below context.stopped_kn; cleared above context.moving_kn */
    double dist_anchorage_m; /* distance to the nearest anchorage or port, INFINITY unknown */
    double dist_shore_m;    /* wire dist_shore_m, or NaN */
} detect_track;

typedef struct detect_rule {
    const char *name;
    float severity;                  /* default of <rule>.severity, 0..100 */
    const detect_param_spec *params; /* the rule's thresholds */
    size_t track_state_size;         /* bytes of zeroed state kept per track for this rule */
    /* Rule-wide state (NULL allowed when the rule needs none).  Returns NULL on a refused
     * configuration, logged. */
    void *(*create)(rule_env *env);
    void (*process)(void *self, rule_env *env, const detect_track *v, void *track_state);
    /* Optional: periodic work in event time (ongoing conditions, eviction). */
    void (*sweep)(void *self, rule_env *env, int64_t now_ns);
    /* Optional: the track is being removed (TRACK_REMOVED or forgotten). */
    void (*forget)(void *self, rule_env *env, const detect_track *v, void *track_state);
    void (*destroy)(void **self);
} detect_rule;

/* Subject keys: what "one alert per vessel and rule" means for each rule. */
#define SUBJECT_TRACK(id) ((uint64_t)(id) | (1ull << 62))
#define SUBJECT_MMSI(m) ((uint64_t)(m) | (2ull << 62))
static inline uint64_t subject_pair(uint32_t a, uint32_t b)
{
    uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
    return ((uint64_t)hi << 32 | lo) & ~(3ull << 62);
}

typedef struct rule_alert_info {
    int64_t start_ns;   /* used when the alert opens */
    int64_t end_ns;     /* latest event time of the condition */
    double lat_deg, lon_deg;
    float confidence;   /* 0..1 */
    uint32_t zones;     /* zones at the position, for the context weights */
    uint32_t track_id;
    uint8_t n_mmsi;     /* 0 for radar-only */
    uint32_t mmsi[WIRE_ALERT_MAX_MMSI];
    bool hold;          /* stays open until rule_alert_close (no quiet close) */
    const char *evidence; /* JSON object text, NULL for "{}" */
} rule_alert_info;

/* Open the (rule, subject) alert, or update it when open.  Returns true when it opened now. */
bool rule_alert(rule_env *env, uint64_t subject, const rule_alert_info *a);
/* Close it if open; evidence replaces the last one when not NULL. */
void rule_alert_close(rule_env *env, uint64_t subject, int64_t end_ns, const char *evidence);
bool rule_alert_is_open(rule_env *env, uint64_t subject);

/* Parameter i of the calling rule in force inside zones (wire_track.zones bitmask). */
double rule_param(const rule_env *env, uint32_t zone_mask, int i);
/* Parameter i of the calling rule as text (DP_STR). */
const char *rule_param_str(const rule_env *env, int i);
const detect_geo *rule_geo(const rule_env *env);
/* Log, once per rule and detector, that the rule stays silent somewhere and why (geography
 * not loaded there); later calls do nothing. */
void rule_note_once(rule_env *env, const char *why);
/* The detector clock: newest event time seen. */
int64_t rule_now(const rule_env *env);

/* An alert about one track, at its position and time, full confidence. */
static inline void rule_info_track(rule_alert_info *a, const wire_track *t)
{
    *a = (rule_alert_info){0};
    a->start_ns = a->end_ns = t->time_ns;
    a->lat_deg = t->lat_deg;
    a->lon_deg = t->lon_deg;
    a->zones = t->zones;
    a->track_id = t->track_id;
    a->confidence = 1.0f;
    if (t->mmsi) {
        a->n_mmsi = 1;
        a->mmsi[0] = t->mmsi;
    }
}

/* True for the AIS classes that are not ships: AtoN, base station, SAR aircraft. */
static inline bool rule_not_a_ship(const wire_track *t)
{
    return t->ais_class == 'N' || t->ais_class == 'X' || t->ais_class == 'S';
}

#define S_TO_NS(s) ((int64_t)((s) * 1e9))
#define NS_TO_S(ns) ((double)(ns) * 1e-9)

/* Shared helpers (geo.c); distances, bearings and destinations come from centinela/geo.h. */
/* Smallest absolute difference of two angles (deg, 0..180). */
double geo_angle_diff_deg(double a, double b);
/* Append s as a JSON string (quoted, escaped) to out. */
void json_escape(char *out, size_t cap, const char *s);
/* UTC month (1..12) and day (1..31) of an event time. */
void time_month_day(int64_t t_ns, int *month, int *day);

#endif
