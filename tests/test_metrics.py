import math

import numpy as np
import pandas as pd
import pytest
from jdpromo.metrics import AD_RATIOS, SHOP_RATIOS, change_pct, change_pp, ratio, summarize


def test_ratio_zero_denominator_is_nan_never_inf_or_zero():
    assert math.isnan(ratio(5, 0))
    assert math.isnan(ratio(0, 0))
    assert ratio(0, 4) == 0.0
    out = ratio(pd.Series([1.0, 2.0, 0.0]), pd.Series([4.0, 0.0, 0.0]))
    assert out.iloc[0] == 0.25 and out.iloc[1:].isna().all()
    assert not np.isinf(out).any()


def test_summarize_is_ratio_of_sums_worked_by_hand():
    rows = pd.DataFrame(
        {
            "line": ["快车", "快车", "展位", "海投"],
            "impressions": [1000, 3000, 500, 0],
            "clicks": [10, 50, 0, 0],
            "cost": [20.0, 60.0, 15.0, 0.0],
            "order_lines": [1, 4, 0, 0],
            "direct_order_lines": [1, 2, 0, 0],
            "revenue": [100.0, 380.0, 0.0, 0.0],
            "direct_revenue": [100.0, 200.0, 0.0, 0.0],
            "carts": [3, 5, 0, 0],
        }
    )
    out = summarize(rows, "line").set_index("line")
    k = out.loc["快车"]
    # ratio of sums: 60 clicks / 4000 impressions, not the mean of 1% and 1.667%
    assert k["ctr"] == pytest.approx(60 / 4000)
    assert k["cpc"] == pytest.approx(80 / 60)
    assert k["cpm"] == pytest.approx(80 / 4000 * 1000)
    assert k["cvr"] == pytest.approx(5 / 60)
    assert k["direct_cvr"] == pytest.approx(3 / 60)
    assert k["cart_rate"] == pytest.approx(8 / 60)
    assert k["cpa"] == pytest.approx(80 / 5)
    assert k["roi"] == pytest.approx(480 / 80)
    assert k["direct_roi"] == pytest.approx(300 / 80)
    # impressions but no clicks: click-based rates undefined, ctr is 0, roi 0
    z = out.loc["展位"]
    assert z["ctr"] == 0 and math.isnan(z["cvr"]) and math.isnan(z["cpc"]) and z["roi"] == 0
    # nothing at all: everything undefined
    assert out.loc["海投", list(AD_RATIOS)].isna().all()
    total = summarize(rows, None).iloc[0]
    assert total["ctr"] == pytest.approx(60 / 4500) and total["roi"] == pytest.approx(480 / 95)


def test_shop_ratios():
    shop = pd.DataFrame(
        {"visitors": [1000], "order_buyers": [50], "buyers": [40], "gmv": [8000.0], "orders": [44]}
    )
    k = summarize(shop, None, SHOP_RATIOS).iloc[0]
    assert k["conversion"] == 0.04 and k["order_rate"] == 0.05 and k["pay_rate"] == 0.8
    assert k["spend_per_buyer"] == 200.0 and k["aov"] == pytest.approx(8000 / 44)


def test_changes():
    assert change_pp(0.031, 0.021) == pytest.approx(1.0)
    assert change_pct(120.0, 100.0) == pytest.approx(20.0)
    assert math.isnan(change_pct(5.0, 0.0))
    assert list(change_pct(pd.Series([1.0, 2.0]), pd.Series([2.0, 0.0])).fillna(-1)) == [-50.0, -1]


def test_a_column_without_values_gives_undefined_rates_not_zero():
    rows = pd.DataFrame(
        {"line": ["快车", "快车"], "clicks": [10.0, 20.0], "carts": [np.nan, np.nan]}
    )
    out = summarize(rows, "line").iloc[0]
    assert math.isnan(out["carts"]) and math.isnan(out["cart_rate"])
    assert math.isnan(summarize(rows, None).iloc[0]["cart_rate"])
