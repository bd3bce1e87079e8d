"""The findings layer: the record, the ranking, the recap's selection and headline, and each
analysis's finding rules (money worked out by hand on small frames)."""

import math
from datetime import date as D
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from jdpromo import channels as ch
from jdpromo import findings as fd
from jdpromo import health, users
from jdpromo import keywords as kw
from jdpromo.params import ShopParams
from jdpromo.periods import (
    Period,
    ResolvedPeriod,
    crosses_boundary,
    parse_period,
    promotion_context,
    segments,
)
from jdpromo.text import t


def F(area, direction, money=math.nan, severity="medium", short="", **kw_):
    return fd.Finding(area=area, kind="k", subject="s", direction=direction,
                      title=f"{area} {direction} {money}", money_at_stake=money,
                      severity=severity, short=short, **kw_)  # fmt: skip


# --------------------------------------------------------------------------------------------
# The record and the ranking


def test_finding_rejects_unknown_direction_basis_and_severity():
    with pytest.raises(ValueError, match="direction"):
        F("a", "bad")
    with pytest.raises(ValueError, match="money_basis"):
        F("a", "worse", money_basis="revenue")
    with pytest.raises(ValueError, match="severity"):
        F("a", "worse", severity="urgent")


def test_rank_puts_problems_first_and_good_news_last():
    found = [
        F("x", "better", 90_000.0, "high"),
        F("x", "opportunity", 50_000.0, "high"),
        F("x", "risk", 100.0, "medium"),
        F("x", "worse", 10.0, "low"),
        F("x", "worse", 20.0, "medium"),
        F("x", "worse", math.nan, "medium"),
        F("x", "worse", 5.0, "high"),
    ]
    ranked = fd.rank(found)
    # worse before risk before opportunity before better; then severity; then money (none last)
    assert [(f.direction, f.severity) for f in ranked] == [
        ("worse", "high"), ("worse", "medium"), ("worse", "medium"), ("worse", "low"),
        ("risk", "medium"), ("opportunity", "high"), ("better", "high"),
    ]  # fmt: skip
    assert ranked[1].money_at_stake == 20.0 and math.isnan(ranked[2].money_at_stake)
    frame = fd.to_frame(found)
    assert list(frame.columns) == fd.COLUMNS
    assert list(frame["direction"]) == [f.direction for f in ranked]


def test_top_never_lists_good_news_and_gives_each_area_a_place():
    found = [
        F("channels", "worse", 900.0), F("channels", "worse", 800.0),
        F("channels", "worse", 700.0), F("keywords", "worse", 10.0),
        F("users", "risk", 300.0), F("channels", "opportunity", 5000.0),
        F("targets", "better", 1e6, "high"),
    ]  # fmt: skip
    top = fd.top(found, limit=4)
    assert all(f.direction != "better" for f in top)
    # each area's first problem (channels 900, keywords 10, users 300), then the next: 800
    assert [f.money_at_stake for f in top] == [900.0, 800.0, 10.0, 300.0]
    assert [f.money_at_stake for f in fd.top(found, limit=2)] == [900.0, 10.0]
    # with room left, opportunities come after every problem
    assert fd.top(found, limit=10)[-1].direction == "opportunity"
    assert fd.top([]) == []


def test_severity_thresholds():
    assert fd.severity(5000, 500) == "high"
    assert fd.severity(4999, 500) == "medium"
    assert fd.severity(499, 500) == "low"
    assert fd.severity(math.nan, 500) == "low"


def test_headline_says_what_went_wrong_then_what_went_well():
    found = [
        F("targets", "worse", 5800.0, "high", short="推广花费超目标 12.9%"),
        F("channels", "risk", 16_000.0, short="全部推广ROI环比 -29%"),
        F("channels", "better", 9.0, short="搜索成交金额同比 +59%"),
    ]
    text = fd.headline(found, "zh")
    assert (
        text == "本期要点：推广花费超目标 12.9%，全部推广ROI环比 -29%。做得好的有 1 项（见下方）。"
    )
    assert fd.headline([F("x", "better", short="ok")], "zh").startswith("本期没有需要处理的问题")
    good = fd.good_html(found, "zh")
    assert "做得好的：搜索成交金额同比 +59%" in good and "fd-good" in good


