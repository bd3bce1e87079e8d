"""Keyword review: every number checked against values worked out by hand."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import rendered, unselected
from jdpromo import columns
from jdpromo import keywords as kw
from jdpromo.params import KeywordParams, ShopParams
from jdpromo.periods import Period
from jdpromo.report import html_table, write_table, write_workbook
from jdpromo.text import TEXT, t

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
    shown = rendered(b.reset_index())
    assert set(shown["范围"]) == {"仅付费搜索（快车）"}
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


def _unit_terms(unit: str, keyword: str, recs: list[tuple]) -> pd.DataFrame:
    """Search terms of one unit that all came through ``keyword``: (term, clicks, order lines,
    revenue) with CPC 1 元 (cost = clicks)."""
    return pd.DataFrame([
        dict(campaign="计划A", unit=unit, keyword=keyword, match_type="切词包含", search_term=t,
             impressions=1000.0, clicks=float(c), cost=float(c), order_lines=float(o),
             revenue=float(r), carts=0.0, is_brand=False)
        for t, c, o, r in recs
    ])  # fmt: skip


# Both frames: 2,500 clicks, 50 order lines, 5,000 元 → account cvr 0.02, 100 元 per order line,
# so with shrink_to=account a term without order lines has cvr_shrunk = 2 / (clicks + 100) and
# revenue per order line (0 + 5 × 100) / 5 = 100 元: break-even cvr = 1 元 × 保本ROI / 100.
EN_TERMS = [
    ("air fryer", 1000, 48, 1700),  # the keyword itself: its own bid decides
    ("air fryers", 200, 1, 100),  # plural: the same word
    ("Air-Fryer", 200, 0, 0),  # case and punctuation: the same word
    ("air fryer liners", 200, 0, 0),  # contains the keyword, but "liner" is another product
    ("toaster oven", 100, 0, 0),  # another category
    ("convection oven", 800, 1, 3200),  # one large order: ROI 4.0 ≥ 保本ROI 3.85
]
ZH_TERMS = [
    ("空气炸锅", 1050, 47, 1200),
    ("多功能空气炸锅", 200, 2, 200),  # contains the keyword: relevant, ROI 1.0
    ("空气炸锅专用纸", 200, 0, 0),  # contains it, but 专用纸 is another product
    ("电饭煲", 150, 0, 0),  # another category
    ("空气炸烤箱", 900, 1, 3600),  # ROI 4.0 ≥ 保本ROI
]
NEG_PARAMS = dict(shrink_to="account", prior_clicks=100, prior_order_lines=5,
                  min_clicks_negative=20, min_expected_order_lines=2, max_probability=0.1)  # fmt: skip


def test_near_duplicates_ignore_spaces_punctuation_case_and_plurals():
    assert kw.word_tokens("Air-Fryers") == ("air", "fryer")
    assert kw.near_duplicate("air fryers", "air fryer") == "variant"
    assert kw.near_duplicate("Air-Fryer", "air fryer") == "variant"
    assert kw.near_duplicate("ＡＩＲ ＦＲＹＥＲ", "air fryer") == "variant"  # full-width
    assert kw.near_duplicate("best air fryers 2026", "air fryer") == "contains"
    assert kw.near_duplicate("fryer", "air fryer") == "contained"
    assert kw.near_duplicate("japanese knife", "pan") is None  # never cuts a Latin word
    assert kw.near_duplicate("多功能空气炸锅", "空气炸锅") == "contains"
    assert kw.near_duplicate("炸锅", "空气炸锅") == "contained"
    assert kw.near_duplicate("空气炸烤箱", "空气炸锅") is None
    assert kw.near_duplicate("锅", "空气炸锅") is None  # one character is too short


def test_english_terms_plurals_and_variants_are_not_negated():
    terms = _unit_terms("Unit E", "air fryer", EN_TERMS)
    p = params(**NEG_PARAMS)
    acts = kw.term_actions(terms, p).set_index("search_term")
    assert acts["verdict"].to_dict() == {
        "air fryer": "bought", "convection oven": "at_breakeven", "air fryers": "exact_word",
        "Air-Fryer": "exact_word", "air fryer liners": "negative", "toaster oven": "negative",
    }  # fmt: skip
    # the old rules negated all but the keyword itself; now: irrelevant traffic only
    neg = kw.negative_candidates(terms, p)
    assert list(neg["search_term"]) == ["air fryer liners", "toaster oven"]
    assert list(neg["irrelevant_word"].fillna("")) == ["liner", ""]
    assert list(neg["profit_gain"]) == [200, 100]  # no revenue: the spend
    assert "“liner”" in kw.negative_sentence(neg.iloc[0], "en")
    # 1. convection oven converts above 保本 (3,200 / 800 = 4.0), though the shrunk test fails
    conv = acts.loc["convection oven"]
    assert conv["roi"] == pytest.approx(4.0) and conv["roi"] >= BE
    assert conv["p_breakeven"] < 0.1  # revenue per line (3,200 + 500) / 6 shrinks it
    # 2. the plural and the hyphenated word: exact keywords at their value per click ÷ target 4
    ex = kw.exact_word_suggestions(terms, p).set_index("keyword")
    assert list(ex.index) == ["air fryers", "Air-Fryer"]
    assert set(ex["relation"]) == {"variant"} and set(ex["similar_keyword"]) == {"air fryer"}
    assert set(ex["match_type"]) == {"精确匹配"} and set(ex["campaign"]) == {"计划A"}
    # air fryers: cvr (1 + 100 × 0.02) / 300 = 0.01 × 100 元 = 1 元 a click ÷ 4 = 0.25 元, but
    # never more than the 30% step cap below the 1 元 CPC it pays now: 0.70 元
    assert ex.loc["air fryers", "value_per_click"] == pytest.approx(1.0)
    assert ex.loc["air fryers", "new_bid"] == pytest.approx(0.70)
    # Air-Fryer: 2 / 300 × 100 = 0.667 元 ÷ 4 = 0.1667, held at 1 元 × 0.7 = 0.70 元 too
    assert ex.loc["Air-Fryer", "new_bid"] == pytest.approx(0.70)
    assert ex.loc["Air-Fryer", "expected_roi"] == pytest.approx((2 / 300 * 100) / 0.70)
    # 3. the keyword is bid down: one action per traffic, so nothing is negated on top
    pauses = pd.DataFrame({"campaign": ["计划A"], "unit": ["Unit E"], "keyword": ["Air Fryer"],
                           "action": ["bid_down"]})  # fmt: skip
    assert kw.negative_candidates(terms, p, pauses=pauses).empty
    held = kw.term_actions(terms, p, pauses=pauses).set_index("search_term")
    assert held.loc["toaster oven", "verdict"] == "held"
    assert held.loc["toaster oven", "keyword_action"] == "bid_down"
    assert held.loc["air fryers", "verdict"] == "exact_word"  # its own keyword, not a negative


def test_chinese_terms_relevant_words_get_an_exact_bid_irrelevant_ones_a_negative():
    terms = _unit_terms("单元1", "空气炸锅", ZH_TERMS)
    keywords = pd.DataFrame({"campaign": ["计划A"], "unit": ["单元1"], "keyword": ["空气炸锅"]})
    p = params(**NEG_PARAMS)
    neg = kw.negative_candidates(terms, p, keywords)
    # 空气炸烤箱 (ROI 4.0) and 多功能空气炸锅 (contains the keyword) were negatives before
    assert list(neg["search_term"]) == ["空气炸锅专用纸", "电饭煲"]
    assert list(neg["irrelevant_word"].fillna("")) == ["专用纸", ""]
    assert list(neg["profit_gain"]) == [200, 150]
    assert kw.negative_sentence(neg.iloc[0], "zh").startswith("含无关词「专用纸」")
    assert not neg["is_competitor"].any()
    # a rival's brand makes a term negatable too, and the sentence says it is a rival's brand
    rivals = _unit_terms("单元1", "空气炸锅", [*ZH_TERMS, ("苏泊尔空气炸锅", 200, 0, 0)])
    p = params(**NEG_PARAMS).model_copy(update={"competitor_brands": ["苏泊尔"]})
    neg = kw.negative_candidates(rivals, p, keywords)
    rival = neg.loc[neg["search_term"] == "苏泊尔空气炸锅"].iloc[0]
    assert rival["irrelevant_word"] == "苏泊尔" and rival["is_competitor"]
    assert not neg.loc[neg["search_term"] == "电饭煲", "is_competitor"].any()
    assert kw.negative_sentence(rival, "zh").startswith("竞品品牌词「苏泊尔」")
    ex = kw.exact_word_suggestions(terms, p, keywords)
    assert list(ex["keyword"]) == ["多功能空气炸锅"]
    row = ex.iloc[0]
    assert (row["similar_keyword"], row["relation"], row["came_through"]) == (
        "空气炸锅", "contains", "空气炸锅")  # fmt: skip
    # cvr (2 + 100 × 0.02) / 300 = 0.01333; per order line (200 + 5 × 100) / 7 = 100 元:
    # 1.333 元 a click ÷ target ROI 4 = 0.3333, but at most 30% below its CPC of 1 元: 0.70 元
    assert row["value_per_click"] == pytest.approx(4 / 300 * 100)
    assert row["new_bid"] == pytest.approx(0.70) and row["target_basis"] == "targets.roi"
    assert row["reason"] == "below_breakeven"
    sheet = kw.action_sheets(neg, kw.keyword_pauses(None, p), kw.bid_suggestions(
        _bids_frame(), PARAMS).iloc[0:0], pd.DataFrame(columns=["source", "reason"]),
        exact_words=ex)["精确词建议"]  # fmt: skip
    assert list(sheet.columns[:5]) == ["推广计划", "推广单元", "关键词", "匹配方式", "出价"]
    assert sheet.iloc[0, :5].tolist() == ["计划A", "单元1", "多功能空气炸锅", "精确匹配", 0.70]
    assert "相近（包含该关键词）" in sheet.loc[0, "原因"]
    # the keyword 空气炸锅 lowered in the bid suggestions: its terms are not negated as well
    bids = pd.DataFrame({"campaign": ["计划A"], "unit": ["单元1"], "keyword": ["空气炸锅"],
                         "reason": ["lower_capped"]})  # fmt: skip
    assert kw.negative_candidates(terms, p, keywords, bids=bids).empty
    acts = kw.term_actions(terms, p, keywords, bids=bids).set_index("search_term")
    assert acts.loc["空气炸锅专用纸", "verdict"] == "held"
    assert acts.loc["空气炸锅专用纸", "held_by"] == "空气炸锅"
    assert kw.exact_word_suggestions(terms, p, keywords, bids=bids)["keyword"].tolist() == [
        "多功能空气炸锅"]  # fmt: skip


def test_a_rival_brand_is_not_bought_elsewhere_when_the_competitor_campaign_loses():
    """The competitor-brand negative says a competitor campaign can buy the word — unless the
    shop's own competitor campaign (every keyword a rival's brand) is paused or cut now."""
    rivals = _unit_terms("单元1", "空气炸锅", [*ZH_TERMS, ("苏泊尔空气炸锅", 200, 0, 0)])
    keywords = pd.DataFrame({"campaign": ["计划A"], "unit": ["单元1"], "keyword": ["空气炸锅"]})
    p = params(**NEG_PARAMS).model_copy(update={"competitor_brands": ["苏泊尔"]})
    neg = kw.negative_candidates(rivals, p, keywords)
    bought = pd.DataFrame({
        "campaign": ["计划A", "竞品词", "竞品词"], "keyword": ["空气炸锅", "苏泊尔空气炸锅", "苏泊尔电饭煲"],
        "is_competitor": [False, True, True],
    })  # fmt: skip
    verdicts = pd.DataFrame({"line": ["快车"] * 2, "campaign": ["计划A", "竞品词"],
                             "verdict": ["grow", "pause"], "cost": [900.0, 300.0]})  # fmt: skip
    assert kw.rival_campaign_verdict(bought, verdicts) == ("竞品词", "pause")
    out = kw.with_rival_campaign(neg, bought, verdicts).set_index("search_term")
    rival = out.loc["苏泊尔空气炸锅"].rename("苏泊尔空气炸锅")
    assert (rival["rival_campaign"], rival["rival_campaign_verdict"]) == ("竞品词", "pause")
    assert pd.isna(out.loc["电饭煲", "rival_campaign"])  # not a rival's brand
    zh = kw.negative_sentence(rival, "zh")
    assert zh.startswith(
        "竞品品牌词「苏泊尔」：搜的是别家的产品，这个单元不承接；店铺的竞品词计划「竞品词」本身也在亏钱，已建议整个暂停，"
        "这类词也不要另外再买。"
    )
    assert "可单独购买" not in zh
    en = kw.negative_sentence(rival, "en")
    assert "“竞品词” loses money too and is proposed for a pause" in en and "「" not in en
    # cut, not paused: it says so
    cut = kw.with_rival_campaign(neg, bought, verdicts.assign(verdict=["grow", "cut"]))
    row = cut.loc[cut["search_term"] == "苏泊尔空气炸锅"].iloc[0]
    assert "本身也低于保本，已建议整体降价" in kw.negative_sentence(row, "zh")
    # a competitor campaign that keeps running (or none at all): it can still buy the word
    for v in (verdicts.assign(verdict=["grow", "keep"]), verdicts.assign(verdict=["grow", "hold"]),
              None):  # fmt: skip
        assert kw.rival_campaign_verdict(bought, v) is None
        same = kw.with_rival_campaign(neg, bought, v)
        row = same.loc[same["search_term"] == "苏泊尔空气炸锅"].iloc[0]
        assert "（竞品词计划可单独购买）" in kw.negative_sentence(row, "zh")
    assert kw.rival_campaign_verdict(bought.assign(is_competitor=False), verdicts) is None


def test_negative_findings_count_only_the_negatives_proposed():
    terms = _unit_terms("单元1", "空气炸锅", ZH_TERMS)
    p = params(**NEG_PARAMS, max_negatives_per_unit=1)
    neg = kw.negative_candidates(terms, p)
    # 空气炸锅专用纸 (200 元) is proposed; 电饭煲 (150 元) waits beyond the unit's limit of 1
    assert list(neg["within_unit_limit"]) == [True, False]
    assert list(kw.proposed_negatives(neg)["search_term"]) == ["空气炸锅专用纸"]
    rv = SimpleNamespace(terms=terms, negatives=neg, pauses=None)
    (finding,) = kw.findings(rv, p, "zh")
    assert finding.money_at_stake == pytest.approx(200.0)  # Σ profit_gain of what is proposed
    assert finding.value == pytest.approx(200.0) and finding.n == 1
    assert finding.title.startswith("1 个搜索词建议否定：本期花费 200 元（占搜索词花费的 8.00%）")


def _negated_fryer_review() -> kw.KeywordReview:
    """空气炸锅: 1,000 report clicks, no order line, 200 of them from 空气炸锅专用纸 (negated);
    电饭煲: 1,000 clicks, 50 order lines, 10,000 元."""
    recs = [dict(keyword="空气炸锅", impressions=5000, clicks=1000, cost=1000, bid=1.0)]
    for term, clicks in (("空气炸锅", 800), ("空气炸锅专用纸", 200)):
        recs.append(dict(keyword="空气炸锅", search_term=term, impressions=1000, clicks=clicks,
                         cost=clicks))  # fmt: skip
    recs.append(dict(keyword="电饭煲", impressions=5000, clicks=1000, cost=1000, order_lines=50,
                     revenue=10000))  # fmt: skip
    recs.append(dict(keyword="电饭煲", search_term="电饭煲", impressions=5000, clicks=1000,
                     cost=1000, order_lines=50, revenue=10000))  # fmt: skip
    return kw.review(rows(*recs), PERIOD, params(shrink_to="account"), ngrams=False)


def test_review_negates_first_and_judges_the_keyword_on_what_is_left():
    # keyword report: 空气炸锅 with 1,000 clicks and no order line; 200 of them are 专用纸
    rv = _negated_fryer_review()
    # the irrelevant term is negated; the keyword is judged on the 800 clicks it keeps
    assert list(rv.negatives["search_term"]) == ["空气炸锅专用纸"]
    pause = rv.pauses.set_index("keyword").loc["空气炸锅"]
    assert pause["action"] == "pause" and pause["clicks"] == 800 and pause["cost"] == 800
    assert rv.keywords.set_index("keyword").loc["空气炸锅", "clicks"] == 1000  # the KPIs stay whole
    # after_negatives leaves the other keywords as they are
    rest = kw.after_negatives(rv.keywords, rv.terms, rv.negatives).set_index("keyword")
    assert rest.loc["电饭煲", "clicks"] == 1000 and rest.loc["空气炸锅", "cpc"] == 1.0


def test_an_exact_word_is_proposed_once_and_never_for_a_word_bought_elsewhere():
    a = _unit_terms("单元1", "空气炸锅", ZH_TERMS)
    b = _unit_terms(
        "单元2", "空气炸锅", [("空气炸锅", 400, 20, 2000), ("多功能空气炸锅", 100, 1, 100)]
    )
    terms = pd.concat([a, b], ignore_index=True)
    p = params(**NEG_PARAMS)
    acts = kw.term_actions(terms, p)
    assert (acts["search_term"] == "多功能空气炸锅").sum() == 2
    ex = kw.exact_word_suggestions(terms, p)
    assert list(ex["keyword"]) == ["多功能空气炸锅"] and ex.loc[0, "unit"] == "单元1"  # most spend
    bought = pd.DataFrame({"campaign": ["计划A", "计划A", "计划B"], "unit": ["单元1", "单元2", "x"],
                           "keyword": ["空气炸锅", "空气炸锅", "多功能 空气炸锅"]})  # fmt: skip
    acts = kw.term_actions(terms, p, bought)
    assert set(acts.loc[acts["search_term"] == "多功能空气炸锅", "verdict"]) == {"bought_elsewhere"}
    assert kw.exact_word_suggestions(terms, p, bought).empty
    assert "多功能空气炸锅" not in set(kw.negative_candidates(terms, p, bought)["search_term"])


def test_irrelevant_words_are_params_and_a_bought_one_is_relevant():
    terms = _unit_terms("单元1", "空气炸锅", ZH_TERMS)
    # without the built-in words 空气炸锅专用纸 is a near-duplicate like 多功能空气炸锅
    off = params(**NEG_PARAMS, default_irrelevant_words=False)
    assert list(kw.negative_candidates(terms, off)["search_term"]) == ["电饭煲"]
    # a shop's own word: 多功能 (say, a competitor's series name) makes the term irrelevant
    own = params(**NEG_PARAMS, irrelevant_words=["多功能"])
    assert "多功能空气炸锅" in set(kw.negative_candidates(terms, own)["search_term"])
    # a unit that buys 空气炸锅专用纸 keeps its variants: the word is in the keyword too
    liners = _unit_terms("单元1", "空气炸锅专用纸", [("空气炸锅专用纸", 1000, 20, 2000),
                                                    ("空气炸锅专用纸100张", 200, 0, 0)])  # fmt: skip
    acts = kw.term_actions(liners, params(**NEG_PARAMS)).set_index("search_term")
    assert acts.loc["空气炸锅专用纸100张", "verdict"] == "exact_word"


def _bids_frame() -> pd.DataFrame:
    # 100 clicks each; cost = cpc × clicks, revenue = roi × cost. Value of a click = cvr_shrunk ×
    # revenue per order line: 0.05 × 200 = 10 元, so at target ROI 4 the affordable CPC is 2.5 元
    # (0.2 × 200 / 4 = 10 元 for up_cap)
    return pd.DataFrame({
        "campaign": ["c"] * 5, "unit": ["u"] * 5, "keyword": ["up", "up_cap", "down_cap", "few", "nobid"],
        "keyword_id": ["1", "2", "3", "4", "5"], "match_type": ["精确匹配"] * 5,
        "clicks": [100.0, 100, 100, 5, 100], "cost": [200.0, 150, 1500, 7.5, 200],
        "order_lines": [6.0, 5, 5, 1, 6], "revenue": [1200.0, 900, 1500, 45, 1200],
        "cpc": [2.0, 1.5, 15.0, 1.5, 2.0], "roi": [6.0, 6.0, 1.0, 6.0, 6.0],
        "bid": [2.0, 2.0, 20.0, 2.0, np.nan], "cvr_shrunk": [0.05, 0.2, 0.05, 0.05, 0.05],
        "revenue_per_order_line": [200.0] * 5,
    })  # fmt: skip


def test_bid_suggestions_by_hand():
    b = kw.bid_suggestions(_bids_frame(), PARAMS).set_index("keyword")
    # affordable CPC 2.5 against the actual CPC 2.0: the bid moves ×1.25, 2.0 → 2.5 (within cap)
    assert b.loc["up", "target_bid"] == pytest.approx(2.5)
    assert b.loc["up", "new_bid"] == pytest.approx(2.5) and b.loc["up", "reason"] == "raise"
    assert b.loc["up", "bid_change"] == pytest.approx(0.25)
    # CPC scales with the bid: 2.0 × 1.25 = 2.5; expected ROI 10 / 2.5 = 4 (shrunk, ≤ ROI 6)
    assert b.loc["up", "expected_cpc"] == pytest.approx(2.5)
    assert b.loc["up", "expected_roi"] == pytest.approx(4.0)
    assert b.loc["up", "expected_roi_basis"] == "shrunk"
    # 10 元 affordable against a CPC of 1.5: capped at 2.0 × 1.3 = 2.6
    assert b.loc["up_cap", "new_bid"] == pytest.approx(2.6)
    assert b.loc["up_cap", "reason"] == "raise_capped"
    # 2.5 affordable against a CPC of 15 (ROI 1 < 4): capped at 20 × 0.7 = 14
    assert b.loc["down_cap", "new_bid"] == pytest.approx(14.0)
    assert b.loc["down_cap", "reason"] == "lower_capped"
    # too few clicks: the bid stays exactly
    assert b.loc["few", "new_bid"] == 2.0 and b.loc["few", "reason"] == "few_clicks"
    assert b.loc["few", "bid_change"] == 0 and math.isnan(b.loc["few", "expected_roi"])
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


def test_min_bid_holds_after_the_step_cap():
    # English words, 100 clicks each; value of a click = cvr_shrunk × 200 元 per order line
    f = pd.DataFrame({
        "campaign": ["c"] * 3, "unit": ["u"] * 3,
        "keyword": ["fryer liner", "fryer paper", "fryer oven"], "keyword_id": ["1", "2", "3"],
        "match_type": ["精确匹配"] * 3, "clicks": [100.0] * 3, "cost": [6.0, 10.0, 200.0],
        "order_lines": [1.0, 1, 8], "revenue": [200.0, 20, 1400],
        "cpc": [0.06, 0.10, 2.0], "roi": [200 / 6, 2.0, 7.0], "bid": [np.nan, 0.12, 2.8],
        "cvr_shrunk": [0.01, 0.001, 0.08], "revenue_per_order_line": [200.0] * 3,
    })  # fmt: skip
    p = params(max_bid=3.0)
    b = kw.bid_suggestions(f, p).set_index("keyword")
    # fryer liner: no bid, CPC 0.06 — JD's bid is at least 0.1, so the step starts there:
    # affordable CPC 2 / 4 = 0.5 → capped at 0.1 × 1.3 = 0.13 (the old code gave 0.07)
    assert b.loc["fryer liner", "new_bid"] == pytest.approx(0.13)
    assert b.loc["fryer liner", "reason"] == "raise_capped"
    # fryer paper: ROI 2 < 4; affordable CPC 0.2 / 4 = 0.05 against 0.10: halve the bid, capped at
    # 0.12 × 0.7 = 0.084 → 0.09 on the grid → min_bid 0.1 last
    assert b.loc["fryer paper", "new_bid"] == pytest.approx(0.10)
    assert b.loc["fryer paper", "reason"] == "lower_capped"
    # fryer oven: affordable CPC 16 / 4 = 4 against 2: capped at 2.8 × 1.3 = 3.64 → max_bid 3.0
    assert b.loc["fryer oven", "new_bid"] == pytest.approx(3.0)
    assert (b["new_bid"] >= 0.1).all() and (b["new_bid"] <= 3.0).all()


def test_a_kept_bid_is_exactly_the_current_one():
    f = pd.DataFrame({
        "campaign": ["计划A"] * 4, "unit": ["单元1"] * 4,
        "keyword": ["空气炸锅纸", "电饭煲内胆", "养生壶", "破壁机"], "keyword_id": ["1", "2", "3", "4"],
        "match_type": ["短语匹配"] * 4, "clicks": [5.0, 5, 100, 100], "cost": [0.1, 6.17, 200, 200],
        "order_lines": [0.0, 0, 5, 5], "revenue": [0.0, 0, 1000, 1000],
        "cpc": [0.02, 1.234, 2.0, 2.0], "roi": [0.0, 0, 5.0, 5.0], "bid": [np.nan, np.nan, 2.0, np.nan],
        "cvr_shrunk": [0.05, 0.05, 0.041, 0.041], "revenue_per_order_line": [200.0] * 4,
    })  # fmt: skip
    b = kw.bid_suggestions(f, PARAMS).set_index("keyword")
    # 5 clicks: kept. Without an exported bid "kept" is no suggested bid at all — the old code
    # wrote the CPC rounded up to min_bid: 0.02 → 0.10, "+400%", and 1.234 → 1.23
    for word in ("空气炸锅纸", "电饭煲内胆"):
        assert b.loc[word, "reason"] == "few_clicks"
        assert math.isnan(b.loc[word, "new_bid"]) and b.loc[word, "bid_change"] == 0
    # affordable CPC 0.041 × 200 / 4 = 2.05 against 2.0: +2.5% < min_bid_change 5% → hold
    assert (b.loc[["养生壶", "破壁机"], "reason"] == "hold").all()
    assert b.loc["养生壶", "new_bid"] == 2.0 and math.isnan(b.loc["破壁机", "new_bid"])
    assert (b.loc[["养生壶", "破壁机"], "bid_change"] == 0).all()


def test_a_word_at_or_above_the_target_roi_is_never_cut():
    # the demo shop's cases: bid above CPC (JD charges less than the bid)
    f = pd.DataFrame({
        "campaign": ["破壁机豆浆机-核心词", "厨房小电-核心词"], "unit": ["单元1"] * 2,
        "keyword": ["破壁机", "电火锅"], "keyword_id": ["1", "2"], "match_type": ["短语匹配"] * 2,
        "clicks": [900.0, 100], "cost": [1800.0, 200], "order_lines": [24.0, 5],
        "revenue": [7650.0, 1238], "cpc": [2.0, 2.0], "roi": [4.25, 6.19], "bid": [2.70, 2.30],
        "cvr_shrunk": [0.03, 0.035], "revenue_per_order_line": [300.0, 200],
    })  # fmt: skip
    b = kw.bid_suggestions(f, PARAMS).set_index("keyword")
    # 破壁机: affordable CPC 0.03 × 300 / 4 = 2.25 is above its CPC 2.0 (the old code compared it
    # with the bid 2.70 and cut 16.7%): the bid moves ×1.125, 2.70 → 3.04
    assert b.loc["破壁机", "reason"] == "raise"
    assert b.loc["破壁机", "new_bid"] == pytest.approx(3.04)
    # the CPC follows: 2.0 × 3.04 / 2.70 = 2.252; the model's 9 元 per click over it is 4.00,
    # the word's own ROI at that CPC 4.25 × 2.0 / 2.252 = 3.77: the more cautious one shows
    assert b.loc["破壁机", "expected_roi"] == pytest.approx(4.25 * 2.0 / (2.0 * 3.04 / 2.70))
    assert b.loc["破壁机", "expected_roi_basis"] == "observed"
    # 电火锅: affordable 0.035 × 200 / 4 = 1.75 is below its CPC 2.0, but its own ROI 6.19 meets
    # the target 4 with 100 clicks: no cut (the old code cut 23.9%)
    assert b.loc["电火锅", "reason"] == "meets_target"
    assert b.loc["电火锅", "new_bid"] == 2.30 and b.loc["电火锅", "bid_change"] == 0
    assert not ((b["bid_change"] < 0) & (b["roi"] >= 4)).any()
    ev = kw.explain(b.reset_index(), "bid", "zh").set_index("keyword")["evidence"]
    assert "不降价" in ev["电火锅"] and "可承受点击花费 2.25 元" in ev["破壁机"]


def test_expected_roi_moves_with_the_change_and_says_its_basis():
    b = kw.bid_suggestions(_bids_frame(), PARAMS).set_index("keyword")
    # down_cap: ROI 1.0, bid 20 → 14, CPC 15 → 10.5. The shrunk value 10 / 10.5 = 0.95 would be
    # *below* the ROI of the cut word (the old code showed it); the observed ROI scaled with the
    # CPC is 1.0 × 15 / 10.5 = 1.43
    assert b.loc["down_cap", "expected_roi"] == pytest.approx(15 / 10.5)
    assert b.loc["down_cap", "expected_roi_basis"] == "observed"
    # up_cap: a raise to 2.6, CPC 1.5 → 1.95: shrunk 40 / 1.95 = 20.5 would exceed ROI 6;
    # observed 6 × 1.5 / 1.95 = 4.62
    assert b.loc["up_cap", "expected_roi"] == pytest.approx(6 * 1.5 / 1.95)
    assert b.loc["up_cap", "expected_roi_basis"] == "observed"
    cut, up = b["bid_change"] < 0, b["bid_change"] > 0
    assert (b.loc[cut, "expected_roi"] >= b.loc[cut, "roi"]).all()
    assert (b.loc[up, "expected_roi"] <= b.loc[up, "roi"]).all()
    ev = kw.explain(b.reset_index(), "bid", "en").set_index("keyword")["evidence"]
    assert "Expected ROI 1.43 (the word's observed ROI scaled with the CPC)" in ev["down_cap"]
    label = rendered(b.reset_index()).set_index("关键词")["预计ROI依据"]
    assert label["up"] == "按校正后转化率估算" and label["few"] == "—"


@pytest.mark.parametrize(
    ("settings", "target", "basis", "label"),
    [
        # targets.roi only: the one target ROI (the old code ignored it and used 保本ROI)
        ({"targets": {"roi": 4.0}}, 4.0, "targets.roi", "店铺设定的目标"),
        # target_roi only: its older name still counts
        ({"target_roi": 5.0}, 5.0, "target_roi", "店铺设定的目标"),
        # neither: 保本ROI = 1 / (0.38 − 0.08 − 0.04) = 1 / 0.26 ≈ 3.85
        ({}, 1 / 0.26, "breakeven", "未设目标ROI，用保本ROI"),
    ],
)
def test_bids_use_the_shops_one_target_roi(settings, target, basis, label):
    shop = ShopParams(gross_margin=0.38, commission_rate=0.08, refund_rate=0.04, **settings)
    b = kw.bid_suggestions(_bids_frame(), shop).set_index("keyword")
    assert np.allclose(b["target_roi"], target) and (b["target_basis"] == basis).all()
    # value of a click 0.05 × 200 = 10 元; affordable CPC = 10 / target
    assert b.loc["up", "target_bid"] == pytest.approx(10 / target)
    # every sentence that prints the target says which one it is
    evidence = kw.explain(b.reset_index(), "bid", "zh")["evidence"]
    printed = evidence[evidence.str.contains("目标ROI")]
    assert len(printed) >= 3
    assert printed.str.contains(f"目标ROI {target:.2f}（{label}", regex=False).all()


def test_keywords_failing_break_even_are_paused_or_bid_down():
    k = pd.DataFrame({
        "campaign": ["c"] * 3, "unit": ["u"] * 3, "keyword": ["none", "some", "fine"],
        "keyword_id": ["1", "2", "3"], "match_type": ["短语匹配"] * 3, "bid": [3.0, 3.0, 3.0],
        "impressions": [5000.0] * 3, "clicks": [200.0, 200, 200], "cost": [400.0] * 3,
        "order_lines": [0.0, 2, 12], "revenue": [0.0, 200, 2400], "carts": [0.0] * 3,
        "is_brand": [False] * 3,
    })  # fmt: skip
    k = kw._add_ratios(k)
    # "some" loses 400 − 200 × 0.26 = 348 元, 29% of this tiny account's spend: with the default
    # pause_loss_share (5%) it would be paused; here the share is set above it
    p = params(shrink_to="account", min_clicks_pause=30, pause_loss_share=0.5)
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


def _loss_account() -> pd.DataFrame:
    # keyword report, one day; 10,400 元 of keyword spend in all
    return rows(
        dict(keyword="空气炸锅", keyword_id="1", bid=2.5, impressions=50000, clicks=2500,
             cost=5000, order_lines=100, revenue=25000),
        dict(keyword="破壁机", keyword_id="2", bid=2.5, impressions=30000, clicks=1450,
             cost=2900, order_lines=50, revenue=13000),
        # 20% of the spend at ROI 0.06 with 2 order lines
        dict(keyword="空气炸锅双11特价", keyword_id="3", bid=2.5, impressions=30000, clicks=1050,
             cost=2100, order_lines=2, revenue=126),
        # ROI 0.25, but a loss of only 3.6% of the spend
        dict(keyword="养生壶", keyword_id="4", bid=2.5, impressions=5000, clicks=200,
             cost=400, order_lines=1, revenue=100),
    )  # fmt: skip


def test_a_big_loss_is_paused_even_with_a_few_orders():
    rv = kw.review(_loss_account(), PERIOD, PARAMS, ngrams=False)
    p = rv.pauses.set_index("keyword")
    # loss = 2100 − 126 × 0.26 = 2067.24 元 = 19.9% of 10,400 ≥ 5%, and ROI 0.06 < 3.85 / 2
    assert p.loc["空气炸锅双11特价", "action"] == "pause"  # the old code: bid down 30%
    assert p.loc["空气炸锅双11特价", "reason"] == "big_loss"
    assert p.loc["空气炸锅双11特价", "profit_gain"] == pytest.approx(2067.24)
    assert p.loc["空气炸锅双11特价", "loss_share"] == pytest.approx(2067.24 / 10400)
    assert math.isnan(p.loc["空气炸锅双11特价", "new_bid"])
    # 养生壶: loss 400 − 26 = 374 元 = 3.6% < 5%: bid down, by the 30% cap: 2.5 → 1.75
    assert p.loc["养生壶", "action"] == "bid_down" and p.loc["养生壶", "new_bid"] == pytest.approx(
        1.75
    )
    # the finding's money: Σ profit_gain of the words paused or bid down (what they lose now)
    f = kw.findings(rv, PARAMS, "zh")
    pauses = next(x for x in f if x.kind == "pauses")
    assert pauses.money_at_stake == pytest.approx(rv.pauses["profit_gain"].sum())
    assert pauses.money_at_stake == pytest.approx(2067.24 + 374.0)
    ev = kw.explain(rv.pauses, "pause", "zh").set_index("keyword")["evidence"]
    assert "亏损 2,067 元，占全部关键词花费的 19.88%" in ev["空气炸锅双11特价"]


def test_unknown_revenue_is_never_shown_as_zero():
    # no 总订单金额 in the export at all
    f = _loss_account().assign(revenue=np.nan)
    rv = kw.review(f, PERIOD, PARAMS, ngrams=False)
    assert rv.keywords["roi"].isna().all() and rv.keywords["breakeven_cvr"].isna().all()
    b = rv.bids
    assert (b["reason"] == "no_value").all() and (b["new_bid"] == 2.5).all()
    assert (b["bid_change"] == 0).all()
    assert b[["target_bid", "expected_roi", "revenue_per_order_line"]].isna().all().all()
    assert rv.pauses.empty  # profit cannot be judged
    text = " ".join(kw.summary_sentences(rv, "zh"))
    assert "ROI 0.00" not in text and "ROI —（保本ROI 3.85）" in text
    assert "无法判断：按目标ROI的出价调整" in text
    assert "0.00" not in " ".join(kw.explain(b, "bid", "zh")["evidence"])
    en = " ".join(kw.summary_sentences(rv, "en"))
    assert "ROI 0.00" not in en and "ROI of 0.00" not in en and "an ROI of —" in en

    # one word with order lines but no revenue value ("-" in its rows): unknown, not 0
    g = _loss_account()
    g.loc[g["keyword"] == "空气炸锅双11特价", "revenue"] = np.nan
    rv = kw.review(g, PERIOD, PARAMS, ngrams=False)
    k = rv.keywords.set_index("keyword")
    assert math.isnan(k.loc["空气炸锅双11特价", "revenue"]) and math.isnan(
        k.loc["空气炸锅双11特价", "roi"]
    )
    assert k.loc["破壁机", "roi"] == pytest.approx(13000 / 2900)
    b = rv.bids.set_index("keyword")
    assert b.loc["空气炸锅双11特价", "reason"] == "no_value"
    assert b.loc["空气炸锅双11特价", "new_bid"] == 2.5
    assert "空气炸锅双11特价" not in set(rv.pauses["keyword"])
    text = kw.summary_sentences(rv, "zh")
    # ROI of the words whose revenue is known: (25000 + 13000 + 100) / (5000 + 2900 + 400)
    assert f"ROI {38100 / 8300:.2f}" in text[0]
    assert "1 个关键词有订单行却没有成交额" in text[1]


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
        # two order lines: the unit can pay a bid for a new word (unit_bid_caps: 400 / 50 / 4 = 2)
        dict(campaign="竞品词", unit="竞品-空气炸锅", keyword="美的空气炸锅", impressions=500,
             clicks=50, cost=50, order_lines=2, revenue=400),
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
    assert counts == {"competitor": 1, "unrelated": 3, "no_unit": 1, "unit_losing": 0,
                      "unaffordable": 0, "eligible": 4, "proposed": 3}  # fmt: skip
    key, fields = kw.hot_word_note(counts, "zh")
    assert "、3 个与本店商品无关的热搜词、" in t(key, "zh", **fields)
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


def test_keyword_tables_format_rates_and_translate_codes():
    f = pd.DataFrame({"quadrant": ["star"], "cvr_shrunk": [0.0375], "p_breakeven": [np.nan],
                      "new_bid": [3.0], "unit": ["u"]})  # fmt: skip
    d = rendered(f)
    assert d.loc[0, "象限"] == TEXT["quadrant_star"]["zh"]
    assert d.loc[0, "转化率（按数据量校正）"] == "3.75%" and d.loc[0, "达到保本的概率"] == "—"
    assert d.loc[0, "建议出价（元）"] == "3.00" and d.loc[0, "推广单元"] == "u"
    # a benchmark value takes the unit of its metric
    bench = pd.DataFrame({"metric": ["ctr", "cpc"], "value": [0.0123, 1.5],
                          "reference": [0.02, 1.25]})  # fmt: skip
    b = rendered(bench, "en")
    assert b.values.tolist() == [["CTR", "1.23%", "2.00%"], ["CPC (yuan)", "1.50", "1.25"]]


EVIL = ["=HYPERLINK(\"http://x\",\"y\")", "+1 空气炸锅", "-cmd", "@SUM(A1)",
        "<script>alert(1)</script>"]  # fmt: skip


def test_untrusted_terms_end_to_end(tmp_path):
    # the keyword itself earns ROI 10 (keyword report), so it is not bid down and its
    # search terms can be negated
    recs = [dict(keyword="空气炸锅", impressions=5000, clicks=800, cost=800, order_lines=80,
                 revenue=8000)]  # fmt: skip
    for term in ["空气炸锅", *EVIL]:
        volumes = (800, 800, 20, 2000) if term == "空气炸锅" else (100, 100, 0, 0)
        recs.append(dict(keyword="空气炸锅", search_term=term, impressions=1000,
                         clicks=volumes[0], cost=volumes[1], order_lines=volumes[2],
                         revenue=volumes[3]))  # fmt: skip
    p = params(shrink_to="account")
    rv = kw.review(rows(*recs), PERIOD, p, ngrams=False)
    neg = kw.explain(rv.negatives, "negative", "zh")
    # "+1 空气炸锅" contains the keyword: relevant, bought as an exact word instead
    near = "+1 空气炸锅"
    assert set(neg["search_term"]) == set(EVIL) - {near}
    assert list(rv.exact_words["keyword"]) == [near]
    # HTML: shown as text
    page = html_table(neg, "zh")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # CSV and xlsx: neutralised, never a formula
    write_table(neg, tmp_path, "negative_keyword_candidates")
    csv = pd.read_csv(tmp_path / "negative_keyword_candidates.csv", encoding="utf-8-sig")
    for term in EVIL[:4]:
        if term != near:
            assert "'" + term in set(csv["search_term"])
    sheets = kw.action_sheets(rv.negatives, rv.pauses, rv.bids, rv.new_words,
                              exact_words=rv.exact_words)  # fmt: skip
    path = write_workbook(sheets, tmp_path / "keyword_actions.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(kw.SHEETS)
    for sheet, header_name in (("否定关键词", "否定关键词"), ("精确词建议", "关键词")):
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        col = header.index(header_name)
        values = [r[col].value for r in ws.iter_rows(min_row=2)]
        assert all(r[col].data_type == "s" for r in ws.iter_rows(min_row=2))
        for term in EVIL[:4]:
            if (term == near) == (sheet == "精确词建议"):
                assert "'" + term in values and term not in values
        for row_cells in ws.iter_rows():
            for cell in row_cells:
                value = cell.value
                assert not (isinstance(value, str) and value.startswith(("=", "+", "-", "@")))


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
    assert sheets["暂停或降价"].loc[0, "操作"] == "暂停"
    assert sheets["否定关键词"].empty and "否定方式" in sheets["否定关键词"]
    assert sheets["大促后执行"].empty  # no promotion pending


def test_action_sheets_keep_cuts_for_after_the_promotion():
    bids = kw.bid_suggestions(_bids_frame(), PARAMS)
    pauses = pd.DataFrame({"campaign": ["c"], "unit": ["u"], "keyword": ["up"], "action": ["pause"],
                           "clicks": [100.0], "cost": [150.0], "order_lines": [0.0], "cvr": [0.0],
                           "breakeven_cvr": [0.05], "p_breakeven": [0.01], "roi": [0.0]})  # fmt: skip
    neg = pd.DataFrame({"search_term": ["专用纸", "多功能款"], "keyword": ["k", "k"],
                        "campaign": ["c", "c"], "unit": ["u", "u"], "clicks": [50.0, 60.0],
                        "cost": [50.0, 60.0], "order_lines": [0.0, 1.0], "cvr": [0.0, 1 / 60],
                        "breakeven_cvr": [0.05, 0.05], "p_breakeven": [0.01, 0.02],
                        "reason": ["no_orders", "below_breakeven"],
                        "within_unit_limit": [True, True]})  # fmt: skip
    now = kw.action_sheets(neg, pauses, bids, pd.DataFrame(columns=["source", "reason"]))
    held = kw.action_sheets(neg, pauses, bids, pd.DataFrame(columns=["source", "reason"]),
                            hold_until=D(2026, 11, 26))  # fmt: skip
    later = held["大促后执行"]
    changes = now["出价调整"]["调整幅度(%)"]
    assert (changes < 0).any() and (changes > 0).any()
    # the pause, every bid change (raises too: warm-up data) and the negative of a converting
    # term wait for the re-check; nothing is lost
    assert len(later) == 1 + len(changes) + 1 and set(later["执行时间"]) == {"2026-11-26 之后"}
    assert held["暂停或降价"].empty and held["出价调整"].empty
    assert list(held["否定关键词"]["否定关键词"]) == ["专用纸"]  # no orders: negate now
    assert set(later["操作"]) == {"暂停", "降价", "提价", "否定"}


def test_a_promotion_campaign_is_paused_whole_after_the_promotion_not_bid_down():
    pauses = pd.DataFrame({
        "campaign": ["大促-双11专项", "大促-双11专项", "空气炸锅-核心词"],
        "unit": ["双11-爆款主推"] * 2 + ["可视5L款"], "keyword": ["双11破壁机", "电饭煲", "空气炸锅"],
        "action": ["pause", "bid_down", "bid_down"], "current_bid": [3.6, 3.59, 2.88],
        "new_bid": [np.nan, 2.5, 2.2], "clicks": [100.0] * 3, "cost": [150.0] * 3,
        "order_lines": [0.0, 1.0, 1.0], "cvr": [0.0, 0.01, 0.01], "breakeven_cvr": [0.05] * 3,
        "p_breakeven": [0.01] * 3, "roi": [0.0, 0.5, 0.5],
    })  # fmt: skip
    empty = kw.negative_candidates(None, PARAMS)
    none = pd.DataFrame(columns=["source", "reason"])
    held = kw.action_sheets(empty, pauses, kw.bid_suggestions(_bids_frame(), PARAMS), none,
                            hold_until=D(2026, 11, 26),
                            promotion_end=D(2026, 11, 13))  # fmt: skip
    later = held["大促后执行"]
    promo = later[later["推广计划"] == "大促-双11专项"]
    # the campaign's pause and bid-down become one pause of the whole campaign,
    # when the promotion ends; the ordinary campaign's bid-down waits for the verdict
    assert len(promo) == 1 and promo.iloc[0]["操作"] == "暂停计划"
    assert promo.iloc[0]["执行时间"] == "2026-11-13 之后" and promo.iloc[0]["关键词/搜索词"] == ""
    assert (
        "代替本计划 2 条逐词操作" in promo.iloc[0]["原因"]
        and "「双11破壁机」" in promo.iloc[0]["原因"]
    )
    core = later[later["推广计划"] == "空气炸锅-核心词"]
    assert list(core["操作"]) == ["降价"] and set(core["执行时间"]) == {"2026-11-26 之后"}
    assert "降价" not in set(promo["操作"])
    # without the promotion's end, the campaign waits like the rest
    plain = kw.action_sheets(empty, pauses, kw.bid_suggestions(_bids_frame(), PARAMS), none,
                             hold_until=D(2026, 11, 26), lang="en")  # fmt: skip
    row = plain["大促后执行"].iloc[0]
    assert row["操作"] == "暂停计划" and row["执行时间"] == "2026-11-26 之后"
    assert row["原因"].startswith("A promotion campaign: pause the whole campaign")
    assert [kw.is_promotion_campaign(n) for n in ("618大促", "双十一专项", "品牌词-澄禾", None)] == [
        True, True, False, False]  # fmt: skip


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
             rv.match_types, rv.hot_words, rv.exact_words]  # fmt: skip
    missing = {c for f in shown for c in f.columns if columns.get(c) is None}
    assert missing == set()


def test_keyword_explorer_filters_with_the_tested_function(two_levels):
    pytest.importorskip("ipywidgets")
    from jdpromo import widgets

    rv = kw.review(two_levels, PERIOD, PARAMS)
    box = widgets.keyword_explorer(rv.keywords, rv.terms, "zh")
    level, row, _ = box.children
    (clicks, quadrant), (campaign, text) = (c.children for c in row.children)
    assert unselected(box) == [] and (quadrant.value, campaign.value) == ("", "")  # all
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


def test_an_account_below_breakeven_holds_the_negatives_that_follow_only_from_it():
    # every word earns ROI 1.5 against 保本 3.85 (margin 0.26); 做豆浆步骤 has no order at all
    recs = [dict(keyword="空气炸锅", impressions=10_000, clicks=1000, cost=2000, order_lines=10,
                 revenue=3000, bid=2.0)]  # fmt: skip
    for term, clicks, orders, revenue in (("空气炸锅", 700, 9, 2700), ("电饭煲", 200, 1, 300),
                                          ("做豆浆步骤", 100, 0, 0)):  # fmt: skip
        recs.append(dict(keyword="空气炸锅", search_term=term, impressions=3000, clicks=clicks,
                         cost=clicks * 2.0, order_lines=orders, revenue=revenue))  # fmt: skip
    p = params(shrink_to="account", min_clicks_negative=20, min_expected_order_lines=1.0)
    p = p.model_copy(update={"gross_margin": 0.38, "commission_rate": 0.08, "refund_rate": 0.04})
    rv = kw.review(rows(*recs), PERIOD, p, ngrams=False)
    assert kw.account_below_breakeven(rv.keywords, p)  # 3000 / 2000 = 1.5 < 3.85
    neg = rv.negatives.set_index("search_term")
    assert neg.loc["电饭煲", "held_account"] and not neg.loc["电饭煲", "within_unit_limit"]
    assert not neg.loc["做豆浆步骤", "held_account"] and neg.loc["做豆浆步骤", "within_unit_limit"]
    assert list(kw.proposed_negatives(rv.negatives)["search_term"]) == ["做豆浆步骤"]
    first = kw.summary_sentences(rv, "zh")[0]
    assert (
        first.startswith("整个快车账户 ROI 1.50，低于保本ROI 3.85")
        and "1 个有订单的搜索词" in first
    )
    assert "整体降低出价" in first
    held = kw.summary_sentences(rv, "zh", hold_until=D(2026, 11, 26))[0]
    assert "2026-11-26 之后" in held and "整体降低出价" not in held
    good = p.model_copy(update={"gross_margin": 0.9})  # 保本 1 / 0.78 = 1.28: the account earns
    assert not kw.account_below_breakeven(rv.keywords, good)


def test_a_term_negated_for_an_irrelevant_word_negates_the_word_as_a_phrase():
    neg = pd.DataFrame({"search_term": ["空气炸锅专用纸", "空气炸锅专用纸大号", "做豆浆步骤"],
                        "keyword": ["空气炸锅", "空气炸锅", "破壁机"], "campaign": ["c"] * 3,
                        "unit": ["u"] * 3, "clicks": [50.0, 40.0, 30.0], "cost": [50.0, 40.0, 30.0],
                        "order_lines": [0.0, 0.0, 0.0], "cvr": [0.0] * 3,
                        "breakeven_cvr": [0.05] * 3, "p_breakeven": [0.01] * 3,
                        "reason": ["no_orders"] * 3, "irrelevant_word": ["专用纸", "专用纸", None],
                        "within_unit_limit": [True] * 3})  # fmt: skip
    empty = pd.DataFrame(columns=["campaign", "unit", "keyword", "action", "reason"])
    sheet = kw.action_sheets(neg, empty, kw.bid_suggestions(_bids_frame(), PARAMS).iloc[0:0],
                             pd.DataFrame(columns=["source", "reason"]))["否定关键词"]  # fmt: skip
    # 专用纸 once, as a phrase (both its searches); 做豆浆步骤 shares no keyword text: exact
    assert sheet[["否定关键词", "否定方式"]].values.tolist() == [
        ["专用纸", "短语否定"], ["做豆浆步骤", "精确否定"]]  # fmt: skip


def _warmup_params(gross_margin: float = 0.38) -> ShopParams:
    from jdpromo.params import Phase, Promotion

    promo = Promotion(label="双11", warmup=Phase(start=D(2026, 10, 14), end=D(2026, 10, 31)),
                      peak=Phase(start=D(2026, 11, 1), end=D(2026, 11, 11)))  # fmt: skip
    return PARAMS.model_copy(
        update={"promotions": {"1111-2026": promo}, "gross_margin": gross_margin}
    )


def _warmup_rows(ordinary_revenue: float) -> pd.DataFrame:
    # two ordinary days (10-12, 10-13) and two warm-up days (10-14, 10-15) of one keyword
    recs = []
    for day, cost, revenue, carts in (("2026-10-12", 500, ordinary_revenue / 2, 10),
                                      ("2026-10-13", 500, ordinary_revenue / 2, 10),
                                      ("2026-10-14", 1500, 1500, 150),
                                      ("2026-10-15", 1500, 1500, 150)):  # fmt: skip
        recs.append(dict(date=day, keyword="空气炸锅", keyword_id="1", bid=2.0,
                         impressions=20_000, clicks=cost / 2, cost=cost, order_lines=revenue / 250,
                         revenue=revenue, carts=carts))  # fmt: skip
    return rows(*recs)


WARM = Period("2026-10-12..2026-10-15", "range", D(2026, 10, 12), D(2026, 10, 15))


def test_a_warmup_month_is_judged_as_a_warmup_not_as_an_account_losing_money():
    p = _warmup_params()
    rv = kw.review(_warmup_rows(5000), WARM, p, ngrams=False)
    ph = rv.phases.set_index("phase")
    # 日常: 1,000 元 → 5,000 元, 20 carts; 预热: 3,000 元 → 3,000 元, 300 carts
    assert list(ph.index) == ["ordinary", "warmup"] and ph.loc["warmup", "label"] == "双11"
    assert ph.loc["ordinary", "days"] == 2 and ph.loc["warmup", "days"] == 2
    assert ph.loc["ordinary", "roi"] == pytest.approx(5.0)
    assert ph.loc["warmup", "roi"] == pytest.approx(1.0)
    assert ph.loc["ordinary", "cost_per_cart"] == pytest.approx(50.0)
    assert ph.loc["warmup", "cost_per_cart"] == pytest.approx(10.0)
    # the month: 8,000 / 4,000 = 2.00 < 保本 3.85, but the period holds a warm-up
    first = kw.summary_sentences(rv, "zh", hold_until=D(2026, 11, 26))[0]
    assert first.startswith("本期含双11预热 2 天：快车整月 ROI 2.00 低于保本ROI 3.85")
    assert "加购成本 10.00 元" in first and "日常 2 天 ROI 5.00，在保本以上" in first
    assert "2026-11-26 之后按整个大促的 ROI 再判断" in first
    assert "账户整体在亏钱" not in first and "整体降低出价" not in first
    # an English page names the promotion in English (1111-2026 → Double 11 2026)
    rv_en = kw.review(_warmup_rows(5000), WARM, p, ngrams=False, lang="en")
    assert rv_en.phases.set_index("phase").loc["warmup", "label"] == "Double 11 2026"
    en = kw.summary_sentences(rv_en, "en", hold_until=D(2026, 11, 26))[0]
    assert en.startswith("This period holds 2 warm-up days of Double 11 2026: the 快车 account")
    assert "ordinary days the account earns ROI 5.00" in en and "loses money" not in en
    assert "双11" not in en
    # ordinary days below 保本 too (ROI 2.00): the warm-up is not the only reason
    rv = kw.review(_warmup_rows(2000), WARM, p, ngrams=False)
    first = kw.summary_sentences(rv, "zh", hold_until=D(2026, 11, 26))[0]
    assert "但日常 2 天 ROI 2.00 也低于保本ROI 3.85" in first and "不只是预热的原因" in first
    # once the promotion has settled (no hold), the plain verdict stands
    plain = kw.summary_sentences(rv, "zh")[0]
    assert plain.startswith("整个快车账户 ROI") and "账户整体在亏钱" in plain


def test_account_phases_name_the_promotions_in_the_page_language():
    from jdpromo.params import Phase, Promotion

    def promo(label, label_en, start, end):
        return Promotion(label=label, label_en=label_en, warmup=Phase(start=start, end=end),
                         peak=Phase(start=D(2026, 11, 1), end=D(2026, 11, 11)))  # fmt: skip

    promotions = {
        "1111-2026": promo("双11", None, D(2026, 10, 14), D(2026, 10, 14)),
        "autumn-2026": promo("秋季大促", "Autumn Sale", D(2026, 10, 15), D(2026, 10, 15)),
    }
    frame = _warmup_rows(5000)
    zh = kw.account_phases(frame, WARM, promotions).set_index("phase")
    en = kw.account_phases(frame, WARM, promotions, "en").set_index("phase")
    # both warm-ups fall in the period: their names, joined as each language joins a list
    assert zh.loc["warmup", "label"] == "双11、秋季大促"
    assert en.loc["warmup", "label"] == "Double 11 2026, Autumn Sale"
    assert zh.loc["ordinary", "label"] == en.loc["ordinary", "label"] == ""
    assert en.loc["warmup", "days"] == 2 and en.loc["warmup", "cost"] == pytest.approx(3000.0)


def test_account_phases_is_empty_outside_promotions():
    rv = kw.review(_warmup_rows(5000), WARM, PARAMS, ngrams=False)
    assert rv.phases.empty and list(rv.phases.columns) == kw.PHASE_COLUMNS


# --------------------------------------------------------------------------------------------
# Operator review: new words, brand raises, stacked cuts, re-checks


NEW_WORD_UNITS = pd.DataFrame({
    "campaign": ["大促-双11专项", "电饭煲-核心词", "长尾词-拓展", "空气炸锅-核心词"],
    "unit": ["双11-爆款主推", "电饭煲-4L", "可视5L-长尾", "可视5L"],
    "keyword": ["双11电饭煲", "电饭煲", "家用可视空气炸锅", "空气炸锅"],
    "clicks": [500.0, 10, 300, 100], "cost": [1000.0, 15, 300, 250],
    "order_lines": [20.0, 1, 10, 2], "revenue": [5000.0, 100, 3000, 500],
})  # fmt: skip
NEW_WORD_HOT = pd.DataFrame({
    "keyword": ["智能电饭煲", "可视空气炸锅", "可视空气炸锅家用推荐"],
    "searches": [900.0, 800, 700], "kuaiche_reference_bid": [2.0, 4.02, 0.8],
})  # fmt: skip


def test_campaign_kinds_for_new_words():
    assert [kw.is_long_tail_campaign(n) for n in ("长尾词-拓展", "Long tail", "空气炸锅-核心词", None)] == [
        True, True, False, False]  # fmt: skip
    # head = shorter than long_tail_min_chars (7), spaces not counted
    assert [kw.is_head_word(w) for w in ("电炸锅", "可视空气炸锅", "可视空气炸锅家用", "可视 空气炸锅")] == [
        True, True, False, True]  # fmt: skip
    assert not kw.new_word_unit_ok("玻璃养生壶", "大促-双11专项")  # a promotion campaign: never
    assert not kw.new_word_unit_ok("电炸锅", "长尾词-拓展")  # a head word in a long-tail campaign
    assert kw.new_word_unit_ok("电炸锅可视家用款", "长尾词-拓展")
    assert kw.new_word_unit_ok("电炸锅", "空气炸锅-核心词")


def test_unit_bid_caps_by_hand():
    caps = kw.unit_bid_caps(NEW_WORD_UNITS, PARAMS).set_index("unit")
    # 空气炸锅-核心词: 100 clicks, 500 元 → 5 元 a click ÷ target ROI 4 = 1.25 (CPC 2.5, ROI 2)
    assert caps.loc["可视5L", "bid_cap"] == pytest.approx(1.25)
    assert caps.loc["可视5L", "bid_cap_basis"] == "target_roi"
    assert caps.loc["可视5L", "unit_cpc"] == pytest.approx(2.5)
    assert caps.loc["可视5L", "unit_roi"] == pytest.approx(2.0)
    # 10 clicks < min_clicks_bid 20: no ROI evidence, the unit's CPC 15 / 10 = 1.5
    assert caps.loc["电饭煲-4L", "bid_cap"] == pytest.approx(1.5)
    assert caps.loc["电饭煲-4L", "bid_cap_basis"] == "unit_cpc"
    assert caps.loc["可视5L-长尾", "bid_cap"] == pytest.approx(3000 / 300 / 4)


def test_new_words_avoid_promotion_and_long_tail_campaigns_and_are_capped():
    gaps = kw.industry_gaps(NEW_WORD_HOT, NEW_WORD_UNITS, None, ["澄禾"]).set_index("keyword")
    # 智能电饭煲 shares 电饭煲 with the promotion unit (500 clicks) and 电饭煲-4L (10): not the
    # promotion campaign, paused when the promotion ends
    assert gaps.loc["智能电饭煲", "campaign"] == "电饭煲-核心词"
    # 可视空气炸锅 (6 characters: a head word) shares two words with the long-tail unit, one
    # with 空气炸锅-核心词: the head word goes to the core campaign
    assert gaps.loc["可视空气炸锅", "unit"] == "可视5L"
    # 10 characters: a long-tail word may go to the long-tail campaign
    assert gaps.loc["可视空气炸锅家用推荐", "campaign"] == "长尾词-拓展"
    new = kw.new_word_suggestions(None, NEW_WORD_UNITS, gaps.reset_index(), PARAMS)
    new = new.set_index("keyword")
    assert not new["campaign"].map(kw.is_promotion_campaign).any()
    # 快车参考价 4.02 capped at the unit's affordable CPC 1.25 (ROI 2 at CPC 2.5, target 4)
    assert new.loc["可视空气炸锅", "new_bid"] == pytest.approx(1.25)
    # 2.00 capped at the CPC 1.50 of a unit without ROI evidence
    assert new.loc["智能电饭煲", "new_bid"] == pytest.approx(1.5)
    assert new.loc["智能电饭煲", "bid_cap_basis"] == "unit_cpc"
    # a reference bid below the cap stays
    assert new.loc["可视空气炸锅家用推荐", "new_bid"] == pytest.approx(0.8)
    ev = kw.explain(new.reset_index(), "new_word", "zh").set_index("keyword")["evidence"]
    assert (
        "可承受的点击花费 1.25 元（单元ROI 2.00、平均点击花费 2.50 元，目标ROI 4.00）：出价 1.25 元"
        in ev["可视空气炸锅"]
    )
    assert "平均点击花费 1.50 元：出价 1.50 元" in ev["智能电饭煲"]


def _proven_terms_frame() -> pd.DataFrame:
    # three terms with 100 clicks and 10 order lines each, ROI 10 at CPC 1
    base = dict(impressions=1000.0, clicks=100.0, cost=100.0, order_lines=10.0, revenue=1000.0,
                carts=12.0)  # fmt: skip
    recs = [
        dict(campaign="大促-双11专项", unit="双11-爆款主推", keyword="电饭煲", search_term="电饭煲双11", **base),
        dict(campaign="品牌词-澄禾", unit="品牌词-通用", keyword="澄禾", search_term="澄禾电饭煲", **base),
        dict(campaign="电饭煲-核心词", unit="电饭煲-4L", keyword="电饭煲", search_term="电饭煲4L", **base),
    ]  # fmt: skip
    return pd.DataFrame(recs)


def test_proven_terms_skip_promotion_campaigns_and_brand_terms_stay_at_their_cpc():
    terms = _proven_terms_frame()
    new = kw.new_word_suggestions(terms, NEW_WORD_UNITS, None, PARAMS).set_index("keyword")
    assert set(new.index) == {"澄禾电饭煲", "电饭煲4L"}  # not into 大促-双11专项
    # value of a click ≈ 10 元 ÷ 4 = 2.5 元 affordable against a CPC of 1: capped at +30% (1.30)…
    assert new.loc["电饭煲4L", "new_bid"] == pytest.approx(1.3)
    # …but a brand term is not bid above what it pays now (no ROI-driven raise)
    assert new.loc["澄禾电饭煲", "new_bid"] == pytest.approx(1.0)
    assert bool(new.loc["澄禾电饭煲", "is_brand"])


def test_brand_words_are_never_raised_on_roi():
    f = _bids_frame().assign(is_brand=[True, False, True, False, False])
    b = kw.bid_suggestions(f, PARAMS).set_index("keyword")
    # "up" would go 2.0 → 2.5 (+25%): a brand word is held instead, bid exactly as it is
    assert b.loc["up", "reason"] == "brand_no_raise"
    assert b.loc["up", "new_bid"] == 2.0 and b.loc["up", "bid_change"] == 0
    assert math.isnan(b.loc["up", "expected_roi"])
    assert b.loc["up_cap", "reason"] == "raise_capped"  # not a brand word
    # a brand word losing money is still cut
    assert b.loc["down_cap", "reason"] == "lower_capped"
    assert b.loc["down_cap", "new_bid"] == pytest.approx(14.0)
    text = kw.bid_sentence(b.reset_index().iloc[0], "zh")
    assert text.startswith("品牌词：") and "不按ROI提价" in text
    sheets = kw.action_sheets(kw.negative_candidates(None, PARAMS), kw.keyword_pauses(None, PARAMS),
                              b.reset_index(), pd.DataFrame(columns=["source", "reason"]))  # fmt: skip
    assert "up" not in set(sheets["出价调整"]["关键词"])


CUT_VERDICTS = pd.DataFrame({
    "line": ["快车", "快车", "快车"], "campaign": ["c", "p", "ok"],
    "verdict": ["cut", "pause", "grow"], "bid_change": [-0.3, np.nan, np.nan],
})  # fmt: skip


def _pause_rows(campaign: str) -> pd.DataFrame:
    return pd.DataFrame({
        "campaign": [campaign] * 2, "unit": ["u"] * 2, "keyword": ["few", "down_cap"],
        "action": ["pause", "bid_down"], "current_bid": [2.0, 20.0], "new_bid": [np.nan, 14.0],
        "clicks": [100.0] * 2, "cost": [150.0, 1500], "order_lines": [0.0, 5], "revenue": [0.0, 1500],
        "cvr": [0.0, 0.05], "breakeven_cvr": [0.05] * 2, "p_breakeven": [0.01] * 2,
        "roi": [0.0, 1.0], "profit_gain": [150.0, 1110], "reason": ["no_orders", "below_breakeven"],
    })  # fmt: skip


def test_a_campaign_already_cut_gets_no_second_keyword_cut():
    bids = kw.bid_suggestions(_bids_frame(), PARAMS)  # campaign "c": up, up_cap raise; down_cap cut
    b, p, cov = kw.defer_to_campaigns(bids, _pause_rows("c"), CUT_VERDICTS)
    b = b.set_index("keyword")
    # the campaign's −30% is the one cut: the keyword's own cut (20 → 14) is not stacked on it
    assert b.loc["down_cap", "reason"] == "campaign_cut"
    assert b.loc["down_cap", "new_bid"] == 20.0 and b.loc["down_cap", "bid_change"] == 0
    # no raise while the campaign is cut: the raise goes to the campaign too (bid kept)
    assert b.loc["up", "reason"] == "campaign_cut" and b.loc["up", "new_bid"] == 2.0
    assert b.loc["up", "campaign_bid_change"] == -0.3
    # a pause stays (it replaces the cut on that word); the bid-down goes to the campaign
    assert list(p["keyword"]) == ["few"] and p.loc[0, "campaign_verdict"] == "cut"
    assert cov["keyword"].tolist()[0] == "down_cap" and cov["own_action"].tolist()[0] == "bid_down"
    assert cov.loc[0, "own_new_bid"] == 14.0
    assert {"up", "up_cap"} <= set(cov.loc[cov["own_action"] == "raise", "keyword"])
    assert "不是在降价之上再暂停" in kw.pause_sentence(p.iloc[0], "zh")
    raise_text = kw.bid_sentence(b.reset_index().set_index("keyword").loc["up"], "zh")
    assert "不在计划降价时提价" in raise_text
    sheets = kw.action_sheets(kw.negative_candidates(None, PARAMS), p, b.reset_index(),
                              pd.DataFrame(columns=["source", "reason"]))  # fmt: skip
    assert "down_cap" not in set(sheets["出价调整"]["关键词"])
    assert sheets["暂停或降价"]["关键词"].tolist() == ["few"]
    assert not {"up", "up_cap"} & set(sheets["出价调整"]["关键词"])
    rv = SimpleNamespace(covered=cov.iloc[[0]])
    assert kw.campaign_covered_sentence(rv, "zh") == (
        "1 条逐词调价或暂停建议所在的计划已在渠道页判为「c」整体降价约 30.00%：按计划的结论执行，不再叠加逐词调价，"
        "这部分亏损也只在计划结论里算一次。"
    )


def test_a_campaign_to_pause_takes_every_keyword_action():
    bids = kw.bid_suggestions(_bids_frame().assign(campaign="p"), PARAMS)
    b, p, cov = kw.defer_to_campaigns(bids, _pause_rows("p"), CUT_VERDICTS)
    assert p.empty
    moved = b.loc[b["keyword"].isin(["up", "up_cap", "down_cap", "nobid"])]
    assert (moved["reason"] == "campaign_pause").all() and (moved["bid_change"] == 0).all()
    # one row per keyword: the paused and bid-down words once, the raises once
    assert sorted(cov["keyword"]) == ["down_cap", "few", "nobid", "up", "up_cap"]
    # no verdict, or one that does not cut: nothing changes
    b2, p2, cov2 = kw.defer_to_campaigns(
        bids.assign(campaign="ok"), _pause_rows("ok"), CUT_VERDICTS
    )
    # … except one action per keyword: down_cap is bid down in the pause list, not also here
    same = bids["reason"].where(bids["keyword"] != "down_cap", "keyword_pause")
    assert b2["reason"].tolist() == same.tolist() and len(p2) == 2 and cov2.empty
    b3, _, _ = kw.defer_to_campaigns(bids, _pause_rows("p"), None)
    assert b3["campaign_verdict"].isna().all()


def test_a_campaign_cut_never_replaces_pausing_a_dead_word():
    """A campaign cut (or hold) is a small step across the board: a word paused on its own
    (no orders, a large loss) keeps its pause, and its bid change becomes that pause, never
    the campaign's cut. Only bid changes defer to the cut; a campaign paused whole takes all."""
    bids = kw.bid_suggestions(_bids_frame(), PARAMS)  # down_cap: lower_capped 20 → 14
    # down_cap: 100 clicks, 1500 元 spent for 1500 元 (ROI 1.0, under half of 保本): pause
    pauses = _pause_rows("c").assign(action=["pause", "pause"], new_bid=np.nan,
                                     reason=["no_orders", "big_loss"])  # fmt: skip
    b, p, cov = kw.defer_to_campaigns(bids, pauses, CUT_VERDICTS)
    b = b.set_index("keyword")
    assert sorted(p["keyword"]) == ["down_cap", "few"]
    assert set(p["campaign_verdict"]) == {"cut"} and (p["campaign_bid_change"] == -0.3).all()
    # its bid row is the keyword's pause (bid kept), not the campaign's −30% cut
    assert b.loc["down_cap", "reason"] == "keyword_pause"
    assert b.loc["down_cap", "new_bid"] == 20.0 and b.loc["down_cap", "bid_change"] == 0
    # the raises still defer to the cut; nothing of down_cap is left to the campaign
    assert b.loc["up", "reason"] == "campaign_cut" and b.loc["up_cap", "reason"] == "campaign_cut"
    assert sorted(cov["keyword"]) == ["nobid", "up", "up_cap"] and set(cov["own_action"]) == {
        "raise"
    }
    sheets = kw.action_sheets(kw.negative_candidates(None, PARAMS), p, b.reset_index(),
                              pd.DataFrame(columns=["source", "reason"]))  # fmt: skip
    assert sorted(sheets["暂停或降价"]["关键词"]) == ["down_cap", "few"]
    assert "down_cap" not in set(sheets["出价调整"]["关键词"])
    # a held (not promotion) campaign: the same
    held = kw.bid_suggestions(_bids_frame().assign(campaign="h"), PARAMS)
    hb, hp, hcov = kw.defer_to_campaigns(held, pauses.assign(campaign="h"), HOLD_VERDICTS)
    assert sorted(hp["keyword"]) == ["down_cap", "few"]
    assert hb.set_index("keyword").loc["down_cap", "reason"] == "keyword_pause"
    assert "down_cap" not in set(hcov["keyword"])
    # a campaign paused whole: every keyword action defers, the pauses too
    paused = kw.bid_suggestions(_bids_frame().assign(campaign="p"), PARAMS)
    pb, pp, pcov = kw.defer_to_campaigns(paused, pauses.assign(campaign="p"), CUT_VERDICTS)
    assert pp.empty and pb.set_index("keyword").loc["down_cap", "reason"] == "campaign_pause"
    assert set(pcov.loc[pcov["keyword"] == "down_cap", "own_action"]) == {"pause"}


