/* Garbage on a node's input socket is counted and dropped; the node keeps running and still
 * ends cleanly on end of stream.
 *
 *   test_garbage <node-executable> <input-topic> [extra node arguments...]
 *
 * Sends, on the node's input topic: random frames, a truncated header, a wrong signature, a
 * future version, a header whose type disagrees with the topic, one-frame and three-frame
 * messages, well-formed headers with truncated payloads, and a forged end of stream from a
 * publisher the node does not take (it must not end the node); then a valid end of stream.  The
 * node must exit 0 and its last stats must count every one of those frames as rejected. */
#include "centinela/wire.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void send2(void *s, const char *topic, const void *frame, size_t n)
{
    zmq_send(s, topic, strlen(topic), ZMQ_SNDMORE);
    zmq_send(s, frame, n, 0);
}

static size_t header(uint8_t *buf, int type, uint16_t flags, uint32_t payload_len, uint64_t seq)
{
    wire_header h = {WIRE_VERSION, (uint8_t)type, flags, 4242, payload_len, seq, 1714564800000000000};
    return wire_header_encode(&h, buf);
}

static long long rejected_total(json_t *stats)
{
    json_t *rej = json_object_get(json_object_get(stats, "rx"), "rejected");
    long long total = 0;
    const char *k;
    json_t *v;
    json_object_foreach(rej, k, v) total += json_integer_value(v);
    return total;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_garbage <node> <input-topic> [args...]\n");
        return 2;
    }
    const char *topic = argv[2];
    int type = wire_type_from_topic(topic, strlen(topic));
    if (!type) {
        fprintf(stderr, "unknown topic %s\n", topic);
        return 2;
    }
    char dir[] = "/tmp/centinela-garbage-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char ep_in[256], ep_out[256], sub_arg[300], pub_arg[300];
    snprintf(ep_in, sizeof ep_in, "ipc://%s/in", dir);
    snprintf(ep_out, sizeof ep_out, "ipc://%s/out", dir);
    snprintf(sub_arg, sizeof sub_arg, "--sub=>%s", ep_in);
    snprintf(pub_arg, sizeof pub_arg, "--pub=@%s", ep_out);

    void *ctx = zmq_ctx_new();
    void *in = zmq_socket(ctx, ZMQ_XPUB);
    void *watch = zmq_socket(ctx, ZMQ_SUB);
    if (zmq_bind(in, ep_in) != 0) {
        fprintf(stderr, "bind %s: %s\n", ep_in, zmq_strerror(errno));
        return 1;
    }
    zmq_setsockopt(watch, ZMQ_SUBSCRIBE, "stats", 5);

    pid_t pid = fork();
    if (pid == 0) {
        char *args[64];
        int k = 0;
        args[k++] = argv[1];
        for (int i = 3; i < argc && k < 56; i++)
            args[k++] = argv[i];
        args[k++] = sub_arg;
        args[k++] = pub_arg;
        args[k++] = "--stats_interval_s=0.2";
        args[k++] = "--eos_linger_s=1";
        args[k++] = "--source_id=77";
        args[k++] = "--eos_sources=4242";
        args[k] = NULL;
        execv(args[0], args);
        perror("execv");
        _exit(127);
    }
    /* Wait for the node's subscription, so nothing we send is lost to the slow joiner. */
    double deadline = now_s() + 20;
    bool subscribed = false;
    while (!subscribed && now_s() < deadline) {
        zmq_pollitem_t it = {in, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 100) > 0) {
            uint8_t m[64];
            int k = zmq_recv(in, m, sizeof m, 0);
            subscribed = k > 0 && m[0] == 1;
        }
    }
    if (!subscribed) {
        fprintf(stderr, "FAIL: node never subscribed\n");
        kill(pid, SIGKILL);
        return 1;
    }
    zmq_connect(watch, ep_out);
    /* And for the first stats message, so our view of the node's output is connected before
     * anything happens (the node's last stats carry the counts we check). */
    bool watching = false;
    deadline = now_s() + 20;
    while (!watching && now_s() < deadline) {
        zmq_pollitem_t it = {watch, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 100) > 0) {
            char t[16];
            uint8_t tmp[WIRE_STATS_MAX + WIRE_HEADER_LEN];
            zmq_recv(watch, t, sizeof t, 0);
            zmq_recv(watch, tmp, sizeof tmp, 0);
            watching = true;
        }
    }
    if (!watching) {
        fprintf(stderr, "FAIL: no stats from the node\n");
        kill(pid, SIGKILL);
        return 1;
    }

    uint8_t buf[4096];
    int sent = 0;
    /* First a forged end of stream: a node that ended on it would not count what follows. */
    size_t h = header(buf, type, WIRE_FLAG_EOS, 0, 1);
    buf[8] = 0x0f, buf[9] = 0x14; /* source id 5135, not the 4242 the node takes */
    send2(in, topic, buf, h), sent++;
    srand(12345);
    for (int i = 0; i < 50; i++, sent++) { /* random frames */
        size_t n = (size_t)(rand() % 200);
        for (size_t j = 0; j < n; j++)
            buf[j] = (uint8_t)rand();
        if (n > 1 && buf[0] == 'C')
            buf[0] = 'X';
        send2(in, topic, buf, n);
    }
    h = header(buf, type, 0, 0, 1);
    send2(in, topic, buf, 10), sent++;                       /* truncated header */
    memcpy(buf + 100, buf, h);
    buf[101] = 'X';
    send2(in, topic, buf + 100, h), sent++;                  /* wrong signature */
    buf[102] = WIRE_VERSION + 7;
    buf[101] = 'N';
    send2(in, topic, buf + 100, h), sent++;                  /* future version */
    h = header(buf, type == WIRE_TRACK ? WIRE_ALERT : WIRE_TRACK, 0, 0, 2);
    send2(in, topic, buf, h), sent++;                        /* type disagrees with topic */
    zmq_send(in, topic, strlen(topic), 0), sent++;           /* one frame only */
    zmq_send(in, topic, strlen(topic), ZMQ_SNDMORE);         /* three frames */
    zmq_send(in, buf, h, ZMQ_SNDMORE);
    zmq_send(in, buf, h, 0), sent++;
    for (int i = 0; i < 10; i++, sent++) {                   /* truncated payloads */
        h = header(buf, type, 0, 3, 3 + (uint64_t)i);
        buf[h] = 0xff, buf[h + 1] = 0xff, buf[h + 2] = 0xff;
        send2(in, topic, buf, h + 3);
    }
    h = header(buf, type, WIRE_FLAG_EOS, 0, 20);            /* a clean end of stream */
    send2(in, topic, buf, h);

    int status = -1;
    json_t *last = NULL;
    deadline = now_s() + 60;
    while (now_s() < deadline) {
        zmq_pollitem_t it = {watch, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 100) > 0) {
            char t[16];
            zmq_recv(watch, t, sizeof t, 0);
            int k = zmq_recv(watch, buf, sizeof buf - 1, 0);
            wire_header wh;
            if (k > 0 && wire_header_decode(buf, (size_t)k, &wh) == WIRE_OK) {
                json_error_t e;
                json_t *o = json_loadb((char *)buf + WIRE_HEADER_LEN, wh.payload_len, 0, &e);
                if (o) {
                    json_decref(last);
                    last = o;
                }
            }
        }
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
    }
    /* Collect stats that were in flight when the node exited. */
    for (int i = 0; i < 5; i++) {
        zmq_pollitem_t it = {watch, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 50) <= 0)
            continue;
        char t[16];
        zmq_recv(watch, t, sizeof t, 0);
        int k = zmq_recv(watch, buf, sizeof buf - 1, 0);
        wire_header wh;
        json_error_t e;
        json_t *o = (k > 0 && wire_header_decode(buf, (size_t)k, &wh) == WIRE_OK)
                        ? json_loadb((char *)buf + WIRE_HEADER_LEN, wh.payload_len, 0, &e)
                        : NULL;
        if (o) {
            json_decref(last);
            last = o;
        }
    }
    int rc = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "FAIL: node did not exit cleanly after end of stream (status %d)\n", status);
        kill(pid, SIGKILL);
        rc = 1;
    }
    if (!last) {
        fprintf(stderr, "FAIL: no stats received from the node\n");
        rc = 1;
    } else {
        long long rej = rejected_total(last);
        char *js = json_dumps(json_object_get(json_object_get(last, "rx"), "rejected"), JSON_COMPACT);
        printf("%s: sent %d bad frames, node counted %lld rejected: %s\n", argv[1], sent, rej, js);
        free(js);
        if (rej != sent) {
            fprintf(stderr, "FAIL: expected %d rejected frames\n", sent);
            rc = 1;
        }
    }
    json_decref(last);
    zmq_close(in);
    zmq_close(watch);
    zmq_ctx_term(ctx);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    return rc;
}
