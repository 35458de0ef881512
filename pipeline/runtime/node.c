/* The node runtime: configuration, sockets, the event loop, stats, EOS and signals.
 * See centinela/node.h for the behaviour each node can rely on. */
#include "centinela/node.h"
#include "centinela/curve.h"
#include "centinela/journal.h"
#include "centinela/log.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

const opt_spec node_common_options[] = {
    {"sub", 0, OPT_STR, "", 0, -1,
     "input endpoints, comma-separated (>connect, @bind); empty: no input"},
    {"topics", 0, OPT_STR, "", 0, -1,
     "input topics to subscribe, comma-separated; empty: the node's own inputs"},
    {"pub", 0, OPT_STR, "@ipc://${run_dir}/${node}", 0, -1,
     "output endpoints, comma-separated (@bind, >connect); empty: no output"},
    {"source_id", 0, OPT_INT, "0", 0, 4294967295.0,
     "publisher id in message headers; 0: derived from the section name"},
    {"log_level", 0, OPT_STR, "info", 0, -1, "error, warn, info or debug"},
    {"stats_interval_s", 0, OPT_REAL, "1", 0.05, 3600, "seconds between stats messages"},
    {"hwm", 0, OPT_INT, "10000", 1, 10000000, "high-water mark (messages) of each socket queue"},
    {"lossless", 0, OPT_BOOL, "true", 0, -1,
     "block when a subscriber's queue is full instead of dropping (replays); false for live"},
    {"subscribers", 0, OPT_INT, "0", 0, 1000,
     "data subscriptions to wait for before the first publish (the launcher sets it)"},
    {"subscribers_timeout_s", 0, OPT_REAL, "30", 0, 3600,
     "give up waiting for subscribers after this many seconds (then warn and go on)"},
    {"eos_inputs", 0, OPT_INT, "0", 0, 1000,
     "publishers whose end of stream ends this node; 0: one per input endpoint"},
    {"eos_sources", 0, OPT_STR, "", 0, -1,
     "publisher ids whose end of stream counts, comma-separated (the launcher sets it); "
     "empty: any publisher's"},
    {"eos_linger_s", 0, OPT_REAL, "30", 0, 3600,
     "after end of stream, keep announcing it this long while subscribers remain"},
    {"journal_mb", 0, OPT_INT, "256", 0, 1000000,
     "inside a launcher's graph: MB of published frames kept in the run directory for "
     "subscribers that restart or miss messages (0: no journal)"},
    {"restart_mode", 0, OPT_STR, "auto", 0, -1,
     "a node restarted inside a graph: auto (repeat the earlier run exactly when its inputs are "
     "all still on hand, else continue after it) or continue (always continue, fresh state)"},
    {"insecure", 0, OPT_BOOL, "false", 0, -1,
     "allow binding tcp:// on an address other than loopback without CURVE keys (anyone who "
     "can reach it can read and inject)"},
    {"curve_secret_key", 0, OPT_STR, "", 0, -1,
     "this node's CURVE secret key (Z85, from centinela_keygen); set: tcp links are encrypted"},
    {"curve_public_key", 0, OPT_STR, "", 0, -1, "this node's CURVE public key (optional, checked)"},
    {"curve_server_key", 0, OPT_STR, "", 0, -1,
     "public key of the upstream node this node connects to"},
    {"curve_allow", 0, OPT_STR, "", 0, -1,
     "client public keys allowed to connect, comma-separated; empty: any CURVE client"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

#define MAX_NAMED 64

struct named_value {
    char name[48];
    uint64_t count;
    double gauge;
    char *text;
    int kind; /* 0 counter, 1 gauge, 2 text */
};

struct node {
    char name[64];
    char section[96];
    config *cfg;
    void *zctx;
    curve_auth *auth;
    curve_keys keys;
    void *in;  /* SUB */
    void *out; /* XPUB */
    int n_inputs;
    uint32_t source_id;
    bool lossless;
    int hwm;

    uint32_t outputs; /* bit per declared wire_type */
    uint32_t inputs;
    uint64_t seq[WIRE_TYPE_MAX + 1];
    int topic_subs[WIRE_TYPE_MAX + 1]; /* live subscriptions per data topic */
    int data_subs;                     /* subscribers: the most subscriptions any data topic has */
    bool subs_waited;
    int64_t event_time_ns;

    wire_seq_tracker *seqs;
    uint32_t eos_sources[256];
    int n_eos;

    /* Journals (a launcher's graph only): this node's own, and those of its inputs. */
    char *journal_dir;
    journal_writer *journal;
    journal_reader *own_replay[WIRE_TYPE_MAX + 1]; /* our own journal, read back per type */
    journal_reader *in_journal[64];
    char *in_endpoint[64];
    int n_in_endpoints;
    enum node_resume resume;
    bool resume_decided, replayable, diverged;
    uint64_t rx_duplicates, rx_from_journal, replay_suppressed, rx_eos_refused;
    uint8_t *jbuf; /* frame buffer for journal reads */
    struct jpending {
        uint8_t *frame;
        size_t len;
        wire_header hd;
    } jpend[64];      /* the next unhandled frame of each input journal */
    bool catching_up; /* input journals hold more than one bounded batch */

    uint64_t rx_messages, rx_bytes, rx_rejected[WIRE_STATUS_COUNT], rx_bad_frames, rx_bad_topic,
        rx_handler_rejects, rx_stats_ignored;
    uint64_t tx_messages, tx_drops, tx_errors;

    struct named_value named[MAX_NAMED];
    int n_named;

    struct timespec started;
    double next_stats, next_tick, last_rx_s;
    uint8_t *buf;
    size_t buf_cap;
};

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int node_open_stats_sub(const char *endpoints, void **zctx, void **sock)
{
    *zctx = zmq_ctx_new();
    *sock = *zctx ? zmq_socket(*zctx, ZMQ_SUB) : NULL;
    int linger_ms = 0, attached = -1;
    if (!*sock || zmq_setsockopt(*sock, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0 ||
        zmq_setsockopt(*sock, ZMQ_SUBSCRIBE, "stats", 5) != 0)
        log_error("stats socket: %s", zmq_strerror(errno));
    else
        attached = node_attach(*sock, endpoints, false);
    if (attached < 0) {
        if (*sock)
            zmq_close(*sock);
        if (*zctx)
            zmq_ctx_term(*zctx);
        *sock = *zctx = NULL;
    }
    return attached;
}

int node_recv_stats(void *sock, uint8_t *frame, wire_header *h, char *json, size_t cap)
{
    char topic[16];
    if (zmq_recv(sock, topic, sizeof topic, ZMQ_DONTWAIT) < 0)
        return 0;
    int more = 0;
    size_t sz = sizeof more;
    zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
    if (!more)
        return -1;
    int k = zmq_recv(sock, frame, WIRE_MAX_FRAME, 0);
    zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
    while (more) { /* extra frames: drain them and refuse the whole message */
        zmq_recv(sock, frame, WIRE_MAX_FRAME, 0);
        zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
        k = -1;
    }
    if (k < 0 || k > (int)WIRE_MAX_FRAME || wire_header_decode(frame, (size_t)k, h) != WIRE_OK ||
        h->type != WIRE_STATS ||
        wire_stats_decode(frame + WIRE_HEADER_LEN, h->payload_len, json, cap) != WIRE_OK)
        return -1;
    return 1;
}

char *node_expand_endpoint(const char *s)
{
    const char *run_dir = getenv("CENTINELA_RUN_DIR");
    if (!run_dir || !*run_dir)
        run_dir = "/tmp/centinela";
    size_t cap = strlen(s) + 1, len = 0;
    char *out = x_malloc(cap);
    for (const char *p = s; *p;) {
        if (strncmp(p, "${run_dir}", 10) == 0) {
            size_t k = strlen(run_dir);
            cap += k;
            out = x_realloc(out, cap);
            memcpy(out + len, run_dir, k);
            len += k;
            p += 10;
        } else {
            out[len++] = *p++;
        }
    }
    out[len] = 0;
    return out;
}

/* Replace ${node} by the section name (only in the default pub endpoint). */
static char *expand_node(const char *s, const char *section)
{
    const char *at = strstr(s, "${node}");
    if (!at)
        return x_strdup(s);
    size_t k = strlen(s) - 7 + strlen(section) + 1;
    char *out = x_malloc(k);
    snprintf(out, k, "%.*s%s%s", (int)(at - s), s, section, at + 7);
    return out;
}

/* mkdir -p of the directory holding path (ipc sockets live under the run directory). */
static void make_parent_dirs(const char *path)
{
    char *dir = x_strdup(path);
    for (char *q = dir + 1; *q; q++) {
        if (*q != '/')
            continue;
        *q = 0;
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            log_warn("cannot create %s: %s", dir, strerror(errno));
        *q = '/';
    }
    free(dir);
}

int node_attach(void *socket, const char *endpoints, bool default_bind)
{
    char *list = x_strdup(endpoints);
    int count = 0, rc = 0;
    char *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        size_t k = strlen(tok);
        while (k && (tok[k - 1] == ' ' || tok[k - 1] == '\t'))
            tok[--k] = 0;
        if (!*tok)
            continue;
        bool bind = default_bind;
        if (*tok == '@' || *tok == '>') {
            bind = *tok == '@';
            tok++;
        }
        char *ep = node_expand_endpoint(tok);
        if (strncmp(ep, "ipc://", 6) == 0 && bind)
            make_parent_dirs(ep + 6);
        int r = bind ? zmq_bind(socket, ep) : zmq_connect(socket, ep);
        if (r != 0) {
            log_error("cannot %s %s: %s", bind ? "bind" : "connect", ep, zmq_strerror(errno));
            rc = -1;
        } else {
            count++;
        }
        free(ep);
    }
    free(list);
    return rc ? -1 : count;
}

/* The endpoints of a list that bind (want_bind) or connect, ${run_dir} expanded; malloc'd
 * strings into out (at most max).  Returns the count. */
static int collect_endpoints(const char *list, bool want_bind, bool default_bind, char **out,
                             int max)
{
    char *copy = x_strdup(list);
    int count = 0;
    char *save = NULL;
    for (char *t = strtok_r(copy, ", \t", &save); t && count < max;
         t = strtok_r(NULL, ", \t", &save)) {
        bool b = default_bind;
        if (*t == '@' || *t == '>') {
            b = *t == '@';
            t++;
        }
        if (b == want_bind && *t)
            out[count++] = node_expand_endpoint(t);
    }
    free(copy);
    return count;
}

static bool loopback_tcp(const char *ep)
{
    const char *host = ep + 6; /* after "tcp://" */
    return strncmp(host, "127.", 4) == 0 || strncmp(host, "localhost:", 10) == 0 ||
           strncmp(host, "[::1]:", 6) == 0 || strncmp(host, "::1:", 4) == 0;
}

/* Plain tcp:// bound beyond loopback lets anyone on the network read the picture and inject
 * into it: refused without CURVE keys unless the configuration says `insecure = true`. */
static int check_exposure(const config *cfg, const char *list, bool default_bind, bool secure)
{
    char *eps[64];
    int n = collect_endpoints(list, true, default_bind, eps, 64);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (!secure && strncmp(eps[i], "tcp://", 6) == 0 && !loopback_tcp(eps[i])) {
            if (config_bool(cfg, "insecure")) {
                log_warn("INSECURE: %s is bound without CURVE keys; anyone who reaches it can "
                         "read and inject messages",
                         eps[i]);
            } else {
                log_error("refusing to bind %s without CURVE keys: anyone on the network could "
                          "read and inject messages.  Give curve_secret_key (centinela_keygen), "
                          "bind 127.0.0.1, or set insecure = true",
                          eps[i]);
                rc = -1;
            }
        }
        free(eps[i]);
    }
    return rc;
}

/* Whether a socket's endpoint list binds (CURVE server) or connects (client); a socket that
 * does both cannot have one CURVE role, so the first endpoint decides and a mix is logged. */
static bool endpoints_bind(const char *list, bool default_bind)
{
    bool first = default_bind, seen = false, mixed = false;
    char *copy = x_strdup(list);
    char *save = NULL;
    for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
        bool b = *t == '@' ? true : (*t == '>' ? false : default_bind);
        if (!seen)
            first = b, seen = true;
        else if (b != first)
            mixed = true;
    }
    free(copy);
    if (mixed)
        log_warn("'%s' both binds and connects; CURVE role taken from the first endpoint", list);
    return first;
}