HOLD_VERDICTS = pd.DataFrame({
    "line": ["快车", "快车"], "campaign": ["h", "大促-双11专项"], "verdict": ["hold", "hold"],
    "bid_change": [np.nan, np.nan],
})  # fmt: skip


def test_a_held_campaign_takes_its_keyword_cuts_too():
    """A campaign whose loss waits for the promotion is judged whole after it: its keywords'
    cuts wait with it (no second cut on top), and their loss is counted in the campaign's."""
    bids = kw.bid_suggestions(_bids_frame().assign(campaign="h"), PARAMS)
    b, p, cov = kw.defer_to_campaigns(bids, _pause_rows("h"), HOLD_VERDICTS)
    b = b.set_index("keyword")
    # the keyword's own cut (20 → 14) waits with the campaign; its bid stays
    assert b.loc["down_cap", "reason"] == "campaign_hold"
    assert b.loc["down_cap", "new_bid"] == 20.0 and b.loc["down_cap", "bid_change"] == 0
    # a raise waits with the campaign too (dropped, not put on 大促后执行); a pause stays
    assert b.loc["up", "reason"] == "campaign_hold" and b.loc["up", "campaign_verdict"] == "hold"
    assert "这条调价不放进“大促后执行”" in kw.bid_sentence(b.loc["up"].rename("up"), "zh")
    assert list(p["keyword"]) == ["few"] and p.loc[0, "campaign_verdict"] == "hold"
    # the bid-down goes to the campaign, listed once (its bid change is not shown again)
    assert cov["keyword"].tolist()[0] == "down_cap" and cov["own_action"].tolist()[0] == "bid_down"
    assert "raise" in set(cov["own_action"])
    assert set(cov["campaign_verdict"]) == {"hold"} and cov["campaign_bid_change"].isna().all()
    assert "不单独降价" in kw.bid_sentence(b.reset_index().set_index("keyword").loc["down_cap"])
    assert kw.campaign_covered_sentence(SimpleNamespace(covered=cov.iloc[[0]]), "zh") == (
        "1 条逐词调价或暂停建议所在的计划已在渠道页判为「h」大促结算后整体再定：按计划的结论执行，不再叠加逐词调价，"
        "这部分亏损也只在计划结论里算一次。"
    )
    # a promotion's own campaign is paused whole after the promotion: its words are neither
    # listed nor counted as keyword pauses or cuts; one row stands for all of them (大促后执行)
    promo = kw.bid_suggestions(_bids_frame().assign(campaign="大促-双11专项"), PARAMS)
    pb, pp, pcov = kw.defer_to_campaigns(promo, _pause_rows("大促-双11专项"), HOLD_VERDICTS)
    assert pp.empty and {"few", "down_cap", "up"} <= set(pcov["keyword"])
    assert pb.set_index("keyword").loc["down_cap", "reason"] == "campaign_promo_pause"
    assert not pb["reason"].isin(kw.BID_MOVES).any()
    assert "大促结束后整个暂停、ROI 在大促结算后按整个大促复盘（大促专项计划" in (
        kw.campaign_covered_sentence(SimpleNamespace(covered=pcov))
    )
    sheets = kw.action_sheets(kw.negative_candidates(None, PARAMS), pp, pb,
                              pd.DataFrame(columns=["source", "reason"]), hold_until=D(2026, 11, 26),
                              promotion_end=D(2026, 11, 13), covered=pcov)  # fmt: skip
    later = sheets["大促后执行"]
    assert later["操作"].tolist() == ["暂停计划"] and later["推广计划"].tolist() == [
        "大促-双11专项"
    ]
    assert f"代替本计划 {len(pcov)} 条逐词操作" in later.loc[0, "原因"]


