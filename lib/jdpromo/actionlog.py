"""The action log (动作记录): what each run proposed, and what became of it next period.

Recording
---------
The analysis notebooks turn what they already propose into action records
(:func:`from_keyword_review`: negatives, keyword pauses and bid changes; :func:`from_verdicts`:
campaign pauses and cuts; :func:`from_budget_plan`: next period's budget per line;
:func:`from_audiences`: the audience lists) and :func:`save` writes them into the run folder as
``actions/<notebook>.json``. When the run succeeds, :func:`append_run` appends them to the
shop's log ``OUT/SHOP/actions.jsonl`` (append-only, one JSON object a line): per notebook a
``run`` header (run id, period, notebook, count, created) followed by its ``action`` records.
A failed run appends nothing.

Re-running a period
-------------------
Nothing is ever rewritten: :func:`read_log` keeps, per period and notebook, the records of the
latest run that ran that notebook (by its header's ``created`` time), so re-running a period
replaces that period's actions logically, and a run of a subset of notebooks leaves the other
notebooks' actions in place.

Was it applied? (:func:`assess`, on the current period's data; thresholds ``params.actions``)
-------------------------------------------------------------------------------------------
- ``negate_term``: the search term (or, for a phrase negative, any term containing the word)
  got no clicks in its campaign/unit this period;
- ``pause_keyword`` / ``pause_campaign``: no spend this period;
- ``bid_change``: where the keyword export states the bid (出价), its bid on the period's last
  day moved from the bid the proposal started from, the proposed way, by at least
  ``min_cpc_move``; otherwise, and for ``cut_campaign``, CPC moved the proposed way by at least
  ``min_cpc_move`` (no clicks this period: ``unclear``) — except in a period holding promotion
  days, when CPC moves with the promotion whatever the bid (``unclear``);
- ``budget_line``: the line's spend is within ± ``budget_band`` of the planned budget (only for
  the period the plan was made for);
- ``audience``: the exports do not show uploads, so ``unclear``.

What changed: spend saved by a removal applied = the subject's spend last period scaled to this
period's days − its spend this period; ROI before/after of the scope (the unit for keyword
actions, the line for a paused campaign, the subject itself otherwise). A before/after comparison
is not a controlled test: season, promotions and other changes move the numbers too.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from filelock import FileLock

from jdpromo.metrics import ratio
from jdpromo.periods import Period, phase_spans
from jdpromo.text import t

LOG_NAME = "actions.jsonl"
FOLDER = "actions"
KINDS = ("negate_term", "pause_keyword", "bid_change", "pause_campaign", "cut_campaign",
         "budget_line", "audience")  # fmt: skip
REMOVALS = ("negate_term", "pause_keyword", "pause_campaign")
STATUSES = ("applied", "not_applied", "unclear")
ASSESS_COLUMNS = [
    "kind", "subject", "proposed", "status", "reason", "before_cost", "after_cost",
    "before_roi", "after_roi", "scope", "spend_saved",
]  # fmt: skip


def _num(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _evidence(row: Any) -> dict[str, float | None]:
    get = row.get if hasattr(row, "get") else lambda k, d=None: getattr(row, k, d)
    return {
        k: _num(get(k, None)) for k in ("cost", "clicks", "order_lines", "revenue", "cpc", "roi")
    }


def _rec(kind: str, subject: dict, proposed: dict, evidence: dict) -> dict:
    return {"kind": kind, "subject": {k: (None if v is None or (isinstance(v, float) and
            math.isnan(v)) else str(v)) for k, v in subject.items()},
            "proposed": proposed, "evidence": evidence}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Producers: what the analyses already propose, as records


def from_keyword_review(rv, hold_until: dt.date | None = None) -> list[dict]:
    """Negatives (within the per-unit limit), keyword pauses and bid-downs
    (:func:`jdpromo.keywords.keyword_pauses`) and bid changes (raise/lower, capped or not) of
    keywords not paused, from a :class:`jdpromo.keywords.KeywordReview`. ``hold_until``: the
    day after which they are to be applied (a promotion pending), recorded as ``after``."""
    from jdpromo.keywords import proposed_negatives

    after = hold_until.isoformat() if hold_until else None
    out = []
    for r in proposed_negatives(rv.negatives).to_dict("records"):
        word = r.get("irrelevant_word")
        phrase = isinstance(word, str) and word.strip() != ""
        out.append(_rec("negate_term",
                        {"campaign": r["campaign"], "unit": r["unit"], "search_term": r["search_term"]},
                        {"negative_word": word if phrase else r["search_term"],
                         "match": "phrase" if phrase else "exact", "after": after},
                        _evidence(r)))  # fmt: skip
    paused = set()
    for r in rv.pauses.to_dict("records"):
        paused.add((r["campaign"], r["unit"], r["keyword"]))
        subject = {"campaign": r["campaign"], "unit": r["unit"], "keyword": r["keyword"]}
        if r["action"] == "pause":
            out.append(_rec("pause_keyword", subject, {"after": after}, _evidence(r)))
        else:
            change = ratio(r["new_bid"] - r["current_bid"], r["current_bid"])
            out.append(_rec("bid_change", subject, {"bid": _num(r["new_bid"]),
                            "current_bid": _num(r["current_bid"]), "change": _num(change),
                            "after": after}, _evidence(r)))  # fmt: skip
    moves = rv.bids[rv.bids["reason"].isin(["raise", "lower", "raise_capped", "lower_capped"])]
    for r in moves.to_dict("records"):
        if (r["campaign"], r["unit"], r["keyword"]) in paused:
            continue
        subject = {"campaign": r["campaign"], "unit": r["unit"], "keyword": r["keyword"]}
        out.append(_rec("bid_change", subject, {"bid": _num(r["new_bid"]),
                        "current_bid": _num(r["current_bid"]), "change": _num(r["bid_change"]),
                        "after": after if r["bid_change"] < 0 else None}, _evidence(r)))  # fmt: skip
    return out


def from_verdicts(verdicts: pd.DataFrame) -> list[dict]:
    """Campaigns (计划) to pause or cut (:func:`jdpromo.channels.campaign_verdicts`)."""
    out = []
    for r in verdicts[verdicts["verdict"].isin(["pause", "cut"])].to_dict("records"):
        ev = _evidence(r)
        ev["cpc"] = _num(ratio(r["cost"], r["clicks"]))
        subject = {"line": r["line"], "campaign": r["campaign"]}
        if r["verdict"] == "pause":
            out.append(_rec("pause_campaign", subject, {"reason": r["reason"]}, ev))
        else:
            out.append(_rec("cut_campaign", subject, {"change": _num(r["bid_change"])}, ev))
    return out


def from_budget_plan(plan: pd.DataFrame, period_next: Period) -> list[dict]:
    """Next period's budget per line (:func:`jdpromo.channels.budget_plan`)."""
    return [
        _rec("budget_line", {"line": r["channel"]},
             {"budget": _num(r["budget"]), "period": period_next.label,
              "start": period_next.start.isoformat(), "end": period_next.end.isoformat()},
             {"cost": _num(r["base"]), "roi": _num(r[plan.attrs.get("roi_column", "roi_90d")])})
        for r in plan.to_dict("records")
    ]  # fmt: skip


