"""mlcourse: the helpers behind the course "What Is a Model?".

The package has three layers, and imports flow one way (ideas <- figures <- chapters):

- idea modules, numpy only, named after the concept they hold (``softmax``, ``mlp``, ...);
- :mod:`mlcourse.figures`: every figure and kernel-free slider, one module per chapter;
- :mod:`mlcourse.exercises`: the checkers behind each chapter's exercises.

Nothing here changes global state on import: the plot style is applied inside each figure
function, or globally only when you call :func:`mlcourse.figures.style.use`.
"""

__version__ = "0.2.0"
