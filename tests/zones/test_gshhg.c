/* GSHHG binned shorelines as a world-wide land source, on the files Debian installs
 * (gmt-gshhg-low: binned_GSHHS_l.nc; gmt-gshhg-high: binned_GSHHS_h.nc): land and water at known
 * places of the Caribbean, shore distances, the GeoJSON geography's precedence inside its extent
 * (Gatun Lake stays water), a bounding box, and refusal of files that are not GSHHG shorelines
 * (truncated copies, another GMT file, text).
 *
 *   test_gshhg <configs/zones> <gshhg directory> <scratch directory>
 * Exits 77 (skipped) when <gshhg directory>/binned_GSHHS_l.nc is absent. */
#include "check.h"

#include "centinela/geo.h"
#include "centinela/log.h"
#include "centinela/zones.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool land_at(const zones *z, double lat, double lon)
{
    return (zones_mask_at(z, lat, lon) & ZONE_BIT(ZONE_LAND)) != 0;
}

static zones *load_one(const char *path, const double *bbox)
{
    zones *z = zones_create();
    if (zones_add_gshhg(z, path, bbox) != 0 || zones_build(z) != 0) {
        zones_destroy(&z);
        return NULL;
    }
    return z;
}

/* The Caribbean on the low-resolution file (l: 10 deg bins, about 1 km). */
static void test_caribbean(const char *l_path)
{
    zones *z = zones_create();
    CHECK(zones_add_path(z, l_path) == 0); /* *.nc through the ordinary path list */
    CHECK(zones_build(z) == 0);
    CHECK(zones_add_gshhg(z, l_path, NULL) != 0); /* built: refused */
    /* open Caribbean Sea between Jamaica, Hispaniola and Colombia: water, hundreds of km */
    CHECK(zones_land_known(z, 15.0, -75.0));
    CHECK(!zones_land_detailed(z, 15.0, -75.0));
    CHECK(!land_at(z, 15.0, -75.0));
    double d = zones_dist_shore_m(z, 15.0, -75.0);
    printf("15 N 75 W: shore %.0f m\n", d);
    CHECK(d > 250e3 && d < 400e3);
    CHECK(zones_inland_m(z, 15.0, -75.0, 0) == 0);
    /* the middle of Basse-Terre, Guadeloupe: land, several km from the coast */
    CHECK(land_at(z, 16.17, -61.67));
    /* 9 km inland: a vessel reported there is on water GSHHG lacks (a river): unknown */
    CHECK(isnan(zones_dist_shore_m(z, 16.17, -61.67)));
    CHECK(zones_land_known(z, 16.17, -61.67));
    double in = zones_inland_m(z, 16.17, -61.67, 50000);
    printf("Basse-Terre 16.17 N 61.67 W: inland %.0f m\n", in);
    CHECK(in > 5000 && in < 15000);
    /* the approach to Pointe-a-Pitre (Petit Cul-de-Sac Marin): water, a few km off */
    CHECK(!land_at(z, 16.18, -61.52));
    d = zones_dist_shore_m(z, 16.18, -61.52);
    printf("Pointe-a-Pitre approach 16.18 N 61.52 W: shore %.0f m\n", d);
    CHECK(d > 500 && d < 10000);
    /* Grande-Terre (east of Pointe-a-Pitre): land; the Pacific far from anything: water */
    CHECK(land_at(z, 16.33, -61.40));
    /* the Seine at Vernon, 100 km up a river GSHHG does not have: land, shore distance unknown */
    CHECK(land_at(z, 49.09, 1.48) && zones_land_known(z, 49.09, 1.48));
    CHECK(isnan(zones_dist_shore_m(z, 49.09, 1.48)));
    CHECK(zones_inland_m(z, 49.09, 1.48, 0) > 50e3);
    CHECK(!land_at(z, 0.0, -140.0));
    CHECK(zones_dist_shore_m(z, 0.0, -140.0) > 500e3);
    /* both sides of the antimeridian and 0 E resolve */
    CHECK(land_at(z, 71.2, 179.8));  /* Wrangel Island, east of the antimeridian */
    CHECK(land_at(z, 71.2, -179.4)); /* and west of it */
    CHECK(!land_at(z, 70.0, 180.0)); /* the Chukchi Sea on it */
    CHECK(!land_at(z, 0.0, 0.0));    /* Gulf of Guinea */
    CHECK(land_at(z, 10.0, 0.0));    /* Togo / Ghana */
    CHECK(!land_at(z, 90.0, 0.0));   /* the North Pole: Arctic Ocean */
    CHECK(land_at(z, -89.0, 0.0));   /* Antarctica */
    CHECK(zones_mask_at(z, NAN, 0) == 0 && isnan(zones_dist_shore_m(z, NAN, 0)));
    zones_destroy(&z);
}