def test_keyword_cuts_in_a_held_campaign_are_counted_in_the_campaign():
    recs = [
        # 计划A (held on the channel page): 空气炸锅 without orders, 电炸锅 at ROI 1.33
        dict(campaign="计划A", keyword="空气炸锅", bid=2.0, impressions=5000, clicks=200,
             cost=400, order_lines=0, revenue=0),
        dict(campaign="计划A", keyword="电炸锅", bid=2.0, impressions=5000, clicks=300, cost=600,
             order_lines=4, revenue=800),
        # 计划B (no verdict): 电饭煲 without orders
        dict(campaign="计划B", unit="单元2", keyword="电饭煲", bid=2.0, impressions=5000,
             clicks=150, cost=300, order_lines=0, revenue=0),
    ]  # fmt: skip
    verdicts = pd.DataFrame({"line": ["快车"], "campaign": ["计划A"], "verdict": ["hold"],
                             "bid_change": [np.nan]})  # fmt: skip
    rv = kw.review(rows(*recs), PERIOD, PARAMS, ngrams=False, verdicts=verdicts)
    f = kw.findings(rv, PARAMS, hold_until=D(2026, 11, 26))[-1]
    # 计划A's 400 + (600 − 800 × 0.26) = 792 元 is in the campaign's held money: only 计划B's 300
    assert f.money_at_stake == pytest.approx(300.0) and f.money_basis == "profit_at_risk"
    assert (
        "其中 2 个词所在的计划已在渠道页判为降价、暂停或大促结算后再定，它们约 792 元的亏损计入计划结论"
        in f.evidence
    )


