"""Run the notebooks for one shop and period with papermill and publish the reports.

Layout of ``OUT/SHOP/PERIOD/``: the executed ``<notebook>.ipynb``, ``<notebook>.html`` (no code),
``tables/*.csv``, ``manifest.json`` and ``run.log``. Publishing is atomic: the run writes into a
hidden attempt folder and swaps it in only when it succeeded, so a good report is never lost;
a failed attempt is kept beside it as ``PERIOD.failed/`` and the index shows it as current.
``OUT/index.html`` is rebuilt under a file lock, so runs that finish at once do not clash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import logging
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import nbformat
from filelock import FileLock

import jdpromo
from jdpromo import columns, ingest_cache
from jdpromo.errors import RunError
from jdpromo.params import RunParams, project_root
from jdpromo.periods import SHANGHAI
from jdpromo.text import TEXT, column_label, t

FAILED_SUFFIX = ".failed"
ANALYST_ONLY_TAG = "analyst-only"
VERSIONED = (
    "pandas",
    "numpy",
    "pyarrow",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "ipykernel",
    "openpyxl",
)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


def period_folder(label: str) -> str:
    """The folder name of a period label (``2026-10-01..2026-10-31`` → ``2026-10-01_2026-10-31``)."""
    return _SAFE_NAME.sub("_", label.replace("..", "_"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def versions() -> dict[str, str]:
    """Versions of Python, jdpromo and the libraries that shape the numbers and the HTML."""
    out = {"python": platform.python_version(), "jdpromo": jdpromo.__version__}
    for name in VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


@dataclass
class NotebookResult:
    name: str
    status: str
    seconds: float
    error: str | None = None
    failed_cell: int | None = None
    section: str | None = None


@dataclass
class RunResult:
    """What a run produced: where, its status (ok / partial / failed) and per-notebook results."""

    folder: Path
    status: str
    notebooks: list[NotebookResult] = field(default_factory=list)
    index: Path | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.status == "failed" else 0


def _failure_details(nb) -> tuple[int | None, str | None, str | None]:
    """(code cell number, section heading, error text) of the first cell that raised."""
    section = None
    number = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get("text/html", "")
            if "jd-h2" in data:
                section = re.sub(r"<[^>]+>", "", data).strip()
            if out.get("output_type") == "error":
                return number, section, f"{out.get('ename')}: {out.get('evalue')}"
    return None, section, None


def _strip_external(html_text: str) -> str:
    """Remove anything the page would fetch from the network (CDN scripts and stylesheets)."""
    html_text = re.sub(
        r"<script[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>", "", html_text, flags=re.I
    )
    html_text = re.sub(
        r"<link[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", "", html_text, flags=re.I
    )
    return html_text


def render_html(
    ipynb: Path, html_path: Path, lang: str, failure: NotebookResult | None = None
) -> None:
    """Render an executed notebook to self-contained HTML without code.

    Cells tagged ``analyst-only`` (notes for JupyterLab users) and papermill's own error markers
    are left out, and so is stderr (kept in the executed .ipynb); a failed notebook gets a banner
    naming the failing step and the error.
    """
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(ipynb, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:  # warnings on stderr stay in the .ipynb (audit record), not the page
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.outputs
                if not (o.output_type == "stream" and o.get("name") == "stderr")
            ]
    if failure is not None and failure.error:
        banner = t(
            "failed_banner",
            lang,
            cell=failure.failed_cell or "?",
            section=failure.section or "—",
            error=failure.error,
        )
        nb.cells.insert(
            0,
            nbformat.v4.new_markdown_cell(
                f"<div style='background:#fdecea;border-left:4px solid #c81623;padding:8px 12px'>"
                f"{html.escape(banner)}</div>"
            ),
        )
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    remover = TagRemovePreprocessor(
        remove_cell_tags={ANALYST_ONLY_TAG, "papermill-error-cell-tag"}, enabled=True
    )
    exporter.register_preprocessor(remover, enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": ipynb.stem}})
    html_path.write_text(_strip_external(body), encoding="utf-8")


KERNEL_START_TIMEOUT = 180  # seconds; a loaded machine can take a while to start a kernel


def _kernel_manager(sockets: str | None):
    """A kernel manager that talks to its kernel over IPC sockets in the private folder
    ``sockets`` (TCP on loopback where the OS has no IPC, i.e. Windows): nothing listens on a
    port, the kernel prints no TCP warning, and runs going at once never share a socket path."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import Unicode

    if sockets is None:
        return AsyncKernelManager

    class LocalKernelManager(AsyncKernelManager):
        transport = Unicode("ipc")
        ip = Unicode(os.path.join(sockets, "kernel"))

    return LocalKernelManager


