/* Benchmark helpers: decoders on files, the peer as a child process, payload matching. */
#include "bench_util.h"

#include "centinela/ais_demod.h"
#include "centinela/iqfile.h"
#include "centinela/log.h"
#include "centinela/nmea.h"
#include "centinela/sixbit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

uint64_t bu_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double bu_uniform(uint64_t *s)
{
    return (double)(bu_rand(s) >> 11) / 9007199254740992.0;
}

void bu_random_msg(uint64_t *rng, uint8_t msb[21])
{
    for (int i = 0; i < 21; i++)
        msb[i] = (uint8_t)bu_rand(rng);
    msb[0] = (uint8_t)((1 << 2) | (msb[0] & 3)); /* type 1, random repeat indicator */
    /* a 9-digit MMSI: decoders may refuse 30-bit values above 999999999 (AIS-catcher drops
     * them while still decoding), which would count as misses that are not the radio's */
    sixbit_put_u(msb, 8, 30, (uint32_t)(201000000 + bu_rand(rng) % 574000000));
    /* fields in range, as a real transmitter's are (the receiver checks those of soft-repaired
     * frames): position inside +-180 / +-90 degrees, course, heading, manoeuvre indicator */
    int64_t lon = (int64_t)(bu_rand(rng) % 216000001) - 108000000;
    int64_t lat = (int64_t)(bu_rand(rng) % 108000001) - 54000000;
    sixbit_put_u(msb, 61, 28, (uint32_t)lon & 0x0FFFFFFFu);
    sixbit_put_u(msb, 89, 27, (uint32_t)lat & 0x07FFFFFFu);
    sixbit_put_u(msb, 116, 12, (uint32_t)(bu_rand(rng) % 3601));
    sixbit_put_u(msb, 128, 9, (uint32_t)(bu_rand(rng) % 360));
    sixbit_put_u(msb, 143, 2, (uint32_t)(bu_rand(rng) % 3));
    /* the 3 spare bits clear but in 1.5 % of reports, as in the real feeds of ../shared (1,855
     * of 127,123 type 1-3 reports: AMSA, Vernon, DMA); the receiver weighs set ones */
    if (bu_rand(rng) % 1000 >= 15)
        sixbit_put_u(msb, 145, 3, 0);
}

void bu_set_add(bu_set *s, const uint8_t *bits, size_t nbits, char channel)
{
    if (nbits == 0 || nbits > AIS_MODULATE_MAX_BYTES * 8)
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->v = x_realloc(s->v, s->cap * sizeof *s->v);
    }
    bu_msg *m = &s->v[s->n++];
    memset(m, 0, sizeof *m);
    m->nbits = nbits;
    m->channel = channel;
    memcpy(m->bits, bits, (nbits + 7) / 8);
    if (nbits % 8)
        m->bits[nbits / 8] &= (uint8_t)(0xFF << (8 - nbits % 8));
}

