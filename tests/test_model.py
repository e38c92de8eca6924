"""Chapter 1: the model functions, their figures and the exercise checkers."""

import numpy as np
import pytest

from mlcourse import model
from mlcourse.exercises import chapter1 as ex
from mlcourse.figures import chapter1 as figs

# --------------------------------------------------------------------------- the models


def test_linear_is_w_times_x_plus_b_elementwise():
    x = np.array([-2.0, 0.0, 0.5, 3.0])
    np.testing.assert_allclose(model.linear(x, w=-1.5, b=2.0), [5.0, 2.0, 1.25, -2.5])
    assert model.linear(0.0, w=123.0, b=-4.0) == -4.0


def test_polynomial_uses_lowest_power_first():
    # 1 + 2x + 3x^2 at x = 2 is 1 + 4 + 12
    assert model.polynomial(2.0, [1.0, 2.0, 3.0]) == 17.0
    np.testing.assert_allclose(model.polynomial([0.0, 1.0], [5.0]), [5.0, 5.0])


def test_linear_scores_is_one_affine_map_per_class():
    X = np.array([[1.0, 2.0], [0.0, -1.0]])
    W = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]])
    b = np.array([0.0, 1.0, -1.0])
    scores = model.linear_scores(X, W, b)
    assert scores.shape == (2, 3)
    np.testing.assert_allclose(scores[0], [1.0 + 1.0, 4.0 + 1.0, -1.0 - 1.0])
    np.testing.assert_allclose(scores[1], [-0.5, -2.0 + 1.0, -1.0])


def test_linear_scores_names_mismatched_shapes():
    with pytest.raises(ValueError, match=r"X has 3 features per row but W expects 2"):
        model.linear_scores(np.ones((1, 3)), np.ones((2, 2)), np.ones(2))
    with pytest.raises(ValueError, match=r"b has 3 entries but W has 2 classes"):
        model.linear_scores(np.ones((1, 2)), np.ones((2, 2)), np.ones(3))
    with pytest.raises(ValueError, match="X must have 2 dimension"):
        model.linear_scores(np.ones(2), np.ones((2, 2)), np.ones(2))


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="x must contain only finite"):
        model.linear([1.0, np.nan], 1.0, 0.0)
    with pytest.raises(TypeError, match="w must be a real number"):
        model.linear(1.0, "2", 0.0)
    with pytest.raises(TypeError, match="b must be a real number"):
        model.linear(1.0, 2.0, None)
    with pytest.raises(ValueError, match="mass_g must be >= 0"):
        model.fruit_scores(-5, 1.0)
    with pytest.raises(TypeError, match="elongation must be a real number"):
        model.fruit_scores(120, "long")


def test_overflow_is_an_error_not_infinity():
    with pytest.raises(ValueError, match=r"w \* x \+ b overflows"):
        model.linear([1e300], 1e300, 0.0)
    with pytest.raises(ValueError, match=r"the polynomial \(of x, with coefs\) overflows"):
        model.polynomial(1e200, [0.0, 0.0, 1.0])
    with pytest.raises(ValueError, match=r"X @ W \+ b overflows"):
        model.linear_scores([[1e200, 1e200]], [[1e200], [1e200]], [0.0])
    with pytest.raises(ValueError, match="mean squared error overflows"):
        model.best_weight([1e150, 2e150], [0.0, 0.0], 0.0, [1e10, 2e10])


def test_best_weight_picks_the_grid_weight_with_the_smallest_squared_error():
    # The data lie exactly on y = 2x + 1, so on any grid that contains 2 the answer is 2.
    x = np.array([0.0, 1.0, 2.0, 3.0])
    assert model.best_weight(x, 2 * x + 1, b=1.0, weights=[0.0, 1.0, 2.0, 3.0]) == 2.0
    # Without 2 on the grid, the nearer of its neighbours wins: 2.25 is closer than 1.5.
    assert model.best_weight(x, 2 * x + 1, b=1.0, weights=[1.5, 2.25, 3.0]) == 2.25
    # A tie goes to the first: weights 1 and 3 miss y = 2x by the same amount.
    assert model.best_weight(x, 2 * x, b=0.0, weights=[3.0, 1.0]) == 3.0
    assert isinstance(model.best_weight(x, 2 * x, 0.0, np.array([2], dtype=np.int32)), float)


