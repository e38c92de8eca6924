import math

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.special import log_softmax as sp_log_softmax
from scipy.special import softmax as sp_softmax

from mlcourse import datasets, gradient_check, mlp, model, optim, training
from mlcourse.exercises import chapter5 as ex
from mlcourse.figures import chapter5 as figs


def rng(seed=0):
    return np.random.default_rng(seed)


def small_batch(sizes, seed=0, n=9):
    r = rng(seed)
    return r.normal(size=(n, sizes[0])), r.integers(0, sizes[-1], n)


def randomise_biases(net, seed=1):
    """Non-zero biases: no ReLU input sits exactly on its kink (all-zero inputs + zero bias)."""
    r = rng(seed)
    for name, p in net.params.items():
        if name.startswith("b"):
            p[:] = r.normal(0, 0.5, size=p.shape)
    return net


# --------------------------------------------------------------------------- counting and the forward pass (chapter 2)


def test_parameter_count_matches_hand_counts():
    # 3 -> 4 -> 2: (3*4 + 4) + (4*2 + 2) = 16 + 10
    assert mlp.parameter_count((3, 4, 2)) == 26
    # 784 -> 128 -> 64 -> 10: 100352 + 128 + 8192 + 64 + 640 + 10
    assert mlp.parameter_count([784, 128, 64, 10]) == 109_386
    assert mlp.parameter_count((784, 128, 64, 10), bias=False) == 100_352 + 8_192 + 640
    assert mlp.parameter_count((5, 1)) == 6
    assert mlp.parameter_count((1, 20, 1)) == 3 * 20 + 1  # the 1-k-1 ReLU network of chapter 2


def test_parameter_count_is_exact_for_numpy_integer_sizes():
    sizes = np.array([100_000, 100_000, 100_000], dtype=np.int32)  # 2e10 overflows int32
    count = mlp.parameter_count(sizes)
    assert type(count) is int and count == 2 * (100_000 * 100_000 + 100_000)
    assert mlp.check_layer_sizes((np.int16(3), np.uint8(4))) == (3, 4)
    assert all(type(n) is int for n in mlp.check_layer_sizes(sizes))


def test_init_params_shapes_agree_with_the_count_and_forward_is_relu_affine():
    params = mlp.init_params((3, 4, 2), rng(), activation="relu", bias_std=0.1)
    assert [p.shape for p in params.values()] == [(3, 4), (4,), (4, 2), (2,)]
    assert model.count_parameters(*params.values()) == 26 == mlp.parameter_count((3, 4, 2))
    assert np.all(params["b1"] != 0)
    x = np.array([[1.0, -2.0, 0.5]])
    expected = np.maximum(x @ params["W1"] + params["b1"], 0) @ params["W2"] + params["b2"]
    np.testing.assert_allclose(mlp.forward(params, x, activation="relu"), expected)
    with pytest.raises(ValueError, match="X has 2 features per row but the network's input layer expects 3"):
        mlp.forward(params, np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"params\['W2'\] expects 5 inputs but the previous layer gives 4"):
        mlp.forward(dict(params, W2=np.ones((5, 2))), x)
    with pytest.raises(TypeError, match="params must be a dict"):
        mlp.forward({}, x)
    with pytest.raises(ValueError, match="must be finite"):
        mlp.forward(dict(params, W1=np.full((3, 4), np.nan)), x)


def test_init_params_is_reproducible_and_needs_a_generator():
    a = mlp.init_params((2, 3), np.random.default_rng(5))
    b = mlp.init_params((2, 3), np.random.default_rng(5))
    np.testing.assert_array_equal(a["W1"], b["W1"])
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        mlp.init_params((2, 3), 5)


@pytest.mark.parametrize(
    ("sizes", "error", "match"),
    [
        ((3,), ValueError, "at least an input and an output"),
        ((3, 0, 2), ValueError, r"layer_sizes\[1\] must be >= 1"),
        ((3, -4), ValueError, r"layer_sizes\[1\] must be >= 1"),
        ((3, 2.5), TypeError, r"layer_sizes\[1\] must be an integer"),
        ("342", TypeError, "sequence of integers"),
    ],
)
def test_bad_layer_sizes_are_named(sizes, error, match):
    with pytest.raises(error, match=match):
        mlp.parameter_count(sizes)


