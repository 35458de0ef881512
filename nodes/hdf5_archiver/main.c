/* hdf5_archiver: subscribe to ais, track, alert and radar (and stats) and append everything to
 * the HDF5 archive (pipeline/archive; layout in pipeline/archive/LAYOUT.md).
 *
 *   hdf5_archiver --sub '>ipc://${run_dir}/ais_demod,>ipc://${run_dir}/track_fusion' \
 *                 --stats_sub '>ipc://${run_dir}/ais_demod' --path /data/ais/
 *
 * Rows are flushed every flush_interval_s of wall-clock time (a killed archiver loses at most
 * that much) and at the end of stream or on SIGINT/SIGTERM.  Node statistics arrive on a SUB
 * socket of its own (stats_sub), because the runtime's input socket leaves `stats` aside. */
#include "centinela/archive.h"
#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/node.h"
#include "centinela/wire.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static const opt_spec archiver_options[] = {
    {"path", 'o', OPT_STR, "archive/", 0, -1,
     "directory for the files (named by period), or a file pattern with strftime codes of the "
     "period start in UTC, e.g. /data/ais-%Y%m%d.h5"},
    {"rotate", 0, OPT_STR, "hour", 0, -1, "new file every event-time 'hour' or 'day', or 'none'"},
    {"rotate_size_mb", 0, OPT_REAL, "0", 0, 1e7,
     "also start a new file of the period beyond this size (live use); 0: never"},
    {"flush_interval_s", 0, OPT_REAL, "1", 0.01, 60,
     "seconds (wall-clock) between flushes: the most a killed archiver loses"},
    {"deflate", 0, OPT_INT, "4", 0, 9, "deflate level of every dataset (with shuffle)"},
    {"index_on_close", 0, OPT_BOOL, "true", 0, -1,
     "build the MMSI and time index when a file is closed"},
    {"max_open_files", 0, OPT_INT, "2", 1, 16,
     "periods kept open for late rows (an older period is reopened and appended to)"},
    {"stats_sub", 0, OPT_STR, "", 0, -1,
     "endpoints whose `stats` messages are archived, comma-separated (>connect, @bind); empty: "
     "none"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

typedef struct archiver {
    node *n;
    archive_writer *w;
    void *zctx, *stats_sock;
    double flush_interval_s;
    struct timespec last_flush;
    uint64_t *rows[ARCHIVE_TABLE_COUNT];
    uint64_t *write_errors, *flushes;
    uint8_t *frame;
    char *json;
} archiver;

static double since_s(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void update_stats(archiver *a)
{
    for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++)
        *a->rows[t] = archive_writer_rows(a->w, t);
    node_info(a->n, "path", archive_writer_path(a->w));
}

/* Another archiver holds the one-writer lock of our file (logged once by the writer): a
 * configuration error that neither waiting nor a restart cures.  Stop the loop the way SIGTERM
 * does, so every other open file is still flushed and closed, and exit with 2, the code the
 * launcher does not restart. */
static volatile sig_atomic_t refused_by_lock;

static void stop_refused_by_lock(void)
{
    if (refused_by_lock)
        return;
    refused_by_lock = 1;
    log_error("another archiver writes this archive: stopping (exit code 2)");
    raise(SIGTERM);
}

static int on_message(void *ctx, const wire_header *h, const uint8_t *p, size_t len)
{
    archiver *a = ctx;
    int rc;
    switch (h->type) {
    case WIRE_AIS: {
        static wire_ais m; /* large (1 kB of NMEA): not on the stack per message */
        if (wire_ais_decode(p, len, &m) != WIRE_OK)
            return -1;
        rc = archive_writer_ais(a->w, h, &m);
        break;
    }
    case WIRE_TRACK: {
        wire_track m;
        if (wire_track_decode(p, len, &m) != WIRE_OK)
            return -1;
        rc = archive_writer_track(a->w, h, &m);
        break;
    }
    case WIRE_ALERT: {
        static wire_alert m;
        if (wire_alert_decode(p, len, &m) != WIRE_OK)
            return -1;
        rc = archive_writer_alert(a->w, h, &m);
        break;
    }
    case WIRE_RADAR: {
        wire_radar m;
        if (wire_radar_decode(p, len, &m) != WIRE_OK)
            return -1;
        rc = archive_writer_radar(a->w, h, &m);
        break;
    }
    default:
        return -1;
    }
    if (rc != 0 && archive_writer_locked_out(a->w))
        stop_refused_by_lock();
    else if (rc != 0)
        (*a->write_errors)++;
    return 0;
}

/* Archive every stats message waiting on our own socket. */
static void drain_stats(archiver *a)
{
    if (!a->stats_sock)
        return;
    for (;;) {
        wire_header h;
        int got = node_recv_stats(a->stats_sock, a->frame, &h, a->json, WIRE_STATS_MAX + 1);
        if (got == 0)
            return;
        if (got < 0)
            continue;
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        int64_t wall_ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
        if (archive_writer_stats(a->w, &h, a->json, wall_ns) != 0)
            (*a->write_errors)++;
    }
}

static void flush(archiver *a)
{
    if (archive_writer_flush(a->w) != 0)
        (*a->write_errors)++;
    (*a->flushes)++;
    clock_gettime(CLOCK_MONOTONIC, &a->last_flush);
    update_stats(a);
}

static void on_tick(void *ctx)
{
    archiver *a = ctx;
    drain_stats(a);
    if (since_s(&a->last_flush) >= a->flush_interval_s)
        flush(a);
}

static void on_finish(void *ctx, bool end_of_stream)
{
    archiver *a = ctx;
    drain_stats(a);
    flush(a);
    log_info(
        "%s: %llu messages, %llu positions, %llu static, %llu tracks, %llu radar, "
        "%llu alerts, %llu stats rows; last file %s",
        end_of_stream ? "end of stream" : "stopping",
        (unsigned long long)*a->rows[ARCHIVE_MESSAGES],
        (unsigned long long)*a->rows[ARCHIVE_POSITIONS],
        (unsigned long long)*a->rows[ARCHIVE_STATIC], (unsigned long long)*a->rows[ARCHIVE_TRACKS],
        (unsigned long long)*a->rows[ARCHIVE_RADAR], (unsigned long long)*a->rows[ARCHIVE_ALERTS],
        (unsigned long long)*a->rows[ARCHIVE_STATS], archive_writer_path(a->w));
    archive_writer_destroy(&a->w); /* closes (and indexes) every file */
}

static int open_stats_socket(archiver *a, const char *endpoints)
{
    if (!*endpoints)
        return 0;
    return node_open_stats_sub(endpoints, &a->zctx, &a->stats_sock) < 0 ? -1 : 0;
}

/* The last sequence number of each publisher among the newest rows of one table. */
static void expect_table(node *n, archive_reader *r, enum archive_table t, enum wire_type type)
{
    uint64_t rows = archive_reader_rows(r, t);
    uint64_t count = rows < 65536 ? rows : 65536;
    if (!count)
        return;
    size_t row_size = t == ARCHIVE_MESSAGES ? sizeof(archive_message)
                      : t == ARCHIVE_TRACKS ? sizeof(archive_track)
                      : t == ARCHIVE_RADAR  ? sizeof(archive_radar)
                                            : sizeof(archive_alert);
    uint8_t *rowsbuf = x_malloc(count * row_size);
    if (archive_reader_read(r, t, rows - count, count, rowsbuf) == 0) {
        uint32_t src[64];
        uint64_t last[64];
        int ns = 0;
        for (uint64_t i = 0; i < count; i++) {
            const uint8_t *row = rowsbuf + i * row_size;
            uint32_t source;
            uint64_t seq;
            switch (t) {
            case ARCHIVE_MESSAGES:
                source = ((const archive_message *)row)->source_id;
                seq = ((const archive_message *)row)->seq;
                break;
            case ARCHIVE_TRACKS:
                source = ((const archive_track *)row)->source_id;
                seq = ((const archive_track *)row)->seq;
                break;
            case ARCHIVE_RADAR:
                source = ((const archive_radar *)row)->source_id;
                seq = ((const archive_radar *)row)->seq;
                break;
            default:
                source = ((const archive_alert *)row)->source_id;
                seq = ((const archive_alert *)row)->seq;
                break;
            }
            int j = 0;
            while (j < ns && src[j] != source)
                j++;
            if (j == ns && ns < 64)
                src[ns] = source, last[ns++] = 0;
            if (j < ns && seq > last[j])
                last[j] = seq;
        }
        for (int j = 0; j < ns; j++) {
            node_expect_sequence(n, src[j], type, last[j]);
            log_info("%s: last %s message archived from publisher %u is %llu",
                     archive_reader_path(r), wire_topic(type), src[j], (unsigned long long)last[j]);
        }
    }
    free(rowsbuf);
}

/* A restarted archiver appends to the newest file of its directory: tell the runtime the last
 * sequence number archived from each publisher of every topic.  Inside a launcher's graph the
 * runtime then reads what came after from the publishers' journals, so nothing is lost or
 * archived twice; elsewhere what was lost while the archiver was away is counted
 * (rx.seq_missing) rather than unseen.  Only the directory form of `path` is looked at; a
 * strftime pattern starts without this. */
static void expect_archived_sequences(node *n, const char *dir)
{
    size_t len = strlen(dir);
    if (len == 0 || dir[len - 1] != '/')
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    char newest[PATH_MAX] = "";
    time_t newest_mtime = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t k = strlen(e->d_name);
        if (k < 4 || strcmp(e->d_name + k - 3, ".h5") != 0)
            continue;
        char p[PATH_MAX];
        struct stat st;
        snprintf(p, sizeof p, "%s%s", dir, e->d_name);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime >= newest_mtime) {
            newest_mtime = st.st_mtime;
            snprintf(newest, sizeof newest, "%s", p);
        }
    }
    closedir(d);
    if (!newest[0])
        return;
    archive_reader *r = archive_reader_open(newest, false);
    if (!r)
        return;
    expect_table(n, r, ARCHIVE_MESSAGES, WIRE_AIS);
    expect_table(n, r, ARCHIVE_TRACKS, WIRE_TRACK);
    expect_table(n, r, ARCHIVE_RADAR, WIRE_RADAR);
    expect_table(n, r, ARCHIVE_ALERTS, WIRE_ALERT);
    archive_reader_close(&r);
}

