/* Local date-times of logs (e.g. the Vernon station's "2016-04-01 00:00:02", Paris time) to UTC.
 *
 * Fixed offsets are arithmetic.  Named zones use the C library's tz database through mktime:
 * TZ is switched to the zone, the local time converted, and TZ restored, once per distinct local
 * hour (logs are in time order, so a day costs 24 conversions), because TZ is process-wide state
 * and tzset reads the zone file.  Daylight-saving changes happen on whole hours in every zone
 * a receiver log is likely to use (Europe and the Americas), so the per-hour offset is exact
 * there. */
#include "centinela/nmea.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "centinela/log.h"

struct nmea_tz {
    bool named;
    int64_t fixed_ms; /* offset east of UTC (fixed zones) */
    char name[128];
    int64_t hour_key; /* cached local hour (local_ms / 3600000) */
    int64_t hour_offset_ms;
    bool cached;
};

/* "+02:00", "-0530", "+2", "UTC", "Z" -> offset ms east of UTC; -1 when not such a text. */
static int parse_fixed(const char *s, int64_t *off_ms)
{
    if (strcmp(s, "UTC") == 0 || strcmp(s, "Z") == 0 || strcmp(s, "GMT") == 0) {
        *off_ms = 0;
        return 0;
    }
    if (s[0] != '+' && s[0] != '-')
        return -1;
    int h = 0, m = 0, n = 0;
    const char *p = s + 1;
    while (*p >= '0' && *p <= '9' && n < 2)
        h = h * 10 + (*p++ - '0'), n++;
    if (n == 0)
        return -1;
    if (*p == ':')
        p++;
    int k = 0;
    while (*p >= '0' && *p <= '9' && k < 2)
        m = m * 10 + (*p++ - '0'), k++;
    if (*p || (k != 0 && k != 2) || h > 14 || m > 59)
        return -1;
    *off_ms = (s[0] == '-' ? -1 : 1) * (int64_t)(h * 60 + m) * 60000;
    return 0;
}

nmea_tz *nmea_tz_create(const char *spec)
{
    nmea_tz *tz = x_calloc(1, sizeof *tz);
    if (!spec || !*spec || parse_fixed(spec, &tz->fixed_ms) == 0)
        return tz;
    /* a tz database name: letters, digits, "/_-+", an existing file under the zone directory */
    const char *dir = getenv("TZDIR");
    char path[512];
    struct stat st;
    bool ok = strlen(spec) < sizeof tz->name && spec[0] != '/' && !strstr(spec, "..");
    for (const char *p = spec; ok && *p; p++)
        ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
             *p == '/' || *p == '_' || *p == '-' || *p == '+';
    if (ok) {
        snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", spec);
        ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
    }
    if (!ok) {
        log_error("time_zone '%s': not UTC, an offset like +02:00, or a tz database name such as "
                  "Europe/Paris",
                  spec);
        free(tz);
        return NULL;
    }
    tz->named = true;
    snprintf(tz->name, sizeof tz->name, "%s", spec);
    return tz;
}

void nmea_tz_destroy(nmea_tz **ptz)
{
    if (!ptz || !*ptz)
        return;
    free(*ptz);
    *ptz = NULL;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t nmea_tz_to_utc_ms(nmea_tz *tz, int64_t local_ms)
{
    if (!tz)
        return local_ms;
    if (!tz->named)
        return local_ms - tz->fixed_ms;
    int64_t key = floor_div(local_ms, 3600000);
    if (!tz->cached || key != tz->hour_key) {
        time_t t = (time_t)(key * 3600);
        struct tm tm;
        gmtime_r(&t, &tm); /* the local fields, read as if UTC */
        tm.tm_isdst = -1;
        const char *old = getenv("TZ");
        char *saved = old ? x_strdup(old) : NULL;
        setenv("TZ", tz->name, 1);
        tzset();
        time_t utc = mktime(&tm);
        if (saved) {
            setenv("TZ", saved, 1);
            free(saved);
        } else {
            unsetenv("TZ");
        }
        tzset();
        tz->hour_key = key;
        tz->hour_offset_ms = utc == (time_t)-1 ? 0 : ((int64_t)t - (int64_t)utc) * 1000;
        tz->cached = true;
    }
    return local_ms - tz->hour_offset_ms;
}
