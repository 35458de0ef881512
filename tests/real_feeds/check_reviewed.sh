#!/bin/sh
# CTest real_feeds_reviewed: run every timed real log through the chain (run_feeds.sh) and
# compare the alerts with the reviewed list; an alert not reviewed fails the test.  Prints per
# log its vessel-hours, alerts, and alerts not reviewed (unexplained), each also per 1,000
# vessel-hours.
#   check_reviewed.sh BIN_DIR ZONES DATASETS BUNDLED OUT_DIR REVIEWED [file-regex]
set -u
BIN=$1 ZONES=$2 DATA=$3 OWN=$4 OUT=$5 REVIEWED=$6 ONLY=${7:-.}
[ -d "$DATA/nmea/real" ] || [ -d "$OWN" ] || { echo "no real logs: skipped"; exit 77; }
# a GSHHG shoreline in the zones list that is not installed (Debian gmt-gshhg-*): skipped
for z in $(echo "$ZONES" | tr ',' ' '); do
    case $z in *.nc) [ -f "$z" ] || { echo "no $z: skipped"; exit 77; } ;; esac
done
HERE=$(dirname "$0")
sh "$HERE/run_feeds.sh" "$BIN" "$ZONES" "$DATA" "$OWN" "$OUT" "$ONLY" > "$OUT.alerts"
rc=$?
[ $rc -eq 0 ] || exit $rc
cat "$OUT.alerts"
awk 'FILENAME == ARGV[1] { if ($0 !~ /^#/ && NF >= 4) ok[$1 " " $2 " " $3] = 1; next }
     FILENAME == ARGV[2] { ran[$1] = 1; vh[$1] = $2; nv[$1] = $3; order[++nf] = $1; next }
     { k = $1 " " $2 " " $3; seen[k] = 1; alerts++; per[$1]++
       if (!(k in ok)) { print "NOT REVIEWED: " $0; bad++; unexpl[$1]++ } }
     END {
       for (k in ok) { split(k, p, " "); if ((p[1] in ran) && !(k in seen))
           print "reviewed but no longer raised (remove it): " k }
       printf "\n%-52s %9s %7s %6s %14s %11s %15s\n", "log", "vessel-h", "vessels", "alerts",
              "alerts/1000 vh", "unexplained", "unexpl/1000 vh"
       for (i = 1; i <= nf; i++) { f = order[i]
           # under 0.05 vessel-hours (a log of one instant) a rate means nothing
           ra = vh[f] >= 0.05 ? sprintf("%.1f", 1000 * per[f] / vh[f]) : "-"
           ru = vh[f] >= 0.05 ? sprintf("%.2f", 1000 * unexpl[f] / vh[f]) : "-"
           printf "%-52s %9.1f %7d %6d %14s %11d %15s\n", f, vh[f], nv[f], per[f] + 0, ra,
                  unexpl[f] + 0, ru; tvh += vh[f] }
       printf "%-52s %9.1f %7s %6d %14.1f %11d %15.2f\n", "all", tvh, "", alerts,
              (tvh > 0 ? 1000 * alerts / tvh : 0), bad, (tvh > 0 ? 1000 * bad / tvh : 0)
       printf "%d alerts, %d not reviewed\n", alerts, bad; exit bad > 0 }' \
    "$REVIEWED" "$OUT/summary.txt" "$OUT.alerts"
