#!/usr/bin/env python3
"""Deleting many ids from a collection with and without an IVF index.

Imports N × D synthetic unit vectors (ids v0 … v{N-1}), optionally builds an
IVF index of --lists lists, then deletes --delete ids spread over the whole
collection with one `tihua delete` call, timed (wall clock and peak RSS from
/usr/bin/time). Each binary given gets its own fresh index; with two
binaries, A and B alternate per size.

    swift build -c release
    python3 Tools/bench/delete_bench.py .build/release/tihua --n 301000 --dim 256 --lists 64 --delete 1000 8000 100000
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def timed(args):
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + args, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])} … failed: {out.stderr[-500:]}")
    rss_kib = int(out.stderr.strip().splitlines()[-1])
    return seconds, rss_kib / 1024, out.stdout.strip()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binaries", nargs="+")
    p.add_argument("--n", type=int, default=301000)
    p.add_argument("--dim", type=int, default=256)
    p.add_argument("--lists", type=int, default=64)
    p.add_argument("--delete", type=int, nargs="+", default=[1000, 8000, 100000])
    p.add_argument("--no-ivf", action="store_true", help="also time the same deletes without an IVF index")
    args = p.parse_args()

    work = tempfile.mkdtemp(prefix="tihua-delete-")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((args.n, args.dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    np.save(f"{work}/v.npy", x)
    with open(f"{work}/ids.txt", "w") as f:
        f.write("\n".join(f"v{i}" for i in range(args.n)) + "\n")
    base = {}
    variants = [True] + ([False] if args.no_ivf else [])
    for binary in args.binaries:
        for ivf in variants:
            index = f"{work}/base-{len(base)}"
            log("importing", args.n, "×", args.dim, "for", binary, "with IVF" if ivf else "without IVF")
            run([binary, "import", "vectors", "--index", index, "--collection", "c", "--vectors", f"{work}/v.npy",
                 "--ids", f"{work}/ids.txt"])
            if ivf:
                run([binary, "ivf", "build", "--index", index, "--collection", "c", "--lists", str(args.lists)])
            base[(binary, ivf)] = index

    print(f"| ids deleted (of {args.n:,} × {args.dim}) | binary | IVF | seconds | peak RSS MiB |")
    print("|---:|---|---|---:|---:|")
    for count in args.delete:
        ids = [f"v{i}" for i in np.linspace(0, args.n - 1, count).astype(int)]
        for (binary, ivf), index in base.items():
            copy = f"{work}/copy"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(index, copy)
            seconds, rss, out = timed([binary, "delete", "--index", copy, "--collection", "c", "--json"] + ids)
            log(binary, count, "ivf" if ivf else "flat", f"{seconds:.2f} s", out)
            print(f"| {count:,} | {os.path.basename(binary)} | {'yes' if ivf else 'no'} | {seconds:.2f} | {rss:.0f} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
