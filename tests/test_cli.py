"""The ``jdpromo`` command's own output: ``check`` lists files as a readable table."""

import shutil

from conftest import ROOT
from jdpromo.cli import main
from jdpromo.columns import display_width


def test_check_on_an_empty_folder_says_so_in_a_sentence(tmp_path, capsys):
    assert main(["check", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (
        out
        == f"文件夹 {tmp_path} 里没有找到任何文件。请把从京准通和京东商智下载的报表放进去（见 README）。\n"
    )


def test_check_prints_a_table_and_why_files_or_rows_were_not_used(tmp_path, capsys):
    shutil.copy(ROOT / "tests" / "corpus" / "kuaiche_campaign_bom.csv", tmp_path)
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    assert main(["check", "--data", str(tmp_path), "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Folder {tmp_path}: 2 files, 1 read, 1 ignored, 0 unreadable."
    head = lines[2].split()
    assert head[:3] == ["file", "table", "status"] and "DataFrame" not in "".join(lines)
    # 4 rows read, the 合计 row skipped; a table name in words; columns line up
    rows = {line.split()[0]: line for line in lines[4:6]}
    bom = rows["kuaiche_campaign_bom.csv"]
    assert "ad reports (京准通)" in bom and " 4 " in bom and "2026-10-13  2026-10-14" in bom
    assert "ignored" in rows["notes.txt"]
    # text left-aligned under its header (CJK characters take two columns)
    assert display_width(lines[2][: lines[2].index("status")]) == display_width(
        bom[: bom.index("ok")]
    )
    assert lines[7] == "Files not used and rows skipped, and why:"
    assert lines[8] == "  kuaiche_campaign_bom.csv: total row: 1"
    assert lines[9].startswith("  notes.txt: file ") and "no header row" in lines[9]
