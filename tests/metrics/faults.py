#!/usr/bin/env python3
"""Drops and gaps from a fault reach the metrics endpoint, with the values the nodes report.

A live receiver graph (lossless = false, no journals, small queues): sdr_source plays the bundled
recording in real time into ais_demod, and the metrics node serves both nodes' stats.  Partway
through, ais_demod is stopped (SIGSTOP, its pid from the launcher's health.json) for STOP_S
seconds: its queue fills and ZeroMQ drops blocks for it (a live publisher never waits), and the
demodulator, resumed, sees the gaps in the source's sequence numbers (rx_seq_missing) and
restarts over the lost samples (sample_gaps).  The endpoint is scraped during the run and
through the metrics node's linger after the end of stream; the last scrape must hold
  - centinela_ais_demod_rx_seq_missing_total  > 0 and = ais_demod's own count,
  - centinela_ais_demod_sample_gaps_total     > 0 and = ais_demod's own count,
  - centinela_sdr_source_tx_hwm_drops_total   = sdr_source's own count (a live publisher's
    queue drops happen inside ZeroMQ and are counted by the subscriber, as above),
where "own count" is the node's last stats in health.json and, for the runtime's counters, its
closing log line; and every block the source published is either received or counted missing:
  sdr_source blocks + 1 <= ais_demod rx_messages + rx_seq_missing <= sdr_source tx_messages
(the source repeats its end of stream once a second until its subscriber leaves; the one the
demodulator ends on may be the second, the first lost like any block).
Each scrape passes `promtool check metrics` when promtool is installed.
    faults.py <build dir> <source dir>
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

build, src = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
STOP_AT_S, STOP_S = 6.0, 4.0
rec = os.path.join(src, "datasets/panama-gulf.sigmf-meta")
if not os.path.exists(rec):
    print("SKIP: " + rec + " missing")
    sys.exit(77)
promtool = shutil.which("promtool")
work = tempfile.mkdtemp(prefix="centinela-metrics-faults-")
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
# 32 kB blocks and queues of 4 messages: STOP_S of stopped demodulator (about 3 MB of signal)
# is far more than the socket buffers and queues hold, so the source must drop.
conf = f"""[centinela]
nodes = sdr_source, ais_demod, metrics
run_dir = {work}/run
progress = off
stall_timeout_s = 0

[sdr_source]
input = {rec}
pace = realtime
block_samples = 4096
lossless = false
hwm = 4
journal_mb = 0

[ais_demod]
sub = >ipc://${{run_dir}}/sdr_source
lossless = false
hwm = 4
journal_mb = 0

[metrics]
sub = >ipc://${{run_dir}}/ais_demod
topics = ais
stats_sub = >ipc://${{run_dir}}/sdr_source, >ipc://${{run_dir}}/ais_demod
listen = 127.0.0.1:{port}
linger_s = 4
journal_mb = 0
"""
with open(os.path.join(work, "graph.conf"), "w") as f:
    f.write(conf)


def die_with_test():
    """The graph ends if this test is killed (a CTest time-out): PR_SET_PDEATHSIG, SIGTERM."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)


g = subprocess.Popen([build + "/nodes/centinela/centinela", "-c", "graph.conf"], cwd=work,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=die_with_test)
stopped_pid = None
fail, scrapes, last = [], 0, ""


def node_pid(name):
    try:
        with open(os.path.join(work, "run/health.json")) as f:
            h = json.load(f)
    except (OSError, ValueError):
        return None
    for n in h.get("nodes", []):
        if n.get("node") == name and n.get("state") == "running" and n.get("pid", 0) > 0:
            return n["pid"]
    return None


