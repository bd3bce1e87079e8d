"""`jdpromo verify`: a published report re-executed against its inputs and compared by nbval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jdpromo.cli import main
from jdpromo.params import validate_run
from jdpromo.runner import run_report
from jdpromo.verify import SANITIZE, verify_report

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """A small shop's data_health report for 2026-10, as `jdpromo run` publishes it."""
    from jdpromo.sample import write_demo_shop

    base = tmp_path_factory.mktemp("verify")
    write_demo_shop(base / "data", shop="v", seed=5, scale=0.05)
    run = validate_run(
        shop="v",
        period="2026-10",
        data_dir=base / "data",
        out_dir=base / "out",
        notebooks=("data_health",),
    )
    result = run_report(run, echo=lambda *a, **k: None)
    assert result.status == "ok"
    return result.folder


def test_the_sanitize_file_ships_with_the_package():
    text = SANITIZE.read_text(encoding="utf-8")
    assert "[timestamps]" in text and "attempt" in text


def test_an_untouched_report_verifies(report, capsys):
    assert main(["verify", str(report)]) == 0
    out = capsys.readouterr().out
    assert "identical: data_health" in out


def test_a_changed_output_is_listed_by_cell(report, tmp_path):
    import shutil

    copy = tmp_path / "v" / "2026-10"
    shutil.copytree(report, copy)
    nb_path = copy / "data_health.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    number = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        number += 1
        html = [o for o in cell["outputs"] if "text/html" in o.get("data", {})]
        if html and number > 1:  # the first output after the title
            html[0]["data"]["text/html"] = "<p>edited by hand</p>"
            break
    else:
        pytest.fail("no HTML output to edit")
    nb_path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    result = verify_report(copy)
    assert not result.ok and not result.inputs
    assert [(d.notebook, d.message) for d in result.cells] == [
        ("data_health", "Cell outputs differ (text/html)")
    ]
    assert result.cells[0].cell == f"Cell {number - 1}"  # nbval counts code cells from 0


def test_a_changed_data_file_fails_before_anything_runs(report, capsys):
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    victim = Path(next(i["path"] for i in manifest["inputs"] if i["path"].endswith(".csv")))
    original = victim.read_bytes()
    try:
        victim.write_bytes(original.replace(b"1", b"2", 1))
        assert main(["verify", str(report)]) == 1
        out = capsys.readouterr().out
        assert f"{victim}: sha256" in out and "nothing re-executed" in out
    finally:
        victim.write_bytes(original)
    new = victim.with_name("extra.csv")
    new.write_bytes(b"a,b\n")
    try:
        result = verify_report(report)
        assert result.inputs == [f"{new}: not in the manifest (new file)"]
    finally:
        new.unlink()


def test_inputs_are_compared_through_a_symlinked_data_folder(tmp_path):
    from jdpromo.runner import sha256_of
    from jdpromo.verify import check_inputs

    real = tmp_path / "real"
    real.mkdir()
    (real / "a.csv").write_bytes(b"x\n1\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "s").symlink_to(real)  # data/ linked elsewhere, as in a checkout
    manifest = {
        "shop": "s",
        "parameters": {"run": {"data_dir": None}},
        "inputs": [{"path": str(real / "a.csv"), "sha256": sha256_of(real / "a.csv")}],
    }
    assert check_inputs(manifest, tmp_path) == []
    (real / "a.csv").write_bytes(b"x\n2\n")
    assert [p.split(":")[0] for p in check_inputs(manifest, tmp_path)] == [str(real / "a.csv")]
