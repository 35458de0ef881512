/* Type 27: Position Report for Long-Range Applications (M.1371-5 Annex 8, Table 97).
 *
 *  bit  width  field
 *    0     6   message id (27)
 *    6     2   repeat indicator
 *    8    30   MMSI
 *   38     1   position accuracy
 *   39     1   RAIM flag
 *   40     4   navigational status
 *   44    18   longitude, 1/10 min; 181 deg = n/a
 *   62    17   latitude, 1/10 min; 91 deg = n/a
 *   79     6   SOG, kn (0-62); 63 = n/a
 *   85     9   COG, deg; 511 = n/a
 *   94     1   position latency (0 = < 5 s, "gnss" in gpsd)
 *   95     1   spare
 *   96         total
 *
 * Lenient: 96..168 bits (some satellite feeds pad the slot); extra bits ignored.
 */
#include "ais_internal.h"

static const ais_field fields[] = {
    FLD(38, 1, F_B, u.long_range.accuracy, "accuracy"),
    FLD(39, 1, F_B, u.long_range.raim, "raim"),
    FLDL(40, 4, F_U, u.long_range.status, "status", ais_nav_status_legend),
    FLDS(44, 18, F_S, u.long_range.lon, "lon", S_LL1_4),
    FLDS(62, 17, F_S, u.long_range.lat, "lat", S_LL1_4),
    FLD(79, 6, F_U, u.long_range.speed, "speed"),
    FLD(85, 9, F_U, u.long_range.course, "course"),
    FLD(94, 1, F_B, u.long_range.gnss, "gnss"),
    FLDS(95, 1, F_U, u.long_range.spare, "spare", S_HIDE),
};

const ais_codec ais_codec_long_range = {
    .name = "long_range_position",
    .min_bits = 96,
    .max_bits = 168,
    .enc_bits = 96,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
};
