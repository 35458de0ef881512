#!/usr/bin/env bash
# The launcher restarts a node killed with SIGKILL during a replay, and the graph still ends.
#   launcher_restart.sh <centinela> <sdr_source> <relay> <tap>
set -euo pipefail
centinela=$(realpath "$1") sdr_source=$(realpath "$2") relay=$(realpath "$3") tap=$(realpath "$4")
work=$(mktemp -d /tmp/centinela-restart-XXXXXX)
trap 'rm -rf "$work"' EXIT
bin="$work/bin"
mkdir -p "$bin"
ln -s "$sdr_source" "$bin/sdr_source"
ln -s "$relay" "$bin/relay"

# Four seconds of noise at 96 kS/s, played in real time so there is time to kill a node.
head -c $((96000 * 2 * 4)) /dev/urandom > "$work/noise.cu8"
cat > "$work/graph.conf" <<CONF
[centinela]
nodes = sdr_source, relay.a, relay.b
bin_dir = $bin
run_dir = $work/run
backoff_initial_s = 0.2
progress = off
stall_timeout_s = 60

[sdr_source]
input = $work/noise.cu8
rate_hz = 96000
pace = realtime
block_samples = 4800

[relay.a]
sub = >ipc://\${run_dir}/sdr_source
types = iq

[relay.b]
sub = >ipc://\${run_dir}/relay.a
types = iq
CONF

"$centinela" -c "$work/graph.conf" > "$work/out.txt" 2> "$work/err.txt" &
launcher=$!
# Kill relay.a once it is up and has relayed something.
victim=""
for _ in $(seq 1 100); do
  sleep 0.1
  # Our own launcher's health file names its nodes' pids.
  victim=$(jq -r '.nodes[] | select(.node == "relay.a" and .state == "running") | .pid' \
           "$work/run/health.json" 2>/dev/null || true)
  [ -n "$victim" ] && break
done
[ -n "$victim" ] || { echo "FAIL: relay.a never started"; cat "$work/err.txt"; exit 1; }
sleep 1.2
kill -9 "$victim"
echo "killed relay.a (pid $victim)"

rc=0
wait "$launcher" || rc=$?
cat "$work/out.txt"
if [ "$rc" -ne 0 ]; then
  echo "FAIL: launcher exited $rc"; cat "$work/err.txt"; exit 1
fi
grep -q "killed by signal 9; restarting" "$work/err.txt" || { echo "FAIL: no restart logged"; cat "$work/err.txt"; exit 1; }
grep -Eq "relay.a +done +restarts 1" "$work/out.txt" || { echo "FAIL: relay.a not restarted once and done"; exit 1; }
grep -Eq "relay.b +done +restarts 0" "$work/out.txt" || { echo "FAIL: relay.b did not finish"; exit 1; }
# The status command reads the health file the launcher left behind.
"$centinela" -c "$work/graph.conf" --status > "$work/status.txt" || true
grep -q "relay.a" "$work/status.txt" || { echo "FAIL: --status shows no node"; cat "$work/status.txt"; exit 1; }
echo "PASS"
