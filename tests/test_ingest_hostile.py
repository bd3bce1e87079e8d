"""Hostile folders: what a shop's folder may hold that must neither crash, hang, leak nor lose
rows silently (issue 11). Small cases are files in ``tests/corpus/hostile`` (README there);
bombs, huge lines, special files and odd file names are made here in a temporary folder."""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS
from jdpromo import health, ingest_formats
from jdpromo.contract import DEFAULT_LIMITS, Limits
from jdpromo.errors import InputError
from jdpromo.ingest import display_name, load_folder, read_export

HOSTILE = CORPUS / "hostile"
AD_HEADER = "日期,推广产品,推广计划,展现数,点击数,花费,总订单行,总订单金额\n"
CUT = (
    "the download looks cut short — that row is not used, the rows before it are; "
    "download the file again"
)


@pytest.fixture()
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def _read(name: str, cache: Path, **kw):
    return read_export(HOSTILE / name, cache_dir=cache, **kw)


def _error(path: Path, cache: Path, **kw) -> str:
    with pytest.raises(InputError) as info:
        read_export(path, cache_dir=cache, **kw)
    return str(info.value)


# --------------------------------------------------------------------------------------------
# Encodings and downloads cut short


def test_utf8_head_then_gb18030_rows_keeps_every_decodable_row(cache) -> None:
    parsed = _read("mixed_utf8_gb18030.csv", cache)
    r = parsed.report
    assert (r.rows_read, r.rows_used, r.rows_skipped) == (6, 5, 1)
    assert r.skip_reasons == {"undecodable text": 1}
    assert parsed.frame["campaign"].tolist() == ["混合甲", "混合乙", "混合丙", "混合丁", "混合戊"]
    assert parsed.frame["cost"].sum() == 15.0  # 1 + 2 + 3 + 4 + 5
    assert parsed.frame["row"].tolist() == [2, 3, 4, 5, 7]
    assert r.warnings == [
        "1 row(s) are text in no known encoding (rows 6): not used, counted as skipped",
        "3 row(s) are not UTF-8 like the rest of the file and were read as GB18030 "
        "(first: row 4); check them",
    ]


def test_gbk_file_with_a_broken_line_keeps_the_rest(tmp_path, cache) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        (AD_HEADER + "2026-10-05,快车,甲,100,10,1.00,0,0\n").encode("gb18030")
        + b"\xff\xff\n"
        + "2026-10-06,快车,乙,100,10,2.00,0,0\n".encode("gb18030")
    )
    r = read_export(path, cache_dir=cache)
    assert (r.report.rows_read, r.report.rows_used, r.report.skip_reasons) == (
        3,
        2,
        {"undecodable text": 1},
    )
    assert r.frame["campaign"].tolist() == ["甲", "乙"]


def test_download_cut_inside_a_character(cache, capfd) -> None:
    parsed = _read("cut_mid_char.csv", cache)
    r = parsed.report
    assert (r.rows_read, r.rows_used, r.rows_skipped) == (3, 2, 1)
    assert r.skip_reasons == {"cut-off last row": 1}
    assert parsed.frame["cost"].sum() == 15.0  # 7 + 8
    assert r.warnings == [f"the file ends inside a character (row 4): {CUT}"]
    assert "Exception ignored" not in capfd.readouterr().err


def test_download_cut_in_the_middle_of_a_row(cache) -> None:
    parsed = _read("cut_mid_row.csv", cache)
    r = parsed.report
    assert (r.rows_read, r.rows_used, r.skip_reasons) == (3, 2, {"cut-off last row": 1})
    assert parsed.frame["cost"].sum() == 19.0  # 9 + 10
    assert r.warnings == [f"the file ends in the middle of a row (row 4): {CUT}"]


def test_a_short_total_row_at_the_end_is_not_a_cut(tmp_path, cache) -> None:
    path = tmp_path / "t.csv"
    path.write_text(AD_HEADER + "2026-10-05,快车,甲,100,10,1.00,0,0\n合计,,,100", encoding="utf-8")
    r = read_export(path, cache_dir=cache).report
    assert (r.rows_used, r.skip_reasons, r.warnings) == (1, {"total row": 1}, [])


