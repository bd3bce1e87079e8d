"""The recap (复盘报告): card values, changes, targets, the ordering and cap of findings, and
missing inputs — values worked out by hand on small fixtures."""

import math
from datetime import date as D

import numpy as np
import pandas as pd
import pytest
from jdpromo import findings as fd
from jdpromo import recap, users
from jdpromo.params import ShopParams
from jdpromo.periods import PromotionContext, parse_period


def _observed(rows):
    return pd.DataFrame(
        [{"q_previous": math.nan, "q_last_year": math.nan, "basis": "", **r} for r in rows],
        columns=recap.OBSERVED_COLUMNS,
    )


def _card(cards, metric):
    return cards.set_index("metric").loc[metric]


def test_cards_changes_targets_and_attainment():
    obs = _observed(
        [
            {"metric": "ctr", "current": 0.03, "previous": 0.02, "last_year": 0.04},
            {"metric": "roi", "current": 3.0, "previous": 4.0, "last_year": 2.0},
            {"metric": "new_customer_cost", "current": 100.0, "previous": 80.0,
             "last_year": math.nan},
            {"metric": "uv", "current": 600.0, "previous": 500.0, "last_year": 0.0},
        ]
    )  # fmt: skip
    targets = {"roi": 4.0, "new_customer_cost": 160.0, "visitors": 1000.0}
    cards = recap.kpi_cards(obs, targets, scale=0.5)
    assert list(cards["metric"]) == [m.key for m in recap.METRICS]
    ctr = _card(cards, "ctr")
    assert ctr["change_previous"] == pytest.approx(1.0)  # 3% vs 2% = +1.0pp
    assert ctr["change_last_year"] == pytest.approx(-1.0)
    assert ctr["change_unit"] == "pp"
    roi = _card(cards, "roi")
    assert roi["change_previous"] == pytest.approx(-25.0)  # 3 vs 4 = -25%
    assert roi["change_last_year"] == pytest.approx(50.0)
    assert roi["attainment"] == pytest.approx(0.75) and roi["met"] is False
    ncc = _card(cards, "new_customer_cost")  # lower is better: 100 <= 160 is met
    assert ncc["attainment"] == pytest.approx(0.625) and ncc["met"] is True
    assert ncc["change_previous"] == pytest.approx(25.0)
    assert np.isnan(ncc["change_last_year"])
    uv = _card(cards, "uv")  # monthly volume target scaled by 0.5 → 500; 600 / 500
    assert uv["target"] == pytest.approx(500.0)
    assert uv["attainment"] == pytest.approx(1.2) and uv["met"] is True
    assert uv["change_previous"] == pytest.approx(20.0)
    assert np.isnan(uv["change_last_year"])  # base 0: undefined, never inf
    brand = _card(cards, "brand_share")  # no data: NaN everywhere, no target
    assert np.isnan(brand["current"]) and np.isnan(brand["target"]) and brand["met"] is None
    page = recap.cards_html(cards, "zh")
    # a lower-is-better target that is met reads as met, whatever the ratio
    assert "✓ 达成（实际为目标的 62%）" in page and "✗ 未达成（实际为目标的 75%）" in page


def test_targets_vs_actual_lists_targets_in_card_order():
    obs = _observed([{"metric": "cvr", "current": 0.02, "previous": 0.025, "last_year": 0.02}])
    cards = recap.kpi_cards(obs, {"cost": 45000.0, "cvr": 0.025})
    table = recap.targets_vs_actual(cards)
    assert list(table["metric"]) == ["cost", "cvr"]
    assert table.loc[1, "attainment"] == pytest.approx(0.8)
    assert table.loc[1, "met"] is False
    assert np.isnan(table.loc[0, "actual"]) and table.loc[0, "met"] is None
    shown = recap.targets_display(table, "zh")
    assert shown.loc[1, "recap_attainment"] == "80.0%"
    assert shown.loc[0, "recap_actual"] == "—" and shown.loc[0, "recap_status"] == "无数据"


def test_target_scale():
    month = parse_period("2026-10", {}).current
    week = parse_period("2026-W44", {}).current
    assert recap.target_scale(month) == 1.0
    assert recap.target_scale(week) == pytest.approx(7 / 30)
    # actuals that stop early are compared with the target for the days they cover
    assert recap.target_scale(week, D(2026, 10, 31)) == pytest.approx(6 / 30)  # W44: 10-26..31
    assert recap.target_scale(month, D(2026, 10, 15)) == pytest.approx(15 / 31)
    assert recap.target_scale(month, D(2026, 11, 20)) == 1.0
    assert recap.covered_days(week, D(2026, 10, 20)) == 0


def _ad_rows(days, clicks, impressions, cost, revenue, order_lines):
    return pd.DataFrame(
        {
            "date": pd.to_datetime(days),
            "product_line": ["快车"] * len(days),
            "campaign": ["c"] * len(days),
            "impressions": impressions,
            "clicks": clicks,
            "cost": cost,
            "order_lines": order_lines,
            "revenue": revenue,
        }
    )


