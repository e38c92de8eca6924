"""Regression on one input: noisy samples of a known function, and least-squares fits to them.

Inputs ``x`` lie in ``[-1, 1]``; targets are ``y = f(x) + noise`` with Gaussian noise. Because
``f`` is known, every error can be split into its parts (see :mod:`mlcourse.bias_variance`).
Two families of models are fitted by least squares: **polynomials** in the Legendre basis
:math:`P_0, \\dots, P_d` (nearly orthogonal on ``[-1, 1]``, so the fit stays well conditioned
where raw powers would not), and **random features** :math:`\\cos(w_j x + b_j)`, the model of
the double-descent experiment.

:func:`least_squares` solves a stack of problems at once (one per training set) with numpy's
batched pseudo-inverse: the minimum-norm solution when ``ridge = 0``, a penalty on the size of
the coefficients when ``ridge > 0``. A *fitter* (:func:`polynomial_fitter`,
:func:`least_squares_fitter`) packages one model so that chapter 6's experiments can fit every
training set of a simulation at once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlcourse.validation import as_bool, as_float_array, as_int, as_number, as_rng, check_same_shape

#: The input interval.
DOMAIN: tuple[float, float] = (-1.0, 1.0)
#: Highest polynomial degree accepted (chapter 6 goes to 15; beyond ~100 the work grows for nothing).
MAX_DEGREE = 100
#: Most points per training set accepted.
MAX_POINTS = 100_000
#: Most numbers one array of samples or features may hold (80 MB of float64).
MAX_ENTRIES = 10_000_000
#: Most random features accepted.
MAX_FEATURES = 10_000
#: Largest noise standard deviation and ridge penalty accepted: beyond them squares overflow
#: or the fit is zero to machine precision, and nothing in the course needs them.
MAX_NOISE = 1e6
MAX_RIDGE = 1e10


def check_size(entries: int, what: str) -> None:
    """Refuse work that would build an array of more than :data:`MAX_ENTRIES` numbers."""
    if as_int(entries, "entries", low=0) > MAX_ENTRIES:
        raise ValueError(f"{what} must be <= {MAX_ENTRIES:,} numbers, got {entries:,}; use fewer or smaller sets")


def target(x) -> np.ndarray:
    """The course's "true" function on ``[-1, 1]``: :math:`f(x) = \\sin(4x + 1)`.

    About one and a half waves: a line underfits it, a polynomial of degree 4 to 6 follows it.

    ``x`` : array_like of any shape; returns an array of the same shape.
    """
    x = as_float_array(x, "x", allow_empty=True)
    return np.sin(4.0 * x + 1.0)


def sample_data(
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
    n, rng : int, numpy.random.Generator
        Points per training set (at least 1), and the source of randomness.
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
    n = as_int(n, "n", low=1, high=MAX_POINTS)
    rng = as_rng(rng)
    noise = as_number(noise, "noise", low=0.0, high=MAX_NOISE)
    shape = (n,) if n_sets is None else (as_int(n_sets, "n_sets", low=1), n)
    check_size(int(np.prod(shape)), "n_sets * n")
    if not callable(f):
        raise TypeError(f"f must be a function of x, got {type(f).__name__}")
    low, high = DOMAIN
    if layout == "uniform":
        x = rng.uniform(low, high, size=shape)
    elif layout == "stratified":
        x = low + (np.arange(n) + rng.uniform(size=shape)) * (high - low) / n
        x = rng.permuted(x, axis=-1)
    else:
        raise ValueError(f"layout must be 'stratified' or 'uniform', got {layout!r}")
    f_x = as_float_array(f(x), "f(x)")
    if f_x.shape != shape:
        raise ValueError(f"f must return one value per input, shape {shape}; got shape {f_x.shape}")
    y = f_x + noise * rng.standard_normal(shape)
    return x, y


# --------------------------------------------------------------------------- design matrices


def legendre_design(x, degree: int) -> np.ndarray:
    """Legendre features :math:`P_0(x), \\dots, P_d(x)` of each input (a Vandermonde-like matrix).

    Parameters
    ----------
    x, degree : array_like, shape (..., n), and int
        Inputs in ``[-1, 1]``, and the polynomial degree d, at least 0.

    Returns
    -------
    numpy.ndarray, shape (..., n, degree + 1)
    """
    x = as_float_array(x, "x", min_ndim=1)
    degree = as_int(degree, "degree", low=0, high=MAX_DEGREE)
    check_size(x.size * (degree + 1), "the design (len(x) * (degree + 1))")
    if np.any(np.abs(x) > 1.0 + 1e-12):
        raise ValueError("x must lie in [-1, 1] (scale the inputs first); the Legendre basis is built for it")
    return np.polynomial.legendre.legvander(x, degree)


def random_features(
    n_features: int, rng: np.random.Generator, *, scale: float = 10.0, n_sets: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Draw frequencies ``w ~ N(0, scale**2)`` and phases ``b ~ Uniform(0, 2π)`` for cosine features.

    Parameters
    ----------
    n_features, rng : int, numpy.random.Generator
        How many features (at least 1), and the source of randomness.
    scale : float
        Standard deviation of the frequencies (radians per unit of x), > 0: larger is wigglier.
    n_sets : int, optional
        If given, draw an independent set of features for each of that many training sets.

    Returns
    -------
    w, b : numpy.ndarray
        Shape ``(n_features,)``, or ``(n_sets, n_features)`` when ``n_sets`` is given.
    """
    n_features = as_int(n_features, "n_features", low=1, high=MAX_FEATURES)
    rng = as_rng(rng)
    scale = as_number(scale, "scale", low=0.0, high=1e6)
    if scale == 0.0:
        raise ValueError("scale must be > 0")
    shape = (n_features,) if n_sets is None else (as_int(n_sets, "n_sets", low=1), n_features)
    check_size(int(np.prod(shape)), "n_sets * n_features")
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
    stacks = np.broadcast_shapes(x.shape[:-1], w.shape[:-1])
    check_size(int(np.prod(stacks)) * x.shape[-1] * w.shape[-1], "the design (sets * points * features)")
    return np.sqrt(2.0 / w.shape[-1]) * np.cos(x[..., None] * w[..., None, :] + b[..., None, :])