def _execute(
    nb_path: Path,
    out_path: Path,
    parameters: dict,
    cwd: Path,
    kernel_name: str | None,
    log: logging.Logger,
) -> NotebookResult:
    import papermill as pm

    start = time.perf_counter()
    sockets = None if os.name == "nt" else tempfile.mkdtemp(prefix="jdpromo-kernel-")
    declared = {p["name"] for p in pm.inspect_notebook(str(nb_path)).values()}
    parameters = {k: v for k, v in parameters.items() if k in declared}
    try:
        pm.execute_notebook(
            str(nb_path),
            str(out_path),
            parameters=parameters,
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            kernel_manager_class=_kernel_manager(sockets),
            start_timeout=KERNEL_START_TIMEOUT,
            cwd=str(cwd),
        )
        status, error = "ok", None
    except pm.PapermillExecutionError as exc:
        status, error = "failed", f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # kernel died, notebook unreadable …: still a failed notebook
        status, error = "failed", f"{type(exc).__name__}: {exc}"
    finally:
        if sockets:
            shutil.rmtree(sockets, ignore_errors=True)
    seconds = round(time.perf_counter() - start, 2)
    result = NotebookResult(nb_path.stem, status, seconds, error)
    if status == "failed" and out_path.exists():
        result.failed_cell, result.section, detail = _failure_details(nbformat.read(out_path, 4))
        result.error = detail or error
    log.info(
        "notebook %s: %s in %.1fs%s",
        nb_path.stem,
        status,
        seconds,
        f" ({result.error})" if result.error else "",
    )
    return result


def _logger(path: Path) -> tuple[logging.Logger, logging.Handler]:
    log = logging.getLogger(f"jdpromo.run.{path.parent.name}")
    log.setLevel(logging.INFO)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    return log, handler


def _publish(attempt: Path, final: Path, failed: bool) -> Path:
    """Move the attempt into place: over the old report if it succeeded, beside it if not."""
    target = final.with_name(final.name + FAILED_SUFFIX) if failed else final
    trash = final.with_name(f".{final.name}.old-{os.getpid()}-{time.time_ns()}")
    if target.exists():
        target.rename(trash)
    attempt.rename(target)
    if not failed:
        stale = final.with_name(final.name + FAILED_SUFFIX)
        if stale.exists():
            shutil.rmtree(stale)
    shutil.rmtree(trash, ignore_errors=True)
    return target


