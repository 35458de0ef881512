#!/usr/bin/env bash
# A real receiver log (shared/datasets/nmea/real) through nmea_input (file input, fast pace) and
# ais_decode: every line that is an AIS sentence with a valid checksum is accepted, corrupted ones
# are rejected by class, none is "not NMEA AIS".  The expected counts are derived here, by a
# regular expression and a checksum computed in Python, not by the code under test.
#   real_logs.sh FILE <nmea_input> <tap> <ais_decode> [FIRST_TIME_ISO [node args...]]
# FIRST_TIME_ISO: the event time expected of the first message published ("-": not checked).
# Exit 77 (skip) when the file is absent.
set -euo pipefail
file=$1
node=$(realpath "$2") tap=$(realpath "$3") decode=$(realpath "$4")
first_time=${5:--}
shift 4 || true
[ $# -gt 0 ] && shift
[ -f "$file" ] || { echo "SKIP: $file absent (shared datasets not beside the checkout)"; exit 77; }
work=$(mktemp -d /tmp/nmea-real-XXXXXX)
tappid=
cleanup() {
  [ -n "$tappid" ] && kill "$tappid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export CENTINELA_RUN_DIR="$work/run"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0}
fail() { echo "FAIL ($(basename "$file")): $*"; tail -5 "$work/node.log" 2>/dev/null | cut -c1-300; exit 1; }

# expected counts, independently
python3 - "$file" > "$work/expected" <<'PY'
import gzip, re, sys
path = sys.argv[1]
op = gzip.open if path.endswith('.gz') else open
good = badck = trunc = badtalker = lines = 0
vdm = re.compile(r'!([A-Z0-9]{2})VD[MO],')
corrupt = re.compile(r'!(?![A-Z0-9]{2})[^,!]{2}VD[MO],')
with op(path, 'rt', errors='replace', newline='') as f:
    for line in f:
        lines += 1
        m = vdm.search(line)
        if m:
            s = line[m.start():]
            star = s.find('*')
            if star < 0 or not re.fullmatch(r'[0-9A-Fa-f]{2}', s[star + 1:star + 3]):
                trunc += 1  # cut short: no "*hh"
                continue
            x = 0
            for ch in s[1:star]:
                x ^= ord(ch)
            if x == int(s[star + 1:star + 3], 16):
                good += 1
            else:
                badck += 1
        elif corrupt.search(line):
            badtalker += 1
print(lines, good, badck, badtalker, trunc)
PY
read -r lines good badck badtalker trunc < "$work/expected"
echo "expected: $lines lines, $good AIS sentences, $badck bad checksums, $badtalker bad talkers," \
  "$trunc cut short"

# nmea_input, read by a tap to its end of stream: the node waits (eos_linger_s) until the tap has
# it, so a tap behind on a loaded machine still gets every message and the final counts.
"$tap" --sub ">ipc://$work/run/nmea_input" --topics ais,stats --timeout_s 60 --until_eos 1 \
  > "$work/out.jsonl" 2> "$work/tap.log" &
tappid=$!
sleep 0.3
rc=0
"$node" --subscribers 1 --eos_linger_s 30 --stats_interval_s 0.5 --inputs "file:$file" "$@" \
  2> "$work/node.log" || rc=$?
wait "$tappid" || true
tappid=
[ "$rc" -eq 0 ] || fail "nmea_input exit $rc"
! grep -q -E "AddressSanitizer|runtime error" "$work/node.log" || fail "crashed"
python3 - "$work/out.jsonl" "$lines" "$good" "$badck" "$badtalker" "$trunc" "$first_time" <<'PY' || fail "nmea_input counts"
import json, sys
path, lines, good, badck, badtalker, trunc, first = sys.argv[1], *map(int, sys.argv[2:7]), sys.argv[7]
stats, first_ais, n_ais = None, None, 0
for l in open(path):
    m = json.loads(l)
    if m['topic'] == 'stats':
        stats = m['stats']['counters']
    elif m['topic'] == 'ais' and not m['eos']:
        n_ais += 1
        first_ais = first_ais or m
c = stats
per_line_ais = (c['nmea_sentences'] + c['nmea_bad_length'] + c['nmea_bad_fill_bits'] +
                c['nmea_bad_armoring'] + c['nmea_duplicate_part'])
print('nmea_input: lines %d, messages %d, sentences %d, not_mine %d (context %d), bad_checksum %d, '
      'bad_talker %d, bad_syntax %d, bad_length %d, missing_part %d' % (
          c['lines'], c['messages'], c['nmea_sentences'], c['nmea_not_mine'], c['nmea_context'],
          c['nmea_bad_checksum'], c['nmea_bad_talker'], c['nmea_bad_syntax'], c['nmea_bad_length'],
          c['nmea_missing_part']))
ok = True
def check(cond, what):
    global ok
    if not cond:
        print('FAIL:', what); ok = False
check(c['lines'] == lines, 'lines %d != %d' % (c['lines'], lines))
check(per_line_ais == good, 'AIS sentences taken %d != %d valid in the file' % (per_line_ais, good))
check(c['nmea_bad_checksum'] == badck, 'bad checksums %d != %d' % (c['nmea_bad_checksum'], badck))
check(c['nmea_bad_syntax'] == trunc, 'bad syntax %d != %d cut short' % (c['nmea_bad_syntax'], trunc))
check(c['nmea_bad_talker'] == badtalker, 'bad talkers %d != %d' % (c['nmea_bad_talker'], badtalker))
check(c['messages'] > 0 and c['messages'] == n_ais, 'messages %d published, %d received' % (c['messages'], n_ais))
check(c['inputs_without_messages'] == 0, 'input reported empty')
if first != '-':
    check(first_ais['rx_time'] == first, 'first event time %s != %s' % (first_ais['rx_time'], first))
sys.exit(0 if ok else 1)
PY

# ais_decode over the same file: the same sentences taken, something decoded, exit 0
rc=0
"$decode" "$@" -- "$file" > "$work/decoded.jsonl" 2> "$work/decode.log" || rc=$?
cat "$work/decode.log" | grep -v '^ ' | head -3
[ "$rc" -eq 0 ] || fail "ais_decode exit $rc: $(head -3 "$work/decode.log")"
read -r _ dlines _ dsent _ _ _ _ ddec _ < <(grep '^ais_decode:' "$work/decode.log" | tr -d ',')
[ "$dlines" = "$lines" ] || fail "ais_decode lines $dlines != $lines"
[ "$dsent" -le "$good" ] && [ "$dsent" -ge $((good * 99 / 100)) ] || fail "ais_decode sentences $dsent, $good valid"
[ "$ddec" -gt 0 ] && [ "$ddec" -eq "$(wc -l < "$work/decoded.jsonl")" ] || fail "ais_decode decoded $ddec"
echo "ok"
