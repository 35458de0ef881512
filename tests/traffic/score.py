#!/usr/bin/env python3
"""Score the real chain (nmea_input -> track_fusion -> anomaly_detector) on generated traffic.

  score.py --dir GEN_DIR --bin BUILD/nodes --zones configs/zones [--report OUT] [--check ...]

Runs the launcher on a private config in a fresh temporary directory (its own run_dir, so
parallel runs never collide), reads the detector's JSON Lines, and matches every alert to the
ground truth of gen.py: same rule, time windows overlapping within a 30-minute tolerance, and
the same MMSI (any of a list) or, for radar-only truth (mmsi null) or a radar-only alert, the
alert within 5 km of the truth's path.  An alert of a rule an event legitimately also raises
("also" in the truth) is neither true nor false.  Prints per-rule precision and recall, false alerts per 1,000
vessel-hours (vessel-hours: sum over MMSIs of the time between their first and last received
report), and writes the false alerts with their evidence and a per-cause summary.

With --check the exit status says whether the goals hold: at most --max-false-per-kvh false
alerts per 1,000 vessel-hours, and on truth-bearing runs precision >= --min-precision and recall
>= --min-recall for every rule that has truth or alerts.
"""
import argparse
import calendar
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import geo

TIME_TOL_S = 1800.0
DIST_TOL_KM = 5.0
RULES = ["ais_gap", "encounter", "loitering", "position_jump", "mmsi_conflict", "identity_change",
         "invalid_mmsi", "position_on_land", "fast_near_coast", "dark_target", "tss_violation",
         "canal_overstay"]


def parse_iso(s):
    s = s.rstrip("Z")
    frac = 0.0
    if "." in s:
        s, f = s.split(".", 1)
        frac = float("0." + f)
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%S")) + frac


def vessel_hours(nmea_path):
    """Sum over MMSIs of last - first received report time (tag block c:), hours."""
    first, last = {}, {}
    with open(nmea_path) as f:
        for line in f:
            i = line.find("!AIVDM,")
            if i < 0:
                continue
            parts = line[i:].split(",")
            if len(parts) < 7 or parts[2] != "1" or len(parts[5]) < 7:
                continue  # only single sentences and first parts carry the MMSI at bit 8
            c = line.find("c:")
            t = int(line[c + 2:line.find("*", c)].split(",")[0])
            v = 0
            for ch in parts[5][:7]:
                x = ord(ch) - 48
                if x > 40:
                    x -= 8
                v = (v << 6) | x
            mmsi = (v >> 4) & 0x3FFFFFFF  # 42 bits: type 6, repeat 2, mmsi 30, 4 more
            if mmsi not in first:
                first[mmsi] = t
            last[mmsi] = t
    return sum(last[m] - first[m] for m in first) / 3600.0, len(first)


