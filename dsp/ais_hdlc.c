/* HDLC framing for AIS (ITU-R M.1371-5 Annex 2, 3.2.2). */
#include "centinela/ais_hdlc.h"

#include <string.h>

uint16_t ais_hdlc_crc(const uint8_t *bits, size_t n)
{
    uint16_t crc = 0xFFFF;
    for (size_t i = 0; i < n; i++) {
        unsigned b = (crc ^ bits[i]) & 1;
        crc >>= 1;
        if (b)
            crc ^= 0x8408;
    }
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
