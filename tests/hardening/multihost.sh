#!/usr/bin/env bash
# Several hosts: two receiver sites, each in its own network namespace, demodulate the bundled
# recording and feed a central track_fusion (and archive) in a third namespace over tcp:// with
# CURVE.  The same transmissions heard at both sites become one message downstream; a rogue site
# with a key the centre does not allow is refused and counted; plain peers get nothing.
# Needs root (ip netns); skips where namespaces cannot be made.
#   multihost.sh <build dir> <source dir>
set -euo pipefail
build=$(realpath "$1") src=$(realpath "$2")
python=${CENTINELA_H5PY_PYTHON:-/usr/bin/python3}
rec="$src/datasets/panama-gulf.sigmf-meta"
[ -e "$rec" ] || { echo "SKIP: $rec missing"; exit 77; }
[ "$(id -u)" = 0 ] && command -v ip > /dev/null || { echo "SKIP: needs root and iproute2"; exit 77; }
tag="cn$$"
if ! ip netns add "${tag}c" 2>/dev/null; then echo "SKIP: cannot create network namespaces"; exit 77; fi
if ! ip netns exec "${tag}c" true 2>/dev/null; then
  ip netns del "${tag}c"
  echo "SKIP: cannot enter network namespaces here (ip netns exec fails, e.g. inside a chroot)"; exit 77
fi
work=$(mktemp -d /tmp/centinela-hosts-XXXXXX)
cleanup() {
  for ns in c s1 s2 r; do
    ip netns pids "${tag}$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "${tag}$ns" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
ip -n "${tag}c" link set lo up
i=0
for site in s1 s2 r; do
  i=$((i + 1))
  ip netns add "${tag}$site"
  ip -n "${tag}$site" link set lo up
  ip link add "${tag}$site" type veth peer name "${tag}c$i"
  ip link set "${tag}$site" netns "${tag}$site"
  ip link set "${tag}c$i" netns "${tag}c"
  ip -n "${tag}$site" addr add "10.77.$i.2/24" dev "${tag}$site"
  ip -n "${tag}c" addr add "10.77.$i.1/24" dev "${tag}c$i"
  ip -n "${tag}$site" link set "${tag}$site" up
  ip -n "${tag}c" link set "${tag}c$i" up
done

keygen="$build/nodes/centinela_keygen/centinela_keygen"
for k in central s1 s2 rogue; do "$keygen" > "$work/$k.keys"; done
key() { sed -n "s/^curve_$2_key = //p" "$work/$1.keys"; }

# The centre: fusion binds tcp with CURVE (server), allowing the two sites' public keys.
mkdir -p "$work/central"
CENTINELA_RUN_DIR="$work/central/run" ip netns exec "${tag}c" \
  "$build/nodes/track_fusion/track_fusion" --sub "@tcp://0.0.0.0:6000" --eos_inputs 2 \
  --zones "$src/configs/zones" --subscribers 1 --eos_linger_s 2 --stats_interval_s 0.2 \
  --curve_secret_key "$(key central secret)" --curve_allow "$(key s1 public),$(key s2 public)" \
  2> "$work/central/fusion.log" &
fusion=$!
CENTINELA_RUN_DIR="$work/central/run" ip netns exec "${tag}c" \
  "$build/nodes/hdf5_archiver/hdf5_archiver" --sub '>ipc://${run_dir}/track_fusion' \
  --path "$work/central/archive/" --rotate none --eos_linger_s 0 2> "$work/central/archiver.log" &
archiver=$!

site() { # name, index, keyfile
  local name=$1 i=$2 keys=$3
  mkdir -p "$work/$name"
  CENTINELA_RUN_DIR="$work/$name/run" ip netns exec "${tag}$name" \
    "$build/nodes/sdr_source/sdr_source" -r "$rec" --subscribers 1 --eos_linger_s 5 \
    2> "$work/$name/source.log" &
  CENTINELA_RUN_DIR="$work/$name/run" ip netns exec "${tag}$name" \
    "$build/nodes/ais_demod/ais_demod" --sub '>ipc://${run_dir}/sdr_source' \
    --pub ">tcp://10.77.$i.1:6000" --station_id "$i" --source_id "$((100 + i))" \
    --subscribers 1 --subscribers_timeout_s 20 \
    --eos_linger_s 10 --curve_secret_key "$(key "$keys" secret)" \
    --curve_server_key "$(key central public)" 2> "$work/$name/demod.log" &
  demod_pid=$!
}
site s1 1 s1; s1_pid=$demod_pid
site s2 2 s2; s2_pid=$demod_pid
site r 3 rogue
wait "$fusion" || { echo "FAIL: central fusion failed"; tail "$work/central/fusion.log"; exit 1; }
wait "$archiver" || { echo "FAIL: central archiver failed"; tail "$work/central/archiver.log"; exit 1; }
wait "$s1_pid" "$s2_pid" || true

demod_tx() { sed -n 's/.*tx \([0-9]*\) (.*/\1/p' "$work/$1/demod.log" | tail -1; }
fusion_rx=$(sed -n 's/.*: rx \([0-9]*\) messages.*/\1/p' "$work/central/fusion.log" | tail -1)
echo "site 1 sent $(demod_tx s1), site 2 sent $(demod_tx s2) messages (each incl. end of stream); centre received $fusion_rx"
"$python" - "$work/central/archive" <<'PY'
import h5py, os, sys
d = sys.argv[1]
f = [os.path.join(d, x) for x in os.listdir(d) if x.endswith(".h5")][0]
t = h5py.File(f, "r")["tracks"][()]
final = {}
for r in t:
    final[int(r["track_id"])] = r
two = sum(1 for r in final.values() if r["n_stations"] >= 2)
print(f"centre archived {len(t)} track states, {len(final)} tracks, {two} heard by both sites")
if not final or two == 0:
    print("FAIL: no vessel fused from both sites"); sys.exit(1)
PY
# Each allowed site sends what the demodulator finds in the recording, then its end of stream;
# the rogue site never gets through.
n=$("$build/nodes/ais_demod/ais_demod" -r "$rec" 2> /dev/null | grep -c '^!AIVDM,[0-9],1,')
expect=$((2 * n + 2))
echo "the recording holds $n decodable messages: the centre expects $expect (two sites + two ends of stream)"
# (A site repeats its end of stream once a second until the centre leaves: one more may land.)
[ "$fusion_rx" -ge "$expect" ] && [ "$fusion_rx" -le $((expect + 10)) ] || {
  echo "FAIL: the centre received $fusion_rx, expected $expect (+ repeated ends of stream)"; exit 1; }
grep "CURVE:" "$work/central/fusion.log" | sed 's/.*CURVE/centre: CURVE/'
grep -Eq "CURVE: 2 peers accepted, [1-9][0-9]* refused" "$work/central/fusion.log" || { echo "FAIL: the rogue site was not refused"; exit 1; }
echo PASS
