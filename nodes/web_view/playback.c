/* Archive playback: a supervised `replay` child.  See playback.h for the design. */
#include "playback.h"
#include "centinela/log.h"
#include "centinela/wire.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct wv_playback {
    char *cmd, *archive_dir, *endpoint;
    pid_t child;
    bool paused;
    char archive[256];
    double speed;
    int64_t start_ns;
    int exit_status; /* of the last child, -1 none */
    char error[256];
};

wv_playback *wv_playback_create(const wv_playback_config *cfg)
{
    if (!cfg->cmd || !strstr(cfg->cmd, "{archive}") || !strstr(cfg->cmd, "{endpoint}")) {
        log_error("playback_cmd must contain {archive} and {endpoint}");
        return NULL;
    }
    wv_playback *pb = x_calloc(1, sizeof *pb);
    pb->cmd = x_strdup(cfg->cmd);
    pb->archive_dir = x_strdup(cfg->archive_dir ? cfg->archive_dir : "");
    pb->endpoint = x_strdup(cfg->endpoint ? cfg->endpoint : "");
    pb->exit_status = -1;
    return pb;
}

void wv_playback_destroy(wv_playback **ppb)
{
    if (!ppb || !*ppb)
        return;
    wv_playback *pb = *ppb;
    wv_playback_stop(pb);
    free(pb->cmd);
    free(pb->archive_dir);
    free(pb->endpoint);
    free(pb);
    *ppb = NULL;
}

static char *replace_all(const char *s, const char *key, const char *value)
{
    size_t klen = strlen(key), vlen = strlen(value), cap = strlen(s) + 1;
    for (const char *q = strstr(s, key); q; q = strstr(q + klen, key))
        cap += vlen;
    char *out = x_malloc(cap), *w = out;
    for (const char *q = s;;) {
        const char *at = strstr(q, key);
        if (!at) {
            strcpy(w, q);
            break;
        }
        memcpy(w, q, (size_t)(at - q));
        w += at - q;
        memcpy(w, value, vlen);
        w += vlen;
        q = at + klen;
    }
    return out;
}

char **wv_playback_argv(const char *tmpl, const char *archive, int64_t start_ns, double speed,
                        const char *endpoint)
{
    char start[40] = "", start_s[32] = "", speed_s[32];
    if (start_ns) {
        wire_format_time(start_ns, start, sizeof start);
        snprintf(start_s, sizeof start_s, "%.3f", (double)start_ns * 1e-9);
    }
    snprintf(speed_s, sizeof speed_s, "%g", speed);
    size_t n = 0, cap = 8;
    char **argv = x_malloc(cap * sizeof *argv);
    char *copy = x_strdup(tmpl), *save = NULL;
    for (char *tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        /* A token whose placeholder is empty (no start time) is dropped with its flag, so
         * "--start {start}" disappears as a pair when playing from the beginning. */
        bool empty = (strstr(tok, "{start}") && !*start) || (strstr(tok, "{start_s}") && !*start_s);
        if (empty) {
            if (n > 0 && argv[n - 1][0] == '-' && !strchr(argv[n - 1], '=')) {
                free(argv[--n]);
            }
            continue;
        }
        char *a = replace_all(tok, "{archive}", archive);
        char *b = replace_all(a, "{start}", start);
        char *c = replace_all(b, "{start_s}", start_s);
        char *d = replace_all(c, "{speed}", speed_s);
        char *e = replace_all(d, "{endpoint}", endpoint);
        free(a);
        free(b);
        free(c);
        free(d);
        if (n + 2 > cap) {
            cap *= 2;
            argv = x_realloc(argv, cap * sizeof *argv);
        }
        argv[n++] = e;
    }
    free(copy);
    argv[n] = NULL;
    if (n == 0) {
        free(argv);
        return NULL;
    }
    return argv;
}

void wv_playback_free_argv(char **argv)
{
    if (!argv)
        return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}

bool wv_playback_poll(wv_playback *pb)
{
    if (pb->child <= 0)
        return false;
    int status;
    pid_t r = waitpid(pb->child, &status, WNOHANG);
    if (r == pb->child) {
        pb->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (pb->exit_status != 0 && !pb->error[0])
            snprintf(pb->error, sizeof pb->error, "replay exited with status %d", pb->exit_status);
        pb->child = 0;
        pb->paused = false;
        return false;
    }
    return true;
}

void wv_playback_stop(wv_playback *pb)
{
    if (pb->child <= 0)
        return;
    kill(pb->child, SIGCONT);
    kill(pb->child, SIGTERM);
    for (int i = 0; i < 50; i++) { /* up to 5 s for a clean exit */
        if (!wv_playback_poll(pb))
            return;
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
    }
    log_warn("replay %d ignored SIGTERM; killing it", (int)pb->child);
    kill(pb->child, SIGKILL);
    waitpid(pb->child, NULL, 0);
    pb->child = 0;
    pb->paused = false;
}

