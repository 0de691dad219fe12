"""Benchmarks run on demand (never in the test suite); each figure is printed beside a baseline.

``bench_import`` times the full validated import of a demo CSV against DuckDB's
plain load of the same file into a table, with no validation. ``bench_routes`` times
route reconstruction, aggregation and geometry the Turquesa way (aggregate in DuckDB,
rebuild distinct routes, build distinct legs) against the naive way (a route and a
shapely LineString per case in a pandas loop, then grouped) on the same store.

``bench_overlaps`` times the import of a file of new cases into a large store with the
overlap check (:mod:`turquesa_geo.ingest.overlaps`) and without it (``duplicates="off"``),
on copies of the same store: the ratio is the price of the check.

``bench_all`` measures every figure of the performance issue on one demo store of N
cases, each with a naive pandas / GeoPandas / matplotlib baseline run on the same data
in the same run: import speed, query time per page, page reruns (Streamlit's AppTest),
route reconstruction, map payload, snapshot export, reopening the store, peak memory
and filter changes in a real browser. Baselines that hold whole tables in pandas run in
child processes of their own, so their memory is not counted as Turquesa's. The
Streamlit parts run as subprocesses (``scripts/bench_browser.py``): this package never
imports Streamlit.

A ratio is always "times better than the baseline": baseline / value for times, bytes
and memory, value / baseline for rates.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import math
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from multiprocessing import get_context
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pydeck as pdk
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from shapely.geometry import LineString

from turquesa_geo.corridors import corridor_graph, corridor_view, route_signatures, store_period
from turquesa_geo.countries import country_table, resolve_country
from turquesa_geo.demo.generator import generate_demo, write_demo
from turquesa_geo.exports.dispatch import export_context, export_file
from turquesa_geo.filters import Filters, history_until, previous_period, to_query_params
from turquesa_geo.gender import persons_by
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.ingest.parsing import parse_date, parse_route
from turquesa_geo.maps.deck import corridor_deck
from turquesa_geo.maps.legs import leg_geometries
from turquesa_geo.routes import SIGNATURE_COLUMNS, resolve_route, signature_points
from turquesa_geo.signals import emerging_signals, signal_baseline
from turquesa_geo.store import queries as sql
from turquesa_geo.store.connection import connect
from turquesa_geo.store.inventory import store_choices
from turquesa_geo.store.queries import DEFAULT_PERSON_ROLES
from turquesa_geo.store.rollups import covers, whole_months
from turquesa_geo.trends import TREND_DIMENSIONS, key_figures, modus_series
from turquesa_geo.vocab import codes, resolve_term

__all__ = [
    "IMPORT_TARGET_ROWS_PER_S",
    "OVERLAPS_TARGET_RATIO",
    "ROUTES_TARGET_RATIO",
    "Measure",
    "bench_all",
    "bench_import",
    "bench_overlaps",
    "bench_routes",
    "default_period",
    "filter_changes",
    "improvement",
    "percentile",
    "report_table",
]

IMPORT_TARGET_ROWS_PER_S = 500_000
PARQUET_TARGET_ROWS_PER_S = 1_000_000
ROUTES_TARGET_RATIO = 50
#: Import with the overlap check over import without it, at most (100,000 rows into 1,000,000 cases).
OVERLAPS_TARGET_RATIO = 1.30
QUERY_TARGET_MS = 10
QUERY_TARGET_RATIO = 30
RERUN_TARGET_MS = 100
PAYLOAD_TARGET_BYTES = 500_000
FLOWS_TARGET = 2_000
REOPEN_TARGET_MS = 50
MEMORY_TARGET_MB = 4 * 1024
BROWSER_TARGET_MS = 700

#: The naive per-row validation runs on at most this many rows and is extrapolated.
NAIVE_VALIDATION_ROWS = 500_000
#: The naive per-case route loop runs on at most this many cases and is extrapolated.
NAIVE_ROUTE_ROWS = 100_000
#: Per-case arcs are serialised for at most this many cases and extrapolated.
NAIVE_ARC_ROWS = 100_000
#: matplotlib draws one line per case for at most this many cases, extrapolated.
NAIVE_LINE_ROWS = 20_000

#: Pages whose reruns are timed, as AppTest switches to them.
APP_PAGES = ("pages/overview.py", "pages/corridor_map.py", "pages/trends.py", "pages/gender.py")
#: Pages whose filter changes are timed in the browser (URL paths).
BROWSER_PAGES = ("corridor_map", "trends")
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_browser.py"
CHROMIUM = Path("/usr/bin/chromium")


# --- figures: percentiles, ratios, one measure ---------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile of ``values``, interpolated linearly between ranks (numpy's default).

    >>> percentile([10, 20, 30, 40], 50)
    25.0
    >>> percentile([5], 95)
    5.0
    >>> percentile(list(range(1, 101)), 95)
    95.05
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q!r} is not between 0 and 100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def improvement(value: float | None, baseline: float | None, higher_is_better: bool = False) -> float | None:
    """How many times better ``value`` is than ``baseline`` (None when either is missing or zero).

    >>> improvement(2.0, 100.0)          # 2 ms against 100 ms
    50.0
    >>> improvement(600_000, 200_000, higher_is_better=True)   # rows/s
    3.0
    >>> improvement(None, 3.0) is None
    True
    """
    if value is None or baseline is None or value <= 0 or baseline <= 0:
        return None
    return float(value / baseline if higher_is_better else baseline / value)


@dataclass
class Measure:
    """One figure of the report: value against its target, beside a baseline on the same data."""

    name: str
    unit: str
    value: float | None
    target: float | None = None
    higher_is_better: bool = False
    baseline: float | None = None
    baseline_label: str = ""
    ratio_target: float | None = None
    target_at_rows: int | None = None
    note: str = ""
    p50: float | None = None
    baseline_p50: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """Times better than the baseline."""
        return improvement(self.value, self.baseline, self.higher_is_better)

    @property
    def met(self) -> bool | None:
        """Whether the value (and the ratio, when it has a target) meets the target; None if untargeted."""
        if self.value is None or (self.target is None and self.ratio_target is None):
            return None
        ok = True
        if self.target is not None:
            ok = self.value >= self.target if self.higher_is_better else self.value <= self.target
        if self.ratio_target is not None:
            ok = ok and self.ratio is not None and self.ratio >= self.ratio_target
        return ok

    def to_dict(self) -> dict:
        ratio = self.ratio
        return asdict(self) | {"ratio": None if ratio is None else round(ratio, 2), "met": self.met}


def _not_measured(name: str, unit: str, why: str, **kwargs) -> Measure:
    return Measure(name, unit, None, note=f"not measured: {why}", **kwargs)


def _timed(func) -> tuple[float, object]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def _ms(seconds: float) -> float:
    return round(1000 * seconds, 2)


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """Peak resident memory of a process (this one by default) so far, in MiB.

    Read from ``VmHWM`` in ``/proc/<pid>/status``: ``ru_maxrss`` survives ``exec``, so a
    child started from a large parent would report the parent's peak as its own.
    Elsewhere, this process's ``ru_maxrss``.
    """
    for line in _read_lines(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    if pid != "self":
        return None
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# --- the machine -------------------------------------------------------------------


def machine_info() -> dict:
    """CPU model, cores, memory and the versions that shape the figures."""

    def installed(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    cpu = next(
        (line.split(":", 1)[1].strip() for line in _read_lines("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor() or None,
    )
    memory = next(
        (int(line.split()[1]) // 1024 for line in _read_lines("/proc/meminfo") if line.startswith("MemTotal")), None
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        **{
            name: installed(name)
            for name in ("pyarrow", "streamlit", "geopandas", "shapely", "pydeck", "matplotlib", "playwright")
        },
        "chromium": _chromium_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def code_version() -> dict:
    """The commit measured, and the files of the working tree that differ from it."""
    root = Path(__file__).resolve().parents[2]

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "modified": status.splitlines() if status else []}


def _read_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _chromium_version() -> str | None:
    if not CHROMIUM.exists():
        return None
    try:
        done = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None


# --- filter changes ----------------------------------------------------------------


def default_period(period: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """The dashboard's default period: the last twelve whole months of data (as ``turquesa_ui.filters``).

    >>> default_period((dt.date(2018, 1, 3), dt.date(2026, 9, 27)))
    (datetime.date(2025, 10, 1), datetime.date(2026, 9, 30))
    """
    first, last = whole_months(*period)
    index = last.year * 12 + last.month - 12
    return max(first, dt.date(index // 12, index % 12 + 1, 1)), last


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def filter_changes(
    choices: dict[str, list[str]], period: tuple[dt.date, dt.date], n: int, seed: int = 7
) -> list[Filters]:
    """``n`` distinct random filter settings an analyst might pick, as the rollups answer them.

    Whole-month periods of 1 to 24 months, a subset of crime types, up to three
    nationalities and up to two reporting sources (``choices`` as
    :func:`turquesa_geo.store.inventory.store_choices` gives them). Distinct even without their
    start (what the trends page asks for), so every one is a cache miss in the dashboard.

    >>> period = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    >>> changes = filter_changes({"countries": ["COL", "VEN"], "sources": ["PNC"]}, period, 5, seed=1)
    >>> len(set(changes)), all(f.start.day == 1 and f.start.year == 2024 for f in changes)
    (5, True)
    """
    rng = random.Random(seed)
    months = _month_starts(*whole_months(*period))
    crimes, countries, sources = codes("crime_type"), list(choices["countries"]), list(choices["sources"])
    changes: list[Filters] = []
    histories: set[Filters] = set()  # the trends page reads the history to the period's end: distinct too
    for _ in range(200 * n):
        if len(changes) == n:
            break
        length = min(rng.choice((1, 3, 6, 12, 12, 24)), len(months))
        end = rng.randrange(length - 1, len(months))
        last = whole_months(months[end], months[end])[1]
        candidate = Filters(
            start=months[end - length + 1],
            end=last,
            crime_types=tuple(sorted(rng.sample(crimes, rng.randint(0, len(crimes) - 1)))),
            nationalities=tuple(sorted(rng.sample(countries, min(len(countries), rng.choice((0, 0, 1, 1, 2, 3)))))),
            sources=tuple(sorted(rng.sample(sources, min(len(sources), rng.choice((0, 0, 0, 1, 2)))))),
        )
        if history_until(candidate) not in histories:
            changes.append(candidate)
            histories.add(history_until(candidate))
    if len(changes) < n:
        raise ValueError(f"the store offers only {len(changes)} distinct filter settings, not {n}")
    return changes


# --- child processes for the baselines -----------------------------------------------


def _in_child(func: Callable, *args):
    """Run ``func(*args)`` in a fresh (spawned) process and return its result.

    Each baseline that holds tables in pandas runs alone, so its memory is its own and
    the peak of this process stays Turquesa's.
    """
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(func, *args).result()


# --- 1. import ---------------------------------------------------------------------


def _plain_load_s(source: Path, db: Path) -> float:
    """Seconds DuckDB takes to load ``source`` into a table of a new database file, unvalidated."""
    reader = "read_csv" if source.suffix == ".csv" else "read_parquet"

    def load() -> None:
        con = duckdb.connect(str(db))
        con.execute(*sql.plain_load(reader, str(source)))
        con.close()

    seconds, _ = _timed(load)
    db.unlink(missing_ok=True)
    return seconds


def _phase_clock(start: float) -> tuple[list[tuple[str, float]], Callable[[str, float], None]]:
    """Marks of the import's progress calls, and the callback that records them."""
    marks = [("fingerprint", start)]

    def progress(phase: str, _fraction: float) -> None:
        marks.append((phase, time.perf_counter()))

    return marks, progress


