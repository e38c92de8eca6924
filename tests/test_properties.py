# ruff: noqa: E501 (the registry keeps one entry per line, so renaming a module is a one-line edit per function)
"""Property suite over the public API: bad or extreme input gives a clean error or a finite answer, never garbage.

Every public function of the idea modules has one line in :data:`REGISTRY`: a valid example
call, plus anything that cannot be inferred from it (argument kinds, a result check, which
arguments come from the reader of an exercise, known defects). For every argument the tests

* try every value of its kind's catalogue (``bad_inputs.catalogue``: wrong types, NaN and
  infinity, 0-d, empty and mismatched arrays, huge and tiny magnitudes) and hypothesis-generated
  extremes, and require finite, well-shaped output or a ``TypeError``/``ValueError`` (warnings
  are errors; exercise checkers must return ``Feedback`` for whatever the reader passes);
* require every such ``TypeError``/``ValueError`` to name the argument it rejects;
* require numpy spellings of the valid value (``np.int32(5)``, ``np.float32`` arrays, lists) to
  give exactly the same result as the plain one.

A meta-test fails when a public function or class of :data:`IDEA_MODULES` has no entry.

Known defects in modules owned elsewhere are ``xfail(strict=True)``: the entry's ``_xfail`` maps
``"arg"`` (bad values), ``"arg@extremes"`` or ``"arg@same"`` to the defect, and
:data:`NAME_XFAILS` lists messages that do not name their argument. Fixing a defect turns its
test into an XPASS failure, so the mark goes with the fix. Reasons starting with "hangs" are
not run (each would burn the CPU-time limit of ``bad_inputs.TIME_LIMIT_S``).
Registry entries use today's names; port them when modules are split or renamed.

Cost: about 25 s of CPU on one core (hypothesis is derandomized, without shrinking or database).
"""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pytest
from bad_inputs import AX, FIG, RNG, E, TookTooLong, catalogue, extreme_values, judge, same_result, same_variants
from hypothesis import HealthCheck, Phase, given, settings

from mlcourse import bias_variance, regression
from mlcourse.ngram import CharNGram

#: Modules whose every public function and class must have a registry entry.
IDEA_MODULES = [
    "mlcourse.validation",
    "mlcourse.regression",
    "mlcourse.datasets",
    "mlcourse.determinism",
    "mlcourse.bias_variance",
]

#: Hypothesis settings: deterministic (CI-stable), no deadline, no shrinking (the catalogues are small).
PROPERTY = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


# --------------------------------------------------------------------------- result checks


def shape(*expected_from):
    """Check that the result (or each element of a tuple result) has the shape computed from the call's kwargs."""

    def check(result, kw):
        got = [np.shape(r) for r in result] if isinstance(result, tuple) else [np.shape(result)]
        want = [f(kw) for f in expected_from]
        assert got == want, f"result shape {got}, expected {want} for these arguments"

    return check


def no_broadcast(a, b):
    """A successful call had arguments ``a`` and ``b`` of the same shape (no silent broadcasting)."""

    def check(result, kw):
        assert np.shape(kw[a]) == np.shape(kw[b]), (
            f"{a} of shape {np.shape(kw[a])} and {b} of shape {np.shape(kw[b])} were broadcast silently"
        )

    return check


def sh(name):
    return lambda kw: np.shape(kw[name])


# --------------------------------------------------------------------------- fixed objects the examples use

LM = CharNGram(order=2).fit("abracadabra cadabra abba")
EXP = bias_variance.make_experiment(8, np.random.default_rng(0), n_sets=4, n_test=5)
DECS = bias_variance.degree_sweep(EXP, [0, 1, 2])
X3 = [[0.0, 1.0], [1.0, 0.5], [-0.5, 0.25]]
X8 = np.random.default_rng(1).normal(size=(8, 2))
XS = [-0.9, -0.4, 0.1, 0.5, 0.8, 0.95]
YS = [0.1, 0.3, -0.2, 0.4, 0.9, 1.0]
STATE = np.random.get_state(legacy=False)  # noqa: NPY002 (a snapshot, nothing is drawn)


def _experiment(seed):
    return tuple(np.random.default_rng(seed).random(3))


def _streams(seed, n):
    return [np.random.default_rng(c) for c in np.random.SeedSequence(seed).spawn(n)]


