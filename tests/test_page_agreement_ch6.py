"""Chapter 6 shows the Monte Carlo loop, the bias-variance estimate and k-fold CV on the page;
the package keeps the tested copies. Both must give the same numbers on the same inputs."""

import numpy as np
import pytest
from page import page_functions

from mlcourse import bias_variance as bv
from mlcourse import model_selection as ms
from mlcourse import regression
from mlcourse.losses import mse

NOTEBOOK = "06_bias_variance.ipynb"


@pytest.fixture(scope="module")
def page():
    return page_functions(
        NOTEBOOK, "simulate_fits", "bias_and_variance", "cv_error", namespace={"regression": regression, "mse": mse}
    )


@pytest.mark.parametrize(
    ("degree", "n", "n_sets", "noise", "seed"),
    [(0, 5, 2, 0.0, 0), (3, 12, 7, 0.3, 1), (8, 20, 30, 1.5, 2), (15, 40, 5, 0.01, 3)],
)
def test_simulate_fits_page_and_package_agree(page, degree, n, n_sets, noise, seed):
    x_test = np.linspace(-1, 1, 17)
    on_page = page["simulate_fits"](degree, n, x_test, np.random.default_rng(seed), n_sets=n_sets, noise=noise)
    in_package = bv.simulate_fits(degree, n, x_test, np.random.default_rng(seed), n_sets=n_sets, noise=noise)
    assert on_page.shape == in_package.shape == (n_sets, 17)
    np.testing.assert_array_equal(on_page, in_package)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shape", [(2, 1), (3, 5), (200, 100), (17, 3)])
@pytest.mark.parametrize("scale", [1e-8, 1.0, 1e6])
def test_bias_and_variance_page_and_package_agree(page, seed, shape, scale):
    rng = np.random.default_rng(seed)
    predictions = scale * (0.3 + rng.standard_normal(shape))
    f_test = scale * rng.standard_normal(shape[1])
    on_page = page["bias_and_variance"](predictions, f_test)
    in_package = bv.bias_and_variance(predictions, f_test)
    np.testing.assert_allclose(on_page, in_package, rtol=1e-12, atol=0)
    # ... and decompose reports the same two numbers.
    result = bv.decompose(predictions, f_test, predictions, noise=0.0)
    assert (result.bias2, result.variance) == in_package


@pytest.mark.parametrize(("n", "k", "degree", "seed"), [(10, 2, 1, 0), (12, 5, 3, 1), (30, 5, 5, 2), (14, 14, 2, 3)])
def test_cv_error_page_and_package_agree(page, n, k, degree, seed):
    x, y = regression.sample_data(n, np.random.default_rng(seed), noise=0.3)
    np.testing.assert_allclose(
        page["cv_error"](x, y, degree, k), ms.cross_validation_error(x, y, degree, k), rtol=1e-12
    )
    # Targets of a huge magnitude: both still agree.
    np.testing.assert_allclose(
        page["cv_error"](x, 1e8 * y, degree, k), ms.cross_validation_error(x, 1e8 * y, degree, k), rtol=1e-10
    )


def test_the_pages_code_fits_the_column_and_its_cells_stay_short():
    import json

    from page import ROOT

    nb = json.loads((ROOT / "chapters" / NOTEBOOK).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or "remove-cell" in cell["metadata"].get("tags", []):
            continue
        lines = "".join(cell["source"]).splitlines()
        assert len(lines) <= 15, lines[0]
        assert all(len(line) <= 78 for line in lines), [line for line in lines if len(line) > 78]
