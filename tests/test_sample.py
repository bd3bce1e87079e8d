"""Tests of the demo shop generator (:mod:`jdpromo.sample`).

The files are generated once per module: at scale 0.2 for properties that do not depend on the
scale (twice with seed 7 and once with seed 8, for determinism), and once at scale 1.0 for the
sizes the demo promises (keywords, customers, row counts) and the generation time.
"""

from __future__ import annotations

import csv
import functools
import io
import time
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from jdpromo import sample
from jdpromo.params import ShopParams, read_yaml

ROOT = Path(__file__).resolve().parents[1]
SMALL = 0.2
ALL_DAYS = pd.date_range(sample.DEMO_START, sample.DEMO_END, freq="D")

# File name stem → the canonical table the file must be read as.
EXPECTED_TABLE = {
    "推广计划报表": "ad_daily",
    "创意报表": "ad_daily",
    "推广单元报表": "ad_daily",
    "关键词报表": "keyword_daily",
    "搜索词报表": "keyword_daily",
    "流量来源": "traffic_daily",
    "经营概况": "shop_daily",
    "商品明细": "sku_daily",
    "行业热搜榜": "industry_keywords",
    "订单导出": "orders",
}
AD_PREFIX = {
    "京东快车_推广计划报表": "快车",
    "京东展位": "展位",
    "京东海投": "海投",
    "购物触点": "购物触点",
    "站外广告": "站外广告",
}
HEADER_FIRST = {"日期", "订单号", "排名"}


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("demo_small")
    return out, sample.write_demo_shop(out, seed=7, scale=SMALL)


