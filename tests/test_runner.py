"""End-to-end runs of the CLI in a temporary folder: success, partial, failure, parameters."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from jdpromo.cli import main
from jdpromo.params import NOTEBOOKS
from jdpromo.runner import collect_reports, period_folder, rebuild_index

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    """A small demo shop (reduced scale keeps the notebook runs quick)."""
    from jdpromo.sample import write_demo_shop

    folder = tmp_path_factory.mktemp("data") / "demo"
    write_demo_shop(folder, shop="demo", seed=7, scale=0.1)
    return folder


def _run(*args: str) -> int:
    return main(["run", *args])


def _no_code_no_cdn(html: str) -> None:
    assert not re.search(r"class=\"[^\"]*jp-InputArea", html)  # no input cells
    assert "open_report(" not in html and "import " not in html  # no notebook source shows
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", html, re.I)


def test_demo_month_end_to_end(demo_data, tmp_path, capsys):
    out = tmp_path / "reports"
    code = _run(
        "--shop", "demo", "--period", "2026-10", "--data", str(demo_data), "--out", str(out)
    )
    assert code == 0, capsys.readouterr()
    folder = out / "demo" / "2026-10"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok"
    assert [n["name"] for n in manifest["notebooks"]] == list(NOTEBOOKS)
    assert all(n["status"] == "ok" and n["seconds"] > 0 for n in manifest["notebooks"])
    inputs = manifest["inputs"]
    assert inputs and all(len(i["sha256"]) == 64 and i["rows"] >= 0 for i in inputs)
    assert manifest["versions"]["pandas"]
    for name in NOTEBOOKS:
        html = (folder / f"{name}.html").read_text(encoding="utf-8")
        _no_code_no_cdn(html)
        if name != "recap":  # the recap is cards and text; every other report has charts
            assert "data:image/png;base64" in html
        assert "widget-view" not in html  # widgets are static in reports
        executed = (folder / f"{name}.ipynb").read_text(encoding="utf-8")
        assert "missing from font" not in executed and "Traceback" not in executed
    assert "数据体检" in (folder / "data_health.html").read_text(encoding="utf-8")
    for table in (
        "input_files",
        "channel_kpis",
        "budget_plan",
        "channel_changes",
        "keyword_kpis",
        "search_term_kpis",
        "negative_keyword_candidates",
        "bid_suggestions",
        "customer_layers",
        "layer_summary",
        "findings",
    ):
        assert (folder / "tables" / f"{table}.csv").is_file(), table
    # input_files.csv: UTF-8 with BOM, whole-file counts that reconcile
    raw = (folder / "tables" / "input_files.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    import pandas as pd

    files = pd.read_csv(folder / "tables" / "input_files.csv", encoding="utf-8-sig")
    assert list(files.columns[:8]) == [
        "file",
        "table",
        "rows_read",
        "rows_used",
        "rows_skipped",
        "skip_reasons",
        "date_min",
        "date_max",
    ]
    assert (files["rows_read"] == files["rows_used"] + files["rows_skipped"]).all()
    assert (folder / "run.log").read_text(encoding="utf-8").strip()
    import pandas as pd

    index = (out / "index.html").read_text(encoding="utf-8")
    assert "demo/2026-10/data_health.html" in index and "正常" in index
    assert (folder / "keyword_actions.xlsx").is_file() and (
        folder / "audience_lists.xlsx"
    ).is_file()
    # judgement: problems first, the promotion named on every page, verdicts per campaign
    found = pd.read_csv(folder / "tables" / "findings.csv", encoding="utf-8-sig")
    assert found.loc[0, "direction"] in ("worse", "risk")
    order = found["direction"].map({"worse": 0, "risk": 1, "opportunity": 2, "better": 3})
    assert order.is_monotonic_increasing
    assert found["money_basis"].isin(["profit_lost", "profit_missed", "profit_at_risk",
                                      "profit_gained", "spend_wasted", "extra_cost",
                                      "cost_saved", "observed_return_spend", "none"]).all()  # fmt: skip
    for name in NOTEBOOKS:
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert "2026年双11 预热" in page, name
    verdicts = pd.read_csv(folder / "tables" / "campaign_verdicts.csv", encoding="utf-8-sig")
    assert set(verdicts["verdict"]) <= {"grow", "keep", "hold", "cut", "pause"}
    assert "pause" not in set(verdicts["verdict"])  # 预热 only: nothing paused before the peak
    diag = pd.read_csv(folder / "tables" / "channel_findings.csv", encoding="utf-8-sig")
    assert not diag["action"].isin(["pause", "lower_bids"]).any()
    # one 客单价 (gmv / buyers) and one target ROI on every page
    layers_page = (folder / "user_layers.html").read_text(encoding="utf-8")
    assert "客单价（元）" not in layers_page and "人均消费" in layers_page
    assert "targets.roi" in (folder / "keyword_review.html").read_text(encoding="utf-8")
    # personal data: customer ids only in customer_layers.csv and the audience lists
    import pandas as pd

    ids = pd.read_csv(folder / "tables" / "customer_layers.csv", dtype=str, encoding="utf-8-sig")
    sample_ids = ids["customer_id"].head(50).tolist()
    for name in NOTEBOOKS:
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert not any(i in page for i in sample_ids), name
    assert not list((folder / "tables").glob("audience_lists*"))  # ids not copied to CSVs
    _files_for_excel_and_jd(folder, ids)


def _files_for_excel_and_jd(folder, customers) -> None:
    """The data dictionary covers every column written; the workbooks are formatted; the
    audience upload sheets hold exactly each layer's accounts; file names are plain."""
    import openpyxl
    import pandas as pd

    tables = folder / "tables"
    for path in folder.rglob("*"):
        assert not re.search(r"[\uff01-\uff5e\u3000-\u303f]", path.name), path.name
    readme = pd.read_csv(tables / "README.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(readme.columns) == ["file", "column", "中文名", "unit", "meaning"]
    written = {
        (p.name, c)
        for p in tables.glob("*.csv")
        if p.name != "README.csv"
        for c in pd.read_csv(p, nrows=0, encoding="utf-8-sig").columns
    }
    assert set(zip(readme["file"], readme["column"], strict=True)) == written
    assert (readme["中文名"] != "").all() and (readme["unit"] != "").all()
    row = readme.set_index(["file", "column"]).loc[("keyword_kpis.csv", "ctr")]
    assert (row["中文名"], row["unit"]) == ("点击率", "比例（小数，0.0123 即 1.23%）")
    # keyword_actions.xlsx: JD's headers, money as ¥, frozen header, filter, widths
    book = openpyxl.load_workbook(folder / "keyword_actions.xlsx")
    assert book.sheetnames[:2] == ["否定关键词", "暂停或降价"]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
        assert all(ws.column_dimensions[c].width >= 6 for c in "ABC")
    cells = [
        ws.cell(r, i + 1)
        for ws in book.worksheets
        for i, h in enumerate(c.value for c in ws[1])
        if h in ("花费", "当前出价", "建议出价")
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, i + 1).value is not None
    ]
    assert cells and all(c.number_format == "¥#,##0.00" for c in cells)
    assert all(c.value is None or round(c.value, 2) == c.value for c in cells)
    # audience_lists.xlsx: per layer the analyst's sheet, then the upload sheet of accounts
    book = openpyxl.load_workbook(folder / "audience_lists.xlsx", read_only=True)
    assert book.sheetnames == ["新用户", "新用户_上传", "活跃", "活跃_上传", "沉默", "沉默_上传",
                               "流失", "流失_上传"]  # fmt: skip
    for layer in ("新用户", "活跃", "沉默", "流失"):
        upload = [r[0] for r in book[f"{layer}_上传"].iter_rows(values_only=True)]
        detail = list(book[layer].iter_rows(values_only=True))
        assert upload[0] == "下单帐号" and detail[0][0] == "下单帐号" and len(detail[0]) > 1
        assert upload[1:] == [r[0] for r in detail[1:]]  # the same accounts, same order
        mine = customers.loc[customers["lifecycle"] == layer, "customer_id"]
        assert sorted(upload[1:]) == sorted(mine)


