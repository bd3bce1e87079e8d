"""Benchmark: writing ``audience_lists.xlsx`` for a large shop, against the previous writer.

Builds N customers (default 200,000; seeded) with the columns of the audience lists
(:data:`jdpromo.users.AUDIENCE_COLUMNS`), splits them into the lifecycle sheets with
:func:`jdpromo.users.audience_lists` (a detailed sheet and an upload sheet per layer), then times

* baseline: the writer before the column registry — ``DataFrame.to_excel`` through openpyxl,
  General format, no widths, no frozen header, no filter, formula-safe text;
* jdpromo: :func:`jdpromo.report.write_workbook` with xlsxwriter's constant-memory mode —
  rounded numbers, ¥ and % formats, widths, frozen header, autofilter, flags as 是/否 — whose
  data rows are rendered a block at a time (``report._stream_rows``);
* jdpromo cell by cell: the same call with every cell written through xlsxwriter's API (the
  writer before block rendering), which must give the same file byte for byte;

and prints the times, the ratio jdpromo ÷ baseline (below 1 is faster), the speed-up over cell
by cell and the file sizes.

Usage::

    python benchmarks/workbooks.py [--customers N] [--seed S]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from jdpromo import report, users
from jdpromo.report import excel_safe, write_workbook


def customers(n: int, seed: int = 20261126) -> pd.DataFrame:
    """A synthetic ``customer_layers`` table with the audience columns."""
    rng = np.random.default_rng(seed)
    ids = [f"jd_{v:010x}" for v in rng.choice(16**10, n, replace=False).tolist()]
    last = pd.Timestamp("2026-10-31") - pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    return pd.DataFrame(
        {
            "customer_id": ids,
            "lifecycle": rng.choice(users.LIFECYCLE, n, p=[0.15, 0.3, 0.25, 0.3]),
            "rfm_segment": rng.choice(users.RFM_SEGMENTS, n),
            "value_tier": rng.choice(users.VALUE_TIERS, n),
            "price_sensitivity": rng.choice(users.PRICE_SENSITIVITY, n),
            "last_order_at": last,
            "recency_days": (pd.Timestamp("2026-10-31") - last).days,
            "frequency": rng.integers(1, 20, n),
            "monetary": rng.lognormal(5.5, 0.9, n),
            "coupon_share": rng.random(n) * 0.3,
        }
    )


def baseline(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    """The previous ``write_workbook``: pandas + openpyxl, no formatting."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet, frame in sheets.items():
            excel_safe(frame).to_excel(writer, sheet_name=sheet[:31], index=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=20261126)
    args = ap.parse_args(argv)
    sheets = users.audience_lists(customers(args.customers, args.seed), "zh")
    rows = sum(len(f) for f in sheets.values())
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old.xlsx", Path(tmp) / "new.xlsx"
        t0 = time.perf_counter()
        baseline(sheets, old)
        t1 = time.perf_counter()
        write_workbook(sheets, new, constant_memory=True)
        t2 = time.perf_counter()
        print(
            f"audience_lists.xlsx: {args.customers:,} customers, {len(sheets)} sheets, {rows:,} rows"
        )
        print(
            f"  baseline (openpyxl, unformatted): {t1 - t0:6.1f} s  {old.stat().st_size / 1e6:5.1f} MB"
        )
        print(
            f"  jdpromo (xlsxwriter, formatted):  {t2 - t1:6.1f} s  {new.stat().st_size / 1e6:5.1f} MB"
        )
        print(f"  ratio jdpromo / baseline: {(t2 - t1) / (t1 - t0):.2f}")
        cells = Path(tmp) / "cells.xlsx"
        streamed = report._stream_rows
        report._stream_rows = lambda *a: 0  # every cell through xlsxwriter's write_* calls
        try:
            t3 = time.perf_counter()
            write_workbook(sheets, cells, constant_memory=True)
            t4 = time.perf_counter()
        finally:
            report._stream_rows = streamed
        same = parts(new) == parts(cells)
        print(
            f"  jdpromo cell by cell (before):    {t4 - t3:6.1f} s  "
            f"{cells.stat().st_size / 1e6:5.1f} MB; block rendering is {(t4 - t3) / (t2 - t1):.1f}x "
            f"faster, same file: {'yes' if same else 'NO'}"
        )
    return 0 if same else 1


def parts(path: Path) -> dict[str, bytes]:
    """Every part of an .xlsx but docProps/core.xml (which holds the time of writing)."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


if __name__ == "__main__":
    sys.exit(main())
