"""ipywidgets explorers for analysts in JupyterLab.

The widgets only collect choices; the filtering and aggregation are the tested functions of the
analysis modules (:func:`jdpromo.channels.explore` …), so what an analyst sees interactively is
computed exactly as the report computes it. In a rendered report (``interactive = False``) the
notebooks show :func:`static_explore` instead: no dead widgets, nothing loaded from a CDN.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd

from jdpromo import channels, users
from jdpromo.columns import label as column_label
from jdpromo.metrics import AD_RATIOS
from jdpromo.text import t

AD_METRICS = ("cost", "revenue", "clicks", "impressions", "order_lines", *AD_RATIOS)
TRAFFIC_METRICS = ("visitors", "buyers", "gmv", *channels.TRAFFIC_RATIOS)
GROUPS = ("day", "week", "month", "channel")

TABLE_HEIGHT = "28em"
"""Height above which an explorer's table scrolls (both ways) instead of growing or clipping."""


def scrolling(table_html: str) -> str:
    """An explorer's table in a box that scrolls (JupyterLab's output area would clip it)."""
    return (
        f"<div class='jd-widget-table' style='max-height:{TABLE_HEIGHT};overflow:auto;"
        f"max-width:100%'>{table_html}</div>"
    )


def _table(frame: pd.DataFrame, lang: str, max_rows: int = 60) -> None:
    from IPython.display import HTML, display

    from jdpromo.report import html_table

    display(HTML(scrolling(html_table(frame, lang, max_rows=max_rows))))


def _channels(frame: pd.DataFrame, lens: str) -> list[str]:
    col = "product_line" if lens == "ad" else "source_level1"
    return sorted(frame[col].dropna().astype(str).unique()) if col in frame else []


def static_explore(
    r, frame: pd.DataFrame, lens: str = "ad", metric: str = "roi", group_by: str = "week"
) -> None:
    """The explorer's default view as a static table and chart (for rendered reports)."""
    from jdpromo import plots

    cur = r.period.current
    out = channels.explore(frame, lens, None, metric, cur.start, cur.end, [group_by, "channel"])
    if out.empty:  # the export ends before the period (or starts after it): no empty chart
        r.note("empty_table")
        return
    r.show_figure(plots.explore_chart(out, metric, group_by, r.lang))
    r.table(out, max_rows=40)


def channel_explorer(
    ad: pd.DataFrame, traffic: pd.DataFrame, start: dt.date, end: dt.date, lang: str = "zh"
):
    """A widget to pick lens, channels, metric, dates and grouping; shows table and chart."""
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    from jdpromo import plots

    frames = {"ad": ad, "traffic": traffic}
    lens = w.ToggleButtons(
        options=[(t("lens_ad", lang), "ad"), (t("lens_traffic", lang), "traffic")], value="ad"
    )
    chans = w.SelectMultiple(description=t("explorer_channels", lang), rows=6)
    metric = w.Dropdown(description=t("explorer_metric", lang))
    first = w.DatePicker(description=t("explorer_from", lang), value=start)
    last = w.DatePicker(description=t("explorer_to", lang), value=end)
    group = w.Dropdown(
        description=t("explorer_group", lang),
        options=[(t(f"group_{g}", lang), g) for g in GROUPS],
        value="day",
    )
    out = w.Output()
    box = w.VBox()
    box.result = None  # the frame last shown (what a test or the analyst can inspect)

    def set_lens(*_):
        names = AD_METRICS if lens.value == "ad" else TRAFFIC_METRICS
        keep = metric.value if metric.value in names else names[0]
        metric.options = [(column_label(m, lang), m) for m in names]
        metric.value = keep
        chans.options = _channels(frames[lens.value], lens.value)

    def refresh(*_):
        with out:
            out.clear_output(wait=True)
            frame = frames[lens.value]
            if frame is None or frame.empty or metric.value is None:
                display(HTML(t("empty_table", lang)))
                return
            groups = [group.value] if group.value == "channel" else [group.value, "channel"]
            res = channels.explore(
                frame, lens.value, list(chans.value), metric.value, first.value, last.value, groups
            )
            box.result = res
            fig = plots.explore_chart(res, metric.value, group.value, lang)
            display(fig)
            plt.close(fig)
            _table(res, lang, max_rows=40)

    set_lens()
    for widget in (lens,):
        widget.observe(lambda *_: (set_lens(), refresh()), names="value")
    for widget in (chans, metric, first, last, group):
        widget.observe(refresh, names="value")
    refresh()
    box.children = [lens, w.HBox([chans, w.VBox([metric, group, first, last])]), out]
    return box


