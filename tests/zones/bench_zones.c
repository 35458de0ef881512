/* Zone lookup speed over the shipped Panama set: point-in-zone mask and distance to shore at
 * random points of the region (uniform over lon -84..-76, lat 5..11). */
#include "centinela/zones.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    double t0 = now_s();
    zones *z = zones_load(argc > 1 ? argv[1] : "configs/zones");
    if (!z)
        return 1;
    double t1 = now_s();
    srand(1);
    const int n = 2000000;
    double *lat = malloc(n * sizeof *lat), *lon = malloc(n * sizeof *lon);
    for (int i = 0; i < n; i++) {
        lat[i] = 5.0 + 6.0 * rand() / (double)RAND_MAX;
        lon[i] = -84.0 + 8.0 * rand() / (double)RAND_MAX;
    }
    uint32_t acc = 0;
    double t2 = now_s();
    for (int i = 0; i < n; i++)
        acc += zones_mask_at(z, lat[i], lon[i]);
    double t3 = now_s();
    const int nd = 20000;
    double sum = 0;
    for (int i = 0; i < nd; i++)
        sum += zones_dist_shore_m(z, lat[i], lon[i]);
    double t4 = now_s();
    printf("zones: %zu features loaded and indexed in %.2f s\n", zones_count(z), t1 - t0);
    printf("zones: point-in-zone %.2f M lookups/s (checksum %u)\n", n / (t3 - t2) / 1e6, acc);
    printf("zones: distance to shore %.0f k lookups/s (mean %.1f km)\n", nd / (t4 - t3) / 1e3,
           sum / nd / 1000);
    free(lat);
    free(lon);
    zones_destroy(&z);
    return 0;
}
