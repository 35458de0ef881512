/* zones: loading and refusal of GeoJSON, point-in-zone with holes and kinds, distances, and the
 * shipped Panama geometry at known places. */
#include "check.h"

#include "centinela/geo.h"
#include "centinela/zones.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *square_with_hole =
    "{\"type\":\"FeatureCollection\",\"features\":["
    " {\"type\":\"Feature\",\"properties\":{\"kind\":\"anchorage\",\"name\":\"A\"},"
    "  \"geometry\":{\"type\":\"Polygon\",\"coordinates\":["
    "   [[-80,8],[-79,8],[-79,9],[-80,9],[-80,8]],"
    "   [[-79.6,8.4],[-79.4,8.4],[-79.4,8.6],[-79.6,8.6],[-79.6,8.4]]]}},"
    " {\"type\":\"Feature\",\"properties\":{\"kind\":\"tss_lane\",\"direction_deg\":350},"
    "  \"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":["
    "   [[[-79.2,8.2],[-79.1,8.2],[-79.1,8.8],[-79.2,8.8]]],"
    "   [[[-78,8],[-77.9,8],[-77.9,8.1],[-78,8]]]]}},"
    " {\"type\":\"Feature\",\"properties\":{\"kind\":\"land\"},"
    "  "
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-76,8],[-75,8],[-75,9],[-76,9],[-76,8]]]"
    "}}"
    "]}";

static void test_synthetic(void)
{
    zones *z = zones_create();
    CHECK(zones_add_geojson(z, square_with_hole, strlen(square_with_hole), "synthetic") == 0);
    CHECK(zones_build(z) == 0);
    CHECK(zones_count(z) == 3);
    CHECK(zones_kinds_loaded(z) ==
          (ZONE_BIT(ZONE_ANCHORAGE) | ZONE_BIT(ZONE_TSS_LANE) | ZONE_BIT(ZONE_LAND)));
    CHECK(zones_mask_at(z, 8.2, -79.8) == ZONE_BIT(ZONE_ANCHORAGE));
    CHECK(zones_mask_at(z, 8.5, -79.5) == 0); /* in the hole */
    CHECK(zones_mask_at(z, 8.5, -79.15) == (ZONE_BIT(ZONE_ANCHORAGE) | ZONE_BIT(ZONE_TSS_LANE)));
    CHECK(zones_mask_at(z, 9.5, -79.5) == 0);
    CHECK(zones_mask_at(z, 8.02, -77.92) == ZONE_BIT(ZONE_TSS_LANE)); /* open ring closed */
    CHECK(zones_mask_at(z, 8.08, -77.98) == 0);                       /* outside the triangle */
    int ids[4];
    CHECK(zones_find(z, 8.5, -79.15, ZONE_BIT(ZONE_TSS_LANE), ids, 4) == 1 && ids[0] == 1);
    const zone_info *lane = zones_feature(z, 1);
    CHECK(lane && lane->kind == ZONE_TSS_LANE && fabs(lane->direction_deg - 350) < 1e-6);
    CHECK(strcmp(zones_feature(z, 0)->name, "A") == 0);
    /* distance: 0 inside; from the hole centre to its edge 0.1 deg of latitude or of longitude */
    int f = -2;
    CHECK(zones_distance_m(z, 8.2, -79.8, ZONE_BIT(ZONE_ANCHORAGE), 0, &f) == 0 && f == 0);
    double d = zones_distance_m(z, 8.5, -79.5, ZONE_BIT(ZONE_ANCHORAGE), 0, &f);
    CHECK_NEAR(d, 0.1 * GEO_M_PER_DEG * cos(geo_rad(8.5)), 50);
    CHECK(f == 0);
    /* shore distance without a land_extent: known only inside the land feature's bounding box;
     * 1 deg west of it, no land found could be land not loaded ("unknown", not "far") */
    CHECK(isnan(zones_dist_shore_m(z, 8.5, -77.0)));
    CHECK(zones_dist_shore_m(z, 8.5, -75.5) == 0);
    CHECK(!zones_land_known(z, 8.5, -72.0) && zones_land_known(z, 8.5, -75.5));
    CHECK(isnan(zones_dist_shore_m(z, 8.5, -72.0)));
    /* bounded searches give up far outside the grid */
    CHECK(isinf(zones_distance_m(z, 8.5, -72.0, ZONE_BIT(ZONE_LAND), 50000, NULL)));
    CHECK(isinf(zones_distance_m(z, 8.5, -72.0, ZONE_BIT(ZONE_EEZ), 0, NULL)));
    zones_destroy(&z);
    CHECK(z == NULL);
    zones_destroy(&z);
}

static int refused(const char *text)
{
    zones *z = zones_create();
    int rc = zones_add_geojson(z, text, strlen(text), "bad.geojson");
    size_t n = zones_count(z);
    zones_destroy(&z);
    return rc == -1 && n == 0;
}

