"""Time SmolLM2 in numpy: loading, a prompt's forward pass, and generated tokens against their floor.

Run by hand (not part of ``make test``), with one BLAS thread::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/smollm2_speed.py

The floor for one generated token is one matrix-vector product over every float32 weight matrix
(the 210 block matrices and the tied output head): generating a token must at least read every
weight once. Each number is the median of several runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as np

LOAD = (
    "import time; t0 = time.perf_counter(); "
    "from mlcourse import load_smollm2; m = load_smollm2(); t1 = time.perf_counter(); "
    "print(t1 - t0)"
)


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=30, help="tokens generated per run")
    args = parser.parse_args()

    loads = [float(subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, check=True).stdout)]
    loads += [float(subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, check=True).stdout)]
    from mlcourse import load_smollm2
    from mlcourse.decoding import sample

    t0 = time.perf_counter()
    model = load_smollm2()
    in_process = time.perf_counter() - t0
    text = "The quick brown fox jumps over the lazy dog, and then it runs far away into the deep dark forest to find"
    ids = model.encode(text)[:20]
    assert len(ids) == 20, len(ids)
    forward = median_time(lambda: model.logits(ids), args.runs)

    def generate():
        generate.n = len(model.generate(ids, args.tokens, np.random.default_rng(0), temperature=1.0))

    gen = median_time(generate, args.runs)

    # One decode step (forward pass of one token with the KV cache, then sampling), interleaved
    # with the floor so that both see the same load on the machine.
    matrices = [w for block in model.params["blocks"] for w in block.values() if w.ndim == 2]
    matrices.append(model.params["token_embd"].T)  # the tied output head
    x = {n: np.ones((1, n), np.float32) for n in {w.shape[0] for w in matrices}}
    n_weights = sum(w.size for w in matrices)
    cache = model.new_cache()
    logits = model.step(ids, cache)[-1]
    rng = np.random.default_rng(0)
    steps, floors = [], []
    for _ in range(args.tokens):
        t0 = time.perf_counter()
        token = sample(logits, rng)
        logits = model.step([token], cache)[-1]
        t1 = time.perf_counter()
        for w in matrices:
            x[w.shape[0]] @ w
        steps.append(t1 - t0)
        floors.append(time.perf_counter() - t1)
    per_token, floor = statistics.median(steps), statistics.median(floors)
    ratio = statistics.median(s / f for s, f in zip(steps, floors, strict=True))

    print(f"load (fresh process, imports included): {min(loads):.2f} s (runs: {', '.join(f'{t:.2f}' for t in loads)})")
    print(f"load (this process):                    {in_process:.2f} s")
    print(f"forward pass, 20-token prompt:          {1000 * forward:.0f} ms")
    print(f"generate {generate.n} tokens (prefill + decode):  {1000 * gen:.0f} ms")
    print(f"per generated token with the KV cache:  {1000 * per_token:.1f} ms (median of {args.tokens} steps)")
    print(f"floor, one mat-vec over {n_weights:,} float32 weights: {1000 * floor:.1f} ms")
    print(f"per token / floor:                      {ratio:.2f}x (median of the step-by-step ratios)")


if __name__ == "__main__":
    main()
