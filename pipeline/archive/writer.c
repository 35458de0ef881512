/* The archive writer: which file a row goes to, rotation, flushing, closing.
 *
 * Every row goes to the file of its own event-time period (hour, day, or the one file), so the
 * placement does not depend on how the producers' streams interleave: a late track state of
 * 09:59 arriving after ais of 10:00 still lands in the 09:00 file, which stays open (up to
 * max_open_files recent periods; an older one is reopened and appended to).  Size rotation
 * (a new "-1", "-2" ... file of the same period beyond rotate_size_mb) depends on when the
 * flushes happen, so it is for unattended live operation, not for reproducible replays. */
#include "centinela/archive.h"

#include "afile.h"
#include "centinela/log.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_OPEN 16

struct open_file {
    afile *f;
    int64_t period;
    int step;
    uint64_t last_use;
};

struct archive_writer {
    char *pattern;     /* strftime pattern of a file name */
    int64_t period_ns; /* 0: one file */
    double rotate_size_bytes;
    int deflate_level;
    bool index_on_close;
    int max_open;
    struct open_file open[MAX_OPEN];
    int n_open;
    uint64_t use_clock;
    uint64_t rows[ARCHIVE_TABLE_COUNT];
    char current[PATH_MAX];
    struct open_file *last; /* most recently used (for rows without an event time) */
    bool locked_out;        /* another process writes a file we need: take no more rows */
};

static bool is_directory(const char *path)
{
    struct stat st;
    size_t n = strlen(path);
    return (n > 0 && path[n - 1] == '/') || (stat(path, &st) == 0 && S_ISDIR(st.st_mode));
}

archive_writer *archive_writer_create(const archive_writer_config *cfg)
{
    if (!cfg->path || !*cfg->path) {
        log_error("archive path is empty");
        return NULL;
    }
    int64_t period_ns;
    const char *rotate = cfg->rotate ? cfg->rotate : "hour";
    if (strcmp(rotate, "hour") == 0)
        period_ns = 3600LL * 1000000000LL;
    else if (strcmp(rotate, "day") == 0)
        period_ns = 86400LL * 1000000000LL;
    else if (strcmp(rotate, "none") == 0)
        period_ns = 0;
    else {
        log_error("rotate '%s' is not one of hour, day, none", rotate);
        return NULL;
    }
    if (cfg->deflate_level < 0 || cfg->deflate_level > 9) {
        log_error("deflate level %d is outside 0..9", cfg->deflate_level);
        return NULL;
    }
    if (cfg->rotate_size_mb < 0) {
        log_error("rotate_size_mb %g is negative", cfg->rotate_size_mb);
        return NULL;
    }
    if (cfg->max_open_files < 1 || cfg->max_open_files > MAX_OPEN) {
        log_error("max_open_files %d is outside 1..%d", cfg->max_open_files, MAX_OPEN);
        return NULL;
    }
    archive_writer *w = x_calloc(1, sizeof *w);
    if (is_directory(cfg->path)) {
        const char *name = period_ns == 0                       ? "centinela.h5"
                           : period_ns == 3600LL * 1000000000LL ? "centinela-%Y%m%dT%H00Z.h5"
                                                                : "centinela-%Y%m%d.h5";
        size_t n = strlen(cfg->path) + strlen(name) + 2;
        w->pattern = x_malloc(n);
        snprintf(w->pattern, n, "%s%s%s", cfg->path,
                 cfg->path[strlen(cfg->path) - 1] == '/' ? "" : "/", name);
    } else {
        w->pattern = x_strdup(cfg->path);
    }
    w->period_ns = period_ns;
    w->rotate_size_bytes = cfg->rotate_size_mb * 1048576.0;
    w->deflate_level = cfg->deflate_level;
    w->index_on_close = cfg->index_on_close;
    w->max_open = cfg->max_open_files;
    return w;
}

static int64_t period_of(const archive_writer *w, int64_t t_ns)
{
    if (w->period_ns == 0)
        return 0;
    int64_t p = t_ns / w->period_ns;
    if (t_ns < 0 && t_ns % w->period_ns)
        p--;
    return p;
}