def from_audiences(sheets: dict[str, pd.DataFrame]) -> list[dict]:
    """One record per audience list to upload (:func:`jdpromo.users.audience_lists`): the
    layer and its number of customers (never the ids); a layer's upload sheet is the same list,
    and a layer without one (free channels only) proposes no upload."""
    from jdpromo.users import UPLOAD_SUFFIX

    return [_rec("audience", {"layer": layer}, {"customers": int(len(frame))}, {})
            for layer, frame in sheets.items()
            if len(frame) and layer + UPLOAD_SUFFIX in sheets]  # fmt: skip


def save(output_dir: str | Path | None, notebook: str, actions: list[dict]) -> None:
    """Write ``output_dir/actions/<notebook>.json`` (the run appends it to the log when it
    succeeds); nothing without an output folder (interactive use). Returns nothing, so a
    notebook cell ending in it shows no path."""
    if not output_dir:
        return
    folder = Path(output_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{notebook}.json"
    path.write_text(json.dumps(actions, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------
# The log


def append_run(shop_dir: Path, run_folder: Path, run_id: str, period: Period) -> int:
    """Append the actions in ``run_folder/actions/*.json`` to ``shop_dir/actions.jsonl`` under a
    file lock: per notebook a ``run`` header, then its ``action`` records. Returns the number
    of actions appended."""
    files = sorted((run_folder / FOLDER).glob("*.json"))
    if not files:
        return 0
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    base = {"run_id": run_id, "period": period.label, "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(), "created": created}  # fmt: skip
    lines, count = [], 0
    for path in files:
        actions = json.loads(path.read_text(encoding="utf-8"))
        lines.append({"record": "run", **base, "notebook": path.stem, "count": len(actions)})
        lines += [{"record": "action", **base, "notebook": path.stem, **a} for a in actions]
        count += len(actions)
    with FileLock(str(shop_dir / f".{LOG_NAME}.lock")):
        with open(shop_dir / LOG_NAME, "a", encoding="utf-8") as fh:
            for rec in lines:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return count


def read_log(path: Path, period: str) -> list[dict]:
    """The actions recorded for ``period`` (a period label): per notebook those of the latest
    run that ran it. Empty when the log does not exist."""
    if not path.is_file():
        return []
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
               if line.strip()]  # fmt: skip
    latest: dict[str, tuple[str, str]] = {}
    for r in records:
        if r.get("record") == "run" and r.get("period") == period:
            key = (r["created"], r["run_id"])
            if r["notebook"] not in latest or key >= latest[r["notebook"]]:
                latest[r["notebook"]] = key
    return [r for r in records if r.get("record") == "action" and r.get("period") == period
            and latest.get(r["notebook"], (None, None))[1] == r["run_id"]]  # fmt: skip


# --------------------------------------------------------------------------------------------
# Assessment


def _in(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["date", "cost", "clicks", "revenue"])
    d = pd.to_datetime(frame["date"])
    return frame[(d >= pd.Timestamp(period.start)) & (d <= pd.Timestamp(period.end))]


def _sums(rows: pd.DataFrame) -> tuple[float, float, float]:
    """(cost, clicks, revenue) of ``rows``."""
    return tuple(float(pd.to_numeric(rows[c], errors="coerce").sum()) if c in rows else 0.0
                 for c in ("cost", "clicks", "revenue"))  # fmt: skip


def _match(rows: pd.DataFrame, **keys: str | None) -> pd.DataFrame:
    mask = pd.Series(True, index=rows.index)
    for col, value in keys.items():
        if value is not None and col in rows:
            mask &= rows[col].astype("string") == value
    return rows[mask]


def _moved(before_cpc: float | None, after: tuple[float, float, float], change: float | None,
           min_move: float) -> tuple[str, str]:  # fmt: skip
    cost, clicks, _ = after
    if not clicks:
        return "unclear", "no_clicks"
    if before_cpc is None or change is None or change == 0:
        return "unclear", "no_reference"
    move = cost / clicks / before_cpc - 1
    if np.sign(move) == np.sign(change) and abs(move) >= min_move:
        return "applied", "cpc_moved"
    return "not_applied", "cpc_not_moved"


def _latest_bid(rows: pd.DataFrame) -> float | None:
    """The keyword's bid on the last day of ``rows`` that states one (出价 in the export)."""
    if "bid" not in rows or "date" not in rows:
        return None
    bids = pd.to_numeric(rows["bid"], errors="coerce")
    stated = rows.assign(_bid=bids).dropna(subset=["_bid"])
    if stated.empty:
        return None
    return float(stated.sort_values("date", kind="stable")["_bid"].iloc[-1])


def _bid_moved(before: float, bid: float, change: float | None, min_move: float) -> tuple:
    """Applied when the stated bid moved from ``before`` the proposed way by ``min_move``."""
    if not change:
        return "unclear", "no_reference"
    move = bid / before - 1
    if np.sign(move) == np.sign(change) and abs(move) >= min_move:
        return "applied", "bid_moved"
    return "not_applied", "bid_not_moved"


def _scoped(frame: pd.DataFrame, current: Period, previous: Period | None, **keys):
    """(rows this period, rows last period or None) of ``frame`` matching ``keys``."""
    now = _match(_in(frame, current), **keys)
    return now, (_match(_in(frame, previous), **keys) if previous is not None else None)


def _line_col(ad: pd.DataFrame) -> str:
    return "product_line" if "product_line" in ad else "line"


def _negation(a: dict, t_: dict, cur: Period, prev: Period | None, out: dict) -> tuple:
    s, p = a["subject"], a.get("proposed", {})
    rows = _match(_in(t_["terms"], cur), campaign=s.get("campaign"), unit=s.get("unit"))
    text = (
        rows["search_term"].astype("string") if "search_term" in rows else pd.Series(dtype="string")
    )
    if p.get("match") == "phrase":
        word = p.get("negative_word") or s.get("search_term")
        hit = rows[text.str.contains(word, regex=False).fillna(False)]
    else:
        hit = rows[text == s.get("search_term")]
    after = _sums(hit)
    out["after_cost"] = after[0]
    out["status"], out["reason"] = (
        ("applied", "no_clicks_after") if after[1] == 0 else ("not_applied", "still_clicked")
    )
    out["scope"] = "unit"
    return _scoped(t_["keywords"], cur, prev, campaign=s.get("campaign"), unit=s.get("unit"))


def _pause(a: dict, t_: dict, cur: Period, prev: Period | None, out: dict) -> tuple:
    s = a["subject"]
    if a["kind"] == "pause_keyword":
        keys = {"campaign": s.get("campaign"), "unit": s.get("unit")}
        rows = _match(_in(t_["keywords"], cur), keyword=s.get("keyword"), **keys)
        scope, frame = "unit", t_["keywords"]
    else:
        keys = {_line_col(t_["ad"]): s.get("line")}
        rows = _match(_in(t_["ad"], cur), campaign=s.get("campaign"), **keys)
        scope, frame = "line", t_["ad"]
    out["after_cost"] = _sums(rows)[0]
    out["status"], out["reason"] = (
        ("applied", "no_spend_after")
        if out["after_cost"] == 0
        else ("not_applied", "still_spending")
    )
    out["scope"] = scope
    return _scoped(frame, cur, prev, **keys)


def _bid(a: dict, t_: dict, cur: Period, prev: Period | None, out: dict, params) -> None:
    s, p, ev = a["subject"], a.get("proposed", {}), a.get("evidence", {})
    if a["kind"] == "bid_change":
        rows = _match(_in(t_["keywords"], cur), campaign=s.get("campaign"), unit=s.get("unit"),
                      keyword=s.get("keyword"))  # fmt: skip
    else:
        rows = _match(_in(t_["ad"], cur), campaign=s.get("campaign"),
                      **{_line_col(t_["ad"]): s.get("line")})  # fmt: skip
    after = _sums(rows)
    out["after_cost"] = after[0]
    bid = _latest_bid(rows)
    if bid is not None and p.get("current_bid"):  # the export states the bid: judge by it
        out["status"], out["reason"] = _bid_moved(p["current_bid"], bid, p.get("change"),
                                                  params.actions.min_cpc_move)  # fmt: skip
    elif phase_spans(cur, params.promotions):  # CPC moves with the promotion, not the bid
        out["status"], out["reason"] = "unclear", "cpc_in_promotion"
    else:
        out["status"], out["reason"] = _moved(ev.get("cpc"), after, p.get("change"),
                                              params.actions.min_cpc_move)  # fmt: skip
    out["before_roi"] = ratio(ev.get("revenue") or 0.0, ev.get("cost") or 0.0)
    out["after_roi"] = ratio(after[2], after[0])
    out["scope"] = "subject"


def _budget(a: dict, t_: dict, cur: Period, prev: Period | None, out: dict, params) -> None:
    s, p = a["subject"], a.get("proposed", {})
    if p.get("period") != cur.label:
        out["reason"] = "other_period"
        return
    now, before = _scoped(t_["ad"], cur, prev, **{_line_col(t_["ad"]): s.get("line")})
    now = _sums(now)
    before = _sums(before) if before is not None else (math.nan,) * 3
    share = ratio(now[0], p.get("budget") or 0.0)
    ok = np.isfinite(share) and abs(share - 1) <= params.actions.budget_band
    out["status"], out["reason"] = (
        ("applied", "within_band") if ok else ("not_applied", "outside_band")
    )
    out["before_cost"], out["after_cost"] = before[0], now[0]
    out["before_roi"], out["after_roi"] = ratio(before[2], before[0]), ratio(now[2], now[0])
    out["scope"] = "subject"


def _assess_one(a: dict, tables: dict, current: Period, previous: Period | None, params) -> dict:
    kind, ev = a["kind"], a.get("evidence", {})
    out = {"kind": kind, "status": "unclear", "reason": "", "scope": "", "spend_saved": math.nan,
           "before_cost": ev.get("cost"), "after_cost": math.nan, "before_roi": math.nan,
           "after_roi": math.nan}  # fmt: skip
    scope = None
    if kind == "negate_term":
        scope = _negation(a, tables, current, previous, out)
    elif kind in ("pause_keyword", "pause_campaign"):
        scope = _pause(a, tables, current, previous, out)
    elif kind in ("bid_change", "cut_campaign"):
        _bid(a, tables, current, previous, out, params)
    elif kind == "budget_line":
        _budget(a, tables, current, previous, out, params)
    else:  # audience: uploads do not show in the exports
        out["reason"] = "not_in_exports"
    if scope is not None:
        now, before = scope
        b = _sums(before) if before is not None else (math.nan,) * 3
        n = _sums(now)
        out["before_roi"], out["after_roi"] = ratio(b[2], b[0]), ratio(n[2], n[0])
    if kind in REMOVALS and out["status"] == "applied" and ev.get("cost") is not None:
        prev_days = previous.days if previous is not None else current.days
        out["spend_saved"] = ev["cost"] * current.days / prev_days - out["after_cost"]
    return out


def assess(actions: list[dict], dataset, current: Period, previous: Period | None, params,
           lang: str = "zh") -> pd.DataFrame:  # fmt: skip
    """Each logged action of the previous period judged on this period's data (module
    docstring): :data:`ASSESS_COLUMNS`, money in 元, ROI before (``previous``) and after
    (``current``) of the ``scope``. ``subject`` and ``proposed`` are text in ``lang``. Rows:
    applied, then cannot tell, then not applied; within each by last period's spend, most
    first."""
    from jdpromo.keywords import split_levels

    kwd = dataset.table("keyword_daily")
    words, terms = split_levels(kwd) if not kwd.empty else (kwd, kwd)
    tables = {"keywords": words, "terms": terms, "ad": dataset.table("ad_daily")}
    rows = []
    for a in actions:
        row = _assess_one(a, tables, current, previous, params)
        row["subject"] = subject_text(a)
        row["proposed"] = proposed_text(a, lang)
        rows.append(row)
    out = pd.DataFrame(rows, columns=ASSESS_COLUMNS)
    order = out["status"].map({"applied": 0, "unclear": 1, "not_applied": 2})
    out = out.assign(_o=order, _c=-out["before_cost"].astype(float).fillna(0.0))
    return (
        out.sort_values(["_o", "_c"], kind="stable")
        .drop(columns=["_o", "_c"])
        .reset_index(drop=True)
    )


def subject_text(a: dict) -> str:
    """The subject's names joined with "/" (line/campaign/unit/keyword/term)."""
    s = a.get("subject", {})
    return "/".join(str(s[k]) for k in ("line", "campaign", "unit", "keyword", "search_term",
                                         "layer") if s.get(k))  # fmt: skip


def proposed_text(a: dict, lang: str = "zh") -> str:
    """The proposal in words (``al_kind_<kind>`` with its values)."""
    p = a.get("proposed", {})
    change = p.get("change")
    return t(f"al_do_{a['kind']}", lang, word=p.get("negative_word") or "",
             change=f"{change:+.0%}" if isinstance(change, int | float) else "—",
             bid=p.get("bid") or math.nan, budget=p.get("budget") or 0.0,
             customers=p.get("customers") or 0)  # fmt: skip


def summary(assessed: pd.DataFrame) -> dict[str, float]:
    """Counts per status and the spend saved by the removals applied (元)."""
    counts = assessed["status"].value_counts() if len(assessed) else pd.Series(dtype=int)
    saved = assessed["spend_saved"].sum(min_count=1) if len(assessed) else math.nan
    return {
        "total": len(assessed),
        **{s: int(counts.get(s, 0)) for s in STATUSES},
        "spend_saved": float(saved) if pd.notna(saved) else 0.0,
    }


def summary_text(s: dict[str, float], period: str, lang: str = "zh") -> str:
    """The recap's line on last period's proposals (:func:`summary`): how many, and of them
    only the statuses that have any (never "已执行 0 项")."""
    from jdpromo.text import join_list, t

    parts = [t(f"al_part_{k}", lang, n=s[k]) for k in ("applied", "not_applied", "unclear")
             if s.get(k)]  # fmt: skip
    return t("al_summary", lang, period=period, n=s["total"], total=s["total"],
             parts=join_list(parts, lang))  # fmt: skip


def log_path(output_dir: str | Path | None, shop: str) -> Path:
    """The shop's log for a notebook: beside the run folder (``OUT/SHOP/actions.jsonl``) when
    the notebook runs under ``jdpromo run``, else ``<project>/reports/SHOP/actions.jsonl``."""
    from jdpromo.params import project_root

    if output_dir:
        return Path(output_dir).resolve().parent / LOG_NAME
    return project_root() / "reports" / shop / LOG_NAME


def _money(v: float) -> str:
    return "—" if v is None or not np.isfinite(v) else f"¥{v:,.0f}"


def _roi(v: float) -> str:
    return "—" if v is None or not np.isfinite(v) else f"{v:.2f}"


def display_frame(assessed: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """:func:`assess` as text cells for the recap: action, subject, proposal, status, spend
    before → after, ROI before → after (with its scope) and spend saved."""
    rows = []
    for r in assessed.itertuples(index=False):
        scope = t(f"al_scope_{r.scope}", lang) if r.scope in ("unit", "line") else ""
        rows.append({
            "al_action": t(f"al_kind_{r.kind}", lang), "al_subject": r.subject,
            "al_proposed": r.proposed, "al_status": t(f"al_status_{r.status}", lang),
            "al_cost": f"{_money(r.before_cost)} → {_money(r.after_cost)}",
            "al_roi": f"{_roi(r.before_roi)} → {_roi(r.after_roi)}{scope}",
            "al_spend_saved": _money(r.spend_saved),
        })  # fmt: skip
    cols = ["al_action", "al_subject", "al_proposed", "al_status", "al_cost", "al_roi",
            "al_spend_saved"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)