def test_partial_period_and_english(demo_data, tmp_path):
    out = tmp_path / "reports"
    # the demo data end on 2026-10-31: a range running past it is partial
    code = _run(
        "--shop",
        "demo",
        "--period",
        "2026-10-20..2026-11-05",
        "--data",
        str(demo_data),
        "--out",
        str(out),
        "--lang",
        "en",
    )
    assert code == 0
    folder = out / "demo" / period_folder("2026-10-20..2026-11-05")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "partial" and manifest["partial_reasons"]
    html = (folder / "data_health.html").read_text(encoding="utf-8")
    assert "Data health check" in html and "partial" in html
    assert "partial" in (out / "index.html").read_text(encoding="utf-8")


def test_failed_notebook_keeps_the_good_report(demo_data, tmp_path, monkeypatch, capsys):
    out = tmp_path / "reports"
    args = ("--shop", "demo", "--period", "2026-09", "--data", str(demo_data), "--out", str(out))
    assert _run(*args) == 0
    good = out / "demo" / "2026-09"
    good_manifest = (good / "manifest.json").read_text(encoding="utf-8")

    # a project copy whose notebook raises in its third step
    root = tmp_path / "project"
    shutil.copytree(ROOT / "params", root / "params")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    nb = nbformat.read(ROOT / "notebooks" / "data_health.ipynb", as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    code_cells[3].source += "\nraise ValueError('broken step')"
    nbformat.write(nb, root / "notebooks" / "data_health.ipynb")
    monkeypatch.setenv("JDPROMO_HOME", str(root))

    assert _run(*args) == 1
    assert "failed" in capsys.readouterr().out
    # the good report is untouched; the failed attempt sits beside it
    assert (good / "manifest.json").read_text(encoding="utf-8") == good_manifest
    failed = out / "demo" / "2026-09.failed"
    manifest = json.loads((failed / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed"
    nbres = manifest["notebooks"][0]
    assert nbres["status"] == "failed" and "broken step" in nbres["error"]
    html = (failed / "data_health.html").read_text(encoding="utf-8")
    assert "报告生成失败" in html and "broken step" in html
    assert f"第 {nbres['failed_cell']} 步" in html
    [entry] = collect_reports(out)
    assert entry["status"] == "failed" and entry["previous_good"][0] == "demo/2026-09"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "失败" in index and "上一次成功的报告" in index

    # a later good run replaces both
    monkeypatch.delenv("JDPROMO_HOME")
    assert _run(*args) == 0
    assert not failed.exists()
    assert collect_reports(out)[0]["status"] == "ok"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--shop", "../evil", "--period", "2026-10"], "not allowed"),
        (["--shop", "demo", "--period", "2026-13"], "month must be"),
        (["--shop", "demo", "--period", "2026-10", "--lang", "fr"], "lang"),
        (["--shop", "demo", "--period", "2026-10", "--notebooks", "nope"], "unknown notebook"),
        (["--shop", "demo", "--period", "9999-2030"], "promotion"),
    ],
)
def test_bad_parameters_exit_2_before_any_kernel(args, message, demo_data, tmp_path, capsys):
    code = _run(*args, "--data", str(demo_data), "--out", str(tmp_path / "r"))
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_unknown_option_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--shop", "demo", "--period", "2026-10", "--colour", "red"])
    assert exc.value.code == 2


def test_missing_data_folder_is_a_clear_error(tmp_path, capsys):
    code = _run(
        "--shop",
        "nosuch",
        "--period",
        "2026-10",
        "--data",
        str(tmp_path / "none"),
        "--out",
        str(tmp_path / "r"),
    )
    assert code == 1
    assert "does not exist" in capsys.readouterr().err


def test_index_rebuilds_safely_in_parallel(tmp_path):
    """Several processes rebuilding the index at once leave one complete page."""
    from concurrent.futures import ProcessPoolExecutor

    for i in range(6):
        folder = tmp_path / f"shop{i}" / "2026-10"
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(
            json.dumps(
                {
                    "period": "2026-10",
                    "status": "ok",
                    "finished": f"2026-11-2{i}T00:00:00+00:00",
                    "notebooks": [{"name": "data_health"}],
                    "partial_reasons": [],
                }
            ),
            encoding="utf-8",
        )
    with ProcessPoolExecutor(max_workers=4) as pool:
        list(pool.map(rebuild_index, [tmp_path] * 12))
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert page.rstrip().endswith("</html>")
    assert all(f"shop{i}/2026-10/data_health.html" in page for i in range(6))
    assert not list(tmp_path.glob(".index.*.tmp"))


def test_missing_exports_give_a_clear_section_not_a_crash(tmp_path):
    """A folder with one 快车 report only: every notebook runs and says what to export."""
    data = tmp_path / "exports"
    data.mkdir()
    shutil.copy(ROOT / "tests" / "corpus" / "kuaiche_campaign_bom.csv", data / "快车.csv")
    out = tmp_path / "reports"
    code = _run(
        "--shop",
        "tiny",
        "--period",
        "2026-10",
        "--data",
        str(data),
        "--out",
        str(out),
        "--notebooks",
        "data_health,channel_comparison",
    )
    assert code == 0
    folder = out / "tiny" / "2026-10"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "partial"  # two days of data do not cover October
    html = (folder / "channel_comparison.html").read_text(encoding="utf-8")
    assert "暂无「商智流量来源」数据" in html and "京东商智" in html
    assert "Traceback" not in html


def test_runs_at_once_share_nothing_but_the_index(demo_data, tmp_path):
    """Two scheduled runs started together (same folder, same cwd) both publish; the index
    lists both."""
    import subprocess
    import sys

    out = tmp_path / "reports"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jdpromo.cli",
                "run",
                "--shop",
                "demo",
                "--period",
                period,
                "--data",
                str(demo_data),
                "--out",
                str(out),
                "--notebooks",
                "data_health",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for period in ("2026-08", "2026-09")
    ]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "demo/2026-08/" in index and "demo/2026-09/" in index
    assert not list((out / "demo").glob(".*attempt*"))