static void test_refusals(void)
{
    CHECK(refused("{"));
    CHECK(refused("[]"));
    CHECK(refused("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}"));
    CHECK(refused("{\"type\":\"FeatureCollection\"}"));
    CHECK(refused("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                  "\"properties\":{\"kind\":\"lake\"},\"geometry\":{\"type\":\"Polygon\","
                  "\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"));
    CHECK(refused("{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                  "\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}"));
    CHECK(refused("{\"type\":\"Feature\",\"properties\":{\"kind\":\"tss_lane\"},\"geometry\":"
                  "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}"));
    CHECK(refused("{\"type\":\"Feature\",\"properties\":{\"kind\":\"port\"},\"geometry\":"
                  "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}}"));
    CHECK(refused("{\"type\":\"Feature\",\"properties\":{\"kind\":\"port\"},\"geometry\":"
                  "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,95],[0,0]]]}}"));
    CHECK(refused("{\"type\":\"Feature\",\"properties\":{\"kind\":\"port\"},\"geometry\":"
                  "{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,0]]}}"));
    CHECK(refused("{\"type\":\"Feature\",\"properties\":{\"kind\":\"port\"},\"geometry\":"
                  "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[\"x\",0],[1,1],[0,0]]]}}"));
    /* "shore" is a boolean, and of land only */
    CHECK(refused(
        "{\"type\":\"Feature\",\"properties\":{\"kind\":\"land\",\"shore\":0},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}"));
    CHECK(refused(
        "{\"type\":\"Feature\",\"properties\":{\"kind\":\"port\",\"shore\":false},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}"));
    /* a refused second file leaves the first intact */
    zones *z = zones_create();
    CHECK(zones_add_geojson(z, square_with_hole, strlen(square_with_hole), "good") == 0);
    const char *bad = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                      "\"properties\":{\"kind\":\"port\"},\"geometry\":{\"type\":\"Polygon\","
                      "\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}},{\"type\":\"Feature\"}]}";
    CHECK(zones_add_geojson(z, bad, strlen(bad), "bad") == -1);
    CHECK(zones_count(z) == 3);
    CHECK(zones_build(z) == 0);
    CHECK(zones_mask_at(z, 0.5, 0.9) == 0);
    zones_destroy(&z);
    CHECK(zones_load("/nonexistent/zones") == NULL);
    CHECK(zone_kind_parse("tss_separation") == ZONE_TSS_SEPARATION);
    CHECK(zone_kind_parse("nope") == -1);
    CHECK(strcmp(zone_kind_name(ZONE_LAND), "land") == 0);
    CHECK(zone_kind_name(ZONE_KIND_COUNT) == NULL);
}

static void test_panama(const char *dir)
{
    zones *z = zones_load(dir);
    CHECK(z != NULL);
    if (!z)
        return;
    uint32_t all = ZONE_MASK_ALL;
    CHECK((zones_kinds_loaded(z) & all) == all);
    /* Balboa / Flamenco anchorage: anchorage, territorial sea, EEZ, not land */
    uint32_t m = zones_mask_at(z, 8.87, -79.48);
    CHECK(m & ZONE_BIT(ZONE_ANCHORAGE));
    CHECK(m & ZONE_BIT(ZONE_TERRITORIAL_SEA));
    CHECK(m & ZONE_BIT(ZONE_EEZ));
    CHECK(!(m & ZONE_BIT(ZONE_LAND)));
    /* Panama City, inland of the waterfront */
    m = zones_mask_at(z, 9.02, -79.50);
    CHECK(m & ZONE_BIT(ZONE_LAND));
    CHECK(!(m & ZONE_BIT(ZONE_TERRITORIAL_SEA)));
    CHECK(!(m & ZONE_BIT(ZONE_EEZ)));
    /* open Caribbean north of Colon: EEZ only */
    m = zones_mask_at(z, 10.83, -79.51);
    CHECK((m & ~ZONE_BIT(ZONE_LAND_EXTENT)) == ZONE_BIT(ZONE_EEZ));
    /* 18 NM off the Caribbean coast: contiguous zone */
    m = zones_mask_at(z, 9.93, -79.31);
    CHECK(m & ZONE_BIT(ZONE_CONTIGUOUS_ZONE));
    CHECK(m & ZONE_BIT(ZONE_EEZ));
    /* south of 5 N (Colombia's side, Malpelo) and Costa Rica's Caribbean side: not Panama's EEZ */
    CHECK(!(zones_mask_at(z, 4.5, -80.0) & ZONE_BIT(ZONE_EEZ)));
    CHECK(!(zones_mask_at(z, 10.5, -82.8) & ZONE_BIT(ZONE_EEZ)));
    /* Gulf of Panama TSS lanes and direction */
    int ids[4];
    int n = zones_find(z, 8.3, -79.36, ZONE_BIT(ZONE_TSS_LANE), ids, 4);
    CHECK(n == 1);
    if (n == 1)
        CHECK(fabs(zones_feature(z, (size_t)ids[0])->direction_deg - 0) < 1e-3);
    n = zones_find(z, 8.3, -79.46, ZONE_BIT(ZONE_TSS_LANE), ids, 4);
    CHECK(n == 1);
    if (n == 1)
        CHECK(fabs(zones_feature(z, (size_t)ids[0])->direction_deg - 180) < 1e-3);
    /* the separation zone lies between 79 26' and 79 23' W (IMO 2014) */
    CHECK(zones_mask_at(z, 8.3, -79.41) & ZONE_BIT(ZONE_TSS_SEPARATION));
    CHECK(!(zones_mask_at(z, 8.3, -79.41) & ZONE_BIT(ZONE_TSS_LANE)));
    /* distance to shore: anchorage a few km off, open Caribbean tens of km */
    double d = zones_dist_shore_m(z, 8.87, -79.48);
    CHECK(d > 500 && d < 12000);
    d = zones_dist_shore_m(z, 10.83, -79.51);
    CHECK(d > 100000 && d < 200000);
    CHECK(zones_dist_shore_m(z, 9.02, -79.50) == 0);
    /* the canal is water: Gatun Locks (a northbound transit, 9.2797 N 79.9215 W), Gatun Lake
     * off Barro Colorado, the Culebra Cut at the Centennial Bridge, Miraflores Locks; a
     * position 10 km inland of Colon is still land, kilometres from any water */
    const double canal[][2] = {
        {9.2797, -79.9215}, {9.175, -79.82}, {9.028, -79.63}, {8.997, -79.591}};
    for (size_t i = 0; i < sizeof canal / sizeof canal[0]; i++) {
        m = zones_mask_at(z, canal[i][0], canal[i][1]);
        CHECK(!(m & ZONE_BIT(ZONE_LAND)));
        CHECK(zones_inland_m(z, canal[i][0], canal[i][1], 0) == 0);
    }
    CHECK(zones_inland_m(z, 9.10, -79.30, 0) > 5000);
    /* Lake Alajuela (9.2344 N 79.5756 W) is a hole of the land, but 77 m above the sea behind
     * Madden Dam, out of any ship's reach: panama_inland_water.geojson fills it in as land that
     * is no shore, so a position on it is on land and its shores are no berth, the coast and
     * the canal being kilometres away */
    CHECK(zones_mask_at(z, 9.2344, -79.5756) & ZONE_BIT(ZONE_LAND));
    CHECK(zones_inland_m(z, 9.2344, -79.5756, 0) > 5000);
    CHECK(zones_dist_shore_m(z, 9.2344, -79.5756) == 0);
    CHECK(zones_mask_at(z, 9.25, -79.60) & ZONE_BIT(ZONE_LAND));
    CHECK(zones_inland_m(z, 9.25, -79.60, 0) > 5000);
    /* Gatun Lake off the channel (the canal route crosses it) stays water */
    CHECK(!(zones_mask_at(z, 9.20, -79.95) & ZONE_BIT(ZONE_LAND)));
    /* outside the Panama land data (the Seine at Vernon, Nicaragua's coast): unknown */
    CHECK(isnan(zones_dist_shore_m(z, 49.09, 1.49)));
    CHECK(isnan(zones_dist_shore_m(z, 12.0, -83.5)));
    /* Limon Bay: the outer anchorage off the breakwaters, the inner one inside; the Gatun Locks
     * approach channel a couple of km south of the inner one */
    CHECK(zones_mask_at(z, 9.42, -79.88) & ZONE_BIT(ZONE_ANCHORAGE));
    CHECK(zones_mask_at(z, 9.375, -79.935) & ZONE_BIT(ZONE_ANCHORAGE));
    d = zones_distance_m(z, 9.34, -79.935, ZONE_BIT(ZONE_ANCHORAGE), 50000, NULL);
    CHECK(d > 0 && d < 3000);
    zones_destroy(&z);
}

/* A land_extent says where the land is complete; navigable water inside land is water. */
static void test_extent_and_water(void)
{
    static const char extent[] =
        "{\"type\":\"FeatureCollection\",\"features\":["
        " {\"type\":\"Feature\",\"properties\":{\"kind\":\"land_extent\"},"
        "  \"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-80,5],[-71,5],[-71,12],[-80,12],"
        "[-80,5]]]}},"
        " {\"type\":\"Feature\",\"properties\":{\"kind\":\"navigable_water\",\"name\":\"cut\"},"
        "  "
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-75.6,8.45],[-75.4,8.45],[-75.4,8."
        "55],"
        "[-75.6,8.55],[-75.6,8.45]]]}},"
        " {\"type\":\"Feature\",\"properties\":{\"kind\":\"land\",\"name\":\"with a lake\"},"
        "  \"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-74,8],[-73,8],[-73,9],[-74,9],"
        "[-74,8]],[[-73.6,8.4],[-73.4,8.4],[-73.4,8.6],[-73.6,8.6],[-73.6,8.4]]]}}]}";
    zones *z = zones_create();
    CHECK(zones_add_geojson(z, square_with_hole, strlen(square_with_hole), "synthetic") == 0);
    CHECK(zones_add_geojson(z, extent, strlen(extent), "extent") == 0);
    CHECK(zones_build(z) == 0);
    /* inside the extent: measured, also far from the land */
    CHECK_NEAR(zones_dist_shore_m(z, 8.5, -77.0), GEO_M_PER_DEG * cos(geo_rad(8.5)), 200);
    /* 0.05 deg from the extent's edge, land 0.95 deg away: land beyond the edge could be
     * nearer, so unknown */
    CHECK(isnan(zones_dist_shore_m(z, 8.5, -79.95)));
    CHECK(isnan(zones_dist_shore_m(z, 4.0, -75.5))); /* outside the extent */
    /* on land, 0.4 deg from its edge: inland about 44 km */
    CHECK(zones_dist_shore_m(z, 8.8, -75.5) == 0);
    CHECK(zones_mask_at(z, 8.8, -75.5) & ZONE_BIT(ZONE_LAND));
    CHECK_NEAR(zones_inland_m(z, 8.8, -75.5, 0), 0.2 * GEO_M_PER_DEG, 500);
    /* the cut through the land: water, not land, afloat at its centre line */
    uint32_t m = zones_mask_at(z, 8.5, -75.5);
    CHECK((m & ZONE_BIT(ZONE_NAVIGABLE_WATER)) && !(m & ZONE_BIT(ZONE_LAND)));
    CHECK_NEAR(zones_dist_shore_m(z, 8.5, -75.5), 0.05 * GEO_M_PER_DEG, 200);
    CHECK(zones_inland_m(z, 8.5, -75.5, 0) == 0);
    /* beside the cut on land: inland only as far as the cut's bank */
    CHECK_NEAR(zones_inland_m(z, 8.57, -75.5, 0), 0.02 * GEO_M_PER_DEG, 100);
    CHECK(zones_inland_m(z, 8.5, -77.0, 0) == 0); /* at sea */
    /* beside a lake inside the land: as far inland as the coast (0.35 deg west), the lake's
     * shore 0.05 deg east is no berth; on the lake itself: not land */
    CHECK(zones_mask_at(z, 8.5, -73.65) & ZONE_BIT(ZONE_LAND));
    CHECK_NEAR(zones_inland_m(z, 8.5, -73.65, 0), 0.35 * GEO_M_PER_DEG * cos(geo_rad(8.5)), 500);
    CHECK(!(zones_mask_at(z, 8.5, -73.5) & ZONE_BIT(ZONE_LAND)));
    CHECK(zones_inland_m(z, 8.5, -73.5, 0) == 0);
    zones_destroy(&z);

    /* the same lake filled in as land that is no shore (a reservoir out of any ship's reach):
     * on it, land 0.4 deg from the coast; beside it, still as far inland as the coast */
    static const char reservoir[] =
        "{\"type\":\"Feature\",\"properties\":{\"kind\":\"land\",\"shore\":false},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-73.6,8.4],[-73.4,8.4],[-73.4,8.6],"
        "[-73.6,8.6],[-73.6,8.4]]]}}";
    z = zones_create();
    CHECK(zones_add_geojson(z, extent, strlen(extent), "extent") == 0);
    CHECK(zones_add_geojson(z, reservoir, strlen(reservoir), "reservoir") == 0);
    CHECK(zones_build(z) == 0);
    CHECK(zones_mask_at(z, 8.5, -73.5) & ZONE_BIT(ZONE_LAND));
    CHECK(zones_dist_shore_m(z, 8.5, -73.5) == 0);
    CHECK_NEAR(zones_inland_m(z, 8.5, -73.5, 0), 0.5 * GEO_M_PER_DEG * cos(geo_rad(8.5)), 500);
    CHECK_NEAR(zones_inland_m(z, 8.5, -73.65, 0), 0.35 * GEO_M_PER_DEG * cos(geo_rad(8.5)), 500);
    zones_destroy(&z);
}

int main(int argc, char **argv)
{
    test_synthetic();
    test_extent_and_water();
    test_refusals();
    if (argc > 1)
        test_panama(argv[1]);
    if (g_failures)
        fprintf(stderr, "%d checks failed\n", g_failures);
    return g_failures ? 1 : 0;
}
