import datetime as dt
import math
import re

import pandas as pd
import pytest
from jdpromo import report
from jdpromo.contract import TABLES
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
    # with 日常 days too: only the promotion days' verdicts wait
    assert promotion_banner(promo, "zh", ordinary=True).endswith(
        "大促天数的暂停、降价等判断请在 2026-11-26（爆发期结束后再过一个归因周期）之后再做；日常期就亏钱的计划不用等，照常处理。"
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
    assert "日常期就亏钱的计划不用等" in shown[0]  # 10-01..10-13 are ordinary days
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


# --- pages for phones --------------------------------------------------------------------------


def test_a_phone_sees_the_key_columns_and_the_rest_on_tap():
    from jdpromo.report import default_key_columns

    cols = ["keyword", "campaign", "clicks", "cost", "roi", "action"]
    # the registry's key columns (the word, its ROI, the action): three, so no more
    assert default_key_columns(cols) == ["keyword", "roi", "action"]
    # fewer than three key ones: the next columns from the left, never how a figure was formed
    assert default_key_columns(["channel", "basis", "visitors", "gmv"]) == [
        "channel", "visitors", "gmv"
    ]  # fmt: skip
    frame = pd.DataFrame({c: [1.0] for c in cols}).assign(
        keyword="空气炸锅", campaign="计划", action="暂停"
    )
    out = html_table(frame, "zh")
    heads = re.findall(r"<th( class='opt')?>([^<]+)</th>", out)
    assert [bool(opt) for opt, _ in heads] == [False, True, True, True, False, False]
    assert out.count("<td class='num opt'>") == 2  # clicks and cost open on tap; ROI shows
    assert "显示全部 6 列" in out and "jd-t-cols" in out and "jd-t-rows" not in out
    # a table given its own key columns keeps exactly those
    out = html_table(frame, "en", key_columns=["keyword", "cost"])
    assert "Show all 6 columns" in out and out.count("<th class='opt'>") == 4


def test_long_tables_fold_and_say_where_the_rest_is():
    frame = pd.DataFrame({"keyword": [f"词{i}" for i in range(70)], "clicks": range(70)})
    out = html_table(frame, "zh", csv_name="keyword_kpis")
    assert out.count("<tr class='more'>") == 50  # 60 shown, the first 10 open
    assert "展开其余 50 行" in out
    assert "页面只列出前 60 行，其余 10 行见随报告附带的表格文件 keyword_kpis.csv。" in out
    assert "more" not in html_table(frame.head(12), "en")  # 12 rows fit without folding
    short = html_table(frame.head(13), "en")
    assert "Show 3 more rows" in short and "jd-t-cols" not in short  # two columns: both shown
    one = html_table(frame.head(61), "en")
    assert "the other one is in" not in one and "1 more is not listed" in one


def test_a_part_of_a_written_table_points_to_its_file(tmp_path, monkeypatch):
    """The recap shows part of action_followup.csv: its long tables point to that file."""
    shown: list[str] = []
    monkeypatch.setattr(report, "_display", shown.append)
    r = report.open_report(shop="x", period="2026-10", data_dir=tmp_path, output_dir=tmp_path)
    frame = pd.DataFrame({"keyword": [f"词{i}" for i in range(25)], "clicks": range(25)})
    r.table(frame, name="action_followup", show=False)
    r.table(frame.head(22), max_rows=20, csv="action_followup")
    assert "其余 2 行见随报告附带的表格文件 action_followup.csv" in shown[-1]
    r.tables_dir = None  # interactive: no file to point to
    r.table(frame.head(22), max_rows=20, csv="action_followup")
    assert "另有 2 行未列出" in shown[-1]


def test_charts_are_drawn_again_for_phones():
    import base64
    import io

    import matplotlib.pyplot as plt
    from jdpromo.report import PHONE_FIGURE_INCHES, figure_html
    from PIL import Image

    fig, ax = plt.subplots(figsize=(9, 4), dpi=100)
    ax.plot([1, 2, 3], [2, 1, 3])
    out = figure_html(fig, "图表")
    narrow, wide = (
        Image.open(io.BytesIO(base64.b64decode(m)))
        for m in re.findall(r"base64,([A-Za-z0-9+/=]+)'", out)
    )
    # drawn 4.6 in wide at 200 dpi for phones (bbox trimmed), 9 in at 100 dpi for wide screens
    assert narrow.size[0] <= PHONE_FIGURE_INCHES * 200 and narrow.size[0] > 0.8 * 4.6 * 200
    assert wide.size[0] > 0.8 * 900 and wide.size[0] <= 900
    assert "<source media='(max-width: 600px)'" in out and "alt='图表'" in out
    assert tuple(fig.get_size_inches()) == (9, 4)  # the figure itself is left as it was


def test_english_counts_of_one_are_singular():
    from jdpromo.text import singular, t

    assert singular("1 clicks brought 1 order lines; 11 days, 1,000 clicks") == (
        "1 click brought 1 order line; 11 days, 1,000 clicks"
    )
    assert t("table_more_rows", "en", n=1) == "Show 1 more row"
    assert t("table_more_rows", "zh", n=1) == "展开其余 1 行"


def test_jd_categories_read_in_english_and_warnings_in_chinese():
    from jdpromo.text import category_label, error_location

    assert category_label("自主访问", "en") == "direct visits"
    assert (
        category_label("精确匹配", "en") == "exact"
        and category_label("精确匹配", "zh") == "精确匹配"
    )
    assert category_label("空气炸锅", "en") == "空气炸锅"  # shop data is never translated
    shown = html_table(pd.DataFrame({"channel": ["付费流量"], "keyword": ["推荐"]}), "en")
    assert "<td>paid traffic</td>" in shown and "<td>推荐</td>" in shown  # keyword: shop data
    assert (
        error_location("columns not in the data contract were ignored: '订单类型'", "zh")
        == "以下列不在数据约定中，已忽略：'订单类型'"
    )


def test_data_as_of_comes_from_the_data_never_today(tmp_path):
    import datetime as dt

    from jdpromo import ingest
    from jdpromo.report import data_as_of

    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "商智_店铺.csv").write_text(
        "日期,浏览量,访客数,跳失率,加购人数,下单客户数,成交客户数,成交单量,成交金额\n"
        "2020-03-01,10,5,0.2,1,1,1,1,100\n2020-03-02,10,5,0.2,1,1,1,1,100\n",
        encoding="utf-8",
    )
    dataset = ingest.load_folder(folder)
    assert data_as_of(dataset, dt.date(2020, 3, 2)) == (dt.date(2020, 3, 2), "data")
    assert data_as_of(dataset, None) == (None, "none")