def _warmup(value, baseline, short):
    return fd.Finding(area="channels", kind="warmup_cost_per_cart", subject="2026年双11",
                      direction="better", title="t", short=short, value=value,
                      baseline=baseline, baseline_kind="last_year", severity="high")  # fmt: skip


def test_a_flat_warmup_leads_the_headline_but_is_no_good_news():
    # 12.31 against 12.32 元 a cart: -0.08%, inside the 10% of thresholds.min_relative_change
    flat = _warmup(12.31, 12.32, "预热加购成本 12.31 元（同比 -0.1%）")
    cheaper = _warmup(9.0, 12.0, "预热加购成本 9.00 元（同比 -25.0%）")  # 9 / 12 − 1 = −25%
    assert fd.is_flat(flat) and not fd.is_flat(cheaper)
    assert not fd.is_flat(flat, tolerance=0.0005)  # 0.08% is more than 0.05%
    other = F("channels", "better", short="搜索成交金额同比 +59%")
    assert fd.improvements([flat, other]) == [other]
    assert fd.improvements([other, cheaper]) == [cheaper, other]  # the warm-up's yardstick first
    head = fd.headline([flat, other], "zh")
    assert head == "本期要点：预热加购成本 12.31 元（同比 -0.1%）。做得好的有 1 项（见下方）。"
    good = fd.good_html([flat, other], "zh")
    assert "做得好的：搜索成交金额同比 +59%。" in good and "预热加购成本" not in good
    assert "预热加购成本 12.31" in fd.good_html([flat, other], "zh", tolerance=0.0005)


def test_list_html_escapes_and_folds_the_method():
    f = fd.Finding(area="a", kind="k", subject="s", direction="worse", title="<b>亏损</b>",
                   evidence="明显", method="q = 0.001", action="暂停", money_at_stake=1234.0,
                   money_basis="profit_lost")  # fmt: skip
    page = fd.list_html([f], "zh")
    assert "&lt;b&gt;亏损&lt;/b&gt;" in page and "<details>" in page and "q = 0.001" in page
    assert "约亏 1,234 元利润" in page and "fd-worse" in page
    assert fd.list_html([], "zh") == ""


def test_plain_evidence_keeps_statistics_out_of_the_main_text():
    for q in (0.001, 0.03, 0.2, math.nan):
        text = fd.plain_evidence(q, 0.05, "zh")
        assert "q" not in text and "检验" not in text.replace("未做波动检验", "")
    assert fd.plain_evidence(0.001, 0.05, "zh") != fd.plain_evidence(0.03, 0.05, "zh")


# --------------------------------------------------------------------------------------------
# Change findings: direction, money and the promotion boundary


def _change(metric, change, money, comparison="previous", kind="ratio", q=0.01):
    return {"lens": "ad", "channel": "快车", "metric": metric, "comparison": comparison,
            "kind": kind, "current": 1.0, "base": 2.0, "change": change, "q_value": q,
            "money_effect": money, "is_finding": True, "n_current": 31, "n_base": 30,
            "test": "welch_t_daily"}  # fmt: skip


def test_change_money_is_profit_or_spend_never_carts():
    margin = 0.26
    assert ch.change_money(_change("roi", -30.0, 1000.0), margin) == (260.0, "profit_lost")
    assert ch.change_money(_change("gmv", 20.0, 1000.0), margin) == (260.0, "profit_gained")
    assert ch.change_money(_change("cpa", 32.0, 700.0), margin) == (700.0, "extra_cost")
    assert ch.change_money(_change("cpc", -10.0, 70.0), margin) == (70.0, "cost_saved")
    money, basis = ch.change_money(_change("cart_rate", 6.1, 183_574.0, kind="rate"), margin)
    assert math.isnan(money) and basis == "none"


