/* ais_flood: a load source.  Publishes AIS position reports (type 1, valid payloads and NMEA)
 * for `vessels` ships moving by dead reckoning in the Gulf of Panama, at `rate` messages per
 * second of event time, for `duration_s`, as one receiving station.  Each instance draws its
 * MMSIs from its own block (mmsi_base) so fused output can be counted exactly. */
#include "centinela/ais.h"
#include "centinela/log.h"
#include "centinela/nmea.h"
#include "centinela/node.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const opt_spec flood_options[] = {
    {"rate", 0, OPT_REAL, "3750", 1, 1e7, "messages per second of event time"},
    {"duration_s", 0, OPT_REAL, "60", 0.001, 1e7, "event-time length of the run"},
    {"vessels", 0, OPT_INT, "1000", 1, 10000000, "ships in the scene"},
    {"mmsi_base", 0, OPT_INT, "352000000", 201000000, 775000000, "first MMSI of this source's block"},
    {"station_id", 0, OPT_INT, "1", 0, 4294967295.0, "receiving station id in ais messages"},
    {"start_time", 0, OPT_STR, "2024-05-01T00:00:00Z", 0, -1, "event time of the first message"},
    {"pace", 0, OPT_STR, "realtime", 0, -1, "realtime or fast"},
    {"seed", 0, OPT_INT, "1", 0, 1e9, "random seed of the scene"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

struct ship {
    double lat, lon, sog_kn, cog_deg;
    int64_t t_ns;
};

struct flood {
    node *n;
    struct ship *ships;
    long vessels;
    uint32_t mmsi_base, station;
    double rate, duration_s;
    int64_t start_ns;
    uint64_t sent, total;
    bool realtime;
    struct timespec t0;
    uint64_t *counter;
    wire_ais msg;
    uint8_t payload[2048];
};

static int produce(void *ctx)
{
    struct flood *f = ctx;
    if (f->sent >= f->total)
        return 1;
    /* A batch per call keeps the loop responsive to signals and stats. */
    for (int b = 0; b < 256 && f->sent < f->total; b++) {
        int64_t t_ns = f->start_ns + (int64_t)((double)f->sent * 1e9 / f->rate);
        if (f->realtime) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            double el = (now.tv_sec - f->t0.tv_sec) + (now.tv_nsec - f->t0.tv_nsec) * 1e-9;
            double due = (double)f->sent / f->rate;
            if (due > el) {
                if (b > 0)
                    break;
                double d = due - el;
                struct timespec ts = {(time_t)d, (long)((d - floor(d)) * 1e9)};
                nanosleep(&ts, NULL);
            }
        }
        long i = (long)(f->sent % (uint64_t)f->vessels);
        struct ship *s = &f->ships[i];
        double dt = (t_ns - s->t_ns) * 1e-9;
        double d_m = s->sog_kn * 1852.0 / 3600.0 * dt;
        s->lat += d_m * cos(s->cog_deg * M_PI / 180) / 111320.0;
        s->lon += d_m * sin(s->cog_deg * M_PI / 180) / (111320.0 * cos(s->lat * M_PI / 180));
        s->t_ns = t_ns;

        ais_msg m;
        memset(&m, 0, sizeof m);
        m.type = 1;
        m.mmsi = f->mmsi_base + (uint32_t)i;
        m.u.position.status = 0;
        m.u.position.turn = AIS_TURN_NA;
        m.u.position.speed = (uint32_t)lround(s->sog_kn * 10);
        m.u.position.course = (uint32_t)lround(s->cog_deg * 10) % 3600;
        m.u.position.heading = (uint32_t)lround(s->cog_deg) % 360;
        m.u.position.lat = (int32_t)lround(s->lat * 600000);
        m.u.position.lon = (int32_t)lround(s->lon * 600000);
        m.u.position.second = (uint32_t)((t_ns / 1000000000) % 60);
        size_t nbits;
        memset(f->msg.bits, 0, sizeof f->msg.bits);
        if (ais_encode(&m, f->msg.bits, sizeof f->msg.bits, &nbits) != 0) {
            log_error("cannot encode a position report");
            return -1;
        }
        f->msg.nbits = (uint16_t)nbits;
        f->msg.station_id = f->station;
        f->msg.channel = (f->sent & 1) ? 'B' : 'A';
        f->msg.rx_time_ns = t_ns;
        f->msg.signal_dbfs = f->msg.snr_db = f->msg.freq_offset_hz = f->msg.ppm = NAN;
        if (nmea_encode_vdm(f->msg.bits, nbits, "AIVDM", f->msg.channel, 0, f->msg.nmea,
                            sizeof f->msg.nmea) < 0) {
            log_error("cannot encode NMEA");
            return -1;
        }
        size_t k = strlen(f->msg.nmea);
        while (k && (f->msg.nmea[k - 1] == '\n' || f->msg.nmea[k - 1] == '\r'))
            f->msg.nmea[--k] = 0;
        int len = wire_ais_encode(&f->msg, f->payload, sizeof f->payload);
        if (len < 0 || node_publish(f->n, WIRE_AIS, t_ns, 0, f->payload, (size_t)len) != 0)
            return len < 0 ? -1 : 0;
        f->sent++;
        (*f->counter)++;
    }
    node_gauge(f->n, "progress", (double)f->sent / (double)f->total);
    return 0;
}

int main(int argc, char **argv)
{
    int code;
    node *n = node_create("ais_flood", flood_options, "Publish synthetic AIS load.", argc, argv, &code);
    if (!n)
        return code;
    const config *c = node_config(n);
    struct flood f = {.n = n};
    f.rate = config_real(c, "rate");
    f.duration_s = config_real(c, "duration_s");
    f.vessels = (long)config_int(c, "vessels");
    f.mmsi_base = (uint32_t)config_int(c, "mmsi_base");
    f.station = (uint32_t)config_int(c, "station_id");
    f.total = (uint64_t)llround(f.rate * f.duration_s);
    f.realtime = strcmp(config_str(c, "pace"), "realtime") == 0;
    if (wire_parse_time(config_str(c, "start_time"), &f.start_ns) != 0) {
        log_error("start_time '%s' is not ISO 8601", config_str(c, "start_time"));
        return 2;
    }
    f.ships = x_calloc((size_t)f.vessels, sizeof *f.ships);
    srand((unsigned)config_int(c, "seed"));
    for (long i = 0; i < f.vessels; i++) {
        f.ships[i] = (struct ship){7.2 + 1.6 * rand() / (double)RAND_MAX,
                                   -80.3 + 1.6 * rand() / (double)RAND_MAX,
                                   2 + 16.0 * rand() / (double)RAND_MAX,
                                   360.0 * rand() / ((double)RAND_MAX + 1), f.start_ns};
    }
    f.counter = node_counter(n, "messages");
    node_declare_output(n, WIRE_AIS);
    clock_gettime(CLOCK_MONOTONIC, &f.t0);
    node_handlers h = {.produce = produce};
    code = node_run(n, &h, &f);
    free(f.ships);
    node_destroy(&n);
    return code;
}
