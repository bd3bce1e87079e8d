"""Benchmark: user layers (RFM table) for a large shop, against a DuckDB SQL baseline.

Generates N orders (default 5,000,000) from N/5 customers (default 1,000,000) over two years,
seeded: one row per order with 订单状态 (~93% 已完成, 5% 已取消, 2% 退款成功, a few partial
refunds), 订单金额, 实付金额, 优惠金额 and 退款金额 — the ``orders`` table as
:func:`jdpromo.ingest.order_level` returns it. Then times

* jdpromo: ``users.prepare_orders`` + ``users.build_layers`` (statuses and netting, per-customer
  recency/frequency/money over all history, the lookback and the period, coupon share, the
  lifecycle thresholds — repeat buyers' from the inter-purchase gaps' 80th/95th percentiles,
  one-time buyers' from the time to a second purchase — money cut points, and the four
  labels), i.e. the ``customer_layers`` table;
* DuckDB: one SQL query computing the same table from the same DataFrame (same rules, same
  percentiles, same labels; the one-time buyers' two thresholds, a Kaplan–Meier estimate, are
  taken from jdpromo's run), fetched as a DataFrame;

checks that both agree (customers per layer, totals), and prints both times, their ratio
(target ≤ 2×) and the process's peak memory (target ≤ 4 GB).

With ``--tables`` it also times what the user_layers page does with the layers: the previous
period's snapshot, :func:`~jdpromo.users.migration` and the observed returns of
:func:`~jdpromo.users.layer_findings` (one id lookup; before: an outer merge and pandas'
``isin``, timed too and checked equal) and :func:`~jdpromo.users.audience_lists`.

Usage::

    python benchmarks/users.py [--orders N] [--customers M] [--repeat K] [--seed S] [--tables]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import resource
import sys
import time

import numpy as np
import pandas as pd
from jdpromo import users
from jdpromo.params import UserParams
from jdpromo.periods import parse_period

PERIOD = "2026-10"


def generate(n_orders: int, n_customers: int, seed: int = 20261025) -> pd.DataFrame:
    """A synthetic order-level ``orders`` table (see the module docstring)."""
    rng = np.random.default_rng(seed)
    # Skewed activity: most customers buy once or twice, a few very often.
    weight = rng.pareto(1.6, n_customers) + 0.2
    cust = rng.choice(n_customers, n_orders, p=weight / weight.sum())
    cust[:n_customers] = np.arange(n_customers)  # every customer has at least one order
    start = np.datetime64("2024-11-01T00:00:00", "s")
    seconds = rng.integers(0, 730 * 86400, n_orders)
    ordered_at = (start + seconds).astype("datetime64[ns]")
    amount = np.round(rng.lognormal(5.3, 0.7, n_orders), 2)
    coupon = np.where(rng.random(n_orders) < 0.3, np.minimum(np.round(amount * 0.1), 100.0), 0.0)
    paid = np.round(amount - coupon, 2)
    u = rng.random(n_orders)
    status = np.where(u < 0.05, "已取消", np.where(u < 0.07, "退款成功", "已完成"))
    refund = np.where((u > 0.07) & (u < 0.08), np.round(paid * 0.5, 2), np.nan)
    accounts = np.array(
        [f"jd_{v:010x}" for v in rng.choice(16**10, n_customers, replace=False).tolist()]
    )
    return pd.DataFrame(
        {
            "order_id": pd.array((300_000_000_000 + np.arange(n_orders)).astype(str), dtype="str"),
            "customer_id": pd.array(accounts[cust], dtype="str"),
            "ordered_at": ordered_at,
            "amount": amount,
            "status": pd.array(status, dtype="str"),
            "paid_amount": paid,
            "coupon_amount": coupon,
            "refund_amount": refund,
            "lines": np.ones(n_orders, dtype=np.int64),
        }
    )


def run_jdpromo(orders: pd.DataFrame, period, params: UserParams) -> users.Layers:
    prep = users.prepare_orders(orders)
    return users.build_layers(prep, period, params)


def _in(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def duckdb_sql(period, params: UserParams, once: tuple[int, int]) -> str:
    """The same customer table in SQL (DuckDB dialect), with the same rules as jdpromo.

    ``once``: the one-time buyers' 活跃 / 流失 thresholds (days) as jdpromo derived them — a
    Kaplan–Meier estimate of the time to a second purchase, which the SQL takes as given; the
    repeat buyers' thresholds (percentiles of the inter-purchase gaps) it computes itself.
    """
    classes = users.STATUS_CLASSES
    paid = [k for k, v in classes.items() if v == "paid"]
    cancelled = [k for k, v in classes.items() if v == "cancelled"]
    unpaid = [k for k, v in classes.items() if v == "unpaid"]
    refunded = [k for k, v in classes.items() if v == "refunded"]
    start, end = period.start.isoformat(), period.end.isoformat()
    w0 = (period.end - dt.timedelta(days=params.lookback_days - 1)).isoformat()
    d30 = (period.end - dt.timedelta(days=29)).isoformat()
    d90 = (period.end - dt.timedelta(days=89)).isoformat()
    rfm = "\n".join(
        f"        WHEN {code} THEN '{name}'" for code, name in users._RFM_BY_CODE.items()
    )
    buy = "kind <> 'record'"
    return f"""
