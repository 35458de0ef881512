/* Unit tests of the detect library: parameters, registry, lifecycle and score, and every rule
 * on track sequences built here (positive and negative cases).
 *   test_detect <group>     groups: params registry lifecycle json <rule id>... all */
#include "harness.h"

#include "centinela/log.h"

#include <math.h>
#include <unistd.h>

static const char *const brief_rules[] = {
    "ais_gap",         "encounter",       "loitering",     "position_jump",
    "mmsi_conflict",   "identity_change", "invalid_mmsi",  "position_on_land",
    "fast_near_coast", "dark_target",     "tss_violation", "canal_overstay",
};

/* Run a straight track for dur_s with a report every step_s. */
static void run_track(detector *d, wire_track *t, double dur_s, double step_s)
{
    for (double s = 0; s < dur_s; s += step_s) {
        advance_track(t, step_s);
        detector_process(d, t);
    }
}

/* ---- params ---------------------------------------------------------------------------------- */
static void test_params(void)
{
    detect_params *p = detect_params_create();
    CHECK(detect_params_real(p, "loitering.max_sog_kn") == 2);
    CHECK(detect_params_real(p, "loitering.min_duration_s") == 4 * 3600);
    CHECK(detect_params_real(p, "ais_gap.coverage_gap_s") == 1800);
    CHECK(detect_params_real(p, "ais_gap.offshore_gap_s") == 12 * 3600);
    CHECK(detect_params_real(p, "encounter.max_dist_m") == 500);
    CHECK(detect_params_real(p, "fast_near_coast.min_sog_kn") == 25);
    CHECK(detect_params_real(p, "dark_target.min_duration_s") == 180);
    CHECK(detect_params_real(p, "position_jump.max_speed_kn") == 50);
    CHECK(detect_params_real(p, "invalid_mmsi.unallocated_mid") == 1);
    CHECK(isnan(detect_params_real(p, "invalid_mmsi.mid_min"))); /* the ITU table decides */
    CHECK(detect_params_real(p, "context.anchorage_in_m") == 3000);
    CHECK(detect_params_real(p, "context.anchorage_out_m") == 4000);
    CHECK(detect_params_real(p, "ais_gap.enabled") == 1);
    CHECK(detect_params_real(p, "dark_target.severity") == 75);
    /* Good values change without recompiling. */
    CHECK(detect_params_set(p, "loitering.max_sog_kn", "1.5", "test") == 0);
    CHECK(detect_params_real(p, "loitering.max_sog_kn") == 1.5);
    CHECK(detect_params_set(p, "ais_gap.enabled", "false", "test") == 0);
    CHECK(detect_params_real(p, "ais_gap.enabled") == 0);
    /* Bad ones are refused and leave the value alone. */
    fprintf(stderr, "(the next errors are expected)\n");
    CHECK(detect_params_set(p, "loitering.max_sog_kn", "-1", "test") == -1);
    CHECK(detect_params_set(p, "loitering.max_sog_kn", "fast", "test") == -1);
    CHECK(detect_params_set(p, "loitering.max_sog_kn", "2kn", "test") == -1);
    CHECK(detect_params_set(p, "loitering.max_sog_kn", "nan", "test") == -1);
    CHECK(detect_params_set(p, "loitering.nonsense", "1", "test") == -1);
    CHECK(detect_params_set(p, "ais_gap.enabled", "maybe", "test") == -1);
    CHECK(detect_params_set(p, "score.hotspots", "darien:8,-78", "test") == -1);
    CHECK(detect_params_set(p, "score.hotspots", "x:95,-78,10", "test") == -1);
    CHECK(detect_params_real(p, "loitering.max_sog_kn") == 1.5);
    CHECK(detect_params_set(p, "score.hotspots", "a:8,-78,10;b:9,-79,5", "test") == 0);
    CHECK(detect_params_set(p, "score.hotspots", "", "test") == 0);

    /* Per-zone overrides, most specific zone first. */
    CHECK(detect_params_set_zone(p, ZONE_TERRITORIAL_SEA, "fast_near_coast.min_sog_kn", "30",
                                 "t") == 0);
    CHECK(detect_params_set_zone(p, ZONE_PORT, "fast_near_coast.min_sog_kn", "8", "t") == 0);
    CHECK(detect_params_set_zone(p, ZONE_PORT, "fast_near_coast.min_sog_kn", "900", "t") == -1);
    CHECK(detect_params_set_zone(p, ZONE_PORT, "score.hotspots", "", "t") == -1);
    CHECK(detect_params_real(p, "fast_near_coast.min_sog_kn") == 25);

    /* Zone sections of an INI file. */
    char path[] = "/tmp/detect_params_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "[anomaly_detector]\nloitering.max_sog_kn = 3\n"
               "[anomaly_detector.zone.anchorage]\nloitering.max_sog_kn = 0.5\n");
    fclose(f);
    CHECK(detect_params_load_zone_sections(p, path, "anomaly_detector") == 0);
    f = fopen(path, "w");
    fprintf(f, "[anomaly_detector.zone.harbour]\nloitering.max_sog_kn = 0.5\n");
    fclose(f);
    CHECK(detect_params_load_zone_sections(p, path, "anomaly_detector") == -1);
    f = fopen(path, "w");
    fprintf(f, "[anomaly_detector.zone.port]\nloitering.max_sog_kn = -4\n");
    fclose(f);
    CHECK(detect_params_load_zone_sections(p, path, "anomaly_detector") == -1);
    unlink(path);

    /* Inconsistent hysteresis is refused at create. */
    collected c = {0};
    detect_params *q = detect_params_create();
    CHECK(detect_params_set(q, "context.anchorage_in_m", "5000", "test") == 0);
    detector *d = make_detector(q, &c, NULL);
    CHECK(d == NULL);
    detect_params_destroy(&q);
    q = detect_params_create();
    CHECK(detect_params_set(q, "canal_overstay.entrances", "pacific", "test") == -1);
    detect_params_destroy(&q);
    fprintf(stderr, "(end of expected errors)\n");
    detect_params_destroy(&p);
    CHECK(p == NULL);
    detect_params_destroy(&p); /* accepts NULL */
}

static void test_registry(void)
{
    CHECK(detect_rule_count() == 12);
    for (size_t i = 0; i < sizeof brief_rules / sizeof brief_rules[0]; i++)
        CHECK(detect_rule_index(brief_rules[i]) >= 0);
    CHECK(detect_rule_index("nonsense") == -1);
    /* Every parameter has a help text and its default is inside its range. */
    for (size_t i = 0; i < detect_param_count(); i++) {
        const detect_param_info *in = detect_param_at(i);
        CHECK(in->help && in->help[0]);
        if (in->type == DP_REAL) {
            double d = strtod(in->def, NULL);
            CHECK(d >= in->min && d <= in->max);
        }
    }
}

/* ---- lifecycle ---------------------------------------------------------------------------------
 */
static void test_lifecycle(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, NULL);
    /* A fast boat near the coast raises one alert, updated, not duplicated. */
    wire_track t = make_track(1, 235000001, 9.40, -79.00, 32, 90, T0_NS);
    t.dist_shore_m = 3000;
    t.ship_type = 0;
    detector_process(d, &t);
    run_track(d, &t, 1800, 10);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_OPEN) == 1);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_CLOSE) == 0);
    /* It slows: the alert closes. */
    t.sog_kn = 12;
    run_track(d, &t, 60, 10);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_CLOSE) == 1);
    const wire_alert *a = last_alert(&c, "fast_near_coast", ALERT_CLOSE);
    const wire_alert *o = last_alert(&c, "fast_near_coast", ALERT_OPEN);
    CHECK(a && o && a->alert_id == o->alert_id);
    CHECK(a && a->end_ns > a->start_ns);
    CHECK(a && a->start_ns == T0_NS);
    CHECK(a && (a->alert_id >> 32) == 7);
    CHECK(a && a->n_mmsi == 1 && a->mmsi[0] == 235000001);
    /* score = severity x confidence x context, clipped to 100 */
    CHECK(a && fabsf(a->score - fminf(100.f, a->severity * a->confidence * a->context)) < 1e-3f);
    CHECK(a && a->severity == 65);
    /* Fast again: a new alert (new id), the vessel is now a repeat vessel (its type still
     * unknown: judged after unknown_type_wait_s, 6 min). */
    t.sog_kn = 35;
    run_track(d, &t, 300, 10);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_OPEN) == 1);
    run_track(d, &t, 120, 10);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_OPEN) == 2);
    const wire_alert *o2 = last_alert(&c, "fast_near_coast", ALERT_OPEN);
    CHECK(o2 && o && o2->alert_id != o->alert_id);
    CHECK(o2 && strstr(o2->evidence, "repeat_vessel"));
    /* End of stream closes what is open. */
    detector_finish(d);
    CHECK(count_alerts(&c, NULL, ALERT_OPEN) == count_alerts(&c, NULL, ALERT_CLOSE));
    a = last_alert(&c, "fast_near_coast", ALERT_CLOSE);
    CHECK(a && strstr(a->evidence, "end_of_stream"));
    detect_stats st;
    detector_stats(d, &st);
    CHECK(st.alerts_opened == 2 && st.open_now == 0);
    CHECK(st.opened_per_rule[detect_rule_index("fast_near_coast")] == 2);
    detector_destroy(&d);
    CHECK(d == NULL);
    detector_destroy(&d);
    collected_free(&c);

    /* Quiet close: an instantaneous rule not raised again closes after alert.close_after_s. */
    d = make_detector(NULL, &c, NULL);
    t = make_track(2, 235000002, 9.0, -78.0, 12, 0, T0_NS);
    detector_process(d, &t);
    advance_track(&t, 10);
    t.lat_deg += 0.2; /* 22 km in 10 s */
    detector_process(d, &t);
    CHECK(count_alerts(&c, "position_jump", ALERT_OPEN) == 1);
    run_track(d, &t, 3000, 30);
    CHECK(count_alerts(&c, "position_jump", ALERT_CLOSE) == 1);
    detector_destroy(&d);
    collected_free(&c);
}

