#!/usr/bin/env python3
"""Tihua's scan kernels (float32, float16, int8) vs FAISS flat indexes, one query at a time.

Data and ground truth: benchdata.py (shared with search_vs_faiss.py): unit
vectors of low intrinsic dimension written by `tihua bench kernels --export`
and held-out queries, as .npy files under --data, reused when present; the
exact top-100 by FAISS IndexFlatIP.

Each repetition runs, in an order that alternates between repetitions:
- one `tihua bench kernels --reps 1` process: the same rows in memory as
  float32, float16 and SQ8 codes (ranges trained on all rows), each query
  searched alone over all rows, split across the cores (the encodings take
  turns inside the process);
- FAISS IndexFlatIP, IndexScalarQuantizer(QT_fp16) and
  IndexScalarQuantizer(QT_8bit) (inner product, trained on all rows, FAISS's
  default thread count), a Python loop of `index.search(q[None], k)` over the
  same queries after a short warm-up (a few µs of Python per call count
  against FAISS);
- with --store, `tihua bench search --exact` on an index of the same rows
  imported three times (`import vectors --dtype float32|float16|int8`): the
  store's scans over the LMDB map, one query at a time and in batches of
  --batch queries (FAISS's flat indexes searched with the same batches);
  recall@k of each stored dtype from `tihua search --exact --json`, and
  --plot draws recall against q/s for every index and mode (matplotlib).
Every timed step starts once the CPUs are ≥ 90 % idle or after waiting 30 s
(the machine may be shared; the count of each is reported). Figures are
medians over --reps; all repetitions are listed.

With --ivf (and --store), each repetition also times IVF with --ivf-lists
lists over the float32 and int8 collections (`tihua ivf build` first) against
FAISS IndexIVFFlat and IndexIVFScalarQuantizer(QT_8bit) with as many lists
(trained on all rows, FAISS's default k-means), at every --nprobes value:
one `tihua bench ivf --reps 1` process per collection (one query a call and
batches of --batch, in one process) and the FAISS index in this process, in
an order that alternates between repetitions; recall@k of both over all the
recall queries. --plot then draws recall against q/s for the flat and IVF
indexes of both libraries, one panel per mode.

Then one `tihua bench kernels` process ranks 1024/2048/4096 centroids (the
first rows of the data) for one query at a time: the SIMD kernel on one and on
two cores vs a one-row sgemm, and FAISS IndexFlatIP over the same centroids
(what FAISS's IVF search does to pick its lists).

    swift build -c release
    python3 Tools/bench/kernels_vs_faiss.py --n 110000 --store --results Tools/bench/RESULTS.md
    python3 Tools/bench/kernels_vs_faiss.py --n 110000 --store --ivf --plot Tools/bench/ivf-110k.png \
        --results Tools/bench/RESULTS.md
    python3 Tools/bench/kernels_vs_faiss.py --n 1000000 --store --results Tools/bench/RESULTS.md
"""
import argparse
import datetime
import json
import os
import statistics
import time

import numpy as np

import faiss