WITH o AS (
    SELECT customer_id, ordered_at, CAST(ordered_at AS DATE) AS d,
        CASE WHEN trim(status) IN ({_in(paid)}) THEN 'paid'
             WHEN trim(status) IN ({_in(cancelled)}) THEN 'cancelled'
             WHEN trim(status) IN ({_in(unpaid)}) THEN 'unpaid'
             WHEN trim(status) IN ({_in(refunded)}) THEN 'refunded'
             ELSE 'unknown' END AS cls,
        coalesce(paid_amount, amount, 0) AS base,
        coalesce(coupon_amount, 0) AS coupon,
        coalesce(refund_amount, 0) AS stated
    FROM orders
    WHERE customer_id IS NOT NULL AND trim(customer_id) <> ''
      AND ordered_at IS NOT NULL AND CAST(ordered_at AS DATE) <= DATE '{end}'
), r AS (
    SELECT *, CASE WHEN stated > 0 THEN stated WHEN cls = 'refunded' THEN base ELSE 0 END
              AS refund
    FROM o WHERE cls NOT IN ('cancelled', 'unpaid')
), k AS (
    SELECT *, base - refund AS net,
        CASE WHEN cls = 'refunded' AND stated <= 0 THEN 'refunded'
             WHEN refund > 0 AND base - refund > 0.005 THEN 'partial'
             WHEN refund > 0 AND base - refund < -0.005 THEN 'record'
             WHEN refund > 0 THEN 'refunded'
             ELSE 'purchase' END AS kind
    FROM r
), u AS (SELECT * FROM k WHERE kind <> 'refunded'),
c AS (
    SELECT customer_id,
        count(*) FILTER (WHERE {buy}) AS frequency,
        sum(net) AS monetary,
        bool_or(kind IN ('partial', 'record')) AS had_refund,
        min(ordered_at) FILTER (WHERE {buy}) AS first_order_at,
        max(ordered_at) FILTER (WHERE {buy}) AS last_order_at,
        max(d) FILTER (WHERE {buy}) AS last_day,
        count(DISTINCT d) FILTER (WHERE {buy}) AS purchase_days,
        coalesce(min(d) FILTER (WHERE kind = 'record') < min(d) FILTER (WHERE {buy}), false)
            AS bought_before,
        count(*) FILTER (WHERE {buy} AND d >= DATE '{w0}') AS frequency_window,
        coalesce(sum(net) FILTER (WHERE d >= DATE '{w0}'), 0) AS monetary_window,
        count(*) FILTER (WHERE {buy} AND d >= DATE '{start}') AS period_orders,
        coalesce(sum(net) FILTER (WHERE d >= DATE '{start}'), 0) AS period_revenue,
        count(*) FILTER (WHERE {buy} AND d >= DATE '{d30}') AS orders_30d,
        count(*) FILTER (WHERE {buy} AND d >= DATE '{d90}') AS orders_90d,
        sum(coupon) FILTER (WHERE {buy})
            / nullif(sum(base + coupon) FILTER (WHERE {buy}), 0) AS coupon_share
    FROM u GROUP BY customer_id
), t AS (
    SELECT * FROM c WHERE frequency > 0 AND NOT (monetary <= 0.005 AND had_refund)
), days AS (
    SELECT DISTINCT u.customer_id, u.d FROM u SEMI JOIN t USING (customer_id)
    WHERE u.{buy}
), gaps AS (
    SELECT d - lag(d) OVER (PARTITION BY customer_id ORDER BY d) AS gap FROM days
), g AS (
    SELECT count(gap) AS n, quantile_cont(gap, {params.active_gap_quantile}) AS q1,
           quantile_cont(gap, {params.churn_gap_quantile}) AS q2 FROM gaps
), th AS (
    SELECT
        CASE WHEN n >= {params.min_gaps} THEN ceil(q1) ELSE {params.fallback_active_days} END
            AS a0,
        CASE WHEN n >= {params.min_gaps} THEN ceil(q2) ELSE {params.fallback_churn_days} END
            AS c0
    FROM g
), th2 AS (
    SELECT greatest(a0, {period.days}) AS active, greatest(c0, greatest(a0, {period.days}) + 1)
           AS churn FROM th
), k2 AS (
    SELECT t.*,
        CASE WHEN purchase_days = 1 AND NOT bought_before THEN {once[0]} ELSE active END AS act,
        CASE WHEN purchase_days = 1 AND NOT bought_before THEN {once[1]} ELSE churn END AS chu
    FROM t, th2
), cuts AS (
    SELECT round(quantile_cont(monetary, {params.rfm_monetary_quantile}), 2) AS m_cut,
           round(quantile_cont(monetary, {params.value_monetary_quantile}), 2) AS v_cut FROM t
)
SELECT customer_id, first_order_at, last_order_at,
    DATE '{end}' - last_day AS recency_days, frequency, round(monetary, 2) AS monetary,
    frequency_window, round(monetary_window, 2) AS monetary_window,
    monetary / frequency AS aov, coupon_share,
    CASE WHEN CAST(first_order_at AS DATE) >= DATE '{start}' THEN '新用户'
         WHEN DATE '{end}' - last_day <= act THEN '活跃'
         WHEN DATE '{end}' - last_day <= chu THEN '沉默'
         ELSE '流失' END AS lifecycle,
    CASE (CAST(DATE '{end}' - last_day <= act AS INTEGER) * 4
          + CAST(frequency >= {params.rfm_frequency_cut} AS INTEGER) * 2
          + CAST(round(monetary, 2) >= m_cut - 1e-9 AS INTEGER))
{rfm}
    END AS rfm_segment,
    CASE WHEN frequency >= {params.value_min_orders} AND round(monetary, 2) >= v_cut - 1e-9
              THEN '高价值'
         WHEN frequency >= {params.value_min_orders} OR round(monetary, 2) >= v_cut - 1e-9
              THEN '潜力'
         ELSE '低频' END AS value_tier,
    CASE WHEN coupon_share IS NULL THEN '未知'
         WHEN coupon_share >= {params.coupon_share_threshold} - 1e-12 THEN '价格敏感'
         ELSE '不敏感' END AS price_sensitivity,
    period_orders, round(period_revenue, 2) AS period_revenue, orders_30d, orders_90d
