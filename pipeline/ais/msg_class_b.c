/* Types 18 (Standard Class B CS Position Report) and 19 (Extended Class B Equipment Position
 * Report) (M.1371-5 Annex 8, Tables 78 and 80).
 *
 * Type 18                                  Type 19 (same up to bit 138)
 *  bit  width  field                        bit  width  field
 *    0     6   message id                   139     4   regional reserved
 *    6     2   repeat indicator             143   120   name, 20 characters
 *    8    30   MMSI                         263     8   type of ship and cargo
 *   38     8   regional reserved            271    30   dimensions (bow 9, stern 9, port 6, stbd 6)
 *   46    10   SOG, 1/10 kn                 301     4   type of EPFD
 *   56     1   position accuracy            305     1   RAIM flag
 *   57    28   longitude, 1/10000 min       306     1   DTE
 *   85    27   latitude, 1/10000 min        307     1   assigned mode flag
 *  112    12   COG, 1/10 deg                308     4   spare
 *  124     9   true heading                 312         total
 *  133     6   time stamp
 *  139     2   regional reserved
 *  141     1   Class B unit flag (cs)
 *  142     1   display flag
 *  143     1   DSC flag
 *  144     1   band flag
 *  145     1   message 22 flag
 *  146     1   assigned mode flag
 *  147     1   RAIM flag
 *  148    20   communication state (selector + state)
 *  168         total
 */
#include "ais_internal.h"

static const ais_field fields18[] = {
    FLD(38, 8, F_U, u.class_b.reserved, "reserved"),
    FLDS(46, 10, F_U, u.class_b.speed, "speed", S_DIV10_1),
    FLD(56, 1, F_B, u.class_b.accuracy, "accuracy"),
    FLDS(57, 28, F_S, u.class_b.lon, "lon", S_LL4),
    FLDS(85, 27, F_S, u.class_b.lat, "lat", S_LL4),
    FLDS(112, 12, F_U, u.class_b.course, "course", S_DIV10_1),
    FLD(124, 9, F_U, u.class_b.heading, "heading"),
    FLD(133, 6, F_U, u.class_b.second, "second"),
    FLD(139, 2, F_U, u.class_b.regional, "regional"),
    FLD(141, 1, F_B, u.class_b.cs, "cs"),
    FLD(142, 1, F_B, u.class_b.display, "display"),
    FLD(143, 1, F_B, u.class_b.dsc, "dsc"),
    FLD(144, 1, F_B, u.class_b.band, "band"),
    FLD(145, 1, F_B, u.class_b.msg22, "msg22"),
    FLD(146, 1, F_B, u.class_b.assigned, "assigned"),
    FLD(147, 1, F_B, u.class_b.raim, "raim"),
    FLD(148, 20, F_U, u.class_b.radio, "radio"),
};

static const ais_field fields19[] = {
    FLD(38, 8, F_U, u.class_b.reserved, "reserved"),
    FLDS(46, 10, F_U, u.class_b.speed, "speed", S_DIV10_1),
    FLD(56, 1, F_B, u.class_b.accuracy, "accuracy"),
    FLDS(57, 28, F_S, u.class_b.lon, "lon", S_LL4),
    FLDS(85, 27, F_S, u.class_b.lat, "lat", S_LL4),
    FLDS(112, 12, F_U, u.class_b.course, "course", S_DIV10_1),
    FLD(124, 9, F_U, u.class_b.heading, "heading"),
    FLD(133, 6, F_U, u.class_b.second, "second"),
    FLD(139, 4, F_U, u.class_b.regional, "regional"),
    FLD(143, 20, F_T, u.class_b.shipname, "shipname"),
    FLDL(263, 8, F_U, u.class_b.shiptype, "shiptype", ais_shiptype_legend),
    FLD(271, 9, F_U, u.class_b.to_bow, "to_bow"),
    FLD(280, 9, F_U, u.class_b.to_stern, "to_stern"),
    FLD(289, 6, F_U, u.class_b.to_port, "to_port"),
    FLD(295, 6, F_U, u.class_b.to_starboard, "to_starboard"),
    FLDL(301, 4, F_U, u.class_b.epfd, "epfd", ais_epfd_legend),
    FLD(305, 1, F_B, u.class_b.raim, "raim"),
    FLD(306, 1, F_U, u.class_b.dte, "dte"),
    FLD(307, 1, F_B, u.class_b.assigned, "assigned"),
};

const ais_codec ais_codec_class_b = {
    .name = "class_b_position",
    .min_bits = 160,
    .max_bits = 176,
    .enc_bits = 168,
    .fields = fields18,
    .nfields = sizeof fields18 / sizeof fields18[0],
};

/* Lenient 300..320 bits: a few units send 310-312 with the spare cut short. */
const ais_codec ais_codec_class_b_ext = {
    .name = "class_b_extended_position",
    .min_bits = 300,
    .max_bits = 320,
    .enc_bits = 312,
    .fields = fields19,
    .nfields = sizeof fields19 / sizeof fields19[0],
};