/* The same input gives the same alerts. */
static void feed_mixed(detector *d)
{
    wire_track a = make_track(10, 235000010, 9.3, -79.1, 30, 45, T0_NS);
    a.dist_shore_m = 2000;
    a.ship_type = 0;
    wire_track b = make_track(11, 123, 8.5, -79.3, 10, 0, T0_NS);
    wire_track r = make_track(12, 0, 8.2, -78.5, 25, 200, T0_NS);
    for (int i = 0; i < 400; i++) {
        advance_track(&a, 10);
        advance_track(&b, 10);
        advance_track(&r, 10);
        if (i == 200)
            b.lon_deg += 0.5;
        detector_process(d, &a);
        detector_process(d, &b);
        detector_process(d, &r);
    }
    detector_finish(d);
}

static void test_determinism(void)
{
    collected c1 = {0}, c2 = {0};
    detector *d1 = make_detector(NULL, &c1, NULL), *d2 = make_detector(NULL, &c2, NULL);
    feed_mixed(d1);
    feed_mixed(d2);
    CHECK(c1.n == c2.n && c1.n > 0);
    for (size_t i = 0; i < c1.n && i < c2.n; i++) {
        CHECK(c1.v[i].alert_id == c2.v[i].alert_id);
        CHECK(strcmp(c1.v[i].rule, c2.v[i].rule) == 0);
        CHECK(c1.v[i].start_ns == c2.v[i].start_ns && c1.v[i].end_ns == c2.v[i].end_ns);
        CHECK(c1.v[i].score == c2.v[i].score);
        CHECK(strcmp(c1.v[i].evidence, c2.v[i].evidence) == 0);
    }
    detector_destroy(&d1);
    detector_destroy(&d2);
    collected_free(&c1);
    collected_free(&c2);
}

static void test_json(void)
{
    wire_alert a;
    memset(&a, 0, sizeof a);
    snprintf(a.rule, sizeof a.rule, "encounter");
    a.alert_id = 5;
    a.start_ns = T0_NS;
    a.end_ns = T0_NS + 7200 * NS_PER_S;
    a.lat_deg = 8.5;
    a.lon_deg = -79.25;
    a.score = 42.5f;
    snprintf(a.evidence, sizeof a.evidence, "{\"min_dist_m\":120}");
    a.n_mmsi = 2;
    a.mmsi[0] = 235000001;
    a.mmsi[1] = 352000002;
    char *s = detect_alert_to_json(&a, false);
    CHECK(strstr(s, "\"rule\":\"encounter\""));
    CHECK(strstr(s, "\"mmsi\":[235000001,352000002]"));
    CHECK(strstr(s, "\"start\":\"2025-09-15T12:00:00.000Z\""));
    CHECK(strstr(s, "\"end\":\"2025-09-15T14:00:00.000Z\""));
    CHECK(strstr(s, "\"evidence\":{\"min_dist_m\":120}"));
    CHECK(strstr(s, "\"score\":42.5"));
    CHECK(!strstr(s, "\"state\""));
    free(s);
    a.n_mmsi = 1;
    s = detect_alert_to_json(&a, true);
    CHECK(strstr(s, "\"mmsi\":235000001,"));
    CHECK(strstr(s, "\"state\":\"open\""));
    free(s);
    a.n_mmsi = 0;
    s = detect_alert_to_json(&a, false);
    CHECK(strstr(s, "\"mmsi\":null"));
    free(s);
    /* Solar elevation: Panama City at local noon (17:00 UTC) high, at local midnight below. */
    int64_t noon = (1757937600LL + 5 * 3600) * NS_PER_S;
    CHECK(detect_solar_elevation_deg(8.98, -79.52, noon) > 70);
    CHECK(detect_solar_elevation_deg(8.98, -79.52, noon + 12 * 3600 * NS_PER_S) < -60);
    /* Sunrise near 06:10 local (11:10 UTC) in mid-September. */
    CHECK(fabs(detect_solar_elevation_deg(8.98, -79.52, T0_NS - 50 * 60 * NS_PER_S)) < 3);
}

/* ---- track-stream rules -------------------------------------------------------------------- */
static void test_invalid_mmsi(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, NULL);
    /* factory default, too short, SAR format with MID 111, AtoN and MID 999 as class A, MID 200,
     * handheld with MID 000, MID 217 (inside 201-775 but not allocated by the ITU). */
    uint32_t bad[] = {123456789, 12345,     111111111, 991234567,
                      999000000, 200123456, 800000000, 217123456};
    uint32_t good[] = {352001234, 235000001, 970123456, 982351234, 538001122};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        wire_track t = make_track(100 + (uint32_t)i, bad[i], 8.5, -79.5 + i * 0.01, 10, 0, T0_NS);
        run_track(d, &t, 600, 10);
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        wire_track t = make_track(200 + (uint32_t)i, good[i], 8.6, -79.5 + i * 0.01, 10, 0, T0_NS);
        run_track(d, &t, 600, 10);
    }
    /* A base station with a ship-format MMSI, and one with the proper 00MID format. */
    wire_track bs = make_track(300, 352123456, 8.95, -79.55, 0, 0, T0_NS);
    bs.ais_class = 'X';
    run_track(d, &bs, 60, 10);
    wire_track bs2 = make_track(301, 3521234, 8.95, -79.56, 0, 0, T0_NS);
    bs2.ais_class = 'X';
    run_track(d, &bs2, 60, 10);
    wire_track aton = make_track(302, 993521234, 8.90, -79.50, 0, 0, T0_NS);
    aton.ais_class = 'N';
    run_track(d, &aton, 60, 10);
    CHECK(count_alerts(&c, "invalid_mmsi", ALERT_OPEN) == 8 + 1);
    for (size_t i = 0; i < c.n; i++)
        if (strcmp(c.v[i].rule, "invalid_mmsi") == 0 && c.v[i].state == ALERT_OPEN)
            CHECK(c.v[i].track_id >= 100 && (c.v[i].track_id < 200 || c.v[i].track_id == 300));
    const wire_alert *a = last_alert(&c, "invalid_mmsi", ALERT_OPEN);
    CHECK(a && strstr(a->evidence, "\"reason\":\"kind_mismatch\""));
    CHECK(a && strstr(a->evidence, "expected 00MIDxxxx"));
    for (size_t i = 0; i < c.n; i++)
        if (c.v[i].track_id == 107 && c.v[i].state == ALERT_OPEN)
            CHECK(strstr(c.v[i].evidence, "\"reason\":\"mid_unallocated\"") &&
                  strstr(c.v[i].evidence, "not allocated"));
    /* Radar-only tracks have no MMSI to check. */
    wire_track r = make_track(400, 0, 8.0, -79.0, 10, 0, T0_NS);
    size_t before = count_alerts(&c, "invalid_mmsi", -1);
    run_track(d, &r, 60, 10);
    CHECK(count_alerts(&c, "invalid_mmsi", -1) == before);
    /* Removing the track closes its alert. */
    wire_track t = make_track(100, 123456789, 8.5, -79.5, 10, 0, T0_NS);
    t.time_ns = T0_NS + 700 * NS_PER_S;
    t.state = TRACK_REMOVED;
    detector_process(d, &t);
    CHECK(count_alerts(&c, "invalid_mmsi", ALERT_CLOSE) == 1);
    detector_destroy(&d);
    collected_free(&c);

    /* The switches: an unallocated MID and a ship number in base station reports pass when
     * their checks are off; a bad format still does not. */
    detect_params *p = detect_params_create();
    CHECK(detect_params_set(p, "invalid_mmsi.unallocated_mid", "false", "test") == 0);
    CHECK(detect_params_set(p, "invalid_mmsi.kind_mismatch", "false", "test") == 0);
    d = make_detector(p, &c, NULL);
    wire_track u = make_track(500, 217123456, 8.5, -79.5, 10, 0, T0_NS);
    run_track(d, &u, 60, 10);
    wire_track x = make_track(501, 352123456, 8.95, -79.55, 0, 0, T0_NS);
    x.ais_class = 'X';
    run_track(d, &x, 60, 10);
    CHECK(count_alerts(&c, "invalid_mmsi", -1) == 0);
    wire_track f = make_track(502, 123456789, 8.6, -79.5, 10, 0, T0_NS);
    run_track(d, &f, 60, 10);
    CHECK(count_alerts(&c, "invalid_mmsi", ALERT_OPEN) == 1);
    detector_destroy(&d);
    detect_params_destroy(&p);
    collected_free(&c);
}