@pytest.fixture(scope="module")
def small_again(tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("demo_again")
    # A stale file of the same name must be overwritten; a foreign file must be left alone.
    (out / "京东商智_经营概况_20241101-20261031.xlsx").write_bytes(b"stale")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    return out, sample.write_demo_shop(out, seed=7, scale=SMALL)


@pytest.fixture(scope="module")
def other_seed(tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("demo_seed8")
    return out, sample.write_demo_shop(out, seed=8, scale=SMALL)


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> tuple[Path, list[Path], float]:
    out = tmp_path_factory.mktemp("demo_full")
    t0 = time.perf_counter()
    files = sample.write_demo_shop(out, seed=7, scale=1.0)
    return out, files, time.perf_counter() - t0


# --------------------------------------------------------------------------------------------
# Reading the files back without jdpromo.ingest


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _read(path: Path) -> tuple[list[str], pd.DataFrame]:
    """Title lines and the table (all cells as text) of one demo file."""
    title, frame = _read_cached(path, path.stat().st_mtime_ns)
    return list(title), frame.copy()


@functools.lru_cache(maxsize=64)
def _read_cached(path: Path, mtime: int) -> tuple[tuple[str, ...], pd.DataFrame]:
    if path.suffix == ".xlsx":
        rows = _xlsx_rows(path)
        head = next(i for i, r in enumerate(rows) if r and r[0] in HEADER_FIRST)
        frame = pd.DataFrame(rows[head + 1 :], columns=rows[head], dtype=object)
        return tuple(r[0] for r in rows[:head]), frame
    text = _decode(path.read_bytes())
    lines = text.splitlines()
    head = next(
        i for i, ln in enumerate(lines) if (next(csv.reader([ln]), None) or [""])[0] in HEADER_FIRST
    )
    frame = pd.read_csv(
        io.StringIO("\n".join(lines[head:])),
        dtype=str,
        keep_default_na=False,
        lineterminator="\n",
    )
    return tuple(lines[:head]), frame


def _xlsx_rows(path: Path) -> list[list[str]]:
    """Cells of the first sheet as text (a small reader: much faster than openpyxl here)."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as zf:
        shared = [
            "".join(t.text or "" for t in si.iter(f"{ns}t"))
            for si in ET.fromstring(zf.read("xl/sharedStrings.xml")).iter(f"{ns}si")
        ]
        sheet = ET.fromstring(zf.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{ns}row"):
        cells = []
        for c in row.iter(f"{ns}c"):
            v = c.find(f"{ns}v")
            text = "" if v is None else v.text or ""
            cells.append(shared[int(text)] if c.get("t") == "s" else text)
        rows.append(cells)
    return rows


def _files(folder: Path, stem: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if stem in p.name)


def _concat(folder: Path, stem: str) -> pd.DataFrame:
    return pd.concat([_read(p)[1] for p in _files(folder, stem)], ignore_index=True)


def _num(s: pd.Series) -> pd.Series:
    clean = s.astype(str).str.replace(r"[¥,%]", "", regex=True).replace("-", "0")
    return pd.to_numeric(clean)


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s.str.replace("/", "-"), format="mixed")


def _ad_rows(folder: Path, *, later_wins: bool = True) -> pd.DataFrame:
    """Every 京准通 campaign/creative/unit report, data rows only, canonical-ish columns."""
    frames = []
    for prefix, line in AD_PREFIX.items():
        files = _files(folder, prefix)
        assert len(files) == 2, prefix
        parts = []
        for i, path in enumerate(files):
            _, f = _read(path)
            f = f[f["日期"] != "合计"]
            cost = "花费" if "花费" in f else "总费用"
            imp = next(c for c in ("展现数", "展现量", "曝光量") if c in f)
            clk = "点击数" if "点击数" in f else "点击量"
            part = pd.DataFrame(
                {
                    "date": _dates(f["日期"]),
                    "campaign": f["推广计划"],
                    "impressions": _num(f[imp]),
                    "clicks": _num(f[clk]),
                    "cost": _num(f[cost]),
                    "lines": _num(f["总订单行"]),
                    "revenue": _num(f["总订单金额"]),
                    "export": i,
                }
            )
            parts.append(part)
        both = pd.concat(parts, ignore_index=True)
        if later_wins:
            late_start = parts[1]["date"].min()
            both = both[(both["export"] == 1) | (both["date"] < late_start)]
        frames.append(both.assign(line=line))
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------------
# Parameters


def test_demo_params_validate() -> None:
    data = read_yaml(ROOT / "params" / "demo.yaml")
    params = ShopParams(**data)
    assert params.examples is True
    assert params.shop_name
    assert set(params.promotions) == {"618-2025", "1111-2025", "618-2026", "1111-2026"}
    for name, promo in params.promotions.items():
        warm, peak, encore = sample.PROMOTIONS[name]
        assert (promo.warmup.start, promo.warmup.end) == warm
        assert (promo.peak.start, promo.peak.end) == peak
        assert (promo.encore.start, promo.encore.end) == encore
    assert params.promotions["1111-2026"].warmup.start.month == 10
    for key in ("ctr", "cvr", "cpc"):
        assert "示例" in params.benchmarks[key].source
    for key in ("roi", "ctr", "cvr", "gmv", "cost", "new_customer_cost"):
        assert key in params.targets
    assert "澄禾" in params.brand_terms
    assert params.breakeven_roi == pytest.approx(sample.BREAKEVEN_ROI)
    first = (ROOT / "params" / "demo.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#") and "example" in first.lower()


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        sample.write_demo_shop(tmp_path, scale=0)
    with pytest.raises(Exception, match="shop id"):
        sample.write_demo_shop(tmp_path, shop="../elsewhere")
    assert not any(tmp_path.iterdir())


# --------------------------------------------------------------------------------------------
# Files and formats


def test_files_written(small) -> None:
    folder, files = small
    assert len(files) == 22
    assert all(p.parent == folder and p.stat().st_size > 0 for p in files)
    assert {p.name for p in files} == {p.name for p in folder.iterdir()}
    for path in files:
        assert any(stem in path.name for stem in EXPECTED_TABLE), path.name
    assert sum(p.suffix == ".xlsx" for p in files) == 6


def test_encodings_and_title_lines(small) -> None:
    folder, files = small
    for path in files:
        data = path.read_bytes()
        if path.name.startswith("订单导出"):
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
            assert "下单帐号" in data.decode("gb18030")
        elif path.suffix == ".csv":
            assert data.startswith(b"\xef\xbb\xbf"), path.name
            title = " ".join(_read(path)[0])
            assert "转化周期：15天（点击）" in title
            assert "导出时间：" in title
        else:
            import openpyxl

            with warnings.catch_warnings():
                warnings.simplefilter("error")  # e.g. "Workbook contains no default style"
                wb = openpyxl.load_workbook(path, read_only=True)
                first = [c for c in next(wb.active.iter_rows(values_only=True)) if c is not None]
                wb.close()
            assert first and all(isinstance(c, str) for c in first)


def test_same_seed_gives_identical_bytes(small, small_again) -> None:
    (_, files_a), (b, files_b) = small, small_again
    assert [p.name for p in files_a] == [p.name for p in files_b]
    for one, two in zip(files_a, files_b, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.name
    assert (b / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_other_seed_gives_other_data(small, other_seed) -> None:
    (_, files_a), (_, files_b) = small, other_seed
    assert [p.name for p in files_a] == [p.name for p in files_b]
    for one, two in zip(files_a, files_b, strict=True):
        assert one.read_bytes() != two.read_bytes(), one.name


def test_export_quirks(small) -> None:
    folder, _ = small
    # 快车: dates as 20261013, a 合计 row, 花费/展现数, ROI as JD prints it, "-" for 0/0.
    _, kc = _read(_files(folder, "京东快车_推广计划报表")[1])
    assert kc["日期"].iloc[-1] == "合计"
    assert kc["日期"].iloc[0].isdigit() and len(kc["日期"].iloc[0]) == 8
    assert {"花费", "展现数", "ROI", "点击率", "预售订单行"} <= set(kc.columns)
    assert (kc["转化率"] == "-").any() and (kc["预售订单行"] == "-").any()
    # 展位: 总费用/展现量/点击量 label drift, money with ¥ and thousands separators, 2026-10-13.
    _, zw = _read(_files(folder, "京东展位")[1])
    assert {"总费用", "展现量", "点击量", "创意名称", "定向人群", "广告位"} <= set(zw.columns)
    assert zw["总费用"].str.startswith("¥").all()
    assert zw["日期"].iloc[0][4] == "-"
    big = _num(zw["总订单金额"]).max()
    assert big < 1000 or zw["总订单金额"].str.contains(",").any()
    # 站外广告: 2026/10/13, 曝光量, 投放位置, 投产比.
    _, zwai = _read(_files(folder, "站外广告")[1])
    assert zwai["日期"].iloc[0][4] == "/"
    assert {"曝光量", "投放位置", "投产比"} <= set(zwai.columns)
    # 海投: a blank line between the title lines and the header; SKU kept as text.
    text = _decode(_files(folder, "京东海投")[0].read_bytes())
    assert "\r\n\r\n日期," in text
    # Search terms: every cell quoted, some with a tab inside.
    raw = _decode(_files(folder, "搜索词报表")[1].read_bytes())
    assert '"日期","推广计划"' in raw
    assert any("\t" in t for t in _read(_files(folder, "搜索词报表")[1])[1]["搜索词"]) or any(
        "\t" in t for t in _read(_files(folder, "搜索词报表")[0])[1]["搜索词"]
    )
    # Keyword report: IDs as long digit strings, bids, match types.
    _, kw = _read(_files(folder, "关键词报表")[0])
    ids = kw.loc[kw["日期"] != "合计", "关键词ID"]
    assert ids.str.fullmatch(r"\d{13}").all()
    assert set(kw["关键词购买类型"]) - {""} <= {"精确匹配", "短语匹配", "切词包含"}
    # Orders: long numeric order ids, jd_ accounts, one row per SKU line repeating 订单金额.
    _, orders = _read(_files(folder, "订单导出")[1])
    assert orders["订单号"].str.fullmatch(r"\d{12}").all()
    assert orders["下单帐号"].str.fullmatch(r"jd_[0-9a-f]{10}").all()
    assert pd.to_datetime(orders["下单时间"], format="%Y-%m-%d %H:%M:%S").notna().all()
    per_order = orders.groupby("订单号")["订单金额"].nunique()
    assert (per_order == 1).all()
    assert (orders.groupby("订单号").size() > 1).any()
    assert set(orders["订单状态"]) >= {"已完成", "已取消", "退款成功"}
    assert (_num(orders["优惠金额"]) > 0).any()
    # 商智: 跳失率 as "38.25%"; industry list with a title line and a 2026-10 period.
    _, shop = _read(_files(folder, "经营概况")[0])
    assert shop["跳失率"].str.fullmatch(r"\d{1,2}\.\d\d%").all()
    title, ind = _read(_files(folder, "行业热搜榜")[0])
    assert "2026-10-01~2026-10-31" in title[0]
    assert 300 <= len(ind) <= 500


# --------------------------------------------------------------------------------------------
# Content


def test_date_coverage_is_exactly_the_demo_period(small) -> None:
    folder, _ = small
    for stem in (
        "推广计划报表",
        "创意报表",
        "推广单元报表",
        "关键词报表",
        "搜索词报表",
        "流量来源",
        "经营概况",
        "商品明细",
    ):
        days = set()
        for path in _files(folder, stem):
            f = _read(path)[1]
            days |= set(_dates(f.loc[f["日期"] != "合计", "日期"]))
        assert min(days) == pd.Timestamp(sample.DEMO_START), stem
        assert max(days) == pd.Timestamp(sample.DEMO_END), stem
        if stem not in ("关键词报表", "搜索词报表"):
            assert days == set(ALL_DAYS), stem
    ordered = _concat(folder, "订单导出")
    at = pd.to_datetime(ordered["下单时间"])
    assert at.min().date() == sample.DEMO_START and at.max().date() == sample.DEMO_END
    for prefix in AD_PREFIX:
        ads = pd.concat([_read(p)[1] for p in _files(folder, prefix)])
        ads = ads[ads["日期"] != "合计"]
        assert set(_dates(ads["日期"])) == set(ALL_DAYS), prefix


def test_all_five_paid_lines(small) -> None:
    folder, _ = small
    titles = " ".join(" ".join(_read(p)[0]) for p in folder.glob("*.csv"))
    for word in ("京东快车", "京东展位", "京东海投", "购物触点", "站外广告"):
        assert word in titles
    assert set(sample.PAID_LINES) == {"快车", "展位", "海投", "购物触点", "站外广告"}
    ads = _ad_rows(folder)
    assert set(ads["line"]) == set(sample.PAID_LINES)
    assert (ads.groupby("line")["cost"].sum() > 0).all()


def test_magnitudes_by_line(small) -> None:
    ads = _ad_rows(small[0])
    g = ads.groupby("line")[["impressions", "clicks", "cost", "lines", "revenue"]].sum()
    ctr = g["clicks"] / g["impressions"]
    cpc = g["cost"] / g["clicks"]
    assert ctr.between(0.003, 0.05).all(), ctr
    assert cpc.between(0.5, 3.0).all(), cpc


def test_roi_below_and_above_breakeven(small) -> None:
    ads = _ad_rows(small[0])
    g = ads.groupby(["line", "campaign"])[["cost", "revenue"]].sum()
    roi = g["revenue"] / g["cost"]
    assert (roi < sample.BREAKEVEN_ROI).any()
    assert (roi > sample.BREAKEVEN_ROI).any()
    big = g["cost"] > 1000
    assert roi[big].between(0.3, 15).all(), roi[big]


def test_later_export_has_more_attributed_orders(small) -> None:
    ads = _ad_rows(small[0], later_wins=False)
    late_start = ads.loc[ads["export"] == 1, "date"].min()
    assert late_start == pd.Timestamp("2025-10-25")
    overlap = ads[(ads["date"] >= late_start) & (ads["date"] <= pd.Timestamp("2025-10-31"))]
    by = overlap.groupby(["line", "export"])[["clicks", "lines"]].sum().unstack("export")
    assert (by[("clicks", 0)] == by[("clicks", 1)]).all()
    assert (by[("lines", 0)] <= by[("lines", 1)]).all()
    assert by[("lines", 0)].sum() < by[("lines", 1)].sum()


def test_search_terms_that_spend_without_converting(small) -> None:
    terms = _concat(small[0], "搜索词报表")
    g = terms.groupby("搜索词").agg(
        clicks=("点击数", lambda s: _num(s).sum()),
        cost=("花费", lambda s: _num(s).sum()),
        lines=("总订单行", lambda s: _num(s).sum()),
    )
    wasted = g[(g["clicks"] > 0) & (g["lines"] == 0)]
    assert len(wasted) >= 5
    assert wasted["cost"].sum() > 0
    assert (g["lines"] > 0).any()


def test_reports_add_up(small) -> None:
    """Search terms sum to keywords; keywords sum to the 快车 campaign report's search units."""
    folder = small[0]
    keys = ["日期", "推广计划", "推广单元", "关键词"]
    cols = ["展现数", "点击数", "花费", "总订单行"]

    def sums(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        frame = frame[frame["日期"] != "合计"].reset_index(drop=True)
        return frame[by].join(frame[cols].apply(_num)).groupby(by)[cols].sum()

    terms = sums(_concat(folder, "搜索词报表"), keys)
    words = sums(_concat(folder, "关键词报表"), keys)
    pd.testing.assert_frame_equal(terms[cols[:2] + cols[3:]], words[cols[:2] + cols[3:]])
    assert np.allclose(terms["花费"], words["花费"], atol=0.05)
    units = sums(_read(_files(folder, "京东快车_推广计划报表")[1])[1], keys[:3])
    by_unit = words.groupby(level=[0, 1, 2]).sum()
    common = by_unit.index.intersection(units.index)
    assert len(common) == len(by_unit.loc[by_unit.index.get_level_values(0) >= "20251025"])
    assert (units.loc[common, "点击数"] == by_unit.loc[common, "点击数"]).all()


def test_shop_traffic_and_orders_agree(small) -> None:
    folder = small[0]
    shop = _read(_files(folder, "经营概况")[0])[1]
    shop.index = _dates(shop["日期"])
    traffic = _concat(folder, "流量来源")
    t = traffic.assign(date=_dates(traffic["日期"]))
    t[["访客数", "成交客户数"]] = t[["访客数", "成交客户数"]].apply(_num)
    per_day = t.groupby("date")[["访客数", "成交客户数"]].sum()
    assert (_num(shop["访客数"]) == per_day["访客数"]).all()
    assert (_num(shop["成交客户数"]) <= per_day["成交客户数"]).all()
    assert {"搜索", "推荐", "活动", "内容", "站外", "付费流量"} <= set(traffic["一级来源"])
    assert {
        "秒杀",
        "品牌闪购",
        "领券中心",
        "短视频",
        "问答",
        "逛逛",
        "微信",
        "微博",
        "抖音",
        "京东快车",
        "京东展位",
        "购物触点",
    } <= set(traffic["二级来源"])
    # 成交金额 of 经营概况 is the paid amount of the orders that were not cancelled.
    orders = _concat(folder, "订单导出")
    orders = orders.drop_duplicates("订单号")
    orders = orders[orders["订单状态"] != "已取消"]
    day = pd.to_datetime(orders["下单时间"]).dt.normalize()
    gmv = _num(orders["实付金额"]).groupby(day.to_numpy()).sum()
    assert np.allclose(gmv.reindex(shop.index, fill_value=0), _num(shop["成交金额"]), atol=0.01)
    assert (
        _num(shop["成交单量"])
        == orders.groupby(day.to_numpy()).size().reindex(shop.index, fill_value=0)
    ).all()


def test_promotions_shape_the_days(small) -> None:
    shop = _read(_files(small[0], "经营概况")[0])[1]
    shop.index = _dates(shop["日期"])
    orders = _num(shop["成交单量"])
    carts = _num(shop["加购人数"]) / _num(shop["访客数"])
    warm = slice("2026-10-14", "2026-10-31")
    before = slice("2026-09-14", "2026-10-10")
    assert carts[warm].mean() > 1.5 * carts[before].mean()
    peak = orders["2025-11-01":"2025-11-11"].mean()
    assert peak > 1.5 * orders["2025-09-01":"2025-09-30"].mean()
    assert orders[pd.Timestamp("2025-11-11")] > orders["2025-11-02":"2025-11-09"].mean()
    # Presale order lines in 京准通 appear in warmups only.
    _, kc = _read(_files(small[0], "京东快车_推广计划报表")[1])
    kc = kc[kc["日期"] != "合计"]
    has_presale = kc["预售订单行"] != "-"
    days = set(pd.to_datetime(kc.loc[has_presale, "日期"], format="%Y%m%d"))
    assert days and all(
        any(w and w[0] <= d.date() <= w[1] for w, _, _ in sample.PROMOTIONS.values()) for d in days
    )


def test_weak_detail_pages(small) -> None:
    """A few SKUs draw clicks (high ad CTR) but convert poorly on their detail page."""
    folder = small[0]
    weak = [s[0] for s in sample._SKUS if s[6]]
    assert len(weak) >= 2
    skus = _concat(folder, "商品明细")
    skus = skus.assign(v=_num(skus["商品访客数"]), b=_num(skus["成交客户数"]))
    g = skus.groupby("商品名称")[["v", "b"]].sum()
    is_weak = g.index.str.contains("|".join(weak))
    cvr = g["b"] / g["v"]
    assert is_weak.sum() == len(weak)
    assert cvr[is_weak].max() < cvr[~is_weak].median()
    _, ht = _read(_files(folder, "京东海投")[1])
    names = dict(zip(skus["SKU"], skus["商品名称"], strict=False))
    ht = ht.assign(
        c=_num(ht["点击数"]),
        i=_num(ht["展现数"]),
        weak=ht["商品SKU"].map(names).str.contains("|".join(weak)),
    )
    per = ht.groupby("weak")[["c", "i"]].sum()
    assert per.loc[True, "c"] / per.loc[True, "i"] > per.loc[False, "c"] / per.loc[False, "i"]


def test_industry_words_overlap_shop_keywords_partly(small) -> None:
    folder = small[0]
    industry = set(_read(_files(folder, "行业热搜榜")[0])[1]["搜索词"])
    bought = set()
    for p in _files(folder, "关键词报表"):
        bought |= set(_read(p)[1]["关键词"]) - {""}
    shared = industry & bought
    assert 0.1 * len(industry) < len(shared) < 0.8 * len(industry)
    assert len(industry - bought) > 100


# --------------------------------------------------------------------------------------------
# Scale 1.0


def test_full_scale_sizes_and_time(full) -> None:
    folder, files, took = full
    keywords = set()
    rows = 0
    for stem in ("关键词报表", "搜索词报表"):
        for p in _files(folder, stem):
            f = _read(p)[1]
            f = f[f["日期"] != "合计"]
            rows += len(f)
            if stem == "关键词报表":
                keywords |= set(f["关键词"])
    assert len(keywords) >= 800
    assert 150_000 <= rows <= 400_000
    customers = set()
    for p in _files(folder, "订单导出"):
        customers |= set(_read(p)[1]["下单帐号"])
    assert len(customers) >= 20_000
    assert len(files) == 22
    assert took < 120, f"generation took {took:.1f} s"


# --------------------------------------------------------------------------------------------
# With the ingest reader


def test_ingest_recognises_every_file(small) -> None:
    ingest = pytest.importorskip("jdpromo.ingest")
    folder, files = small
    for path in files:
        parsed = ingest.read_export(path)
        want = next(t for stem, t in EXPECTED_TABLE.items() if stem in path.name)
        assert parsed.report.table == want, path.name
        assert parsed.report.status == "ok"
        assert parsed.report.rows_read > 0
    dataset = ingest.load_folder(folder)
    inv = dataset.inventory()
    assert (inv["status"] == "ok").all(), inv[inv["status"] != "ok"][["file", "message"]]
    ads = dataset.table("ad_daily")
    assert set(ads["product_line"].dropna()) == set(sample.PAID_LINES)
    assert set(ads["attribution_days"].dropna()) == {15}
    for name in ("ad_daily", "keyword_daily", "traffic_daily", "shop_daily", "sku_daily"):
        frame = dataset.table(name)
        days = pd.to_datetime(frame["date"])
        assert days.min().date() == sample.DEMO_START, name
        assert days.max().date() == sample.DEMO_END, name
    overlaps = dataset.overlaps
    ad_overlaps = overlaps[overlaps["table"] == "ad_daily"]
    assert len(ad_overlaps) == len(sample.PAID_LINES)
    assert (pd.to_datetime(ad_overlaps["date_min"]) == pd.Timestamp("2025-10-25")).all()
    orders = dataset.table("orders")
    assert orders["customer_id"].nunique() >= 0.5 * sample.CUSTOMERS_PER_SCALE * SMALL
    assert dataset.table("industry_keywords")["keyword"].nunique() >= 300
