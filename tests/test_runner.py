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
from jdpromo.text import t

pytestmark = pytest.mark.e2e

SERVER_PATHS = ("site-packages", "/work/", "/home/", "/root/", "/tmp/")
"""What no page may show: a report is forwarded, the server's folders are nobody's business."""


def _server_path_in(page: str) -> bool:
    """Whether the page shows a server path (inline images left out: base64 holds slashes)."""
    text = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", "", page)
    return any(p in text for p in SERVER_PATHS)


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
        assert not _server_path_in(html), name
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
                                      "promotion_investment", "profit_gained", "spend_wasted",
                                      "extra_cost", "cost_saved", "observed_return_spend",
                                      "none"]).all()  # fmt: skip
    for name in NOTEBOOKS:
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert "2026年双11 预热" in page, name
    verdicts = pd.read_csv(folder / "tables" / "campaign_verdicts.csv", encoding="utf-8-sig")
    assert set(verdicts["verdict"]) <= {"grow", "keep", "hold", "cut", "pause"}
    # 预热 waits for the peak: a cut or pause is made on the ordinary days (10-01..10-13) only
    acted = verdicts["verdict"].isin(["cut", "pause"])
    assert (verdicts.loc[acted, "verdict_basis"] == "ordinary").all()
    assert verdicts.loc[acted, "reason"].str.startswith("ordinary_").all()
    diag = pd.read_csv(folder / "tables" / "channel_findings.csv", encoding="utf-8-sig")
    now = diag["action"].isin(["pause", "lower_bids", "cut_campaigns", "cut_campaigns_all"])
    assert diag.loc[now, "text_key"].str.startswith("finding_roi_below_breakeven_ordinary").all()
    # one 客单价 (gmv / buyers) and one target ROI on every page
    layers_page = (folder / "user_layers.html").read_text(encoding="utf-8")
    assert "客单价（元）" not in layers_page and "人均消费" in layers_page
    assert "目标ROI 4.00（店铺设定的目标）" in (folder / "keyword_review.html").read_text(
        encoding="utf-8"
    )
    # personal data: customer ids only in customer_layers.csv and the audience lists
    import pandas as pd

    ids = pd.read_csv(folder / "tables" / "customer_layers.csv", dtype=str, encoding="utf-8-sig")
    sample_ids = ids["customer_id"].head(50).tolist()
    for name in NOTEBOOKS:
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert not any(i in page for i in sample_ids), name
    assert not list((folder / "tables").glob("audience_lists*"))  # ids not copied to CSVs
    _files_for_excel_and_jd(folder, ids)
    # the recap reused the detail notebooks' findings (nothing of it left in the report) and
    # found exactly what it finds run alone, computing every rule itself
    assert not (folder / ".shared").exists() and not list(folder.glob(".settled*"))
    alone = tmp_path / "alone"
    args = ("--shop", "demo", "--period", "2026-10", "--data", str(demo_data))
    assert _run(*args, "--out", str(alone), "--notebooks", "recap") == 0
    findings = "tables/findings.csv"
    assert (alone / "demo" / "2026-10" / findings).read_bytes() == (folder / findings).read_bytes()


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
    # audience_lists.xlsx: per layer the analyst's sheet, then the upload sheet of accounts;
    # the demo's 流失 layer does not pay a paid win-back (free channels only): nothing to upload
    book = openpyxl.load_workbook(folder / "audience_lists.xlsx", read_only=True)
    assert book.sheetnames == ["新用户", "新用户_上传", "活跃", "活跃_上传", "沉默", "沉默_上传",
                               "流失"]  # fmt: skip
    for layer in ("新用户", "活跃", "沉默"):
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
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "partial" in index and "；" not in index  # the reasons joined the English way


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
    assert nbres["section"] == t("health_warnings", "zh")  # the heading, not the page's CSS
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


# --- hostile folders and failing disks (issue 11) ----------------------------------------------


