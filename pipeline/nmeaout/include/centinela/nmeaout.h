/* NMEA 0183 sentences out to other tools (OpenCPN, AIS-catcher-style feeds): UDP datagrams to
 * any number of host:port targets, and a TCP server any number of clients connect to.
 *
 * Sending never blocks the caller: a TCP client whose socket buffer is full loses that
 * sentence (counted), and a client that stays stuck is disconnected. */
#ifndef CENTINELA_NMEAOUT_H
#define CENTINELA_NMEAOUT_H

#include <stdint.h>

typedef struct nmeaout nmeaout;

typedef struct nmeaout_stats {
    uint64_t udp_sent, udp_errors;
    uint64_t tcp_clients, tcp_sent, tcp_dropped, tcp_disconnected;
} nmeaout_stats;

/* udp_targets: comma-separated "host:port" (may be empty); tcp_listen: "[host:]port" to serve
 * (empty: no server; host defaults to 127.0.0.1).  NULL on a bad address (logged). */
nmeaout *nmeaout_create(const char *udp_targets, const char *tcp_listen);
/* Send one or more sentences ("\n"- or "\r\n"-separated); each goes out with "\r\n". */
void nmeaout_send(nmeaout *o, const char *sentences);
/* Accept waiting TCP clients; call regularly (the node's tick). */
void nmeaout_poll(nmeaout *o);
const nmeaout_stats *nmeaout_get_stats(const nmeaout *o);
void nmeaout_destroy(nmeaout **o);

#endif
