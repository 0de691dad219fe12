"""Import incident files into the store: validate, quarantine, reconcile, upsert.

One file is one transaction. Every row read is either accepted or quarantined with
the rule that caught it; importing the same bytes twice adds nothing, and a changed
row with a known (source, incident_id) replaces the stored case.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd
import pyarrow as pa

from turquesa_geo import columns as C
from turquesa_geo.countries import country_table, resolve_country, suggest_countries
from turquesa_geo.i18n import N_, Translatable
from turquesa_geo.ingest.counts import import_counts
from turquesa_geo.ingest.ledger import (
    ImportResult,
    ProgressCallback,
    count_lines,
    file_sha256,
    import_origin,
    next_import_id,
    previous_import,
    quarantine_by_rule,
    quarantine_ragged,
    quarantined_lines,
    record_import,
    register_table,
    require_reconciled,
    resolve_quarantine,
)
from turquesa_geo.ingest.overlaps import overlaps_of_write
from turquesa_geo.ingest.parsing import DateOrderError, parse_dates, parse_multi, parse_partial_date, parse_route
from turquesa_geo.ingest.profiles import PROFILE_NAMES, check_profile, looks_like
from turquesa_geo.ingest.profiles.common import Profile, as_text, text_array
from turquesa_geo.ingest.readers import LINE_COLUMN, ImportRefused, StageInfo, drop_stage, insertion_order, load_stage
from turquesa_geo.ingest.terms import COUNTRY_FIELD, mapped_terms, suggest_codes
from turquesa_geo.store.connection import transaction
from turquesa_geo.store.queries import drop_temp_sql, select_all_sql, touched_months_sql
from turquesa_geo.store.queries.ingest_flat import (
    BBOX_MARGIN_DEG,
    CASE_TABLES,
    TERM_COLUMNS,
    FlatStage,
    attributes_sql,
    decimal_separators_sql,
    delete_replaced_sql,
    distinct_cells_sql,
    errors_sql,
    flagged_lines_sql,
    flags_sql,
    insert_cases_sql,
    max_case_uid_sql,
    merged_sql,
    merges_sql,
    no_point_sql,
    parts_sql,
    persons_sql,
    present_counts,
    quarantine_sql,
    quarantined_sql,
    repeats_sql,
    rows_to_write_sql,
    source_map_sql,
    unmapped_rows_sql,
    unmapped_sql,
    written_counts_sql,
)
from turquesa_geo.store.rollups import refresh as refresh_rollups
from turquesa_geo.vocab import term_key, unmapped_code

__all__ = [
    "BBOX_MARGIN_DEG",
    "FLAG_RULES",
    "PROFILES",
    "QUARANTINE_RULES",
    "RULES",
    "SOURCE_RECORD",
    "ImportResult",
    "ProgressCallback",
    "import_file",
]

#: Quarantine rules: what cannot be stored as a case at all (code and what it means).
QUARANTINE_RULES: dict[str, str] = {
    "ragged_row": "the row has more or fewer fields than the header",
    "missing_id": "incident_id is empty",
    "missing_date": "date is empty",
    "bad_date": "date is not a date, a month or a year in the file's date format",
    "future_date": "date is after the day of the import",
    "missing_crime_type": "crime_type is empty",
    "unknown_crime_type": "crime_type is not trafficking, smuggling or both, in any language the vocabulary knows",
}

#: Flag rules: the case is kept, and what is doubtful about it is said (code and what it means).
FLAG_RULES: dict[str, str] = {
    "unmapped_term": "a value is not a code or label of its vocabulary: kept as a term not mapped",
    "unknown_country": "a country name or code is not known: that place is left unresolved and off the map",
    "partial_date": "the date is known only to the month or the year: stored on its first day, with its precision",
    "split_record": "the incident id is on several rows with different content: parts of one case, counts summed",
    "repeated_row": "the same row is given again: counted once",
    "bad_coordinate": "lat or lon is not a number: the point is left out",
    "incomplete_coordinates": "only one of lat and lon is given: the point is left out",
    "coordinates_out_of_range": "lat outside [-90, 90] or lon outside [-180, 180]: the point is left out",
    "null_island": "lat and lon are both 0, a placeholder: the point is left out",
    "coordinates_swapped": "lat and lon seem swapped (the swapped point is in the stated country): the point is left out",
    "coordinates_outside_country": "the point is outside the stated detection country (at sea or across a border?): kept",
    "rounded_coordinates": "lat and lon are whole degrees (about 100 km): drawn at the country, not at the point",
    "bad_count": "a count is not a whole number: left as not reported",
    "adjustment": "a negative count adjusts an earlier report: stored, and nets out of the totals",
}

#: Every rule of the flat importer, quarantine and flag.
RULES: dict[str, str] = {**QUARANTINE_RULES, **FLAG_RULES}

_QUARANTINE: tuple[str, ...] = tuple(QUARANTINE_RULES)

#: Columns whose values no vocabulary may know: kept as unmapped terms of the case.
_UNMAPPED_COLUMNS: tuple[str, ...] = (*C.COUNTRY_COLUMNS, C.TRANSIT, *(c for c in TERM_COLUMNS if c != C.CRIME_TYPE))

#: The formats ``import_file`` reads: the flat format and the public-data profiles.
PROFILES: tuple[str, ...] = PROFILE_NAMES


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
    duplicates: str = "default",
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
    duplicates : str
        What to do with new cases that are probably cases already stored
        (:mod:`turquesa_geo.ingest.overlaps`): ``default`` links those of the same source and
        keeps both reports when the sources differ, ``link`` links all, ``keep`` links none,
        ``off`` does not look.

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
    sha = file_sha256(path)
    previous = previous_import(con, sha)
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
            _write_in_one_transaction(con, result, info, default_source, started, duplicates)
    finally:
        _drop_temp_tables(con)
    progress("done", 1.0)
    return result


def _write_in_one_transaction(
    con, result: ImportResult, info: StageInfo, default_source: str, started: dt.datetime, duplicates: str
) -> None:
    """Write cases, rollups, quarantine and the import record in one transaction, or nothing if it fails."""
    with transaction(con):
        result.import_id = next_import_id(con)
        _write_cases(con, result.import_id, info, default_source, result)
        overlaps = overlaps_of_write(con, result.import_id, duplicates)  # before the rollups: links change counts
        result.probable_duplicates, result.duplicates_of = overlaps.duplicates, overlaps.by_import
        refresh_rollups(con, "touched_months")  # in the same commit as the cases: readers never see them apart
        _write_quarantine(con, result.import_id, info, result)
        record_import(con, result, started)
        result.quarantine_resolved = resolve_quarantine(con, result.import_id, info.cells)
        require_reconciled(result)


# --- bookkeeping -------------------------------------------------------------------


def _already_imported(con, import_id: int, name: str, sha: str, profile: str) -> ImportResult:
    """The result of an import of bytes already imported: nothing added; ``profile`` is the one they were read with."""
    source, stored = import_origin(con, import_id)
    return ImportResult(import_id, name, sha, stored or profile, source, already_imported=True)


_TEMP_TABLES = (
    "errs",
    "ins",
    "m_date",
    "m_country",
    "m_route",
    "m_term",
    "m_unknown",
    "m_bbox",
    "m_source",
    "pstage_cells",
    "touched_months",
    "quarantined",
    "no_point",
    "repeats",
    "parts",
    "merges",
    "merged",
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
    register_table(
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
        if column in C.FLAT_COLUMNS or column in C.QUARANTINE_FILE_COLUMNS:
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
    # name only the kept columns. A quarantine download's own columns are known, not reported.
    unused = {*dropped, *ignored, *C.QUARANTINE_FILE_COLUMNS}
    info.columns = [c for c in info.columns if c not in unused]
    return dropped, ignored


# --- lookups built from distinct values ----------------------------------------------
#
# Lookups are keyed on cells as read, untrimmed: canonical rows join the staged cells
# directly, so trimming and parsing cost once per distinct value, never once per row.

#: Term columns that hold exactly one term.
_SINGLE_TERM_COLUMNS: tuple[str, ...] = (C.CRIME_TYPE, C.NETWORK, *C.DETAIL_TERM_COLUMNS)

#: Distinct cells of a column mapped to their text (trimmed, blank as None).
_Cells = dict[str, str | None]


def _distinct_cells(con, info: StageInfo, columns: list[str]) -> dict[str, _Cells]:
    """Each column's distinct non-NULL cells mapped to their text, all read in one query."""
    found: dict[str, _Cells] = {column: {} for column in columns}
    present = [c for c in columns if c in info.columns]
    if not present:
        return found
    rows = con.execute(*distinct_cells_sql(_flat_stage(info), present))
    for column, cell, text in rows.fetchall():
        found[column][cell] = text
    return found


