/* A stand-in rtl_tcp server, for tests only: serves a cu8 file (looped) the way rtl_tcp serves a
 * dongle, checks and logs every command a client sends, and can drop the first connection.
 *
 *   fake_rtltcp FILE PORT_FILE LOG [--drop-after BYTES] [--pace fast|realtime] [--delay-ms MS]
 *
 * Listens on 127.0.0.1 at a free port and writes the port number to PORT_FILE.  Each connection
 * gets the 12-byte greeting ("RTL0", tuner 5 = R820T, 29 gain steps, big-endian) and then the
 * samples, paced at the sample rate the client set (2.048 MS/s until it sets one).  LOG gets
 * one line per event: "connect N", "cmd N freq 162000000", "bad N 0x77 ...", "drop N",
 * "closed N".  --drop-after closes the first connection after that many sample bytes;
 * --delay-ms waits that long after the greeting before streaming (a dongle starting up).  Runs
 * until SIGTERM/SIGINT. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t g_stop;
static void on_signal(int s)
{
    (void)s;
    g_stop = 1;
}

static FILE *g_log;
static void logf_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(g_log, fmt, ap);
    va_end(ap);
    fputc('\n', g_log);
    fflush(g_log);
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *command_name(uint8_t c)
{
    switch (c) {
    case 0x01:
        return "freq";
    case 0x02:
        return "rate";
    case 0x03:
        return "gain_mode";
    case 0x04:
        return "gain";
    case 0x05:
        return "freq_correction";
    case 0x06:
        return "if_gain";
    case 0x07:
        return "test_mode";
    case 0x08:
        return "agc";
    case 0x09:
        return "direct_sampling";
    case 0x0a:
        return "offset_tuning";
    case 0x0b:
        return "xtal";
    case 0x0c:
        return "tuner_xtal";
    case 0x0d:
        return "gain_index";
    case 0x0e:
        return "bias_tee";
    default:
        return NULL;
    }
}

/* Serve one client until it leaves, the drop limit or a signal. */
static void serve(int fd, int conn, FILE *data, long long drop_after, int fast, int delay_ms)
{
    uint8_t hello[12] = {'R', 'T', 'L', '0', 0, 0, 0, 5, 0, 0, 0, 29};
    if (send(fd, hello, sizeof hello, MSG_NOSIGNAL) != (ssize_t)sizeof hello)
        return;
    uint8_t cmd[5];
    size_t have = 0;
    double rate = 2048000, t0 = mono_s() + delay_ms / 1000.0;
    long long sent = 0, paced = 0;
    uint8_t chunk[8192];
    for (;;) {
        if (g_stop)
            return;
        struct pollfd p = {fd, POLLIN, 0};
        double due = t0 + (double)paced / 2.0 / rate - mono_s();
        int wait_ms = (fast && paced > 0) || due <= 0 ? 0 : (int)(due * 1000) + 1;
        int pr = poll(&p, 1, wait_ms);
        if (pr < 0 && errno != EINTR)
            return;
        if (pr > 0) {
            ssize_t k = recv(fd, cmd + have, sizeof cmd - have, 0);
            if (k <= 0) {
                logf_line("closed %d", conn);
                return;
            }
            have += (size_t)k;
            if (have == sizeof cmd) {
                uint32_t v = (uint32_t)cmd[1] << 24 | (uint32_t)cmd[2] << 16 | cmd[3] << 8 | cmd[4];
                const char *name = command_name(cmd[0]);
                if (name)
                    logf_line("cmd %d %s %d", conn, name, (int32_t)v);
                else
                    logf_line("bad %d 0x%02x %u", conn, cmd[0], v);
                if (cmd[0] == 0x02 && v > 0) {
                    rate = v;
                    t0 = t0 > mono_s() ? t0 : mono_s();
                    paced = 0;
                }
                have = 0;
            }
            continue;
        }
        if ((!fast || paced == 0) && t0 + (double)paced / 2.0 / rate > mono_s())
            continue;
        size_t n = fread(chunk, 1, sizeof chunk, data);
        if (n < sizeof chunk) {
            rewind(data);
            n += fread(chunk + n, 1, sizeof chunk - n, data);
        }
        if (drop_after >= 0 && sent + (long long)n >= drop_after) {
            n = (size_t)(drop_after - sent);
            if (n)
                send(fd, chunk, n, MSG_NOSIGNAL);
            logf_line("drop %d after %lld bytes", conn, sent + (long long)n);
            return;
        }
        ssize_t w = send(fd, chunk, n, MSG_NOSIGNAL);
        if (w <= 0) {
            logf_line("closed %d", conn);
            return;
        }
        sent += w;
        paced += w;
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr,
                "usage: fake_rtltcp FILE PORT_FILE LOG [--drop-after BYTES] [--pace fast]\n");
        return 2;
    }
    long long drop_after = -1;
    int fast = 0, delay_ms = 0;
    for (int i = 4; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--drop-after") == 0)
            drop_after = atoll(argv[i + 1]);
        else if (strcmp(argv[i], "--pace") == 0)
            fast = strcmp(argv[i + 1], "fast") == 0;
        else if (strcmp(argv[i], "--delay-ms") == 0)
            delay_ms = atoi(argv[i + 1]);
    }
    FILE *data = fopen(argv[1], "rb");
    g_log = fopen(argv[3], "a");
    if (!data || !g_log) {
        perror("fake_rtltcp");
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 4) != 0 ||
        getsockname(ls, (struct sockaddr *)&a, &al) != 0) {
        perror("fake_rtltcp: listen");
        return 1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
    FILE *pf = fopen(tmp, "w");
    if (!pf)
        return 1;
    fprintf(pf, "%d\n", ntohs(a.sin_port));
    fclose(pf);
    rename(tmp, argv[2]);
    int conn = 0;
    while (!g_stop) {
        struct pollfd p = {ls, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        int fd = accept(ls, NULL, NULL);
        if (fd < 0)
            continue;
        conn++;
        logf_line("connect %d", conn);
        serve(fd, conn, data, conn == 1 ? drop_after : -1, fast, delay_ms);
        close(fd);
    }
    close(ls);
    fclose(data);
    fclose(g_log);
    return 0;
}
