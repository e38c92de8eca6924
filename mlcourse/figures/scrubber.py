"""Kernel-free sliders for the static site.

In Jupyter, a chapter's live widget (``ipywidgets.interact``) calls a figure function each time
a slider moves. The website has no kernel, so for it :func:`scrubber` draws the same figure for
a fixed list of frames ahead of time (each frame is the keyword arguments of one call,
``draw(fig, **frame)``) and packs the frames into matplotlib's self-contained
``FuncAnimation.to_jshtml()`` player: an ``<input type=range>`` that swaps frames in the browser.

The player's HTML is adjusted so that it works offline and reads well with a screen reader:
the Font Awesome stylesheet it links on a CDN is removed (its button icons become plain
Unicode symbols), the frame ``<img>`` gets alt text and the slider an accessible label.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from IPython.display import HTML
from matplotlib.animation import FuncAnimation

from mlcourse.figures.plot import compact_png, new_figure
from mlcourse.figures.style import styled

#: Font Awesome icon names used by matplotlib's player, and the symbol shown instead (characters
#: that common system fonts have, so no icon font is needed).
ICONS: dict[str, str] = {
    "fa fa-minus": "−",
    "fa fa-fast-backward": "«",
    "fa fa-step-backward": "‹",
    "fa fa-play fa-flip-horizontal": "◀",
    "fa fa-pause": "‖",
    "fa fa-play": "▶",
    "fa fa-step-forward": "›",
    "fa fa-fast-forward": "»",
    "fa fa-plus": "+",
}

_FRAME = re.compile(r'"data:image/png;base64,([^"]*)"')
_STYLESHEET = re.compile(r"<link[^>]*font-awesome[^>]*>\s*", re.IGNORECASE)
_ICON = re.compile(r'<i class="(fa [^"]+)"></i>')


def scrubber(
    draw: Callable[..., Any],
    frames: Sequence[Mapping[str, Any]],
    *,
    alt: str,
    label: str,
    width: float = 7.0,
    height: float = 3.6,
    dpi: int = 72,
    interval_ms: int = 400,
) -> HTML:
    """Pre-render ``draw(fig, **frame)`` for each frame into an offline slider player.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **frame)`` draws one frame on an empty figure (the same function the
        chapter's live widget uses, so the site and the notebook show the same picture).
    frames : sequence of dict
        The slider positions, in order, each the keyword arguments of one ``draw`` call,
        e.g. ``[{"w": 0.5}, {"w": 1.0}]``; at least two.
    alt : str
        Alt text for the frames: what the figure shows and what moving the slider changes.
    label : str
        Accessible name of the slider, e.g. ``"weight w"``.
    width, height : float
        Figure size in inches.
    dpi : int
        Resolution of each frame; the page weight grows with ``len(frames) * dpi**2``.
    interval_ms : int
        Delay between frames when the player's Play button is used, in milliseconds.

    Returns
    -------
    IPython.display.HTML
        Self-contained HTML (frames inlined as base64 PNG); no request leaves the page.
    """
    if isinstance(frames, (str, bytes)) or not isinstance(frames, Sequence) or len(frames) < 2:
        raise ValueError("frames must be a sequence of at least two slider positions (dicts of draw's arguments)")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of the figure")
    if not isinstance(label, str) or not label.strip():
        raise ValueError("label must name the quantity the slider changes")

    fig = new_figure(width, height, dpi=dpi)

    def update(index: int) -> list:
        fig.clear()
        with styled():
            frame = frames[index]
            if isinstance(frame, Mapping):
                draw(fig, **frame)
            else:  # a bare value: draw(fig, value)
                draw(fig, frame)
        return []

    with styled():
        animation = FuncAnimation(fig, update, frames=len(frames), interval=interval_ms, blit=False)
        page = animation.to_jshtml(default_mode="once")
    return HTML(offline_player(page, alt=alt, label=label))


def _compact_frame(match: re.Match) -> str:
    """Shrink one embedded frame (see :func:`mlcourse.figures.compact_png`)."""
    data = re.sub(r"[^A-Za-z0-9+/=]", "", match.group(1))  # drop the JS line continuations
    small = base64.b64encode(compact_png(base64.b64decode(data))).decode("ascii")
    return f'"data:image/png;base64,{small}"'


def offline_player(page: str, *, alt: str, label: str) -> str:
    """Make matplotlib's ``to_jshtml`` output self-contained and accessible (see module doc)."""
    page = _FRAME.sub(_compact_frame, page)
    page = _STYLESHEET.sub("", page)
    page = _ICON.sub(lambda m: f'<span aria-hidden="true">{ICONS.get(m.group(1), "•")}</span>', page)
    alt_attr = html.escape(alt, quote=True)
    label_attr = html.escape(label, quote=True)
    page = re.sub(r"<img id=", lambda m: f'<img alt="{alt_attr}" id=', page, count=1)
    page = re.sub(
        r'<input id="(_anim_slider[^"]*)" type="range"',
        lambda m: f'<input id="{m.group(1)}" aria-label="{label_attr}" type="range"',
        page,
        count=1,
    )
    return f'<div class="mlcourse-scrubber">{page}</div>'
