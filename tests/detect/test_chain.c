/* The detector behind the real chain: simulator scenarios of Panama waters (normal traffic, and
 * injected cases of every rule) through nmea_input's line handling and track fusion into the
 * detector, matched to the ground truth in the scenario files.  Prints per-rule precision and
 * recall per scenario and over all of them; fails when a rule has no injected case, a case is
 * missed, an alert is false (normal traffic raises nothing), or a route crosses land where no
 * position_on_land case says so.
 *   test_detect_chain ZONES_DIR SCENARIO.json... */
#include "chain.h"

#include "centinela/log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_detect_chain ZONES_DIR SCENARIO.json...\n");
        return 2;
    }
    log_set_level(LOG_LEVEL_WARN);
    zones *z = zones_load(argv[1]);
    if (!z) {
        fprintf(stderr, "cannot load zones from %s\n", argv[1]);
        return 1;
    }
    int failures = 0;
    chain_score total[32];
    memset(total, 0, sizeof total);
    double vh_total = 0;
    for (int a = 2; a < argc; a++) {
        chain_scenario *c = chain_load(argv[a], z);
        if (!c) {
            fprintf(stderr, "FAIL: %s does not load\n", argv[a]);
            failures++;
            continue;
        }
        const char *name = strrchr(argv[a], '/') ? strrchr(argv[a], '/') + 1 : argv[a];
        printf("== %s: %d vessels, %zu expected cases\n", name, sim_vessel_count(c->s),
               c->n_expect);
        int land = chain_check_routes(c, stdout);
        if (land) {
            printf("FAIL: %d routes cross land without a position_on_land case\n", land);
            failures++;
        }
        chain_inputs in;
        double g0 = chain_cpu_s();
        chain_inputs_make(c, &in);
        double gen = chain_cpu_s() - g0;
        chain_result r;
        if (chain_process(c, &in, NULL, &r) != 0) {
            printf("FAIL: fusion or detector refused the defaults\n");
            failures++;
            chain_inputs_free(&in);
            chain_free(&c);
            continue;
        }
        double vh = chain_vessel_hours(c);
        vh_total += vh;
        printf("%zu NMEA lines, %zu AIS messages, %zu radar plots (simulated in %.1f s); fusion: "
               "%llu reports, %llu duplicates, %llu splits, %llu tracks; %llu track states; "
               "fusion+detection %.2f s CPU; %zu alerts\n",
               in.lines, in.n_ais, in.n_radar, gen, (unsigned long long)r.fusion.reports,
               (unsigned long long)r.fusion.duplicates, (unsigned long long)r.fusion.splits,
               (unsigned long long)r.fusion.tracks_created, (unsigned long long)r.track_states,
               r.cpu_s, r.n_alerts);
        chain_score per[32];
        int bad = chain_score_print(c, &r, stdout, per);
        int nfalse = 0;
        for (int k = 0; k < detect_rule_count(); k++) {
            total[k].tp_alerts += per[k].tp_alerts;
            total[k].fp_alerts += per[k].fp_alerts;
            total[k].cases += per[k].cases;
            total[k].found += per[k].found;
            nfalse += per[k].fp_alerts;
        }
        printf("vessel-hours %.0f, false alerts %d (%.2f per 1,000 vessel-hours)\n", vh, nfalse,
               vh > 0 ? nfalse * 1000.0 / vh : 0.0);
        if (bad) {
            printf("FAIL: %s: %d missed cases and false alerts\n", name, bad);
            failures++;
        }
        chain_result_free(&r);
        chain_inputs_free(&in);
        chain_free(&c);
    }
    printf("== all scenarios\n%-18s %7s %7s %6s %6s %9s %9s\n", "rule", "alerts", "false",
           "cases", "found", "precision", "recall");
    int nfalse = 0;
    for (int k = 0; k < detect_rule_count(); k++) {
        int na = total[k].tp_alerts + total[k].fp_alerts;
        nfalse += total[k].fp_alerts;
        printf("%-18s %7d %7d %6d %6d %9.3f %9.3f\n", detect_rule_name(k), na,
               total[k].fp_alerts, total[k].cases, total[k].found,
               na ? (double)total[k].tp_alerts / na : NAN,
               total[k].cases ? (double)total[k].found / total[k].cases : NAN);
        if (total[k].cases == 0) {
            printf("FAIL: no injected case of %s\n", detect_rule_name(k));
            failures++;
        }
    }
    printf("vessel-hours %.0f, false alerts %d (%.2f per 1,000 vessel-hours)\n", vh_total, nfalse,
           vh_total > 0 ? nfalse * 1000.0 / vh_total : 0.0);
    zones_destroy(&z);
    if (failures)
        printf("%d failures\n", failures);
    return failures ? 1 : 0;
}
