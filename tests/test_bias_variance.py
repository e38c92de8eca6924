import numpy as np
import pytest
from scipy.integrate import quad

from mlcourse import bias_variance as bv
from mlcourse import regression

# --------------------------------------------------------------------------- the estimator


def test_decompose_on_a_hand_computed_example():
    # Two fits at two test points; truth f = (1, 3). Average fit (2, 4): off by 1 at each point.
    # Sample variance (divisor m - 1 = 1) at each point: 2. Bias² = 1 - variance / m = 1 - 1 = 0.
    predictions = np.array([[1.0, 3.0], [3.0, 5.0]])
    f_test = np.array([1.0, 3.0])
    y_test = np.array([[1.5, 3.0], [2.0, 2.0]])
    r = bv.decompose(predictions, f_test, y_test, noise=0.5)
    assert r.variance == pytest.approx(2.0)
    assert r.bias2 == pytest.approx(0.0)
    assert r.noise == pytest.approx(0.25)
    assert r.total == pytest.approx(2.25)
    assert r.test_error == pytest.approx((0.25 + 0.0 + 1.0 + 9.0) / 4)
    # SE = sqrt((2 sigma^4 + 4 sigma^2 mean (P - f)^2) / (m T)) with mean (P - f)^2 = 2.
    assert r.standard_error == pytest.approx(np.sqrt((2 * 0.0625 + 4 * 0.25 * 2.0) / 4))


def test_bias2_plus_variance_is_the_mean_squared_distance_from_the_truth():
    rng = np.random.default_rng(0)
    predictions = rng.normal(size=(7, 5))
    f_test = rng.normal(size=5)
    r = bv.decompose(predictions, f_test, predictions, noise=0.0)
    assert r.bias2 + r.variance == pytest.approx(np.mean((predictions - f_test) ** 2))


def test_decompose_bias_estimate_is_unbiased():
    # Fits that are truth + 0.2 + N(0, 1) noise: true bias² = 0.04, variance = 1.
    rng = np.random.default_rng(1)
    f_test = np.zeros(3)
    estimates = []
    for _ in range(400):
        predictions = 0.2 + rng.standard_normal((10, 3))
        estimates.append(bv.decompose(predictions, f_test, predictions, noise=0.0).bias2)
    # Plain (Pbar - f)² would average 0.04 + 1/10 = 0.14; the corrected estimate averages 0.04.
    # Its sd per draw is about 0.1, so the mean of 400 has a standard error of about 0.005.
    assert np.mean(estimates) == pytest.approx(0.04, abs=0.02)


def test_decompose_rejects_bad_shapes():
    with pytest.raises(ValueError, match="at least 2 fits"):
        bv.decompose(np.ones((1, 3)), np.ones(3), np.ones((1, 3)), 0.1)
    with pytest.raises(ValueError, match="f_test must have one value per test input"):
        bv.decompose(np.ones((2, 3)), np.ones(4), np.ones((2, 3)), 0.1)
    with pytest.raises(ValueError, match="y_test must have the shape of predictions"):
        bv.decompose(np.ones((2, 3)), np.ones(3), np.ones((3, 3)), 0.1)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        bv.decompose(np.ones((2, 3)), np.ones(3), np.ones((2, 3)), -1.0)


def test_agrees_uses_the_standard_error():
    r = bv.Decomposition(bias2=0.1, variance=0.2, noise=0.1, test_error=0.43, standard_error=0.01)
    assert r.total == pytest.approx(0.4)
    assert r.agrees(n_se=4.0) and not r.agrees(n_se=2.0)


# --------------------------------------------------------------------------- closed forms


def test_experiment_layout():
    e = bv.make_experiment(6, np.random.default_rng(2), noise=0.1, n_sets=4, n_test=5)
    assert e.x_train.shape == e.y_train.shape == (4, 6) and e.y_test.shape == (4, 5)
    assert e.n == 6 and e.n_sets == 4 and e.noise == 0.1
    np.testing.assert_allclose(e.x_test, [-0.8, -0.4, 0.0, 0.4, 0.8])  # cell midpoints
    np.testing.assert_allclose(e.f_test, regression.target(e.x_test))
    fixed = bv.make_experiment(6, np.random.default_rng(2), n_sets=4, fixed_x=True)
    assert np.all(fixed.x_train == fixed.x_train[0])
    assert not np.all(fixed.y_train == fixed.y_train[0])