def test_account_values_come_from_compare_over_every_line():
    resolved = parse_period("2026-10", {})
    cur = _ad_rows(["2026-10-01", "2026-10-02"], [10, 30], [1000, 1000], [20.0, 60.0],
                   [100.0, 140.0], [1, 2])  # fmt: skip
    other = cur.assign(product_line="展位", clicks=[0, 0], cost=[20.0, 0.0], revenue=[0.0, 0.0],
                       order_lines=[0, 0])  # fmt: skip
    prev = _ad_rows(["2026-09-01", "2026-09-02"], [10, 10], [1000, 1000], [10.0, 10.0],
                    [30.0, 30.0], [1, 1])  # fmt: skip
    ad = pd.concat([cur, other, prev], ignore_index=True)
    obs = recap.from_changes(recap.account_changes(ad, resolved), recap.AD_METRICS)
    cards = recap.kpi_cards(obs).set_index("metric")
    # current: clicks 40 / impressions 4000 = 1%; cvr 3 / 40; roi 240 / 100
    assert cards.at["ctr", "current"] == pytest.approx(0.01)
    assert cards.at["cvr", "current"] == pytest.approx(0.075)
    assert cards.at["roi", "current"] == pytest.approx(2.4)
    # previous: ctr 20 / 2000 = 1% (0pp); roi 60 / 20 = 3 → -20%
    assert cards.at["ctr", "change_previous"] == pytest.approx(0.0)
    assert cards.at["roi", "change_previous"] == pytest.approx(-20.0)
    assert np.isnan(cards.at["roi", "change_last_year"])  # no rows a year before


def test_previous_period_is_grey_across_a_promotion_boundary():
    obs = _observed([{"metric": "roi", "current": 3.0, "previous": 4.2, "last_year": 2.6,
                      "q_previous": 0.01, "q_last_year": 0.01}])  # fmt: skip
    cards = recap.kpi_cards(obs)
    assert "rc-bad'>-28.6%" in recap.cards_html(cards, "zh")
    crossed = recap.cards_html(cards, "zh", crosses=True)
    assert "rc-flat'>-28.6%" in crossed and "rc-good'>+15.4%" in crossed  # 同比 still judges


def test_cards_show_gmv_and_spend_first():
    cards = recap.kpi_cards(_observed([]))
    shown = cards[cards["term"] != "target"]
    assert list(shown["metric"][:2]) == ["gmv", "cost"]
    assert "成交金额" in recap.cards_html(cards, "zh") and "推广花费" in recap.cards_html(cards)


def _target_cards():
    obs = _observed(
        [
            {"metric": "cost", "current": 50_800.0, "previous": 34_000.0, "last_year": 37_000.0},
            {"metric": "roi", "current": 3.0, "previous": 4.2, "last_year": 2.6},
            {"metric": "gmv", "current": 900_000.0, "previous": 880_000.0, "last_year": 6e5},
            {"metric": "new_customer_cost", "current": 200.0, "previous": 150.0,
             "last_year": math.nan},
            {"metric": "ctr", "current": 0.012, "previous": 0.011, "last_year": 0.011},
        ]
    )  # fmt: skip
    targets = {"cost": 45_000, "roi": 4.0, "gmv": 1_000_000, "new_customer_cost": 160,
               "ctr": 0.011}  # fmt: skip
    return recap.kpi_cards(obs, targets)


def test_target_findings_money_by_hand():
    params = ShopParams()  # contribution margin 0.35 − 0.05 − 0.03 = 0.27
    found = {f.metric: f for f in recap.target_findings(_target_cards(), params, "zh")}
    cost = found["cost"]  # 50,800 − 45,000 spent above target
    assert cost.direction == "worse" and cost.money_basis == "extra_cost"
    assert cost.money_at_stake == pytest.approx(5_800.0)
    assert cost.severity == "high"  # 12.9% over target
    assert "超出目标" in cost.title and "12.9%" in cost.title
    roi = found["roi"]  # ROI 3 < 保本 3.70: the ads lost 50,800 − 3 × 50,800 × 0.27
    assert roi.money_at_stake == pytest.approx(50_800 * (1 - 3 * 0.27))  # 9,652 元
    assert roi.money_basis == "profit_lost" and roi.direction == "worse"
    assert "推广整体约亏 9,652 元" in roi.title
    gmv = found["gmv"]  # a gap to a target is no money anyone can earn
    assert np.isnan(gmv.money_at_stake) and gmv.severity == "medium"  # 10% short: not > 10%
    above = recap.target_findings(_target_cards(), ShopParams(gross_margin=0.6), "zh")
    assert np.isnan(next(f for f in above if f.metric == "roi").money_at_stake)  # above 保本
    ncc = found["new_customer_cost"]  # a missed target, but no spend is the new customers' alone
    assert ncc.direction == "worse" and np.isnan(ncc.money_at_stake) and ncc.severity == "high"
    assert found["ctr"].direction == "better" and np.isnan(found["ctr"].money_at_stake)


