"""Chapter 4's figures: the numbers they draw and their alt text."""

import numpy as np
import pytest

from mlcourse import determinism as det
from mlcourse.figures import chapter4 as figs
from mlcourse.ngram import CharNGram, load_corpus


@pytest.fixture(scope="module")
def lm():
    return CharNGram(order=4).fit(load_corpus())


@pytest.mark.parametrize(
    "make",
    [
        figs.plot_three_systems,
        lambda: figs.plot_summation_orders([0.1, 0.2, 0.3, 1e16, -1e16]),
        lambda: figs.plot_sample_fits(np.random.default_rng(0)),
    ],
)
def test_every_figure_has_axes_and_alt_text(make):
    plot = make()
    assert plot.fig.axes
    assert len(plot.alt) > 60
    assert plot.to_png().startswith(b"\x89PNG")


def test_three_systems_diagram_names_all_three():
    plot = figs.plot_three_systems()
    texts = " ".join(t.get_text() for t in plot.fig.axes[0].texts)
    for word in ("Deterministic", "Probabilistic", "Statistical", "random seed"):
        assert word in texts
    for word in ("Deterministic", "Probabilistic", "Statistical"):
        assert word.lower() in plot.alt.lower()


def test_sample_fits_figure_draws_one_fitted_line_per_sample():
    plot = figs.plot_sample_fits(np.random.default_rng(3), n_samples=4, size=10)
    left, right = plot.fig.axes
    assert len(left.get_lines()) == 4 + 1  # four fits and the true line
    offsets = right.collections[0].get_offsets()
    rng = np.random.default_rng(3)
    expected = [det.fit_line(*det.sample_population(rng, 10)) for _ in range(4)]
    np.testing.assert_allclose(offsets, expected)


def test_summation_figure_reports_ulp_offsets():
    plot = figs.plot_summation_orders([1e16, 1.0, -1e16])
    # exact sum 1.0; both loops give 0.0, one ulp(1.0) = 2.2e-16, so about -4.5e15 ulps
    assert "math.fsum (exact) +0" in plot.alt
    assert "loop, left to right -4503599627370496" in plot.alt


def test_decoding_spread_figure_counts_every_run(lm):
    plot = figs.plot_decoding_spread(lm, "the ", length=4, temperature=1.0, seeds=range(25))
    left, right = plot.fig.axes[:2]
    assert sum(p.get_width() for p in right.patches) == 25 and len(right.patches) == 1
    warm = det.sample_continuations(lm, "the ", 4, 1.0, range(25))
    ranked = det.continuation_counts(warm)
    assert [p.get_width() for p in left.patches] == [c for _, c in ranked[:8]]
    assert f"{len(set(warm))} different continuations" in left.get_title()
    assert "temperature 0" in plot.alt and "same continuation" in plot.alt
    with pytest.raises(ValueError, match="temperature must be > 0"):
        figs.plot_decoding_spread(lm, "the ", temperature=0.0)


def test_widget_figure_matches_its_settings(lm):
    plot = figs.plot_decoding(lm, "the ", seed=3, temperature=0.0, n_samples=10, length=4)
    ax = plot.fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [10]
    assert "1 distinct continuation" in ax.get_title() and "seeds 3–12" in ax.get_title()
    plot = figs.plot_decoding(lm, "the ", seed=3, temperature=1.5, n_samples=10, length=4)
    runs = det.sample_continuations(lm, "the ", 4, 1.5, range(3, 13))
    assert sum(p.get_width() for p in plot.fig.axes[0].patches) == sum(c for _, c in det.continuation_counts(runs)[:8])
    assert f"{len(set(runs))} distinct" in plot.alt


def test_draw_decoding_takes_keyword_frames_and_returns_its_counts(lm):
    from matplotlib.figure import Figure

    shown = figs.draw_decoding(Figure(), lm=lm, prompt="the ", seed=0, temperature=0.0, n_samples=6, length=3)
    runs = det.sample_continuations(lm, "the ", 3, 0.0, range(6))
    assert shown == {"distinct": 1, "top": runs[0], "count": 6}


# --------------------------------------------------------------------------- the real-model figures (made-up tokens)

RUNS = [
    ("greedy", [" a", " b", " c"]),
    ("greedy again", [" a", " b", " c"]),
    ("seed 1", [" a", " x", " y", " z"]),
    ("seed 2", [" a", " b"]),
]


def test_token_rows_mark_where_each_row_parts_from_its_comparison_row():
    plot = figs.plot_token_runs(RUNS, "Four runs", compare_with=[0, 0, 0, 0])
    ax = plot.fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [name for name, _ in RUNS]
    assert len(ax.patches) == 3 + 3 + 4 + 2  # one box per token
    assert "'greedy again' against 'greedy': identical" in plot.alt
    assert "'seed 1' against 'greedy': differs from token 2" in plot.alt
    assert "'seed 2' against 'greedy': differs from token 3" in plot.alt  # it ends early
    assert plot.to_png().startswith(b"\x89PNG")


def test_draw_token_rows_returns_the_first_differences_it_colours():
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    shown = figs.draw_token_rows(ax, RUNS, compare_with=[0, 0, 2, 3])
    assert shown["first_difference"] == [None, None, None, None]  # compared with themselves or equals
    ax = Figure().add_subplot()
    shown = figs.draw_token_rows(ax, RUNS)
    assert shown["first_difference"] == [None, None, 1, 2]
    orange = [p for p in ax.patches if p.get_facecolor()[:3] != ax.patches[0].get_facecolor()[:3]]
    assert len(orange) == 3 + 0  # seed 1's three tokens from " x" on; seed 2 has no token past its end


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: figs.plot_token_runs([], "none"), ValueError, "rows must hold"),
        (lambda: figs.plot_token_runs(RUNS, "t", compare_with=[0]), ValueError, "compare_with must name one row"),
        (lambda: figs.plot_token_runs(RUNS, "t", compare_with=[0, 0, 0, 9]), ValueError, "compare_with"),
        (lambda: figs.plot_near_tie([0.5, 0.0], RUNS[:2]), ValueError, "positive"),
        (lambda: figs.plot_near_tie([], RUNS[:2]), ValueError, "gaps"),
    ],
)
def test_token_figures_reject_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_near_tie_figure_marks_the_step_where_the_runs_part():
    gaps = [0.7, 1.1, 5.6, 0.2, 0.009, 0.45, 1e-4, 2.5]
    rows = [("float32", list("abcdefgh")), ("float16", list("abcdefXY"))]
    plot = figs.plot_near_tie(gaps, rows)
    assert len(plot.fig.axes) == 2
    top = plot.fig.axes[0]
    assert top.get_yscale() == "log" and len(top.patches) == len(gaps)
    heights = [p.get_height() for p in top.patches]
    np.testing.assert_allclose(heights, gaps)
    flipped = [i for i, p in enumerate(top.patches) if p.get_facecolor() != top.patches[0].get_facecolor()]
    assert flipped == [6]
    assert "part at step 7, where the gap was 0.0001" in plot.alt
    assert "from 0.0001 to 5.6" in plot.alt
