"""Figures and kernel-free sliders: everything in the course that draws.

The shared pieces live here; each chapter's figures live in ``chapterN.py`` beside them::

    from mlcourse.figures import chapter3 as figures

- :mod:`~mlcourse.figures.plot`: :class:`Plot` (a figure plus its alt text), :func:`new_figure`
  and :func:`~mlcourse.figures.plot.fixed_axes` (axes at fixed margins: no layout pass per render);
- :mod:`~mlcourse.figures.log_axes`: :func:`~mlcourse.figures.log_axes.plain_log`, log axes with
  plain labels and no minor ticks;
- :mod:`~mlcourse.figures.style`: the palette and :func:`styled`;
- :mod:`~mlcourse.figures.diagrams`: box-and-arrow diagrams drawn by code;
- :mod:`~mlcourse.figures.scrubber`: pre-rendered sliders for the static site.

Figure modules import the idea modules (numpy only), never the other way round.
"""

from mlcourse.figures.plot import Plot, compact_png, new_figure
from mlcourse.figures.style import INK, MUTED, PALETTE, PAPER, styled

__all__ = ["INK", "MUTED", "PALETTE", "PAPER", "Plot", "compact_png", "new_figure", "styled"]
