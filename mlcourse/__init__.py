"""mlcourse: the helpers behind the course "What Is a Model?".

Each module holds one idea and is imported by name in the chapters, for example::

    from mlcourse import figures, model

Nothing here changes global state on import: the plot style is applied inside
each figure function, or globally only when you call :func:`mlcourse.style.use`.
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    """Load heavier helpers on first use, so that ``import mlcourse`` stays cheap."""
    if name == "load_smollm2":
        from mlcourse.smollm2 import load_smollm2

        return load_smollm2
    raise AttributeError(f"module 'mlcourse' has no attribute {name!r}")