def _phase_seconds(marks: list[tuple[str, float]]) -> dict[str, float]:
    """Seconds from each progress call to the next, named by the phase it starts."""
    return {name: round(end - begin, 3) for (name, begin), (_, end) in itertools.pairwise(marks)}


def _validated_import(source: Path, db: Path) -> tuple[float, object, dict[str, float]]:
    """Import ``source`` into a new store at ``db``: seconds, result and seconds per phase."""
    con = connect(db)
    marks, progress = _phase_clock(time.perf_counter())
    seconds, result = _timed(lambda: import_file(con, source, progress=progress))
    con.close()
    return seconds, result, _phase_seconds(marks)


def bench_import(rows: int, seed: int = 7) -> dict:
    """Time the validated import of a ``rows``-row flat CSV and a plain DuckDB load of it.

    Returns a dict with both timings, rows per second, ``ratio`` (validated time
    over plain-load time: the price of validation) and ``phase_s``, the validated
    import's seconds per phase (fingerprint, read, validate, write).
    """
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / f"bench-{rows}.csv"
        write_demo(csv_path, rows=rows, seed=seed)
        size_mb = csv_path.stat().st_size / 1e6
        plain_s = _plain_load_s(csv_path, Path(tmp) / "plain.duckdb")
        import_s, result, phases = _validated_import(csv_path, Path(tmp) / "store.duckdb")
    return {
        "rows": rows,
        "file_mb": round(size_mb, 1),
        "validated_import_s": round(import_s, 3),
        "validated_rows_per_s": int(rows / import_s),
        "plain_duckdb_load_s": round(plain_s, 3),
        "plain_rows_per_s": int(rows / plain_s),
        "ratio": round(import_s / plain_s, 2),
        "phase_s": phases,
        "accepted": result.rows_accepted,
        "quarantined": result.rows_quarantined,
        "target_rows_per_s": IMPORT_TARGET_ROWS_PER_S,
        "meets_target": rows / import_s >= IMPORT_TARGET_ROWS_PER_S,
    }


def _naive_validate(frame: pd.DataFrame, today: dt.date) -> int:
    """The straightforward way: a Python loop over the rows checking date, crime type and countries
    with the same parsers the importer's rules use; returns the number of bad rows."""

    def text(value) -> str | None:
        return value if isinstance(value, str) and value.strip() else None

    bad = 0
    columns = ["date", "crime_type", "nationality", "origin", "transit", "destination", "detection_country"]
    for row in frame[columns].itertuples(index=False):
        day = parse_date(row.date) if text(row.date) else None
        ok = day is not None and day <= today
        ok = ok and text(row.crime_type) is not None and resolve_term("crime_type", row.crime_type) is not None
        for value in (row.nationality, row.origin, row.destination, row.detection_country):
            ok = ok and (text(value) is None or resolve_country(value) is not None)
        ok = ok and (text(row.transit) is None or parse_route(row.transit).bad_token is None)
        bad += not ok
    return bad


