#!/usr/bin/env python3
"""Compare two Centinela archive directories dataset by dataset.

Every dataset of every file must be identical, except the node statistics (`stats`,
`stats_json`), which are driven by the wall clock and name publishers by process.
Prints a one-line summary per file; exits 1 on any difference."""
import os
import sys

import h5py
import numpy as np

WALL_CLOCK = {"stats", "stats_json"}


def files(d):
    return sorted(f for f in os.listdir(d) if f.endswith(".h5"))


def datasets(h):
    out = {}
    h.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def main(a, b, skip=()):
    fa, fb = files(a), files(b)
    if fa != fb:
        print(f"different files: {fa} vs {fb}")
        return 1
    if not fa:
        print("no archive files")
        return 1
    bad = 0
    for name in fa:
        with h5py.File(os.path.join(a, name), "r") as ha, h5py.File(os.path.join(b, name), "r") as hb:
            da, db = datasets(ha), datasets(hb)
            if set(da) != set(db):
                print(f"{name}: different datasets {sorted(set(da) ^ set(db))}")
                bad += 1
                continue
            rows = {}
            for ds in sorted(da):
                if ds.split("/")[-1] in WALL_CLOCK or ds in skip:
                    continue
                x, y = da[ds][()], db[ds][()]
                rows[ds] = len(x) if hasattr(x, "__len__") else 1
                if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
                    print(f"{name}: dataset {ds} differs ({x.shape} vs {y.shape})")
                    bad += 1
            print(f"{name}: identical ({', '.join(f'{k} {v}' for k, v in rows.items() if '/' not in k)})")
    return 1 if bad else 0


if __name__ == "__main__":
    # compare_archives.py A B [--except table,table]: leave those datasets out as well
    skip = sys.argv[4].split(",") if len(sys.argv) > 4 and sys.argv[3] == "--except" else ()
    sys.exit(main(sys.argv[1], sys.argv[2], skip))
