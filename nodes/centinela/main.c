/* centinela: start a graph of nodes from one config file, supervise it, and report.
 *
 *   centinela -c configs/centinela.conf          run the graph (a replay ends by itself)
 *   centinela -c configs/centinela.conf --status print the health of a running graph
 *
 * Each node runs as its own process: `<node> --config FILE --section NAME` plus the source id
 * and subscriber count the launcher derives from the graph.  A node that crashes (non-zero
 * exit or a signal the launcher did not send) is restarted with exponential back-off; a node
 * that exits 0 has finished its stream.  SIGINT/SIGTERM are forwarded as SIGTERM so every node
 * flushes; a node still running after `stop_timeout_s` is killed.  The launcher subscribes to
 * every node's `stats` and shows progress on a terminal, writes health.json in the run
 * directory, and prints a summary at the end. */
#include "graph.h"
#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/node.h"
#include "centinela/wire.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static const opt_spec launcher_options[] = {
    {"nodes", 0, OPT_STR, "", 0, -1, "sections of the nodes to run, comma-separated"},
    {"bin_dir", 0, OPT_STR, "", 0, -1, "where node executables are; empty: beside the launcher"},
    {"run_dir", 0, OPT_STR, "", 0, -1,
     "directory for ipc sockets and health.json; empty: /tmp/centinela-<uid>/<config name>"},
    {"restart_max", 0, OPT_INT, "5", 0, 1000, "restarts of one node before the graph gives up"},
    {"backoff_initial_s", 0, OPT_REAL, "0.5", 0, 600, "first restart delay, doubled each time"},
    {"backoff_max_s", 0, OPT_REAL, "30", 0, 3600, "longest restart delay"},
    {"stop_timeout_s", 0, OPT_REAL, "15", 0, 600,
     "SIGKILL nodes still running this long after SIGTERM"},
    {"progress", 0, OPT_STR, "auto", 0, -1,
     "progress line on stderr: auto (on a terminal), on, off"},
    {"stall_timeout_s", 0, OPT_REAL, "0", 0, 86400,
     "end the graph with an error when no node's counters or event time moved for this long "
     "(replays: a stuck graph fails instead of hanging; 0: never, for live graphs on a quiet sea)"},
    {"status", 0, OPT_BOOL, "false", 0, -1, "print the health of a running graph and exit"},
    {"log_level", 0, OPT_STR, "info", 0, -1, "error, warn, info or debug"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

enum child_state { CHILD_WAITING, CHILD_RUNNING, CHILD_DONE, CHILD_FAILED };

struct child {
    graph_node *gn;
    pid_t pid;
    enum child_state state;
    int restarts;
    double restart_at;
    double backoff_s;
    json_t *stats; /* latest stats object */
    double stats_at;
};

static volatile sig_atomic_t g_stop, g_signal;
static void on_signal(int sig)
{
    g_signal = sig;
    g_stop = 1;
}

/* A child's exit wakes the supervision loop at once: SIGCHLD writes a byte to this pipe, which
 * the loop polls beside the stats socket.  (Without it an exit was noticed only when the loop's
 * 100 ms poll ran out or a stats message arrived: up to 0.1 s per exit, and a finished graph
 * waited out one more poll before it ended.) */
static int g_child_pipe[2] = {-1, -1};
static void on_child(int sig)
{
    (void)sig;
    int saved = errno;
    ssize_t k = write(g_child_pipe[1], "", 1); /* pipe full: the loop is woken already */
    (void)k;
    errno = saved;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* "--eos_sources=a,b": the graph's publishers on every input endpoint of node i, so an end of
 * stream from anyone else (a stray or forged frame) ends nothing.  Empty when an input comes from
 * outside the graph or a publisher picks its own id: then the node keeps the runtime default. */
static void expected_sources(const graph *g, int i, char *out, size_t cap)
{
    out[0] = 0;
    const char *sub = g->nodes[i].sub;
    if (!*sub)
        return;
    char ids[256] = "";
    for (const char *p = sub; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char one[600];
        snprintf(one, sizeof one, "%.*s", (int)len, p);
        p = e ? e + 1 : p + len;
        if (strspn(one, " \t\n") == strlen(one))
            continue;
        bool found = false;
        for (int j = 0; j < g->n; j++) {
            if (j == i || !graph_endpoints_overlap(g->nodes[j].pub, one, g->nodes[j].section))
                continue;
            if (g->nodes[j].sets_source_id)
                return;
            size_t l = strlen(ids);
            snprintf(ids + l, sizeof ids - l, "%s%d", l ? "," : "", j + 1);
            found = true;
        }
        if (!found)
            return;
    }
    snprintf(out, cap, "--eos_sources=%s", ids);
}

static pid_t spawn(const struct child *c, const char *config_path, int index, const char *eos_arg)
{
    char source_id[32], subscribers[32];
    snprintf(source_id, sizeof source_id, "--source_id=%d", index + 1);
    snprintf(subscribers, sizeof subscribers, "--subscribers=%d", c->gn->subscribers);
    char *argv[12];
    int k = 0;
    argv[k++] = c->gn->path;
    argv[k++] = "--config";
    argv[k++] = (char *)config_path;
    argv[k++] = "--section";
    argv[k++] = c->gn->section;
    if (!c->gn->sets_source_id)
        argv[k++] = source_id;
    if (!c->gn->sets_subscribers)
        argv[k++] = subscribers;
    if (*eos_arg)
        argv[k++] = (char *)eos_arg;
    argv[k] = NULL;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGINT, SIG_IGN); /* a terminal's ^C reaches the launcher, which forwards it */
        /* Nodes die with their launcher (SIGTERM: they flush first); if it died before the
         * request took effect, go now. */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
            _exit(1);
        execv(argv[0], argv);
        fprintf(stderr, "centinela: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (pid < 0)
        log_error("fork: %s", strerror(errno));
    return pid;
}

static json_int_t stat_int(json_t *stats, const char *group, const char *key)
{
    json_t *g = stats ? json_object_get(stats, group) : NULL;
    json_t *v = g ? json_object_get(g, key) : NULL;
    return json_is_integer(v) ? json_integer_value(v)
                              : (json_is_real(v) ? (json_int_t)json_real_value(v) : -1);
}

/* A graph-wide figure from the nodes' stats: the sum (or the largest value, for figures several
 * nodes report about the same vessels) of counters or gauges with any of the given names; -1 when
 * no node reports one. */
enum fold { FOLD_SUM, FOLD_MAX };
static long long graph_figure(struct child *cs, int n, enum fold fold, const char *const *keys)
{
    long long out = -1;
    for (int i = 0; i < n; i++) {
        for (const char *const *k = keys; *k; k++) {
            json_int_t v = stat_int(cs[i].stats, "counters", *k);
            if (v < 0)
                v = stat_int(cs[i].stats, "gauges", *k);
            if (v < 0)
                continue;
            if (out < 0)
                out = 0;
            out = fold == FOLD_SUM ? out + v : (v > out ? v : out);
        }
    }
    return out;
}

/* What the progress line and the summary show, and where each figure comes from. */
static const char *const key_messages[] = {"messages", NULL};            /* ais_demod, nmea_input */
static const char *const key_vessels[] = {"vessels", NULL};              /* anomaly_detector */
static const char *const key_tracks[] = {"live_tracks", "tracks", NULL}; /* track_fusion */
static const char *const key_dark[] = {"dark_targets", NULL};            /* track_fusion */
static const char *const key_alerts[] = {"alerts", NULL};                /* anomaly_detector */

static long long figure(struct child *cs, int n, enum fold fold, const char *const *keys)
{
    long long v = graph_figure(cs, n, fold, keys);
    return v < 0 ? 0 : v;
}

static double graph_progress(struct child *cs, int n)
{
    double p = -1;
    for (int i = 0; i < n; i++) {
        json_t *g = cs[i].stats ? json_object_get(cs[i].stats, "gauges") : NULL;
        json_t *v = g ? json_object_get(g, "progress") : NULL;
        if (json_is_number(v))
            p = fmax(p, json_number_value(v));
    }
    return p;
}

static const char *state_name(enum child_state s)
{
    static const char *const names[] = {"restarting", "running", "done", "failed"};
    return names[s];
}

static void write_health(const char *run_dir, struct child *cs, int n)
{
    json_t *o = json_object();
    json_t *arr = json_array();
    double t = now_s();
    for (int i = 0; i < n; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "node", json_string(cs[i].gn->section));
        json_object_set_new(e, "pid", json_integer(cs[i].pid));
        json_object_set_new(e, "state", json_string(state_name(cs[i].state)));
        json_object_set_new(e, "restarts", json_integer(cs[i].restarts));
        json_object_set_new(e, "stats_age_s",
                            cs[i].stats ? json_real(t - cs[i].stats_at) : json_null());
        if (cs[i].stats)
            json_object_set(e, "stats", cs[i].stats);
        json_array_append_new(arr, e);
    }
    json_object_set_new(o, "launcher_pid", json_integer(getpid()));
    json_object_set_new(o, "nodes", arr);
    char path[PATH_MAX], tmp[PATH_MAX];
    snprintf(path, sizeof path, "%s/health.json", run_dir);
    snprintf(tmp, sizeof tmp, "%s/health.json.tmp", run_dir);
    if (json_dump_file(o, tmp, JSON_INDENT(1)) == 0)
        rename(tmp, path);
    json_decref(o);
}

static void print_progress(struct child *cs, int n, double started, long long *last_msgs,
                           double *last_t)
{
    double p = graph_progress(cs, n);
    long long msgs = figure(cs, n, FOLD_SUM, key_messages);
    long long vessels = figure(cs, n, FOLD_MAX, key_vessels);
    long long tracks = figure(cs, n, FOLD_MAX, key_tracks);
    long long alerts = figure(cs, n, FOLD_SUM, key_alerts);
    double t = now_s();
    double rate = (msgs >= 0 && t > *last_t) ? (double)(msgs - *last_msgs) / (t - *last_t) : 0;
    *last_msgs = msgs;
    *last_t = t;
    int up = 0;
    for (int i = 0; i < n; i++)
        up += cs[i].state == CHILD_RUNNING;
    char pbuf[16] = "  -";
    if (p >= 0)
        snprintf(pbuf, sizeof pbuf, "%3.0f%%", 100 * fmin(p, 1));
    fprintf(stderr,
            "\r\033[K%s | %lld msgs (%.0f/s) | %lld vessels | %lld tracks | %lld alerts | %d/%d "
            "nodes up | %.0f s",
            pbuf, msgs, rate, vessels, tracks, alerts, up, n, t - started);
    fflush(stderr);
}

static void drain_stats(void *sub, struct child *cs, int n)
{
    uint8_t *frame = NULL;
    char *json = NULL;
    for (;;) {
        if (!frame) {
            frame = x_malloc(WIRE_MAX_FRAME);
            json = x_malloc(WIRE_STATS_MAX + 1);
        }
        wire_header h;
        int got = node_recv_stats(sub, frame, &h, json, WIRE_STATS_MAX + 1);
        if (got == 0)
            break;
        if (got < 0)
            continue;
        json_error_t e;
        json_t *o = json_loads(json, 0, &e);
        const char *section = json_string_value(json_object_get(o, "section"));
        for (int i = 0; section && i < n; i++) {
            if (strcmp(cs[i].gn->section, section) == 0) {
                json_decref(cs[i].stats);
                cs[i].stats = json_incref(o);
                cs[i].stats_at = now_s();
            }
        }
        json_decref(o);
    }
    free(frame);
    free(json);
}

/* A figure that moves whenever any node does anything: counters, event time, restarts. */
static double progress_signature(const struct child *cs, int n)
{
    double sig = 0;
    for (int i = 0; i < n; i++) {
        sig += cs[i].pid * 3.0 + cs[i].state * 7.0 + cs[i].restarts * 11.0;
        json_t *st = cs[i].stats;
        if (!st)
            continue;
        sig += (double)stat_int(st, "rx", "messages") + (double)stat_int(st, "tx", "messages") +
               (double)stat_int(st, "rx", "eos") +
               (double)json_integer_value(json_object_get(st, "event_time_ns")) * 1e-6;
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(st, "counters"), k, v) sig +=
            (double)json_integer_value(v);
    }
    return sig;
}

