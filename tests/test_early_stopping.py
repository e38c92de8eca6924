"""Gradient descent on least squares: early stopping and weight decay (chapter 6)."""

import numpy as np
import pytest

from mlcourse import early_stopping as es
from tests.page import page_functions


def problem(seed: int, shape=(), n: int = 12, p: int = 4):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (*shape, n))
    return np.polynomial.legendre.legvander(x, p - 1), rng.standard_normal((*shape, n))


def test_the_first_step_moves_along_the_negative_gradient_at_zero():
    design, y = problem(0)
    path = es.gradient_descent(design, y, lr=0.1, steps=1)
    # At c = 0 the gradient of mean((X c - y)**2) is -2/n X^T y, and the decay term is 0.
    np.testing.assert_allclose(path[0], 0.1 * 2 / 12 * design.T @ y, atol=1e-14)


def test_run_to_convergence_it_gives_least_squares_and_with_weight_decay_the_ridge_fit():
    design, y = problem(1, shape=(3,))
    lr = 1 / es.max_curvature(design, 0.05)
    plain = es.gradient_descent(design, y, lr, 4000)[-1]
    decayed = es.gradient_descent(design, y, lr, 4000, weight_decay=0.05)[-1]
    penalty = np.diag([0.0, 1.0, 1.0, 1.0])  # the intercept is not decayed
    for i in range(3):
        np.testing.assert_allclose(plain[i], np.linalg.lstsq(design[i], y[i], rcond=None)[0], atol=1e-8)
        ridge = np.linalg.solve(design[i].T @ design[i] + 12 * 0.05 * penalty, design[i].T @ y[i])
        np.testing.assert_allclose(decayed[i], ridge, atol=1e-8)


def test_early_steps_have_smaller_coefficients_than_the_least_squares_fit():
    design, y = problem(2, n=10, p=8)
    path = es.gradient_descent(design, y, 1 / es.max_curvature(design), 3000)
    norms = np.linalg.norm(path, axis=-1)
    assert norms[9] < norms[-1] and norms[99] < norms[-1]


def test_max_curvature_is_the_top_eigenvalue_and_a_step_past_two_over_it_diverges():
    design, y = problem(3)
    top = np.linalg.eigvalsh(2 / 12 * design.T @ design)[-1]
    assert es.max_curvature(design) == pytest.approx(top)
    assert es.max_curvature(design, 0.5) == pytest.approx(top + 1.0)
    with pytest.raises(ValueError, match="diverged"):
        es.gradient_descent(design, y, lr=2.5 / top, steps=5000)


def test_bad_arguments_are_named():
    design, y = problem(4)
    with pytest.raises(ValueError, match="lr must be > 0"):
        es.gradient_descent(design, y, lr=0.0, steps=3)
    with pytest.raises(ValueError, match="steps"):
        es.gradient_descent(design, y, lr=0.1, steps=0)
    with pytest.raises(ValueError, match="weight_decay"):
        es.gradient_descent(design, y, lr=0.1, steps=3, weight_decay=-1.0)
    with pytest.raises(ValueError, match=r"shape \(\.\.\., n, p\)"):
        es.gradient_descent(design, y[:5], lr=0.1, steps=3)
    with pytest.raises(ValueError, match="design"):
        es.max_curvature(np.ones(3))


def test_the_page_gradient_descent_agrees_with_the_package():
    page = page_functions("06_bias_variance.ipynb", "gradient_descent")
    for seed, shape in ((5, ()), (6, (4,)), (7, (2, 3))):
        design, y = problem(seed, shape=shape)
        for decay in (0.0, 0.1):
            lr = 1 / es.max_curvature(design, decay)
            np.testing.assert_allclose(
                page["gradient_descent"](design, y, lr, 50, decay),
                es.gradient_descent(design, y, lr, 50, decay),
                rtol=0,
                atol=1e-13,
            )
            np.testing.assert_allclose(
                page["gradient_descent"](design, y, lr, 50, decay, np.array([1, 2, 7, 50])),
                es.gradient_descent(design, y, lr, 50, decay, keep=[1, 2, 7, 50]),
                rtol=0,
                atol=1e-13,
            )


def test_gradient_descent_keeps_the_requested_steps_only():
    design, y = problem(8, shape=(3,))
    lr = 1 / es.max_curvature(design)
    every = es.gradient_descent(design, y, lr, 40)
    kept = es.gradient_descent(design, y, lr, 40, keep=[1, 5, 40])
    assert every.shape == (40, 3, design.shape[-1]) and kept.shape == (3, 3, design.shape[-1])
    np.testing.assert_array_equal(kept, every[[0, 4, 39]])
    np.testing.assert_array_equal(es.gradient_descent(design, y, lr, 40, keep=[3, 7]), every[[2, 6]])
    with pytest.raises(ValueError, match="keep must hold increasing step counts"):
        es.gradient_descent(design, y, lr, 40, keep=[5, 5])
    with pytest.raises(ValueError, match=r"keep\[0\] must be >= 1"):
        es.gradient_descent(design, y, lr, 40, keep=[0, 3])
    with pytest.raises(ValueError, match=r"keep\[1\] must be <= 40"):
        es.gradient_descent(design, y, lr, 40, keep=[3, 41])