int main(int argc, char **argv)
{
    int rc;
    node *n =
        node_create("hdf5_archiver", archiver_options,
                    "Append ais, track, alert, radar and stats messages to HDF5 archive files.",
                    argc, argv, &rc);
    if (!n)
        return rc;
    const config *cfg = node_config(n);
    archiver a = {.n = n};
    char *path = node_expand_endpoint(config_str(cfg, "path"));
    archive_writer_config wc = {
        .path = path,
        .rotate = config_str(cfg, "rotate"),
        .rotate_size_mb = config_real(cfg, "rotate_size_mb"),
        .deflate_level = (int)config_int(cfg, "deflate"),
        .index_on_close = config_bool(cfg, "index_on_close"),
        .max_open_files = (int)config_int(cfg, "max_open_files"),
    };
    expect_archived_sequences(n, path);
    a.w = archive_writer_create(&wc);
    free(path);
    if (!a.w) {
        node_destroy(&n);
        return 2;
    }
    a.flush_interval_s = config_real(cfg, "flush_interval_s");
    clock_gettime(CLOCK_MONOTONIC, &a.last_flush);
    for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++) {
        char name[48];
        snprintf(name, sizeof name, "rows_%s", archive_table_name(t));
        a.rows[t] = node_counter(n, name);
    }
    a.write_errors = node_counter(n, "write_errors");
    a.flushes = node_counter(n, "flushes");
    node_info(n, "path", "");
    a.frame = x_malloc(WIRE_MAX_FRAME);
    a.json = x_malloc(WIRE_STATS_MAX + 1);
    if (open_stats_socket(&a, config_str(cfg, "stats_sub")) != 0) {
        rc = 2;
    } else {
        node_declare_input(n, WIRE_AIS);
        node_declare_input(n, WIRE_TRACK);
        node_declare_input(n, WIRE_ALERT);
        node_declare_input(n, WIRE_RADAR);
        node_handlers h = {.on_message = on_message, .on_tick = on_tick, .on_finish = on_finish};
        rc = node_run(n, &h, &a);
        if (*a.write_errors)
            rc = rc ? rc : 1;
    }
    archive_writer_destroy(&a.w);
    if (a.stats_sock)
        zmq_close(a.stats_sock);
    if (a.zctx)
        zmq_ctx_term(a.zctx);
    free(a.frame);
    free(a.json);
    node_destroy(&n);
    return refused_by_lock ? 2 : rc;
}
