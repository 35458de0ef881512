#!/usr/bin/env bash
# A node told to bind plain tcp:// beyond loopback refuses (exit 2, with the reason) unless its
# configuration says insecure = true; loopback needs no keys.
#   exposed_bind.sh <relay>
set -uo pipefail
relay=$1
log=$(mktemp /tmp/centinela-exposed-XXXXXX)
trap 'rm -f "$log"' EXIT
"$relay" --pub=@tcp://0.0.0.0:15604 --types=iq 2> "$log"; rc=$?
[ "$rc" = 2 ] || { echo "FAIL: exit $rc for an exposed bind, not 2"; cat "$log"; exit 1; }
grep -q 'refusing to bind tcp://0.0.0.0:15604 without CURVE keys' "$log" || { echo "FAIL: no reason given"; cat "$log"; exit 1; }
"$relay" --pub=@tcp://0.0.0.0:15604 --types=iq --insecure=true 2> "$log"; rc=$?
[ "$rc" = 0 ] && grep -q INSECURE "$log" || { echo "FAIL: insecure = true not honoured loudly (exit $rc)"; cat "$log"; exit 1; }
"$relay" --pub=@tcp://127.0.0.1:15604 --types=iq 2> "$log"; rc=$?
[ "$rc" = 0 ] && ! grep -q INSECURE "$log" || { echo "FAIL: loopback refused or warned (exit $rc)"; cat "$log"; exit 1; }
echo PASS
