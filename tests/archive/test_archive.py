#!/usr/bin/env python3
"""Archive node tests: the hdf5_archiver, replay and archive_tool executables driven as processes.

  test_archive.py <case> --work DIR --publisher ... --archiver ... --replay ... --tool ... --layout LAYOUT.md

Cases: kill_restart, swmr_follow, replay, determinism, damaged, layout_example, tool_cli,
second_writer, dask_month.
Exit 0 pass, 1 fail, 77 skip (h5py or numpy missing)."""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

try:
    import h5py
    import numpy as np
except ImportError as e:  # pragma: no cover
    print(f"skip: {e}")
    sys.exit(77)

A = None
ENV = dict(os.environ)


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    print(f"ok: {msg}")


class Publisher:
    """The test publisher, with its progress ("sent N") read from stdout."""

    def __init__(self, count, rate, base="2026-01-01T10:00:00Z", name="pub", step_ms=100):
        self.sent = 0
        self.endpoint = f"ipc://{A.work}/{name}.sock"
        self.p = subprocess.Popen(
            [A.publisher, "--pub", "@" + self.endpoint, "--subscribers", "1", "--count", str(count),
             "--rate", str(rate), "--base_time", base, "--step_ms", str(step_ms), "--eos_linger_s", "20",
             "--log_level", "warn"],
            stdout=subprocess.PIPE, text=True, env=ENV)
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.p.stdout:
            if line.startswith("sent "):
                self.sent = int(line.split()[1])

    def wait(self, timeout=120):
        return self.p.wait(timeout)


def archiver(path, sub, *extra):
    return subprocess.Popen(
        [A.archiver, "--sub", ">" + sub, "--path", path, "--pub", "", "--eos_inputs", "1",
         "--log_level", "warn", *extra], env=ENV)


def wait_for(cond, timeout, what):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if cond():
            return
        time.sleep(0.02)
    fail(f"timed out waiting for {what}")


def h5files(d):
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".h5")) if os.path.isdir(d) else []


def open_swmr(path):
    return h5py.File(path, "r", libver="latest", swmr=True)


def case_kill_restart():
    d = os.path.join(A.work, "arch")
    pub = Publisher(count=3000, rate=250)
    a1 = archiver(d + "/", pub.endpoint, "--flush_interval_s", "1")
    wait_for(lambda: pub.sent >= 750, 60, "750 messages published")
    time.sleep(0.3)
    sent_at_kill = pub.sent
    a1.send_signal(signal.SIGKILL)
    a1.wait()
    files = h5files(d)
    check(len(files) == 1, f"one archive file after the kill ({files})")
    with open_swmr(files[0]) as f:
        seq1 = f["messages"]["seq"][:]
        msgs1 = f["messages"][:]
        nmea1 = f["messages_nmea"][:]
    r1 = len(seq1)
    lost = sent_at_kill - r1
    print(f"killed after {sent_at_kill} sent; file holds {r1}; {lost} lost (250 msg/s)")
    check(r1 > 0 and np.array_equal(seq1, np.arange(1, r1 + 1)), "killed file opens and holds rows 1..N in order")
    check(lost <= 250 * 1.0 + 75, f"at most the flush interval lost ({lost} messages <= 1 s + 0.3 s margin)")
    tool = subprocess.run([A.tool, "check", files[0]], capture_output=True, text=True)
    check(tool.returncode == 0, f"archive_tool check passes on the killed file: {tool.stdout.strip()}")
    a2 = archiver(d + "/", pub.endpoint, "--flush_interval_s", "1")
    check(pub.wait() == 0, "publisher finished")
    check(a2.wait(60) == 0, "restarted archiver ended at end of stream")
    with h5py.File(files[0], "r") as f:  # closed cleanly: opens without SWMR
        msgs2 = f["messages"][:]
        has_index = "index" in f
        npos = len(f["positions"])
    r2 = len(msgs2)
    check(r2 > r1 and np.array_equal(msgs2[:r1], msgs1), f"restart appended ({r1} -> {r2} rows), old rows intact")
    check(np.all(np.diff(msgs2["seq"][r1 - 1:].astype(np.int64)) > 0), "appended rows continue the sequence")
    check(msgs2["seq"][-1] == 3000, "the last message is in the file")
    check(has_index, "file indexed on clean close")
    print(f"positions rows: {npos}")


