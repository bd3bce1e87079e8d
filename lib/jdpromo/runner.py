"""Run the notebooks for one shop and period with papermill and publish the reports.

Layout of ``OUT/SHOP/PERIOD/``: the executed ``<notebook>.ipynb``, ``<notebook>.html`` (no code),
``tables/*.csv``, ``manifest.json`` and ``run.log``. Publishing is atomic: the run writes into a
hidden attempt folder and swaps it in only when it succeeded, so a good report is never lost;
a failed attempt is kept beside it as ``PERIOD.failed/`` and the index shows it as current.
Attempt folders of killed runs are removed by the next run of the same shop and period.
``OUT/index.html`` is rebuilt under a file lock, so runs that finish at once do not clash.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import errno
import glob
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
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from filelock import FileLock

import jdpromo
from jdpromo import actionlog, columns, ingest_cache, preflight
from jdpromo.contract import TABLES
from jdpromo.errors import OutputError, RunError
from jdpromo.ingest import display_name
from jdpromo.params import RunParams, project_root
from jdpromo.periods import SHANGHAI
from jdpromo.text import (
    TEXT,
    column_label,
    error_location,
    gloss_first,
    partial_text,
    shop_label,
    t,
)

# nbformat validates notebooks with jsonschema, which imports the optional IRI checker
# rfc3987_syntax when installed; it builds ~40 Lark grammars on import (≈1.4 s in every process,
# python-jsonschema/jsonschema#1428). Notebook schemas check no IRI format: a process that runs
# reports leaves that checker out.
sys.modules.setdefault("rfc3987_syntax", None)

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
    """One notebook's outcome.

    ``error`` is the short cause the HTML and the terminal show (first line, no traceback, no
    server path: the traceback is in ``run.log`` and the executed .ipynb); ``kind`` says what
    to do about it: ``input`` (fix a file), ``output`` (free the disk) or ``bug``.
    """

    name: str
    status: str
    seconds: float
    error: str | None = None
    failed_cell: int | None = None
    section: str | None = None
    kind: str | None = None


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


# --- what a failure says ----------------------------------------------------------------------

NOTEBOOK_TABLES: dict[str, tuple[str, ...]] = {
    "data_health": tuple(TABLES),
    "channel_comparison": ("ad_daily", "traffic_daily", "shop_daily", "sku_daily"),
    "keyword_review": ("keyword_daily", "industry_keywords", "sku_daily"),
    "user_layers": ("orders", "ad_daily"),
    "recap": tuple(TABLES),
}
"""The canonical tables each notebook reads (a failure banner names those the folder holds)."""

OUTPUT_ERRNOS = {
    errno.ENOSPC: "output_enospc",
    errno.EDQUOT: "output_edquot",
    errno.EROFS: "output_erofs",
    errno.EACCES: "output_eacces",
    errno.EPERM: "output_eacces",
}
"""Errors of the output disk, and the text key of their reason."""

_H2 = re.compile(r"<h2\b[^>]*\bjd-h2\b[^>]*>(.*?)</h2>", re.S)
_ERRNO = re.compile(r"^\[Errno (\d+)\]")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_SERVER_PATH = re.compile(
    r"(?<![\w.~])(?:[A-Za-z]:)?[/\\](?:[^\s'\"<>|:;,()\[\]{}/\\]+[/\\])+"
    r"([^\s'\"<>|:;,()\[\]{}/\\]*)"
)


def scrub_paths(text: str) -> str:
    """``text`` with every absolute path cut to its last part (``/srv/data/x.csv`` → ``x.csv``):
    reports are forwarded, and the server's folders are nobody's business."""
    return _SERVER_PATH.sub(lambda m: m[1], text)


def error_kind(ename: str | None, evalue: str | None) -> str:
    """``input`` for an error about an export file (:class:`~jdpromo.errors.InputError`, whose
    text starts with ``file …``), ``output`` for a full or unwritable disk, else ``bug``."""
    ename, evalue = ename or "", evalue or ""
    if ename.endswith(("InputError", "ExportError")) or evalue.startswith("file "):
        return "input"
    m = _ERRNO.match(evalue)
    return "output" if m and int(m[1]) in OUTPUT_ERRNOS else "bug"


def short_error(ename: str | None, evalue: str | None, lang: str = "zh", limit: int = 300) -> str:
    """The cause of a failure in one line for the report and the terminal: an input error as
    its file, row and column (in ``lang``), anything else as ``Type: message``; paths cut to
    their last part, at most ``limit`` characters."""
    lines = scrub_paths(str(evalue or "")).strip().splitlines()
    first = lines[0].strip() if lines else ""
    if error_kind(ename, evalue) == "input":
        text = error_location(first, lang)
    else:
        text = f"{ename}: {first}" if first else str(ename or "?")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def inputs_text(name: str, files: list, lang: str = "zh") -> str:
    """The exports a notebook reads that the folder holds: ``订单明细（2 个文件）`` …"""
    counts = {}
    for f in files:
        if f.status == "ok" and f.table in NOTEBOOK_TABLES.get(name, tuple(TABLES)):
            counts[f.table] = counts.get(f.table, 0) + 1
    if not counts:
        return t("failed_inputs_none", lang)
    parts = [
        t("failed_inputs_files", lang, table=t(f"table_{table}", lang), n=n)
        for table, n in counts.items()
    ]
    return ("、" if lang == "zh" else ", ").join(parts)


def failure_banner(result: NotebookResult, inputs: str, lang: str = "zh") -> str:
    """The message a failed notebook's HTML opens with: where it failed (section and step),
    the cause, the data involved and what to do."""
    return t(
        "failed_banner",
        lang,
        section=result.section or t("failed_section_start", lang),
        cell=result.failed_cell or "?",
        error=(result.error or "?").rstrip("。."),
        inputs=inputs,
        advice=t(f"failed_advice_{result.kind or 'bug'}", lang),
    )


def _failure_details(nb) -> tuple[int | None, str | None, dict | None]:
    """(code cell number, last section heading before it, error output) of the first cell
    that raised. The heading is the text of the last ``jd-h2`` heading shown, never the CSS
    that mentions the class."""
    section = None
    number = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get("text/html", "")
            data = "".join(data) if isinstance(data, list) else data
            for m in _H2.finditer(data):
                section = html.unescape(re.sub(r"<[^>]+>", "", m[1])).strip()
            if out.get("output_type") == "error":
                return number, section, out
    return None, section, None


# --- rendering --------------------------------------------------------------------------------


def _strip_external(html_text: str) -> str:
    """Remove anything the page would fetch from the network (CDN scripts and stylesheets)."""
    html_text = re.sub(
        r"<script[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>", "", html_text, flags=re.I
    )
    html_text = re.sub(
        r"<link[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", "", html_text, flags=re.I
    )
    return html_text


_SUMMARY = re.compile(r"<div class=['\"]jd-report jd-summary['\"]>.*?</div>", re.S)
TOC_MIN_SECTIONS = 3
"""A page with at least this many sections opens with a table of contents."""


# Parts of a page whose text is never prose: scripts, styles, comments, the title, the table of
# contents (a copy of the headings); then any other tag. Text between them is the page's prose.
_OPAQUE = re.compile(
    r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<title\b.*?</title\s*>"
    r"|<nav\b.*?</nav\s*>|<[^>]*>)",
    re.S | re.I,
)


def gloss_page(body: str) -> str:
    """An English page with each known 京准通 line glossed once, at its first mention in the
    page's text in reading order (:func:`jdpromo.text.gloss_first`): ``快车`` → ``快车 (search
    ads)``. Markup, scripts, styles, the title and the contents are left as they are."""
    seen: set[str] = set()
    parts = _OPAQUE.split(body)
    for i in range(0, len(parts), 2):  # even parts are the text between tags
        if parts[i].strip():
            parts[i] = gloss_first(parts[i], seen)
    return "".join(parts)


def page_shell(body: str, *, title: str, lang: str, toc: bool) -> str:
    """Finish a rendered page: ``<html lang>``, ``<title>`` (what a chat app shows for a
    forwarded file), a viewport for phones, and — when ``toc`` — numbered section anchors with a
    table of contents before the first section (and a link to the 方法说明 when there is one).
    An English page glosses JD's product-line names once (:func:`gloss_page`)."""
    body = _shell(body, title=title, lang=lang, toc=toc)
    return gloss_page(body) if lang == "en" else body


