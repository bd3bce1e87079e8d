"""Charts: one seaborn theme and a font that covers simplified Chinese, for every notebook.

A system CJK font is used where one exists (macOS PingFang, Windows Microsoft YaHei, Linux
Noto Sans CJK / WenQuanYi); otherwise the Noto Sans CJK SC font shipped by the ``mplfonts``
package is registered with matplotlib, so a fresh Linux machine renders Chinese labels too.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib import font_manager

from jdpromo.text import category_label

# Families that cover simplified Chinese, best first.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Microsoft YaHei",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "Heiti SC",
    "SimHei",
)

PALETTE = "deep"


def _bundled_font() -> Path | None:
    try:
        import mplfonts
    except ImportError:  # pragma: no cover - mplfonts is a dependency
        return None
    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    return path if path.is_file() else None


@cache
def cjk_font() -> str:
    """The family name of a font that covers simplified Chinese, registering one if needed.

    Raises
    ------
    RuntimeError
        When no CJK font is on the system and the bundled one is missing.
    """
    available = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in available:
            return family
    bundled = _bundled_font()
    if bundled is None:
        raise RuntimeError(
            "no font for Chinese found: install the 'mplfonts' package or fonts-noto-cjk"
        )
    font_manager.fontManager.addfont(str(bundled))
    return font_manager.FontProperties(fname=str(bundled)).get_name()


def set_theme() -> str:
    """Set the seaborn theme with a CJK font for all following charts; return the family."""
    family = cjk_font()
    sns.set_theme(
        style="whitegrid",
        palette=PALETTE,
        font=family,
        rc={
            "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "figure.dpi": 110,
            "savefig.dpi": 110,
            "figure.figsize": (9, 4),
        },
    )
    return family


def new_figure(width: float = 9, height: float = 4):
    """A new figure and axes in the project's theme."""
    set_theme()
    return plt.subplots(figsize=(width, height))


# Promotion phases shaded on date axes (预热 / 爆发 / 返场).
PHASE_COLORS = {"warmup": "#f0a020", "peak": "#c81623", "encore": "#3b7dd8"}


def _runs(dates, labels) -> list:
    """Consecutive days with the same label as ``(label, first day, last day)``."""
    import pandas as pd

    out: list = []
    for day, label in zip(pd.to_datetime(dates), labels, strict=True):
        if out and out[-1][0] == label and day - out[-1][2] == pd.Timedelta(days=1):
            out[-1] = (label, out[-1][1], day)
        else:
            out.append((label, day, day))
    return out


def shade_phases(ax, runs, lang: str = "zh") -> None:
    """Shade the promotion phases of ``runs`` (``(segment, first day, last day)``, as
    :func:`jdpromo.periods.segments` returns) on a date axis, each day a full-width band; one
    legend label per phase; ``ordinary`` days are left blank."""
    import pandas as pd

    from jdpromo.text import t

    half = pd.Timedelta(hours=12)
    seen: set[str] = set()
    for seg, first, last in runs:
        if seg not in PHASE_COLORS:
            continue
        ax.axvspan(
            pd.Timestamp(first) - half,
            pd.Timestamp(last) + half,
            color=PHASE_COLORS[seg],
            alpha=0.14,
            lw=0,
            zorder=0,
            label=None if seg in seen else t(f"phase_{seg}", lang),
        )
        seen.add(seg)


def spend_outlier_chart(flags, start, end, lang: str = "zh"):
    """Daily ad spend with its trailing median and the flagged days, for ``start..end``.

    ``flags`` is :func:`jdpromo.health.spend_outliers`'s output (date, cost, baseline, outlier,
    phase); days of promotion phases are shaded.
    """
    import pandas as pd

    from jdpromo.text import column_label, t

    fig, ax = new_figure(9, 3.6)
    d = flags.assign(date=pd.to_datetime(flags["date"]))
    d = d[(d["date"] >= pd.Timestamp(start)) & (d["date"] <= pd.Timestamp(end))]
    ax.plot(d["date"], d["cost"], color="#c81623", lw=1.8, label=column_label("cost", lang))
    ax.plot(
        d["date"],
        d["baseline"],
        color="#777777",
        lw=1.2,
        ls="--",
        label=column_label("baseline", lang),
    )
    out = d[d["outlier"].astype(bool)]
    ax.scatter(
        out["date"],
        out["cost"],
        s=60,
        color="#f0a020",
        zorder=3,
        edgecolor="black",
        label=t("health_outliers", lang),
    )
    if "phase" in d:
        shade_phases(ax, _runs(d["date"], d["phase"]), lang)
    ax.set_title(t("health_spend_chart", lang))
    ax.set_ylabel(column_label("cost", lang))
    ax.legend(loc="upper left", frameon=False)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def _money_axis(ax) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


