/* The detector behind the real chain: a traffic-simulator scenario (pipeline/sim JSON) becomes
 * the NMEA a deployment would deliver, goes through nmea_input's line handling (feed.c: tag
 * blocks, multipart reassembly, TTM/TLL) into track fusion, and fusion's track states into the
 * detector; alerts are matched to the ground truth the scenario declares.
 *
 * Ground truth lives in the scenario file itself, as keys the simulator ignores:
 *   vessel "expect": [{"rule": "ais_gap", "from_s": 3600, "to_s": 11000, "secondary": false}]
 * (times from the scenario start).  A vessel without "expect" is normal traffic: any alert on
 * it is false.  "secondary" marks a side effect that is correct but not counted for recall.
 *
 * Matching: an alert names vessels by MMSI (every MMSI a vessel uses, identity changes
 * included); an alert without MMSI (radar-only track) names the AIS-less vessels whose true
 * position was within 3 km of the alert's position at its start or end.  An alert is correct
 * when one of its vessels expects its rule at an overlapping time (30 min of slack); a case is
 * found when an alert of its rule names its vessel at an overlapping time.
 *
 * Inputs are generated up front (chain_inputs) so that a benchmark can time fusion and
 * detection alone (chain_process). */
#ifndef DETECT_TEST_CHAIN_H
#define DETECT_TEST_CHAIN_H

#include "centinela/detect.h"
#include "centinela/fusion.h"
#include "centinela/radar.h"
#include "centinela/sim.h"
#include "centinela/zones.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct chain_expect {
    int vessel;
    char rule[24];
    int64_t from_ns, to_ns;
    bool secondary;
} chain_expect;

typedef struct chain_scenario {
    char path[512];
    sim *s;
    const zones *z;
    fusion_station_config stations[64];
    int n_stations;
    radar_site radars[32];
    int n_radars;
    chain_expect *expect;
    size_t n_expect;
    bool *has_expect;   /* per vessel */
    uint32_t (*mmsis)[4]; /* per vessel: every MMSI it transmits (0 padded) */
} chain_scenario;

/* Load a scenario file (the simulator's parser, then the truth keys).  NULL when refused. */
chain_scenario *chain_load(const char *path, const zones *z);
void chain_free(chain_scenario **c);

/* The fusion inputs of the whole scenario, in event time order. */
typedef struct chain_ais {
    int64_t t_ns;
    uint32_t station;
    uint16_t nbits;
    uint32_t off; /* into bits */
} chain_ais;
typedef struct chain_inputs {
    uint8_t *kind; /* 1 AIS, 2 radar, in order */
    size_t n;
    chain_ais *ais;
    size_t n_ais;
    wire_radar *radar;
    size_t n_radar;
    uint8_t *bits;
    size_t n_bits;
    size_t lines; /* NMEA lines fed */
    size_t cap_kind, cap_ais, cap_radar, cap_bits;
} chain_inputs;
/* Run the simulator through the feed into arrays.  Returns 0 or -1. */
int chain_inputs_make(chain_scenario *c, chain_inputs *in);
void chain_inputs_free(chain_inputs *in);

typedef struct chain_result {
    wire_alert *alerts; /* closed alerts, one per alert */
    size_t n_alerts, cap;
    uint64_t track_states;
    fusion_stats fusion;
    detect_stats detect;
    double cpu_s;      /* fusion + detection, process CPU time */
} chain_result;
/* Fusion and detection over the inputs.  params NULL: defaults. */
int chain_process(const chain_scenario *c, const chain_inputs *in, const detect_params *params,
                  chain_result *out);
void chain_result_free(chain_result *r);

/* Vessel-hours heard (a station in range, AIS on; radar-only vessels in a radar's range). */
double chain_vessel_hours(const chain_scenario *c);

typedef struct chain_score {
    int tp_alerts, fp_alerts, cases, found;
} chain_score;
/* Score and print the per-rule table (and every false alert and missed case).  Returns the
 * number of missed cases plus false alerts. */
int chain_score_print(const chain_scenario *c, const chain_result *r, FILE *out,
                      chain_score per_rule[32]);

/* Scenario sanity: a vessel that does not expect position_on_land whose true position is on
 * land while a station hears it (sampled every 30 s).  Prints each; returns the count. */
int chain_check_routes(const chain_scenario *c, FILE *out);

double chain_cpu_s(void);

#endif
