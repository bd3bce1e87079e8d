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
