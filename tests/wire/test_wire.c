/* Wire contract: every payload round-trips, and every malformed frame is refused with the
 * right class (never read past the end: this runs under ASan in the test build). */
#include "centinela/wire.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static uint8_t buf[1 << 22];

/* Every strict prefix of a valid payload must be refused (truncation at every byte). */
typedef enum wire_status (*decode_fn)(const uint8_t *, size_t, void *);
static void check_prefixes(decode_fn fn, const uint8_t *p, size_t n, void *scratch)
{
    for (size_t k = 0; k < n; k++) {
        uint8_t *copy = malloc(k ? k : 1); /* exact-size copy so ASan sees over-reads */
        memcpy(copy, p, k);
        CHECK(fn(copy, k, scratch) != WIRE_OK);
        free(copy);
    }
    /* One trailing byte too many is refused too. */
    uint8_t *longer = malloc(n + 1);
    memcpy(longer, p, n);
    longer[n] = 0;
    CHECK(fn(longer, n + 1, scratch) != WIRE_OK);
    free(longer);
}

static void test_header(void)
{
    wire_header h = {WIRE_VERSION, WIRE_AIS, WIRE_FLAG_EOS, 77, 5, 123456789012ull, -42};
    uint8_t frame[WIRE_HEADER_LEN + 5] = {0};
    CHECK(wire_header_encode(&h, frame) == WIRE_HEADER_LEN);
    /* Explicit little-endian layout, as README.md documents. */
    CHECK(frame[0] == 'C' && frame[1] == 'N' && frame[2] == 1 && frame[3] == WIRE_AIS);
    CHECK(frame[4] == 1 && frame[5] == 0 && frame[6] == 32 && frame[8] == 77);
    CHECK(frame[12] == 5 && frame[16] == (uint8_t)123456789012ull);
    wire_header g;
    CHECK(wire_header_decode(frame, sizeof frame, &g) == WIRE_OK);
    CHECK(g.type == WIRE_AIS && g.flags == WIRE_FLAG_EOS && g.source_id == 77 &&
          g.payload_len == 5 && g.seq == 123456789012ull && g.event_time_ns == -42);

    CHECK(wire_header_decode(frame, 3, &g) == WIRE_ERR_SHORT);
    CHECK(wire_header_decode(frame, 31, &g) == WIRE_ERR_SHORT);
    CHECK(wire_header_decode(frame, sizeof frame - 1, &g) == WIRE_ERR_SHORT);
    uint8_t bad[sizeof frame];
    memcpy(bad, frame, sizeof frame);
    bad[0] = 'X';
    CHECK(wire_header_decode(bad, sizeof bad, &g) == WIRE_ERR_SIGNATURE);
    memcpy(bad, frame, sizeof frame);
    bad[2] = WIRE_VERSION + 1;
    CHECK(wire_header_decode(bad, sizeof bad, &g) == WIRE_ERR_VERSION);
    memcpy(bad, frame, sizeof frame);
    bad[3] = 99;
    CHECK(wire_header_decode(bad, sizeof bad, &g) == WIRE_ERR_TYPE);
    memcpy(bad, frame, sizeof frame);
    bad[6] = 40;
    CHECK(wire_header_decode(bad, sizeof bad, &g) == WIRE_ERR_SIGNATURE);
    CHECK(wire_header_decode(frame, WIRE_MAX_FRAME + 1, &g) == WIRE_ERR_TOO_BIG);

    CHECK(wire_type_from_topic("ais", 3) == WIRE_AIS);
    CHECK(wire_type_from_topic("aisx", 4) == 0);
    CHECK(wire_type_from_topic("tr", 2) == 0);
    CHECK(strcmp(wire_topic(WIRE_TRACK), "track") == 0);
}

static enum wire_status dec_ais(const uint8_t *p, size_t n, void *m)
{
    return wire_ais_decode(p, n, m);
}
static enum wire_status dec_track(const uint8_t *p, size_t n, void *m)
{
    return wire_track_decode(p, n, m);
}
static enum wire_status dec_alert(const uint8_t *p, size_t n, void *m)
{
    return wire_alert_decode(p, n, m);
}
static enum wire_status dec_radar(const uint8_t *p, size_t n, void *m)
{
    return wire_radar_decode(p, n, m);
}
static enum wire_status dec_iq(const uint8_t *p, size_t n, void *m)
{
    return wire_iq_decode(p, n, m);
}