def _shell(body: str, *, title: str, lang: str, toc: bool) -> str:
    code = "zh-CN" if lang == "zh" else "en"
    body = re.sub(r"<html[^>]*>", lambda _: f'<html lang="{code}">', body, count=1)
    body = re.sub(
        r"<title>.*?</title>", lambda _: f"<title>{html.escape(title)}</title>", body, count=1,
        flags=re.S,
    )  # fmt: skip
    if 'name="viewport"' not in body:
        viewport = '<meta name="viewport" content="width=device-width, initial-scale=1">'
        body = body.replace("<head>", "<head>\n" + viewport, 1)
    sections = []

    def anchor(match: re.Match) -> str:
        sections.append(match[1])
        return f"<h2 class='jd-report jd-h2' id='jd-s{len(sections)}'>{match[1]}</h2>"

    body = _H2.sub(anchor, body)
    summary = _SUMMARY.search(body)
    if summary and sections:  # the page's one-line summary opens it, before the contents
        body = body.replace(summary[0], "", 1)
        first = "<h2 class='jd-report jd-h2' id='jd-s1'>"
        body = body.replace(first, summary[0] + first, 1)
    if not toc or len(sections) < TOC_MIN_SECTIONS:
        return body
    items = [f"<li><a href='#jd-s{i}'>{text}</a></li>" for i, text in enumerate(sections, 1)]
    if re.search(r"id=['\"]jd-method['\"]", body):
        items.append(f"<li><a href='#jd-method'>{html.escape(t('method_title', lang))}</a></li>")
    nav = (
        f"<nav class='jd-report jd-toc'><b>{html.escape(t('toc_title', lang))}</b>"
        f"<ol>{''.join(items)}</ol></nav>"
    )
    return body.replace(
        "<h2 class='jd-report jd-h2' id='jd-s1'>",
        nav + "<h2 class='jd-report jd-h2' id='jd-s1'>",
        1,
    )


def render_html(
    ipynb: Path,
    html_path: Path,
    lang: str,
    failure: NotebookResult | None = None,
    inputs: str = "—",
    *,
    title: str | None = None,
    toc: bool = True,
) -> None:
    """Render an executed notebook to self-contained HTML without code.

    Cells tagged ``analyst-only`` (notes for JupyterLab users) and papermill's own error markers
    are left out, and so are stderr and tracebacks (kept in the executed .ipynb and run.log);
    a failed notebook opens with the message of :func:`failure_banner` (``inputs``: the
    exports it reads, see :func:`inputs_text`). ``title`` is the page's ``<title>`` (default:
    the page's heading); ``toc`` adds a table of contents (:func:`page_shell`).
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(ipynb, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:  # warnings and tracebacks stay in the .ipynb (audit record)
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.outputs
                if o.output_type != "error"
                and not (o.output_type == "stream" and o.get("name") == "stderr")
            ]
    if failure is not None and failure.error:
        banner = failure_banner(failure, inputs, lang)
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
    body = page_shell(body, title=title or page_name(ipynb.stem, lang), lang=lang, toc=toc)
    html_path.write_text(_strip_external(body), encoding="utf-8")


# --- execution --------------------------------------------------------------------------------

KERNEL_START_TIMEOUT = 180  # seconds; a loaded machine can take a while to start a kernel
KERNEL_KEEP_BYTES = 768 * 2**20
"""A kept kernel holding more memory than this once a notebook is done is replaced by a new one
for the next notebook: what a notebook leaves (freed memory the allocator keeps, caches) adds
to the next one's peak. Reports of demo size stay far below it (a kernel holds ≈ 300 MB)."""


class Kernels:
    """The kernels a run has started, so that an interrupted run stops them at once (notebooks
    running side by side in threads would otherwise finish their cells first)."""

    def __init__(self) -> None:
        self.pids: set[int] = set()

    def kill(self) -> None:
        import signal

        for pid in list(self.pids):
            with contextlib.suppress(OSError):
                os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))