def test_after_promotion_rows_say_to_recheck():
    bids = kw.bid_suggestions(_bids_frame(), PARAMS)
    pauses = _pause_rows("大促-双11专项").iloc[[0]].assign(unit="双11-爆款主推")
    pauses = pd.concat([pauses, _pause_rows("c").iloc[[1]]], ignore_index=True)
    held = kw.action_sheets(kw.negative_candidates(None, PARAMS), pauses, bids,
                            pd.DataFrame(columns=["source", "reason"]), hold_until=D(2026, 11, 26),
                            promotion_end=D(2026, 11, 13))  # fmt: skip
    later = held["大促后执行"].set_index("推广计划")
    assert "复核" in later.columns
    data_rows = later.loc[["c"]]
    assert data_rows["复核"].str.startswith("待复核：依据含预热期的数据；2026-11-26 之后").all()
    # one plan for a promotion's own campaign: paused once the promotion is over (its last
    # day 2026-11-13), its ROI reviewed over the whole promotion after it settles (11-26)
    assert later.loc["大促-双11专项", "复核"] == (
        "暂停不用等复核：大促专项计划在大促结束后（2026-11-13 之后）整个暂停；它的 ROI 在大促结算后"
        "（2026-11-26 之后）按整个大促复盘"
    )
    assert "2026-11-13 之后）整个计划暂停" in later.loc["大促-双11专项", "原因"]
    assert "（2026-11-26 之后）按整个大促复盘" in later.loc["大促-双11专项", "原因"]
    en = kw.action_sheets(kw.negative_candidates(None, PARAMS), pauses, bids,
                          pd.DataFrame(columns=["source", "reason"]), lang="en",
                          hold_until=D(2026, 11, 26))  # fmt: skip
    assert en["大促后执行"]["复核"].str.startswith(("To re-check", "The pause needs no")).all()
    assert "待复核" in TEXT["kw_actions_held"]["zh"] and "re-check" in TEXT["kw_actions_held"]["en"]