def daily_lines_chart(ad, start, end, lang: str = "zh", by: str = "product_line"):
    """Daily spend, revenue (元) and ROI (ratio of the day's sums) per ad line, three panels.

    ``ad`` holds daily ``ad_daily`` rows in one attribution window.
    """
    import pandas as pd

    from jdpromo.metrics import ratio
    from jdpromo.text import column_label, t

    set_theme()
    d = ad.assign(date=pd.to_datetime(ad["date"]))
    d = d[(d["date"] >= pd.Timestamp(start)) & (d["date"] <= pd.Timestamp(end))]
    daily = d.groupby(["date", by], observed=True)[["cost", "revenue"]].sum().reset_index()
    daily["roi"] = ratio(daily["revenue"], daily["cost"])
    fig, axes = plt.subplots(3, 1, figsize=(9, 8.4), sharex=True)
    for ax, col in zip(axes, ("cost", "revenue", "roi"), strict=True):
        sns.lineplot(data=daily, x="date", y=col, hue=by, ax=ax, lw=1.6, legend=(col == "cost"))
        ax.set_ylabel(column_label(col, lang))
        ax.set_xlabel("")
        if col != "roi":
            _money_axis(ax)
    legend = axes[0].get_legend()
    if legend is not None:
        legend.set_title(column_label(by, lang))
        sns.move_legend(axes[0], "upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    axes[0].set_title(t("chart_daily_lines", lang))
    _short_dates(axes[-1])
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def _short_dates(ax) -> None:
    """Day ticks as ``10-01`` (the year is in the page's header), at most about 8 of them, so
    they stay apart when the chart is drawn for a phone."""
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))


def _daily_sum(frame, column: str, days) -> list[float]:
    """``column`` summed per day over ``days`` (NaN for a day without rows, or when the frame or
    the column is missing: a day without an export is not a day with 0)."""
    import numpy as np
    import pandas as pd

    if frame is None or frame.empty or column not in frame or "date" not in frame:
        return [np.nan] * len(days)
    d = frame.assign(
        date=pd.to_datetime(frame["date"]), _v=pd.to_numeric(frame[column], errors="coerce")
    )
    d = d[d["date"].notna()]  # period-level rows have no day
    sums = d.groupby("date")["_v"].sum(min_count=1)
    return [float(v) for v in sums.reindex(pd.to_datetime(list(days))).to_numpy()]


def daily_gmv_spend_chart(shop_daily, ad_daily, resolved_period, promotions, lang: str = "zh"):
    """Daily GMV (京东商智 ``shop_daily.gmv``) above daily ad spend (``ad_daily.cost`` summed over
    lines), 元, for the current period, with the 环比 period's days as a dashed grey line aligned
    by day index (its first day over the current first day), and the current period's promotion
    phases shaded. Compact for a phone screen.

    Parameters
    ----------
    shop_daily, ad_daily
        Canonical tables (``ad_daily`` in one attribution window); ``None`` or empty: the panel
        says there is no data.
    resolved_period
        :class:`jdpromo.periods.ResolvedPeriod` (``previous`` may be ``None``).
    promotions
        The shop's promotions (``ShopParams.promotions``).
    """
    import pandas as pd
    from matplotlib import dates as mdates

    from jdpromo.periods import segments
    from jdpromo.text import column_label, t

    set_theme()
    cur, prev = resolved_period.current, resolved_period.previous
    x = pd.to_datetime(cur.dates())
    prev_days = prev.dates()[: cur.days] if prev is not None else []
    fig, axes = plt.subplots(2, 1, figsize=(6.4, 5.4), sharex=True)
    color = "#c81623"  # 本期 in both panels, so one legend entry reads for both
    for ax, (frame, col) in zip(axes, ((shop_daily, "gmv"), (ad_daily, "cost")), strict=True):
        shade_phases(ax, segments(cur, promotions), lang)
        now = _daily_sum(frame, col, cur.dates())
        ax.plot(x, now, color=color, lw=2, marker="o", ms=3, label=t("chart_current", lang))
        before = _daily_sum(frame, col, prev_days)
        if any(v == v for v in before):  # not all NaN
            ax.plot(
                x[: len(before)],
                before,
                color="#888888",
                lw=1.4,
                ls="--",
                label=t("chart_previous", lang, label=prev.label),
            )
        if not any(v == v for v in now):
            ax.text(0.5, 0.5, t("empty_table", lang), transform=ax.transAxes, ha="center",
                    va="center", fontsize=12, color="#777777")  # fmt: skip
        ax.set_ylabel(column_label(col, lang), fontsize=11)
        ax.set_xlabel("")
        ax.set_ylim(bottom=0)
        ax.tick_params(labelsize=10)
        _money_axis(ax)
    handles, labels = [], []
    for ax in axes:  # phases once, then 本期 / 上期
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    if handles:
        axes[0].legend(handles, labels, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2,
                       frameon=False, fontsize=10)  # fmt: skip
    axes[1].set_xlim(x[0] - pd.Timedelta(hours=12), x[-1] + pd.Timedelta(hours=12))
    axes[1].xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
    axes[1].xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
    fig.suptitle(t("chart_gmv_spend", lang), fontsize=13)
    fig.tight_layout()
    return fig