# --------------------------------------------------------------------------- fitting


def least_squares(design, y, *, ridge: float = 0.0, intercept: bool = False) -> np.ndarray:
    """(Ridge) least squares: the coefficients minimising ``mean((design @ c - y)**2) + ridge * |c|**2``.

    Built on :func:`numpy.linalg.pinv`, which solves a whole stack of problems at once (one per
    training set, along the leading axes). With ``ridge = 0`` this is the minimum-norm
    least-squares solution: the ordinary fit when ``p <= n`` and full rank, the smallest-norm
    interpolating fit when ``p > n``. Singular values below ``max(n, p) * eps * s_max`` count as
    zero, so a rank-deficient design gives the pseudo-inverse solution without any warning.

    With ``ridge > 0`` the penalty is written as ``p`` extra data points: ridge regression on
    ``(design, y)`` is ordinary least squares on ``design`` stacked over ``sqrt(n * ridge) * I``
    and ``y`` stacked over ``p`` zeros (the factor n because the loss is a mean over n points).
    When ``p > n`` the same solution comes cheaper from the n x n system of the dual form,
    ``c = design^T (design design^T + n * ridge * I)^+ y``.

    Parameters
    ----------
    design : array_like, shape (..., n, p)
        Features of the n training points (one stacked problem per leading index).
    y : array_like, shape (..., n)
        Targets; leading axes broadcast against ``design``'s.
    ridge : float
        Penalty strength, at least 0 (per point: it does not grow with n).
    intercept : bool
        If True, the first column of ``design`` is a constant (the intercept) and is not
        penalised (ESL section 3.4.1): shifting every target by a constant then shifts the fit by
        that constant, whatever ``ridge``. Solved by centring the other columns and ``y``.

    Returns
    -------
    numpy.ndarray, shape (..., p)
        Coefficients.
    """
    design = as_float_array(design, "design")
    if design.ndim < 2:
        raise ValueError(f"design must have at least 2 dimensions (..., n, p), got shape {design.shape}")
    y = as_float_array(y, "y")
    if y.ndim < 1 or y.shape[-1] != design.shape[-2]:
        raise ValueError(
            f"y must have {design.shape[-2]} targets per problem (the rows of design), got shape {y.shape}"
        )
    _check_stacks(design.shape[:-2], y.shape[:-1], ("design", "y"))
    ridge = as_number(ridge, "ridge", low=0.0, high=MAX_RIDGE)
    if as_bool(intercept, "intercept") and ridge > 0.0:
        return _ridge_with_free_intercept(design, y, ridge)
    n, p = design.shape[-2:]
    with np.errstate(all="ignore"):  # subnormal or huge inputs: reported below, by name
        if ridge > 0.0 and p > n:
            # More features than points: the same fit is c = design^T a with
            # (design design^T + n ridge I) a = y, an n x n problem instead of a (n + p) x p one.
            design_t = np.swapaxes(design, -1, -2)
            gram = design @ design_t + n * ridge * np.eye(n)
            coefs = (design_t @ (np.linalg.pinv(gram, hermitian=True) @ y[..., None]))[..., 0]
        else:
            if ridge > 0.0:
                penalty = np.broadcast_to(np.sqrt(n * ridge) * np.eye(p), (*design.shape[:-2], p, p))
                design = np.concatenate([design, penalty], axis=-2)
                y = np.concatenate([y, np.zeros((*y.shape[:-1], p))], axis=-1)
            rcond = max(design.shape[-2:]) * np.finfo(float).eps
            coefs = (np.linalg.pinv(design, rcond=rcond) @ y[..., None])[..., 0]
    if not np.all(np.isfinite(coefs)):
        raise ValueError("the least-squares solution overflowed: rescale design and y to moderate magnitudes")
    return coefs


