"""Shared check for figures with a fixed layout (mlcourse.figures.fixed_layout)."""

from io import BytesIO

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from mlcourse.figures.plot import min_font_pt, readable_text


def drawn_positions(fig):
    """Draw ``fig`` as it is rendered (text raised to the page's floor); return its axes' positions."""
    with readable_text(fig, min_font_pt(fig.get_figwidth())):
        FigureCanvasAgg(fig).draw()
    return [ax.get_position(original=True).bounds for ax in fig.axes]


def assert_fixed_layout_holds(plot, name: str) -> None:
    """The figure skips constrained layout, keeps every label on the canvas (nothing drawn on its
    outer edge, where a clipped label would show) and sits about where constrained layout would put it."""
    assert plot.fig.get_layout_engine().__class__.__name__ != "ConstrainedLayoutEngine", name
    pixels = np.asarray(Image.open(BytesIO(plot.to_png())).convert("L"))
    edge = np.concatenate([pixels[:2].ravel(), pixels[-2:].ravel(), pixels[:, :2].ravel(), pixels[:, -2:].ravel()])
    assert edge.min() > 200, name  # paper-white all round
    fixed = drawn_positions(plot.fig)
    plot.fig.set_layout_engine("constrained")
    np.testing.assert_allclose(fixed, drawn_positions(plot.fig), atol=0.03, err_msg=name)
