#!/usr/bin/env bash
# sdr_source end to end, without hardware: a stand-in librtlsdr (LD_LIBRARY_PATH, same soname)
# and a stand-in rtl_tcp server deliver a cu8 file; iq_sink reports what reached the iq topic.
#   live_tests.sh CASE <sdr_source> <dir of the stand-in librtlsdr.so.0> <fake_rtltcp> <iq_sink>
set -euo pipefail
case=$1
src=$(realpath "$2") fakedir=$(realpath "$3") rtltcp=$(realpath "$4") sink=$(realpath "$5")
work=$(mktemp -d /tmp/sdr-source-test-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export CENTINELA_RUN_DIR="$work/run"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0}

fail() {
  echo "FAIL ($case): $*"
  for f in src.log sum.json server.log calls.log; do
    [ -f "$work/$f" ] && { echo "--- $f"; tail -40 "$work/$f"; }
  done
  exit 1
}
# jq over the sink's summary
j() { jq -r "$1" "$work/sum.json"; }
expect() { # expect DESCRIPTION JQ-BOOLEAN
  [ "$(j "$2")" = "true" ] || fail "$1 ($2)"
}
# A crash is never acceptable, whatever the exit code.
no_crash() {
  ! grep -q -E "AddressSanitizer|runtime error|Segmentation" "$work/src.log" || fail "crashed"
}

rate=288000
# One second of noise at 288 kS/s.
head -c $((rate * 2)) /dev/urandom > "$work/in.cu8"

# run_live ARGS...: start the sink, then sdr_source with ARGS; sets $rc.
run_live() {
  rm -f "$work/ready"
  "$sink" ">ipc://$work/run/sdr_source" 60 "$work/ready" > "$work/sum.json" &
  local sinkpid=$!
  pids+=("$sinkpid")
  for _ in $(seq 1 50); do [ -f "$work/ready" ] && break; sleep 0.1; done
  rc=0
  "$src" --eos_linger_s 5 --stats_interval_s 0.2 --retry_initial_s 0.1 "$@" 2> "$work/src.log" || rc=$?
  wait "$sinkpid" || true
  no_crash
}

start_server() { # start_server ARGS...: the stand-in rtl_tcp; sets $port
  rm -f "$work/port"
  "$rtltcp" "$work/in.cu8" "$work/port" "$work/server.log" "$@" &
  pids+=("$!")
  for _ in $(seq 1 50); do [ -f "$work/port" ] && break; sleep 0.1; done
  port=$(cat "$work/port")
}

case "$case" in
rtlsdr_live)
  # 20 USB buffers of 16384 samples, by serial, manual gain, ppm, bias tee, RTL AGC.
  export FAKE_RTLSDR_START_DELAY_MS=700
  export LD_LIBRARY_PATH="$fakedir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export FAKE_RTLSDR_FILE="$work/in.cu8" FAKE_RTLSDR_LOG="$work/calls.log"
  run_live --device rtlsdr:serial=00000001 --max_samples $((16384 * 20)) --gain 40 --ppm 3 \
    --bias_tee true --rtl_agc true
  [ "$rc" -eq 0 ] || fail "exit $rc"
  expect "20 messages" '.messages == 20'
  expect "every sample" '.samples == 327680 and .first_index == 0 and .end_index == 327680'
  expect "no gap" '.gaps == 0 and .backwards == 0 and .seq_missing == 0'
  expect "end of stream" '.eos'
  expect "rate and centre" '.rate == 288000 and .center_hz == 162000000'
  expect "event time = start + index / rate" '.bad_event_time == 0 and .start_time_changes == 0'
  now=$(date +%s)
  expect "start time is the wall clock" "(.start_time_ns / 1e9 - $now) | fabs < 30"
  expect "no overrun, no drop-out" '.stats.counters.overruns == 0 and .stats.counters.dropouts == 0'
  for call in "set_sample_rate 288000" "set_center_freq 162000000" "set_freq_correction 3" \
              "set_tuner_gain_mode 1" "set_tuner_gain 402" "set_agc_mode 1" "set_bias_tee 1" \
              "read_async 32768"; do
    grep -qx "$call" "$work/calls.log" || fail "librtlsdr was not called with '$call'"
  done
  grep -q "lossless = true" "$work/src.log" && fail "live default is not lossless = false"
  grep -q "bias tee on" "$work/src.log" || fail "device description not logged"
  ;;

