import numpy as np
import pytest

from mlcourse import model_selection as ms
from mlcourse import regression
from mlcourse.losses import mse


def test_kfold_indices_partition_the_points():
    folds = ms.kfold_indices(10, 3)
    assert [len(f) for f in folds] == [4, 3, 3]
    np.testing.assert_array_equal(np.sort(np.concatenate(folds)), np.arange(10))
    shuffled = ms.kfold_indices(10, 3, np.random.default_rng(0))
    np.testing.assert_array_equal(np.sort(np.concatenate(shuffled)), np.arange(10))
    assert not np.array_equal(np.concatenate(shuffled), np.arange(10))
    with pytest.raises(ValueError, match="k must be >= 2"):
        ms.kfold_indices(10, 1)
    with pytest.raises(ValueError, match="k must be <= n = 4"):
        ms.kfold_indices(4, 5)


def test_leave_one_out_matches_the_press_formula():
    # For least squares, the leave-one-out residual is e_i / (1 - h_ii) (Allen's PRESS).
    x, y = regression.sample_data(14, np.random.default_rng(12), noise=0.3)
    degree = 3
    design = regression.legendre_design(x, degree)
    hat = design @ np.linalg.pinv(design)
    residual = y - hat @ y
    press = np.mean((residual / (1 - np.diag(hat))) ** 2)
    assert ms.cross_validation_error(x, y, degree, k=14) == pytest.approx(press)


def test_cross_validation_batched_equals_one_by_one_and_validation_error_is_a_holdout():
    xs, ys = regression.sample_data(15, np.random.default_rng(13), n_sets=3)
    batched = ms.cross_validation_error(xs, ys, 2, k=5)
    for i in range(3):
        assert batched[i] == pytest.approx(ms.cross_validation_error(xs[i], ys[i], 2, k=5))
    coefs = regression.fit_polynomial(xs[0, :10], ys[0, :10], 2)
    held_out = mse(regression.predict_polynomial(coefs, xs[0, 10:]), ys[0, 10:])
    assert ms.validation_error(xs[0], ys[0], 2, n_val=5) == pytest.approx(held_out)
    with pytest.raises(ValueError, match="n_val must be <= 14"):
        ms.validation_error(xs[0], ys[0], 2, n_val=15)
    with pytest.raises(ValueError, match="x and y must have the same shape"):
        ms.cross_validation_error(xs[0], ys[0, :5], 2)


def test_chapter_6_idea_modules_do_not_import_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys; import mlcourse.regression, mlcourse.bias_variance, mlcourse.model_selection; "
        "import mlcourse.double_descent; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'IPython', 'ipywidgets') "
        "or m.startswith(('mlcourse.figures', 'mlcourse.exercises'))]; print(bad); sys.exit(bool(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_leave_one_out_equals_refitting_without_each_point():
    # The one-pass leave-one-out must give the numbers of n separate fits, each without one point.
    xs, ys = regression.sample_data(12, np.random.default_rng(14), noise=0.3, n_sets=4)
    for degree in (0, 3, 9):
        held_out = np.empty_like(ys)
        for i in range(12):
            rest = np.arange(12) != i
            coefs = regression.fit_polynomial(xs[:, rest], ys[:, rest], degree)
            held_out[:, i] = regression.predict_polynomial(coefs, xs[:, i : i + 1])[:, 0]
        expected = np.mean((held_out - ys) ** 2, axis=-1)
        np.testing.assert_allclose(ms.cross_validation_error(xs, ys, degree, k=12), expected, rtol=1e-9)
    # Degree n - 1 (each fit without one point is an interpolant) takes the fold loop instead.
    x = np.linspace(-1, 1, 6)
    y = np.sin(3 * x)
    loop = ms.cross_validation_error(x, y, 5, k=6)
    assert np.isfinite(loop)
