"""Shared fixtures: a seeded RNG, a private parse cache, and figures closed after each test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
REALDATA = ROOT.parent / "shared" / "realdata"
CDNOW = REALDATA / "cdnow" / "CDNOW_master.csv.gz"


def need(path: Path) -> None:
    """Skip the test, saying why, when a real-data file is absent."""
    if not path.exists():
        pytest.skip(f"real data not found at {path} (the ../shared/realdata checkout is absent)")


@pytest.fixture(scope="session")
def cdnow_export(tmp_path_factory) -> tuple[pd.DataFrame, Path]:
    """CDNOW's log (the raw rows) and the same log written in JD's order-export layout.

    CDNOW is not a JD export: each transaction becomes one order (订单号 = row number) in a UTF-8
    CSV with BOM and JD's headers (订单号, 下单帐号, 下单时间, 订单金额, 订单状态, 商品数量).
    """
    need(CDNOW)
    raw = pd.read_csv(CDNOW, dtype=str, keep_default_na=False)
    jd = pd.DataFrame(
        {
            "订单号": [str(i) for i in range(1, len(raw) + 1)],
            "下单帐号": raw["customer_id"],
            "下单时间": raw["date"],
            "订单金额": raw["dollar_value"],
            "订单状态": "已完成",
            "商品数量": raw["number_of_cds"],
        }
    )
    path = tmp_path_factory.mktemp("cdnow") / "订单导出_CDNOW.csv"
    jd.to_csv(path, index=False, encoding="utf-8-sig")
    return raw, path


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261025)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Each test session parses into its own cache, never the user's."""
    monkeypatch.setenv("JDPROMO_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def rendered(frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """What a reader sees of ``frame`` in a report: the headers and cell texts of
    :func:`jdpromo.report.html_table`, as a frame of strings."""
    import html
    import re

    from jdpromo.report import html_table

    out = html_table(frame, lang, max_rows=100_000)
    head = [html.unescape(x) for x in re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", out)]
    body = out.split("<tbody>", 1)[1]
    rows = [
        [html.unescape(c) for c in re.findall(r"<td(?:\s[^>]*)?>(.*?)</td>", tr)]
        for tr in re.findall(r"<tr(?:\s[^>]*)?>(.*?)</tr>", body)
    ]
    return pd.DataFrame(rows, columns=head)


def unselected(box) -> list[str]:
    """The choice widgets (dropdowns, toggles) under ``box`` that show no selection — what an
    explorer must never open with (ipywidgets 8 selects nothing when options are set)."""
    out, todo = [], [box]
    while todo:
        w = todo.pop()
        todo.extend(getattr(w, "children", ()))
        single = hasattr(w, "options") and not hasattr(w, "rows")  # SelectMultiple may be empty
        if single and w.value is None:
            out.append(w.description or type(w).__name__)
    return out