def _decompose(predictions, f_test):
    mean = predictions.mean(axis=0)
    return np.mean((mean - f_test) ** 2), np.mean(predictions.var(axis=0))


# --------------------------------------------------------------------------- the registry: one line per public name

# fmt: off
REGISTRY = [
    # mlcourse.validation
    E("mlcourse.validation.as_float_array", value=[1.0, 2.0], name="x", _kinds={"name": "fixed"}),
    E("mlcourse.validation.as_int_array", value=[0, 1, 2], name="labels", _kinds={"value": "labels", "name": "fixed"}),
    E("mlcourse.validation.as_number", value=0.5, name="p", _kinds={"name": "fixed"}),
    E("mlcourse.validation.as_int", value=3, name="k", _kinds={"name": "fixed"}),
    E("mlcourse.validation.as_int_tuple", value=(3, 4), name="layer_sizes", _kinds={"value": "sizes", "name": "fixed"}),
    E("mlcourse.validation.as_sizes", value=(3, 4), name="layer_sizes", _kinds={"value": "sizes", "name": "fixed"}),
    E("mlcourse.validation.as_bool", value=True, name="bias", _kinds={"name": "fixed"}),
    E("mlcourse.validation.as_rng", rng=RNG),
    E("mlcourse.validation.as_str", value="gelu", name="mlp", _kinds={"name": "fixed"}),
    E("mlcourse.validation.as_str_sequence", value=["a", "b"], name="vocabulary", _kinds={"value": "strs", "name": "fixed"}),
    E("mlcourse.validation.as_callable", value=len, name="fn", _kinds={"name": "fixed"}),
    E("mlcourse.validation.check_same_shape", a=np.zeros(3), b=np.ones(3), names=("a", "b")),
    E("mlcourse.validation.as_finite_result", value=np.array([1.0, 2.0]), what="the loss", _kinds={"what": "fixed"}, _same=False),
    E("mlcourse.validation.NonFiniteResultError", _skip="an exception class"),
    # mlcourse.regression
    E("mlcourse.regression.target", x=[-0.5, 0.0, 0.5], _check=shape(sh("x"))),
    E("mlcourse.regression.sample", n=5, rng=RNG, noise=0.3, n_sets=2, layout="uniform", f=regression.target, _check=shape(*[lambda kw: (kw["n_sets"], kw["n"]) if kw["n_sets"] is not None else (kw["n"],)] * 2), _xfail={'f': "f's output is not checked: NaN or a wrongly shaped result flows into y"}),
    E("mlcourse.regression.legendre_design", x=[-0.5, 0.5, 0.9], degree=3, _check=shape(lambda kw: (*np.shape(kw["x"]), kw["degree"] + 1)), _xfail={'x': '0-d x is accepted and gives shape (1, d + 1); x needs ndim >= 1'}),
    E("mlcourse.regression.random_features", n_features=4, rng=RNG, scale=10.0, n_sets=2, _check=shape(*[lambda kw: (kw["n_sets"], kw["n_features"]) if kw["n_sets"] is not None else (kw["n_features"],)] * 2)),
    E("mlcourse.regression.random_feature_design", x=[-0.5, 0.5, 0.9], w=[1.0, 2.0], b=[0.1, 0.2], _check=shape(lambda kw: np.shape(kw["x"]) + np.shape(kw["w"]))),
    E("mlcourse.regression.least_squares", design=[[1.0, 0.1], [1.0, 0.5], [1.0, 0.9], [1.0, -0.3]], y=[1.0, 2.0, 3.0, 0.5], ridge=0.0, _check=shape(lambda kw: np.broadcast_shapes(np.shape(kw["design"])[:-2], np.shape(kw["y"])[:-1]) + np.shape(kw["design"])[-1:]), _xfail={'design': 'subnormal singular values: 1 / s overflows (RuntimeWarning)', 'y': '0-d y raises IndexError'}),
    E("mlcourse.regression.evaluate", design=[[1.0, 0.1], [1.0, 0.5], [1.0, 0.9]], coefs=[1.0, 2.0], _check=shape(lambda kw: np.shape(kw["design"])[:-1]), _xfail={'design': '0-d design raises IndexError', 'coefs': '0-d coefs raises IndexError'}),
    E("mlcourse.regression.fit_polynomial", x=XS, y=YS, degree=2, ridge=0.0, _check=no_broadcast("x", "y"), _xfail={'x': 'x of shape (1, n) and y of shape (n,) broadcast silently', 'y': '0-d y raises IndexError'}),
    E("mlcourse.regression.predict_polynomial", coefs=[1.0, 0.5, 0.25], x=[-0.5, 0.5], _check=shape(sh("x")), _xfail={'coefs': '0-d coefs raises IndexError', 'x': '0-d x is accepted and gives shape (1,)'}),
    E("mlcourse.regression.mse", predictions=[1.0, 2.0, 3.0], y=[1.0, 2.0, 4.0], axis=-1, _check=no_broadcast("predictions", "y"), _xfail={'predictions@extremes': '(p - y)**2 overflows near 1e300 (RuntimeWarning)', 'y@extremes': '(p - y)**2 overflows near 1e300 (RuntimeWarning)', 'axis@extremes': 'axis is not validated: huge values raise OverflowError', 'predictions': 'predictions and y broadcast silently; (p - y)**2 overflows near 1e300', 'y': 'predictions and y broadcast silently; (p - y)**2 overflows near 1e300', 'axis': 'axis is not validated: 2**63 raises OverflowError'}),
    # mlcourse.datasets
    E("mlcourse.datasets.two_moons", n=10, rng=RNG, noise=0.1, _check=shape(lambda kw: (kw["n"], 2), lambda kw: (kw["n"],))),
    E("mlcourse.datasets.spirals", n=10, rng=RNG, n_classes=3, turns=1.0, noise=0.05, _check=shape(lambda kw: (kw["n"], 2), lambda kw: (kw["n"],))),
    E("mlcourse.datasets.blobs", n=10, rng=RNG, centers=[[-1.0, 0.0], [1.0, 0.0]], std=0.3, _check=shape(lambda kw: (kw["n"], 2), lambda kw: (kw["n"],)), _xfail={'n': 'n has no upper bound: 2**64 raises OverflowError in numpy'}),
    E("mlcourse.datasets.rotate", X=X3, degrees=45.0, center=[0.0, 0.0], _check=shape(sh("X"))),
    E("mlcourse.datasets.shift", X=X3, offset=[1.0, 2.0], _check=shape(sh("X"))),
    E("mlcourse.datasets.train_val_split", X=X8, y=np.arange(8) % 2, rng=RNG, val_fraction=0.25, _kinds={"y": "labels"}, _xfail={'y': 'y is not validated: NaN, strings, complex labels pass through'}),
    E("mlcourse.datasets.draw_points", ax=AX, X=X3, y=[0, 1, 0], size=14.0, alpha=0.9, _kinds={"y": "labels"}, _xfail={'size@extremes': 'size is not validated: negative or huge sizes reach matplotlib', 'y': 'y is not validated: a wrong length raises IndexError', 'size': 'size is not validated: -inf reaches matplotlib (RuntimeWarning)'}),
    E("mlcourse.datasets.plot_datasets", named=[("moons", np.array(X3), np.array([0, 1, 0]))], _examples=4),
    # mlcourse.determinism
    E("mlcourse.determinism.roll_dice", rng=RNG, n=5, _check=shape(lambda kw: (kw["n"],))),
    E("mlcourse.determinism.jitter", values=[1.0, 2.0], rng=RNG, scale=0.01, _check=shape(sh("values"))),
    E("mlcourse.determinism.spawn_generators", seed=0, n=3, _xfail={'n@extremes': 'n has no upper bound: 2**62 raises OverflowError', 'n': 'n has no upper bound: 2**63 raises OverflowError'}),
    E("mlcourse.determinism.new_seed"),
    E("mlcourse.determinism.RunRecord", _skip="a plain record of a run"),
    E("mlcourse.determinism.run_experiment", seed=0, n=3),
    E("mlcourse.determinism.summation_orders", values=[0.1, 0.2, 0.3]),
    E("mlcourse.determinism.ulps_from", value=0.30000000000000004, reference=0.3, _xfail={'reference@extremes': '(value - reference) / ulp(reference) overflows to inf', 'value': '(value - reference) / ulp(reference) overflows to inf', 'reference': '(value - reference) / ulp(reference) overflows to inf'}),
    E("mlcourse.determinism.near_tie_logits", values=[1e16, 1.0, 1.0, -1e16, 1.0], order_a="loop, left to right", order_b="math.fsum (exact)"),
    E("mlcourse.determinism.sample_population", rng=RNG, size=12, _check=shape(lambda kw: (kw["size"],), lambda kw: (kw["size"],))),
    E("mlcourse.determinism.fit_line", x=[0.0, 1.0, 2.0], y=[1.0, 3.0, 5.5], _xfail={'x@extremes': 'polyfit overflows for |x| near 1e300 (RuntimeWarning)', 'x': 'polyfit overflows for |x| near 1e300 (RuntimeWarning, no clear error)'}),
    E("mlcourse.determinism.fit_many_samples", rng=RNG, n_samples=2, size=5, _check=shape(lambda kw: (kw["n_samples"], 2)), _xfail={'n_samples@extremes': 'hangs: n_samples has no upper bound', 'n_samples': 'hangs: n_samples has no upper bound (2**63 loops)'}),
    E("mlcourse.determinism.sample_continuations", lm=LM, prompt="ab", length=3, temperature=1.0, seeds=[0, 1], _kinds={"seeds": "sizes"}, _xfail={'length@extremes': 'hangs: length has no upper bound', 'length': 'hangs: length has no upper bound (2**63 characters)'}),
    E("mlcourse.determinism.continuation_counts", continuations=["ab", "ab", "c"], _kinds={"continuations": "strs"}),
    E("mlcourse.determinism.draw_continuations", ax=AX, continuations=["ab", "c"], top=8, _kinds={"continuations": "strs"}, _xfail={'continuations': 'continuations is not validated: bytes raise AttributeError', 'top': 'top has no upper bound: 10**400 raises OverflowError'}),
    E("mlcourse.determinism.plot_decoding_spread", lm=LM, prompt="ab", length=2, temperature=1.0, seeds=[0, 1, 2], _kinds={"seeds": "sizes"}, _examples=4, _xfail={'length@extremes': 'hangs: length has no upper bound'}),
    E("mlcourse.determinism.draw_decoding", fig=FIG, params=(0, 1.0, 3), lm=LM, prompt="ab", length=2, _kinds={"params": "fixed"}, _examples=4, _xfail={'length@extremes': 'hangs: length has no upper bound'}),
    E("mlcourse.determinism.plot_decoding", lm=LM, prompt="ab", seed=0, temperature=1.0, n_samples=3, length=2, _examples=4, _xfail={'length@extremes': 'hangs: length has no upper bound', 'n_samples@extremes': 'hangs: n_samples has no upper bound'}),
    E("mlcourse.determinism.plot_three_systems"),
    E("mlcourse.determinism.plot_summation_orders", values=[0.1, 0.2, 0.3], _examples=4),
    E("mlcourse.determinism.draw_sample_fits", fig=FIG, fits=np.array([[2.0, 1.0]]), samples=[(np.array([0.0, 1.0]), np.array([1.0, 3.0]))], _examples=4, _xfail={'fits@same': 'fits is not converted: a list raises TypeError from indexing'}),
    E("mlcourse.determinism.plot_sample_fits", rng=RNG, n_samples=2, size=5, _examples=4, _xfail={'n_samples@extremes': 'hangs: n_samples has no upper bound (2**62 loops)', 'n_samples': 'hangs: n_samples has no upper bound (2**62 loops)'}),
    E("mlcourse.determinism.global_random_state"),
    E("mlcourse.determinism.same_random_state", a=STATE, b=STATE),
    E("mlcourse.determinism.check_reproducible", experiment=_experiment, _reader=("experiment",), _xfail={'experiment': 'a reader returning 10**400 makes the checker raise OverflowError'}),
    E("mlcourse.determinism.check_non_associative", a=0.1, b=0.2, c=0.3, _reader=("a", "b", "c")),
    E("mlcourse.determinism.check_streams", make_streams=_streams, _reader=("make_streams",), _xfail={'make_streams': 'a reader returning a generator makes the checker raise TypeError (len())'}),
    # mlcourse.bias_variance
    E("mlcourse.bias_variance.Experiment", _skip="a plain record made by make_experiment"),
    E("mlcourse.bias_variance.Decomposition", _skip="a plain record made by decompose"),
    E("mlcourse.bias_variance.make_experiment", n=5, rng=RNG, noise=0.3, n_sets=3, n_test=4, layout="stratified", fixed_x=False, f=regression.target, _xfail={'f': "f's output is not checked: NaN flows into the experiment"}),
    E("mlcourse.bias_variance.decompose", predictions=[[1.0, 2.0], [1.5, 2.5], [0.5, 2.0]], f_test=[1.0, 2.0], y_test=[[1.1, 2.1], [0.9, 1.9], [1.0, 2.2]], noise=0.3, _xfail={'predictions@extremes': 'squares overflow near 1e300 (RuntimeWarning)', 'y_test@extremes': 'squares overflow near 1e300 (RuntimeWarning)', 'noise@extremes': 'noise**4 overflows for huge noise', 'predictions': 'squares overflow near 1e300 (RuntimeWarning)', 'f_test': 'squares overflow near 1e300 (RuntimeWarning)', 'y_test': 'squares overflow near 1e300 (RuntimeWarning)', 'noise': 'noise**4 raises OverflowError for noise = 1e300'}),
    E("mlcourse.bias_variance.polynomial_fitter", degree=2, ridge=0.0),
    E("mlcourse.bias_variance.random_feature_fitter", w=[1.0, 2.0], b=[0.1, 0.2], ridge=0.0),
    E("mlcourse.bias_variance.measure", experiment=EXP, fitter=bias_variance.polynomial_fitter(1)),
    E("mlcourse.bias_variance.degree_sweep", experiment=EXP, degrees=[0, 1], ridge=0.0, _kinds={"degrees": "sizes"}),
    E("mlcourse.bias_variance.ridge_sweep", experiment=EXP, degree=1, ridges=[0.0, 0.1]),
    E("mlcourse.bias_variance.feature_sweep", experiment=EXP, counts=[1, 2], w=[1.0, 2.0], b=[0.1, 0.2], ridge=0.0, _kinds={"counts": "sizes"}, _xfail={'w': '0-d w raises IndexError'}),
    E("mlcourse.bias_variance.learning_curve", sizes=[3, 5], degree=1, rng=RNG, noise=0.3, n_sets=3, n_test=4, _kinds={"sizes": "sizes"}, _xfail={'noise@extremes': 'noise has no upper bound: huge noise overflows inside', 'noise': 'noise has no upper bound: 1e300 overflows inside (RuntimeWarning)'}),
    E("mlcourse.bias_variance.kfold_indices", n=6, k=3, rng=RNG),
    E("mlcourse.bias_variance.cross_validation_error", x=XS, y=YS, degree=1, k=3, rng=RNG, ridge=0.0, _check=no_broadcast("x", "y"), _xfail={'y@extremes': 'squared errors overflow near 1e300 (RuntimeWarning)', 'y': 'squared errors overflow near 1e300 (RuntimeWarning)'}),
    E("mlcourse.bias_variance.validation_error", x=XS, y=YS, degree=1, n_val=2, ridge=0.0, _check=no_broadcast("x", "y"), _xfail={'y@extremes': 'squared errors overflow near 1e300 (RuntimeWarning)', 'y': 'squared errors overflow near 1e300 (RuntimeWarning)'}),
    E("mlcourse.bias_variance.plot_tradeoff_diagram", rng=RNG, n=8, noise=0.3, degrees=(0, 1, 3), _kinds={"degrees": "sizes"}, _examples=3),
    E("mlcourse.bias_variance.draw_fits", fig=FIG, params=(1, 8, 0.3, 0.0), seed=0, n_sets=5, _kinds={"params": "fixed"}, _examples=4, _xfail={'seed@same': 'seed is not validated: np.array(0) raises TypeError from default_rng'}),
    E("mlcourse.bias_variance.plot_fits", degree=1, n=8, noise=0.3, ridge=0.0, seed=0, _examples=3, _xfail={'seed@same': 'seed is not validated: np.array(0) raises TypeError from default_rng'}),
    E("mlcourse.bias_variance.plot_train_test", degrees=[0, 1, 2], results=DECS, _kinds={"degrees": "sizes"}, _examples=4, _xfail={'degrees': 'degrees is not validated: None raises IndexError'}),
    E("mlcourse.bias_variance.plot_decomposition", values=[0.0, 1.0, 2.0], results=DECS, xlabel="degree", logx=False, logy=False, title="", _examples=4),
    E("mlcourse.bias_variance.plot_model_selection", degrees=[0, 1, 2], val_errors=[0.3, 0.2, 0.25], cv_errors=[0.3, 0.15, 0.2], expected_errors=[0.3, 0.1, 0.2], val_choices=[0, 1, 1], cv_choices=[1, 1, 2], _kinds={"degrees": "sizes", "val_choices": "labels", "cv_choices": "labels"}, _examples=3, _xfail={'degrees': 'degrees is not validated: None raises IndexError, floats print as 1.0', 'val_choices': 'val_choices is not validated: complex values give a ComplexWarning'}),
    E("mlcourse.bias_variance.plot_learning_curves", sizes=[3, 5, 8], results=DECS, degree=1, _kinds={"sizes": "sizes"}, _examples=4),
    E("mlcourse.bias_variance.plot_double_descent", counts=[1, 2, 4], results=DECS, n=3, _kinds={"counts": "sizes"}, _examples=4, _xfail={'counts': 'counts is not validated: None raises IndexError'}),
    E("mlcourse.bias_variance.check_constant_variance", answer=0.01, n=25, sigma=0.5, _reader=("answer",), _xfail={'n@extremes': 'n is not validated: 0 raises ZeroDivisionError', 'sigma@extremes': 'sigma is not validated: huge ints raise OverflowError', 'n': 'n is not validated: 0 raises ZeroDivisionError', 'sigma': 'sigma is not validated: 10**400 raises OverflowError'}),
    E("mlcourse.bias_variance.check_decompose", func=_decompose, _reader=("func",)),
    E("mlcourse.bias_variance.check_cv", func=lambda x, y, degree, k: bias_variance.cross_validation_error(x, y, degree, k), _reader=("func",)),
]
# fmt: on

