"""Write the quirky export files of tests/corpus (run once; the files are committed).

Usage: ``python tests/corpus/make_corpus.py``. Every file is small and every figure in it is
chosen so that the tests can check sums and row numbers worked out by hand (see README.md).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def text(name: str, body: str, *, encoding: str = "utf-8", eol: str = "\n") -> None:
    data = body.replace("\n", eol).encode(encoding)
    (HERE / name).parent.mkdir(parents=True, exist_ok=True)
    (HERE / name).write_bytes(data)


def zipped(name: str, parts: dict[str, bytes]) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for part, data in parts.items():
            info = zipfile.ZipInfo(part, date_time=(2026, 11, 20, 9, 30, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    (HERE / name).write_bytes(buf.getvalue())


AD_HEADER = "日期,推广产品,推广计划,展现数,点击数,花费,总订单行,总订单金额\n"


def main() -> None:
    # 1. 快车 campaign report: UTF-8 with BOM, two title lines, units, ¥/￥/元, total row.
    text(
        "kuaiche_campaign_bom.csv",
        "京东快车 推广计划报表\n"
        "转化周期：15天（点击）,导出时间：2026-11-20 09:30:00\n"
        "日期,推广计划,展现数,点击数,点击率,花费(元),直接订单行,间接订单行,"
        "直接订单金额（元）,间接订单金额（元）,总加购数,备注\n"
        '2026-10-13,计划A,"12,345",321,2.60%,"¥1,234.50",5,2,"1,000.00",200.5,8,x\n'
        "2026-10-13,计划B,2000,40,2.00%,￥99.9,0,1,0,88,-,\n"
        '2026-10-14,计划A,"10,000",300,3.00%,1000元,4,--,800,—,3,\n'
        '合计,,"24,345",661,,"2,334.40",9,3,"1,800.00",288.5,11,\n',
        encoding="utf-8-sig",
    )
    # 2. 展位 creative report: GB18030, CRLF, product-line column with an unknown line.
    text(
        "zhanwei_creative_gbk.csv",
        "日期,推广产品,推广计划,推广单元,创意名称,展现量,点击量,总费用,总订单行,总订单金额,总购物车数\n"
        "2026/10/13,京东展位,品牌计划,单元1,创意甲,50000,500,800.00,10,3000.00,20\n"
        "2026/10/13,智能投放X,新品计划,单元2,创意乙,1000,10,50.50,0,0,1\n"
        "2026/10/14,京东展位,品牌计划,单元1,创意甲,40000,400,700.25,8,2400.00,15\n",
        encoding="gb18030",
        eol="\r\n",
    )
    # 3. 海投: UTF-8 without BOM, 转化周期 column (当天), 20261013 dates, repeated header,
    #    empty rows, a ratio (ROI) and an unknown column.
    text(
        "haitou_nobom.csv",
        "京东海投 计划日报\n"
        "日期,推广计划,展现次数,点击次数,消耗,订单行,订单金额,转化周期,ROI,店铺评分\n"
        "20261013,海投计划1,1000,10,20.00,1,100.00,当天,5.0,4.9\n"
        ",,,,,,,,,\n"
        "日期,推广计划,展现次数,点击次数,消耗,订单行,订单金额,转化周期,ROI,店铺评分\n"
        "20261014,海投计划1,2000,20,40.00,2,180.00,当天,4.5,4.9\n"
        "\n"
        "20261015,海投计划1,1500,15,30.00,0,0.00,当天,0,4.8\n",
    )
    # 4. 快车 search-term report: CRLF, a tab inside a quoted search term, IDs with leading
    #    zeros, ="000777", an exact 1.2345678901E+13, an identical repeated row (kept).
    text(
        "kuaiche_keywords_crlf.csv",
        "日期,推广计划,推广单元,关键词,搜索词,关键词ID,关键词购买类型,展现数,点击数,花费,"
        "总订单行,总订单金额,总加购数\n"
        '2026-10-13,计划A,单元1,连衣裙,"连衣裙\t夏季",0012345,精确匹配,100,10,12.50,1,199.00,2\n'
        '2026-10-13,计划A,单元1,连衣裙,"连衣裙 女",1.2345678901E+13,短语匹配,200,5,6.00,0,0,1\n'
        '2026-10-13,计划A,单元1,连衣裙,"连衣裙 女",1.2345678901E+13,短语匹配,200,5,6.00,0,0,1\n'
        '2026-10-14,计划A,单元2,"T恤, 男",T恤男,="000777",切词匹配,50,2,3.30,0,0,0\n',
        eol="\r\n",
    )
    # 5. Tab-separated keyword report with a title (7天 下单) and only 直接 order columns.
    text(
        "kuaiche_keywords_tab.txt",
        "快车关键词报表\t转化周期：7天(下单)\n"
        "日期\t推广计划\t关键词\t展现数\t点击数\t花费\t直接订单行\t直接订单金额\n"
        "2026-10-13\t计划C\t手机壳\t300\t30\t45.00\t3\t90.00\n"
        '2026-10-13\t计划C\t"手机\t壳"\t100\t5\t7.50\t0\t0\n',
    )
    # 6. UTF-16 "Unicode text" (Excel's Save as → Unicode text): tab-separated.
    text(
        "kuaiche_unicode_text.txt",
        "日期\t推广产品\t推广计划\t展现数\t点击数\t花费\t总订单行\t总订单金额\n"
        "2026-10-20\t快车\t计划U\t10\t1\t0.50\t0\t0\n",
        encoding="utf-16",
        eol="\r\n",
    )
    # 7. Keyword list over a period stated in the title (no 日期 column).
    text(
        "keyword_list_title_period.csv",
        "京东快车 关键词报表\n"
        "时间范围：2026-10-01 至 2026-10-31\n"
        "推广计划,关键词,出价,展现数,点击数,花费,总订单行,总订单金额\n"
        "计划A,连衣裙,1.20,1000,50,60.00,2,398.00\n",
    )
    # 8. A "CSV" download that is a ZIP of parts (natural order part1, part2, part10);
    #    part2 is GB18030 and ends with a total row.
    kw = "日期,推广计划,关键词,展现数,点击数,花费,总订单行,总订单金额\n"
    zipped(
        "keywords_download.csv",
        {
            "part10.csv": (kw + "2026-10-16,计划Z,词4,40,4,4.00,0,0\n").encode("utf-8-sig"),
            "part1.csv": (
                kw + "2026-10-13,计划Z,词1,10,1,1.00,0,0\n2026-10-14,计划Z,词2,20,2,2.00,0,0\n"
            ).encode("utf-8"),
            "part2.csv": (
                kw + "2026-10-15,计划Z,词3,30,3,3.00,1,30.00\n合计,,,30,3,3.00,1,30.00\n"
            ).encode("gb18030"),
        },
    )
    # 9. ZIP of order parts whose second part has a bad 下单时间 on its row 3.
    oh = "订单号,下单帐号,下单时间,订单金额,订单状态\n"
    zipped(
        "orders_parts_bad.zip",
        {
            "part1.csv": (oh + "9001,u1,2026-10-13 10:00:00,10,已完成\n").encode(),
            "part2.csv": (
                oh + "9002,u2,2026-10-13 11:00:00,20,已完成\n9003,u3,昨天 12:00,30,已完成\n"
            ).encode(),
        },
    )
    # 10. 商智 traffic sources per period (~, 至, --), GBK, %, ¥, 元, "-".
    text(
        "traffic_period_gbk.csv",
        "统计周期,一级来源,二级来源,访客数,浏览量,跳失率,成交人数,成交金额,加购人数\n"
        '2026-10-01~2026-10-31,搜索,京东搜索,"12,000","30,000",45.20%,300,"￥12,345.60",800\n'
        '2026-10-01至2026-10-31,推荐,为你推荐,5000,9000,60%,50,"￥2,000",100\n'
        "2026/11/01--2026/11/30,站外,微信,100,150,-,1,99元,2\n",
        encoding="gbk",
    )
    # 11. 商智 shop overview: dates with 00:00:00, "-", "--", "—", a repeated title line and
    #     header (two exports pasted together), 总计 row.
    sh = (
        "日期,浏览量,访客数,跳失率,加购人数,下单客户数,下单金额,"
        "成交客户数,成交单量,成交金额,客单价\n"
    )
    text(
        "shop_overview_dash.csv",
        sh + '2026-10-13 00:00:00,"1,000",400,0.35,30,12,"1,200.00",10,11,"1,100.00",110\n'
        "2026-10-14 00:00:00,-,380,--,—,10,-,9,9,900,100\n"
        "经营概况 2026-10-15\n" + sh + "2026-10-15 00:00:00,900,350,0.40,25,8,800,8,8,800,100\n"
        "总计,1900,1130,,,30,,27,28,2800,\n",
    )
    # 12. 商智 SKU details: SKU ids 000123, 1.2345678901E+13 (exact), ="0456".
    text(
        "sku_detail_ids.csv",
        "日期,商品SKU,商品名称,商品访客数,商品浏览量,加购人数,成交人数,成交商品件数,成交金额\n"
        "2026-10-13,000123,连衣裙A,100,150,10,5,6,600.00\n"
        "2026-10-13,1.2345678901E+13,连衣裙B,50,70,5,2,2,200.00\n"
        '2026-10-13,="0456",T恤C,30,40,3,1,1,59.90\n',
    )
    # 13. An SKU id Excel cut to 6 significant digits: precision lost.
    text(
        "sku_sci_lost.csv",
        "日期,商品SKU,商品名称,商品访客数,成交金额\n"
        "2026-10-13,100012345678,A,10,1\n"
        "2026-10-13,1.23457E+13,B,5,2\n",
    )
    # 14. Order export, one row per SKU line repeating the order's amount; masked accounts.
    text(
        "orders_sku_lines.csv",
        "订单号,下单帐号,下单时间,订单金额,订单状态,商品编号,商品名称,商品数量,优惠金额\n"
        "000100001,jd_****,2026-10-13 14:05:09,299.00,已完成,10001,连衣裙,1,20.00\n"
        "000100001,jd_****,2026-10-13 14:05:09,299.00,已完成,10002,腰带,2,20.00\n"
        "000100002,139****1234,2026/10/13 14:05,59.90,已完成,10003,T恤,1,0\n"
        '000100003,alice_jd,2026/10/14 09:00,"1,099.00",等待出库,10001,连衣裙,3,-\n'
        '000100003,alice_jd,2026/10/14 09:00,"1,099.00",等待出库,10001,连衣裙,3,-\n',
        encoding="utf-8-sig",
    )
    # 15. Order lines disagreeing on the order amount.
    text(
        "orders_amount_conflict.csv",
        "订单号,下单帐号,下单时间,订单金额,订单状态\n"
        "A1,u1,2026-10-13 10:00:00,100,已完成\n"
        "A1,u1,2026-10-13 10:00:00,100,已完成\n"
        "A2,u2,2026-10-13 11:00:00,50,已完成\n"
        "A2,u2,2026-10-13 11:00:00,60,已完成\n",
    )
    # 16-19. Errors.
    text(
        "ad_missing_cost.csv",
        "京东快车 计划报表\n日期,推广计划,展现数,点击数,总订单行,总订单金额\n"
        "2026-10-13,计划A,100,10,1,10\n",
    )
    text(
        "ad_text_in_clicks.csv",
        "京东快车\n日期,推广计划,展现数,点击数,花费,总订单行,总订单金额\n"
        "2026-10-13,计划A,100,10,1.00,0,0\n"
        "2026-10-14,计划A,100,12,1.00,0,0\n"
        "2026-10-15,计划A,100,十二,1.00,0,0\n"
        "2026-10-16,计划A,abc,12,1.00,0,0\n",
    )
    text(
        "ad_negative_cost.csv",
        AD_HEADER
        + "2026-10-13,快车,计划A,100,10,5.00,0,0\n2026-10-13,快车,计划B,100,10,-3.20,0,0\n",
    )
    text(
        "ad_bad_date.csv",
        AD_HEADER
        + "2026-02-28,快车,计划A,100,10,5.00,0,0\n2026-02-30,快车,计划A,100,10,5.00,0,0\n",
    )
    text(
        "ad_no_product_line.csv",
        "日期,推广计划,展现数,点击数,花费,总订单行,总订单金额\n2026-10-13,计划A,100,10,5.00,0,0\n",
    )
    # 20-22. Empty, header only, unknown kind.
    text("empty.csv", "")
    text("header_only.csv", AD_HEADER)
    text("product_reviews.csv", "商品名称,评价内容,评分\n连衣裙,很好,5\n")
    # 23. 商智 industry hot words: %, ¥, thousands.
    text(
        "industry_hotwords.csv",
        "行业热搜榜\n"
        "排名,搜索词,搜索人数,搜索次数,点击率,成交转化率,快车参考价\n"
        '1,连衣裙,"120,000","350,000",12.5%,3.2%,1.35\n'
        '2,夏季连衣裙,"80,000","200,000",10%,2.8%,¥1.10\n',
    )
    # 24-25. Rows whose field count differs from the header (csv-module path).
    text(
        "ragged_rows.csv",
        AD_HEADER + "2026-10-13,快车,计划R,100,10,5.00,1,50\n"
        "   \n"
        "2026-10-14,快车,计划R,200,20,7.50,0,0\n"
        "合计,,,300,30,12.50\n",
    )
    text(
        "ragged_bad.csv",
        AD_HEADER
        + "2026-10-13,快车,计划A,100,10,5.00,1,50\n2026-10-14,快车,计划A,B,200,20,7.50,0,0\n",
    )
    # 26. Hidden file: never read.
    text(".hidden_export.csv", AD_HEADER + "2026-10-13,快车,隐藏计划,1,1,999.00,0,0\n")
    # 27. Overlap: the second export (stated 导出时间) re-covers 10-02..10-03 of the first.
    rows1 = "".join(
        f"2026-10-0{d},计划A,100,10,10.00,0,0\n2026-10-0{d},计划B,10,1,1.00,0,0\n"
        for d in (1, 2, 3)
    )
    rows2 = "".join(
        f"2026-10-0{d},计划A,100,10,20.00,1,50\n2026-10-0{d},计划B,10,1,2.00,0,0\n"
        for d in (2, 3, 4)
    )
    head = "日期,推广计划,展现数,点击数,花费,总订单行,总订单金额\n"
    text("overlap/kuaiche_1001_1003.csv", "京东快车 计划报表\n" + head + rows1)
    text(
        "overlap/kuaiche_1002_1004.csv",
        "京东快车 计划报表\n导出时间：2026-10-05 08:00:00\n" + head + rows2,
    )
    excel()


def excel() -> None:
    import openpyxl
    import xlwt

    # 28. .xlsx: merged title with 购物触点 and 30天（点击）, typed cells, total row, a notes sheet.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "报表"
    ws["A1"] = "购物触点 推广报表 转化周期：30天（点击）"
    ws.merge_cells("A1:H1")
    ws.append(
        [
            "日期",
            "推广计划",
            "定向人群",
            "展现数",
            "点击数",
            "花费（元）",
            "总订单行",
            "总订单金额",
            "点击率",
        ]
    )
    ws.append([dt.datetime(2026, 10, 13), "触点计划", "高潜人群", 1000, 50, 123.45, 2, 456.7, 0.05])
    ws.append([dt.datetime(2026, 10, 14), "触点计划", "高潜人群", 800, 40, 67.8, 1, 99, 0.05])
    ws.append([dt.datetime(2026, 10, 14), "触点计划", "老客", 100, 5, 10, 0, 0, 0.05])
    ws.append(["合计", None, None, 1900, 95, 201.25, 3, 555.7, 0.05])
    for row in ws.iter_rows(min_row=3, max_row=5, max_col=1):
        row[0].number_format = "yyyy-mm-dd"
    notes = wb.create_sheet("说明")
    notes["A1"] = "数据说明：以上数据仅供参考"
    wb.properties.created = dt.datetime(2026, 11, 20, 9, 30)
    wb.properties.modified = dt.datetime(2026, 11, 20, 9, 30)
    wb.save(HERE / "touchpoint_report.xlsx")

    # 29. Old binary .xls (xlwt): title row, date cells, numeric SKU, an empty row.
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    datestyle = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write(0, 0, "京挑客 推广效果报表")
    header = ["日期", "推广计划", "展现数", "点击数", "花费", "总订单行", "总订单金额", "SKU"]
    for c, h in enumerate(header):
        sheet.write(1, c, h)
    data = [
        [dt.date(2026, 10, 13), "京挑客计划", 500, 25, 55.5, 2, 199.0, 100012345678],
        None,
        [dt.date(2026, 10, 14), "京挑客计划", 400, 20, 44.5, 1, 99.0, 100012345678],
    ]
    for r, values in enumerate(data, start=2):
        if values is None:
            continue
        for c, v in enumerate(values):
            if isinstance(v, dt.date):
                sheet.write(r, c, v, datestyle)
            else:
                sheet.write(r, c, v)
    book.save(str(HERE / "jtk_report_old.xls"))


def raw(name: str, data: bytes) -> None:
    (HERE / name).parent.mkdir(parents=True, exist_ok=True)
    (HERE / name).write_bytes(data)


def hostile() -> None:
    """The hostile corpus (``hostile/``): files a real folder may hold that must neither crash
    nor lose rows silently. Bombs, huge lines, special files and odd file names are made by
    the tests in a temporary folder instead (they are big, or git cannot hold them)."""
    head = AD_HEADER.encode()
    # UTF-8 head, then GB18030 rows (a file appended to by a Windows tool), then a line that is
    # text in no encoding: 5 rows used (cost 1 + 2 + 3 + 4 + 5), 1 skipped.
    raw(
        "hostile/mixed_utf8_gb18030.csv",
        head
        + "2026-10-05,快车,混合甲,100,10,1.00,0,0\n".encode()
        + "2026-10-05,快车,混合乙,100,10,2.00,0,0\n".encode()
        + "2026-10-06,快车,混合丙,100,10,3.00,0,0\n".encode("gb18030")
        + "2026-10-06,快车,混合丁,100,10,4.00,0,0\n".encode("gb18030")
        + b"\xff\xff\xff,\xff,\xff\n"
        + "2026-10-07,快车,混合戊,100,10,5.00,0,0\n".encode("gb18030"),
    )
    # A download cut inside the 3-byte character 划 of the last row: 2 rows used (7 + 8).
    raw(
        "hostile/cut_mid_char.csv",
        head
        + "2026-10-05,快车,截断计划,100,10,7.00,0,0\n".encode()
        + "2026-10-06,快车,截断计划,100,10,8.00,0,0\n".encode()
        + "2026-10-07,快车,截断计".encode()
        + "划".encode()[:2],
    )
    # A download cut in the middle of the last row (no line end, 4 of 8 fields).
    text(
        "hostile/cut_mid_row.csv",
        AD_HEADER
        + "2026-10-05,快车,半行计划,100,10,9.00,0,0\n"
        + "2026-10-06,快车,半行计划,100,10,10.00,0,0\n"
        + "2026-10-07,快车,半行计划,10",
    )
    # A title line of 70,000 characters above the header (a long 筛选条件 list).
    text(
        "hostile/long_title_line.csv",
        "筛选条件："
        + "、".join(f"计划{i:05d}" for i in range(7000))
        + "\n"
        + AD_HEADER
        + "2026-10-05,快车,长标题计划,100,10,11.00,0,0\n",
    )
    # 1 followed by 400 zeros in 花费 on row 3.
    text(
        "hostile/ad_huge_number.csv",
        AD_HEADER
        + "2026-10-05,快车,巨数计划,100,10,1.00,0,0\n"
        + "2026-10-06,快车,巨数计划,100,10,1"
        + "0" * 400
        + ",0,0\n",
    )
    # "12,34": a comma that does not separate thousands, row 2.
    text(
        "hostile/ad_ambiguous_comma.csv",
        AD_HEADER + '2026-10-05,快车,逗号计划,100,10,"12,34",0,0\n'
        '2026-10-06,快车,逗号计划,100,10,"1,234.00",0,0\n',
    )
    # 2.5 clicks on row 3: used, with a warning (cost 12 + 13).
    text(
        "hostile/ad_fractional_clicks.csv",
        AD_HEADER
        + "2026-10-05,快车,小数计划,100,10,12.00,0,0\n"
        + "2026-10-06,快车,小数计划,100,2.5,13.00,0,0\n",
    )
    # Exported 2026-11-01: 1900-01-01 (row 3) and 2099-12-31 (row 5) are implausible.
    text(
        "hostile/ad_implausible_dates.csv",
        "导出时间：2026-11-01 10:00:00\n"
        + AD_HEADER
        + "1900-01-01,快车,日期计划,100,10,14.00,0,0\n"
        + "2026-10-05,快车,日期计划,100,10,15.00,0,0\n"
        + "2099-12-31,快车,日期计划,100,10,16.00,0,0\n",
    )


if __name__ == "__main__":
    import sys

    hostile() if sys.argv[1:] == ["hostile"] else main()
