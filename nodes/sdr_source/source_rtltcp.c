/* rtltcp: a client of an rtl_tcp server (rtl-sdr's network server, also spoken by SDR++ and
 * several dongle hosts).
 *
 *   device = rtltcp:HOST:PORT      e.g. rtltcp:192.168.1.20:1234, rtltcp:[::1]:1234
 *   device = rtltcp:HOST           port 1234
 *
 * Protocol (rtl-sdr src/rtl_tcp.c): the server greets with 12 bytes, "RTL0", the tuner type and
 * the number of gain steps (both uint32 big-endian), then streams interleaved cu8 I/Q for as long
 * as the connection lasts.  The client controls the dongle with 5-byte commands, a command byte
 * and a uint32 big-endian parameter:
 *   0x01 centre frequency (Hz)     0x02 sample rate (S/s)       0x03 gain mode (0 auto, 1 manual)
 *   0x04 gain (tenths of dB)       0x05 frequency correction (ppm, two's complement)
 *   0x08 RTL2832 digital AGC (0/1) 0x0e bias tee (0/1; older servers ignore it)
 * rtl_tcp keeps the dongle open between clients, so every setting is sent on each connection,
 * defaults included, so a previous client's settings never linger.
 *
 * A server that goes away, closes the connection or stops sending (stall_timeout_s) is a
 * drop-out: the client reconnects with back-off and the stream index continues from the wall
 * clock (live.h).  Not reachable at start: error, exit 1, unless wait_for_device = true. */
#include "live.h"
#include "source.h"

#include "centinela/log.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RTLTCP_DEFAULT_PORT "1234"
#define RTLTCP_CONNECT_TIMEOUT_MS 5000

enum rtltcp_command {
    RTLTCP_SET_FREQ = 0x01,
    RTLTCP_SET_SAMPLE_RATE = 0x02,
    RTLTCP_SET_GAIN_MODE = 0x03,
    RTLTCP_SET_GAIN = 0x04,
    RTLTCP_SET_FREQ_CORRECTION = 0x05,
    RTLTCP_SET_AGC_MODE = 0x08,
    RTLTCP_SET_BIAS_TEE = 0x0e,
};

struct source {
    live *engine; /* first: live.h's descriptor functions find it here */
    source_settings cfg;
    double rate_hz, center_hz;
    char host[256], port[16];
    int fd;
    uint8_t *buf;
    size_t buf_len;
    char description[256];
};

#define REPORT(quiet, ...)                                                                         \
    do {                                                                                           \
        if (quiet)                                                                                 \
            log_debug(__VA_ARGS__);                                                                \
        else                                                                                       \
            log_error(__VA_ARGS__);                                                                \
    } while (0)

static int send_command(int fd, enum rtltcp_command cmd, uint32_t param)
{
    uint8_t b[5] = {(uint8_t)cmd, (uint8_t)(param >> 24), (uint8_t)(param >> 16),
                    (uint8_t)(param >> 8), (uint8_t)param};
    return send(fd, b, sizeof b, MSG_NOSIGNAL) == (ssize_t)sizeof b ? 0 : -1;
}

/* Connect with a timeout; returns the socket or -1 (errno set). */
static int connect_timeout(const struct addrinfo *ai, int timeout_ms)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        if (errno != EINPROGRESS) {
            close(fd);
            return -1;
        }
        struct pollfd p = {fd, POLLOUT, 0};
        int err = 0;
        socklen_t len = sizeof err;
        if (poll(&p, 1, timeout_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
            err != 0) {
            close(fd);
            errno = err ? err : ETIMEDOUT;
            return -1;
        }
    }
    fcntl(fd, F_SETFL, fl);
    return fd;
}

static int read_exact(int fd, uint8_t *p, size_t n, int timeout_ms)
{
    size_t got = 0;
    while (got < n) {
        struct pollfd pf = {fd, POLLIN, 0};
        if (poll(&pf, 1, timeout_ms) != 1)
            return -1;
        ssize_t k = recv(fd, p + got, n - got, 0);
        if (k <= 0)
            return -1;
        got += (size_t)k;
    }
    return 0;
}

