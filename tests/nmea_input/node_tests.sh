#!/usr/bin/env bash
# nmea_input end to end: the node reads files, UDP datagrams, a TCP feed and TCP clients, and a
# tap reports what reached `ais` / `radar` and the final stats.
#   node_tests.sh CASE <nmea_input> <tap> <data dir>
set -euo pipefail
case=$1
node=$(realpath "$2") tap=$(realpath "$3") data=$(realpath "$4")
work=$(mktemp -d /tmp/nmea-input-test-XXXXXX)
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
  for f in node.log out.jsonl server.log; do
    [ -f "$work/$f" ] && { echo "--- $f"; tail -40 "$work/$f" | cut -c1-400; }
  done
  exit 1
}
no_crash() {
  ! grep -q -E "AddressSanitizer|runtime error|Segmentation" "$work/node.log" || fail "crashed"
}
# jq -s over everything the tap printed
q() { jq -s -r "$1" "$work/out.jsonl"; }
expect() { [ "$(q "$2")" = "true" ] || fail "$1 ($2)"; }
# the last stats message's counters
stat() { q "[.[] | select(.topic == \"stats\")] | last | .stats.counters.$1"; }
expect_stat() { [ "$(stat "$1")" = "$2" ] || fail "counter $1 = $(stat "$1"), expected $2"; }

start_tap() { # start_tap TIMEOUT_S
  "$tap" --sub ">ipc://$work/run/nmea_input" --topics ais,radar,stats --timeout_s "$1" \
    > "$work/out.jsonl" 2> "$work/tap.log" &
  tappid=$!
  pids+=("$tappid")
  sleep 0.3
}
# run_files ARGS...: the node on files until it ends; the tap until 2 s of silence.
run_files() {
  start_tap 2
  rc=0
  "$node" --subscribers 1 --eos_linger_s 1 --stats_interval_s 0.2 "$@" 2> "$work/node.log" || rc=$?
  wait "$tappid" || true
  no_crash
}
# start_live ARGS...: the node in the background (network inputs never end).
start_live() {
  start_tap 4
  "$node" --subscribers 1 --stats_interval_s 0.2 "$@" 2> "$work/node.log" &
  nodepid=$!
  pids+=("$nodepid")
  sleep 0.7
}
stop_live() {
  kill -TERM "$nodepid"
  wait "$nodepid" || fail "node exit $?"
  wait "$tappid" || true
  no_crash
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

T0=1700000000
case "$case" in
file)
  # Two files in order; tag-block and USCG times; untimed line takes the previous time; a
  # two-part message reassembled; TTM through a radar site; every rejection counted; EOS.
  run_files --inputs "file:$data/tagged.nmea@5, $data/uscg.nmea@6" --radar_sites 7:8.9:-79.5:24
  [ "$rc" -eq 0 ] || fail "exit $rc"
  expect "6 ais messages" '[.[] | select(.topic == "ais" and (.eos | not))] | length == 6'
  expect "1 radar report" '[.[] | select(.topic == "radar" and (.eos | not))] | length == 1'
  expect "tag-block times and stations" "[.[] | select(.topic == \"ais\" and (.eos | not))] | .[0:4] |
      map([.rx_time_ns / 1e9, .station]) == [[$T0, 101], [$T0, 5], [$((T0 + 10)), 102], [$((T0 + 20)), 102]]"
  expect "type 5 from two parts" '[.[] | select(.topic == "ais" and (.eos | not))][3] | .nbits == 424'
  expect "USCG times" "[.[] | select(.topic == \"ais\" and (.eos | not))] | .[4:6] |
      map(.rx_time_ns / 1e9) == [$((T0 + 100)), $((T0 + 101))]"
  expect "radar position from the site" '[.[] | select(.topic == "radar" and (.eos | not))][0] |
      .site == 7 and .target == 5 and (.lat - 8.929 | fabs) < 0.01'
  expect "RF fields unknown" '[.[] | select(.topic == "ais" and (.eos | not))][0] | .snr_db == null'
  expect "end of stream on both topics" '[.[] | select(.eos)] | map(.topic) | unique == ["ais", "radar"]'
  expect_stat lines 12
  expect_stat messages 6
  expect_stat radar 1
  expect_stat nmea_bad_checksum 1
  expect_stat nmea_bad_armoring 1
  expect_stat nmea_not_mine 2
  expect_stat files 2
  ;;
