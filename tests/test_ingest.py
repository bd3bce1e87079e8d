"""Tests of jdpromo.ingest against the quirky export files of tests/corpus (see its README).

Every expected figure below was worked out by hand from the corpus file it names.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from conftest import CORPUS, ROOT
from jdpromo import contract, ingest, ingest_cache
from jdpromo.contract import DEFAULT_LIMITS
from jdpromo.errors import InputError, ParameterError, UnknownExportError
from jdpromo.ingest import detect_table, load_folder, order_level, read_export
from jdpromo.ingest_convert import _expand_sci, canonical_columns, to_datetime, to_id, to_number
from jdpromo.ingest_headers import normalize_header, parse_attribution, parse_title

D = pd.Timestamp


def read(name: str) -> ingest.ParsedFile:
    return read_export(CORPUS / name)


def error_of(name: str, kind: type[Exception] = InputError) -> InputError:
    with pytest.raises(kind) as info:
        read(name)
    return info.value


# --------------------------------------------------------------------------------------------
# Contract and header recognition


def test_contract_aliases_do_not_collide_within_a_table() -> None:
    for table in contract.TABLES.values():
        seen: dict[str, str] = {}
        for col in table.columns:
            for alias in col.aliases:
                norm = normalize_header(alias)
                assert seen.setdefault(norm, col.name) == col.name, (table.name, alias)
        for sig in table.signature:
            table.column(sig)
        for key in table.keys:
            table.column(key)


def test_canonical_columns_are_the_contract_plus_derived_ones() -> None:
    cols = canonical_columns("ad_daily")
    assert list(cols)[:3] == ["date", "period_start", "period_end"]
    assert list(cols)[-4:] == ["attribution_days", "attribution_basis", "source_file", "row"]
    assert cols["cost"] == "float64" and cols["sku"] == "str" and cols["row"] == "int64"
    assert "period" not in canonical_columns("traffic_daily")
    assert "attribution_days" not in canonical_columns("orders")
    frame = ingest.empty_frame("orders")
    assert frame.empty and str(frame["ordered_at"].dtype) == "datetime64[ns]"


@pytest.mark.parametrize(
    ("headers", "table"),
    [
        (
            ["日期", "推广计划", "展现数", "点击数", "花费(元)", "总订单行", "总订单金额"],
            "ad_daily",
        ),
        (["\ufeff日期", " 推广计划 ", "展现量", "点击量", "总费用（元）"], "ad_daily"),
        (["日期", "推广计划", "关键词", "展现数", "点击数", "花费", "总订单行"], "keyword_daily"),
        (["统计周期", "一级来源", "访客数", "跳失率(%)"], "traffic_daily"),
        (["日期", "访客数", "下单客户数", "成交客户数", "成交金额"], "shop_daily"),
        (["日期", "商品SKU", "商品访客数"], "sku_daily"),
        (["订单号", "下单帐号", "下单时间", "订单金额", "订单状态"], "orders"),
        (["搜索词", "搜索人数", "搜索次数", "点击率"], "industry_keywords"),
        (["商品名称", "评价内容", "评分"], None),
    ],
)
def test_detect_table(headers: list[str], table: str | None) -> None:
    assert detect_table(headers) == table


def test_title_lines_state_window_export_time_product_line_and_period() -> None:
    info = parse_title(
        [["京东快车 推广计划报表"], ["转化周期：15天（点击）", "导出时间：2026-11-20 09:30:00"]]
    )
    assert (info.attribution_days, info.attribution_basis) == (15, "click")
    assert info.export_time == dt.datetime(2026, 11, 20, 9, 30)
    assert info.product_line == "快车"
    assert parse_attribution("转化周期: 当天") == (0, None)
    assert parse_attribution("转化周期：7天(下单)") == (7, "order")
    assert parse_attribution("15天", value=True) == (15, None)
    assert parse_attribution("昨天", value=True) is None
    # An explicitly named line is kept exactly, even an unknown one.
    assert parse_title([["推广产品：新品推广X"]]).product_line == "新品推广X"
    assert parse_title([["京东展位 创意报表"]]).product_line == "展位"
    assert parse_title([["时间范围：2026-10-01 至 2026-10-31"]]).period == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
    )


# --------------------------------------------------------------------------------------------
# Cell kinds


def test_numbers_lose_separators_currency_and_markers() -> None:
    raw = pa.array(["1,234", "¥1,234.50", "￥3", "12元", " 7 ", "-", "--", "—", "", "1\u30000"])
    values, bad = to_number(raw, "money")
    assert bad is None
    assert values.to_pylist() == [1234.0, 1234.5, 3.0, 12.0, 7.0, None, None, None, None, 10.0]
    rates, bad = to_number(pa.array(["3.25%", "0.5", "100%", "-"]), "rate")
    assert bad is None and rates.to_pylist() == pytest.approx([0.0325, 0.5, 1.0, None])
    _, bad = to_number(pa.array(["45.2"]), "rate")  # a bare number above 1 is ambiguous
    assert bad is not None and bad.pos == 0
    _, bad = to_number(pa.array(["1", "2", "3.25%"]), "count")
    assert bad is not None and bad.pos == 2
    _, bad = to_number(pa.array(["1", "inf"]), "count")
    assert bad is not None and bad.pos == 1


def test_dates_in_every_exported_form() -> None:
    raw = pa.array(
        [
            "20261013",
            "2026-10-13",
            "2026/10/13",
            "2026-10-13 00:00:00",
            "2026-1-3",
            "2026年10月13日",
            "-",
        ]
    )
    values, bad = to_datetime(raw, "date")
    assert bad is None
    want = [D("2026-10-13")] * 4 + [D("2026-01-03"), D("2026-10-13"), None]
    assert values.to_pylist() == [w if w is None else w.to_pydatetime() for w in want]
    times, bad = to_datetime(
        pa.array(["2026-10-13 14:05:09", "2026/10/13 14:05", "20261013 08:00:00"]), "datetime"
    )
    assert bad is None
    assert [t.isoformat(" ") for t in times.to_pylist()] == [
        "2026-10-13 14:05:09",
        "2026-10-13 14:05:00",
        "2026-10-13 08:00:00",
    ]
    _, bad = to_datetime(pa.array(["2026-10-13", "2026-13-01"]), "date")
    assert bad is not None and bad.pos == 1


def test_ids_stay_text_and_exact_scientific_notation_is_expanded() -> None:
    assert _expand_sci("1.2345678901E+13") == "12345678901000"
    assert _expand_sci("1.23457E+13") is None  # Excel's 6-digit display: digits were lost
    assert _expand_sci("1.2345678901E+5") is None  # not a whole number
    ids, bad, n = to_id(pa.array(["00123", '="0456"', "'0789", "1.2345678901E+13", "-"]))
    assert bad is None and n == 1
    assert ids.to_pylist() == ["00123", "0456", "0789", "12345678901000", None]


# --------------------------------------------------------------------------------------------
# The corpus, file by file


def test_kuaiche_campaign_bom_title_units_currency_and_total_row() -> None:
    parsed = read("kuaiche_campaign_bom.csv")
    r, f = parsed.report, parsed.frame
    assert (r.table, r.status, r.message) == ("ad_daily", "ok", None)
    assert (r.rows_read, r.rows_used, r.rows_skipped) == (4, 3, 1)
    assert r.skip_reasons == {"total row": 1}
    assert (r.attribution_days, r.attribution_basis) == (15, "click")
    assert r.export_time == dt.datetime(2026, 11, 20, 9, 30)
    assert (r.date_min, r.date_max) == (dt.date(2026, 10, 13), dt.date(2026, 10, 14))
    assert f["row"].tolist() == [4, 5, 6]
    assert set(f["product_line"]) == {"快车"}
    assert f["cost"].sum() == pytest.approx(1234.50 + 99.9 + 1000)  # 2,334.40, total row not added
    assert f["impressions"].tolist() == [12345, 2000, 10000]
    # 总订单行 = 直接 + 间接 (no total column); "--" and "—" are empty.
    assert f["order_lines"].tolist()[:2] == [7, 1] and np.isnan(f["order_lines"].iloc[2])
    assert f["revenue"].tolist()[:2] == [1200.5, 88] and np.isnan(f["revenue"].iloc[2])
    assert np.isnan(f["carts"].iloc[1]) and f["carts"].iloc[2] == 3
    assert "ctr" not in f and "点击率" not in f  # ratios are recomputed, never read
    assert set(f["source_file"]) == {"kuaiche_campaign_bom.csv"}
    assert any("'备注'" in w for w in r.warnings)
    assert any("总订单行 computed" in w for w in r.warnings)


def test_zhanwei_gbk_crlf_keeps_product_lines_as_exported() -> None:
    r, f = read("zhanwei_creative_gbk.csv").report, read("zhanwei_creative_gbk.csv").frame
    assert r.table == "ad_daily" and r.rows_used == 3
    assert f["product_line"].tolist() == ["京东展位", "智能投放X", "京东展位"]
    assert f["creative"].tolist() == ["创意甲", "创意乙", "创意甲"]
    assert f["cost"].sum() == pytest.approx(1550.75)
    assert f["date"].tolist() == [D("2026-10-13"), D("2026-10-13"), D("2026-10-14")]
    assert (f["period_start"] == f["date"]).all() and (f["period_end"] == f["date"]).all()
    assert r.attribution_days is None and r.attribution_basis is None and r.export_time is None


def test_haitou_no_bom_repeated_header_empty_rows_and_window_column() -> None:
    r, f = read("haitou_nobom.csv").report, read("haitou_nobom.csv").frame
    assert (r.rows_read, r.rows_used) == (6, 3)
    assert r.skip_reasons == {"repeated header": 1, "empty row": 2}
    assert f["row"].tolist() == [3, 6, 8]
    assert f["date"].tolist() == [D("2026-10-13"), D("2026-10-14"), D("2026-10-15")]
    assert set(f["product_line"]) == {"海投"}
    assert (r.attribution_days, r.attribution_basis) == (0, None)  # 转化周期 当天, basis unstated
    assert f["cost"].sum() == pytest.approx(90.0)
    assert f["order_lines"].tolist() == [1, 2, 0]
    assert any("'店铺评分'" in w for w in r.warnings)


def test_keywords_crlf_tabs_in_quotes_ids_and_identical_rows_kept() -> None:
    r, f = read("kuaiche_keywords_crlf.csv").report, read("kuaiche_keywords_crlf.csv").frame
    assert r.table == "keyword_daily" and (r.rows_read, r.rows_used) == (4, 4)
    assert f["search_term"].tolist()[0] == "连衣裙\t夏季"
    assert f["keyword"].tolist()[3] == "T恤, 男"
    assert f["keyword_id"].tolist() == ["0012345", "12345678901000", "12345678901000", "000777"]
    # Rows 3 and 4 are identical: both are data.
    assert f.iloc[1].drop("row").equals(f.iloc[2].drop("row"))
    assert f["cost"].sum() == pytest.approx(27.80)
    assert any("2 in '关键词ID'" in w for w in r.warnings)


def test_tab_separated_keywords_with_title_window_and_direct_columns_only() -> None:
    r, f = read("kuaiche_keywords_tab.txt").report, read("kuaiche_keywords_tab.txt").frame
    assert r.table == "keyword_daily" and f["row"].tolist() == [3, 4]
    assert f["keyword"].tolist() == ["手机壳", "手机\t壳"]
    assert (r.attribution_days, r.attribution_basis) == (7, "order")
    assert f["attribution_days"].tolist() == [7, 7]
    assert f["direct_order_lines"].tolist() == [3, 0] and "order_lines" not in f
    assert f["cost"].sum() == pytest.approx(52.50)
    assert any("order_lines" in w and "unknown" in w for w in r.warnings)


def test_utf16_unicode_text() -> None:
    f = read("kuaiche_unicode_text.txt").frame
    assert f[["campaign", "cost", "row"]].values.tolist() == [["计划U", 0.5, 2]]


def test_keyword_list_takes_its_period_from_the_title() -> None:
    r, f = read("keyword_list_title_period.csv").report, read("keyword_list_title_period.csv").frame
    assert "date" not in f
    assert f["period_start"].tolist() == [D("2026-10-01")]
    assert f["period_end"].tolist() == [D("2026-10-31")]
    assert f["bid"].tolist() == [1.2] and f["row"].tolist() == [4]
    assert (r.date_min, r.date_max) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def test_csv_that_is_a_zip_of_parts() -> None:
    r, f = read("keywords_download.csv").report, read("keywords_download.csv").frame
    assert r.table == "keyword_daily"
    assert (r.rows_read, r.rows_used, r.skip_reasons) == (5, 4, {"total row": 1})
    assert f["source_file"].tolist() == [
        "keywords_download.csv!part1.csv",
        "keywords_download.csv!part1.csv",
        "keywords_download.csv!part2.csv",
        "keywords_download.csv!part10.csv",
    ]
    assert f["row"].tolist() == [2, 3, 2, 2]
    assert f["keyword"].tolist() == ["词1", "词2", "词3", "词4"]  # part2 was GB18030
    assert f["cost"].sum() == pytest.approx(10.0)


def test_error_in_a_zip_part_names_the_part_and_its_row() -> None:
    err = error_of("orders_parts_bad.zip")
    assert err.file == f"{CORPUS / 'orders_parts_bad.zip'}!part2.csv"
    assert (err.row, err.column) == (3, "下单时间")
    assert "orders_parts_bad.zip!part2.csv, row 3, column '下单时间'" in str(err)
    assert "expected a date and time" in str(err) and "'昨天 12:00'" in str(err)


def test_traffic_periods_percentages_and_gbk() -> None:
    f = read("traffic_period_gbk.csv").frame
    assert f["period_start"].tolist() == [D("2026-10-01"), D("2026-10-01"), D("2026-11-01")]
    assert f["period_end"].tolist() == [D("2026-10-31"), D("2026-10-31"), D("2026-11-30")]
    assert f["bounce_rate"].tolist()[:2] == pytest.approx([0.452, 0.60])
    assert np.isnan(f["bounce_rate"].iloc[2])
    assert f["visitors"].sum() == 17100
    assert f["gmv"].sum() == pytest.approx(12345.60 + 2000 + 99)
    assert f["source_level2"].tolist() == ["京东搜索", "为你推荐", "微信"]


def test_shop_overview_dashes_midnight_dates_repeated_title_header_and_total() -> None:
    r, f = read("shop_overview_dash.csv").report, read("shop_overview_dash.csv").frame
    assert r.skip_reasons == {"total row": 1, "repeated header": 1, "title line": 1}
    assert (r.rows_read, r.rows_used, r.rows_skipped) == (6, 3, 3)
    assert f["row"].tolist() == [2, 3, 6]
    assert f["date"].tolist() == [D("2026-10-13"), D("2026-10-14"), D("2026-10-15")]
    assert f["visitors"].sum() == 1130  # the 总计 row (1130) is not added again
    assert f["page_views"].isna().tolist() == [False, True, False]
    assert f["bounce_rate"].isna().tolist() == [False, True, False]
    assert f["cart_buyers"].isna().tolist() == [False, True, False]
    assert "客单价" not in f and "spend_per_buyer" not in f


def test_sku_ids_keep_leading_zeros() -> None:
    f = read("sku_detail_ids.csv").frame
    assert f["sku"].tolist() == ["000123", "12345678901000", "0456"]
    assert f["gmv"].sum() == pytest.approx(859.90)


def test_sku_id_that_lost_digits_is_an_error() -> None:
    err = error_of("sku_sci_lost.csv")
    assert (err.row, err.column) == (3, "商品SKU")
    assert "precision lost" in str(err) and "'1.23457E+13'" in str(err)
    assert "re-export" in str(err)


def test_orders_sku_lines_masked_accounts_and_datetimes() -> None:
    r, f = read("orders_sku_lines.csv").report, read("orders_sku_lines.csv").frame
    assert r.table == "orders" and r.rows_used == 5  # the repeated last line is data
    assert f["order_id"].tolist()[:3] == ["000100001", "000100001", "000100002"]
    assert f["ordered_at"].tolist()[2] == D("2026-10-13 14:05:00")
    assert f["ordered_at"].tolist()[0] == D("2026-10-13 14:05:09")
    assert f["amount"].tolist() == [299, 299, 59.9, 1099, 1099]
    assert f["coupon_amount"].isna().tolist() == [False, False, False, True, True]
    assert any(w.startswith("3 of 5 rows have a masked buyer account") for w in r.warnings)
    orders = order_level(f)
    assert orders["order_id"].tolist() == ["000100001", "000100002", "000100003"]
    assert orders["amount"].sum() == pytest.approx(1457.90)  # 299 + 59.90 + 1,099, taken once
    assert orders["quantity"].tolist() == [3, 1, 6]
    assert orders["lines"].tolist() == [2, 1, 2]
    assert orders["sku"].tolist() == ["10001", "10003", "10001"]


def test_order_level_refuses_lines_that_disagree_on_the_amount() -> None:
    f = read("orders_amount_conflict.csv").frame
    with pytest.raises(InputError) as info:
        order_level(f)
    err = info.value
    assert (err.file, err.row, err.column) == ("orders_amount_conflict.csv", 5, "订单金额")
    assert "order A2" in str(err) and "50" in str(err) and "60" in str(err)


@pytest.mark.parametrize(
    ("name", "row", "column", "text"),
    [
        ("ad_missing_cost.csv", 2, "花费", "missing the 花费 column"),
        (
            "ad_text_in_clicks.csv",
            5,
            "点击数",
            "expected a count such as 1234 or 1,234, found '十二'",
        ),
        ("ad_negative_cost.csv", 3, "花费", "found '-3.20'"),
        ("ad_bad_date.csv", 3, "日期", "expected a date such as 2026-10-13"),
        ("ad_no_product_line.csv", 1, "推广产品", "no product line"),
        ("ragged_bad.csv", 3, None, "the row has 9 fields but the header (row 1) has 8"),
    ],
)
def test_errors_name_file_row_column_and_what_was_expected(
    name: str, row: int, column: str | None, text: str
) -> None:
    err = error_of(name)
    assert not isinstance(err, UnknownExportError)
    assert (err.file, err.row, err.column) == (str(CORPUS / name), row, column)
    assert str(err).startswith(f"file {CORPUS / name}, row {row}")
    assert text in str(err)


def test_empty_file_and_unknown_export_are_unknown() -> None:
    assert "the file is empty" in str(error_of("empty.csv", UnknownExportError))
    err = error_of("product_reviews.csv", UnknownExportError)
    assert "no header row of a known JD export" in str(err)


def test_header_only_file_is_ok_with_no_rows() -> None:
    parsed = read("header_only.csv")
    assert (parsed.report.status, parsed.report.rows_read) == ("ok", 0)
    assert parsed.report.warnings == ["no data rows below the header (row 1)"]
    assert parsed.frame.empty and "cost" in parsed.frame
    assert parsed.report.date_min is None


def test_industry_hot_words_keep_their_own_ratios() -> None:
    f = read("industry_hotwords.csv").frame
    assert f["keyword"].tolist() == ["连衣裙", "夏季连衣裙"]
    assert f["ctr"].tolist() == pytest.approx([0.125, 0.10])
    assert f["cvr"].tolist() == pytest.approx([0.032, 0.028])
    assert f["searchers"].sum() == 200_000 and f["searches"].sum() == 550_000
    assert f["kuaiche_reference_bid"].tolist() == pytest.approx([1.35, 1.10])


def test_rows_with_too_few_fields_are_skipped_when_empty_or_totals() -> None:
    r, f = read("ragged_rows.csv").report, read("ragged_rows.csv").frame
    assert r.skip_reasons == {"total row": 1, "empty row": 1}
    assert f["row"].tolist() == [2, 4] and f["cost"].sum() == pytest.approx(12.5)


def test_xlsx_with_merged_title_typed_cells_and_a_notes_sheet() -> None:
    r, f = read("touchpoint_report.xlsx").report, read("touchpoint_report.xlsx").frame
    assert r.table == "ad_daily" and r.skip_reasons == {"total row": 1}
    assert set(f["product_line"]) == {"购物触点"}
    assert (r.attribution_days, r.attribution_basis) == (30, "click")
    assert f["row"].tolist() == [3, 4, 5]
    assert f["cost"].sum() == pytest.approx(201.25)
    assert f["audience"].tolist() == ["高潜人群", "高潜人群", "老客"]
    assert f["date"].tolist() == [D("2026-10-13"), D("2026-10-14"), D("2026-10-14")]
    assert set(f["source_file"]) == {"touchpoint_report.xlsx"}
    assert r.warnings == ["sheet '说明' is not a known JD export: ignored"]


def test_old_binary_xls() -> None:
    r, f = read("jtk_report_old.xls").report, read("jtk_report_old.xls").frame
    assert r.table == "ad_daily" and r.skip_reasons == {"empty row": 1}
    assert f["row"].tolist() == [3, 5]
    assert set(f["product_line"]) == {"京挑客"}
    assert f["sku"].tolist() == ["100012345678"] * 2  # a number cell, read as text without ".0"
    assert f["date"].tolist() == [D("2026-10-13"), D("2026-10-14")]
    assert f["cost"].sum() == pytest.approx(100.0)


# --------------------------------------------------------------------------------------------
# Generated files: paths the small corpus files do not reach


def _ad_file(path: Path, rows: list[str], title: str = "京东快车\n") -> Path:
    path.write_text(
        title + "日期,推广计划,展现数,点击数,花费,总订单行,总订单金额\n" + "".join(rows)
    )
    return path


def test_bad_cell_beyond_the_sample_of_a_typed_column_is_quoted_exactly(tmp_path) -> None:
    rows = [f"2026-10-13,计划{i},100,10,1.00,0,0\n" for i in range(300)]
    bad = rows.copy()
    bad[250] = "2026-10-13,计划X,100,10,-3.20,0,0\n"
    with pytest.raises(InputError) as info:
        read_export(_ad_file(tmp_path / "neg.csv", bad))
    assert (info.value.row, info.value.column) == (253, "花费")
    assert "found '-3.20'" in str(info.value)
    bad = rows.copy()
    bad[280] = "2026-10-13,计划X,100,1,234,1.00,0,0\n"  # an unquoted thousands separator
    with pytest.raises(InputError) as info:
        read_export(_ad_file(tmp_path / "shift.csv", bad))
    assert info.value.row == 283 and "has 8 fields but the header (row 2) has 7" in str(info.value)
    bad = rows.copy()
    bad[290] = '2026-10-13,计划X,"1,000",10,1.00,0,0\n'  # a quoted thousands separator is fine
    parsed = read_export(_ad_file(tmp_path / "thousands.csv", bad))
    assert parsed.frame["impressions"].sum() == 299 * 100 + 1000


def test_line_break_inside_a_quoted_value_counts_as_one_row(tmp_path) -> None:
    rows = [
        "2026-10-13,计划A,1,1,1.00,0,0\n",
        '2026-10-14,"计划\nB",1,1,2.00,0,0\n',
        "合计,,2,2,3.00\n",
        "2026-10-15,计划C,1,1,4.00,0,0\n",
    ]
    parsed = read_export(_ad_file(tmp_path / "multiline.csv", rows))
    assert parsed.frame["campaign"].tolist() == ["计划A", "计划\nB", "计划C"]
    assert parsed.frame["row"].tolist() == [3, 4, 6]
    assert parsed.report.skip_reasons == {"total row": 1}


def test_xlsx_with_two_export_sheets_reads_both_as_parts(tmp_path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    for i, ws in enumerate([wb.active, wb.create_sheet("第二页")]):
        ws.append(
            ["日期", "推广产品", "推广计划", "展现数", "点击数", "花费", "总订单行", "总订单金额"]
        )
        ws.append([dt.datetime(2026, 10, 13 + i), "快车", f"计划{i}", 10, 1, 1.5 + i, 0, 0])
    wb.save(tmp_path / "two.xlsx")
    f = read_export(tmp_path / "two.xlsx").frame
    assert f["source_file"].tolist() == ["two.xlsx!Sheet", "two.xlsx!第二页"]
    assert f["cost"].tolist() == [1.5, 2.5] and f["row"].tolist() == [2, 2]


# --------------------------------------------------------------------------------------------
# Cache


def test_second_read_of_the_same_bytes_does_not_parse(tmp_path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    path = tmp_path / "a.csv"
    shutil.copy(CORPUS / "kuaiche_campaign_bom.csv", path)
    first = read_export(path, cache_dir=cache)

    def no_parse(data: bytes) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(ingest, "_parse", no_parse)
    again = read_export(path, cache_dir=cache)
    pd.testing.assert_frame_equal(first.frame, again.frame)
    assert again.report == first.report
    # Same bytes under another name: served from the cache too, with its own name.
    copy = tmp_path / "b.csv"
    shutil.copy(path, copy)
    other = read_export(copy, cache_dir=cache)
    assert set(other.frame["source_file"]) == {"b.csv"} and other.report.path == copy
    # A failed file is cached as a failure.
    bad = tmp_path / "bad.csv"
    shutil.copy(CORPUS / "ad_negative_cost.csv", bad)
    monkeypatch.undo()
    with pytest.raises(InputError) as first_error:
        read_export(bad, cache_dir=cache)
    monkeypatch.setattr(ingest, "_parse", no_parse)
    with pytest.raises(InputError) as second_error:
        read_export(bad, cache_dir=cache)
    assert str(first_error.value) == str(second_error.value)


def test_new_bytes_or_a_new_parser_version_parse_again(tmp_path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    path = tmp_path / "a.csv"
    shutil.copy(CORPUS / "zhanwei_creative_gbk.csv", path)
    read_export(path, cache_dir=cache)
    calls = []
    real = ingest._parse

    def counting(data: bytes, *rest):
        calls.append(len(data))
        return real(data, *rest)

    monkeypatch.setattr(ingest, "_parse", counting)
    read_export(path, cache_dir=cache)
    assert calls == []
    monkeypatch.setattr(ingest, "PARSER_VERSION", ingest.PARSER_VERSION + "-next")
    read_export(path, cache_dir=cache)
    assert len(calls) == 1
    shutil.copy(CORPUS / "haitou_nobom.csv", path)  # same path, new content
    assert set(read_export(path, cache_dir=cache).frame["product_line"]) == {"海投"}
    assert len(calls) == 2


def test_large_tables_are_cached_in_the_background(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(ingest_cache, "BACKGROUND_ROWS", 2)
    path = tmp_path / "a.csv"
    shutil.copy(CORPUS / "kuaiche_campaign_bom.csv", path)
    first = read_export(path, cache_dir=tmp_path / "cache")
    ingest_cache.flush()
    monkeypatch.setattr(ingest, "_parse", lambda data: pytest.fail("parsed again"))
    again = read_export(path, cache_dir=tmp_path / "cache")
    assert again.frame["cost"].sum() == pytest.approx(first.frame["cost"].sum())


# --------------------------------------------------------------------------------------------
# Folders


@pytest.fixture(scope="module")
def corpus_dataset() -> ingest.Dataset:
    return load_folder(CORPUS)


def test_load_folder_reads_every_file_and_never_raises(corpus_dataset) -> None:
    inv = corpus_dataset.inventory()
    assert list(inv.columns[:11]) == [
        "file",
        "table",
        "rows_read",
        "rows_used",
        "rows_skipped",
        "skip_reasons",
        "date_min",
        "date_max",
        "status",
        "attribution",
        "message",
    ]
    status = dict(zip(inv["file"], inv["status"], strict=True))
    assert ".hidden_export.csv" not in status
    errors = {
        "ad_bad_date.csv",
        "ad_missing_cost.csv",
        "ad_negative_cost.csv",
        "ad_no_product_line.csv",
        "ad_text_in_clicks.csv",
        "orders_parts_bad.zip",
        "ragged_bad.csv",
        "sku_sci_lost.csv",
        "hostile/ad_ambiguous_comma.csv",
        "hostile/ad_huge_number.csv",
    }
    ignored = {"empty.csv", "product_reviews.csv", "README.md", "make_corpus.py"}
    assert {f for f, s in status.items() if s == "error"} == errors
    assert {f for f, s in status.items() if s == "ignored"} == ignored
    assert len(status) == 40
    assert (inv["rows_read"] == inv["rows_used"] + inv["rows_skipped"]).all()
    assert inv.loc[inv["status"] != "ok", "message"].str.startswith("file ").all()
    assert inv.loc[inv["status"] != "ok", "table"].isna().all()
    assert any("could not be read" in w for w in corpus_dataset.warnings)


def test_load_folder_tables_are_canonical(corpus_dataset) -> None:
    ads = corpus_dataset.table("ad_daily")
    assert list(ads.columns) == list(canonical_columns("ad_daily"))
    assert {c: str(t) for c, t in ads.dtypes.items()} == canonical_columns("ad_daily")
    # haitou 3, xls 2, bom 3, utf16 1, overlap 2 + 6, ragged 2, xlsx 3, zhanwei 3; hostile:
    # mixed encodings 5, cut mid-character 2, cut mid-row 2, long title 1, 2.5 clicks 2, dates 3
    assert len(ads) == 25 + 15
    assert ads["attribution_days"].isna().sum() == 0
    windows = set(zip(ads["attribution_days"], ads["attribution_basis"], strict=True))
    assert windows == {(0, "click"), (15, "click"), (30, "click")}
    assert any("3 attribution windows" in w for w in corpus_dataset.warnings)
    assert corpus_dataset.has("orders") and len(corpus_dataset.table("orders")) == 9
    assert len(corpus_dataset.table("keyword_daily")) == 4 + 2 + 1 + 4


def test_inventory_attribution_says_where_the_window_comes_from(corpus_dataset) -> None:
    inv = corpus_dataset.inventory().set_index("file")
    assert inv.loc["kuaiche_campaign_bom.csv", "attribution"] == "15天 点击 (file)"
    assert inv.loc["haitou_nobom.csv", "attribution"] == "当天 点击 (file+params)"
    assert inv.loc["zhanwei_creative_gbk.csv", "attribution"] == "15天 点击 (params)"
    assert inv.loc["kuaiche_keywords_tab.txt", "attribution"] == "7天 下单 (file)"
    assert inv.loc["traffic_period_gbk.csv", "attribution"] == ""
    assert inv.loc["shop_overview_dash.csv", "skip_reasons"] == (
        "total row: 1; repeated header: 1; title line: 1"
    )


def test_overlapping_exports_the_later_one_wins() -> None:
    ds = load_folder(CORPUS / "overlap")
    ads = ds.table("ad_daily")
    # 10-01 from the first file (10 + 1), 10-02..10-04 from the second ((20 + 2) x 3).
    assert ads["cost"].sum() == pytest.approx(77.0)
    assert ads.groupby("source_file")["date"].nunique().to_dict() == {
        "kuaiche_1001_1003.csv": 1,
        "kuaiche_1002_1004.csv": 3,
    }
    assert ds.overlaps.to_dict("records") == [
        {
            "table": "ad_daily",
            "winner": "kuaiche_1002_1004.csv",
            "loser": "kuaiche_1001_1003.csv",
            "date_min": dt.date(2026, 10, 2),
            "date_max": dt.date(2026, 10, 3),
            "rows_replaced": 4,
        }
    ]
    loser = ds.files[0]
    assert (loser.rows_read, loser.rows_used, loser.rows_skipped) == (6, 2, 4)
    assert loser.skip_reasons == {"superseded by kuaiche_1002_1004.csv": 4}
    assert ds.inventory()["skip_reasons"].tolist()[0] == "superseded by kuaiche_1002_1004.csv: 4"
    assert not ds.has("orders")
    empty = ds.table("orders")
    assert empty.empty and list(empty.columns) == list(canonical_columns("orders"))
    with pytest.raises(KeyError):
        ds.table("nope")


def test_overlap_ties_are_broken_by_file_name_and_windows_are_kept_apart(tmp_path) -> None:
    rows = ["2026-10-13,计划A,100,10,5.00,0,0\n"]
    _ad_file(tmp_path / "a.csv", rows)
    _ad_file(tmp_path / "b.csv", ["2026-10-13,计划A,100,10,6.00,0,0\n"])
    ds = load_folder(tmp_path)
    assert ds.table("ad_daily")["source_file"].tolist() == ["b.csv"]
    assert ds.overlaps[["winner", "loser", "rows_replaced"]].values.tolist() == [
        ["b.csv", "a.csv", 1]
    ]
    # A file measured with another window is another fact: both kept, and a warning.
    _ad_file(tmp_path / "c.csv", rows, title="京东快车\n转化周期：7天\n")
    ds = load_folder(tmp_path, attribution_days=15)
    ads = ds.table("ad_daily").sort_values("source_file")
    assert ads["source_file"].tolist() == ["b.csv", "c.csv"]
    assert ads["attribution_days"].tolist() == [15, 7]
    assert any("2 attribution windows" in w for w in ds.warnings)


def test_nan_keys_compare_equal_and_identical_rows_in_one_file_stay(tmp_path) -> None:
    head = "日期,推广产品,推广计划,推广单元,展现数,点击数,花费,总订单行,总订单金额\n"
    (tmp_path / "a.csv").write_text(head + "2026-10-13,快车,计划A,-,1,1,1.00,0,0\n" * 2)
    (tmp_path / "b.csv").write_text(
        "导出时间：2026-10-20 10:00\n" + head + "2026-10-13,快车,计划A,—,1,1,2.00,0,0\n"
    )
    ds = load_folder(tmp_path)
    assert ds.table("ad_daily")["cost"].tolist() == [2.0]
    assert ds.files[0].skip_reasons == {"superseded by b.csv": 2}
    single = read_export(tmp_path / "a.csv").frame
    assert len(single) == 2


def test_load_folder_skips_hidden_files_lock_files_and_its_cache(tmp_path) -> None:
    shutil.copy(CORPUS / "zhanwei_creative_gbk.csv", tmp_path / "ok.csv")
    shutil.copy(CORPUS / "zhanwei_creative_gbk.csv", tmp_path / ".hidden.csv")
    shutil.copy(CORPUS / "zhanwei_creative_gbk.csv", tmp_path / "~$ok.xlsx")
    (tmp_path / ".git").mkdir()
    shutil.copy(CORPUS / "zhanwei_creative_gbk.csv", tmp_path / ".git" / "x.csv")
    ds = load_folder(tmp_path, cache_dir=tmp_path / "cache")
    ds = load_folder(tmp_path, cache_dir=tmp_path / "cache")  # the cache now exists inside
    assert [f.path.name for f in ds.files] == ["ok.csv"]


def test_load_folder_refuses_a_missing_folder_and_bad_params(tmp_path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_folder(tmp_path / "nope")
    with pytest.raises(ParameterError):
        load_folder(tmp_path, attribution_days=-1)
    with pytest.raises(ParameterError):
        load_folder(tmp_path, attribution_basis="view")
    ds = load_folder(tmp_path)
    assert ds.files == [] and ds.tables == {} and ds.overlaps.empty


def test_a_corrupt_zip_is_an_error_not_a_crash(tmp_path) -> None:
    good = (CORPUS / "keywords_download.csv").read_bytes()
    (tmp_path / "broken.csv").write_bytes(good[: len(good) // 2])
    with zipfile.ZipFile(tmp_path / "mixed.zip", "w") as zf:
        zf.writestr("p1.csv", (CORPUS / "zhanwei_creative_gbk.csv").read_bytes())
        zf.writestr("p2.csv", (CORPUS / "orders_amount_conflict.csv").read_bytes())
    ds = load_folder(tmp_path)
    status = {f.path.name: (f.status, f.message) for f in ds.files}
    assert status["broken.csv"][0] == "error" and "ZIP" in status["broken.csv"][1]
    assert status["mixed.zip"][0] == "error" and "mixed.zip!p2.csv" in status["mixed.zip"][1]


def test_an_unexpected_failure_in_one_file_does_not_stop_the_folder(tmp_path, monkeypatch) -> None:
    shutil.copy(CORPUS / "zhanwei_creative_gbk.csv", tmp_path / "ads.csv")
    shutil.copy(CORPUS / "shop_overview_dash.csv", tmp_path / "shop.csv")
    real = ingest._conform

    def broken(frame: pd.DataFrame, name: str) -> pd.DataFrame:
        if name == "shop_daily":
            raise RuntimeError("boom")
        return real(frame, name)

    monkeypatch.setattr(ingest, "_conform", broken)
    ds = load_folder(tmp_path)
    status = {f.path.name: (f.status, f.message) for f in ds.files}
    assert status["ads.csv"] == ("ok", None)
    assert status["shop.csv"][0] == "error"
    assert "RuntimeError: boom" in status["shop.csv"][1]
    assert ds.has("ad_daily") and not ds.has("shop_daily")


def test_docs_list_every_table_source_and_alias_of_the_contract() -> None:
    text = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    for table in contract.TABLES.values():
        assert f"### `{table.name}`" in text and table.source_zh in text
        for col in table.columns:
            assert f"| `{col.name}` |" in text
            for alias in col.aliases:
                assert alias in text, (table.name, alias)
    for name in (*contract.IGNORED_RATIOS, *contract.TOTAL_MARKERS[:3]):
        assert name in text


def test_large_files_are_hashed_while_read(tmp_path, monkeypatch) -> None:
    import hashlib

    monkeypatch.setattr(ingest, "_CHUNK", 64)  # files of 256 bytes and more take the chunked path
    path = tmp_path / "a.csv"
    shutil.copy(CORPUS / "kuaiche_campaign_bom.csv", path)
    with path.open("rb") as fh:
        data, sha = ingest._read_and_hash(fh, path.stat().st_size, DEFAULT_LIMITS)
    assert isinstance(data, bytearray) and bytes(data) == path.read_bytes()
    assert sha == hashlib.sha256(path.read_bytes()).hexdigest()
    parsed = read_export(path, cache_dir=tmp_path / "cache")
    assert parsed.report.sha256 == sha
    assert parsed.frame["cost"].sum() == pytest.approx(2334.40)


def test_keyword_and_search_term_reports_never_replace_each_other(tmp_path):
    """The keyword report (with bids) and the search-term report are two levels of one table."""
    kw = (
        "日期,推广计划,推广单元,关键词,出价,关键词购买类型,展现数,点击数,花费,总订单行,总订单金额\n"
        "2026-10-13,计划A,单元1,空气炸锅,1.80,精确匹配,1000,20,30.00,2,300.00\n"
    )
    st = (
        "日期,推广计划,推广单元,关键词,搜索词,关键词购买类型,展现数,点击数,花费,总订单行,总订单金额\n"
        "2026-10-13,计划A,单元1,空气炸锅,空气炸锅家用,精确匹配,600,12,18.00,1,150.00\n"
        "2026-10-13,计划A,单元1,空气炸锅,空气炸锅小型,精确匹配,400,8,12.00,1,150.00\n"
    )
    (tmp_path / "keywords.csv").write_text(kw, encoding="utf-8-sig")
    (tmp_path / "terms.csv").write_text(st, encoding="utf-8-sig")
    ds = load_folder(tmp_path)
    table = ds.table("keyword_daily")
    assert len(table) == 3 and ds.overlaps.empty
    keyword_rows = table[table["search_term"].isna()]
    assert keyword_rows["bid"].tolist() == [1.8]
    assert table.loc[table["search_term"].notna(), "cost"].sum() == 30.0
    assert all(f.rows_skipped == 0 for f in ds.files)


def test_a_settled_table_written_column_by_column_reads_back_identical(tmp_path):
    from jdpromo.ingest import read_columns, write_columns

    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-10-01", None, "2026-10-03"]),
            "keyword": ["空气炸锅", None, "air fryer"],
            "clicks": pd.array([1, None, 3], dtype="Int64"),
            "cost": [1.5, float("nan"), 0.0],
            "mixed": [1, "a", None],
        },
        index=pd.RangeIndex(5, 8),
    )
    write_columns(frame, tmp_path / "t.pickle")
    pd.testing.assert_frame_equal(read_columns(tmp_path / "t.pickle"), frame)
    write_columns(frame.iloc[:0], tmp_path / "empty.pickle")
    pd.testing.assert_frame_equal(read_columns(tmp_path / "empty.pickle"), frame.iloc[:0])
