/* fusion: configuration refusal, filter and gating, deduplication across stations, static data,
 * one-MMSI splits, class-aware timers, radar association and dark targets, zones. */
#include "check.h"

#include "centinela/ais.h"
#include "centinela/fusion.h"
#include "centinela/geo.h"
#include "centinela/zones.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NS 1000000000LL
#define T0 (1700000000LL * NS)

typedef struct sink {
    wire_track last[64];
    int n_last;
    int emitted, dark_positions, removed_states;
    uint32_t dark_ids[16];
    int n_dark;
} sink;

static void on_track(void *ctx, const wire_track *t)
{
    sink *s = ctx;
    s->emitted++;
    if (t->flags & TRACK_FLAG_DARK && t->update == TRACK_UPD_POSITION)
        s->dark_positions++;
    if (t->state == TRACK_REMOVED)
        s->removed_states++;
    for (int i = 0; i < s->n_last; i++) {
        if (s->last[i].track_id == t->track_id) {
            s->last[i] = *t;
            return;
        }
    }
    if (s->n_last < 64)
        s->last[s->n_last++] = *t;
}

/* The default configuration with its track states collected into s. */
static fusion_config config_into(sink *s)
{
    fusion_config c = fusion_config_default();
    c.emit = on_track;
    c.emit_ctx = s;
    return c;
}

static const wire_track *find_mmsi(const sink *s, uint32_t mmsi, int nth)
{
    for (int i = 0; i < s->n_last; i++)
        if (s->last[i].mmsi == mmsi && nth-- == 0)
            return &s->last[i];
    return NULL;
}

static fusion *make(sink *s, const zones *z)
{
    fusion_config c = fusion_config_default();
    c.emit = on_track;
    c.emit_ctx = s;
    c.zones = z;
    return fusion_create(&c);
}

static fusion_report pos(uint32_t mmsi, int64_t t, double lat, double lon, double sog, double cog)
{
    fusion_report r;
    memset(&r, 0, sizeof r);
    r.kind = FUSION_POSITION;
    r.msg_type = 1;
    r.ais_class = 'A';
    r.nav_status = 0;
    r.mmsi = mmsi;
    r.station_id = 1;
    r.time_ns = t;
    r.lat_deg = lat;
    r.lon_deg = lon;
    r.sog_kn = (float)sog;
    r.cog_deg = (float)cog;
    r.heading_deg = NAN;
    r.accuracy_high = true;
    return r;
}

static void test_config(void)
{
    fusion_config c = fusion_config_default();
    c.lost_s = 5;
    CHECK(fusion_create(&c) == NULL);
    c = fusion_config_default();
    c.removed_s = c.lost_s - 1;
    CHECK(fusion_create(&c) == NULL);
    c = fusion_config_default();
    c.gate_chi2 = 1;
    CHECK(fusion_create(&c) == NULL);
    fusion_station_config st = {7, 95, 0, 0};
    c = fusion_config_default();
    c.stations = &st;
    c.n_stations = 1;
    CHECK(fusion_create(&c) == NULL);
    fusion *f = fusion_create(NULL);
    CHECK(f != NULL);
    fusion_destroy(&f);
    CHECK(f == NULL);
    fusion_destroy(&f);
}

static void test_intervals(void)
{
    CHECK(fusion_ais_interval_s('A', 0.5, 1) == 180);
    CHECK(fusion_ais_interval_s('A', 10, 0) == 10);
    CHECK(fusion_ais_interval_s('A', 20, 0) == 6);
    CHECK(fusion_ais_interval_s('A', 30, 0) == 2);
    CHECK(fusion_ais_interval_s('B', 1, 15) == 180);
    CHECK(fusion_ais_interval_s('B', 10, 15) == 30);
}

/* A ship on a straight line at 12 kn, reports every 10 s with 10 m noise: one confirmed track
 * that follows it within tens of metres. */
static void test_straight_line(void)
{
    sink s = {0};
    fusion *f = make(&s, NULL);
    srand(3);
    double lat = 8.5, lon = -79.5, cog = 30, v = 12 * GEO_MPS_PER_KN;
    double err2 = 0;
    int n = 0;
    for (int k = 0; k < 60; k++) {
        double tl, to;
        geo_destination(lat, lon, cog, v * 10 * k, &tl, &to);
        double nx = ((rand() / (double)RAND_MAX) - 0.5) * 20,
               ny = ((rand() / (double)RAND_MAX) - 0.5) * 20;
        double ml, mo;
        geo_from_local(tl, to, nx, ny, &ml, &mo);
        fusion_report r = pos(352000001, T0 + k * 10 * NS, ml, mo, 12, cog);
        CHECK(fusion_report_in(f, &r) == 1);
        const wire_track *w = find_mmsi(&s, 352000001, 0);
        if (w && k > 5) {
            double e = geo_distance_m(w->lat_deg, w->lon_deg, tl, to);
            err2 += e * e;
            n++;
        }
    }
    CHECK(fusion_get_stats(f)->live_tracks == 1);
    const wire_track *w = find_mmsi(&s, 352000001, 0);
    CHECK(w && w->state == TRACK_CONFIRMED && w->ais_class == 'A' && w->n_reports == 60);
    CHECK(w && !(w->flags & TRACK_FLAG_SPLIT));
    CHECK(n > 0 && sqrt(err2 / n) < 15);
    CHECK(w && isnan(w->dist_shore_m));
    fusion_destroy(&f);
}