#: Arguments whose TypeError/ValueError messages do not (always) name them: "module.function:argument" -> example.
NAME_XFAILS: dict[str, str] = {
    "mlcourse.regression.sample:n_sets": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.regression.sample:f": "None -> TypeError: 'NoneType' object is not callable",
    "mlcourse.regression.legendre_design:degree": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.regression.random_features:n_features": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.regression.random_features:n_sets": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.regression.fit_polynomial:x": "np.float64(-0.9) -> ValueError: y has 6 targets per problem but design has 1 rows",
    "mlcourse.regression.fit_polynomial:degree": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.regression.mse:predictions": "array([1., 2.]) -> ValueError: operands could not be broadcast together with shapes (2,) (3,) ",
    "mlcourse.regression.mse:y": "array([1., 2.]) -> ValueError: operands could not be broadcast together with shapes (3,) (2,) ",
    "mlcourse.regression.mse:axis": "'1' -> TypeError: 'str' object cannot be interpreted as an integer",
    "mlcourse.datasets.draw_points:y": "'nan' -> ValueError: invalid literal for int() with base 10: np.str_('nan')",
    "mlcourse.datasets.draw_points:size": "'1' -> ValueError: s must be float, but has type <U1",
    "mlcourse.datasets.draw_points:alpha": "b'1' -> UFuncTypeError: ufunc 'minimum' did not contain a loop with signature matching types (",
    "mlcourse.determinism.sample_population:size": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.determinism.fit_many_samples:size": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.determinism.sample_continuations:seeds": "None -> TypeError: 'NoneType' object is not iterable",
    "mlcourse.determinism.continuation_counts:continuations": "3 -> TypeError: 'int' object is not iterable",
    "mlcourse.determinism.draw_continuations:continuations": "None -> TypeError: object of type 'NoneType' has no len()",
    "mlcourse.determinism.draw_continuations:top": "None -> TypeError: unsupported operand type(s) for -: 'NoneType' and 'int'",
    "mlcourse.determinism.plot_decoding_spread:seeds": "None -> TypeError: 'NoneType' object is not iterable",
    "mlcourse.determinism.draw_sample_fits:fits": "None -> TypeError: 'NoneType' object is not iterable",
    "mlcourse.bias_variance.make_experiment:n": "18446744073709551616 -> ValueError: Maximum allowed size exceeded",
    "mlcourse.bias_variance.make_experiment:n_sets": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.bias_variance.make_experiment:n_test": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.bias_variance.make_experiment:fixed_x": "array([ True, False]) -> ValueError: The truth value of an array with more than one element is ambiguous. U",
    "mlcourse.bias_variance.make_experiment:f": "None -> TypeError: 'NoneType' object is not callable",
    "mlcourse.bias_variance.decompose:predictions": "array([[1. ],\n       [1. -> ValueError: f_test must have one value per test input (1), got shape (2,)",
    "mlcourse.bias_variance.measure:fitter": "<function _reader_functi -> ValueError: not enough values to unpack (expected 3, got 1)",
    "mlcourse.bias_variance.degree_sweep:degrees": "None -> TypeError: 'NoneType' object is not iterable",
    "mlcourse.bias_variance.ridge_sweep:degree": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.bias_variance.ridge_sweep:ridges": "None -> TypeError: 'NoneType' object is not iterable",
    "mlcourse.bias_variance.feature_sweep:counts": "None -> TypeError: 'NoneType' object is not iterable",
    "mlcourse.bias_variance.feature_sweep:w": "array([[1.],\n       [2.] -> ValueError: counts must be <= 1, got 2",
    "mlcourse.bias_variance.learning_curve:sizes": "None -> TypeError: 'NoneType' object is not iterable",
    "mlcourse.bias_variance.learning_curve:degree": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.bias_variance.learning_curve:n_sets": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.bias_variance.learning_curve:n_test": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.bias_variance.kfold_indices:n": "18446744073709551616 -> ValueError: Maximum allowed size exceeded",
    "mlcourse.bias_variance.kfold_indices:k": "9223372036854775808 -> ValueError: n must be >= 9223372036854775808, got 6",
    "mlcourse.bias_variance.cross_validation_error:degree": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.bias_variance.cross_validation_error:k": "9223372036854775808 -> ValueError: n must be >= 9223372036854775808, got 6",
    "mlcourse.bias_variance.validation_error:degree": "9223372036854775808 -> ValueError: Maximum allowed dimension exceeded",
    "mlcourse.bias_variance.plot_tradeoff_diagram:degrees": "None -> TypeError: 'NoneType' object is not iterable",
    "mlcourse.bias_variance.draw_fits:seed": "np.timedelta64(1,'s') -> TypeError: int() argument must be a string, a bytes-like object or a real number,",
    "mlcourse.bias_variance.plot_fits:seed": "{'a': 1} -> TypeError: SeedSequence expects int or sequence of ints for entropy not {'a': 1}",
    "mlcourse.bias_variance.plot_decomposition:values": "None -> TypeError: len() of unsized object",
    "mlcourse.bias_variance.plot_model_selection:val_choices": "None -> TypeError: '<' not supported between instances of 'NoneType' and 'float'",
    "mlcourse.bias_variance.plot_model_selection:cv_choices": "None -> TypeError: '>' not supported between instances of 'int' and 'NoneType'",
    "mlcourse.bias_variance.plot_learning_curves:sizes": "None -> ValueError: x and y must have same first dimension, but have shapes (1,) and (3,)",
    "mlcourse.bias_variance.plot_double_descent:counts": "1j -> TypeError: float() argument must be a string or a real number, not 'complex'",
    "mlcourse.bias_variance.check_constant_variance:sigma": "None -> TypeError: unsupported operand type(s) for ** or pow(): 'NoneType' and 'int'",
}

