/* Types 4 (Base Station Report) and 11 (UTC/Date Response) (M.1371-5 Annex 8, Table 50).
 *
 *  bit  width  field
 *    0     6   message id (4 or 11)
 *    6     2   repeat indicator
 *    8    30   user id (MMSI)
 *   38    14   UTC year, 1-9999; 0 = n/a
 *   52     4   UTC month, 1-12; 0 = n/a
 *   56     5   UTC day, 1-31; 0 = n/a
 *   61     5   UTC hour, 0-23; 24 = n/a
 *   66     6   UTC minute, 0-59; 60 = n/a
 *   72     6   UTC second, 0-59; 60 = n/a
 *   78     1   position accuracy
 *   79    28   longitude, 1/10000 min
 *  107    27   latitude, 1/10000 min
 *  134     4   type of EPFD
 *  138     1   transmission control for long-range broadcast
 *  139     9   spare
 *  148     1   RAIM flag
 *  149    19   SOTDMA communication state
 *  168         total
 *
 * Lenient length 160..176 bits: a short communication state reads as zeros.
 */
#include <stdio.h>

#include "ais_internal.h"

static const ais_field fields[] = {
    FLDS(38, 14, F_U, u.base_station.year, "year", S_HIDE),
    FLDS(52, 4, F_U, u.base_station.month, "month", S_HIDE),
    FLDS(56, 5, F_U, u.base_station.day, "day", S_HIDE),
    FLDS(61, 5, F_U, u.base_station.hour, "hour", S_HIDE),
    FLDS(66, 6, F_U, u.base_station.minute, "minute", S_HIDE),
    FLDS(72, 6, F_U, u.base_station.second, "second", S_HIDE),
    FLD(78, 1, F_B, u.base_station.accuracy, "accuracy"),
    FLDS(79, 28, F_S, u.base_station.lon, "lon", S_LL4),
    FLDS(107, 27, F_S, u.base_station.lat, "lat", S_LL4),
    FLDL(134, 4, F_U, u.base_station.epfd, "epfd", ais_epfd_legend),
    FLDS(138, 10, F_U, u.base_station.spare, "spare", S_HIDE),
    FLD(148, 1, F_B, u.base_station.raim, "raim"),
    FLD(149, 19, F_U, u.base_station.radio, "radio"),
};

static void json(const ais_msg *m, jw *w, int scaled)
{
    const ais_base_station *b = &m->u.base_station;
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04u-%02u-%02uT%02u:%02u:%02uZ", b->year, b->month, b->day, b->hour,
             b->minute, b->second);
    jw_str(w, "timestamp", tmp);
}

const ais_codec ais_codec_base_station = {
    .name = "base_station_report",
    .min_bits = 160,
    .max_bits = 176,
    .enc_bits = 168,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .json = json,
};