static void test_position_jump(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, NULL);
    /* Normal: a 20 kn ship with position noise and a sharp turn. */
    wire_track t = make_track(1, 235000001, 8.5, -79.5, 20, 0, T0_NS);
    detector_process(d, &t);
    for (int i = 0; i < 200; i++) {
        advance_track(&t, 10);
        t.lat_deg += ((i * 7919) % 11 - 5) * 1e-5; /* +-5 m */
        if (i == 100)
            t.cog_deg = 180;
        detector_process(d, &t);
    }
    /* A fast ferry at 38 kn and a SAR aircraft at 120 kn. */
    wire_track hsc = make_track(2, 235000002, 8.7, -79.6, 38, 90, T0_NS);
    hsc.ship_type = 40;
    run_track(d, &hsc, 1200, 5);
    wire_track sar = make_track(3, 111352001, 8.7, -79.7, 120, 90, T0_NS);
    sar.ais_class = 'S';
    run_track(d, &sar, 600, 5);
    /* Reappearing 30 km away after 2 h (15 kn implied): no jump. */
    wire_track g = make_track(4, 235000004, 8.1, -79.0, 12, 0, T0_NS);
    detector_process(d, &g);
    advance_track(&g, 7200);
    g.lat_deg += 0.05;
    detector_process(d, &g);
    CHECK(count_alerts(&c, "position_jump", -1) == 0);
    /* Spoofed jump: 40 km in 20 s. */
    wire_track s = make_track(5, 235000005, 8.3, -79.2, 11, 0, T0_NS);
    run_track(d, &s, 300, 10);
    advance_track(&s, 20);
    s.lon_deg += 0.36;
    detector_process(d, &s);
    CHECK(count_alerts(&c, "position_jump", ALERT_OPEN) == 1);
    const wire_alert *a = last_alert(&c, "position_jump", ALERT_OPEN);
    CHECK(a && a->track_id == 5 && strstr(a->evidence, "beyond_physics"));
    /* Beyond dead reckoning: 40 kn implied for a ship reporting 10 kn (below 50 kn). */
    wire_track r = make_track(6, 235000006, 8.0, -79.8, 10, 0, T0_NS);
    run_track(d, &r, 300, 10);
    advance_track(&r, 120);
    r.lat_deg += 30 * 1852.0 / 3600 * 120 / 111195.0;
    detector_process(d, &r);
    CHECK(count_alerts(&c, "position_jump", ALERT_OPEN) == 2);
    a = last_alert(&c, "position_jump", ALERT_OPEN);
    CHECK(a && a->track_id == 6 && strstr(a->evidence, "beyond_dead_reckoning"));
    detector_destroy(&d);
    collected_free(&c);
}

static void test_mmsi_conflict(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, NULL);
    wire_track a = make_track(1, 352000111, 8.5, -79.5, 10, 0, T0_NS);
    wire_track b = make_track(2, 352000111, 9.4, -79.9, 10, 180, T0_NS);
    run_track(d, &a, 600, 10);
    CHECK(count_alerts(&c, "mmsi_conflict", -1) == 0);
    a.flags |= TRACK_FLAG_SPLIT;
    b.flags |= TRACK_FLAG_SPLIT;
    for (int i = 0; i < 100; i++) {
        advance_track(&a, 10);
        advance_track(&b, 10);
        detector_process(d, &a);
        detector_process(d, &b);
    }
    CHECK(count_alerts(&c, "mmsi_conflict", ALERT_OPEN) == 1);
    const wire_alert *x = last_alert(&c, "mmsi_conflict", -1);
    CHECK(x && strstr(x->evidence, "\"track_id\":2") && strstr(x->evidence, "separation_m"));
    /* No identity_change from two transmitters sharing one MMSI. */
    CHECK(count_alerts(&c, "identity_change", -1) == 0);
    detector_finish(d);
    CHECK(count_alerts(&c, "mmsi_conflict", ALERT_CLOSE) == 1);
    detector_destroy(&d);
    collected_free(&c);
}

static void test_identity_change(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, NULL);
    wire_track t = make_track(1, 352000222, 8.5, -79.5, 10, 0, T0_NS);
    snprintf(t.name, sizeof t.name, "OCEAN STAR");
    run_track(d, &t, 600, 10);
    /* Unknown -> known, trailing padding, and a hazard-category type change are not changes. */
    wire_track u = make_track(2, 352000333, 8.6, -79.5, 10, 0, T0_NS);
    u.name[0] = 0;
    u.ship_type = 70;
    run_track(d, &u, 60, 10);
    snprintf(u.name, sizeof u.name, "BLUE WAVE@@@@");
    u.update = TRACK_UPD_STATIC;
    advance_track(&u, 1);
    detector_process(d, &u);
    snprintf(u.name, sizeof u.name, "BLUE WAVE   ");
    u.ship_type = 71;
    advance_track(&u, 1);
    detector_process(d, &u);
    CHECK(count_alerts(&c, "identity_change", -1) == 0);
    /* A real change: new name and call sign. */
    snprintf(t.name, sizeof t.name, "SEA \"GHOST\"");
    snprintf(t.callsign, sizeof t.callsign, "XYZ9");
    t.update = TRACK_UPD_STATIC;
    advance_track(&t, 1);
    detector_process(d, &t);
    CHECK(count_alerts(&c, "identity_change", ALERT_OPEN) == 1);
    const wire_alert *a = last_alert(&c, "identity_change", ALERT_OPEN);
    CHECK(a && strstr(a->evidence, "\"old\":\"OCEAN STAR\""));
    CHECK(a && strstr(a->evidence, "\\\"GHOST\\\""));
    CHECK(a && strstr(a->evidence, "callsign"));
    /* Identity is per MMSI: a new track of the same MMSI with another IMO updates it. */
    wire_track t2 = make_track(9, 352000222, 8.5, -79.4, 10, 0, T0_NS + 700 * NS_PER_S);
    snprintf(t2.name, sizeof t2.name, "SEA \"GHOST\"");
    snprintf(t2.callsign, sizeof t2.callsign, "XYZ9");
    t2.imo = 1234567;
    detector_process(d, &t2);
    CHECK(count_alerts(&c, "identity_change", ALERT_OPEN) == 1);
    a = last_alert(&c, "identity_change", -1);
    CHECK(a && a->state == ALERT_UPDATE && strstr(a->evidence, "\"imo\""));
    char *j = detect_alert_to_json(a, true);
    CHECK(strstr(j, "\"field\":\"imo\""));
    free(j);
    detector_destroy(&d);
    collected_free(&c);
}

static void test_position_on_land(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, NULL);
    wire_track t = make_track(1, 352000444, 8.5, -79.5, 10, 0, T0_NS);
    run_track(d, &t, 60, 10);
    t.flags |= TRACK_FLAG_ON_LAND;
    advance_track(&t, 10);
    detector_process(d, &t); /* one glitch: not yet */
    CHECK(count_alerts(&c, "position_on_land", -1) == 0);
    run_track(d, &t, 120, 10);
    CHECK(count_alerts(&c, "position_on_land", ALERT_OPEN) == 1);
    t.flags &= (uint16_t)~TRACK_FLAG_ON_LAND;
    run_track(d, &t, 20, 10);
    CHECK(count_alerts(&c, "position_on_land", ALERT_CLOSE) == 1);
    /* In a port, or a base station ashore: no alert. */
    wire_track p = make_track(2, 352000445, 8.95, -79.56, 0, 0, T0_NS);
    p.zones |= 1u << ZONE_LAND | 1u << ZONE_PORT;
    run_track(d, &p, 600, 10);
    wire_track b = make_track(3, 3520001, 8.96, -79.57, 0, 0, T0_NS);
    b.ais_class = 'X';
    b.flags |= TRACK_FLAG_ON_LAND;
    run_track(d, &b, 600, 10);
    CHECK(count_alerts(&c, "position_on_land", ALERT_OPEN) == 1);
    detector_destroy(&d);
    collected_free(&c);
}

static void test_fast_near_coast(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, NULL);
    /* Go-fast: 35 kn, 5 NM off the Guna Yala coast, no declared type. */
    wire_track g = make_track(1, 352000555, 9.45, -78.6, 35, 280, T0_NS);
    g.ship_type = 0;
    g.ais_class = 'B';
    g.dist_shore_m = 5 * 1852;
    run_track(d, &g, 600, 5);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_OPEN) == 1);
    const wire_alert *a = last_alert(&c, "fast_near_coast", ALERT_OPEN);
    CHECK(a && strstr(a->evidence, "hotspot:guna_yala"));
    /* Exempt: HSC, SAR, law enforcement; 30 kn offshore; 20 kn near the coast. */
    uint8_t types[] = {40, 49, 51, 55};
    for (int i = 0; i < 4; i++) {
        wire_track e = make_track(10 + i, 352000560 + i, 8.9, -79.4 + i * 0.1, 32, 90, T0_NS);
        e.ship_type = types[i];
        e.dist_shore_m = 3000;
        run_track(d, &e, 600, 5);
    }
    /* A 40 m passenger ferry (type 60) is exempt; a 12 m boat declaring 60 is not. */
    wire_track ferry = make_track(14, 329003100, 16.1, -61.4, 33, 150, T0_NS);
    ferry.ship_type = 60;
    ferry.length_m = 40;
    ferry.dist_shore_m = 5000;
    run_track(d, &ferry, 600, 5);
    wire_track small = make_track(15, 352000565, 9.2, -79.0, 33, 150, T0_NS);
    small.ship_type = 60;
    small.length_m = 12;
    small.dist_shore_m = 5000;
    run_track(d, &small, 600, 5);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_OPEN) == 2);
    /* Type unknown: nothing for the first 6 min, then the go-fast alert. */
    wire_track u = make_track(16, 352000566, 9.3, -79.0, 36, 150, T0_NS);
    u.ship_type = 0;
    u.dist_shore_m = 4000;
    run_track(d, &u, 300, 5);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_OPEN) == 2);
    run_track(d, &u, 120, 5);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_OPEN) == 3);
    wire_track off = make_track(20, 352000570, 7.5, -79.0, 30, 90, T0_NS);
    off.dist_shore_m = 30 * 1852;
    run_track(d, &off, 600, 5);
    wire_track slow = make_track(21, 352000571, 8.8, -79.0, 20, 90, T0_NS);
    slow.dist_shore_m = 2000;
    run_track(d, &slow, 600, 5);
    /* Without a shoreline the territorial-sea bit stands in. */
    wire_track z = make_track(22, 352000572, 8.8, -79.2, 30, 90, T0_NS);
    z.dist_shore_m = NAN;
    z.zones |= 1u << ZONE_TERRITORIAL_SEA;
    run_track(d, &z, 600, 5);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_OPEN) == 4);
    /* A per-zone override changes the threshold without recompiling. */
    detect_params *p = detect_params_create();
    CHECK(detect_params_set_zone(p, ZONE_TERRITORIAL_SEA, "fast_near_coast.min_sog_kn", "40",
                                 "t") == 0);
    collected c2 = {0};
    detector *d2 = make_detector(p, &c2, NULL);
    wire_track z2 = z;
    run_track(d2, &z2, 600, 5);
    CHECK(count_alerts(&c2, "fast_near_coast", -1) == 0);
    detector_destroy(&d2);
    collected_free(&c2);
    detect_params_destroy(&p);
    detector_destroy(&d);
    collected_free(&c);
}