garbage)
  # Random bytes, over-long lines, truncated sentences: counted, never fatal, EOS still comes.
  head -c 200000 /dev/urandom > "$work/noise.bin"
  { head -c 5000 /dev/zero | tr '\0' 'x'; echo; echo '!AIVDM,1,1'; echo '\c:zz*00\!AIVDM';
    cat "$data/tagged.nmea"; } > "$work/bad.nmea"
  run_files --inputs "file:$work/noise.bin, file:$work/bad.nmea@1"
  [ "$rc" -eq 0 ] || fail "exit $rc"
  expect "the good messages still come" '[.[] | select(.topic == "ais" and (.eos | not))] | length == 4'
  expect "end of stream" '[.[] | select(.eos)] | length >= 1'
  [ "$(stat too_long)" -ge 1 ] || fail "over-long line not counted"
  [ "$(stat nmea_bad_syntax)" -ge 1 ] || fail "truncated sentence not counted"
  [ "$(stat lines)" -ge 100 ] || fail "lines of noise not counted"
  ;;
stdin)
  rc=0
  start_tap 2
  "$node" --inputs - --station 9 --subscribers 1 --eos_linger_s 1 --stats_interval_s 0.2 \
    < "$data/tagged.nmea" 2> "$work/node.log" || rc=$?
  wait "$tappid" || true
  no_crash
  [ "$rc" -eq 0 ] || fail "exit $rc"
  expect "default station" '[.[] | select(.topic == "ais" and (.eos | not))][1].station == 9'
  expect_stat messages 4
  ;;
realtime)
  # 3 lines 4 s apart in event time at speed 4: about 2 s of wall time.
  for k in 0 4 8; do
    python3 -c "
import sys
def cs(s):
    x=0
    for ch in s: x^=ord(ch)
    return '%02X'%x
t='c:$((T0 + k))'; b='AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0'
print('\\\\'+t+'*'+cs(t)+'\\\\!'+b+'*'+cs(b))"
  done > "$work/rt.nmea"
  start=$(date +%s.%N)
  run_files --inputs "file:$work/rt.nmea@1" --pace realtime --speed 4
  el=$(echo "$(date +%s.%N) - $start" | bc)
  [ "$rc" -eq 0 ] || fail "exit $rc"
  expect "3 messages" '[.[] | select(.topic == "ais" and (.eos | not))] | length == 3'
  echo "elapsed $el s"
  (( $(echo "$el > 1.9 && $el < 6" | bc) )) || fail "realtime pace took $el s, expected about 2 s (+ linger)"
  # The launcher's progress line: the share of the file handled, part-way and then whole.
  expect "progress part-way" '[.[] | select(.topic == "stats") | .stats.gauges.progress // 0] | any(. > 0 and . < 1)'
  expect "progress whole at the end" '[.[] | select(.topic == "stats") | .stats.gauges.progress] | last == 1'
  ;;
udp)
  port=$(free_port)
  start_live --inputs "udp:127.0.0.1:$port@4"
  # two lines in one datagram, one without a newline at all
  printf '%s\n%s\n' "$(sed -n 2p "$data/tagged.nmea" | tr -d '\r')" \
    "$(sed -n 4p "$data/tagged.nmea" | tr -d '\r')" > /dev/udp/127.0.0.1/$port
  printf '!AIVDM,1,1,,B,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*33' > /dev/udp/127.0.0.1/$port
  sleep 0.8
  stop_live
  expect "3 messages" '[.[] | select(.topic == "ais" and (.eos | not))] | length == 3'
  expect "tag time kept" "[.[] | select(.topic == \"ais\")][0].rx_time_ns / 1e9 == $T0"
  now=$(date +%s)
  expect "untimed line: the receiver's clock" "[.[] | select(.topic == \"ais\")][2] |
      .station == 4 and ((.rx_time_ns / 1e9) - $now | fabs) < 30"
  [ "$(stat datagrams)" -ge 2 ] || fail "datagrams not counted"
  ;;
udp_overflow)
  # The node paused (SIGSTOP, our own child) while a burst arrives: the kernel drops what its
  # 64 kB buffer cannot hold, and the node counts every lost datagram (SO_RXQ_OVFL).
  port=$(free_port)
  start_live --inputs "udp:127.0.0.1:$port@4" --udp_rcvbuf_kb 64
  kill -STOP "$nodepid"
  python3 - "$port" "$(sed -n 2p "$data/tagged.nmea" | tr -d '\r')" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3000):
    s.sendto((sys.argv[2] + "\n").encode(), ("127.0.0.1", int(sys.argv[1])))