def case_swmr_follow():
    d = os.path.join(A.work, "arch")
    pub = Publisher(count=1500, rate=300)
    a = archiver(d + "/", pub.endpoint, "--flush_interval_s", "0.5")
    wait_for(lambda: len(h5files(d)) == 1, 30, "the archive file")
    path = h5files(d)[0]
    seen = []
    f = None
    t0 = time.time()
    while a.poll() is None and time.time() - t0 < 60:
        try:
            if f is None:
                f = open_swmr(path)
            ds = f["messages"]
            ds.refresh()
            n = ds.shape[0]
            if not seen or n != seen[-1]:
                seen.append(n)
        except (OSError, KeyError) as e:
            print(f"reader retry: {e}")
            f = None
        time.sleep(0.1)
    print(f"sizes seen while the archiver ran: {seen}")
    check(len([n for n in seen if n > 0]) >= 3, "a SWMR reader saw rows arrive at least 3 times while live")
    check(all(b > a_ for a_, b in zip(seen, seen[1:])), "sizes only grow")
    pub.wait()
    check(a.wait(60) == 0, "archiver ended at end of stream")
    if f is not None:
        f["messages"].refresh()
        # the rows read live are the rows of the closed file
        live = f["messages"][:seen[-1]]
        f.close()
        with h5py.File(path, "r") as g:
            check(np.array_equal(g["messages"][:seen[-1]], live), "rows read live equal the final rows")
            check(len(g["messages"]) == 1500, "all 1500 messages archived")


def archive_run(d, count, name, stats=False, base="2026-01-01T10:00:00Z"):
    pub = Publisher(count=count, rate=0, name=name, base=base)
    extra = ["--stats_sub", ">" + pub.endpoint] if stats else []
    a = archiver(d + "/", pub.endpoint, *extra)
    check(pub.wait() == 0 and a.wait(120) == 0, f"{name}: publisher and archiver ended")


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[:]
        f.visititems(visit)
    return out


def case_determinism():
    d1, d2 = os.path.join(A.work, "run1"), os.path.join(A.work, "run2")
    archive_run(d1, 2000, "pub1", stats=True, base="2026-01-01T09:58:00Z")
    archive_run(d2, 2000, "pub2", stats=True, base="2026-01-01T09:58:00Z")
    f1, f2 = h5files(d1), h5files(d2)
    check([os.path.basename(x) for x in f1] == [os.path.basename(x) for x in f2] and len(f1) == 2,
          f"same files, split by event-time hour: {[os.path.basename(x) for x in f1]}")
    for a, b in zip(f1, f2):
        x, y = datasets(a), datasets(b)
        check(set(x) == set(y), f"{os.path.basename(a)}: same datasets")
        for k in sorted(x):
            if k in ("stats", "stats_json"):
                continue  # wall-clock driven, documented as not reproducible
            xa, ya = x[k], y[k]
            if xa.dtype.names and "source_id" in xa.dtype.names:
                # publisher ids derive from the section name, which differs between the runs
                xa, ya = xa.copy(), ya.copy()
                xa["source_id"] = 0
                ya["source_id"] = 0
            if xa.dtype != ya.dtype or xa.tobytes() != ya.tobytes():  # bytes: NaN fields compare equal
                why = ""
                if xa.dtype == ya.dtype and xa.dtype.names and len(xa) == len(ya):
                    cols = [c for c in xa.dtype.names if xa[c].tobytes() != ya[c].tobytes()]
                    rows = [i for i in range(len(xa)) if xa[i].tobytes() != ya[i].tobytes()]
                    why = f" (fields {cols}, rows {rows[:5]}: {xa[rows[0]] if rows else ''} vs {ya[rows[0]] if rows else ''})"
                elif len(xa) != len(ya):
                    why = f" ({len(xa)} vs {len(ya)} rows)"
                fail(f"{os.path.basename(a)}:{k} differs between two runs of the same input{why}")
        print(f"ok: {os.path.basename(a)}: identical content ({', '.join(f'{k}={len(v)}' for k, v in sorted(x.items()))})")


