#!/usr/bin/env bash
# Sustained load: ten receivers, each at a multiple of the AIS slot ceiling (75 msg/s), through
# fusion, detection and the archive, for a while.  Nothing may be lost (every published message
# is an archive row, no sequence gap, no drop) and the memory of every node must stay flat.
#   soak.sh <build dir> <seconds> [rate per receiver, default 3750 = 50 x 75]
set -euo pipefail
build=$(realpath "$1") seconds=$2 rate=${3:-3750}
python=${CENTINELA_H5PY_PYTHON:-/usr/bin/python3}
"$python" -c 'import h5py' 2>/dev/null || { echo "SKIP: $python has no h5py"; exit 77; }
work=$(mktemp -d /tmp/centinela-soak-XXXXXX)
launcher=""
# Only our own launcher is signalled; its nodes die with it.
trap '[ -n "$launcher" ] && kill -9 "$launcher" 2>/dev/null; rm -rf "$work"' EXIT
bin="$work/bin"; mkdir -p "$bin"
for n in track_fusion anomaly_detector hdf5_archiver; do ln -s "$build/nodes/$n/$n" "$bin/$n"; done
ln -s "$build/tests/load/ais_flood" "$bin/ais_flood"

receivers=10
# Socket queues of 1,000 messages instead of the default 10,000: when the machine falls behind
# (a loaded CI host), the queues fill up to their bound — with 10,000 that is ~40 MB in fusion
# (ten inputs, two outputs) and in the archiver, a bounded one-time rise the memory check would
# read as growth.  With 1,000 the queues hold ~4 MB, so what the check sees is the nodes' own
# memory; nothing is lost either way (publishers block, journals hold the rest).
hwm=1000
# Config lines hold at most 200 characters: long lists continue on indented lines.
nodes="" subs=""
for i in $(seq 0 $((receivers - 1))); do
  nodes+="ais_flood.r$i, "; subs+=$'\n'"  >ipc://\${run_dir}/ais_flood.r$i,"
done
{
  echo "[centinela]"
  echo "nodes = ${nodes}track_fusion, anomaly_detector, hdf5_archiver"
  echo "bin_dir = $bin"; echo "run_dir = $work/run"; echo "progress = off"; echo "stall_timeout_s = 60"
  for i in $(seq 0 $((receivers - 1))); do
    echo "[ais_flood.r$i]"
    echo "rate = $rate"; echo "duration_s = $seconds"; echo "vessels = 400"
    echo "mmsi_base = $((352000000 + i * 10000))"; echo "station_id = $((i + 1))"
    echo "seed = $((i + 1))"; echo "pace = realtime"; echo "hwm = $hwm"
  done
  echo "[track_fusion]"; echo "sub = ${subs%,}"; echo "snapshot_interval_s = 60"; echo "hwm = $hwm"
  echo "[anomaly_detector]"; echo "sub = >ipc://\${run_dir}/track_fusion"; echo "hwm = $hwm"
  echo "[hdf5_archiver]"; echo "hwm = $hwm"
  echo "sub = ${subs}"; echo "  >ipc://\${run_dir}/track_fusion, >ipc://\${run_dir}/anomaly_detector"
  echo "path = $work/archive/"; echo "rotate = none"
} > "$work/graph.conf"

start=$(date +%s.%N)
"$build/nodes/centinela/centinela" -c "$work/graph.conf" > "$work/summary.txt" 2> "$work/log.txt" &
launcher=$!
rss_log="$work/rss.txt"
while kill -0 "$launcher" 2>/dev/null; do
  for n in track_fusion anomaly_detector hdf5_archiver; do
    p=$(jq -r --arg n "$n" '.nodes[] | select(.node == $n and .state == "running") | .pid' \
        "$work/run/health.json" 2>/dev/null || true)
    kb=""
    [ -n "$p" ] && kb=$(awk '/VmRSS/ {print $2}' /proc/$p/status 2>/dev/null || true)
    # A node that has just ended has no status any more: no sample.
    [ -n "$kb" ] && echo "$(date +%s.%N) $n $kb" >> "$rss_log"
  done
  sleep 2
done
rc=0; wait "$launcher" || rc=$?
launcher=""
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
cat "$work/summary.txt"
[ "$rc" = 0 ] || { echo "FAIL: launcher exited $rc"; tail -20 "$work/log.txt"; exit 1; }
if grep -Eq "missing [1-9]|dropped [1-9]" "$work/summary.txt"; then echo "FAIL: loss reported"; exit 1; fi
"$python" - "$work/archive" "$rss_log" "$receivers" "$rate" "$seconds" "$elapsed" <<'PY'
import h5py, os, sys
d, rss_log, receivers, rate, seconds, elapsed = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
expected = receivers * round(rate * seconds)
rows = sum(len(h5py.File(os.path.join(d, f), "r")["messages"]) for f in os.listdir(d) if f.endswith(".h5"))
print(f"{receivers} receivers x {rate:.0f} msg/s ({rate / 75:.0f}x the 75 msg/s slot ceiling) for {seconds:.0f} s: "
      f"{expected} published, {rows} archived; {rows / elapsed:.0f} msg/s sustained over {elapsed:.1f} s wall")
ok = rows == expected
series = {}
for line in open(rss_log):
    t, n, kb = line.split()
    series.setdefault(n, []).append(int(kb))
for n, v in series.items():
    if len(v) < 4:
        continue
    # Medians of the second and the last quarter: the archiver's index build at close (bounded,
    # pipeline/archive) is a short peak at the very end, not growth.
    q = len(v) // 4
    med = lambda w: sorted(w)[len(w) // 2]
    early, late = med(v[q:2 * q] or v[:1]), med(v[-q:])
    growth = (late - early) / max(early, 1)
    print(f"  {n}: RSS median {early} kB over 25-50 % of the run, {late} kB over the last quarter "
          f"({growth * 100:+.0f} %); peak {max(v)} kB")
    step = max(1, len(v) // 12)
    print(f"    RSS over the run (MB): {' '.join(f'{x / 1024:.0f}' for x in v[::step])}")
    if growth > 0.25 and late - early > 20000:
        print(f"FAIL: {n} memory keeps growing"); ok = False
if rows != expected:
    print(f"FAIL: {expected - rows} messages lost")
sys.exit(0 if ok else 1)
PY
echo PASS
