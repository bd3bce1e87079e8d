"""Report periods: parse ``--period``, resolve its dates, its 环比 and 同比 periods, and partiality.

Accepted forms
--------------
``2026-10``                   a calendar month; 环比 = the month before, 同比 = the same month a year back.
``2026-W44``                  an ISO week (Monday..Sunday); 环比 = the week before, 同比 = 364 days back
                              so that weekdays align.
``2026-10-01..2026-10-31``    a date range, inclusive; 环比 = the same number of days just before it,
                              同比 = the same calendar dates a year back (29 Feb → 28 Feb).
``1111-2026``                 a named promotion window from the shop's params, with its 预热/爆发/返场
                              phases; 环比 = the ordinary days just before its 预热, as many as the
                              promotion lasts; 同比 = the same promotion a year earlier, if the params
                              name it (otherwise there is none).

All dates are calendar days in Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from jdpromo.errors import PeriodError

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHASES = ("warmup", "peak", "encore")

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s*\.\.\s*(\d{4}-\d{1,2}-\d{1,2})$")
_YEAR_SUFFIX = re.compile(r"^(.*?)(\d{4})$")


@dataclass(frozen=True)
class Period:
    """A span of calendar days, inclusive at both ends.

    Parameters
    ----------
    label
        How the period is named in reports and folder names (``2026-10``, ``2026-W44`` …).
    kind
        ``month``, ``week``, ``range``, ``promotion`` or ``comparison`` (a derived 环比/同比 span).
    start, end
        First and last day, inclusive.
    phases
        For a promotion: phase name (``warmup``/``peak``/``encore``) → (first day, last day).
    """

    label: str
    kind: str
    start: dt.date
    end: dt.date
    phases: Mapping[str, tuple[dt.date, dt.date]] = field(default_factory=dict)

    @property
    def days(self) -> int:
        """Number of calendar days in the period."""
        return (self.end - self.start).days + 1

    def dates(self) -> list[dt.date]:
        """Every day of the period, in order."""
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class ResolvedPeriod:
    """A report period with the periods it is compared with.

    ``previous`` is the 环比 period, ``last_year`` the 同比 period (``None`` when there is none, e.g.
    a promotion whose last-year edition is not in the params); ``notes`` say why.
    """

    current: Period
    previous: Period | None
    last_year: Period | None
    notes: tuple[str, ...] = ()


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(_pad_iso(text))
    except ValueError:
        raise PeriodError(f"{what} {text!r} is not a calendar date (YYYY-MM-DD)") from None


def _pad_iso(text: str) -> str:
    y, m, d = text.split("-")
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def year_back(day: dt.date) -> dt.date:
    """The same calendar day one year earlier; 29 February maps to 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _span(label: str, start: dt.date, end: dt.date) -> Period:
    return Period(label=label, kind="comparison", start=start, end=end)


def _days_before(start: dt.date, days: int, label: str) -> Period:
    return _span(label, start - dt.timedelta(days=days), start - dt.timedelta(days=1))


def _promotion_period(name: str, promo) -> Period:
    phases = {
        phase: (getattr(promo, phase).start, getattr(promo, phase).end)
        for phase in PHASES
        if getattr(promo, phase) is not None
    }
    return Period(label=name, kind="promotion", start=promo.start, end=promo.end, phases=phases)


def last_year_name(name: str, promo) -> str | None:
    """The name of the same promotion a year earlier: its ``last_year``, else the name with its
    year lowered by one (``1111-2026`` → ``1111-2025``), else None."""
    if getattr(promo, "last_year", None):
        return promo.last_year
    m = _YEAR_SUFFIX.match(name)
    return f"{m.group(1)}{int(m.group(2)) - 1}" if m else None


