/* Position tables through nmea_input's line handling: the MarineCadastre and Danish Maritime
 * Authority CSV samples in data/ (written for this test, in each source's column order and time
 * format) become type 1/18 position reports and type 5/24 static data at each row's time; every
 * field is decoded back and compared with the row; unreadable rows are counted; the raw NMEA of
 * each message is read again by an ordinary feed and gives the same bits.
 *   test_nmea_input_csv DATA_DIR */
#include "csv_positions.h"
#include "feed.h"

#include "centinela/ais.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define MAX_OUT 32
typedef struct sink {
    int n;
    wire_ais w[MAX_OUT];
    ais_msg m[MAX_OUT];
} sink;

static void on_ais(void *ctx, const wire_ais *w)
{
    sink *s = ctx;
    if (s->n == MAX_OUT)
        return;
    s->w[s->n] = *w;
    if (ais_decode(w->bits, w->nbits, &s->m[s->n]) != AIS_OK)
        fprintf(stderr, "message %d does not decode\n", s->n);
    s->n++;
}

/* Every line of a file through a feed; returns the feed (stats) and fills the sink. */
static feed *run_file(const char *dir, const char *name, sink *s)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        perror(path);
        exit(1);
    }
    feed_handlers h = {on_ais, NULL, s};
    feed *f = feed_create(7, NULL, 0, -1, &h);
    char line[4096];
    while (fgets(line, sizeof line, fp))
        feed_line(f, line, strlen(line), 0);
    fclose(fp);
    feed_flush(f);
    return f;
}

/* The raw sentences of every message, read by a plain NMEA feed, give the same bits. */
static void check_raw_round_trip(const sink *s)
{
    sink again = {0};
    feed_handlers h = {on_ais, NULL, &again};
    feed *f = feed_create(7, NULL, 0, -1, &h);
    for (int i = 0; i < s->n; i++) {
        const char *p = s->w[i].nmea;
        while (*p) {
            const char *e = strchr(p, '\n');
            size_t k = e ? (size_t)(e - p) : strlen(p);
            feed_line(f, p, k, s->w[i].rx_time_ns);
            p += k + (e ? 1 : 0);
        }
    }
    feed_destroy(&f);
    CHECK(again.n == s->n);
    for (int i = 0; i < s->n && i < again.n; i++)
        CHECK(again.w[i].nbits == s->w[i].nbits &&
              memcmp(again.w[i].bits, s->w[i].bits, (s->w[i].nbits + 7) / 8) == 0);
}

static bool near(double a, double b, double tol)
{
    return fabs(a - b) <= tol;
}

