"""Before grading: whether this machine can grade (root, the sandbox's tools, cgroups with
memory and pids limits, a release), the Rust sysroot, the crate sources vendored for offline
builds in the sandbox (build/grading/vendor), and template_key, the key of the warm build
directory. Used by grade.py (main) and reference.py (ensure_template)."""
import os
import shutil
import subprocess
from pathlib import Path

from tools.warm_kernel import digest, toolchain, tree_digest
from grading.common import ASSIGNMENT, CGROUP_ROOT, COURSE, HERE, RELEASE, ROOT, STATE, cgroup_mode, log


def check_environment():
    problems = []
    if os.geteuid() != 0:
        problems.append("grading runs student code in a sandbox that needs root "
                        "(namespaces, cgroups, switching to an unprivileged uid): run it as root or with sudo")
    for tool in ("unshare", "setpriv", "ip", "chroot", "cargo", "rustc"):
        if not shutil.which(tool):
            problems.append(f"`{tool}` not found on PATH")
    if not (ROOT / ".tools" / "bin" / "evcxr_jupyter").exists():
        problems.append("evcxr_jupyter is not installed: run `make setup`")
    if not (COURSE / "gradebook.db").exists() or not (RELEASE / "notebooks").is_dir():
        problems.append("no release: run `make release` first")
    if os.geteuid() == 0 and cgroup_mode() is None:
        problems.append(f"no memory and process limits per notebook: cannot create cgroups with the memory and "
                        f"pids controllers under {CGROUP_ROOT}. With cgroup v2, enable them for children "
                        f"(echo +memory +pids > {CGROUP_ROOT}/cgroup.subtree_control); with v1, mount the memory "
                        "and pids hierarchies writable (in a container: run it with --privileged or "
                        "--cgroupns=host, or give it a delegated cgroup). Grading refuses to run without "
                        "these limits")
    if problems:
        raise SystemExit("cannot grade:\n  " + "\n  ".join(problems))
    newer = [p.name for p in (ROOT / "notebooks").glob("*.ipynb")
             if (COURSE / "source" / ASSIGNMENT / p.name).exists()
             and p.read_bytes() != (COURSE / "source" / ASSIGNMENT / p.name).read_bytes()]
    if newer:
        log(f"note: notebooks/ differs from the release for {', '.join(sorted(newer))}; "
            "grading uses the release (build/course); run `make release` to use the new versions")


def sysroot():
    return subprocess.run(["rustc", "--print", "sysroot"], check=True, capture_output=True, text=True).stdout.strip()


def ensure_vendor(root_sysroot, build=True):
    """Crate sources for offline builds in the sandbox: our lock file plus the standard
    library's (evcxr's rust-analyzer loads the sysroot with `cargo metadata`). Returns
    whether they are ready (with build=False: only checks)."""
    vendor = STATE / "vendor"
    stamp = STATE / "vendor.stamp"
    key = digest((RELEASE / "Cargo.lock").read_bytes(), root_sysroot)
    if vendor.is_dir() and stamp.exists() and stamp.read_text() == key:
        return True
    if not build:
        return False
    log("vendoring crate sources for offline builds (build/grading/vendor) ...")
    tmp = STATE / "vendor.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    library = Path(root_sysroot) / "lib" / "rustlib" / "src" / "rust" / "library" / "Cargo.toml"
    cmd = ["cargo", "vendor", "--versioned-dirs", "--manifest-path", str(RELEASE / "Cargo.toml")]
    if library.exists():
        cmd += ["-s", str(library)]
    cmd.append(str(tmp))
    env = dict(os.environ, RUSTC_BOOTSTRAP="1")  # the std workspace manifest uses nightly keys
    for extra in (["--offline"], []):
        if subprocess.run(cmd[:2] + extra + cmd[2:], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True).returncode == 0:
            break
    else:
        raise SystemExit("cargo vendor failed (is crates.io reachable, or the registry cache filled by `cargo test`?)")
    shutil.rmtree(vendor, ignore_errors=True)
    tmp.rename(vendor)
    stamp.write_text(key)
    return True


def template_key(root_sysroot):
    """The grader's template is built from the release's crate, in the sandbox: its key is
    the template's (tools/warm_kernel.py) over those sources, plus the sandbox's kernel and
    the standard library it builds against."""
    return digest(tree_digest(RELEASE / "crate"), (RELEASE / "Cargo.toml").read_bytes(),
                  (RELEASE / "Cargo.lock").read_bytes(), tree_digest(ROOT / "tools" / "evcxr"), *toolchain(),
                  root_sysroot, (HERE / "sandbox" / "kernel.sh").read_bytes())