static size_t encode_pos(uint32_t mmsi, double lat, double lon, double sog, double cog, int second,
                         uint8_t *bits)
{
    ais_msg m;
    memset(&m, 0, sizeof m);
    m.type = 1;
    m.mmsi = mmsi;
    m.u.position.status = 0;
    m.u.position.turn = AIS_TURN_NA;
    m.u.position.speed = (uint32_t)lround(sog * 10);
    m.u.position.course = (uint32_t)lround(cog * 10);
    m.u.position.heading = AIS_HEADING_NA;
    m.u.position.second = (uint32_t)second;
    m.u.position.accuracy = true;
    m.u.position.lat = (int32_t)lround(lat * 600000.0);
    m.u.position.lon = (int32_t)lround(lon * 600000.0);
    size_t nbits = 0;
    if (ais_encode(&m, bits, SIXBIT_MAX_BYTES, &nbits) != 0)
        return 0;
    return nbits;
}

/* The same transmission heard by two stations is one report; each station is credited. */
static void test_dedupe(void)
{
    sink s = {0};
    fusion_station_config st[2] = {{11, 8.95, -79.55, 0}, {12, 9.35, -79.9, 0}};
    fusion_config c = config_into(&s);
    c.stations = st;
    c.n_stations = 2;
    fusion *f = fusion_create(&c);
    uint8_t bits[SIXBIT_MAX_BYTES];
    for (int k = 0; k < 10; k++) {
        size_t nb = encode_pos(352000002, 9.1, -79.7 + k * 0.001, 10, 90, k % 60, bits);
        CHECK(nb == 168);
        CHECK(fusion_ais_bits(f, 11, T0 + k * 10 * NS, bits, nb) == 1);
        CHECK(fusion_ais_bits(f, 12, T0 + k * 10 * NS + 3000000, bits, nb) == 0);
    }
    const fusion_stats *fs = fusion_get_stats(f);
    CHECK(fs->reports == 10 && fs->duplicates == 10 && fs->live_tracks == 1);
    CHECK(fusion_station_count(f) == 2);
    const fusion_station_stats *a = fusion_station(f, 0), *b = fusion_station(f, 1);
    CHECK(a->messages == 10 && a->unique == 10 && a->vessels == 1);
    CHECK(b->messages == 10 && b->unique == 0 && b->vessels == 1);
    CHECK(a->max_range_m > 20000 && a->max_range_m < 40000);
    const wire_track *w = find_mmsi(&s, 352000002, 0);
    CHECK(w && w->n_stations == 2 && w->n_reports == 10);
    char *json = fusion_stations_json(f, 8);
    CHECK(json && strstr(json, "\"id\":11") && strstr(json, "coverage_m"));
    free(json);
    /* a malformed payload is counted, not fused */
    CHECK(fusion_ais_bits(f, 11, T0 + 200 * NS, bits, 20) == -1);
    CHECK(fusion_get_stats(f)->invalid == 1);
    fusion_destroy(&f);
}

static void test_static_and_split(void)
{
    sink s = {0};
    fusion *f = make(&s, NULL);
    fusion_report st;
    memset(&st, 0, sizeof st);
    st.kind = FUSION_STATIC;
    st.mmsi = 352000003;
    st.ais_class = 'A';
    st.time_ns = T0;
    st.has = FUSION_HAS_NAME | FUSION_HAS_IMO | FUSION_HAS_CALLSIGN | FUSION_HAS_TYPE;
    strcpy(st.name, "PACIFIC STAR");
    strcpy(st.callsign, "HP1234");
    st.imo = 9123456;
    st.ship_type = 70;
    CHECK(fusion_report_in(f, &st) == 1);
    /* two vessels sharing the MMSI, 60 km apart, reporting in turn */
    for (int k = 0; k < 20; k++) {
        fusion_report a = pos(352000003, T0 + (k * 10 + 1) * NS, 8.8 + k * 0.0003, -79.4, 10, 0);
        fusion_report b = pos(352000003, T0 + (k * 10 + 6) * NS, 8.3, -79.0 + k * 0.0003, 10, 90);
        fusion_report_in(f, &a);
        fusion_report_in(f, &b);
    }
    CHECK(fusion_get_stats(f)->live_tracks == 2);
    CHECK(fusion_get_stats(f)->splits == 1);
    const wire_track *t1 = find_mmsi(&s, 352000003, 0), *t2 = find_mmsi(&s, 352000003, 1);
    CHECK(t1 && t2 && t1->track_id != t2->track_id);
    CHECK(t1 && (t1->flags & TRACK_FLAG_SPLIT) && t2 && (t2->flags & TRACK_FLAG_SPLIT));
    CHECK(t1 && t1->n_reports >= 19 && t2 && t2->n_reports >= 19);
    CHECK(t1 && strcmp(t1->name, "PACIFIC STAR") == 0 && t1->imo == 9123456 && t1->ship_type == 70);
    CHECK(t2 && strcmp(t2->callsign, "HP1234") == 0);
    /* an identity change is a static update */
    int before = s.emitted;
    strcpy(st.name, "NEW NAME");
    st.time_ns = T0 + 300 * NS;
    fusion_report_in(f, &st);
    CHECK(s.emitted - before >= 2); /* both tracks of the MMSI (plus any snapshot) */
    CHECK(strcmp(find_mmsi(&s, 352000003, 0)->name, "NEW NAME") == 0);
    fusion_destroy(&f);
}