FROM k2, cuts
"""


def run_duckdb(con, orders: pd.DataFrame, sql: str) -> pd.DataFrame:
    con.register("orders", orders)
    try:
        return con.execute(sql).df()
    finally:
        con.unregister("orders")


def peak_gb() -> float:
    """Peak resident memory of this process so far, GB (ru_maxrss: KB on Linux, B on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024**3 if sys.platform == "darwin" else 1024**2)


def check_same(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    """Both tables hold the same customers with the same labels and totals."""
    assert len(ours) == len(theirs), (len(ours), len(theirs))
    for col in ("lifecycle", "rfm_segment", "value_tier", "price_sensitivity"):
        a = ours[col].astype(str).value_counts().sort_index()
        b = theirs[col].astype(str).value_counts().sort_index()
        assert a.equals(b), (col, a, b)
    for col in ("frequency", "frequency_window", "period_orders", "orders_30d", "recency_days"):
        assert int(ours[col].sum()) == int(theirs[col].sum()), col
    for col in ("monetary", "monetary_window", "period_revenue"):
        assert abs(float(ours[col].sum()) - float(theirs[col].sum())) < 1.0, col


def _best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def time_tables(prep, layers: users.Layers, params: UserParams, repeat: int) -> None:
    """The page's tables after the layers (see the module docstring), with the lookups they
    replaced (an outer merge for migration, ``isin`` for the observed returns)."""
    from unittest import mock

    previous = parse_period(PERIOD).previous
    s_prev, before = _best(
        lambda: users.build_layers(prep, previous, params, rules=layers.rules), repeat
    )
    old, new = before.customers, layers.customers
    s_mig, moves = _best(lambda: users.migration(old, new), repeat)
    with mock.patch.object(users, "_migration_cells", lambda *a: None):
        s_merge, merged = _best(lambda: users.migration(old, new), repeat)
    pd.testing.assert_frame_equal(moves, merged)
    layers_at_risk = users.LAYERS_AT_RISK
    s_ret, seen = _best(
        lambda: [users.observed_return(old, new, x) for x in layers_at_risk], repeat
    )
    with mock.patch.object(users, "_isin", lambda v, ids: v.isin(ids).to_numpy(dtype=bool)):
        s_isin, seen_isin = _best(
            lambda: [users.observed_return(old, new, x) for x in layers_at_risk], repeat
        )
    assert seen == seen_isin
    s_aud, _ = _best(lambda: users.audience_lists(new, "zh"), repeat)
    print(f"previous period's layers (thresholds reused): {s_prev:.2f}s")
    print(f"migration: {s_mig:.2f}s (outer merge before: {s_merge:.2f}s; same table)")
    print(
        f"observed returns, {len(layers_at_risk)} layers: {s_ret:.2f}s (isin before: {s_isin:.2f}s)"
    )
    print(f"audience_lists: {s_aud:.2f}s")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--orders", type=int, default=5_000_000)
    ap.add_argument("--customers", type=int, default=None, help="default: orders / 5")
    ap.add_argument("--repeat", type=int, default=2, help="best of K runs (default 2)")
    ap.add_argument("--seed", type=int, default=20261025)
    ap.add_argument("--tables", action="store_true", help="also time the page's tables")
    args = ap.parse_args(argv)
    n_customers = args.customers or max(args.orders // 5, 1)
    period = parse_period(PERIOD).current
    params = UserParams()

    t0 = time.perf_counter()
    orders = generate(args.orders, n_customers, args.seed)
    print(
        f"generated {len(orders):,} orders from {n_customers:,} customers "
        f"in {time.perf_counter() - t0:.1f}s (peak so far {peak_gb():.2f} GB)"
    )

    times = []
    for _ in range(args.repeat):
        gc.collect()
        t0 = time.perf_counter()
        layers = run_jdpromo(orders, period, params)
        times.append(time.perf_counter() - t0)
    ours = min(times)
    peak = peak_gb()
    t0 = time.perf_counter()
    users.layer_summary(layers.customers)
    summary_s = time.perf_counter() - t0

    import duckdb

    con = duckdb.connect()
    sql = duckdb_sql(period, params, (layers.rules.once_active, layers.rules.once_churn))
    base_times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        theirs = run_duckdb(con, orders, sql)
        base_times.append(time.perf_counter() - t0)
    base = min(base_times)
    check_same(layers.customers, theirs)

    print(
        f"customers in table: {len(layers.customers):,}; rules: active ≤ "
        f"{layers.rules.active_days} d, churn > {layers.rules.churn_days} d "
        f"({layers.rules.threshold_source}, {layers.rules.n_gaps:,} gaps); one-time buyers: "
        f"active ≤ {layers.rules.once_active} d, churn > {layers.rules.once_churn} d"
    )
    print(
        f"jdpromo prepare_orders + build_layers: {ours:.2f}s (runs: "
        f"{', '.join(f'{x:.2f}' for x in times)}); layer_summary {summary_s:.2f}s"
    )
    threads = con.execute("select current_setting('threads')").fetchone()[0]
    print(
        f"DuckDB {duckdb.__version__} SQL, {threads} threads: {base:.2f}s (runs: "
        f"{', '.join(f'{x:.2f}' for x in base_times)})"
    )
    ratio = ours / base
    print(f"ratio jdpromo / DuckDB: {ratio:.2f}x (target <= 2x) {'OK' if ratio <= 2 else 'MISSED'}")
    print(
        f"peak memory after jdpromo runs: {peak:.2f} GB (target <= 4 GB) "
        f"{'OK' if peak <= 4 else 'MISSED'}; whole process {peak_gb():.2f} GB"
    )
    print("results agree: same customers, labels and totals")
    if args.tables:
        time_tables(users.prepare_orders(orders), layers, params, args.repeat)


if __name__ == "__main__":
    main()
