#!/bin/sh
# CTest real_feeds_reviewed: run every timed real feed through the chain (run_feeds.sh) and
# compare the alerts with the reviewed list; an alert not reviewed fails the test.
#   check_reviewed.sh BIN_DIR ZONES DATASETS OUT_DIR REVIEWED
set -u
BIN=$1 ZONES=$2 DATA=$3 OUT=$4 REVIEWED=$5
[ -d "$DATA/nmea/real" ] || { echo "no $DATA/nmea/real: skipped"; exit 77; }
HERE=$(dirname "$0")
sh "$HERE/run_feeds.sh" "$BIN" "$ZONES" "$DATA" "$OUT" > "$OUT.alerts"
rc=$?
[ $rc -eq 0 ] || exit $rc
cat "$OUT.alerts"
awk 'NR == FNR { if ($0 !~ /^#/ && NF >= 4) ok[$1 " " $2 " " $3] = 1; next }
     { k = $1 " " $2 " " $3; seen[k] = 1
       if (!(k in ok)) { print "NOT REVIEWED: " $0; bad++ } }
     END { for (k in ok) if (!(k in seen)) print "reviewed but no longer raised (remove it): " k
           printf "%d alerts, %d not reviewed\n", FNR, bad; exit bad > 0 }' "$REVIEWED" "$OUT.alerts"