def case_replay():
    d1, d2 = os.path.join(A.work, "orig"), os.path.join(A.work, "replayed")
    archive_run(d1, 2000, "pub")
    ep = f"ipc://{A.work}/replay.sock"
    rp = subprocess.Popen([A.replay, "--input", d1, "--pub", "@" + ep, "--subscribers", "1",
                           "--log_level", "warn"], env=ENV)
    a = archiver(d2 + "/", ep)
    check(rp.wait(120) == 0 and a.wait(120) == 0, "replay and archiver ended at end of stream")
    f1, f2 = h5files(d1), h5files(d2)
    check([os.path.basename(x) for x in f1] == [os.path.basename(x) for x in f2], "same files")
    for a_, b_ in zip(f1, f2):
        with h5py.File(a_, "r") as x, h5py.File(b_, "r") as y:
            m1, m2 = x["messages"][:], y["messages"][:]
            check(len(m1) == len(m2) and len(m1) > 0, f"{os.path.basename(a_)}: {len(m1)} messages back")
            cols = [c for c in m1.dtype.names if c not in ("source_id", "seq")]
            check(all(np.array_equal(m1[c], m2[c], equal_nan=(m1[c].dtype.kind == "f")) for c in cols),
                  "every message field identical (station, channel, times, RF, offsets, decode)")
            for blob in ("messages_nmea", "messages_bits"):
                check(np.array_equal(x[blob][:], y[blob][:]), f"{blob} identical")
            check(np.array_equal(x["positions"][:], y["positions"][:]), "positions identical")
            r1, r2 = x["radar"][:], y["radar"][:]
            cols = [c for c in r1.dtype.names if c != "source_id"]
            check(len(r1) == len(r2) and all(np.array_equal(r1[c], r2[c], equal_nan=(r1[c].dtype.kind == "f")) for c in cols),
                  f"{len(r1)} radar reports identical")


