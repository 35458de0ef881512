/* web_view picture: track table, trails, tombstones and deltas, alerts and acknowledgement,
 * station statistics, MMSI/MID, playback command expansion.  No sockets. */
#include "picture.h"
#include "playback.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

#define T0 1723723200000000000LL /* 2024-08-15T12:00:00Z */
#define S 1000000000LL

static wire_header hdr(enum wire_type type, uint32_t source, int64_t t_ns)
{
    wire_header h = {WIRE_VERSION, (uint8_t)type, 0, source, 0, 1, t_ns};
    return h;
}

static wire_track track(uint32_t id, uint32_t mmsi, double lat, double lon, int64_t t_ns)
{
    wire_track t;
    memset(&t, 0, sizeof t);
    t.track_id = id;
    t.mmsi = mmsi;
    t.state = TRACK_CONFIRMED;
    t.sensors = TRACK_SENSOR_AIS;
    t.ais_class = 'A';
    t.time_ns = t.last_report_ns = t_ns;
    t.lat_deg = lat;
    t.lon_deg = lon;
    t.sog_kn = 10;
    t.cog_deg = 90;
    t.heading_deg = NAN;
    t.dist_shore_m = NAN;
    return t;
}

static json_t *find_ship(json_t *ships, const char *id)
{
    size_t i;
    json_t *s;
    json_array_foreach(ships, i, s) if (strcmp(json_string_value(json_object_get(s, "id")), id) == 0) return s;
    return NULL;
}

static void test_config_refused(void)
{
    wv_picture_config c;
    wv_picture_config_default(&c);
    c.trail_points = -1;
    CHECK(wv_picture_create(&c) == NULL);
    wv_picture_config_default(&c);
    c.max_tracks = 0;
    CHECK(wv_picture_create(&c) == NULL);
    wv_picture_config_default(&c);
    c.tombstone_s = NAN;
    CHECK(wv_picture_create(&c) == NULL);
    wv_picture_config_default(&c);
    wv_picture *p = wv_picture_create(&c);
    CHECK(p != NULL);
    wv_picture_destroy(&p);
    CHECK(p == NULL);
    wv_picture_destroy(&p); /* accepts NULL */
}

