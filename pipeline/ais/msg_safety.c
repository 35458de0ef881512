/* Types 12 (Addressed Safety Related Message) and 14 (Safety Related Broadcast Message)
 * (M.1371-5 Annex 8, Tables 68 and 70).
 *
 * Type 12                                  Type 14
 *  bit  width  field                        bit  width  field
 *    0     6   message id (12)                0     6   message id (14)
 *    6     2   repeat indicator               6     2   repeat indicator
 *    8    30   source MMSI                    8    30   source MMSI
 *   38     2   sequence number               38     2   spare
 *   40    30   destination MMSI              40  <=968  text, six-bit, up to 161 characters
 *   70     1   retransmit flag
 *   71     1   spare
 *   72  <=936  text, six-bit, up to 156 characters
 *
 * The text runs to the end of the message; a trailing partial character (fill) is dropped.
 */
#include <string.h>

#include "ais_internal.h"

static const ais_field fields12[] = {
    FLD(38, 2, F_U, u.safety.seqno, "seqno"),
    FLD(40, 30, F_U, u.safety.dest_mmsi, "dest_mmsi"),
    FLD(70, 1, F_B, u.safety.retransmit, "retransmit"),
};

static ais_status decode_text(const uint8_t *bits, size_t nbits, size_t start, ais_msg *m)
{
    size_t nchars = (nbits - start) / 6;
    sixbit_get_text(bits, nbits, start, (unsigned)nchars, m->u.safety.text,
                    sizeof m->u.safety.text);
    return AIS_OK;
}

static ais_status decode12(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    return decode_text(bits, nbits, 72, m);
}

static ais_status decode14(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    m->u.safety.seqno = 0;
    m->u.safety.dest_mmsi = 0;
    m->u.safety.retransmit = false;
    return decode_text(bits, nbits, 40, m);
}

static void json(const ais_msg *m, jw *w, int scaled)
{
    jw_str(w, "text", m->u.safety.text);
}

static int encode_text(const ais_msg *m, uint8_t *bits, size_t start, size_t *nbits)
{
    size_t n = strnlen(m->u.safety.text, sizeof m->u.safety.text);
    if (start + n * 6 > 1008)
        return -1;
    sixbit_put_text(bits, start, (unsigned)n, m->u.safety.text);
    *nbits = start + n * 6;
    return 0;
}

static int encode12(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    return encode_text(m, bits, 72, nbits);
}

static int encode14(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    return encode_text(m, bits, 40, nbits);
}

const ais_codec ais_codec_safety_addressed = {
    .name = "safety_addressed",
    .min_bits = 72,
    .max_bits = 1008,
    .fields = fields12,
    .nfields = sizeof fields12 / sizeof fields12[0],
    .decode = decode12,
    .json = json,
    .encode = encode12,
};

const ais_codec ais_codec_safety_broadcast = {
    .name = "safety_broadcast",
    .min_bits = 40,
    .max_bits = 1008,
    .decode = decode14,
    .json = json,
    .encode = encode14,
};
