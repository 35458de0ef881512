/* TTM / TLL parsing and formatting (IEC 61162-1 / NMEA 0183 v4.10 sentence layouts).
 * Field layouts were checked against the NMEA 0183 standard's descriptions of TTM (15 fields in
 * v4, 13-14 in older talkers, which stop after the status or reference field) and TLL (9 fields);
 * no real ARPA capture was available, so older short forms are accepted but not tested on live
 * data. */
#include "centinela/radar.h"

#include "centinela/geo.h"

#include <ctype.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[RADAR_STATUS_COUNT] = {
    "ok", "not_mine", "bad_checksum", "bad_syntax", "bad_value", "out_of_range",
};

const char *radar_status_name(radar_status s)
{
    return (unsigned)s < RADAR_STATUS_COUNT ? status_names[s] : "unknown";
}

#define MAX_FIELDS 24

/* Split the sentence body (after '$', before '*') into fields in place. */
static int split(char *s, char **f)
{
    int n = 0;
    f[n++] = s;
    for (char *p = s; *p; p++) {
        if (*p == ',') {
            *p = 0;
            if (n == MAX_FIELDS)
                return -1;
            f[n++] = p + 1;
        }
    }
    return n;
}

static int parse_double(const char *s, double *v)
{
    if (!*s)
        return -1;
    char *end;
    *v = strtod(s, &end);
    return (*end || !isfinite(*v)) ? -1 : 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)toupper((unsigned char)c);
    return (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

/* ddmm.mmm + hemisphere -> degrees */
static int parse_latlon(const char *v, const char *hemi, int deg_digits, double *out)
{
    double x;
    if (parse_double(v, &x) != 0 || x < 0 || strlen(hemi) != 1)
        return -1;
    const char *dot = strchr(v, '.');
    size_t int_len = dot ? (size_t)(dot - v) : strlen(v);
    if (int_len != (size_t)deg_digits + 2)
        return -1;
    double deg = floor(x / 100.0), min = x - deg * 100.0;
    if (min >= 60.0)
        return -1;
    *out = deg + min / 60.0;
    char h = hemi[0];
    if (h == 'S' || h == 'W')
        *out = -*out;
    else if (h != 'N' && h != 'E')
        return -1;
    return 0;
}

static int parse_target(const char *s, uint16_t *t)
{
    double v;
    if (parse_double(s, &v) != 0 || v < 0 || v > 999 || v != floor(v))
        return -1;
    *t = (uint16_t)v;
    return 0;
}

radar_status radar_parse(const char *line, size_t len, const radar_site *site, int64_t time_ns,
                         wire_radar *out)
{
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    if (len && line[0] == '\\') { /* skip a tag block */
        const char *end = memchr(line + 1, '\\', len - 1);
        if (!end)
            return RADAR_BAD_SYNTAX;
        len -= (size_t)(end + 1 - line);
        line = end + 1;
    }
    if (len < 7 || (line[0] != '$' && line[0] != '!'))
        return RADAR_NOT_MINE;
    bool ttm = memcmp(line + 3, "TTM,", 4) == 0, tll = memcmp(line + 3, "TLL,", 4) == 0;
    if (!ttm && !tll)
        return RADAR_NOT_MINE;
    if (len > 120)
        return RADAR_BAD_SYNTAX;
    const char *star = memchr(line, '*', len);
    if (!star || (size_t)(star - line) + 3 > len)
        return RADAR_BAD_SYNTAX;
    int h1 = hexval(star[1]), h2 = hexval(star[2]);
    if (h1 < 0 || h2 < 0)
        return RADAR_BAD_SYNTAX;
    uint8_t sum = 0;
    for (const char *p = line + 1; p < star; p++)
        sum ^= (uint8_t)*p;
    if (sum != (uint8_t)(h1 * 16 + h2))
        return RADAR_BAD_CHECKSUM;
    char body[128];
    size_t blen = (size_t)(star - line - 1);
    memcpy(body, line + 1, blen);
    body[blen] = 0;
    char *f[MAX_FIELDS];
    int nf = split(body, f);
    if (nf < 0)
        return RADAR_BAD_SYNTAX;
    memset(out, 0, sizeof *out);
    out->site_id = site ? site->id : 0;
    out->time_ns = time_ns;
    out->range_m = out->bearing_deg = out->speed_kn = out->course_deg = NAN;
    if (ttm) {
        /* f[0] talker+TTM, f[1] target, f[2] distance, f[3] bearing, f[4] T/R, f[5] speed,
         * f[6] course, f[7] T/R, f[8] CPA, f[9] TCPA, f[10] units, f[11] name, f[12] status */
        if (nf < 13)
            return RADAR_BAD_SYNTAX;
        if (!site)
            return RADAR_BAD_VALUE; /* range/bearing need the site's position */
        double dist, brg;
        if (parse_target(f[1], &out->target) != 0)
            return *f[1] ? RADAR_BAD_VALUE : RADAR_BAD_SYNTAX;
        if (parse_double(f[2], &dist) != 0 || parse_double(f[3], &brg) != 0)
            return RADAR_BAD_SYNTAX;
        double unit_m, unit_kn;
        switch (f[10][0]) {
        case 'N':
            unit_m = 1852.0, unit_kn = 1.0;
            break;
        case 'K':
            unit_m = 1000.0, unit_kn = 1000.0 / 1852.0;
            break;
        case 'S':
            unit_m = 1609.344, unit_kn = 1609.344 / 1852.0;
            break;
        default:
            return RADAR_BAD_SYNTAX;
        }
        if (dist < 0 || brg < 0 || brg > 360)
            return RADAR_BAD_VALUE;
        double spd, crs;
        if (*f[5]) {
            if (parse_double(f[5], &spd) != 0 || spd < 0 || spd * unit_kn > 200)
                return RADAR_BAD_VALUE;
            out->speed_kn = (float)(spd * unit_kn);
        }
        if (*f[6]) {
            if (parse_double(f[6], &crs) != 0 || crs < 0 || crs > 360)
                return RADAR_BAD_VALUE;
            out->course_deg = (float)fmod(crs, 360.0);
        }
        out->range_m = (float)(dist * unit_m);
        out->bearing_deg = (float)fmod(brg, 360.0);
        geo_destination(site->lat_deg, site->lon_deg, out->bearing_deg, out->range_m,
                        &out->lat_deg, &out->lon_deg);
        snprintf(out->name, sizeof out->name, "%s", f[11]);
        out->status = f[12][0] ? f[12][0] : 'T';
    } else {
        /* f[1] target, f[2] lat, f[3] N/S, f[4] lon, f[5] E/W, f[6] name, f[7] UTC, f[8] status */
        if (nf < 9)
            return RADAR_BAD_SYNTAX;
        if (parse_target(f[1], &out->target) != 0)
            return *f[1] ? RADAR_BAD_VALUE : RADAR_BAD_SYNTAX;
        if (parse_latlon(f[2], f[3], 2, &out->lat_deg) != 0 ||
            parse_latlon(f[4], f[5], 3, &out->lon_deg) != 0)
            return RADAR_BAD_SYNTAX;
        if (fabs(out->lat_deg) > 90 || fabs(out->lon_deg) > 180)
            return RADAR_BAD_VALUE;
        snprintf(out->name, sizeof out->name, "%s", f[6]);
        out->status = f[8][0] ? f[8][0] : 'T';
        if (site) {
            out->range_m = (float)geo_distance_m(site->lat_deg, site->lon_deg, out->lat_deg, out->lon_deg);
            out->bearing_deg = (float)geo_bearing_deg(site->lat_deg, site->lon_deg, out->lat_deg, out->lon_deg);
        }
    }
    if (out->status != 'T' && out->status != 'Q' && out->status != 'L')
        return RADAR_BAD_VALUE;
    if (site && site->range_m > 0 && isfinite(out->range_m) && out->range_m > 1.25 * site->range_m)
        return RADAR_OUT_OF_RANGE;
    return RADAR_OK;
}

static size_t finish(char *out, size_t cap, int k)
{
    if (k < 0 || (size_t)k + 6 > cap)
        return 0;
    uint8_t sum = 0;
    for (int i = 1; i < k; i++)
        sum ^= (uint8_t)out[i];
    int m = snprintf(out + k, cap - (size_t)k, "*%02X\r\n", sum);
    return (m > 0 && (size_t)(k + m) < cap) ? (size_t)(k + m) : 0;
}

static void hhmmss(int64_t utc_ns, char *buf, size_t cap)
{
    int64_t s = utc_ns / 1000000000LL;
    int cs = (int)((utc_ns / 10000000LL) % 100);
    int64_t day = ((s % 86400) + 86400) % 86400;
    snprintf(buf, cap, "%02d%02d%02d.%02d", (int)(day / 3600), (int)(day / 60 % 60), (int)(day % 60),
             cs < 0 ? 0 : cs);
}

size_t radar_format_ttm(const radar_site *site, const wire_radar *r, int64_t utc_ns, char *out,
                        size_t cap)
{
    double dist = geo_distance_m(site->lat_deg, site->lon_deg, r->lat_deg, r->lon_deg) / 1852.0;
    double brg = geo_bearing_deg(site->lat_deg, site->lon_deg, r->lat_deg, r->lon_deg);
    char t[16], spd[16] = "", crs[16] = "";
    hhmmss(utc_ns, t, sizeof t);
    if (isfinite(r->speed_kn))
        snprintf(spd, sizeof spd, "%.1f", r->speed_kn);
    if (isfinite(r->course_deg))
        snprintf(crs, sizeof crs, "%.1f", r->course_deg);
    int k = snprintf(out, cap, "$RATTM,%02u,%.3f,%.2f,T,%s,%s,T,,,N,%s,%c,,%s,A", r->target, dist,
                     brg, spd, crs, r->name, r->status ? r->status : 'T', t);
    return finish(out, cap, k);
}

size_t radar_format_tll(const wire_radar *r, int64_t utc_ns, char *out, size_t cap)
{
    char t[16];
    hhmmss(utc_ns, t, sizeof t);
    double la = fabs(r->lat_deg), lo = fabs(r->lon_deg);
    double lam = (la - floor(la)) * 60, lom = (lo - floor(lo)) * 60;
    int k = snprintf(out, cap, "$RATLL,%02u,%02d%07.4f,%c,%03d%07.4f,%c,%s,%s,%c,", r->target,
                     (int)floor(la), lam, r->lat_deg < 0 ? 'S' : 'N', (int)floor(lo), lom,
                     r->lon_deg < 0 ? 'W' : 'E', r->name, t, r->status ? r->status : 'T');
    return finish(out, cap, k);
}
