#!/usr/bin/env bash
# ais_decode --merge_24 on gpsd's sample.aivdm (read in place): every type 24 object it prints is
# a part B carrying its part A's "shipname", as gpsd prints them; without the option, part B
# objects have no name.
#   merge24.sh <ais_decode> <shared datasets dir>
set -euo pipefail
dec=$1 sample=$2/nmea/gpsd/sample.aivdm
[ -f "$sample" ] || { echo "SKIP: $sample not found"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
merged=$("$dec" --merge_24 --summary=false -- "$sample" | grep '"type":24' || true)
[ -n "$merged" ] || fail "no type 24 printed with --merge_24"
n=$(grep -c . <<< "$merged")
named=$(grep -c '"shipname":"[^"]' <<< "$merged" || true)
partb=$(grep -c '"shiptype"' <<< "$merged" || true)
[ "$n" -eq "$partb" ] || fail "$((n - partb)) part A objects printed (they are held)"
# the named ones are exactly those gpsd prints (the others are part Bs without a part A, which
# gpsd drops), with the same names
want=$(grep '"type":24' "$2/nmea/gpsd/sample.aivdm.js.chk" | grep -o '"mmsi":[0-9]*,.*"shipname":"[^"]*"' |
       sed 's/"mmsi":\([0-9]*\),.*"shipname":"\([^"]*\)"/\1 \2/')
got=$(grep '"shipname":"[^"]' <<< "$merged" | sed 's/.*"mmsi":\([0-9]*\),.*"shipname":"\([^"]*\)".*/\1 \2/')
[ -n "$want" ] && [ "$got" = "$want" ] || fail "merged names: got '$got', gpsd prints '$want'"
plain=$("$dec" --summary=false -- "$sample" | grep '"type":24' | grep '"shiptype"' | grep -c '"shipname"' || true)
[ "$plain" -eq 0 ] || fail "part B named without --merge_24"
echo "ok: $named of $n type 24 objects merged"
