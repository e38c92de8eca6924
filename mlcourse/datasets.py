"""Small 2-D classification data sets, generated in code from an explicit random generator.

Every function takes ``rng``, a ``numpy.random.Generator`` made with
``np.random.default_rng(seed)``: the same seed gives the same points, on any machine.
Features are returned as a float64 array ``X`` of shape ``(n, 2)`` and labels as an int64
array ``y`` of shape ``(n,)`` with values ``0 .. n_classes - 1``; rows come shuffled.

- :func:`two_moons`: two interleaving half circles (2 classes), not linearly separable.
- :func:`spirals`: ``n_classes`` interleaved spiral arms, harder still.
- :func:`blobs`: Gaussian clusters, one per class, the easy case.
- :func:`rotate` and :func:`shift`: move a data set, e.g. to make a "shifted" task for fine-tuning.
- :func:`train_val_split`: hold out a validation set.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlcourse.validation import as_float_array, as_int, as_number, as_rng

#: Most classes a data set may have (the figures have one colour for each).
MAX_CLASSES = 6


def _sizes(n: int, k: int) -> list[int]:
    """Split ``n`` points over ``k`` classes as evenly as possible (the first classes get the extra)."""
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(y))
    return X[order], y[order].astype(np.int64)


def two_moons(n: int, rng: np.random.Generator, *, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles ("moons"), one per class.

    Class 0 lies on the upper unit half circle ``(cos t, sin t)``, class 1 on the lower one
    ``(1 - cos t, 0.5 - sin t)``, with ``t`` uniform in ``[0, π]``; then Gaussian noise of standard
    deviation ``noise`` is added to both coordinates.

    Parameters
    ----------
    n : int
        Number of points, at least 2 (split evenly between the classes).
    rng : numpy.random.Generator
        Source of randomness.
    noise : float, default 0.1
        Standard deviation of the added noise, in the features' units (0 to 2).

    Returns
    -------
    X : numpy.ndarray, shape (n, 2), float64
    y : numpy.ndarray, shape (n,), int64, values 0 or 1
    """
    n = as_int(n, "n", low=2)
    rng = as_rng(rng)
    noise = as_number(noise, "noise", low=0.0, high=2.0)
    n0, n1 = _sizes(n, 2)
    t0 = rng.uniform(0.0, np.pi, n0)
    t1 = rng.uniform(0.0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.repeat([0, 1], [n0, n1])
    return _shuffled(X, y, rng)


def spirals(
    n: int, rng: np.random.Generator, *, n_classes: int = 2, turns: float = 1.0, noise: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class.

    Arm ``k`` is the curve ``r (cos(θ + 2πk/K), sin(θ + 2πk/K))`` with radius ``r`` uniform in
    ``[0.1, 1]`` and angle ``θ = 2π · turns · r``, plus Gaussian noise of standard deviation
    ``noise`` on both coordinates.

    Parameters
    ----------
    n : int
        Number of points, at least ``n_classes``.
    rng : numpy.random.Generator
        Source of randomness.
    n_classes : int, default 2
        Number of arms (2 to 6).
    turns : float, default 1.0
        How many full turns each arm makes (0.25 to 3).
    noise : float, default 0.05
        Standard deviation of the added noise (0 to 1).

    Returns
    -------
    X : numpy.ndarray, shape (n, 2), float64, mostly inside the unit disc
    y : numpy.ndarray, shape (n,), int64, values ``0 .. n_classes - 1``
    """
    n_classes = as_int(n_classes, "n_classes", low=2, high=MAX_CLASSES)
    n = as_int(n, "n", low=n_classes)
    rng = as_rng(rng)
    turns = as_number(turns, "turns", low=0.25, high=3.0)
    noise = as_number(noise, "noise", low=0.0, high=1.0)
    parts, labels = [], []
    for k, size in enumerate(_sizes(n, n_classes)):
        r = rng.uniform(0.1, 1.0, size)
        angle = 2 * np.pi * turns * r + 2 * np.pi * k / n_classes
        parts.append(np.column_stack([r * np.cos(angle), r * np.sin(angle)]))
        labels.append(np.full(size, k))
    X = np.vstack(parts) + noise * rng.standard_normal((n, 2))
    return _shuffled(X, np.concatenate(labels), rng)


def blobs(
    n: int,
    rng: np.random.Generator,
    *,
    centers: Sequence[Sequence[float]] = ((-1.0, 0.0), (1.0, 0.0)),
    std: float = 0.3,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters ("blobs"), one per class, around the given centres.

    Parameters
    ----------
    n : int
        Number of points, at least the number of centres.
    rng : numpy.random.Generator
        Source of randomness.
    centers : sequence of (x1, x2), default two centres at (-1, 0) and (1, 0)
        One centre per class (2 to 6 of them).
    std : float, default 0.3
        Standard deviation of every cluster in both coordinates (0 to 10).

    Returns
    -------
    X : numpy.ndarray, shape (n, 2), float64
    y : numpy.ndarray, shape (n,), int64, values ``0 .. len(centers) - 1``
    """
    centers = as_float_array(centers, "centers", ndim=2)
    if centers.shape[1] != 2 or not 2 <= len(centers) <= MAX_CLASSES:
        raise ValueError(f"centers must be 2 to {MAX_CLASSES} points (x1, x2), got shape {centers.shape}")
    n = as_int(n, "n", low=len(centers), high=10_000_000)
    rng = as_rng(rng)
    std = as_number(std, "std", low=0.0, high=10.0)
    sizes = _sizes(n, len(centers))
    X = np.repeat(centers, sizes, axis=0) + std * rng.standard_normal((n, 2))
    y = np.repeat(np.arange(len(centers)), sizes)
    return _shuffled(X, y, rng)


def rotate(X, degrees: float, *, center: Sequence[float] | None = None) -> np.ndarray:
    """Rotate points anticlockwise by ``degrees`` about ``center`` (default: their mean).

    Parameters
    ----------
    X : array_like, shape (n, 2)
        Points.
    degrees : float
        Angle of rotation in degrees (-360 to 360); positive is anticlockwise.
    center : (x1, x2), optional
        The fixed point of the rotation; defaults to the mean of ``X``.

    Returns
    -------
    numpy.ndarray, shape (n, 2)
        The rotated points (a new array; distances between points are unchanged).
    """
    X = _points(X, "X")
    radians = np.deg2rad(as_number(degrees, "degrees", low=-360.0, high=360.0))
    c = X.mean(axis=0) if center is None else as_float_array(center, "center", ndim=1)
    if c.shape != (2,):
        raise ValueError(f"center must be one point (x1, x2), got shape {c.shape}")
    rotation = np.array([[np.cos(radians), -np.sin(radians)], [np.sin(radians), np.cos(radians)]])
    return (X - c) @ rotation.T + c


def shift(X, offset: Sequence[float]) -> np.ndarray:
    """Translate points by ``offset = (dx1, dx2)``; returns a new array of shape ``(n, 2)``."""
    X = _points(X, "X")
    offset = as_float_array(offset, "offset", ndim=1)
    if offset.shape != (2,):
        raise ValueError(f"offset must be (dx1, dx2), got shape {offset.shape}")
    return X + offset


def train_val_split(
    X, y, rng: np.random.Generator, *, val_fraction: float = 0.25
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle, then hold out ``val_fraction`` of the rows as a validation set.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Features.
    y : array_like, shape (n,)
        Labels.
    rng : numpy.random.Generator
        Source of the shuffle.
    val_fraction : float, default 0.25
        Share of rows held out, strictly between 0 and 1; both parts keep at least one row.

    Returns
    -------
    X_train, y_train, X_val, y_val : numpy.ndarray
        ``X_*`` of shape ``(n_*, d)``, ``y_*`` of shape ``(n_*,)``, with ``n_train + n_val = n``.
    """
    X = as_float_array(X, "X", ndim=2)
    as_float_array(y, "y")  # numbers, finite (labels keep their dtype)
    y = np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(f"y must have shape ({len(X)},), one label per row of X, got {y.shape}")
    rng = as_rng(rng)
    val_fraction = as_number(val_fraction, "val_fraction", low=0.0, high=1.0)
    n_val = round(val_fraction * len(X))
    if not 1 <= n_val <= len(X) - 1:
        raise ValueError(
            f"val_fraction={val_fraction} leaves {n_val} of {len(X)} rows for validation; "
            "both parts need at least one row"
        )
    order = rng.permutation(len(X))
    val, train = order[:n_val], order[n_val:]
    return X[train], y[train], X[val], y[val]


def _points(X, name: str) -> np.ndarray:
    X = as_float_array(X, name, ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"{name} must have 2 columns (x1, x2), got shape {X.shape}")
    return X