def test_forward_overflow_is_an_error_not_infinity():
    params = {"W1": np.array([[1e200]]), "b1": np.zeros(1), "W2": np.array([[1e200]]), "b2": np.zeros(1)}
    with pytest.raises(FloatingPointError, match="overflowed"):
        mlp.forward(params, [[1e200]], activation="relu")


# --------------------------------------------------------------------------- the model


def test_parameters_have_the_documented_names_shapes_and_init():
    net = mlp.MLP((3, 5, 4, 2), rng())
    shapes = {k: v.shape for k, v in net.params.items()}
    assert shapes == {"W1": (3, 5), "b1": (5,), "W2": (5, 4), "b2": (4,), "W3": (4, 2), "b3": (2,)}
    assert all(np.all(net.params[b] == 0) for b in ("b1", "b2", "b3"))
    assert net.n_parameters == 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2
    assert "3-5-4-2" in repr(net)


def test_forward_matches_a_hand_computed_network():
    net = mlp.MLP((2, 2, 2), rng())
    net.params["W1"][:] = [[1.0, -1.0], [0.5, 2.0]]
    net.params["b1"][:] = [0.0, 1.0]
    net.params["W2"][:] = [[2.0, 0.0], [-1.0, 1.0]]
    net.params["b2"][:] = [0.5, -0.5]
    x = np.array([[1.0, 2.0]])
    h = np.tanh([1.0 + 1.0, -1.0 + 4.0 + 1.0])
    expected = [2 * h[0] - h[1] + 0.5, h[1] - 0.5]
    np.testing.assert_allclose(net.forward(x), [expected])
    assert net.predict(x).tolist() == [int(np.argmax(expected))]
    np.testing.assert_allclose(net.loss(x, [0]), -np.log(sp_softmax([expected], axis=1)[0, 0]))


def test_relu_forward_clips_negative_pre_activations():
    net = mlp.MLP((1, 2, 2), rng(), activation="relu")
    net.params["W1"][:] = [[1.0, -1.0]]
    net.params["W2"][:] = np.eye(2)
    np.testing.assert_allclose(net.forward([[3.0]]), [[3.0, 0.0]])


def test_loss_is_mean_cross_entropy_and_logistic_regression_gradient_is_closed_form():
    # With no hidden layer the network is multinomial logistic regression, whose gradient is
    # X^T (softmax(XW + b) - onehot(y)) / n, a textbook closed form.
    X, y = small_batch((4, 3), n=12)
    net = mlp.MLP((4, 3), rng(1))
    net.params["b1"][:] = [0.1, -0.2, 0.3]
    loss, grads = net.loss_and_grads(X, y)
    z = X @ net.params["W1"] + net.params["b1"]
    assert loss == pytest.approx(-np.mean(sp_log_softmax(z, axis=1)[np.arange(12), y]))
    delta = (sp_softmax(z, axis=1) - np.eye(3)[y]) / 12
    np.testing.assert_allclose(grads["W1"], X.T @ delta)
    np.testing.assert_allclose(grads["b1"], delta.sum(axis=0))
    assert net.loss(X, y) == pytest.approx(loss)


@pytest.mark.parametrize(
    ("sizes", "activation"),
    [
        ((2, 2), "tanh"),
        ((2, 5, 2), "tanh"),
        ((2, 16, 16, 2), "tanh"),
        ((3, 8, 8, 4), "tanh"),
        ((4, 6, 5, 4, 3), "tanh"),
        ((3, 7, 6, 2), "relu"),
    ],
)
def test_backprop_passes_the_gradient_check(sizes, activation):
    net = randomise_biases(mlp.MLP(sizes, rng(2), activation=activation))
    X, y = small_batch(sizes, seed=3)
    assert training.gradient_check(net, X, y) < 1e-6


