"""Benchmark: `jdpromo batch` on demo-like shops, side by side in one run.

Prints, each measured in this run on this machine:

* a cold batch of N shops (default 6, `jdpromo sample` seeds 11…) on one core (1 worker, its
  notebooks one at a time: ``--workers 1 --jobs 1``) and with 2 workers (the default share of
  the cores), and their ratio (goal ≥ 1.8×); 1 worker running 2 notebooks side by side is
  printed too;
* the same batch run again with nothing changed, as a fraction of the cold 2-worker batch
  (goal ≤ 5%);
* one shop-period's `jdpromo run` against a plain-Python floor: the same notebooks' code cells
  executed one after another in one process, no kernels and no HTML export — the same library
  calls, tables and figures (goal ≤ 1.5×); with its notebooks side by side (the default) and one
  at a time (``--jobs 1``), each the median of ``--repeat`` pairs run in turn;
* with ``--scale10``: `jdpromo run` on a shop of 10× the demo's volume, wall time and the peak
  memory of its largest process (goals ≤ 45 s, ≤ 1.5 GB).

Both batches use a warm parse cache (a warm-up run reads every shop first), so the comparison
is between ways of running, not between cold and warm parsing.

Usage::

    python benchmarks/batch.py [--shops N] [--notebooks a,b] [--data DIR] [--repeat N] [--scale10]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jdpromo.params import NOTEBOOKS, project_root

FLOOR = r"""
import contextlib, io, json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
params = json.loads(sys.argv[1])
for name in sys.argv[2].split(","):
    nb = json.load(open(f"{sys.argv[3]}/{name}.ipynb", encoding="utf-8"))
    ns = {}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(src, name, "exec"), ns)
        if "parameters" in cell["metadata"].get("tags", []):
            ns.update(params)
    plt.close("all")
"""


def _jdpromo(*args: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "jdpromo.cli", *args], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"jdpromo {' '.join(args)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return seconds


def _shops(data: Path, n: int, env: dict[str, str], scale: float = 1.0) -> list[str]:
    names = []
    for i in range(1, n + 1):
        name = f"s{i}" if scale == 1.0 else f"x{i}"
        folder = data / name
        if not (folder / ".complete").is_file():
            subprocess.run(
                [sys.executable, "-m", "jdpromo.cli", "sample", "--shop", name, "--out",
                 str(folder), "--seed", str(10 + i), "--scale", str(scale)],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
            (folder / ".complete").write_text("", encoding="utf-8")
        names.append(name)
    return names


def _batch_file(path: Path, data: Path, shops: list[str], out: Path, notebooks: list[str]) -> Path:
    root = project_root()
    spec = {
        "out": str(out),
        "notebooks": notebooks,
        "periods": ["2026-10"],
        "shops": [
            {"shop": s, "data": str(data / s), "params": str(root / "params" / "demo.yaml")}
            for s in shops
        ],
    }
    path.write_text(json.dumps(spec), encoding="utf-8")  # JSON is YAML
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shops", type=int, default=6)
    ap.add_argument("--notebooks", default=",".join(NOTEBOOKS))
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "jdpromo-bench")
    ap.add_argument("--repeat", type=int, default=3, help="pairs of run and floor (median)")
    ap.add_argument("--scale10", action="store_true")
    args = ap.parse_args()
    notebooks = [n for n in args.notebooks.split(",") if n]
    root = project_root()
    env = {**os.environ, "JDPROMO_HOME": str(root)}
    args.data.mkdir(parents=True, exist_ok=True)
    shops = _shops(args.data, args.shops, env)
    work = Path(tempfile.mkdtemp(prefix="jdpromo-bench-batch-"))
    print(f"{len(shops)} shops, notebooks {','.join(notebooks)}, 2026-10; work folder {work}")

    warm = _batch_file(work / "warm.yaml", args.data, shops, work / "warm", notebooks[:1])
    _jdpromo("batch", str(warm), "--workers", "2", env=env)  # parse cache warm for every shop

    one = _batch_file(work / "one.yaml", args.data, shops, work / "one", notebooks)
    side = _batch_file(work / "side.yaml", args.data, shops, work / "side", notebooks)
    two = _batch_file(work / "two.yaml", args.data, shops, work / "two", notebooks)
    t1 = _jdpromo("batch", str(one), "--workers", "1", "--jobs", "1", env=env)
    t1s = _jdpromo("batch", str(side), "--workers", "1", env=env)
    t2 = _jdpromo("batch", str(two), "--workers", "2", env=env)
    again = _jdpromo("batch", str(two), "--workers", "2", env=env)
    skipped = json.loads((work / "two" / "batch-summary.json").read_text(encoding="utf-8"))
    print(f"cold batch, one core (1 worker, --jobs 1): {t1:7.1f} s")
    print(f"cold batch, 1 worker, 2 notebooks at once: {t1s:7.1f} s   {t1 / t1s:.2f}x")
    print(f"cold batch, 2 workers                    : {t2:7.1f} s   {t1 / t2:.2f}x (goal >= 1.8x)")
    print(
        f"no-change re-run                         : {again:7.1f} s   {again / t2:.1%} of the cold "
        f"batch (goal <= 5%); {skipped['counts']['skipped']}/{len(shops)} skipped"
    )

    shop = shops[0]
    run_args = ("run", "--shop", shop, "--period", "2026-10", "--data", str(args.data / shop))
    params = str(root / "params" / "demo.yaml")
    floor_params = {
        "shop": shop,
        "period": "2026-10",
        "data_dir": str(args.data / shop),
        "params_file": params,
        "lang": "zh",
        "output_dir": str(work / "floor"),
        "interactive": False,
    }
    floor_cmd = [sys.executable, "-c", FLOOR, json.dumps(floor_params), ",".join(notebooks),
                 str(root / "notebooks")]  # fmt: skip
    runs: dict[str, list[float]] = {"side by side": [], "--jobs 1": []}
    floors: list[float] = []
    for _ in range(args.repeat):
        for label, extra in (("side by side", ()), ("--jobs 1", ("--jobs", "1"))):
            runs[label].append(
                _jdpromo(
                    *run_args,
                    "--params",
                    params,
                    "--out",
                    str(work / "full"),
                    "--notebooks",
                    ",".join(notebooks),
                    *extra,
                    env=env,
                )  # fmt: skip
            )
        start = time.perf_counter()
        subprocess.run(floor_cmd, env=env, check=True, capture_output=True)
        floors.append(time.perf_counter() - start)
    floor = statistics.median(floors)
    for label, times in runs.items():
        full = statistics.median(times)
        print(f"one shop-period run ({label:12}): {full:5.1f} s   plain-Python floor {floor:.1f} s"
              f"   ratio {full / floor:.2f}x (goal <= 1.5x)")  # fmt: skip

    if args.scale10:
        big = _shops(args.data, 1, env, scale=10.0)[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        seconds = _jdpromo("run", "--shop", big, "--period", "2026-10", "--data",
                           str(args.data / big), "--params", params, "--out", str(work / "big"),
                           "--notebooks", ",".join(notebooks), env=env)  # fmt: skip
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        note = "" if peak > before else " (no larger than an earlier child's)"
        print(f"--scale 10 run       : {seconds:7.1f} s (goal <= 45 s)   "
              f"peak RSS of the largest process {peak / 1024:.0f} MB{note} (goal <= 1.5 GB)")  # fmt: skip


if __name__ == "__main__":
    main()
