/* Ground-truth scenario over the Panama zones: every rule must fire on its injected cases and
 * normal traffic must raise nothing.  Prints per-rule precision and recall.
 *   test_scenarios ZONES_DIR [hours] [normal vessels] [seed] */
#include "scenario.h"

#include "centinela/log.h"

#include <stdlib.h>
#include <string.h>

struct closed {
    wire_alert *v;
    size_t n, cap;
};

static void on_alert(void *ctx, const wire_alert *a)
{
    struct closed *c = ctx;
    if (a->state != ALERT_CLOSE)
        return;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->v = x_realloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = *a;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_scenarios ZONES_DIR [hours] [vessels] [seed]\n");
        return 2;
    }
    log_set_level(LOG_LEVEL_WARN);
    zones *z = zones_load(argv[1]);
    if (!z) {
        fprintf(stderr, "cannot load zones from %s\n", argv[1]);
        return 77;
    }
    scenario_config sc = {.seed = argc > 4 ? (uint32_t)atoi(argv[4]) : 1,
                          .n_normal = argc > 3 ? atoi(argv[3]) : 40,
                          .hours = argc > 2 ? atof(argv[2]) : 90,
                          .t0_ns = 1757937600LL * 1000000000LL, /* 2025-09-15T12:00Z */
                          .inject = true,
                          .zones = z};
    scenario *s = scenario_create(&sc);
    struct closed c = {0};
    detect_config dc = {.geo = scenario_geo(s), .sink = on_alert, .sink_ctx = &c, .source_id = 1};
    detector *d = detector_create(&dc);
    wire_track t;
    uint64_t n = 0;
    while (scenario_next(s, &t)) {
        detector_process(d, &t);
        n++;
    }
    detector_finish(d);
    size_t nt;
    const scn_truth *truth = scenario_truth(s, &nt);
    printf("scenario: %.0f h, %d normal vessels + injected cases, %llu track states, %zu alerts\n",
           sc.hours, sc.n_normal, (unsigned long long)n, c.n);
    scn_score per[32];
    int bad = scenario_score(truth, nt, c.v, c.n, scenario_vessel_hours(s), stdout, per);
    free(c.v);
    detector_destroy(&d);
    scenario_destroy(&s);
    zones_destroy(&z);
    return bad ? 1 : 0;
}
