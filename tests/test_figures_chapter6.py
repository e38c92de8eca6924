import numpy as np
import pytest
from fixed_layout_check import assert_fixed_layout_holds
from matplotlib.collections import LineCollection

from mlcourse import bias_variance as bv
from mlcourse import double_descent as dd
from mlcourse import regression
from mlcourse.figures import chapter6 as figs
from mlcourse.figures import chapter6_beyond as figs_beyond
from mlcourse.figures import new_figure


@pytest.fixture(scope="module")
def sweep():
    e = bv.make_experiment(20, np.random.default_rng(14), noise=0.3, n_sets=50, n_test=30)
    degrees = list(range(6))
    return degrees, bv.degree_sweep(e, degrees)


def test_plot_train_test_draws_the_errors(sweep):
    degrees, results = sweep
    plot = figs.plot_train_test(degrees, results)
    train_line, test_line = plot.fig.axes[0].get_lines()[:2]
    np.testing.assert_allclose(train_line.get_ydata(), [r.train_error for r in results])
    np.testing.assert_allclose(test_line.get_ydata(), [r.test_error for r in results])
    assert "U-shaped" in plot.alt and "degree" in plot.alt


def test_plot_decomposition_draws_the_terms(sweep):
    degrees, results = sweep
    plot = figs.plot_decomposition(degrees, results, xlabel="polynomial degree")
    bias_line, var_line = plot.fig.axes[0].get_lines()[:2]
    np.testing.assert_allclose(bias_line.get_ydata(), [r.bias2 for r in results])
    np.testing.assert_allclose(var_line.get_ydata(), [r.variance for r in results])
    assert "standard errors" in plot.alt
    with pytest.raises(ValueError, match="same length"):
        figs.plot_decomposition(degrees[:2], results, xlabel="x")


def test_every_figure_has_axes_and_alt_text(sweep):
    degrees, results = sweep
    rng = np.random.default_rng(15)
    e = bv.make_experiment(10, rng, n_sets=20, n_test=20)
    w, b = regression.random_features(30, rng, scale=25.0, n_sets=20)
    counts = [2, 5, 10, 15, 30]
    plots = [
        figs.plot_tradeoff_diagram(rng),
        figs.plot_fits(4, n=15, noise=0.2, ridge=1e-3),
        figs.plot_learning_curve_by_size([10, 20, 40], bv.learning_curve([10, 20, 40], 2, rng, n_sets=20), degree=2),
        figs_beyond.plot_double_descent(counts, dd.feature_sweep(e, counts, w, b), n=10),
        figs.plot_model_selection(degrees, np.ones(6), np.ones(6), np.arange(6.0) + 1, [1, 2, 2], [2, 2, 3]),
        figs.plot_decomposition([1e-3, 1e-1, 10.0], results[:3], xlabel="λ", logx=True, logy=True),
    ]
    for plot in plots:
        assert plot.fig.axes and len(plot.alt) > 80
        assert plot.to_png(dpi=40).startswith(b"\x89PNG")
    assert "interpolation threshold" in plots[3].alt and "p = 10" in plots[3].alt
    dd_results = dd.feature_sweep(e, counts, w, b)
    best_below = min(r.test_error for p, r in zip(counts, dd_results, strict=True) if p < 10)
    assert f"at best {best_below:.3g}" in plots[3].alt
    with pytest.raises(ValueError, match="counts must include some p below n"):
        figs_beyond.plot_double_descent(counts[2:], dd_results[2:], n=10)
    assert "degree 4" in plots[1].alt


def test_draw_fits_title_reports_the_settings():
    fig = new_figure()
    result = figs.draw_fits(fig, degree=3, n=12, noise=0.2, ridge=0.0)
    title = fig.axes[0].get_title()
    assert title.startswith("degree 3, n = 12, σ = 0.2") and "variance" in title
    # The fit to the orange points and the true curve are lines; the 19 other fits one collection.
    assert len(fig.axes[0].get_lines()) >= 2
    (others,) = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    assert len(others.get_segments()) == 19 and all(seg.shape[1] == 2 for seg in others.get_segments())
    # It returns the numbers its title shows, measured on the same 200 training sets.
    e = bv.make_experiment(12, np.random.default_rng(0), noise=0.2, n_sets=200, n_test=100)
    assert result == bv.measure(e, regression.polynomial_fitter(3))
    assert f"variance {result.variance:.3g}" in title


def test_plot_early_stopping_describes_its_curves_and_checks_lengths():
    steps = [1, 10, 100, 1000]
    plot = figs_beyond.plot_early_stopping(
        steps,
        [0.5, 0.2, 0.3, 0.4],
        [0.4, 0.1, 0.05, 0.04],
        [0.5, 0.22, 0.25, 0.25],
        weight_decay=0.01,
        ridge_error=0.25,
        least_squares_error=0.45,
    )
    assert "falls to 0.2 at 10 steps" in plot.alt and "rises to 0.4" in plot.alt
    assert "settles at 0.25" in plot.alt and "0.45" in plot.alt
    with pytest.raises(ValueError, match="test_decay must have one value per step"):
        figs_beyond.plot_early_stopping(
            steps, [1, 2, 3, 4], [1, 2, 3, 4], [1, 2], weight_decay=0.0, ridge_error=1.0, least_squares_error=1.0
        )
    with pytest.raises(ValueError, match="weight_decay"):
        figs_beyond.plot_early_stopping(
            steps, [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], weight_decay=-1, ridge_error=1.0, least_squares_error=1.0
        )


def test_fixed_margins_keep_every_text_on_the_canvas(sweep):
    degrees, results = sweep
    rng = np.random.default_rng(15)
    e = bv.make_experiment(20, rng, n_sets=20, n_test=20)
    w, b = regression.random_features(40, rng, scale=25.0, n_sets=20)
    counts = [2, 10, 19, 20, 21, 40]
    steps = [1, 10, 100, 1000]
    plots = {
        "tradeoff": figs.plot_tradeoff_diagram(np.random.default_rng(1)),
        "train_test": figs.plot_train_test(degrees, results),
        "decomposition": figs.plot_decomposition(degrees, results, xlabel="polynomial degree"),
        "ridge": figs.plot_decomposition([1e-3, 1e-2, 1e-1], results[:3], xlabel="ridge strength λ", logx=True),
        "selection": figs.plot_model_selection(
            degrees, np.linspace(1, 0.3, 6), np.linspace(0.9, 0.2, 6), np.arange(6.0) + 1, [1, 2, 2], [2, 2, 3]
        ),
        "learning": figs.plot_learning_curve_by_size([10, 20, 40], bv.learning_curve([10, 20, 40], 2, rng), degree=2),
        "double_descent": figs_beyond.plot_double_descent(counts, dd.feature_sweep(e, counts, w, b), n=20),
        "early_stopping": figs_beyond.plot_early_stopping(
            steps,
            [0.5, 0.2, 0.3, 0.4],
            [0.4, 0.1, 0.05, 0.02],
            [0.5, 0.2, 0.2, 0.2],
            weight_decay=1e-2,
            ridge_error=0.2,
            least_squares_error=0.45,
        ),
    }
    for name, plot in plots.items():
        assert_fixed_layout_holds(plot, name)
