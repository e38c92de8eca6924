"""Issue 19 for chapter 6's modules: bad or extreme input gets a clear error naming the argument,
never a silent wrong answer, a traceback from deep inside numpy, or unbounded work; checkers turn
anything a reader's function returns into feedback."""

import numpy as np
import pytest

from mlcourse import bias_variance as bv
from mlcourse import double_descent as dd
from mlcourse import model_selection as ms
from mlcourse import regression
from mlcourse.exercises import chapter6 as ex
from mlcourse.figures import chapter6 as figs

RNG = np.random.default_rng


# --------------------------------------------------------------------------- unbounded work


@pytest.mark.parametrize(
    "call",
    [
        lambda: regression.legendre_design([0.0, 0.5], 10**6),
        lambda: regression.fit_polynomial([0.0, 0.5], [1.0, 2.0], 10**6),
        lambda: regression.polynomial_fitter(10**6),
        lambda: bv.simulate_fits(10**6, 5, [0.0], RNG(0)),
        lambda: figs.plot_fits(10**6),
    ],
)
def test_huge_degrees_are_refused_before_any_work(call):
    with pytest.raises(ValueError, match="degree must be <= 100, got 1000000"):
        call()


def test_huge_sizes_are_refused_with_the_argument_named():
    with pytest.raises(ValueError, match="n must be <= 100000, got 1000000000"):
        regression.sample_data(10**9, RNG(0))
    with pytest.raises(ValueError, match=r"n_sets \* n must be <= 10,000,000 numbers"):
        regression.sample_data(100_000, RNG(0), n_sets=1000)
    with pytest.raises(ValueError, match="n_sets must be <= 20000"):
        bv.make_experiment(5, RNG(0), n_sets=10**6)
    with pytest.raises(ValueError, match="n_features must be <= 10000"):
        regression.random_features(10**7, RNG(0))
    with pytest.raises(ValueError, match=r"noise must be <= 1000000\.0"):
        regression.sample_data(5, RNG(0), noise=1e300)
    with pytest.raises(ValueError, match=r"ridge must be <= 10000000000\.0"):
        regression.least_squares(np.ones((3, 2)), np.ones(3), ridge=1e300)
    with pytest.raises(ValueError, match="n must be <= 100000"):
        ms.kfold_indices(10**12, 3)


# --------------------------------------------------------------------------- numpy integers


@pytest.mark.parametrize("int_type", [np.int8, np.int16, np.int32, np.int64, np.uint8])
def test_numpy_integer_sizes_become_python_ints(int_type):
    x, y = regression.sample_data(int_type(6), RNG(1), n_sets=int_type(3))
    assert x.shape == (3, 6)
    e = bv.make_experiment(int_type(6), RNG(1), n_sets=int_type(4), n_test=int_type(5))
    assert type(e.n) is int and type(e.n_sets) is int and (e.n, e.n_sets) == (6, 4)
    folds = ms.kfold_indices(int_type(10), int_type(3))
    assert [len(f) for f in folds] == [4, 3, 3]
    assert regression.legendre_design([0.5], int_type(3)).shape == (1, 4)
    assert isinstance(ms.cross_validation_error(x[0], y[0], int_type(1), int_type(3)), float)


# --------------------------------------------------------------------------- shapes


