import numpy as np
import pytest
from scipy.special import eval_legendre

from mlcourse import regression


def test_target_is_sin_4x_plus_1():
    x = np.array([-1.0, -0.25, 0.0, 0.5, 1.0])
    np.testing.assert_allclose(regression.target(x), np.sin(4 * x + 1))
    assert regression.target(np.zeros((2, 3))).shape == (2, 3)


def test_sample_is_reproducible_and_has_the_requested_shapes():
    x1, y1 = regression.sample_data(10, np.random.default_rng(3), noise=0.2)
    x2, y2 = regression.sample_data(10, np.random.default_rng(3), noise=0.2)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert x1.shape == y1.shape == (10,)
    xs, ys = regression.sample_data(7, np.random.default_rng(0), n_sets=5)
    assert xs.shape == ys.shape == (5, 7)


@pytest.mark.parametrize("layout", ["stratified", "uniform"])
def test_sample_without_noise_lies_on_the_function_inside_the_domain(layout):
    x, y = regression.sample_data(50, np.random.default_rng(1), noise=0.0, layout=layout)
    assert np.all((x >= -1) & (x <= 1))
    np.testing.assert_allclose(y, regression.target(x))


def test_stratified_layout_puts_one_point_in_each_bin():
    x, _ = regression.sample_data(8, np.random.default_rng(2), n_sets=100)
    bins = np.floor((np.sort(x, axis=1) + 1) / 2 * 8)
    np.testing.assert_array_equal(bins, np.broadcast_to(np.arange(8), (100, 8)))
    # ... in shuffled order, not sorted.
    assert not np.all(np.diff(x, axis=1) > 0)


def test_sample_noise_has_the_requested_standard_deviation():
    x, y = regression.sample_data(200, np.random.default_rng(4), noise=0.5, n_sets=100)
    residual = y - regression.target(x)
    # 20 000 Gaussian draws: the sample sd has a standard error of about 0.5 / sqrt(40 000) = 0.0025.
    assert abs(residual.std() - 0.5) < 4 * 0.0025
    assert abs(residual.mean()) < 4 * 0.5 / np.sqrt(20_000)


def test_sample_rejects_bad_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="n must be >= 1"):
        regression.sample_data(0, rng)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        regression.sample_data(5, rng, noise=-1.0)
    with pytest.raises(ValueError, match="layout must be"):
        regression.sample_data(5, rng, layout="grid")
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        regression.sample_data(5, 42)


def test_legendre_design_matches_scipy():
    x = np.linspace(-1, 1, 9)
    design = regression.legendre_design(x, 5)
    assert design.shape == (9, 6)
    for k in range(6):
        np.testing.assert_allclose(design[:, k], eval_legendre(k, x), atol=1e-13)
    assert regression.legendre_design(np.zeros((3, 4)), 2).shape == (3, 4, 3)


def test_legendre_design_rejects_inputs_outside_the_interval():
    with pytest.raises(ValueError, match=r"x must lie in \[-1, 1\]"):
        regression.legendre_design([0.0, 1.5], 3)
    with pytest.raises(ValueError, match="degree must be >= 0"):
        regression.legendre_design([0.0], -1)


def test_least_squares_matches_numpy_lstsq_when_full_rank():
    rng = np.random.default_rng(5)
    design = rng.standard_normal((30, 4))
    y = rng.standard_normal(30)
    np.testing.assert_allclose(
        regression.least_squares(design, y), np.linalg.lstsq(design, y, rcond=None)[0], atol=1e-12
    )


def test_least_squares_solves_stacked_problems_like_a_loop():
    rng = np.random.default_rng(6)
    design = rng.standard_normal((5, 12, 3))
    y = rng.standard_normal((5, 12))
    batched = regression.least_squares(design, y)
    for i in range(5):
        np.testing.assert_allclose(batched[i], np.linalg.lstsq(design[i], y[i], rcond=None)[0], atol=1e-12)


