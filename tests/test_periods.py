import datetime as dt

import pytest
from jdpromo.errors import PeriodError
from jdpromo.params import Phase, Promotion
from jdpromo.periods import latest_full_month, parse_period, partial_reasons, year_back

D = dt.date


def promos():
    return {
        "1111-2026": Promotion(
            warmup=Phase(start=D(2026, 10, 14), end=D(2026, 10, 31)),
            peak=Phase(start=D(2026, 11, 1), end=D(2026, 11, 11)),
            encore=Phase(start=D(2026, 11, 12), end=D(2026, 11, 13)),
        ),
        "1111-2025": Promotion(peak=Phase(start=D(2025, 11, 1), end=D(2025, 11, 11))),
        "618-2025": Promotion(peak=Phase(start=D(2025, 5, 31), end=D(2025, 6, 18))),
    }


def test_month_and_its_comparisons():
    r = parse_period("2026-10")
    assert (r.current.start, r.current.end, r.current.days) == (D(2026, 10, 1), D(2026, 10, 31), 31)
    assert (r.previous.start, r.previous.end) == (D(2026, 9, 1), D(2026, 9, 30))
    assert (r.last_year.start, r.last_year.end) == (D(2025, 10, 1), D(2025, 10, 31))


def test_january_goes_back_to_december_of_the_year_before():
    r = parse_period("2026-01")
    assert r.previous.label == "2025-12"
    assert (r.previous.start, r.previous.end) == (D(2025, 12, 1), D(2025, 12, 31))


def test_leap_february_month_end_and_year_back():
    r = parse_period("2024-02")
    assert r.current.end == D(2024, 2, 29)
    assert r.last_year.end == D(2023, 2, 28)
    assert parse_period("2025-03").previous.end == D(2025, 2, 28)
    assert year_back(D(2024, 2, 29)) == D(2023, 2, 28)


def test_leap_day_range_year_back():
    r = parse_period("2024-02-29..2024-03-01")
    assert r.current.days == 2
    assert (r.previous.start, r.previous.end) == (D(2024, 2, 27), D(2024, 2, 28))
    assert (r.last_year.start, r.last_year.end) == (D(2023, 2, 28), D(2023, 3, 1))


def test_iso_week_and_364_days_back():
    r = parse_period("2026-W44")
    assert (r.current.start, r.current.end) == (D(2026, 10, 26), D(2026, 11, 1))
    assert r.current.start.weekday() == 0
    assert (r.previous.start, r.previous.end) == (D(2026, 10, 19), D(2026, 10, 25))
    assert r.last_year.start == D(2026, 10, 26) - dt.timedelta(days=364)
    assert r.last_year.start.weekday() == 0


def test_iso_week_53_exists_only_in_long_years():
    r = parse_period("2026-W53")  # 2026 has 53 ISO weeks
    assert (r.current.start, r.current.end) == (D(2026, 12, 28), D(2027, 1, 3))
    assert parse_period("2027-W01").previous.label == "2026-W53"
    with pytest.raises(PeriodError, match="weeks 1..52"):
        parse_period("2025-W53")


def test_range_across_year_end():
    r = parse_period("2025-12-25..2026-01-05")
    assert r.current.days == 12
    assert (r.previous.start, r.previous.end) == (D(2025, 12, 13), D(2025, 12, 24))
    assert (r.last_year.start, r.last_year.end) == (D(2024, 12, 25), D(2025, 1, 5))


def test_promotion_phases_previous_days_and_last_year():
    r = parse_period("1111-2026", promos())
    assert (r.current.start, r.current.end, r.current.days) == (
        D(2026, 10, 14),
        D(2026, 11, 13),
        31,
    )
    assert r.current.phases["warmup"] == (D(2026, 10, 14), D(2026, 10, 31))
    # the ordinary days before 预热, as many as the promotion lasts
    assert (r.previous.start, r.previous.end) == (D(2026, 9, 13), D(2026, 10, 13))
    assert r.last_year.label == "1111-2025"
    assert (r.last_year.start, r.last_year.end) == (D(2025, 11, 1), D(2025, 11, 11))