static void test_marinecadastre(const char *dir)
{
    static sink s;
    memset(&s, 0, sizeof s);
    feed *f = run_file(dir, "marinecadastre.csv", &s);
    feed_stats st;
    feed_get_stats(f, &st);
    CHECK(st.csv_layout && strcmp(st.csv_layout, "MarineCadastre") == 0);
    CHECK(st.csv_rows == 3);
    CHECK(st.csv_bad_rows == 3); /* latitude not a number, month 13, no MMSI */
    CHECK(st.csv_skipped_rows == 0);
    CHECK(st.ais_out == 6);
    CHECK(s.n == 6);
    if (s.n != 6) {
        feed_destroy(&f);
        return;
    }
    /* row 1: class A position and its static data */
    const ais_msg *m = &s.m[0];
    CHECK(m->type == 1 && m->mmsi == 367596940);
    CHECK(s.w[0].rx_time_ns == 1672531205LL * 1000000000LL);
    CHECK(s.w[0].station_id == 7);
    CHECK(near(ais_deg_1e4min(m->u.position.lat), 29.93574, 1e-6));
    CHECK(near(ais_deg_1e4min(m->u.position.lon), -89.99264, 1e-6));
    CHECK(m->u.position.speed == 0 && m->u.position.course == 2435);
    CHECK(m->u.position.heading == AIS_HEADING_NA && m->u.position.status == 0);
    CHECK(m->u.position.second == 5 && m->u.position.turn == AIS_TURN_NA);
    m = &s.m[1];
    CHECK(m->type == 5 && m->mmsi == 367596940);
    CHECK(s.w[1].rx_time_ns == s.w[0].rx_time_ns);
    CHECK(strcmp(m->u.static_voyage.shipname, "SEA DOLPHIN") == 0);
    CHECK(strcmp(m->u.static_voyage.callsign, "WDH3837") == 0);
    CHECK(m->u.static_voyage.imo == 8806011 && m->u.static_voyage.shiptype == 31);
    CHECK(m->u.static_voyage.to_bow + m->u.static_voyage.to_stern == 23);
    CHECK(m->u.static_voyage.to_port + m->u.static_voyage.to_starboard == 10);
    CHECK(m->u.static_voyage.draught == 30);
    /* row 2: class B position, 24 A and B */
    m = &s.m[2];
    CHECK(m->type == 18 && m->mmsi == 338123456);
    CHECK(s.w[2].rx_time_ns == 1672531207LL * 1000000000LL);
    CHECK(near(ais_deg_1e4min(m->u.class_b.lat), 8.95, 1e-6));
    CHECK(near(ais_deg_1e4min(m->u.class_b.lon), -79.56, 1e-6));
    CHECK(m->u.class_b.speed == 123 && m->u.class_b.course == 450 && m->u.class_b.heading == 44);
    m = &s.m[3];
    CHECK(m->type == 24 && m->u.static_data.partno == 0);
    CHECK(strcmp(m->u.static_data.shipname, "BLUE WAVE") == 0);
    m = &s.m[4];
    CHECK(m->type == 24 && m->u.static_data.partno == 1 && m->u.static_data.shiptype == 37);
    CHECK(strcmp(m->u.static_data.callsign, "WXY1234") == 0);
    CHECK(m->u.static_data.to_bow + m->u.static_data.to_stern == 12);
    /* row 3: the same static columns again: the position only */
    m = &s.m[5];
    CHECK(m->type == 1 && m->mmsi == 367596940 && m->u.position.heading == 90);
    CHECK(m->u.position.speed == 1 && m->u.position.course == 1802);
    CHECK(s.w[5].rx_time_ns == (1672531205LL + 70) * 1000000000LL);
    CHECK(feed_last_time_ns(f) == s.w[5].rx_time_ns);
    check_raw_round_trip(&s);
    feed_destroy(&f);
}

static void test_dma(const char *dir)
{
    static sink s;
    memset(&s, 0, sizeof s);
    feed *f = run_file(dir, "dma.csv", &s);
    feed_stats st;
    feed_get_stats(f, &st);
    CHECK(st.csv_layout && strcmp(st.csv_layout, "DMA") == 0);
    CHECK(st.csv_rows == 3);
    CHECK(st.csv_bad_rows == 3);     /* hour 25, MMSI with a letter, latitude 95 */
    CHECK(st.csv_skipped_rows == 1); /* the base station */
    CHECK(s.n == 6);
    if (s.n != 6) {
        feed_destroy(&f);
        return;
    }
    const int64_t t0 = 1698796800LL * 1000000000LL; /* 2023-11-01T00:00:00Z */
    const ais_msg *m = &s.m[0];
    CHECK(m->type == 1 && m->mmsi == 219000123 && s.w[0].rx_time_ns == t0);
    CHECK(near(ais_deg_1e4min(m->u.position.lat), 55.6761, 1e-6));
    CHECK(near(ais_deg_1e4min(m->u.position.lon), 12.5683, 1e-6));
    CHECK(m->u.position.status == 0 && m->u.position.speed == 102);
    CHECK(m->u.position.course == 905 && m->u.position.heading == 91);
    CHECK(m->u.position.turn == -9); /* 4.733 * sqrt(4) = 9.47 */
    m = &s.m[1];
    CHECK(m->type == 5 && m->mmsi == 219000123);
    const ais_static_voyage *v = &m->u.static_voyage;
    CHECK(strcmp(v->shipname, "NORDIC STAR") == 0 && strcmp(v->callsign, "OXAB2") == 0);
    CHECK(v->imo == 9321483 && v->shiptype == 70 && v->epfd == 1 && v->draught == 75);
    CHECK(v->to_bow == 100 && v->to_stern == 20 && v->to_port == 10 && v->to_starboard == 10);
    CHECK(strcmp(v->destination, "AARHUS") == 0);
    CHECK(v->month == 11 && v->day == 2 && v->hour == 6 && v->minute == 30);
    m = &s.m[2];
    CHECK(m->type == 18 && m->mmsi == 219999888 && s.w[2].rx_time_ns == t0 + 3000000000LL);
    CHECK(m->u.class_b.speed == 50 && m->u.class_b.course == 2700);
    CHECK(m->u.class_b.heading == AIS_HEADING_NA);
    m = &s.m[3];
    CHECK(m->type == 24 && m->u.static_data.partno == 0 &&
          strcmp(m->u.static_data.shipname, "LILLE MY") == 0);
    m = &s.m[4];
    CHECK(m->type == 24 && m->u.static_data.partno == 1 && m->u.static_data.shiptype == 37);
    CHECK(m->u.static_data.to_bow == 5 && m->u.static_data.to_stern == 4);
    CHECK(m->u.static_data.to_port == 2 && m->u.static_data.to_starboard == 1);
    CHECK(strcmp(m->u.static_data.callsign, "OU1234") == 0);
    /* 91/181: position not available; moored; static unchanged, so no second type 5 */
    m = &s.m[5];
    CHECK(m->type == 1 && m->u.position.lat == AIS_LAT_NA && m->u.position.lon == AIS_LON_NA);
    CHECK(m->u.position.status == 5 && m->u.position.course == AIS_COURSE_NA);
    CHECK(s.w[5].rx_time_ns == t0 + 4000000000LL);
    check_raw_round_trip(&s);
    feed_destroy(&f);
}

