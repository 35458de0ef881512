/* scenario_pub: publishes a scripted picture of wire_track / wire_alert / ais / stats messages
 * over ZeroMQ, so web_view can be tested and benchmarked without the rest of the pipeline.
 *
 *   scenario_pub --pub @tcp://127.0.0.1:5601                 the test scenario (below)
 *   scenario_pub --pub @tcp://127.0.0.1:5601 --vessels 5000  bench: 5000 moving AIS vessels
 *
 * Test scenario, repeated every period with event time advancing 1 s per cycle (so a late
 * subscriber still gets everything): 12 AIS vessels around the Panama Canal approaches (class A
 * and B, cargo, tanker, passenger, fishing, tug, pleasure, high-speed, law enforcement), one dark
 * radar target (mmsi 0, TRACK_FLAG_DARK) going fast off the Darién coast, one track published
 * once and then removed (it must not be counted), four alerts (dark_target 82, fast_near_coast
 * 61, ais_gap 35.5 closing after 5 cycles, loitering 20 closing after 2 cycles; the last two on
 * the same vessel, MMSI 224123450, whose card must list them once both are closed), `ais`
 * messages from two stations and a `stats` heartbeat.  Expected on the page: 13 vessels, 1 dark
 * target, 4 alerts (2 open).
 *
 * With --archive it stands in for `replay` in web_view's playback test (the path is ignored).
 *
 * Bench mode: N vessels on random headings at 5-25 kn in the box 5-12 N, 83-77 W, each updated
 * once per period. */
#include "centinela/wire.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static volatile sig_atomic_t g_stop;
static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

struct pub {
    void *sock;
    uint32_t source_id;
    uint64_t seq[WIRE_TYPE_MAX + 1];
    uint8_t buf[WIRE_HEADER_LEN + 32768];
};

static int publish(struct pub *p, enum wire_type type, int64_t t_ns, const uint8_t *payload,
                   int len)
{
    if (len < 0) {
        fprintf(stderr, "scenario_pub: encode failed for %s\n", wire_topic(type));
        return -1;
    }
    wire_header h = {WIRE_VERSION,  (uint8_t)type,  0,   p->source_id,
                     (uint32_t)len, ++p->seq[type], t_ns};
    wire_header_encode(&h, p->buf);
    memmove(p->buf + WIRE_HEADER_LEN, payload, (size_t)len);
    const char *topic = wire_topic(type);
    if (zmq_send(p->sock, topic, strlen(topic), ZMQ_SNDMORE) < 0 ||
        zmq_send(p->sock, p->buf, WIRE_HEADER_LEN + (size_t)len, 0) < 0) {
        fprintf(stderr, "scenario_pub: zmq_send: %s\n", zmq_strerror(errno));
        return -1;
    }
    return 0;
}

static int send_track(struct pub *p, const wire_track *t)
{
    uint8_t payload[1024];
    return publish(p, WIRE_TRACK, t->time_ns, payload,
                   wire_track_encode(t, payload, sizeof payload));
}

struct vessel {
    uint32_t mmsi;
    const char *name, *callsign, *dest;
    uint8_t cls, type;
    double lat, lon, sog, cog;
    uint16_t len, beam;
    uint32_t zones;
};

/* Zone bits as in pipeline/zones: 0 eez, 1 territorial sea, 2 contiguous, 3 canal approach,
 * 4 anchorage, 5 TSS lane. */
static const struct vessel fleet[] = {
    {351234000, "PANAMAX TRADER", "3FAB1", "BALBOA", 'A', 70, 8.85, -79.52, 11.2, 160, 294, 32,
     0x0b},
    {636012345, "LIBERIAN STAR", "D5XY2", "CRISTOBAL", 'A', 80, 9.42, -79.93, 0.1, 0, 250, 44,
     0x1b},
    {538009876, "MARSHALL GAS", "V7QR3", "US HOU", 'A', 84, 8.70, -79.40, 14.0, 200, 230, 36, 0x03},
    {311000111, "BAHAMAS PRIDE", "C6ZZ4", "COLON", 'A', 60, 9.60, -79.85, 18.0, 190, 300, 40, 0x03},
    {224123450, "PESQUERO UNO", "EA1234", "", 'A', 30, 7.20, -80.90, 3.5, 270, 35, 8, 0x01},
    {351900800, "ARRASTRE 7", "HO9876", "", 'B', 30, 7.90, -78.30, 4.0, 90, 18, 5, 0x03},
    {352001234, "TUG CHAGRES", "HP5555", "BALBOA", 'A', 52, 8.93, -79.55, 6.0, 320, 30, 10, 0x0f},
    {366998877, "SEA BREEZE", "WDE1234", "SAN BLAS", 'B', 37, 9.55, -78.95, 7.5, 95, 15, 5, 0x03},
    {730150000, "CARTAGENA EXPRESS", "5KAB", "CARTAGENA", 'A', 40, 9.10, -77.90, 28.0, 110, 40, 9,
     0x01},
    {351777000, "SENAN GUARDIAN", "HO2020", "", 'A', 55, 8.30, -78.40, 22.0, 150, 45, 8, 0x03},
    {477555000, "HONG KONG CARRIER", "VRAB5", "LAZARO CARD", 'A', 71, 7.50, -79.80, 16.5, 170, 366,
     51, 0x01},
    {248333000, "MALTA SPIRIT", "9HA99", "MANZANILLO", 'A', 89, 9.38, -79.90, 0.0, 0, 183, 32,
     0x13},
};
#define N_FLEET (sizeof fleet / sizeof fleet[0])

