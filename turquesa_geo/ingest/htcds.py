"""Import the HTCDS long format: a persons file and an events file keyed by case id.

Field names follow IOM's Human Trafficking Case Data Standard (``prs_Gender``,
``prs_Nationality``, ``vic_MethodsOfControl``, ``hte_Type``, ``hte_Country``,
``hte_Date``, ...). The pair is imported in one transaction; each file gets its own
reconciliation (rows read = accepted + quarantined) and its own line numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from turquesa_geo import columns as C
from turquesa_geo.countries import country_table, resolve_country, suggest_countries
from turquesa_geo.i18n import N_
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
    record_import,
    register_table,
    require_reconciled,
)
from turquesa_geo.ingest.overlaps import sync_counted
from turquesa_geo.ingest.parsing import DateOrderError, parse_dates, parse_multi
from turquesa_geo.ingest.readers import ImportRefused, StageInfo, drop_stage, load_stage
from turquesa_geo.store.connection import transaction
from turquesa_geo.store.queries import drop_temp_sql, touched_months_sql
from turquesa_geo.store.queries import ingest_htcds as sql
from turquesa_geo.store.queries.ingest_flat import CASE_TABLES, max_case_uid_sql
from turquesa_geo.store.queries.ingest_htcds import CASE_ID
from turquesa_geo.store.rollups import refresh as refresh_rollups
from turquesa_geo.vocab import resolve_term

__all__ = ["EVENT_COLUMNS", "HTCDS_RULES", "PERSON_COLUMNS", "VICTIM_CONTEXT", "import_htcds"]

#: Rules of this format on top of the flat format's (see ``importer.RULES``).
HTCDS_RULES: dict[str, str] = {
    "missing_id": "case_id is empty",
    "invalid_gender": "prs_Gender is not Female, Male, Transgender/NonConforming or Unknown",
    "invalid_age": "prs_AgeGroup is not adult, minor or unknown, or prs_Age is not an age in years",
    "unknown_term": "a value is not a code or label of its controlled vocabulary",
    "unknown_country": "a country name or code is not known",
    "missing_country": "hte_Country is empty",
    "bad_date": "hte_Date is not a valid date",
    "future_date": "hte_Date is after the day of the import",
    "bad_coordinate": "hte_Latitude or hte_Longitude is not a number in range",
    "undated_case": "no event of the case has a valid date, so the case cannot be placed in time",
}

CASE_ID_ALIASES = ("case_id", "cas_caseid", "cas_casenumber", "cas_id", "incident_id")

#: Person fields: model name -> HTCDS column (normalised to snake case).
PERSON_COLUMNS = {
    "role": "prs_role",
    "gender": "prs_gender",
    "age_group": "prs_agegroup",
    "age": "prs_age",
    "nationality": "prs_nationality",
    "crime_type": "crime_type",
}
#: HTCDS victim-context multiselects and the vocabulary each feeds.
VICTIM_CONTEXT = {
    "vic_methodofrecruitment": "recruitment_method",
    "vic_methodsofcontrol": "control_method",
    "vic_typeoflabourexploitation": "exploitation_form",
    "vic_typeofsexexploitation": "exploitation_form",
    "vic_recruitmentwebsitesandapps": "platform",
    "vic_exploitationwebsitesandapps": "platform",
}
EVENT_COLUMNS = {
    "type": "hte_type",
    "country": "hte_country",
    "city": "hte_city",
    "date": "hte_date",
    "lat": "hte_latitude",
    "lon": "hte_longitude",
    "seq": "hte_sequence",
}

#: Where each HTCDS event type sits on a route.
ROUTE_ROLE_OF_EVENT = {
    "recruitment": "origin",
    "departure": "origin",
    "transit": "transit",
    "interception": "detection",
    "arrival": "destination",
    "exploitation": "destination",
}

_TEMP = (
    "hp_err",
    "he_err",
    "h_map",
    "h_persons",
    "h_events",
    "h_ev",
    "h_pe",
    "h_attr",
    "h_cases",
    "h_ins",
    "h_uid",
    "h_bbox",
    "h_written",
    "touched_months",
)


@dataclass
class _Side:
    """One of the two files while it is imported."""

    path: Path
    table: str
    info: StageInfo
    result: ImportResult


def import_htcds(
    con,
    persons_path: str | Path,
    events_path: str | Path,
    *,
    source: str | None = None,
    crime_type: str = "trafficking",
    date_format: str | None = None,
    today: dt.date | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[ImportResult, ImportResult]:
    """Import an HTCDS persons file and events file as one transaction.

    Parameters
    ----------
    persons_path, events_path : path
        The two files (any format the flat importer reads); rows are linked by
        ``case_id`` (or ``cas_CaseID`` / ``cas_CaseNumber`` / ``incident_id``).
    source : str, optional
        Reporting source of the cases; defaults to the persons file's name.
    crime_type : str
        Crime type of cases whose persons file has no ``crime_type`` column.

    Returns
    -------
    (ImportResult, ImportResult)
        Reconciliation of the persons file and of the events file.
    """
    progress = progress or (lambda _phase, _fraction: None)
    today = today or dt.date.today()
    paths = (Path(persons_path), Path(events_path))
    shas = [file_sha256(p) for p in paths]
    previous = [previous_import(con, s) for s in shas]
    if all(p is not None for p in previous):
        return _already_imported(con, previous, paths, shas)
    source = source or paths[0].stem
    started = dt.datetime.now()
    try:
        progress("read", 0.05)
        persons = _stage(con, paths[0], "hp", shas[0], source, "htcds-persons")
        events = _stage(con, paths[1], "he", shas[1], source, "htcds-events")
        persons, events = _check_columns(persons, events)
        progress("validate", 0.35)
        _build_lookups(con, persons, events, date_format)
        _event_errors(con, events, today)
        _person_errors(con, persons)
        _assemble(con, source, crime_type)
        progress("write", 0.65)
        _write(con, persons, events, started)
    finally:
        for table in ("hp", "he"):
            con.execute(drop_temp_sql("VIEW", f"{table}_v"))
            drop_stage(con, table)
        for name in _TEMP:
            con.execute(drop_temp_sql("TABLE", name))
    progress("done", 1.0)
    return persons.result, events.result


def _already_imported(con, previous: list[int], paths: tuple[Path, ...], shas: list[str]):
    found = []
    for import_id, path, sha in zip(previous, paths, shas):
        source, profile = import_origin(con, import_id)
        found.append(ImportResult(import_id, path.name, sha, profile, source, already_imported=True))
    return tuple(sorted(found, key=lambda r: r.profile != "htcds-persons"))


# --- staging -----------------------------------------------------------------------


def _stage(con, path: Path, table: str, sha: str, source: str, profile: str) -> _Side:
    info = load_stage(con, path, table)
    alias = next((c for c in CASE_ID_ALIASES if c in info.columns), None)
    if alias is None:
        raise ImportRefused(
            N_("{file}: no case id column (one of {aliases}); found: {found}"),
            file=path.name,
            aliases=", ".join(CASE_ID_ALIASES),
            found=", ".join(info.columns),
        )
    result = ImportResult(
        0,
        path.name,
        sha,
        profile,
        source,
        rows_read=info.rows_read,
        file_format=info.file_format,
        encoding=info.encoding,
        delimiter=info.delimiter,
    )
    known = {alias, *PERSON_COLUMNS.values(), *VICTIM_CONTEXT, *EVENT_COLUMNS.values()}
    result.dropped_columns = [c for c in info.columns if c not in known and C.looks_personal(c)]
    result.ignored_columns = [c for c in info.columns if c not in known and c not in result.dropped_columns]
    info.columns = [c for c in info.columns if c in known]
    con.execute(*sql.case_view_sql(table, alias, info.columns))
    info.columns = [CASE_ID] + [c for c in info.columns if c != alias]
    return _Side(path, table, info, result)


def _check_columns(persons: _Side, events: _Side) -> tuple[_Side, _Side]:
    """Check both files, accepting them in either order; return (persons, events)."""

    def is_persons(side: _Side) -> bool:
        return any(c.startswith("prs_") for c in side.info.columns)

    if is_persons(events) and not is_persons(persons):
        persons, events = events, persons
    for column in (EVENT_COLUMNS["type"], EVENT_COLUMNS["country"]):
        if column not in events.info.columns:
            raise ImportRefused(
                N_("{file}: missing required column {column}; found: {found}"),
                file=events.path.name,
                column=column,
                found=", ".join(events.info.columns),
            )
    if not any(c.startswith("prs_") for c in persons.info.columns):
        raise ImportRefused(
            N_("{file}: no HTCDS person column (prs_Gender, prs_Nationality, ...): is it the persons file?"),
            file=persons.path.name,
        )
    return persons, events


def _distinct(con, side: _Side, column: str) -> list[str]:
    if column not in side.info.columns:
        return []
    return [r[0] for r in con.execute(*sql.distinct_sql(side.table, column)).fetchall()]


# --- lookups -----------------------------------------------------------------------


def _build_lookups(con, persons: _Side, events: _Side, date_format: str | None) -> None:
    """One lookup table of (kind, raw) -> code / date / suggestion, built from distinct values."""
    kinds: list[str] = []
    raws: list[str] = []
    codes: list[str | None] = []
    notes: list[str | None] = []

    def add(kind: str, values: list[str], resolve) -> None:
        for value in values:
            code, note = resolve(value)
            kinds.append(kind), raws.append(value), codes.append(code), notes.append(note)

    def country(value: str):
        code = resolve_country(value)
        return code, None if code else (", ".join(suggest_countries(value)) or None)

    def term(vocabulary: str):
        return lambda value: (resolve_term(vocabulary, value), None)

    def multi(vocabulary: str):
        def resolve(value: str):
            parsed = parse_multi(vocabulary, value)
            return (
                (";".join(parsed.codes) or None, parsed.bad_token) if not parsed.bad_token else (None, parsed.bad_token)
            )

        return resolve

    add(
        "country",
        sorted(
            set(_distinct(con, persons, PERSON_COLUMNS["nationality"]))
            | set(_distinct(con, events, EVENT_COLUMNS["country"]))
        ),
        country,
    )
    add("role", _distinct(con, persons, PERSON_COLUMNS["role"]), term("role"))
    add("gender", _distinct(con, persons, PERSON_COLUMNS["gender"]), term("gender"))
    add("age_group", _distinct(con, persons, PERSON_COLUMNS["age_group"]), term("age_group"))
    add("age", _distinct(con, persons, PERSON_COLUMNS["age"]), _age_group_of_age)
    add("crime_type", _distinct(con, persons, PERSON_COLUMNS["crime_type"]), term("crime_type"))
    add("event_type", _distinct(con, events, EVENT_COLUMNS["type"]), term("event_type"))
    for column, vocabulary in VICTIM_CONTEXT.items():
        add(column, _distinct(con, persons, column), multi(vocabulary))
    try:
        dates = parse_dates(_distinct(con, events, EVENT_COLUMNS["date"]), date_format)
    except DateOrderError as exc:
        raise ImportRefused(N_("{file}: {error}"), file=events.path.name, error=exc) from None
    add("date", list(dates), lambda v: (dates[v].isoformat() if dates[v] else None, None))
    register_table(
        con,
        "h_map",
        pa.table(
            {
                "kind": pa.array(kinds, pa.string()),
                "raw": pa.array(raws, pa.string()),
                "code": pa.array(codes, pa.string()),
                "note": pa.array(notes, pa.string()),
            }
        ),
    )
    register_table(
        con,
        "h_bbox",
        pa.Table.from_pandas(
            country_table()[["iso3", "min_lon", "min_lat", "max_lon", "max_lat"]], preserve_index=False
        ),
    )


def _age_group_of_age(value: str) -> tuple[str | None, None]:
    try:
        years = float(value.replace(",", "."))
    except ValueError:
        return None, None
    if not 0 <= years < 120:
        return None, None
    return ("minor" if years < 18 else "adult"), None


# --- rules -------------------------------------------------------------------------


def _event_errors(con, events: _Side, today: dt.date) -> None:
    """Tables ``h_events`` (events resolved) and ``he_err`` (their problems)."""
    con.execute(*sql.events_sql(events.table, events.info.columns, EVENT_COLUMNS))
    con.execute(*sql.event_errors_sql(EVENT_COLUMNS, today))
    # A case needs one valid dated event; its rows are quarantined otherwise.
    con.execute(*sql.undated_events_sql(EVENT_COLUMNS["date"]))


def _person_errors(con, persons: _Side) -> None:
    """Tables ``h_persons`` (persons resolved) and ``hp_err`` (their problems)."""
    con.execute(*sql.persons_sql(persons.table, persons.info.columns, PERSON_COLUMNS, VICTIM_CONTEXT))
    con.execute(*sql.person_errors_sql(PERSON_COLUMNS, VICTIM_CONTEXT))
    con.execute(*sql.undated_persons_sql())


# --- assembling cases ----------------------------------------------------------------


def _assemble(con, source: str, default_crime: str) -> None:
    """Cases from accepted rows: route from ordered events, counts from persons."""
    con.execute(*sql.route_events_sql(ROUTE_ROLE_OF_EVENT))
    con.execute(*sql.accepted_persons_sql())
    con.execute(*sql.case_attributes_sql(VICTIM_CONTEXT))
    con.execute(*sql.cases_sql(default_crime))
    con.execute(*sql.cases_to_write_sql(source))


# --- writing -----------------------------------------------------------------------


def _write(con, persons: _Side, events: _Side, started: dt.datetime) -> None:
    """Write the changed cases and both files' quarantine and records, in one transaction."""
    with transaction(con):
        _write_cases(con, persons, events)
        sync_counted(con, "touched_months")  # a replaced case keeps its link: counted once, not twice
        refresh_rollups(con, "touched_months")
        for side, rows, errors in ((persons, "h_persons", "hp_err"), (events, "h_events", "he_err")):
            _reconcile(con, side, rows, errors)
            _record(con, side, errors, started)
            require_reconciled(side.result)


