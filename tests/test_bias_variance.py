import numpy as np
import pytest
from scipy.integrate import quad

from mlcourse import bias_variance as bv
from mlcourse import double_descent as dd
from mlcourse import regression
from mlcourse.losses import mse

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
    assert r.bias2 + r.variance == pytest.approx(mse(predictions, f_test, axis=None))


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
    r = bv.measure(e, regression.polynomial_fitter(0))
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
    r = bv.measure(e, regression.polynomial_fitter(0))
    assert r.variance == pytest.approx((var_f + sigma**2) / n, rel=4 * np.sqrt(2 / (m - 1)))
    assert r.bias2 == pytest.approx(np.mean((mean_f - e.f_test) ** 2), abs=0.005)


def test_ridge_constant_variance_shrinks_by_one_plus_lambda_squared():
    # A penalised constant (no intercept) is mean(y) / (1 + lam); the polynomial's constant term
    # is an intercept, not penalised (ESL 3.4.1), so its variance stays sigma² / n.
    n, sigma, m, lam = 20, 0.4, 4000, 0.5
    e = bv.make_experiment(n, np.random.default_rng(5), noise=sigma, n_sets=m, n_test=10, fixed_x=True)
    penalised = bv.measure(e, regression.least_squares_fitter(lambda x: np.ones((*np.shape(x), 1)), ridge=lam))
    assert penalised.variance == pytest.approx(sigma**2 / n / (1 + lam) ** 2, rel=4 * np.sqrt(2 / (m - 1)))
    free = bv.measure(e, regression.polynomial_fitter(0, ridge=lam))
    assert free.variance == pytest.approx(sigma**2 / n, rel=4 * np.sqrt(2 / (m - 1)))


def test_least_squares_fixed_design_at_the_training_inputs():
    # Evaluated at its own inputs, OLS with p parameters has average variance sigma² p / n
    # (trace of the hat matrix) and squared bias |(I - H) f|² / n exactly.
    n, sigma, m, degree = 15, 0.3, 3000, 3
    rng = np.random.default_rng(6)
    x, _ = regression.sample_data(n, rng, noise=0.0)
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
    r = bv.measure(experiment, regression.polynomial_fitter(degree))
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
        swept = dd.feature_sweep(e, [3, 8, 12], w, b, ridge=1e-3)
        for p, r in zip([3, 8, 12], swept, strict=True):
            direct = bv.measure(e, dd.random_feature_fitter(w[..., :p], b[..., :p], ridge=1e-3))
            assert r.test_error == pytest.approx(direct.test_error)
            assert r.coef_norm == pytest.approx(direct.coef_norm)


def test_feature_sweep_without_ridge_matches_the_fitter_at_and_beyond_the_threshold():
    # At p >= n the sweep solves by QR instead of least_squares' SVD: the same minimum-norm fits.
    rng = np.random.default_rng(12)
    e = bv.make_experiment(8, rng, n_sets=5, n_test=7)
    w, b = regression.random_features(30, rng, scale=5.0, n_sets=5)
    for p, r in zip([4, 8, 9, 30], dd.feature_sweep(e, [4, 8, 9, 30], w, b), strict=True):
        direct = bv.measure(e, dd.random_feature_fitter(w[..., :p], b[..., :p]))
        assert r.test_error == pytest.approx(direct.test_error, rel=1e-6)
        assert r.coef_norm == pytest.approx(direct.coef_norm, rel=1e-6)
        assert r.train_error == pytest.approx(direct.train_error, abs=1e-12)
    # Dependent rows (two equal training inputs) fall back to the pseudo-inverse.
    design = np.array([[[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]])
    np.testing.assert_allclose(
        dd._min_norm(design, np.array([[1.0, 1.0]])), regression.least_squares(design, [[1.0, 1.0]])
    )


def test_minimum_norm_random_features_interpolate_beyond_the_threshold():
    rng = np.random.default_rng(11)
    e = bv.make_experiment(10, rng, n_sets=20, n_test=20)
    w, b = regression.random_features(40, rng, scale=25.0, n_sets=20)
    below, at, beyond = dd.feature_sweep(e, [5, 10, 40], w, b)
    assert below.train_error > 1e-3
    assert at.train_error < 1e-12 and beyond.train_error < 1e-12
    assert at.coef_norm > beyond.coef_norm


def test_measure_and_experiment_reject_bad_input():
    with pytest.raises(ValueError, match="n_sets must be >= 2"):
        bv.make_experiment(5, np.random.default_rng(0), n_sets=1)
    with pytest.raises(TypeError, match="experiment must be an Experiment"):
        bv.measure("data", regression.polynomial_fitter(1))
    e = bv.make_experiment(5, np.random.default_rng(0), n_sets=2)
    with pytest.raises(TypeError, match="fitter must be callable"):
        bv.measure(e, 3)
    with pytest.raises(ValueError, match="counts must be <= 4"):
        dd.feature_sweep(e, [5], np.ones(4), np.zeros(4))
    with pytest.raises(ValueError, match="degree must be >= 0"):
        regression.polynomial_fitter(-1)


def test_measure_is_the_monte_carlo_loop_batched():
    # The same training sets, fitted one by one (the chapter's loop) and all at once (a fitter).
    rng = np.random.default_rng(16)
    sets = [regression.sample_data(15, rng, noise=0.3) for _ in range(6)]
    x_train = np.array([x for x, _ in sets])
    y_train = np.array([y for _, y in sets])
    x_test = np.linspace(-1, 1, 9)
    loop = np.array([regression.predict_polynomial(regression.fit_polynomial(x, y, 4), x_test) for x, y in sets])
    _, batched, _ = regression.polynomial_fitter(4)(x_train, y_train, x_test)
    np.testing.assert_allclose(batched, loop, atol=1e-12)


def test_simulate_fits_draws_one_training_set_per_row():
    x_test = np.array([-0.5, 0.0, 0.5])
    predictions = bv.simulate_fits(1, 10, x_test, np.random.default_rng(17), n_sets=3, noise=0.3)
    rng = np.random.default_rng(17)
    for row in predictions:
        x, y = regression.sample_data(10, rng, noise=0.3)
        # A straight line by numpy's own polyfit, evaluated at the test inputs.
        np.testing.assert_allclose(row, np.polyval(np.polyfit(x, y, 1), x_test), atol=1e-12)
    # Without noise, a degree-12 fit reproduces sin(4x + 1) closely everywhere: no bias, no variance.
    exact = bv.simulate_fits(12, 40, np.linspace(-1, 1, 50), np.random.default_rng(18), n_sets=4, noise=0.0)
    bias2, variance = bv.bias_and_variance(exact, regression.target(np.linspace(-1, 1, 50)))
    assert abs(bias2) < 1e-8 and variance < 1e-8
