/* radar: TTM and TLL parsing, units, round trips through the formatters, and every class of
 * malformed input counted apart. */
#include "check.h"

#include "centinela/geo.h"
#include "centinela/radar.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const radar_site site = {7, 8.95, -79.55, 24 * 1852.0};

static radar_status parse(const char *s, wire_radar *r)
{
    return radar_parse(s, strlen(s), &site, 1700000000000000000LL, r);
}

/* Build a sentence with a correct checksum. */
static void with_checksum(const char *body, char *out, size_t cap)
{
    unsigned sum = 0;
    for (const char *p = body + 1; *p; p++)
        sum ^= (unsigned char)*p;
    snprintf(out, cap, "%s*%02X\r\n", body, sum);
}

int main(void)
{
    wire_radar r;
    char s[200];
    with_checksum("$RATTM,05,2.50,045.0,T,12.5,180.0,T,0.1,3.2,N,TGT5,T,,120000.00,A", s, sizeof s);
    CHECK(parse(s, &r) == RADAR_OK);
    CHECK(r.site_id == 7 && r.target == 5 && r.status == 'T' && strcmp(r.name, "TGT5") == 0);
    CHECK_NEAR(r.range_m, 2.5 * 1852, 0.5);
    CHECK_NEAR(r.bearing_deg, 45, 1e-3);
    CHECK_NEAR(r.speed_kn, 12.5, 1e-3);
    CHECK_NEAR(r.course_deg, 180, 1e-3);
    CHECK_NEAR(geo_distance_m(site.lat_deg, site.lon_deg, r.lat_deg, r.lon_deg), 2.5 * 1852, 1);
    CHECK(r.lat_deg > site.lat_deg && r.lon_deg > site.lon_deg);
    /* kilometres and km/h; old 13-field form without time */
    with_checksum("$RATTM,11,3.0,090.0,R,20.0,270.0,T,,,K,,Q", s, sizeof s);
    CHECK(parse(s, &r) == RADAR_OK);
    CHECK_NEAR(r.range_m, 3000, 0.5);
    CHECK_NEAR(r.speed_kn, 20.0 / 1.852, 1e-3);
    CHECK(r.status == 'Q');
    /* TLL */
    with_checksum("$RATLL,12,0852.200,N,07930.600,W,GOFAST,120001.00,T,", s, sizeof s);
    CHECK(parse(s, &r) == RADAR_OK);
    CHECK_NEAR(r.lat_deg, 8 + 52.2 / 60, 1e-9);
    CHECK_NEAR(r.lon_deg, -(79 + 30.6 / 60), 1e-9);
    CHECK(r.target == 12 && strcmp(r.name, "GOFAST") == 0 && isnan(r.speed_kn));
    /* tag block in front */
    char tagged[260];
    snprintf(tagged, sizeof tagged, "\\s:radar7,c:1700000000*00\\%s", s);
    CHECK(parse(tagged, &r) == RADAR_OK);
    /* round trips */
    wire_radar w = {.site_id = 7, .target = 42, .status = 'T', .lat_deg = 8.80, .lon_deg = -79.45,
                    .speed_kn = 33.0f, .course_deg = 91.5f};
    char out[128];
    CHECK(radar_format_ttm(&site, &w, 1700000000000000000LL, out, sizeof out) > 0);
    CHECK(parse(out, &r) == RADAR_OK);
    CHECK(geo_distance_m(r.lat_deg, r.lon_deg, w.lat_deg, w.lon_deg) < 5);
    CHECK_NEAR(r.speed_kn, 33, 0.06);
    CHECK(radar_format_tll(&w, 1700000000000000000LL, out, sizeof out) > 0);
    CHECK(parse(out, &r) == RADAR_OK);
    CHECK(geo_distance_m(r.lat_deg, r.lon_deg, w.lat_deg, w.lon_deg) < 1);
    w.lat_deg = -8.8;
    w.lon_deg = 79.45;
    CHECK(radar_format_tll(&w, 0, out, sizeof out) > 0);
    CHECK(radar_parse(out, strlen(out), NULL, 1, &r) == RADAR_OK && r.lat_deg < 0 && r.lon_deg > 0);
    CHECK(radar_format_ttm(&site, &w, 0, out, 10) == 0);
    /* classes of bad input */
    CHECK(parse("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", &r) == RADAR_NOT_MINE);
    CHECK(parse("$GPRMC,120000,A,0852.2,N,07930.6,W,0,0,010120,,*00", &r) == RADAR_NOT_MINE);
    CHECK(parse("", &r) == RADAR_NOT_MINE);
    CHECK(parse("$RATTM,05,2.50,045.0,T,12.5,180.0,T,0.1,3.2,N,TGT5,T,,120000.00,A*00", &r) == RADAR_BAD_CHECKSUM);
    CHECK(parse("$RATTM,05,2.50,045.0,T*", &r) == RADAR_BAD_SYNTAX);
    with_checksum("$RATTM,05,2.50,045.0,T,12.5", s, sizeof s);
    CHECK(parse(s, &r) == RADAR_BAD_SYNTAX);
    with_checksum("$RATTM,05,abc,045.0,T,12.5,180.0,T,0.1,3.2,N,,T,,,A", s, sizeof s);
    CHECK(parse(s, &r) == RADAR_BAD_SYNTAX);
    with_checksum("$RATTM,1005,2.5,045.0,T,12.5,180.0,T,0.1,3.2,N,,T,,,A", s, sizeof s);
    CHECK(parse(s, &r) == RADAR_BAD_VALUE);
    with_checksum("$RATTM,05,2.5,400.0,T,12.5,180.0,T,0.1,3.2,N,,T,,,A", s, sizeof s);
    CHECK(parse(s, &r) == RADAR_BAD_VALUE);
    with_checksum("$RATTM,05,2.5,40.0,T,12.5,180.0,T,0.1,3.2,N,,X,,,A", s, sizeof s);
    CHECK(parse(s, &r) == RADAR_BAD_VALUE);
    with_checksum("$RATTM,05,2.5,40.0,T,12.5,180.0,T,0.1,3.2,Z,,T,,,A", s, sizeof s);
    CHECK(parse(s, &r) == RADAR_BAD_SYNTAX);
    with_checksum("$RATTM,05,40.0,40.0,T,12.5,180.0,T,0.1,3.2,N,,T,,,A", s, sizeof s);
    CHECK(parse(s, &r) == RADAR_OUT_OF_RANGE);
    with_checksum("$RATLL,12,9552.200,N,07930.600,W,,120001.00,T,", s, sizeof s);
    CHECK(parse(s, &r) == RADAR_BAD_VALUE); /* 95 degrees north */
    with_checksum("$RATLL,12,0852.200,Q,07930.600,W,,120001.00,T,", s, sizeof s);
    CHECK(parse(s, &r) == RADAR_BAD_SYNTAX);
    with_checksum("$RATLL,12,0872.200,N,07930.600,W,,120001.00,T,", s, sizeof s);
    CHECK(parse(s, &r) == RADAR_BAD_SYNTAX); /* 72 minutes */
    CHECK(strcmp(radar_status_name(RADAR_OUT_OF_RANGE), "out_of_range") == 0);
    if (g_failures)
        fprintf(stderr, "%d checks failed\n", g_failures);
    return g_failures ? 1 : 0;
}
