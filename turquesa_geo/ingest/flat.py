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
import pandas as pd
import pyarrow as pa

from turquesa_geo import columns as C
from turquesa_geo.countries import country_table, resolve_country, suggest_countries
from turquesa_geo.i18n import N_, Translatable
from turquesa_geo.ingest.parsing import DateOrderError, parse_dates, parse_multi, parse_route
from turquesa_geo.ingest.profiles.common import PROFILE_NAMES, Profile, as_text, check_profile, looks_like, text_array
from turquesa_geo.ingest.readers import LINE_COLUMN, ImportRefused, StageInfo, drop_stage, insertion_order, load_stage
from turquesa_geo.store.queries import (
    copy_to_temp_sql,
    drop_temp_sql,
    name_literal,
    plain_ident,
    select_all_sql,
    touched_months_sql,
)
from turquesa_geo.store.queries import quote_ident as q
from turquesa_geo.store.rollups import refresh as refresh_rollups

__all__ = ["PROFILES", "RULES", "ImportResult", "ProgressCallback", "import_file"]

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

#: The formats ``import_file`` reads: the flat format and the public-data profiles.
PROFILES: tuple[str, ...] = PROFILE_NAMES

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
    #: Per source column, codes a profile did not understand (the rows are kept).
    unmapped_codes: dict[str, list[str]] = field(default_factory=dict)
    #: What a profile could not map, in words: message ids and values (see :func:`profiles.note_text`).
    notes: list[dict] = field(default_factory=list)
    quarantine_by_rule: dict[str, int] = field(default_factory=dict)
    already_imported: bool = False
    file_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def reconciles(self) -> bool:
        """True when rows read = accepted + quarantined and accepted = inserted + updated + unchanged."""
        return (
            self.rows_read == self.rows_accepted + self.rows_quarantined
            and self.rows_accepted == self.rows_inserted + self.rows_updated + self.rows_unchanged
        )

    def to_dict(self) -> dict:
        """Plain JSON-ready dict."""
        return asdict(self) | {"reconciles": self.reconciles}


