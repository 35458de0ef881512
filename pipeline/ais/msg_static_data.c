/* Type 24: Static Data Report, parts A and B (M.1371-5 Annex 8, Tables 89-91).
 *
 * Part A                                   Part B
 *  bit  width  field                        bit  width  field
 *    0     6   message id (24)                0     6   message id (24)
 *    6     2   repeat indicator               6     2   repeat indicator
 *    8    30   MMSI                           8    30   MMSI
 *   38     2   part number (0)               38     2   part number (1)
 *   40   120   name, 20 characters           40     8   type of ship and cargo
 *  160     8   spare (not always sent)       48    42   vendor id, 7 characters (M.1371-5:
 *  160..168    total                                    manufacturer 3 chars, model 4 bits,
 *                                                       serial 20 bits)
 *                                            90    42   call sign, 7 characters
 *                                           132    30   dimensions (bow 9, stern 9, port 6,
 *                                                       starboard 6), or mothership MMSI for
 *                                                       auxiliary craft (98MIDxxxx)
 *                                           162     6   type of EPFD (M.1371-5) / spare
 *                                           168         total
 *
 * gpsd's field names: "vendorid" is the whole 7-character vendor id of M.1371-3 (as gpsd prints
 * it); in M.1371-4/5 only its first 3 characters are the manufacturer, and its last 24 bits are
 * read again as "model" and "serial".  The encoder writes vendorid, then model and serial over
 * its last 4 characters, so a struct built with a 3-character vendorid and a model/serial
 * decodes with those 4 characters filled in from model/serial.
 * Parts 2 and 3 are undefined: AIS_BAD_VALUE.  Part A is accepted at 160..168 bits.
 */
#include "ais_internal.h"

static const ais_field fields[] = {
    FLD(38, 2, F_U, u.static_data.partno, "partno"),
};

static ais_status decode(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    ais_static_data *s = &m->u.static_data;
    s->auxiliary = m->mmsi / 10000000 == 98;
    if (s->partno == 0) {
        if (nbits < 160 || nbits > 168)
            return AIS_BAD_LENGTH;
        sixbit_get_text(bits, nbits, 40, 20, s->shipname, sizeof s->shipname);
        return AIS_OK;
    }
    if (s->partno != 1)
        return AIS_BAD_VALUE;
    s->shipname[0] = 0; /* not in part B; ais_merge24 may fill it */
    if (nbits < 162 || nbits > 176)
        return AIS_BAD_LENGTH;
    s->shiptype = sixbit_get_u(bits, nbits, 40, 8);
    sixbit_get_text(bits, nbits, 48, 7, s->vendorid, sizeof s->vendorid);
    s->model = sixbit_get_u(bits, nbits, 66, 4);
    s->serial = sixbit_get_u(bits, nbits, 70, 20);
    sixbit_get_text(bits, nbits, 90, 7, s->callsign, sizeof s->callsign);
    s->mothership_mmsi = sixbit_get_u(bits, nbits, 132, 30);
    s->to_bow = sixbit_get_u(bits, nbits, 132, 9);
    s->to_stern = sixbit_get_u(bits, nbits, 141, 9);
    s->to_port = sixbit_get_u(bits, nbits, 150, 6);
    s->to_starboard = sixbit_get_u(bits, nbits, 156, 6);
    return AIS_OK;
}

static void json(const ais_msg *m, jw *w, int scaled)
{
    const ais_static_data *s = &m->u.static_data;
    if (s->partno == 0) {
        jw_str(w, "shipname", s->shipname);
        return;
    }
    if (s->shipname[0]) /* merged with its part A (ais_merge24) */
        jw_str(w, "shipname", s->shipname);
    jw_uint(w, "shiptype", s->shiptype);
    jw_str(w, "shiptype_text", ais_shiptype_text(s->shiptype));
    jw_str(w, "vendorid", s->vendorid);
    jw_uint(w, "model", s->model);
    jw_uint(w, "serial", s->serial);
    jw_str(w, "callsign", s->callsign);
    if (s->auxiliary) {
        jw_uint(w, "mothership_mmsi", s->mothership_mmsi);
    } else {
        jw_uint(w, "to_bow", s->to_bow);
        jw_uint(w, "to_stern", s->to_stern);
        jw_uint(w, "to_port", s->to_port);
        jw_uint(w, "to_starboard", s->to_starboard);
    }
}

static int encode(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    const ais_static_data *s = &m->u.static_data;
    if (s->partno == 0) {
        sixbit_put_text(bits, 40, 20, s->shipname);
        *nbits = 168;
        return 0;
    }
    if (s->partno != 1)
        return -1;
    sixbit_put_u(bits, 40, 8, s->shiptype);
    sixbit_put_text(bits, 48, 7, s->vendorid);
    /* model and serial overlay the last 24 bits of the 7-character vendor id */
    sixbit_put_u(bits, 66, 4, s->model);
    sixbit_put_u(bits, 70, 20, s->serial);
    sixbit_put_text(bits, 90, 7, s->callsign);
    if (s->auxiliary) {
        sixbit_put_u(bits, 132, 30, s->mothership_mmsi);
    } else {
        sixbit_put_u(bits, 132, 9, s->to_bow);
        sixbit_put_u(bits, 141, 9, s->to_stern);
        sixbit_put_u(bits, 150, 6, s->to_port);
        sixbit_put_u(bits, 156, 6, s->to_starboard);
    }
    *nbits = 168;
    return 0;
}

const ais_codec ais_codec_static_data = {
    .name = "static_data_report",
    .min_bits = 160,
    .max_bits = 176,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .decode = decode,
    .json = json,
    .encode = encode,
};
