"""Box-and-arrow diagrams drawn by code (the source page's diagrams survive only as titles).

:func:`draw_flow` draws a row of labelled boxes joined by arrows, optionally with a loop
arrow from the last box back to the first. Chapters compose their diagrams from it, for
example "input -> f(x; θ) -> output" or "forward pass -> loss -> backward pass -> update".
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from mlcourse.figures.style import INK, PALETTE, PAPER

BOX_FILL = "#EAF2FA"


def draw_flow(
    ax: Axes,
    labels: Sequence[str],
    *,
    y: float = 0.5,
    loop_label: str | None = None,
    highlight: Sequence[int] = (),
    box_width: float = 0.8,
    box_height: float = 0.5,
    gap: float = 0.45,
    fontsize: float = 11,
) -> list[FancyBboxPatch]:
    """Draw boxes left to right, joined by arrows, on ``ax`` (data coordinates).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw; its limits are widened to fit, its frame is hidden.
    labels : sequence of str
        Text of each box, left to right (may contain newlines or mathtext).
    y : float
        Vertical centre of the row.
    loop_label : str, optional
        If given, an arrow curves from the last box back to the first, labelled with it.
    highlight : sequence of int
        Indices of boxes drawn in the accent colour (e.g. the model itself).
    box_width, box_height, gap : float
        Geometry in data units.
    fontsize : float
        Label size in points.

    Returns
    -------
    list of matplotlib.patches.FancyBboxPatch
        The boxes, left to right (useful in tests).
    """
    if len(labels) < 1:
        raise ValueError("labels must name at least one box")
    boxes = []
    for i, text in enumerate(labels):
        x0 = i * (box_width + gap)
        accent = i in highlight
        box = FancyBboxPatch(
            (x0, y - box_height / 2),
            box_width,
            box_height,
            boxstyle="round,pad=0.04",
            facecolor=PALETTE["blue"] if accent else BOX_FILL,
            edgecolor=INK,
            linewidth=1.2,
        )
        ax.add_patch(box)
        ax.text(
            x0 + box_width / 2,
            y,
            text,
            ha="center",
            va="center",
            fontsize=fontsize,
            color=PAPER if accent else INK,
        )
        boxes.append(box)
        if i > 0:
            ax.add_patch(
                FancyArrowPatch(
                    (x0 - gap + 0.04, y), (x0 - 0.04, y), arrowstyle="-|>", mutation_scale=16, color=INK, linewidth=1.4
                )
            )
    right = len(labels) * (box_width + gap) - gap
    top = y + box_height / 2
    if loop_label is not None and len(labels) > 1:
        rise = 0.25 * (right - box_width) / 2
        ax.add_patch(
            FancyArrowPatch(
                (right - box_width / 2, top + 0.04),
                (box_width / 2, top + 0.04),
                connectionstyle="arc3,rad=0.25",
                arrowstyle="-|>",
                mutation_scale=16,
                color=PALETTE["vermillion"],
                linewidth=1.4,
            )
        )
        ax.text(right / 2, top + rise + 0.08, loop_label, ha="center", va="bottom", fontsize=fontsize - 1)
        top += rise + 0.35
    # Text does not widen the data limits by itself: add the row's corners explicitly.
    ax.update_datalim([(-0.1, y - box_height / 2 - 0.1), (right + 0.1, top + 0.05)])
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.axis("off")
    return boxes
