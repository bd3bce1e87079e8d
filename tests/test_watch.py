"""The daily watch: baseline days, each alert rule on hand-built days, and the demo's planted
anomalies end to end (``jdpromo watch``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from jdpromo import watch
from jdpromo.params import ShopParams, WatchParams

DAY = dt.date(2026, 9, 26)  # a Saturday outside any promotion
SATURDAYS = [DAY - dt.timedelta(weeks=k) for k in (4, 3, 2, 1)]
W = WatchParams()


class FakeDataset:
    def __init__(self, **tables: pd.DataFrame) -> None:
        self.tables = tables
        self.files = []

    def table(self, name: str) -> pd.DataFrame:
        return self.tables.get(name, pd.DataFrame())


def _ad(costs, clicks=None, impressions=None, revenue=None, line="快车", campaign="c1"):
    days = [*SATURDAYS, DAY]
    n = len(days)
    return pd.DataFrame({
        "date": pd.to_datetime(days), "product_line": line, "campaign": campaign,
        "impressions": impressions or [10000] * n, "clicks": clicks or [100] * n,
        "cost": costs, "order_lines": [4] * n, "revenue": revenue or [400.0] * n,
    })  # fmt: skip


def test_baseline_same_weekday_segment_and_fallbacks():
    base = watch.baseline_days(DAY, W)
    assert base.rule == "same_weekday" and base.days == tuple(SATURDAYS)
    params = ShopParams(promotions={"p": {"warmup": {"start": "2026-10-14", "end": "2026-10-31"},
                                          "peak": {"start": "2026-11-01", "end": "2026-11-11"}}})  # fmt: skip
    # 2026-10-31 (Saturday, 预热): only 10-17 and 10-24 are same-weekday warm-up days, so every
    # warm-up day before it (10-14 … 10-30, 17 days) is the baseline; ordinary days never are
    base = watch.baseline_days(dt.date(2026, 10, 31), W, params.promotions)
    assert base.segment == "warmup" and base.rule == "same_segment"
    assert base.days[0] == dt.date(2026, 10, 14) and len(base.days) == 17
    # the warm-up's first day has no warm-up day before it
    first = watch.baseline_days(dt.date(2026, 10, 14), W, params.promotions)
    assert first.rule == "none" and first.days == ()


def test_robust_z_hand_worked():
    # median 102.5; |deviations| 2.5, 7.5, 12.5, 2.5 → MAD 5.0 → 1.4826 × 5 = 7.41, floored at
    # 10% of the median = 10.25; (200 − 102.5) / 10.25 = 9.512
    z, med, scale = watch.robust_z(200.0, [100, 110, 90, 105])
    assert med == 102.5 and scale == pytest.approx(10.25)
    assert z == pytest.approx(97.5 / 10.25)


def test_spend_spike_and_normal_day():
    base = watch.baseline_days(DAY, W)
    found = watch.spend_alerts(_ad([100, 110, 90, 105, 300]), base, W)
    assert [(a.kind, a.level) for a in found] == [
        ("spend_spike", "line"),
        ("spend_spike", "campaign"),
    ]
    assert found[0].value == 300 and found[0].baseline == 102.5 and found[0].severity == "medium"
    assert "¥300" in found[0].message["zh"] and "+193%" in found[0].message["zh"]
    # 115: z = 12.5 / 10.25 = 1.2, within day-to-day variation
    assert watch.spend_alerts(_ad([100, 110, 90, 105, 115]), base, W) == []
    # a drop to 20 (−80%, ¥82.5 below the median) moves less than min_money (¥100): no alert
    assert watch.spend_alerts(_ad([100, 110, 90, 105, 20]), base, W) == []
    drop = watch.spend_alerts(_ad([1000, 1100, 900, 1050, 200]), base, W)
    assert {a.kind for a in drop} == {"spend_drop"}


def test_ctr_drop_needs_variation_and_a_test():
    base = watch.baseline_days(DAY, W)
    ad = _ad([100] * 5, clicks=[100, 100, 100, 100, 40])
    found = watch.rate_alerts(ad, base, W)
    # CTR 40 / 10,000 = 0.40% against 1.00% on every baseline day (−60%); CVR is not judged on
    # 40 clicks (< min_clicks 50); ROI 400 / 100 = 4 unchanged
    assert [(a.kind, a.level) for a in found] == [("ctr_drop", "line"), ("ctr_drop", "campaign")]
    assert found[0].value == pytest.approx(0.004) and found[0].baseline == pytest.approx(0.01)
    assert "0.40%" in found[0].message["zh"]
    assert watch.rate_alerts(_ad([100] * 5, clicks=[100, 100, 100, 100, 90]), base, W) == []
    # too few impressions for CTR: nothing
    few = _ad([100] * 5, clicks=[10, 10, 10, 10, 2], impressions=[1000] * 5)
    assert watch.rate_alerts(few, base, W) == []


def test_roi_drop():
    base = watch.baseline_days(DAY, W)
    ad = _ad([100] * 5, revenue=[400.0, 420.0, 380.0, 410.0, 100.0])
    found = [a for a in watch.rate_alerts(ad, base, W) if a.kind == "roi_drop"]
    # ROI 1.00 against a median of 4.05 (−75%)
    assert len(found) == 2 and found[0].value == 1.0 and found[0].baseline == pytest.approx(4.05)


def _terms(today_cost, today_lines=0, past_cost=0.0, term="x专用纸"):
    rows = [{"date": pd.Timestamp(d), "campaign": "c1", "unit": "u1", "keyword": "k",
             "search_term": term, "cost": past_cost, "clicks": 1, "order_lines": 0}
            for d in SATURDAYS]  # fmt: skip
    rows.append({"date": pd.Timestamp(DAY), "campaign": "c1", "unit": "u1", "keyword": "k",
                 "search_term": term, "cost": today_cost, "clicks": 60, "order_lines": today_lines})  # fmt: skip
    return pd.DataFrame(rows)


def test_term_spend_without_orders():
    base = watch.baseline_days(DAY, W)
    found = watch.term_alerts(_terms(150.0), base, W)
    assert len(found) == 1 and found[0].kind == "term_no_orders"
    assert found[0].subject == "x专用纸" and found[0].value == 150.0 and found[0].baseline == 0.0
    assert watch.term_alerts(_terms(150.0, today_lines=1), base, W) == []  # it sold
    assert watch.term_alerts(_terms(90.0), base, W) == []  # below ¥100
    # usual spend ¥60 a day: ¥150 is 2.5 × the mean, below the 3 × spike
    assert watch.term_alerts(_terms(150.0, past_cost=60.0), base, W) == []


def test_cap_hit_within_tolerance():
    w = WatchParams(daily_caps={"快车/c1": 100.0, "海投": 500.0})
    assert [a.subject for a in watch.cap_alerts(_ad([50] * 4 + [99.0]), DAY, w)] == ["快车/c1"]
    assert watch.cap_alerts(_ad([50] * 4 + [97.0]), DAY, w) == []  # 97 < 100 × 0.98


def test_missing_export_and_missing_line():
    base = watch.baseline_days(DAY, W)
    ad = pd.concat([_ad([100] * 5), _ad([50] * 4 + [50], line="展位").iloc[:4]])
    shop = pd.DataFrame({"date": pd.to_datetime(SATURDAYS), "gmv": 1.0})
    found = watch.export_alerts(FakeDataset(ad_daily=ad, shop_daily=shop), ad, base, W)
    assert [(a.kind, a.subject) for a in found] == [("export_missing", "shop_daily"),
                                                     ("line_missing", "展位")]  # fmt: skip
    assert found[1].baseline == 50.0


def test_page_says_nothing_unusual():
    base = watch.baseline_days(DAY, W)
    page = watch.alerts_html([], base, "zh")
    assert "今日无异常" in page and "2026-09-19" in page
    assert "Nothing unusual today" in watch.alerts_html([], base, "en")


# --------------------------------------------------------------------------------------------
# The demo's planted anomalies, end to end


@pytest.fixture(scope="module")
def full_demo(tmp_path_factory) -> Path:
    """The full-scale demo shop (its planted anomalies need full volumes)."""
    from jdpromo.sample import write_demo_shop

    folder = tmp_path_factory.mktemp("watchdata") / "demo"
    write_demo_shop(folder, shop="demo")
    return folder


@pytest.mark.e2e
def test_demo_watch_finds_the_planted_anomalies(full_demo, tmp_path, capsys):
    from jdpromo.cli import main
    from jdpromo.runner import collect_watches
    from jdpromo.sample import WATCH_CAP

    out = tmp_path / "reports"
    assert main(["watch", "--shop", "demo", "--data", str(full_demo), "--out", str(out)]) == 3
    doc = json.loads((out / "demo/daily/2026-10-31/alerts.json").read_text(encoding="utf-8"))
    kinds = {(a["kind"], a["subject"]) for a in doc["alerts"]}
    assert ("cap_hit", f"{WATCH_CAP[0]}/{WATCH_CAP[1]}") in kinds
    # the spend that ran into the cap is the cap: not a second "spike" alert for it
    assert ("spend_spike", f"{WATCH_CAP[0]}/{WATCH_CAP[1]}") not in kinds
    assert ("term_no_orders", "无油空气炸锅配件") in kinds
    assert ("ctr_drop", "展位/展位-首焦-大促/大促主视觉-空气炸锅直降") in kinds
    assert doc["segment"] == "warmup" and doc["count"] == len(doc["alerts"])
    for a in doc["alerts"]:
        assert set(watch.ALERT_FIELDS) <= set(a) and set(a["message"]) == {"zh", "en"}
    page = (out / "demo/daily/2026-10-31/watch.html").read_text(encoding="utf-8")
    assert "撞线" in page and "今日无异常" not in page and "本月进度" in page
    # the day before holds nothing planted: no alert, exit 0
    assert main(["watch", "--shop", "demo", "--date", "2026-10-30", "--data", str(full_demo),
                 "--out", str(out)]) == 0  # fmt: skip
    calm = json.loads((out / "demo/daily/2026-10-30/alerts.json").read_text(encoding="utf-8"))
    assert calm["count"] == 0
    assert "今日无异常" in (out / "demo/daily/2026-10-30/watch.html").read_text(encoding="utf-8")
    assert [w["date"] for w in collect_watches(out)] == ["2026-10-31", "2026-10-30"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "demo/daily/2026-10-31/watch.html" in index and f"{doc['count']} 项提醒" in index
    watches = index[index.index("每日监控") :]  # the shop's name, and on a phone what each time is
    assert "澄禾厨房电器旗舰店" in watches and "data-label='生成时间'" in watches
    assert main(["watch", "--shop", "demo", "--date", "31-10-2026", "--data", str(full_demo),
                 "--out", str(out)]) == 2  # fmt: skip
    capsys.readouterr()


def test_demo_params_cap_matches_the_sample():
    from conftest import ROOT
    from jdpromo.params import load_shop_params
    from jdpromo.sample import WATCH_CAP

    params = load_shop_params("demo", ROOT / "params" / "demo.yaml", ROOT)
    assert params.watch.daily_caps == {f"{WATCH_CAP[0]}/{WATCH_CAP[1]}": WATCH_CAP[2]}


def test_partial_export_has_too_few_rows():
    base = watch.baseline_days(DAY, W)
    # 4 rows on each baseline Saturday, 1 today: 1 < 0.5 × 4
    ad = pd.concat([_ad([100] * 5, campaign=c) for c in "abcd"])
    ad = ad[(ad["date"] != pd.Timestamp(DAY)) | (ad["campaign"] == "a")]
    found = watch.export_alerts(FakeDataset(ad_daily=ad), ad, base, W)
    assert [(a.kind, a.value, a.baseline) for a in found] == [("export_partial", 1.0, 4.0)]
    full = pd.concat([_ad([100] * 5, campaign=c) for c in "abcd"])
    assert watch.export_alerts(FakeDataset(ad_daily=full), full, base, W) == []


# --------------------------------------------------------------------------------------------
# Publishing a watch (the notebook faked: these tests are about what surrounds it)


@pytest.fixture
def watch_data(tmp_path) -> Path:
    import shutil

    from conftest import CORPUS

    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(CORPUS / "kuaiche_campaign_bom.csv", folder)
    return folder


def _fake_watch(monkeypatch, outcome) -> None:
    """``_execute`` replaced: ``outcome`` an exception to raise, or ``(status, alerts)`` (alerts
    ``None``: no alerts.json written)."""
    from jdpromo import runner

    def execute(nb_path, out_path, *args, **kwargs):
        if isinstance(outcome, BaseException):
            raise outcome
        status, alerts = outcome
        if alerts is not None:
            doc = {"count": alerts, "alerts": []}
            (out_path.parent / "alerts.json").write_text(json.dumps(doc), encoding="utf-8")
        return runner.NotebookResult(nb_path.stem, status, 0.01)

    monkeypatch.setattr(runner, "_execute", execute)


def _watch(data: Path, out: Path) -> int:
    from jdpromo.cli import main

    return main(["watch", "--shop", "s1", "--date", "2026-10-14", "--data", str(data),
                 "--out", str(out)])  # fmt: skip


def _good_watch(data: Path, out: Path, monkeypatch, alerts: int) -> Path:
    """A watch of 2026-10-14 with ``alerts`` alerts, published: the shop's daily folder."""
    _fake_watch(monkeypatch, ("ok", alerts))
    assert _watch(data, out) == (3 if alerts else 0)
    return out / "s1" / "daily"