/* A ship that falls silent: lost near 8 min, removed near 10 min (event time); an anchored
 * class B (3 min reports) waits longer. */
static void test_timers(void)
{
    sink s = {0};
    fusion *f = make(&s, NULL);
    fusion_report a = pos(352000004, T0, 8.9, -79.5, 12, 0);
    fusion_report_in(f, &a);
    a.time_ns += 10 * NS;
    fusion_report_in(f, &a);
    fusion_report b = pos(352000005, T0, 8.7, -79.5, 0, 0);
    b.ais_class = 'B';
    b.nav_status = 15;
    fusion_report_in(f, &b);
    fusion_advance(f, T0 + 7 * 60 * NS);
    CHECK(find_mmsi(&s, 352000004, 0)->state == TRACK_CONFIRMED);
    fusion_advance(f, T0 + 9 * 60 * NS);
    CHECK(find_mmsi(&s, 352000004, 0)->state == TRACK_LOST);
    CHECK(find_mmsi(&s, 352000005, 0)->state != TRACK_LOST); /* 3.5 x 180 s = 10.5 min */
    fusion_advance(f, T0 + 11 * 60 * NS);
    CHECK(find_mmsi(&s, 352000004, 0)->state == TRACK_REMOVED);
    CHECK(find_mmsi(&s, 352000005, 0)->state == TRACK_LOST);
    CHECK(fusion_get_stats(f)->live_tracks == 1);
    fusion_advance(f, T0 + 16 * 60 * NS);
    CHECK(find_mmsi(&s, 352000005, 0)->state == TRACK_REMOVED);
    CHECK(fusion_get_stats(f)->live_tracks == 0);
    fusion_destroy(&f);
}

/* A ferry whose track is removed after a gap in coverage keeps its type and size on its next
 * track (no type 5 needed first); an MMSI silent longer than static_keep_s does not. */
static void test_static_across_tracks(void)
{
    sink s = {0};
    fusion_config c = config_into(&s);
    c.static_keep_s = 3600;
    fusion *f = fusion_create(&c);
    fusion_report st;
    memset(&st, 0, sizeof st);
    st.kind = FUSION_STATIC;
    st.ais_class = 'A';
    st.has = FUSION_HAS_NAME | FUSION_HAS_TYPE | FUSION_HAS_DIMENSIONS;
    strcpy(st.name, "LIBERTY");
    st.ship_type = 40;
    st.length_m = 45;
    st.beam_m = 11;
    for (int v = 0; v < 2; v++) {
        uint32_t mmsi = 228008600 + (uint32_t)v;
        fusion_report a = pos(mmsi, T0, 16.2, -61.5 + v * 0.2, 30, 150);
        fusion_report_in(f, &a);
        st.mmsi = mmsi;
        st.time_ns = T0 + NS;
        fusion_report_in(f, &st);
        a.time_ns = T0 + 3 * NS;
        a.lat_deg -= 0.0007;
        fusion_report_in(f, &a);
    }
    /* both fall silent; their tracks are removed after ~10 min */
    fusion_advance(f, T0 + 15 * 60 * NS);
    CHECK(fusion_get_stats(f)->live_tracks == 0);
    CHECK(find_mmsi(&s, 228008600, 0)->state == TRACK_REMOVED);
    /* the first is heard again after 30 min, the second after 2 h (beyond static_keep_s) */
    fusion_report a = pos(228008600, T0 + 30 * 60 * NS, 15.9, -61.3, 31, 150);
    fusion_report_in(f, &a);
    a.time_ns += 2 * NS;
    a.lat_deg -= 0.0005;
    fusion_report_in(f, &a);
    const wire_track *t = find_mmsi(&s, 228008600, 1);
    CHECK(t && t->track_id != find_mmsi(&s, 228008600, 0)->track_id);
    CHECK(t && t->ship_type == 40 && t->length_m == 45 && strcmp(t->name, "LIBERTY") == 0);
    fusion_advance(f, T0 + 2 * 3600 * NS);
    fusion_report b = pos(228008601, T0 + 2 * 3600 * NS + NS, 15.9, -61.1, 31, 150);
    fusion_report_in(f, &b);
    b.time_ns += 2 * NS;
    b.lat_deg -= 0.0005;
    fusion_report_in(f, &b);
    t = find_mmsi(&s, 228008601, 1);
    CHECK(t && t->ship_type == 0 && t->length_m == 0 && t->name[0] == 0);
    fusion_destroy(&f);
}

