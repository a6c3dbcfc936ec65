"""scores.csv and the summary: the columns and statuses of a row, reading the file back
(torn or badly edited rows dropped), ScoreFile (each row written or replaced by rewriting
the file atomically; an interrupted --regrade resumes), a result's row, the points per
notebook from the gradebook, and the summary (the table, totals.csv, limits.txt). Used by
grade.py; reference.py uses fmt."""
import csv
import io
import json
import re
import threading

from grading import submission
from grading.common import ASSIGNMENT, COURSE, log, write_atomic

FIELDS = ["student", "notebook", "score", "max_score", "status", "manual_max", "seconds", "notes"]
STATUSES = {"ok", "cell time limit", "time limit", "memory limit", "kernel died", "unreadable", "missing",
            "grader error"}
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # a note is one line of text
NOTES_MAX = 2000  # characters of notes per row (the rest is in results/<student>/<notebook>.json)


def fmt(x):
    return "-" if x is None else f"{x:g}"


def valid_row(row):
    """A complete row as ScoreFile writes it (not one cut short by a kill, nor edited badly)."""
    try:
        return (None not in row and all(isinstance(row.get(k), str) for k in FIELDS)
                and row["student"] != "" and row["notebook"] != "" and row["status"] in STATUSES
                and float(row["score"]) >= 0 and (row["max_score"] == "-" or float(row["max_score"]) >= 0))
    except ValueError:
        return False


def read_scores(path):
    """(rows, problems): the complete rows of scores.csv, and what was wrong with the others."""
    if not path.exists():
        return [], []
    csv.field_size_limit(2**31 - 1)  # never fail on a long field: a bad row is dropped below
    text = path.read_text(encoding="utf-8", errors="replace")
    rows, problems = [], []
    complete = text if text.endswith("\n") else text[:text.rfind("\n") + 1]  # a cut last line is dropped
    reader = csv.DictReader(io.StringIO(complete, newline=""))
    try:
        for row in reader:
            if valid_row(row):
                rows.append(row)
            else:
                problems.append(f"line {reader.line_num} is incomplete")
    except csv.Error as err:
        problems.append(f"unreadable from line {reader.line_num} ({err})")
    if text and not text.endswith("\n"):
        problems.append("the last line was cut short")
    if reader.fieldnames and list(reader.fieldnames) != FIELDS:
        problems.append(f"unexpected columns {reader.fieldnames}")
    return rows, problems


class ScoreFile:
    """scores.csv: one row per (student, notebook). A row is written, or replaced, only once
    its new result exists, by rewriting the whole file to a temporary one and renaming it
    (fsync of the file and of the folder), so a kill at any moment leaves either the old or
    the new file, never a torn row. Rows that are not complete (written by an older version,
    or edited) are dropped, said so, and their pairs graded again."""

    def __init__(self, path):
        self.path = path
        self.pending_path = path.with_name("regrade-pending.json")
        self.lock = threading.Lock()
        rows, problems = read_scores(path)
        if problems:
            log(f"{path}: " + "; ".join(problems)[:1000] + " -- those pairs are graded again")
        self.rows = {(r["student"], r["notebook"]): r for r in rows}
        if problems:
            self._write()

    def _write(self):
        text = io.StringIO(newline="")
        w = csv.DictWriter(text, FIELDS)
        w.writeheader()
        w.writerows(self.rows.values())
        write_atomic(self.path, text.getvalue(), durable=True)

    def done(self):
        """Pairs graded for good: not a grader error, not waiting for an unfinished --regrade."""
        return {key for key, r in self.rows.items() if r["status"] != "grader error"} - self.pending()

    # --regrade keeps the old rows until each is replaced; the pairs still to regrade are
    # saved in regrade-pending.json, so a regrade stopped half-way resumes where it stopped
    def pending(self):
        try:
            return {tuple(k) for k in json.loads(self.pending_path.read_text())}
        except (OSError, ValueError, TypeError):
            return set()

    def start_regrade(self, keys):
        with self.lock:
            self._write_pending(self.pending() | set(keys))

    def _write_pending(self, keys):
        if keys:
            write_atomic(self.pending_path, json.dumps(sorted(keys)))
        else:
            self.pending_path.unlink(missing_ok=True)

    def put(self, row):
        row = {k: submission.utf8(str(v)) for k, v in row.items()}
        key = row["student"], row["notebook"]
        with self.lock:
            old = self.rows.get(key)
            self.rows[key] = row
            try:
                self._write()
            except BaseException:
                if old is None:
                    del self.rows[key]
                else:
                    self.rows[key] = old
                raise
            pending = self.pending()
            if key in pending:  # after the row: a kill in between only regrades it once more
                self._write_pending(pending - {key})


def max_points():
    """Autograded and hand-graded points per notebook, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{COURSE / 'gradebook.db'}") as gb:
        assignment = gb.find_assignment(ASSIGNMENT)
        return {nb.name: (sum(c.max_score for c in nb.grade_cells if c.cell_type == "code"),
                          sum(c.max_score for c in nb.grade_cells if c.cell_type != "code"))
                for nb in assignment.notebooks}


def row_from(result):
    notes = "; ".join(CONTROL.sub(" ", str(n))[:300] for n in result.get("notes", []))
    if len(notes) > NOTES_MAX:
        notes = notes[:NOTES_MAX - 40] + " ... (all notes in results/)"
    return {"student": result["student"], "notebook": result["notebook"], "score": fmt(result["score"]),
            "max_score": fmt(result["max_score"]), "status": result["status"],
            "manual_max": fmt(result.get("manual_max", 0)), "seconds": result.get("seconds", ""), "notes": notes}


def summary(rows, students, notebooks, out, limits):
    """Prints the table of scores and `limits` (grade.limits_in_force: the limits in force),
    and writes limits.txt and totals.csv into `out`."""
    table = {(r["student"], r["notebook"]): r for r in rows}
    width = max([len(s) for s in students] + [7])
    cols = [n[:14] for n in notebooks]
    log("")
    log(f"{'student':{width}s}  " + "  ".join(f"{c:>14s}" for c in cols) + f"  {'total':>11s}")
    totals = []
    for s in students:
        cells, got, best = [], 0.0, 0.0
        for n in notebooks:
            r = table.get((s, n))
            if r is None:
                cells.append("not graded")
                continue
            score, mx = float(r["score"] or 0), float(r["max_score"]) if r["max_score"] not in ("", "-") else 0.0
            got, best = got + score, best + mx
            flag = "" if r["status"] == "ok" else "*"
            cells.append(f"{r['score']}/{r['max_score']}{flag}")
        totals.append({"student": s, "score": f"{got:g}", "max_score": f"{best:g}"})
        log(f"{s:{width}s}  " + "  ".join(f"{c:>14s}" for c in cells) + f"  {got:>5g}/{best:<5g}")
    odd = [r for r in rows if r["status"] != "ok"]
    if odd:
        log("* " + "; ".join(f"{r['student']}/{r['notebook']}: {r['status']}" for r in odd))
    log(limits)
    (out / "limits.txt").write_text(limits + "\n")
    text = io.StringIO(newline="")
    w = csv.DictWriter(text, ["student", "score", "max_score"])
    w.writeheader()
    w.writerows(totals)
    write_atomic(out / "totals.csv", text.getvalue())
