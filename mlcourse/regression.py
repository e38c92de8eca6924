"""Regression on one input: noisy samples of a known function, and least-squares fits to them.

The data live on the interval ``[-1, 1]``: inputs ``x`` are drawn uniformly there and targets
are ``y = f(x) + noise`` with Gaussian noise of standard deviation ``noise``. Because ``f`` is
known, every error can be split into its parts (see :mod:`mlcourse.bias_variance`).

Two families of models are fitted by least squares:

* **polynomials** of a given degree, written in the Legendre basis :math:`P_0, \\dots, P_d`
  (``numpy.polynomial.legendre``). On ``[-1, 1]`` these are nearly orthogonal, so the fit stays
  well conditioned where the raw powers ``1, x, x**2, ...`` would not;
* **random features** :math:`\\cos(w_j x + b_j)` with random frequencies and phases, the model
  of the double-descent experiment.

:func:`least_squares` solves many problems at once (one per training set, stacked along the
leading axes) with numpy's batched pseudo-inverse. With ``ridge = 0`` it returns the
minimum-norm solution, which is the ordinary least-squares fit when there are fewer parameters
than points and the smallest interpolating fit when there are more; ``ridge > 0`` adds a
penalty on the size of the coefficients.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlcourse.validation import as_float_array, as_int, as_number, as_rng

#: The input interval.
DOMAIN: tuple[float, float] = (-1.0, 1.0)
#: Highest polynomial degree accepted (chapter 6 goes to 15; beyond ~100 the work grows for nothing).
MAX_DEGREE = 100
#: Most points per training set accepted.
MAX_POINTS = 100_000


def target(x) -> np.ndarray:
    """The course's "true" function on ``[-1, 1]``: :math:`f(x) = \\sin(4x + 1)`.

    About one and a half waves: a line underfits it, a polynomial of degree 4 to 6 follows it.

    Parameters
    ----------
    x : array_like, any shape
        Inputs.

    Returns
    -------
    numpy.ndarray, same shape as ``x``
    """
    x = as_float_array(x, "x", allow_empty=True)
    return np.sin(4.0 * x + 1.0)


def sample(
    n: int,
    rng: np.random.Generator,
    *,
    noise: float = 0.3,
    n_sets: int | None = None,
    layout: str = "stratified",
    f: Callable[[np.ndarray], np.ndarray] = target,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw noisy samples ``y = f(x) + noise * z`` of the true function, ``z ~ N(0, 1)``.

    Parameters
    ----------
    n : int
        Number of points per training set, at least 1.
    rng : numpy.random.Generator
        Source of randomness, e.g. ``np.random.default_rng(0)``.
    noise : float
        Standard deviation of the noise (same units as y), at least 0.
    n_sets : int, optional
        If given, draw that many independent training sets at once.
    layout : {"stratified", "uniform"}
        How inputs are spread over ``[-1, 1]``. ``"uniform"``: independent uniform draws, which
        now and then leave a wide gap. ``"stratified"`` (default): the interval is cut into n
        equal bins and each bin gets one uniform point, so the points are random but evenly
        spread; the order of the points is shuffled either way.
    f : callable
        The true function (vectorised); defaults to :func:`target`.

    Returns
    -------
    x, y : numpy.ndarray
        Shape ``(n,)``, or ``(n_sets, n)`` when ``n_sets`` is given.
    """
    n = as_int(n, "n", low=1)
    rng = as_rng(rng)
    noise = as_number(noise, "noise", low=0.0)
    shape = (n,) if n_sets is None else (as_int(n_sets, "n_sets", low=1), n)
    low, high = DOMAIN
    if layout == "uniform":
        x = rng.uniform(low, high, size=shape)
    elif layout == "stratified":
        x = low + (np.arange(n) + rng.uniform(size=shape)) * (high - low) / n
        x = rng.permuted(x, axis=-1)
    else:
        raise ValueError(f"layout must be 'stratified' or 'uniform', got {layout!r}")
    y = f(x) + noise * rng.standard_normal(shape)
    return x, y