def test_target_findings_wait_for_the_promotion():
    promo = PromotionContext(hold_until=D(2026, 11, 26))
    found = {f.metric: f for f in recap.target_findings(_target_cards(), ShopParams(), "zh",
                                                         promo=promo)}  # fmt: skip
    assert found["roi"].direction == "risk" and found["gmv"].direction == "risk"
    assert found["new_customer_cost"].direction == "risk"
    assert "2026-11-26" in found["roi"].action
    # no ordinary days to judge now and 同比 better: low, and never in the headline
    assert {found[m].severity for m in ("roi", "gmv", "new_customer_cost")} == {"low"}
    assert (found["roi"].short, found["gmv"].short, found["new_customer_cost"].short) == ("",) * 3
    # ROI 3 < 保本 3.70: 50,800 × (1 − 3 × 0.27) = 9,652 元 of promotion spend not yet paid back,
    # held for the promotion — not a loss to act on now
    roi = found["roi"]
    assert (
        roi.money_at_stake == pytest.approx(9_652.0) and roi.money_basis == "promotion_investment"
    )
    assert fd.money_text(roi) == "（大促天数投入约 9,652 元尚未回本，待大促结算）"
    assert "约亏" not in roi.title
    # 同比 for reference: GMV 900,000 vs 600,000 = +50.0%; 新客成本 has no last year
    assert found["gmv"].title.endswith("大促月看同比：+50.0%。")
    assert found["new_customer_cost"].title.endswith("大促月看同比：去年同期无数据。")
    # each result has its own action, none a copy of another's
    actions = [found[m].action for m in ("roi", "gmv", "new_customer_cost")]
    assert len(set(actions)) == 3
    # 同比 worse too (新客成本 200 against 160 last year: +25.0%): named, still held
    cards = _target_cards()
    cards.loc[cards["metric"] == "new_customer_cost", "change_last_year"] = 25.0
    ncc = next(f for f in recap.target_findings(cards, ShopParams(), "zh", promo=promo)
               if f.metric == "new_customer_cost")  # fmt: skip
    assert (ncc.direction, ncc.severity) == ("risk", "medium")
    assert ncc.short == "新客成本超目标 25.0%（大促结算后再定）"
    assert ncc.title.endswith("大促月看同比：+25.0%。")
    assert found["cost"].direction == "worse"  # spend over target is never deferred
    top = fd.top(found.values(), limit=1)
    assert top[0].direction == "worse" and top[0].metric == "cost"


def _split_cards(ordinary_roi, ordinary_cvr=0.03):
    """A warm-up month: cost 50,000 (20,000 on 13 ordinary days), ROI 3.0, CVR 2.0% against
    targets ROI 4.0 and CVR 2.5%; the promotion days by hand: ROI (150,000 − 20,000 ×
    ordinary ROI) / 30,000."""
    promo_roi = (50_000 * 3.0 - 20_000 * ordinary_roi) / 30_000
    split = {"ordinary_days": 13, "promotion_days": 18}
    obs = _observed(
        [
            {"metric": "cost", "current": 50_000.0, "previous": 30_000.0, "last_year": 40_000.0,
             "ordinary": 20_000.0, "promotion": 30_000.0, **split},
            {"metric": "roi", "current": 3.0, "previous": 4.2, "last_year": 2.7,
             "ordinary": ordinary_roi, "promotion": promo_roi, **split},
            {"metric": "cvr", "current": 0.02, "previous": 0.025, "last_year": 0.019,
             "ordinary": ordinary_cvr, "promotion": 0.0144, **split},
        ]
    )  # fmt: skip
    return recap.kpi_cards(obs, {"roi": 4.0, "cvr": 0.025})


def test_held_roi_and_cvr_are_judged_on_the_ordinary_days():
    from jdpromo.periods import PhaseSpan

    warm = PhaseSpan("1111-2026", "2026年双11", "warmup", D(2026, 10, 14), D(2026, 10, 31))
    promo = PromotionContext(spans=(warm,), hold_until=D(2026, 11, 26))
    params = ShopParams()  # margin 0.27, 保本ROI 3.70
    found = {f.metric: f for f in recap.target_findings(_split_cards(4.5), params, "zh",
                                                         promo=promo)}  # fmt: skip
    roi = found["roi"]  # ordinary days 4.5 ≥ 4.0: the gap is the warm-up's
    assert (roi.direction, roi.severity, roi.short) == ("risk", "low", "")
    assert (
        "分开看：日常 13 天：4.50，达到目标；2026年双11预热 18 天：2.00，按整个大促结算"
        in roi.title
    )
    # promotion days: ROI (150,000 − 90,000) / 30,000 = 2.0; 30,000 × (1 − 2 × 0.27) = 13,800
    assert roi.money_at_stake == pytest.approx(13_800.0)
    assert roi.money_basis == "promotion_investment"
    assert "无需调整" in roi.action and "2026-11-26" in roi.action
    cvr = found["cvr"]  # ordinary days 3.0% ≥ 2.5%: its own action (cart rate), not ROI's
    assert (cvr.direction, cvr.severity, cvr.short) == ("risk", "low", "")
    assert "日常 13 天：3.00%，达到目标" in cvr.title and "1.44%" in cvr.title
    assert "加购率" in cvr.action and cvr.action != roi.action
    # ordinary days below target and below 保本: judged now, with their own loss
    found = {f.metric: f for f in recap.target_findings(_split_cards(3.5, 0.02), params, "zh",
                                                         promo=promo)}  # fmt: skip
    roi = found["roi"]  # 3.5 < 0.9 × 4.0: high; 20,000 × (1 − 3.5 × 0.27) = 1,100 元 lost
    assert (roi.direction, roi.severity) == ("worse", "high")
    assert roi.money_at_stake == pytest.approx(1_100.0) and roi.money_basis == "profit_lost"
    assert roi.short == "日常天数投产比 ROI未达目标（3.50 / 4.00）"
    assert "日常天数低于保本ROI 3.70，约亏 1,100 元" in roi.title
    cvr = found["cvr"]  # 2.0% < 2.5%, 0.8 of target: high, no money
    assert (cvr.direction, cvr.severity) == ("worse", "high") and np.isnan(cvr.money_at_stake)
    assert "详情页" in cvr.action
    en = {f.metric: f for f in recap.target_findings(_split_cards(4.5), params, "en",
                                                      promo=promo)}  # fmt: skip
    assert (
        "ordinary days (13) 4.50, on target; 18 warm-up days of 2026年双11: 2.00" in en["roi"].title
    )
    # without a pending verdict the same cards are plain missed targets
    plain = {f.metric: f for f in recap.target_findings(_split_cards(4.5), params, "zh")}
    assert plain["roi"].direction == "worse" and plain["roi"].money_basis == "profit_lost"


