import numpy as np
import pytest

from mlcourse import model


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
    with pytest.raises(ValueError, match="mass_g must be >= 0"):
        model.fruit_scores(-5, 1.0)


def test_count_parameters_counts_every_entry():
    assert model.count_parameters(np.zeros((3, 4)), np.zeros(4), 1.0) == 17


def test_fruit_classifier_predicts_plausible_classes():
    def predict(mass, elongation):
        return model.FRUIT_CLASSES[int(np.argmax(model.fruit_scores(mass, elongation)))]

    assert predict(120, 2.5) == "banana"
    assert predict(200, 1.0) == "orange"
    assert predict(110, 1.1) == "apple"


@pytest.mark.parametrize(
    "make",
    [
        model.plot_model_as_function,
        lambda: model.plot_line(2.0, 1.0),
        lambda: model.plot_same_form([(1.0, 0.0), (2.0, 1.0)], [(0.0, 1.0), (1.0, 0.0, 1.0)]),
        lambda: model.plot_fruit_scores(120, 2.5),
    ],
)
def test_every_figure_has_axes_and_alt_text(make):
    plot = make()
    assert plot.fig.axes
    assert len(plot.alt) > 40
    assert plot.to_png().startswith(b"\x89PNG")


def test_plot_line_draws_the_requested_line():
    plot = model.plot_line(2.0, 1.0)
    line = plot.fig.axes[0].get_lines()[0]
    x, y = line.get_data()
    np.testing.assert_allclose(y, 2.0 * x + 1.0)
    assert "y = 2x + 1" in plot.alt


def test_fruit_score_alt_text_names_the_winner():
    assert "banana, is the prediction" in model.plot_fruit_scores(120, 2.5).alt


def test_check_predict_accepts_the_right_answer_and_explains_mistakes():
    assert model.check_predict(lambda x, w, b: w * x + b).ok
    no_bias = model.check_predict(lambda x, w, b: w * x)
    assert not no_bias.ok and "add the bias" in no_bias.message
    added = model.check_predict(lambda x, w, b: x + b)
    assert not added.ok and "Multiply the input by the weight" in added.message
    raises = model.check_predict(lambda x, w, b: 1 / 0)
    assert not raises.ok and "ZeroDivisionError" in raises.message
    scalar_only = model.check_predict(lambda x, w, b: float(w * x + b))
    assert not scalar_only.ok and "array" in scalar_only.message
    assert not model.check_predict(3.0).ok


def test_check_line_through_gives_targeted_hints():
    assert model.check_line_through(2, 1).ok
    wrong_slope = model.check_line_through(1, 2)
    assert not wrong_slope.ok and "rise over run" in wrong_slope.message
    wrong_bias = model.check_line_through(2, 0)
    assert not wrong_bias.ok and "slope is right" in wrong_bias.message
    assert not model.check_line_through("2", 1).ok