def case_damaged():
    d = os.path.join(A.work, "arch")
    # Enough rows that the file ends with the index's last chunk, which only a check of the
    # index itself reads.
    archive_run(d, 20000, "pub")
    good = h5files(d)[0]
    size = os.path.getsize(good)
    data = open(good, "rb").read()
    bad = {}
    bad["truncated_half.h5"] = data[:size // 2]
    bad["truncated_4k.h5"] = data[:4096]
    bad["empty.h5"] = b""
    bad["garbage.h5"] = bytes((i * 37 + 11) & 255 for i in range(20000))
    mid = bytearray(data)
    for i in range(size // 3, 2 * size // 3):
        mid[i] = (i * 131) & 255
    bad["overwritten.h5"] = bytes(mid)
    # The last 8 KB randomised (seeded): the tail holds row chunks and the index, which only a
    # check that reads every row and compares the index with the tables notices.
    tail = bytearray(data)
    rnd = np.random.default_rng(12).integers(0, 256, 8192, dtype=np.uint8).tobytes()
    tail[-8192:] = rnd
    bad["tail_8k_random.h5"] = bytes(tail)
    for name, content in bad.items():
        with open(os.path.join(A.work, name), "wb") as f:
            f.write(content)
    with h5py.File(os.path.join(A.work, "other.h5"), "w") as f:
        f["x"] = np.arange(10)
    names = list(bad) + ["other.h5"]
    r = subprocess.run([A.tool, "check", good], capture_output=True, text=True)
    check(r.returncode == 0, "intact file checks ok")
    for name in names:
        p = os.path.join(A.work, name)
        for cmd in (["summary", p], ["check", p], ["query", "--table", "messages", "--format", "jsonl", p],
                    ["query", "--table", "positions", "--mmsi", "200000001", p], ["index", p]):
            r = subprocess.run([A.tool, *cmd], capture_output=True, text=True, timeout=60)
            if r.returncode < 0 or r.returncode > 2 or "AddressSanitizer" in r.stderr or "runtime error" in r.stderr:
                fail(f"archive_tool {' '.join(cmd)} crashed (rc {r.returncode}): {r.stderr[-2000:]}")
            if cmd[0] == "check" and r.returncode == 0:
                fail(f"archive_tool check accepted damaged {name}")
        msg = subprocess.run([A.tool, "check", p], capture_output=True, text=True).stderr.strip().splitlines()
        print(f"ok: {name}: clear error, no crash ({msg[-1] if msg else ''})")
        if name == "tail_8k_random.h5":
            continue  # only the index is damaged there, and replay reads the tables, not the index
        r = subprocess.run([A.replay, "--input", p, "--pub", "", "--log_level", "warn"], capture_output=True,
                           text=True, timeout=60)
        check(r.returncode in (1, 2) and "Sanitizer" not in r.stderr, f"replay refuses {name} (rc {r.returncode})")


def case_layout_example():
    d = os.path.join(A.work, "arch")
    archive_run(d, 600, "pub", stats=True)
    text = open(A.layout).read()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    check(blocks, "LAYOUT.md has a python example")
    path = h5files(d)[0]
    r = subprocess.run([sys.executable, "-c", blocks[0], path], capture_output=True, text=True, timeout=60)
    print(r.stdout[-3000:])
    print(r.stderr[-3000:])
    check(r.returncode == 0, "the LAYOUT.md example runs with Debian's h5py and numpy")
    check("positions: 600 rows" in r.stdout, "the example reads the positions")
    # the offline tool exports agree with the example's view
    out = subprocess.run([A.tool, "query", "--table", "positions", "--mmsi", "200000003", "--format", "csv", path],
                         capture_output=True, text=True)
    lines = out.stdout.strip().splitlines()
    check(out.returncode == 0 and lines[0].startswith("# Timestamp,Type of mobile,MMSI,Latitude,Longitude")
          and len(lines) == 13, f"DMA CSV export of one MMSI ({len(lines) - 1} rows)")
    check(lines[1].split(",")[1] == "Class A" and lines[1].split(",")[2] == "200000003", "CSV row content")
    for table, fmt, needle in (("tracks", "geojson", '"LineString"'), ("alerts", "geojson", '"Point"'),
                               ("tracks", "kml", "<LineString>"), ("alerts", "jsonl", '"rule":"ais_gap"'),
                               ("positions", "kml", "<coordinates>")):
        out = subprocess.run([A.tool, "query", "--table", table, "--format", fmt, path], capture_output=True, text=True)
        check(out.returncode == 0 and needle in out.stdout, f"{table} as {fmt}")
    out = subprocess.run([A.tool, "summary", path], capture_output=True, text=True)
    check(out.returncode == 0 and "positions" in out.stdout, "summary")
    print(out.stdout)


def case_dask_month():
    """LAYOUT.md's Dask example over a month of daily files written by the archiver: the
    positions of one MMSI and the vessels per zone kind per day, checked against what the test
    publisher sent (message i at base + i * step, MMSI 200000000 + i % 50, every 10th i a track
    in zone kind (i / 10) % 5)."""
    try:
        import dask  # noqa: F401
    except ImportError as e:
        print(f"skip: {e} (Debian's python3-dask)")
        sys.exit(77)
    d = os.path.join(A.work, "month")
    step_ms, per_day, days = 600000, 144, 30          # a message every 10 min, for 30 days
    count = per_day * days
    base = "2026-01-01T00:00:00Z"
    base_ns = 1767225600 * 10**9
    pub = Publisher(count=count, rate=0, name="month", base=base, step_ms=step_ms)
    a = archiver(d + "/", pub.endpoint, "--rotate", "day")
    check(pub.wait() == 0 and a.wait(300) == 0, "publisher and archiver ended")
    files = h5files(d)
    check(len(files) == days, f"one file per day ({len(files)})")
    text = open(A.layout).read()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "import dask" in b]
    check(len(blocks) == 1, "LAYOUT.md has the Dask example")
    mmsi = 200000007
    r = subprocess.run([sys.executable, "-c", blocks[0], d, str(mmsi)], capture_output=True, text=True,
                       timeout=300)
    print(r.stdout[:2000])
    print(r.stderr[-3000:])
    check(r.returncode == 0, "the Dask example runs")
    got = json.loads(r.stdout.strip().splitlines()[-1])
    want_i = [i for i in range(count) if i % 50 == 7]
    check(got["files"] == days and got["positions"] == len(want_i),
          f"{got['positions']} positions of MMSI {mmsi} from {got['files']} files")
    check(got["times_ns"] == [base_ns + i * step_ms * 10**6 for i in want_i], "their times, in order")
    lat = [round((8.9 + i * 1e-5) * 1e7) for i in want_i]
    check(all(abs(x - y) <= 2 for x, y in zip(got["lat_e7"], lat)), "their latitudes")
    want = {}
    for i in range(0, count, 10):
        day = (base_ns + i * step_ms * 10**6) // (86400 * 10**9)
        want.setdefault(f"{day} {(i // 10) % 5}", set()).add(200000000 + i % 50)
    want = {k: len(v) for k, v in want.items()}
    check(got["vessels"] == want, f"vessels per zone kind per day ({len(want)} day-zone pairs)")


def case_tool_cli():
    """archive_tool's command line and text output; h5py reading the attributes as text."""
    d = os.path.join(A.work, "arch")
    archive_run(d, 600, "pub")
    path = h5files(d)[0]
    run = lambda *a: subprocess.run([A.tool, *a], capture_output=True, text=True, timeout=60)
    r = run("query", "--table", "positions", "-o", "-", d)
    check(r.returncode == 0 and r.stdout.count("\n") == 601, f"'-o - DIR' writes to stdout (rc {r.returncode})")
    r = run("query", "--bbox", "-10,-80,10,-70", "--table", "positions", d)
    check(r.returncode == 0 and r.stdout.count("\n") > 1, f"'--bbox -10,-80,10,-70 DIR' (rc {r.returncode})")
    r = run("query", "--all_states", "--table", "alerts", d)
    check(r.returncode == 0, f"a boolean flag before the input (rc {r.returncode})")
    r = run("summary", d + "/")
    check(r.returncode == 0 and "//" not in r.stdout and f"file: {d}/centinela" in r.stdout,
          "a directory given with a trailing slash: no double slash")
    for args, needle in ((("--table", "nope"), "table 'nope'"), (("--format", "xml"), "format 'xml'"),
                         (("--from", "yesterday"), "from 'yesterday'"), (("--to", "soon"), "to 'soon'"),
                         (("--bbox", "1,2,3"), "bbox '1,2,3'"), (("--bbox", "10,0,-10,5"), "latitudes")):
        r = run("query", *args, d)
        check(r.returncode == 2 and needle in r.stderr, f"bad {args[0]} named in the error: {r.stderr.strip()[-90:]}")
    # JSON numbers in their shortest round-trip form (as Python's repr): 8.79, not 8.7900033000000004.
    numbers = 0
    for table in ("positions", "tracks", "alerts", "messages"):
        r = run("query", "--table", table, "--format", "jsonl", d)
        check(r.returncode == 0, f"{table} as jsonl")
        for t in re.findall(r'(?<=[:,\[])(-?\d+\.\d+(?:e[-+]?\d+)?)(?=[,}\]])', r.stdout):
            numbers += 1
            if repr(float(t)) != t and not (len(t) <= 10 and float(t) == float(np.float32(float(t)))):
                fail(f"{table}: {t} is not the shortest text of its value ({repr(float(t))})")
    check(numbers > 1000, f"{numbers} JSONL reals, each in its shortest form")
    r = run("query", "--table", "positions", "--format", "jsonl", "--mmsi", "200000003", d)
    first = r.stdout.splitlines()[0]
    check(re.search(r'"lat":-?\d+\.\d{1,7}[,}]', first) is not None, f"lat exported as a 7-decimal number: {first[-60:]}")
    with h5py.File(path, "r") as f:
        units = f["positions"].attrs["lat_e7.units"]
        check(isinstance(units, str), f"h5py reads units as str ({type(units).__name__})")
        check(isinstance(f.attrs["layout"], str), "h5py reads the file's layout attribute as str")


def case_second_writer():
    """A second archiver refused by the one-writer lock logs once and exits 2."""
    import fcntl
    d = os.path.join(A.work, "arch")
    os.makedirs(d)
    lock = open(os.path.join(d, "centinela.h5.lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    lock.write("4242\n")
    lock.flush()
    pub = Publisher(count=20000, rate=0, name="pub")
    a = subprocess.Popen([A.archiver, "--sub", ">" + pub.endpoint, "--path", d + "/", "--rotate", "none",
                          "--pub", "", "--log_level", "info"], env=ENV, stderr=subprocess.PIPE, text=True)
    try:
        err = a.communicate(timeout=60)[1]
    except subprocess.TimeoutExpired:
        a.kill()
        fail("the refused archiver kept running")
    pub.p.kill()
    lines = [l for l in err.splitlines() if "one writer per file" in l]
    print(err[-1500:])
    check(a.returncode == 2, f"refused archiver exits 2 (got {a.returncode})")
    check(len(lines) == 1 and "4242" in lines[0], f"the refusal is logged once ({len(lines)} lines)")
    check(len(err.splitlines()) < 30, f"{len(err.splitlines())} log lines in all")


def main():
    global A
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    for k in ("work", "publisher", "archiver", "replay", "tool", "layout", "bin"):
        ap.add_argument("--" + k)
    A = ap.parse_args()
    shutil.rmtree(A.work, ignore_errors=True)
    os.makedirs(A.work)
    ENV["CENTINELA_RUN_DIR"] = A.work
    {"kill_restart": case_kill_restart, "swmr_follow": case_swmr_follow, "replay": case_replay,
     "determinism": case_determinism, "damaged": case_damaged,
     "layout_example": case_layout_example, "tool_cli": case_tool_cli, "dask_month": case_dask_month,
     "second_writer": case_second_writer}[A.case]()
    print("PASS")


if __name__ == "__main__":
    main()
