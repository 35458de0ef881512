#!/usr/bin/env bash
# The launcher's life and death, over the feeds graph (nmea_input → track_fusion →
# anomaly_detector → hdf5_archiver) replayed in real time:
#  1. a second launcher on a run directory held by a running graph refuses (exit 2, clear
#     message) and leaves the running graph alone;
#  2. SIGTERM to the launcher drains the graph: exit 143, every alert closed in the JSON Lines
#     has its close row in the archive, every message nmea_input published is archived;
#  3. SIGKILL to the launcher: its nodes die with it (they flush first; the time is printed, and
#     the test fails only beyond 10 s, since a loaded machine slows a sanitized build's exit);
#  4. a recording with broken metadata ends the graph once, with the reason, never restarted.
#   launcher_lifecycle.sh <build dir> <source dir>
set -euo pipefail
build=$(realpath "$1") src=$(realpath "$2")
python=${CENTINELA_H5PY_PYTHON:-/usr/bin/python3}
"$python" -c 'import h5py' 2>/dev/null || { echo "SKIP: $python has no h5py"; exit 77; }
command -v jq > /dev/null || { echo "SKIP: jq missing"; exit 77; }
work=$(mktemp -d /tmp/centinela-life-XXXXXX)
launcher=""
trap '[ -n "$launcher" ] && kill -9 "$launcher" 2>/dev/null; rm -rf "$work"' EXIT
sed -e "s|^inputs = file:.*|inputs = file:$src/datasets/gulf-feeds.nmea|" \
    -e "s|^pace = fast|pace = realtime\nspeed = 100|" \
    -e "s|^run_dir = .*|run_dir = $work/run|" \
    -e "s|^progress = .*|progress = off|" \
    -e "s|^jsonl = .*|jsonl = $work/alerts.jsonl|" \
    -e "s|^path = .*|path = $work/archive/|" \
    -e "s|^zones = configs/zones|zones = $src/configs/zones|" \
    "$src/configs/feeds.conf" > "$work/graph.conf"
centinela="$build/nodes/centinela/centinela"
pids() { jq -r '.nodes[] | select(.state == "running") | .pid' "$work/run/health.json" 2>/dev/null || true; }
wait_running() { # until every node of the graph runs
  for _ in $(seq 1 300); do
    [ "$(pids | wc -l)" = 4 ] && return 0
    sleep 0.1
  done
  echo "FAIL: the graph never ran"; cat "$work/log.txt"; exit 1
}

# 1 + 2: a held run directory, then a clean stop by SIGTERM.
"$centinela" -c "$work/graph.conf" > "$work/summary.txt" 2> "$work/log.txt" &
launcher=$!
wait_running
rc=0; "$centinela" -c "$work/graph.conf" > /dev/null 2> "$work/second.txt" || rc=$?
[ "$rc" = 2 ] || { echo "FAIL: second launcher exited $rc, not 2"; cat "$work/second.txt"; exit 1; }
grep -q "held by a running graph (launcher pid $launcher)" "$work/second.txt" ||
  { echo "FAIL: the refusal does not name the holder"; cat "$work/second.txt"; exit 1; }
kill -0 "$launcher" || { echo "FAIL: the first graph died"; exit 1; }
echo "second launcher refused: $(grep -o 'run directory.*' "$work/second.txt")"
sleep 3
kill -TERM "$launcher"
rc=0; wait "$launcher" || rc=$?
launcher=""
[ "$rc" = 143 ] || { echo "FAIL: launcher exited $rc after SIGTERM, not 143"; tail -20 "$work/log.txt"; exit 1; }
cat "$work/summary.txt"
"$python" - "$work/archive" "$work/alerts.jsonl" "$work/summary.txt" <<'PY'
import h5py, json, os, re, sys
d, jl, summary = sys.argv[1:]
files = [os.path.join(d, f) for f in os.listdir(d) if f.endswith(".h5")]
closes, msgs = set(), 0
for f in files:
    with h5py.File(f, "r") as h:
        a = h["alerts"][()]
        closes |= {int(r["alert_id"]) for r in a if r["state"] == 2}
        msgs += len(h["messages"])
lines = [json.loads(l) for l in open(jl) if l.strip()]
published = int(re.search(r"^summary: messages (\d+),", open(summary).read(), re.M).group(1))
print(f"stopped by SIGTERM: {len(lines)} alerts closed in JSON Lines, {len(closes)} close rows archived; "
      f"{published} messages published, {msgs} archived")
ok = len(lines) == len(closes) and published == msgs and published > 0
if not ok:
    print("FAIL: the archive is not complete after SIGTERM")
sys.exit(0 if ok else 1)
PY

# 3: the launcher killed outright takes its nodes with it.
rm -rf "$work/run" "$work/archive" "$work/alerts.jsonl"
"$centinela" -c "$work/graph.conf" > "$work/summary.txt" 2> "$work/log.txt" &
launcher=$!
wait_running
nodes=$(pids)
t0=$(date +%s.%N)
kill -9 "$launcher"; wait "$launcher" 2>/dev/null || true
launcher=""
left=$nodes
for _ in $(seq 1 100); do
  left=""
  for p in $nodes; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
  [ -z "$left" ] && break
  sleep 0.1
done
gone=$(echo "$(date +%s.%N) - $t0" | bc)
if [ -n "$left" ]; then
  for p in $left; do kill -9 "$p" 2>/dev/null || true; done
  echo "FAIL: nodes outlived their launcher:$left"; exit 1
fi
echo "launcher killed: its $(echo "$nodes" | wc -w) nodes ended with it within $gone s"

# 4: an input error is not a crash.
echo '{"global": {"core:datatype": ' > "$work/broken.sigmf-meta"
head -c 96000 /dev/zero > "$work/broken.sigmf-data"
sed -e "s|^input = .*|input = $work/broken.sigmf-meta|" -e "s|^run_dir = .*|run_dir = $work/run2|" \
    -e "s|^progress = .*|progress = off|" -e "s|^jsonl = .*|jsonl = $work/a2.jsonl|" \
    -e "s|^path = .*|path = $work/archive2/|" -e "s|^zones = configs/zones|zones = $src/configs/zones|" \
    "$src/configs/centinela.conf" > "$work/broken.conf"
rc=0; "$centinela" -c "$work/broken.conf" > "$work/summary.txt" 2> "$work/log.txt" || rc=$?
[ "$rc" = 1 ] || { echo "FAIL: a broken recording gave exit $rc, not 1"; tail "$work/log.txt"; exit 1; }
grep -Eq "^  sdr_source +failed +restarts 0 " "$work/summary.txt" ||
  { echo "FAIL: the source was restarted over an input error"; cat "$work/summary.txt"; exit 1; }
grep -q "sdr_source refused its configuration or input" "$work/log.txt" && grep -q "sigmf-meta: JSON error" "$work/log.txt" ||
  { echo "FAIL: the reason is not given"; cat "$work/log.txt"; exit 1; }
echo "broken recording: graph ended once with the reason ($(grep -o 'sigmf-meta: JSON error.*' "$work/log.txt" | head -1))"
echo PASS
