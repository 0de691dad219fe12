"""Import incident files into the store: validate, quarantine, reconcile, upsert.

One file is one transaction. Every row read is either accepted or quarantined with
the rule that caught it; importing the same bytes twice adds nothing, and a changed
row with a known (source, incident_id) replaces the stored case.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from . import columns as C
from .countries import country_table, resolve_country, suggest_countries
from .parsing import DateOrderError, parse_dates, parse_multi, parse_route
from .readers import LINE_COLUMN, ImportRefused, StageInfo, drop_stage, load_stage
from .sql import quote_ident as q

__all__ = ["RULES", "ImportResult", "import_file", "PROFILES", "ProgressCallback"]

#: Quarantine rules: code and what it means.
RULES: dict[str, str] = {
    "ragged_row": "the row has more or fewer fields than the header",
    "missing_id": "incident_id is empty",
    "duplicate_id": "the same (source, incident_id) appears earlier in the file",
    "missing_date": "date is empty",
    "bad_date": "date is not a valid date in the file's date format",
    "future_date": "date is after the day of the import",
    "missing_crime_type": "crime_type is empty",
    "unknown_term": "a value is not a code or label of its controlled vocabulary",
    "unknown_country": "a country name or code is not known (suggestions are given)",
    "bad_coordinate": "lat or lon is not a number",
    "incomplete_coordinates": "only one of lat and lon is given",
    "coordinates_out_of_range": "lat outside [-90, 90] or lon outside [-180, 180]",
    "null_island": "lat and lon are both 0",
    "coordinates_swapped": "lat and lon seem swapped: the swapped point is in the stated country",
    "coordinates_outside_country": "the point is far outside the stated detection country",
    "bad_count": "a person count is not a whole number",
    "negative_count": "a person count is negative",
}

PROFILES: tuple[str, ...] = ("flat",)

#: Degrees of slack around a country's bounding box before a point counts as outside.
BBOX_MARGIN_DEG = 1.0

ProgressCallback = Callable[[str, float], None]


@dataclass
class ImportResult:
    """The reconciliation of one import."""

    import_id: int
    file_name: str
    sha256: str
    profile: str
    source: str | None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    dropped_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    quarantine_by_rule: dict[str, int] = field(default_factory=dict)
    already_imported: bool = False
    file_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def reconciles(self) -> bool:
        """True when rows read = accepted + quarantined and accepted = inserted + updated + unchanged."""
        return (self.rows_read == self.rows_accepted + self.rows_quarantined
                and self.rows_accepted == self.rows_inserted + self.rows_updated + self.rows_unchanged)

    def to_dict(self) -> dict:
        """Plain JSON-ready dict."""
        return asdict(self) | {"reconciles": self.reconciles}


def _noop(_phase: str, _fraction: float) -> None:
    return None


def import_file(con: duckdb.DuckDBPyConnection, path: str | Path, *, profile: str = "flat",
                source: str | None = None, date_format: str | None = None, today: dt.date | None = None,
                progress: ProgressCallback | None = None, file_name: str | None = None) -> ImportResult:
    """Import one file into the store as one transaction.

    Parameters
    ----------
    con : duckdb connection
        A writable store connection (see :func:`turquesa_geo.store.connect`).
    path : path
        CSV (``,`` ``;`` tab or ``|``; UTF-8, UTF-8 BOM, UTF-16 BOM or Windows-1252),
        Parquet, XLSX or JSON file in the flat incident format.
    source : str, optional
        Reporting source for rows whose ``source`` is empty; defaults to the file name.
    date_format : str, optional
        strptime format that settles day-first versus month-first dates.
    today : date, optional
        The import day, for the future-date rule (defaults to the real date).
    progress : callable, optional
        Called with (phase, fraction done) as the import advances.
    file_name : str, optional
        The name to record when ``path`` is a temporary copy (uploads).

    Returns
    -------
    ImportResult
        With ``already_imported`` set, and no row added, when these exact bytes were
        imported before.

    Raises
    ------
    ImportRefused
        For a file that cannot be imported at all (empty, undetectable encoding,
        missing required columns, undecidable date order); nothing is written.
    """
    path = Path(path)
    name = file_name or path.name
    progress = progress or _noop
    if profile not in PROFILES:
        raise ImportRefused(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    sha = _sha256(path)
    previous = _previous_import(con, sha)
    if previous is not None:
        return _already_imported(con, previous, name, sha, profile)
    today = today or dt.date.today()
    default_source = source or Path(name).stem
    started = dt.datetime.now()
    try:
        # Staging and validation touch temporary tables only; the store changes in
        # one transaction below, so a crash anywhere leaves all or none of the file.
        progress("read", 0.05)
        info = load_stage(con, path)
        result = ImportResult(0, name, sha, profile, source, file_format=info.file_format,
                              encoding=info.encoding, delimiter=info.delimiter, rows_read=info.rows_read)
        result.dropped_columns, result.ignored_columns = _drop_unusable_columns(con, info, name)
        progress("validate", 0.35)
        _build_maps(con, info, date_format, name)
        _build_canonical(con, info, default_source, today)
        progress("write", 0.65)
        _write_in_one_transaction(con, result, info, started)
    finally:
        _drop_temp_tables(con)
    progress("done", 1.0)
    return result


def _write_in_one_transaction(con, result: ImportResult, info: StageInfo, started: dt.datetime) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        result.import_id = _next_import_id(con)
        _write_cases(con, result.import_id, result)
        _write_quarantine(con, result.import_id, info, result)
        _record_import(con, result, started)
        if not result.reconciles:
            raise RuntimeError(f"import of {result.file_name} does not reconcile: {result.to_dict()}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


# --- bookkeeping -------------------------------------------------------------------

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        raise ImportRefused(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportRefused(f"{path}: is a directory, not a file") from None
    return digest.hexdigest()


def _previous_import(con, sha: str) -> int | None:
    row = con.execute(
        "SELECT min(import_id) FROM imports WHERE sha256 = ? AND status = 'done'", [sha]
    ).fetchall()[0]
    return None if row[0] is None else int(row[0])


def _already_imported(con, import_id: int, name: str, sha: str, profile: str) -> ImportResult:
    row = con.execute("SELECT source FROM imports WHERE import_id = ?", [import_id]).fetchall()[0]
    return ImportResult(import_id, name, sha, profile, row[0], already_imported=True)


def _next_import_id(con) -> int:
    return int(con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0])


def _record_import(con, result: ImportResult, started: dt.datetime) -> None:
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'done')",
        [result.import_id, result.file_name, result.sha256, result.profile, result.source, result.rows_read,
         result.rows_accepted, result.rows_quarantined, result.rows_inserted, result.rows_updated,
         result.rows_unchanged, json.dumps(result.dropped_columns), json.dumps(result.ignored_columns),
         started, dt.datetime.now()],
    )


_TEMP_TABLES = ("canon", "errs", "ins", "m_date", "m_country", "m_route", "m_term", "m_bbox")


def _drop_temp_tables(con) -> None:
    drop_stage(con)
    for name in _TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")


# --- columns -----------------------------------------------------------------------

def _drop_unusable_columns(con, info: StageInfo, file_name: str) -> tuple[list[str], list[str]]:
    """Drop personal-identifier columns and note columns the model does not use."""
    missing = [c for c in C.REQUIRED_COLUMNS if c not in info.columns]
    if missing:
        raise ImportRefused(
            f"{file_name}: missing required column(s) {', '.join(missing)}; found: {', '.join(info.columns)}"
        )
    dropped, ignored = [], []
    for column in info.columns:
        if column in C.FLAT_COLUMNS:
            continue
        if C.looks_personal(column):
            dropped.append(column)
        else:
            try:
                C.parse_count_column(column)
            except ValueError as exc:
                raise ImportRefused(f"{file_name}: {exc}") from None
            ignored.append(column)
    # Dropped columns are never read again: canonical rows and quarantine records
    # name only the kept columns.
    info.columns = [c for c in info.columns if c not in dropped and c not in ignored]
    return dropped, ignored


# --- lookups built from distinct values ----------------------------------------------

def _distinct(con, column: str) -> list[str]:
    return [r[0] for r in con.execute(f"SELECT DISTINCT {q(column)} FROM stage WHERE {q(column)} IS NOT NULL").fetchall()]


def _register(con, name: str, table: pa.Table) -> None:
    con.register(f"_{name}", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _{name}")
    con.unregister(f"_{name}")


def _suggestion(text: str) -> str | None:
    suggestions = suggest_countries(text)
    return ", ".join(suggestions) if suggestions else None


def _build_maps(con, info: StageInfo, date_format: str | None, file_name: str) -> None:
    cols = set(info.columns)
    try:
        dates = parse_dates(_distinct(con, C.DATE), date_format)
    except DateOrderError as exc:
        raise ImportRefused(f"{file_name}: {exc}") from None
    _register(con, "m_date", pa.table({"raw": pa.array(list(dates), pa.string()),
                                       "d": pa.array(list(dates.values()), pa.date32())}))
    raws = sorted({v for c in C.COUNTRY_COLUMNS if c in cols for v in _distinct(con, c)})
    isos = [resolve_country(v) for v in raws]
    _register(con, "m_country", pa.table({
        "raw": pa.array(raws, pa.string()), "iso3": pa.array(isos, pa.string()),
        "suggestion": pa.array([None if i else _suggestion(v) for v, i in zip(raws, isos)], pa.string()),
    }))
    routes = {v: parse_route(v) for v in (_distinct(con, C.TRANSIT) if C.TRANSIT in cols else [])}
    _register(con, "m_route", pa.table({
        "raw": pa.array(list(routes), pa.string()),
        "path": pa.array([">".join(r.countries) or None for r in routes.values()], pa.string()),
        "bad": pa.array([r.bad_token for r in routes.values()], pa.string()),
        "suggestion": pa.array([_suggestion(r.bad_token) if r.bad_token else None for r in routes.values()],
                               pa.string()),
    }))
    terms = [("crime_type", C.CRIME_TYPE), ("network", C.NETWORK), *((v, k) for k, v in C.MULTI_VALUE_COLUMNS.items())]
    rows: dict[str, list] = {"col": [], "raw": [], "codes": [], "bad": []}
    for vocabulary, column in terms:
        if column not in cols:
            continue
        for raw in _distinct(con, column):
            parsed = parse_multi(vocabulary, raw)
            if column in (C.CRIME_TYPE, C.NETWORK) and len(parsed.codes) != 1 and not parsed.bad_token:
                parsed = type(parsed)((), raw)  # single-valued: exactly one term
            rows["col"].append(column)
            rows["raw"].append(raw)
            rows["codes"].append(";".join(parsed.codes) or None)
            rows["bad"].append(parsed.bad_token)
    _register(con, "m_term", pa.table({
        "col": pa.array(rows["col"], pa.string()), "raw": pa.array(rows["raw"], pa.string()),
        "codes": pa.array(rows["codes"], pa.string()), "bad": pa.array(rows["bad"], pa.string()),
    }))
    table = country_table()
    _register(con, "m_bbox", pa.Table.from_pandas(
        table[["iso3", "min_lon", "min_lat", "max_lon", "max_lat"]], preserve_index=False))
    info.decimal_comma = _uses_decimal_comma(con, info)


def _uses_decimal_comma(con, info: StageInfo) -> bool:
    """Decide once per file whether coordinates use a decimal comma."""
    if info.delimiter in (None, ",") or C.LAT not in info.columns:
        return False
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE regexp_full_match({q(C.LAT)}, '-?[0-9]+,[0-9]+')), "
        f"count(*) FILTER (WHERE regexp_full_match({q(C.LAT)}, '-?[0-9]+\\.[0-9]+')) FROM stage"
    ).fetchall()[0]
    return row[0] > 0 and row[1] == 0


# --- canonical rows and the rules ----------------------------------------------------

def _present(info: StageInfo, column: str) -> bool:
    return column in info.columns


def _col(info: StageInfo, column: str) -> str:
    """The stage column, or NULL when the file lacks it (missing means not reported)."""
    return f"s.{q(column)}" if _present(info, column) else "CAST(NULL AS VARCHAR)"


def _number_expr(info: StageInfo, column: str) -> str:
    raw = _col(info, column)
    if info.decimal_comma:
        raw = f"replace({raw}, ',', '.')"
    return f"TRY_CAST({raw} AS DOUBLE)"


def _build_canonical(con, info: StageInfo, default_source: str, today: dt.date) -> None:
    selects = [f"s.{LINE_COLUMN}", f"coalesce({_col(info, C.SOURCE)}, ?) AS _source",
               f"{_col(info, C.INCIDENT_ID)} AS _incident_id", f"{_col(info, C.DATE)} AS _date_raw", "d.d AS _date"]
    joins = [f"LEFT JOIN m_date d ON d.raw = {_col(info, C.DATE)}"]
    for column in C.COUNTRY_COLUMNS:
        alias = f"k_{column}"
        selects += [f"{_col(info, column)} AS _{column}_raw", f"{alias}.iso3 AS _{column}",
                    f"{alias}.suggestion AS _{column}_sugg"]
        joins.append(f"LEFT JOIN m_country {alias} ON {alias}.raw = {_col(info, column)}")
    selects += [f"{_col(info, C.TRANSIT)} AS _transit_raw", "r.path AS _transit", "r.bad AS _transit_bad",
                "r.suggestion AS _transit_sugg"]
    joins.append(f"LEFT JOIN m_route r ON r.raw = {_col(info, C.TRANSIT)}")
    for column in (C.CRIME_TYPE, C.NETWORK, *C.MULTI_VALUE_COLUMNS):
        alias = f"t_{column}"
        selects += [f"{_col(info, column)} AS _{column}_raw", f"{alias}.codes AS _{column}", f"{alias}.bad AS _{column}_bad"]
        joins.append(f"LEFT JOIN m_term {alias} ON {alias}.col = '{column}' AND {alias}.raw = {_col(info, column)}")
    selects += [f"{_col(info, C.LAT)} AS _lat_raw", f"{_col(info, C.LON)} AS _lon_raw",
                f"{_number_expr(info, C.LAT)} AS _lat", f"{_number_expr(info, C.LON)} AS _lon",
                f"{_col(info, C.PLACE)} AS _place"]
    counts = [c for c in C.COUNT_COLUMNS if _present(info, c)]
    for column in counts:
        selects += [f"{_col(info, column)} AS _{column}_raw", f"{_number_expr(info, column)} AS _{column}"]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE canon AS SELECT {', '.join(selects)} FROM stage s {' '.join(joins)}",
        [default_source],
    )
    _build_errors(con, counts, today)


def _rule(rule: str, column: str | None, value: str, message: str, where: str) -> str:
    column_sql = f"'{column}'" if column else "NULL"
    return (f"SELECT {LINE_COLUMN}, {column_sql} AS column_name, '{rule}' AS rule, {value} AS value, "
            f"{message} AS message FROM canon WHERE {where}")


def _quoted(expr: str) -> str:
    return f"'''' || {expr} || ''''"


def _build_errors(con, counts: list[str], today: dt.date) -> None:
    rules = [
        _rule("missing_id", C.INCIDENT_ID, "NULL", "'incident_id is empty'", "_incident_id IS NULL"),
        _rule("missing_date", C.DATE, "NULL", "'date is empty'", "_date_raw IS NULL"),
        _rule("bad_date", C.DATE, "_date_raw",
              f"'date ' || {_quoted('_date_raw')} || ' is not a valid date (expected e.g. 2024-03-31)'",
              "_date_raw IS NOT NULL AND _date IS NULL"),
        _rule("future_date", C.DATE, "_date_raw",
              f"'date ' || {_quoted('_date_raw')} || ' is after the import day ' || CAST($today AS VARCHAR)",
              "_date > $today"),
        _rule("missing_crime_type", C.CRIME_TYPE, "NULL",
              "'crime_type is empty (expected trafficking, smuggling or both)'", "_crime_type_raw IS NULL"),
    ]
    for column in (C.CRIME_TYPE, C.NETWORK, *C.MULTI_VALUE_COLUMNS):
        vocabulary = C.MULTI_VALUE_COLUMNS.get(column, column)
        rules.append(_rule(
            "unknown_term", column, f"_{column}_bad",
            f"{_quoted(f'_{column}_bad')} || ' is not a known {vocabulary.replace('_', ' ')} "
            f"(see the {vocabulary} vocabulary)'",
            f"_{column}_bad IS NOT NULL",
        ))
    for column in C.COUNTRY_COLUMNS:
        rules.append(_rule(
            "unknown_country", column, f"_{column}_raw",
            f"'unknown country ' || {_quoted(f'_{column}_raw')} || ' in {column}' || "
            f"coalesce('; did you mean ' || _{column}_sugg || '?', '')",
            f"_{column}_raw IS NOT NULL AND _{column} IS NULL",
        ))
    rules.append(_rule(
        "unknown_country", C.TRANSIT, "_transit_bad",
        f"'unknown country ' || {_quoted('_transit_bad')} || ' in transit' || "
        "coalesce('; did you mean ' || _transit_sugg || '?', '')",
        "_transit_bad IS NOT NULL",
    ))
    rules += _coordinate_rules()
    for column in counts:
        rules.append(_rule("bad_count", column, f"_{column}_raw",
                           f"'{column} ' || {_quoted(f'_{column}_raw')} || ' is not a whole number'",
                           f"_{column}_raw IS NOT NULL AND (_{column} IS NULL OR _{column} <> floor(_{column}))"))
        rules.append(_rule("negative_count", column, f"_{column}_raw",
                           f"'{column} ' || {_quoted(f'_{column}_raw')} || ' is negative'",
                           f"_{column} < 0 AND _{column} = floor(_{column})"))
    duplicate = (
        f"SELECT {LINE_COLUMN}, '{C.INCIDENT_ID}', 'duplicate_id', _incident_id, "
        f"'incident_id ' || {_quoted('_incident_id')} || ' already used on line ' || CAST(first_line AS VARCHAR) "
        f"FROM (SELECT {LINE_COLUMN}, _incident_id, min({LINE_COLUMN}) OVER "
        f"(PARTITION BY _source, _incident_id) AS first_line FROM canon WHERE _incident_id IS NOT NULL) "
        f"WHERE {LINE_COLUMN} > first_line"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE errs AS {' UNION ALL '.join(rules)} UNION ALL {duplicate}",
        {"today": today},
    )


def _coordinate_rules() -> list[str]:
    both = "_lat_raw IS NOT NULL AND _lon_raw IS NOT NULL AND _lat IS NOT NULL AND _lon IS NOT NULL"
    in_range = f"{both} AND _lat BETWEEN -90 AND 90 AND _lon BETWEEN -180 AND 180 AND NOT (_lat = 0 AND _lon = 0)"
    point = "'(' || _lat_raw || ', ' || _lon_raw || ')'"
    inside = ("EXISTS (SELECT 1 FROM m_bbox b WHERE b.iso3 = canon._detection_country AND {y} BETWEEN "
              f"b.min_lat - {BBOX_MARGIN_DEG} AND b.max_lat + {BBOX_MARGIN_DEG} AND {{x}} BETWEEN "
              f"b.min_lon - {BBOX_MARGIN_DEG} AND b.max_lon + {BBOX_MARGIN_DEG})")
    known_bbox = "_detection_country IN (SELECT iso3 FROM m_bbox)"
    not_inside = f"{in_range} AND {known_bbox} AND NOT {inside.format(y='_lat', x='_lon')}"
    swapped_inside = inside.format(y="_lon", x="_lat")
    return [
        _rule("bad_coordinate", C.LAT, "_lat_raw", f"'lat ' || {_quoted('_lat_raw')} || ' is not a number'",
              "_lat_raw IS NOT NULL AND _lat IS NULL"),
        _rule("bad_coordinate", C.LON, "_lon_raw", f"'lon ' || {_quoted('_lon_raw')} || ' is not a number'",
              "_lon_raw IS NOT NULL AND _lon IS NULL"),
        _rule("incomplete_coordinates", C.LAT, "coalesce(_lat_raw, _lon_raw)",
              "'only one of lat and lon is given'", "(_lat_raw IS NULL) <> (_lon_raw IS NULL)"),
        _rule("coordinates_out_of_range", C.LAT, point,
              f"'point ' || {point} || ' is outside lat [-90, 90] / lon [-180, 180]'",
              f"{both} AND NOT (_lat BETWEEN -90 AND 90 AND _lon BETWEEN -180 AND 180)"),
        _rule("null_island", C.LAT, point, "'point (0, 0) is a placeholder, not a place'",
              f"{both} AND _lat = 0 AND _lon = 0"),
        _rule("coordinates_swapped", C.LAT, point,
              f"'point ' || {point} || ' is outside ' || _detection_country || "
              "' but inside it with lat and lon swapped'",
              f"{not_inside} AND {swapped_inside}"),
        _rule("coordinates_outside_country", C.LAT, point,
              f"'point ' || {point} || ' is more than {BBOX_MARGIN_DEG:g} degree outside ' || _detection_country",
              f"{not_inside} AND NOT {swapped_inside}"),
    ]


# --- writing -----------------------------------------------------------------------

def _canonical_columns(counts: list[str]) -> list[str]:
    """The columns of a canonical row (what is written), without the raw text kept for messages."""
    return [LINE_COLUMN, "_source", "_incident_id", "_date", "_place", "_lat", "_lon", "_transit",
            *(f"_{c}" for c in C.COUNTRY_COLUMNS), *(f"_{c}" for c in (C.CRIME_TYPE, C.NETWORK, *C.MULTI_VALUE_COLUMNS)),
            *(f"_{c}" for c in counts)]


def _hash_expr(counts: list[str]) -> str:
    """A fingerprint of a row's canonical values, to tell changed rows from unchanged ones."""
    parts = _canonical_columns([])[1:]
    # The count columns a file has are part of what it says ("not reported" differs from 0).
    parts += [f"'{c}'" for c in counts] + [f"CAST(_{c} AS BIGINT)" for c in counts]
    return "CAST(hash(" + ", ".join(parts) + ") AS VARCHAR)"


