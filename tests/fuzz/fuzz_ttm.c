/* Fuzz the ARPA TTM / TLL parser, with and without a radar site. */
#include "centinela/radar.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const radar_site site = {1, 8.95, -79.55, 44000};
    wire_radar r;
    (void)radar_parse((const char *)data, size, &site, 1, &r);
    (void)radar_parse((const char *)data, size, NULL, 1, &r);
    return 0;
}
