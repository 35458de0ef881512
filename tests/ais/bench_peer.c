/* ais_bench_peer: ais_decode beside gpsd's gpsdecode, both as whole processes on the same file.
 *
 *   ais_bench_peer --ours PATH/ais_decode --datasets DIR --work_dir DIR [--repeats 5]
 *                  [--min_lines 1000000] [--unscaled]
 *
 * The input is built from the real logs of the shared datasets (a Seine shore station, the AMSA
 * and DMA network feeds, exactEarth satellite AIS, and the gpsd, pyais and libais samples that
 * add the rare types and the binary messages): every line holding an AIS sentence is reduced to
 * the bare sentence "!xxVDM,...*hh" (leading times, tag blocks and trailing receiver fields
 * removed, so both programs read plain NMEA 0183), CRLF-terminated, in file order so that the
 * parts of multipart messages stay together.  Bad checksums and odd lines are kept: both sides
 * must reject them.  The set is repeated whole until it reaches --min_lines and written to
 * --work_dir (the build tree).
 *
 * Both sides print the same thing: gpsdecode's default output is scaled JSON, one object per
 * message, with "device":"stdin", and type 24 parts A and B merged into one object;
 * ais_decode gets --device=stdin --merge_24 for the same objects.  --unscaled gives both -u.
 *
 * Each side first runs once with its output piped back here and counted (JSON objects, per
 * message type): a side that prints much less did less work, and its time is no win.  Then the
 * timed runs: stdin from the file, stdout and stderr to /dev/null, interleaved (ours, gpsdecode,
 * ours, gpsdecode, ...), wall time around spawn..wait4 and the child's user + system CPU from
 * wait4; medians are printed with the ratios ours/peer.
 *
 * The peer is the binary named by the environment variable GPSDECODE, else gpsdecode on PATH
 * (Debian package gpsd-clients: a peer measured here, not a dependency of the project).  Without
 * it, our figures are printed alone.  LIBAIS_VDM may name a further program that reads NMEA on
 * stdin and prints one line per message (a driver over libais's VdmStream, built outside the
 * project); it runs like the others, with no flags.  Figures are printed, never asserted; the
 * exit status is 1 only when ais_decode itself fails or decodes nothing, 77 when the datasets
 * are absent. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "centinela/ais.h"
#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/nmea.h"

extern char **environ;

#define MAX_REPEATS 101
#define MAX_SIDES 3

static const opt_spec bench_options[] = {
    {"ours", 0, OPT_STR, "ais_decode", 0, -1, "our decoder's binary (path)"},
    {"datasets", 0, OPT_STR, "", 0, -1, "the shared datasets folder"},
    {"work_dir", 'd', OPT_STR, ".", 0, -1, "where the input file is written (build tree)"},
    {"repeats", 'n', OPT_INT, "5", 1, MAX_REPEATS, "timed runs of each side, interleaved"},
    {"min_lines", 0, OPT_INT, "1000000", 1, 100000000,
     "lines of the input file at least (the real sentences repeated)"},
    {"max_per_log", 0, OPT_INT, "0", 0, 100000000,
     "sentences taken from each log at most (0: all; a small input for a quick check)"},
    {"unscaled", 'u', OPT_BOOL, "false", 0, -1, "both sides print raw integers (-u)"},
    {"log_level", 0, OPT_STR, "warn", 0, -1, "error, warn, info or debug"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

/* The real logs, relative to the datasets folder.  Vernon's barges make position reports the
 * bulk; the network feeds add static data and multipart messages; gpsd's sample adds the
 * binary (type 6 and 8) application messages. */
static const char *const sources[] = {
    "nmea/real/vernon/ais_vernon_20160331.log",
    "nmea/real/vernon/ais_vernon_20160401.log",
    "nmea/real/vernon/ais_vernon_20160404.log",
    "nmea/real/amsa/ais.txt.gz",
    "nmea/real/amsa/exact-earth-augmented.txt",
    "nmea/real/amsa/exact-earth-with-tag-block.txt",
    "nmea/real/amsa/nmea-timestamped.txt",
    "nmea/real/dma/ais-sample.txt.gz",
    "nmea/gpsd/sample.aivdm",
    "nmea/gpsd/ais-nmea.log",
    "nmea/pyais/nmea_data_sample.txt",
    "nmea/libais/typeexamples.nmea",
};

