"""Small fixes to the generated pages, applied while Sphinx writes each HTML page.

- Jupyter Book and sphinx-thebe both register thebe's configuration script, so every page
  declared ``const THEBE_JS_URL`` twice and the browser raised a SyntaxError. Scripts are
  de-duplicated here (first occurrence kept, order preserved).
- MathJax is served from the site itself, not a CDN: the files come from the PyPI package
  ``django-static-mathjax`` (MathJax 3.2.2 as static files; it needs no Django), pinned in
  requirements.txt, and are copied into ``_static/mathjax/`` when the build finishes. Only the
  components the pages use are loaded (TeX input, HTML output and its web fonts; no menu), which
  halves MathJax's weight.
- Pages stay light: the theme's 1.5 MB ``fontawesome.js`` is dropped; its icons still show,
  drawn from the Font Awesome web font that the theme's stylesheet already loads. If a page
  still loads fontawesome.js after the rewrite (a theme release wrote the tag differently), the
  build fails with an ExtensionError naming the page.
- Every page gets a ``<meta name="description">`` made from its first paragraph.
- The glossary also reads MyST definition-list entries (``Term`` then ``  : definition``), the
  form jupyterlab-myst renders in JupyterLab, so one glossary source reads well in both.
- Builds are never stale: Jupyter Book's execution cache keys on notebook code only, so a
  change in ``mlcourse`` used to leave old outputs in the site. The cache now lives in a folder
  named after a hash of the helper package (``course_package_dirs``, default ``mlcourse``), and
  when that hash changes every notebook is marked outdated, so it is read and executed again.
  A build with no change keeps using the cache.
- Executing a notebook stores its live widgets' state, and myst-nb embeds that state in the
  page. The site never shows live widgets (it shows kernel-free scrubbers instead), so the
  state is dropped: it only added weight.
- The glossary gets an A–Z bar of jump links (one per initial letter that has terms), and every
  link to a glossary term carries the start of the term's definition as its ``title``: the
  browser shows it as a preview on hover, offline and without any script (sphinx-tippy, the
  usual extension for previews, loads its libraries from a CDN).
- A page written in MyST Markdown (the landing page) no longer offers its raw ``.md`` source
  (with its front matter) for download.
- The site's own styles and scripts live in ``_static/`` (``course.css``, ``course.js``);
  Jupyter Book links every ``.css`` and ``.js`` file there into each page.
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import re
import shutil
import string
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.domains.std import Glossary
from sphinx.errors import ExtensionError

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _script_key(script: Any) -> tuple:
    attributes = getattr(script, "attributes", {})
    # Inline scripts are registered with filename None by some extensions and "" by others.
    return (getattr(script, "filename", script) or "", tuple(sorted(attributes.items())))


def clean_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    kept = []
    for script in scripts:
        if getattr(script, "attributes", {}).get("type") == WIDGET_STATE:
            continue
        key = _script_key(script)
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    context["script_files"] = kept


MATHJAX_ENTRY = "startup.js"
#: Files and folders of MathJax's ES5 build that the site serves (relative to ``es5/``).
MATHJAX_FILES = ["startup.js", "core.js", "input/tex.js", "output/chtml.js", "output/chtml/fonts/tex.js"]
MATHJAX_DIRS = ["input/tex/extensions", "output/chtml/fonts/woff-v2"]
MATHJAX_CONFIG = {"loader": {"load": ["input/tex", "output/chtml"]}}
#: The theme's template hard-codes this script tag, so it is removed from the written pages.
FONTAWESOME_JS = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
#: Any script tag loading fontawesome.js, however written: if one survives the rewrite, the theme changed.
ANY_FONTAWESOME_JS = re.compile(r"<script\b[^>]*fontawesome\.js", re.IGNORECASE)


def mathjax_source() -> Path:
    """The folder of MathJax's ES5 build inside the installed ``django-static-mathjax`` package."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("MathJax files not found: install the pinned requirements (django-static-mathjax).")
    es5 = Path(next(iter(spec.submodule_search_locations)), "static", "mathjax", "es5")
    if not (es5 / MATHJAX_ENTRY).exists():
        raise RuntimeError(f"MathJax entry point missing at {es5 / MATHJAX_ENTRY}")
    return es5


def use_local_mathjax(app: Sphinx, config: Config) -> None:
    mathjax_source()  # fail early, with a clear message, if the package is missing
    config.mathjax_path = f"mathjax/{MATHJAX_ENTRY}"
    config.mathjax3_config = {**MATHJAX_CONFIG, **(config.mathjax3_config or {})}


