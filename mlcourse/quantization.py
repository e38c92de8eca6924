"""Quantization: storing weights in fewer bits, and getting float32 numbers back.

A quantized file does not store each weight as a 32-bit float. GGML's formats (used by GGUF
files and llama.cpp) cut a tensor's rows into *blocks* of 32 weights and store, per block, a
scale (and sometimes a minimum) as a 16-bit float plus one small integer per weight:

* ``Q8_0``: 34 bytes per block, a float16 scale ``d`` then 32 signed 8-bit integers ``q``;
  weight ``w = d * q``. That is 34 * 8 / 32 = 8.5 bits per weight.
* ``Q4_1``: 20 bytes per block, a float16 scale ``d``, a float16 minimum ``m``, then 16 bytes
  holding 32 unsigned 4-bit integers ``q`` (0 to 15); weight ``w = d * q + m``. Byte ``j`` holds
  weight ``j`` in its low 4 bits and weight ``j + 16`` in its high 4 bits. 5.0 bits per weight.
* ``F32`` and ``F16``: plain floats, 32 and 16 bits per weight, no blocks.

*Dequantizing* turns the blocks back into float32 weights. It is exact arithmetic on what the
file stores: the rounding happened once, when the file was made. The functions here give
results bit-identical to the reference reader (``gguf.quants.dequantize``), in float32.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from mlcourse.validation import as_int_tuple

#: Weights per block in the GGML block formats.
BLOCK_SIZE = 32

#: Bytes one block of ``BLOCK_SIZE`` weights takes, by format (plain floats: bytes per weight times 32).
BYTES_PER_BLOCK: dict[str, int] = {"F32": 4 * BLOCK_SIZE, "F16": 2 * BLOCK_SIZE, "Q8_0": 34, "Q4_1": 20}

#: The formats this module reads.
FORMATS = tuple(BYTES_PER_BLOCK)


def _format(type_name: str) -> str:
    if not isinstance(type_name, str):
        raise TypeError(f"type_name must be a string such as 'Q4_1', got {type(type_name).__name__}")
    if type_name not in BYTES_PER_BLOCK:
        raise ValueError(f"type_name must be one of {list(FORMATS)}, got {type_name!r}")
    return type_name


def bits_per_weight(type_name: str) -> float:
    """Storage per weight in bits: Q4_1 5.0, Q8_0 8.5, F16 16.0, F32 32.0.

    Block formats spread their scale (and minimum) over the block's 32 weights, so they cost a
    little more than the bits of the integers alone (4 or 8).
    """
    return 8 * BYTES_PER_BLOCK[_format(type_name)] / BLOCK_SIZE


def stored_bytes(n_weights: int, type_name: str) -> int:
    """Bytes a tensor of ``n_weights`` weights takes in format ``type_name`` (a multiple of 32 weights)."""
    n_weights = n_weights.item() if isinstance(n_weights, np.ndarray) and n_weights.ndim == 0 else n_weights
    if isinstance(n_weights, (bool, np.timedelta64)) or not isinstance(n_weights, (int, np.integer)) or n_weights < 0:
        raise ValueError(f"n_weights must be a non-negative integer, got {n_weights!r}")
    if n_weights % BLOCK_SIZE:
        raise ValueError(f"n_weights must be a multiple of the block size {BLOCK_SIZE}, got {n_weights}")
    return int(n_weights) // BLOCK_SIZE * BYTES_PER_BLOCK[_format(type_name)]


def storage_by_type(tensors) -> dict[str, dict[str, float]]:
    """What a file's tensors take, grouped by storage format.

    Parameters
    ----------
    tensors : iterable
        Objects with ``type_name``, ``n_weights`` and ``data`` (the stored bytes, a uint8 array),
        e.g. :func:`mlcourse.weights.load_quantized`.

    Returns
    -------
    dict of str to dict
        Per format: ``"tensors"``, ``"weights"``, ``"bytes"`` (ints) and ``"bits per weight"``
        (``8 * bytes / weights``, from the stored sizes, not from :func:`bits_per_weight`).
    """
    table: dict[str, dict[str, float]] = {}
    if isinstance(tensors, (str, bytes)) or not isinstance(tensors, Iterable):
        raise TypeError(f"tensors must be a list of stored tensors, got {type(tensors).__name__}")
    for tensor in tensors:
        if not all(hasattr(tensor, a) for a in ("type_name", "n_weights", "data")):
            raise TypeError(f"tensors must hold records with type_name, n_weights, data; got {type(tensor).__name__}")
        name = _format(tensor.type_name)
        row = table.setdefault(name, {"tensors": 0, "weights": 0, "bytes": 0})
        row["tensors"] += 1
        row["weights"] += int(tensor.n_weights)
        row["bytes"] += int(np.asarray(tensor.data).nbytes)
    if not table:
        raise ValueError("tensors must hold at least one tensor")
    for row in table.values():
        row["bits per weight"] = 8 * row["bytes"] / row["weights"]
    return table


# --------------------------------------------------------------------------- one block, by hand


def _one_block(block, type_name: str) -> np.ndarray:
    raw = np.frombuffer(block, dtype=np.uint8) if isinstance(block, (bytes, bytearray)) else np.asarray(block)
    if raw.dtype != np.uint8 or raw.shape != (BYTES_PER_BLOCK[type_name],):
        raise ValueError(
            f"block must be {BYTES_PER_BLOCK[type_name]} bytes of a {type_name} block (uint8), "
            f"got dtype {raw.dtype} and shape {raw.shape}"
        )
    return raw


def dequantize_q4_1_block(block) -> np.ndarray:
    """Turn one Q4_1 block (20 bytes) into its 32 float32 weights, step by step.

    Defined in chapter 2.

    Parameters
    ----------
    block : bytes or numpy.ndarray of uint8, shape (20,)

    Returns
    -------
    numpy.ndarray of float32, shape (32,)
        ``w = d * q + m`` for the block's scale ``d``, minimum ``m`` and 4-bit integers ``q``.
    """
    raw = _one_block(block, "Q4_1")
    d = raw[0:2].view(np.float16).astype(np.float32)[0]  # scale, bytes 0-1
    m = raw[2:4].view(np.float16).astype(np.float32)[0]  # minimum, bytes 2-3
    packed = raw[4:20]  # 16 bytes, two 4-bit integers each
    low, high = packed & 0x0F, packed >> 4  # weights 0-15 and 16-31
    q = np.concatenate([low, high]).astype(np.float32)  # 32 integers from 0 to 15
    return d * q + m


def dequantize_q8_0_block(block) -> np.ndarray:
    """Turn one Q8_0 block (34 bytes) into its 32 float32 weights: ``w = d * q``.

    Parameters
    ----------
    block : bytes or numpy.ndarray of uint8, shape (34,)

    Returns
    -------
    numpy.ndarray of float32, shape (32,)
    """
    raw = _one_block(block, "Q8_0")
    d = raw[0:2].view(np.float16).astype(np.float32)[0]  # scale, bytes 0-1
    q = raw[2:34].view(np.int8).astype(np.float32)  # 32 integers from -128 to 127
    return q * d


# --------------------------------------------------------------------------- whole tensors


def _blocks(data, type_name: str) -> np.ndarray:
    raw = np.asarray(data)
    if raw.dtype != np.uint8:
        raise TypeError(f"data must be the raw bytes of the tensor (a uint8 array), got dtype {raw.dtype}")
    size = BYTES_PER_BLOCK[type_name]
    if raw.size % size:
        raise ValueError(f"data must hold whole {type_name} blocks of {size} bytes, got {raw.size} bytes")
    return raw.reshape(-1, size)


def _check_blocks(blocks, type_name: str) -> np.ndarray:
    size = BYTES_PER_BLOCK[type_name]
    if not isinstance(blocks, np.ndarray) or blocks.dtype != np.uint8 or blocks.ndim != 2 or blocks.shape[1] != size:
        raise TypeError(
            f"blocks must be a uint8 array of shape (n_blocks, {size}) ({type_name} blocks), got {blocks!r:.60}"
        )
    return blocks


def dequantize_q4_1(blocks: np.ndarray) -> np.ndarray:
    """All Q4_1 blocks at once: uint8 array of shape (n_blocks, 20) -> float32 (n_blocks, 32)."""
    blocks = _check_blocks(blocks, "Q4_1")
    d = blocks[:, 0:2].view(np.float16).astype(np.float32)  # (n_blocks, 1)
    m = blocks[:, 2:4].view(np.float16).astype(np.float32)
    packed = blocks[:, 4:20]
    w = np.empty((len(blocks), BLOCK_SIZE), dtype=np.float32)
    w[:, :16] = packed & 0x0F  # weights 0-15: low 4 bits
    w[:, 16:] = packed >> 4  # weights 16-31: high 4 bits
    w *= d  # in place: the same float32 operations as d * q + m, without temporaries
    w += m
    return w


def dequantize_q8_0(blocks: np.ndarray) -> np.ndarray:
    """All Q8_0 blocks at once: uint8 array of shape (n_blocks, 34) -> float32 (n_blocks, 32)."""
    blocks = _check_blocks(blocks, "Q8_0")
    d = blocks[:, 0:2].view(np.float16).astype(np.float32)
    w = blocks[:, 2:34].view(np.int8).astype(np.float32)
    w *= d
    return w


def dequantize(data, type_name: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Float32 weights from a tensor's raw bytes in format ``type_name``.

    Parameters
    ----------
    data : numpy.ndarray of uint8
        The tensor's bytes as stored in the file (any shape; read in order).
    type_name : {"Q4_1", "Q8_0", "F16", "F32"}
    shape : tuple of int, optional
        Shape of the result (numpy order: the last axis runs along a row of the file). Default: flat.

    Returns
    -------
    numpy.ndarray of float32
        For F32 a view of ``data``, otherwise a new array.
    """
    type_name = _format(type_name)
    if type_name in ("F32", "F16"):
        raw = np.ascontiguousarray(data).reshape(-1)
        if raw.dtype != np.uint8 or raw.size % (BYTES_PER_BLOCK[type_name] // BLOCK_SIZE):
            raise ValueError(f"data must be the raw bytes (uint8) of whole {type_name} numbers")
        weights = raw.view(np.float16 if type_name == "F16" else np.float32).astype(np.float32, copy=False)
    elif type_name == "Q4_1":
        weights = dequantize_q4_1(_blocks(data, type_name))
    else:
        weights = dequantize_q8_0(_blocks(data, type_name))
    if shape is None:
        return weights.reshape(-1)
    shape = as_int_tuple(shape, "shape", low=0)
    if int(np.prod(shape)) != weights.size:
        raise ValueError(f"shape {shape} does not hold the {weights.size} weights in data")
    return weights.reshape(shape)
