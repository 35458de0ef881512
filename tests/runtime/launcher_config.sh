#!/usr/bin/env bash
# The launcher refuses what it cannot honour and says so: a progress mode it does not know
# (exit 2), and warns of a node listed without a section of its own.
#   launcher_config.sh <centinela> <source dir>
set -uo pipefail
centinela=$1 src=$2
work=$(mktemp -d /tmp/centinela-lconf-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$centinela" -c "$src/configs/centinela.conf" --progress=sometimes --run_dir="$work/run" 2> "$work/err.txt"; rc=$?
[ "$rc" = 2 ] && grep -q "progress 'sometimes' is not auto, on or off" "$work/err.txt" ||
  { echo "FAIL: --progress=sometimes gave exit $rc"; cat "$work/err.txt"; exit 1; }
printf '[centinela]\nnodes = relay\nrun_dir = %s/run2\nprogress = off\nstall_timeout_s = 20\n' "$work" > "$work/g.conf"
"$centinela" -c "$work/g.conf" --bin_dir="$(dirname "$centinela")/../../tests/runtime" > /dev/null 2> "$work/err2.txt"
grep -q "warn .*no \[relay\] section; the node runs on its defaults" "$work/err2.txt" ||
  { echo "FAIL: no warning for a node without a section"; cat "$work/err2.txt"; exit 1; }
echo PASS
