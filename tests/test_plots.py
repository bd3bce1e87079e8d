import warnings

import matplotlib

matplotlib.use("Agg")

from jdpromo import plots  # noqa: E402
from matplotlib import font_manager  # noqa: E402


def test_cjk_font_covers_chinese_labels():
    family = plots.set_theme()
    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    charmap = font.get_charmap()
    for ch in "渠道对比关键词复盘用户分层花费投产比环比同比":
        assert ord(ch) in charmap, ch


def test_chinese_chart_renders_without_missing_glyphs(tmp_path):
    fig, ax = plots.new_figure()
    ax.bar(["快车", "展位", "购物触点"], [1200.5, -300.0, 80.0])
    ax.set_title("各渠道花费（元）— 日累计")
    ax.set_xlabel("产品线")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.savefig(tmp_path / "chart.png")
    assert (tmp_path / "chart.png").stat().st_size > 5000


def test_a_font_without_chinese_is_caught(tmp_path):
    """The guard the suite relies on: a label in a font without CJK glyphs warns."""
    import matplotlib.pyplot as plt
    import pytest

    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.sans-serif": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("花费")
        with pytest.warns(UserWarning, match="Glyph .* missing from"):
            fig.savefig(tmp_path / "bad.png")


# --------------------------------------------------------------------------------------------
# Recap: daily GMV and ad spend with the promotion phases shaded


def _gmv_spend_inputs():
    import datetime as dt

    import pandas as pd
    from jdpromo.params import Phase, Promotion
    from jdpromo.periods import parse_period

    promos = {
        "1111-2026": Promotion(
            warmup=Phase(start=dt.date(2026, 10, 14), end=dt.date(2026, 10, 31)),
            peak=Phase(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 11)),
        )
    }
    days = pd.date_range("2026-09-01", "2026-10-31")
    shop = pd.DataFrame({"date": days, "gmv": range(len(days))})
    # two ad lines a day: the chart sums them
    ad = pd.DataFrame(
        {"date": list(days) * 2, "product_line": ["快车"] * len(days) + ["展位"] * len(days),
         "cost": [10.0] * len(days) + [5.0] * len(days)}
    )  # fmt: skip
    return shop, ad, parse_period("2026-10", promos), promos


def _shaded(ax) -> list[str]:
    from matplotlib.patches import Polygon, Rectangle

    return [p.get_label() for p in ax.patches if isinstance(p, (Rectangle, Polygon))]


def _lines(ax) -> dict[str, list[float]]:
    return {ln.get_label(): list(ln.get_ydata()) for ln in ax.get_lines()}


def test_daily_gmv_spend_chart_shades_phases_and_aligns_the_previous_period(tmp_path):
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    shop, ad, resolved, promos = _gmv_spend_inputs()
    fig = plots.daily_gmv_spend_chart(shop, ad, resolved, promos, "zh")
    gmv_ax, cost_ax = fig.axes[:2]
    assert _shaded(gmv_ax) == ["预热"] and _shaded(cost_ax) == ["预热"]
    band = gmv_ax.patches[0].get_window_extent()  # starts half a day before 10-14
    start = gmv_ax.transData.inverted().transform((band.x0, 0))[0]
    assert mdates.num2date(start).strftime("%m-%d %H") == "10-13 12"
    gmv = _lines(gmv_ax)
    assert gmv["本期"][:2] == [30.0, 31.0]  # October's days 30, 31 … of the frame
    assert gmv["环比 2026-09"][:2] == [0.0, 1.0] and len(gmv["环比 2026-09"]) == 30
    assert _lines(cost_ax)["本期"] == [15.0] * 31  # 快车 + 展位
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "预热" in labels
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Chinese labels render
        fig.savefig(tmp_path / "gmv_spend.png")
    plt.close(fig)


def test_daily_gmv_spend_chart_without_shop_ad_or_previous_data():
    import matplotlib.pyplot as plt
    from jdpromo.periods import ResolvedPeriod

    shop, ad, resolved, promos = _gmv_spend_inputs()
    no_prev = ResolvedPeriod(resolved.current, None, resolved.last_year)
    fig = plots.daily_gmv_spend_chart(None, ad.iloc[0:0], no_prev, promos, "en")
    for ax in fig.axes[:2]:
        assert "this period" in _lines(ax) and not any("previous" in k for k in _lines(ax))
        assert any(t.get_text() == "(no rows)" for t in ax.texts)
        assert _shaded(ax) == ["warm-up"]
    plt.close(fig)
    # a previous period the data does not reach: no dashed line, no error
    october_only = shop[shop["date"] >= "2026-10-01"]
    fig = plots.daily_gmv_spend_chart(october_only, ad, resolved, {}, "zh")
    assert list(_lines(fig.axes[0])) == ["本期"] and _shaded(fig.axes[0]) == []
    plt.close(fig)


def test_spend_outlier_chart_shades_planned_phases():
    import matplotlib.pyplot as plt
    import pandas as pd

    flags = pd.DataFrame(
        {
            "date": pd.date_range("2026-10-12", periods=4).date,
            "cost": [100.0, 100, 300, 320],
            "baseline": [100.0] * 4,
            "outlier": [False] * 4,
            "phase": ["ordinary", "ordinary", "warmup", "warmup"],
        }
    )
    fig = plots.spend_outlier_chart(flags, flags["date"].min(), flags["date"].max(), "zh")
    assert _shaded(fig.axes[0]) == ["预热"]
    plt.close(fig)