rtlsdr_dropout)
  # The dongle vanishes after 100000 samples and is absent for two more attempts.
  export FAKE_RTLSDR_START_DELAY_MS=700 FAKE_RTLSDR_FAIL_AFTER=100000 FAKE_RTLSDR_REOPEN_FAILS=2
  export LD_LIBRARY_PATH="$fakedir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export FAKE_RTLSDR_FILE="$work/in.cu8" FAKE_RTLSDR_LOG="$work/calls.log"
  run_live --device rtlsdr:0 --max_samples $((rate * 3))
  [ "$rc" -eq 0 ] || fail "exit $rc"
  grep -q "^lost 100000" "$work/calls.log" || fail "the stand-in did not drop"
  expect "one drop-out, reopened" '.stats.counters.dropouts == 1 and .stats.counters.reopens == 1'
  expect "two failed reopen attempts counted" '.stats.counters.open_failures == 2'
  expect "samples up to the drop" '.first_index == 0'
  expect "one gap in the index" '.gaps == 1 and .backwards == 0'
  # back-off 0.1 + 0.2 + 0.4 s, plus the stand-in's 0.7 s start: at least 1.3 s of stream time
  expect "the gap is the time away" ".gap_samples >= $((rate * 13 / 10)) and .gap_samples < $((rate * 5))"
  expect "gap counted by the source" '.stats.counters.gap_samples == .gap_samples'
  expect "start time unchanged" '.start_time_changes == 0 and .bad_event_time == 0'
  expect "stream ends on time" ".eos and .end_index == $((rate * 3))"
  grep -q "device lost" "$work/src.log" || fail "drop-out not logged"
  grep -q "device back" "$work/src.log" || fail "reopen not logged"
  ;;

rtlsdr_overrun)
  export LD_LIBRARY_PATH="$fakedir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export FAKE_RTLSDR_FILE="$work/in.cu8" FAKE_RTLSDR_START_DELAY_MS=700
  # 1. A slow consumer: the publisher blocks (lossless = true, tiny queues) while the sink takes
  #    100 ms per 57 ms block; the dongle never waits: the ring (0.2 s) overflows and counts.
  total=$((rate * 3))
  IQ_SINK_DELAY_MS=100 IQ_SINK_HWM=1 run_live --device rtlsdr --lossless true --hwm 1 \
    --ring_s 0.2 --max_samples $total
  [ "$rc" -eq 0 ] || fail "slow consumer: exit $rc"
  grep -q "lossless = true on a live receiver" "$work/src.log" || fail "no warning for lossless live"
  expect "overruns counted" '.stats.counters.overruns > 0'
  expect "dropped samples counted per buffer" \
    '.stats.counters.overrun_samples == .stats.counters.overruns * 16384'
  expect "the index skips what was dropped" '.gaps > 0 and .backwards == 0 and .bad_event_time == 0'
  expect "no iq message lost between source and sink" '.seq_missing == 0'
  expect "published + dropped covers the stream" \
    ".stats.counters.samples + .stats.counters.overrun_samples >= $total"
  expect "no drop-out" '.stats.counters.dropouts == 0'
  grep -q "overruns [1-9]" "$work/src.log" || fail "overruns not in the final log line"
  # 2. A dongle delivering as fast as memory allows into a two-buffer ring.
  FAKE_RTLSDR_PACE=fast run_live --device rtlsdr --ring_s 0 --max_samples $((rate * 40))
  [ "$rc" -eq 0 ] || fail "fast dongle: exit $rc"
  expect "fast dongle: overruns counted" '.stats.counters.overruns > 0 and .backwards == 0'
  expect "fast dongle: published + dropped covers the stream" \
    ".stats.counters.samples + .stats.counters.overrun_samples >= $((rate * 40))"
  ;;