def test_least_squares_gives_the_minimum_norm_interpolant_when_overparameterised():
    rng = np.random.default_rng(7)
    design = rng.standard_normal((6, 15))
    y = rng.standard_normal(6)
    coefs = regression.least_squares(design, y)
    np.testing.assert_allclose(design @ coefs, y, atol=1e-10)  # interpolates
    np.testing.assert_allclose(coefs, np.linalg.pinv(design) @ y, atol=1e-10)  # smallest norm
    # Adding any null-space direction keeps the fit but makes the norm larger.
    null = np.linalg.svd(design)[2][-1]
    assert np.linalg.norm(coefs + 0.1 * null) > np.linalg.norm(coefs)


def test_least_squares_rank_deficient_does_not_warn_and_matches_pinv():
    x = np.linspace(-1, 1, 10)
    design = np.column_stack([x, 2 * x, np.ones_like(x)])  # two identical directions
    y = 3 * x + 1
    coefs = regression.least_squares(design, y)
    np.testing.assert_allclose(coefs, np.linalg.pinv(design) @ y, atol=1e-12)
    np.testing.assert_allclose(design @ coefs, y, atol=1e-12)


def test_ridge_matches_the_normal_equations_and_the_constant_closed_form():
    rng = np.random.default_rng(8)
    design = rng.standard_normal((20, 5))
    y = rng.standard_normal(20)
    lam = 0.3
    expected = np.linalg.solve(design.T @ design + 20 * lam * np.eye(5), design.T @ y)
    np.testing.assert_allclose(regression.least_squares(design, y, ridge=lam), expected, atol=1e-12)
    # A ridge constant minimises mean((c - y)**2) + lam * c**2, so c = mean(y) / (1 + lam).
    c = regression.least_squares(np.ones((20, 1)), y, ridge=lam)
    np.testing.assert_allclose(c, [y.mean() / (1 + lam)])


def test_ridge_with_more_features_than_points_matches_the_normal_equations():
    rng = np.random.default_rng(11)
    design = rng.standard_normal((3, 6, 40))  # three stacked problems, p = 40 > n = 6
    y = rng.standard_normal((3, 6))
    lam = 0.05
    coefs = regression.least_squares(design, y, ridge=lam)
    for i in range(3):
        expected = np.linalg.solve(design[i].T @ design[i] + 6 * lam * np.eye(40), design[i].T @ y[i])
        np.testing.assert_allclose(coefs[i], expected, atol=1e-10)
    # A vanishing penalty tends to the minimum-norm interpolant.
    np.testing.assert_allclose(
        regression.least_squares(design[0], y[0], ridge=1e-12), np.linalg.pinv(design[0]) @ y[0], atol=1e-6
    )


def test_least_squares_rejects_mismatched_shapes_and_negative_ridge():
    with pytest.raises(ValueError, match=r"y must have 4 targets per problem \(the rows of design\), got shape \(3,\)"):
        regression.least_squares(np.ones((4, 2)), np.ones(3))
    with pytest.raises(ValueError, match="design must have at least 2 dimensions"):
        regression.least_squares(np.ones(4), np.ones(4))
    with pytest.raises(ValueError, match="ridge must be >= 0"):
        regression.least_squares(np.ones((4, 2)), np.ones(4), ridge=-0.1)


def test_fit_polynomial_recovers_a_noise_free_cubic():
    x = np.linspace(-1, 1, 12)
    y = 1 + 2 * x - x**3
    coefs = regression.fit_polynomial(x, y, 3)
    x_new = np.array([-0.9, 0.1, 0.77])
    np.testing.assert_allclose(regression.predict_polynomial(coefs, x_new), 1 + 2 * x_new - x_new**3, atol=1e-12)
    # The same polynomial in numpy's Legendre class.
    np.testing.assert_allclose(np.polynomial.Legendre(coefs)(x_new), 1 + 2 * x_new - x_new**3, atol=1e-12)


def test_predict_polynomial_broadcasts_over_stacked_fits():
    coefs = np.array([[1.0, 0.0], [0.0, 2.0]])  # P0 = 1 and 2 * P1 = 2x
    out = regression.predict_polynomial(coefs, [0.5, -1.0])
    np.testing.assert_allclose(out, [[1.0, 1.0], [1.0, -2.0]])