def test_constant_fit_fixed_design_variance_is_sigma2_over_n_and_bias_is_f_minus_its_mean():
    n, sigma, m = 25, 0.5, 4000
    e = bv.make_experiment(n, np.random.default_rng(3), noise=sigma, n_sets=m, n_test=40, fixed_x=True)
    r = bv.measure(e, bv.polynomial_fitter(0))
    # The fitted constant is mean(y): variance sigma²/n; the sample variance of m draws has a
    # relative standard error sqrt(2 / (m - 1)).
    assert r.variance == pytest.approx(sigma**2 / n, rel=4 * np.sqrt(2 / (m - 1)))
    f_bar = regression.target(e.x_train[0]).mean()
    assert r.bias2 == pytest.approx(np.mean((f_bar - e.f_test) ** 2), abs=0.003)
    # Training error of the mean: E = sigma² (n - 1) / n + mean_i (f(x_i) - f_bar)².
    expected_train = sigma**2 * (n - 1) / n + np.mean((regression.target(e.x_train[0]) - f_bar) ** 2)
    assert r.train_error == pytest.approx(expected_train, abs=4 * sigma**2 * np.sqrt(2 / (m * n)) + 1e-3)


def test_constant_fit_random_design_variance_includes_the_spread_of_f():
    # x ~ Uniform(-1, 1): Var(mean y) = (Var f(X) + sigma²) / n, with the moments of f by quadrature.
    n, sigma, m = 10, 0.3, 4000
    mean_f = quad(regression.target, -1, 1)[0] / 2
    var_f = quad(lambda t: regression.target(t) ** 2, -1, 1)[0] / 2 - mean_f**2
    e = bv.make_experiment(n, np.random.default_rng(4), noise=sigma, n_sets=m, n_test=200, layout="uniform")
    r = bv.measure(e, bv.polynomial_fitter(0))
    assert r.variance == pytest.approx((var_f + sigma**2) / n, rel=4 * np.sqrt(2 / (m - 1)))
    assert r.bias2 == pytest.approx(np.mean((mean_f - e.f_test) ** 2), abs=0.005)


def test_ridge_constant_variance_shrinks_by_one_plus_lambda_squared():
    n, sigma, m, lam = 20, 0.4, 4000, 0.5
    e = bv.make_experiment(n, np.random.default_rng(5), noise=sigma, n_sets=m, n_test=10, fixed_x=True)
    r = bv.measure(e, bv.polynomial_fitter(0, ridge=lam))
    assert r.variance == pytest.approx(sigma**2 / n / (1 + lam) ** 2, rel=4 * np.sqrt(2 / (m - 1)))


def test_least_squares_fixed_design_at_the_training_inputs():
    # Evaluated at its own inputs, OLS with p parameters has average variance sigma² p / n
    # (trace of the hat matrix) and squared bias |(I - H) f|² / n exactly.
    n, sigma, m, degree = 15, 0.3, 3000, 3
    rng = np.random.default_rng(6)
    x, _ = regression.sample(n, rng, noise=0.0)
    f = regression.target(x)
    y = f + sigma * rng.standard_normal((m, n))
    experiment = bv.Experiment(
        x_train=np.tile(x, (m, 1)),
        y_train=y,
        x_test=x,
        f_test=f,
        y_test=f + sigma * rng.standard_normal((m, n)),
        noise=sigma,
    )
    r = bv.measure(experiment, bv.polynomial_fitter(degree))
    design = regression.legendre_design(x, degree)
    hat = design @ np.linalg.pinv(design)
    assert r.variance == pytest.approx(sigma**2 * (degree + 1) / n, rel=4 * np.sqrt(2 / (m - 1)))
    assert r.bias2 == pytest.approx(np.sum(((np.eye(n) - hat) @ f) ** 2) / n, abs=0.002)
    assert r.agrees()


def test_decomposition_adds_up_in_simulation():
    e = bv.make_experiment(20, np.random.default_rng(7), noise=0.3, n_sets=200, n_test=50)
    for r in bv.degree_sweep(e, [0, 3, 8]):
        assert r.agrees(n_se=4.0)


def test_ridge_sweep_variance_falls_and_bias_rises():
    e = bv.make_experiment(20, np.random.default_rng(8), noise=0.3, n_sets=200, n_test=50)
    results = bv.ridge_sweep(e, 8, [1e-6, 1e-3, 1e-1, 10.0])
    variance = [r.variance for r in results]
    assert variance == sorted(variance, reverse=True)
    assert results[-1].bias2 > 0.3 > results[0].bias2


def test_learning_curve_variance_falls_with_n():
    results = bv.learning_curve([10, 40, 160], 3, np.random.default_rng(9), n_sets=200, n_test=50)
    variance = [r.variance for r in results]
    assert variance[0] > 2 * variance[1] > 4 * variance[2]


