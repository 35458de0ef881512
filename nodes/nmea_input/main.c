/* nmea_input: NMEA 0183 from files, UDP, TCP feeds and TCP clients onto `ais` and `radar`.
 *
 *   nmea_input --inputs 'file:traffic.nmea@1'                      # a recording, as fast as taken
 *   nmea_input --inputs 'udp:0.0.0.0:10110@2, tcp:feed.example:5631@3, tcpserver:127.0.0.1:5000@4'
 * \
 *              --radar_sites '7:8.95:-79.56:24'
 *
 * The input syntax and the radar-site rule are in inputs.h; the line handling (tag blocks,
 * multipart reassembly, TTM/TLL) is feed.c, the same code the scenario tests drive.
 *
 * Event time.  A line's time is its tag block "c:" field (its own or a lone tag-block line's
 * before it), else a Gatehouse $PGHP time before it, else its trailing Unix time (s or ms), else
 * its leading time (`line_format`; a local date-time is converted from `time_zone`).  A line
 * without any takes, in a file, the time of the previous timed line of that file (0
 * before the first one), and on a network input the wall clock of this host (CLOCK_REALTIME) at
 * reception: the receiver's own clock is the only time a bare live feed has, so keep it
 * synchronised (NTP) when several receivers are fused.
 *
 * Pacing (files only): `pace = fast` publishes as fast as subscribers take it, losslessly, and
 * the stream ends (EOS) after the last file when every input is a file; `pace = realtime` keeps
 * the recorded spacing of event times, divided by `speed`.  Network inputs are live: they never
 * end, and unless `lossless` is set they publish without blocking (drops are counted).
 *
 * Bad input never stops the node: every line is counted once (`lines`) and each rejection class
 * of the NMEA assembler (`nmea_<class>`) and of the radar parser (`radar_<class>`,
 * `radar_no_site`) has its counter in stats, with over-long lines (`too_long`), read errors and,
 * for TCP, connects, disconnects, failed connects and refused clients.  A file that yields no
 * message is a warning naming the file, its first unrecognised line and the setting that may
 * help, and counts in `inputs_without_messages`.  Files may be gzip'd (read as they are).
 *
 * Position tables: a file whose first line is a MarineCadastre or Danish Maritime Authority CSV
 * header is read as rows, each published as the AIS position report (type 1 or 18) and, when
 * its static columns are new for the MMSI, static data (5, or 24 A and B) a transponder would
 * have sent, at the row's time (column mapping: csv_positions.h).  Rows read, unreadable and
 * skipped (other mobiles) are counted in `csv_rows`, `csv_bad_rows`, `csv_skipped_rows`. */
#include "feed.h"
#include "inputs.h"