def test_numerical_gradients_agree_with_scipy():
    net = mlp.MLP((2, 4, 3), rng(5))
    X, y = small_batch((2, 4, 3), seed=6)
    names = list(net.params)
    shapes = [net.params[k].shape for k in names]
    theta0 = np.concatenate([net.params[k].ravel() for k in names])

    def loss_at(theta):
        probe = net.copy()
        offset = 0
        for k, shape in zip(names, shapes, strict=True):
            size = math.prod(shape)
            probe.params[k] = theta[offset : offset + size].reshape(shape)
            offset += size
        return probe.loss(X, y)

    reference = approx_fprime(theta0, loss_at, 1e-7)
    ours = np.concatenate([g.ravel() for g in training.numerical_gradients(net, X, y).values()])
    np.testing.assert_allclose(ours, reference, atol=1e-6)
    # the check leaves the parameters as they were
    np.testing.assert_array_equal(np.concatenate([net.params[k].ravel() for k in names]), theta0)


@pytest.mark.parametrize(("sizes", "activation"), [((3, 5, 2), "tanh"), ((2, 12, 12, 3), "relu")])
def test_numerical_gradients_nudge_one_entry_at_a_time(sizes, activation):
    """The batched passes (W2 of 2-12-12-3 has 144 entries: more than one chunk) give each entry's
    central difference, computed here one entry at a time with the model's own loss."""
    net = randomise_biases(mlp.MLP(sizes, rng(4), activation=activation))
    X, y = small_batch(sizes, seed=5)
    ours = training.numerical_gradients(net, X, y, eps=1e-5)
    assert net.params["W2"].size > gradient_check.CHUNK or sizes[1] == 5
    for name, p in net.params.items():
        for idx in np.ndindex(p.shape):
            plus, minus = net.copy(), net.copy()
            plus.params[name][idx] += 1e-5
            minus.params[name][idx] -= 1e-5
            expected = (plus.loss(X, y) - minus.loss(X, y)) / 2e-5
            assert ours[name][idx] == pytest.approx(expected, abs=1e-9)


def test_a_broken_gradient_is_detected():
    net = mlp.MLP((2, 6, 2), rng(7))
    X, y = small_batch((2, 6, 2), seed=8, n=10)
    _, grads = net.loss_and_grads(X, y)
    summed = {k: 10 * g for k, g in grads.items()}  # forgot the mean: relative error (10-1)/(10+1)
    assert training.gradient_check(net, X, y, grads=summed) == pytest.approx(9 / 11, rel=1e-6)
    flipped = dict(grads, W1=-grads["W1"])
    assert training.gradient_check(net, X, y, grads=flipped) == pytest.approx(1.0, rel=1e-6)

    logits, inputs = mlp.forward_with_inputs(net.params, X)
    dz, buggy = mlp.logit_gradient(logits, y), {}
    for i in range(len(inputs), 0, -1):  # backpropagation that forgot tanh' (took its slope as 1)
        buggy[f"W{i}"], buggy[f"b{i}"] = inputs[i - 1].T @ dz, dz.sum(axis=0)
        dz = dz @ net.params[f"W{i}"].T
    assert training.gradient_check(net, X, y, grads=buggy) > 1e-2


def test_relative_error_by_hand():
    assert training.relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert training.relative_error([0.0], [0.0]) == 0.0
    assert training.relative_error([3.0, 4.0], [0.0, 0.0]) == 1.0
    assert training.relative_error([1.0], [3.0]) == pytest.approx(2 / 4)


# --------------------------------------------------------------------------- optimizers and training


def test_sgd_step_is_minus_learning_rate_times_gradient():
    params = {"w": np.array([1.0, -2.0])}
    optim.SGD(0.5).step(params, {"w": np.array([2.0, 2.0])})
    np.testing.assert_allclose(params["w"], [0.0, -3.0])


def test_first_adam_step_moves_each_parameter_by_the_learning_rate_against_the_gradient_sign():
    # After one step m_hat = g and v_hat = g^2, so the update is lr * g / (|g| + eps).
    params = {"w": np.array([1.0, 1.0, 1.0])}
    opt = optim.Adam(0.1)
    opt.step(params, {"w": np.array([3.0, -0.02, 1e-3])})
    np.testing.assert_allclose(params["w"], [0.9, 1.1, 0.9], atol=1e-6)
    assert set(opt.state) == {"m_w", "v_w"}