def test_feature_sweep_matches_the_fitter_it_stands_for():
    rng = np.random.default_rng(10)
    e = bv.make_experiment(8, rng, n_sets=5, n_test=7)
    for w, b in (regression.random_features(12, rng, scale=5.0), regression.random_features(12, rng, n_sets=5)):
        swept = bv.feature_sweep(e, [3, 8, 12], w, b, ridge=1e-3)
        for p, r in zip([3, 8, 12], swept, strict=True):
            direct = bv.measure(e, bv.random_feature_fitter(w[..., :p], b[..., :p], ridge=1e-3))
            assert r.test_error == pytest.approx(direct.test_error)
            assert r.coef_norm == pytest.approx(direct.coef_norm)


def test_minimum_norm_random_features_interpolate_beyond_the_threshold():
    rng = np.random.default_rng(11)
    e = bv.make_experiment(10, rng, n_sets=20, n_test=20)
    w, b = regression.random_features(40, rng, scale=25.0, n_sets=20)
    below, at, beyond = bv.feature_sweep(e, [5, 10, 40], w, b)
    assert below.train_error > 1e-3
    assert at.train_error < 1e-12 and beyond.train_error < 1e-12
    assert at.coef_norm > beyond.coef_norm


def test_measure_and_experiment_reject_bad_input():
    with pytest.raises(ValueError, match="n_sets must be >= 2"):
        bv.make_experiment(5, np.random.default_rng(0), n_sets=1)
    with pytest.raises(TypeError, match="experiment must be an Experiment"):
        bv.measure("data", bv.polynomial_fitter(1))
    e = bv.make_experiment(5, np.random.default_rng(0), n_sets=2)
    with pytest.raises(TypeError, match="fitter must be callable"):
        bv.measure(e, 3)
    with pytest.raises(ValueError, match="counts must be <= 4"):
        bv.feature_sweep(e, [5], np.ones(4), np.zeros(4))
    with pytest.raises(ValueError, match="degree must be >= 0"):
        bv.polynomial_fitter(-1)


# --------------------------------------------------------------------------- model selection


def test_kfold_indices_partition_the_points():
    folds = bv.kfold_indices(10, 3)
    assert [len(f) for f in folds] == [4, 3, 3]
    np.testing.assert_array_equal(np.sort(np.concatenate(folds)), np.arange(10))
    shuffled = bv.kfold_indices(10, 3, np.random.default_rng(0))
    np.testing.assert_array_equal(np.sort(np.concatenate(shuffled)), np.arange(10))
    assert not np.array_equal(np.concatenate(shuffled), np.arange(10))
    with pytest.raises(ValueError, match="k must be >= 2"):
        bv.kfold_indices(10, 1)
    with pytest.raises(ValueError, match="n must be >= 5"):
        bv.kfold_indices(4, 5)


def test_leave_one_out_matches_the_press_formula():
    # For least squares, the leave-one-out residual is e_i / (1 - h_ii) (Allen's PRESS).
    x, y = regression.sample(14, np.random.default_rng(12), noise=0.3)
    degree = 3
    design = regression.legendre_design(x, degree)
    hat = design @ np.linalg.pinv(design)
    residual = y - hat @ y
    press = np.mean((residual / (1 - np.diag(hat))) ** 2)
    assert bv.cross_validation_error(x, y, degree, k=14) == pytest.approx(press)


def test_cross_validation_batched_equals_one_by_one_and_validation_error_is_a_holdout():
    xs, ys = regression.sample(15, np.random.default_rng(13), n_sets=3)
    batched = bv.cross_validation_error(xs, ys, 2, k=5)
    for i in range(3):
        assert batched[i] == pytest.approx(bv.cross_validation_error(xs[i], ys[i], 2, k=5))
    coefs = regression.fit_polynomial(xs[0, :10], ys[0, :10], 2)
    held_out = np.mean((regression.predict_polynomial(coefs, xs[0, 10:]) - ys[0, 10:]) ** 2)
    assert bv.validation_error(xs[0], ys[0], 2, n_val=5) == pytest.approx(held_out)
    with pytest.raises(ValueError, match="n_val must be <= 14"):
        bv.validation_error(xs[0], ys[0], 2, n_val=15)
    with pytest.raises(ValueError, match="x and y must have the same shape"):
        bv.cross_validation_error(xs[0], ys[0, :5], 2)


# --------------------------------------------------------------------------- checkers


def test_check_constant_variance():
    assert bv.check_constant_variance(0.01, n=25, sigma=0.5).ok
    assert "standard error" in bv.check_constant_variance(0.1, n=25, sigma=0.5).message
    assert "divides it by n" in bv.check_constant_variance(0.25, n=25, sigma=0.5).message
    assert "square σ" in bv.check_constant_variance(0.02, n=25, sigma=0.5).message
    assert not bv.check_constant_variance("0.01").ok


