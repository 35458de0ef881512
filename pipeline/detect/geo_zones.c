/* detect_geo over the zones library: one adapter for the anomaly_detector node, the chain
 * tests and the real-feed runs, so every caller gives the rules the same geography. */
#include "centinela/detect.h"
#include "centinela/zones.h"

#include <math.h>

/* 50 km bounds the searches: no threshold of the context or the rules looks further. */
#define GEO_SEARCH_M 50000.0

static double dist_to_zone(void *ctx, double lat, double lon, int kind)
{
    return zones_distance_m(ctx, lat, lon, ZONE_BIT(kind), GEO_SEARCH_M, NULL);
}

static double lane_direction(void *ctx, double lat, double lon)
{
    int idx[4];
    if (zones_find(ctx, lat, lon, ZONE_BIT(ZONE_TSS_LANE), idx, 4) < 1)
        return NAN;
    return zones_feature(ctx, (size_t)idx[0])->direction_deg;
}

static double inland(void *ctx, double lat, double lon)
{
    return zones_inland_m(ctx, lat, lon, GEO_SEARCH_M);
}

static double lane_depth(void *ctx, double lat, double lon)
{
    return zones_depth_m(ctx, lat, lon, ZONE_BIT(ZONE_TSS_LANE), GEO_SEARCH_M);
}

static bool land_detailed(void *ctx, double lat, double lon)
{
    return zones_land_detailed(ctx, lat, lon);
}

detect_geo detect_geo_zones(const zones *z)
{
    if (!z)
        return (detect_geo){0};
    return (detect_geo){(void *)z, dist_to_zone, lane_direction, NULL,
                        inland,    lane_depth,   land_detailed};
}