#include "centinela/log.h"
#include "centinela/node.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static const opt_spec nmea_input_options[] = {
    {"inputs", 'i', OPT_STR, "", 0, -1,
     "what to read, comma-separated: file:PATH[@STATION] (- = stdin), udp:HOST:PORT[@STATION] "
     "(bind), tcp:HOST:PORT[@STATION] (connect), tcpserver:HOST:PORT[@STATION] (listen)"},
    {"file", 'r', OPT_STR, "", 0, -1, "a file to read before `inputs` (same as file:PATH)"},
    {"station", 0, OPT_INT, "0", 0, 4294967295.0,
     "station id of inputs without @STATION (a tag block s: field overrides it per line)"},
    {"radar_sites", 0, OPT_STR, "", 0, -1,
     "ARPA radar sites ID:LAT:LON[:RANGE_NM], comma-separated (TTM range/bearing origin)"},
    {"pace", 0, OPT_STR, "fast", 0, -1,
     "files: fast (as fast as subscribers take it) or realtime (by event time)"},
    {"speed", 0, OPT_REAL, "1", 0.001, 100000, "realtime pace: event seconds per wall second"},
    {"reconnect_initial_s", 0, OPT_REAL, "1", 0.01, 600,
     "tcp: delay before reconnecting after a failure, doubled each time"},
    {"reconnect_max_s", 0, OPT_REAL, "30", 0.01, 3600, "tcp: longest reconnect delay"},
    {"max_clients", 0, OPT_INT, "64", 1, 1024, "tcpserver: clients read at once per listener"},
    {"line_format", 0, OPT_STR, "auto", 0, -1,
     "what precedes each sentence: auto (detected per line), nmea (nothing), unix (Unix time s "
     "or ms) or datetime (ISO 8601 / YYYY-MM-DD hh:mm:ss)"},
    {"time_zone", 0, OPT_STR, "UTC", 0, -1,
     "zone of leading date-times without one: UTC, an offset (+02:00) or a tz name "
     "(Europe/Paris)"},
    {"check_checksum", 0, OPT_BOOL, "true", 0, -1, "reject sentences whose checksum is wrong"},
    {"udp_rcvbuf_kb", 0, OPT_INT, "4096", 64, 1048576,
     "udp: kernel receive buffer (bursts of a busy feed while the publisher waits); above "
     "net.core.rmem_max only when run with CAP_NET_ADMIN"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

enum role { ROLE_FILE, ROLE_UDP, ROLE_TCP, ROLE_LISTEN, ROLE_CLIENT };

typedef struct conn {
    enum role role;
    int spec;  /* index into app.specs */
    int fd;    /* -1 when closed */
    gzFile gz; /* a gzip'd file, read through zlib; NULL otherwise */
    linebuf lb;
    feed *fe;
    bool eof;
    /* tcp client */
    bool connecting;
    double retry_at_s, backoff_s;
    /* file: bytes of the lines handled so far (progress) */
    uint64_t handled_bytes;
    /* udp: the kernel's count of datagrams dropped on this socket (SO_RXQ_OVFL) */
    uint32_t kernel_drops;
    /* listener */
    int clients;
    struct conn *listener; /* client: its listener */
} conn;

typedef struct totals {
    uint64_t nmea_status[NMEA_STATUS_COUNT], nmea_sentences, nmea_context;
    uint64_t radar[RADAR_STATUS_COUNT], radar_no_site, too_long;
    uint64_t csv_rows, csv_bad_rows, csv_skipped_rows;
} totals;

typedef struct app {
    node *n;
    nmea_input_spec specs[NMEA_INPUT_MAX + 1];
    int n_specs;
    radar_site sites[64];
    int n_sites;
    conn **c; /* network connections, listeners and clients */
    int n_c, cap_c;
    conn *file;    /* file being read */
    int next_file; /* next spec to look at for a file */
    bool files_done, files_only, realtime, file_waiting;
    pacer pc;
    double retry_initial_s, retry_max_s;
    int max_clients;
    nmea_assembler_config nmea_cfg;
    totals retired; /* counts of closed connections */
    uint8_t out[8192];
    char dgram[65536];
    uint64_t *lines, *messages, *radar, *sentences, *nmea[NMEA_STATUS_COUNT],
        *radar_status[RADAR_STATUS_COUNT], *radar_no_site, *too_long, *read_errors, *connects,
        *disconnects, *connect_failures, *clients_refused, *datagrams, *bytes, *files,
        *inputs_without_messages, *nmea_context, *udp_kernel_drops, *csv_rows, *csv_bad_rows,
        *csv_skipped_rows;
    int udp_rcvbuf;
} app;

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- output ------------------------------------------------------------------------------ */

static void on_ais(void *ctx, const wire_ais *m)
{
    app *a = ctx;
    int len = wire_ais_encode(m, a->out, sizeof a->out);
    if (len < 0) {
        log_error("cannot encode an ais message");
        return;
    }
    if (node_publish(a->n, WIRE_AIS, m->rx_time_ns, 0, a->out, (size_t)len) == 0)
        (*a->messages)++;
}

static void on_radar(void *ctx, const wire_radar *r)
{
    app *a = ctx;
    int len = wire_radar_encode(r, a->out, sizeof a->out);
    if (len < 0) {
        log_error("cannot encode a radar message");
        return;
    }
    if (node_publish(a->n, WIRE_RADAR, r->time_ns, 0, a->out, (size_t)len) == 0)
        (*a->radar)++;
}

/* ---- connections ------------------------------------------------------------------------- */

static conn *conn_new(app *a, enum role role, int spec)
{
    conn *c = x_calloc(1, sizeof *c);
    c->role = role;
    c->spec = spec;
    c->fd = -1;
    if (role != ROLE_LISTEN) {
        linebuf_init(&c->lb, 1 << 16);
        feed_handlers h = {on_ais, on_radar, a};
        uint32_t st = a->specs[spec].station_id;
        c->fe =
            feed_create_with(st, a->sites, a->n_sites,
                             nmea_radar_default_site(a->sites, a->n_sites, st), &h, &a->nmea_cfg);
        if (!c->fe) {
            log_error("cannot create the NMEA assembler");
            abort();
        }
    }
    return c;
}

static void add_totals(totals *t, const feed *fe, const linebuf *lb)
{
    feed_stats fs;
    feed_get_stats(fe, &fs);
    for (int s = 0; s < NMEA_STATUS_COUNT; s++)
        t->nmea_status[s] += fs.nmea->status[s];
    t->nmea_sentences += fs.nmea->sentences;
    t->nmea_context += fs.nmea->context;
    for (int s = 0; s < RADAR_STATUS_COUNT; s++)
        t->radar[s] += fs.radar[s];
    t->radar_no_site += fs.radar_no_site;
    t->too_long += lb->too_long;
    t->csv_rows += fs.csv_rows;
    t->csv_bad_rows += fs.csv_bad_rows;
    t->csv_skipped_rows += fs.csv_skipped_rows;
}

/* A file read to its end that gave nothing: say which, where it went wrong and what may help. */
static void warn_if_empty(app *a, const conn *c)
{
    feed_stats fs;
    feed_get_stats(c->fe, &fs);
    if (fs.ais_out || fs.radar_out || fs.lines == 0)
        return;
    (*a->inputs_without_messages)++;
    const nmea_stats *ns = fs.nmea;
    const char *path = a->specs[c->spec].path;
    if (fs.csv_layout)
        log_warn("file:%s: a %s position table with no readable row in %llu lines (%llu bad, "
                 "%llu skipped)",
                 path, fs.csv_layout, (unsigned long long)fs.lines,
                 (unsigned long long)fs.csv_bad_rows, (unsigned long long)fs.csv_skipped_rows);
    else if (ns->first_unknown_line)
        log_warn("file:%s: no AIS or radar message in %llu lines; the first unrecognised is line "
                 "%llu (%s): \"%s\"; %s",
                 path, (unsigned long long)fs.lines, (unsigned long long)ns->first_unknown_line,
                 nmea_status_name(ns->first_unknown_status), ns->first_unknown,
                 nmea_status_hint(ns->first_unknown_status, ns->first_unknown));
    else
        log_warn("file:%s: no AIS or radar message in %llu lines", path,
                 (unsigned long long)fs.lines);
}

/* Close and free a connection; its counts go to the retired totals. */
static void conn_free(app *a, conn *c)
{
    if (c->gz)
        gzclose(c->gz); /* closes the descriptor too */
    else if (c->fd >= 0 && c->fd != STDIN_FILENO)
        close(c->fd);
    if (c->fe) {
        feed_flush(c->fe); /* partial multipart messages count as missing parts */
        if (c->role == ROLE_FILE && c->eof)
            warn_if_empty(a, c);
        add_totals(&a->retired, c->fe, &c->lb);
        feed_destroy(&c->fe);
    }
    linebuf_free(&c->lb);
    free(c);
}

static void update_counters(app *a)
{
    totals t = a->retired;
    if (a->file)
        add_totals(&t, a->file->fe, &a->file->lb);
    for (int i = 0; i < a->n_c; i++)
        if (a->c[i]->fe)
            add_totals(&t, a->c[i]->fe, &a->c[i]->lb);
    for (int s = 1; s < NMEA_STATUS_COUNT; s++)
        *a->nmea[s] = t.nmea_status[s];
    *a->sentences = t.nmea_sentences;
    *a->nmea_context = t.nmea_context;
    for (int s = 1; s < RADAR_STATUS_COUNT; s++)
        *a->radar_status[s] = t.radar[s];
    *a->radar_no_site = t.radar_no_site;
    *a->too_long = t.too_long;
    *a->csv_rows = t.csv_rows;
    *a->csv_bad_rows = t.csv_bad_rows;
    *a->csv_skipped_rows = t.csv_skipped_rows;
}

static void handle_line(app *a, conn *c, const char *line, size_t len, int64_t t_ns)
{
    (*a->lines)++;
    feed_line(c->fe, line, len, t_ns);
}

/* Read what a stream socket has; false when it closed (or failed). */
static bool read_stream(app *a, conn *c)
{
    for (int rounds = 0; rounds < 16; rounds++) {
        size_t room;
        char *p = linebuf_space(&c->lb, &room);
        ssize_t k = recv(c->fd, p, room, MSG_DONTWAIT);
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return true;
        if (k <= 0) {
            if (k < 0) {
                (*a->read_errors)++;
                log_warn("%s:%s:%u: %s", nmea_input_kind_name(a->specs[c->spec].kind),
                         a->specs[c->spec].host, a->specs[c->spec].port, strerror(errno));
            }
            c->eof = true;
        } else {
            linebuf_commit(&c->lb, (size_t)k);
            *a->bytes += (uint64_t)k;
        }
        int64_t now = wall_ns();
        const char *line;
        size_t len;
        while (linebuf_next(&c->lb, c->eof, &line, &len))
            handle_line(a, c, line, len, now);
        if (c->eof)
            return false;
        if ((size_t)k < room)
            return true;
    }
    return true;
}

static void read_udp(app *a, conn *c)
{
    for (int i = 0; i < 256; i++) {
        /* recvmsg for the kernel's drop count: datagrams lost because the socket buffer was
         * full arrive as a cumulative counter with the next datagram (SO_RXQ_OVFL). */
        struct iovec iov = {a->dgram, sizeof a->dgram};
        union {
            char buf[CMSG_SPACE(sizeof(uint32_t))];
            struct cmsghdr align;
        } control;
        struct msghdr mh = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = control.buf,
                            .msg_controllen = sizeof control.buf};
        ssize_t k = recvmsg(c->fd, &mh, MSG_DONTWAIT);
        if (k < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                (*a->read_errors)++;
            return;
        }
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
                uint32_t drops;
                memcpy(&drops, CMSG_DATA(cm), sizeof drops);
                if (drops != c->kernel_drops) {
                    uint32_t lost = drops - c->kernel_drops;
                    if (*a->udp_kernel_drops == 0)
                        log_warn("udp: the kernel dropped %u datagrams (receive buffer full); "
                                 "counted as udp_kernel_drops; a larger udp_rcvbuf_kb helps",
                                 lost);
                    *a->udp_kernel_drops += lost;
                    c->kernel_drops = drops;
                }
            }
        }
        (*a->datagrams)++;
        *a->bytes += (uint64_t)k;
        int64_t now = wall_ns();
        /* a datagram holds whole lines: its end ends the last one */
        const char *p = a->dgram, *end = a->dgram + k;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = (size_t)((nl ? nl : end) - p);
            if (len > NMEA_LINE_MAX)
                c->lb.too_long++;
            else if (len > 0 && !(len == 1 && *p == '\r'))
                handle_line(a, c, p, len, now);
            p += len + 1;
        }
    }
}

