"""Kernel-free sliders for the static site.

In Jupyter, a chapter's live widget (``ipywidgets.interact``) calls a figure function each time
a slider moves. The website has no kernel, so for it :func:`scrubber` draws the same figure for
a fixed list of frames ahead of time (each frame is the keyword arguments of one call,
``draw(fig, **frame)``) and packs them into a small self-contained player: an
``<input type=range>`` that swaps the frames in the browser, with −/+ step buttons and a Play
button.

The player works offline (frames inlined, a few lines of inline script, no icon font), sizes
itself to its column (the frame shrinks with the page; the controls wrap), and reads well with a
screen reader: the frame has alt text, the slider an accessible name and an ``aria-valuetext``
that says the current value (``"w = 1.5"``), also shown next to the track, and every button
has a label. Frames are rendered like :class:`~mlcourse.figures.plot.Plot` figures: sharp on a
2x screen with readable text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from IPython.display import HTML

from mlcourse.figures.plot import CSS_PX_PER_INCH, RENDER_DPI, new_figure, render_readable
from mlcourse.figures.style import styled

#: The player's behaviour; ``ROOT`` is replaced by the player's element id.
_SCRIPT = """(function () {
  var root = document.getElementById("ROOT");
  if (!root || root.dataset.ready) return;
  root.dataset.ready = "1";
  var data = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  var img = root.querySelector("img"), slider = root.querySelector("input[type=range]");
  var readout = root.querySelector("output"), play = root.querySelector("[data-play]");
  data.frames[0] = img.getAttribute("src");
  var timer = null;
  function show(i) {
    i = Math.max(0, Math.min(data.frames.length - 1, i));
    slider.value = i;
    img.src = data.frames[i];
    slider.setAttribute("aria-valuetext", data.labels[i]);
    readout.textContent = data.labels[i];
  }
  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    play.textContent = "\\u25B6"; play.setAttribute("aria-label", "Play"); play.setAttribute("aria-pressed", "false");
  }
  slider.addEventListener("input", function () { show(+slider.value); });
  root.querySelectorAll("[data-step]").forEach(function (b) {
    b.addEventListener("click", function () { stop(); show(+slider.value + +b.dataset.step); });
  });
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (+slider.value >= data.frames.length - 1) show(0);
    play.textContent = "\\u2016"; play.setAttribute("aria-label", "Pause"); play.setAttribute("aria-pressed", "true");
    timer = setInterval(function () {
      if (+slider.value >= data.frames.length - 1) { stop(); return; }
      show(+slider.value + 1);
    }, data.interval);
  });
})();"""


def scrubber(
    draw: Callable[..., Any],
    frames: Sequence[Mapping[str, Any]],
    *,
    alt: str,
    label: str,
    width: float = 7.0,
    height: float = 3.6,
    dpi: int = RENDER_DPI,
    interval_ms: int = 400,
    labels: Sequence[str] | None = None,
) -> HTML:
    """Pre-render ``draw(fig, **frame)`` for each frame into an offline slider player.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **frame)`` draws one frame on an empty figure (the same function the
        chapter's live widget uses, so the site and the notebook show the same picture).
    frames : sequence of dict
        The slider positions, in order, each the keyword arguments of one ``draw`` call,
        e.g. ``[{"w": 0.5}, {"w": 1.0}]``; at least two. (A bare value is passed positionally.)
    alt : str
        Alt text for the frames: what the figure shows and what moving the slider changes.
    label : str
        Accessible name of the slider, e.g. ``"weight w"``.
    width, height : float
        Figure size in inches; the frame is shown 96 CSS px per inch, shrunk to fit the column.
    dpi : int
        Render resolution of PNG frames, in pixels per inch (default: 2 device px per CSS px).
    interval_ms : int
        Delay between frames when the player's Play button is used, in milliseconds.
    labels : sequence of str, optional
        The value shown for each frame (and read out as ``aria-valuetext``); by default each
        frame's numbers and strings, e.g. ``"w = 1.5, b = 1"`` (see :func:`frame_label`).

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
    if isinstance(interval_ms, bool) or not isinstance(interval_ms, numbers.Integral) or interval_ms < 1:
        raise ValueError(f"interval_ms must be a positive integer number of milliseconds, got {interval_ms!r}")
    if labels is None:
        labels = [frame_label(frame, i, len(frames), name=label) for i, frame in enumerate(frames)]
    elif isinstance(labels, str) or len(labels) != len(frames) or not all(isinstance(s, str) for s in labels):
        raise ValueError(f"labels must be {len(frames)} strings, one per frame")

    fig = new_figure(width, height)
    sources: list[str] = []
    smallest = float("inf")
    for frame in frames:
        fig.clear()
        with styled():
            if isinstance(frame, Mapping):
                draw(fig, **frame)
            else:  # a bare value: draw(fig, value)
                draw(fig, frame)
        png, frame_smallest = render_readable(fig, "png", dpi=dpi)
        sources.append(f"data:image/png;base64,{base64.b64encode(png).decode('ascii')}")
        smallest = min(smallest, frame_smallest)
    return HTML(
        player(
            sources,
            list(labels),
            alt=alt,
            label=label,
            size=(round(width * CSS_PX_PER_INCH), round(height * CSS_PX_PER_INCH)),
            min_font_pt=smallest,
            interval_ms=int(interval_ms),
        )
    )


def frame_label(frame: Any, index: int, count: int, *, name: str | None = None) -> str:
    """A short readout of one frame: its numbers and strings as ``"name = value"``.

    A dict frame gives ``"w = 1.5, b = 1"`` (other values, such as arrays or models, are left
    out); a bare number gives ``"1.5"``, or ``"hidden units = 8"`` with ``name="hidden units"``.
    With nothing to show it says ``"3 of 10"``.
    """
    if isinstance(frame, Mapping):
        parts = [f"{k} = {_format_value(v)}" for k, v in frame.items() if _format_value(v) is not None]
    elif _format_value(frame) is not None:
        parts = [f"{name} = {_format_value(frame)}" if name else _format_value(frame)]
    else:
        parts = []
    return ", ".join(parts) if parts else f"{index + 1} of {count}"


def _format_value(value: Any) -> str | None:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):g}"
    if isinstance(value, str) and len(value) <= 30:
        return value
    return None


