/* libFuzzer: raw message bits through ais_decode, JSON, and the encoder round trip. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "centinela/ais.h"
#include "centinela/ais_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t bits[SIXBIT_MAX_BYTES] = {0};
    size_t nbytes = size - 1 < sizeof bits ? size - 1 : sizeof bits;
    memcpy(bits, data + 1, nbytes);
    size_t nbits = nbytes * 8;
    if (nbits >= data[0] % 8)
        nbits -= data[0] % 8;
    ais_msg m;
    if (ais_decode(bits, nbits, &m) != AIS_OK)
        return 0;
    char out[8192];
    ais_json_opts o = {.scaled = (data[0] & 8) != 0};
    ais_json_write(&m, &o, out, sizeof out);
    uint8_t enc[SIXBIT_MAX_BYTES];
    size_t nenc;
    if (ais_encode(&m, enc, sizeof enc, &nenc) == 0) {
        ais_msg m2;
        ais_decode(enc, nenc, &m2);
    }
    return 0;
}
