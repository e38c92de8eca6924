"""The character n-gram language model (mlcourse.ngram) and the text measures."""

import math
import time

import numpy as np
import pytest
import scipy.special

from mlcourse import decoding
from mlcourse import ngram as lm


def test_counts_on_a_tiny_text_derived_by_hand():
    # "abracadabra", order 3: contexts of length 2 and what followed them
    #   ab -> r (twice), br -> a (twice), ra -> c, ac -> a, ca -> d, ad -> a, da -> b
    model = lm.CharNGram(order=3, smoothing=0.0).fit("abracadabra")
    assert model.vocab == ("a", "b", "c", "d", "r")
    counts = {ctx: dict(zip(model.vocab, row.tolist(), strict=True)) for ctx, row in model.counts.items()}
    assert counts["ab"] == {"a": 0, "b": 0, "c": 0, "d": 0, "r": 2}
    assert counts["br"] == {"a": 2, "b": 0, "c": 0, "d": 0, "r": 0}
    assert counts["ra"] == {"a": 0, "b": 0, "c": 1, "d": 0, "r": 0}
    assert counts["da"]["b"] == 1 and sum(counts["da"].values()) == 1
    # context length 1: "a" is followed by b, c, d, b (the final "a" has no successor)
    assert counts["a"] == {"a": 0, "b": 2, "c": 1, "d": 1, "r": 0}
    # context length 0: every character (the unigram counts)
    assert counts[""] == {"a": 5, "b": 2, "c": 1, "d": 1, "r": 2}
    assert set(model.counts) == {"", "a", "b", "c", "d", "r", "ab", "br", "ra", "ac", "ca", "ad", "da"}
    assert model.n_parameters == 13 * 5


def test_logits_are_log_smoothed_counts_and_softmax_gives_the_frequencies():
    model = lm.CharNGram(order=2, smoothing=0.5).fit("aab")
    # after "a": a once, b once; smoothing 0.5 -> logits log(1.5), log(1.5)
    np.testing.assert_allclose(model.logits("a"), np.log([1.5, 1.5]))
    # after "b": never a context -> back off to the unigram counts a: 2, b: 1
    assert model.context_used("b") == ""
    np.testing.assert_allclose(model.logits("b"), np.log([2.5, 1.5]))
    np.testing.assert_allclose(model.probabilities("b"), [2.5 / 4, 1.5 / 4])
    assert model.logits("xyz").shape == (2,)  # unknown characters back off too


def test_zero_smoothing_gives_minus_infinity_to_unseen_characters():
    model = lm.CharNGram(order=3, smoothing=0.0).fit("abracadabra")
    logits = model.logits("ab")
    assert logits[model.vocab.index("r")] == pytest.approx(math.log(2))
    assert np.isneginf(logits[[0, 1, 2, 3]]).all()
    np.testing.assert_array_equal(model.probabilities("ab"), [0, 0, 0, 0, 1])


def test_back_off_uses_the_longest_seen_suffix():
    model = lm.CharNGram(order=4).fit("the cat sat")
    assert model.context_used("xxthe") == "the"
    assert model.context_used("zhe") == "he"
    assert model.context_used("q") == ""
    assert model.context_used("") == ""


def test_generation_is_reproducible_and_respects_the_vocabulary():
    model = lm.CharNGram(order=3).fit(lm.load_corpus())
    a = model.generate("The ", 80, np.random.default_rng(5), temperature=0.8)
    b = model.generate("The ", 80, np.random.default_rng(5), temperature=0.8)
    c = model.generate("The ", 80, np.random.default_rng(6), temperature=0.8)
    assert a == b and a != c
    assert len(a) == 80 and set(a) <= set(model.vocab)
    assert model.generate("The ", 0, np.random.default_rng(0)) == ""


@pytest.mark.parametrize(
    "knobs", [{"temperature": 0}, {"temperature": 0.5}, {"temperature": 2.0}, {"top_p": 0.5}, {"top_k": 3}]
)
def test_generation_draws_what_sampling_step_by_step_draws(knobs):
    # generate() works out each context's distribution once; the text and the generator's
    # state afterwards must match the plain loop of chapter 4 (one decoding.sample per step).
    model = lm.CharNGram(order=3, smoothing=0.1).fit("the cat sat on the mat. the dog sat on the log.")
    for seed in (0, 1):
        fast, slow = np.random.default_rng(seed), np.random.default_rng(seed)
        text, out = "the ", []
        for _ in range(60):
            out.append(model.vocab[decoding.sample(model.logits(text), slow, **knobs)])
            text += out[-1]
        assert model.generate("the ", 60, fast, **knobs) == "".join(out)
        assert fast.random() == slow.random()


