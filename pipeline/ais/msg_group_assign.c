/* Type 23: Group Assignment Command (M.1371-5 Annex 8, Table 88).
 *
 *  bit  width  field
 *    0     6   message id (23)
 *    6     2   repeat indicator
 *    8    30   source MMSI
 *   38     2   spare
 *   40    18   NE longitude, 1/10 min
 *   58    17   NE latitude, 1/10 min
 *   75    18   SW longitude, 1/10 min
 *   93    17   SW latitude, 1/10 min
 *  110     4   station type
 *  114     8   type of ship and cargo
 *  122    22   spare
 *  144     2   Tx/Rx mode
 *  146     4   reporting interval
 *  150     4   quiet time, minutes
 *  154     6   spare
 *  160         total
 */
#include "ais_internal.h"

static const char *const station_types[16] = {
    "All types of mobiles", "Reserved for future use", "All types of Class B mobile stations",
    "SAR airborne mobile station", "Aid to Navigation station", "Class B shipborne mobile station",
    "Regional use and inland waterways", "Regional use and inland waterways",
    "Regional use and inland waterways", "Regional use and inland waterways",
    "Reserved for future use", "Reserved for future use", "Reserved for future use",
    "Reserved for future use", "Reserved for future use", "Reserved for future use",
};

static const ais_field fields[] = {
    FLDS(40, 18, F_S, u.group_assign.ne_lon, "ne_lon", S_LL1_6),
    FLDS(58, 17, F_S, u.group_assign.ne_lat, "ne_lat", S_LL1_6),
    FLDS(75, 18, F_S, u.group_assign.sw_lon, "sw_lon", S_LL1_6),
    FLDS(93, 17, F_S, u.group_assign.sw_lat, "sw_lat", S_LL1_6),
    FLDL(110, 4, F_U, u.group_assign.stationtype, "stationtype", station_types),
    FLDL(114, 8, F_U, u.group_assign.shiptype, "shiptype", ais_shiptype_legend),
    FLD(144, 2, F_U, u.group_assign.txrx, "txrx"),
    FLD(146, 4, F_U, u.group_assign.interval, "interval"),
    FLD(150, 4, F_U, u.group_assign.quiet, "quiet"),
};

const ais_codec ais_codec_group_assign = {
    .name = "group_assignment",
    .min_bits = 154,
    .max_bits = 168,
    .enc_bits = 160,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
};