def test_a_sentence_after_a_colon_loses_its_capital_in_english():
    assert kw._mid_sentence("A rival's brand “苏泊尔”: …", "en") == "a rival's brand “苏泊尔”: …"
    assert kw._mid_sentence("ROI 2.00 is below", "en") == "ROI 2.00 is below"
    assert kw._mid_sentence("竞品品牌词「苏泊尔」", "zh") == "竞品品牌词「苏泊尔」"
    neg = pd.Series({"reason": "no_orders", "clicks": 248.0, "cost": 621.22, "order_lines": 0.0,
                     "cvr": 0.0, "breakeven_cvr": 0.01, "p_breakeven": 0.0,
                     "irrelevant_word": "苏泊尔", "is_competitor": True, "search_term": "苏泊尔空气炸锅",
                     "spend_saved": 621.22, "profit_gain": 621.22})  # fmt: skip
    text = TEXT["recap_ev_top_word"]["en"].format(
        word="苏泊尔空气炸锅", reason=kw._mid_sentence(kw.negative_sentence(neg, "en"), "en")
    )
    assert "“苏泊尔空气炸锅”: a rival's brand “苏泊尔”" in text


def test_a_hot_word_is_not_proposed_where_its_unit_cannot_pay_the_lowest_bid():
    # 空气炸锅-核心词 with 100 clicks and no order: affordable CPC 0 < min_bid 0.1
    units = NEW_WORD_UNITS.assign(
        order_lines=lambda f: f["order_lines"].where(f["campaign"] != "空气炸锅-核心词", 0.0),
        revenue=lambda f: f["revenue"].where(f["campaign"] != "空气炸锅-核心词", 0.0),
    )
    gaps = kw.industry_gaps(NEW_WORD_HOT, units, None, ["澄禾"])
    skips = dict(zip(gaps["keyword"], kw.hot_word_skips(gaps, PARAMS, units), strict=True))
    assert skips["可视空气炸锅"] == "unaffordable" and pd.isna(skips["智能电饭煲"])
    assert pd.isna(kw.hot_word_skips(gaps, PARAMS).iloc[1])  # without keywords: not priced
    counts = kw.hot_word_counts(gaps, PARAMS, keywords=units)
    assert counts["unaffordable"] == 1 and counts["eligible"] == 2
    new = kw.new_word_suggestions(None, units, gaps, PARAMS)
    assert "可视空气炸锅" not in set(new["keyword"]) and len(new) == 2