def _noop(_phase: str, _fraction: float) -> None:
    return None


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    *,
    profile: str = "flat",
    source: str | None = None,
    date_format: str | None = None,
    today: dt.date | None = None,
    progress: ProgressCallback | None = None,
    file_name: str | None = None,
) -> ImportResult:
    """Import one file into the store as one transaction.

    Parameters
    ----------
    con : duckdb connection
        A writable store connection (see :func:`turquesa_geo.store.connection.connect`).
    path : path
        CSV (``,`` ``;`` tab or ``|``; UTF-8, UTF-8 BOM, UTF-16 BOM or Windows-1252),
        Parquet, XLSX or JSON file in the flat incident format, or in a public format.
    profile : str
        ``flat``, or a public-data profile (:data:`PROFILES`): ``mmp`` (IOM Missing
        Migrants), ``glotip`` (UNODC GLOTIP counts) or ``ctdc`` (CTDC victim records).
        A file whose columns are another profile's is refused, naming that profile.
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
        raise ImportRefused(
            N_("unknown profile {profile!r}; expected one of {expected}"), profile=profile, expected=", ".join(PROFILES)
        )
    sha = _sha256(path)
    previous = _previous_import(con, sha)
    if previous is not None:
        progress("done", 1.0)
        return _already_imported(con, previous, name, sha, profile)
    today = today or dt.date.today()
    default_source = source or Path(name).stem
    started = dt.datetime.now()
    try:
        # Staging and validation touch temporary tables only; the store changes in
        # one transaction below, so a crash anywhere leaves all or none of the file.
        progress("read", 0.05)
        info = load_stage(con, path)
        result = ImportResult(
            0,
            name,
            sha,
            profile,
            source,
            file_format=info.file_format,
            encoding=info.encoding,
            delimiter=info.delimiter,
            rows_read=info.rows_read,
        )
        if profile == "flat":
            result.dropped_columns, result.ignored_columns = _drop_unusable_columns(con, info, name)
        else:
            chosen = check_profile(profile, info.columns, name)
            if chosen.kind == "aggregates":
                from turquesa_geo.ingest.profiles.glotip import import_counts

                progress("validate", 0.35)
                import_counts(con, info, result, source or chosen.source, started)
                progress("done", 1.0)
                return result
            default_source = source or chosen.source
            info = _apply_profile(con, chosen, info, result)
        progress("validate", 0.35)
        with insertion_order(con, preserve=False):
            # Rows carry their line number from here on: parallel writers may reorder them.
            _build_maps(con, info, date_format, name)
            _build_errors(con, info, default_source, today)
            progress("write", 0.65)
            _write_in_one_transaction(con, result, info, default_source, started)
    finally:
        _drop_temp_tables(con)
    progress("done", 1.0)
    return result


def _write_in_one_transaction(
    con, result: ImportResult, info: StageInfo, default_source: str, started: dt.datetime
) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        result.import_id = _next_import_id(con)
        _write_cases(con, result.import_id, info, default_source, result)
        refresh_rollups(con, "touched_months")  # in the same commit as the cases: readers never see them apart
        _write_quarantine(con, result.import_id, info, result)
        _record_and_commit(con, result, started)
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
        raise ImportRefused(N_("{path}: no such file"), path=str(path)) from None
    except IsADirectoryError:
        raise ImportRefused(N_("{path}: is a directory, not a file"), path=str(path)) from None
    return digest.hexdigest()


def _previous_import(con, sha: str) -> int | None:
    row = con.execute("SELECT min(import_id) FROM imports WHERE sha256 = ? AND status = 'done'", [sha]).fetchall()[0]
    return None if row[0] is None else int(row[0])


def _already_imported(con, import_id: int, name: str, sha: str, profile: str) -> ImportResult:
    """The result of an import of bytes already imported: nothing added; ``profile`` is the one they were read with."""
    source, stored = con.execute("SELECT source, profile FROM imports WHERE import_id = ?", [import_id]).fetchall()[0]
    return ImportResult(import_id, name, sha, stored or profile, source, already_imported=True)


def _next_import_id(con) -> int:
    return int(con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0])


def _record_and_commit(con, result: ImportResult, started: dt.datetime) -> None:
    """Record the import and commit its transaction; raise, for the caller to roll back, when it does not reconcile."""
    _record_import(con, result, started)
    if not result.reconciles:
        raise RuntimeError(f"import of {result.file_name} does not reconcile: {result.to_dict()}")
    con.execute("COMMIT")


def _record_import(con, result: ImportResult, started: dt.datetime) -> None:
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'done')",
        [
            result.import_id,
            result.file_name,
            result.sha256,
            result.profile,
            result.source,
            result.rows_read,
            result.rows_accepted,
            result.rows_quarantined,
            result.rows_inserted,
            result.rows_updated,
            result.rows_unchanged,
            json.dumps(result.dropped_columns),
            json.dumps(result.ignored_columns),
            started,
            dt.datetime.now(),
        ],
    )


_TEMP_TABLES = (
    "errs",
    "ins",
    "m_date",
    "m_country",
    "m_route",
    "m_term",
    "m_bbox",
    "m_source",
    "pstage_cells",
    "touched_months",
)


def _drop_temp_tables(con) -> None:
    drop_stage(con)
    for name in _TEMP_TABLES:
        con.execute(drop_temp_sql("TABLE", name))


# --- profiles ----------------------------------------------------------------------

#: Temporary table of the flat rows a profile made of the staged file.
_PROFILE_STAGE = "pstage_cells"

#: Column of the flat rows keeping the source row as read, for the quarantine record.
SOURCE_RECORD = "source_record"


def _apply_profile(con, chosen: Profile, info: StageInfo, result: ImportResult) -> StageInfo:
    """Stage the flat rows a case profile makes of the staged file; return their stage info.

    Personal-identifier columns are dropped before the mapping reads anything; the
    source columns the mapping did not read are reported as ignored.
    """
    personal = [c for c in info.columns if C.looks_personal(c)]
    frame = as_text(con.execute(select_all_sql(info.cells)).df().drop(columns=personal))
    frame = _fold_first_cell(frame, chosen)
    mapping = chosen.to_flat(frame)
    flat = mapping.flat
    kept = [c for c in frame.columns if c != LINE_COLUMN]
    flat[SOURCE_RECORD] = (
        frame[kept].to_json(orient="records", lines=True, force_ascii=False).splitlines() if len(frame) else []
    )
    result.dropped_columns = personal
    result.ignored_columns = [c for c in kept if c not in mapping.used]
    result.unmapped_codes, result.notes = mapping.unmapped, mapping.notes
    _register(
        con,
        _PROFILE_STAGE,
        pa.table(
            {LINE_COLUMN: pa.array(flat[LINE_COLUMN].astype("int64"))}
            | {c: text_array(flat[c]) for c in flat.columns if c != LINE_COLUMN}
        ),
    )
    return StageInfo(
        info.file_format,
        [c for c in flat.columns if c != LINE_COLUMN],
        info.rows,
        encoding=info.encoding,
        delimiter=None,
        ragged=info.ragged,
        cells=_PROFILE_STAGE,
    )


def _fold_first_cell(frame: pd.DataFrame, chosen: Profile) -> pd.DataFrame:
    """Rename a first column whose header cell carries a preamble (terms of use) before its name."""
    columns = [c for c in frame.columns if c != LINE_COLUMN]
    if columns and columns[0] not in chosen.first_cell_names:
        for name in chosen.first_cell_names:
            if columns[0].endswith(name) and name not in frame.columns:
                return frame.rename(columns={columns[0]: name})
    return frame


# --- columns -----------------------------------------------------------------------


def _drop_unusable_columns(con, info: StageInfo, file_name: str) -> tuple[list[str], list[str]]:
    """Drop personal-identifier columns and note columns the model does not use."""
    missing = [c for c in C.REQUIRED_COLUMNS if c not in info.columns]
    if missing:
        likely = looks_like(info.columns)
        found = {"file": file_name, "missing": ", ".join(missing), "found": ", ".join(info.columns)}
        if likely and likely.name != "flat":
            raise ImportRefused(
                N_(
                    "{file}: missing required column(s) {missing}; found: {found}; "
                    "it looks like {title}: choose the format {profile} (--profile {profile})"
                ),
                title=Translatable(likely.title),
                profile=likely.name,
                **found,
            )
        raise ImportRefused(N_("{file}: missing required column(s) {missing}; found: {found}"), **found)
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
                raise ImportRefused(N_("{file}: {error}"), file=file_name, error=str(exc)) from None
            ignored.append(column)
    # Dropped columns are never read again: canonical rows and quarantine records
    # name only the kept columns.
    info.columns = [c for c in info.columns if c not in dropped and c not in ignored]
    return dropped, ignored


# --- lookups built from distinct values ----------------------------------------------
#
# Lookups are keyed on cells as read, untrimmed: canonical rows join the staged cells
# directly, so trimming and parsing cost once per distinct value, never once per row.

#: Columns resolved in a controlled vocabulary: single-valued ones, then multi-valued.
_TERM_COLUMNS: tuple[str, ...] = (C.CRIME_TYPE, C.NETWORK, *C.DETAIL_TERM_COLUMNS, *C.MULTI_VALUE_COLUMNS)

#: Term columns that hold exactly one term.
_SINGLE_TERM_COLUMNS: tuple[str, ...] = (C.CRIME_TYPE, C.NETWORK, *C.DETAIL_TERM_COLUMNS)

#: Distinct cells of a column mapped to their text (trimmed, blank as None).
_Cells = dict[str, str | None]


def _text_sql(cell: str) -> str:
    """SQL for the text of a cell, as every rule reads it: trimmed, blank as NULL."""
    return f"nullif(trim({cell}), '')"


def _distinct_cells(con, info: StageInfo, columns: list[str]) -> dict[str, _Cells]:
    """Each column's distinct non-NULL cells mapped to their text, all read in one query."""
    found: dict[str, _Cells] = {column: {} for column in columns}
    present = [c for c in columns if _present(info, c)]
    if not present:
        return found
    rows = con.execute(_distinct_cells_sql(info, present), present)
    for column, cell, text in rows.fetchall():
        found[column][cell] = text
    return found


