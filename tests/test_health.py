import datetime as dt
import shutil

import numpy as np
import pandas as pd
import pytest
from conftest import CORPUS
from jdpromo import health, ingest
from jdpromo.params import Phase, Promotion

D = dt.date


def _daily(values, start="2026-10-01"):
    return pd.DataFrame({"date": pd.date_range(start, periods=len(values)), "cost": values})


def test_spend_outliers_worked_by_hand():
    flags = health.spend_outliers(
        _daily([100, 100, 110, 90, 100, 105, 95, 100, 400, 100]), window=7, z=3.5, min_periods=7
    )
    assert flags["baseline"].iloc[:7].isna().all()
    assert not flags["outlier"].iloc[:7].any()
    # day 9: the 7 days before have median 100 and MAD 5 → z = 0.6745 × 300 / 5
    day9 = flags.iloc[8]
    assert day9["baseline"] == 100 and day9["mad"] == 5
    assert day9["robust_z"] == pytest.approx(0.6745 * 300 / 5)
    assert day9["outlier"] and day9["direction"] == "high"
    # day 10 has 400 in its window, yet the median and MAD stay robust
    assert flags.iloc[9]["baseline"] == 100 and flags.iloc[9]["robust_z"] == 0
    assert flags["outlier"].sum() == 1


def test_spend_outliers_flat_history_and_gaps():
    values = [50.0] * 10 + [10.0]
    flags = health.spend_outliers(_daily(values), window=7, z=3.5, min_periods=7)
    last = flags.iloc[-1]
    assert np.isnan(last["robust_z"])  # MAD = 0: z undefined, never inf
    assert last["outlier"] and last["direction"] == "low"
    gappy = _daily([100.0] * 12).drop(index=[3, 4])
    flags = health.spend_outliers(gappy, window=7, z=3.5, min_periods=7)
    assert len(flags) == 10  # missing days are not invented as zero spend
    assert not flags["outlier"].any()


def test_spend_outliers_empty():
    assert health.spend_outliers(pd.DataFrame(columns=["date", "cost"])).empty


def _ramp():
    """14 ordinary days alternating 100/110 from 2026-10-01, a ramp 300..500 on 10-15..10-19,
    then 100 again on 10-20..10-22."""
    return _daily([100, 110] * 7 + [300, 350, 400, 450, 500] + [100] * 3)


def test_spend_ramp_on_ordinary_days_is_flagged():
    flags = health.spend_outliers(_ramp(), window=14, z=3.5, min_periods=7).set_index("date")
    ramp = flags.loc[D(2026, 10, 15) : D(2026, 10, 19)]
    assert ramp["outlier"].all() and (ramp["direction"] == "high").all()
    assert (ramp["phase"] == "ordinary").all() and (ramp["reason"] == "").all()
    # the ramp sits in the baseline of 10-20: days 10-06..10-19 → median 110, MAD 10
    after = flags.loc[D(2026, 10, 20)]
    assert (after["baseline"], after["mad"]) == (110, 10)


def test_spend_ramp_inside_a_planned_warmup_is_not_flagged():
    promos = {
        "1111-2026": Promotion(
            warmup=Phase(start=D(2026, 10, 15), end=D(2026, 10, 19)),
            peak=Phase(start=D(2026, 11, 1), end=D(2026, 11, 11)),
        )
    }
    flags = health.spend_outliers(
        _ramp(), window=14, z=3.5, min_periods=7, promotions=promos
    ).set_index("date")
    assert not flags["outlier"].any()
    ramp = flags.loc[D(2026, 10, 15) : D(2026, 10, 19)]
    assert (ramp["phase"] == "warmup").all() and (ramp["reason"] == "planned_phase").all()
    # 10-15 against the 14 ordinary days before it: median 105, MAD 5
    first = flags.loc[D(2026, 10, 15)]
    assert (first["baseline"], first["mad"]) == (105, 5)
    assert first["robust_z"] == pytest.approx(0.6745 * (300 - 105) / 5)
    # after the warm-up, the baseline holds ordinary days only (10-01..10-14): median 105, MAD 5
    after = flags.loc[D(2026, 10, 20)]
    assert (after["baseline"], after["mad"]) == (105, 5)
    assert after["phase"] == "ordinary" and after["reason"] == ""