static wire_radar radar(uint32_t site, uint16_t target, int64_t t, double lat, double lon,
                        double kn, double cog)
{
    wire_radar r;
    memset(&r, 0, sizeof r);
    r.site_id = site;
    r.target = target;
    r.status = 'T';
    r.time_ns = t;
    r.lat_deg = lat;
    r.lon_deg = lon;
    r.range_m = NAN;
    r.bearing_deg = NAN;
    r.speed_kn = (float)kn;
    r.course_deg = (float)cog;
    return r;
}

static void test_radar(void)
{
    sink s = {0};
    fusion *f = make(&s, NULL);
    double v = 12 * GEO_MPS_PER_KN;
    for (int k = 0; k < 30; k++) {
        double lat, lon;
        geo_destination(8.6, -79.3, 0, v * 3 * k, &lat, &lon);
        if (k % 3 == 0) {
            fusion_report a = pos(352000006, T0 + k * 3 * NS, lat, lon, 12, 0);
            fusion_report_in(f, &a);
        }
        wire_radar r = radar(1, 5, T0 + k * 3 * NS + 500000000, lat + 0.0002, lon, 12, 0);
        CHECK(fusion_radar(f, &r) == 1);
        /* a go-fast with no AIS, 10 km east */
        geo_destination(8.6, -79.2, 90, 35 * GEO_MPS_PER_KN * 3 * k, &lat, &lon);
        r = radar(1, 6, T0 + k * 3 * NS + 600000000, lat, lon, 35, 90);
        CHECK(fusion_radar(f, &r) == 1);
    }
    const wire_track *a = find_mmsi(&s, 352000006, 0);
    CHECK(a && (a->sensors & TRACK_SENSOR_AIS) && (a->sensors & TRACK_SENSOR_RADAR));
    CHECK(a && a->radar_site == 1 && a->radar_target == 5 && !(a->flags & TRACK_FLAG_DARK));
    const wire_track *d = find_mmsi(&s, 0, 0);
    CHECK(d && (d->flags & TRACK_FLAG_DARK) && d->radar_target == 6 &&
          d->sensors == TRACK_SENSOR_RADAR);
    CHECK(d && d->sog_kn > 30 && d->sog_kn < 40);
    CHECK(find_mmsi(&s, 0, 1) == NULL); /* target 5 was never published dark */
    CHECK(fusion_get_stats(f)->dark_tracks == 1 || fusion_get_stats(f)->dark_published == 1);
    /* malformed radar reports are counted and refused */
    wire_radar bad = radar(1, 7, T0 + 100 * NS, NAN, -79, 0, 0);
    CHECK(fusion_radar(f, &bad) == -1);
    bad = radar(1, 1000, T0 + 100 * NS, 8, -79, 0, 0);
    CHECK(fusion_radar(f, &bad) == -1);
    CHECK(fusion_get_stats(f)->radar_invalid == 2);
    /* the AIS ship turns its transponder off: radar keeps the fused track alive */
    for (int k = 30; k < 200; k++) {
        double lat, lon;
        geo_destination(8.6, -79.3, 0, v * 3 * k, &lat, &lon);
        wire_radar r = radar(1, 5, T0 + k * 3 * NS + 500000000, lat, lon, 12, 0);
        fusion_radar(f, &r);
    }
    a = find_mmsi(&s, 352000006, 0);
    CHECK(a && a->state == TRACK_CONFIRMED && a->sensors == TRACK_SENSOR_RADAR);
    fusion_finish(f);
    fusion_destroy(&f);
}

/* ARPA reuses a dropped target's number for a new target, without a "lost" sentence: the new
 * target is a new radar track, associated with the AIS ship under it at once, never dark. */