static void fill_vessel(wire_track *t, const struct vessel *v, uint32_t id, int64_t now_ns,
                        int cycle)
{
    memset(t, 0, sizeof *t);
    t->track_id = id;
    t->mmsi = v->mmsi;
    t->state = TRACK_CONFIRMED;
    t->update = cycle == 0 ? TRACK_UPD_STATIC : TRACK_UPD_POSITION;
    t->sensors = TRACK_SENSOR_AIS | (id % 4 == 0 ? TRACK_SENSOR_RADAR : 0);
    t->ais_class = v->cls;
    t->flags = TRACK_FLAG_IN_COVERAGE;
    t->quality = 90;
    t->nav_status = v->sog < 0.5 ? 1 : 0;
    t->time_ns = now_ns;
    t->last_report_ns = now_ns - (int64_t)(id % 7) * 1000000000LL;
    /* Dead reckoning from the start position: 1 kn = 1852 m/h. */
    double d_m = v->sog * 1852.0 / 3600.0 * cycle * 10; /* 10 s of motion per cycle */
    double c = v->cog * M_PI / 180;
    t->lat_deg = v->lat + d_m * cos(c) / 111320.0;
    t->lon_deg = v->lon + d_m * sin(c) / (111320.0 * cos(v->lat * M_PI / 180));
    t->sog_kn = (float)v->sog;
    t->cog_deg = (float)v->cog;
    t->heading_deg = v->sog < 0.5 ? NAN : (float)v->cog;
    t->pos_sigma_m = 12;
    t->imo = v->cls == 'A' && v->len > 100 ? 9000000 + id : 0;
    t->ship_type = v->type;
    t->length_m = v->len;
    t->beam_m = v->beam;
    snprintf(t->name, sizeof t->name, "%s", v->name);
    snprintf(t->callsign, sizeof t->callsign, "%s", v->callsign);
    snprintf(t->destination, sizeof t->destination, "%s", v->dest);
    t->zones = v->zones;
    t->dist_shore_m = 15000;
    t->n_stations = 1 + id % 2;
    t->n_reports = (uint32_t)(10 + cycle);
}

/* end_ns: when a closed alert ended (ignored unless state is ALERT_CLOSE). */
static int send_alert(struct pub *p, uint64_t id, const char *rule, uint8_t state, uint32_t mmsi,
                      uint32_t track, double lat, double lon, float score, int64_t start_ns,
                      int64_t end_ns, int64_t now_ns, const char *evidence)
{
    static wire_alert a;
    memset(&a, 0, sizeof a);
    a.alert_id = id;
    snprintf(a.rule, sizeof a.rule, "%s", rule);
    a.state = state;
    a.n_mmsi = mmsi ? 1 : 0;
    a.mmsi[0] = mmsi;
    a.track_id = track;
    a.start_ns = start_ns;
    a.end_ns = state == ALERT_CLOSE ? end_ns : 0;
    a.lat_deg = lat;
    a.lon_deg = lon;
    a.score = score;
    a.severity = score / 100;
    a.confidence = 0.9f;
    a.context = 1;
    snprintf(a.evidence, sizeof a.evidence, "%s", evidence);
    static uint8_t payload[4096];
    return publish(p, WIRE_ALERT, now_ns, payload, wire_alert_encode(&a, payload, sizeof payload));
}

