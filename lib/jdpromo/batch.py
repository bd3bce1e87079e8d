"""Many shops and periods in one command: ``jdpromo batch params/batch.yaml``.

A batch file lists shops (data folder, params file) and periods — explicit (``2026-10``,
``2026-W44``, a range, a promotion) or rules (``last_full_month``, ``last_full_week``) — and
expands into jobs, one per shop and period. Every job is validated before any starts. Jobs run
in parallel, each in its own Python process (a crash or a killed kernel fails that job only),
on this machine or on a Dask cluster; the coordinator writes ``OUT/batch-summary.json``, appends
to ``OUT/batch.log`` and rebuilds ``OUT/index.html`` once, at the end.

A job whose inputs — the sha256 of every data file, the resolved shop params, the run
parameters, the notebook sources and the jdpromo version — equal the fingerprint stored in the
manifest of its last successful report is skipped; a job whose last attempt failed is always
run again. :func:`run_job` is the job function: the local pool, Dask workers and an Airflow task
(one per shop and period) all call it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

import jdpromo
from jdpromo.errors import JdpromoError, ParameterError
from jdpromo.params import (
    NOTEBOOKS,
    _format_validation,
    _Strict,
    load_shop_params,
    project_root,
    read_yaml,
    validate_run,
)
from jdpromo.periods import parse_period, today_shanghai

PERIOD_RULES = ("last_full_month", "last_full_week")
SUMMARY = "batch-summary.json"
LOG = "batch.log"


def resolve_rule(period: str, today: dt.date) -> str:
    """A period as ``jdpromo run`` takes it: rules become the month or ISO week before
    ``today``'s; anything else is returned as written."""
    if period == "last_full_month":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return f"{last.year:04d}-{last.month:02d}"
    if period == "last_full_week":
        year, week, _ = (today - dt.timedelta(days=7)).isocalendar()
        return f"{year:04d}-W{week:02d}"
    return period


class BatchShop(_Strict):
    """One shop of a batch file; unset fields take the batch's defaults."""

    shop: str
    data: Path | None = None
    params: Path | None = None
    periods: list[str] | None = None
    notebooks: tuple[str, ...] | None = None
    lang: Literal["zh", "en"] | None = None


class BatchFile(_Strict):
    """The schema of ``params/batch.yaml`` (see docs/operations.md)."""

    out: Path = Path("reports")
    lang: Literal["zh", "en"] = "zh"
    notebooks: tuple[str, ...] = NOTEBOOKS
    periods: list[str] = Field(default_factory=lambda: ["last_full_month"])
    today: dt.date | None = None
    shops: list[BatchShop] = Field(min_length=1)

    @field_validator("shops")
    @classmethod
    def _unique(cls, v: list[BatchShop]) -> list[BatchShop]:
        seen = [s.shop for s in v]
        twice = sorted({s for s in seen if seen.count(s) > 1})
        if twice:
            raise ValueError(f"shop(s) listed twice: {', '.join(twice)}")
        return v


@dataclass(frozen=True)
class Job:
    """One shop and period, with everything needed to run it anywhere the paths are shared."""

    shop: str
    period: str
    label: str
    data_dir: str
    params_file: str | None
    out_dir: str
    lang: str
    notebooks: tuple[str, ...]
    root: str

    @property
    def name(self) -> str:
        return f"{self.shop}/{self.label}"

    def report_folder(self) -> Path:
        from jdpromo.runner import period_folder

        return Path(self.out_dir) / self.shop / period_folder(self.label)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "notebooks": list(self.notebooks)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Job:
        return cls(**{**d, "notebooks": tuple(d["notebooks"])})


def _absolute(path: Path | None, base: Path) -> Path | None:
    if path is None:
        return None
    path = Path(path).expanduser()
    return path if path.is_absolute() else (base / path)


