/* The nearest-edge search (block level over the cell grid) against brute force over every edge
 * of the shipped Panama zones: distances to shore and to any zone edge agree to rounding at
 * random points inland, on the coast and far offshore, inside and outside the grid; and the
 * inland distance (coast and navigable water, lakes' shores left out).
 *
 *   test_zones_nearest <configs/zones> */
#include "zones_internal.h"

#include "centinela/geo.h"

#include <math.h>
#include <stdio.h>

static double seg_dist(double lat, double lon, const zedge *e)
{
    double kx = GEO_M_PER_DEG * cos(geo_rad(lat)), ky = GEO_M_PER_DEG;
    double ax = (e->x0 - lon) * kx, ay = (e->y0 - lat) * ky;
    double bx = (e->x1 - lon) * kx, by = (e->y1 - lat) * ky;
    double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? -(ax * dx + ay * dy) / l2 : 0;
    t = t < 0 ? 0 : (t > 1 ? 1 : t);
    double x = ax + t * dx, y = ay + t * dy;
    return sqrt(x * x + y * y);
}

static double brute(const zones *z, double lat, double lon, uint32_t mask, bool outer_only)
{
    double best = INFINITY;
    for (size_t i = 0; i < z->nedges; i++)
        if ((mask & ZONE_BIT(z->feat[z->edges[i].feature].kind)) &&
            !(outer_only && z->edges[i].hole)) {
            double d = seg_dist(lat, lon, &z->edges[i]);
            if (d < best)
                best = d;
        }
    return best;
}

int main(int argc, char **argv)
{
    zones *z = zones_load(argc > 1 ? argv[1] : "configs/zones");
    if (!z)
        return 1;
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    int fails = 0, n = 0;
    for (int k = 0; k < 400; k++) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        double u = (rng >> 11) / 9007199254740992.0;
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        double v = (rng >> 11) / 9007199254740992.0;
        double lat = 2.0 + 14 * u, lon = -87.0 + 14 * v; /* beyond the grid on every side */
        double shore = zones_dist_shore_m(z, lat, lon);
        bool on_land = zones_mask_at(z, lat, lon) & ZONE_BIT(ZONE_LAND);
        double want = on_land ? 0 : brute(z, lat, lon, ZONE_BIT(ZONE_LAND), false);
        /* unknown (NaN) only outside the land extent or where land beyond it could be nearer;
         * navigable water measures to its own banks */
        if (zones_mask_at(z, lat, lon) & ZONE_BIT(ZONE_NAVIGABLE_WATER))
            continue;
        if (isnan(shore) && zones_land_known(z, lat, lon) && want < 50000) {
            fprintf(stderr, "shore at %.5f %.5f unknown inside the extent, brute force %.3f m\n",
                    lat, lon, want);
            fails++;
        }
        if (!isnan(shore) && !(want > 1e6) && fabs(shore - want) > 1e-6 * (1 + want)) {
            fprintf(stderr, "shore at %.5f %.5f: %.3f m, brute force %.3f m\n", lat, lon, shore,
                    want);
            fails++;
        }
        /* inland: to the coast or navigable water, never to a lake's shore (a hole) */
        if (on_land) {
            double inland = zones_inland_m(z, lat, lon, 0);
            double want_i =
                brute(z, lat, lon, ZONE_BIT(ZONE_LAND) | ZONE_BIT(ZONE_NAVIGABLE_WATER), true);
            if (fabs(inland - want_i) > 1e-6 * (1 + want_i)) {
                fprintf(stderr, "inland at %.5f %.5f: %.3f m, brute force %.3f m\n", lat, lon,
                        inland, want_i);
                fails++;
            }
        }
        double edge = zones_edge_distance_m(z, lat, lon, 0);
        double want_e = brute(z, lat, lon, ZONE_MASK_ALL, false);
        if (fabs(edge - want_e) > 1e-6 * (1 + want_e)) {
            fprintf(stderr, "edge at %.5f %.5f: %.3f m, brute force %.3f m\n", lat, lon, edge,
                    want_e);
            fails++;
        }
        n++;
    }
    zones_destroy(&z);
    printf("nearest edge: %d points, %d disagreements with brute force\n", n, fails);
    return fails ? 1 : 0;
}