def test_change_findings_directions_and_the_boundary():
    params = ShopParams()
    rows = pd.DataFrame([
        _change("roi", -29.4, 16_000.0),
        _change("cart_rate", 6.1, 183_574.0, kind="rate"),
        _change("cost", 50.0, 9_000.0, kind="volume"),  # spend is neither good nor bad
    ])  # fmt: skip
    found = {f.metric: f for f in ch.change_findings(rows, params, "zh")}
    assert set(found) == {"roi", "cart_rate"}
    assert found["roi"].direction == "worse" and found["cart_rate"].direction == "better"
    assert found["roi"].money_at_stake == pytest.approx(16_000 * 0.27)
    assert ch.change_money(_change("clicks", 70.0, 9_000.0, kind="volume"), 0.27)[1] == "none"
    assert "q" not in found["roi"].evidence and "q = 0.010" in found["roi"].method
    held = {f.metric: f for f in ch.change_findings(rows, params, "zh", crosses_boundary=True)}
    # across a promotion boundary, unconfirmed by 同比: no finding, good or bad (boundary_note)
    assert held == {}
    confirmed = pd.DataFrame([_change("cart_rate", 6.1, 183_574.0, kind="rate"),
                              _change("cart_rate", 2.0, 50_000.0, kind="rate",
                                      comparison="last_year")])  # fmt: skip
    (good,) = ch.change_findings(confirmed, params, "zh", crosses_boundary=True)
    assert good.direction == "better"  # 同比 rises too: good news after all
    # 同比 saying the same makes it a problem again, and 同比 speaks in a promotion
    both = pd.DataFrame([_change("roi", -29.4, 16_000.0),
                         _change("roi", -12.0, 6_000.0, comparison="last_year")])  # fmt: skip
    (f,) = ch.change_findings(both, params, "zh", crosses_boundary=True, promotion=True)
    assert f.direction == "worse" and f.baseline_kind == "last_year"


def test_a_change_the_promotion_explains_is_one_plain_note_without_money():
    params = ShopParams(promotions=PROMOS)
    organic = dict(_change("conversion", -1.1, math.nan, kind="rate"), lens="traffic",
                   channel="自主访问")  # fmt: skip
    rows = pd.DataFrame([_change("cpa", 33.6, 7_075.0), organic,
                         _change("cpa", 2.0, 400.0, comparison="last_year", q=0.9),
                         dict(_change("gmv", 40.0, 9_000.0), lens="traffic", channel="搜索")])  # fmt: skip
    rows.loc[2, "is_finding"] = False  # 同比 was checked and shows nothing
    # both cross the 大促 boundary and last year does not confirm them: no finding, no risk
    found = ch.change_findings(rows, params, "zh", crosses_boundary=True)
    assert found == []  # an improvement across the boundary is no achievement either
    kept = ch.boundary_changes(rows, crosses_boundary=True)
    assert list(zip(kept["channel"], kept["metric"], strict=True)) == [
        ("搜索", "gmv"),
        ("快车", "cpa"),
        ("自主访问", "conversion"),
    ]
    assert ch.boundary_changes(rows, crosses_boundary=False).empty
    oct_ = parse_period("2026-10", PROMOS)
    key, fields = ch.boundary_note(rows, oct_, params, "zh")
    assert t(key, "zh", **fields) == (
        "2026-09 无大促、2026-10 含预热，环比跨越大促边界，不可比：3 项环比变化（搜索成交金额、"
        "快车平均订单成本、自主访问成交转化率）同比没有同样的变化，多半来自大促本身，既不算问题也不算"
        "成绩，不据此调整。"
    )
    key_en, fields_en = ch.boundary_note(rows, oct_, params, "en")
    en = t(key_en, "en", **fields_en)
    assert (
        en.startswith("2026-09 has no promotion and 2026-10 holds the warm-up")
        and "3 changes" in en
    )
    # 商智's sources in English, the 京准通 line as JD names it, an English list
    assert "(search GMV, 快车 cost per order line, direct visits conversion)" in en
    assert "元" not in t(key, "zh", **fields) and "风险" not in t(key, "zh", **fields)
    # no 同比 rows at all: it says there is nothing to check against
    key, fields = ch.boundary_note(rows.drop(index=2), oct_, params, "zh")
    assert fields["last_year"] == "也没有同比可以对照"
    # 同比 confirming the fall makes it a problem again, and then there is no note
    confirmed = rows.copy()
    confirmed.loc[2, ["change", "is_finding", "q_value"]] = [20.0, True, 0.01]
    (cpa,) = [f for f in ch.change_findings(confirmed, params, "zh", crosses_boundary=True,
                                            promotion=True) if f.metric == "cpa"]  # fmt: skip
    assert cpa.direction == "worse" and cpa.baseline_kind == "last_year"
    # September against August: no boundary, no note; a traffic source's fall is looked into
    # where it lands, not adjusted
    assert ch.boundary_note(rows, parse_period("2026-09", PROMOS), params, "zh") is None
    plain = {f.metric: f for f in ch.change_findings(rows, params, "zh")}
    assert plain["conversion"].direction == "worse" and plain["conversion"].short
    assert "详情页" in plain["conversion"].action and "出价" not in plain["conversion"].action
    assert "出价" in plain["cpa"].action  # an ad line keeps the bid/creative/audience check


