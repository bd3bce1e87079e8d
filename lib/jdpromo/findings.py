"""Findings: one record for every verdict the reports make, and the one ranking.

Each analysis module returns its own findings next to the rule that makes them
(:func:`jdpromo.channels.change_findings`, :func:`jdpromo.channels.diagnostic_findings`,
:func:`jdpromo.keywords.findings`, :func:`jdpromo.users.layer_findings`,
:func:`jdpromo.health.findings`, :func:`jdpromo.recap.target_findings`); this module ranks them
and renders them, so the recap and the detail pages show the same objects.

Direction
---------
``worse``        a missed target, a deterioration beyond day-to-day variation, a loss below 保本ROI
``risk``         a problem that is not yet certain or not yet to be acted on (a promotion still
                 accruing, customers drifting away, incomplete data)
``opportunity``  money left on the table (a landing page, a creative, a benchmark gap)
``better``       an improvement or a met target; summed up in one line, never shown as a problem

Money at stake
--------------
Always a profit effect at the shop's contribution margin, or spend; never revenue, never carts
valued at GMV. ``money_basis`` names it (:data:`MONEY_BASES`).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from jdpromo.params import Thresholds
from jdpromo.text import t

DIRECTIONS = ("worse", "risk", "opportunity", "better")
PROBLEMS = ("worse", "risk")
SEVERITIES = ("high", "medium", "low")
MONEY_BASES = (
    "profit_lost",  # profit lost: cost − revenue × margin, or a fall of revenue × margin
    "profit_missed",  # profit a reference level (other lines, benchmark, target) would have made
    "profit_at_risk",  # profit that depends on a verdict still pending (promotion, win-back)
    "promotion_investment",  # promotion days' spend not yet paid back (cost − revenue × margin)
    # by their own orders: a warm-up buys carts for the peak; held until the promotion settles
    "profit_gained",  # an improvement's profit effect (better)
    "spend_wasted",  # spend that bought nothing worth its cost
    "extra_cost",  # spend above target or a rise of a cost per unit × units
    "cost_saved",  # a fall of a cost per unit × units (better)
    "observed_return_spend",  # a layer's observed return spend × uplift × margin
    "none",  # no money: a rate, a count or a data problem
)
COLUMNS = [
    "area", "kind", "subject", "direction", "severity", "title", "metric", "value", "baseline",
    "baseline_kind", "test", "n", "q", "money_at_stake", "money_basis", "action", "evidence",
    "method", "short",
]  # fmt: skip
"""Columns of ``tables/findings.csv``, in order (ranked rows)."""


@dataclass(frozen=True)
class Finding:
    """One verdict.

    ``title`` is the finding in plain words, ``evidence`` why it is believed (plain words),
    ``method`` the test, n and q for the folded method note, ``action`` what to do, ``short``
    a few words for the recap's headline sentence. ``value``/``baseline`` are the metric and
    what it is compared with (``baseline_kind``: ``previous``, ``last_year``, ``target``,
    ``breakeven``, ``benchmark``, ``rest_of_account``, ``rest_of_campaign``, ``layer_history``).
    """

    area: str
    kind: str
    subject: str
    direction: str
    title: str
    action: str = ""
    evidence: str = ""
    method: str = ""
    short: str = ""
    metric: str = ""
    value: float = math.nan
    baseline: float = math.nan
    baseline_kind: str = ""
    test: str = ""
    n: float = math.nan
    q: float = math.nan
    money_at_stake: float = math.nan
    money_basis: str = "none"
    severity: str = "medium"

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction {self.direction!r} is not one of {DIRECTIONS}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity {self.severity!r} is not one of {SEVERITIES}")
        if self.money_basis not in MONEY_BASES:
            raise ValueError(f"money_basis {self.money_basis!r} is not one of {MONEY_BASES}")

    @property
    def is_problem(self) -> bool:
        return self.direction in PROBLEMS


def severity(money: float, min_money: float, *, high_factor: float = 10.0) -> str:
    """``high`` when the money at stake is at least ``high_factor`` × ``min_money``, ``medium``
    when at least ``min_money``, else ``low`` (also without money)."""
    if money is None or not np.isfinite(money):
        return "low"
    if money >= high_factor * min_money:
        return "high"
    return "medium" if money >= min_money else "low"


def plain_evidence(q: float, alpha: float, lang: str = "zh", kind: str = "change") -> str:
    """How sure a tested difference is, in words a manager reads (the test itself goes to the
    method note): clear (q < alpha / 5), likely real (q < alpha), or possibly chance.
    ``kind``: ``change`` (over time, against day-to-day variation) or ``gap`` (against a
    reference: other lines, the rest of a campaign, a benchmark)."""
    if q is None or not np.isfinite(q):
        return t("fd_sure_untested", lang)
    level = "clear" if q < alpha / 5 else ("likely" if q < alpha else "noise")
    return t(f"fd_sure_{level}" if kind == "change" else f"fd_gap_{level}", lang)


def action_text(key: str, lang: str = "zh", **fields: object) -> str:
    """An action text without its own lead ("建议：" / "Action:"): the lists add one."""
    text = t(key, lang, **fields)
    label = t("fd_action", lang).strip()
    return text[len(label) :].lstrip() if text.startswith(label) else text


LEAD_KINDS = ("warmup_cost_per_cart",)
"""Kinds that judge a promotion phase on its own yardstick (:func:`jdpromo.channels.warmup_findings`:
a warm-up's cost per cart and presale against last year's): in a period that has one, it is
what the period is about, so it leads the headline and the improvements, good news or bad."""


def _leads(f: Finding) -> bool:
    return f.kind in LEAD_KINDS


FLAT_TOLERANCE = Thresholds.model_fields["min_relative_change"].default
"""Default relative change (0.10) below which a phase's yardstick counts as unchanged
(:func:`is_flat`): the shop's ``thresholds.min_relative_change``."""


