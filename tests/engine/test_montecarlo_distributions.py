"""The inverse CDFs behind the Monte Carlo engine, against closed forms and independent numerics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pmo.engine.distributions import beta_cdf, normal_cdf, pert_ppf, pert_shape, ppf, triangular_ppf

MODES = [0.0, 0.03, 0.1, 0.25, 0.37, 0.5, 0.77, 0.99, 1.0]
# midpoints of 10^6 equal-probability cells: a deterministic, nearly exact "sample" of the quantile
GRID = (np.arange(1_000_000) + 0.5) / 1_000_000


def test_normal_cdf_is_within_the_abramowitz_stegun_bound() -> None:
    """A&S 26.2.17 promises |error| < 7.5e-8; math.erfc is the reference."""
    z = np.linspace(-9, 9, 20_001)
    exact = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in z])
    assert np.abs(normal_cdf(z) - exact).max() < 7.5e-8


def incomplete_beta_by_quadrature(x: float, a: float, b: float) -> float:
    """I_x(a, b) by the trapezoid rule after substituting v = t^a, which removes the t^(a-1)
    singularity: int_0^x t^(a-1) (1-t)^(b-1) dt = (1/a) int_0^(x^a) (1 - v^(1/a))^(b-1) dv. Upper
    half by symmetry, so the integrand stays away from its other endpoint."""
    if x > 0.5:
        return 1.0 - incomplete_beta_by_quadrature(1.0 - x, b, a)
    v = np.linspace(0.0, x**a, 200_001)
    integral = np.trapezoid((1.0 - v ** (1.0 / a)) ** (b - 1.0), v) / a
    return integral / math.exp(math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))


@pytest.mark.parametrize("r", MODES)
def test_beta_cdf_matches_numerical_integration(r: float) -> None:
    a, b = pert_shape(r)
    x = np.linspace(0, 1, 101)
    reference = np.array([incomplete_beta_by_quadrature(v, float(a), float(b)) for v in x])
    assert np.abs(beta_cdf(x, a, b) - reference).max() < 1e-7  # the quadrature's own error is ~3e-8


@pytest.mark.parametrize("r", MODES)
def test_pert_quantile_inverts_the_beta_cdf_and_has_the_beta_moments(r: float) -> None:
    """Beta(a, b), a + b = 6: mean a / 6, variance a b / (36 * 7). The table quantile must give the
    probability back through the series CDF and reproduce both moments to ~1e-6."""
    a, b = pert_shape(r)
    u = np.linspace(0.001, 0.999, 2_001)
    x = pert_ppf(u[None, :], np.array([[r]]))[0]
    assert np.abs(beta_cdf(x, a, b) - u).max() < 2e-5
    sample = pert_ppf(GRID[None, :], np.array([[r]]))[0]
    assert sample.mean() == pytest.approx(a / 6, abs=2e-6)
    assert sample.var() == pytest.approx(a * b / 252, abs=2e-6)
    assert np.all(np.diff(sample) >= 0)  # monotone: ranks survive the transform


def test_pert_quantile_agrees_with_numpy_beta_sampler() -> None:
    """Quantiles of 400,000 numpy Beta(2.2, 3.8) draws (r = 0.3): SE ~ 1e-3; allow 5e-3."""
    a, b = pert_shape(0.3)
    draws = np.random.default_rng(0).beta(a, b, 400_000)
    q = np.array([0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99])
    np.testing.assert_allclose(pert_ppf(q[None, :], np.array([[0.3]]))[0], np.quantile(draws, q), atol=5e-3)


@pytest.mark.parametrize("r", MODES)
def test_triangular_quantile_has_the_triangular_moments(r: float) -> None:
    """Triangular(0, r, 1): mean (1 + r) / 3, variance (1 + r^2 - r) / 18."""
    sample = triangular_ppf(GRID, r)
    assert sample.mean() == pytest.approx((1 + r) / 3, abs=1e-9)
    assert sample.var() == pytest.approx((1 + r * r - r) / 18, abs=1e-9)


def test_mixed_rows_use_their_own_distribution() -> None:
    u = np.tile(np.linspace(0.01, 0.99, 9), (3, 1))
    r = np.array([[0.2], [0.2], [0.6]])
    pert = np.array([False, True, False])
    out = ppf(u, r, pert)
    np.testing.assert_array_equal(out[0], triangular_ppf(u[0], 0.2))
    np.testing.assert_array_equal(out[1], pert_ppf(u[1:2], r[1:2])[0])
    np.testing.assert_array_equal(out[2], triangular_ppf(u[2], 0.6))
