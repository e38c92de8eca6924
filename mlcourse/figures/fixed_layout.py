"""Figures laid out once: fixed axes positions instead of a layout pass at every render.

Course figures use constrained layout (:func:`~mlcourse.figures.plot.new_figure`), which
measures every label at each render to fit the axes around them: about a third of a render's
cost. A figure whose labels are known in advance can keep the positions constrained layout
finds for it and skip the pass. :func:`fix_layout` places the axes at such positions, read off
one render of the figure with ``ax.get_position(original=True)``, so the picture is the same;
``tests/test_figures_chapter2.py`` checks that no text of a fixed figure leaves the canvas.
"""

from __future__ import annotations

from matplotlib.figure import Figure


def fix_layout(fig: Figure, *rects: tuple[float, float, float, float]) -> None:
    """Put ``fig``'s axes, in order, at ``rects`` (left, bottom, width, height as figure fractions); no layout pass."""
    if len(rects) != len(fig.axes):
        raise ValueError(f"rects must give one position per axes ({len(fig.axes)}), got {len(rects)}")
    fig.set_layout_engine("none")
    for ax, rect in zip(fig.axes, rects, strict=True):
        ax.set_position(rect)