static int resolve(const nmea_input_spec *sp, int socktype, bool passive, struct addrinfo **res)
{
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = socktype;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    char port[8];
    snprintf(port, sizeof port, "%u", sp->port);
    int rc = getaddrinfo(sp->host, port, &hints, res);
    if (rc != 0) {
        log_error("%s:%s:%u: %s", nmea_input_kind_name(sp->kind), sp->host, sp->port,
                  gai_strerror(rc));
        return -1;
    }
    return 0;
}

/* Bind a UDP socket or a TCP listener.  0 or -1 (logged). */
static int open_bound(app *a, conn *c)
{
    const nmea_input_spec *sp = &a->specs[c->spec];
    bool udp = sp->kind == INPUT_UDP;
    struct addrinfo *res;
    if (resolve(sp, udp ? SOCK_DGRAM : SOCK_STREAM, true, &res) != 0)
        return -1;
    int fd =
        socket(res->ai_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) != 0 || (!udp && listen(fd, 16) != 0)) {
        log_error("%s:%s:%u: cannot %s: %s", nmea_input_kind_name(sp->kind), sp->host, sp->port,
                  udp ? "bind" : "listen", strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        return -1;
    }
    if (udp) {
        int rcvbuf = a->udp_rcvbuf;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
        int got = 0;
        socklen_t gl = sizeof got;
        getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &gl);
        if (got / 2 < rcvbuf) /* Linux reports twice what it grants */
            log_warn("%s:%s:%u: receive buffer %d kB of the %d kB asked (net.core.rmem_max caps "
                     "it)",
                     nmea_input_kind_name(sp->kind), sp->host, sp->port, got / 2048, rcvbuf / 1024);
        int one_ovfl = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one_ovfl, sizeof one_ovfl) != 0)
            log_warn("SO_RXQ_OVFL: %s; kernel drops will not be counted", strerror(errno));
    }
    freeaddrinfo(res);
    c->fd = fd;
    log_info("%s:%s:%u: %s (station %u)", nmea_input_kind_name(sp->kind), sp->host, sp->port,
             udp ? "bound" : "listening", sp->station_id);
    return 0;
}

