"""Benchmark: how fast a run that cannot make a report is refused.

Writes the demo shop (``--scale``, default 0.1) to a temporary folder, beside an empty folder
and a folder of unrelated files, warms the parse cache with ``jdpromo check``, then times
``jdpromo run`` as a scheduled job calls it (a new process each time) for:

* an empty folder, a folder of unrelated files, and the demo shop with a period it has no data
  for — each must exit 2 with one line on stderr, before any kernel starts;
* the baseline: the demo shop's latest month with one notebook (``data_health``), i.e. one
  kernel started and run.

Target: every refused run ≤ 0.5× the one-notebook baseline (before the pre-flight, these runs
started all five kernels and failed after ~40 s).

Usage::

    python benchmarks/preflight.py [--scale S] [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jdpromo.sample import write_demo_shop


def jdpromo(*args: str, env: dict) -> tuple[float, int, str]:
    """Run ``jdpromo ARGS`` in a new process: (seconds, exit code, stderr)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "jdpromo.cli", *args], capture_output=True, text=True, env=env
    )
    return time.perf_counter() - start, proc.returncode, proc.stderr


def best(args: list[str], repeat: int, env: dict, expect: int) -> float:
    times = []
    for _ in range(repeat):
        seconds, code, err = jdpromo(*args, env=env)
        if code != expect:
            raise SystemExit(f"`jdpromo {' '.join(args)}` exited {code}, not {expect}: {err}")
        if expect == 2 and (len(err.splitlines()) != 1 or "Traceback" in err):
            raise SystemExit(f"not one line: {err!r}")
        times.append(seconds)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--repeat", type=int, default=3)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="jdpromo-bench-") as tmp:
        root = Path(tmp)
        env = {**os.environ, "JDPROMO_CACHE": str(root / "cache")}
        demo, empty, unrelated = root / "demo", root / "empty", root / "unrelated"
        write_demo_shop(demo, shop="demo", scale=opts.scale)
        empty.mkdir()
        unrelated.mkdir()
        (unrelated / "会议记录.txt").write_text("下周上新\n", encoding="utf-8")
        (unrelated / "price_list.csv").write_text("sku,price\n1,9.9\n", encoding="utf-8")
        jdpromo("check", "--data", str(demo), env=env)  # warm the parse cache
        out = str(root / "reports")
        cases = {
            "empty folder": (empty, "2026-10", 2),
            "unrelated files": (unrelated, "2026-10", 2),
            "period without data": (demo, "2020-10", 2),
        }
        base_args = ["run", "--shop", "demo", "--period", "2026-10", "--data", str(demo)]
        baseline = best([*base_args, "--out", out, "--notebooks", "data_health"], 1, env, 0)
        print(f"baseline: one notebook (data_health) run       {baseline:6.2f} s")
        for label, (folder, period, code) in cases.items():
            args = ["run", "--shop", "demo", "--period", period, "--data", str(folder)]
            seconds = best([*args, "--out", out], opts.repeat, env, code)
            verdict = "ok" if seconds <= 0.5 * baseline else "SLOW"
            print(
                f"refused: {label:<22} exit {code} {seconds:6.2f} s  "
                f"{seconds / baseline:5.2f}× baseline  (target ≤ 0.5×) {verdict}"
            )


if __name__ == "__main__":
    main()