def test_check_decompose():
    def good(p, f):
        m = p.mean(axis=0)
        return np.mean((m - f) ** 2), np.mean(p.var(axis=0, ddof=1))

    assert bv.check_decompose(good).ok
    swapped_axis = bv.check_decompose(lambda p, f: (np.mean((p.mean(0) - f) ** 2), np.mean(p.var(axis=1))))
    assert "axis 0" in swapped_axis.message
    unsquared = bv.check_decompose(lambda p, f: (np.mean(p.mean(0) - f) ** 2, np.mean(p.var(0))))
    assert "square the bias at each test point" in unsquared.message
    std = bv.check_decompose(lambda p, f: (np.mean((p.mean(0) - f) ** 2), np.mean(p.std(0))))
    assert "standard deviation" in std.message
    assert "raised" in bv.check_decompose(lambda p, f: 1.0).message
    assert not bv.check_decompose(3).ok


def test_check_cv():
    def good(x, y, degree, k):
        return bv.cross_validation_error(x, y, degree, k)

    assert bv.check_cv(good).ok

    def summed(x, y, degree, k):
        return len(x) * bv.cross_validation_error(x, y, degree, k)

    assert "sum of squared errors" in bv.check_cv(summed).message

    def in_sample(x, y, degree, k):
        return regression.mse(regression.predict_polynomial(regression.fit_polynomial(x, y, degree), x), y)

    assert "training error" in bv.check_cv(in_sample).message


# --------------------------------------------------------------------------- figures


@pytest.fixture(scope="module")
def sweep():
    e = bv.make_experiment(20, np.random.default_rng(14), noise=0.3, n_sets=50, n_test=30)
    degrees = list(range(6))
    return degrees, bv.degree_sweep(e, degrees)


def test_plot_train_test_draws_the_errors(sweep):
    degrees, results = sweep
    plot = bv.plot_train_test(degrees, results)
    train_line, test_line = plot.fig.axes[0].get_lines()[:2]
    np.testing.assert_allclose(train_line.get_ydata(), [r.train_error for r in results])
    np.testing.assert_allclose(test_line.get_ydata(), [r.test_error for r in results])
    assert "U-shaped" in plot.alt and "degree" in plot.alt


def test_plot_decomposition_draws_the_terms(sweep):
    degrees, results = sweep
    plot = bv.plot_decomposition(degrees, results, xlabel="polynomial degree")
    bias_line, var_line = plot.fig.axes[0].get_lines()[:2]
    np.testing.assert_allclose(bias_line.get_ydata(), [r.bias2 for r in results])
    np.testing.assert_allclose(var_line.get_ydata(), [r.variance for r in results])
    assert "standard errors" in plot.alt
    with pytest.raises(ValueError, match="same length"):
        bv.plot_decomposition(degrees[:2], results, xlabel="x")


def test_every_figure_has_axes_and_alt_text(sweep):
    degrees, results = sweep
    rng = np.random.default_rng(15)
    e = bv.make_experiment(10, rng, n_sets=20, n_test=20)
    w, b = regression.random_features(30, rng, scale=25.0, n_sets=20)
    counts = [2, 5, 10, 15, 30]
    plots = [
        bv.plot_tradeoff_diagram(rng),
        bv.plot_fits(4, n=15, noise=0.2, ridge=1e-3),
        bv.plot_learning_curves([10, 20, 40], bv.learning_curve([10, 20, 40], 2, rng, n_sets=20), degree=2),
        bv.plot_double_descent(counts, bv.feature_sweep(e, counts, w, b), n=10),
        bv.plot_model_selection(degrees, np.ones(6), np.ones(6), np.arange(6.0) + 1, [1, 2, 2], [2, 2, 3]),
        bv.plot_decomposition([1e-3, 1e-1, 10.0], results[:3], xlabel="λ", logx=True, logy=True),
    ]
    for plot in plots:
        assert plot.fig.axes and len(plot.alt) > 80
        assert plot.to_png(dpi=40).startswith(b"\x89PNG")
    assert "interpolation threshold" in plots[3].alt and "p = 10" in plots[3].alt
    assert "degree 4" in plots[1].alt


def test_draw_fits_title_reports_the_settings():
    from mlcourse.figures import new_figure

    fig = new_figure()
    bv.draw_fits(fig, (3, 12, 0.2, 0.0))
    title = fig.axes[0].get_title()
    assert title.startswith("degree 3, n = 12, σ = 0.2") and "variance" in title
    assert len(fig.axes[0].get_lines()) >= 21  # 20 fits and the true curve