PY
  kill -CONT "$nodepid"
  sleep 1
  # The kernel's count arrives with the next datagram queued after the drops.
  printf '%s\n' "$(sed -n 2p "$data/tagged.nmea" | tr -d '\r')" > /dev/udp/127.0.0.1/$port
  sleep 0.8
  stop_live
  got=$(stat datagrams) lost=$(stat udp_kernel_drops)
  echo "3001 datagrams sent: $got read, $lost counted as dropped by the kernel"
  [ "$lost" -gt 0 ] || fail "no kernel drop counted"
  [ $((got + lost)) -eq 3001 ] || fail "read $got + dropped $lost != 3001 sent"
  ;;
tcp)
  # A feed server that sends the file, closes, and serves it again: the node reconnects.
  port=$(free_port)
  python3 - "$port" "$data/tagged.nmea" > "$work/server.log" 2>&1 <<'EOF' &
import socket, sys, time
port, path = int(sys.argv[1]), sys.argv[2]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(4)
for i in range(2):
    c, _ = s.accept()
    c.sendall(open(path, "rb").read()); time.sleep(0.2); c.close()
    print("served", i, flush=True)
time.sleep(30)
EOF
  pids+=("$!")
  sleep 0.3
  start_live --inputs "tcp:127.0.0.1:$port@3" --reconnect_initial_s 0.2
  sleep 1.5
  stop_live
  expect "the file twice" '[.[] | select(.topic == "ais" and (.eos | not))] | length == 8'
  [ "$(stat connects)" -ge 2 ] || fail "reconnect not counted"
  [ "$(stat disconnects)" -ge 1 ] || fail "disconnect not counted"
  ;;
tcp_retry)
  # Nothing listens at first: failures counted with back-off, then the server appears.
  port=$(free_port)
  start_live --inputs "tcp:127.0.0.1:$port@3" --reconnect_initial_s 0.1 --reconnect_max_s 0.4
  sleep 1
  python3 - "$port" "$data/tagged.nmea" > "$work/server.log" 2>&1 <<'EOF' &
import socket, sys, time
port, path = int(sys.argv[1]), sys.argv[2]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(4)
c, _ = s.accept(); c.sendall(open(path, "rb").read()); time.sleep(30)
EOF
  pids+=("$!")
  sleep 1.5
  stop_live
  [ "$(stat connect_failures)" -ge 2 ] || fail "failed connects not counted"
  expect_stat connects 1
  expect "messages after the server came" '[.[] | select(.topic == "ais" and (.eos | not))] | length == 4'
  ;;
tcpserver)
  port=$(free_port)
  start_live --inputs "tcpserver:127.0.0.1:$port@8"
  # two clients at once, one sends a multipart message split over two writes
  exec 3<>/dev/tcp/127.0.0.1/$port
  exec 4<>/dev/tcp/127.0.0.1/$port
  sed -n 2,3p "$data/tagged.nmea" >&3
  sed -n 5p "$data/tagged.nmea" | head -c 40 >&4
  sleep 0.2
  sed -n 5p "$data/tagged.nmea" | tail -c +41 >&4
  sed -n 6p "$data/tagged.nmea" >&4
  exec 3>&- 4>&-
  sleep 0.8
  stop_live
  expect "3 messages" '[.[] | select(.topic == "ais" and (.eos | not))] | length == 3'
  expect "type 5 reassembled across writes" '[.[] | select(.topic == "ais")] | map(.nbits) | index(424) != null'
  expect_stat connects 2
  expect_stat disconnects 2
  ;;
bad_config)
  for args in "--inputs ''" "--inputs udp:127.0.0.1" "--inputs tcp:h:70000" "--inputs file:x@abc" \
              "--inputs file:/nonexistent/file" "--inputs - --pace slow" \
              "--inputs - --radar_sites 1:95:0" "--inputs - --time_zone Mars/Olympus" \
              "--inputs - --line_format iso" "--inputs file:$data"; do
    rc=0
    eval "\"$node\" $args" < /dev/null > /dev/null 2> "$work/node.log" || rc=$?
    no_crash
    [ "$rc" -eq 2 ] || fail "'$args' gave exit $rc, expected 2"
  done
  : > "$work/out.jsonl"
  ;;
