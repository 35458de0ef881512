#!/usr/bin/env bash
# SIGKILL each node of the main graph in turn during a replay: the launcher restarts it, the
# graph still reaches end of stream, the archive opens, and the loss is counted (restarts and
# sequence gaps in the node statistics the archive keeps).
#   kill_each.sh <build dir> <source dir> [node ...]
set -euo pipefail
build=$(realpath "$1") src=$(realpath "$2"); shift 2
nodes=("$@")
[ ${#nodes[@]} -gt 0 ] || nodes=(sdr_source ais_demod track_fusion anomaly_detector hdf5_archiver)
python=${CENTINELA_H5PY_PYTHON:-/usr/bin/python3}
rec="$src/datasets/panama-gulf.sigmf-meta"
[ -e "$rec" ] || { echo "SKIP: $rec missing"; exit 77; }
"$python" -c 'import h5py' 2>/dev/null || { echo "SKIP: $python has no h5py"; exit 77; }
work=$(mktemp -d /tmp/centinela-kill-XXXXXX)
trap 'pkill -9 -f -- "$work/" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

for victim in "${nodes[@]}"; do
  out="$work/$victim"
  mkdir -p "$out"
  # 8 s of the recording in real time, so there is a running graph to kill.
  sed -e "s|^input = .*|input = $rec\nmax_samples = 768000|" \
      -e "s|^pace = fast|pace = realtime|" \
      -e "s|^run_dir = .*|run_dir = $out/run\nbackoff_initial_s = 0.2|" \
      -e "s|^progress = .*|progress = off|" \
      -e "s|^jsonl = .*|jsonl = $out/alerts.jsonl|" \
      -e "s|^path = .*|path = $out/archive/|" \
      -e "s|^zones = configs/zones|zones = $src/configs/zones|" \
      "$src/configs/centinela.conf" > "$out/graph.conf"
  (cd "$out" && "$build/nodes/centinela/centinela" -c "$out/graph.conf" > summary.txt 2> log.txt) &
  launcher=$!
  # Kill the victim two seconds into its run: the replay plays 8 s of signal in real time, so
  # every node is mid-stream then.
  pid=""
  for _ in $(seq 1 300); do
    sleep 0.1
    pid=$(pgrep -f -- "$out/graph.conf --section $victim " | head -1 || true)
    [ -n "$pid" ] && break
  done
  sleep 2
  echo "killing $victim (pid $pid)"
  [ -n "$pid" ] || { echo "FAIL: $victim never started"; cat "$out/log.txt"; exit 1; }
  kill -9 "$pid"
  t_kill=$(date +%s.%N)
  # How long the victim was away: until its restarted process shows up.
  down=0
  for _ in $(seq 1 300); do
    new=$(pgrep -f -- "$out/graph.conf --section $victim " | head -1 || true)
    if [ -n "$new" ] && [ "$new" != "$pid" ]; then
      down=$(echo "$(date +%s.%N) - $t_kill" | bc); break
    fi
    sleep 0.05
  done
  rc=0
  wait "$launcher" || rc=$?
  if [ "$rc" != 0 ]; then echo "FAIL: graph did not finish after killing $victim (rc $rc)"; tail -20 "$out/log.txt"; exit 1; fi
  grep -Eq "^  $victim +done +restarts 1 " "$out/summary.txt" || { echo "FAIL: $victim not restarted once"; cat "$out/summary.txt"; exit 1; }
  "$python" - "$out/archive" "$victim" "$down" "$out/log.txt" <<'PY' || exit 1
import h5py, json, os, re, sys
d, victim, down, log = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
files = [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".h5")]
rows = restarts = missing = published = 0
for f in files:
    with h5py.File(f, "r", swmr=True) as h:
        rows += len(h["messages"])
        st, blob = h["stats"][()], h["stats_json"][()]
        for r in st:
            s = json.loads(bytes(blob[r["json_offset"]:r["json_offset"] + r["json_len"]]))
            rx = s.get("rx", {})
            restarts = max(restarts, rx.get("seq_restarts", 0))
            if s.get("section") == "ais_demod":
                published = max(published, s.get("counters", {}).get("messages", 0))
            missing = max(missing, rx.get("seq_missing", 0))
print(f"killed {victim}: demodulator published {published} (last archived stats), archive holds "
      f"{rows} messages; archived stats show {restarts} publisher restarts, {missing} missing by sequence")
# An archiver down for a restart loses what was published while it was away, what it had not
# flushed (at most its 1 s flush interval) and what came before its restarted self subscribed
# (allow 4 s of start-up under a sanitizer on a busy machine).  The replay runs in real time, so
# event time stands for wall time: the lost messages must be one stretch of the demodulator's
# sequence no longer than that.
if victim == "hdf5_archiver":
    seqs, times = [], {}
    for f in files:
        with h5py.File(f, "r", swmr=True) as h:
            m = h["messages"][()]
            for r in m:
                seqs.append(int(r["seq"]))
                times[int(r["seq"])] = int(r["rx_time_ns"])
    seqs = sorted(set(seqs))
    gaps = [(a, b) for a, b in zip(seqs, seqs[1:]) if b != a + 1]
    if len(gaps) > 1:
        print(f"FAIL: the archive misses several stretches {gaps}"); sys.exit(1)
    if gaps:
        a, b = gaps[0]
        span = (times[b] - times[a]) / 1e9
        bound = down + 1.0 + 4.0
        print(f"archiver away {down:.1f} s: lost seq {a + 1}..{b - 1} ({b - a - 1} messages), "
              f"{span:.1f} s of signal; bound {bound:.1f} s")
        if span > bound:
            print("FAIL: the archiver lost more than its downtime and flush interval explain"); sys.exit(1)
        # The restarted archiver knows what it had archived: the loss is counted, not unseen.
        counted = [int(x) for x in re.findall(r"hdf5_archiver: .*end of stream: rx \d+ messages \(\d+ rejected, (\d+) missing by sequence", open(log).read())]
        print(f"restarted archiver counted {counted[-1] if counted else 'nothing'} missing by sequence")
        if not counted or counted[-1] < b - a - 1:
            print("FAIL: the archiver's loss over its restart is not counted"); sys.exit(1)
PY
done
echo PASS