/* A bounding box keeps the index small; outside it nothing is known. */
static void test_bbox(const char *l_path)
{
    const double caribbean[4] = {8.0, -90.0, 24.0, -58.0};
    zones *z = load_one(l_path, caribbean);
    CHECK(z != NULL);
    if (!z)
        return;
    CHECK(land_at(z, 16.17, -61.67));
    CHECK(zones_land_known(z, 15.0, -75.0));
    CHECK(!zones_land_known(z, 56.0, 11.0)); /* Kattegat: not loaded */
    CHECK(isnan(zones_dist_shore_m(z, 56.0, 11.0)));
    CHECK(isnan(zones_inland_m(z, 56.0, 11.0, 0)));
    /* inside, but the nearest shoreline found is farther than the box's edge: unknown (the
     * l bins round the box out to 0..30 N, 90..50 W; 29.5 N 60 W is 55 km from its edge) */
    CHECK(isnan(zones_dist_shore_m(z, 29.5, -60.0)));
    zones_destroy(&z);
    /* a box across the antimeridian */
    const double fiji[4] = {-20.0, 175.0, -15.0, -178.0};
    z = load_one(l_path, fiji);
    CHECK(z != NULL && zones_land_known(z, -17.8, 178.0) && zones_land_known(z, -17.0, -179.0));
    CHECK(z != NULL && land_at(z, -17.8, 178.0)); /* Viti Levu */
    zones_destroy(&z);
    const double bad[4] = {20.0, -60.0, 10.0, -50.0};
    CHECK(load_one(l_path, bad) == NULL);
}

/* Inside the Panama GeoJSON geography its land and navigable water win; the high-resolution
 * shoreline agrees with it on the open coast. */
static void test_with_panama(const char *zones_dir, const char *h_path, const char *l_path)
{
    char both[1024];
    snprintf(both, sizeof both, "%s,%s", zones_dir, access(h_path, R_OK) == 0 ? h_path : l_path);
    zones *z = zones_load(both);
    zones *geo = zones_load(zones_dir);
    CHECK(z != NULL && geo != NULL);
    if (!z || !geo) {
        zones_destroy(&z);
        zones_destroy(&geo);
        return;
    }
    /* Gatun Lake, on the transit route: navigable water, not land, afloat */
    uint32_t m = zones_mask_at(z, 9.17, -79.85);
    CHECK((m & ZONE_BIT(ZONE_NAVIGABLE_WATER)) && !(m & ZONE_BIT(ZONE_LAND)));
    CHECK(zones_land_detailed(z, 9.17, -79.85));
    CHECK(zones_dist_shore_m(z, 9.17, -79.85) == zones_dist_shore_m(geo, 9.17, -79.85));
    CHECK(zones_inland_m(z, 9.17, -79.85, 0) == 0);
    /* the canal channel south of Gatun Locks: water whatever GSHHG says */
    CHECK(!land_at(z, 9.10, -79.80) && !land_at(geo, 9.10, -79.80));
    /* outside the Panama extent: GSHHG answers */
    CHECK(land_at(z, 16.17, -61.67) && !zones_land_detailed(z, 16.17, -61.67));
    /* Costa Rica north of 10.9 N: GeoJSON land outside its extent is still the GeoJSON's */
    CHECK(!zones_land_known(geo, 11.0, -85.5) && land_at(geo, 11.0, -85.5));
    CHECK(zones_land_detailed(z, 11.0, -85.5) && zones_land_detailed(geo, 11.0, -85.5));
    zones_destroy(&z);

    if (access(h_path, R_OK) != 0) {
        printf("%s absent: GSHHG h against the GeoJSON coast not compared\n", h_path);
        zones_destroy(&geo);
        return;
    }
    zones *h = load_one(h_path, NULL);
    CHECK(h != NULL);
    if (h) {
        /* off Colon (Caribbean side), Panama Bay, the Pearl Islands' side, off Punta Mala.
         * (Not off the San Blas coast: GSHHG h has cays there that the GeoJSON land lacks,
         * 2.3 km against 5.8 km at 9.50 N 78.90 W.) */
        static const double pts[][2] = {
            {9.40, -79.90}, {8.90, -79.50}, {8.60, -79.20}, {7.40, -80.10}};
        for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
            double a = zones_dist_shore_m(geo, pts[i][0], pts[i][1]);
            double b = zones_dist_shore_m(h, pts[i][0], pts[i][1]);
            printf("%.2f N %.2f W: GeoJSON shore %.0f m, GSHHG h %.0f m\n", pts[i][0], -pts[i][1],
                   a, b);
            CHECK(isfinite(a) && a > 0);
            CHECK_NEAR(b, a, 1000);
        }
        /* Pointe-a-Pitre's waterfront, 130 m from the h coast: land at a berth, shore 0 */
        CHECK(land_at(h, 16.241, -61.533) && zones_dist_shore_m(h, 16.241, -61.533) == 0);
    }
    zones_destroy(&h);
    zones_destroy(&geo);
}