def test_promotion_without_last_years_data():
    r = parse_period("618-2025", promos())
    assert r.last_year is None
    assert "618-2024" in r.notes[0]


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-00",
        "2026/10",
        "october",
        "2026-02-30..2026-03-01",
        "2026-10-05..2026-10-01",
        "1111-2030",
    ],
)
def test_bad_periods_are_clear_errors(text):
    with pytest.raises(PeriodError):
        parse_period(text, promos())


def test_partial_when_data_short_or_window_open():
    p = parse_period("2026-10").current
    full = dict(data_start=D(2024, 11, 1), data_end=D(2026, 10, 31), attribution_days=15)
    assert partial_reasons(p, as_of=D(2026, 11, 20), **full) == []
    # 15 days after the period's end is still inside the window
    assert partial_reasons(p, as_of=D(2026, 11, 15), **full)
    assert partial_reasons(p, as_of=D(2026, 11, 16), **full) == []
    short = dict(full, data_end=D(2026, 10, 20))
    assert "data covers" in partial_reasons(p, as_of=D(2026, 12, 31), **short)[0]
    assert partial_reasons(
        p, data_start=None, data_end=None, as_of=D(2027, 1, 1), attribution_days=0
    ) == ["no dated data"]


def test_latest_full_month():
    assert latest_full_month(D(2026, 10, 31)) == "2026-10"
    assert latest_full_month(D(2026, 11, 15)) == "2026-10"
    assert latest_full_month(D(2026, 1, 5)) == "2025-12"
    assert latest_full_month(D(2024, 2, 29)) == "2024-02"


def test_next_period():
    from jdpromo.periods import next_period

    nxt = next_period(parse_period("2026-12").current)
    assert (nxt.label, nxt.start, nxt.end) == ("2027-01", D(2027, 1, 1), D(2027, 1, 31))
    assert next_period(parse_period("2024-01").current).end == D(2024, 2, 29)
    wk = next_period(parse_period("2026-W53").current)
    assert (wk.start, wk.end) == (D(2027, 1, 4), D(2027, 1, 10))


def test_crosses_boundary_when_the_previous_period_holds_other_phases():
    from jdpromo.periods import ResolvedPeriod, crosses_boundary

    p = promos()
    # September is ordinary, October holds 18 days of 预热
    assert crosses_boundary(parse_period("2026-10", p), p)
    assert not crosses_boundary(parse_period("2026-09", p), p)
    # 预热 (October) against 爆发 + 返场 (November); November against an ordinary December
    assert crosses_boundary(parse_period("2026-11", p), p)
    assert crosses_boundary(parse_period("2026-12", p), p)
    # W43 and W42 both hold 预热 days only; W44 adds the first 爆发 day
    assert not crosses_boundary(parse_period("2026-W43", p), p)
    assert crosses_boundary(parse_period("2026-W44", p), p)
    # a promotion against the ordinary days before its 预热
    assert crosses_boundary(parse_period("1111-2026", p), p)
    assert not crosses_boundary(parse_period("2026-10"), None)
    alone = parse_period("2026-10", p)
    assert not crosses_boundary(ResolvedPeriod(alone.current, None, alone.last_year), p)


def test_promotion_names_on_english_pages():
    from types import SimpleNamespace

    from jdpromo.periods import promotion_label

    zh = SimpleNamespace(label="2026年双11", label_en=None)
    assert promotion_label("1111-2026", zh) == "2026年双11"
    assert promotion_label("1111-2026", zh, "en") == "Double 11 2026"
    assert promotion_label("618-2025", SimpleNamespace(label="2025年618"), "en") == "618 2025"
    assert promotion_label(
        "spring", SimpleNamespace(label="年货节", label_en="New Year sale"), "en"
    ) == ("New Year sale")
    assert promotion_label("spring", SimpleNamespace(label="年货节"), "en") == "spring"
    assert promotion_label("x", SimpleNamespace(label="Brand Day"), "en") == "Brand Day"
    assert promotion_label("1111-2026", SimpleNamespace(label=None), "zh") == "1111-2026"