def parse_period(text: str, promotions: Mapping[str, object] | None = None) -> ResolvedPeriod:
    """Resolve a ``--period`` value to its dates, 环比 and 同比 periods.

    Parameters
    ----------
    text
        ``YYYY-MM``, ``YYYY-Www``, ``YYYY-MM-DD..YYYY-MM-DD`` or a promotion name from ``promotions``.
    promotions
        Named promotion windows (``ShopParams.promotions``): name → object with ``warmup``, ``peak``,
        ``encore`` phases (``start``/``end`` dates), ``start``, ``end`` and ``last_year``.

    Raises
    ------
    PeriodError
        When the text matches no form, names an impossible date or week, or an unknown promotion.
    """
    text = str(text).strip()
    promotions = promotions or {}

    if text in promotions:
        promo = promotions[text]
        current = _promotion_period(text, promo)
        before = promo.start
        previous = _days_before(before, current.days, f"{text} 前{current.days}天")
        ly_name = last_year_name(text, promo)
        notes: list[str] = []
        last_year = None
        if ly_name and ly_name in promotions:
            last_year = _promotion_period(ly_name, promotions[ly_name])
        else:
            notes.append(f"no last-year promotion {ly_name or '(unnamed)'} in the params: no 同比")
        return ResolvedPeriod(current, previous, last_year, tuple(notes))

    if m := _MONTH.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"period {text!r}: month must be 01..12")
        start, end = dt.date(year, month, 1), _month_end(year, month)
        label = f"{year:04d}-{month:02d}"
        current = Period(label, "month", start, end)
        py, pm = (year, month - 1) if month > 1 else (year - 1, 12)
        previous = _span(f"{py:04d}-{pm:02d}", dt.date(py, pm, 1), _month_end(py, pm))
        last_year = _span(
            f"{year - 1:04d}-{month:02d}", start.replace(year=year - 1), _month_end(year - 1, month)
        )
        return ResolvedPeriod(current, previous, last_year)

    if m := _WEEK.match(text):
        year, week = int(m.group(1)), int(m.group(2))
        try:
            start = dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            weeks = dt.date(year, 12, 28).isocalendar().week
            raise PeriodError(f"period {text!r}: ISO year {year} has weeks 1..{weeks}") from None
        end = start + dt.timedelta(days=6)
        label = f"{year:04d}-W{week:02d}"
        current = Period(label, "week", start, end)
        prev_start = start - dt.timedelta(days=7)
        py, pw, _ = prev_start.isocalendar()
        previous = _span(f"{py:04d}-W{pw:02d}", prev_start, end - dt.timedelta(days=7))
        ly_start = start - dt.timedelta(days=364)
        ly, lw, _ = ly_start.isocalendar()
        last_year = _span(f"{ly:04d}-W{lw:02d}", ly_start, end - dt.timedelta(days=364))
        return ResolvedPeriod(current, previous, last_year)

    if m := _RANGE.match(text):
        start = _date(m.group(1), "range start")
        end = _date(m.group(2), "range end")
        if end < start:
            raise PeriodError(f"period {text!r} ends before it starts")
        label = f"{start.isoformat()}..{end.isoformat()}"
        current = Period(label, "range", start, end)
        prev_start, prev_end = start - dt.timedelta(days=current.days), start - dt.timedelta(days=1)
        previous = _span(f"{prev_start}..{prev_end}", prev_start, prev_end)
        ly_start, ly_end = year_back(start), year_back(end)
        last_year = _span(f"{ly_start}..{ly_end}", ly_start, ly_end)
        return ResolvedPeriod(current, previous, last_year)

    known = ", ".join(sorted(promotions)) or "none in the params"
    raise PeriodError(
        f"period {text!r} is not a month (2026-10), an ISO week (2026-W44), a range "
        f"(2026-10-01..2026-10-31) or a promotion named in the params ({known})"
    )


def today_shanghai() -> dt.date:
    """Today's date in Asia/Shanghai."""
    return dt.datetime.now(SHANGHAI).date()


