/* A deterministic publisher of ais, track, alert and radar messages for the archive tests.
 *
 *   test_publisher --pub '@ipc:///tmp/x/pub' --count 2000 --rate 200 --subscribers 1
 *
 * Message i has event time base + i * step_ms (100 ms by default) and MMSI 200000000 + i % 50 (type
 * 1 positions moving north-east from 8.9 N 79.5 W); every 10th i also a track, every 20th a radar
 * report, every 50th an alert.  Prints "sent <i>" after each ais message (the tests read progress).
 */
#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/node.h"
#include "centinela/sixbit.h"
#include "centinela/wire.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const opt_spec pub_options[] = {
    {"count", 'n', OPT_INT, "1000", 1, 1e9, "ais messages to publish"},
    {"rate", 0, OPT_REAL, "0", 0, 1e7,
     "ais messages per second (wall-clock); 0: as fast as possible"},
    {"base_time", 0, OPT_STR, "2026-01-01T09:58:00Z", 0, -1, "event time of the first message"},
    {"step_ms", 0, OPT_INT, "100", 1, 86400000, "event time between messages (ms)"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

typedef struct pub {
    node *n;
    long long count, i;
    double rate;
    int64_t base_ns, step_ns;
    struct timespec t0;
    uint8_t buf[8192];
} pub;

static void nmea_for(const uint8_t *bits, size_t nbits, char channel, char *out, size_t cap)
{
    char payload[256];
    unsigned fill = 0;
    sixbit_armor(bits, nbits, payload, sizeof payload, &fill);
    char body[400];
    snprintf(body, sizeof body, "AIVDM,1,1,,%c,%s,%u", channel, payload, fill);
    unsigned cs = 0;
    for (const char *p = body; *p; p++)
        cs ^= (unsigned char)*p;
    snprintf(out, cap, "!%s*%02X", body, cs);
}

static int publish_one(pub *p, long long i)
{
    int64_t t = p->base_ns + i * p->step_ns;
    uint32_t mmsi = 200000000u + (uint32_t)(i % 50);
    double lat = 8.9 + (double)i * 1e-5, lon = -79.5 + (double)i * 1e-5;
    static wire_ais m;
    memset(&m, 0, sizeof m);
    m.station_id = 7;
    m.channel = (i & 1) ? 'B' : 'A';
    m.rx_time_ns = t;
    m.signal_dbfs = -30.0f - (float)(i % 7);
    m.snr_db = 20.0f + (float)(i % 5);
    m.freq_offset_hz = (float)(i % 11) * 10.0f - 50.0f;
    m.ppm = m.freq_offset_hz / 162.0f;
    /* Type 1 position report (ITU-R M.1371 table 45), 168 bits. */
    m.nbits = 168;
    sixbit_put_u(m.bits, 0, 6, 1);
    sixbit_put_u(m.bits, 8, 30, mmsi);
    sixbit_put_u(m.bits, 38, 4, (uint32_t)(i % 9));
    sixbit_put_s(m.bits, 42, 8, (int32_t)(i % 21) - 10);
    sixbit_put_u(m.bits, 50, 10, (uint32_t)(i % 300));
    sixbit_put_u(m.bits, 60, 1, 1);
    sixbit_put_s(m.bits, 61, 28, (int32_t)lround(lon * 600000.0));
    sixbit_put_s(m.bits, 89, 27, (int32_t)lround(lat * 600000.0));
    sixbit_put_u(m.bits, 116, 12, (uint32_t)(i % 3600));
    sixbit_put_u(m.bits, 128, 9, (uint32_t)(i % 360));
    sixbit_put_u(m.bits, 137, 6, (uint32_t)(i % 60));
    nmea_for(m.bits, m.nbits, m.channel, m.nmea, sizeof m.nmea);
    int len = wire_ais_encode(&m, p->buf, sizeof p->buf);
    if (len < 0 || node_publish(p->n, WIRE_AIS, t, 0, p->buf, (size_t)len) != 0)
        return -1;
    if (i % 10 == 0) {
        wire_track k = {.track_id = (uint32_t)(i % 50) + 1,
                        .mmsi = mmsi,
                        .state = TRACK_CONFIRMED,
                        .sensors = TRACK_SENSOR_AIS,
                        .ais_class = 'A',
                        .quality = 90,
                        .nav_status = 0,
                        .time_ns = t,
                        .last_report_ns = t,
                        .lat_deg = lat,
                        .lon_deg = lon,
                        .sog_kn = 12.5f,
                        .cog_deg = 45.0f,
                        .heading_deg = NAN,
                        .pos_sigma_m = 10.0f,
                        .zones = 1u << ((i / 10) % 5),
                        .dist_shore_m = NAN,
                        .n_stations = 1,
                        .n_reports = (uint32_t)i};
        snprintf(k.name, sizeof k.name, "VESSEL %u", mmsi % 100);
        snprintf(k.callsign, sizeof k.callsign, "HP%u", mmsi % 1000);
        if ((len = wire_track_encode(&k, p->buf, sizeof p->buf)) < 0 ||
            node_publish(p->n, WIRE_TRACK, t, 0, p->buf, (size_t)len) != 0)
            return -1;
    }
    if (i % 20 == 0) {
        wire_radar r = {.site_id = 3,
                        .target = (uint16_t)(i % 30),
                        .status = 'T',
                        .time_ns = t,
                        .lat_deg = lat + 0.01,
                        .lon_deg = lon,
                        .range_m = 1500.0f,
                        .bearing_deg = 90.0f,
                        .speed_kn = 8.0f,
                        .course_deg = NAN};
        if ((len = wire_radar_encode(&r, p->buf, sizeof p->buf)) < 0 ||
            node_publish(p->n, WIRE_RADAR, t, 0, p->buf, (size_t)len) != 0)
            return -1;
    }
    if (i % 50 == 0) {
        static wire_alert a;
        memset(&a, 0, sizeof a);
        a.alert_id = (uint64_t)(i / 50) + 1;
        snprintf(a.rule, sizeof a.rule, "%s", (i / 50) % 2 ? "loitering" : "ais_gap");
        a.state = ALERT_OPEN;
        a.n_mmsi = (i / 50) % 3 == 2 ? 2 : 1;
        a.mmsi[0] = mmsi;
        a.mmsi[1] = mmsi + 1;
        a.track_id = (uint32_t)(i % 50) + 1;
        a.start_ns = t - 3600000000000LL;
        a.end_ns = t;
        a.lat_deg = lat;
        a.lon_deg = lon;
        a.score = 42.5f;
        a.severity = 0.5f;
        a.confidence = 0.9f;
        a.context = 1.0f;
        snprintf(a.evidence, sizeof a.evidence,
                 "{\"gap_s\":%lld,\"note\":\"test, \\\"quoted\\\"\"}", i);
        if ((len = wire_alert_encode(&a, p->buf, sizeof p->buf)) < 0 ||
            node_publish(p->n, WIRE_ALERT, t, 0, p->buf, (size_t)len) != 0)
            return -1;
    }
    return 0;
}

static int produce(void *ctx)
{
    pub *p = ctx;
    if (p->i == p->count)
        return 1;
    if (p->rate > 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (p->i == 0)
            p->t0 = now;
        double el = (double)(now.tv_sec - p->t0.tv_sec) + (now.tv_nsec - p->t0.tv_nsec) * 1e-9;
        double wait = (double)p->i / p->rate - el;
        if (wait > 0) {
            struct timespec ts = {0, (long)(fmin(wait, 0.05) * 1e9)};
            nanosleep(&ts, NULL);
            return 0;
        }
    }
    publish_one(p, p->i);
    p->i++;
    printf("sent %lld\n", p->i);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    int rc;
    node *n = node_create("test_publisher", pub_options, "Publish deterministic test messages.",
                          argc, argv, &rc);
    if (!n)
        return rc;
    pub p = {.n = n,
             .count = config_int(node_config(n), "count"),
             .rate = config_real(node_config(n), "rate"),
             .step_ns = config_int(node_config(n), "step_ms") * 1000000LL};
    if (wire_parse_time(config_str(node_config(n), "base_time"), &p.base_ns) != 0) {
        node_destroy(&n);
        return 2;
    }
    node_declare_output(n, WIRE_AIS);
    node_declare_output(n, WIRE_TRACK);
    node_declare_output(n, WIRE_RADAR);
    node_declare_output(n, WIRE_ALERT);
    node_handlers h = {.produce = produce};
    rc = node_run(n, &h, &p);
    node_destroy(&n);
    return rc;
}
