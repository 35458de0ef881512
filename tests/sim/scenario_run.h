/* Run a scenario through the same path as nmea_input + track_fusion (text NMEA -> feed ->
 * fusion), collecting every emitted track and the position error against the truth. */
#ifndef SCENARIO_RUN_H
#define SCENARIO_RUN_H

#include "centinela/fusion.h"
#include "centinela/sim.h"
#include "centinela/zones.h"

#include <stddef.h>

typedef struct run_result {
    fusion *f;            /* still alive: inspect, then fusion_destroy */
    double rmse_m;        /* AIS-vessel track positions against truth at the track time */
    double dark_rmse_m;   /* dark targets against the nearest radar-only vessel */
    size_t n_err, n_dark_err;
    size_t lines, radar_lines;
} run_result;

/* Returns 0, or -1 when the scenario cannot be loaded. */
int scenario_run(const char *path, const zones *z, run_result *out);

#endif