def test_phase_money_by_hand():
    m = recap.phase_money(51_273.0, 2.94, 20_000.0, 4.75, 0.26)
    # ordinary: 20,000 × (1 − 4.75 × 0.26) = −4,700 (a profit)
    assert m["ordinary_loss"] == pytest.approx(-4_700.0)
    # promotion days: cost 31,273; revenue 150,742.62 − 95,000 = 55,742.62 → ROI 1.78243
    assert m["promotion_cost"] == pytest.approx(31_273.0)
    assert m["promotion_roi"] == pytest.approx(55_742.62 / 31_273.0)
    assert m["promotion_investment"] == pytest.approx(31_273.0 - 55_742.62 * 0.26)  # 16,780.12
    # the two sides add up to the whole: 51,273 × (1 − 2.94 × 0.26)
    total = 51_273.0 * (1 - 2.94 * 0.26)
    assert m["ordinary_loss"] + m["promotion_investment"] == pytest.approx(total)


def test_phase_observations_split_ordinary_and_promotion_days():
    params = ShopParams(
        promotions={"1111-2026": {"warmup": {"start": "2026-10-14", "end": "2026-10-31"},
                                  "peak": {"start": "2026-11-01", "end": "2026-11-11"}}}
    )  # fmt: skip
    resolved = parse_period("2026-10", params.promotions)
    ad = _ad_rows(["2026-10-01", "2026-10-02", "2026-10-20", "2026-09-20"],
                  [100, 100, 300, 50], [10_000, 10_000, 20_000, 5_000],
                  [100.0, 100.0, 300.0, 50.0], [500.0, 400.0, 450.0, 200.0],
                  [3, 2, 3, 1])  # fmt: skip
    phases = recap.phase_observations(ad, resolved.current, params.promotions).set_index("metric")
    # ordinary (13 days): cost 200, revenue 900 → ROI 4.5; clicks 200 / 20,000 impressions = 1%;
    # order lines 5 / 200 clicks = 2.5%. Warm-up (18 days): 300, 450 → 1.5; 1.5%; 1%
    assert phases.at["cost", "ordinary"] == pytest.approx(200.0)
    assert phases.at["roi", "ordinary"] == pytest.approx(4.5)
    assert phases.at["roi", "promotion"] == pytest.approx(1.5)
    assert phases.at["ctr", "ordinary"] == pytest.approx(0.01)
    assert phases.at["ctr", "promotion"] == pytest.approx(0.015)
    assert phases.at["cvr", "ordinary"] == pytest.approx(0.025)
    assert phases.at["cvr", "promotion"] == pytest.approx(0.01)
    assert phases.at["roi", "ordinary_days"] == 13 and phases.at["roi", "promotion_days"] == 18
    # observe() carries them to the cards
    cards = recap.kpi_cards(recap.observe(resolved, params, ad=ad)).set_index("metric")
    assert cards.at["roi", "current"] == pytest.approx(1350.0 / 500.0)
    assert cards.at["roi", "ordinary"] == pytest.approx(4.5)
    assert np.isnan(cards.at["gmv", "ordinary"])
    # a month without promotion days, or without ordinary days, has no split
    september = parse_period("2026-09", params.promotions).current
    assert recap.phase_observations(ad, september, params.promotions).empty
    assert recap.phase_observations(ad, resolved.current, {}).empty


