/* Publisher journals: what a node published, kept on disk in the graph's run directory.
 *
 * Inside a launcher's graph every node appends each data frame it publishes to its journal
 * *before* sending it.  So whatever a subscriber has seen is in the journal, and a subscriber
 * that restarts, or that sees a gap in a publisher's sequence, reads what it missed there, even
 * when the publisher has already ended (its end-of-stream frames are journaled too).  A killed
 * node loses nothing of its own output: the journal is written with write(2), so a SIGKILL
 * leaves every completed record in the page cache.
 *
 * Files, in the journal directory (`$run_dir/journal`, wiped by the launcher when a graph
 * starts):
 *   <name>.<k>.jnl   segments, k = 0, 1, 2 ...; records are a u32 little-endian frame length
 *                    followed by the wire frame (32-byte header + payload).  A segment rotates
 *                    after max_bytes / 4; the four newest are kept, so a journal holds between
 *                    3/4 and all of max_bytes of the newest frames.
 *   ep.<endpoint>    a symbolic link to <name> for each endpoint the publisher binds (non-file
 *                    characters of the endpoint replaced by '_'), so a subscriber finds the
 *                    journal of the endpoint it connects to.
 *   <name>.epoch     how many times a process of this name has started in this graph.
 * A record cut short by a kill (length without its frame) ends the journal where it stands.
 */
#ifndef CENTINELA_JOURNAL_H
#define CENTINELA_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOURNAL_TYPES 32 /* covers every wire type */

typedef struct journal_writer journal_writer;

/* Open (or, after a restart, reopen) the journal `name` in dir; max_bytes > 0.  Reads what a
 * previous process of this name left: the last sequence per type (journal_writer_last_seq) and
 * whether the journal still starts at its first segment.  Increments the epoch.  NULL on error
 * (logged). */
journal_writer *journal_writer_open(const char *dir, const char *name, uint64_t max_bytes);
/* Append one whole wire frame.  0, or -1 on a write error (logged once; the journal then stops
 * and its readers see loss, counted by sequence). */
int journal_append(journal_writer *w, const uint8_t *frame, size_t len);
/* Link endpoint (as given to zmq_bind, ${run_dir} expanded) to this journal. */
int journal_link_endpoint(journal_writer *w, const char *endpoint);
/* Last sequence number of `type` journaled by earlier processes of this name (0: none). */
uint64_t journal_writer_last_seq(const journal_writer *w, uint8_t type);
/* Starts of this name before this one (0 on the first start). */
uint32_t journal_writer_epoch(const journal_writer *w);
/* True when an earlier process of this name published anything. */
bool journal_writer_resumed(const journal_writer *w);
/* True when the journal still holds its first segment (everything ever published). */
bool journal_writer_complete(const journal_writer *w);
void journal_writer_close(journal_writer **w);

typedef struct journal_reader journal_reader;

/* Open the journal a publisher keeps for `endpoint` (connect form, ${run_dir} expanded); NULL
 * when there is none (yet): not an error. */
journal_reader *journal_reader_open_endpoint(const char *dir, const char *endpoint);
/* Open the journal `name` itself (a node reading its own). */
journal_reader *journal_reader_open(const char *dir, const char *name);
/* Next frame into buf (cap bytes).  Returns its length, 0 at the current end of the journal
 * (the publisher may append more later), -1 when a record is larger than cap (skipped). */
long journal_read(journal_reader *r, uint8_t *buf, size_t cap);
/* True when the journal still starts at its first segment. */
bool journal_reader_complete(journal_reader *r);
/* Start again from the oldest segment still on disk. */
void journal_reader_rewind(journal_reader *r);
void journal_reader_close(journal_reader **r);

#endif