rtlsdr_missing)
  export LD_LIBRARY_PATH="$fakedir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export FAKE_RTLSDR_FILE="$work/in.cu8"
  rc=0; FAKE_RTLSDR_DEVICES=0 "$src" --device rtlsdr --pub "" 2> "$work/src.log" || rc=$?
  no_crash
  [ "$rc" -eq 1 ] || fail "no dongle: exit $rc, want 1"
  grep -q "no RTL-SDR dongle found" "$work/src.log" || fail "no clear error without a dongle"
  rc=0; "$src" --device rtlsdr:serial=99999999 --pub "" 2> "$work/src.log" || rc=$?
  no_crash
  [ "$rc" -eq 1 ] || fail "unknown serial: exit $rc, want 1"
  grep -q "no RTL-SDR dongle with serial '99999999'" "$work/src.log" || fail "unknown serial: no clear error"
  grep -q "rtlsdr:0  Realtek RTL2838UHIDIR SN 00000001" "$work/src.log" || fail "present dongles not listed"
  rc=0; "$src" --device rtlsdr:3 --pub "" 2> "$work/src.log" || rc=$?
  [ "$rc" -eq 1 ] || fail "index 3: exit $rc, want 1"
  rc=0; "$src" --device rtlsdr --rate_hz 500000 --pub "" 2> "$work/src.log" || rc=$?
  [ "$rc" -eq 2 ] || fail "rate 500000: exit $rc, want 2"
  grep -q "225001-300000" "$work/src.log" || fail "bad rate: no clear error"
  rc=0; "$src" --device rtlsdr --gain loud --pub "" 2> "$work/src.log" || rc=$?
  [ "$rc" -eq 2 ] || fail "gain loud: exit $rc, want 2"
  rc=0; "$src" --device hackrf --pub "" 2> "$work/src.log" || rc=$?
  [ "$rc" -eq 2 ] || fail "unknown device type: exit $rc, want 2"
  # wait_for_device: keeps retrying until stopped, then exits cleanly.
  rc=0; FAKE_RTLSDR_DEVICES=0 timeout -s TERM 2 "$src" --device rtlsdr --wait_for_device true \
    --retry_initial_s 0.1 --pub "" 2> "$work/src.log" || rc=$?
  no_crash
  [ "$rc" -eq 124 ] || fail "wait_for_device: exit $rc, want to be still waiting (124)"
  grep -q "waiting for the device" "$work/src.log" || fail "wait_for_device: not logged"
  ;;

rtlsdr_record)
  export FAKE_RTLSDR_START_DELAY_MS=700
  export LD_LIBRARY_PATH="$fakedir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export FAKE_RTLSDR_FILE="$work/in.cu8"
  run_live --device rtlsdr --max_samples $rate --record "$work/rec-%Y"
  [ "$rc" -eq 0 ] || fail "exit $rc"
  year=$(date -u +%Y)
  meta="$work/rec-$year.sigmf-meta" data="$work/rec-$year.sigmf-data"
  [ -f "$meta" ] && [ -f "$data" ] || fail "no SigMF recording"
  cmp -s "$data" "$work/in.cu8" || fail "recorded samples differ from what the dongle sent"
  [ "$(jq -r '.global["core:datatype"]' "$meta")" = "cu8" ] || fail "datatype"
  [ "$(jq -r '.global["core:sample_rate"]' "$meta")" = "288000" ] || fail "sample rate"
  [ "$(jq -r '.captures | length' "$meta")" = "1" ] || fail "one capture segment expected"
  dt=$(jq -r '.captures[0]["core:datetime"]' "$meta")
  start_s=$(j '.start_time_ns / 1000000000 | floor')
  want=$(date -u -d "@$start_s" +%Y-%m-%dT%H:%M:%S)
  [ "${dt:0:19}" = "$want" ] || fail "core:datetime $dt is not the first sample's time ($want)"
  [[ "$dt" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$ ]] || fail "datetime format $dt"
  expect "recorded counter" ".stats.counters.recorded_samples == $rate"
  ;;