static void test_dark_target(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, NULL);
    wire_track f = make_track(1, 0, 8.3, -78.3, 32, 300, T0_NS);
    f.radar_site = 3;
    f.radar_target = 17;
    run_track(d, &f, 170, 3);
    CHECK(count_alerts(&c, "dark_target", -1) == 0); /* under 3 min */
    run_track(d, &f, 60, 3);
    CHECK(count_alerts(&c, "dark_target", ALERT_OPEN) == 1);
    const wire_alert *a = last_alert(&c, "dark_target", ALERT_OPEN);
    CHECK(a && strstr(a->evidence, "go_fast") && a->n_mmsi == 0);
    char *j = detect_alert_to_json(a, false);
    CHECK(strstr(j, "\"mmsi\":null"));
    free(j);
    wire_track s = make_track(2, 0, 8.0, -78.9, 6, 330, T0_NS);
    run_track(d, &s, 600, 3);
    a = last_alert(&c, "dark_target", ALERT_OPEN);
    CHECK(a && a->track_id == 2 && strstr(a->evidence, "semi_submersible"));
    wire_track u = make_track(3, 0, 8.0, -79.1, 12, 330, T0_NS);
    run_track(d, &u, 600, 3);
    a = last_alert(&c, "dark_target", ALERT_OPEN);
    CHECK(a && a->track_id == 3 && strstr(a->evidence, "unclassified"));
    CHECK(a && a->confidence < 0.5f);
    /* Associated with AIS: the alert closes. */
    s.flags &= (uint16_t)~TRACK_FLAG_DARK;
    s.mmsi = 352000666;
    s.sensors |= TRACK_SENSOR_AIS;
    run_track(d, &s, 10, 3);
    CHECK(count_alerts(&c, "dark_target", ALERT_CLOSE) == 1);
    /* A radar track associated with AIS from the start never fires. */
    wire_track ok = make_track(4, 352000667, 8.1, -79.3, 14, 0, T0_NS);
    ok.sensors |= TRACK_SENSOR_RADAR;
    run_track(d, &ok, 900, 3);
    CHECK(count_alerts(&c, "dark_target", ALERT_OPEN) == 3);
    detector_destroy(&d);
    collected_free(&c);
}

/* ---- zone-dependent rules -------------------------------------------------------------------- */

/* A toy geography for the tests: one anchorage disc and one north-bound TSS lane. */
static double stub_dist(void *ctx, double lat, double lon, int kind)
{
    if (kind != ZONE_ANCHORAGE)
        return INFINITY;
    double dy = (lat - 8.85) * 111195.0, dx = (lon + 79.45) * 111195.0 * cos(8.85 * M_PI / 180);
    double r = sqrt(dx * dx + dy * dy) - 2000; /* a 2 km disc */
    return r < 0 ? 0 : r;
}
static double stub_lane(void *ctx, double lat, double lon)
{
    return 0; /* north-bound */
}
static const detect_geo stub_geo = {NULL, stub_dist, stub_lane, NULL, NULL, NULL, NULL};
/* the lane's boundary runs along 79.5 W: a track within 0.01 deg of it skirts the lane */
static double stub_lane_depth(void *ctx, double lat, double lon)
{
    (void)ctx;
    (void)lat;
    return fabs(lon + 79.5) * 111195.0 * cos(9.5 * M_PI / 180);
}
static const detect_geo edge_geo = {NULL, stub_dist, stub_lane, NULL, NULL, stub_lane_depth, NULL};

static void test_ais_gap(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, &stub_geo);
    /* In coverage, silent 45 min: alert while ongoing, closed on reappearance. */
    wire_track t = make_track(1, 352000777, 8.5, -79.3, 10, 0, T0_NS);
    run_track(d, &t, 600, 10);
    /* The clock moves with other traffic (a radar track: never an AIS gap itself). */
    wire_track other = make_track(2, 0, 8.0, -79.0, 10, 0, T0_NS);
    for (int i = 0; i < 45 * 6; i++) {
        advance_track(&other, 10);
        detector_process(d, &other);
    }
    CHECK(count_alerts(&c, "ais_gap", ALERT_OPEN) == 1);
    CHECK(count_alerts(&c, "ais_gap", ALERT_CLOSE) == 0);
    advance_track(&t, 45 * 60);
    detector_process(d, &t);
    CHECK(count_alerts(&c, "ais_gap", ALERT_CLOSE) == 1);
    const wire_alert *a = last_alert(&c, "ais_gap", ALERT_CLOSE);
    CHECK(a && a->end_ns - a->start_ns >= 45LL * 60 * NS_PER_S);
    CHECK(a && strstr(a->evidence, "in_coverage") && strstr(a->evidence, "moved_m"));

    /* Silent 20 min: normal. */
    run_track(d, &t, 600, 10);
    advance_track(&t, 20 * 60);
    detector_process(d, &t);
    run_track(d, &t, 60, 10);
    CHECK(count_alerts(&c, "ais_gap", ALERT_OPEN) == 1);
    detector_destroy(&d);
    collected_free(&c);
    d = make_detector(NULL, &c, &stub_geo);

    /* Sailing out of coverage and silent 5 h: not suspicious (edge); 13 h: offshore gap. */
    wire_track e = make_track(3, 352000779, 7.8, -79.5, 12, 180, T0_NS);
    run_track(d, &e, 600, 10);
    e.flags &= (uint16_t)~TRACK_FLAG_IN_COVERAGE;
    run_track(d, &e, 300, 10);
    for (int i = 0; i < 5 * 60; i++) {
        advance_track(&other, 60);
        detector_process(d, &other);
    }
    advance_track(&e, 5 * 3600);
    detector_process(d, &e);
    CHECK(count_alerts(&c, "ais_gap", ALERT_OPEN) == 0);
    for (int i = 0; i < 13 * 60; i++) {
        advance_track(&other, 60);
        detector_process(d, &other);
    }
    advance_track(&e, 13 * 3600);
    detector_process(d, &e);
    CHECK(count_alerts(&c, "ais_gap", ALERT_OPEN) == 1);
    a = last_alert(&c, "ais_gap", ALERT_CLOSE);
    CHECK(a && strstr(a->evidence, "offshore"));
    detector_destroy(&d);
    collected_free(&c);
    d = make_detector(NULL, &c, &stub_geo);

    /* Hysteresis: a vessel that came within 3 km of the anchorage and drifted back to 3.5 km
     * is still "at the anchorage" (released at 4 km): its 2 h silence is not a gap.  One that
     * only ever came to 3.5 km is at sea: its silence is. */
    const double disc_m = 2000; /* stub anchorage radius */
    wire_track n =
        make_track(4, 352000780, 8.85 + (disc_m + 5000) / 111195.0, -79.45, 0.1f, 0, T0_NS);
    wire_track m =
        make_track(5, 352000781, 8.85 - (disc_m + 3500) / 111195.0, -79.45, 0.1f, 0, T0_NS);
    run_track(d, &n, 600, 60);
    n.lat_deg = 8.85 + (disc_m + 2500) / 111195.0;
    run_track(d, &n, 600, 60);
    n.lat_deg = 8.85 + (disc_m + 3500) / 111195.0;
    run_track(d, &n, 600, 60);
    run_track(d, &m, 1800, 60);
    int64_t quiet_from = n.time_ns;
    while (other.time_ns < quiet_from + 2 * 3600 * NS_PER_S) {
        advance_track(&other, 60);
        detector_process(d, &other);
    }
    advance_track(&n, 2 * 3600);
    detector_process(d, &n);
    advance_track(&m, 2 * 3600);
    detector_process(d, &m);
    CHECK(count_alerts(&c, "ais_gap", ALERT_OPEN) == 1);
    a = last_alert(&c, "ais_gap", ALERT_OPEN);
    CHECK(a && a->mmsi[0] == 352000781);
    detector_destroy(&d);
    collected_free(&c);
}

