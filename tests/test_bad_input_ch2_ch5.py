"""Issue 19 in chapters 2 and 5's modules: no silent wrong answer, no traceback from a checker."""

import math

import numpy as np
import pytest

from mlcourse import approximation, datasets, mlp, optim, scale, training
from mlcourse.exercises import chapter2 as ex2
from mlcourse.exercises import chapter5 as ex5


def rng(seed=0):
    return np.random.default_rng(seed)


# --------------------------------------------------------------------------- gradient check


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["W1", "b1", "W2", "b2"])
def test_gradient_check_never_passes_a_non_finite_gradient(bad, where):
    # Python's max() drops NaN unless it comes first; the check must reject it wherever it is.
    net = mlp.MLP((2, 3, 2), rng(1))
    X, y = datasets.two_moons(10, rng(2))
    _, grads = net.loss_and_grads(X, y)
    grads[where] = grads[where].copy()
    grads[where].flat[0] = bad
    error = training.gradient_check(net, X, y, grads=grads)
    assert error == math.inf
    assert not error < 1e-6


def test_relative_error_is_nan_for_non_finite_input_and_checks_shapes():
    assert math.isnan(training.relative_error([1.0, np.nan], [1.0, 2.0]))
    with pytest.raises(ValueError, match="same shape"):
        training.relative_error(np.ones(3), np.ones((3, 1)))


# --------------------------------------------------------------------------- exact integers


@pytest.mark.parametrize("int_type", [np.int32, np.int64, np.uint32, np.int16])
def test_llama2_70b_sizes_as_numpy_integers_count_exactly(int_type):
    big = int_type if int_type is not np.int16 else np.int32  # 28672 does not fit int16
    config = scale.TransformerConfig(
        vocab_size=big(32000),
        d_model=big(8192),
        n_layers=big(80),
        n_heads=big(64),
        n_kv_heads=big(8),
        d_ff=big(28672),
        mlp="swiglu",
        norm="rmsnorm",
        bias=False,
        tied_embeddings=False,
    )
    count = scale.transformer_parameter_count(config)
    assert type(count) is int and count == 68_976_648_192
    assert all(type(v) is int for v in scale.transformer_parameter_breakdown(config).values())
    assert config == scale.LLAMA2_70B.__class__(**{**vars(scale.LLAMA2_70B), "name": config.name})


def test_mlp_sizes_as_numpy_integers_count_exactly():
    sizes = np.array([50_000, 50_000, 50_000], dtype=np.int32)
    assert mlp.parameter_count(sizes) == 2 * (50_000 * 50_000 + 50_000)
    assert training.matmul_flops(sizes, n=np.int32(1000))["forward"] == 2 * 1000 * 2 * 50_000**2
    with pytest.raises(TypeError, match="layer_sizes must be a sequence"):
        mlp.parameter_count(np.array(3))


def test_truthy_strings_are_not_booleans():
    with pytest.raises(TypeError, match="bias must be True or False"):
        mlp.parameter_count((3, 4), bias="no")
    with pytest.raises(TypeError, match="bias must be True or False"):
        scale.TransformerConfig(vocab_size=10, d_model=4, n_layers=1, n_heads=1, d_ff=8, bias="no")


# --------------------------------------------------------------------------- non-finite values


def test_adam_eps_must_be_positive():
    with pytest.raises(ValueError, match="eps must be > 0"):
        optim.Adam(0.01, eps=0.0)
    adam = optim.Adam(0.01)
    params = {"w": np.ones(2)}
    adam.step(params, {"w": np.zeros(2)})  # a zero gradient with eps > 0: no change, no NaN
    np.testing.assert_array_equal(params["w"], [1.0, 1.0])


def test_optimizers_reject_non_finite_or_misshapen_gradients():
    params = {"w": np.ones(2)}
    for opt in (optim.SGD(0.1), optim.Adam(0.1)):
        with pytest.raises(ValueError, match=r"grads\['w'\] must be finite"):
            opt.step(params, {"w": np.array([np.nan, 0.0])})
        with pytest.raises(ValueError, match=r"grads\['w'\] has shape"):
            opt.step(params, {"w": np.ones((2, 1))})
        with pytest.raises(ValueError, match="grads must be a dict with the keys"):
            opt.step(params, {"v": np.ones(2)})
    np.testing.assert_array_equal(params["w"], [1.0, 1.0])


def test_nan_weights_and_targets_are_rejected():
    net = mlp.MLP((2, 3, 2), rng())
    net.params["W2"][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"params\['W2'\] and params\['b2'\] must be finite"):
        net.forward(np.ones((1, 2)))
    with pytest.raises(ValueError, match="y must contain only finite"):
        approximation.fit_output_layer([0.0, 1.0], [0.0, np.nan], [1.0], [0.5])
    with pytest.raises(ValueError, match="output_bias must be finite"):
        approximation.relu_network([1.0], [0.0], [1.0], np.nan)
    with pytest.raises(ValueError, match="X must contain only finite"):
        training.train(mlp.MLP((2, 2), rng()), [[np.nan, 0.0]], [0], rng=rng())


def test_a_forward_pass_that_overflows_raises_instead_of_returning_infinity():
    net = mlp.MLP((1, 2, 2), rng(), activation="relu")
    net.params["W1"][:] = 1e300
    net.params["W2"][:] = 1e300
    with pytest.raises(FloatingPointError, match="overflowed"):
        net.forward([[1e10]])


