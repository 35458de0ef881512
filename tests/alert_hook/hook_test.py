#!/usr/bin/env python3
"""alert_hook against a local HTTP receiver (python3 http.server):
 1. outage: the receiver is up, goes down for OUTAGE_S (default 8 s, configurable: production
    outages of 30 s and more work the same way) while alerts keep coming, and comes back; it
    must see every alert's open, update and close exactly once, in order, and the node must
    report the failed attempts it retried;
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
OUTAGE_S = float(os.environ.get("OUTAGE_S", "8"))
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

    def up(self):
        docs = self.docs

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                docs.append(json.loads(self.rfile.read(n)))
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
    """Start alert_hook and the script, follow schedule [(t_s, action)], return (docs, log)."""
    port, zport = free_port(), free_port()
    rx = Receiver(port)
    h = subprocess.Popen([hook, "--sub", f">tcp://127.0.0.1:{zport}", "--urls",
                          f"http://127.0.0.1:{port}/hook", "--retry_initial_s", "0.2", "--retry_max_s", "1",
                          "--timeout_s", "2", "--drain_s", "60", "--pub", "", *extra],
                         stderr=subprocess.PIPE, text=True)
    s = subprocess.Popen([script, "--pub", f"@tcp://127.0.0.1:{zport}", "--subscribers", "1",
                          "--alerts", str(n_alerts), "--interval_s", str(interval_s), "--eos_linger_s", "2"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    for at, action in schedule:
        time.sleep(max(0, at - (time.monotonic() - t0)))
        getattr(rx, action)()
    _, log = h.communicate(timeout=120)
    s.wait(timeout=30)
    if rx.server and rx.thread.is_alive():
        rx.down()
    return rx.docs, log, h.returncode


def counters(log):
    m = re.search(r"alerts (\d+), queued (\d+), delivered (\d+), dropped (\d+) \(queue full\), "
                  r"failed attempts (\d+), expired (\d+), abandoned (\d+)", log)
    keys = ("alerts", "queued", "delivered", "dropped", "failed", "expired", "abandoned")
    return dict(zip(keys, map(int, m.groups()))) if m else None


# 1. outage in the middle: 15 alerts = 45 messages over ~4.5 s; receiver down from 1.5 s
docs, log, rc = run(15, 0.1, [], [(0, "up"), (1.5, "down"), (1.5 + OUTAGE_S, "up")])
c = counters(log)
print("outage:", c, "received", len(docs))
if rc != 0 or not c:
    fail.append(f"alert_hook exit {rc}: {log[-2000:]}")
else:
    seen = [(d["alert_id"], d["event"]) for d in docs]
    want = [(k // 3 + 1, ("open", "update", "close")[k % 3]) for k in range(45)]
    if sorted(seen) != sorted(want) or len(set(seen)) != len(seen):
        fail.append(f"every open/update/close exactly once: got {len(seen)} ({len(set(seen))} distinct)")
    for a in range(1, 16):
        order = [d["event"] for d in docs if d["alert_id"] == a]
        if order != ["open", "update", "close"]:
            fail.append(f"alert {a} arrived as {order}")
    if c["failed"] < 1:
        fail.append("the outage caused no failed attempt: the mechanism was not exercised")
    if c["delivered"] != 45 or c["dropped"] != 0 or c["abandoned"] != 0:
        fail.append(f"counters {c}")
    d = docs[0]
    for k in ("source", "delivery_id", "event", "alert_id", "rule", "mmsi", "track_id", "time", "start",
              "end", "lat", "lon", "score", "evidence"):
        if k not in d:
            fail.append("document without " + k)
    if not isinstance(d.get("mmsi"), int) or not re.match(r"^\d{4}-\d\d-\d\dT.*Z$", d.get("start", "")):
        fail.append(f"document fields: {d}")

# 2. overflow: receiver down while 21 messages arrive, up after they all did
docs, log, rc = run(7, 0.05, ["--queue_max", "5"],
                    [(3.0, "up")])
c = counters(log)
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