def test_compress_dates():
    days = pd.DatetimeIndex(["2026-10-03", "2026-10-05", "2026-10-06", "2026-10-07", "2026-10-09"])
    assert health.compress_dates(days) == "2026-10-03、2026-10-05~2026-10-07、2026-10-09"
    assert health.compress_dates(days, lang="en") == (
        "2026-10-03, 2026-10-05 to 2026-10-07, 2026-10-09"
    )
    assert health.compress_dates(days, limit=1) == "2026-10-03 … (+2)"
    assert health.compress_dates(pd.DatetimeIndex([])) == ""
    assert health.compress_dates([D(2026, 10, 15), D(2026, 10, 14)]) == "2026-10-14~2026-10-15"
    # the demo's planned October days, as the data health page writes them
    planned = [*pd.date_range("2026-10-15", "2026-10-19"), D(2026, 10, 21)]
    assert health.compress_dates(planned) == "2026-10-15~2026-10-19、2026-10-21"
    assert health.compress_dates(planned, lang="en") == "2026-10-15 to 2026-10-19, 2026-10-21"


def test_covered_days_expands_period_rows():
    frame = pd.DataFrame(
        {
            "date": [pd.Timestamp("2026-10-01"), pd.NaT],
            "period_start": [pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-03")],
            "period_end": [pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-05")],
        }
    )
    days = health.covered_days(frame)
    assert list(days.strftime("%d")) == ["01", "03", "04", "05"]


def test_coverage_counts_rows_and_days_from_the_tables_spans():
    """Rows per span: 2 rows of 10-01, 1 of 10-02, a weekly row 09-29..10-05 and one without a
    date. Days covered 09-29..10-05 (7); rows inside 10-01..10-31: the three daily ones (the
    weekly row starts before the period)."""
    from jdpromo.periods import parse_period

    ts = pd.Timestamp
    frame = pd.DataFrame(
        {
            "period_start": [ts("2026-10-01"), ts("2026-10-01"), ts("2026-10-02"),
                             ts("2026-09-29"), pd.NaT],
            "period_end": [ts("2026-10-01"), ts("2026-10-01"), ts("2026-10-02"),
                           ts("2026-10-05"), pd.NaT],
        }
    )  # fmt: skip
    spans = health.table_spans(frame)
    assert spans.values.tolist() == [
        [ts("2026-09-29"), ts("2026-10-05"), 1],
        [ts("2026-10-01"), ts("2026-10-01"), 2],
        [ts("2026-10-02"), ts("2026-10-02"), 1],
    ]
    assert health.table_spans(frame.iloc[:0]).empty and health.span_days(spans.iloc[:0]).empty

    class Folder:  # a dataset of one table
        def has(self, name):
            return name == "shop_daily"

        def fact(self, name, key, compute):
            return compute(frame)

    row = health.coverage(Folder(), parse_period("2026-10").current).iloc[0]
    # days 10-01, 10-02 and 10-05: 10-03 and 10-04 missing, written as the page's language writes
    days = pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-05"])
    frame = pd.DataFrame({"period_start": days, "period_end": days})
    zh, en = (health.coverage(Folder(), None, lang).iloc[0] for lang in ("zh", "en"))
    assert (zh["missing_days"], zh["missing_dates"]) == (2, "2026-10-03~2026-10-04")
    assert en["missing_dates"] == "2026-10-03 to 2026-10-04"
    assert (row["table"], row["days"], row["days_with_data"], row["missing_days"]) == (
        "shop_daily",
        7,
        7,
        0,
    )
    assert (row["period_rows"], row["period_missing_days"]) == (3, 26)


def test_daily_spend_sums_rows_per_day():
    ad = pd.DataFrame(
        {
            "date": ["2026-10-01", "2026-10-01", "2026-10-02"],
            "product_line": ["快车", "展位", "快车"],
            "cost": [10.5, 4.5, 3.0],
        }
    )
    out = health.daily_spend(ad)
    assert out["cost"].tolist() == [15.0, 3.0]
    by = health.daily_spend(ad, by="product_line")
    assert len(by) == 3


def test_keep_window():
    ad = pd.DataFrame(
        {
            "attribution_days": [15, 15, 7],
            "attribution_basis": ["click"] * 3,
            "cost": [1.0, 2.0, 4.0],
        }
    )
    assert health.keep_window(ad, (15, "click"))["cost"].sum() == 3.0
    assert health.keep_window(ad, (7, "click"))["cost"].sum() == 4.0
    assert health.keep_window(ad, (7, "order")).empty


class _FakeDataset:
    def __init__(self, tables):
        self.tables = tables

    def has(self, name):
        return name in self.tables

    def table(self, name):
        return self.tables[name]

    def fact(self, name, key, compute):
        return compute(self.tables[name])


def test_windows_dominant_and_rows_left_out():
    ad = pd.DataFrame(
        {
            "attribution_days": [15, 15, 7],
            "attribution_basis": ["click"] * 3,
            "cost": [1.0, 2.0, 4.0],
        }
    )
    kw = pd.DataFrame(
        {"attribution_days": [7, 7], "attribution_basis": ["click"] * 2, "cost": [1.0, 1.0]}
    )
    ds = _FakeDataset({"ad_daily": ad, "keyword_daily": kw})
    summary = health.attribution_windows(ds)
    assert summary["rows"].sum() == 5
    # 7-day rows: 3, 15-day rows: 2 → the 7-day window is used, 2 rows left out
    assert health.dominant_window(ds, (15, "click")) == (7, "click")
    assert health.rows_outside_window(ds, (7, "click")) == 2
    tie = _FakeDataset({"ad_daily": ad.iloc[:2], "keyword_daily": kw})
    assert health.dominant_window(tie, (15, "click")) == (15, "click")
    assert health.dominant_window(_FakeDataset({}), (3, "order")) == (3, "order")


def test_data_span_is_the_intersection_of_tables():
    a = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2026-01-01", "2026-03-01"]),
            "period_end": pd.to_datetime(["2026-01-01", "2026-03-31"]),
        }
    )
    b = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2026-02-01"]),
            "period_end": pd.to_datetime(["2026-04-30"]),
        }
    )
    ds = _FakeDataset({"ad_daily": a, "shop_daily": b})
    assert health.data_span(ds) == (D(2026, 2, 1), D(2026, 3, 31))
    assert health.data_span(_FakeDataset({})) == (None, None)


