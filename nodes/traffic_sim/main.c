/* traffic_sim: run a scenario file, write the NMEA a deployment would receive (tag-blocked
 * !AIVDM per station, TTM/TLL per radar scan) and the ground truth.
 *
 *   traffic_sim --scenario tests/sim/scenarios/panama_acceptance.json --out traffic.nmea \
 *               --truth truth.jsonl
 *   nmea_input --file traffic.nmea ...      # or pipe: traffic_sim --out - | ...
 *
 * The scenario format is documented in pipeline/sim/README.md. */
#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/sim.h"

#include <stdio.h>
#include <string.h>

static const opt_spec traffic_sim_options[] = {
    {"scenario", 's', OPT_STR, "", 0, -1, "scenario file (JSON, see pipeline/sim/README.md)"},
    {"out", 'o', OPT_STR, "-", 0, -1, "NMEA output file; - for stdout"},
    {"truth", 't', OPT_STR, "", 0, -1, "ground truth output (JSON Lines); empty: none"},
    {"truth_interval_s", 0, OPT_REAL, "10", 0.1, 3600, "seconds between truth samples"},
    {"log_level", 0, OPT_STR, "info", 0, -1, "error, warn, info or debug"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

int main(int argc, char **argv)
{
    int rc;
    config *cfg = command_config("traffic_sim", traffic_sim_options,
                                 "Simulate AIS and radar traffic from a scenario file.", argc, argv,
                                 &rc);
    if (!cfg)
        return rc;
    if (!*config_str(cfg, "scenario")) {
        log_error("no --scenario given");
        config_destroy(&cfg);
        return 2;
    }
    sim *s = sim_load(config_str(cfg, "scenario"));
    if (!s) {
        config_destroy(&cfg);
        return 2;
    }
    const char *out = config_str(cfg, "out");
    FILE *f = strcmp(out, "-") == 0 ? stdout : fopen(out, "w");
    if (!f) {
        log_error("%s: cannot create", out);
        sim_destroy(&s);
        config_destroy(&cfg);
        return 1;
    }
    sim_event ev;
    unsigned long long n_ais = 0, n_radar = 0;
    while (sim_next(s, &ev)) {
        fputs(ev.text, f);
        if (ev.kind == SIM_AIS)
            n_ais++;
        else
            n_radar++;
    }
    int err = ferror(f);
    if (f != stdout)
        err |= fclose(f);
    else
        fflush(f);
    rc = err ? 1 : 0;
    if (err)
        log_error("%s: write error", out);
    if (*config_str(cfg, "truth") &&
        sim_write_truth(s, config_str(cfg, "truth"), config_real(cfg, "truth_interval_s")) != 0)
        rc = 1;
    log_info("%d vessels: %llu AIS receptions, %llu radar plots", sim_vessel_count(s), n_ais, n_radar);
    sim_destroy(&s);
    config_destroy(&cfg);
    return rc;
}
