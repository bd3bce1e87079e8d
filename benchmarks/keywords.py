"""Keyword review at scale: 2,000,000 keyword-day rows against a DuckDB SQL baseline.

Synthetic, seeded 快车 keyword report (50,000 keywords × 40 days, search terms empty), laid out
like a real export (sorted by day, then campaign/unit/keyword). Timed:

* ``keyword_kpis`` — the aggregation per campaign × unit × keyword (sums, 出价 on the last day,
  ratios of sums, shares), against DuckDB doing the same in SQL (``GROUP BY`` with sums,
  ``arg_max(bid, date)`` and the ratios, result fetched as a DataFrame);
* ``review`` — the whole keyword review on those rows (KPIs, shrinkage, quadrants, break-even
  test, bids, pauses, head/long tail, brand share and its monthly trend).

Each step runs ``--repeat`` times; the best time is reported. Peak memory is the largest rise in
the process's resident memory (sampled every 5 ms) while the step runs, and the process's peak
RSS overall. Run::

    python benchmarks/keywords.py            # needs duckdb (pip install 'jdpromo[bench]')
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from jdpromo import keywords as kw
from jdpromo.params import ShopParams
from jdpromo.periods import Period

SQL = """
SELECT campaign, unit, keyword,
       arg_max(keyword_id, date) AS keyword_id,
       arg_max(match_type, date) AS match_type,
       arg_max(bid, date) FILTER (WHERE bid IS NOT NULL) AS bid,
       sum(impressions) AS impressions, sum(clicks) AS clicks, sum(cost) AS cost,
       sum(order_lines) AS order_lines, sum(revenue) AS revenue, sum(carts) AS carts,
       sum(clicks) / nullif(sum(impressions), 0) AS ctr,
       sum(cost) / nullif(sum(clicks), 0) AS cpc,
       sum(order_lines) / nullif(sum(clicks), 0) AS cvr,
       sum(cost) / nullif(sum(order_lines), 0) AS cpa,
       sum(revenue) / nullif(sum(cost), 0) AS roi,
       sum(cost) / nullif(sum(sum(cost)) OVER (), 0) AS cost_share,
       sum(revenue) / nullif(sum(sum(revenue)) OVER (), 0) AS revenue_share