/* CURVE protects links between hosts: tcp:// endpoints.  ipc:// and inproc:// stay on this
 * machine (file permissions guard ipc), and one socket cannot mix a secured and a plain link. */
static bool endpoints_need_curve(const char *list)
{
    bool tcp = strstr(list, "tcp://") != NULL;
    if (tcp && (strstr(list, "ipc://") || strstr(list, "inproc://")))
        log_warn("'%s' mixes tcp:// with local endpoints; CURVE applies to all of them", list);
    return tcp;
}

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h ? h : 1;
}

static void *make_socket(node *n, int type)
{
    void *s = zmq_socket(n->zctx, type);
    if (!s) {
        log_error("zmq_socket: %s", zmq_strerror(errno));
        return NULL;
    }
    int linger_ms = 2000;
    if (zmq_setsockopt(s, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0 ||
        zmq_setsockopt(s, ZMQ_SNDHWM, &n->hwm, sizeof n->hwm) != 0 ||
        zmq_setsockopt(s, ZMQ_RCVHWM, &n->hwm, sizeof n->hwm) != 0) {
        log_error("zmq_setsockopt: %s", zmq_strerror(errno));
        zmq_close(s);
        return NULL;
    }
    return s;
}

node *node_create(const char *name, const opt_spec *options, const char *summary, int argc,
                  char **argv, int *exit_code)
{
    *exit_code = 1;
    const opt_spec *tables[] = {node_common_options, options, NULL};
    config *cfg = config_create(tables);
    if (!cfg)
        return NULL;
    log_set_ident(name);
    const char *section = name;
    int rc = config_parse_args(cfg, argc, argv, name, summary, &section);
    if (rc != 0) {
        *exit_code = rc > 0 ? 0 : 2;
        config_destroy(&cfg);
        return NULL;
    }
    enum log_level lvl;
    if (log_level_parse(config_str(cfg, "log_level"), &lvl) != 0) {
        log_error("log_level '%s' is not one of error, warn, info, debug",
                  config_str(cfg, "log_level"));
        *exit_code = 2;
        config_destroy(&cfg);
        return NULL;
    }
    if (strcmp(config_str(cfg, "restart_mode"), "auto") != 0 &&
        strcmp(config_str(cfg, "restart_mode"), "continue") != 0) {
        log_error("restart_mode '%s' is not auto or continue", config_str(cfg, "restart_mode"));
        *exit_code = 2;
        config_destroy(&cfg);
        return NULL;
    }
    log_set_level(lvl);

    node *n = x_calloc(1, sizeof *n);
    snprintf(n->name, sizeof n->name, "%s", name);
    snprintf(n->section, sizeof n->section, "%s", section);
    log_set_ident(n->section);
    n->cfg = cfg;
    n->source_id = (uint32_t)config_int(cfg, "source_id");
    if (n->source_id == 0) {
        /* Unique enough across hosts when nodes run without a launcher to number them. */
        char host[128] = "", key[256];
        gethostname(host, sizeof host - 1);
        snprintf(key, sizeof key, "%s/%s", host, n->section);
        n->source_id = name_hash(key);
    }
    n->lossless = config_bool(cfg, "lossless");
    n->hwm = (int)config_int(cfg, "hwm");
    n->seqs = wire_seq_tracker_create();
    n->buf_cap = WIRE_MAX_FRAME;
    n->buf = x_malloc(n->buf_cap);
    clock_gettime(CLOCK_MONOTONIC, &n->started);

    n->zctx = zmq_ctx_new();
    if (!n->zctx) {
        log_error("zmq_ctx_new: %s", zmq_strerror(errno));
        node_destroy(&n);
        return NULL;
    }
    n->keys = (curve_keys){config_str(cfg, "curve_public_key"), config_str(cfg, "curve_secret_key"),
                           config_str(cfg, "curve_server_key"), config_str(cfg, "curve_allow")};
    if (curve_check(&n->keys) != 0) {
        *exit_code = 2;
        node_destroy(&n);
        return NULL;
    }
    bool secure = *n->keys.secret_key;
    {
        char *pub_list = expand_node(config_str(cfg, "pub"), n->section);
        int exposed = check_exposure(cfg, config_str(cfg, "sub"), false, secure) |
                      check_exposure(cfg, pub_list, true, secure);
        free(pub_list);
        if (exposed) {
            *exit_code = 2;
            node_destroy(&n);
            return NULL;
        }
    }
    if (secure && !(n->auth = curve_auth_start(n->zctx, n->keys.allow))) {
        node_destroy(&n);
        return NULL;
    }
    const char *sub = config_str(cfg, "sub");
    if (*sub) {
        n->in = make_socket(n, ZMQ_SUB);
        if (n->in && secure && endpoints_need_curve(sub) &&
            curve_apply(n->in, &n->keys, endpoints_bind(sub, false)) != 0) {
            zmq_close(n->in);
            n->in = NULL;
        }
        /* The input is connected in node_run, after its subscriptions are set: a SUB socket that
         * connects with its subscriptions in place sends them all at once, so a publisher that
         * waits for its subscribers never starts between one topic's subscription and the
         * next (and drops the later topic's first messages). */
        if (!n->in) {
            *exit_code = 2;
            node_destroy(&n);
            return NULL;
        }
    }
    char *pub = expand_node(config_str(cfg, "pub"), n->section);
    if (*pub) {
        n->out = make_socket(n, ZMQ_XPUB);
        int one = 1;
        /* VERBOSER: every subscribe and unsubscribe reaches us, so we can count subscribers. */
        if (n->out &&
            (zmq_setsockopt(n->out, ZMQ_XPUB_VERBOSER, &one, sizeof one) != 0 ||
             (n->lossless && zmq_setsockopt(n->out, ZMQ_XPUB_NODROP, &one, sizeof one) != 0))) {
            log_error("zmq_setsockopt(XPUB): %s", zmq_strerror(errno));
            zmq_close(n->out);
            n->out = NULL;
        }
        if (n->out && secure && endpoints_need_curve(pub) &&
            curve_apply(n->out, &n->keys, endpoints_bind(pub, true)) != 0) {
            zmq_close(n->out);
            n->out = NULL;
        }
        if (!n->out || node_attach(n->out, pub, true) < 0) {
            free(pub);
            *exit_code = 2;
            node_destroy(&n);
            return NULL;
        }
    }
    /* Journals: only inside a launcher's graph, which owns (and wipes) the directory. */
    const char *jdir = getenv("CENTINELA_JOURNAL_DIR");
    if (jdir && *jdir && config_int(cfg, "journal_mb") > 0) {
        n->journal_dir = x_strdup(jdir);
        n->jbuf = x_malloc(WIRE_MAX_FRAME);
        if (n->out) {
            n->journal = journal_writer_open(jdir, n->section,
                                             (uint64_t)config_int(cfg, "journal_mb") << 20);
            if (!n->journal) {
                free(pub);
                node_destroy(&n);
                return NULL;
            }
            char *eps[16];
            int ne = collect_endpoints(pub, true, true, eps, 16);
            for (int i = 0; i < ne; i++) {
                journal_link_endpoint(n->journal, eps[i]);
                free(eps[i]);
            }
        }
        if (n->in)
            n->n_in_endpoints = collect_endpoints(sub, false, false, n->in_endpoint, 64);
    }
    free(pub);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    *exit_code = 0;
    return n;
}

void node_destroy(node **pn)
{
    if (!pn || !*pn)
        return;
    node *n = *pn;
    /* Stopped by a signal (an operator, or a launcher that died): leave promptly; what a
     * subscriber has not taken yet is in the journal. */
    int linger_ms = 100;
    if (n->in) {
        if (g_stop)
            zmq_setsockopt(n->in, ZMQ_LINGER, &linger_ms, sizeof linger_ms);
        zmq_close(n->in);
    }
    if (n->out) {
        if (g_stop)
            zmq_setsockopt(n->out, ZMQ_LINGER, &linger_ms, sizeof linger_ms);
        zmq_close(n->out);
    }
    if (n->zctx) {
        zmq_ctx_shutdown(n->zctx);
        curve_auth_stop(&n->auth);
        zmq_ctx_term(n->zctx);
    }
    for (int i = 0; i < n->n_named; i++)
        free(n->named[i].text);
    wire_seq_tracker_destroy(&n->seqs);
    journal_writer_close(&n->journal);
    for (int t = 0; t <= WIRE_TYPE_MAX; t++)
        journal_reader_close(&n->own_replay[t]);
    for (int i = 0; i < n->n_in_endpoints; i++) {
        journal_reader_close(&n->in_journal[i]);
        free(n->in_endpoint[i]);
        free(n->jpend[i].frame);
    }
    free(n->journal_dir);
    free(n->jbuf);
    config_destroy(&n->cfg);
    free(n->buf);
    free(n);
    *pn = NULL;
}

const config *node_config(const node *n)
{
    return n->cfg;
}

const char *node_name(const node *n)
{
    return n->section;
}

uint32_t node_source_id(const node *n)
{
    return n->source_id;
}

void node_set_replayable(node *n, bool replayable)
{
    n->replayable = replayable;
}

/* Open the journal of input endpoint i if its publisher has made one (it may start later). */
static journal_reader *input_journal(node *n, int i)
{
    if (!n->in_journal[i])
        n->in_journal[i] = journal_reader_open_endpoint(n->journal_dir, n->in_endpoint[i]);
    return n->in_journal[i];
}

enum node_resume node_resume_mode(node *n)
{
    if (n->resume_decided)
        return n->resume;
    n->resume_decided = true;
    n->resume = NODE_FRESH;
    if (!journal_writer_resumed(n->journal))
        return n->resume;
    /* An earlier process of this node published.  If everything it was given is still on hand
     * (a file it can read again, or input journals from their first frame), this process
     * repeats it exactly: re-publishing is checked against the journal and not sent again.
     * Otherwise it continues after what was published, with fresh state. */
    bool whole = journal_writer_complete(n->journal) &&
                 strcmp(config_str(n->cfg, "restart_mode"), "continue") != 0;
    if (n->in) {
        for (int i = 0; i < n->n_in_endpoints && whole; i++)
            whole = input_journal(n, i) && journal_reader_complete(n->in_journal[i]);
        whole = whole && n->n_in_endpoints > 0;
    } else {
        whole = whole && n->replayable;
    }
    if (whole) {
        n->resume = NODE_REPLAY;
        for (int t = 1; t <= WIRE_TYPE_MAX && whole; t++)
            whole = (n->own_replay[t] = journal_reader_open(n->journal_dir, n->section)) != NULL;
    }
    if (!whole) {
        n->resume = NODE_CONTINUE;
        for (int t = 1; t <= WIRE_TYPE_MAX; t++)
            n->seq[t] = journal_writer_last_seq(n->journal, (uint8_t)t);
    }
    log_info("restart %u in this graph: %s", journal_writer_epoch(n->journal),
             n->resume == NODE_REPLAY
                 ? "repeating the earlier output exactly (checked against the journal)"
                 : "continuing after the earlier output with fresh state");
    return n->resume;
}

long node_read_own_journal(node *n, enum wire_type type,
                           void (*fn)(void *ctx, const wire_header *h, const uint8_t *payload,
                                      size_t len),
                           void *ctx)
{
    if (!n->journal_dir)
        return -1;
    journal_reader *r = journal_reader_open(n->journal_dir, n->section);
    if (!r)
        return 0;
    long count = 0, k;
    while ((k = journal_read(r, n->jbuf, WIRE_MAX_FRAME)) != 0) {
        wire_header h;
        if (k < 0 || wire_header_decode(n->jbuf, (size_t)k, &h) != WIRE_OK || h.type != type)
            continue;
        fn(ctx, &h, n->jbuf + WIRE_HEADER_LEN, h.payload_len);
        count++;
    }
    journal_reader_close(&r);
    return count;
}

uint32_t node_epoch(const node *n)
{
    return journal_writer_epoch(n->journal);
}

void node_declare_output(node *n, enum wire_type type)
{
    n->outputs |= 1u << type;
}

void node_declare_input(node *n, enum wire_type type)
{
    n->inputs |= 1u << type;
}

void node_expect_sequence(node *n, uint32_t source_id, enum wire_type type, uint64_t last_seq)
{
    wire_seq_prime(n->seqs, source_id, (uint8_t)type, last_seq);
}

bool node_stopping(const node *n)
{
    (void)n;
    return g_stop != 0;
}

int64_t node_event_time(const node *n)
{
    return n->event_time_ns;
}

static struct named_value *named(node *n, const char *name, int kind)
{
    for (int i = 0; i < n->n_named; i++)
        if (strcmp(n->named[i].name, name) == 0)
            return &n->named[i];
    if (n->n_named == MAX_NAMED) {
        log_error("internal: more than %d stats values", MAX_NAMED);
        abort();
    }
    struct named_value *v = &n->named[n->n_named++];
    snprintf(v->name, sizeof v->name, "%s", name);
    v->kind = kind;
    return v;
}

uint64_t *node_counter(node *n, const char *name)
{
    return &named(n, name, 0)->count;
}

void node_gauge(node *n, const char *name, double value)
{
    named(n, name, 1)->gauge = value;
}

void node_info(node *n, const char *name, const char *value)
{
    struct named_value *v = named(n, name, 2);
    free(v->text);
    v->text = x_strdup(value);
}

/* Read pending subscription messages from the XPUB socket and keep the count of subscribers.
 * XPUB reports subscriptions, not subscribers: one subscriber to "ais" and "radar" sends two.
 * So subscriptions are counted per data topic this node publishes, and the subscriber count is
 * the largest of those (every subscriber takes at least one topic; most take all). */
static void poll_subscriptions(node *n)
{
    if (!n->out)
        return;
    uint8_t msg[256];
    for (;;) {
        int k = zmq_recv(n->out, msg, sizeof msg, ZMQ_DONTWAIT);
        if (k < 0)
            break;
        if (k < 1 || k > (int)sizeof msg || (msg[0] != 0 && msg[0] != 1))
            continue;
        int delta = msg[0] == 1 ? 1 : -1;
        for (int t = 1; t <= WIRE_TYPE_MAX; t++) {
            if (t == WIRE_STATS || !(n->outputs & (1u << t)))
                continue;
            const char *topic = wire_topic((enum wire_type)t);
            /* A subscription is a prefix: "" takes every topic, "ai" takes "ais". */
            size_t plen = (size_t)k - 1;
            if (plen <= strlen(topic) && memcmp(msg + 1, topic, plen) == 0) {
                n->topic_subs[t] += delta;
                if (n->topic_subs[t] < 0)
                    n->topic_subs[t] = 0;
            }
        }
    }
    int most = 0;
    for (int t = 1; t <= WIRE_TYPE_MAX; t++)
        if (n->topic_subs[t] > most)
            most = n->topic_subs[t];
    n->data_subs = most;
}

static void wait_subscribers(node *n)
{
    n->subs_waited = true;
    int want = (int)config_int(n->cfg, "subscribers");
    /* Live nodes wait too: a subscriber the launcher started should not miss the first
     * messages; one that never comes costs subscribers_timeout_s once, with a warning. */
    if (want == 0)
        return;
    double deadline = now_s() + config_real(n->cfg, "subscribers_timeout_s");
    poll_subscriptions(n);
    while (n->data_subs < want && !g_stop) {
        if (now_s() > deadline) {
            log_warn("only %d of %d subscribers after %.0f s; publishing anyway", n->data_subs,
                     want, config_real(n->cfg, "subscribers_timeout_s"));
            return;
        }
        zmq_pollitem_t it = {n->out, 0, ZMQ_POLLIN, 0};
        zmq_poll(&it, 1, 50);
        poll_subscriptions(n);
    }
    /* A subscriber's topics arrive together but are read one by one: give the rest of the
     * batch a moment so no topic's first messages go out before its subscription. */
    double settle = now_s() + 0.05;
    while (now_s() < settle) {
        zmq_pollitem_t it = {n->out, 0, ZMQ_POLLIN, 0};
        zmq_poll(&it, 1, 10);
        poll_subscriptions(n);
    }
    log_debug("%d subscribers present", n->data_subs);
}

static int send_frames(node *n, enum wire_type type, const uint8_t *frame, size_t len, bool block)
{
    const char *topic = wire_topic(type);
    for (;;) {
        int flags = block ? 0 : ZMQ_DONTWAIT;
        if (zmq_send(n->out, topic, strlen(topic), ZMQ_SNDMORE | flags) >= 0) {
            /* The second frame of a multipart message is queued atomically with the first. */
            if (zmq_send(n->out, frame, len, 0) < 0) {
                n->tx_errors++;
                log_error("zmq_send: %s", zmq_strerror(errno));
                return -1;
            }
            return 0;
        }
        if (errno == EAGAIN && !block) {
            n->tx_drops++;
            return -1;
        }
        if (errno == EAGAIN || errno == EINTR) {
            if (g_stop && !block)
                return -1;
            /* Blocking send timed out (subscriber slow): keep waiting unless stopping. */
            if (g_stop) {
                n->tx_drops++;
                return -1;
            }
            continue;
        }
        n->tx_errors++;
        log_error("zmq_send: %s", zmq_strerror(errno));
        return -1;
    }
}

/* The next frame of this type in our own journal equals frame (replay check). */
static bool replay_matches(node *n, uint8_t type, const uint8_t *frame, size_t len)
{
    for (;;) {
        long k = journal_read(n->own_replay[type], n->jbuf, WIRE_MAX_FRAME);
        if (k <= 0)
            return false;
        if (k >= WIRE_HEADER_LEN && n->jbuf[3] != type)
            continue; /* another type: checked when that type is re-published */
        return (size_t)k == len && memcmp(n->jbuf, frame, len) == 0;
    }
}

int node_publish(node *n, enum wire_type type, int64_t event_time_ns, uint16_t flags,
                 const uint8_t *payload, size_t len)
{
    if (!n->out)
        return 0;
    if (len + WIRE_HEADER_LEN > n->buf_cap) {
        log_error("payload of %zu bytes exceeds the frame limit", len);
        return -1;
    }
    if (type != WIRE_STATS && n->journal && node_resume_mode(n) == NODE_REPLAY && !n->diverged &&
        n->seq[type] < journal_writer_last_seq(n->journal, (uint8_t)type)) {
        /* Re-publishing what an earlier process of this node published: check it is the same
         * frame and do not send it again. */
        wire_header h = {WIRE_VERSION,  (uint8_t)type,    flags,        n->source_id,
                         (uint32_t)len, n->seq[type] + 1, event_time_ns};
        wire_header_encode(&h, n->buf);
        if (len)
            memcpy(n->buf + WIRE_HEADER_LEN, payload, len);
        if (replay_matches(n, (uint8_t)type, n->buf, WIRE_HEADER_LEN + len)) {
            n->seq[type]++;
            n->replay_suppressed++;
            n->tx_messages++;
            if (event_time_ns > n->event_time_ns)
                n->event_time_ns = event_time_ns;
            return 0;
        }
        /* Different output for the same input (nondeterminism): say so and continue after
         * the journal, so nothing published is ever contradicted or repeated. */
        log_warn("%s output differs from the earlier run at sequence %llu; continuing after "
                 "the journal from here",
                 wire_topic(type), (unsigned long long)(n->seq[type] + 1));
        n->diverged = true;
        for (int t = 1; t <= WIRE_TYPE_MAX; t++)
            if (n->seq[t] < journal_writer_last_seq(n->journal, (uint8_t)t))
                n->seq[t] = journal_writer_last_seq(n->journal, (uint8_t)t);
    }
    if (type != WIRE_STATS && !n->subs_waited)
        wait_subscribers(n);
    wire_header h = {WIRE_VERSION,  (uint8_t)type,  flags,        n->source_id,
                     (uint32_t)len, ++n->seq[type], event_time_ns};
    wire_header_encode(&h, n->buf);
    if (len)
        memcpy(n->buf + WIRE_HEADER_LEN, payload, len);
    if (type != WIRE_STATS && event_time_ns > n->event_time_ns)
        n->event_time_ns = event_time_ns;
    /* Journal first: whatever a subscriber has seen is then in the journal. */
    if (type != WIRE_STATS && n->journal)
        journal_append(n->journal, n->buf, WIRE_HEADER_LEN + len);
    /* Data blocks in lossless mode; stats never block a node. */
    bool block = n->lossless && type != WIRE_STATS;
    if (block) {
        int timeout_ms = 200;
        zmq_setsockopt(n->out, ZMQ_SNDTIMEO, &timeout_ms, sizeof timeout_ms);
    }
    int rc = send_frames(n, type, n->buf, WIRE_HEADER_LEN + len, block);
    if (rc == 0 && type != WIRE_STATS)
        n->tx_messages++;
    return rc;
}

/* final: the last counts of a node that is ending; a subscriber busy with data must still get
 * them, so they wait for room in its queue (up to 2 s; 0.3 s when stopped by a signal) instead
 * of being dropped. */
static void publish_stats(node *n, bool final);

void node_publish_stats(node *n)
{
    publish_stats(n, false);
}

static void publish_stats(node *n, bool final)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double uptime =
        (double)(ts.tv_sec - n->started.tv_sec) + (ts.tv_nsec - n->started.tv_nsec) * 1e-9;
    json_t *o = json_object();
    json_object_set_new(o, "node", json_string(n->name));
    json_object_set_new(o, "section", json_string(n->section));
    json_object_set_new(o, "source_id", json_integer(n->source_id));
    json_object_set_new(o, "pid", json_integer(getpid()));
    json_object_set_new(o, "uptime_s", json_real(uptime));
    json_object_set_new(o, "event_time_ns", json_integer(n->event_time_ns));
    json_t *rx = json_object();
    json_object_set_new(rx, "messages", json_integer((json_int_t)n->rx_messages));
    json_object_set_new(rx, "bytes", json_integer((json_int_t)n->rx_bytes));
    json_t *rej = json_object();
    for (int s = 1; s < WIRE_STATUS_COUNT; s++)
        json_object_set_new(rej, wire_status_name(s), json_integer((json_int_t)n->rx_rejected[s]));
    json_object_set_new(rej, "frames", json_integer((json_int_t)n->rx_bad_frames));
    json_object_set_new(rej, "topic", json_integer((json_int_t)n->rx_bad_topic));
    json_object_set_new(rej, "content", json_integer((json_int_t)n->rx_handler_rejects));
    json_object_set_new(rej, "eos_unexpected", json_integer((json_int_t)n->rx_eos_refused));
    json_object_set_new(rx, "rejected", rej);
    json_object_set_new(rx, "seq_missing",
                        json_integer((json_int_t)wire_seq_total_missing(n->seqs)));
    json_object_set_new(rx, "seq_restarts", json_integer((json_int_t)wire_seq_restarts(n->seqs)));
    json_object_set_new(rx, "eos", json_integer(n->n_eos));
    if (n->journal_dir) {
        json_object_set_new(rx, "duplicates", json_integer((json_int_t)n->rx_duplicates));
        json_object_set_new(rx, "from_journal", json_integer((json_int_t)n->rx_from_journal));
    }
    json_object_set_new(o, "rx", rx);
    json_t *tx = json_object();
    json_object_set_new(tx, "messages", json_integer((json_int_t)n->tx_messages));
    json_object_set_new(tx, "hwm_drops", json_integer((json_int_t)n->tx_drops));
    json_object_set_new(tx, "errors", json_integer((json_int_t)n->tx_errors));
    json_object_set_new(tx, "subscribers", json_integer(n->data_subs));
    if (n->journal) {
        json_object_set_new(tx, "epoch", json_integer(journal_writer_epoch(n->journal)));
        json_object_set_new(tx, "replayed", json_integer((json_int_t)n->replay_suppressed));
    }
    json_object_set_new(o, "tx", tx);
    if (n->auth) {
        json_t *sec = json_object();
        json_object_set_new(sec, "accepted",
                            json_integer((json_int_t)curve_auth_accepted(n->auth)));
        json_object_set_new(sec, "refused", json_integer((json_int_t)curve_auth_refused(n->auth)));
        json_object_set_new(o, "curve", sec);
    }
    json_t *counters = json_object(), *gauges = json_object(), *info = json_object();
    for (int i = 0; i < n->n_named; i++) {
        struct named_value *v = &n->named[i];
        if (v->kind == 0)
            json_object_set_new(counters, v->name, json_integer((json_int_t)v->count));
        else if (v->kind == 1)
            json_object_set_new(gauges, v->name,
                                isfinite(v->gauge) ? json_real(v->gauge) : json_null());
        else
            json_object_set_new(info, v->name, json_string(v->text ? v->text : ""));
    }
    json_object_set_new(o, "counters", counters);
    json_object_set_new(o, "gauges", gauges);
    json_object_set_new(o, "info", info);
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (text && strlen(text) <= WIRE_STATS_MAX) {
        if (!final || !n->out) {
            node_publish(n, WIRE_STATS, n->event_time_ns, 0, (const uint8_t *)text, strlen(text));
        } else {
            size_t len = strlen(text);
            wire_header h = {WIRE_VERSION,         WIRE_STATS,      0, n->source_id, (uint32_t)len,
                             ++n->seq[WIRE_STATS], n->event_time_ns};
            wire_header_encode(&h, n->buf);
            memcpy(n->buf + WIRE_HEADER_LEN, text, len);
            double deadline = now_s() + (g_stop ? 0.3 : 2.0);
            while (send_frames(n, WIRE_STATS, n->buf, WIRE_HEADER_LEN + len, false) != 0 &&
                   now_s() < deadline) {
                n->tx_drops--; /* a retry, not a drop */
                zmq_pollitem_t it = {n->out, 0, ZMQ_POLLOUT, 0};
                zmq_poll(&it, 1, 20);
            }
        }
    }
    free(text);
}