def _distinct_cells_sql(info: StageInfo, columns: list[str]) -> str:
    """Query of (column, cell, text) for the distinct non-NULL cells of ``columns``.

    Each column's name comes back as a parameter (one ``?`` per column, in order).
    """
    parts = [
        f"SELECT DISTINCT CAST(? AS VARCHAR) AS col, {q(c)} AS cell FROM {info.cells} WHERE {q(c)} IS NOT NULL"
        for c in columns
    ]
    return f"SELECT col, cell, {_text_sql('cell')} FROM ({' UNION ALL '.join(parts)})"


def _register(con, name: str, table: pa.Table) -> None:
    """Copy an Arrow table into temporary table ``name``."""
    con.register(f"_{name}", table)
    con.execute(copy_to_temp_sql(name, f"_{name}"))
    con.unregister(f"_{name}")


def _suggestion(text: str) -> str | None:
    suggestions = suggest_countries(text)
    return ", ".join(suggestions) if suggestions else None


def _build_maps(con, info: StageInfo, date_format: str | None, file_name: str) -> None:
    """Resolve the distinct cells of every looked-up column into the m_* tables."""
    cells = _distinct_cells(con, info, [C.DATE, *C.COUNTRY_COLUMNS, C.TRANSIT, *_TERM_COLUMNS])
    _build_date_map(con, cells[C.DATE], date_format, file_name)
    _build_country_map(con, {cell: text for c in C.COUNTRY_COLUMNS for cell, text in cells[c].items()})
    _build_route_map(con, cells[C.TRANSIT])
    _build_term_map(con, {column: cells[column] for column in _TERM_COLUMNS})
    _build_source_map(con, info)
    table = country_table()
    _register(
        con,
        "m_bbox",
        pa.Table.from_pandas(table[["iso3", "min_lon", "min_lat", "max_lon", "max_lat"]], preserve_index=False),
    )
    info.decimal_comma = _uses_decimal_comma(con, info)


def _build_date_map(con, cells: _Cells, date_format: str | None, file_name: str) -> None:
    try:
        # Sorted: the day/month order is decided on the whole set, and a refusal
        # should quote the same examples every time.
        dates = parse_dates(sorted({t for t in cells.values() if t is not None}), date_format)
    except DateOrderError as exc:
        raise ImportRefused(N_("{file}: {error}"), file=file_name, error=exc) from None
    _register(
        con,
        "m_date",
        pa.table(
            {
                "cell": text_array(cells),
                "text": text_array(cells.values()),
                "d": pa.array([dates.get(t) for t in cells.values()], pa.date32()),
            }
        ),
    )


def _build_country_map(con, cells: _Cells) -> None:
    texts = {t for t in cells.values() if t is not None}
    isos = {t: resolve_country(t) for t in texts}
    suggestions = {t: _suggestion(t) for t in texts if isos[t] is None}
    _register(
        con,
        "m_country",
        pa.table(
            {
                "cell": text_array(cells),
                "text": text_array(cells.values()),
                "iso3": text_array(isos.get(t) for t in cells.values()),
                "suggestion": text_array(suggestions.get(t) for t in cells.values()),
            }
        ),
    )


def _build_route_map(con, cells: _Cells) -> None:
    routes = {t: parse_route(t) for t in set(cells.values()) if t is not None}
    parsed = [routes.get(t) for t in cells.values()]
    _register(
        con,
        "m_route",
        pa.table(
            {
                "cell": text_array(cells),
                "text": text_array(cells.values()),
                "path": text_array(">".join(r.countries) or None if r else None for r in parsed),
                "bad": text_array(r.bad_token if r else None for r in parsed),
                "suggestion": text_array(_suggestion(r.bad_token) if r and r.bad_token else None for r in parsed),
            }
        ),
    )


def _build_term_map(con, cells_by_column: dict[str, _Cells]) -> None:
    rows: dict[str, list] = {"col": [], "cell": [], "text": [], "codes": [], "bad": []}
    for column, cells in cells_by_column.items():
        vocabulary = C.MULTI_VALUE_COLUMNS.get(column, column)
        for cell, text in cells.items():
            codes, bad = _resolve_terms(column, vocabulary, text) if text is not None else (None, None)
            for key, value in zip(rows, (column, cell, text, codes, bad)):
                rows[key].append(value)
    _register(con, "m_term", pa.table({key: text_array(values) for key, values in rows.items()}))


def _build_source_map(con, info: StageInfo) -> None:
    """Sources are few and long: trimming each distinct one beats trimming every row."""
    if _present(info, C.SOURCE):
        con.execute(_source_map_sql(info))