# --------------------------------------------------------------------------------------------
# Keyword review (关键词复盘)

KEYWORD_COLUMNS = (
    "keyword", "search_term", "campaign", "match_type", "clicks", "cost", "order_lines", "ctr",
    "cvr", "cvr_shrunk", "roi", "quadrant",
)  # fmt: skip
"""Columns the keyword explorer shows (the CSV tables keep every column)."""


def static_keyword_explore(r, keywords: pd.DataFrame, min_clicks: int | None = None) -> None:
    """The keyword explorer's default view for rendered reports: keywords with at least
    ``min_clicks`` clicks (default ``min_clicks_bid`` of the shop params), by spend."""
    from jdpromo import keywords as kw

    min_clicks = r.params.keywords.min_clicks_bid if min_clicks is None else min_clicks
    res = kw.filter_words(keywords, min_clicks=min_clicks, limit=30)
    r.note("kw_explorer_static", min_clicks=min_clicks)
    shown = [c for c in KEYWORD_COLUMNS if c in res]
    r.table(res[shown], max_rows=30)


def keyword_explorer(keywords: pd.DataFrame, terms: pd.DataFrame | None = None, lang: str = "zh"):
    """A widget to filter keywords or search terms by minimum clicks, quadrant, campaign and
    text; the filtering is :func:`jdpromo.keywords.filter_words`."""
    import ipywidgets as w
    from IPython.display import HTML, display

    from jdpromo import keywords as kw

    frames = {"keywords": keywords}
    if terms is not None and len(terms):
        frames["search_terms"] = terms
    everything = t("kw_explorer_all", lang)
    level = w.ToggleButtons(
        options=[(t(f"kw_level_{k}", lang), k) for k in frames], value="keywords"
    )
    clicks = w.IntText(description=t("kw_explorer_min_clicks", lang), value=0)
    quadrant = w.Dropdown(
        description=t("kw_explorer_quadrant", lang),
        options=[(everything, "")] + [(t(f"quadrant_{q}", lang), q) for q in kw.QUADRANTS],
        value="",
    )
    campaign = w.Dropdown(description=t("kw_explorer_campaign", lang))
    text = w.Text(description=t("kw_explorer_text", lang), continuous_update=False)
    out = w.Output()
    box = w.VBox()
    box.result = None  # the frame last shown (what a test or the analyst can inspect)

    def set_level(*_):
        frame = frames[level.value]
        names = sorted(frame["campaign"].dropna().astype(str).unique()) if len(frame) else []
        campaign.options = [(everything, "")] + [(n, n) for n in names]
        campaign.value = ""

    def refresh(*_):
        with out:
            out.clear_output(wait=True)
            res = kw.filter_words(
                frames[level.value],
                min_clicks=clicks.value or 0,
                quadrant=quadrant.value or None,
                campaign=campaign.value or None,
                text=text.value or None,
            )
            box.result = res
            display(HTML(t("kw_explorer_count", lang, n=len(res))))
            shown = [c for c in KEYWORD_COLUMNS if c in res]
            _table(res[shown], lang, max_rows=100)

    set_level()
    level.observe(lambda *_: (set_level(), refresh()), names="value")
    for widget in (clicks, quadrant, campaign, text):
        widget.observe(refresh, names="value")
    refresh()
    box.children = [level, w.HBox([w.VBox([clicks, quadrant]), w.VBox([campaign, text])]), out]
    return box


# --------------------------------------------------------------------------------------------
# User layers: the sliders re-run users.segment() and users.layer_summary() — the tested code


