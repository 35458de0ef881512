/* libFuzzer: tag block parsing and re-formatting. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "centinela/nmea.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nmea_tagblock tb;
    if (nmea_tagblock_parse((const char *)data, size, false, &tb) == 0) {
        char out[512];
        size_t n = nmea_tagblock_format(&tb, out, sizeof out);
        nmea_tagblock tb2;
        /* what we format must parse back with its checksum */
        if (n >= 2 && nmea_tagblock_parse(out + 1, n - 2, true, &tb2) != 0)
            __builtin_trap();
    }
    nmea_tagblock_parse((const char *)data, size, true, &tb);
    return 0;
}
