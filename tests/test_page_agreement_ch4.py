"""Chapter 4's new page code (sequence log-probability, top-two gap) agrees with the package."""

import numpy as np
import pytest

from mlcourse import beam_search, near_ties
from mlcourse.ngram import CharNGram, load_corpus
from mlcourse.softmax import log_softmax
from tests.page import page_functions

CH4 = "04_determinism.ipynb"


@pytest.fixture(scope="module")
def page():
    return page_functions(CH4, "sequence_log_prob", "top_two_gap", namespace={"log_softmax": log_softmax})


@pytest.fixture(scope="module")
def char_model():
    return CharNGram(order=4).fit(load_corpus())


@pytest.mark.parametrize("seed", range(5))
def test_sequence_log_prob_on_the_page_is_the_package_copy(page, char_model, seed):
    rng = np.random.default_rng(seed)
    prompt = "".join(rng.choice(char_model.vocab, size=int(rng.integers(0, 8))))
    text = "".join(rng.choice(char_model.vocab, size=int(rng.integers(1, 12))))
    assert page["sequence_log_prob"](char_model, prompt, text) == pytest.approx(
        beam_search.sequence_log_prob(char_model, prompt, text), rel=1e-12
    )


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("scale", [1.0, 1e-6, 1e4])
def test_top_two_gap_on_the_page_is_the_package_copy(page, seed, scale):
    row = (np.random.default_rng(seed).normal(size=49152) * scale).astype(np.float32)
    assert float(page["top_two_gap"](row)) == near_ties.top_two_gap(row)
