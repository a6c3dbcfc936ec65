"""Benchmark of notebook execution with the Rust kernel (rerun it; it is not a test).

    python -m tools.bench_notebooks [--rounds 3] [--no-compare]

1. Executes all five notebooks once to warm the kernel's build slots, then `--rounds`
   more times, interleaved (round 1: all five, round 2: all five, ...), so that machine
   noise hits every notebook alike. Reports per notebook the median wall time, the median
   cell latency and the slowest cell; and the medians over everything.
2. Unless --no-compare, all of that twice, interleaved round by round: with the kernel's
   cargo settings (tools/evcxr/cargo-config.toml, "after") and without them ("before"),
   each in build slots of its own under build/bench/, and the after/before ratios.
Results go to build/bench/bench.json.
"""
import argparse
import json
import os
import statistics
from pathlib import Path

from tools import run_notebooks
from tools.bench_cells import OUT, kernel_env  # before/after settings
from tools.course import NOTEBOOKS  # the one list of notebooks

ROOT = Path(__file__).resolve().parent.parent


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-compare", action="store_true", help="only the repository's own settings")
    args = parser.parse_args()
    paths = [ROOT / "notebooks" / f"{n}.ipynb" for n in NOTEBOOKS]
    configs = ["after"] if args.no_compare else ["before", "after"]

    def run_all(config):
        os.environ.update(kernel_env(config, OUT / f"slots-notebooks-{config}"))
        return {name: run(path, OUT) for name, path in zip(NOTEBOOKS, paths)}

    for config in configs:
        print(f"warm-up run of every notebook ({config}; the first time, its build slots compile "
              "every dependency) ...", flush=True)
        run_all(config)
    rounds = {c: [] for c in configs}
    for k in range(args.rounds):
        for config in (configs if k % 2 == 0 else configs[::-1]):
            rounds[config].append(run_all(config))
        print(f"round {k + 1}/{args.rounds} done", flush=True)

    report = {}
    for config in configs:
        per_nb = {n: summarise([r[n] for r in rounds[config]]) for n in NOTEBOOKS}
        every = [c["seconds"] for r in rounds[config] for res in r.values() for c in res["cells"]]
        report[config] = {"notebooks": per_nb, "median_total_wall_s": round(statistics.median(
            sum(res["wall_seconds"] for res in r.values()) for r in rounds[config]), 1),
            "median_cell_s": round(statistics.median(every), 3)}
    print(f"\nmedian over {args.rounds} rounds, {' and '.join(configs)} interleaved")
    print(f"{'notebook':<16}{'cells':>6}" + "".join(f"{c + ' wall':>13}{c + ' cell':>13}" for c in configs))
    for name in NOTEBOOKS:
        row = "".join(f"{report[c]['notebooks'][name]['median_wall_s']:>12.1f}s"
                      f"{report[c]['notebooks'][name]['median_cell_s']:>12.3f}s" for c in configs)
        print(f"{name:<16}{report[configs[0]]['notebooks'][name]['cells']:>6}{row}")
    row = "".join(f"{report[c]['median_total_wall_s']:>12.1f}s{report[c]['median_cell_s']:>12.3f}s" for c in configs)
    print(f"{'all five':<22}{row}")
    if len(configs) == 2:
        print(f"after/before: all five {report['after']['median_total_wall_s'] / report['before']['median_total_wall_s']:.2f}, "
              f"median cell {report['after']['median_cell_s'] / report['before']['median_cell_s']:.2f}")
    (OUT / "bench.json").write_text(json.dumps(report, indent=2))
    print(f"\nwritten to {OUT / 'bench.json'}")


if __name__ == "__main__":
    main()
