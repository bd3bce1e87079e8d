import datetime as dt
import math

import pandas as pd
import pytest
from jdpromo import report
from jdpromo.params import Phase, Promotion, ShopParams
from jdpromo.periods import PromotionContext, parse_period, promotion_context
from jdpromo.report import (
    compare_text,
    excel_safe,
    html_table,
    promotion_banner,
    write_table,
)


def test_html_table_escapes_and_translates():
    frame = pd.DataFrame(
        {"file": ["<script>alert(1)</script>"], "rows_read": [3], "ctr": [math.nan]}
    )
    out = html_table(frame, "zh")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "读入行数" in out and "—" in out
    assert "rows read" in html_table(frame, "en")


def test_write_table_utf8_bom_and_formula_safe(tmp_path):
    frame = pd.DataFrame(
        {
            "search_term": ['=HYPERLINK("x")', "空气炸锅", "-1+2", "@SUM(A1)"],
            "cost": [1.0, 2.0, 3.0, -4.0],
        }
    )
    path = write_table(frame, tmp_path / "tables", "terms")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["search_term"].tolist() == ['\'=HYPERLINK("x")', "空气炸锅", "'-1+2", "'@SUM(A1)"]
    assert back["cost"].tolist() == [1.0, 2.0, 3.0, -4.0]  # numbers are not touched
    assert excel_safe(frame) is not frame