def _ridge_with_free_intercept(design: np.ndarray, y: np.ndarray, ridge: float) -> np.ndarray:
    """Ridge that leaves the constant first column unpenalised: fit the centred rest, then the mean."""
    column = design[..., :, :1]
    if np.any(column != column[..., :1, :]) or np.any(column == 0.0):
        raise ValueError("with intercept=True the first column of design must be a nonzero constant")
    x_mean, y_mean = design[..., :, 1:].mean(axis=-2), y.mean(axis=-1)
    if design.shape[-1] == 1:
        rest = np.zeros((*np.broadcast_shapes(x_mean.shape[:-1], y_mean.shape), 0))
    else:
        rest = least_squares(design[..., :, 1:] - x_mean[..., None, :], y - y_mean[..., None], ridge=ridge)
    const = (y_mean - np.sum(x_mean * rest, axis=-1)) / column[..., 0, 0]
    return np.concatenate([const[..., None], rest], axis=-1)


def _check_stacks(a: tuple[int, ...], b: tuple[int, ...], names: tuple[str, str]) -> None:
    """The leading (stacking) axes of two arguments must broadcast: equal, or 1, or missing."""
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        raise ValueError(
            f"{names[0]} and {names[1]} stack different numbers of problems: leading axes {a} and {b}"
        ) from None


def evaluate(design, coefs) -> np.ndarray:
    """Predictions ``design @ coefs`` for stacked problems.

    Parameters
    ----------
    design, coefs : array_like, shapes (..., m, p) and (..., p)
        Features of the points to predict, and coefficients (leading axes broadcast).

    Returns
    -------
    numpy.ndarray, shape (..., m)
    """
    design = as_float_array(design, "design")
    coefs = as_float_array(coefs, "coefs")
    if design.ndim < 2:
        raise ValueError(f"design must have at least 2 dimensions (..., m, p), got shape {design.shape}")
    if coefs.ndim < 1 or design.shape[-1] != coefs.shape[-1]:
        raise ValueError(
            f"coefs must have {design.shape[-1]} values per problem (the columns of design), got shape {coefs.shape}"
        )
    _check_stacks(design.shape[:-2], coefs.shape[:-1], ("design", "coefs"))
    predictions = (design @ coefs[..., None])[..., 0]
    if not np.all(np.isfinite(predictions)):
        raise ValueError("the predictions overflowed: rescale design and coefs to moderate magnitudes")
    return predictions


