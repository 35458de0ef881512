#!/usr/bin/env python3
"""The main graph with cot_output sending to three local receivers at once: UDP, a plain TCP
stream that comes up only after a few seconds (cot_output must reconnect with back-off and
deliver what it queued), and a TLS stream that demands a client certificate (throwaway CA made
here with the openssl command).  Every event is validated against the CoT 2.0 event schema
(event/point/detail structure and attribute types, as in the CoT base schema Event.xsd) and
checked against the archive of the same run: uids, types, times, positions, ce and stale times.

    graph_cot.py <build dir> <source dir>
"""
import math
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

build, src = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
try:
    import h5py
    import numpy as np
except ImportError:
    print("SKIP: no h5py/numpy")
    sys.exit(77)
if not shutil.which("openssl"):
    print("SKIP: no openssl command for the throwaway CA")
    sys.exit(77)

work = tempfile.mkdtemp(prefix="centinela-cot-")
fail = []

# Bad settings are refused with a clear message and exit code 2.
for bad in (["--udp", "nowhere"], ["--udp", "", "--tcp", ""], ["--tls", "true", "--udp", "127.0.0.1:9"],
            ["--tcp", "127.0.0.1:9", "--tls", "true", "--tls_ca", "/nonexistent.pem"], ["--stale_s", "0"]):
    r = subprocess.run([build + "/nodes/cot_output/cot_output", *bad], capture_output=True, text=True, timeout=30)
    if r.returncode != 2 or not r.stderr.strip():
        print("FAIL: cot_output", bad, "exit", r.returncode, r.stderr)
        sys.exit(1)


def check(cond, msg):
    if not cond:
        fail.append(msg)
        print("FAIL:", msg)


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ---- throwaway CA, server and client certificates ------------------------------------------
def sh(*args):
    subprocess.run(args, cwd=work, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
   "-days", "2", "-subj", "/CN=centinela test CA")
with open(os.path.join(work, "san.ext"), "w") as f:
    f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
for who in ("server", "client"):
    sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr",
       "-subj", "/CN=" + ("localhost" if who == "server" else "centinela"))
    extra = ["-extfile", "san.ext"] if who == "server" else []
    sh("openssl", "x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
       "-CAcreateserial", "-out", who + ".pem", "-days", "2", *extra)

# ---- receivers ---------------------------------------------------------------------------
udp_port, tcp_port, tls_port = free_port(socket.SOCK_DGRAM), free_port(), free_port()
received = {"udp": [], "tcp": b"", "tls": b""}
client_certs = []
stop = threading.Event()


def udp_rx():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind(("127.0.0.1", udp_port))
    s.settimeout(0.2)
    while not stop.is_set():
        try:
            received["udp"].append(s.recv(65536))
        except socket.timeout:
            pass


def stream_rx(name, port, delay_s, tls_ctx):
    time.sleep(delay_s)  # the plain stream's server comes up late: cot_output must reconnect
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(4)
    ls.settimeout(0.2)
    while not stop.is_set():
        try:
            c, _ = ls.accept()
        except socket.timeout:
            continue
        if tls_ctx:
            try:
                c = tls_ctx.wrap_socket(c, server_side=True)
                client_certs.append(c.getpeercert())
            except (ssl.SSLError, OSError) as e:
                print("tls handshake refused:", e)
                continue
        c.settimeout(0.2)
        while not stop.is_set():
            try:
                d = c.recv(65536)
            except (socket.timeout, ssl.SSLWantReadError):
                continue
            except OSError:
                break
            if not d:
                break
            received[name] += d
        c.close()


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.path.join(work, "server.pem"), os.path.join(work, "server.key"))
ctx.load_verify_locations(os.path.join(work, "ca.pem"))
ctx.verify_mode = ssl.CERT_REQUIRED  # as TAK Server's 8089 does
threads = [threading.Thread(target=udp_rx), threading.Thread(target=stream_rx, args=("tcp", tcp_port, 4.0, None)),
           threading.Thread(target=stream_rx, args=("tls", tls_port, 0.0, ctx))]
for t in threads:
    t.start()