def _kernel_manager(
    sockets: str | None, console: Path | None = None, kernels: Kernels | None = None
):
    """A kernel manager whose kernel talks over IPC sockets in the private folder ``sockets``
    (TCP on loopback where the OS has no IPC, i.e. Windows: nothing listens on a port and runs
    going at once never share a socket path), writes its own stdout/stderr (warnings,
    "Exception ignored …" noise) to ``console`` (the run's log), never to the terminal, and is
    listed in ``kernels``."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import Unicode

    class RunKernelManager(AsyncKernelManager):
        def client(self, **kw):
            kc = super().client(**kw)
            self.clients.append(kc)
            return kc

        @property
        def clients(self) -> list:
            return self.__dict__.setdefault("_run_clients", [])

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            if console is None:
                await super()._async_launch_kernel(kernel_cmd, **kw)
            else:
                with open(console, "ab") as sink:  # the kernel keeps its own copy of the handle
                    kw["stdout"] = kw["stderr"] = sink
                    await super()._async_launch_kernel(kernel_cmd, **kw)
            pid = getattr(self.provisioner, "pid", None)
            if kernels is not None and pid:
                kernels.pids.add(pid)

    if sockets is None:
        return RunKernelManager

    class LocalKernelManager(RunKernelManager):
        transport = Unicode("ipc")
        ip = Unicode(os.path.join(sockets, "kernel"))

    return LocalKernelManager


def _sockets() -> str | None:
    return None if os.name == "nt" else tempfile.mkdtemp(prefix="jdpromo-kernel-")


def warm_imports(nb_path: Path) -> list[str]:
    """The modules a notebook imports at the top level of its code cells (``from a import b``
    gives ``a.b``, which may be a name rather than a module), in order."""
    import ast

    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    modules: list[str] = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:  # IPython magics
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                modules += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules += [f"{node.module}.{a.name}" for a in node.names] + [node.module]
    return list(dict.fromkeys(modules))


_WARM = """
def __jdpromo_warm(modules):
    import importlib
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
__jdpromo_warm({modules!r})
del __jdpromo_warm
"""

_RESET = """
get_ipython().reset(new_session=True)
import matplotlib.pyplot as __plt, warnings as __w
__plt.close("all")
__f = list(__w.filters)
__w.resetwarnings()
__w.filters[:] = __f
del __plt, __w, __f
"""
"""What a kernel is cleared of between two notebooks: every name, the history session and its
execution count, open figures, and the record of warnings already shown (a warning shows again
in the next notebook)."""


@dataclass
class RunKernel:
    """A kernel of a run, kept by one thread for the notebooks it runs one after another: its
    modules stay imported; what a notebook defines does not outlive it (:data:`_RESET`)."""

    km: Any
    sockets: str | None
    used: bool = False

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:
            return False

    def prepare(self, nb_path: Path) -> None:
        """Before ``nb_path`` runs: clear what the previous notebook left, import its modules
        (silently: nothing is recorded and the execution count does not move)."""
        from jupyter_core.utils import run_sync

        code = (_RESET if self.used else "") + _WARM.format(modules=warm_imports(nb_path))
        self.used = True

        async def go() -> None:
            kc = self.km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=KERNEL_START_TIMEOUT)
                reply = await kc.execute_interactive(
                    code, silent=True, store_history=False, timeout=600
                )
            finally:
                kc.stop_channels()
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"kernel not ready: {reply['content'].get('evalue')}")

        run_sync(go)()

    def memory(self) -> int | None:
        """The kernel's resident memory (bytes), ``None`` when it cannot be known."""
        import psutil

        try:
            return psutil.Process(self.km.provisioner.pid).memory_info().rss
        except (AttributeError, TypeError, psutil.Error):
            return None

    def release_clients(self) -> None:
        """Close the channels of the clients nbclient opened (it leaves them open on a kernel
        it did not start)."""
        for kc in self.km.clients:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        self.km.clients.clear()

    def stop(self) -> None:
        from jupyter_core.utils import run_sync

        self.release_clients()
        with contextlib.suppress(Exception):
            run_sync(self.km.shutdown_kernel)(now=True)
        if self.sockets:
            shutil.rmtree(self.sockets, ignore_errors=True)


def start_kernel(
    nb_path: Path, cwd: Path, console: Path, kernels: Kernels, kernel_name: str | None = None
) -> RunKernel:
    """Start the kernel ``nb_path`` names (or ``kernel_name``) in ``cwd``, to be used by the
    calling thread (:meth:`RunKernel.prepare`, then :func:`_execute`)."""
    from jupyter_core.utils import run_sync

    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    name = kernel_name or nb.get("metadata", {}).get("kernelspec", {}).get("name", "python3")
    sockets = _sockets()
    kernel = RunKernel(_kernel_manager(sockets, console, kernels)(kernel_name=name), sockets)
    try:
        run_sync(kernel.km.start_kernel)(cwd=str(cwd))
    except BaseException:
        kernel.stop()
        raise
    return kernel


def _close_thread_loop() -> None:
    """Close the event loop the kernel clients made for this thread (jupyter_core keeps one per
    thread and never closes it: left to the garbage collector, it warns)."""
    import asyncio

    with contextlib.suppress(Exception):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            loop = asyncio.get_event_loop_policy().get_event_loop()
        if not loop.is_running():
            loop.close()
        asyncio.set_event_loop(None)


def _is_output_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in OUTPUT_ERRNOS


