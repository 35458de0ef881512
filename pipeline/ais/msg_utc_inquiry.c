/* Type 10: UTC and Date Inquiry (M.1371-5 Annex 8, Table 66).
 *
 *  bit  width  field
 *    0     6   message id (10)
 *    6     2   repeat indicator
 *    8    30   source MMSI
 *   38     2   spare
 *   40    30   destination MMSI
 *   70     2   spare
 *   72         total
 *
 * Lenient 70..80 bits: the trailing spare is sometimes dropped or padded.
 */
#include "ais_internal.h"

static const ais_field fields[] = {
    FLD(40, 30, F_U, u.utc_inquiry.dest_mmsi, "dest_mmsi"),
};

const ais_codec ais_codec_utc_inquiry = {
    .name = "utc_inquiry",
    .min_bits = 70,
    .max_bits = 80,
    .enc_bits = 72,
    .fields = fields,
    .nfields = 1,
};