def test_training_reduces_the_loss_on_a_separable_problem():
    X, y = datasets.blobs(120, rng(1), centers=[(-2, 0), (2, 0)], std=0.4)
    for optimizer, lr in (("sgd", 0.5), ("adam", 0.05)):
        net = mlp.MLP((2, 8, 2), rng(2))
        h = training.train(net, X, y, rng=rng(3), epochs=15, batch_size=16, learning_rate=lr, optimizer=optimizer)
        assert h.train_loss[-1] < 0.1 * h.train_loss[0]
        assert h.train_accuracy[-1] == 1.0
        assert len(h.train_loss) == 16 and h.epoch == list(range(16))
        assert h.step[1] == math.ceil(120 / 16) and h.step[-1] == 15 * 8


def test_training_is_reproducible_and_seed_dependent():
    X, y = datasets.two_moons(100, rng(1))

    def run(init_seed, shuffle_seed):
        net = mlp.MLP((2, 8, 2), rng(init_seed))
        h = training.train(net, X, y, rng=rng(shuffle_seed), epochs=5, batch_size=10, X_val=X[:20], y_val=y[:20])
        return h, net

    (h1, n1), (h2, n2), (h3, _) = run(0, 1), run(0, 1), run(0, 2)
    assert h1.train_loss == h2.train_loss and h1.val_accuracy == h2.val_accuracy
    assert all(np.array_equal(n1.params[k], n2.params[k]) for k in n1.params)
    assert h1.train_loss != h3.train_loss


def test_train_is_the_plain_loop():
    X, y = datasets.two_moons(50, rng(1))
    net = mlp.MLP((2, 4, 2), rng(2))
    hand = net.copy()
    training.train(net, X, y, rng=rng(3), epochs=3, batch_size=7, learning_rate=0.2)
    shuffle = rng(3)
    for _ in range(3):
        order = shuffle.permutation(50)
        for start in range(0, 50, 7):
            b = order[start : start + 7]
            _, g = hand.loss_and_grads(X[b], y[b])
            for k in hand.params:
                hand.params[k] -= 0.2 * g[k]
    assert all(np.array_equal(net.params[k], hand.params[k]) for k in net.params)


def test_target_accuracy_stops_early_and_snapshots_are_copies():
    X, y = datasets.blobs(80, rng(1), centers=[(-2, 0), (2, 0)], std=0.3)
    net = mlp.MLP((2, 4, 2), rng(2))
    h = training.train(
        net, X, y, rng=rng(3), epochs=50, batch_size=8, X_val=X, y_val=y, target_accuracy=1.0, keep_params=True
    )
    assert h.steps_to_target is not None and h.steps_to_target == len(h.val_accuracy_by_step)
    assert h.val_accuracy_by_step[-1] == 1.0 and all(a < 1.0 for a in h.val_accuracy_by_step[:-1])
    assert h.step[-1] == h.steps_to_target
    assert len(h.params) == len(h.epoch)
    assert not np.array_equal(h.params[0]["W1"], net.params["W1"])


def test_a_huge_learning_rate_is_reported_as_divergence_without_warnings():
    X, y = datasets.two_moons(40, rng(1))
    net = mlp.MLP((2, 4, 2), rng(2), activation="relu")
    h = training.train(net, X, y, rng=rng(3), epochs=50, batch_size=8, learning_rate=1e306)
    assert h.diverged
    assert len(h.train_loss) == len(h.epoch) == len(h.step)
    assert training.describe_learning_rate(h) == "diverges"


def test_learning_rate_runs_side_by_side_are_train_runs():
    """The batched demo gives, rate by rate, the very History train records (also where one diverges)."""
    demo = training.LR_DEMO
    rates = [0.001, 1.0, 3.0, 10.0, 1e307]
    training._LR_RUNS.clear()
    runs = training.learning_rate_runs(rates)
    assert list(runs) == rates
    for lr in rates:
        r = rng(demo["seed"])
        X, y = datasets.two_moons(demo["n"], r, noise=0.15)
        net = mlp.MLP(demo["layer_sizes"], r)
        expected = training.train(
            net, X, y, rng=r, epochs=demo["epochs"], batch_size=demo["batch_size"], learning_rate=lr
        )
        assert runs[lr] == expected
    assert runs[1e307].diverged and not runs[3.0].diverged and len(runs[3.0].train_loss) == demo["epochs"] + 1
    assert training.learning_rate_run(3.0) is runs[3.0]  # cached
    assert training.learning_rate_runs([]) == {}
    with pytest.raises(ValueError, match="learning_rate"):
        training.learning_rate_runs([0.5, 0.0])
    with pytest.raises(TypeError, match="learning_rates"):
        training.learning_rate_runs("0.5")