def _execute(
    nb_path: Path,
    out_path: Path,
    parameters: dict,
    cwd: Path,
    kernel_name: str | None,
    log: logging.Logger,
    lang: str = "zh",
    kernels: Kernels | None = None,
    started: RunKernel | None = None,
) -> NotebookResult:
    """Run one notebook in a kernel of its own started in ``cwd``, or in ``started`` (prepared
    for it by the calling thread, see :class:`RunKernel`). A notebook that raises is a failed result (its
    traceback goes to the log); a full or unwritable output disk raises ``OSError``. Safe to
    call from several threads at once (the process's own working folder is never changed)."""
    import nbformat  # imported here: its schema validator takes seconds to load, and a run
    import papermill as pm  # refused by the pre-flight should end in seconds

    start = time.perf_counter()
    declared = {p["name"] for p in pm.inspect_notebook(str(nb_path)).values()}
    parameters = {k: v for k, v in parameters.items() if k in declared}
    console = out_path.with_name("run.log")
    if started is None:
        sockets = _sockets()
        kernel = {"kernel_manager_class": _kernel_manager(sockets, console, kernels)}
    else:
        sockets, kernel = started.sockets, {"km": started.km}
    ename = evalue = None
    try:
        pm.execute_notebook(
            str(nb_path),
            str(out_path),
            parameters=parameters,
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            start_timeout=KERNEL_START_TIMEOUT,
            resources={"metadata": {"path": str(cwd)}},  # the kernel's folder, not ours
            **kernel,
        )
    except pm.PapermillExecutionError as exc:
        ename, evalue = exc.ename, exc.evalue
        trace = _ANSI.sub("", "\n".join(exc.traceback))
        log.error("notebook %s raised in cell %s:\n%s", nb_path.stem, exc.exec_count, trace)
    except Exception as exc:  # kernel died, notebook unreadable …: still a failed notebook
        if _is_output_error(exc):
            raise
        ename, evalue = type(exc).__name__, str(exc)
        log.exception("notebook %s could not run", nb_path.stem)
    finally:
        if started is not None:
            started.release_clients()
        elif sockets:
            shutil.rmtree(sockets, ignore_errors=True)
    seconds = round(time.perf_counter() - start, 2)
    result = NotebookResult(nb_path.stem, "ok" if ename is None else "failed", seconds)
    if ename is not None:
        if out_path.exists():
            cell, result.section, out = _failure_details(nbformat.read(out_path, 4))
            result.failed_cell = cell
            if out is not None:
                ename, evalue = out.get("ename"), out.get("evalue")
        result.kind = error_kind(ename, evalue)
        result.error = short_error(ename, evalue, lang)
    log.info(
        "notebook %s: %s in %.1fs%s",
        nb_path.stem,
        result.status,
        seconds,
        f" ({result.error})" if result.error else "",
    )
    return result


def _logger(path: Path) -> tuple[logging.Logger, logging.Handler]:
    log = logging.getLogger(f"jdpromo.run.{path.parent.name}")
    log.setLevel(logging.INFO)
    log.propagate = False  # the run's log file, never the terminal
    # file names may hold any bytes (surrogate-escaped): written escaped, never an error
    handler = logging.FileHandler(path, encoding="utf-8", errors="backslashreplace")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    return log, handler


def output_error(exc: OSError, lang: str = "zh") -> OutputError:
    """A one-line :class:`~jdpromo.errors.OutputError` for an ``OSError`` of the output disk:
    the reason in ``lang`` (disk full, read-only, permission) and the path."""
    key = OUTPUT_ERRNOS.get(exc.errno)
    reason = t(key, lang) if key else (exc.strerror or type(exc).__name__)
    path = exc.filename if exc.filename is not None else ""
    return OutputError(t("output_error", lang, reason=reason, path=path))


# --- publishing -------------------------------------------------------------------------------