def is_flat(f: Finding, tolerance: float = FLAT_TOLERANCE) -> bool:
    """Whether ``f`` is a phase's own yardstick (:data:`LEAD_KINDS`) marked ``better`` only
    because it did not get worse: its value within ``tolerance`` (relative) of its baseline,
    |value ÷ baseline − 1| < tolerance (12.31 against 12.32 元 a cart is flat). Such a finding
    still leads the headline (it is what the period is about) but is no good news.

    >>> w = Finding("channels", "warmup_cost_per_cart", "x", "better", "t", value=12.31,
    ...             baseline=12.32)
    >>> is_flat(w), is_flat(Finding("channels", "warmup_cost_per_cart", "x", "better", "t",
    ...                             value=9.0, baseline=12.0))
    (True, False)
    """
    if not _leads(f) or f.direction != "better":
        return False
    if not (np.isfinite(f.value) and np.isfinite(f.baseline)) or f.baseline == 0:
        return False
    return abs(f.value / f.baseline - 1) < tolerance


def _key(f: Finding) -> tuple:
    money = f.money_at_stake if np.isfinite(f.money_at_stake) else -math.inf
    return (DIRECTIONS.index(f.direction), SEVERITIES.index(f.severity), -money)


def rank(findings: Iterable[Finding]) -> list[Finding]:
    """Problems first (``worse``, then ``risk``), then ``opportunity``, then ``better``; within
    a direction by severity, then by money at stake (most first; no money last)."""
    return sorted(findings, key=_key)


def to_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """The ranked findings as a table (:data:`COLUMNS`), ``tables/findings.csv``."""
    rows = [{c: asdict(f)[c] for c in COLUMNS} for f in rank(findings)]
    return pd.DataFrame(rows, columns=COLUMNS)


def top(findings: Iterable[Finding], limit: int = 5) -> list[Finding]:
    """The few findings the recap lists: at most ``limit`` problems and opportunities (never a
    ``better`` one), in rank order. Each area's first problem gets a place before any area's
    second, so the page is not five variants of one analysis; opportunities fill what is left."""
    ranked = [f for f in rank(findings) if f.direction != "better"]
    problems = [f for f in ranked if f.is_problem]
    firsts: list[Finding] = []
    seen: set[str] = set()
    for f in problems:
        if f.area not in seen:
            firsts.append(f)
            seen.add(f.area)
    chosen = firsts[:limit]
    for f in ranked:
        if len(chosen) >= limit:
            break
        if f not in chosen:
            chosen.append(f)
    return rank(chosen)


def improvements(findings: Iterable[Finding], tolerance: float = FLAT_TOLERANCE) -> list[Finding]:
    """The ``better`` findings, ranked; a phase's own yardstick (:data:`LEAD_KINDS`) first,
    unless it is flat (:func:`is_flat` with ``tolerance``): unchanged is not good news."""
    good = [f for f in rank(findings) if f.direction == "better" and not is_flat(f, tolerance)]
    return [f for f in good if _leads(f)] + [f for f in good if not _leads(f)]


def headline(
    findings: Iterable[Finding],
    lang: str = "zh",
    parts: int = 3,
    tolerance: float = FLAT_TOLERANCE,
) -> str:
    """One sentence that says what happened: the ``short`` of a promotion phase's own
    yardstick when there is one (:data:`LEAD_KINDS`, good, bad or flat: a warm-up month is
    about its warm-up), then the ``short`` phrases of the first problems, then how many things
    went well (:func:`improvements`). A finding without ``short`` (e.g. a change the promotion
    explains) never leads. Empty when there is nothing to say."""
    findings = list(findings)
    ranked = rank(findings)
    lead = [f.short for f in ranked if _leads(f) and f.short]
    bad = [f.short for f in ranked if f.is_problem and f.short and not _leads(f)]
    good = improvements(findings, tolerance)
    sep = "，" if lang == "zh" else "; "
    out = sep.join(dict.fromkeys([*lead, *bad][: max(parts, len(lead))]))
    if out:
        out = t("fd_headline_bad", lang, items=out)
    else:
        out = t("fd_headline_no_problem", lang)
    if good:
        out += t("fd_headline_good", lang, n=len(good))
    return out


