import base64
import io
import json
import re

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from mlcourse.figures import Plot, diagrams, new_figure, style
from mlcourse.figures.plot import fixed_axes, min_font_pt
from mlcourse.figures.scrubber import frame_label, player, scrubber


def test_plot_requires_a_figure_and_alt_text():
    with pytest.raises(ValueError, match="alt must be a non-empty"):
        Plot(new_figure(), "  ")
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        Plot("not a figure", "alt")


def test_plot_renders_an_img_with_escaped_alt_and_a_real_png():
    fig = new_figure(2, 2)
    fig.add_subplot().plot([0, 1], [0, 1])
    html = Plot(fig, 'A "rising" line <y = x>').to_html()
    assert 'alt="A &quot;rising&quot; line &lt;y = x&gt;"' in html
    data = re.search(r"base64,([^\"]+)", html).group(1)
    assert base64.b64decode(data).startswith(b"\x89PNG")


def test_new_figure_is_opaque_and_does_not_change_global_style():
    import matplotlib as mpl

    before = dict(mpl.rcParams)
    fig = new_figure()
    assert fig.get_facecolor()[3] == 1.0
    assert dict(mpl.rcParams) == before


def test_use_applies_the_course_style_explicitly():
    import matplotlib as mpl

    with mpl.rc_context():
        style.use()
        assert mpl.rcParams["axes.spines.top"] is False
        assert mpl.rcParams["figure.facecolor"] == style.PAPER


def test_draw_flow_places_boxes_left_to_right_and_fits_them():
    fig = Figure()
    ax = fig.add_subplot()
    boxes = diagrams.draw_flow(ax, ["a", "b", "c"], loop_label="repeat")
    xs = [b.get_x() for b in boxes]
    assert xs == sorted(xs) and len(set(xs)) == 3
    left, right = ax.get_xlim()
    assert left <= xs[0] and right >= xs[-1] + boxes[-1].get_width()
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c", "repeat"]
    with pytest.raises(ValueError, match="labels must name at least one box"):
        diagrams.draw_flow(ax, [])


def _draw_dot(fig, value):
    ax = fig.add_subplot()
    ax.plot([value], [value], "o")
    ax.set_xlim(0, 3)


def _frames(html: str) -> list[str]:
    """Every frame of a player: the first in the <img>, the others in its JSON."""
    first = re.search(r'<img[^>]* src="([^"]+)"', html).group(1)
    data = json.loads(re.search(r'<script type="application/json">(.*?)</script>', html).group(1))
    assert data["frames"][0] is None  # no second copy of the first frame
    return [first, *data["frames"][1:]]


def test_scrubber_is_offline_accessible_and_has_one_frame_per_value():
    frames = [{"value": v} for v in (0, 1, 2)]
    html = scrubber(_draw_dot, frames, alt="A dot moving along the diagonal", label="position").data
    assert "font-awesome" not in html and "https://" not in html and "http://" not in html
    assert 'alt="A dot moving along the diagonal"' in html
    assert re.search(r'<input type="range" min="0" max="2" [^>]*aria-label="position"', html)
    assert 'aria-valuetext="value = 0"' in html and "<output" in html
    assert 'class="fa' not in html
    sources = _frames(html)
    assert len(sources) == 3 and all(
        s.startswith(("data:image/png;base64,", "data:image/svg+xml;base64,")) for s in sources
    )
    # Every button has an accessible name.
    buttons = re.findall(r"<button[^>]*>", html)
    assert len(buttons) == 3 and all("aria-label=" in b for b in buttons)


def test_scrubber_calls_draw_with_each_frame_as_keywords():
    calls = []

    def draw(fig, *, w, b):
        calls.append((w, b))
        fig.add_subplot().plot([w], [b], "o")

    scrubber(draw, [{"w": 1.0, "b": 0.0}, {"w": 2.0, "b": -1.0}], alt="dot", label="w")
    assert (1.0, 0.0) in calls and (2.0, -1.0) in calls


def test_scrubber_frames_differ_when_the_value_changes():
    html = scrubber(_draw_dot, [{"value": 0.5}, {"value": 2.5}], alt="dot", label="x").data
    frames = _frames(html)
    assert len(frames) == 2 and frames[0] != frames[1]