static void test_ais(void)
{
    static wire_ais a, b;
    memset(&a, 0, sizeof a);
    a.station_id = 9;
    a.channel = 'B';
    a.rx_time_ns = 1714564800123456789;
    a.signal_dbfs = -31.5f;
    a.snr_db = 17.25f;
    a.freq_offset_hz = -812.5f;
    a.ppm = NAN;
    a.nbits = 168;
    for (int i = 0; i < 21; i++)
        a.bits[i] = (uint8_t)(i * 37 + 1);
    strcpy(a.nmea, "!AIVDM,1,1,,B,15MwlV0P00GRUEdCD@0p4OvT0<11,0*72");
    int n = wire_ais_encode(&a, buf, sizeof buf);
    CHECK(n > 0);
    CHECK(wire_ais_decode(buf, (size_t)n, &b) == WIRE_OK);
    CHECK(b.station_id == 9 && b.channel == 'B' && b.rx_time_ns == a.rx_time_ns);
    CHECK(b.signal_dbfs == a.signal_dbfs && b.snr_db == a.snr_db && isnan(b.ppm));
    CHECK(b.nbits == 168 && memcmp(a.bits, b.bits, 21) == 0 && strcmp(a.nmea, b.nmea) == 0);
    check_prefixes(dec_ais, buf, (size_t)n, &b);

    a.nbits = WIRE_AIS_MAX_BITS + 1;
    CHECK(wire_ais_encode(&a, buf, sizeof buf) < 0);
    a.nbits = 168;
    CHECK(wire_ais_encode(&a, buf, 10) < 0); /* too small a buffer */
    /* A length field claiming more bits than allowed is "too big", not a crash. */
    n = wire_ais_encode(&a, buf, sizeof buf);
    buf[4 + 1 + 8 + 16] = 0xff;
    buf[4 + 1 + 8 + 16 + 1] = 0xff;
    CHECK(wire_ais_decode(buf, (size_t)n, &b) == WIRE_ERR_TOO_BIG);
}

static void test_track(void)
{
    wire_track t = {0}, u;
    t.track_id = 4;
    t.mmsi = 352001234;
    t.state = TRACK_CONFIRMED;
    t.update = TRACK_UPD_SNAPSHOT;
    t.sensors = TRACK_SENSOR_AIS | TRACK_SENSOR_RADAR;
    t.ais_class = 'A';
    t.flags = TRACK_FLAG_IN_COVERAGE;
    t.quality = 87;
    t.nav_status = 0;
    t.time_ns = 1;
    t.lat_deg = 8.95123456789;
    t.lon_deg = -79.5312345678;
    t.sog_kn = 12.5f;
    t.cog_deg = 181.25f;
    t.heading_deg = NAN;
    strcpy(t.name, "EVER GIVEN");
    strcpy(t.callsign, "H3RC");
    strcpy(t.destination, "BALBOA");
    t.zones = 0x15;
    t.dist_shore_m = 5400;
    int n = wire_track_encode(&t, buf, sizeof buf);
    CHECK(n > 0);
    CHECK(wire_track_decode(buf, (size_t)n, &u) == WIRE_OK);
    CHECK(u.mmsi == t.mmsi && u.lat_deg == t.lat_deg && u.lon_deg == t.lon_deg);
    CHECK(u.cog_deg == t.cog_deg && isnan(u.heading_deg) && strcmp(u.name, "EVER GIVEN") == 0);
    CHECK(strcmp(u.destination, "BALBOA") == 0 && u.zones == 0x15 && u.quality == 87);
    check_prefixes(dec_track, buf, (size_t)n, &u);
    /* A latitude out of range is refused. */
    t.lat_deg = 91;
    n = wire_track_encode(&t, buf, sizeof buf);
    CHECK(wire_track_decode(buf, (size_t)n, &u) == WIRE_ERR_PAYLOAD);
}

static void test_alert(void)
{
    static wire_alert a, b;
    memset(&a, 0, sizeof a);
    a.alert_id = 1ull << 40;
    strcpy(a.rule, "encounter");
    a.state = ALERT_UPDATE;
    a.n_mmsi = 2;
    a.mmsi[0] = 352001234;
    a.mmsi[1] = 667001111;
    a.start_ns = 10;
    a.end_ns = 20;
    a.lat_deg = 9.1;
    a.lon_deg = -79.9;
    a.score = 63.5f;
    strcpy(a.evidence, "{\"distance_m\":180}");
    int n = wire_alert_encode(&a, buf, sizeof buf);
    CHECK(n > 0);
    CHECK(wire_alert_decode(buf, (size_t)n, &b) == WIRE_OK);
    CHECK(b.n_mmsi == 2 && b.mmsi[1] == 667001111 && strcmp(b.rule, "encounter") == 0);
    CHECK(b.score == a.score && strcmp(b.evidence, a.evidence) == 0);
    check_prefixes(dec_alert, buf, (size_t)n, &b);
    a.n_mmsi = WIRE_ALERT_MAX_MMSI + 1;
    CHECK(wire_alert_encode(&a, buf, sizeof buf) < 0);
}