def test_spend_above_target_in_a_warmup_month_is_planned_and_never_leads():
    from jdpromo.periods import PhaseSpan

    warm = PhaseSpan("1111-2026", "2026年双11", "warmup", D(2026, 10, 14), D(2026, 10, 31))
    promo = PromotionContext(spans=(warm,), hold_until=D(2026, 11, 26))
    found = {f.metric: f for f in recap.target_findings(_target_cards(), ShopParams(), "zh",
                                                         promo=promo)}  # fmt: skip
    cost = found["cost"]  # 50,800 − 45,000 above an ordinary month's target, by plan
    assert (cost.direction, cost.severity, cost.short) == ("risk", "low", "")
    assert cost.money_at_stake == pytest.approx(5_800.0) and cost.money_basis == "extra_cost"
    assert "比日常月度目标 ¥45,000 多 12.9%" in cost.title
    assert "本期含2026年双11预热 18 天" in cost.title and "计划内" in cost.title
    assert "2026-11-26" in cost.action
    # the warm-up's own result leads the headline; the spend is not among the problems named
    warmup = fd.Finding(area="channels", kind="warmup_cost_per_cart", subject="2026年双11",
                        direction="better", title="t", short="预热加购成本 12.31 元（同比 -0.1%）",
                        severity="high")  # fmt: skip
    head = fd.headline([*found.values(), warmup], "zh")
    # nor are the results the promotion settles (ROI, GMV, 新客成本 held, 同比 better)
    assert head == "本期要点：预热加购成本 12.31 元（同比 -0.1%）。做得好的有 2 项（见下方）。"
    assert fd.rank(found.values())[0].metric != "cost"
    assert fd.improvements([*found.values(), warmup])[0] is warmup
    en = next(f for f in recap.target_findings(_target_cards(), ShopParams(), "en", promo=promo)
              if f.metric == "cost")  # fmt: skip
    assert "18 warm-up days of 2026年双11" in en.title and "planned" in en.title
    # a peak that has settled: judged against the promotion's budget, no date to wait for
    peak = PhaseSpan("1111-2026", "2026年双11", "peak", D(2026, 11, 1), D(2026, 11, 11))
    settled = PromotionContext(spans=(peak,))
    cost = next(f for f in recap.target_findings(_target_cards(), ShopParams(), "zh",
                                                 promo=settled) if f.metric == "cost")  # fmt: skip
    assert cost.direction == "risk" and "大促预算" in cost.action
    # 返场 alone is no reason to spend above target
    encore = PhaseSpan("1111-2026", "2026年双11", "encore", D(2026, 11, 12), D(2026, 11, 13))
    cost = next(f for f in recap.target_findings(_target_cards(), ShopParams(), "zh",
                                                 promo=PromotionContext(spans=(encore,)))
                if f.metric == "cost")  # fmt: skip
    assert cost.direction == "worse" and cost.short


def test_spend_above_target_in_a_warmup_month_is_shown_as_planned_not_missed():
    from jdpromo.periods import PhaseSpan

    warm = PhaseSpan("1111-2026", "2026年双11", "warmup", D(2026, 10, 14), D(2026, 10, 31))
    promo = PromotionContext(spans=(warm,), hold_until=D(2026, 11, 26))
    cards = _target_cards()
    shown = recap.targets_display(recap.targets_vs_actual(cards), "zh", promo).set_index(
        "recap_kpi"
    )["recap_status"]
    assert shown["推广花费"] == "大促月，按大促预算看"
    # results the promotion settles are not judged yet: grey, with 同比 (3.0 vs 2.6) for reference
    assert shown["投产比 ROI"] == "大促结算后再定（同比 +15.4%）"
    assert shown["成交金额 GMV"] == "大促结算后再定（同比 +50.0%）"
    assert shown["新客成本"] == "大促结算后再定"  # no last year to refer to
    assert shown["点击率 CTR"] == "✓ 达成"
    plain = recap.targets_display(recap.targets_vs_actual(cards), "zh").set_index("recap_kpi")
    assert plain.loc["推广花费", "recap_status"] == "✗ 未达成"  # no promotion: a missed target
    page = recap.cards_html(cards, "zh", promo=promo)
    assert "rc-target rc-flat'>目标 ¥45,000 · 大促月，按大促预算看（实际为目标的 113%）" in page
    assert "promotion month: judged on its budget (113% of target)" in recap.cards_html(
        cards, "en", promo=promo
    )
    assert recap.target_status("cost", True, "zh", promo) == ("✓ 达成", "good")
    assert "rc-target rc-flat'>目标 4.00 · 大促结算后再定（实际为目标的 75%）" in page
    assert "✗ 未达成" not in page
    assert recap.target_status("roi", False, "zh") == ("✗ 未达成", "bad")  # nothing pending
    assert recap.target_status("roi", False, "en", promo, reference="+15.4%") == (
        "judged after the promotion (+15.4% vs last year)", "flat")  # fmt: skip


def test_held_cards_show_the_ordinary_days_against_the_target():
    from jdpromo.periods import PhaseSpan

    warm = PhaseSpan("1111-2026", "2026年双11", "warmup", D(2026, 10, 14), D(2026, 10, 31))
    promo = PromotionContext(spans=(warm,), hold_until=D(2026, 11, 26))
    page = recap.cards_html(_split_cards(4.5, 0.02), "zh", promo=promo)
    assert "rc-target rc-good'>日常 13 天：4.50，✓ 达成" in page
    assert "rc-target rc-bad'>日常 13 天：2.00%，✗ 未达成" in page
    assert "日常 13 天" not in recap.cards_html(_split_cards(4.5), "zh")  # nothing held


def test_changes_that_round_to_zero_have_no_sign():
    assert recap.format_change(-0.04, "%") == "0.0%"
    assert recap.format_change(-0.004, "pp") == "0.00pp"
    assert recap.format_change(-0.06, "%") == "-0.1%"
    from jdpromo import columns

    assert columns.format_value("change_pct", -0.0001) == "0.0%"
    assert columns.format_value("change_pct", 12.5) == "+12.5%"


