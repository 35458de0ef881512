#!/usr/bin/env python3
"""Do the operations-centre outputs slow the pipeline?  The main job (configs/centinela.conf) and
the feeds graph (configs/feeds.conf), each as shipped and with cot_output and metrics added (their
sections from configs/tak.conf), run as whole launcher processes: one warm-up run of each, then
REPEATS rounds in which the four run in turn (the order alternating between rounds, so neither
side always follows the other).  Wall time is the launcher's, CPU time is the launcher's and
every node's (wait4 of the launcher, which reaps its nodes).  Prints medians and the ratios
with/without.  Every run must end with exit 0 and the same archived message count.
    bench_ops.py <build dir> <source dir> [repeats, default 11]
"""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

build, src = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 11
launcher = os.path.join(build, "nodes/centinela/centinela")
tak = open(os.path.join(src, "configs/tak.conf")).read()


def section(text, name):
    m = re.search(r"(?ms)^\[" + name + r"\]\n(.*?)(?=^\[|\Z)", text)
    return "[" + name + "]\n" + m.group(1)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def make_conf(graph, ops, work):
    """The shipped config with absolute paths into work/, optionally with cot_output + metrics."""
    conf = open(os.path.join(src, f"configs/{graph}.conf")).read()
    nodes = re.search(r"(?m)^nodes = (.*)$", conf).group(1)
    publishers = [n.strip() for n in nodes.split(",")]
    if ops:
        conf = conf.replace("nodes = " + nodes, "nodes = " + nodes + ", cot_output, metrics")
        # one endpoint a line: a config line holds at most 200 characters
        stats = ",\n    ".join(">ipc://${run_dir}/" + n for n in publishers + ["cot_output"])
        cot = section(tak, "cot_output")
        met = re.sub(r"(?ms)^stats_sub = .*?(?=^\w)", "stats_sub = " + stats + "\n", section(tak, "metrics"))
        met = re.sub(r"(?m)^listen = .*", "listen = 127.0.0.1:PORT", met)
        conf = conf.rstrip("\n") + "\n\n" + cot + "\n" + met
    conf = re.sub(r"(?m)^run_dir = .*", "run_dir = " + work + "/run", conf)
    conf = re.sub(r"(?m)^progress = .*", "progress = off", conf)
    conf = re.sub(r"(?m)^(input|inputs) = (file:)?datasets/", r"\1 = \2" + src + "/datasets/", conf)
    conf = re.sub(r"(?m)^zones = configs/zones", "zones = " + src + "/configs/zones", conf)
    conf = re.sub(r"(?m)^(jsonl|path) = out/", r"\1 = " + work + "/out/", conf)
    return conf


def run(graph, ops):
    work = tempfile.mkdtemp(prefix="centinela-bench-ops-")
    try:
        os.makedirs(work + "/out")
        path = os.path.join(work, "graph.conf")
        with open(path, "w") as f:
            f.write(make_conf(graph, ops, work).replace("PORT", str(free_port())))
        t0 = time.monotonic()
        p = subprocess.Popen([launcher, "-c", path], cwd=work, stdout=subprocess.PIPE,
                             stderr=open(work + "/log.txt", "w"))
        out = p.stdout.read().decode()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        m = re.search(r"archived by hdf5_archiver: messages (\d+)", out)
        if p.returncode != 0 or not m:
            log = open(work + "/log.txt").read()[-3000:]
            sys.exit(f"{graph}{' + ops' if ops else ''}: launcher exit {p.returncode}\n{out}\n{log}")
        return wall, ru.ru_utime + ru.ru_stime, int(m.group(1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


cases = [(g, ops) for g in ("centinela", "feeds") for ops in (False, True)]
results = {c: [] for c in cases}
archived = {}
for c in cases:  # warm-up: page cache, zones, first-run costs
    archived[c] = run(*c)[2]
for r in range(repeats):
    for c in (cases if r % 2 == 0 else cases[::-1]):
        wall, cpu, msgs = run(*c)
        if msgs != archived[c]:
            sys.exit(f"{c}: archived {msgs} messages, the warm-up {archived[c]}")
        results[c].append((wall, cpu))

print(f"whole launcher runs, {repeats} interleaved rounds each, medians (min-max):")
for g in ("centinela", "feeds"):
    line = {}
    for ops in (False, True):
        w = [x[0] for x in results[(g, ops)]]
        c = [x[1] for x in results[(g, ops)]]
        line[ops] = (statistics.median(w), statistics.median(c))
        print(f"  {g + '.conf':14s} {'with cot_output + metrics' if ops else 'as shipped':26s} "
              f"wall {line[ops][0]:.3f} s ({min(w):.3f}-{max(w):.3f})  "
              f"CPU {line[ops][1]:.3f} s ({min(c):.3f}-{max(c):.3f})")
    print(f"  {g + '.conf':14s} with/without: wall {line[True][0] / line[False][0]:.2f}, "
          f"CPU {line[True][1] / line[False][1]:.2f}")
