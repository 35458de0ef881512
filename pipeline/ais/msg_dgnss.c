/* Type 17: GNSS Broadcast Binary Message (M.1371-5 Annex 8, Table 76).
 *
 *  bit  width  field
 *    0     6   message id (17)
 *    6     2   repeat indicator
 *    8    30   source MMSI
 *   38     2   spare
 *   40    18   longitude of the reference station, 1/10 min
 *   58    17   latitude, 1/10 min
 *   75     5   spare
 *   80  <=736  data: ITU-R M.823 (RTCM SC-104) words
 *  80..816     total
 */
#include "ais_internal.h"

static const ais_field fields[] = {
    FLDS(40, 18, F_S, u.dgnss.lon, "lon", S_LL1_1),
    FLDS(58, 17, F_S, u.dgnss.lat, "lat", S_LL1_1),
};

static ais_status decode(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    ais_take_data(bits, nbits, 80, nbits - 80, m->u.dgnss.data, &m->u.dgnss.bitcount);
    return AIS_OK;
}

static void json(const ais_msg *m, jw *w, int scaled)
{
    jw_data(w, "data", m->u.dgnss.data, m->u.dgnss.bitcount);
}

static int encode(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    if (m->u.dgnss.bitcount > 736)
        return -1;
    sixbit_copy(bits, 80, m->u.dgnss.data, m->u.dgnss.bitcount, 0, m->u.dgnss.bitcount);
    *nbits = 80 + m->u.dgnss.bitcount;
    return 0;
}

const ais_codec ais_codec_dgnss = {
    .name = "gnss_broadcast",
    .min_bits = 80,
    .max_bits = 816,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .decode = decode,
    .json = json,
    .encode = encode,
};