# ---- the graph ---------------------------------------------------------------------------
MIN_INTERVAL_S, STALE_S, ALERT_STALE_S = 10, 300, 3600
conf = open(os.path.join(src, "configs/centinela.conf")).read()
conf = re.sub(r"(?m)^input = .*", "input = " + src + "/datasets/panama-gulf.sigmf-meta", conf)
conf = re.sub(r"(?m)^run_dir = .*", "run_dir = " + work + "/run", conf)
conf = re.sub(r"(?m)^progress = .*", "progress = off", conf)
conf = re.sub(r"(?m)^jsonl = .*", "jsonl = " + work + "/alerts.jsonl", conf)
conf = re.sub(r"(?m)^path = .*", "path = " + work + "/archive/", conf)
conf = re.sub(r"(?m)^zones = configs/zones", "zones = " + src + "/configs/zones", conf)
conf = re.sub(r"(?m)^nodes = (.*)", r"nodes = \1, cot_output, cot_output.tls", conf)
common = f"""sub = >ipc://${{run_dir}}/track_fusion, >ipc://${{run_dir}}/anomaly_detector
min_interval_s = {MIN_INTERVAL_S}
stale_s = {STALE_S}
alert_stale_s = {ALERT_STALE_S}
reconnect_initial_s = 0.2
reconnect_max_s = 1
drain_s = 20
"""
conf += f"""
[cot_output]
{common}udp = 127.0.0.1:{udp_port}
tcp = 127.0.0.1:{tcp_port}

[cot_output.tls]
{common}udp =
tcp = localhost:{tls_port}
tls = true
tls_ca = {work}/ca.pem
tls_cert = {work}/client.pem
tls_key = {work}/client.key
"""
with open(os.path.join(work, "graph.conf"), "w") as f:
    f.write(conf)
r = subprocess.run([build + "/nodes/centinela/centinela", "-c", "graph.conf"], cwd=work,
                   capture_output=True, text=True, timeout=280)
print(r.stdout)
time.sleep(0.5)
stop.set()
for t in threads:
    t.join()
if r.returncode != 0:
    print(r.stderr[-4000:])
    print("FAIL: launcher exit", r.returncode)
    sys.exit(1)
check("unreachable" in r.stderr, "the late TCP server should have been retried (reconnect with back-off)")
check(len(client_certs) >= 1 and client_certs[0] and
      any(("commonName", "centinela") in rdn for rdn in client_certs[0].get("subject", ())),
      "the TLS server should have seen the client certificate")

# ---- schema -------------------------------------------------------------------------------
DT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
TYPE = re.compile(r"^[a-z](-[A-Za-z0-9]+)*$")
EVENT_ATTRS = {"version", "uid", "type", "how", "time", "start", "stale", "access", "qos", "opex"}


def decimal(v):
    return re.match(r"^-?\d+(\.\d+)?$", v or "") is not None


def parse_time(s):
    # ms resolution, as written
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z$", s)
    import calendar
    y, mo, d, h, mi, se = (int(x) for x in m.groups()[:6])
    frac = m.group(7) or "0"
    return calendar.timegm((y, mo, d, h, mi, se)) * 1000 + int((frac + "000")[:3])


def validate(ev):
    """The CoT 2.0 base schema: <event> with required version/uid/type/time/start/stale (how is
    required by TAK), exactly one <point> with decimal lat/lon/hae/ce/le in range, at most one
    <detail>; nothing else."""
    errs = []
    if ev.tag != "event":
        return ["root is not <event>"]
    extra = set(ev.attrib) - EVENT_ATTRS
    if extra:
        errs.append("unknown attributes %s" % extra)
    for a in ("version", "uid", "type", "how", "time", "start", "stale"):
        if not ev.get(a):
            errs.append("missing " + a)
    if errs:
        return errs
    if ev.get("version") != "2.0":
        errs.append("version")
    if not TYPE.match(ev.get("type")) or not TYPE.match(ev.get("how")):
        errs.append("type/how syntax")
    for a in ("time", "start", "stale"):
        if not DT.match(ev.get(a)):
            errs.append(a + " not xs:dateTime UTC")
    if not errs and not parse_time(ev.get("start")) <= parse_time(ev.get("stale")):
        errs.append("stale before start")
    kids = [k.tag for k in ev]
    if kids.count("point") != 1 or kids.count("detail") > 1 or set(kids) - {"point", "detail"}:
        errs.append("children %s" % kids)
        return errs
    p = ev.find("point")
    for a in ("lat", "lon", "hae", "ce", "le"):
        if not decimal(p.get(a)):
            errs.append("point " + a + " not decimal")
    if not errs:
        if not -90 <= float(p.get("lat")) <= 90 or not -180 <= float(p.get("lon")) <= 180:
            errs.append("point out of range")
        if float(p.get("ce")) < 0 or float(p.get("le")) < 0:
            errs.append("negative ce/le")
    d = ev.find("detail")
    if d is not None:
        c = d.find("contact")
        if c is not None and not c.get("callsign"):
            errs.append("contact without callsign")
        t = d.find("track")
        if t is not None and not (decimal(t.get("course")) and decimal(t.get("speed"))):
            errs.append("track course/speed")
    return errs