# --------------------------------------------------------------------------------------------
# HTML: the same blocks on the recap and on the detail pages

CSS = """
<style>
ol.fd-list, ul.fd-list { padding-left: 22px; margin: 6px 0; }
.fd-list li { margin: 0 0 10px 0; line-height: 1.55; overflow-wrap: anywhere; }
.fd-tag { display: inline-block; font-size: 12px; padding: 0 6px; border-radius: 3px;
  margin-right: 4px; white-space: nowrap; }
.fd-worse { background: #fde8e8; color: #b4141f; } .fd-risk { background: #fff4e0; color: #8a5300; }
.fd-opportunity { background: #e8f1fd; color: #1f5fae; } .fd-better { background: #e6f4ea; color: #1a7f37; }
.fd-money { font-weight: 600; white-space: nowrap; }
.fd-ev, .fd-act { font-size: 13px; color: #444; }
.fd-list details { font-size: 12px; color: #777; margin-top: 2px; }
.fd-good { background: #f3faf5; border-left: 4px solid #1a7f37; padding: 6px 10px; margin: 8px 0;
  font-size: 13px; line-height: 1.6; }
.fd-headline { font-size: 16px; font-weight: 600; margin: 8px 0 4px 0; line-height: 1.6; }
@media (max-width: 600px) { .fd-money { white-space: normal; } }
</style>
"""


def money_text(f: Finding, lang: str = "zh") -> str:
    """``（约 1,234 元利润）`` style: the money at stake with its basis; empty without money."""
    if not np.isfinite(f.money_at_stake) or f.money_basis == "none":
        return ""
    return t(f"fd_money_{f.money_basis}", lang, money=float(f.money_at_stake))


def _item(f: Finding, lang: str) -> str:
    tag = f"<span class='fd-tag fd-{f.direction}'>{html.escape(t(f'fd_dir_{f.direction}', lang))}</span>"
    money = money_text(f, lang)
    money = f" <span class='fd-money'>{html.escape(money)}</span>" if money else ""
    parts = [f"{tag}{html.escape(f.title)}{money}"]
    if f.evidence:
        parts.append(
            f"<span class='fd-ev'>{html.escape(t('fd_evidence', lang))}{html.escape(f.evidence)}</span>"
        )
    if f.action:
        parts.append(
            f"<span class='fd-act'><b>{html.escape(t('fd_action', lang))}</b>{html.escape(f.action)}</span>"
        )
    out = "<br>".join(parts)
    if f.method:
        out += (
            f"<details><summary>{html.escape(t('fd_method', lang))}</summary>"
            f"{html.escape(f.method)}</details>"
        )
    return f"<li>{out}</li>"


def list_html(findings: Iterable[Finding], lang: str = "zh", *, numbered: bool = True) -> str:
    """Findings as a list: direction tag, title, money, evidence, action and a folded method
    note. Empty string when there are none."""
    items = [_item(f, lang) for f in findings]
    if not items:
        return ""
    tag = "ol" if numbered else "ul"
    return f"{CSS}<div class='jd-report'><{tag} class='fd-list'>{''.join(items)}</{tag}></div>"


def good_html(
    findings: Iterable[Finding],
    lang: str = "zh",
    limit: int | None = None,
    tolerance: float = FLAT_TOLERANCE,
) -> str:
    """The improvements (:func:`improvements`) in one line ("做得好的：…"), every one of them
    unless ``limit`` is given (the headline counts them all: "做得好的有 13 项（见下方）" must
    find 13 below); empty when there are none."""
    good = improvements(findings, tolerance)
    if not good:
        return ""
    sep = "；" if lang == "zh" else "; "
    names = sep.join(f.short or f.title for f in good[:limit])
    more = t("fd_good_more", lang, n=len(good) - limit) if limit and len(good) > limit else ""
    text = t("fd_good_line", lang, items=names, more=more)
    return f"{CSS}<div class='jd-report fd-good'>{html.escape(text)}</div>"


def headline_html(
    findings: Iterable[Finding], lang: str = "zh", tolerance: float = FLAT_TOLERANCE
) -> str:
    """:func:`headline` as the recap's first line."""
    text = headline(findings, lang, tolerance=tolerance)
    return f"{CSS}<div class='jd-report fd-headline'>{html.escape(text)}</div>" if text else ""