def _source_map_sql(info: StageInfo) -> str:
    """Statement of table ``m_source``: each distinct source cell and its text."""
    return (
        f"CREATE OR REPLACE TEMP TABLE m_source AS SELECT cell, {_text_sql('cell')} AS text "
        f"FROM (SELECT DISTINCT {q(C.SOURCE)} AS cell FROM {info.cells} WHERE {q(C.SOURCE)} IS NOT NULL)"
    )


def _resolve_terms(column: str, vocabulary: str, text: str) -> tuple[str | None, str | None]:
    """(codes joined by ``;``, first bad token) of one text."""
    parsed = parse_multi(vocabulary, text)
    if column in _SINGLE_TERM_COLUMNS and len(parsed.codes) != 1 and not parsed.bad_token:
        parsed = type(parsed)((), text)  # single-valued: exactly one term
    return ";".join(parsed.codes) or None, parsed.bad_token


def _uses_decimal_comma(con, info: StageInfo) -> bool:
    """Decide once per file whether coordinates use a decimal comma."""
    if info.delimiter in (None, ",") or C.LAT not in info.columns:
        return False
    row = con.execute(_decimal_separators_sql()).fetchall()[0]
    return row[0] > 0 and row[1] == 0


def _decimal_separators_sql() -> str:
    """Query of (latitudes written with a decimal comma, latitudes written with a point) in the stage."""
    return (
        f"SELECT count(*) FILTER (WHERE regexp_full_match({q(C.LAT)}, '-?[0-9]+,[0-9]+')), "
        f"count(*) FILTER (WHERE regexp_full_match({q(C.LAT)}, '-?[0-9]+\\.[0-9]+')) FROM stage"
    )


# --- canonical rows and the rules ----------------------------------------------------
#
# Canonical rows are never materialized whole: the rules read a cheap projection of
# the staged cells ("checked") and the lookups, and the accepted rows are resolved
# once, straight into the table of rows to write (see _write_cases).


def _present(info: StageInfo, column: str) -> bool:
    return column in info.columns


def _cell(info: StageInfo, column: str) -> str:
    """The staged cell, or NULL when the file lacks the column (missing means not reported)."""
    return f"s.{q(column)}" if _present(info, column) else "CAST(NULL AS VARCHAR)"


def _counts(info: StageInfo) -> list[str]:
    """The person-count columns the file has."""
    return [c for c in C.COUNT_COLUMNS if _present(info, c)]


def _numbers(info: StageInfo) -> list[str]:
    """The whole-number columns the file has: person counts and outcomes (:data:`columns.OUTCOME_COLUMNS`)."""
    return _counts(info) + [c for c in C.OUTCOME_COLUMNS if _present(info, c)]


def _number_sql(info: StageInfo, column: str) -> str:
    """SQL for a cell's number, as ``TRY_CAST`` of its text would give it.

    DuckDB's cast already skips ASCII spaces, so only cells it refuses (padded with
    e.g. no-break spaces) are trimmed and tried again: trimming every cell costs more
    than the cast.
    """
    cell = _cell(info, column)
    if info.decimal_comma:
        cell = f"replace({cell}, ',', '.')"
    return f"coalesce(TRY_CAST({cell} AS DOUBLE), TRY_CAST(trim({cell}) AS DOUBLE))"


def _own_values(info: StageInfo) -> list[str]:
    """Select list of the values a staged row holds itself (cells ``s``); the source comes apart.

    Number columns keep their cell beside the value, for the messages of the few
    rows that break a rule.
    """
    selects = [
        f"s.{LINE_COLUMN}",
        f"{_text_sql(_cell(info, C.INCIDENT_ID))} AS _incident_id",
        f"{_text_sql(_cell(info, C.PLACE))} AS _place",
        f"{_cell(info, C.DETECTION_COUNTRY)} AS _detection_country_cell",
        *(f"{_text_sql(_cell(info, c))} AS _{c}" for c in C.DETAIL_TEXT_COLUMNS),
    ]
    for column in (C.LAT, C.LON, *_counts(info), *C.OUTCOME_COLUMNS):
        selects += [f"{_cell(info, column)} AS _{column}_cell", f"{_number_sql(info, column)} AS _{column}"]
    return selects


def _with_source(info: StageInfo, selects: list[str]) -> str:
    """SELECT ``selects`` and ``_source`` (the row's, else ``$source``) from the cells ``s``.

    Sources are few and long: they are looked up in m_source, trimmed once each.
    """
    if not _present(info, C.SOURCE):
        return f"SELECT {', '.join(selects)}, $source AS _source FROM {info.cells} s"
    return (
        f"SELECT {', '.join(selects)}, coalesce(src.text, $source) AS _source FROM {info.cells} s "
        f"LEFT JOIN m_source src ON src.cell = s.{q(C.SOURCE)}"
    )


def _looked_up(
    info: StageInfo, column: str, lookup: str, value: str, alias: str, condition: str = ""
) -> tuple[str, str | None]:
    """Select expression ``_{column}`` and the join that resolves the column's cells in ``lookup``."""
    if not _present(info, column):
        return f"CAST(NULL AS VARCHAR) AS _{column}", None
    join = f"LEFT JOIN {lookup} {alias} ON {condition}{alias}.cell = s.{q(column)}"
    return f"{alias}.{value} AS _{column}", join


