#!/usr/bin/env python3
"""Poem import A/B: this build against a peer `tihua` binary (e.g. main's release build, which
imports without script normalisation, duplicate merging or the phrase index), interleaved:
peer, this, peer, this, … on the same corpus, each into a fresh index. Prints wall time, CPU time
(user + system), peak RSS, the import summary and the index size of each run.

    python3 Tools/bench/import_ab.py --peer /path/to/main/.build/release/tihua --reps 3
"""
import argparse, os, re, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIHUA = os.environ.get("TIHUA", os.path.join(ROOT, ".build/release/tihua"))


def run(binary, corpus, index):
    shutil.rmtree(index, ignore_errors=True)
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v", binary, "import", "poems", "--index", index, "--skip-invalid", "--json", corpus],
                       capture_output=True, text=True)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"{binary} failed:\n{p.stderr[-2000:]}")
    field = lambda name: float(re.search(name + r": ([\d.]+)", p.stderr).group(1))
    cpu = field(r"User time \(seconds\)") + field(r"System time \(seconds\)")
    rss = field(r"Maximum resident set size \(kbytes\)") / 1024
    size = os.path.getsize(os.path.join(index, "data.mdb")) / 2**20
    return wall, cpu, rss, size, p.stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "../shared/data/chinese-poetry/quan_tang_shi"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--scratch", default="/tmp/tihua-import-ab")
    a = ap.parse_args()
    os.makedirs(a.scratch, exist_ok=True)
    print("| run | build | wall s | CPU s | peak RSS MiB | index MiB | summary |\n|---|---|---:|---:|---:|---:|---|")
    for rep in range(a.reps):
        for name, binary in (("peer", a.peer), ("this", TIHUA)):
            wall, cpu, rss, size, out = run(binary, a.corpus, os.path.join(a.scratch, name))
            print(f"| {rep + 1} | {name} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {size:.0f} | {out} |", flush=True)
    shutil.rmtree(a.scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