def load_batch(
    path: Path | str, *, only: Iterable[str] | None = None, root: Path | None = None
) -> tuple[BatchFile, list[Job]]:
    """Read a batch file and validate every job it expands to, before any runs.

    Relative paths in the file are taken from the project root (the folder holding ``params/``
    and ``notebooks/``). Raises :class:`ParameterError` listing every problem found.
    """
    path = Path(path)
    root = (root or project_root()).resolve()
    try:
        spec = BatchFile(**read_yaml(path))
    except ValidationError as exc:
        raise ParameterError(_format_validation(exc, str(path))) from None
    only = list(only or [])
    unknown = sorted(set(only) - {s.shop for s in spec.shops})
    if unknown:
        raise ParameterError(f"{path}: --only names shop(s) not in the file: {', '.join(unknown)}")
    today = spec.today or today_shanghai()
    out = _absolute(spec.out, root)
    problems: list[str] = []
    jobs: list[Job] = []
    for i, shop in enumerate(spec.shops):
        if only and shop.shop not in only:
            continue
        where = f"{path}: shops.{i} ({shop.shop})"
        data = _absolute(shop.data, root) or root / "data" / shop.shop
        params_file = _absolute(shop.params, root)
        notebooks = shop.notebooks or spec.notebooks
        lang = shop.lang or spec.lang
        try:
            validate_run(shop=shop.shop, period="x", lang=lang, notebooks=notebooks)
            params = load_shop_params(shop.shop, params_file, root)
        except JdpromoError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if not data.is_dir():
            problems.append(f"{where}: data folder {data} does not exist")
        missing = [n for n in notebooks if not (root / "notebooks" / f"{n}.ipynb").is_file()]
        if missing:
            problems.append(f"{where}: notebook(s) missing: {', '.join(missing)}")
        for period in shop.periods or spec.periods:
            text = resolve_rule(period, today)
            try:
                label = parse_period(text, params.promotions).current.label
            except JdpromoError as exc:
                problems.append(f"{where}: period {period!r}: {exc}")
                continue
            jobs.append(
                Job(
                    shop=shop.shop,
                    period=text,
                    label=label,
                    data_dir=str(data),
                    params_file=str(params_file) if params_file else None,
                    out_dir=str(out),
                    lang=lang,
                    notebooks=tuple(notebooks),
                    root=str(root),
                )
            )
    names = [j.name for j in jobs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        problems.append(f"{path}: the same shop and period twice: {', '.join(twice)}")
    if problems:
        raise ParameterError("; ".join(problems))  # one line, as every jdpromo error
    return spec, jobs


# --- fingerprint and skip ---------------------------------------------------------------------


def fingerprint(job: Job) -> dict[str, Any]:
    """What a job's report depends on, with one sha256 over all of it."""
    from jdpromo.ingest import folder_digests
    from jdpromo.runner import sha256_of

    root = Path(job.root)
    params = load_shop_params(job.shop, Path(job.params_file) if job.params_file else None, root)
    parts = {
        "data": [list(d) for d in folder_digests(job.data_dir)],
        "params": hashlib.sha256(params.model_dump_json().encode()).hexdigest(),
        "run": {"period": job.label, "lang": job.lang, "notebooks": list(job.notebooks)},
        "notebooks": {n: sha256_of(root / "notebooks" / f"{n}.ipynb") for n in job.notebooks},
        "jdpromo": jdpromo.__version__,
    }
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()
    return {"sha256": hashlib.sha256(blob).hexdigest(), **parts}


def up_to_date(job: Job, fp: dict[str, Any]) -> Path | None:
    """The job's current good report if it was made from exactly these inputs, else ``None``.

    A failed attempt newer than the good report means the job runs again.
    """
    from jdpromo.runner import FAILED_SUFFIX, read_manifest

    folder = job.report_folder()
    good = read_manifest(folder)
    if not good or good.get("status") not in ("ok", "partial"):
        return None
    bad = read_manifest(folder.with_name(folder.name + FAILED_SUFFIX))
    if bad and bad.get("finished", "") >= good.get("finished", ""):
        return None
    if (good.get("fingerprint") or {}).get("sha256") != fp["sha256"]:
        return None
    return folder


@dataclass
class JobResult:
    job: str
    shop: str
    period: str
    status: str  # ok / partial / failed / skipped
    seconds: float
    reason: str | None
    report: str | None


def run_job(
    job: Job | dict[str, Any], *, force: bool = False, jobs: int | None = None
) -> dict[str, Any]:
    """Run one shop and period unless its last good report has the same inputs.

    The job function of a batch, for any scheduler: returns a :class:`JobResult` as a dict and
    never raises for a failing job (bad data, a notebook that raises, a missing folder).
    ``jobs``: the report's notebooks run side by side (default: one per core; a scheduler that
    runs several jobs on one machine gives each fewer).
    """
    from jdpromo.runner import read_manifest, run_report

    job = Job.from_dict(job) if isinstance(job, dict) else job
    start = time.perf_counter()

    def result(status: str, reason: str | None, report: Path | None) -> dict[str, Any]:
        seconds = round(time.perf_counter() - start, 2)
        return asdict(
            JobResult(
                job.name, job.shop, job.label, status, seconds, reason, report and str(report)
            )
        )

    try:
        fp = fingerprint(job)
        if not force and (done := up_to_date(job, fp)) is not None:
            return result("skipped", "inputs unchanged since the last good report", done)
        run = validate_run(
            shop=job.shop,
            period=job.period,
            data_dir=job.data_dir,
            out_dir=job.out_dir,
            params_file=job.params_file,
            lang=job.lang,
            notebooks=job.notebooks,
        )
        quiet = lambda *a, **k: print(*a, **{**k, "file": sys.stderr})  # noqa: E731
        res = run_report(
            run, root=Path(job.root), echo=quiet, index=False, fingerprint=fp, jobs=jobs
        )
    except JdpromoError as exc:
        return result("failed", str(exc), None)
    manifest = read_manifest(res.folder) or {}
    problems = [f"{n.name}: {n.error}" for n in res.notebooks if n.status == "failed"]
    problems += [
        f"unreadable input {Path(i['path']).name}"
        for i in manifest.get("inputs", [])
        if i.get("status") == "error"
    ]
    reason = "; ".join(problems or manifest.get("partial_reasons", [])) or None
    return result(res.status, reason, res.folder)


def run_isolated(
    job: dict[str, Any], force: bool = False, jobs: int | None = None
) -> dict[str, Any]:
    """:func:`run_job` in a fresh Python process: a crash fails this job only."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jdpromo-job-") as tmp:
        spec, out = Path(tmp) / "job.json", Path(tmp) / "result.json"
        spec.write_text(json.dumps({"job": job, "force": force, "jobs": jobs}), encoding="utf-8")
        env = {**os.environ, "JDPROMO_HOME": job["root"]}
        proc = subprocess.run(
            [sys.executable, "-m", "jdpromo.batch", str(spec), str(out)],
            capture_output=True,
            text=True,
            env=env,
        )
        if out.is_file():
            res = json.loads(out.read_text(encoding="utf-8"))
        else:
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            res = asdict(
                JobResult(
                    f"{job['shop']}/{job['label']}",
                    job["shop"],
                    job["label"],
                    "failed",
                    round(time.perf_counter() - start, 2),
                    f"job process exited with code {proc.returncode}: {tail}",
                    None,
                )
            )
    res["output"] = (proc.stdout + proc.stderr).strip()
    return res


# --- the coordinator --------------------------------------------------------------------------


@dataclass
class BatchOutcome:
    results: list[dict[str, Any]]
    summary: Path
    log: Path
    index: Path | None

    @property
    def exit_code(self) -> int:
        return 1 if any(r["status"] == "failed" for r in self.results) else 0


def _executor(
    workers: int,
    dask_scheduler: str | None,
    dask_local: int | None,
    notebook_jobs: int | None = None,
):
    """``(submit, close)``: submit(job_dict, force) returns a future of a result dict. A job
    runs ``notebook_jobs`` notebooks side by side; by default, on Dask one at a time (Dask runs
    jobs side by side), in the local pool its share of the cores."""
    if dask_scheduler or dask_local:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ParameterError(
                "Dask is not installed: pip install 'jdpromo[dask]' for --dask-scheduler"
            ) from None
        if dask_scheduler:
            client = Client(dask_scheduler)
            cluster = None
        else:
            cluster = LocalCluster(
                n_workers=dask_local,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
                processes=True,
            )
            client = Client(cluster)

        def submit(job, force):
            key = f"jdpromo-{job['shop']}-{job['label']}-{time.time_ns()}"
            share = notebook_jobs or 1
            return client.submit(run_isolated, job, force, share, key=key, pure=False)

        def close():
            client.close()
            if cluster is not None:
                cluster.close()

        return submit, close, lambda futures: _dask_completed(futures)
    pool = ThreadPoolExecutor(max_workers=workers)
    share = notebook_jobs or max(1, (os.cpu_count() or 1) // workers)
    return (
        lambda job, force: pool.submit(run_isolated, job, force, share),
        lambda: pool.shutdown(wait=True),
        as_completed,
    )


def _dask_completed(futures):
    from distributed import as_completed as dask_completed

    return dask_completed(futures)


def _progress(done: int, total: int, failed: int, last: str) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\x1b[K[{done}/{total}] failed {failed} · {last}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _batch_logger(path: Path) -> tuple[logging.Logger, logging.Handler]:
    log = logging.getLogger(f"jdpromo.batch.{path}")
    log.setLevel(logging.INFO)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    return log, handler


def run_batch(
    spec: BatchFile,
    jobs: list[Job],
    *,
    workers: int | None = None,
    notebook_jobs: int | None = None,
    force: bool = False,
    dask_scheduler: str | None = None,
    dask_local: int | None = None,
    source: str = "",
    echo: Callable[..., None] = print,
) -> BatchOutcome:
    """Run validated jobs: skipped ones at once, the rest in parallel; then the summary and the
    index. Each finished job is written to the summary at once, so a killed batch leaves a
    record, and run again it resumes: finished jobs are up to date and skipped."""
    from jdpromo.runner import rebuild_index

    out = Path(jobs[0].out_dir) if jobs else Path(spec.out)
    out.mkdir(parents=True, exist_ok=True)
    log, handler = _batch_logger(out / LOG)
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results: list[dict[str, Any]] = []
    summary = out / SUMMARY

    def record(res: dict[str, Any]) -> None:
        output = res.pop("output", "")
        results.append(res)
        log.info(
            "job %s: %s in %.1fs%s",
            res["job"],
            res["status"],
            res["seconds"],
            f" ({res['reason']})" if res["reason"] else "",
        )
        if output:
            log.info("job %s output:\n%s", res["job"], output)
        _write_summary(summary, source, started, results, len(jobs))
        _progress(len(results), len(jobs), _count(results, "failed"), res["job"])

    workers = workers or os.cpu_count() or 1
    log.info(
        "batch %s: %d job(s), %s", source, len(jobs), _where(workers, dask_scheduler, dask_local)
    )
    try:
        pending = []
        for job in jobs:
            try:
                fp = fingerprint(job)
                done = None if force else up_to_date(job, fp)
            except (JdpromoError, OSError):
                done = None
            if done is not None:
                record(
                    asdict(
                        JobResult(
                            job.name,
                            job.shop,
                            job.label,
                            "skipped",
                            0.0,
                            "inputs unchanged since the last good report",
                            str(done),
                        )
                    )
                )
            else:
                pending.append(job)
        if pending:
            submit, close, completed = _executor(workers, dask_scheduler, dask_local, notebook_jobs)
            try:
                futures = {submit(j.to_dict(), force): j for j in pending}
                for fut in completed(list(futures)):
                    try:
                        record(fut.result())
                    except Exception as exc:  # a lost Dask worker, a broken pool …
                        j = futures[fut]
                        record(
                            asdict(
                                JobResult(
                                    j.name,
                                    j.shop,
                                    j.label,
                                    "failed",
                                    0.0,
                                    f"{type(exc).__name__}: {exc}",
                                    None,
                                )
                            )
                        )
            finally:
                close()
        order = {j.name: i for i, j in enumerate(jobs)}
        results.sort(key=lambda r: order.get(r["job"], len(order)))
        index = rebuild_index(out, spec.lang) if jobs else None
        _write_summary(summary, source, started, results, len(jobs), finished=True)
        log.info("batch done: %s", _counts_text(results))
    finally:
        handler.close()
        log.removeHandler(handler)
    echo(summary_table(results))
    echo(f"summary: {summary}")
    echo(f"log:     {out / LOG}")
    if index:
        echo(f"index:   {index}")
    return BatchOutcome(results, summary, out / LOG, index)


def _where(workers: int, scheduler: str | None, local: int | None) -> str:
    if scheduler:
        return f"on Dask at {scheduler}"
    if local:
        return f"on a local Dask cluster of {local} worker(s)"
    return f"{workers} worker(s)"


def _count(results: list[dict[str, Any]], status: str) -> int:
    return sum(r["status"] == status for r in results)


def _counts_text(results: list[dict[str, Any]]) -> str:
    statuses = ("ok", "partial", "skipped", "failed")
    return ", ".join(f"{_count(results, s)} {s}" for s in statuses)


def _write_summary(
    path: Path,
    source: str,
    started: str,
    results: list[dict[str, Any]],
    total: int,
    finished: bool = False,
) -> None:
    data = {
        "batch": source,
        "started": started,
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds") if finished else None,
        "jobs_total": total,
        "counts": {s: _count(results, s) for s in ("ok", "partial", "skipped", "failed")},
        "jobs": results,
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def summary_table(results: list[dict[str, Any]]) -> str:
    """The batch's jobs as a plain-text table, then the counts per status."""
    head = ("job", "status", "seconds", "reason / report")
    rows = [
        (r["job"], r["status"], f"{r['seconds']:.1f}", r["reason"] or r["report"] or "")
        for r in results
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)][:3]
    lines = []
    for row in (head, *rows):
        cells = [str(c).ljust(w) for c, w in zip(row[:3], widths, strict=True)]
        lines.append("  ".join([*cells, row[3]]).rstrip())
    lines.append(_counts_text(results))
    return "\n".join(lines)


def _worker_main(argv: list[str]) -> int:
    """``python -m jdpromo.batch JOB.json RESULT.json``: one job in this process."""
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    res = run_job(spec["job"], force=spec.get("force", False), jobs=spec.get("jobs"))
    Path(argv[1]).write_text(json.dumps(res, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_worker_main(sys.argv[1:]))
