"""The code chapters 3 and 4 show on the page agrees with the package's tested copies.

Each test runs the page's own cells (``tests/page.py``) and the package function on the same
random inputs, including extreme ones, and requires the same results.
"""

import numpy as np
import pytest

from mlcourse import decoding, losses
from mlcourse import determinism as det
from mlcourse import softmax as sm
from mlcourse.ngram import CharNGram, load_corpus
from tests.page import page_functions

CH3 = "03_logits.ipynb"
CH4 = "04_determinism.ipynb"
SEEDS = range(5)
SHAPES = [(1,), (6,), (50,), (3, 7)]
SCALES = [1.0, 30.0, 1e3, 1e300]  # 1e300: far beyond exp's overflow at ~709.78


@pytest.fixture(scope="module")
def page3():
    return page_functions(
        CH3,
        "naive_softmax",
        "sigmoid",
        "softmax",
        "logsumexp",
        "log_softmax",
        "cross_entropy",
        "top_k",
        "top_p",
        "sample",
        "decode_filter",
    )


@pytest.fixture(scope="module")
def page4():
    return page_functions(CH4, "spawn_generators", "generate", "sample_continuations", namespace={"decoding": decoding})


@pytest.fixture(scope="module")
def char_model():
    return CharNGram(order=4).fit(load_corpus())


def random_logits(seed, shape, scale):
    return np.random.default_rng(seed).normal(size=shape) * scale


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_on_the_page_is_the_package_softmax(page3, seed, shape, scale):
    z = random_logits(seed, shape, scale)
    np.testing.assert_array_equal(page3["softmax"](z), sm.softmax(z))


def test_softmax_agrees_on_float32_and_masked_logits(page3):
    z = random_logits(1, (4, 9), 50.0).astype(np.float32)
    np.testing.assert_allclose(page3["softmax"](z.astype(np.float64)), sm.softmax(z), rtol=1e-15)
    masked = np.array([0.5, -np.inf, 2.0, -np.inf])
    np.testing.assert_array_equal(page3["softmax"](masked), sm.softmax(masked))


@pytest.mark.parametrize("seed", SEEDS)
def test_naive_softmax_on_the_page_is_the_package_demo(page3, seed):
    z = random_logits(seed, (3, 5), 10.0)
    np.testing.assert_array_equal(page3["naive_softmax"](z), sm.naive_softmax(z))


@pytest.mark.parametrize("size", [1, 2, 6, 50])
@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("seed", SEEDS)
def test_logsumexp_and_log_softmax_on_the_page_match_the_package(page3, seed, size, scale):
    z = random_logits(seed, (size,), scale)
    np.testing.assert_allclose(page3["logsumexp"](z), sm.logsumexp(z), rtol=1e-14, atol=0)
    np.testing.assert_allclose(page3["log_softmax"](z), sm.log_softmax(z), rtol=1e-14, atol=1e-300)


def test_page_logsumexp_keeps_tiny_terms_like_the_package(page3):
    # log(1 + e**-40) = e**-40 to within 1e-35 (log1p); a plain log gives 0.
    z = np.array([0.0, -40.0])
    assert page3["logsumexp"](z) == sm.logsumexp(z)
    assert page3["logsumexp"](z) == pytest.approx(np.exp(-40.0), rel=1e-15)


@pytest.mark.parametrize("seed", SEEDS)
def test_cross_entropy_on_the_page_is_the_package_loss(page3, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(8, 5)) * 4
    y = rng.integers(0, 5, size=8)
    page = [page3["cross_entropy"](row, label) for row, label in zip(z, y, strict=True)]
    np.testing.assert_allclose(page, losses.cross_entropy(z, y, reduction="none"), rtol=1e-14)
    assert np.mean(page) == pytest.approx(losses.cross_entropy(z, y), rel=1e-14)
    assert page3["cross_entropy"](z[0], int(y[0])) == pytest.approx(losses.cross_entropy(z[0], y[0]), rel=1e-14)


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("seed", SEEDS)
def test_top_k_on_the_page_is_the_package_filter(page3, seed, k):
    z = random_logits(seed, (8,), 2.0)
    np.testing.assert_array_equal(page3["top_k"](z, k), decoding.filter_logits(z, top_k=k))
    ties = np.random.default_rng(seed).integers(0, 3, size=8).astype(float)  # many ties
    np.testing.assert_array_equal(page3["top_k"](ties, k), decoding.filter_logits(ties, top_k=k))


