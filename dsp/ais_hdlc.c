/* HDLC framing for AIS (ITU-R M.1371-5 Annex 2, 3.2.2). */
#include "centinela/ais_hdlc.h"

#include <string.h>

uint16_t ais_hdlc_crc_step(uint16_t reg, unsigned bit)
{
    unsigned b = (reg ^ bit) & 1;
    reg >>= 1;
    return b ? (uint16_t)(reg ^ 0x8408) : reg;
}

uint16_t ais_hdlc_crc(const uint8_t *bits, size_t n)
{
    uint16_t crc = 0xFFFF;
    for (size_t i = 0; i < n; i++)
        crc = ais_hdlc_crc_step(crc, bits[i]);
    return crc;
}

size_t ais_hdlc_build(const uint8_t *payload_msb, size_t nbits, uint8_t *out, size_t out_cap,
                      size_t *flag_end_out)
{
    if (nbits == 0 || nbits > AIS_MAX_PAYLOAD_BITS)
        return 0;
    size_t nbytes = (nbits + 7) / 8;
    uint8_t air[AIS_MAX_PAYLOAD_BITS + 32];
    size_t na = 0;
    for (size_t i = 0; i < nbytes; i++) {
        uint8_t byte = payload_msb[i];
        if (i == nbytes - 1 && nbits % 8)
            byte &= (uint8_t)(0xFF << (8 - nbits % 8));
        for (int b = 0; b < 8; b++)
            air[na++] = (byte >> b) & 1; /* LSB first */
    }
    uint16_t fcs = (uint16_t)~ais_hdlc_crc(air, na);
    for (int b = 0; b < 16; b++)
        air[na++] = (fcs >> b) & 1;
    /* worst case: stuffing adds one bit in five */
    size_t need = AIS_RAMP_BITS + AIS_TRAINING_BITS + 16 + na + na / 5 + 1 + AIS_RAMP_BITS;
    if (need > out_cap)
        return 0;
    size_t k = 0;
    for (int i = 0; i < AIS_RAMP_BITS + AIS_TRAINING_BITS; i++)
        out[k++] = i & 1;
    static const uint8_t flag[8] = {0, 1, 1, 1, 1, 1, 1, 0};
    memcpy(out + k, flag, 8);
    k += 8;
    if (flag_end_out)
        *flag_end_out = k;
    int ones = 0;
    for (size_t i = 0; i < na; i++) {
        out[k++] = air[i];
        ones = air[i] ? ones + 1 : 0;
        if (ones == 5) {
            out[k++] = 0;
            ones = 0;
        }
    }
    memcpy(out + k, flag, 8);
    k += 8;
    for (int i = 0; i < AIS_RAMP_BITS; i++)
        out[k++] = 1;
    return k;
}

void ais_hdlc_nrzi(const uint8_t *bits, size_t n, int level_before, int8_t *levels)
{
    int level = level_before >= 0 ? 1 : -1;
    for (size_t i = 0; i < n; i++) {
        if (!bits[i])
            level = -level;
        levels[i] = (int8_t)level;
    }
}

int ais_hdlc_deframe(const uint8_t *d, size_t n, uint8_t *out, size_t out_cap, size_t *end_out)
{
    int ones = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (d[i]) {
            if (++ones > 6)
                return -2;
            if (k >= out_cap)
                return -2;
            out[k++] = 1;
            continue;
        }
        if (ones == 6) {
            /* 0111111 0: the six ones and the leading zero belong to the end flag */
            if (k < 7)
                return -2;
            k -= 7;
            if (end_out)
                *end_out = i + 1;
            return (int)k;
        }
        if (ones != 5) { /* a stuffed zero after five ones is dropped */
            if (k >= out_cap)
                return -2;
            out[k++] = 0;
        }
        ones = 0;
    }
    return -1;
}

