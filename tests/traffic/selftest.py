#!/usr/bin/env python3
"""Checks of the traffic tools themselves, so a figure from them can be trusted.

  selftest.py AIS_DECODE      (the project's ais_decode executable)

1. Every message type gen.py writes (1, 3, 5, 18, 19, 24 A/B) decodes field by field to the
   values encoded, with valid NMEA and tag-block checksums.
2. The scorer matches an alert to its truth by rule, time (+-30 min), MMSI or distance (5 km for
   radar-only truth), and refuses near misses.
"""
import json
import subprocess
import sys

import aisenc
import score

failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL: " + what)


def close(a, b, tol):
    return a is not None and abs(a - b) <= tol


def test_codec(ais_decode):
    msgs = [
        aisenc.pos_report_a(1, 352123456, 1, 12.3, 8.912345, -79.523456, 123.4, 122, 17),
        aisenc.pos_report_a(3, 636000001, 5, 0.0, 9.35, -79.91, 359.9, 0, 59),
        aisenc.static_a(352123456, 9074729, "3EABC", "PACIFIC STAR 7", 71, 260, 34, 16, 16, 12.5, "BALBOA"),
        aisenc.pos_report_b(338123456, 6.1, 8.798, -79.553, 45.0, None, 3),
        aisenc.ext_report_b(338123457, 2.5, 9.368, -79.95, 10.0, None, 4, "LUNA SOL", 37, (10, 5, 2, 2)),
        aisenc.static_b_a(338123456, "SEA WIND"),
        aisenc.static_b_b(338123456, 37, "WDA1234", (10, 5, 2, 2)),
    ]
    lines = []
    for i, m in enumerate(msgs):
        for s in aisenc.vdm_sentences(m, "AB"[i % 2], i % 10):
            lines.append(aisenc.tag_block(1, 1772409600 + i) + s)
    p = subprocess.run([ais_decode, "--input", "-", "--tagblock"], input="\n".join(lines) + "\n",
                       capture_output=True, text=True)
    out = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    check(p.returncode == 0 and len(out) == len(msgs), "ais_decode took every message (%d of %d): %s"
          % (len(out), len(msgs), p.stderr.strip()))
    if len(out) != len(msgs):
        return
    a, a3, s5, b18, b19, b24a, b24b = out
    check(a["type"] == 1 and a["mmsi"] == 352123456 and a["status"] == 1, "type 1 header")
    check(close(a["lat"], 8.912345, 2e-6) and close(a["lon"], -79.523456, 2e-6), "type 1 position")
    check(close(a["speed"], 12.3, 0.05) and close(a["course"], 123.4, 0.05) and a["heading"] == 122
          and a["second"] == 17, "type 1 speed, course, heading, second")
    check(a3["type"] == 3 and a3["status"] == 5 and close(a3["speed"], 0.0, 0.01), "type 3")
    check(s5["type"] == 5 and s5["imo"] == 9074729 and s5["callsign"] == "3EABC"
          and s5["shipname"] == "PACIFIC STAR 7" and s5["shiptype"] == 71 and s5["to_bow"] == 260
          and close(s5["draught"], 12.5, 0.05) and s5["destination"] == "BALBOA", "type 5 fields")
    check(b18["type"] == 18 and b18["mmsi"] == 338123456 and close(b18["lat"], 8.798, 2e-6)
          and close(b18["speed"], 6.1, 0.05) and b18["heading"] == 511 and b18["cs"] is True, "type 18")
    check(b19["type"] == 19 and b19["shipname"] == "LUNA SOL" and b19["shiptype"] == 37, "type 19")
    check(b24a["type"] == 24 and b24a["partno"] == 0 and b24a["shipname"] == "SEA WIND", "type 24 A")
    check(b24b["type"] == 24 and b24b["partno"] == 1 and b24b["shiptype"] == 37
          and b24b["callsign"] == "WDA1234", "type 24 B")