def _suggestion(text: str) -> str | None:
    suggestions = suggest_countries(text)
    return ", ".join(suggestions) if suggestions else None


def _build_maps(con, info: StageInfo, date_format: str | None, file_name: str) -> None:
    """Resolve the distinct cells of every looked-up column into the m_* tables.

    Terms and countries go through the vocabularies, then the store's term map; what
    neither knows is listed in ``m_unknown`` (column, cell, field, text, term key).
    """
    cells = _distinct_cells(con, info, [C.DATE, *C.COUNTRY_COLUMNS, C.TRANSIT, *TERM_COLUMNS])
    mapped = _mapped_by_field(con)
    unknown = _Unknown()
    _build_date_map(con, cells[C.DATE], date_format, file_name)
    _build_country_map(con, cells, mapped.get(COUNTRY_FIELD, {}), unknown)
    _build_route_map(con, cells[C.TRANSIT], mapped.get(COUNTRY_FIELD, {}), unknown)
    _build_term_map(con, {column: cells[column] for column in TERM_COLUMNS}, mapped, unknown)
    register_table(con, "m_unknown", pa.table({key: text_array(values) for key, values in unknown.rows.items()}))
    _build_source_map(con, info)
    table = country_table()
    register_table(
        con,
        "m_bbox",
        pa.Table.from_pandas(table[["iso3", "min_lon", "min_lat", "max_lon", "max_lat"]], preserve_index=False),
    )
    info.decimal_comma = _uses_decimal_comma(con, info)