void ais_hdlc_pack_msb(const uint8_t *air, size_t nbits, uint8_t *out)
{
    size_t nbytes = (nbits + 7) / 8;
    memset(out, 0, nbytes);
    for (size_t i = 0; i < nbits; i++)
        if (air[i])
            out[i / 8] |= (uint8_t)(1u << (i % 8)) /* LSB-first on air */;
    /* out[i/8] now holds the byte value; message bits are its bits MSB-first, nothing to do */
}

int ais_hdlc_plausible(const uint8_t *msb, size_t nbits, int strict)
{
    /* Payload lengths in bits per ITU-R M.1371-5, rounded up to whole bytes. */
    static const struct {
        uint16_t min, max;
    } len[28] = {
        [1] = {168, 168},  [2] = {168, 168},  [3] = {168, 168},  [4] = {168, 168},
        [5] = {424, 424},  [6] = {88, 1008},  [7] = {72, 168},   [8] = {56, 1008},
        [9] = {168, 168},  [10] = {72, 72},   [11] = {168, 168}, [12] = {72, 1008},
        [13] = {72, 168},  [14] = {40, 1008}, [15] = {88, 160},  [16] = {96, 144},
        [17] = {80, 816},  [18] = {168, 168}, [19] = {312, 312}, [20] = {72, 160},
        [21] = {272, 360}, [22] = {168, 168}, [23] = {160, 160}, [24] = {160, 168},
        [25] = {40, 168},  [26] = {64, 1064}, [27] = {96, 96},
    };
    if (nbits < 8)
        return 0;
    unsigned type = msb[0] >> 2;
    if (type < 1 || type > 27)
        return 0;
    if (!strict)
        return nbits >= 38 && nbits <= AIS_MAX_PAYLOAD_BITS;
    if (nbits % 8)
        return 0;
    return nbits >= len[type].min && nbits <= len[type].max;
}

/* Bits [start, start + width) of an MSB-first message, unsigned and two's complement. */
static uint32_t get_u(const uint8_t *msb, size_t start, unsigned width)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < width; i++) {
        size_t b = start + i;
        v = v << 1 | ((msb[b / 8] >> (7 - b % 8)) & 1u);
    }
    return v;
}

static int32_t get_s(const uint8_t *msb, size_t start, unsigned width)
{
    uint32_t v = get_u(msb, start, width);
    if (v & (1u << (width - 1)))
        return (int32_t)(v - (1u << width));
    return (int32_t)v;
}

/* Longitude and latitude in 1/10000 minute (28 and 27 bits): inside +-180 / +-90 degrees or the
 * "not available" values 181 / 91 degrees (M.1371-5 Table 50). */
static int position_ok(const uint8_t *msb, size_t lon_bit, size_t lat_bit)
{
    int32_t lon = get_s(msb, lon_bit, 28), lat = get_s(msb, lat_bit, 27);
    return (lon >= -108000000 && lon <= 108000000) || lon == 108600000
               ? (lat >= -54000000 && lat <= 54000000) || lat == 54600000
               : 0;
}

/* course over ground in 1/10 degree: 0..359.9 or 360 = not available */
static int cog_ok(const uint8_t *msb, size_t bit)
{
    return get_u(msb, bit, 12) <= 3600;
}

/* true heading: 0..359 or 511 = not available */
static int heading_ok(const uint8_t *msb, size_t bit)
{
    uint32_t h = get_u(msb, bit, 9);
    return h <= 359 || h == 511;
}

/* type of electronic position fixing device: 0..8, 15 = internal GNSS */
static int epfd_ok(const uint8_t *msb, size_t bit)
{
    uint32_t e = get_u(msb, bit, 4);
    return e <= 8 || e == 15;
}

/* ship and cargo type: 0..99 (100..199 regional, 200..255 reserved) */
static int ship_type_ok(const uint8_t *msb, size_t bit)
{
    return get_u(msb, bit, 8) <= 199;
}

