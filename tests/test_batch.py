"""`jdpromo batch`: the batch file, up-front validation, isolation, skip/retry, Dask."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from jdpromo.batch import Job, fingerprint, load_batch, resolve_rule, run_batch, up_to_date
from jdpromo.cli import main
from jdpromo.errors import ParameterError


@pytest.mark.parametrize(
    ("today", "month", "week"),
    [
        (dt.date(2026, 11, 26), "2026-10", "2026-W47"),  # Thursday of W48
        (dt.date(2026, 1, 5), "2025-12", "2026-W01"),  # Monday of W02
        (dt.date(2026, 1, 1), "2025-12", "2025-W52"),  # Thursday of 2026-W01
        (dt.date(2027, 1, 4), "2026-12", "2026-W53"),  # 2026 has 53 ISO weeks
    ],
)
def test_period_rules(today, month, week):
    assert resolve_rule("last_full_month", today) == month
    assert resolve_rule("last_full_week", today) == week
    assert resolve_rule("2026-10", today) == "2026-10"


def _write(path: Path, spec: dict) -> Path:
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return path


def test_every_job_is_checked_before_any_starts(tmp_path, capsys):
    (tmp_path / "d").mkdir()
    spec = {
        "out": str(tmp_path / "out"),
        "today": "2026-11-26",
        "shops": [
            {"shop": "a", "data": str(tmp_path / "d"), "periods": ["2026-13"]},
            {"shop": "../b", "data": str(tmp_path / "d")},
            {"shop": "c", "data": str(tmp_path / "missing")},
            {"shop": "e", "data": str(tmp_path / "d"), "notebooks": ["nope"]},
            {"shop": "f", "data": str(tmp_path / "d"), "periods": ["last_full_week", "2026-W47"]},
        ],
    }
    path = _write(tmp_path / "batch.yaml", spec)
    with pytest.raises(ParameterError) as err:
        load_batch(path, root=ROOT)
    text = str(err.value)
    assert "shops.0 (a): period '2026-13'" in text
    assert "shops.1 (../b)" in text and "not allowed" in text
    assert f"shops.2 (c): data folder {tmp_path / 'missing'} does not exist" in text
    assert "shops.3 (e)" in text and "unknown notebook" in text
    assert "the same shop and period twice: f/2026-W47" in text
    assert main(["batch", str(path)]) == 2
    assert "jdpromo: error:" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # nothing ran, nothing written


def test_schema_errors_name_the_file_and_key(tmp_path):
    path = _write(tmp_path / "b.yaml", {"shops": [{"shop": "a", "bogus": 1}], "workers": 2})
    with pytest.raises(ParameterError) as err:
        load_batch(path, root=ROOT)
    assert str(err.value).startswith(f"{path}: ")
    assert "shops.0.bogus: unknown parameter" in str(err.value)
    assert "workers: unknown parameter" in str(err.value)
    with pytest.raises(ParameterError, match="--only names shop"):
        load_batch(_write(tmp_path / "c.yaml", {"shops": [{"shop": "a"}]}), only=["zz"])


def test_expansion_defaults_and_relative_paths(tmp_path):
    (tmp_path / "data" / "a").mkdir(parents=True)
    (tmp_path / "data" / "bb").mkdir(parents=True)
    spec = {
        "today": "2026-11-26",
        "periods": ["last_full_month", "last_full_week"],
        "lang": "en",
        "notebooks": ["data_health"],
        "shops": [
            {"shop": "a"},
            {"shop": "b", "data": "data/bb", "periods": ["2026-10-01..2026-10-07"], "lang": "zh"},
        ],
    }
    # a project root of its own: params/ and notebooks/ with the notebook the jobs name
    (tmp_path / "params").mkdir()
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "data_health.ipynb", tmp_path / "notebooks")
    _, jobs = load_batch(_write(tmp_path / "params" / "batch.yaml", spec), root=tmp_path)
    assert [(j.name, j.lang, j.data_dir) for j in jobs] == [
        ("a/2026-10", "en", str(tmp_path / "data" / "a")),
        ("a/2026-W47", "en", str(tmp_path / "data" / "a")),
        ("b/2026-10-01..2026-10-07", "zh", str(tmp_path / "data" / "bb")),
    ]
    assert jobs[2].report_folder() == tmp_path / "reports" / "b" / "2026-10-01_2026-10-07"
    _, only = load_batch(tmp_path / "params" / "batch.yaml", only=["b"], root=tmp_path)
    assert [j.shop for j in only] == ["b"]


def _job(tmp_path: Path, data: Path) -> Job:
    return Job(
        shop="s",
        period="2026-10",
        label="2026-10",
        data_dir=str(data),
        params_file=None,
        out_dir=str(tmp_path / "out"),
        lang="zh",
        notebooks=("data_health",),
        root=str(ROOT),
    )


def test_fingerprint_follows_every_input(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_bytes(b"x,y\n1,2\n")
    job = _job(tmp_path, data)
    first = fingerprint(job)
    assert first["data"] == [["a.csv", hashlib.sha256(b"x,y\n1,2\n").hexdigest()]]
    assert fingerprint(job)["sha256"] == first["sha256"]  # stable
    (data / "a.csv").write_bytes(b"x,y\n1,3\n")  # one byte changed
    changed = fingerprint(job)
    assert changed["sha256"] != first["sha256"]
    (data / "b.csv").write_bytes(b"")  # a new file
    assert fingerprint(job)["sha256"] != changed["sha256"]
    en = Job(**{**job.__dict__, "lang": "en"})
    assert fingerprint(en)["sha256"] != fingerprint(job)["sha256"]


def _manifest(folder: Path, status: str, finished: str, fp: str | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = {"status": status, "finished": finished}
    if fp:
        data["fingerprint"] = {"sha256": fp}
    (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")


def test_skip_only_a_good_report_with_the_same_inputs(tmp_path):
    job = _job(tmp_path, tmp_path)
    fp = {"sha256": "f" * 64}
    folder = tmp_path / "out" / "s" / "2026-10"
    assert up_to_date(job, fp) is None  # never run
    _manifest(folder, "ok", "2026-11-01T00:00:00+00:00", None)
    assert up_to_date(job, fp) is None  # made before fingerprints existed
    _manifest(folder, "ok", "2026-11-01T00:00:00+00:00", "e" * 64)
    assert up_to_date(job, fp) is None  # other inputs
    _manifest(folder, "partial", "2026-11-01T00:00:00+00:00", "f" * 64)
    assert up_to_date(job, fp) == folder
    _manifest(folder, "ok", "2026-11-01T00:00:00+00:00", "f" * 64)
    assert up_to_date(job, fp) == folder
    failed = folder.with_name("2026-10.failed")
    _manifest(failed, "failed", "2026-11-02T00:00:00+00:00", "f" * 64)
    assert up_to_date(job, fp) is None  # the last attempt failed: always retried
    _manifest(failed, "failed", "2026-10-30T00:00:00+00:00", "f" * 64)
    assert up_to_date(job, fp) == folder  # an older failure, since replaced


# --- end to end: real jobs, isolated processes ------------------------------------------------


@pytest.fixture(scope="module")
def shops(tmp_path_factory) -> dict[str, Path]:
    """A small sample shop, and one whose only export is a truncated download."""
    from jdpromo.sample import write_demo_shop

    base = tmp_path_factory.mktemp("shops")
    write_demo_shop(base / "good", shop="good", seed=3, scale=0.05)
    bad = base / "bad"
    bad.mkdir()
    source = next((base / "good").glob("京东商智_经营概况_*.xlsx"))
    (bad / source.name).write_bytes(source.read_bytes()[:2000])
    return {"good": base / "good", "bad": bad}


def _batch_file(tmp_path: Path, shops: dict[str, Path], out: Path) -> Path:
    spec = {
        "out": str(out),
        "notebooks": ["data_health"],
        "periods": ["2026-10"],
        "shops": [
            {"shop": "g1", "data": str(shops["good"]), "params": "params/demo.yaml"},
            {"shop": "g2", "data": str(shops["good"])},
            {"shop": "broken", "data": str(shops["bad"]), "params": "params/demo.yaml"},
        ],
    }
    return _write(tmp_path / "batch.yaml", spec)


@pytest.fixture(scope="module")
def first_batch(shops, tmp_path_factory) -> tuple[Path, Path, int, str, str]:
    """The three jobs run once on two local workers: (batch file, out, exit code, stdout, stderr)."""
    import contextlib
    import io

    tmp = tmp_path_factory.mktemp("batch")
    out = tmp / "out"
    path = _batch_file(tmp, shops, out)
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["batch", str(path), "--workers", "2"])
    return path, out, code, stdout.getvalue(), stderr.getvalue()


@pytest.mark.e2e
def test_batch_isolates_a_bad_shop_then_skips_what_is_unchanged(first_batch, capsys):
    path, out, code, stdout, stderr = first_batch
    assert code == 1
    summary = json.loads((out / "batch-summary.json").read_text(encoding="utf-8"))
    status = {j["job"]: j["status"] for j in summary["jobs"]}
    assert status == {"g1/2026-10": "ok", "g2/2026-10": "ok", "broken/2026-10": "failed"}
    assert summary["counts"] == {"ok": 2, "partial": 0, "skipped": 0, "failed": 1}
    broken = next(j for j in summary["jobs"] if j["job"] == "broken/2026-10")
    assert "无法读取 1 个" in broken["reason"] and broken["report"] is None
    assert "2 ok, 0 partial, 0 skipped, 1 failed" in stdout
    assert "\r" not in stderr  # no progress bar without a terminal
    log = (out / "batch.log").read_text(encoding="utf-8")
    assert "job broken/2026-10: failed" in log and "job g1/2026-10: ok" in log
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "g1" in index and "g2" in index  # broken stopped at the pre-flight: no report
    manifest = json.loads((out / "g1" / "2026-10" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["fingerprint"]["sha256"]) == 64
    assert (out / "g1" / "2026-10" / "data_health.ipynb").is_file()  # papermill's record kept

    # second run: the good ones are skipped, the failed one is tried again
    assert main(["batch", str(path), "--workers", "2"]) == 1
    summary = json.loads((out / "batch-summary.json").read_text(encoding="utf-8"))
    status = {j["job"]: j["status"] for j in summary["jobs"]}
    assert status == {"g1/2026-10": "skipped", "g2/2026-10": "skipped", "broken/2026-10": "failed"}

    # --force with --only: that shop runs again even though nothing changed
    capsys.readouterr()
    assert main(["batch", str(path), "--only", "g2", "--force"]) == 0
    summary = json.loads((out / "batch-summary.json").read_text(encoding="utf-8"))
    assert [(j["job"], j["status"]) for j in summary["jobs"]] == [("g2/2026-10", "ok")]


@pytest.mark.e2e
def test_dask_local_cluster_gives_the_same_reports(shops, first_batch, tmp_path):
    pytest.importorskip("distributed")
    local, dask = first_batch[1], tmp_path / "dask"
    spec, jobs = load_batch(_batch_file(tmp_path, shops, dask), root=ROOT)
    outcome = run_batch(spec, jobs, dask_local=2, echo=lambda *a: None)
    assert [r["status"] for r in outcome.results] == ["ok", "ok", "failed"]
    for shop in ("g1", "g2"):
        a, b = local / shop / "2026-10" / "tables", dask / shop / "2026-10" / "tables"
        names = sorted(p.name for p in a.glob("*.csv"))
        assert names and names == sorted(p.name for p in b.glob("*.csv"))
        for name in names:
            assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.parametrize(
    ("workers", "jobs", "expected"), [(1, None, "cores"), (64, None, 1), (2, 3, 3)]
)
def test_a_local_job_runs_its_share_of_the_cores_in_notebooks(monkeypatch, workers, jobs, expected):
    """The local pool gives each job cores ÷ workers notebooks side by side (at least one), or
    ``--jobs``; the job process passes it on to the run."""
    import os

    from jdpromo import batch

    seen = []
    monkeypatch.setattr(batch, "run_isolated", lambda job, force, share: seen.append(share))
    submit, close, _ = batch._executor(workers, None, None, jobs)
    submit({"shop": "s"}, False).result()
    close()
    cores = os.cpu_count() or 1
    assert seen == [max(1, cores // workers) if expected == "cores" else expected]