def _canonical_sql(info: StageInfo) -> str:
    """SELECT of every staged row's canonical values: own values plus resolved lookups."""
    looked_up = [("d.d AS _date", f"LEFT JOIN m_date d ON d.cell = s.{q(C.DATE)}")]
    looked_up += [_looked_up(info, c, "m_country", "iso3", f"k_{c}") for c in C.COUNTRY_COLUMNS]
    looked_up.append(_looked_up(info, C.TRANSIT, "m_route", "path", "r"))
    looked_up += [_looked_up(info, c, "m_term", "codes", f"t_{c}", f"t_{c}.col = '{c}' AND ") for c in _TERM_COLUMNS]
    selects = _own_values(info) + [select for select, _ in looked_up]
    joins = " ".join(join for _, join in looked_up if join)
    return f"{_with_source(info, selects)} {joins}"


def _quoted(expr: str) -> str:
    return f"'''' || {expr} || ''''"


@dataclass(frozen=True)
class _RowRule:
    """A rule checked on each row's own values: what it reports and when."""

    rule: str
    column: str | None
    value: str
    message: str
    where: str

    def select(self, relation: str) -> str:
        column_sql = f"'{self.column}'" if self.column else "NULL"
        return (
            f"SELECT {LINE_COLUMN}, {column_sql} AS column_name, '{self.rule}' AS rule, {self.value} AS value, "
            f"{self.message} AS message FROM {relation} WHERE {self.where}"
        )


def _lookup_rule(info: StageInfo, rule: str, column: str, lookup: str, value: str, message: str, where: str) -> str:
    """A rule checked once per distinct value: rows whose cell's lookup entry ``m`` matches ``where``.

    ``where`` reads the small lookup only, so on a clean file each such rule is an
    empty join.
    """
    return (
        f"SELECT s.{LINE_COLUMN}, '{column}' AS column_name, '{rule}' AS rule, {value} AS value, "
        f"{message} AS message FROM {info.cells} s JOIN {lookup} m ON m.cell = s.{q(column)} WHERE {where}"
    )


def _empty_rules(info: StageInfo, rule: str, column: str, message: str, lookup: str, condition: str = "") -> list[str]:
    """A required column's rule for empty cells: NULL, or blank (text NULL in the lookup)."""
    return [
        f"SELECT {LINE_COLUMN}, '{column}', '{rule}', NULL, {message} FROM {info.cells} WHERE {q(column)} IS NULL",
        _lookup_rule(info, rule, column, lookup, "NULL", message, f"{condition}m.text IS NULL"),
    ]


def _build_errors(con, info: StageInfo, default_source: str, today: dt.date) -> None:
    """Table ``errs``: one row per (line, rule, column) broken, with the message.

    Rules on a row's own values run on ``suspect``, the few rows that may break one,
    found in a single scan; rules on looked-up values join the cells to the (usually
    empty) set of bad lookup entries.
    """
    con.execute(_errors_sql(info), {"source": default_source, "today": today})


def _errors_sql(info: StageInfo) -> str:
    """Statement of table ``errs`` (parameters ``$source``, the default source, and ``$today``)."""
    rules = [
        *(rule.select("suspect") for rule in _row_rules(info)),
        _outside_country_rule(),
        _duplicate_rule(),
        *_date_rules(info),
        *_empty_rules(
            info,
            "missing_crime_type",
            C.CRIME_TYPE,
            "'crime_type is empty (expected trafficking, smuggling or both)'",
            "m_term",
            f"m.col = '{C.CRIME_TYPE}' AND ",
        ),
        *_term_rules(info),
        *_country_rules(info),
    ]
    return f"CREATE OR REPLACE TEMP TABLE errs AS {_checked_ctes(info)} {' UNION ALL '.join(rules)}"


def _checked_ctes(info: StageInfo) -> str:
    """WITH clause of the rows the rules read: ``checked``, ``keyed`` (line, source, id) and ``suspect``."""
    keys = [f"s.{LINE_COLUMN}", f"{_text_sql(_cell(info, C.INCIDENT_ID))} AS _incident_id"]
    return (
        f"WITH checked AS NOT MATERIALIZED (SELECT {', '.join(_own_values(info))} FROM {info.cells} s), "
        f"keyed AS NOT MATERIALIZED ({_with_source(info, keys)}), "
        f"suspect AS MATERIALIZED (SELECT * FROM checked WHERE {_suspect_sql(_numbers(info))})"
    )


def _row_rules(info: StageInfo) -> list[_RowRule]:
    return [
        _RowRule("missing_id", C.INCIDENT_ID, "NULL", "'incident_id is empty'", "_incident_id IS NULL"),
        *_coordinate_rules(),
        *_count_rules(_numbers(info)),
    ]


def _suspect_sql(counts: list[str]) -> str:
    """A condition true for every row that may break a row rule, cheap to test on every row.

    A superset of the rules' own conditions, written to name each number (a cast)
    once or twice, where the rules name it four or five times: the rules then run
    on the few rows it lets through.
    """
    checks = [
        "_incident_id IS NULL",
        # With both numbers: out of range or (0, 0); with one missing: any text may be bad.
        "coalesce(NOT (_lat BETWEEN -90 AND 90 AND _lon BETWEEN -180 AND 180) OR (_lat = 0 AND _lon = 0), "
        f"{_LAT_TEXT} IS NOT NULL OR {_LON_TEXT} IS NOT NULL)",
        # x = floor(abs(x)) only for whole numbers >= 0; without a number, any text is bad.
        *(f"coalesce(_{c} <> floor(abs(_{c})), {_text_sql(f'_{c}_cell')} IS NOT NULL)" for c in counts),
    ]
    return " OR ".join(f"({check})" for check in checks)


