import numpy as np
import pytest

from mlcourse import datasets
from mlcourse.figures import chapter5 as figs


def rng(seed=0):
    return np.random.default_rng(seed)


@pytest.mark.parametrize(
    "make",
    [
        lambda r: datasets.two_moons(101, r),
        lambda r: datasets.spirals(101, r, n_classes=3),
        lambda r: datasets.blobs(101, r, centers=[(0, 0), (3, 3), (-3, 3)]),
    ],
)
def test_shapes_dtypes_balance_and_seed(make):
    X, y = make(rng(1))
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1 and counts.sum() == 101
    X2, y2 = make(rng(1))
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X3, _ = make(rng(2))
    assert not np.array_equal(X, X3)
    # shuffled: the labels are not sorted into blocks
    assert np.any(np.diff(y) < 0)


def test_noise_free_moons_lie_on_their_half_circles():
    X, y = datasets.two_moons(200, rng(), noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert np.all(upper[:, 1] >= 0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(lower[:, 1] <= 0.5)


def test_noise_free_spiral_arms_follow_their_curve():
    K, turns = 3, 1.5
    X, y = datasets.spirals(300, rng(), n_classes=K, turns=turns, noise=0.0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.all((r >= 0.1) & (r <= 1.0))
    expected_angle = 2 * np.pi * turns * r + 2 * np.pi * y / K
    # compare angles on the unit circle (mod 2 pi)
    np.testing.assert_allclose(np.cos(expected_angle) * r, X[:, 0], atol=1e-12)
    np.testing.assert_allclose(np.sin(expected_angle) * r, X[:, 1], atol=1e-12)


def test_blob_means_and_spread_match_the_request():
    centers = [(-2.0, 1.0), (2.0, -1.0)]
    X, y = datasets.blobs(4000, rng(3), centers=centers, std=0.5)
    for k, c in enumerate(centers):
        pts = X[y == k]
        # the sample mean of 2000 points is within 4 standard errors (0.5 / sqrt(2000) ~ 0.011)
        np.testing.assert_allclose(pts.mean(axis=0), c, atol=0.05)
        np.testing.assert_allclose(pts.std(axis=0), 0.5, atol=0.05)


def test_rotate_turns_points_and_keeps_distances():
    turned = datasets.rotate([[1.0, 0.0], [0.0, 2.0]], 90, center=(0, 0))
    np.testing.assert_allclose(turned, [[0, 1], [-2, 0]], atol=1e-12)
    X, _ = datasets.two_moons(50, rng())
    R = datasets.rotate(X, 37.0)
    np.testing.assert_allclose(R.mean(axis=0), X.mean(axis=0), atol=1e-12)  # default centre: the mean
    d_before = np.linalg.norm(X[:, None] - X[None], axis=-1)
    d_after = np.linalg.norm(R[:, None] - R[None], axis=-1)
    np.testing.assert_allclose(d_after, d_before, atol=1e-12)
    np.testing.assert_allclose(datasets.rotate(X, 360), X, atol=1e-12)


def test_shift_translates():
    np.testing.assert_allclose(datasets.shift([[1.0, 2.0]], (0.5, -1.0)), [[1.5, 1.0]])


def test_train_val_split_is_a_seeded_partition():
    X = np.arange(40, dtype=float).reshape(20, 2)
    y = np.arange(20)
    Xt, yt, Xv, yv = datasets.train_val_split(X, y, rng(4), val_fraction=0.25)
    assert len(Xt) == 15 and len(Xv) == 5
    assert sorted(np.concatenate([yt, yv]).tolist()) == list(range(20))
    np.testing.assert_array_equal(Xt[:, 0], 2 * yt)  # rows stay with their labels
    again = datasets.train_val_split(X, y, rng(4), val_fraction=0.25)
    assert np.array_equal(again[1], yt)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="n must be >= 2"):
        datasets.two_moons(1, rng())
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        datasets.two_moons(10, 0)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        datasets.two_moons(10, rng(), noise=-0.1)
    with pytest.raises(ValueError, match="n_classes must be <= 6"):
        datasets.spirals(10, rng(), n_classes=7)
    with pytest.raises(ValueError, match="centers must be 2 to 6 points"):
        datasets.blobs(10, rng(), centers=[(0, 0, 0), (1, 1, 1)])
    with pytest.raises(ValueError, match="X must have 2 columns"):
        datasets.rotate(np.ones((3, 3)), 10)
    with pytest.raises(ValueError, match="X must contain only finite"):
        datasets.shift([[np.nan, 1.0]], (0, 0))
    with pytest.raises(ValueError, match="both parts need at least one row"):
        datasets.train_val_split(np.ones((3, 2)), np.zeros(3, dtype=int), rng(), val_fraction=0.05)
    with pytest.raises(ValueError, match="one label per row"):
        datasets.train_val_split(np.ones((3, 2)), np.zeros(4, dtype=int), rng())


def test_plot_datasets_draws_one_panel_per_set():
    X, y = datasets.two_moons(60, rng())
    plot = figs.plot_datasets([("a", X, y), ("b", X[:30], y[:30])])
    assert len(plot.fig.axes) == 2
    assert "a: 60 points in 2 classes" in plot.alt and "b: 30 points" in plot.alt
    offsets = plot.fig.axes[0].collections[0].get_offsets()
    np.testing.assert_allclose(offsets, X[y == 0])
    assert plot.to_png().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="at least one"):
        figs.plot_datasets([])
