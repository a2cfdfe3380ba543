#!/usr/bin/env python3
"""The Python baseline of the keyword prefix: Image2Poem keeps a dict of 6,808
keyword -> 512-dim vector and loops over it computing one cosine similarity at
a time, then sorts. This replays that loop with numpy (torch is not installed
here; numpy's per-call overhead is lower than torch's, so this flatters the
baseline) and, for reference, the vectorised numpy form, on random vectors.
Prints p50/p99 in ms over --queries queries."""
import argparse, time
import numpy as np

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("--keywords", type=int, default=6808)
ap.add_argument("--dim", type=int, default=512)
ap.add_argument("--queries", type=int, default=50)
a = ap.parse_args()
rng = np.random.default_rng(0)
vectors = {f"kw{i}": v for i, v in enumerate(rng.standard_normal((a.keywords, a.dim), dtype=np.float32))}
matrix = np.stack(list(vectors.values()))
names = list(vectors)
queries = rng.standard_normal((a.queries, a.dim), dtype=np.float32)


def loop(q):  # the seed's shape: one similarity per keyword in Python
    scores = {k: float(np.dot(q, v) / (np.linalg.norm(q) * np.linalg.norm(v))) for k, v in vectors.items()}
    return sorted(scores.items(), key=lambda kv: -kv[1])[:8]


def vectorised(q):
    s = matrix @ q / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(q))
    top = np.argpartition(-s, 8)[:8]
    return [names[i] for i in top[np.argsort(-s[top])]]


for name, f in [("python loop (Image2Poem)", loop), ("numpy vectorised", vectorised)]:
    f(queries[0])
    times = []
    for q in queries:
        t = time.perf_counter(); f(q); times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    print(f"{name}: p50 {times[len(times) // 2]:.3f} ms, p99 {times[min(len(times) - 1, len(times) * 99 // 100)]:.3f} ms")
