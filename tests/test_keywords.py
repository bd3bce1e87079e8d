"""Keyword review: every number checked against values worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest
from jdpromo import keywords as kw
from jdpromo.params import KeywordParams, ShopParams
from jdpromo.periods import Period
from jdpromo.report import html_table, write_table, write_workbook
from jdpromo.text import COLUMNS, TEXT

D = dt.date
PERIOD = Period("2026-10-01..2026-10-02", "range", D(2026, 10, 1), D(2026, 10, 2))
COLS = [
    "date", "campaign", "unit", "keyword", "search_term", "keyword_id", "bid", "match_type",
    "impressions", "clicks", "cost", "order_lines", "revenue", "carts",
]  # fmt: skip
# gross margin 0.38 − commission 0.08 − refunds 0.04 = 0.26: 保本ROI = 1 / 0.26
PARAMS = ShopParams(
    gross_margin=0.38, commission_rate=0.08, refund_rate=0.04, targets={"roi": 4.0},
    brand_terms=["澄禾", "chenghe"], bid_step_cap=0.3,
)  # fmt: skip
BE = 1 / 0.26


def rows(*recs: dict) -> pd.DataFrame:
    """Canonical keyword_daily rows; unspecified counts 0, texts NA."""
    out = []
    for r in recs:
        rec = {c: 0.0 for c in COLS[8:]}
        rec.update({"date": "2026-10-01", "campaign": "计划A", "unit": "单元1", "search_term": None,
                    "keyword_id": None, "bid": np.nan, "match_type": "短语匹配"})  # fmt: skip
        rec.update(r)
        out.append(rec)
    frame = pd.DataFrame(out, columns=COLS)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def params(**kwargs) -> ShopParams:
    return PARAMS.model_copy(update={"keywords": KeywordParams(**kwargs)})


@pytest.fixture
def two_levels() -> pd.DataFrame:
    return rows(
        # keyword report: 空气炸锅 on two days, the later day listed first; bid changes
        dict(
            date="2026-10-02",
            keyword="空气炸锅",
            keyword_id="11",
            bid=2.5,
            impressions=300,
            clicks=30,
            cost=40,
            order_lines=3,
            revenue=500,
            carts=4,
        ),
        dict(
            date="2026-10-01",
            keyword="空气炸锅",
            keyword_id="11",
            bid=2.0,
            impressions=100,
            clicks=10,
            cost=20,
            order_lines=1,
            revenue=100,
            carts=1,
        ),
        dict(keyword="澄禾电饭煲", keyword_id="12", bid=1.0, impressions=50, match_type="精确匹配"),
        # outside the period: never counted
        dict(
            date="2026-10-03",
            keyword="空气炸锅",
            keyword_id="11",
            bid=9.0,
            impressions=999,
            clicks=99,
            cost=99,
        ),
        # search-term report: never added to the keyword report
        dict(
            keyword="空气炸锅",
            search_term="空气炸锅 家用",
            impressions=200,
            clicks=20,
            cost=30,
            order_lines=5,
            revenue=400,
        ),
        dict(
            keyword="空气炸锅",
            search_term="空气炸锅家用",
            date="2026-10-02",
            impressions=100,
            clicks=2,
            cost=3,
            order_lines=1,
            revenue=80,
        ),
        dict(keyword="空气炸锅", search_term="空气炸锅", impressions=80, clicks=8, cost=7),
    )


# --------------------------------------------------------------------------------------------
# KPIs


def test_keyword_kpis_use_the_keyword_report_only(two_levels):
    k = kw.keyword_kpis(two_levels, PERIOD, PARAMS.brand_terms).set_index("keyword")
    assert k.attrs["source"] == kw.SOURCE_KEYWORD_REPORT
    a = k.loc["空气炸锅"]
    # 100 + 300 impressions, 10 + 30 clicks, 20 + 40 元, 1 + 3 order lines, 100 + 500 元
    assert (a["impressions"], a["clicks"], a["cost"], a["order_lines"], a["revenue"]) == (
        400, 40, 60, 4, 600)  # fmt: skip
    assert a["ctr"] == pytest.approx(40 / 400)
    assert a["cpc"] == pytest.approx(60 / 40)
    assert a["cvr"] == pytest.approx(4 / 40)
    assert a["cpa"] == pytest.approx(60 / 4)
    assert a["roi"] == pytest.approx(600 / 60)
    assert a["cost_share"] == pytest.approx(1.0)
    assert a["bid"] == 2.5  # the bid on the period's last day, though listed first
    assert a["keyword_id"] == "11" and not a["is_brand"]
    b = k.loc["澄禾电饭煲"]
    assert b["is_brand"] and b["ctr"] == 0
    for rate in ("cpc", "cvr", "cpa", "roi"):  # zero denominators: undefined, not 0
        assert math.isnan(b[rate])
    assert b["match_type"] == "精确匹配"


def test_keyword_kpis_fall_back_to_search_terms_and_say_so(two_levels):
    terms_only = two_levels[two_levels["search_term"].notna()]
    k = kw.keyword_kpis(terms_only, PERIOD)
    assert k.attrs["source"] == kw.SOURCE_SEARCH_TERMS
    assert list(k["source"]) == [kw.SOURCE_SEARCH_TERMS]
    row = k.iloc[0]
    assert (row["clicks"], row["cost"], row["order_lines"]) == (30, 40, 6)
    assert math.isnan(row["bid"])


def test_search_term_kpis_keep_the_keyword_they_matched(two_levels):
    t = kw.search_term_kpis(two_levels, PERIOD, PARAMS.brand_terms).set_index("search_term")
    assert list(t.index) == ["空气炸锅 家用", "空气炸锅", "空气炸锅家用"]  # by spend
    assert set(t["keyword"]) == {"空气炸锅"}
    row = t.loc["空气炸锅 家用"]
    # 5 order lines from 20 clicks: cvr 25%
    assert row["cvr"] == pytest.approx(0.25)
    assert row["cost_share"] == pytest.approx(30 / 40)
    assert t.loc["空气炸锅", "is_keyword"] and not t.loc["空气炸锅 家用", "is_keyword"]
    assert kw.search_term_kpis(two_levels[two_levels["search_term"].isna()], PERIOD).empty


def test_more_order_lines_than_clicks_is_a_count_not_an_error():
    frame = rows(
        dict(keyword="a", impressions=100000, clicks=2000, cost=2000, order_lines=40, revenue=4000),
        # 2 clicks, 5 order lines (one buyer, several SKU lines): cvr 250%
        dict(keyword="b", impressions=20, clicks=2, cost=2, order_lines=5, revenue=500),
    )
    kp = KeywordParams(prior_clicks=100, shrink_to="account")
    k = kw.shrink_rates(kw.keyword_kpis(frame, PERIOD), kp).set_index("keyword")
    assert k.loc["b", "cvr"] == pytest.approx(2.5)
    # account cvr 45 / 2002; shrunk: (5 + 100 × 45/2002) / (2 + 100)
    acc = 45 / 2002
    assert k.loc["b", "cvr_shrunk"] == pytest.approx((5 + 100 * acc) / 102)
    q = kw.add_quadrants(k, kp)
    assert 0 < q.loc["b", "p_cvr_above"] < 1


# --------------------------------------------------------------------------------------------
# Shrinkage and quadrants


def test_shrinkage_against_a_known_prior():
    # account: 10,000 impressions, 200 clicks (CTR 2%), 4 order lines (cvr 2%), 800 元
    k = pd.DataFrame({
        "campaign": ["c", "c"], "keyword": ["w1", "w2"], "impressions": [1000.0, 9000.0],
        "clicks": [20.0, 180.0], "order_lines": [3.0, 1.0], "revenue": [600.0, 200.0],
        "cost": [20.0, 180.0],
    })  # fmt: skip
    kp = KeywordParams(
        prior_clicks=100,
        prior_impressions=1000,
        prior_order_lines=5,
        shrink_to="account",
        quadrant_probability=0.8,
        min_clicks_quadrant=0,
    )
    s = kw.shrink_rates(k, kp).set_index("keyword")
    assert s.loc["w1", "cvr_prior"] == pytest.approx(0.02)
    # (3 + 100 × 0.02) / (20 + 100) = 5 / 120
    assert s.loc["w1", "cvr_shrunk"] == pytest.approx(5 / 120)
    # (20 + 1000 × 0.02) / (1000 + 1000) = 0.02
    assert s.loc["w1", "ctr_shrunk"] == pytest.approx(0.02)
    # revenue per order line: account 800 / 4 = 200; (600 + 5 × 200) / (3 + 5) = 200
    assert s.loc["w1", "revenue_per_order_line"] == pytest.approx(200)
    # posterior Gamma(shape 5, rate 120): P(cvr > 0.02) = P(Poisson(2.4) < 5)
    x = 0.02 * 120
    hand = sum(math.exp(-x) * x**i / math.factorial(i) for i in range(5))
    q = kw.add_quadrants(s, kp)
    assert q.loc["w1", "p_cvr_above"] == pytest.approx(hand, rel=1e-9)


def test_campaign_prior_is_shrunk_toward_the_account():
    k = pd.DataFrame({
        "campaign": ["big", "small"], "keyword": ["a", "b"], "impressions": [9900.0, 100.0],
        "clicks": [190.0, 10.0], "order_lines": [2.0, 2.0], "revenue": [200.0, 200.0],
        "cost": [190.0, 10.0],
    })  # fmt: skip
    kp = KeywordParams(prior_clicks=100, prior_impressions=1000, shrink_to="campaign")
    s = kw.shrink_rates(k, kp).set_index("keyword")
    # account cvr 4 / 200 = 0.02; campaign "small": (2 + 100 × 0.02) / (10 + 100) = 4 / 110
    assert s.loc["b", "cvr_prior"] == pytest.approx(4 / 110)
    # the word toward its campaign: (2 + 100 × 4/110) / (10 + 100)
    assert s.loc["b", "cvr_shrunk"] == pytest.approx((2 + 100 * 4 / 110) / 110)
    # CTR: account 200 / 10,000; campaign small (10 + 1000 × 0.02) / (100 + 1000)
    assert s.loc["b", "ctr_prior"] == pytest.approx(30 / 1100)


def test_a_word_with_three_clicks_is_neither_star_nor_dud():
    k = pd.DataFrame({
        "campaign": ["c"] * 4, "keyword": ["big", "lucky", "unlucky", "proven"],
        "impressions": [100000.0, 30.0, 300.0, 5000.0], "clicks": [2000.0, 3.0, 3.0, 400.0],
        "order_lines": [50.0, 1.0, 0.0, 40.0], "revenue": [5000.0, 100.0, 0.0, 4000.0],
        "cost": [2000.0, 3.0, 3.0, 400.0],
    })  # fmt: skip
    kp = KeywordParams(
        prior_clicks=100, prior_impressions=1000, shrink_to="account", min_clicks_quadrant=0
    )  # the shrinkage alone decides
    q = kw.add_quadrants(kw.shrink_rates(k, kp), kp).set_index("keyword")
    # raw rates would make "lucky" a star (CTR 10%, cvr 33%) and "unlucky" a dud (1%, 0%)
    assert q.loc["lucky", "quadrant"] == "uncertain"
    assert q.loc["unlucky", "quadrant"] == "uncertain"
    # 400 clicks at CTR 8% and cvr 10% against the account's ~2% and ~2.8%: a real star
    assert q.loc["proven", "quadrant"] == "star"
    kp2 = kp.model_copy(update={"min_clicks_quadrant": 500})
    q2 = kw.add_quadrants(kw.shrink_rates(k, kp2), kp2).set_index("keyword")
    assert q2.loc["proven", "quadrant"] == "uncertain"


# --------------------------------------------------------------------------------------------
# Head / long tail, brand


def test_head_and_long_tail_by_clicks_share_and_by_length():
    k = pd.DataFrame({"keyword": ["a", "b", "c", "d", "e"], "clicks": [50.0, 30, 15, 5, 0]})
    # cumulative share before each word: 0, 0.5, 0.8, 0.95, 1.0 → head while below 80%
    out = kw.classify_head_tail(k, "clicks_share", 0.8)
    assert list(out["word_class"]) == ["head", "head", "long_tail", "long_tail", "long_tail"]
    k2 = pd.DataFrame({"keyword": ["空气炸锅", "无涂层空气炸锅家用", "a b c d e f g"],
                       "clicks": [1.0, 1, 1]})  # fmt: skip
    out2 = kw.classify_head_tail(k2, "length", min_chars=7)
    assert list(out2["word_class"]) == ["head", "long_tail", "long_tail"]


def test_brand_words_and_their_share():
    s = pd.Series(["澄禾空气炸锅", "CHENGHE 电饭煲", "空气炸锅", None])
    assert kw.is_brand(s, ["澄禾", "chenghe"]).tolist() == [True, True, False, False]
    assert not kw.is_brand(s, []).any()
    terms = pd.DataFrame({
        "search_term": ["澄禾", "空气炸锅"], "is_brand": [True, False],
        "impressions": [100.0, 300], "clicks": [10.0, 30], "cost": [5.0, 45], "order_lines": [1.0, 1],
        "revenue": [300.0, 100], "carts": [0.0, 0],
    })  # fmt: skip
    b = kw.brand_share(terms.iloc[0:0].assign(keyword=[]), terms).set_index("level")
    assert list(b.index) == ["search_terms"]
    assert b.loc["search_terms", "brand_click_share"] == pytest.approx(10 / 40)
    assert b.loc["search_terms", "brand_revenue_share"] == pytest.approx(300 / 400)
    assert b.loc["search_terms", "brand_cost_share"] == pytest.approx(5 / 50)


def test_brand_share_is_paid_search_only_with_the_roi_without_brand_words():
    terms = pd.DataFrame({
        "search_term": ["澄禾", "澄禾电饭煲", "空气炸锅", "电饭煲"],
        "is_brand": [True, True, False, False],
        "impressions": [100.0, 100, 300, 200], "clicks": [10.0, 10, 30, 20],
        "cost": [5.0, 15, 45, 15], "order_lines": [1.0, 1, 1, 1],
        "revenue": [300.0, 200, 100, 80], "carts": [0.0] * 4,
    })  # fmt: skip
    keywords = pd.DataFrame({
        "keyword": ["澄禾", "空气炸锅"], "is_brand": [True, False],
        "impressions": [0.0, 0], "clicks": [0.0, 0], "cost": [10.0, 0.0], "order_lines": [0.0, 0],
        "revenue": [50.0, 0.0], "carts": [0.0, 0],
    })  # fmt: skip
    b = kw.brand_share(keywords, terms).set_index("level")
    # 京东商智 has no search words: both levels are paid search only
    assert (b["scope"] == kw.BRAND_SCOPE).all() and kw.BRAND_SCOPE == "paid_search"
    # brand clicks (10 + 10) / 70; without brand words: revenue (100 + 80) / cost (45 + 15) = 3
    assert b.loc["search_terms", "brand_click_share"] == pytest.approx(20 / 70)
    assert b.loc["search_terms", "nonbrand_roi"] == pytest.approx(180 / 60)
    # the only non-brand keyword has no spend: undefined, not 0 or inf
    assert math.isnan(b.loc["keywords", "nonbrand_roi"])
    cols = list(b.reset_index().columns)
    assert cols.index("nonbrand_roi") == cols.index("brand_click_share") + 1  # shown beside it
    shown = kw.display_frame(b.reset_index(), "zh")
    assert set(shown["scope"]) == {"仅付费搜索（快车）"}
    rv = kw.KeywordReview(
        source=kw.SOURCE_KEYWORD_REPORT, account={"roi": 1.0, "cvr": 0.01}, keywords=keywords,
        terms=terms, head_tail=pd.DataFrame(), brand=b.reset_index(), brand_trend=pd.DataFrame(),
        quadrants=pd.DataFrame(), match_types=pd.DataFrame(), negatives=pd.DataFrame(),
        pauses=pd.DataFrame(), bids=pd.DataFrame(), themes=pd.DataFrame(),
        hot_words=pd.DataFrame(), new_words=pd.DataFrame(), benchmarks=pd.DataFrame(),
        target_roi=4.0, target_basis="targets.roi", breakeven_roi=BE,
    )  # fmt: skip
    zh = " ".join(kw.summary_sentences(rv, "zh"))
    assert "付费搜索（快车）中，品牌词（按搜索词）占点击的 28.57%" in zh
    assert "不含品牌词的快车ROI 3.00" in zh
    assert "without brand words 3.00" in " ".join(kw.summary_sentences(rv, "en"))


def test_brand_trend_prefers_search_terms_per_month(two_levels):
    extra = rows(dict(date="2026-09-15", keyword="澄禾", clicks=10, revenue=100),
                 dict(date="2026-09-15", keyword="电饭煲", clicks=30, revenue=100))  # fmt: skip
    frame = pd.concat([two_levels, extra], ignore_index=True)
    trend = kw.brand_share_trend(frame, D(2026, 10, 31), ["澄禾"]).set_index("month")
    sep, octo = trend.loc[pd.Timestamp("2026-09-01")], trend.loc[pd.Timestamp("2026-10-01")]
    assert sep["level"] == "keywords" and sep["brand_click_share"] == pytest.approx(10 / 40)
    assert octo["level"] == "search_terms" and octo["brand_click_share"] == 0


# --------------------------------------------------------------------------------------------
# Negatives, pauses, bids


def _negative_terms() -> pd.DataFrame:
    base = dict(campaign="计划A", unit="单元1", keyword="空气炸锅", match_type="切词包含",
                impressions=1000.0, carts=0.0)  # fmt: skip
    recs = [
        # converts: 800 clicks, 20 order lines, 2,000 元 (100 元 per order line)
        dict(search_term="空气炸锅", clicks=800, cost=800, order_lines=20, revenue=2000),
        # 100 clicks, 100 元, nothing sold
        dict(search_term="空气炸锅专用纸", clicks=100, cost=100, order_lines=0, revenue=0),
        # the same, but a brand term: never proposed
        dict(search_term="澄禾 空气炸锅纸", clicks=100, cost=100, order_lines=0, revenue=0),
        # too little evidence
        dict(search_term="空气炸锅 配件", clicks=5, cost=5, order_lines=0, revenue=0),
        # a keyword bought in the unit: goes to pause, not to negatives
        dict(
            search_term="不锈钢空气炸锅",
            keyword="不锈钢空气炸锅",
            clicks=100,
            cost=100,
            order_lines=0,
            revenue=0,
        ),
    ]
    return pd.DataFrame([{**base, **r} for r in recs])


def test_negative_candidates_by_hand():
    terms = _negative_terms()
    terms["is_brand"] = kw.is_brand(terms["search_term"], PARAMS.brand_terms)
    keywords = pd.DataFrame({"campaign": ["计划A"] * 2, "unit": ["单元1"] * 2,
                             "keyword": ["空气炸锅", "不锈钢空气炸锅"]})  # fmt: skip
    p = params(
        prior_clicks=100,
        prior_order_lines=5,
        shrink_to="account",
        min_clicks_negative=20,
        min_expected_order_lines=2,
        max_probability=0.1,
    )
    neg = kw.negative_candidates(terms, p, keywords)
    assert list(neg["search_term"]) == ["空气炸锅专用纸"]
    row = neg.iloc[0]
    assert (row["keyword"], row["campaign"], row["unit"]) == ("空气炸锅", "计划A", "单元1")
    assert row["spend_saved"] == 100 and row["reason"] == "no_orders"
    # account: 20 order lines / 1,105 clicks; 2,000 元 / 20 lines = 100 元 per line
    acc = 20 / 1105
    # break-even cvr = cpc 1 元 × 保本ROI / 100 元
    be = 1.0 * BE / 100
    assert row["breakeven_cvr"] == pytest.approx(be)
    # posterior Gamma(shape 100·acc, rate 200): P(cvr ≥ be)
    from scipy.stats import gamma

    assert row["p_breakeven"] == pytest.approx(gamma.sf(be * 200, 100 * acc))
    # profit gain = spend − revenue × contribution margin = 100 − 0
    assert row["profit_gain"] == pytest.approx(100)
    assert row["negative_match"] == "exact" and row["within_unit_limit"]


def test_negative_probability_matches_the_closed_form():
    # shape 2 (prior 100 clicks at cvr 0.02, no order line): P(Gamma(2, 1) > x) = e^-x (1 + x)
    k = pd.DataFrame({"campaign": ["c"], "clicks": [100.0], "order_lines": [0.0],
                      "impressions": [1000.0], "revenue": [0.0], "cost": [100.0],
                      "cpc": [1.0]})  # fmt: skip
    kp = KeywordParams(prior_clicks=100, prior_order_lines=5, shrink_to="account")
    acc = {"ctr": 0.1, "cvr": 0.02, "revenue_per_order_line": 100.0}
    out = kw.add_breakeven(kw.shrink_rates(k, kp, acc), kp, BE).iloc[0]
    x = (BE / 100) * 200
    assert out["p_breakeven"] == pytest.approx(math.exp(-x) * (1 + x), rel=1e-9)
    assert out["expected_at_breakeven"] == pytest.approx(100 * BE / 100)


def test_negatives_respect_the_per_unit_limit():
    terms = pd.DataFrame({
        "campaign": ["c"] * 4, "unit": ["u"] * 4, "keyword": ["k"] * 4, "match_type": ["切词包含"] * 4,
        "search_term": ["k", "x1", "x2", "x3"], "impressions": [1000.0] * 4,
        "clicks": [900.0, 100, 100, 100], "cost": [900.0, 300, 200, 100],
        "order_lines": [30.0, 0, 0, 0], "revenue": [3000.0, 0, 0, 0], "carts": [0.0] * 4,
        "is_brand": [False] * 4,
    })  # fmt: skip
    p = params(max_negatives_per_unit=2, shrink_to="account")
    neg = kw.negative_candidates(terms, p)
    assert list(neg["search_term"]) == ["x1", "x2", "x3"]
    assert list(neg["rank_in_unit"]) == [1, 2, 3]
    assert list(neg["within_unit_limit"]) == [True, True, False]
    no_bids = kw.bid_suggestions(_bids_frame(), PARAMS).iloc[0:0]
    sheets = kw.action_sheets(neg, kw.keyword_pauses(None, p), no_bids,
                              pd.DataFrame(columns=["source", "reason"]))  # fmt: skip
    assert list(sheets["否定关键词"]["否定关键词"]) == ["x1", "x2"]


def _bids_frame() -> pd.DataFrame:
    # value of a click = cvr_shrunk × revenue per order line = 0.05 × 200 = 10 元
    return pd.DataFrame({
        "campaign": ["c"] * 5, "unit": ["u"] * 5, "keyword": ["up", "up_cap", "down_cap", "few", "nobid"],
        "keyword_id": ["1", "2", "3", "4", "5"], "match_type": ["精确匹配"] * 5,
        "clicks": [100.0, 100, 100, 5, 100], "cost": [150.0] * 5, "order_lines": [5.0] * 5,
        "revenue": [1000.0] * 5, "cpc": [1.5, 1.5, 1.5, 1.5, 2.0], "roi": [6.0] * 5,
        "bid": [2.0, 2.0, 20.0, 2.0, np.nan], "cvr_shrunk": [0.05, 0.2, 0.05, 0.05, 0.05],
        "revenue_per_order_line": [200.0] * 5,
    })  # fmt: skip


def test_bid_suggestions_by_hand():
    b = kw.bid_suggestions(_bids_frame(), PARAMS).set_index("keyword")
    # target bid = 10 元 / target ROI 4 = 2.5 元: +25% from 2.0, within the 30% cap
    assert b.loc["up", "target_bid"] == pytest.approx(2.5)
    assert b.loc["up", "new_bid"] == pytest.approx(2.5) and b.loc["up", "reason"] == "raise"
    assert b.loc["up", "bid_change"] == pytest.approx(0.25)
    # CPC scales with the bid: 1.5 × 2.5 / 2.0 = 1.875; expected ROI 10 / 1.875
    assert b.loc["up", "expected_cpc"] == pytest.approx(1.875)
    assert b.loc["up", "expected_roi"] == pytest.approx(10 / 1.875)
    # 0.2 × 200 / 4 = 10 元 wanted: capped at 2.0 × 1.3 = 2.6
    assert b.loc["up_cap", "new_bid"] == pytest.approx(2.6)
    assert b.loc["up_cap", "reason"] == "raise_capped"
    # 2.5 wanted from 20.0: capped at 20 × 0.7 = 14
    assert b.loc["down_cap", "new_bid"] == pytest.approx(14.0)
    assert b.loc["down_cap", "reason"] == "lower_capped"
    # too few clicks: the bid stays
    assert b.loc["few", "new_bid"] == 2.0 and b.loc["few", "reason"] == "few_clicks"
    # no bid exported: the step is measured from the CPC (2.0 → 2.5 is +25%)
    assert b.loc["nobid", "bid_basis"] == "cpc" and math.isnan(b.loc["nobid", "current_bid"])
    assert b.loc["nobid", "new_bid"] == pytest.approx(2.5)
    assert b.loc["nobid", "expected_cpc"] == pytest.approx(2.5)  # upper bound: the bid itself
    assert (b["target_basis"] == "targets.roi").all()


def test_bid_rounding_never_steps_past_the_cap():
    f = _bids_frame().iloc[[2]].assign(bid=3.99)  # 3.99 × 0.7 = 2.793
    b = kw.bid_suggestions(f, PARAMS).iloc[0]
    assert b["new_bid"] == pytest.approx(2.80)
    assert b["bid_change"] >= -0.3
    no_target = PARAMS.model_copy(update={"targets": {}})
    assert kw.bid_suggestions(f, no_target).iloc[0]["target_basis"] == "breakeven"


@pytest.mark.parametrize(
    ("settings", "target", "basis", "label"),
    [
        # targets.roi only: the one target ROI (the old code ignored it and used 保本ROI)
        ({"targets": {"roi": 4.0}}, 4.0, "targets.roi", "参数 targets.roi"),
        # target_roi only: its older name still counts
        ({"target_roi": 5.0}, 5.0, "target_roi", "参数 target_roi"),
        # neither: 保本ROI = 1 / (0.38 − 0.08 − 0.04) = 1 / 0.26 ≈ 3.85
        ({}, 1 / 0.26, "breakeven", "未设目标ROI，用保本ROI"),
    ],
)
def test_bids_use_the_shops_one_target_roi(settings, target, basis, label):
    shop = ShopParams(gross_margin=0.38, commission_rate=0.08, refund_rate=0.04, **settings)
    b = kw.bid_suggestions(_bids_frame(), shop).set_index("keyword")
    assert np.allclose(b["target_roi"], target) and (b["target_basis"] == basis).all()
    # value of a click 0.05 × 200 = 10 元; affordable bid = 10 / target
    assert b.loc["up", "target_bid"] == pytest.approx(10 / target)
    # every page that prints the target says which one it is
    evidence = kw.explain(b.reset_index(), "bid", "zh")["evidence"]
    assert evidence.str.contains(f"目标ROI {target:.2f}（{label}", regex=False).all()


def test_keywords_failing_break_even_are_paused_or_bid_down():
    k = pd.DataFrame({
        "campaign": ["c"] * 3, "unit": ["u"] * 3, "keyword": ["none", "some", "fine"],
        "keyword_id": ["1", "2", "3"], "match_type": ["短语匹配"] * 3, "bid": [3.0, 3.0, 3.0],
        "impressions": [5000.0] * 3, "clicks": [200.0, 200, 200], "cost": [400.0] * 3,
        "order_lines": [0.0, 2, 12], "revenue": [0.0, 200, 2400], "carts": [0.0] * 3,
        "is_brand": [False] * 3,
    })  # fmt: skip
    k = kw._add_ratios(k)
    p = params(shrink_to="account", min_clicks_pause=30)
    acc = {"ctr": 0.04, "cvr": 0.03, "revenue_per_order_line": 200.0}
    k = kw.add_breakeven(kw.shrink_rates(k, p.keywords, acc), p.keywords, p.breakeven_roi)
    out = kw.keyword_pauses(k, p).set_index("keyword")
    assert list(out.index) == ["none", "some"]
    assert out.loc["none", "action"] == "pause" and math.isnan(out.loc["none", "new_bid"])
    assert out.loc["none", "spend_saved"] == 400
    assert out.loc["some", "action"] == "bid_down"
    assert out.loc["some", "new_bid"] < 3.0
    # profit gain = 400 − 200 × 0.26
    assert out.loc["some", "profit_gain"] == pytest.approx(400 - 200 * 0.26)


# --------------------------------------------------------------------------------------------
# Match types, n-grams, industry words


def test_match_type_review_sums_drifted_terms(two_levels):
    k = kw.keyword_kpis(two_levels, PERIOD)
    t = kw.search_term_kpis(two_levels, PERIOD)
    m = kw.match_type_review(k, t).set_index("match_type")
    row = m.loc["短语匹配"]
    assert row["terms"] == 3
    # terms other than the keyword itself: 30 + 3 元 of 40 元, revenue 400 + 80
    assert row["drift_cost"] == pytest.approx(33)
    assert row["drift_cost_share"] == pytest.approx(33 / 40)
    assert row["drift_roi"] == pytest.approx(480 / 33)


def test_term_ngrams_are_distinct_per_term():
    assert kw.term_ngrams(["a", "b", "a"], 2) == {"a": 1, "b": 1, "a b": 2, "b a": 2}
    assert kw.term_ngrams(["空气炸锅", "家用"], 3) == {"空气炸锅": 1, "家用": 1, "空气炸锅家用": 2}
    assert kw.term_ngrams([], 3) == {}


def test_ngram_themes_are_ratios_of_sums():
    terms = pd.DataFrame(
        {
            "search_term": ["空气炸锅 家用", "空气炸锅 大容量", "电饭煲 家用", "空气炸锅 家用"],
            "impressions": [100.0, 300, 50, 100],
            "clicks": [10.0, 30, 5, 10],
            "cost": [20.0, 30, 5, 20],
            "order_lines": [1.0, 0, 2, 1],
            "revenue": [100.0, 0, 300, 100],
            "carts": [0.0] * 4,
        }
    )  # the same term twice (two keywords): its volumes add up, it counts as one term
    p = params(ngram_min_terms=1, ngram_min_clicks=0, ngram_max=2)
    th = kw.ngram_themes(terms, p, str.split).set_index("ngram")
    a = th.loc["空气炸锅"]
    # terms 1 and 2: clicks 20 + 30, cost 40 + 30, order lines 2 + 0, revenue 200 + 0
    assert (a["terms"], a["clicks"], a["cost"], a["order_lines"], a["revenue"]) == (
        2, 50, 70, 2, 200)  # fmt: skip
    assert a["cvr"] == pytest.approx(2 / 50) and a["roi"] == pytest.approx(200 / 70)
    assert a["cost_share"] == pytest.approx(70 / 75)
    h = th.loc["家用"]  # terms 1 and 3
    assert (h["terms"], h["clicks"], h["revenue"]) == (2, 25, 500)
    # "大容量" covers exactly the terms of "空气炸锅大容量": only the longer theme is kept
    assert "空气炸锅大容量" in th.index and "大容量" not in th.index
    assert th.loc["空气炸锅大容量", "n"] == 2
    # contribution = revenue × 0.26 − cost
    assert a["contribution"] == pytest.approx(200 * 0.26 - 70)


def test_jieba_keeps_brand_and_product_words_whole():
    tok = kw.make_tokenizer(["澄禾", "无涂层空气炸锅"])
    assert tok("澄禾无涂层空气炸锅 家用") == ["澄禾", "无涂层空气炸锅", "家用"]
    assert tok("CHENGHE, 电饭煲!") == ["chenghe", "电饭煲"]
    plain = kw.make_tokenizer()
    assert "无涂层空气炸锅" not in plain("澄禾无涂层空气炸锅")  # its own dictionary, not shared


def test_industry_gaps_ignore_case_and_spaces():
    industry = pd.DataFrame({
        "keyword": ["空气炸锅", "Air Fryer", "电炸锅", "澄禾 电饭煲"],
        "searches": [1000.0, 500, 800, 100], "searchers": [900.0, 400, 700, 90],
        "clicks": [1.0] * 4, "ctr": [0.5] * 4, "cvr": [0.05] * 4, "gmv": [1.0] * 4,
        "kuaiche_reference_bid": [3.0, 2.0, 4.0, 1.0], "rank": [1.0, 3, 2, 4],
    })  # fmt: skip
    keywords = pd.DataFrame({"keyword": ["空气炸锅", "airfryer"]})
    terms = pd.DataFrame({"search_term": ["电 炸锅"], "clicks": [7.0], "cost": [14.0],
                          "order_lines": [1.0], "revenue": [70.0]})  # fmt: skip
    g = kw.industry_gaps(industry, keywords, terms, ["澄禾"]).set_index("keyword")
    assert list(g.index) == ["电炸锅", "澄禾 电饭煲"]  # by searches
    assert g.loc["电炸锅", "term_clicks"] == 7 and g.loc["电炸锅", "term_roi"] == pytest.approx(5)
    assert g.loc["电炸锅", "kuaiche_reference_bid"] == 4.0
    assert g.loc["澄禾 电饭煲", "is_brand"] and g.loc["澄禾 电饭煲", "term_clicks"] == 0


# --------------------------------------------------------------------------------------------
# Themes without function words, competitors, hot words related to the shop


def test_latin_words_are_never_split_by_dictionary_words():
    tok = kw.make_tokenizer(["oil", "ih电饭煲", "空气炸锅"])
    # a bought "oil" once cut "toilet" into t / oil / et
    assert tok("toilet cleaner for bathroom") == ["toilet", "cleaner", "for", "bathroom"]
    assert tok("Toilet OIL") == ["toilet", "oil"]
    # a word mixing Latin and Chinese stays whole at a Latin word boundary only
    assert tok("IH电饭煲 排行榜") == ["ih电饭煲", "排行榜"]
    assert tok("aih电饭煲")[0] == "aih"
    # full-width letters read as ASCII; a number and its unit character are one token
    assert tok("ＩＨ电饭煲") == ["ih电饭煲"]
    assert tok("空气炸锅 5 升") == ["空气炸锅", "5升"]


def test_themes_skip_function_words_and_fragments_of_latin_words():
    recs = [
        dict(keyword="toilet cleaner", impressions=500, clicks=36, cost=33, order_lines=1,
             revenue=100),
        dict(keyword="oil", impressions=10, clicks=1, cost=1),  # a short bought keyword
    ]  # fmt: skip
    for term, clicks, cost, lines, revenue in [
        ("toilet cleaner for bathroom", 20, 20, 1, 100),
        ("toilet cleaner for kitchen", 10, 10, 0, 0),
        ("bathroom toilet brush", 6, 3, 0, 0),
    ]:
        recs.append(dict(keyword="toilet cleaner", search_term=term, impressions=100,
                         clicks=clicks, cost=cost, order_lines=lines, revenue=revenue))  # fmt: skip
    rv = kw.review(rows(*recs), PERIOD, params(ngram_min_terms=2, ngram_min_clicks=0))
    th = rv.themes.set_index("ngram")
    # tokens: [toilet cleaner for bathroom] [toilet cleaner for kitchen] [bathroom toilet brush];
    # "for", "cleaner for" and "for bathroom" are no themes; "cleaner" covers the same two terms
    # as "toilet cleaner", which is kept
    assert set(th.index) == {"toilet", "toilet cleaner", "bathroom"}
    t = th.loc["toilet"]
    assert (t["terms"], t["clicks"], t["cost"], t["revenue"]) == (3, 36, 33, 100)
    b = th.loc["bathroom"]  # terms 1 and 3
    assert (b["terms"], b["clicks"], b["cost"]) == (2, 26, 23)
    assert th.loc["toilet cleaner", "bought"] and not th.loc["toilet", "bought"]


def test_single_characters_are_never_themes():
    terms = pd.DataFrame({
        "search_term": ["空气炸锅5升", "电炸锅5升", "电炸锅 家用", "空气炸锅6升", "电 烤箱",
                        "好用的空气炸锅"],
        "impressions": [100.0] * 6, "clicks": [10.0] * 6, "cost": [10.0, 20, 30, 40, 50, 60],
        "order_lines": [0.0] * 6, "revenue": [0.0] * 6, "carts": [0.0] * 6,
    })  # fmt: skip
    p = params(ngram_min_terms=2, ngram_min_clicks=0)
    th = kw.ngram_themes(terms, p, kw.make_tokenizer(["空气炸锅"])).set_index("ngram")
    # 升 (terms 1, 2, 4) and 电 (terms 2, 3, 5) used to be themes; 5升 is one token now, 电
    # only joins 炸锅 (电炸锅 covers the same terms as 炸锅), 的 never stands alone or at an end
    assert set(th.index) == {"空气炸锅", "5升", "电炸锅"}
    assert (th.loc["空气炸锅", "terms"], th.loc["空气炸锅", "cost"]) == (3, 10 + 40 + 60)
    assert (th.loc["5升", "terms"], th.loc["5升", "cost"]) == (2, 30)
    assert (th.loc["电炸锅", "terms"], th.loc["电炸锅", "cost"]) == (2, 50)
    assert kw.term_ngrams(["好用", "的", "空气炸锅"], 3, drop_fillers=True) == {
        "好用": 1, "空气炸锅": 1, "好用的空气炸锅": 3}  # fmt: skip
    # question words may end a theme: 哪个牌子好 is what shoppers ask
    assert "哪个牌子好" in kw.term_ngrams(["哪个", "牌子", "好"], 3, drop_fillers=True)


def test_competitor_brands_are_a_shop_param():
    assert ShopParams().competitor_brands == []
    assert ShopParams(competitor_brands=["美的", " "]).competitor_brands == ["美的"]
    with pytest.raises(ValueError, match="brand_terms"):
        ShopParams(brand_terms=["澄禾"], competitor_brands=["澄 禾"])
    assert KeywordParams().competitor_new_words is False


def test_competitor_words_are_tagged_and_not_proposed():
    recs = [
        dict(keyword="空气炸锅", impressions=2000, clicks=200, cost=200, order_lines=20,
             revenue=4000),
        dict(campaign="竞品词", unit="竞品-空气炸锅", keyword="美的空气炸锅", impressions=500,
             clicks=50, cost=50),
    ]  # fmt: skip
    for term in (
        "美的空气炸锅 家用",
        "空气炸锅 家用",
    ):  # both proven: 10 order lines per 100 clicks
        recs.append(dict(keyword="空气炸锅", search_term=term, impressions=1000, clicks=100,
                         cost=100, order_lines=10, revenue=2000))  # fmt: skip
    industry = pd.DataFrame({"keyword": ["美的电饭煲", "美的空气炸锅推荐", "空气炸锅推荐"],
                             "searches": [900.0, 850, 800],
                             "kuaiche_reference_bid": [2.0, 1.8, 1.5]})  # fmt: skip
    p = params(ngram_min_terms=1, ngram_min_clicks=0).model_copy(
        update={"competitor_brands": ["美的"]}
    )
    rv = kw.review(rows(*recs), PERIOD, p, industry)
    k = rv.keywords.set_index("keyword")["is_competitor"]
    assert k["美的空气炸锅"] and not k["空气炸锅"]
    t = rv.terms.set_index("search_term")["is_competitor"]
    assert t["美的空气炸锅 家用"] and not t["空气炸锅 家用"]
    assert rv.hot_words.set_index("keyword").loc["美的电饭煲", "is_competitor"]
    themes = rv.themes.set_index("ngram")["is_competitor"]
    assert themes["美的空气炸锅家用"] and not themes["空气炸锅家用"]
    # by default no competitor word is proposed, from the search terms or the hot words
    assert set(rv.new_words["keyword"]) == {"空气炸锅 家用", "空气炸锅推荐"}
    assert not rv.new_words["is_competitor"].any()
    sheet = kw.action_sheets(rv.negatives, rv.pauses, rv.bids, rv.new_words)["新词建议"]
    assert sheet[["推广计划", "推广单元"]].notna().all().all()  # a bulk upload needs both
    hot = sheet.set_index("关键词").loc["空气炸锅推荐"]
    assert (hot["推广计划"], hot["推广单元"]) == ("计划A", "单元1")
    assert "“空气炸锅”" in hot["原因"]
    allow = p.model_copy(update={"keywords": p.keywords.model_copy(
        update={"competitor_new_words": True})})  # fmt: skip
    rv2 = kw.review(rows(*recs), PERIOD, allow, industry)
    new = rv2.new_words.set_index("keyword")
    # the shop sells no rice cooker: 美的电饭煲 stays out as unrelated
    assert set(new.index) == {
        "空气炸锅 家用",
        "空气炸锅推荐",
        "美的空气炸锅 家用",
        "美的空气炸锅推荐",
    }
    # 空气炸锅 is in both units; the one buying 美的 words wins the tie, though it has fewer clicks
    assert new.loc["美的空气炸锅推荐", "unit"] == "竞品-空气炸锅"
    assert new.loc["美的空气炸锅推荐", "is_competitor"]


SHOP_UNITS = pd.DataFrame({
    "campaign": ["计划A", "计划A", "计划C", "计划D"],
    "unit": ["A-长尾", "B-核心", "C-电饭煲", "D-料理锅"],
    "keyword": ["家用可视空气炸锅", "空气炸锅", "电饭煲", "迷你多功能锅"],
    "clicks": [5.0, 100, 50, 3],
})  # fmt: skip


def test_hot_words_must_relate_to_the_shops_products():
    words = ["净水器", "微波炉", "美的空气炸锅", "智能电饭煲", "空气炸锅哪个牌子好",
             "可视空气炸锅推荐", "电炸锅", "多功能锅", "家用推荐"]  # fmt: skip
    industry = pd.DataFrame({"keyword": words, "searches": 1000.0 - 100 * np.arange(9),
                             "kuaiche_reference_bid": 2.0})  # fmt: skip
    skus = ["澄禾 小型空气炸锅2.5L 迷你一人食 宿舍电炸锅", "澄禾 电饭煲家用4L 智能预约"]
    g = kw.industry_gaps(industry, SHOP_UNITS, None, ["澄禾"], competitor_brands=["美的"],
                         sku_names=skus).set_index("keyword")  # fmt: skip
    related = g["related"]
    # categories the shop does not sell; words made only of modifiers (家用, 推荐)
    assert not related[["净水器", "微波炉", "家用推荐"]].any()
    assert related[["智能电饭煲", "空气炸锅哪个牌子好", "可视空气炸锅推荐", "电炸锅"]].all()
    assert g.loc["智能电饭煲", "related_words"] == "电饭煲"
    assert g.loc["可视空气炸锅推荐", "related_words"] == "可视 | 空气炸锅"
    assert g.loc["电炸锅", "related_words"] == "炸锅"  # from the SKU name 宿舍电炸锅 only
    # closest unit: most shared product words, then most clicks
    unit = g["unit"]
    assert unit["智能电饭煲"] == "C-电饭煲"
    assert unit["空气炸锅哪个牌子好"] == "B-核心"  # 1 word each with A and B: B has 100 clicks
    assert unit["可视空气炸锅推荐"] == "A-长尾"  # 2 words (可视, 空气炸锅) beat 100 clicks
    assert unit["多功能锅"] == "D-料理锅"  # no product word of its own: found whole in 迷你多功能锅
    assert pd.isna(unit["电炸锅"]) and pd.isna(unit["净水器"])
    skips = kw.hot_word_skips(g.reset_index(), PARAMS)
    assert dict(zip(g.index, skips, strict=True)) == {
        "净水器": "unrelated", "微波炉": "unrelated", "美的空气炸锅": "competitor",
        "智能电饭煲": pd.NA, "空气炸锅哪个牌子好": pd.NA, "可视空气炸锅推荐": pd.NA,
        "电炸锅": "no_unit", "多功能锅": pd.NA, "家用推荐": "unrelated",
    }  # fmt: skip
    counts = kw.hot_word_counts(g.reset_index(), PARAMS, max_industry_words=3)
    assert counts == {"competitor": 1, "unrelated": 3, "no_unit": 1, "eligible": 4,
                      "proposed": 3}  # fmt: skip
    assert "3 个与本店商品无关的热搜词" in TEXT["kw_hot_skipped"]["zh"].format(**counts)
    new = kw.new_word_suggestions(None, SHOP_UNITS, g.reset_index(), PARAMS)
    assert list(new["keyword"]) == [
        "智能电饭煲",
        "空气炸锅哪个牌子好",
        "可视空气炸锅推荐",
        "多功能锅",
    ]
    assert list(new["unit"]) == ["C-电饭煲", "B-核心", "A-长尾", "D-料理锅"]
    assert new[["campaign", "unit"]].notna().all().all()


def test_hot_words_in_english_share_product_words_not_function_words():
    units = pd.DataFrame({"campaign": ["Cleaning"] * 2, "unit": ["toilet", "glass"],
                          "keyword": ["toilet cleaner", "glass cleaner spray"],
                          "clicks": [40.0, 60]})  # fmt: skip
    hot = ["toilet cleaner tablets", "cleaner for the home", "for the kitchen", "water filter",
           "bathroom mat"]  # fmt: skip
    industry = pd.DataFrame({"keyword": hot, "searches": [900.0, 800, 700, 600, 500]})
    g = kw.industry_gaps(industry, units, sku_names=["Toilet cleaner gel for the bathroom 500ml"])
    g = g.set_index("keyword")
    assert list(g["related"]) == [True, True, False, False, True]  # "for", "the" relate nothing
    assert g.loc["toilet cleaner tablets", "unit"] == "toilet"  # cleaner + toilet beat cleaner
    assert g.loc["toilet cleaner tablets", "unit_words"] == "cleaner | toilet"
    assert g.loc["cleaner for the home", "unit"] == "glass"  # one word each: 60 clicks win
    assert g.loc["bathroom mat", "related_words"] == "bathroom"
    assert pd.isna(g.loc["bathroom mat", "unit"])  # only the SKU name says bathroom


# --------------------------------------------------------------------------------------------
# Explorer, display, untrusted text


def test_filter_words_is_literal_and_combines_filters():
    k = pd.DataFrame({
        "campaign": ["A", "A", "B"], "keyword": ["c++ 电饭煲", "空气炸锅", "(空气炸锅)"],
        "clicks": [5.0, 50, 60], "cost": [1.0, 3, 2], "quadrant": ["dud", "star", "star"],
    })  # fmt: skip
    assert list(kw.filter_words(k, min_clicks=10)["keyword"]) == ["空气炸锅", "(空气炸锅)"]
    assert list(kw.filter_words(k, quadrant="star", campaign="B")["keyword"]) == ["(空气炸锅)"]
    assert list(kw.filter_words(k, text="C++")["keyword"]) == ["c++ 电饭煲"]
    assert list(kw.filter_words(k, text="(空气")["keyword"]) == ["(空气炸锅)"]
    assert len(kw.filter_words(k, quadrant="", campaign="", text="")) == 3


def test_display_frame_formats_rates_and_translates_codes():
    f = pd.DataFrame({"quadrant": ["star"], "cvr_shrunk": [0.0375], "p_breakeven": [np.nan],
                      "new_bid": [3.0], "unit": ["u"]})  # fmt: skip
    d = kw.display_frame(f, "zh")
    assert d.loc[0, "quadrant"] == TEXT["quadrant_star"]["zh"]
    assert d.loc[0, "cvr_shrunk"] == "3.75%" and pd.isna(d.loc[0, "p_breakeven"])
    assert d.loc[0, "new_bid"] == "3.00" and "ad_unit" in d


EVIL = ["=HYPERLINK(\"http://x\",\"y\")", "+1 空气炸锅", "-cmd", "@SUM(A1)",
        "<script>alert(1)</script>"]  # fmt: skip


def test_untrusted_terms_end_to_end(tmp_path):
    recs = [dict(keyword="空气炸锅", impressions=5000, clicks=800, cost=800, order_lines=20,
                 revenue=2000)]  # fmt: skip
    for term in ["空气炸锅", *EVIL]:
        volumes = (800, 800, 20, 2000) if term == "空气炸锅" else (100, 100, 0, 0)
        recs.append(dict(keyword="空气炸锅", search_term=term, impressions=1000,
                         clicks=volumes[0], cost=volumes[1], order_lines=volumes[2],
                         revenue=volumes[3]))  # fmt: skip
    p = params(shrink_to="account")
    rv = kw.review(rows(*recs), PERIOD, p, ngrams=False)
    neg = kw.explain(rv.negatives, "negative", "zh")
    assert set(neg["search_term"]) == set(EVIL)
    # HTML: shown as text
    page = html_table(kw.display_frame(neg, "zh"), "zh")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # CSV and xlsx: neutralised, never a formula
    write_table(neg, tmp_path, "negative_keyword_candidates")
    csv = pd.read_csv(tmp_path / "negative_keyword_candidates.csv", encoding="utf-8-sig")
    for term in EVIL[:4]:
        assert "'" + term in set(csv["search_term"])
    sheets = kw.action_sheets(rv.negatives, rv.pauses, rv.bids, rv.new_words)
    path = write_workbook(sheets, tmp_path / "keyword_actions.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(kw.SHEETS)
    ws = wb["否定关键词"]
    header = [c.value for c in ws[1]]
    col = header.index("否定关键词")
    values = [r[col].value for r in ws.iter_rows(min_row=2)]
    assert all(r[col].data_type == "s" for r in ws.iter_rows(min_row=2))
    for term in EVIL[:4]:
        assert "'" + term in values and term not in values
    for row_cells in ws.iter_rows():
        for cell in row_cells:
            assert not (isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")))


def test_action_sheets_have_jd_headers_and_skip_paused_keywords():
    bids = kw.bid_suggestions(_bids_frame(), PARAMS)
    pauses = pd.DataFrame({"campaign": ["c"], "unit": ["u"], "keyword": ["up"], "action": ["pause"],
                           "clicks": [100.0], "cost": [150.0], "order_lines": [0.0], "cvr": [0.0],
                           "breakeven_cvr": [0.05], "p_breakeven": [0.01], "roi": [0.0]})  # fmt: skip
    empty_neg = kw.negative_candidates(None, PARAMS)
    sheets = kw.action_sheets(empty_neg, pauses, bids, pd.DataFrame(columns=["source", "reason"]))
    assert list(sheets) == list(kw.SHEETS)
    assert list(sheets["出价调整"].columns[:7]) == [
        "推广计划", "推广单元", "关键词", "关键词ID", "匹配方式", "当前出价", "建议出价"]  # fmt: skip
    assert "up" not in set(sheets["出价调整"]["关键词"])  # paused: not also re-bid
    assert {"up_cap", "down_cap"} <= set(sheets["出价调整"]["关键词"])
    assert sheets["暂停／降价"].loc[0, "操作"] == "暂停"
    assert sheets["否定关键词"].empty and "否定方式" in sheets["否定关键词"]


# --------------------------------------------------------------------------------------------
# The whole review, texts, widget


def test_review_runs_end_to_end(two_levels):
    industry = pd.DataFrame({"keyword": ["电炸锅"], "searches": [100.0]})
    rv = kw.review(two_levels, PERIOD, PARAMS, industry)
    assert rv.source == kw.SOURCE_KEYWORD_REPORT
    assert set(rv.keywords["keyword"]) == {"空气炸锅", "澄禾电饭煲"}
    assert {"quadrant", "cvr_shrunk", "p_breakeven", "word_class"} <= set(rv.keywords.columns)
    assert list(rv.hot_words["keyword"]) == ["电炸锅"]
    assert rv.target_roi == 4.0 and rv.breakeven_roi == pytest.approx(BE)
    sentences = kw.summary_sentences(rv, "en")
    assert sentences and "2 快车 keywords" in sentences[0]
    empty = kw.review(two_levels.iloc[0:0], PERIOD, PARAMS)
    assert empty.empty and kw.summary_sentences(empty) == []


def test_every_text_key_and_column_label_exists(two_levels):
    assert kw.text_keys() <= set(TEXT)
    rv = kw.review(two_levels, PERIOD, PARAMS)
    shown = [rv.keywords, rv.terms, rv.bids, rv.negatives, rv.pauses, rv.head_tail, rv.brand,
             rv.match_types, rv.hot_words]  # fmt: skip
    missing = {c for f in shown for c in kw.display_frame(f).columns if c not in COLUMNS}
    assert missing == set()


def test_keyword_explorer_filters_with_the_tested_function(two_levels):
    pytest.importorskip("ipywidgets")
    from jdpromo import widgets

    rv = kw.review(two_levels, PERIOD, PARAMS)
    box = widgets.keyword_explorer(rv.keywords, rv.terms, "zh")
    level, row, _ = box.children
    (clicks, quadrant), (campaign, text) = (c.children for c in row.children)
    assert len(box.result) == 2
    clicks.value = 10
    assert list(box.result["keyword"]) == ["空气炸锅"]
    level.value = "search_terms"
    text.value = "家用"
    assert set(box.result["search_term"]) == {"空气炸锅 家用"}  # 空气炸锅家用 has 2 clicks


def test_blank_search_terms_belong_to_the_keyword_report():
    f = rows(dict(keyword="a", search_term="  ", clicks=1), dict(keyword="a", search_term="a b"),
             dict(keyword="a"))  # fmt: skip
    kw_rows, term_rows = kw.split_levels(f)
    assert len(kw_rows) == 2 and list(term_rows["search_term"]) == ["a b"]


def test_charts_draw_untrusted_words_as_text(two_levels, tmp_path):
    from jdpromo import plots

    frame = pd.concat(
        [
            two_levels,
            rows(dict(keyword="a$\\notacommand$b", bid=1.0, impressions=90, clicks=9, cost=9)),
        ],
        ignore_index=True,
    )
    p = params(ngram_min_terms=1, ngram_min_clicks=0)
    rv = kw.review(frame, PERIOD, p)
    figs = [
        plots.keyword_quadrant_chart(rv.keywords, rv.account, "zh"),
        plots.keyword_mix_chart(rv.head_tail[rv.head_tail["level"] == "keywords"], "zh"),
        plots.brand_trend_chart(rv.brand_trend, "en"),
        plots.theme_chart(rv.themes.assign(theme=["waste", "worth"] * (len(rv.themes) // 2)
                                           + ["waste"] * (len(rv.themes) % 2)), "zh"),
    ]  # fmt: skip
    for i, fig in enumerate(figs):
        fig.savefig(tmp_path / f"{i}.png")  # raises on a math-mode label