static void test_radar_number_reuse(void)
{
    sink s = {0};
    fusion *f = make(&s, NULL);
    double v = 12 * GEO_MPS_PER_KN;
    for (int k = 0; k < 40; k++) { /* ship 1 under target 5, then out of radar view */
        double lat, lon;
        geo_destination(8.6, -79.3, 0, v * 3 * k, &lat, &lon);
        fusion_report a = pos(352000021, T0 + k * 3 * NS, lat, lon, 12, 0);
        fusion_report_in(f, &a);
        wire_radar r = radar(1, 5, T0 + k * 3 * NS + 500000000, lat, lon, 12, 0);
        fusion_radar(f, &r);
    }
    /* 90 s later target 5 is ship 2, 15 km away, reporting AIS every 10 s. */
    for (int k = 0; k < 60; k++) {
        double lat, lon;
        geo_destination(8.45, -79.42, 180, v * 3 * k, &lat, &lon);
        int64_t t = T0 + 210 * NS + k * 3 * NS;
        if (k % 3 == 0) {
            fusion_report b = pos(352000022, t, lat, lon, 12, 180);
            fusion_report_in(f, &b);
        }
        wire_radar r = radar(1, 5, t + 500000000, lat, lon, 12, 180);
        fusion_radar(f, &r);
    }
    CHECK(s.dark_positions == 0);
    CHECK(fusion_get_stats(f)->radar_reused == 1);
    const wire_track *b = find_mmsi(&s, 352000022, 0);
    CHECK(b && b->radar_site == 1 && b->radar_target == 5);
    fusion_destroy(&f);
}

/* A target 20 NM out: plots 0.5 deg off in bearing (320 m across) and no speed (TLL) still
 * belong to the AIS ship there. */
static void test_radar_at_range(void)
{
    sink s = {0};
    fusion *f = make(&s, NULL);
    double v = 12 * GEO_MPS_PER_KN;
    for (int k = 0; k < 60; k++) {
        double lat, lon, plat, plon;
        geo_destination(8.6, -79.3, 0, v * 3 * k, &lat, &lon);
        if (k % 3 == 0) {
            fusion_report a = pos(352000023, T0 + k * 3 * NS, lat, lon, 12, 0);
            fusion_report_in(f, &a);
        }
        geo_destination(lat, lon, 90, 620, &plat, &plon);
        wire_radar r = radar(1, 9, T0 + k * 3 * NS + 500000000, plat, plon, NAN, NAN);
        r.range_m = 20 * 1852.0;
        fusion_radar(f, &r);
    }
    CHECK(s.dark_positions == 0);
    const wire_track *a = find_mmsi(&s, 352000023, 0);
    CHECK(a && a->radar_target == 9);
    fusion_destroy(&f);
}

/* A pilot boat comes in at 25 kn and stops dead at its pier, reporting 0 kn and no course
 * (COG 360): its radar echo stays with it, never dark. */
static void test_radar_stop_dead(void)
{
    sink s = {0};
    fusion *f = make(&s, NULL);
    double lat = 8.905, lon = -79.52, v = 25 * GEO_MPS_PER_KN;
    int64_t t = T0;
    for (int k = 0; k < 40; k++, t += 2 * NS) {
        geo_destination(lat, lon, 330, v * 2, &lat, &lon);
        fusion_report a = pos(352000040, t, lat, lon, 25, 330);
        fusion_report_in(f, &a);
        wire_radar r = radar(1, 30, t + 500000000, lat, lon, 25, 330);
        fusion_radar(f, &r);
    }
    for (int k = 0; k < 150; k++, t += 2 * NS) {
        if (k % 90 == 0) {
            fusion_report a = pos(352000040, t, lat, lon, 0, NAN);
            a.nav_status = 5;
            fusion_report_in(f, &a);
        }
        wire_radar r = radar(1, 30, t + 500000000, lat, lon, 0.1, NAN);
        fusion_radar(f, &r);
    }
    CHECK(s.dark_positions == 0);
    fusion_destroy(&f);
}

/* The Taboga ferry berths: 12 kn, then stopped at the pier, and its next AIS report (moored,
 * every 3 min) comes minutes later.  The radar echo at the pier is the ferry. */
static void test_radar_berthing(void)
{
    sink s = {0};
    fusion *f = make(&s, NULL);
    double lat = 8.76, lon = -79.553, v = 12 * GEO_MPS_PER_KN;
    int64_t t = T0;
    for (int k = 0; k < 100; k++, t += 3 * NS) {
        geo_destination(lat, lon, 0, v * 3, &lat, &lon);
        if (k % 3 == 0) {
            fusion_report a = pos(352000050, t, lat, lon, 12, 0);
            fusion_report_in(f, &a);
        }
        wire_radar r = radar(1, 40, t + 500000000, lat, lon, 12, 0);
        fusion_radar(f, &r);
    }
    CHECK(s.dark_positions == 0);
    for (int k = 0; k < 100; k++, t += 3 * NS) { /* 5 min at the pier, AIS silent */
        wire_radar r = radar(1, 40, t + 500000000, lat, lon, 0.2, NAN);
        fusion_radar(f, &r);
    }
    /* dark at most while the AIS speed still looks fresh (30 s of 3 s plots), far below
     * dark_target's 3 minutes */
    CHECK(s.dark_positions <= 10);
    fusion_destroy(&f);
}