def _write_cases(con, import_id: int, result: ImportResult) -> None:
    canon_columns = {r[0] for r in con.execute("SELECT name FROM pragma_table_info('canon')").fetchall()}
    counts = [c for c in C.COUNT_COLUMNS if f"_{c}" in canon_columns]
    base = con.execute("SELECT coalesce(max(case_uid), 0) FROM cases").fetchall()[0][0]
    # One pass: accepted rows, their fingerprint, and the stored case they replace.
    # New cases get uid = previous maximum + line number: unique, no sort needed.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE ins AS "
        f"WITH a AS (SELECT {', '.join(_canonical_columns(counts))}, {_hash_expr(counts)} AS _hash FROM canon "
        f"WHERE {LINE_COLUMN} NOT IN (SELECT {LINE_COLUMN} FROM errs)), "
        f"m AS (SELECT a.{LINE_COLUMN}, c.case_uid, c.row_hash FROM a JOIN cases c "
        f"ON c.source = a._source AND c.incident_id = a._incident_id) "
        f"SELECT a.*, m.case_uid AS _old_uid, coalesce(m.case_uid, CAST(? AS BIGINT) + a.{LINE_COLUMN}) AS case_uid "
        f"FROM a LEFT JOIN m USING ({LINE_COLUMN}) WHERE m.row_hash IS DISTINCT FROM a._hash",
        [base],
    )
    for table in ("case_persons", "case_events", "case_attributes", "cases"):
        con.execute(f"DELETE FROM {table} WHERE case_uid IN (SELECT _old_uid FROM ins WHERE _old_uid IS NOT NULL)")
    con.execute(
        "INSERT INTO cases SELECT case_uid, _source, _incident_id, _network, _reporting_country, _crime_type, "
        "_date, _nationality, _origin, _transit, _destination, _detection_country, _place, "
        "_lat, _lon, ?, _hash FROM ins",
        [import_id],
    )
    _write_persons(con, counts)
    _write_attributes(con)
    read, bad = con.execute(
        f"SELECT (SELECT count(*) FROM canon), (SELECT count(DISTINCT {LINE_COLUMN}) FROM errs)").fetchall()[0]
    total, updated = con.execute("SELECT count(*), count(_old_uid) FROM ins").fetchall()[0]
    result.rows_accepted = int(read - bad)
    result.rows_updated, result.rows_inserted = int(updated), int(total - updated)
    result.rows_unchanged = result.rows_accepted - int(total)