static const char *tuner_name(uint32_t t)
{
    static const char *const names[] = {"unknown", "E4000", "FC0012", "FC0013",
                                        "FC2580",  "R820T", "R828D"};
    return t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

static int tcp_connect(void *ctx, bool quiet)
{
    source *s = ctx;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc = getaddrinfo(s->host, s->port, &hints, &res);
    if (rc != 0) {
        REPORT(quiet, "rtl_tcp %s:%s: %s", s->host, s->port, gai_strerror(rc));
        return -1;
    }
    int fd = -1, err = 0;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = connect_timeout(ai, RTLTCP_CONNECT_TIMEOUT_MS);
        err = errno;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        REPORT(quiet, "rtl_tcp %s:%s: cannot connect: %s", s->host, s->port, strerror(err));
        return -1;
    }
    uint8_t hello[12];
    if (read_exact(fd, hello, sizeof hello, RTLTCP_CONNECT_TIMEOUT_MS) != 0 ||
        memcmp(hello, "RTL0", 4) != 0) {
        REPORT(quiet, "rtl_tcp %s:%s: no \"RTL0\" greeting (not an rtl_tcp server?)", s->host,
               s->port);
        close(fd);
        return -1;
    }
    uint32_t tuner = (uint32_t)hello[4] << 24 | (uint32_t)hello[5] << 16 | hello[6] << 8 | hello[7];
    uint32_t gains =
        (uint32_t)hello[8] << 24 | (uint32_t)hello[9] << 16 | hello[10] << 8 | hello[11];
    const source_settings *c = &s->cfg;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (send_command(fd, RTLTCP_SET_SAMPLE_RATE, (uint32_t)lround(s->rate_hz)) != 0 ||
        send_command(fd, RTLTCP_SET_FREQ, (uint32_t)llround(s->center_hz)) != 0 ||
        send_command(fd, RTLTCP_SET_FREQ_CORRECTION, (uint32_t)(int32_t)c->ppm) != 0 ||
        send_command(fd, RTLTCP_SET_GAIN_MODE, c->gain_auto ? 0 : 1) != 0 ||
        (!c->gain_auto &&
         send_command(fd, RTLTCP_SET_GAIN, (uint32_t)lround(c->gain_db * 10)) != 0) ||
        send_command(fd, RTLTCP_SET_AGC_MODE, c->rtl_agc ? 1 : 0) != 0 ||
        send_command(fd, RTLTCP_SET_BIAS_TEE, c->bias_tee ? 1 : 0) != 0) {
        REPORT(quiet, "rtl_tcp %s:%s: cannot send settings: %s", s->host, s->port, strerror(errno));
        close(fd);
        return -1;
    }
    s->fd = fd;
    char gain[32];
    snprintf(gain, sizeof gain, c->gain_auto ? "auto" : "%.1f dB", c->gain_db);
    snprintf(s->description, sizeof s->description,
             "rtltcp:%s:%s (%s tuner, %u gain steps), %.0f S/s, centre %.6f MHz, gain %s, ppm %d%s",
             s->host, s->port, tuner_name(tuner), gains, s->rate_hz, s->center_hz / 1e6, gain,
             c->ppm, c->bias_tee ? ", bias tee on" : "");
    return 0;
}

static void tcp_stream(void *ctx, live *l)
{
    source *s = ctx;
    size_t have = 0;
    while (!live_interrupted(l)) {
        struct pollfd pf = {s->fd, POLLIN, 0};
        int pr = poll(&pf, 1, 200);
        if (pr < 0 && errno != EINTR)
            break;
        if (pr <= 0)
            continue;
        ssize_t k = recv(s->fd, s->buf + have, s->buf_len - have, 0);
        if (k == 0) {
            if (!live_interrupted(l))
                log_warn("rtl_tcp %s:%s closed the connection", s->host, s->port);
            return;
        }
        if (k < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            if (!live_interrupted(l))
                log_warn("rtl_tcp %s:%s: %s", s->host, s->port, strerror(errno));
            return;
        }
        have += (size_t)k;
        if (have == s->buf_len) {
            live_deliver(l, s->buf, have);
            have = 0;
        }
    }
}

