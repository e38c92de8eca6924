"""Log axes that are cheap to draw: major ticks only, labelled as plain text.

Matplotlib labels a log axis' powers with mathtext (``$\\mathdefault{10^{2}}$``), which it
parses label by label, and it adds an unlabelled minor tick for each of 2, 3, ..., 9 times
every power. Both cost more to lay out and draw than the data. :func:`plain_log` keeps the
major ticks and their grid lines, labels them as plain text (``0.01``, ``1``, ``1,000``; far
from 1 as ``10⁶``, ``10⁻⁵``; on a base-2 axis as ``1``, ``2``, ``4``, ...) and drops the minor
ticks. Every chapter's log axes use it.
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, NullLocator

_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_label(value: float, powers: bool = False) -> str:
    """A log axis' tick label as plain text: ``0.01``, ``1``, ``1,000``; beyond that ``10⁶`` or ``10⁻⁵``.

    Values from 0.001 to 10,000 are written out; powers of ten outside that range, or all of them
    with ``powers=True``, as ``10`` with a superscript exponent; anything else in ``%g`` form.
    """
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    exponent = round(math.log10(abs(value)))
    if not math.isclose(abs(value), 10.0**exponent) or (1e-3 <= abs(value) <= 1e4 and not powers):
        return f"{value:,g}"
    return ("-" if value < 0 else "") + "10" + str(exponent).translate(_SUPERSCRIPTS)


def plain_log(ax: Axes, which: str = "y", *, powers: bool = False, **scale) -> None:
    """Put ``which`` axis of ``ax`` ("x", "y" or "xy") on a log scale with plain labels, no minor ticks.

    ``powers`` writes every decade as a power of ten (see :func:`power_label`). ``scale`` goes to
    ``set_xscale("log", ...)`` (e.g. ``base=2``); ``linthresh`` makes it symlog. An axis already
    on a plain log scale keeps it (and its limits).
    """
    for name in which:
        kind = "symlog" if "linthresh" in scale else "log"
        axis = ax.xaxis if name == "x" else ax.yaxis
        if scale or axis.get_scale() != kind:
            (ax.set_xscale if name == "x" else ax.set_yscale)(kind, **scale)
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: power_label(v, powers)))
        axis.set_minor_locator(NullLocator())