def test_watch_publishes_and_keeps_a_failed_attempt_beside_the_good_one(
    watch_data, tmp_path, monkeypatch, capsys
):
    import os

    out = tmp_path / "reports"
    daily = _good_watch(watch_data, out, monkeypatch, alerts=2)
    good = json.loads((daily / "2026-10-14" / "manifest.json").read_text(encoding="utf-8"))
    assert good["kind"] == "watch" and good["status"] == "ok" and good["alerts"] == 2
    assert "status ok, 2 alert(s)" in (daily / "2026-10-14" / "run.log").read_text("utf-8")
    # a killed watch's leftover is removed by the next watch of the day
    left = daily / f".2026-10-14.attempt-{os.getpid()}-1"
    left.mkdir()
    _fake_watch(monkeypatch, ("failed", None))
    assert _watch(watch_data, out) == 1
    assert not left.exists()
    bad = json.loads((daily / "2026-10-14.failed" / "manifest.json").read_text(encoding="utf-8"))
    assert bad["status"] == "failed" and bad["alerts"] == 0
    assert sorted(p.name for p in daily.iterdir()) == [
        ".2026-10-14.lock", "2026-10-14", "2026-10-14.failed"
    ]  # fmt: skip
    from jdpromo.runner import collect_watches

    [entry] = collect_watches(out)
    assert entry["status"] == "failed" and entry["folder"] == "s1/daily/2026-10-14.failed"
    # a good watch replaces the failed attempt
    _fake_watch(monkeypatch, ("ok", 0))
    assert _watch(watch_data, out) == 0
    assert sorted(p.name for p in daily.iterdir()) == [".2026-10-14.lock", "2026-10-14"]
    capsys.readouterr()


