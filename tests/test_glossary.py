"""The vocabulary reference: one glossary, complete, used, and every term link resolves.

The glossary lives in chapters/07_vocabulary.ipynb. The build (-W) also fails on an unresolved
``{term}``; these tests say which term, and check what the build cannot: that the source page's
twelve terms are all there, that no entry is an orphan, and that each entry points to a chapter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mlcourse import course_map

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = ROOT / "chapters" / "07_vocabulary.ipynb"
CHAPTER_FILES = sorted((ROOT / "chapters").glob("*.ipynb"))

#: The source page's "Vocabulary Reference" table, in its order.
SOURCE_TERMS = (
    "Model",
    "Parameters",
    "Weights",
    "Bias",
    "Features",
    "Logits",
    "Softmax",
    "Training",
    "Inference",
    "Loss",
    "Gradient",
    "Epoch",
)
#: The source page's "When This Matters" table.
SOURCE_SITUATIONS = (
    "Discussing model size",
    "Debugging generation",
    "Understanding training",
    "Production deployment",
    "Model selection",
)

TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")
DOC_ROLE = re.compile(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`")


def markdown(path: Path) -> str:
    """The markdown text of a notebook (all markdown cells) or of a MyST file."""
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def glossary_blocks(text: str) -> list[str]:
    return re.findall(r"```\{glossary\}\n(.*?)\n```", text, re.DOTALL)


def parse_glossary(block: str) -> list[tuple[list[str], str]]:
    """Entries as (terms, definition): unindented lines are terms, indented lines the definition.

    Definitions are written as MyST definition lists (``  : text``), which both Sphinx (see
    _ext/course_site.py) and jupyterlab-myst render; the leading ``: `` is dropped here.
    """
    entries: list[tuple[list[str], list[str]]] = []
    previous_blank = True
    for line in block.splitlines():
        if line.startswith(":"):  # an option such as :sorted:
            continue
        if not line.strip():
            previous_blank = True
            continue
        if line.startswith(" "):
            entries[-1][1].append(re.sub(r"^: ", "", line.strip()))
        elif previous_blank or not entries or entries[-1][1]:
            entries.append(([line.strip()], []))
        else:
            entries[-1][0].append(line.strip())
        previous_blank = False
    return [(terms, " ".join(lines)) for terms, lines in entries]


def term_target(link: str) -> str:
    """What a ``{term}`` link points to: the text, or the target of ``text <target>``; lowercased."""
    match = re.fullmatch(r"(.*?)\s*<(.+)>", link.strip(), re.DOTALL)
    return (match.group(2) if match else link).strip().lower()


GLOSSARY_TEXT = markdown(VOCABULARY)
ENTRIES = parse_glossary(glossary_blocks(GLOSSARY_TEXT)[0]) if glossary_blocks(GLOSSARY_TEXT) else []
TERMS = {term.lower(): terms[0] for terms, _ in ENTRIES for term in terms}
DEFINITIONS = {term.lower(): definition for terms, definition in ENTRIES for term in terms}
#: An alias entry (a plural, an abbreviation) points to the entry that holds the definition.
ALIAS = re.compile(r"See \{term\}`([^`<>]+)`\.")
#: Pages whose term links count as "using" a term: the landing page and the concept chapters.
USING_PAGES = [ROOT / "intro.md", *(p for p in CHAPTER_FILES if p != VOCABULARY)]


def links_in(paths) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in paths:
        for link in TERM_ROLE.findall(markdown(path)):
            found.setdefault(term_target(link), []).append(path.name)
    return found


def test_there_is_exactly_one_sorted_glossary_in_the_course():
    blocks = [(p.name, b) for p in [ROOT / "intro.md", *CHAPTER_FILES] for b in glossary_blocks(markdown(p))]
    assert [name for name, _ in blocks] == [VOCABULARY.name]
    assert ":sorted:" in blocks[0][1].splitlines()[0]
    assert len(ENTRIES) >= 40


def test_parser_reads_aliases_and_definitions():
    block = ":sorted:\n\nA\nB\n  one\n  two.\n\nC\n  : three\n    four.\n\nD\n  : See {term}`C`.\n"
    assert parse_glossary(block) == [(["A", "B"], "one two."), (["C"], "three four."), (["D"], "See {term}`C`.")]
    assert ALIAS.fullmatch("See {term}`C`.").group(1) == "C"
    assert term_target("Top-k <top-k sampling>") == "top-k sampling"
    assert term_target("Logits") == "logits"


@pytest.mark.parametrize("term", SOURCE_TERMS)
def test_every_term_of_the_source_table_is_in_the_glossary(term):
    assert term.lower() in TERMS, f"{term} is missing from the glossary"


def test_the_core_table_reproduces_the_source_table_with_links():
    table = re.search(r"## The twelve core terms\n(.*?)(?:\n%%|\n## |\Z)", GLOSSARY_TEXT, re.DOTALL).group(1)
    linked = re.findall(r"^\| \{term\}`([^`]+)` \|", table, re.MULTILINE)
    assert tuple(linked) == SOURCE_TERMS


def test_the_terms_the_issue_names_are_defined():
    for term in [
        "temperature",
        "sampling",
        "top-k sampling",
        "top-p sampling",
        "greedy decoding",
        "cross-entropy",
        "backpropagation",
        "learning rate",
        "hyperparameter",
        "overfitting",
        "underfitting",
        "regularisation",
        "fine-tuning",
        "seed",
        "activation",
    ]:
        assert term in TERMS, f"{term} is missing from the glossary"


def test_terms_are_unique():
    all_terms = [t.lower() for terms, _ in ENTRIES for t in terms]
    assert len(all_terms) == len(set(all_terms)), sorted(t for t in all_terms if all_terms.count(t) > 1)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e[0][0])
def test_each_entry_is_one_sentence_that_points_to_a_chapter(entry):
    terms, definition = entry
    alias = ALIAS.fullmatch(definition)
    if alias:  # "Weight: see Weights" keeps one definition per idea
        assert alias.group(1).lower() in TERMS and not ALIAS.fullmatch(DEFINITIONS[alias.group(1).lower()])
        return
    assert definition.endswith("."), f"{terms[0]}: the definition should be one full sentence"
    prose = re.sub(r"\$[^$]*\$|\{doc\}`[^`]*`|et al\.", "", definition)
    assert not re.search(r"[.!?]\s+[A-Z]", prose), f"{terms[0]}: keep the definition to one sentence"
    targets = DOC_ROLE.findall(definition)
    assert targets, f"{terms[0]}: link the chapter that demonstrates it with {{doc}}"
    for target in targets:
        assert (ROOT / "chapters" / f"{target}.ipynb").exists(), f"{terms[0]}: no chapter {target}"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e[0][0])
def test_every_glossary_entry_is_used_by_the_course(entry):
    terms, _ = entry
    used = links_in(USING_PAGES)
    assert any(t.lower() in used for t in terms), (
        f"no {{term}} link in intro.md or chapters 01-06 uses {terms}: link it where the course teaches it"
    )


def test_every_term_link_in_the_course_resolves():
    everywhere = links_in([ROOT / "intro.md", *CHAPTER_FILES])
    unresolved = {target: pages for target, pages in everywhere.items() if target not in TERMS}
    assert unresolved == {}, f"{{term}} links with no glossary entry: {unresolved}"


def test_when_this_matters_links_every_situation_to_a_chapter():
    section = re.search(r"## When this matters\n(.*?)(?:\n## |\Z)", GLOSSARY_TEXT, re.DOTALL).group(1)
    rows = [r for r in section.splitlines() if r.startswith("| ") and not r.startswith(("| Situation", "| ---"))]
    assert tuple(r.split("|")[1].strip() for r in rows) == SOURCE_SITUATIONS
    for row in rows:
        (target,) = DOC_ROLE.findall(row.split("|")[3])
        assert (ROOT / "chapters" / f"{target}.ipynb").exists()
        assert TERM_ROLE.search(row.split("|")[2]), f"link the idea in {row!r} to the glossary"


def test_the_chapter_map_names_glossary_terms():
    for chapter in course_map.CHAPTERS[:-1]:
        for term in chapter.terms:
            assert term.lower() in TERMS, f"chapter {chapter.number} lists {term!r}, which the glossary lacks"


def test_every_concept_chapter_ends_with_interview_questions():
    for path in CHAPTER_FILES:
        if path == VOCABULARY:
            continue
        text = markdown(path)
        tail = text[text.index("Key takeaways") :]
        assert re.search(r"interview", tail, re.IGNORECASE), f"{path.name}: no interview-style questions"
        assert ":class: dropdown" in tail, f"{path.name}: the interview answers should be hidden"
