/* CoT transports (see link.h).  The stream worker owns its socket and TLS session alone; the
 * node's thread only touches the queue under the mutex, so a slow or absent TAK Server never
 * holds up the pipeline. */
#include "link.h"

#include "centinela/log.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct item {
    char *xml;
    size_t len;
    uint64_t id; /* tells the written head from a later one after drops */
};

struct cot_link {
    cot_link_config cfg;
    char tcp_host[256], tcp_port[16];
    /* UDP */
    int udp_fd;
    struct sockaddr_storage udp_addr;
    socklen_t udp_addrlen;
    /* stream */
    SSL_CTX *ssl_ctx;
    pthread_t worker;
    bool worker_started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct item *q;
    size_t q_head, q_count;
    uint64_t next_id;
    bool stop;
    cot_link_stats st; /* guarded by mu */
};

static double mono_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

int cot_split_hostport(const char *text, char *host, size_t host_cap, char *port, size_t port_cap)
{
    const char *colon;
    size_t hl;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || close[1] != ':')
            return -1;
        hl = (size_t)(close - text - 1);
        text++;
        colon = close + 1;
    } else {
        colon = strrchr(text, ':');
        if (!colon)
            return -1;
        hl = (size_t)(colon - text);
    }
    const char *p = colon + 1;
    char *end;
    long pn = strtol(p, &end, 10);
    if (hl == 0 || hl >= host_cap || *end || end == p || pn < 1 || pn > 65535 ||
        strlen(p) >= port_cap)
        return -1;
    memcpy(host, text, hl);
    host[hl] = 0;
    snprintf(port, port_cap, "%s", p);
    return 0;
}

/* ---- UDP ------------------------------------------------------------------------------ */

