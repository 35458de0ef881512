/* Scenario tests over Panama waters, with the simulator's ground truth:
 *   one track per vessel; two stations hearing a vessel give one track and no duplicate
 *   downstream; a radar-only go-fast becomes a dark target; a radar contact on an AIS vessel is
 *   associated, not dark; a shared MMSI splits; position error against truth is small.
 * Also: malformed scenarios are refused with a reason. */
#include "check.h"
#include "scenario_run.h"

#include "centinela/sim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct seen {
    wire_track t[64];
    int n;
} seen;

static void collect(void *c, const wire_track *t)
{
    seen *s = c;
    if (s->n < 64)
        s->t[s->n++] = *t;
}

static int count_mmsi(const seen *s, uint32_t mmsi)
{
    int n = 0;
    for (int i = 0; i < s->n; i++)
        n += s->t[i].mmsi == mmsi;
    return n;
}

static const wire_track *by_mmsi(const seen *s, uint32_t mmsi)
{
    for (int i = 0; i < s->n; i++)
        if (s->t[i].mmsi == mmsi)
            return &s->t[i];
    return NULL;
}

static void test_acceptance(const char *dir, const char *zones_dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/panama_acceptance.json", dir);
    zones *z = zones_load(zones_dir);
    CHECK(z != NULL);
    run_result r;
    CHECK(scenario_run(path, z, &r) == 0);
    if (!r.f)
        return;
    seen s = {0};
    fusion_each_track(r.f, collect, &s);
    const fusion_stats *st = fusion_get_stats(r.f);
    printf("scenario: %zu lines (%zu radar), %llu reports, %llu duplicates merged, %u tracks, %u dark\n",
           r.lines, r.radar_lines, (unsigned long long)st->reports, (unsigned long long)st->duplicates,
           st->live_tracks, st->dark_tracks);
    printf("scenario: AIS track position RMSE %.1f m over %zu updates; dark targets %.1f m over %zu\n",
           r.rmse_m, r.n_err, r.dark_rmse_m, r.n_dark_err);
    /* one track per vessel; both stations heard the tanker and the yacht */
    CHECK(count_mmsi(&s, 352000001) == 1);
    CHECK(count_mmsi(&s, 338123456) == 1);
    CHECK(st->duplicates > 100);
    const wire_track *tanker = by_mmsi(&s, 352000001);
    CHECK(tanker && tanker->n_stations == 2 && tanker->state == TRACK_CONFIRMED);
    CHECK(tanker && strcmp(tanker->name, "PACIFIC STAR") == 0 && tanker->imo == 9123456);
    CHECK(tanker && (tanker->zones & ZONE_BIT(ZONE_ANCHORAGE)) && tanker->nav_status == 1);
    /* radar on the tanker: associated, not dark */
    CHECK(tanker && (tanker->sensors & TRACK_SENSOR_RADAR) && tanker->radar_site == 101);
    CHECK(tanker && !(tanker->flags & TRACK_FLAG_DARK));
    const wire_track *yacht = by_mmsi(&s, 338123456);
    CHECK(yacht && yacht->ais_class == 'B' && strcmp(yacht->name, "SEA BREEZE") == 0);
    /* the shared MMSI splits into two tracks */
    CHECK(count_mmsi(&s, 352999000) == 2);
    for (int i = 0; i < s.n; i++)
        if (s.t[i].mmsi == 352999000)
            CHECK(s.t[i].flags & TRACK_FLAG_SPLIT);
    /* the go-fast and the semi-submersible are dark targets (mmsi 0), nothing else is */
    int dark = 0, fast = 0, slow = 0;
    for (int i = 0; i < s.n; i++) {
        if (!(s.t[i].flags & TRACK_FLAG_DARK))
            continue;
        dark++;
        CHECK(s.t[i].mmsi == 0 && s.t[i].sensors == TRACK_SENSOR_RADAR);
        fast += s.t[i].sog_kn > 25;
        slow += s.t[i].sog_kn > 3 && s.t[i].sog_kn < 9;
    }
    CHECK(dark == 2 && fast == 1 && slow == 1);
    /* AIS vessels: 6 tracks in all = tanker, yacht, 2 twins, 2 dark */
    CHECK(s.n == 6);
    CHECK(r.rmse_m < 40);
    CHECK(r.dark_rmse_m < 60);
    fusion_destroy(&r.f);
    zones_destroy(&z);
}