def test_predictions_and_targets_of_different_shapes_are_not_broadcast():
    with pytest.raises(ValueError, match="x and y must have the same shape"):
        ms.cross_validation_error(np.linspace(-1, 1, 6), np.zeros((6, 1)), 1, k=3)
    with pytest.raises(ValueError, match="x and y must have the same shape"):
        ms.validation_error(np.linspace(-1, 1, 6), np.zeros((6, 1)), 1, n_val=2)
    with pytest.raises(ValueError, match="x and y must have the same shape"):
        regression.fit_polynomial(np.linspace(-1, 1, 3), np.zeros((3, 1)), 1)
    with pytest.raises(ValueError, match="y_test must have the shape of predictions"):
        bv.decompose(np.zeros((3, 2)), np.zeros(2), np.zeros((3, 1)), 0.1)
    with pytest.raises(ValueError, match="stack different numbers of problems"):
        regression.least_squares(np.ones((5, 4, 2)), np.ones((3, 4)))
    with pytest.raises(ValueError, match="stack different numbers of problems"):
        regression.evaluate(np.ones((5, 4, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="coefs must hold 1 to 101 coefficients"):
        regression.predict_polynomial(np.ones(500), [0.0])


def test_a_fitter_returning_the_wrong_shapes_is_caught():
    e = bv.make_experiment(5, RNG(2), n_sets=3, n_test=4)
    fit = regression.polynomial_fitter(1)

    def transposed(x_train, y_train, x_test):
        a, b, c = fit(x_train, y_train, x_test)
        return a.T, b, c

    with pytest.raises(ValueError, match="the fitter's predictions at x_train and y_train must have the same shape"):
        bv.measure(e, transposed)
    with pytest.raises(TypeError, match="fitter must return"):
        bv.measure(e, lambda *args: None)
    with pytest.raises(ValueError, match="y_test must have one row per training set"):
        bv.Experiment(e.x_train, e.y_train, e.x_test, e.f_test, e.y_test[:2], 0.3)


@pytest.mark.parametrize("scalar", [0.5, np.float64(0.5)])
def test_single_numbers_where_arrays_are_expected_give_value_errors(scalar):
    with pytest.raises(ValueError, match="design must have at least 2 dimensions"):
        regression.evaluate(scalar, 1.0)
    with pytest.raises(ValueError, match="coefs must hold"):
        regression.predict_polynomial(scalar, [0.0])
    with pytest.raises(ValueError, match="x must be an array of training inputs"):
        regression.fit_polynomial(scalar, scalar, 1)
    with pytest.raises(ValueError, match=r"x must have shape \(n,\) or \(m, n\)"):
        ms.cross_validation_error(scalar, scalar, 1)


# --------------------------------------------------------------------------- messages name the argument


def test_fold_count_errors_name_k():
    x, y = regression.sample_data(4, RNG(3))
    with pytest.raises(ValueError, match="k must be <= 4, the number of points in x"):
        ms.cross_validation_error(x, y, 1, k=5)
    with pytest.raises(ValueError, match="k must be >= 2"):
        ms.cross_validation_error(x, y, 1, k=1)
    with pytest.raises(ValueError, match="x must hold at least 2 points"):
        ms.validation_error([0.1], [0.2], 0, n_val=1)
    e = bv.make_experiment(5, RNG(3), n_sets=2)
    with pytest.raises(ValueError, match="each p in counts must be <= 4, the number of features in w; got 5"):
        dd.feature_sweep(e, [5], np.ones(4), np.zeros(4))
    with pytest.raises(TypeError, match="degrees must be a sequence of numbers, got int"):
        bv.degree_sweep(e, 5)
    with pytest.raises(ValueError, match="sizes must not be empty"):
        bv.learning_curve([], 2, RNG(0))
    with pytest.raises(TypeError, match="fixed_x must be True or False"):
        bv.make_experiment(5, RNG(0), fixed_x="no")


# --------------------------------------------------------------------------- non-finite input and overflow


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_are_rejected(bad):
    x = np.linspace(-1, 1, 6)
    y = np.sin(x)
    y_bad = y.copy()
    y_bad[2] = bad
    with pytest.raises(ValueError, match="y must contain only finite numbers"):
        regression.fit_polynomial(x, y_bad, 2)
    with pytest.raises(ValueError, match="y must contain only finite numbers"):
        ms.cross_validation_error(x, y_bad, 1, k=3)
    with pytest.raises(ValueError, match="noise must be finite"):
        regression.sample_data(5, RNG(0), noise=bad)
    with pytest.raises(ValueError, match="ridge must be finite"):
        regression.least_squares(np.ones((3, 2)), np.ones(3), ridge=bad)
    with pytest.raises(ValueError, match="predictions must contain only finite numbers"):
        bv.bias_and_variance(np.where(np.eye(3) > 0, bad, 0.0), np.zeros(3))
    with pytest.raises(ValueError, match=r"f\(x\) must contain only finite numbers"):
        regression.sample_data(5, RNG(0), f=lambda t: t * bad)


def test_overflowing_squares_raise_instead_of_returning_inf():
    x = np.linspace(-1, 1, 8)
    with pytest.raises(ValueError, match="overflow"):
        ms.cross_validation_error(x, 1e200 * np.sin(3 * x), 1, k=4)
    with pytest.raises(ValueError, match="overflow"):
        bv.bias_and_variance(1e200 * np.array([[1.0, 2.0], [3.0, -1.0]]), np.zeros(2))
    with pytest.raises(ValueError, match="overflow"):
        bv.decompose(np.array([[1.0, 2.0], [3.0, -1.0]]), np.zeros(2), 1e200 * np.ones((2, 2)), 0.1)


def test_a_true_function_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="f must return one value per input"):
        regression.sample_data(5, RNG(0), f=lambda t: np.zeros(3))
    with pytest.raises(TypeError, match="f must be a function of x"):
        bv.make_experiment(5, RNG(0), f=3.0)


def test_figures_reject_empty_or_mismatched_results():
    with pytest.raises(TypeError, match="results must be a non-empty list of Decomposition"):
        figs.plot_train_test([1], [])
    r = bv.Decomposition(0.1, 0.2, 0.09, 0.4, 0.01, 0.1, 1.0)
    with pytest.raises(ValueError, match="values and results must have the same length"):
        figs.plot_decomposition([1.0, 2.0], [r], xlabel="x")
    with pytest.raises(ValueError, match="val_errors must have one value per degree"):
        figs.plot_model_selection([0, 1], [1.0], [1.0, 2.0], [1.0, 2.0], [0], [1])


# --------------------------------------------------------------------------- checkers never crash

READER_RETURNS = [
    None,
    "0.1",
    [[1.0, 2.0], [3.0]],
    np.nan,
    (np.nan, 1.0),
    (1.0, np.inf),
    {"bias2": 1.0},
    (1.0, 2.0, 3.0),
    np.ones((2, 2)),
    10**400,
    (10**400, 1.0),
]


@pytest.mark.parametrize("value", READER_RETURNS, ids=repr)
@pytest.mark.parametrize("checker", [ex.check_decompose, ex.check_cv])
def test_checkers_turn_any_return_value_into_feedback(checker, value):
    feedback = checker(lambda *args: value)
    assert not feedback.ok and feedback.message


@pytest.mark.parametrize("checker", [ex.check_decompose, ex.check_cv])
def test_checkers_report_exceptions_from_the_readers_function(checker):
    def broken(*args):
        raise ZeroDivisionError("division by zero")

    feedback = checker(broken)
    assert not feedback.ok and "ZeroDivisionError" in feedback.message
    assert not checker(None).ok and not checker("my_function").ok


@pytest.mark.parametrize("answer", [None, "0.01", np.nan, np.inf, 10**400, [0.01], (0.01,), True])
def test_check_constant_variance_turns_any_answer_into_feedback(answer):
    feedback = ex.check_constant_variance(answer, n=25, sigma=0.5)
    assert not feedback.ok and feedback.message


def test_check_constant_variance_accepts_numpy_numbers():
    assert ex.check_constant_variance(np.float32(0.01), n=np.int64(25), sigma=0.5).ok