def test_utf16_cut_inside_a_character(tmp_path, cache) -> None:
    body = (AD_HEADER + "2026-10-05,快车,甲,100,10,1.00,0,0\n2026-10-06,快车,乙").encode("utf-16")
    path = tmp_path / "u16.txt"
    path.write_bytes(body[:-1])
    r = read_export(path, cache_dir=cache).report
    assert (r.rows_read, r.rows_used, r.skip_reasons) == (2, 1, {"cut-off last row": 1})
    assert r.warnings == [f"the file ends inside a character (row 3): {CUT}"]


def test_a_title_line_of_70_kb_is_read(cache) -> None:
    assert (HOSTILE / "long_title_line.csv").stat().st_size > 64 * 1024
    r = _read("long_title_line.csv", cache).report
    assert (r.table, r.rows_used) == ("ad_daily", 1)


def test_a_line_over_the_limit_is_an_error_not_unknown(tmp_path, cache) -> None:
    path = tmp_path / "huge_line.csv"
    path.write_bytes(("日期,推广计划,展现数,点击数,花费," + "x" * (2 << 20) + "\n").encode())
    assert _error(path, cache) == (
        f"file {path}, row 1: this line is longer than 1,048,576 bytes "
        "(Limits.max_line_bytes) and no header row was found above it: expected a JD export, "
        "whose title and header lines are short — not read"
    )
    small = Limits(max_line_bytes=100)
    path.write_text("说明：" + "x" * 200 + "\n" + AD_HEADER, encoding="utf-8")
    assert "row 1: this line is longer than 100 bytes" in _error(path, cache, limits=small)


# --------------------------------------------------------------------------------------------
# Numbers and dates


def test_a_number_of_401_digits_is_an_error_naming_row_and_column(cache) -> None:
    assert _error(HOSTILE / "ad_huge_number.csv", cache) == (
        f"file {HOSTILE / 'ad_huge_number.csv'}, row 3, column '花费': the number is too large "
        "(above 1e+15), found '1000000000000000000000000000000000000000'…'0000000000' "
        "(401 characters)"
    )


def test_a_comma_that_is_not_a_thousands_separator_is_an_error(cache) -> None:
    assert _error(HOSTILE / "ad_ambiguous_comma.csv", cache) == (
        f"file {HOSTILE / 'ad_ambiguous_comma.csv'}, row 2, column '花费': ambiguous number: "
        "the comma does not separate thousands (12,34 could be 12.34 or 1234); expected an "
        "amount in 元 such as 1234.50, 1,234.50 or ¥1,234.50, found '12,34'"
    )


def test_fractional_counts_are_used_with_a_warning(cache) -> None:
    parsed = _read("ad_fractional_clicks.csv", cache)
    assert parsed.frame["clicks"].tolist() == [10.0, 2.5]
    assert parsed.frame["cost"].sum() == 25.0
    assert parsed.report.warnings == [
        "row 3, column '点击数': 2.5 is not a whole number (1 such row(s)); a count such as "
        "clicks or orders is whole — check the export"
    ]


def test_dates_before_2004_or_after_the_export_time_are_warned(cache) -> None:
    parsed = _read("ad_implausible_dates.csv", cache)
    assert parsed.report.rows_used == 3 and parsed.frame["cost"].sum() == 45.0
    assert parsed.report.warnings[:2] == [
        "row 3, column '日期': 1900-01-01 is before 2004-01-01 (1 such row(s)); check the "
        "dates of this file",
        "row 5, column '日期': 2099-12-31 is after the export time (2026-11-01 10:00:00) "
        "(1 such row(s)); check the dates of this file",
    ]
    # no export time stated: a day after today (China time) is still named
    assert parsed.report.warnings[2].startswith("row 5, column '日期': 2099-12-31 is after today (")


# --------------------------------------------------------------------------------------------
# Archives and sizes