/* Why a graph is stuck: what each node last said. */
static void log_stall(const struct child *cs, int n, double stalled_s)
{
    log_error("no node made progress for %.0f s (stall_timeout_s); stopping the graph", stalled_s);
    for (int i = 0; i < n; i++) {
        json_t *st = cs[i].stats;
        log_error(
            "  %-18s %-10s pid %d restarts %d  rx %lld  tx %lld  eos seen %lld  missing %lld  "
            "stats %s",
            cs[i].gn->section, state_name(cs[i].state), (int)cs[i].pid, cs[i].restarts,
            (long long)stat_int(st, "rx", "messages"), (long long)stat_int(st, "tx", "messages"),
            (long long)stat_int(st, "rx", "eos"), (long long)stat_int(st, "rx", "seq_missing"),
            st ? "received" : "never received");
    }
}

static void print_summary(struct child *cs, int n, double elapsed)
{
    fprintf(stderr, "\n");
    printf("centinela: graph finished in %.1f s\n", elapsed);
    for (int i = 0; i < n; i++) {
        json_t *st = cs[i].stats;
        if (!st) {
            /* The launcher watches statistics on the endpoints each node binds; a node that
             * binds none, or only CURVE-protected tcp, cannot be watched. */
            bool bound_curve = strstr(cs[i].gn->pub, "tcp://") != NULL;
            printf("  %-18s %-8s restarts %d  no statistics received (%s)\n", cs[i].gn->section,
                   state_name(cs[i].state), cs[i].restarts,
                   bound_curve
                       ? "it publishes on tcp, which CURVE keys may protect; read them with tap"
                       : "it never reported, or binds no endpoint the launcher can watch");
            continue;
        }
        printf("  %-18s %-8s restarts %d  rx %lld  tx %lld  rejected", cs[i].gn->section,
               state_name(cs[i].state), cs[i].restarts, (long long)stat_int(st, "rx", "messages"),
               (long long)stat_int(st, "tx", "messages"));
        json_t *rej = st ? json_object_get(json_object_get(st, "rx"), "rejected") : NULL;
        long long total = 0;
        const char *k;
        json_t *v;
        json_object_foreach(rej, k, v) total += json_integer_value(v);
        printf(" %lld  missing %lld  dropped %lld\n", total,
               (long long)stat_int(st, "rx", "seq_missing"),
               (long long)stat_int(st, "tx", "hwm_drops"));
    }
    long long msgs = figure(cs, n, FOLD_SUM, key_messages);
    long long vessels = figure(cs, n, FOLD_MAX, key_vessels);
    long long tracks = figure(cs, n, FOLD_MAX, key_tracks);
    long long dark = figure(cs, n, FOLD_MAX, key_dark);
    long long alerts = figure(cs, n, FOLD_SUM, key_alerts);
    const char *archive = NULL;
    for (int i = 0; i < n && !archive; i++) {
        json_t *info = cs[i].stats ? json_object_get(cs[i].stats, "info") : NULL;
        archive = json_string_value(json_object_get(info, "path"));
    }
    printf(
        "summary: messages %lld, vessels %lld, tracks %lld (%lld dark), alerts %lld, archive %s\n",
        msgs, vessels, tracks, dark, alerts, archive ? archive : "(none)");
    /* What the record holds, beside what was lost on the way (sequence gaps, queue drops). */
    static const char *const tables[] = {"messages", "positions", "static",
                                         "tracks",   "radar",     "alerts"};
    long long lost = 0;
    for (int i = 0; i < n; i++) {
        long long m = stat_int(cs[i].stats, "rx", "seq_missing");
        long long d = stat_int(cs[i].stats, "tx", "hwm_drops");
        lost += (m > 0 ? m : 0) + (d > 0 ? d : 0);
    }
    for (int i = 0; i < n; i++) {
        if (stat_int(cs[i].stats, "counters", "rows_messages") < 0)
            continue;
        printf("archived by %s%s:", cs[i].gn->section,
               cs[i].restarts ? " since its last restart" : "");
        for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
            char key[32];
            snprintf(key, sizeof key, "rows_%s", tables[t]);
            printf("%s %s %lld", t ? "," : "", tables[t],
                   (long long)stat_int(cs[i].stats, "counters", key));
        }
        printf("; lost in the graph %lld (sequence gaps and queue drops)\n", lost);
    }
    fflush(stdout);
}

