"""Shared check for figures laid out with fixed margins (mlcourse.figures.plot.fixed_axes)."""

from io import BytesIO

import numpy as np
from PIL import Image


def assert_fixed_layout_holds(plot, name: str) -> None:
    """The figure skips constrained layout and its fixed margins hold every label: nothing is drawn
    on the canvas' outer edge, where a label pushed out of the figure would show."""
    assert plot.fig.get_layout_engine().__class__.__name__ != "ConstrainedLayoutEngine", name
    pixels = np.asarray(Image.open(BytesIO(plot.to_png())).convert("L"))
    edge = np.concatenate([pixels[:2].ravel(), pixels[-2:].ravel(), pixels[:, :2].ravel(), pixels[:, -2:].ravel()])
    assert edge.min() > 200, name  # paper-white all round
