#!/usr/bin/env python3
"""The main graph with the metrics node: the endpoint is scraped repeatedly DURING the replay and
every scrape passes `promtool check metrics` (format and lint); the expected families of every
node are there with the centinela_<node>_<what>_total scheme.
    graph_metrics.py <build dir> <source dir>
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

build, src = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
promtool = shutil.which("promtool")
if not promtool:
    print("SKIP: promtool not found (Debian package prometheus)")
    sys.exit(77)
work = tempfile.mkdtemp(prefix="centinela-metrics-")
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
conf = open(os.path.join(src, "configs/tak.conf")).read()
conf = re.sub(r"(?m)^input = .*", "input = " + src + "/datasets/panama-gulf.sigmf-meta", conf)
conf = re.sub(r"(?m)^run_dir = .*", "run_dir = " + work + "/run", conf)
conf = re.sub(r"(?m)^progress = .*", "progress = off", conf)
conf = re.sub(r"(?m)^jsonl = .*", "jsonl = " + work + "/alerts.jsonl", conf)
conf = re.sub(r"(?m)^path = .*", "path = " + work + "/archive/", conf)
conf = re.sub(r"(?m)^zones = configs/zones", "zones = " + src + "/configs/zones", conf)
conf = re.sub(r"(?m)^nodes = .*", "nodes = sdr_source, ais_demod, track_fusion, anomaly_detector, hdf5_archiver, metrics", conf)
conf = re.sub(r"(?m)^listen = .*", f"listen = 127.0.0.1:{port}", conf)
conf = conf.replace("linger_s = 0", "linger_s = 3")
with open(os.path.join(work, "graph.conf"), "w") as f:
    f.write(conf)
g = subprocess.Popen([build + "/nodes/centinela/centinela", "-c", "graph.conf"], cwd=work,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
fail, scrapes, last = [], 0, ""
while g.poll() is None:
    time.sleep(1.0)
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    except OSError:
        continue
    r = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True, text=True)
    scrapes += 1
    if r.returncode != 0:
        fail.append("promtool: " + (r.stdout + r.stderr)[:1500])
        break
    last = body
out, err = g.communicate(timeout=120)
print(out)
if g.returncode != 0:
    fail.append(f"launcher exit {g.returncode}: {err[-1500:]}")
print(f"{scrapes} scrapes during the run, each checked by promtool")
if scrapes < 3:
    fail.append("fewer than 3 scrapes during the run")
for name in ("centinela_ais_demod_rx_messages_total", "centinela_track_fusion_tx_messages_total",
             'centinela_anomaly_detector_rx_rejected_total{class="payload"}',
             "centinela_track_fusion_rx_seq_missing_total", "centinela_ais_demod_resident_memory_bytes",
             "centinela_sdr_source_up", "centinela_track_fusion_station_messages_total{station=",
             "centinela_track_fusion_station_last_heard_event_time_seconds{station=",
             "centinela_hdf5_archiver_flushes_total", "centinela_track_fusion_live_tracks"):
    if name not in last:
        fail.append("missing from the last scrape: " + name)
m = re.search(r"(?m)^centinela_ais_demod_rx_messages_total (\d+)", last)
if not m or int(m.group(1)) == 0:
    fail.append("ais_demod rx_messages_total should be counting")
shutil.rmtree(work, ignore_errors=True)
if fail:
    print(sorted({l.split("{")[0].split(" ")[0] for l in last.splitlines() if l.startswith("centinela_") and "_up " in l}))
for f in fail:
    print("FAIL:", f)
print("FAIL" if fail else "PASS")
sys.exit(1 if fail else 0)
