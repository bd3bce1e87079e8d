"""``jdpromo verify OUT/SHOP/PERIOD``: re-execute a published report and compare it with nbval.

First the inputs: every data file the manifest records must still have its sha256, and the
data folder must hold no file the run did not see; otherwise nothing is executed. Then each
executed notebook of the report (the ``.ipynb`` audit record, with papermill's parameters cell)
is copied to a scratch folder, its ``output_dir`` pointed there, and run by pytest with
``--nbval``: every cell is executed again and its outputs compared with the published ones,
after the patterns in ``nbval_sanitize.cfg`` (shipped with the package: run folders, timestamps,
ids) have been replaced on both sides. Charts, inline PNGs in the pages' HTML, are compared with
it (nbval leaves bare image outputs aside).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from jdpromo.errors import RunError
from jdpromo.params import project_root

SANITIZE = Path(__file__).with_name("nbval_sanitize.cfg")


@dataclass
class CellDiff:
    notebook: str
    cell: str
    message: str


@dataclass
class VerifyResult:
    folder: Path
    inputs: list[str] = field(default_factory=list)  # inputs that changed since the run
    cells: list[CellDiff] = field(default_factory=list)  # cells whose outputs differ
    notebooks: list[str] = field(default_factory=list)  # notebooks re-executed
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.inputs and not self.cells

    def text(self) -> str:
        lines = [f"verify {self.folder}"]
        lines += [f"  note: {n}" for n in self.notes]
        if self.inputs:
            lines.append("  inputs differ from the manifest (nothing re-executed):")
            lines += [f"    {p}" for p in self.inputs]
        for d in self.cells:
            lines.append(f"  {d.notebook} {d.cell}: {d.message}")
        if self.ok:
            lines.append(f"  identical: {', '.join(self.notebooks)} (every output compared)")
        else:
            lines.append(f"  DIFFERENT: {len(self.inputs)} input(s), {len(self.cells)} cell(s)")
        return "\n".join(lines)


def check_inputs(manifest: dict, root: Path) -> list[str]:
    """Inputs whose bytes differ from the manifest's sha256, are gone, or are new in the folder."""
    from jdpromo.ingest import folder_digests

    run = manifest.get("parameters", {}).get("run", {})
    data = Path(run["data_dir"]) if run.get("data_dir") else root / "data" / manifest["shop"]
    data = data.resolve()  # the runner records resolved paths (a symlinked data/ included)
    recorded = {str(Path(i["path"]).resolve()): i["sha256"] for i in manifest.get("inputs", [])}
    if not data.is_dir():
        return [f"data folder {data} is gone"]
    now = {str(data / rel): sha for rel, sha in folder_digests(data)}
    problems = []
    for path, sha in sorted(recorded.items()):
        if path not in now:
            problems.append(f"{path}: missing")
        elif sha and now[path] != sha:
            problems.append(f"{path}: sha256 {now[path][:12]}… ≠ recorded {sha[:12]}…")
    problems += [f"{p}: not in the manifest (new file)" for p in sorted(set(now) - set(recorded))]
    return problems


def _point_output(nb_path: Path, target: Path, output_dir: Path) -> None:
    """Copy an executed notebook, with ``output_dir`` in its parameters cell set to ours."""
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = re.sub(
                r"^output_dir = .*$",
                f"output_dir = {json.dumps(str(output_dir))}",
                cell.source,
                flags=re.M,
            )
    nbformat.write(nb, target)


def _failures(junit: Path) -> list[CellDiff]:
    diffs = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is None:
            continue
        notebook = (case.get("file") or case.get("classname") or "?").removesuffix(".ipynb")
        text = _ANSI.sub("", (problem.text or "") + "\n" + (problem.get("message") or ""))
        what = re.search(r"^Cell \d+: (.+)$", text, flags=re.M)
        key = re.search(r"mismatch '([^']+)'|(Missing|Unexpected) output fields[^\n]*", text)
        message = what.group(1).strip() if what else "outputs differ"
        if key:
            message += f" ({key.group(1) or key.group(0).strip()})"
        diffs.append(CellDiff(notebook, case.get("name", "?"), message[:300]))
    return diffs


_ANSI = re.compile(r"\x1b\[[0-9;]*m|#x1B\[[0-9;]*m")


def verify_report(folder: Path | str, *, notebooks: list[str] | None = None) -> VerifyResult:
    """Check a published report against its inputs and re-execution; see the module doc."""
    from jdpromo.runner import read_manifest, versions

    folder = Path(folder).resolve()
    manifest = read_manifest(folder)
    if manifest is None:
        raise RunError(f"{folder} holds no readable manifest.json: not a published report")
    root = project_root()
    result = VerifyResult(folder)
    then, now = manifest.get("versions", {}), versions()
    changed = [f"{k} {then[k]} → {now.get(k)}" for k in sorted(then) if then[k] != now.get(k)]
    if changed:
        result.notes.append("library versions differ from the run: " + ", ".join(changed))
    result.inputs = check_inputs(manifest, root)
    if result.inputs:
        return result
    names = [n["name"] for n in manifest.get("notebooks", [])]
    if notebooks:
        unknown = sorted(set(notebooks) - set(names))
        if unknown:
            raise RunError(f"{folder}: no executed notebook {', '.join(unknown)} in this report")
        names = [n for n in names if n in notebooks]
    with tempfile.TemporaryDirectory(prefix="jdpromo-verify-") as tmp:
        work = Path(tmp)
        (work / "out").mkdir()
        files = []
        for name in names:
            source = folder / f"{name}.ipynb"
            if not source.is_file():
                raise RunError(f"{folder}: the executed notebook {source.name} is missing")
            _point_output(source, work / source.name, work / "out")
            files.append(source.name)
        (work / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        shutil.copy(SANITIZE, work / "sanitize.cfg")
        env = {**os.environ, "JDPROMO_HOME": str(root)}
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            "sanitize.cfg",
            "-p",
            "no:cacheprovider",
            "-q",
            "--color=no",
            "--junitxml=junit.xml",
            "-c",
            "pytest.ini",
            *files,
        ]
        proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
        junit = work / "junit.xml"
        if not junit.is_file():
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
            raise RunError(f"nbval did not run ({proc.returncode}): " + " | ".join(tail))
        result.cells = _failures(junit)
        if proc.returncode not in (0, 1):
            result.cells.append(CellDiff("pytest", "-", f"exit code {proc.returncode}"))
    result.notebooks = names
    return result
