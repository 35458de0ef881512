/* Types 6 (Binary Addressed Message) and 8 (Binary Broadcast Message)
 * (M.1371-5 Annex 8, Tables 57 and 62; application identifier per §2.1 of Annex 5).
 *
 * Type 6                                   Type 8
 *  bit  width  field                        bit  width  field
 *    0     6   message id (6)                 0     6   message id (8)
 *    6     2   repeat indicator               6     2   repeat indicator
 *    8    30   source MMSI                    8    30   source MMSI
 *   38     2   sequence number               38     2   spare
 *   40    30   destination MMSI              40    10   DAC (designated area code)
 *   70     1   retransmit flag               50     6   FI (function identifier)
 *   71     1   spare                         56  <=952  application data
 *   72    10   DAC                          <=1008      total (5 slots)
 *   82     6   FI
 *   88  <=920  application data
 * <=1008       total
 *
 * The application data is always kept raw (data/bitcount) so that re-encoding is exact; known
 * DAC/FI pairs whose length fits are also decoded into typed structs (app_*.c).
 */
#include <string.h>

#include "ais_internal.h"

static const ais_field fields6[] = {
    FLD(38, 2, F_U, u.binary.seqno, "seqno"),
    FLD(40, 30, F_U, u.binary.dest_mmsi, "dest_mmsi"),
    FLD(70, 1, F_B, u.binary.retransmit, "retransmit"),
    FLDS(71, 1, F_U, u.binary.spare, "spare", S_HIDE),
    FLD(72, 10, F_U, u.binary.dac, "dac"),
    FLD(82, 6, F_U, u.binary.fid, "fid"),
};

static const ais_field fields8[] = {
    FLDS(38, 2, F_U, u.binary.spare, "spare", S_HIDE),
    FLD(40, 10, F_U, u.binary.dac, "dac"),
    FLD(50, 6, F_U, u.binary.fid, "fid"),
};

static ais_status decode6(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    ais_binary *b = &m->u.binary;
    ais_take_data(bits, nbits, 88, nbits - 88, b->data, &b->bitcount);
    ais_app_decode(bits, nbits, 88, 6, b);
    return AIS_OK;
}

static ais_status decode8(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    ais_binary *b = &m->u.binary;
    b->seqno = 0;
    b->dest_mmsi = 0;
    b->retransmit = false;
    ais_take_data(bits, nbits, 56, nbits - 56, b->data, &b->bitcount);
    ais_app_decode(bits, nbits, 56, 8, b);
    return AIS_OK;
}

static void json(const ais_msg *m, jw *w, int scaled)
{
    const ais_binary *b = &m->u.binary;
    if (b->app_kind == AIS_APP_NONE)
        jw_data(w, "data", b->data, b->bitcount);
    else
        ais_app_json(b, w, scaled);
}

/* data/bitcount are copied as they are, so a decoded message re-encodes bit for bit (spares
 * and trailing bits included).  With no data (bitcount 0) and an application kind set, the
 * payload is written from the app struct instead, so a caller can build e.g. a meteorological
 * message field by field. */
static int encode_at(const ais_msg *m, uint8_t *bits, size_t start, size_t *nbits)
{
    const ais_binary *b = &m->u.binary;
    if (b->app_kind != AIS_APP_NONE && b->bitcount == 0)
        return ais_app_encode(b, (int)m->type, bits, start, nbits);
    if (b->bitcount > AIS_DATA_MAX_BYTES * 8 || start + b->bitcount > 1008)
        return -1;
    sixbit_copy(bits, start, b->data, b->bitcount, 0, b->bitcount);
    *nbits = start + b->bitcount;
    return 0;
}

static int encode6(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    return encode_at(m, bits, 88, nbits);
}

static int encode8(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    return encode_at(m, bits, 56, nbits);
}

const ais_codec ais_codec_binary_addressed = {
    .name = "binary_addressed",
    .min_bits = 88,
    .max_bits = 1008,
    .fields = fields6,
    .nfields = sizeof fields6 / sizeof fields6[0],
    .decode = decode6,
    .json = json,
    .encode = encode6,
};

const ais_codec ais_codec_binary_broadcast = {
    .name = "binary_broadcast",
    .min_bits = 56,
    .max_bits = 1008,
    .fields = fields8,
    .nfields = sizeof fields8 / sizeof fields8[0],
    .decode = decode8,
    .json = json,
    .encode = encode8,
};