def test_scrubber_shows_each_frames_value_as_text():
    html = scrubber(_draw_dot, [{"value": 0.5}, {"value": 2.5}], alt="dot", label="x").data
    data = json.loads(re.search(r'<script type="application/json">(.*?)</script>', html).group(1))
    assert data["labels"] == ["value = 0.5", "value = 2.5"]
    custom = scrubber(_draw_dot, [1, 2], alt="dot", label="x", labels=["one", "two"]).data
    assert 'aria-valuetext="one"' in custom and '<output aria-hidden="true">one</output>' in custom


def test_frame_label_keeps_numbers_and_short_strings_only():
    assert frame_label({"w": 1.5, "b": 1, "name": "mat"}, 0, 4) == "w = 1.5, b = 1, name = mat"
    assert frame_label({"model": object(), "epoch": 3}, 2, 4) == "epoch = 3"
    assert frame_label({"xs": np.arange(3)}, 2, 4) == "3 of 4"
    assert frame_label(np.float64(0.25), 0, 2) == "0.25"
    assert frame_label(8, 3, 10, name="hidden units") == "hidden units = 8"


def test_scrubber_frames_are_sized_sharp_and_readable():
    html = scrubber(_draw_dot, [{"value": 1}, {"value": 2}], alt="dot", label="x", width=5, height=3).data
    img = re.search(r"<img[^>]*>", html).group(0)
    assert 'width="480" height="288"' in img  # 96 CSS px per inch
    assert float(re.search(r'data-min-font-pt="([\d.]+)"', img).group(1)) >= 11 * 72 / 96
    first = _frames(html)[0]
    if first.startswith("data:image/png"):
        from PIL import Image

        with Image.open(io.BytesIO(base64.b64decode(first.split(",", 1)[1]))) as png:
            assert png.size[0] >= 2 * 480  # two device pixels per CSS pixel


def test_scrubber_rejects_bad_arguments():
    with pytest.raises(ValueError, match="at least two slider positions"):
        scrubber(_draw_dot, [{"value": 1}], alt="a", label="x")
    with pytest.raises(ValueError, match="at least two slider positions"):
        scrubber(_draw_dot, "ab", alt="a", label="x")
    with pytest.raises(ValueError, match="alt must be"):
        scrubber(_draw_dot, [1, 2], alt="", label="x")
    with pytest.raises(ValueError, match="label must"):
        scrubber(_draw_dot, [1, 2], alt="a", label=" ")
    with pytest.raises(ValueError, match="labels must be 2 strings"):
        scrubber(_draw_dot, [1, 2], alt="a", label="x", labels=["only one"])
    with pytest.raises(ValueError, match="interval_ms must be"):
        scrubber(_draw_dot, [1, 2], alt="a", label="x", interval_ms=0)


def test_player_escapes_alt_text_and_label():
    out = player(
        ["data:image/png;base64,AA", "data:image/png;base64,BB"],
        ["a", "</script>"],
        alt='say "hi"',
        label="<w>",
        size=(100, 50),
        min_font_pt=9,
    )
    assert 'alt="say &quot;hi&quot;"' in out
    assert 'aria-label="&lt;w&gt;"' in out
    assert out.count("</script>") == 2  # a label cannot close the data script early


def test_plot_img_is_sized_from_the_figure_and_sharp():
    fig = new_figure(6, 3)
    fig.add_subplot().plot([0, 1], [0, 1])
    html = Plot(fig, "a line").to_html()
    assert 'width="576" height="288"' in html
    png = Plot(fig, "a line").to_png()
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (2 * 576, 2 * 288)


def test_small_text_is_raised_to_the_readable_floor_only_while_rendering():
    fig = new_figure(6, 3)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    note = ax.text(0.5, 0.5, "note", fontsize=6)
    ax.tick_params(labelsize=7)
    html = Plot(fig, "a line").to_html()
    smallest = float(re.search(r'data-min-font-pt="([\d.]+)"', html).group(1))
    # 11 CSS px is 8.25 pt at full size (a 6-inch figure fits the 688 px column unshrunk).
    assert smallest == pytest.approx(8.25)
    assert note.get_fontsize() == 6  # the figure itself is unchanged
    assert fig.axes[0].xaxis.get_ticklabels()[0].get_fontsize() == 7


def test_wide_figures_get_a_higher_floor():
    # A 10-inch figure (960 CSS px) shows at 688/960 of its size in the 688 px column.
    assert min_font_pt(10) == pytest.approx(np.ceil(8.25 * 960 / 688 * 4) / 4)
    assert min_font_pt(5) == pytest.approx(8.25)


