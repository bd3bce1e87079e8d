"""Parse cache of :mod:`jdpromo.ingest`: one Arrow table + one JSON report per file content.

Entries are keyed by the SHA-256 of the file's bytes and the parser version, so a renamed or
copied file is not parsed again and a new parser never reuses an old result. Failed parses
(unknown kind, InputError) are cached too, as JSON only. The table is an Arrow IPC file (the
Feather v2 format, uncompressed), memory-mapped on read: a cached read costs a few
milliseconds per million rows, where Parquet would need a full decode (≈0.15 s).

So that an unchanged file need not even be hashed again, the SHA-256 of each path is
remembered with the file's size, mtime (ns), inode and device; any change to these and the
bytes are hashed again. Writes are atomic (temp file + rename), so concurrent runs can share
one cache; a cache that cannot be written is simply not used. Large tables are written by a
background thread so that the caller gets its rows at once; a lookup of the same entry in
this process waits for that write, and :func:`flush` waits for all of them.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa

BACKGROUND_ROWS = 200_000
"""Tables with at least this many rows are written to the cache in the background."""

_pool: ThreadPoolExecutor | None = None
_pending: dict[tuple[str, str, str], Future] = {}
_lock = threading.Lock()

COMPRESSION: str | None = None
"""IPC compression: None (memory-mapped, zero-copy reads), "lz4" or "zstd" (smaller files)."""


def cache_root(cache_dir: Path | str | None) -> Path:
    """The cache folder: ``cache_dir``, else ``$JDPROMO_CACHE``, else ``~/.cache/jdpromo``."""
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get("JDPROMO_CACHE")
    if env:
        return Path(env)
    return Path.home() / ".cache" / "jdpromo"


def _paths(root: Path, sha256: str, version: str) -> tuple[Path, Path]:
    base = root / sha256[:2] / f"{sha256}.v{version}"
    return base.with_name(base.name + ".json"), base.with_name(base.name + ".arrow")


def load(root: Path, sha256: str, version: str) -> tuple[dict[str, Any], pa.Table | None] | None:
    """The cached report (and table, for parsed files), or ``None`` on a miss or a broken entry."""
    _wait((str(root), sha256, version))
    meta_path, table_path = _paths(root, sha256, version)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("parser_version") != version or meta.get("sha256") != sha256:
            return None
        table = None
        if meta.get("status") == "ok":
            with pa.memory_map(str(table_path)) as source:
                table = pa.ipc.open_file(source).read_all()
    except (OSError, ValueError, pa.ArrowException):
        return None
    return meta, table


def _atomic_write(path: Path, write: Callable[[str], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_table(table: pa.Table, tmp: str) -> None:
    options = pa.ipc.IpcWriteOptions(compression=COMPRESSION)
    with pa.OSFile(tmp, "wb") as sink, pa.ipc.new_file(sink, table.schema, options=options) as w:
        w.write_table(table)


def _wait(key: tuple[str, str, str]) -> None:
    with _lock:
        future = _pending.get(key)
    if future is not None:
        future.result()


def flush() -> None:
    """Wait until every cache write started by this process is done."""
    with _lock:
        futures = list(_pending.values())
    for future in futures:
        future.result()


def store(
    root: Path, sha256: str, version: str, meta: dict[str, Any], table: pa.Table | None
) -> None:
    """Store a parse result (large tables in the background); never raises on a write error."""
    global _pool
    if table is None or table.num_rows < BACKGROUND_ROWS:
        _store(root, sha256, version, meta, table)
        return
    key = (str(root), sha256, version)
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jdpromo-cache")
        future = _pool.submit(_store, root, sha256, version, meta, table)
        _pending[key] = future

    def done(_: Future) -> None:
        with _lock:
            if _pending.get(key) is future:
                del _pending[key]

    future.add_done_callback(done)


def _store(
    root: Path, sha256: str, version: str, meta: dict[str, Any], table: pa.Table | None
) -> None:
    meta_path, table_path = _paths(root, sha256, version)
    meta = {**meta, "parser_version": version, "sha256": sha256}
    try:
        if table is not None:
            _atomic_write(table_path, lambda tmp: _write_table(table, tmp))
        text = json.dumps(meta, ensure_ascii=False, default=str, indent=1)
        _atomic_write(meta_path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    except (OSError, pa.ArrowException):
        return


def _stat_path(root: Path, path: Path) -> Path:
    key = hashlib.sha1(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return root / "stat" / key[:2] / f"{key}.json"


def _signature(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev]


def known_sha256(root: Path, path: Path, st: os.stat_result) -> str | None:
    """The SHA-256 remembered for this path if the file is unchanged since, else ``None``."""
    try:
        record = json.loads(_stat_path(root, path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("stat") == _signature(st) and isinstance(record.get("sha256"), str):
        return record["sha256"]
    return None


def remember_sha256(root: Path, path: Path, st: os.stat_result, sha256: str) -> None:
    """Remember the SHA-256 of a file for its current size/mtime/inode (best effort)."""
    text = json.dumps({"path": str(path), "stat": _signature(st), "sha256": sha256})
    try:
        _atomic_write(
            _stat_path(root, path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8")
        )
    except OSError:
        return