def _exports(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(ROOT / "tests" / "corpus" / name, folder / name)
    return folder


def _good_report(out: Path, shop: str = "s1", period: str = "2026-10") -> Path:
    """A published good report, as an earlier run left it."""
    folder = out / shop / period
    folder.mkdir(parents=True)
    manifest = {
        "shop": shop,
        "period": period,
        "status": "ok",
        "finished": "2026-11-01T00:00:00+00:00",
        "notebooks": [{"name": "data_health"}],
        "partial_reasons": [],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "data_health.html").write_text("<p>good</p>", encoding="utf-8")
    return folder


def _fake_execute(nb_path, out_path, *args, **kwargs):
    """A notebook that ran (no kernel: these tests are about what surrounds it)."""
    from jdpromo.runner import NotebookResult

    return NotebookResult(nb_path.stem, "ok", 0.01)


class _NoKernel:
    """Stands for a run's kernel where ``_execute`` is faked."""

    def alive(self) -> bool:
        return True

    def prepare(self, nb_path) -> None:
        pass

    def memory(self) -> int | None:
        return None

    def stop(self) -> None:
        pass


def test_a_kernel_holding_too_much_memory_is_not_kept(tmp_path, monkeypatch):
    """A thread keeps its kernel for its next notebook unless the kernel holds more than
    KERNEL_KEEP_BYTES once a notebook is done (what is left would add to the next one's peak)."""
    from jdpromo import runner

    started: list[_NoKernel] = []

    class Held(_NoKernel):
        def __init__(self, held: int) -> None:
            self.held, self.stopped = held, False
            started.append(self)

        def memory(self) -> int:
            return self.held

        def stop(self) -> None:
            self.stopped = True

    data = _exports(tmp_path, "kuaiche_campaign_bom.csv")
    args = ["--shop", "s1", "--period", "2026-10", "--data", str(data), "--jobs", "1",
            "--notebooks", "data_health,channel_comparison,keyword_review"]  # fmt: skip
    monkeypatch.setattr(runner, "_execute", _fake_execute)
    for held, kernels in ((runner.KERNEL_KEEP_BYTES, 1), (runner.KERNEL_KEEP_BYTES + 1, 3)):
        started.clear()
        monkeypatch.setattr(runner, "start_kernel", lambda *a, held=held, **k: Held(held))
        assert _run(*args, "--out", str(tmp_path / f"out{kernels}")) == 0
        assert len(started) == kernels and all(k.stopped for k in started)
    log = (tmp_path / "out3" / "s1" / "2026-10" / "run.log").read_text(encoding="utf-8")
    assert log.count(" MB: not kept") == 3


def _fake_notebooks(monkeypatch, execute=_fake_execute) -> None:
    from jdpromo import runner

    monkeypatch.setattr(runner, "_execute", execute)
    monkeypatch.setattr(runner, "start_kernel", lambda *args, **kwargs: _NoKernel())


def _one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_disk_full_keeps_the_good_report_and_lists_the_failed_attempt(
    tmp_path, monkeypatch, capsys
):
    import errno

    out = tmp_path / "reports"
    good = _good_report(out)
    before = _snapshot(good)

    def disk_full(nb_path, out_path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(out_path))

    _fake_notebooks(monkeypatch, disk_full)
    data = _exports(tmp_path, "kuaiche_campaign_bom.csv")
    code = _run("--shop", "s1", "--period", "2026-10", "--data", str(data), "--out", str(out))
    line = _one_line(capsys.readouterr().err)
    assert code == 1
    assert line.startswith("jdpromo: error: 报告写入失败：磁盘已满（")
    assert "上一次成功的报告保持不变; details in " in line
    assert _snapshot(good) == before  # the good report is intact
    failed = out / "s1" / "2026-10.failed"
    manifest = json.loads((failed / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and "磁盘已满" in manifest["error"]
    assert "No space left on device" in (failed / "run.log").read_text(encoding="utf-8")
    [entry] = collect_reports(out)
    assert entry["status"] == "failed" and entry["previous_good"][0] == "s1/2026-10"
    assert not list((out / "s1").glob(".2026-10.attempt-*"))


def test_read_only_output_is_one_line_exit_1(tmp_path, monkeypatch, capsys):
    import errno

    out = tmp_path / "reports"
    real_mkdir = Path.mkdir

    def read_only(self, *args, **kwargs):
        if self == out or out in self.parents:
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    data = _exports(tmp_path, "kuaiche_campaign_bom.csv")
    code = _run(
        "--shop",
        "s1",
        "--period",
        "2026-10",
        "--data",
        str(data),
        "--out",
        str(out),
        "--lang",
        "en",
    )
    line = _one_line(capsys.readouterr().err)
    assert code == 1
    assert line == (
        f"jdpromo: error: could not write the report: read-only file system ({out / 's1'}); "
        "the last good report is untouched"
    )
    assert not out.exists()


def test_permission_denied_on_the_manifest_leaves_no_attempt_behind(tmp_path, monkeypatch, capsys):
    import errno

    from jdpromo import runner

    out = tmp_path / "reports"
    good = _good_report(out)
    before = _snapshot(good)

    def denied(folder, manifest):
        raise PermissionError(errno.EACCES, "Permission denied", str(folder / "manifest.json"))

    _fake_notebooks(monkeypatch, _fake_execute)
    monkeypatch.setattr(runner, "_write_manifest", denied)
    data = _exports(tmp_path, "kuaiche_campaign_bom.csv")
    code = _run("--shop", "s1", "--period", "2026-10", "--data", str(data), "--out", str(out))
    line = _one_line(capsys.readouterr().err)
    assert code == 1 and "报告写入失败：没有写入权限（" in line
    assert _snapshot(good) == before
    assert sorted(p.name for p in (out / "s1").iterdir()) == [".2026-10.lock", "2026-10"]


def test_a_bug_in_the_runner_keeps_its_log_and_shows_in_the_index(tmp_path, monkeypatch, capsys):

    out = tmp_path / "reports"

    def bug(*args, **kwargs):
        raise KeyError("lens")

    _fake_notebooks(monkeypatch, bug)
    data = _exports(tmp_path, "kuaiche_campaign_bom.csv")
    code = _run("--shop", "s1", "--period", "2026-10", "--data", str(data), "--out", str(out))
    line = _one_line(capsys.readouterr().err)
    assert code == 1 and "unexpected error (KeyError: 'lens')" in line
    log = Path(line.rsplit("details in ", 1)[1])
    assert log == out.resolve() / "s1" / "2026-10.failed" / "run.log"
    assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8")
    assert collect_reports(out)[0]["status"] == "failed"


def test_clean_stale_removes_only_leftovers_of_dead_runs(tmp_path):
    import os
    import subprocess
    import sys

    from jdpromo.runner import clean_stale

    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        names = [
            f".2026-10.attempt-{done.pid}-1",  # killed run: removed
            f".2026-10.old-{done.pid}-2",  # killed while publishing: removed
            f".2026-10.attempt-{os.getpid()}-3",  # this process's earlier attempt: removed
            f".2026-10.attempt-{alive.pid}-4",  # a live run (no lock on its disk): kept
            f".2026-09.attempt-{done.pid}-5",  # another period: not this run's business
            "2026-10",
        ]
        for name in names:
            (tmp_path / name).mkdir()
        removed = clean_stale(tmp_path, "2026-10")
        assert sorted(p.name for p in removed) == sorted(names[:3])
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[3:])
    finally:
        alive.kill()
        alive.wait()


def test_a_killed_run_is_cleaned_by_the_next_run(tmp_path, monkeypatch, capsys):
    """kill -9 during a run leaves its attempt folder; the next run of the period removes it."""
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "reports"
    data = _exports(tmp_path, "kuaiche_campaign_bom.csv")
    args = ["--shop", "s1", "--period", "2026-10", "--data", str(data), "--out", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "jdpromo.cli", "run", *args, "--notebooks", "data_health"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob("s1/.2026-10.attempt-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be killed"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its kernel, as a kill -9 of the job
        proc.wait()
    [left] = out.glob("s1/.2026-10.attempt-*")
    _fake_notebooks(monkeypatch, _fake_execute)
    assert _run(*args) == 0
    assert not left.exists()
    assert not list(out.glob("s1/.2026-10.*-*"))
    log = (out / "s1" / "2026-10" / "run.log").read_text(encoding="utf-8")
    assert f"removed {left.name}, left by a run that was killed" in log
    assert (out / "s1" / "2026-10" / "manifest.json").is_file()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_ctrl_c_stops_every_kernel_of_a_run_at_once(demo_data, tmp_path):
    """Notebooks side by side: an interrupt ends the run within seconds (exit 130), with its
    kernels killed and its attempt folder removed, nothing published."""
    import signal
    import subprocess
    import sys
    import time

    def kernels(pid: int) -> set[int]:
        found = set()
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            found |= {int(c) for c in task.read_text().split()}
        return found

    out = tmp_path / "reports"
    args = ["--shop", "demo", "--period", "2026-10", "--data", str(demo_data), "--out", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "jdpromo.cli", "run", *args, "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 120
        while len(kernels(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        started = kernels(proc.pid)
        assert len(started) >= 2 and proc.poll() is None
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
    finally:
        proc.kill()
    time.sleep(0.5)
    alive = {pid for pid in started if Path(f"/proc/{pid}").is_dir()}
    for pid in alive:  # a zombie is not a running kernel
        assert "Z" in Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0], pid
    assert not list(out.glob("demo/.2026-10.attempt-*"))
    assert not (out / "demo" / "2026-10").exists()


def test_a_failed_notebook_says_what_failed_where_and_what_to_do(tmp_path, capfd):
    """An order export whose lines state different 订单金额 for one order: the pages that read
    orders fail with a short message naming the file, row and column; the traceback stays in
    run.log and the executed notebook; no server path in any HTML."""
    data = _exports(tmp_path, "orders_amount_conflict.csv", "kuaiche_campaign_bom.csv")
    out = tmp_path / "reports"
    code = _run(
        "--shop", "s1", "--period", "2026-10", "--data", str(data), "--out", str(out),
        "--notebooks", "user_layers,recap",
    )  # fmt: skip
    captured = capfd.readouterr()  # the kernels' output too
    assert code == 1 and "Traceback" not in captured.out + captured.err
    folder = out / "s1" / "2026-10.failed"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for nb in manifest["notebooks"]:
        assert nb["status"] == "failed" and nb["kind"] == "input", nb
        assert nb["error"].startswith("文件 orders_amount_conflict.csv，第 ")
        assert "列「订单金额」" in nb["error"]
        html = (folder / f"{nb['name']}.html").read_text(encoding="utf-8")
        banner = re.search(r"⚠ 报告生成失败：[^<]*", html)[0]
        assert "「开头：读取数据」一节" in banner or f"「{nb['section']}」一节" in banner
        assert "orders_amount_conflict.csv" in banner and "订单金额" in banner
        assert "涉及的数据：" in banner and "订单明细（1 个文件）" in banner
        assert "请修正或重新导出这个文件后再运行" in banner
        assert "Traceback" not in html and "InputError" not in html
        assert not _server_path_in(html), nb["name"]
        assert str(tmp_path) not in html and str(ROOT) not in html
        executed = (folder / f"{nb['name']}.ipynb").read_text(encoding="utf-8")
        assert "Traceback" in executed or "InputError" in executed  # the audit record keeps it
    log = (folder / "run.log").read_text(encoding="utf-8")
    assert log.count("Traceback (most recent call last)") + log.count("InputError") >= 2
    assert "KeyboardInterrupt caught in kernel" not in captured.err  # kernel noise: in the log


def test_failure_section_is_the_heading_not_the_css(tmp_path):
    from jdpromo.runner import _failure_details

    css_then_heading = {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "text/html": "<style>.jd-report h2.jd-h2 { color: red }</style>"
            "<h2 class='jd-report jd-h2'>文件 &amp; 行数</h2>"
        },
    }
    error = {"output_type": "error", "ename": "KeyError", "evalue": "'lens'", "traceback": []}
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x", outputs=[css_then_heading]),
        nbformat.v4.new_code_cell("y", outputs=[error]),
    ]
    assert _failure_details(nb) == (2, "文件 & 行数", error)


@pytest.mark.parametrize(
    "ename, evalue, kind, shown",
    [
        ("KeyError", "'lens'", "bug", "KeyError: 'lens'"),
        (
            "InputError",
            "file /srv/shop/订单.csv, row 5, column '订单金额': order 1 …",
            "input",
            "文件 订单.csv，第 5 行，列「订单金额」：order 1 …",
        ),
        (
            "OSError",
            "[Errno 28] No space left on device: '/srv/out/tables/x.csv'",
            "output",
            "OSError: [Errno 28] No space left on device: 'x.csv'",
        ),
        (
            "FileNotFoundError",
            "No such file: /root/.cache/jdpromo/ab/cd.parquet\n  more detail",
            "bug",
            "FileNotFoundError: No such file: cd.parquet",
        ),
        (
            "ValueError",
            "ratio 2026/10/13 of 京准通/京东商智",
            "bug",
            "ValueError: ratio 2026/10/13 of 京准通/京东商智",
        ),
    ],
)
def test_short_error_has_no_server_path(ename, evalue, kind, shown):
    from jdpromo.runner import error_kind, short_error

    assert error_kind(ename, evalue) == kind
    assert short_error(ename, evalue, "zh") == shown


def test_only_shop_overview_gives_sections_not_a_crash(tmp_path, capsys):
    """The folder of the issue: only 经营概况 (beside an unreadable and an unrelated file).
    Channel comparison says what to export; no page shows a server path."""
    data = _exports(tmp_path, "shop_overview_dash.csv", "ad_bad_date.csv", "product_reviews.csv")
    out = tmp_path / "reports"
    code = _run(
        "--shop", "s1", "--period", "2026-10", "--data", str(data), "--out", str(out),
        "--notebooks", "data_health,channel_comparison",
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured
    assert "Traceback" not in captured.out + captured.err
    folder = out / "s1" / "2026-10"
    html = (folder / "channel_comparison.html").read_text(encoding="utf-8")
    assert "暂无「京准通广告报表」数据" in html and "暂无「商智流量来源」数据" in html
    assert "数据文件夹「exports」" in html
    health_page = (folder / "data_health.html").read_text(encoding="utf-8")
    assert "ad_bad_date.csv" in health_page and "product_reviews.csv" in health_page
    for page in (html, health_page):
        assert "Traceback" not in page and "KeyError" not in page
        assert not _server_path_in(page)
