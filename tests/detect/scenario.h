/* A generated stream of fused track states over the Panama zone files (configs/zones), with
 * normal traffic and injected anomalies whose ground truth is known: the input of the scorer
 * and the bench until the traffic simulator and track fusion can produce it end to end.
 *
 * Normal traffic: canal arrivals up the Gulf of Panama TSS northbound lane to the Balboa
 * anchorage, a wait, and the canal entrance; departures down the southbound lane and out of
 * coverage; fishing boats (some class B) working both sides of the gulf; pilot boats and tugs
 * between the port and the anchorage; yachts; high-speed ferries; coastal traffic crossing the
 * scheme at right angles.  Everyone obeys the seasonal 10 kn limit in the scheme.
 * Injected: one case of every rule (two for encounter and dark_target, three for invalid_mmsi,
 * two for tss_violation and canal_overstay) per "set"; sets repeat every 40 h of scenario.
 * Reporting: class A every 10 s under way and 3 min at anchor, class B 30 s / 3 min, radar-only
 * 5 s.  Coverage: AIS stations at Balboa and Punta Mala, typical range 90 km (IN_COVERAGE),
 * heard to 140 km; one radar at Flamenco, 60 km. */
#ifndef DETECT_TEST_SCENARIO_H
#define DETECT_TEST_SCENARIO_H

#include "centinela/detect.h"
#include "centinela/wire.h"
#include "centinela/zones.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct scn_truth {
    char rule[24];
    uint32_t mmsi;     /* 0: match by track id (radar-only) */
    uint32_t track_id;
    int64_t start_ns, end_ns; /* when the rule should be firing (generous) */
    bool secondary;    /* an expected side effect, scored for precision only */
} scn_truth;

typedef struct scenario_config {
    uint32_t seed;
    int n_normal;      /* normal vessels */
    double hours;      /* length */
    int64_t t0_ns;
    bool inject;
    const zones *zones; /* required */
} scenario_config;

typedef struct scenario scenario;

scenario *scenario_create(const scenario_config *cfg);
void scenario_destroy(scenario **s);
/* Next state in event-time order: 1, or 0 at the end. */
int scenario_next(scenario *s, wire_track *out);
const scn_truth *scenario_truth(const scenario *s, size_t *n);
/* Vessel-hours of heard traffic so far. */
double scenario_vessel_hours(const scenario *s);
/* detect_geo over the same zones. */
detect_geo scenario_geo(const scenario *s);

/* The same plans as a traffic-simulator scenario (pipeline/sim/README.md) with the truth as
 * per-vessel "expect" keys (tests/detect/chain.h), so the whole chain (simulator NMEA, fusion,
 * detector) runs over them.  The generator's stations and radar become the scenario's (hearing
 * range as the station range); holds become stops (at anchor below 0.3 kn) or slow drift legs;
 * silences become gaps; renames identity changes; the injected position jump becomes a 30 s
 * spoof between two 400 s silences, 42 kn away from both ends, so that fusion re-acquires the
 * track instead of splitting it; split vessels may also change identity (secondary).  Call
 * before scenario_next.  Returns 0 or -1. */
int scenario_write_sim_json(const scenario *s, FILE *out);

/* Score alerts (CLOSE states, one per alert) against the truth; print per-rule precision and
 * recall and false alerts per 1,000 vessel-hours.  Returns the number of rules whose injected
 * cases were not all found (recall < 1) plus the number of false alerts. */
typedef struct scn_score {
    int tp_alerts, fp_alerts, cases, found;
} scn_score;
int scenario_score(const scn_truth *truth, size_t n_truth, const wire_alert *alerts,
                   size_t n_alerts, double vessel_hours, FILE *out, scn_score per_rule[32]);

#endif
