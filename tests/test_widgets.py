"""The explorers build and react without a browser; their numbers are channels.explore's."""

import pandas as pd
import pytest
from conftest import unselected
from jdpromo import widgets


@pytest.fixture
def frames():
    days = pd.date_range("2026-10-01", periods=4)
    ad = pd.DataFrame(
        {
            "date": list(days) * 2,
            "product_line": ["快车"] * 4 + ["展位"] * 4,
            "campaign": ["c"] * 8,
            "impressions": [1000.0] * 8,
            "clicks": [10.0, 20, 30, 40, 5, 5, 5, 5],
            "cost": [10.0] * 8,
            "order_lines": [1.0] * 8,
            "revenue": [50.0] * 8,
            "carts": [2.0] * 8,
        }
    )
    traffic = pd.DataFrame(
        {
            "date": days,
            "period_start": days,
            "period_end": days,
            "source_level1": ["搜索"] * 4,
            "visitors": [100.0] * 4,
            "buyers": [3.0] * 4,
            "gmv": [300.0] * 4,
        }
    )
    return ad, traffic


def test_channel_explorer_reacts_to_choices(frames):
    ad, traffic = frames
    box = widgets.channel_explorer(
        ad, traffic, pd.Timestamp("2026-10-01").date(), pd.Timestamp("2026-10-04").date(), "zh"
    )
    lens, row, out = box.children
    chans, controls = row.children
    metric, group, first, last = controls.children
    assert unselected(box) == [] and (lens.value, metric.value, group.value) == (
        "ad",
        "cost",
        "day",
    )
    assert len(box.result) == 8  # 4 days × 2 lines, before any choice
    assert set(chans.options) == {"快车", "展位"}
    metric.value = "ctr"
    group.value = "channel"
    res = box.result.set_index("channel")
    # 快车 CTR over the 4 days: 100 clicks / 4000 impressions, a ratio of sums
    assert res.loc["快车", "ctr"] == pytest.approx(100 / 4000)
    assert res.loc["展位", "ctr"] == pytest.approx(20 / 4000)
    chans.value = ("展位",)
    assert list(box.result["channel"]) == ["展位"]
    lens.value = "traffic"
    assert list(chans.options) == ["搜索"]


def test_explorer_tables_scroll():
    html = widgets.scrolling("<table></table>")
    assert "max-height:28em" in html and "overflow:auto" in html and "<table></table>" in html