# --------------------------------------------------------------------------------------------
# Keywords, users, data health


def test_keyword_findings_money_is_the_profit_lost():
    params = ShopParams()
    neg = pd.DataFrame(
        {"search_term": ["a", "b"], "spend_saved": [30.0, 70.0], "profit_gain": [30.0, 43.0],
         "reason": ["no_orders", "below_breakeven"], "clicks": [10, 20], "cost": [30.0, 70.0],
         "order_lines": [0, 1], "cvr": [0.0, 0.05], "breakeven_cvr": [0.1, 0.1],
         "p_breakeven": [0.01, 0.02], "expected_order_lines": [1.0, 2.0]}
    )  # fmt: skip
    pauses = pd.DataFrame(
        {"keyword": ["p", "q"], "action": ["pause", "bid_down"], "spend_saved": [40.0, 0.0],
         "profit_gain": [40.0, 63.0], "cost": [40.0, 90.0], "clicks": [50, 80],
         "order_lines": [0, 1], "revenue": [0.0, 100.0], "cvr": [0.0, 0.0125],
         "breakeven_cvr": [0.05, 0.05], "p_breakeven": [0.01, 0.03], "roi": [0.0, 1.1],
         "reason": ["no_orders", "below_breakeven"]}
    )  # fmt: skip
    rv = SimpleNamespace(terms=pd.DataFrame({"cost": [400.0]}), negatives=neg, pauses=pauses)
    out = {f.kind: f for f in kw.findings(rv, params, "zh")}
    assert out["negatives"].money_at_stake == pytest.approx(73.0)  # Σ profit_gain
    assert "25.00%" in out["negatives"].title and "「b」" in out["negatives"].evidence
    assert out["pauses"].money_at_stake == pytest.approx(103.0)  # what these words lose now
    assert out["pauses"].direction == "worse"
    held = {f.kind: f for f in kw.findings(rv, params, "zh", hold_until=D(2026, 11, 26))}
    assert held["pauses"].direction == "risk" and "2026-11-26" in held["pauses"].action
    assert held["negatives"].direction == "worse"  # negating a useless term never waits
    empty = SimpleNamespace(terms=pd.DataFrame(), negatives=pd.DataFrame(), pauses=None)
    assert kw.findings(empty, params) == []


def _layers(rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "lifecycle", "period_orders",
                                        "period_revenue"])  # fmt: skip
    return SimpleNamespace(customers=frame)