def _pandas_import(path: str, limit: int) -> dict:
    """Baseline (child process): pandas reads the whole file; the naive validation runs on the
    first ``limit`` rows and is extrapolated linearly to all of them."""
    source = Path(path)
    read_s, frame = _timed(lambda: pd.read_csv(source) if source.suffix == ".csv" else pd.read_parquet(source))
    sample = frame.head(limit)
    validate_s, bad = _timed(lambda: _naive_validate(sample, dt.date.today()))
    rows = len(frame)
    total_s = read_s + validate_s * rows / max(len(sample), 1)
    return {
        "rows": rows,
        "read_s": round(read_s, 3),
        "validated_rows": len(sample),
        "validate_sample_s": round(validate_s, 3),
        "estimated_total_s": round(total_s, 3),
        "bad_rows": bad,
        "extrapolated": len(sample) < rows,
        "peak_rss_mb": peak_rss_mb(),
    }


def _import_measures(
    rows: int, csv_path: Path, parquet_path: Path, store: Path, naive_rows: int
) -> tuple[list[Measure], dict]:
    """Validated import of both files (the Parquet one is kept as the store), each against
    pandas + naive validation, with DuckDB's plain unvalidated load as the floor."""
    measures, details = [], {}
    for source, target, label in (
        (csv_path, IMPORT_TARGET_ROWS_PER_S, "CSV"),
        (parquet_path, PARQUET_TARGET_ROWS_PER_S, "Parquet"),
    ):
        db = store if source == parquet_path else store.with_name("csv-store.duckdb")
        seconds, result, phases = _validated_import(source, db)
        if db != store:
            db.unlink(missing_ok=True)
        plain_s = _plain_load_s(source, store.with_name("plain.duckdb"))
        naive = _in_child(_pandas_import, str(source), naive_rows)
        sampled = (
            f"; the naive validation ran on the first {naive['validated_rows']:,} rows "
            f"({naive['validate_sample_s']} s) and is extrapolated linearly to {rows:,}"
            if naive["extrapolated"]
            else ""
        )
        measures.append(
            Measure(
                f"import {label} (validated)",
                "rows/s",
                round(rows / seconds),
                target,
                True,
                round(rows / naive["estimated_total_s"]),
                f"pandas read ({naive['read_s']} s) + per-row Python validation",
                note=(
                    f"{source.stat().st_size / 1e6:.0f} MB, {seconds:.2f} s (phases {phases}); DuckDB's plain "
                    f"unvalidated load of the same file: {plain_s:.2f} s = {rows / plain_s:,.0f} rows/s{sampled}"
                ),
                extra={
                    "seconds": round(seconds, 3),
                    "phase_s": phases,
                    "plain_duckdb_load_s": round(plain_s, 3),
                    "plain_rows_per_s": round(rows / plain_s),
                    "accepted": result.rows_accepted,
                    "quarantined": result.rows_quarantined,
                    "file_mb": round(source.stat().st_size / 1e6, 1),
                    "bench_peak_rss_mb_after": peak_rss_mb(),
                    "baseline": naive,
                },
            )
        )
        details[f"import_{label.lower()}"] = measures[-1].extra
    return measures, details


# --- 2. query time per page: Turquesa and pandas -----------------------------------


def _trend_dimension(i: int) -> str:
    return TREND_DIMENSIONS[i % len(TREND_DIMENSIONS)]


def _page_queries(con, graph) -> dict[str, Callable[[int, Filters], object]]:
    """What each page asks the store for after a filter change (i: the change's number)."""
    return {
        "corridor": lambda i, f: route_signatures(con, f, (f.start, f.end)),
        "trends": lambda i, f: modus_series(con, history_until(f), _trend_dimension(i), "Y"),
        "gender": lambda i, f: (persons_by(con, f, "none"), persons_by(con, history_until(f), "none", "Y")),
        "overview": lambda i, f: key_figures(con, f, (f.start, f.end)),
        "corridor view": lambda i, f: corridor_view(con, f, graph=graph),
        "overview signals": lambda i, f: emerging_signals(
            con, f, (f.start, f.end), signal_baseline((f.start, f.end)), graph=graph
        ),
    }


def _time_each(query: Callable[[int, Filters], object], changes: Sequence[Filters]) -> list[float]:
    times = []
    for i, f in enumerate(changes):
        seconds, _ = _timed(lambda i=i, f=f: query(i, f))
        times.append(_ms(seconds))
    return times


def _turquesa_query_times(con, graph, changes: Sequence[Filters], warm: Filters) -> dict[str, list[float]]:
    """Milliseconds per filter change for each page's queries, after one untimed warm-up query each."""
    times = {}
    for name, query in _page_queries(con, graph).items():
        query(0, warm)
        times[name] = _time_each(query, changes)
    return times


def _reference_totals(con, f: Filters) -> dict[str, int]:
    """Totals of the first change, for checking that the pandas baseline computes the same thing."""
    return {
        "corridor": int(route_signatures(con, f, (f.start, f.end))["cases"].sum()),
        "trends": int(modus_series(con, history_until(f), _trend_dimension(0), "Y")["cases"].sum()),
        "gender": int(persons_by(con, f, "none")["persons"].sum()),
        "overview": int(key_figures(con, f, (f.start, f.end)).cases),
    }


@dataclass
class _Tables:
    """The case tables as pandas frames: what the naive baseline queries."""

    cases: pd.DataFrame
    persons: pd.DataFrame
    attributes: pd.DataFrame


def _load_tables(store: str) -> _Tables:
    """The columns the pages use, text as pandas categoricals: how a careful pandas user keeps
    tens of millions of rows in memory, and faster to filter and group than plain strings
    (so the ratios against it are conservative)."""
    con = connect(store, read_only=True)
    try:
        return _Tables(
            *(_categorical_frame(con.sql(text, params=params).to_arrow_table()) for text, params in sql.bench_tables())
        )
    finally:
        con.close()


def _categorical_frame(table) -> pd.DataFrame:
    def text(kind) -> bool:
        return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)

    encoded = pa.table(
        {
            name: column.dictionary_encode() if text(column.type) else column
            for name, column in zip(table.column_names, table.columns)
        }
    )
    return encoded.to_pandas(date_as_object=False)


def _pd_cases(t: _Tables, f: Filters, first: dt.date | None, last: dt.date | None) -> pd.DataFrame:
    """Cases of the filters between ``first`` and ``last`` (open ends allowed)."""
    cases = t.cases
    keep = pd.Series(True, index=cases.index)
    if first is not None:
        keep &= cases["case_date"] >= pd.Timestamp(first)
    if last is not None:
        keep &= cases["case_date"] <= pd.Timestamp(last)
    for column, values in (("crime_type", f.crime_types), ("nationality", f.nationalities), ("source", f.sources)):
        if values:
            keep &= cases[column].isin(values)
    return cases[keep]


def _pd_route_signatures(t: _Tables, f: Filters) -> pd.DataFrame:
    """route_signatures the pandas way: filter, per-case persons, group by the reported route."""
    previous = previous_period(f)
    cases = _pd_cases(t, f, previous[0] if previous else f.start, f.end)
    moved = t.persons[t.persons["role"].isin(DEFAULT_PERSON_ROLES) & t.persons["case_uid"].isin(cases["case_uid"])]
    per_case = (
        moved.assign(
            female=moved["persons"].where(moved["gender"] == "female", 0),
            known_sex=moved["persons"].where(moved["gender"] != "unknown", 0),
        )
        .groupby("case_uid")[["persons", "female", "known_sex"]]
        .sum()
    )
    cases = cases.join(per_case, on="case_uid")
    current = cases["case_date"] >= pd.Timestamp(f.start)
    before = cases["case_date"] <= pd.Timestamp(previous[1]) if previous else current & False
    work = cases[list(SIGNATURE_COLUMNS)].assign(
        cases=current.astype("int64"),
        cases_prev=before.astype("int64"),
        persons=cases["persons"].fillna(0).where(current, 0),
        women_girls=cases["female"].fillna(0).where(current, 0),
        persons_known_sex=cases["known_sex"].fillna(0).where(current, 0),
    )
    return work.groupby(list(SIGNATURE_COLUMNS), dropna=False, as_index=False).sum()


