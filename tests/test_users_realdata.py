"""User layers on real transaction logs (../shared/realdata; see each folder's SOURCE.txt).

Neither log is a JD export. Each test writes it in JD's order-export layout (a UTF-8 CSV with
BOM and JD's Chinese headers), reads it back with ``ingest.read_export`` and runs the analysis,
then reconciles every row and every customer with figures computed here from the raw file.

* CDNOW: one row per transaction → one order each (订单号 = row number); all 69,659 rows
  and 23,570 customers must reach the customer table (80 rows are $0: still orders).
* UCI Online Retail: one row per invoice line → 订单号 = InvoiceNo, 订单金额 = the invoice's
  total on every line. A cancellation invoice (``C…``) — and any invoice whose total is
  negative — carries no link to the invoice it cancels, so it is written as a return record:
  订单状态 退款成功, 订单金额 0, 退款金额 = −total. The analysis nets it against its
  customer's spend on its date (the order count is not reduced).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REALDATA, need
from jdpromo import users
from jdpromo.ingest import read_export
from jdpromo.params import UserParams
from jdpromo.periods import parse_period

UCI = REALDATA / "uci_online_retail" / "online_retail_2010-12_2011-12.csv.gz"


# --------------------------------------------------------------------------------------------
# CDNOW


@pytest.fixture(scope="module")
def cdnow(cdnow_export):
    raw, path = cdnow_export
    parsed = read_export(path)
    prep = users.prepare_orders(parsed.frame)
    period = parse_period("1998-06")
    layers = users.build_layers(prep, period.current, UserParams())
    return raw, prep, layers, period


def test_cdnow_every_row_and_customer(cdnow):
    raw, prep, layers, _ = cdnow
    assert prep.rows_read == len(raw) == 69_659
    acc = layers.accounting.set_index("order_treatment")
    assert acc["lines"].sum() == 69_659
    assert acc.loc["purchase", "orders"] == 69_659  # the $0 rows are orders too
    c = layers.customers
    assert len(c) == 23_570
    assert layers.customer_accounting.set_index("group")["customers"].to_dict() == {
        "in_table": 23_570,
        "no_purchase": 0,
        "net_nonpositive": 0,
        "later_only": 0,
    }
    assert c["frequency"].sum() == 69_659
    assert round(c["monetary"].sum(), 2) == 2_500_315.63
    assert c["customer_id"].str.len().eq(5).all()  # ids stay text, zero-padded


def test_cdnow_layers(cdnow):
    raw, _, layers, _ = cdnow
    c = layers.customers
    # One acquisition cohort (1997-Q1): nobody is new in June 1998.
    assert not (c["lifecycle"] == "新用户").any()
    assert c["lifecycle"].value_counts().sum() == 23_570
    r = layers.rules
    assert r.threshold_source == "gaps" and r.n_gaps > 10_000
    assert 31 <= r.active_days < r.churn_days <= 540
    # Recency and frequency of one customer recomputed from the raw rows.
    one = raw[raw["customer_id"] == "00002"]
    row = c.set_index("customer_id").loc["00002"]
    last = pd.to_datetime(one["date"], format="%Y%m%d").max()
    assert row["recency_days"] == (pd.Timestamp("1998-06-30") - last).days
    assert row["frequency"] == len(one)
    # Most customers buy once: the F split at ≥ 2 orders still gives populated groups.
    once = (c["frequency"] == 1).mean()
    assert 0.4 < once < 0.6
    seg = c["rfm_segment"].astype(str).value_counts()
    # One-order customers all bought in 1997-Q1, long before the R cut: never "R high, F low".
    assert set(seg.index) == set(users.RFM_SEGMENTS) - {"重要发展客户", "一般发展客户"}
    assert (seg > 200).all()
    # Lifecycle counts are those of the old rule (one threshold pair from the repeat gaps):
    # the one-time buyers all bought in 1997-Q1, ≥ 455 days before the end, past both rules'
    # 流失 threshold, so judging them on the time to a second purchase changes no count.
    assert c["lifecycle"].astype(str).value_counts().to_dict() == {
        "流失": 16_361,
        "活跃": 4_250,
        "沉默": 2_959,
    }
    assert (c.loc[c["purchase_days"] == 1, "lifecycle"] == "流失").all()
    cohorts = users.cohort_retention(layers)
    assert cohorts["cohort"].tolist() == ["1997-01", "1997-02", "1997-03"]
    assert cohorts["customers"].sum() == 23_570
    assert cohorts["left_censored"].tolist() == [True, False, False]


def test_cdnow_one_time_thresholds_from_second_purchases(cdnow):
    raw, _, layers, _ = cdnow
    r = layers.rules
    assert (r.once_source, r.n_first) == ("survival", 23_570)
    assert (r.once_active, r.once_churn) == (58, 212)  # days after the one purchase
    # Recomputed from the raw rows. Every customer has been watched ≥ 455 days (first purchase
    # in 1997-Q1), so up to day 455 the Kaplan–Meier share is a plain count.
    days = pd.to_datetime(raw["date"], format="%Y%m%d")
    first2 = (
        pd.DataFrame({"c": raw["customer_id"], "d": days})
        .drop_duplicates()
        .sort_values(["c", "d"])
        .groupby("c")["d"]
        .apply(lambda s: (s.iloc[1] - s.iloc[0]).days if len(s) > 1 else np.nan)
    )
    assert int(first2.notna().sum()) == r.n_second

    def within(t: int) -> float:
        return float((first2 <= t).sum()) / len(first2)

    half, most = 0.5 * r.second_share, 0.8 * r.second_share
    assert within(57) < half <= within(58)
    assert within(211) < most <= within(212)


def test_cdnow_migration_and_summary(cdnow):
    _, prep, layers, period = cdnow
    before = users.build_layers(prep, period.previous, UserParams(), rules=layers.rules)
    moves = users.migration(before.customers, layers.customers)
    assert moves["customers"].sum() == 23_570
    s = users.layer_summary(layers.customers)
    assert s.loc[0, "customers"] == 23_570 and s.loc[0, "new_customers"] == 0


# --------------------------------------------------------------------------------------------
# UCI Online Retail


@pytest.fixture(scope="module")
def uci(tmp_path_factory):
    need(UCI)
    raw = pd.read_csv(UCI, dtype={"InvoiceNo": str, "StockCode": str})
    value = raw["Quantity"] * raw["UnitPrice"]
    total = value.groupby(raw["InvoiceNo"]).transform("sum").round(2)
    ret = raw["InvoiceNo"].str.startswith("C") | (total < 0)
    cust = raw["CustomerID"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    jd = pd.DataFrame(
        {
            "订单号": raw["InvoiceNo"],
            "下单帐号": cust,
            "下单时间": raw["InvoiceDate"],
            "订单金额": np.where(ret, 0.0, total),
            "订单状态": np.where(ret, "退款成功", "已完成"),
            "退款金额": np.where(ret, (-total).map("{:.2f}".format), ""),
            "商品编号": raw["StockCode"],
            "商品名称": raw["Description"].fillna(""),
            "商品数量": raw["Quantity"].abs(),
        }
    )
    path = tmp_path_factory.mktemp("uci_users") / "订单导出_UCI.csv"
    jd.to_csv(path, index=False, encoding="utf-8-sig")
    parsed = read_export(path)
    prep = users.prepare_orders(parsed.frame)
    period = parse_period("2011-12")
    layers = users.build_layers(prep, period.current, UserParams())
    return raw.assign(value=value, ret=ret, cust=cust), parsed, prep, layers


def test_uci_every_line_accounted_for(uci):
    raw, parsed, prep, layers = uci
    assert parsed.report.rows_read == parsed.report.rows_used == 541_909
    acc = layers.accounting.set_index("order_treatment")
    assert acc["lines"].sum() == 541_909
    assert acc["orders"].sum() == raw["InvoiceNo"].nunique() == 25_900
    assert acc.loc["no_customer", "lines"] == (raw["cust"] == "").sum() == 135_080
    # Lines of customers: purchases and returns of those in the table, all lines of the rest.
    with_c = raw[raw["cust"] != ""]
    per = with_c.groupby("cust").agg(
        buys=("ret", lambda s: (~s).sum()), returns=("ret", "sum"), net=("value", "sum")
    )
    out = per.index[(per["buys"] == 0) | ((per["returns"] > 0) & (per["net"] <= 0.005))]
    excluded = with_c["cust"].isin(out)
    assert acc.loc["purchase", "lines"] == int((~excluded & ~with_c["ret"]).sum())
    assert acc.loc["refund_record", "lines"] == int((~excluded & with_c["ret"]).sum())
    assert acc.loc["customer_excluded", "lines"] == int(excluded.sum())
    assert acc.loc[["cancelled", "unpaid", "refunded", "after_end"], "orders"].sum() == 0


def test_uci_customers_reconcile_to_source(uci):
    raw, _, _, layers = uci
    acc = layers.customer_accounting.set_index("group")["customers"].to_dict()
    assert sum(acc.values()) == 4_372  # SOURCE.txt
    with_c = raw[raw["cust"] != ""]
    per = with_c.groupby("cust").agg(
        buys=("ret", lambda s: (~s).sum()), returns=("ret", "sum"), net=("value", "sum")
    )
    only_returns = per["buys"] == 0
    nonpositive = (per["buys"] > 0) & (per["returns"] > 0) & (per["net"] <= 0.005)
    assert acc["no_purchase"] == int(only_returns.sum())  # only cancellations
    assert acc["net_nonpositive"] == int(nonpositive.sum())  # cancellations net it to ≤ 0
    assert acc["in_table"] == 4_372 - int(only_returns.sum()) - int(nonpositive.sum())
    assert acc["later_only"] == 0
    kept = per[~only_returns & ~nonpositive]
    c = layers.customers.set_index("customer_id").loc[kept.index]
    # Net spend = purchases − returns, per customer, as computed from the raw lines.
    np.testing.assert_allclose(c["monetary"], kept["net"], atol=0.02)
    # Returns do not reduce the order count: frequency = invoices that are not returns.
    invoices = with_c[~with_c["ret"]].groupby("cust")["InvoiceNo"].nunique()
    assert (c["frequency"] == invoices.loc[kept.index]).all()


def test_uci_return_before_first_order(uci):
    raw, _, _, layers = uci
    # A cancellation dated before a customer's first invoice cancels an invoice from before
    # the log: they bought before it starts, so they are neither 新用户 nor one-time buyers.
    with_c = raw[raw["cust"] != ""].assign(at=lambda f: pd.to_datetime(f["InvoiceDate"]))
    first_buy = with_c[~with_c["ret"]].groupby("cust")["at"].min()
    first_ret = with_c[with_c["ret"]].groupby("cust")["at"].min()
    both = pd.concat([first_buy, first_ret], axis=1, keys=["buy", "ret"]).dropna()
    earlier = set(both.index[both["ret"] < both["buy"]])
    c = layers.customers.set_index("customer_id")
    flagged = set(c.index[c["bought_before_data"]])
    assert flagged == earlier & set(c.index) and len(flagged) == 137
    assert not (c.loc[list(flagged), "lifecycle"] == "新用户").any()
    # Before, one of them was new in December 2011 (40 新用户, now 39).
    assert (c["lifecycle"] == "新用户").sum() == 39
    assert sum(layers.customer_accounting["customers"]) == 4_372


def test_uci_layers_and_tables(uci):
    _, _, _, layers = uci
    c = layers.customers
    assert set(c["lifecycle"].astype(str)) <= set(users.LIFECYCLE)
    warn = " ".join(users.warnings_text(layers, "zh"))
    assert "135,080" not in warn  # orders are counted, not lines
    assert f"{layers.no_customer_orders:,} 张订单" in warn
    # 2010-12-01 .. 2011-11-30 is exactly the 365-day lookback: no short-history warning
    assert layers.history_days == 365 and "2010-12-01" not in warn
    s = users.layer_summary(c)
    assert s.loc[0, "customers"] == len(c)
    assert 0 < s.loc[0, "repurchase_rate"] < 1
    assert (c["price_sensitivity"] == "未知").all()  # the log has no discounts
