"""Reading a submitted notebook without trusting it.

`merge(release_nb, submitted_nb)` rebuilds the notebook to grade from the released student
version and the submission: the cells are put in the released order; every cell the
release knows (by nbgrader grade_id) gets the release's nbgrader metadata back (so points,
"locked" and cell roles cannot be changed); a deleted locked cell (given code, a check, a
markdown cell) or a deleted solution cell is put back from the release; cells the student
added stay where they were (after the known cell they followed) but lose any nbgrader
metadata. The student's version of a locked cell is kept so that nbgrader's checksum check
sees the edit and restores the original (with the hidden tests) itself. Outputs are dropped.
"""
import copy
import json
import uuid

import nbformat

MAX_BYTES = 20_000_000


class Unreadable(Exception):
    """The submission is not a notebook we can read (graded 0, not a grader error)."""


def read_submission(path):
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise Unreadable(f"the file is {size} bytes; more than {MAX_BYTES} is not accepted")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            raise ValueError("no list of cells")
        nb = nbformat.reads(json.dumps(data), as_version=4)
    except Exception as err:  # noqa: BLE001 - anything unreadable is the submission's problem
        raise Unreadable(f"not a readable notebook ({type(err).__name__}: {str(err)[:200]})") from None
    cells = []
    for cell in nb.cells:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(s) for s in source)
        cell["source"] = str(source)
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = nbformat.NotebookNode()
        cells.append(cell)
    nb.cells = cells
    return nb


def grade_id(cell):
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta.get("grade_id") if isinstance(meta, dict) else None


def _clean(cell):
    cell = copy.deepcopy(cell)
    if cell.cell_type == "code":
        cell.outputs = []
        cell.execution_count = None
    cell.metadata.pop("labkit_grading", None)
    return cell


def merge(release_nb, submitted_nb, source_nb=None):
    """Returns (notebook to grade, list of notes about what was repaired).

    `source_nb` (the instructor's version) only serves the notes: a locked cell equal to
    its instructor version (with hidden tests) is not reported as edited."""
    notes = []
    instructor = {grade_id(c): c.source for c in (source_nb.cells if source_nb else []) if grade_id(c)}
    known = {grade_id(c): c for c in release_nb.cells if grade_id(c)}
    plain_sources = {c.source for c in release_nb.cells if not grade_id(c)}
    found, extra = {}, {None: []}
    anchor = None
    for cell in submitted_nb.cells:
        gid = grade_id(cell)
        if gid in known and gid not in found and cell.cell_type == known[gid].cell_type:
            found[gid] = cell
            anchor = gid
            continue
        cell = _clean(cell)
        cell.metadata.pop("nbgrader", None)
        if not gid and cell.source in plain_sources:
            continue  # an unchanged plain cell of the release; the release's copy is used
        if gid:
            what = "a copy of" if gid in found else ("a changed-type" if gid in known else "an unknown")
            notes.append(f"{what} cell '{gid}' was treated as the student's own extra cell")
        extra.setdefault(anchor, []).append(cell)

    cells = list(extra[None])
    for rel in release_nb.cells:
        gid = grade_id(rel)
        if gid is None:
            cells.append(_clean(rel))
            continue
        meta = rel.metadata["nbgrader"]
        if gid in found:
            cell = _clean(found[gid])
            if meta.get("locked") and cell.source not in (rel.source, instructor.get(gid)):
                notes.append(f"locked cell '{gid}' was edited; nbgrader restores it")
        else:
            cell = _clean(rel)
            if meta.get("grade") and not meta.get("solution"):
                cell.metadata["labkit_grading"] = {"restored": True}
                notes.append(f"check cell '{gid}' was deleted; restored and scored 0")
            else:
                notes.append(f"cell '{gid}' was deleted; restored from the release")
        cell.metadata["nbgrader"] = copy.deepcopy(meta)
        cells.append(cell)
        cells.extend(extra.get(gid, []))

    seen_ids = set()
    for cell in cells:
        cid = cell.get("id")
        if not isinstance(cid, str) or cid in seen_ids:
            cell["id"] = uuid.uuid4().hex[:8]
        seen_ids.add(cell["id"])
    nb = nbformat.v4.new_notebook(metadata=copy.deepcopy(release_nb.metadata), cells=cells)
    nb.nbformat_minor = max(release_nb.get("nbformat_minor", 5), 5)
    return nb, notes