static void test_tracks_and_delta(void)
{
    wv_picture_config c;
    wv_picture_config_default(&c);
    c.trail_step_s = 10;
    c.tombstone_s = 30;
    wv_picture *p = wv_picture_create(&c);
    wire_header h = hdr(WIRE_TRACK, 5, T0);
    wire_track t = track(1, 351234000, 8.9, -79.5, T0);
    snprintf(t.name, sizeof t.name, "PANAMAX");
    snprintf(t.callsign, sizeof t.callsign, "3FAB1");
    t.zones = (1u << 0) | (1u << 3);
    CHECK(wv_picture_track(p, &h, &t) == 0);
    wire_track d = track(2, 0, 8.0, -78.0, T0);
    d.sensors = TRACK_SENSOR_RADAR;
    d.flags = TRACK_FLAG_DARK;
    CHECK(wv_picture_track(p, &h, &d) == 0);
    CHECK(wv_picture_track_count(p) == 2);
    CHECK(wv_picture_dark_count(p) == 1);
    /* Same track id from another publisher is another track. */
    wire_header h2 = hdr(WIRE_TRACK, 6, T0);
    CHECK(wv_picture_track(p, &h2, &t) == 0);
    CHECK(wv_picture_track_count(p) == 3);
    /* Out-of-range positions are refused and counted. */
    wire_track bad = track(3, 1, 91, 0, T0);
    CHECK(wv_picture_track(p, &h, &bad) == -1);
    CHECK(wv_picture_refused(p) == 1);

    json_t *ships = wv_picture_ships_json(p);
    CHECK(json_integer_value(json_object_get(ships, "count")) == 3);
    json_t *s = find_ship(json_object_get(ships, "ships"), "5.1");
    CHECK(s != NULL);
    CHECK(strcmp(json_string_value(json_object_get(s, "country")), "PA") == 0);
    CHECK(json_integer_value(json_object_get(s, "mid")) == 351);
    CHECK(strcmp(json_string_value(json_object_get(s, "shipname")), "PANAMAX") == 0);
    CHECK(json_is_null(json_object_get(s, "heading")));
    json_t *zones = json_object_get(s, "zones");
    CHECK(json_array_size(zones) == 2);
    CHECK(strcmp(json_string_value(json_array_get(zones, 1)), "canal_approach") == 0);
    json_t *dk = find_ship(json_object_get(ships, "ships"), "5.2");
    CHECK(dk && json_is_true(json_object_get(dk, "dark")) && json_is_null(json_object_get(dk, "mmsi")));
    json_decref(ships);

    json_t *gj = wv_picture_geojson(p);
    CHECK(json_array_size(json_object_get(gj, "features")) == 3);
    json_decref(gj);

    /* A position-only update keeps the static data; the trail grows at most every 10 s, its
     * newest point following the vessel. */
    uint64_t v1 = wv_picture_version(p);
    for (int k = 1; k <= 25; k++) {
        wire_header hk = hdr(WIRE_TRACK, 5, T0 + k * S);
        wire_track u = track(1, 351234000, 8.9 + k * 0.001, -79.5, T0 + k * S);
        CHECK(wv_picture_track(p, &hk, &u) == 0);
    }
    json_t *tj = wv_picture_track_json(p, 5, 1);
    CHECK(tj != NULL);
    CHECK(strcmp(json_string_value(json_object_get(json_object_get(tj, "ship"), "shipname")), "PANAMAX") == 0);
    json_t *trail = json_object_get(tj, "trail");
    /* points at 0, 10, 20 s and the moving newest one at 25 s */
    CHECK(json_array_size(trail) == 4);
    json_t *lastpt = json_array_get(trail, json_array_size(trail) - 1);
    CHECK(fabs(json_real_value(json_array_get(lastpt, 1)) - 8.925) < 1e-9);
    json_decref(tj);
    CHECK(wv_picture_track_json(p, 5, 99) == NULL);
    json_t *any = wv_picture_track_json(p, 0, 2); /* source 0: any publisher */
    CHECK(any != NULL);
    json_decref(any);

    /* Delta since v1: only track 5.1 changed. */
    json_t *delta = wv_picture_delta_json(p, v1, false);
    CHECK(json_is_false(json_object_get(delta, "reset")));
    CHECK(json_array_size(json_object_get(delta, "tracks")) == 1);
    json_t *part = json_array_get(json_object_get(delta, "tracks"), 0);
    CHECK(json_is_true(json_object_get(part, "partial")) && !json_object_get(part, "shipname"));
    json_decref(delta);
    delta = wv_picture_delta_json(p, 0, true);
    CHECK(json_is_true(json_object_get(delta, "reset")));
    CHECK(json_array_size(json_object_get(delta, "tracks")) == 3);
    CHECK(json_object_get(json_array_get(json_object_get(delta, "tracks"), 0), "trail") != NULL);
    json_decref(delta);

    /* Removal: a tombstone reaches feeds, then is purged; an old version then gets a reset. */
    uint64_t v2 = wv_picture_version(p);
    wire_header hr = hdr(WIRE_TRACK, 5, T0 + 26 * S);
    wire_track r = track(2, 0, 8.0, -78.0, T0 + 26 * S);
    r.state = TRACK_REMOVED;
    CHECK(wv_picture_track(p, &hr, &r) == 0);
    CHECK(wv_picture_track_count(p) == 2);
    CHECK(wv_picture_dark_count(p) == 0);
    delta = wv_picture_delta_json(p, v2, false);
    CHECK(json_array_size(json_object_get(delta, "removed")) == 1);
    CHECK(strcmp(json_string_value(json_array_get(json_object_get(delta, "removed"), 0)), "5.2") == 0);
    json_decref(delta);
    /* Removed before ever being seen: nothing to do. */
    wire_track r2 = track(77, 0, 8.0, -78.0, T0 + 26 * S);
    r2.state = TRACK_REMOVED;
    CHECK(wv_picture_track(p, &hr, &r2) == 0);
    CHECK(wv_picture_track_count(p) == 2);
    /* 40 s later the tombstone is gone. */
    wire_header hl = hdr(WIRE_TRACK, 5, T0 + 70 * S);
    wire_track u = track(1, 351234000, 8.95, -79.5, T0 + 70 * S);
    CHECK(wv_picture_track(p, &hl, &u) == 0);
    delta = wv_picture_delta_json(p, v2, false);
    CHECK(json_is_true(json_object_get(delta, "reset")));
    json_decref(delta);

    /* Stale tracks are dropped by event time. */
    wv_picture_reset(p);
    CHECK(wv_picture_track_count(p) == 0);
    wv_picture_destroy(&p);

    c.stale_s = 60;
    p = wv_picture_create(&c);
    h = hdr(WIRE_TRACK, 5, T0);
    t = track(1, 351234000, 8.9, -79.5, T0);
    wv_picture_track(p, &h, &t);
    t = track(2, 351234001, 8.9, -79.5, T0 + 120 * S);
    h = hdr(WIRE_TRACK, 5, T0 + 120 * S);
    wv_picture_track(p, &h, &t);
    CHECK(wv_picture_track_count(p) == 1);
    wv_picture_destroy(&p);
}