def share_chart(kpis, lens: str, lang: str = "zh"):
    """Share of spend against share of revenue per ad line (``lens="ad"``), or share of visitors
    against share of GMV per traffic source (``lens="traffic"``), as paired horizontal bars."""
    import pandas as pd

    from jdpromo.text import column_label, t

    a, b = ("cost_share", "revenue_share") if lens == "ad" else ("visitor_share", "gmv_share")
    rows = kpis[kpis["lens"] == lens][["channel", a, b]].copy()
    rows["channel"] = rows["channel"].map(lambda c: category_label(c, lang))
    long = rows.melt(id_vars="channel", var_name="share_of", value_name="share")
    long["share_of"] = long["share_of"].map({a: column_label(a, lang), b: column_label(b, lang)})
    long["share"] = pd.to_numeric(long["share"]) * 100
    fig, ax = new_figure(9, 0.5 * max(len(rows), 3) + 1.2)
    sns.barplot(data=long, y="channel", x="share", hue="share_of", ax=ax, orient="h")
    ax.set_xlabel("%")
    ax.set_ylabel("")
    ax.legend(title="", frameon=False, loc="lower right")
    ax.set_title(t("chart_share_ad" if lens == "ad" else "chart_share_traffic", lang))
    fig.tight_layout()
    return fig


def ctr_cvr_chart(kpis, benchmarks: dict | None = None, lang: str = "zh"):
    """CTR against CVR per ad line, bubble area ∝ spend; dashed benchmark lines for the
    benchmarks the user supplied (``ctr``/``cvr`` keys of the shop params)."""
    from jdpromo.text import column_label, t

    rows = kpis[(kpis["lens"] == "ad") & kpis["ctr"].notna() & kpis["cvr"].notna()]
    fig, ax = new_figure(8, 5)
    cost = rows["cost"].astype(float).to_numpy()
    sizes = 1500 * cost / cost.max() + 40 if len(rows) and cost.max() > 0 else 80
    ax.scatter(
        rows["ctr"] * 100,
        rows["cvr"] * 100,
        s=sizes,
        alpha=0.55,
        color="#c81623",
        edgecolor="black",
    )
    for _, row in rows.iterrows():
        ax.annotate(
            str(row["channel"]),
            (row["ctr"] * 100, row["cvr"] * 100),
            xytext=(6, 6),
            textcoords="offset points",
        )
    for key, axis in (("ctr", "x"), ("cvr", "y")):
        bench = (benchmarks or {}).get(key)
        if bench is None:
            continue
        value = float(getattr(bench, "value", bench)) * 100
        line = ax.axvline if axis == "x" else ax.axhline
        line(value, color="#3b7dd8", ls="--", lw=1.2)
        label = t("chart_benchmark", lang, metric=column_label(key, lang), value=value)
        if axis == "x":
            ax.annotate(
                label,
                (value, ax.get_ylim()[1]),
                xytext=(4, -14),
                textcoords="offset points",
                color="#3b7dd8",
                fontsize=9,
            )
        else:
            ax.annotate(
                label,
                (ax.get_xlim()[0], value),
                xytext=(4, 4),
                textcoords="offset points",
                color="#3b7dd8",
                fontsize=9,
            )
    ax.set_xlabel(column_label("ctr", lang) + " (%)")
    ax.set_ylabel(column_label("cvr", lang) + " (%)")
    ax.set_title(t("chart_ctr_cvr", lang))
    ax.margins(0.25)
    fig.tight_layout()
    return fig


