"""Benchmarks run on demand (never in the test suite); each prints a ratio to a baseline.

``bench_import`` times the full validated import of a demo CSV against DuckDB's
plain load of the same file into a table, with no validation. ``bench_routes`` times
route reconstruction, aggregation and geometry the Turquesa way (aggregate in DuckDB,
rebuild distinct routes, build distinct legs) against the naive way (a route and a
shapely LineString per case in a pandas loop, then grouped) on the same store.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from .importer import import_file
from .store import connect

__all__ = ["IMPORT_TARGET_ROWS_PER_S", "ROUTES_TARGET_RATIO", "bench_import", "bench_routes"]

IMPORT_TARGET_ROWS_PER_S = 500_000
ROUTES_TARGET_RATIO = 50


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


def _naive_routes(con: duckdb.DuckDBPyConnection, graph) -> pd.DataFrame:
    """The naive way: every case pulled into pandas, its route rebuilt and a LineString
    built for it in a Python loop, then grouped by route."""
    from shapely.geometry import LineString

    from .countries import country_table
    from .routes import _resolve, _signature_points

    cases = con.execute(
        "SELECT c.nationality, c.origin, c.transit, c.destination, c.detection_country, "
        "coalesce(p.persons, 0) AS persons FROM cases c LEFT JOIN (SELECT case_uid, sum(persons) AS persons "
        "FROM case_persons WHERE role <> 'suspect' GROUP BY case_uid) p ON p.case_uid = c.case_uid").df()
    where = country_table().set_index("iso3")[["rep_lon", "rep_lat"]]
    rows = []
    for case in cases.itertuples(index=False):
        values = [None if pd.isna(v) else v for v in (case.nationality, case.origin, case.transit,
                                                      case.destination, case.detection_country)]
        points, complete = _signature_points(*values)
        route = ">".join(points) if complete else _resolve(points, graph, {})[0]
        countries = route.split(">")
        line = LineString([tuple(where.loc[c]) for c in countries]) if len(countries) > 1 else None
        rows.append((route, case.persons, line))
    frame = pd.DataFrame(rows, columns=["route", "persons", "geometry"])
    return frame.groupby("route").agg(cases=("route", "size"), persons=("persons", "sum"),
                                      geometry=("geometry", "first"))


def _fast_routes(con: duckdb.DuckDBPyConnection, graph):
    """The Turquesa way: DuckDB sums cases per distinct route, routes are rebuilt for those
    signatures only, and geometry is built for the distinct legs (vectorised)."""
    from .corridors import corridor_view
    from .filters import Filters
    from .geometry import leg_geometries

    view = corridor_view(con, Filters(), graph=graph, k=1)
    leg_geometries(view.legs[["from_iso3", "to_iso3"]].assign(mode=None))
    return view


def bench_routes(rows: int, seed: int = 7) -> dict:
    """Time route reconstruction + aggregation + geometry both ways on the same demo store.

    Returns both timings, their ``ratio`` (naive over Turquesa) and whether the case
    counts per route agree.
    """
    from .corridors import corridor_graph
    from .demo import write_demo

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bench-{rows}.parquet"
        write_demo(path, rows=rows, seed=seed)
        con = connect(Path(tmp) / "store.duckdb")
        import_file(con, path)
        graph = corridor_graph(con)
        fast_s, view = _timed(lambda: _fast_routes(con, graph))
        naive_s, naive = _timed(lambda: _naive_routes(con, graph))
        con.close()
    fast_counts = view.corridors.set_index("route")["cases"].sort_index()
    naive_counts = naive["cases"].sort_index()
    same = fast_counts.index.equals(naive_counts.index) and (fast_counts.to_numpy() == naive_counts.to_numpy()).all()
    return {
        "rows": rows,
        "turquesa_s": round(fast_s, 3),
        "naive_s": round(naive_s, 3),
        "ratio": round(naive_s / fast_s, 1),
        "target_ratio": ROUTES_TARGET_RATIO,
        "meets_target": naive_s / fast_s >= ROUTES_TARGET_RATIO,
        "routes": int(len(fast_counts)),
        "legs": int(len(view.legs)),
        "same_counts_per_route": bool(same),
    }
