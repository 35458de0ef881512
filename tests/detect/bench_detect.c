/* Detector throughput on a generated 48 h, 1,500-vessel stream over the Panama zones, with
 * per-rule precision/recall and false alerts per 1,000 vessel-hours.
 *   detect_bench ZONES_DIR [hours=48] [vessels=1500] [seed=1]
 * The stream is generated in blocks of 1 M states outside the timed part; only
 * detector_process() is timed.  Track fusion is not in the loop (its library is measured by
 * its own bench); the states carry what fusion would put there (zones, distance from shore,
 * coverage, dark and split flags). */
#include "scenario.h"

#include "centinela/log.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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
        c->cap = c->cap ? 2 * c->cap : 256;
        c->v = x_realloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = *a;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#define BLOCK (1u << 20)

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: detect_bench ZONES_DIR [hours] [vessels] [seed]\n");
        return 2;
    }
    log_set_level(LOG_LEVEL_WARN);
    zones *z = zones_load(argv[1]);
    if (!z)
        return 1;
    scenario_config sc = {.seed = argc > 4 ? (uint32_t)atoi(argv[4]) : 1,
                          .n_normal = argc > 3 ? atoi(argv[3]) : 1500,
                          .hours = argc > 2 ? atof(argv[2]) : 48,
                          .t0_ns = 1757937600LL * 1000000000LL,
                          .inject = true,
                          .zones = z};
    double g0 = now_s();
    scenario *s = scenario_create(&sc);
    struct closed c = {0};
    detect_config dc = {.geo = scenario_geo(s), .sink = on_alert, .sink_ctx = &c, .source_id = 1};
    detector *d = detector_create(&dc);
    wire_track *buf = x_malloc(BLOCK * sizeof *buf);
    uint64_t total = 0;
    double busy = 0, gen = 0;
    for (;;) {
        double a = now_s();
        size_t n = 0;
        while (n < BLOCK && scenario_next(s, &buf[n]))
            n++;
        double b = now_s();
        gen += b - a;
        if (!n)
            break;
        for (size_t i = 0; i < n; i++)
            detector_process(d, &buf[i]);
        double e = now_s();
        busy += e - b;
        total += n;
    }
    double f0 = now_s();
    detector_finish(d);
    busy += now_s() - f0;
    (void)g0;
    detect_stats st;
    detector_stats(d, &st);
    printf("detect bench: %.0f h, %d normal vessels + injected cases, %llu track states\n",
           sc.hours, sc.n_normal, (unsigned long long)total);
    printf("detector: %.3f s, %.2f M states/s (generation %.1f s, not timed); %llu alerts\n", busy,
           total / busy / 1e6, gen, (unsigned long long)st.alerts_opened);
    size_t nt;
    const scn_truth *truth = scenario_truth(s, &nt);
    scn_score per[32];
    scenario_score(truth, nt, c.v, c.n, scenario_vessel_hours(s), stdout, per);
    free(buf);
    free(c.v);
    detector_destroy(&d);
    scenario_destroy(&s);
    zones_destroy(&z);
    return 0;
}