static void test_refusals(void)
{
    const char *bad[] = {
        "[",
        "{\"vessels\": 3}",
        "{\"vessels\": [{\"route\": [{\"lat\": 8, \"lon\": -79}]}]}",
        "{\"vessels\": [{\"mmsi\": 1, \"route\": []}]}",
        "{\"vessels\": [{\"mmsi\": 1, \"class\": \"C\", \"route\": [{\"lat\": 8, \"lon\": -79}]}]}",
        "{\"vessels\": [{\"mmsi\": 1, \"route\": [{\"lat\": 98, \"lon\": -79}]}]}",
        "{\"start\": \"yesterday\", \"vessels\": []}",
        "{\"radars\": [{\"id\": 1, \"lat\": 8, \"lon\": -79, \"format\": \"xyz\"}], \"vessels\": []}",
        "{\"vessels\": [{\"mmsi\": 1, \"route\": [{\"lat\": 8, \"lon\": -79}], \"gaps\": [{\"start_s\": 10, \"end_s\": 5}]}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sim *s = sim_create(bad[i], strlen(bad[i]), "bad.json");
        CHECK(s == NULL);
        sim_destroy(&s);
    }
    /* a minimal valid one: an invalid MMSI, a gap and an identity change are all allowed */
    const char *ok = "{\"duration_s\": 600, \"stations\": [{\"id\": 5, \"lat\": 8.9, \"lon\": -79.5}],"
                     "\"vessels\": [{\"mmsi\": 12345, \"route\": [{\"lat\": 8.9, \"lon\": -79.4, \"speed_kn\": 10},"
                     "{\"lat\": 8.95, \"lon\": -79.3}], \"gaps\": [{\"start_s\": 100, \"end_s\": 300}],"
                     "\"identity\": [{\"at_s\": 400, \"mmsi\": 352000123, \"name\": \"OTHER\"}],"
                     "\"spoof\": [{\"at_s\": 350, \"duration_s\": 20, \"lat\": 9.02, \"lon\": -79.5}]}]}";
    sim *s = sim_create(ok, strlen(ok), "ok.json");
    CHECK(s != NULL);
    if (!s)
        return;
    sim_event ev;
    int n = 0, in_gap = 0, after = 0, spoofed = 0;
    int64_t t0 = sim_start_ns(s);
    while (sim_next(s, &ev)) {
        n++;
        double t = (ev.time_ns - t0) / 1e9;
        if (t >= 100 && t < 300)
            in_gap++;
        if (t >= 400 && sim_vessel_mmsi(s, 0, ev.time_ns) == 352000123)
            after++;
        if (t >= 350 && t < 370)
            spoofed++;
        CHECK(ev.kind == SIM_AIS && ev.station_id == 5 && strstr(ev.text, "\\s:5,c:"));
    }
    CHECK(n > 30 && in_gap == 0 && after > 0 && spoofed > 0);
    sim_truth tr;
    sim_truth_at(s, 0, t0 + 200 * 1000000000LL, &tr);
    CHECK(tr.present && !tr.transmitting && fabs(tr.sog_kn - 10) < 1e-6);
    sim_destroy(&s);
}

int main(int argc, char **argv)
{
    test_refusals();
    if (argc > 2)
        test_acceptance(argv[1], argv[2]);
    if (g_failures)
        fprintf(stderr, "%d checks failed\n", g_failures);
    return g_failures ? 1 : 0;
}
