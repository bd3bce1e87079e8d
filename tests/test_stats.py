"""Statistical helpers, against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from jdpromo import stats
from scipy import stats as st


def test_welch_t_by_hand():
    # means 2 and 5, variances 1 and 1, n = 3 each: se = sqrt(1/3 + 1/3), df = 4 exactly
    t, p = stats.welch_t([1, 2, 3], [4, 5, 6])
    assert t == pytest.approx(-3 / math.sqrt(2 / 3))
    assert p == pytest.approx(2 * st.t.sf(3 / math.sqrt(2 / 3), 4))
    assert p == pytest.approx(0.02131, abs=1e-5)


def test_welch_t_drops_nan_and_needs_two_days():
    t, p = stats.welch_t([1, np.nan, 2, 3], [4, 5, 6, np.inf])
    assert p == pytest.approx(stats.welch_t([1, 2, 3], [4, 5, 6])[1])
    assert all(math.isnan(v) for v in stats.welch_t([1], [2, 3]))


def test_welch_t_zero_variance():
    assert stats.welch_t([2, 2, 2], [2, 2]) == (0.0, 1.0)
    t, p = stats.welch_t([3, 3, 3], [2, 2])
    assert p == 0.0 and t == math.inf


def test_bh_by_hand():
    # sorted p: 0.01, 0.02, 0.03, 0.20 (m = 4) → 0.04, 0.04, 0.04, 0.20 after the running minimum
    q = stats.bh_qvalues([0.03, 0.20, 0.01, np.nan, 0.02])
    expected = [0.04, 0.20, 0.04, np.nan, 0.04]
    np.testing.assert_allclose(q, expected, equal_nan=True)


def test_bh_caps_at_one_and_keeps_order():
    q = stats.bh_qvalues([0.9, 0.8])
    np.testing.assert_allclose(q, [0.9, 0.9])
    assert np.isnan(stats.bh_qvalues([np.nan])).all()


def test_two_proportion_z_by_hand():
    # 20/1000 vs 10/1000: pooled 0.015, se = sqrt(0.015 * 0.985 * 0.002)
    z, p = stats.two_proportion_z(20, 1000, 10, 1000)
    se = math.sqrt(0.015 * 0.985 * 0.002)
    assert z == pytest.approx(0.01 / se)
    assert p == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))


def test_poisson_rate_test_counts_above_exposure():
    # 15 order lines on 10 clicks against 5 on 10: given 20 lines, the first is Bin(20, 1/2)
    rr, p = stats.poisson_rate_test(15, 10, 5, 10)
    assert rr == pytest.approx(3.0)
    upper = sum(math.comb(20, k) for k in range(15, 21)) / 2**20
    assert p == pytest.approx(2 * upper)


def test_poisson_rate_test_unequal_exposure():
    # exposure share 1/3: P(K1 = 0 | K = 4) = (2/3)^4, two-sided exact test of Bin(4, 1/3)
    rr, p = stats.poisson_rate_test(0, 100, 4, 200)
    assert rr == 0.0
    assert p == pytest.approx(st.binomtest(0, 4, 1 / 3).pvalue)
    assert stats.poisson_rate_test(0, 10, 0, 10)[1] == 1.0
    assert math.isnan(stats.poisson_rate_test(1, 0, 1, 10)[1])


def test_one_sample_tests():
    # P(X <= 1 | mean 4) = e^-4 (1 + 4)
    assert stats.poisson_one_sample(1, 4.0, "less") == pytest.approx(5 * math.exp(-4))
    # P(X <= 0 | n = 3, p = 0.5) = 1/8
    assert stats.binomial_one_sample(0, 3, 0.5, "less") == pytest.approx(0.125)


def test_sample_size_two_proportions_by_hand():
    # p1 = 2.0%, p2 = 2.2%, α = 0.05 two-sided, power 0.8
    za, zb = 1.959963985, 0.841621234
    pbar = 0.021
    n = (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(0.02 * 0.98 + 0.022 * 0.978)) ** 2
    n /= 0.002**2
    assert n == pytest.approx(80681.4, abs=0.5)
    assert stats.sample_size_two_proportions(0.02, 0.022) == 80682
    assert math.isnan(stats.sample_size_two_proportions(0.02, 0.02))


def test_sample_size_poisson_rates_by_hand():
    # (1.959964 + 0.841621)^2 * (0.05 + 0.055) / 0.005^2 = 7.848879 * 4200 = 32965.3
    assert stats.sample_size_poisson_rates(0.05, 0.055) == 32966
    assert stats.sample_size_poisson_rates(0.05, 0.055, alpha=0.05, power=0.9) > 32966
