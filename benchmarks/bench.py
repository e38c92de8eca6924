"""The course's speed benchmark: prints a table and writes it to _build/bench.md.

Absolute times differ about twofold between machines of the reference kind, so most numbers are
reported as ratios to a baseline measured in the same run, on the same machine:

- each chapter notebook against an empty notebook that imports the same libraries (kernel start
  and imports included in both): budget <= 3x;
- the no-change rebuild of the book against a clean build of an empty book (one trivial page);
- mlcourse kernels against scipy (softmax, log_softmax, logsumexp): budget <= 1.2x;
- SmolLM2, when the model module and its cached weights are there: load time <= 1.5 s, and each
  generated token against a floor = one mat-vec over every float32 weight matrix: <= 1.5x;
- the speed claims chapter prose makes ("one softmax over 50,257 logits takes about 0.1 ms").

Page weights are absolute (bytes do not depend on the machine): each page < 2 MB.

This is a benchmark, not a test: it never fails on a missed budget, it reports it.
A measurement is a function returning a ``Section``; add one to ``SECTIONS`` to report more.

Usage: ``make bench`` (or ``python benchmarks/bench.py --runs 3 [--skip-builds]``); while working on
one chapter, ``python benchmarks/bench.py --only notebooks --chapters 04`` times just that one.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOK_RATIO_BUDGET = 3.0
NOCHANGE_RATIO_BUDGET = 1.5
KERNEL_RATIO_BUDGET = 1.2
MODEL_LOAD_BUDGET_S = 1.5
TOKEN_RATIO_BUDGET = 1.5
PAGE_BUDGET_BYTES = 2_000_000


@dataclass
class Row:
    """One measured line: what, the measurement as text, and the number checked against ``budget``."""

    name: str
    measured: str
    value: float | None = None
    budget: float | None = None
    budget_text: str = ""

    def verdict(self) -> str:
        if self.value is None or self.budget is None:
            return self.budget_text
        return f"{self.budget_text} {'ok' if self.value <= self.budget else 'OVER BUDGET'}"


@dataclass
class Section:
    title: str
    columns: tuple[str, str]  # headers of the "measured" and "budget" columns
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> list[str]:
        lines = [f"## {self.title}", ""]
        lines += [*self.notes, ""] if self.notes else []
        if self.rows:
            lines += [f"| | {self.columns[0]} | {self.columns[1]} |", "|---|---:|---|"]
            lines += [f"| {r.name} | {r.measured} | {r.verdict()} |" for r in self.rows]
        return [*lines, ""]


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# Notebooks ---------------------------------------------------------------------------------------


def execute_notebook(nb: nbformat.NotebookNode, cwd: Path) -> None:
    """Run a notebook in a fresh kernel; the kernel's start-up chatter on stderr is shown only on failure."""
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    with tempfile.TemporaryFile() as log:
        saved = os.dup(2)
        os.dup2(log.fileno(), 2)  # the kernel inherits this file descriptor
        try:
            client.execute()
        except Exception:
            os.dup2(saved, 2)
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def chapters() -> list[Path]:
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    return [ROOT / f"{name}.ipynb" for name in re.findall(r"file:\s*(chapters/\S+)", toc)]


def imports_of(nb: nbformat.NotebookNode) -> list[str]:
    """Every import statement in the notebook's code cells (any depth), in order, without repeats."""
    found: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                statement = ast.unparse(node)
                if statement not in found:
                    found.append(statement)
    return found


