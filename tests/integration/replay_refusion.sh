#!/usr/bin/env bash
# Replaying an archive through fusion and detection gives the same tracks and alerts as the
# original run:
#  1. the main graph (configs/centinela.conf) over a recording writes archive A and its alerts;
#  2. replay -> track_fusion -> anomaly_detector -> hdf5_archiver over archive A writes archive B;
#     the tracks and alerts tables of A and B must agree in every field, the alert evidence text
#     and the alerts JSON Lines too;
#  3. replay of A's archived picture (replay_topics = track,alert) -> hdf5_archiver writes
#     archive C, whose tracks and alerts must be A's (a map can play back without fusion).
# Fields that legitimately differ, and how they are handled:
#  - source_id (the publisher of each row) and the alert ids, which carry the detector's source
#    id in their high 32 bits: the launcher numbers nodes by their place in the graph, so graph B
#    pins track_fusion's and anomaly_detector's source_id to the ones archive A recorded, and
#    then both agree too.  In step 3 the publisher is the replay itself: source_id is left out
#    there (alert ids are the archived ones and are compared).
#  - sequence numbers are not stored in the tracks and alerts tables.
# Everything else, including the NaN fields, must be bit-identical.
#   replay_refusion.sh <build dir> <source dir> <recording> [start_time]
set -euo pipefail
build=$(realpath "$1") src=$(realpath "$2") rec=$3 start=${4:-}
python=${CENTINELA_H5PY_PYTHON:-/usr/bin/python3}
if [ ! -e "$rec" ]; then
  echo "SKIP: recording $rec not found"; exit 77
fi
rec=$(realpath "$rec")
"$python" -c 'import h5py, numpy' 2>/dev/null || { echo "SKIP: $python has no h5py"; exit 77; }
work=$(mktemp -d /tmp/centinela-refusion-XXXXXX)
trap 'rm -rf "$work"' EXIT

launch() { # name
  local out="$work/$1"
  (cd "$out" && "$build/nodes/centinela/centinela" -c graph.conf > summary.txt 2> log.txt) || {
    echo "FAIL: graph $1: launcher failed"; cat "$out/log.txt"; exit 1; }
  cat "$out/summary.txt"
}

# 1. The main graph, with this test's paths.
mkdir -p "$work/a"
sed -e "s|^input = .*|input = $rec|" \
    -e "s|^run_dir = .*|run_dir = $work/a/run|" \
    -e "s|^progress = .*|progress = off|" \
    -e "s|^jsonl = .*|jsonl = $work/a/alerts.jsonl|" \
    -e "s|^path = .*|path = $work/a/archive/|" \
    -e "s|^zones = configs/zones|zones = $src/configs/zones|" \
    "$src/configs/centinela.conf" > "$work/a/graph.conf"
if [ -n "$start" ]; then
  sed -i "s|^pace = fast|pace = fast\nstart_time = $start|" "$work/a/graph.conf"
fi
launch a

# Publisher ids archive A recorded for the tracks and the alerts.
read -r fusion_id detector_id < <("$python" - "$work/a/archive" <<'PY'
import h5py, os, sys
d = sys.argv[1]
ids = {"tracks": set(), "alerts": set()}
for f in sorted(os.listdir(d)):
    if f.endswith(".h5"):
        with h5py.File(os.path.join(d, f), "r") as h:
            for t in ids:
                ids[t].update(int(v) for v in h[t]["source_id"])
if len(ids["tracks"]) != 1 or len(ids["alerts"]) > 1:
    sys.exit(f"expected one publisher of tracks and at most one of alerts: {ids}")
print(ids["tracks"].pop(), ids["alerts"].pop() if ids["alerts"] else 0)
PY
)
[ -n "${fusion_id:-}" ] || { echo "FAIL: archive A has no tracks"; exit 1; }