static bool seen_eos(node *n, uint32_t source)
{
    for (int i = 0; i < n->n_eos; i++)
        if (n->eos_sources[i] == source)
            return true;
    return false;
}

static bool eos_expected(const node *n, uint32_t source)
{
    const char *list = config_str(n->cfg, "eos_sources");
    if (!*list)
        return true;
    for (const char *p = list; *p;) {
        char *end = NULL;
        unsigned long v = strtoul(p, &end, 10);
        if (end == p)
            return false;
        if (v == source)
            return true;
        p = end;
        while (*p == ',' || *p == ' ')
            p++;
    }
    return false;
}

/* One valid data frame, from the socket or from a journal. */
static void dispatch(node *n, const node_handlers *h, void *ctx, const wire_header *hd,
                     const uint8_t *frame, size_t k)
{
    if (n->journal_dir) {
        /* With journals a frame can arrive twice (socket and journal): keep the first. */
        uint64_t last;
        if (!wire_seq_last(n->seqs, hd->source_id, hd->type, &last))
            wire_seq_prime(n->seqs, hd->source_id, hd->type, 0); /* seq 1 is the first */
        else if (hd->seq <= last) {
            n->rx_duplicates++;
            return;
        }
    }
    n->rx_messages++;
    n->rx_bytes += (uint64_t)k;
    wire_seq_observe(n->seqs, hd);
    if (hd->event_time_ns > n->event_time_ns)
        n->event_time_ns = hd->event_time_ns;
    if ((hd->flags & WIRE_FLAG_EOS) && !eos_expected(n, hd->source_id)) {
        /* An end of stream from a publisher this node does not take: stray or forged. */
        n->rx_eos_refused++;
        return;
    }
    if (hd->flags & WIRE_FLAG_EOS) {
        if (!seen_eos(n, hd->source_id) && n->n_eos < (int)(sizeof n->eos_sources / 4))
            n->eos_sources[n->n_eos++] = hd->source_id;
        if (hd->payload_len == 0)
            return;
    }
    if (h->on_message && h->on_message(ctx, hd, frame + WIRE_HEADER_LEN, hd->payload_len) != 0)
        n->rx_handler_rejects++;
}

