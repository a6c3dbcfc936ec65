"""Registers the Rust kernel inside the project's virtual environment (not in ~/.local).

Jupyter looks for kernels in <sys.prefix>/share/jupyter/kernels, so a kernelspec written
there is seen by this venv's JupyterLab and nbclient and by nothing else on the machine.
It also sets this JupyterLab's defaults (<sys.prefix>/share/jupyter/lab/settings): no
"Jupyter news" question and no update check, which would reach for the network.
"""
import json
import sys
from pathlib import Path


def main():
    root = Path(__file__).resolve().parent.parent
    spec_dir = Path(sys.prefix) / "share" / "jupyter" / "kernels" / "rust"
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [str(root / "tools" / "rust-kernel"), "{connection_file}"],
        "display_name": "Rust",
        "language": "rust",
        "interrupt_mode": "message",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=2) + "\n")
    print(f"Rust kernel registered in {spec_dir}")

    settings = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    overrides = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}
    (settings / "overrides.json").write_text(json.dumps(overrides, indent=2) + "\n")


if __name__ == "__main__":
    main()
