#!/usr/bin/env bash
# ais_decode at its edges: real-log line forms, gzip, an input that yields nothing (warning and
# exit status), a directory, a missing file (with the reason), an over-long line (capped and
# counted, never held whole), and --log_level=debug naming each rejected line.
#   ais_decode_cli.sh <ais_decode>
set -euo pipefail
dec=$(realpath "$1")
work=$(mktemp -d /tmp/ais-decode-cli-XXXXXX)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0}
fail() { echo "FAIL: $*"; cat "$work/err" 2>/dev/null | head -20; exit 1; }
S='!AIVDM,1,1,,B,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*33'

# real-log forms: Unix s and ms before the sentence, ISO and local date-times, trailing epochs,
# other talkers, DMA context lines
{
  echo "1490075479,$S"
  echo "1490075479123 $S"
  echo "2016-04-01 00:00:02, $S"
  echo "2016-03-31T22:00:02Z;$S"
  echo "$S,1327992119173"
  echo '!ABVDM,1,1,6,B,1G7lQJ001PbomTie:ms2sR@40000,0*34'
  echo '!BSVDO,1,1,,A,17P<7N?0009Fv:epoA@=eWv4081N,0*00' | python3 -c "
import sys
l = sys.stdin.read().strip(); b = l[1:l.index('*')]; x = 0
for c in b: x ^= ord(c)
print('!%s*%02X' % (b, x))"
  echo '\si:AISD*3F\'
  echo '$PGHP,1,2013,11,12,12,0,0,11,219,,2190067,1,62*26'
  echo '!BSVDM,1,1,,A,13@:`L001N0ded0O6Fp8wW<00<0t,0*62'
} > "$work/forms.nmea"
"$dec" -- "$work/forms.nmea" > "$work/out" 2> "$work/err" || fail "forms: exit $?"
[ "$(wc -l < "$work/out")" -eq 8 ] || fail "forms: $(wc -l < "$work/out") decoded, expected 8"
grep -q 'not_mine *2$' "$work/err" || fail "forms: the two context lines"
grep -q 'context lines.* 2$' "$work/err" || fail "forms: context lines not counted as such"

# gzip: the same decode
gzip -c "$work/forms.nmea" > "$work/forms.gz"
"$dec" -- "$work/forms.gz" > "$work/out.gz.json" 2> "$work/err" || fail "gz: exit $?"
cmp -s "$work/out" "$work/out.gz.json" || fail "gz: not the same decode"

# nothing decoded: a warning naming the file, the first unrecognised line and a setting; exit 1
printf '# header\n$GPRMC,1,2,3*00\n%s\n' "$S" | sed 's/^!/x!/' > "$work/junk.nmea"
rc=0
"$dec" -- "$work/junk.nmea" > "$work/out" 2> "$work/err" || rc=$?
[ "$rc" -eq 1 ] || fail "nothing decoded: exit $rc, expected 1"
grep -q "junk.nmea: no AIS message decoded from 3 lines; the first unrecognised is line 2" \
  "$work/err" || fail "nothing decoded: no warning naming the file and line"
grep -q 'GPRMC' "$work/err" && grep -q 'expected AIS' "$work/err" || fail "no line or hint"
printf '2016-04-01 00:00:02, %s\n' "$S" > "$work/dated.nmea"
rc=0
"$dec" --line_format=nmea -- "$work/dated.nmea" > /dev/null 2> "$work/err" || rc=$?
[ "$rc" -eq 1 ] && grep -q 'line_format = unix or datetime' "$work/err" || fail "line_format hint"
printf '%s\n' "${S%??}00" > "$work/badck.nmea"
rc=0
"$dec" -- "$work/badck.nmea" > /dev/null 2> "$work/err" || rc=$?
[ "$rc" -eq 1 ] && grep -q 'check_checksum = false' "$work/err" || fail "checksum hint"

# a directory and a missing file: refused with the reason, exit 1
rc=0
"$dec" -- "$work" > /dev/null 2> "$work/err" || rc=$?
[ "$rc" -eq 1 ] && grep -q 'Is a directory' "$work/err" || fail "directory: exit $rc"
rc=0
"$dec" -- "$work/absent.nmea" > /dev/null 2> "$work/err" || rc=$?
[ "$rc" -eq 1 ] && grep -q 'absent.nmea: No such file or directory' "$work/err" ||
  fail "missing file: exit $rc"

# an over-long line (8 MB, no newline inside) is skipped and counted; the next line decodes
{ head -c 8000000 /dev/zero | tr '\0' 'x'; echo; echo "$S"; } > "$work/long.nmea"
"$dec" -- "$work/long.nmea" > "$work/out" 2> "$work/err" || fail "long line: exit $?"
[ "$(wc -l < "$work/out")" -eq 1 ] || fail "long line: the next line not decoded"
grep -q 'too_long .* 1$' "$work/err" || fail "long line: not counted"

# debug: every rejected line named with file:line and class
printf '%s\n%s\n!=IVDM,1\n' "$S" "${S%??}00" > "$work/mixed.nmea"
"$dec" --log_level=debug -- "$work/mixed.nmea" > /dev/null 2> "$work/err" || fail "debug: exit $?"
grep -q 'mixed.nmea:2: bad_checksum' "$work/err" || fail "debug: line 2 not named"
grep -q 'mixed.nmea:3: ' "$work/err" || fail "debug: line 3 not named"
echo ok