/* What the input journals hold that this node has not handled, oldest event time first across
 * publishers (so a restarted node sees its inputs in the order they happened), at most max
 * frames: the caller does its housekeeping (flushes, stats) between batches, and a backlog is
 * never taken in one go.  Returns true when the bound was hit (more may wait). */
#define JOURNAL_BATCH 4096
static bool drain_journals(node *n, const node_handlers *h, void *ctx, int max)
{
    struct jpending *p = n->jpend;
    for (int done = 0; done < max; done++) {
        int best = -1;
        for (int i = 0; i < n->n_in_endpoints; i++) {
            while (!p[i].frame) {
                journal_reader *r = input_journal(n, i);
                long k = r ? journal_read(r, n->jbuf, WIRE_MAX_FRAME) : 0;
                if (k == 0)
                    break;
                wire_header hd;
                enum wire_status st =
                    k < 0 ? WIRE_ERR_TOO_BIG : wire_header_decode(n->jbuf, (size_t)k, &hd);
                if (st != WIRE_OK) {
                    n->rx_rejected[st]++;
                    continue;
                }
                uint64_t last;
                if (wire_seq_last(n->seqs, hd.source_id, hd.type, &last) && hd.seq <= last)
                    continue; /* handled already: skip without copying */
                if (!(n->inputs & (1u << hd.type)) && !*config_str(n->cfg, "topics"))
                    continue; /* a topic this node does not take */
                p[i].frame = x_malloc((size_t)k);
                memcpy(p[i].frame, n->jbuf, (size_t)k);
                p[i].len = (size_t)k;
                p[i].hd = hd;
            }
            if (p[i].frame && (best < 0 || p[i].hd.event_time_ns < p[best].hd.event_time_ns))
                best = i;
        }
        if (best < 0)
            return false;
        n->rx_from_journal++;
        dispatch(n, h, ctx, &p[best].hd, p[best].frame, p[best].len);
        free(p[best].frame);
        p[best].frame = NULL;
    }
    return true;
}