@pytest.mark.parametrize("learning_rate", [1e4, 1e8, 1e30, 1e300])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_divergence_is_reported_not_raised(learning_rate, activation):
    X, y = datasets.two_moons(60, rng(1))
    net = mlp.MLP((2, 8, 2), rng(2), activation=activation)
    with np.errstate(all="raise"):  # no warnings leak out either
        h = training.train(net, X, y, rng=rng(3), epochs=30, batch_size=10, learning_rate=learning_rate)
    assert len(h.train_loss) == len(h.epoch) == len(h.step) >= 1
    assert all(np.isfinite(h.train_loss))
    if h.diverged:
        assert training.describe_learning_rate(h) == "diverges"


def test_a_huge_adam_learning_rate_also_reports_divergence_or_finishes():
    X, y = datasets.two_moons(40, rng(1))
    net = mlp.MLP((2, 4, 2), rng(2), activation="relu")
    h = training.train(net, X, y, rng=rng(3), epochs=20, batch_size=8, learning_rate=1e300, optimizer="adam")
    assert h.diverged or all(np.isfinite(h.train_loss))


# --------------------------------------------------------------------------- shapes


def test_predictions_and_targets_must_line_up():
    net = mlp.MLP((2, 3, 2), rng())
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="one label per row"):
        net.loss(X, np.zeros((3, 1), dtype=int))
    with pytest.raises(ValueError, match=r"y must have 1 dimension\(s\), got shape \(3, 1\)"):
        approximation.fit_output_layer([0.0, 1.0, 2.0], [[0.0], [1.0], [2.0]], [1.0], [0.5])
    with pytest.raises(ValueError, match=r"x and y must have the same shape, got \(3,\) and \(2,\)"):
        approximation.fit_output_layer([0.0, 1.0, 2.0], [0.0, 1.0], [1.0], [0.5])
    net1 = approximation.relu_network([1.0], [0.0], [1.0], 0.0)
    with pytest.raises(ValueError, match="x must have 1 dimension"):
        approximation.rms_error(net1, [[0.0, 1.0]], np.sin)
    with pytest.raises(ValueError, match="one label per row"):
        datasets.train_val_split(np.ones((4, 2)), np.zeros((4, 1)), rng())


def test_wrong_kinds_of_model_are_named():
    with pytest.raises(TypeError, match=r"model must be an mlcourse\.mlp\.MLP"):
        training.train(None, np.ones((2, 2)), [0, 1], rng=rng())
    with pytest.raises(TypeError, match="net must be a one-input, one-output MLP"):
        approximation.network_output(mlp.MLP((2, 3, 2), rng()), [0.0])
    with pytest.raises(ValueError, match="history must be a History"):
        training.describe_learning_rate(None)


# --------------------------------------------------------------------------- checkers never crash

ODD_VALUES = [None, "12", b"12", [1, 2], [[1], [1, 2]], np.nan, np.inf, -1, 10**400, 1e308, object(), {"a": 1}]


def _odd_functions():
    values = [None, "text", [[1.0], [1.0, 2.0]], np.nan, np.array(np.nan), 3, {"W1": "x"}, {"W1": None}]
    functions = [lambda *args, v=v: v for v in values]
    functions.append(lambda *args: 1 / 0)
    functions.append(lambda *args: [[np.nan] * 3] * 4)
    return functions


@pytest.mark.parametrize("value", ODD_VALUES)
def test_number_checkers_turn_any_answer_into_feedback(value):
    for feedback in (
        ex2.check_mlp_count(value),
        ex2.check_memory_answer(value, value),
        ex2.check_memory_answer(26.0, value),
        ex2.check_relu_network_facts(value, 20),
        ex2.check_relu_network_facts(61, value),
        ex5.check_gradient_check_cost(value),
    ):
        assert not feedback.ok and isinstance(feedback.message, str) and feedback.message


@pytest.mark.parametrize("answer", _odd_functions())
def test_function_checkers_turn_any_reader_function_into_feedback(answer):
    for check in (ex2.check_count_function, ex5.check_sgd_step, ex5.check_logit_gradient):
        feedback = check(answer)
        assert not feedback.ok and feedback.message


def test_checkers_do_not_take_a_nan_gradient_step_for_a_right_one():
    def nan_step(params, grads, learning_rate):
        for name in params:
            params[name][...] = np.nan

    feedback = ex5.check_sgd_step(nan_step)
    assert not feedback.ok and "NaN" in feedback.message
    feedback = ex5.check_logit_gradient(lambda z, y: np.full(z.shape, np.nan))
    assert not feedback.ok and "NaN" in feedback.message


def test_backward_and_logit_gradient_check_their_arguments():
    params = mlp.init_params((2, 3, 2), rng())
    X = np.ones((4, 2))
    _, inputs = mlp.forward_with_inputs(params, X)
    with pytest.raises(ValueError, match=r"dz must have the outputs' shape \(4, 2\)"):
        mlp.backward(params, inputs, np.ones((4, 3)))
    with pytest.raises(ValueError, match="inputs must be a list of 2 arrays"):
        mlp.backward(params, inputs[:1], np.ones((4, 2)))
    with pytest.raises(ValueError, match="dz must contain only finite"):
        mlp.backward(params, inputs, np.full((4, 2), np.nan))
    with pytest.raises(ValueError, match=r"y must be in \[0, 2\)"):
        mlp.logit_gradient(np.zeros((2, 2)), [0, 2])
    with pytest.raises(ValueError, match="logits must contain only finite"):
        mlp.logit_gradient([[np.inf, 0.0]], [0])
