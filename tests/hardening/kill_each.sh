#!/usr/bin/env bash
# A crash must not change the record.  SIGKILL each node of a graph in turn during a file replay
# (the main graph over the bundled recording, or the feeds graph over the bundled NMEA+radar
# file): the launcher restarts it, and the archive and the alerts' JSON Lines must equal those of
# an undisturbed run of the same graph, row for row — no alert invented, no row duplicated,
# none lost.  `hdf5_archiver2` kills the archiver twice in one run.  `anomaly_detector_continue`
# restarts the detector with restart_mode = continue (fresh state, as when its input is no longer
# all on hand): every other table stays identical, alert ids are never reused, every alert left
# open by the killed process is taken back and closed once, no alert appears that the undisturbed
# run lacks, and none is raised again under a new id.
#   kill_each.sh <build dir> <source dir> main|feeds [node ...]
set -euo pipefail
build=$(realpath "$1") src=$(realpath "$2") graph=$3; shift 3
nodes=("$@")
python=${CENTINELA_H5PY_PYTHON:-/usr/bin/python3}
"$python" -c 'import h5py' 2>/dev/null || { echo "SKIP: $python has no h5py"; exit 77; }
command -v jq > /dev/null || { echo "SKIP: jq missing"; exit 77; }
case "$graph" in
  main)
    conf="$src/configs/centinela.conf" rec="$src/datasets/panama-gulf.sigmf-meta"
    [ ${#nodes[@]} -gt 0 ] || nodes=(sdr_source ais_demod track_fusion anomaly_detector hdf5_archiver hdf5_archiver2)
    # 12 s of the recording in real time, so there is a running graph to kill (twice).
    pace=(-e "s|^input = .*|input = $rec\nmax_samples = 1152000|" -e "s|^pace = fast|pace = realtime|") ;;
  feeds)
    conf="$src/configs/feeds.conf" rec="$src/datasets/gulf-feeds.nmea"
    [ ${#nodes[@]} -gt 0 ] || nodes=(nmea_input track_fusion anomaly_detector hdf5_archiver hdf5_archiver2 anomaly_detector_continue)
    # The half hour of feeds at 150x: 12 s.
    pace=(-e "s|^inputs = file:.*|inputs = file:$rec|" -e "s|^pace = fast|pace = realtime\nspeed = 150|") ;;
  *) echo "usage: kill_each.sh <build> <src> main|feeds [node ...]"; exit 2 ;;
esac
[ -e "$rec" ] || { echo "SKIP: $rec missing"; exit 77; }
work=$(mktemp -d /tmp/centinela-kill-XXXXXX)
launcher=""
# Only our own launcher is signalled; its nodes die with it.
trap '[ -n "$launcher" ] && kill -9 "$launcher" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

configure() { # out
  sed "${pace[@]}" \
      -e "s|^run_dir = .*|run_dir = $1/run\nbackoff_initial_s = 0.2|" \
      -e "s|^progress = .*|progress = off|" \
      -e "s|^jsonl = .*|jsonl = $1/alerts.jsonl|" \
      -e "s|^path = .*|path = $1/archive/|" \
      -e "s|^zones = configs/zones|zones = $src/configs/zones|" \
      "$conf" > "$1/graph.conf"
}

node_pid() { # out section -> pid from the launcher's health file ("" until it is written)
  jq -r --arg n "$2" '.nodes[] | select(.node == $n and .state == "running") | .pid' \
     "$1/run/health.json" 2>/dev/null || true
}

finish() { # out name
  local rc=0
  wait "$launcher" || rc=$?
  launcher=""
  if [ "$rc" != 0 ]; then echo "FAIL: $2: graph ended with $rc"; tail -30 "$1/log.txt"; exit 1; fi
}

# The record of an undisturbed run.
ref="$work/reference"; mkdir -p "$ref"; configure "$ref"
(cd "$ref" && exec "$build/nodes/centinela/centinela" -c "$ref/graph.conf" > summary.txt 2> log.txt) &
launcher=$!
finish "$ref" reference
sed -n 's/^summary: //p' "$ref/summary.txt"

for victim in "${nodes[@]}"; do
  section=${victim%2} kills=1
  [ "$victim" != "$section" ] && kills=2
  section=${section%_continue}
  out="$work/$victim"; mkdir -p "$out"; configure "$out"
  [ "$victim" = anomaly_detector_continue ] && sed -i "s|^\[anomaly_detector\]|&\nrestart_mode = continue|" "$out/graph.conf"
  (cd "$out" && exec "$build/nodes/centinela/centinela" -c "$out/graph.conf" > summary.txt 2> log.txt) &
  launcher=$!
  for k in $(seq 1 $kills); do
    pid=""
    for _ in $(seq 1 300); do
      pid=$(node_pid "$out" "$section")
      [ -n "$pid" ] && break
      sleep 0.1
    done
    [ -n "$pid" ] || { echo "FAIL: $section never ran"; tail -20 "$out/log.txt"; exit 1; }
    if [ "$victim" = anomaly_detector_continue ]; then
      # Once it has published an alert, so that the restart has open alerts to take back.
      for _ in $(seq 1 600); do
        [ -n "$(find "$out/run/journal" -name 'anomaly_detector.*.jnl' -size +0c 2>/dev/null)" ] && break
        sleep 0.1
      done
    else
      # Two seconds into the victim's run (the replay takes twelve): mid-stream.
      sleep 2
    fi
    if ! kill -9 "$pid" 2>/dev/null; then echo "FAIL: $section ($pid) ended before it was killed"; exit 1; fi
    echo "killed $section (pid $pid)"
    for _ in $(seq 1 100); do # until the launcher has seen it die
      [ "$(node_pid "$out" "$section")" != "$pid" ] && break
      sleep 0.1
    done
  done
  finish "$out" "$victim"
  grep -Eq "^  $section +done +restarts $kills " "$out/summary.txt" ||
    { echo "FAIL: $section not restarted $kills times"; cat "$out/summary.txt"; exit 1; }
  echo "$victim: $(grep -o 'restart [0-9]* in this graph: [a-z]*' "$out/log.txt" | sort | uniq -c | tr -s ' ' | paste -sd';')"
  if [ "$victim" = anomaly_detector_continue ]; then
    grep -q "anomaly_detector: .*continuing after the earlier output" "$out/log.txt" &&
      grep -Eq "took back [1-9][0-9]* alerts" "$out/log.txt" ||
      { echo "FAIL: the restarted detector did not continue and take back open alerts"; grep anomaly_detector "$out/log.txt" | head; exit 1; }
    "$python" "$src/tests/integration/compare_archives.py" "$ref/archive" "$out/archive" --except alerts,alerts_evidence ||
      { echo "FAIL: killing $victim changed the archive beyond its alerts"; exit 1; }
    "$python" - "$ref" "$out" <<'PY' || exit 1
import h5py, json, os, sys
from collections import Counter
def alerts(d):
    rows = []
    for f in sorted(os.listdir(d + "/archive")):
        if f.endswith(".h5"):
            with h5py.File(f"{d}/archive/{f}", "r") as h:
                rows += list(h["alerts"][()])
    return rows
ref, out = alerts(sys.argv[1]), alerts(sys.argv[2])
opens = Counter(int(r["alert_id"]) for r in out if r["state"] == 0)
closes = Counter(int(r["alert_id"]) for r in out if r["state"] == 2)
ok = True
if any(v != 1 for v in opens.values()) or set(opens) != set(closes) or any(v != 1 for v in closes.values()):
    print(f"FAIL: alert ids reused, or not opened and closed exactly once: opens {dict(opens)} closes {dict(closes)}"); ok = False
key = lambda r: (r["rule"], int(r["mmsi"][0]) if r["n_mmsi"] else 0)
known = {key(r) for r in ref}
new = {key(r) for r in out if r["state"] == 0} - known
if new:
    print(f"FAIL: alerts the undisturbed run does not have: {new}"); ok = False
# Never raised twice: the restarted detector takes back what its predecessor left open, so no
# (rule, vessel) has more alert ids than in the undisturbed run.
ids = lambda rows: Counter(key(r) for r in rows if r["state"] == 0)
twice = {k: (v, ids(ref)[k]) for k, v in ids(out).items() if v > ids(ref)[k]}
if twice:
    print(f"FAIL: raised again under a new id (ids here, undisturbed): {twice}"); ok = False
lines = [json.loads(l) for l in open(sys.argv[2] + "/alerts.jsonl")]
if len(lines) != len(closes):
    print(f"FAIL: {len(lines)} JSON Lines for {len(closes)} closed alerts"); ok = False
taken = sum(1 for l in lines if "before_restart" in json.dumps(l) or "detector restart" in json.dumps(l))
print(f"continue: {len(opens)} alerts ({len(ids(ref))} keys undisturbed), ids unique, each closed once, "
      f"none raised twice; {taken} closed after the restart without being raised again")
sys.exit(0 if ok else 1)
PY
    continue
  fi
  "$python" "$src/tests/integration/compare_archives.py" "$ref/archive" "$out/archive" ||
    { echo "FAIL: killing $victim changed the archive"; exit 1; }
  if ! cmp -s "$ref/alerts.jsonl" "$out/alerts.jsonl"; then
    echo "FAIL: killing $victim changed the alerts"; diff "$ref/alerts.jsonl" "$out/alerts.jsonl" | head -20; exit 1
  fi
  echo "$victim: archive and alerts identical to the undisturbed run ($(wc -l < "$out/alerts.jsonl") alerts)"
done
echo PASS