def empty_notebook_like(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A notebook with one cell: the chapter's imports plus numpy, matplotlib and mlcourse."""
    base = ["import numpy", "import matplotlib.pyplot", "import mlcourse"]
    empty = nbformat.v4.new_notebook(metadata=nb.metadata)
    empty.cells = [nbformat.v4.new_code_cell("\n".join([*base, *(s for s in imports_of(nb) if s not in base)]))]
    return empty


def notebook_section(runs: int, only: list[str] | None = None) -> Section:
    section = Section(
        "Notebook execution, as a multiple of an empty notebook with the same imports",
        ("chapter s / empty s = ratio", "budget"),
        notes=["Both include the kernel start; they are run alternately, medians of the runs."],
    )
    total = total_empty = 0.0
    for path in chapters():
        if only and not any(part in path.name for part in only):
            continue
        nb = nbformat.read(path, as_version=4)
        empty = empty_notebook_like(nb)
        times: dict[str, list[float]] = {"chapter": [], "empty": []}
        for _ in range(runs):
            for name, notebook in (("empty", empty), ("chapter", nb)):
                copy = nbformat.from_dict(notebook)
                start = time.perf_counter()
                execute_notebook(copy, path.parent)
                times[name].append(time.perf_counter() - start)
        seconds, baseline = statistics.median(times["chapter"]), statistics.median(times["empty"])
        total, total_empty = total + seconds, total_empty + baseline
        ratio = seconds / baseline
        section.rows.append(
            Row(path.name, f"{seconds:.2f} / {baseline:.2f} = {ratio:.1f}x", ratio, NOTEBOOK_RATIO_BUDGET, "<= 3x")
        )
    section.rows.append(Row("**whole course**", f"{total:.2f} / {total_empty:.2f} = {total / total_empty:.1f}x"))
    return section


# Book builds -------------------------------------------------------------------------------------


def scratch_copy() -> Path:
    """A copy of the tracked and untracked (not ignored) files, for builds that edit sources."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    target = Path(tempfile.mkdtemp(prefix="mlcourse-bench-"))
    for name in files:
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def empty_book() -> Path:
    """A scratch book with one trivial page and no extensions: what Jupyter Book itself costs."""
    where = Path(tempfile.mkdtemp(prefix="mlcourse-bench-empty-"))
    (where / "_config.yml").write_text('title: empty\nexclude_patterns: ["_build", ".*"]\n', encoding="utf-8")
    (where / "_toc.yml").write_text("format: jb-book\nroot: index\n", encoding="utf-8")
    (where / "index.md").write_text("# Empty\n\nOne trivial page.\n", encoding="utf-8")
    return where


def build(where: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going", "-q"],
        cwd=where,
        check=True,
        capture_output=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    return time.perf_counter() - start


def clean_build(where: Path) -> float:
    shutil.rmtree(where / "_build", ignore_errors=True)
    return build(where)


def edit_first_markdown_cell(path: Path, stamp: int) -> None:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    cell.source += f"\n\n<!-- bench edit {stamp} -->"
    nbformat.write(nb, path)


def build_section(runs: int) -> Section:
    work, empty = scratch_copy(), empty_book()
    try:
        empty_s = statistics.median(clean_build(empty) for _ in range(runs))
        clean = statistics.median(clean_build(work) for _ in range(runs))
        nochange = statistics.median(build(work) for _ in range(runs))
        prose = []
        for i in range(runs):
            edit_first_markdown_cell(work / "chapters" / chapters()[0].name, i)
            prose.append(build(work))
        package = []
        for i in range(runs):
            with open(work / "mlcourse" / "__init__.py", "a", encoding="utf-8") as f:
                f.write(f"# bench edit {i}\n")
            package.append(build(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(empty, ignore_errors=True)

    def row(name: str, seconds: float, budget: float | None = None) -> Row:
        ratio = seconds / empty_s
        return Row(name, f"{seconds:.2f} s = {ratio:.1f}x", ratio, budget, f"<= {budget:g}x" if budget else "")

    return Section(
        "Book builds (scratch copy), as a multiple of a clean build of an empty book",
        ("seconds = ratio", "budget"),
        rows=[
            Row("clean build of an empty book (one trivial page)", f"{empty_s:.2f} s = 1x"),
            row("clean build", clean),
            row("no-change rebuild", nochange, NOCHANGE_RATIO_BUDGET),
            row("rebuild after editing one chapter's prose", statistics.median(prose)),
            row("rebuild after changing mlcourse", statistics.median(package)),
        ],
    )


# Page weight -------------------------------------------------------------------------------------


def page_weights(site: Path) -> list[tuple[str, int, int]]:
    """Per page: its own weight (HTML + images) and its first-visit weight (with theme assets)."""
    weights = []
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.parts or "_sources" in page.parts:
            continue
        html = page.read_text(encoding="utf-8", errors="replace")
        total = own = len(html.encode())
        seen = set()
        for ref in re.findall(r'(?:src|href)="([^"#?]+)', html):
            if urlparse(ref).scheme or ref.endswith((".html", ".zip")) or ref in seen:
                continue
            seen.add(ref)
            target = (site / ref.lstrip("/") if ref.startswith("/") else page.parent / ref).resolve()
            if target.is_file():
                total += target.stat().st_size
                if target.suffix in {".png", ".svg", ".jpg", ".gif"}:
                    own += target.stat().st_size
                if target.suffix == ".css":  # fonts and images a stylesheet pulls in
                    css = target.read_text(encoding="utf-8", errors="replace")
                    for url in set(re.findall(r"url\(['\"]?([^'\")?#]+)", css)):
                        asset = (target.parent / url).resolve()
                        if asset.is_file() and asset.suffix in {".woff2", ".png", ".svg"}:
                            total += asset.stat().st_size
        weights.append((str(page.relative_to(site)), own, total))
    return weights


def page_weight_section(runs: int) -> Section:
    site = ROOT / "_build" / "html"
    section = Section(
        "Page weight",
        ("own kB (first visit kB)", "budget"),
        notes=[
            "Own: HTML (slider frames inlined) + images. First visit: with the shared theme scripts, styles",
            "and fonts (cached after the first page; MathJax only on pages with math).",
        ],
    )
    if not (site / "index.html").exists():
        section.notes = ["not available: no site in _build/html (run `make book`)."]
        return section
    for page, own, total in page_weights(site):
        kb = f"{own / 1000:.0f} ({total / 1000:.0f})"
        section.rows.append(Row(page, kb, own, PAGE_BUDGET_BYTES, "< 2 MB"))
    site_bytes = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    section.rows.append(Row("**whole site on disk**", f"{site_bytes / 1000:.0f}"))
    return section


# Kernels -----------------------------------------------------------------------------------------


def fastest(fn: Callable[[], object], runs: int, number: int = 5) -> float:
    fn()
    return min(timeit.repeat(fn, number=number, repeat=max(runs, 5))) / number


def kernel_section(runs: int) -> Section:
    import numpy as np
    import scipy.special

    from mlcourse import softmax as ours

    x = np.random.default_rng(0).normal(0.0, 3.0, size=(64, 50_257))
    pairs = [
        ("softmax", lambda: ours.softmax(x), lambda: scipy.special.softmax(x, axis=-1)),
        ("log_softmax", lambda: ours.log_softmax(x), lambda: scipy.special.log_softmax(x, axis=-1)),
        ("logsumexp", lambda: ours.logsumexp(x), lambda: scipy.special.logsumexp(x, axis=-1)),
    ]
    section = Section(
        f"{ours.__name__} kernels vs scipy.special, 64 x 50,257 (same process)", ("ms / ms = ratio", "budget")
    )
    for name, mine, reference in pairs:
        t_ours, t_ref = fastest(mine, runs), fastest(reference, runs)
        ratio = t_ours / t_ref
        measured = f"{t_ours * 1e3:.2f} / {t_ref * 1e3:.2f} = {ratio:.2f}x"
        section.rows.append(Row(name, measured, ratio, KERNEL_RATIO_BUDGET, f"<= {KERNEL_RATIO_BUDGET}x"))
    return section


def claims_section(runs: int) -> Section:
    """The speed claims of chapter 3's prose, timed here instead of asserted in the notebook."""
    import numpy as np

    from mlcourse import softmax as ours

    section = Section("Speed claims in the chapters (absolute: the prose states times)", ("measured", "budget"))
    logits = np.random.default_rng(0).normal(0.0, 4.0, size=50_257)
    seconds = fastest(lambda: ours.softmax(logits), runs, number=100)
    section.rows.append(Row("one softmax over 50,257 logits", f"{seconds * 1e3:.3f} ms", seconds, 0.05, "< 50 ms"))
    try:
        from mlcourse import ngram as lm
    except ImportError:
        section.notes.append("character n-gram fit: not available (no mlcourse.ngram).")
        return section
    corpus = lm.load_corpus()
    seconds = median_time(lambda: lm.CharNGram(order=4, smoothing=0.01).fit(corpus), runs)
    section.rows.append(
        Row("fit a 4-gram character model on the corpus", f"{seconds * 1e3:.0f} ms", seconds, 0.5, "< 0.5 s")
    )
    return section


# SmolLM2 ------------------------------------------------------------------------------------------

#: Load time in a fresh process (load_smollm2 caches the model per process), imports included.
LOAD_SMOLLM2 = (
    "import time; t0 = time.perf_counter(); from mlcourse import load_smollm2; load_smollm2(); "
    "print(time.perf_counter() - t0)"
)


def weight_matrices(model) -> list:
    """The matrices one generated token multiplies by: every block's, and the tied output head."""
    params = model.params
    return [w for block in params["blocks"] for w in block.values() if w.ndim == 2] + [params["token_embd"].T]


def smollm2_section(runs: int) -> Section:
    section = Section("SmolLM2-135M (numpy, one BLAS thread)", ("measured", "budget"))
    if importlib.util.find_spec("mlcourse.smollm2") is None:
        section.notes.append("not available: mlcourse.smollm2 is not in this version of the package.")
        return section
    import numpy as np

    from mlcourse import load_smollm2

    try:
        model = load_smollm2()
    except Exception as error:  # no cached weights, or a broken cache: report, never fail
        section.notes.append(f"not available: the model does not load ({error}); run `make weights`.")
        return section
    loads = [
        float(subprocess.run([sys.executable, "-c", LOAD_SMOLLM2], capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    ]
    load_s = statistics.median(loads)
    section.rows.append(
        Row("load the model (fresh process)", f"{load_s:.2f} s", load_s, MODEL_LOAD_BUDGET_S, "<= 1.5 s")
    )

    # One decode step with the KV cache, interleaved with the floor (one mat-vec over every float32
    # weight matrix) so that both see the same load on the machine; median of the step-by-step ratios.
    matrices = weight_matrices(model)
    x = {n: np.ones((1, n), np.float32) for n in {w.shape[0] for w in matrices}}
    cache, token = model.new_cache(), 100
    model.step(list(range(100, 120)), cache)  # a 20-token prompt
    steps, floors = [], []
    for _ in range(16 * runs):
        t0 = time.perf_counter()
        token = int(np.argmax(model.step([token], cache)[-1]))
        t1 = time.perf_counter()
        for w in matrices:
            x[w.shape[0]] @ w
        steps.append(t1 - t0)
        floors.append(time.perf_counter() - t1)
    ratio = statistics.median(s / f for s, f in zip(steps, floors, strict=True))
    n_weights = sum(w.size for w in matrices)
    floor_ms, step_ms = statistics.median(floors) * 1e3, statistics.median(steps) * 1e3
    section.rows += [
        Row(f"floor: one mat-vec over {len(matrices)} float32 matrices ({n_weights:,} weights)", f"{floor_ms:.1f} ms"),
        Row("one generated token (KV cache)", f"{step_ms:.1f} ms = {ratio:.2f}x", ratio, TOKEN_RATIO_BUDGET, "<= 1.5x"),
    ]
    return section


SECTIONS: list[tuple[str, Callable[[int], Section]]] = [
    ("notebooks", notebook_section),
    ("builds", build_section),
    ("pages", page_weight_section),
    ("kernels", kernel_section),
    ("claims", claims_section),
    ("smollm2", smollm2_section),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--skip-builds", action="store_true", help="skip the book builds (quick run)")
    parser.add_argument("--only", nargs="+", choices=[name for name, _ in SECTIONS], help="measure only these")
    parser.add_argument("--chapters", nargs="+", metavar="PART", help="time only chapters whose file name has PART")
    args = parser.parse_args()
    chosen = [
        (name, measure)
        for name, measure in SECTIONS
        if (args.only is None or name in args.only) and not (args.skip_builds and name == "builds")
    ]

    lines = ["# Benchmark", "", f"Medians of {args.runs} runs on {os.cpu_count()} cores. Never fails: it reports.", ""]
    for _, measure in chosen:
        section = measure(args.runs, args.chapters) if measure is notebook_section else measure(args.runs)
        print("\n".join(section.markdown()), flush=True)
        lines += section.markdown()
    out = ROOT / "_build" / "bench.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"Written to {out}")


if __name__ == "__main__":
    main()