def _pd_modus_series(t: _Tables, f: Filters, dimension: str) -> pd.DataFrame:
    """modus_series (yearly) the pandas way: cases per year and code, with those reporting the dimension."""
    cases = _pd_cases(t, f, f.start, f.end)
    base = pd.DataFrame({"case_uid": cases["case_uid"], "period": cases["case_date"].dt.year})
    totals = base.groupby("period").size()
    coded = t.attributes[t.attributes["dimension"] == dimension].merge(base, on="case_uid")
    reporting = coded.groupby("period")["case_uid"].nunique()
    series = coded.groupby(["period", "code"])["case_uid"].nunique().rename("cases").reset_index()
    series["reporting"] = series["period"].map(reporting)
    series["total"] = series["period"].map(totals)
    series["share"] = (100 * series["cases"] / series["reporting"]).round(1)
    return series


def _pd_persons_by(t: _Tables, f: Filters, yearly: bool = False) -> pd.DataFrame:
    """persons_by (no split) the pandas way: persons of the filtered cases by role, gender and age."""
    cases = _pd_cases(t, f, f.start, f.end)
    joined = t.persons.merge(cases[["case_uid", "case_date"]], on="case_uid")
    keys = ["role", "gender", "age_group"]
    if yearly:
        joined["period"] = joined["case_date"].dt.year
        keys = ["period", *keys]
    return joined.groupby(keys, as_index=False)["persons"].sum()


def _pd_key_figures(t: _Tables, f: Filters) -> dict[str, int]:
    """key_figures the pandas way: cases and persons by role, this period and the one before."""
    previous = previous_period(f)
    cases = _pd_cases(t, f, previous[0] if previous else f.start, f.end)
    flags = pd.DataFrame(
        {
            "case_uid": cases["case_uid"],
            "now": cases["case_date"] >= pd.Timestamp(f.start),
            "before": (cases["case_date"] <= pd.Timestamp(previous[1])) if previous else False,
        }
    )
    joined = t.persons.merge(flags, on="case_uid")
    figures = {"cases": int(flags["now"].sum()), "cases_prev": int(flags["before"].sum())}
    for role, name in (("victim", "victims"), ("migrant", "migrants"), ("suspect", "suspects")):
        of_role = joined[joined["role"] == role]
        figures[name] = int(of_role.loc[of_role["now"], "persons"].sum())
        figures[f"{name}_prev"] = int(of_role.loc[of_role["before"], "persons"].sum())
    moved = joined[joined["now"] & (joined["role"] != "suspect")]
    figures["women_girls"] = int(moved.loc[moved["gender"] == "female", "persons"].sum())
    figures["known_sex"] = int(moved.loc[moved["gender"] != "unknown", "persons"].sum())
    return figures


_PANDAS_QUERIES: dict[str, Callable[[_Tables, int, Filters], object]] = {
    "corridor": lambda t, i, f: _pd_route_signatures(t, f),
    "trends": lambda t, i, f: _pd_modus_series(t, history_until(f), _trend_dimension(i)),
    "gender": lambda t, i, f: (_pd_persons_by(t, f), _pd_persons_by(t, history_until(f), yearly=True)),
    "overview": lambda t, i, f: _pd_key_figures(t, f),
}


def _pandas_query_times(store: str, changes: list[Filters], reference: dict[str, int]) -> dict:
    """Baseline (child process): load the case tables into pandas once (untimed), then time each
    page's aggregation for every change; check the first change's totals against Turquesa's."""
    load_s, tables = _timed(lambda: _load_tables(store))
    first = changes[0]
    totals = {
        "corridor": int(_pd_route_signatures(tables, first)["cases"].sum()),
        "trends": int(_pd_modus_series(tables, history_until(first), _trend_dimension(0))["cases"].sum()),
        "gender": int(_pd_persons_by(tables, first)["persons"].sum()),
        "overview": _pd_key_figures(tables, first)["cases"],
    }
    times = {
        name: _time_each(lambda i, f, q=query: q(tables, i, f), changes) for name, query in _PANDAS_QUERIES.items()
    }
    return {
        "times_ms": times,
        "load_s": round(load_s, 2),
        "same_totals": {k: totals[k] == reference[k] for k in totals},
        "frames_mb": round(sum(x.memory_usage(deep=True).sum() for x in vars(tables).values()) / 2**20),
        "peak_rss_mb": peak_rss_mb(),
    }


_QUERY_NOTES = {
    "corridor": "route_signatures: cases and persons per reported route, this period and the one before",
    "trends": "modus_series of the whole history to the period's end, yearly (dimension cycles)",
    "gender": "persons_by for the period, and by year over the history (the page's two queries)",
    "overview": "key_figures: cases and persons by role, this period and the one before",
    "corridor view": "corridor_view: signatures + rebuilt routes + ranked corridors, legs and hubs (the graph cached, "
    "as the app does)",
    "overview signals": "emerging_signals of the period against the 24 months before (the Overview page computes "
    "them on every filter change)",
}


def _query_measures(times: dict[str, list[float]], baseline: dict, uses_rollups: bool) -> list[Measure]:
    measures = []
    for name, values in times.items():
        base = baseline["times_ms"].get(name)
        targeted = name in ("corridor", "trends")
        source = (
            "answered from the rollups"
            if uses_rollups and name in ("corridor", "trends", "corridor view")
            else "reads the case tables"
        )
        check = baseline["same_totals"].get(name)
        note = f"{_QUERY_NOTES[name]}; {source}; {len(values)} random filter changes after one warm-up" + (
            "" if check is None else f"; pandas totals equal Turquesa's on the first change: {check}"
        )
        measures.append(
            Measure(
                f"query: {name} (p95)",
                "ms",
                percentile(values, 95),
                QUERY_TARGET_MS if targeted else None,
                baseline=None if base is None else percentile(base, 95),
                baseline_label="pandas groupby on the case tables in memory" if base else "",
                ratio_target=QUERY_TARGET_RATIO if targeted else None,
                target_at_rows=10_000_000 if targeted else None,
                note=note,
                p50=percentile(values, 50),
                baseline_p50=None if base is None else percentile(base, 50),
                extra={"times_ms": values, "baseline_times_ms": base},
            )
        )
    return measures


# --- 4. routes ---------------------------------------------------------------------


def _naive_routes(con: duckdb.DuckDBPyConnection, graph, limit: int | None = None) -> pd.DataFrame:
    """The naive way: every case (or the first ``limit``) pulled into pandas, its route rebuilt and a
    LineString built for it in a Python loop, then grouped by route."""

    cases = con.execute(*sql.naive_cases(limit)).df()
    where = country_table().set_index("iso3")[["rep_lon", "rep_lat"]]
    rows = []
    for case in cases.itertuples(index=False):
        values = [
            None if pd.isna(v) else v
            for v in (case.nationality, case.origin, case.transit, case.destination, case.detection_country)
        ]
        points, complete = signature_points(*values)
        route = ">".join(points) if complete else resolve_route(points, graph, {})[0]
        countries = route.split(">")
        line = LineString([tuple(where.loc[c]) for c in countries]) if len(countries) > 1 else None
        rows.append((route, case.persons, line))
    frame = pd.DataFrame(rows, columns=["route", "persons", "geometry"])
    return frame.groupby("route").agg(
        cases=("route", "size"), persons=("persons", "sum"), geometry=("geometry", "first")
    )