def test_describe_learning_rate_on_hand_made_histories():
    def hist(losses):
        return training.History(epoch=list(range(len(losses))), train_loss=list(losses))

    assert training.describe_learning_rate(hist([0.7, 0.69, 0.68])) == "crawls"
    assert training.describe_learning_rate(hist([0.7, 0.3, 0.1])) == "learns"
    assert training.describe_learning_rate(hist([0.7, 5.0, 0.3])) == "unstable"
    assert training.describe_learning_rate(hist([0.7, 0.5, 0.9])) == "diverges"


def test_learning_rate_demo_crawls_learns_and_diverges():
    assert training.describe_learning_rate(training.learning_rate_run(0.001)) == "crawls"
    assert training.describe_learning_rate(training.learning_rate_run(1.0)) == "learns"
    assert training.describe_learning_rate(training.learning_rate_run(3.0)) == "unstable"
    assert training.describe_learning_rate(training.learning_rate_run(100.0)) == "diverges"


def test_fine_tuning_beats_training_from_scratch_on_rotated_moons():
    X, y = datasets.two_moons(300, rng(1), noise=0.15)
    pre = mlp.MLP((2, 16, 16, 2), rng(3))
    training.train(pre, X, y, rng=rng(4), epochs=30, batch_size=32, learning_rate=0.3)
    X2, y2 = datasets.two_moons(300, rng(10), noise=0.15)
    Xt, yt, Xv, yv = datasets.train_val_split(datasets.rotate(X2, 45), y2, rng(20))
    kw = dict(rng=rng(5), epochs=100, batch_size=32, learning_rate=0.3, X_val=Xv, y_val=yv, target_accuracy=0.93)
    ft = training.train(pre.copy(), Xt, yt, **kw)
    kw["rng"] = rng(5)
    sc = training.train(mlp.MLP((2, 16, 16, 2), rng(3)), Xt, yt, **kw)
    assert ft.steps_to_target is not None and sc.steps_to_target is not None
    assert ft.steps_to_target < sc.steps_to_target


# --------------------------------------------------------------------------- cost of training vs inference


def test_memory_is_counted_from_the_arrays_held():
    net = mlp.MLP((2, 5, 3, 2), rng())
    X, y = small_batch((2, 5, 3, 2), n=4)
    p = (2 * 5 + 5 + 5 * 3 + 3 + 3 * 2 + 2) * 8
    train_adam = training.training_memory(net, X, y, optimizer="adam")
    assert train_adam == {
        "parameters": p,
        "activations": 4 * (2 + 5 + 3 + 2) * 8,  # every layer's input plus the logits
        "gradients": p,
        "optimizer state": 2 * p,
    }
    assert training.training_memory(net, X, y, optimizer="sgd")["optimizer state"] == 0
    # inference: the largest input+output pair, here X -> h1 (2+5) or h1 -> h2 (5+3)
    assert training.inference_memory(net, X) == {"parameters": p, "activations": 4 * (5 + 3) * 8}


def test_matmul_flops_by_hand():
    flops = training.matmul_flops((2, 3, 4), n=5)
    assert flops["forward"] == 2 * 5 * (2 * 3 + 3 * 4)
    assert flops["backward"] == 2 * 5 * (2 * 3 + 3 * 4) + 2 * 5 * (3 * 4)
    wide = training.matmul_flops((10, 1000, 1000, 1000, 10), n=1)
    assert 2.9 < (wide["forward"] + wide["backward"]) / wide["forward"] <= 3.0


def test_median_seconds_times_the_function():
    calls = []
    t = training.median_seconds(lambda: calls.append(1), repeats=5)
    assert len(calls) == 6 and t >= 0
    with pytest.raises(ValueError, match="repeats must be >= 1"):
        training.median_seconds(lambda: None, repeats=0)


# --------------------------------------------------------------------------- input checks