static void schedule_retry(app *a, conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->connecting = false;
    c->retry_at_s = mono_s() + c->backoff_s;
    c->backoff_s = fmin(c->backoff_s * 2, a->retry_max_s);
}

static void tcp_connect(app *a, conn *c)
{
    const nmea_input_spec *sp = &a->specs[c->spec];
    struct addrinfo *res;
    c->retry_at_s = 0;
    if (resolve(sp, SOCK_STREAM, false, &res) != 0) {
        (*a->connect_failures)++;
        schedule_retry(a, c);
        return;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        log_error("socket: %s", strerror(errno));
        freeaddrinfo(res);
        (*a->connect_failures)++;
        schedule_retry(a, c);
        return;
    }
    c->fd = fd;
    int rc = connect(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (rc == 0 || errno == EINPROGRESS) {
        c->connecting = true;
        return;
    }
    if (*a->connect_failures == 0 || log_get_level() >= LOG_LEVEL_DEBUG)
        log_warn("tcp:%s:%u: %s (retrying)", sp->host, sp->port, strerror(errno));
    (*a->connect_failures)++;
    schedule_retry(a, c);
}

static void tcp_connected(app *a, conn *c)
{
    const nmea_input_spec *sp = &a->specs[c->spec];
    int err = 0;
    socklen_t sl = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
        err = errno;
    if (err) {
        if (*a->connect_failures == 0 || log_get_level() >= LOG_LEVEL_DEBUG)
            log_warn("tcp:%s:%u: %s (retrying with back-off)", sp->host, sp->port, strerror(err));
        (*a->connect_failures)++;
        schedule_retry(a, c);
        return;
    }
    c->connecting = false;
    c->backoff_s = a->retry_initial_s;
    c->eof = false;
    (*a->connects)++;
    log_info("tcp:%s:%u: connected (station %u)", sp->host, sp->port, sp->station_id);
}

static void conn_add(app *a, conn *c)
{
    if (a->n_c == a->cap_c) {
        a->cap_c = a->cap_c ? 2 * a->cap_c : 16;
        a->c = x_realloc(a->c, (size_t)a->cap_c * sizeof *a->c);
    }
    a->c[a->n_c++] = c;
}

static void accept_clients(app *a, conn *l)
{
    for (;;) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        if (l->clients >= a->max_clients) {
            close(fd);
            (*a->clients_refused)++;
            continue;
        }
        conn *c = conn_new(a, ROLE_CLIENT, l->spec);
        c->fd = fd;
        c->listener = l;
        l->clients++;
        (*a->connects)++;
        conn_add(a, c);
        log_debug("tcpserver:%u: client connected (%d)", a->specs[l->spec].port, l->clients);
    }
}

