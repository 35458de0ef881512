/* CURVE security for tcp:// links between hosts (ZeroMQ RFC 26 CurveZMQ, RFC 27 ZAP).
 *
 * CURVE applies to sockets with tcp:// endpoints (links between hosts); ipc:// stays local.
 * A socket that binds is the CURVE server, a socket that connects is the client.  With keys
 * configured, a server refuses every peer that does not complete the CURVE handshake (plain
 * peers included) and, when an allow list is given, every client whose public key is not on it.
 * Keys are 40-character Z85 strings as printed by `centinela_keygen`.
 */
#ifndef CENTINELA_CURVE_H
#define CENTINELA_CURVE_H

#include <stdbool.h>

typedef struct curve_keys {
    const char *public_key;  /* this node's public key (client role) */
    const char *secret_key;  /* this node's secret key (both roles); empty: CURVE off */
    const char *server_key;  /* the upstream server's public key (client role) */
    const char *allow;       /* comma-separated client public keys; empty: any CURVE client */
} curve_keys;

typedef struct curve_auth curve_auth;

/* Validate keys (each a Z85 key, pairs consistent).  0, or -1 with a logged reason. */
int curve_check(const curve_keys *k);
/* Start the ZAP handler in ctx (one per context) that enforces the allow list.  NULL on error. */
curve_auth *curve_auth_start(void *zctx, const char *allow);
/* Stop it: call after zmq_ctx_shutdown(), before zmq_ctx_term().  Accepts NULL. */
void curve_auth_stop(curve_auth **a);
/* Configure a socket as server (binds) or client (connects).  0 or -1 (logged). */
int curve_apply(void *socket, const curve_keys *k, bool server);
/* Counters kept by the ZAP handler. */
unsigned long curve_auth_refused(const curve_auth *a);
unsigned long curve_auth_accepted(const curve_auth *a);

#endif