static int open_udp(cot_link *l)
{
    char host[256], port[16];
    if (cot_split_hostport(l->cfg.udp, host, sizeof host, port, sizeof port) != 0) {
        log_error("udp: '%s' is not host:port", l->cfg.udp);
        return -1;
    }
    struct addrinfo hints = {.ai_socktype = SOCK_DGRAM}, *ai = NULL;
    int gai = getaddrinfo(host, port, &hints, &ai);
    if (gai != 0) {
        log_error("udp: %s: %s", l->cfg.udp, gai_strerror(gai));
        return -1;
    }
    l->udp_fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (l->udp_fd < 0) {
        log_error("udp socket: %s", strerror(errno));
        freeaddrinfo(ai);
        return -1;
    }
    memcpy(&l->udp_addr, ai->ai_addr, ai->ai_addrlen);
    l->udp_addrlen = ai->ai_addrlen;
    int ttl = l->cfg.multicast_ttl, rc = 0;
    if (ai->ai_family == AF_INET &&
        IN_MULTICAST(ntohl(((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr))) {
        unsigned char t = (unsigned char)ttl;
        rc = setsockopt(l->udp_fd, IPPROTO_IP, IP_MULTICAST_TTL, &t, sizeof t);
    } else if (ai->ai_family == AF_INET6 &&
               IN6_IS_ADDR_MULTICAST(&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr)) {
        rc = setsockopt(l->udp_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof ttl);
    }
    freeaddrinfo(ai);
    if (rc != 0) {
        log_error("udp multicast ttl: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- TLS ------------------------------------------------------------------------------ */

static void log_ssl(const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[256] = "unknown error";
    if (e)
        ERR_error_string_n(e, buf, sizeof buf);
    log_error("%s: %s", what, buf);
    ERR_clear_error();
}

static int setup_tls(cot_link *l)
{
    l->ssl_ctx = SSL_CTX_new(TLS_client_method());
    if (!l->ssl_ctx) {
        log_ssl("tls");
        return -1;
    }
    SSL_CTX_set_min_proto_version(l->ssl_ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(l->ssl_ctx, SSL_VERIFY_PEER, NULL);
    if (!*l->cfg.tls_ca) {
        log_error("tls: tls_ca (the CA of the TAK Server's certificate) is required");
        return -1;
    }
    if (SSL_CTX_load_verify_locations(l->ssl_ctx, l->cfg.tls_ca, NULL) != 1) {
        log_ssl("tls_ca");
        return -1;
    }
    if (*l->cfg.tls_cert || *l->cfg.tls_key) {
        if (!*l->cfg.tls_cert || !*l->cfg.tls_key) {
            log_error("tls: tls_cert and tls_key go together");
            return -1;
        }
        if (SSL_CTX_use_certificate_chain_file(l->ssl_ctx, l->cfg.tls_cert) != 1) {
            log_ssl("tls_cert");
            return -1;
        }
        if (SSL_CTX_use_PrivateKey_file(l->ssl_ctx, l->cfg.tls_key, SSL_FILETYPE_PEM) != 1) {
            log_ssl("tls_key");
            return -1;
        }
        if (SSL_CTX_check_private_key(l->ssl_ctx) != 1) {
            log_ssl("tls_key does not match tls_cert");
            return -1;
        }
    }
    /* Writes may be partial on a timeout; the worker retries with the same buffer. */
    SSL_CTX_set_mode(l->ssl_ctx,
                     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return 0;
}

/* ---- stream worker -------------------------------------------------------------------- */

struct conn {
    int fd;
    SSL *ssl;
};

static void conn_close(struct conn *c)
{
    if (c->ssl) {
        SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static int connect_stream(cot_link *l, struct conn *c)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
    int gai = getaddrinfo(l->tcp_host, l->tcp_port, &hints, &ai);
    if (gai != 0) {
        log_warn("tcp %s:%s: %s", l->tcp_host, l->tcp_port, gai_strerror(gai));
        return -1;
    }
    int timeout_ms = (int)(l->cfg.io_timeout_s * 1000);
    c->fd = -1;
    for (struct addrinfo *a = ai; a && c->fd < 0; a = a->ai_next) {
        int fd = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
            continue;
        int rc = connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            struct pollfd p = {fd, POLLOUT, 0};
            int err = 0;
            socklen_t el = sizeof err;
            rc = poll(&p, 1, timeout_ms) == 1 &&
                         getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0
                     ? 0
                     : -1;
        }
        if (rc != 0) {
            close(fd);
            continue;
        }
        c->fd = fd;
    }
    freeaddrinfo(ai);
    if (c->fd < 0)
        return -1;
    /* Blocking from here on, each operation bounded by io_timeout_s. */
    int fl = fcntl(c->fd, F_GETFL);
    struct timeval tv = {(time_t)l->cfg.io_timeout_s,
                         (suseconds_t)((l->cfg.io_timeout_s - (time_t)l->cfg.io_timeout_s) * 1e6)};
    int one = 1;
    if (fl < 0 || fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK) != 0 ||
        setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
        log_warn("tcp socket options: %s", strerror(errno));
        conn_close(c);
        return -1;
    }
    if (!l->ssl_ctx)
        return 0;
    c->ssl = SSL_new(l->ssl_ctx);
    if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1 ||
        SSL_set_tlsext_host_name(c->ssl, l->tcp_host) != 1 ||
        (l->cfg.tls_verify_host && SSL_set1_host(c->ssl, l->tcp_host) != 1)) {
        log_ssl("tls session");
        conn_close(c);
        return -1;
    }
    if (SSL_connect(c->ssl) != 1) {
        long vr = SSL_get_verify_result(c->ssl);
        if (vr != X509_V_OK)
            log_warn("tls handshake with %s:%s: server certificate refused: %s", l->tcp_host,
                     l->tcp_port, X509_verify_cert_error_string(vr));
        else
            log_ssl("tls handshake");
        ERR_clear_error();
        conn_close(c);
        return -1;
    }
    return 0;
}

static int write_all(struct conn *c, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k;
        if (c->ssl) {
            size_t w = 0;
            k = SSL_write_ex(c->ssl, p, n, &w) == 1 ? (ssize_t)w : -1;
            ERR_clear_error();
        } else {
            k = send(c->fd, p, n, MSG_NOSIGNAL);
            if (k < 0 && errno == EINTR)
                continue;
        }
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Read and discard what the server sent; -1 when it closed the connection. */
static int drain_input(struct conn *c)
{
    char buf[4096];
    for (int i = 0; i < 64; i++) {
        struct pollfd p = {c->fd, POLLIN, 0};
        bool pending = c->ssl && SSL_pending(c->ssl) > 0;
        if (!pending && poll(&p, 1, 0) != 1)
            return 0;
        if (c->ssl) {
            size_t got = 0;
            int r = SSL_read_ex(c->ssl, buf, sizeof buf, &got);
            if (r != 1) {
                int e = SSL_get_error(c->ssl, r);
                ERR_clear_error();
                return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? 0 : -1;
            }
        } else {
            ssize_t k = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
            if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR))
                return -1;
        }
    }
    return 0;
}

static void wait_locked(cot_link *l, double seconds)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double t = (double)ts.tv_sec + ts.tv_nsec * 1e-9 + seconds;
    ts.tv_sec = (time_t)t;
    ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
    pthread_cond_timedwait(&l->cv, &l->mu, &ts);
}

static void *worker_main(void *arg)
{
    cot_link *l = arg;
    struct conn c = {-1, NULL};
    double backoff_s = l->cfg.reconnect_initial_s, next_attempt_s = 0;
    pthread_mutex_lock(&l->mu);
    while (!l->stop) {
        if (c.fd < 0) {
            double now = mono_s();
            if (now < next_attempt_s) {
                wait_locked(l, next_attempt_s - now);
                continue;
            }
            pthread_mutex_unlock(&l->mu);
            int rc = connect_stream(l, &c);
            pthread_mutex_lock(&l->mu);
            if (rc != 0) {
                l->st.stream_connect_failures++;
                if (l->st.stream_connect_failures == 1 || backoff_s >= l->cfg.reconnect_max_s)
                    log_warn("tak server %s:%s unreachable; retrying every %.1f s at most",
                             l->tcp_host, l->tcp_port, backoff_s);
                next_attempt_s = mono_s() + backoff_s;
                backoff_s =
                    backoff_s * 2 < l->cfg.reconnect_max_s ? backoff_s * 2 : l->cfg.reconnect_max_s;
                continue;
            }
            l->st.stream_connects++;
            l->st.connected = true;
            log_info("connected to tak server %s:%s%s", l->tcp_host, l->tcp_port,
                     c.ssl ? " (TLS)" : "");
            backoff_s = l->cfg.reconnect_initial_s;
        }
        if (l->q_count == 0) {
            wait_locked(l, 0.2);
            if (l->q_count == 0) {
                pthread_mutex_unlock(&l->mu);
                int rc = drain_input(&c);
                pthread_mutex_lock(&l->mu);
                if (rc != 0)
                    goto lost;
            }
            continue;
        }
        /* The head stays queued until written: after a failure it goes out on the next
         * connection (possibly twice, which CoT tolerates: same uid, same time). */
        struct item it = l->q[l->q_head];
        char *copy = x_malloc(it.len);
        memcpy(copy, it.xml, it.len);
        pthread_mutex_unlock(&l->mu);
        int rc = write_all(&c, copy, it.len);
        if (rc == 0)
            rc = drain_input(&c);
        free(copy);
        pthread_mutex_lock(&l->mu);
        if (rc == 0) {
            /* The head may have been dropped for space meanwhile: pop only if unchanged. */
            if (l->q_count && l->q[l->q_head].id == it.id) {
                free(l->q[l->q_head].xml);
                l->q_head = (l->q_head + 1) % l->cfg.queue_max;
                l->q_count--;
            }
            l->st.stream_sent++;
            pthread_cond_broadcast(&l->cv);
            continue;
        }
    lost:
        log_warn("tak server %s:%s: connection lost; reconnecting", l->tcp_host, l->tcp_port);
        pthread_mutex_unlock(&l->mu);
        conn_close(&c);
        pthread_mutex_lock(&l->mu);
        l->st.stream_disconnects++;
        l->st.connected = false;
        next_attempt_s = mono_s() + backoff_s;
    }
    pthread_mutex_unlock(&l->mu);
    conn_close(&c);
    return NULL;
}

/* ---- API ------------------------------------------------------------------------------ */

cot_link *cot_link_create(const cot_link_config *cfg)
{
    cot_link *l = x_calloc(1, sizeof *l);
    l->cfg = *cfg;
    l->udp_fd = -1;
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    if (cfg->queue_max < 1 || !(cfg->io_timeout_s > 0) || !(cfg->reconnect_initial_s > 0) ||
        cfg->reconnect_max_s < cfg->reconnect_initial_s) {
        log_error("cot link: queue_max >= 1, io_timeout_s > 0 and 0 < reconnect_initial_s <= "
                  "reconnect_max_s are required");
        goto fail;
    }
    if (!*cfg->udp && !*cfg->tcp) {
        log_error("nowhere to send: set udp and/or tcp");
        goto fail;
    }
    if (cfg->tls && !*cfg->tcp) {
        log_error("tls needs tcp (the TAK Server's streaming input, usually port 8089)");
        goto fail;
    }
    if (*cfg->udp && open_udp(l) != 0)
        goto fail;
    if (*cfg->tcp) {
        if (cot_split_hostport(cfg->tcp, l->tcp_host, sizeof l->tcp_host, l->tcp_port,
                               sizeof l->tcp_port) != 0) {
            log_error("tcp: '%s' is not host:port", cfg->tcp);
            goto fail;
        }
        if (cfg->tls && setup_tls(l) != 0)
            goto fail;
        l->q = x_calloc(cfg->queue_max, sizeof *l->q);
        if (pthread_create(&l->worker, NULL, worker_main, l) != 0) {
            log_error("cot link: cannot start the stream thread");
            goto fail;
        }
        l->worker_started = true;
    }
    return l;
fail:
    cot_link_destroy(&l, 0);
    return NULL;
}

void cot_link_destroy(cot_link **pl, double drain_s)
{
    if (!pl || !*pl)
        return;
    cot_link *l = *pl;
    if (l->worker_started) {
        if (cot_link_flush(l, drain_s))
            log_warn("tak server: %zu events not delivered at exit", l->q_count);
        pthread_mutex_lock(&l->mu);
        l->stop = true;
        pthread_cond_broadcast(&l->cv);
        pthread_mutex_unlock(&l->mu);
        pthread_join(l->worker, NULL);
    }
    for (size_t i = 0; l->q && i < l->q_count; i++)
        free(l->q[(l->q_head + i) % l->cfg.queue_max].xml);
    free(l->q);
    if (l->udp_fd >= 0)
        close(l->udp_fd);
    if (l->ssl_ctx)
        SSL_CTX_free(l->ssl_ctx);
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->cv);
    free(l);
    *pl = NULL;
}

size_t cot_link_flush(cot_link *l, double drain_s)
{
    if (!l->worker_started)
        return 0;
    pthread_mutex_lock(&l->mu);
    double until = mono_s() + drain_s;
    while (l->q_count > 0 && mono_s() < until)
        wait_locked(l, 0.05);
    size_t left = l->q_count;
    pthread_mutex_unlock(&l->mu);
    return left;
}

void cot_link_send(cot_link *l, const char *xml, size_t len)
{
    if (l->udp_fd >= 0) {
        ssize_t k = sendto(l->udp_fd, xml, len, MSG_DONTWAIT | MSG_NOSIGNAL,
                           (struct sockaddr *)&l->udp_addr, l->udp_addrlen);
        pthread_mutex_lock(&l->mu);
        if (k == (ssize_t)len)
            l->st.udp_sent++;
        else
            l->st.udp_errors++;
        pthread_mutex_unlock(&l->mu);
    }
    if (!l->worker_started)
        return;
    char *copy = x_malloc(len);
    memcpy(copy, xml, len);
    pthread_mutex_lock(&l->mu);
    if (l->q_count == l->cfg.queue_max) { /* full: the oldest goes */
        free(l->q[l->q_head].xml);
        l->q_head = (l->q_head + 1) % l->cfg.queue_max;
        l->q_count--;
        l->st.stream_dropped++;
    }
    l->q[(l->q_head + l->q_count) % l->cfg.queue_max] = (struct item){copy, len, ++l->next_id};
    l->q_count++;
    pthread_cond_signal(&l->cv);
    pthread_mutex_unlock(&l->mu);
}

void cot_link_get_stats(cot_link *l, cot_link_stats *out)
{
    pthread_mutex_lock(&l->mu);
    *out = l->st;
    out->queue_depth = l->q_count;
    pthread_mutex_unlock(&l->mu);
}