int wv_playback_start(wv_playback *pb, const char *archive, int64_t start_ns, double speed)
{
    pb->error[0] = 0;
    wv_playback_stop(pb);
    if (!*pb->archive_dir) {
        snprintf(pb->error, sizeof pb->error, "no archive_dir configured");
        return -1;
    }
    /* Only a plain file name inside archive_dir: the page cannot make us open anything else. */
    if (!archive || !*archive || strchr(archive, '/') || archive[0] == '.') {
        snprintf(pb->error, sizeof pb->error, "bad archive name");
        return -1;
    }
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", pb->archive_dir, archive);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(pb->error, sizeof pb->error, "no archive %s", archive);
        return -1;
    }
    char **argv = wv_playback_argv(pb->cmd, path, start_ns, speed, pb->endpoint);
    if (!argv) {
        snprintf(pb->error, sizeof pb->error, "empty playback_cmd");
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(pb->error, sizeof pb->error, "fork: %s", strerror(errno));
        wv_playback_free_argv(argv);
        return -1;
    }
    if (pid == 0) {
        /* A bare command name is looked up beside web_view first (the build tree keeps each
         * executable in nodes/<name>/<name>, an install puts them side by side), then on PATH. */
        if (!strchr(argv[0], '/')) {
            char exe[PATH_MAX], cand[PATH_MAX + 64];
            ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
            if (k > 0) {
                exe[k] = 0;
                char *slash = strrchr(exe, '/');
                if (slash)
                    *slash = 0;
                snprintf(cand, sizeof cand, "%s/../%s/%s", exe, argv[0], argv[0]);
                if (access(cand, X_OK) != 0)
                    snprintf(cand, sizeof cand, "%s/%s", exe, argv[0]);
                if (access(cand, X_OK) == 0)
                    execv(cand, argv);
            }
        }
        execvp(argv[0], argv);
        fprintf(stderr, "web_view: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    log_info("playback: %s from %lld at x%g (pid %d)", path, (long long)start_ns, speed, (int)pid);
    wv_playback_free_argv(argv);
    pb->child = pid;
    pb->paused = false;
    snprintf(pb->archive, sizeof pb->archive, "%s", archive);
    pb->speed = speed;
    pb->start_ns = start_ns;
    pb->exit_status = -1;
    return 0;
}

int wv_playback_pause(wv_playback *pb, bool pause)
{
    if (!wv_playback_poll(pb)) {
        snprintf(pb->error, sizeof pb->error, "no playback running");
        return -1;
    }
    if (kill(pb->child, pause ? SIGSTOP : SIGCONT) != 0) {
        snprintf(pb->error, sizeof pb->error, "kill: %s", strerror(errno));
        return -1;
    }
    pb->paused = pause;
    return 0;
}

const char *wv_playback_error(const wv_playback *pb)
{
    return pb->error;
}

json_t *wv_playback_status_json(const wv_playback *pb)
{
    json_t *o = json_object();
    json_object_set_new(o, "active", json_boolean(pb->child > 0));
    json_object_set_new(o, "paused", json_boolean(pb->paused));
    json_object_set_new(o, "archive", pb->archive[0] ? json_string(pb->archive) : json_null());
    json_object_set_new(o, "speed", json_real(pb->speed));
    json_object_set_new(o, "start_ns", json_integer(pb->start_ns));
    json_object_set_new(o, "exit_status", pb->exit_status >= 0 ? json_integer(pb->exit_status) : json_null());
    json_object_set_new(o, "error", pb->error[0] ? json_string(pb->error) : json_null());
    return o;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "name")),
                  json_string_value(json_object_get(*(json_t *const *)b, "name")));
}

json_t *wv_playback_archives_json(const wv_playback *pb)
{
    json_t *o = json_object(), *list = json_array();
    json_object_set_new(o, "dir", json_string(pb->archive_dir));
    DIR *d = *pb->archive_dir ? opendir(pb->archive_dir) : NULL;
    json_t *items[1024];
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d)) && n < 1024;) {
        size_t k = strlen(e->d_name);
        if (e->d_name[0] == '.' || k < 4 || strcmp(e->d_name + k - 3, ".h5") != 0)
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", pb->archive_dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        json_t *a = json_object();
        json_object_set_new(a, "name", json_string(e->d_name));
        json_object_set_new(a, "bytes", json_integer((json_int_t)st.st_size));
        json_object_set_new(a, "mtime", json_integer((json_int_t)st.st_mtime));
        items[n++] = a;
    }
    if (d)
        closedir(d);
    qsort(items, n, sizeof items[0], cmp_names);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, items[i]);
    json_object_set_new(o, "archives", list);
    return o;
}
