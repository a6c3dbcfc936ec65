"""Benchmark of notebook execution with the Rust kernel (rerun it; it is not a test).

    python tools/bench_notebooks.py [--rounds 3] [--no-compare]

1. Executes all five notebooks once to warm the kernel's build directory, then `--rounds`
   more times, interleaved (round 1: all five, round 2: all five, ...), so that machine
   noise hits every notebook alike. Reports per notebook the median wall time, the median
   cell latency and the slowest cell; and the medians over everything.
2. Unless --no-compare: the GISTEMP notebook (the one that links polars) side by side with
   a copy that loads labkit built as a plain rlib instead of rlib + dylib, interleaved,
   and the ratio of their median cell latencies.
Results go to build/bench/bench.json.
"""
import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import run_notebooks  # noqa: E402

from course import NOTEBOOKS  # noqa: E402 (the one list of notebooks)


def run(path, out):
    result = run_notebooks.run_one(path, out, cell_timeout=1800, notebook_timeout=3600)
    if not result["ok"]:
        raise SystemExit(f"{path.name} failed: {result['failure']}")
    return result


def summarise(results):
    cells = [c["seconds"] for r in results for c in r["cells"]]
    return {
        "median_wall_s": round(statistics.median(r["wall_seconds"] for r in results), 2),
        "median_cell_s": round(statistics.median(cells), 3),
        "slowest_cell_s": round(max(cells), 2),
        "cells": len(results[0]["cells"]),
    }


def rlib_copy(tmp):
    """A copy of the crate built only as an rlib, and of gistemp.ipynb pointing at it."""
    crate = Path(tmp) / "crate"
    shutil.copytree(ROOT / "crate", crate, ignore=shutil.ignore_patterns("target"))
    manifest = crate / "Cargo.toml"
    text = manifest.read_text().replace('crate-type = ["rlib", "dylib"]', 'crate-type = ["rlib"]')
    text = text.replace("edition.workspace = true", 'edition = "2024"').replace("license.workspace = true", 'license = "MIT"')
    manifest.write_text(text + "\n[workspace]\n")
    nb = json.loads((ROOT / "notebooks" / "gistemp.ipynb").read_text())
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if ":dep labkit" in source:
            cell["source"] = re.sub(r'path = "[^"]*"', f'path = "{crate}"', source)
    notebooks = Path(tmp) / "notebooks"
    notebooks.mkdir()
    (notebooks / "gistemp.ipynb").write_text(json.dumps(nb))
    return notebooks / "gistemp.ipynb"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-compare", action="store_true")
    args = parser.parse_args()
    out = ROOT / "build" / "bench"
    paths = [ROOT / "notebooks" / f"{n}.ipynb" for n in NOTEBOOKS]

    print("warm-up run of every notebook ...", flush=True)
    for path in paths:
        run(path, out)
    rounds = {n: [] for n in NOTEBOOKS}
    for k in range(args.rounds):
        for name, path in zip(NOTEBOOKS, paths):
            rounds[name].append(run(path, out))
        print(f"round {k + 1}/{args.rounds} done", flush=True)

    report = {"notebooks": {n: summarise(rs) for n, rs in rounds.items()}}
    every = [r for rs in rounds.values() for r in rs]
    report["all"] = {
        "median_total_wall_s": round(statistics.median(sum(rounds[n][k]["wall_seconds"] for n in NOTEBOOKS) for k in range(args.rounds)), 1),
        "median_cell_s": round(statistics.median(c["seconds"] for r in every for c in r["cells"]), 3),
    }
    print(f"\n{'notebook':<16}{'cells':>6}{'median wall':>13}{'median cell':>13}{'slowest cell':>14}")
    for name, s in report["notebooks"].items():
        print(f"{name:<16}{s['cells']:>6}{s['median_wall_s']:>12.1f}s{s['median_cell_s']:>12.3f}s{s['slowest_cell_s']:>13.1f}s")
    print(f"all five: median total {report['all']['median_total_wall_s']} s, median cell {report['all']['median_cell_s']} s")

    if not args.no_compare:
        with tempfile.TemporaryDirectory() as tmp:
            rlib_nb = rlib_copy(tmp)
            print("\ngistemp: labkit as rlib + dylib vs rlib only (warm-up of the rlib build first) ...", flush=True)
            run(rlib_nb, Path(tmp) / "out")
            pair = {"dylib": [], "rlib": []}
            for _ in range(args.rounds):
                pair["dylib"].append(run(paths[-1], out))
                pair["rlib"].append(run(rlib_nb, Path(tmp) / "out"))
        cmp = {k: summarise(v) for k, v in pair.items()}
        cmp["ratio_median_cell_dylib_over_rlib"] = round(cmp["dylib"]["median_cell_s"] / cmp["rlib"]["median_cell_s"], 2)
        report["gistemp_link_comparison"] = cmp
        print(f"gistemp median cell: dylib {cmp['dylib']['median_cell_s']} s, rlib {cmp['rlib']['median_cell_s']} s, "
              f"ratio {cmp['ratio_median_cell_dylib_over_rlib']}")

    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(report, indent=2))
    print(f"\nwritten to {out / 'bench.json'}")


if __name__ == "__main__":
    main()
