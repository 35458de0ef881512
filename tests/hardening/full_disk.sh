#!/usr/bin/env bash
# The archive's disk fills up: the archiver reports a clear error, and the file it leaves opens
# and holds whole rows (no corrupt file).  Needs root for a small tmpfs; skips otherwise.
#   full_disk.sh <ais_flood> <hdf5_archiver> <archive_tool>
set -euo pipefail
flood=$1 archiver=$2 tool=$3
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to mount a small tmpfs"; exit 77; }
work=$(mktemp -d /tmp/centinela-disk-XXXXXX)
mkdir -p "$work/disk"
if ! mount -t tmpfs -o size=1m tmpfs "$work/disk" 2>/dev/null; then
  echo "SKIP: cannot mount tmpfs here"; rm -rf "$work"; exit 77
fi
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; umount "$work/disk" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export CENTINELA_RUN_DIR="$work/run"

"$archiver" --sub '>ipc://${run_dir}/ais_flood' --path "$work/disk/" --rotate none \
  --deflate 0 --eos_linger_s 0 --flush_interval_s 0.2 2> "$work/archiver.log" &
arch=$!; pids+=($arch)
"$flood" --rate 20000 --duration_s 3 --pace fast --subscribers 1 --eos_linger_s 3 \
  2> "$work/flood.log" &
pids+=($!)
set +e
wait "$arch"; rc=$?
set -e
echo "archiver exit code $rc"
grep -iE "no space|disk|ENOSPC|write" "$work/archiver.log" | head -3
grep -qiE "no space left|disk full" "$work/archiver.log" || { echo "FAIL: no clear disk-full error"; tail -20 "$work/archiver.log"; exit 1; }
f=$(ls "$work/disk"/*.h5 | head -1)
"$tool" check "$f" > "$work/check.txt" 2>&1 || { echo "FAIL: archive left unreadable"; cat "$work/check.txt"; exit 1; }
cat "$work/check.txt" | head -5
echo PASS