def fit_polynomial(x, y, degree: int, *, ridge: float = 0.0) -> np.ndarray:
    """Least-squares polynomial fit in the Legendre basis (see :func:`least_squares`).

    Parameters
    ----------
    x, y : array_like, shape (..., n)
        Training inputs in ``[-1, 1]`` and targets; leading axes index independent training sets.
    degree : int
        Polynomial degree, at least 0.
    ridge : float
        Ridge penalty, at least 0; it leaves the constant term :math:`P_0 = 1` free.

    Returns
    -------
    numpy.ndarray, shape (..., degree + 1)
        Legendre coefficients, lowest degree first (use :func:`predict_polynomial`).
    """
    x = as_float_array(x, "x")
    y = as_float_array(y, "y")
    if x.ndim < 1:
        raise ValueError("x must be an array of training inputs, shape (..., n), got a single number")
    check_same_shape(x, y, ("x", "y"))
    return least_squares(legendre_design(x, degree), y, ridge=ridge, intercept=True)


def predict_polynomial(coefs, x) -> np.ndarray:
    """Evaluate Legendre coefficients at ``x``.

    Parameters
    ----------
    coefs, x : array_like, shapes (..., degree + 1) and (m,) or (..., m)
        Coefficients from :func:`fit_polynomial`; inputs in ``[-1, 1]`` (a 1-D ``x`` is shared).

    Returns
    -------
    numpy.ndarray, shape (..., m)
    """
    coefs = as_float_array(coefs, "coefs")
    if coefs.ndim < 1 or coefs.shape[-1] > MAX_DEGREE + 1:
        raise ValueError(f"coefs must hold 1 to {MAX_DEGREE + 1} coefficients per fit, got shape {coefs.shape}")
    return evaluate(legendre_design(x, coefs.shape[-1] - 1), coefs)


# --------------------------------------------------------------------------- fitters

#: A fitter: ``fitter(x_train (m, n), y_train (m, n), x_test (T,))`` fits each of the m training
#: sets and returns ``(predictions at x_train (m, n), predictions at x_test (m, T), coefs (m, p))``.
Fitter = Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


def least_squares_fitter(
    features: Callable[[np.ndarray], np.ndarray], *, ridge: float = 0.0, intercept: bool = False
) -> Fitter:
    """A fitter for (ridge) least squares on the features ``features(x) -> design (..., n, p)``.

    Parameters
    ----------
    features : callable
        Maps inputs of shape (..., n) to their design matrix (..., n, p).
    ridge, intercept : float, bool
        Penalty strength, at least 0, and whether the first feature is an unpenalised constant
        (see :func:`least_squares`).

    Returns
    -------
    Fitter
    """
    if not callable(features):
        raise TypeError(f"features must be callable, got {type(features).__name__}")
    ridge = as_number(ridge, "ridge", low=0.0)
    intercept = as_bool(intercept, "intercept")

    def fit(x_train, y_train, x_test):
        design = features(x_train)
        coefs = least_squares(design, y_train, ridge=ridge, intercept=intercept)
        return evaluate(design, coefs), evaluate(features(x_test), coefs), coefs

    return fit


def polynomial_fitter(degree: int, *, ridge: float = 0.0) -> Fitter:
    """A fitter for polynomials of ``degree`` (Legendre basis, optional ridge penalty).

    Parameters
    ----------
    degree : int
        Between 0 and :data:`MAX_DEGREE`.
    ridge : float
        Penalty strength, at least 0 (the constant term is not penalised).
    """
    degree = as_int(degree, "degree", low=0, high=MAX_DEGREE)
    return least_squares_fitter(lambda x: legendre_design(x, degree), ridge=ridge, intercept=True)
