"""Every chapter in a real JupyterLab: running the notebooks is as good as reading the site.

For each chapter in _toc.yml, the test opens (a temporary copy of) the notebook in JupyterLab in
headless Chromium, runs all cells as a reader would (Run > Run All Cells), and checks what the
reader sees: no error or warning output; every live widget drawn by the ipywidgets manager, and
one slider, moved, changes its figure; the site's kernel-free sliders work too; figures have alt
text; the MyST markup is rendered by jupyterlab-myst (exercises, solutions, admonitions, {term}
links, the glossary, math; no raw `:label:` or `{term}` text); the hidden assertion cells are
folded; the solutions stay collapsed until the reader opens one. Each chapter's screenshot goes
to _build/screenshots/lab-<chapter>.png. Finally, no request of the session left 127.0.0.1.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
TOC = (ROOT / "_toc.yml").read_text(encoding="utf-8")
CHAPTERS = re.findall(r"-\s*file:\s*(chapters/\S+)", TOC)
RUN_TIMEOUT_MS = 120_000


def notebook_text(chapter: str) -> str:
    """The notebook file as text: enough to tell at collection time which checks apply."""
    return (ROOT / f"{chapter}.ipynb").read_text(encoding="utf-8")


def chapters_with(pattern: str) -> list[str]:
    return [c for c in CHAPTERS if re.search(pattern, notebook_text(c))]


# MyST that must never reach the reader as text (outside code): directive options, fences, roles.
RAW_MYST = re.compile(r"^\s*:[a-z-]+:(\s|$)|:{3,}|`{3,}|\{[a-z][\w:-]*\}`?", re.MULTILINE)
ROLE = re.compile(r"\{(term|doc|ref|numref)\}`([^`]+)`")
DIRECTIVE = re.compile(r"^\s*(?::{3,}|`{3,})\{([\w-]+)\}(.*)$", re.MULTILINE)
# Known and harmless: JupyterLab 4.6's cell toolbar measures a rendered markdown cell through
# `inputArea.renderedInput`, which jupyterlab-myst 2.7's markdown cell does not have, so its
# overlap check throws whenever a markdown cell becomes active. Only that check fails.
KNOWN_JS_ERRORS = ("_markdownOverlapsToolbar",)
# How JupyterLab shows an error or warning output (also inside a widget's Output area).
STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
ADMONITIONS = {"admonition", "note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error"}

OPEN_AND_RUN = """
async (path) => {
  const app = window.jupyterapp;
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook', kernel: {name: 'python3'}});
  await panel.context.ready;
  await panel.sessionContext.ready;
  app.shell.activateById(panel.id);
  panel.content.widgets.forEach((cell, i) => { cell.node.dataset.courseCell = String(i); });
  window.courseRun = {panel, done: false, ok: null, error: null};
  app.commands.execute('notebook:run-all-cells').then(
    (ok) => { window.courseRun.done = true; window.courseRun.ok = ok; },
    (err) => { window.courseRun.done = true; window.courseRun.error = String(err); },
  );
  return panel.id;
}
"""

# The notebook as the reader now has it: sources, metadata and every output.
READ_NOTEBOOK = """
() => {
  const nb = window.courseRun.panel.context.model.toJSON();
  const text = (t) => Array.isArray(t) ? t.join('') : (t || '');
  return nb.cells.map((cell, i) => ({
    index: i,
    type: cell.cell_type,
    source: text(cell.source),
    hidden: Boolean(cell.metadata && cell.metadata.jupyter && cell.metadata.jupyter.source_hidden),
    tags: (cell.metadata && cell.metadata.tags) || [],
    executionCount: cell.execution_count === undefined ? null : cell.execution_count,
    outputs: (cell.outputs || []).map((o) => ({
      type: o.output_type,
      name: o.name || null,
      text: text(o.text),
      error: o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : null,
      mimes: Object.keys(o.data || {}),
    })),
  }));
}
"""

# What jupyterlab-myst drew for each markdown cell: visible text (no editor, code, TeX source),
# links, math, exercises, solutions/dropdowns, glossaries and any rendering error it reports.
READ_MARKDOWN = """
() => {
  const panel = window.courseRun.panel;
  return panel.content.widgets.filter((cell) => cell.model.type === 'markdown').map((cell) => {
    const node = cell.node;
    const rendered = node.querySelector('.myst');
    const clone = (rendered || node.querySelector('.jp-RenderedMarkdown') || node).cloneNode(true);
    clone.querySelectorAll('.cm-editor, .jp-InputPrompt, .katex-mathml, annotation, pre, code, script, style, svg')
      .forEach((el) => el.remove());
    const index = Number(node.dataset.courseCell);
    const all = (sel) => rendered ? Array.from(rendered.querySelectorAll(sel)) : [];
    return {
      index,
      myst: Boolean(rendered),
      editorVisible: Array.from(node.querySelectorAll('.jp-InputArea-editor')).some((e) => e.offsetParent !== null),
      text: clone.textContent,
      links: all('a').map((a) => a.textContent.trim().replace(/\\s+/g, ' ')),
      math: all('.katex').length,
      warnings: all('.katex-error, [title][class*="text-yellow"]')
        .map((e) => e.getAttribute('title') || e.textContent),
      unknown: all('summary').filter((s) => /Unknown Directive/i.test(s.textContent)).map((s) => s.textContent.trim()),
      exercises: all('aside.myst-exercise').length,
      admonitions: all('.myst-admonition').length,
      details: all('details').map((d) => ({open: d.open, summary: d.querySelector('summary').textContent.trim()})),
      terms: all('dl dt').map((dt) => dt.textContent.trim().replace(/\\s+/g, ' ')),
    };
  });
}
"""

CLOSE = """
async () => {
  const run = window.courseRun;
  if (!run) return;
  const panel = run.panel;
  window.courseRun = undefined;
  try { await panel.sessionContext.shutdown(); } catch (e) { /* already gone */ }
  panel.context.model.dirty = false;
  panel.dispose();
}
"""


def chapter_id(chapter: str) -> str:
    return chapter.split("/")[-1]


def first_line(source: str) -> str:
    return source.strip().splitlines()[0][:80] if source.strip() else "(empty)"


def summary(problems: list[str], limit: int = 8) -> str:
    more = len(problems) - limit
    return "; ".join(problems[:limit]) + (f"; and {more} more" if more > 0 else "")


def glossary_terms(source: str) -> list[str]:
    """The first term of each entry of every {glossary} directive in a markdown source."""
    terms = []
    for match in re.finditer(r"^(`{3,}|:{3,})\{glossary\}[^\n]*\n(.*?)^\1\s*$", source, re.MULTILINE | re.DOTALL):
        new_entry = True
        for line in match.group(2).splitlines():
            if not line.strip():
                new_entry = True
            elif line[0].isspace() or line.startswith(":"):
                new_entry = False
            elif new_entry:
                terms.append(line.strip())
                new_entry = False
    return terms


class Chapter:
    """A chapter opened and run in JupyterLab, with what the reader now sees."""

    def __init__(self, name: str, page, panel_id: str, run: dict, cells: list[dict], markdown: list[dict]):
        self.name = name
        self.page = page
        self.panel_id = panel_id
        self.run = run
        self.cells = cells
        self.markdown = markdown

    def cell(self, index: int):
        return self.page.locator(f"[id='{self.panel_id}'] [data-course-cell='{index}']")

    def widget_cells(self) -> list[dict]:
        return [
            c for c in self.cells if any("application/vnd.jupyter.widget-view+json" in o["mimes"] for o in c["outputs"])
        ]


@pytest.fixture(scope="module", params=CHAPTERS, ids=chapter_id)
def chapter(request, lab, screenshots):
    """Open the chapter, run all cells, wait until done; close it (and its kernel) afterwards."""
    name = chapter_id(request.param)
    lab.errors.clear()
    panel_id = lab.evaluate(OPEN_AND_RUN, f"{request.param}.ipynb")
    try:
        try:
            lab.wait_for_function(
                "() => window.courseRun && window.courseRun.done", timeout=RUN_TIMEOUT_MS, polling=250
            )
        except PlaywrightTimeoutError:
            pending = [
                c["index"] for c in lab.evaluate(READ_NOTEBOOK) if c["type"] == "code" and not c["executionCount"]
            ]
            pytest.fail(f"{name}: Run All Cells did not finish in {RUN_TIMEOUT_MS // 1000} s; cells not run: {pending}")
        lab.wait_for_function(
            "() => window.courseRun.panel.sessionContext.session?.kernel?.status === 'idle'", timeout=30_000
        )
        run = lab.evaluate("() => ({ok: window.courseRun.ok, error: window.courseRun.error})")
        cells = lab.evaluate(READ_NOTEBOOK)
        markdown = lab.evaluate(READ_MARKDOWN)
        yield Chapter(name, lab, panel_id, run, cells, markdown)
    finally:
        live = lab.locator(f"[id='{panel_id}'] .jp-Cell:has(.jp-Cell-outputArea .jupyter-widgets)").first
        if live.count():
            live.scroll_into_view_if_needed(timeout=5_000)
        lab.screenshot(path=str(screenshots / f"lab-{name}.png"))
        lab.evaluate(CLOSE)


@pytest.fixture(autouse=True)
def screenshot_on_failure(request, screenshots):
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and "chapter" in request.fixturenames:
        chapter = request.getfixturevalue("chapter")
        chapter.page.screenshot(path=str(screenshots / f"lab-{chapter.name}-{request.node.originalname}.png"))


def test_widget_manager_matches_ipywidgets():
    """ipywidgets 8 talks to the JupyterLab manager of jupyterlab_widgets 3 (widgetsnbextension 4)."""
    major = int(version("ipywidgets").split(".")[0])
    assert major == 8, f"the pins assume ipywidgets 8, found {version('ipywidgets')}"
    assert version("jupyterlab_widgets").startswith("3."), (
        f"ipywidgets 8 needs jupyterlab_widgets 3.x, found {version('jupyterlab_widgets')}"
    )
    assert version("widgetsnbextension").startswith("4."), (
        f"ipywidgets 8 needs widgetsnbextension 4.x, found {version('widgetsnbextension')}"
    )


def test_all_cells_run_without_error_output(chapter):
    problems = []
    for cell in chapter.cells:
        if cell["type"] != "code":
            continue
        where = f"cell {cell['index']} ({first_line(cell['source'])})"
        for output in cell["outputs"]:
            if output["error"]:
                problems.append(f"{where} raised {output['error']}")
            elif output["type"] == "stream" and output["name"] == "stderr":
                problems.append(f"{where} wrote to stderr: {output['text'].strip()[:300]}")
        if cell["executionCount"] is None and not problems:
            problems.append(f"{where} did not run")
    assert not problems, f"{chapter.name} after Run All Cells: " + summary(problems)
    assert chapter.run["error"] is None and chapter.run["ok"], f"{chapter.name}: Run All Cells failed: {chapter.run}"
    errors = [e for e in chapter.page.errors if not any(known in e for known in KNOWN_JS_ERRORS)]
    assert errors == [], f"{chapter.name}: JavaScript errors in JupyterLab: {errors}"


def test_figures_have_alt_text(chapter):
    alts = chapter.page.eval_on_selector_all(
        f"[id='{chapter.panel_id}'] .jp-OutputArea img", "imgs => imgs.map(i => (i.getAttribute('alt') || '').trim())"
    )
    if re.search(r"\bplot_\w+\(|scrubber\(", "\n".join(c["source"] for c in chapter.cells)):
        assert alts, f"{chapter.name}: no figure appeared in the outputs"
    assert all(alts), f"{chapter.name}: {alts.count('')} of {len(alts)} figures have no alt text"


@pytest.mark.parametrize("chapter", chapters_with(r"\binteract(ive)?\("), indirect=True, ids=chapter_id)
def test_live_widgets_render_and_a_slider_changes_its_figure(chapter):
    widget_cells = chapter.widget_cells()
    sources = [c for c in chapter.cells if c["type"] == "code" and re.search(r"\binteract(ive)?\(", c["source"])]
    assert len(widget_cells) >= len(sources), (
        f"{chapter.name}: {len(sources)} cells call interact but only {len(widget_cells)} produced a widget"
    )
    page = chapter.page
    for cell in widget_cells:
        node = chapter.cell(cell["index"])
        node.scroll_into_view_if_needed()
        where = f"{chapter.name} cell {cell['index']} ({first_line(cell['source'])})"
        rendered = node.locator(".jp-Cell-outputArea .jp-OutputArea-output > .jupyter-widgets")
        assert rendered.count() >= 1, (
            f"{where}: the widget did not render (is the ipywidgets JupyterLab manager installed?)"
        )
        text = node.locator(".jp-Cell-outputArea").inner_text()
        assert "Error displaying widget" not in text and "Loading widget" not in text, f"{where}: {text[:200]}"
        controls = node.locator(
            ".jupyter-widgets.widget-interact > .widget-inline-hbox, .widget-slider, .widget-dropdown"
        )
        assert controls.count() >= 1, f"{where}: no widget controls drawn"
        node.locator(".widget-output img").first.wait_for(state="visible", timeout=15_000)
        failed = node.locator(STDERR).all_inner_texts()
        assert not failed, f"{where}: the widget's output shows an error: {failed[0][:500]}"

    cell = next((c for c in widget_cells if chapter.cell(c["index"]).locator(".widget-slider").count()), None)
    if cell is None:
        pytest.fail(f"{chapter.name}: its live widgets have no slider to move")
    node = chapter.cell(cell["index"])
    where = f"{chapter.name} cell {cell['index']} ({first_line(cell['source'])})"
    slider = node.locator(".widget-slider").first
    slider.scroll_into_view_if_needed()
    readout = slider.locator(".widget-readout")
    before_value = readout.inner_text()
    before_src = node.locator(".widget-output img").first.get_attribute("src")
    handle = slider.locator(".noUi-handle").first
    box = handle.bounding_box()
    track = slider.locator(".noUi-base, .noUi-target").first.bounding_box()
    assert box and track, f"{where}: the slider has no size"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Drag the handle a third of the track towards the end that has more room.
    right_room = track["x"] + track["width"] - x
    dx = track["width"] / 3 * (1 if right_room > track["width"] / 2 else -1)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y, steps=4)
    page.mouse.move(x + dx, y, steps=4)
    page.mouse.up()
    after_value = readout.inner_text()
    assert after_value != before_value, f"{where}: dragging the slider did not change its value ({before_value})"
    try:
        page.wait_for_function(
            "([cell, old]) => { const img = cell.querySelector('.widget-output img'); return img && img.src !== old; }",
            arg=[node.element_handle(), before_src],
            timeout=20_000,
        )
    except PlaywrightTimeoutError:
        failed = node.locator(STDERR).all_inner_texts()
        pytest.fail(
            f"{where}: moving the slider from {before_value} to {after_value} did not redraw the figure"
            + (f"; the output shows an error: {failed[0][:500]}" if failed else "")
        )
    page.wait_for_function(
        "() => window.courseRun.panel.sessionContext.session?.kernel?.status === 'idle'", timeout=20_000
    )
    failed = node.locator(STDERR).all_inner_texts()
    assert not failed, f"{where}: after moving the slider the output shows an error: {failed[0][:500]}"


@pytest.mark.parametrize("chapter", chapters_with(r"scrubber\("), indirect=True, ids=chapter_id)
def test_kernel_free_sliders_work_in_jupyterlab_too(chapter):
    """The site's pre-rendered players (mlcourse.figures.scrubber.scrubber) are also in the notebook."""
    players = chapter.page.locator(f"[id='{chapter.panel_id}'] .jp-Cell-outputArea .mlcourse-scrubber")
    assert players.count() >= 1, f"{chapter.name}: the scrubber() output did not render in JupyterLab"
    for i in range(players.count()):
        player = players.nth(i)
        player.scroll_into_view_if_needed()
        image = player.locator("img").first
        slider = player.locator("input[type=range]").first
        before = image.get_attribute("src")
        slider.focus()
        chapter.page.keyboard.press("End")
        chapter.page.wait_for_function(
            "([img, old]) => img.getAttribute('src') !== old", arg=[image.element_handle(), before], timeout=5_000
        )


