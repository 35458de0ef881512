/* Types 25 (Single Slot Binary Message) and 26 (Multiple Slot Binary Message with
 * Communications State) (M.1371-5 Annex 8, Tables 93 and 95).
 *
 *  bit  width  field
 *    0     6   message id (25 or 26)
 *    6     2   repeat indicator
 *    8    30   source MMSI
 *   38     1   destination indicator (addressed)
 *   39     1   binary data flag (structured: 16-bit application identifier first)
 *   40    30   destination MMSI               (addressed only)
 *   40|70 16   application identifier (DAC 10 + FI 6)   (structured only)
 *   ...        binary data
 *   end-20 20  communication state (type 26 only: selector 1 + SOTDMA/ITDMA 19)
 *  type 25: 40..168 bits; type 26: 60..1064 bits
 *
 * data/bitcount hold exactly the binary data (after the optional destination and identifier,
 * before the communication state); see DIFFERENCES.md for how gpsd counts these bits.
 */
#include "ais_internal.h"

static const ais_field fields[] = {
    FLD(38, 1, F_B, u.binary_slot.addressed, "addressed"),
    FLD(39, 1, F_B, u.binary_slot.structured, "structured"),
};

static ais_status decode_common(const uint8_t *bits, size_t nbits, size_t tail, ais_msg *m)
{
    ais_binary_slot *b = &m->u.binary_slot;
    size_t at = 40;
    b->dest_mmsi = 0;
    b->app_id = 0;
    if (b->addressed) {
        b->dest_mmsi = sixbit_get_u(bits, nbits, at, 30);
        at += 30;
    }
    if (b->structured) {
        b->app_id = sixbit_get_u(bits, nbits, at, 16);
        at += 16;
    }
    if (at + tail > nbits)
        return AIS_BAD_LENGTH;
    ais_take_data(bits, nbits, at, nbits - tail - at, b->data, &b->bitcount);
    b->radio = tail ? sixbit_get_u(bits, nbits, nbits - tail, (unsigned)tail) : 0;
    return AIS_OK;
}

static ais_status decode25(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    return decode_common(bits, nbits, 0, m);
}

static ais_status decode26(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    return decode_common(bits, nbits, 20, m);
}

static void json25(const ais_msg *m, jw *w, int scaled)
{
    const ais_binary_slot *b = &m->u.binary_slot;
    jw_uint(w, "dest_mmsi", b->dest_mmsi);
    jw_uint(w, "app_id", b->app_id);
    jw_data(w, "data", b->data, b->bitcount);
}

static void json26(const ais_msg *m, jw *w, int scaled)
{
    json25(m, w, scaled);
    jw_uint(w, "radio", m->u.binary_slot.radio);
}

static int encode_common(const ais_msg *m, uint8_t *bits, size_t *nbits, size_t tail, size_t max)
{
    const ais_binary_slot *b = &m->u.binary_slot;
    size_t at = 40;
    if (b->addressed) {
        sixbit_put_u(bits, at, 30, b->dest_mmsi);
        at += 30;
    }
    if (b->structured) {
        sixbit_put_u(bits, at, 16, b->app_id);
        at += 16;
    }
    if (at + b->bitcount + tail > max)
        return -1;
    sixbit_copy(bits, at, b->data, b->bitcount, 0, b->bitcount);
    at += b->bitcount;
    if (tail) {
        sixbit_put_u(bits, at, (unsigned)tail, b->radio);
        at += tail;
    }
    *nbits = at;
    return 0;
}

static int encode25(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    return encode_common(m, bits, nbits, 0, 168);
}

static int encode26(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    return encode_common(m, bits, nbits, 20, 1064);
}

const ais_codec ais_codec_binary_slot = {
    .name = "binary_single_slot",
    .min_bits = 40,
    .max_bits = 168,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .decode = decode25,
    .json = json25,
    .encode = encode25,
};

const ais_codec ais_codec_binary_multislot = {
    .name = "binary_multiple_slot",
    .min_bits = 60,
    .max_bits = 1064,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .decode = decode26,
    .json = json26,
    .encode = encode26,
};