class _Unknown:
    """Rows of ``m_unknown``: one per (column, cell, unknown token)."""

    def __init__(self) -> None:
        self.rows: dict[str, list] = {"col": [], "cell": [], "field": [], "text": [], "term_key": []}

    def add(self, column: str, cell: str, field: str, tokens: tuple[str, ...]) -> None:
        for token in tokens:
            for key, value in zip(self.rows, (column, cell, field, token, term_key(token))):
                self.rows[key].append(value)


class _Resolved(NamedTuple):
    """A term cell resolved: its codes (vocabulary codes only), the codes it is stored under as
    attributes (unmapped terms included), and its unknown tokens."""

    codes: str | None
    attr: str | None
    unknown: tuple[str, ...]


def _mapped_by_field(con) -> dict[str, dict[str, str]]:
    """The store's term map by field: term key to code."""
    by_field: dict[str, dict[str, str]] = {}
    for (field, key), code in mapped_terms(con).items():
        by_field.setdefault(field, {})[key] = code
    return by_field


def _build_date_map(con, cells: _Cells, date_format: str | None, file_name: str) -> None:
    """Table ``m_date``: each date cell's day, and for a date known only to its month or year, that precision."""
    try:
        # Sorted: the day/month order is decided on the whole set, and a refusal
        # should quote the same examples every time.
        dates = parse_dates(sorted({t for t in cells.values() if t is not None}), date_format)
    except DateOrderError as exc:
        raise ImportRefused(N_("{file}: {error}"), file=file_name, error=exc) from None
    partial = {t: parse_partial_date(t) for t, d in dates.items() if d is None}
    days = [dates.get(t) or (partial.get(t) or (None, None))[0] for t in cells.values()]
    register_table(
        con,
        "m_date",
        pa.table(
            {
                "cell": text_array(cells),
                "text": text_array(cells.values()),
                "d": pa.array(days, pa.date32()),
                "precision": text_array((partial.get(t) or (None, None))[1] for t in cells.values()),
            }
        ),
    )


