#!/usr/bin/env bash
# A source outrunning the demodulator without back-pressure (live delivery): the demodulator's
# queue overflows, and every lost block is counted — as sequence gaps in its input and as
# sample gaps it restarts over, so reception times stay honest — and it still ends cleanly.
#   outrun.sh <sdr_source> <ais_demod> <recording>
set -euo pipefail
source_bin=$1 demod=$2 rec=$3
[ -e "$rec" ] || { echo "SKIP: $rec missing"; exit 77; }
work=$(mktemp -d /tmp/centinela-outrun-XXXXXX)
demod_pid=""
# Only our own child is signalled.
trap '[ -n "$demod_pid" ] && kill -9 "$demod_pid" 2>/dev/null; rm -rf "$work"' EXIT
export CENTINELA_RUN_DIR="$work/run"
"$demod" --sub '>ipc://${run_dir}/sdr_source' --lossless false --hwm 4 --eos_linger_s 0 \
  --stats_interval_s 0.2 2> "$work/demod.log" &
demod_pid=$!
# Four passes over the recording, as fast as the disk gives it, never waiting for the consumer.
for pass in 1 2 3 4; do
  "$source_bin" -r "$rec" --pace fast --lossless false --hwm 4 --block_samples 4096 \
    --subscribers 1 --eos_linger_s 0 --source_id 7 --start_time "2026-03-01T1$pass:00:00Z" \
    $( [ $pass = 4 ] && echo "--eos_linger_s 5" ) 2> "$work/source$pass.log" || true
done
wait "$demod_pid" || { echo "FAIL: demodulator did not end cleanly"; tail "$work/demod.log"; exit 1; }
demod_pid=""
missing=$(sed -n 's/.*, \([0-9]*\) missing by sequence.*/\1/p' "$work/demod.log" | tail -1)
rx=$(sed -n 's/.*: rx \([0-9]*\) messages.*/\1/p' "$work/demod.log" | tail -1)
echo "demodulator received $rx blocks; $missing counted missing by sequence"
[ "${missing:-0}" -gt 0 ] || { echo "FAIL: an outrun demodulator counted no loss"; exit 1; }
echo PASS