def _bomb(size: int, name: str = "part1.csv") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open(name, "w", force_zip64=True) as fh:
            chunk = b"0" * (1 << 22)
            for _ in range(size // len(chunk)):
                fh.write(chunk)
    return buf.getvalue()


def test_zip_bomb_is_refused_before_it_is_inflated(tmp_path, cache, monkeypatch) -> None:
    path = tmp_path / "bomb.csv"
    path.write_bytes(_bomb(256 << 20))  # 256 MiB of zeros in ≈ 250 KB
    inflated = []
    real = ingest_formats._inflate
    monkeypatch.setattr(ingest_formats, "_inflate", lambda *a: inflated.append(a[1]) or real(*a))
    message = _error(path, cache)
    assert message.startswith(f"file {path}: ZIP member 'part1.csv' decompresses ")
    assert message.endswith(
        "times its compressed size, above the limit of 200 (Limits.max_ratio): a zip bomb or "
        "a damaged download, not read"
    )
    assert inflated == []  # refused from the archive's directory: nothing was decompressed


def test_zip_total_size_and_number_of_parts_are_limited(tmp_path, cache) -> None:
    path = tmp_path / "big.zip"
    path.write_bytes(_bomb(8 << 20))
    assert _error(path, cache, limits=Limits(max_bytes=4 << 20, max_ratio=1e9)) == (
        f"file {path}: the ZIP archive would decompress to 8,388,608 bytes, above the limit of "
        "4,194,304 (Limits.max_bytes): not read"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(12):
            zf.writestr(f"part{i}.csv", AD_HEADER)
    path.write_bytes(buf.getvalue())
    assert _error(path, cache, limits=Limits(max_parts=10)) == (
        f"file {path}: the ZIP archive holds 12 files, above the limit of 10 "
        "(Limits.max_parts): not read"
    )


def test_members_are_inflated_in_counted_chunks() -> None:
    zf = zipfile.ZipFile(io.BytesIO(_bomb(4 << 20)))
    info = zf.infolist()[0]
    with pytest.raises(InputError) as err:
        ingest_formats._inflate(zf, info, 3 << 20, Limits(max_ratio=1e9))
    assert str(err.value) == (
        "file !part1.csv: the ZIP archive decompresses to more than 1,073,741,824 bytes "
        "(Limits.max_bytes): not read"
    )
    assert len(ingest_formats._inflate(zf, info, 5 << 20, Limits(max_ratio=1e9))) == 4 << 20


def test_file_size_and_cell_length_are_limited(tmp_path, cache) -> None:
    path = tmp_path / "cell.csv"
    path.write_text(
        AD_HEADER + "2026-10-05,快车," + "长" * 40_000 + ",1,1,1,0,0\n", encoding="utf-8"
    )
    assert _error(path, cache) == (
        f"file {path}, row 2, column '推广计划': the cell holds 40,000 characters, above the "
        "limit of 32,767 (Limits.max_cell_chars); expected a JD export — no real export holds "
        "such a cell"
    )
    size = path.stat().st_size
    assert _error(path, cache, limits=Limits(max_bytes=1000)) == (
        f"file {path}: the file holds {size:,} bytes or more, above the limit of 1,000 "
        "(Limits.max_bytes): not read"
    )


def test_other_limits_do_not_reuse_the_cache(tmp_path, cache) -> None:
    path = tmp_path / "a.csv"
    path.write_text(AD_HEADER + "2026-10-05,快车,甲甲甲,1,1,1,0,0\n", encoding="utf-8")
    assert read_export(path, cache_dir=cache).report.rows_used == 1
    assert "above the limit of 2" in _error(path, cache, limits=Limits(max_cell_chars=2))
    assert DEFAULT_LIMITS == Limits()


# --------------------------------------------------------------------------------------------
# The folder is data only


def _special_folder(root: Path) -> Path:
    data = root / "data"
    data.mkdir()
    shutil.copy(CORPUS / "kuaiche_campaign_bom.csv", data / "快车.csv")
    os.symlink("/etc/passwd", data / "passwd.csv")
    os.symlink("/dev/zero", data / "zero.csv")
    os.symlink("/etc", data / "etc")
    os.symlink("missing.csv", data / "broken.csv")
    os.symlink("快车.csv", data / "inside.csv")
    os.mkfifo(data / "pipe.csv")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(data / "sock.csv"))
    sock.close()
    return data


def test_links_outside_pipes_devices_and_sockets_are_skipped_never_opened(
    tmp_path, cache, monkeypatch
) -> None:
    data = _special_folder(tmp_path)
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(
        os, "open", lambda p, *a, **k: opened.append(str(p)) or real_open(p, *a, **k)
    )
    ds = load_folder(data, cache_dir=cache)
    status = {ds.label(f): (f.status, f.message) for f in ds.files}
    assert status == {
        "broken.csv": (
            "skipped",
            f"file {data}/broken.csv: a broken symbolic link: nothing to read",
        ),
        "etc": (
            "skipped",
            f"file {data}/etc: a symbolic link pointing outside the data folder: not followed",
        ),
        "inside.csv": ("ok", None),
        "passwd.csv": (
            "skipped",
            f"file {data}/passwd.csv: a symbolic link pointing outside the data folder: not "
            "followed",
        ),
        "pipe.csv": (
            "skipped",
            f"file {data}/pipe.csv: a named pipe (FIFO), not a regular file: not opened",
        ),
        "sock.csv": ("skipped", f"file {data}/sock.csv: a socket, not a regular file: not opened"),
        "zero.csv": (
            "skipped",
            f"file {data}/zero.csv: a symbolic link pointing outside the data folder: not followed",
        ),
        "快车.csv": ("ok", None),
    }
    assert not [p for p in opened if p.startswith(("/etc", "/dev"))]
    assert {Path(p).name for p in opened if p.startswith(str(data))} == {"快车.csv"}
    inv = health.input_files(ds)
    assert "root:" not in inv.to_csv()
    assert health.summary(ds)["not_files"] == 6 and health.summary(ds)["ignored"] == 6
    assert set(health.problems(ds)["status"]) == {"skipped"}
    # the link inside the folder is read like the file it names (and overlaps it exactly)
    assert ds.table("ad_daily")["cost"].sum() == pytest.approx(2334.40)  # 1234.5 + 99.9 + 1000
    inside = next(f for f in ds.files if f.path.name == "inside.csv")
    assert inside.skip_reasons == {"total row": 1, "superseded by 快车.csv": 3}


def test_a_pipe_given_directly_is_refused_without_waiting(tmp_path, cache) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    assert _error(tmp_path / "pipe.csv", cache) == (
        f"file {tmp_path}/pipe.csv: a named pipe (FIFO), not a regular file: not opened"
    )


# --------------------------------------------------------------------------------------------
# File names of any bytes


def test_display_name_escapes_undecodable_bytes_and_control_characters() -> None:
    assert display_name(b"\xb6\xa9\xb5\xa5.csv") == "\\xb6\\xa9\\xb5\\xa5.csv"
    assert display_name(os.fsdecode(b"\xb6\xa9.csv")) == "\\xb6\\xa9.csv"
    assert display_name("a\x1b]0;x\x07b\x9b.csv") == "a\\x1b]0;x\\x07b\\x9b.csv"
    assert display_name("a\nb\tc\u202ed.csv") == "a\\x0ab\\x09c\\u202ed.csv"
    assert display_name(Path("data/快车_10月.csv")) == "data/快车_10月.csv"


def _named_folder(root: Path) -> Path:
    data = root / "data"
    data.mkdir()
    gbk = os.path.join(os.fsencode(data), "订单.csv".encode("gbk"))
    shutil.copy(CORPUS / "kuaiche_campaign_bom.csv", gbk)
    (data / "esc\x1b]0;pwned\x07\x1b[31m.csv").write_bytes(b"a,b\n")
    return data


def test_non_utf8_and_control_character_names_are_read_and_shown_escaped(tmp_path, cache) -> None:
    data = _named_folder(tmp_path)
    ds = load_folder(data, cache_dir=cache)
    inv = ds.inventory()
    assert inv["file"].tolist() == [
        "esc\\x1b]0;pwned\\x07\\x1b[31m.csv",
        "\\xb6\\xa9\\xb5\\xa5.csv",
    ]
    assert inv["status"].tolist() == ["ignored", "ok"]
    assert ds.table("ad_daily")["source_file"].unique().tolist() == ["\\xb6\\xa9\\xb5\\xa5.csv"]
    text = inv.to_csv() + json.dumps(inv.astype(str).to_dict("records"), ensure_ascii=False)
    text.encode("utf-8")  # no lone surrogate left: this would raise UnicodeEncodeError
    assert "\x1b" not in text and "\x07" not in text
    assert inv.loc[0, "message"].startswith(f"file {data}/esc\\x1b]0;pwned\\x07\\x1b[31m.csv: ")
    health.warnings_table(ds).to_csv(tmp_path / "w.csv", encoding="utf-8")


@pytest.mark.e2e
def test_run_writes_manifest_and_tables_with_such_names(tmp_path, capfd) -> None:
    from jdpromo.cli import main

    data = _named_folder(tmp_path)
    os.symlink("/etc/passwd", data / "passwd.csv")
    os.mkfifo(data / "pipe.csv")
    out = tmp_path / "reports"
    args = ["run", "--shop", "tiny", "--period", "2026-10", "--data", str(data)]
    code = main([*args, "--out", str(out), "--notebooks", "data_health"])
    captured = capfd.readouterr()
    assert code == 0, captured.err
    folder = out / "tiny" / "2026-10"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    inputs = {Path(i["path"]).name: i["status"] for i in manifest["inputs"]}
    assert inputs == {
        "esc\\x1b]0;pwned\\x07\\x1b[31m.csv": "ignored",
        "passwd.csv": "skipped",
        "pipe.csv": "skipped",
        "\\xb6\\xa9\\xb5\\xa5.csv": "ok",
    }
    csv = (folder / "tables" / "input_files.csv").read_text(encoding="utf-8-sig")
    html = (folder / "data_health.html").read_text(encoding="utf-8")
    for text in (csv, html, captured.out, captured.err):
        assert "\x1b" not in text and "root:" not in text and "Traceback" not in text
    assert "\\xb6\\xa9\\xb5\\xa5.csv" in csv and "passwd.csv" in csv
    assert "a symbolic link pointing outside the data folder" in html


def test_limits_are_shop_parameters() -> None:
    from jdpromo.params import ShopParams

    assert ShopParams().limits == DEFAULT_LIMITS
    assert ShopParams(limits={"max_cell_chars": 2}).limits == Limits(max_cell_chars=2)
    with pytest.raises(ValueError, match="max_bytes must be a number above 0, got -1"):
        ShopParams(limits={"max_bytes": -1})


def test_a_short_gbk_row_in_a_utf8_file_prints_nothing_from_pyarrow(tmp_path, cache, capfd):
    path = tmp_path / "short.csv"
    path.write_bytes(
        (AD_HEADER + "2026-10-05,快车,甲,100,10,1.00,0,0\n").encode()
        + "合计,,,100\n".encode("gb18030")
        + "2026-10-06,快车,乙,100,10,2.00,0,0\n".encode()
    )
    r = read_export(path, cache_dir=cache).report
    assert (r.rows_read, r.rows_used, r.skip_reasons) == (3, 2, {"total row": 1})
    assert r.warnings == [
        "1 row(s) are not UTF-8 like the rest of the file and were read as GB18030 "
        "(first: row 3); check them"
    ]
    assert "Exception ignored" not in capfd.readouterr().err


def test_a_sparse_workbook_cannot_expand_past_the_cell_budget(tmp_path, cache) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "宽表"
    ws.append(AD_HEADER.strip().split(","))
    for r in range(2, 40):
        ws.cell(row=r, column=16_384, value=1)  # column XFD: every row reads 16,384 cells
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    assert path.stat().st_size < 20_000
    limits = Limits(max_bytes=64 * 100_000)  # a budget of 100,000 cells
    # row 1: 8 cells, rows 2..7: 16,384 each (98,312 in all), row 8 passes 100,000
    assert _error(path, cache, limits=limits) == (
        f"file {path}, row 8: the workbook holds more than 100,000 cells (sheet '宽表'; "
        "Limits.max_bytes ÷ 64 bytes a cell): not read"
    )


def test_a_folder_that_cannot_be_listed_is_listed_as_skipped(tmp_path, cache, monkeypatch) -> None:
    data = tmp_path / "data"
    (data / "locked").mkdir(parents=True)
    shutil.copy(CORPUS / "kuaiche_campaign_bom.csv", data / "快车.csv")
    real_walk = os.walk

    def walk(top, onerror=None, **kw):  # as os.walk does for a folder it may not read
        for entry in real_walk(top, onerror=onerror, **kw):
            if entry[0].endswith("locked"):
                onerror(PermissionError(13, "Permission denied", entry[0]))
                continue
            yield entry

    monkeypatch.setattr(os, "walk", walk)
    ds = load_folder(data, cache_dir=cache)
    assert [(ds.label(f), f.status, f.message) for f in ds.files] == [
        (
            "locked",
            "skipped",
            f"file {data}/locked: a folder that cannot be listed (Permission denied): not read",
        ),
        ("快车.csv", "ok", None),
    ]


def test_zip_part_names_are_escaped_too(tmp_path, cache) -> None:
    path = tmp_path / "parts.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a\x1b[2J.csv", AD_HEADER + "2026-10-05,快车,甲,100,10,1.00,0,0\n")
    parsed = read_export(path, cache_dir=cache)
    assert parsed.frame["source_file"].tolist() == ["parts.zip!a\\x1b[2J.csv"]