def test_bad_inputs_raise_clear_errors():
    net = mlp.MLP((2, 4, 3), rng())
    X, y = small_batch((2, 4, 3))
    with pytest.raises(ValueError, match="X has 3 features per row but the network's input layer expects 2"):
        net.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match="X must contain only finite"):
        net.forward([[np.nan, 1.0]])
    with pytest.raises(ValueError, match="X must have 2 dimension"):
        net.forward([1.0, 2.0])
    with pytest.raises(ValueError, match=r"y must be in \[0, 3\)"):
        net.loss_and_grads(X, np.full(len(X), 3))
    with pytest.raises(ValueError, match=r"y must be in \[0, 3\)"):
        net.loss_and_grads(X, np.full(len(X), -1))
    with pytest.raises(TypeError, match="y must be integer class labels"):
        net.loss_and_grads(X, y.astype(float))
    with pytest.raises(ValueError, match="one label per row"):
        net.loss_and_grads(X, y[:-1])
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        mlp.MLP((2, 2), 42)
    with pytest.raises(ValueError, match="at least an input and an output"):
        mlp.MLP((2,), rng())
    with pytest.raises(ValueError, match=r"layer_sizes\[1\] must be >= 1"):
        mlp.MLP((2, 0, 2), rng())
    with pytest.raises(TypeError, match="layer_sizes must be a sequence"):
        mlp.MLP(3, rng())
    with pytest.raises(TypeError, match=r"layer_sizes\[0\] must be an integer"):
        mlp.MLP((2.5, 2), rng())
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp.MLP((2, 2), rng(), activation="sigmoid")


def test_bad_training_arguments_raise_clear_errors():
    net = mlp.MLP((2, 4, 3), rng())
    X, y = small_batch((2, 4, 3))
    with pytest.raises(ValueError, match="optimizer must be 'sgd' or 'adam'"):
        training.train(net, X, y, rng=rng(), optimizer="rmsprop")
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        training.train(net, X, y, rng=rng(), learning_rate=0.0)
    with pytest.raises(ValueError, match="epochs must be >= 0"):
        training.train(net, X, y, rng=rng(), epochs=-1)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        training.train(net, X, y, rng=rng(), batch_size=0)
    with pytest.raises(ValueError, match="give both X_val and y_val"):
        training.train(net, X, y, rng=rng(), X_val=X)
    with pytest.raises(ValueError, match="target_accuracy needs validation data"):
        training.train(net, X, y, rng=rng(), target_accuracy=0.9)
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        training.train(net, X, y, rng=None)
    with pytest.raises(ValueError, match="grads must be a dict with the keys"):
        training.gradient_check(net, X, y, grads={"W1": np.zeros((2, 4))})


# --------------------------------------------------------------------------- figures


@pytest.fixture(scope="module")
def trained():
    X, y = datasets.two_moons(80, rng(1))
    net = mlp.MLP((2, 8, 2), rng(2))
    settings = dict(epochs=4, batch_size=16, learning_rate=0.5, X_val=X, y_val=y, keep_params=True)
    h = training.train(net, X, y, rng=rng(3), **settings)
    return net, h, X, y


def test_every_figure_has_axes_and_alt_text(trained):
    _, h, X, y = trained
    big = mlp.MLP((2, 8, 8, 2), rng())
    plots = [
        figs.plot_training_vs_inference(),
        figs.plot_training_curves(h),
        figs.plot_learning_rate(0.3),
        figs.plot_training_memory(training.training_memory(big, X, y), training.inference_memory(big, X)),
    ]
    for plot in plots:
        assert plot.fig.axes and len(plot.alt) > 60
        assert plot.to_png(dpi=40).startswith(b"\x89PNG")
    assert "backward pass" in plots[0].alt and "no gradients" in plots[0].alt
    assert f"{h.val_accuracy[-1]:.0%}" in plots[1].alt
    assert "learning rate 0.3" in plots[2].alt


def test_learning_curves_plot_the_history(trained):
    _, h, _, _ = trained
    ax = figs.plot_training_curves(h).fig.axes[0]
    x, y = ax.get_lines()[0].get_data()
    np.testing.assert_array_equal(x, h.epoch)
    np.testing.assert_array_equal(y, h.train_loss)
    with pytest.raises(ValueError, match="no validation curve"):
        figs.plot_training_curves(training.History(epoch=[0], train_loss=[1.0]))