@pytest.mark.parametrize("knobs", [{}, {"top_p": 0.5}, {"top_k": 2}])
def test_the_report_measures_what_generate_writes_for_each_seed(knobs):
    # generation_report shares each context's distribution between the seeds' runs; every run
    # must still be exactly generate() with a fresh default_rng(seed), at every temperature.
    model = lm.CharNGram(order=3, smoothing=0.1).fit("the cat sat on the mat. the dog sat on the log.")
    vocabulary = {"the", "cat", "sat", "on", "mat", "dog", "log"}
    report = lm.generation_report(
        model, "the ", [0.0, 0.7, 3.0], seeds=(0, 1, 2), length=50, vocabulary=vocabulary, **knobs
    )
    for t, row in report.items():
        texts = [model.generate("the ", 50, np.random.default_rng(s), temperature=t, **knobs) for s in (0, 1, 2)]
        assert row["text"] == texts[0]
        assert row["distinct2"] == pytest.approx(np.mean([lm.distinct_ngram_ratio(x) for x in texts]))
        assert row["known"] == pytest.approx(np.mean([lm.known_word_fraction(x, vocabulary) for x in texts]))


@pytest.mark.parametrize("smoothing", [0.0, 0.01])
@pytest.mark.parametrize("knobs", [(0.0, None, None), (1.0, None, None), (0.4, None, 0.5), (2.0, 3, 0.9)])
def test_tables_for_all_contexts_at_once_are_the_tables_one_context_at_a_time(smoothing, knobs):
    # generation_report works out every context's distribution in one batched call; each row
    # must be exactly what generate() works out for that context alone.
    model = lm.CharNGram(order=3, smoothing=smoothing).fit("the cat sat on the mat. the dog sat on the log.")
    t, top_k, top_p = knobs
    batched = model._all_tables(t, top_k, top_p)
    assert set(batched) == set(model.counts)
    for context, entry in batched.items():
        alone = {}
        model._continue(context, [0.5], t, top_k, top_p, alone)
        assert alone[model.context_used(context)] == entry


def test_a_unigram_model_ignores_the_prompt():
    model = lm.CharNGram(order=1, smoothing=0.0).fit("aab")
    slow = np.random.default_rng(4)
    expected = "".join(model.vocab[decoding.sample(model.logits(""), slow)] for _ in range(30))
    assert model.generate("bbb", 30, np.random.default_rng(4)) == expected


def test_greedy_generation_follows_the_most_frequent_path():
    # after "ab" always "r", after "br" always "a", after "ra" only "c": greedy must spell it out
    model = lm.CharNGram(order=3, smoothing=0.01).fit("abracadabra")
    assert model.generate("ab", 5, np.random.default_rng(0), temperature=0) == "racad"
    # with zero smoothing, sampling at any temperature can only follow seen continuations
    model0 = lm.CharNGram(order=3, smoothing=0.0).fit("abracadabra")
    assert model0.generate("ab", 5, np.random.default_rng(1), temperature=3.0) == "racad"


def test_sampled_next_characters_follow_the_model_probabilities():
    model = lm.CharNGram(order=2, smoothing=0.0).fit("aaab" * 5)
    # after "a": a 10 times, b 5 times -> 2/3, 1/3
    draws = [model.generate("a", 1, rng) for rng in [np.random.default_rng(s) for s in range(3000)]]
    assert draws.count("a") / len(draws) == pytest.approx(2 / 3, abs=0.03)


def test_cross_entropy_of_text_matches_a_direct_computation():
    model = lm.CharNGram(order=2, smoothing=1.0).fit("abab")
    # vocab (a, b); after a: b twice -> p(b|a) = 3/4; after b: a once -> p(a|b) = 2/3
    # text "aba": -(log 3/4 + log 2/3) / 2
    assert model.cross_entropy("aba") == pytest.approx(-(math.log(3 / 4) + math.log(2 / 3)) / 2)
    expected = -scipy.special.log_softmax(model.logits("a"))[1]
    assert model.cross_entropy("ab") == pytest.approx(expected)


