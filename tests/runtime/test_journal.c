/* Publisher journals (centinela/journal.h): what a writer appends a reader returns in order; a
 * reopened writer knows the last sequence of each type and its epoch; segments rotate and the
 * oldest go; a record cut short by a kill ends its segment and the next process's frames follow
 * it; a journal is found through the endpoint a publisher binds. */
#include "centinela/journal.h"
#include "centinela/wire.h"
#include "check.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static size_t frame(uint8_t *buf, uint8_t type, uint64_t seq, size_t payload)
{
    wire_header h = {WIRE_VERSION, type, 0, 42, (uint32_t)payload, seq, 1714564800000000000 + (int64_t)seq};
    wire_header_encode(&h, buf);
    memset(buf + WIRE_HEADER_LEN, (int)(seq & 0xff), payload);
    return WIRE_HEADER_LEN + payload;
}

static int count_segments(const char *dir, const char *name)
{
    int n = 0;
    for (int k = 0; k < 100; k++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s.%d.jnl", dir, name, k);
        n += access(p, F_OK) == 0;
    }
    return n;
}

int main(void)
{
    char dir[] = "/tmp/centinela-journal-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    static uint8_t buf[WIRE_MAX_FRAME], got[WIRE_MAX_FRAME];

    /* Write, link an endpoint, read back in order. */
    journal_writer *w = journal_writer_open(dir, "pub", 1u << 20);
    CHECK(w && !journal_writer_resumed(w) && journal_writer_epoch(w) == 0);
    CHECK(journal_link_endpoint(w, "ipc:///run/x/pub") == 0);
    for (uint64_t s = 1; s <= 10; s++)
        CHECK(journal_append(w, buf, frame(buf, WIRE_AIS, s, 20)) == 0);
    CHECK(journal_append(w, buf, frame(buf, WIRE_TRACK, 1, 5)) == 0);
    journal_reader *r = journal_reader_open_endpoint(dir, "ipc:///run/x/pub");
    CHECK(r != NULL && journal_reader_complete(r));
    CHECK(journal_reader_open_endpoint(dir, "ipc:///run/x/other") == NULL);
    for (uint64_t s = 1; s <= 10 && r; s++) {
        long k = journal_read(r, got, sizeof got);
        wire_header h;
        CHECK(k == WIRE_HEADER_LEN + 20 && wire_header_decode(got, (size_t)k, &h) == WIRE_OK &&
              h.seq == s && h.type == WIRE_AIS);
    }
    CHECK(r && journal_read(r, got, sizeof got) == WIRE_HEADER_LEN + 5);
    CHECK(r && journal_read(r, got, sizeof got) == 0); /* the current end */
    CHECK(journal_append(w, buf, frame(buf, WIRE_AIS, 11, 1)) == 0);
    CHECK(r && journal_read(r, got, sizeof got) == WIRE_HEADER_LEN + 1); /* appended later */
    journal_writer_close(&w);

    /* A kill leaves a record cut short: the reopened writer starts a new segment, knows the
     * last sequences, and a reader passes the cut record to the new frames. */
    char seg[600];
    snprintf(seg, sizeof seg, "%s/pub.0.jnl", dir);
    int fd = open(seg, O_WRONLY | O_APPEND);
    uint8_t cut[4] = {200, 0, 0, 0}; /* a length with no frame behind it */
    CHECK(fd >= 0 && write(fd, cut, 4) == 4);
    close(fd);
    CHECK(r && journal_read(r, got, sizeof got) == 0);
    w = journal_writer_open(dir, "pub", 1u << 20);
    CHECK(w && journal_writer_resumed(w) && journal_writer_complete(w) && journal_writer_epoch(w) == 1);
    CHECK(journal_writer_last_seq(w, WIRE_AIS) == 11 && journal_writer_last_seq(w, WIRE_TRACK) == 1 &&
          journal_writer_last_seq(w, WIRE_ALERT) == 0);
    CHECK(journal_append(w, buf, frame(buf, WIRE_AIS, 12, 3)) == 0);
    long k = r ? journal_read(r, got, sizeof got) : 0;
    wire_header h;
    CHECK(k == WIRE_HEADER_LEN + 3 && wire_header_decode(got, (size_t)k, &h) == WIRE_OK && h.seq == 12);
    journal_reader_close(&r);
    journal_writer_close(&w);

    /* Rotation: segments of a quarter of the size, the four newest kept; a reader opened late
     * starts at the oldest kept and says the journal is no longer complete. */
    journal_writer *v = journal_writer_open(dir, "big", 64 * 1024);
    for (uint64_t s = 1; s <= 200; s++)
        CHECK(journal_append(v, buf, frame(buf, WIRE_AIS, s, 1000)) == 0);
    CHECK(count_segments(dir, "big") == 4);
    journal_reader *late = journal_reader_open(dir, "big");
    CHECK(late && !journal_reader_complete(late));
    k = late ? journal_read(late, got, sizeof got) : 0;
    CHECK(k > 0 && wire_header_decode(got, (size_t)k, &h) == WIRE_OK && h.seq > 1);
    uint64_t last = h.seq, n = 1;
    while (late && (k = journal_read(late, got, sizeof got)) > 0) {
        CHECK(wire_header_decode(got, (size_t)k, &h) == WIRE_OK && h.seq == last + 1);
        last = h.seq;
        n++;
    }
    CHECK(last == 200);
    printf("rotation: 200 frames of 1 kB in a 64 kB journal, %llu kept\n", (unsigned long long)n);
    journal_reader_close(&late);
    journal_writer_close(&v);

    /* Bad arguments are refused. */
    CHECK(journal_writer_open(dir, "", 1u << 20) == NULL);
    CHECK(journal_writer_open(dir, "x", 0) == NULL);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return g_failures ? 1 : 0;
}
