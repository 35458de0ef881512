/* libFuzzer harness: publisher journals (centinela/journal.h).  The input is written as the
 * segments of one journal (split at its first byte) and then read back the two ways the runtime
 * reads journals: a writer reopening it (scanning for the last sequence of each type) and a
 * reader returning its frames.  Neither may read out of bounds or loop, whatever the bytes. */
#include "centinela/journal.h"
#include "centinela/wire.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

static void put(const char *name, const uint8_t *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (n && fwrite(p, 1, n, f) != n)
        abort();
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/centinela-fuzz-journal-%d", (int)getpid());
        char cmd[128];
        snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
        if (system(cmd) != 0)
            abort();
        atexit(cleanup);
    }
    size_t split = size ? (size_t)data[0] * size / 256 : 0;
    put("f.0.jnl", data, split);
    put("f.1.jnl", data + split, size - split);
    char path[128];
    snprintf(path, sizeof path, "%s/f.2.jnl", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/f.epoch", dir);
    unlink(path);

    static uint8_t buf[WIRE_MAX_FRAME];
    journal_reader *r = journal_reader_open(dir, "f");
    if (r) {
        long k;
        while ((k = journal_read(r, buf, sizeof buf)) != 0) {
            if (k > 0) {
                wire_header h;
                (void)wire_header_decode(buf, (size_t)k, &h);
            }
        }
        journal_reader_close(&r);
    }
    journal_writer *w = journal_writer_open(dir, "f", 1u << 20);
    if (w) {
        for (int t = 0; t < JOURNAL_TYPES; t++)
            (void)journal_writer_last_seq(w, (uint8_t)t);
        journal_writer_close(&w);
    }
    return 0;
}
