"""Shared by the FAISS comparison scripts: the one data generator, ground
truth, and the helpers that time steps on a shared machine.

Data: `tihua bench kernels --export` writes unit vectors of low intrinsic
dimension (TihuaBench's SyntheticEmbeddings: a latent of `latent` dims with
spectrum 1/sqrt(i), mapped to `dim` by a fixed random matrix, plus noise) and
held-out queries as .npy files; they are reused when present. Rows and
queries come from separate seeds, so the queries do not depend on the number
of rows and the first of a larger set are the same. Ground truth: the exact
top-100 of every query by FAISS IndexFlatIP.
"""
import os
import platform
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIHUA = os.path.join(ROOT, ".build/release/tihua")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def run(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
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


QUIET = {"quiet": 0, "busy": 0, "wait": 30.0}


def wait_quiet():
    """Waits (at most QUIET["wait"] s) until other processes leave the CPUs ≥ 90 % idle:
    the machine may be shared, and a busy core halves a 2-thread search."""
    deadline = time.time() + QUIET["wait"]
    while time.time() < deadline:
        if cpu_idle() >= 0.9:
            QUIET["quiet"] += 1
            return
    QUIET["busy"] += 1


def quiet_note():
    return (f"{QUIET['quiet']} timed steps started on a quiet machine (≥ 90 % idle), {QUIET['busy']} on a busy one "
            f"after waiting {QUIET['wait']:.0f} s")


def recall_at(found, gt, k=10):
    """Mean fraction of the true top-k among the returned top-k."""
    return sum(len(set(list(f)[:k]) & set(gt[q, :k].tolist())) for q, f in enumerate(found)) / (len(found) * k)


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}"


def dataset(tihua, root, n, dim, latent, queries):
    """Paths of base.npy (n × dim), ids.txt (row numbers), queries.npy (queries × dim) and gt.npy (the
    exact top-100 rows of every query), generated under `root` unless present."""
    folder = os.path.join(root, f"n{n}-d{dim}-l{latent}")
    qfolder = os.path.join(root, f"queries{queries}-d{dim}-l{latent}")
    paths = {"folder": folder, "base": os.path.join(folder, "base.npy"), "ids": os.path.join(folder, "ids.txt"),
             "queries": os.path.join(qfolder, "queries.npy"), "gt": os.path.join(folder, f"gt{queries}.npy")}
    if not os.path.exists(paths["base"]):
        log(f"generating {n} × {dim} (latent {latent}) in {folder}")
        run([tihua, "bench", "kernels", "--n", str(n), "--dim", str(dim), "--latent", str(latent),
             "--query-count", "1", "--export", folder])
        os.remove(os.path.join(folder, "queries.npy"))
    if not os.path.exists(paths["queries"]):
        run([tihua, "bench", "kernels", "--n", "1", "--dim", str(dim), "--latent", str(latent),
             "--query-count", str(queries), "--export", qfolder])
        os.remove(os.path.join(qfolder, "base.npy"))
    if not os.path.exists(paths["ids"]):
        with open(paths["ids"], "w") as f:
            f.write("\n".join(str(i) for i in range(n)) + "\n")
    if not os.path.exists(paths["gt"]):
        import faiss
        log("exact ground truth (FAISS IndexFlatIP)")
        flat = faiss.IndexFlatIP(dim)
        flat.add(np.ascontiguousarray(np.load(paths["base"], mmap_mode="r")))
        _, gt = flat.search(np.load(paths["queries"]), 100)
        np.save(paths["gt"], gt.astype(np.int64))
    return paths
