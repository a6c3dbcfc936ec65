"""What users see, in a real browser: Debian's chromium, driven by Playwright.

- The course site (build/test/site, the pages of the notebooks the tests executed) opened
  from disk with every network request refused: the pages ask for nothing from the network,
  every formula is typeset (no `$` left in the prose, no MathJax error).
- JupyterLab, as `make lab` starts it: lab04 opened, Run All, no error and nothing on stderr,
  the figures drawn, and the slope slider moves its caption.

Screenshots go to build/screenshots/. Without a browser (no `chromium` on PATH; .ci/run
installs it) the tests are skipped and the test summary says so in red.
"""
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tests.conftest import LOUD, NOTEBOOKS, ROOT
from tools import course_site

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / "build" / "screenshots"
if not CHROMIUM:
    LOUD.append("the real-browser tests (tests/test_browser.py) were SKIPPED: no chromium on PATH "
                "(`apt-get install chromium`; .ci/run does this)")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no chromium on PATH (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        # --no-sandbox: chromium's own sandbox needs user namespaces that CI containers lack
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


# ---------------------------------------------------------------- the course site, offline
@pytest.fixture(scope="module")
def site(executed):
    runs = [executed[name] for name in NOTEBOOKS]
    folder = executed.out / "site"
    course_site.write([r.result for r in runs], folder)
    return folder


def offline_page(browser, requested):
    """A page whose requests other than file:// are refused and recorded in `requested`."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})

    def only_files(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            requested.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    return context.new_page()


def test_site_index_lists_every_lab_with_its_checks(browser, site):
    requested = []
    page = offline_page(browser, requested)
    page.goto((site / "index.html").as_uri())
    page.screenshot(path=str(SHOTS / "site-index.png"), full_page=True)
    rows = page.locator("table tr").all_inner_texts()[1:]
    assert len(rows) == len(NOTEBOOKS)
    for name, row in zip(NOTEBOOKS, rows):
        # the solution notebook passes all its check cells (code cells nbgrader grades), counted here
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        graded = sum(c.cell_type == "code" and bool(c.metadata.get("nbgrader", {}).get("grade")) for c in nb.cells)
        assert graded > 0 and f"{graded} of {graded} passed" in row, (name, row)
        assert course_site.LABS[name]["title"] in row
    for name in NOTEBOOKS:
        assert page.locator(f'a[href="{name}.html"]').count() == 1
    assert requested == []


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_site_pages_typeset_every_formula_offline(browser, site, executed, name):
    requested = []
    page = offline_page(browser, requested)
    page.goto((site / f"{name}.html").as_uri())
    # MathJax 3 resolves startup.promise once the page is typeset
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
    page.evaluate("() => MathJax.startup.promise")
    if name == "lab04":
        page.screenshot(path=str(SHOTS / "site-lab04.png"))
    prose = page.locator(".jp-RenderedMarkdown").all_inner_texts()
    untypeset = [line for text in prose for line in text.splitlines() if "$" in line]
    assert untypeset == [], f"{name}: formulas left as TeX: {untypeset[:3]}"
    has_maths = any("$" in c.source for c in executed[name].nb.cells if c.cell_type == "markdown")
    assert (page.locator("mjx-container").count() > 0) == has_maths, f"{name}: formulas typeset: {not has_maths}"
    assert page.locator("mjx-merror").count() == 0, f"{name}: MathJax could not typeset a formula"
    code = "\n".join(page.locator(".jp-InputArea").all_inner_texts())
    assert not re.search(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)", code), f"{name}: grader markers on the page"
    assert requested == [], f"{name} asked the network for {requested}"


def move_slider_to_the_end(page):
    """(caption, value) of lab04's first slope slider before and after moving it to the end."""
    explorer = page.locator(".labkit-explorer").first
    explorer.scroll_into_view_if_needed()
    shown = lambda: (explorer.locator(":scope > .labkit-frame:visible").inner_text(),
                     explorer.locator("output").inner_text())
    before = shown()
    slider = explorer.locator("input[type=range]")
    slider.fill(slider.get_attribute("max"))  # sets the value and fires input, as dragging does
    return before, shown()


def test_site_slider_moves_its_caption_offline(browser, site):
    requested = []
    page = offline_page(browser, requested)
    page.goto((site / "lab04.html").as_uri())
    (caption, value), (caption_after, value_after) = move_slider_to_the_end(page)
    page.screenshot(path=str(SHOTS / "site-lab04-slider.png"))
    assert caption_after != caption and value_after != value, (caption, caption_after)
    assert requested == []


# ---------------------------------------------------------------- JupyterLab
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab on a copy of notebooks/ (beside a link to the crate), started the way
    `make lab` starts it, with its settings in a temporary folder."""
    home = tmp_path_factory.mktemp("lab")
    (home / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "lab04.ipynb", home / "notebooks")
    (home / "crate").symlink_to(ROOT / "crate")
    port, token = free_port(), "labkit-browser-test"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTER_PLATFORM_DIRS": "1"}
    args = [str(ROOT / ".venv" / "bin" / "jupyter"), "lab", "--no-browser", f"--port={port}",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home / 'notebooks'}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}", "--LabApp.expose_app_in_browser=True"]
    if os.geteuid() == 0:
        args.append("--allow-root")  # as `make lab` does for root
    log = open(home / "jupyterlab.log", "w")
    server = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, (home / "jupyterlab.log").read_text()[-3000:]
            time.sleep(0.5)
    yield url, token
    server.terminate()
    server.wait(30)


NOTEBOOK = "window.jupyterapp.shell.currentWidget"
KERNEL = f"{NOTEBOOK}.sessionContext.session.kernel"


def test_lab04_runs_in_jupyterlab_and_its_slider_moves(browser, jupyterlab, executed):
    url, token = jupyterlab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/lab/tree/lab04.ipynb?token={token}")
    page.wait_for_function(f"() => window.jupyterapp && {NOTEBOOK} && {NOTEBOOK}.sessionContext"
                           f" && {NOTEBOOK}.sessionContext.session && {KERNEL} && {KERNEL}.status === 'idle'",
                           timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # done when every code cell has an execution count and the kernel is idle again
    page.wait_for_function(
        f"""() => {KERNEL}.status === 'idle' && {NOTEBOOK}.content.widgets
             .filter(c => c.model.type === 'code').every(c => c.model.executionCount !== null)""",
        timeout=600_000, polling=1000)
    outputs = page.evaluate(f"""() => {NOTEBOOK}.content.widgets.filter(c => c.model.type === 'code')
                                  .map(c => c.model.outputs.toJSON())""")
    page.screenshot(path=str(SHOTS / "jupyterlab-lab04.png"))
    flat = [o for cell in outputs for o in cell]
    bad = [o for o in flat if o["output_type"] == "error" or o.get("name") == "stderr"]
    assert bad == [], f"errors or stderr in JupyterLab: {str(bad)[:2000]}"
    # the same figures as the headless run of the tests
    svgs = sum("image/svg+xml" in o.get("data", {}) for o in flat)
    assert svgs == len(executed["lab04"].outputs("image/svg+xml")) > 0
    assert page.locator(".jp-OutputArea-output img, .jp-OutputArea-output svg").count() >= svgs

    (caption, value), (caption_after, value_after) = move_slider_to_the_end(page)
    page.screenshot(path=str(SHOTS / "jupyterlab-lab04-slider.png"))
    assert caption_after != caption and value_after != value, (caption, caption_after)
