/* Type 20: Data Link Management Message (M.1371-5 Annex 8, Table 82).
 *
 *  bit  width  field
 *    0     6   message id (20)
 *    6     2   repeat indicator
 *    8    30   source MMSI
 *   38     2   spare
 *   40    12   offset number 1      52  4  number of slots 1   56  3  timeout 1   59  11  increment 1
 *   70    12   offset number 2      82  4  number of slots 2   86  3  timeout 2   89  11  increment 2
 *  100    12   offset number 3     112  4  ...                116  3  ...        119  11  ...
 *  130    12   offset number 4     142  4  ...                146  3  ...        149  11  ...
 *  72..160     total (1-4 reservations, padded to a byte boundary)
 *
 * Lenient up to 186 bits: gpsd's sample holds real type 20s of 186 bits; the extra is ignored.
 */
#include "ais_internal.h"

static ais_status decode(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    ais_data_link *d = &m->u.data_link;
    d->count = 0;
    for (unsigned i = 0; i < 4; i++) {
        size_t at = 40 + 30 * (size_t)i;
        if (at + 30 <= nbits) {
            d->slot[i].offset = sixbit_get_u(bits, nbits, at, 12);
            d->slot[i].number = sixbit_get_u(bits, nbits, at + 12, 4);
            d->slot[i].timeout = sixbit_get_u(bits, nbits, at + 16, 3);
            d->slot[i].increment = sixbit_get_u(bits, nbits, at + 19, 11);
            d->count = i + 1;
        } else {
            d->slot[i].offset = d->slot[i].number = d->slot[i].timeout = d->slot[i].increment = 0;
        }
    }
    return d->count ? AIS_OK : AIS_BAD_LENGTH;
}

static void json(const ais_msg *m, jw *w, int scaled)
{
    static const char *const k[4][4] = {
        {"offset1", "number1", "timeout1", "increment1"},
        {"offset2", "number2", "timeout2", "increment2"},
        {"offset3", "number3", "timeout3", "increment3"},
        {"offset4", "number4", "timeout4", "increment4"},
    };
    for (unsigned i = 0; i < 4; i++) {
        jw_uint(w, k[i][0], m->u.data_link.slot[i].offset);
        jw_uint(w, k[i][1], m->u.data_link.slot[i].number);
        jw_uint(w, k[i][2], m->u.data_link.slot[i].timeout);
        jw_uint(w, k[i][3], m->u.data_link.slot[i].increment);
    }
}

static int encode(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    const ais_data_link *d = &m->u.data_link;
    if (d->count < 1 || d->count > 4)
        return -1;
    for (unsigned i = 0; i < d->count; i++) {
        size_t at = 40 + 30 * (size_t)i;
        sixbit_put_u(bits, at, 12, d->slot[i].offset);
        sixbit_put_u(bits, at + 12, 4, d->slot[i].number);
        sixbit_put_u(bits, at + 16, 3, d->slot[i].timeout);
        sixbit_put_u(bits, at + 19, 11, d->slot[i].increment);
    }
    size_t n = 40 + 30 * (size_t)d->count;
    *nbits = (n + 7) / 8 * 8;
    return 0;
}

const ais_codec ais_codec_data_link = {
    .name = "data_link_management",
    .min_bits = 70,
    .max_bits = 186,
    .decode = decode,
    .json = json,
    .encode = encode,
};