def _write_persons(con, counts: list[str]) -> None:
    if not counts:
        return
    parts = []
    for column in counts:
        role, gender, age = C.parse_count_column(column)
        parts.append(f"SELECT case_uid, '{role}' AS role, '{gender}' AS gender, '{age}' AS age_group, "
                     f"_nationality AS nationality, CAST(_{column} AS INTEGER) AS persons FROM ins WHERE _{column} > 0")
    con.execute(f"INSERT INTO case_persons {' UNION ALL '.join(parts)}")


def _write_attributes(con) -> None:
    parts = [f"SELECT case_uid, '{vocabulary}' AS dimension, unnest(string_split(_{column}, ';')) AS code FROM ins "
             f"WHERE _{column} IS NOT NULL" for column, vocabulary in C.MULTI_VALUE_COLUMNS.items()]
    con.execute(f"INSERT INTO case_attributes {' UNION ALL '.join(parts)}")


def _write_quarantine(con, import_id: int, info: StageInfo, result: ImportResult) -> None:
    record = "json_object(" + ", ".join(f"'{c}', s.{q(c)}" for c in info.columns) + ")"
    con.execute(
        f"INSERT INTO quarantine SELECT ?, e.{LINE_COLUMN}, e.column_name, e.rule, e.value, e.message, "
        f"{record} FROM errs e JOIN stage s USING ({LINE_COLUMN})",
        [import_id],
    )
    if info.ragged:
        con.executemany(
            "INSERT INTO quarantine VALUES (?, ?, NULL, 'ragged_row', NULL, ?, ?)",
            [[import_id, r.line, r.message, json.dumps({LINE_COLUMN: r.line, "raw": r.text}, ensure_ascii=False)]
             for r in info.ragged],
        )
    by_rule = con.execute(
        "SELECT rule, count(DISTINCT line) FROM quarantine WHERE import_id = ? GROUP BY rule ORDER BY rule",
        [import_id],
    ).fetchall()
    result.quarantine_by_rule = {rule: int(n) for rule, n in by_rule}
    result.rows_quarantined = int(con.execute(
        "SELECT count(DISTINCT line) FROM quarantine WHERE import_id = ?", [import_id]).fetchall()[0][0])
