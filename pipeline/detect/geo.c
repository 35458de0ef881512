/* Small angle, time and text helpers shared by the rules (distances: centinela/geo.h), and the
 * solar elevation of the night weight. */
#include "rule.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEG (M_PI / 180.0)

double geo_angle_diff_deg(double a, double b)
{
    double d = fabs(remainder(a - b, 360.0));
    return d;
}

void json_escape(char *out, size_t cap, const char *s)
{
    size_t k = strlen(out);
    if (k + 1 >= cap)
        return;
    out[k++] = '"';
    for (; *s && k + 8 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[k++] = '\\';
            out[k++] = (char)c;
        } else if (c < 0x20 || c >= 0x7f) {
            k += (size_t)snprintf(out + k, cap - k, "\\u%04x", c < 0x80 ? c : '?');
        } else {
            out[k++] = (char)c;
        }
    }
    if (k + 1 < cap)
        out[k++] = '"';
    out[k] = 0;
}

void time_month_day(int64_t t_ns, int *month, int *day)
{
    time_t s = (time_t)(t_ns / 1000000000);
    struct tm tm;
    gmtime_r(&s, &tm);
    *month = tm.tm_mon + 1;
    *day = tm.tm_mday;
}

/* NOAA's low-precision solar position (Astronomical Almanac, as in the NOAA solar calculator
 * spreadsheet's "general solar position" formulae): about 0.5 deg, plenty for night/day. */
double detect_solar_elevation_deg(double lat_deg, double lon_deg, int64_t t_ns)
{
    double days = (double)t_ns / 86400e9 - 10957.5; /* days since J2000.0 (2000-01-01 12:00) */
    double g = fmod(357.529 + 0.98560028 * days, 360.0) * DEG;   /* mean anomaly */
    double q = fmod(280.459 + 0.98564736 * days, 360.0);         /* mean longitude, deg */
    double lambda = (q + 1.915 * sin(g) + 0.020 * sin(2 * g)) * DEG; /* ecliptic longitude */
    double eps = (23.439 - 0.00000036 * days) * DEG;
    double ra = atan2(cos(eps) * sin(lambda), cos(lambda));
    double decl = asin(sin(eps) * sin(lambda));
    /* Greenwich mean sidereal time (hours) and the local hour angle. */
    double gmst_h = fmod(18.697374558 + 24.06570982441908 * days, 24.0);
    double ha = (gmst_h * 15.0 + lon_deg) * DEG - ra;
    double phi = lat_deg * DEG;
    double sin_el = sin(phi) * sin(decl) + cos(phi) * cos(decl) * cos(ha);
    return asin(fmax(-1.0, fmin(1.0, sin_el))) / DEG;
}