FROM rows
WHERE search_term IS NULL AND date BETWEEN ? AND ?
GROUP BY ALL
ORDER BY cost DESC
"""


def synthetic(keywords: int = 50_000, days: int = 40, seed: int = 20261025) -> pd.DataFrame:
    """``keywords × days`` keyword-report rows with realistic skew (a few words take most
    clicks), bids that change now and then, order lines that can exceed clicks."""
    rng = np.random.default_rng(seed)
    n_campaigns, n_units = 200, 2_000
    k = np.arange(keywords)
    unit_of = rng.integers(0, n_units, keywords)
    campaign_of = unit_of % n_campaigns
    heads = ["空气炸锅", "电饭煲", "破壁机", "养生壶", "电热水壶", "早餐机", "电火锅", "澄禾"]
    mods = ["家用", "大容量", "小型", "多功能", "无涂层", "智能", "官方旗舰店", "2026新款"]
    words = np.array(
        [f"{heads[i % 8]}{mods[(i // 8) % 8]}{i:05d}" for i in range(keywords)], dtype=object
    )
    campaigns = np.array([f"计划{c:03d}" for c in range(n_campaigns)], dtype=object)
    units = np.array([f"单元{u:04d}" for u in range(n_units)], dtype=object)
    match = np.array(["精确匹配", "短语匹配", "切词包含"], dtype=object)[k % 3]
    popularity = rng.pareto(1.2, keywords) + 0.05  # heavy tail: head words and a long tail
    ctr = rng.beta(2, 80, keywords)
    cvr = rng.gamma(2.0, 0.015, keywords)
    base_bid = np.round(rng.uniform(0.5, 4.0, keywords), 2)

    day = np.repeat(np.arange(days), keywords)
    kk = np.tile(k, days)
    impressions = rng.poisson(np.minimum(popularity[kk] * 40, 50_000)).astype(float)
    clicks = rng.binomial(impressions.astype(np.int64), ctr[kk]).astype(float)
    bid = np.round(base_bid[kk] * (1 + 0.1 * (day // 10)), 2)  # bids change every 10 days
    cost = np.round(clicks * bid * rng.uniform(0.6, 0.95, len(kk)), 2)
    order_lines = rng.poisson(clicks * cvr[kk] * 1.3).astype(float)  # SKU lines: may exceed
    revenue = np.round(order_lines * rng.uniform(80, 400, len(kk)), 2)
    start = pd.Timestamp("2026-09-22")
    frame = pd.DataFrame(
        {
            "date": start + pd.to_timedelta(day, unit="D"),
            "campaign": pd.array(campaigns[campaign_of[kk]], dtype="str"),
            "unit": pd.array(units[unit_of[kk]], dtype="str"),
            "keyword": pd.array(words[kk], dtype="str"),
            "search_term": pd.array([None] * len(kk), dtype="str"),
            "keyword_id": pd.array((2104000000000 + kk).astype(str), dtype="str"),
            "bid": bid,
            "match_type": pd.array(match[kk], dtype="str"),
            "impressions": impressions,
            "clicks": clicks,
            "cost": cost,
            "order_lines": order_lines,
            "revenue": revenue,
            "carts": rng.poisson(clicks * 0.1).astype(float),
        }
    )
    return frame


class PeakRSS:
    """Largest rise of resident memory (bytes) over the ``with`` block, sampled every 5 ms."""

    def __init__(self) -> None:
        import psutil

        self._proc = psutil.Process()
        self.peak = 0

    def __enter__(self) -> PeakRSS:
        self._base = self._proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss - self._base)
            time.sleep(0.005)

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss - self._base)


def best_of(func: Callable[[], Any], repeat: int) -> tuple[float, int, Any]:
    """(best seconds, peak RSS rise in bytes over all runs, last result)."""
    times = []
    peak = 0
    result = None
    for _ in range(repeat):
        with PeakRSS() as mem:
            t0 = time.perf_counter()
            result = func()
            times.append(time.perf_counter() - t0)
        peak = max(peak, mem.peak)
    return min(times), peak, result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keywords", type=int, default=50_000)
    ap.add_argument("--days", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20261025)
    args = ap.parse_args(argv)
    try:
        import duckdb
    except ImportError:
        print("duckdb is needed for the baseline: pip install 'jdpromo[bench]'", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    rows = synthetic(args.keywords, args.days, args.seed)
    first = rows["date"].min().date()
    period = Period("bench", "range", first, first + dt.timedelta(days=args.days - 1))
    params = ShopParams(brand_terms=["澄禾"], target_roi=4.0)
    print(f"rows: {len(rows):,} ({args.keywords:,} keywords × {args.days} days), "
          f"generated in {time.perf_counter() - t0:.1f}s")  # fmt: skip

    kpi_s, kpi_mem, kpis = best_of(lambda: kw.keyword_kpis(rows, period, params.brand_terms),
                                   args.repeat)  # fmt: skip
    rev_s, rev_mem, rv = best_of(lambda: kw.review(rows, period, params, ngrams=False),
                                 args.repeat)  # fmt: skip

    con = duckdb.connect()
    con.register("rows", rows)
    span = [pd.Timestamp(period.start), pd.Timestamp(period.end)]
    sql_s, sql_mem, sql = best_of(lambda: con.execute(SQL, span).df(), args.repeat)
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute("SET threads = 1")
    sql1_s, _, _ = best_of(lambda: con.execute(SQL, span).df(), args.repeat)

    # the same numbers both ways
    a = kpis.set_index(["campaign", "unit", "keyword"]).sort_index()
    b = sql.set_index(["campaign", "unit", "keyword"]).sort_index()
    assert len(a) == len(b) == args.keywords
    for col in ("clicks", "cost", "order_lines", "revenue", "bid", "roi", "cvr", "cost_share"):
        np.testing.assert_allclose(a[col].to_numpy(float), b[col].to_numpy(float), rtol=1e-9)

    mb = 1024 * 1024
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"keyword_kpis (aggregation):   {kpi_s:6.3f} s   peak +{kpi_mem / mb:,.0f} MiB")
    print(f"review (whole analysis):      {rev_s:6.3f} s   peak +{rev_mem / mb:,.0f} MiB")
    print(f"DuckDB SQL, {threads} threads:        {sql_s:6.3f} s   peak +{sql_mem / mb:,.0f} MiB")
    print(f"DuckDB SQL, 1 thread:         {sql1_s:6.3f} s")
    print(f"ratio keyword_kpis / DuckDB:  {kpi_s / sql_s:5.2f}×  (1 thread: {kpi_s / sql1_s:.2f}×)"
          "   target ≤ 2×")  # fmt: skip
    print(f"ratio review / DuckDB:        {rev_s / sql_s:5.2f}×  (1 thread: {rev_s / sql1_s:.2f}×)")
    print(f"process peak RSS:             {peak_rss:,.0f} MiB")
    quads = rv.keywords["quadrant"].value_counts().to_dict()
    print(f"quadrants: {quads}; pauses: {len(rv.pauses):,}; bid moves: "
          f"{int(rv.bids['reason'].isin(['raise', 'raise_capped', 'lower', 'lower_capped']).sum()):,}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
