"""The course's speed benchmark: prints a table and writes it to _build/bench.md.

It measures what readers and CI wait for, on this machine, as medians of several runs:

- executing each chapter notebook, kernel start included, and the whole course;
- building the book: clean, with no change, after editing one chapter's prose, and after
  changing ``mlcourse`` (each in a scratch copy of the repository, never in the work tree);
- the weight of every page (HTML plus the images, scripts, styles and fonts it loads);
- ``mlcourse`` kernels against reference libraries, side by side in this process.

Budgets (on the 2-core reference machine) are printed beside each number. This is a
benchmark, not a test: it never fails on a missed budget, it reports it.

Usage: ``make bench`` (or ``python benchmarks/bench.py --runs 3``).
"""

from __future__ import annotations

import argparse
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
from pathlib import Path
from urllib.parse import urlparse

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOK_BUDGET_S = 5.0
COURSE_BUDGET_S = 30.0
CLEAN_BUILD_BUDGET_S = 60.0
NOCHANGE_BUDGET_S = 3.0
PAGE_BUDGET_BYTES = 2_000_000
KERNEL_RATIO_BUDGET = 1.2


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def execute_notebook(path: Path) -> None:
    """Run a notebook in a fresh kernel; the kernel's start-up chatter on stderr is shown only on failure."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
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


def edit_first_markdown_cell(path: Path, stamp: int) -> None:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    cell.source += f"\n\n<!-- bench edit {stamp} -->"
    nbformat.write(nb, path)


def build_times(runs: int) -> list[tuple[str, float, float]]:
    work = scratch_copy()
    try:
        clean = []
        for _ in range(runs):
            shutil.rmtree(work / "_build", ignore_errors=True)
            clean.append(build(work))
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
    return [
        ("clean build", statistics.median(clean), CLEAN_BUILD_BUDGET_S),
        ("no-change rebuild", nochange, NOCHANGE_BUDGET_S),
        ("rebuild after editing one chapter's prose", statistics.median(prose), CLEAN_BUILD_BUDGET_S),
        ("rebuild after changing mlcourse", statistics.median(package), CLEAN_BUILD_BUDGET_S),
    ]


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
            if urlparse(ref).scheme or ref.endswith(".html") or ref in seen:
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


def kernel_ratios(runs: int) -> list[tuple[str, float, float]]:
    import numpy as np
    import scipy.special

    from mlcourse import decoding, softmax

    rng = np.random.default_rng(0)
    x = rng.normal(0.0, 3.0, size=(64, decoding.GPT2_VOCAB_SIZE))
    pairs = [
        ("softmax 64 x 50,257", lambda: softmax.softmax(x), lambda: scipy.special.softmax(x, axis=-1)),
        ("log_softmax 64 x 50,257", lambda: softmax.log_softmax(x), lambda: scipy.special.log_softmax(x, axis=-1)),
        ("logsumexp 64 x 50,257", lambda: softmax.logsumexp(x), lambda: scipy.special.logsumexp(x, axis=-1)),
    ]
    rows = []
    for name, ours, reference in pairs:
        ours()
        reference()
        t_ours = min(timeit.repeat(ours, number=5, repeat=max(runs, 5))) / 5
        t_ref = min(timeit.repeat(reference, number=5, repeat=max(runs, 5))) / 5
        rows.append((name, t_ours, t_ref))
    return rows


def mark(ok: bool) -> str:
    return "ok" if ok else "OVER BUDGET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--skip-builds", action="store_true", help="skip the book builds (quick run)")
    args = parser.parse_args()

    lines = ["# Benchmark", "", f"Median of {args.runs} runs on {os.cpu_count()} cores.", ""]
    lines += ["## Notebook execution (kernel start included)", "", "| notebook | seconds | budget |", "|---|---:|---|"]
    total = 0.0
    for path in chapters():
        seconds = median_time(lambda p=path: execute_notebook(p), args.runs)
        total += seconds
        lines.append(
            f"| {path.name} | {seconds:.2f} | < {NOTEBOOK_BUDGET_S:.0f} s {mark(seconds < NOTEBOOK_BUDGET_S)} |"
        )
    lines.append(f"| **whole course** | **{total:.2f}** | < {COURSE_BUDGET_S:.0f} s {mark(total < COURSE_BUDGET_S)} |")

    if not args.skip_builds:
        lines += ["", "## Book builds (scratch copy)", "", "| build | seconds | budget |", "|---|---:|---|"]
        for name, seconds, budget in build_times(args.runs):
            lines.append(f"| {name} | {seconds:.2f} | < {budget:.0f} s {mark(seconds < budget)} |")

    site = ROOT / "_build" / "html"
    if (site / "index.html").exists():
        weights = page_weights(site)
        lines += ["", "## Page weight", "", "Own: HTML (slider frames inlined) + images. First visit: with the shared"]
        lines += ["theme scripts, styles and fonts (cached after the first page; MathJax only on pages with math)."]
        lines += ["", "| page | own kB | budget | first visit kB |", "|---|---:|---|---:|"]
        for page, own, total in weights:
            verdict = mark(own < PAGE_BUDGET_BYTES)
            lines.append(f"| {page} | {own / 1000:.0f} | < 2 MB {verdict} | {total / 1000:.0f} |")
        site_bytes = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        lines.append(f"| **whole site on disk** | **{site_bytes / 1000:.0f}** | |")
    else:
        lines += ["", "(No site in _build/html: run `make book` to include page weights.)"]

    lines += ["", "## mlcourse kernels vs reference (same process)", ""]
    lines += ["| kernel | mlcourse ms | reference ms | ratio | budget |", "|---|---:|---:|---:|---|"]
    for name, ours, ref in kernel_ratios(args.runs):
        ratio = ours / ref
        lines.append(
            f"| {name} | {ours * 1e3:.2f} | {ref * 1e3:.2f} (scipy.special) | {ratio:.2f} | "
            f"<= {KERNEL_RATIO_BUDGET} {mark(ratio <= KERNEL_RATIO_BUDGET)} |"
        )

    report = "\n".join(lines) + "\n"
    print(report)
    out = ROOT / "_build" / "bench.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(f"Written to {out}")


if __name__ == "__main__":
    main()