def test_account_findings_mark_a_promotion_boundary():
    params = ShopParams(
        promotions={"1111-2026": {"warmup": {"start": "2026-10-14", "end": "2026-10-31"},
                                  "peak": {"start": "2026-11-01", "end": "2026-11-11"}}}
    )  # fmt: skip
    resolved = parse_period("2026-10", params.promotions)
    days = pd.date_range("2026-09-01", "2026-10-31")
    rng = np.random.default_rng(3)
    cost = np.where(days.month == 10, 100.0, 100.0) + rng.normal(0, 2, len(days))
    revenue = np.where(days.month == 10, 200.0, 500.0) + rng.normal(0, 10, len(days))
    ad = pd.DataFrame({"date": days, "product_line": "快车", "campaign": "c",
                       "impressions": 10_000, "clicks": 200, "cost": cost, "order_lines": 4,
                       "revenue": revenue})  # fmt: skip
    found = recap.account_findings(resolved, params, "zh", ad=ad)
    # ROI fell 环比 across the warm-up boundary with no 同比 to confirm it: no finding at all
    # (no money, no risk card; channels.boundary_note sums such changes up in one plain line)
    assert not any(f.metric == "roi" for f in found)
    plain = recap.account_findings(parse_period("2026-10", {}), ShopParams(), "zh", ad=ad)
    assert next(f for f in plain if f.metric == "roi").direction == "worse"


def test_nothing_available_gives_dashes_not_errors():
    resolved = parse_period("2026-10", {})
    params = ShopParams(targets={"roi": 4.0})
    obs = recap.observe(resolved, params)
    assert obs.empty
    cards = recap.kpi_cards(obs, params.targets)
    assert cards["current"].isna().all()
    html = recap.cards_html(cards, "zh")
    assert "—" in html and "nan" not in html.lower()
    goals = recap.targets_vs_actual(cards)
    assert list(goals["metric"]) == ["roi"] and goals.loc[0, "met"] is None
    assert recap.target_findings(cards, params) == []
    assert recap.account_findings(resolved, params) == []


def test_health_line_and_links():
    line = recap.health_line({"files": 3, "ok": 2, "ignored": 1, "errors": 0,
                              "rows_skipped": 1200}, ["data covers 2026-10-01..2026-10-14"], "zh")  # fmt: skip
    assert "共 3 个文件" in line and "1,200" in line and "不完整" in line
    links = recap.links_html("en")
    for name in recap.DETAIL_REPORTS:
        assert f"href='{name}.html'" in links


def _orders(rows):
    return pd.DataFrame(
        [{"order_id": f"o{i}", "customer_id": c, "ordered_at": pd.Timestamp(when),
          "amount": 100.0, "status": "已完成"} for i, (c, when) in enumerate(rows)]
    )  # fmt: skip


# w buys first in September, x and y in October; z has bought since 2025-12 (not new).
ORDERS = _orders([("w", "2026-09-10"), ("x", "2026-10-02"), ("y", "2026-10-05"),
                  ("z", "2025-12-01"), ("z", "2026-10-03")])  # fmt: skip
# October: 300 + 100 = 400 元 with 京准通 新客数 2 + 3 = 5; September: 150 元 without 新客数.
AD_JD = pd.DataFrame(
    {"date": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-09-01"]),
     "cost": [300.0, 100.0, 150.0], "new_customers": [2.0, 3.0, np.nan]}
)  # fmt: skip


def test_new_customer_cost_on_jds_new_customers_where_exported():
    resolved = parse_period("2026-10", {})
    obs = recap.user_observations(ORDERS, AD_JD, resolved, ShopParams().users)
    ncc = obs.set_index("metric").loc["new_customer_cost"]
    # 400 元 / 5 新客 = 80 (not 400 / 2 first-time buyers = 200); basis named
    assert ncc["current"] == pytest.approx(80.0) and ncc["basis"] == "jd_new_customers"
    # September's rows carry no 新客数: 环比 stays undefined rather than mixing in 150 / 1
    assert np.isnan(ncc["previous"]) and np.isnan(ncc["last_year"])
    cards = recap.kpi_cards(obs, {"new_customer_cost": 160.0})
    page = recap.cards_html(cards, "zh")
    assert "<div class='rc-name'>新客成本</div>" in page and "首购" not in page
    assert _card(cards, "new_customer_cost")["met"] is True  # 80 <= 160
    # the user-layer page shows the same number from the same function
    layers = users.build_layers(users.prepare_orders(ORDERS), resolved.current,
                                ShopParams().users)  # fmt: skip
    cur = resolved.current
    new_cost = users.new_customer_cost(AD_JD, layers.customers, cur.start, cur.end)
    summary = users.layer_summary(layers.customers, 400.0, new_cost=new_cost)
    assert summary.loc[0, "cost_per_new_customer"] == ncc["current"]


def test_new_customer_cost_on_first_time_buyers_is_named_so():
    resolved = parse_period("2026-10", {})
    ad = AD_JD.drop(columns="new_customers")
    obs = recap.user_observations(ORDERS, ad, resolved, ShopParams().users)
    ncc = obs.set_index("metric").loc["new_customer_cost"]
    # October 400 元 / first-time buyers x, y = 200; September 150 / w = 150 (+33.3%)
    assert ncc["current"] == pytest.approx(200.0) and ncc["basis"] == "first_time_buyers"
    assert ncc["previous"] == pytest.approx(150.0)
    assert np.isnan(ncc["last_year"])  # no ad spend in 2025-10
    cards = recap.kpi_cards(obs, {"new_customer_cost": 160.0})
    assert _card(cards, "new_customer_cost")["change_previous"] == pytest.approx(100 / 3)
    assert "<div class='rc-name'>新客成本（按订单首购客户）</div>" in recap.cards_html(cards, "zh")
    assert "first-time buyers in the orders" in recap.cards_html(cards, "en")
    # JD's 新客数 without orders still gives the figure; neither gives nothing
    only_ads = recap.user_observations(None, AD_JD, resolved, ShopParams().users)
    assert only_ads.set_index("metric").at["new_customer_cost", "current"] == pytest.approx(80.0)
    assert recap.user_observations(None, None, resolved, ShopParams().users).empty
    # orders without ad data: no new-customer cost (shown "—" under its plain name)
    only_orders = recap.user_observations(ORDERS, None, resolved, ShopParams().users)
    assert list(only_orders["metric"]) == ["repurchase_rate"]