/* One program under test. */
typedef struct side {
    const char *name;
    char *argv[8];
    const char *flags; /* as printed */
    int ok;            /* ran cleanly in the counting run */
    uint64_t lines, objects, bytes;
    uint64_t per_type[64];
    double wall_s[MAX_REPEATS], cpu_s[MAX_REPEATS];
} side;

/* ---- the input file ------------------------------------------------------------------------ */

typedef struct text {
    char *p;
    size_t len, cap;
    uint64_t lines;
} text;

static void text_add(text *t, const char *s, size_t n)
{
    if (t->len + n + 2 > t->cap) {
        t->cap = (t->len + n + 2) * 2;
        t->p = x_realloc(t->p, t->cap);
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len++] = '\r';
    t->p[t->len++] = '\n';
    t->lines++;
}

/* The bare sentence in a log line: '!', a two-character talker, VDM or VDO, ',', up to the '*'
 * and its two hex digits.  Returns its length (0: none) and its start in *start. */
static size_t bare_sentence(const char *line, size_t n, const char **start)
{
    for (size_t i = 0; i + 7 <= n; i++) {
        const char *s = line + i;
        if (s[0] != '!' || !isalnum((unsigned char)s[1]) || !isalnum((unsigned char)s[2]) ||
            s[3] != 'V' || s[4] != 'D' || (s[5] != 'M' && s[5] != 'O') || s[6] != ',')
            continue;
        const char *star = memchr(s, '*', n - i);
        if (!star || star + 3 > line + n || !isxdigit((unsigned char)star[1]) ||
            !isxdigit((unsigned char)star[2]))
            return 0;
        *start = s;
        return (size_t)(star + 3 - s);
    }
    return 0;
}

/* Appends the bare sentences of one (plain or gzip'd) log, at most max (0: all).  Returns the
 * count, -1 when the file cannot be read. */
static long add_log(text *t, const char *path, long max)
{
    gzFile in = gzopen(path, "rb");
    if (!in)
        return -1;
    char line[4096];
    long n = 0;
    while ((max == 0 || n < max) && gzgets(in, line, sizeof line)) {
        const char *s;
        size_t len = bare_sentence(line, strlen(line), &s);
        if (len) {
            text_add(t, s, len);
            n++;
        }
    }
    gzclose(in);
    return n;
}

/* What the distinct sentences hold, by our own decoder (so the mix can be stated). */
static void describe_mix(const text *t)
{
    nmea_assembler *a = nmea_assembler_create(NULL);
    uint64_t msgs = 0, multipart_msgs = 0, pos = 0, statics = 0, bin = 0, other = 0;
    const char *p = t->p, *end = t->p + t->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)(nl - p) + 1;
        nmea_message m;
        ais_msg am;
        if (nmea_assembler_push(a, p, n, NMEA_TIME_NONE, &m) &&
            ais_decode(m.bits, m.nbits, &am) == AIS_OK) {
            msgs++;
            multipart_msgs += m.nparts > 1;
            unsigned type = am.type;
            if (type <= 3 || type == 18 || type == 19 || type == 27)
                pos++;
            else if (type == 5 || type == 24)
                statics++;
            else if (type == 6 || type == 8 || type == 25 || type == 26)
                bin++;
            else
                other++;
        }
        p = nl + 1;
    }
    nmea_assembler_destroy(&a);
    double d = msgs ? 100.0 / (double)msgs : 0;
    printf("   mix (our decode of the distinct sentences): %llu messages, %.1f %% position "
           "reports (1-3, 18, 19, 27), %.1f %% static (5, 24), %.2f %% binary (6, 8, 25, 26), "
           "%.1f %% other; %llu multipart\n",
           (unsigned long long)msgs, pos * d, statics * d, bin * d, other * d,
           (unsigned long long)multipart_msgs);
}