def test_myst_markup_is_rendered(chapter):
    problems = []
    for md in chapter.markdown:
        source = chapter.cells[md["index"]]["source"]
        where = f"cell {md['index']} ({first_line(source)})"
        raw = sorted({m.group(0).strip() for m in RAW_MYST.finditer(md["text"])})
        if not md["myst"]:
            problems.append(f"{where} is not rendered by jupyterlab-myst" + (f": shows raw MyST {raw}" if raw else ""))
            continue
        if md["editorVisible"]:
            problems.append(f"{where} shows its source editor instead of the rendered text")
        if raw:
            problems.append(f"{where} shows raw MyST {raw}")
        if md["unknown"]:
            problems.append(f"{where}: {md['unknown']}")
        if md["warnings"]:
            problems.append(f"{where}: jupyterlab-myst flags {md['warnings']}")
        if "$" in source and md["math"] == 0:
            problems.append(f"{where} has $math$ but no rendered formula")
        links = {link.lower() for link in md["links"]}
        for role, content in ROLE.findall(source):
            explicit = re.match(r"(.*?)\s*<([^>]+)>\s*$", content, re.DOTALL)
            text = " ".join((explicit.group(1) if explicit else content).split())
            if (role == "term" or explicit) and text.lower() not in links:
                shown = [link for link in md["links"] if link.lower().startswith(text.lower())]
                problems.append(
                    f"{where}: {{{role}}}`{' '.join(content.split())}` should show as a link reading {text!r}, "
                    + (f"shows {shown} (keep a role on one line)" if shown else "no such link")
                )
        directives = [name for name, _ in DIRECTIVE.findall(source)]
        exercises = directives.count("exercise")
        if md["exercises"] < exercises:
            problems.append(f"{where}: {exercises} exercises in the source, {md['exercises']} rendered")
        admonitions = sum(d in ADMONITIONS for d in directives)
        if md["admonitions"] < admonitions:
            problems.append(f"{where}: {admonitions} admonitions in the source, {md['admonitions']} rendered")
    assert not problems, f"{chapter.name}: " + summary(problems)