def test_brand_share_and_spend_per_buyer_cards_say_what_they_measure():
    resolved = parse_period("2026-10", {})
    history = pd.DataFrame(
        {"date": pd.to_datetime(["2026-10-01", "2026-10-01"]), "campaign": ["c", "c"],
         "unit": ["u", "u"], "keyword": ["澄禾电饭煲", "电饭煲"], "search_term": [None, None],
         "impressions": [100.0, 300], "clicks": [10.0, 30], "cost": [5.0, 30],
         "order_lines": [1.0, 1], "revenue": [100.0, 90], "carts": [0.0, 0]}
    )  # fmt: skip
    obs = recap.brand_observation(history, resolved, ["澄禾"])
    # brand clicks 10 / 40 on paid search (快车) only: 商智 has no search words
    assert obs.loc[0, "current"] == pytest.approx(0.25) and obs.loc[0, "basis"] == "paid_search"
    spb = _observed([{"metric": "spend_per_buyer", "current": 349.69, "previous": math.nan,
                      "last_year": math.nan, "basis": "daily_sum"}])  # fmt: skip
    page = recap.cards_html(recap.kpi_cards(pd.concat([obs, spb], ignore_index=True)), "zh")
    assert "<div class='rc-name'>品牌词占比（仅付费搜索）</div>" in page
    # 客单价 = 商智 gmv / buyers summed over days: a buyer is counted once a day, and the name
    # says so (not "日累计", which reads as a running total of the price)
    assert "<div class='rc-name'>客单价（按每日成交客户计）</div>" in page
    assert "Spend per buyer (buyers counted per day)" in recap.cards_html(
        recap.kpi_cards(spb), "en"
    )


def test_a_period_with_nothing_exported_has_no_actual_and_no_met_target():
    """Ad rows only in September: October's spend is "no data", not ¥0 met against the target;
    September (环比) keeps its sum."""
    resolved = parse_period("2026-10", {})
    ad = pd.DataFrame({"date": pd.to_datetime(["2026-09-10", "2026-09-11"]), "cost": [100.0, 50.0]})
    obs = _observed([{"metric": "cost", "current": 0.0, "previous": 150.0, "last_year": 0.0}])
    out = recap.without_exports(obs, ad, resolved)
    assert np.isnan(out.loc[0, "current"]) and np.isnan(out.loc[0, "last_year"])
    assert out.loc[0, "previous"] == 150.0
    cards = recap.kpi_cards(out, {"cost": 45000.0})
    assert _card(cards, "cost")["met"] is None
    shown = recap.targets_display(recap.targets_vs_actual(cards), "en")
    assert shown.loc[0, "recap_status"] == "no data"
    # a period row (商智 summary) that spans the period counts as data for it
    shop = pd.DataFrame({"period_start": [D(2026, 10, 1)], "period_end": [D(2026, 10, 31)]})
    assert recap.has_rows(shop, resolved.current) and not recap.has_rows(shop, resolved.previous)


def test_a_card_without_an_actual_says_no_data_not_met():
    obs = _observed([{"metric": "cost", "current": math.nan, "previous": 150.0, "last_year": 0.0}])
    page = recap.cards_html(recap.kpi_cards(obs, {"cost": 45000.0}), "zh")
    assert "目标 ¥45,000 · 无数据<" in page and "达成" not in page


# --- month-to-date pacing (recap.pacing) ------------------------------------------------------


def _pace_frames():
    ad = pd.DataFrame({"date": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-03",
                                               "2026-09-30"]), "cost": [100.0, 200.0, 300.0, 999.0]})  # fmt: skip
    shop = pd.DataFrame({"date": pd.to_datetime(["2026-10-01", "2026-10-02"]),
                         "gmv": [1000.0, 2000.0]})  # fmt: skip
    return ad, shop


def test_pacing_hand_worked():
    ad, shop = _pace_frames()
    p = recap.pacing(ad, shop, {"cost": 3100.0}, D(2026, 10, 3)).set_index("metric")
    # 600 in 3 days → 200 a day → 6,200 for 31 days (200% of 3,100);
    # (3,100 − 600) / 28 days left = 89.29 a day lands on target; September's 999 is not counted
    assert p.at["cost", "mtd"] == 600.0 and p.at["cost", "run_rate"] == 200.0
    assert p.at["cost", "projected"] == 6200.0 and p.at["cost", "projected_attainment"] == 2.0
    assert p.at["cost", "needed_daily"] == pytest.approx(2500 / 28)
    # no GMV target: projected 3,000 / 3 × 31 = 31,000, attainment and need undefined
    assert p.at["gmv", "projected"] == 31000.0
    assert np.isnan(p.at["gmv", "target"]) and np.isnan(p.at["gmv", "needed_daily"])