/* File name of (period, step): the pattern expanded at the period start, "-step" before ".h5". */
static int file_path(const archive_writer *w, int64_t period, int step, char *out, size_t cap)
{
    time_t start_s = (time_t)(period * (w->period_ns / 1000000000LL));
    struct tm tm;
    gmtime_r(&start_s, &tm);
    char name[PATH_MAX];
    /* The pattern is the user's strftime format by design (a path with %Y%m%d...). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    size_t n = strftime(name, sizeof name, w->pattern, &tm);
#pragma GCC diagnostic pop
    if (n == 0) {
        log_error("archive path pattern '%s' expands to nothing", w->pattern);
        return -1;
    }
    if (step == 0) {
        snprintf(out, cap, "%s", name);
        return 0;
    }
    char *dot = strrchr(name, '.');
    char *slash = strrchr(name, '/');
    if (dot && (!slash || dot > slash))
        snprintf(out, cap, "%.*s-%d%s", (int)(dot - name), name, step, dot);
    else
        snprintf(out, cap, "%s-%d", name, step);
    return 0;
}

static void make_parent_dirs(const char *path)
{
    char *dir = x_strdup(path);
    for (char *q = dir + 1; *q; q++) {
        if (*q != '/')
            continue;
        *q = 0;
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            log_warn("cannot create %s: %s", dir, strerror(errno));
        *q = '/';
    }
    free(dir);
}

/* The size step to append to for a period: the highest existing one (restart). */
static int current_step(const archive_writer *w, int64_t period)
{
    if (w->rotate_size_bytes <= 0)
        return 0;
    int step = 0;
    char path[PATH_MAX];
    for (int k = 1; k < 100000; k++) {
        if (file_path(w, period, k, path, sizeof path) != 0 || access(path, F_OK) != 0)
            break;
        step = k;
    }
    return step;
}

static int close_slot(archive_writer *w, int i)
{
    struct open_file *o = &w->open[i];
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", o->f->path);
    /* The lock stays held through the indexing, so no other writer starts in between. */
    int lock_fd = afile_take_lock(o->f);
    int rc = afile_close(&o->f);
    if (rc == 0 && w->index_on_close && archive_index_build_in(path, 0, true) != 0)
        log_warn("%s: index not built", path);
    afile_unlock(path, &lock_fd);
    if (w->last == o)
        w->last = NULL;
    w->open[i] = w->open[w->n_open - 1];
    if (w->last == &w->open[w->n_open - 1])
        w->last = &w->open[i];
    w->n_open--;
    return rc;
}

static struct open_file *file_for(archive_writer *w, int64_t t_ns)
{
    if (w->locked_out)
        return NULL; /* said once already; retrying per row would flood the log */
    int64_t period = period_of(w, t_ns);
    for (int i = 0; i < w->n_open; i++) {
        if (w->open[i].period == period) {
            w->open[i].last_use = ++w->use_clock;
            w->last = &w->open[i];
            return w->last;
        }
    }
    if (w->n_open == w->max_open) {
        int lru = 0;
        for (int i = 1; i < w->n_open; i++)
            if (w->open[i].last_use < w->open[lru].last_use)
                lru = i;
        close_slot(w, lru);
    }
    int step = current_step(w, period);
    char path[PATH_MAX];
    if (file_path(w, period, step, path, sizeof path) != 0)
        return NULL;
    make_parent_dirs(path);
    afile *f = afile_open(path, w->deflate_level, &w->locked_out);
    if (!f)
        return NULL;
    struct open_file *o = &w->open[w->n_open++];
    o->f = f;
    o->period = period;
    o->step = step;
    o->last_use = ++w->use_clock;
    w->last = o;
    return o;
}

static void note_path(archive_writer *w, const struct open_file *o)
{
    if (strcmp(w->current, o->f->path) != 0)
        snprintf(w->current, sizeof w->current, "%s", o->f->path);
}

int archive_writer_ais(archive_writer *w, const wire_header *h, const wire_ais *m)
{
    struct open_file *o = file_for(w, h->event_time_ns);
    if (!o)
        return -1;
    afile *f = o->f;
    archive_message msg;
    archive_position pos;
    archive_static st;
    bool has_pos, has_static;
    uint64_t row = afile_next_row(&f->tables[ARCHIVE_MESSAGES]);
    archive_rows_from_ais(h, m, row, &msg, &pos, &has_pos, &st, &has_static);
    msg.nmea_offset = afile_next_row(&f->blobs[ARCHIVE_BLOB_NMEA]);
    msg.bits_offset = afile_next_row(&f->blobs[ARCHIVE_BLOB_BITS]);
    if (afile_append(&f->blobs[ARCHIVE_BLOB_NMEA], m->nmea, msg.nmea_len) != 0 ||
        afile_append(&f->blobs[ARCHIVE_BLOB_BITS], m->bits, (msg.nbits + 7u) / 8u) != 0 ||
        afile_append(&f->tables[ARCHIVE_MESSAGES], &msg, 1) != 0)
        return -1;
    w->rows[ARCHIVE_MESSAGES]++;
    if (has_pos) {
        if (afile_append(&f->tables[ARCHIVE_POSITIONS], &pos, 1) != 0)
            return -1;
        w->rows[ARCHIVE_POSITIONS]++;
    }
    if (has_static) {
        if (afile_append(&f->tables[ARCHIVE_STATIC], &st, 1) != 0)
            return -1;
        w->rows[ARCHIVE_STATIC]++;
    }
    note_path(w, o);
    return 0;
}

static int append_row(archive_writer *w, int64_t t_ns, enum archive_table t, const void *row)
{
    struct open_file *o = file_for(w, t_ns);
    if (!o || afile_append(&o->f->tables[t], row, 1) != 0)
        return -1;
    w->rows[t]++;
    note_path(w, o);
    return 0;
}

int archive_writer_track(archive_writer *w, const wire_header *h, const wire_track *m)
{
    archive_track row;
    archive_row_from_track(h, m, &row);
    return append_row(w, h->event_time_ns, ARCHIVE_TRACKS, &row);
}

int archive_writer_radar(archive_writer *w, const wire_header *h, const wire_radar *m)
{
    archive_radar row;
    archive_row_from_radar(h, m, &row);
    return append_row(w, h->event_time_ns, ARCHIVE_RADAR, &row);
}

int archive_writer_alert(archive_writer *w, const wire_header *h, const wire_alert *m)
{
    struct open_file *o = file_for(w, h->event_time_ns);
    if (!o)
        return -1;
    archive_alert row;
    archive_row_from_alert(h, m, &row);
    row.evidence_offset = afile_next_row(&o->f->blobs[ARCHIVE_BLOB_EVIDENCE]);
    if (afile_append(&o->f->blobs[ARCHIVE_BLOB_EVIDENCE], m->evidence, row.evidence_len) != 0 ||
        afile_append(&o->f->tables[ARCHIVE_ALERTS], &row, 1) != 0)
        return -1;
    w->rows[ARCHIVE_ALERTS]++;
    note_path(w, o);
    return 0;
}

int archive_writer_stats(archive_writer *w, const wire_header *h, const char *json,
                         int64_t wall_time_ns)
{
    /* A node that has seen no data yet reports event time 0: file it with the latest rows. */
    struct open_file *o = h->event_time_ns > 0 ? file_for(w, h->event_time_ns) : w->last;
    if (!o)
        return h->event_time_ns > 0 ? -1 : 0;
    archive_stats row;
    memset(&row, 0, sizeof row);
    row.time_ns = h->event_time_ns;
    row.wall_time_ns = wall_time_ns;
    row.source_id = h->source_id;
    size_t len = strlen(json);
    row.json_len = (uint32_t)len;
    row.json_offset = afile_next_row(&o->f->blobs[ARCHIVE_BLOB_STATS]);
    /* The node's section name, from "section":"..." of the stats object. */
    const char *s = strstr(json, "\"section\":\"");
    if (s) {
        s += 11;
        size_t k = 0;
        while (s[k] && s[k] != '"' && k < sizeof row.node - 1)
            k++;
        memcpy(row.node, s, k);
    }
    if (afile_append(&o->f->blobs[ARCHIVE_BLOB_STATS], json, len) != 0 ||
        afile_append(&o->f->tables[ARCHIVE_STATS], &row, 1) != 0)
        return -1;
    w->rows[ARCHIVE_STATS]++;
    return 0;
}

int archive_writer_positions(archive_writer *w, const archive_position *rows, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* Runs of rows of one period go in one append. */
        int64_t p = period_of(w, rows[i].time_ns);
        size_t j = i + 1;
        while (j < n && period_of(w, rows[j].time_ns) == p)
            j++;
        struct open_file *o = file_for(w, rows[i].time_ns);
        if (!o || afile_append(&o->f->tables[ARCHIVE_POSITIONS], rows + i, j - i) != 0)
            return -1;
        w->rows[ARCHIVE_POSITIONS] += j - i;
        note_path(w, o);
        i = j;
    }
    return 0;
}

