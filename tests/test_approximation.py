import math

import numpy as np
import pytest
import scipy.linalg

from mlcourse import approximation as ap
from mlcourse.exercises import chapter2 as ex
from mlcourse.figures import chapter2 as figs


def test_relu_step_and_sine():
    np.testing.assert_array_equal(ap.relu([-2.0, 0.0, 3.0]), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(ap.step([-1e-12, 0.0, 2.0]), [0.0, 1.0, 1.0])
    np.testing.assert_allclose(ap.sine([0.0, math.pi / 2]), [0.0, 1.0])
    with pytest.raises(ValueError, match="z must contain only finite"):
        ap.relu([np.nan])


def test_random_hidden_layer_puts_kinks_inside_and_nests():
    w, b = ap.random_hidden_layer(50, np.random.default_rng(1))
    kinks = -b / w
    assert w.shape == b.shape == (50,)
    assert np.all((kinks >= -math.pi) & (kinks <= math.pi))
    assert np.all((np.abs(w) >= 0.5) & (np.abs(w) <= 2.0))
    w5, b5 = ap.random_hidden_layer(5, np.random.default_rng(1))
    np.testing.assert_array_equal(w5, w[:5])
    np.testing.assert_array_equal(b5, b[:5])
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        ap.random_hidden_layer(5, 1)
    with pytest.raises(ValueError, match="n_hidden must be >= 1"):
        ap.random_hidden_layer(0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="low < high"):
        ap.random_hidden_layer(3, np.random.default_rng(0), interval=(1.0, 1.0))


def test_network_is_the_formula_and_counts_3k_plus_1():
    net = ap.relu_network(np.array([1.0, -2.0]), np.array([0.0, 1.0]), np.array([3.0, 0.5]), -1.0)
    x = np.array([-1.0, 0.0, 2.0])
    # 3 relu(x) + 0.5 relu(-2x + 1) - 1
    expected = 3 * np.maximum(x, 0) + 0.5 * np.maximum(-2 * x + 1, 0) - 1
    np.testing.assert_allclose(ap.network_output(net, x), expected)
    assert net.layer_sizes == (1, 2, 1) and net.n_parameters == 7
    np.testing.assert_allclose(ap.kinks(net), [0.0, 0.5])
    hidden = np.maximum(np.outer(x, [1.0, -2.0]) + np.array([0.0, 1.0]), 0)
    np.testing.assert_allclose(ap.hidden(net, x), hidden)


def test_fit_output_layer_agrees_with_scipy_least_squares():
    rng = np.random.default_rng(2)
    x = np.linspace(-3, 3, 40)
    y = np.cos(x) + 0.1 * rng.standard_normal(40)
    w, b = ap.random_hidden_layer(6, rng)
    net = ap.fit_output_layer(x, y, w, b)
    design = np.column_stack([np.maximum(np.outer(x, w) + b, 0), np.ones_like(x)])
    reference, *_ = scipy.linalg.lstsq(design, y)
    np.testing.assert_allclose(np.append(net.params["W2"][:, 0], net.params["b2"]), reference, atol=1e-9)


def test_fit_recovers_a_network_it_can_represent_exactly():
    x = np.linspace(-3, 3, 50)
    w, b = np.array([1.0, -1.0, 0.5]), np.array([0.5, 1.0, 0.0])
    truth = ap.relu_network(w, b, np.array([2.0, -1.0, 3.0]), 0.25)
    net = ap.fit_output_layer(x, ap.network_output(truth, x), w, b)
    np.testing.assert_allclose(net.params["W2"][:, 0], [2.0, -1.0, 3.0], atol=1e-9)
    assert net.params["b2"][0] == pytest.approx(0.25)


def test_fit_output_layer_rejects_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        ap.fit_output_layer([1.0, 2.0], [1.0], [1.0], [0.0])
    with pytest.raises(ValueError, match="input_weights and input_biases"):
        ap.fit_output_layer([1.0, 2.0], [1.0, 2.0], [1.0, 2.0], [0.0])
    with pytest.raises(ValueError, match="non-zero"):
        ap.fit_output_layer([1.0, 2.0], [1.0, 2.0], [0.0], [0.0])


def test_network_is_linear_between_kinks():
    net = ap.fit_random_relu(ap.grid(200), ap.sine(ap.grid(200)), 5, np.random.default_rng(0))
    edges = np.sort(np.concatenate([ap.kinks(net), ap.INTERVAL]))
    lo, hi = edges[np.argmax(np.diff(edges))], edges[np.argmax(np.diff(edges)) + 1]
    x = np.linspace(lo + 1e-6, hi - 1e-6, 7)
    np.testing.assert_allclose(np.diff(ap.network_output(net, x), 2), 0.0, atol=1e-9)


def test_evenly_spaced_kinks_beat_the_interpolation_bound():
    # With kinks at the k nodes -pi + j h (h = 2 pi / k), the span of the units plus a constant
    # holds the piecewise-linear interpolant of sin, whose error is at most h^2 / 8 * max|sin''|.
    # Least squares can only do better on its training grid.
    for k in (4, 8, 16, 32):
        h = 2 * math.pi / k
        kinks = np.linspace(-math.pi, math.pi, k + 1)[:-1]
        x = ap.grid(1000)
        net = ap.fit_output_layer(x, ap.sine(x), np.ones(k), -kinks)
        assert np.sqrt(np.mean((ap.network_output(net, x) - ap.sine(x)) ** 2)) <= h**2 / 8


def test_sine_error_falls_with_width_on_average():
    curve = ap.approximation_errors("sine", [2, 4, 8, 16, 32, 64], np.random.default_rng(0), n_train=400, n_repeats=4)
    mean = curve.rms.mean(axis=1)
    assert np.all(np.diff(mean) < 0)
    assert mean[-1] < 0.01
    np.testing.assert_array_equal(curve.n_parameters, [7, 13, 25, 49, 97, 193])


def test_approximation_errors_are_those_of_fit_random_relu():
    # The batched fits must be the public functions' fits, drawing in the order (repeat, width).
    widths = [1, 3, 8]
    curve = ap.approximation_errors("step", widths, np.random.default_rng(6), n_train=50, n_test=101, n_repeats=2)
    rng = np.random.default_rng(6)
    x, x_test = ap.grid(50), ap.grid(101)
    for r in range(2):
        for i, k in enumerate(widths):
            net = ap.fit_random_relu(x, ap.step(x), k, rng)
            error = ap.network_output(net, x_test) - ap.step(x_test)
            assert curve.rms[i, r] == pytest.approx(np.sqrt(np.mean(error**2)), rel=1e-9)
            assert curve.max_abs[i, r] == pytest.approx(np.max(np.abs(error)), rel=1e-9)


def test_error_curves_share_the_hidden_layers_between_targets():
    both = ap.error_curves(["sine", "step"], [2, 5], np.random.default_rng(3), n_train=40, n_test=77, n_repeats=3)
    for curve, target in zip(both, ["sine", "step"], strict=True):
        alone = ap.approximation_errors(target, [2, 5], np.random.default_rng(3), n_train=40, n_test=77, n_repeats=3)
        assert curve.target == target
        np.testing.assert_allclose(curve.rms, alone.rms, rtol=1e-12)
        np.testing.assert_allclose(curve.max_abs, alone.max_abs, rtol=1e-12)
    with pytest.raises(ValueError, match="targets must hold names from"):
        ap.error_curves(["sine", "cosine"], [2], np.random.default_rng(0))
    with pytest.raises(TypeError, match="targets must be a non-empty list"):
        ap.error_curves("sine", [2], np.random.default_rng(0))


def test_outputs_on_grid_is_the_dense_forward_pass():
    # Kinks between grid points, on grid points and outside the grid, both slope signs.
    x = np.linspace(-2.0, 2.0, 9)
    w = np.array([[1.0, -2.0, 0.5, -1.0], [3.0, 1.0, -0.5, 2.0]])
    b = np.array([[0.3, -1.0, 2.0, -5.0], [-1.5, 0.0, 0.1, 9.0]])
    v = np.array([[1.0, 2.0, -1.0, 0.5], [-2.0, 1.0, 3.0, 0.25]])
    c = np.array([0.5, -1.0])
    dense = np.maximum(x[None, :, None] * w[:, None, :] + b[:, None, :], 0.0) @ v[:, :, None]
    outputs = ap._outputs_on_grid(x, w, b, np.column_stack([v, c]))
    np.testing.assert_allclose(outputs, dense[:, :, 0] + c[:, None], atol=1e-12)
    # The layers broadcast against stacked coefficients (several targets on the same layers).
    twice = ap._outputs_on_grid(x, w, b, np.stack([np.column_stack([v, c]), np.column_stack([-v, c])]))
    np.testing.assert_allclose(twice[0], outputs, atol=1e-12)
    np.testing.assert_allclose(twice[1], 2 * c[:, None] - outputs, atol=1e-12)


def test_a_continuous_network_misses_the_step_by_half_the_jump():
    # Any continuous g has |g(0) - 1| + |g(0-) - 0| >= 1, so its largest error is >= 1/2.
    for k in (4, 32, 128):
        net = ap.fit_random_relu(ap.grid(1000), ap.step(ap.grid(1000)), k, np.random.default_rng(k))
        left, right = ap.network_output(net, np.array([-1e-12, 0.0]))
        assert max(abs(left - 0.0), abs(right - 1.0)) >= 0.5 - 1e-6


def test_train_test_errors_interpolate_without_learning_the_curve():
    result = ap.train_test_errors([2, 256], np.random.default_rng(1), n_sets=3, n_repeats=3)
    assert result.x_train.shape == result.y_train.shape == (3, 12)
    assert result.train_rms.shape == result.test_rms.shape == (2, 3, 3)
    # 256 random units give 257 output parameters for 12 points: every fit interpolates.
    assert np.all(result.train_rms[1] < 1e-8)
    np.testing.assert_array_equal(result.interpolating(), [0.0, 1.0])
    assert np.all(result.test_rms[1] > 0.1)
    assert result.by_set().shape == result.by_set("train").shape == (2, 3)
    np.testing.assert_array_equal(result.by_set()[0], np.median(result.test_rms[0], axis=1))
    # The training sets differ from each other; each one is sorted.
    assert not np.allclose(result.x_train[0], result.x_train[1])
    assert np.all(np.diff(result.x_train, axis=1) > 0)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        ap.train_test_errors([2], np.random.default_rng(0), noise=-1)
    with pytest.raises(ValueError, match="n_sets must be >= 1"):
        ap.train_test_errors([2], np.random.default_rng(0), n_sets=0)
    with pytest.raises(ValueError, match="which must be"):
        result.by_set("validation")


def test_train_test_errors_are_those_of_fit_random_relu():
    # train_test_errors writes the fit and the forward pass out; the errors must be those of the
    # public functions, drawing from the generator in the same order (set, repeat, width).
    widths = [2, 16]
    result = ap.train_test_errors(widths, np.random.default_rng(4), n_sets=2, n_repeats=2)
    rng = np.random.default_rng(4)
    rng.uniform(size=(2, 12)), rng.standard_normal((2, 12))  # the training sets
    x_test = ap.grid(1001)
    for s in range(2):
        x, y = result.x_train[s], result.y_train[s]
        for r in range(2):
            for i, k in enumerate(widths):
                net = ap.fit_random_relu(x, y, k, rng)
                train = np.sqrt(np.mean((ap.network_output(net, x) - y) ** 2))
                test = np.sqrt(np.mean((ap.network_output(net, x_test) - np.sin(x_test)) ** 2))
                assert result.train_rms[i, s, r] == pytest.approx(train, rel=1e-9, abs=1e-14)
                assert result.test_rms[i, s, r] == pytest.approx(test, rel=1e-9)


def test_one_unit_cannot_interpolate_twelve_noisy_points():
    result = ap.train_test_errors([1], np.random.default_rng(3), n_sets=2, n_repeats=2)
    assert result.interpolating()[0] == 0.0


def test_unknown_target_is_named():
    with pytest.raises(ValueError, match=r"target must be one of \['sine', 'step'\]"):
        ap.approximation_errors("cosine", [2], np.random.default_rng(0))


@pytest.mark.parametrize(
    "make",
    [
        figs.plot_why_networks_work,
        lambda: figs.plot_fit(8),
        lambda: figs.plot_fit(16, target="step"),
        lambda: figs.plot_error_vs_parameters(
            [ap.approximation_errors("sine", [2, 8], np.random.default_rng(0), n_train=100, n_repeats=2)]
        ),
        lambda: figs.plot_fit_vs_generalise(
            ap.train_test_errors([2, 64], np.random.default_rng(0), n_sets=2, n_repeats=2)
        ),
    ],
)
def test_every_figure_has_axes_and_alt_text(make):
    plot = make()
    assert plot.fig.axes
    assert len(plot.alt) > 60
    assert plot.to_png().startswith(b"\x89PNG")


def test_plot_fit_draws_the_fitted_network():
    plot = figs.plot_fit(8)
    network_line = plot.fig.axes[0].get_lines()[1]
    x, y = network_line.get_data()
    net = ap.fit_random_relu(ap.grid(1000), ap.sine(ap.grid(1000)), 8, np.random.default_rng(0))
    np.testing.assert_allclose(y, ap.network_output(net, x))
    assert "8 units (25 parameters)" in plot.alt


def test_why_diagram_sums_the_drawn_units():
    plot = figs.plot_why_networks_work(8)
    many, total = plot.fig.axes[1], plot.fig.axes[2]
    (units,) = many.collections  # one line per unit
    assert len(units.get_segments()) == 8
    parts = sum(segment[:, 1] for segment in units.get_segments())
    summed = total.get_lines()[1].get_ydata()
    offset = summed - parts
    np.testing.assert_allclose(offset, offset[0])  # the sum of the drawn units plus one constant
    assert "25 parameters" in plot.alt


def test_check_relu_network_facts():
    assert ex.check_relu_network_facts(61, 20).ok
    assert "output bias" in ex.check_relu_network_facts(60, 20).message
    assert "three numbers per hidden unit" in ex.check_relu_network_facts(41, 20).message
    assert "not the maximum" in ex.check_relu_network_facts(61, 40).message
    assert not ex.check_relu_network_facts(61.0, 20).ok
    assert ex.check_relu_network_facts(31, 10, n_hidden=10).ok


def test_draw_fit_returns_the_numbers_of_the_drawn_network():
    from mlcourse.figures import new_figure

    drawn = figs.draw_fit(new_figure(), n_hidden=8, target="step", seed=3)
    net = ap.fit_random_relu(ap.grid(1000), ap.step(ap.grid(1000)), 8, np.random.default_rng(3))
    assert drawn == {"n_hidden": 8, "n_parameters": 25, "rms": ap.rms_error(net, ap.grid(2001), ap.step)}
    with pytest.raises(ValueError, match="target must be one of"):
        figs.draw_fit(new_figure(), n_hidden=8, target="cosine")
