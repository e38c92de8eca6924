"""A tiny real language model: character n-grams whose logits are log smoothed counts.

:class:`CharNGram` reads a text and counts, for every run of ``order - 1`` characters (the
*context*), how often each character came next. Those counts are its parameters; training is
counting, which takes a few milliseconds. Its output for a context is a vector of logits,
one per character of the vocabulary, ``log(count + smoothing)``, so that
``softmax(logits)`` is the smoothed relative frequency of each next character. Text is
generated one character at a time with :func:`mlcourse.decoding.sample`: the same temperature,
top-k and top-p knobs as a large language model, on a model small enough to read. Trained in
chapter 3; chapter 4 shows its generation loop on the page.

:func:`load_corpus` returns the course's own training text (original prose about models),
and :func:`distinct_ngram_ratio` / :func:`known_word_fraction` measure what goes wrong when
decoding is too cold (repetition) or too hot (gibberish).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from importlib import resources

import numpy as np

from mlcourse import decoding, losses
from mlcourse.softmax import softmax
from mlcourse.validation import as_float_array, as_int, as_int_tuple, as_number, as_rng

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def load_corpus() -> str:
    """The course's training text: a few thousand words of original English prose about models.

    Returns
    -------
    str
        The text of ``mlcourse/data/corpus.txt`` (package data), newlines included.
    """
    return resources.files("mlcourse").joinpath("data/corpus.txt").read_text(encoding="utf-8")


class CharNGram:
    """Character n-gram language model with additive smoothing and back-off.

    Parameters
    ----------
    order : int, default 3
        ``n``: the model predicts a character from the ``n - 1`` characters before it
        (order 1 ignores the context: character frequencies only).
    smoothing : float, default 0.01
        Added to every count before taking logarithms (Lidstone smoothing; 1 is Laplace's
        add-one). 0 gives ``-inf`` logits (probability 0) to characters never seen after a context.

    Attributes
    ----------
    vocab : tuple of str
        The characters seen in training, sorted; logits follow this order (set by :meth:`fit`).
    counts : dict of str to numpy.ndarray of shape (vocab_size,)
        For every context seen in training (every length from 0 to ``order - 1``), how often
        each character followed it. These are the model's parameters.

    Examples
    --------
    >>> model = CharNGram(order=3).fit("abracadabra")
    >>> model.vocab
    ('a', 'b', 'c', 'd', 'r')
    >>> model.counts["ab"].tolist()   # "ab" was followed by "r" twice
    [0.0, 0.0, 0.0, 0.0, 2.0]
    """

    def __init__(self, order: int = 3, smoothing: float = 0.01) -> None:
        self.order = as_int(order, "order", low=1, high=12)
        self.smoothing = as_number(smoothing, "smoothing", low=0.0)
        self.vocab: tuple[str, ...] = ()
        self.counts: dict[str, np.ndarray] = {}
        self._index: dict[str, int] = {}

    def __repr__(self) -> str:
        fitted = f", vocab_size={len(self.vocab)}, contexts={len(self.counts)}" if self.vocab else ""
        return f"CharNGram(order={self.order}, smoothing={self.smoothing:g}{fitted})"

    # ----------------------------------------------------------------------- training

    def fit(self, text: str) -> CharNGram:
        """Count every (context, next character) pair in ``text``; returns ``self``.

        Parameters
        ----------
        text : str
            Training text with at least ``order`` characters.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        if len(text) < self.order:
            raise ValueError(f"text must have at least order={self.order} characters, got {len(text)}")
        self.vocab = tuple(sorted(set(text)))
        self._index = {c: i for i, c in enumerate(self.vocab)}
        size = len(self.vocab)
        counts: dict[str, np.ndarray] = {}
        for k in range(self.order):  # context length k = 0 .. order - 1
            pairs = Counter(text[i - k : i + 1] for i in range(k, len(text)))
            for gram, n in pairs.items():
                row = counts.get(gram[:-1])
                if row is None:
                    row = counts[gram[:-1]] = np.zeros(size)
                row[self._index[gram[-1]]] = n
        self.counts = counts
        return self

    @property
    def vocab_size(self) -> int:
        """Number of characters the model can output."""
        return len(self.vocab)

    @property
    def n_parameters(self) -> int:
        """Number of counts stored: contexts seen times vocabulary size."""
        return len(self.counts) * len(self.vocab)

    def _require_fit(self) -> None:
        if not self.vocab:
            raise RuntimeError("this CharNGram is not trained yet: call fit(text) first")

    # ----------------------------------------------------------------------- inference

    def context_used(self, context: str) -> str:
        """The context the model actually conditions on: the longest suffix of ``context``
        (at most ``order - 1`` characters) that occurred in training (back-off)."""
        self._require_fit()
        if not isinstance(context, str):
            raise TypeError(f"context must be a str, got {type(context).__name__}")
        k = min(self.order - 1, len(context))
        while k > 0:
            suffix = context[len(context) - k :]
            if suffix in self.counts:
                return suffix
            k -= 1
        return ""

    def logits(self, context: str) -> np.ndarray:
        """Logits of the next character after ``context``: ``log(count + smoothing)``.

        Parameters
        ----------
        context : str
            The text so far (only its last ``order - 1`` characters matter). If that run never
            occurred in training, the model backs off to the longest suffix that did.

        Returns
        -------
        numpy.ndarray, shape (vocab_size,)
            Real logits in the order of :attr:`vocab`; ``softmax`` of them is
            ``(count + smoothing) / (total + smoothing * vocab_size)``. Entries are ``-inf``
            only when ``smoothing == 0`` and the character never followed the context.
        """
        row = self.counts[self.context_used(context)]
        with np.errstate(divide="ignore"):
            return np.log(row + self.smoothing)

    def probabilities(self, context: str, temperature: float = 1.0) -> np.ndarray:
        """``softmax(logits(context), temperature)``; shape (vocab_size,)."""
        return softmax(self.logits(context), temperature=temperature)

    def generate(
        self,
        prompt: str,
        length: int,
        rng: np.random.Generator,
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
    ) -> str:
        """Continue ``prompt`` by ``length`` characters, sampling one character at a time.

        The loop is defined in chapter 4 (``generate(model, prompt, length, rng, temperature)``):
        logits of the text so far, one draw from ``rng``, append, repeat. Only the last
        ``order - 1`` characters are passed on, which gives the same logits.

        Parameters
        ----------
        prompt : str
            Starting text (may be empty: the model then starts from character frequencies).
        length : int
            Number of characters to generate (>= 0).
        rng : numpy.random.Generator
            Source of randomness; the same seed gives the same text.
        temperature, top_k, top_p
            Decoding knobs, as in :func:`mlcourse.decoding.sample`; ``temperature=0`` is greedy.

        Returns
        -------
        str
            The ``length`` generated characters (without the prompt).
        """
        length, rng, t, top_k, top_p = self._generation_args(prompt, length, rng, temperature, top_k, top_p)
        return self._continue(prompt, _uniforms(rng, length, t), t, top_k, top_p, {})

    def _generation_args(self, prompt, length, rng, temperature=1.0, top_k=None, top_p=None) -> tuple:
        """:meth:`generate`'s arguments checked: ``(length, rng, temperature, top_k, top_p)``."""
        self._require_fit()
        if not isinstance(prompt, str):
            raise TypeError(f"prompt must be a str, got {type(prompt).__name__}")
        length = as_int(length, "length", low=0, high=1_000_000)
        rng = as_rng(rng)
        t = as_number(temperature, "temperature", low=0.0)
        return (length, rng, t, *decoding._filter_args(top_k, top_p))

    def _continue(self, prompt: str, uniforms: list, t: float, top_k, top_p, tables: dict) -> str:
        """:meth:`generate`'s loop, arguments checked: one character per entry of ``uniforms``.

        The same draws as ``decoding.sample(self.logits(text), rng, ...)`` at every step. Each
        context's distribution is worked out once and kept in ``tables`` (the model has far
        fewer contexts than steps); runs at the same settings may share it, which changes no draw.
        """
        keep = self.order - 1  # characters of context the model reads
        text = prompt
        out = []
        for u in uniforms:
            context = text[-keep:] if keep else ""
            while context and context not in self.counts:  # back off, as context_used does
                context = context[1:]
            if context not in tables:
                z = self.logits(context)
                if t == 0.0:  # greedy: rng is not used
                    tables[context] = decoding.greedy(z)
                else:
                    cdf, last = decoding._cdf_rows(z, t, top_k, top_p)
                    tables[context] = (cdf[0].tolist(), float(cdf[0, -1]), int(last[0]))
            if t == 0.0:
                index = tables[context]
            else:  # decoding._invert_cdf on plain floats: the first running total above u
                cdf, total, last = tables[context]
                index = min(bisect_right(cdf, u * total), last)
            out.append(self.vocab[index])
            text = text[-keep:] + out[-1] if keep else ""
        return "".join(out)

    def _all_tables(self, t: float, top_k, top_p) -> dict:
        """:meth:`_continue`'s ``tables`` for every context at once, arguments checked.

        One batched call of the decoding code instead of one per context: the same numbers, row
        by row. Worth it when many characters are generated at the same settings.
        """
        contexts = list(self.counts)
        with np.errstate(divide="ignore"):
            z = np.log(np.array([self.counts[c] for c in contexts]) + self.smoothing)  # self.logits, row by row
        if t == 0.0:
            return dict(zip(contexts, decoding.greedy(z).tolist(), strict=True))
        cdf, last = decoding._cdf_rows(z, t, top_k, top_p)
        return {c: (row, row[-1], k) for c, row, k in zip(contexts, cdf.tolist(), last.tolist(), strict=True)}

    def cross_entropy(self, text: str) -> float:
        """Mean loss ``-log p(next character)`` over ``text``, in nats per character.

        Every character of ``text`` after the first is predicted from the characters before it
        (the same loss that trains large language models, see :func:`mlcourse.losses.cross_entropy`).
        Characters outside :attr:`vocab` cannot be scored and raise ``ValueError``.
        """
        self._require_fit()
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        if len(text) < 2:
            raise ValueError(f"text must have at least 2 characters, got {len(text)}")
        unknown = sorted(set(text) - set(self.vocab))
        if unknown:
            raise ValueError(f"text contains characters outside the vocabulary: {unknown[:5]}")
        rows = np.array([self.logits(text[:i]) for i in range(1, len(text))])
        labels = np.array([self._index[c] for c in text[1:]])
        return losses.cross_entropy(rows, labels)


