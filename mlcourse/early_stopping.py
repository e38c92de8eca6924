"""Regularisation by the optimiser: gradient descent stopped early, and weight decay.

Least squares can be solved in one step (:func:`mlcourse.regression.least_squares`), but
networks are trained by gradient descent, and *how long* we train is itself a complexity knob.
Started from zero coefficients, gradient descent first fits the directions of the design that
the data determine well and only later the poorly determined ones that mostly carry noise, so
stopping early acts like a penalty on large coefficients (Goodfellow, Bengio and Courville,
*Deep Learning*, 2016, section 7.8). Adding ``weight_decay * |c|**2`` to the loss shrinks every
step a little; run to convergence it gives exactly the ridge fit with ``ridge = weight_decay``.
"""

from __future__ import annotations

import numpy as np

from mlcourse.validation import as_finite_result, as_float_array, as_int, as_int_tuple, as_number


def gradient_descent(design, y, lr: float, steps: int, weight_decay: float = 0.0, *, keep=None) -> np.ndarray:
    """Gradient descent on ``mean((design @ c - y)**2) + weight_decay * |c[1:]|**2``, from ``c = 0``.

    Defined in chapter 6. The first coefficient is the intercept (the design's constant column)
    and is not decayed, as in :func:`mlcourse.regression.least_squares` with ``intercept=True``.

    Parameters
    ----------
    design : array_like, shape (..., n, p)
        Features of the n training points (one stacked problem per leading index).
    y : array_like, shape (..., n)
        Targets.
    lr : float
        Step size, > 0. Steps converge when ``lr < 1 / L``, with ``L`` the largest eigenvalue of
        ``2 / n * design.T @ design`` plus ``2 * weight_decay``.
    steps : int
        Number of steps, at least 1.
    weight_decay : float
        Penalty strength, at least 0.
    keep : sequence of int, optional
        Increasing step counts, from 1 to ``steps``, after which to keep the coefficients; by
        default every step is kept (the others are not stored).

    Returns
    -------
    numpy.ndarray, shape (steps, ..., p), or (len(keep), ..., p)
        The coefficients after each kept step (by default row t holds them after t + 1 steps).
    """
    design = as_float_array(design, "design")
    y = as_float_array(y, "y")
    if design.ndim < 2 or y.shape[-1:] != design.shape[-2:-1]:
        raise ValueError(f"design must have shape (..., n, p) and y (..., n); got {design.shape} and {y.shape}")
    lr = as_number(lr, "lr", low=0.0)
    if lr == 0.0:
        raise ValueError("lr must be > 0")
    steps = as_int(steps, "steps", low=1, high=1_000_000)
    if keep is None:
        keep = range(1, steps + 1)
    else:
        keep = as_int_tuple(keep, "keep", low=1, high=steps)
        if np.any(np.diff(keep) <= 0):
            raise ValueError(f"keep must hold increasing step counts, got {list(keep)!r:.80}")
    weight_decay = as_number(weight_decay, "weight_decay", low=0.0)
    n = design.shape[-2]
    design_t = np.swapaxes(design, -1, -2)
    decayed = np.arange(design.shape[-1]) > 0  # the intercept is not decayed
    c = np.zeros(np.broadcast_shapes(design.shape[:-2], y.shape[:-1]) + design.shape[-1:])
    path = np.empty((len(keep), *c.shape))
    with np.errstate(over="ignore", invalid="ignore"):  # a too-large lr diverges: reported below
        # The gradient 2/n X^T (X c - y) is hessian @ c - pull: a (p, p) product per step, whatever n.
        hessian, pull = 2 / n * design_t @ design, 2 / n * design_t @ y[..., None]
        row = 0
        for t in range(1, steps + 1):
            gradient = (hessian @ c[..., None] - pull)[..., 0]
            c = c - lr * (gradient + 2 * weight_decay * decayed * c)
            if row < len(keep) and t == keep[row]:
                path[row] = c
                row += 1
    if not np.all(np.isfinite(path)):
        raise ValueError(
            "gradient descent diverged: lower lr below 1 / L, which grows with design and weight_decay (see docstring)"
        )
    return path


def max_curvature(design, weight_decay: float = 0.0) -> float:
    """The largest eigenvalue ``L`` of the loss's curvature (Hessian): steps converge for ``lr < 2 / L``.

    ``L`` is the largest eigenvalue of ``2 / n * design.T @ design`` (over every stacked
    problem) plus ``2 * weight_decay``; ``lr = 1 / L`` is a safe, fast choice.

    Parameters
    ----------
    design : array_like, shape (..., n, p)
    weight_decay : float
        At least 0.

    Returns
    -------
    float
    """
    design = as_float_array(design, "design")
    if design.ndim < 2:
        raise ValueError(f"design must have shape (..., n, p), got {design.shape}")
    weight_decay = as_number(weight_decay, "weight_decay", low=0.0)
    n = design.shape[-2]
    with np.errstate(over="ignore", invalid="ignore"):
        curvature = 2 / n * np.swapaxes(design, -1, -2) @ design
        largest = float(np.linalg.eigvalsh(curvature).max() + 2 * weight_decay)
    return as_finite_result(largest, "the curvature of design")