def partial_reasons(
    period: Period,
    *,
    data_start: dt.date | None,
    data_end: dt.date | None,
    as_of: dt.date,
    attribution_days: int,
) -> list[str]:
    """Why a period's figures are incomplete; an empty list means the period is complete.

    Parameters
    ----------
    period
        The report period.
    data_start, data_end
        First and last day the shop's data covers (``None`` when there is no dated data).
    as_of
        The day the data was exported (the latest export time stated in the ad files, else today).
    attribution_days
        The attribution window (转化周期) in days: orders keep accruing to a click for this long, so
        a period that ended less than one window before ``as_of`` is still accruing.
    """
    reasons = []
    if data_start is None or data_end is None:
        reasons.append("no dated data")
        return reasons
    if data_start > period.start or data_end < period.end:
        reasons.append(
            f"data covers {data_start}..{data_end}, the period is {period.start}..{period.end}"
        )
    settled = period.end + dt.timedelta(days=max(attribution_days, 0))
    if as_of <= settled:
        reasons.append(
            f"the period ended less than one attribution window ({attribution_days} days) "
            f"before the export on {as_of}: attributed orders are still accruing"
        )
    return reasons


def latest_full_month(data_end: dt.date) -> str:
    """The last calendar month that ``data_end`` fully covers, as ``YYYY-MM``."""
    if data_end == _month_end(data_end.year, data_end.month):
        return f"{data_end.year:04d}-{data_end.month:02d}"
    first = data_end.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def next_period(period: Period) -> Period:
    """The period a budget is planned for: the next calendar month after a month, otherwise as
    many days as ``period`` starting the day after it ends."""
    start = period.end + dt.timedelta(days=1)
    if period.kind == "month":
        end = _month_end(start.year, start.month)
        return Period(f"{start.year:04d}-{start.month:02d}", "month", start, end)
    end = start + dt.timedelta(days=period.days - 1)
    return _span(f"{start}..{end}", start, end)


# --------------------------------------------------------------------------------------------
# Promotion context: which promotion phases a period overlaps, and when verdicts may be made

SEGMENTS = ("ordinary", *PHASES)
"""日常 (days outside every promotion phase) and the phases, in display order."""


@dataclass(frozen=True)
class PhaseSpan:
    """The days of one promotion phase inside a period (clipped to the period)."""

    promotion: str
    label: str
    phase: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class PromotionContext:
    """How a report period sits against the shop's promotions (``ShopParams.promotions``).

    ``spans``: the phases the period overlaps, clipped to it, in date order. ``hold_until``: the
    day after which a cut or pause may be judged (the overlapped promotion's peak end + the
    attribution window: its last attributed orders), or ``None`` when verdicts may be made now. A verdict is held
    when the period holds 预热 or 爆发 days but not the whole 爆发 (the orders of 预热 carts land
    in the peak), or when the peak's attribution window had not closed by the export (``as_of``).
    ``promotion`` names the promotion whose judgement is pending (for ``--period``), and
    ``promotion_end`` its last day (返场, else 爆发): a promotion's own campaigns stop after it.
    """

    spans: tuple[PhaseSpan, ...] = ()
    hold_until: dt.date | None = None
    promotion: str | None = None
    promotion_end: dt.date | None = None

    @property
    def is_promotion(self) -> bool:
        return bool(self.spans)

    def days(self, phase: str) -> int:
        """Days of the period in ``phase`` (``warmup``, ``peak`` or ``encore``)."""
        return sum(s.days for s in self.spans if s.phase == phase)

    @property
    def labels(self) -> list[str]:
        """The overlapped promotions' labels, once each, in date order."""
        return list(dict.fromkeys(s.label for s in self.spans))


JD_PROMOTIONS_EN = {"1111": "Double 11", "618": "618", "1212": "Double 12", "38": "Women's Day"}
"""English names of JD's promotions, by the number a promotion window's name starts with."""

