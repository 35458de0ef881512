/* Shared pieces of the demodulator benchmarks and the modulator tests: random messages, our
 * demodulator over a file, AIS-catcher as a child process, and matching what was decoded
 * against what was sent (by payload bits). */
#ifndef CENTINELA_TESTS_DSP_BENCH_UTIL_H
#define CENTINELA_TESTS_DSP_BENCH_UTIL_H

#include "ais_modulate.h"

#include <stddef.h>
#include <stdint.h>

uint64_t bu_rand(uint64_t *state);
double bu_uniform(uint64_t *state); /* [0, 1) */
/* A random type 1 position report with a 9-digit MMSI (168 bits, MSB-first into msb[21]). */
void bu_random_msg(uint64_t *rng, uint8_t msb[21]);

typedef struct {
    size_t nbits;
    char channel;
    uint8_t bits[AIS_MODULATE_MAX_BYTES];
} bu_msg;

typedef struct {
    bu_msg *v;
    size_t n, cap;
    double cpu_s;    /* user + system CPU of the decoder (getrusage; the child's for a peer) */
    double signal_s; /* seconds of signal read (ours) */
    int exit_code;   /* peer: its exit status */
} bu_set;

void bu_set_add(bu_set *s, const uint8_t *bits, size_t nbits, char channel);
void bu_set_free(bu_set *s);

/* Our demodulator over a file (format from the extension, rate_hz for raw files, 0 otherwise).
 * cpu_s covers reading and demodulating (getrusage around the loop).  0 or -1. */
int bu_decode_ours(const char *path, double rate_hz, bu_set *out);

/* Interference cancellation in bu_decode_ours: 1 on (default), 0 off. */
void bu_set_sic(int on);

/* The peer binary from $AISCATCHER, NULL when unset or empty. */
const char *bu_peer(void);
/* Run argv (argv[0] = the binary) and parse its NMEA output on stdout into messages; stdin
 * from stdin_fd (-1: /dev/null).  cpu_s: the child's user + system time (wait4).  0 or -1. */
int bu_run_peer(char *const argv[], int stdin_fd, bu_set *out);
/* Start argv with a pipe on stdin; returns the write end (the caller writes then closes it),
 * or -1.  Finish with bu_peer_wait. */
typedef struct bu_peer_proc bu_peer_proc;
bu_peer_proc *bu_peer_start(char *const argv[], int *stdin_write_fd);
int bu_peer_wait(bu_peer_proc **p, bu_set *out);

/* Matching by payload: how many sent bursts were decoded (any channel), and how many distinct
 * decoded payloads match nothing sent. */
typedef struct {
    int sent, found, extra;
} bu_match;
bu_match bu_match_sent(const ais_modulate_burst *sent, size_t nsent, const bu_set *dec);
/* Whether one payload is in the set. */
int bu_set_has(const bu_set *s, const uint8_t *bits, size_t nbits);

/* Process CPU seconds (user + system) of this process so far. */
double bu_cpu_self(void);

#endif