def test_best_weight_checks_its_inputs():
    with pytest.raises(ValueError, match=r"x and y must have the same shape, got \(3,\) and \(2,\)"):
        model.best_weight([1.0, 2.0, 3.0], [1.0, 2.0], 0.0, [1.0])
    with pytest.raises(ValueError, match="weights must not be empty"):
        model.best_weight([1.0], [1.0], 0.0, [])
    with pytest.raises(TypeError, match="b must be a real number"):
        model.best_weight([1.0], [1.0], "0", [1.0])


def test_count_parameters_counts_every_entry():
    assert model.count_parameters(np.zeros((3, 4)), np.zeros(4), 1.0) == 17
    assert type(model.count_parameters(np.zeros(3, dtype=np.int32))) is int
    assert model.count_parameters() == 0


@pytest.mark.parametrize("bad", [None, "weights", [[1.0, 2.0], [3.0]], np.array(["a"])])
def test_count_parameters_rejects_what_is_not_an_array_of_numbers(bad):
    with pytest.raises(TypeError, match=r"arrays\[1\] must"):
        model.count_parameters(np.zeros(2), bad)


def test_fruit_classifier_predicts_plausible_classes():
    def predict(mass, elongation):
        return model.FRUIT_CLASSES[int(np.argmax(model.fruit_scores(mass, elongation)))]

    assert predict(120, 2.5) == "banana"
    assert predict(200, 1.0) == "orange"
    assert predict(110, 1.1) == "apple"
    assert predict(np.int64(120), np.float32(2.5)) == "banana"
    # 130 g, elongation 1: scores by hand from the hand-set weights.
    np.testing.assert_allclose(model.fruit_scores(130, 1.0), [2.6 - 2 + 1, -1.3 + 3 - 3, 5.2 - 2.5 - 1.5])


# --------------------------------------------------------------------------- the figures


@pytest.mark.parametrize(
    "make",
    [
        figs.plot_model_as_function,
        lambda: figs.plot_line_fit(2.0, 1.0),
        lambda: figs.plot_same_form([(1.0, 0.0), (2.0, 1.0)], [(0.0, 1.0, 0.0), (1.0, 0.0, 1.0)]),
        lambda: figs.plot_fruit_scores(120, 2.5),
        lambda: figs.plot_language_model("Hi there", [1, 2], (2, 10), 99, ["a", "b"], [3.0, 1.5]),
    ],
)
def test_every_figure_has_axes_and_alt_text(make):
    plot = make()
    assert plot.fig.axes
    assert len(plot.alt) > 40
    assert plot.to_png().startswith(b"\x89PNG")


def test_plot_line_fit_draws_the_requested_line_and_its_error():
    plot = figs.plot_line_fit(2.0, 1.0)
    line = plot.fig.axes[0].get_lines()[0]
    x, y = line.get_data()
    np.testing.assert_allclose(y, 2.0 * x + 1.0)
    assert "y = 2x + 1" in plot.alt
    residuals = (2.0 * model.LINE_DATA_X + 1.0) - model.LINE_DATA_Y  # -0.1, 0.1, -0.2, 0.2, -0.1
    assert f"{np.mean(residuals**2):.2f}" == "0.02"
    assert "mean squared error on them is 0.02" in plot.alt


def test_draw_line_fit_returns_the_error_its_title_shows():
    from mlcourse.figures import new_figure

    fig = new_figure()
    error = figs.draw_line_fit(fig, w=0.0, b=0.0)
    assert error == pytest.approx(np.mean(model.LINE_DATA_Y**2))
    assert f"{error:.2f}" in fig.axes[0].get_title()
    with pytest.raises(TypeError, match="w must be a real number"):
        figs.draw_line_fit(new_figure(), w="1", b=0.0)


def test_plot_same_form_draws_each_setting_and_names_the_degree():
    plot = figs.plot_same_form([(1.0, 0.0), (2.0, 1.0), (-1.0, 0.5)], [(0.0, 0.0, 1.0), (1.0, -1.0, 0.5)])
    left, right = plot.fig.axes
    assert len(left.get_lines()) == 3 and len(right.get_lines()) == 2
    x, y = right.get_lines()[1].get_data()
    np.testing.assert_allclose(y, 1.0 - x + 0.5 * x**2)
    assert "3 straight lines" in plot.alt and "2 polynomial curves of degree 2" in plot.alt
    with pytest.raises(ValueError, match=r"params must be \(w, b\) pairs"):
        figs.plot_same_form([(1.0, 0.0, 3.0)], [(0.0, 1.0)])


