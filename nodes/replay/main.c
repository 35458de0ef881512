/* replay: publish what an archive holds, in the order it arrived, so fusion and detection can be
 * re-run over an archive with new thresholds, or a map can play back the fused picture.
 *
 *   replay --input /data/ais/ --pub '@ipc://${run_dir}/replay' --subscribers 1
 *   replay --input /data/ais/ --replay_topics track,alert --speed 60 --pub '@ipc://...'
 *
 * Topics (replay_topics, any of):
 *   ais    the received messages, each as it came in: the same station, channel, reception
 *          time, RF metadata, payload bits and NMEA text, with the original event time in the
 *          header.  Input of track_fusion.
 *   radar  the ARPA target reports.  Input of track_fusion.
 *   track  the archived fused track states (every wire_track field), as track_fusion published
 *          them: input of anomaly_detector (new thresholds without re-running fusion) or of a
 *          map (web_view playback) that shows the picture as it was.
 *   alert  the archived alert state changes, as anomaly_detector published them.
 * The sequence numbers are the replay's own; the source ids are the replay's (the archived
 * publishers' ids are not reproduced).  Lossless by default (the runtime waits for
 * `subscribers` and blocks rather than drop), and an end of stream follows the last row.
 *
 * Order (`order`).  "arrival" (default) publishes each archived stream, that is the rows of one
 * table from one publisher (messages.source_id ...), in the order they were archived, which is
 * the order that publisher sent them; streams are merged by event time (each stream's running
 * maximum), ais before radar and track before alert at equal times.  The demodulator publishes a
 * block of channel A before the same block of channel B, so its messages are not in event-time
 * order; fusion is sensitive to the order of its reports (filter updates, dedupe of the same
 * transmission heard twice), and only the arrival order reproduces the original tracks and alerts
 * exactly (tests/integration/replay_refusion.sh).  "time" sorts every row by its event time
 * (ties in archive order): the order a merged multi-receiver archive would ideally have had.
 * Files are replayed one after the other: at a file boundary (rotation by event time) rows of a
 * publisher's reorder window, well under a second for the demodulator, may come out in event-
 * time order rather than in arrival order.
 *
 * Starting later (`from`): with track or alert topics and `prime` (default), the latest state
 * before `from` of every track not yet removed and every alert not yet closed (in the file that
 * holds `from`) is published first, so a map starts with the picture as it stood at `from`
 * rather than an empty sea until the next snapshots. */
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
     "archive files or directories (every *.h5 inside, by name), comma-separated, replayed in "
     "order"},
    {"replay_topics", 0, OPT_STR, "ais,radar", 0, -1,
     "what to replay, comma-separated: ais, radar (fusion's inputs), track, alert (the archived "
     "fused picture)"},
    {"order", 0, OPT_STR, "arrival", 0, -1,
     "arrival: each publisher's rows as archived, publishers merged by event time; time: every "
     "row by event time"},
    {"from", 0, OPT_STR, "", 0, -1, "first event time (ISO 8601 UTC), empty: from the start"},
    {"to", 0, OPT_STR, "", 0, -1, "end event time, exclusive (ISO 8601 UTC), empty: to the end"},
    {"prime", 0, OPT_BOOL, "true", 0, -1,
     "with from and track/alert topics: first publish the tracks and alerts alive at from"},
    {"speed", 0, OPT_REAL, "0", 0, 1e6,
     "pace: 1 real time, 10 ten times faster; 0 as fast as possible"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

/* Kinds in their order at equal times. */
enum kind { K_AIS = 0, K_RADAR, K_TRACK, K_ALERT, K_COUNT };
static const char *const kind_names[K_COUNT] = {"ais", "radar", "track", "alert"};
static const enum archive_table kind_table[K_COUNT] = {ARCHIVE_MESSAGES, ARCHIVE_RADAR,
                                                       ARCHIVE_TRACKS, ARCHIVE_ALERTS};

typedef struct item {
    int64_t key_ns;  /* merge key: event time, or the stream's running maximum (arrival) */
    int64_t time_ns; /* the row's own event time (pacing) */
    uint32_t source; /* publisher of the row */
    uint32_t row;
    uint8_t kind;
} item;

typedef struct replay {
    node *n;
    char **files;
    size_t n_files, next_file;
    bool want[K_COUNT];
    bool by_time, prime;
    int64_t t0_ns, t1_ns;
    double speed;
    /* the file being replayed */
    void *rows[K_COUNT];
    uint64_t n_rows[K_COUNT];
    char *nmea, *evidence;
    uint8_t *bits;
    uint64_t nmea_size, bits_size, evidence_size;
    item *items;
    size_t n_items, at;
    uint64_t *published[K_COUNT], *skipped, *primed;
    int64_t first_event_ns;
    struct timespec wall0;
    uint8_t *buf;
} replay;

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->key_ns != y->key_ns)
        return x->key_ns < y->key_ns ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->source != y->source)
        return x->source < y->source ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static void free_file(replay *r)
{
    for (int k = 0; k < K_COUNT; k++) {
        free(r->rows[k]);
        r->rows[k] = NULL;
        r->n_rows[k] = 0;
    }
    free(r->nmea);
    free(r->bits);
    free(r->evidence);
    free(r->items);
    r->nmea = r->evidence = NULL;
    r->bits = NULL;
    r->items = NULL;
    r->n_items = r->at = 0;
}