static void test_radar_iq_stats(void)
{
    wire_radar r = {3, 17, 'T', 99, 8.8, -79.4, 5200, 45.5f, 31, 270, "TGT17"}, s;
    int n = wire_radar_encode(&r, buf, sizeof buf);
    CHECK(n > 0 && wire_radar_decode(buf, (size_t)n, &s) == WIRE_OK);
    CHECK(s.target == 17 && s.status == 'T' && s.speed_kn == 31 && strcmp(s.name, "TGT17") == 0);
    check_prefixes(dec_radar, buf, (size_t)n, &s);

    float samples[8] = {0.5f, -0.25f, 1, -1, 0.125f, 0, -0.5f, 0.75f};
    wire_iq q = {288000, WIRE_IQ_COMPLEX, 162000000, 5, 1000, 288000, 4, NULL}, p;
    n = wire_iq_encode(&q, samples, buf, sizeof buf);
    CHECK(n > 0 && wire_iq_decode(buf, (size_t)n, &p) == WIRE_OK);
    float back[8];
    wire_iq_samples(&p, back);
    CHECK(memcmp(back, samples, sizeof samples) == 0 && p.first_sample == 1000);
    check_prefixes(dec_iq, buf, (size_t)n, &p);
    q.sample_rate_hz = 100; /* out of range */
    n = wire_iq_encode(&q, samples, buf, sizeof buf);
    CHECK(wire_iq_decode(buf, (size_t)n, &p) == WIRE_ERR_PAYLOAD);

    char js[64];
    n = wire_stats_encode("{\"node\":\"x\"}", buf, sizeof buf);
    CHECK(wire_stats_decode(buf, (size_t)n, js, sizeof js) == WIRE_OK);
    CHECK(wire_stats_decode((const uint8_t *)"[1,2]", 5, js, sizeof js) == WIRE_ERR_PAYLOAD);
    CHECK(wire_stats_decode((const uint8_t *)"{\"a\":", 5, js, sizeof js) == WIRE_ERR_PAYLOAD);
}

static void test_json_and_time(void)
{
    wire_track t = {0};
    t.mmsi = 0;
    t.flags = TRACK_FLAG_DARK;
    t.sensors = TRACK_SENSOR_RADAR;
    t.lat_deg = 8.5;
    t.lon_deg = -78.5;
    t.sog_kn = 35;
    int n = wire_track_encode(&t, buf + WIRE_HEADER_LEN, sizeof buf - WIRE_HEADER_LEN);
    wire_header h = {WIRE_VERSION, WIRE_TRACK, 0, 2, (uint32_t)n, 1, 1714564800000000000};
    wire_header_encode(&h, buf);
    enum wire_status st;
    char *js = wire_frame_to_json(buf, WIRE_HEADER_LEN + (size_t)n, &st);
    CHECK(js && st == WIRE_OK);
    CHECK(js && strstr(js, "\"mmsi\":null") && strstr(js, "\"dark\":true") &&
          strstr(js, "\"time\":\"2024-05-01T12:00:00.000Z\""));
    free(js);

    int64_t ns;
    CHECK(wire_parse_time("2024-05-01T12:00:00Z", &ns) == 0 && ns == 1714564800000000000);
    CHECK(wire_parse_time("2024-05-01T12:00:00.250Z", &ns) == 0 && ns == 1714564800250000000);
    CHECK(wire_parse_time("1714564800", &ns) == 0 && ns == 1714564800000000000);
    CHECK(wire_parse_time("", &ns) == 0 && ns == 0);
    CHECK(wire_parse_time("yesterday", &ns) != 0);
    CHECK(wire_parse_time("2024-13-01T00:00:00Z", &ns) != 0);
    char iso[40];
    wire_format_time(1714564800250000000, iso, sizeof iso);
    CHECK(strcmp(iso, "2024-05-01T12:00:00.250Z") == 0);
}

static void test_sequence(void)
{
    wire_seq_tracker *t = wire_seq_tracker_create();
    wire_header h = {1, WIRE_AIS, 0, 5, 0, 10, 0};
    CHECK(wire_seq_observe(t, &h) == 0); /* first seen: no loss claimed */
    h.seq = 11;
    CHECK(wire_seq_observe(t, &h) == 0);
    h.seq = 15;
    CHECK(wire_seq_observe(t, &h) == 3);
    h.source_id = 6;
    h.seq = 1;
    CHECK(wire_seq_observe(t, &h) == 0); /* another publisher */
    h.source_id = 5;
    h.seq = 1;
    CHECK(wire_seq_observe(t, &h) == 0); /* restart */
    CHECK(wire_seq_total_missing(t) == 3 && wire_seq_restarts(t) == 1);
    wire_seq_tracker_destroy(&t);
    CHECK(t == NULL);
    wire_seq_tracker_destroy(&t); /* accepts NULL */
}

int main(void)
{
    test_header();
    test_ais();
    test_track();
    test_alert();
    test_radar_iq_stats();
    test_json_and_time();
    test_sequence();
    if (g_failures)
        fprintf(stderr, "%d checks failed\n", g_failures);
    else
        printf("wire: all checks passed\n");
    return g_failures ? 1 : 0;
}