def _duplicate_rule() -> str:
    # Group, then join back only the repeated keys: cheaper than a window over every row.
    return (
        f"SELECT c.{LINE_COLUMN}, '{C.INCIDENT_ID}', 'duplicate_id', c._incident_id, "
        f"'incident_id ' || {_quoted('c._incident_id')} || ' already used on line ' || CAST(f.first_line AS VARCHAR) "
        f"FROM keyed c JOIN (SELECT _source, _incident_id, min({LINE_COLUMN}) AS first_line FROM keyed "
        f"WHERE _incident_id IS NOT NULL GROUP BY _source, _incident_id HAVING count(*) > 1) f "
        f"ON f._source = c._source AND f._incident_id = c._incident_id WHERE c.{LINE_COLUMN} > f.first_line"
    )


def _date_rules(info: StageInfo) -> list[str]:
    return [
        *_empty_rules(info, "missing_date", C.DATE, "'date is empty'", "m_date"),
        _lookup_rule(
            info,
            "bad_date",
            C.DATE,
            "m_date",
            "m.text",
            f"'date ' || {_quoted('m.text')} || ' is not a valid date (expected e.g. 2024-03-31)'",
            "m.text IS NOT NULL AND m.d IS NULL",
        ),
        _lookup_rule(
            info,
            "future_date",
            C.DATE,
            "m_date",
            "m.text",
            f"'date ' || {_quoted('m.text')} || ' is after the import day ' || CAST($today AS VARCHAR)",
            "m.d > $today",
        ),
    ]


def _term_rules(info: StageInfo) -> list[str]:
    rules = []
    for column in _TERM_COLUMNS:
        if not _present(info, column):
            continue
        vocabulary = C.MULTI_VALUE_COLUMNS.get(column, column)
        rules.append(
            _lookup_rule(
                info,
                "unknown_term",
                column,
                "m_term",
                "m.bad",
                f"{_quoted('m.bad')} || ' is not a known {vocabulary.replace('_', ' ')} (see the {vocabulary} vocabulary)'",
                f"m.col = '{column}' AND m.bad IS NOT NULL",
            )
        )
    return rules


def _country_rules(info: StageInfo) -> list[str]:
    rules = [
        _lookup_rule(
            info,
            "unknown_country",
            column,
            "m_country",
            "m.text",
            f"'unknown country ' || {_quoted('m.text')} || ' in {column}' || "
            "coalesce('; did you mean ' || m.suggestion || '?', '')",
            "m.text IS NOT NULL AND m.iso3 IS NULL",
        )
        for column in C.COUNTRY_COLUMNS
        if _present(info, column)
    ]
    if _present(info, C.TRANSIT):
        rules.append(
            _lookup_rule(
                info,
                "unknown_country",
                C.TRANSIT,
                "m_route",
                "m.bad",
                f"'unknown country ' || {_quoted('m.bad')} || ' in transit' || "
                "coalesce('; did you mean ' || m.suggestion || '?', '')",
                "m.bad IS NOT NULL",
            )
        )
    return rules


_LAT_TEXT, _LON_TEXT = _text_sql("_lat_cell"), _text_sql("_lon_cell")
_POINT = f"'(' || {_LAT_TEXT} || ', ' || {_LON_TEXT} || ')'"
_BOTH_NUMBERS = "_lat IS NOT NULL AND _lon IS NOT NULL"


def _coordinate_rules() -> list[_RowRule]:
    lat, lon = _LAT_TEXT, _LON_TEXT
    # A number implies a text: only rows lacking one trim the cell to tell blank from bad.
    lat_given, lon_given = f"(_lat IS NOT NULL OR {lat} IS NOT NULL)", f"(_lon IS NOT NULL OR {lon} IS NOT NULL)"
    return [
        _RowRule(
            "bad_coordinate",
            C.LAT,
            lat,
            f"'lat ' || {_quoted(lat)} || ' is not a number'",
            f"_lat IS NULL AND {lat} IS NOT NULL",
        ),
        _RowRule(
            "bad_coordinate",
            C.LON,
            lon,
            f"'lon ' || {_quoted(lon)} || ' is not a number'",
            f"_lon IS NULL AND {lon} IS NOT NULL",
        ),
        _RowRule(
            "incomplete_coordinates",
            C.LAT,
            f"coalesce({lat}, {lon})",
            "'only one of lat and lon is given'",
            f"(_lat IS NULL OR _lon IS NULL) AND {lat_given} <> {lon_given}",
        ),
        _RowRule(
            "coordinates_out_of_range",
            C.LAT,
            _POINT,
            f"'point ' || {_POINT} || ' is outside lat [-90, 90] / lon [-180, 180]'",
            f"{_BOTH_NUMBERS} AND NOT (_lat BETWEEN -90 AND 90 AND _lon BETWEEN -180 AND 180)",
        ),
        _RowRule(
            "null_island",
            C.LAT,
            _POINT,
            "'point (0, 0) is a placeholder, not a place'",
            f"{_BOTH_NUMBERS} AND _lat = 0 AND _lon = 0",
        ),
    ]


def _inside_bbox(y: str, x: str) -> str:
    margin = BBOX_MARGIN_DEG
    return (
        f"({y} BETWEEN b.min_lat - {margin} AND b.max_lat + {margin} "
        f"AND {x} BETWEEN b.min_lon - {margin} AND b.max_lon + {margin})"
    )


