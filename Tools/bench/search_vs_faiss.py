#!/usr/bin/env python3
"""Tihua search vs FAISS on the same data, in the same run.

Data and ground truth come from benchdata.py (the generator shared with
kernels_vs_faiss.py: unit vectors of low intrinsic dimension and held-out
queries, exact top-100 by FAISS IndexFlatIP). The script imports the data with `tihua import
vectors`, builds IVF indexes with `tihua ivf build` and FAISS IndexIVFFlat
(inner product), and prints one table with the ratio Tihua/FAISS per row.

Timings alternate Tihua and FAISS and keep the best of --reps runs (the
machine may be shared). Nothing is dropped from the page cache: every
"open + first query" figure is warm-cache.

    python3 Tools/bench/search_vs_faiss.py --n 110000
    python3 Tools/bench/search_vs_faiss.py --n 1000000 --results Tools/bench/RESULTS.md
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import threading
import time

import numpy as np

import faiss

from benchdata import QUIET, TIHUA, dataset, log, machine, quiet_note, recall_at, run, wait_quiet


# ---------------------------------------------------------------- helpers

def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def peak_memory(cmd):
    """Runs cmd, polling /proc for peak RssAnon / RssFile (kB); returns (wall s, anon MiB, file MiB, stdout)."""
    peak = {"RssAnon": 0, "RssFile": 0, "VmHWM": 0}
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = []
    reader = threading.Thread(target=lambda: out.append(p.stdout.read()))
    reader.start()
    while p.poll() is None:
        try:
            with open(f"/proc/{p.pid}/status") as f:
                for line in f:
                    key = line.split(":")[0]
                    if key in peak:
                        peak[key] = max(peak[key], int(line.split()[1]))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
        time.sleep(0.002)
    reader.join()
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {p.stderr.read()}")
    return wall, peak["RssAnon"] / 1024, peak["RssFile"] / 1024, out[0]


class Bench:
    def __init__(self, args, paths, folder):
        self.args = args
        self.paths = paths
        self.tihua = args.tihua
        self.index = os.path.join(folder, "tihua-index")
        self.folder = folder
        self.rows = []   # (label, tihua, faiss, better) ; better: "higher" | "lower"
        self.notes = []

    def t(self, *cmd, env=None):
        return run([self.tihua, *cmd, "--index", self.index], env=env)

    def tb(self, *cmd, env=None):
        """A timed tihua run, started on a quiet machine."""
        wait_quiet()
        return self.t(*cmd, env=env)

    def add(self, label, tihua, faiss_value, better="higher", fmt="{:.1f}"):
        self.rows.append((label, tihua, faiss_value, better, fmt))
        log(f"  {label}: tihua {fmt.format(tihua)}  faiss {fmt.format(faiss_value)}")

    # ------------------------------------------------------------ steps

    def load(self):
        a = self.args
        self.base = np.load(self.paths["base"], mmap_mode="r")
        self.n, self.dim = self.base.shape
        self.queries = np.load(self.paths["queries"])
        self.gt = np.load(self.paths["gt"])
        stats = json_lines(run([self.tihua, "stats", "--json", "--index", self.index])) \
            if os.path.exists(os.path.join(self.index, "data.mdb")) else []
        have = {s["collection"]: s for s in stats}
        if have.get("bench", {}).get("embedded") != self.n:
            if "bench" in have:
                raise SystemExit(f"{self.index} holds a different 'bench' collection; remove the folder")
            log(f"importing {self.n} vectors into {self.index}")
            t = time.perf_counter()
            self.t("import", "vectors", "--collection", "bench", "--vectors", self.paths["base"],
                   "--ids", self.paths["ids"], "--json")
            self.notes.append(f"`tihua import vectors` of {self.n:,} × {self.dim}: {time.perf_counter() - t:.1f} s")
        # Query subsets as files: one query (first-query timing) and the single-query set.
        self.q1 = os.path.join(self.folder, "query1.npy")
        np.save(self.q1, self.queries[:1])
        self.single = os.path.join(self.folder, f"queries{a.single_queries}.npy")
        np.save(self.single, self.queries[:a.single_queries])
        self.xb = None

    def faiss_base(self):
        if self.xb is None:
            self.xb = np.ascontiguousarray(self.base)   # FAISS keeps its own copy in memory
        return self.xb

    def exact(self):
        a = self.args
        flat = faiss.IndexFlatIP(self.dim)
        flat.add(self.faiss_base())
        faiss.write_index(flat, os.path.join(self.folder, "faiss-flat.index"))
        qs = self.queries
        single = self.queries[:a.single_queries]
        best_t = best_f = best_h = 0.0
        best_ts = best_fs = 0.0
        for _ in range(a.reps):
            r = json.loads(self.tb("bench", "search", "--collection", "bench", "--queries", self.paths["queries"],
                                  "--exact", "--batch", str(len(qs)), "--json"))
            best_t = max(best_t, r["qps"])
            # The same with OpenBLAS told to use its AVX2 (Haswell) kernels, as
            # FAISS's bundled OpenBLAS does on this CPU (see RESULTS.md).
            r = json.loads(self.tb("bench", "search", "--collection", "bench", "--queries", self.paths["queries"],
                                   "--exact", "--batch", str(len(qs)), "--json", env={"OPENBLAS_CORETYPE": "Haswell"}))
            best_h = max(best_h, r["qps"])
            flat.search(qs, 10)   # warm-up pass, like tihua bench
            wait_quiet()
            t = time.perf_counter()
            flat.search(qs, 10)
            best_f = max(best_f, len(qs) / (time.perf_counter() - t))
        self.add(f"exact, batch {len(qs)}: qps", best_t, best_f)
        self.add(f"exact, batch {len(qs)}: qps, tihua with OPENBLAS_CORETYPE=Haswell", best_h, best_f)
        for _ in range(a.reps):
            r = json.loads(self.tb("bench", "search", "--collection", "bench", "--queries", self.single,
                                  "--exact", "--json"))
            best_ts = max(best_ts, r["qps"])
            for q in single:
                flat.search(q[None, :], 10)
            wait_quiet()
            t = time.perf_counter()
            for q in single:
                flat.search(q[None, :], 10)
            best_fs = max(best_fs, len(single) / (time.perf_counter() - t))
        self.add(f"exact, one query at a time: qps ({len(single)} queries)", best_ts, best_fs)
        # Correctness against the ground truth, exact vs exact.
        found = [[int(h["id"]) for h in line["results"]] for line in
                 json_lines(self.t("search", "--collection", "bench", "--vectors", self.single, "--exact", "--json"))]
        self.notes.append(f"exact recall@10 of Tihua against the ground truth: {recall_at(found, self.gt):.4f}")

    def ivf(self):
        a = self.args
        best_build = float("inf")
        best_faiss = float("inf")
        for rep in range(a.build_reps):
            wait_quiet()
            t = time.perf_counter()
            out = json.loads(self.t("ivf", "build", "--collection", "bench", "--lists", str(a.lists), "--json"))
            best_build = min(best_build, time.perf_counter() - t)
            quantizer = faiss.IndexFlatIP(self.dim)
            ivf = faiss.IndexIVFFlat(quantizer, self.dim, a.lists, faiss.METRIC_INNER_PRODUCT)
            wait_quiet()
            t = time.perf_counter()
            ivf.train(self.faiss_base())
            ivf.add(self.faiss_base())
            best_faiss = min(best_faiss, time.perf_counter() - t)
        self.notes.append(f"Tihua IVF: {out['iterations']} k-means iterations on {out['trained_on']:,} vectors; "
                          f"list sizes min {out['list_sizes']['min']}, median {out['list_sizes']['median']}, "
                          f"max {out['list_sizes']['max']}. FAISS: {ivf.cp.niter} iterations, "
                          f"{min(self.n, 256 * a.lists):,} training vectors")
        self.add(f"IVF{a.lists} build: seconds (tihua ivf build process / faiss train+add)",
                 best_build, best_faiss, better="lower", fmt="{:.2f}")
        faiss.write_index(ivf, os.path.join(self.folder, "faiss-ivf.index"))
        qs = self.queries
        for nprobe in a.nprobes:
            found = [[int(h["id"]) for h in line["results"]] for line in
                     json_lines(self.t("search", "--collection", "bench", "--vectors", self.paths["queries"],
                                       "--nprobe", str(nprobe), "--json"))]
            ivf.nprobe = nprobe
            _, fi = ivf.search(qs, 10)
            self.add(f"IVF nprobe={nprobe}: recall@10", recall_at(found, self.gt), recall_at(fi.tolist(), self.gt),
                     fmt="{:.4f}")
            bt = bf = 0.0
            b1t = b1f = 0.0
            for _ in range(a.reps):
                r = json.loads(self.tb("bench", "search", "--collection", "bench", "--queries", self.paths["queries"],
                                      "--nprobe", str(nprobe), "--batch", str(len(qs)), "--json"))
                bt = max(bt, r["qps"])
                ivf.search(qs, 10)
                wait_quiet()
                t = time.perf_counter()
                ivf.search(qs, 10)
                bf = max(bf, len(qs) / (time.perf_counter() - t))
                r = json.loads(self.tb("bench", "search", "--collection", "bench", "--queries", self.paths["queries"],
                                      "--nprobe", str(nprobe), "--json"))
                b1t = max(b1t, r["qps"])
                for q in qs:
                    ivf.search(q[None, :], 10)
                wait_quiet()
                t = time.perf_counter()
                for q in qs:
                    ivf.search(q[None, :], 10)
                b1f = max(b1f, len(qs) / (time.perf_counter() - t))
            self.add(f"IVF nprobe={nprobe}: qps, batch {len(qs)}", bt, bf)
            self.add(f"IVF nprobe={nprobe}: qps, one query at a time", b1t, b1f)

    def first_query(self):
        """A fresh process opens the index and answers one query (warm page cache)."""
        a = self.args
        code = ("import sys, time, numpy as np, faiss\n"
                "q = np.load(sys.argv[2]); t = time.perf_counter()\n"
                "idx = faiss.read_index(sys.argv[1])\n"
                "if len(sys.argv) > 3: idx.nprobe = int(sys.argv[3])\n"
                "idx.search(q, 10); print(time.perf_counter() - t)\n")
        for label, tihua_flags, faiss_file, extra in [
                (f"IVF nprobe={a.default_nprobe}", ["--nprobe", str(a.default_nprobe)], "faiss-ivf.index",
                 [str(a.default_nprobe)]),
                ("exact", ["--exact"], "faiss-flat.index", [])]:
            bt = bf = float("inf")
            for _ in range(a.reps):
                wait_quiet()
                t = time.perf_counter()
                self.t("search", "--collection", "bench", "--vectors", self.q1, "--json", *tihua_flags)
                bt = min(bt, time.perf_counter() - t)
                wait_quiet()
                out = run([sys.executable, "-c", code, os.path.join(self.folder, faiss_file), self.q1, *extra])
                bf = min(bf, float(out.strip()))
            self.add(f"open + first query, {label}: seconds (tihua: whole process; faiss: read_index + search)",
                     bt, bf, better="lower", fmt="{:.3f}")

    def memory(self):
        a = self.args
        for label, flags, qfile in [("IVF nprobe=%d, %d queries" % (a.default_nprobe, len(self.queries)),
                                     ["--nprobe", str(a.default_nprobe)], self.paths["queries"]),
                                    ("exact, %d queries" % len(self.queries), ["--exact"], self.paths["queries"])]:
            wall, anon, file, _ = peak_memory([self.tihua, "search", "--index", self.index, "--collection", "bench",
                                               "--vectors", qfile, "--json", *flags])
            self.notes.append(f"`tihua search` {label}: peak RssAnon {anon:.0f} MiB, peak RssFile (mapped "
                              f"page cache) {file:.0f} MiB, {wall:.2f} s")

    # ------------------------------------------------------------ output

    def table(self):
        lines = [f"| {self.n:,} × {self.dim} | Tihua | FAISS | Tihua/FAISS |", "| --- | ---: | ---: | ---: |"]
        for label, t, f, better, fmt in self.rows:
            ratio = t / f if f else float("nan")
            lines.append(f"| {label} | {fmt.format(t)} | {fmt.format(f)} | {ratio:.2f}× |")
        return "\n".join(lines)



def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=110_000, help="database vectors")
    p.add_argument("--dim", type=int, default=512)
    p.add_argument("--latent", type=int, default=64, help="intrinsic dimension of the data")
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--single-queries", type=int, default=None,
                   help="queries for the one-at-a-time exact row (default: 200, or 50 for n ≥ 500k)")
    p.add_argument("--lists", type=int, default=1024)
    p.add_argument("--nprobes", default="1,4,8,16,32,64")
    p.add_argument("--default-nprobe", type=int, default=16, help="nprobe of the first-query and memory rows")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--build-reps", type=int, default=1)
    p.add_argument("--data", default="/tmp/tihua-bench", help="folder for generated data and indexes")
    p.add_argument("--tihua", default=TIHUA)
    p.add_argument("--results", help="append the table to this Markdown file")
    p.add_argument("--skip", default="", help="comma-separated steps to skip: exact,ivf,first,memory")
    a = p.parse_args()
    a.nprobes = [int(x) for x in a.nprobes.split(",")]
    if a.single_queries is None:
        a.single_queries = 50 if a.n >= 500_000 else 200
    paths = dataset(a.tihua, a.data, a.n, a.dim, a.latent, a.queries)
    folder = paths["folder"]
    b = Bench(a, paths, folder)
    b.load()
    skip = set(a.skip.split(","))
    started = time.time()
    if "exact" not in skip:
        log("exact search"); b.exact()
    if "ivf" not in skip:
        log("IVF"); b.ivf()
    if "first" not in skip:
        log("open + first query"); b.first_query()
    if "memory" not in skip:
        log("memory"); b.memory()
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = (f"### {a.n:,} × {a.dim} — {when}\n\n{machine()}; FAISS {faiss.__version__} "
            f"({faiss.omp_get_max_threads()} OpenMP threads); best of {a.reps} alternating runs; "
            f"{len(b.queries)} queries, k = 10; {time.time() - started:.0f} s\n\n{b.table()}\n\n"
            + "".join(f"- {n}\n" for n in b.notes)
            + f"- {quiet_note()}\n")
    print(text)
    if a.results:
        with open(a.results, "a") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