/* Builds the input file.  Returns its line count, 0 when no log was found. */
static uint64_t build_input(const char *datasets, const char *path, uint64_t min_lines,
                            long max_per_log)
{
    text t = {0};
    int found = 0;
    char src[4096];
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
        snprintf(src, sizeof src, "%s/%s", datasets, sources[i]);
        long n = add_log(&t, src, max_per_log);
        if (n < 0)
            printf("   (not found: %s)\n", src);
        else
            found++;
    }
    if (!found || t.lines == 0) {
        free(t.p);
        return 0;
    }
    uint64_t copies = (min_lines + t.lines - 1) / t.lines;
    FILE *f = fopen(path, "wb");
    if (!f) {
        log_error("cannot write %s: %s", path, strerror(errno));
        free(t.p);
        return 0;
    }
    for (uint64_t k = 0; k < copies; k++)
        if (fwrite(t.p, 1, t.len, f) != t.len)
            break;
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        log_error("cannot write %s", path);
        free(t.p);
        return 0;
    }
    printf("   input: %s, %llu lines = %llu sentences of %d real logs x %llu (%.1f MB)\n", path,
           (unsigned long long)(t.lines * copies), (unsigned long long)t.lines, found,
           (unsigned long long)copies, (double)(t.len * copies) / 1e6);
    describe_mix(&t);
    uint64_t lines = t.lines * copies;
    free(t.p);
    return lines;
}

/* ---- running a side ------------------------------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double tv_s(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

/* Starts argv with stdin from in_path ("/dev/null" for none) and stdout on out_fd (-1:
 * /dev/null); stderr goes to /dev/null, or to out_fd too when err_too.  Returns the pid, -1 on
 * failure (reported). */
static pid_t spawn(char *const argv[], const char *in_path, int out_fd, int err_too)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in_path, O_RDONLY, 0);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    else
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    if (err_too && out_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
    else
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err != 0) {
        log_error("cannot run %s: %s", argv[0], strerror(err));
        return -1;
    }
    return pid;
}

