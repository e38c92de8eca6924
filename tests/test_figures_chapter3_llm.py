"""Chapter 3's real-model figures, drawn from made-up logits (no model needed)."""

import numpy as np
import pytest
import scipy.special
import scipy.stats

from mlcourse.figures import chapter3_llm as figs
from mlcourse.figures.plot import min_font_pt, new_figure, readable_text

VOCAB = ["␣Paris", " the", " London", "\n", "a", "b"]
Z = np.array([5.0, 3.0, 2.0, 1.0, 0.0, -1.0])


def decode(ids):
    return "".join([" Paris", " the", " London", "\n", "a", "b"][i] for i in ids)


def test_token_labels_show_spaces_and_newlines():
    assert figs.token_label(" Paris") == "␣Paris"
    assert figs.token_label("a\nb") == "a\\nb"


def test_next_token_bars_are_the_softmax_most_likely_first():
    plot = figs.plot_next_token(Z, decode, "The capital of France is", top=4)
    bars = plot.fig.axes[0].patches
    p = scipy.special.softmax(Z)
    assert [b.get_width() for b in bars] == pytest.approx(p[:4])
    assert [b.get_y() for b in bars] == sorted((b.get_y() for b in bars), reverse=True)  # most likely on top
    assert f"␣Paris {p[0]:.1%}" in plot.alt and "\\n" in plot.alt
    assert f"{scipy.stats.entropy(p):.2f} nats" in plot.alt


def test_draw_next_token_marks_what_the_filters_keep_after_the_temperature():
    fig = new_figure()
    shown = figs.draw_next_token(fig, logits=Z, decode=decode, prompt="x", temperature=0.5, top_p=0.9, top=6)
    p = scipy.special.softmax(Z / 0.5)  # 0.98 on the top token: top-p 0.9 keeps it alone
    assert shown["probs"] == pytest.approx(p)
    assert shown["kept"] == 1 and shown["greedy"] == "␣Paris"
    assert shown["nats"] == pytest.approx(scipy.stats.entropy(p))
    fig = new_figure()
    at_1 = figs.draw_next_token(fig, logits=Z, decode=decode, prompt="x", temperature=1.0, top_p=0.9, top_k=5, top=6)
    assert at_1["kept"] == 2  # at T = 1 the top token holds 0.82 < 0.9: the second one crosses it
    colors = [b.get_facecolor() for b in fig.axes[0].patches]
    assert colors[0] == colors[1] != colors[2]
    fig = new_figure()
    greedy = figs.draw_next_token(fig, logits=Z, decode=decode, prompt="x", temperature=0.0, top=3)
    assert list(greedy["probs"]) == [1.0, 0.0, 0.0] and greedy["nats"] == 0.0
    with pytest.raises(TypeError, match="decode must be a function"):
        figs.draw_next_token(new_figure(), logits=Z, decode=VOCAB, prompt="x")
    with pytest.raises(ValueError, match="1-D"):
        figs.draw_next_token(new_figure(), logits=[Z], decode=decode, prompt="x")


def test_entropy_pair_reports_both_entropies():
    flat = np.zeros(6)
    plot = figs.plot_entropy_pair(Z, flat, decode, ["sure", "unsure"], top=3)
    assert f"{scipy.stats.entropy(scipy.special.softmax(Z)):.2f} nats" in plot.alt
    assert f"{np.log(6):.2f} nats" in plot.alt
    with pytest.raises(ValueError, match="two prompts"):
        figs.plot_entropy_pair(Z, flat, decode, "ab")


def test_surprisal_rows_and_perplexity():
    plot = figs.plot_surprisal({"natural": (["a", " b"], [1.0, 3.0]), "shuffled": (["b", "a"], [5.0, 5.0])})
    assert [b.get_height() for b in plot.fig.axes[0].patches] == [1.0, 3.0]
    assert f"perplexity {np.exp(2.0):.1f}" in plot.alt and f"perplexity {np.exp(5.0):.1f}" in plot.alt
    with pytest.raises(ValueError, match="one surprisal per token"):
        figs.plot_surprisal({"x": (["a"], [1.0, 2.0])})


def _extents(plot, labels):
    """Window extents (pixels) of ``labels`` as drawn, at the sizes the readable floor raises them to."""
    plot.to_png()  # the draw makes the tick labels
    fig = plot.fig
    with readable_text(fig, min_font_pt(fig.get_figwidth())):
        renderer = fig.canvas.get_renderer()
        return [t.get_window_extent(renderer) for t in labels]


def test_fixed_margins_follow_the_widest_token():
    long = [" accomplishments", " the", "\n", " Paris", "a", "b"]
    for words in (long, ["a", "b", "c", "d", "e", "f"]):
        plot = figs.plot_next_token(Z, lambda ids, w=words: "".join(w[i] for i in ids), "x", top=6)
        ax = plot.fig.axes[0]
        boxes = _extents(plot, ax.get_yticklabels())
        assert min(b.x0 for b in boxes) >= 0  # inside the figure
        assert max(b.x1 for b in boxes) < ax.get_window_extent().x0  # left of the bars
    pair = figs.plot_entropy_pair(Z, Z[::-1], lambda ids: "".join(long[i] for i in ids), ["a", "b"], top=6)
    left, right = pair.fig.axes
    boxes = _extents(pair, right.get_yticklabels())
    assert min(b.x0 for b in boxes) > left.get_window_extent().x1  # the right panel's tokens clear the left one


def test_surprisal_rows_leave_room_for_their_turned_tokens():
    tokens = [" accomplishments", " cat", "."]
    plot = figs.plot_surprisal({"one": (tokens, [1.0, 2.0, 3.0]), "two": (tokens[::-1], [3.0, 2.0, 1.0])})
    top, bottom = plot.fig.axes
    (title,) = _extents(plot, [bottom.title])
    turned = _extents(plot, top.get_xticklabels())
    assert min(b.y0 for b in turned) > title.y1  # the upper row's tokens end above the lower row's title
    assert min(b.y0 for b in _extents(plot, bottom.get_xticklabels())) >= 0