def _outside_country_rule() -> str:
    """Points far outside their detection country's box: swapped if the swapped point is inside.

    One join for both rules; m_bbox has one row per country, so joining it is the
    same as asking whether the country has a box containing the point.
    """
    in_range = (
        f"{_BOTH_NUMBERS} AND _lat BETWEEN -90 AND 90 AND _lon BETWEEN -180 AND 180 AND NOT (_lat = 0 AND _lon = 0)"
    )
    swapped_msg = f"'point ' || {_POINT} || ' is outside ' || iso3 || ' but inside it with lat and lon swapped'"
    outside_msg = f"'point ' || {_POINT} || ' is more than {BBOX_MARGIN_DEG:g} degree outside ' || iso3"
    return (
        f"SELECT {LINE_COLUMN}, '{C.LAT}', CASE WHEN swapped THEN 'coordinates_swapped' "
        f"ELSE 'coordinates_outside_country' END, {_POINT}, "
        f"CASE WHEN swapped THEN {swapped_msg} ELSE {outside_msg} END "
        f"FROM (SELECT c.*, b.iso3, {_inside_bbox('_lon', '_lat')} AS swapped FROM checked c "
        f"JOIN m_country k ON k.cell = c._detection_country_cell JOIN m_bbox b ON b.iso3 = k.iso3 "
        f"WHERE {in_range} AND NOT {_inside_bbox('_lat', '_lon')})"
    )


def _count_rules(counts: list[str]) -> list[_RowRule]:
    rules = []
    for column in counts:
        number, text = f"_{column}", _text_sql(f"_{column}_cell")
        rules.append(
            _RowRule(
                "bad_count",
                column,
                text,
                f"'{column} ' || {_quoted(text)} || ' is not a whole number'",
                f"({number} IS NULL AND {text} IS NOT NULL) OR {number} <> floor({number})",
            )
        )
        rules.append(
            _RowRule(
                "negative_count",
                column,
                text,
                f"'{column} ' || {_quoted(text)} || ' is negative'",
                f"{number} < 0 AND {number} = floor({number})",
            )
        )
    return rules


# --- writing -----------------------------------------------------------------------


def _canonical_columns(counts: list[str]) -> list[str]:
    """The columns of a canonical row (what is written), without the raw text kept for messages."""
    return [
        LINE_COLUMN,
        "_source",
        "_incident_id",
        "_date",
        "_place",
        "_lat",
        "_lon",
        "_transit",
        *(f"_{c}" for c in C.COUNTRY_COLUMNS),
        *(f"_{c}" for c in _TERM_COLUMNS),
        *(f"_{c}" for c in (*C.DETAIL_TEXT_COLUMNS, *C.OUTCOME_COLUMNS)),
        *(f"_{c}" for c in counts),
    ]


def _hash_expr(counts: list[str]) -> str:
    """A fingerprint of a row's canonical values, to tell changed rows from unchanged ones."""
    parts = _canonical_columns([])[1:]
    # The count columns a file has are part of what it says ("not reported" differs from 0).
    parts += [f"'{c}'" for c in counts] + [f"CAST(_{c} AS BIGINT)" for c in counts]
    return "CAST(hash(" + ", ".join(parts) + ") AS VARCHAR)"


def _build_rows_to_write(con, info: StageInfo, default_source: str) -> None:
    """Table ``ins``: accepted rows that are new or changed, resolved, fingerprinted, with their case uid.

    New cases get uid = previous maximum + line number: unique, no sort needed. The
    join with ``cases`` is read in the write transaction, so it sees what it replaces.
    """
    base = con.execute("SELECT coalesce(max(case_uid), 0) FROM cases").fetchall()[0][0]
    con.execute(_rows_to_write_sql(info), {"source": default_source, "base": base})


def _rows_to_write_sql(info: StageInfo) -> str:
    """Statement of table ``ins`` (parameters ``$source``, the default source, and ``$base``, the largest uid)."""
    counts = _counts(info)
    return (
        f"CREATE OR REPLACE TEMP TABLE ins AS WITH canon AS NOT MATERIALIZED ({_canonical_sql(info)}), "
        f"accepted AS NOT MATERIALIZED (SELECT {', '.join(_canonical_columns(counts))}, {_hash_expr(counts)} AS _hash "
        f"FROM canon WHERE {LINE_COLUMN} NOT IN (SELECT {LINE_COLUMN} FROM errs)) "
        f"SELECT a.*, c.case_uid AS _old_uid, "
        f"coalesce(c.case_uid, CAST($base AS BIGINT) + a.{LINE_COLUMN}) AS case_uid "
        f"FROM accepted a LEFT JOIN cases c ON c.source = a._source AND c.incident_id = a._incident_id "
        f"WHERE c.row_hash IS DISTINCT FROM a._hash"
    )


#: Store tables keyed by case uid, children first: a replaced case is deleted from each.
_CASE_TABLES = ("case_persons", "case_events", "case_attributes", "cases")


def _delete_replaced_sql(table: str) -> str:
    """Statement deleting from a case table the stored cases that ``ins`` replaces."""
    if table not in _CASE_TABLES:
        raise ValueError(f"table {table!r} is not one of {', '.join(_CASE_TABLES)}")
    return f"DELETE FROM {table} WHERE case_uid IN (SELECT _old_uid FROM ins WHERE _old_uid IS NOT NULL)"


def _count_lines_sql(relation: str) -> str:
    """Query of the number of distinct lines in an internal relation (e.g. ``errs``)."""
    return f"SELECT count(DISTINCT {LINE_COLUMN}) FROM {plain_ident(relation)}"


def _write_cases(con, import_id: int, info: StageInfo, default_source: str, result: ImportResult) -> None:
    _build_rows_to_write(con, info, default_source)
    con.execute(touched_months_sql("ins"))  # before the replaced cases go: their months change too
    for table in _CASE_TABLES:
        con.execute(_delete_replaced_sql(table))
    con.execute(_insert_cases_sql(), [import_id])
    _write_persons(con, _counts(info))
    _write_attributes(con)
    bad = con.execute(_count_lines_sql("errs")).fetchall()[0][0]
    total, updated = con.execute("SELECT count(*), count(_old_uid) FROM ins").fetchall()[0]
    result.rows_accepted = int(info.rows - bad)
    result.rows_updated, result.rows_inserted = int(updated), int(total - updated)
    result.rows_unchanged = result.rows_accepted - int(total)


