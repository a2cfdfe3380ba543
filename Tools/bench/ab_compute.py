#!/usr/bin/env python3
"""A/B of two `tihua` binaries on search and encoder throughput, interleaved.

Builds one synthetic collection (N × 512 unit vectors of low intrinsic
dimension, and 1000 held-out queries), imports it with binary B, builds an
IVF index, then alternates A and B over `tihua bench search` (exact and IVF,
one query at a time and batches of 1000) and `tihua bench encode` (small
options), --reps times, and prints the best and median of each.

    swift build -c release && cp .build/release/tihua /tmp/tihua-new
    python3 Tools/bench/ab_compute.py /tmp/tihua-base /tmp/tihua-new --n 110000 --reps 5
    python3 Tools/bench/ab_compute.py /tmp/tihua-base /tmp/tihua-new --no-search --reps 7   # encoder only
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def save_npy(path, a):
    np.save(path, np.ascontiguousarray(a, dtype=np.float32))


def synthetic(n, d, q, seed=7):
    rng = np.random.default_rng(seed)
    latent = 48
    basis = rng.standard_normal((latent, d)).astype(np.float32)
    scale = (1.0 / np.arange(1, latent + 1) ** 0.5).astype(np.float32)
    def make(m):
        z = rng.standard_normal((m, latent)).astype(np.float32) * scale
        x = z @ basis + 0.05 * rng.standard_normal((m, d)).astype(np.float32)
        return x / np.linalg.norm(x, axis=1, keepdims=True)
    return make(n), make(q)


def fmt(x):
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def run(binary, args):
    out = subprocess.run([binary] + args, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{binary} {' '.join(args)} failed: {out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--n", type=int, default=110000)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--lists", type=int, default=1024)
    p.add_argument("--encode", action="store_true", default=True)
    p.add_argument("--no-encode", dest="encode", action="store_false")
    p.add_argument("--no-search", dest="search", action="store_false", default=True)
    args = p.parse_args()

    work = tempfile.mkdtemp(prefix="tihua-ab-")
    d = 512
    index = f"{work}/index"
    if args.search:
        data, queries = synthetic(args.n, d, 1000)
        save_npy(f"{work}/v.npy", data)
        save_npy(f"{work}/q.npy", queries)
        save_npy(f"{work}/q1.npy", queries[:200])
        with open(f"{work}/ids.txt", "w") as f:
            f.write("\n".join(f"v{i}" for i in range(args.n)) + "\n")
        log("importing", args.n, "vectors")
        run(args.b, ["import", "vectors", "--index", index, "--collection", "c", "--vectors", f"{work}/v.npy",
                     "--ids", f"{work}/ids.txt", "--json"])
        log("building IVF", args.lists)
        subprocess.run([args.b, "ivf", "build", "--index", index, "--collection", "c", "--lists", str(args.lists)],
                       check=True, capture_output=True)

    cases = {} if not args.search else {
        "exact batch 1000 q/s": ["--exact", "--batch", "1000", "--queries", f"{work}/q.npy"],
        "exact one query q/s": ["--exact", "--batch", "1", "--queries", f"{work}/q1.npy"],
        "ivf32 batch 1000 q/s": ["--nprobe", "32", "--batch", "1000", "--queries", f"{work}/q.npy"],
        "ivf32 one query q/s": ["--nprobe", "32", "--batch", "1", "--queries", f"{work}/q.npy"],
    }
    results = {(name, which): [] for name in cases for which in ("A", "B")}
    for rep in range(args.reps):
        for name, extra in cases.items():
            for which, binary in (("A", args.a), ("B", args.b)) if rep % 2 == 0 else (("B", args.b), ("A", args.a)):
                r = run(binary, ["bench", "search", "--index", index, "--collection", "c", "--k", "10", "--json"] + extra)
                results[(name, which)].append(r["qps"])
        if args.encode:
            for which, binary in (("A", args.a), ("B", args.b)) if rep % 2 == 0 else (("B", args.b), ("A", args.a)):
                r = run(binary, ["bench", "encode", "--images", "8", "--texts", "64", "--skip-open", "--json"])
                for key, name in (("imagesPerSecond", "encode images/s"), ("poemTextsPerSecond", "encode poem texts/s"),
                                  ("keywordTextsPerSecond", "encode keyword texts/s")):
                    results.setdefault((name, which), []).append(r[key])
        log("rep", rep + 1, "done")
    names = list(dict.fromkeys(name for name, _ in results))
    label = f"{args.n} × 512" if args.search else "encode, small options"
    print(f"| {label}, {args.reps} interleaved reps | A best | A median | B best | B median | B/A (median) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in names:
        a, b = results[(name, "A")], results[(name, "B")]
        print(f"| {name} | {fmt(max(a))} | {fmt(statistics.median(a))} | {fmt(max(b))} | {fmt(statistics.median(b))} | "
              f"{statistics.median(b) / statistics.median(a):.2f} |")
        log(name, "A", [round(x, 3) for x in a], "B", [round(x, 3) for x in b])


if __name__ == "__main__":
    main()
