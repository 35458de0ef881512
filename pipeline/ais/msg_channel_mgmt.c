/* Type 22: Channel Management (M.1371-5 Annex 8, Table 86).
 *
 *  bit  width  field
 *    0     6   message id (22)
 *    6     2   repeat indicator
 *    8    30   source MMSI
 *   38     2   spare
 *   40    12   channel A (ITU-R M.1084 channel number)
 *   52    12   channel B
 *   64     4   Tx/Rx mode
 *   68     1   power (0 high, 1 low)
 *   69    18   NE longitude, 1/10 min   | or destination 1 MMSI (30 bits) + 5 spare
 *   87    17   NE latitude, 1/10 min    |
 *  104    18   SW longitude, 1/10 min   | or destination 2 MMSI (30 bits) + 5 spare
 *  122    17   SW latitude, 1/10 min    |
 *  139     1   addressed flag
 *  140     1   channel A bandwidth
 *  141     1   channel B bandwidth
 *  142     3   transitional zone size
 *  145    23   spare
 *  168         total
 */
#include "ais_internal.h"

static const ais_field fields[] = {
    FLD(40, 12, F_U, u.channel_mgmt.channel_a, "channel_a"),
    FLD(52, 12, F_U, u.channel_mgmt.channel_b, "channel_b"),
    FLD(64, 4, F_U, u.channel_mgmt.txrx, "txrx"),
    FLD(68, 1, F_B, u.channel_mgmt.power, "power"),
    FLD(139, 1, F_B, u.channel_mgmt.addressed, "addressed"),
    FLD(140, 1, F_B, u.channel_mgmt.band_a, "band_a"),
    FLD(141, 1, F_B, u.channel_mgmt.band_b, "band_b"),
    FLD(142, 3, F_U, u.channel_mgmt.zonesize, "zonesize"),
};

static ais_status decode(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    ais_channel_mgmt *c = &m->u.channel_mgmt;
    if (c->addressed) {
        c->dest1 = sixbit_get_u(bits, nbits, 69, 30);
        c->dest2 = sixbit_get_u(bits, nbits, 104, 30);
        c->ne_lon = c->ne_lat = c->sw_lon = c->sw_lat = 0;
    } else {
        c->ne_lon = sixbit_get_s(bits, nbits, 69, 18);
        c->ne_lat = sixbit_get_s(bits, nbits, 87, 17);
        c->sw_lon = sixbit_get_s(bits, nbits, 104, 18);
        c->sw_lat = sixbit_get_s(bits, nbits, 122, 17);
        c->dest1 = c->dest2 = 0;
    }
    return AIS_OK;
}

static void json(const ais_msg *m, jw *w, int scaled)
{
    const ais_channel_mgmt *c = &m->u.channel_mgmt;
    if (c->addressed) {
        jw_uint(w, "dest1", c->dest1);
        jw_uint(w, "dest2", c->dest2);
    } else if (scaled) {
        jw_fixed(w, "ne_lon", c->ne_lon / 600.0, 6);
        jw_fixed(w, "ne_lat", c->ne_lat / 600.0, 6);
        jw_fixed(w, "sw_lon", c->sw_lon / 600.0, 6);
        jw_fixed(w, "sw_lat", c->sw_lat / 600.0, 6);
    } else {
        jw_int(w, "ne_lon", c->ne_lon);
        jw_int(w, "ne_lat", c->ne_lat);
        jw_int(w, "sw_lon", c->sw_lon);
        jw_int(w, "sw_lat", c->sw_lat);
    }
}

static int encode(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    const ais_channel_mgmt *c = &m->u.channel_mgmt;
    if (c->addressed) {
        sixbit_put_u(bits, 69, 30, c->dest1);
        sixbit_put_u(bits, 104, 30, c->dest2);
    } else {
        sixbit_put_s(bits, 69, 18, c->ne_lon);
        sixbit_put_s(bits, 87, 17, c->ne_lat);
        sixbit_put_s(bits, 104, 18, c->sw_lon);
        sixbit_put_s(bits, 122, 17, c->sw_lat);
    }
    *nbits = 168;
    return 0;
}

const ais_codec ais_codec_channel_mgmt = {
    .name = "channel_management",
    .min_bits = 145,
    .max_bits = 176,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .decode = decode,
    .json = json,
    .encode = encode,
};