def layer_explorer(layers: users.Layers, lang: str = "zh", ad_cost: float = math.nan):
    """A widget to pick a layer and move the thresholds; the summary re-segments live.

    Sliders: 活跃/流失 days, RFM frequency and money cuts, value-tier money cut, coupon-share
    threshold. Each change calls :func:`segment` and :func:`layer_summary` (never a copy of
    their logic) and shows the chosen dimension's summary, the chosen layer's action, its
    audience size and masked examples. Customer ids are never shown in full.
    """
    import html

    import ipywidgets as w
    from IPython.display import HTML, display

    from jdpromo.users import (
        ACTIONS,
        DIMENSIONS,
        LIFECYCLE,
        PRICE_SENSITIVITY,
        RFM_SEGMENTS,
        SHOWN_COLUMNS,
        VALUE_TIERS,
        action_plan,
        display_frame,
        label,
        layer_summary,
        segment,
    )

    r0 = layers.rules
    max_days = int(
        max(
            layers.customers["recency_days"].max() if len(layers.customers) else 1,
            r0.churn_days + 1,
            30,
        )
    )
    money_max = float(
        max(
            layers.customers["monetary"].quantile(0.99) if len(layers.customers) else 1.0,
            r0.value_monetary_cut,
            r0.rfm_monetary_cut,
            1.0,
        )
    )
    dim = w.Dropdown(
        description=t("ul_explorer_dimension", lang),
        options=[(column_label(d, lang), d) for d in DIMENSIONS],
        value="lifecycle",
    )
    pick = w.Dropdown(description=t("ul_explorer_layer", lang))
    active = w.IntSlider(
        description=t("ul_explorer_active", lang),
        min=1,
        max=max_days,
        value=r0.active_days,
        continuous_update=False,
    )
    churn = w.IntSlider(
        description=t("ul_explorer_churn", lang),
        min=2,
        max=max_days + 1,
        value=r0.churn_days,
        continuous_update=False,
    )
    fcut = w.IntSlider(
        description=t("ul_explorer_fcut", lang),
        min=1,
        max=10,
        value=r0.rfm_frequency_cut,
        continuous_update=False,
    )
    mcut = w.FloatSlider(
        description=t("ul_explorer_mcut", lang),
        min=0.0,
        max=money_max,
        value=r0.rfm_monetary_cut,
        step=1.0,
        continuous_update=False,
    )
    vcut = w.FloatSlider(
        description=t("ul_explorer_vcut", lang),
        min=0.0,
        max=money_max,
        value=r0.value_monetary_cut,
        step=1.0,
        continuous_update=False,
    )
    coupon = w.FloatSlider(
        description=t("ul_explorer_coupon", lang),
        min=0.01,
        max=0.5,
        step=0.01,
        value=r0.coupon_share_threshold,
        continuous_update=False,
    )
    for s in (active, churn, fcut, mcut, vcut, coupon):
        s.style = {"description_width": "initial"}
        s.layout = w.Layout(width="420px")
    out = w.Output()
    box = w.VBox()
    box.result = None  # the chosen layer's customers last shown (what a test can inspect)

    def set_layers(*_):
        cats = {
            "lifecycle": LIFECYCLE,
            "value_tier": VALUE_TIERS,
            "rfm_segment": RFM_SEGMENTS,
            "price_sensitivity": PRICE_SENSITIVITY,
        }[dim.value]
        keep = pick.value if pick.value in cats else cats[0]
        pick.options = [(label(c, lang), c) for c in cats]
        pick.value = keep  # ipywidgets 8 selects nothing when the options change

    def refresh(*_):
        rules = dataclasses.replace(
            r0,
            active_days=active.value,
            churn_days=max(churn.value, active.value + 1),
            rfm_frequency_cut=fcut.value,
            rfm_monetary_cut=mcut.value,
            value_monetary_cut=vcut.value,
            coupon_share_threshold=coupon.value,
            rfm_recency_days=(
                active.value if r0.rfm_recency_source == "lifecycle" else r0.rfm_recency_days
            ),
        )
        seg = segment(layers.customers, rules, layers.start)
        summary = layer_summary(seg, ad_cost, dimensions=(dim.value,))
        rows = summary[summary["dimension"].isin(["all", dim.value])]
        with out:
            out.clear_output(wait=True)
            shown = rows[list(SHOWN_COLUMNS)]
            _table(display_frame(shown, lang), lang)
            chosen = seg[seg[dim.value].astype(str) == pick.value]
            box.result = chosen
            text = t("ul_explorer_pick", lang, layer=label(pick.value, lang), customers=len(chosen))
            display(HTML(f"<p>{html.escape(text)}</p>"))
            if dim.value == "lifecycle" and pick.value in ACTIONS:
                plan = action_plan(chosen, lang)
                plan = plan[plan["layer"] == pick.value]
                _table(display_frame(plan, lang), lang)

    set_layers()
    dim.observe(lambda *_: (set_layers(), refresh()), names="value")
    for widget in (pick, active, churn, fcut, mcut, vcut, coupon):
        widget.observe(refresh, names="value")
    box.children = [
        w.HBox([dim, pick]),
        w.HBox([w.VBox([active, churn, coupon]), w.VBox([fcut, mcut, vcut])]),
        out,
    ]
    refresh()
    return box
