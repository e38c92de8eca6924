"""Chapter 2's figures on SmolLM2 and its log axes: alt text built from the numbers drawn, no display needed."""

import numpy as np
import pytest
from fixed_layout_check import assert_fixed_layout_holds
from matplotlib.ticker import NullLocator

from mlcourse import quantization as Q
from mlcourse import scale
from mlcourse.figures import chapter2 as figs
from mlcourse.figures.log_axes import plain_log, power_label
from mlcourse.figures.plot import new_figure


def test_config_vs_file_names_every_component_and_total():
    counted = {"token embedding": 10, "attention": 2_000_000, "MLP": 5_000_000, "norms": 3}
    plot = figs.plot_config_vs_file(counted, dict(counted), name="Toy")
    assert "attention 2,000,000 counted and 2,000,000 in the file" in plot.alt
    assert "Totals: 7,000,013 and 7,000,013" in plot.alt
    assert plot.to_png().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="same components"):
        figs.plot_config_vs_file(counted, {"MLP": 1})


def q4_1_block(d, m, q):
    """20 bytes: float16 d and m, then weight j in the low and weight j + 16 in the high nibble of byte j."""
    q = np.asarray(q, dtype=np.uint8)
    head = np.array([d, m], dtype=np.float16).view(np.uint8)
    return np.concatenate([head, q[:16] | (q[16:] << 4)])


def test_quantization_figure_counts_the_levels_a_block_uses():
    # d = 0.5, m = -1: a block using 5 of the 16 levels, from -1 (q = 0) to 6.5 (q = 15).
    block = q4_1_block(0.5, -1.0, [0, 3, 7, 15, 9] * 6 + [0, 15])
    storage = {"Q4_1": {"tensors": 2, "weights": 64, "bytes": 40, "bits per weight": 5.0}}
    plot = figs.plot_quantization(storage, 5.5, block)
    assert "Q4_1 5" in plot.alt and "5.5 bits per parameter" in plot.alt
    assert "from -1 to 6.5" in plot.alt and "uses 5 of them" in plot.alt
    assert "scale d = 0.5, minimum m = -1" in plot.alt
    bars = plot.fig.axes[0].patches
    assert [b.get_height() for b in bars] == [5.0, 5.5]
    level_lines = [line.get_ydata()[0] for line in plot.fig.axes[1].get_lines()[:16]]
    np.testing.assert_allclose(level_lines, 0.5 * np.arange(16) - 1.0)
    with pytest.raises(ValueError, match="block must be 20 bytes"):
        figs.plot_quantization(storage, 5.5, block[:10])


def test_quantization_figure_on_a_block_using_every_level():
    block = q4_1_block(0.25, 0.0, list(range(16)) * 2)
    np.testing.assert_array_equal(Q.dequantize_q4_1_block(block), 0.25 * np.array(list(range(16)) * 2))
    storage = {"Q4_1": {"tensors": 1, "weights": 32, "bytes": 20, "bits per weight": 5.0}}
    plot = figs.plot_quantization(storage, 5.0, block)
    assert "uses 16 of them" in plot.alt


def test_kv_cache_figure_from_the_table():
    table = scale.kv_cache_table([scale.SMOLLM2_135M, scale.LLAMA2_7B])
    assert list(table["Llama-2-7B"]) == ["weights", "KV per token", "KV at 4,096 tokens", "KV at 4,096 x 32"]
    # bf16 weights: 2 bytes per parameter, counted by hand in test_scale.
    assert table["Llama-2-7B"]["weights"] == 2 * 6_738_415_616
    plot = figs.plot_kv_cache(table)
    assert "Llama-2-7B: weights 13.5 GB" in plot.alt and "KV at 4,096 x 32 68.7 GB" in plot.alt
    assert "11 times the weights for SmolLM2-135M" in plot.alt and "5.1 times" in plot.alt
    assert len(plot.fig.axes[0].patches) == 8
    with pytest.raises(ValueError, match="at least one model"):
        figs.plot_kv_cache({})


def test_log_axes_are_labelled_in_plain_text_without_minor_ticks():
    expected = {1e-5: "10⁻⁵", 0.001: "0.001", 0.1: "0.1", 1.0: "1", 256.0: "256", 1e8: "10⁸", 1e12: "10¹²"}
    assert {v: power_label(v) for v in expected} == expected
    assert power_label(0.0) == "0" and power_label(-1e6) == "-10⁶" and power_label(2.5e7) == "2.5e+07"
    fig = new_figure()
    ax = fig.add_subplot()
    ax.plot([1, 256], [1e-4, 1.0])
    plain_log(ax, "x", base=2)
    plain_log(ax, "y")
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert isinstance(ax.xaxis.get_minor_locator(), NullLocator) and isinstance(
        ax.yaxis.get_minor_locator(), NullLocator
    )
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "256" in labels and not any("$" in t for t in labels)
    plain_log(ax, "y", linthresh=0.1)
    assert ax.get_yscale() == "symlog"


def chapter2_figures():
    """Chapter 2's fixed-layout figures, on inputs like the chapter's (no SmolLM2 needed)."""
    from mlcourse import approximation as ap
    from mlcourse import features, mlp

    storage = {"Q4_1": {"tensors": 2, "weights": 64, "bytes": 40, "bits per weight": 5.0}}
    curves = ap.error_curves(["sine", "step"], [1, 4, 16, 64], np.random.default_rng(0), n_repeats=2)
    comparison = features.compare_features("sine", [2, 4, 8], np.random.default_rng(0), n_seeds=2, steps=20)
    return {
        "mlp": figs.plot_mlp_diagram(mlp.init_params((3, 4, 2), np.random.default_rng(0), activation="relu")),
        "scale": figs.plot_parameters_and_scale(),
        "memory": figs.plot_memory_by_dtype(scale.LLAMA2_7B),
        "quantization": figs.plot_quantization(storage, 5.5, q4_1_block(0.5, -1.0, list(range(16)) * 2)),
        "kv": figs.plot_kv_cache(scale.kv_cache_table([scale.SMOLLM2_135M, scale.LLAMA2_7B])),
        "why": figs.plot_why_networks_work(8),
        "errors": figs.plot_error_vs_parameters(curves),
        "learned": figs.plot_learned_vs_random(comparison, n_hidden=4),
        "generalise": figs.plot_fit_vs_generalise(ap.train_test_errors([1, 4, 64], np.random.default_rng(1))),
        "fit": figs.plot_fit(8),
    }


def test_fixed_margins_keep_every_text_on_the_canvas():
    for name, plot in chapter2_figures().items():
        assert_fixed_layout_holds(plot, name)
