/* Warm start: a fusion run archives its track states (the archive library's writer, as
 * hdf5_archiver does); a new fusion instance warm-started from that archive holds the same live
 * tracks (ids, MMSIs, positions, static data), and not the ones that were removed.
 *
 *   test_warm_start <work dir> */
#include "check.h"
#include "warm_start.h"

#include "centinela/archive.h"
#include "centinela/fusion.h"
#include "centinela/geo.h"
#include "centinela/wire.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NS 1000000000LL
#define NV 20

typedef struct sink {
    archive_writer *w;
    uint64_t seq;
} sink;

static void on_track(void *ctx, const wire_track *t)
{
    sink *s = ctx;
    wire_header h = {WIRE_VERSION, WIRE_TRACK, 0, 77, 0, ++s->seq, t->time_ns};
    CHECK(archive_writer_track(s->w, &h, t) == 0);
}

typedef struct snap {
    wire_track t[64];
    int n;
} snap;

static void collect(void *ctx, const wire_track *t)
{
    snap *s = ctx;
    if (s->n < 64)
        s->t[s->n++] = *t;
}

static const wire_track *find(const snap *s, uint32_t mmsi)
{
    for (int i = 0; i < s->n; i++)
        if (s->t[i].mmsi == mmsi)
            return &s->t[i];
    return NULL;
}

int main(int argc, char **argv)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/warm_start_%d", argc > 1 ? argv[1] : "/tmp", (int)getpid());
    mkdir(argc > 1 ? argv[1] : "/tmp", 0755);
    mkdir(dir, 0755);

    sink s = {0};
    archive_writer_config wc = {
        .path = dir, .rotate = "day", .deflate_level = 1, .max_open_files = 2};
    s.w = archive_writer_create(&wc);
    CHECK(s.w != NULL);
    if (!s.w)
        return 1;

    fusion_config c = fusion_config_default();
    c.emit = on_track;
    c.emit_ctx = &s;
    fusion *a = fusion_create(&c);
    const int64_t t0 = 1772323200LL * NS; /* 2026-03-01 */
    fusion_report r;
    memset(&r, 0, sizeof r);
    r.kind = FUSION_POSITION;
    r.msg_type = 1;
    r.ais_class = 'A';
    r.nav_status = 0;
    r.heading_deg = NAN;
    r.accuracy_high = true;
    r.station_id = 1;
    /* NV vessels for 30 min; vessel 0 falls silent after 5 min (removed 10 min later) */
    for (int k = 0; k < 180; k++) {
        for (int i = 0; i < NV; i++) {
            if (i == 0 && k > 30)
                continue;
            r.mmsi = 224000000u + (uint32_t)i;
            r.time_ns = t0 + (int64_t)k * 10 * NS + i * NS / 10;
            r.lat_deg = 8.5 + 0.02 * i + k * 10 * 5.0 / GEO_M_PER_DEG;
            r.lon_deg = -79.3 - 0.01 * i;
            r.sog_kn = 9.72f; /* 5 m/s north */
            r.cog_deg = 0;
            CHECK(fusion_report_in(a, &r) == 1);
        }
        if (k == 3) {
            fusion_report st;
            memset(&st, 0, sizeof st);
            st.kind = FUSION_STATIC;
            st.msg_type = 5;
            st.ais_class = 'A';
            st.mmsi = 224000005u;
            st.time_ns = t0 + 35 * NS;
            st.has = FUSION_HAS_NAME | FUSION_HAS_CALLSIGN | FUSION_HAS_DIMENSIONS;
            snprintf(st.name, sizeof st.name, "SANTA LUCIA");
            snprintf(st.callsign, sizeof st.callsign, "HP1234");
            st.length_m = 180;
            st.beam_m = 28;
            fusion_report_in(a, &st);
        }
    }
    snap before = {0};
    fusion_each_track(a, collect, &before);
    CHECK(before.n == NV - 1); /* vessel 0 removed */
    CHECK(find(&before, 224000000u) == NULL);
    archive_writer_destroy(&s.w);

    /* restart: warm start from the directory */
    fusion_config c2 = fusion_config_default();
    fusion *b = fusion_create(&c2);
    warm_start_result ws;
    CHECK(warm_start(b, dir, c2.removed_s, &ws) == 0);
    CHECK(ws.restored == NV - 1);
    CHECK(ws.rows_read > 0 && strstr(ws.file, ".h5") != NULL);
    snap after = {0};
    fusion_each_track(b, collect, &after);
    CHECK(after.n == NV - 1);
    CHECK(find(&after, 224000000u) == NULL);
    for (int i = 0; i < before.n; i++) {
        const wire_track *x = &before.t[i], *y = find(&after, x->mmsi);
        CHECK(y != NULL);
        if (!y)
            continue;
        CHECK(y->track_id == x->track_id);
        /* the archived state is the last published one: within one report of the live state */
        CHECK_NEAR(y->lat_deg, x->lat_deg, 100.0 / 111195.0);
        CHECK_NEAR(y->lon_deg, x->lon_deg, 100.0 / 111195.0);
        CHECK(y->state == x->state);
        CHECK(strcmp(y->name, x->name) == 0 && y->length_m == x->length_m);
    }
    const wire_track *named = find(&after, 224000005u);
    CHECK(named && strcmp(named->name, "SANTA LUCIA") == 0 &&
          strcmp(named->callsign, "HP1234") == 0);

    /* the restored tracks keep going: a report next to one joins it (no new track) */
    uint64_t created = fusion_get_stats(b)->tracks_created;
    r.mmsi = 224000003u;
    r.time_ns = t0 + 180 * 10 * NS;
    r.lat_deg = 8.5 + 0.06 + 180 * 10 * 5.0 / GEO_M_PER_DEG;
    r.lon_deg = -79.33;
    CHECK(fusion_report_in(b, &r) == 1);
    CHECK(fusion_get_stats(b)->tracks_created == created);

    /* a single file works too; a missing .h5 file is refused, a directory that does not exist
     * yet (first start) starts empty, a path through a regular file is refused */
    fusion *c3f = fusion_create(&c2);
    warm_start_result ws2;
    CHECK(warm_start(c3f, ws.file, c2.removed_s, &ws2) == 0 && ws2.restored == NV - 1);
    fusion_destroy(&c3f);
    fusion *c4f = fusion_create(&c2);
    CHECK(warm_start(c4f, "/nonexistent/archive/a.h5", c2.removed_s, &ws2) == -1);
    CHECK(warm_start(c4f, "/nonexistent/archive", c2.removed_s, &ws2) == 0 && ws2.restored == 0);
    char through_file[1100];
    snprintf(through_file, sizeof through_file, "%s/sub", ws.file);
    CHECK(warm_start(c4f, through_file, c2.removed_s, &ws2) == -1);
    fusion_destroy(&c4f);

    fusion_destroy(&a);
    fusion_destroy(&b);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    if (g_failures)
        fprintf(stderr, "%d checks failed\n", g_failures);
    else
        printf("warm start: %u tracks restored from %s\n", ws.restored, ws.file);
    return g_failures ? 1 : 0;
}