ACTIVE = [e for e in REGISTRY if not e.skip]


def _xfail(entry, arg, test):
    """The xfail mark for one (entry, argument, test): key ``"arg"`` marks the bad-values test, ``"arg@extremes"``
    the generated-extremes test and ``"arg@same"`` the numpy-spellings test; :data:`NAME_XFAILS` marks the
    error-message test."""
    reason = entry.xfail.get(f"{arg}@{test}") or (entry.xfail.get(arg) if test == "bad" else None)
    if test == "name":
        reason = NAME_XFAILS.get(f"{entry.target}:{arg}")
        if str(entry.xfail.get(arg, "")).startswith("hangs"):
            reason = entry.xfail[arg]
    # A defect that hangs until the time limit is not re-run every time (it costs seconds); the rest are strict.
    return [pytest.mark.xfail(strict=True, reason=reason, run=not reason.startswith("hangs"))] if reason else []


def _cases(test, kinds=None):
    return [
        pytest.param(e, a, marks=_xfail(e, a, test), id=f"{e.name}:{a}")
        for e in ACTIVE
        for a in e.varied()
        if kinds is None or e.kind(a) in kinds
    ]


def _sampled(values, examples):
    """Every value of a small catalogue, or an even spread of ``examples`` of them for slow functions."""
    if examples is None or examples >= len(values):
        return values
    step = len(values) / examples
    return [values[int(i * step)] for i in range(examples)]


