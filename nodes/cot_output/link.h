/* Where CoT events go: UDP datagrams (the SA multicast group 239.2.3.1:6969 that ATAK and
 * WinTAK listen on, or a unicast address) and a TCP stream to a TAK Server (its streaming input,
 * 8087 plain or 8089 with TLS and client certificates).
 *
 * cot_link_send() never blocks: a datagram goes out with MSG_DONTWAIT (a full socket buffer
 * counts an error), and a stream event is put on a bounded queue that a worker thread writes;
 * when the queue is full the oldest event is dropped and counted (the newest picture matters
 * most).  The worker connects, reconnects with exponential back-off after any failure, drains
 * whatever the server sends back (TAK Server echoes other clients' events) and, with TLS,
 * verifies the server against tls_ca and presents tls_cert/tls_key (OpenSSL). */
#ifndef CENTINELA_COT_LINK_H
#define CENTINELA_COT_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cot_link_config {
    const char *udp;      /* "host:port" ("[v6]:port"), "" for none */
    int multicast_ttl;    /* 1..255, for a multicast udp address */
    const char *tcp;      /* "host:port" of a TAK Server streaming input, "" for none */
    bool tls;             /* TLS on the stream (TAK Server 8089) */
    const char *tls_ca;   /* PEM file of the CA(s) that sign the server's certificate */
    const char *tls_cert; /* PEM client certificate, "" for none */
    const char *tls_key;  /* PEM private key of tls_cert */
    bool tls_verify_host; /* check the server certificate's name against the tcp host */
    size_t queue_max;     /* events waiting for the stream, >= 1 */
    double reconnect_initial_s, reconnect_max_s; /* back-off, doubled per failure */
    double io_timeout_s;                         /* connect, handshake and one write, > 0 */
} cot_link_config;

typedef struct cot_link cot_link;

/* Validates the settings (addresses resolve, TLS files load); NULL (logged) when one is bad.
 * Starts the stream worker when tcp is set. */
cot_link *cot_link_create(const cot_link_config *cfg);
/* Waits up to drain_s (wall clock) for queued stream events to be written, then stops. */
void cot_link_destroy(cot_link **l, double drain_s);

/* Waits up to drain_s (wall clock) for the stream queue to empty; returns the events left. */
size_t cot_link_flush(cot_link *l, double drain_s);

/* Send one event on every configured output.  Never blocks. */
void cot_link_send(cot_link *l, const char *xml, size_t len);

typedef struct cot_link_stats {
    uint64_t udp_sent, udp_errors;
    uint64_t stream_sent, stream_dropped, stream_connects, stream_connect_failures,
        stream_disconnects;
    uint64_t queue_depth;
    bool connected;
} cot_link_stats;
void cot_link_get_stats(cot_link *l, cot_link_stats *out);

/* Split "host:port" / "[v6]:port" into host and port; 0 or -1 when malformed. */
int cot_split_hostport(const char *text, char *host, size_t host_cap, char *port, size_t port_cap);

#endif
