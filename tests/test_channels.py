"""Channel comparison: every number checked against values worked out by hand."""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
import pytest
from jdpromo import channels as ch
from jdpromo.params import Benchmark, ShopParams, Thresholds
from jdpromo.periods import Period, ResolvedPeriod, parse_period
from jdpromo.stats import bh_qvalues, sample_size_two_proportions
from jdpromo.text import TEXT, t

D = dt.date
PERIOD = Period("2026-10-01..2026-10-03", "range", D(2026, 10, 1), D(2026, 10, 3))

AD_COLUMNS = [
    "date", "product_line", "campaign", "creative", "audience", "sku", "impressions", "clicks",
    "cost", "carts", "direct_order_lines", "indirect_order_lines", "order_lines",
    "direct_revenue", "indirect_revenue", "revenue", "presale_order_lines",
]  # fmt: skip


def ad_rows(*rows: dict) -> pd.DataFrame:
    """Canonical ad_daily rows; unspecified counts are 0, unspecified texts NA."""
    recs = []
    for r in rows:
        rec = {c: 0.0 for c in AD_COLUMNS[6:]}
        rec.update({"creative": None, "audience": None, "sku": None, "campaign": "计划"})
        rec.update(r)
        recs.append(rec)
    out = pd.DataFrame(recs, columns=AD_COLUMNS)
    out["date"] = pd.to_datetime(out["date"])
    return out


