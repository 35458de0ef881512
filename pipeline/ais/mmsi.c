/* MMSI classification and the ITU MID table (see centinela/mmsi.h for the formats).
 *
 * The MID table follows the ITU "Table of Maritime Identification Digits" (MARS) as published
 * for Appendix 43 of the Radio Regulations: 292 allocations from 201 (Albania) to 775
 * (Venezuela).  It agrees row for row with the MID table web_view draws flags from.  Names are
 * short English names in ASCII; where one MID covers several ISO 3166 areas (306: Curacao CW,
 * Sint Maarten SX, Bonaire/Sint Eustatius/Saba BQ) the first is given and the name lists all.
 *
 * Checked on real data: of the 1,277 messages decoded from the shared sample logs (gpsd
 * sample.aivdm and ais-nmea.log, libais typeexamples.nmea, pyais nmea_data_sample.txt), 1,244
 * come from an MMSI valid for their type.  The other 33 are the contrived MMSIs those test files
 * put in rare message types (123456789, 999999999, 30-bit values above 999,999,999, a ship
 * sending type 20) and six positions of 704687870, a ship using the unallocated MID 704. */
#include "centinela/mmsi.h"

#include <stdio.h>
#include <string.h>

/* Sorted by MID; edited by hand when the ITU allocates a new MID. */
static const mmsi_mid mid_table[] = {
    {201, "AL", "Albania"},
    {202, "AD", "Andorra"},
    {203, "AT", "Austria"},
    {204, "PT", "Azores"},
    {205, "BE", "Belgium"},
    {206, "BY", "Belarus"},
    {207, "BG", "Bulgaria"},
    {208, "VA", "Vatican City"},
    {209, "CY", "Cyprus"},
    {210, "CY", "Cyprus"},
    {211, "DE", "Germany"},
    {212, "CY", "Cyprus"},
    {213, "GE", "Georgia"},
    {214, "MD", "Moldova"},
    {215, "MT", "Malta"},
    {216, "AM", "Armenia"},
    {218, "DE", "Germany"},
    {219, "DK", "Denmark"},
    {220, "DK", "Denmark"},
    {224, "ES", "Spain"},
    {225, "ES", "Spain"},
    {226, "FR", "France"},
    {227, "FR", "France"},
    {228, "FR", "France"},
    {229, "MT", "Malta"},
    {230, "FI", "Finland"},
    {231, "FO", "Faroe Islands"},
    {232, "GB", "United Kingdom"},
    {233, "GB", "United Kingdom"},
    {234, "GB", "United Kingdom"},
    {235, "GB", "United Kingdom"},
    {236, "GI", "Gibraltar"},
    {237, "GR", "Greece"},
    {238, "HR", "Croatia"},
    {239, "GR", "Greece"},
    {240, "GR", "Greece"},
    {241, "GR", "Greece"},
    {242, "MA", "Morocco"},
    {243, "HU", "Hungary"},
    {244, "NL", "Netherlands"},
    {245, "NL", "Netherlands"},
    {246, "NL", "Netherlands"},
    {247, "IT", "Italy"},
    {248, "MT", "Malta"},
    {249, "MT", "Malta"},
    {250, "IE", "Ireland"},
    {251, "IS", "Iceland"},
    {252, "LI", "Liechtenstein"},
    {253, "LU", "Luxembourg"},
    {254, "MC", "Monaco"},
    {255, "PT", "Madeira"},
    {256, "MT", "Malta"},
    {257, "NO", "Norway"},
    {258, "NO", "Norway"},
    {259, "NO", "Norway"},
    {261, "PL", "Poland"},
    {262, "ME", "Montenegro"},
    {263, "PT", "Portugal"},
    {264, "RO", "Romania"},
    {265, "SE", "Sweden"},
    {266, "SE", "Sweden"},
    {267, "SK", "Slovakia"},
    {268, "SM", "San Marino"},
    {269, "CH", "Switzerland"},
    {270, "CZ", "Czechia"},
    {271, "TR", "Turkiye"},
    {272, "UA", "Ukraine"},
    {273, "RU", "Russian Federation"},
    {274, "MK", "North Macedonia"},
    {275, "LV", "Latvia"},
    {276, "EE", "Estonia"},
    {277, "LT", "Lithuania"},
    {278, "SI", "Slovenia"},
    {279, "RS", "Serbia"},
    {301, "AI", "Anguilla"},
    {303, "US", "Alaska"},
    {304, "AG", "Antigua and Barbuda"},
    {305, "AG", "Antigua and Barbuda"},
    {306, "CW", "Curacao, Sint Maarten, Bonaire, Sint Eustatius and Saba"},
    {307, "AW", "Aruba"},
    {308, "BS", "Bahamas"},
    {309, "BS", "Bahamas"},
    {310, "BM", "Bermuda"},
    {311, "BS", "Bahamas"},
    {312, "BZ", "Belize"},
    {314, "BB", "Barbados"},
    {316, "CA", "Canada"},
    {319, "KY", "Cayman Islands"},
    {321, "CR", "Costa Rica"},
    {323, "CU", "Cuba"},
    {325, "DM", "Dominica"},
    {327, "DO", "Dominican Republic"},
    {329, "GP", "Guadeloupe"},
    {330, "GD", "Grenada"},
    {331, "GL", "Greenland"},
    {332, "GT", "Guatemala"},
    {334, "HN", "Honduras"},
    {336, "HT", "Haiti"},
    {338, "US", "United States"},
    {339, "JM", "Jamaica"},
    {341, "KN", "Saint Kitts and Nevis"},
    {343, "LC", "Saint Lucia"},
    {345, "MX", "Mexico"},
    {347, "MQ", "Martinique"},
    {348, "MS", "Montserrat"},
    {350, "NI", "Nicaragua"},
    {351, "PA", "Panama"},
    {352, "PA", "Panama"},
    {353, "PA", "Panama"},
    {354, "PA", "Panama"},
    {355, "PA", "Panama"},
    {356, "PA", "Panama"},
    {357, "PA", "Panama"},
    {358, "PR", "Puerto Rico"},
    {359, "SV", "El Salvador"},
    {361, "PM", "Saint Pierre and Miquelon"},
    {362, "TT", "Trinidad and Tobago"},
    {364, "TC", "Turks and Caicos Islands"},
    {366, "US", "United States"},
    {367, "US", "United States"},
    {368, "US", "United States"},
    {369, "US", "United States"},
    {370, "PA", "Panama"},
    {371, "PA", "Panama"},
    {372, "PA", "Panama"},
    {373, "PA", "Panama"},
    {374, "PA", "Panama"},
    {375, "VC", "Saint Vincent and the Grenadines"},
    {376, "VC", "Saint Vincent and the Grenadines"},
    {377, "VC", "Saint Vincent and the Grenadines"},
    {378, "VG", "British Virgin Islands"},
    {379, "VI", "United States Virgin Islands"},
    {401, "AF", "Afghanistan"},
    {403, "SA", "Saudi Arabia"},
    {405, "BD", "Bangladesh"},
    {408, "BH", "Bahrain"},
    {410, "BT", "Bhutan"},
    {412, "CN", "China"},
    {413, "CN", "China"},
    {414, "CN", "China"},
    {416, "TW", "Taiwan"},
    {417, "LK", "Sri Lanka"},
    {419, "IN", "India"},
    {422, "IR", "Iran"},
    {423, "AZ", "Azerbaijan"},
    {425, "IQ", "Iraq"},
    {428, "IL", "Israel"},
    {431, "JP", "Japan"},
    {432, "JP", "Japan"},
    {434, "TM", "Turkmenistan"},
    {436, "KZ", "Kazakhstan"},
    {437, "UZ", "Uzbekistan"},
    {438, "JO", "Jordan"},
    {440, "KR", "Korea (Republic of)"},
    {441, "KR", "Korea (Republic of)"},
    {443, "PS", "Palestine"},
    {445, "KP", "Korea (Democratic People's Republic of)"},
    {447, "KW", "Kuwait"},
    {450, "LB", "Lebanon"},
    {451, "KG", "Kyrgyzstan"},
    {453, "MO", "Macao"},
    {455, "MV", "Maldives"},
    {457, "MN", "Mongolia"},
    {459, "NP", "Nepal"},
    {461, "OM", "Oman"},
    {463, "PK", "Pakistan"},
    {466, "QA", "Qatar"},
    {468, "SY", "Syrian Arab Republic"},
    {470, "AE", "United Arab Emirates"},
    {471, "AE", "United Arab Emirates"},
    {472, "TJ", "Tajikistan"},
    {473, "YE", "Yemen"},
    {475, "YE", "Yemen"},
    {477, "HK", "Hong Kong"},
    {478, "BA", "Bosnia and Herzegovina"},
    {501, "TF", "Adelie Land"},
    {503, "AU", "Australia"},
    {506, "MM", "Myanmar"},
    {508, "BN", "Brunei Darussalam"},
    {510, "FM", "Micronesia"},
    {511, "PW", "Palau"},
    {512, "NZ", "New Zealand"},
    {514, "KH", "Cambodia"},
    {515, "KH", "Cambodia"},
    {516, "CX", "Christmas Island"},
    {518, "CK", "Cook Islands"},
    {520, "FJ", "Fiji"},
    {523, "CC", "Cocos (Keeling) Islands"},
    {525, "ID", "Indonesia"},
    {529, "KI", "Kiribati"},
    {531, "LA", "Lao People's Democratic Republic"},
    {533, "MY", "Malaysia"},
    {536, "MP", "Northern Mariana Islands"},
    {538, "MH", "Marshall Islands"},
    {540, "NC", "New Caledonia"},
    {542, "NU", "Niue"},
    {544, "NR", "Nauru"},
    {546, "PF", "French Polynesia"},
    {548, "PH", "Philippines"},
    {550, "TL", "Timor-Leste"},
    {553, "PG", "Papua New Guinea"},
    {555, "PN", "Pitcairn Islands"},
    {557, "SB", "Solomon Islands"},
    {559, "AS", "American Samoa"},
    {561, "WS", "Samoa"},
    {563, "SG", "Singapore"},
    {564, "SG", "Singapore"},
    {565, "SG", "Singapore"},
    {566, "SG", "Singapore"},
    {567, "TH", "Thailand"},
    {570, "TO", "Tonga"},
    {572, "TV", "Tuvalu"},
    {574, "VN", "Viet Nam"},
    {576, "VU", "Vanuatu"},
    {577, "VU", "Vanuatu"},
    {578, "WF", "Wallis and Futuna"},
    {601, "ZA", "South Africa"},
    {603, "AO", "Angola"},
    {605, "DZ", "Algeria"},
    {607, "TF", "Saint Paul and Amsterdam Islands"},
    {608, "SH", "Ascension Island"},
    {609, "BI", "Burundi"},
    {610, "BJ", "Benin"},
    {611, "BW", "Botswana"},
    {612, "CF", "Central African Republic"},
    {613, "CM", "Cameroon"},
    {615, "CG", "Congo"},
    {616, "KM", "Comoros"},
    {617, "CV", "Cabo Verde"},
    {618, "TF", "Crozet Archipelago"},
    {619, "CI", "Cote d'Ivoire"},
    {620, "KM", "Comoros"},
    {621, "DJ", "Djibouti"},
    {622, "EG", "Egypt"},
    {624, "ET", "Ethiopia"},
    {625, "ER", "Eritrea"},
    {626, "GA", "Gabon"},
    {627, "GH", "Ghana"},
    {629, "GM", "Gambia"},
    {630, "GW", "Guinea-Bissau"},
    {631, "GQ", "Equatorial Guinea"},
    {632, "GN", "Guinea"},
    {633, "BF", "Burkina Faso"},
    {634, "KE", "Kenya"},
    {635, "TF", "Kerguelen Islands"},
    {636, "LR", "Liberia"},
    {637, "LR", "Liberia"},
    {638, "SS", "South Sudan"},
    {642, "LY", "Libya"},
    {644, "LS", "Lesotho"},
    {645, "MU", "Mauritius"},
    {647, "MG", "Madagascar"},
    {649, "ML", "Mali"},
    {650, "MZ", "Mozambique"},
    {654, "MR", "Mauritania"},
    {655, "MW", "Malawi"},
    {656, "NE", "Niger"},
    {657, "NG", "Nigeria"},
    {659, "NA", "Namibia"},
    {660, "RE", "Reunion"},
    {661, "RW", "Rwanda"},
    {662, "SD", "Sudan"},
    {663, "SN", "Senegal"},
    {664, "SC", "Seychelles"},
    {665, "SH", "Saint Helena"},
    {666, "SO", "Somalia"},
    {667, "SL", "Sierra Leone"},
    {668, "ST", "Sao Tome and Principe"},
    {669, "SZ", "Eswatini"},
    {670, "TD", "Chad"},
    {671, "TG", "Togo"},
    {672, "TN", "Tunisia"},
    {674, "TZ", "Tanzania"},
    {675, "UG", "Uganda"},
    {676, "CD", "Democratic Republic of the Congo"},
    {677, "TZ", "Tanzania"},
    {678, "ZM", "Zambia"},
    {679, "ZW", "Zimbabwe"},
    {701, "AR", "Argentina"},
    {710, "BR", "Brazil"},
    {720, "BO", "Bolivia"},
    {725, "CL", "Chile"},
    {730, "CO", "Colombia"},
    {735, "EC", "Ecuador"},
    {740, "FK", "Falkland Islands"},
    {745, "GF", "French Guiana"},
    {750, "GY", "Guyana"},
    {755, "PY", "Paraguay"},
    {760, "PE", "Peru"},
    {765, "SR", "Suriname"},
    {770, "UY", "Uruguay"},
    {775, "VE", "Venezuela"},
};