def without_fontawesome_js(html_text: str) -> str:
    """``html_text`` without the theme's fontawesome.js script tag.

    Raises ``ValueError`` when a fontawesome.js script is still there afterwards: the theme now
    writes the tag differently and ``FONTAWESOME_JS`` must follow, or every page grows by 1.5 MB.
    """
    lighter = FONTAWESOME_JS.sub("", html_text)
    leftover = ANY_FONTAWESOME_JS.search(lighter)
    if leftover is not None:
        start = max(leftover.start() - 20, 0)
        raise ValueError(f"fontawesome.js script not removed (update FONTAWESOME_JS): {lighter[start : start + 160]!r}")
    return lighter


def drop_fontawesome_js(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        try:
            lighter = without_fontawesome_js(text)
        except ValueError as error:
            raise ExtensionError(f"{page.relative_to(app.outdir)}: {error}") from error
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir, "_static", "mathjax")
    target.mkdir(parents=True, exist_ok=True)
    for name in MATHJAX_FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target / name)
    for name in MATHJAX_DIRS:
        shutil.copytree(source / name, target / name, dirs_exist_ok=True)


def package_hash(srcdir: str | Path, package_dirs: list[str]) -> str:
    """A hash of every file in the helper packages (paths and contents), in a stable order."""
    digest = hashlib.sha256()
    for name in package_dirs:
        root = Path(srcdir, name)
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(path.relative_to(srcdir).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key_cache_on_package(app: Sphinx, config: Config) -> None:
    app.course_package_hash = package_hash(app.srcdir, config.course_package_dirs)
    cache_root = Path(app.outdir).parent / ".jupyter_cache"
    for old in cache_root.glob("mlcourse-*"):  # caches of earlier package versions
        if old.name != f"mlcourse-{app.course_package_hash}":
            shutil.rmtree(old, ignore_errors=True)
    config.nb_execution_cache_path = str(cache_root / f"mlcourse-{app.course_package_hash}")


def outdated_when_package_changes(app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
    if getattr(env, "course_package_hash", None) == app.course_package_hash:
        return []
    env.course_package_hash = app.course_package_hash
    # Any page may execute code that uses the package (chapters, and intro.md as a MyST notebook).
    return sorted(doc for doc in env.found_docs if doc not in added)


def describe_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Add a meta description: the page's first paragraph, shortened to about 160 characters."""
    if doctree is None:
        return
    for paragraph in doctree.findall(nodes.paragraph):
        if next(paragraph.findall(nodes.math), None) is not None:
            continue  # raw TeX reads badly in a search result
        text = " ".join(paragraph.astext().split())
        if len(text) >= 40:
            break
    else:
        return
    if len(text) > 160:
        text = text[:157].rsplit(" ", 1)[0] + "…"
    tag = f'<meta name="description" content="{html.escape(text)}" />'
    context["metatags"] = context.get("metatags", "") + "\n    " + tag


#: Length of the definition preview shown on hover over a term link, in characters.
PREVIEW_CHARS = 180


def _glossary_items(glossary: nodes.Element) -> list[nodes.definition_list_item]:
    return [item for dl in glossary.findall(nodes.definition_list) for item in dl.children]


#: TeX commands in a definition's math, as plain text for the hover preview.
TEX_SYMBOLS = {
    "cdot": "·", "times": "×", "theta": "θ", "sigma": "σ", "mu": "μ", "eta": "η", "alpha": "α",
    "beta": "β", "lambda": "λ", "epsilon": "ε", "sum": "Σ", "approx": "≈", "le": "≤", "ge": "≥",
    "leq": "≤", "geq": "≥", "to": "→", "infty": "∞", "ldots": "…", "dots": "…", "in": "∈",
}  # fmt: skip


def plain_math(tex: str) -> str:
    """TeX as plain text: known symbols replaced, other commands and braces dropped."""
    text = re.sub(r"\\([A-Za-z]+)", lambda m: TEX_SYMBOLS.get(m.group(1), ""), tex)
    text = re.sub(r"\\[,;:! ]", " ", text)
    return text.replace("{", "").replace("}", "")


def _plain_text(node: nodes.Node) -> str:
    if isinstance(node, nodes.math):
        return plain_math(node.astext())
    if isinstance(node, nodes.Text):
        return node.astext()
    return "".join(_plain_text(child) for child in node.children)


def _preview(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= PREVIEW_CHARS:
        return text
    return text[: PREVIEW_CHARS - 1].rsplit(" ", 1)[0] + "…"


def collect_term_definitions(app: Sphinx, doctree: nodes.document) -> None:
    """Remember each glossary term's anchor and the start of its definition."""
    definitions = app.env.__dict__.setdefault("course_term_definitions", {})
    docname = app.env.docname
    for glossary in doctree.findall(addnodes.glossary):
        for item in _glossary_items(glossary):
            definition = next(iter(item.findall(nodes.definition)), None)
            if definition is None:
                continue
            for term in item.findall(nodes.term):
                for anchor in term["ids"]:
                    definitions[anchor] = (docname, _preview(_plain_text(definition)), term.astext().strip())


def purge_term_definitions(app: Sphinx, env: Any, docname: str) -> None:
    definitions = getattr(env, "course_term_definitions", {})
    for anchor in [a for a, (doc, *_) in definitions.items() if doc == docname]:
        del definitions[anchor]


def merge_term_definitions(app: Sphinx, env: Any, docnames: set, other: Any) -> None:
    env.__dict__.setdefault("course_term_definitions", {}).update(getattr(other, "course_term_definitions", {}))


def preview_term_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give every link to a glossary term the start of its definition as a hover title."""
    definitions = getattr(app.env, "course_term_definitions", {})
    for ref in doctree.findall(nodes.reference):
        if not any("std-term" in child.get("classes", []) for child in ref.findall(nodes.inline)):
            continue
        anchor = ref.get("refid") or ref.get("refuri", "").partition("#")[2]
        if anchor in definitions:
            ref["reftitle"] = _follow_see(definitions[anchor][1], definitions)


def _follow_see(preview: str, definitions: dict) -> str:
    """An alias entry ("See Weights.") previews the definition it points to."""
    see = re.fullmatch(r"See (.+?)\.?", preview)
    if see:
        for _, text, name in definitions.values():
            if name.lower() == see.group(1).lower():
                return text
    return preview


def glossary_jump_bar(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put an A–Z bar of jump links before each glossary (letters without terms are greyed)."""
    for glossary in list(doctree.findall(addnodes.glossary)):
        first: dict[str, str] = {}
        for item in _glossary_items(glossary):
            term = next(iter(item.findall(nodes.term)), None)
            if term is None or not term["ids"]:
                continue
            letter = term.astext().strip()[:1].upper()
            first.setdefault(letter if letter.isalpha() else "#", term["ids"][0])
        if len(first) < 2:
            continue
        letters = sorted(first, key=lambda c: (c != "#", c))
        alphabet = sorted(set(letters) | set(string.ascii_uppercase), key=lambda c: (c != "#", c))
        links = [
            f'<a href="#{html.escape(first[c], quote=True)}">{html.escape(c)}</a>'
            if c in first
            else f'<span aria-hidden="true">{c}</span>'
            for c in alphabet
        ]
        bar = nodes.raw(
            "",
            '<nav class="glossary-jump" aria-label="Glossary, A to Z">' + "".join(links) + "</nav>",
            format="html",
        )
        glossary.parent.insert(glossary.parent.index(glossary), bar)


def no_raw_markdown_download(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """On a MyST Markdown page (the landing page), drop the download of its raw ``.md`` source.

    That file is the page's source with its Jupytext front matter, not something a reader can
    use; the download menu keeps "print to PDF".
    """
    if context.get("page_source_suffix") != ".md":
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"] = [b for b in group["buttons"] if b.get("label") != "download-source-button"]


class DefinitionListGlossary(Glossary):
    """Sphinx's glossary, also accepting ``  : definition`` lines (MyST definition lists)."""

    def run(self) -> list:
        lines = [re.sub(r"^(\s+): ", r"\1  ", line) for line in self.content]
        self.content = StringList(lines, items=self.content.items)
        return super().run()


def setup(app: Sphinx) -> dict:
    app.add_directive_to_domain("std", "glossary", DefinitionListGlossary, override=True)
    app.connect("html-page-context", describe_page)
    app.add_config_value("course_package_dirs", ["mlcourse"], "env")
    app.connect("config-inited", key_cache_on_package)
    app.connect("env-get-outdated", outdated_when_package_changes)
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
    app.connect("build-finished", drop_fontawesome_js)
    app.connect("html-page-context", clean_scripts)
    app.connect("doctree-read", collect_term_definitions)
    app.connect("env-purge-doc", purge_term_definitions)
    app.connect("env-merge-info", merge_term_definitions)
    app.connect("doctree-resolved", preview_term_links)
    app.connect("doctree-resolved", glossary_jump_bar)
    # After sphinx-book-theme has added its header buttons (priority 501).
    app.connect("html-page-context", no_raw_markdown_download, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
