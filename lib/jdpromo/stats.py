"""Statistical helpers for findings: tests over days, multiple testing, rate tests, sample sizes.

Every test returns a p-value and is named by a constant (``WELCH_T_DAILY`` …) so that reports
can state which test was run. ``NaN`` means "no test possible" (too few observations), never
"no difference".

Tests
-----
``welch_t``
    Welch's unequal-variance t-test on two samples of daily values (daily cost, daily CTR …):
    it holds a difference against the day-to-day variance, not against the huge impression counts.
``two_proportion_z``
    Pooled two-proportion z-test, for successes out of trials (clicks out of impressions).
``poisson_rate_test``
    Exact conditional test of two Poisson rates (given the total count, the first count is
    binomial with p = exposure share). For counts that can exceed their exposure, e.g. SKU order
    lines per click: order lines are not successes out of clicks, so a binomial test is wrong.
``poisson_one_sample`` / ``binomial_one_sample``
    Observed count against a fixed reference rate (a user-supplied benchmark).
``bh_qvalues``
    Benjamini–Hochberg adjusted p-values (q-values) controlling the false discovery rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats as _st

WELCH_T_DAILY = "welch_t_daily"
TWO_PROPORTION_Z = "two_proportion_z"
POISSON_EXACT = "poisson_exact_conditional"
POISSON_ONE_SAMPLE = "poisson_one_sample"
BINOMIAL_ONE_SAMPLE = "binomial_one_sample"


def _clean(values: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    return arr[np.isfinite(arr)]


def welch_t(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray
) -> tuple[float, float]:
    """Welch's t-test of the means of two samples (two-sided).

    Parameters
    ----------
    a, b
        Daily values of the two periods; NaN and inf are dropped (a day whose rate is undefined).

    Returns
    -------
    (t, p)
        The t statistic (mean of ``a`` minus mean of ``b`` over its standard error) and the
        two-sided p-value with Welch–Satterthwaite degrees of freedom. ``(nan, nan)`` when a side
        has fewer than 2 values. When both sides have zero variance the difference is exact:
        p = 1 for equal means, else 0.
    """
    x, y = _clean(a), _clean(b)
    nx, ny = len(x), len(y)
    if nx < 2 or ny < 2:
        return math.nan, math.nan
    vx, vy = x.var(ddof=1) / nx, y.var(ddof=1) / ny
    diff = float(x.mean() - y.mean())
    se2 = vx + vy
    if se2 <= 0:
        if diff == 0:
            return 0.0, 1.0
        return math.copysign(math.inf, diff), 0.0
    t = diff / math.sqrt(se2)
    df = se2**2 / ((vx**2 / (nx - 1) if vx else 0.0) + (vy**2 / (ny - 1) if vy else 0.0))
    p = float(2 * _st.t.sf(abs(t), df))
    return float(t), min(p, 1.0)


def bh_qvalues(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), same order as the input.

    ``q_(i) = min over j >= i of p_(j) · m / j`` for the p-values sorted ascending, capped at 1,
    where ``m`` is the number of non-NaN p-values. NaN p-values stay NaN and do not count in ``m``.

    Examples
    --------
    >>> bh_qvalues([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    p = np.asarray(pvalues, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m == 0:
        return q
    idx = np.flatnonzero(ok)
    order = np.argsort(p[idx], kind="stable")
    ranked = p[idx][order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    q[idx[order]] = np.minimum(ranked, 1.0)
    return q


def two_proportion_z(x1: float, n1: float, x2: float, n2: float) -> tuple[float, float]:
    """Pooled two-proportion z-test of ``x1/n1`` against ``x2/n2`` (two-sided).

    Returns ``(z, p)``; ``(nan, nan)`` when a side has no trials. Equal proportions with a pooled
    rate of 0 or 1 give ``(0, 1)``.
    """
    if not n1 or not n2 or n1 <= 0 or n2 <= 0:
        return math.nan, math.nan
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return (0.0, 1.0) if p1 == p2 else (math.copysign(math.inf, p1 - p2), 0.0)
    z = (p1 - p2) / se
    return z, float(2 * _st.norm.sf(abs(z)))


def poisson_rate_test(k1: float, e1: float, k2: float, e2: float) -> tuple[float, float]:
    """Exact conditional test that two Poisson rates ``k1/e1`` and ``k2/e2`` are equal.

    Given ``k = k1 + k2``, under equal rates ``k1`` is Binomial(k, e1 / (e1 + e2)); the p-value is
    the two-sided exact binomial test (Przyborowski & Wilenski). Counts are rounded to integers.

    Parameters
    ----------
    k1, k2
        Counts (e.g. order lines), which may exceed the exposure.
    e1, e2
        Exposures (e.g. clicks), > 0.

    Returns
    -------
    (rate ratio, p)
        ``(k1/e1) / (k2/e2)`` (inf when ``k2`` is 0) and the p-value; ``(nan, nan)`` without
        exposure on a side; p = 1 when both counts are 0.
    """
    if not e1 or not e2 or e1 <= 0 or e2 <= 0:
        return math.nan, math.nan
    k1i, k2i = int(round(k1)), int(round(k2))
    r2 = k2i / e2
    rr = (k1i / e1) / r2 if r2 > 0 else (math.nan if k1i == 0 else math.inf)
    n = k1i + k2i
    if n == 0:
        return rr, 1.0
    p = _st.binomtest(k1i, n, e1 / (e1 + e2)).pvalue
    return rr, float(p)


def poisson_one_sample(k: float, expected: float, alternative: str = "less") -> float:
    """P-value of observing ``k`` counts when ``expected`` are expected under a Poisson model.

    ``alternative="less"`` gives P(X <= k) (the rate is below the reference), ``"greater"``
    P(X >= k), ``"two-sided"`` twice the smaller tail (capped at 1).
    """
    if not expected or expected <= 0:
        return math.nan
    ki = int(round(k))
    lower = float(_st.poisson.cdf(ki, expected))
    upper = float(_st.poisson.sf(ki - 1, expected))
    if alternative == "less":
        return lower
    if alternative == "greater":
        return upper
    return min(1.0, 2 * min(lower, upper))


def binomial_one_sample(x: float, n: float, p0: float, alternative: str = "less") -> float:
    """Exact binomial p-value of ``x`` successes out of ``n`` trials against rate ``p0``."""
    if not n or n <= 0 or not 0 < p0 < 1:
        return math.nan
    return float(_st.binomtest(int(round(x)), int(round(n)), p0, alternative=alternative).pvalue)


def _z(alpha: float, power: float) -> tuple[float, float]:
    return float(_st.norm.isf(alpha / 2)), float(_st.norm.ppf(power))


def sample_size_two_proportions(
    p1: float, p2: float, alpha: float = 0.05, power: float = 0.8
) -> float:
    """Trials per arm to tell proportion ``p1`` from ``p2`` (two-sided test at ``alpha``).

    ``n = (z_a · sqrt(2 p̄ (1 - p̄)) + z_b · sqrt(p1 (1 - p1) + p2 (1 - p2)))² / (p1 - p2)²``
    with ``p̄ = (p1 + p2) / 2``, ``z_a = z_{1-α/2}``, ``z_b = z_{power}``, rounded
    up. NaN when the proportions are equal or outside (0, 1).

    Examples
    --------
    >>> sample_size_two_proportions(0.02, 0.022)   # CTR 2.0% vs 2.2%: impressions per arm
    80682.0
    """
    if not (0 < p1 < 1 and 0 < p2 < 1) or p1 == p2:
        return math.nan
    za, zb = _z(alpha, power)
    pbar = (p1 + p2) / 2
    num = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return float(math.ceil(num**2 / (p1 - p2) ** 2))


def sample_size_poisson_rates(
    r1: float, r2: float, alpha: float = 0.05, power: float = 0.8
) -> float:
    """Exposure per arm (e.g. clicks) to tell Poisson rate ``r1`` from ``r2`` (two-sided).

    ``n = (z_{1-α/2} + z_{power})² · (r1 + r2) / (r1 - r2)²`` (normal approximation with equal
    exposure in both arms), rounded up. NaN when the rates are equal or not positive.

    Examples
    --------
    >>> sample_size_poisson_rates(0.05, 0.055)   # CVR 5.0% vs 5.5% order lines per click
    32966.0
    """
    if not (r1 > 0 and r2 > 0) or r1 == r2:
        return math.nan
    za, zb = _z(alpha, power)
    return float(math.ceil((za + zb) ** 2 * (r1 + r2) / (r1 - r2) ** 2))
