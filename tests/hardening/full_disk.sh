#!/usr/bin/env bash
# The archive's disk fills up: the archiver reports a clear error and exits 1, and the file it
# leaves holds only rows that were written (no rows of zeros from a table extended over data that
# never reached the disk: its summary does not start in 1970) and passes `archive_tool check`,
# which reads every row and the index; the same file with its last 8 KB randomised fails it.
# Needs root for a small tmpfs (8 MB, DISK_SIZE); skips otherwise.
#   full_disk.sh <ais_flood> <hdf5_archiver> <archive_tool>
set -euo pipefail
flood=$1 archiver=$2 tool=$3
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to mount a small tmpfs"; exit 77; }
work=$(mktemp -d /tmp/centinela-disk-XXXXXX)
mkdir -p "$work/disk"
if ! mount -t tmpfs -o size=${DISK_SIZE:-8m} tmpfs "$work/disk" 2>/dev/null; then
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
[ "$rc" = 1 ] || { echo "FAIL: archiver exit code $rc after a write failure, expected 1"; exit 1; }
f=$(ls "$work/disk"/*.h5 | head -1)
"$tool" check "$f" > "$work/check.txt" 2>&1 || { echo "FAIL: archive left damaged or with unwritten rows"; cat "$work/check.txt"; exit 1; }
cat "$work/check.txt" | head -5
"$tool" summary "$f" > "$work/summary.txt" 2>&1 || { echo "FAIL: no summary"; cat "$work/summary.txt"; exit 1; }
grep "event time" "$work/summary.txt"
if grep -q "event time: 1970" "$work/summary.txt"; then echo "FAIL: rows of time 0 in the file"; exit 1; fi
rows=$(awk '$1 == "messages" && $2 ~ /^[0-9]+$/ {print $2; exit}' "$work/summary.txt")
[ "${rows:-0}" -gt 0 ] || { echo "FAIL: no messages kept"; exit 1; }
echo "$rows messages kept"
# check must notice damage: the same file with its last 8 KB randomised.
cp "$f" "$work/tail.h5"
size=$(stat -c %s "$work/tail.h5")
dd if=/dev/urandom of="$work/tail.h5" bs=8192 count=1 seek=$(( size - 8192 )) oflag=seek_bytes conv=notrunc status=none
if "$tool" check "$work/tail.h5" > "$work/check2.txt" 2>&1; then
  echo "FAIL: check accepted a file whose last 8 KB are random"; cat "$work/check2.txt"; exit 1
fi
echo "randomised tail: $(tail -1 "$work/check2.txt")"
echo PASS