def player(
    sources: Sequence[str],
    labels: Sequence[str],
    *,
    alt: str,
    label: str,
    size: tuple[int, int],
    min_font_pt: float,
    interval_ms: int = 400,
) -> str:
    """The player's HTML for frames given as image URLs (see :func:`scrubber`)."""
    key = hashlib.sha256("".join([label, *labels, *sources]).encode()).hexdigest()[:12]
    root = f"mlcourse-scrubber-{key}"
    # Frame 0 lives in the <img>; the JSON holds the others (no copy of the first frame).
    data = json.dumps({"frames": [None, *sources[1:]], "labels": list(labels), "interval": interval_ms})
    data = data.replace("</", "<\\/")  # never close the script element early
    name = html.escape(label, quote=True)
    first = html.escape(labels[0], quote=True)
    width, height = size
    return (
        f'<div class="mlcourse-scrubber" id="{root}" style="max-width:{width}px">'
        f'<img class="mlcourse-figure" src="{sources[0]}" alt="{html.escape(alt, quote=True)}" '
        f'width="{width}" height="{height}" data-min-font-pt="{min_font_pt:g}">'
        '<div class="mlcourse-scrubber-controls">'
        f'<button type="button" data-step="-1" aria-label="Previous {name}">−</button>'
        f'<input type="range" min="0" max="{len(sources) - 1}" step="1" value="0" '
        f'aria-label="{name}" aria-valuetext="{first}">'
        f'<button type="button" data-step="1" aria-label="Next {name}">+</button>'
        f'<button type="button" data-play aria-label="Play" aria-pressed="false">▶</button>'
        f'<output aria-hidden="true">{first}</output>'
        "</div>"
        f'<script type="application/json">{data}</script>'
        f"<script>{_SCRIPT.replace('ROOT', root)}</script>"
        "</div>"
    )
