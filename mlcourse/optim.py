"""Optimizers: how a gradient becomes a change of the parameters.

- :func:`sgd_step`, one step of gradient descent, ``param -= learning_rate * grad``;
- :func:`adam_update`, Adam's update of one parameter array from running gradient moments;
- :class:`SGD` and :class:`Adam` keep the learning rate (and Adam's state) between steps;
  :func:`make_optimizer` picks one by name.

Parameters and gradients are dicts of same-shaped arrays with the same keys, as in
:mod:`mlcourse.mlp`; every update is in place.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mlcourse.validation import as_float_array, as_int, as_number


def sgd_step(params: dict[str, np.ndarray], grads: Mapping[str, np.ndarray], learning_rate: float) -> None:
    """One step of gradient descent: move every parameter against its gradient, in place.

    Defined in chapter 5.
    """
    _check_grads(params, grads)
    learning_rate = as_number(learning_rate, "learning_rate", low=0.0)
    for name in params:
        params[name] -= learning_rate * grads[name]


def adam_update(
    param: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    *,
    learning_rate: float = 0.01,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> None:
    """Adam's update of one parameter array (Kingma and Ba 2015); ``param``, ``m``, ``v`` change in place.

    Defined in chapter 5.

    Parameters
    ----------
    param, grad : numpy.ndarray, same shape
        The parameter and its gradient.
    m, v : numpy.ndarray, same shape
        Running means of the gradient and of its square (start at zero).
    t : int
        Number of this step, from 1 (corrects the running means' bias towards zero).
    learning_rate, beta1, beta2, eps : float
        Step size, the two averaging rates, and a small number (> 0) that avoids dividing by 0.
    """
    grad = _check_adam(param, grad, m, v)
    t = as_int(t, "t", low=1, high=10**9)
    learning_rate = as_number(learning_rate, "learning_rate", low=0.0)
    beta1 = as_number(beta1, "beta1", low=0.0, high=0.999999)
    beta2 = as_number(beta2, "beta2", low=0.0, high=0.999999)
    eps = as_number(eps, "eps", low=0.0, low_inclusive=False)
    m += (1 - beta1) * (grad - m)  # running mean of the gradient
    v += (1 - beta2) * (grad**2 - v)  # running mean of its square
    m_hat = m / (1 - beta1**t)  # undo the bias towards the zero start
    v_hat = v / (1 - beta2**t)
    param -= learning_rate * m_hat / (np.sqrt(v_hat) + eps)


def _check_adam(param, grad, m, v) -> np.ndarray:
    for value, name in ((param, "param"), (m, "m"), (v, "v")):
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise TypeError(f"{name} must be a float numpy array (it is updated in place), got {type(value).__name__}")
    grad = as_float_array(grad, "grad", allow_empty=True, low=-1e150, high=1e150)  # grad**2 stays finite
    for value, name in ((grad, "grad"), (m, "m"), (v, "v")):
        if value.shape != param.shape:
            raise ValueError(f"{name} must have the shape of param {param.shape}, got {value.shape}")
    return grad


def _check_grads(params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
    if not isinstance(params, Mapping) or not all(isinstance(p, np.ndarray) for p in params.values()):
        raise TypeError("params must be a dict of numpy arrays (updated in place)")
    if not isinstance(grads, Mapping) or set(grads) != set(params):
        raise ValueError(f"grads must be a dict with the keys {sorted(params)}")
    for name, p in params.items():
        g = grads[name]
        if np.shape(g) != np.shape(p):
            raise ValueError(f"grads[{name!r}] has shape {np.shape(g)}, expected {np.shape(p)}")
        if not np.all(np.isfinite(g)):
            raise ValueError(f"grads[{name!r}] must be finite (no NaN or infinity)")


class SGD:
    """Plain (mini-batch) gradient descent with a fixed learning rate.

    Parameters
    ----------
    learning_rate : float
        Step size, > 0.
    """

    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = as_number(learning_rate, "learning_rate", low=0.0)
        if self.learning_rate == 0.0:
            raise ValueError("learning_rate must be > 0, got 0.0 (nothing would change)")
        self.state: dict[str, np.ndarray] = {}

    def step(self, params: dict[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        """Move every parameter a small step against its gradient (downhill), in place."""
        _check_grads(params, grads)
        self._update(params, grads)

    def _update(self, params: dict[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        """:meth:`step` on checked arguments: :func:`sgd_step` without its checks."""
        for name in params:
            params[name] -= self.learning_rate * grads[name]


class Adam(SGD):
    """Adam: per-parameter step sizes from running gradient moments.

    Keeps two arrays per parameter, ``m`` (mean of gradients) and ``v`` (mean of squared
    gradients), so its state is twice the size of the parameters.

    Parameters
    ----------
    learning_rate : float, default 0.01
        Step size, > 0.
    beta1, beta2 : float
        Averaging rates of the two moments, in [0, 1).
    eps : float, default 1e-8
        Added to the denominator; must be > 0 (with 0, a zero gradient gives 0/0 = NaN).
    """

    def __init__(
        self, learning_rate: float = 0.01, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(learning_rate)
        self.beta1 = as_number(beta1, "beta1", low=0.0, high=0.999999)
        self.beta2 = as_number(beta2, "beta2", low=0.0, high=0.999999)
        self.eps = as_number(eps, "eps", low=0.0)
        if self.eps == 0.0:
            raise ValueError("eps must be > 0 (e.g. 1e-8): with eps = 0 a zero gradient gives 0 / 0 = NaN")
        self.t = 0

    def _update(self, params: dict[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        """One Adam update of every parameter, in place (arguments checked by :meth:`step`)."""
        self.t += 1
        for name in params:
            g = grads[name]
            m = self.state.setdefault(f"m_{name}", np.zeros_like(g, dtype=float))
            v = self.state.setdefault(f"v_{name}", np.zeros_like(g, dtype=float))
            adam_update(
                params[name],
                g,
                m,
                v,
                self.t,
                learning_rate=self.learning_rate,
                beta1=self.beta1,
                beta2=self.beta2,
                eps=self.eps,
            )


def make_optimizer(optimizer: str, learning_rate: float) -> SGD:
    """``"sgd"`` or ``"adam"`` with the given learning rate."""
    if optimizer == "sgd":
        return SGD(learning_rate)
    if optimizer == "adam":
        return Adam(learning_rate)
    raise ValueError(f"optimizer must be 'sgd' or 'adam', got {optimizer!r}")