def _uniforms(rng: np.random.Generator, length: int, t: float) -> list:
    """One uniform in [0, 1) per character to generate, drawn at once (``None`` each if greedy).

    ``rng.random(n)`` gives the numbers that ``n`` calls of ``rng.random(1)`` would, so the text
    and the generator's state afterwards are those of drawing one number per step.
    """
    return rng.random(length).tolist() if t > 0.0 else [None] * length


# --------------------------------------------------------------------------- measuring generated text


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` (letters, with an optional apostrophe part: "model's")."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _WORD.findall(text.lower())


def distinct_ngram_ratio(text: str, n: int = 2) -> float:
    """Fraction of the word n-grams of ``text`` that are distinct (1 = no repetition).

    A "distinct-n" diversity score: text stuck in a loop repeats the same few n-grams, so the
    ratio falls toward 0. Returns 1.0 for text with fewer than ``n`` words.
    """
    n = as_int(n, "n", low=1)
    w = words(text)
    grams = [tuple(w[i : i + n]) for i in range(len(w) - n + 1)]
    if not grams:
        return 1.0
    return len(set(grams)) / len(grams)


def known_word_fraction(text: str, vocabulary: Iterable[str]) -> float:
    """Fraction of the words of ``text`` that occur in ``vocabulary`` (0 for text with no words).

    With the training corpus's words as ``vocabulary``, this says how much of a generated text
    is made of real words rather than invented strings of letters.
    """
    known = _word_set(vocabulary)
    w = words(text)
    if not w:
        return 0.0
    return sum(word in known for word in w) / len(w)


def _word_set(vocabulary) -> set[str]:
    """A vocabulary as a set of words; a bare string would silently become a set of letters."""
    if isinstance(vocabulary, (str, bytes)):
        raise TypeError("vocabulary must be a collection of words (e.g. a set or list), not a single string")
    try:
        known = set(vocabulary)
    except TypeError:
        raise TypeError(f"vocabulary must be a collection of words, got {type(vocabulary).__name__}") from None
    if not all(isinstance(word, str) for word in known):
        raise TypeError("vocabulary must hold only strings (words)")
    return known


def generation_report(
    model: CharNGram,
    prompt: str,
    temperatures: Sequence[float],
    seeds: Sequence[int] = (0, 1, 2),
    length: int = 300,
    vocabulary: Iterable[str] | None = None,
    **decoding,
) -> dict[float, dict[str, float | str]]:
    """Generate ``length`` characters at each temperature, once per seed, and measure them.

    Parameters
    ----------
    model : CharNGram
        A fitted model.
    prompt : str
        Start of every generation.
    temperatures : sequence of float
        Temperatures to try (>= 0).
    seeds : sequence of int
        One run per seed, each with a fresh ``np.random.default_rng(seed)``; the measures are averaged.
    length : int
        Characters generated per run.
    vocabulary : iterable of str, optional
        Known words; by default the words of :func:`load_corpus`.
    **decoding
        ``top_k`` / ``top_p``, passed on to :meth:`CharNGram.generate`.

    Returns
    -------
    dict
        For each temperature: ``text`` (the first seed's generation), ``distinct2`` (mean ratio of
        distinct word bigrams) and ``known`` (mean fraction of words found in ``vocabulary``).
    """
    if not isinstance(model, CharNGram):
        raise TypeError(f"model must be a fitted CharNGram, got {type(model).__name__}")
    seeds = list(as_int_tuple(seeds, "seeds", low=0, min_len=0))
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    vocab_words = set(words(load_corpus())) if vocabulary is None else _word_set(vocabulary)
    report: dict[float, dict[str, float | str]] = {}
    for t in as_float_array(temperatures, "temperatures", ndim=1, low=0.0).tolist():
        # the arguments checked as generate() checks them (each seed gets its own generator below)
        n, _, t, top_k, top_p = model._generation_args(prompt, length, np.random.default_rng(0), t, **decoding)
        tables = model._all_tables(t, top_k, top_p)  # every context's distribution at t, for all seeds
        texts = [
            model._continue(prompt, _uniforms(np.random.default_rng(seed), n, t), t, top_k, top_p, tables)
            for seed in seeds
        ]
        report[t] = {
            "text": texts[0],
            "distinct2": float(np.mean([distinct_ngram_ratio(x, 2) for x in texts])),
            "known": float(np.mean([known_word_fraction(x, vocab_words) for x in texts])),
        }
    return report