/* Waits for pid; *cpu_s gets its user + system time.  Returns its exit code (128 + signal). */
static int reap(pid_t pid, double *cpu_s)
{
    int status = 0;
    struct rusage ru;
    pid_t w;
    while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
        ;
    if (w < 0)
        return 127;
    if (cpu_s)
        *cpu_s = tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* One line of output: a JSON object counts with its "type". */
static void count_line(side *s, const char *line, size_t n)
{
    s->lines++;
    if (n < 15 || memcmp(line, "{\"class\":\"AIS\"", 14) != 0)
        return;
    s->objects++;
    const char *k = strstr(line, "\"type\":");
    if (k) {
        unsigned t = (unsigned)strtoul(k + 7, NULL, 10);
        if (t < 64)
            s->per_type[t]++;
    }
}

/* The counting run: output piped back here, counted per line (the start of each line is kept;
 * "type" is near the start of every object). */
static int count_run(side *s, const char *input)
{
    int fd[2];
    if (pipe2(fd, O_CLOEXEC) != 0) /* only the dup2'd end reaches the child */
        return -1;
    pid_t pid = spawn(s->argv, input, fd[1], 0);
    close(fd[1]);
    if (pid < 0) {
        close(fd[0]);
        return -1;
    }
    char buf[1 << 16], line[512];
    size_t ll = 0;
    ssize_t r;
    while ((r = read(fd[0], buf, sizeof buf)) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        s->bytes += (uint64_t)r;
        for (ssize_t i = 0; i < r; i++) {
            if (buf[i] == '\n') {
                line[ll] = '\0';
                count_line(s, line, ll);
                ll = 0;
            } else if (ll < sizeof line - 1) {
                line[ll++] = buf[i];
            }
        }
    }
    close(fd[0]);
    int code = reap(pid, NULL);
    if (code != 0)
        printf("   %s exited with %d on %s\n", s->name, code, input);
    return code == 0 ? 0 : -1;
}

static int timed_run(side *s, const char *input, int r)
{
    double t0 = now_s();
    pid_t pid = spawn(s->argv, input, -1, 0);
    if (pid < 0)
        return -1;
    int code = reap(pid, &s->cpu_s[r]);
    s->wall_s[r] = now_s() - t0;
    return code == 0 ? 0 : -1;
}

/* First line a program prints for argv (its version) on stdout or stderr, "" when none. */
static void first_line_of(char *const argv[], char *out, size_t cap)
{
    out[0] = '\0';
    int fd[2];
    if (pipe2(fd, O_CLOEXEC) != 0) /* only the dup2'd end reaches the child */
        return;
    pid_t pid = spawn(argv, "/dev/null", fd[1], 1); /* some print it on stderr */
    close(fd[1]);
    size_t n = 0;
    ssize_t r;
    while (pid >= 0 && n + 1 < cap && (r = read(fd[0], out + n, cap - 1 - n)) > 0)
        n += (size_t)r;
    out[n] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    close(fd[0]);
    if (pid >= 0)
        reap(pid, NULL);
}

/* The peer binary: $GPSDECODE, else gpsdecode on PATH; NULL when neither. */
static const char *find_peer(char *buf, size_t cap)
{
    const char *env = getenv("GPSDECODE");
    if (env && *env)
        return access(env, X_OK) == 0 ? env : NULL;
    const char *path = getenv("PATH");
    if (!path)
        return NULL;
    while (*path) {
        size_t n = strcspn(path, ":");
        if (n > 0 && (int)n < (int)cap - 11) {
            snprintf(buf, cap, "%.*s/gpsdecode", (int)n, path);
            if (access(buf, X_OK) == 0)
                return buf;
        }
        path += n + (path[n] == ':');
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
    double s[MAX_REPEATS];
    memcpy(s, v, (size_t)n * sizeof *v);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* Message types whose object counts differ between ours and another side. */
static void print_type_differences(const side *ours, const side *o)
{
    int any = 0;
    for (int t = 0; t < 64; t++) {
        if (ours->per_type[t] == o->per_type[t])
            continue;
        if (!any)
            printf("   objects per type where they differ (ours / %s):", o->name);
        printf(" %d: %llu / %llu;", t, (unsigned long long)ours->per_type[t],
               (unsigned long long)o->per_type[t]);
        any = 1;
    }
    if (any)
        printf("\n");
}

int main(int argc, char **argv)
{
    int rc;
    config *cfg = command_config("ais_bench_peer", bench_options,
                                 "ais_decode beside gpsd's gpsdecode ($GPSDECODE or on PATH), "
                                 "whole processes on the same file of real NMEA.",
                                 argc, argv, &rc);
    if (!cfg)
        return rc;
    int reps = (int)config_int(cfg, "repeats");
    int unscaled = config_bool(cfg, "unscaled");
    const char *ours_bin = config_str(cfg, "ours");
    char input[4096];
    snprintf(input, sizeof input, "%s/ais_peer_input.nmea", config_str(cfg, "work_dir"));

    printf("== ais_peer: NMEA in, gpsd JSON out, whole processes on one file, median of %d "
           "interleaved runs each\n",
           reps);
    printf("   command: ais_bench_peer --repeats %d --min_lines %lld --max_per_log %lld%s (target "
           "bench_ais_peer)\n",
           reps, (long long)config_int(cfg, "min_lines"), (long long)config_int(cfg, "max_per_log"),
           unscaled ? " --unscaled" : "");
    if (access(ours_bin, X_OK) != 0) {
        log_error("%s is not an executable (--ours)", ours_bin);
        config_destroy(&cfg);
        return 1;
    }
    uint64_t lines =
        build_input(config_str(cfg, "datasets"), input, (uint64_t)config_int(cfg, "min_lines"),
                    (long)config_int(cfg, "max_per_log"));
    if (lines == 0) {
        printf("skipped: no real log under '%s' (--datasets)\n", config_str(cfg, "datasets"));
        config_destroy(&cfg);
        return 77;
    }

    side sides[MAX_SIDES];
    memset(sides, 0, sizeof sides);
    int ns = 0;
    side *ours = &sides[ns++];
    *ours =
        (side){.name = "ais_decode",
               .argv = {(char *)ours_bin, "--device=stdin", "--merge_24"},
               .flags = unscaled ? "--device=stdin --merge_24 -u" : "--device=stdin --merge_24"};
    if (unscaled)
        ours->argv[3] = "-u";
    char peer_buf[4096];
    const char *peer = find_peer(peer_buf, sizeof peer_buf);
    if (peer) {
        side *p = &sides[ns++];
        *p = (side){.name = "gpsdecode",
                    .argv = {(char *)peer},
                    .flags = unscaled ? "-u (JSON, type 24 merged: its defaults)"
                                      : "(none: JSON, scaled, type 24 merged are its defaults)"};
        if (unscaled)
            p->argv[1] = "-u";
        char version[128];
        char *vargv[] = {(char *)peer, "-V", NULL};
        first_line_of(vargv, version, sizeof version);
        printf("   peer: %s (%s)\n", peer, *version ? version : "version unknown");
    } else {
        printf("peer not found: install gpsd-clients or set GPSDECODE\n");
    }
    const char *libais = getenv("LIBAIS_VDM");
    if (libais && *libais && access(libais, X_OK) == 0)
        sides[ns++] = (side){.name = "libais", .argv = {(char *)libais}, .flags = "(none)"};
    for (int i = 0; i < ns; i++)
        printf("   %-10s %s %s < INPUT > /dev/null\n", sides[i].name, sides[i].argv[0],
               sides[i].flags);
    fflush(stdout);

    /* Counting runs: also warm the page cache and the binaries for the timed runs. */
    for (int i = 0; i < ns; i++) {
        sides[i].ok = count_run(&sides[i], input) == 0;
        printf("   %-10s %llu lines out, %llu JSON objects, %.1f MB\n", sides[i].name,
               (unsigned long long)sides[i].lines, (unsigned long long)sides[i].objects,
               (double)sides[i].bytes / 1e6);
    }
    if (!ours->ok || ours->objects == 0) {
        log_error("ais_decode failed or printed nothing on %s", input);
        config_destroy(&cfg);
        return 1;
    }
    for (int i = 1; i < ns; i++) {
        if (!sides[i].ok)
            continue;
        double rel = (double)sides[i].lines / (double)ours->lines;
        print_type_differences(ours, &sides[i]);
        if (rel < 0.98 || rel > 1.02)
            printf("   NOTE: %s printed %.1f %% of our output lines: the side printing fewer did "
                   "less work, and its speed is not for the same job\n",
                   sides[i].name, 100 * rel);
    }
    fflush(stdout);

    for (int r = 0; r < reps; r++)
        for (int i = 0; i < ns; i++)
            if (sides[i].ok && timed_run(&sides[i], input, r) != 0) {
                printf("   %s failed in timed run %d\n", sides[i].name, r + 1);
                sides[i].ok = 0;
                if (i == 0) {
                    config_destroy(&cfg);
                    return 1;
                }
            }

    printf("   %-10s %9s %9s %14s %14s %12s\n", "side", "wall_s", "cpu_s", "sentences/s",
           "sentences/s", "objects");
    printf("   %-10s %9s %9s %14s %14s\n", "", "(median)", "(median)", "(wall)", "(CPU)");
    double ow = median(ours->wall_s, reps), oc = median(ours->cpu_s, reps);
    for (int i = 0; i < ns; i++) {
        if (!sides[i].ok)
            continue;
        double w = median(sides[i].wall_s, reps), c = median(sides[i].cpu_s, reps);
        printf("   %-10s %9.3f %9.3f %14.0f %14.0f %12llu\n", sides[i].name, w, c,
               (double)lines / w, (double)lines / c, (unsigned long long)sides[i].objects);
        if (i > 0)
            printf("   ours/%s: wall %.2f, CPU %.2f (time ratios: below 1, ours is faster; "
                   "%s takes %.2fx our CPU)\n",
                   sides[i].name, ow / w, oc / c, sides[i].name, c / oc);
    }
    if (ns == 1)
        printf("   (ours alone: no peer ran beside it)\n");
    config_destroy(&cfg);
    return 0;
}
