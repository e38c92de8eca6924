"""Chapters 2 and 5 define the MLP's mechanics on the page; the package keeps the tested copies.

Each test runs the page's function and the package's on the same random inputs (several seeds
and shapes, including large values) and requires the same results.
"""

import ast
import itertools
from pathlib import Path

import numpy as np
import pytest

from mlcourse import mlp, optim
from mlcourse.softmax import softmax
from tests.page import page_functions

CH2 = page_functions("02_parameters.ipynb", "layer_parameters", "relu", "forward")
CH5 = page_functions(
    "05_training_vs_inference.ipynb",
    "forward_with_inputs",
    "logit_gradient",
    "backward",
    "sgd_step",
    "adam_update",
    namespace={"softmax": softmax},
)
SHAPES = [(1, 1), (3, 4, 2), (2, 16, 16, 2), (5, 7, 1, 3), (4, 8, 8, 8, 3)]


def random_params(sizes, seed, scale=1.0, activation="tanh"):
    rng = np.random.default_rng(seed)
    params = mlp.init_params(sizes, rng, activation=activation, bias_std=0.5)
    return {k: scale * v for k, v in params.items()}


@pytest.mark.parametrize("sizes", [(1, 1), (3, 4), (784, 128, 64, 10), (5, 1, 5, 1)])
def test_layer_count_on_the_page_adds_up_to_the_package_count(sizes):
    page = sum(CH2["layer_parameters"](a, b) for a, b in itertools.pairwise(sizes))
    assert page == mlp.parameter_count(sizes)


@pytest.mark.parametrize(("sizes", "seed", "scale"), [(s, seed, c) for s in SHAPES for seed in (0, 1) for c in (1, 30)])
def test_chapter2_forward_is_the_package_forward_with_relu(sizes, seed, scale):
    params = random_params(sizes, seed, scale, activation="relu")
    X = scale * np.random.default_rng(seed + 10).normal(size=(6, sizes[0]))
    np.testing.assert_array_equal(CH2["forward"](params, X), mlp.forward(params, X, activation="relu"))
    np.testing.assert_array_equal(CH2["relu"](X), mlp.activate(X, "relu"))


@pytest.mark.parametrize(("sizes", "seed", "scale"), [(s, seed, c) for s in SHAPES for seed in (0, 1) for c in (1, 30)])
def test_chapter5_forward_keeps_the_same_inputs_as_the_package(sizes, seed, scale):
    params = random_params(sizes, seed, scale)
    X = scale * np.random.default_rng(seed + 10).normal(size=(7, sizes[0]))
    page_out, page_inputs = CH5["forward_with_inputs"](params, X)
    out, inputs = mlp.forward_with_inputs(params, X, activation="tanh")
    np.testing.assert_array_equal(page_out, out)
    assert len(page_inputs) == len(inputs)
    for a, b in zip(page_inputs, inputs, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("scale", [1.0, 50.0])
def test_logit_gradient_on_the_page_is_the_package_one(seed, scale):
    rng = np.random.default_rng(seed)
    n, k = rng.integers(1, 9), rng.integers(2, 6)
    logits = scale * rng.normal(size=(n, k))
    y = rng.integers(0, k, size=n)
    page = CH5["logit_gradient"](logits.copy(), y)
    np.testing.assert_allclose(page, mlp.logit_gradient(logits.copy(), y), rtol=1e-15, atol=1e-17)
    # and both are (softmax - onehot) / n, computed independently here
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(page, (p - np.eye(k)[y]) / n, atol=1e-15)


@pytest.mark.parametrize(("sizes", "seed"), [(s, seed) for s in SHAPES for seed in (0, 1, 2)])
def test_backward_on_the_page_is_the_package_backward(sizes, seed):
    params = random_params(sizes, seed)
    rng = np.random.default_rng(seed + 20)
    X = rng.normal(size=(5, sizes[0]))
    _, inputs = mlp.forward_with_inputs(params, X)
    dz = rng.normal(size=(5, sizes[-1]))
    page = CH5["backward"](params, inputs, dz.copy())
    package = mlp.backward(params, inputs, dz.copy(), activation="tanh")
    assert set(page) == set(package) == set(params)
    for name in params:
        np.testing.assert_allclose(page[name], package[name], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("seed", range(3))
def test_sgd_step_on_the_page_is_the_package_step(seed):
    params = random_params((3, 5, 2), seed)
    grads = {k: np.random.default_rng(seed + 1).normal(size=v.shape) for k, v in params.items()}
    page, package = {k: v.copy() for k, v in params.items()}, {k: v.copy() for k, v in params.items()}
    CH5["sgd_step"](page, grads, 0.3)
    optim.sgd_step(package, grads, 0.3)
    for name in params:
        np.testing.assert_array_equal(page[name], package[name])
        np.testing.assert_allclose(page[name], params[name] - 0.3 * grads[name])


@pytest.mark.parametrize("seed", range(3))
def test_adam_update_on_the_page_is_the_package_update_over_many_steps(seed):
    rng = np.random.default_rng(seed)
    page = [rng.normal(size=(4, 3)), np.zeros((4, 3)), np.zeros((4, 3))]
    package = [a.copy() for a in page]
    settings = {"learning_rate": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}
    for t in range(1, 20):
        grad = rng.normal(size=(4, 3)) * 10.0 ** rng.integers(-3, 4)
        CH5["adam_update"](*page[:1], grad, page[1], page[2], t, lr=0.05, b1=0.8, b2=0.99, eps=1e-6)
        optim.adam_update(package[0], grad, package[1], package[2], t, **settings)
        for a, b in zip(page, package, strict=True):
            np.testing.assert_array_equal(a, b)


IDEA_MODULES = [
    "mlp",
    "optim",
    "training",
    "gradient_check",
    "scale",
    "approximation",
    "features",
    "quantization",
    "datasets",
    "flops",
    "finetuning",
]
FORBIDDEN = ("matplotlib", "IPython", "ipywidgets", "mlcourse.figures", "mlcourse.exercises")


@pytest.mark.parametrize("name", IDEA_MODULES)
def test_idea_modules_import_no_drawing_or_checkers(name):
    path = Path(__file__).resolve().parent.parent / "mlcourse" / f"{name}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    bad = sorted(m for m in imported if m.startswith(FORBIDDEN))
    assert not bad, f"mlcourse/{name}.py imports {bad}"
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


# --------------------------------------------------------------------------- chapter 2: one Q4_1 block

CH2_BLOCK = page_functions("02_parameters.ipynb", "dequantize_q4_1_block")


@pytest.mark.parametrize("seed", range(4))
def test_q4_1_block_on_the_page_is_the_package_block(seed):
    from mlcourse import quantization

    rng = np.random.default_rng(seed)
    for _ in range(50):
        block = rng.integers(0, 256, size=20, dtype=np.uint8)
        scales = rng.normal(0, 10.0 ** rng.integers(-4, 3), size=2).astype(np.float16)
        block[:4] = scales.view(np.uint8)
        page = CH2_BLOCK["dequantize_q4_1_block"](block)
        package = quantization.dequantize_q4_1_block(block)
        assert page.dtype == package.dtype == np.float32
        np.testing.assert_array_equal(page.view(np.uint32), package.view(np.uint32))
        # and both are d * q + m with q the 4-bit integers, low nibbles first
        q = np.concatenate([block[4:] & 15, block[4:] >> 4]).astype(np.float32)
        d, m = scales.astype(np.float32)
        np.testing.assert_array_equal(page, d * q + m)
