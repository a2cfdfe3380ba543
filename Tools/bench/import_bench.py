#!/usr/bin/env python3
"""Import benchmark: the 311,855 chinese-poetry poems and 1M x 512 float32 vectors.

Runs the release `tihua` binary under /usr/bin/time -v and prints wall time,
throughput and peak RSS. Data: ../shared/data/chinese-poetry (skipped with a note
when absent); the vectors are generated once into --scratch (2 GB, not committed).
"""
import argparse, os, re, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIHUA = os.path.join(ROOT, ".build/release/tihua")


def timed(args):
    """Runs a command under /usr/bin/time -v; returns (wall s, peak RSS MiB, stdout)."""
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{p.stderr}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    return wall, rss, p.stdout.strip()


def make_vectors(path, ids_path, n, dim):
    import numpy as np
    if os.path.exists(path) and os.path.exists(ids_path):
        return
    out = np.lib.format.open_memmap(path + ".tmp", mode="w+", dtype="<f4", shape=(n, dim))
    rng = np.random.default_rng(0)
    for start in range(0, n, 65536):
        end = min(n, start + 65536)
        out[start:end] = rng.standard_normal((end - start, dim), dtype=np.float32)
    out.flush()
    del out
    os.rename(path + ".tmp", path)
    with open(ids_path, "w") as f:
        f.writelines(f"v{i}\n" for i in range(n))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scratch", default="/tmp/tihua-bench")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=512)
    a = ap.parse_args()
    os.makedirs(a.scratch, exist_ok=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "tihua"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    rows = []

    corpus = os.path.join(ROOT, "..", "shared", "data", "chinese-poetry", "quan_tang_shi")
    if os.path.isdir(corpus):
        index = os.path.join(a.scratch, "poems-index")
        shutil.rmtree(index, ignore_errors=True)
        wall, rss, out = timed([TIHUA, "import", "poems", "--index", index, "--skip-invalid", "--json", corpus])
        size = sum(os.path.getsize(os.path.join(corpus, f)) for f in os.listdir(corpus)) / 2**20
        rows.append(("import poems (chinese-poetry, 313 files, %.0f MiB)" % size, wall,
                     "%s; %.0f poems/s" % (out, 311_855 / wall), rss))
    else:
        print(f"note: {corpus} is absent; the poem import is not measured", file=sys.stderr)

    vectors = os.path.join(a.scratch, f"vectors-{a.n}x{a.dim}.npy")
    ids = os.path.join(a.scratch, f"ids-{a.n}.txt")
    make_vectors(vectors, ids, a.n, a.dim)
    index = os.path.join(a.scratch, "vectors-index")
    shutil.rmtree(index, ignore_errors=True)
    subprocess.run(["sync"])
    wall, rss, out = timed([TIHUA, "import", "vectors", "--index", index, "--collection", "v",
                            "--vectors", vectors, "--ids", ids, "--json"])
    mib = os.path.getsize(vectors) / 2**20
    rows.append((f"import vectors ({a.n:,} x {a.dim} float32, {mib:.0f} MiB .npy)", wall,
                 "%s; %.0f MiB/s" % (out, mib / wall), rss))

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"\n{time.strftime('%Y-%m-%d')}, {cpu}, {os.cpu_count()} cores\n")
    print("| job | wall s | result | peak RSS MiB |\n|---|---:|---|---:|")
    for job, wall, result, rss in rows:
        print(f"| {job} | {wall:.2f} | {result} | {rss:.0f} |")


if __name__ == "__main__":
    main()
