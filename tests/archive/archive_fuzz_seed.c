/* Writes the seed of the archive reader fuzzer (tests/fuzz/fuzz_h5.c): a tiny valid archive
 * with a few rows of every table (two vessels, a track, a radar report, an alert with evidence,
 * a stats row) and its index, so mutations reach every reader path.
 *
 *   archive_fuzz_seed <output.h5>
 *
 * The committed seed tests/fuzz/corpus/h5/tiny.h5 is this program's output; regenerate it only
 * on purpose (after a layout change). */
#include "centinela/archive.h"
#include "centinela/log.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const int64_t T0_NS = 1772373600LL * 1000000000LL; /* 2026-03-01T14:00:00Z */

/* A type 1 position report (ITU-R M.1371 message 1), 168 bits, MSB first. */
static void put_bits(uint8_t *b, int at, int n, uint32_t v)
{
    for (int i = 0; i < n; i++)
        if (v >> (n - 1 - i) & 1u)
            b[(at + i) / 8] |= (uint8_t)(0x80u >> ((at + i) % 8));
}

static void make_ais(wire_ais *m, uint32_t mmsi, int64_t t_ns, int32_t lat_1e4min,
                     int32_t lon_1e4min)
{
    memset(m, 0, sizeof *m);
    m->station_id = 1;
    m->channel = 'A';
    m->rx_time_ns = t_ns;
    m->signal_dbfs = -42.0f;
    m->snr_db = 18.5f;
    m->freq_offset_hz = -150.0f;
    m->ppm = -0.9f;
    m->nbits = 168;
    put_bits(m->bits, 0, 6, 1);     /* message type */
    put_bits(m->bits, 8, 30, mmsi); /* MMSI */
    put_bits(m->bits, 38, 4, 0);    /* navigational status: under way */
    put_bits(m->bits, 42, 8, 0x80); /* rate of turn: not available */
    put_bits(m->bits, 50, 10, 123); /* SOG 12.3 kn */
    put_bits(m->bits, 61, 28, (uint32_t)lon_1e4min & 0x0fffffffu);
    put_bits(m->bits, 89, 27, (uint32_t)lat_1e4min & 0x07ffffffu);
    put_bits(m->bits, 116, 12, 2700); /* COG 270.0 */
    put_bits(m->bits, 128, 9, 271);   /* heading */
    put_bits(m->bits, 137, 6, 10);    /* second */
    snprintf(m->nmea, sizeof m->nmea, "!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: archive_fuzz_seed <output.h5>\n");
        return 2;
    }
    unlink(argv[1]);
    archive_writer_config c = {.path = argv[1],
                               .rotate = "none",
                               .deflate_level = 4,
                               .index_on_close = true,
                               .max_open_files = 1};
    archive_writer *w = archive_writer_create(&c);
    if (!w)
        return 1;
    int rc = 0;
    for (int i = 0; i < 4; i++) {
        static wire_ais m;
        int64_t t = T0_NS + i * 10000000000LL;
        uint32_t mmsi = i % 2 ? 352000900u : 636254364u;
        make_ais(&m, mmsi, t, (int32_t)(8.9 * 600000), (int32_t)(-79.5 * 600000));
        wire_header h = {.version = WIRE_VERSION,
                         .type = WIRE_AIS,
                         .source_id = 2,
                         .seq = (uint64_t)i + 1,
                         .event_time_ns = t};
        rc |= archive_writer_ais(w, &h, &m);
    }
    wire_track k;
    memset(&k, 0, sizeof k);
    k.track_id = 7;
    k.mmsi = 352000900u;
    k.state = TRACK_CONFIRMED;
    k.sensors = TRACK_SENSOR_AIS;
    k.ais_class = 'A';
    k.time_ns = k.last_report_ns = T0_NS + 30000000000LL;
    k.lat_deg = 8.9;
    k.lon_deg = -79.5;
    k.sog_kn = 12.3f;
    k.cog_deg = 270.0f;
    k.heading_deg = NAN;
    k.pos_sigma_m = 15.0f;
    k.dist_shore_m = NAN;
    snprintf(k.name, sizeof k.name, "SEED");
    wire_header th = {.version = WIRE_VERSION,
                      .type = WIRE_TRACK,
                      .source_id = 3,
                      .seq = 1,
                      .event_time_ns = k.time_ns};
    rc |= archive_writer_track(w, &th, &k);
    wire_radar r;
    memset(&r, 0, sizeof r);
    r.site_id = 1;
    r.target = 12;
    r.status = 'T';
    r.time_ns = T0_NS + 20000000000LL;
    r.lat_deg = 8.91;
    r.lon_deg = -79.52;
    r.range_m = r.bearing_deg = NAN;
    r.speed_kn = 22.0f;
    r.course_deg = 10.0f;
    wire_header rh = {.version = WIRE_VERSION,
                      .type = WIRE_RADAR,
                      .source_id = 5,
                      .seq = 1,
                      .event_time_ns = r.time_ns};
    rc |= archive_writer_radar(w, &rh, &r);
    static wire_alert a;
    memset(&a, 0, sizeof a);
    a.alert_id = (4ull << 32) | 1;
    snprintf(a.rule, sizeof a.rule, "position_jump");
    a.state = ALERT_CLOSE;
    a.n_mmsi = 1;
    a.mmsi[0] = 352000900u;
    a.track_id = 7;
    a.start_ns = T0_NS;
    a.end_ns = T0_NS + 30000000000LL;
    a.lat_deg = 8.9;
    a.lon_deg = -79.5;
    a.score = 42.0f;
    a.severity = a.confidence = a.context = 0.75f;
    snprintf(a.evidence, sizeof a.evidence, "{\"implied_kn\":61.2}");
    wire_header ah = {.version = WIRE_VERSION,
                      .type = WIRE_ALERT,
                      .source_id = 4,
                      .seq = 1,
                      .event_time_ns = a.end_ns};
    rc |= archive_writer_alert(w, &ah, &a);
    wire_header sh = {.version = WIRE_VERSION,
                      .type = WIRE_STATS,
                      .source_id = 2,
                      .seq = 9,
                      .event_time_ns = T0_NS + 30000000000LL};
    rc |= archive_writer_stats(w, &sh, "{\"section\":\"ais_demod\",\"tx\":4}", 1);
    archive_writer_destroy(&w);
    if (rc) {
        fprintf(stderr, "archive_fuzz_seed: a row was not written\n");
        return 1;
    }
    return 0;
}