static int copy_prefix(const char *src, const char *dst, long bytes)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    int rc = in && out ? 0 : -1;
    char buf[65536];
    while (rc == 0 && bytes > 0) {
        size_t n = fread(buf, 1, bytes < (long)sizeof buf ? (size_t)bytes : sizeof buf, in);
        if (n == 0)
            break;
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
        bytes -= (long)n;
    }
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    return rc;
}

/* Files that are not GSHHG shorelines are refused with a message, never a crash: truncated
 * copies at many lengths (a short fuzz of the HDF5 reading), a GMT river file (same bins, other
 * variables), text. */
static void test_refusals(const char *l_path, const char *gshhg_dir, const char *scratch)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/truncated.nc", scratch);
    FILE *f = fopen(l_path, "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    int refused = 0, tried = 0;
    for (int k = 1; k < 40; k++) {
        long n = size * k / 40 + (k * 7919) % 997; /* spread over the file, off round sizes */
        if (n >= size)
            continue;
        CHECK(copy_prefix(l_path, path, n) == 0);
        zones *z = zones_create();
        int rc = zones_add_path(z, path);
        tried++;
        refused += rc != 0;
        zones_destroy(&z);
    }
    printf("truncated copies: %d of %d refused\n", refused, tried);
    CHECK(refused == tried);
    unlink(path);

    snprintf(path, sizeof path, "%s/binned_river_l.nc", gshhg_dir);
    if (access(path, R_OK) == 0) {
        zones *z = zones_create();
        CHECK(zones_add_path(z, path) != 0);
        zones_destroy(&z);
    }
    snprintf(path, sizeof path, "%s/not_gshhg.nc", scratch);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("{\"type\":\"FeatureCollection\",\"features\":[]}\n", f);
        fclose(f);
        zones *z = zones_create();
        CHECK(zones_add_path(z, path) != 0);
        zones_destroy(&z);
        unlink(path);
    }
    zones *z = zones_create();
    CHECK(zones_add_gshhg(z, l_path, NULL) == 0);
    CHECK(zones_add_gshhg(z, l_path, NULL) != 0); /* one per set */
    zones_destroy(&z);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: test_gshhg <configs/zones> <gshhg dir> <scratch dir>\n");
        return 2;
    }
    char l_path[1024], h_path[1024];
    snprintf(l_path, sizeof l_path, "%s/binned_GSHHS_l.nc", argv[2]);
    snprintf(h_path, sizeof h_path, "%s/binned_GSHHS_h.nc", argv[2]);
    if (access(l_path, R_OK) != 0) {
        printf("%s absent (Debian gmt-gshhg-low): skipped\n", l_path);
        return 77;
    }
    test_caribbean(l_path);
    test_bbox(l_path);
    test_with_panama(argv[1], h_path, l_path);
    test_refusals(l_path, argv[2], argv[3]);
    if (g_failures)
        fprintf(stderr, "%d checks failed\n", g_failures);
    return g_failures ? 1 : 0;
}