def test_watch_on_a_full_disk_is_one_line_and_leaves_no_attempt(
    watch_data, tmp_path, monkeypatch, capsys
):
    import errno

    out = tmp_path / "reports"
    daily = _good_watch(watch_data, out, monkeypatch, alerts=0)
    before = (daily / "2026-10-14" / "manifest.json").read_bytes()
    capsys.readouterr()
    _fake_watch(monkeypatch, OSError(errno.ENOSPC, "No space left on device", "x.ipynb"))
    assert _watch(watch_data, out) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("jdpromo: error: 报告写入失败：磁盘已满（x.ipynb）")
    assert "details in" not in err
    assert (daily / "2026-10-14" / "manifest.json").read_bytes() == before
    assert sorted(p.name for p in daily.iterdir()) == [".2026-10-14.lock", "2026-10-14"]


@pytest.mark.parametrize("exc", [KeyError("lens"), KeyboardInterrupt()])
def test_watch_bug_or_interrupt_leaves_no_attempt(watch_data, tmp_path, monkeypatch, exc):
    """A failed watch attempt is not kept (unlike a report's): the error goes up as it is."""
    from jdpromo.runner import run_watch

    out = tmp_path / "reports"
    _fake_watch(monkeypatch, exc)
    with pytest.raises(type(exc)):
        run_watch("s1", "2026-10-14", data_dir=watch_data, out_dir=out)
    assert sorted(p.name for p in (out / "s1" / "daily").iterdir()) == [".2026-10-14.lock"]
    assert not (out / "index.html").exists()