/* Satellite AIS stamped on arrival: a ship's positions come minutes out of order, seconds
 * apart.  With max_latency_s they stay one track; a second transmitter off the course line
 * still splits. */
static void test_out_of_order_delivery(void)
{
    sink s = {0};
    fusion_config c = config_into(&s);
    c.max_latency_s = 3600;
    fusion *f = fusion_create(&c);
    const int order[] = {0, 3, 5, 2, 4, 6, 1, 8, 7, 10, 9, 12, 11, 14, 13};
    int64_t t = T0;
    for (int k = 0; k < 15; k++, t += 3 * NS) {
        double lat, lon; /* 10 kn north, one observation a minute */
        geo_destination(-21.6, 112.3, 0, 10 * GEO_MPS_PER_KN * 60 * order[k], &lat, &lon);
        fusion_report a = pos(371204000, t, lat, lon, 10, 0);
        fusion_report_in(f, &a);
    }
    CHECK(fusion_get_stats(f)->splits == 0);
    CHECK(fusion_get_stats(f)->out_of_order > 0);
    fusion_report b = pos(371204000, t, -21.6, 112.35, 10, 0); /* 5 km abeam */
    fusion_report_in(f, &b);
    CHECK(fusion_get_stats(f)->splits == 1);
    fusion_destroy(&f);
}

/* The same delivery on a turning ship (AMSA's exactEarth log, MMSI 503613000 off Fremantle): 7 kn
 * turning 75 deg to starboard over 6 min, a report every 10 s of which a satellite pass delivers
 * fourteen in five bursts, stamped on arrival: the first burst carries the reports from before,
 * during and after the turn, later bursts fill in between.  No straight course line joins them:
 * one track all the same.  A second transmitter 5 km abeam still splits. */
static void test_out_of_order_turn(void)
{
    sink s = {0};
    fusion_config c = config_into(&s);
    c.max_latency_s = 3600;
    fusion *f = fusion_create(&c);
    double lat[61], lon[61], cog[61];
    lat[0] = -32.2;
    lon[0] = 115.76;
    for (int k = 0; k <= 60; k++) { /* true positions, 10 s apart */
        cog[k] = 210 + 75 * fmin(1.0, k / 36.0);
        if (k < 60)
            geo_destination(lat[k], lon[k], cog[k], 7 * GEO_MPS_PER_KN * 10, &lat[k + 1],
                            &lon[k + 1]);
    }
    /* {arrival time (s after T0), index of the true report} */
    const int delivery[][2] = {{0, 0},    {1, 24},   {2, 26},   {5, 58},   {15, 52},
                               {16, 54},  {123, 9},  {124, 11}, {140, 36}, {141, 38},
                               {170, 44}, {171, 46}, {200, 60}, {230, 17}};
    int n = (int)(sizeof delivery / sizeof delivery[0]);
    int64_t t = T0;
    for (int i = 0; i < n; i++) {
        int k = delivery[i][1];
        t = T0 + delivery[i][0] * NS;
        fusion_report a = pos(503613000, t, lat[k], lon[k], 7, cog[k]);
        fusion_report_in(f, &a);
    }
    CHECK(fusion_get_stats(f)->splits == 0);
    CHECK(fusion_get_stats(f)->out_of_order > 0);
    const wire_track *w = find_mmsi(&s, 503613000, 0);
    CHECK(w && !(w->flags & TRACK_FLAG_SPLIT));
    double blat, blon; /* 5 km abeam of the ship's final course, on the same course */
    geo_destination(lat[60], lon[60], cog[60] + 90, 5000, &blat, &blon);
    fusion_report b = pos(503613000, t + 3 * NS, blat, blon, 7, cog[60]);
    fusion_report_in(f, &b);
    CHECK(fusion_get_stats(f)->splits == 1);
    fusion_destroy(&f);
}

/* Satellite AIS stamped on arrival: the track's first report had waited longest, the next one
 * is 2.6 km ahead on the ship's course "102 s" later (13 kn ship: 49.8 kn by the stamps).  That
 * is the track's report delivered late, not a jump: no re-acquisition there.  The same distance
 * abeam is no late delivery: the track re-acquires it (position_jump's to judge). */
