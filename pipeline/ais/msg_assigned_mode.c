/* Type 16: Assigned Mode Command (M.1371-5 Annex 8, Table 74).
 *
 *  bit  width  field
 *    0     6   message id (16)
 *    6     2   repeat indicator
 *    8    30   source MMSI
 *   38     2   spare
 *   40    30   destination A MMSI
 *   70    12   offset A
 *   82    10   increment A
 *   92    30   destination B MMSI       (optional)
 *  122    12   offset B
 *  134    10   increment B
 *  96 or 144   total (spare bits pad to a byte boundary)
 */
#include "ais_internal.h"

static const ais_field fields[] = {
    FLD(40, 30, F_U, u.assigned_mode.mmsi1, "mmsi1"),
    FLD(70, 12, F_U, u.assigned_mode.offset1, "offset1"),
    FLD(82, 10, F_U, u.assigned_mode.increment1, "increment1"),
    FLD(92, 30, F_U, u.assigned_mode.mmsi2, "mmsi2"),
    FLD(122, 12, F_U, u.assigned_mode.offset2, "offset2"),
    FLD(134, 10, F_U, u.assigned_mode.increment2, "increment2"),
};

static ais_status decode(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    if (nbits < 144) { /* only destination A: what follows is spare */
        m->u.assigned_mode.mmsi2 = 0;
        m->u.assigned_mode.offset2 = 0;
        m->u.assigned_mode.increment2 = 0;
    }
    return AIS_OK;
}

static int encode(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    const ais_assigned_mode *a = &m->u.assigned_mode;
    *nbits = (a->mmsi2 || a->offset2 || a->increment2) ? 144 : 96;
    return 0;
}

const ais_codec ais_codec_assigned_mode = {
    .name = "assigned_mode",
    .min_bits = 92,
    .max_bits = 168,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .decode = decode,
    .encode = encode,
};
