"""The action log: recording, the latest-run rule, and each applied / not-applied rule on
hand-built periods."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from jdpromo import actionlog
from jdpromo.params import ShopParams
from jdpromo.periods import Period

SEP = Period("2026-09", "month", dt.date(2026, 9, 1), dt.date(2026, 9, 30))
OCT = Period("2026-10", "month", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
PARAMS = ShopParams()


class FakeDataset:
    def __init__(self, **tables: pd.DataFrame) -> None:
        self.tables = tables

    def table(self, name: str) -> pd.DataFrame:
        return self.tables.get(name, pd.DataFrame())


def _kw(rows):
    cols = ["date", "campaign", "unit", "keyword", "search_term", "cost", "clicks", "revenue"]
    return pd.DataFrame(rows, columns=cols).assign(date=lambda f: pd.to_datetime(f["date"]))


def _act(kind, subject, proposed=None, evidence=None):
    return {
        "kind": kind,
        "subject": subject,
        "proposed": proposed or {},
        "evidence": evidence or {},
    }


def _one(action, **tables):
    out = actionlog.assess([action], FakeDataset(**tables), OCT, SEP, PARAMS)
    return out.iloc[0]


def test_negated_term_without_clicks_is_applied_and_saves_its_spend():
    kwd = _kw([
        ("2026-09-10", "c", "u", "k", None, 1000.0, 500, 3000.0),
        ("2026-10-10", "c", "u", "k", None, 700.0, 350, 2800.0),
        ("2026-10-10", "c", "u", "k", "other term", 700.0, 350, 2800.0),
    ])  # fmt: skip
    a = _act("negate_term", {"campaign": "c", "unit": "u", "search_term": "坏词"},
             {"negative_word": "坏词", "match": "exact"}, {"cost": 300.0})  # fmt: skip
    row = _one(a, keyword_daily=kwd)
    assert row["status"] == "applied" and row["reason"] == "no_clicks_after"
    # ¥300 in September's 30 days → 300 × 31 / 30 = 310 in October, minus ¥0 spent
    assert row["spend_saved"] == pytest.approx(310.0)
    # ROI of its unit (keyword report rows): 3000 / 1000 = 3.0 before, 2800 / 700 = 4.0 after
    assert row["before_roi"] == pytest.approx(3.0) and row["after_roi"] == pytest.approx(4.0)


def test_phrase_negative_still_clicked_is_not_applied():
    kwd = _kw([("2026-10-03", "c", "u", "k", "空气炸锅专用纸 大号", 5.0, 2, 0.0)])
    a = _act("negate_term", {"campaign": "c", "unit": "u", "search_term": "空气炸锅专用纸"},
             {"negative_word": "专用纸", "match": "phrase"}, {"cost": 300.0})  # fmt: skip
    row = _one(a, keyword_daily=kwd)
    assert row["status"] == "not_applied" and row["after_cost"] == 5.0
    assert pd.isna(row["spend_saved"])  # not applied: not judged, no money claimed


def test_paused_keyword_and_bid_changes():
    kwd = _kw([
        ("2026-10-05", "c", "u", "down", None, 90.0, 50, 300.0),  # CPC 1.80
        ("2026-10-05", "c", "u", "flat", None, 97.5, 50, 300.0),  # CPC 1.95
        ("2026-10-05", "c", "u", "live", None, 10.0, 5, 0.0),
    ])  # fmt: skip
    ev = {"cpc": 2.0, "cost": 200.0, "revenue": 500.0}
    down = _one(_act("bid_change", {"campaign": "c", "unit": "u", "keyword": "down"},
                     {"change": -0.3}, ev), keyword_daily=kwd)  # fmt: skip
    # 1.80 / 2.00 − 1 = −10%: the proposed way, beyond 5%
    assert down["status"] == "applied" and down["reason"] == "cpc_moved"
    assert down["before_roi"] == pytest.approx(2.5) and down["after_roi"] == pytest.approx(300 / 90)
    flat = _one(_act("bid_change", {"campaign": "c", "unit": "u", "keyword": "flat"},
                     {"change": -0.3}, ev), keyword_daily=kwd)  # fmt: skip
    assert flat["status"] == "not_applied"  # −2.5% is within 5%
    up = _one(_act("bid_change", {"campaign": "c", "unit": "u", "keyword": "down"},
                   {"change": 0.3}, ev), keyword_daily=kwd)  # fmt: skip
    assert up["status"] == "not_applied"  # moved the other way
    gone = _one(_act("bid_change", {"campaign": "c", "unit": "u", "keyword": "nothing"},
                     {"change": -0.3}, ev), keyword_daily=kwd)  # fmt: skip
    assert gone["status"] == "unclear" and gone["reason"] == "no_clicks"
    paused = _one(_act("pause_keyword", {"campaign": "c", "unit": "u", "keyword": "nothing"},
                       evidence={"cost": 60.0}), keyword_daily=kwd)  # fmt: skip
    assert paused["status"] == "applied" and paused["spend_saved"] == pytest.approx(62.0)
    live = _one(_act("pause_keyword", {"campaign": "c", "unit": "u", "keyword": "live"},
                     evidence={"cost": 60.0}), keyword_daily=kwd)  # fmt: skip
    assert live["status"] == "not_applied"


def test_a_stated_bid_decides_and_a_promotion_makes_cpc_unclear():
    """The keyword export states 出价: the last day's bid decides, whatever CPC did. Without a
    bid, a period holding promotion days cannot tell from CPC (it rises for every advertiser)."""
    kwd = _kw([
        ("2026-10-05", "c", "u", "k", None, 90.0, 30, 300.0),  # CPC 3.00: up 50% on 2.00
        ("2026-10-20", "c", "u", "k", None, 90.0, 30, 300.0),
    ]).assign(bid=[2.05, 2.05])  # fmt: skip
    ev = {"cpc": 2.0, "cost": 200.0, "revenue": 500.0}
    raise_ = _act("bid_change", {"campaign": "c", "unit": "u", "keyword": "k"},
                  {"change": 0.3, "current_bid": 2.05, "bid": 2.66}, ev)  # fmt: skip
    row = _one(raise_, keyword_daily=kwd)
    assert row["status"] == "not_applied" and row["reason"] == "bid_not_moved"  # still 2.05
    kwd.loc[1, "bid"] = 2.60  # 2.60 / 2.05 − 1 = +26.8%: the proposed way, beyond 5%
    row = _one(raise_, keyword_daily=kwd)
    assert row["status"] == "applied" and row["reason"] == "bid_moved"
    no_bid = kwd.drop(columns="bid")
    assert _one(raise_, keyword_daily=no_bid)["reason"] == "cpc_moved"  # ordinary month: CPC
    promo = ShopParams.model_validate({"promotions": {"1111-2026": {
        "warmup": {"start": "2026-10-20", "end": "2026-10-31"},
        "peak": {"start": "2026-11-01", "end": "2026-11-11"}}}})  # fmt: skip
    row = actionlog.assess([raise_], FakeDataset(keyword_daily=no_bid), OCT, SEP, promo).iloc[0]
    assert row["status"] == "unclear" and row["reason"] == "cpc_in_promotion"


def _ad(rows):
    cols = ["date", "product_line", "campaign", "cost", "clicks", "revenue"]
    return pd.DataFrame(rows, columns=cols).assign(date=lambda f: pd.to_datetime(f["date"]))


def test_campaign_pause_and_line_budget():
    ad = _ad([
        ("2026-09-10", "展位", "a", 1000.0, 100, 2000.0), ("2026-09-10", "展位", "b", 500.0, 50, 200.0),
        ("2026-10-10", "展位", "a", 1100.0, 100, 3300.0),
    ])  # fmt: skip
    pause = _one(_act("pause_campaign", {"line": "展位", "campaign": "b"}, evidence={"cost": 500.0}),
                 ad_daily=ad)  # fmt: skip
    assert pause["status"] == "applied" and pause["spend_saved"] == pytest.approx(500 * 31 / 30)
    # the line's ROI: (2000 + 200) / 1500 = 1.467 before, 3300 / 1100 = 3.0 after
    assert pause["before_roi"] == pytest.approx(2200 / 1500) and pause["after_roi"] == 3.0
    plan = {"period": "2026-10", "budget": 1000.0}
    within = _one(_act("budget_line", {"line": "展位"}, plan), ad_daily=ad)
    assert within["status"] == "applied"  # 1100 / 1000 = +10%, inside ±15%
    over = _one(_act("budget_line", {"line": "展位"}, {"period": "2026-10", "budget": 900.0}),
                ad_daily=ad)  # fmt: skip
    assert over["status"] == "not_applied"  # 1100 / 900 = +22%
    other = _one(_act("budget_line", {"line": "展位"}, {"period": "2026-11", "budget": 1.0}),
                 ad_daily=ad)  # fmt: skip
    assert other["status"] == "unclear" and other["reason"] == "other_period"
    audience = _one(_act("audience", {"layer": "沉默"}, {"customers": 12}), ad_daily=ad)
    assert audience["status"] == "unclear"


def test_log_appends_and_the_latest_run_of_a_period_wins(tmp_path):
    shop = tmp_path / "demo"
    shop.mkdir()
    first, second = tmp_path / "run1", tmp_path / "run2"
    neg = _act("negate_term", {"campaign": "c", "unit": "u", "search_term": "x"})
    pause = _act("pause_campaign", {"line": "展位", "campaign": "b"})
    actionlog.save(first, "keyword_review", [neg, neg])
    actionlog.save(first, "channel_comparison", [pause])
    assert actionlog.append_run(shop, first, "r1", SEP) == 3
    actionlog.save(second, "keyword_review", [neg])  # a rerun of one notebook only
    assert actionlog.append_run(shop, second, "r2", SEP) == 1
    lines = (shop / actionlog.LOG_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 + 3 + 1 + 1  # headers and records, nothing rewritten
    got = actionlog.read_log(shop / actionlog.LOG_NAME, "2026-09")
    assert sorted((r["notebook"], r["run_id"]) for r in got) == [
        ("channel_comparison", "r1"), ("keyword_review", "r2")]  # fmt: skip
    assert actionlog.read_log(shop / actionlog.LOG_NAME, "2026-08") == []
    assert json.loads(lines[0])["record"] == "run"
    actionlog.save(None, "x", [])  # interactive use: no output folder, nothing written


def test_summary_counts_and_saved_spend():
    frame = pd.DataFrame({"status": ["applied", "not_applied", "applied", "unclear"],
                          "spend_saved": [310.0, float("nan"), 62.0, float("nan")]})  # fmt: skip
    s = actionlog.summary(frame)
    assert s == {"total": 4, "applied": 2, "not_applied": 1, "unclear": 1, "spend_saved": 372.0}


@pytest.mark.e2e
def test_runs_record_actions_and_the_next_recap_reports_them(tmp_path, capsys):
    """Two months into one output folder: the September run logs what channel_comparison
    proposed; the October recap reads it and reports each action."""
    from jdpromo.cli import main
    from jdpromo.sample import write_demo_shop

    data = tmp_path / "data" / "demo"
    write_demo_shop(data, shop="demo", seed=7, scale=0.1)
    out = tmp_path / "reports"
    common = ["--shop", "demo", "--data", str(data), "--out", str(out)]
    assert main(["run", *common, "--period", "2026-09", "--notebooks", "channel_comparison"]) == 0
    log = out / "demo" / actionlog.LOG_NAME
    records = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    head = records[0]
    assert head["record"] == "run" and head["period"] == "2026-09"
    assert head["notebook"] == "channel_comparison" and head["count"] == len(records) - 1
    kinds = {r["kind"] for r in records[1:]}
    assert "budget_line" in kinds  # October's budget per line
    plan = [r for r in records[1:] if r["kind"] == "budget_line"]
    assert all(r["proposed"]["period"] == "2026-10" for r in plan)
    assert (out / "demo" / "2026-09" / "actions" / "channel_comparison.json").is_file()
    assert main(["run", *common, "--period", "2026-10", "--notebooks",
                 "channel_comparison,recap"]) == 0  # fmt: skip
    follow = pd.read_csv(out / "demo" / "2026-10" / "tables" / "action_followup.csv")
    assert len(follow) == len(records) - 1
    assert set(follow["status"]) <= set(actionlog.STATUSES)
    page = (out / "demo" / "2026-10" / "recap.html").read_text(encoding="utf-8")
    assert "上期建议的执行与效果" in page and "不是对照试验" in page
    capsys.readouterr()


def test_each_audience_is_one_action_not_two():
    """audience_lists.xlsx holds a layer's detailed sheet and its upload sheet: one list."""
    ids = pd.DataFrame({"customer_id": ["a", "b", "c"]})
    sheets = {"沉默": ids, "沉默_上传": ids, "流失": ids.iloc[:0], "流失_上传": ids.iloc[:0]}
    got = actionlog.from_audiences(sheets)
    assert [(a["subject"]["layer"], a["proposed"]["customers"]) for a in got] == [("沉默", 3)]
    # a layer for free channels only has no upload sheet: no upload proposed
    assert actionlog.from_audiences({"流失": ids}) == []


def test_the_follow_up_line_names_only_statuses_that_have_proposals():
    s = {"total": 5, "applied": 0, "not_applied": 3, "unclear": 2, "spend_saved": 0.0}
    assert actionlog.summary_text(s, "2026-09") == (
        "上期（2026-09）建议 5 项：未执行 3 项、无法从数据判断 2 项。"
    )
    one = {"total": 1, "applied": 1, "not_applied": 0, "unclear": 0, "spend_saved": 0.0}
    assert actionlog.summary_text(one, "2026-09", "en") == (
        "Last period (2026-09) proposed 1 action: the data shows 1 applied."
    )