def test_summary_counts_files_and_rows():
    from types import SimpleNamespace

    def f(status, read, used):
        return SimpleNamespace(
            status=status, rows_read=read, rows_used=used, rows_skipped=read - used
        )

    ds = SimpleNamespace(
        files=[
            f("ok", 10, 7),
            f("ok", 5, 5),
            f("ignored", 0, 0),
            f("error", 0, 0),
            f("skipped", 0, 0),
        ]
    )
    assert health.summary(ds) == {
        "files": 5,
        "ok": 2,
        "ignored": 2,
        "not_files": 1,
        "errors": 1,
        "rows_read": 15,
        "rows_used": 12,
        "rows_skipped": 3,
    }


def test_problems_name_files_inside_the_folder_not_the_server_path(tmp_path):
    folder = tmp_path / "exports"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(CORPUS / "ad_bad_date.csv", folder / "sub" / "ad_bad_date.csv")
    shutil.copy(CORPUS / "empty.csv", folder / "empty.csv")
    frame = health.problems(ingest.load_folder(folder))
    assert list(frame["file"]) == ["empty.csv", "sub/ad_bad_date.csv"]  # as in the inventory
    assert (
        frame["message"]
        .str.startswith(("file empty.csv: ", "file sub/ad_bad_date.csv, row 3"))
        .all()
    )
    assert not frame["message"].str.contains(str(tmp_path), regex=False).any()
