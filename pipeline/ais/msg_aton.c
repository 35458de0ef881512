/* Type 21: Aids-to-Navigation Report (M.1371-5 Annex 8, Table 84).
 *
 *  bit  width  field
 *    0     6   message id (21)
 *    6     2   repeat indicator
 *    8    30   MMSI (99MIDxxxx for AtoN)
 *   38     5   type of aid to navigation (Table 85)
 *   43   120   name, 20 characters
 *  163     1   position accuracy
 *  164    28   longitude, 1/10000 min
 *  192    27   latitude, 1/10000 min
 *  219    30   dimensions (bow 9, stern 9, port 6, starboard 6)
 *  249     4   type of EPFD
 *  253     6   time stamp
 *  259     1   off-position indicator
 *  260     8   reserved for regional use
 *  268     1   RAIM flag
 *  269     1   virtual AtoN flag
 *  270     1   assigned mode flag
 *  271     1   spare
 *  272  <=88  name extension, up to 14 characters (then fill to a byte boundary)
 *  272..360    total
 */
#include <string.h>

#include "ais_internal.h"

static const char *const aid_types[32] = {
    "Unspecified", "Reference point", "RACON", "Fixed offshore structure",
    "Spare, Reserved for future use.", "Light, without sectors", "Light, with sectors",
    "Leading Light Front", "Leading Light Rear", "Beacon, Cardinal N", "Beacon, Cardinal E",
    "Beacon, Cardinal S", "Beacon, Cardinal W", "Beacon, Port hand", "Beacon, Starboard hand",
    "Beacon, Preferred Channel port hand", "Beacon, Preferred Channel starboard hand",
    "Beacon, Isolated danger", "Beacon, Safe water", "Beacon, Special mark", "Cardinal Mark N",
    "Cardinal Mark E", "Cardinal Mark S", "Cardinal Mark W", "Port hand Mark",
    "Starboard hand Mark", "Preferred Channel Port hand", "Preferred Channel Starboard hand",
    "Isolated danger", "Safe Water", "Special Mark", "Light Vessel / LANBY / Rigs",
};

static const ais_field fields[] = {
    FLDL(38, 5, F_U, u.aton.aid_type, "aid_type", aid_types),
    FLD(163, 1, F_B, u.aton.accuracy, "accuracy"),
    FLDS(164, 28, F_S, u.aton.lon, "lon", S_LL4),
    FLDS(192, 27, F_S, u.aton.lat, "lat", S_LL4),
    FLD(219, 9, F_U, u.aton.to_bow, "to_bow"),
    FLD(228, 9, F_U, u.aton.to_stern, "to_stern"),
    FLD(237, 6, F_U, u.aton.to_port, "to_port"),
    FLD(243, 6, F_U, u.aton.to_starboard, "to_starboard"),
    FLDL(249, 4, F_U, u.aton.epfd, "epfd", ais_epfd_legend),
    FLD(253, 6, F_U, u.aton.second, "second"),
    FLD(259, 1, F_B, u.aton.off_position, "off_position"),
    FLD(260, 8, F_U, u.aton.regional, "regional"),
    FLD(268, 1, F_B, u.aton.raim, "raim"),
    FLD(269, 1, F_B, u.aton.virtual_aid, "virtual_aid"),
    FLD(270, 1, F_B, u.aton.assigned, "assigned"),
};

static ais_status decode(const uint8_t *bits, size_t nbits, ais_msg *m)
{
    ais_aton *a = &m->u.aton;
    /* The name is 20 characters padded with '@'; the extension continues it only when all
     * 20 are used.  Spaces inside a full-length name are kept. */
    char name[21];
    sixbit_get_text_raw(bits, nbits, 43, 20, name, sizeof name);
    char *at = memchr(name, '@', 20);
    size_t n = at ? (size_t)(at - name) : 20;
    memcpy(a->name, name, n);
    if (n == 20 && nbits > 272) {
        char ext[15];
        size_t e = sixbit_get_text(bits, nbits, 272, (unsigned)((nbits - 272) / 6), ext,
                                   sizeof ext);
        memcpy(a->name + 20, ext, e);
        n += e;
    }
    while (n > 0 && a->name[n - 1] == ' ')
        n--;
    a->name[n] = '\0';
    return AIS_OK;
}

static void json(const ais_msg *m, jw *w, int scaled)
{
    jw_str(w, "name", m->u.aton.name);
}

static int encode(const ais_msg *m, uint8_t *bits, size_t *nbits)
{
    const ais_aton *a = &m->u.aton;
    size_t n = strnlen(a->name, sizeof a->name);
    char first[21] = {0};
    memcpy(first, a->name, n < 20 ? n : 20);
    sixbit_put_text(bits, 43, 20, first);
    size_t total = 272;
    if (n > 20) {
        size_t e = n - 20 > 14 ? 14 : n - 20;
        sixbit_put_text(bits, 272, (unsigned)e, a->name + 20);
        total = 272 + e * 6;
    }
    *nbits = (total + 7) / 8 * 8;
    return 0;
}

const ais_codec ais_codec_aton = {
    .name = "aid_to_navigation",
    .min_bits = 265,
    .max_bits = 368,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .decode = decode,
    .json = json,
    .encode = encode,
};
