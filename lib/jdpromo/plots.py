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


def spend_outlier_chart(flags, start, end, lang: str = "zh"):
    """Daily ad spend with its trailing median and the flagged days, for ``start..end``.

    ``flags`` is :func:`jdpromo.health.spend_outliers`'s output (date, cost, baseline, outlier).
    """
    import pandas as pd

    from jdpromo.text import column_label, t

    fig, ax = new_figure(9, 3.6)
    d = flags.assign(date=pd.to_datetime(flags["date"]))
    d = d[(d["date"] >= pd.Timestamp(start)) & (d["date"] <= pd.Timestamp(end))]
    ax.plot(d["date"], d["cost"], color="#c81623", lw=1.8, label=column_label("cost", lang))
    ax.plot(d["date"], d["baseline"], color="#777777", lw=1.2, ls="--",
            label=column_label("baseline", lang))
    out = d[d["outlier"].astype(bool)]
    ax.scatter(out["date"], out["cost"], s=60, color="#f0a020", zorder=3, edgecolor="black",
               label=t("health_outliers", lang))
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
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def share_chart(kpis, lens: str, lang: str = "zh"):
    """Share of spend against share of revenue per ad line (``lens="ad"``), or share of visitors
    against share of GMV per traffic source (``lens="traffic"``), as paired horizontal bars."""
    import pandas as pd

    from jdpromo.text import column_label, t

    a, b = ("cost_share", "revenue_share") if lens == "ad" else ("visitor_share", "gmv_share")
    rows = kpis[kpis["lens"] == lens][["channel", a, b]]
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
    ax.scatter(rows["ctr"] * 100, rows["cvr"] * 100, s=sizes, alpha=0.55, color="#c81623",
               edgecolor="black")
    for _, row in rows.iterrows():
        ax.annotate(str(row["channel"]), (row["ctr"] * 100, row["cvr"] * 100), xytext=(6, 6),
                    textcoords="offset points")
    for key, axis in (("ctr", "x"), ("cvr", "y")):
        bench = (benchmarks or {}).get(key)
        if bench is None:
            continue
        value = float(getattr(bench, "value", bench)) * 100
        line = ax.axvline if axis == "x" else ax.axhline
        line(value, color="#3b7dd8", ls="--", lw=1.2)
        label = t("chart_benchmark", lang, metric=column_label(key, lang), value=value)
        if axis == "x":
            ax.annotate(label, (value, ax.get_ylim()[1]), xytext=(4, -14),
                        textcoords="offset points", color="#3b7dd8", fontsize=9)
        else:
            ax.annotate(label, (ax.get_xlim()[0], value), xytext=(4, 4),
                        textcoords="offset points", color="#3b7dd8", fontsize=9)
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
    if "channel" in frame and group_by != "channel":
        x = [c for c in ("day", "week", "month", "date") if c in frame]
        sns.lineplot(data=frame, x=x[0] if x else frame.columns[0], y=metric, hue="channel", ax=ax)
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
