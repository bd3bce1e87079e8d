"""Benchmark: reading a large 快车 keyword/search-term export.

Writes an N-row (default 1,000,000) 京东快车 search-term report — UTF-8 with BOM, a title line
with 转化周期 and 导出时间, realistic Chinese headers, search terms (some with spaces), and a
合计 row — to a temporary folder, then times:

* ``read_export`` cold (empty cache: parse + clean; the cache is written by a background
  thread for large files — also timed until that write is done),
* ``pyarrow.csv.read_csv`` on the same file (type inference, no cleaning; the short 合计 row
  skipped by an ``invalid_row_handler``) as the floor,
* ``read_export`` again (cache hit).

Targets: cold ≤ 3× pyarrow, cached ≤ 0.1× cold.

Usage::

    python benchmarks/ingest.py [--rows N] [--repeat K]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from jdpromo import ingest_cache
from jdpromo.ingest import read_export

HEADERS = [
    "日期", "推广计划", "推广单元", "关键词", "搜索词", "关键词购买类型", "展现数", "点击数",
    "点击率", "花费", "平均点击成本", "直接订单行", "间接订单行", "总订单行", "直接订单金额",
    "间接订单金额", "总订单金额", "总加购数", "转化率", "投产比",
]  # fmt: skip

WORDS = [
    "连衣裙", "夏季", "女装", "碎花", "长款", "雪纺", "显瘦", "大码", "新款", "2026",
    "T恤", "男", "纯棉", "短袖", "宽松", "休闲", "手机壳", "防摔", "透明", "苹果",
]  # fmt: skip


def write_export(path: Path, rows: int, seed: int = 20261025) -> None:
    """Write a synthetic 快车 search-term export of ``rows`` data rows (plus title and total)."""
    rng = np.random.default_rng(seed)
    words = np.array(WORDS)
    keywords = np.array([" ".join(rng.choice(words, 2, replace=False)) for _ in range(5000)])
    terms = np.array([" ".join(rng.choice(words, 3)) for _ in range(50_000)])
    days = np.array([f"2026-10-{d:02d}" for d in range(1, 32)])
    kw = rng.integers(0, len(keywords), rows)
    impressions = rng.integers(1, 20_000, rows)
    clicks = rng.binomial(impressions, 0.02)
    cost = np.round(clicks * rng.uniform(0.3, 3.0, rows), 2)
    direct = rng.poisson(clicks * 0.03)
    indirect = rng.poisson(clicks * 0.01)
    d_rev = np.round(direct * rng.uniform(50, 300, rows), 2)
    i_rev = np.round(indirect * rng.uniform(50, 300, rows), 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ctr = np.where(impressions > 0, clicks / impressions * 100, 0)
        cpc = np.where(clicks > 0, cost / clicks, 0)
        cvr = np.where(clicks > 0, (direct + indirect) / clicks * 100, 0)
        roi = np.where(cost > 0, (d_rev + i_rev) / cost, 0)
    table = pa.table(
        {
            "日期": days[np.sort(rng.integers(0, 31, rows))],
            "推广计划": pa.array([f"计划{k % 20:02d}" for k in range(20)]).take(kw % 20),
            "推广单元": pa.array([f"单元{k:03d}" for k in range(100)]).take(kw % 100),
            "关键词": keywords[kw],
            "搜索词": terms[rng.integers(0, len(terms), rows)],
            "关键词购买类型": np.array(["精确匹配", "短语匹配", "切词匹配"])[kw % 3],
            "展现数": impressions,
            "点击数": clicks,
            "点击率": pc.binary_join_element_wise(
                pc.round(pa.array(ctr), 2).cast(pa.string()), "%", ""
            ),
            "花费": cost,
            "平均点击成本": np.round(cpc, 2),
            "直接订单行": direct,
            "间接订单行": indirect,
            "总订单行": direct + indirect,
            "直接订单金额": d_rev,
            "间接订单金额": i_rev,
            "总订单金额": np.round(d_rev + i_rev, 2),
            "总加购数": rng.poisson(clicks * 0.05),
            "转化率": pc.binary_join_element_wise(
                pc.round(pa.array(cvr), 2).cast(pa.string()), "%", ""
            ),
            "投产比": np.round(roi, 2),
        }
    )
    with path.open("wb") as fh:
        fh.write(
            "\ufeff京东快车 搜索词报表\n"
            "转化周期：15天（点击）,导出时间：2026-11-20 09:30:00\n".encode()
        )
        pacsv.write_csv(table, fh, pacsv.WriteOptions(quoting_style="needed"))
        fh.write(f"合计,,,,,,{impressions.sum()},{clicks.sum()},,{cost.sum():.2f}\n".encode())


def _time(fn, repeat: int, after=None) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
        if after is not None:
            after()
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="data rows (default 1e6)")
    parser.add_argument("--repeat", type=int, default=3, help="timing repeats, best kept")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        path = tmp_path / "kuaiche_search_terms.csv"
        t0 = time.perf_counter()
        write_export(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        print(f"wrote {args.rows:,} rows, {size_mb:.1f} MB in {time.perf_counter() - t0:.1f} s")

        caches = iter(range(10**6))

        def cold() -> None:
            read_export(path, cache_dir=tmp_path / f"cache{next(caches)}")

        t_cold = _time(cold, args.repeat, after=ingest_cache.flush)

        def cold_flushed() -> None:
            cold()
            ingest_cache.flush()

        t_cold_write = _time(cold_flushed, args.repeat)
        t_arrow = _time(
            lambda: pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(skip_rows=2),
                parse_options=pacsv.ParseOptions(invalid_row_handler=lambda row: "skip"),
            ),
            args.repeat,
        )
        warm_cache = tmp_path / "warm"
        parsed = read_export(path, cache_dir=warm_cache)
        t_cached = _time(lambda: read_export(path, cache_dir=warm_cache), args.repeat)

        assert parsed.report.rows_used == args.rows, parsed.report
        print(f"read_export cold   {t_cold:7.3f} s  {args.rows / t_cold:12,.0f} rows/s")
        print(f"  + cache written  {t_cold_write:7.3f} s  (until the cache is written)")
        print(f"pyarrow read_csv   {t_arrow:7.3f} s  {args.rows / t_arrow:12,.0f} rows/s")
        print(f"read_export cached {t_cached:7.3f} s  {args.rows / t_cached:12,.0f} rows/s")
        print(f"cold / pyarrow  = {t_cold / t_arrow:5.2f}x  (target <= 3x)")
        print(f"cold+write / pa = {t_cold_write / t_arrow:5.2f}x")
        print(f"cached / cold   = {t_cached / t_cold:5.3f}x  (target <= 0.1x)")


if __name__ == "__main__":
    main()
