/* nmea_input without sockets: input list syntax (and refusals), radar sites, line splitting
 * (CR/LF, lines cut across reads, over-long lines, a last line without newline, unget for
 * pacing), line times (tag block, USCG) and the real-time pacer. */
#include "inputs.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int g_failures;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            g_failures++;                                                                          \
        }                                                                                          \
    } while (0)

static void test_inputs(void)
{
    nmea_input_spec s[8];
    int n = nmea_inputs_parse("file:/data/a b.nmea@12, udp:0.0.0.0:10110@2,tcp:feed.example:5631, "
                              "tcpserver:127.0.0.1:5000@4, plain.nmea, -",
                              7, s, 8);
    CHECK(n == 6);
    CHECK(s[0].kind == INPUT_FILE && strcmp(s[0].path, "/data/a b.nmea") == 0 &&
          s[0].station_id == 12);
    CHECK(s[1].kind == INPUT_UDP && strcmp(s[1].host, "0.0.0.0") == 0 && s[1].port == 10110 &&
          s[1].station_id == 2);
    CHECK(s[2].kind == INPUT_TCP && strcmp(s[2].host, "feed.example") == 0 && s[2].port == 5631 &&
          s[2].station_id == 7);
    CHECK(s[3].kind == INPUT_TCPSERVER && s[3].port == 5000 && s[3].station_id == 4);
    CHECK(s[4].kind == INPUT_FILE && strcmp(s[4].path, "plain.nmea") == 0);
    CHECK(s[5].kind == INPUT_FILE && strcmp(s[5].path, "-") == 0);
    /* a path holding '@': the last one separates the station */
    CHECK(nmea_inputs_parse("file:me@host.nmea@3", 0, s, 8) == 1 &&
          strcmp(s[0].path, "me@host.nmea") == 0 && s[0].station_id == 3);
    /* refused */
    const char *bad[] = {"",
                         " , ",
                         "udp:127.0.0.1",
                         "udp::5",
                         "tcp:h:0",
                         "tcp:h:65536",
                         "tcp:h:12x",
                         "file:a@",
                         "file:a@-1",
                         "file:a@4294967296",
                         "file:",
                         "tcpserver:h:1@x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (nmea_inputs_parse(bad[i], 0, s, 8) != -1) {
            fprintf(stderr, "accepted '%s'\n", bad[i]);
            g_failures++;
        }
    }
    CHECK(nmea_inputs_parse("a,b,c", 0, s, 2) == -1); /* too many */
}

static void test_sites(void)
{
    radar_site r[4];
    CHECK(nmea_radar_sites_parse("", r, 4) == 0);
    CHECK(nmea_radar_sites_parse("7:8.95:-79.56:24, 9:9.3:-79.9", r, 4) == 2);
    CHECK(r[0].id == 7 && fabs(r[0].range_m - 24 * 1852.0) < 1e-6 && r[1].range_m == 0);
    CHECK(nmea_radar_default_site(r, 2, 9) == 1);
    CHECK(nmea_radar_default_site(r, 2, 3) == -1);
    CHECK(nmea_radar_default_site(r, 1, 3) == 0); /* the only site */
    CHECK(nmea_radar_sites_parse("1:91:0", r, 4) == -1);
    CHECK(nmea_radar_sites_parse("1:9:181", r, 4) == -1);
    CHECK(nmea_radar_sites_parse("1:9", r, 4) == -1);
    CHECK(nmea_radar_sites_parse("1:9:9:-1", r, 4) == -1);
    CHECK(nmea_radar_sites_parse("1:9:9:5x", r, 4) == -1);
    CHECK(nmea_radar_sites_parse("1:1:1,2:2:2", r, 1) == -1);
}

static void feed_text(linebuf *lb, const char *t)
{
    size_t room, k = strlen(t);
    char *p = linebuf_space(lb, &room);
    CHECK(room >= k);
    memcpy(p, t, k);
    linebuf_commit(lb, k);
}