int archive_writer_flush(archive_writer *w)
{
    int rc = 0;
    for (int i = 0; i < w->n_open; i++) {
        if (afile_flush(w->open[i].f) != 0)
            rc = -1;
    }
    /* Size rotation: a file beyond the limit is closed; its period's next row opens step + 1. */
    for (int i = 0; i < w->n_open && w->rotate_size_bytes > 0;) {
        if ((double)afile_size(w->open[i].f) > w->rotate_size_bytes) {
            struct open_file o = w->open[i];
            char next[PATH_MAX];
            if (file_path(w, o.period, o.step + 1, next, sizeof next) == 0) {
                log_info("%s reached %.0f MB; next file %s", o.f->path,
                         w->rotate_size_bytes / 1048576.0, next);
                if (close_slot(w, i) != 0)
                    rc = -1;
                /* Create it now so current_step() finds it. */
                make_parent_dirs(next);
                afile *nf = afile_open(next, w->deflate_level, &w->locked_out);
                if (nf && afile_close(&nf) != 0)
                    rc = -1;
                continue;
            }
        }
        i++;
    }
    return rc;
}

uint64_t archive_writer_rows(const archive_writer *w, enum archive_table t)
{
    return (unsigned)t < ARCHIVE_TABLE_COUNT ? w->rows[t] : 0;
}

bool archive_writer_locked_out(const archive_writer *w)
{
    return w->locked_out;
}

const char *archive_writer_path(const archive_writer *w)
{
    return w->current;
}

void archive_writer_destroy(archive_writer **pw)
{
    if (!pw || !*pw)
        return;
    archive_writer *w = *pw;
    while (w->n_open > 0)
        close_slot(w, w->n_open - 1);
    free(w->pattern);
    free(w);
    *pw = NULL;
}