/* ---- files ------------------------------------------------------------------------------- */

static bool open_next_file(app *a)
{
    while (a->next_file < a->n_specs) {
        int i = a->next_file++;
        const nmea_input_spec *sp = &a->specs[i];
        if (sp->kind != INPUT_FILE)
            continue;
        int fd = strcmp(sp->path, "-") == 0 ? STDIN_FILENO : open(sp->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            /* checked at start; a file removed since is skipped, not fatal */
            log_error("file:%s: %s", sp->path, strerror(errno));
            (*a->read_errors)++;
            continue;
        }
        a->file = conn_new(a, ROLE_FILE, i);
        a->file->fd = fd;
        /* gzip'd (by its magic bytes, whatever its name): read through zlib.  Only regular
         * files: zlib would block on a pipe until its buffer fills. */
        struct stat st;
        unsigned char magic[2];
        if (fd != STDIN_FILENO && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
            pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
            a->file->gz = gzdopen(fd, "rb");
            if (!a->file->gz) {
                log_error("file:%s: cannot start gzip decompression", sp->path);
                abort();
            }
        }
        log_info("file:%s (station %u)", sp->path, sp->station_id);
        return true;
    }
    return false;
}

/* Read lines of the current file; *wait_s gets how long to sleep (0: more is ready). */
static void read_files(app *a, double *wait_s)
{
    a->file_waiting = false;
    for (int done = 0; done < 4096;) {
        if (!a->file && !open_next_file(a)) {
            a->files_done = true;
            return;
        }
        conn *c = a->file;
        const char *line;
        size_t len;
        if (linebuf_next(&c->lb, c->eof, &line, &len)) {
            if (a->realtime) {
                double w = pacer_wait_s(&a->pc, feed_line_time_ns(c->fe, line, len), mono_s());
                if (w > 0) {
                    linebuf_unget(&c->lb);
                    *wait_s = fmin(w, 0.1);
                    return;
                }
            }
            handle_line(a, c, line, len, feed_last_time_ns(c->fe));
            c->handled_bytes += len + 1;
            done++;
            continue;
        }
        if (c->eof) {
            (*a->files)++;
            conn_free(a, c);
            a->file = NULL;
            continue;
        }
        struct pollfd p = {c->fd, POLLIN, 0};
        if (!c->gz && poll(&p, 1, 0) == 0) { /* a pipe with nothing yet: wait in the main poll */
            a->file_waiting = true;
            return;
        }
        size_t room;
        char *buf = linebuf_space(&c->lb, &room);
        ssize_t k;
        if (c->gz) {
            unsigned want = room > (1u << 30) ? 1u << 30 : (unsigned)room;
            k = gzread(c->gz, buf, want);
            if (k < 0) {
                int err;
                log_error("file:%s: %s", a->specs[c->spec].path, gzerror(c->gz, &err));
                (*a->read_errors)++;
            }
        } else {
            k = read(c->fd, buf, room);
            if (k < 0 && (errno == EINTR || errno == EAGAIN))
                return;
            if (k < 0) {
                log_error("file:%s: %s", a->specs[c->spec].path, strerror(errno));
                (*a->read_errors)++;
            }
        }
        if (k <= 0)
            c->eof = true;
        else {
            linebuf_commit(&c->lb, (size_t)k);
            *a->bytes += (uint64_t)k;
        }
    }
    *wait_s = 0;
}

