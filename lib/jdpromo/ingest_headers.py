"""Header recognition and title-line metadata of JD exports (part of :mod:`jdpromo.ingest`).

A header row is recognised through the alias lists of :mod:`jdpromo.contract`; title lines above
it may state the attribution window (转化周期), the export time (导出时间), the product line
(京东快车 …) and the period of the report.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from jdpromo.contract import ATTRIBUTION_HEADERS, IGNORED_RATIOS, KNOWN_PRODUCT_LINES, TABLES, Table

_SPACE = re.compile(r"[\s\ufeff\u200b\u200c\u200d\u2060]+")
_UNIT = re.compile(r"\([^()]{1,8}\)$")


def normalize_header(cell: object) -> str:
    """Normalise a header cell for matching: NFKC, no whitespace/BOM, case-folded.

    Full-width brackets and colons become ASCII (NFKC), so ``花费（元）`` and ``花费(元)`` compare
    equal; the unit is removed separately by :func:`strip_unit`.
    """
    if cell is None:
        return ""
    text = unicodedata.normalize("NFKC", str(cell))
    return _SPACE.sub("", text).casefold()


def strip_unit(norm: str) -> str:
    """Remove a trailing unit in brackets: ``花费(元)`` → ``花费``, ``点击率(%)`` → ``点击率``."""
    return _UNIT.sub("", norm)


def _alias_index(table: Table) -> dict[str, str]:
    index: dict[str, str] = {}
    for col in table.columns:
        for alias in (col.name, *col.aliases):
            index.setdefault(normalize_header(alias), col.name)
    return index


ALIASES: dict[str, dict[str, str]] = {name: _alias_index(t) for name, t in TABLES.items()}
RATIOS = frozenset(normalize_header(r) for r in IGNORED_RATIOS)
ATTRIBUTION = frozenset(normalize_header(a) for a in ATTRIBUTION_HEADERS)


def _lookup(index: dict[str, str] | frozenset[str], norm: str) -> str | bool | None:
    if isinstance(index, frozenset):
        return norm in index or strip_unit(norm) in index
    return index.get(norm) or index.get(strip_unit(norm))


@dataclass
class HeaderMatch:
    """How the cells of a header row map onto one canonical table.

    Attributes
    ----------
    table
        The recognised table.
    columns
        Position of the cell in the row → canonical column name.
    ratios
        Positions of ratio columns (点击率, ROI …) that are recognised and dropped.
    attribution
        Position of a 转化周期 column, if any.
    unknown
        Positions of non-empty cells matching nothing (ignored, listed in warnings).
    duplicates
        Positions of cells naming a canonical column that an earlier cell already feeds.
    """

    table: Table
    columns: dict[int, str]
    ratios: list[int] = field(default_factory=list)
    attribution: int | None = None
    unknown: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    partial: bool = False


def match_header(cells: list[str], *, partial: bool = False) -> HeaderMatch | None:
    """Match one row of cells against every table's signature.

    A row is a header of table T when every column of ``T.signature`` is found among its cells.
    When several tables match, the one feeding the most canonical columns wins (a 快车 keyword
    report also matches the campaign report, but 关键词 feeds one more column), then the one with
    the longer signature.

    With ``partial=True`` a row missing exactly one signature column also matches when it feeds
    at least 3 canonical columns: the file is then recognised, and reading it reports the missing
    column instead of calling the file unknown.
    """
    norms = [normalize_header(c) for c in cells]
    best: tuple[tuple[int, int, int], HeaderMatch] | None = None
    for order, (name, table) in enumerate(TABLES.items()):
        index = ALIASES[name]
        columns: dict[int, str] = {}
        seen: set[str] = set()
        duplicates: list[int] = []
        for pos, norm in enumerate(norms):
            if not norm:
                continue
            col = _lookup(index, norm)
            if isinstance(col, str):
                if col in seen:
                    duplicates.append(pos)
                else:
                    columns[pos] = col
                    seen.add(col)
        missing = sum(sig not in seen for sig in table.signature)
        if missing and not (partial and missing == 1 and len(seen) >= 3):
            continue
        score = (len(seen), len(table.signature), -order)
        if best is None or score > best[0]:
            best = (
                score,
                HeaderMatch(table, columns, duplicates=duplicates, partial=bool(missing)),
            )
    if best is None:
        return None
    match = best[1]
    for pos, norm in enumerate(norms):
        if not norm or pos in match.columns or pos in match.duplicates:
            continue
        if _lookup(RATIOS, norm):
            match.ratios.append(pos)
        elif _lookup(ATTRIBUTION, norm) and match.attribution is None:
            match.attribution = pos
        else:
            match.unknown.append(pos)
    return match


def detect_table(headers: list[str]) -> str | None:
    """Name of the canonical table whose export has these headers, or ``None``.

    Parameters
    ----------
    headers
        The cells of a header row as exported (units such as ``(元)`` and spaces are ignored).

    Examples
    --------
    >>> detect_table(["日期", "推广计划", "展现数", "点击数", "花费(元)", "总订单行", "总订单金额"])
    'ad_daily'
    >>> detect_table(["订单号", "下单帐号", "下单时间", "订单金额", "订单状态"])
    'orders'
    >>> detect_table(["商品名称", "评价内容"]) is None
    True
    """
    match = match_header([str(h) for h in headers])
    return match.table.name if match else None


# --------------------------------------------------------------------------------------------
# Title lines

_DAYS = r"(当天|当日|\d{1,3})\s*(?:天|日)?"
_BASIS = r"(?:\s*[(（]?\s*(?:按)?\s*(点击|下单|订单)\s*[)）]?)?"
_ATTR_TITLE = re.compile(r"(?:转化周期|归因周期|订单转化周期)\s*[:：]?\s*" + _DAYS + _BASIS)
_ATTR_VALUE = re.compile(r"^\s*" + _DAYS + _BASIS + r"\s*$")
_EXPORT = re.compile(
    r"(?:导出时间|下载时间|生成时间|导出日期)\s*[:：]?\s*"
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_DATE = r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{8}"
_PERIOD = re.compile(rf"({_DATE})\s*(?:~|～|至|到|--|—+)\s*({_DATE})")
_LINE_LABEL = re.compile(r"(?:推广产品|产品线|推广类型|广告产品|业务线)\s*[:：]\s*([^\s,，;；|]+)")
# Title words → product line as 京准通 names it (longest first; "京东快车" and "快车" are one line).
_LINE_WORDS = sorted(
    [(f"京东{line}", line) for line in KNOWN_PRODUCT_LINES if not line.startswith("京")]
    + [(line, line) for line in KNOWN_PRODUCT_LINES],
    key=lambda pair: -len(pair[0]),
)


def parse_attribution(text: str, *, value: bool = False) -> tuple[int, str | None] | None:
    """Read an attribution window from a title line or a 转化周期 cell.

    Returns ``(days, basis)`` with days 0 for 当天 and basis ``"click"`` (点击), ``"order"``
    (下单/订单) or ``None`` when not stated; ``None`` when the text states no window.

    Examples
    --------
    >>> parse_attribution("转化周期：15天（点击）")
    (15, 'click')
    >>> parse_attribution("转化周期: 当天")
    (0, None)
    >>> parse_attribution("7天(下单)", value=True)
    (7, 'order')
    """
    m = (_ATTR_VALUE.match if value else _ATTR_TITLE.search)(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    days = 0 if m.group(1) in ("当天", "当日") else int(m.group(1))
    basis = {"点击": "click", "下单": "order", "订单": "order"}.get(m.group(2) or "")
    return days, basis


def _to_date(text: str) -> dt.date:
    digits = re.findall(r"\d+", text)
    if len(digits) == 1:
        d = digits[0]
        return dt.date(int(d[:4]), int(d[4:6]), int(d[6:8]))
    return dt.date(int(digits[0]), int(digits[1]), int(digits[2]))


@dataclass
class TitleInfo:
    """What title lines above the header state (each ``None`` when not stated)."""

    attribution_days: int | None = None
    attribution_basis: str | None = None
    export_time: dt.datetime | None = None
    product_line: str | None = None
    period: tuple[dt.date, dt.date] | None = None
    lines: list[str] = field(default_factory=list)


def parse_title(rows: list[list[str]]) -> TitleInfo:
    """Read attribution window, export time, product line and period from title rows.

    Parameters
    ----------
    rows
        The rows above the header, as cells.
    """
    info = TitleInfo()
    for cells in rows:
        line = " ".join(str(c).strip() for c in cells if c is not None and str(c).strip())
        if not line:
            continue
        info.lines.append(line)
        norm = unicodedata.normalize("NFKC", line)
        attr = parse_attribution(norm)
        if attr and info.attribution_days is None:
            info.attribution_days, info.attribution_basis = attr
        m = _EXPORT.search(norm)
        if m and info.export_time is None:
            y, mo, d, hh, mm, ss = (int(g) if g else 0 for g in m.groups())
            try:
                info.export_time = dt.datetime(y, mo, d, hh, mm, ss)
            except ValueError:
                pass
        rest = _EXPORT.sub("", norm)
        m = _PERIOD.search(rest)
        if m and info.period is None:
            try:
                info.period = (_to_date(m.group(1)), _to_date(m.group(2)))
            except ValueError:
                pass
        if info.product_line is None:
            m = _LINE_LABEL.search(norm)
            if m:
                info.product_line = m.group(1)
            else:
                hits = [(norm.find(word), -len(word), line_) for word, line_ in _LINE_WORDS]
                hits = [h for h in hits if h[0] >= 0]
                if hits:
                    info.product_line = min(hits)[2]
    return info