rtlsdr_stall)
  # The dongle stops delivering without going away; stall_timeout_s catches it.  Then the node
  # is stopped with SIGTERM: a clean exit that ends its stream (so every node downstream flushes
  # and ends in turn), the recording closed with two capture segments.
  export LD_LIBRARY_PATH="$fakedir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export FAKE_RTLSDR_FILE="$work/in.cu8" FAKE_RTLSDR_LOG="$work/calls.log"
  export FAKE_RTLSDR_START_DELAY_MS=200 FAKE_RTLSDR_STALL_AFTER=100000
  "$sink" ">ipc://$work/run/sdr_source" 5 "$work/ready" > "$work/sum.json" &
  sinkpid=$!; pids+=("$sinkpid")
  for _ in $(seq 1 50); do [ -f "$work/ready" ] && break; sleep 0.1; done
  "$src" --device rtlsdr --stall_timeout_s 0.5 --retry_initial_s 0.1 --stats_interval_s 0.2 \
    --record "$work/stall" 2> "$work/src.log" &
  srcpid=$!; pids+=("$srcpid")
  sleep 3.5
  kill -TERM "$srcpid"
  rc=0; wait "$srcpid" || rc=$?
  wait "$sinkpid" || true
  no_crash
  [ "$rc" -eq 0 ] || fail "SIGTERM: exit $rc, want 0"
  grep -q "^stalled" "$work/calls.log" || fail "the stand-in did not stall"
  grep -q "no samples for" "$work/src.log" || fail "stall not logged"
  expect "stall counted as a drop-out and reopened" \
    '.stats.counters.dropouts == 1 and .stats.counters.reopens == 1'
  expect "one gap, honest times" '.gaps == 1 and .backwards == 0 and .bad_event_time == 0'
  expect "end of stream on SIGTERM" '.eos == true'
  [ "$(jq -r '.captures | length' "$work/stall.sigmf-meta")" = "2" ] || fail "recording: want 2 capture segments"
  stalled=$(sed -n 's/^stalled //p' "$work/calls.log")
  [ "$(jq -r '.captures[1]["core:sample_start"]' "$work/stall.sigmf-meta")" = "$stalled" ] \
    || fail "second capture should start where the dongle stalled (sample $stalled)"
  ;;

rtltcp_live)
  start_server --delay-ms 700
  run_live --device "rtltcp:127.0.0.1:$port" --max_samples $((16384 * 10)) --gain 49.6 --ppm -7 \
    --bias_tee true
  [ "$rc" -eq 0 ] || fail "exit $rc"
  expect "10 messages" '.messages == 10 and .samples == 163840 and .first_index == 0'
  expect "no gap" '.gaps == 0 and .seq_missing == 0 and .eos'
  expect "rate and centre" '.rate == 288000 and .center_hz == 162000000 and .bad_event_time == 0'
  for cmd in "cmd 1 rate 288000" "cmd 1 freq 162000000" "cmd 1 freq_correction -7" \
             "cmd 1 gain_mode 1" "cmd 1 gain 496" "cmd 1 agc 0" "cmd 1 bias_tee 1"; do
    grep -qx "$cmd" "$work/server.log" || fail "the server did not receive '$cmd'"
  done
  grep -q "^bad" "$work/server.log" && fail "the client sent an unknown command"
  grep -q "R820T tuner, 29 gain steps" "$work/src.log" || fail "greeting not understood"
  ;;

rtltcp_reconnect)
  start_server --delay-ms 300 --drop-after 200000
  run_live --device "rtltcp:127.0.0.1:$port" --max_samples $((rate * 3))
  [ "$rc" -eq 0 ] || fail "exit $rc"
  grep -q "^drop 1 after 200000 bytes" "$work/server.log" || fail "the server did not drop"
  grep -q "^connect 2" "$work/server.log" || fail "no reconnect"
  grep -qx "cmd 2 freq 162000000" "$work/server.log" || fail "settings not sent again"
  grep -qx "cmd 2 gain_mode 0" "$work/server.log" || fail "auto gain not sent"
  expect "one drop-out, reconnected" '.stats.counters.dropouts == 1 and .stats.counters.reopens == 1'
  expect "one gap, honest times" '.gaps == 1 and .gap_samples > 0 and .bad_event_time == 0 and .start_time_changes == 0'
  expect "stream ends on time" ".eos and .end_index == $((rate * 3))"
  ;;