static void test_encounter(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, &stub_geo);
    /* Two ships 300 m apart drifting at 0.5 kn for 2.5 h, 60 km from the anchorage. */
    wire_track a = make_track(1, 352000801, 8.30, -79.00, 0.5f, 90, T0_NS);
    wire_track b = make_track(2, 538000802, 8.30 + 300 / 111195.0, -79.00, 0.6f, 95, T0_NS);
    b.ship_type = 80;
    for (int i = 0; i < 150; i++) {
        advance_track(&a, 60);
        advance_track(&b, 60);
        detector_process(d, &a);
        detector_process(d, &b);
        if (i == 100)
            CHECK(count_alerts(&c, "encounter", -1) == 0); /* 1 h 40 min: not yet */
    }
    CHECK(count_alerts(&c, "encounter", ALERT_OPEN) == 1);
    const wire_alert *x = last_alert(&c, "encounter", ALERT_OPEN);
    CHECK(x && x->n_mmsi == 2);
    CHECK(x && x->end_ns - x->start_ns >= 7200LL * NS_PER_S);
    /* They part: closed after break_s. */
    a.sog_kn = 12;
    for (int i = 0; i < 60; i++) {
        advance_track(&a, 60);
        advance_track(&b, 60);
        detector_process(d, &a);
        detector_process(d, &b);
    }
    CHECK(count_alerts(&c, "encounter", ALERT_CLOSE) == 1);

    /* Small craft: a dark boat 150 m from a fishing vessel for 40 min. */
    wire_track f = make_track(3, 352000803, 7.9, -79.8, 0.8f, 0, T0_NS + 3 * 3600 * NS_PER_S);
    f.ship_type = 30;
    f.length_m = 22;
    wire_track r = make_track(4, 0, 7.9 + 150 / 111195.0, -79.8, 0.5f, 0, f.time_ns);
    for (int i = 0; i < 40; i++) {
        advance_track(&f, 60);
        advance_track(&r, 60);
        detector_process(d, &f);
        detector_process(d, &r);
    }
    CHECK(count_alerts(&c, "encounter", ALERT_OPEN) == 2);
    x = last_alert(&c, "encounter", ALERT_OPEN);
    CHECK(x && x->n_mmsi == 1 && strstr(x->evidence, "small_craft"));
    CHECK(x && strstr(x->evidence, "\"dark_partner\":true"));

    /* Anchorage queue: ships 300 m apart for 6 h within 10 km of the anchorage: none. */
    wire_track q1 = make_track(5, 352000805, 8.85 + 6000 / 111195.0, -79.45, 0.1f, 0, f.time_ns);
    wire_track q2 = make_track(6, 352000806, 8.85 + 6300 / 111195.0, -79.45, 0.1f, 0, f.time_ns);
    for (int i = 0; i < 360; i++) {
        advance_track(&q1, 60);
        advance_track(&q2, 60);
        detector_process(d, &q1);
        detector_process(d, &q2);
    }
    /* Pilot boat alongside a ship under way at 8 kn for 20 min: none. */
    wire_track s = make_track(7, 352000807, 8.6, -79.3, 8, 0, f.time_ns);
    wire_track p = make_track(8, 352000808, 8.6 + 50 / 111195.0, -79.3, 8, 0, f.time_ns);
    p.ship_type = 50;
    p.length_m = 15;
    for (int i = 0; i < 20; i++) {
        advance_track(&s, 60);
        advance_track(&p, 60);
        detector_process(d, &s);
        detector_process(d, &p);
    }
    CHECK(count_alerts(&c, "encounter", ALERT_OPEN) == 2);
    detector_destroy(&d);
    collected_free(&c);
}

static void test_loitering(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, &stub_geo);
    wire_track t = make_track(1, 352000901, 7.2, -80.0, 0.8f, 45, T0_NS);
    t.dist_shore_m = 40 * 1852;
    run_track(d, &t, 3.9 * 3600, 120);
    CHECK(count_alerts(&c, "loitering", -1) == 0);
    run_track(d, &t, 0.3 * 3600, 120);
    CHECK(count_alerts(&c, "loitering", ALERT_OPEN) == 1);
    /* A short burst of speed does not end it; getting under way does. */
    t.sog_kn = 6;
    run_track(d, &t, 300, 60);
    t.sog_kn = 1;
    run_track(d, &t, 600, 120);
    CHECK(count_alerts(&c, "loitering", ALERT_CLOSE) == 0);
    t.sog_kn = 11;
    run_track(d, &t, 1800, 60);
    CHECK(count_alerts(&c, "loitering", ALERT_CLOSE) == 1);
    /* Drifting 10 NM off the coast, or at the anchorage: none. */
    wire_track n = make_track(2, 352000902, 8.2, -79.2, 0.5f, 0, T0_NS);
    n.dist_shore_m = 10 * 1852;
    run_track(d, &n, 6 * 3600, 120);
    wire_track q = make_track(3, 352000903, 8.85, -79.45, 0.1f, 0, T0_NS);
    q.dist_shore_m = 25 * 1852; /* an offshore anchorage */
    run_track(d, &q, 6 * 3600, 180);
    CHECK(count_alerts(&c, "loitering", ALERT_OPEN) == 1);
    detector_destroy(&d);
    collected_free(&c);
}

static void test_tss_violation(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, &stub_geo);
    /* Southbound in the northbound lane, out of the Gulf box: wrong way. */
    wire_track w = make_track(1, 352001001, 9.5, -79.9, 12, 185, T0_NS);
    w.zones |= 1u << ZONE_TSS_LANE;
    run_track(d, &w, 600, 10);
    CHECK(count_alerts(&c, "tss_violation", ALERT_OPEN) == 1);
    const wire_alert *a = last_alert(&c, "tss_violation", ALERT_OPEN);
    CHECK(a && strstr(a->evidence, "wrong_way"));
    /* Crossing at right angles and following the lane: fine. */
    wire_track x = make_track(2, 352001002, 9.6, -79.9, 12, 90, T0_NS);
    x.zones |= 1u << ZONE_TSS_LANE;
    run_track(d, &x, 600, 10);
    wire_track f = make_track(3, 352001003, 9.6, -79.8, 12, 10, T0_NS);
    f.zones |= 1u << ZONE_TSS_LANE;
    run_track(d, &f, 600, 10);
    CHECK(count_alerts(&c, "tss_violation", ALERT_OPEN) == 1);
    /* 14 kn northbound in the Gulf of Panama lane in September: speed violation. */
    wire_track s = make_track(4, 352001004, 8.3, -79.4, 14, 0, T0_NS);
    s.zones |= 1u << ZONE_TSS_LANE;
    run_track(d, &s, 900, 10);
    CHECK(count_alerts(&c, "tss_violation", ALERT_OPEN) == 2);
    a = last_alert(&c, "tss_violation", ALERT_OPEN);
    CHECK(a && a->track_id == 4 && strstr(a->evidence, "\"kind\":\"speed\""));
    /* Same in March, a pilot boat, or south of 8 N: fine. */
    int64_t march = T0_NS - 190LL * 86400 * NS_PER_S;
    wire_track m = make_track(5, 352001005, 8.3, -79.3, 14, 0, march);
    m.zones |= 1u << ZONE_TSS_LANE;
    run_track(d, &m, 900, 10);
    wire_track p = make_track(6, 352001006, 8.4, -79.3, 14, 0, T0_NS);
    p.zones |= 1u << ZONE_TSS_LANE;
    p.ship_type = 50;
    run_track(d, &p, 900, 10);
    wire_track so = make_track(7, 352001007, 7.6, -79.3, 14, 0, T0_NS);
    so.zones |= 1u << ZONE_TSS_LANE;
    run_track(d, &so, 600, 10);
    CHECK(count_alerts(&c, "tss_violation", ALERT_OPEN) == 2);
    detector_destroy(&d);
    collected_free(&c);

    /* The wrong way 100 m inside the lane's (approximate) boundary: skirting it, no alert;
     * 1.1 km inside: the wrong way. */
    collected e = {0};
    d = make_detector(NULL, &e, &edge_geo);
    wire_track edge = make_track(8, 352001008, 9.5, -79.4995, 8, 181, T0_NS);
    edge.zones |= 1u << ZONE_TSS_LANE;
    run_track(d, &edge, 900, 10);
    CHECK(count_alerts(&e, "tss_violation", ALERT_OPEN) == 0);
    wire_track in = make_track(9, 352001009, 9.5, -79.49, 8, 180, T0_NS);
    in.zones |= 1u << ZONE_TSS_LANE;
    run_track(d, &in, 900, 10);
    CHECK(count_alerts(&e, "tss_violation", ALERT_OPEN) == 1);
    detector_destroy(&d);
    collected_free(&e);
}

static void test_canal_overstay(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, &stub_geo);
    const uint32_t canal_anch =
        1u << ZONE_ANCHORAGE | 1u << ZONE_CANAL_APPROACH | 1u << ZONE_TERRITORIAL_SEA;
    /* Waits 4 days: overstay. */
    wire_track o = make_track(1, 352001101, 8.85, -79.45, 0.05f, 0, T0_NS);
    o.zones = canal_anch;
    o.nav_status = 1;
    run_track(d, &o, 4 * 86400, 180);
    CHECK(count_alerts(&c, "canal_overstay", ALERT_OPEN) == 1);
    const wire_alert *a = last_alert(&c, "canal_overstay", -1);
    CHECK(a && strstr(a->evidence, "overstay"));
    /* Waits 1 day then sails to the Pacific entrance: normal. */
    wire_track n = make_track(2, 352001102, 8.86, -79.46, 0.05f, 0, T0_NS);
    n.zones = canal_anch;
    run_track(d, &n, 86400, 180);
    n.zones = 1u << ZONE_CANAL_APPROACH | 1u << ZONE_TERRITORIAL_SEA;
    n.sog_kn = 8;
    n.cog_deg = 315;
    n.lat_deg = 8.88;
    n.lon_deg = -79.50;
    run_track(d, &n, 3600, 60); /* reaches 8.935,-79.56 */
    CHECK(count_alerts(&c, "canal_overstay", ALERT_OPEN) == 1);
    /* Waits 1 day then heads out to sea: left without transit. */
    wire_track l = make_track(3, 352001103, 8.84, -79.44, 0.05f, 0, T0_NS);
    l.zones = canal_anch;
    run_track(d, &l, 86400, 180);
    l.zones = 1u << ZONE_TERRITORIAL_SEA | 1u << ZONE_EEZ;
    l.sog_kn = 12;
    l.cog_deg = 170;
    run_track(d, &l, 1800, 60); /* 11 km: not yet */
    CHECK(count_alerts(&c, "canal_overstay", ALERT_OPEN) == 1);
    run_track(d, &l, 1800, 60);
    CHECK(count_alerts(&c, "canal_overstay", ALERT_OPEN) == 2);
    a = last_alert(&c, "canal_overstay", ALERT_OPEN);
    CHECK(a && a->track_id == 3 && strstr(a->evidence, "left_without_transit"));
    detector_destroy(&d);
    collected_free(&c);
}