def run_report(
    run: RunParams, *, root: Path | None = None, kernel_name: str | None = None, echo=print
) -> RunResult:
    """Run the selected notebooks for one shop and period and publish the result.

    Parameters are checked before any kernel starts (shop params and the period raise
    :class:`~jdpromo.errors.ParameterError`). Each notebook runs in its own kernel; one that
    raises still renders its HTML with the error, and the run's status is then ``failed``.
    """
    from jdpromo.report import open_report

    root = root or project_root()
    data_dir = Path(run.data_dir) if run.data_dir else root / "data" / run.shop
    if not data_dir.is_dir():
        raise RunError(
            f"data folder {data_dir} does not exist (use --data DIR, or "
            f"`jdpromo sample --shop {run.shop} --out {data_dir}` for demo data)"
        )
    missing = [n for n in run.notebooks if not (root / "notebooks" / f"{n}.ipynb").is_file()]
    if missing:
        raise RunError(f"notebook(s) missing from {root / 'notebooks'}: {', '.join(missing)}")
    # The same checks and loading the notebooks do, once, before any kernel starts: bad
    # parameters fail here, and the parse cache is warm for the notebooks.
    pre = open_report(
        shop=run.shop,
        period=run.period,
        data_dir=data_dir,
        params_file=run.params_file,
        lang=run.lang,
    )
    resolved, dataset = pre.period, pre.dataset
    ingest_cache.flush()  # the notebooks' kernels read what the pre-flight parsed
    out_root = Path(run.out_dir).resolve()
    shop_dir = out_root / run.shop
    shop_dir.mkdir(parents=True, exist_ok=True)
    final = shop_dir / period_folder(resolved.current.label)

    with FileLock(str(shop_dir / f".{final.name}.lock")):
        started = dt.datetime.now(dt.UTC)
        attempt = shop_dir / f".{final.name}.attempt-{os.getpid()}-{time.time_ns()}"
        attempt.mkdir()
        log, handler = _logger(attempt / "run.log")
        try:
            log.info("run shop=%s period=%s data=%s", run.shop, resolved.current.label, data_dir)
            for f in dataset.files:
                if f.status != "ok":
                    log.warning("%s: %s", f.status, f.message)
                    echo(f"jdpromo: {f.status}: {f.message}", file=sys.stderr)
            parameters = {
                "shop": run.shop,
                "period": run.period,
                "data_dir": str(data_dir.resolve()),
                "params_file": str(Path(run.params_file).resolve()) if run.params_file else None,
                "lang": run.lang,
                "output_dir": str(attempt),
                "interactive": False,
            }
            results = []
            for name in run.notebooks:
                nb_path = root / "notebooks" / f"{name}.ipynb"
                out_nb = attempt / f"{name}.ipynb"
                res = _execute(nb_path, out_nb, parameters, root / "notebooks", kernel_name, log)
                if out_nb.exists():
                    render_html(
                        out_nb,
                        attempt / f"{name}.html",
                        run.lang,
                        res if res.status == "failed" else None,
                    )
                results.append(res)
            if (attempt / "tables").is_dir():  # a column without a registry entry: a bug
                columns.write_dictionary(attempt / "tables", strict=False)
            partial = pre.partial
            failed = any(r.status == "failed" for r in results)
            status = "failed" if failed else ("partial" if partial else "ok")
            manifest = {
                "shop": run.shop,
                "period": resolved.current.label,
                "period_start": resolved.current.start.isoformat(),
                "period_end": resolved.current.end.isoformat(),
                "status": status,
                "partial_reasons": partial,
                "started": started.isoformat(timespec="seconds"),
                "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "inputs": [
                    {
                        "path": str(f.path),
                        "sha256": f.sha256,
                        "table": f.table,
                        "status": f.status,
                        "rows": f.rows_read,
                        "rows_used": f.rows_used,
                        "rows_skipped": f.rows_skipped,
                    }
                    for f in dataset.files
                ],
                "parameters": {
                    "run": json.loads(run.model_dump_json()),
                    "shop": json.loads(pre.params.model_dump_json()),
                },
                "versions": versions(),
                "notebooks": [r.__dict__ for r in results],
                "tables": sorted(p.name for p in (attempt / "tables").glob("*.csv")),
            }
            (attempt / "manifest.json").write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            log.info("status %s", status)
        except BaseException:
            log.exception("run aborted")
            handler.close()
            log.removeHandler(handler)
            shutil.rmtree(attempt, ignore_errors=True)
            raise
        handler.close()
        log.removeHandler(handler)
        folder = _publish(attempt, final, failed)
    index = rebuild_index(out_root, run.lang)
    return RunResult(folder, status, results, index)


# --- index ----------------------------------------------------------------------------------