static int show_status(const char *run_dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/health.json", run_dir);
    json_error_t e;
    json_t *o = json_load_file(path, 0, &e);
    if (!o) {
        fprintf(stderr, "centinela: no running graph (cannot read %s: %s)\n", path, e.text);
        return 1;
    }
    pid_t lp = (pid_t)json_integer_value(json_object_get(o, "launcher_pid"));
    bool alive = lp > 0 && kill(lp, 0) == 0;
    printf("graph in %s: launcher %d %s\n", run_dir, (int)lp, alive ? "running" : "not running");
    size_t i;
    json_t *nd;
    json_array_foreach(json_object_get(o, "nodes"), i, nd)
    {
        json_t *st = json_object_get(nd, "stats");
        printf("  %-18s %-10s pid %-7lld restarts %lld  rx %lld  tx %lld  stats %.1f s old\n",
               json_string_value(json_object_get(nd, "node")),
               json_string_value(json_object_get(nd, "state")),
               (long long)json_integer_value(json_object_get(nd, "pid")),
               (long long)json_integer_value(json_object_get(nd, "restarts")),
               (long long)stat_int(st, "rx", "messages"), (long long)stat_int(st, "tx", "messages"),
               json_number_value(json_object_get(nd, "stats_age_s")));
    }
    json_decref(o);
    return alive ? 0 : 3;
}

