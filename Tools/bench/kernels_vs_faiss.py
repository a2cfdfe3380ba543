#!/usr/bin/env python3
"""Tihua's scan kernels (float32, float16, int8) vs FAISS flat indexes, one query at a time.

Data: `tihua bench kernels --export` writes unit vectors of low intrinsic
dimension (TihuaBench's SyntheticEmbeddings: a latent of --latent dims with
spectrum 1/sqrt(i), mapped to --dim by a fixed random matrix, plus noise) and
held-out queries as .npy files under --data; they are reused when present.
Ground truth: FAISS IndexFlatIP.

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

Then one `tihua bench kernels` process ranks 1024/2048/4096 centroids (the
first rows of the data) for one query at a time: the SIMD kernel on one and on
two cores vs a one-row sgemm, and FAISS IndexFlatIP over the same centroids
(what FAISS's IVF search does to pick its lists).

    swift build -c release
    python3 Tools/bench/kernels_vs_faiss.py --n 110000 --store --results Tools/bench/RESULTS.md
    python3 Tools/bench/kernels_vs_faiss.py --n 1000000 --store --results Tools/bench/RESULTS.md
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

import faiss

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout


def cpu_idle(seconds=0.3):
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)
    a = snap()
    time.sleep(seconds)
    b = snap()
    return (b[0] - a[0]) / max(1, b[1] - a[1])


QUIET = {"quiet": 0, "busy": 0}


WAIT = [30.0]


def wait_quiet():
    deadline = time.time() + WAIT[0]
    while time.time() < deadline:
        if cpu_idle() >= 0.9:
            QUIET["quiet"] += 1
            return
    QUIET["busy"] += 1


def recall_at(found, gt, k):
    return sum(len(set(list(f)[:k]) & set(gt[q, :k].tolist())) for q, f in enumerate(found)) / (len(found) * k)


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}"


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
    p.add_argument("--wait", type=float, default=30.0, help="seconds to wait for a quiet machine before a timed step")
    p.add_argument("--data", default="/tmp/tihua-kernels")
    p.add_argument("--tihua", default=os.path.join(ROOT, ".build/release/tihua"))
    p.add_argument("--results", help="append the section to this Markdown file")
    a = p.parse_args()
    WAIT[0] = a.wait
    if a.queries is None:
        a.queries = 50 if a.n >= 500_000 else 200
    k = a.k
    started = time.time()

    # Rows and queries are generated from separate seeds: the queries do not
    # depend on the number of rows, and the first of a larger set are the same.
    a.recall_queries = max(a.recall_queries, a.queries)
    folder = os.path.join(a.data, f"n{a.n}-d{a.dim}-l{a.latent}")
    qfolder = os.path.join(a.data, f"queries{a.recall_queries}-d{a.dim}-l{a.latent}")
    base_path = os.path.join(folder, "base.npy")
    all_queries_path = os.path.join(qfolder, "queries.npy")
    if not os.path.exists(base_path):
        log(f"generating {a.n} × {a.dim} in {folder}")
        run([a.tihua, "bench", "kernels", "--n", str(a.n), "--dim", str(a.dim), "--latent", str(a.latent),
             "--query-count", "1", "--export", folder])
    if not os.path.exists(all_queries_path):
        run([a.tihua, "bench", "kernels", "--n", "1", "--dim", str(a.dim), "--latent", str(a.latent),
             "--query-count", str(a.recall_queries), "--export", qfolder])
    base = np.load(base_path, mmap_mode="r")
    all_queries = np.load(all_queries_path)
    queries = all_queries[:a.queries]
    query_path = os.path.join(folder, f"queries{a.queries}.npy")
    np.save(query_path, queries)
    n, d = base.shape
    xb = np.ascontiguousarray(base)

    log("building FAISS indexes")
    flat = faiss.IndexFlatIP(d)
    flat.add(xb)
    _, gt = flat.search(all_queries, 100)
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
    del xb

    store_index = os.path.join(folder, "tihua-index")
    dtypes = ("float32", "float16", "int8")
    store_collection = {"float32": "bench", "float16": "bench-float16", "int8": "bench-int8"}
    store_bytes = {}
    if a.store:
        if not os.path.exists(os.path.join(folder, "ids.txt")):
            with open(os.path.join(folder, "ids.txt"), "w") as f:
                f.write("\n".join(str(i) for i in range(n)) + "\n")
        present = {json.loads(line)["collection"]: json.loads(line) for line in
                   run([a.tihua, "stats", "--index", store_index, "--json"]).splitlines()} \
            if os.path.exists(os.path.join(store_index, "data.mdb")) else {}
        for dtype in dtypes:
            name = store_collection[dtype]
            if present.get(name, {}).get("embedded") != n:
                log(f"importing into a Tihua index as {dtype}")
                run([a.tihua, "import", "vectors", "--index", store_index, "--collection", name, "--vectors", base_path,
                     "--ids", os.path.join(folder, "ids.txt"), "--dtype", dtype, "--json"])
        for line in run([a.tihua, "stats", "--index", store_index, "--json"]).splitlines():
            st = json.loads(line)
            store_bytes[st["collection"]] = st.get("bytes_per_vector")
        batch_queries = all_queries[:a.batch]
        batch_path = os.path.join(folder, f"queries{len(batch_queries)}.npy")
        np.save(batch_path, batch_queries)

    tihua_qps = {"float32": [], "float16": [], "int8": []}
    faiss_qps = {"flat": [], "fp16": [], "sq8": []}
    store_qps = {dtype: [] for dtype in dtypes}
    store_batch_qps = {dtype: [] for dtype in dtypes}
    faiss_batch_qps = {"flat": [], "fp16": [], "sq8": []}
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

    steps = [tihua_step, faiss_step] + ([store_step, batch_step] if a.store else [])
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
    notes.append(f"{QUIET['quiet']} timed steps started on a quiet machine (≥ 90 % idle), {QUIET['busy']} on a busy one "
                 f"after waiting {WAIT[0]:.0f} s")
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = (f"#### {n:,} × {d} (intrinsic dimension {a.latent}) — {when}\n\n{machine()}; FAISS {faiss.__version__} "
            f"({faiss.omp_get_max_threads()} OpenMP threads); {len(queries)} queries timed, k = {k}; median of {a.reps} "
            f"interleaved repetitions; {time.time() - started:.0f} s\n\n" + "\n".join(lines) + "\n\n"
            + "".join(f"- {x}\n" for x in notes))
    print(text)
    if a.results:
        with open(a.results, "a") as f:
            f.write(text + "\n")
    if a.store and a.plot:
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


if __name__ == "__main__":
    main()
