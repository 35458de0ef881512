/* replay: publish an archive's received AIS messages (and radar reports) in event-time order, so
 * fusion and detection can be re-run over an archive with new thresholds.
 *
 *   replay --input /data/ais/ --pub '@ipc://${run_dir}/replay' --subscribers 1
 *
 * Each message goes out as it came in: the same station, channel, reception time, RF metadata,
 * payload bits and NMEA text, with the original event time in the header; the sequence numbers
 * are the replay's own.  Lossless by default (the runtime waits for `subscribers` and blocks
 * rather than drop), and an end of stream follows the last message. */
#include "centinela/archive.h"
#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/node.h"
#include "centinela/wire.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const opt_spec replay_options[] = {
    {"input", 'i', OPT_STR, "", 0, -1,
     "archive files or directories (every *.h5 inside, by name), comma-separated, replayed in order"},
    {"replay_topics", 0, OPT_STR, "ais,radar", 0, -1, "what to replay: ais, radar or both"},
    {"from", 0, OPT_STR, "", 0, -1, "first event time (ISO 8601 UTC), empty: from the start"},
    {"to", 0, OPT_STR, "", 0, -1, "end event time, exclusive (ISO 8601 UTC), empty: to the end"},
    {"speed", 0, OPT_REAL, "0", 0, 1e6, "pace: 1 real time, 10 ten times faster; 0 as fast as possible"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

typedef struct item {
    int64_t time_ns;
    uint32_t row;
    uint8_t kind; /* 0 ais, 1 radar: ais first at equal times, then archive order */
} item;

typedef struct replay {
    node *n;
    char **files;
    size_t n_files, next_file;
    bool want_ais, want_radar;
    int64_t t0_ns, t1_ns;
    double speed;
    /* the file being replayed */
    archive_message *msgs;
    archive_radar *radar;
    char *nmea;
    uint8_t *bits;
    item *items;
    size_t n_items, at;
    uint64_t *published_ais, *published_radar, *skipped;
    int64_t first_event_ns;
    struct timespec wall0;
    uint8_t *buf;
} replay;

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->time_ns != y->time_ns)
        return x->time_ns < y->time_ns ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static void free_file(replay *r)
{
    free(r->msgs);
    free(r->radar);
    free(r->nmea);
    free(r->bits);
    free(r->items);
    r->msgs = NULL;
    r->radar = NULL;
    r->nmea = NULL;
    r->bits = NULL;
    r->items = NULL;
    r->n_items = r->at = 0;
}

static bool in_range(const replay *r, int64_t t)
{
    return (!r->t0_ns || t >= r->t0_ns) && (!r->t1_ns || t < r->t1_ns);
}

/* Load the next file's messages and radar reports and order them by event time. */
static int load_file(replay *r, const char *path)
{
    archive_reader *ar = archive_reader_open(path, false);
    if (!ar)
        return -1;
    uint64_t nm = r->want_ais ? archive_reader_rows(ar, ARCHIVE_MESSAGES) : 0;
    uint64_t nr = r->want_radar ? archive_reader_rows(ar, ARCHIVE_RADAR) : 0;
    uint64_t nn = r->want_ais ? archive_reader_blob_size(ar, ARCHIVE_BLOB_NMEA) : 0;
    uint64_t nb = r->want_ais ? archive_reader_blob_size(ar, ARCHIVE_BLOB_BITS) : 0;
    if (nm + nr > UINT32_MAX) {
        log_error("%s: too many rows for one replay pass", path);
        archive_reader_close(&ar);
        return -1;
    }
    r->msgs = x_malloc((nm ? nm : 1) * sizeof *r->msgs);
    r->radar = x_malloc((nr ? nr : 1) * sizeof *r->radar);
    r->nmea = x_malloc(nn ? nn : 1);
    r->bits = x_malloc(nb ? nb : 1);
    if (archive_reader_read(ar, ARCHIVE_MESSAGES, 0, nm, r->msgs) != 0 ||
        archive_reader_read(ar, ARCHIVE_RADAR, 0, nr, r->radar) != 0 ||
        archive_reader_blob(ar, ARCHIVE_BLOB_NMEA, 0, nn, r->nmea) != 0 ||
        archive_reader_blob(ar, ARCHIVE_BLOB_BITS, 0, nb, r->bits) != 0) {
        archive_reader_close(&ar);
        return -1;
    }
    archive_reader_close(&ar);
    r->items = x_malloc((nm + nr ? nm + nr : 1) * sizeof *r->items);
    for (uint64_t i = 0; i < nm; i++) {
        const archive_message *m = &r->msgs[i];
        if (m->nmea_offset + m->nmea_len > nn || m->bits_offset + (m->nbits + 7u) / 8u > nb) {
            (*r->skipped)++;
            continue;
        }
        if (in_range(r, m->time_ns))
            r->items[r->n_items++] = (item){m->time_ns, (uint32_t)i, 0};
    }
    for (uint64_t i = 0; i < nr; i++)
        if (in_range(r, r->radar[i].time_ns))
            r->items[r->n_items++] = (item){r->radar[i].time_ns, (uint32_t)i, 1};
    qsort(r->items, r->n_items, sizeof *r->items, cmp_item);
    log_info("%s: %zu messages to replay", path, r->n_items);
    return 0;
}

/* Real-time pacing: wait (at most 100 ms per call, so signals stay responsive). Returns true
 * when the item is due. */
