#!/usr/bin/env python3
"""Run the project's compiled unit tests under valgrind memcheck.

Usage: run_valgrind.py <build dir>   (a build without sanitizers: valgrind and ASan exclude
each other).  Takes every CTest test whose command is an executable of the build tree (not the
fuzzers, not the shell-driven process tests) and runs it under
`valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite`.
Prints one line per test and a summary; exits 1 when any test has a memory error or a definite
leak."""
import json
import os
import subprocess
import sys


def main(build):
    out = subprocess.run(["ctest", "--show-only=json-v1"], cwd=build, capture_output=True,
                         text=True, check=True).stdout
    tests = json.loads(out)["tests"]
    chosen = []
    for t in tests:
        cmd = t.get("command") or []
        if not cmd or not cmd[0].startswith(os.path.abspath(build)):
            continue
        name = t["name"]
        if name.startswith("fuzz_") or os.path.basename(cmd[0]).startswith("fuzz_"):
            continue
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        chosen.append((name, cmd, props.get("WORKING_DIRECTORY", build), bool(props.get("WILL_FAIL"))))
    bad = []
    for name, cmd, cwd, will_fail in chosen:
        supp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "liquid.supp")
        vg = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full", f"--suppressions={supp}",
              "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite"] + cmd
        r = subprocess.run(vg, cwd=cwd, capture_output=True, text=True)
        passed = r.returncode != 99 and (will_fail or r.returncode in (0, 77))
        status = "ok" if passed else ("MEMORY ERROR" if r.returncode == 99 else f"exit {r.returncode}")
        print(f"{name:40s} {status}", flush=True)
        if not passed:
            bad.append(name)
            sys.stdout.write("\n".join(l for l in r.stderr.splitlines() if l.startswith("==")) + "\n")
    print(f"valgrind: {len(chosen) - len(bad)} of {len(chosen)} compiled tests clean")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