_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?:attempt|old)-(?P<pid>\d+)-\d+")


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (signal 0 probes without touching it)."""
    if pid == os.getpid():
        return False  # our own earlier attempt: this process holds the lock and is not using it
    if os.name == "nt":
        return False  # os.kill would end the process there; the lock alone rules out a live run
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def clean_stale(shop_dir: Path, name: str) -> list[Path]:
    """Remove the attempt and trash folders (``.<name>.attempt-PID-…``, ``.<name>.old-PID-…``)
    that runs of this shop and period left behind when they were killed.

    Call it holding the period's lock: no live run of this period can own one then. A folder
    whose process is still alive on this machine is left alone all the same (a run on a
    file system where the lock does not hold).
    """
    removed = []
    for path in shop_dir.glob(f".{glob.escape(name)}.*"):
        m = _LEFTOVER.fullmatch(path.name)
        if not m or m["name"] != name or not path.is_dir() or _alive(int(m["pid"])):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


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


def _write_manifest(folder: Path, manifest: dict) -> None:
    # File names may hold undecodable bytes (surrogate escapes): stored as JSON \\u escapes.
    text = json.dumps(manifest, ensure_ascii=False, indent=2, default=str)
    (folder / "manifest.json").write_bytes(text.encode("utf-8", "backslashreplace"))


class _AttemptFolder:
    """Where a run writes before it is published, for :func:`run_report` and :func:`run_watch`.

    On entering it takes the lock ``.NAME.lock`` beside ``final``, removes what killed runs of
    ``final`` left (:func:`clean_stale`, listed in :attr:`removed`) and makes the hidden
    attempt folder ``.NAME.attempt-PID-NS`` (:attr:`folder`) with its ``run.log``
    (:attr:`log`); :meth:`publish` closes the log and swaps the folder in; on leaving, the lock
    is released. On an error the traceback goes to the log, then the attempt is handed to
    :attr:`keep` (``keep(error)``: the folder it kept, or ``None``) or, without one, removed;
    an interrupted run's attempt is always removed. A full, read-only or forbidden output disk
    comes out as :func:`output_error`, any other error as a :class:`RunError` (pointing to the
    kept log) when there is a :attr:`keep`, else as it is.
    """

    def __init__(self, final: Path, lang: str) -> None:
        self.final, self.lang = final, lang
        self.keep: Callable[[str], Path | None] | None = None
        self.removed: list[Path] = []

    def __enter__(self) -> _AttemptFolder:
        final = self.final
        self.lock = FileLock(str(final.parent / f".{final.name}.lock"))
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            self.lock.acquire()
        except OSError as exc:
            raise output_error(exc, self.lang) from exc
        self.folder = final.with_name(f".{final.name}.attempt-{os.getpid()}-{time.time_ns()}")
        try:
            self.removed = clean_stale(final.parent, final.name)
            self.folder.mkdir()
            self.log, self.handler = _logger(self.folder / "run.log")
        except BaseException as exc:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.lock.release()
            if isinstance(exc, OSError):
                raise output_error(exc, self.lang) from exc
            raise
        return self

    def close_log(self) -> None:
        self.handler.close()
        self.log.removeHandler(self.handler)

    def publish(self, failed: bool) -> Path:
        """Close the log and move the attempt into place (:func:`_publish`)."""
        self.close_log()
        return _publish(self.folder, self.final, failed)

    def __exit__(self, kind, exc, tb) -> None:
        try:
            if exc is not None:
                self._fail(exc)
        finally:
            self.lock.release()

    def _fail(self, exc: BaseException) -> None:
        if not isinstance(exc, Exception):  # interrupted: nothing is kept
            self.close_log()
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        if isinstance(exc, OSError):
            err, what = output_error(exc, self.lang), "output failed"
        else:  # a bug: one line on the terminal, the traceback in the log
            what = "run aborted"
            short = short_error(type(exc).__name__, str(exc), "en")
            err = RunError(f"unexpected error ({short})") if self.keep else exc
        if self.handler in self.log.handlers:  # not yet published
            self.log.error(what, exc_info=exc)
        self.close_log()
        if self.keep is None:
            shutil.rmtree(self.folder, ignore_errors=True)
        elif (kept := self.keep(str(err))) is not None:
            err.log_path = kept / "run.log"
        if err is not exc:
            raise err from exc


@dataclass
class _Attempt:
    """One report run in its attempt folder (:class:`_AttemptFolder`) and what it has done so
    far."""

    run: RunParams
    pre: Any
    data_dir: Path
    folder: Path
    final: Path
    log: logging.Logger
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    results: list[NotebookResult] = field(default_factory=list)
    fingerprint: dict | None = None

    def manifest(self, status: str, error: str | None = None) -> dict:
        pre, run = self.pre, self.run
        cur = pre.period.current
        out = {
            "shop": run.shop,
            "period": cur.label,
            "period_start": cur.start.isoformat(),
            "period_end": cur.end.isoformat(),
            "status": status,
            "partial_reasons": pre.partial,
            "started": self.started.isoformat(timespec="seconds"),
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "inputs": [
                {
                    "path": display_name(f.path),
                    "sha256": f.sha256,
                    "table": f.table,
                    "status": f.status,
                    "rows": f.rows_read,
                    "rows_used": f.rows_used,
                    "rows_skipped": f.rows_skipped,
                }
                for f in pre.dataset.files
            ],
            "parameters": {
                "run": json.loads(run.model_dump_json()),
                "shop": json.loads(pre.params.model_dump_json()),
            },
            "versions": versions(),
            "notebooks": [r.__dict__ for r in self.results],
            "tables": sorted(p.name for p in (self.folder / "tables").glob("*.csv")),
        }
        if self.fingerprint is not None:
            out["fingerprint"] = self.fingerprint
        if error:
            out["error"] = error
        return out


HEAVY_FIRST = ("user_layers", "channel_comparison", "keyword_review")
"""Start order of the notebooks that run side by side: the longest first, so that the threads
finish together."""

LAST = ("recap",)
"""Notebooks that read what the others of the run leave in the run folder (the recap reuses
their findings, :data:`jdpromo.report.SHARED_FINDINGS`): they start when the others are done."""


def notebook_jobs(jobs: int | None) -> int:
    """Notebooks run side by side in one run: ``jobs``, or one per core."""
    return max(1, jobs or os.cpu_count() or 1)


def _run_notebooks(
    att: _Attempt, root: Path, kernel_name: str | None, echo, jobs: int | None = None
) -> str:
    """Run every notebook of the attempt, render its HTML, write the manifest; the status.

    The notebooks run ``jobs`` at a time (default: one per core): each thread takes the next
    notebook, longest first (:data:`HEAVY_FIRST`), and keeps its kernel from one notebook to
    the next (:class:`RunKernel`); :data:`LAST` runs when the rest are done. Each run is a
    papermill execution of its own, with its executed notebook kept."""
    from jdpromo.report import SETTLED, SHARED, share_settled

    run, pre = att.run, att.pre
    att.log.info("run shop=%s period=%s data=%s", run.shop, pre.period.current.label, att.data_dir)
    for f in pre.dataset.files:
        if f.status != "ok":
            att.log.warning("%s: %s", f.status, f.message)
            echo(f"jdpromo: {f.status}: {f.message}", file=sys.stderr)
    parameters = {
        "shop": run.shop,
        "period": run.period,
        "data_dir": str(att.data_dir.resolve()),
        "params_file": str(Path(run.params_file).resolve()) if run.params_file else None,
        "lang": run.lang,
        "output_dir": str(att.folder),
        "interactive": False,
    }
    share_settled(att.folder, pre.dataset, pre.params)  # read once, for every notebook
    pre.dataset.tables.clear()  # the notebooks load the shared copy; the run keeps the file list
    kernels = Kernels()
    notebooks_dir, console = root / "notebooks", att.folder / "run.log"

    def one(name: str, kernel: RunKernel | None) -> NotebookResult:
        nb_path = notebooks_dir / f"{name}.ipynb"
        out_nb = att.folder / f"{name}.ipynb"
        res = _execute(
            nb_path, out_nb, parameters, notebooks_dir, kernel_name, att.log, run.lang,
            kernels, kernel,
        )  # fmt: skip
        att.results.append(res)
        if out_nb.exists():
            failure = res if res.status == "failed" else None
            inputs = inputs_text(name, pre.dataset.files, run.lang)
            title = t(
                "page_title",
                run.lang,
                report=page_name(name, run.lang),
                shop=shop_label(pre.params.shop_name or run.shop, run.lang),
                period=pre.period.current.label,
            )
            render_html(
                out_nb, att.folder / f"{name}.html", run.lang, failure, inputs,
                title=title, toc=name != "recap",
            )  # fmt: skip
        return res

    def ready(name: str, kernel: RunKernel | None) -> RunKernel | None:
        """This thread's kernel (started if it has none or it died), prepared for ``name``;
        ``None`` when that fails (the notebook then starts a kernel of its own)."""
        nb_path = notebooks_dir / f"{name}.ipynb"
        try:
            if kernel is not None and not kernel.alive():
                kernel.stop()
                kernel = None
            if kernel is None:
                kernel = start_kernel(nb_path, notebooks_dir, console, kernels, kernel_name)
            kernel.prepare(nb_path)
            return kernel
        except Exception:
            att.log.warning("no kernel prepared for %s; it starts its own", name, exc_info=True)
            if kernel is not None:
                kernel.stop()
            return None

    def keep(name: str, res: NotebookResult, kernel: RunKernel) -> bool:
        """Whether the kernel ``name`` ran in is kept for the next notebook: not after a
        failure (its state is unknown), nor when it holds more than :data:`KERNEL_KEEP_BYTES`."""
        if res.status == "failed":
            return False
        held = kernel.memory()
        if held is not None and held > KERNEL_KEEP_BYTES:
            att.log.info("kernel after %s holds %d MB: not kept", name, held >> 20)
            return False
        return True

    first = sorted(
        (n for n in run.notebooks if n not in LAST),
        key=lambda n: HEAVY_FIRST.index(n) if n in HEAVY_FIRST else len(HEAVY_FIRST),
    )
    todo = collections.deque(first + [n for n in run.notebooks if n in LAST])
    lock = threading.Lock()
    others_done, stopped = threading.Event(), threading.Event()
    left = [len(first)]
    errors: list[BaseException] = []
    if not first:
        others_done.set()

    def abort() -> None:
        stopped.set()
        others_done.set()
        kernels.kill()

    def worker() -> None:
        """Take the next notebook until none is left, in one kernel while notebooks succeed;
        a :data:`LAST` notebook gets its kernel ready, then waits for the others."""
        kernel = None
        try:
            while not stopped.is_set():
                with lock:
                    if not todo:
                        return
                    name = todo.popleft()
                kernel = ready(name, kernel)
                if name in LAST:
                    others_done.wait()
                    if stopped.is_set():
                        return
                res = one(name, kernel)
                if kernel is not None and not keep(name, res, kernel):
                    kernel.stop()
                    kernel = None
                if name not in LAST:
                    with lock:
                        left[0] -= 1
                        if not left[0]:
                            others_done.set()
        except BaseException as exc:  # a full disk or a bug: the run cannot go on
            errors.append(exc)
            abort()
        finally:
            if kernel is not None:
                kernel.stop()
            _close_thread_loop()

    threads = [
        threading.Thread(target=worker, name=f"notebook-{i}", daemon=True)
        for i in range(min(notebook_jobs(jobs), max(len(first), 1)))
    ]
    for th in threads:
        th.start()
    try:
        for th in threads:
            th.join()
    except BaseException:  # interrupted: stop every kernel now
        abort()
        raise
    if errors:
        raise errors[0]
    order = {name: i for i, name in enumerate(run.notebooks)}
    att.results.sort(key=lambda r: order[r.name])
    shutil.rmtree(att.folder / SETTLED)
    shutil.rmtree(att.folder / SHARED, ignore_errors=True)
    if (att.folder / "tables").is_dir():  # a column without a registry entry: a bug
        columns.write_dictionary(att.folder / "tables", strict=False)
    failed = any(r.status == "failed" for r in att.results)
    status = "failed" if failed else ("partial" if pre.partial else "ok")
    _write_manifest(att.folder, att.manifest(status))
    att.log.info("status %s", status)
    return status


def _keep_failed(att: _Attempt, error: str) -> Path | None:
    """After a run that could not finish, keep what it wrote as ``PERIOD.failed/`` with a
    manifest saying why, so the index shows the failure (best effort: the disk may be full)."""
    try:
        _write_manifest(att.folder, att.manifest("failed", error))
        kept = _publish(att.folder, att.final, failed=True)
    except OSError:
        shutil.rmtree(att.folder, ignore_errors=True)
        return None
    _try_index(att.final.parent.parent, att.run.lang)
    return kept


def _prepare(run: RunParams, root: Path):
    """Everything checked before any kernel starts: the data folder, the notebooks, the shop
    params and the period (:func:`~jdpromo.report.open_report`), and that the folder holds a
    recognised export with data in the period (:mod:`jdpromo.preflight`)."""
    from jdpromo.report import open_report

    data_dir = (Path(run.data_dir) if run.data_dir else root / "data" / run.shop).resolve()
    if not data_dir.is_dir():
        what = "is not a folder" if data_dir.exists() else "does not exist"
        raise RunError(
            f"data folder {data_dir} {what} (use --data DIR, or "
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
    preflight.check_inputs(pre.dataset, pre.period.current, run.lang)
    ingest_cache.flush()  # the notebooks' kernels read what the pre-flight parsed
    return pre, data_dir


def run_report(
    run: RunParams,
    *,
    root: Path | None = None,
    kernel_name: str | None = None,
    echo=print,
    index: bool = True,
    fingerprint: dict | None = None,
    jobs: int | None = None,
) -> RunResult:
    """Run the selected notebooks for one shop and period and publish the result.

    Parameters, the data folder and the period are checked before any kernel starts
    (:class:`~jdpromo.errors.ParameterError`, exit 2). Each notebook runs in its own kernel; one
    that raises still renders its HTML with a short message, and the run's status is then
    ``failed``. A full, read-only or forbidden output disk raises
    :class:`~jdpromo.errors.OutputError`, an unexpected error :class:`~jdpromo.errors.RunError`
    with the log holding the traceback: the last good report stays, and the failed attempt is
    kept beside it and shown in the index when the disk allows. ``index=False`` leaves
    ``OUT/index.html`` alone (a batch rebuilds it once, at the end); ``fingerprint`` (the run's
    inputs, see :mod:`jdpromo.batch`) is kept in the manifest. ``jobs`` notebooks run side by
    side (default: one per core; a batch running several reports at once gives each fewer).
    """
    root = root or project_root()
    pre, data_dir = _prepare(run, root)
    out_root = Path(run.out_dir).resolve()
    shop_dir = out_root / run.shop
    final = shop_dir / period_folder(pre.period.current.label)
    folder, status, results = _attempt(
        run, pre, data_dir, final, root, kernel_name, echo, fingerprint, jobs
    )
    try:
        page = rebuild_index(out_root, run.lang) if index else None
    except OSError as exc:  # the report is published; the index could not follow
        raise output_error(exc, run.lang) from exc
    return RunResult(folder, status, results, page)


def _attempt(run, pre, data_dir, final, root, kernel_name, echo, fingerprint=None, jobs=None):
    """The locked part of a run: clean leftovers, run into an attempt folder, publish; a run
    that could not finish is kept as ``PERIOD.failed/`` (:func:`_keep_failed`)."""
    with _AttemptFolder(final, run.lang) as out:
        for path in out.removed:
            out.log.info("removed %s, left by a run that was killed", path.name)
        att = _Attempt(run, pre, data_dir, out.folder, final, out.log, fingerprint=fingerprint)
        out.keep = lambda error: _keep_failed(att, error)
        status = _run_notebooks(att, root, kernel_name, echo, jobs)
        folder = out.publish(status == "failed")
        if status != "failed":  # a failed run proposes nothing (jdpromo.actionlog)
            run_id = f"{att.started:%Y%m%dT%H%M%S}-{os.getpid()}-{time.time_ns() % 10**6}"
            actionlog.append_run(final.parent, folder, run_id, pre.period.current)
        return folder, status, att.results


def _try_index(out_root: Path, lang: str) -> Path | None:
    """Rebuild the index if the disk lets us (after a failure, it may not)."""
    try:
        return rebuild_index(out_root, lang)
    except OSError:
        return None


# --- index ----------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _shop_dirs(out_root: Path) -> list[Path]:
    return sorted(p for p in out_root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _published(parent: Path, limit: int | None = None):
    """Per report folder name in ``parent``, newest first (at most ``limit``): ``(name,
    folder, manifest, previous_good)``. The current publication is the kept failed attempt
    when it finished after the good report (or there is none), then ``previous_good`` is the
    good report's manifest (or ``None``)."""
    names = {
        p.name.removesuffix(FAILED_SUFFIX)
        for p in parent.iterdir()
        if p.is_dir() and not p.name.startswith(".")
    }
    for name in sorted(names, reverse=True)[:limit]:
        good = read_manifest(parent / name)
        bad = read_manifest(parent / (name + FAILED_SUFFIX))
        if bad and (not good or bad["finished"] >= good["finished"]):
            yield name, name + FAILED_SUFFIX, bad, good
        elif good is not None:
            yield name, name, good, None