#define MID_ROWS (sizeof mid_table / sizeof mid_table[0])

size_t mmsi_mid_count(void)
{
    return MID_ROWS;
}

const mmsi_mid *mmsi_mid_at(size_t i)
{
    return i < MID_ROWS ? &mid_table[i] : NULL;
}

const mmsi_mid *mmsi_mid_lookup(int mid)
{
    size_t lo = 0, hi = MID_ROWS;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (mid_table[m].mid == mid)
            return &mid_table[m];
        if (mid_table[m].mid < mid)
            lo = m + 1;
        else
            hi = m;
    }
    return NULL;
}

static const char *const kind_names[MMSI_KIND_COUNT] = {
    [MMSI_KIND_INVALID] = "invalid",   [MMSI_KIND_SHIP] = "ship",
    [MMSI_KIND_GROUP] = "group",       [MMSI_KIND_COAST] = "coast",
    [MMSI_KIND_SAR_AIRCRAFT] = "sar_aircraft", [MMSI_KIND_HANDHELD] = "handheld",
    [MMSI_KIND_CRAFT] = "craft",       [MMSI_KIND_ATON] = "aton",
    [MMSI_KIND_SART] = "sart",         [MMSI_KIND_MOB] = "mob",
    [MMSI_KIND_EPIRB] = "epirb",
};