def test_layer_findings_use_observed_return_spend():
    params = ShopParams()  # winback uplift 10%, margin 0.27
    before = _layers([["a", "沉默", 0, 0.0], ["b", "沉默", 0, 0.0], ["c", "沉默", 0, 0.0],
                      ["d", "沉默", 0, 0.0], ["e", "活跃", 1, 50.0]])  # fmt: skip
    now = _layers([["a", "活跃", 2, 300.0], ["b", "沉默", 0, 0.0], ["c", "沉默", 0, 0.0],
                   ["d", "流失", 0, 0.0], ["e", "沉默", 0, 0.0], ["f", "新用户", 1, 80.0]])  # fmt: skip
    seen = users.observed_return(before.customers, now.customers, "沉默")
    assert seen == {"customers": 4.0, "returned": 1.0, "return_rate": 0.25, "return_spend": 300.0}
    out = {f.kind: f for f in users.layer_findings(now, before, params, "zh")}
    dormant = out["layer_沉默"]  # a win-back is money to earn: an opportunity, not a risk
    assert dormant.direction == "opportunity" and dormant.money_basis == "observed_return_spend"
    assert dormant.money_at_stake == pytest.approx(300.0 * 0.10 * 0.27)  # 8.1 元
    # before the cost of reaching them: 8.1 元 over the 3 沉默 customers now = 2.70 元 each
    assert (
        dormant.title
        == "沉默客户 3 人（占全部客户 50.0%），值得唤醒：每触达一人的成本在 2.70 元以内才划算。"
    )
    assert "25.0%" in dormant.evidence and "每人 2.70 元" in dormant.evidence
    assert fd.money_text(dormant) == "（唤醒可多赚约 8 元利润，未扣触达成本）"
    en = {f.kind: f for f in users.layer_findings(now, before, params, "en")}["layer_沉默"]
    assert "at up to 2.70 yuan per customer reached" in en.title
    assert "before the cost of reaching them" in fd.money_text(en, "en")
    churned = out["layer_流失"]  # nobody was 流失 before: nothing observed, no money
    assert math.isnan(churned.money_at_stake) and churned.title.endswith("值得唤醒。")
    no_history = users.layer_findings(now, None, params, "zh")
    assert all(math.isnan(f.money_at_stake) for f in no_history)
    assert all(f.direction == "opportunity" for f in no_history)


def test_breakeven_contact_cost_by_hand():
    # the demo's October: 2,429 元 of profit over 6,640 沉默 customers ≈ 0.37 元 a customer
    assert users.breakeven_contact_cost(2_429.0, 6_640) == pytest.approx(0.365813, abs=1e-6)
    assert users.breakeven_contact_cost(8.1, 3) == pytest.approx(2.7)
    assert math.isnan(users.breakeven_contact_cost(8.1, 0))
    assert math.isnan(users.breakeven_contact_cost(math.nan, 3))


def test_health_findings():
    files = [SimpleNamespace(status="ok", rows_read=1, rows_used=1, rows_skipped=0),
             SimpleNamespace(status="error", rows_read=0, rows_used=0, rows_skipped=0)]  # fmt: skip
    data = SimpleNamespace(files=files)
    out = {f.kind: f for f in health.findings(data, ["still accruing"], "zh")}
    assert out["unreadable_files"].direction == "worse"
    assert (
        out["partial_period"].direction == "risk"
        and "still accruing" in out["partial_period"].title
    )
    assert health.findings(SimpleNamespace(files=files[:1]), [], "zh") == []


# --------------------------------------------------------------------------------------------
# Promotion context


PROMOS = ShopParams(
    promotions={
        "1111-2026": {"label": "2026年双11",
                      "warmup": {"start": "2026-10-14", "end": "2026-10-31"},
                      "peak": {"start": "2026-11-01", "end": "2026-11-11"},
                      "encore": {"start": "2026-11-12", "end": "2026-11-13"}},
    }
).promotions  # fmt: skip


def test_promotion_context_of_a_warmup_month_holds_until_the_peak_settles():
    oct_ = parse_period("2026-10", PROMOS)
    c = promotion_context(oct_.current, PROMOS, attribution_days=15, as_of=D(2026, 12, 31))
    assert c.is_promotion and c.labels == ["2026年双11"] and c.days("warmup") == 18
    # only warm-up days: judged with the peak, whatever the export date
    assert c.hold_until == D(2026, 11, 26) and c.promotion == "1111-2026"
    assert c.promotion_end == D(2026, 11, 13)  # the 返场's last day: its campaigns stop then
    assert segments(oct_.current, PROMOS) == [
        ("ordinary", D(2026, 10, 1), D(2026, 10, 13)),
        ("warmup", D(2026, 10, 14), D(2026, 10, 31)),
    ]
    assert crosses_boundary(oct_, PROMOS)  # September has no promotion days