def test_workbook_sheets_are_formula_safe(tmp_path):
    import openpyxl
    from jdpromo.report import write_workbook

    path = write_workbook(
        {
            "否定关键词": pd.DataFrame({"search_term": ["=cmd|' /C calc'!A0", "炒锅"]}),
            "出价调整": pd.DataFrame({"bid": [1.5]}),
        },
        tmp_path / "actions.xlsx",
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["否定关键词", "出价调整"]
    cell = wb["否定关键词"]["A2"]
    assert cell.value.startswith("'=") and cell.data_type == "s"
    assert wb["出价调整"]["A2"].value == 1.5


def test_workbook_is_rounded_formatted_frozen_and_filtered(tmp_path):
    import openpyxl
    from jdpromo.report import write_workbook

    frame = pd.DataFrame(
        {
            "keyword": ["炒锅", "空气炸锅"],
            "keyword_id": [123456789012.0, 7.0],
            "cost": [782.8199999999999, math.nan],
            "ctr": [0.0123456, 0.5],
            "clicks": [1234.0, 2.0],
            "is_brand": [True, False],
            "bid_change_pct": [12.54, -3.0],
        }
    )
    jd = pd.DataFrame({"关键词": ["炒锅"], "当前出价": [1.234]})
    path = write_workbook(
        {"kw": frame, "jd": jd}, tmp_path / "a.xlsx", names={"jd": {"当前出价": "current_bid"}}
    )
    ws = openpyxl.load_workbook(path)["kw"]
    assert [c.value for c in ws[1]] == [
        "关键词", "关键词ID", "花费（元）", "点击率", "点击数", "品牌词", "调整幅度（%）"
    ]  # fmt: skip
    assert [c.value for c in ws[2]] == ["炒锅", "123456789012", 782.82, 0.0123, 1234, "是", 12.5]
    assert [c.value for c in ws[3]] == ["空气炸锅", "7", None, 0.5, 2, "否", -3.0]
    formats = [c.number_format for c in ws[2]]
    assert formats == ["General", "@", "¥#,##0.00", "0.00%", "#,##0", "General",
                       '+0.0"%";-0.0"%";0.0"%"']  # fmt: skip
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:G3"
    # widths: 关键词 and 空气炸锅 (4 CJK = 8) + 2; 123456789012 (12) + 2
    assert ws.column_dimensions["A"].width == pytest.approx(10, abs=0.8)
    assert ws.column_dimensions["B"].width == pytest.approx(14, abs=0.8)
    jd_ws = openpyxl.load_workbook(path)["jd"]  # JD's headers kept, formatted by the registry
    assert [c.value for c in jd_ws[1]] == ["关键词", "当前出价"]
    assert jd_ws["B2"].value == 1.23 and jd_ws["B2"].number_format == "¥#,##0.00"


# --------------------------------------------------------------------------------------------
# Promotion banner and the 环比 line

D = dt.date
EXPORTED = D(2026, 11, 1)


def _promos():
    return {
        "1111-2026": Promotion(
            label="2026年双11",
            warmup=Phase(start=D(2026, 10, 14), end=D(2026, 10, 31)),
            peak=Phase(start=D(2026, 11, 1), end=D(2026, 11, 11)),
            encore=Phase(start=D(2026, 11, 12), end=D(2026, 11, 13)),
        )
    }


def _context(period: str, as_of: dt.date = EXPORTED):
    resolved = parse_period(period, _promos())
    promo = promotion_context(resolved.current, _promos(), attribution_days=15, as_of=as_of)
    return resolved, promo


def test_promotion_banner_names_phases_days_dates_and_hold():
    _, promo = _context("2026-10")
    assert promotion_banner(promo, "zh") == (
        "本期含 2026年双11 预热 18 天（10-14 至 10-31）。"
        "预热期看加购成本和预售（定金）订单，不按ROI评判。"
        "暂停、降价等判断请在 2026-11-26（爆发期结束后再过一个归因周期）之后再做。"
    )
    _, week = _context("2026-W44")
    en = promotion_banner(week, "en")
    assert en.startswith(
        "This period includes 2026年双11: warm-up 6 days (10-26 to 10-31); peak 1 day (11-01)."
    )
    assert "2026-11-26" in en


def test_promotion_banner_without_hold_and_without_promotion():
    _, whole = _context("1111-2026", as_of=D(2026, 12, 31))
    assert whole.hold_until is None
    zh = promotion_banner(whole, "zh", whole=True)
    assert "返场 2 天（11-12 至 11-13）" in zh and "本期就是整个大促" in zh and "之后再做" not in zh
    # the peak and encore of a month, attribution closed: judged with the whole promotion
    _, nov = _context("2026-11", as_of=D(2026, 12, 31))
    assert "不要只看本期这几天" in promotion_banner(nov, "zh")
    assert "预热期" not in promotion_banner(nov, "zh")
    assert promotion_banner(PromotionContext(), "zh") == ""


def test_compare_line_says_when_it_crosses_a_promotion_boundary():
    p = _promos()
    oct_ = compare_text(parse_period("2026-10", p), p, "zh")
    assert oct_.startswith("环比：2026-09　同比：2025-10") and "以同比为准" in oct_
    assert "大促边界" not in compare_text(parse_period("2026-09", p), p, "zh")
    # no 同比 (no 1111-2025 in these params): 环比 is only indicative
    assert "仅供参考" in compare_text(parse_period("1111-2026", p), p, "zh")


def test_header_shows_the_promotion_banner(monkeypatch):
    shown = []
    monkeypatch.setattr(report, "_display", shown.append)
    resolved, promo = _context("2026-10")
    r = report.Report(
        shop="demo", lang="zh", params=ShopParams(promotions=_promos()), period=resolved,
        dataset=None, window=(15, "click"), as_of=EXPORTED, partial=[], tables_dir=None,
        promo=promo,
    )  # fmt: skip
    r.header("health_title")
    assert "本期含 2026年双11 预热 18 天" in shown[0] and "jd-info" in shown[0]
    assert "环比跨越大促边界" in shown[0]
    r.promo = PromotionContext()
    r.period = parse_period("2026-09", _promos())
    r.header("health_title")
    assert "本期含" not in shown[1] and "大促边界" not in shown[1]


def test_every_page_announces_margins_and_targets_left_at_defaults(monkeypatch):
    shown = []
    monkeypatch.setattr(report, "_display", shown.append)
    resolved, promo = _context("2026-09")
    r = report.Report(
        shop="s", lang="zh", params=ShopParams(gross_margin=0.4), period=resolved, dataset=None,
        window=(15, "click"), as_of=EXPORTED, partial=[], tables_dir=None, promo=promo,
    )  # fmt: skip
    r.header("health_title")
    # gross margin set; commission 5% and refunds 3% are defaults: 保本 1 / (0.40 − 0.08) = 3.125
    assert "使用默认值（扣点 5%、退款率 3%），保本ROI 3.12" in shown[0]
    assert "没有设置目标" in shown[0]
    assert ShopParams(gross_margin=0.4).defaulted == ["commission_rate", "refund_rate", "targets"]
    set_all = ShopParams(gross_margin=0.4, commission_rate=0.05, refund_rate=0.02,
                         targets={"roi": 3.0})  # fmt: skip
    assert set_all.defaulted == []
    r.params = set_all
    r.header("health_title")
    assert "默认值" not in shown[1] and "没有设置目标" not in shown[1]


def test_partial_reasons_read_in_chinese():
    from jdpromo.periods import partial_reasons
    from jdpromo.text import partial_text

    week = parse_period("2026-W44", {}).current
    reasons = partial_reasons(week, data_start=D(2024, 11, 1), data_end=D(2026, 10, 31),
                              as_of=D(2026, 11, 10), attribution_days=15)  # fmt: skip
    assert partial_text(reasons, "zh") == (
        "数据只覆盖 2024-11-01 至 2026-10-31，本期为 2026-10-26 至 2026-11-01；"
        "本期结束后不到一个归因周期（15 天）就导出了（2026-11-10），归因订单仍在累计"
    )
    assert partial_text(reasons, "en") == "; ".join(reasons)
    assert partial_text(["something new"], "zh") == "something new"  # shown as it is
