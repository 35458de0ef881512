#!/usr/bin/env bash
# The receiver command lines as AIS-catcher and rtl_ais users type them: short options that mean
# something else are refused with the equivalent, implausible values with a hint; rates with
# suffixes and up to 10 MS/s; stereo discriminator audio per channel; a rate that overrides a
# WAV header, an empty file and cu8 read as cf32 are said; a burst at the very start decodes.
#   cli.sh CASE <ais_demod> <sdr_source> <ais_modulate> <iq_helper>
set -euo pipefail
case=$1
demod=$(realpath "$2") source=$(realpath "$3") modulate=$(realpath "$4") helper=$(realpath "$5")
work=$(mktemp -d /tmp/ais-demod-cli-XXXXXX)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0}
cd "$work"
fail() { echo "FAIL ($case): $*"; for f in err.log; do [ -f "$f" ] && tail -20 "$f"; done; exit 1; }
# two position reports, one per AIS channel
printf '%s\n' '!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30' \
              '!AIVDM,1,1,,B,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*33' > two.nmea
# run CMD...: rc, stdout in out.nmea, stderr in err.log
run() { rc=0; "$@" > out.nmea 2> err.log || rc=$?; }
frames() { grep -c '^!AIVDM' out.nmea || true; }
expect_refused() { # hint-regex CMD...
  local hint=$1; shift
  run "$@"
  [ "$rc" -eq 2 ] || fail "$* exited $rc, expected 2"
  grep -q -- "$hint" err.log || fail "$*: no hint matching '$hint'"
}

case $case in
flags)
  "$modulate" -i two.nmea -o s.cu8 --rate_hz 288000 --ppm 40 2> /dev/null
  run "$demod" -r s.cu8 -s 288000
  [ "$rc" -eq 0 ] && [ "$(frames)" -eq 2 ] || fail "+40 ppm: $(frames) frames, exit $rc"
  expect_refused "model switch.*--max_offset_hz" "$demod" -r s.cu8 -s 288000 -m 2
  expect_refused "AIS-catcher's -c selects channels.*--center_hz" "$demod" -r s.cu8 -s 288000 -c AB
  expect_refused "--format" "$demod" -r s.cu8 -s 288000 -f cu8
  expect_refused "out of range \[500" "$demod" -r s.cu8 -s 288000 --max_offset_hz 2
  expect_refused "288K" "$demod" -r s.cu8 -s 288
  expect_refused "162M" "$demod" -r s.cu8 -s 288000 --center_hz 162
  # sdr_source: -w is AIS-catcher's WAV input; here it must not overwrite that file
  cp s.cu8 keep.wav
  expect_refused "give -r FILE.*--record" "$source" -w keep.wav
  cmp -s s.cu8 keep.wav || fail "sdr_source -w touched the file"
  expect_refused "--max_samples" "$source" -r s.cu8 -s 288000 -n 1000
  # AIS-catcher's "-r FORMAT FILE" and rates with suffixes
  cp s.cu8 s.raw
  run "$demod" -r cu8 s.raw -s 288K
  [ "$rc" -eq 0 ] && [ "$(frames)" -eq 2 ] || fail "-r cu8 FILE -s 288K: $(frames) frames, exit $rc"
  ;;
wide)
  # Airspy 2.5 MS/s and HackRF 10 MS/s: a 1.25 MS/s scene interpolated by 2 and 8
  "$modulate" -i two.nmea -o base.sigmf-meta --rate_hz 1.25M 2> /dev/null
  "$helper" upsample base.sigmf-meta airspy.cu8 2
  "$helper" upsample base.sigmf-meta hackrf.cs16 8
  run "$demod" -r airspy.cu8 -s 2.5M
  [ "$rc" -eq 0 ] && [ "$(frames)" -eq 2 ] || fail "2.5 MS/s: $(frames) frames, exit $rc"
  run "$demod" -r hackrf.cs16 -s 10M
  [ "$rc" -eq 0 ] && [ "$(frames)" -eq 2 ] || fail "10 MS/s: $(frames) frames, exit $rc"
  expect_refused "out of range" "$demod" -r hackrf.cs16 -s 12M
  ;;
stereo)
  # two discriminator outputs in one WAV (rtl_ais -A, two receivers): each channel decoded
  head -1 two.nmea > a.nmea
  tail -1 two.nmea > b.nmea
  "$modulate" -i a.nmea -o a.wav --audio --audio_channel A --rate_hz 48000 2> /dev/null
  "$modulate" -i b.nmea -o b.wav --audio --audio_channel B --rate_hz 48000 2> /dev/null
  "$helper" stereo a.wav b.wav st.wav
  run "$demod" -r st.wav
  [ "$rc" -eq 0 ] || fail "stereo exit $rc"
  grep -q '^!AIVDM,1,1,,A,' out.nmea && grep -q '^!AIVDM,1,1,,B,' out.nmea ||
    fail "stereo: not one frame per channel: $(cat out.nmea)"
  [ "$(frames)" -eq 2 ] || fail "stereo: $(frames) frames"
  # a rate that contradicts the WAV header is used, and said
  run "$demod" -r a.wav --rate_hz 96000
  grep -q "overrides the WAV header's 48000" err.log || fail "no warning for the rate override"
  ;;
sanity)
  : > empty.cu8
  run "$demod" -r empty.cu8 -s 288000
  [ "$rc" -eq 1 ] || fail "empty file exited $rc"
  grep -q "no sample read" err.log || fail "empty file not named"
  "$modulate" -i two.nmea -o s.cu8 --rate_hz 288000 2> /dev/null
  run "$demod" -r s.cu8 -s 288000 --format cf32
  grep -q "not plausible.*cf32" err.log || fail "cu8 read as cf32 not warned"
  # a burst at the very start of a recording needs no lead-in
  "$modulate" -i two.nmea -o start.cu8 --rate_hz 288000 --lead_s 0 --tail_s 0.01 2> /dev/null
  run "$demod" -r start.cu8 -s 288000
  [ "$(frames)" -eq 2 ] || fail "burst at sample 0: $(frames) frames"
  # digital silence before a burst (padding, a squelched receiver), audio and IQ
  "$modulate" -i two.nmea -o quiet.wav --audio --rate_hz 48000 --noise false --lead_s 0.5 2> /dev/null
  run "$demod" -r quiet.wav
  [ "$(frames)" -eq 1 ] || fail "audio after 0.5 s of silence: $(frames) frames, exit $rc"
  "$modulate" -i two.nmea -o quiet.cf32 --rate_hz 288000 --noise false --lead_s 0.5 2> /dev/null
  run "$demod" -r quiet.cf32 -s 288000
  [ "$(frames)" -eq 2 ] || fail "IQ after 0.5 s of silence: $(frames) frames, exit $rc"
  ;;
*)
  fail "unknown case"
  ;;
esac
echo "ok ($case)"
