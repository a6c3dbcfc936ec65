"""Warms the Rust kernel's template build directory, .evcxr/template, so that no notebook
starts cold: tools/rust-kernel copies it into every build slot on the slot's first use.

    python -m tools.warm_kernel     # `make setup` runs it; does nothing if the template is current

It runs each distinct first cell of the course's notebooks (the `:dep labkit` line, with and
without polars) and one trivial cell in a kernel of its own, all in the same build directory,
so all dependencies of both builds of labkit are compiled (see `first_cells` for labkit itself). The template is rebuilt
when what it was built from changes (the crate, Cargo.lock, the toolchain, evcxr and its
settings, those first cells); a rebuild starts from a copy of the old template, so it only
recompiles what changed. The new template replaces the old one only once it is complete.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from tools.course import NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent
SLOTS = Path(os.environ.get("LABKIT_EVCXR_DIR", ROOT / ".evcxr"))
TEMPLATE = SLOTS / "template"
WARM = ".warm"  # file in a complete template; holds the key it was built for


def first_cells():
    """The distinct first code cells of the notebooks, those that load polars first.

    A build directory holds one build of labkit at a time (cargo names the dylib without a
    hash, so the builds with and without the polars feature replace each other; issue 14).
    The template ends with the build most notebooks use, without polars: the GISTEMP
    notebook relinks labkit with polars in a new slot (measured by bench_first_cell.py)."""
    cells = []
    for name in NOTEBOOKS:
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        first = next(c.source for c in nb.cells if c.cell_type == "code")
        if first not in cells:
            cells.append(first)
    return sorted(cells, key=lambda cell: "polars" not in cell)


def digest(*parts):
    """20 hex digits of SHA-256 over `parts` (bytes, or anything else as text), each ended by
    a 0 byte. The keys of the warm build directories (this template, the grader's) are digests."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:20]


def tree_digest(root):
    """The digest of every file under `root`: its path relative to `root`, then its bytes."""
    files = sorted(p for p in Path(root).rglob("*") if p.is_file() and "target" not in p.parts)
    return digest(*[x for p in files for x in (str(p.relative_to(root)), p.read_bytes())])


def toolchain():
    """What a build directory depends on besides its sources: rustc's version and evcxr's
    binary (by size)."""
    rustc = subprocess.run(["rustc", "-vV"], capture_output=True, text=True).stdout
    return rustc, (ROOT / ".tools" / "bin" / "evcxr_jupyter").stat().st_size


def key(cells):
    """The template's key: labkit's sources and lock file, the kernel's settings, the
    toolchain and the cells that warm it."""
    return digest(tree_digest(ROOT / "crate"), (ROOT / "Cargo.toml").read_bytes(), (ROOT / "Cargo.lock").read_bytes(),
                  tree_digest(ROOT / "tools" / "evcxr"), *toolchain(), *cells)


def run_cells(build_dir, cells):
    """Runs `cells` in a new kernel that uses `build_dir`; raises if one fails."""
    from tools.kernel_client import RustNotebookClient, cell_failure  # (late panics count too)

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    os.environ["LABKIT_EVCXR_TMPDIR"] = str(build_dir)
    try:
        RustNotebookClient(nb, kernel_name="rust", timeout=1800, startup_timeout=120,
                       resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    finally:
        del os.environ["LABKIT_EVCXR_TMPDIR"]
    for cell in nb.cells:
        if failure := cell_failure(cell):
            raise SystemExit(f"warming the kernel failed in\n{cell.source}\n{failure}")


def main():
    cells = first_cells()
    wanted = key(cells)
    marker = TEMPLATE / WARM
    if marker.exists() and marker.read_text() == wanted:
        return 0
    started = time.monotonic()
    print("warming the Rust kernel's build directory (.evcxr/template): compiles labkit and its "
          "dependencies once, so that every notebook's first cell takes seconds", flush=True)
    new = SLOTS / "template.new"
    shutil.rmtree(new, ignore_errors=True)
    if TEMPLATE.is_dir():
        shutil.copytree(TEMPLATE, new, symlinks=True)
        (new / WARM).unlink(missing_ok=True)
    for cell in cells:  # one kernel per first cell, as each notebook has its own kernel
        run_cells(new, [cell, "let warm = 1;"])
    (new / WARM).write_text(wanted)
    old = SLOTS / "template.old"
    shutil.rmtree(old, ignore_errors=True)
    if TEMPLATE.exists():
        TEMPLATE.rename(old)
    new.rename(TEMPLATE)
    shutil.rmtree(old, ignore_errors=True)  # (a kernel copying it just now starts cold, and says so)
    print(f"kernel template warm in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