static void tcp_interrupt(void *ctx)
{
    source *s = ctx;
    if (s->fd >= 0)
        shutdown(s->fd, SHUT_RDWR);
}

static void tcp_disconnect(void *ctx)
{
    source *s = ctx;
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

/* Split "host:port", "[v6]:port" or "host" into s->host, s->port.  0 or -1. */
static int parse_endpoint(source *s, const char *a)
{
    const char *host = a, *port = NULL;
    size_t hl;
    if (*a == '[') {
        const char *close_br = strchr(a, ']');
        if (!close_br)
            return -1;
        host = a + 1;
        hl = (size_t)(close_br - host);
        if (close_br[1] == ':')
            port = close_br + 2;
        else if (close_br[1])
            return -1;
    } else {
        const char *colon = strrchr(a, ':');
        if (colon && strchr(a, ':') != colon)
            return -1; /* bare IPv6 needs brackets */
        hl = colon ? (size_t)(colon - a) : strlen(a);
        if (colon)
            port = colon + 1;
    }
    if (hl == 0 || hl >= sizeof s->host)
        return -1;
    memcpy(s->host, host, hl);
    s->host[hl] = 0;
    if (!port)
        port = RTLTCP_DEFAULT_PORT;
    char *end;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p < 1 || p > 65535)
        return -1;
    snprintf(s->port, sizeof s->port, "%ld", p);
    return 0;
}

static source *tcp_open(const source_settings *cfg, source_info *info, int *exit_code)
{
    *exit_code = 2;
    source *s = x_calloc(1, sizeof *s);
    s->fd = -1;
    s->cfg = *cfg;
    s->rate_hz = cfg->rate_hz > 0 ? cfg->rate_hz : SOURCE_DEFAULT_LIVE_RATE_HZ;
    s->center_hz = cfg->center_hz > 0 ? cfg->center_hz : SOURCE_DEFAULT_CENTER_HZ;
    if (parse_endpoint(s, cfg->device_arg) != 0) {
        log_error("device 'rtltcp:%s': give rtltcp:HOST:PORT (IPv6 as rtltcp:[ADDR]:PORT)",
                  cfg->device_arg);
        free(s);
        return NULL;
    }
    /* The same limits as a local dongle: the server hands the rate to librtlsdr. */
    double r = s->rate_hz;
    if (!((r > 225000 && r <= 300000) || (r > 900000 && r <= 2400000))) {
        log_error("rate_hz %.0f: an RTL-SDR samples at 225001-300000 or 900001-2400000 S/s "
                  "(288000 is the usual AIS rate)",
                  r);
        free(s);
        return NULL;
    }
    s->buf_len = cfg->block_samples * 2;
    s->buf = x_malloc(s->buf_len);
    live_device d = {s, tcp_connect, tcp_stream, tcp_interrupt, tcp_disconnect};
    s->engine = live_create(&d, cfg, s->rate_hz, s->buf_len);
    *exit_code = 1;
    if (live_open(s->engine) != 0) {
        live_destroy(&s->engine);
        free(s->buf);
        free(s);
        return NULL;
    }
    info->sample_rate_hz = s->rate_hz;
    info->center_hz = s->center_hz;
    info->complex_iq = true;
    info->live = true;
    info->total_samples = -1;
    if (s->fd >= 0)
        snprintf(info->description, sizeof info->description, "%s", s->description);
    else
        snprintf(info->description, sizeof info->description, "rtltcp:%s:%s (waiting)", s->host,
                 s->port);
    return s;
}

static void tcp_close(source **ps)
{
    if (!ps || !*ps)
        return;
    live_destroy(&(*ps)->engine);
    free((*ps)->buf);
    free(*ps);
    *ps = NULL;
}

const source_backend source_rtltcp = {
    .name = "rtltcp",
    .live = true,
    .syntax = "rtltcp:HOST[:PORT]: a client of an rtl_tcp server (default port 1234)",
    .open = tcp_open,
    .start = live_source_start,
    .read = live_source_read,
    .stop = live_source_stop,
    .get_stats = live_source_stats,
    .close = tcp_close,
};