void bu_set_free(bu_set *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

double bu_cpu_self(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec * 1e-6;
}

static int g_sic = 1;

void bu_set_sic(int on)
{
    g_sic = on;
}

int bu_decode_ours(const char *path, double rate_hz, bu_set *out)
{
    iqfile_options io = {.sample_rate_hz = rate_hz};
    iqfile_reader *r = iqfile_open(path, &io);
    if (!r)
        return -1;
    const iqfile_info *info = iqfile_get_info(r);
    ais_demod_config dc;
    ais_demod_config_default(&dc, info->sample_rate_hz);
    dc.center_hz = info->center_hz;
    dc.input_real = info->kind == IQFILE_KIND_REAL;
    dc.sic = g_sic ? 1 : -1;
    ais_demod *q = ais_demod_create(&dc);
    if (!q) {
        iqfile_close(&r);
        return -1;
    }
    enum { N = 65536 };
    float complex *x = x_malloc(N * sizeof *x);
    float *xr = (float *)x;
    int rc = 0;
    ais_demod_frame f;
    double t0 = bu_cpu_self();
    for (int done = 0; !done;) {
        long n = dc.input_real ? iqfile_read_real(r, xr, 2 * N) : iqfile_read_cf32(r, x, N);
        if (n < 0) {
            rc = -1;
            break;
        }
        if (n == 0) {
            ais_demod_flush(q);
            done = 1;
        } else if (dc.input_real) {
            ais_demod_process_real(q, xr, (size_t)n);
        } else {
            ais_demod_process_cf32(q, x, (size_t)n);
        }
        while (ais_demod_pop(q, &f))
            bu_set_add(out, f.bits, f.nbits, f.channel);
    }
    out->cpu_s += bu_cpu_self() - t0;
    out->signal_s += info->samples_read / info->sample_rate_hz;
    free(x);
    ais_demod_destroy(&q);
    iqfile_close(&r);
    return rc;
}

const char *bu_peer(void)
{
    const char *p = getenv("AISCATCHER");
    return p && *p ? p : NULL;
}

struct bu_peer_proc {
    pid_t pid;
    int out_fd;
    pthread_t reader;
    bu_set got;
};

/* Reads the child's stdout so it never blocks on a full pipe while we feed its stdin. */
static void *reader_main(void *arg)
{
    bu_peer_proc *p = arg;
    FILE *f = fdopen(p->out_fd, "r");
    if (!f)
        return NULL;
    nmea_assembler *a = nmea_assembler_create(NULL);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    nmea_message m;
    while ((n = getline(&line, &cap, f)) >= 0)
        if (a && nmea_assembler_push(a, line, (size_t)n, NMEA_TIME_NONE, &m) == 1)
            bu_set_add(&p->got, m.bits, m.nbits, m.channel);
    free(line);
    fclose(f);
    nmea_assembler_destroy(&a);
    return NULL;
}

static bu_peer_proc *spawn_peer(char *const argv[], int stdin_fd, int *stdin_write_fd)
{
    int out[2], in[2] = {-1, -1};
    if (pipe(out) != 0)
        return NULL;
    if (stdin_write_fd && pipe(in) != 0) {
        close(out[0]);
        close(out[1]);
        return NULL;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (stdin_write_fd) {
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_addclose(&fa, in[1]);
    } else if (stdin_fd >= 0) {
        posix_spawn_file_actions_adddup2(&fa, stdin_fd, 0);
    } else {
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    bu_peer_proc *p = x_calloc(1, sizeof *p);
    int err = posix_spawn(&p->pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    if (stdin_write_fd)
        close(in[0]);
    if (err != 0) {
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(err));
        close(out[0]);
        if (stdin_write_fd)
            close(in[1]);
        free(p);
        return NULL;
    }
    p->out_fd = out[0];
    if (pthread_create(&p->reader, NULL, reader_main, p) != 0) {
        fprintf(stderr, "cannot start a reader thread\n");
        abort();
    }
    if (stdin_write_fd)
        *stdin_write_fd = in[1];
    return p;
}

bu_peer_proc *bu_peer_start(char *const argv[], int *stdin_write_fd)
{
    signal(SIGPIPE, SIG_IGN); /* a peer that exits early must not kill the bench */
    return spawn_peer(argv, -1, stdin_write_fd);
}

int bu_peer_wait(bu_peer_proc **pp, bu_set *out)
{
    bu_peer_proc *p = *pp;
    *pp = NULL;
    int status = 0;
    struct rusage ru;
    pid_t w;
    while ((w = wait4(p->pid, &status, 0, &ru)) < 0 && errno == EINTR)
        ;
    pthread_join(p->reader, NULL);
    for (size_t i = 0; i < p->got.n; i++)
        bu_set_add(out, p->got.v[i].bits, p->got.v[i].nbits, p->got.v[i].channel);
    bu_set_free(&p->got);
    free(p);
    if (w < 0)
        return -1;
    out->cpu_s += ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec +
                  ru.ru_stime.tv_usec * 1e-6;
    out->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return out->exit_code == 0 ? 0 : -1;
}

int bu_run_peer(char *const argv[], int stdin_fd, bu_set *out)
{
    bu_peer_proc *p = spawn_peer(argv, stdin_fd, NULL);
    if (!p)
        return -1;
    return bu_peer_wait(&p, out);
}

static int same(const bu_msg *m, const uint8_t *bits, size_t nbits)
{
    return m->nbits == nbits && memcmp(m->bits, bits, (nbits + 7) / 8) == 0;
}

int bu_set_has(const bu_set *s, const uint8_t *bits, size_t nbits)
{
    for (size_t i = 0; i < s->n; i++)
        if (same(&s->v[i], bits, nbits))
            return 1;
    return 0;
}

bu_match bu_match_sent(const ais_modulate_burst *sent, size_t nsent, const bu_set *dec)
{
    bu_match r = {(int)nsent, 0, 0};
    /* each decoded frame finds one burst: a payload sent three times and decoded once is one
     * of three found, not three */
    uint8_t *used = x_calloc(dec->n + 1, 1);
    for (size_t i = 0; i < nsent; i++) {
        for (size_t j = 0; j < dec->n; j++) {
            if (!used[j] && same(&dec->v[j], sent[i].bits, sent[i].nbits)) {
                used[j] = 1;
                r.found++;
                break;
            }
        }
    }
    free(used);
    for (size_t j = 0; j < dec->n; j++) {
        int known = 0, dup = 0;
        for (size_t i = 0; i < nsent && !known; i++)
            known = sent[i].nbits == dec->v[j].nbits &&
                    memcmp(sent[i].bits, dec->v[j].bits, (sent[i].nbits + 7) / 8) == 0;
        for (size_t k = 0; k < j && !dup; k++)
            dup = same(&dec->v[k], dec->v[j].bits, dec->v[j].nbits);
        if (!known && !dup)
            r.extra++;
    }
    return r;
}
