"""The course site that `make run` writes to build/site: an index of the labs and one page
per executed lab, readable offline.

    index.html       the labs in teaching order: what each teaches, its original, how long
                     it took to run, how many checks passed
    <lab>.html       the executed lab (nbconvert, template tools/site/templates/course)
    mathjax/         MathJax 3 (npm package pinned in tools/site/package-lock.json, installed
                     into .tools/site by `make setup`): formulas are typeset in the browser
                     from this copy, so nothing is fetched from the network

Pages show the solutions as plain code: nbgrader's `// BEGIN SOLUTION` / `// END SOLUTION`
lines and the hidden-test blocks are for the grader, and `for_readers` removes them before
the notebook is executed.
"""
import copy
import html
import re
import shutil
from pathlib import Path

from nbconvert import HTMLExporter

from tools.course import LABS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "tools" / "site" / "templates"
MATHJAX = ROOT / ".tools" / "site" / "node_modules" / "mathjax" / "es5" / "tex-svg.js"
MATHJAX_URL = "mathjax/tex-svg.js"  # relative to the page
HIDDEN_TESTS = re.compile(r"^[ \t]*// BEGIN HIDDEN TESTS.*?^[ \t]*// END HIDDEN TESTS[^\n]*\n?", re.M | re.S)
SOLUTION_MARKER = re.compile(r"^[ \t]*// (BEGIN|END) SOLUTION[^\n]*\n?", re.M)


def for_readers(nb):
    """A copy of `nb` without the grader's markers: hidden-test blocks and solution markers."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = SOLUTION_MARKER.sub("", HIDDEN_TESTS.sub("", cell.source))
    return nb


def page(nb):
    """The HTML page of an executed notebook."""
    exporter = HTMLExporter(template_name="course", extra_template_basedirs=[str(TEMPLATES)],
                            mathjax_url=MATHJAX_URL)
    body, _ = exporter.from_notebook_node(nb)
    return body


def copy_mathjax(site):
    if not MATHJAX.exists():
        raise SystemExit(f"{MATHJAX} is missing: run `make setup` (it installs MathJax with npm into .tools/site)")
    (site / "mathjax").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MATHJAX, site / MATHJAX_URL)


def index(results):
    """index.html, from run_notebooks' results (run time, graded checks passed)."""
    rows = []
    for r in results:
        name = Path(r["notebook"]).stem
        lab = LABS.get(name, {"title": name, "teaches": "", "original": ""})  # not one of the course's
        passed, graded = r["checks"]
        status = f"{passed} of {graded} passed" + ("" if r["ok"] else f"; <strong>failed</strong> at cell {r['failed_cell']}")
        rows.append(f"""
  <tr><td><a href="{name}.html">{html.escape(lab['title'])}</a></td>
      <td>{html.escape(lab['teaches'])}</td><td>{html.escape(lab['original'])}</td>
      <td class="n">{r['wall_seconds']:.0f} s</td><td>{status}</td></tr>""")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Linear regression in Rust: the labs</title>
<style>
  body {{ font: 15px/1.5 system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }}
  table {{ border-collapse: collapse; width: 100%; }}
  th, td {{ border-bottom: 1px solid #ddd; padding: 0.5em; text-align: left; vertical-align: top; }}
  td.n {{ text-align: right; white-space: nowrap; }}
</style></head>
<body>
<h1>Linear regression in Rust: the labs</h1>
<p>Five classic linear-regression labs, redone in Rust with the
<a href="https://github.com/evcxr/evcxr">evcxr</a> Jupyter kernel and the course's helper
crate, labkit. Each page below is a lab as executed by <code>make run</code>, with its
solutions. Work through them in this order.</p>
<table>
  <tr><th>lab</th><th>what it teaches</th><th>original</th><th>run time</th><th>checks passed</th></tr>{"".join(rows)}
</table>
</body></html>
"""


def write(results, site):
    """Completes the site whose pages run_notebooks.py wrote: MathJax and the index."""
    site.mkdir(parents=True, exist_ok=True)
    copy_mathjax(site)
    (site / "index.html").write_text(index(results))