static const char *const kind_formats[MMSI_KIND_COUNT] = {
    [MMSI_KIND_INVALID] = "?",         [MMSI_KIND_SHIP] = "MIDxxxxxx",
    [MMSI_KIND_GROUP] = "0MIDxxxxx",   [MMSI_KIND_COAST] = "00MIDxxxx",
    [MMSI_KIND_SAR_AIRCRAFT] = "111MIDaxx", [MMSI_KIND_HANDHELD] = "8MIDxxxxx",
    [MMSI_KIND_CRAFT] = "98MIDxxxx",   [MMSI_KIND_ATON] = "99MIDaxxx",
    [MMSI_KIND_SART] = "970xxyyyy",    [MMSI_KIND_MOB] = "972xxyyyy",
    [MMSI_KIND_EPIRB] = "974xxyyyy",
};

/* What a person reads in an explanation. */
static const char *const kind_words[MMSI_KIND_COUNT] = {
    [MMSI_KIND_INVALID] = "no station format", [MMSI_KIND_SHIP] = "ship station",
    [MMSI_KIND_GROUP] = "group call identity", [MMSI_KIND_COAST] = "coast station",
    [MMSI_KIND_SAR_AIRCRAFT] = "SAR aircraft", [MMSI_KIND_HANDHELD] = "handheld VHF",
    [MMSI_KIND_CRAFT] = "craft of a parent ship", [MMSI_KIND_ATON] = "aid to navigation",
    [MMSI_KIND_SART] = "AIS-SART",     [MMSI_KIND_MOB] = "MOB device",
    [MMSI_KIND_EPIRB] = "EPIRB-AIS",
};