def test_promotion_context_of_the_whole_promotion():
    whole = parse_period("1111-2026", PROMOS).current
    early = promotion_context(whole, PROMOS, attribution_days=15, as_of=D(2026, 11, 20))
    assert early.hold_until == D(2026, 11, 26)  # peak orders still accruing
    late = promotion_context(whole, PROMOS, attribution_days=15, as_of=D(2026, 11, 27))
    assert late.hold_until is None and late.days("peak") == 11 and late.promotion_end is None
    sept = ResolvedPeriod(Period("2026-09", "month", D(2026, 9, 1), D(2026, 9, 30)), None, None)
    none = promotion_context(sept.current, PROMOS, attribution_days=15, as_of=D(2026, 12, 1))
    assert not none.is_promotion and none.hold_until is None
    assert not crosses_boundary(sept, PROMOS)
    encore_only = Period("r", "range", D(2026, 11, 12), D(2026, 11, 20))
    assert promotion_context(encore_only, PROMOS, attribution_days=15,
                             as_of=D(2026, 11, 21)).hold_until is None  # fmt: skip


def test_warmup_is_judged_on_cost_per_cart_against_last_years_warmup():
    promos = _warmup_params()

    def day(d, cost, carts, presale):
        return {"date": pd.Timestamp(d), "product_line": "快车", "campaign": "c",
                "impressions": 1000, "clicks": 100, "cost": cost, "carts": carts,
                "presale_order_lines": presale, "order_lines": 1, "revenue": 100.0}  # fmt: skip

    rows = [day(d, 120.0, 10, 1) for d in pd.date_range("2025-10-14", "2025-10-31")]
    rows += [day(d, 100.0, 10, 2) for d in pd.date_range("2026-10-14", "2026-10-31")]
    rows += [day("2026-10-05", 999.0, 1, 0)]  # an ordinary day: not warm-up
    ad = pd.DataFrame(rows)
    october = parse_period("2026-10", promos.promotions).current
    (f,) = ch.warmup_findings(ad, october, promos, "zh")
    # 18 days × 100 / (18 × 10) = 10 元 a cart, last year 12: −16.7%, 180 carts × 2 元 saved
    assert f.direction == "better" and f.value == pytest.approx(10.0)
    assert f.baseline == pytest.approx(12.0)
    assert f.money_at_stake == pytest.approx(360.0) and f.money_basis == "cost_saved"
    assert "预售（定金）订单行每天 2.0，去年 1.0" in f.title
    dearer = pd.DataFrame([{**r, "cost": r["cost"] * 1.5} if r["date"].year == 2026 else r
                           for r in rows])  # fmt: skip
    (g,) = ch.warmup_findings(dearer, october, promos, "zh")
    # 15 元 a cart against 12: +25% → worse, (15 − 12) × 180 carts
    assert g.direction == "worse" and g.money_at_stake == pytest.approx(540.0)
    no_ly = ShopParams(promotions={"1111-2026": promos.promotions["1111-2026"].model_dump()})
    assert ch.warmup_findings(ad, october, no_ly, "zh") == []


def _warmup_params() -> ShopParams:
    return ShopParams(promotions={
        "1111-2025": {"warmup": {"start": "2025-10-14", "end": "2025-10-31"},
                      "peak": {"start": "2025-11-01", "end": "2025-11-11"}},
        "1111-2026": {"label": "2026年双11",
                      "warmup": {"start": "2026-10-14", "end": "2026-10-31"},
                      "peak": {"start": "2026-11-01", "end": "2026-11-11"}},
    })  # fmt: skip


def _warmup_ad(cost_now: float, presale_now: int, presale_ly: int = 2) -> pd.DataFrame:
    """18 warm-up days each year, 10 carts a day; last year 120 元 a day."""

    def day(d, cost, presale):
        return {"date": pd.Timestamp(d), "product_line": "快车", "campaign": "c",
                "impressions": 1000, "clicks": 100, "cost": cost, "carts": 10,
                "presale_order_lines": presale, "order_lines": 1, "revenue": 100.0}  # fmt: skip

    rows = [day(d, 120.0, presale_ly) for d in pd.date_range("2025-10-14", "2025-10-31")]
    rows += [day(d, cost_now, presale_now) for d in pd.date_range("2026-10-14", "2026-10-31")]
    return pd.DataFrame(rows)