def test_footer_holds_the_summary_and_the_method_section(monkeypatch):
    from jdpromo.findings import Finding

    shown = []
    monkeypatch.setattr(report, "_display", shown.append)
    r = report.Report.__new__(report.Report)
    r.lang, r.methods, r.seen = "zh", [], []
    r.method("survival_method")
    r.method("survival_method")  # a note repeated by two sections is listed once
    r.seen.append(
        Finding(area="users", kind="k", subject="s", direction="worse",
                title="t", short="沉默客户 341 人")
    )  # fmt: skip
    r.footer(summary=True)
    page = shown[-1]
    assert page.startswith("<div class='jd-report jd-summary'>本期要点：沉默客户 341 人")
    assert page.count("<li>") == 1 and "id='jd-method'" in page and "方法说明" in page


def test_phone_charts_have_no_text_under_11_points():
    import matplotlib.pyplot as plt
    from jdpromo.report import legible

    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 2], label="this period")
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=9)
    note = ax.annotate("line A", (1, 1), fontsize=7)
    title = ax.set_title("title", fontsize=14)
    restore = legible(fig, 11)
    fig.canvas.draw()
    assert all(x.get_fontsize() >= 11 for x in ax.get_xticklabels() + ax.get_yticklabels())
    assert note.get_fontsize() == 11 and ax.get_legend().get_texts()[0].get_fontsize() == 11
    assert title.get_fontsize() == 14  # larger text is left alone
    restore()
    fig.canvas.draw()
    assert note.get_fontsize() == 7 and ax.get_xticklabels()[0].get_fontsize() == 8