def explore_chart(frame, metric: str, group_by: str, lang: str = "zh"):
    """The channel explorer's chart: ``metric`` over time (lines per channel) or per channel."""
    from jdpromo.text import column_label

    fig, ax = new_figure(9, 3.6)
    if "channel" in frame:
        frame = frame.assign(channel=frame["channel"].map(lambda c: category_label(c, lang)))
    if "channel" in frame and group_by != "channel":
        x = [c for c in ("day", "week", "month", "date") if c in frame]
        x = x[0] if x else frame.columns[0]
        sns.lineplot(data=frame, x=x, y=metric, hue="channel", ax=ax, marker="o")
        _mark_partial_points(ax, frame, x, metric, lang)
        ax.legend(title="", frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.autofmt_xdate()
    elif "channel" in frame:
        sns.barplot(data=frame, x="channel", y=metric, ax=ax, color="#c81623")
    else:
        ax.plot(frame.iloc[:, 0], frame[metric], color="#c81623")
        fig.autofmt_xdate()
    ax.set_ylabel(column_label(metric, lang))
    ax.set_xlabel("")
    fig.tight_layout()
    return fig


def _mark_partial_points(ax, frame, x: str, metric: str, lang: str) -> None:
    """Ring the points of partial weeks or months (``partial`` from
    :func:`jdpromo.channels.explore`) and say so in the legend."""
    from jdpromo.text import t

    if "partial" not in frame or not frame["partial"].any():
        return
    part = frame[frame["partial"]]
    ax.scatter(part[x], part[metric], s=120, facecolors="none", edgecolors="#555",
               linewidths=1.2, zorder=5, label=t("chart_partial_point", lang))  # fmt: skip


# --------------------------------------------------------------------------------------------
# User layers (用户分层)


def layer_share_chart(summary, lang: str = "zh"):
    """Share of customers against share of net spend (lookback) per lifecycle layer.

    ``summary`` is :func:`jdpromo.users.layer_summary`'s output (its ``lifecycle`` rows).
    """
    import numpy as np
    import pandas as pd

    from jdpromo.text import t
    from jdpromo.users import label

    rows = summary[summary["dimension"] == "lifecycle"]
    revenue = rows["revenue"].astype(float).clip(lower=0)
    total = revenue.sum()
    frame = pd.DataFrame(
        {
            "layer": [label(v, lang) for v in rows["layer"]],
            t("ul_chart_customers_share", lang): rows["share"].astype(float).to_numpy() * 100,
            t("ul_chart_revenue_share", lang): (
                revenue / total * 100 if total > 0 else revenue * np.nan
            ).to_numpy(),
        }
    )
    long = frame.melt(id_vars="layer", var_name="what", value_name="pct")
    fig, ax = new_figure(9, 3.4)
    sns.barplot(
        data=long, y="layer", x="pct", hue="what", ax=ax, orient="h", palette=["#c81623", "#7f7f7f"]
    )
    for container in ax.containers:
        ax.bar_label(container, fmt="%.1f%%", padding=3, fontsize=9)
    ax.set_xlabel("%")
    ax.set_ylabel("")
    ax.set_xlim(0, max(float(long["pct"].max(skipna=True) or 0), 1.0) * 1.18)
    ax.legend(title="", frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(t("ul_chart_layers", lang))
    fig.tight_layout()
    return fig


def cohort_heatmap(cohort, lang: str = "zh"):
    """Monthly cohort retention as a heatmap: rows = first-order month (with its customers),
    columns = months after the first order (1…), cells = % of the cohort buying that month.

    ``cohort`` is :func:`jdpromo.users.cohort_retention`'s output; month 0 (100%) is not drawn.
    """
    from jdpromo.text import t

    months = [c for c in cohort.columns if c.startswith("month_") and c != "month_0"]
    data = cohort[months].astype(float) * 100
    data.columns = [c.removeprefix("month_") for c in months]
    data.index = [
        f"{c}（{n:,}）" if lang == "zh" else f"{c} ({n:,})"
        for c, n in zip(cohort["cohort"], cohort["customers"], strict=True)
    ]
    fig, ax = new_figure(10, 0.42 * max(len(data), 3) + 1.6)
    if data.notna().any().any():
        sns.heatmap(
            data,
            annot=True,
            fmt=".1f",
            cmap="Reds",
            ax=ax,
            cbar=False,
            mask=data.isna(),
            linewidths=0.5,
            linecolor="white",
            annot_kws={"fontsize": 8},
        )
    ax.grid(False)
    ax.set_xlabel(t("ul_chart_cohort_x", lang))
    ax.set_ylabel(t("ul_chart_cohort_y", lang))
    ax.set_title(t("ul_chart_cohort", lang))
    ax.tick_params(axis="y", rotation=0)
    fig.tight_layout()
    return fig


def migration_heatmap(moves, lang: str = "zh"):
    """Customers moving between layers: rows = previous period's layer, columns = this period's,
    cells = customers (and the share of the row's customers); colour = that share.

    ``moves`` is :func:`jdpromo.users.migration`'s output (long form, zero cells included).
    """
    import numpy as np

    from jdpromo.text import t
    from jdpromo.users import LEFT, label

    rows = list(dict.fromkeys(moves["from_layer"]))
    cols = list(dict.fromkeys(moves["to_layer"]))
    # "left the table" is drawn only when someone did.
    gone = moves.groupby("to_layer", sort=False)["customers"].sum()
    cols = [c for c in cols if c != LEFT or gone.get(c, 0) > 0]
    counts = moves.pivot(index="from_layer", columns="to_layer", values="customers")
    counts = counts.reindex(index=rows, columns=cols).fillna(0)
    share = moves.pivot(index="from_layer", columns="to_layer", values="share")
    share = share.reindex(index=rows, columns=cols).astype(float)
    annot = np.empty(counts.shape, dtype=object)
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            n = int(counts.iat[i, j])
            s = share.iat[i, j]
            annot[i, j] = f"{n:,}\n({s:.0%})" if n and not np.isnan(s) else f"{n:,}"
    fig, ax = new_figure(8.5, 0.7 * len(rows) + 1.8)
    sns.heatmap(
        share.fillna(0) * 100,
        annot=annot,
        fmt="",
        cmap="Reds",
        vmin=0,
        vmax=100,
        ax=ax,
        cbar=False,
        linewidths=0.5,
        linecolor="white",
        annot_kws={"fontsize": 9},
    )
    ax.set_xticklabels([label(c, lang) for c in cols], rotation=0)
    ax.set_yticklabels([label(r, lang) for r in rows], rotation=0)
    ax.set_xlabel(t("ul_chart_to", lang))
    ax.set_ylabel(t("ul_chart_from", lang))
    ax.set_title(t("ul_chart_migration", lang))
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# Keyword review (关键词复盘)

QUADRANT_COLORS = {
    "star": "#2e8b57",
    "clicks_no_sales": "#f0a020",
    "sales_few_clicks": "#3b7dd8",
    "dud": "#c81623",
    "uncertain": "#b0b0b0",
}


def _plain(text) -> str:
    """A label drawn as text: ``$`` would start matplotlib math mode in untrusted words."""
    return str(text).replace("$", r"\$")


def keyword_quadrant_chart(kpis, account: dict, lang: str = "zh", label_top: int = 8):
    """Shrunk CTR against shrunk conversion per keyword (%), bubble area ∝ spend, colour by
    quadrant; dashed lines at the account's CTR and conversion; the ``label_top`` words with the
    most spend are named. ``kpis`` is :func:`jdpromo.keywords.add_quadrants` output."""
    from jdpromo.keywords import QUADRANTS
    from jdpromo.text import column_label, t

    rows = kpis[kpis["ctr_shrunk"].notna() & kpis["cvr_shrunk"].notna()]
    fig, ax = new_figure(9, 5.6)
    cost = rows["cost"].fillna(0).astype(float)
    top = float(cost.max()) if len(rows) else 0.0
    for quad in QUADRANTS:
        part = rows[rows["quadrant"] == quad]
        if part.empty:
            continue
        size = 900 * part["cost"].fillna(0) / top + 12 if top > 0 else 30
        ax.scatter(
            part["ctr_shrunk"] * 100,
            part["cvr_shrunk"] * 100,
            s=size,
            alpha=0.6,
            color=QUADRANT_COLORS[quad],
            edgecolor="white",
            linewidth=0.5,
        )
    for _, row in rows.nlargest(label_top, "cost").iterrows():
        ax.annotate(
            _plain(row["keyword"]),
            (row["ctr_shrunk"] * 100, row["cvr_shrunk"] * 100),
            xytext=(5, 4),
            textcoords="offset points",
            fontsize=8,
        )
    acc_label = t("chart_kw_account", lang)
    if account.get("ctr") == account.get("ctr"):  # not NaN
        ax.axvline(account["ctr"] * 100, color="#555555", ls="--", lw=1)
    if account.get("cvr") == account.get("cvr"):
        ax.axhline(account["cvr"] * 100, color="#555555", ls="--", lw=1)
    ax.set_xlabel(column_label("ctr_shrunk", lang) + " (%)")
    ax.set_ylabel(column_label("cvr_shrunk", lang) + " (%)")
    ax.set_title(t("chart_kw_quadrants", lang))
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            markersize=8,
            color=QUADRANT_COLORS[q],
            alpha=0.7,
            label=_plain(t(f"quadrant_{q}", lang)),
        )
        for q in QUADRANTS
        if (rows["quadrant"] == q).any()
    ]
    handles.append(Line2D([], [], color="#555555", ls="--", lw=1, label=acc_label))
    ax.legend(
        handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9
    )
    fig.tight_layout()
    return fig