const char *mmsi_kind_name(mmsi_kind k)
{
    return (unsigned)k < MMSI_KIND_COUNT ? kind_names[k] : "invalid";
}

const char *mmsi_kind_format(mmsi_kind k)
{
    return (unsigned)k < MMSI_KIND_COUNT ? kind_formats[k] : "?";
}

static const char *const reason_names[MMSI_REASON_COUNT] = {
    [MMSI_VALID] = "valid",
    [MMSI_ZERO] = "zero",
    [MMSI_NOT_9_DIGITS] = "not_9_digits",
    [MMSI_BAD_FORMAT] = "bad_format",
    [MMSI_MID_OUT_OF_RANGE] = "mid_out_of_range",
    [MMSI_MID_UNALLOCATED] = "mid_unallocated",
    [MMSI_BAD_MANUFACTURER] = "bad_manufacturer",
    [MMSI_KIND_MISMATCH] = "kind_mismatch",
};

static const char *const reason_texts[MMSI_REASON_COUNT] = {
    [MMSI_VALID] = "valid",
    [MMSI_ZERO] = "MMSI 0 means not available",
    [MMSI_NOT_9_DIGITS] = "more than nine digits",
    [MMSI_BAD_FORMAT] = "leading digits match no ITU-R M.585 format",
    [MMSI_MID_OUT_OF_RANGE] = "MID outside 201-775",
    [MMSI_MID_UNALLOCATED] = "MID not allocated by the ITU",
    [MMSI_BAD_MANUFACTURER] = "manufacturer id 00 in a SART/MOB/EPIRB identity",
    [MMSI_KIND_MISMATCH] = "station kind does not send this message type",
};