@pytest.mark.parametrize("chapter", chapters_with(r"\{glossary\}"), indirect=True, ids=chapter_id)
def test_glossary_reads_as_a_definition_list(chapter):
    expected = {md["index"]: glossary_terms(chapter.cells[md["index"]]["source"]) for md in chapter.markdown}
    expected = {i: terms for i, terms in expected.items() if terms}
    if not expected:
        pytest.fail(f"{chapter.name}: its {{glossary}} directive holds no terms")
    for md in chapter.markdown:
        if md["index"] in expected:
            rendered = {t.lower() for t in md["terms"]}
            missing = [t for t in expected[md["index"]] if t.lower() not in rendered]
            assert not missing, (
                f"{chapter.name} cell {md['index']}: jupyterlab-myst does not show these glossary terms as a "
                f"definition list (it needs `Term` then `  : definition`): {missing}"
            )


@pytest.mark.parametrize(
    "chapter", chapters_with(r'"remove-cell"|"source_hidden": true'), indirect=True, ids=chapter_id
)
def test_hidden_assertion_cells_are_folded(chapter):
    """The assertion cells the site removes (tag remove-cell) show folded in JupyterLab too."""
    hidden = [c for c in chapter.cells if c["type"] == "code" and (c["hidden"] or "remove-cell" in c["tags"])]
    if not hidden:
        pytest.fail(f"{chapter.name}: hidden cells were expected but none were found")
    for cell in hidden:
        node = chapter.cell(cell["index"])
        node.scroll_into_view_if_needed()
        where = f"{chapter.name} cell {cell['index']} ({first_line(cell['source'])})"
        assert node.locator(".jp-InputPlaceholder").is_visible(), (
            f"{where}: its source is not folded (give it the metadata jupyter.source_hidden: true)"
        )
        assert not node.locator(".jp-InputArea-editor").is_visible(), f"{where}: its source is in plain view"