try:
    t0 = time.monotonic()
    resumed = False
    while g.poll() is None:
        time.sleep(0.3)
        now = time.monotonic() - t0
        if stopped_pid is None and not resumed and now >= STOP_AT_S:
            stopped_pid = node_pid("ais_demod")
            if stopped_pid:
                os.kill(stopped_pid, signal.SIGSTOP)
                print(f"ais_demod (pid {stopped_pid}) stopped at {now:.1f} s")
        elif stopped_pid and now >= STOP_AT_S + STOP_S:
            os.kill(stopped_pid, signal.SIGCONT)
            print(f"ais_demod resumed at {now:.1f} s")
            stopped_pid, resumed = None, True
        try:
            body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
        except OSError:
            continue
        scrapes += 1
        if promtool:
            r = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True, text=True)
            if r.returncode != 0:
                fail.append("promtool: " + (r.stdout + r.stderr)[:1500])
                break
        last = body
    out, err = g.communicate(timeout=120)
finally:
    if stopped_pid:
        os.kill(stopped_pid, signal.SIGCONT)
    if g.poll() is None:
        g.kill()
        g.wait()

print(out)
if g.returncode != 0:
    fail.append(f"launcher exit {g.returncode}: {err[-1500:]}")
if not resumed:
    fail.append("ais_demod was never stopped: no fault was provoked")
print(f"{scrapes} scrapes" + (", each checked by promtool" if promtool else " (promtool not installed)"))


def metric(name):
    m = re.search(r"(?m)^" + re.escape(name) + r" (\S+)$", last)
    return int(float(m.group(1))) if m else None


with open(os.path.join(work, "run/health.json")) as f:
    health = {n["node"]: n.get("stats") or {} for n in json.load(f)["nodes"]}
# Closing log lines: "<node>: node.c:…: end of stream: rx R messages (J rejected, M missing by
# sequence), tx T (D dropped)"
logged = {}
for name, rx, missing, tx, dropped in re.findall(
        r"(?m)^\S+ \w+ +(\w+): node\.c:\d+: end of stream: rx (\d+) messages \(\d+ rejected, (\d+) missing "
        r"by sequence\), tx (\d+) \((\d+) dropped\)", err):
    logged[name] = {"missing": int(missing), "dropped": int(dropped)}
for n in ("sdr_source", "ais_demod"):
    if n not in logged:
        fail.append(f"no closing log line from {n}")
if not fail:
    checks = [  # (metric, node's last stats, node's closing log line or None, must be > 0)
        ("centinela_ais_demod_rx_seq_missing_total", health["ais_demod"]["rx"]["seq_missing"],
         logged["ais_demod"]["missing"], True),
        ("centinela_ais_demod_sample_gaps_total", health["ais_demod"]["counters"]["sample_gaps"], None, True),
        ("centinela_sdr_source_tx_hwm_drops_total", health["sdr_source"]["tx"]["hwm_drops"],
         logged["sdr_source"]["dropped"], False),
        ("centinela_ais_demod_rx_messages_total", health["ais_demod"]["rx"]["messages"], None, True),
        ("centinela_sdr_source_blocks_total", health["sdr_source"]["counters"]["blocks"], None, True),
    ]
    for name, own, log_value, nonzero in checks:
        got = metric(name)
        print(f"{name}: endpoint {got}, node stats {own}" + (f", log {log_value}" if log_value is not None else ""))
        if got is None:
            fail.append(f"{name} missing from the endpoint")
        elif nonzero and got == 0:
            fail.append(f"{name} is 0: the fault was not seen")
        elif got != own or (log_value is not None and got != log_value):
            fail.append(f"{name}: endpoint {got} differs from the node's own count")
    rx, missing = metric("centinela_ais_demod_rx_messages_total"), metric("centinela_ais_demod_rx_seq_missing_total")
    blocks, sent = metric("centinela_sdr_source_blocks_total"), metric("centinela_sdr_source_tx_messages_total")
    if None in (rx, missing, blocks, sent) or not blocks + 1 <= rx + missing <= sent:
        fail.append(f"received {rx} + missing {missing} is not between the {blocks} blocks + end of "
                    f"stream and the {sent} messages the source sent")
    else:
        print(f"received {rx} + missing {missing} = {rx + missing}: {blocks} blocks published, "
              f"{sent - blocks} end-of-stream messages sent")
shutil.rmtree(work, ignore_errors=True)
for f in fail:
    print("FAIL:", f)
print("FAIL" if fail else "PASS")
sys.exit(1 if fail else 0)