static bool in_range(const replay *r, int64_t t)
{
    return (!r->t0_ns || t >= r->t0_ns) && (!r->t1_ns || t < r->t1_ns);
}

/* Event time and publisher of row i of kind k (every row starts with its event time). */
static const void *row_at(const replay *r, int k, uint64_t i)
{
    return (const uint8_t *)r->rows[k] + i * archive_row_size(kind_table[k]);
}

static uint32_t row_source(int k, const void *row)
{
    switch (k) {
    case K_AIS:
        return ((const archive_message *)row)->source_id;
    case K_RADAR:
        return ((const archive_radar *)row)->source_id;
    case K_TRACK:
        return ((const archive_track *)row)->source_id;
    default:
        return ((const archive_alert *)row)->source_id;
    }
}

/* Blob references inside the file (a damaged row is skipped, not followed). */
static bool row_sane(const replay *r, int k, const void *row)
{
    if (k == K_AIS) {
        const archive_message *m = row;
        return m->nmea_offset <= r->nmea_size && m->nmea_len <= r->nmea_size - m->nmea_offset &&
               m->bits_offset <= r->bits_size &&
               (m->nbits + 7u) / 8u <= r->bits_size - m->bits_offset;
    }
    if (k == K_ALERT) {
        const archive_alert *a = row;
        return a->evidence_offset <= r->evidence_size &&
               a->evidence_len <= r->evidence_size - a->evidence_offset;
    }
    return true;
}

/* Running maximum of event time per publisher of one table, in archive order. */
typedef struct stream_max {
    uint32_t source;
    int64_t max_ns;
} stream_max;

static int64_t running_max(stream_max **s, size_t *n, uint32_t source, int64_t t_ns)
{
    for (size_t i = 0; i < *n; i++) {
        if ((*s)[i].source == source) {
            if (t_ns > (*s)[i].max_ns)
                (*s)[i].max_ns = t_ns;
            return (*s)[i].max_ns;
        }
    }
    *s = x_realloc(*s, (*n + 1) * sizeof **s);
    (*s)[(*n)++] = (stream_max){source, t_ns};
    return t_ns;
}

/* Identity of a track (track_id) or alert (alert_id) row, for priming. */
typedef struct latest {
    uint64_t id;
    uint32_t row;
} latest;

static int cmp_latest(const void *a, const void *b)
{
    const latest *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* The latest state before from of each track not removed / alert not closed, as items that
 * sort before everything else of the file. */
static void prime_kind(replay *r, int k)
{
    latest *l = x_malloc((r->n_rows[k] ? r->n_rows[k] : 1) * sizeof *l);
    size_t n = 0;
    for (uint64_t i = 0; i < r->n_rows[k]; i++) {
        const void *row = row_at(r, k, i);
        if (*(const int64_t *)row >= r->t0_ns || !row_sane(r, k, row))
            continue;
        uint64_t id = k == K_TRACK ? ((uint64_t)((const archive_track *)row)->source_id << 32 |
                                      ((const archive_track *)row)->track_id)
                                   : ((const archive_alert *)row)->alert_id;
        l[n++] = (latest){id, (uint32_t)i};
    }
    qsort(l, n, sizeof *l, cmp_latest);
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && l[i + 1].id == l[i].id)
            continue; /* not the latest */
        const void *row = row_at(r, k, l[i].row);
        bool over = k == K_TRACK ? ((const archive_track *)row)->state == TRACK_REMOVED
                                 : ((const archive_alert *)row)->state == ALERT_CLOSE;
        if (over)
            continue;
        int64_t t = *(const int64_t *)row;
        r->items[r->n_items++] = (item){INT64_MIN, t, row_source(k, row), l[i].row, (uint8_t)k};
        (*r->primed)++;
    }
    free(l);
}

