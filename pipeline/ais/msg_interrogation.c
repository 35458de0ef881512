/* Type 15: Interrogation (M.1371-5 Annex 8, Table 72).
 *
 *  bit  width  field
 *    0     6   message id (15)
 *    6     2   repeat indicator
 *    8    30   source MMSI
 *   38     2   spare
 *   40    30   destination 1 MMSI
 *   70     6   message id 1.1 requested
 *   76    12   slot offset 1.1
 *   88     2   spare
 *   90     6   message id 1.2            (present when length > 90)
 *   96    12   slot offset 1.2
 *  108     2   spare
 *  110    30   destination 2 MMSI        (present when length > 110)
 *  140     6   message id 2.1
 *  146    12   slot offset 2.1
 *  158     2   spare
 *  88..160     total
 *
 * Absent optional parts read as zero, as gpsd does.
 */
#include "ais_internal.h"

static const ais_field fields[] = {
    FLD(40, 30, F_U, u.interrogation.mmsi1, "mmsi1"),
    FLD(70, 6, F_U, u.interrogation.type1_1, "type1_1"),
    FLD(76, 12, F_U, u.interrogation.offset1_1, "offset1_1"),
    FLD(90, 6, F_U, u.interrogation.type1_2, "type1_2"),
    FLD(96, 12, F_U, u.interrogation.offset1_2, "offset1_2"),
    FLD(110, 30, F_U, u.interrogation.mmsi2, "mmsi2"),
    FLD(140, 6, F_U, u.interrogation.type2_1, "type2_1"),
    FLD(146, 12, F_U, u.interrogation.offset2_1, "offset2_1"),
};

static int encode(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    const ais_interrogation *q = &m->u.interrogation;
    *nbits = (q->mmsi2 || q->type2_1 || q->offset2_1) ? 160 : (q->type1_2 || q->offset1_2) ? 110 : 88;
    return 0;
}

const ais_codec ais_codec_interrogation = {
    .name = "interrogation",
    .min_bits = 88,
    .max_bits = 168,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .encode = encode,
};
