/* CURVE keys on sockets and a ZAP handler with an allow list (see centinela/curve.h). */
#include "centinela/curve.h"
#include "centinela/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

struct curve_auth {
    void *zctx;
    pthread_t thread;
    uint8_t (*keys)[32];
    size_t n_keys;
    void *ready;
    volatile unsigned long refused, accepted;
};

static int check_key(const char *name, const char *z85)
{
    uint8_t raw[32];
    if (strlen(z85) != 40 || !zmq_z85_decode(raw, z85)) {
        log_error("%s is not a 40-character Z85 CURVE key", name);
        return -1;
    }
    return 0;
}

int curve_check(const curve_keys *k)
{
    if (!k->secret_key || !*k->secret_key) {
        if ((k->server_key && *k->server_key) || (k->allow && *k->allow)) {
            log_error("curve_server_key/curve_allow need curve_secret_key");
            return -1;
        }
        return 0;
    }
    if (!zmq_has("curve")) {
        log_error("this libzmq has no CURVE support");
        return -1;
    }
    if (check_key("curve_secret_key", k->secret_key) != 0)
        return -1;
    if (k->public_key && *k->public_key) {
        if (check_key("curve_public_key", k->public_key) != 0)
            return -1;
        char derived[41];
        if (zmq_curve_public(derived, k->secret_key) != 0 || strcmp(derived, k->public_key) != 0) {
            log_error("curve_public_key does not belong to curve_secret_key");
            return -1;
        }
    }
    if (k->server_key && *k->server_key && check_key("curve_server_key", k->server_key) != 0)
        return -1;
    return 0;
}

int curve_apply(void *s, const curve_keys *k, bool server)
{
    if (!k->secret_key || !*k->secret_key)
        return 0;
    int one = 1;
    if (server) {
        if (zmq_setsockopt(s, ZMQ_CURVE_SERVER, &one, sizeof one) != 0 ||
            zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, k->secret_key, 40) != 0) {
            log_error("CURVE server options: %s", zmq_strerror(errno));
            return -1;
        }
        /* A ZAP domain makes libzmq consult our handler for every client. */
        if (zmq_setsockopt(s, ZMQ_ZAP_DOMAIN, "centinela", 9) != 0) {
            log_error("ZMQ_ZAP_DOMAIN: %s", zmq_strerror(errno));
            return -1;
        }
        return 0;
    }
    char pub[41];
    const char *public_key = k->public_key;
    if (!public_key || !*public_key) {
        if (zmq_curve_public(pub, k->secret_key) != 0) {
            log_error("cannot derive the CURVE public key");
            return -1;
        }
        public_key = pub;
    }
    if (!k->server_key || !*k->server_key) {
        log_error("connecting with CURVE needs curve_server_key (the upstream's public key)");
        return -1;
    }
    if (zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, k->server_key, 40) != 0 ||
        zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, public_key, 40) != 0 ||
        zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, k->secret_key, 40) != 0) {
        log_error("CURVE client options: %s", zmq_strerror(errno));
        return -1;
    }
    return 0;
}

static bool allowed(const curve_auth *a, const uint8_t *key, size_t n)
{
    if (a->n_keys == 0)
        return true;
    if (n != 32)
        return false;
    for (size_t i = 0; i < a->n_keys; i++)
        if (memcmp(a->keys[i], key, 32) == 0)
            return true;
    return false;
}

/* ZAP (RFC 27): request frames version, request id, domain, address, identity, mechanism,
 * credentials...; reply version, request id, status code, status text, user id, metadata. */
static void *zap_loop(void *arg)
{
    curve_auth *a = arg;
    void *rep = zmq_socket(a->zctx, ZMQ_REP);
    int ok = rep && zmq_bind(rep, "inproc://zeromq.zap.01") == 0;
    zmq_send(a->ready, ok ? "1" : "0", 1, 0);
    if (!ok) {
        if (rep)
            zmq_close(rep);
        return NULL;
    }
    for (;;) {
        char frames[8][256];
        int len[8], nf = 0, more = 1;
        size_t sz = sizeof more;
        while (more) {
            int k = zmq_recv(rep, nf < 8 ? frames[nf] : frames[7], 256, 0);
            if (k < 0) {
                if (errno == ETERM) {
                    zmq_close(rep);
                    return NULL;
                }
                break;
            }
            if (nf < 8)
                len[nf++] = k > 256 ? 256 : k;
            zmq_getsockopt(rep, ZMQ_RCVMORE, &more, &sz);
        }
        if (nf < 6)
            continue;
        bool curve = len[5] == 5 && memcmp(frames[5], "CURVE", 5) == 0;
        bool ok_key = curve && nf >= 7 && allowed(a, (uint8_t *)frames[6], (size_t)len[6]);
        if (ok_key)
            a->accepted++;
        else
            a->refused++;
        zmq_send(rep, "1.0", 3, ZMQ_SNDMORE);
        zmq_send(rep, frames[1], (size_t)len[1], ZMQ_SNDMORE);
        zmq_send(rep, ok_key ? "200" : "400", 3, ZMQ_SNDMORE);
        zmq_send(rep, ok_key ? "OK" : "key not allowed", ok_key ? 2 : 15, ZMQ_SNDMORE);
        zmq_send(rep, "", 0, ZMQ_SNDMORE);
        zmq_send(rep, "", 0, 0);
    }
}

curve_auth *curve_auth_start(void *zctx, const char *allow)
{
    curve_auth *a = x_calloc(1, sizeof *a);
    a->zctx = zctx;
    char *list = x_strdup(allow ? allow : "");
    char *save = NULL;
    for (char *t = strtok_r(list, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
        a->keys = x_realloc(a->keys, (a->n_keys + 1) * sizeof *a->keys);
        if (strlen(t) != 40 || !zmq_z85_decode(a->keys[a->n_keys], t)) {
            log_error("curve_allow: '%s' is not a Z85 public key", t);
            free(list);
            free(a->keys);
            free(a);
            return NULL;
        }
        a->n_keys++;
    }
    free(list);
    /* A PAIR over inproc tells us the handler is bound before any socket needs it. */
    void *wait = zmq_socket(zctx, ZMQ_PAIR);
    a->ready = zmq_socket(zctx, ZMQ_PAIR);
    char ep[64];
    snprintf(ep, sizeof ep, "inproc://centinela-zap-ready-%p", (void *)a);
    char flag = '0';
    if (!wait || !a->ready || zmq_bind(wait, ep) != 0 || zmq_connect(a->ready, ep) != 0 ||
        pthread_create(&a->thread, NULL, zap_loop, a) != 0) {
        log_error("cannot start the CURVE authenticator");
    } else if (zmq_recv(wait, &flag, 1, 0) != 1 || flag != '1') {
        log_error("cannot bind the ZAP endpoint (another authenticator?)");
        pthread_join(a->thread, NULL);
        flag = 0;
    }
    zmq_close(wait);
    zmq_close(a->ready);
    a->ready = NULL;
    if (flag != '1') {
        free(a->keys);
        free(a);
        return NULL;
    }
    return a;
}

void curve_auth_stop(curve_auth **pa)
{
    if (!pa || !*pa)
        return;
    pthread_join((*pa)->thread, NULL);
    free((*pa)->keys);
    free(*pa);
    *pa = NULL;
}

unsigned long curve_auth_refused(const curve_auth *a)
{
    return a ? a->refused : 0;
}

unsigned long curve_auth_accepted(const curve_auth *a)
{
    return a ? a->accepted : 0;
}
