#!/usr/bin/env bash
# The whole graph as separate processes over a replay:
#  - every message the demodulator publishes is a row in the archive (N in, N rows, none lost);
#  - the alerts written as JSON Lines are the alerts archived;
#  - with RUNS=2 (the default), a second run gives an identical archive (bar the wall-clock
#    statistics table) and identical alerts.
#   [RUNS=1|2] replay_golden.sh <build dir> <source dir> <recording> [start_time]
set -euo pipefail
build=$(realpath "$1") src=$(realpath "$2") rec=$3 start=${4:-}
python=${CENTINELA_H5PY_PYTHON:-/usr/bin/python3}
if [ ! -e "$rec" ]; then
  echo "SKIP: recording $rec not found"; exit 77
fi
rec=$(realpath "$rec")
"$python" -c 'import h5py' 2>/dev/null || { echo "SKIP: $python has no h5py"; exit 77; }
work=$(mktemp -d /tmp/centinela-golden-XXXXXX)
trap 'rm -rf "$work"' EXIT

run() { # name
  local out="$work/$1"
  mkdir -p "$out"
  sed -e "s|^input = .*|input = $rec|" \
      -e "s|^run_dir = .*|run_dir = $out/run|" \
      -e "s|^progress = .*|progress = off|" \
      -e "s|^jsonl = .*|jsonl = $out/alerts.jsonl|" \
      -e "s|^path = .*|path = $out/archive/|" \
      -e "s|^zones = configs/zones|zones = $src/configs/zones|" \
      "$src/configs/centinela.conf" > "$out/graph.conf"
  if [ -n "$start" ]; then
    sed -i "s|^pace = fast|pace = fast\nstart_time = $start|" "$out/graph.conf"
  fi
  (cd "$out" && "$build/nodes/centinela/centinela" -c graph.conf > summary.txt 2> log.txt) || {
    echo "FAIL: run $1: launcher failed"; cat "$out/log.txt"; exit 1; }
  cat "$out/summary.txt"
}
runs=${RUNS:-2}
run a
[ "$runs" -ge 2 ] && run b

messages=$(sed -n 's/^summary: messages \([0-9]*\),.*/\1/p' "$work/a/summary.txt")
[ -n "$messages" ] && [ "$messages" -gt 0 ] || { echo "FAIL: no messages decoded"; exit 1; }
rows=$("$python" - "$work/a/archive" <<'PY'
import h5py, os, sys
d = sys.argv[1]
print(sum(len(h5py.File(os.path.join(d, f), "r")["messages"]) for f in os.listdir(d) if f.endswith(".h5")))
PY
)
echo "demodulator published $messages messages; archive holds $rows message rows"
[ "$rows" = "$messages" ] || { echo "FAIL: messages lost between demodulator and archive"; exit 1; }
grep -q "missing 0  dropped 0" "$work/a/summary.txt"
if grep -E "missing [1-9]|dropped [1-9]" "$work/a/summary.txt"; then
  echo "FAIL: sequence gaps or drops reported"; exit 1
fi

alerts_jsonl=$(grep -c . "$work/a/alerts.jsonl" 2>/dev/null || true)
alerts_h5=$("$python" - "$work/a/archive" <<'PY'
import h5py, os, sys
d = sys.argv[1]
n = 0
for f in os.listdir(d):
    if f.endswith(".h5"):
        a = h5py.File(os.path.join(d, f), "r")["alerts"][()]
        n += int((a["state"] == 2).sum())
print(n)
PY
)
echo "alerts: $alerts_jsonl in JSON Lines, $alerts_h5 closed in the archive"
[ "${alerts_jsonl:-0}" = "$alerts_h5" ] || { echo "FAIL: JSON Lines and archive disagree on alerts"; exit 1; }

if [ "$runs" -ge 2 ]; then
  "$python" "$src/tests/integration/compare_archives.py" "$work/a/archive" "$work/b/archive"
  cmp -s "$work/a/alerts.jsonl" "$work/b/alerts.jsonl" || { echo "FAIL: alerts differ between runs"; exit 1; }
fi
echo PASS