def test_yellow_is_readable_on_white():
    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for name, colour in style.PALETTE.items():
        contrast = 1.05 / (luminance(colour) + 0.05)
        assert contrast >= 2.0, f"{name} ({colour}) is too pale on white: {contrast:.2f}:1"


def test_compact_png_keeps_the_picture_and_shrinks_it():
    from PIL import Image

    from mlcourse.figures import compact_png

    fig = new_figure(4, 3)
    ax = fig.add_subplot()
    ax.plot(np.linspace(0, 1, 50), np.linspace(0, 1, 50) ** 2)
    full = Plot(fig, "a curve").to_png(compact=False)
    small = compact_png(full)
    assert len(small) < len(full) / 2
    with Image.open(io.BytesIO(full)) as a, Image.open(io.BytesIO(small)) as b:
        assert a.size == b.size and b.mode == "P"
        diff = np.abs(np.asarray(a.convert("RGB"), dtype=int) - np.asarray(b.convert("RGB"), dtype=int))
        assert diff.mean() < 2.0  # visually the same picture


def test_one_colour_cycle_drives_the_style_and_explicit_lists():
    import matplotlib as mpl

    assert style.CYCLE == tuple(style.RC["axes.prop_cycle"].by_key()["color"])
    assert len(set(style.CYCLE)) == len(style.CYCLE) and style.PALETTE["yellow"] not in style.CYCLE
    assert style.cycle_colors(3) == list(style.CYCLE[:3])
    assert style.cycle_colors(len(style.CYCLE) + 2)[-2:] == list(style.CYCLE[:2])
    assert style.cycle_colors(0) == []
    assert style.cycle_colors(np.int64(2)) == list(style.CYCLE[:2])
    with pytest.raises(ValueError, match="n must be >= 0"):
        style.cycle_colors(-1)
    with pytest.raises(TypeError, match="n must be an integer"):
        style.cycle_colors(2.0)
    fig = new_figure()
    with style.styled():
        ax = fig.add_subplot()
        lines = [ax.plot([0, 1], [0, i])[0] for i in range(3)]
    assert [mpl.colors.to_hex(line.get_color()).upper() for line in lines] == [c.upper() for c in style.CYCLE[:3]]


def test_a_redrawn_figure_renders_like_a_fresh_one():
    # A figure keeps its Agg canvas between renders (a scrubber clears and redraws one figure per
    # frame), so each frame must come out exactly as the same drawing on a new figure would.
    def line(fig, slope):
        fig.add_subplot().plot([0, 1], [0, slope])

    reused = new_figure(3, 2)
    frames = []
    for slope in (1, -1, 1):
        reused.clear()
        line(reused, slope)
        frames.append(Plot(reused, "a line").to_png())
    fresh = []
    for slope in (1, -1):
        fig = new_figure(3, 2)
        line(fig, slope)
        fresh.append(Plot(fig, "a line").to_png())
    assert frames == [fresh[0], fresh[1], fresh[0]]
    assert fresh[0] != fresh[1]


def test_tick_labels_made_at_draw_time_are_raised_too():
    # Ticks are made while drawing; the floor must reach them on every axis, minor ticks included.
    fig = new_figure(6, 3)
    ax = fig.add_subplot()
    ax.set_xscale("log")
    ax.plot([1, 10, 100], [0, 1, 2])
    ax.tick_params(which="both", labelsize=6)
    html = Plot(fig, "a curve").to_html()
    assert float(re.search(r'data-min-font-pt="([\d.]+)"', html).group(1)) == pytest.approx(8.25)
    assert {t.get_fontsize() for t in ax.xaxis.get_ticklabels(which="both")} == {6}


def test_fixed_axes_place_axes_by_inches_and_turn_layout_off():
    fig = new_figure(8, 4)
    left, right = fixed_axes(fig, [3, 1], left=1.0, right=0.5, bottom=0.5, top=0.5, gap=0.5)
    assert not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)  # a placeholder that does nothing
    # 8 - 1 - 0.5 - 0.5 = 6 inches shared 3:1 -> 4.5 and 1.5 inches wide, 3 inches tall
    np.testing.assert_allclose(left.get_position().bounds, (1 / 8, 0.5 / 4, 4.5 / 8, 3 / 4))
    np.testing.assert_allclose(right.get_position().bounds, (6 / 8, 0.5 / 4, 1.5 / 8, 3 / 4))
    with pytest.raises(ValueError, match="no room"):
        fixed_axes(new_figure(2, 2), left=1.5, right=0.6, bottom=0.1, top=0.1)