const char *mmsi_reason_name(mmsi_reason r)
{
    return (unsigned)r < MMSI_REASON_COUNT ? reason_names[r] : "unknown";
}

const char *mmsi_reason_text(mmsi_reason r)
{
    return (unsigned)r < MMSI_REASON_COUNT ? reason_texts[r] : "unknown";
}

/* MID digits must start with 2-7 (M.585-9 Annex 1 §1: the world is divided into zones 2-7). */
static int mid_at(uint32_t rest_digits, uint32_t divisor)
{
    return (int)(rest_digits / divisor % 1000u);
}

mmsi_reason mmsi_classify(uint32_t mmsi, mmsi_info *info)
{
    memset(info, 0, sizeof *info);
    info->manufacturer = -1;
    info->serial = -1;
    if (mmsi == 0) {
        info->reason = MMSI_ZERO;
        return info->reason;
    }
    if (mmsi > 999999999u) {
        info->reason = MMSI_NOT_9_DIGITS;
        return info->reason;
    }
    unsigned d0 = mmsi / 100000000u, d1 = mmsi / 10000000u % 10u, d2 = mmsi / 1000000u % 10u;
    mmsi_kind k = MMSI_KIND_INVALID;
    int mid = 0;
    if (d0 >= 2 && d0 <= 7) {
        k = MMSI_KIND_SHIP;
        mid = mid_at(mmsi, 1000000u);
    } else if (d0 == 0 && d1 == 0) {
        k = MMSI_KIND_COAST;
        mid = mid_at(mmsi, 10000u);
    } else if (d0 == 0) {
        k = MMSI_KIND_GROUP;
        mid = mid_at(mmsi, 100000u);
    } else if (d0 == 1 && d1 == 1 && d2 == 1) {
        k = MMSI_KIND_SAR_AIRCRAFT;
        mid = mid_at(mmsi, 1000u);
    } else if (d0 == 8) {
        k = MMSI_KIND_HANDHELD;
        mid = mid_at(mmsi, 100000u);
    } else if (d0 == 9 && d1 == 8) {
        k = MMSI_KIND_CRAFT;
        mid = mid_at(mmsi, 10000u);
    } else if (d0 == 9 && d1 == 9) {
        k = MMSI_KIND_ATON;
        mid = mid_at(mmsi, 10000u);
    } else if (d0 == 9 && d1 == 7 && (d2 == 0 || d2 == 2 || d2 == 4)) {
        k = d2 == 0 ? MMSI_KIND_SART : d2 == 2 ? MMSI_KIND_MOB : MMSI_KIND_EPIRB;
        info->manufacturer = (int)(mmsi / 10000u % 100u);
        info->serial = (int)(mmsi % 10000u);
    }
    info->kind = k;
    if (k == MMSI_KIND_INVALID) {
        info->reason = MMSI_BAD_FORMAT;
        return info->reason;
    }
    if (info->manufacturer >= 0) {
        info->reason = info->manufacturer == 0 ? MMSI_BAD_MANUFACTURER : MMSI_VALID;
        return info->reason;
    }
    if (mid / 100 < 2 || mid / 100 > 7) {
        /* 0 0 1xx..., 8 0xx..., 111 9xx...: the digits where the MID belongs cannot be one */
        info->kind = MMSI_KIND_INVALID;
        info->reason = MMSI_BAD_FORMAT;
        return info->reason;
    }
    info->mid = mid;
    if (mid < 201 || mid > 775) {
        info->reason = MMSI_MID_OUT_OF_RANGE;
        return info->reason;
    }
    info->country = mmsi_mid_lookup(mid);
    info->reason = info->country ? MMSI_VALID : MMSI_MID_UNALLOCATED;
    return info->reason;
}