def collect_reports(out_root: Path) -> list[dict]:
    """One entry per shop and period: the current report and, if newer, its failed attempt."""
    entries = []
    for shop_dir in _shop_dirs(out_root):
        for name, folder, current, good in _published(shop_dir):
            entries.append(
                {
                    "shop": shop_dir.name,
                    "shop_name": (current.get("parameters", {}).get("shop") or {}).get("shop_name")
                    or shop_dir.name,
                    "period": current["period"],
                    "status": current["status"],
                    "finished": current["finished"],
                    "folder": f"{shop_dir.name}/{folder}",
                    "notebooks": [n["name"] for n in current["notebooks"]],
                    "previous_good": (f"{shop_dir.name}/{name}", good["finished"])
                    if good
                    else None,
                    "partial_reasons": current.get("partial_reasons", []),
                }
            )
    return entries


def _notebook_title(name: str, lang: str) -> str:
    key = f"nb_{name}"
    return t(key, lang) if key in TEXT else name


PAGE_TITLES = {
    "data_health": "health_title",
    "channel_comparison": "channel_title",
    "keyword_review": "kw_title",
    "user_layers": "ul_title",
    "recap": "recap_title",
}
"""The text key of each notebook's page heading, which its ``<title>`` starts with."""


def page_name(name: str, lang: str) -> str:
    """A notebook's page heading (``复盘报告`` / ``Recap``); its name when it has none."""
    key = PAGE_TITLES.get(name)
    return t(key, lang) if key else _notebook_title(name, lang)


