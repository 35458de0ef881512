/* HDLC framing: build -> NRZI -> decode round trip, CRC residue, stuffing, plausibility. */
#include "centinela/ais_hdlc.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
    int fail = 0;
    uint8_t msg[21], air[600], d[600], out[600], packed[64];
    int8_t lev[600];
    for (int t = 0; t < 200; t++) {
        for (int i = 0; i < 21; i++)
            msg[i] = (uint8_t)(t * 37 + i * 101 + (t >> 2) * i);
        msg[0] = (uint8_t)(1 << 2 | (msg[0] & 3));
        if (t % 7 == 0)
            memset(msg + 1, 0xFF, 20); /* long runs of ones: maximal stuffing */
        size_t flag_end = 0;
        size_t n = ais_hdlc_build(msg, 168, air, sizeof air, &flag_end);
        ais_hdlc_nrzi(air, n, t & 1 ? 1 : -1, lev);
        /* receiver: NRZI decode, deframe from after the start flag */
        for (size_t i = 1; i < n; i++)
            d[i] = lev[i] == lev[i - 1];
        size_t end = 0;
        int nb = ais_hdlc_deframe(d + flag_end, n - flag_end, out, sizeof out, &end);
        if (nb != 184 || ais_hdlc_crc(out, (size_t)nb) != AIS_HDLC_CRC_GOOD) {
            printf("FAIL round trip %d: %d bits\n", t, nb);
            fail++;
            continue;
        }
        ais_hdlc_pack_msb(out, 168, packed);
        if (memcmp(packed, msg, 21) != 0 || !ais_hdlc_plausible(packed, 168, 1)) {
            printf("FAIL payload %d\n", t);
            fail++;
        }
        out[5] ^= 1;
        if (ais_hdlc_crc(out, (size_t)nb) == AIS_HDLC_CRC_GOOD) {
            printf("FAIL CRC misses a flipped bit\n");
            fail++;
        }
    }
    uint8_t t5[53] = {5 << 2};
    if (!ais_hdlc_plausible(t5, 424, 1) || ais_hdlc_plausible(t5, 168, 1) ||
        ais_hdlc_plausible((const uint8_t[]){0}, 168, 0)) {
        printf("FAIL plausibility\n");
        fail++;
    }
    printf("%s\n", fail ? "hdlc: failures" : "hdlc: ok");
    return fail != 0;
}
