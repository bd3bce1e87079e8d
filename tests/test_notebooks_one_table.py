"""Every notebook on a folder holding only one table of the data contract, for each of the seven
tables: it runs to the end and says what to export for what is missing, never a KeyError. And
on a folder holding every table where only one reaches into the period (``stale``): tables
present but empty in the period.

The notebooks' code cells run in this process (the parameters cell overridden as papermill
would): the same code the kernels run, without starting 35 kernels. One case also goes through
``jdpromo run`` in ``tests/test_runner.py``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import matplotlib
import pytest
from conftest import ROOT
from jdpromo import ingest, report
from jdpromo.contract import TABLES
from jdpromo.params import NOTEBOOKS

matplotlib.use("Agg")
# an empty chart (matplotlib: "No artists with labels found …") is a page that lost its data
pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("error::UserWarning")]

MISSING_NOTE = "暂无「"


@pytest.fixture(scope="module")
def one_table_folders(tmp_path_factory) -> dict[str, Path]:
    """The small demo shop split into one folder per table (its latest year of files)."""
    from jdpromo.sample import write_demo_shop

    demo = tmp_path_factory.mktemp("demo")
    write_demo_shop(demo, shop="demo", seed=7, scale=0.03)
    base = tmp_path_factory.getbasetemp()
    folders = {}
    for f in ingest.load_folder(demo).files:
        assert f.status == "ok", f.message
        if f.date_max is None or f.date_max.year == 2026:  # the latest year keeps it quick
            folder = base / "one-table" / f.table
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(f.path, folder / f.path.name)
            folders[f.table] = folder
        if f.date_max is None or f.date_min.year < 2025 or f.table == "shop_daily":
            # every table, but only 经营概况 reaches October 2026: the others end a year before
            stale = base / "one-table" / "stale"
            stale.mkdir(parents=True, exist_ok=True)
            shutil.copy(f.path, stale / f.path.name)
            folders["stale"] = stale
    assert sorted(folders) == sorted([*TABLES, "stale"])
    return folders


def run_in_process(name: str, parameters: dict, shown: list[str]) -> None:
    """Run notebook ``name``'s code cells here, the parameters cell overridden by
    ``parameters``; the HTML it shows is appended to ``shown``. Raises what a cell raises, with
    the notebook and cell named."""
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    namespace: dict = {}
    for number, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        try:
            exec(compile(source, f"{name}.ipynb cell {number}", "exec"), namespace)
        except Exception as exc:
            raise AssertionError(f"{name} cell {number}: {type(exc).__name__}: {exc}") from exc
        if "parameters" in cell["metadata"].get("tags", []):
            namespace.update(parameters)


@pytest.mark.parametrize("table", [*TABLES, "stale"])
def test_every_notebook_runs_on_a_folder_with_only_this_table(
    table, one_table_folders, tmp_path, monkeypatch
):
    shown: list[str] = []
    monkeypatch.setattr(report, "_display", shown.append)
    for name in NOTEBOOKS:
        shown.clear()
        parameters = {
            "shop": "one",
            "period": "2026-10",
            "data_dir": str(one_table_folders[table]),
            "lang": "zh",
            "output_dir": str(tmp_path / name),
            "interactive": False,
        }
        run_in_process(name, parameters, shown)
        page = "".join(shown)
        assert "jd-h1" in page or "<h1>" in page, name  # the header was shown
        if table == "stale":  # every table is there; the budget says why it has no plan
            if name == "channel_comparison":
                assert "参考月 2026-10 没有广告花费" in page
        # every page that reads more than this table names an export to add
        elif name != "data_health" and (name, table) != ("user_layers", "orders"):
            assert MISSING_NOTE in page, (name, table)
        assert str(one_table_folders[table]) not in page  # the server path stays out