/* Receive and dispatch one message from the input socket; returns false when none waited. */
static bool receive_one(node *n, const node_handlers *h, void *ctx)
{
    char topic[64];
    int tk = zmq_recv(n->in, topic, sizeof topic, ZMQ_DONTWAIT);
    if (tk < 0)
        return false;
    int more = 0;
    size_t sz = sizeof more;
    zmq_getsockopt(n->in, ZMQ_RCVMORE, &more, &sz);
    if (!more) {
        n->rx_bad_frames++;
        return true;
    }
    int k = zmq_recv(n->in, n->buf, n->buf_cap, 0);
    zmq_getsockopt(n->in, ZMQ_RCVMORE, &more, &sz);
    if (more) {
        /* Extra frames: drain them and refuse the whole message. */
        while (more) {
            zmq_recv(n->in, n->buf, n->buf_cap, 0);
            zmq_getsockopt(n->in, ZMQ_RCVMORE, &more, &sz);
        }
        n->rx_bad_frames++;
        return true;
    }
    if (k < 0) {
        n->rx_bad_frames++;
        return true;
    }
    if ((size_t)k > n->buf_cap) {
        n->rx_rejected[WIRE_ERR_TOO_BIG]++;
        return true;
    }
    int ttype = (tk > 0 && tk <= (int)sizeof topic) ? wire_type_from_topic(topic, (size_t)tk) : 0;
    wire_header hd;
    enum wire_status st = wire_header_decode(n->buf, (size_t)k, &hd);
    if (st != WIRE_OK) {
        n->rx_rejected[st]++;
        return true;
    }
    if (ttype == 0 || ttype != hd.type) {
        n->rx_bad_topic++;
        return true;
    }
    if (hd.type == WIRE_STATS) {
        n->rx_stats_ignored++;
        return true;
    }
    n->last_rx_s = now_s();
    uint64_t last = 0;
    bool known = n->journal_dir && wire_seq_last(n->seqs, hd.source_id, hd.type, &last);
    if (n->journal_dir && hd.seq > last + 1 && (known || hd.seq > 1) && n->catching_up)
        return true; /* catching up from the journals: this frame comes from there, in order */
    if (n->journal_dir && hd.seq > last + 1 && (known || hd.seq > 1)) {
        /* A gap: what is missing is in the publisher's journal (written before sending), and
         * so is this frame.  Handlers publish through n->buf, so this frame waits in a copy. */
        uint8_t *copy = x_malloc((size_t)k);
        memcpy(copy, n->buf, (size_t)k);
        n->catching_up = drain_journals(n, h, ctx, JOURNAL_BATCH);
        bool have = wire_seq_last(n->seqs, hd.source_id, hd.type, &last);
        /* Still behind with more journal to read: this frame comes again from the journal,
         * in order, in a later batch.  Otherwise it goes now (what is still missing was never
         * journaled: counted as loss). */
        if (!(n->catching_up && have && hd.seq > last + 1))
            dispatch(n, h, ctx, &hd, copy, (size_t)k);
        free(copy);
        return true;
    }
    dispatch(n, h, ctx, &hd, n->buf, (size_t)k);
    return true;
}

