"""Log axes that are cheap to draw: major ticks only, labelled as plain text.

Matplotlib labels a log axis' powers with mathtext (``$\\mathdefault{10^{2}}$``), which it
parses label by label, and it adds an unlabelled minor tick for each of 2, 3, ..., 9 times
every power. Both cost more to lay out and draw than the data. :func:`plain_log` keeps the
major ticks and their grid lines, labels them as plain text (``0.01``, ``1``, ``100``; far
from 1 as ``10⁶``, ``10⁻⁵``; on a base-2 axis as ``1``, ``2``, ``4``, ...) and drops the minor
ticks. (Chapter 6's figures do the same with their own helper.)
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, NullLocator

_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_label(value: float) -> str:
    """A tick label for a log axis: ``0.01``, ``1``, ``100``, ``5000``; beyond that ``10⁶`` or ``10⁻⁵``."""
    if value == 0 or 1e-3 <= abs(value) < 1e4 or not math.isfinite(value):
        return f"{value:g}"
    exponent = round(math.log10(abs(value)))
    if not math.isclose(abs(value), 10.0**exponent):
        return f"{value:g}"
    return ("-" if value < 0 else "") + "10" + str(exponent).translate(_SUPERSCRIPTS)


def plain_log(ax: Axes, which: str = "y", **scale) -> None:
    """Put ``which`` axis of ``ax`` ("x", "y" or "xy") on a log scale with plain labels, no minor ticks.

    ``scale`` goes to ``set_xscale("log", ...)`` (e.g. ``base=2``); ``linthresh`` makes it symlog.
    """
    for name in which:
        kind = "symlog" if "linthresh" in scale else "log"
        (ax.set_xscale if name == "x" else ax.set_yscale)(kind, **scale)
        axis = ax.xaxis if name == "x" else ax.yaxis
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: power_label(v)))
        axis.set_minor_locator(NullLocator())