# 2. Fusion and detection again, over the archive, with the main graph's settings.
mkdir -p "$work/b"
cat > "$work/b/graph.conf" <<EOF
[centinela]
nodes = replay, track_fusion, anomaly_detector, hdf5_archiver
run_dir = $work/b/run
progress = off

[replay]
input = $work/a/archive/

[track_fusion]
sub = >ipc://\${run_dir}/replay
zones = $src/configs/zones
stations =
source_id = $fusion_id

[anomaly_detector]
sub = >ipc://\${run_dir}/track_fusion
zones = $src/configs/zones
jsonl = $work/b/alerts.jsonl
$( [ "$detector_id" != 0 ] && echo "source_id = $detector_id" )

[hdf5_archiver]
sub = >ipc://\${run_dir}/track_fusion, >ipc://\${run_dir}/anomaly_detector
path = $work/b/archive/
rotate = day
EOF
launch b

# 3. The archived picture itself, replayed.
mkdir -p "$work/c"
cat > "$work/c/graph.conf" <<EOF
[centinela]
nodes = replay, hdf5_archiver
run_dir = $work/c/run
progress = off

[replay]
input = $work/a/archive/
replay_topics = track,alert

[hdf5_archiver]
sub = >ipc://\${run_dir}/replay
path = $work/c/archive/
rotate = day
EOF
launch c

"$python" - "$work/a/archive" "$work/b/archive" "$work/c/archive" <<'PY'
import os, sys
import h5py
import numpy as np

def load(d):
    out = {"tracks": [], "alerts": [], "evidence": []}
    for f in sorted(x for x in os.listdir(d) if x.endswith(".h5")):
        with h5py.File(os.path.join(d, f), "r") as h:
            out["tracks"].append(h["tracks"][()])
            al = h["alerts"][()]
            ev = h["alerts_evidence"][()].tobytes()
            out["alerts"].append(al)
            out["evidence"] += [ev[o:o + n] for o, n in zip(al["evidence_offset"], al["evidence_len"])]
    return {k: (np.concatenate(v) if k != "evidence" else v) for k, v in out.items()}

def same(x, y):
    if x.dtype.kind == "f":
        return (x == y) | (np.isnan(x) & np.isnan(y))
    eq = x == y
    return eq.reshape(len(eq), -1).all(axis=1) if eq.ndim > 1 else eq

def compare(what, a, b, skip):
    bad = 0
    for t in ("tracks", "alerts"):
        x, y = a[t], b[t]
        if len(x) != len(y):
            print(f"FAIL: {what}: {t}: {len(x)} rows vs {len(y)}")
            bad += 1
            continue
        for f in x.dtype.names:
            if f in skip:
                continue
            eq = same(x[f], y[f])
            if not eq.all():
                i = int(np.nonzero(~eq)[0][0])
                print(f"FAIL: {what}: {t}.{f} differs in {int((~eq).sum())} rows, first row {i}: "
                      f"{x[f][i]!r} vs {y[f][i]!r}")
                bad += 1
    if a["evidence"] != b["evidence"]:
        print(f"FAIL: {what}: alert evidence differs")
        bad += 1
    return bad

A, B, C = (load(d) for d in sys.argv[1:4])
print(f"archive A: {len(A['tracks'])} track states, {len(A['alerts'])} alert states")
if len(A["tracks"]) == 0 or len(A["alerts"]) == 0:
    sys.exit("FAIL: the recording gives no tracks or no alerts: nothing to compare")
bad = compare("re-fused archive", A, B, skip=())
bad += compare("replayed picture", A, C, skip=("source_id",))
if bad:
    sys.exit(1)
print("tracks and alerts identical in every field (re-fused and replayed)")
PY
cmp -s "$work/a/alerts.jsonl" "$work/b/alerts.jsonl" || {
  echo "FAIL: alerts JSON Lines differ between the original run and the re-fusion"
  diff "$work/a/alerts.jsonl" "$work/b/alerts.jsonl" | head -20; exit 1; }
echo PASS