def _read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def collect_reports(out_root: Path) -> list[dict]:
    """One entry per shop and period: the current report and, if newer, its failed attempt."""
    entries = []
    for shop_dir in sorted(
        p for p in out_root.iterdir() if p.is_dir() and not p.name.startswith(".")
    ):
        names = {
            p.name.removesuffix(FAILED_SUFFIX)
            for p in shop_dir.iterdir()
            if p.is_dir() and not p.name.startswith(".")
        }
        for name in sorted(names, reverse=True):
            good = _read_manifest(shop_dir / name)
            bad = _read_manifest(shop_dir / (name + FAILED_SUFFIX))
            current = bad if bad and (not good or bad["finished"] >= good["finished"]) else good
            if current is None:
                continue
            folder = name + FAILED_SUFFIX if current is bad else name
            entries.append(
                {
                    "shop": shop_dir.name,
                    "period": current["period"],
                    "status": current["status"],
                    "finished": current["finished"],
                    "folder": f"{shop_dir.name}/{folder}",
                    "notebooks": [n["name"] for n in current["notebooks"]],
                    "previous_good": (f"{shop_dir.name}/{name}", good["finished"])
                    if current is bad and good
                    else None,
                    "partial_reasons": current.get("partial_reasons", []),
                }
            )
    return entries


def _notebook_title(name: str, lang: str) -> str:
    key = f"nb_{name}"
    return t(key, lang) if key in TEXT else name


def _local_time(stamp: str) -> str:
    """An ISO timestamp from a manifest as Beijing time, ``2026-11-26 00:25``."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def rebuild_index(out_root: Path, lang: str = "zh") -> Path:
    """Rewrite ``out_root/index.html`` from the manifests, under a lock, atomically."""
    out_root.mkdir(parents=True, exist_ok=True)
    target = out_root / "index.html"
    with FileLock(str(out_root / ".index.lock")):
        entries = collect_reports(out_root)
        rows = []
        for e in entries:
            links = " · ".join(
                f"<a href='{html.escape(e['folder'])}/{html.escape(n)}.html'>"
                f"{html.escape(_notebook_title(n, lang))}</a>"
                for n in sorted(e["notebooks"], key=lambda n: n != "recap")  # the recap first
            )
            note = html.escape("；".join(e["partial_reasons"]))
            if e["previous_good"]:
                path, when = e["previous_good"]
                older = html.escape(t("index_previous_good", lang, finished=_local_time(when)))
                first = html.escape(e["notebooks"][0]) if e["notebooks"] else "data_health"
                note = f"<a href='{html.escape(path)}/{first}.html'>{older}</a>"
            status = t(f"status_{e['status']}", lang)
            rows.append(
                f"<tr class='s-{e['status']}'><td>{html.escape(e['shop'])}</td>"
                f"<td>{html.escape(e['period'])}</td><td class='st'>{html.escape(status)}</td>"
                f"<td>{links}</td><td>{html.escape(_local_time(e['finished']))}</td>"
                f"<td>{note}</td></tr>"
            )
        cols = ("shop", "period", "status", "reports", "finished", "message")
        head = "".join(f"<th>{html.escape(column_label(c, lang))}</th>" for c in cols)
        page = INDEX_TEMPLATE.format(
            note=html.escape(t("index_time_note", lang)),
            title=html.escape(t("index_title", lang)),
            head=head,
            rows="".join(rows),
            lang="zh-CN" if lang == "zh" else "en",
        )
        tmp = target.with_name(f".index.{os.getpid()}.tmp")
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, target)
    return target


INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
  sans-serif; margin: 24px; color: #222; }}
h1 {{ color: #c81623; }}
table {{ border-collapse: collapse; }}
th, td {{ padding: 6px 10px; border-bottom: 1px solid #e5e5e5; text-align: left; }}
th {{ background: #f4f4f4; }}
tr.s-failed td.st {{ color: #c81623; font-weight: bold; }}
tr.s-partial td.st {{ color: #b36b00; font-weight: bold; }}
tr.s-ok td.st {{ color: #1a7f37; }}
p.note {{ color: #666; font-size: 12px; }}
</style></head>
<body><h1>{title}</h1>
<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>
<p class="note">{note}</p>
</body></html>
"""