static void housekeeping(node *n, const node_handlers *h, void *ctx)
{
    double t = now_s();
    if (t >= n->next_tick) {
        n->next_tick = t + 0.1;
        if (h->on_tick)
            h->on_tick(ctx);
    }
    if (t >= n->next_stats) {
        n->next_stats = t + config_real(n->cfg, "stats_interval_s");
        node_publish_stats(n);
    }
    poll_subscriptions(n);
}

/* After end of stream: announce EOS on every output type until subscribers leave. */
static void announce_eos(node *n)
{
    if (!n->out || !n->outputs)
        return;
    double deadline = now_s() + config_real(n->cfg, "eos_linger_s");
    double next = 0;
    bool first = true;
    for (;;) {
        poll_subscriptions(n);
        if (!first && n->data_subs <= 0)
            break;
        if (now_s() > deadline || (g_stop && !first))
            break;
        if (now_s() >= next) {
            /* Final counts first: a subscriber that stops at the end of stream has them. */
            publish_stats(n, true);
            for (int t = 1; t <= WIRE_TYPE_MAX; t++)
                if (t != WIRE_STATS && (n->outputs & (1u << t)))
                    node_publish(n, (enum wire_type)t, n->event_time_ns, WIRE_FLAG_EOS, NULL, 0);
            next = now_s() + 1.0;
            first = false;
        }
        zmq_pollitem_t it = {n->out, 0, ZMQ_POLLIN, 0};
        zmq_poll(&it, 1, 50);
    }
}