def events_of(blobs):
    out = []
    for b in blobs:
        for m in re.finditer(rb"<event\b.*?</event>", b, re.S):
            out.append(ET.fromstring(m.group(0)))
    return out


streams = {"udp": events_of(received["udp"]), "tcp": events_of([received["tcp"]]),
           "tls": events_of([received["tls"]])}
for k, evs in streams.items():
    print(f"{k}: {len(evs)} events")
    check(len(evs) > 0, k + ": no events")
    bad = [(e.get("uid"), validate(e)) for e in evs if validate(e)]
    check(not bad, f"{k}: {len(bad)} events fail the schema, e.g. {bad[:3]}")
    check(all(len(validate(e)) == 0 for e in evs), "")
key = lambda e: (e.get("uid"), e.get("time"), e.get("type"), e.get("stale"))
check(sorted(map(key, streams["udp"])) == sorted(map(key, streams["tcp"])), "udp and tcp carry different events")
check(sorted(map(key, streams["udp"])) == sorted(map(key, streams["tls"])), "udp and tls carry different events")
check(len(received["udp"]) == len(streams["udp"]), "one event per datagram")

# ---- against the archive ------------------------------------------------------------------
tracks, alerts = [], []
for fn in sorted(os.listdir(work + "/archive")):
    if fn.endswith(".h5"):
        with h5py.File(os.path.join(work, "archive", fn), "r") as h:
            tracks.append(h["tracks"][()])
            alerts.append(h["alerts"][()])
