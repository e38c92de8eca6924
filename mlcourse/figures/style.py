"""The course's plot style: a colour-blind-safe palette on an opaque background.

Nothing changes on import. Figure functions in :mod:`mlcourse.figures` draw inside
:func:`styled`; call :func:`use` yourself if you want your own plots to match.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import matplotlib as mpl
from cycler import cycler

from mlcourse.validation import as_int

#: Okabe and Ito's colour-blind-safe palette (Color Universal Design, 2008), black omitted. Their
#: pale yellow (#F0E442, contrast 1.3:1 on white) vanished as a swatch on the figures' white
#: paper, so "yellow" is a dark yellow (3.4:1 on white) that keeps its hue apart from orange.
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#A08C00",
}

#: The one colour cycle: every figure's lines and bars take their colours in this order (yellow is
#: left out: even darkened it is the weakest on white). Use :func:`cycle_colors` for an explicit list.
CYCLE: tuple[str, ...] = tuple(PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "sky", "purple"))

#: Ink and paper: figures keep a white background so they stay readable in the site's dark mode.
INK = "#222222"
MUTED = "#666666"
PAPER = "#FFFFFF"

#: The rcParams every course figure is drawn with.
RC: dict[str, object] = {
    "axes.prop_cycle": cycler(color=list(CYCLE)),
    "figure.facecolor": PAPER,
    "axes.facecolor": PAPER,
    "savefig.facecolor": PAPER,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.8,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "font.size": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "figure.dpi": 100,
    # SVG ids from a fixed salt, not a random one: the same figure gives the same file.
    "svg.hashsalt": "mlcourse",
}


@contextlib.contextmanager
def styled() -> Iterator[None]:
    """Draw with the course style inside a ``with`` block, leaving global settings untouched."""
    with mpl.rc_context(RC):
        yield


def use() -> None:
    """Apply the course style to every later matplotlib figure in this session (an explicit opt-in)."""
    mpl.rcParams.update(RC)


def cycle_colors(n: int) -> list[str]:
    """The first ``n`` colours of :data:`CYCLE`, starting over after the last (for bars, markers, legends)."""
    return [CYCLE[i % len(CYCLE)] for i in range(as_int(n, "n", low=0))]
