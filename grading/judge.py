"""Judging a check cell from the values it reported, outside the student's sandbox.

A graded check cell calls the student's functions on inputs the released notebook does not
show and prints each result with labkit's `report`, one line per value:

    @labkit-record {"name": "init_params(7)", "shape": [2], "values": [0.0763..., 0.7799...]}

The grader compares every value with the one the solution notebook reported under the same
name in the same sandbox (the reference), within a tolerance from grading/tolerances.toml:

    |got - expected| <= abs + rel * |expected|     for every element, shapes equal

A check passes when it reported exactly the reference's names, each once, each readable and
within its tolerance. Nothing printed inside the sandbox (markers, asserts, "ok" lines) and
no expected value or tolerance available to it decides a score.
"""
import json
import math
import tomllib
from pathlib import Path

PREFIX = "@labkit-record "
TOLERANCES = Path(__file__).resolve().parent / "tolerances.toml"
MAX_RECORDS = 1000  # per check cell; more is an error (and bounds what we parse)


def names(text):
    """The names of the readable records in `text` (to know when a check's output is complete)."""
    return set(parse(text)[0])


def parse(text):
    """(records {name: {"shape": [...], "values": [...]}}, problems [str]) from a cell's stdout."""
    records, problems = {}, []
    for line in text.splitlines():
        if not line.startswith(PREFIX):
            if PREFIX in line:
                problems.append("a record that does not start its own line")
            continue
        if len(records) + len(problems) >= MAX_RECORDS:
            problems.append(f"more than {MAX_RECORDS} records")
            break
        try:
            rec = json.loads(line[len(PREFIX):])
            name, shape, values = rec["name"], rec["shape"], rec["values"]
            if not (isinstance(name, str) and isinstance(shape, list) and isinstance(values, list)
                    and all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape)
                    and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
                    and math.prod(shape) == len(values)):
                raise ValueError("wrong types")
        except (ValueError, KeyError, TypeError):
            problems.append(f"an unreadable record: {line[:120]!r}")
            continue
        if name in records:
            problems.append(f"`{name}` was reported more than once")
            records[name]["duplicate"] = True
            continue
        records[name] = {"shape": shape, "values": [float(v) for v in values]}
    return records, problems


def strip_records(text):
    """The text without its record lines (what the student sees in the feedback)."""
    return "".join(l for l in text.splitlines(keepends=True) if not l.startswith(PREFIX))


def load_tolerances(path=TOLERANCES):
    """{"default": (rel, abs), notebook: {name: (rel, abs)}}."""
    data = tomllib.loads(Path(path).read_text())
    default = data.pop("default")
    out = {"default": (float(default["rel"]), float(default["abs"]))}
    for notebook, names in data.items():
        out[notebook] = {name: (float(t.get("rel", default["rel"])), float(t.get("abs", default["abs"])))
                         for name, t in names.items()}
    return out


def tolerance(tolerances, notebook, name):
    return tolerances.get(notebook, {}).get(name, tolerances["default"])


def close(got, expected, rel, abs_):
    if math.isnan(expected) or math.isnan(got):
        return math.isnan(expected) and math.isnan(got)
    if math.isinf(expected) or math.isinf(got):
        return got == expected
    return abs(got - expected) <= abs_ + rel * abs(expected)


def short(values, shape):
    if not shape:
        return repr(values[0])
    head = ", ".join(repr(v) for v in values[:4])
    return f"shape {shape}: [{head}{', …' if len(values) > 4 else ''}]"


def judge(records, problems, reference, notebook, tolerances):
    """(passed, reasons) for one check: its parsed records against the reference records."""
    if not reference:
        return False, ["the solution reported no values for this check, so nothing can be compared "
                       "(a fault of the course, not of the submission)"]
    reasons = list(problems)
    for name, ref in reference.items():
        got = records.get(name)
        if got is None:
            reasons.append(f"`{name}` was not reported (the cell stopped before it, or never got there)")
            continue
        if got.get("duplicate"):
            continue
        rel, abs_ = tolerance(tolerances, notebook, name)
        if got["shape"] != ref["shape"]:
            reasons.append(f"`{name}` has shape {got['shape']}, the solution's has shape {ref['shape']}")
        elif not all(close(g, e, rel, abs_) for g, e in zip(got["values"], ref["values"])):
            reasons.append(f"`{name}` is {short(got['values'], got['shape'])}: not the solution's value "
                           f"(tolerance: relative {rel:g}, absolute {abs_:g})")
    for name in records:
        if name not in reference:
            reasons.append(f"`{name}` is not a value this check reports")
    return not reasons, reasons
