#!/bin/sh
# Every timed file of shared/datasets/nmea/real/ through the real chain (nmea_input ->
# track_fusion -> anomaly_detector, started by the centinela launcher, zones = configs/zones),
# one run per file (and the three vernon days as one stream); prints one line per alert raised:
#   <file> <rule> <mmsi list or -> <start ISO> <lat> <lon>
#
#   run_feeds.sh BIN_DIR ZONES DATASETS OUT_DIR [file-regex]
#
# Files that cannot be timed yet are skipped and named on stderr:
#   amsa/ais.txt.gz            no time at all on its lines
#   dma/ais-sample.txt.gz,     time only in $PGHP sentences, which nmea_input does not read yet
#   dma/events/*.ais
#   amsa/exact-earth-augmented.txt  time only in $PGHP and a trailing millisecond epoch
# The vernon logs carry a local-time prefix ("2016-04-01 00:00:02, !AIVDM..."; Paris, CEST =
# UTC+2 on these dates).  Until nmea_input reads that prefix itself, it is converted here to an
# IEC 61162-450 tag block "\c:<unix s>*hh\" (hh: XOR of the characters between '\' and '*');
# this conversion goes once nmea_input reads the prefix.
set -eu
BIN=$1 ZONES=$2 DATA=$3 OUT=$4 ONLY=${5:-.}
REAL=$DATA/nmea/real
[ -d "$REAL" ] || { echo "no $REAL" >&2; exit 77; }
mkdir -p "$OUT"

vernon_to_tag() {
    awk -F', ' '
    function xor(a, b,   r, i, x, y) { r = 0; for (i = 0; i < 8; i++) { x = a % 2; y = b % 2;
        if (x != y) r += 2 ^ i; a = int(a / 2); b = int(b / 2) } return r }
    BEGIN { for (i = 32; i < 127; i++) ord[sprintf("%c", i)] = i }
    NF >= 2 && $1 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9:]+$/ {
        split($1, a, /[- :]/)
        # days from civil (UTC), then CEST -> UTC (-2 h)
        y = a[1]; m = a[2]; d = a[3]; if (m <= 2) y--; era = int(y / 400); yoe = y - era * 400
        doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
        doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
        t = (era * 146097 + doe - 719468) * 86400 + a[4] * 3600 + a[5] * 60 + a[6] - 7200
        tag = sprintf("c:%d", t); cs = 0
        for (i = 1; i <= length(tag); i++) cs = xor(cs, ord[substr(tag, i, 1)])
        line = $0; sub(/^[^,]*, /, "", line)
        printf "\\%s*%02X\\%s\n", tag, cs, line
    }' "$1"
}

run_one() { # name input-file
    name=$1 in=$2 dir=$OUT/$(echo "$1" | tr '/' '_')
    rm -rf "$dir"; mkdir -p "$dir"
    cat > "$dir/chain.conf" <<CONF
[centinela]
nodes = nmea_input, track_fusion, anomaly_detector
run_dir = $dir/run
progress = off
log_level = warn
[nmea_input]
inputs = file:$in
pace = fast
log_level = warn
[track_fusion]
sub = >ipc://\${run_dir}/nmea_input
zones = $ZONES
log_level = warn
[anomaly_detector]
sub = >ipc://\${run_dir}/track_fusion
zones = $ZONES
jsonl = $dir/alerts.jsonl
log_level = warn
CONF
    if ! "$BIN/centinela/centinela" -c "$dir/chain.conf" --bin_dir= > "$dir/log" 2>&1; then
        echo "chain failed on $name:" >&2; cat "$dir/log" >&2; exit 1
    fi
    python3 - "$name" "$dir/alerts.jsonl" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
for line in open(path):
    a = json.loads(line)
    m = a.get("mmsi")
    ms = "-" if m is None else ",".join(str(x) for x in (m if isinstance(m, list) else [m]))
    print("%s %s %s %s %.4f %.4f" % (name, a["rule"], ms, a["start"], a["lat"], a["lon"]))
PY
}

for f in vernon/ais_vernon_20160331.log vernon/ais_vernon_20160401.log vernon/ais_vernon_20160404.log \
         amsa/nmea-timestamped.txt amsa/exact-earth-with-tag-block.txt; do
    echo "$f" | grep -Eq "$ONLY" || continue
    [ -f "$REAL/$f" ] || { echo "missing $REAL/$f" >&2; exit 77; }
    case $f in
    vernon/*) vernon_to_tag "$REAL/$f" > "$OUT/$(basename "$f").tagged"; run_one "$f" "$OUT/$(basename "$f").tagged" ;;
    *) run_one "$f" "$REAL/$f" ;;
    esac
done
# The three vernon days as one stream, as a station's archive is replayed: two days without a
# line between 1 and 4 April are the station's silence, not every barge's.
if echo "vernon/all-days" | grep -Eq "$ONLY"; then
    cat "$OUT"/ais_vernon_2016033*.tagged "$OUT"/ais_vernon_2016040*.tagged > "$OUT/vernon_all.tagged"
    run_one vernon/all-days "$OUT/vernon_all.tagged"
fi
for f in amsa/ais.txt.gz dma/ais-sample.txt.gz dma/events amsa/exact-earth-augmented.txt; do
    echo "skipped (no time nmea_input reads yet): $f" >&2
done