/* ---- what real traffic taught ------------------------------------------------------------ */

/* A berth 300 m inside a coarse land polygon south of 9 N, kilometres inland north of it. */
static double stub_inland(void *ctx, double lat, double lon)
{
    (void)ctx;
    (void)lon;
    return lat < 9.0 ? 300.0 : 8000.0;
}
static const detect_geo inland_geo = {NULL, NULL, NULL, NULL, stub_inland, NULL, NULL};

static void test_position_on_land_berth(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, &inland_geo);
    /* A ferry moored at its quay, which the 1:10 m land mask puts 300 m inland: no alert. */
    wire_track q = make_track(1, 352000901, 8.95, -79.55, 0, 0, T0_NS);
    q.flags |= TRACK_FLAG_ON_LAND;
    q.zones |= 1u << ZONE_LAND;
    run_track(d, &q, 3600, 10);
    CHECK(count_alerts(&c, "position_on_land", -1) == 0);
    /* A transit in the canal (navigable water inside the land polygon): no alert. */
    wire_track g = make_track(2, 352000902, 9.2797, -79.9215, 5, 180, T0_NS);
    g.zones |= 1u << ZONE_NAVIGABLE_WATER;
    g.flags |= TRACK_FLAG_ON_LAND; /* a fusion without the navigable water loaded */
    run_track(d, &g, 1800, 10);
    CHECK(count_alerts(&c, "position_on_land", -1) == 0);
    /* A position 8 km inland: alert, with how far inland in the evidence. */
    wire_track s = make_track(3, 352000903, 9.10, -79.30, 10, 0, T0_NS);
    s.flags |= TRACK_FLAG_ON_LAND;
    run_track(d, &s, 120, 10);
    CHECK(count_alerts(&c, "position_on_land", ALERT_OPEN) == 1);
    const wire_alert *a = last_alert(&c, "position_on_land", ALERT_OPEN);
    CHECK(a && strstr(a->evidence, "\"inland_m\":8000"));
    detector_destroy(&d);
    collected_free(&c);
}

/* Detailed geography (the GeoJSON land) south of 20 N only; beyond it a world shoreline without
 * rivers (GSHHG) puts a river barge kilometres inland. */
static bool stub_detailed(void *ctx, double lat, double lon)
{
    (void)ctx;
    (void)lon;
    return lat < 20.0;
}
static const detect_geo global_land_geo = {NULL,        NULL, NULL,         NULL,
                                           stub_inland, NULL, stub_detailed};

static void test_position_on_land_global(void)
{
    for (int trust = 0; trust <= 1; trust++) {
        collected c = {0};
        detect_params *p = detect_params_create();
        CHECK(detect_params_set(p, "position_on_land.trust_global_land", trust ? "true" : "false",
                                "test") == 0);
        detector *d = make_detector(p, &c, &global_land_geo);
        /* A barge on the Seine at Vernon: land to GSHHG, 8 km inland. */
        wire_track b = make_track(1, 227000901, 49.09, 1.48, 6, 120, T0_NS);
        b.flags |= TRACK_FLAG_ON_LAND;
        b.zones |= 1u << ZONE_LAND;
        run_track(d, &b, 600, 10);
        CHECK(count_alerts(&c, "position_on_land", ALERT_OPEN) == (size_t)trust);
        /* In the detailed geography the rule speaks whatever the setting. */
        wire_track s = make_track(2, 352000903, 9.10, -79.30, 10, 0, T0_NS);
        s.flags |= TRACK_FLAG_ON_LAND;
        run_track(d, &s, 120, 10);
        CHECK(count_alerts(&c, "position_on_land", ALERT_OPEN) == (size_t)trust + 1);
        detector_destroy(&d);
        detect_params_destroy(&p);
        collected_free(&c);
    }
}

static void test_unknown_geography(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, &stub_geo);
    /* Barges moored together on a river outside the loaded land (shore distance unknown), 17 m
     * apart for 8 h, and a vessel idle there: no encounter, no loitering. */
    wire_track a = make_track(1, 226000001, 49.0900, 1.4900, 0, 0, T0_NS);
    wire_track b = make_track(2, 226000002, 49.0901, 1.4901, 0, 0, T0_NS);
    a.dist_shore_m = b.dist_shore_m = NAN;
    a.zones = b.zones = 0;
    a.flags = b.flags = 0; /* no station position known: coverage unknown */
    for (int i = 0; i < 8 * 360; i++) {
        advance_track(&a, 10);
        advance_track(&b, 10);
        detector_process(d, &a);
        detector_process(d, &b);
    }
    CHECK(count_alerts(&c, "encounter", -1) == 0);
    CHECK(count_alerts(&c, "loitering", -1) == 0);
    /* Rafted in a harbour 300 m from the quay (shore known, inshore): no encounter. */
    wire_track h1 = make_track(3, 352000904, 8.20, -79.00, 0, 0, T0_NS);
    wire_track h2 = make_track(4, 352000905, 8.2001, -79.0001, 0, 0, T0_NS);
    h1.dist_shore_m = h2.dist_shore_m = 300;
    h1.flags = h2.flags = 0;
    for (int i = 0; i < 4 * 360; i++) {
        advance_track(&h1, 10);
        advance_track(&h2, 10);
        detector_process(d, &h1);
        detector_process(d, &h2);
    }
    CHECK(count_alerts(&c, "encounter", -1) == 0);
    /* A vessel last heard outside the loaded geography and back 13 h later: not an offshore
     * gap (unknown is not far offshore). */
    wire_track u = make_track(5, 226000003, 49.2, 1.2, 6, 0, T0_NS);
    u.dist_shore_m = NAN;
    u.zones = 0;
    u.flags &= (uint16_t)~TRACK_FLAG_IN_COVERAGE;
    run_track(d, &u, 600, 10);
    wire_track other = make_track(6, 0, 8.0, -79.0, 10, 0, T0_NS);
    other.time_ns = u.time_ns;
    for (int i = 0; i < 13 * 60; i++) {
        advance_track(&other, 60);
        detector_process(d, &other);
    }
    advance_track(&u, 13 * 3600);
    detector_process(d, &u);
    CHECK(count_alerts(&c, "ais_gap", -1) == 0);
    detector_destroy(&d);
    collected_free(&c);
}

/* The receiver falls silent (or a day is missing between two log files): not a gap of every
 * vessel it heard.  One vessel silent while the others are heard still is. */
static void test_ais_gap_feed_outage(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, &stub_geo);
    wire_track v[4];
    for (int i = 0; i < 4; i++)
        v[i] = make_track((uint32_t)i + 1, 352000910 + (uint32_t)i, 8.3 + 0.02 * i, -79.3, 10, 0,
                          T0_NS);
    for (int k = 0; k < 60; k++)
        for (int i = 0; i < 4; i++) {
            advance_track(&v[i], 10);
            detector_process(d, &v[i]);
        }
    /* Two hours without a line, the detector clock still advancing (heartbeats). */
    int64_t t = v[3].time_ns;
    for (int k = 0; k < 120; k++)
        detector_advance(d, t + (int64_t)(k + 1) * 60 * NS_PER_S);
    CHECK(count_alerts(&c, "ais_gap", -1) == 0);
    for (int i = 0; i < 4; i++) {
        advance_track(&v[i], 2 * 3600);
        detector_process(d, &v[i]);
    }
    for (int k = 0; k < 60; k++)
        for (int i = 0; i < 4; i++) {
            advance_track(&v[i], 10);
            detector_process(d, &v[i]);
        }
    CHECK(count_alerts(&c, "ais_gap", -1) == 0);
    /* Vessel 1 goes silent 45 min while the other three are heard: a gap. */
    for (int k = 0; k < 45 * 6; k++)
        for (int i = 1; i < 4; i++) {
            advance_track(&v[i], 10);
            detector_process(d, &v[i]);
        }
    advance_track(&v[0], 45 * 60);
    detector_process(d, &v[0]);
    CHECK(count_alerts(&c, "ais_gap", ALERT_OPEN) == 1);
    detector_destroy(&d);
    collected_free(&c);
}

/* Leaving the anchorage into the approach channel is the transit, even while still within the
 * anchorage context's release distance. */