def _write_cases(con, persons: _Side, events: _Side) -> None:
    """Replace the changed cases and insert the new ones; both files' import ids are taken here."""
    base = con.execute(*max_case_uid_sql()).fetchall()[0][0]
    con.execute(*sql.case_uids_sql(base))
    con.execute(*sql.written_sql())
    con.execute(touched_months_sql("h_written"))  # before the replaced cases go: their months change too
    for table in CASE_TABLES:
        con.execute(*sql.delete_replaced_sql(table))
    persons.result.import_id = next_import_id(con)
    events.result.import_id = persons.result.import_id + 1
    con.execute(*sql.insert_cases_sql(persons.result.source, persons.result.import_id))
    con.execute(*sql.insert_events_sql())
    con.execute(*sql.insert_persons_sql())
    con.execute(*sql.insert_attributes_sql())


def _reconcile(con, side: _Side, rows: str, errors: str) -> None:
    """Split accepted rows by what happened to their case: inserted, updated or unchanged."""
    inserted, updated, unchanged = con.execute(*sql.outcomes_sql(rows, errors)).fetchall()[0]
    bad = count_lines(con, errors)
    result = side.result
    result.rows_inserted, result.rows_updated, result.rows_unchanged = int(inserted), int(updated), int(unchanged)
    result.rows_accepted = int(inserted + updated + unchanged)
    result.rows_quarantined = int(bad) + len(side.info.ragged)


def _record(con, side: _Side, errors: str, started: dt.datetime) -> None:
    """Quarantine one file's problems and ragged rows, and record its import."""
    result, import_id = side.result, side.result.import_id
    con.execute(*sql.quarantine_sql(side.table, side.info.columns, errors, import_id))
    quarantine_ragged(con, import_id, side.info.ragged)
    result.quarantine_by_rule = quarantine_by_rule(con, import_id)
    record_import(con, result, started)
