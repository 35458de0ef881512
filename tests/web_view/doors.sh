#!/usr/bin/env bash
# web_view's doors: cross-site POSTs, DNS-rebinding Host names and side-effect-free GETs, and
# zone files (and autoplay without archives) checked at start-up.
#   doors.sh WEB_VIEW_BIN SOURCE_DIR
# Needs curl (skips with 77 without it).
set -u
web_view=$1 src=$2
command -v curl > /dev/null || { echo "SKIP: curl not found"; exit 77; }
work=$(mktemp -d /tmp/web_view_doors.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2> /dev/null; wait 2> /dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail=0
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then echo "ok   $1 ($3)"; else echo "FAIL $1: expected $2, got $3"; fail=1; fi
}

# 1. A broken zone file: web_view refuses to start, exit code 2, naming the file.
mkdir -p "$work/zones-bad"
cp "$src/configs/zones/panama_canal.geojson" "$work/zones-bad/"
printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"eez"},"geometry":{"type":"Polygon","coordinates":[[[-80,7],[-79]]]}}]}' \
  > "$work/zones-bad/broken.geojson"
CENTINELA_RUN_DIR=$work "$web_view" --sub '' --pub '' --listen 127.0.0.1:0 \
  --zones_dir "$work/zones-bad" > "$work/bad.log" 2>&1
check "broken zone file refused at start-up (exit code)" 2 $?
grep -q "broken.geojson" "$work/bad.log"
check "the refusal names the file" 0 $?

# autoplay without archives to play is a configuration error too.
CENTINELA_RUN_DIR=$work "$web_view" --sub '' --pub '' --listen 127.0.0.1:0 --autoplay true \
  > "$work/autoplay.log" 2>&1
check "autoplay without archive_dir refused (exit code)" 2 $?
grep -q "autoplay needs archive_dir" "$work/autoplay.log"
check "the refusal names autoplay" 0 $?

# 2. A good set: the node starts; its doors are checked with curl.
mkdir -p "$work/zones"
cp "$src/configs/zones/panama_canal.geojson" "$src/configs/zones/panama_eez.geojson" "$work/zones/"
CENTINELA_RUN_DIR=$work "$web_view" --sub '' --pub '' --listen 127.0.0.1:0 \
  --port_file "$work/port" --zones_dir "$work/zones" --allowed_hosts centinela.lan \
  > "$work/web_view.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "web_view did not start:"; cat "$work/web_view.log"; exit 1; }
base="http://127.0.0.1:$(cat "$work/port")"
code() { curl -s -o "$work/body" -w '%{http_code}' "$@"; }

check "POST /api/ack from Origin evil.example" 403 \
  "$(code -X POST -H 'Origin: http://evil.example' "$base/api/ack?id=1.1")"
check "POST /api/playback from Origin evil.example" 403 \
  "$(code -X POST -H 'Origin: http://evil.example' "$base/api/playback?action=stop")"
check "POST /api/ack without token" 403 "$(code -X POST "$base/api/ack?id=1.1")"
check "POST /api/ack cross-site by Sec-Fetch-Site" 403 \
  "$(code -X POST -H 'Sec-Fetch-Site: cross-site' "$base/api/ack?id=1.1")"
check "GET /api/session.json" 200 "$(code "$base/api/session.json")"
token=$(sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p' "$work/body")
check "token is 64 hex digits" 64 "${#token}"
check "POST with a wrong token" 403 \
  "$(code -X POST -H "X-Centinela-Token: ${token%?}0" -H "Origin: $base" "$base/api/ack?id=1.1")"
check "POST with the token but Origin evil.example" 403 \
  "$(code -X POST -H "X-Centinela-Token: $token" -H 'Origin: http://evil.example' "$base/api/ack?id=1.1")"
# Same origin and token: the request goes through (404: there is no such alert in an empty
# picture; 409: playback is not configured).
check "POST /api/ack same origin with token" 404 \
  "$(code -X POST -H "X-Centinela-Token: $token" -H "Origin: $base" "$base/api/ack?id=1.1")"
check "POST /api/playback with token, no Origin (script)" 409 \
  "$(code -X POST -H "X-Centinela-Token: $token" "$base/api/playback?action=stop")"
# DNS rebinding: a name of the attacker's resolving to us is refused, even for GET.
check "GET with Host evil.example" 403 \
  "$(code -H "Host: evil.example:$(cat "$work/port")" "$base/api/session.json")"
check "GET with an allowed host name" 200 \
  "$(code -H "Host: centinela.lan:$(cat "$work/port")" "$base/api/status.json")"
check "POST with the token from a rebinding origin" 403 \
  "$(code -X POST -H "Host: evil.example" -H 'Origin: http://evil.example' -H "X-Centinela-Token: $token" "$base/api/ack?id=1.1")"
# GET never changes state: a GET to the state-changing endpoints is not served.
check "GET /api/ack" 404 "$(code "$base/api/ack?id=1.1&ack=1")"
check "GET /api/playback" 404 "$(code "$base/api/playback?action=stop")"
check "zones list" 200 "$(code "$base/api/zones.json")"
grep -q '"url":"zones/panama_eez.geojson"' "$work/body"
check "good zone files are listed with their url" 0 $?

# 3. A zone file broken while the node runs: listed with an error, not drawn.
cp "$work/zones-bad/broken.geojson" "$work/zones/"
check "zones list after breaking a file" 200 "$(code "$base/api/zones.json")"
grep -q '"name":"broken.geojson","error":' "$work/body"
check "the broken file is listed with an error, no url" 0 $?
grep -q "broken.geojson" "$work/web_view.log"
check "the broken file is logged" 0 $?

exit $fail