@pytest.fixture
def ad() -> pd.DataFrame:
    return ad_rows(
        # 快车, two days in the period
        dict(date="2026-10-01", product_line="快车", impressions=1000, clicks=50, cost=100,
             carts=10, direct_order_lines=3, indirect_order_lines=1, order_lines=4,
             direct_revenue=300, indirect_revenue=100, revenue=400),
        dict(date="2026-10-02", product_line="快车", impressions=3000, clicks=50, cost=150,
             carts=5, direct_order_lines=4, indirect_order_lines=2, order_lines=6,
             direct_revenue=500, indirect_revenue=100, revenue=600),
        # 快车 outside the period: never counted
        dict(date="2026-09-30", product_line="快车", impressions=99999, clicks=999, cost=999),
        dict(date="2026-10-04", product_line="快车", impressions=99999, clicks=999, cost=999),
        # 展位: impressions but no clicks
        dict(date="2026-10-03", product_line="展位", impressions=2000, cost=30),
        # 海投: rows only before the period
        dict(date="2026-09-29", product_line="海投", impressions=500, clicks=5, cost=5),
        # an unknown line keeps its name; a row without a line is 未标注
        dict(date="2026-10-01", product_line="京东新品推广", impressions=100, clicks=10, cost=20,
             order_lines=1, revenue=50),
        dict(date="2026-10-02", product_line=None, impressions=10, clicks=1, cost=0),
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# 1. KPIs


def test_ad_kpis_every_metric_by_hand(ad):
    k = ch.ad_kpis(ad, PERIOD, breakeven_roi=2.5).set_index("channel")
    kc = k.loc["快车"]
    assert kc["days"] == 2
    assert (kc["impressions"], kc["clicks"], kc["cost"], kc["carts"]) == (4000, 100, 250, 15)
    assert (kc["order_lines"], kc["direct_order_lines"], kc["revenue"]) == (10, 7, 1000)
    assert kc["ctr"] == pytest.approx(100 / 4000)
    assert kc["cpc"] == pytest.approx(2.5)
    assert kc["cpm"] == pytest.approx(250 / 4000 * 1000)
    assert kc["cart_rate"] == pytest.approx(0.15)
    assert kc["cvr"] == pytest.approx(0.10)
    assert kc["direct_cvr"] == pytest.approx(0.07)
    assert kc["cpa"] == pytest.approx(25.0)
    assert kc["roi"] == pytest.approx(4.0)
    assert kc["direct_roi"] == pytest.approx(3.2)
    assert kc["breakeven_roi"] == 2.5
    assert kc["roi_vs_breakeven"] == pytest.approx(1.6)
    assert kc["ad_contribution"] == pytest.approx(1000 / 2.5 - 250)
    assert kc["cost_share"] == pytest.approx(250 / 300)
    assert kc["revenue_share"] == pytest.approx(1000 / 1050)
    assert k["lens"].eq("ad").all()


def test_line_with_impressions_but_no_clicks(ad):
    z = ch.ad_kpis(ad, PERIOD, 2.5).set_index("channel").loc["展位"]
    assert z["ctr"] == 0.0
    assert z["cpm"] == pytest.approx(15.0)
    assert z["roi"] == 0.0
    for rate in ("cpc", "cvr", "direct_cvr", "cart_rate", "cpa"):
        assert math.isnan(z[rate]), rate
    assert z["ad_contribution"] == pytest.approx(-30.0)


def test_line_without_rows_in_period_is_listed_with_zeros(ad):
    k = ch.ad_kpis(ad, PERIOD, 2.5).set_index("channel")
    h = k.loc["海投"]
    assert h["days"] == 0
    assert (h["impressions"], h["clicks"], h["cost"], h["revenue"]) == (0, 0, 0, 0)
    for rate in ("ctr", "cpc", "cpm", "cvr", "roi", "cpa", "roi_vs_breakeven"):
        assert math.isnan(h[rate]), rate


def test_unknown_and_unlabelled_lines_keep_their_rows(ad):
    k = ch.ad_kpis(ad, PERIOD, 2.5).set_index("channel")
    assert k.loc["京东新品推广", "roi"] == pytest.approx(2.5)
    assert k.loc[ch.UNLABELLED, "clicks"] == 1
    assert set(k.index) == {"快车", "展位", "海投", "京东新品推广", ch.UNLABELLED}


def test_data_outside_period_is_excluded(ad):
    k = ch.ad_kpis(ad, PERIOD, 2.5)
    assert k["cost"].sum() == pytest.approx(250 + 30 + 20)
    assert list(k["channel"][:2]) == ["快车", "展位"]  # sorted by cost


def test_missing_columns_are_nan_not_zero(ad):
    slim = ad.drop(columns=["carts", "direct_order_lines", "direct_revenue"])
    kc = ch.ad_kpis(slim, PERIOD, 2.5).set_index("channel").loc["快车"]
    assert math.isnan(kc["carts"]) and math.isnan(kc["cart_rate"])
    assert math.isnan(kc["direct_cvr"]) and math.isnan(kc["direct_roi"])
    assert kc["cvr"] == pytest.approx(0.10)


def test_order_lines_derived_from_direct_and_indirect(ad):
    kc = ch.ad_kpis(ad.assign(order_lines=np.nan, revenue=np.nan), PERIOD, 2.5)
    kc = kc.set_index("channel").loc["快车"]
    assert kc["order_lines"] == 10 and kc["revenue"] == 1000


def traffic_rows(*rows: dict) -> pd.DataFrame:
    cols = [
        "date",
        "period_start",
        "period_end",
        "source_level1",
        "source_level2",
        "visitors",
        "page_views",
        "bounce_rate",
        "buyers",
        "gmv",
        "carts",
    ]
    out = pd.DataFrame([{**{"source_level2": None}, **r} for r in rows], columns=cols)
    for c in ("date", "period_start", "period_end"):
        out[c] = pd.to_datetime(out[c])
    out["period_start"] = out["period_start"].fillna(out["date"])
    out["period_end"] = out["period_end"].fillna(out["date"])
    return out


@pytest.fixture
def traffic() -> pd.DataFrame:
    return traffic_rows(
        dict(date="2026-10-01", source_level1="搜索", visitors=100, page_views=300,
             bounce_rate=0.5, buyers=5, gmv=500, carts=10),
        dict(date="2026-10-02", source_level1="搜索", visitors=300, page_views=600,
             bounce_rate=0.3, buyers=9, gmv=900, carts=20),
        dict(date="2026-10-05", source_level1="搜索", visitors=9999, buyers=99, gmv=9999),
        # 推荐: daily rows and a period row for exactly the period → the period row wins
        dict(date="2026-10-01", source_level1="推荐", visitors=150, buyers=3, gmv=300),
        dict(date="2026-10-02", source_level1="推荐", visitors=150, buyers=3, gmv=300),
        dict(date=None, period_start="2026-10-01", period_end="2026-10-03", source_level1="推荐",
             visitors=250, page_views=500, bounce_rate=0.4, buyers=5, gmv=600, carts=25),
        # a period row for another span is not used
        dict(date=None, period_start="2026-10-01", period_end="2026-10-31", source_level1="搜索",
             visitors=5000, buyers=100, gmv=10000),
        # 站外 only outside the period
        dict(date="2026-09-20", source_level1="站外", visitors=10, buyers=1, gmv=100),
    )  # fmt: skip


def test_traffic_kpis_daily_sum_and_period_basis(traffic):
    k = ch.traffic_kpis(traffic, PERIOD).set_index("channel")
    s = k.loc["搜索"]
    assert s["basis"] == "daily_sum" and s["days"] == 2
    assert (s["visitors"], s["buyers"], s["gmv"], s["page_views"]) == (400, 14, 1400, 900)
    assert s["conversion"] == pytest.approx(14 / 400)
    # visitor-weighted bounce rate: (100 × 0.5 + 300 × 0.3) / 400
    assert s["bounce_rate"] == pytest.approx(0.35)
    assert s["cart_rate"] == pytest.approx(30 / 400)
    assert s["spend_per_buyer"] == pytest.approx(100.0)
    r = k.loc["推荐"]
    assert r["basis"] == "period" and r["days"] == 3
    assert (r["visitors"], r["buyers"], r["gmv"]) == (250, 5, 600)
    assert r["bounce_rate"] == pytest.approx(0.4)
    z = k.loc["站外"]
    assert z["visitors"] == 0 and math.isnan(z["conversion"]) and z["days"] == 0
    assert k["visitor_share"].sum() == pytest.approx(1.0)


def test_traffic_level2_and_subtotal_rows():
    rows = traffic_rows(
        dict(date="2026-10-01", source_level1="搜索", visitors=90, buyers=9, gmv=90),  # subtotal
        dict(date="2026-10-01", source_level1="搜索", source_level2="关键词搜索", visitors=70,
             buyers=7, gmv=70),
        dict(date="2026-10-01", source_level1="搜索", source_level2="类目搜索", visitors=30,
             buyers=3, gmv=30),
        dict(date="2026-10-01", source_level1="推荐", visitors=50, buyers=1, gmv=10),
    )  # fmt: skip
    one = ch.traffic_kpis(rows, PERIOD).set_index("channel")
    assert one.loc["搜索", "visitors"] == 90  # the subtotal, not 90 + 70 + 30
    two = ch.traffic_kpis(rows, PERIOD, level=2).set_index("channel")
    assert two.loc["关键词搜索", "visitors"] == 70 and two.loc["类目搜索", "visitors"] == 30
    assert two.loc["关键词搜索", "parent"] == "搜索"
    assert two.loc["推荐", "visitors"] == 50  # no sub-sources: keeps its level-1 name
    assert "搜索" not in two.index


def test_channel_kpis_stacks_both_lenses(ad, traffic):
    k = ch.channel_kpis(ad, traffic, PERIOD, 2.5)
    assert list(k.columns[:4]) == ["lens", "channel", "basis", "days"]
    assert (k["lens"] == "ad").sum() == 5 and (k["lens"] == "traffic").sum() == 3
    assert k.loc[k["lens"] == "ad", "basis"].isna().all()
    assert k.loc[k["lens"] == "ad", "visitors"].isna().all()
    assert ch.channel_kpis(None, traffic, PERIOD, 2.5)["lens"].eq("traffic").all()


# --------------------------------------------------------------------------------------------
# 2. Funnels


def shop_rows(*rows: dict) -> pd.DataFrame:
    out = pd.DataFrame(list(rows))
    for c in ("date", "period_start", "period_end"):
        out[c] = pd.to_datetime(out.get(c))
    out["period_start"] = out["period_start"].fillna(out["date"])
    out["period_end"] = out["period_end"].fillna(out["date"])
    return out


def test_traffic_overlap_note_states_both_totals(traffic):
    kpis = ch.channel_kpis(None, traffic, PERIOD, 2.5)
    # sources: 搜索 500 + 900 (daily sum) and 推荐 600 (its period row) = 2000 元
    shop = shop_rows(
        dict(date="2026-10-01", visitors=500, buyers=12, gmv=800),
        dict(date="2026-10-02", visitors=500, buyers=8, gmv=800),
        dict(date="2026-10-09", visitors=5, buyers=5, gmv=999),  # outside the period
    )  # fmt: skip
    key, fields = ch.traffic_overlap(kpis, shop, PERIOD)
    # the shop: 800 + 800 = 1600 元; the sources add up to 2000 / 1600 − 1 = 25% more
    assert key == "traffic_overlap_note_totals"
    assert fields == {"sources": 2000.0, "shop": 1600.0, "extra": pytest.approx(0.25)}
    text = t(key, "zh", **fields)
    assert "各来源成交金额加起来 2,000 元，店铺实际成交金额 1,600 元（多 25.0%）" in text
    assert "成交额占比是占各来源合计的比例" in text
    assert "2,000 yuan against the shop's 1,600 yuan (25.0% more)" in t(key, "en", **fields)
    # shares stay shares of the sources' sum (the documented 口径)
    k = kpis.set_index("channel")
    assert k.loc["搜索", "gmv_share"] == pytest.approx(1400 / 2000)
    # without 店铺概况 the note still says the rows overlap; no traffic rows, no note
    assert ch.traffic_overlap(kpis, None, PERIOD) == ("traffic_overlap_note", {})
    assert ch.traffic_overlap(ch.channel_kpis(ad_rows(), None, PERIOD, 2.5), shop, PERIOD) is None
    under = shop_rows(dict(date="2026-10-01", visitors=500, buyers=30, gmv=2500))
    assert ch.traffic_overlap(kpis, under, PERIOD)[0] == "traffic_overlap_note_totals_under"


def test_shop_funnel_by_hand():
    shop = shop_rows(
        dict(date="2026-10-01", visitors=1000, cart_buyers=100, order_buyers=40, buyers=30,
             gmv=3000, orders=31),
        dict(date="2026-10-02", visitors=1000, cart_buyers=50, order_buyers=20, buyers=18,
             gmv=1800, orders=18),
        dict(date="2026-10-09", visitors=5, cart_buyers=5, order_buyers=5, buyers=5, gmv=5),
    )  # fmt: skip
    f = ch.shop_funnel(shop, PERIOD).set_index("step")
    assert list(f.index) == ["visitors", "cart_buyers", "order_buyers", "buyers"]
    assert f.loc["cart_buyers", "rate"] == pytest.approx(150 / 2000)  # 加购率
    assert f.loc["order_buyers", "rate"] == pytest.approx(60 / 2000)  # 下单率
    assert f.loc["buyers", "rate"] == pytest.approx(48 / 60)  # 支付率
    assert f.loc["buyers", "of_visitors"] == pytest.approx(48 / 2000)  # 成交转化率
    assert f["basis"].eq("daily_sum").all()
    with_period = pd.concat([shop, shop_rows(dict(
        date=None, period_start="2026-10-01", period_end="2026-10-03", visitors=1800,
        cart_buyers=140, order_buyers=55, buyers=45, gmv=4800))])  # fmt: skip
    g = ch.shop_funnel(with_period, PERIOD).set_index("step")
    assert g.loc["visitors", "count"] == 1800 and g["basis"].eq("period").all()
    assert g.loc["buyers", "rate"] == pytest.approx(45 / 55)


def test_ad_funnel_by_hand(ad):
    f = ch.ad_funnel(ad, PERIOD)
    k = f.loc[f["channel"] == "快车"].set_index("step")
    assert list(k["count"]) == [4000, 100, 15, 10]
    assert k.loc["clicks", "rate"] == pytest.approx(0.025)
    assert k.loc["carts", "rate"] == pytest.approx(0.15)
    assert k.loc["order_lines", "rate"] == pytest.approx(0.10)
    assert k.loc["order_lines", "of_impressions"] == pytest.approx(10 / 4000)
    total = ch.ad_funnel(ad, PERIOD, by=None).set_index("step")
    assert total.loc["impressions", "count"] == f.loc[f["step"] == "impressions", "count"].sum()
    assert total["channel"].eq(ch.ALL).all()


# --------------------------------------------------------------------------------------------
# 3. 环比 / 同比


def two_months(
    rng,
    *,
    ctr_prev=0.0200,
    ctr_cur=0.0202,
    ctr_sd=1e-5,
    cost_prev=1000.0,
    cost_cur=1000.0,
    revenue_per_click=50.0,
) -> pd.DataFrame:
    """One 快车 line over September and October 2026, 1e6 impressions a day."""
    rows = []
    for start, n, ctr, cost in (
        (D(2026, 9, 1), 30, ctr_prev, cost_prev),
        (D(2026, 10, 1), 31, ctr_cur, cost_cur),
    ):
        for i in range(n):
            clicks = round(1e6 * (ctr + rng.normal(0, ctr_sd)))
            rows.append(
                dict(
                    date=start + dt.timedelta(days=i),
                    product_line="快车",
                    impressions=1e6,
                    clicks=clicks,
                    cost=cost + rng.normal(0, 1),
                    order_lines=clicks // 20,
                    revenue=clicks * revenue_per_click,
                )
            )
    return ad_rows(*rows)


RESOLVED = parse_period("2026-10")


def test_tiny_but_significant_change_is_not_a_finding(rng):
    frame = two_months(rng)
    c = ch.compare(frame, RESOLVED, Thresholds(), metrics=["ctr", "cost"])
    row = c.loc[(c["metric"] == "ctr") & (c["comparison"] == "previous")].iloc[0]
    assert row["q_value"] < 1e-6  # clearly not noise …
    assert row["change"] == pytest.approx(0.02, abs=0.002)  # … but +0.02pp
    assert row["money_effect"] >= 500  # money alone would pass
    assert not row["is_finding"] and row["reason"] == "too_small"
    assert row["test"] == "welch_t_daily" and (row["n_current"], row["n_base"]) == (31, 30)


def test_large_change_is_a_finding(rng):
    frame = two_months(rng, ctr_cur=0.0260, ctr_sd=5e-4, cost_cur=2000)
    c = ch.compare(frame, RESOLVED, Thresholds(), metrics=["ctr", "cost"])
    prev = c.loc[c["comparison"] == "previous"].set_index("metric")
    assert prev.loc["ctr", "is_finding"] and prev.loc["ctr", "change_unit"] == "pp"
    assert prev.loc["ctr", "change"] == pytest.approx(0.6, abs=0.05)
    assert prev.loc["cost", "is_finding"] and prev.loc["cost", "change_unit"] == "%"
    # period totals: 31 days × 2000 元 against 30 days × 1000 元 (the test compares daily means)
    assert prev.loc["cost", "change"] == pytest.approx((62_000 / 30_000 - 1) * 100, abs=0.5)
    # the money effect of a volume in 元 is the change itself
    assert prev.loc["cost", "money_effect"] == pytest.approx(32_000, abs=50)


def test_q_values_are_bh_over_the_whole_table(rng):
    frame = two_months(rng, ctr_cur=0.0203, ctr_sd=5e-4)
    c = ch.compare(frame, RESOLVED, Thresholds())
    np.testing.assert_allclose(c["q_value"], bh_qvalues(c["p_value"]), equal_nan=True)
    assert (c["q_value"].dropna() >= c["p_value"].dropna() - 1e-15).all()


def test_no_previous_data_gives_nan_not_an_error(rng):
    frame = two_months(rng)
    frame = frame.loc[frame["date"] >= "2026-10-01"]
    c = ch.compare(frame, RESOLVED, Thresholds(), metrics=["ctr", "cost"])
    assert c["base"].isna().all() and c["p_value"].isna().all()
    assert c["reason"].eq("no_base").all() and not c["is_finding"].any()
    none = ResolvedPeriod(RESOLVED.current, None, None)
    assert ch.compare(frame, none, Thresholds(), metrics=["cost"])["base"].isna().all()


def test_compare_volume_money_uses_value_per_unit(rng):
    frame = two_months(rng, ctr_cur=0.0300, ctr_sd=5e-4)
    c = ch.compare(frame, RESOLVED, Thresholds(), metrics=["clicks"])
    row = c.loc[c["comparison"] == "previous"].iloc[0]
    # a count's money effect: the change × revenue per click (50 元 in both months)
    assert row["money_effect"] == pytest.approx(abs(row["current"] - row["base"]) * 50.0)


def test_compare_skips_channels_without_rows_in_either_period(rng):
    frame = pd.concat(
        [
            two_months(rng),
            ad_rows(
                dict(date="2024-05-01", product_line="京挑客", cost=10, clicks=1, impressions=10)
            ),
        ]
    )
    c = ch.compare(frame, RESOLVED, Thresholds(), metrics=["cost"])
    assert set(c["channel"]) == {"快车"}


def test_compare_traffic_lens(traffic):
    resolved = ResolvedPeriod(
        PERIOD, Period("prev", "comparison", D(2026, 9, 28), D(2026, 9, 30)), None
    )
    c = ch.compare(
        traffic,
        resolved,
        Thresholds(),
        lens="traffic",
        metrics=["visitors", "conversion", "bounce_rate"],
    )
    cur = c.loc[(c["channel"] == "搜索") & (c["comparison"] == "previous")].set_index("metric")
    assert cur.loc["visitors", "current"] == 400  # daily rows only (日累计)
    assert cur.loc["bounce_rate", "current"] == pytest.approx(0.35)
    assert cur.loc["conversion", "kind"] == "rate"


# --------------------------------------------------------------------------------------------
# 4. Diagnostics


def diag_ad() -> pd.DataFrame:
    return ad_rows(
        dict(date="2026-10-01", product_line="快车", campaign="K1", impressions=100_000,
             clicks=1000, cost=2000, order_lines=50, revenue=10_000),
        # high CTR (3% vs 1%), low CVR (1% vs 5%); SKU A converts worst
        dict(date="2026-10-01", product_line="购物触点", campaign="T1", sku="A",
             impressions=60_000, clicks=2000, cost=300, order_lines=10, revenue=1000),
        dict(date="2026-10-01", product_line="购物触点", campaign="T1", sku="B",
             impressions=40_000, clicks=1000, cost=200, order_lines=20, revenue=2000),
    )  # fmt: skip


def test_high_ctr_low_cvr_names_the_worst_skus():
    d = ch.diagnose(diag_ad(), PERIOD, ShopParams())
    assert list(d["kind"]) == ["high_ctr_low_cvr"]
    f = d.iloc[0]
    assert f["channel"] == "购物触点" and f["action"] == "fix_detail_page"
    assert f["value"] == pytest.approx(0.01) and f["reference"] == pytest.approx(0.05)
    # (5% − 1%) × 3000 clicks × 100 元 per order line = 12,000 元 of sales, × margin 0.27
    assert f["money_at_stake"] == pytest.approx(12_000 * 0.27)
    assert f["money_basis"] == "profit_missed" and f["direction"] == "opportunity"
    assert [s["sku"] for s in f["skus"]] == ["A", "B"]
    assert f["skus"][0]["rate"] == pytest.approx(0.005)
    assert f["test"] == "poisson_exact_conditional" and f["q_value"] < 0.05
    assert "A" in ch.finding_sentence(f, "zh") and "A" in ch.finding_sentence(f, "en")


def test_high_ctr_low_cvr_skus_from_product_details():
    ad = diag_ad().assign(sku=None)
    sku = pd.DataFrame({
        "date": pd.to_datetime(["2026-10-01"] * 3), "sku": ["S1", "S2", "S3"],
        "sku_name": ["空气炸锅", "电饭煲", "破壁机"], "visitors": [1000, 1000, 50],
        "buyers": [5, 50, 0],
    })  # fmt: skip
    f = ch.diagnose(ad, PERIOD, ShopParams(), sku=sku, min_sku_visitors=200).iloc[0]
    assert [s["sku"] for s in f["skus"]] == ["S1"]  # S3 has too few visitors, S2 is above
    assert f["skus"][0]["label"] == "S1 空气炸锅"


def test_no_benchmark_finding_without_a_benchmark():
    d = ch.diagnose(diag_ad(), PERIOD, ShopParams())
    assert not d["kind"].str.contains("benchmark").any()


def test_benchmark_findings_only_where_supplied():
    bm = Benchmark(value=0.10, source="行业报告", date="2026-09")
    d = ch.diagnose(diag_ad(), PERIOD, ShopParams(benchmarks={"cvr": bm}))
    b = d.loc[d["kind"] == "cvr_below_benchmark"]
    assert list(b["channel"]) == ["快车"]  # a plain key is a 快车 search benchmark
    # (10% − 5%) × 1000 clicks × 200 元 per order line = 10,000 元 of sales, × margin 0.27
    assert b.iloc[0]["money_at_stake"] == pytest.approx(10_000 * 0.27)
    assert b.iloc[0]["action"] == "check_match_type"
    assert b.iloc[0]["fields"]["source"] == "行业报告"
    line = Benchmark(value=0.05, source="行业报告", date="2026-09")
    d2 = ch.diagnose(diag_ad(), PERIOD, ShopParams(benchmarks={"cvr:购物触点": line}))
    b2 = d2.loc[d2["kind"] == "cvr_below_benchmark"]
    assert list(b2["channel"]) == ["购物触点"] and b2.iloc[0]["action"] == "fix_detail_page"


def _warmup_search_ad() -> pd.DataFrame:
    # 快车 on 10-12 (日常) and 10-14 (预热): 1,000 clicks each; 日常 50 order lines (5%), the
    # warm-up only 10 (1%: people cart and wait for the peak), 200 元 per order line
    return ad_rows(
        dict(date="2026-10-12", product_line="快车", campaign="K", impressions=50_000,
             clicks=1000, cost=2000, order_lines=50, revenue=10_000),
        dict(date="2026-10-14", product_line="快车", campaign="K", impressions=50_000,
             clicks=1000, cost=2000, carts=300, order_lines=10, revenue=2000),
    )  # fmt: skip


def _warmup_params(**kw) -> ShopParams:
    from jdpromo.params import Phase, Promotion

    promo = Promotion(label="双11", warmup=Phase(start=D(2026, 10, 14), end=D(2026, 10, 31)),
                      peak=Phase(start=D(2026, 11, 1), end=D(2026, 11, 11)))  # fmt: skip
    return ShopParams(promotions={"1111-2026": promo}, **kw)


def test_a_warmup_is_not_held_against_a_cvr_benchmark():
    warm = Period("2026-10-12..2026-10-14", "range", D(2026, 10, 12), D(2026, 10, 14))
    ad = _warmup_search_ad()
    # the whole period: 60 / 2000 = 3% against a 4.5% benchmark, but 日常 alone earns 5%
    bm = Benchmark(value=0.045, source="行业报告", date="2026-09")
    d = ch.diagnose(ad, warm, _warmup_params(benchmarks={"cvr": bm}))
    assert not d["kind"].eq("cvr_below_benchmark").any()
    assert (
        ch.diagnose(ad, warm, ShopParams(benchmarks={"cvr": bm}))["kind"]
        .eq("cvr_below_benchmark")
        .any()
    )  # without the promotion the warm-up days would have counted
    # 日常 (10-12, 10-13) below a 10% benchmark: judged on the 日常 clicks only
    high = Benchmark(value=0.10, source="行业报告", date="2026-09")
    d = ch.diagnose(ad, warm, _warmup_params(benchmarks={"cvr": high}))
    b = d.loc[d["kind"] == "cvr_below_benchmark"].iloc[0]
    assert b["value"] == pytest.approx(0.05)
    # (10% − 5%) × 1000 clicks × 200 元 per order line = 10,000 元 of sales, × margin 0.27
    assert b["money_at_stake"] == pytest.approx(10_000 * 0.27)
    assert b["text_key"] == "finding_cvr_below_benchmark_ordinary" and b["fields"]["days"] == 2
    text = ch.finding_sentence(b, "zh")
    assert "日常 2 天转化率 5.00%" in text and "大促期间的转化率不和基准比" in text
    assert "ordinary days 5.00%" in ch.finding_sentence(b, "en")
    # a period of warm-up days only: no CVR benchmark finding at all
    only = Period("2026-10-14..2026-10-14", "range", D(2026, 10, 14), D(2026, 10, 14))
    d = ch.diagnose(ad, only, _warmup_params(benchmarks={"cvr": high}))
    assert not d["kind"].eq("cvr_below_benchmark").any()


def test_roi_below_breakeven_loss_and_actions():
    params = ShopParams()  # contribution margin 0.27, 保本ROI 3.7037
    ad = ad_rows(
        dict(date="2026-10-01", product_line="展位", campaign="Z", impressions=1000, clicks=100,
             cost=2000, order_lines=10, revenue=4000),  # ROI 2: lower bids
        dict(date="2026-10-01", product_line="站外广告", campaign="W", impressions=1000,
             clicks=100, cost=1000, order_lines=2, revenue=1000),  # ROI 1: pause
        dict(date="2026-10-01", product_line="快车", campaign="K1", impressions=1000,
             clicks=100, cost=2000, order_lines=50, revenue=20_000),
        dict(date="2026-10-01", product_line="快车", campaign="K2", impressions=1000,
             clicks=100, cost=1000, order_lines=5, revenue=1000),  # inside a profitable line
    )  # fmt: skip
    d = ch.diagnose(ad, PERIOD, params)
    d = d.loc[d["kind"] == "roi_below_breakeven"].set_index("channel")
    assert d.loc["展位", "money_at_stake"] == pytest.approx(2000 - 4000 * 0.27)
    assert d.loc["展位", "action"] == "lower_bids"
    assert d.loc["展位", "fields"]["bid_cut"] == pytest.approx(0.3)  # capped by bid_step_cap
    assert d.loc["站外广告", "money_at_stake"] == pytest.approx(1000 - 1000 * 0.27)
    assert d.loc["站外广告", "action"] == "pause"
    assert d.loc["快车", "item"] == "K2" and d.loc["快车", "action"] == "pause"
    assert d.loc["快车", "money_at_stake"] == pytest.approx(730)


def _campaign(line, name, clicks, cost, order_lines, revenue, **extra):
    return dict(date="2026-10-01", product_line=line, campaign=name, impressions=clicks * 50,
                clicks=clicks, cost=cost, order_lines=order_lines, revenue=revenue, **extra)  # fmt: skip


def test_campaign_verdicts_rules_by_hand():
    params = ShopParams(targets={"roi": 5.0})  # 保本ROI 1 / 0.27 = 3.7037, target 5
    ad = ad_rows(
        _campaign("展位", "grow", 200, 1000, 20, 6000),  # ROI 6 ≥ 5
        _campaign("展位", "keep", 200, 1000, 20, 4000),  # ROI 4 ≥ 3.70
        _campaign("展位", "cut", 200, 1000, 20, 3000),  # ROI 3: bids −(1 − 3/3.7037) = −19%
        _campaign("展位", "half", 200, 1000, 20, 1500),  # ROI 1.5 < 1.85: pause
        _campaign("展位", "none", 200, 1000, 0, 0),  # no order lines: pause
        _campaign("展位", "thin", 99, 1000, 0, 0),  # 99 clicks < 100: not judged
        _campaign("展位", "idle", 0, 0, 0, 0),
        # one order line, ROI 3.06: one more at 3,060 元 gives ROI 6.12 ≥ 3.70, so not judged
        _campaign("展位", "one", 200, 1000, 1, 3060),
        # 4 order lines, ROI 2.9: one more gives 2.9 × 5 / 4 = 3.625 < 3.70, a real cut
        _campaign("展位", "four", 200, 1000, 4, 2900),
        # one order line, ROI 0.47: doubled 0.94, still far below: paused
        _campaign("展位", "lone", 200, 1000, 1, 470),
    )
    v = ch.campaign_verdicts(ad, PERIOD, params).set_index("campaign")
    assert set(ch.VERDICT_COLUMNS) - {"campaign"} <= set(v.columns)
    assert v.loc["grow", "verdict"] == "grow" and v.loc["keep", "verdict"] == "keep"
    assert v.loc["cut", "verdict"] == "cut"
    assert v.loc["cut", "bid_change"] == pytest.approx(-(1 - 3 / (1 / 0.27)))
    assert (v.loc["half", "verdict"], v.loc["half", "reason"]) == ("pause", "far_below_breakeven")
    assert (v.loc["none", "verdict"], v.loc["none", "reason"]) == ("pause", "no_orders")
    assert (v.loc["thin", "verdict"], v.loc["thin", "reason"]) == ("keep", "too_few_clicks")
    assert (v.loc["idle", "verdict"], v.loc["idle", "reason"]) == ("keep", "no_spend")
    assert (v.loc["one", "verdict"], v.loc["one", "reason"]) == ("keep", "too_few_orders")
    assert v.loc["four", "verdict"] == "cut"
    assert v.loc["four", "bid_change"] == pytest.approx(-(1 - 2.9 * 0.27))
    assert (v.loc["lone", "verdict"], v.loc["lone", "reason"]) == ("pause", "far_below_breakeven")
    assert v.loc["keep", "roi"] == pytest.approx(4.0)
    assert v.loc["keep", "breakeven_roi"] == pytest.approx(1 / 0.27)
    held = ch.campaign_verdicts(ad, PERIOD, params, hold_until=D(2026, 11, 26)).set_index(
        "campaign"
    )
    # nothing is cut or paused before the promotion settles; winners stay winners
    assert set(held.loc[["cut", "half", "none"], "verdict"]) == {"hold"}
    assert held.loc["grow", "verdict"] == "grow" and held.loc["thin", "verdict"] == "keep"


HELD = D(2026, 11, 26)
HELD_PERIOD = Period("2026-10-12..2026-10-15", "range", D(2026, 10, 12), D(2026, 10, 15))


def _held_month() -> pd.DataFrame:
    """日常 10-12, 10-13 and 预热 10-14, 10-15 (:func:`_warmup_params`), margin 0.27 (保本ROI
    3.7037, half of it 1.85), target ROI 5."""

    def row(day, line, name, clicks, cost, order_lines, revenue):
        return dict(date=f"2026-10-{day}", product_line=line, campaign=name,
                    impressions=clicks * 50, clicks=clicks, cost=cost, order_lines=order_lines,
                    revenue=revenue)  # fmt: skip

    return ad_rows(
        # loses on 日常 days too: 1500 / 1000 = 1.5 < 1.85 → pause (whole period 1.35)
        row(12, "展位", "日常曝光", 200, 1000, 5, 1500), row(14, "展位", "日常曝光", 200, 1000, 4, 1200),
        # 日常 4.5 ≥ 保本, the warm-up 1.0: whole 2.75 < 保本 → stays held
        row(12, "展位", "新品", 200, 1000, 20, 4500), row(14, "展位", "新品", 200, 1000, 4, 1000),
        # a promotion's own campaign: 日常 ROI 1.0 is not judged apart, whole 1.75 → held
        row(13, "展位", "双11专项", 150, 500, 2, 500), row(15, "展位", "双11专项", 300, 1500, 6, 3000),
        # earns on both sides: ROI 6
        row(13, "展位", "品牌词", 200, 500, 10, 3000), row(14, "展位", "品牌词", 200, 500, 10, 3000),
        # spends on promotion days only: ROI 1 → held
        row(15, "展位", "爆款加推", 200, 800, 3, 800),
        # 日常 ROI 3.0: cut by 1 − 3 / 3.7037 = 19%
        row(13, "快车", "核心词", 300, 3000, 30, 9000), row(15, "快车", "核心词", 300, 2000, 5, 2000),
        # two to pause on 日常 days (ROI 0.5 and 1.0) beside an earner (ROI 10)
        row(12, "站外广告", "W1", 150, 600, 1, 300), row(14, "站外广告", "W1", 100, 300, 0, 0),
        row(13, "站外广告", "W2", 150, 400, 1, 400),
        row(12, "站外广告", "W3", 150, 600, 10, 6000),
    )  # fmt: skip


def test_a_held_period_judges_the_ordinary_days_of_each_campaign_now():
    params = _warmup_params(targets={"roi": 5.0})
    ad = _held_month()
    v = ch.campaign_verdicts(ad, HELD_PERIOD, params, hold_until=HELD).set_index("campaign")
    cols = ["verdict", "reason", "verdict_basis"]
    assert tuple(v.loc["日常曝光", cols]) == ("pause", "ordinary_far_below_breakeven", "ordinary")
    assert v.loc["日常曝光", "ordinary_cost"] == 1000 and v.loc["日常曝光", "ordinary_roi"] == 1.5
    assert v.loc["日常曝光", "cost"] == 2000  # the table still shows the whole period
    assert tuple(v.loc["核心词", cols]) == ("cut", "ordinary_below_breakeven", "ordinary")
    assert v.loc["核心词", "bid_change"] == pytest.approx(-(1 - 3.0 * 0.27))  # −19%
    # 日常 days fine, promotion days bad: held as before
    assert tuple(v.loc["新品", cols]) == ("hold", "promotion_hold", "period")
    assert v.loc["新品", "ordinary_roi"] == pytest.approx(4.5)
    # a promotion's own campaign is never judged on its 日常 days
    assert tuple(v.loc["双11专项", cols]) == ("hold", "promotion_hold", "period")
    assert math.isnan(v.loc["双11专项", "ordinary_cost"])
    # promotion days only: held, 0 元 on 日常 days
    assert v.loc["爆款加推", "verdict"] == "hold" and v.loc["爆款加推", "ordinary_cost"] == 0
    assert math.isnan(v.loc["爆款加推", "ordinary_roi"])
    assert v.loc["品牌词", "verdict"] == "grow" and v.loc["W3", "verdict"] == "grow"
    # without a pending promotion the whole period is judged (no 日常 columns)
    plain = ch.campaign_verdicts(ad, HELD_PERIOD, params).set_index("campaign")
    assert tuple(plain.loc["日常曝光", cols]) == ("pause", "far_below_breakeven", "period")
    assert plain["ordinary_cost"].isna().all()
    # a held period without 日常 days: every loss waits, as before
    warm = Period("2026-10-14..2026-10-15", "range", D(2026, 10, 14), D(2026, 10, 15))
    only = ch.campaign_verdicts(ad, warm, params, hold_until=HELD).set_index("campaign")
    assert only.loc["日常曝光", "verdict"] == "hold" and only["ordinary_cost"].isna().all()
    # the page shows the 日常 ROI and says which days were judged
    shown, note = ch.verdict_view(v.reset_index(), ad, HELD_PERIOD, params, HELD)
    assert shown[shown.index("roi") + 1] == "ordinary_roi"
    assert note == ("ch_verdicts_hold_ordinary", {"hold_until": HELD, "days": "10-12~10-13"})
    assert "ordinary_roi" not in ch.verdict_view(plain.reset_index(), ad, HELD_PERIOD, params,
                                                 None)[0]  # fmt: skip


def test_a_held_period_acts_on_ordinary_day_losses_and_holds_only_the_promotion_money():
    params = _warmup_params(targets={"roi": 5.0})  # margin 0.27, 保本ROI 3.70
    d = ch.diagnose(_held_month(), HELD_PERIOD, params, hold_until=HELD)
    d = d.loc[d["kind"] == "roi_below_breakeven"]
    by = {(r["channel"], r["action"]): r for _, r in d.iterrows()}
    assert set(by) == {("展位", "pause"), ("展位", "hold"), ("快车", "lower_bids"),
                       ("站外广告", "cut_campaigns_all")}  # fmt: skip
    # 日常曝光 on its 日常 days only: 1000 − 1500 × 0.27 = 595 (not its whole-period 1,271)
    z = by[("展位", "pause")]
    assert z["money_at_stake"] == pytest.approx(595) and z["money_basis"] == "profit_lost"
    assert z["direction"] == "worse" and z["item"] == "日常曝光"
    text = ch.finding_sentence(z, "zh")
    assert (
        "展位 · 计划「日常曝光」：日常期 10-12~10-13 ROI 1.50，低于保本ROI 3.70。日常期花费 1,000 元带来 "
        "1,500 元成交，按贡献毛利计约亏 595 元。" in text
    )
    # its promotion days (1000 元 → 1200 元, ROI 1.20) are only named, not counted
    assert "大促天数（10-14~10-15，ROI 1.20）的花费不算在内" in text and "暂停这个计划" in text
    assert "ordinary days (10-12~10-13) ROI 1.50" in ch.finding_sentence(z, "en")
    # held: the promotion days of 新品 (1000 − 1000 × 0.27 = 730), the whole of 双11专项
    # (2000 − 3500 × 0.27 = 1,055) and of 爆款加推 (800 − 800 × 0.27 = 584): 2,369
    h = by[("展位", "hold")]
    assert h["money_at_stake"] == pytest.approx(2369) and h["money_basis"] == "profit_at_risk"
    assert h["direction"] == "risk" and pd.isna(h["item"])
    assert h["fields"]["cost"] == 3800 and h["fields"]["revenue"] == 5300
    text = ch.finding_sentence(h, "zh")
    assert (
        "展位：3 个计划的大促投入尚未回本（「双11专项」ROI 1.75、「新品」ROI 1.00、「爆款加推」ROI 1.00），"
        "合计花费 3,800 元带来 5,300 元成交，按贡献毛利计目前约亏 2,369 元；ROI 在保本线以上的计划："
        "「品牌词」ROI 6.00。" in text
    )
    assert "日常曝光" not in text and "不要整条产品线暂停或降价" in text
    # 核心词: 日常 3000 − 9000 × 0.27 = 570, bids down 19%
    k = by[("快车", "lower_bids")]
    assert k["money_at_stake"] == pytest.approx(570)
    assert "出价下调约 19%（按日常期的 ROI 算）" in ch.finding_sentence(k, "zh")
    # two 日常 losers of one line in one finding: (600 − 300 × 0.27) + (400 − 400 × 0.27)
    w = by[("站外广告", "cut_campaigns_all")]
    assert w["money_at_stake"] == pytest.approx(519 + 292)
    assert w["action_key"] == "action_cut_campaigns_ordinary_pause"
    text = ch.finding_sentence(w, "zh")
    assert (
        "站外广告：日常期 10-12~10-13 有 2 个计划低于保本ROI 3.70（「W1」ROI 0.50、「W2」ROI 1.00），"
        "日常期合计花费 1,000 元带来 700 元成交，按贡献毛利计约亏 811 元。" in text
    )
    assert "按日常期的 ROI 暂停 「W1」、「W2」" in text
    en = ch.finding_sentence(w, "en")
    assert "(“W1” ROI 0.50, “W2” ROI 1.00)" in en and "「" not in en and "、" not in en
    # each yuan once: 595 + 2,369 + 570 + 811
    assert d["money_at_stake"].sum() == pytest.approx(4345)
    shorts = {f.subject: f.short for f in ch.diagnostic_findings(d, params, "zh")}
    assert shorts["展位 · 日常曝光"] == "展位 · 日常曝光 日常期 ROI 1.50 低于保本 3.70"
    assert shorts["站外广告"] == "站外广告 2 个计划日常期低于保本"
    assert shorts["展位"] == "展位 3 个计划低于保本（大促结算后再定）"


def test_every_campaign_cut_or_paused_now_is_named_however_small_its_loss():
    """A campaign cut or paused now is an action the owner must take: it is named in a
    finding even when its loss is under ``thresholds.min_money`` (500 元), once."""
    params = _warmup_params(targets={"roi": 5.0})  # margin 0.27, 保本ROI 3.70, min_money 500

    def row(day, name, clicks, cost, order_lines, revenue, line="快车"):
        return dict(date=f"2026-10-{day}", product_line=line, campaign=name,
                    impressions=clicks * 50, clicks=clicks, cost=cost, order_lines=order_lines,
                    revenue=revenue)  # fmt: skip

    ad = ad_rows(
        # 日常 ROI 3.5 (30 order lines; one more gives 3.62 < 3.70): cut by 1 − 3.5 × 0.27
        # = 5.5%; loss 1000 − 3500 × 0.27 = 55 元. Its promotion day (ROI 1.0) is not counted
        row(12, "大词", 300, 1000, 30, 3500), row(15, "大词", 100, 1000, 2, 1000),
        # 日常 no order lines on 150 clicks: pause; loss 200 元
        row(13, "竞品", 150, 200, 0, 0),
        # earns: ROI 8
        row(12, "品牌", 300, 1000, 30, 8000),
    )  # fmt: skip
    v = ch.campaign_verdicts(ad, HELD_PERIOD, params, hold_until=HELD).set_index("campaign")
    assert v.loc["大词", "verdict"] == "cut" and v.loc["竞品", "verdict"] == "pause"
    d = ch.diagnose(ad, HELD_PERIOD, params, hold_until=HELD)
    (f,) = d.loc[d["kind"] == "roi_below_breakeven"].to_dict("records")
    # 55 + 200 = 255 元 < 500 元: still a finding, money the 日常 days' loss only
    assert f["action"] == "cut_campaigns_all" and f["money_at_stake"] == pytest.approx(255)
    assert f["direction"] == "worse" and f["money_basis"] == "profit_lost"
    text = ch.finding_sentence(f, "zh")
    assert "「竞品」ROI 0.00、「大词」ROI 3.50" in text and "约亏 255 元" in text
    assert "暂停 「竞品」" in text and "「大词」" in text.split("暂停 「竞品」")[1]
    (g,) = ch.diagnostic_findings(d.loc[d["kind"] == "roi_below_breakeven"], params, "zh")
    assert g.money_at_stake == pytest.approx(255) and g.severity == "low"
    # without a promotion: a line above 保本 (ROI (4500 + 8000) / 2000 = 6.25) with one small
    # cut (ROI 3.5, loss 55 元) names it too; a small hold still needs min_money
    plain = ad_rows(_campaign("快车", "大词", 300, 1000, 30, 3500),
                    _campaign("快车", "品牌", 300, 1000, 30, 9000))  # fmt: skip
    d2 = ch.diagnose(plain, PERIOD, params)
    (c,) = d2.loc[d2["kind"] == "roi_below_breakeven"].to_dict("records")
    assert (c["item"], c["action"]) == ("大词", "lower_bids")
    assert c["money_at_stake"] == pytest.approx(55)
    held = ch.diagnose(plain, PERIOD, params, hold_until=HELD)
    assert not (held["kind"] == "roi_below_breakeven").any()


def test_a_line_is_not_paused_for_its_losing_campaigns():
    params = ShopParams()  # margin 0.27, 保本ROI 3.7037
    ad = ad_rows(
        _campaign("展位", "新品首发", 300, 1000, 20, 4200),  # ROI 4.2: above 保本
        _campaign("展位", "首焦", 300, 3000, 10, 3000),  # ROI 1.0: pause
        _campaign("展位", "日常", 300, 2000, 10, 6000),  # ROI 3.0: cut
    )  # line: cost 6000, revenue 13,200, ROI 2.2 < 3.70
    d = ch.diagnose(ad, PERIOD, params)
    line = d.loc[d["kind"] == "roi_below_breakeven"].iloc[0]
    assert line["action"] == "cut_campaigns" and line["direction"] == "worse"
    # money = the losing campaigns' loss: (3000 − 3000 × 0.27) + (2000 − 6000 × 0.27)
    assert line["money_at_stake"] == pytest.approx(2190 + 380)
    text = ch.finding_sentence(line, "zh")
    assert "暂停 「首焦」" in text and "降价 「日常」" in text and "保留 「新品首发」" in text
    # the sentence is about the losing campaigns, and its money is theirs: cost 3000 + 2000,
    # revenue 3000 + 6000, 5000 − 9000 × 0.27 = 2570 (most loss first: 首焦 2190, 日常 380)
    assert (
        "展位：亏钱的是其中 2 个计划（「首焦」ROI 1.00、「日常」ROI 3.00），合计花费 5,000 元带来 9,000 元成交，"
        "按贡献毛利计约亏 2,570 元；另有 1 个计划 ROI 在保本线以上（「新品首发」ROI 4.20）。"
        "整条产品线 ROI 2.20，低于保本ROI 3.70" in text
    )
    held = ch.diagnose(ad, PERIOD, params, hold_until=D(2026, 11, 26))
    line = held.loc[held["kind"] == "roi_below_breakeven"].iloc[0]
    assert line["action"] == "hold" and line["direction"] == "risk"
    assert line["money_basis"] == "profit_at_risk"
    # held too: the money is the losing campaigns' loss, not the line's 6000 − 13,200 × 0.27
    assert line["money_at_stake"] == pytest.approx(2570)
    text = ch.finding_sentence(line, "zh")
    assert "2026-11-26" in text and "不要整条产品线暂停" in text and "约亏 2,570 元" in text
    assert "约亏 2,436 元" not in text  # the line's own net loss is not the money stated
    # its headline phrase names the campaigns and says the verdict waits
    (f,) = ch.diagnostic_findings(held.loc[held["kind"] == "roi_below_breakeven"], params, "zh")
    assert f.short == "展位 2 个计划低于保本（大促结算后再定）"
    assert f.money_at_stake == pytest.approx(2570) and "约亏 2,570 元" in f.title
    (g,) = ch.diagnostic_findings(d.loc[d["kind"] == "roi_below_breakeven"], params, "en")
    assert g.short == "展位: 2 campaigns below break-even"
    assert "the loss sits in 2 of its campaigns" in g.title and "2,570 yuan" in g.title


def test_a_losing_line_states_its_own_loss_and_names_the_rest():
    """Every loss sentence's money agrees with the cost and revenue it states."""
    params = ShopParams()  # margin 0.27
    ad = ad_rows(
        _campaign("展位", "首焦", 300, 3000, 20, 6600),  # ROI 2.2: cut
        _campaign("展位", "日常", 300, 2000, 10, 2600),  # ROI 1.3: pause
        _campaign("展位", "thin", 50, 1000, 1, 500),  # 50 clicks: not judged
        _campaign("海投", "solo", 300, 2000, 10, 4000),  # ROI 2: the whole line, lower bids
    )  # fmt: skip
    d = ch.diagnose(ad, PERIOD, params).set_index("channel")
    z = d.loc["展位"]
    assert z["action"] == "cut_campaigns_all"
    # the action's money: (3000 − 6600 × 0.27) + (2000 − 2600 × 0.27) = 1218 + 1298
    assert z["money_at_stake"] == pytest.approx(2516)
    text = ch.finding_sentence(z, "zh")
    # the line: cost 6000, revenue 9700, loss 6000 − 9700 × 0.27 = 3381
    assert "花费 6,000 元带来 9,700 元成交" in text and "整条产品线约亏 3,381 元" in text
    assert "其中要处理的计划合计约亏 2,516 元" in text
    assert "降价 「首焦」" in text and "暂停 「日常」" in text
    h = d.loc["海投"]
    # one campaign, the whole line: 2000 − 4000 × 0.27 = 920, stated with its own numbers
    assert h["money_at_stake"] == pytest.approx(920)
    assert "花费 2,000 元带来 4,000 元成交，按贡献毛利（毛利率 − 扣点 − 退款率）计约亏 920 元" in (
        ch.finding_sentence(h, "zh")
    )


def test_a_per_campaign_action_names_only_lists_that_hold_campaigns():
    ad = ad_rows(
        _campaign("展位", "新品首发", 300, 1000, 20, 4200),  # ROI 4.2: keep
        _campaign("展位", "首焦", 300, 3000, 10, 3000),  # ROI 1.0: pause
    )
    line = ch.diagnose(ad, PERIOD, ShopParams()).iloc[0]
    assert line["action"] == "cut_campaigns" and line["action_key"] == "action_cut_campaigns_pause"
    text = ch.finding_sentence(line, "zh")
    assert "暂停 「首焦」；保留 「新品首发」" in text and "降价" not in text and "—" not in text


def test_a_losing_line_without_earners_is_still_acted_on_per_campaign():
    ad = ad_rows(
        _campaign("展位", "首焦", 300, 3000, 20, 6600),  # ROI 2.2 ≥ 1.85: cut bids
        _campaign("展位", "日常", 300, 2000, 10, 2600),  # ROI 1.3 < 1.85: pause
    )
    line = ch.diagnose(ad, PERIOD, ShopParams()).iloc[0]
    assert line["action"] == "cut_campaigns_all"
    # (3000 − 6600 × 0.27) + (2000 − 2600 × 0.27)
    assert line["money_at_stake"] == pytest.approx(1218 + 1298)
    assert "暂停 「日常」；降价 「首焦」" in ch.finding_sentence(line, "zh")


def test_item_verdicts_put_roi_beside_ctr():
    params = ShopParams()
    ad = ad_rows(
        _campaign("展位", "C", 1000, 2000, 5, 2000, audience="高点击人群"),  # CTR 2%, ROI 1
        _campaign("展位", "C", 200, 500, 10, 3000, audience="老客"),  # ROI 6
    )
    ad.loc[0, "impressions"] = 50_000  # CTR 2% vs 老客 200 / 10,000 = 2%
    v = ch.item_verdicts(ad, PERIOD, params).set_index("item")
    assert v.loc["高点击人群", "verdict"] == "pause" and v.loc["老客", "verdict"] == "grow"
    assert v.loc["高点击人群", "ctr"] == pytest.approx(0.02) and v.loc[
        "老客", "roi"
    ] == pytest.approx(6)
    assert set(v["dim"]) == {"audience"}


def test_display_creative_with_low_ctr():
    ad = ad_rows(
        dict(date="2026-10-01", product_line="展位", campaign="C", creative="X",
             impressions=100_000, clicks=500, cost=500, order_lines=10, revenue=10_000),
        dict(date="2026-10-01", product_line="展位", campaign="C", creative="Y",
             impressions=100_000, clicks=1000, cost=1000, order_lines=20, revenue=20_000),
    )  # fmt: skip
    d = ch.diagnose(ad, PERIOD, ShopParams())
    f = d.loc[d["kind"] == "display_low_ctr"]
    assert list(f["item"]) == ["X"] and f.iloc[0]["action"] == "change_creative"
    # (1% − 0.5%) × 100,000 = 500 clicks missed × 20 元 revenue per click × margin 0.27
    assert f.iloc[0]["money_at_stake"] == pytest.approx(10_000 * 0.27)
    assert f.iloc[0]["test"] == "two_proportion_z"


def test_diagnose_texts_exist_in_both_languages():
    bm = Benchmark(value=0.10, source="s", date="d")
    d = ch.diagnose(diag_ad(), PERIOD, ShopParams(benchmarks={"cvr": bm, "ctr": bm}))
    assert len(d) >= 2
    for _, row in d.iterrows():
        assert row["text_key"] in TEXT and row["action_key"] in TEXT
        for lang in ("zh", "en"):
            assert ch.finding_sentence(row, lang)


# --------------------------------------------------------------------------------------------
# 5. Creatives, audiences, placements


def test_item_tests_ctr_and_poisson_cvr():
    ad = ad_rows(
        dict(date="2026-10-01", product_line="展位", campaign="C", creative="A",
             impressions=100_000, clicks=2000, order_lines=60),
        dict(date="2026-10-01", product_line="展位", campaign="C", creative="B",
             impressions=100_000, clicks=1000, order_lines=15),
        dict(date="2026-10-01", product_line="展位", campaign="C", creative="tiny",
             impressions=10, clicks=5, order_lines=5),
    )  # fmt: skip
    t = ch.item_tests(ad, "creative", PERIOD).set_index("metric")
    assert t.loc["ctr", "winner_item"] == "A" and t.loc["ctr", "loser_item"] == "B"
    assert t.loc["ctr", "n_items"] == 2  # "tiny" is below min_impressions
    assert t.loc["ctr", "conclusive"] and t.loc["ctr", "test"] == "two_proportion_z"
    # CVR: 60 lines on 2000 clicks vs 15 on 1000; given 75 lines, K_A ~ Bin(75, 2/3)
    from scipy.stats import binomtest

    assert t.loc["cvr", "test"] == "poisson_exact_conditional"
    assert t.loc["cvr", "p_value"] == pytest.approx(binomtest(60, 75, 2 / 3).pvalue)
    assert t.loc["cvr", "sample_unit"] == "clicks"


def test_item_tests_inconclusive_states_what_is_still_needed():
    ad = ad_rows(
        dict(date="2026-10-01", product_line="展位", campaign="C", audience="老客",
             impressions=2000, clicks=40),
        dict(date="2026-10-01", product_line="展位", campaign="C", audience="新客",
             impressions=2000, clicks=36),
    )  # fmt: skip
    th = Thresholds(min_detectable_effect=0.2, power=0.9)
    t = ch.item_tests(ad, "audience", PERIOD, th).set_index("metric")
    r = t.loc["ctr"]
    assert not r["conclusive"]
    pooled = 76 / 4000
    need = sample_size_two_proportions(pooled, pooled * 1.2, 0.05, 0.9)
    assert r["required_per_arm"] == need
    assert r["still_needed"] == need - 2000
    assert (r["alpha"], r["power"], r["mde"]) == (0.05, 0.9, 0.2)
    assert "cvr" not in t.index  # no item has 100 clicks
    assert ch.item_test_sentence(t.reset_index().iloc[0], "zh")


def test_a_ctr_winner_with_the_worse_roi_is_never_called_better():
    """The demo's 展位-新品首发 shape: 高潜人群 clicks more, 店铺老客 earns more."""
    ad = ad_rows(
        dict(date="2026-10-01", product_line="展位", campaign="新品首发", audience="高潜人群",
             impressions=100_000, clicks=1000, cost=1000, order_lines=10, revenue=2000),
        dict(date="2026-10-01", product_line="展位", campaign="新品首发", audience="店铺老客",
             impressions=100_000, clicks=700, cost=1000, order_lines=20, revenue=4000),
    )  # fmt: skip
    t = ch.item_tests(ad, "audience", PERIOD).set_index("metric")
    r = t.loc["ctr"]
    assert r["conclusive"] and r["winner_item"] == "高潜人群"  # 1.00% vs 0.70%
    # ROI = revenue / cost: 2000 / 1000 = 2 for the CTR winner, 4000 / 1000 = 4 for the loser
    assert (r["winner_roi"], r["loser_roi"]) == (pytest.approx(2.0), pytest.approx(4.0))
    assert r["roi_agrees"] == False  # noqa: E712
    assert r["text_key"] == "item_test_conclusive_roi_worse"
    zh = ch.item_test_sentence(t.reset_index().iloc[0], "zh")
    assert zh.startswith(
        "计划「新品首发」：按 ROI，定向人群「店铺老客」更好（ROI 4.00，「高潜人群」只有 2.00）"
    )
    assert "预算不要因此移给「高潜人群」" in zh and "1.00% 对 0.70%" in zh
    assert "明显好于" not in zh
    en = ch.item_test_sentence(t.reset_index().iloc[0], "en")
    assert "on ROI, audience “店铺老客” is the better one (ROI 4.00 against 2.00" in en
    # the CVR winner (店铺老客, 20 / 700) also has the better ROI: both named, ROI first
    c = t.loc["cvr"]
    assert c["conclusive"] and c["winner_item"] == "店铺老客" and c["roi_agrees"] == True  # noqa: E712
    assert c["text_key"] == "item_test_conclusive"
    assert ch.item_test_sentence(t.reset_index().iloc[1], "zh") == (
        "计划「新品首发」：定向人群「店铺老客」ROI 4.00、转化率 2.86%，都好于「高潜人群」"
        "（ROI 2.00、转化率 1.00%）；转化率的差别不太可能是波动。"
    )


MONTH28 = Period("2026-10-01..2026-10-28", "range", D(2026, 10, 1), D(2026, 10, 28))


def _slow_creatives() -> pd.DataFrame:
    """28 days of two creatives in one 展位 campaign, every day alike: A 3000 impressions, 30
    clicks, 30 元, an order line worth 150 元 on each of the first 14 days; B 3000
    impressions, 29 clicks, 29 元, an order line worth 290 元 on each of the first 12."""
    rows = []
    for i in range(28):
        day = (D(2026, 10, 1) + dt.timedelta(days=i)).isoformat()
        rows += [
            dict(date=day, product_line="展位", campaign="C", creative="A", impressions=3000,
                 clicks=30, cost=30.0, order_lines=int(i < 14), revenue=150.0 * (i < 14)),
            dict(date=day, product_line="展位", campaign="C", creative="B", impressions=3000,
                 clicks=29, cost=29.0, order_lines=int(i < 12), revenue=290.0 * (i < 12)),
        ]  # fmt: skip
    return ad_rows(*rows)


def test_weeks_to_settle_by_hand():
    # 71,003 clicks needed, 560 each over 28 days (20 a day): 70,443 ÷ 20 ÷ 7 = 503.16 weeks
    assert ch.weeks_to_settle(71_003, [560, 560], [28, 28]) == pytest.approx(70_443 / 140)
    # the slower item sets the wait; an item already there waits for nothing
    assert ch.weeks_to_settle(1_000, [1_400, 300], [28, 14]) == pytest.approx(700 / 21.4285714 / 7)
    assert ch.weeks_to_settle(1_000, [1_400, 1_200], [28, 14]) == 0.0
    assert math.isnan(ch.weeks_to_settle(math.nan, [1, 1], [1, 1]))
    assert ch.weeks_to_settle(10, [0, 5], [3, 3]) == math.inf


def test_a_test_that_needs_years_leads_with_roi_against_breakeven():
    """CVR of A 14 / 840 against B 12 / 812 is no result and would take years: the advice is
    ROI against 保本, not "wait"; the CTR test, four weeks off, still says how long to wait."""
    params = ShopParams()  # 保本ROI 1 / 0.27 = 3.70
    t = ch.item_tests(_slow_creatives(), "creative", MONTH28,
                      breakeven_roi=params.breakeven_roi).set_index("metric")  # fmt: skip
    cvr, ctr = t.loc["cvr"], t.loc["ctr"]
    # ROI: A 14 × 150 / 840 = 2.50 (below 保本), B 12 × 290 / 812 = 4.29 (above)
    assert (cvr["winner_roi"], cvr["loser_roi"]) == (pytest.approx(2.5), pytest.approx(30 / 7))
    # needed per creative: 7.8489 (z 1.96 + 0.84, squared) × 210 ÷ pooled rate 26 / 1652
    # = 104,728.2 → 104,729 clicks; B at 812 / 28 = 29 clicks a day is the slower one:
    # (104,729 − 812) ÷ 29 ÷ 7 = 511.9 weeks (A: 103,889 ÷ 30 ÷ 7 = 494.7), i.e. 9.8 years
    assert cvr["required_per_arm"] == 104_729 and not cvr["conclusive"]
    assert cvr["weeks_needed"] == pytest.approx(103_917 / 203)
    assert cvr["max_test_weeks"] == 8 and cvr["text_key"] == "item_test_unsettled_cvr"
    assert ch.item_test_sentence(cvr.to_dict() | {"metric": "cvr"}, "en") == (
        "Campaign “C”: creative “A” ROI 2.50, “B” ROI 4.29 — only “B” is above the break-even "
        "ROI of 3.70, so keep it and decide on “A”, which loses money, by its ROI (its verdict "
        "is in the table above). At this volume a test cannot settle their conversion rate gap "
        "(1.67% vs 1.48%): each creative needs about 104,729 clicks; at this volume it would "
        "never settle, so do not wait for it."
    )
    zh = ch.item_test_sentence(cvr.to_dict() | {"metric": "cvr"}, "zh")
    assert "只有「B」在保本ROI 3.70 以上：保留它；「A」在亏钱" in zh
    # 511.9 weeks (9.8 years) is past two years (104 weeks): no years printed
    assert (
        zh.endswith("每个创意约需 104,729 次点击，这点量永远比不出结果，不必等。")
        and "年" not in zh
    )
    # CTR 840 / 84,000 vs 812 / 84,000: 165,889 impressions each (the two-proportion formula),
    # (165,889 − 84,000) ÷ 3000 a day ÷ 7 = 3.9 weeks: worth waiting, and the page says how long
    pooled = 1652 / 168_000
    assert ctr["required_per_arm"] == sample_size_two_proportions(pooled, pooled * 1.1)
    assert ctr["weeks_needed"] == pytest.approx((165_889 - 84_000) / 3000 / 7)
    assert ctr["text_key"] == "item_test_inconclusive_ctr"
    en = ch.item_test_sentence(ctr.to_dict() | {"metric": "ctr"}, "en")
    assert en.endswith("the smaller one is 81,889 short (about 4 weeks at the current pace).")
    # a longer patience (600 weeks) waits for the CVR test too; without 保本 no ROI advice
    slow = ch.item_tests(_slow_creatives(), "creative", MONTH28, Thresholds(max_test_weeks=600),
                         breakeven_roi=params.breakeven_roi).set_index("metric")  # fmt: skip
    assert slow.loc["cvr", "text_key"] == "item_test_inconclusive_cvr"
    en = ch.item_test_sentence(slow.reset_index().iloc[1], "en")
    assert en.endswith("the smaller one is 103,917 short. At this volume the comparison would "
                       "never settle.")  # fmt: skip
    assert "year" not in en
    bare = ch.item_tests(_slow_creatives(), "creative", MONTH28).set_index("metric")
    assert bare.loc["cvr", "text_key"] == "item_test_inconclusive_cvr"


@pytest.mark.parametrize(
    ("winner_roi", "loser_roi", "en"),
    [
        (4.0, 5.0, "both are above the break-even ROI of 3.70 and earn money, so keep both"),
        (1.5, 3.0, "both are below the break-even ROI of 3.70 and lose money whichever has the "
                   "higher conversion rate, so decide on them by ROI"),
        (4.0, 3.0, "only “A” is above the break-even ROI of 3.70, so keep it and decide on “B”"),
        (math.nan, 3.0, "their ROI cannot be compared (one has no spend)."),
    ],
)  # fmt: skip
def test_an_unsettled_test_says_where_each_item_stands_against_breakeven(winner_roi, loser_roi, en):
    row = ch.item_tests(_slow_creatives(), "creative", MONTH28,
                        breakeven_roi=ShopParams().breakeven_roi).iloc[1].to_dict()  # fmt: skip
    row |= {"winner_roi": winner_roi, "loser_roi": loser_roi}
    assert row["text_key"] == "item_test_unsettled_cvr"
    assert en in ch.item_test_sentence(row, "en")
    assert "「" not in ch.item_test_sentence(row, "en")


def test_a_losing_line_names_its_campaigns_in_the_page_language():
    """The campaign lists of a line's finding are kept language-free and written with the
    page's punctuation: 「」、 on Chinese pages, “” and commas on English ones."""
    params = ShopParams()
    ad = ad_rows(
        _campaign("展位", "新品首发", 300, 1000, 20, 4200),  # ROI 4.2: above 保本
        _campaign("展位", "首焦", 300, 3000, 10, 3000),  # ROI 1.0: pause
        _campaign("展位", "日常", 300, 2000, 10, 6000),  # ROI 3.0: cut
    )
    rows = ch.diagnose(ad, PERIOD, params)
    rows = rows.loc[rows["kind"] == "roi_below_breakeven"]
    (en,) = ch.diagnostic_findings(rows, params, "en")
    assert "the loss sits in 2 of its campaigns (“首焦” ROI 1.00, “日常” ROI 3.00)" in en.title
    assert "(1: “新品首发” ROI 4.20)" in en.title
    assert en.action.endswith("pause “首焦”; bid down “日常” -19%; keep “新品首发” (their ROI is above "
                              "break-even).")  # fmt: skip
    assert not re.search(r"[「」、，；：（）]|等", en.title + en.action)
    (zh,) = ch.diagnostic_findings(rows, params, "zh")
    assert "（「首焦」ROI 1.00、「日常」ROI 3.00）" in zh.title
    # six losing campaigns: four are named, then how many more
    many = ad_rows(*[_campaign("展位", f"计划{i}", 300, 1000, 10, 1000 + i) for i in range(6)])
    names = ch._names_roi(ch.campaign_verdicts(many, PERIOD, params))
    assert names.more == 2 and names.text("en").endswith("ROI 1.00 and 2 more")
    assert names.text("zh").endswith("ROI 1.00 等")


@pytest.mark.parametrize(
    ("weeks", "zh"),
    [
        (0.5, "按现在的速度还要不到 1 周，超过值得等待的 8 周，不必等。"),
        (12.4, "按现在的速度还要约 12 周，超过值得等待的 8 周，不必等。"),
        (104.0, "按现在的速度还要约 104 周，超过值得等待的 8 周，不必等。"),
        (104.1, "这点量永远比不出结果，不必等。"),  # 2.0 years: past two years, no wait given
        (882.0, "这点量永远比不出结果，不必等。"),  # 882 × 7 ÷ 365.25 = 16.9 years
        (math.inf, "这点量永远比不出结果，不必等。"),
    ],
)
def test_a_wait_past_two_years_is_said_to_never_settle(weeks, zh):
    assert ch._wait_clause(weeks, 8, "zh") == zh
    assert "year" not in ch._wait_clause(weeks, 8, "en")


def _held_test_row(**extra) -> dict:
    """A CTR test in the warm-up campaign 购物触点-大促预热: 预热-加购抢先价 1.09% (ROI 2.14)
    against 预热-付定金享立减 1.05% (ROI 3.50), both below 保本 3.85, years from settling."""
    return {
        "product_line": "购物触点", "campaign": "购物触点-大促预热", "dim": "creative",
        "metric": "ctr", "winner_item": "预热-加购抢先价", "loser_item": "预热-付定金享立减",
        "winner_value": 0.0109, "loser_value": 0.0105, "winner_roi": 2.14, "loser_roi": 3.50,
        "winner_n": 85_299, "loser_n": 86_365, "q_value": 0.5, "test": "two_proportion_z",
        "alpha": 0.05, "power": 0.8, "mde": 0.1, "required_per_arm": 1_600_000,
        "still_needed": 1_514_701, "weeks_needed": 464.3, "max_test_weeks": 8,
        "breakeven_roi": 3.85, "text_key": "item_test_unsettled_ctr", "ends_first": True,
        "phase_end": D(2026, 10, 31),
    } | extra  # fmt: skip


def test_a_test_in_a_held_campaign_waits_for_the_promotion_to_settle():
    """A held campaign's items (verdict hold until 2026-11-26) are neither compared nor judged
    on ROI now: the sentence gives both items' figures and the settling day, and no ROI advice
    ("按 ROI 决定去留") and no wait in years."""
    zh = ch.item_test_sentence(_held_test_row(held_until=D(2026, 11, 26)), "zh")
    assert zh.startswith(
        "计划「购物触点-大促预热」为大促保留（大促后再判断）：创意「预热-加购抢先价」ROI 2.14、"
        "「预热-付定金享立减」ROI 3.50，点击率 1.09% 对 1.05%。"
    )
    assert zh.endswith("两者的比较和去留都等大促结算，2026-11-26 之后再看。")
    assert "按 ROI 决定去留" not in zh and "年" not in zh and "保本" not in zh
    en = ch.item_test_sentence(_held_test_row(held_until=D(2026, 11, 26)), "en")
    assert en.endswith("both wait until the promotion settles, after 2026-11-26.")
    assert not re.search(r"[「」、]", en)
    # without a hold (None or NaN) the ordinary unsettled sentence stands
    for free in (None, math.nan):
        zh = ch.item_test_sentence(_held_test_row(held_until=free), "zh")
        assert "都低于保本ROI 3.85" in zh and "这点量永远比不出结果" in zh


def test_tests_in_held_campaigns_carry_the_settling_day():
    """Verdicts: 购物触点-大促预热 hold, 购物触点-购物车挽回 grow; hold until 2026-11-26: only
    the held campaign's test carries the day; without a hold day none does."""
    period = Period("2026-10", "month", D(2026, 10, 1), D(2026, 10, 31))
    tests = pd.DataFrame({
        "product_line": ["购物触点", "购物触点"],
        "campaign": ["购物触点-大促预热", "购物触点-购物车挽回"],
        "weeks_needed": [2.5, 5.7], "text_key": ["item_test_inconclusive_ctr"] * 2,
    })  # fmt: skip
    verdicts = pd.DataFrame({
        "line": ["购物触点", "购物触点"], "campaign": ["购物触点-大促预热", "购物触点-购物车挽回"],
        "verdict": ["hold", "grow"],
    })  # fmt: skip
    out = ch._tests_in_context(tests, period, verdicts, None, D(2026, 11, 26))
    assert out["held_until"].tolist() == [D(2026, 11, 26), None]
    assert ch._tests_in_context(tests, period, verdicts, None)["held_until"].isna().all()


def test_item_tests_roi_is_unknown_without_spend():
    ad = ad_rows(
        dict(date="2026-10-01", product_line="展位", campaign="C", creative="A",
             impressions=100_000, clicks=2000, cost=0),
        dict(date="2026-10-01", product_line="展位", campaign="C", creative="B",
             impressions=100_000, clicks=1000, cost=500, revenue=1000),
    )  # fmt: skip
    r = ch.item_tests(ad, "creative", PERIOD).set_index("metric").loc["ctr"]
    assert math.isnan(r["winner_roi"]) and r["roi_agrees"] is None
    assert r["text_key"] == "item_test_conclusive_no_roi"
    assert "ROI 无法比较" in ch.item_test_sentence(r.to_dict() | {"metric": "ctr"}, "zh")


def test_item_tests_without_the_dimension_is_empty(ad):
    assert ch.item_tests(ad.drop(columns=["creative"]), "creative", PERIOD).empty


# --------------------------------------------------------------------------------------------
# 6. Promotion phases


PROMO = Period(
    "1111-2026",
    "promotion",
    D(2026, 10, 1),
    D(2026, 10, 4),
    phases={
        "warmup": (D(2026, 10, 1), D(2026, 10, 2)),
        "peak": (D(2026, 10, 3), D(2026, 10, 3)),
        "encore": (D(2026, 10, 4), D(2026, 10, 4)),
    },
)


def test_phase_table_and_warmup_to_peak():
    ad = ad_rows(
        dict(date="2026-10-01", product_line="快车", cost=100, revenue=200, carts=30,
             presale_order_lines=4, clicks=100),
        dict(date="2026-10-02", product_line="展位", cost=100, revenue=100, carts=10, clicks=50),
        dict(date="2026-10-03", product_line="快车", cost=300, revenue=1500, order_lines=12,
             clicks=200),
        dict(date="2026-10-04", product_line="快车", cost=50, revenue=100, order_lines=1),
    )  # fmt: skip
    shop = shop_rows(
        dict(date="2026-10-01", visitors=100, cart_buyers=20, buyers=2, gmv=200),
        dict(date="2026-10-02", visitors=100, cart_buyers=20, buyers=2, gmv=200),
        dict(date="2026-10-03", visitors=300, cart_buyers=10, buyers=30, gmv=3000),
    )  # fmt: skip
    p = ch.phase_table(ad, shop, PROMO).set_index("phase")
    assert list(p.index) == ["warmup", "peak", "encore"]
    assert p.loc["warmup", "cost"] == 200 and p.loc["warmup", "roi"] == pytest.approx(1.5)
    assert p.loc["warmup", "carts"] == 40 and p.loc["warmup", "presale_order_lines"] == 4
    assert p.loc["peak", "roi"] == pytest.approx(5.0) and p.loc["peak", "gmv"] == 3000
    assert p.loc["warmup", "cost_per_day"] == pytest.approx(100)
    # no 经营概况 row covers the 返场 day: unknown, not zero visitors
    assert np.isnan(p.loc["encore", "visitors"])
    w = ch.warmup_to_peak(ad, shop, PROMO).set_index("source")
    assert w.loc["ad", "peak_per_warmup_cart"] == pytest.approx(12 / 40)
    assert w.loc["shop", "peak_per_warmup_cart"] == pytest.approx(30 / 40)
    assert w["approximation"].all() and (w["note_key"] == "warmup_to_peak_note").all()
    by_line = ch.phase_table(ad, None, PROMO, by="product_line")
    assert set(by_line["channel"]) == {"快车", "展位"}
    assert ch.phase_table(ad, shop, PERIOD).empty


def _double11():
    from jdpromo.params import Phase, Promotion

    return {
        "1111-2026": Promotion(
            label="2026年双11",
            warmup=Phase(start=D(2026, 10, 17), end=D(2026, 10, 31)),
            peak=Phase(start=D(2026, 11, 1), end=D(2026, 11, 11)),
            encore=Phase(start=D(2026, 11, 12), end=D(2026, 11, 13)),
        )
    }


def test_phase_table_segments_of_a_month_half_ordinary_half_warmup():
    october = parse_period("2026-10").current  # 16 ordinary days, then 15 days of 预热
    ad = ad_rows(
        dict(date="2026-10-01", product_line="快车", cost=160, carts=8, clicks=80, revenue=480,
             order_lines=6),
        dict(date="2026-10-16", product_line="快车", cost=160, carts=8, clicks=80, revenue=320,
             order_lines=4),
        dict(date="2026-10-17", product_line="快车", cost=300, carts=30, clicks=100, revenue=150,
             presale_order_lines=5),
        dict(date="2026-10-31", product_line="展位", cost=150, impressions=1000, clicks=20,
             presale_order_lines=1),
        dict(date="2026-09-30", product_line="快车", cost=999, carts=1),  # outside the month
        dict(date="2026-11-01", product_line="快车", cost=999, carts=1),
    )  # fmt: skip
    shop = shop_rows(
        dict(date="2026-10-01", visitors=100, cart_buyers=10, buyers=5, gmv=500),
        dict(date="2026-10-16", visitors=100, cart_buyers=10, buyers=5, gmv=1100),
        dict(date="2026-10-20", visitors=200, cart_buyers=50, buyers=4, gmv=400),
        # a month-level row matches neither segment: not used
        dict(period_start="2026-10-01", period_end="2026-10-31", visitors=9999, gmv=99999),
    )  # fmt: skip
    p = ch.phase_table(ad, shop, october, promotions=_double11()).set_index("phase")
    assert list(p.index) == ["ordinary", "warmup"]
    o, w = p.loc["ordinary"], p.loc["warmup"]
    assert (o["start"], o["end"], o["days"]) == (D(2026, 10, 1), D(2026, 10, 16), 16)
    assert (w["start"], w["end"], w["days"]) == (D(2026, 10, 17), D(2026, 10, 31), 15)
    assert (o["cost"], o["carts"], o["revenue"]) == (320, 16, 800)
    assert o["cost_per_cart"] == pytest.approx(20.0) and o["roi"] == pytest.approx(2.5)
    assert o["cost_per_day"] == pytest.approx(20.0)  # 320 / 16 days
    assert (w["cost"], w["carts"], w["presale_order_lines"]) == (450, 30, 6)
    assert w["cost_per_cart"] == pytest.approx(15.0)  # 加购成本 = 450 / 30
    assert w["cost_per_day"] == pytest.approx(30.0)  # 450 / 15 days
    assert (o["gmv"], o["visitors"], w["gmv"]) == (1600, 200, 400)
    assert o["gmv_per_day"] == pytest.approx(100.0) and w["conversion"] == pytest.approx(0.02)
    assert list(p.columns[p.columns.get_loc("carts") :][:2]) == ["carts", "cost_per_cart"]
    # per line: 展位 has spend but no carts in 预热 → 加购成本 undefined, not 0
    by = ch.phase_table(ad, None, october, by="product_line", promotions=_double11())
    zw = by[(by["phase"] == "warmup") & (by["channel"] == "展位")].iloc[0]
    assert zw["cost"] == 150 and np.isnan(zw["cost_per_cart"])
    # 预热 without 爆发 in the period: no warm-up → peak ratio
    assert ch.warmup_to_peak(ad, shop, october, promotions=_double11()).empty


def test_phase_table_segments_in_several_runs_and_warmup_to_peak():
    span = Period("r", "range", D(2026, 10, 15), D(2026, 11, 16))
    ad = ad_rows(
        dict(date="2026-10-16", product_line="快车", cost=160, carts=4),  # 日常 before
        dict(date="2026-10-20", product_line="快车", cost=300, carts=30),  # 预热
        dict(date="2026-11-05", product_line="快车", cost=500, order_lines=12),  # 爆发
        dict(date="2026-11-14", product_line="快车", cost=40, carts=1),  # 日常 after
    )  # fmt: skip
    p = ch.phase_table(ad, None, span, promotions=_double11()).set_index("phase")
    assert list(p.index) == ["ordinary", "warmup", "peak", "encore"]
    assert p.loc["ordinary", "days"] == 5  # 10-15..10-16 and 11-14..11-16
    assert p.loc["ordinary", "cost"] == 200 and p.loc["ordinary", "cost_per_day"] == 40
    assert p.loc["peak", "cost"] == 500
    # no ad row at all in the 返场 days (e.g. the exports stop before them): unknown, not 0
    assert np.isnan(p.loc["encore", "cost"]) and np.isnan(p.loc["encore", "cost_per_day"])
    w = ch.warmup_to_peak(ad, None, span, promotions=_double11()).set_index("source")
    assert w.loc["ad", "peak_per_warmup_cart"] == pytest.approx(12 / 30)
    no_peak = ad[ad["date"] != "2026-11-05"]
    w = ch.warmup_to_peak(no_peak, None, span, promotions=_double11()).set_index("source")
    assert np.isnan(w.loc["ad", "peak_per_warmup_cart"])  # not 0 orders per cart
    # an ordinary month: one 日常 row
    sept = ch.phase_table(ad, None, parse_period("2026-09").current, promotions=_double11())
    assert list(sept["phase"]) == ["ordinary"]


# --------------------------------------------------------------------------------------------
# 7. Budget


def history(lines: dict[str, tuple[float, float]], start: D, end: D) -> list[dict]:
    """Daily rows per line: (cost, revenue) every day from start to end."""
    rows = []
    day = start
    while day <= end:
        for line, (cost, revenue) in lines.items():
            rows.append(
                dict(
                    date=day,
                    product_line=line,
                    cost=cost,
                    revenue=revenue,
                    impressions=1000,
                    clicks=10,
                )
            )
        day += dt.timedelta(days=1)
    return rows


NOVEMBER = Period("2026-11", "month", D(2026, 11, 1), D(2026, 11, 30))


# 保本ROI 1 / (0.6 − 0.05 − 0.03) ≈ 1.92: every line of these histories earns above it
LOW_BREAKEVEN = dict(gross_margin=0.6)


def test_budget_rule_by_hand():
    hist = ad_rows(*history({"A": (100, 600), "B": (100, 200)}, D(2026, 10, 1), D(2026, 10, 31)))
    params = ShopParams(targets={"roi": 4.0}, **LOW_BREAKEVEN)
    b = ch.budget_plan(hist, 6000, NOVEMBER, params).set_index("channel")
    # base 100 × 31 × 30/31 = 3000; tilt A = clip(6/4) = 1.3, B = clip(2/4) = 0.7
    assert b.loc["A", "base"] == pytest.approx(3000) and b.loc["A", "tilt"] == pytest.approx(1.3)
    assert b.loc["B", "tilt"] == pytest.approx(0.7)
    assert (b.loc["A", "budget"], b.loc["B", "budget"]) == (3900, 2100)
    assert b["season_basis"].eq("none").all() and b["season_factor"].eq(1.0).all()
    # the lookback ROI is labelled with its window: 90 days before November, ratio of sums
    assert b.loc["A", "roi_90d"] == pytest.approx(6.0) and "roi" not in b
    assert b.attrs["roi_column"] == "roi_90d" and b.attrs["lookback_days"] == 90
    # more money than the tilt asks for: A stays at its +30% limit, B takes the rest
    b2 = ch.budget_plan(hist, 7000.4, NOVEMBER, params).set_index("channel")
    assert (b2.loc["A", "budget"], b2.loc["B", "budget"]) == (3900, 3100)
    assert not b2["limits_rescaled"].any()
    assert ch.budget_rule_text(b2.reset_index(), "zh")


def test_budget_lookback_roi_column_and_label_name_the_window():
    from jdpromo.text import column_label

    hist = ad_rows(*history({"A": (100, 600), "B": (100, 200)}, D(2026, 10, 1), D(2026, 10, 31)))
    b = ch.budget_plan(hist, 6000, NOVEMBER, ShopParams(), lookback_days=30)
    assert "roi_30d" in b and b.attrs["roi_column"] == "roi_30d"
    assert column_label("roi_90d", "zh") == "近90天ROI"
    assert column_label("roi_90d", "en") == "ROI, last 90 days"
    assert column_label("roi_30d", "zh") == "近30天ROI"
    assert column_label("roi", "zh") == "ROI（投产比）"  # the period's ROI keeps its own label
    assert "近30天ROI" in ch.budget_rule_text(b, "zh")
    assert "last 30 days" in ch.budget_rule_text(b, "en")


def test_budget_target_roi_is_the_shops_one_target():
    hist = ad_rows(*history({"A": (100, 600), "B": (100, 200)}, D(2026, 10, 1), D(2026, 10, 31)))
    # targets.roi wins over 保本ROI: tilt A = 6 / 5 = 1.2, B = clip(2 / 5) = 0.7
    b = ch.budget_plan(hist, 6000, NOVEMBER, ShopParams(targets={"roi": 5.0})).set_index("channel")
    assert b["target_roi"].eq(5.0).all() and b["target_roi_source"].eq("targets.roi").all()
    assert b.loc["A", "tilt"] == pytest.approx(1.2)
    assert "5.00" in ch.budget_rule_text(b, "zh") and "店铺设定的目标ROI" in ch.budget_rule_text(b)
    old = ch.budget_plan(hist, 6000, NOVEMBER, ShopParams(target_roi=5.0))
    assert old["target_roi_source"].eq("target_roi").all() and old["target_roi"].eq(5.0).all()
    none = ch.budget_plan(hist, 6000, NOVEMBER, ShopParams())
    assert none["target_roi_source"].eq("breakeven").all()
    assert none["target_roi"].iloc[0] == pytest.approx(1 / 0.27)
    assert "保本" in ch.budget_rule_text(none, "zh")


def three_lines() -> pd.DataFrame:
    """October: A, B and C spend 100 a day at ROI 4 (November base 3000 each)."""
    lines = {"A": (100, 400), "B": (100, 400), "C": (100, 400)}
    return ad_rows(*history(lines, D(2026, 10, 1), D(2026, 10, 31)))


def verdict_rows(*rows: tuple[str, str, float, str]) -> pd.DataFrame:
    """campaign_verdicts rows: (line, campaign, cost, verdict)."""
    return pd.DataFrame(rows, columns=["line", "campaign", "cost", "verdict"]).assign(
        revenue=np.nan, roi=np.nan, breakeven_roi=np.nan, new_customers=np.nan, carts=np.nan,
        reason="",
    )  # fmt: skip


def test_budget_paused_campaign_removes_its_share_of_the_line():
    # A's campaign a1 spent 1860 of the line's 3100: 60% of A's base goes
    verdicts = verdict_rows(
        ("A", "a1", 1860, "pause"), ("A", "a2", 1240, "keep"), ("A", "a3", 0, "hold"),
        ("B", "b1", 3100, "cut"), ("C", "c1", 3100, "grow"),
    )  # fmt: skip
    params = ShopParams(targets={"roi": 4.0})  # tilt 1 everywhere
    b = ch.budget_plan(three_lines(), 9000, NOVEMBER, params, verdicts=verdicts)
    b = b.set_index("channel")
    assert b.loc["A", "paused_cost_share"] == pytest.approx(0.6)
    assert b.loc["A", "paused_campaigns"] == "a1"
    assert b.loc["A", "active_base"] == pytest.approx(1200)
    assert (b.loc["B", "paused_cost_share"], b.loc["B", "paused_campaigns"]) == (0.0, "")
    assert b.loc["B", "active_base"] == pytest.approx(3000)  # cut and grow leave the base
    # the 1800 freed go to B and C: one factor s on [1200, 3000, 3000] sums to 9000 at s = 1.25
    assert (b.loc["A", "budget"], b.loc["B", "budget"], b.loc["C", "budget"]) == (1500, 3750, 3750)
    assert b["budget"].sum() == 9000 and not b["limits_rescaled"].any()
    assert b.loc["A", "change_pct"] == pytest.approx(-50.0)  # beyond −30%, and the text says why
    text = ch.budget_rule_text(b.reset_index(), "zh")
    assert "A：计划 a1 已判定暂停（占该产品线本期花费 60%）" in text
    assert "a1" in ch.budget_rule_text(b.reset_index(), "en")


def test_budget_line_with_every_campaign_paused_gets_zero():
    verdicts = verdict_rows(("A", "a1", 3000, "pause"), ("A", "a2", 100, "pause"))
    b = ch.budget_plan(
        three_lines(), 7000, NOVEMBER, ShopParams(targets={"roi": 4.0}), verdicts=verdicts
    )
    b = b.set_index("channel")
    assert b.loc["A", "budget"] == 0 and b.loc["A", "paused_cost_share"] == pytest.approx(1.0)
    assert b.loc["A", "paused_campaigns"] == "a1, a2"
    # B and C (not in the verdicts) share the total: 3500 each, +16.7% within the ±30% limits
    assert (b.loc["B", "budget"], b.loc["C", "budget"]) == (3500, 3500)
    assert b["budget"].sum() == 7000
    assert "A：所有计划（a1, a2）均已判定暂停，下期预算为 0。" in ch.budget_rule_text(
        b.reset_index()
    )
    every = verdict_rows(*((x, x.lower(), 3100, "pause") for x in "ABC"))
    with pytest.raises(ValueError, match="paused"):
        ch.budget_plan(three_lines(), 7000, NOVEMBER, ShopParams(), verdicts=every)


def test_budget_blocker_says_why_no_plan_can_be_made():
    # spend only in September: the reference month of November is October, with none
    sept = ad_rows(*history({"A": (100, 600)}, D(2026, 9, 1), D(2026, 9, 30)))
    assert ch.budget_blocker(sept, NOVEMBER) == ("ch_budget_no_spend", {"month": "2026-10"})
    with pytest.raises(ValueError, match="no ad spend in the reference month 2026-10"):
        ch.budget_plan(sept, 6000, NOVEMBER, ShopParams())
    assert ch.budget_blocker(three_lines(), NOVEMBER) is None
    every = verdict_rows(*((x, x.lower(), 3100, "pause") for x in "ABC"))
    assert ch.budget_blocker(three_lines(), NOVEMBER, verdicts=every) == (
        "ch_budget_all_paused",
        {"month": "2026-10"},
    )
    one = verdict_rows(("A", "a1", 3100, "pause"))  # B and C still fund the plan
    assert ch.budget_blocker(three_lines(), NOVEMBER, verdicts=one) is None
    assert "2026-10" in t("ch_budget_no_spend", "zh", month="2026-10")


def test_budget_change_never_beyond_the_stated_cap_season_included():
    rows = history({"A": (100, 400), "B": (100, 400)}, D(2026, 10, 1), D(2026, 10, 31))
    rows += history({"A": (100, 400), "B": (100, 400)}, D(2025, 10, 1), D(2025, 10, 31))
    rows += history({"A": (200, 800), "B": (100, 400)}, D(2025, 11, 1), D(2025, 11, 30))
    hist = ad_rows(*rows)
    # season factors A 2, B 1 ask for 6000 : 3000; last month's spend (6000) caps A at +30%
    b = ch.budget_plan(hist, 6000, NOVEMBER, ShopParams(targets={"roi": 4.0})).set_index("channel")
    assert b.loc["A", "season_factor"] == pytest.approx(2.0)
    assert (b.loc["A", "budget"], b.loc["B", "budget"]) == (3900, 2100)
    assert b["change_pct"].abs().max() <= 30.0 and not b["limits_rescaled"].any()
    assert "含淡旺季" in ch.budget_rule_text(b.reset_index(), "zh")


def test_budget_sums_to_total_and_respects_limits(rng):
    lines = {f"L{i}": (float(rng.uniform(50, 500)), float(rng.uniform(50, 3000))) for i in range(6)}
    hist = ad_rows(*history(lines, D(2026, 8, 1), D(2026, 10, 31)))
    base = sum(c for c, _ in lines.values()) * 30
    for total in (12345, 54321.6, 80000, base * 0.75, base * 1.05):
        b = ch.budget_plan(hist, total, NOVEMBER, ShopParams())
        assert b["budget"].sum() == round(total)
        assert b["budget"].dtype.kind == "i"
        if not b["limits_rescaled"].any():
            assert (b["budget"] >= b["lower"]).all() and (b["budget"] <= b["upper"]).all()
            assert (b["change_pct"].abs() <= 30.0).all()
        below = b["below_breakeven"]
        assert (b.loc[below, "budget"] <= b.loc[below, "base"]).all()


def test_budget_rounding_residue():
    hist = ad_rows(
        *history(
            {"A": (100, 400), "B": (100, 400), "C": (100, 400)}, D(2026, 10, 1), D(2026, 10, 31)
        )
    )
    b = ch.budget_plan(hist, 9001, NOVEMBER, ShopParams(targets={"roi": 4.0}))
    assert sorted(b["budget"]) == [3000, 3000, 3001]


def test_budget_outside_limits_is_rescaled():
    hist = ad_rows(*history({"A": (100, 400), "B": (100, 100)}, D(2026, 10, 1), D(2026, 10, 31)))
    b = ch.budget_plan(hist, 20_000, NOVEMBER, ShopParams(targets={"roi": 4.0}))
    assert b["limits_rescaled"].all() and b["budget"].sum() == 20_000
    assert "放宽" in ch.budget_rule_text(b, "zh")


def test_budget_line_below_breakeven_never_gets_more_than_its_base():
    # 保本ROI 1 / 0.27 ≈ 3.70; target 2: B (ROI 3) is above the target but below 保本
    lines = {"A": (100, 600), "B": (100, 300), "C": (100, 600)}
    hist = ad_rows(*history(lines, D(2026, 10, 1), D(2026, 10, 31)))
    params = ShopParams(targets={"roi": 2.0})
    b = ch.budget_plan(hist, 10_000, NOVEMBER, params).set_index("channel")
    assert b.loc["B", "below_breakeven"] and not b.loc["A", "below_breakeven"]
    assert b.loc["B", "tilt"] == 1.0  # not clip(3 / 2) = 1.3
    assert b.loc["B", "upper"] == 3000
    # one factor s on [3900, 3000, 3900] reaching 10000: s = 10000 / 10800
    assert (b.loc["A", "budget"], b.loc["B", "budget"], b.loc["C", "budget"]) == (3611, 2778, 3611)
    # even when the total needs wider limits, B stays at its base and A and C take the rest
    b = ch.budget_plan(hist, 12_000, NOVEMBER, params).set_index("channel")
    assert b["limits_rescaled"].all()
    assert (b.loc["A", "budget"], b.loc["B", "budget"], b.loc["C", "budget"]) == (4500, 3000, 4500)


def test_budget_does_not_cut_a_line_waiting_for_a_promotion():
    # 保本ROI 3.70, target 4: B (ROI 2) would get tilt 0.7 and no more than its base
    lines = {"A": (100, 600), "B": (100, 200)}
    hist = ad_rows(*history(lines, D(2026, 10, 1), D(2026, 10, 31)))
    params = ShopParams(targets={"roi": 4.0})
    verdicts = pd.DataFrame({"line": ["A", "B"], "campaign": ["a", "b"], "cost": [3100, 3100],
                             "verdict": ["grow", "hold"]})  # fmt: skip
    plain = ch.budget_plan(hist, 6000, NOVEMBER, params).set_index("channel")
    assert plain.loc["B", "tilt"] == pytest.approx(0.7) and plain.loc["B", "below_breakeven"]
    held = ch.budget_plan(hist, 6000, NOVEMBER, params, verdicts=verdicts).set_index("channel")
    assert held.loc["B", "held"] and held.loc["B", "below_breakeven"]
    assert held.loc["B", "tilt"] == 1.0  # judged after the promotion settles, not now
    assert held.loc["A", "tilt"] == pytest.approx(1.3)  # ROI 6 / 4 clipped to 1.3
    assert held["budget"].sum() == 6000
    # B's tilt 1 (not 0.7): one factor s on [3000 × 1.3, 3000 × 1] reaching 6000: s = 6000 / 6900
    assert (held.loc["A", "budget"], held.loc["B", "budget"]) == (3391, 2609)
    text = ch.budget_rule_text(held.reset_index(), "zh")
    assert "B：近90天ROI 低于保本，淡旺季系数也不加" in text and "预算保持上月花费" in text


def test_a_held_line_below_breakeven_gets_no_seasonal_increase():
    # last November spent 1.4× last October on every line: season factor 1.4 for both
    rows = history({"A": (100, 600), "B": (100, 200)}, D(2026, 10, 1), D(2026, 10, 31))
    rows += history({"A": (100, 600), "B": (100, 200)}, D(2025, 10, 1), D(2025, 10, 31))
    rows += history({"A": (140, 840), "B": (140, 280)}, D(2025, 11, 1), D(2025, 11, 30))
    hist = ad_rows(*rows)
    params = ShopParams(targets={"roi": 4.0})  # 保本 3.70: A (ROI 6) earns, B (ROI 2) does not
    verdicts = pd.DataFrame({"line": ["A", "B"], "campaign": ["a", "b"], "cost": [3100, 3100],
                             "verdict": ["hold", "hold"]})  # fmt: skip
    b = ch.budget_plan(hist, 7800, NOVEMBER, params, verdicts=verdicts).set_index("channel")
    assert b.loc["B", "season_factor"] == pytest.approx(1.4) and b.loc["B", "held"]
    # base 100 × 30 = 3,000 each; B below 保本: at most 3,000 whatever the season (was 3,900)
    assert b.loc["B", "budget"] == 3000 and b.loc["B", "change_pct"] == pytest.approx(0.0)
    assert b.loc["A", "budget"] == 4800 and b["budget"].sum() == 7800
    text = ch.budget_rule_text(b.reset_index(), "zh")
    assert "B：近90天ROI 低于保本，淡旺季系数也不加" in text
    assert "淡旺季系数也不加，不超过上月花费" in text
    assert "A：" not in text  # A earns above target: the hold spares it nothing worth saying
    en = ch.budget_rule_text(b.reset_index(), "en")
    assert "B: below break-even over the last 90 days, so no seasonal increase" in en


def test_budget_season_factor_from_last_year():
    rows = history({"A": (100, 400), "B": (100, 400)}, D(2026, 10, 1), D(2026, 10, 31))
    rows += history({"A": (100, 400), "B": (100, 400)}, D(2025, 10, 1), D(2025, 10, 31))
    rows += history({"A": (200, 800), "B": (100, 400)}, D(2025, 11, 1), D(2025, 11, 30))
    rows += history({"A": (100, 400)}, D(2025, 1, 1), D(2025, 9, 30))
    hist = ad_rows(*rows)
    b = ch.budget_plan(hist, 9000, NOVEMBER, ShopParams(target_roi=4.0)).set_index("channel")
    assert b.loc["A", "season_factor"] == pytest.approx(2.0)  # 200/day in Nov vs 100 in Oct
    assert b.loc["B", "season_factor"] == pytest.approx(1.0)
    assert b["season_basis"].eq("line").all()
    assert b.loc["A", "seasonal_base"] == pytest.approx(6000)
    # 9000 is 50% above last month's 6000: the ±30% limits are widened by 1.5 to [3150, 5850];
    # seasonal bases 6000 and 3000 at tilt 1 then put A at its widened upper limit
    assert b["limits_rescaled"].all()
    assert (b.loc["A", "budget"], b.loc["B", "budget"]) == (5850, 3150)


def test_budget_without_reference_spend_raises():
    hist = ad_rows(*history({"A": (100, 400)}, D(2026, 8, 1), D(2026, 8, 31)))
    with pytest.raises(ValueError, match="reference month"):
        ch.budget_plan(hist, 1000, NOVEMBER, ShopParams())


def curve_history(train: dict[str, tuple], holdout: dict[str, tuple]) -> pd.DataFrame:
    """Jul–Sep: costs alternate between two levels; October: one level. Revenue from ``f``."""
    rows = []
    day = D(2026, 7, 1)
    while day <= D(2026, 10, 31):
        i = (day - D(2026, 7, 1)).days
        spec = holdout if day >= D(2026, 10, 1) else train
        for line, (costs, f) in spec.items():
            cost = costs[i % len(costs)]
            rows.append(
                dict(
                    date=day,
                    product_line=line,
                    cost=cost,
                    revenue=f(cost),
                    impressions=1000,
                    clicks=10,
                )
            )
        day += dt.timedelta(days=1)
    return ad_rows(*rows)


# 保本ROI 1 (no margin lost to commission or refunds), so the curves below stay above it
BREAKEVEN_ONE = dict(gross_margin=1.0, commission_rate=0.0, refund_rate=0.0)


def sqrt_curves() -> pd.DataFrame:
    a_f, b_f = (lambda c: 60 * math.sqrt(c)), (lambda c: 30 * math.sqrt(c))
    return curve_history(
        {"A": ((50, 200), a_f), "B": ((50, 200), b_f)}, {"A": ((800,), a_f), "B": ((800,), b_f)}
    )


def test_response_curve_shown_when_it_beats_constant_roi():
    hist = sqrt_curves()
    r = ch.response_curve_plan(hist, 30_000, NOVEMBER, ShopParams(**BREAKEVEN_ONE), max_change=None)
    assert r.show and r.error_curve < 0.01 < r.error_constant_roi
    assert r.unallocated == 0
    plan = r.plan.set_index("channel")
    assert plan.loc["A", "curve_b"] == pytest.approx(0.5, abs=1e-3)
    assert plan.loc["A", "curve_a"] == pytest.approx(60, rel=1e-2)
    # equal marginal ROI with b = 1/2: spend ∝ a², so A gets 60² / (60² + 30²) = 80%
    assert plan.loc["A", "budget"] == pytest.approx(24_000, abs=5)
    assert plan["budget"].sum() == 30_000
    assert plan.loc["A", "marginal_roi"] == pytest.approx(plan.loc["B", "marginal_roi"], rel=1e-3)
    assert r.holdout == (D(2026, 10, 1), D(2026, 10, 31))
    assert "实验" in ch.response_curve_text(r, "zh")
    # the same curves for a November that holds Double 11: not shown, whatever the backtest
    promo = {"1111-2026": {"warmup": {"start": "2026-10-20", "end": "2026-10-31"},
                           "peak": {"start": "2026-11-01", "end": "2026-11-11"}}}  # fmt: skip
    held = ch.response_curve_plan(hist, 30_000, NOVEMBER,
                                  ShopParams(**BREAKEVEN_ONE, promotions=promo), max_change=None)  # fmt: skip
    assert held.promotion_next and not held.show
    assert ch.response_curve_text(held, "zh").startswith("下期有大促")


def test_response_curve_never_funds_a_line_below_breakeven_at_the_margin():
    # 保本ROI 1 / 0.27: revenue = a·√cost has marginal ROI a / (2√x) = 1/0.27 at
    # x = (0.27·a / 2)² a day: A (a = 60) 65.61 → 1968 in 30 days, B (a = 30) 16.40 → 492
    r = ch.response_curve_plan(sqrt_curves(), 30_000, NOVEMBER, ShopParams(), max_change=None)
    plan = r.plan.set_index("channel")
    assert (plan.loc["A", "budget"], plan.loc["B", "budget"]) == (1968, 492)
    assert r.unallocated == 30_000 - 1968 - 492
    assert (plan["marginal_roi"] >= ShopParams().breakeven_roi).all()
    assert "27,540 元未分配" in ch.response_curve_text(r, "zh")


def test_response_curve_gives_nothing_to_a_line_whose_campaigns_are_all_paused():
    verdicts = verdict_rows(("B", "b1", 24_800, "pause"))
    params = ShopParams(**BREAKEVEN_ONE)
    r = ch.response_curve_plan(
        sqrt_curves(), 30_000, NOVEMBER, params, max_change=None, verdicts=verdicts
    )
    plan = r.plan.set_index("channel")
    assert plan.loc["B", "budget"] == 0 and plan.loc["B", "rule_budget"] == 0
    # A alone: marginal 30 / √x = 1 at 900 a day, 27000 in November; the rest is not spent
    assert plan.loc["A", "budget"] == 27_000 and r.unallocated == 3000


def test_response_curve_hidden_when_constant_roi_predicts_better():
    flat = lambda c: 300.0  # noqa: E731 - revenue did not follow spend in the training months
    hist = curve_history({"A": ((50, 150), flat)}, {"A": ((200,), lambda c: 3.0 * c)})
    r = ch.response_curve_plan(hist, 6000, NOVEMBER, ShopParams())
    assert not r.show and r.error_constant_roi < r.error_curve
    assert r.error_constant_roi == pytest.approx(0.0, abs=1e-9)  # ROI 3 before and after
    bt = r.backtest.set_index("channel")
    assert bt.loc["A", "actual_revenue"] == pytest.approx(31 * 600)
    assert r.plan["budget"].sum() + r.unallocated == 6000
    assert "不展示" in ch.response_curve_text(r, "zh")


# --------------------------------------------------------------------------------------------
# 8. Explorer


def test_explore_ratio_of_sums_by_week_and_channel():
    ad = ad_rows(
        dict(date="2026-10-05", product_line="快车", impressions=100, clicks=10, cost=10,
             revenue=50),  # Monday
        dict(date="2026-10-06", product_line="快车", impressions=900, clicks=10, cost=30,
             revenue=50),
        dict(date="2026-10-12", product_line="快车", impressions=100, clicks=1, cost=1),
        dict(date="2026-10-06", product_line="展位", impressions=100, clicks=5, cost=5),
    )  # fmt: skip
    e = ch.explore(ad, "ad", ["快车"], "ctr", "2026-10-01", "2026-10-11", ["week", "channel"])
    assert len(e) == 1
    assert e.iloc[0]["week"] == pd.Timestamp("2026-10-05")
    assert e.iloc[0]["ctr"] == pytest.approx(20 / 1000)  # not the mean of 10% and 1.1%
    by_channel = ch.explore(ad, "ad", None, "roi", group_by="channel").set_index("channel")
    assert by_channel.loc["快车", "roi"] == pytest.approx(100 / 41)
    assert by_channel.loc["展位", "roi"] == 0.0
    daily = ch.explore(ad, "ad", None, "cost", group_by="day")
    assert list(daily["cost"]) == [10, 35, 1]
    with pytest.raises(ValueError):
        ch.explore(ad, "ad", None, "ctr", group_by="hour")
    with pytest.raises(ValueError):
        ch.explore(ad, "ad", None, "conversion")


def test_explore_traffic_month(traffic):
    e = ch.explore(traffic, "traffic", ["搜索"], "conversion", group_by="month")
    assert e.iloc[0]["conversion"] == pytest.approx(113 / 10399)


def test_compare_keeps_a_missing_column_nan_not_zero():
    # September's export has no 加购 column (NaN), October's has 10 carts per 100 clicks a day.
    # 加购率 in September is unknown, not 0%: no "+10pp" change may be reported.
    days = [*pd.date_range("2026-09-01", "2026-09-30"), *pd.date_range("2026-10-01", "2026-10-31")]
    frame = ad_rows(
        *(
            dict(date=d, product_line="快车", impressions=5000, clicks=100, cost=100,
                 order_lines=3, revenue=300, carts=10 if d.month == 10 else np.nan)
            for d in days
        ),
        # 展位 never exports carts: its 加购率 is unknown on both sides
        *(
            dict(date=d, product_line="展位", impressions=5000, clicks=50, cost=80,
                 order_lines=1, revenue=100, carts=np.nan)
            for d in days
        ),
    )  # fmt: skip
    c = ch.compare(frame, RESOLVED, Thresholds(), metrics=["cart_rate", "carts", "ctr"])
    prev = c.loc[c["comparison"] == "previous"].set_index(["channel", "metric"])
    assert prev.loc[("快车", "cart_rate"), "current"] == pytest.approx(0.1)
    assert math.isnan(prev.loc[("快车", "cart_rate"), "base"])
    assert math.isnan(prev.loc[("快车", "cart_rate"), "change"])
    assert not prev.loc[("快车", "cart_rate"), "is_finding"]
    assert math.isnan(prev.loc[("快车", "carts"), "base"])
    assert math.isnan(prev.loc[("展位", "cart_rate"), "current"])
    assert math.isnan(prev.loc[("展位", "cart_rate"), "base"])
    # columns every row carries are unaffected: ctr 2% and 1% on both sides
    assert prev.loc[("快车", "ctr"), "base"] == pytest.approx(0.02)
    assert prev.loc[("展位", "ctr"), "current"] == pytest.approx(0.01)


def test_shop_funnel_cart_rate_undefined_when_the_period_lacks_cart_buyers():
    """加购人数 exported in September but not in October: October's 加购率 is "—", not 0%."""
    from jdpromo.periods import parse_period

    days = pd.date_range("2026-09-29", "2026-10-02")
    shop = pd.DataFrame(
        {
            "date": days,
            "period_start": days,
            "period_end": days,
            "visitors": [100.0] * 4,
            "cart_buyers": [10.0, 10.0, np.nan, np.nan],
            "order_buyers": [5.0] * 4,
            "buyers": [4.0] * 4,
            "orders": [4.0] * 4,
            "gmv": [400.0] * 4,
        }
    )
    oct_ = parse_period("2026-10-01..2026-10-02").current
    funnel = ch.shop_funnel(shop, oct_).set_index("step")
    assert np.isnan(funnel.loc["cart_buyers", "count"])
    assert funnel.loc["buyers", "count"] == 8.0


def test_budget_total_defaults_to_this_periods_ad_spend():
    kpis = pd.DataFrame({"lens": ["ad", "ad", "traffic"], "cost": [1200.5, 300.0, np.nan]})
    assert ch.budget_total(kpis) == (1500.5, "ch_budget_source_last")
    assert ch.budget_total(kpis, 8000) == (8000.0, "ch_budget_source_param")


def test_budget_total_does_not_carry_a_promotions_spend_over():
    # 2026-10: 100 a day on the 13 ordinary days, 300 a day in the 18 warm-up days; no last year
    rows = history({"A": (100, 400)}, D(2026, 9, 1), D(2026, 10, 13))
    rows += history({"A": (300, 900)}, D(2026, 10, 14), D(2026, 10, 31))
    hist = ad_rows(*rows)
    kpis = pd.DataFrame({"lens": ["ad"], "cost": [13 * 100.0 + 18 * 300.0]})
    october = Period("2026-10", "month", D(2026, 10, 1), D(2026, 10, 31))
    promo = {"1111-2026": {"warmup": {"start": "2026-10-14", "end": "2026-10-31"},
                           "peak": {"start": "2026-11-01", "end": "2026-11-11"}}}  # fmt: skip
    params = ShopParams(targets={"cost": 2_000}, promotions=promo)
    total, source = ch.budget_total(kpis, params=params, history=hist, period=october,
                                    period_next=NOVEMBER)  # fmt: skip
    # the ordinary days' 100 a day × 30 days of November (season factor 1 without last year);
    # November holds the peak, so the ordinary month's 2,000 target does not cap it
    assert (total, source) == (pytest.approx(3000.0), "ch_budget_source_season_promotion")
    december = Period("2026-12", "month", D(2026, 12, 1), D(2026, 12, 31))
    total, source = ch.budget_total(kpis, params=ShopParams(targets={"cost": 99_999},
                                    promotions=promo), history=hist, period=october,
                                    period_next=december)  # fmt: skip
    assert (total, source) == (pytest.approx(3100.0), "ch_budget_source_season_ordinary")
    # a period that is all promotion: the ordinary days before it (环比) set the level
    warm = Period("w", "range", D(2026, 10, 14), D(2026, 10, 31))
    before = Period("b", "comparison", D(2026, 9, 26), D(2026, 10, 13))
    nxt = Period("n", "range", D(2026, 11, 1), D(2026, 11, 18))
    total, _ = ch.budget_total(kpis, params=params, history=hist, period=warm, period_next=nxt,
                               previous=before)  # fmt: skip
    assert total == pytest.approx(100.0 * 18)


def test_budget_total_follows_the_season_up_to_the_monthly_cost_target():
    # last year: 100 a day in October, 150 in November (season factor 1.5); October: 3100
    rows = history({"A": (100, 400)}, D(2025, 10, 1), D(2025, 10, 31))
    rows += history({"A": (150, 600)}, D(2025, 11, 1), D(2025, 11, 30))
    rows += history({"A": (100, 400)}, D(2025, 12, 1), D(2026, 10, 31))
    hist = ad_rows(*rows)
    kpis = pd.DataFrame({"lens": ["ad"], "cost": [3100.0]})
    october = Period("2026-10", "month", D(2026, 10, 1), D(2026, 10, 31))
    seasonal = dict(history=hist, period=october, period_next=NOVEMBER)
    # without a cost target: this period's spend, as before
    assert ch.budget_total(kpis, params=ShopParams(), **seasonal) == (
        3100.0,
        "ch_budget_source_last",
    )
    # 3100 / 31 days × 30 days × 1.5 = 4500, below a 5000 target
    total, source = ch.budget_total(kpis, params=ShopParams(targets={"cost": 5000}), **seasonal)
    assert (total, source) == (pytest.approx(4500), "ch_budget_source_season")
    # capped at a 4000 target
    total, source = ch.budget_total(kpis, params=ShopParams(targets={"cost": 4000}), **seasonal)
    assert (total, source) == (4000.0, "ch_budget_source_cost_target")
    # a 10-day period: the monthly target scales to 4000 × 10 / 30 days of November
    ten = Period("x", "range", D(2026, 11, 1), D(2026, 11, 10))
    before = Period("y", "range", D(2026, 10, 22), D(2026, 10, 31))
    kpis10 = pd.DataFrame({"lens": ["ad"], "cost": [1000.0]})
    total, source = ch.budget_total(
        kpis10, params=ShopParams(targets={"cost": 4000}), history=hist, period=before,
        period_next=ten,
    )  # fmt: skip
    # 1000 × 1.5 = 1500 is above 4000 × 10 / 30 = 1333.33
    assert (total, source) == (pytest.approx(4000 / 3), "ch_budget_source_cost_target")
    # the given total still wins
    assert (
        ch.budget_total(kpis, 9999, params=ShopParams(targets={"cost": 1}), **seasonal)[0] == 9999
    )


def test_a_partial_week_compares_volumes_per_day():
    """W44 has data for 6 of its 7 days (10-26..10-31), W43 for all 7: at the same 100 元 a
    day the spend did not fall 14.3% (600 vs 700) — per day it is flat; the rate is untouched."""
    days = pd.date_range("2026-10-19", "2026-10-31")
    frame = ad_rows(
        *(dict(date=d, product_line="快车", impressions=1000, clicks=20, cost=100.0) for d in days)
    )
    c = ch.compare(frame, parse_period("2026-W44"), Thresholds(), metrics=["ctr", "cost"])
    prev = c.loc[c["comparison"] == "previous"].set_index("metric")
    assert prev.loc["cost", "current"] == 600.0 and prev.loc["cost", "base"] == 700.0  # sums
    assert prev.loc["cost", "per_day"] and prev.loc["cost", "change"] == pytest.approx(0.0)
    assert prev.loc["cost", "direction"] == "flat" and prev.loc["cost", "money_effect"] == 0.0
    assert not prev.loc["ctr", "per_day"] and prev.loc["ctr", "change"] == pytest.approx(0.0)
    # 120 元 a day on the 6 days against 100: +20% per day, 6 × 20 = 120 元 at stake
    frame.loc[frame["date"] >= "2026-10-26", "cost"] = 120.0
    c = ch.compare(frame, parse_period("2026-W44"), Thresholds(), metrics=["cost"])
    row = c.loc[c["comparison"] == "previous"].iloc[0]
    assert row["change"] == pytest.approx(20.0) and row["money_effect"] == pytest.approx(120.0)
    # a full month against a full month keeps comparing totals (31 days vs 30)
    assert not ch.compare(frame, RESOLVED, Thresholds(), metrics=["cost"])["per_day"].any()


def test_explorer_marks_partial_weeks():
    """10-28..11-10 by week: W44 (10-26..11-01) has 5 days, W45 7, W46 only 11-09..11-10."""
    days = pd.date_range("2026-10-28", "2026-11-10")
    frame = ad_rows(*(dict(date=d, product_line="快车", cost=10.0, revenue=30.0) for d in days))
    out = ch.explore(frame, "ad", None, "roi", group_by="week")
    assert out["week"].dt.strftime("%m-%d").tolist() == ["10-26", "11-02", "11-09"]
    assert out["days"].tolist() == [5, 7, 2] and out["partial"].tolist() == [True, False, True]
    assert out["cost"].tolist() == [50.0, 70.0, 20.0] and (out["roi"] == 3.0).all()
    month = ch.explore(frame, "ad", None, "cost", group_by="month")
    assert month["days"].tolist() == [4, 10] and month["partial"].all()


def test_items_follow_a_campaign_judged_on_its_ordinary_days():
    """Items of a paused campaign are paused with it (no hold); a held item of a campaign to
    bid down takes the campaign's cut; other campaigns' items keep their own verdict."""
    items = pd.DataFrame({
        "line": ["展位", "展位", "站外", "快车"], "campaign": ["日常曝光", "日常曝光", "快手", "核心词"],
        "item": ["a", "b", "c", "d"], "verdict": ["hold", "grow", "hold", "hold"],
        "reason": ["promotion_hold", "above_target", "promotion_hold", "promotion_hold"],
        "bid_change": [np.nan] * 4,
    })  # fmt: skip
    verdicts = pd.DataFrame({
        "line": ["展位", "站外", "快车"], "campaign": ["日常曝光", "快手", "核心词"],
        "verdict": ["pause", "cut", "hold"], "bid_change": [np.nan, -0.2, np.nan],
    })  # fmt: skip
    out = ch._follow_campaigns(items, verdicts)
    assert out["verdict"].tolist() == ["pause", "pause", "cut", "hold"]
    assert out["reason"].tolist()[:3] == ["campaign_paused", "campaign_paused", "campaign_cut"]
    assert out["bid_change"].iloc[2] == pytest.approx(-0.2)
    assert ch._follow_campaigns(items, None) is items


def test_an_item_of_a_held_campaign_is_not_grown():
    """展位-新品首发 is held for the promotion (whole month ROI 2.97 < 保本 3.85): its audience
    店铺老客 at ROI 4.11 (≥ target) would be grow, but inside a held campaign it is hold
    (campaign_held); a grow item of a campaign that grows stays grow, a keep item stays keep."""
    items = pd.DataFrame({
        "line": ["展位", "展位", "展位", "购物触点"],
        "campaign": ["展位-新品首发", "展位-新品首发", "展位-新品首发", "购物车挽回"],
        "item": ["店铺老客", "高潜人群", "品类兴趣", "加购未购"],
        "verdict": ["grow", "hold", "keep", "grow"],
        "reason": ["above_target", "promotion_hold", "above_breakeven", "above_target"],
        "bid_change": [np.nan] * 4,
    })  # fmt: skip
    verdicts = pd.DataFrame({
        "line": ["展位", "购物触点"], "campaign": ["展位-新品首发", "购物车挽回"],
        "verdict": ["hold", "grow"], "bid_change": [np.nan, np.nan],
    })  # fmt: skip
    out = ch._follow_campaigns(items, verdicts)
    assert out["verdict"].tolist() == ["hold", "hold", "keep", "grow"]
    assert out["reason"].tolist() == [
        "campaign_held",
        "promotion_hold",
        "above_breakeven",
        "above_target",
    ]


def test_item_tests_leave_paused_campaigns_and_say_when_the_phase_ends_first():
    """10-01..10-31 with a warm-up 10-14..10-31: a test of a paused campaign is dropped; a
    promotion campaign's test needing 2 weeks from 10-31 cannot finish by 10-31 (0 weeks
    left); an ordinary campaign's test keeps its wait."""
    from jdpromo.params import Promotion

    period = Period("2026-10", "month", D(2026, 10, 1), D(2026, 10, 31))
    promos = {
        "1111-2026": Promotion(
            warmup={"start": "2026-10-14", "end": "2026-10-31"},
            peak={"start": "2026-11-01", "end": "2026-11-11"},
        )
    }
    tests = pd.DataFrame({
        "product_line": ["展位", "购物触点", "购物触点"],
        "campaign": ["展位-品牌日常曝光", "购物触点-大促预热", "购物触点-购物车挽回"],
        "weeks_needed": [5.1, 2.5, 5.7], "text_key": ["item_test_inconclusive_ctr"] * 3,
    })  # fmt: skip
    verdicts = pd.DataFrame({
        "line": ["展位", "购物触点"], "campaign": ["展位-品牌日常曝光", "购物触点-大促预热"],
        "verdict": ["pause", "hold"],
    })  # fmt: skip
    out = ch._tests_in_context(tests, period, verdicts, promos)
    assert out["campaign"].tolist() == ["购物触点-大促预热", "购物触点-购物车挽回"]
    assert out["ends_first"].tolist() == [True, False]
    assert out["phase_end"].iloc[0] == D(2026, 10, 31)
    row = out.iloc[0].to_dict()
    assert ch._phase_clause(row, "zh").endswith(
        "到 10-31 就结束了，阶段内测不完：不必为它等，按 ROI 决定去留。"
    )
    assert ch._phase_clause(out.iloc[1].to_dict(), "zh") == ""


def test_budget_rescaled_note_names_the_lines_past_the_cap():
    """Base 100 + 50 + 50 = 200, budgets 210 + 30 + 60 = 300: the total is 50% above; B
    (paused campaigns, −40%) has its own sentence, C +20% stays within ±30%, A +110% is named
    with its change."""
    plan = pd.DataFrame({
        "channel": ["A", "B", "C"], "base": [100.0, 50.0, 50.0], "budget": [210, 30, 60],
        "change_pct": [110.0, -40.0, 20.0], "paused_cost_share": [0.0, 0.5, 0.0],
    })  # fmt: skip
    zh = ch._rescaled_text(plan, 0.3, "zh")
    assert "总预算 300 元比上月花费（按天数折算）200 元多 50%" in zh
    assert zh.endswith("超过 ±30%（「A」+110.0%）。")
    en = ch._rescaled_text(plan, 0.3, "en")
    assert en.endswith("by more than ±30% from last month (“A” +110.0%).")


def _changes(rows):
    cols = ["lens", "channel", "metric", "comparison", "current", "change"]
    return pd.DataFrame(rows, columns=cols)


def test_a_volume_rise_is_good_news_only_when_it_pays():
    """Clicks +34% on a line with ROI 1.32 < 保本 3.85: no; clicks +46.5% while spend +47.5%:
    no; clicks +43.6% while spend +41.1% and ROI 4.52: yes; a rate (CTR) or a traffic source
    without spend rows: yes."""
    changes = _changes([
        ("ad", "站外广告", "clicks", "last_year", 3954, 34.0),
        ("ad", "站外广告", "cost", "last_year", 2884, 35.8),
        ("ad", "站外广告", "roi", "last_year", 1.32, -28.6),
        ("ad", "海投", "clicks", "last_year", 3900, 46.5),
        ("ad", "海投", "cost", "last_year", 3328, 47.5),
        ("ad", "海投", "roi", "last_year", 3.9, -4.8),
        ("ad", "购物触点", "clicks", "last_year", 4002, 43.6),
        ("ad", "购物触点", "cost", "last_year", 4334, 41.1),
        ("ad", "购物触点", "roi", "last_year", 4.52, 6.3),
        ("ad", "站外广告", "ctr", "last_year", 0.01, 5.0),
        ("traffic", "自主访问", "visitors", "last_year", 12645, 46.9),
        ("traffic", "站外", "visitors", "last_year", 4721, 39.4),
    ])  # fmt: skip
    pays = [ch._volume_pays(r, changes, 3.85) for _, r in changes.iterrows()]
    # 站外 visitors +39.4% while its ad line 站外广告 has ROI 1.32 < 保本 3.85: no good news
    assert [p for p, m in zip(pays, changes["metric"], strict=True) if m != "cost" and m != "roi"] == [
        False, False, True, True, True, False,
    ]  # fmt: skip
    # the same rise with 站外广告 at ROI 4.10 (above 保本), or without 站外广告 rows: good news
    earning = changes.assign(current=changes["current"].where(
        ~(changes["channel"].eq("站外广告") & changes["metric"].eq("roi")), 4.10))  # fmt: skip
    assert ch._volume_pays(earning.iloc[-1], earning, 3.85)
    alone = changes.loc[~changes["channel"].eq("站外广告")]
    assert ch._volume_pays(alone.iloc[-1], alone, 3.85)


def test_good_news_of_a_traffic_source_names_no_bids():
    """自主访问 has no bids or creatives: its keep advice speaks of products and events."""
    from jdpromo.text import t

    zh = t("recap_action_keep_traffic", "zh", channel="自主访问")
    assert "出价" not in zh and "创意" not in zh
    assert "bids" not in t("recap_action_keep_traffic", "en", channel="自主访问")
