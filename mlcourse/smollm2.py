"""SmolLM2-135M-Instruct: a real language model, run by the course's own numpy code.

SmolLM2-135M-Instruct (Hugging Face, Apache-2.0) is a Llama-architecture decoder: 30 blocks,
``d_model`` 576, 9 query heads sharing 3 key/value heads, a SwiGLU MLP of width 1536, a vocabulary
of 49,152 tokens, a context of 8,192 and 134,515,008 parameters. It was fine-tuned to chat.

Set-up, once (it downloads and converts the weights, see :mod:`mlcourse.weights`)::

    python -m mlcourse.smollm2 fetch

Then::

    from mlcourse import load_smollm2
    model = load_smollm2()
    ids = model.encode("The capital of France is")
    model.logits(ids).shape                              # (5, 49152)
    model.chat("What is the capital of France?")         # 'The capital of France is Paris.'

The forward pass is :func:`mlcourse.transformer.llama_forward`; sampling uses the course's own
``sample`` (temperature, top-k, top-p).
"""

from __future__ import annotations

import functools
import numbers
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mlcourse import weights as _weights
from mlcourse.decoding import sample
from mlcourse.scale import TransformerConfig
from mlcourse.transformer import llama_forward, new_kv_cache
from mlcourse.validation import as_int

#: The token that ends a chat turn, and the end-of-text token: generation stops at either.
IM_END, END_OF_TEXT = 2, 0
#: The system prompt that SmolLM2's chat template inserts when none is given.
DEFAULT_SYSTEM_PROMPT = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"


# --------------------------------------------------------------------------- input checks


def _check_ids(ids, vocab_size: int, context_length: int, name: str = "ids") -> np.ndarray:
    """Token ids as an int64 array, or a clear error."""
    if isinstance(ids, (str, bytes)):
        raise TypeError(f"{name} must be a list of token ids (ints); for text use model.encode(text)")
    if isinstance(ids, np.ndarray):
        if ids.dtype.kind not in "iu" or ids.ndim != 1:
            raise TypeError(
                f"{name} must be a 1-D array of integer token ids, got dtype {ids.dtype}, shape {ids.shape}"
            )
        values = ids.tolist()
    elif isinstance(ids, Sequence):
        values = list(ids)
    else:
        raise TypeError(f"{name} must be a list of token ids (ints), got {type(ids).__name__}")
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral):
            raise TypeError(f"{name}[{i}] must be an integer token id, got {v!r} ({type(v).__name__})")
    if not values:
        raise ValueError(f"{name} must hold at least one token id, got none")
    bad = [v for v in values if not 0 <= v < vocab_size]
    if bad:
        raise ValueError(f"{name} must be token ids in [0, {vocab_size}), got {bad[0]}")
    if len(values) > context_length:
        raise ValueError(f"{name} holds {len(values)} tokens, more than the context length {context_length}")
    return np.array(values, dtype=np.int64)


def _check_sampling(temperature, top_k, top_p) -> tuple[float, int | None, float | None]:
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise TypeError(f"temperature must be a real number >= 0, got {type(temperature).__name__}")
    if not (np.isfinite(temperature) and temperature >= 0):
        raise ValueError(f"temperature must be a finite number >= 0 (0 means greedy), got {temperature}")
    if top_k is not None:
        top_k = as_int(top_k, "top_k (an integer or None)", low=1)
    if top_p is not None:
        if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real):
            raise TypeError(f"top_p must be a number in (0, 1] or None, got {type(top_p).__name__}")
        if not 0 < top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1] (or None to keep every token), got {top_p}")
    return float(temperature), top_k, top_p


# --------------------------------------------------------------------------- loading


@functools.cache
def _load(path: Path) -> SmolLM2:
    from tokenizers import Tokenizer

    _weights.check_cache(path)
    tokenizer = Tokenizer.from_file(str(_weights.tokenizer_file(path)))
    return SmolLM2(_weights.load_tensors(path), _weights.load_config(path), tokenizer)


def load_smollm2(cache: str | os.PathLike | None = None) -> SmolLM2:
    """SmolLM2-135M-Instruct from the local cache, loaded once per process.

    Parameters
    ----------
    cache : path, optional
        The cache folder; default ``$MLCOURSE_CACHE/smollm2-135m-instruct-v2`` or
        ``~/.cache/mlcourse/smollm2-135m-instruct-v2``.

    Raises
    ------
    FileNotFoundError
        If the cache is missing or incomplete: run ``python -m mlcourse.smollm2 fetch``.
        Loading never downloads anything.
    """
    path = _weights.cache_dir() if cache is None else Path(cache)
    return _load(path.expanduser().resolve())