def _local_time(stamp: str) -> str:
    """An ISO timestamp from a manifest as Beijing time, ``2026-11-26 00:25``."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _shop_cell(entry: dict) -> str:
    """The shop's name from its params, with its id beside it when the two differ."""
    name = html.escape(entry["shop_name"])
    if entry["shop_name"] == entry["shop"]:
        return name
    return f"{name} <span class='id'>{html.escape(entry['shop'])}</span>"


def _labelled(column: str, value: str, lang: str) -> str:
    """A cell that names its column on a phone, where the index's header row is hidden."""
    label = html.escape(column_label(column, lang), quote=True)
    return f"<td data-label='{label}'>{html.escape(value)}</td>"


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
            note = html.escape(partial_text(e["partial_reasons"], lang))
            if e["previous_good"]:
                path, when = e["previous_good"]
                older = html.escape(t("index_previous_good", lang, finished=_local_time(when)))
                first = html.escape(e["notebooks"][0]) if e["notebooks"] else "data_health"
                note = f"<a href='{html.escape(path)}/{first}.html'>{older}</a>"
            status = t(f"status_{e['status']}", lang)
            rows.append(
                f"<tr class='s-{e['status']}'><td class='shop'>{_shop_cell(e)}</td>"
                f"<td>{html.escape(e['period'])}</td><td class='st'>{html.escape(status)}</td>"
                f"<td>{links}</td>{_labelled('finished', _local_time(e['finished']), lang)}"
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
            watches=_watch_rows(out_root, lang),
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
  sans-serif; margin: 24px; color: #222; overflow-wrap: anywhere; }}
h1 {{ color: #c81623; }}
table {{ border-collapse: collapse; }}
th, td {{ padding: 6px 10px; border-bottom: 1px solid #e5e5e5; text-align: left; }}
th {{ background: #f4f4f4; }}
td a {{ white-space: nowrap; }}
span.id {{ color: #888; font-size: 12px; }}
tr.s-failed td.st {{ color: #c81623; font-weight: bold; }}
tr.s-partial td.st {{ color: #b36b00; font-weight: bold; }}
tr.s-ok td.st {{ color: #1a7f37; }}
p.note {{ color: #666; font-size: 12px; }}
@media (max-width: 600px) {{
  body {{ margin: 12px; }}
  h1 {{ font-size: 1.4em; }}
  table, tbody, tr, td {{ display: block; }}
  thead {{ display: none; }}
  tr {{ border-bottom: 1px solid #ddd; padding: 8px 0; }}
  td {{ border: 0; padding: 2px 0; }}
  td.shop {{ font-weight: 600; font-size: 1.05em; }}
  td[data-label]::before {{ content: attr(data-label) " "; color: #888; font-size: 12px; }}
  td a {{ white-space: normal; }}
}}
</style></head>
<body><h1>{title}</h1>
<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>
{watches}
<p class="note">{note}</p>
</body></html>
"""


# --- the daily watch ------------------------------------------------------------------------

WATCH_NOTEBOOK = "daily_watch"
WATCH_PAGE = "watch"
ALERTS_EXIT = 3


@dataclass
class WatchResult:
    """What ``jdpromo watch`` produced: the folder, status (ok / failed), the alert count."""

    folder: Path
    status: str
    day: dt.date
    alerts: int
    notebook: NotebookResult
    index: Path | None = None

    @property
    def exit_code(self) -> int:
        """1 when the notebook failed, :data:`ALERTS_EXIT` (3) when there are alerts, else 0."""
        if self.status == "failed":
            return 1
        return ALERTS_EXIT if self.alerts else 0


def run_watch(
    shop: str,
    day: str | None = None,
    *,
    data_dir: Path | None = None,
    out_dir: Path = Path("reports"),
    params_file: Path | None = None,
    lang: str = "zh",
    root: Path | None = None,
    kernel_name: str | None = None,
) -> WatchResult:
    """Run ``notebooks/daily_watch.ipynb`` for one shop and day and publish
    ``OUT/SHOP/daily/DAY/`` (``watch.html``, ``alerts.json``, the executed notebook,
    ``manifest.json``, ``run.log``) the way :func:`run_report` publishes a report: atomically,
    a failed attempt kept beside the last good one. The day defaults to the latest complete day
    in the data (:func:`jdpromo.watch.latest_complete_day`)."""
    from jdpromo.watch import open_watch

    root = root or project_root()
    data_dir = Path(data_dir) if data_dir else root / "data" / shop
    if not data_dir.is_dir():
        raise RunError(f"data folder {data_dir} does not exist (use --data DIR)")
    nb_path = root / "notebooks" / f"{WATCH_NOTEBOOK}.ipynb"
    if not nb_path.is_file():
        raise RunError(f"notebook missing: {nb_path}")
    pre, watch_day = open_watch(shop, day, data_dir, params_file, lang)
    ingest_cache.flush()
    out_root = Path(out_dir).resolve()
    final = out_root / shop / "daily" / watch_day.isoformat()
    with _AttemptFolder(final, lang) as out:  # a failed attempt is not kept: removed
        started = dt.datetime.now(dt.UTC)
        log, attempt = out.log, out.folder
        log.info("watch shop=%s day=%s data=%s", shop, watch_day, data_dir)
        parameters = {
            "shop": shop, "date": watch_day.isoformat(), "data_dir": str(data_dir.resolve()),
            "params_file": str(Path(params_file).resolve()) if params_file else None,
            "lang": lang, "output_dir": str(attempt),
        }  # fmt: skip
        out_nb = attempt / f"{WATCH_NOTEBOOK}.ipynb"
        res = _execute(nb_path, out_nb, parameters, root / "notebooks", kernel_name, log, lang)
        if out_nb.exists():
            failure = res if res.status == "failed" else None
            inputs = inputs_text(WATCH_NOTEBOOK, pre.dataset.files, lang)
            title = t("page_title", lang, report=page_name(WATCH_NOTEBOOK, lang),
                      shop=shop_label(pre.params.shop_name or shop, lang), period=watch_day.isoformat())  # fmt: skip
            render_html(out_nb, attempt / f"{WATCH_PAGE}.html", lang, failure, inputs,
                        title=title, toc=False)  # fmt: skip
        alerts = _alert_count(attempt / "alerts.json")
        failed = res.status == "failed" or alerts is None
        manifest = {
            "kind": "watch", "shop": shop, "date": watch_day.isoformat(),
            "status": "failed" if failed else "ok", "alerts": alerts or 0,
            "started": started.isoformat(timespec="seconds"),
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "inputs": [{"path": display_name(f.path), "sha256": f.sha256, "table": f.table,
                        "status": f.status, "rows": f.rows_read} for f in pre.dataset.files],
            "parameters": json.loads(pre.params.model_dump_json()),
            "versions": versions(), "notebooks": [res.__dict__],
        }  # fmt: skip
        _write_manifest(attempt, manifest)
        log.info("status %s, %s alert(s)", manifest["status"], alerts)
        folder = out.publish(failed)
    index = _try_index(out_root, lang)
    status = "failed" if failed else "ok"
    return WatchResult(folder, status, watch_day, alerts or 0, res, index)


def _alert_count(path: Path) -> int | None:
    try:
        return int(json.loads(path.read_text(encoding="utf-8"))["count"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def collect_watches(out_root: Path, limit: int = 7) -> list[dict]:
    """The last ``limit`` daily watches per shop (newest first), from their manifests."""
    out = []
    for shop_dir in _shop_dirs(out_root):
        daily = shop_dir / "daily"
        if not daily.is_dir():
            continue
        for name, folder, current, _ in _published(daily, limit):
            name_ = (current.get("parameters") or {}).get("shop_name") or shop_dir.name
            out.append({"shop": shop_dir.name, "shop_name": name_, "date": name,
                        "status": current["status"],
                        "alerts": current.get("alerts", 0), "finished": current["finished"],
                        "folder": f"{shop_dir.name}/daily/{folder}"})  # fmt: skip
    return out


def _watch_rows(out_root: Path, lang: str) -> str:
    entries = collect_watches(out_root)
    if not entries:
        return ""
    rows = []
    for e in entries:
        status = e["status"]
        text = (t("status_failed", lang) if status == "failed" else
                t("index_alerts", lang, n=e["alerts"]) if e["alerts"] else
                t("index_no_alerts", lang))  # fmt: skip
        css = "failed" if status == "failed" or e["alerts"] else "ok"
        rows.append(
            f"<tr class='s-{css}'><td class='shop'>{_shop_cell(e)}</td>"
            f"<td><a href='{html.escape(e['folder'])}/{WATCH_PAGE}.html'>{html.escape(e['date'])}</a>"
            f"</td><td class='st'>{html.escape(text)}</td>"
            f"{_labelled('finished', _local_time(e['finished']), lang)}</tr>"
        )
    head = "".join(f"<th>{html.escape(column_label(c, lang))}</th>"
                   for c in ("shop", "date", "status", "finished"))  # fmt: skip
    return (f"<h2>{html.escape(t('index_watches', lang))}</h2><table><thead><tr>{head}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>")  # fmt: skip
