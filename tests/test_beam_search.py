"""Sequence log-probabilities and beam search, against hand-computed toy models and exhaustive search."""

import itertools
import math
from typing import ClassVar

import numpy as np
import pytest

from mlcourse import beam_search as bs
from mlcourse.ngram import CharNGram, load_corpus


class TableModel:
    """A toy model whose next-character probabilities depend on the last character only."""

    vocab = ("a", "b", "c")
    table: ClassVar[dict[str, list[float]]] = {
        "": [0.5, 0.4, 0.1],  # a is the best first character ...
        "a": [0.35, 0.35, 0.3],  # ... but after a everything is uncertain,
        "b": [0.05, 0.05, 0.9],  # while after b, c is nearly sure
        "c": [0.2, 0.2, 0.6],
    }

    def logits(self, context):
        return np.log(np.array(self.table[context[-1:]]))


def test_sequence_log_prob_is_the_chain_rule():
    m = TableModel()
    assert math.isclose(bs.sequence_log_prob(m, "", "a"), math.log(0.5))
    assert math.isclose(bs.sequence_log_prob(m, "", "ab"), math.log(0.5 * 0.35))
    assert math.isclose(bs.sequence_log_prob(m, "", "bc"), math.log(0.4 * 0.9))
    assert math.isclose(bs.sequence_log_prob(m, "c", "ca"), math.log(0.6 * 0.2))


def test_greedy_misses_the_most_likely_sequence_and_a_beam_finds_it():
    m = TableModel()
    greedy, greedy_score = bs.beam_search(m, "", 2, width=1)[0]
    assert greedy in {"aa", "ab"} and math.isclose(greedy_score, math.log(0.5 * 0.35))
    best, best_score = bs.beam_search(m, "", 2, width=2)[0]
    assert best == "bc" and math.isclose(best_score, math.log(0.4 * 0.9))


def exhaustive(model, prompt, length):
    scored = [
        ("".join(t), bs.sequence_log_prob(model, prompt, "".join(t)))
        for t in itertools.product(model.vocab, repeat=length)
    ]
    return max(scored, key=lambda kv: kv[1])


@pytest.mark.parametrize("length", [1, 2, 3, 4])
def test_a_full_width_beam_is_exhaustive_search(length):
    m = TableModel()
    width = len(m.vocab) ** length
    best = bs.beam_search(m, "", length, width=width)[0]
    _, score = exhaustive(m, "", length)
    assert math.isclose(best[1], score) and bs.sequence_log_prob(m, "", best[0]) == pytest.approx(score)


def test_beam_scores_are_sorted_and_width_one_is_the_models_greedy_decoding():
    lm = CharNGram(order=4).fit(load_corpus())
    beams = bs.beam_search(lm, "the ", 5, width=5)
    scores = [s for _, s in beams]
    assert scores == sorted(scores, reverse=True) and len(beams) == 5
    for text, score in beams:
        assert math.isclose(score, bs.sequence_log_prob(lm, "the ", text), rel_tol=1e-12)
    greedy = lm.generate("the ", 5, np.random.default_rng(0), temperature=0)
    assert bs.beam_search(lm, "the ", 5, width=1)[0][0] == greedy


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda m: bs.sequence_log_prob("model", "", "a"), TypeError, "lm must be a fitted language model"),
        (lambda m: bs.sequence_log_prob(m, 3, "a"), TypeError, "prompt must be a str"),
        (lambda m: bs.sequence_log_prob(m, "", ""), ValueError, "continuation must hold"),
        (lambda m: bs.sequence_log_prob(m, "", "az"), ValueError, "outside the vocabulary"),
        (lambda m: bs.beam_search(m, "", 0), ValueError, "length must be >= 1"),
        (lambda m: bs.beam_search(m, "", 2, width=0), ValueError, "width must be >= 1"),
        (lambda m: bs.beam_search(m, None, 2), TypeError, "prompt must be a str"),
    ],
)
def test_bad_input_gives_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call(TableModel())