# --------------------------------------------------------------------------- the model


class SmolLM2:
    """SmolLM2-135M-Instruct with its tokenizer; make one with :func:`load_smollm2`.

    Attributes
    ----------
    config : mlcourse.scale.TransformerConfig
        Its sizes; ``transformer_parameter_count(config)`` is 134,515,008.
    params : dict
        The float32 weights in the layout of :func:`mlcourse.transformer.llama_forward`.
    hparams : dict
        ``head_dim``, ``n_kv_heads``, ``rope_base``, ``norm_eps``.
    context_length : int
        The most tokens it reads at once, 8,192.
    metadata : dict
        The GGUF file's settings (``general.name``, ``tokenizer.chat_template``, ...).
    tensors : dict of str to numpy.ndarray
        Every float32 weight tensor by its GGUF name (read-only), as in the file: matrices (out, in).
    """

    def __init__(self, tensors: dict[str, np.ndarray], metadata: dict, tokenizer) -> None:
        n_layers = metadata["llama.block_count"]
        self.config = TransformerConfig(
            vocab_size=metadata["llama.vocab_size"],
            d_model=metadata["llama.embedding_length"],
            n_layers=n_layers,
            n_heads=metadata["llama.attention.head_count"],
            n_kv_heads=metadata["llama.attention.head_count_kv"],
            d_ff=metadata["llama.feed_forward_length"],
            mlp="swiglu",
            norm="rmsnorm",
            bias=False,
            tied_embeddings="output.weight" not in tensors,
            name="SmolLM2-135M-Instruct",
        )
        self.hparams = {
            "head_dim": self.config.head_dim,
            "n_kv_heads": self.config.kv_heads,
            "rope_base": float(metadata["llama.rope.freq_base"]),
            "norm_eps": np.float32(metadata["llama.attention.layer_norm_rms_epsilon"]),
        }
        names = ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down")
        self.params = {
            "token_embd": tensors["token_embd.weight"],
            "output_norm": tensors["output_norm.weight"],
            "blocks": [
                {
                    "attn_norm": tensors[f"blk.{i}.attn_norm.weight"],
                    "ffn_norm": tensors[f"blk.{i}.ffn_norm.weight"],
                    **{n: tensors[f"blk.{i}.{n}.weight"].T for n in names},  # file: (out, in); here (in, out)
                }
                for i in range(n_layers)
            ],
        }
        self.tensors = tensors
        self.context_length = int(metadata["llama.context_length"])
        self.metadata = metadata
        self.tokenizer = tokenizer

    def __repr__(self) -> str:
        c = self.config
        return f"SmolLM2({c.n_layers} blocks, d_model {c.d_model}, {c.n_heads} heads, vocabulary {c.vocab_size})"

    def with_weights(self, transform) -> SmolLM2:
        """A new model whose every weight tensor is ``transform(tensor)``, e.g. rounded to float16.

        Parameters
        ----------
        transform : callable
            Takes a float32 array (read-only) and returns an array of the same shape; the result
            is stored as float32. This model is left unchanged.
        """
        if not callable(transform):
            raise TypeError(f"transform must be a function of one array, got {type(transform).__name__}")
        tensors = {}
        for name, tensor in self.tensors.items():
            new = np.asarray(transform(tensor), dtype=np.float32)
            if new.shape != tensor.shape:
                raise ValueError(f"transform must keep each shape: {name} went from {tensor.shape} to {new.shape}")
            tensors[name] = new
        return SmolLM2(tensors, self.metadata, self.tokenizer)

    # ----------------------------------------------------------------------- tokens

    def encode(self, text: str) -> list[int]:
        """Text to token ids (no beginning-of-sequence token; ``<|im_start|>`` and the like are one token each)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        return self.tokenizer.encode(text, add_special_tokens=False).ids

    def decode(self, ids) -> str:
        """Token ids to text (special tokens such as ``<|im_end|>`` are kept); no ids give ``""``."""
        if isinstance(ids, (list, tuple, np.ndarray)) and len(ids) == 0:
            return ""
        ids = _check_ids(ids, self.config.vocab_size, np.iinfo(np.int64).max)
        return self.tokenizer.decode(ids.tolist(), skip_special_tokens=False)

    def chat_prompt(self, message: str, system: str | None = None) -> str:
        """SmolLM2's chat template (ChatML) for one user message, ending where the reply starts."""
        for value, name in ((message, "message"), (system, "system")):
            if not isinstance(value, str) and not (name == "system" and value is None):
                raise TypeError(f"{name} must be a str, got {type(value).__name__}")
        system = DEFAULT_SYSTEM_PROMPT if system is None else system
        return f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{message}<|im_end|>\n<|im_start|>assistant\n"

    # ----------------------------------------------------------------------- computing

    def new_cache(self) -> list[dict]:
        """An empty KV cache for :meth:`step`."""
        return new_kv_cache(self.config.n_layers, self.config.kv_heads, self.config.head_dim)

    def step(self, ids, cache: list[dict]) -> np.ndarray:
        """Logits for new tokens ``ids`` after the tokens already in ``cache`` (which grows).

        Returns
        -------
        numpy.ndarray of float32, shape (len(ids), vocab_size)
        """
        seen = cache[0]["k"].shape[1]
        ids = _check_ids(ids, self.config.vocab_size, self.context_length - seen)
        return llama_forward(ids, self.params, self.hparams, cache)

    def logits(self, ids) -> np.ndarray:
        """Next-token logits after each prefix of ``ids``, by a full forward pass.

        Parameters
        ----------
        ids : sequence of int, length T (1 to 8,192)

        Returns
        -------
        numpy.ndarray of float32, shape (T, 49152)
            Row t scores every vocabulary entry as the token following ``ids[: t + 1]``.
        """
        return self.step(ids, self.new_cache())

    def generate(
        self,
        ids,
        max_new_tokens: int,
        rng: np.random.Generator | None,
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
    ) -> list[int]:
        """Continue ``ids`` one token at a time, with a KV cache.

        Parameters
        ----------
        ids : sequence of int
            The prompt's token ids.
        max_new_tokens : int
            At most this many new tokens (>= 0).
        rng : numpy.random.Generator or None
            The source of randomness; may be None only for greedy decoding (``temperature=0``).
        temperature, top_k, top_p :
            As in the course's ``sample``: ``temperature=0`` always takes the most likely token.

        Returns
        -------
        list of int
            The new tokens only. Generation stops after ``<|im_end|>`` (id 2) or
            ``<|endoftext|>`` (id 0), which is then the last token returned.
        """
        max_new_tokens = as_int(max_new_tokens, "max_new_tokens", low=0)  # numpy ints and 0-d arrays too
        temperature, top_k, top_p = _check_sampling(temperature, top_k, top_p)
        if rng is None and temperature > 0:
            raise TypeError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0), unless temperature=0")
        if rng is not None and not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        ids = _check_ids(ids, self.config.vocab_size, self.context_length)
        if len(ids) + max_new_tokens > self.context_length:
            raise ValueError(
                f"max_new_tokens={max_new_tokens} after {len(ids)} prompt tokens exceeds "
                f"the context length {self.context_length}"
            )
        new: list[int] = []
        if max_new_tokens == 0:
            return new
        cache = self.new_cache()
        logits = llama_forward(ids, self.params, self.hparams, cache)[-1]
        while True:
            if temperature == 0:
                token = int(np.argmax(logits))
            else:
                token = sample(logits, rng, temperature=temperature, top_k=top_k, top_p=top_p)
            new.append(token)
            if token in (IM_END, END_OF_TEXT) or len(new) == max_new_tokens:
                return new
            logits = llama_forward(np.array([token]), self.params, self.hparams, cache)[-1]

    def chat(
        self,
        message: str,
        system: str | None = None,
        *,
        rng: np.random.Generator | None = None,
        max_new_tokens: int = 128,
        temperature: float = 0.0,
        top_k: int | None = None,
        top_p: float | None = None,
    ) -> str:
        """Answer one user message, through SmolLM2's chat template; greedy by default.

        Parameters
        ----------
        message : str
        system : str, optional
            The system prompt; default :data:`DEFAULT_SYSTEM_PROMPT`, as the model's template does.
        rng, max_new_tokens, temperature, top_k, top_p :
            As in :meth:`generate`.

        Returns
        -------
        str
            The reply, without the end-of-turn token.
        """
        prompt = self.encode(self.chat_prompt(message, system))
        new = self.generate(prompt, max_new_tokens, rng, temperature=temperature, top_k=top_k, top_p=top_p)
        if new and new[-1] in (IM_END, END_OF_TEXT):
            new = new[:-1]
        return self.tokenizer.decode(new, skip_special_tokens=False) if new else ""


if __name__ == "__main__":  # python -m mlcourse.smollm2 fetch: see mlcourse.weights.main
    raise SystemExit(_weights.main())
