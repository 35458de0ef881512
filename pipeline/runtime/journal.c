/* Publisher journals: segments of length-prefixed wire frames.  See centinela/journal.h. */
#include "centinela/journal.h"
#include "centinela/log.h"
#include "centinela/wire.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define SEGMENTS_KEPT 4

struct journal_writer {
    char dir[PATH_MAX];
    char name[128];
    uint64_t segment_max;
    int fd;
    long segment; /* index of the segment being written */
    uint64_t segment_bytes;
    uint64_t last_seq[JOURNAL_TYPES];
    uint32_t epoch;
    bool resumed, complete, failed;
};

struct journal_reader {
    char dir[PATH_MAX];
    char name[128];
    int fd;
    long segment;
    uint64_t offset;
};

static void segment_path(char *out, size_t cap, const char *dir, const char *name, long k)
{
    snprintf(out, cap, "%s/%s.%ld.jnl", dir, name, k);
}

static bool segment_exists(const char *dir, const char *name, long k)
{
    char p[PATH_MAX];
    segment_path(p, sizeof p, dir, name, k);
    return access(p, F_OK) == 0;
}

/* Smallest and largest segment index of `name` in dir; false when there is none. */
static bool segment_range(const char *dir, const char *name, long *lo, long *hi)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    size_t nl = strlen(name);
    bool any = false;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, name, nl) != 0 || e->d_name[nl] != '.')
            continue;
        char *end = NULL;
        long k = strtol(e->d_name + nl + 1, &end, 10);
        if (end == e->d_name + nl + 1 || strcmp(end, ".jnl") != 0 || k < 0)
            continue;
        if (!any || k < *lo)
            *lo = k;
        if (!any || k > *hi)
            *hi = k;
        any = true;
    }
    closedir(d);
    return any;
}

