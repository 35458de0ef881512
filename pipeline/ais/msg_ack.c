/* Types 7 (Binary Acknowledge) and 13 (Safety Related Acknowledge) (M.1371-5 Annex 8, Table 58).
 *
 *  bit  width  field
 *    0     6   message id (7 or 13)
 *    6     2   repeat indicator
 *    8    30   source MMSI
 *   38     2   spare
 *   40    30   destination 1 MMSI     70  2  sequence number 1
 *   72    30   destination 2 MMSI    102  2  sequence number 2   (optional)
 *  104    30   destination 3 MMSI    134  2  sequence number 3   (optional)
 *  136    30   destination 4 MMSI    166  2  sequence number 4   (optional)
 *  72..168     total: 40 + 32 * count
 *
 * Lenient: any length from 70 bits (one destination without its sequence number) to 168 bits;
 * the count is the number of destinations whose MMSI starts inside the message.
 */
#include "ais_internal.h"

static ais_status decode(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    ais_ack *a = &m->u.ack;
    a->count = 0;
    for (unsigned i = 0; i < 4; i++) {
        size_t at = 40 + 32 * (size_t)i;
        if (at < nbits) { /* as gpsd: a destination that starts inside the message counts */
            a->mmsi[i] = sixbit_get_u(bits, nbits, at, 30);
            a->seqno[i] = sixbit_get_u(bits, nbits, at + 30, 2);
            a->count = i + 1;
        } else {
            a->mmsi[i] = 0;
            a->seqno[i] = 0;
        }
    }
    return AIS_OK;
}

static void json(const ais_msg *m, jw *w, int scaled)
{
    static const char *const mk[4] = {"mmsi1", "mmsi2", "mmsi3", "mmsi4"};
    for (unsigned i = 0; i < 4; i++)
        jw_uint(w, mk[i], m->u.ack.mmsi[i]);
}

static int encode(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    const ais_ack *a = &m->u.ack;
    if (a->count < 1 || a->count > 4)
        return -1;
    for (unsigned i = 0; i < a->count; i++) {
        sixbit_put_u(bits, 40 + 32 * (size_t)i, 30, a->mmsi[i]);
        sixbit_put_u(bits, 70 + 32 * (size_t)i, 2, a->seqno[i]);
    }
    *nbits = 40 + 32 * (size_t)a->count;
    return 0;
}

const ais_codec ais_codec_ack = {
    .name = "acknowledge",
    .min_bits = 70,
    .max_bits = 168,
    .decode = decode,
    .json = json,
    .encode = encode,
};
