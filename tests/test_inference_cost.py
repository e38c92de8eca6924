"""Chapter 5's accounting for a real language model: FLOPs counted by running the code, LoRA's
trainable parameters, the figures that show them, and the soft-target gradient checker."""

import numpy as np
import pytest

from mlcourse import finetuning, flops
from mlcourse import transformer as T
from mlcourse.exercises import chapter5 as ex
from mlcourse.figures import chapter5 as figs
from mlcourse.softmax import softmax
from tests.test_page_agreement_ch5_llm import random_decoder

# --------------------------------------------------------------------------- counting FLOPs


@pytest.mark.parametrize(
    ("a", "b", "multiplies"),
    [((3, 4), (4, 5), 3 * 4 * 5), ((2, 3, 4), (4, 6), 2 * 3 * 4 * 6), ((4,), (4, 7), 28), ((5, 4), (4,), 20)],
)
def test_a_product_with_a_weight_costs_two_flops_per_multiply(a, b, multiplies):
    rng = np.random.default_rng(0)
    x, W = rng.normal(size=a), rng.normal(size=b)
    result, counted = flops.count_weight_flops(lambda w: x @ w, W)
    np.testing.assert_array_equal(result, x @ W)
    assert type(result) is np.ndarray
    assert counted == 2 * multiplies


def test_only_products_with_weights_count_and_views_share_the_tally():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    params = {"W": rng.normal(size=(4, 6)), "nested": [rng.normal(size=(6, 4))]}

    def fn(p):
        h = np.tanh(x @ p["W"])  # 2*3*6*4 = 144
        h = h @ p["nested"][0]  # 2*3*4*6 = 144
        _ = x @ y  # no weight: not counted
        return h @ p["W"].T.T[:, :3]  # a view of W: (3, 4) @ (4, 3) = 2*3*3*4 = 72

    _, counted = flops.count_weight_flops(fn, params)
    assert counted == 2 * 144 + 72
    assert type(params["W"]) is np.ndarray  # the caller's arrays are untouched


def test_a_decoder_costs_two_flops_per_weight_per_token():
    params, hparams = random_decoder(0)
    ids = np.arange(5)
    logits, counted = flops.count_weight_flops(lambda p: T.llama_forward(ids, p, hparams), params)
    np.testing.assert_array_equal(logits, T.llama_forward(ids, params, hparams))
    sizes = flops.decoder_matrix_sizes(params)
    per_block = 16 * 16 + 16 * 8 + 16 * 8 + 16 * 16  # q, k, v (2 kv heads of 4), output
    assert sizes == {"attention": 2 * per_block, "MLP": 2 * 3 * 16 * 24, "output head": 30 * 16}
    assert counted == 2 * len(ids) * sum(sizes.values())


def test_attention_flops_by_hand_and_bad_input():
    assert flops.attention_flops(30, 9, 64, 45) == 4 * 30 * 9 * 64 * 45
    with pytest.raises(ValueError, match="context"):
        flops.attention_flops(30, 9, 64, 0)
    with pytest.raises(TypeError, match="n_heads"):
        flops.attention_flops(30, 9.0, 64, 3)
    with pytest.raises(TypeError, match="fn"):
        flops.count_weight_flops(3, {})
    with pytest.raises(TypeError, match="blocks"):
        flops.decoder_matrix_sizes({"token_embd": np.zeros((2, 2))})


# --------------------------------------------------------------------------- LoRA


def test_lora_counts_by_hand_and_on_a_decoder():
    assert finetuning.lora_parameters([(10, 20)], 2) == 2 * 30
    assert finetuning.lora_parameters([], 4) == 0
    params, _ = random_decoder(1)
    assert finetuning.lora_shapes(params, "q, v") == [(16, 16), (16, 8)] * 2
    shapes = finetuning.lora_shapes(params)
    assert len(shapes) == 14 and (24, 16) in shapes
    assert finetuning.lora_parameters(shapes, 4) == 4 * 2 * (32 + 24 + 24 + 32 + 40 + 40 + 40)