/* Headers that are not position tables, and the row-time helper used for pacing. */
static void test_detection(void)
{
    const char *not_tables[] = {
        "!AIVDM,1,1,,B,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*33", "MMSI,LAT,LON", /* no time column */
        "time,mmsi,x,y",                /* no latitude / longitude */
        "BaseDateTime,LAT,LON,SOG,COG", /* no MMSI */
    };
    for (size_t i = 0; i < sizeof not_tables / sizeof not_tables[0]; i++) {
        csv_positions *p = csv_positions_create(not_tables[i], strlen(not_tables[i]));
        CHECK(p == NULL);
        csv_positions_destroy(&p);
    }
    /* columns in another order, a byte-order mark and "Timestamp" without '#' */
    const char *h = "\xef\xbb\xbfLatitude, Longitude ,MMSI,Timestamp";
    csv_positions *p = csv_positions_create(h, strlen(h));
    CHECK(p && csv_positions_layout(p) == CSV_DMA);
    if (p) {
        const char *row = "-1.5,2.25,257000001,2023-01-01 00:00:05.250Z";
        CHECK(csv_positions_row_time_ns(p, row, strlen(row)) == 1672531205250000000LL);
        csv_row_msgs out;
        CHECK(csv_positions_row(p, row, strlen(row), &out) == CSV_ROW_OK);
        CHECK(out.n == 1 && out.msg[0].type == 1 && out.msg[0].mmsi == 257000001);
        CHECK(out.msg[0].u.position.lat == -900000 && out.msg[0].u.position.lon == 1350000);
        CHECK(csv_positions_row(p, "", 0, &out) == CSV_ROW_SKIPPED);
        const char *quoted = "\"1.0\",\"2.0\",\"257000002\",\"01/01/2023 00:00:00\"";
        CHECK(csv_positions_row(p, quoted, strlen(quoted), &out) == CSV_ROW_OK);
        const char *overlong = "1,2,999999999999,2023-01-01T00:00:00";
        CHECK(csv_positions_row(p, overlong, strlen(overlong), &out) == CSV_ROW_BAD);
    }
    csv_positions_destroy(&p);
    CHECK(p == NULL);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
        return 2;
    }
    test_detection();
    test_marinecadastre(argv[1]);
    test_dma(argv[1]);
    if (g_failures) {
        fprintf(stderr, "%d check(s) failed\n", g_failures);
        return 1;
    }
    printf("nmea_input csv: ok\n");
    return 0;
}