def test_the_runs_settled_dataset_is_read_once_and_only_for_its_folder(tmp_path, monkeypatch):
    from jdpromo import ingest

    data = tmp_path / "data"
    data.mkdir()
    (data / "notes.txt").write_text("not an export\n", encoding="utf-8")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    params = ShopParams()
    dataset = ingest.load_folder(data)
    report.share_settled(run_dir, dataset, params)
    calls = []
    real = ingest.load_folder
    monkeypatch.setattr(ingest, "load_folder", lambda *a, **k: calls.append(a) or real(*a, **k))
    r = report.open_report(shop="x", period="2026-10", data_dir=data, output_dir=run_dir)
    assert calls == [] and [f.path.name for f in r.dataset.files] == ["notes.txt"]
    other = tmp_path / "other"
    other.mkdir()
    report.open_report(shop="x", period="2026-10", data_dir=other, output_dir=run_dir)
    assert calls == [(other,)]  # another folder: read, not the shared one
    report.share_settled(run_dir, dataset, ShopParams(attribution_days=7))
    report.open_report(shop="x", period="2026-10", data_dir=data, output_dir=run_dir)
    assert len(calls) == 2  # another attribution window settles differently: read again


def test_a_notebook_reads_only_the_settled_tables_it_uses(tmp_path):
    """Opening a report from the run's settled dataset reads no table (rows, days covered and
    attribution windows come with it); a table is read on first use and equals the folder's."""
    from jdpromo import health, ingest
    from jdpromo.sample import write_demo_shop

    data = tmp_path / "data"
    write_demo_shop(data, shop="demo", seed=5, scale=0.03)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    direct = report.open_report(shop="demo", period="2026-10", data_dir=data)
    report.share_settled(run_dir, direct.dataset, direct.params)
    r = report.open_report(shop="demo", period="2026-10", data_dir=data, output_dir=run_dir)
    assert isinstance(r.dataset.tables, ingest.SettledTables) and r.dataset.tables._read == {}
    assert (r.window, r.data_end, r.partial) == (direct.window, direct.data_end, direct.partial)
    assert health.data_span(r.dataset) == health.data_span(direct.dataset)
    assert all(r.dataset.has(n) == direct.dataset.has(n) for n in TABLES)
    pd.testing.assert_frame_equal(
        health.attribution_windows(r.dataset), health.attribution_windows(direct.dataset)
    )
    cur = r.period.current
    pd.testing.assert_frame_equal(
        health.coverage(r.dataset, cur), health.coverage(direct.dataset, cur)
    )
    assert r.dataset.tables._read == {}
    pd.testing.assert_frame_equal(r.dataset.table("orders"), direct.dataset.table("orders"))
    assert list(r.dataset.tables._read) == ["orders"]


def test_findings_shared_within_a_run_only_for_the_same_inputs(tmp_path, capsys):
    """A notebook's findings are kept for the recap under a key of shop, period, language,
    parameters and input bytes; another language, a changed file or no run folder: not reused."""
    from jdpromo.findings import Finding
    from jdpromo.sample import write_demo_shop

    data = tmp_path / "data"
    write_demo_shop(data, shop="demo", seed=3, scale=0.03)
    out = tmp_path / "run"
    args = {"shop": "demo", "period": "2026-10", "data_dir": data}
    r = report.open_report(**args, output_dir=out)
    found = [
        Finding(area="keywords", kind="negative", subject="x", direction="worse", title="t",
                value=1.0, baseline=2.0, n=3.0, q=0.1, money_at_stake=5.0)
    ]  # fmt: skip
    assert r.shared_findings("keywords") is None
    r.findings(found, share="keywords")
    assert r.shared_findings("keywords") == found
    assert report.open_report(**args, output_dir=out).shared_findings("keywords") == found
    assert r.shared_findings("users") is None  # no notebook shared it: the recap computes it
    assert report.open_report(**args, output_dir=out, lang="en").shared_findings("keywords") is None
    assert report.open_report(**args).shared_findings("keywords") is None  # interactive
    victim = next(p for p in sorted(data.rglob("*.csv")))
    victim.write_bytes(victim.read_bytes() + b"\n")  # same rows, other bytes
    assert report.open_report(**args, output_dir=out).shared_findings("keywords") is None
    with pytest.raises(ValueError, match="nope"):
        r.findings([], share="nope")
    capsys.readouterr()


