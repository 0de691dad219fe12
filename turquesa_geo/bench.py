"""Benchmarks run on demand (never in the test suite); each prints a ratio to a baseline.

``bench_import`` times the full validated import of a demo CSV against DuckDB's
plain load of the same file into a table, with no validation.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from .importer import import_file
from .store import connect

__all__ = ["IMPORT_TARGET_ROWS_PER_S", "bench_import"]

IMPORT_TARGET_ROWS_PER_S = 500_000


def _timed(func) -> tuple[float, object]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def _phase_clock(start: float) -> tuple[list[tuple[str, float]], Callable[[str, float], None]]:
    """Marks of the import's progress calls, and the callback that records them."""
    marks = [("fingerprint", start)]

    def progress(phase: str, _fraction: float) -> None:
        marks.append((phase, time.perf_counter()))

    return marks, progress


def _phase_seconds(marks: list[tuple[str, float]]) -> dict[str, float]:
    """Seconds from each progress call to the next, named by the phase it starts."""
    return {name: round(end - begin, 3) for (name, begin), (_, end) in zip(marks, marks[1:])}


def bench_import(rows: int, seed: int = 7) -> dict:
    """Time the validated import of a ``rows``-row flat CSV and a plain DuckDB load of it.

    Returns a dict with both timings, rows per second, ``ratio`` (validated time
    over plain-load time: the price of validation) and ``phase_s``, the validated
    import's seconds per phase (fingerprint, read, validate, write).
    """
    from .demo import write_demo

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / f"bench-{rows}.csv"
        write_demo(csv_path, rows=rows, seed=seed)
        size_mb = csv_path.stat().st_size / 1e6

        def plain_load() -> int:
            con = duckdb.connect(str(Path(tmp) / "plain.duckdb"))
            con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(csv_path)])
            return con.execute("SELECT count(*) FROM t").fetchall()[0][0]

        plain_s, plain_rows = _timed(plain_load)
        con = connect(Path(tmp) / "store.duckdb")
        marks, progress = _phase_clock(time.perf_counter())
        import_s, result = _timed(lambda: import_file(con, csv_path, progress=progress))
        con.close()
    return {
        "rows": rows,
        "file_mb": round(size_mb, 1),
        "validated_import_s": round(import_s, 3),
        "validated_rows_per_s": int(rows / import_s),
        "plain_duckdb_load_s": round(plain_s, 3),
        "plain_rows_per_s": int(plain_rows / plain_s),
        "ratio": round(import_s / plain_s, 2),
        "phase_s": _phase_seconds(marks),
        "accepted": result.rows_accepted,
        "quarantined": result.rows_quarantined,
        "target_rows_per_s": IMPORT_TARGET_ROWS_PER_S,
        "meets_target": rows / import_s >= IMPORT_TARGET_ROWS_PER_S,
    }
