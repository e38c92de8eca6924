import numpy as np
import pytest
from gguf import GGMLQuantizationType
from gguf.quants import dequantize as gguf_dequantize

from mlcourse import quantization as Q
from mlcourse import weights


def f16_bytes(x: float) -> list[int]:
    return list(np.array([x], dtype=np.float16).view(np.uint8))


def random_blocks(rng: np.random.Generator, type_name: str, n: int) -> np.ndarray:
    """n blocks of random integers with finite float16 scales (and minima)."""
    size = Q.BYTES_PER_BLOCK[type_name]
    blocks = rng.integers(0, 256, size=(n, size), dtype=np.uint8)
    n_scales = 2 if type_name == "Q4_1" else 1
    scales = rng.normal(0, 0.05, size=(n, n_scales)).astype(np.float16)
    blocks[:, : 2 * n_scales] = scales.view(np.uint8)
    return blocks


def bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)


# --------------------------------------------------------------------------- sizes


def test_bits_per_weight_from_the_block_layouts():
    # Q4_1: 2-byte scale + 2-byte minimum + 32 x 4 bits = 20 bytes for 32 weights.
    assert Q.bits_per_weight("Q4_1") == (2 + 2 + 16) * 8 / 32 == 5.0
    # Q8_0: 2-byte scale + 32 bytes = 34 bytes for 32 weights.
    assert Q.bits_per_weight("Q8_0") == 8.5
    assert Q.bits_per_weight("F32") == 32.0
    assert Q.bits_per_weight("F16") == 16.0


def test_stored_bytes():
    assert Q.stored_bytes(576 * 1536, "Q4_1") == 576 * 1536 // 32 * 20
    assert Q.stored_bytes(576, "F32") == 576 * 4
    assert Q.stored_bytes(0, "Q8_0") == 0
    with pytest.raises(ValueError, match="multiple of the block size 32"):
        Q.stored_bytes(33, "Q4_1")
    with pytest.raises(ValueError, match="n_weights"):
        Q.stored_bytes(-32, "Q4_1")


# --------------------------------------------------------------------------- one block by hand


def test_q4_1_block_by_hand():
    # scale 0.5, minimum -1; byte j holds j (low nibble) and 15 - j (high nibble).
    packed = [j | ((15 - j) << 4) for j in range(16)]
    block = bytes(f16_bytes(0.5) + f16_bytes(-1.0) + packed)
    expected = [0.5 * j - 1 for j in range(16)] + [0.5 * (15 - j) - 1 for j in range(16)]
    w = Q.dequantize_q4_1_block(block)
    assert w.dtype == np.float32 and w.shape == (32,)
    assert w.tolist() == expected


def test_q8_0_block_by_hand():
    q = np.arange(-16, 16, dtype=np.int8) * 4  # -64 ... 60
    block = np.array(f16_bytes(0.25) + list(q.view(np.uint8)), dtype=np.uint8)
    w = Q.dequantize_q8_0_block(block)
    assert w.dtype == np.float32
    assert w.tolist() == (0.25 * q.astype(float)).tolist()


@pytest.mark.parametrize("type_name", ["Q4_1", "Q8_0"])
def test_one_block_matches_the_vectorised_version_and_gguf(type_name):
    blocks = random_blocks(np.random.default_rng(0), type_name, 200)
    by_hand = Q.dequantize_q4_1_block if type_name == "Q4_1" else Q.dequantize_q8_0_block
    one_by_one = np.stack([by_hand(b) for b in blocks])
    vectorised = Q.dequantize(blocks, type_name, (200, 32))
    reference = gguf_dequantize(blocks, GGMLQuantizationType[type_name])
    np.testing.assert_array_equal(bits(one_by_one), bits(vectorised))
    np.testing.assert_array_equal(bits(vectorised), bits(reference))


def test_plain_floats_pass_through():
    x = np.array([1.5, -2.25, 3e-8, 65504.0], dtype=np.float32)
    np.testing.assert_array_equal(Q.dequantize(x.view(np.uint8), "F32"), x)
    h = x.astype(np.float16)
    np.testing.assert_array_equal(Q.dequantize(h.view(np.uint8), "F16", (2, 2)), h.astype(np.float32).reshape(2, 2))


