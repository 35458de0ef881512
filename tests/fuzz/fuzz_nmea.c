/* libFuzzer: NMEA lines through the assembler and the decoder, one line per '\n'. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "centinela/ais.h"
#include "centinela/ais_json.h"
#include "centinela/nmea.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static nmea_assembler *a;
    if (!a) {
        nmea_assembler_config c = nmea_assembler_config_default();
        c.max_pending = 4;
        a = nmea_assembler_create(&c);
    }
    nmea_assembler_reset(a);
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        nmea_message m;
        if (nmea_assembler_push(a, p, len, 1000, &m)) {
            ais_msg am;
            if (ais_decode(m.bits, m.nbits, &am) == AIS_OK) {
                char out[8192];
                ais_json_opts o = {.scaled = true, .nmea = &m};
                ais_json_write(&am, &o, out, sizeof out);
            }
        }
        p += len + 1;
    }
    return 0;
}