mmsi_reason mmsi_check(uint32_t mmsi)
{
    mmsi_info i;
    return mmsi_classify(mmsi, &i);
}

#define K(k) (1u << (k))
#define MOBILE (K(MMSI_KIND_SHIP) | K(MMSI_KIND_CRAFT))
#define BASE K(MMSI_KIND_COAST)
#define ANY_SENDER                                                                                 \
    (MOBILE | BASE | K(MMSI_KIND_SAR_AIRCRAFT) | K(MMSI_KIND_HANDHELD) | K(MMSI_KIND_ATON) |       \
     K(MMSI_KIND_SART) | K(MMSI_KIND_MOB) | K(MMSI_KIND_EPIRB))
#define SURVIVAL (K(MMSI_KIND_SART) | K(MMSI_KIND_MOB) | K(MMSI_KIND_EPIRB))

/* Who transmits each message type (M.1371-5 Annex 8 §3 and the station descriptions of §4;
 * SART/MOB/EPIRB-AIS send types 1 and 14 per IEC 61097-14).  Index: message type. */
static const struct {
    unsigned kinds;
    const char *expect;
} senders[28] = {
    [0] = {ANY_SENDER, "any station"},
    [1] = {MOBILE | SURVIVAL, "MIDxxxxxx, 98MIDxxxx, 970xxyyyy, 972xxyyyy, 974xxyyyy"},
    [2] = {MOBILE | SURVIVAL, "MIDxxxxxx, 98MIDxxxx, 970xxyyyy, 972xxyyyy, 974xxyyyy"},
    [3] = {MOBILE | SURVIVAL, "MIDxxxxxx, 98MIDxxxx, 970xxyyyy, 972xxyyyy, 974xxyyyy"},
    [4] = {BASE, "00MIDxxxx"},
    [5] = {MOBILE, "MIDxxxxxx, 98MIDxxxx"},
    [6] = {ANY_SENDER, "any station"},
    [7] = {ANY_SENDER, "any station"},
    [8] = {ANY_SENDER, "any station"},
    [9] = {K(MMSI_KIND_SAR_AIRCRAFT), "111MIDaxx"},
    [10] = {MOBILE | K(MMSI_KIND_SAR_AIRCRAFT), "MIDxxxxxx, 98MIDxxxx, 111MIDaxx"},
    [11] = {MOBILE | K(MMSI_KIND_SAR_AIRCRAFT), "MIDxxxxxx, 98MIDxxxx, 111MIDaxx"},
    [12] = {ANY_SENDER, "any station"},
    [13] = {ANY_SENDER, "any station"},
    [14] = {ANY_SENDER, "any station"},
    [15] = {ANY_SENDER, "any station"},
    [16] = {BASE, "00MIDxxxx"},
    [17] = {BASE, "00MIDxxxx"},
    [18] = {MOBILE, "MIDxxxxxx, 98MIDxxxx"},
    [19] = {MOBILE, "MIDxxxxxx, 98MIDxxxx"},
    [20] = {BASE, "00MIDxxxx"},
    [21] = {K(MMSI_KIND_ATON), "99MIDaxxx"},
    [22] = {BASE, "00MIDxxxx"},
    [23] = {BASE, "00MIDxxxx"},
    [24] = {MOBILE, "MIDxxxxxx, 98MIDxxxx"},
    [25] = {ANY_SENDER, "any station"},
    [26] = {ANY_SENDER, "any station"},
    [27] = {MOBILE, "MIDxxxxxx, 98MIDxxxx"},
};