def test_fruit_score_alt_text_names_the_winner():
    assert "banana, is the prediction" in figs.plot_fruit_scores(120, 2.5).alt


def test_plot_language_model_draws_the_numbers_it_is_given_and_says_them():
    plot = figs.plot_language_model(
        "The capital of France is",
        [504, 3575, 282, 4649, 314],
        (5, 49152),
        134_515_008,
        [" Paris", " the"],
        [17.37, 14.89],
    )
    flow, bars = plot.fig.axes
    texts = " ".join(" ".join(t.get_text() for t in flow.texts).split())  # labels wrap inside their boxes
    assert "[504, 3575, 282, 4649, 314]" in texts and "134,515,008 parameters" in texts and "5 × 49,152" in texts
    widths = sorted(p.get_width() for p in bars.patches)
    np.testing.assert_allclose(widths, [14.89, 17.37])
    for words in ("5 token ids", "134,515,008 parameters", "5 by 49,152", "' Paris' 17.4", "' the' 14.9"):
        assert words in plot.alt


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((b"text", [1], (1, 5), 9, ["a"], [1.0]), TypeError, "prompt must be a non-empty str"),
        (("hi", [1, 2], (3, 5), 9, ["a"], [1.0]), ValueError, "logits_shape must be"),
        (("hi", [1], (1, 5), 9, ["a", "b"], [1.0]), ValueError, "same, non-zero length"),
        (("hi", [1], (1, 5), 9, "ab", [1.0, 2.0]), ValueError, "same, non-zero length"),
        (("hi", [1], (1, 5), 0, ["a"], [1.0]), ValueError, "n_parameters"),
        (("hi", [1], (1, 5), 9, ["a"], [np.nan]), ValueError, "top_logits"),
    ],
)
def test_plot_language_model_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        figs.plot_language_model(*args)


# --------------------------------------------------------------------------- feature scaling


def test_standardize_gives_mean_zero_and_unit_spread_in_any_units():
    X = np.array([[1000.0, 0.001], [3000.0, 0.003], [2000.0, 0.002]])
    Z, mean, std = model.standardize(X)
    np.testing.assert_allclose(mean, [2000.0, 0.002])
    np.testing.assert_allclose(std, [np.sqrt(2 / 3) * 1000, np.sqrt(2 / 3) * 0.001])
    # Both columns are the same pattern (-1, +1, 0) in different units: identical once standardised.
    np.testing.assert_allclose(Z[:, 0], Z[:, 1])
    np.testing.assert_allclose(Z[:, 0], np.array([-1.0, 1.0, 0.0]) / np.sqrt(2 / 3))


def test_standardized_weights_keep_the_scores_and_undo_a_change_of_units():
    Z, mean, std = model.standardize(model.FRUIT_SAMPLE)
    W_z, b_z = model.standardized_weights(model.FRUIT_W, model.FRUIT_B, mean, std)
    np.testing.assert_allclose(
        model.linear_scores(Z, W_z, b_z), model.linear_scores(model.FRUIT_SAMPLE, model.FRUIT_W, model.FRUIT_B)
    )
    # Mass in kilograms: raw weights x 1000, but the standardised weights are unchanged.
    in_kg = model.FRUIT_SAMPLE * [1e-3, 1.0]
    _, mean_kg, std_kg = model.standardize(in_kg)
    W_kg, _ = model.standardized_weights(model.FRUIT_W * [[1e3], [1.0]], model.FRUIT_B, mean_kg, std_kg)
    np.testing.assert_allclose(W_kg, W_z)


def test_the_fruit_sample_is_labelled_correctly_by_the_classifier():
    scores = model.linear_scores(model.FRUIT_SAMPLE, model.FRUIT_W, model.FRUIT_B)
    np.testing.assert_array_equal(scores.argmax(axis=1), [0, 0, 0, 1, 1, 1, 2, 2, 2])
    np.testing.assert_array_equal(model.FRUIT_SAMPLE_LABELS, [0, 0, 0, 1, 1, 1, 2, 2, 2])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: model.standardize([[1.0, 2.0]]), ValueError, "at least two rows"),
        (lambda: model.standardize([[1.0, 2.0], [1.0, 3.0]]), ValueError, r"constant columns \[0\]"),
        (lambda: model.standardize([1.0, 2.0]), ValueError, "X"),
        (lambda: model.standardize([[1.0, np.nan], [2.0, 3.0]]), ValueError, "X"),
        (lambda: model.standardized_weights(np.ones((2, 3)), np.ones(3), np.ones(3), np.ones(3)), ValueError, "shapes"),
        (lambda: model.standardized_weights(np.ones((2, 3)), np.ones(2), np.ones(2), np.ones(2)), ValueError, "shapes"),
        (lambda: model.standardized_weights(np.ones((2, 3)), np.ones(3), np.ones(2), [1.0, 0.0]), ValueError, "std"),
        (lambda: model.standardized_weights("W", np.ones(3), np.ones(2), np.ones(2)), TypeError, "W"),
    ],
)
def test_feature_scaling_rejects_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --------------------------------------------------------------------------- the checkers