from benchdata import QUIET, TIHUA, dataset, log, machine, quiet_note, recall_at, run, wait_quiet


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=110_000)
    p.add_argument("--dim", type=int, default=512)
    p.add_argument("--latent", type=int, default=48)
    p.add_argument("--queries", type=int, default=None, help="queries timed one at a time (200, or 50 for n ≥ 500k)")
    p.add_argument("--recall-queries", type=int, default=1000, help="queries for recall (the timed ones are the first)")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--lists", default="1024,2048,4096")
    p.add_argument("--ranking-queries", type=int, default=2000)
    p.add_argument("--store", action="store_true", help="also time the store's scans of float32/float16/int8 collections")
    p.add_argument("--batch", type=int, default=1000, help="queries per batch call with --store")
    p.add_argument("--plot", help="with --store: write the recall-vs-q/s PNG here")
    p.add_argument("--ivf", action="store_true",
                   help="with --store: IVF over the float32 and int8 collections vs IndexIVFFlat / IndexIVFScalarQuantizer")
    p.add_argument("--ivf-lists", type=int, default=1024)
    p.add_argument("--nprobes", default="1,2,4,8,16,32,64,128,256")
    p.add_argument("--wait", type=float, default=30.0, help="seconds to wait for a quiet machine before a timed step")
    p.add_argument("--data", default="/tmp/tihua-kernels")
    p.add_argument("--tihua", default=TIHUA)
    p.add_argument("--results", help="append the section to this Markdown file")
    a = p.parse_args()
    if a.ivf and not a.store:
        p.error("--ivf needs --store")
    nprobes = [int(x) for x in a.nprobes.split(",")]
    QUIET["wait"] = a.wait
    if a.queries is None:
        a.queries = 50 if a.n >= 500_000 else 200
    k = a.k
    started = time.time()

    a.recall_queries = max(a.recall_queries, a.queries)
    paths = dataset(a.tihua, a.data, a.n, a.dim, a.latent, a.recall_queries)
    folder = paths["folder"]
    base_path = paths["base"]
    all_queries_path = paths["queries"]
    base = np.load(base_path, mmap_mode="r")
    all_queries = np.load(all_queries_path)
    gt = np.load(paths["gt"])
    queries = all_queries[:a.queries]
    query_path = os.path.join(folder, f"queries{a.queries}.npy")
    np.save(query_path, queries)
    n, d = base.shape
    xb = np.ascontiguousarray(base)

    log("building FAISS indexes")
    flat = faiss.IndexFlatIP(d)
    flat.add(xb)
    faiss_indexes = {"flat": flat}
    build = {}
    for name, qtype in [("fp16", faiss.ScalarQuantizer.QT_fp16), ("sq8", faiss.ScalarQuantizer.QT_8bit)]:
        index = faiss.IndexScalarQuantizer(d, qtype, faiss.METRIC_INNER_PRODUCT)
        t = time.perf_counter()
        index.train(xb)
        index.add(xb)
        build[name] = time.perf_counter() - t
        faiss_indexes[name] = index
    recall = {}
    for name in ("fp16", "sq8"):
        _, ids = faiss_indexes[name].search(all_queries, k)
        recall["faiss " + name] = recall_at(ids.tolist(), gt, k)

    store_index = os.path.join(folder, "tihua-index")
    dtypes = ("float32", "float16", "int8")
    store_collection = {"float32": "bench", "float16": "bench-float16", "int8": "bench-int8"}
    store_bytes = {}
    if a.store:
        present = {json.loads(line)["collection"]: json.loads(line) for line in
                   run([a.tihua, "stats", "--index", store_index, "--json"]).splitlines()} \
            if os.path.exists(os.path.join(store_index, "data.mdb")) else {}
        for dtype in dtypes:
            name = store_collection[dtype]
            if present.get(name, {}).get("embedded") != n:
                log(f"importing into a Tihua index as {dtype}")
                run([a.tihua, "import", "vectors", "--index", store_index, "--collection", name, "--vectors", base_path,
                     "--ids", paths["ids"], "--dtype", dtype, "--json"])
        for line in run([a.tihua, "stats", "--index", store_index, "--json"]).splitlines():
            st = json.loads(line)
            store_bytes[st["collection"]] = st.get("bytes_per_vector")
        batch_queries = all_queries[:a.batch]
        batch_path = os.path.join(folder, f"queries{len(batch_queries)}.npy")
        np.save(batch_path, batch_queries)

    # IVF: the same number of lists on both sides, float32 and int8 lists.
    ivf_dtypes = ("float32", "int8")
    faiss_ivf = {}
    ivf_build = {}
    if a.ivf:
        for dtype in ivf_dtypes:
            log(f"tihua ivf build --lists {a.ivf_lists} of the {dtype} collection")
            t = time.perf_counter()
            out = json.loads(run([a.tihua, "ivf", "build", "--index", store_index, "--collection", store_collection[dtype],
                                  "--lists", str(a.ivf_lists), "--json"]))
            ivf_build["tihua " + dtype] = (time.perf_counter() - t, out)
        log(f"FAISS IndexIVFFlat and IndexIVFScalarQuantizer(QT_8bit), {a.ivf_lists} lists")
        quantizer = faiss.IndexFlatIP(d)
        flat_ivf = faiss.IndexIVFFlat(quantizer, d, a.ivf_lists, faiss.METRIC_INNER_PRODUCT)
        t = time.perf_counter()
        flat_ivf.train(xb)
        flat_ivf.add(xb)
        ivf_build["faiss float32"] = (time.perf_counter() - t, None)
        sq_quantizer = faiss.IndexFlatIP(d)
        sq_ivf = faiss.IndexIVFScalarQuantizer(sq_quantizer, d, a.ivf_lists, faiss.ScalarQuantizer.QT_8bit,
                                               faiss.METRIC_INNER_PRODUCT)
        t = time.perf_counter()
        sq_ivf.train(xb)
        sq_ivf.add(xb)
        ivf_build["faiss int8"] = (time.perf_counter() - t, None)
        faiss_ivf = {"float32": flat_ivf, "int8": sq_ivf}
    del xb

    tihua_qps = {"float32": [], "float16": [], "int8": []}
    faiss_qps = {"flat": [], "fp16": [], "sq8": []}
    store_qps = {dtype: [] for dtype in dtypes}
    store_batch_qps = {dtype: [] for dtype in dtypes}
    faiss_batch_qps = {"flat": [], "fp16": [], "sq8": []}
    ivf_qps = {(side, dtype, mode): {p: [] for p in nprobes} for side in ("tihua", "faiss") for dtype in ivf_dtypes
               for mode in ("one", "batch")}
    ivf_report = {}
    report = None
    kernels = [a.tihua, "bench", "kernels", "--vectors", base_path, "--queries", query_path, "--k", str(k),
               "--reps", "1", "--lists", "", "--json"]

    def tihua_step(rep):
        nonlocal report
        wait_quiet()
        report = json.loads(run(kernels))
        for scan in report["scans"]:
            tihua_qps[scan["encoding"]].append(scan["medianQPS"])

    def faiss_step(rep):
        names = list(faiss_indexes)
        for i in range(len(names)):
            name = names[(rep + i) % len(names)]
            index = faiss_indexes[name]
            for q in queries[:5]:
                index.search(q[None, :], k)
            wait_quiet()
            t = time.perf_counter()
            for q in queries:
                index.search(q[None, :], k)
            faiss_qps[name].append(len(queries) / (time.perf_counter() - t))

    def store_step(rep):
        for i in range(len(dtypes)):
            dtype = dtypes[(rep + i) % len(dtypes)]
            wait_quiet()
            r = json.loads(run([a.tihua, "bench", "search", "--index", store_index, "--collection",
                                store_collection[dtype], "--queries", query_path, "--exact", "--k", str(k), "--json"]))
            store_qps[dtype].append(r["qps"])

    def batch_step(rep):
        for i in range(len(dtypes)):
            dtype = dtypes[(rep + i) % len(dtypes)]
            wait_quiet()
            r = json.loads(run([a.tihua, "bench", "search", "--index", store_index, "--collection",
                                store_collection[dtype], "--queries", batch_path, "--exact", "--k", str(k),
                                "--batch", str(len(batch_queries)), "--json"]))
            store_batch_qps[dtype].append(r["qps"])
        names = list(faiss_indexes)
        for i in range(len(names)):
            name = names[(rep + i) % len(names)]
            wait_quiet()
            t = time.perf_counter()
            faiss_indexes[name].search(batch_queries, k)
            faiss_batch_qps[name].append(len(batch_queries) / (time.perf_counter() - t))

    def ivf_step(rep):
        # Tihua float32, FAISS float32, Tihua int8, FAISS int8; the order alternates with rep.
        sides = [(side, dtype) for dtype in ivf_dtypes for side in ("tihua", "faiss")]
        for side, dtype in (sides if rep % 2 == 0 else list(reversed(sides))):
            wait_quiet()
            if side == "tihua":
                r = json.loads(run([a.tihua, "bench", "ivf", "--index", store_index, "--collection",
                                    store_collection[dtype], "--queries", batch_path, "--nprobes", a.nprobes,
                                    "--k", str(k), "--batch", str(len(batch_queries)), "--reps", "1", "--json"]))
                ivf_report[dtype] = r
                for point in r["points"]:
                    ivf_qps[("tihua", dtype, "one")][point["nprobe"]].append(point["medianOneQPS"])
                    ivf_qps[("tihua", dtype, "batch")][point["nprobe"]].append(point["medianBatchQPS"])
                continue
            index = faiss_ivf[dtype]
            for i in range(len(nprobes)):
                nprobe = nprobes[(rep + i) % len(nprobes)]
                index.nprobe = nprobe
                for q in batch_queries[:20]:
                    index.search(q[None, :], k)
                t = time.perf_counter()
                for q in batch_queries:
                    index.search(q[None, :], k)
                ivf_qps[("faiss", dtype, "one")][nprobe].append(len(batch_queries) / (time.perf_counter() - t))
                t = time.perf_counter()
                index.search(batch_queries, k)
                ivf_qps[("faiss", dtype, "batch")][nprobe].append(len(batch_queries) / (time.perf_counter() - t))

    steps = [tihua_step, faiss_step] + ([store_step, batch_step] if a.store else []) + ([ivf_step] if a.ivf else [])
    for rep in range(a.reps):
        log(f"repetition {rep + 1} of {a.reps}")
        order = steps if rep % 2 == 0 else list(reversed(steps))
        for step in order:
            step(rep)
    log(f"recall over {len(all_queries)} queries")
    found = json.loads(run([a.tihua, "bench", "kernels", "--vectors", base_path, "--queries", all_queries_path,
                            "--k", str(k), "--reps", "1", "--lists", "", "--include-rows", "--json"]))
    tihua_rows = {scan["encoding"]: scan["rows"] for scan in found["scans"]}
    for encoding, rows in tihua_rows.items():
        recall["tihua " + encoding] = recall_at(rows, gt, k)
    recall["tihua float16 vs tihua float32"] = recall_at(tihua_rows["float16"], np.array(tihua_rows["float32"]), k)
    if a.store:
        for dtype in dtypes:
            out = run([a.tihua, "search", "--index", store_index, "--collection", store_collection[dtype],
                       "--vectors", all_queries_path, "--exact", "--k", str(k), "--json"])
            rows = [[int(h["id"]) for h in json.loads(line)["results"]] for line in out.splitlines()]
            recall["store " + dtype] = recall_at(rows, gt, k)

    ivf_recall = {}
    if a.ivf:
        for dtype in ivf_dtypes:
            r = json.loads(run([a.tihua, "bench", "ivf", "--index", store_index, "--collection", store_collection[dtype],
                                "--queries", query_path, "--recall-queries", all_queries_path, "--nprobes", a.nprobes,
                                "--k", str(k), "--batch", "0", "--reps", "1", "--json"]))
            for point in r["points"]:
                ivf_recall[("tihua", dtype, point["nprobe"])] = recall_at([[int(x) for x in ids] for ids in point["ids"]],
                                                                          gt, k)
            for nprobe in nprobes:
                faiss_ivf[dtype].nprobe = nprobe
                _, ids = faiss_ivf[dtype].search(all_queries, k)
                ivf_recall[("faiss", dtype, nprobe)] = recall_at(ids.tolist(), gt, k)

    # Centroid ranking.
    lists = [int(x) for x in a.lists.split(",") if x]
    ranking = None
    faiss_rank = {}
    if lists:
        log("centroid ranking")
        wait_quiet()
        ranking = json.loads(run([a.tihua, "bench", "kernels", "--vectors", base_path, "--queries", query_path,
                                  "--reps", str(a.reps), "--lists", a.lists, "--ranking-queries",
                                  str(a.ranking_queries), "--skip-scans", "--json"]))
        for L in lists:
            quantizer = faiss.IndexFlatIP(d)
            quantizer.add(np.ascontiguousarray(base[:L]))
            times = []
            qs = [queries[i % len(queries)][None, :] for i in range(a.ranking_queries)]
            for q in qs[:50]:
                quantizer.search(q, 64)
            for _ in range(a.reps):
                wait_quiet()
                t = time.perf_counter()
                for q in qs:
                    quantizer.search(q, 64)
                times.append((time.perf_counter() - t) * 1e6 / len(qs))
            faiss_rank[L] = times

    med = statistics.median
    t32, t16, t8 = (med(tihua_qps[e]) for e in ("float32", "float16", "int8"))
    fflat, f16, f8 = (med(faiss_qps[e]) for e in ("flat", "fp16", "sq8"))
    lines = [f"| {n:,} × {d}, one query at a time | Tihua q/s | FAISS q/s | Tihua/FAISS | target |",
             "| --- | ---: | ---: | ---: | --- |",
             f"| float32 vs IndexFlatIP | {t32:.1f} | {fflat:.1f} | {t32 / fflat:.2f}× | — |",
             f"| float16 vs IndexScalarQuantizer(QT_fp16) | {t16:.1f} | {f16:.1f} | {t16 / f16:.2f}× | ≥ 1.5× |",
             f"| float16 vs IndexFlatIP | {t16:.1f} | {fflat:.1f} | {t16 / fflat:.2f}× | ≥ 2.5× |",
             f"| int8 vs IndexScalarQuantizer(QT_8bit) | {t8:.1f} | {f8:.1f} | {t8 / f8:.2f}× | ≥ 1.5× |"]
    peer = {"float32": ("IndexFlatIP", fflat), "float16": ("IndexScalarQuantizer(QT_fp16)", f16),
            "int8": ("IndexScalarQuantizer(QT_8bit)", f8)}
    if a.store:
        target = {"float32": "—", "float16": "≥ 1.5× (and ≥ 2.5× IndexFlatIP)", "int8": "≥ 1.5×"}
        for dtype in dtypes:
            pname, pq = peer[dtype]
            lines.append(f"| store {dtype} collection (`bench search --exact`) vs {pname} | "
                         f"{med(store_qps[dtype]):.1f} | {pq:.1f} | {med(store_qps[dtype]) / pq:.2f}× | {target[dtype]} |")
        lines.append(f"| store float16 collection vs IndexFlatIP | {med(store_qps['float16']):.1f} | {fflat:.1f} | "
                     f"{med(store_qps['float16']) / fflat:.2f}× | ≥ 2.5× |")
        fb = {"float32": "flat", "float16": "fp16", "int8": "sq8"}
        lines += ["", f"| {n:,} × {d}, batches of {len(batch_queries)} | Tihua store q/s | FAISS q/s | Tihua/FAISS | target |",
                  "| --- | ---: | ---: | ---: | --- |"]
        for dtype in dtypes:
            pname = peer[dtype][0]
            tq, fq = med(store_batch_qps[dtype]), med(faiss_batch_qps[fb[dtype]])
            lines.append(f"| {dtype} vs {pname} | {tq:.1f} | {fq:.1f} | {tq / fq:.2f}× | "
                         f"{'≥ 1.0×' if dtype == 'float32' else '—'} |")
        lines += ["", f"| stored collection | bytes/vector | × float32 | target |", "| --- | ---: | ---: | --- |"]
        for dtype in dtypes:
            bpv = store_bytes.get(store_collection[dtype]) or 0
            lines.append(f"| {dtype} | {bpv} | {bpv / (4 * d):.2f}× | "
                         f"{ {'float32': '—', 'float16': '≤ 0.55×', 'int8': '≤ 0.30×'}[dtype] } |")
    lines += ["", f"| recall@{k} vs exact float32, {len(all_queries)} queries | Tihua | FAISS | difference | target |", "| --- | ---: | ---: | ---: | --- |",
              f"| float16 | {recall['tihua float16']:.4f} | {recall['faiss fp16']:.4f} | "
              f"{recall['tihua float16'] - recall['faiss fp16']:+.4f} | ≥ 0.999 |",
              f"| int8 | {recall['tihua int8']:.4f} | {recall['faiss sq8']:.4f} | "
              f"{recall['tihua int8'] - recall['faiss sq8']:+.4f} | within 0.005 |",
              f"| float32 | {recall['tihua float32']:.4f} | 1 (it is the ground truth) | | |"]
    if a.store:
        lines += [f"| store float16 collection | {recall['store float16']:.4f} | {recall['faiss fp16']:.4f} | "
                  f"{recall['store float16'] - recall['faiss fp16']:+.4f} | ≥ 0.999 |",
                  f"| store int8 collection | {recall['store int8']:.4f} | {recall['faiss sq8']:.4f} | "
                  f"{recall['store int8'] - recall['faiss sq8']:+.4f} | within 0.005 |",
                  f"| store float32 collection | {recall['store float32']:.4f} | | | |"]
    if ranking:
        lines += ["", "| rank L centroids, keep 64, µs per query | SIMD, 1 core | SIMD, 2 cores | 1-row sgemm | "
                  "FAISS IndexFlatIP | sgemm / SIMD |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for r in ranking["rankings"]:
            L = r["lists"]
            lines.append(f"| {L} | {r['medianSIMD']:.1f} | {r['medianSIMDTwoCores']:.1f} | {r['medianSGEMM']:.1f} | "
                         f"{med(faiss_rank[L]):.1f} | {r['medianSGEMM'] / r['medianSIMD']:.2f}× |")
    if a.ivf:
        peer = {"float32": "IndexIVFFlat", "int8": "IndexIVFScalarQuantizer(QT_8bit)"}
        for dtype in ivf_dtypes:
            lines += ["", f"| IVF{a.ivf_lists} {dtype} vs {peer[dtype]}, nprobe | recall@{k} Tihua | FAISS | "
                      f"one query: Tihua q/s | FAISS q/s | Tihua/FAISS | batch of {len(batch_queries)}: Tihua q/s | "
                      f"FAISS q/s | Tihua/FAISS |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
            for nprobe in nprobes:
                t1, f1 = med(ivf_qps[("tihua", dtype, "one")][nprobe]), med(ivf_qps[("faiss", dtype, "one")][nprobe])
                tb, fb_ = med(ivf_qps[("tihua", dtype, "batch")][nprobe]), med(ivf_qps[("faiss", dtype, "batch")][nprobe])
                lines.append(f"| {nprobe} | {ivf_recall[('tihua', dtype, nprobe)]:.4f} | "
                             f"{ivf_recall[('faiss', dtype, nprobe)]:.4f} | {t1:.1f} | {f1:.1f} | {t1 / f1:.2f}× | "
                             f"{tb:.1f} | {fb_:.1f} | {tb / fb_:.2f}× |")

    def listing(values, fmt="{:.1f}"):
        return ", ".join(fmt.format(v) for v in values)

    notes = [f"Tihua kernels: {report['isa']}; float16 encode {report['float16EncodeSeconds']:.3f} s, SQ8 train "
             f"{report['sq8TrainSeconds']:.3f} s + encode {report['sq8EncodeSeconds']:.3f} s (both cores); FAISS "
             f"train+add fp16 {build['fp16']:.2f} s, sq8 {build['sq8']:.2f} s",
             "per repetition, q/s: " + "; ".join(
                 [f"tihua {e} {listing(v)}" for e, v in tihua_qps.items()]
                 + [f"faiss {e} {listing(v)}" for e, v in faiss_qps.items()]
                 + ([f"store {e} {listing(v)}" for e, v in store_qps.items()] if a.store else [])
                 + ([f"store {e} batch {listing(v)}" for e, v in store_batch_qps.items()] if a.store else [])
                 + ([f"faiss {e} batch {listing(v)}" for e, v in faiss_batch_qps.items()] if a.store else [])),
             f"Tihua float16 recall@10 against Tihua float32 (same kernels): "
             f"{recall['tihua float16 vs tihua float32']:.4f}",
             f"Tihua scan bandwidth at the median: " + ", ".join(
                 f"{s['encoding']} {s['bytesPerVector'] * n * med(tihua_qps[s['encoding']]) / 1e9:.1f} GB/s"
                 for s in report["scans"])]
    if ranking:
        notes.append("ranking per repetition, µs: " + "; ".join(
            f"L={r['lists']}: SIMD {listing(r['simdMicroseconds'])} / 2 cores {listing(r['simdTwoCoresMicroseconds'])} "
            f"/ sgemm {listing(r['sgemmMicroseconds'])} / FAISS {listing(faiss_rank[r['lists']])}"
            for r in ranking["rankings"]))
    if a.ivf:
        for dtype in ivf_dtypes:
            seconds, out = ivf_build["tihua " + dtype]
            sizes = out["list_sizes"]
            notes.append(f"IVF{a.ivf_lists} {dtype}: `tihua ivf build` {seconds:.1f} s ({out['iterations']} k-means "
                         f"iterations on {out['trained_on']:,} vectors; list sizes min {sizes['min']}, median "
                         f"{sizes['median']}, max {sizes['max']}); FAISS train+add {ivf_build['faiss ' + dtype][0]:.1f} s "
                         f"({faiss_ivf[dtype].cp.niter} iterations)")
        notes.append("IVF one query at a time and batches, q/s per repetition: " + "; ".join(
            f"{side} {dtype} {mode} nprobe {p}: {listing(ivf_qps[(side, dtype, mode)][p])}"
            for dtype in ivf_dtypes for mode in ("one", "batch") for p in nprobes for side in ("tihua", "faiss")))
    notes.append(quiet_note())
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = (f"#### {n:,} × {d} (intrinsic dimension {a.latent}) — {when}\n\n{machine()}; FAISS {faiss.__version__} "
            f"({faiss.omp_get_max_threads()} OpenMP threads); {len(queries)} queries timed, k = {k}; median of {a.reps} "
            f"interleaved repetitions; {time.time() - started:.0f} s\n\n" + "\n".join(lines) + "\n\n"
            + "".join(f"- {x}\n" for x in notes))
    print(text)
    if a.results:
        with open(a.results, "a") as f:
            f.write(text + "\n")
    if a.store and a.plot and a.ivf:
        panels = []
        for mode, title in (("one", "one query at a time"), ("batch", f"batches of {len(batch_queries)}")):
            store = store_qps if mode == "one" else store_batch_qps
            fl = {"flat": fflat, "fp16": f16, "sq8": f8} if mode == "one" else {x: med(faiss_batch_qps[x]) for x in faiss_batch_qps}
            series = [("Tihua flat", [(recall["store " + e], med(store[e]), e) for e in dtypes], "o-"),
                      ("FAISS flat/SQ", [(1.0, fl["flat"], "flat"), (recall["faiss fp16"], fl["fp16"], "fp16"),
                                         (recall["faiss sq8"], fl["sq8"], "sq8")], "o--")]
            for dtype in ivf_dtypes:
                for side, style in (("tihua", "-"), ("faiss", "--")):
                    label = f"{'Tihua' if side == 'tihua' else 'FAISS'} IVF{a.ivf_lists} {dtype}"
                    series.append((label, [(ivf_recall[(side, dtype, p)], med(ivf_qps[(side, dtype, mode)][p]),
                                            str(p) if p in (1, 16, 256) else "") for p in nprobes],
                                   ("s" if dtype == "float32" else "^") + style))
            panels.append((f"{n:,} × {d}, {title}", series))
        plot_panels(a.plot, panels, f"recall@{k} against exact float32; IVF points: nprobe " + ",".join(map(str, nprobes)))
    elif a.store and a.plot:
        plot(a.plot, f"{n:,} × {d}, exact search (recall@{k} against float32 exact)", [
            ("Tihua store, one query", [(recall["store " + e], med(store_qps[e]), e) for e in dtypes], "o-"),
            ("Tihua store, batch", [(recall["store " + e], med(store_batch_qps[e]), e) for e in dtypes], "s-"),
            ("FAISS flat/SQ, one query", [(1.0, fflat, "flat"), (recall["faiss fp16"], f16, "fp16"),
                                          (recall["faiss sq8"], f8, "sq8")], "o--"),
            ("FAISS flat/SQ, batch", [(1.0, med(faiss_batch_qps["flat"]), "flat"),
                                      (recall["faiss fp16"], med(faiss_batch_qps["fp16"]), "fp16"),
                                      (recall["faiss sq8"], med(faiss_batch_qps["sq8"]), "sq8")], "s--")])


def plot(path, title, series):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for label, points, style in series:
        ax.plot([p[1] for p in points], [p[0] for p in points], style, label=label)
        for r, q, name in points:
            ax.annotate(name, (q, r), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("queries / s (log)")
    ax.set_ylabel("recall@10")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def plot_panels(path, panels, caption):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(panels), figsize=(7.5 * len(panels), 6), sharey=True)
    for ax, (title, series) in zip(axes, panels):
        for label, points, style in series:
            ax.plot([p[1] for p in points], [p[0] for p in points], style, label=label, markersize=4)
            for r, q, name in points:
                if name:
                    ax.annotate(name, (q, r), textcoords="offset points", xytext=(4, 4), fontsize=7)
        ax.set_xscale("log")
        ax.set_xlabel("queries / s (log)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("recall@10")
    axes[0].legend(loc="lower left", fontsize=8)
    fig.suptitle(caption, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
