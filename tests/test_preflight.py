"""Pre-flight: a folder that cannot make a report stops the run before any kernel, in one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CORPUS
from jdpromo import ingest, preflight
from jdpromo.cli import main
from jdpromo.errors import PreflightError
from jdpromo.periods import parse_period

OCTOBER = parse_period("2026-10").current


def folder_of(tmp_path: Path, *names: str) -> Path:
    """A data folder holding copies of the named corpus files (``notes.txt``: an unrelated
    text file)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in names:
        if name == "notes.txt":
            (folder / name).write_text("会议记录：下周上新\n", encoding="utf-8")
        else:
            shutil.copy(CORPUS / name, folder / name)
    return folder


def test_found_text_counts_the_files_by_kind(tmp_path):
    folder = folder_of(
        tmp_path, "kuaiche_campaign_bom.csv", "haitou_nobom.csv", "notes.txt", "ad_bad_date.csv"
    )
    dataset = ingest.load_folder(folder)
    assert preflight.found_text(dataset, "zh") == (
        "共 4 个文件：京准通广告报表 2 个、无法读取 1 个、已忽略 1 个"
    )
    assert preflight.found_text(dataset, "en") == (
        "4 files: 2 × ad reports (京准通), 1 × unreadable, 1 × ignored"
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    assert preflight.found_text(ingest.load_folder(empty), "zh") == "文件夹是空的"


def test_a_folder_without_a_recognised_export_is_refused(tmp_path):
    folder = folder_of(tmp_path, "notes.txt", "product_reviews.csv", "empty.csv")
    with pytest.raises(PreflightError) as exc:
        preflight.check_inputs(ingest.load_folder(folder), OCTOBER, "zh")
    message = str(exc.value)
    assert message.startswith(f"文件夹 {folder} 中没有可识别的京准通/京东商智导出文件")
    assert "（共 3 个文件：已忽略 3 个）" in message and "jdpromo check" in message


def test_exports_with_headers_only_are_refused(tmp_path):
    folder = folder_of(tmp_path, "header_only.csv")
    with pytest.raises(
        PreflightError, match="只有表头、没有数据行（共 1 个文件：京准通广告报表 1 个）"
    ):
        preflight.check_inputs(ingest.load_folder(folder), OCTOBER, "zh")


def test_a_period_outside_the_data_names_the_days_covered(tmp_path):
    # 快车 13–14 Oct 2026, 经营概况 13–15 Oct 2026: together 13–15 Oct
    folder = folder_of(tmp_path, "kuaiche_campaign_bom.csv", "shop_overview_dash.csv")
    dataset = ingest.load_folder(folder)
    with pytest.raises(PreflightError) as exc:
        preflight.check_inputs(dataset, parse_period("2026-09").current, "zh")
    assert str(exc.value) == (
        f"2026-09（2026-09-01 至 2026-09-30）没有数据：文件夹 {folder} 中的数据只覆盖 "
        "2026-10-13 至 2026-10-15（共 2 个文件：京准通广告报表 1 个、商智经营概况 1 个）；"
        "请换一个这段时间内的周期，或补充导出这个周期的数据"
    )
    with pytest.raises(PreflightError, match="cover 2026-10-13 to 2026-10-15"):
        preflight.check_inputs(dataset, parse_period("2026-10-16..2026-10-31").current, "en")
    # a period that touches the data, even by one day, goes ahead (it is partial)
    preflight.check_inputs(dataset, parse_period("2026-10-15..2026-11-30").current, "zh")
    preflight.check_inputs(dataset, OCTOBER, "zh")


def test_undated_exports_have_no_dates_to_check(tmp_path):
    dataset = ingest.load_folder(folder_of(tmp_path, "industry_hotwords.csv"))
    preflight.check_inputs(dataset, parse_period("2020-01").current, "zh")


@pytest.mark.parametrize(
    "files, period, lang, expected",
    [
        ((), "2026-10", "zh", "中没有可识别的京准通/京东商智导出文件（文件夹是空的）"),
        (("notes.txt", "product_reviews.csv"), "2026-10", "zh", "（共 2 个文件：已忽略 2 个）"),
        (("kuaiche_campaign_bom.csv",), "2020-10", "zh", "只覆盖 2026-10-13 至 2026-10-14"),
        ((), "2026-10", "en", "no recognised 京准通/京东商智 export in"),
        (("kuaiche_campaign_bom.csv",), "2020-10", "en", "no data for 2020-10 (2020-10-01 to"),
    ],
)
def test_run_exits_2_in_one_line_before_any_kernel(files, period, lang, expected, tmp_path, capsys):
    folder = folder_of(tmp_path, *files)
    out = tmp_path / "reports"
    argv = ["run", "--shop", "s1", "--period", period, "--data", str(folder), "--out", str(out)]
    assert main([*argv, "--lang", lang]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("jdpromo: error: ")
    assert expected in lines[0] and "Traceback" not in captured.err
    assert not out.exists()  # nothing written