int main(int argc, char **argv)
{
    const opt_spec *tables[] = {launcher_options, NULL};
    config *cfg = config_create(tables);
    log_set_ident("centinela");
    const char *section;
    int rc = config_parse_args(cfg, argc, argv, "centinela",
                               "Run a graph of Centinela nodes from one config file.", &section);
    if (rc != 0) {
        config_destroy(&cfg);
        return rc > 0 ? 0 : 2;
    }
    /* The node sections are not the launcher's; read only [centinela] strictly. */
    const char *config_path = config_file_path(cfg);
    if (!config_path) {
        log_error("give the graph's config file with -c FILE (e.g. configs/centinela.conf)");
        config_destroy(&cfg);
        return 2;
    }
    enum log_level lvl;
    if (log_level_parse(config_str(cfg, "log_level"), &lvl) != 0) {
        log_error("log_level '%s' is not one of error, warn, info, debug",
                  config_str(cfg, "log_level"));
        config_destroy(&cfg);
        return 2;
    }
    log_set_level(lvl);
    const char *progress_mode = config_str(cfg, "progress");
    if (strcmp(progress_mode, "auto") != 0 && strcmp(progress_mode, "on") != 0 &&
        strcmp(progress_mode, "off") != 0) {
        log_error("progress '%s' is not auto, on or off", progress_mode);
        config_destroy(&cfg);
        return 2;
    }

    char run_dir[PATH_MAX];
    if (*config_str(cfg, "run_dir")) {
        snprintf(run_dir, sizeof run_dir, "%s", config_str(cfg, "run_dir"));
    } else {
        char *copy = x_strdup(config_path);
        char *base = basename(copy);
        char *dot = strrchr(base, '.');
        if (dot)
            *dot = 0;
        snprintf(run_dir, sizeof run_dir, "/tmp/centinela-%d/%s", (int)getuid(), base);
        free(copy);
    }
    if (config_bool(cfg, "status")) {
        config_destroy(&cfg);
        return show_status(run_dir);
    }

    char exe[PATH_MAX];
    ssize_t el = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (el <= 0) {
        log_error("cannot find my own executable: %s", strerror(errno));
        config_destroy(&cfg);
        return 1;
    }
    exe[el] = 0;
    char *launcher_dir = dirname(exe);

    graph g;
    if (graph_load(&g, config_path, config_str(cfg, "nodes"), config_str(cfg, "bin_dir"),
                   launcher_dir) != 0) {
        graph_free(&g);
        config_destroy(&cfg);
        return 2;
    }

    /* Run directory: ipc sockets and health.json.  Children inherit it through the environment. */
    char *mk = x_strdup(run_dir);
    for (char *q = mk + 1; *q; q++)
        if (*q == '/') {
            *q = 0;
            mkdir(mk, 0700);
            *q = '/';
        }
    mkdir(mk, 0700);
    free(mk);
    setenv("CENTINELA_RUN_DIR", run_dir, 1);

    /* One graph per run directory: its sockets and journals are this graph's alone. */
    char lock_path[PATH_MAX];
    snprintf(lock_path, sizeof lock_path, "%s/launcher.lock", run_dir);
    int lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        char holder[32] = "?";
        if (lock_fd >= 0) {
            ssize_t k = pread(lock_fd, holder, sizeof holder - 1, 0);
            holder[k > 0 ? k : 0] = 0;
            holder[strcspn(holder, "\n")] = 0;
        }
        log_error("run directory %s is held by a running graph (launcher pid %s); stop it first "
                  "or give this graph another run_dir",
                  run_dir, lock_fd < 0 ? strerror(errno) : holder);
        if (lock_fd >= 0)
            close(lock_fd);
        graph_free(&g);
        config_destroy(&cfg);
        return 2;
    }
    char pid_text[32];
    int pid_len = snprintf(pid_text, sizeof pid_text, "%d\n", (int)getpid());
    if (ftruncate(lock_fd, 0) != 0 || pwrite(lock_fd, pid_text, (size_t)pid_len, 0) != pid_len)
        log_warn("cannot write %s: %s", lock_path, strerror(errno));

    /* Publisher journals start empty with each graph (centinela/journal.h). */
    char journal_dir[PATH_MAX];
    snprintf(journal_dir, sizeof journal_dir, "%s/journal", run_dir);
    DIR *jd = opendir(journal_dir);
    if (jd) {
        struct dirent *e;
        while ((e = readdir(jd))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[PATH_MAX + 300];
            snprintf(p, sizeof p, "%s/%s", journal_dir, e->d_name);
            if (unlink(p) != 0)
                log_warn("cannot remove %s: %s", p, strerror(errno));
        }
        closedir(jd);
    } else if (mkdir(journal_dir, 0700) != 0) {
        log_error("cannot create %s: %s", journal_dir, strerror(errno));
        close(lock_fd);
        graph_free(&g);
        config_destroy(&cfg);
        return 1;
    }
    setenv("CENTINELA_JOURNAL_DIR", journal_dir, 1);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (pipe2(g_child_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
        log_error("pipe2: %s", strerror(errno));
        close(lock_fd);
        graph_free(&g);
        config_destroy(&cfg);
        return 1;
    }
    struct sigaction sc;
    memset(&sc, 0, sizeof sc);
    sc.sa_handler = on_child;
    sc.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sc, NULL);

    void *zctx = NULL, *sub = NULL;
    if (node_open_stats_sub("", &zctx, &sub) < 0) {
        graph_free(&g);
        config_destroy(&cfg);
        return 1;
    }
    for (int i = 0; i < g.n; i++) {
        /* Connect to every endpoint a node binds (connect-side pubs cannot be reached). */
        char *pubs = x_strdup(g.nodes[i].pub);
        char *save = NULL;
        for (char *tok = strtok_r(pubs, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ')
                tok++;
            if (*tok == '>')
                continue;
            if (*tok == '@')
                tok++;
            char ep[600];
            const char *at = strstr(tok, "${node}");
            if (at)
                snprintf(ep, sizeof ep, ">%.*s%s%s", (int)(at - tok), tok, g.nodes[i].section,
                         at + 7);
            else
                snprintf(ep, sizeof ep, ">%s", tok);
            if (node_attach(sub, ep, false) < 0)
                log_warn("cannot watch %s", ep);
        }
        free(pubs);
    }

    struct child cs[GRAPH_MAX_NODES];
    memset(cs, 0, sizeof cs);
    static char eos_args[GRAPH_MAX_NODES][320];
    for (int i = 0; i < g.n; i++)
        expected_sources(&g, i, eos_args[i], sizeof eos_args[i]);
    double backoff0 = config_real(cfg, "backoff_initial_s");
    /* Start sinks first so they are listening before the sources have anything to say; the
     * runtime's subscriber wait makes this an optimisation, not a requirement. */
    for (int i = g.n - 1; i >= 0; i--) {
        cs[i].gn = &g.nodes[i];
        cs[i].backoff_s = backoff0;
        cs[i].pid = spawn(&cs[i], config_path, i, eos_args[i]);
        cs[i].state = cs[i].pid > 0 ? CHILD_RUNNING : CHILD_FAILED;
        log_debug("started %s (pid %d, %d subscribers)", g.nodes[i].section, (int)cs[i].pid,
                  g.nodes[i].subscribers);
    }
    log_info("graph of %d nodes running; run directory %s", g.n, run_dir);

    const char *pmode = config_str(cfg, "progress");
    bool progress = strcmp(pmode, "on") == 0 || (strcmp(pmode, "auto") == 0 && isatty(2));
    double started = now_s(), next_report = started + 1, stop_deadline = 0;
    long long last_msgs = 0;
    double last_t = started;
    bool stopping = false, failed = false;
    int stop_stage = 0;
    int restart_max = (int)config_int(cfg, "restart_max");
    double stall_timeout = config_real(cfg, "stall_timeout_s");
    double last_sig = -1, last_progress = started;

    for (;;) {
        if (g_stop && !stopping) {
            /* Stop the sources: each ends its stream, and every node downstream flushes and
             * ends on it, so the archive gets everything in flight.  Nodes still running after
             * stop_timeout_s get SIGTERM themselves, then SIGKILL. */
            stopping = true;
            stop_stage = 0;
            stop_deadline = now_s() + config_real(cfg, "stop_timeout_s");
            log_info("stopping the graph");
            int sources = 0;
            for (int i = 0; i < g.n; i++)
                if (cs[i].state == CHILD_RUNNING && !*cs[i].gn->sub) {
                    kill(cs[i].pid, SIGTERM);
                    sources++;
                }
            if (sources == 0)
                stop_deadline = now_s();
        }
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            for (int i = 0; i < g.n; i++) {
                struct child *c = &cs[i];
                if (c->pid != pid || c->state != CHILD_RUNNING)
                    continue;
                bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
                if (ok || stopping) {
                    c->state = ok ? CHILD_DONE : CHILD_FAILED;
                    log_debug("%s finished (status %d)", c->gn->section, status);
                } else if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
                    /* Exit 2 is a configuration or input error: restarting cannot help. */
                    log_error("%s refused its configuration or input (its reason is logged above); "
                              "stopping the graph",
                              c->gn->section);
                    c->state = CHILD_FAILED;
                    failed = true;
                    g_stop = 1;
                } else if (c->restarts >= restart_max) {
                    log_error("%s failed %d times; stopping the graph", c->gn->section,
                              c->restarts + 1);
                    c->state = CHILD_FAILED;
                    failed = true;
                    g_stop = 1;
                } else {
                    if (WIFSIGNALED(status))
                        log_warn("%s killed by signal %d; restarting in %.1f s", c->gn->section,
                                 WTERMSIG(status), c->backoff_s);
                    else
                        log_warn("%s exited with %d; restarting in %.1f s", c->gn->section,
                                 WEXITSTATUS(status), c->backoff_s);
                    c->state = CHILD_WAITING;
                    c->restart_at = now_s() + c->backoff_s;
                    c->backoff_s = fmin(c->backoff_s * 2, config_real(cfg, "backoff_max_s"));
                }
            }
        }
        int active = 0;
        for (int i = 0; i < g.n; i++) {
            struct child *c = &cs[i];
            if (c->state == CHILD_WAITING && !stopping && now_s() >= c->restart_at) {
                c->restarts++;
                c->pid = spawn(c, config_path, i, eos_args[i]);
                c->state = c->pid > 0 ? CHILD_RUNNING : CHILD_FAILED;
            }
            if (c->state == CHILD_WAITING && stopping)
                c->state = CHILD_FAILED;
            active += c->state == CHILD_RUNNING || c->state == CHILD_WAITING;
        }
        if (active > 0) {
            zmq_pollitem_t it[2] = {{sub, 0, ZMQ_POLLIN, 0},
                                    {NULL, g_child_pipe[0], ZMQ_POLLIN, 0}};
            zmq_poll(it, 2, 100);
            char wake[64];
            while (read(g_child_pipe[0], wake, sizeof wake) > 0)
                ;
        }
        drain_stats(sub, cs, g.n);
        if (now_s() >= next_report || active == 0) {
            next_report = now_s() + 1;
            double sig = progress_signature(cs, g.n);
            if (sig != last_sig) {
                last_sig = sig;
                last_progress = now_s();
            } else if (stall_timeout > 0 && !stopping && now_s() - last_progress > stall_timeout) {
                log_stall(cs, g.n, now_s() - last_progress);
                failed = true;
                g_stop = 1;
            }
            write_health(run_dir, cs, g.n);
            if (progress)
                print_progress(cs, g.n, started, &last_msgs, &last_t);
        }
        if (active == 0)
            break;
        if (stopping && now_s() > stop_deadline) {
            for (int i = 0; i < g.n; i++) {
                if (cs[i].state != CHILD_RUNNING)
                    continue;
                if (stop_stage == 0) {
                    log_info("%s still running; asking it to stop", cs[i].gn->section);
                    kill(cs[i].pid, SIGTERM);
                } else {
                    log_warn("%s did not stop; killing it", cs[i].gn->section);
                    kill(cs[i].pid, SIGKILL);
                }
            }
            stop_stage++;
            stop_deadline = now_s() + 5;
        }
    }
    drain_stats(sub, cs, g.n);
    print_summary(cs, g.n, now_s() - started);
    for (int i = 0; i < g.n; i++) {
        failed |= cs[i].state == CHILD_FAILED && !stopping;
        json_decref(cs[i].stats);
    }
    zmq_close(sub);
    zmq_ctx_term(zctx);
    graph_free(&g);
    config_destroy(&cfg);
    close(lock_fd);
    /* Stopped by a signal: the shell's convention, 128 + its number (130 SIGINT, 143 SIGTERM). */
    return failed ? 1 : (stopping ? 128 + (g_signal ? (int)g_signal : SIGINT) : 0);
}
