#!/usr/bin/env bash
# Drive web_view's page in headless Chromium (playwright-core from nodes/web_view/node_modules).
#
#   run_browser.sh e2e|bench WEB_VIEW_BIN SCENARIO_PUB_BIN ARTEFACT_DIR
#
# Starts the scenario publisher and web_view on private ipc endpoints and a free loopback port,
# then runs e2e.cjs (the acceptance checks, screenshot in ARTEFACT_DIR) or bench.cjs (5,000 live
# vessels).  For e2e a second web_view, with no live input and `autoplay` over an archive
# directory (as configs/map.conf runs it), checks that the page plays by itself.  Exits 77 (skipped) when Chromium, node or the npm modules are missing.
set -u
mode=$1 web_view=$2 pub=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
modules=$(cd "$here/../../nodes/web_view" && pwd)/node_modules
chromium=${CENTINELA_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "skipped: $chromium not found (apt-get install chromium)"; exit 77; }
command -v node > /dev/null || { echo "skipped: node not found"; exit 77; }
if [ ! -d "$modules/playwright-core" ] || [ ! -d "$modules/leaflet/dist" ]; then
  echo "skipped: $modules incomplete (run: cd nodes/web_view && npm ci)"; exit 77
fi
mkdir -p "$out"
work=$(mktemp -d /tmp/web_view_test.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null; done
  wait 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$mode" = bench ]; then
  "$pub" --pub "@ipc://$work/pub" --vessels "${WEB_VIEW_BENCH_VESSELS:-5000}" --period_s 1 &
else
  "$pub" --pub "@ipc://$work/pub" --period_s 0.5 &
fi
pids+=($!)
mkdir -p "$work/archives" && : > "$work/archives/scenario.h5"
CENTINELA_RUN_DIR=$work "$web_view" --sub ">ipc://$work/pub" --topics track,alert,ais \
  --stats_sub ">ipc://$work/pub" --pub '' --listen 127.0.0.1:0 --port_file "$work/port" \
  --log_level warn --archive_dir "$work/archives" \
  --playback_cmd "$pub --archive {archive} --pub @{endpoint} --period_s 0.5" \
  --playback_endpoint "ipc://$work/playback" > "$out/web_view_$mode.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "web_view did not start:"; cat "$out/web_view_$mode.log"; exit 1; }
port=$(cat "$work/port")
autoplay_url=
if [ "$mode" = e2e ]; then
  mkdir -p "$work/auto" "$work/auto_archives" && : > "$work/auto_archives/main_job.h5"
  CENTINELA_RUN_DIR=$work/auto "$web_view" --sub '' --pub '' --listen 127.0.0.1:0 \
    --port_file "$work/auto/port" --log_level warn --archive_dir "$work/auto_archives" --autoplay true \
    --playback_cmd "$pub --archive {archive} --pub @{endpoint} --period_s 0.5" \
    --playback_endpoint "ipc://$work/auto/playback" > "$out/web_view_autoplay.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$work/auto/port" ] && break; sleep 0.1; done
  [ -s "$work/auto/port" ] || { echo "web_view (autoplay) did not start:"; cat "$out/web_view_autoplay.log"; exit 1; }
  autoplay_url="http://127.0.0.1:$(cat "$work/auto/port")/"
fi
WEB_VIEW_MODULES=$modules CENTINELA_CHROMIUM=$chromium node "$here/$mode.cjs" "http://127.0.0.1:$port/" "$out" $autoplay_url