static int read_blob(archive_reader *ar, enum archive_blob b, bool want, char **out, uint64_t *size)
{
    *size = want ? archive_reader_blob_size(ar, b) : 0;
    *out = x_malloc(*size ? *size : 1);
    return archive_reader_blob(ar, b, 0, *size, *out);
}

/* Load the next file's rows of the wanted kinds and put them in replay order. */
static int load_file(replay *r, const char *path)
{
    archive_reader *ar = archive_reader_open(path, false);
    if (!ar)
        return -1;
    uint64_t total = 0;
    int rc = 0;
    for (int k = 0; k < K_COUNT && rc == 0; k++) {
        enum archive_table t = kind_table[k];
        r->n_rows[k] = r->want[k] ? archive_reader_rows(ar, t) : 0;
        total += r->n_rows[k];
        if (total > UINT32_MAX) {
            log_error("%s: too many rows for one replay pass", path);
            rc = -1;
            break;
        }
        r->rows[k] = x_malloc((r->n_rows[k] ? r->n_rows[k] : 1) * archive_row_size(t));
        rc = archive_reader_read(ar, t, 0, r->n_rows[k], r->rows[k]);
    }
    if (rc == 0)
        rc = read_blob(ar, ARCHIVE_BLOB_NMEA, r->want[K_AIS], &r->nmea, &r->nmea_size);
    if (rc == 0)
        rc = read_blob(ar, ARCHIVE_BLOB_BITS, r->want[K_AIS], (char **)&r->bits, &r->bits_size);
    if (rc == 0)
        rc =
            read_blob(ar, ARCHIVE_BLOB_EVIDENCE, r->want[K_ALERT], &r->evidence, &r->evidence_size);
    archive_reader_close(&ar);
    if (rc != 0)
        return -1;
    r->items = x_malloc((total ? total : 1) * sizeof *r->items);
    for (int k = 0; k < K_COUNT; k++) {
        stream_max *s = NULL;
        size_t ns = 0;
        for (uint64_t i = 0; i < r->n_rows[k]; i++) {
            const void *row = row_at(r, k, i);
            int64_t t = *(const int64_t *)row;
            uint32_t src = row_source(k, row);
            int64_t key = r->by_time ? t : running_max(&s, &ns, src, t);
            if (!row_sane(r, k, row)) {
                (*r->skipped)++;
                continue;
            }
            if (in_range(r, t))
                r->items[r->n_items++] = (item){key, t, src, (uint32_t)i, (uint8_t)k};
        }
        free(s);
        if (r->prime && r->t0_ns && (k == K_TRACK || k == K_ALERT))
            prime_kind(r, k);
    }
    qsort(r->items, r->n_items, sizeof *r->items, cmp_item);
    log_info("%s: %zu rows to replay", path, r->n_items);
    return 0;
}

/* Real-time pacing: wait (at most 100 ms per call, so signals stay responsive). Returns true
 * when the item is due.  Primed states (before from) are due at once. */
