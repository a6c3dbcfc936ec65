"""Benchmark of one cell's latency in the Rust kernel, before and after the kernel's cargo
settings (rerun it; it is not a test). `make bench` runs it.

    python -m tools.bench_cells [--cells 15] [--warmup 3] [--only plain|polars]

What a student waits for after Shift-Enter: evcxr parses the cell, asks rust-analyzer for
the types of new variables, runs cargo (which checks every unit of the build graph is
fresh, then compiles and links the cell against liblabkit.so), loads and runs it.

Four kernels run side by side, each in build slots of its own under build/bench/:
    plain  / polars     labkit without / with the polars feature (the GISTEMP notebook's)
    before / after      cargo settings as evcxr writes them / plus tools/evcxr/cargo-config.toml
                        (LABKIT_CARGO_CONFIG tells tools/rust-kernel which file to use)
"after" starts from a copy of make setup's warm template; "before" builds its dependencies
the first time (minutes, for polars); later runs reuse them. Then the cells are sent round
by round, each round one cell of each kind to each kernel in turn, so machine noise and
drift hit all of them alike. Times are the kernel's own clock:
execute_input to execute_reply, the two timestamps nbclient records as a cell's time.
Cell kinds (i is a fresh number per cell):
    trivial  let a{i} = {i};
    labkit   a labkit call that persists a value (random stream, loss)
Prints the medians per kind and kernel and the after/before ratios; results go to
build/bench/cells.json.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from tools.kernel_client import seconds_between  # (the runner's cell times, same clock)
from tools.warm_kernel import TEMPLATE  # make setup's warm build directory

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "build" / "bench"
KINDS = {
    "trivial": "let a{i} = {i};",
    "labkit": "let r{i}: f64 = RandomState::new({i}).rand((4, 1)).sum()\n"
              "    + Loss::Mse.value(&array![1.0, 2.0], &array![1.5, {i}.0]).unwrap();",
}


def kernel_env(config, slots):
    """Environment for a kernel (tools/rust-kernel) with build slots `slots` and the cargo
    settings `config`: "before", evcxr's own; "after", tools/evcxr/cargo-config.toml, with the
    slots seeded from a copy of make setup's warm template (so they compile no dependency)."""
    OUT.mkdir(parents=True, exist_ok=True)
    if config == "before":
        cargo_config = OUT / "no-cargo-config.toml"
        cargo_config.write_text("# evcxr's own settings only\n")
    else:
        cargo_config = ROOT / "tools" / "evcxr" / "cargo-config.toml"
        warm, copy = TEMPLATE / ".warm", slots / "template"
        if warm.exists() and not ((copy / ".warm").exists() and (copy / ".warm").read_text() == warm.read_text()):
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(TEMPLATE, copy, symlinks=True)
    return {**os.environ, "LABKIT_EVCXR_DIR": str(slots), "LABKIT_CARGO_CONFIG": str(cargo_config)}


def dep_cell(polars):
    features = ', features = ["polars"]' if polars else ""
    return f':dep labkit = {{ path = "{ROOT / "crate"}"{features} }}\nuse labkit::*;'


def run_cell(kc, code, timeout):
    """Runs `code`; returns the kernel-clock seconds from execute_input to execute_reply."""
    msg_id = kc.execute(code)
    started, failure = None, []
    while True:  # iopub until the kernel is idle again for this request
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "execute_input":
            started = msg["header"]["date"]
        elif kind == "error" or (kind == "stream" and msg["content"]["name"] == "stderr"):
            failure.append(msg["content"].get("text") or msg["content"].get("evalue", ""))
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    if reply["content"]["status"] != "ok" or failure:
        raise SystemExit(f"cell failed:\n{code}\n{''.join(failure)}")
    return seconds_between(started, reply["header"]["date"])


class Kernel:
    def __init__(self, name, polars, config):
        self.name = name
        env = kernel_env(config, OUT / f"slots-{name}")
        self.km, self.kc = start_new_kernel(kernel_name="rust", env=env, startup_timeout=120)
        print(f"{name}: loading labkit (the first run compiles its dependencies) ...", flush=True)
        self.setup_s = run_cell(self.kc, dep_cell(polars), timeout=3600)
        self.times = {kind: [] for kind in KINDS}

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=15, help="timed cells per kind and kernel")
    parser.add_argument("--warmup", type=int, default=3, help="untimed cells per kind and kernel first")
    parser.add_argument("--only", choices=["plain", "polars"])
    args = parser.parse_args()
    flavours = [f for f in ("plain", "polars") if args.only in (None, f)]
    kernels = []
    try:
        for flavour in flavours:
            for config in ("before", "after"):
                kernels.append(Kernel(f"{flavour}-{config}", flavour == "polars", config))
        i = 0
        for round_ in range(args.warmup + args.cells):
            for kind, template in KINDS.items():
                for k in kernels[round_ % len(kernels):] + kernels[:round_ % len(kernels)]:
                    i += 1
                    seconds = run_cell(k.kc, template.format(i=i), timeout=600)
                    if round_ >= args.warmup:
                        k.times[kind].append(seconds)
    finally:
        for k in kernels:
            k.close()

    report = {k.name: {"setup_s": round(k.setup_s, 1),
                       **{kind: round(1000 * statistics.median(t)) for kind, t in k.times.items()}}
              for k in kernels}
    print(f"\nmedian ms per cell (kernel clock), {args.cells} cells per kind and kernel, interleaved")
    print(f"{'labkit':<8}{'kind':<9}{'before':>8}{'after':>8}{'after/before':>14}")
    for flavour in flavours:
        for kind in KINDS:
            before, after = report[f"{flavour}-before"][kind], report[f"{flavour}-after"][kind]
            print(f"{flavour:<8}{kind:<9}{before:>8}{after:>8}{after / before:>14.2f}")
    (OUT / "cells.json").write_text(json.dumps(report, indent=2))
    print(f"written to {OUT / 'cells.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