# --------------------------------------------------------------------------- design matrices


def legendre_design(x, degree: int) -> np.ndarray:
    """Legendre features :math:`P_0(x), \\dots, P_d(x)` of each input (a Vandermonde-like matrix).

    Parameters
    ----------
    x : array_like, shape (..., n)
        Inputs in ``[-1, 1]``.
    degree : int
        Polynomial degree d, at least 0.

    Returns
    -------
    numpy.ndarray, shape (..., n, degree + 1)
    """
    x = as_float_array(x, "x")
    degree = as_int(degree, "degree", low=0)
    if np.any(np.abs(x) > 1.0 + 1e-12):
        raise ValueError("x must lie in [-1, 1] (scale the inputs first); the Legendre basis is built for it")
    return np.polynomial.legendre.legvander(x, degree)


def random_features(
    n_features: int, rng: np.random.Generator, *, scale: float = 10.0, n_sets: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Draw frequencies ``w ~ N(0, scale**2)`` and phases ``b ~ Uniform(0, 2π)`` for cosine features.

    Parameters
    ----------
    n_features : int
        How many features, at least 1.
    rng : numpy.random.Generator
        Source of randomness.
    scale : float
        Standard deviation of the frequencies (radians per unit of x), > 0: larger means wigglier
        features.
    n_sets : int, optional
        If given, draw an independent set of features for each of that many training sets.

    Returns
    -------
    w, b : numpy.ndarray
        Shape ``(n_features,)``, or ``(n_sets, n_features)`` when ``n_sets`` is given.
    """
    n_features = as_int(n_features, "n_features", low=1)
    rng = as_rng(rng)
    scale = as_number(scale, "scale", low=0.0)
    if scale == 0.0:
        raise ValueError("scale must be > 0")
    shape = (n_features,) if n_sets is None else (as_int(n_sets, "n_sets", low=1), n_features)
    w = scale * rng.standard_normal(shape)
    b = rng.uniform(0.0, 2 * np.pi, shape)
    return w, b


def random_feature_design(x, w, b) -> np.ndarray:
    """Cosine features :math:`\\sqrt{2/p}\\,\\cos(w_j x + b_j)` of each input.

    Parameters
    ----------
    x : array_like, shape (n,) or (m, n)
        Inputs: shared by all feature sets, or one row per training set.
    w, b : array_like, shape (p,) or (m, p)
        Frequencies and phases from :func:`random_features`: one set, or one per training set.

    Returns
    -------
    numpy.ndarray, shape (n, p) or (m, n, p)
    """
    x = as_float_array(x, "x")
    w = as_float_array(w, "w")
    b = as_float_array(b, "b")
    if w.shape != b.shape or w.ndim not in (1, 2):
        raise ValueError(f"w and b must have the same shape, (p,) or (m, p); got {w.shape} and {b.shape}")
    if x.ndim not in (1, 2):
        raise ValueError(f"x must have shape (n,) or (m, n), got {x.shape}")
    if w.ndim == 2 and x.ndim == 2 and x.shape[0] != w.shape[0]:
        raise ValueError(f"x has {x.shape[0]} training sets but w has {w.shape[0]} feature sets")
    return np.sqrt(2.0 / w.shape[-1]) * np.cos(x[..., None] * w[..., None, :] + b[..., None, :])


# --------------------------------------------------------------------------- fitting


def least_squares(design, y, *, ridge: float = 0.0) -> np.ndarray:
    """(Ridge) least squares: the coefficients minimising ``mean((design @ c - y)**2) + ridge * |c|**2``.

    Built on :func:`numpy.linalg.pinv`, which solves a whole stack of problems at once (one per
    training set, along the leading axes). With ``ridge = 0`` this is the minimum-norm
    least-squares solution: the ordinary fit when ``p <= n`` and full rank, the smallest-norm
    interpolating fit when ``p > n``. Singular values below ``max(n, p) * eps * s_max`` count as
    zero, so a rank-deficient design gives the pseudo-inverse solution without any warning.

    With ``ridge > 0`` the penalty is written as ``p`` extra data points: ridge regression on
    ``(design, y)`` is ordinary least squares on ``design`` stacked over ``sqrt(n * ridge) * I``
    and ``y`` stacked over ``p`` zeros (the factor n because the loss is a mean over n points).

    Parameters
    ----------
    design : array_like, shape (..., n, p)
        Features of the n training points (one stacked problem per leading index).
    y : array_like, shape (..., n)
        Targets; leading axes broadcast against ``design``'s.
    ridge : float
        Penalty strength, at least 0 (per point: it does not grow with n).

    Returns
    -------
    numpy.ndarray, shape (..., p)
        Coefficients.
    """
    design = as_float_array(design, "design")
    if design.ndim < 2:
        raise ValueError(f"design must have at least 2 dimensions (..., n, p), got shape {design.shape}")
    y = as_float_array(y, "y")
    if y.shape[-1] != design.shape[-2]:
        raise ValueError(f"y has {y.shape[-1]} targets per problem but design has {design.shape[-2]} rows")
    ridge = as_number(ridge, "ridge", low=0.0)
    n, p = design.shape[-2:]
    if ridge > 0.0:
        penalty = np.broadcast_to(np.sqrt(n * ridge) * np.eye(p), (*design.shape[:-2], p, p))
        design = np.concatenate([design, penalty], axis=-2)
        y = np.concatenate([y, np.zeros((*y.shape[:-1], p))], axis=-1)
    rcond = max(design.shape[-2:]) * np.finfo(float).eps
    return (np.linalg.pinv(design, rcond=rcond) @ y[..., None])[..., 0]


def evaluate(design, coefs) -> np.ndarray:
    """Predictions ``design @ coefs`` for stacked problems.

    Parameters
    ----------
    design : array_like, shape (..., m, p)
        Features of the points to predict (leading axes broadcast against ``coefs``').
    coefs : array_like, shape (..., p)
        Coefficients from :func:`least_squares`.

    Returns
    -------
    numpy.ndarray, shape (..., m)
    """
    design = as_float_array(design, "design")
    coefs = as_float_array(coefs, "coefs")
    if design.shape[-1] != coefs.shape[-1]:
        raise ValueError(f"design has {design.shape[-1]} features but coefs has {coefs.shape[-1]}")
    return (design @ coefs[..., None])[..., 0]


def fit_polynomial(x, y, degree: int, *, ridge: float = 0.0) -> np.ndarray:
    """Least-squares polynomial fit in the Legendre basis (see :func:`least_squares`).

    Parameters
    ----------
    x, y : array_like, shape (..., n)
        Training inputs in ``[-1, 1]`` and targets; leading axes index independent training sets.
    degree : int
        Polynomial degree, at least 0.
    ridge : float
        Ridge penalty, at least 0.

    Returns
    -------
    numpy.ndarray, shape (..., degree + 1)
        Legendre coefficients, lowest degree first (use :func:`predict_polynomial`).
    """
    return least_squares(legendre_design(x, degree), y, ridge=ridge)


def predict_polynomial(coefs, x) -> np.ndarray:
    """Evaluate Legendre coefficients at ``x``.

    Parameters
    ----------
    coefs : array_like, shape (..., degree + 1)
        From :func:`fit_polynomial`.
    x : array_like, shape (m,) or (..., m)
        Inputs in ``[-1, 1]``; a 1-D ``x`` is shared by every set of coefficients.

    Returns
    -------
    numpy.ndarray, shape (..., m)
    """
    coefs = as_float_array(coefs, "coefs")
    return evaluate(legendre_design(x, coefs.shape[-1] - 1), coefs)
