import math

import pandas as pd
from jdpromo.report import excel_safe, format_value, html_table, write_table


def test_format_values():
    assert format_value("cost", 1234.5) == "1,234.50"
    assert format_value("clicks", 1234567) == "1,234,567"
    assert format_value("ctr", 0.012345) == "1.23%"
    assert format_value("roi", 3.456) == "3.46"
    assert format_value("ctr", math.nan) == "—"
    assert format_value("cost", None) == "—"
    assert format_value("cost", pd.NA) == "—"
    assert format_value("date", pd.Timestamp("2026-10-13")) == "2026-10-13"


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


def test_inventory_terms_are_translated():
    from jdpromo.report import display_value

    reasons = "total row: 1; superseded by 快车_10月.csv: 30"
    assert (
        display_value("skip_reasons", reasons, "zh")
        == "合计行: 1; 被较晚导出的文件替换：快车_10月.csv: 30"
    )
    assert display_value("skip_reasons", reasons, "en") == reasons
    assert display_value("attribution", "15天 点击 (file)", "zh") == "15天 按点击（文件注明）"
    assert (
        display_value("attribution", "当天 下单 (params)", "en")
        == "same day order-based (shop params)"
    )
    assert (
        display_value("attribution", "7天 点击 (params)", "en")
        == "7 days click-based (shop params)"
    )


def test_error_places_in_chinese():
    from jdpromo.report import display_value

    msg = (
        "file data/x/快车.csv, row 5, column '点击数': expected a count such as 1234, found '十二'"
    )
    assert display_value("message", msg, "zh") == (
        "文件 data/x/快车.csv，第 5 行，列「点击数」：expected a count such as 1234, found '十二'"
    )
    assert display_value("message", msg, "en") == msg
    assert (
        display_value("message", "file a.csv: the file is empty", "zh")
        == "文件 a.csv：the file is empty"
    )