static void test_canal_overstay_transit(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, &stub_geo);
    const uint32_t canal_anch =
        1u << ZONE_ANCHORAGE | 1u << ZONE_CANAL_APPROACH | 1u << ZONE_TERRITORIAL_SEA;
    wire_track n = make_track(1, 352001201, 8.86, -79.46, 0.05f, 0, T0_NS);
    n.zones = canal_anch;
    run_track(d, &n, 86400, 180);
    /* Into the channel, then up through the locks into the lakes (navigable water), 25 km and
     * more from where it waited, never "at" the old entrance circles. */
    n.zones = 1u << ZONE_CANAL_APPROACH | 1u << ZONE_TERRITORIAL_SEA;
    n.sog_kn = 8;
    n.cog_deg = 330;
    run_track(d, &n, 300, 60);
    n.zones = 1u << ZONE_NAVIGABLE_WATER;
    n.lat_deg = 9.05;
    n.lon_deg = -79.65;
    run_track(d, &n, 4 * 3600, 60);
    CHECK(count_alerts(&c, "canal_overstay", -1) == 0);
    detector_destroy(&d);
    collected_free(&c);
}

/* A ship switches its AIS off in the TSS lane and sails on; 40 min later the radar picks it up
 * where it was heading: that is the silent ship (ais_gap's), not an unknown dark target.  A
 * dark target elsewhere, or at another speed, still is one. */
static void test_dark_target_silent_ship(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, NULL);
    wire_track a = make_track(1, 352001801, 8.45, -79.358, 12, 0, T0_NS);
    run_track(d, &a, 600, 10);
    a.state = TRACK_REMOVED;
    a.update = TRACK_UPD_STATE;
    detector_process(d, &a);
    double dr_m = 12 * 1852.0 / 3600 * 2400;
    wire_track r = make_track(2, 0, 8.45 + dr_m / 111195.0 + 0.005, -79.365, 12, 350,
                              a.time_ns + 2400LL * NS_PER_S);
    r.radar_site = 101;
    run_track(d, &r, 900, 15);
    CHECK(count_alerts(&c, "dark_target", -1) == 0);
    wire_track f = make_track(3, 0, 8.60, -79.60, 12, 0, a.time_ns + 2400LL * NS_PER_S);
    run_track(d, &f, 900, 15);
    wire_track g =
        make_track(4, 0, 8.45 + dr_m / 111195.0, -79.35, 35, 0, a.time_ns + 2400LL * NS_PER_S);
    run_track(d, &g, 900, 15);
    CHECK(count_alerts(&c, "dark_target", ALERT_OPEN) == 2);
    detector_destroy(&d);
    collected_free(&c);
}

/* One MMSI split by the fusion into two tracks: what the two positions do next decides. */
static void test_jump_or_conflict(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, NULL);
    /* Spoofed blip: two reports 45 km away, then the real position carries on. */
    wire_track a = make_track(1, 352001701, 8.42, -79.358, 13, 0, T0_NS);
    run_track(d, &a, 600, 10);
    wire_track b = make_track(2, 352001701, 8.087, -79.108, 13, 0, a.time_ns);
    b.flags |= TRACK_FLAG_SPLIT;
    run_track(d, &b, 20, 10);
    a.flags |= TRACK_FLAG_SPLIT;
    a.time_ns = b.time_ns;
    run_track(d, &a, 900, 10);
    CHECK(count_alerts(&c, "position_jump", ALERT_OPEN) == 1);
    const wire_alert *x = last_alert(&c, "position_jump", ALERT_OPEN);
    CHECK(x && strstr(x->evidence, "beyond_physics") && strstr(x->evidence, "\"split\":true"));
    /* Teleport: the old position falls silent, the new one reports on. */
    wire_track e = make_track(3, 352001702, 8.0, -79.6, 10, 0, T0_NS);
    run_track(d, &e, 600, 10);
    wire_track f = make_track(4, 352001702, 8.3, -79.2, 10, 0, e.time_ns);
    f.flags |= TRACK_FLAG_SPLIT;
    run_track(d, &f, 900, 10);
    CHECK(count_alerts(&c, "position_jump", ALERT_OPEN) == 2);
    CHECK(count_alerts(&c, "mmsi_conflict", -1) == 0);
    /* A manoeuvre the fusion split on: the new track 200 m off, the old one silent. */
    wire_track g = make_track(5, 352001703, 8.6, -79.0, 3, 0, T0_NS);
    run_track(d, &g, 600, 10);
    wire_track h = make_track(6, 352001703, 8.6018, -79.0, 6, 90, g.time_ns);
    h.flags |= TRACK_FLAG_SPLIT;
    run_track(d, &h, 900, 10);
    CHECK(count_alerts(&c, "position_jump", -1) == 2);
    CHECK(count_alerts(&c, "mmsi_conflict", -1) == 0);
    /* Two transmitters reporting in turn for 15 min: a conflict, not a jump. */
    wire_track p = make_track(7, 352001704, 8.8, -79.4, 10, 0, T0_NS);
    run_track(d, &p, 600, 10);
    wire_track q = make_track(8, 352001704, 9.4, -79.9, 10, 180, p.time_ns);
    p.flags |= TRACK_FLAG_SPLIT;
    q.flags |= TRACK_FLAG_SPLIT;
    for (int i = 0; i < 90; i++) {
        advance_track(&q, 10);
        detector_process(d, &q);
        advance_track(&p, 10);
        detector_process(d, &p);
    }
    CHECK(count_alerts(&c, "mmsi_conflict", ALERT_OPEN) == 1);
    CHECK(count_alerts(&c, "position_jump", -1) == 2);
    detector_destroy(&d);
    collected_free(&c);
}

/* A split still open when the stream ends (a spoof at the end of a recording, the main job's
 * 636018888) is decided on what was seen: the old position never came back, a jump.  One whose
 * MMSI falls silent altogether is decided when its window has passed. */
static void test_jump_at_end_of_stream(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, NULL);
    wire_track a = make_track(1, 636018888, 8.5, -79.45, 11, 0, T0_NS);
    run_track(d, &a, 9, 2);
    wire_track b = make_track(2, 636018888, 8.96, -79.54, 11, 0, a.time_ns);
    b.flags |= TRACK_FLAG_SPLIT;
    run_track(d, &b, 14, 2);
    CHECK(count_alerts(&c, "position_jump", -1) == 0); /* undecided: 360 s not over */
    detector_finish(d);
    CHECK(count_alerts(&c, "position_jump", ALERT_OPEN) == 1);
    const wire_alert *x = last_alert(&c, "position_jump", ALERT_OPEN);
    CHECK(x && x->mmsi[0] == 636018888 && strstr(x->evidence, "\"split\":true"));
    detector_destroy(&d);
    collected_free(&c);

    collected c2 = {0};
    d = make_detector(NULL, &c2, NULL);
    wire_track e = make_track(3, 352001705, 8.0, -79.6, 10, 0, T0_NS);
    run_track(d, &e, 600, 10);
    wire_track f = make_track(4, 352001705, 8.3, -79.2, 10, 0, e.time_ns);
    f.flags |= TRACK_FLAG_SPLIT;
    run_track(d, &f, 20, 10);
    /* Silence for the MMSI; another vessel keeps the clock running past the window. */
    wire_track o = make_track(5, 352001706, 8.8, -79.4, 10, 0, f.time_ns);
    run_track(d, &o, 900, 10);
    CHECK(count_alerts(&c2, "position_jump", ALERT_OPEN) == 1);
    detector_destroy(&d);
    collected_free(&c2);

    /* A single report 700 km away and then the end (sparse satellite data, an MMSI several
     * sets share): nothing to decide on. */
    collected c3 = {0};
    d = make_detector(NULL, &c3, NULL);
    wire_track s = make_track(6, 273000000, 0.80, 101.96, 6, 40, T0_NS);
    run_track(d, &s, 20, 10);
    wire_track u = make_track(7, 273000000, -5.89, 105.85, 7, 270, s.time_ns + 3600LL * NS_PER_S);
    u.flags |= TRACK_FLAG_SPLIT;
    detector_process(d, &u);
    detector_finish(d);
    CHECK(count_alerts(&c3, "position_jump", -1) == 0);
    detector_destroy(&d);
    collected_free(&c3);
}

/* A law-enforcement patrol and a pilot boat running back against the lane: on duty, no
 * wrong-way alert; a cargo ship doing the same is one. */
static void test_tss_service_craft(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, &stub_geo);
    uint8_t types[] = {55, 50, 51};
    for (int i = 0; i < 3; i++) {
        wire_track e = make_track(1 + i, 352001500 + i, 7.9, -79.36, 9, 180, T0_NS);
        e.zones |= 1u << ZONE_TSS_LANE;
        e.ship_type = types[i];
        run_track(d, &e, 900, 10);
    }
    CHECK(count_alerts(&c, "tss_violation", -1) == 0);
    wire_track w = make_track(9, 352001509, 7.9, -79.36, 9, 180, T0_NS);
    w.zones |= 1u << ZONE_TSS_LANE;
    w.ship_type = 70;
    run_track(d, &w, 900, 10);
    CHECK(count_alerts(&c, "tss_violation", ALERT_OPEN) == 1);
    detector_destroy(&d);
    collected_free(&c);
}

/* Fishing boats drift slowly far offshore for hours while fishing: not loitering.  A cargo ship
 * doing the same is. */
static void test_loitering_fishing(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, &stub_geo);
    wire_track f = make_track(1, 352001601, 7.9, -79.7, 0.8f, 45, T0_NS);
    f.dist_shore_m = 25 * 1852;
    f.ship_type = 30;
    run_track(d, &f, 6 * 3600, 120);
    CHECK(count_alerts(&c, "loitering", -1) == 0);
    wire_track g = make_track(2, 352001602, 7.8, -79.7, 0.8f, 45, T0_NS);
    g.dist_shore_m = 25 * 1852;
    g.ship_type = 70;
    run_track(d, &g, 6 * 3600, 120);
    CHECK(count_alerts(&c, "loitering", ALERT_OPEN) == 1);
    detector_destroy(&d);
    collected_free(&c);
}

