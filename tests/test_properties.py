# ruff: noqa: E501 (the registry keeps one entry per line, so renaming a module is a one-line edit per function)
"""Property suite over the public API: bad or extreme input gives a clean error or a finite answer, never garbage.

Every public function and class of every idea module (``mlcourse/*.py``) and every exercise
checker (``mlcourse/exercises/chapter*.py``) has one line in :data:`REGISTRY`: a valid example
call, plus anything that cannot be inferred from it (argument kinds, a result check, which
arguments come from the reader of an exercise, documented infinities). Methods that are public
API (``SmolLM2.generate``, ``CharNGram.fit``...) have entries too (``_self`` gives the object).
For every argument the tests

* try every value of its kind's catalogue (``bad_inputs.catalogue``: wrong types, NaN and
  infinity, 0-d, empty and mismatched arrays, huge and tiny magnitudes) and hypothesis-generated
  extremes, and require finite, well-shaped output or a ``TypeError``/``ValueError`` (warnings
  are errors; exercise checkers must return ``Feedback`` for whatever the reader passes);
* require every such ``TypeError``/``ValueError`` to name the argument it rejects;
* require numpy spellings of the valid value (``np.int32(5)``, ``np.float32`` arrays, lists) to
  give exactly the same result as the plain one.

A meta-test fails when a public function or class of :data:`IDEA_MODULES` (read from the files)
has no entry; an entry with ``_skip`` says why it is not exercised (records, file and network I/O).
Arguments of kind ``fixed`` are internal contracts (an ``ndim`` taken from an array, SmolLM2's
float32 kernels, which trust ``SmolLM2``'s own checks) and only run the valid example.

Known defects are ``xfail(strict=True)``: :data:`XFAILS` maps ``"name:arg"`` (bad values),
``"name:arg@extremes"`` or ``"name:arg@same"`` to the defect, and :data:`NAME_XFAILS` lists
messages that do not name their argument. Fixing a defect turns its test into an XPASS failure,
so the mark goes with the fix. Reasons starting with "hangs" are not run (each would burn the
CPU-time limit of ``bad_inputs.TIME_LIMIT_S``).

Cost: about 25 s of CPU, 15 s on 2 cores with ``-n 2`` (hypothesis is derandomized, without
shrinking or database; SmolLM2 is loaded once and its entries try few values).
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import numpy as np
import pytest
from bad_inputs import RNG, E, New, TookTooLong, catalogue, extreme_values, judge, same_result, same_variants
from hypothesis import HealthCheck, Phase, given, settings

from mlcourse import bias_variance, load_smollm2, mlp, regression
from mlcourse.course_map import Choice, Question, load_quiz
from mlcourse.mlp import MLP
from mlcourse.ngram import CharNGram
from mlcourse.scale import TransformerConfig
from mlcourse.weights import QuantizedTensor

PACKAGE = Path(__file__).resolve().parent.parent / "mlcourse"

#: Modules whose every public function and class must have a registry entry: every idea module and
#: every exercise-checker module, read from the files, so a new module is registered or this list fails.
IDEA_MODULES = sorted(
    [f"mlcourse.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"]
    + [f"mlcourse.exercises.{p.stem}" for p in PACKAGE.glob("exercises/chapter*.py")]
)

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


def trailing(a, b):
    """A successful call had ``b`` equal to the trailing axes of ``a`` (as ``losses.mse`` documents), with ndim >= 1."""

    def check(result, kw):
        sa, sb = np.shape(kw[a]), np.shape(kw[b])
        assert len(sb) >= 1 and sa[len(sa) - len(sb) :] == sb, (
            f"{a} of shape {sa} and {b} of shape {sb} were broadcast silently"
        )

    return check


def sh(name):
    return lambda kw: np.shape(kw[name])


# --------------------------------------------------------------------------- fixed objects the examples use

LM = CharNGram(order=2).fit("abracadabra cadabra abba")
EXP = bias_variance.make_experiment(8, np.random.default_rng(0), n_sets=4, n_test=5)
X3 = [[0.0, 1.0], [1.0, 0.5], [-0.5, 0.25]]
X6 = np.random.default_rng(1).normal(size=(6, 2))
Y6 = [0, 1, 0, 1, 1, 0]
XS = [-0.9, -0.4, 0.1, 0.5, 0.8, 0.95]
YS = [0.1, 0.3, -0.2, 0.4, 0.9, 1.0]
STATE = np.random.get_state(legacy=False)  # noqa: NPY002 (a snapshot, nothing is drawn)
PARAMS = mlp.init_params((2, 3, 2), np.random.default_rng(2))
Z, INPUTS = mlp.forward_with_inputs(PARAMS, X3)
CFG = TransformerConfig(vocab_size=100, d_model=16, n_layers=2, n_heads=4, d_ff=32)
QUIZ = load_quiz()
CHOICES = (Choice("yes", "right", correct=True), Choice("no", "not quite"))
LLM = load_smollm2()  # loaded once; each call costs 0.1-0.3 s, so its entries try few values


def _net():
    return MLP((2, 4, 2), np.random.default_rng(3))


NET = New(_net)  # a fresh network per call (train changes it in place)
RELU = New(
    lambda: __import__("mlcourse.approximation").approximation.relu_network([1.0, -1.0], [0.0, 0.5], [1.0, 2.0], 0.1)
)
HIST = New(lambda: __import__("mlcourse.training").training.learning_rate_run(0.5))


def _experiment(seed):
    return tuple(np.random.default_rng(seed).random(3))


def _streams(seed, n):
    return [np.random.default_rng(c) for c in np.random.SeedSequence(seed).spawn(n)]


def _decompose(predictions, f_test):
    mean = predictions.mean(axis=0)
    return np.mean((mean - f_test) ** 2), np.mean(predictions.var(axis=0))


def _sgd_step(params, grads, learning_rate):
    for k in params:
        params[k] -= learning_rate * grads[k]


def _logit_grad(logits, y):
    return mlp.logit_gradient(logits, y)


def _count(layer_sizes):
    return mlp.parameter_count(layer_sizes)


def _fitter(x_train, y_train, x_test):
    return regression.polynomial_fitter(1)(x_train, y_train, x_test)


class TieModel:
    """A fake language model over 6 tokens for near_ties.greedy_trace: token 3 + n % 2 leads by 0.5 after n tokens."""

    def new_cache(self):
        return []

    def step(self, ids, cache):
        rows = []
        for token in ids:
            cache.append(int(token))
            row = np.zeros(6)
            row[3 + len(cache) % 2] = 0.5
            rows.append(row)
        return np.array(rows)


_MATRIX_SHAPES = {
    "attn_q": (8, 8),
    "attn_k": (8, 4),
    "attn_v": (8, 4),
    "attn_output": (8, 8),
    "ffn_gate": (8, 16),
    "ffn_up": (8, 16),
    "ffn_down": (16, 8),
}
TINY_LLAMA = {"token_embd": np.ones((10, 8)), "blocks": [{k: np.ones(s) for k, s in _MATRIX_SHAPES.items()}] * 2}


def _llm():
    return LLM


def _lm():
    return LM


def _quiz():
    return QUIZ


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
    # mlcourse.model
    E("mlcourse.model.linear", x=[0.0, 1.0, 2.0], w=2.0, b=1.0, _check=shape(sh("x"))),
    E("mlcourse.model.polynomial", x=[0.0, 1.0, 2.0], coefs=[1.0, 0.5, 0.25], _check=shape(sh("x"))),
    E("mlcourse.model.linear_scores", X=X3, W=[[1.0, 0.0, 2.0], [0.5, 1.0, -1.0]], b=[0.1, 0.2, 0.3], _check=shape(lambda kw: (3, 3))),
    E("mlcourse.model.best_weight", x=[0.0, 1.0, 2.0], y=[1.0, 3.0, 5.0], b=1.0, weights=[1.0, 2.0, 3.0]),
    E("mlcourse.model.count_parameters", arrays=None, _skip="takes *arrays: covered by tests/test_model.py"),
    E("mlcourse.model.standardize", X=X3, _check=shape(sh("X"), lambda kw: np.shape(kw["X"])[1:], lambda kw: np.shape(kw["X"])[1:])),
    E("mlcourse.model.standardized_weights", W=[[1.0, 0.0, 2.0], [0.5, 1.0, -1.0]], b=[0.1, 0.2, 0.3], mean=[1.0, 2.0], std=[0.5, 2.0], _check=shape(lambda kw: (2, 3), lambda kw: (3,))),
    E("mlcourse.model.fruit_scores", mass_g=150.0, elongation=1.1, _check=shape(lambda kw: (3,))),
    # mlcourse.losses
    E("mlcourse.losses.mse", predictions=[1.0, 2.0, 3.0], targets=[1.0, 2.0, 4.0], axis=-1, _check=trailing("predictions", "targets")),
    E("mlcourse.losses.perplexity", logits=[[2.0, 0.5, -1.0], [0.0, 1.0, 0.0]], targets=[0, 1], _kinds={"targets": "labels"}, _allow=(np.inf,)),  # inf documented (a target of probability 0)
    E("mlcourse.losses.cross_entropy", logits=[[2.0, 0.5, -1.0], [0.0, 1.0, 0.0]], labels=[0, 1], reduction="mean", _kinds={"labels": "labels"}, _allow=(np.inf,)),
    # mlcourse.softmax
    E("mlcourse.softmax.as_logits", value=[1.0, 2.0], name="logits", _kinds={"value": "fixed", "name": "fixed"}),  # values are checked by checked_max (documented)
    E("mlcourse.softmax.as_axis", axis=-1, ndim=2, _kinds={"ndim": "fixed"}),  # ndim comes from an array
    E("mlcourse.softmax.checked_max", x=np.array([[1.0, 2.0], [0.0, -1.0]]), axis=1, name="logits", _kinds={"x": "fixed", "axis": "fixed", "name": "fixed"}),  # runs on as_logits' output, axis from as_axis
    E("mlcourse.softmax.scaled_shift", x=np.array([[1.0, 2.0], [0.0, -1.0]]), temperature=2.0, axis=1, _kinds={"x": "fixed", "axis": "fixed", "temperature": "fixed"}),
    E("mlcourse.softmax.one_hot_argmax", x=np.array([[1.0, 2.0], [0.0, -1.0]]), axis=1, _kinds={"x": "fixed", "axis": "fixed"}),
    E("mlcourse.softmax.softmax", logits=[2.0, 1.0, -1.0], temperature=1.0, axis=-1, _check=shape(sh("logits"))),
    E("mlcourse.softmax.logsumexp", logits=[2.0, 1.0, -1.0], axis=-1),
    E("mlcourse.softmax.log_softmax", logits=[2.0, 1.0, -1.0], axis=-1, _allow=(-np.inf,), _check=shape(sh("logits"))),
    E("mlcourse.softmax.entropy", probs=[0.5, 0.25, 0.25], axis=-1, unit="nats"),
    E("mlcourse.softmax.naive_softmax", logits=[2.0, 1.0, -1.0], _kinds={"logits": "fixed"}),
    E("mlcourse.softmax.overflow_threshold"),
    E("mlcourse.softmax.sigmoid", z=[0.5, -1.0, 2.0], _check=shape(sh("z"))),
    # mlcourse.decoding
    E("mlcourse.decoding.temperature", logits=[2.0, 1.0, -1.0], t=0.5, _allow=(-np.inf,), _check=shape(sh("logits"))),
    E("mlcourse.decoding.greedy", logits=[2.0, 1.0, -1.0]),
    E("mlcourse.decoding.filter_logits", logits=[2.0, 1.0, -1.0, 0.5], top_k=2, top_p=0.9, _kinds={"top_p": "number"}, _allow=(-np.inf,)),
    E("mlcourse.decoding.sample", logits=[2.0, 1.0, -1.0], rng=RNG, temperature=1.0, top_k=2, top_p=0.9, size=3),
    E("mlcourse.decoding.repetition_penalty", logits=[2.0, 1.0, -1.0, 0.5], previous=[0, 2], penalty=1.2, _kinds={"previous": "labels"}, _allow=(-np.inf,), _check=shape(sh("logits"))),  # -inf logits (masked) stay -inf
    # mlcourse.beam_search
    E("mlcourse.beam_search.sequence_log_prob", lm=LM, prompt="ab", continuation="ra", _kinds={"lm": "object"}),
    E("mlcourse.beam_search.beam_search", lm=LM, prompt="ab", length=3, width=2, _kinds={"lm": "object"}),
    # mlcourse.near_ties (the model is an argument: a tiny fake one here; tests/test_near_ties.py runs SmolLM2)
    E("mlcourse.near_ties.top_two_gap", logits=[1.0, 3.5, 2.0]),
    E("mlcourse.near_ties.round_to_float16", weights=np.array([0.1, -0.2, 3.0], np.float32), _check=shape(sh("weights"))),
    E("mlcourse.near_ties.GreedyTrace", _skip="a record made by greedy_trace"),
    E("mlcourse.near_ties.greedy_trace", lm=TieModel(), ids=[1, 2], steps=3, _kinds={"lm": "object", "ids": "fixed"}),  # ids go to the model's step, which checks them (SmolLM2.logits above)
    E("mlcourse.near_ties.first_difference", a=[5, 6, 7], b=[5, 6, 8], _kinds={"a": "labels", "b": "labels"}),
    # mlcourse.ngram
    E("mlcourse.ngram.load_corpus"),
    E("mlcourse.ngram.CharNGram", order=2, smoothing=0.01),
    E("mlcourse.ngram.CharNGram.fit", _self=lambda: CharNGram(order=2), text="abracadabra", _kinds={"text": "str"}),
    E("mlcourse.ngram.CharNGram.logits", _self=_lm, context="ab"),
    E("mlcourse.ngram.CharNGram.probabilities", _self=_lm, context="ab", temperature=0.5),
    E("mlcourse.ngram.CharNGram.generate", _self=_lm, prompt="ab", length=5, rng=RNG, temperature=1.0, top_k=3, top_p=0.9),
    E("mlcourse.ngram.CharNGram.cross_entropy", _self=_lm, text="abra"),
    E("mlcourse.ngram.words", text="The cat sat."),
    E("mlcourse.ngram.distinct_ngram_ratio", text="abcabc", n=2),
    E("mlcourse.ngram.known_word_fraction", text="the cat", vocabulary=["the", "dog"], _kinds={"vocabulary": "strs"}),
    E("mlcourse.ngram.generation_report", model=LM, prompt="ab", temperatures=[0.5, 1.0], seeds=[0, 1], length=5, vocabulary=["abra"], _kinds={"seeds": "sizes", "vocabulary": "strs", "model": "object"}, _examples=12),
    # mlcourse.determinism
    E("mlcourse.determinism.roll_dice", rng=RNG, n=5, _check=shape(lambda kw: (kw["n"],))),
    E("mlcourse.determinism.jitter", values=[1.0, 2.0], rng=RNG, scale=0.01, _check=shape(sh("values"))),
    E("mlcourse.determinism.spawn_generators", seed=0, n=3),
    E("mlcourse.determinism.new_seed"),
    E("mlcourse.determinism.RunRecord", _skip="a plain record of a run (made by run_experiment)"),
    E("mlcourse.determinism.run_experiment", seed=0, n=3),
    E("mlcourse.determinism.summation_orders", values=[0.1, 0.2, 0.3]),
    E("mlcourse.determinism.ulps_from", value=0.30000000000000004, reference=0.3),
    E("mlcourse.determinism.near_tie_logits", values=[1e16, 1.0, 1.0, -1e16, 1.0], order_a="loop, left to right", order_b="math.fsum (exact)"),
    E("mlcourse.determinism.sample_population", rng=RNG, size=12, _check=shape(lambda kw: (kw["size"],), lambda kw: (kw["size"],))),
    E("mlcourse.determinism.fit_line", x=[0.0, 1.0, 2.0], y=[1.0, 3.0, 5.5]),
    E("mlcourse.determinism.fit_many_samples", rng=RNG, n_samples=2, size=5, _check=shape(lambda kw: (kw["n_samples"], 2))),
    E("mlcourse.determinism.sample_continuations", lm=LM, prompt="ab", length=3, temperature=1.0, seeds=[0, 1], _kinds={"seeds": "sizes", "lm": "object"}),
    E("mlcourse.determinism.continuation_counts", continuations=["ab", "ab", "c"], _kinds={"continuations": "strs"}),
    E("mlcourse.determinism.global_random_state"),
    E("mlcourse.determinism.same_random_state", a=STATE, b=STATE, _kinds={"a": "object", "b": "object"}),
    # mlcourse.regression
    E("mlcourse.regression.check_size", entries=10, what="x", _kinds={"what": "fixed"}),
    E("mlcourse.regression.target", x=[-0.5, 0.0, 0.5], _check=shape(sh("x"))),
    E("mlcourse.regression.sample_data", n=5, rng=RNG, noise=0.3, n_sets=2, layout="uniform", f=regression.target, _check=shape(*[lambda kw: (kw["n_sets"], kw["n"]) if kw["n_sets"] is not None else (kw["n"],)] * 2)),
    E("mlcourse.regression.legendre_design", x=[-0.5, 0.5, 0.9], degree=3, _check=shape(lambda kw: (*np.shape(kw["x"]), kw["degree"] + 1))),
    E("mlcourse.regression.random_features", n_features=4, rng=RNG, scale=10.0, n_sets=2, _check=shape(*[lambda kw: (kw["n_sets"], kw["n_features"]) if kw["n_sets"] is not None else (kw["n_features"],)] * 2)),
    E("mlcourse.regression.random_feature_design", x=[-0.5, 0.5, 0.9], w=[1.0, 2.0], b=[0.1, 0.2], _check=shape(lambda kw: np.shape(kw["x"]) + np.shape(kw["w"]))),
    E("mlcourse.regression.least_squares", design=[[1.0, 0.1], [1.0, 0.5], [1.0, 0.9], [1.0, -0.3]], y=[1.0, 2.0, 3.0, 0.5], ridge=0.0, _check=shape(lambda kw: np.broadcast_shapes(np.shape(kw["design"])[:-2], np.shape(kw["y"])[:-1]) + np.shape(kw["design"])[-1:])),
    E("mlcourse.regression.evaluate", design=[[1.0, 0.1], [1.0, 0.5], [1.0, 0.9]], coefs=[1.0, 2.0], _check=shape(lambda kw: np.broadcast_shapes(np.shape(kw["design"])[:-2], np.shape(kw["coefs"])[:-1]) + np.shape(kw["design"])[-2:-1])),  # stacks of designs and coefficients
    E("mlcourse.regression.fit_polynomial", x=XS, y=YS, degree=2, ridge=0.0, _check=no_broadcast("x", "y")),
    E("mlcourse.regression.predict_polynomial", coefs=[1.0, 0.5, 0.25], x=[-0.5, 0.5], _check=shape(lambda kw: np.shape(kw["coefs"])[:-1] + np.shape(kw["x"]))),  # a stack of fits gives a stack of curves
    E("mlcourse.regression.least_squares_fitter", features=regression.target, ridge=0.0),
    E("mlcourse.regression.polynomial_fitter", degree=2, ridge=0.0),
    # mlcourse.bias_variance
    E("mlcourse.bias_variance.Experiment", _skip="a plain record made by make_experiment"),
    E("mlcourse.bias_variance.Decomposition", _skip="a plain record made by decompose"),
    E("mlcourse.bias_variance.make_experiment", n=5, rng=RNG, noise=0.3, n_sets=3, n_test=4, layout="stratified", fixed_x=False, f=regression.target),
    E("mlcourse.bias_variance.simulate_fits", degree=1, n=5, x_test=[-0.5, 0.0, 0.5], rng=RNG, n_sets=3, noise=0.3, _check=shape(lambda kw: (kw["n_sets"], *np.shape(kw["x_test"])))),
    E("mlcourse.bias_variance.bias_and_variance", predictions=[[1.0, 2.0], [1.5, 2.5], [0.5, 2.0]], f_test=[1.0, 2.0]),
    E("mlcourse.bias_variance.decompose", predictions=[[1.0, 2.0], [1.5, 2.5], [0.5, 2.0]], f_test=[1.0, 2.0], y_test=[[1.1, 2.1], [0.9, 1.9], [1.0, 2.2]], noise=0.3, train_error=0.1),
    E("mlcourse.bias_variance.measure", experiment=EXP, fitter=_fitter, _kinds={"experiment": "object"}),
    E("mlcourse.bias_variance.degree_sweep", experiment=EXP, degrees=[0, 1, 2], ridge=0.0, _kinds={"experiment": "object", "degrees": "sizes"}),
    E("mlcourse.bias_variance.ridge_sweep", experiment=EXP, degree=2, ridges=[0.0, 0.1], _kinds={"experiment": "object"}),
    E("mlcourse.bias_variance.learning_curve", sizes=[3, 5], degree=1, rng=RNG, noise=0.3, n_sets=3, n_test=4, _kinds={"sizes": "sizes"}),
    E("mlcourse.bias_variance.as_list", values=[1, 2], name="degrees", _kinds={"values": "sizes", "name": "fixed"}, _same=False),  # returns the items as given
    # mlcourse.model_selection
    E("mlcourse.model_selection.kfold_indices", n=6, k=3, rng=RNG),
    E("mlcourse.model_selection.cross_validation_error", x=XS, y=YS, degree=1, k=3, rng=RNG, ridge=0.0),
    E("mlcourse.model_selection.validation_error", x=XS, y=YS, degree=1, n_val=2, ridge=0.0),
    # mlcourse.double_descent
    E("mlcourse.double_descent.random_feature_fitter", w=[1.0, 2.0], b=[0.1, 0.2], ridge=0.0),
    E("mlcourse.double_descent.feature_sweep", experiment=EXP, counts=[1, 2], w=[1.0, 2.0], b=[0.1, 0.2], ridge=0.0, _kinds={"experiment": "object", "counts": "sizes"}),
    # mlcourse.datasets
    E("mlcourse.datasets.two_moons", n=10, rng=RNG, noise=0.1, _check=shape(lambda kw: (kw["n"], 2), lambda kw: (kw["n"],))),
    E("mlcourse.datasets.spirals", n=10, rng=RNG, n_classes=3, turns=1.0, noise=0.05, _check=shape(lambda kw: (kw["n"], 2), lambda kw: (kw["n"],))),
    E("mlcourse.datasets.blobs", n=10, rng=RNG, centers=[[-1.0, 0.0], [1.0, 0.0]], std=0.3, _check=shape(lambda kw: (kw["n"], 2), lambda kw: (kw["n"],))),
    E("mlcourse.datasets.rotate", X=X3, degrees=45.0, center=[0.0, 0.0], _check=shape(sh("X"))),
    E("mlcourse.datasets.shift", X=X3, offset=[1.0, 2.0], _check=shape(sh("X"))),
    E("mlcourse.datasets.train_val_split", X=X6, y=np.array(Y6), rng=RNG, val_fraction=0.25, _kinds={"y": "labels"}),
    # mlcourse.mlp
    E("mlcourse.mlp.check_layer_sizes", layer_sizes=(2, 3, 2), name="layer_sizes", _kinds={"layer_sizes": "sizes", "name": "fixed"}),
    E("mlcourse.mlp.parameter_count", layer_sizes=(2, 3, 2), bias=True, _kinds={"layer_sizes": "sizes"}),
    E("mlcourse.mlp.activate", z=[[0.5, -1.0]], activation="tanh", _check=shape(sh("z")), _allow=(np.inf, -np.inf), _same=False),  # keeps float32; inf passes (forward reports overflow)
    E("mlcourse.mlp.activation_slope", h=[[0.5, -0.2]], activation="relu", _check=shape(sh("h")), _allow=(np.inf, -np.inf), _same=False),
    E("mlcourse.mlp.init_params", layer_sizes=(2, 3, 2), rng=RNG, activation="tanh", bias_std=0.1, _kinds={"layer_sizes": "sizes"}),
    E("mlcourse.mlp.forward", params=PARAMS, X=X3, activation="tanh", _kinds={"params": "object"}, _check=shape(lambda kw: (3, 2))),
    E("mlcourse.mlp.forward_with_inputs", params=PARAMS, X=X3, activation="tanh", _kinds={"params": "object"}),
    E("mlcourse.mlp.logit_gradient", logits=[[2.0, 0.5], [0.0, 1.0]], y=[0, 1], _kinds={"y": "labels"}, _check=shape(sh("logits"))),
    E("mlcourse.mlp.backward", params=PARAMS, inputs=INPUTS, dz=Z, activation="tanh", _kinds={"params": "object", "inputs": "object"}),
    E("mlcourse.mlp.check_params", params=PARAMS, _kinds={"params": "object"}),
    E("mlcourse.mlp.MLP", layer_sizes=(2, 3, 2), rng=RNG, activation="relu", bias_std=0.0, _kinds={"layer_sizes": "sizes"}),
    E("mlcourse.mlp.MLP.from_params", _self=lambda: MLP, params=PARAMS, activation="tanh", _kinds={"params": "object"}),
    E("mlcourse.mlp.MLP.loss_and_grads", _self=_net, X=X6, y=np.array(Y6), _kinds={"y": "labels"}),
    E("mlcourse.mlp.MLP.predict", _self=_net, X=X6, _check=shape(lambda kw: (6,))),
    E("mlcourse.mlp.MLP.accuracy", _self=_net, X=X6, y=np.array(Y6), _kinds={"y": "labels"}),
    # mlcourse.optim
    E("mlcourse.optim.sgd_step", params=New(lambda: {"W": np.ones(2)}), grads={"W": np.ones(2)}, learning_rate=0.1, _kinds={"params": "object", "grads": "object"}),
    E("mlcourse.optim.adam_update", param=New(lambda: np.ones(2)), grad=np.array([0.5, -0.5]), m=New(lambda: np.zeros(2)), v=New(lambda: np.zeros(2)), t=1, learning_rate=0.01, beta1=0.9, beta2=0.999, eps=1e-8, _kinds={"param": "fixed", "m": "fixed", "v": "fixed"}),
    E("mlcourse.optim.SGD", learning_rate=0.1),
    E("mlcourse.optim.SGD.step", _self=lambda: __import__("mlcourse.optim").optim.SGD(0.1), params=New(lambda: {"W": np.ones(2)}), grads={"W": np.ones(2)}, _kinds={"params": "object", "grads": "object"}),
    E("mlcourse.optim.Adam", learning_rate=0.01, beta1=0.9, beta2=0.999, eps=1e-8),
    E("mlcourse.optim.make_optimizer", optimizer="adam", learning_rate=0.1),
    # mlcourse.training
    E("mlcourse.training.History", _skip="a record filled by train"),
    E("mlcourse.training.train", model=NET, X=X6, y=np.array(Y6), rng=RNG, epochs=2, batch_size=4, learning_rate=0.1, optimizer="sgd", X_val=X6, y_val=np.array(Y6), target_accuracy=0.99, keep_params=False, _kinds={"model": "object", "y": "labels", "y_val": "labels"}, _examples=16),
    E("mlcourse.training.describe_learning_rate", history=HIST, _kinds={"history": "object"}),
    E("mlcourse.training.learning_rate_run", learning_rate=0.5, _examples=6),
    E("mlcourse.training.learning_rate_runs", learning_rates=[0.5, 2.0], _examples=6),
    E("mlcourse.gradient_check.numerical_gradients", model=NET, X=X3, y=np.array([0, 1, 1]), eps=1e-5, _kinds={"model": "object", "y": "labels"}),
    E("mlcourse.gradient_check.relative_error", a=[1.0, 2.0], b=[1.0, 2.1], _allow=(np.nan,)),  # NaN for non-finite input, documented: gradient_check turns it into inf
    E("mlcourse.gradient_check.gradient_check", model=NET, X=X3, y=np.array([0, 1, 1]), grads=None, eps=1e-5, _kinds={"model": "object", "y": "labels", "grads": "object"}),
    E("mlcourse.training.training_memory", model=NET, X=X6, y=np.array(Y6), optimizer="adam", _kinds={"model": "object", "y": "labels"}),
    E("mlcourse.training.inference_memory", model=NET, X=X6, _kinds={"model": "object"}),
    E("mlcourse.training.matmul_flops", layer_sizes=(2, 3, 2), n=5, _kinds={"layer_sizes": "sizes"}),
    E("mlcourse.training.median_seconds", fn=lambda: None, repeats=3, _kinds={"fn": "fixed"}, _same=False),
    # mlcourse.scale
    E("mlcourse.scale.TransformerConfig", vocab_size=100, d_model=16, n_layers=2, n_heads=4, d_ff=32, n_positions=8, n_kv_heads=2, mlp="swiglu", norm="rmsnorm", bias=False, tied_embeddings=True, _kinds={"n_kv_heads": "int"}),
    E("mlcourse.scale.transformer_parameter_breakdown", config=CFG, _kinds={"config": "object"}),
    E("mlcourse.scale.transformer_parameter_count", config=CFG, _kinds={"config": "object"}),
    E("mlcourse.scale.weights_memory_bytes", n_params=1e9, dtype="bf16"),
    E("mlcourse.scale.training_memory_bytes", n_params=1e9, bytes_per_parameter=16),
    E("mlcourse.scale.inference_flops_per_token", n_params=1e9),
    E("mlcourse.scale.training_flops", n_params=1e9, n_tokens=1e12),
    E("mlcourse.scale.short_count", n=1.5e9),
    E("mlcourse.scale.format_bytes", n_bytes=2.5e9),
    E("mlcourse.scale.kv_cache_bytes_per_token", config=CFG, bytes_per_value=2.0, _kinds={"config": "object"}),
    E("mlcourse.scale.kv_cache_bytes", config=CFG, context=16, batch=2, bytes_per_value=2.0, _kinds={"config": "object"}),
    E("mlcourse.scale.kv_cache_table", configs=[CFG], context=4096, batch=32, bytes_per_value=2.0, _kinds={"configs": "object"}),
    # mlcourse.flops
    E("mlcourse.flops.CountingMatrix", _skip="an ndarray subclass made by count_weight_flops"),
    E("mlcourse.flops.count_weight_flops", fn=lambda p: np.ones((1, 2)) @ p["W"], params={"W": np.ones((2, 3))}, _kinds={"fn": "fixed", "params": "fixed"}, _same=False),  # returns fn's result as is, and fn decides what params it needs
    E("mlcourse.flops.decoder_matrix_sizes", params=TINY_LLAMA, _kinds={"params": "object"}),
    E("mlcourse.flops.attention_flops", n_layers=2, n_heads=2, head_dim=4, context=5),
    E("mlcourse.flops.generation_flops", n_weights=1000, n_layers=2, n_heads=2, head_dim=4, prompt=3, new=4, kv_cache=True),
    # mlcourse.finetuning
    E("mlcourse.finetuning.lora_parameters", shapes=[(4, 8), (8, 4)], r=2, _kinds={"shapes": "object"}),
    E("mlcourse.finetuning.lora_shapes", params=TINY_LLAMA, targets="q, v", _kinds={"params": "object"}),
    # mlcourse.early_stopping
    E("mlcourse.early_stopping.gradient_descent", design=[[1.0, 0.1], [1.0, 0.5], [1.0, 0.9]], y=[1.0, 2.0, 3.0], lr=0.1, steps=5, weight_decay=0.0, _check=shape(lambda kw: (kw["steps"], *np.broadcast_shapes(np.shape(kw["design"])[:-2], np.shape(kw["y"])[:-1]), np.shape(kw["design"])[-1]))),
    E("mlcourse.early_stopping.max_curvature", design=[[1.0, 0.1], [1.0, 0.5], [1.0, 0.9]], weight_decay=0.0),
    # mlcourse.features
    E("mlcourse.features.FeatureComparison", _skip="a record made by compare_features"),
    E("mlcourse.features.loss_and_gradients", params=New(lambda: {"w": np.ones((2, 3)), "b": np.zeros((2, 3)), "v": np.ones((2, 3)), "c": np.zeros(2)}), x=[-0.5, 0.0, 0.5], y=[0.1, 0.2, 0.3], _kinds={"params": "object"}, _check=shape(lambda kw: (2,), lambda kw: ())),
    E("mlcourse.features.train_networks", x=[-0.5, 0.0, 0.5], y=[0.1, 0.2, 0.3], nets=New(lambda: [RELU.factory()]), steps=3, learning_rate=0.02, _kinds={"nets": "object"}),
    E("mlcourse.features.compare_features", target="sine", widths=[2], rng=RNG, n_seeds=1, n_train=10, steps=2, learning_rate=0.02, _kinds={"widths": "sizes"}, _examples=12),
    # mlcourse.approximation
    E("mlcourse.approximation.relu", z=[-1.0, 0.0, 2.0], _check=shape(sh("z"))),
    E("mlcourse.approximation.sine", x=[-1.0, 0.0, 2.0], _check=shape(sh("x"))),
    E("mlcourse.approximation.step", x=[-1.0, 0.0, 2.0], _check=shape(sh("x"))),
    E("mlcourse.approximation.relu_network", input_weights=[1.0, -1.0], input_biases=[0.0, 0.5], output_weights=[1.0, 2.0], output_bias=0.1),
    E("mlcourse.approximation.network_output", net=RELU, x=[-1.0, 0.0, 2.0], _kinds={"net": "object"}, _check=shape(sh("x"))),
    E("mlcourse.approximation.hidden", net=RELU, x=[-1.0, 0.0, 2.0], _kinds={"net": "object"}),
    E("mlcourse.approximation.kinks", net=RELU, _kinds={"net": "object"}),
    E("mlcourse.approximation.random_hidden_layer", n_hidden=4, rng=RNG, interval=(-1.0, 1.0)),
    E("mlcourse.approximation.fit_output_layer", x=XS, y=YS, input_weights=[1.0, -1.0], input_biases=[0.0, 0.5]),
    E("mlcourse.approximation.fit_random_relu", x=XS, y=YS, n_hidden=3, rng=RNG, interval=(-1.0, 1.0)),
    E("mlcourse.approximation.rms_error", net=RELU, x=[-1.0, 0.0, 2.0], f=np.sin, _kinds={"net": "object"}),
    E("mlcourse.approximation.grid", n=5, interval=(-1.0, 1.0), _check=shape(lambda kw: (kw["n"],))),
    E("mlcourse.approximation.ErrorCurve", _skip="a record made by approximation_errors"),
    E("mlcourse.approximation.approximation_errors", target="sine", widths=[2, 4], rng=RNG, n_train=20, n_test=21, n_repeats=2, _kinds={"widths": "sizes"}, _examples=12),
    E("mlcourse.approximation.error_curves", targets=["sine", "step"], widths=[2, 4], rng=RNG, n_train=20, n_test=21, n_repeats=2, _kinds={"targets": "strs", "widths": "sizes"}, _examples=12),
    E("mlcourse.approximation.Generalisation", _skip="a record made by train_test_errors"),
    E("mlcourse.approximation.train_test_errors", widths=[2, 4], rng=RNG, n_train=8, noise=0.2, n_repeats=2, _kinds={"widths": "sizes"}, _examples=12),
    # mlcourse.quantization
    E("mlcourse.quantization.bits_per_weight", type_name="Q4_1"),
    E("mlcourse.quantization.stored_bytes", n_weights=64, type_name="Q8_0"),
    E("mlcourse.quantization.storage_by_type", tensors=[QuantizedTensor("t", "Q8_0", (2, 32), np.zeros(68, np.uint8))], _kinds={"tensors": "object"}),
    E("mlcourse.quantization.dequantize_q4_1_block", block=np.arange(20, dtype=np.uint8), _kinds={"block": "bytes"}),
    E("mlcourse.quantization.dequantize_q8_0_block", block=np.arange(34, dtype=np.uint8), _kinds={"block": "bytes"}),
    E("mlcourse.quantization.dequantize_q4_1", blocks=np.arange(40, dtype=np.uint8).reshape(2, 20), _kinds={"blocks": "bytes"}),
    E("mlcourse.quantization.dequantize_q8_0", blocks=np.arange(68, dtype=np.uint8).reshape(2, 34), _kinds={"blocks": "bytes"}),
    E("mlcourse.quantization.dequantize", data=np.arange(68, dtype=np.uint8), type_name="Q8_0", shape=(2, 32), _kinds={"data": "bytes", "shape": "sizes"}),
    # mlcourse.transformer: SmolLM2's float32 kernels, run once per layer and token; they trust SmolLM2, which checks
    # its input (below), so only the valid example runs here (tests/test_smollm2.py checks them against PyTorch).
    E("mlcourse.transformer.rms_norm", x=np.ones((2, 4), np.float32), gain=np.ones(4, np.float32), eps=1e-5, _kinds={"x": "fixed", "gain": "fixed", "eps": "fixed"}),
    E("mlcourse.transformer.rope_tables", positions=np.arange(3), head_dim=4, base=10000.0, _kinds={"positions": "fixed", "head_dim": "fixed", "base": "fixed"}),
    E("mlcourse.transformer.rope", x=np.ones((1, 3, 4), np.float32), cos=np.ones((3, 2), np.float32), sin=np.zeros((3, 2), np.float32), _kinds={"x": "fixed", "cos": "fixed", "sin": "fixed"}),
    E("mlcourse.transformer.float32_softmax", scores=np.array([[1.0, 2.0]], np.float32), _kinds={"scores": "fixed"}),
    E("mlcourse.transformer.attention", q=np.ones((2, 3, 4), np.float32), k=np.ones((1, 3, 4), np.float32), v=np.ones((1, 3, 4), np.float32), _kinds={"q": "fixed", "k": "fixed", "v": "fixed"}),
    E("mlcourse.transformer.self_attention", _skip="a SmolLM2 kernel (needs a block's weights): run by SmolLM2.logits below"),
    E("mlcourse.transformer.silu", x=np.array([-1.0, 0.0, 2.0], np.float32), _kinds={"x": "fixed"}),
    E("mlcourse.transformer.swiglu_mlp", _skip="a SmolLM2 kernel (needs a block's weights): run by SmolLM2.logits below"),
    E("mlcourse.transformer.new_kv_cache", n_layers=2, n_kv_heads=1, head_dim=4, _kinds={"n_layers": "fixed", "n_kv_heads": "fixed", "head_dim": "fixed"}),
    E("mlcourse.transformer.llama_forward", _skip="SmolLM2's forward pass (needs its weights): run by SmolLM2.logits below"),
    # mlcourse.smollm2 (the model is loaded once; each call costs 0.1-0.3 s, so few values each)
    E("mlcourse.smollm2.load_smollm2", _skip="loads the weights (tests/test_smollm2.py); its methods are registered below"),
    E("mlcourse.smollm2.SmolLM2", _skip="made by load_smollm2; its methods are registered below"),
    E("mlcourse.smollm2.SmolLM2.encode", _self=_llm, text="Hi there"),
    E("mlcourse.smollm2.SmolLM2.decode", _self=_llm, ids=[28120, 665], _kinds={"ids": "labels"}),
    E("mlcourse.smollm2.SmolLM2.chat_prompt", _self=_llm, message="Hi", system="Be brief."),
    E("mlcourse.smollm2.SmolLM2.logits", _self=_llm, ids=[28120, 665], _kinds={"ids": "labels"}, _examples=8),
    E("mlcourse.smollm2.SmolLM2.generate", _self=_llm, ids=[28120], max_new_tokens=1, rng=RNG, temperature=1.0, top_k=5, top_p=0.9, _kinds={"ids": "labels"}, _examples=6),
    E("mlcourse.smollm2.SmolLM2.chat", _self=_llm, message="Hi", system="Be brief.", rng=RNG, max_new_tokens=1, temperature=0.5, top_k=5, top_p=0.9, _examples=5),
    # mlcourse.weights: the file readers run on the local cache; fetch, convert and main download or write files
    E("mlcourse.weights.cache_dir"),
    E("mlcourse.weights.check_cache", _skip="reads the cache folder (tests/test_smollm2.py); a bad path is a FileNotFoundError"),
    E("mlcourse.weights.load_config", _skip="reads the cache folder (tests/test_smollm2.py)"),
    E("mlcourse.weights.tokenizer_file", _skip="reads the cache folder (tests/test_smollm2.py)"),
    E("mlcourse.weights.load_quantized", _skip="reads the cache folder (tests/test_smollm2.py)"),
    E("mlcourse.weights.load_tensors", _skip="reads the cache folder (tests/test_smollm2.py)"),
    E("mlcourse.weights.build_tokenizer", _skip="builds a tokenizer from a GGUF vocabulary (tests/test_smollm2.py)"),
    E("mlcourse.weights.convert", _skip="writes files"),
    E("mlcourse.weights.fetch", _skip="downloads (network)"),
    E("mlcourse.weights.main", _skip="command line: downloads and writes files"),
    E("mlcourse.weights.QuantizedTensor", _skip="a record made by load_quantized"),
    # mlcourse.course_map
    E("mlcourse.course_map.load_quiz", _skip="reads a JSON file (tests/test_course_map.py)"),
    E("mlcourse.course_map.choice_letter", index=2),
    E("mlcourse.course_map.Chapter", _skip="a record of the chapter list"),
    E("mlcourse.course_map.Choice", text="yes", feedback="right", correct=True),
    E("mlcourse.course_map.Question", prompt="Is it?", choices=CHOICES, chapter=1, _kinds={"choices": "object"}),
    E("mlcourse.course_map.Quiz", questions=[Question("Is it?", CHOICES, 1)], name="quiz", _kinds={"questions": "object"}),
    E("mlcourse.course_map.Quiz.choice_index", _self=_quiz, question=1, choice="a", _kinds={"choice": "str"}),
    # mlcourse.exercises: whatever the reader passes, a checker returns Feedback
    E("mlcourse.exercises.chapter1.check_predict", predict=lambda x, w, b: w * np.asarray(x) + b, _reader=("predict",)),
    E("mlcourse.exercises.chapter1.check_standardize", standardize=lambda X: (X - X.mean(axis=0)) / X.std(axis=0), _reader=("standardize",)),
    E("mlcourse.exercises.chapter1.check_line_through", w=2.0, b=1.0, _reader=("w", "b")),
    E("mlcourse.exercises.chapter2.check_mlp_count", answer=109386, _kinds={"answer": "number"}, _reader=("answer",)),
    E("mlcourse.exercises.chapter2.check_count_function", count=_count, _reader=("count",)),
    E("mlcourse.exercises.chapter2.check_memory_answer", weights_gb=26.0, training_gb=208.0, _reader=("weights_gb", "training_gb")),
    E("mlcourse.exercises.chapter2.check_kv_cache_answer", per_token_bytes=819200.0, total_gb=26.8435456, _reader=("per_token_bytes", "total_gb")),
    E("mlcourse.exercises.chapter2.check_relu_network_facts", n_parameters=61, max_kinks=20, n_hidden=20, _reader=("n_parameters", "max_kinks")),
    E("mlcourse.exercises.chapter3.check_perplexity", fn=lambda logits, targets: __import__("mlcourse.losses").losses.perplexity(logits, targets), _reader=("fn",)),
    E("mlcourse.exercises.chapter3.check_temperature_for", temperature=1.0, _reader=("temperature",)),
    E("mlcourse.exercises.chapter3.check_nucleus", kept=[0, 1], _kinds={"kept": "labels"}, _reader=("kept",)),
    E("mlcourse.exercises.chapter4.check_reproducible", experiment=_experiment, _reader=("experiment",)),
    E("mlcourse.exercises.chapter4.check_non_associative", a=0.1, b=0.2, c=0.3, _reader=("a", "b", "c")),
    E("mlcourse.exercises.chapter4.check_likelier_than_greedy", lm=LM, prompt="ab", text="ra", _kinds={"lm": "object"}, _reader=("text",)),
    E("mlcourse.exercises.chapter4.check_streams", make_streams=_streams, _reader=("make_streams",)),
    E("mlcourse.exercises.chapter5.check_sgd_step", sgd_step=_sgd_step, _reader=("sgd_step",)),
    E("mlcourse.exercises.chapter5.check_logit_gradient", logit_grad=_logit_grad, _reader=("logit_grad",)),
    E("mlcourse.exercises.chapter5.check_soft_target_gradient", soft_target_grad=lambda logits, q: (__import__("mlcourse.softmax").softmax.softmax(logits) - q) / len(q), _reader=("soft_target_grad",)),
    E("mlcourse.exercises.chapter5.check_gradient_check_cost", n_forward_passes=2 * 354, _kinds={"n_forward_passes": "number"}, _reader=("n_forward_passes",)),
    E("mlcourse.exercises.chapter6.check_constant_variance", answer=0.01, n=25, sigma=0.5, _reader=("answer",)),
    E("mlcourse.exercises.chapter6.check_decompose", func=_decompose, _reader=("func",)),
    E("mlcourse.exercises.chapter6.fold_mean_cv_error", x=XS, y=YS, degree=1, k=3),
    E("mlcourse.exercises.chapter6.check_cv", func=lambda x, y, degree, k: bias_variance.__name__ and __import__("mlcourse.exercises.chapter6").exercises.chapter6.fold_mean_cv_error(x, y, degree, k), _reader=("func",)),
    E("mlcourse.exercises.chapter7.check_quiz_answer", question=1, choice="a", _kinds={"choice": "str"}, _reader=("question", "choice")),
    E("mlcourse.exercises.chapter7.check_quiz", answers={1: "a"}, _kinds={"answers": "object"}, _reader=("answers",)),
]
# fmt: on

#: Known defects not fixed yet: "name:arg" (bad values), "name:arg@extremes", "name:arg@same" -> the defect.
XFAILS: dict[str, str] = {}

#: Arguments whose bad values are caught as a mismatch with another argument, whose name the message gives instead.
NAME_ALSO: dict[str, tuple[str, ...]] = {
    "mlcourse.mlp.logit_gradient:logits": ("y",),  # logits of shape (2, 1): "y must be in [0, 1) for 1 classes"
    "mlcourse.scale.TransformerConfig:n_heads": ("n_kv_heads must be <=",),  # n_kv_heads <= n_heads
    "mlcourse.bias_variance.bias_and_variance:predictions": ("f_test",),  # one value per test input
    "mlcourse.bias_variance.decompose:predictions": ("f_test", "y_test"),
    "mlcourse.bias_variance.simulate_fits:x_test": ("x must lie in [-1, 1]",),  # x_test is the x of the fits
    "mlcourse.approximation.network_output:x": ("X must not be empty",),  # x becomes the network's input X
    "mlcourse.decoding.repetition_penalty:logits": ("previous",),
    "mlcourse.features.loss_and_gradients:x": (
        "y must have shape",
    ),  # y must match x: "y must have shape (n,)"  # too few logits: "previous must hold token ids in [0, V)"
}

#: Arguments whose TypeError/ValueError messages do not (always) name them: "module.function:argument" -> example.
NAME_XFAILS: dict[str, str] = {
    "mlcourse.bias_variance.measure:fitter": "a fitter of the wrong signature raises Python's own TypeError (it names the function, not fitter)",
}

ACTIVE = [e for e in REGISTRY if not e.skip]


def _xfail(entry, arg, test):
    """The xfail mark for one (entry, argument, test): key ``"arg"`` marks the bad-values test, ``"arg@extremes"``
    the generated-extremes test and ``"arg@same"`` the numpy-spellings test; :data:`NAME_XFAILS` marks the
    error-message test."""
    reason = entry.xfail.get(f"{arg}@{test}") or (entry.xfail.get(arg) if test == "bad" else None)
    reason = reason or XFAILS.get(f"{entry.name}:{arg}" + ("" if test == "bad" else f"@{test}"))
    if test == "name":
        reason = NAME_XFAILS.get(f"{entry.target}:{arg}")
        hang = entry.xfail.get(arg) or XFAILS.get(f"{entry.name}:{arg}", "")
        if hang.startswith("hangs"):
            reason = hang
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
    names |= set(NAME_ALSO.get(f"{entry.target}:{arg}", ()))
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
        owner = entry.obj() if entry.obj is not None else importlib.import_module(module)
        assert hasattr(owner, name), entry.target
