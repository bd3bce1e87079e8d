"""The ``jdpromo`` command: run reports, generate the demo shop, check a folder of exports.

Exit codes: 0 success (also a partial period), 1 a report or input failed (or a bug), 2 bad
parameters, 3 ``jdpromo watch`` found alerts. Errors print as one line (``jdpromo: error: …``), never as a traceback: an
unexpected exception prints its type and message and the log that holds the traceback. Nothing
reaches the terminal raw: control characters and undecodable bytes of file names are escaped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
import traceback
import warnings
from pathlib import Path

from jdpromo.errors import JdpromoError, ParameterError, RunError, escape_controls
from jdpromo.params import NOTEBOOKS, check_shop_id, project_root, validate_run


def printable(text: object, *, one_line: bool = False) -> str:
    """``text`` safe for a terminal: control characters (ESC, OSC, BEL, CR …) and bytes of file
    names that are not UTF-8 shown as ``\\x1b``-style escapes, never raw. With ``one_line``,
    line breaks become ``" | "`` (a message that has several lines); otherwise newlines and
    tabs stay.

    This is the one place terminal output is made safe; file names shown in reports are
    escaped where they are read (issue 11: ``jdpromo.ingest``).
    """
    text = str(text)
    if one_line:
        text = " | ".join(part.strip() for part in re.split(r"\r?\n", text) if part.strip())
    return escape_controls(text, keep="\t\n")


def say(*parts: object, file=None, one_line: bool | None = None) -> None:
    """``print`` through :func:`printable`; what goes to a given ``file`` (stderr) is one line
    unless ``one_line`` says otherwise."""
    out = sys.stdout if file is None else file
    flat = file is not None if one_line is None else one_line
    print(printable(" ".join(map(str, parts)), one_line=flat), file=out)


def error(message: object) -> None:
    """One line on stderr: ``jdpromo: error: …``."""
    say(f"jdpromo: error: {message}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jdpromo", description="JD promotion analytics reports")
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the report notebooks for one shop and period")
    run.add_argument("--shop", required=True, help="shop id (letters, digits, - and _)")
    run.add_argument(
        "--period",
        required=True,
        help="2026-10 | 2026-W44 | 2026-10-01..2026-10-31 | a promotion from params",
    )
    run.add_argument("--data", type=Path, help="folder of exports (default data/SHOP)")
    run.add_argument("--out", type=Path, default=Path("reports"), help="output folder (reports/)")
    run.add_argument("--params", type=Path, help="shop params YAML (default params/SHOP.yaml)")
    run.add_argument("--lang", default="zh", help="report language: zh (default) or en")
    run.add_argument(
        "--notebooks",
        default=",".join(NOTEBOOKS),
        help=f"comma-separated subset of {','.join(NOTEBOOKS)}",
    )
    run.add_argument("--jobs", type=int, help="notebooks run side by side (default: one per core)")

    sample = sub.add_parser("sample", help="write a demo shop as JD export files")
    sample.add_argument("--shop", default="demo")
    sample.add_argument("--out", type=Path, help="folder to write (default data/SHOP)")
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--scale", type=float, default=1.0)

    demo = sub.add_parser("demo", help="generate the demo shop if needed and run its latest month")
    demo.add_argument("--out", type=Path, default=Path("reports"))
    demo.add_argument("--lang", default="zh")

    watch = sub.add_parser("watch", help="check one day against its baseline (exit 3 on alerts)")
    watch.add_argument("--shop", required=True, help="shop id (letters, digits, - and _)")
    watch.add_argument("--date", help="YYYY-MM-DD (default: the latest complete day in the data)")
    watch.add_argument("--data", type=Path, help="folder of exports (default data/SHOP)")
    watch.add_argument("--out", type=Path, default=Path("reports"), help="output folder (reports/)")
    watch.add_argument("--params", type=Path, help="shop params YAML (default params/SHOP.yaml)")
    watch.add_argument("--lang", default="zh", help="language: zh (default) or en")

    check = sub.add_parser("check", help="read a folder of exports and list what was found")
    check.add_argument("--data", type=Path, required=True)
    check.add_argument("--lang", default="zh", help="language of the listing: zh (default) or en")

    batch = sub.add_parser("batch", help="run many shops and periods from a batch file")
    batch.add_argument("file", type=Path, help="batch file, e.g. params/batch.yaml")
    batch.add_argument("--workers", type=int, help="jobs at once on this machine (default: cores)")
    batch.add_argument(
        "--jobs", type=int, help="notebooks side by side in a job (default: cores ÷ workers)"
    )
    batch.add_argument("--force", action="store_true", help="run jobs whose inputs are unchanged")
    batch.add_argument("--only", nargs="+", metavar="SHOP", help="run only these shops")
    where = batch.add_mutually_exclusive_group()
    where.add_argument("--dask-scheduler", metavar="ADDRESS", help="run on Dask (tcp://HOST:PORT)")
    where.add_argument("--dask-local", type=int, metavar="N", help="run on a local Dask cluster")

    verify = sub.add_parser("verify", help="re-execute a published report and compare with nbval")
    verify.add_argument("report", type=Path, help="report folder OUT/SHOP/PERIOD")
    verify.add_argument("--notebooks", help="comma-separated subset of the report's notebooks")
    return p


def _print_run(result) -> None:
    for nb in result.notebooks:
        extra = f" — {nb.error}" if nb.error else ""
        say(f"  {nb.name}: {nb.status} ({nb.seconds:.1f}s){extra}")
    say(f"status: {result.status}")
    say(f"report: {result.folder}")
    say(f"index:  {result.index}")


def cmd_run(args: argparse.Namespace) -> int:
    from jdpromo.runner import run_report

    names = tuple(n.strip() for n in args.notebooks.split(",") if n.strip())
    run = validate_run(
        shop=args.shop,
        period=args.period,
        data_dir=args.data,
        out_dir=args.out,
        params_file=args.params,
        lang=args.lang,
        notebooks=names,
    )
    if args.jobs is not None and args.jobs < 1:
        raise ParameterError("--jobs must be 1 or more")
    result = run_report(run, echo=say, jobs=args.jobs)
    _print_run(result)
    return result.exit_code


def cmd_sample(args: argparse.Namespace) -> int:
    from jdpromo.sample import write_demo_shop

    shop = check_shop_id(args.shop)
    if args.scale <= 0:
        raise ParameterError("--scale must be above 0")
    out = args.out or project_root() / "data" / shop
    files = write_demo_shop(out, shop=shop, seed=args.seed, scale=args.scale)
    say(f"wrote {len(files)} files to {out}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from jdpromo.periods import latest_full_month
    from jdpromo.runner import run_report
    from jdpromo.sample import DEMO_END, write_demo_shop

    root = project_root()
    data = root / "data" / "demo"
    stamp = data / ".jdpromo-demo"
    if not stamp.is_file():
        say(f"generating the demo shop in {data} …")
        write_demo_shop(data, shop="demo")
        stamp.write_text("generated by jdpromo sample\n", encoding="utf-8")
    run = validate_run(
        shop="demo",
        period=latest_full_month(DEMO_END),
        data_dir=data,
        out_dir=args.out,
        lang=args.lang,
    )
    result = run_report(run, root=root, echo=say)
    _print_run(result)
    say(f"\nOpen {result.index}")
    return result.exit_code


CHECK_COLUMNS = ["file", "table", "status", "rows_read", "rows_used", "rows_skipped",
                 "date_min", "date_max"]  # fmt: skip
"""Columns ``jdpromo check`` prints, one row per file."""


def cmd_check(args: argparse.Namespace) -> int:
    from jdpromo import columns, ingest
    from jdpromo.text import t

    lang = args.lang if args.lang in ("zh", "en") else "zh"
    dataset = ingest.load_folder(args.data)
    inv = dataset.inventory()
    if inv.empty:
        say(t("check_empty", lang, folder=ingest.display_name(args.data)))
        return 0
    count = inv["status"].value_counts()
    say(t("check_summary", lang, folder=ingest.display_name(args.data), files=len(inv),
          ok=count.get("ok", 0), ignored=count.get("ignored", 0) + count.get("skipped", 0),
          errors=count.get("error", 0)))  # fmt: skip
    if count.get("skipped", 0):
        say(t("check_not_files", lang, n=count["skipped"]))
    say()
    say(columns.text_table(inv[CHECK_COLUMNS], lang))
    why = []
    for row in inv.itertuples(index=False):
        if row.status != "ok" and row.message:
            why.append(f"  {row.file}: {columns.display_value('message', row.message, lang)}")
        if row.rows_skipped and row.skip_reasons:
            reasons = columns.display_value("skip_reasons", row.skip_reasons, lang)
            why.append(f"  {row.file}: {reasons}")
    if why:
        say()
        say(t("check_reasons", lang))
        say("\n".join(why))
    bad = [f for f in dataset.files if f.status == "error"]
    for f in bad:
        error(f.message)
    for w in dataset.warnings:
        say(f"jdpromo: warning: {w}", file=sys.stderr)
    return 1 if bad else 0


def cmd_watch(args: argparse.Namespace) -> int:
    from jdpromo.runner import run_watch

    # shop, date, language and params file are validated before any kernel starts
    result = run_watch(check_shop_id(args.shop), args.date, data_dir=args.data, out_dir=args.out,
                       params_file=args.params, lang=args.lang)  # fmt: skip
    nb = result.notebook
    say(f"  {nb.name}: {nb.status} ({nb.seconds:.1f}s){f' — {nb.error}' if nb.error else ''}")
    say(f"date:   {result.day}")
    say(f"alerts: {result.alerts}")
    say(f"page:   {result.folder / 'watch.html'}")
    say(f"index:  {result.index}")
    return result.exit_code


def cmd_batch(args: argparse.Namespace) -> int:
    from jdpromo.batch import load_batch, run_batch

    if args.workers is not None and args.workers < 1:
        raise ParameterError("--workers must be 1 or more")
    if args.dask_local is not None and args.dask_local < 1:
        raise ParameterError("--dask-local must be 1 or more")
    if args.jobs is not None and args.jobs < 1:
        raise ParameterError("--jobs must be 1 or more")
    spec, jobs = load_batch(args.file, only=args.only)
    outcome = run_batch(
        spec,
        jobs,
        workers=args.workers,
        notebook_jobs=args.jobs,
        force=args.force,
        dask_scheduler=args.dask_scheduler,
        dask_local=args.dask_local,
        source=str(args.file),
    )
    return outcome.exit_code


def cmd_verify(args: argparse.Namespace) -> int:
    from jdpromo.verify import verify_report

    names = [n.strip() for n in args.notebooks.split(",") if n.strip()] if args.notebooks else None
    result = verify_report(args.report, notebooks=names)
    say(result.text())
    return 0 if result.ok else 1


COMMANDS = {
    "run": cmd_run,
    "sample": cmd_sample,
    "demo": cmd_demo,
    "check": cmd_check,
    "batch": cmd_batch,
    "verify": cmd_verify,
    "watch": cmd_watch,
}


def crash_log(exc: BaseException) -> Path | None:
    """Write the traceback of an unexpected exception to a new file in the temporary folder;
    its path, or None when even that cannot be written."""
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = Path(tempfile.gettempdir()) / f"jdpromo-error-{stamp}-{os.getpid()}.log"
    text = "".join(traceback.format_exception(exc))
    try:
        path.write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError:
        return None
    return path


def _one_line_warnings() -> None:
    """Warnings, and exceptions Python can only ignore (``Exception ignored in …``, e.g. from a
    library's destructor), print as one line each: no traceback, no source line, no path."""

    def show(message, category, filename, lineno, file=None, line=None):
        say(f"jdpromo: warning: {category.__name__}: {message}", file=sys.stderr)

    def ignored(unraisable):
        what = f"{unraisable.exc_type.__name__}: {unraisable.exc_value}"
        say(f"jdpromo: warning: ignored {what}", file=sys.stderr)

    warnings.showwarning = show
    sys.unraisablehook = ignored


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    hooks = warnings.showwarning, sys.unraisablehook
    _one_line_warnings()
    try:
        return _dispatch(args)
    finally:
        warnings.showwarning, sys.unraisablehook = hooks


def _dispatch(args: argparse.Namespace) -> int:
    try:
        return COMMANDS[args.command](args)
    except ParameterError as exc:
        error(exc)
        return 2
    except RunError as exc:
        log = f"; details in {exc.log_path}" if exc.log_path else ""
        error(f"{exc}{log}")
        return 1
    except JdpromoError as exc:
        error(exc)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one line and the log that holds the traceback
        log = crash_log(exc)
        where = f"; traceback in {log}" if log else ""
        what = f"{type(exc).__name__}: {exc}"
        what = what if len(what) <= 300 else what[:299] + "…"
        error(f"unexpected error, a bug in jdpromo ({what}){where}")
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
