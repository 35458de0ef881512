/* Type 5: Static and Voyage Related Data (M.1371-5 Annex 8, Table 52).
 *
 *  bit  width  field
 *    0     6   message id (5)
 *    6     2   repeat indicator
 *    8    30   user id (MMSI)
 *   38     2   AIS version indicator
 *   40    30   IMO number
 *   70    42   call sign, 7 six-bit characters
 *  112   120   name, 20 six-bit characters
 *  232     8   type of ship and cargo
 *  240    30   dimensions: to bow 9, to stern 9, to port 6, to starboard 6 (m)
 *  270     4   type of EPFD
 *  274    20   ETA: month 4, day 5, hour 5, minute 6
 *  294     8   maximum present static draught, 1/10 m
 *  302   120   destination, 20 six-bit characters
 *  422     1   DTE
 *  423     1   spare
 *  424         total (two slots)
 *
 * Lenient length 420..432 bits: gpsd driver_ais.c documents type 5 arriving as 420 or 422 bits
 * from real transmitters that drop the spare (and DTE); such messages decode with DTE = 0.
 * Longer messages (a few extra fill bits) are accepted and the extra ignored.
 */
#include <stdio.h>

#include "ais_internal.h"

static const ais_field fields[] = {
    FLD(38, 2, F_U, u.static_voyage.ais_version, "ais_version"),
    FLD(40, 30, F_U, u.static_voyage.imo, "imo"),
    FLD(70, 7, F_T, u.static_voyage.callsign, "callsign"),
    FLD(112, 20, F_T, u.static_voyage.shipname, "shipname"),
    FLDL(232, 8, F_U, u.static_voyage.shiptype, "shiptype", ais_shiptype_legend),
    FLD(240, 9, F_U, u.static_voyage.to_bow, "to_bow"),
    FLD(249, 9, F_U, u.static_voyage.to_stern, "to_stern"),
    FLD(258, 6, F_U, u.static_voyage.to_port, "to_port"),
    FLD(264, 6, F_U, u.static_voyage.to_starboard, "to_starboard"),
    FLDL(270, 4, F_U, u.static_voyage.epfd, "epfd", ais_epfd_legend),
    FLDS(274, 4, F_U, u.static_voyage.month, "month", S_HIDE),
    FLDS(278, 5, F_U, u.static_voyage.day, "day", S_HIDE),
    FLDS(283, 5, F_U, u.static_voyage.hour, "hour", S_HIDE),
    FLDS(288, 6, F_U, u.static_voyage.minute, "minute", S_HIDE),
    FLDS(294, 8, F_U, u.static_voyage.draught, "draught", S_DIV10_1),
    FLD(302, 20, F_T, u.static_voyage.destination, "destination"),
    FLD(422, 1, F_U, u.static_voyage.dte, "dte"),
    FLDS(423, 1, F_U, u.static_voyage.spare, "spare", S_HIDE),
};

static void json(const ais_msg *m, jw *w, int scaled)
{
    const ais_static_voyage *s = &m->u.static_voyage;
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%02u-%02uT%02u:%02uZ", s->month, s->day, s->hour, s->minute);
    jw_str(w, "eta", tmp);
}

const ais_codec ais_codec_static_voyage = {
    .name = "static_and_voyage_data",
    .min_bits = 420,
    .max_bits = 432,
    .enc_bits = 424,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .json = json,
};