static int send_ais(struct pub *p, uint32_t station, char ch, uint32_t mmsi, int64_t now_ns)
{
    static wire_ais m;
    memset(&m, 0, sizeof m);
    m.station_id = station;
    m.channel = ch;
    m.rx_time_ns = now_ns;
    m.signal_dbfs = -30.0f - (float)(mmsi % 20);
    m.snr_db = 18.0f;
    m.freq_offset_hz = 120;
    m.ppm = 0.7f;
    m.nbits = 168;
    m.bits[0] = 1 << 2; /* message type 1 */
    m.bits[1] = (uint8_t)(mmsi >> 22);
    snprintf(m.nmea, sizeof m.nmea, "!AIVDM,1,1,,%c,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24", ch);
    static uint8_t payload[2048];
    return publish(p, WIRE_AIS, now_ns, payload, wire_ais_encode(&m, payload, sizeof payload));
}

static int scenario_cycle(struct pub *p, int cycle, int64_t now_ns, int64_t t0_ns)
{
    wire_track t;
    for (size_t i = 0; i < N_FLEET; i++) {
        fill_vessel(&t, &fleet[i], (uint32_t)(i + 1), now_ns, cycle);
        if (send_track(p, &t) != 0)
            return -1;
        if (send_ais(p, 1 + (uint32_t)(i % 2), i % 2 ? 'B' : 'A', fleet[i].mmsi, now_ns) != 0)
            return -1;
    }
    /* The dark target: radar only, fast, heading for the Darién coast. */
    memset(&t, 0, sizeof t);
    t.track_id = 500;
    t.state = TRACK_CONFIRMED;
    t.sensors = TRACK_SENSOR_RADAR;
    t.flags = TRACK_FLAG_DARK | TRACK_FLAG_IN_COVERAGE;
    t.quality = 60;
    t.nav_status = 15;
    t.time_ns = now_ns;
    t.last_report_ns = now_ns;
    t.lat_deg = 8.05 + 0.0008 * cycle;
    t.lon_deg = -78.10 - 0.0010 * cycle;
    t.sog_kn = 32;
    t.cog_deg = 320;
    t.heading_deg = NAN;
    t.pos_sigma_m = 60;
    t.zones = 0x07;
    t.dist_shore_m = 9000;
    t.radar_site = 7;
    t.radar_target = 42;
    t.n_reports = (uint32_t)(5 + cycle);
    if (send_track(p, &t) != 0)
        return -1;
    /* A track that appears once, then is removed: never counted after removal. */
    fill_vessel(&t, &fleet[0], 900, now_ns, cycle);
    t.mmsi = 351000999;
    snprintf(t.name, sizeof t.name, "GHOST");
    t.state = TRACK_REMOVED;
    t.update = TRACK_UPD_STATE;
    if (cycle == 0) {
        t.state = TRACK_CONFIRMED;
        t.update = TRACK_UPD_POSITION;
    }
    if (send_track(p, &t) != 0)
        return -1;
    uint8_t st = cycle == 0 ? ALERT_OPEN : ALERT_UPDATE;
    const int64_t cycle_ns = 1000000000LL;
    if (send_alert(p, 1, "dark_target", st, 0, 500, 8.05, -78.10, 82, t0_ns, 0, now_ns,
                   "{\"speed_kn\":32,\"class\":\"fast\",\"no_ais_s\":600}") != 0 ||
        send_alert(p, 2, "fast_near_coast", st, 730150000, 9, 9.10, -77.90, 61, t0_ns, 0, now_ns,
                   "{\"sog_kn\":28,\"dist_shore_nm\":8.1}") != 0 ||
        send_alert(p, 3, "ais_gap", cycle >= 5 ? ALERT_CLOSE : st, 224123450, 5, 7.20, -80.90,
                   35.5f, t0_ns, t0_ns + 5 * cycle_ns, now_ns, "{\"gap_s\":2400}") != 0 ||
        send_alert(p, 4, "loitering", cycle >= 2 ? ALERT_CLOSE : st, 224123450, 5, 7.20, -80.90, 20,
                   t0_ns, t0_ns + 2 * cycle_ns, now_ns, "{\"radius_m\":300}") != 0)
        return -1;
    char stats[512];
    snprintf(stats, sizeof stats,
             "{\"node\":\"scenario_pub\",\"section\":\"scenario_pub\",\"source_id\":%u,"
             "\"uptime_s\":%d,\"rx\":{\"messages\":0},\"tx\":{\"messages\":%d},"
             "\"counters\":{\"cycles\":%d},\"gauges\":{},\"info\":{}}",
             p->source_id, cycle, (cycle + 1) * 30, cycle + 1);
    uint8_t payload[1024];
    return publish(p, WIRE_STATS, now_ns, payload,
                   wire_stats_encode(stats, payload, sizeof payload));
}