static void test_capacity(void)
{
    wv_picture_config c;
    wv_picture_config_default(&c);
    c.max_tracks = 3000;
    wv_picture *p = wv_picture_create(&c);
    for (uint32_t i = 0; i < 3100; i++) {
        wire_header h = hdr(WIRE_TRACK, 1, T0);
        wire_track t = track(i + 1, 200000000 + i, 5 + (i % 100) * 0.01, -80, T0);
        int rc = wv_picture_track(p, &h, &t);
        CHECK(i < 3000 ? rc == 0 : rc == -1);
    }
    CHECK(wv_picture_track_count(p) == 3000);
    /* Every one still findable after map growth. */
    int found = 0;
    for (uint32_t i = 0; i < 3000; i++) {
        json_t *j = wv_picture_track_json(p, 1, i + 1);
        found += j != NULL;
        json_decref(j);
    }
    CHECK(found == 3000);
    /* Remove every other one, then check the rest (map deletion keeps lookups right). */
    for (uint32_t i = 0; i < 3000; i += 2) {
        wire_header h = hdr(WIRE_TRACK, 1, T0 + 100 * S);
        wire_track t = track(i + 1, 200000000 + i, 5, -80, T0 + 100 * S);
        t.state = TRACK_REMOVED;
        wv_picture_track(p, &h, &t);
    }
    wire_header h = hdr(WIRE_TRACK, 1, T0 + 300 * S);
    wire_track t = track(2, 200000001, 5, -80, T0 + 300 * S);
    wv_picture_track(p, &h, &t); /* triggers the purge sweep */
    CHECK(wv_picture_track_count(p) == 1500);
    found = 0;
    for (uint32_t i = 1; i < 3000; i += 2) {
        json_t *j = wv_picture_track_json(p, 1, i + 1);
        found += j != NULL;
        json_decref(j);
    }
    CHECK(found == 1500);
    wv_picture_destroy(&p);
}

static wire_alert alert(uint64_t id, const char *rule, uint8_t state, float score)
{
    wire_alert a;
    memset(&a, 0, sizeof a);
    a.alert_id = id;
    snprintf(a.rule, sizeof a.rule, "%s", rule);
    a.state = state;
    a.n_mmsi = 1;
    a.mmsi[0] = 351234000;
    a.start_ns = T0;
    a.lat_deg = 8;
    a.lon_deg = -79;
    a.score = score;
    snprintf(a.evidence, sizeof a.evidence, "{\"gap_s\":2400}");
    return a;
}