def test_a_flat_warmup_leads_with_the_presale_that_moved():
    """Cost per cart 11.90 against 12.00 元 (−0.8%, inside 10%): not an achievement. Presale
    3 a day against 2 (+50%) did move: the finding leads with it (better, no money); presale
    1 against 2 (−50%): worse, with an action; presale 2 against 2: neutral, low, no good news."""
    params = _warmup_params()
    october = parse_period("2026-10", params.promotions).current
    (up,) = ch.warmup_findings(_warmup_ad(119.0, 3), october, params, "zh")
    assert up.short == "预热定金订单每天 3.0 行（同比 +50%，加购成本与去年持平）"
    assert up.direction == "better" and up.metric == "presale_order_lines_per_day"
    assert (up.value, up.baseline) == (3.0, 2.0) and math.isnan(up.money_at_stake)
    assert "加购成本 11.90 元，去年同一大促预热 12.00 元（-0.8%）" in up.title
    assert fd.improvements([up]) == [up]
    assert fd.headline([up], "zh") == (
        "本期要点：预热定金订单每天 3.0 行（同比 +50%，加购成本与去年持平）。做得好的有 1 项（见下方）。"
    )
    (down,) = ch.warmup_findings(_warmup_ad(119.0, 1), october, params, "en")
    assert down.direction == "worse" and down.action.startswith("Fewer presale orders")
    assert down.short.startswith("warm-up presale order lines 1.0 a day (-50% vs last year")
    (flat,) = ch.warmup_findings(_warmup_ad(119.0, 2), october, params, "zh")
    assert flat.short == "预热加购成本 11.90 元，与去年持平" and flat.severity == "low"
    assert fd.is_flat(flat) and fd.improvements([flat]) == []
    assert "同比" not in fd.headline([flat], "zh")


def test_demo_shape_no_line_paused_while_a_campaign_earns():
    """A line below 保本 whose campaigns mostly lose money but one earns: the verdict names the
    earner to keep and never pauses the line (the demo's 展位 × 新品首发 shape)."""
    params = ShopParams(gross_margin=0.38, commission_rate=0.08, refund_rate=0.04)
    rows = []
    for name, cost, revenue, orders in (("首焦", 6098.0, 6205.0, 25), ("日常", 4117.0, 6289.0, 26),
                                        ("新品首发", 2375.0, 9800.0, 30)):  # fmt: skip
        rows.append({"date": pd.Timestamp("2026-10-05"), "product_line": "展位",
                     "campaign": name, "impressions": 50_000, "clicks": 900, "cost": cost,
                     "order_lines": orders, "revenue": revenue})  # fmt: skip
    ad = pd.DataFrame(rows)
    period = Period("2026-10", "month", D(2026, 10, 1), D(2026, 10, 31))
    d = ch.diagnose(ad, period, params)
    line = d.loc[(d["kind"] == "roi_below_breakeven") & d["item"].isna()].iloc[0]
    assert line["action"] == "cut_campaigns"
    assert "保留 「新品首发」" in ch.finding_sentence(line, "zh")
    assert not ((d["action"] == "pause") & d["item"].isna()).any()
    assert np.isclose(params.breakeven_roi, 1 / 0.26)


def test_good_line_shows_every_improvement_the_headline_counts():
    # the recap's headline said "做得好的有 13 项（见下方）" over a line of 4 and "另有 9 项"
    found = [
        F("channels", "better", float(13 - i), short=f"指标{i} 同比 +{10 + i}%") for i in range(13)
    ]
    assert fd.headline(found, "zh").endswith("做得好的有 13 项（见下方）。")
    good = fd.good_html(found, "zh")
    assert all(f"指标{i} 同比" in good for i in range(13)) and "另有" not in good
    # a caller may still cut the line short, and then says how many are left out
    assert "；另有 9 项" in fd.good_html(found, "zh", limit=4)