/* ---- the loop ---------------------------------------------------------------------------- */

static void close_client(app *a, int i)
{
    conn *c = a->c[i];
    c->listener->clients--;
    (*a->disconnects)++;
    conn_free(a, c);
    a->c[i] = a->c[--a->n_c];
}

static int produce(void *ctx)
{
    app *a = ctx;
    double wait_s = 0.1;
    if (!a->files_done)
        read_files(a, &wait_s);
    if (a->files_only && a->files_done)
        return 1;
    if (!a->files_done && !a->file_waiting && wait_s == 0 && a->n_c == 0)
        return 0;

    double now = mono_s();
    struct pollfd *pf = x_calloc((size_t)a->n_c + 1, sizeof *pf);
    int np = 0;
    for (int i = 0; i < a->n_c; i++) {
        conn *c = a->c[i];
        if (c->role == ROLE_TCP && c->fd < 0 && now >= c->retry_at_s)
            tcp_connect(a, c);
        if (c->role == ROLE_TCP && c->fd < 0)
            wait_s = fmin(wait_s, fmax(c->retry_at_s - now, 0.001));
        pf[i] = (struct pollfd){c->fd, (short)(c->connecting ? POLLOUT : POLLIN), 0};
        np = i + 1;
    }
    if (a->file_waiting && a->file)
        pf[np++] = (struct pollfd){a->file->fd, POLLIN, 0};
    int r = poll(pf, (nfds_t)np, (int)ceil(wait_s * 1000));
    if (r > 0) {
        int n0 = a->n_c; /* connections accepted now are polled next time */
        for (int i = n0 - 1; i >= 0; i--) {
            conn *c = a->c[i];
            short ev = pf[i].revents;
            if (!ev || c->fd < 0)
                continue;
            switch (c->role) {
            case ROLE_UDP:
                read_udp(a, c);
                break;
            case ROLE_LISTEN:
                accept_clients(a, c);
                break;
            case ROLE_TCP:
                if (c->connecting) {
                    tcp_connected(a, c);
                } else if (!read_stream(a, c)) {
                    (*a->disconnects)++;
                    log_warn("tcp:%s:%u: disconnected; reconnecting", a->specs[c->spec].host,
                             a->specs[c->spec].port);
                    schedule_retry(a, c);
                }
                break;
            case ROLE_CLIENT:
                if (!read_stream(a, c))
                    close_client(a, i);
                break;
            case ROLE_FILE:
                break;
            }
        }
    }
    free(pf);
    return 0;
}

/* Files only: the share handled so far (bytes of the lines handled; for a gzip'd file the
 * compressed bytes zlib has taken, which run ahead by its buffer), for the launcher's progress
 * line. */
static void update_progress(app *a)
{
    if (!a->files_only)
        return;
    int total = 0, before = 0;
    int current = a->file ? a->file->spec : a->next_file;
    for (int i = 0; i < a->n_specs; i++) {
        if (a->specs[i].kind != INPUT_FILE)
            continue;
        if (strcmp(a->specs[i].path, "-") == 0)
            return; /* standard input has no size */
        total++;
        before += i < current;
    }
    double frac = 0;
    struct stat st;
    if (a->file && a->file->fd >= 0 && fstat(a->file->fd, &st) == 0 && st.st_size > 0) {
        off_t off = a->file->gz ? gzoffset(a->file->gz) : (off_t)a->file->handled_bytes;
        if (off > 0)
            frac = fmin(1.0, (double)off / (double)st.st_size);
    }
    if (total > 0)
        node_gauge(a->n, "progress", a->files_done ? 1.0 : (before + frac) / total);
}

static void on_tick(void *ctx)
{
    update_counters(ctx);
    update_progress(ctx);
}

static void on_finish(void *ctx, bool end_of_stream)
{
    app *a = ctx;
    (void)end_of_stream;
    if (a->file) {
        conn_free(a, a->file);
        a->file = NULL;
    }
    for (int i = 0; i < a->n_c; i++)
        if (a->c[i]->fe)
            feed_flush(a->c[i]->fe);
    update_counters(a);
    update_progress(a);
    /* Nothing published from lines read is a warning: a wrong line_format or a feed that is
     * not AIS must not pass for a quiet sea. */
    log_write(*a->lines > 0 && *a->messages == 0 && *a->radar == 0 ? LOG_LEVEL_WARN
                                                                   : LOG_LEVEL_INFO,
              __FILE__, __LINE__,
              "%llu lines: %llu ais messages, %llu radar reports published; %llu not NMEA AIS "
              "(%llu of them $PGHP or lone tag-block lines), %llu bad checksums, %llu bad "
              "talkers, %llu missing parts",
              (unsigned long long)*a->lines, (unsigned long long)*a->messages,
              (unsigned long long)*a->radar, (unsigned long long)*a->nmea[NMEA_NOT_MINE],
              (unsigned long long)*a->nmea_context, (unsigned long long)*a->nmea[NMEA_BAD_CHECKSUM],
              (unsigned long long)*a->nmea[NMEA_BAD_TALKER],
              (unsigned long long)*a->nmea[NMEA_MISSING_PART]);
}