def _fast_routes(con: duckdb.DuckDBPyConnection, graph):
    """The Turquesa way: DuckDB sums cases per distinct route, routes are rebuilt for those
    signatures only, and geometry is built for the distinct legs (vectorised)."""
    view = corridor_view(con, Filters(), graph=graph, k=1)
    leg_geometries(view.legs[["from_iso3", "to_iso3"]].assign(mode=None))
    return view


def bench_routes(rows: int, seed: int = 7) -> dict:
    """Time route reconstruction + aggregation + geometry both ways on the same demo store.

    Returns both timings, their ``ratio`` (naive over Turquesa) and whether the case
    counts per route agree.
    """
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
        "routes": len(fast_counts),
        "legs": len(view.legs),
        "same_counts_per_route": bool(same),
    }


def _incoming_file(base: Path, path: Path, rows: int, repeated: float, seed: int) -> int:
    """A file of ``rows`` cases for a store built from ``base``: new demo cases, and a share ``repeated`` of
    the base's own cases again (another vintage: the same incidents under other ids). Returns the repeats."""
    repeats = int(rows * repeated)
    fresh = generate_demo(rows - repeats, seed=seed)
    again = pq.read_table(base).to_pandas().sample(repeats, random_state=seed) if repeats else fresh.iloc[:0]
    frame = pd.concat([fresh, again], ignore_index=True)
    frame["incident_id"] = [f"V2-{i:08d}" for i in range(len(frame))]
    frame.to_parquet(path, index=False)
    return repeats


def _import_into_copy(store: Path, source: Path, copy: Path, policy: str) -> tuple[float, object]:
    """Seconds and result of importing ``source`` into a fresh copy of ``store`` with duplicates ``policy``."""
    shutil.copyfile(store, copy)
    con = connect(copy)
    try:
        return _timed(lambda: import_file(con, source, duplicates=policy))
    finally:
        con.close()
        copy.unlink(missing_ok=True)


def bench_overlaps(rows: int = 1_000_000, incoming: int = 100_000, seed: int = 7, repeats: int = 3) -> dict:
    """Time importing ``incoming`` rows into a store of ``rows`` demo cases, with and without the overlap check.

    The file holds new demo cases and, for 10 % of its rows, cases of the store again under
    other ids. Each way runs ``repeats`` times, alternately, on a fresh copy of the same store;
    the medians are compared (and the fastest runs: ``ratio_of_fastest``). Returns both timings,
    ``ratio`` (with / without: the price of the check) against :data:`OVERLAPS_TARGET_RATIO`, and
    what the check found.
    """
    machine, code = machine_info(), code_version()  # before the run: its load average, the code it measures
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base, store, source = folder / "base.parquet", folder / "store.duckdb", folder / "incoming.parquet"
        write_demo(base, rows=rows, seed=seed)
        con = connect(store)
        # Built as a store in use is: checked at import, so its cases' persons moved are known.
        build_s, _ = _timed(lambda: import_file(con, base))
        con.close()
        repeated = _incoming_file(base, source, incoming, 0.1, seed + 1)
        times: dict[str, list[float]] = {"off": [], "default": []}
        found = None
        for _ in range(repeats):
            for policy in times:
                seconds, result = _import_into_copy(store, source, folder / "run.duckdb", policy)
                times[policy].append(seconds)
                found = result if policy == "default" else found
    without, with_check = (percentile(times[p], 50) for p in ("off", "default"))
    return {
        "rows": rows,
        "incoming": incoming,
        "repeated_in_file": repeated,
        "store_build_s": round(build_s, 3),
        "import_without_check_s": [round(t, 3) for t in times["off"]],
        "import_with_check_s": [round(t, 3) for t in times["default"]],
        "median_without_s": round(without, 3),
        "median_with_s": round(with_check, 3),
        "ratio": round(with_check / without, 3),
        # On a shared machine the fastest run of each way is the one least slowed by others.
        "ratio_of_fastest": round(min(times["default"]) / min(times["off"]), 3),
        "target_ratio": OVERLAPS_TARGET_RATIO,
        "meets_target": with_check / without <= OVERLAPS_TARGET_RATIO,
        "probable_duplicates": found.probable_duplicates,
        "duplicates_of": found.duplicates_of,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "machine": machine,
        "code": code,
    }


def _naive_routes_sampled(store: str, limit: int) -> dict:
    """Baseline (child process): the naive per-case route loop on the first ``limit`` cases."""
    con = connect(store, read_only=True)
    try:
        graph = corridor_graph(con)
        total = con.execute(*sql.case_count()).fetchall()[0][0]
        seconds, routes = _timed(lambda: _naive_routes(con, graph, limit))
    finally:
        con.close()
    done = int(routes["cases"].sum())
    return {
        "cases": done,
        "seconds": round(seconds, 3),
        "estimated_s": round(seconds * total / max(done, 1), 3),
        "extrapolated": done < total,
        "peak_rss_mb": peak_rss_mb(),
    }


def _routes_measure(fast_s: float, view, naive: dict, rows: int) -> Measure:
    sampled = (
        f"; the naive loop ran on the first {naive['cases']:,} cases ({naive['seconds']} s) and is "
        f"extrapolated linearly to {rows:,}"
        if naive["extrapolated"]
        else ""
    )
    return Measure(
        "route reconstruction",
        "s",
        round(fast_s, 3),
        baseline=naive["estimated_s"],
        baseline_label="a route and a shapely LineString per case in a pandas loop, then grouped",
        ratio_target=ROUTES_TARGET_RATIO,
        note=(
            f"every case of the store: {len(view.corridors):,} routes, {len(view.legs):,} legs "
            f"(DuckDB sums per reported route, routes rebuilt per distinct signature, "
            f"leg geometry vectorised){sampled}"
        ),
        extra={"baseline": naive},
    )


# --- 5. map payload ----------------------------------------------------------------


def _case_arcs(con, period: tuple[dt.date, dt.date], limit: int) -> tuple[int, pd.DataFrame]:
    """Cases of the period with both ends known, and the first ``limit`` of them as per-case arcs
    (start: origin or nationality; end: destination or detection country; representative points)."""
    total = con.execute(*sql.period_arcs(*period)).fetchall()[0][0]
    arcs = con.execute(*sql.period_arcs(*period, limit=limit)).df()
    where = country_table().set_index("iso3")
    return total, pd.DataFrame(
        {
            "source_lon": arcs["a"].map(where["rep_lon"]),
            "source_lat": arcs["a"].map(where["rep_lat"]),
            "target_lon": arcs["b"].map(where["rep_lon"]),
            "target_lat": arcs["b"].map(where["rep_lat"]),
        }
    )