def test_matching():
    t0 = 1772409600
    truth = [
        {"rule": "ais_gap", "mmsi": 352123456, "start_s": t0, "end_s": t0 + 3600, "path": [[8.5, -79.4]], "also": []},
        {"rule": "encounter", "mmsi": [1, 2], "start_s": t0, "end_s": t0 + 7200, "path": [[8.4, -79.2]], "also": ["loitering"]},
        {"rule": "dark_target", "mmsi": None, "start_s": t0, "end_s": t0 + 1800,
         "path": [[8.60, -79.30], [8.78, -79.42]], "also": []},
        {"rule": "ais_gap", "mmsi": 353000001, "start_s": t0 + 5 * 3600, "end_s": t0 + 6 * 3600,
         "path": [[8.45, -79.39], [8.75, -79.43]], "also": ["dark_target"]},  # sails on dark
        {"rule": "mmsi_conflict", "mmsi": 354000002, "start_s": t0 + 10 * 3600, "end_s": t0 + 11 * 3600,
         "also_end_s": t0 + 14 * 3600, "path": [[8.80, -79.49], [8.0, -79.47]],
         "also": ["dark_target"]},  # the clone's ship sails on dark for 3 h more
    ]

    def al(rule, mmsi, ts, te, lat, lon):
        iso = lambda t: score.time.strftime("%Y-%m-%dT%H:%M:%S.000Z", score.time.gmtime(t))
        return {"rule": rule, "mmsi": mmsi, "start": iso(ts), "end": iso(te), "lat": lat, "lon": lon, "evidence": {}}

    alerts = [
        al("ais_gap", 352123456, t0 + 4000, t0 + 4000, 8.5, -79.4),  # inside the 30 min tolerance
        al("ais_gap", 352123456, t0 + 3 * 3600, t0 + 3 * 3600, 8.5, -79.4),  # 2 h after: false
        al("ais_gap", 999, t0, t0, 8.5, -79.4),  # other vessel: false
        al("encounter", [2, 7], t0 + 600, t0 + 7000, 8.4, -79.2),  # one of the pair
        al("loitering", 1, t0, t0 + 7200, 8.4, -79.2),  # excused by "also"
        al("dark_target", None, t0 + 900, t0 + 1200, 8.69, -79.38),  # 2.5 km off the path
        al("dark_target", None, t0 + 900, t0 + 1200, 8.69, -79.26),  # ~15 km off: false
        al("tss_violation", 5, t0, t0, 8.0, -79.4),  # no truth: false
        al("dark_target", None, t0 + 5.5 * 3600, t0 + 5.6 * 3600, 8.70, -79.42),  # the gap's ship: excused
        al("dark_target", None, t0 + 5.5 * 3600, t0 + 5.6 * 3600, 8.20, -79.00),  # far from its path: false
        al("dark_target", None, t0 + 13 * 3600, t0 + 13.1 * 3600, 8.30, -79.48),  # the clone's ship: excused
        al("mmsi_conflict", 354000002, t0 + 13 * 3600, t0 + 13 * 3600, 8.30, -79.48),  # 2 h after: false
    ]
    per, false = score.score(alerts, truth, {}, 1000.0)
    check(per["ais_gap"]["tp_alerts"] == 1 and per["ais_gap"]["found"] == 1, "gap matched within tolerance")
    check(per["encounter"]["found"] == 1 and per["loitering"]["excused"] == 1, "pair and excused rule")
    check(per["dark_target"]["tp_alerts"] == 1 and per["dark_target"]["found"] == 1, "radar-only by distance")
    check(per["dark_target"]["excused"] == 2, "radar-only alerts on a dark ship's path excused by \"also\"")
    check(len(false) == 6, "six false alerts, got %d" % len(false))


def main():
    test_codec(sys.argv[1])
    test_matching()
    print("selftest: %d failures" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
