"""User layers (jdpromo.users): every figure checked against values worked out by hand.

The main fixture is a small order export for period 2026-10 (1–31 October), one row per SKU
line, with these customers (paid = 实付金额, the money that counts):

=====  ==========  ===================================================================
a1     2 orders    2025-11-10 paid 90 (coupon 10) · 2026-10-05 paid 200 · 2026-10-20
                   cancelled · 2026-11-02 after the period
b2     3 orders    new: 2026-10-03 paid 50 (coupon 20, two SKU lines) · 2026-10-03 paid
                   70 · 2026-10-25 paid 80 refunded 30 (net 50)
c3     1 order     2026-06-15 paid 500
d4     1 order     2026-08-31 paid 120
e5     1 order     2024-01-01 paid 1,000
f6     —           2026-09-01 退款成功 without 退款金额 (full refund)
g7     —           2026-10-10 等待付款
h8     excluded    2026-09-10 paid 100, then a return record 2026-10-01 (订单金额 0, 退款
                   金额 100): net 0 after refunds
i9     1 order     new: 2026-10-15 paid 40, status "奇怪状态" (not recognised: counted)
(none)             2026-10-12 paid 99 without a customer account
=====  ==========  ===================================================================
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import rendered, unselected
from jdpromo import users, widgets
from jdpromo.params import ShopParams, UserParams
from jdpromo.periods import parse_period
from jdpromo.report import html_table
from jdpromo.text import TEXT
from pydantic import ValidationError

OCT = parse_period("2026-10")
SEP = parse_period("2026-09")
RULES = UserParams(active_days=30, churn_days=90, rfm_monetary_cut=200, value_monetary_cut=250)


def _order(oid, cust, when, amount, status="已完成", paid=None, coupon=0.0, refund=None, lines=1):
    return [
        {
            "order_id": oid,
            "customer_id": cust,
            "ordered_at": pd.Timestamp(when),
            "amount": float(amount),
            "status": status,
            "paid_amount": float(amount if paid is None else paid),
            "coupon_amount": float(coupon),
            "refund_amount": np.nan if refund is None else float(refund),
            "sku": f"sku{i}",
            "quantity": 1.0,
        }
        for i in range(lines)
    ]


def fixture_orders() -> pd.DataFrame:
    rows = []
    for args in [
        ("A1", "a1", "2025-11-10 10:00", 100, "已完成", 90, 10),
        ("A2", "a1", "2026-10-05 09:30", 200),
        ("A3", "a1", "2026-10-20 12:00", 300, "已取消"),
        ("A4", "a1", "2026-11-02 08:00", 400),
        ("B2", "b2", "2026-10-03 18:00", 70),
        ("B3", "b2", "2026-10-25 20:00", 80, "已完成", None, 0, 30),
        ("C1", "c3", "2026-06-15 11:00", 500),
        ("D1", "d4", "2026-08-31 23:59", 120),
        ("E1", "e5", "2024-01-01 00:01", 1000),
        ("F1", "f6", "2026-09-01 10:00", 60, "退款成功"),
        ("G1", "g7", "2026-10-10 10:00", 80, "等待付款"),
        ("X1", None, "2026-10-12 10:00", 99),
        ("H1", "h8", "2026-09-10 10:00", 100),
        ("H2", "h8", "2026-10-01 10:00", 0, "退款成功", None, 0, 100),
        ("I1", "i9", "2026-10-15 10:00", 40, "奇怪状态"),
    ]:
        rows += _order(*args)
    # b2's first order: two SKU lines repeating the order's amounts (taken once).
    rows += _order("B1", "b2", "2026-10-03 09:00", 70, "已完成", 50, 20, lines=2)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def prep() -> users.PreparedOrders:
    return users.prepare_orders(fixture_orders())


@pytest.fixture(scope="module")
def layers(prep) -> users.Layers:
    return users.build_layers(prep, OCT.current, RULES)


def _row(layers, cid) -> pd.Series:
    c = layers.customers.set_index("customer_id")
    return c.loc[cid]


# --------------------------------------------------------------------------------------------
# Orders: statuses, netting, accounting


def test_classify_status():
    s = pd.Series(["已完成", " 已取消 ", "退款成功", "等待付款", "等待出库", "奇怪", None])
    assert users.classify_status(s).tolist() == [
        "paid",
        "cancelled",
        "refunded",
        "unpaid",
        "paid",
        "unknown",
        "unknown",
    ]


def test_sku_lines_are_merged_without_double_counting(prep):
    assert prep.rows_read == 17 and len(prep.order_id) == 16
    i = list(prep.order_id).index("B1")
    assert (prep.lines[i], prep.amount[i], prep.base[i], prep.coupon[i]) == (2, 70, 50, 20)
    table = prep.table().set_index("order_id")
    assert len(table) == 16 and table.loc["B1", "customer_id"] == "b2"
    assert pd.isna(table.loc["X1", "customer_id"]) and table.loc["X1", "kind"] == "no_customer"
    assert table.loc["A4", "kind"] == "purchase"  # the period cut comes later (build_layers)
    statuses = prep.statuses.set_index("status")
    assert statuses["orders"].to_dict() == {
        "已完成": 11,
        "退款成功": 2,
        "已取消": 1,
        "等待付款": 1,
        "奇怪状态": 1,
    }
    assert statuses.loc["已完成", "lines"] == 12 and statuses.loc["奇怪状态", "status_class"] == (
        "unknown"
    )


def test_order_accounting_every_order_and_line_once(layers):
    acc = layers.accounting.set_index("order_treatment")
    assert acc["orders"].sum() == 16 and acc["lines"].sum() == 17
    expect = {  # orders, lines, customers, 订单金额, net carried into the table
        "purchase": (7, 8, 5, 2060.0, 2030.0),
        "unknown_status": (1, 1, 1, 40.0, 40.0),
        "partial_refund": (1, 1, 1, 80.0, 50.0),
        "refund_record": (0, 0, 0, 0.0, 0.0),
        "refunded": (1, 1, 1, 60.0, 0.0),
        "cancelled": (1, 1, 1, 300.0, 0.0),
        "unpaid": (1, 1, 1, 80.0, 0.0),
        "no_customer": (1, 1, 0, 99.0, 0.0),
        "no_date": (0, 0, 0, 0.0, 0.0),
        "after_end": (1, 1, 1, 400.0, 0.0),
        "customer_excluded": (2, 2, 1, 100.0, 0.0),
    }
    for kind, values in expect.items():
        got = tuple(acc.loc[kind, ["orders", "lines", "customers", "amount", "net_amount"]])
        assert got == values, kind
    # The money carried equals the table's net spend.
    assert acc["net_amount"].sum() == layers.customers["monetary"].sum() == 2120.0


def test_customer_accounting(layers):
    acc = layers.customer_accounting.set_index("group")["customers"].to_dict()
    assert acc == {"in_table": 6, "no_purchase": 2, "net_nonpositive": 1, "later_only": 0}
    assert sorted(layers.customers["customer_id"]) == ["a1", "b2", "c3", "d4", "e5", "i9"]


def test_orders_without_customer_are_counted_and_reported(layers):
    assert (layers.no_customer_orders, layers.no_customer_amount) == (1, 99.0)
    text = " ".join(users.warnings_text(layers, "zh"))
    assert "1 张订单" in text and "99.00" in text
    assert layers.unknown_statuses == ["奇怪状态"]


def test_empty_string_account_is_no_account():
    orders = pd.DataFrame(_order("1", "  ", "2026-10-02", 10) + _order("2", "x", "2026-10-02", 5))
    lay = users.build_layers(users.prepare_orders(orders), OCT.current, RULES)
    assert lay.no_customer_orders == 1 and list(lay.customers["customer_id"]) == ["x"]


def test_refund_record_nets_spend_not_orders():
    orders = pd.DataFrame(
        _order("1", "j", "2026-09-02", 300)
        + _order("C1", "j", "2026-10-04", 0, "退款成功", None, 0, 100)
    )
    lay = users.build_layers(users.prepare_orders(orders), OCT.current, RULES)
    j = _row(lay, "j")
    assert (j["frequency"], j["monetary"], j["monetary_window"]) == (1, 200.0, 200.0)
    assert (j["period_orders"], j["period_revenue"]) == (0, -100.0)
    acc = lay.accounting.set_index("order_treatment")
    assert tuple(acc.loc["refund_record", ["orders", "net_amount"]]) == (1, -100.0)


def test_refund_amount_on_a_completed_order_is_netted():
    orders = pd.DataFrame(_order("1", "k", "2026-10-02", 100, "已完成", 90, 10, refund=90))
    lay = users.build_layers(users.prepare_orders(orders), OCT.current, RULES)
    # refunded in full: not a purchase, so the customer is not in the table
    assert lay.customers.empty
    assert lay.accounting.set_index("order_treatment").loc["refunded", "orders"] == 1


def test_masked_accounts_warn(prep):
    orders = pd.DataFrame(
        _order("1", "jd_****", "2026-10-02", 10) + _order("2", "jd_****", "2026-10-03", 20)
    )
    lay = users.build_layers(users.prepare_orders(orders), OCT.current, RULES)
    assert lay.masked_orders == 2
    assert any("打码" in s for s in users.warnings_text(lay, "zh"))
    assert prep.masked_orders == 0


# --------------------------------------------------------------------------------------------
# Customers


def test_customer_metrics_by_hand(layers):
    a = _row(layers, "a1")
    assert a["first_order_at"] == pd.Timestamp("2025-11-10 10:00")
    assert a["last_order_at"] == pd.Timestamp("2026-10-05 09:30")
    assert (a["recency_days"], a["frequency"], a["monetary"]) == (26, 2, 290.0)
    assert (a["frequency_window"], a["monetary_window"], a["aov"]) == (2, 290.0, 145.0)
    assert a["coupon_share"] == pytest.approx(10 / 300)
    assert (a["period_orders"], a["period_revenue"], a["orders_30d"], a["orders_90d"]) == (
        1,
        200.0,
        1,
        1,
    )
    b = _row(layers, "b2")
    assert (b["recency_days"], b["frequency"], b["monetary"]) == (6, 3, 170.0)
    assert b["coupon_share"] == pytest.approx(20 / 220)  # Σ优惠 / Σ(实付 + 优惠)
    e = _row(layers, "e5")
    assert (e["recency_days"], e["frequency_window"], e["monetary_window"]) == (1034, 0, 0.0)
    assert list(layers.customers.columns) == list(users.CUSTOMER_COLUMNS)


def test_labels_by_hand(layers):
    c = layers.customers.set_index("customer_id")
    assert c["lifecycle"].astype(str).to_dict() == {
        "a1": "活跃",
        "b2": "新用户",
        "c3": "流失",
        "d4": "沉默",
        "e5": "流失",
        "i9": "新用户",
    }
    assert c["rfm_segment"].astype(str).to_dict() == {
        "a1": "重要价值客户",
        "b2": "一般价值客户",
        "c3": "重要挽留客户",
        "d4": "一般挽留客户",
        "e5": "重要挽留客户",
        "i9": "一般发展客户",
    }
    assert c["value_tier"].astype(str).to_dict() == {
        "a1": "高价值",
        "b2": "潜力",
        "c3": "潜力",
        "d4": "低频",
        "e5": "潜力",
        "i9": "低频",
    }
    assert c["price_sensitivity"].astype(str).to_dict() == {
        "a1": "不敏感",
        "b2": "价格敏感",
        "c3": "不敏感",
        "d4": "不敏感",
        "e5": "不敏感",
        "i9": "不敏感",
    }


def test_rules_from_params(layers):
    r = layers.rules
    assert (r.active_days, r.churn_days, r.threshold_source) == (30, 90, "params")
    assert (r.rfm_recency_days, r.rfm_recency_source) == (30, "lifecycle")
    assert (r.rfm_monetary_cut, r.rfm_monetary_source) == (200.0, "params")
    assert (r.value_monetary_cut, r.value_monetary_source) == (250.0, "params")
    assert r.n_gaps == 2  # a1: 2025-11-10 → 2026-10-05; b2: 10-03 → 10-25 (same day once)


def test_thresholds_from_inter_purchase_gaps(prep):
    lay = users.build_layers(prep, OCT.current, UserParams(min_gaps=1))
    r = lay.rules
    # gaps 22 and 329 days; linear percentiles: 22 + 0.8·307 = 267.6, 22 + 0.95·307 = 313.65
    assert r.threshold_source == "gaps"
    assert (r.active_gap_days, r.churn_gap_days) == pytest.approx((267.6, 313.65))
    assert (r.active_days, r.churn_days) == (268, 314)
    # money cuts: median and 80th percentile of net spend 40, 120, 170, 290, 500, 1000
    assert r.rfm_monetary_cut == 230.0
    assert r.value_monetary_cut == 500.0


def test_one_threshold_from_params_the_other_derived(prep):
    lay = users.build_layers(prep, OCT.current, UserParams(min_gaps=1, active_days=60))
    r = lay.rules
    assert (r.active_days, r.churn_days, r.threshold_source) == (60, 314, "gaps")
    assert r.thresholds_from_params == ("active_days",)
    texts = users.rules_text(r, OCT.current.start, OCT.current.end, 31, "en")
    assert any("users.active_days" in s for s in texts)
    assert any("80th percentile" in s for s in texts)


def test_inter_purchase_gaps():
    cust = np.array([0, 0, 0, 1, 1, 2])
    day = np.array([10, 10, 15, 3, 9, 7])
    assert sorted(users.inter_purchase_gaps(cust, day).tolist()) == [5, 6]


def test_fallback_and_clamp(prep):
    lay = users.build_layers(prep, OCT.current, UserParams())  # 2 gaps < 30
    assert (lay.rules.threshold_source, lay.rules.active_days, lay.rules.churn_days) == (
        "fallback",
        90,
        180,
    )
    short = UserParams(fallback_active_days=10, fallback_churn_days=20)
    lay = users.build_layers(prep, OCT.current, short)
    # raised to the period's 31 days so that October's buyers are new or active
    assert (lay.rules.active_days, lay.rules.churn_days, lay.rules.clamped_to_period) == (
        31,
        32,
        True,
    )
    texts = users.rules_text(lay.rules, OCT.current.start, OCT.current.end, 31, "zh")
    assert any("31 天" in s for s in texts)


def test_everyone_buys_once_still_gives_sensible_groups(rng):
    n = 200
    start = pd.Timestamp("2025-11-01")
    days = rng.integers(0, 365, n)
    amounts = np.round(rng.lognormal(5, 0.6, n), 2)
    orders = pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(n)],
            "customer_id": [f"c{i:03d}" for i in range(n)],
            "ordered_at": start + pd.to_timedelta(days, unit="D"),
            "amount": amounts,
            "status": "已完成",
        }
    )
    lay = users.build_layers(users.prepare_orders(orders), OCT.current, UserParams())
    c = lay.customers
    assert len(c) == n and (c["frequency"] == 1).all()
    assert lay.rules.threshold_source == "fallback" and lay.rules.n_gaps == 0
    recency = (pd.Timestamp("2026-10-31") - (start + pd.to_timedelta(days, unit="D"))).days
    median = round(float(np.quantile(amounts, 0.5)), 2)
    r_high = recency <= 90
    m_high = amounts >= median
    seg = c["rfm_segment"].astype(str).value_counts().to_dict()
    assert seg.get("重要发展客户", 0) == int((r_high & m_high).sum())
    assert seg.get("一般发展客户", 0) == int((r_high & ~m_high).sum())
    assert seg.get("重要挽留客户", 0) == int((~r_high & m_high).sum())
    assert seg.get("一般挽留客户", 0) == int((~r_high & ~m_high).sum())
    assert all(v > 0 for v in seg.values()) and len(seg) == 4  # no F-high group
    tiers = c["value_tier"].astype(str).value_counts().to_dict()
    p80 = round(float(np.quantile(amounts, 0.8)), 2)
    assert tiers == {"潜力": int((amounts >= p80).sum()), "低频": int((amounts < p80).sum())}
    assert c["price_sensitivity"].astype(str).eq("未知").all()  # no 优惠金额 column
    summary = users.layer_summary(c)
    assert summary.loc[0, "repurchase_rate"] == 0.0
    assert math.isnan(summary.loc[0, "cost_per_new_customer"])


def test_short_history_warns():
    orders = pd.DataFrame(_order("1", "x", "2026-09-20", 10) + _order("2", "y", "2026-10-02", 5))
    lay = users.build_layers(users.prepare_orders(orders), OCT.current, UserParams())
    assert lay.history_days == 11
    assert any("2026-09-20" in s and "365" in s for s in users.warnings_text(lay, "zh"))
    assert any("2026-09-20" in s for s in users.warnings_text(lay, "en"))


def test_empty_orders():
    orders = pd.DataFrame(_order("1", "x", "2026-10-02", 10)).iloc[:0]
    lay = users.build_layers(users.prepare_orders(orders), OCT.current, UserParams())
    assert lay.customers.empty and list(lay.customers.columns) == list(users.CUSTOMER_COLUMNS)
    s = users.layer_summary(lay.customers)
    assert s.loc[0, "customers"] == 0 and math.isnan(s.loc[0, "repurchase_rate"])
    assert users.cohort_retention(lay).empty


# --------------------------------------------------------------------------------------------
# Tables


def test_layer_summary_by_hand(layers):
    new_cost = users.new_customer_cost(
        AD_NO_JD, layers.customers, OCT.current.start, OCT.current.end
    )
    s = users.layer_summary(layers.customers, ad_cost=300.0, new_cost=new_cost)
    a = s.iloc[0]
    assert (a["dimension"], a["customers"], a["buyers"], a["orders"], a["revenue"]) == (
        "all",
        6,
        5,
        8,
        1120.0,
    )
    assert (a["aov"], a["spend_per_buyer"], a["repurchase_rate"]) == (140.0, 224.0, 0.4)
    assert a["repurchase_30d"] == pytest.approx(1 / 3)  # a1, b2, i9 bought; b2 twice+
    assert a["repurchase_90d"] == pytest.approx(1 / 4)  # + d4 (2026-08-31)
    assert (a["period_buyers"], a["period_orders"], a["period_revenue"]) == (3, 5, 410.0)
    assert (a["new_customers"], a["ad_cost"], a["cost_per_new_customer"]) == (2, 300.0, 150.0)
    assert (a["new_customer_basis"], a["cost_new_customers"]) == ("first_time_buyers", 2.0)
    new = s[(s["dimension"] == "lifecycle") & (s["layer"] == "新用户")].iloc[0]
    assert (new["customers"], new["buyers"], new["orders"], new["revenue"]) == (2, 2, 4, 210.0)
    assert (new["share"], new["aov"], new["spend_per_buyer"], new["repurchase_rate"]) == (
        pytest.approx(1 / 3),
        52.5,
        105.0,
        0.5,
    )
    lost = s[(s["dimension"] == "lifecycle") & (s["layer"] == "流失")].iloc[0]
    assert (lost["customers"], lost["buyers"]) == (2, 1)  # e5 bought outside the lookback
    assert math.isnan(lost["repurchase_30d"])  # nobody bought: undefined, not 0
    assert len(s) == 1 + 4 + 3 + 8 + 3
    assert list(s.columns) == list(users.SUMMARY_COLUMNS)


# Ad rows of October (300 元 on 10-01 and 10-31) and one day before it; AD_JD also carries
# 京准通's 新客数 (1 + 2 in October; the 9 of 09-30 is outside the period).
AD_NO_JD = pd.DataFrame(
    {"date": pd.to_datetime(["2026-09-30", "2026-10-01", "2026-10-31"]), "cost": [50.0, 100, 200]}
)
AD_JD = AD_NO_JD.assign(new_customers=[9.0, 1, 2])


def test_new_customer_cost_on_jds_new_customers(layers):
    start, end = OCT.current.start, OCT.current.end
    # October: spend 100 + 200 = 300 元 / 新客数 1 + 2 = 3 → 100 元 per new customer
    assert users.new_customer_cost(AD_JD, layers.customers, start, end) == (
        100.0,
        "jd_new_customers",
        3.0,
    )
    # a row without a value counts 0 once any row of the period has one: 300 / (1 + 0) = 300
    half = AD_JD.assign(new_customers=[9.0, 1, np.nan])
    assert users.new_customer_cost(half, None, start, end) == (300.0, "jd_new_customers", 1.0)
    # JD counted no new customer: undefined (NaN, shown "—"), never 0 or inf
    zero = users.new_customer_cost(AD_JD.assign(new_customers=0.0), None, start, end)
    assert math.isnan(zero[0]) and zero[1:] == ("jd_new_customers", 0.0)


def test_new_customer_cost_without_jds_new_customers(layers):
    start, end = OCT.current.start, OCT.current.end
    # no 新客数 column: 300 元 / first-time buyers in the orders (b2, i9) = 150
    assert users.new_customer_cost(AD_NO_JD, layers.customers, start, end) == (
        150.0,
        "first_time_buyers",
        2.0,
    )
    # a 新客数 column that is empty in the period is the same as none
    empty = AD_JD.assign(new_customers=[9.0, np.nan, np.nan])
    assert users.new_customer_cost(empty, layers.customers, start, end)[:2] == (
        150.0,
        "first_time_buyers",
    )
    # a forced basis (环比/同比 measured like the current period)
    assert users.new_customer_cost(AD_JD, layers.customers, start, end, "first_time_buyers")[0] == (
        150.0
    )
    assert math.isnan(users.new_customer_cost(AD_NO_JD, None, start, end, "jd_new_customers")[0])
    # nobody bought for the first time: NaN; without ad data: NaN
    old = layers.customers[layers.customers["lifecycle"] != "新用户"]
    none = users.new_customer_cost(AD_NO_JD, old, start, end)
    assert math.isnan(none[0]) and none[1:] == ("first_time_buyers", 0.0)
    assert math.isnan(users.new_customer_cost(None, layers.customers, start, end)[0])


def test_user_layer_page_names_new_customer_cost_by_its_basis(layers):
    start, end = OCT.current.start, OCT.current.end

    def headline(ad, lang="zh", customers=layers.customers):
        new_cost = users.new_customer_cost(ad, customers, start, end)
        s = users.layer_summary(customers, users.ad_spend(ad, start, end), new_cost=new_cost)
        return " ".join(users.summary_text(s, layers.rules, end, lang, target_cost=160.0))

    jd = headline(AD_JD)
    assert "新客成本 100.00 元 = 本期广告总花费 300.00 元 ÷ 京准通报表中的新客数 3 位" in jd
    assert "目标新客成本 160.00 元，实际新客成本 100.00 元" in jd and "首购" not in jd
    orders = headline(AD_NO_JD)
    assert (
        "新客成本（按订单首购客户） 150.00 元 = 本期广告总花费 300.00 元 ÷ 本期首次购买的客户 2 位"
        in (orders)
    )
    assert "实际新客成本（按订单首购客户） 150.00 元" in orders
    assert "first-time buyers in the orders" in headline(AD_NO_JD, "en")
    # zero denominator: shown "—", and no target comparison
    zero = headline(AD_JD.assign(new_customers=0.0))
    assert "新客成本 — 元" in zero and "目标新客成本" not in zero


def test_user_layer_spend_is_not_called_spend_per_buyer(layers):
    # net spend over the lookback / buyers = 1,120 / 5 = 224: 人均消费, not the shop's 客单价
    s = users.layer_summary(layers.customers)
    for lang, name in (("zh", "近 365 天人均消费 224.00 元"), ("en", "net spend per customer")):
        text = " ".join(users.summary_text(s, layers.rules, OCT.current.end, lang))
        assert name in text and "客单价" not in text and "spend per buyer" not in text
    shown = rendered(users.display_frame(s.iloc[:1][["layer", "spend_per_buyer"]], "zh"))
    assert list(shown.columns) == ["分层", "人均消费（回看期，元）"]
    notes = [TEXT[k]["zh"] for k in ("ul_intro", "ul_summary_note", "ul_kpi_spend")]
    assert not any("客单价" in n for n in notes)


def test_ad_spend_in_period():
    ad = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-09-30", "2026-10-01", "2026-10-31"]),
            "cost": [5.0, 10.0, 20.5],
        }
    )
    assert users.ad_spend(ad, OCT.current.start, OCT.current.end) == 30.5
    assert math.isnan(users.ad_spend(ad.iloc[:0], OCT.current.start, OCT.current.end))


def test_migration_by_hand(prep, layers):
    before = users.build_layers(prep, SEP.current, RULES, rules=layers.rules)
    prev = before.customers.set_index("customer_id")["lifecycle"].astype(str).to_dict()
    # h8 bought in September (new then); its return came in October
    assert prev == {"a1": "流失", "c3": "流失", "d4": "活跃", "e5": "流失", "h8": "新用户"}
    moves = users.migration(before.customers, layers.customers)
    got = {(r.from_layer, r.to_layer): r.customers for r in moves.itertuples() if r.customers}
    assert got == {
        ("流失", "活跃"): 1,
        ("流失", "流失"): 2,
        ("活跃", "沉默"): 1,
        ("新用户", "已移出"): 1,
        ("此前未购买", "新用户"): 2,
    }
    assert len(moves) == 5 * 5  # every cell, zeros included
    share = moves.set_index(["from_layer", "to_layer"])["share"]
    assert share[("流失", "活跃")] == pytest.approx(1 / 3)
    text = users.migration_text(moves, "zh")
    assert text[0].startswith("流失 → 流失") is False and "此前未购买" not in " ".join(text)


def test_cohort_retention_by_hand(layers):
    co = users.cohort_retention(layers, months=12, max_offset=12).set_index("cohort")
    assert list(co.index) == ["2024-01", "2025-11", "2026-06", "2026-08", "2026-10"]
    assert co["customers"].tolist() == [1, 1, 1, 1, 2]
    nov = co.loc["2025-11"]
    assert nov["month_0"] == 1.0 and nov["month_11"] == 1.0  # a1 came back in 2026-10
    assert all(nov[f"month_{k}"] == 0.0 for k in range(1, 11))
    assert math.isnan(nov["month_12"])  # 2026-11 is after the period
    assert math.isnan(co.loc["2026-10", "month_1"])
    assert co["left_censored"].tolist() == [True, False, False, False, False]


def test_action_plan_and_audiences(layers):
    plan = users.action_plan(layers.customers, "zh").set_index("layer")
    assert plan["customers"].to_dict() == {"新用户": 2, "活跃": 1, "沉默": 1, "流失": 2}
    assert "复购券" in plan.loc["新用户", "action"]  # they have bought: a second purchase
    assert "会员积分" in plan.loc["活跃", "action"]
    assert "京准通定向人群" in plan.loc["沉默", "action"]
    assert "定向优惠券" in plan.loc["流失", "action"]
    assert plan.loc["新用户", "price_sensitive"] == 1 and plan.loc["活跃", "high_value"] == 1
    lists = users.audience_lists(layers.customers, "zh")
    assert list(lists) == ["新用户", "新用户_上传", "活跃", "活跃_上传", "沉默", "沉默_上传",
                           "流失", "流失_上传"]  # fmt: skip
    assert lists["流失"]["customer_id"].tolist() == ["e5", "c3"]  # highest spend first
    # the upload sheet: the same accounts in the same order, and nothing else
    assert lists["流失_上传"].columns.tolist() == ["customer_id"]
    assert lists["流失_上传"]["customer_id"].tolist() == ["e5", "c3"]
    assert lists["新用户"]["action"].iloc[0].startswith("复购券")


def test_html_never_shows_customer_ids():
    ids = [f"jd_{i:010x}" for i in range(50)]
    orders = pd.DataFrame(
        sum((_order(str(i), c, "2026-10-02", 10 + i) for i, c in enumerate(ids)), [])
    )
    lay = users.build_layers(users.prepare_orders(orders), OCT.current, RULES)
    shown = html_table(users.display_frame(users.action_plan(lay.customers, "zh"), "zh"))
    shown += html_table(users.display_frame(users.layer_summary(lay.customers), "zh"))
    shown += html_table(users.display_frame(users.layer_crosstab(lay.customers), "zh"))
    assert not any(i in shown for i in ids)
    assert "jd_00****31" in shown  # masked examples only (the highest spender: jd_...31)


def test_mask_id():
    assert users.mask_id("jd_3fabcdefa1") == "jd_3f****a1"
    assert users.mask_id("00001") == "0****1"
    assert users.mask_id("17850") == "1****0"
    assert users.mask_id("ab") == "****"
    assert users.mask_id("abcd") == "****"  # half of a 4-character id is no mask
    for s in ("jd_3fabcdefa1", "00001", "abc", "12345678"):
        assert users.mask_id(s) != s and "****" in users.mask_id(s)


def test_display_frame_formats_and_translates(layers):
    s = users.layer_summary(layers.customers, 300.0)
    shown = s.iloc[:2][["layer", "share", "revenue", "repurchase_rate"]]
    zh = rendered(users.display_frame(shown, "zh"))
    assert list(zh.columns) == ["分层", "占比", "净消费额（回看期，元）", "复购率（回看期）"]
    assert zh.iloc[0].tolist() == ["全部", "100.00%", "1,120.00", "40.00%"]
    en = rendered(users.display_frame(s.iloc[1:2][["layer", "repurchase_30d"]], "en"), "en")
    assert en.iloc[0].tolist() == ["new", "50.00%"]
    lost = s[s["layer"] == "流失"][["repurchase_30d"]]
    assert rendered(users.display_frame(lost, "zh")).iloc[0, 0] == "—"
    acc = rendered(users.display_frame(layers.accounting, "zh"))
    assert "订单数" in acc.columns and "无下单帐号（不进入分层）" in set(acc["归类"])


def test_texts_in_both_languages(layers):
    new_cost = users.new_customer_cost(
        AD_NO_JD, layers.customers, OCT.current.start, OCT.current.end
    )
    s = users.layer_summary(layers.customers, 300.0, new_cost=new_cost)
    for lang in ("zh", "en"):
        rules = users.rules_text(layers.rules, OCT.current.start, OCT.current.end, 31, lang)
        assert len(rules) >= 6 and all(rules)
        kpi = users.summary_text(s, layers.rules, OCT.current.end, lang, target_cost=160.0)
        assert "150.00" in " ".join(kpi)
    zh = " ".join(users.rules_text(layers.rules, OCT.current.start, OCT.current.end, 31, "zh"))
    assert "≤ 30 天为活跃" in zh and "> 90 天为流失" in zh and "200.00" in zh
    for layer in (
        *users.LIFECYCLE,
        *users.RFM_SEGMENTS,
        *users.VALUE_TIERS,
        *users.PRICE_SENSITIVITY,
        *users.KINDS,
    ):
        assert f"ul_v_{layer}" in TEXT


def test_explorer_opens_with_a_layer_chosen(layers):
    pytest.importorskip("ipywidgets")
    box = widgets.layer_explorer(layers, "zh", 300.0)
    dim, pick = box.children[0].children
    assert unselected(box) == []
    # the first lifecycle layer, with its customers (2 新用户 in the fixture)
    assert (dim.value, pick.value) == ("lifecycle", "新用户") and len(box.result) == 2
    dim.value = "value_tier"  # new options: the first one is chosen again, never blank
    assert pick.value == users.VALUE_TIERS[0] and unselected(box) == []
    assert set(box.result["value_tier"].astype(str)) == {users.VALUE_TIERS[0]}


def test_explorer_resegments_with_the_tested_function(layers):
    pytest.importorskip("ipywidgets")
    box = widgets.layer_explorer(layers, "zh", 300.0)
    sliders = box.children[1].children[0].children + box.children[1].children[1].children
    active = sliders[0]
    assert active.value == 30
    active.value = 5  # a1 (26 days) is no longer active
    seg = users.segment(
        layers.customers,
        dataclasses.replace(layers.rules, active_days=5, rfm_recency_days=5),
        OCT.current.start,
    )
    assert seg.set_index("customer_id").loc["a1", "lifecycle"] == "沉默"


def test_segment_is_pure(layers):
    before = layers.customers.copy()
    users.segment(layers.customers, layers.rules, dt.date(2026, 10, 1))
    pd.testing.assert_frame_equal(before, layers.customers)


# --------------------------------------------------------------------------------------------
# Params and charts


def test_user_params():
    assert ShopParams().users.lookback_days == 365
    with pytest.raises(ValidationError):
        UserParams(active_days=60, churn_days=30)
    with pytest.raises(ValidationError):
        UserParams(unknown=1)


def test_charts(layers, prep):
    from jdpromo import plots

    s = users.layer_summary(layers.customers)
    assert plots.layer_share_chart(s, "zh").axes
    assert plots.cohort_heatmap(users.cohort_retention(layers), "zh").axes
    before = users.build_layers(prep, SEP.current, RULES, rules=layers.rules)
    fig = plots.migration_heatmap(users.migration(before.customers, layers.customers), "en")
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["new", "active", "dormant", "churned", "left the table"]


# --------------------------------------------------------------------------------------------
# One-time and repeat buyers (lifecycle thresholds of each kind)
#
# Period 2026-10 (E = 2026-10-31); days before E in brackets. One-time buyers dominate (8 of
# 12), as in CDNOW:
#
# =====  =====================================================  ==========================
# p1-p4  first 2025-09-26 [400], second after 10/20/40/100 days  p1, p2 buy a third time
#        (p1 +250 → 2026-06-13 [140]; p2 +300 → 2026-08-12 [80])
# o1     one order 2025-09-26 [400]                             one-time
# o2     2026-01-04 [300] · o3 2026-06-03 [150] (five months)   one-time
# o4     two orders on 2026-09-01 [60] (one purchase day)       one-time
# o5     2026-09-26 [35] · n1 2026-10-21 [10] (新用户)            one-time
# x1,x2  2025-06-18 [500]                                       one-time
# =====  =====================================================  ==========================

ONCE_FRAME = [
    ("P1a", "p1", "2025-09-26"), ("P1b", "p1", "2025-10-06"), ("P1c", "p1", "2026-06-13"),
    ("P2a", "p2", "2025-09-26"), ("P2b", "p2", "2025-10-16"), ("P2c", "p2", "2026-08-12"),
    ("P3a", "p3", "2025-09-26"), ("P3b", "p3", "2025-11-05"),
    ("P4a", "p4", "2025-09-26"), ("P4b", "p4", "2026-01-04"),
    ("O1", "o1", "2025-09-26"), ("O2", "o2", "2026-01-04"), ("O3", "o3", "2026-06-03"),
    ("O4a", "o4", "2026-09-01 10:00"), ("O4b", "o4", "2026-09-01 18:00"),
    ("O5", "o5", "2026-09-26"), ("N1", "n1", "2026-10-21"),
    ("X1", "x1", "2025-06-18"), ("X2", "x2", "2025-06-18"),
]  # fmt: skip


@pytest.fixture(scope="module")
def once_layers() -> users.Layers:
    orders = pd.DataFrame(sum((_order(oid, c, when, 100) for oid, c, when in ONCE_FRAME), []))
    return users.build_layers(users.prepare_orders(orders), OCT.current, UserParams(min_gaps=4))


def test_second_purchase_times():
    # customer 0: days 10, 10, 15 (split order counts once) → 5; customer 1: one day, watched
    # until day 30 → 20, censored; customer 2 is skipped
    cust = np.array([0, 0, 0, 1, 2, 2])
    day = np.array([10, 10, 15, 10, 3, 4])
    skip = np.array([False, False, True])
    times, seen = users.second_purchase_times(cust, day, 30, skip=skip)
    assert times.tolist() == [5, 20] and seen.tolist() == [True, False]


def test_survival_quantiles_by_hand():
    # Second purchases after 10, 20, 40, 100 days; still waiting after 10, 35, 60, 150, 300,
    # 400, 500, 500 days (the 12 first-time buyers of ONCE_FRAME).
    times = np.array([10, 20, 40, 100, 10, 35, 60, 150, 300, 400, 500, 500])
    seen = np.array([True] * 4 + [False] * 8)
    km = users.survival_quantiles(times, seen, (0.5, 0.8))
    # at risk on days 10, 20, 40, 100: 12, 10, 8, 6 → S = 11/12 · 9/10 · 7/8 · 5/6 = 0.60156;
    # F = 0.0833, 0.175, 0.2781, 0.3984; F/F(100) = 0.209, 0.439, 0.698, 1 → 50% of the
    # second purchases by day 40, 80% by day 100
    assert km["days"] == [40.0, 100.0]
    assert km["share"] == pytest.approx(1 - 11 / 12 * 9 / 10 * 7 / 8 * 5 / 6)
    assert (km["tau"], km["n_events"], km["n"]) == (100, 4, 12)
    # Without the correction for customers still waiting, the median would be 20 days
    # (2 of the 4 second purchases): the 35-day customer is no longer at risk at day 40.
    empty = users.survival_quantiles(times[4:], seen[4:], (0.5, 0.8))
    assert math.isnan(empty["days"][0]) and empty["n_events"] == 0


def test_one_time_buyers_judged_on_time_to_second_purchase(once_layers):
    c = once_layers.customers.set_index("customer_id")
    # Before, everyone was judged on the repeat gaps (≤ 250 活跃): o3 — one order five
    # months ago — and o4 were 活跃.
    assert c["lifecycle"].astype(str).to_dict() == {
        "p1": "活跃",  # repeat, 140 days ≤ 250
        "p2": "活跃",  # repeat, 80 days
        "p3": "流失",  # repeat, 360 > 288
        "p4": "流失",  # repeat, 300 > 288
        "o1": "流失",  # one-time, 400 > 100
        "o2": "流失",  # 300
        "o3": "流失",  # 150 > 100: most second purchases come much sooner
        "o4": "沉默",  # 60: 41–100 (two orders on one day are one purchase)
        "o5": "活跃",  # 35 ≤ 40
        "n1": "新用户",
        "x1": "流失",
        "x2": "流失",
    }
    r = once_layers.rules
    # repeat buyers: gaps 10, 20, 40, 100, 250, 300 → 80th 250, 95th 287.5 → 288
    assert (r.active_days, r.churn_days, r.threshold_source) == (250, 288, "gaps")
    # one-time buyers: 50% / 80% of the second purchases (Kaplan–Meier, above)
    assert (r.once_active, r.once_churn, r.once_source) == (40, 100, "survival")
    assert (r.n_second, r.n_first, r.second_within_days) == (4, 12, 100)
    assert c["purchase_days"].to_dict() == {
        "p1": 3, "p2": 3, "p3": 2, "p4": 2, "o1": 1, "o2": 1, "o3": 1, "o4": 1, "o5": 1,
        "n1": 1, "x1": 1, "x2": 1,
    }  # fmt: skip
    # RFM R follows the same thresholds: o4 (60 days) is R low, o5 (35) R high.
    assert c.loc["o4", "rfm_segment"].startswith(("重要挽留", "一般挽留", "重要保持", "一般保持"))
    assert c.loc["o5", "rfm_segment"] in ("重要发展客户", "一般发展客户")
    zh = users.rules_text(r, OCT.current.start, OCT.current.end, 31, "zh")
    text = " ".join(zh)
    assert "≤ 250 天为活跃，251–288 天为沉默，> 288 天为流失" in text
    assert (
        "一次性客户（只在一天有有效订单）按这次下单距期末的天数分层：≤ 40 天为活跃，41–100 天为沉默"
        in text
    )
    assert "估计 39.8% 会在首单后 100 天内再次购买" in text and "50% 在首单后 40 天内" in text
    assert "复购客户 250 天，一次性客户 40 天" in text  # the RFM R rule
    en = " ".join(users.rules_text(r, OCT.current.start, OCT.current.end, 31, "en"))
    assert (
        "One-time buyers" in en and "≤ 40 active" in en and "Kaplan–Meier" not in en
    )  # method section


def test_one_time_thresholds_from_params_and_fallbacks():
    orders = pd.DataFrame(sum((_order(oid, c, when, 100) for oid, c, when in ONCE_FRAME), []))
    prep = users.prepare_orders(orders)
    # The shop set both thresholds: they apply to one-time buyers too.
    r = users.build_layers(prep, OCT.current, RULES).rules
    assert (r.once_active, r.once_churn, r.once_source) == (30, 90, "same_params")
    start, end = OCT.current.start, OCT.current.end
    assert any("users.once_active_days" in s for s in users.rules_text(r, start, end, 31))
    # Set apart: users.once_* win.
    p = UserParams(min_gaps=4, once_active_days=20, once_churn_days=70)
    lay = users.build_layers(prep, OCT.current, p)
    assert (lay.rules.once_active, lay.rules.once_churn, lay.rules.once_source) == (
        20,
        70,
        "params",
    )
    assert lay.customers.set_index("customer_id").loc["o5", "lifecycle"] == "沉默"  # 35 > 20
    # Fewer second purchases (4) than min_gaps (5), enough gaps (6): one-time buyers share the
    # repeat buyers' thresholds, 250/288.
    lay = users.build_layers(prep, OCT.current, UserParams(min_gaps=5))
    r = lay.rules
    assert (r.active_days, r.once_active, r.once_churn, r.once_source) == (250, 250, 288, "same")
    assert any("只有 4 次" in s for s in users.rules_text(r, start, end, 31))
    # A derived one-time 活跃 threshold shorter than the period is raised to it.
    short = UserParams(min_gaps=4, once_active_quantile=0.1, once_churn_quantile=0.2)
    r = users.build_layers(prep, OCT.current, short).rules
    assert (r.once_active_estimate, r.once_active, r.once_churn, r.once_clamped) == (
        10.0,
        31,
        32,
        True,
    )
    with pytest.raises(ValidationError):
        UserParams(once_active_days=60, once_churn_days=30)
    with pytest.raises(ValidationError):
        UserParams(once_active_quantile=0.8, once_churn_quantile=0.5)


# --------------------------------------------------------------------------------------------
# A return before the first order: bought before the data starts


def test_return_before_first_order_is_not_new():
    orders = pd.DataFrame(
        # m: a return on 09-20 (its order is not in the data), then one order in October
        _order("M0", "m", "2026-09-20 10:00", 0, "退款成功", None, 0, 50)
        + _order("M1", "m", "2026-10-10 10:00", 300)
        # z: the return on the morning of its first order's day
        + _order("Z0", "z", "2026-10-03 09:00", 0, "退款成功", None, 0, 80)
        + _order("Z1", "z", "2026-10-03 12:00", 100)
        # q: an order, then its return: new
        + _order("Q1", "q", "2026-10-05 10:00", 300)
        + _order("Q2", "q", "2026-10-20 10:00", 0, "退款成功", None, 0, 50)
    )
    lay = users.build_layers(users.prepare_orders(orders), OCT.current, RULES)
    c = lay.customers.set_index("customer_id")
    assert c["lifecycle"].astype(str).to_dict() == {"m": "活跃", "z": "活跃", "q": "新用户"}
    assert c["bought_before_data"].to_dict() == {"m": True, "z": True, "q": False}
    # m: net 300 − 50 = 250, one order on 10-10 (21 days before the end ≤ 30): 活跃, not new
    assert (c.loc["m", "frequency"], c.loc["m", "monetary"], c.loc["m", "recency_days"]) == (
        1,
        250.0,
        21,
    )
    assert c.loc["m", "first_order_at"] == pd.Timestamp("2026-10-10 10:00")
    # The reconciliation still holds them: 3 return records, 3 orders, 3 customers in the
    # table; the money carried (250 + 20 + 250) equals the table's.
    acc = lay.accounting.set_index("order_treatment")
    assert tuple(acc.loc["refund_record", ["orders", "customers", "net_amount"]]) == (
        3,
        3,
        -180.0,
    )
    assert acc.loc["purchase", "orders"] == 3
    assert acc["net_amount"].sum() == c["monetary"].sum() == 520.0
    assert lay.customer_accounting.set_index("group")["customers"]["in_table"] == 3
    # 新客成本 counts only q; the page says why m and z are not new.
    s = users.layer_summary(lay.customers)
    assert s.loc[0, "new_customers"] == 1
    assert any("2 位客户" in w and "不算新用户" in w for w in users.warnings_text(lay, "zh"))
    assert any("2 customers have a return" in w for w in users.warnings_text(lay, "en"))


# --------------------------------------------------------------------------------------------
# Migration: what moved, not what holds by definition


def test_migration_text_says_who_bought_again():
    orders = pd.DataFrame(
        _order("1", "n1", "2026-09-05", 100)  # new in September, buys again in October
        + _order("2", "n1", "2026-10-10", 100)
        + _order("3", "n2", "2026-09-20", 100)  # new in September, not again
        + _order("4", "k1", "2026-07-01", 100)  # active at 09-30 (91 days), dormant at 10-31
        + _order("5", "k1", "2026-07-02", 100)
        + _order("6", "k2", "2026-08-20", 100)  # active at both ends (41 / 72 days)
        + _order("7", "k2", "2026-08-21", 100)
    )
    prep = users.prepare_orders(orders)
    params = UserParams(active_days=100, churn_days=200)
    now = users.build_layers(prep, OCT.current, params)
    before = users.build_layers(prep, SEP.current, params, rules=now.rules)
    moves = users.migration(before.customers, now.customers)
    zh = users.migration_text(moves, "zh")
    assert zh == [
        "上期末的新用户 2 位中，1 位（50.0%）本期买了第二次。",
        "上期末活跃的 2 位客户中，0 位（0.0%）本期又买了；1 位（50.0%）没有再买，转为沉默。",
    ]
    cells = moves.set_index(["from_layer", "to_layer"])
    # Both of September's new customers are 活跃 at the end of October — by definition (their
    # first order was ≤ 61 days ago, the threshold 100): "新用户 → 活跃 100%" says nothing.
    assert tuple(cells.loc[("新用户", "活跃"), ["customers", "share", "bought_in_period"]]) == (
        2,
        1.0,
        1,
    )
    assert tuple(cells.loc[("活跃", "沉默"), ["customers", "bought_in_period"]]) == (1, 0)
    assert not any("→" in s for s in zh)
    en = users.migration_text(moves, "en")
    assert en[0] == (
        "Of the 2 new customers at the previous end, 1 (50.0%) bought a second time in this period."
    )


def test_migration_text_by_hand(prep, layers):
    before = users.build_layers(prep, SEP.current, RULES, rules=layers.rules)
    moves = users.migration(before.customers, layers.customers)
    # previous: a1, c3, e5 流失; d4 活跃; h8 新用户 (removed in October: its return nets to 0)
    assert users.migration_text(moves, "zh") == [
        "上期末的新用户 1 位中，0 位（0.0%）本期买了第二次；1 位（100.0%）因退款净消费 ≤ 0 已移出。",
        "上期末活跃的 1 位客户中，0 位（0.0%）本期又买了；1 位（100.0%）没有再买，转为沉默。",
        "上期末流失的 3 位客户中，1 位（33.3%）本期又买了。",
    ]


# --------------------------------------------------------------------------------------------
# Actions fit the layer


def test_actions_fit_the_layers():
    zh = {layer: TEXT[key]["zh"] for layer, key in users.ACTIONS.items()}
    en = {layer: TEXT[key]["en"] for layer, key in users.ACTIONS.items()}
    # 新用户 have bought (some several times in the period): a repeat-purchase incentive, not a
    # newcomer's first-order offer
    assert "复购券" in zh["新用户"] and "再次购买" in zh["新用户"]
    assert not any(w in zh["新用户"] for w in ("新人礼包", "首单"))
    assert "next-order" in en["新用户"] and "first-order" not in en["新用户"]
    assert "会员积分" in zh["活跃"] and "复购" in zh["活跃"]
    assert "唤醒" in zh["沉默"] and "挽回" in zh["流失"]
    assert "win them back" in en["流失"] and "SMS" in en["沉默"] and "display ads" in en["沉默"]
    # a JD shop reaches lapsed buyers through JD's audiences and its SMS marketing, not app push
    assert all("push" not in text for text in (*zh.values(), *en.values()))


def test_migration_and_returns_by_lookup_match_the_merge(prep, layers, monkeypatch):
    """Migration counts its cells with one id lookup; the outer merge it replaces (kept for
    repeated or missing ids) gives the same table, also for layers read back as text, a layer
    outside the list and customers without a layer."""
    before = users.build_layers(prep, SEP.current, RULES, rules=layers.rules).customers
    now = layers.customers
    odd_before = before.astype({"lifecycle": str})
    odd_before.loc[odd_before.index[0], "lifecycle"] = "未知层"
    odd_now = now.astype({"lifecycle": object})
    odd_now.loc[odd_now.index[0], "lifecycle"] = None
    cases = [(before, now, "lifecycle"), (before, now, "value_tier"),
             (odd_before, odd_now, "lifecycle"), (before.iloc[:0], now, "lifecycle"),
             (before, now.iloc[:0], "rfm_segment")]  # fmt: skip
    fast = [users.migration(a, b, col) for a, b, col in cases]
    assert fast[0]["customers"].sum() == len(set(before["customer_id"]) | set(now["customer_id"]))
    monkeypatch.setattr(users, "_migration_cells", lambda *a: None)
    for got, (a, b, col) in zip(fast, cases, strict=True):
        pd.testing.assert_frame_equal(got, users.migration(a, b, col))
    ids = now["customer_id"]
    assert (users._isin(ids, before["customer_id"]) == ids.isin(before["customer_id"])).all()
    with_gap = pd.Series(["a1", None, "zz"], dtype=object)
    assert users._isin(with_gap, ids).tolist() == with_gap.isin(ids).tolist()


# --------------------------------------------------------------------------------------------
# Win-back only where a paid contact can pay


def _snapshot(rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "lifecycle", "period_orders",
                                        "period_revenue"])  # fmt: skip
    return SimpleNamespace(customers=frame)


# previous end: a, b, c, d 流失; g, h 沉默. This period a came back spending 24 元 and h 300 元;
# now 流失 b, c, d, e (4 customers), 沉默 g, i (2); 8 customers in all.
WINBACK_BEFORE = _snapshot([["a", "流失", 0, 0.0], ["b", "流失", 0, 0.0], ["c", "流失", 0, 0.0],
                            ["d", "流失", 0, 0.0], ["g", "沉默", 0, 0.0], ["h", "沉默", 0, 0.0]])  # fmt: skip
WINBACK_NOW = _snapshot([["a", "活跃", 1, 24.0], ["b", "流失", 0, 0.0], ["c", "流失", 0, 0.0],
                         ["d", "流失", 0, 0.0], ["e", "流失", 0, 0.0], ["g", "沉默", 0, 0.0],
                         ["h", "活跃", 1, 300.0], ["i", "沉默", 0, 0.0]])  # fmt: skip


def test_winback_economics_by_hand():
    params = ShopParams()  # margin 0.27, users.winback_uplift 10%, min_contact_cost 0.20 元
    e = users.winback_economics(WINBACK_NOW, WINBACK_BEFORE, params)
    # 流失: 24 元 × 10% × 0.27 = 0.648 元 over 4 customers = 0.162 元 each < 0.20: no paid contact
    assert e["流失"]["money"] == pytest.approx(0.648)
    assert e["流失"]["per_contact"] == pytest.approx(0.162)
    assert e["流失"]["pays"] is False and e["流失"]["customers"] == 4
    # 沉默: 300 元 × 10% × 0.27 = 8.1 元 over 2 customers = 4.05 元 each: a paid win-back can pay
    assert e["沉默"]["per_contact"] == pytest.approx(4.05) and e["沉默"]["pays"] is True
    # without a previous snapshot nothing is known: neither allowed nor ruled out
    assert {k: v["pays"] for k, v in users.winback_economics(WINBACK_NOW, None, params).items()} == {
        "沉默": None, "流失": None}  # fmt: skip
    actions = users.layer_actions(e)
    assert actions["流失"] == users.UNPAID_ACTION and actions["沉默"] == users.ACTIONS["沉默"]
    assert users.layer_actions(None) == users.ACTIONS


def test_a_layer_whose_paid_winback_does_not_pay_is_offered_no_coupons():
    params = ShopParams()
    found = {f.kind: f for f in users.layer_findings(WINBACK_NOW, WINBACK_BEFORE, params, "en")}
    churned = found["layer_流失"]
    assert churned.title == (
        "4 churned customers (50.0% of all) are worth free channels only: a paid win-back does "
        "not pay. It would add only 0.16 yuan of profit per customer, less than the cheapest "
        "paid contact costs, about 0.20 yuan each (the shop's lowest contact cost), so no "
        "coupons."
    )
    assert "coupon" not in churned.action.replace("No coupons", "")
    assert churned.action.startswith("No coupons and no paid contact")
    assert "crowd tools" not in churned.action  # nothing to upload for a paid audience
    # no money at stake: a paid win-back would lose it; the evidence still shows the sums
    assert math.isnan(churned.money_at_stake) and churned.money_basis == "none"
    assert "0.16 yuan each" in churned.evidence
    assert churned.short == "4 churned customers not worth a paid win-back"
    dormant = found["layer_沉默"]  # 4.05 元 per customer: the paid win-back stands
    assert "at up to 4.05 yuan per customer reached" in dormant.title
    assert dormant.money_at_stake == pytest.approx(8.1)
    zh = {f.kind: f for f in users.layer_findings(WINBACK_NOW, WINBACK_BEFORE, params, "zh")}
    assert zh["layer_流失"].title.startswith(
        "流失客户 4 人（占全部客户 50.0%）只值得用免费渠道唤醒"
    )
    assert "每人只能多赚 0.16 元利润，低于最便宜的付费触达每人约 0.20 元" in zh["layer_流失"].title
    assert "定向优惠券" not in zh["layer_流失"].action and "不发券" in zh["layer_流失"].action
    # a shop whose cheapest contact costs 0.10 元 (users.min_contact_cost) can still win them back
    cheap = params.model_copy(update={"users": UserParams(min_contact_cost=0.10)})
    churned = {f.kind: f for f in users.layer_findings(WINBACK_NOW, WINBACK_BEFORE, cheap,
                                                        "zh")}["layer_流失"]  # fmt: skip
    assert churned.title.endswith("每触达一人的成本在 0.16 元以内才划算。")
    assert "定向优惠券" in churned.action and churned.money_at_stake == pytest.approx(0.648)


def test_the_action_table_and_lists_follow_the_winback_verdict(layers):
    actions = {**users.ACTIONS, "流失": users.UNPAID_ACTION}
    plan = users.action_plan(layers.customers, "zh", actions=actions).set_index("layer")
    assert plan.loc["流失", "action"].startswith("不发券、不做付费触达")
    assert "京准通定向人群" in plan.loc["沉默", "action"]  # the others as before
    lists = users.audience_lists(layers.customers, "en", actions=actions)
    assert lists["流失"]["action"].iloc[0].startswith("No coupons and no paid contact")
    assert lists["沉默"]["action"].iloc[0].startswith("Start with cheap contact")
    assert "沉默_上传" in lists and "流失_上传" not in lists  # nothing to upload for free channels


def test_min_contact_cost_is_a_stated_parameter():
    assert UserParams().min_contact_cost == pytest.approx(0.20)
    with pytest.raises(ValidationError):
        UserParams(min_contact_cost=-0.1)


def test_excluded_text_names_only_groups_with_customers():
    # the demo's October: 1,974 with only cancelled/unpaid/refunded orders, none with net ≤ 0
    assert users.excluded_text(1974, 0, "zh") == (
        "1,974 位客户只有取消、未付款或全额退款的订单：不进入分层（见客户核对）。"
    )
    assert users.excluded_text(1974, 0, "en") == (
        "1,974 customers have only cancelled, unpaid or fully refunded orders: they are not in "
        "the layers (see the customer reconciliation)."
    )
    assert users.excluded_text(0, 1, "en").startswith(
        "1 customer has a net spend ≤ 0 after refunds:"
    )
    assert users.excluded_text(3, 2, "zh").startswith(
        "3 位客户只有取消、未付款或全额退款的订单，2 位客户退款后净消费 ≤ 0："
    )
    assert users.excluded_text(0, 0, "zh") == ""
