"""Benchmark: the first cell of a notebook opened while another kernel is running (rerun it;
it is not a test). `make bench` runs it after the others.

    python -m tools.bench_first_cell [--rounds 1] [--notebooks five_steps gistemp]

Each round, for each notebook, side by side: a first kernel is started and holds slot 0;
then a second kernel opens the notebook and runs its first cell (`:dep labkit …`) and a
trivial cell, timed from starting the kernel to the first cell's reply:
  cold     the slots' folder has no template (how every second kernel started before
           tools/warm_kernel.py): slot 1 compiles every dependency
  template the slots' folder has the warm template of `make setup`: slot 1 starts as a
           copy of it (the copy is part of the time)
Needs a warm .evcxr/template (`make setup`). Results go to build/bench/first_cell.json.
"""
import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import start_new_kernel

from tools.warm_kernel import TEMPLATE

ROOT = Path(__file__).resolve().parent.parent


def timed(client, code, timeout=1800):
    started = time.monotonic()
    reply = client.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)
    if reply["content"]["status"] != "ok":
        raise SystemExit(f"{code!r} failed: {reply['content']}")
    return time.monotonic() - started


def second_kernel_first_cell(slots, first_cell):
    """Seconds from starting a second kernel using `slots` to its first cell's reply, and for a trivial cell after it."""
    os.environ["LABKIT_EVCXR_DIR"] = str(slots)
    cwd = str(ROOT / "notebooks")
    first_km, first = start_new_kernel(kernel_name="rust", cwd=cwd)  # holds slot 0
    try:
        opened = time.monotonic()
        km, kc = start_new_kernel(kernel_name="rust", cwd=cwd, startup_timeout=600)
        try:
            timed(kc, first_cell)
            return time.monotonic() - opened, timed(kc, "let a = 1;")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    finally:
        first.stop_channels()
        first_km.shutdown_kernel(now=True)
        del os.environ["LABKIT_EVCXR_DIR"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--notebooks", nargs="+", default=["five_steps", "gistemp"])
    args = parser.parse_args()
    if not (TEMPLATE / ".warm").exists():
        raise SystemExit("no warm template: run `make setup` first")
    times = {}
    # inside .evcxr: the workspace excludes it (a build slot is a cargo project of its own)
    with tempfile.TemporaryDirectory(dir=ROOT / ".evcxr", prefix="bench-") as tmp:
        for round_ in range(args.rounds):
            for name in args.notebooks:
                nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
                first_cell = next(c.source for c in nb.cells if c.cell_type == "code")
                for how in ["cold", "template"]:
                    slots = Path(tmp) / f"{name}-{how}-{round_}"
                    slots.mkdir()
                    if how == "template":
                        shutil.copytree(TEMPLATE, slots / "template", symlinks=True)
                    dep, trivial = second_kernel_first_cell(slots, first_cell)
                    times.setdefault((name, how), []).append((dep, trivial))
                    print(f"round {round_ + 1}: {name:<12} {how:<9} first cell {dep:6.1f} s, then `let a = 1;` {trivial:.2f} s", flush=True)
                    shutil.rmtree(slots)
    rows = {}
    print(f"\nsecond kernel's first cell, median of {args.rounds} round(s):")
    print(f"{'notebook':<12} {'cold':>8} {'template':>9} {'ratio':>7}")
    for name in args.notebooks:
        cold = statistics.median(d for d, _ in times[name, "cold"])
        warm = statistics.median(d for d, _ in times[name, "template"])
        rows[name] = {"cold_s": round(cold, 1), "template_s": round(warm, 1), "ratio": round(cold / warm, 1)}
        print(f"{name:<12} {cold:7.1f}s {warm:8.1f}s {cold / warm:6.1f}x")
    out = ROOT / "build" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "first_cell.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