static void register_counters(app *a)
{
    node *n = a->n;
    a->lines = node_counter(n, "lines");
    a->messages = node_counter(n, "messages");
    a->radar = node_counter(n, "radar");
    a->sentences = node_counter(n, "nmea_sentences");
    char name[48];
    for (int s = 1; s < NMEA_STATUS_COUNT; s++) {
        snprintf(name, sizeof name, "nmea_%s", nmea_status_name((nmea_status)s));
        a->nmea[s] = node_counter(n, name);
    }
    for (int s = 1; s < RADAR_STATUS_COUNT; s++) {
        snprintf(name, sizeof name, "radar_%s", radar_status_name((radar_status)s));
        a->radar_status[s] = node_counter(n, name);
    }
    a->radar_no_site = node_counter(n, "radar_no_site");
    a->too_long = node_counter(n, "too_long");
    a->read_errors = node_counter(n, "read_errors");
    a->bytes = node_counter(n, "bytes");
    a->files = node_counter(n, "files");
    a->inputs_without_messages = node_counter(n, "inputs_without_messages");
    a->nmea_context = node_counter(n, "nmea_context");
    a->datagrams = node_counter(n, "datagrams");
    a->udp_kernel_drops = node_counter(n, "udp_kernel_drops");
    a->connects = node_counter(n, "connects");
    a->disconnects = node_counter(n, "disconnects");
    a->connect_failures = node_counter(n, "connect_failures");
    a->clients_refused = node_counter(n, "clients_refused");
    a->csv_rows = node_counter(n, "csv_rows");
    a->csv_bad_rows = node_counter(n, "csv_bad_rows");
    a->csv_skipped_rows = node_counter(n, "csv_skipped_rows");
}

/* Parse `file` + `inputs`; 0 or -1 (logged). */
static int parse_inputs(const config *cfg, app *a)
{
    uint32_t station = (uint32_t)config_int(cfg, "station");
    const char *file = config_str(cfg, "file"), *inputs = config_str(cfg, "inputs");
    size_t k = strlen(file) + strlen(inputs) + 16;
    char *text = x_malloc(k);
    snprintf(text, k, "%s%s%s%s", *file ? "file:" : "", file, *file ? "," : "", inputs);
    a->n_specs = nmea_inputs_parse(text, station, a->specs, NMEA_INPUT_MAX);
    free(text);
    return a->n_specs < 0 ? -1 : 0;
}

static bool any_network(const app *a)
{
    for (int i = 0; i < a->n_specs; i++)
        if (a->specs[i].kind != INPUT_FILE)
            return true;
    return false;
}