static void test_linebuf(void)
{
    linebuf lb;
    linebuf_init(&lb, 1 << 16);
    const char *line;
    size_t len;
    feed_text(&lb, "one\r\ntw");
    CHECK(linebuf_next(&lb, false, &line, &len) == 1 && len == 4 && memcmp(line, "one\r", 4) == 0);
    CHECK(linebuf_next(&lb, false, &line, &len) == 0);
    feed_text(&lb, "o\nthree");
    CHECK(linebuf_next(&lb, false, &line, &len) == 1 && len == 3 && memcmp(line, "two", 3) == 0);
    linebuf_unget(&lb);
    CHECK(linebuf_next(&lb, false, &line, &len) == 1 && len == 3 && memcmp(line, "two", 3) == 0);
    CHECK(linebuf_next(&lb, false, &line, &len) == 0);
    CHECK(linebuf_next(&lb, true, &line, &len) == 1 && len == 5 && memcmp(line, "three", 5) == 0);
    CHECK(linebuf_next(&lb, true, &line, &len) == 0);
    /* an over-long line is dropped whole, even across reads, and counted once */
    static char big[3 * NMEA_LINE_MAX];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    feed_text(&lb, big);
    CHECK(linebuf_next(&lb, false, &line, &len) == 0);
    feed_text(&lb, "xxxx\nafter\n");
    CHECK(linebuf_next(&lb, false, &line, &len) == 1 && len == 5 && memcmp(line, "after", 5) == 0);
    CHECK(lb.too_long == 1);
    /* over-long but complete in one read */
    memset(big, 'y', NMEA_LINE_MAX + 10);
    big[NMEA_LINE_MAX + 10] = '\n';
    big[NMEA_LINE_MAX + 11] = 0;
    feed_text(&lb, big);
    feed_text(&lb, "ok\n");
    CHECK(linebuf_next(&lb, false, &line, &len) == 1 && len == 2);
    CHECK(lb.too_long == 2);
    linebuf_free(&lb);
}

static void test_times(void)
{
    const char *tag =
        "\\s:101,c:1700000000*0A\\!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30\r\n";
    CHECK(nmea_line_time_ns(tag, strlen(tag)) == 1700000000LL * 1000000000LL);
    const char *ms = "\\c:1700000000123*02\\!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30";
    int64_t t = nmea_line_time_ns(ms, strlen(ms));
    CHECK(t == 1700000000123LL * 1000000LL || t == 0); /* c: in ms when > 1e11 */
    const char *uscg = "!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30,s22,d-098,T40.1,x1,"
                       "r003669945,1700000100";
    CHECK(nmea_line_time_ns(uscg, strlen(uscg)) == 1700000100LL * 1000000000LL);
    const char *bare = "!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30";
    CHECK(nmea_line_time_ns(bare, strlen(bare)) == 0);
    CHECK(nmea_line_time_ns("", 0) == 0);
    CHECK(nmea_line_time_ns("\\", 1) == 0);

    pacer p = {.speed = 2};
    const int64_t s = 1000000000LL;
    CHECK(pacer_wait_s(&p, 0, 100.0) == 0);        /* untimed: now */
    CHECK(pacer_wait_s(&p, 1000 * s, 100.0) == 0); /* first timed line starts the clock */
    CHECK(fabs(pacer_wait_s(&p, 1010 * s, 100.0) - 5.0) < 1e-9); /* 10 s at speed 2 */
    CHECK(pacer_wait_s(&p, 1010 * s, 106.0) < 0);
    CHECK(pacer_wait_s(&p, 990 * s, 100.0) == 0); /* backwards: at once */
}

int main(void)
{
    test_inputs();
    test_sites();
    test_linebuf();
    test_times();
    if (g_failures)
        fprintf(stderr, "%d checks failed\n", g_failures);
    else
        printf("nmea_input core: all checks passed\n");
    return g_failures ? 1 : 0;
}
