#!/bin/sh
# Every timed file of shared/datasets/nmea/real/ through the real chain (nmea_input ->
# track_fusion -> anomaly_detector, started by the centinela launcher, zones = configs/zones),
# one run per file (and the three vernon days as one stream); prints one line per alert raised:
#   <file> <rule> <mmsi list or -> <start ISO> <lat> <lon>
#
#   run_feeds.sh BIN_DIR ZONES DATASETS OUT_DIR [file-regex]
#
# nmea_input reads each log's own line format: the vernon logs' leading local time
# ("2016-04-01 00:00:02, !AIVDM..."; time_zone = Europe/Paris, CEST on these dates), DMA's
# \si: tag blocks and $PGHP times, exactEarth's trailing millisecond epochs, gzip'd files.
# amsa/ais.txt.gz carries no time at all on its lines: skipped, named on stderr.
set -eu
BIN=$1 ZONES=$2 DATA=$3 OUT=$4 ONLY=${5:-.}
REAL=$DATA/nmea/real
[ -d "$REAL" ] || { echo "no $REAL" >&2; exit 77; }
mkdir -p "$OUT"

run_one() { # name input-file [time zone] [fusion max_latency_s]
    name=$1 in=$2 tz=${3:-UTC} late=${4:-1800} dir=$OUT/$(echo "$1" | tr '/' '_')
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
time_zone = $tz
log_level = warn
[track_fusion]
sub = >ipc://\${run_dir}/nmea_input
zones = $ZONES
max_latency_s = $late
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
         amsa/nmea-timestamped.txt amsa/exact-earth-with-tag-block.txt \
         amsa/exact-earth-augmented.txt dma/ais-sample.txt.gz \
         dma/events/212123000_drift_1.ais dma/events/219165000_ssc_1.ais \
         dma/events/538004030_drift_1.ais; do
    echo "$f" | grep -Eq "$ONLY" || continue
    [ -f "$REAL/$f" ] || { echo "missing $REAL/$f" >&2; exit 77; }
    case $f in
    vernon/*) run_one "$f" "$REAL/$f" Europe/Paris ;;
    # satellite AIS stamped on arrival (the trailing epoch): positions come up to an hour late
    amsa/exact-earth-augmented.txt) run_one "$f" "$REAL/$f" UTC 3600 ;;
    *) run_one "$f" "$REAL/$f" ;;
    esac
done
# The three vernon days as one stream, as a station's archive is replayed: two days without a
# line between 1 and 4 April are the station's silence, not every barge's.
if echo "vernon/all-days" | grep -Eq "$ONLY"; then
    cat "$REAL"/vernon/ais_vernon_2016033*.log "$REAL"/vernon/ais_vernon_2016040*.log \
        > "$OUT/vernon_all.log"
    run_one vernon/all-days "$OUT/vernon_all.log" Europe/Paris
fi
echo "skipped (no time on its lines): amsa/ais.txt.gz" >&2