# --------------------------------------------------------------------------- the properties


@pytest.mark.parametrize("entry", ACTIVE, ids=lambda e: e.name)
def test_the_valid_example_runs_and_is_finite(entry):
    _, error = judge(entry, entry.call_kwargs())
    assert error is None, f"the registry's valid example for {entry.name} raised {error!r}"


_OUTCOMES: dict[tuple[str, str], list[tuple[object, BaseException | None, str]]] = {}


def _outcomes(entry, arg):
    """Run the catalogue for one argument once: (value, TypeError/ValueError or None, failure message or "")."""
    key = (entry.target, arg)
    if key not in _OUTCOMES:
        rows = []
        for value in _sampled(catalogue(entry.kind(arg), entry.kwargs[arg]), entry.examples):
            try:
                _, error = judge(entry, entry.call_kwargs(**{arg: value}), arg)
                rows.append((value, error, ""))
            except AssertionError as exc:
                rows.append((value, None, str(exc)))
            except (Exception, TookTooLong) as exc:
                rows.append((value, None, f"raised {type(exc).__name__}: {exc}"))
                if isinstance(exc, TookTooLong):
                    break  # the next huge value would hang too
        _OUTCOMES[key] = rows
    return _OUTCOMES[key]


@pytest.mark.parametrize(("entry", "arg"), _cases("bad"))
def test_bad_values_give_a_clean_error_or_a_finite_answer(entry, arg):
    failures = [
        f"{entry.name}({arg}={value!r:.80}): {failure}" for value, _, failure in _outcomes(entry, arg) if failure
    ]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("entry", "arg"), _cases("name"))
