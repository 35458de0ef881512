/* libFuzzer: NMEA lines through the assembler and the decoder, one line per '\n'.  Every line
 * format (leading Unix and local times, Paris zone for the latter) is exercised: the input's
 * length picks the format of a second assembler. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "centinela/ais.h"
#include "centinela/ais_json.h"
#include "centinela/nmea.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static void run_lines(nmea_assembler *a, const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static nmea_assembler *auto_utc, *forced[4];
    if (!auto_utc) {
        nmea_assembler_config c = nmea_assembler_config_default();
        c.max_pending = 4;
        auto_utc = nmea_assembler_create(&c);
        c.time_zone = "Europe/Paris";
        for (int f = 0; f < 4; f++) {
            c.line_format = (nmea_line_format)f;
            forced[f] = nmea_assembler_create(&c);
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        nmea_assembler *a = pass == 0 ? auto_utc : forced[size % 4];
        if (a)
            run_lines(a, data, size);
    }
    return 0;
}

static void run_lines(nmea_assembler *a, const uint8_t *data, size_t size)
{
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
}
