"""Chapter 1's page and the package agree: the line, the class scores, the loss and the grid search.

The chapter defines ``predict``, ``linear_scores``, ``mse``, ``best_weight`` and ``standardize`` in visible cells;
``mlcourse`` keeps the tested copies (``model.linear``, ``model.linear_scores``,
``losses.mse``, ``model.best_weight``, ``model.standardize``). Both run on the same random inputs here.
"""

from __future__ import annotations

import numpy as np
import pytest
from page import page_functions

from mlcourse import losses, model

PAGE = page_functions(
    "01_model_as_function.ipynb",
    "predict",
    "linear_scores",
    "mse",
    "best_weight",
    "standardize",
    namespace={"model": model},
)
SEEDS = range(5)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(), (1,), (7,), (3, 4)])
def test_the_line_agrees(seed, shape):
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=10.0, size=shape)
    w, b = rng.normal(scale=5.0, size=2)
    np.testing.assert_array_equal(PAGE["predict"](x, w, b), model.linear(x, w, b))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("n", "features", "classes"), [(1, 2, 3), (5, 1, 1), (8, 4, 6)])
def test_the_class_scores_agree(seed, n, features, classes):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, features))
    W = rng.normal(size=(features, classes))
    b = rng.normal(size=classes)
    np.testing.assert_array_equal(PAGE["linear_scores"](X, W, b), model.linear_scores(X, W, b))


def test_the_class_scores_agree_on_the_fruit_classifier_and_at_large_magnitudes():
    X = np.array([[120.0, 2.5], [200.0, 1.0], [1e6, 1e-6]])
    np.testing.assert_array_equal(
        PAGE["linear_scores"](X, model.FRUIT_W, model.FRUIT_B), model.linear_scores(X, model.FRUIT_W, model.FRUIT_B)
    )
    np.testing.assert_array_equal(
        PAGE["linear_scores"](X[:1], model.FRUIT_W, model.FRUIT_B)[0], model.fruit_scores(120.0, 2.5)
    )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", [1, 5, 50])
def test_the_mean_squared_error_agrees(seed, n):
    rng = np.random.default_rng(seed)
    predictions, targets = rng.normal(scale=3.0, size=(2, n))
    assert PAGE["mse"](predictions, targets) == losses.mse(predictions, targets)
    assert PAGE["mse"](targets, targets) == losses.mse(targets, targets) == 0.0


@pytest.mark.parametrize("seed", SEEDS)
def test_the_grid_search_agrees(seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, size=20)
    slope, b = rng.uniform(-2, 2, size=2)
    y = slope * x + b + rng.normal(scale=0.3, size=20)
    weights = np.linspace(-3, 3, 25)
    page = PAGE["best_weight"](x, y, b, weights)
    assert page == model.best_weight(x, y, b, weights)
    assert abs(page - slope) <= 0.5  # the grid step is 0.25; the noise moves the best slope a little


def test_the_grid_search_agrees_on_the_chapter_data_and_on_ties():
    x, y = model.LINE_DATA_X, model.LINE_DATA_Y
    weights = np.arange(-1.0, 3.01, 0.25)
    assert PAGE["best_weight"](x, y, 1.0, weights) == model.best_weight(x, y, 1.0, weights) == 2.0
    # Weights 1 and 3 miss y = 2x equally: both take the first.
    tie = np.array([3.0, 1.0])
    assert PAGE["best_weight"](x, 2 * x, 0.0, tie) == model.best_weight(x, 2 * x, 0.0, tie) == 3.0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("n", "features"), [(2, 1), (9, 2), (40, 5)])
def test_standardising_agrees(seed, n, features):
    rng = np.random.default_rng(seed)
    scales = 10.0 ** rng.uniform(-3, 4, size=features)  # features in very different units
    X = rng.normal(loc=rng.normal(size=features) * scales, scale=scales, size=(n, features))
    for page, package in zip(PAGE["standardize"](X), model.standardize(X), strict=True):
        np.testing.assert_array_equal(page, package)


def test_standardising_agrees_on_the_fruit_sample_and_the_rewritten_weights_keep_every_score():
    Z, mean, std = PAGE["standardize"](model.FRUIT_SAMPLE)
    W_z, b_z = model.standardized_weights(model.FRUIT_W, model.FRUIT_B, mean, std)
    # The page's formulas (std[:, None] * W, b + mean @ W), written out by hand for one entry.
    assert W_z[1, 2] == pytest.approx(std[1] * model.FRUIT_W[1, 2])
    assert b_z[0] == pytest.approx(model.FRUIT_B[0] + mean[0] * 0.02 + mean[1] * -2.0)
    np.testing.assert_allclose(
        PAGE["linear_scores"](Z, W_z, b_z), model.linear_scores(model.FRUIT_SAMPLE, model.FRUIT_W, model.FRUIT_B)
    )
