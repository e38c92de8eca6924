import numpy as np

from mlcourse import regression
from mlcourse.exercises import chapter6 as ex
from mlcourse.losses import mse
from mlcourse.model_selection import cross_validation_error


def test_check_constant_variance():
    assert ex.check_constant_variance(0.01, n=25, sigma=0.5).ok
    assert "standard error" in ex.check_constant_variance(0.1, n=25, sigma=0.5).message
    assert "divides it by n" in ex.check_constant_variance(0.25, n=25, sigma=0.5).message
    assert "square σ" in ex.check_constant_variance(0.02, n=25, sigma=0.5).message
    assert not ex.check_constant_variance("0.01").ok


def test_check_decompose():
    def good(p, f):
        m = p.mean(axis=0)
        return np.mean((m - f) ** 2), np.mean(p.var(axis=0, ddof=1))

    assert ex.check_decompose(good).ok
    swapped_axis = ex.check_decompose(lambda p, f: (np.mean((p.mean(0) - f) ** 2), np.mean(p.var(axis=1))))
    assert "axis 0" in swapped_axis.message
    unsquared = ex.check_decompose(lambda p, f: (np.mean(p.mean(0) - f) ** 2, np.mean(p.var(0))))
    assert "square the bias at each test point" in unsquared.message
    std = ex.check_decompose(lambda p, f: (np.mean((p.mean(0) - f) ** 2), np.mean(p.std(0))))
    assert "standard deviation" in std.message
    assert "return two numbers (bias2, variance); got float" in ex.check_decompose(lambda p, f: 1.0).message
    assert not ex.check_decompose(3).ok


def test_check_cv_wants_the_mean_of_the_fold_errors():
    def good(x, y, degree, k):
        errors = []
        for fold in np.array_split(np.arange(len(x)), k):
            rest = np.setdiff1d(np.arange(len(x)), fold)
            coefs = np.polynomial.legendre.legfit(x[rest], y[rest], degree)  # an independent fit
            errors.append(np.mean((np.polynomial.legendre.legval(x[fold], coefs) - y[fold]) ** 2))
        return sum(errors) / k

    assert ex.check_cv(good).ok

    def summed(x, y, degree, k):
        return k * good(x, y, degree, k)

    assert "sum of the fold errors" in ex.check_cv(summed).message

    def pooled(x, y, degree, k):
        return cross_validation_error(x, y, degree, k)

    assert "pooled" in ex.check_cv(pooled).message

    def in_sample(x, y, degree, k):
        return mse(regression.predict_polynomial(regression.fit_polynomial(x, y, degree), x), y)

    assert "training error" in ex.check_cv(in_sample).message


def test_decompose_checker_names_the_correction():
    def corrected(p, f):
        var = np.mean(p.var(axis=0, ddof=1))
        return np.mean((p.mean(0) - f) ** 2) - var / len(p), var

    assert "leave out the '- variance / m' correction" in ex.check_decompose(corrected).message