static bool due(replay *r, int64_t t_ns)
{
    if (r->speed <= 0)
        return true;
    if (r->first_event_ns == INT64_MIN) {
        r->first_event_ns = t_ns;
        clock_gettime(CLOCK_MONOTONIC, &r->wall0);
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double elapsed = (double)(now.tv_sec - r->wall0.tv_sec) + (now.tv_nsec - r->wall0.tv_nsec) * 1e-9;
    double wait_s = (double)(t_ns - r->first_event_ns) * 1e-9 / r->speed - elapsed;
    if (wait_s <= 0)
        return true;
    if (wait_s > 0.1)
        wait_s = 0.1;
    struct timespec ts = {0, (long)(wait_s * 1e9)};
    nanosleep(&ts, NULL);
    return false;
}

static int produce(void *ctx)
{
    replay *r = ctx;
    if (r->at == r->n_items) {
        free_file(r);
        if (r->next_file == r->n_files)
            return 1;
        if (load_file(r, r->files[r->next_file++]) != 0)
            return -1;
        return 0;
    }
    for (int k = 0; k < 256 && r->at < r->n_items; k++) {
        const item *it = &r->items[r->at];
        if (!due(r, it->time_ns))
            return 0;
        int len;
        if (it->kind == 0) {
            static wire_ais m;
            const archive_message *row = &r->msgs[it->row];
            if (archive_message_to_wire(row, r->nmea + row->nmea_offset, r->bits + row->bits_offset, &m) != 0 ||
                (len = wire_ais_encode(&m, r->buf, WIRE_MAX_FRAME)) < 0) {
                (*r->skipped)++;
                r->at++;
                continue;
            }
            if (node_publish(r->n, WIRE_AIS, row->time_ns, 0, r->buf, (size_t)len) == 0)
                (*r->published_ais)++;
        } else {
            wire_radar m;
            archive_radar_to_wire(&r->radar[it->row], &m);
            if ((len = wire_radar_encode(&m, r->buf, WIRE_MAX_FRAME)) < 0) {
                (*r->skipped)++;
                r->at++;
                continue;
            }
            if (node_publish(r->n, WIRE_RADAR, m.time_ns, 0, r->buf, (size_t)len) == 0)
                (*r->published_radar)++;
        }
        r->at++;
        if (node_stopping(r->n))
            return 0;
    }
    node_gauge(r->n, "file_progress", r->n_items ? (double)r->at / (double)r->n_items : 1.0);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_file(replay *r, const char *path)
{
    r->files = x_realloc(r->files, (r->n_files + 1) * sizeof *r->files);
    r->files[r->n_files++] = x_strdup(path);
}

/* Expand the input list: files as given, directories to their *.h5 files sorted by name. */
static int list_inputs(replay *r, const char *input)
{
    char *list = x_strdup(input), *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        struct stat st;
        if (stat(tok, &st) != 0) {
            log_error("input %s: no such file or directory", tok);
            free(list);
            return -1;
        }
        if (!S_ISDIR(st.st_mode)) {
            add_file(r, tok);
            continue;
        }
        DIR *d = opendir(tok);
        if (!d) {
            log_error("input %s: cannot read the directory", tok);
            free(list);
            return -1;
        }
        size_t first = r->n_files;
        for (struct dirent *e; (e = readdir(d));) {
            size_t k = strlen(e->d_name);
            if (k > 3 && strcmp(e->d_name + k - 3, ".h5") == 0) {
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", tok, e->d_name);
                add_file(r, path);
            }
        }
        closedir(d);
        qsort(r->files + first, r->n_files - first, sizeof *r->files, cmp_str);
    }
    free(list);
    if (r->n_files == 0) {
        log_error("no archive file to replay (set input)");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int rc;
    node *n = node_create("replay", replay_options,
                          "Publish the AIS messages and radar reports of HDF5 archives in event-time order.",
                          argc, argv, &rc);
    if (!n)
        return rc;
    const config *cfg = node_config(n);
    replay r = {.n = n, .first_event_ns = INT64_MIN, .speed = config_real(cfg, "speed")};
    const char *topics = config_str(cfg, "replay_topics");
    r.want_ais = strstr(topics, "ais") != NULL;
    r.want_radar = strstr(topics, "radar") != NULL;
    if ((!r.want_ais && !r.want_radar) || wire_parse_time(config_str(cfg, "from"), &r.t0_ns) != 0 ||
        wire_parse_time(config_str(cfg, "to"), &r.t1_ns) != 0 || list_inputs(&r, config_str(cfg, "input")) != 0) {
        log_error("bad replay_topics, from, to or input");
        node_destroy(&n);
        return 2;
    }
    r.published_ais = node_counter(n, "published_ais");
    r.published_radar = node_counter(n, "published_radar");
    r.skipped = node_counter(n, "skipped_rows");
    r.buf = x_malloc(WIRE_MAX_FRAME);
    if (r.want_ais)
        node_declare_output(n, WIRE_AIS);
    if (r.want_radar)
        node_declare_output(n, WIRE_RADAR);
    node_handlers h = {.produce = produce};
    rc = node_run(n, &h, &r);
    free_file(&r);
    for (size_t i = 0; i < r.n_files; i++)
        free(r.files[i]);
    free(r.files);
    free(r.buf);
    node_destroy(&n);
    return rc;
}