@pytest.mark.parametrize("chapter", chapters_with(r"\{solution\}"), indirect=True, ids=chapter_id)
def test_solutions_stay_collapsed_until_opened(chapter):
    counts = {
        md["index"]: len(re.findall(r"\{solution\}", chapter.cells[md["index"]]["source"])) for md in chapter.markdown
    }
    if not any(counts.values()):
        pytest.fail(f"{chapter.name}: {{solution}} in the source but none found in its markdown cells")
    for md in chapter.markdown:
        where = f"{chapter.name} cell {md['index']}"
        solutions = [d for d in md["details"] if d["summary"].startswith("Solution")]
        assert len(solutions) >= counts[md["index"]], (
            f"{where}: {counts[md['index']]} solutions in the source, {len(solutions)} rendered as dropdowns"
        )
        opened = [d["summary"] for d in md["details"] if d["open"]]
        assert not opened, f"{where}: dropdowns open before the reader asks: {opened}"
    first = next(i for i, n in counts.items() if n)
    summary = chapter.page.locator("summary", has_text=re.compile(r"^\s*Solution"))
    details = chapter.cell(first).locator("details", has=summary).first
    body = details.locator(":scope > :not(summary)").first
    details.scroll_into_view_if_needed()
    assert not body.is_visible(), f"{chapter.name}: the solution is visible before the reader asks"
    details.locator("summary").click()
    body.wait_for(state="visible", timeout=5_000)
    details.locator("summary").click()