def test_bad_input():
    with pytest.raises(ValueError, match="type_name must be one of"):
        Q.dequantize(np.zeros(20, np.uint8), "Q4_0")
    with pytest.raises(TypeError, match="type_name"):
        Q.bits_per_weight(4)
    with pytest.raises(ValueError, match="20 bytes"):
        Q.dequantize_q4_1_block(bytes(19))
    with pytest.raises(ValueError, match="34 bytes"):
        Q.dequantize_q8_0_block(np.zeros(34, np.int16))
    with pytest.raises(TypeError, match="uint8"):
        Q.dequantize(np.zeros(20, np.float32), "Q4_1")
    with pytest.raises(ValueError, match="whole Q4_1 blocks"):
        Q.dequantize(np.zeros(30, np.uint8), "Q4_1")
    with pytest.raises(ValueError, match="does not hold"):
        Q.dequantize(np.zeros(40, np.uint8), "Q4_1", (3, 32))


# --------------------------------------------------------------------------- the real file


@pytest.fixture(scope="module")
def stored():
    return {t.name: t for t in weights.load_quantized()}


def test_real_tensors_bit_identical_to_gguf(stored):
    names = ["token_embd.weight", "output_norm.weight"]
    names += [n for n in stored if n.startswith(("blk.0.", "blk.29."))]
    seen = set()
    for name in names:
        t = stored[name]
        seen.add(t.type_name)
        reference = gguf_dequantize(np.asarray(t.data).reshape(*t.shape[:-1], -1), GGMLQuantizationType[t.type_name])
        mine = Q.dequantize(t.data, t.type_name, t.shape)
        assert mine.dtype == np.float32 and mine.shape == reference.shape == t.shape
        np.testing.assert_array_equal(bits(mine), bits(reference), err_msg=name)
    assert seen == {"Q8_0", "Q4_1", "F32"}


def test_the_files_formats_and_bits(stored):
    by_type: dict[str, list] = {}
    for t in stored.values():
        by_type.setdefault(t.type_name, []).append(t)
        assert t.data.size == Q.stored_bytes(t.n_weights, t.type_name)
    assert {k: len(v) for k, v in by_type.items()} == {"Q8_0": 1, "Q4_1": 30 * 7, "F32": 30 * 2 + 1}
    total_bits = sum(8 * t.data.size for t in stored.values())
    n = sum(t.n_weights for t in stored.values())
    assert n == 134_515_008
    # 28,311,552 embedding weights at 8.5 bits, 106,168,320 matrix weights at 5 bits, 35,136 norms at 32 bits.
    assert total_bits == 28_311_552 * 8.5 + 106_168_320 * 5 + 35_136 * 32
    assert 5.74 < total_bits / n < 5.75


def test_storage_by_type_on_the_real_file(stored):
    table = Q.storage_by_type(stored.values())
    assert set(table) == {"Q8_0", "Q4_1", "F32"}
    # 1 embedding of 49,152 x 576; 210 matrices; 61 norms of 576 (by hand, from the architecture).
    assert table["Q8_0"]["weights"] == 49_152 * 576 and table["Q8_0"]["tensors"] == 1
    assert table["Q4_1"]["weights"] == 30 * (576 * 576 * 2 + 576 * 192 * 2 + 3 * 576 * 1536)
    assert table["F32"]["weights"] == 61 * 576 and table["F32"]["tensors"] == 61
    assert table["Q4_1"]["bits per weight"] == 5.0
    assert table["Q8_0"]["bits per weight"] == 8.5
    assert table["F32"]["bits per weight"] == 32.0


def test_storage_by_type_rejects_nothing_and_unknown_formats():
    with pytest.raises(ValueError, match="at least one"):
        Q.storage_by_type([])
    fake = weights.QuantizedTensor("x", "Q2_K", (32,), np.zeros(10, np.uint8))
    with pytest.raises(ValueError, match="type_name must be one of"):
        Q.storage_by_type([fake])