formats)
  # Real-log forms, each giving the sentence its event time: a leading Unix time (s, ms), a local
  # date-time in time_zone, ISO 8601 with an offset, a trailing ms epoch, a DMA lone tag block
  # with a $PGHP; other talkers; and the same lines gzip'd.
  S='!AIVDM,1,1,,B,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*33'
  {
    echo "1490075479,$S"
    echo "1490075480123 $S"
    echo "2016-04-01 00:00:02, $S"
    echo "2016-03-31T22:00:03+00:00;$S"
    echo "$S,1327992119173"
    echo '\si:AISD*3F\'
    echo '$PGHP,1,2013,11,12,12,0,0,11,219,,2190067,1,62*26'
    echo '!BSVDM,1,1,,A,13@:`L001N0ded0O6Fp8wW<00<0t,0*62'
    echo '!ABVDM,1,1,6,B,1G7lQJ001PbomTie:ms2sR@40000,0*34'  # untimed: the latest time so far
  } > "$work/forms.log"
  gzip -c "$work/forms.log" > "$work/forms.log.gz"
  run_files --inputs "file:$work/forms.log, file:$work/forms.log.gz" --time_zone Europe/Paris
  [ "$rc" -eq 0 ] || fail "exit $rc"
  expect "every sentence, twice" '[.[] | select(.topic == "ais" and (.eos | not))] | length == 14'
  expect "event times from each form" '[.[] | select(.topic == "ais" and (.eos | not))] | .[0:7] |
      map(.rx_time_ns / 1e6) == [1490075479000, 1490075480123, 1459461602000, 1459461603000,
                                 1327992119173, 1384257600011, 1490075480123]'
  expect "the gzip copy alike" '[.[] | select(.topic == "ais" and (.eos | not))] |
      (.[0:7] | map(.rx_time_ns)) == (.[7:14] | map(.rx_time_ns))'
  expect "raw NMEA without the leading time" '[.[] | select(.topic == "ais" and (.eos | not))][2] |
      .nmea | startswith("!AIVDM")'
  expect_stat nmea_not_mine 4
  expect_stat nmea_context 4
  expect_stat inputs_without_messages 0
  ;;
empty)
  # A file that yields nothing: a warning naming it, its first unrecognised line and the setting
  # that may help; the counter the launcher's summary reads; the node still ends cleanly.
  printf '2016-04-01 00:00:02, !AIVDM,1,1,,B,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*33\n' > "$work/local.log"
  run_files --inputs "file:$work/local.log, file:$data/tagged.nmea" --line_format nmea
  [ "$rc" -eq 0 ] || fail "exit $rc"
  grep -q "warn .*file:$work/local.log: no AIS or radar message in 1 lines; the first unrecognised is line 1 (not_mine)" \
    "$work/node.log" || fail "no warning naming the file"
  grep -q 'line_format = unix or datetime' "$work/node.log" || fail "no setting named"
  expect_stat inputs_without_messages 1
  # a feed with nothing at all: the end-of-run line is a warning
  printf '$GPRMC,not,ais\n' > "$work/gps.log"
  run_files --inputs "file:$work/gps.log"
  grep -q 'warn .*1 lines: 0 ais messages' "$work/node.log" || fail "summary not a warning"
  expect_stat inputs_without_messages 1
  ;;
csv_node)
  # Position tables as analysts download them: each row a message at the row's time, static
  # data where the columns give it, unreadable rows counted; realtime pacing by the row times.
  run_files --inputs "file:$data/marinecadastre.csv, file:$data/dma.csv"
  [ "$rc" -eq 0 ] || fail "exit $rc"
  expect "every row's messages" '[.[] | select(.topic == "ais" and (.eos | not))] | length == 12'
  expect "row times" '[.[] | select(.topic == "ais" and (.eos | not))] | .[0].rx_time_ns == 1672531205000000000 and .[6].rx_time_ns == 1698796800000000000'
  expect "raw NMEA" '[.[] | select(.topic == "ais" and (.eos | not))][1].nmea | test("^!AIVDM,2,1,")'
  expect_stat csv_rows 6
  expect_stat csv_bad_rows 6
  expect_stat csv_skipped_rows 1
  grep -q "MarineCadastre position table" "$work/node.log" || fail "layout not named"
  grep -q "DMA row that cannot be read" "$work/node.log" || fail "first bad row not named"
  ;;
*)
  fail "unknown case"
  ;;
esac
echo "ok ($case)"
