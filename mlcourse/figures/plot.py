"""Figures with alt text: every picture in the course is a :class:`Plot`.

A :class:`Plot` pairs a matplotlib figure with the sentence that describes it to a reader
who cannot see it. Jupyter and the book display it as an ``<img>`` carrying that alt text.
Figures are made with :func:`new_figure`, which never touches ``pyplot``'s global state, so
a figure appears exactly once: where a cell returns or displays its :class:`Plot`.

How a figure reaches the page (checked in a real browser by ``tests/site``):

- Its display width is set from its size: one figure inch is :data:`CSS_PX_PER_INCH` CSS
  pixels (the ``width`` and ``height`` attributes), shrunk by CSS to the column when wider.
- It is sharp on a 2x screen: a PNG is rendered at :data:`DEVICE_PX_PER_CSS_PX` device pixels
  per CSS pixel (an SVG, sharp at any size, is available; for the course's plots it is larger).
- Its text is readable: no text is smaller than :data:`MIN_TEXT_PX` CSS pixels once the figure
  is scaled into the book's column (:data:`COLUMN_PX` wide on a 1280 px page). Smaller font
  sizes are raised to that floor while the figure is rendered (the figure object itself is left
  unchanged), and the ``<img>`` carries the smallest size in points as ``data-min-font-pt`` so
  the browser test can check it. A figure wider than the column is shrunk, so its floor is
  higher: about 7 inches is the widest that needs none.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from mlcourse.figures.style import PAPER, RC, styled

#: CSS pixels per figure inch: the CSS reference pixel is 1/96 inch.
CSS_PX_PER_INCH = 96
#: Device pixels per CSS pixel that raster figures are rendered for (a HiDPI screen).
DEVICE_PX_PER_CSS_PX = 2
#: Render resolution of raster figures, in device pixels per figure inch.
RENDER_DPI = CSS_PX_PER_INCH * DEVICE_PX_PER_CSS_PX
#: Width of the book's text column on a 1280 px page, in CSS pixels.
COLUMN_PX = 688
#: Smallest text size on the page, in CSS pixels, that a figure may use.
MIN_TEXT_PX = 11.0


def display_scale(width_in: float) -> float:
    """How much a figure ``width_in`` inches wide is shrunk on a 1280 px page (1 = not at all)."""
    return min(1.0, COLUMN_PX / (width_in * CSS_PX_PER_INCH))


def min_font_pt(width_in: float) -> float:
    """The smallest font size (points) that shows as at least :data:`MIN_TEXT_PX` CSS pixels.

    A point is 1/72 inch, so at full size it is 96/72 CSS pixels; shrinking the figure into the
    column shrinks its text by :func:`display_scale`. Rounded up to a quarter point.
    """
    pt = MIN_TEXT_PX * 72 / CSS_PX_PER_INCH / display_scale(width_in)
    return math.ceil(pt * 4 - 1e-9) / 4


def _visible_texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def smallest_font_pt(fig: Figure) -> float:
    """The smallest font size, in points, of any visible text in ``fig`` (after a draw)."""
    sizes = [t.get_fontsize() for t in _visible_texts(fig)]
    return min(sizes) if sizes else float("inf")


@contextmanager
def readable_text(fig: Figure, floor_pt: float) -> Iterator[None]:
    """Raise every font size below ``floor_pt`` to it while the block runs; restore it afterwards.

    Works before the figure is drawn: tick labels are made at draw time, so each axis also gets
    its floor through ``tick_params``, which the new ticks copy.
    """
    saved: list[tuple[Text, float]] = []
    ticks: list[tuple[Axes, str, float]] = []
    for ax in fig.get_axes():
        for axis, which in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            # The first major and minor tick (made on demand, one each) carry the axis' label size;
            # get_major_ticks() would run the locator and make every tick just to read it.
            size = min(axis.majorTicks[0].label1.get_fontsize(), axis.minorTicks[0].label1.get_fontsize())
            if size < floor_pt:
                ticks.append((ax, which, size))
                ax.tick_params(axis=which, which="both", labelsize=floor_pt)
    for text in fig.findobj(Text):  # empty ones too: offset texts are filled in at draw time
        if text.get_fontsize() < floor_pt:
            saved.append((text, text.get_fontsize()))
            text.set_fontsize(floor_pt)
    try:
        yield
    finally:
        for text, size in saved:
            text.set_fontsize(size)
        for ax, which, size in ticks:
            ax.tick_params(axis=which, which="both", labelsize=size)


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

    def to_png(self, dpi: int = RENDER_DPI, compact: bool = True) -> bytes:
        """Render the figure as PNG bytes on an opaque background (palette PNG if ``compact``).

        Figures from :func:`new_figure` use constrained layout, which already fits labels inside
        the canvas, so no ``bbox_inches="tight"`` pass (a second layout, nearly doubling the cost).
        Text smaller than the page's readable minimum is raised to it (see the module doc).
        """
        return render(self.fig, "png", dpi=dpi, compact=compact)

    def to_svg(self) -> bytes:
        """Render the figure as SVG bytes (text drawn as paths, so it needs no fonts)."""
        return render(self.fig, "svg")

    def to_html(self, dpi: int = RENDER_DPI, fmt: str = "png") -> str:
        """An ``<img>`` sized from the figure, with the PNG (or, with ``fmt="svg"``, the SVG) inlined.

        It carries the alt text (escaped), ``width``/``height`` in CSS pixels and
        ``data-min-font-pt``, the smallest font size in the rendered figure. The course's plots
        (anti-aliased lines, shading, text drawn as paths) come out smaller as palette PNG than
        as SVG, so PNG is the default.
        """
        return figure_img(self.fig, self.alt, dpi=dpi, fmt=fmt)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"Plot(alt={self.alt!r})"


def render(fig: Figure, fmt: str, *, dpi: int = RENDER_DPI, compact: bool = True) -> bytes:
    """``fig`` as ``"png"`` or ``"svg"`` bytes, its text raised to the readable floor."""
    return render_readable(fig, fmt, dpi=dpi, compact=compact)[0]


def render_readable(fig: Figure, fmt: str, *, dpi: int = RENDER_DPI, compact: bool = True) -> tuple[bytes, float]:
    """``fig`` rendered (see :func:`render`) and the smallest font size in it, in points."""
    if fmt not in {"png", "svg"}:
        raise ValueError(f"fmt must be 'png' or 'svg', got {fmt!r}")
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not 10 <= dpi <= 600:
        raise ValueError(f"dpi must be a number between 10 and 600, got {dpi!r}")
    with styled(), readable_text(fig, min_font_pt(fig.get_figwidth())):
        if fmt == "png" and compact:
            data = _palette_png(_draw_rgb(fig, dpi))
        else:
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, dpi=dpi, facecolor=PAPER, metadata=_NO_METADATA[fmt])
            data = buffer.getvalue()
        smallest = smallest_font_pt(fig)  # after the draw, which made the tick labels
    return (data, smallest)


def _draw_rgb(fig: Figure, dpi: float) -> Image.Image:
    """Draw ``fig`` once at ``dpi`` with Agg and return its pixels (what ``savefig`` would encode).

    ``savefig`` draws a figure with a layout engine twice and then encodes a full-colour PNG that
    :func:`compact_png` would decode again; the scrubbers render many frames, so one draw straight
    into the palette encoder halves their cost. The figure's own dpi is restored afterwards.
    """
    # A Figure made with new_figure() has no canvas that can draw: give it an Agg one, and keep it,
    # so that redrawing the figure (a scrubber's frames) reuses its renderer and cached text sizes.
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    saved = fig.get_dpi()
    fig.set_dpi(dpi)
    try:
        canvas.draw()
        rgba = canvas.buffer_rgba()
        image = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1)
        return image.convert("RGB")
    finally:
        fig.set_dpi(saved)


#: No creation date or software tag: the same figure always gives the same bytes.
_NO_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}


def figure_img(fig: Figure, alt: str, *, dpi: int = RENDER_DPI, fmt: str = "png") -> str:
    """The ``<img>`` for ``fig`` (see :meth:`Plot.to_html`)."""
    data, smallest = render_readable(fig, fmt, dpi=dpi)
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    width, height = (round(v * CSS_PX_PER_INCH) for v in fig.get_size_inches())
    src = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (
        f'<img class="mlcourse-figure" src="{src}" alt="{html.escape(alt, quote=True)}" '
        f'width="{width}" height="{height}" data-min-font-pt="{smallest:g}">'
    )


def compact_png(png: bytes, colors: int = 64) -> bytes:
    """Re-encode a PNG with a palette of ``colors`` colours: about 4x smaller for line plots.

    Plots use a handful of flat colours plus anti-aliased edges, so 64 colours without dithering
    look the same to the eye while keeping the site's pages light. The fast octree quantizer is
    about 3x quicker than median cut here and gives slightly smaller files.
    """
    with Image.open(io.BytesIO(png)) as image:
        return _palette_png(image.convert("RGB"), colors)


def _palette_png(rgb: Image.Image, colors: int = 64) -> bytes:
    """``rgb`` as a palette PNG of ``colors`` colours (see :func:`compact_png`)."""
    palette = rgb.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", compress_level=6)  # optimize=True: 3x slower, 6% smaller
    return buffer.getvalue()


def new_figure(width: float = 7.0, height: float = 3.6, dpi: int = 100) -> Figure:
    """A blank course-styled figure (inches), detached from ``pyplot``.

    Draw on it inside :func:`mlcourse.figures.style.styled` so that axes pick up the style.
    ``dpi`` only sets the on-screen size in a GUI; saved figures use :data:`RENDER_DPI`.
    """
    with styled():
        return Figure(figsize=(width, height), dpi=dpi, facecolor=RC["figure.facecolor"], layout="constrained")


def fixed_axes(
    fig: Figure,
    ratios: Sequence[float] = (1.0,),
    *,
    left: float,
    right: float,
    bottom: float,
    top: float,
    gap: float = 0.0,
) -> list[Axes]:
    """Axes side by side in ``fig``, their widths in proportion to ``ratios``, with fixed margins.

    ``left``, ``right``, ``bottom``, ``top`` and the ``gap`` between neighbours are in inches, so
    they hold the tick labels and titles at any figure size. The figure's layout engine is turned
    off: constrained layout measures every label twice more before each draw, about a third of a
    render, and a scrubber's frames would shift as their labels change width. Leave room for text
    raised to the readable floor (see the module doc).
    """
    width, height = fig.get_size_inches()
    free = width - left - right - gap * (len(ratios) - 1)
    if free <= 0 or bottom + top >= height:
        raise ValueError(f"margins leave no room for the axes in a {width:g} x {height:g} inch figure")
    fig.set_layout_engine("none")
    axes, x = [], left
    for ratio in ratios:
        w = free * ratio / sum(ratios)
        axes.append(fig.add_axes((x / width, bottom / height, w / width, 1 - (bottom + top) / height)))
        x += w + gap
    return axes
