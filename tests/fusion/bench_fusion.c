/* Fusion benchmark.
 *
 * 1. Throughput: 100,000 live vessels over Panama waters (lon -83.5..-76.5, lat 5.5..11.5), each
 *    at sea, reporting every 10 s for 110 rounds: 11 M pre-decoded position reports fed to the library
 *    in time order, with the shipped zones (zones, distance to shore, on-land per update).
 *    Target: >= 1 M reports/s on one core (11 M in <= 11 s).  Memory per vessel is printed.
 * 2. Accuracy: the Panama acceptance scenario through the nmea_input line handling, position
 *    RMSE of the tracks against the simulator's truth.
 *
 *   bench_fusion <configs/zones> <tests/sim/scenarios>   (Release build: centinela_add_bench) */
#include "scenario_run.h"

#include "centinela/fusion.h"
#include "centinela/geo.h"
#include "centinela/zones.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS 1000000000LL

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU seconds of this process: the figure for "one core" on a shared machine. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Published anchor: Global Fishing Watch's gap detector scans 10 M messages in 3.6 s. */

static uint64_t rng = 88172645463325252ull;
static double uni(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (rng >> 11) / 9007199254740992.0;
}

static void throughput(const zones *z, const zones *sea, const char *label)
{
    const int nv = 100000, rounds = 110;
    double *lat = malloc(nv * sizeof *lat), *lon = malloc(nv * sizeof *lon);
    double *dlat = malloc(nv * sizeof *dlat), *dlon = malloc(nv * sizeof *dlon);
    float *sog = malloc(nv * sizeof *sog), *cog = malloc(nv * sizeof *cog);
    for (int i = 0; i < nv; i++) {
        do { /* at sea: ships, not trucks */
            lat[i] = 5.5 + 6 * uni();
            lon[i] = -83.5 + 7 * uni();
        } while (zones_mask_at(sea, lat[i], lon[i]) & ZONE_BIT(ZONE_LAND));
        sog[i] = (float)(4 + 16 * uni());
        cog[i] = (float)(360 * uni());
        double d = sog[i] * GEO_MPS_PER_KN * 10;
        dlat[i] = d * cos(geo_rad(cog[i])) / GEO_M_PER_DEG;
        dlon[i] = d * sin(geo_rad(cog[i])) / (GEO_M_PER_DEG * cos(geo_rad(lat[i])));
    }
    fusion_config c = fusion_config_default();
    c.zones = z;
    fusion *f = fusion_create(&c);
    fusion_report r;
    memset(&r, 0, sizeof r);
    r.kind = FUSION_POSITION;
    r.msg_type = 1;
    r.ais_class = 'A';
    r.heading_deg = NAN;
    r.accuracy_high = true;
    r.station_id = 1;
    const int64_t t0 = 1772323200LL * NS;
    double start = now_s(), cpu0 = cpu_s();
    uint64_t n = 0;
    for (int k = 0; k < rounds; k++) {
        for (int i = 0; i < nv; i++) {
            r.mmsi = 200000000u + (uint32_t)i;
            r.time_ns = t0 + (int64_t)k * 10 * NS + (int64_t)i * 100000;
            r.lat_deg = lat[i] + k * dlat[i];
            r.lon_deg = lon[i] + k * dlon[i];
            r.sog_kn = sog[i];
            r.cog_deg = cog[i];
            fusion_report_in(f, &r);
            n++;
        }
    }
    double el = now_s() - start, cpu = cpu_s() - cpu0;
    const fusion_stats *s = fusion_get_stats(f);
    double rate = n / cpu;
    printf("fusion %s: %llu reports, %u live tracks, %.2f s CPU (%.2f s wall): %.2f M reports/s "
           "per core; 11 M positions in %.1f s (target <= 11 s)\n",
           label, (unsigned long long)n, s->live_tracks, cpu, el, rate / 1e6, 11e6 / rate);
    printf("fusion %s: ratio %.2f x the 1 M/s target\n", label, rate / 1e6);
    printf("fusion %s: memory %.0f bytes per live vessel (tracks, indexes, station tables)\n", label,
           (double)fusion_memory_bytes(f) / s->live_tracks);
    fusion_destroy(&f);
    free(lat), free(lon), free(dlat), free(dlon), free(sog), free(cog);
}

int main(int argc, char **argv)
{
    const char *zdir = argc > 1 ? argv[1] : "configs/zones";
    const char *sdir = argc > 2 ? argv[2] : "tests/sim/scenarios";
    zones *z = zones_load(zdir);
    if (!z)
        return 1;
    rng = 88172645463325252ull;
    throughput(NULL, z, "without zones");
    rng = 88172645463325252ull;
    throughput(z, z, "with zones   ");
    char path[512];
    snprintf(path, sizeof path, "%s/panama_acceptance.json", sdir);
    run_result r;
    if (scenario_run(path, z, &r) == 0) {
        printf("fusion accuracy (panama_acceptance, simulator truth): AIS tracks RMSE %.1f m over %zu "
               "updates; radar dark targets RMSE %.1f m over %zu updates\n",
               r.rmse_m, r.n_err, r.dark_rmse_m, r.n_dark_err);
        fusion_destroy(&r.f);
    }
    zones_destroy(&z);
    return 0;
}
