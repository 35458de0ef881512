#!/bin/sh
# anomaly_detector configuration: thresholds change without recompiling, bad values are refused
# with the key, the value and the range, and the node exits 2.
#   node_config_test.sh ANOMALY_DETECTOR CONF
node="$1"; conf="$2"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
run() { "$node" --sub= --pub= --log_level=warn "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }
expect_refused() { # description, grep pattern, args...
    what="$1"; pat="$2"; shift 2
    rc=$(run "$@")
    if [ "$rc" != 2 ] || ! grep -q -- "$pat" "$tmp/err"; then
        echo "FAIL: $what: rc=$rc, stderr: $(cat "$tmp/err")"; fail=1
    else
        echo "ok: $what refused: $(tail -n1 "$tmp/err" | sed 's/^.*error //')"
    fi
}
# The shipped file loads, zone sections included.
rc=$(run -c "$conf" --jsonl= --zones=)
[ "$rc" = 0 ] || { echo "FAIL: shipped config: rc=$rc $(cat "$tmp/err")"; fail=1; }
# A changed threshold is taken (and shown by --dump-config).
"$node" -c "$conf" --loitering.max_sog_kn=1.5 --dump-config | grep -q '^loitering.max_sog_kn = 1.5$' ||
    { echo "FAIL: threshold not changed"; fail=1; }
printf '[anomaly_detector]\nloitering.min_duration_s = -5\n' >"$tmp/a.conf"
expect_refused "out of range in the file" "loitering.min_duration_s = -5 is out of range" -c "$tmp/a.conf"
expect_refused "not a number on the command line" "is not a number" --encounter.max_dist_m=far
printf '[anomaly_detector]\n[anomaly_detector.zone.anchorage]\nencounter.max_dist_m = 99999\n' >"$tmp/b.conf"
expect_refused "out of range in a zone section" "zone.anchorage\].*encounter.max_dist_m = 99999 is out of range" -c "$tmp/b.conf"
printf '[anomaly_detector]\n[anomaly_detector.zone.harbour]\nencounter.max_dist_m = 100\n' >"$tmp/c.conf"
expect_refused "unknown zone kind" "unknown zone kind 'harbour'" -c "$tmp/c.conf"
expect_refused "malformed place list" "score.hotspots = 'darien:8,-78' refused" --score.hotspots=darien:8,-78
expect_refused "inconsistent hysteresis" "anchorage_out_m (2000) must be >=" --context.anchorage_out_m=2000
expect_refused "unknown key" "unknown option" --loitering.max_speed=3
exit $fail