@pytest.mark.parametrize(
    ("shapes", "r", "error", "match"),
    [
        ([(10, 20)], 0, ValueError, "r"),
        ([(10, 20)], 2.0, TypeError, "r"),
        ([(10, 20)], 11, ValueError, "at most"),
        ([(10, 20, 3)], 2, ValueError, "shapes\\[0\\]"),
        ([(10, -1)], 1, ValueError, "shapes\\[0\\]"),
    ],
)
def test_lora_bad_input(shapes, r, error, match):
    with pytest.raises(error, match=match):
        finetuning.lora_parameters(shapes, r)


def test_lora_shapes_bad_input():
    with pytest.raises(ValueError, match="targets"):
        finetuning.lora_shapes(random_decoder(0)[0], "everything")
    with pytest.raises(TypeError, match="blocks"):
        finetuning.lora_shapes([], "q, v")


# --------------------------------------------------------------------------- figures


def test_decoder_flops_figure_states_its_numbers():
    plot = figs.plot_decoder_flops({"attention": 100_000_000, "MLP": 300_000_000, "output head": 50_000_000}, 9_000_000)
    assert len(plot.fig.axes) == 1 and len(plot.fig.axes[0].patches) == 4
    assert "attention weights 200.0" in plot.alt and "attention scores and values 9.0" in plot.alt
    assert "909 million" in plot.alt and "99.0%" in plot.alt
    with pytest.raises(ValueError):
        figs.plot_decoder_flops({"MLP": -1}, 0)


def test_fine_tuning_seeds_figure_states_ranges_and_means():
    plot = figs.plot_fine_tuning_seeds([2, 3, 4], [40, 50, 90], target=0.95)
    assert "2 to 4 (mean 3.0)" in plot.alt and "40 to 90 (mean 60)" in plot.alt and "3 seeds" in plot.alt
    for bad in ([], [2, None], [[1, 2]]):
        with pytest.raises((ValueError, TypeError)):
            figs.plot_fine_tuning_seeds(bad, [1], target=0.95)


# --------------------------------------------------------------------------- the soft-target exercise


def test_soft_target_checker_accepts_the_answer_and_names_mistakes():
    assert ex.check_soft_target_gradient(lambda z, q: (softmax(z) - q) / len(q)).ok
    cases = {
        "divide by n": lambda z, q: softmax(z) - q,
        "sign": lambda z, q: (q - softmax(z)) / len(q),
        "distribution": lambda z, q: (softmax(z) - np.eye(z.shape[1])[q.argmax(1)]) / len(q),
        "with respect to the logits": lambda z, q: -q / softmax(z) / len(q),
        "shape": lambda z, q: np.zeros(3),
    }
    for words, answer in cases.items():
        feedback = ex.check_soft_target_gradient(answer)
        assert not feedback.ok and words in feedback.message, (words, feedback.message)


@pytest.mark.parametrize("answer", [None, "text", [[1, 2], [3]], np.full((5, 4), np.nan), 42])
def test_soft_target_checker_never_crashes(answer):
    assert not ex.check_soft_target_gradient(lambda z, q: answer).ok
    assert not ex.check_soft_target_gradient(lambda z, q: 1 / 0).ok
    assert not ex.check_soft_target_gradient("not a function").ok


def test_generation_flops_by_hand():
    # n_weights 10 and one layer, head and channel: 20 FLOPs per token, 4 per query-key pair
    assert flops.generation_flops(10, 1, 1, 1, 2, 3, kv_cache=True) == [56, 56 + 32, 56 + 32 + 36]
    assert flops.generation_flops(10, 1, 1, 1, 2, 3, kv_cache=False) == [56, 56 + 96, 56 + 96 + 144]
    assert flops.generation_flops(10, 1, 1, 1, 2, 0, kv_cache=True) == []
    with pytest.raises(ValueError, match="prompt"):
        flops.generation_flops(10, 1, 1, 1, 0, 3, kv_cache=True)


def test_generation_flops_figure_states_totals():
    plot = figs.plot_generation_flops([2e9, 3e9, 4e9], [2e9, 5e9, 9e9], prompt=7)
    assert "up to 3 tokens" in plot.alt and "7-token prompt" in plot.alt
    assert "ends at 4.0" in plot.alt and "ends at 9.0, 2 times more" in plot.alt
    with pytest.raises(ValueError):
        figs.plot_generation_flops([1.0], [1.0, 2.0], prompt=3)
