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
import errno
import json
import os
import re
import stat
import uuid

import nbformat

from grading.common import write_atomic

MAX_BYTES = 20_000_000


class Unreadable(Exception):
    """The submission is not a notebook we can read (graded 0, not a grader error)."""


class Missing(Exception):
    """There is no submitted file to grade (graded 0)."""


def copy_in(folder, student, name, dest):
    """Copies FOLDER/STUDENT/NAME to DEST, the copy that is then graded. Neither the student's
    folder nor the file may be a symbolic link (a link to /dev/zero, or to a classmate's
    notebook); the file must be a regular file of at most MAX_BYTES. Opening never blocks (a
    FIFO) and reads at most MAX_BYTES + 1 bytes. Raises Missing or Unreadable (the student's
    doing) or OSError (the grader's: retried)."""
    dest.unlink(missing_ok=True)  # no copy from an earlier run stands for a file that is gone
    nofollow = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    fds = []
    try:
        fds.append(os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
        fds.append(os.open(student, nofollow | os.O_DIRECTORY, dir_fd=fds[-1]))
        fds.append(os.open(name, nofollow, dir_fd=fds[-1]))
        info = os.fstat(fds[-1])
        if not stat.S_ISREG(info.st_mode):
            raise Missing(f"{student}/{name} is not a regular file")
        with os.fdopen(os.dup(fds[-1]), "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise Missing(f"no {name}") from None
    except NotADirectoryError:
        raise Missing(f"{student} is not a folder") from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise Missing(f"{student}/{name} is a symbolic link, not a file: links are not followed") from None
        raise  # anything else (EACCES, EIO, EMFILE) is not the student's doing: a grader error
    finally:
        for fd in fds:
            os.close(fd)
    if len(data) > MAX_BYTES:
        raise Unreadable(f"the file is more than {MAX_BYTES} bytes, which is not accepted")
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(dest, data)


def read_submission(path):
    """The submission's cells, rebuilt from what is usable in the file: each cell becomes a
    fresh code, markdown or raw cell with its source as text and, of its metadata, only an
    nbgrader grade_id (if it is a short string). Anything else about the JSON, however odd,
    is dropped; a file that is not a JSON object with a list of cells is Unreadable."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise Unreadable(f"the file is {size} bytes; more than {MAX_BYTES} is not accepted")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise Unreadable(f"not a readable notebook ({type(err).__name__}: {str(err)[:200]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise Unreadable("not a notebook: no list of cells")
    if len(data["cells"]) > MAX_CELLS:
        raise Unreadable(f"{len(data['cells'])} cells; more than {MAX_CELLS} are not accepted")
    cells = []
    for raw in data["cells"]:
        cell = _rebuild(raw)
        if cell is not None:
            cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


MAX_CELLS = 2000
MAKE = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
        "raw": nbformat.v4.new_raw_cell}


def _rebuild(raw):
    """A clean cell from one entry of the submission's "cells" list, or None."""
    if not isinstance(raw, dict) or raw.get("cell_type") not in MAKE:
        return None
    source = raw.get("source", "")
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    elif not isinstance(source, str):
        source = ""
    cell = MAKE[raw["cell_type"]](source=utf8(source))
    meta = raw.get("metadata")
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    gid = nbg.get("grade_id") if isinstance(nbg, dict) else None
    if isinstance(gid, str) and 0 < len(gid) <= 200:
        cell.metadata["nbgrader"] = {"grade_id": utf8(gid)}
    cid = raw.get("id")
    if isinstance(cid, str) and ID.match(cid):
        cell["id"] = cid
    return cell


ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def utf8(text):
    """`text` as it can be written out: JSON may hold lone surrogates ("\\ud800")."""
    return text.encode("utf-8", "replace").decode("utf-8")


def grade_id(cell):
    meta = cell.get("metadata", {}).get("nbgrader")
    gid = meta.get("grade_id") if isinstance(meta, dict) else None
    return gid if isinstance(gid, str) else None


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
    found, extra, odd = {}, {None: []}, []
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
            odd.append(f"{what} cell '{gid[:60]}'")
        extra.setdefault(anchor, []).append(cell)
    if len(odd) <= 3:
        notes += [f"{o} was treated as the student's own extra cell" for o in odd]
    else:  # bounded: a submission can carry any number of made-up ids
        notes.append(f"{len(odd)} cells with nbgrader ids the release does not have were treated as the "
                     f"student's own extra cells ({'; '.join(odd[:3])}; ...)")

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
                notes.append(f"locked cell '{gid}' was edited; the grader uses the released cell")
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