static int mkdir_p(const char *dir)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *q = tmp + 1; *q; q++) {
        if (*q != '/')
            continue;
        *q = 0;
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
            return -1;
        *q = '/';
    }
    return mkdir(tmp, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/* Read exactly n bytes at off; the count read (short at the end of the file). */
static size_t read_at(int fd, void *buf, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, (uint8_t *)buf + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    return got;
}

/* What an earlier process left in one segment: the last sequence of each type. */
static void scan_segment(journal_writer *w, long k, uint8_t *buf)
{
    char p[PATH_MAX];
    segment_path(p, sizeof p, w->dir, w->name, k);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    uint64_t off = 0;
    for (;;) {
        uint8_t lb[4];
        if (read_at(fd, lb, 4, off) < 4)
            break;
        uint32_t len =
            (uint32_t)lb[0] | (uint32_t)lb[1] << 8 | (uint32_t)lb[2] << 16 | (uint32_t)lb[3] << 24;
        if (len < WIRE_HEADER_LEN || len > WIRE_MAX_FRAME ||
            read_at(fd, buf, WIRE_HEADER_LEN, off + 4) < WIRE_HEADER_LEN)
            break;
        struct stat st;
        if (fstat(fd, &st) != 0 || (uint64_t)st.st_size < off + 4 + len)
            break; /* cut short by a kill */
        /* Type and sequence straight from the header (byte 3; u64 little-endian at 16). */
        uint8_t type = buf[3];
        uint64_t seq = 0;
        for (int i = 7; i >= 0; i--)
            seq = seq << 8 | buf[16 + i];
        if (buf[0] == WIRE_MAGIC0 && buf[1] == WIRE_MAGIC1 && type < JOURNAL_TYPES &&
            seq > w->last_seq[type])
            w->last_seq[type] = seq;
        off += 4 + len;
    }
    close(fd);
}

static int open_segment(journal_writer *w)
{
    char p[PATH_MAX];
    segment_path(p, sizeof p, w->dir, w->name, w->segment);
    w->fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (w->fd < 0) {
        log_error("journal: cannot create %s: %s", p, strerror(errno));
        return -1;
    }
    w->segment_bytes = 0;
    /* Keep the newest SEGMENTS_KEPT segments. */
    if (w->segment >= SEGMENTS_KEPT) {
        segment_path(p, sizeof p, w->dir, w->name, w->segment - SEGMENTS_KEPT);
        unlink(p);
    }
    return 0;
}

journal_writer *journal_writer_open(const char *dir, const char *name, uint64_t max_bytes)
{
    if (!dir || !*dir || !name || !*name || strlen(name) >= 128 || max_bytes == 0) {
        log_error("journal: bad directory, name or size");
        return NULL;
    }
    if (mkdir_p(dir) != 0) {
        log_error("journal: cannot create %s: %s", dir, strerror(errno));
        return NULL;
    }
    journal_writer *w = x_calloc(1, sizeof *w);
    snprintf(w->dir, sizeof w->dir, "%s", dir);
    snprintf(w->name, sizeof w->name, "%s", name);
    w->segment_max = max_bytes / SEGMENTS_KEPT > 4096 ? max_bytes / SEGMENTS_KEPT : 4096;
    w->fd = -1;

    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s.epoch", dir, name);
    FILE *f = fopen(p, "r");
    if (f) {
        unsigned e = 0;
        if (fscanf(f, "%u", &e) == 1)
            w->epoch = e;
        fclose(f);
    }
    char tmp[PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", p);
    f = fopen(tmp, "w");
    if (!f || fprintf(f, "%u\n", w->epoch + 1) < 0 || fclose(f) != 0 || rename(tmp, p) != 0) {
        log_error("journal: cannot write %s: %s", p, strerror(errno));
        free(w);
        return NULL;
    }

    long lo = 0, hi = -1;
    if (segment_range(dir, name, &lo, &hi)) {
        uint8_t hdr[WIRE_HEADER_LEN];
        for (long k = lo; k <= hi; k++)
            scan_segment(w, k, hdr);
        for (int t = 0; t < JOURNAL_TYPES; t++)
            w->resumed |= w->last_seq[t] > 0;
        w->complete = lo == 0;
        /* A new segment: the last one may end in a record cut short by a kill. */
        w->segment = hi + 1;
    } else {
        w->complete = true;
        w->segment = 0;
    }
    if (open_segment(w) != 0) {
        free(w);
        return NULL;
    }
    return w;
}

int journal_append(journal_writer *w, const uint8_t *frame, size_t len)
{
    if (!w || w->failed)
        return -1;
    if (w->segment_bytes > 0 && w->segment_bytes + 4 + len > w->segment_max) {
        close(w->fd);
        w->segment++;
        if (open_segment(w) != 0) {
            w->failed = true;
            return -1;
        }
    }
    uint8_t lb[4] = {(uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16), (uint8_t)(len >> 24)};
    struct iovec iov[2] = {{lb, 4}, {(void *)frame, len}};
    size_t want = 4 + len, done = 0;
    while (done < want) {
        ssize_t k = writev(w->fd, iov, 2);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            log_error("journal %s: write failed: %s; no further journaling", w->name,
                      k < 0 ? strerror(errno) : "short write");
            w->failed = true;
            return -1;
        }
        done += (size_t)k;
        /* Advance the vectors past what was written. */
        size_t adv = (size_t)k;
        for (int i = 0; i < 2; i++) {
            size_t a = adv < iov[i].iov_len ? adv : iov[i].iov_len;
            iov[i].iov_base = (uint8_t *)iov[i].iov_base + a;
            iov[i].iov_len -= a;
            adv -= a;
        }
    }
    w->segment_bytes += want;
    return 0;
}

static void sanitize_endpoint(const char *endpoint, char *out, size_t cap)
{
    size_t n = 0;
    uint32_t h = 2166136261u;
    for (const char *p = endpoint; *p; p++) {
        h = (h ^ (uint8_t)*p) * 16777619u;
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-';
        if (n + 1 < cap)
            out[n++] = ok ? c : '_';
    }
    out[n] = 0;
    if (strlen(endpoint) > 150) /* long paths: a prefix and a hash of the whole */
        snprintf(out + 150, cap - 150, "~%08x", h);
}

static void link_path(char *out, size_t cap, const char *dir, const char *endpoint)
{
    char s[256];
    sanitize_endpoint(endpoint, s, sizeof s);
    snprintf(out, cap, "%s/ep.%s", dir, s);
}

int journal_link_endpoint(journal_writer *w, const char *endpoint)
{
    char p[PATH_MAX];
    link_path(p, sizeof p, w->dir, endpoint);
    unlink(p);
    if (symlink(w->name, p) != 0) {
        log_error("journal: cannot link %s: %s", p, strerror(errno));
        return -1;
    }
    return 0;
}

uint64_t journal_writer_last_seq(const journal_writer *w, uint8_t type)
{
    return w && type < JOURNAL_TYPES ? w->last_seq[type] : 0;
}

uint32_t journal_writer_epoch(const journal_writer *w)
{
    return w ? w->epoch : 0;
}

bool journal_writer_resumed(const journal_writer *w)
{
    return w && w->resumed;
}

bool journal_writer_complete(const journal_writer *w)
{
    return w && w->complete;
}

void journal_writer_close(journal_writer **pw)
{
    if (!pw || !*pw)
        return;
    if ((*pw)->fd >= 0)
        close((*pw)->fd);
    free(*pw);
    *pw = NULL;
}

/* Move to the oldest segment at or after k; false when none exists. */
static bool reader_open_segment(journal_reader *r, long k)
{
    long lo = 0, hi = -1;
    if (!segment_range(r->dir, r->name, &lo, &hi) || hi < k)
        return false;
    if (k < lo)
        k = lo;
    for (; k <= hi; k++) {
        char p[PATH_MAX];
        segment_path(p, sizeof p, r->dir, r->name, k);
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue; /* removed by rotation meanwhile */
        if (r->fd >= 0)
            close(r->fd);
        r->fd = fd;
        r->segment = k;
        r->offset = 0;
        return true;
    }
    return false;
}

journal_reader *journal_reader_open_endpoint(const char *dir, const char *endpoint)
{
    char p[PATH_MAX], target[256];
    link_path(p, sizeof p, dir, endpoint);
    ssize_t k = readlink(p, target, sizeof target - 1);
    if (k <= 0)
        return NULL;
    target[k] = 0;
    return journal_reader_open(dir, target);
}

journal_reader *journal_reader_open(const char *dir, const char *name)
{
    if (strlen(name) >= 128)
        return NULL;
    journal_reader *r = x_calloc(1, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "%s", dir);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->fd = -1;
    r->segment = -1;
    if (!reader_open_segment(r, 0)) {
        free(r);
        return NULL;
    }
    return r;
}

long journal_read(journal_reader *r, uint8_t *buf, size_t cap)
{
    for (;;) {
        uint8_t lb[4];
        uint32_t len = 0;
        bool whole = false;
        if (read_at(r->fd, lb, 4, r->offset) == 4) {
            len = (uint32_t)lb[0] | (uint32_t)lb[1] << 8 | (uint32_t)lb[2] << 16 |
                  (uint32_t)lb[3] << 24;
            struct stat st;
            whole = fstat(r->fd, &st) == 0 && (uint64_t)st.st_size >= r->offset + 4 + len;
        }
        if (whole) {
            if (len > cap) {
                r->offset += 4 + (uint64_t)len;
                return -1;
            }
            if (read_at(r->fd, buf, len, r->offset + 4) == len) {
                r->offset += 4 + (uint64_t)len;
                return (long)len;
            }
        }
        /* End of this segment for now: a later segment means this one is finished (its last
         * record may have been cut short by a kill). */
        if (!segment_exists(r->dir, r->name, r->segment + 1) ||
            !reader_open_segment(r, r->segment + 1))
            return 0;
    }
}

bool journal_reader_complete(journal_reader *r)
{
    return r && segment_exists(r->dir, r->name, 0);
}

void journal_reader_rewind(journal_reader *r)
{
    reader_open_segment(r, 0);
}

void journal_reader_close(journal_reader **pr)
{
    if (!pr || !*pr)
        return;
    if ((*pr)->fd >= 0)
        close((*pr)->fd);
    free(*pr);
    *pr = NULL;
}
