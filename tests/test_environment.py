"""environment.yml (conda) and requirements.txt (venv) must pin the same packages."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def requirement_pins():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def conda_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        name, version = re.split(r"=+", dep, maxsplit=1)
        pins[name.lower()] = version
    return pins


def test_environment_yml_pins_the_same_versions_as_requirements():
    conda = conda_pins()
    assert conda.pop("python", None), "environment.yml must pin python"
    assert conda == requirement_pins()


def test_lock_file_agrees_with_requirements():
    lock = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        if "==" in line:
            name, version = line.strip().split("==")
            lock[name.lower().replace("_", "-")] = version
    for name, version in requirement_pins().items():
        assert lock.get(name.replace("_", "-")) == version, f"{name}: requirements.txt {version}, lock {lock.get(name)}"


def test_makefile_pins_evcxr_at_least_0_21():
    makefile = (ROOT / "Makefile").read_text()
    version = re.search(r"^EVCXR_VERSION := (\d+)\.(\d+)\.(\d+)", makefile, re.M)
    assert version and (int(version[1]), int(version[2])) >= (0, 21)