def _naive_payload(store: str, period: tuple[dt.date, dt.date], limit: int) -> dict:
    """Baseline (child process): a pydeck ArcLayer with one arc per case (coordinates only,
    serialised compactly), for a sample, extrapolated to every case of the period."""
    con = connect(store, read_only=True)
    try:
        total, arcs = _case_arcs(con, period, limit)
    finally:
        con.close()
    layer = pdk.Layer(
        "ArcLayer",
        arcs,
        get_source_position=["source_lon", "source_lat"],
        get_target_position=["target_lon", "target_lat"],
        get_width=1,
    )
    seconds, text = _timed(
        lambda: json.dumps(json.loads(pdk.Deck(layers=[layer], map_provider=None).to_json()), separators=(",", ":"))
    )
    size = len(text.encode())
    return {
        "cases": total,
        "sample": len(arcs),
        "sample_bytes": size,
        "to_json_s": round(seconds, 3),
        "estimated_bytes": round(size * total / max(len(arcs), 1)),
        "extrapolated": len(arcs) < total,
        "peak_rss_mb": peak_rss_mb(),
    }


def _payload_parts(con, graph, view) -> dict:
    """Everything of the payload measure that needs the store, computed while it is open."""
    corridor_deck(view.legs, view.hubs).to_json()  # the base polygons are built once per process
    seconds, text = _timed(lambda: corridor_deck(view.legs, view.hubs).to_json())
    uncapped = corridor_view(con, Filters(start=view.period[0], end=view.period[1]), graph=graph, max_flows=10**9, k=1)
    return {
        "bytes": len(text.encode()),
        "to_json_ms": _ms(seconds),
        "flows": len(view.legs),
        "hidden_flows": view.hidden_flows,
        "uncapped_legs": len(uncapped.legs),
        "period": view.period,
    }


def _payload_measures_from(context: dict, naive: dict) -> list[Measure]:
    p = context["payload"]
    scaled = (
        f"; per-case arcs serialised for {naive['sample']:,} of them ({naive['sample_bytes']:,} bytes) and "
        "extrapolated linearly"
        if naive["extrapolated"]
        else ""
    )
    where = f"default view {p['period'][0]} – {p['period'][1]} (last twelve whole months, no filter)"
    return [
        Measure(
            "map payload (deck JSON)",
            "bytes",
            p["bytes"],
            PAYLOAD_TARGET_BYTES,
            baseline=naive["estimated_bytes"],
            baseline_label="pydeck ArcLayer with one arc per case (coordinates only, compact JSON)",
            note=f"{where}; corridor_deck(...).to_json() in {p['to_json_ms']:.0f} ms{scaled}",
            extra={"to_json_ms": p["to_json_ms"], "baseline": naive},
        ),
        Measure(
            "map flows drawn",
            "flows",
            p["flows"],
            FLOWS_TARGET,
            baseline=naive["cases"],
            baseline_label="one arc per case of the period",
            note=(
                f"{where}; {p['hidden_flows']:,} legs not drawn (under the small-cell threshold or beyond the "
                f"cap); every distinct leg, uncapped and unprotected, would be {p['uncapped_legs']:,}"
            ),
            extra={"uncapped_distinct_legs": p["uncapped_legs"], "hidden_flows": p["hidden_flows"]},
        ),
    ]


# --- 6. snapshot export ------------------------------------------------------------