def test_random_features_shapes_and_design_formula():
    rng = np.random.default_rng(9)
    w, b = regression.random_features(4, rng, scale=3.0)
    assert w.shape == b.shape == (4,)
    assert np.all((b >= 0) & (b < 2 * np.pi))
    x = np.array([0.1, -0.4, 0.7])
    design = regression.random_feature_design(x, w, b)
    np.testing.assert_allclose(design, np.sqrt(2 / 4) * np.cos(np.outer(x, w) + b))
    ws, bs = regression.random_features(4, rng, n_sets=3)
    assert ws.shape == (3, 4)
    per_set = regression.random_feature_design(np.tile(x, (3, 1)), ws, bs)
    assert per_set.shape == (3, 3, 4)
    np.testing.assert_allclose(per_set[1], np.sqrt(0.5) * np.cos(np.outer(x, ws[1]) + bs[1]))
    shared_x = regression.random_feature_design(x, ws, bs)
    np.testing.assert_allclose(shared_x, per_set)


def test_random_features_reject_bad_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="scale must be > 0"):
        regression.random_features(3, rng, scale=0.0)
    with pytest.raises(ValueError, match="w and b must have the same shape"):
        regression.random_feature_design([0.0], [1.0, 2.0], [0.0])
    with pytest.raises(ValueError, match="x has 2 training sets but w has 3"):
        regression.random_feature_design(np.zeros((2, 4)), np.zeros((3, 5)), np.zeros((3, 5)))


def test_ridge_with_intercept_leaves_the_constant_column_unpenalised():
    # ESL 3.4.1: minimise mean((X c - y)**2) + lam * |c[1:]|**2. Normal equations with the
    # penalty matrix diag(0, 1, ..., 1), solved directly.
    rng = np.random.default_rng(21)
    x = rng.uniform(-1, 1, 25)
    y = 3.0 + np.sin(3 * x) + 0.1 * rng.standard_normal(25)
    design = np.polynomial.legendre.legvander(x, 4)
    lam = 0.2
    penalty = np.diag([0.0, 1.0, 1.0, 1.0, 1.0])
    expected = np.linalg.solve(design.T @ design + 25 * lam * penalty, design.T @ y)
    coefs = regression.least_squares(design, y, ridge=lam, intercept=True)
    np.testing.assert_allclose(coefs, expected, atol=1e-10)
    # Shifting every target by 5 shifts only the intercept, by 5; a penalised intercept would not.
    shifted = regression.least_squares(design, y + 5.0, ridge=lam, intercept=True)
    np.testing.assert_allclose(shifted - coefs, [5.0, 0, 0, 0, 0], atol=1e-10)
    penalised = regression.least_squares(design, y + 5.0, ridge=lam) - regression.least_squares(design, y, ridge=lam)
    assert penalised[0] < 4.5
    # A huge penalty flattens the fit to the mean of y, not to 0.
    flat = regression.fit_polynomial(x, y, 4, ridge=1e8)
    np.testing.assert_allclose(regression.predict_polynomial(flat, x), y.mean(), atol=1e-6)


def test_ridge_with_intercept_on_stacks_with_more_features_than_points_and_degree_zero():
    rng = np.random.default_rng(22)
    x = rng.uniform(-1, 1, (3, 6))
    y = rng.standard_normal((3, 6))
    design = np.polynomial.legendre.legvander(x, 9)  # p = 10 > n = 6: the dual form inside
    coefs = regression.least_squares(design, y, ridge=0.05, intercept=True)
    penalty = np.diag([0.0] + [1.0] * 9)
    for i in range(3):
        expected = np.linalg.solve(design[i].T @ design[i] + 6 * 0.05 * penalty, design[i].T @ y[i])
        np.testing.assert_allclose(coefs[i], expected, atol=1e-8)
    # Degree 0: the unpenalised constant is the mean, whatever the penalty.
    np.testing.assert_allclose(regression.fit_polynomial(x, y, 0, ridge=3.0)[..., 0], y.mean(axis=-1))


def test_ridge_with_intercept_rejects_a_first_column_that_is_not_constant():
    with pytest.raises(ValueError, match="first column of design must be a nonzero constant"):
        regression.least_squares(np.arange(8.0).reshape(4, 2), np.ones(4), ridge=0.1, intercept=True)
    with pytest.raises(TypeError, match="intercept"):
        regression.least_squares(np.ones((4, 2)), np.ones(4), ridge=0.1, intercept="yes")
