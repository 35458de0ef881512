#!/bin/sh
# Real AIS logs through the real chain (nmea_input -> track_fusion -> anomaly_detector, started by
# the centinela launcher, zones = configs/zones, an hdf5_archiver keeping what nmea_input
# published), one run per file: every timed file of shared/datasets/nmea/real/ (the yardstick
# beside the checkout; skipped, saying so, when absent) and of the project's own datasets/real/
# (bundled logs the rules were not tuned on; see datasets/README.md, "Real logs").  Prints one
# line per alert raised:
#   <file> <rule> <mmsi list or -> <start ISO> <lat> <lon>
# and appends one line per run to OUT_DIR/summary.txt:
#   <file> <vessel-hours> <vessels> <alerts>
# Vessel-hours: for each MMSI heard in position reports (types 1-3, 18, 19, 27), the time between
# its first and last report as nmea_input stamped them, less every silence longer than an hour
# (a vessel gone for hours, or the days missing between two files of one station, is not
# observed traffic).  The traffic scorer's definition (tests/traffic/score.py), made safe for
# logs with gaps.
#
#   run_feeds.sh BIN_DIR ZONES DATASETS BUNDLED OUT_DIR [file-regex]
#
# nmea_input reads each log's own line format: the Seine logs' leading local time
# ("2016-04-01 00:00:02, !AIVDM..."; time_zone = Europe/Paris, CEST on these dates), leading Unix
# times ("1490075479,!AIVDM..."), DMA's \si: tag blocks and $PGHP times, exactEarth's trailing
# millisecond epochs, gzip'd files.  amsa/ais.txt.gz carries no time at all on its lines: skipped,
# named on stderr.
set -eu
BIN=$1 ZONES=$2 DATA=$3 OWN=$4 OUT=$5 ONLY=${6:-.}
REAL=$DATA/nmea/real
mkdir -p "$OUT"
: > "$OUT/summary.txt"

run_one() { # name input-file [time zone] [fusion max_latency_s]
    name=$1 in=$2 tz=${3:-UTC} late=${4:-1800} dir=$OUT/$(echo "$1" | tr '/' '_')
    rm -rf "$dir"; mkdir -p "$dir"
    # the nodes' ipc:// sockets live in run_dir: a short path (unix socket paths end at 107 bytes)
    run=$(mktemp -d "${TMPDIR:-/tmp}/crf.XXXXXX")
    cat > "$dir/chain.conf" <<CONF
[centinela]
nodes = nmea_input, track_fusion, anomaly_detector, hdf5_archiver
run_dir = $run
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
[hdf5_archiver]
sub = >ipc://\${run_dir}/nmea_input
path = $dir/archive/
rotate = none
log_level = warn
CONF
    if ! "$BIN/centinela/centinela" -c "$dir/chain.conf" --bin_dir= > "$dir/log" 2>&1; then
        echo "chain failed on $name:" >&2; cat "$dir/log" >&2; rm -rf "$run"; exit 1
    fi
    rm -rf "$run"
    if ! "$BIN/archive_tool/archive_tool" --command query --table positions --format jsonl \
        --input "$dir/archive" --output "$dir/positions.jsonl" > "$dir/query.log" 2>&1; then
        echo "archive query failed on $name:" >&2; cat "$dir/query.log" >&2; exit 1
    fi
    python3 - "$name" "$dir/alerts.jsonl" "$dir/positions.jsonl" "$OUT/summary.txt" <<'PY'
import json, sys
name, alerts, positions, summary = sys.argv[1:5]
n = 0
for line in open(alerts):
    a = json.loads(line)
    m = a.get("mmsi")
    ms = "-" if m is None else ",".join(str(x) for x in (m if isinstance(m, list) else [m]))
    print("%s %s %s %s %.4f %.4f" % (name, a["rule"], ms, a["start"], a["lat"], a["lon"]))
    n += 1
GAP_NS = 3600 * 10**9  # a silence longer than this is not observed time
times = {}
for line in open(positions):
    p = json.loads(line)
    if p["msg_type"] in (1, 2, 3, 18, 19, 27):
        times.setdefault(p["mmsi"], []).append(p["time_ns"])
ns = 0
for ts in times.values():
    ts.sort()
    ns += sum(b - a for a, b in zip(ts, ts[1:]) if b - a <= GAP_NS)
with open(summary, "a") as f:
    f.write("%s %.2f %d %d\n" % (name, ns / 3600e9, len(times), n))
PY
}

if [ -d "$REAL" ]; then
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
else
    echo "no $REAL: the shared real feeds are skipped" >&2
fi

# The project's own real logs (datasets/real/, provenance in datasets/README.md).
for f in caribewave/log_ais_cw17.csv.log.gz caribewave/ais_vernon_20160410.log.gz \
         caribewave/ais_vernon_20160411.log.gz amsa/exact-earth-augmented-2.txt.gz \
         amsa/exact-earth-augmented-3.txt.gz; do
    name=datasets/real/$f
    echo "$name" | grep -Eq "$ONLY" || continue
    [ -f "$OWN/$f" ] || { echo "missing $OWN/$f" >&2; exit 1; }
    case $f in
    caribewave/ais_vernon_*) run_one "$name" "$OWN/$f" Europe/Paris ;;
    # exactEarth again, a day later: a second pass delivers some ships' positions 55-75 min
    # after the first pass delivered later ones (MMSI 373049000, 372253000, 538004216: 18-25 km
    # back along their courses)
    amsa/*) run_one "$name" "$OWN/$f" UTC 7200 ;;
    *) run_one "$name" "$OWN/$f" ;;
    esac
done
# The two consecutive Seine days as one stream: midnight is no reason for anything to change.
name=datasets/real/caribewave/vernon-10-11-april
if echo "$name" | grep -Eq "$ONLY"; then
    gzip -dc "$OWN"/caribewave/ais_vernon_20160410.log.gz "$OWN"/caribewave/ais_vernon_20160411.log.gz \
        > "$OUT/vernon_10_11.log"
    run_one "$name" "$OUT/vernon_10_11.log" Europe/Paris
fi