/* Harbour craft at work near the coast: pilot boats out to the boarding ground at 22 kn, a
 * tug, a tender, a towing vessel, a medical launch.  Not go-fasts; an undeclared type is. */
static void test_fast_near_coast_harbour_craft(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, NULL);
    uint8_t types[] = {50, 52, 53, 31, 32, 58};
    for (int i = 0; i < 6; i++) {
        wire_track e = make_track(1 + i, 352001400 + i, 8.88, -79.52 + i * 0.01, 27, 160, T0_NS);
        e.ship_type = types[i];
        e.dist_shore_m = 4000;
        run_track(d, &e, 900, 5);
    }
    CHECK(count_alerts(&c, "fast_near_coast", -1) == 0);
    wire_track u = make_track(20, 352001420, 8.88, -79.40, 27, 160, T0_NS);
    u.ship_type = 0;
    u.dist_shore_m = 4000;
    run_track(d, &u, 900, 5);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_OPEN) == 1);
    detector_destroy(&d);
    collected_free(&c);
}

/* Limon Bay: the Atlantic approach channel runs north from the Colon breakwaters past the
 * anchorages.  A ship that waited there and sails out to sea along the channel has left without
 * transit; one that goes up the channel towards the entrance is transiting. */
static void test_canal_overstay_atlantic(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, &stub_geo);
    const uint32_t canal_anch =
        1u << ZONE_ANCHORAGE | 1u << ZONE_CANAL_APPROACH | 1u << ZONE_TERRITORIAL_SEA;
    wire_track l = make_track(1, 352001301, 9.40, -79.92, 0.05f, 0, T0_NS);
    l.zones = canal_anch;
    run_track(d, &l, 12 * 3600, 180);
    l.zones = 1u << ZONE_CANAL_APPROACH | 1u << ZONE_TERRITORIAL_SEA;
    l.sog_kn = 12;
    l.cog_deg = 0;
    run_track(d, &l, 1200, 60); /* out along the approach channel, away from the entrance */
    l.zones = 1u << ZONE_TERRITORIAL_SEA;
    run_track(d, &l, 3600, 60);
    CHECK(count_alerts(&c, "canal_overstay", ALERT_OPEN) == 1);
    const wire_alert *a = last_alert(&c, "canal_overstay", ALERT_OPEN);
    CHECK(a && a->track_id == 1 && strstr(a->evidence, "left_without_transit"));
    /* Waited in the outer anchorage, then south up the channel to the breakwater gap: transit. */
    wire_track n = make_track(2, 352001302, 9.43, -79.915, 0.05f, 0, T0_NS);
    n.zones = canal_anch;
    run_track(d, &n, 12 * 3600, 180);
    n.zones = 1u << ZONE_CANAL_APPROACH | 1u << ZONE_TERRITORIAL_SEA;
    n.sog_kn = 6;
    n.cog_deg = 180;
    run_track(d, &n, 900, 60);
    n.zones = 1u << ZONE_PORT;
    run_track(d, &n, 8 * 3600, 60); /* beyond the entrance circle: it stays in port */
    CHECK(count_alerts(&c, "canal_overstay", ALERT_OPEN) == 1);
    detector_destroy(&d);
    collected_free(&c);
}

struct group {
    const char *name;
    void (*fn)(void);
};
/* A detector restarted without its history takes back the alerts its predecessor left open:
 * same id while the rule raises it again, a quiet one closes saying so, none is raised twice. */
static void test_adopt(void)
{
    collected c = {0};
    detector *d = make_detector(NULL, &c, NULL);
    wire_track t = make_track(1, 235000001, 9.40, -79.00, 32, 90, T0_NS);
    t.dist_shore_m = 3000;
    t.ship_type = 0;
    run_track(d, &t, 900, 10);
    wire_track q = make_track(2, 235000002, 9.50, -79.10, 35, 90, T0_NS);
    q.dist_shore_m = 3000;
    q.ship_type = 0;
    run_track(d, &q, 900, 10);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_OPEN) == 2);
    wire_alert fast = *last_alert(&c, "fast_near_coast", -1), quiet = fast;
    for (size_t i = 0; i < c.n; i++)
        if (c.v[i].n_mmsi && c.v[i].mmsi[0] == 235000002)
            quiet = c.v[i];
    for (size_t i = 0; i < c.n; i++)
        if (c.v[i].n_mmsi && c.v[i].mmsi[0] == 235000001)
            fast = c.v[i];
    CHECK(fast.mmsi[0] == 235000001 && quiet.mmsi[0] == 235000002);
    detector_destroy(&d); /* killed: neither alert closed */
    collected_free(&c);

    d = make_detector(NULL, &c, NULL);
    CHECK(detector_adopt(d, &fast) == 0);
    CHECK(detector_adopt(d, &fast) == -1); /* once */
    CHECK(detector_adopt(d, &quiet) == 0);
    wire_alert closed = fast;
    closed.state = ALERT_CLOSE;
    closed.alert_id++;
    CHECK(detector_adopt(d, &closed) == -1);
    wire_alert unknown = fast;
    snprintf(unknown.rule, sizeof unknown.rule, "no_such_rule");
    unknown.alert_id += 100;
    CHECK(detector_adopt(d, &unknown) == -1);
    detect_stats st;
    detector_stats(d, &st);
    CHECK(st.open_now == 2);
    /* The fast boat goes on: its alert continues under its id; the other is never heard again. */
    run_track(d, &t, 600, 10);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_OPEN) == 0);
    const wire_alert *u = last_alert(&c, "fast_near_coast", ALERT_UPDATE);
    CHECK(u && u->alert_id == fast.alert_id && u->start_ns == fast.start_ns);
    CHECK(u && !strstr(u->evidence, "before_restart"));
    /* close_after_s (1800 s) after the quiet one's last raise, it closes saying why. */
    run_track(d, &t, 1800, 10);
    const wire_alert *qc = last_alert(&c, "fast_near_coast", ALERT_CLOSE);
    CHECK(qc && qc->alert_id == quiet.alert_id && strstr(qc->evidence, "not raised again") &&
          strstr(qc->evidence, "before_restart"));
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_CLOSE) == 1);
    /* The fast boat slows: its alert closes once, with its own id. */
    t.sog_kn = 12;
    run_track(d, &t, 60, 10);
    CHECK(count_alerts(&c, "fast_near_coast", ALERT_CLOSE) == 2);
    const wire_alert *fc = last_alert(&c, "fast_near_coast", ALERT_CLOSE);
    CHECK(fc && fc->alert_id == fast.alert_id);
    detector_stats(d, &st);
    CHECK(st.alerts_resumed == 1 && st.alerts_opened == 0 && st.open_now == 0);
    detector_destroy(&d);
    collected_free(&c);

    /* Adopted and never raised again before the end of the stream: closed there. */
    d = make_detector(NULL, &c, NULL);
    CHECK(detector_adopt(d, &quiet) == 0);
    detector_finish(d);
    CHECK(count_alerts(&c, NULL, ALERT_CLOSE) == 1);
    fc = last_alert(&c, NULL, ALERT_CLOSE);
    CHECK(fc && fc->alert_id == quiet.alert_id && strstr(fc->evidence, "end_of_stream"));
    detector_destroy(&d);
    collected_free(&c);
}

static const struct group groups[] = {
    {"params", test_params},
    {"registry", test_registry},
    {"lifecycle", test_lifecycle},
    {"adopt", test_adopt},
    {"determinism", test_determinism},
    {"json", test_json},
    {"invalid_mmsi", test_invalid_mmsi},
    {"position_on_land_berth", test_position_on_land_berth},
    {"position_on_land_global", test_position_on_land_global},
    {"unknown_geography", test_unknown_geography},
    {"ais_gap_feed_outage", test_ais_gap_feed_outage},
    {"canal_overstay_transit", test_canal_overstay_transit},
    {"canal_overstay_atlantic", test_canal_overstay_atlantic},
    {"fast_near_coast_harbour_craft", test_fast_near_coast_harbour_craft},
    {"tss_service_craft", test_tss_service_craft},
    {"jump_or_conflict", test_jump_or_conflict},
    {"jump_at_end_of_stream", test_jump_at_end_of_stream},
    {"dark_target_silent_ship", test_dark_target_silent_ship},
    {"loitering_fishing", test_loitering_fishing},
    {"position_jump", test_position_jump},
    {"mmsi_conflict", test_mmsi_conflict},
    {"identity_change", test_identity_change},
    {"position_on_land", test_position_on_land},
    {"fast_near_coast", test_fast_near_coast},
    {"dark_target", test_dark_target},
    {"ais_gap", test_ais_gap},
    {"encounter", test_encounter},
    {"loitering", test_loitering},
    {"tss_violation", test_tss_violation},
    {"canal_overstay", test_canal_overstay},
};

int main(int argc, char **argv)
{
    log_set_level(LOG_LEVEL_WARN);
    int ran = 0;
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        bool want = argc < 2;
        for (int a = 1; a < argc; a++)
            want |= strcmp(argv[a], groups[i].name) == 0 || strcmp(argv[a], "all") == 0;
        if (!want)
            continue;
        int before = harness_failures;
        groups[i].fn();
        printf("%-18s %s\n", groups[i].name, harness_failures == before ? "ok" : "FAILED");
        ran++;
    }
    if (!ran) {
        fprintf(stderr, "no such test group\n");
        return 2;
    }
    return harness_failures ? 1 : 0;
}