def run_chain(gen_dir, bin_dir, zones, keep):
    tmp = tempfile.mkdtemp(prefix="ctraffic.")
    meta = json.load(open(os.path.join(gen_dir, "meta.json")))
    rs = meta["radar_site"]
    conf = os.path.join(tmp, "chain.conf")
    alerts = os.path.join(tmp, "alerts.jsonl")
    with open(conf, "w") as f:
        f.write("[centinela]\nnodes = nmea_input, track_fusion, anomaly_detector\n")
        f.write("run_dir = %s/run\nprogress = off\n\n" % tmp)
        f.write("[nmea_input]\ninputs = file:%s\n" % os.path.abspath(os.path.join(gen_dir, "traffic.nmea")))
        f.write("radar_sites = %d:%.3f:%.3f:%g\npace = fast\n\n" % tuple(rs))
        f.write("[track_fusion]\nsub = >ipc://${run_dir}/nmea_input\nzones = %s\n" % zones)
        f.write("stations = %s\n\n" % ", ".join("%d:%.3f:%.3f:%g" % tuple(s) for s in meta["stations"]))
        f.write("[anomaly_detector]\nsub = >ipc://${run_dir}/track_fusion\nzones = %s\njsonl = %s\n"
                % (zones, alerts))
    launcher = os.path.join(bin_dir, "centinela", "centinela") if bin_dir else "centinela"
    t = time.time()
    p = subprocess.run([launcher, "-c", conf], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.time() - t
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
        raise SystemExit("score: the chain failed (exit %d), files in %s" % (p.returncode, tmp))
    out = [json.loads(l) for l in open(alerts) if l.strip()]
    if keep:
        shutil.copy(alerts, keep)
    shutil.rmtree(tmp, ignore_errors=True)
    return out, wall


def mmsis(x):
    if x is None:
        return set()
    if isinstance(x, list):
        return set(int(v) for v in x if v is not None)
    return {int(x)}


def seg_dist_km(lat, lon, path):
    """Distance from a point to a polyline, km (flat earth near the point)."""
    if len(path) == 1:
        return geo.dist_nm(lat, lon, *path[0]) * 1.852
    best = 1e9
    for (a1, o1), (a2, o2) in zip(path, path[1:]):
        for k in range(21):
            f = k / 20
            best = min(best, geo.dist_nm(lat, lon, a1 + f * (a2 - a1), o1 + f * (o2 - o1)) * 1.852)
    return best


def matches(alert, tr, also=False):
    """also: matching a rule the event also raises, possibly until its also_end_s."""
    a0, a1 = parse_iso(alert["start"]), parse_iso(alert["end"])
    end_s = tr.get("also_end_s", tr["end_s"]) if also else tr["end_s"]
    if a1 < tr["start_s"] - TIME_TOL_S or a0 > end_s + TIME_TOL_S:
        return False
    if tr["mmsi"] is None or alert.get("mmsi") is None:  # radar-only truth or radar-only alert
        if alert.get("lat") is None:
            return False
        return seg_dist_km(alert["lat"], alert["lon"], tr["path"]) <= DIST_TOL_KM
    return bool(mmsis(alert.get("mmsi")) & mmsis(tr["mmsi"]))


def score(alerts, truth, kinds, vh):
    per = {r: {"alerts": 0, "tp_alerts": 0, "excused": 0, "truth": 0, "found": 0} for r in RULES}
    false = []
    found = set()
    for a in alerts:
        r = a["rule"]
        per.setdefault(r, {"alerts": 0, "tp_alerts": 0, "excused": 0, "truth": 0, "found": 0})
        per[r]["alerts"] += 1
        hit = [i for i, t in enumerate(truth) if t["rule"] == r and matches(a, t)]
        if hit:
            per[r]["tp_alerts"] += 1
            found.update(hit)
            continue
        if any(r in t.get("also", []) and matches(a, t, also=True) for t in truth):
            per[r]["excused"] += 1
            continue
        ms = sorted(mmsis(a.get("mmsi")))
        kind = ",".join(sorted(set(kinds.get(str(m), "unknown") for m in ms))) if ms else "radar only"
        area = geo.area_of(a["lat"], a["lon"]) if a.get("lat") is not None else "no position"
        false.append(dict(a, kind=kind, area=area))
    for i, t in enumerate(truth):
        per[t["rule"]]["truth"] += 1
        if i in found:
            per[t["rule"]]["found"] += 1
    return per, false


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default="", help="gen.py output directory; empty: generate --preset")
    ap.add_argument("--preset", choices=["normal", "events"], default="normal")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--t0", type=int, default=0, help="start of the generated period, Unix s (0: gen.py's)")
    ap.add_argument("--bin", default="", help="build/nodes directory (centinela/centinela in it)")
    ap.add_argument("--zones", required=True)
    ap.add_argument("--report", default="", help="directory for false_alerts.jsonl, causes.txt, alerts.jsonl")
    ap.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    ap.add_argument("--max-false-per-kvh", type=float, default=1.0)
    ap.add_argument("--min-precision", type=float, default=0.90)
    ap.add_argument("--min-recall", type=float, default=0.95)
    ap.add_argument("--baseline", default="",
                    help="JSON of the figures the detector last reached on this preset and seed "
                         "(per rule precision and recall, false/kvh): with --check, falling below "
                         "it fails and the goals above are reported without failing")
    ap.add_argument("--write-baseline", default="", help="write this run's figures as a baseline")
    a = ap.parse_args(argv)
    gen_tmp = None
    if not a.dir:
        import gen

        gen_tmp = a.dir = tempfile.mkdtemp(prefix="ctraffic-gen.")
        if gen.main(["--preset", a.preset, "--seed", str(a.seed), "--out", a.dir]
                    + (["--t0", str(a.t0)] if a.t0 else [])) != 0:
            return 1
    try:
        return evaluate(a)
    finally:
        if gen_tmp:
            shutil.rmtree(gen_tmp, ignore_errors=True)


def evaluate(a):
    truth = json.load(open(os.path.join(a.dir, "truth.json")))
    meta = json.load(open(os.path.join(a.dir, "meta.json")))
    if a.report:
        os.makedirs(a.report, exist_ok=True)
    alerts, wall = run_chain(a.dir, a.bin, a.zones, os.path.join(a.report, "alerts.jsonl") if a.report else None)
    vh, nv = vessel_hours(os.path.join(a.dir, "traffic.nmea"))
    per, false = score(alerts, truth, meta["vessels"], vh)
    fpk = len(false) / vh * 1000.0 if vh > 0 else float("inf")

    print("traffic %s seed %d: %d vessels heard, %.0f vessel-hours, %d alerts, %d false, %.2f false "
          "per 1,000 vessel-hours (chain %.1f s wall)" % (meta["preset"], meta["seed"], nv, vh,
                                                          len(alerts), len(false), fpk, wall))
    print("%-17s %6s %6s %6s %6s %9s %7s %9s" % ("rule", "alerts", "true", "false", "truth", "precision",
                                                 "recall", "false/kvh"))
    ok = fpk <= a.max_false_per_kvh
    failed = []
    reached = {"preset": meta["preset"], "seed": meta["seed"], "false_per_kvh": round(fpk, 2), "rules": {}}
    base = json.load(open(a.baseline)) if a.baseline else None
    regressed = []
    if base and round(fpk, 2) > base["false_per_kvh"]:
        regressed.append("false/kvh %.2f > %.2f" % (fpk, base["false_per_kvh"]))
    for r in sorted(per, key=lambda r: RULES.index(r) if r in RULES else 99):
        p = per[r]
        nf = p["alerts"] - p["tp_alerts"] - p["excused"]
        judged = p["alerts"] - p["excused"]
        prec = p["tp_alerts"] / judged if judged else None
        rec = p["found"] / p["truth"] if p["truth"] else None
        print("%-17s %6d %6d %6d %6d %9s %7s %9.2f" % (
            r, p["alerts"], p["tp_alerts"], nf, p["truth"], "-" if prec is None else "%.3f" % prec,
            "-" if rec is None else "%.3f" % rec, nf / vh * 1000.0 if vh else 0))
        if truth and ((prec is not None and prec < a.min_precision) or (rec is not None and rec < a.min_recall)):
            failed.append(r)
        reached["rules"][r] = {"precision": None if prec is None else round(prec, 3),
                               "recall": None if rec is None else round(rec, 3)}
        b = base["rules"].get(r) if base else None
        if b:
            for k, v in (("precision", prec), ("recall", rec)):
                if b.get(k) is not None and v is not None and round(v, 3) < b[k]:
                    regressed.append("%s %s %s < %.3f" % (r, k, "-" if v is None else "%.3f" % v, b[k]))
    if failed:
        ok = False
    causes = collections.Counter((f["rule"], f["kind"], f["area"]) for f in false)
    vessels = collections.defaultdict(set)
    for f in false:
        vessels[(f["rule"], f["kind"], f["area"])].add(json.dumps(f.get("mmsi")) if f.get("mmsi") is not None
                                                        else "track %s" % f.get("track_id"))
    lines = ["false alerts by rule x vessel kind x area (alerts, distinct vessels or radar tracks):"]
    lines += ["  %-17s %-28s %-20s %5d %4d" % (r, k, z, n, len(vessels[(r, k, z)]))
              for (r, k, z), n in causes.most_common()]
    print("\n".join(lines[:25]))
    if a.report:
        with open(os.path.join(a.report, "false_alerts.jsonl"), "w") as f:
            for x in false:
                f.write(json.dumps(x) + "\n")
        with open(os.path.join(a.report, "causes.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        print("false alerts with evidence: %s" % os.path.join(a.report, "false_alerts.jsonl"))
    if a.write_baseline:
        with open(a.write_baseline, "w") as f:
            json.dump(reached, f, indent=1, sort_keys=True)
            f.write("\n")
    if a.check and base:
        if not ok:
            print("goals not met yet: false/kvh %.2f (goal %.2f)%s" % (
                fpk, a.max_false_per_kvh, "; rules below precision %.2f / recall %.2f: %s" % (
                    a.min_precision, a.min_recall, ", ".join(failed)) if failed else ""))
        if regressed:
            print("worse than the baseline %s: %s" % (a.baseline, "; ".join(regressed)))
            return 1
        print("no rule worse than the baseline %s" % a.baseline)
        return 0
    if a.check:
        if not ok:
            print("goals missed: false/kvh %.2f (max %.2f)%s" % (
                fpk, a.max_false_per_kvh, "; rules below precision %.2f / recall %.2f: %s" % (
                    a.min_precision, a.min_recall, ", ".join(failed)) if failed else ""))
            return 1
        print("goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