def _naive_snapshot(store: str, period: tuple[dt.date, dt.date], limit: int) -> dict:
    """Baseline (child process): matplotlib draws one line per case (``ax.plot`` each) for a sample
    and saves a 1600x1000 PNG; the time is extrapolated linearly to every case of the period."""

    con = connect(store, read_only=True)
    try:
        total, arcs = _case_arcs(con, period, limit)
    finally:
        con.close()

    def draw() -> int:
        fig = Figure(figsize=(16, 10), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        for arc in arcs.itertuples(index=False):
            ax.plot([arc.source_lon, arc.target_lon], [arc.source_lat, arc.target_lat], lw=0.3, alpha=0.2, color="C0")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.tell()

    seconds, size = _timed(draw)
    return {
        "cases": total,
        "sample": len(arcs),
        "sample_s": round(seconds, 3),
        "png_bytes": size,
        "estimated_s": round(seconds * total / max(len(arcs), 1), 3),
        "extrapolated": len(arcs) < total,
        "peak_rss_mb": peak_rss_mb(),
    }


def _snapshot_parts(con, graph, f: Filters) -> dict:
    context = export_context(con, f, (f.start, f.end))
    seconds, (_, data) = _timed(lambda: export_file(con, f, "snapshot", "png", context, graph=graph))
    return {"seconds": seconds, "png_bytes": len(data)}


def _snapshot_from(context: dict, naive: dict) -> Measure:
    s = context["snapshot"]
    scaled = (
        f"; drawn for {naive['sample']:,} cases in {naive['sample_s']} s and extrapolated linearly to "
        f"{naive['cases']:,}"
        if naive["extrapolated"]
        else ""
    )
    return Measure(
        "snapshot export (PNG)",
        "s",
        round(s["seconds"], 3),
        baseline=naive["estimated_s"],
        baseline_label="matplotlib, one ax.plot line per case, 1600x1000 PNG",
        note=(
            f"export_file(..., 'snapshot', 'png') of the default view, corridor view included "
            f"(graph cached, as the app passes it), export logged; {s['png_bytes']:,} bytes{scaled}"
        ),
        extra={"png_bytes": s["png_bytes"], "baseline": naive},
    )


# --- 7. reopening the store --------------------------------------------------------


def _whole_year(period: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """The last calendar year the store covers entirely (or its last year when none is whole)."""
    year = period[1].year if period[1] == dt.date(period[1].year, 12, 31) else period[1].year - 1
    return dt.date(max(year, period[0].year), 1, 1), dt.date(max(year, period[0].year), 12, 31)


def _reopen_ms(store: Path, year: tuple[dt.date, dt.date], times: int = 5) -> list[float]:
    """Open the store read-only and answer one corridor query, ``times`` times (each closed after)."""

    def once() -> None:
        con = connect(store, read_only=True)
        route_signatures(con, Filters(start=year[0], end=year[1]), year)
        con.close()

    return [_ms(_timed(once)[0]) for _ in range(times)]


def _pandas_reopen(parquet: str, year: tuple[dt.date, dt.date]) -> dict:
    """Baseline (child process): read the demo Parquet file with pandas and group the year's
    cases and persons by reported route (no previous period: less work than Turquesa does)."""

    def answer() -> pd.DataFrame:
        frame = pd.read_parquet(parquet)
        day = pd.to_datetime(frame["date"], errors="coerce")
        frame = frame[(day >= pd.Timestamp(year[0])) & (day <= pd.Timestamp(year[1]))]
        moved = [c for c in frame.columns if c.startswith(("victims_", "migrants_"))]
        frame = frame.assign(persons=frame[moved].sum(axis=1))
        return frame.groupby(list(SIGNATURE_COLUMNS), dropna=False).agg(
            cases=("persons", "size"), persons=("persons", "sum")
        )

    seconds, routes = _timed(answer)
    return {"ms": _ms(seconds), "routes": len(routes), "peak_rss_mb": peak_rss_mb()}


# --- 3 and 9: the dashboard, in subprocesses -----------------------------------------


def _run_script(args: list[str], out: Path, timeout: float) -> dict:
    """Run ``scripts/bench_browser.py`` with ``args`` writing JSON to ``out``; its report, or an error."""
    if not SCRIPT.exists():
        return {"error": f"{SCRIPT} not found (the benchmarks run from a checkout of the repository)"}
    log = out.with_suffix(".log")
    try:
        with log.open("wb") as sink:
            done = subprocess.run(
                [sys.executable, str(SCRIPT), *args, "--json", str(out)],
                stdout=sink,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                cwd=SCRIPT.parent.parent,
            )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0 or not out.exists():
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        return {"error": f"exit code {done.returncode}: " + " | ".join(tail)}
    return json.loads(out.read_text())


def _rerun_measures(report: dict) -> list[Measure]:
    """Server-side reruns per page under AppTest: with the rollups, against the case tables."""
    names = [Path(p).stem for p in APP_PAGES]
    if "error" in report:
        return [
            _not_measured(
                f"page rerun: {n} (p95)", "ms", report["error"], target=RERUN_TARGET_MS, target_at_rows=1_000_000
            )
            for n in names
        ]
    measures = []
    for name in names:
        page = report["pages"][name]
        fast, slow = page["rollups"], page["case_tables"]
        measures.append(
            Measure(
                f"page rerun: {name} (p95)",
                "ms",
                percentile(fast, 95),
                RERUN_TARGET_MS,
                baseline=percentile(slow, 95),
                baseline_label="the same reruns with the rollups bypassed (case tables)",
                target_at_rows=1_000_000,
                p50=percentile(fast, 50),
                baseline_p50=percentile(slow, 50),
                note=(
                    f"AppTest, {len(fast)} distinct filter changes (period, crime types, nationalities, sources; "
                    "each a cache miss, applied in one rerun); case tables: turquesa_geo's covers() patched to "
                    "False, data caches cleared, same changes"
                ),
                extra={"times_ms": fast, "baseline_times_ms": slow, "first_run_ms": page["first_run_ms"]},
            )
        )
    return measures


def _browser_measures(report: dict) -> list[Measure]:
    if "error" in report:
        return [
            _not_measured(f"browser: {p} filter change (p95)", "ms", report["error"], target=BROWSER_TARGET_MS)
            for p in BROWSER_PAGES
        ]
    floor = report["floor"]["times_ms"]
    measures = []
    for name in BROWSER_PAGES:
        times = report["pages"][name]["times_ms"]
        measures.append(
            Measure(
                f"browser: {name} filter change (p95)",
                "ms",
                percentile(times, 95),
                BROWSER_TARGET_MS,
                baseline=percentile(floor, 95),
                baseline_label="floor: a trivial Streamlit page with the same multiselect (ratio < 1 by construction)",
                p50=percentile(times, 50),
                baseline_p50=percentile(floor, 50),
                note=(
                    f"headless {report.get('chromium') or 'Chromium'}, no GPU; {len(times)} picks of a new "
                    f"nationality in the sidebar, each a cache miss; {report['definition']}; the script run "
                    f"itself ended after p50 {percentile(report['pages'][name]['script_done_ms'], 50):.0f} ms"
                ),
                extra={
                    "times_ms": times,
                    "floor_times_ms": floor,
                    "script_done_ms": report["pages"][name]["script_done_ms"],
                    "floor_script_done_ms": report["floor"]["script_done_ms"],
                },
            )
        )
    return measures


# --- 8. memory ---------------------------------------------------------------------


def _memory_measure(own_mb: float, parts: dict[str, float | None], baselines: dict[str, float]) -> Measure:
    """Peak resident memory of the Turquesa processes against the largest pandas baseline process."""
    peaks = {
        "bench process (demo files, imports, queries, export)": own_mb,
        **{k: v for k, v in parts.items() if v is not None},
    }
    return Measure(
        "peak memory",
        "MiB",
        max(peaks.values()),
        MEMORY_TARGET_MB,
        baseline=max(baselines.values()) if baselines else None,
        baseline_label="the largest pandas baseline process",
        target_at_rows=10_000_000,
        note="ru_maxrss per process: "
        + "; ".join(f"{k} {v:,.0f}" for k, v in peaks.items())
        + "; baselines: "
        + "; ".join(f"{k} {v:,.0f}" for k, v in baselines.items()),
        extra={"turquesa_mb": peaks, "baselines_mb": baselines},
    )


# --- the whole run -----------------------------------------------------------------


@dataclass
class _Run:
    """Files and settings of one ``bench_all`` run."""

    rows: int
    seed: int
    folder: Path
    changes: int
    browser_changes: int
    naive_rows: int
    apptest: bool
    browser: bool

    @property
    def csv(self) -> Path:
        return self.folder / f"demo-{self.rows}.csv"

    @property
    def parquet(self) -> Path:
        return self.folder / f"demo-{self.rows}.parquet"

    @property
    def store(self) -> Path:
        return self.folder / "store.duckdb"


def _say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def bench_all(
    rows: int,
    seed: int = 7,
    *,
    changes: int = 30,
    browser_changes: int = 15,
    naive_rows: int = NAIVE_VALIDATION_ROWS,
    apptest: bool = True,
    browser: bool = True,
    workdir: str | os.PathLike[str] | None = None,
) -> dict:
    """Every figure of the performance issue at ``rows`` demo cases, each beside its baseline.

    Parameters
    ----------
    changes : int
        Random filter changes timed per page query and per page rerun (at least 30 for a p95).
    browser_changes : int
        Filter changes timed per page in the browser.
    naive_rows : int
        Rows the naive per-row import validation runs on before it is extrapolated.
    apptest, browser : bool
        Run the AppTest reruns and the browser timings (both subprocesses).
    workdir : path, optional
        Keep the demo files and the store here (default: a temporary folder, removed after).

    Returns
    -------
    dict
        ``rows``, ``machine``, ``measures`` (one dict per figure: value, target, baseline,
        ratio, met, note), ``details`` and ``seconds``.
    """
    started = time.perf_counter()
    machine, code = machine_info(), code_version()  # before the run: its load average, the code it measures
    folder = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="turquesa-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    run = _Run(rows, seed, folder, changes, browser_changes, naive_rows, apptest, browser)
    try:
        measures, details = _measure_everything(run)
    finally:
        if not workdir:
            shutil.rmtree(folder, ignore_errors=True)
    return {
        "rows": rows,
        "seed": seed,
        "date": dt.date.today().isoformat(),
        "code": code,
        "machine": machine | {"load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "measures": [m.to_dict() for m in measures],
        "details": details,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _measure_everything(run: _Run) -> tuple[list[Measure], dict]:
    """The recipe: data, imports, in-process measures, reopening, baselines, the dashboard, memory."""
    peaks: dict[str, float | None] = {}
    details = _write_demo_files(run)
    peaks["after writing the demo files"] = peak_rss_mb()
    _say("imports (validated) and their baselines")
    measures, import_details = _import_measures(run.rows, run.csv, run.parquet, run.store, run.naive_rows)
    peaks["after the imports"] = peak_rss_mb()
    context = _in_process_measures(run)
    peaks["after queries, routes, payload and snapshot"] = peak_rss_mb()
    _say("reopening the store read-only")
    year = _whole_year(context["period"])
    reopen = _reopen_ms(run.store, year)
    baselines = _baselines(run, context, year)
    measures += _analysis_measures(run, context, baselines, reopen, year)
    dashboard, parts, dashboard_details = _dashboard_measures(run)
    measures += dashboard
    baseline_peaks = {
        f"pandas {m.name.split()[1]} import": m.extra["baseline"]["peak_rss_mb"]
        for m in measures
        if m.name.startswith("import")
    } | {k: v["peak_rss_mb"] for k, v in baselines.items()}
    measures.append(_memory_measure(peak_rss_mb(), parts, baseline_peaks))
    details.update(
        import_details
        | context["details"]
        | dashboard_details
        | {
            "peak_rss_mb_of_the_bench_process": peaks,
            "query_baseline": {k: v for k, v in baselines["pandas queries"].items() if k != "times_ms"},
        }
    )
    return _ordered(measures), details


def _write_demo_files(run: _Run) -> dict:
    _say(f"writing {run.rows:,} demo cases as CSV and Parquet in {run.folder}")
    seconds = [_timed(lambda p=p: write_demo(p, rows=run.rows, seed=run.seed))[0] for p in (run.csv, run.parquet)]
    run.store.unlink(missing_ok=True)
    return {"demo_write_s": [round(s, 3) for s in seconds], "changes": run.changes}


def _baselines(run: _Run, context: dict, year: tuple[dt.date, dt.date]) -> dict[str, dict]:
    """The naive baselines, each in a child process of its own (the store is closed here)."""
    _say("baselines in child processes: queries, routes, payload, snapshot, reopen")
    store = str(run.store)
    return {
        "pandas queries": _in_child(_pandas_query_times, store, context["changes"], context["reference"]),
        "naive routes": _in_child(_naive_routes_sampled, store, NAIVE_ROUTE_ROWS),
        "per-case arcs": _in_child(_naive_payload, store, context["default"], NAIVE_ARC_ROWS),
        "per-case lines": _in_child(_naive_snapshot, store, context["default"], NAIVE_LINE_ROWS),
        "pandas reopen": _in_child(_pandas_reopen, str(run.parquet), year),
    }


def _analysis_measures(
    run: _Run, context: dict, baselines: dict[str, dict], reopen: list[float], year: tuple[dt.date, dt.date]
) -> list[Measure]:
    """Queries, routes, payload, snapshot and reopening, each beside its baseline."""
    reopen_base = baselines["pandas reopen"]
    return [
        *_query_measures(context["times"], baselines["pandas queries"], context["rollups"]),
        _routes_measure(context["routes_s"], context["routes_view"], baselines["naive routes"], run.rows),
        *_payload_measures_from(context, baselines["per-case arcs"]),
        _snapshot_from(context, baselines["per-case lines"]),
        Measure(
            "reopen read-only + first corridor query",
            "ms",
            percentile(reopen, 50),
            REOPEN_TARGET_MS,
            baseline=reopen_base["ms"],
            baseline_label="pandas read_parquet of the demo file + the same groupby",
            note=(
                f"connect(read_only=True) + route_signatures for {year[0]} – {year[1]}, median of {len(reopen)} "
                f"(each after close; slowest {max(reopen):.0f} ms); the OS file cache is warm"
            ),
            extra={"times_ms": reopen, "baseline": reopen_base},
        ),
    ]


def _dashboard_measures(run: _Run) -> tuple[list[Measure], dict[str, float | None], dict]:
    """Page reruns (AppTest) and filter changes in the browser, both in subprocesses; their peak memory."""
    apptest = _dashboard_reruns(run)
    browser = _browser_run(run)
    parts = {
        "AppTest process (dashboard pages in-process)": apptest.get("peak_rss_mb"),
        "dashboard server (browser run)": browser.get("server_peak_rss_mb"),
    }
    return [*_rerun_measures(apptest), *_browser_measures(browser)], parts, {"apptest": apptest, "browser": browser}


def _in_process_measures(run: _Run) -> dict:
    """Queries, routes, payload and snapshot on one writable connection (closed before any child runs)."""
    con = connect(run.store)
    try:
        graph = corridor_graph(con)
        period = store_period(con)
        default = default_period(period)
        changes = filter_changes(store_choices(con), period, run.changes, run.seed)
        warm = Filters(start=default[0], end=default[1])
        _say(f"timing {run.changes} filter changes per page query")
        times = _turquesa_query_times(con, graph, changes, warm)
        reference = _reference_totals(con, changes[0])
        _say("routes, map payload, snapshot export")
        routes_s, routes_view = _timed(lambda: _fast_routes(con, graph))
        view = corridor_view(con, warm, graph=graph)
        payload = _payload_parts(con, graph, view)
        snapshot = _snapshot_parts(con, graph, warm)
    finally:
        con.close()
    context = {
        "period": period,
        "default": default,
        "changes": changes,
        "reference": reference,
        "times": times,
        "rollups": all(covers(f, (f.start, f.end), previous_period(f)) for f in changes),
        "routes_s": routes_s,
        "routes_view": routes_view,
        "payload": payload,
        "snapshot": snapshot,
        "details": {
            "store_period": [str(period[0]), str(period[1])],
            "default_period": [str(d) for d in default],
            "filter_changes": [_filter_text(f) for f in changes],
        },
    }
    return context


def _filter_text(f: Filters) -> str:
    return "&".join(f"{k}={v}" for k, v in to_query_params(f).items())


def _dashboard_reruns(run: _Run) -> dict:
    if not run.apptest:
        return {"error": "skipped (--no-apptest)"}
    _say(f"page reruns under AppTest ({run.changes} changes per page, rollups then case tables)")
    return _run_script(
        ["apptest", "--db", str(run.store), "--changes", str(run.changes), "--seed", str(run.seed)],
        run.folder / "apptest.json",
        timeout=3600,
    )


def _browser_run(run: _Run) -> dict:
    if not run.browser:
        return {"error": "skipped (--no-browser)"}
    if not CHROMIUM.exists():
        return {"error": f"no chromium at {CHROMIUM}"}
    _say(f"filter changes in the browser ({run.browser_changes} per page, and the empty-page floor)")
    return _run_script(
        ["browser", "--db", str(run.store), "--changes", str(run.browser_changes)],
        run.folder / "browser.json",
        timeout=3600,
    )


_ORDER = ("import", "query", "page rerun", "route", "map", "snapshot", "reopen", "peak", "browser")


def _ordered(measures: list[Measure]) -> list[Measure]:
    return sorted(measures, key=lambda m: next(i for i, p in enumerate(_ORDER) if m.name.startswith(p)))


# --- the printed table ---------------------------------------------------------------


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("rows/s", "bytes", "flows", "MiB"):
        return f"{value:,.0f} {unit}"
    return f"{value:,.1f} {unit}" if value >= 10 else f"{value:,.2f} {unit}"


def report_table(report: dict) -> tuple[list[str], list[list[str]], list[str]]:
    """Headers, rows and numbered notes of a ``bench_all`` report, for printing."""
    headers = ["measure", "value", "p50", "target", "baseline", "ratio", "met"]
    rows, notes = [], []
    for i, m in enumerate(report["measures"], 1):
        op = "≥" if m["higher_is_better"] else "≤"
        target = (
            " and ".join(
                filter(
                    None,
                    [
                        m["target"] is not None and f"{op} {_figure(m['target'], m['unit'])}",
                        m["ratio_target"] is not None and f"≥ {m['ratio_target']}× baseline",
                    ],
                )
            )
            or "—"
        )
        if m["target_at_rows"]:
            target += f" (at {m['target_at_rows']:,})"
        met = {True: "yes", False: "NO", None: "—"}[m["met"]]
        rows.append(
            [
                f"{m['name']} [{i}]",
                _figure(m["value"], m["unit"]),
                _figure(m["p50"], m["unit"]),
                target,
                _figure(m["baseline"], m["unit"]),
                "—" if m["ratio"] is None else f"{m['ratio']:,.1f}×",
                met,
            ]
        )
        notes.append(f"[{i}] {m['note']}" + (f" Baseline: {m['baseline_label']}." if m["baseline_label"] else ""))
    return headers, rows, notes