def keyword_mix_chart(summary, lang: str = "zh"):
    """Share of clicks, spend and revenue by word class (大词/长尾词) × brand/generic, as
    horizontal stacked bars; ``summary`` is rows of one level of the review's ``head_tail``."""
    import numpy as np

    from jdpromo.text import column_label, t

    measures = ("click_share", "cost_share", "revenue_share")
    fig, ax = new_figure(9, 3.2)
    left = np.zeros(len(measures))
    colors = {("head", False): "#c81623", ("head", True): "#f08080",
              ("long_tail", False): "#3b7dd8", ("long_tail", True): "#9cc3f0"}  # fmt: skip
    for (wc, brand), color in colors.items():
        part = summary[(summary["word_class"] == wc) & (summary["is_brand"].astype(bool) == brand)]
        vals = np.array([float(part[m].sum()) * 100 for m in measures])
        label = f"{t(f'word_class_{wc}', lang)} · {t(f'brand_flag_{brand}', lang)}"
        ax.barh(
            [column_label(m, lang) for m in measures], vals, left=left, color=color, label=label
        )
        for i, v in enumerate(vals):
            if v >= 6:
                ax.text(
                    left[i] + v / 2,
                    i,
                    f"{v:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="white",
                )
        left += vals
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    ax.invert_yaxis()
    ax.set_title(t("chart_kw_head_tail", lang))
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
    fig.tight_layout()
    return fig