static void test_alerts(void)
{
    wv_picture_config c;
    wv_picture_config_default(&c);
    c.max_alerts = 3;
    wv_picture *p = wv_picture_create(&c);
    wire_header h = hdr(WIRE_ALERT, 9, T0);
    wire_alert a1 = alert(1, "ais_gap", ALERT_OPEN, 35), a2 = alert(2, "dark_target", ALERT_OPEN, 82),
               a3 = alert(3, "encounter", ALERT_OPEN, 61);
    CHECK(wv_picture_alert(p, &h, &a1) == 0);
    CHECK(wv_picture_alert(p, &h, &a2) == 0);
    CHECK(wv_picture_alert(p, &h, &a3) == 0);
    json_t *o = wv_picture_alerts_json(p, NULL, false);
    json_t *list = json_object_get(o, "alerts");
    CHECK(json_array_size(list) == 3);
    CHECK(json_real_value(json_object_get(json_array_get(list, 0), "score")) == 82);
    CHECK(json_real_value(json_object_get(json_array_get(list, 2), "score")) == 35);
    CHECK(json_integer_value(json_object_get(json_object_get(json_array_get(list, 2), "evidence"), "gap_s")) == 2400);
    json_decref(o);
    o = wv_picture_alerts_json(p, "encounter", false);
    CHECK(json_integer_value(json_object_get(o, "count")) == 1);
    json_decref(o);
    /* Full of open alerts: a fourth is refused. */
    wire_alert a4 = alert(4, "loitering", ALERT_OPEN, 10);
    CHECK(wv_picture_alert(p, &h, &a4) == -1);
    /* Close one: it leaves the open list, stays with closed=1, and makes room. */
    a1.state = ALERT_CLOSE;
    wire_header h1 = hdr(WIRE_ALERT, 9, T0 + 5 * S);
    CHECK(wv_picture_alert(p, &h1, &a1) == 0);
    CHECK(wv_picture_open_alert_count(p) == 2);
    o = wv_picture_alerts_json(p, NULL, true);
    CHECK(json_integer_value(json_object_get(o, "count")) == 3);
    json_decref(o);
    CHECK(wv_picture_alert(p, &h1, &a4) == 0);
    CHECK(wv_picture_alert_count(p) == 3);
    /* Acknowledge. */
    CHECK(wv_picture_ack(p, 9, 2, true, "watch officer", 42) == 0);
    CHECK(wv_picture_ack(p, 9, 99, true, "x", 42) == -1);
    CHECK(wv_picture_ack(p, 0, 3, true, "", 42) == 0);
    o = wv_picture_alerts_json(p, "dark_target", false);
    json_t *a = json_array_get(json_object_get(o, "alerts"), 0);
    CHECK(json_is_true(json_object_get(a, "acked")));
    CHECK(strcmp(json_string_value(json_object_get(a, "ack_by")), "watch officer") == 0);
    CHECK(strcmp(json_string_value(json_object_get(a, "id")), "9.2") == 0);
    json_decref(o);
    wv_picture_destroy(&p);
}

static void test_stats(void)
{
    wv_picture_config c;
    wv_picture_config_default(&c);
    wv_picture *p = wv_picture_create(&c);
    static wire_ais m;
    memset(&m, 0, sizeof m);
    for (int k = 0; k < 60; k++) {
        m.station_id = 1 + k % 2;
        m.channel = k % 3 ? 'A' : 'B';
        m.rx_time_ns = T0 + k * S;
        m.signal_dbfs = -40;
        m.snr_db = NAN;
        m.ppm = 1.0f;
        m.nbits = 168;
        m.bits[0] = (uint8_t)((k % 2 ? 18 : 1) << 2);
        wire_header h = hdr(WIRE_AIS, 3, m.rx_time_ns);
        CHECK(wv_picture_ais(p, &h, &m) == 0);
    }
    wire_header hs = hdr(WIRE_STATS, 3, T0);
    CHECK(wv_picture_stats(p, &hs, "{\"node\":\"ais_demod\",\"rx\":{\"messages\":5}}") == 0);
    CHECK(wv_picture_stats(p, &hs, "[1,2]") == -1);
    CHECK(wv_picture_stats(p, &hs, "not json") == -1);
    json_t *o = wv_picture_stats_json(p);
    json_t *st = json_object_get(o, "stations");
    CHECK(json_array_size(st) == 2);
    json_t *s1 = json_array_get(st, 0);
    CHECK(json_integer_value(json_object_get(s1, "messages")) == 30);
    CHECK(json_integer_value(json_object_get(json_object_get(s1, "msg_types"), "1")) == 30);
    CHECK(json_real_value(json_object_get(s1, "signal_dbfs_mean")) == -40);
    CHECK(json_is_null(json_object_get(s1, "snr_db_mean")));
    CHECK(json_integer_value(json_object_get(s1, "channel_a")) + json_integer_value(json_object_get(s1, "channel_b")) == 30);
    json_t *nodes = json_object_get(o, "nodes");
    CHECK(json_array_size(nodes) == 1);
    CHECK(strcmp(json_string_value(json_object_get(json_object_get(json_array_get(nodes, 0), "stats"), "node")), "ais_demod") == 0);
    json_decref(o);
    wv_picture_destroy(&p);
}

