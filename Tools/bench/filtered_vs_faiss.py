#!/usr/bin/env python3
"""Filtered exact search: Tihua against FAISS IndexFlatIP + IDSelectorBatch, same data.

Runs `tihua bench poetry --corpus CORPUS --export DIR --json` (release build), which imports
the corpus, attaches synthetic 512-d vectors, times `--contains` phrases and Tihua's filtered
exact top-10 at 50 %, 5 % and 0.1 % of the rows (interleaved with the unfiltered search), and
writes the vectors, queries, allowed rows and Tihua's answers to DIR. Then FAISS searches the
same vectors with the same allowed rows, one query per call as Tihua was timed, interleaved
with its unfiltered search; answers are compared with Tihua's.

    python3 Tools/bench/filtered_vs_faiss.py --corpus ../shared/data/chinese-poetry/quan_tang_shi
"""
import argparse, json, os, subprocess, sys, time

import numpy as np
import faiss

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIHUA = os.environ.get("TIHUA", os.path.join(ROOT, ".build/release/tihua"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "../shared/data/chinese-poetry/quan_tang_shi"))
    ap.add_argument("--export", default="/tmp/tihua-filtered-export")
    ap.add_argument("--reuse", action="store_true", help="use an existing export instead of running tihua")
    a = ap.parse_args()
    if not a.reuse:
        p = subprocess.run([TIHUA, "bench", "poetry", "--corpus", a.corpus, "--export", a.export, "--queries", "100",
                            "--json"], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(p.stderr)
        print("tihua:", p.stdout.strip())
    meta = json.load(open(os.path.join(a.export, "export.json")))
    d, n, k = meta["dimension"], meta["rows"], meta["k"]
    xb = np.fromfile(os.path.join(a.export, "vectors.f32"), dtype="<f4").reshape(n, d)
    xq = np.fromfile(os.path.join(a.export, "queries.f32"), dtype="<f4").reshape(-1, d)
    index = faiss.IndexFlatIP(d)
    index.add(xb)
    print(f"faiss {faiss.__version__}, {faiss.omp_get_max_threads()} threads, {n} x {d}, {len(xq)} queries, k {k}")
    print("| selectivity | allowed rows | Tihua filtered p50 | Tihua unfiltered p50 | FAISS IDSelectorBatch p50 | FAISS IDSelectorBitmap p50 | FAISS unfiltered p50 | same answers as FAISS |")
    print("|---|---|---|---|---|---|---|---|")
    for f in meta["filters"]:
        allowed = np.fromfile(os.path.join(a.export, f["rows"]), dtype="<i8")
        tihua = np.fromfile(os.path.join(a.export, f["answers"]), dtype="<i8").reshape(-1, k)
        batch = faiss.IDSelectorBatch(allowed)
        bits = np.zeros((n + 7) // 8, dtype=np.uint8)
        np.bitwise_or.at(bits, allowed >> 3, (1 << (allowed & 7)).astype(np.uint8))
        bitmap = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bits))
        params = {"batch": faiss.SearchParameters(sel=batch), "bitmap": faiss.SearchParameters(sel=bitmap)}
        times = {"batch": [], "bitmap": [], "plain": []}
        same = 0
        for i in range(len(xq)):
            q = xq[i:i + 1]
            t = time.perf_counter(); _, ids = index.search(q, k, params=params["batch"]); times["batch"].append(time.perf_counter() - t)
            t = time.perf_counter(); _, ids2 = index.search(q, k, params=params["bitmap"]); times["bitmap"].append(time.perf_counter() - t)
            t = time.perf_counter(); index.search(q, k); times["plain"].append(time.perf_counter() - t)
            assert (ids == ids2).all()
            if (ids[0] == tihua[i]).all():
                same += 1
            else:
                # Float rounding may order near-equal scores differently: compare the scores.
                s_f = xb[ids[0][ids[0] >= 0]] @ q[0]
                s_t = xb[tihua[i][tihua[i] >= 0]] @ q[0]
                if len(s_f) == len(s_t) and np.allclose(np.sort(s_f), np.sort(s_t), atol=1e-6):
                    same += 1
        p50 = lambda xs: f"{1000 * float(np.percentile(xs, 50, method='inverted_cdf')):.2f} ms"
        print(f"| {100 * f['selectivity']:g} % | {f['allowed']:,} | {f['tihua_p50_ms']:.2f} ms | {f['tihua_unfiltered_p50_ms']:.2f} ms "
              f"| {p50(times['batch'])} | {p50(times['bitmap'])} | {p50(times['plain'])} | {same}/{len(xq)} |")


if __name__ == "__main__":
    main()