tracks, alerts = np.concatenate(tracks), np.concatenate(alerts)
by_key = {}
for row in tracks:
    k = (int(row["mmsi"]) if row["mmsi"] else ("dark", int(row["track_id"])), int(row["time_ns"]) // 1000000)
    by_key.setdefault(k, []).append(row)
alert_mmsi = {int(m) for a in alerts for m in a["mmsi"][: a["n_mmsi"]]}
alert_rows = {}
for a in alerts:
    alert_rows.setdefault((int(a["source_id"]), int(a["alert_id"])), []).append(a)

merchant_rows = {}
for r in tracks:
    if r["mmsi"] and r["ais_class"] == b"A" and 60 <= r["ship_type"] <= 89 and (r["name"] or r["imo"]):
        merchant_rows.setdefault(int(r["mmsi"]), []).append(r)
evs = streams["udp"]
track_evs = [e for e in evs if e.get("type").startswith("a-")]
alert_evs = [e for e in evs if not e.get("type").startswith("a-")]
print(f"archive: {len(tracks)} track rows, {len(alerts)} alert rows; CoT: {len(track_evs)} track events, "
      f"{len(alert_evs)} alert events")
unmatched, types_bad, pos_bad, stale_bad = 0, 0, 0, 0
last = {}
for e in track_evs:
    uid = e.get("uid")
    m = re.match(r"^centinela-(\d{9})(-t\d+)?$", uid)
    d = re.match(r"^centinela-dark-(\d+)$", uid)
    check(bool(m or d), "uid " + uid)
    ident = int(m.group(1)) if m else ("dark", int(d.group(1)))
    t_ms = parse_time(e.get("time"))
    rows = by_key.get((ident, t_ms), [])
    if not rows:
        unmatched += 1
        continue
    p = e.find("point")
    row = min(rows, key=lambda r: abs(r["lat_deg"] - float(p.get("lat"))) + abs(r["lon_deg"] - float(p.get("lon"))))
    if abs(row["lat_deg"] - float(p.get("lat"))) > 1e-6 or abs(row["lon_deg"] - float(p.get("lon"))) > 1e-6:
        pos_bad += 1
    sigma = float(row["pos_sigma_m"])
    ce = float(p.get("ce"))
    if not ((math.isfinite(sigma) and sigma > 0 and abs(ce - sigma) < 0.06) or
            (not (math.isfinite(sigma) and sigma > 0) and ce == 9999999.0)):
        pos_bad += 1
    want_stale = t_ms + (0 if row["state"] == 3 else STALE_S * 1000)
    if parse_time(e.get("stale")) != want_stale or e.get("start") != e.get("time"):
        stale_bad += 1
    ty = e.get("type")
    # static data known by then (a position update's row need not repeat it)
    # (an update in the same millisecond may come before or after the static data)
    merchant = any(int(r["time_ns"]) // 1000000 <= t_ms for r in merchant_rows.get(ident, []))
    merchant_before = any(int(r["time_ns"]) // 1000000 < t_ms for r in merchant_rows.get(ident, []))
    if ty not in ("a-u-S", "a-n-S", "a-s-S") or (ty == "a-s-S" and ident not in alert_mmsi) or \
            (ty == "a-n-S" and not merchant) or (ty == "a-u-S" and merchant_before and ident not in alert_mmsi):
        types_bad += 1
    # pacing: same uid, type and state within min_interval_s of event time is not sent twice
    state = re.search(r"track \d+ (\w+)", e.find("detail/remarks").text).group(1)
    cs = e.find("detail/contact").get("callsign")
    if uid in last:
        pt, pty, pst, pcs = last[uid]
        if pty == ty and pst == state and pcs == cs and 0 <= t_ms - pt < MIN_INTERVAL_S * 1000:
            fail.append(f"{uid}: two events {t_ms - pt} ms apart with nothing changed")
    last[uid] = (t_ms, ty, state, cs)
check(unmatched == 0, f"{unmatched} track events match no archived track state (uid, time)")
check(pos_bad == 0, f"{pos_bad} track events with a position or ce unlike the archive")
check(stale_bad == 0, f"{stale_bad} track events with a wrong start/stale")
check(types_bad == 0, f"{types_bad} track events with a type the archive does not support")
vessels = {int(r["mmsi"]) for r in tracks if r["mmsi"] and r["state"] == 1}
seen = {int(re.match(r"^centinela-(\d{9})", e.get("uid")).group(1)) for e in track_evs
        if re.match(r"^centinela-\d{9}", e.get("uid"))}
check(vessels <= seen, f"confirmed vessels without an event: {sorted(vessels - seen)[:5]}")
check(any(e.get("type") == "a-s-S" for e in track_evs) == bool(alert_mmsi & seen),
      "vessels under an open alert should turn a-s-S")

# every archived alert state change is one CoT alert event, linked to its vessel
check(len(alert_evs) == len(alerts), f"{len(alert_evs)} alert events for {len(alerts)} archived alert rows")
for e in alert_evs:
    m = re.match(r"^centinela-alert-(\d+)-(\d+)$", e.get("uid"))
    check(bool(m), "alert uid " + e.get("uid"))
    rows = alert_rows.get((int(m.group(1)), int(m.group(2))), [])
    t_ms = parse_time(e.get("time"))
    rem = e.find("detail/remarks").text
    state = {"open": 0, "update": 1, "close": 2}[re.search(r"; (open|update|close);", rem).group(1)]
    row = [a for a in rows if int(a["time_ns"]) // 1000000 == t_ms and a["state"] == state]
    check(bool(row), "alert event with no archived row at its time: " + e.get("uid"))
    if not row:
        continue
    row = row[0]
    check(row["rule"].decode() in rem and "score %.1f" % row["score"] in rem, "alert remarks: " + rem[:80])
    want = t_ms if row["state"] == 2 else t_ms + ALERT_STALE_S * 1000
    check(parse_time(e.get("stale")) == want, "alert stale time %s %s state %d" % (e.get("time"), e.get("stale"), row["state"]))
    link = e.find("detail/link")
    if row["n_mmsi"]:
        check(link is not None and link.get("uid") == "centinela-%09d" % row["mmsi"][0], "alert link to its vessel")

shutil.rmtree(work, ignore_errors=True)
if fail:
    print(f"FAIL: {len(fail)} problems")
    sys.exit(1)
print("PASS")
