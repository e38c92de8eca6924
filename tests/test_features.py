"""Learned versus random features: gradients, training and the comparison (chapter 2)."""

import numpy as np
import pytest

from mlcourse import approximation as ap
from mlcourse import features, mlp
from mlcourse.figures import chapter2 as figs


def nets(k, seeds, x, y):
    return [ap.fit_random_relu(x, y, k, np.random.default_rng(s)) for s in seeds]


def test_gradients_are_the_mlps_backprop_for_the_squared_error():
    # Independent check: mlcourse.mlp.backward with dL/d(out) = 2 (out - y) / n.
    x = np.linspace(-3, 3, 40)
    y = np.cos(x)
    start = nets(5, range(3), x, y)
    params = features._stack(start)
    params["v"] += 0.3  # away from the least-squares optimum, so the gradients are not ~0
    loss, grads = features.loss_and_gradients(params, x, y)
    for s in range(3):
        one = {"W1": params["w"][s][None, :], "b1": params["b"][s], "W2": params["v"][s][:, None]}
        one["b2"] = params["c"][s : s + 1]
        out, inputs = mlp.forward_with_inputs(one, x[:, None], activation="relu")
        assert loss[s] == pytest.approx(np.mean((out[:, 0] - y) ** 2))
        ref = mlp.backward(one, inputs, 2 * (out - y[:, None]) / len(x), activation="relu")
        np.testing.assert_allclose(grads["w"][s], ref["W1"][0], atol=1e-12)
        np.testing.assert_allclose(grads["b"][s], ref["b1"], atol=1e-12)
        np.testing.assert_allclose(grads["v"][s], ref["W2"][:, 0], atol=1e-12)
        np.testing.assert_allclose(grads["c"][s], ref["b2"], atol=1e-12)


def test_gradient_matches_finite_differences():
    x = np.linspace(-2, 2, 30)
    y = np.sin(2 * x)
    params = features._stack(nets(3, [7], x, y))
    _, grads = features.loss_and_gradients(params, x, y)
    eps = 1e-6
    for name in ("w", "b", "v"):
        for j in range(3):
            up = {k: v.copy() for k, v in params.items()}
            down = {k: v.copy() for k, v in params.items()}
            up[name][0, j] += eps
            down[name][0, j] -= eps
            numeric = (features.loss_and_gradients(up, x, y)[0] - features.loss_and_gradients(down, x, y)[0]) / (
                2 * eps
            )
            assert grads[name][0, j] == pytest.approx(numeric[0], rel=1e-4, abs=1e-8)


def test_training_lowers_the_loss_and_leaves_the_start_unchanged():
    x = ap.grid(100)
    y = np.sin(x)
    start = nets(4, range(4), x, y)
    before = [net.params["W1"].copy() for net in start]
    trained = features.train_networks(x, y, start, steps=300)
    for net, w in zip(start, before, strict=True):
        np.testing.assert_array_equal(net.params["W1"], w)
    loss_start = [np.mean((ap.network_output(n, x) - y) ** 2) for n in start]
    loss_trained = [np.mean((ap.network_output(n, x) - y) ** 2) for n in trained]
    assert np.mean(loss_trained) < 0.5 * np.mean(loss_start)
    assert all(n.layer_sizes == (1, 4, 1) for n in trained)
    # Zero steps changes nothing.
    same = features.train_networks(x, y, start[:1], steps=0)[0]
    np.testing.assert_array_equal(same.params["W1"], start[0].params["W1"])


def test_train_networks_rejects_bad_input():
    x = ap.grid(20)
    with pytest.raises(ValueError, match="non-empty"):
        features.train_networks(x, np.sin(x), [])
    with pytest.raises(ValueError, match="same number of hidden units"):
        features.train_networks(x, np.sin(x), nets(2, [0], x, np.sin(x)) + nets(3, [0], x, np.sin(x)))
    with pytest.raises(ValueError, match="same shape"):
        features.train_networks(x, np.sin(x)[:5], nets(2, [0], x, np.sin(x)))
    with pytest.raises(ValueError, match="steps must be >= 0"):
        features.train_networks(x, np.sin(x), nets(2, [0], x, np.sin(x)), steps=-1)


def test_learned_features_beat_random_ones_on_average():
    result = features.compare_features("sine", [4, 8], np.random.default_rng(5), n_seeds=4, steps=500)
    assert result.random_rms.shape == result.learned_rms.shape == (2, 4)
    assert np.all(result.learned_rms.mean(axis=1) < result.random_rms.mean(axis=1))
    with pytest.raises(ValueError, match="target must be one of"):
        features.compare_features("cosine", [2], np.random.default_rng(0))


def test_comparison_batch_of_mixed_widths_trains_each_network_as_alone():
    # compare_features pads narrow networks with all-zero units to train every width at once;
    # each result must be the one train_networks gives that network on its own.
    widths, n_seeds, steps = [1, 3], 2, 50
    comparison = features.compare_features("sine", widths, np.random.default_rng(5), n_seeds=n_seeds, steps=steps)
    rng = np.random.default_rng(5)
    x, x_test = ap.grid(100), ap.grid(2001)
    for i, k in enumerate(widths):
        for s in range(n_seeds):
            start = ap.fit_random_relu(x, np.sin(x), k, rng)
            (alone,) = features.train_networks(x, np.sin(x), [start], steps=steps)
            assert comparison.random_rms[i, s] == ap.rms_error(start, x_test, np.sin)
            assert comparison.learned_rms[i, s] == pytest.approx(ap.rms_error(alone, x_test, np.sin), rel=1e-9)


def test_comparison_keeps_its_networks():
    result = features.compare_features("sine", [2, 3], np.random.default_rng(1), n_seeds=2, steps=20)
    assert [len(row) for row in result.random_nets] == [len(row) for row in result.learned_nets] == [2, 2]
    x = ap.grid(2001)
    for i, k in enumerate((2, 3)):
        for s in range(2):
            start, trained = result.random_nets[i][s], result.learned_nets[i][s]
            assert start.layer_sizes == trained.layer_sizes == (1, k, 1)
            assert result.random_rms[i, s] == ap.rms_error(start, x, np.sin)
            assert result.learned_rms[i, s] == ap.rms_error(trained, x, np.sin)


def test_learned_vs_random_figure():
    result = features.compare_features("sine", [2, 4], np.random.default_rng(0), n_seeds=2, steps=50)
    plot = figs.plot_learned_vs_random(result, n_hidden=4, draw=1)
    assert len(plot.fig.axes) == 2
    assert "2 units:" in plot.alt and "4 units" in plot.alt
    # The example is the comparison's own network: the alt text gives its errors.
    x = ap.grid(1000)
    before, after = (ap.rms_error(nets[1][1], x, np.sin) for nets in (result.random_nets, result.learned_nets))
    assert f"(RMS error {before:.3f}) and after ({after:.3f})" in plot.alt
    assert plot.to_png().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match=r"n_hidden must be one of the compared widths \[2, 4\]"):
        figs.plot_learned_vs_random(result, n_hidden=3)
    with pytest.raises(ValueError, match="draw must be <= 1"):
        figs.plot_learned_vs_random(result, n_hidden=4, draw=2)
