/* Test harness for the detector: build track states directly and collect the alerts. */
#ifndef DETECT_TEST_HARNESS_H
#define DETECT_TEST_HARNESS_H

#include "centinela/detect.h"
#include "centinela/wire.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int harness_failures;
#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);           \
            harness_failures++;                                                                \
        }                                                                                      \
    } while (0)

#define NS_PER_S 1000000000LL
/* 2025-09-15T12:00:00Z: inside the Gulf of Panama speed season, at noon UTC (07:00 local). */
#define T0_NS (1757937600LL * NS_PER_S)

typedef struct collected {
    wire_alert *v;
    size_t n, cap;
} collected;

void collect_sink(void *ctx, const wire_alert *a);
void collected_free(collected *c);
/* Alerts of a rule in a state (-1: any state). */
size_t count_alerts(const collected *c, const char *rule, int state);
/* Last alert of a rule in a state, NULL when none. */
const wire_alert *last_alert(const collected *c, const char *rule, int state);

/* A class A ship under way at sea, confirmed, in coverage, 50 NM offshore. */
wire_track make_track(uint32_t track_id, uint32_t mmsi, double lat, double lon, float sog_kn,
                      float cog_deg, int64_t t_ns);
/* Move a track along its course for dt_s (position, time, last report). */
void advance_track(wire_track *t, double dt_s);

/* A detector with default parameters (or p) feeding c. */
detector *make_detector(const detect_params *p, collected *c, const detect_geo *geo);

#endif
