"""The command line: ``check`` lists files as a readable table; one line per error, never a
traceback, nothing raw on the terminal."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT
from jdpromo import cli
from jdpromo.cli import main, printable
from jdpromo.columns import display_width
from jdpromo.errors import ShopIdError
from jdpromo.params import check_shop_id

ESC_NAME = "a\x1b]0;pwned\x07b\x1b[31m.csv"


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


@pytest.mark.parametrize(
    "text, shown",
    [
        ("plain 中文 text", "plain 中文 text"),
        ("a\x1b]0;title\x07b", "a\\x1b]0;title\\x07b"),  # OSC sequence: escaped, not run
        ("red\x1b[31m!\r", "red\\x1b[31m!\\x0d"),
        ("\x9b2J", "\\x9b2J"),  # C1 control (CSI)
        ("\udcb6\udca9.csv", "\\xb6\\xa9.csv"),  # GBK bytes of a file name, not UTF-8
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("line\u2028sep", "line\\u2028sep"),
    ],
)
def test_printable_escapes_what_a_terminal_would_act_on(text, shown):
    assert printable(text) == shown
    printable(text).encode("utf-8")  # always encodable


def test_printable_one_line_joins_lines():
    assert printable("first\n  second\r\n\nthird", one_line=True) == "first | second | third"


@pytest.mark.parametrize("shop", ["abc\n", "abc\r\n", "\nabc", "ab c", "a" * 65, "", "..", "é"])
def test_shop_id_is_a_full_match(shop):
    with pytest.raises(ShopIdError):
        check_shop_id(shop)
    assert check_shop_id("shop_01-a") == "shop_01-a"


def test_shop_id_with_a_trailing_newline_exits_2(tmp_path, capsys):
    out = tmp_path / "reports"
    code = main(["run", "--shop", "abc\n", "--period", "2026-10", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "abc\\n" in err and "not allowed" in err
    assert not out.exists()


def test_a_bug_prints_one_line_and_the_log_with_the_traceback(tmp_path, monkeypatch, capsys):
    def broken(*args, **kwargs):
        return {}["lens"]

    monkeypatch.setattr("jdpromo.runner.run_report", broken)
    monkeypatch.setattr(cli.tempfile, "gettempdir", lambda: str(tmp_path))
    folder = tmp_path / "exports"
    folder.mkdir()
    code = main(["run", "--shop", "s", "--period", "2026-10", "--data", str(folder)])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("jdpromo: error: unexpected error, a bug in jdpromo (KeyError: 'lens')")
    log = Path(line.rsplit("traceback in ", 1)[1])
    assert log.parent == tmp_path
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "broken" in text
    assert "Traceback" not in captured.err


def test_check_escapes_file_names_and_never_tracebacks(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(CORPUS / "kuaiche_campaign_bom.csv", folder / ESC_NAME)
    (folder / "x\x1b[2J.csv").write_text("x,y\n1,2\n", encoding="utf-8")  # not an export
    assert main(["check", "--data", str(folder)]) == 0
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err
    assert "京准通广告报表" in captured.out and "a\\x1b]0;pwned\\x07b" in captured.out
    # whatever goes wrong inside, check ends in one line too
    monkeypatch.setattr(
        "jdpromo.ingest.load_folder",
        lambda *a, **k: "\udcb6".encode(),  # UnicodeEncodeError, as a non-UTF-8 name once did
    )
    monkeypatch.setattr(cli.tempfile, "gettempdir", lambda: str(tmp_path))
    assert main(["check", "--data", str(folder)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "UnicodeEncodeError" in err and "Traceback" not in err


def test_check_of_a_missing_folder_is_one_line(tmp_path, capsys):
    assert main(["check", "--data", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err


def test_warnings_and_ignored_exceptions_are_one_line(monkeypatch, capsys):
    import gc
    import warnings

    class Leaky:
        def __del__(self):
            raise ValueError("closing a half-read stream")

    def noisy(args):
        warnings.warn("a library changes its defaults\nsecond line", FutureWarning, stacklevel=1)
        Leaky()
        gc.collect()
        return 0

    monkeypatch.setitem(cli.COMMANDS, "check", noisy)
    monkeypatch.setattr("sys.unraisablehook", sys.unraisablehook)  # restored after the test
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert main(["check", "--data", "."]) == 0
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "jdpromo: warning: FutureWarning: a library changes its defaults | second line",
        "jdpromo: warning: ignored ValueError: closing a half-read stream",
    ]