def test_review_with_campaign_verdicts_counts_a_loss_once():
    recs = [
        # 计划A (cut −30% on the channel page): 空气炸锅 without orders, 电炸锅 at ROI 1.33
        dict(campaign="计划A", keyword="空气炸锅", bid=2.0, impressions=5000, clicks=200,
             cost=400, order_lines=0, revenue=0),
        dict(campaign="计划A", keyword="电炸锅", bid=2.0, impressions=5000, clicks=300, cost=600,
             order_lines=4, revenue=800),
        # 计划B (no verdict): 电饭煲 without orders; the brand word earns ROI 20
        dict(campaign="计划B", unit="单元2", keyword="电饭煲", bid=2.0, impressions=5000,
             clicks=150, cost=300, order_lines=0, revenue=0),
        dict(campaign="计划B", unit="单元2", keyword="澄禾电饭煲", bid=2.0, impressions=5000,
             clicks=300, cost=300, order_lines=30, revenue=6000),
    ]  # fmt: skip
    verdicts = pd.DataFrame({"line": ["快车"], "campaign": ["计划A"], "verdict": ["cut"],
                             "bid_change": [-0.3]})  # fmt: skip
    plain = kw.review(rows(*recs), PERIOD, PARAMS, ngrams=False)
    rv = kw.review(rows(*recs), PERIOD, PARAMS, ngrams=False, verdicts=verdicts)
    # all three are paused either way (a pause replaces the campaign's cut on the word)
    assert sorted(rv.pauses["keyword"]) == sorted(plain.pauses["keyword"]) == [
        "电炸锅", "电饭煲", "空气炸锅"]  # fmt: skip
    # without verdicts: the loss of all three, 400 + (600 − 800 × 0.26) + 300 = 1,092 元
    assert kw.findings(plain, PARAMS)[-1].money_at_stake == pytest.approx(1092.0)
    # with them: 计划A's 792 元 is in its campaign's verdict, counted there once
    f = kw.findings(rv, PARAMS)[-1]
    assert f.money_at_stake == pytest.approx(300.0) and f.money_basis == "profit_lost"
    assert (
        "其中 2 个词所在的计划已在渠道页判为降价或暂停，它们约 792 元的亏损计入计划结论"
        in f.evidence
    )
    # the brand word would be raised on ROI 20: held instead
    b = rv.bids.set_index("keyword")
    assert b.loc["澄禾电饭煲", "reason"] == "brand_no_raise"
    # every keyword in a judged campaign: no money of its own (shown as none)
    all_cut = pd.concat([verdicts, verdicts.assign(campaign="计划B")], ignore_index=True)
    f2 = kw.findings(kw.review(rows(*recs), PERIOD, PARAMS, ngrams=False, verdicts=all_cut),
                     PARAMS)[-1]  # fmt: skip
    assert math.isnan(f2.money_at_stake) and f2.money_basis == "none"


