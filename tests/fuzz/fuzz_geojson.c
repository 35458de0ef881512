/* Fuzz the GeoJSON zone loader and the queries over whatever it accepted. */
#include "centinela/log.h"
#include "centinela/zones.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    log_set_level(LOG_LEVEL_ERROR);
    zones *z = zones_create();
    if (zones_add_geojson(z, (const char *)data, size, "fuzz") == 0 && zones_build(z) == 0) {
        for (int i = 0; i < 16; i++) {
            double lat = -10 + i * 1.3, lon = -85 + i * 0.7;
            (void)zones_mask_at(z, lat, lon);
            (void)zones_distance_m(z, lat, lon, ZONE_MASK_ALL, 200000, NULL);
        }
    }
    zones_destroy(&z);
    return 0;
}
