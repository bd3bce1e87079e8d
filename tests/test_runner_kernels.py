"""A run's kernel used for one notebook after another: nothing of the first survives in the
second but imported modules (names, execution count, history session, warnings shown)."""

from __future__ import annotations

import logging
from pathlib import Path

import nbformat
import pytest
from jdpromo import runner

pytestmark = pytest.mark.e2e


def _notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell("a = 0")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            "import json\nimport warnings\nprint('x' in globals(), a)\nx = 1\n"
            "warnings.warn('shown in every notebook')"
        ),
    ]
    nbformat.write(nb, path)
    return path


def _outputs(path: Path) -> tuple[list, str]:
    nb = nbformat.read(path, 4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    return counts, text


def test_a_kept_kernel_starts_each_notebook_afresh(tmp_path):
    nb = _notebook(tmp_path / "probe.ipynb")
    log = logging.getLogger("test-kernels")
    kernels = runner.Kernels()
    kernel = runner.start_kernel(nb, tmp_path, tmp_path / "run.log", kernels)
    try:
        assert runner.warm_imports(nb) == ["json", "warnings"]
        for i, value in enumerate((1, 2)):
            kernel.prepare(nb)
            out = tmp_path / f"out{i}.ipynb"
            res = runner._execute(nb, out, {"a": value}, tmp_path, None, log, "en", kernels, kernel)
            assert res.status == "ok", res.error
            counts, text = _outputs(out)
            assert counts == [1, 2, 3]  # the parameters cell papermill adds, then ours
            assert f"False {value}" in text  # no name of the previous notebook
            assert "shown in every notebook" in text  # the warning again
            assert "History" not in text
        assert kernel.alive()
        assert 10 * 2**20 < kernel.memory() < runner.KERNEL_KEEP_BYTES  # a kernel, kept
    finally:
        kernel.stop()
    assert not kernel.alive()
