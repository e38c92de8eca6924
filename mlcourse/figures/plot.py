"""Figures with alt text: every picture in the course is a :class:`Plot`.

A :class:`Plot` pairs a matplotlib figure with the sentence that describes it to a reader
who cannot see it. Jupyter and the book display it as a PNG ``<img>`` carrying that alt text.
Figures are made with :func:`new_figure`, which never touches ``pyplot``'s global state, so
a figure appears exactly once: where a cell returns or displays its :class:`Plot`.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

from matplotlib.figure import Figure
from PIL import Image

from mlcourse.figures.style import PAPER, RC, styled


@dataclass(frozen=True)
class Plot:
    """A matplotlib figure and its alt text.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
        The figure; inspect its axes and artists in tests.
    alt : str
        What the figure shows, in one or two sentences (not its title).
    """

    fig: Figure
    alt: str

    def __post_init__(self) -> None:
        if not isinstance(self.fig, Figure):
            raise TypeError(f"fig must be a matplotlib Figure, got {type(self.fig).__name__}")
        if not isinstance(self.alt, str) or not self.alt.strip():
            raise ValueError("alt must be a non-empty description of what the figure shows")

    def to_png(self, dpi: int = 100, compact: bool = True) -> bytes:
        """Render the figure as PNG bytes on an opaque background (palette PNG if ``compact``).

        Figures from :func:`new_figure` use constrained layout, which already fits labels inside
        the canvas, so no ``bbox_inches="tight"`` pass (a second layout, nearly doubling the cost).
        """
        buffer = io.BytesIO()
        with styled():
            self.fig.savefig(buffer, format="png", dpi=dpi, facecolor=PAPER)
        return compact_png(buffer.getvalue()) if compact else buffer.getvalue()

    def to_html(self, dpi: int = 100) -> str:
        """An ``<img>`` element with the PNG inlined and the alt text escaped."""
        data = base64.b64encode(self.to_png(dpi)).decode("ascii")
        alt = html.escape(self.alt, quote=True)
        return f'<img class="mlcourse-figure" src="data:image/png;base64,{data}" alt="{alt}">'

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"Plot(alt={self.alt!r})"


def compact_png(png: bytes, colors: int = 64) -> bytes:
    """Re-encode a PNG with a palette of ``colors`` colours: about 4x smaller for line plots.

    Plots use a handful of flat colours plus anti-aliased edges, so 64 colours without dithering
    look the same to the eye while keeping the site's pages light.
    """
    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
    palette = rgb.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def new_figure(width: float = 7.0, height: float = 3.6, dpi: int = 100) -> Figure:
    """A blank course-styled figure (inches), detached from ``pyplot``.

    Draw on it inside :func:`mlcourse.figures.style.styled` so that axes pick up the style.
    """
    with styled():
        return Figure(figsize=(width, height), dpi=dpi, facecolor=RC["figure.facecolor"], layout="constrained")
