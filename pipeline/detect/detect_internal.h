/* Internals shared by the files of the detect library (not installed, not for rules). */
#ifndef DETECT_INTERNAL_H
#define DETECT_INTERNAL_H

#include "centinela/detect.h"
#include "rule.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- registry (registry.c) ---- */
#define DETECT_RULE(id) extern const detect_rule rule_##id;
#include "rules.def"
#undef DETECT_RULE
extern const detect_rule *const detect_rules[];
extern const int detect_rules_count;

/* ---- parameters (params.c) ---- */
/* Detector-wide parameters, in the order of the table in params.c. */
enum global_param {
    GP_ANCH_IN_M,
    GP_ANCH_OUT_M,
    GP_STOPPED_KN,
    GP_MOVING_KN,
    GP_ANCH_REQUERY_M,
    GP_ANCH_HORIZON_M,
    GP_CLOSE_AFTER_S,
    GP_UPDATE_INTERVAL_S,
    GP_UPDATE_SCORE_DELTA,
    GP_SWEEP_INTERVAL_S,
    GP_TRACK_FORGET_S,
    GP_W_EEZ,
    GP_W_HOTSPOT,
    GP_W_NIGHT,
    GP_W_REPEAT,
    GP_NIGHT_ELEV_DEG,
    GP_HOTSPOTS,
    GP_COUNT
};

/* Where the parameters of rule r start in the full list; its enabled and severity keys follow
 * its own params. */
size_t detect_param_base(int rule);
size_t detect_param_rule_count(int rule); /* the rule's own params (without enabled/severity) */

struct detect_params {
    size_t n;
    double *val;       /* n x (ZONE_KIND_COUNT + 1): per zone kind, then the global value */
    uint32_t *ovr;     /* n: bit per zone kind with an override */
    char **str;        /* n: DP_STR values */
};
#define PARAM_SLOT(p, i, z) ((p)->val[(i) * (ZONE_KIND_COUNT + 1) + (z)])

/* Value of parameter i inside zones (override precedence in params.c). */
double detect_param_value(const detect_params *p, size_t i, uint32_t zone_mask);

/* ---- place lists ("name:lat,lon,radius_km;...") ---- */
typedef struct detect_place {
    char name[32];
    double lat_deg, lon_deg, radius_m;
} detect_place;
/* Parse a list; returns the count (>= 0) or -1 with *why set. */
int detect_places_parse(const char *text, detect_place *out, int cap, const char **why);

/* ---- open-addressing hash map from a non-zero 64-bit key to a pointer (u64map.c) ---- */
typedef struct u64map {
    uint64_t *keys; /* 0 = empty, UINT64_MAX = deleted */
    void **vals;
    size_t cap, used, live;
} u64map;
void u64map_init(u64map *m);
void u64map_free(u64map *m);
void *u64map_get(const u64map *m, uint64_t key);
/* Insert or replace. */
void u64map_put(u64map *m, uint64_t key, void *val);
/* Remove; returns the value or NULL. */
void *u64map_del(u64map *m, uint64_t key);
/* Iterate: i from 0; returns false at the end.  Deleting the current key while iterating is
 * allowed. */
bool u64map_next(const u64map *m, size_t *i, uint64_t *key, void **val);
/* Rule state that is one map from a key (an MMSI) to malloc'd per-vessel records: the create
 * and destroy of such rules (the map and every record are freed). */
void *u64map_rule_create(struct rule_env *env);
void u64map_rule_destroy(void **self);

#endif