static void test_late_track_report(void)
{
    for (int abeam = 0; abeam < 2; abeam++) {
        sink s = {0};
        fusion_config c = config_into(&s);
        c.max_latency_s = 7200;
        fusion *f = fusion_create(&c);
        fusion_report a = pos(248708000, T0, -17.2267, 167.8919, 13, 5);
        fusion_report_in(f, &a);
        double lat, lon;
        geo_destination(-17.2267, 167.8919, abeam ? 95 : 5, 2600, &lat, &lon);
        fusion_report b = pos(248708000, T0 + 102 * NS, lat, lon, 13, 5);
        fusion_report_in(f, &b);
        const wire_track *w = find_mmsi(&s, 248708000, 0);
        CHECK(w != NULL);
        CHECK(fusion_get_stats(f)->splits == 0);
        if (w && !abeam) {
            CHECK(fusion_get_stats(f)->out_of_order == 1);
            CHECK(fabs(w->lat_deg + 17.2267) < 1e-4); /* still where the track was */
        } else if (w) {
            CHECK(fusion_get_stats(f)->out_of_order == 0);
            CHECK(fabs(w->lat_deg - lat) < 1e-4 && fabs(w->lon_deg - lon) < 1e-4);
        }
        fusion_destroy(&f);
    }
}

/* Late reports of a ship that doubled back: a ferry leaving on course 090, turning round and
 * coming back along its route 15 min later, heard after a gap.  Reports on the outbound path
 * but with the homebound course are news, not late deliveries: the track follows them. */
static void test_retrace_not_late(void)
{
    sink s = {0};
    fusion_config c = config_into(&s);
    fusion *f = fusion_create(&c);
    double lat = 8.9, lon = -79.5;
    int64_t t = T0;
    for (int k = 0; k < 60; k++, t += 10 * NS) { /* out: 10 kn east for 10 min */
        geo_destination(lat, lon, 90, 10 * GEO_MPS_PER_KN * 10, &lat, &lon);
        fusion_report a = pos(352000040, t, lat, lon, 10, 90);
        fusion_report_in(f, &a);
    }
    t += 120 * NS; /* turned round, unheard for 2 min, then back west along the same line */
    uint64_t before = fusion_get_stats(f)->out_of_order;
    for (int k = 0; k < 30; k++, t += 10 * NS) {
        geo_destination(lat, lon, 270, 10 * GEO_MPS_PER_KN * 10, &lat, &lon);
        fusion_report a = pos(352000040, t, lat, lon, 10, 270);
        fusion_report_in(f, &a);
    }
    CHECK(fusion_get_stats(f)->out_of_order == before);
    CHECK(fusion_get_stats(f)->splits == 0);
    const wire_track *w = find_mmsi(&s, 352000040, 0);
    CHECK(w && fabs(w->lat_deg - lat) < 0.001 && fabs(w->lon_deg - lon) < 0.001);
    fusion_destroy(&f);
}

/* A ferry and two pilot boats moored together at one pier (within 30 m), each seen by the
 * radar: every target belongs to the cluster, none is dark. */
static void test_radar_moored_cluster(void)
{
    sink s = {0};
    fusion *f = make(&s, NULL);
    const double off[3][2] = {{0, 0}, {0.0001, 0.0002}, {-0.0002, 0.0001}};
    unsigned seed = 7;
    for (int k = 0; k < 200; k++) {
        int64_t t = T0 + k * 3 * NS;
        for (int i = 0; i < 3; i++) {
            if (k % 20 == i) {
                fusion_report a =
                    pos(352000030 + i, t, 8.915 + off[i][0], -79.528 + off[i][1], 0, 0);
                a.nav_status = 5;
                fusion_report_in(f, &a);
            }
            seed = seed * 1103515245u + 12345u;
            double n1 = ((seed >> 16) % 100 - 50) * 1e-6, n2 = ((seed >> 8) % 100 - 50) * 1e-6;
            wire_radar r = radar(1, (uint16_t)(20 + i), t + 500000000, 8.915 + off[i][0] + n1,
                                 -79.528 + off[i][1] + n2, 0.1, NAN);
            r.range_m = 700;
            fusion_radar(f, &r);
        }
    }
    CHECK(s.dark_positions == 0);
    fusion_destroy(&f);
}

/* A pilot boat leaves its berth at full speed, a fishing boat turns on its gear, a go-fast
 * turns and slows down between two class B reports: one track each, no split. */
static void test_manoeuvre_no_split(void)
{
    sink s = {0};
    fusion *f = make(&s, NULL);
    double lat = 8.915, lon = -79.528;
    int64_t t = T0;
    for (int k = 0; k < 10; k++, t += 10 * NS) {
        fusion_report a = pos(352000024, t, lat, lon, 0, 0);
        fusion_report_in(f, &a);
    }
    for (int k = 0; k < 60; k++, t += 2 * NS) { /* 0 to 26 kn in 20 s, then 2 s reports */
        double kn = k < 10 ? 2.6 * (k + 1) : 26;
        geo_destination(lat, lon, 170, kn * GEO_MPS_PER_KN * 2, &lat, &lon);
        fusion_report a = pos(352000024, t, lat, lon, k < 3 ? 0 : kn, 170);
        fusion_report_in(f, &a);
    }
    double flat = 7.9, flon = -79.7, cog = 0;
    for (int k = 0; k < 120; k++, t += 10 * NS) { /* 8 kn, turning 45 deg per report */
        cog = fmod(cog + (k % 8 < 4 ? 45 : 0), 360);
        geo_destination(flat, flon, cog, 8 * GEO_MPS_PER_KN * 10, &flat, &flon);
        fusion_report b = pos(352000025, t, flat, flon, 8, cog);
        fusion_report_in(f, &b);
    }
    /* A class B go-fast (30 s reports) at 40 kn turns 90 deg and slows to 12 kn. */
    double glat = 9.45, glon = -80.25;
    for (int k = 0; k < 60; k++, t += 30 * NS) {
        double kn = k < 30 ? 40 : 12, c = k < 30 ? 90 : 0;
        geo_destination(glat, glon, c, kn * GEO_MPS_PER_KN * 30, &glat, &glon);
        fusion_report g = pos(352000026, t, glat, glon, kn, c);
        g.ais_class = 'B';
        fusion_report_in(f, &g);
    }
    CHECK(fusion_get_stats(f)->splits == 0);
    fusion_destroy(&f);
}