static void test_mmsi(void)
{
    const char *k;
    CHECK(wv_mmsi_mid(351234000, &k) == 351 && strcmp(k, "ship") == 0);
    CHECK(strcmp(wv_mid_country(351), "PA") == 0);
    CHECK(strcmp(wv_mid_country(730), "CO") == 0);
    CHECK(strcmp(wv_mid_country(366), "US") == 0);
    CHECK(wv_mid_country(200) == NULL && wv_mid_country(776) == NULL && wv_mid_country(999) == NULL);
    CHECK(wv_mmsi_mid(3510001, &k) == 351 && strcmp(k, "coast") == 0);   /* 003510001 */
    CHECK(wv_mmsi_mid(35100010, &k) == 351 && strcmp(k, "group") == 0);  /* 035100010 */
    CHECK(wv_mmsi_mid(111351001, &k) == 351 && strcmp(k, "sar_aircraft") == 0);
    CHECK(wv_mmsi_mid(993511234, &k) == 351 && strcmp(k, "aton") == 0);
    CHECK(wv_mmsi_mid(983661234, &k) == 366 && strcmp(k, "craft") == 0);
    CHECK(wv_mmsi_mid(970123456, &k) == 0 && strcmp(k, "sart_mob_epirb") == 0);
    CHECK(wv_mmsi_mid(123456789, &k) == 0 && strcmp(k, "invalid") == 0);
    CHECK(wv_mmsi_mid(200123456, &k) == 0); /* MID 200 unallocated */
    CHECK(strcmp(wv_zone_kind_name(4), "anchorage") == 0 && wv_zone_kind_name(9) == NULL);
}

static void test_playback_argv(void)
{
    char **a = wv_playback_argv("replay --input {archive} --from {start} --speed {speed} --pub @{endpoint}",
                                "/data/a.h5", 0, 10, "ipc:///tmp/x");
    /* No start time: "--from {start}" is dropped as a pair. */
    CHECK(a && strcmp(a[0], "replay") == 0 && strcmp(a[2], "/data/a.h5") == 0);
    CHECK(strcmp(a[3], "--speed") == 0 && strcmp(a[4], "10") == 0);
    CHECK(strcmp(a[6], "@ipc:///tmp/x") == 0 && a[7] == NULL);
    wv_playback_free_argv(a);
    a = wv_playback_argv("replay --input={archive} --from {start}", "b.h5", T0, 0, "e");
    CHECK(a && strcmp(a[1], "--input=b.h5") == 0 && strcmp(a[3], "2024-08-15T12:00:00.000Z") == 0);
    wv_playback_free_argv(a);
    CHECK(wv_playback_argv("   ", "x", 0, 1, "e") == NULL);
    wv_playback_config pc = {"replay --input x", "/tmp", "ipc:///tmp/x"};
    CHECK(wv_playback_create(&pc) == NULL); /* no {archive} */
    pc.cmd = "replay --input {archive} --pub @{endpoint}";
    wv_playback *pb = wv_playback_create(&pc);
    CHECK(pb != NULL);
    CHECK(wv_playback_start(pb, "../etc/passwd", 0, 1) == -1);
    CHECK(wv_playback_start(pb, "missing.h5", 0, 1) == -1);
    CHECK(wv_playback_pause(pb, true) == -1);
    wv_playback_destroy(&pb);
    CHECK(pb == NULL);
}

int main(void)
{
    test_config_refused();
    test_tracks_and_delta();
    test_capacity();
    test_alerts();
    test_stats();
    test_mmsi();
    test_playback_argv();
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("web_view picture: all checks passed\n");
    return 0;
}