def brand_trend_chart(trend, lang: str = "zh"):
    """Monthly brand-word share of clicks and of revenue (%), from
    :func:`jdpromo.keywords.brand_share_trend`."""
    import pandas as pd

    from jdpromo.text import column_label, t

    fig, ax = new_figure(9, 3.4)
    d = trend.assign(month=pd.to_datetime(trend["month"]))
    for col, color in (("brand_click_share", "#c81623"), ("brand_revenue_share", "#3b7dd8")):
        ax.plot(
            d["month"],
            d[col].astype(float) * 100,
            marker="o",
            lw=1.8,
            color=color,
            label=column_label(col, lang),
        )
    ax.set_ylabel("%")
    ax.set_ylim(bottom=0)
    ax.set_title(t("chart_kw_brand_trend", lang))
    ax.legend(frameon=False, loc="lower left")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def theme_chart(themes, lang: str = "zh", top: int = 8):
    """Contribution (元: revenue × contribution margin − spend) of the ``top`` most wasteful and
    the ``top`` best search-term themes (:func:`jdpromo.keywords.ngram_themes`)."""
    import pandas as pd

    from jdpromo.text import column_label, t

    waste = themes[themes["theme"] == "waste"].nsmallest(top, "contribution")
    worth = themes[themes["theme"] == "worth"].nlargest(top, "contribution")
    rows = pd.concat([worth.iloc[::-1], waste.iloc[::-1]])
    fig, ax = new_figure(9, 0.32 * max(len(rows), 4) + 1.4)
    colors = ["#2e8b57" if v >= 0 else "#c81623" for v in rows["contribution"]]
    ax.barh([_plain(n) for n in rows["ngram"]], rows["contribution"], color=colors)
    ax.axvline(0, color="#555555", lw=0.8)
    ax.set_xlabel(column_label("contribution", lang))
    ax.set_ylabel("")
    ax.set_title(t("chart_kw_themes", lang))
    fig.tight_layout()
    return fig