def test_pacing_day_one_zero_days_last_day_and_over_target():
    ad, shop = _pace_frames()
    day1 = recap.pacing(ad, shop, {"cost": 3100.0}, D(2026, 10, 1)).set_index("metric")
    assert day1.at["cost", "days_elapsed"] == 1 and day1.at["cost", "projected"] == 3100.0
    assert day1.at["cost", "needed_daily"] == pytest.approx(100.0)  # (3,100 − 100) / 30
    empty = recap.pacing(ad.iloc[0:0], None, {"cost": 3100.0}, D(2026, 11, 4))
    assert list(empty["metric"]) == []  # no table: nothing projected
    none = recap.pacing(ad, shop, {"cost": 3000.0}, D(2026, 11, 4)).set_index("metric")
    # no spend in November yet: 0 so far, 0 projected; 3,000 / 26 days left
    assert none.at["cost", "mtd"] == 0.0 and none.at["cost", "projected"] == 0.0
    assert none.at["cost", "needed_daily"] == pytest.approx(3000 / 26)
    last = recap.pacing(ad, shop, {"cost": 500.0}, D(2026, 10, 31)).set_index("metric")
    assert np.isnan(last.at["cost", "needed_daily"])  # no day left
    over = recap.pacing(ad, shop, {"cost": 500.0}, D(2026, 10, 3)).set_index("metric")
    assert over.at["cost", "needed_daily"] == 0.0  # already above target
    assert "¥89.29" in recap.pacing_html(recap.pacing(ad, shop, {"cost": 3100.0},
                                                      D(2026, 10, 3)))  # fmt: skip


def test_pacing_reads_a_spend_target_as_a_budget():
    """Spend is a ceiling: over it is an overrun to check, never "reached"; the month's last
    day projects nothing."""
    ad, shop = _pace_frames()
    # day 3: ¥600 spent against a ¥500 budget → 600 / 500 − 1 = 20% over
    over = recap.pacing_html(recap.pacing(ad, shop, {"cost": 500.0}, D(2026, 10, 3)))
    assert "已超出预算 ¥500.00 达 20%" in over and "达到目标" not in over
    # ¥3,100 budget: at most (3,100 − 600) / 28 = ¥89.29 a day keeps within it
    under = recap.pacing_html(recap.pacing(ad, shop, {"cost": 3100.0}, D(2026, 10, 3)), "en")
    assert "at most ¥89.29 a day" in under
    final = recap.pacing_html(recap.pacing(ad, shop, {"cost": 3100.0, "gmv": 2000.0},
                                           D(2026, 10, 31)))  # fmt: skip
    assert "本月 31 天合计 ¥600.00" in final and "未超预算" in final and "月底约" not in final
    assert "本月至今已达到目标" in final  # GMV ¥3,000 against a ¥2,000 goal


def test_every_recap_table_column_is_in_the_registry():
    from jdpromo import columns

    cards = recap.kpi_cards(_observed([]), {"roi": 4.0})
    for frame in (cards, recap.targets_vs_actual(cards)):
        assert columns.unknown(list(frame.columns)) == []


def test_held_money_is_counted_once_in_the_recap():
    """While a promotion is held the account's promotion investment is the one count of the
    money that waits for it; the held campaign and keyword findings keep their words only."""
    F = fd.Finding
    roi = F(
        "targets",
        "target_roi",
        "投产比 ROI",
        "risk",
        "ROI",
        money_at_stake=15_622.0,
        money_basis="promotion_investment",
        severity="low",
    )
    held_line = F(
        "channels",
        "roi_below_breakeven",
        "展位",
        "risk",
        "展位 2 个计划",
        evidence="保本ROI 3.85。",
        money_at_stake=5_032.0,
        money_basis="profit_at_risk",
        severity="high",
    )
    held_words = F(
        "keywords",
        "pauses",
        "快车",
        "risk",
        "1 个关键词",
        money_at_stake=545.0,
        money_basis="profit_at_risk",
        severity="medium",
    )
    now = F(
        "channels",
        "roi_below_breakeven",
        "展位 · 日常曝光",
        "worse",
        "日常期",
        money_at_stake=861.0,
        money_basis="profit_lost",
    )
    negatives = F(
        "keywords",
        "negatives",
        "快车",
        "worse",
        "3 个搜索词",
        money_at_stake=1_536.0,
        money_basis="profit_lost",
    )
    out = recap.count_once([roi, held_line, held_words, now, negatives], "zh")
    assert [f.money_at_stake for f in (out[0], out[3], out[4])] == [15_622.0, 861.0, 1_536.0]
    for f in (out[1], out[2]):
        assert math.isnan(f.money_at_stake) and f.money_basis == "none"
        assert f.evidence.endswith(
            "等大促结算的钱在“投产比 ROI”一条按全账户的大促天数合计一次（约 15,622 元），这里不再单列金额。"
        )
    assert out[1].severity == "high" and out[1].title == held_line.title  # rank and words kept
    assert fd.money_text(out[1]) == ""
    # the money the recap states: 15,622 held + 861 + 1,536 acted on now, each once
    assert np.nansum([f.money_at_stake for f in out]) == pytest.approx(18_019.0)
    # without an account-level promotion investment (no promotion, or its days pay back) the
    # held campaign keeps its money: nothing else counts it
    assert recap.count_once([held_line, now], "zh") == [held_line, now]
    en = recap.count_once([roi, held_line], "en")[1]
    assert "counted once, for the whole account's promotion days" in en.evidence
