#!/usr/bin/env python3
"""alert_hook against a local HTTP receiver (python3 http.server):
 1. outage: the receiver is up, goes down for OUTAGE_S (default 30 s) while alerts keep coming
    (they queue), and comes back; with the node's default back-off (retry_initial_s 1 doubling
    to retry_max_s 10) it must see every alert's open, update and close exactly once, in order,
    the node must report the failed attempts it retried, and the queue must start moving again
    within about retry_max_s of the receiver's return (with the old 60 s cap a 30 s outage
    waited up to half a minute more);
 2. overflow: queue_max 5 and the receiver down while 21 messages arrive: the receiver later
    gets exactly the first 5, and the node counts the 16 it dropped beyond the queue;
 3. bad settings are refused with exit code 2.
    hook_test.py <alert_hook> <alert_hook_script>
"""
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time

hook, script = sys.argv[1], sys.argv[2]
OUTAGE_S = float(os.environ.get("OUTAGE_S", "30"))
RETRY_MAX_S = 10.0  # alert_hook's default retry_max_s, which this test relies on
fail = []


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Receiver:
    def __init__(self, port):
        self.port, self.docs, self.server, self.thread = port, [], None, None
        self.arrived = []  # monotonic time of each document

    def up(self):
        docs, arrived = self.docs, self.arrived

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                docs.append(json.loads(self.rfile.read(n)))
                arrived.append(time.monotonic())
                self.send_response(204)
                self.end_headers()

            def log_message(self, *a):
                pass

        http.server.ThreadingHTTPServer.allow_reuse_address = True
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), H)
        self.thread = threading.Thread(target=self.server.serve_forever)
        self.thread.start()

    def down(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def run(n_alerts, interval_s, extra, schedule):
    """Start alert_hook and the script, follow schedule [(t_s, action)]; return the receiver,
    the node's log, its exit code and the monotonic time of each action."""
    port, zport = free_port(), free_port()
    rx = Receiver(port)
    h = subprocess.Popen([hook, "--sub", f">tcp://127.0.0.1:{zport}", "--urls",
                          f"http://127.0.0.1:{port}/hook", "--timeout_s", "2", "--drain_s", "60",
                          "--pub", "", *extra],
                         stderr=subprocess.PIPE, text=True)
    s = subprocess.Popen([script, "--pub", f"@tcp://127.0.0.1:{zport}", "--subscribers", "1",
                          "--alerts", str(n_alerts), "--interval_s", str(interval_s), "--eos_linger_s", "2"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0, done = time.monotonic(), []
    for at, action in schedule:
        time.sleep(max(0, at - (time.monotonic() - t0)))
        getattr(rx, action)()
        done.append(time.monotonic())
    _, log = h.communicate(timeout=120)
    s.wait(timeout=30)
    if rx.server and rx.thread.is_alive():
        rx.down()
    return rx, log, h.returncode, done


def counters(log):
    m = re.search(r"alerts (\d+), queued (\d+), delivered (\d+), dropped (\d+) \(queue full\), "
                  r"failed attempts (\d+), expired (\d+), abandoned (\d+)", log)
    keys = ("alerts", "queued", "delivered", "dropped", "failed", "expired", "abandoned")
    return dict(zip(keys, map(int, m.groups()))) if m else None


# 1. outage in the middle: 24 alerts = 72 messages, one per 0.5 s (36 s); the receiver is down
#    from 3 s to 3 s + OUTAGE_S, so most alerts open, change and close while nobody listens.
N_ALERTS, INTERVAL_S, DOWN_AT_S = 24, 0.5, 3.0
rx, log, rc, done = run(N_ALERTS, INTERVAL_S, [], [(0, "up"), (DOWN_AT_S, "down"),
                                                   (DOWN_AT_S + OUTAGE_S, "up")])
docs, c = rx.docs, counters(log)
print("outage:", c, "received", len(docs))
if rc != 0 or not c:
    fail.append(f"alert_hook exit {rc}: {log[-2000:]}")
else:
    n_msgs = 3 * N_ALERTS
    seen = [(d["alert_id"], d["event"]) for d in docs]
    want = [(k // 3 + 1, ("open", "update", "close")[k % 3]) for k in range(n_msgs)]
    if sorted(seen) != sorted(want) or len(set(seen)) != len(seen):
        fail.append(f"every open/update/close exactly once: got {len(seen)} ({len(set(seen))} distinct)")
    for a in range(1, N_ALERTS + 1):
        order = [d["event"] for d in docs if d["alert_id"] == a]
        if order != ["open", "update", "close"]:
            fail.append(f"alert {a} arrived as {order}")
    down_s, back_s = done[1], done[2]
    before = sum(1 for t in rx.arrived if t < down_s)
    after = [t for t in rx.arrived if t >= back_s]
    queued = len(after)
    print(f"outage: {before} delivered before the receiver went down, {queued} after it came back "
          f"({OUTAGE_S:.0f} s later)")
    if before < 1 or queued < n_msgs // 2:
        fail.append("the outage did not fall in the middle of the feed: the queue was not exercised")
    # The back-off is capped: the first retry after the receiver is back comes within
    # retry_max_s of it (plus scheduling slack).  Uncapped doubling (1, 2, 4, 8, 16, 32 s)
    # would leave a 30 s outage waiting about 30 s more.
    if after and after[0] - back_s > 2 * RETRY_MAX_S:
        fail.append(f"delivery resumed {after[0] - back_s:.1f} s after the receiver came back "
                    f"(retry_max_s {RETRY_MAX_S:.0f})")
    if after:
        print(f"outage: first delivery {after[0] - back_s:.1f} s after the receiver came back")
    if c["failed"] < 3:
        fail.append("a 30 s outage should cost several failed attempts: the mechanism was not exercised")
    if c["delivered"] != n_msgs or c["dropped"] != 0 or c["abandoned"] != 0:
        fail.append(f"counters {c}")
    d = docs[0]
    for k in ("source", "delivery_id", "event", "alert_id", "rule", "mmsi", "track_id", "time", "start",
              "end", "lat", "lon", "score", "evidence"):
        if k not in d:
            fail.append("document without " + k)
    if not isinstance(d.get("mmsi"), int) or not re.match(r"^\d{4}-\d\d-\d\dT.*Z$", d.get("start", "")):
        fail.append(f"document fields: {d}")

# 2. overflow: receiver down while 21 messages arrive, up after they all did
rx, log, rc, _ = run(7, 0.05, ["--queue_max", "5", "--retry_initial_s", "0.2", "--retry_max_s", "1"],
                     [(3.0, "up")])
docs, c = rx.docs, counters(log)
print("overflow:", c, "received", len(docs))
if rc != 0 or not c:
    fail.append(f"alert_hook exit {rc}: {log[-2000:]}")
else:
    seen = [(d["alert_id"], d["event"]) for d in docs]
    want = [(k // 3 + 1, ("open", "update", "close")[k % 3]) for k in range(5)]
    if seen != want:
        fail.append(f"overflow: expected the first 5 in order, got {seen}")
    if c["alerts"] != 21 or c["dropped"] != 16 or c["delivered"] != 5 or c["delivered"] + c["dropped"] != c["alerts"]:
        fail.append(f"overflow counters {c}")

# 3. bad settings
for bad in (["--urls", "ftp://x/"], ["--urls", ""], ["--urls", "http://127.0.0.1:9/", "--header", "nocolon"],
            ["--queue_max", "0"]):
    r = subprocess.run([hook, "--pub", "", *bad], capture_output=True, text=True, timeout=30)
    if r.returncode != 2 or not r.stderr.strip():
        fail.append(f"{bad}: exit {r.returncode}")

for f in fail:
    print("FAIL:", f)
print("FAIL" if fail else "PASS")
sys.exit(1 if fail else 0)
