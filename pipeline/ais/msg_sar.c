/* Type 9: Standard SAR Aircraft Position Report (M.1371-5 Annex 8, Table 64).
 *
 *  bit  width  field
 *    0     6   message id (9)
 *    6     2   repeat indicator
 *    8    30   user id (MMSI)
 *   38    12   altitude (GNSS), m; 4095 = n/a, 4094 = 4094 m or higher
 *   50    10   SOG, kn (1 kn resolution); 1023 = n/a
 *   60     1   position accuracy
 *   61    28   longitude, 1/10000 min
 *   89    27   latitude, 1/10000 min
 *  116    12   COG, 1/10 deg
 *  128     6   time stamp
 *  134     8   altitude sensor + reserved for regional applications
 *  142     1   DTE
 *  143     3   spare
 *  146     1   assigned mode flag
 *  147     1   RAIM flag
 *  148    20   communication state selector + state
 *  168         total
 */
#include "ais_internal.h"

static const ais_field fields[] = {
    FLD(38, 12, F_U, u.sar.alt, "alt"),
    FLD(50, 10, F_U, u.sar.speed, "speed"),
    FLD(60, 1, F_B, u.sar.accuracy, "accuracy"),
    FLDS(61, 28, F_S, u.sar.lon, "lon", S_LL4),
    FLDS(89, 27, F_S, u.sar.lat, "lat", S_LL4),
    FLDS(116, 12, F_U, u.sar.course, "course", S_DIV10_1),
    FLD(128, 6, F_U, u.sar.second, "second"),
    FLD(134, 8, F_U, u.sar.regional, "regional"),
    FLD(142, 1, F_U, u.sar.dte, "dte"),
    FLDS(143, 3, F_U, u.sar.spare, "spare", S_HIDE),
    FLD(146, 1, F_B, u.sar.assigned, "assigned"),
    FLD(147, 1, F_B, u.sar.raim, "raim"),
    FLD(148, 20, F_U, u.sar.radio, "radio"),
};

const ais_codec ais_codec_sar = {
    .name = "sar_aircraft_position",
    .min_bits = 160,
    .max_bits = 176,
    .enc_bits = 168,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
};
