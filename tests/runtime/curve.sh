#!/usr/bin/env bash
# CURVE on tcp:// links: a keyed client receives; a plain client and a client whose key is not
# allowed receive nothing and are counted as refused.
#   curve.sh <sdr_source> <relay> <centinela_keygen>
set -euo pipefail
sdr_source=$1 relay=$2 keygen=$3
work=$(mktemp -d /tmp/centinela-curve-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export CENTINELA_RUN_DIR="$work/run"

key() { sed -n "s/^curve_$2_key = //p" "$work/$1.keys"; }
for k in server good bad; do "$keygen" > "$work/$k.keys"; done
# an argument it does not take is refused, and no key is printed
rc=0; "$keygen" --bogus > "$work/bogus.keys" 2> "$work/bogus.err" || rc=$?
[ "$rc" -eq 2 ] && [ ! -s "$work/bogus.keys" ] && grep -q "unknown argument '--bogus'" "$work/bogus.err" ||
  { echo "FAIL: keygen --bogus: exit $rc, $(cat "$work/bogus.keys" "$work/bogus.err")"; exit 1; }
port=$((20000 + RANDOM % 20000))
head -c $((96000 * 2 * 3)) /dev/urandom > "$work/noise.cu8"

run_relay() { # name, extra args...
  local name=$1; shift
  "$relay" --types iq --sub ">tcp://127.0.0.1:$port" --pub "@ipc://$work/$name" \
    --source_id 9 --eos_linger_s 0 "$@" 2> "$work/$name.log" &
  pids+=($!)
}
run_relay good --curve_secret_key "$(key good secret)" --curve_server_key "$(key server public)"
good=$!
run_relay bad --curve_secret_key "$(key bad secret)" --curve_server_key "$(key server public)"
run_relay plain

"$sdr_source" -r "$work/noise.cu8" --rate_hz 96000 --pace realtime --block_samples 9600 \
  --pub "@tcp://127.0.0.1:$port" --subscribers 1 --subscribers_timeout_s 10 --eos_linger_s 2 \
  --stats_interval_s 0.2 \
  --curve_secret_key "$(key server secret)" --curve_allow "$(key good public)" \
  2> "$work/source.log"

wait "$good" || { echo "FAIL: keyed relay did not end cleanly"; cat "$work/good.log"; exit 1; }
sleep 0.5
for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
sleep 1
rx() { sed -n 's/.*: rx \([0-9]*\) messages.*/\1/p' "$work/$1.log" | tail -1; }
echo "keyed client rx $(rx good), unlisted key rx $(rx bad), plain rx $(rx plain)"
[ "$(rx good)" -ge 30 ] || { echo "FAIL: keyed client got too little"; cat "$work/good.log"; exit 1; }
[ "$(rx bad)" = 0 ] || { echo "FAIL: client with an unlisted key received data"; exit 1; }
[ "$(rx plain)" = 0 ] || { echo "FAIL: plain client received data"; exit 1; }
# A malformed key is refused at start-up with a configuration error (exit 2).
set +e
"$relay" --types iq --sub ">tcp://127.0.0.1:$port" --curve_secret_key tooshort 2> "$work/badkey.log"
rc=$?
set -e
[ "$rc" = 2 ] && grep -q "Z85" "$work/badkey.log" || { echo "FAIL: bad key not refused (rc $rc)"; cat "$work/badkey.log"; exit 1; }
echo PASS