def _xlsx_parts(path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as z:  # docProps/core.xml holds the time of writing
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_streamed_workbook_is_xlsxwriters_cell_by_cell_file(tmp_path, monkeypatch):
    """Rows rendered a block at a time (constant_memory) make the very file xlsxwriter writes
    cell by cell: every part byte for byte (escapes, whitespace, control characters, empty
    cells, datetimes, format indices in order of first use, dimensions), including blocks it
    leaves to xlsxwriter (a type it does not render, an over-long text) between streamed ones."""
    from decimal import Decimal

    from jdpromo.report import write_workbook

    monkeypatch.setattr(report, "STREAM_CHUNK_ROWS", 7)
    odd = ["a&b", "<r>x</r>", "x<y>", " lead", "trail ", "tab\t", "\x01ctl", "_x0041_", "",
           "\ufffe", "=1+2", "中文", "a\nb", "\u3000全角", "x\u3000", "\x1cfs", 'q"uote', "ok"]  # fmt: skip
    n = 60
    frame = pd.DataFrame(
        {
            "customer_id": [f"jd_{i:08x}" for i in range(n)],
            "lifecycle": ["流失", "活跃"] * (n // 2),
            "note": [odd[i % len(odd)] for i in range(n)],
            "monetary": [round(i * 10.37, 2) if i % 9 else math.nan for i in range(n)],
            "recency_days": list(range(n)),
            "coupon_share": [i / 7 for i in range(n)],
            "last_order_at": pd.Timestamp("2024-11-01 08:00:00.000123")
            + pd.to_timedelta([i * 86_399_999_999 for i in range(n)], unit="us"),
            "is_brand": [i % 3 == 0 for i in range(n)],
        }
    )
    frame.loc[5, "last_order_at"] = pd.NaT
    mixed = frame.astype({"monetary": object, "customer_id": object})
    mixed.loc[3, "monetary"] = "n/a"  # text and numbers in one column
    mixed.loc[17, "monetary"] = Decimal("1.25")  # not rendered: that block cell by cell
    mixed.loc[30, "customer_id"] = "x" * 20_000  # over-long text: that block too
    mixed.loc[44, "customer_id"] = None
    late = pd.DataFrame({"keyword": ["x"] * 9, "cost": [math.nan] * 8 + [1.0]})
    sheets = {"a": frame, "a_上传": frame[["customer_id"]], "m": mixed, "late": late,
              "one": frame.iloc[:1], "none": frame.iloc[:0], "ctr": pd.DataFrame({"ctr": [0.5]})}  # fmt: skip
    streamed = []
    real = report._stream_rows
    monkeypatch.setattr(
        report, "_stream_rows", lambda *a: streamed.append(real(*a)) or streamed[-1]
    )
    fast = write_workbook(sheets, tmp_path / "fast.xlsx", constant_memory=True)
    assert sum(streamed) > 100 and 0 in streamed  # most rows streamed, some blocks not
    monkeypatch.setattr(report, "_stream_rows", lambda *a: 0)
    slow = write_workbook(sheets, tmp_path / "slow.xlsx", constant_memory=True)
    a, b = _xlsx_parts(fast), _xlsx_parts(slow)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def test_excel_serials_are_xlsxwriters():
    from jdpromo.report import _excel_serials
    from xlsxwriter.utility import _datetime_to_excel_datetime

    stamps = [dt.datetime(1900, 3, 1), dt.datetime(1970, 1, 1, 0, 0, 0, 1),
              dt.datetime(2026, 10, 31, 23, 59, 59, 999999), dt.datetime(9999, 12, 31, 12)]  # fmt: skip
    assert _excel_serials(stamps) == [_datetime_to_excel_datetime(s, False, False) for s in stamps]