#: Columns of ``cases`` and the ``ins`` values that fill them; the import id is the parameter.
_CASE_VALUES = {
    "case_uid": "case_uid",
    "source": "_source",
    "incident_id": "_incident_id",
    "network": "_network",
    "reporting_country": "_reporting_country",
    "crime_type": "_crime_type",
    "case_date": "_date",
    "nationality": "_nationality",
    "origin": "_origin",
    "transit": "_transit",
    "destination": "_destination",
    "detection_country": "_detection_country",
    "place": "_place",
    "lat": "_lat",
    "lon": "_lon",
    "import_id": "?",
    "row_hash": "_hash",
    **{c: f"_{c}" for c in C.DETAIL_COLUMNS},
}


def _insert_cases_sql() -> str:
    """Statement inserting the cases of ``ins`` (parameter: import id)."""
    return f"INSERT INTO cases ({', '.join(_CASE_VALUES)}) SELECT {', '.join(_CASE_VALUES.values())} FROM ins"


def _write_persons(con, counts: list[str]) -> None:
    if counts:
        con.execute(_persons_sql(counts))


def _persons_sql(counts: list[str]) -> str:
    """Statement inserting the persons of ``ins``: one row per case and non-zero count column.

    ``counts`` are known count columns (:data:`columns.COUNT_COLUMNS`); their role,
    gender and age codes come from the vocabularies.
    """
    parts = []
    for column in counts:
        if column not in C.COUNT_COLUMNS:
            raise ValueError(f"{column!r} is not a count column")
        role, gender, age = (name_literal(code) for code in C.parse_count_column(column))
        parts.append(
            f"SELECT case_uid, {role} AS role, {gender} AS gender, {age} AS age_group, "
            f"_nationality AS nationality, CAST(_{column} AS INTEGER) AS persons FROM ins WHERE _{column} > 0"
        )
    return f"INSERT INTO case_persons {' UNION ALL '.join(parts)}"


def _write_attributes(con) -> None:
    con.execute(_attributes_sql())


def _attributes_sql() -> str:
    """Statement inserting the modus-operandi codes of ``ins``: one row per case, dimension and code."""
    parts = [
        f"SELECT case_uid, {name_literal(vocabulary)} AS dimension, unnest(string_split(_{column}, ';')) AS code "
        f"FROM ins WHERE _{column} IS NOT NULL"
        for column, vocabulary in C.MULTI_VALUE_COLUMNS.items()
    ]
    return f"INSERT INTO case_attributes {' UNION ALL '.join(parts)}"


def _write_quarantine(con, import_id: int, info: StageInfo, result: ImportResult) -> None:
    con.execute(_quarantine_sql(info), [import_id])
    _quarantine_ragged(con, import_id, info.ragged)
    result.quarantine_by_rule = _quarantine_by_rule(con, import_id)
    result.rows_quarantined = int(
        con.execute("SELECT count(DISTINCT line) FROM quarantine WHERE import_id = ?", [import_id]).fetchall()[0][0]
    )


def _quarantine_sql(info: StageInfo) -> str:
    """Statement quarantining every problem in ``errs`` with its row's record (parameter: import id).

    The record is a JSON object of the row's kept columns, each cell trimmed; the
    trimming happens after the join, so only quarantined rows pay for it.
    """
    record = "json_object(" + ", ".join(f"{name_literal(c)}, {_text_sql(f's.{q(c)}')}" for c in info.columns) + ")"
    return (
        f"INSERT INTO quarantine SELECT ?, e.{LINE_COLUMN}, e.column_name, e.rule, e.value, e.message, "
        f"{record} FROM errs e JOIN {info.cells} s USING ({LINE_COLUMN})"
    )


def _quarantine_ragged(con, import_id: int, ragged) -> None:
    """Quarantine the rows that could not be split into the header's fields, as read."""
    if ragged:
        insert_quarantine(
            con,
            import_id,
            pa.table(
                {
                    "line": pa.array([r.line for r in ragged], pa.int64()),
                    "column_name": text_array(None for _ in ragged),
                    "rule": text_array("ragged_row" for _ in ragged),
                    "value": text_array(None for _ in ragged),
                    "message": text_array(r.message for r in ragged),
                    "record": text_array(
                        json.dumps({LINE_COLUMN: r.line, "raw": r.text}, ensure_ascii=False) for r in ragged
                    ),
                }
            ),
        )


def insert_quarantine(con, import_id: int, rows: pa.Table) -> None:
    """Quarantine ``rows`` (line, column_name, rule, value, message, record) for an import, in one insert.

    Row-by-row inserts cost about a millisecond each: minutes for a file of many bad lines.
    """
    con.register("_quarantined", rows)
    try:
        con.execute(
            "INSERT INTO quarantine SELECT ?, line, column_name, rule, value, message, record FROM _quarantined",
            [import_id],
        )
    finally:
        con.unregister("_quarantined")


def _quarantine_by_rule(con, import_id: int) -> dict[str, int]:
    """Quarantined lines of one import per rule."""
    by_rule = con.execute(
        "SELECT rule, count(DISTINCT line) FROM quarantine WHERE import_id = ? GROUP BY rule ORDER BY rule",
        [import_id],
    ).fetchall()
    return {rule: int(n) for rule, n in by_rule}
