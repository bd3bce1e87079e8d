import math

import pandas as pd
import pytest
from jdpromo import columns
from jdpromo.columns import display_value, format_value


def test_format_values():
    assert format_value("cost", 1234.5) == "1,234.50"
    assert format_value("clicks", 1234567) == "1,234,567"
    assert format_value("ctr", 0.012345) == "1.23%"
    assert format_value("roi", 3.456) == "3.46"
    assert format_value("ctr", math.nan) == "—"
    assert format_value("cost", None) == "—"
    assert format_value("cost", pd.NA) == "—"
    assert format_value("date", pd.Timestamp("2026-10-13")) == "2026-10-13"


def test_inventory_terms_are_translated():
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


def test_kinds_labels_and_key_columns():
    assert columns.kind("cost") == columns.MONEY and columns.kind("ctr") == columns.PERCENT
    assert columns.kind("keyword_id") == columns.ID and columns.kind("is_brand") == columns.FLAG
    assert (
        columns.label("cost", "zh") == "花费（元）"
        and columns.label("cost", "en") == "spend (yuan)"
    )
    assert (
        columns.label("roi_90d", "zh") == "近90天ROI" and columns.kind("roi_90d") == columns.RATIO
    )
    assert (
        columns.label("month_3", "en") == "month 3" and columns.kind("month_3") == columns.PERCENT
    )
    assert columns.label("no_such_column", "zh") == "no_such_column"
    # the row's subject, its verdict and its action stay on a phone; measures do not
    assert all(columns.is_key(c) for c in ("keyword", "status", "action", "verdict", "layer"))
    assert not any(columns.is_key(c) for c in ("cost", "ctr", "campaign", "no_such_column"))


def test_formats_by_kind():
    assert format_value("keyword_id", 123456789012.0) == "123456789012"  # no separators in ids
    assert format_value("change_pct", 12.5) == "+12.5%"
    assert format_value("q_value", 0.01234) == "0.012"
    assert format_value("is_brand", True) == "✓"
    # a value column takes the unit of the row's metric
    assert format_value("value", 0.0123, metric="ctr") == "1.23%"
    assert format_value("value", 1234.5, metric="cost") == "1,234.50"
    assert format_value("value", 3.456, metric="roi") == "3.46"
    assert format_value("value", 3.5) == "3.50"
    assert display_value("quadrant", "star", "zh") != "star"  # codes are translated
    assert display_value("metric", "ctr", "zh") == "点击率"


def test_excel_values_are_rounded_and_flags_read_as_words():
    assert columns.excel_value("cost", 782.8199999999999) == 782.82
    assert columns.excel_value("ctr", 0.0123456) == 0.0123
    assert columns.excel_value("clicks", 12.0) == 12
    assert columns.excel_value("is_brand", True, "zh") == "是"
    assert columns.excel_value("is_brand", False, "en") == "no"
    assert columns.excel_value("keyword_id", 123456789012.0) == "123456789012"
    assert columns.excel_value("cost", math.nan) is None
    assert columns.excel_value("roi", math.inf) is None
    assert columns.excel_format("cost") == "¥#,##0.00"
    assert columns.excel_format("ctr") == "0.00%"
    assert columns.excel_format("keyword") is None
    # CJK characters count double: 关键词 = 6, plus 2 of padding
    assert columns.column_width("关键词", ["ab"]) == 8.0
    assert columns.column_width("x", ["a" * 80]) == 50.0


def test_dictionary_rows_from_the_registry(tmp_path):
    pd.DataFrame({"keyword": ["炒锅"], "ctr": [0.01], "is_brand": [False]}).to_csv(
        tmp_path / "keyword_kpis.csv", index=False, encoding="utf-8-sig"
    )
    pd.DataFrame({"cost": [1.0]}).to_csv(tmp_path / "a.csv", index=False, encoding="utf-8-sig")
    path = columns.write_dictionary(tmp_path)
    assert path.name == "README.csv" and path.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns) == ["file", "column", "中文名", "unit", "meaning"]
    assert back.values.tolist() == [
        ["a.csv", "cost", "花费（元）", "元", "广告花费"],
        ["keyword_kpis.csv", "keyword", "关键词", "文本", "购买的关键词"],
        [
            "keyword_kpis.csv",
            "ctr",
            "点击率",
            "比例（小数，0.0123 即 1.23%）",
            "点击率 = 点击数 ÷ 展现数",
        ],
        [
            "keyword_kpis.csv",
            "is_brand",
            "品牌词",
            "是否（True = 是，False = 否）",
            "是否品牌词（含参数 brand_terms 中的词）",
        ],
    ]
    # written again, the dictionary does not describe itself
    assert len(pd.read_csv(columns.write_dictionary(tmp_path), encoding="utf-8-sig")) == 4


def test_dictionary_fails_on_a_column_without_an_entry():
    with pytest.raises(KeyError, match="x.csv: columns without a registry entry: mystery"):
        columns.dictionary({"x.csv": ["cost", "mystery"]})


def test_the_action_followup_file_is_fully_described():
    """Every column of tables/action_followup.csv has a 中文名, and the columns whose name means
    something else in other files (status, kind, reason) say what they mean there."""
    from jdpromo import actionlog

    d = columns.dictionary({"action_followup.csv": actionlog.ASSESS_COLUMNS}).set_index("column")
    assert (d["中文名"] != "").all()
    assert d.at["status", "meaning"].startswith("上期建议是否已执行")
    assert d.at["before_cost", "unit"] == "元"
    inputs = columns.dictionary({"input_files.csv": ["status"]}).set_index("column")
    assert inputs.at["status", "meaning"] == "处理状态：已读入、已忽略或读取出错"


@pytest.mark.filterwarnings("ignore:Discarding nonzero nanoseconds")
def test_excel_values_match_excel_value_cell_by_cell():
    """The column-at-once conversions (datetimes, text) give what excel_value gives."""
    stamps = pd.Series(
        pd.to_datetime(["2026-10-31 12:00:00.000001", None, "1901-01-01"], format="ISO8601")
    )
    for col in (stamps, stamps.astype("datetime64[us]"), stamps + pd.Timedelta(1, "ns")):
        got = columns.excel_values("last_order_at", col)
        want = [None if pd.isna(v) else v.to_pydatetime() for v in col]
        assert got == want and [type(v) for v in got] == [type(v) for v in want]
    for col in (pd.Series(["jd_1", "=x", "中文"], dtype="str"), pd.Series(["a", None], dtype=object),
                pd.Series(["True", "false"]), pd.Series([1.0, 2.5])):  # fmt: skip
        for name in ("customer_id", "keyword", "is_brand", "keyword_id"):
            got = columns.excel_values(name, col, "zh")
            assert got == [columns.excel_value(name, v, "zh") for v in col.tolist()]