/* Deterministic pseudo-random numbers (xorshift64*), so bench runs are comparable. */
static double rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (double)((*s * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
}

static int bench_cycle(struct pub *p, int n, int cycle, int64_t now_ns)
{
    static const uint8_t types[] = {70, 80, 60, 30, 52, 37, 40, 89, 31, 36};
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    wire_track t;
    for (int i = 0; i < n; i++) {
        double lat0 = 5 + 7 * rnd(&seed), lon0 = -83 + 6 * rnd(&seed);
        double sog = 5 + 20 * rnd(&seed), cog = 360 * rnd(&seed);
        int dark = i % 50 == 0;
        memset(&t, 0, sizeof t);
        t.track_id = (uint32_t)(i + 1);
        t.mmsi = dark ? 0 : 200000000u + (uint32_t)(rnd(&seed) * 500000000.0);
        t.state = TRACK_CONFIRMED;
        t.sensors = dark ? TRACK_SENSOR_RADAR : TRACK_SENSOR_AIS;
        t.ais_class = dark ? 0 : (i % 3 ? 'A' : 'B');
        t.flags = dark ? TRACK_FLAG_DARK : 0;
        t.quality = 80;
        t.nav_status = 0;
        t.time_ns = now_ns;
        t.last_report_ns = now_ns;
        double d_m = sog * 1852.0 / 3600.0 * cycle;
        t.lat_deg = lat0 + d_m * cos(cog * M_PI / 180) / 111320.0;
        t.lon_deg = lon0 + d_m * sin(cog * M_PI / 180) / (111320.0 * cos(lat0 * M_PI / 180));
        t.sog_kn = (float)sog;
        t.cog_deg = (float)cog;
        t.heading_deg = (float)cog;
        t.pos_sigma_m = 10;
        t.ship_type = types[i % 10];
        t.length_m = (uint16_t)(20 + i % 300);
        t.beam_m = 10;
        snprintf(t.name, sizeof t.name, "VESSEL %d", i + 1);
        t.dist_shore_m = NAN;
        t.n_reports = (uint32_t)cycle;
        if (send_track(p, &t) != 0)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *endpoint = "@tcp://127.0.0.1:5601";
    int vessels = 0, cycles = 0;
    double period_s = 1.0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--pub") == 0 && i + 1 < argc)
            endpoint = argv[++i];
        else if (strcmp(argv[i], "--vessels") == 0 && i + 1 < argc)
            vessels = atoi(argv[++i]);
        else if (strcmp(argv[i], "--cycles") == 0 && i + 1 < argc)
            cycles = atoi(argv[++i]);
        else if (strcmp(argv[i], "--period_s") == 0 && i + 1 < argc)
            period_s = atof(argv[++i]);
        else if (strcmp(argv[i], "--archive") == 0 && i + 1 < argc)
            fprintf(stderr, "scenario_pub: standing in for a replay of %s\n", argv[++i]);
        else {
            fprintf(stderr,
                    "usage: scenario_pub [--pub @ENDPOINT] [--vessels N] [--cycles N (0: until "
                    "killed)] [--period_s S] [--archive PATH (ignored: stands in for replay)]\n");
            return 2;
        }
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    void *ctx = zmq_ctx_new();
    struct pub *p = calloc(1, sizeof *p);
    p->source_id = 77;
    p->sock = ctx ? zmq_socket(ctx, ZMQ_PUB) : NULL;
    int hwm = 1000000, linger = 0;
    if (!p->sock || zmq_setsockopt(p->sock, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0 ||
        zmq_setsockopt(p->sock, ZMQ_LINGER, &linger, sizeof linger) != 0) {
        fprintf(stderr, "scenario_pub: zmq socket: %s\n", zmq_strerror(errno));
        return 1;
    }
    const char *ep = endpoint + (endpoint[0] == '@' || endpoint[0] == '>');
    int rc = endpoint[0] == '>' ? zmq_connect(p->sock, ep) : zmq_bind(p->sock, ep);
    if (rc != 0) {
        fprintf(stderr, "scenario_pub: cannot attach %s: %s\n", ep, zmq_strerror(errno));
        return 1;
    }
    const int64_t t0_ns = 1723723200LL * 1000000000LL; /* 2024-08-15T12:00:00Z */
    for (int cycle = 0; !g_stop && (cycles == 0 || cycle < cycles); cycle++) {
        int64_t now_ns = t0_ns + (int64_t)cycle * 1000000000LL;
        if ((vessels ? bench_cycle(p, vessels, cycle, now_ns)
                     : scenario_cycle(p, cycle, now_ns, t0_ns)) != 0)
            return 1;
        struct timespec ts = {(time_t)period_s, (long)((period_s - (time_t)period_s) * 1e9)};
        nanosleep(&ts, NULL);
    }
    zmq_close(p->sock);
    zmq_ctx_term(ctx);
    free(p);
    return 0;
}