def test_check_standardize_accepts_both_standard_deviations_and_names_each_mistake():
    assert ex.check_standardize(lambda X: (X - X.mean(axis=0)) / X.std(axis=0)).ok
    sample = ex.check_standardize(lambda X: (X - X.mean(axis=0)) / X.std(axis=0, ddof=1))
    assert sample.ok and "ddof=1" in sample.message
    mistakes = {
        "use axis=0": lambda X: (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True),
        "subtract each column's mean": lambda X: X / X.std(axis=0),
        "divide by each column's standard deviation": lambda X: X - X.mean(axis=0),
        "not the variance": lambda X: (X - X.mean(axis=0)) / X.var(axis=0),
        "not over the whole table": lambda X: (X - X.mean()) / X.std(),
        "both should be 0 and 1": lambda X: X,
    }
    for says, attempt in mistakes.items():
        verdict = ex.check_standardize(attempt)
        assert not verdict.ok and says in verdict.message, (says, verdict.message)


@pytest.mark.parametrize(
    ("attempt", "says"),
    [
        (lambda X: None, "forget the return"),
        (lambda X: "z", "not a string"),
        (lambda X: (X, X.mean(axis=0)), "Return only the standardised table"),
        (lambda X: 1 / 0, "raised ZeroDivisionError"),
        (lambda X: X[:1], "shape (1, 2)"),
        (lambda X: X * np.nan, "finite"),
        (3, "pass your function itself"),
    ],
)
def test_check_standardize_turns_any_return_value_into_feedback(attempt, says):
    verdict = ex.check_standardize(attempt)
    assert not verdict.ok and says in verdict.message


def test_check_predict_accepts_the_right_answer_and_explains_mistakes():
    assert ex.check_predict(lambda x, w, b: w * x + b).ok
    no_bias = ex.check_predict(lambda x, w, b: w * x)
    assert not no_bias.ok and "add the bias" in no_bias.message
    added = ex.check_predict(lambda x, w, b: x + b)
    assert not added.ok and "Multiply the input by the weight" in added.message
    raises = ex.check_predict(lambda x, w, b: 1 / 0)
    assert not raises.ok and "ZeroDivisionError" in raises.message
    scalar_only = ex.check_predict(lambda x, w, b: float(w * x + b))
    assert not scalar_only.ok and "array" in scalar_only.message
    assert not ex.check_predict(3.0).ok


@pytest.mark.parametrize(
    ("reader", "says"),
    [
        (lambda x, w, b: None, "returned None"),
        (lambda x, w, b: "w * x + b", "not a string"),
        (lambda x, w, b: [[1.0], [2.0, 3.0]], "not a real number"),
        (lambda x, w, b: float("nan"), "finite"),
        (lambda x, w, b: [w * x + b, 0.0], "2 values"),
        (lambda x, w, b: object(), "not a real number"),
        (lambda x, w, b: np.array([1 + 1j]), "not a real number"),
        (lambda x, w, b: np.ma.masked_array([1.0], mask=[1]), "not a real number"),
        (lambda x, w, b: 1e400 if x else b, "finite"),
        (lambda x, w, b: list(w * np.atleast_1d(x) + b)[:2], "one output per input"),
        (lambda x: x, "TypeError"),
    ],
)
def test_check_predict_turns_any_return_value_into_feedback(reader, says):
    verdict = ex.check_predict(reader)
    assert not verdict.ok and says in verdict.message


def test_check_predict_accepts_equivalent_answers():
    assert ex.check_predict(lambda x, w, b: np.add(np.multiply(w, x), b)).ok
    assert ex.check_predict(lambda x, w, b: b + x * w).ok


