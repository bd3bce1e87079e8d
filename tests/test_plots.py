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