static int run(node *n)
{
    const config *cfg = node_config(n);
    static app a; /* large buffers */
    memset(&a, 0, sizeof a);
    a.n = n;
    if (parse_inputs(cfg, &a) != 0)
        return 2;
    a.n_sites = nmea_radar_sites_parse(config_str(cfg, "radar_sites"), a.sites,
                                       (int)(sizeof a.sites / sizeof a.sites[0]));
    if (a.n_sites < 0)
        return 2;
    const char *pace = config_str(cfg, "pace");
    if (strcmp(pace, "fast") != 0 && strcmp(pace, "realtime") != 0) {
        log_error("pace '%s' is not fast or realtime", pace);
        return 2;
    }
    a.realtime = strcmp(pace, "realtime") == 0;
    a.pc.speed = config_real(cfg, "speed");
    a.retry_initial_s = config_real(cfg, "reconnect_initial_s");
    a.retry_max_s = fmax(config_real(cfg, "reconnect_max_s"), a.retry_initial_s);
    a.max_clients = (int)config_int(cfg, "max_clients");
    a.nmea_cfg = nmea_assembler_config_default();
    a.nmea_cfg.check_checksum = config_bool(cfg, "check_checksum");
    a.nmea_cfg.time_zone = config_str(cfg, "time_zone");
    if (nmea_line_format_parse(config_str(cfg, "line_format"), &a.nmea_cfg.line_format) != 0) {
        log_error("line_format '%s': expected auto, nmea, unix or datetime",
                  config_str(cfg, "line_format"));
        return 2;
    }
    nmea_assembler *probe = nmea_assembler_create(&a.nmea_cfg); /* refuses a bad time_zone */
    if (!probe)
        return 2;
    nmea_assembler_destroy(&probe);
    a.files_only = !any_network(&a);
    int n_stdin = 0;
    for (int i = 0; i < a.n_specs; i++) {
        const nmea_input_spec *sp = &a.specs[i];
        if (sp->kind == INPUT_FILE && strcmp(sp->path, "-") == 0)
            n_stdin++;
        else if (sp->kind == INPUT_FILE && access(sp->path, R_OK) != 0) {
            log_error("file:%s: %s", sp->path, strerror(errno));
            return 2;
        } else if (sp->kind == INPUT_FILE) {
            struct stat st;
            if (stat(sp->path, &st) == 0 && S_ISDIR(st.st_mode)) {
                log_error("file:%s: %s", sp->path, strerror(EISDIR));
                return 2;
            }
        }
    }
    if (n_stdin > 1) {
        log_error("inputs: standard input (-) given %d times", n_stdin);
        return 2;
    }
    a.udp_rcvbuf = (int)config_int(cfg, "udp_rcvbuf_kb") * 1024;
    register_counters(&a);
    int rc = 1;
    for (int i = 0; i < a.n_specs; i++) {
        const nmea_input_spec *sp = &a.specs[i];
        if (sp->kind == INPUT_FILE)
            continue;
        enum role role = sp->kind == INPUT_UDP   ? ROLE_UDP
                         : sp->kind == INPUT_TCP ? ROLE_TCP
                                                 : ROLE_LISTEN;
        conn *c = conn_new(&a, role, i);
        conn_add(&a, c);
        c->backoff_s = a.retry_initial_s;
        if (role != ROLE_TCP && open_bound(&a, c) != 0)
            goto out;
    }
    char list[1024] = "";
    for (int i = 0; i < a.n_specs && strlen(list) < 900; i++) {
        const nmea_input_spec *sp = &a.specs[i];
        size_t l = strlen(list);
        if (sp->kind == INPUT_FILE)
            snprintf(list + l, sizeof list - l, "%sfile:%.60s@%u", i ? "," : "", sp->path,
                     sp->station_id);
        else
            snprintf(list + l, sizeof list - l, "%s%s:%.60s:%u@%u", i ? "," : "",
                     nmea_input_kind_name(sp->kind), sp->host, sp->port, sp->station_id);
    }
    node_info(n, "inputs", list);
    node_declare_output(n, WIRE_AIS);
    node_declare_output(n, WIRE_RADAR);
    /* Files (not stdin) can be read again: a restarted node repeats them exactly (node.h). */
    node_set_replayable(n, a.files_only && n_stdin == 0);
    node_handlers h = {.produce = produce, .on_tick = on_tick, .on_finish = on_finish};
    rc = node_run(n, &h, &a);
out:
    if (a.file)
        conn_free(&a, a.file);
    for (int i = 0; i < a.n_c; i++)
        conn_free(&a, a.c[i]);
    free(a.c);
    return rc;
}

int main(int argc, char **argv)
{
    static const char summary[] =
        "Read NMEA 0183 (AIS !xxVDM/VDO with tag blocks or USCG fields, ARPA TTM/TLL) from files, "
        "UDP, TCP feeds and TCP clients; publish ais and radar.\n\n"
        "inputs = file:PATH[@STATION], udp:HOST:PORT[@STATION], tcp:HOST:PORT[@STATION], "
        "tcpserver:HOST:PORT[@STATION]\n"
        "Time: tag block c:, else $PGHP, else trailing Unix time, else leading time (line_format, "
        "time_zone), else the previous timed line (files) or this host's clock at reception "
        "(network).  Files may be gzip'd.\n"
        "A file whose first line is a MarineCadastre or DMA CSV header is read as position "
        "rows (type 1/18 and 5/24 at each row's time).";
    int code;
    node *n = node_create("nmea_input", nmea_input_options, summary, argc, argv, &code);
    if (!n)
        return code;
    app probe;
    memset(&probe, 0, sizeof probe);
    if (parse_inputs(node_config(n), &probe) != 0) {
        node_destroy(&n);
        return 2;
    }
    char **args2 = NULL;
    if (any_network(&probe) && !config_is_set(node_config(n), "lossless")) {
        /* Live default: a slow subscriber must not stall the sockets (drops are counted).  The
         * runtime fixes delivery when it opens its sockets, so open them again. */
        args2 = x_calloc((size_t)argc + 2, sizeof *args2);
        memcpy(args2, argv, (size_t)argc * sizeof *argv);
        args2[argc] = "--lossless=false";
        node_destroy(&n);
        n = node_create("nmea_input", nmea_input_options, summary, argc + 1, args2, &code);
        if (!n) {
            free(args2);
            return code;
        }
    }
    code = run(n);
    node_destroy(&n);
    free(args2);
    return code;
}