def test_errors_name_the_argument_they_reject(entry, arg):
    names = {arg, entry.kwargs.get("name"), entry.kwargs.get("what")} - {None}  # validation helpers: the given name
    unnamed = [
        f"{entry.name}({arg}={value!r:.60}) raised {type(error).__name__}: {error}"
        for value, error, _ in _outcomes(entry, arg)
        if error is not None and not any(n in str(error) for n in names)
    ]
    assert not unnamed, "the message must name the argument:\n" + "\n".join(unnamed)


@pytest.mark.parametrize(("entry", "arg"), _cases("extremes", {"array", "labels", "number", "int"}))
def test_generated_extremes_give_a_clean_error_or_a_finite_answer(entry, arg):
    @settings(PROPERTY, max_examples=min(8, entry.examples or 8))
    @given(value=extreme_values(entry.kind(arg), entry.kwargs[arg]))
    def run(value):
        judge(entry, entry.call_kwargs(**{arg: value}), arg)

    run()


@pytest.mark.parametrize(("entry", "arg"), _cases("same", {"array", "labels", "number", "int", "sizes"}))
def test_numpy_spellings_of_a_valid_value_give_the_same_result(entry, arg):
    if not entry.same:
        pytest.skip("returns its input as is")
    expected, error = judge(entry, entry.call_kwargs())
    assert error is None
    for variant in same_variants(entry.kind(arg), entry.kwargs[arg]):
        got, error = judge(entry, entry.call_kwargs(**{arg: variant}), arg)
        assert error is None, f"{entry.name}({arg}={variant!r}) raised {error!r}; the plain value works"
        assert same_result(got, expected), f"{entry.name}({arg}={variant!r}) gave {got!r}, expected {expected!r}"


def _public_names(module_name):
    module = importlib.import_module(module_name)
    return {
        f"{module_name}.{name}"
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == module_name
    }


@pytest.mark.parametrize("module_name", IDEA_MODULES)
def test_every_public_function_is_registered(module_name):
    registered = {e.target for e in REGISTRY}
    missing = sorted(_public_names(module_name) - registered)
    assert not missing, f"add registry entries for: {missing}"


def test_the_registry_names_only_existing_functions_once():
    targets = [e.target for e in REGISTRY]
    assert len(targets) == len(set(targets))
    for entry in REGISTRY:
        module, _, name = entry.target.rpartition(".")
        assert hasattr(importlib.import_module(module), name), entry.target