def test_no_javascript_errors_in_the_session(lab):
    errors = [e for e in lab.all_errors if not any(known in e for known in KNOWN_JS_ERRORS)]
    assert errors == [], f"JavaScript errors in JupyterLab during the session: {errors}"


def test_jupyterlab_does_not_ask_about_news(lab):
    """lab/overrides.json answers JupyterLab's "official Jupyter news?" question with "never"."""
    toasts = " ".join(lab.locator(".Toastify__toast").all_inner_texts())
    assert "news" not in toasts.lower(), f"JupyterLab asks about fetching news: {toasts!r}"
    setting = lab.evaluate(
        """async () => {
          const id = '@jupyterlab/apputils-extension:notification';
          const s = await window.jupyterapp.serviceManager.settings.fetch(id);
          const value = (key) => key in (s.settings || {}) ? s.settings[key] : s.schema.properties[key].default;
          return {fetchNews: value('fetchNews'), checkForUpdates: value('checkForUpdates')};
        }"""
    )
    assert setting == {"fetchNews": "false", "checkForUpdates": False}, f"lab/overrides.json is not applied: {setting}"


def test_no_request_leaves_127_0_0_1(lab):
    web = [urlparse(u) for u in lab.requests if urlparse(u).scheme in {"http", "https", "ws", "wss"}]
    assert web, "the JupyterLab session made no requests at all"
    outside = sorted({u.geturl() for u in web if u.hostname != "127.0.0.1"})
    assert outside == [], f"JupyterLab made requests beyond 127.0.0.1: {outside}"
