"""Chapter 3's figures: the numbers they draw and their alt text."""

import math

import numpy as np
import pytest
import scipy.special

from mlcourse import decoding
from mlcourse import ngram as lm
from mlcourse.figures import chapter3 as figs
from mlcourse.figures.log_axes import power_label


def test_logits_to_probabilities_diagram_shows_both_bar_sets():
    plot = figs.plot_logits_to_probabilities([0.0, 1.1, -0.8], ["apple", "banana", "orange"])
    left, _, right = plot.fig.axes
    assert [b.get_height() for b in left.patches] == pytest.approx([0.0, 1.1, -0.8])
    heights = [b.get_height() for b in right.patches]
    assert sum(heights) == pytest.approx(1.0)
    assert heights == pytest.approx(scipy.special.softmax([0.0, 1.1, -0.8]))
    assert "banana 1.1 -> 0.67" in plot.alt
    with pytest.raises(ValueError, match="labels must have one entry per logit"):
        figs.plot_logits_to_probabilities([0.0, 1.0], ["a"])


def test_overflow_figure_marks_both_thresholds():
    plot = figs.plot_overflow()
    ax = plot.fig.axes[0]
    stable, naive64, naive32 = ax.get_lines()[:3]
    assert np.allclose(stable.get_ydata(), scipy.special.softmax([2.0, 1.0, 0.0])[0])
    m = naive64.get_xdata()
    assert np.isnan(naive64.get_ydata()[m > 709.79]).all() and not np.isnan(naive64.get_ydata()[m < 709.7]).any()
    assert np.isnan(naive32.get_ydata()[m > 88.73]).all() and not np.isnan(naive32.get_ydata()[m < 88.7]).any()
    assert "88.72" in plot.alt and "709.78" in plot.alt


def test_vocab_figure_reports_the_top_share():
    z = np.random.default_rng(3).normal(0.0, 4.0, size=50_257)
    p = np.sort(scipy.special.softmax(z))[::-1]
    plot = figs.plot_vocab_distribution(z, top=10)
    assert f"top 10 tokens hold {p[:10].sum():.0%}" in plot.alt
    assert "50,257" in plot.alt
    cum = plot.fig.axes[1].get_lines()[0].get_ydata()
    assert cum[-1] == pytest.approx(1.0)


def test_temperature_figures():
    sweep = figs.plot_temperature_sweep()
    h = sweep.fig.axes[1].get_lines()[0].get_ydata()
    assert np.all(np.diff(h) > -1e-12) and h[-1] < math.log2(6) + 1e-9
    assert "2.58 bits" in sweep.alt


def test_sampling_and_filter_figures():
    plot = figs.plot_sampling_convergence(
        decoding.EXAMPLE_LOGITS, np.random.default_rng(0), decoding.EXAMPLE_TOKENS, n_draws=5000
    )
    ax = plot.fig.axes[0]
    final = [line.get_ydata()[-1] for line in ax.get_lines()[::2]]
    assert sum(final) == pytest.approx(1.0)
    np.testing.assert_allclose(final, scipy.special.softmax(decoding.EXAMPLE_LOGITS), atol=0.03)
    assert "5,000" in plot.alt
    filt = figs.plot_filters(top_k=3, top_p=0.7)
    assert [ax.get_title() for ax in filt.fig.axes] == [
        "all tokens: 6 kept",
        "top-k, k = 3: 3 kept",
        "top-p, p = 0.7: 2 kept",
    ]


def test_figures_have_alt_text_and_data():
    model = lm.CharNGram(order=3, smoothing=0.0).fit("abracadabra")
    plot = figs.plot_next_char(model, "ab", temperature=1.0)
    bars = plot.fig.axes[0].patches
    assert bars[0].get_height() == pytest.approx(1.0)
    assert "'r'" in plot.alt and "100%" in plot.alt
    report = lm.generation_report(model, "ab", [0.5, 1.0], length=20, vocabulary={"abracadabra"})
    plot2 = figs.plot_generation_quality(report)
    assert len(plot2.fig.axes[0].get_lines()) == 2
    assert "0.5" in plot2.alt and plot2.to_png().startswith(b"\x89PNG")


def test_draw_functions_return_the_numbers_their_alt_text_uses():
    from matplotlib.figure import Figure

    model = lm.CharNGram(order=3, smoothing=0.0).fit("abracadabra")
    shown = figs.draw_next_char(Figure(), model=model, context="ab", temperature=1.0)
    assert shown == {"best": "r", "p_best": 1.0, "shown": 5, "p_shown": 1.0}


def test_a_single_string_is_not_a_list_of_labels():
    with pytest.raises(TypeError, match="labels must be a sequence of names"):
        figs.plot_logits_to_probabilities([0.0, 1.0, 2.0], "abc")


def test_log_axes_are_labelled_in_plain_text():
    # decades as plain numbers near 1, powers of ten (superscript digits) beyond or on request
    assert [power_label(v) for v in (0.01, 0.1, 1.0, 10.0, 1000.0, 10_000.0)] == [
        "0.01",
        "0.1",
        "1",
        "10",
        "1,000",
        "10,000",
    ]
    assert power_label(1e-5) == "10⁻⁵" and power_label(1e5) == "10⁵"
    assert power_label(1.0, powers=True) == "10⁰" and power_label(0.01, powers=True) == "10⁻²"
    assert power_label(2.5) == "2.5"
    plot = figs.plot_vocab_distribution(np.log([0.5, 0.3, 0.1, 0.05, 0.05] + [1e-9] * 95))
    left, right = plot.fig.axes
    plot.to_png()  # the draw makes the tick labels
    labels = [t.get_text() for t in left.yaxis.get_ticklabels() if t.get_text()]
    assert labels and all(s.startswith("10") and "$" not in s for s in labels)
    assert "1" in [t.get_text() for t in right.xaxis.get_ticklabels()]