def test_a_link_swapped_after_the_listing_is_still_refused(tmp_path, cache, monkeypatch) -> None:
    from jdpromo import ingest

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(CORPUS / "kuaiche_campaign_bom.csv", data / "a.csv")
    real_walk = ingest._walk

    def walk(folder, skip):  # the folder is listed, then a.csv becomes a link to /etc/passwd
        found = real_walk(folder, skip)
        (data / "a.csv").unlink()
        os.symlink("/etc/passwd", data / "a.csv")
        return found

    monkeypatch.setattr(ingest, "_walk", walk)
    [f] = load_folder(data, cache_dir=cache).files
    assert (f.status, f.message) == (
        "error",
        f"file {data}/a.csv: a symbolic link pointing outside the data folder: not followed",
    )


@pytest.mark.parametrize(
    "tail, encoding, cut, where",
    [
        ('2026-10-06,快车,"计划', "utf-8", 0, "in the middle of a row"),  # inside a quoted value
        ("2026-10-06,快车,计划", "gb18030", 1, "inside a character"),  # GBK, mid-character
        ("2026-10-06,快车,计划", "gb18030", 0, "in the middle of a row"),
    ],
)
def test_cut_downloads_in_other_shapes(tmp_path, cache, tail, encoding, cut, where) -> None:
    body = (AD_HEADER + "2026-10-05,快车,甲,100,10,1.00,0,0\n" + tail).encode(encoding)
    path = tmp_path / "cut.csv"
    path.write_bytes(body[: len(body) - cut])
    parsed = read_export(path, cache_dir=cache)
    r = parsed.report
    assert (r.rows_read, r.rows_used, r.skip_reasons) == (2, 1, {"cut-off last row": 1})
    assert parsed.frame["campaign"].tolist() == ["甲"]
    assert r.warnings == [f"the file ends {where} (row 3): {CUT}"]


def test_entries_never_opened_are_a_health_finding(tmp_path, cache) -> None:
    ds = load_folder(_special_folder(tmp_path), cache_dir=cache)
    [found] = [f for f in health.findings(ds, [], "zh") if f.kind == "not_files"]
    assert (found.direction, found.severity, found.n) == ("risk", "medium", 6.0)
    assert found.title == (
        "数据文件夹里有 6 个条目不是普通文件（指向文件夹外的链接、管道、设备等），未打开，"
        "其中的数据没有计入。"
    )