/* UTC month 0..12, hour 0..24, minute 0..60 (0, 24, 60 = not available) */
static int month_hour_minute_ok(const uint8_t *msb, size_t month, size_t hour, size_t minute)
{
    return get_u(msb, month, 4) <= 12 && get_u(msb, hour, 5) <= 24 && get_u(msb, minute, 6) <= 60;
}

int ais_hdlc_fields_plausible(const uint8_t *msb, size_t nbits, int flips)
{
    if (!ais_hdlc_plausible(msb, nbits, 1))
        return 0;
    unsigned type = msb[0] >> 2;
    switch (type) {
    case 1:
    case 2:
    case 3: /* position report (Table 46) */
        return position_ok(msb, 61, 89) && cog_ok(msb, 116) && heading_ok(msb, 128) &&
               get_u(msb, 143, 2) <= 2;
    case 4:
    case 11: { /* base station report, UTC response (Table 52): year 0 = n/a */
        uint32_t year = get_u(msb, 38, 14);
        return (year == 0 || (year >= 1990 && year <= 2100)) &&
               month_hour_minute_ok(msb, 52, 61, 66) && get_u(msb, 56, 5) <= 31 &&
               get_u(msb, 72, 6) <= 60 && position_ok(msb, 79, 107) && epfd_ok(msb, 134);
    }
    case 5: /* static and voyage data (Table 53) */
        return epfd_ok(msb, 270) && ship_type_ok(msb, 232) &&
               month_hour_minute_ok(msb, 274, 283, 288);
    case 9: /* SAR aircraft (Table 56) */
        return position_ok(msb, 61, 89) && cog_ok(msb, 116);
    case 18: /* class B position (Table 73) */
        return position_ok(msb, 57, 85) && cog_ok(msb, 112) && heading_ok(msb, 124);
    case 19: /* extended class B (Table 74) */
        return position_ok(msb, 57, 85) && cog_ok(msb, 112) && heading_ok(msb, 124) &&
               ship_type_ok(msb, 263) && epfd_ok(msb, 301);
    case 21: /* aid to navigation (Table 76) */
        return position_ok(msb, 164, 192) && epfd_ok(msb, 249);
    case 24: { /* static data report (Table 79): part A 160 bits, part B 168 */
        uint32_t part = get_u(msb, 38, 2);
        if (part == 0)
            return nbits == 160;
        return part == 1 && nbits == 168 && ship_type_ok(msb, 40);
    }
    case 27: { /* long-range broadcast (Table 86), position in 1/10 minute */
        int32_t lon = get_s(msb, 44, 18), lat = get_s(msb, 62, 17);
        return ((lon >= -108000 && lon <= 108000) || lon == 108600) &&
               ((lat >= -54000 && lat <= 54000) || lat == 54600);
    }
    case 7:
    case 13: /* acknowledgements: one to four 32-bit destinations */
        return (nbits - 40) % 32 == 0;
    default:
        /* binary and management messages: nothing to check but type and length, so only the
         * smallest repair is trusted */
        return flips <= 1;
    }
}

/* Type 1-3 position reports keep 3 spare bits after the manoeuvre indicator (M.1371-5 Table 46).
 * Real feeds set them in 1.5 % of 127,123 reports (../shared nmea/real: AMSA 1.0-1.8 %, Vernon
 * 0-2.7 % a day, DMA 0 %); a frame that passed the CRC by chance carries the errors of a frame
 * at the sensitivity limit (4-6 wrong symbols, each toggling two data bits), one of which lands
 * in those 3 of 184 bits about 15 % of the time.  Taking 2 % against 15 %: 10^-0.9. */
#define SPARE_SET_LOG10_LR (-0.9)

double ais_hdlc_spare_log10_lr(const uint8_t *msb, size_t nbits)
{
    if (nbits < 168)
        return 0;
    unsigned type = msb[0] >> 2;
    if (type >= 1 && type <= 3 && get_u(msb, 145, 3) != 0)
        return SPARE_SET_LOG10_LR;
    return 0;
}
