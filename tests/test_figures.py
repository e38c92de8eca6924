import base64
import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from mlcourse.figures import Plot, diagrams, new_figure, style
from mlcourse.figures.scrubber import offline_player, scrubber


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


def test_scrubber_is_offline_accessible_and_has_one_frame_per_value():
    frames = [{"value": v} for v in (0, 1, 2)]
    html = scrubber(_draw_dot, frames, alt="A dot moving along the diagonal", label="position").data
    assert "font-awesome" not in html and "https://" not in html
    assert 'alt="A dot moving along the diagonal"' in html
    assert 'aria-label="position" type="range"' in html
    assert 'class="fa' not in html
    assert len(re.findall(r"data:image/png;base64", html)) == 3


def test_scrubber_calls_draw_with_each_frame_as_keywords():
    calls = []

    def draw(fig, *, w, b):
        calls.append((w, b))
        fig.add_subplot().plot([w], [b], "o")

    scrubber(draw, [{"w": 1.0, "b": 0.0}, {"w": 2.0, "b": -1.0}], alt="dot", label="w")
    assert (1.0, 0.0) in calls and (2.0, -1.0) in calls


def test_scrubber_frames_differ_when_the_value_changes():
    html = scrubber(_draw_dot, [{"value": 0.5}, {"value": 2.5}], alt="dot", label="x").data
    frames = re.findall(r'data:image/png;base64,([^"]+)"', html)
    assert len(frames) == 2 and frames[0] != frames[1]


def test_scrubber_rejects_bad_arguments():
    with pytest.raises(ValueError, match="at least two slider positions"):
        scrubber(_draw_dot, [{"value": 1}], alt="a", label="x")
    with pytest.raises(ValueError, match="at least two slider positions"):
        scrubber(_draw_dot, "ab", alt="a", label="x")
    with pytest.raises(ValueError, match="alt must be"):
        scrubber(_draw_dot, [1, 2], alt="", label="x")
    with pytest.raises(ValueError, match="label must"):
        scrubber(_draw_dot, [1, 2], alt="a", label=" ")


def test_offline_player_escapes_alt_text():
    page = '<link rel="stylesheet" href="https://cdn/font-awesome.css"><img id="_anim_img1">'
    page += '<input id="_anim_slider1" type="range"><i class="fa fa-play"></i>'
    out = offline_player(page, alt='say "hi" \\1', label="w")
    assert 'alt="say &quot;hi&quot; \\1"' in out
    assert "cdn" not in out and "▶" in out
    assert np.char.count(out, "<img").item() == 1


def test_compact_png_keeps_the_picture_and_shrinks_it():
    import io

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