rtltcp_missing)
  # A port where nothing listens (bound and closed again).
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  rc=0; "$src" --device "rtltcp:127.0.0.1:$port" --pub "" 2> "$work/src.log" || rc=$?
  no_crash
  [ "$rc" -eq 1 ] || fail "no server: exit $rc, want 1"
  grep -q "cannot connect" "$work/src.log" || fail "no clear error without a server"
  rc=0; "$src" --device "rtltcp:127.0.0.1:notaport" --pub "" 2> "$work/src.log" || rc=$?
  [ "$rc" -eq 2 ] || fail "bad port: exit $rc, want 2"
  # Something that is not rtl_tcp.
  python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
c, _ = s.accept(); c.sendall(b"HTTP/1.0 200 OK\r\n\r\n"); time.sleep(2)' "$work/port" &
  pids+=("$!")
  for _ in $(seq 1 50); do [ -s "$work/port" ] && break; sleep 0.1; done
  rc=0; "$src" --device "rtltcp:127.0.0.1:$(cat "$work/port")" --pub "" 2> "$work/src.log" || rc=$?
  no_crash
  [ "$rc" -eq 1 ] || fail "not rtl_tcp: exit $rc, want 1"
  grep -q "not an rtl_tcp server" "$work/src.log" || fail "no clear error for a non-rtl_tcp server"
  ;;

file_errors)
  # Bad recordings and settings: a clear error and a non-zero exit, never a crash.
  head -c 4097 /dev/urandom > "$work/odd.cu8"
  head -c 4094 /dev/urandom > "$work/cut.cs16"
  head -c 4096 /dev/urandom > "$work/noise.wav"
  head -c 4096 /dev/urandom > "$work/x.dat"
  : > "$work/empty.cu8"
  check() { # check WANT_RC PATTERN ARGS...
    local want=$1 pattern=$2; shift 2
    rc=0; "$src" --pub "" "$@" 2> "$work/src.log" || rc=$?
    no_crash
    [ "$rc" -eq "$want" ] || fail "$* : exit $rc, want $want"
    grep -q -- "$pattern" "$work/src.log" || fail "$* : no '$pattern' in the log"
  }
  check 2 "truncated" --input "$work/odd.cu8" --rate_hz 288000
  check 2 "truncated" --input "$work/cut.cs16" --rate_hz 288000
  check 0 "truncated = play" --input "$work/odd.cu8" --rate_hz 288000 --truncated play
  check 2 "not one of" --input "$work/in.cu8" --format cu9 --rate_hz 288000
  check 2 "cannot tell the sample format" --input "$work/x.dat" --rate_hz 288000
  check 2 "outside" --input "$work/in.cu8" --rate_hz 10000
  check 2 "rate_hz" --input "$work/in.cu8" --rate_hz 12000000
  check 2 "" --input "$work/in.cu8"
  check 2 "noise.wav" --input "$work/noise.wav"
  check 2 "No such file" --input "$work/absent.cu8" --rate_hz 288000
  check 2 "no input" --rate_hz 288000
  check 2 "pace" --input "$work/in.cu8" --rate_hz 288000 --pace slow
  check 2 "truncated 'maybe'" --input "$work/in.cu8" --rate_hz 288000 --truncated maybe
  check 2 "start_time" --input "$work/in.cu8" --rate_hz 288000 --start_time yesterday
  check 0 "end of stream" --input "$work/empty.cu8" --rate_hz 288000
  ;;

file_playback)
  # The recording keys the integration tests rely on, unchanged.
  run_live --input "$work/in.cu8" --rate_hz $rate --center_hz 161975000 \
    --start_time 2024-05-01T12:00:00Z --block_samples 4096 --subscribers 1 --pace fast
  [ "$rc" -eq 0 ] || fail "exit $rc"
  expect "71 blocks" '.messages == 71 and .samples == 288000 and .first_index == 0 and .gaps == 0'
  expect "start time from the configuration" '.start_time_ns == 1714564800000000000'
  expect "centre and rate" '.center_hz == 161975000 and .rate == 288000 and .bad_event_time == 0'
  expect "end of stream" '.eos and .seq_missing == 0'
  ;;

*)
  echo "unknown case $case"; exit 2 ;;
esac
echo "PASS ($case)"