def _build_country_map(con, cells_by_column: dict[str, _Cells], mapped: dict[str, str], unknown: _Unknown) -> None:
    """Table ``m_country`` of the country columns' distinct cells: ISO-3, or a suggestion for an unknown name."""
    cells = {cell: text for c in C.COUNTRY_COLUMNS for cell, text in cells_by_column[c].items()}
    texts = {t for t in cells.values() if t is not None}
    isos = {t: resolve_country(t) or mapped.get(term_key(t)) for t in texts}
    suggestions = {t: _suggestion(t) for t in texts if isos[t] is None}
    for column in C.COUNTRY_COLUMNS:
        for cell, text in cells_by_column[column].items():
            if text is not None and isos[text] is None:
                unknown.add(column, cell, COUNTRY_FIELD, (text,))
    register_table(
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


def _build_route_map(con, cells: _Cells, mapped: dict[str, str], unknown: _Unknown) -> None:
    """Table ``m_route``: each transit cell's known countries in order, and its names that are not countries."""
    routes = {t: parse_route(t, mapped) for t in set(cells.values()) if t is not None}
    parsed = [routes.get(t) for t in cells.values()]
    for cell, route in zip(cells, parsed):
        if route is not None:
            unknown.add(C.TRANSIT, cell, COUNTRY_FIELD, route.unknown)
    register_table(
        con,
        "m_route",
        pa.table(
            {
                "cell": text_array(cells),
                "text": text_array(cells.values()),
                "path": text_array(">".join(r.countries) or None if r else None for r in parsed),
                "bad": text_array(", ".join(r.unknown) or None if r else None for r in parsed),
                "suggestion": text_array(_suggestion(r.bad_token) if r and r.bad_token else None for r in parsed),
            }
        ),
    )


def _build_term_map(
    con, cells_by_column: dict[str, _Cells], mapped: dict[str, dict[str, str]], unknown: _Unknown
) -> None:
    """Table ``m_term``: each term cell's codes, its attribute codes and its unknown tokens (for messages)."""
    rows: dict[str, list] = {"col": [], "cell": [], "text": [], "codes": [], "attr": [], "bad": []}
    for column, cells in cells_by_column.items():
        vocabulary = C.MULTI_VALUE_COLUMNS.get(column, column)
        for cell, text in cells.items():
            resolved = (
                _resolve_terms(column, vocabulary, text, mapped.get(vocabulary, {}))
                if text is not None
                else _Resolved(None, None, ())
            )
            if column != C.CRIME_TYPE:
                unknown.add(column, cell, vocabulary, resolved.unknown)
            bad = ", ".join(resolved.unknown) or None
            for key, value in zip(rows, (column, cell, text, resolved.codes, resolved.attr, bad)):
                rows[key].append(value)
    register_table(con, "m_term", pa.table({key: text_array(values) for key, values in rows.items()}))


def _build_source_map(con, info: StageInfo) -> None:
    """Sources are few and long: trimming each distinct one beats trimming every row."""
    if C.SOURCE in info.columns:
        con.execute(*source_map_sql(_flat_stage(info)))


def _resolve_terms(column: str, vocabulary: str, text: str, mapped: dict[str, str]) -> _Resolved:
    """The codes a cell's text resolves to, and its tokens no vocabulary (nor the term map) knows.

    A single-valued column takes exactly one term: several known terms, or none (a cell of
    separators only), are together one unknown term.
    """
    parsed = parse_multi(vocabulary, text, mapped)
    if column in _SINGLE_TERM_COLUMNS and (len(parsed.codes) != 1 or parsed.unknown):
        return _Resolved(None, None, (text,))
    attr = [*parsed.codes, *(unmapped_code(t) for t in parsed.unknown)]
    return _Resolved(";".join(parsed.codes) or None, ";".join(attr) or None, parsed.unknown)


def _uses_decimal_comma(con, info: StageInfo) -> bool:
    """Decide once per file whether coordinates use a decimal comma."""
    if info.delimiter in (None, ",") or C.LAT not in info.columns:
        return False
    row = con.execute(*decimal_separators_sql("stage")).fetchall()[0]
    return row[0] > 0 and row[1] == 0


def _build_errors(con, info: StageInfo, default_source: str, today: dt.date) -> None:
    """Table ``errs``: one row per (line, rule, column) broken, with the message; and from it
    ``quarantined`` (lines not stored), ``no_point`` (points not stored) and ``repeats``
    (accepted lines sharing a key).

    Rules on a row's own values run on ``suspect``, the few rows that may break one,
    found in a single scan; rules on looked-up values join the cells to the (usually
    empty) set of bad lookup entries.
    """
    stage = _flat_stage(info)
    con.execute(*errors_sql(stage, today))
    con.execute(*quarantined_sql(_QUARANTINE))
    con.execute(*no_point_sql())
    con.execute(*repeats_sql(stage, default_source, _QUARANTINE))


def _flat_stage(info: StageInfo) -> FlatStage:
    """The staged file as plain values, for the SQL builders."""
    return FlatStage(info.cells, tuple(info.columns), bool(info.decimal_comma))


# --- writing -----------------------------------------------------------------------


def _write_cases(con, import_id: int, info: StageInfo, default_source: str, result: ImportResult) -> None:
    """Write the new and changed accepted rows as cases, replacing the stored cases they change.

    New cases get uid = previous maximum + line number: unique, no sort needed. The
    join with ``cases`` is read in the write transaction, so it sees what it replaces.
    """
    stage = _flat_stage(info)
    base = con.execute(*max_case_uid_sql()).fetchall()[0][0]
    con.execute(*parts_sql(stage, default_source))
    con.execute(*merges_sql())
    con.execute(*merged_sql(stage))
    con.execute(*rows_to_write_sql(stage, default_source, base))
    con.execute(touched_months_sql("ins"))  # before the replaced cases go: their months change too
    for table in CASE_TABLES:
        con.execute(*delete_replaced_sql(table))
    con.execute(*insert_cases_sql(import_id))
    counts = present_counts(stage)
    if counts:
        con.execute(*persons_sql(counts))
    con.execute(*attributes_sql())
    con.execute(*flags_sql(_QUARANTINE))
    con.execute(*unmapped_sql(stage, list(_UNMAPPED_COLUMNS)))
    bad = count_lines(con, "quarantined")
    total, updated = con.execute(*written_counts_sql()).fetchall()[0]
    result.rows_accepted = int(info.rows - bad)
    result.rows_merged = count_lines(con, "merges")
    result.rows_updated, result.rows_inserted = int(updated), int(total - updated)
    result.rows_unchanged = result.rows_accepted - result.rows_merged - int(total)
    _report_flags(con, stage, result)


def _report_flags(con, stage: FlatStage, result: ImportResult) -> None:
    """Fill the import result's flagged rows (in all, and per rule) and its unmapped terms."""
    for rule, lines in con.execute(*flagged_lines_sql(_QUARANTINE)).fetchall():
        if rule is None:
            result.rows_flagged = int(lines)
        else:
            result.flags_by_rule[rule] = int(lines)
    result.unmapped_terms = [
        {"field": field, "column": column, "text": text, "rows": int(rows), "suggestions": suggest_codes(field, text)}
        for field, column, text, rows in con.execute(*unmapped_rows_sql(stage, list(_UNMAPPED_COLUMNS))).fetchall()
    ]


def _write_quarantine(con, import_id: int, info: StageInfo, result: ImportResult) -> None:
    """Quarantine the problems in ``errs`` and the ragged rows; count them per rule and in all."""
    con.execute(*quarantine_sql(_flat_stage(info), import_id, _QUARANTINE))
    quarantine_ragged(con, import_id, info.ragged)
    result.quarantine_by_rule = quarantine_by_rule(con, import_id)
    result.rows_quarantined = quarantined_lines(con, import_id)