def test_check_line_through_gives_targeted_hints():
    assert ex.check_line_through(2, 1).ok
    assert ex.check_line_through(np.int64(2), np.float32(1)).ok
    wrong_slope = ex.check_line_through(1, 2)
    assert not wrong_slope.ok and "rise over run" in wrong_slope.message
    wrong_bias = ex.check_line_through(2, 0)
    assert not wrong_bias.ok and "slope is right" in wrong_bias.message
    for bad in ("2", None, float("nan"), 10**400, True):
        verdict = ex.check_line_through(bad, 1)
        assert not verdict.ok and "w must be" in verdict.message
    assert ex.check_line_through(0.5, 0, points=[(0, 0), (2, 1), (4, 2)]).ok
    with pytest.raises(ValueError, match="points must be at least two"):
        ex.check_line_through(1, 0, points=[(1, 1), (1, 2)])


# --------------------------------------------------------------------------- any input: an answer or a clear error

OK = np.array([0.0, 1.0, 2.0])
CALLS = {
    "linear(x)": lambda v: model.linear(v, 1.0, 0.0),
    "linear(w)": lambda v: model.linear(OK, v, 0.0),
    "polynomial(x)": lambda v: model.polynomial(v, [1.0, 2.0]),
    "polynomial(coefs)": lambda v: model.polynomial(OK, v),
    "linear_scores(X)": lambda v: model.linear_scores(v, model.FRUIT_W, model.FRUIT_B),
    "linear_scores(W)": lambda v: model.linear_scores([[1.0, 2.0]], v, model.FRUIT_B),
    "linear_scores(b)": lambda v: model.linear_scores([[1.0, 2.0]], model.FRUIT_W, v),
    "best_weight(x)": lambda v: model.best_weight(v, OK, 0.0, [1.0]),
    "best_weight(b)": lambda v: model.best_weight(OK, OK, v, [1.0]),
    "best_weight(weights)": lambda v: model.best_weight(OK, OK, 0.0, v),
    "count_parameters": lambda v: model.count_parameters(v),
    "fruit_scores": lambda v: model.fruit_scores(v, 1.0),
    "standardize": lambda v: model.standardize(v),
    "standardized_weights(W)": lambda v: model.standardized_weights(v, model.FRUIT_B, [0.0, 0.0], [1.0, 1.0]),
    "standardized_weights(std)": lambda v: model.standardized_weights(model.FRUIT_W, model.FRUIT_B, [0.0, 0.0], v),
}
BAD = {
    "None": None,
    "str": "1",
    "bytes": b"1",
    "bool": True,
    "nan": np.nan,
    "inf": np.inf,
    "huge float": 1e308,
    "0-d array": np.array(1.0),
    "empty": np.array([]),
    "empty 2-d": np.zeros((2, 0)),
    "3-d": np.ones((2, 2, 2)),
    "mixed list": [1, "a"],
    "ragged": [[1, 2], [3]],
    "object": object(),
    "dict": {"a": 1},
    "np.int32": np.int32(3),
    "np.float32": np.float32(2.0),
}
#: Cases the shared validation layer (mlcourse/validation.py, hardened by issue 19) catches too.
VALIDATION_GAPS = {
    "int beyond float": 10**400,
    "complex array": np.array([1 + 1j]),
    "masked array": np.ma.masked_array([1.0, 2.0], mask=[0, 1]),
    "bytearray": bytearray(b"1"),
    "numeric strings": np.array(["1"]),
}


def answer_or_clear_error(call, value):
    try:
        result = call(value)
    except (TypeError, ValueError):
        return
    assert np.all(np.isfinite(result)), f"non-finite result {result!r}"


@pytest.mark.parametrize("value", BAD.values(), ids=BAD.keys())
@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_every_public_function_answers_finitely_or_raises_a_clear_error(call, value):
    answer_or_clear_error(call, value)


@pytest.mark.parametrize("value", VALIDATION_GAPS.values(), ids=VALIDATION_GAPS.keys())
@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_inputs_the_shared_validation_rejects(call, value):
    with pytest.raises((TypeError, ValueError)):
        call(value)


@pytest.mark.parametrize("value", [*BAD.values(), *VALIDATION_GAPS.values()], ids=[*BAD, *VALIDATION_GAPS])
def test_check_predict_turns_any_reader_value_into_feedback(value):
    verdict = ex.check_predict(lambda x, w, b: value)
    assert not verdict.ok and "predict(" in verdict.message
