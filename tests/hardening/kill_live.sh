#!/usr/bin/env bash
# Live: the feeds graph fed over UDP (lossless = false everywhere, as a live graph runs), with
# the archiver and then the fusion node killed mid-feed.  The archive must hold every message
# nmea_input published (the restarted archiver reads what it missed from the journals), every
# table must be free of duplicate and missing publisher sequence numbers, and every alert must be
# opened and closed exactly once under an id never reused.
#   kill_live.sh <build dir> <source dir>
set -euo pipefail
build=$(realpath "$1") src=$(realpath "$2")
python=${CENTINELA_H5PY_PYTHON:-/usr/bin/python3}
"$python" -c 'import h5py' 2>/dev/null || { echo "SKIP: $python has no h5py"; exit 77; }
command -v jq > /dev/null || { echo "SKIP: jq missing"; exit 77; }
work=$(mktemp -d /tmp/centinela-live-XXXXXX)
launcher="" sender=""
trap '[ -n "$launcher" ] && kill -9 "$launcher" 2>/dev/null; [ -n "$sender" ] && kill "$sender" 2>/dev/null; rm -rf "$work"' EXIT
port=$("$python" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s|^inputs = file:.*|inputs = udp:127.0.0.1:$port|" \
    -e "s|^run_dir = .*|run_dir = $work/run\nbackoff_initial_s = 0.2|" -e "s|^stall_timeout_s = .*|stall_timeout_s = 0|" \
    -e "s|^progress = .*|progress = off|" \
    -e "s|^jsonl = .*|jsonl = $work/alerts.jsonl|" \
    -e "s|^path = .*|path = $work/archive/|" \
    -e "s|^zones = configs/zones|zones = $src/configs/zones|" \
    -e "s|^\(\[[a-z_0-9]*\]\)$|\1\nlossless = false|" \
    "$src/configs/feeds.conf" | sed -e '/^\[centinela\]/,/^\[/{/^lossless = false$/d}' > "$work/graph.conf"
grep -q "^lossless = false" "$work/graph.conf" || { echo "FAIL: config not made live"; exit 1; }

"$build/nodes/centinela/centinela" -c "$work/graph.conf" > "$work/summary.txt" 2> "$work/log.txt" &
launcher=$!
node_pid() { jq -r --arg n "$1" '.nodes[] | select(.node == $n and .state == "running") | .pid' "$work/run/health.json" 2>/dev/null || true; }
for _ in $(seq 1 300); do
  [ -n "$(node_pid hdf5_archiver)" ] && [ -n "$(node_pid nmea_input)" ] && break
  sleep 0.1
done
sleep 1
# The bundled half hour of feeds at 200x: about 9 s of datagrams, one line each.
"$python" - "$port" "$src/datasets/gulf-feeds.nmea" <<'PY' &
import socket, sys, time
port, path = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
lines = [l.rstrip("\r\n") for l in open(path) if l.strip()]
start = time.monotonic()
for i, l in enumerate(lines):
    target = start + i / (len(lines) / 9.0)
    while time.monotonic() < target:
        time.sleep(0.001)
    s.sendto((l + "\n").encode(), ("127.0.0.1", port))
PY
sender=$!
kill_node() { # section, after seconds
  sleep "$2"
  local pid; pid=$(node_pid "$1")
  [ -n "$pid" ] || { echo "FAIL: $1 not running"; tail "$work/log.txt"; exit 1; }
  kill -9 "$pid"; echo "killed $1 (pid $pid)"
}
kill_node hdf5_archiver 2
kill_node track_fusion 3
wait "$sender"; sender=""
sleep 2
kill -TERM "$launcher"
rc=0; wait "$launcher" || rc=$?
launcher=""
[ "$rc" = 143 ] || { echo "FAIL: launcher exited $rc, not 143"; tail -30 "$work/log.txt"; exit 1; }
cat "$work/summary.txt"
"$python" - "$work" <<'PY'
import h5py, json, os, re, sys
from collections import Counter
w = sys.argv[1]
summary = open(w + "/summary.txt").read()
published = int(re.search(r"^summary: messages (\d+),", summary, re.M).group(1))
kernel_drops = 0
ok = True
tables = {}
for f in sorted(os.listdir(w + "/archive")):
    if f.endswith(".h5"):
        with h5py.File(f"{w}/archive/{f}", "r") as h:
            for t in ("messages", "tracks", "radar", "alerts"):
                tables.setdefault(t, []).extend(h[t][()])
msgs = len(tables["messages"])
print(f"nmea_input published {published} AIS messages; the archive holds {msgs}")
if msgs != published or published == 0:
    print("FAIL: the archiver's restart lost or duplicated messages"); ok = False
for t, rows in tables.items():
    by_source = {}
    for r in rows:
        by_source.setdefault(int(r["source_id"]), []).append(int(r["seq"]))
    for src, seqs in by_source.items():
        dup = [s for s, c in Counter(seqs).items() if c > 1]
        holes = sorted(set(range(min(seqs), max(seqs) + 1)) - set(seqs))
        if dup or holes:
            print(f"FAIL: {t} from publisher {src}: {len(dup)} duplicate and {len(holes)} missing sequence numbers"); ok = False
opens = Counter(int(r["alert_id"]) for r in tables["alerts"] if r["state"] == 0)
closes = Counter(int(r["alert_id"]) for r in tables["alerts"] if r["state"] == 2)
if any(v != 1 for v in opens.values()) or opens.keys() != closes.keys() or any(v != 1 for v in closes.values()):
    print(f"FAIL: alerts not opened and closed exactly once: {dict(opens)} / {dict(closes)}"); ok = False
print(f"tables: {', '.join(f'{t} {len(r)}' for t, r in tables.items())}; {len(opens)} alerts, each opened and closed once")
sys.exit(0 if ok else 1)
PY
echo PASS