# --------------------------------------------------------------------------------------------
# New words go to the unit selling their product, never into one losing money


PRODUCT_UNITS = pd.DataFrame({
    "campaign": ["计划A", "计划A", "计划A", "品牌词"],
    "unit": ["炸锅-5L", "炸锅-5L", "烤箱-32L", "品牌-烤箱"],
    "keyword": ["空气炸锅", "空气炸烤箱", "电烤箱", "澄禾电烤箱"],
    "clicks": [300.0, 30, 20, 500],
})  # fmt: skip
PRODUCT_SKUS = pd.DataFrame({
    "campaign": ["计划A", "计划A", "品牌词"], "unit": ["炸锅-5L", "烤箱-32L", "品牌-烤箱"],
    "sku": ["s1", "s2", "s2"],
    "sku_name": ["澄禾 可视空气炸锅5L 智能触控电炸锅", "澄禾 电烤箱家用32L", "澄禾 电烤箱家用32L"],
})  # fmt: skip
# the shop also sells an air-fryer oven (s3) that no unit advertises
PRODUCT_NAMES = [*PRODUCT_SKUS["sku_name"].unique(), "澄禾 空气炸烤箱一体机12L"]


def test_product_head_and_names():
    tok = kw.make_tokenizer(["澄禾", "空气炸锅", "电烤箱"])
    known = "\x1f".join(kw._clean_word(n) for n in PRODUCT_NAMES)
    heads = {w: kw.product_head(w, tok, ["澄禾"], known)
             for w in ["烤箱", "智能烤箱", "空气炸烤箱家用", "电炸锅推荐", "可视空气炸锅以旧换新",
                       "空气炸烤箱正品", "净水器"]}  # fmt: skip
    assert heads == {
        "烤箱": "烤箱", "智能烤箱": "烤箱",  # the last product word names the product
        "空气炸烤箱家用": "空气炸烤箱",  # the shop sells one: not an oven
        "电炸锅推荐": "电炸锅", "可视空气炸锅以旧换新": "空气炸锅",  # 以旧换新 names nothing sold
        "空气炸烤箱正品": "空气炸烤箱",
        "净水器": "",  # not sold
    }  # fmt: skip
    # what a bought keyword names: a word + joint + product is a new product
    assert kw.product_names("空气炸烤箱", tok) == {"空气炸烤箱"}
    assert kw.product_names("电炸锅", tok) == {"电炸锅", "炸锅"}
    assert kw.product_names("澄禾电烤箱", tok, ["澄禾"]) == {"电烤箱"}


def test_a_hot_word_goes_to_the_unit_selling_its_product_not_one_hiding_it_in_a_bought_word():
    industry = pd.DataFrame({"keyword": ["烤箱", "空气炸烤箱家用", "电炸锅推荐", "澄禾烤箱推荐"],
                             "searches": [900.0, 800, 700, 600]})  # fmt: skip
    g = kw.industry_gaps(industry, PRODUCT_UNITS, None, ["澄禾"], sku_names=PRODUCT_NAMES,
                         unit_skus=PRODUCT_SKUS).set_index("keyword")  # fmt: skip
    # 烤箱 hides in 炸锅-5L's bought word 空气炸烤箱 (30 clicks), but that unit sells an air
    # fryer: it goes to the oven unit; the brand unit (500 clicks) takes brand words only
    assert (g.loc["烤箱", "campaign"], g.loc["烤箱", "unit"]) == ("计划A", "烤箱-32L")
    assert g.loc["烤箱", "unit_words"] == "烤箱" and g.loc["烤箱", "unit_basis"] == "sku"
    # the shop's air-fryer oven has no unit: listed without one, not sent to the oven unit
    assert pd.isna(g.loc["空气炸烤箱家用", "unit"]) and g.loc["空气炸烤箱家用", "related"]
    assert g.loc["电炸锅推荐", "unit"] == "炸锅-5L"  # its SKU name says 电炸锅
    assert g.loc["电炸锅推荐", "unit_words"] == "电炸锅"
    # a brand word may go to the brand unit: the shared brand breaks the tie on 烤箱
    assert g.loc["澄禾烤箱推荐", "unit"] == "品牌-烤箱"
    skips = kw.hot_word_skips(g.reset_index(), PARAMS)
    assert list(skips.fillna("")) == ["", "no_unit", "", ""]
    # without the SKUs of each unit: its name and bought keywords, read as the products they
    # name (空气炸烤箱 is no 烤箱), still send 烤箱 to the oven unit
    f = kw.industry_gaps(industry, PRODUCT_UNITS, None, ["澄禾"], sku_names=PRODUCT_NAMES)
    f = f.set_index("keyword")
    assert f.loc["烤箱", "unit"] == "烤箱-32L" and f.loc["烤箱", "unit_basis"] == "keywords"
    assert f.loc["电炸锅推荐", "unit"] == "炸锅-5L"  # 电炸锅 is a 炸锅 (the unit's name)


STATUS_UNITS = pd.DataFrame({
    "campaign": ["C1", "C1", "C2", "C3", "C1"],
    "unit": ["U1", "U2", "U3", "U4", "U5"],
    "keyword": ["a", "b", "c", "d", "e"],
    "clicks": [200.0, 50, 300, 300, 150], "cost": [100.0, 100, 100, 100, 100],
    "order_lines": [3.0, 1, 5, 5, 2], "revenue": [300.0, 100, 500, 500, np.nan],
})  # fmt: skip


def test_unit_status_by_hand():
    verdicts = pd.DataFrame({"line": ["快车", "快车", "展位"], "campaign": ["C2", "C3", "C1"],
                             "verdict": ["hold", "grow", "pause"]})  # fmt: skip
    st = kw.unit_status(STATUS_UNITS, PARAMS, verdicts, D(2026, 11, 26)).set_index("unit")
    # U1: ROI 300 / 100 = 3.00 below 保本 1 / 0.26 = 3.85 on 200 clicks (≥ 30, the clicks that
    # pause a keyword): held for the promotion; U2: ROI 1.00 on 50 clicks (≥ 30): held too;
    # U3: its campaign is held (hold);
    # U4: ROI 5.00; U5: revenue unknown. 展位's C1 is another campaign than 快车's C1.
    assert st["unit_roi"].tolist()[:4] == pytest.approx([3.0, 1.0, 5.0, 5.0])
    assert st["unit_status"].to_dict() == {"U1": "held", "U2": "held", "U3": "held",
                                           "U4": "open", "U5": "open"}  # fmt: skip
    assert st.loc["U1", "status_reason"] == "unit" and st.loc["U3", "status_reason"] == "campaign"
    assert pd.isna(st.loc["U4", "status_reason"])
    # a campaign verdict of hold means a promotion is pending even without the date
    assert kw.unit_status(STATUS_UNITS, PARAMS, verdicts).set_index("unit").loc[
        "U1", "unit_status"] == "held"  # fmt: skip
    # an ordinary month: the same units lose money
    cut = verdicts.assign(verdict=["cut", "grow", "pause"])
    st = kw.unit_status(STATUS_UNITS, PARAMS, cut).set_index("unit")["unit_status"]
    assert st.to_dict() == {"U1": "losing", "U2": "losing", "U3": "losing", "U4": "open",
                            "U5": "open"}  # fmt: skip


ROUTE_UNITS = pd.DataFrame({
    "campaign": ["空气炸锅-核心词", "新品", "厨房小电", "计划C"],
    "unit": ["可视5L", "AF660", "烤箱-32L", "可视5L-副"],
    "keyword": ["空气炸锅", "无涂层空气炸锅", "电烤箱", "可视空气炸锅"],
    "clicks": [200.0, 100, 120, 50], "cost": [400.0, 200, 240, 50],
    "order_lines": [4.0, 5, 2, 5], "revenue": [1000.0, 1000, 480, 500],
})  # fmt: skip
ROUTE_SKUS = pd.DataFrame({
    "campaign": ["空气炸锅-核心词", "新品", "厨房小电", "计划C", "猜你喜欢"],
    "unit": ["可视5L", "AF660", "烤箱-32L", "可视5L-副", "推荐位"],
    "sku": ["s1", "s2", "s3", "s1", "s3"],
    "sku_name": ["澄禾 可视空气炸锅5L 家用", "澄禾 无涂层空气炸锅6L 不锈钢", "澄禾 电烤箱家用32L",
                 "澄禾 可视空气炸锅5L 家用", "澄禾 电烤箱家用32L"],
})  # fmt: skip
# 猜你喜欢 (a placement campaign, no keyword rows) also shows the oven: never a unit for words
ROUTE_HOT = pd.DataFrame({"keyword": ["可视空气炸锅推荐", "烤箱"], "searches": [900.0, 800],
                          "kuaiche_reference_bid": [2.0, 2.0]})  # fmt: skip


def _route_terms_frame() -> pd.DataFrame:
    # 100 clicks, 10 order lines, ROI 10 at CPC 1 each (proven: bid capped at +30%, 1.30)
    base = dict(impressions=1000.0, clicks=100.0, cost=100.0, order_lines=10.0, revenue=1000.0,
                carts=12.0)  # fmt: skip
    return pd.DataFrame([
        dict(campaign="空气炸锅-核心词", unit="可视5L", keyword="空气炸锅", search_term="空气炸锅家用",
             **base),
        dict(campaign="厨房小电", unit="烤箱-32L", keyword="电烤箱", search_term="电烤箱家用", **base),
    ])  # fmt: skip


NO_BIDS = pd.DataFrame(columns=["campaign", "unit", "keyword", "reason", "bid_change"])


def _routed(hold_until):
    # 可视5L: ROI 1000 / 400 = 2.50 and 烤箱-32L: 480 / 240 = 2.00 below 保本 3.85 on ≥ 100
    # clicks; AF660 (ROI 5.00) and 可视5L-副 (50 clicks) are open
    st = kw.unit_status(ROUTE_UNITS, PARAMS, None, hold_until)
    gaps = kw.industry_gaps(ROUTE_HOT, ROUTE_UNITS, None, ["澄禾"], unit_skus=ROUTE_SKUS,
                            status=st)  # fmt: skip
    new = kw.new_word_suggestions(_route_terms_frame(), ROUTE_UNITS, gaps, PARAMS, status=st,
                                  unit_skus=ROUTE_SKUS)  # fmt: skip
    return gaps, new


def test_new_words_never_go_into_a_unit_losing_money_while_a_promotion_settles():
    gaps, new = _routed(D(2026, 11, 26))
    g = gaps.set_index("keyword")
    # 可视空气炸锅推荐 fits 可视5L best (可视 + 空气炸锅, and 可视5L-副 has fewer clicks) but
    # 可视5L is below 保本: it goes to the open 可视5L-副, naming 可视5L
    assert (g.loc["可视空气炸锅推荐", "unit"], g.loc["可视空气炸锅推荐", "unit_status"]) == (
        "可视5L-副", "open")  # fmt: skip
    assert g.loc["可视空气炸锅推荐", "closest_unit"] == "可视5L"
    assert g.loc["可视空气炸锅推荐", "closest_status"] == "held"
    # 烤箱 fits only 烤箱-32L: held, added after the promotion
    assert (g.loc["烤箱", "unit"], g.loc["烤箱", "unit_status"]) == ("烤箱-32L", "held")
    # the hot-word table says what becomes of each: only the top word when one is proposed
    assert kw.hot_word_outcome(gaps, PARAMS, ROUTE_UNITS).tolist() == ["now", "after_promotion"]
    assert kw.hot_word_outcome(gaps, PARAMS, ROUTE_UNITS, 1).tolist() == ["now", "not_top"]
    n = new.set_index("keyword")
    # the search term came through 可视5L: to 可视5L-副, which advertises the same SKU s1
    assert (n.loc["空气炸锅家用", "campaign"], n.loc["空气炸锅家用", "unit"]) == (
        "计划C",
        "可视5L-副",
    )
    assert n.loc["空气炸锅家用", "closest_unit"] == "可视5L"
    assert n.loc["空气炸锅家用", "new_bid"] == pytest.approx(1.3)
    # no other unit sells the oven: the term waits with its unit
    assert n.loc["电烤箱家用", "unit_status"] == "held"
    # 烤箱's bid: 480 元 / 120 clicks ÷ target ROI 4 = 1.00 below its reference bid 2.00
    assert n.loc["烤箱", "new_bid"] == pytest.approx(1.0)
    assert kw.new_word_counts(new, gaps, PARAMS, ROUTE_UNITS) == {
        "n": 4, "moved": "2", "held": "2", "losing": ""}  # fmt: skip
    ev = kw.explain(new, "new_word", "zh").set_index("keyword")["evidence"]
    assert ev["可视空气炸锅推荐"].endswith(
        "最贴近的单元「空气炸锅-核心词 / 可视5L」本期 ROI 低于保本，大促结算前不加新词，所以加到这里。"
    )
    assert ev["烤箱"].endswith(
        "本单元本期 ROI 低于保本：大促结算前不加新词，大促结算后单元回到保本以上再加。"
    )
    assert "本单元推广的商品名称含“烤箱”" in ev["烤箱"]
    sheets = kw.action_sheets(
        kw.negative_candidates(None, PARAMS),
        kw.keyword_pauses(None, PARAMS),
        NO_BIDS,
        new,
        hold_until=D(2026, 11, 26),
    )
    assert sorted(sheets["新词建议"]["关键词"]) == ["可视空气炸锅推荐", "空气炸锅家用"]
    later = sheets["大促后执行"].set_index("关键词/搜索词")
    assert sorted(later.index) == ["烤箱", "电烤箱家用"]
    row = later.loc["烤箱"]
    assert (row["操作"], row["匹配方式"], row["建议出价"], row["执行时间"]) == (
        "添加新词", "短语匹配", 1.0, "2026-11-26 之后")  # fmt: skip
    assert (
        row["复核"] == "待复核：2026-11-26 之后用整个大促窗口的数据重跑本报告，单元回到保本以上再加"
    )
    en = kw.action_sheets(
        kw.negative_candidates(None, PARAMS),
        kw.keyword_pauses(None, PARAMS),
        NO_BIDS,
        new,
        "en",
        hold_until=D(2026, 11, 26),
    )
    assert en["大促后执行"]["复核"].str.startswith("To re-check").all()