def test_training_frame_shows_the_snapshot_of_that_epoch(trained):
    net, h, X, y = trained
    from mlcourse.figures import new_figure

    fig = new_figure()
    figs.draw_training_frame(fig, model=net, history=h, epoch=2, X=X, y=y)
    assert fig.axes[0].get_title().startswith("epoch 2:")
    with pytest.raises(ValueError, match="keep_params=True"):
        figs.draw_training_frame(
            new_figure(), model=net, history=training.History(epoch=[0], train_loss=[1.0]), epoch=0, X=X, y=y
        )


def test_fine_tuning_figure_needs_per_step_accuracy(trained):
    _, h, _, _ = trained
    done = training.History(val_accuracy=[0.5], val_accuracy_by_step=[0.7, 0.95], steps_to_target=2)
    slow = training.History(val_accuracy=[0.5], val_accuracy_by_step=[0.6] * 9 + [0.95], steps_to_target=10)
    plot = figs.plot_fine_tuning(done, slow, 0.9)
    assert "after 2 updates" in plot.alt and "needs 10" in plot.alt
    with pytest.raises(ValueError, match="per-step accuracy"):
        figs.plot_fine_tuning(h, slow, 0.9)


# --------------------------------------------------------------------------- exercise checkers


def test_check_sgd_step_accepts_in_place_and_returned_updates():
    def in_place(params, grads, lr):
        for k in params:
            params[k] -= lr * grads[k]

    assert ex.check_sgd_step(in_place).ok
    assert ex.check_sgd_step(lambda p, g, lr: {k: p[k] - lr * g[k] for k in p}).ok


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda p, g, lr: {k: p[k] + lr * g[k] for k in p}, "sign is wrong"),
        (lambda p, g, lr: {k: p[k] - g[k] for k in p}, "multiply the gradient by the learning rate"),
        (lambda p, g, lr: {k: p[k] - g[k] / lr for k in p}, "do not divide"),
        (lambda p, g, lr: {k: -lr * g[k] for k in p}, "replaced by the step"),
        (lambda p, g, lr: None, "did not change"),
        (lambda p, g, lr: {"W1": p["W1"] - lr * g["W1"]}, "no 'b1'"),
        (lambda p, g, lr: 1 / 0, "ZeroDivisionError"),
        (lambda p, g, lr: {k: p[k] - 2 * lr * g[k] for k in p}, "expected"),
    ],
)
def test_check_sgd_step_says_what_is_wrong(answer, phrase):
    feedback = ex.check_sgd_step(answer)
    assert not feedback.ok and phrase in feedback.message
    assert not ex.check_sgd_step("sgd_step").ok


def test_check_logit_gradient_names_the_mistake():
    def right(z, y):
        return (sp_softmax(z, axis=1) - np.eye(z.shape[1])[y]) / len(y)

    assert ex.check_logit_gradient(right).ok
    cases = [
        (lambda z, y: right(z, y) * len(y), "divide by n"),
        (lambda z, y: -right(z, y), "sign is flipped"),
        (lambda z, y: sp_softmax(z, axis=1) / len(y), "subtract 1"),
        (lambda z, y: (z - np.eye(z.shape[1])[y]) / len(y), "not the raw logits"),
        (lambda z, y: right(z, y)[:, 0], "shape"),
        (lambda z, y: right(z, y) + 1, "compare with"),
    ]
    for answer, phrase in cases:
        feedback = ex.check_logit_gradient(answer)
        assert not feedback.ok and phrase in feedback.message, phrase


def test_check_gradient_check_cost():
    assert ex.check_gradient_check_cost(708).ok
    assert ex.check_gradient_check_cost(2 * (2 * 3 + 3 + 3 * 2 + 2), layer_sizes=(2, 3, 2)).ok
    assert "two passes" in ex.check_gradient_check_cost(354).message
    assert "biases" in ex.check_gradient_check_cost(2 * (32 + 256 + 32)).message
    assert not ex.check_gradient_check_cost("708").ok


def test_draw_learning_rate_returns_what_the_alt_text_needs():
    from mlcourse.figures import new_figure

    drawn = figs.draw_learning_rate(new_figure(), learning_rate=0.3)
    run = training.learning_rate_run(0.3)
    assert drawn == {"first_loss": run.train_loss[0], "final_loss": run.train_loss[-1], "verdict": "learns"}
