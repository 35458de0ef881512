/* The node runtime: what every Centinela process shares.
 *
 * A node has at most one input socket (SUB, connected or bound to any number of endpoints) and
 * one output socket (XPUB) on which it publishes its data topics and its `stats` heartbeat.
 * Endpoints are written CZMQ-style: "@tcp://127.0.0.1:5555" binds, ">ipc://x" connects, several
 * separated by commas; "${run_dir}" expands to $CENTINELA_RUN_DIR (default /tmp/centinela).
 *
 * Delivery: a publisher waits for its expected subscribers (`subscribers`) before the first
 * message.  With `lossless = true` (replays) it then blocks when a subscriber's queue is full
 * (XPUB_NODROP), so nothing is dropped; with `lossless = false` (live) it never blocks: ZeroMQ
 * drops for the slow subscriber only, and that subscriber counts the gap in its sequence numbers
 * (`seq_missing`).  Subscribers also count every refused frame by class.
 *
 * End of stream: a node that has finished publishes a message with WIRE_FLAG_EOS on each of its
 * data topics, then keeps re-sending it once a second while anyone is still subscribed (so a
 * restarted downstream node still learns the stream ended), and exits when its subscribers have
 * gone or after `eos_linger_s`.  A node with inputs ends when it has seen EOS from `eos_inputs`
 * distinct publishers (default: the number of input endpoints).
 *
 * SIGINT/SIGTERM stop the loop; the node's finish handler flushes before it exits.
 */
#ifndef CENTINELA_NODE_H
#define CENTINELA_NODE_H

#include "centinela/config.h"
#include "centinela/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct node node;

typedef struct node_handlers {
    /* One valid data message (header checked, payload not yet decoded).  Return 0, or -1 to
     * count the payload as malformed (the node keeps running). */
    int (*on_message)(void *ctx, const wire_header *h, const uint8_t *payload, size_t len);
    /* Sources (no input socket): produce some output; return 0 to be called again, 1 when the
     * stream is finished, -1 on a fatal error.  The runtime checks signals between calls. */
    int (*produce)(void *ctx);
    /* Called about every 100 ms of wall-clock time (housekeeping, never event logic). */
    void (*on_tick)(void *ctx);
    /* Called once when all inputs ended (EOS) or a source finished, or on SIGINT/SIGTERM:
     * flush everything.  end_of_stream tells which; the runtime then publishes EOS on every
     * declared output type (only when end_of_stream). */
    void (*on_finish)(void *ctx, bool end_of_stream);
} node_handlers;

/* Options every node has; a node lists its own table beside this one. */
extern const opt_spec node_common_options[];

/* Parse the configuration (common options + the node's own), set up logging and signals, open
 * the sockets.  Returns NULL and sets *exit_code (0 after --help/--dump-config, 2 on a bad
 * configuration, 1 on another failure). */
node *node_create(const char *name, const opt_spec *options, const char *summary, int argc,
                  char **argv, int *exit_code);
void node_destroy(node **n);

const config *node_config(const node *n);
const char *node_name(const node *n);
uint32_t node_source_id(const node *n);

/* Declare a data type this node publishes (used for EOS and subscriber counting). */
void node_declare_output(node *n, enum wire_type type);

/* Declare a data type this node consumes (subscribed unless `topics` overrides). */
void node_declare_input(node *n, enum wire_type type);

/* Register a named counter reported in every stats message; returns a pointer the node bumps. */
uint64_t *node_counter(node *n, const char *name);
/* A named gauge (progress fraction, vessels...) reported in stats. */
void node_gauge(node *n, const char *name, double value);
/* A named text value reported in stats (e.g. the archive path). */
void node_info(node *n, const char *name, const char *value);

/* Publish one message: the runtime writes the header (source id, per-type sequence number,
 * version) and sends [topic, header+payload].  Returns 0, or -1 when dropped (live mode, queue
 * full: counted) or on a socket error (logged). */
int node_publish(node *n, enum wire_type type, int64_t event_time_ns, uint16_t flags,
                 const uint8_t *payload, size_t len);
/* Event time of the latest message handled or published (for stats and EOS headers). */
int64_t node_event_time(const node *n);

/* A restarted node that knows the last sequence number it handled from a publisher (from its
 * own output, e.g. the archive) says so before node_run: what was lost while it was away is
 * then counted as seq_missing instead of passing unseen. */
void node_expect_sequence(node *n, uint32_t source_id, enum wire_type type, uint64_t last_seq);

/* Restarts inside a launcher's graph.  Every publisher journals what it publishes (journal_mb,
 * centinela/journal.h); a subscriber reads its inputs' journals when it starts and whenever a
 * publisher's sequence skips, so a restarted node, or one that missed messages, gets them, and
 * frames it already had are dropped (counted as rx.duplicates).  A restarted node resumes in one
 * of two ways:
 *   NODE_REPLAY    everything the earlier process was given is still on hand (a file source that
 *                  called node_set_replayable, or input journals from their first frame): the
 *                  node recomputes from the start; what it publishes up to where the earlier
 *                  process stopped is compared with the journal and not sent again, so the
 *                  downstream record is exactly that of an undisturbed run (ids included).
 *   NODE_CONTINUE  otherwise: sequences continue after the journal, state starts fresh; ids the
 *                  node makes must not repeat earlier ones (use node_epoch()).
 * NODE_FRESH: the first process of this node in the graph (or no journal). */
enum node_resume { NODE_FRESH, NODE_REPLAY, NODE_CONTINUE };
enum node_resume node_resume_mode(node *n);
/* Earlier processes of this node in this graph (0 on the first start, or without a journal). */
uint32_t node_epoch(const node *n);
/* Read back what earlier processes of this node published of `type`, oldest first (from its
 * journal).  Returns the frames read, or -1 without a journal. */
long node_read_own_journal(node *n, enum wire_type type,
                           void (*fn)(void *ctx, const wire_header *h, const uint8_t *payload,
                                      size_t len),
                           void *ctx);
/* A source whose input can be read again from the start (a file) says so before node_run. */
void node_set_replayable(node *n, bool replayable);

/* Run the loop until end of stream, a fatal error or a signal.  Returns the process exit code. */
int node_run(node *n, const node_handlers *h, void *ctx);
/* True once SIGINT/SIGTERM was received (long handlers may poll it). */
bool node_stopping(const node *n);
/* Publish stats now (also done every stats_interval_s and at exit). */
void node_publish_stats(node *n);

/* Receive one `stats` message waiting on a SUB socket subscribed to "stats" (a stats_sub socket
 * of the archiver or the metrics node).  Returns 1 with its header in *h and its JSON text in
 * json (cap bytes), 0
 * when none waits, -1 for a malformed or foreign message (drained and skipped).  frame is
 * scratch of WIRE_MAX_FRAME bytes. */
int node_recv_stats(void *sock, uint8_t *frame, wire_header *h, char *json, size_t cap);
/* Open such a socket: a SUB on "stats" in a ZeroMQ context of its own, attached to endpoints
 * (bare ones connect), linger 0.  Returns the count attached with *zctx and *sock set (the caller
 * closes both), or -1 (logged; nothing left open). */
int node_open_stats_sub(const char *endpoints, void **zctx, void **sock);

/* Endpoint helpers, exposed for the launcher and the tap. */
/* Expand ${run_dir} in s; result malloc'd. */
char *node_expand_endpoint(const char *s);
/* Attach socket to every endpoint in the comma-separated list ("@" binds, ">" connects, bare
 * defaults to default_bind ? bind : connect).  Returns the count attached, or -1 (logged). */
int node_attach(void *socket, const char *endpoints, bool default_bind);

#endif
