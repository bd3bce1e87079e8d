"""ipywidgets explorers for analysts in JupyterLab.

The widgets only collect choices; the filtering and aggregation are the tested functions of the
analysis modules (:func:`jdpromo.channels.explore` …), so what an analyst sees interactively is
computed exactly as the report computes it. In a rendered report (``interactive = False``) the
notebooks show :func:`static_explore` instead: no dead widgets, nothing loaded from a CDN.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from jdpromo import channels
from jdpromo.metrics import AD_RATIOS
from jdpromo.text import column_label, t

AD_METRICS = ("cost", "revenue", "clicks", "impressions", "order_lines", *AD_RATIOS)
TRAFFIC_METRICS = ("visitors", "buyers", "gmv", *channels.TRAFFIC_RATIOS)
GROUPS = ("day", "week", "month", "channel")


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
    from jdpromo.report import html_table

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
            display(HTML(html_table(res, lang, max_rows=40)))

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
    r.table(kw.display_frame(res[shown], r.lang), max_rows=30)


def keyword_explorer(keywords: pd.DataFrame, terms: pd.DataFrame | None = None, lang: str = "zh"):
    """A widget to filter keywords or search terms by minimum clicks, quadrant, campaign and
    text; the filtering is :func:`jdpromo.keywords.filter_words`."""
    import ipywidgets as w
    from IPython.display import HTML, display

    from jdpromo import keywords as kw
    from jdpromo.report import html_table

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
            display(HTML(html_table(kw.display_frame(res[shown], lang), lang, max_rows=100)))

    set_level()
    level.observe(lambda *_: (set_level(), refresh()), names="value")
    for widget in (clicks, quadrant, campaign, text):
        widget.observe(refresh, names="value")
    refresh()
    box.children = [level, w.HBox([w.VBox([clicks, quadrant]), w.VBox([campaign, text])]), out]
    return box