static void test_zones(const char *dir)
{
    zones *z = zones_load(dir);
    CHECK(z != NULL);
    if (!z)
        return;
    sink s = {0};
    fusion *f = make(&s, z);
    fusion_report a = pos(352000007, T0, 9.02, -79.50, 0, 0); /* Panama City: on land */
    fusion_report_in(f, &a);
    fusion_report b = pos(352000008, T0, 8.87, -79.48, 0, 0); /* Flamenco anchorage */
    fusion_report_in(f, &b);
    const wire_track *w = find_mmsi(&s, 352000007, 0);
    CHECK(w && (w->flags & TRACK_FLAG_ON_LAND) && (w->zones & ZONE_BIT(ZONE_LAND)) &&
          w->dist_shore_m == 0);
    w = find_mmsi(&s, 352000008, 0);
    CHECK(w && !(w->flags & TRACK_FLAG_ON_LAND) && (w->zones & ZONE_BIT(ZONE_ANCHORAGE)) &&
          (w->zones & ZONE_BIT(ZONE_EEZ)) && w->dist_shore_m > 500 && w->dist_shore_m < 12000);
    /* moving out of the anchorage updates the zones */
    for (int k = 1; k < 60; k++) {
        fusion_report c = pos(352000008, T0 + k * 10 * NS, 8.87 - k * 0.002, -79.48, 12, 180);
        fusion_report_in(f, &c);
    }
    w = find_mmsi(&s, 352000008, 0);
    CHECK(w && !(w->zones & ZONE_BIT(ZONE_ANCHORAGE)) && (w->zones & ZONE_BIT(ZONE_EEZ)));
    fusion_destroy(&f);
    zones_destroy(&z);
}

static void count(void *ctx, const wire_track *t)
{
    (void)t;
    (*(int *)ctx)++;
}

static void test_restore(void)
{
    fusion *f = fusion_create(NULL);
    wire_track w;
    memset(&w, 0, sizeof w);
    w.track_id = 42;
    w.mmsi = 352000009;
    w.state = TRACK_CONFIRMED;
    w.ais_class = 'A';
    w.time_ns = w.last_report_ns = T0;
    w.lat_deg = 8.9;
    w.lon_deg = -79.5;
    w.sog_kn = 10;
    w.cog_deg = 0;
    w.heading_deg = NAN;
    w.pos_sigma_m = 20;
    strcpy(w.name, "RESTORED");
    CHECK(fusion_restore(f, &w) == 0);
    fusion_report a =
        pos(352000009, T0 + 10 * NS, 8.9 + 10 * GEO_MPS_PER_KN * 10 / GEO_M_PER_DEG, -79.5, 10, 0);
    CHECK(fusion_report_in(f, &a) == 1);
    int n = 0;
    CHECK(fusion_each_track(f, count, &n) == 1 && n == 1);
    CHECK(fusion_get_stats(f)->splits == 0 && fusion_get_stats(f)->tracks_created == 0);
    w.mmsi = 0;
    CHECK(fusion_restore(f, &w) == -1);
    CHECK(fusion_memory_bytes(f) > 0);
    fusion_destroy(&f);
}

int main(int argc, char **argv)
{
    test_config();
    test_intervals();
    test_straight_line();
    test_dedupe();
    test_static_and_split();
    test_timers();
    test_static_across_tracks();
    test_radar();
    test_radar_number_reuse();
    test_radar_at_range();
    test_radar_moored_cluster();
    test_radar_stop_dead();
    test_out_of_order_delivery();
    test_out_of_order_turn();
    test_retrace_not_late();
    test_late_track_report();
    test_radar_berthing();
    test_manoeuvre_no_split();
    test_restore();
    if (argc > 1)
        test_zones(argv[1]);
    if (g_failures)
        fprintf(stderr, "%d checks failed\n", g_failures);
    return g_failures ? 1 : 0;
}
