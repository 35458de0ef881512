#!/usr/bin/env bash
# A stalled archiver (SIGSTOP) behind a live source: the queue to it reaches its high-water mark,
# memory stays bounded, and every message dropped for it shows as a sequence gap in the
# archiver's statistics — nothing disappears silently.  (ZeroMQ drops per subscriber: a stalled
# archiver costs other subscribers nothing, and only the subscriber can see what it missed.)
#   stalled_archiver.sh <ais_flood> <hdf5_archiver>
set -euo pipefail
flood=$1 archiver=$2
work=$(mktemp -d /tmp/centinela-stall-XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null || true; done; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export CENTINELA_RUN_DIR="$work/run"

"$archiver" --sub '>ipc://${run_dir}/ais_flood' --path "$work/archive/" --rotate none \
  --hwm 1000 --lossless false --eos_linger_s 0 2> "$work/archiver.log" &
arch=$!; pids+=($arch)
"$flood" --rate 20000 --duration_s 8 --pace realtime --lossless false --hwm 1000 \
  --subscribers 1 --eos_linger_s 5 2> "$work/flood.log" &
src=$!; pids+=($src)

rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
sleep 2
kill -STOP "$arch"
max_src=0
for _ in $(seq 1 8); do
  sleep 0.5
  r=$(rss "$src"); [ "$r" -gt "$max_src" ] && max_src=$r
done
stalled_rss=$(rss "$arch")
kill -CONT "$arch"
wait "$src" || { echo "FAIL: source failed"; cat "$work/flood.log"; exit 1; }
wait "$arch" || { echo "FAIL: archiver failed"; cat "$work/archiver.log"; exit 1; }

sent=$(sed -n 's/.*tx \([0-9]*\) (\([0-9]*\) dropped).*/\1/p' "$work/flood.log" | tail -1)
missing=$(sed -n 's/.*, \([0-9]*\) missing by sequence.*/\1/p' "$work/archiver.log" | tail -1)
rows=$(sed -n 's/.*end of stream: \([0-9]*\) messages,.*/\1/p' "$work/archiver.log" | tail -1)
data=160000 # 20,000 msg/s for 8 s
echo "source: sent $sent messages ($data data, the rest end-of-stream marks); peak RSS ${max_src} kB"
echo "archiver: $rows rows + $missing counted missing by sequence; RSS while stalled ${stalled_rss} kB"
[ "$max_src" -lt 150000 ] || { echo "FAIL: source memory grew to $max_src kB"; exit 1; }
[ "$stalled_rss" -lt 300000 ] || { echo "FAIL: archiver memory grew to $stalled_rss kB"; exit 1; }
[ "${missing:-0}" -gt 0 ] || { echo "FAIL: a stalled archiver lost nothing? (no gap counted)"; exit 1; }
# Every data message is archived or counted missing; only end-of-stream marks may add to it.
acc=$((rows + missing))
[ "$acc" -ge "$data" ] && [ "$acc" -le "$sent" ] || { echo "FAIL: $acc accounted of $data"; exit 1; }
echo PASS