@pytest.mark.parametrize("p", [1e-9, 0.1, 0.5, 0.7, 0.9, 0.99])
@pytest.mark.parametrize("seed", SEEDS)
def test_top_p_on_the_page_is_the_package_filter(page3, seed, p):
    z = random_logits(seed, (12,), 2.0)
    np.testing.assert_array_equal(page3["top_p"](z, p), decoding.filter_logits(z, top_p=p))
    masked = z.copy()
    masked[::3] = -np.inf
    np.testing.assert_array_equal(page3["top_p"](masked, p), decoding.filter_logits(masked, top_p=p))
    # the hand example of test_decoding: totals that reach p only up to rounding
    hand = np.log([0.5, 0.3, 0.15, 0.05])
    np.testing.assert_array_equal(page3["top_p"](hand, 0.8), decoding.filter_logits(hand, top_p=0.8))


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_sample_on_the_page_draws_what_the_package_draws(page3, temperature):
    z = random_logits(3, (7,), 0.5)
    page = [page3["sample"](z, np.random.default_rng(s), temperature) for s in range(300)]
    package = [decoding.sample(z, np.random.default_rng(s), temperature=temperature) for s in range(300)]
    assert page == package
    assert len(set(page)) > 3


@pytest.mark.parametrize("seed", SEEDS)
def test_sigmoid_on_the_page_is_the_package_sigmoid(page3, seed):
    z = random_logits(seed, (40,), 10.0)
    np.testing.assert_allclose(page3["sigmoid"](z), sm.sigmoid(z), rtol=1e-14, atol=0)


@pytest.mark.parametrize("temperature", [0.3, 1.0, 2.5])
@pytest.mark.parametrize("seed", SEEDS)
def test_decode_filter_on_the_page_follows_the_package_order(page3, seed, temperature):
    z = random_logits(seed, (30,), 3.0)
    for k, p in [(10, 0.8), (None, 0.5), (5, None), (30, 0.99)]:
        page = page3["decode_filter"](z, temperature, k, p)
        package = decoding.filter_logits(decoding.temperature(z, temperature), top_k=k, top_p=p)
        np.testing.assert_array_equal(np.isfinite(page), np.isfinite(package))
        np.testing.assert_allclose(sm.softmax(page), sm.softmax(package), rtol=1e-12, atol=1e-300)


def test_spawn_generators_on_the_page_is_the_package_recipe(page4):
    for seed in (0, 42, 2024):
        page = [g.random(5) for g in page4["spawn_generators"](seed, 3)]
        package = [g.random(5) for g in det.spawn_generators(seed, 3)]
        np.testing.assert_array_equal(page, package)


@pytest.mark.parametrize("temperature", [0.0, 0.5, 1.0, 2.0])
def test_the_generation_loop_on_the_page_is_the_models_generate(page4, char_model, temperature):
    for seed in range(4):
        page = page4["generate"](char_model, "the ", 30, np.random.default_rng(seed), temperature)
        package = char_model.generate("the ", 30, np.random.default_rng(seed), temperature=temperature)
        assert page == package


@pytest.mark.parametrize("temperature", [0.0, 1.0])
def test_sample_continuations_on_the_page_is_the_package_helper(page4, char_model, temperature):
    page = page4["sample_continuations"](char_model, "model ", 6, temperature, range(12))
    assert page == det.sample_continuations(char_model, "model ", 6, temperature, range(12))