def test_corpus_loads_and_fitting_is_fast():
    text = lm.load_corpus()
    assert len(lm.words(text)) > 3000
    start = time.perf_counter()
    model = lm.CharNGram(order=4).fit(text)
    assert time.perf_counter() - start < 1.0
    assert "e" in model.vocab and " " in model.vocab


def test_cold_decoding_repeats_and_hot_decoding_invents_words():
    model = lm.CharNGram(order=4).fit(lm.load_corpus())
    report = lm.generation_report(model, "The model ", [0.0, 0.5, 2.0], length=400)
    assert report[0.0]["distinct2"] < 0.3  # greedy loops
    assert report[2.0]["distinct2"] > 0.9
    assert report[0.5]["known"] > 0.8
    assert report[2.0]["known"] < 0.4


def test_text_measures_by_hand():
    assert lm.words("The model's logits, 3 times!") == ["the", "model's", "logits", "times"]
    assert lm.distinct_ngram_ratio("a b a b a b", 2) == pytest.approx(2 / 5)
    assert lm.distinct_ngram_ratio("one", 2) == 1.0
    assert lm.distinct_ngram_ratio("x y z", 1) == 1.0
    assert lm.known_word_fraction("the qzx model", {"the", "model"}) == pytest.approx(2 / 3)
    assert lm.known_word_fraction("", {"the"}) == 0.0


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="order must be >= 1"):
        lm.CharNGram(order=0)
    with pytest.raises(ValueError, match="smoothing must be >= 0"):
        lm.CharNGram(smoothing=-1)
    with pytest.raises(TypeError, match="text must be a str"):
        lm.CharNGram().fit(["a", "b"])
    with pytest.raises(ValueError, match="at least order=3 characters"):
        lm.CharNGram(order=3).fit("ab")
    with pytest.raises(RuntimeError, match="call fit"):
        lm.CharNGram().logits("ab")
    model = lm.CharNGram().fit("abcabc")
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        model.generate("a", 3, rng=0)
    with pytest.raises(ValueError, match="length must be >= 0"):
        model.generate("a", -1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        model.generate("a", 3, np.random.default_rng(0), temperature=-1)
    with pytest.raises(TypeError, match="context must be a str"):
        model.logits(3)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        model.cross_entropy("abz")


def test_a_string_is_not_a_vocabulary():
    # set("the model") would be a set of letters, and every one-letter word would count as known
    with pytest.raises(TypeError, match="vocabulary must be a collection of words"):
        lm.known_word_fraction("a b c", "the model")
    with pytest.raises(TypeError, match="vocabulary must hold only strings"):
        lm.known_word_fraction("a b c", [1, 2])
    model = lm.CharNGram(order=2).fit("abab abab")
    with pytest.raises(TypeError, match="vocabulary must be a collection of words"):
        lm.generation_report(model, "a", [1.0], length=5, vocabulary="abab")
    assert lm.known_word_fraction("the a", ["the"]) == 0.5


def test_text_and_seed_arguments_are_checked_by_name():
    model = lm.CharNGram(order=2).fit("abab abab")
    with pytest.raises(TypeError, match="text must be a str"):
        model.cross_entropy(["a", "b"])
    with pytest.raises(ValueError, match="text must have at least 2 characters"):
        model.cross_entropy("a")
    with pytest.raises(ValueError, match=r"seeds\[0\] must be >= 0"):
        lm.generation_report(model, "a", [1.0], seeds=[-1], length=5)
    with pytest.raises(ValueError, match="seeds must hold at least one seed"):
        lm.generation_report(model, "a", [1.0], seeds=np.array([], dtype=int), length=5)
    with pytest.raises(TypeError, match="model must be a fitted CharNGram"):
        lm.generation_report(None, "a", [1.0])
    report = lm.generation_report(model, "a", [0.0], seeds=np.arange(2), length=5, vocabulary={"abab"})
    assert set(report[0.0]) == {"text", "distinct2", "known"}
