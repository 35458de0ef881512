/* NMEA out over UDP and a TCP server (see centinela/nmeaout.h). */
#include "centinela/nmeaout.h"
#include "centinela/log.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_TARGETS 16
#define MAX_CLIENTS 32

struct nmeaout {
    int udp_fd;
    struct sockaddr_storage targets[MAX_TARGETS];
    socklen_t target_len[MAX_TARGETS];
    int n_targets;
    int listen_fd;
    int clients[MAX_CLIENTS];
    int client_fails[MAX_CLIENTS];
    int n_clients;
    nmeaout_stats st;
};

static int split_host_port(const char *s, const char *default_host, char *host, size_t hcap,
                           char *port, size_t pcap)
{
    const char *colon = strrchr(s, ':');
    if (!colon) {
        snprintf(host, hcap, "%s", default_host);
        snprintf(port, pcap, "%s", s);
    } else {
        snprintf(host, hcap, "%.*s", (int)(colon - s), s);
        snprintf(port, pcap, "%s", colon + 1);
    }
    char *end;
    long p = strtol(port, &end, 10);
    return (*port && !*end && p > 0 && p < 65536 && *host) ? 0 : -1;
}

static int resolve(const char *host, const char *port, int socktype, struct sockaddr_storage *out,
                   socklen_t *len)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = socktype}, *res;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        log_error("%s:%s: %s", host, port, gai_strerror(rc));
        return -1;
    }
    memcpy(out, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

nmeaout *nmeaout_create(const char *udp_targets, const char *tcp_listen)
{
    nmeaout *o = x_calloc(1, sizeof *o);
    o->udp_fd = o->listen_fd = -1;
    char *list = x_strdup(udp_targets ? udp_targets : "");
    char *save = NULL;
    for (char *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        char host[256], port[16];
        if (o->n_targets == MAX_TARGETS || split_host_port(t, "", host, sizeof host, port, sizeof port) != 0 ||
            resolve(host, port, SOCK_DGRAM, &o->targets[o->n_targets], &o->target_len[o->n_targets]) != 0) {
            log_error("nmea_udp: bad target '%s' (host:port, at most %d)", t, MAX_TARGETS);
            free(list);
            nmeaout_destroy(&o);
            return NULL;
        }
        o->n_targets++;
    }
    free(list);
    if (o->n_targets) {
        o->udp_fd = socket(o->targets[0].ss_family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        if (o->udp_fd < 0) {
            log_error("udp socket: %s", strerror(errno));
            nmeaout_destroy(&o);
            return NULL;
        }
    }
    if (tcp_listen && *tcp_listen) {
        char host[256], port[16];
        struct sockaddr_storage addr;
        socklen_t alen;
        if (split_host_port(tcp_listen, "127.0.0.1", host, sizeof host, port, sizeof port) != 0 ||
            resolve(host, port, SOCK_STREAM, &addr, &alen) != 0) {
            log_error("nmea_tcp: bad listen address '%s' ([host:]port)", tcp_listen);
            nmeaout_destroy(&o);
            return NULL;
        }
        o->listen_fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int one = 1;
        setsockopt(o->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (o->listen_fd < 0 || bind(o->listen_fd, (struct sockaddr *)&addr, alen) != 0 ||
            listen(o->listen_fd, 8) != 0) {
            log_error("nmea_tcp: cannot listen on %s: %s", tcp_listen, strerror(errno));
            nmeaout_destroy(&o);
            return NULL;
        }
    }
    return o;
}

void nmeaout_poll(nmeaout *o)
{
    if (!o || o->listen_fd < 0)
        return;
    for (;;) {
        int fd = accept4(o->listen_fd, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0)
            return;
        if (o->n_clients == MAX_CLIENTS) {
            close(fd);
            continue;
        }
        o->client_fails[o->n_clients] = 0;
        o->clients[o->n_clients++] = fd;
        o->st.tcp_clients++;
    }
}

static void drop_client(nmeaout *o, int i)
{
    close(o->clients[i]);
    o->clients[i] = o->clients[--o->n_clients];
    o->client_fails[i] = o->client_fails[o->n_clients];
    o->st.tcp_disconnected++;
}

static void send_line(nmeaout *o, const char *line, size_t len)
{
    char buf[128];
    if (len + 2 > sizeof buf)
        return;
    memcpy(buf, line, len);
    buf[len] = '\r';
    buf[len + 1] = '\n';
    for (int i = 0; i < o->n_targets; i++) {
        if (sendto(o->udp_fd, buf, len + 2, 0, (struct sockaddr *)&o->targets[i], o->target_len[i]) < 0)
            o->st.udp_errors++;
        else
            o->st.udp_sent++;
    }
    for (int i = 0; i < o->n_clients;) {
        ssize_t k = send(o->clients[i], buf, len + 2, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k == (ssize_t)(len + 2)) {
            o->client_fails[i] = 0;
            o->st.tcp_sent++;
        } else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            o->st.tcp_dropped++;
            /* A client that has taken nothing for 1,000 sentences is gone. */
            if (++o->client_fails[i] > 1000) {
                drop_client(o, i);
                continue;
            }
        } else {
            drop_client(o, i);
            continue;
        }
        i++;
    }
}

void nmeaout_send(nmeaout *o, const char *s)
{
    if (!o || (!o->n_targets && !o->n_clients))
        return;
    while (*s) {
        size_t len = strcspn(s, "\r\n");
        if (len)
            send_line(o, s, len);
        s += len;
        while (*s == '\r' || *s == '\n')
            s++;
    }
}

const nmeaout_stats *nmeaout_get_stats(const nmeaout *o)
{
    return &o->st;
}

void nmeaout_destroy(nmeaout **po)
{
    if (!po || !*po)
        return;
    nmeaout *o = *po;
    if (o->udp_fd >= 0)
        close(o->udp_fd);
    if (o->listen_fd >= 0)
        close(o->listen_fd);
    for (int i = 0; i < o->n_clients; i++)
        close(o->clients[i]);
    free(o);
    *po = NULL;
}