int mmsi_kind_sends(mmsi_kind k, unsigned msg_type)
{
    if ((unsigned)k >= MMSI_KIND_COUNT)
        return 0;
    unsigned t = msg_type < 28 ? msg_type : 0;
    return (senders[t].kinds & K(k)) != 0;
}

const char *mmsi_expected_for_type(unsigned msg_type)
{
    return senders[msg_type < 28 ? msg_type : 0].expect;
}

mmsi_reason mmsi_check_for_type(uint32_t mmsi, unsigned msg_type)
{
    mmsi_info i;
    if (mmsi_classify(mmsi, &i) != MMSI_VALID)
        return i.reason;
    return mmsi_kind_sends(i.kind, msg_type) ? MMSI_VALID : MMSI_KIND_MISMATCH;
}

mmsi_reason mmsi_explain(uint32_t mmsi, unsigned msg_type, char *out, size_t out_cap)
{
    mmsi_info i;
    mmsi_reason r = mmsi_classify(mmsi, &i);
    if (r == MMSI_VALID && !mmsi_kind_sends(i.kind, msg_type))
        r = MMSI_KIND_MISMATCH;
    if (out_cap == 0)
        return r;
    char from[48];
    if (msg_type >= 1 && msg_type <= 27)
        snprintf(from, sizeof from, "type %u from %09u", msg_type, mmsi);
    else
        snprintf(from, sizeof from, "%09u", mmsi);
    const char *country = i.country ? i.country->country : "";
    switch (r) {
    case MMSI_VALID:
        if (i.country)
            snprintf(out, out_cap, "%s: %s %s (%s, %s)", from, kind_words[i.kind],
                     kind_formats[i.kind], country, i.country->iso2);
        else
            snprintf(out, out_cap, "%s: %s %s (manufacturer %02d, serial %04d)", from,
                     kind_words[i.kind], kind_formats[i.kind], i.manufacturer, i.serial);
        break;
    case MMSI_MID_OUT_OF_RANGE:
    case MMSI_MID_UNALLOCATED:
        snprintf(out, out_cap, "%s: %s %s with MID %03d: %s", from, kind_words[i.kind],
                 kind_formats[i.kind], i.mid, reason_texts[r]);
        break;
    case MMSI_KIND_MISMATCH:
        snprintf(out, out_cap, "%s: %s %s%s%s%s, expected %s", from, kind_words[i.kind],
                 kind_formats[i.kind], *country ? " (" : "", country, *country ? ")" : "",
                 senders[msg_type < 28 ? msg_type : 0].expect);
        break;
    default:
        snprintf(out, out_cap, "%s: %s", from, reason_texts[r]);
        break;
    }
    return r;
}