def test_new_words_never_go_into_a_unit_losing_money_in_an_ordinary_month():
    gaps, new = _routed(None)
    skips = dict(zip(gaps["keyword"], kw.hot_word_skips(gaps, PARAMS, ROUTE_UNITS), strict=True))
    assert skips["烤箱"] == "unit_losing" and pd.isna(skips["可视空气炸锅推荐"])
    assert kw.hot_word_outcome(gaps, PARAMS, ROUTE_UNITS).tolist() == ["now", "unit_losing"]
    # the oven term and the oven hot word are left out; the air-fryer words move
    assert sorted(new["keyword"]) == ["可视空气炸锅推荐", "空气炸锅家用"]
    assert (new["unit"] == "可视5L-副").all() and (new["closest_status"] == "losing").all()
    assert new.attrs["losing_terms"] == 1
    assert kw.new_word_counts(new, gaps, PARAMS, ROUTE_UNITS) == {
        "n": 2, "moved": "2", "held": "", "losing": "2"}  # fmt: skip
    ev = kw.explain(new, "new_word", "en").set_index("keyword")["evidence"]
    assert ev["空气炸锅家用"].endswith(
        " The closest unit, “空气炸锅-核心词 / 可视5L”, is below break-even this period: no new "
        "words there, so it goes here.")  # fmt: skip
    note = TEXT["kw_new_words_note"]["zh"]
    assert "{moved:?" in note and "{losing:?" in note


def test_unit_sku_names_from_the_kuaiche_rows():
    ad = pd.DataFrame({
        "product_line": ["快车", "快车", "快车", "展位", "快车"],
        "campaign": ["A", "A", "A", "A", "B"], "unit": ["u1", "u1", "u2", "u1", "u3"],
        "sku": ["1", "1", "2", "9", "7"],
    })  # fmt: skip
    sku = pd.DataFrame({"sku": ["1", "2", "9"], "sku_name": ["电饭煲4L", "电烤箱32L", "展位品"]})
    out = kw.unit_sku_names(ad, sku)
    # one row per unit × SKU; 展位's rows and a SKU without a name (7) are left out
    assert out.values.tolist() == [["A", "u1", "1", "电饭煲4L"], ["A", "u2", "2", "电烤箱32L"]]
    assert kw.unit_sku_names(ad.drop(columns="sku"), sku).empty
    assert kw.unit_sku_names(None, sku).empty


# --------------------------------------------------------------------------------------------
# Figures after the negatives, and the keyword report against the 快车 line


def test_figures_after_the_negatives_are_labelled():
    # as in test_review_negates_first…: 空气炸锅 1,000 clicks in the report, 200 of them 专用纸
    rv = _negated_fryer_review()
    rest = kw.after_negatives(rv.keywords, rv.terms, rv.negatives).set_index("keyword")
    assert (rest.loc["空气炸锅", "negated_clicks"], rest.loc["空气炸锅", "negated_cost"]) == (
        200,
        200,
    )
    assert rest.loc["电饭煲", "negated_clicks"] == 0
    pause = rv.pauses.set_index("keyword").loc["空气炸锅"]
    assert (pause["clicks"], pause["negated_clicks"]) == (800, 200)
    assert kw.after_negatives_note(rv.keywords, rv.pauses, rv.bids) == {
        "n": 1, "keyword": "空气炸锅", "report_clicks": 1000.0, "report_roi": "0.00",
        "clicks": 800.0, "roi": "0.00"}  # fmt: skip
    text = kw.pause_sentence(pause, "zh")
    assert text.startswith("800 次点击、花费 800.00 元，没有订单行")
    assert text.endswith(
        "（以上数字已扣除建议否定的搜索词：200 次点击、花费 200.00 元；关键词报表含这部分。）"
    )
    assert "after the proposed negatives are taken out: 200 clicks and 200.00 yuan" in (
        kw.pause_sentence(pause, "en"))  # fmt: skip
    # nothing negated, nothing to say
    plain = pd.Series({**pause.to_dict(), "negated_clicks": 0.0})
    assert "否定" not in kw.pause_sentence(plain, "zh")
    assert kw.after_negatives_note(rv.keywords, rv.pauses.iloc[0:0], rv.bids.iloc[0:0]) is None


def _line_ad() -> pd.DataFrame:
    return pd.DataFrame({
        "date": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-01", "2026-10-01",
                                "2026-10-05"]),
        "product_line": ["快车", "快车", "快车", "展位", "快车"],
        "campaign": ["计划A", "计划A", "推荐计划", "展位计划", "计划A"],
        "cost": [60.0, 40, 10, 500, 999], "revenue": [200.0, 137, 35, 100, 999],
    })  # fmt: skip


def test_the_keyword_reports_total_against_the_kuaiche_line():
    words = pd.DataFrame({"campaign": ["计划A", "计划A"], "keyword": ["a", "b"],
                          "cost": [70.0, 30], "order_lines": [2.0, 1],
                          "revenue": [250.0, 87]})  # fmt: skip
    gap = kw.line_gap(words, _line_ad(), PERIOD)
    # keyword report: 337 / 100 = 3.37; the line (1–2 Oct, 快车 only): 计划A 100 元 / 337 元 and
    # 推荐计划 10 / 35 → 372 / 110 = 3.3818…; 推荐计划 has no keyword row
    assert gap["roi"] == pytest.approx(3.37) and gap["line_roi"] == pytest.approx(372 / 110)
    assert (gap["line_cost"], gap["cost"], gap["cost_gap"]) == (110.0, 100.0, 10.0)
    assert gap["campaigns"] == ["推荐计划"] and gap["campaigns_cost"] == 10.0
    assert kw.line_gap_sentence(gap, "zh") == (
        "渠道页的快车 ROI 为 3.38（花费 110 元），与这里不同是因为那里还含推荐位、猜你喜欢等非搜索流量"
        "（「推荐计划」，花费 10 元），关键词报表不含这部分。"
    )
    assert kw.line_gap_sentence(gap, "en") == (
        " The channel page shows 快车 at ROI 3.38 (110 yuan): it also counts non-search "
        'placements such as recommendation slots ("推荐计划", 10 yuan), which the keyword '
        "report leaves out."
    )
    # the same figures as the pages show them (whole 元, ROI to 2 decimals): nothing to say
    same = _line_ad().loc[lambda f: f["campaign"] != "推荐计划"]
    assert kw.line_gap(words, same, PERIOD) is None and kw.line_gap_sentence(None) == ""
    assert kw.line_gap(words, None, PERIOD) is None
    # a keyword report holding more than the line: no claim about placements
    more = kw.line_gap(words.assign(cost=[170.0, 30]), same, PERIOD)
    assert more["cost_gap"] == -100.0
    assert kw.line_gap_sentence(more, "zh").endswith("广告报表和关键词报表覆盖的流量不完全相同。")


def test_the_summary_gives_the_line_gap_beside_the_account_roi(two_levels):
    ad = pd.DataFrame({"date": pd.to_datetime(["2026-10-01", "2026-10-01"]),
                       "product_line": ["快车", "快车"], "campaign": ["计划A", "猜你喜欢"],
                       "cost": [60.0, 40], "revenue": [600.0, 100]})  # fmt: skip
    rv = kw.review(two_levels, PERIOD, PARAMS, ad=ad)
    # keyword report 600 / 60 = 10.00; the line 700 / 100 = 7.00
    first = kw.summary_sentences(rv, "zh")[0]
    assert first.startswith("快车 2 个关键词本期花费 60 元，ROI 10.00")
    assert first.endswith(
        "渠道页的快车 ROI 为 7.00（花费 100 元），与这里不同是因为那里还含推荐位、猜你喜欢等"
        "非搜索流量（「猜你喜欢」，花费 40 元），关键词报表不含这部分。"
    )


def test_the_hot_word_note_names_only_the_reasons_that_left_words_out():
    counts = {"competitor": 1, "unrelated": 0, "no_unit": 3, "unit_losing": 0,
              "unaffordable": 0, "eligible": 12, "proposed": 10}  # fmt: skip
    key, fields = kw.hot_word_note(counts, "zh")
    assert key == "kw_hot_skipped" and (fields["eligible"], fields["proposed"]) == (12, 10)
    assert fields["reasons"].startswith("1 个竞品品牌词、3 个没有推广相应商品")
    assert "、0 个" not in t(key, "zh", **fields) and "：0 个" not in t(key, "zh", **fields)
    key, fields = kw.hot_word_note(counts, "en")
    assert fields["reasons"].startswith("1 competitor brand word, 3 with no unit")
    none = {**counts, "competitor": 0, "no_unit": 0}
    assert kw.hot_word_note(none, "zh") == ("kw_hot_skipped_none", {"eligible": 12, "proposed": 10})
    assert t("kw_hot_skipped_none", "zh", eligible=12, proposed=10).startswith(
        "12 个热搜词都可以加"
    )


def test_one_action_per_keyword_a_pause_wins_over_a_bid_change():
    """A keyword in the pause list gets no bid change beside it (no campaign verdicts at all)."""
    bids = kw.bid_suggestions(_bids_frame(), PARAMS)
    pauses = _pause_rows("c").assign(keyword=["down", "down_cap"], action=["pause", "pause"])
    b, p, cov = kw.defer_to_campaigns(bids, pauses, None)
    b = b.set_index("keyword")
    assert b.loc["down_cap", "reason"] == "keyword_pause" and b.loc["down_cap", "bid_change"] == 0
    assert b.loc["down_cap", "new_bid"] == 20.0 and np.isnan(b.loc["down_cap", "expected_roi"])
    assert b.loc["up", "reason"] == "raise" and len(p) == 2 and cov.empty
    assert "不再另调出价" in kw.bid_sentence(b.reset_index().set_index("keyword").loc["down_cap"])


def test_exact_words_where_matches_the_sheets():
    exact = pd.DataFrame({"campaign": ["空气炸锅-核心词", "大促-双11专项"], "keyword": ["a", "b"]})
    assert (
        kw.exact_words_where(exact, None)
        == "，批量上传用 keyword_actions.xlsx 的「精确词建议」表。"
    )
    held = kw.exact_words_where(exact, D(2026, 11, 26))
    assert held == (
        "。大促尚未结算，「精确词建议」表本期为空：1 个放在 keyword_actions.xlsx 的「大促后执行」表（待复核），"
        "1 个在大促专项计划里，随整个计划在大促结束后暂停，不单独添加。"
    )


def test_a_hot_word_goes_to_the_unit_named_for_it_and_not_to_a_losing_unit():
    """迷你豆浆机: the unit whose SKU says 迷你 fits more specifically than the plain 豆浆机 unit;
    a unit at ROI 60 / 35 = 1.71 on 35 clicks (≥ 30) is below 保本 3.85 and takes no new word."""
    k = pd.DataFrame({
        "campaign": ["核心", "核心"], "unit": ["豆浆机-免滤款", "豆浆机-迷你款"],
        "keyword": ["豆浆机", "小豆浆机"], "clicks": [35.0, 2], "cost": [35.0, 2],
        "order_lines": [1.0, 0], "revenue": [60.0, 0],
    })  # fmt: skip
    skus = pd.DataFrame({"campaign": ["核心", "核心"], "unit": ["豆浆机-免滤款", "豆浆机-迷你款"],
                         "sku_name": ["澄禾豆浆机 免滤 1.2L", "澄禾豆浆机迷你 单人0.6L"]})  # fmt: skip
    st = kw.unit_status(k, PARAMS).set_index("unit")
    assert st.loc["豆浆机-免滤款", "unit_status"] == "losing"
    assert st.loc["豆浆机-迷你款", "unit_status"] == "open"  # 2 clicks: too few to judge
    tok = kw.make_tokenizer(["豆浆机", "迷你"])
    rel = kw._relate_to_shop(pd.Series(["迷你豆浆机"]), k, None, [], tok, unit_skus=skus,
                             status=st.reset_index())  # fmt: skip
    assert rel.loc[0, "unit"] == "豆浆机-迷你款" and rel.loc[0, "unit_status"] == "open"
    # without the status, still the more specific unit
    rel2 = kw._relate_to_shop(pd.Series(["迷你豆浆机"]), k, None, [], tok, unit_skus=skus)
    assert rel2.loc[0, "unit"] == "豆浆机-迷你款" and pd.isna(rel2.loc[0, "closest_unit"])