static int subscribe_inputs(node *n)
{
    const char *topics = config_str(n->cfg, "topics");
    char *list = NULL;
    if (*topics) {
        list = x_strdup(topics);
    } else {
        char buf[128] = "";
        for (int t = 1; t <= WIRE_TYPE_MAX; t++) {
            if (n->inputs & (1u << t)) {
                strcat(buf, wire_topic((enum wire_type)t));
                strcat(buf, ",");
            }
        }
        list = x_strdup(buf);
    }
    int count = 0;
    char *save = NULL;
    for (char *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (!wire_type_from_topic(tok, strlen(tok))) {
            log_error("topics: unknown topic '%s'", tok);
            free(list);
            return -1;
        }
        if (zmq_setsockopt(n->in, ZMQ_SUBSCRIBE, tok, strlen(tok)) != 0) {
            log_error("zmq_setsockopt(SUBSCRIBE): %s", zmq_strerror(errno));
            free(list);
            return -1;
        }
        count++;
    }
    free(list);
    if (count == 0) {
        log_error("input endpoints given but no topic to subscribe");
        return -1;
    }
    return 0;
}

int node_run(node *n, const node_handlers *h, void *ctx)
{
    if (n->in && subscribe_inputs(n) != 0)
        return 2;
    if (n->in && (n->n_inputs = node_attach(n->in, config_str(n->cfg, "sub"), false)) < 0)
        return 2;
    int eos_needed = (int)config_int(n->cfg, "eos_inputs");
    if (eos_needed == 0)
        eos_needed = n->n_inputs;
    bool eos = false;
    int rc = 0;
    n->next_stats = now_s() + 0.2;
    if (n->in && n->journal_dir) {
        /* What the inputs published before this process started (all of it after a restart;
         * nothing yet in a fresh graph). */
        node_resume_mode(n);
        while (!g_stop && drain_journals(n, h, ctx, JOURNAL_BATCH))
            housekeeping(n, h, ctx);
        n->last_rx_s = now_s();
    }
    if (n->in) {
        while (!g_stop && !(n->n_eos >= eos_needed && eos_needed > 0)) {
            zmq_pollitem_t items[2] = {{n->in, 0, ZMQ_POLLIN, 0}, {n->out, 0, ZMQ_POLLIN, 0}};
            int ni = n->out ? 2 : 1;
            if (zmq_poll(items, ni, 100) < 0 && errno != EINTR) {
                log_error("zmq_poll: %s", zmq_strerror(errno));
                rc = 1;
                break;
            }
            /* Drain a bounded batch, then do housekeeping, so stats keep flowing under load. */
            for (int i = 0; i < 4096 && receive_one(n, h, ctx); i++)
                ;
            housekeeping(n, h, ctx);
            /* Quiet inputs: a publisher that ended (or died) before this node subscribed
             * left the rest, its end of stream included, in its journal.  A catch-up goes on
             * one bounded batch per turn of the loop. */
            if (n->journal_dir && (n->catching_up || now_s() - n->last_rx_s > 1.0)) {
                n->catching_up = drain_journals(n, h, ctx, JOURNAL_BATCH);
                n->last_rx_s = now_s();
            }
            if (n->n_eos >= eos_needed) {
                eos = true;
                break;
            }
        }
        if (n->n_eos >= eos_needed && eos_needed > 0)
            eos = true;
    } else if (h->produce) {
        node_resume_mode(n);
        while (!g_stop) {
            int r = h->produce(ctx);
            if (r < 0) {
                rc = 1;
                break;
            }
            housekeeping(n, h, ctx);
            if (r == 1) {
                eos = true;
                break;
            }
        }
    }
    if (h->on_finish)
        h->on_finish(ctx, eos);
    /* A source stopped by a signal still ends its stream: downstream nodes then flush and end
     * in turn, and the archive holds everything (the launcher stops a graph this way). */
    if (eos || (!n->in && g_stop))
        announce_eos(n);
    publish_stats(n, true);
    if (n->auth)
        log_info("CURVE: %lu peers accepted, %lu refused", curve_auth_accepted(n->auth),
                 curve_auth_refused(n->auth));
    log_info(
        "%s: rx %llu messages (%llu rejected, %llu missing by sequence), tx %llu (%llu dropped)",
        eos ? "end of stream" : (g_stop ? "stopped" : "stopped on error"),
        (unsigned long long)n->rx_messages,
        (unsigned long long)(n->rx_bad_frames + n->rx_bad_topic + n->rx_handler_rejects +
                             n->rx_rejected[1] + n->rx_rejected[2] + n->rx_rejected[3] +
                             n->rx_rejected[4] + n->rx_rejected[5] + n->rx_rejected[6]),
        (unsigned long long)wire_seq_total_missing(n->seqs), (unsigned long long)n->tx_messages,
        (unsigned long long)n->tx_drops);
    return rc;
}
