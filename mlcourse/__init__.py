"""mlcourse: the helpers behind the course "What Is a Model?".

The package has three layers, and imports flow one way (ideas <- figures <- chapters):

- idea modules, numpy only, named after the concept they hold (``softmax``, ``mlp``, ...);
- :mod:`mlcourse.figures`: every figure and kernel-free slider, one module per chapter;
- :mod:`mlcourse.exercises`: the checkers behind each chapter's exercises.

Nothing here changes global state on import: the plot style is applied inside each figure
function, or globally only when you call :func:`mlcourse.figures.style.use`.

The one name exported here is :func:`load_smollm2`, the real language model the chapters open
(its weights come from ``python -m mlcourse.smollm2 fetch``, run once by the Makefile).
"""

__version__ = "0.2.0"


def __getattr__(name: str):
    """Load heavier helpers on first use, so that ``import mlcourse`` stays cheap."""
    if name == "load_smollm2":
        from mlcourse.smollm2 import load_smollm2

        return load_smollm2
    raise AttributeError(f"module 'mlcourse' has no attribute {name!r}")