_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def promotion_label(name: str, promo: object, lang: str = "zh") -> str:
    """A promotion's name on a page: its ``label`` (else its window name) on Chinese pages; on
    English pages ``label_en``, else a ``label`` without Chinese, else the window's name with
    JD's promotion spelled out (``1111-2026`` → ``Double 11 2026``)."""
    label = getattr(promo, "label", None)
    if lang == "zh":
        return label or name
    if getattr(promo, "label_en", None):
        return promo.label_en  # type: ignore[attr-defined]
    if label and not _CJK.search(label):
        return label
    match = re.fullmatch(r"(\d{2,4})-(\d{4})", name)
    if match and match[1] in JD_PROMOTIONS_EN:
        return f"{JD_PROMOTIONS_EN[match[1]]} {match[2]}"
    return name


def phase_spans(
    period: Period, promotions: Mapping[str, object] | None, lang: str = "zh"
) -> list[PhaseSpan]:
    """The promotion phases ``period`` overlaps, clipped to it, in date order (labels in
    ``lang``, :func:`promotion_label`)."""
    out = []
    for name, promo in (promotions or {}).items():
        for phase in PHASES:
            p = getattr(promo, phase, None)
            if p is None or p.end < period.start or p.start > period.end:
                continue
            out.append(
                PhaseSpan(name, promotion_label(name, promo, lang), phase,
                          max(p.start, period.start), min(p.end, period.end))
            )  # fmt: skip
    return sorted(out, key=lambda s: s.start)


def segments(
    period: Period, promotions: Mapping[str, object] | None
) -> list[tuple[str, dt.date, dt.date]]:
    """The period cut into runs of days of one segment (:data:`SEGMENTS`), in date order:
    ``(segment, first day, last day)``; days in no phase are ``ordinary`` (日常)."""
    by_day: dict[dt.date, str] = {}
    for s in phase_spans(period, promotions):
        for i in range(s.days):
            by_day.setdefault(s.start + dt.timedelta(days=i), s.phase)
    out: list[tuple[str, dt.date, dt.date]] = []
    for day in period.dates():
        seg = by_day.get(day, "ordinary")
        if out and out[-1][0] == seg and out[-1][2] == day - dt.timedelta(days=1):
            out[-1] = (seg, out[-1][1], day)
        else:
            out.append((seg, day, day))
    return out


def promotion_context(
    period: Period,
    promotions: Mapping[str, object] | None,
    *,
    attribution_days: int,
    as_of: dt.date,
    lang: str = "zh",
) -> PromotionContext:
    """:class:`PromotionContext` of ``period`` (see there for the hold rule; labels in
    ``lang``)."""
    spans = tuple(phase_spans(period, promotions, lang))
    hold: dt.date | None = None
    pending: str | None = None
    for name in dict.fromkeys(s.promotion for s in spans):
        promo = promotions[name]  # type: ignore[index]
        phases = {s.phase for s in spans if s.promotion == name}
        if not phases & {"warmup", "peak"}:
            continue  # 返场 only: the peak is over, nothing waits on it
        closes = promo.peak.end + dt.timedelta(days=max(attribution_days, 0))
        whole_peak = promo.peak.start >= period.start and promo.peak.end <= period.end
        if not whole_peak or as_of <= closes:
            if hold is None or closes > hold:
                hold, pending = closes, name
    end = promotions[pending].end if pending is not None else None  # type: ignore[index]
    return PromotionContext(spans, hold, pending, end)


def crosses_boundary(resolved: ResolvedPeriod, promotions: Mapping[str, object] | None) -> bool:
    """Whether 环比 compares across a promotion boundary: the period and its previous period
    (``resolved.previous``) do not overlap the same promotion phases — one holds 预热/爆发/返场
    days and the other none, or they hold different phases (预热 against 爆发). Then 同比 is the
    fairer comparison. ``False`` when there is no previous period."""
    if resolved.previous is None:
        return False
    now = {s.phase for s in phase_spans(resolved.current, promotions)}
    before = {s.phase for s in phase_spans(resolved.previous, promotions)}
    return now != before
