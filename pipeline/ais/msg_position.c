/* Types 1, 2, 3: Position Report Class A (ITU-R M.1371-5 Annex 8, Table 46).
 *
 *  bit  width  field
 *    0     6   message id (1, 2 or 3)
 *    6     2   repeat indicator
 *    8    30   user id (MMSI)
 *   38     4   navigational status
 *   42     8   rate of turn ROT_AIS, signed: 0..+126 = 4.733*sqrt(deg/min), +-127 = >5 deg/30 s
 *              without TI, -128 = not available
 *   50    10   SOG, 1/10 kn; 1023 = n/a, 1022 = 102.2 kn or more
 *   60     1   position accuracy
 *   61    28   longitude, 1/10000 min, signed; 181 deg = n/a
 *   89    27   latitude,  1/10000 min, signed; 91 deg = n/a
 *  116    12   COG, 1/10 deg; 3600 = n/a
 *  128     9   true heading, deg; 511 = n/a
 *  137     6   time stamp (UTC second); 60-63 special
 *  143     2   special manoeuvre indicator
 *  145     3   spare
 *  148     1   RAIM flag
 *  149    19   communication state (SOTDMA for 1/2, ITDMA for 3)
 *  168         total
 *
 * Lenient length: 149..192 bits.  Some transmitters truncate the communication state or pad the
 * last slot (gpsd driver_ais.c reads the radio field from whatever remains); missing bits read 0.
 * Verified field by field against gpsd's sample.aivdm (types 1-3) and libais typeexamples.
 */
#include <stdio.h>

#include "ais_internal.h"

static const ais_field fields[] = {
    FLDL(38, 4, F_U, u.position.status, "status", ais_nav_status_legend),
    FLDS(42, 8, F_S, u.position.turn, "turn", S_HIDE),
    FLDS(50, 10, F_U, u.position.speed, "speed", S_HIDE),
    FLD(60, 1, F_B, u.position.accuracy, "accuracy"),
    FLDS(61, 28, F_S, u.position.lon, "lon", S_LL4),
    FLDS(89, 27, F_S, u.position.lat, "lat", S_LL4),
    FLDS(116, 12, F_U, u.position.course, "course", S_DIV10_1),
    FLD(128, 9, F_U, u.position.heading, "heading"),
    FLD(137, 6, F_U, u.position.second, "second"),
    FLD(143, 2, F_U, u.position.maneuver, "maneuver"),
    FLDS(145, 3, F_U, u.position.spare, "spare", S_HIDE),
    FLD(148, 1, F_B, u.position.raim, "raim"),
    FLD(149, 19, F_U, u.position.radio, "radio"),
};

static ais_status decode(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    /* a truncated communication state is read right-aligned from what is there, as gpsd does */
    if (nbits < 168)
        m->u.position.radio = sixbit_get_u(bits, nbits, 149, (unsigned)(nbits - 149));
    return AIS_OK;
}

static void json(const ais_msg *m, jw *w, int scaled)
{
    const ais_position *p = &m->u.position;
    if (!scaled) {
        jw_int(w, "turn", p->turn);
        jw_uint(w, "speed", p->speed);
        return;
    }
    /* gpsd: "n/a", "fastleft"/"fastright", else degrees per minute as a string */
    if (p->turn <= -128 || p->turn >= 128) {
        jw_str(w, "turn", "n/a");
    } else if (p->turn == -127) {
        jw_str(w, "turn", "fastleft");
    } else if (p->turn == 127) {
        jw_str(w, "turn", "fastright");
    } else {
        double rot = p->turn / 4.733;
        rot *= rot;
        if (p->turn < 0)
            rot = -rot;
        char tmp[24];
        snprintf(tmp, sizeof tmp, "%.2f", rot);
        jw_str(w, "turn", tmp);
    }
    if (p->speed == 1023)
        jw_str(w, "speed", "n/a");
    else if (p->speed == 1022)
        jw_str(w, "speed", "fast");
    else
        jw_fixed(w, "speed", p->speed / 10.0, 1);
}

const ais_codec ais_codec_position = {
    .name = "position_report_class_a",
    .min_bits = 149,
    .max_bits = 204,
    .enc_bits = 168,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .decode = decode,
    .json = json,
};
