#!/usr/bin/env bash
# Centinela set-up and entry point for a Debian 12 machine.
#
#   ./bootstrap.sh run     install what is missing, build (Release), run the main job
#                          (--map: then serve the operator's map over its archive)
#   ./bootstrap.sh test    install what is missing, build (Debug: ASan+UBSan, clang, fuzzers),
#                          run every test under CTest
#   ./bootstrap.sh bench   install, build (Release), run the benchmarks
#   ./bootstrap.sh map     install, build, serve the operator's map on http://127.0.0.1:8100
#                          over the main job's archive (running the main job first if needed)
#
# Missing Debian packages are installed with apt-get (through sudo when not root).  Nothing is
# downloaded at build or run time beyond those packages.
set -euo pipefail
cd "$(dirname "$0")"

BUILD_PACKAGES=(build-essential cmake pkg-config libzmq3-dev libliquid-dev libhdf5-dev zlib1g-dev
                librtlsdr-dev libjansson-dev libinih-dev libmicrohttpd-dev
                libxml2-dev libssl-dev libcurl4-openssl-dev)
TEST_PACKAGES=(clang libclang-rt-14-dev llvm python3 python3-h5py python3-numpy iproute2 procps jq bc
               chromium prometheus openssl)
# Dask reads a month of daily archives in parallel (pipeline/archive/LAYOUT.md, archive_dask_month).
TEST_PACKAGES+=(python3-dask)
# GSHHG 2.3.7 world shorelines (configs/zones/README.md, "A whole-region shoreline"): zones_gshhg
# and real_feeds_gshhg read binned_GSHHS_l.nc (low) and binned_GSHHS_h.nc (high, 11 MB).
TEST_PACKAGES+=(gmt-gshhg-low gmt-gshhg-high)
# Node.js and npm install the web map's front-end libraries from their lock file; a machine
# that already has them (from any source) keeps its own.
command -v npm > /dev/null 2>&1 || TEST_PACKAGES+=(nodejs npm)

install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "bootstrap: installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

jobs=$(nproc 2>/dev/null || echo 2)

# The web map's libraries (Leaflet; playwright-core drives Debian's chromium in the browser test),
# pinned by nodes/web_view/package-lock.json.  Skipped, with a note, where npm is absent.
web_libraries() {
  if ! command -v npm > /dev/null 2>&1; then
    echo "bootstrap: npm not found; web_view will run without its map libraries"
    return 0
  fi
  local lock=nodes/web_view/package-lock.json stamp=nodes/web_view/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    (cd nodes/web_view && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

case "${1:-}" in
  run)
    shift
    install_missing "${BUILD_PACKAGES[@]}"
    web_libraries
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
    cmake --build build -j"$jobs"
    # A replay of the bundled recording: each run starts from a fresh archive (an archiver that
    # finds an archive appends to it, as a restarted live one should).
    rm -rf out/archive out/alerts.jsonl out/run
    mkdir -p out
    if [ "${1:-}" = "--map" ]; then
      shift
      ./build/nodes/centinela/centinela -c configs/centinela.conf "$@"
      echo "bootstrap: the map is on http://127.0.0.1:8100 (Ctrl-C stops it)"
      exec ./build/nodes/centinela/centinela -c configs/map.conf
    fi
    exec ./build/nodes/centinela/centinela -c configs/centinela.conf "$@"
    ;;
  test)
    install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    web_libraries
    CC=clang cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug > /dev/null
    cmake --build build-test -j"$jobs"
    cd build-test && ctest --output-on-failure -j"$jobs"
    ;;
  map)
    shift
    install_missing "${BUILD_PACKAGES[@]}"
    web_libraries
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
    cmake --build build -j"$jobs"
    mkdir -p out
    if ! ls out/archive/*.h5 > /dev/null 2>&1; then
      ./build/nodes/centinela/centinela -c configs/centinela.conf
    fi
    echo "bootstrap: the map is on http://127.0.0.1:8100 (Ctrl-C stops it)"
    exec ./build/nodes/centinela/centinela -c configs/map.conf "$@"
    ;;
  bench)
    install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    web_libraries
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
    cmake --build build -j"$jobs"
    cmake --build build --target bench
    ;;
  *)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
