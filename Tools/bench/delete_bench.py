#!/usr/bin/env python3
"""Deleting many ids from a collection with and without an IVF index.

Imports N × D synthetic unit vectors (ids v0 … v{N-1}), builds an IVF index
of --lists lists (and, with --no-ivf, a second index without one), then for
each size deletes that many ids spread over the whole collection in one write,
on a fresh copy of the index. A binary with `tihua bench delete` is timed in
process (the write alone) and by the wall clock with peak RSS (/usr/bin/time);
an older binary without it runs `tihua delete ID…`, whose wall clock also
includes parsing the ids on the command line (timed on its own too, against a
missing index).

    swift build -c release
    python3 Tools/bench/delete_bench.py .build/release/tihua --n 301000 --dim 256 --lists 64 --delete 1000 8000 100000
"""
import argparse
import json
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

    # An older binary has no `bench delete`: its parser refuses it as usage (exit 64).
    has_bench = {b: subprocess.run([b, "bench", "delete", "--index", f"{work}/missing", "--collection", "c",
                                    "--ids", f"{work}/ids.txt"], capture_output=True).returncode != 64
                 for b in args.binaries}
    print(f"| ids deleted (of {args.n:,} × {args.dim}) | binary | IVF | the write, s | command wall clock, s | of which parsing the ids, s | peak RSS MiB |")
    print("|---:|---|---|---:|---:|---:|---:|")
    for count in args.delete:
        ids = [f"v{i}" for i in np.unique(np.linspace(0, args.n - 1, count).astype(int))]
        with open(f"{work}/doomed.txt", "w") as f:
            f.write("\n".join(ids) + "\n")
        for (binary, ivf), index in base.items():
            copy = f"{work}/copy"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(index, copy)
            if has_bench[binary]:
                seconds, rss, out = timed([binary, "bench", "delete", "--index", copy, "--collection", "c",
                                           "--ids", f"{work}/doomed.txt", "--json"])
                write = f"{json.loads(out)['seconds']:.2f}"
                parse = "—"
            else:
                seconds, rss, out = timed([binary, "delete", "--index", copy, "--collection", "c", "--json"] + ids)
                write = "—"
                p0 = time.perf_counter()
                subprocess.run([binary, "delete", "--index", f"{work}/missing", "--collection", "c"] + ids,
                               capture_output=True)
                parse = f"{time.perf_counter() - p0:.2f}"
            log(binary, len(ids), "ivf" if ivf else "flat", f"{seconds:.2f} s", out)
            print(f"| {len(ids):,} | {os.path.basename(binary)} | {'yes' if ivf else 'no'} | {write} | {seconds:.2f} | {parse} | {rss:.0f} |",
                  flush=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