static bool due(replay *r, int64_t t_ns)
{
    if (r->speed <= 0 || (r->t0_ns && t_ns < r->t0_ns))
        return true;
    if (r->first_event_ns == INT64_MIN) {
        r->first_event_ns = r->t0_ns && r->t0_ns < t_ns ? r->t0_ns : t_ns;
        clock_gettime(CLOCK_MONOTONIC, &r->wall0);
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double elapsed =
        (double)(now.tv_sec - r->wall0.tv_sec) + (now.tv_nsec - r->wall0.tv_nsec) * 1e-9;
    double wait_s = (double)(t_ns - r->first_event_ns) * 1e-9 / r->speed - elapsed;
    if (wait_s <= 0)
        return true;
    if (wait_s > 0.1)
        wait_s = 0.1;
    struct timespec ts = {0, (long)(wait_s * 1e9)};
    nanosleep(&ts, NULL);
    return false;
}

/* Encode the row of an item; the wire type and header event time go to *type and *t_ns.
 * Returns the frame length, or -1 (the row is skipped). */
static int encode_item(replay *r, const item *it, enum wire_type *type, int64_t *t_ns)
{
    static wire_ais ais; /* large: not on the stack */
    static wire_alert alert;
    const void *row = row_at(r, it->kind, it->row);
    *t_ns = it->time_ns;
    switch (it->kind) {
    case K_AIS: {
        const archive_message *m = row;
        *type = WIRE_AIS;
        if (archive_message_to_wire(m, r->nmea + m->nmea_offset, r->bits + m->bits_offset, &ais) !=
            0)
            return -1;
        return wire_ais_encode(&ais, r->buf, WIRE_MAX_FRAME);
    }
    case K_RADAR: {
        wire_radar m;
        *type = WIRE_RADAR;
        archive_radar_to_wire(row, &m);
        return wire_radar_encode(&m, r->buf, WIRE_MAX_FRAME);
    }
    case K_TRACK: {
        wire_track m;
        *type = WIRE_TRACK;
        archive_track_to_wire(row, &m);
        return wire_track_encode(&m, r->buf, WIRE_MAX_FRAME);
    }
    default: {
        const archive_alert *a = row;
        *type = WIRE_ALERT;
        if (archive_alert_to_wire(a, r->evidence + a->evidence_offset, &alert) != 0)
            return -1;
        return wire_alert_encode(&alert, r->buf, WIRE_MAX_FRAME);
    }
    }
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
        enum wire_type type;
        int64_t t_ns;
        int len = encode_item(r, it, &type, &t_ns);
        r->at++;
        if (len < 0) {
            (*r->skipped)++;
            continue;
        }
        if (node_publish(r->n, type, t_ns, 0, r->buf, (size_t)len) == 0)
            (*r->published[it->kind])++;
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
        while (*tok == ' ')
            tok++;
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

/* "ais,radar,track,alert" (any non-empty subset).  0, or -1 (logged) on an unknown name. */
static int parse_topics(replay *r, const char *text)
{
    char *list = x_strdup(text), *save = NULL;
    int rc = 0, n = 0;
    for (char *tok = strtok_r(list, ", ", &save); tok && rc == 0;
         tok = strtok_r(NULL, ", ", &save)) {
        int k = 0;
        while (k < K_COUNT && strcmp(tok, kind_names[k]) != 0)
            k++;
        if (k == K_COUNT) {
            log_error("replay_topics: '%s' is not one of ais, radar, track, alert", tok);
            rc = -1;
        } else {
            r->want[k] = true;
            n++;
        }
    }
    free(list);
    if (rc == 0 && n == 0) {
        log_error("replay_topics is empty");
        rc = -1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    int rc;
    node *n = node_create("replay", replay_options,
                          "Publish the messages, radar reports, tracks and alerts of HDF5 archives "
                          "in their archived order.",
                          argc, argv, &rc);
    if (!n)
        return rc;
    const config *cfg = node_config(n);
    replay r = {.n = n,
                .first_event_ns = INT64_MIN,
                .speed = config_real(cfg, "speed"),
                .prime = config_bool(cfg, "prime")};
    const char *order = config_str(cfg, "order");
    if (strcmp(order, "arrival") != 0 && strcmp(order, "time") != 0) {
        log_error("order '%s' is not arrival or time", order);
        node_destroy(&n);
        return 2;
    }
    r.by_time = strcmp(order, "time") == 0;
    if (parse_topics(&r, config_str(cfg, "replay_topics")) != 0 ||
        wire_parse_time(config_str(cfg, "from"), &r.t0_ns) != 0 ||
        wire_parse_time(config_str(cfg, "to"), &r.t1_ns) != 0 ||
        list_inputs(&r, config_str(cfg, "input")) != 0) {
        log_error("bad replay_topics, from, to or input");
        for (size_t i = 0; i < r.n_files; i++)
            free(r.files[i]);
        free(r.files);
        node_destroy(&n);
        return 2;
    }
    static const enum wire_type types[K_COUNT] = {WIRE_AIS, WIRE_RADAR, WIRE_TRACK, WIRE_ALERT};
    for (int k = 0; k < K_COUNT; k++) {
        char name[32];
        snprintf(name, sizeof name, "published_%s", kind_names[k]);
        r.published[k] = node_counter(n, name);
        if (r.want[k])
            node_declare_output(n, types[k]);
    }
    r.skipped = node_counter(n, "skipped_rows");
    r.primed = node_counter(n, "primed_states");
    r.buf = x_malloc(WIRE_MAX_FRAME);
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
