"""Import the HTCDS long format: a persons file and an events file keyed by case id.

Field names follow IOM's Human Trafficking Case Data Standard (``prs_Gender``,
``prs_Nationality``, ``vic_MethodsOfControl``, ``hte_Type``, ``hte_Country``,
``hte_Date``, ...). The pair is imported in one transaction; each file gets its own
reconciliation (rows read = accepted + quarantined) and its own line numbers.

Only what cannot be stored is quarantined (:data:`HTCDS_QUARANTINE_RULES`): a row with
no case id, a case with no event dated at any precision, a ragged row, an event whose
type is unknown (it has no place on a route: origin, transit or destination), a person
whose role or crime type is unknown (it cannot be counted on either side). Every other
row is kept, and what is doubtful is a flag of its case (:data:`HTCDS_FLAG_RULES`): an
unknown gender or age is counted as ``unknown``, an unknown country is left unresolved,
an event with a bad or future date is kept without a date (a month or a year is a date,
on its first day, and the case says its precision), a bad point is left out, a point
outside its event's country is kept. An event kept without a date keeps its place in
the file's order on the route.
Terms no vocabulary knows are kept as unmapped terms of the case (``case_unmapped``;
victim-context terms also as their own code in ``case_attributes``), after the store's
term map (:func:`turquesa_geo.ingest.terms.mapped_terms`) had its say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

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
    resolve_quarantine,
)
from turquesa_geo.ingest.overlaps import sync_counted
from turquesa_geo.ingest.parsing import DateOrderError, parse_dates, parse_multi, parse_partial_date
from turquesa_geo.ingest.readers import ImportRefused, StageInfo, drop_stage, load_stage
from turquesa_geo.ingest.terms import COUNTRY_FIELD, mapped_terms
from turquesa_geo.store.connection import transaction
from turquesa_geo.store.queries import drop_temp_sql, touched_months_sql
from turquesa_geo.store.queries import ingest_htcds as sql
from turquesa_geo.store.queries.ingest_flat import CASE_TABLES, max_case_uid_sql
from turquesa_geo.store.queries.ingest_htcds import CASE_ID
from turquesa_geo.store.rollups import refresh as refresh_rollups
from turquesa_geo.vocab import resolve_term, suggest_terms, term_key, unmapped_code

__all__ = [
    "EVENT_COLUMNS",
    "HTCDS_FLAG_RULES",
    "HTCDS_QUARANTINE_RULES",
    "HTCDS_RULES",
    "PERSON_COLUMNS",
    "VICTIM_CONTEXT",
    "import_htcds",
]

#: Quarantine rules: what cannot be stored (code and what it means); the row is not kept.
HTCDS_QUARANTINE_RULES: dict[str, str] = {
    "ragged_row": "the row has more or fewer fields than the header",
    "missing_id": "case_id is empty",
    "undated_case": "no event of the case has a valid date, so the case cannot be placed in time",
    "unknown_event_type": "hte_Type is empty or not an event type: the event cannot be placed on the route",
    "unknown_role": "prs_Role is not victim, migrant or suspect: the person cannot be counted",
    "unknown_crime_type": "crime_type is not trafficking, smuggling or both, in any language the vocabulary knows",
}

#: Flag rules: the row is kept, and what is doubtful about it is a flag of its case (code and what it means).
HTCDS_FLAG_RULES: dict[str, str] = {
    "unmapped_term": "a value is not a code or label of its vocabulary: kept as a term not mapped",
    "unknown_country": "a country name or code is not known: that place is left unresolved and off the map",
    "missing_country": "hte_Country is empty: the event is kept without a country",
    "bad_date": "hte_Date is not a date: the event is kept without a date",
    "future_date": "hte_Date is after the day of the import: the event is kept without a date",
    "partial_date": "the date is known only to the month or the year: stored on its first day, with its precision",
    "bad_coordinate": "hte_Latitude and hte_Longitude are not a point (two numbers in range, not 0, 0): "
    "the point is left out",
    "coordinates_outside_country": "the point is outside the event's country (at sea or across a border?): kept",
}

#: Every rule of the HTCDS importer, quarantine and flag.
HTCDS_RULES: dict[str, str] = {**HTCDS_QUARANTINE_RULES, **HTCDS_FLAG_RULES}

_QUARANTINE: tuple[str, ...] = tuple(HTCDS_QUARANTINE_RULES)

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
    "hp_out",
    "he_out",
    "hp_unm",
    "he_unm",
    "h_flags",
    "h_map",
    "h_unknown",
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

    @property
    def tables(self) -> tuple[str, str, str, str]:
        """This file's temporary tables: rows resolved, problems, quarantined lines, unmapped terms."""
        rows = "h_persons" if self.table == "hp" else "h_events"
        return rows, f"{self.table}_err", f"{self.table}_out", f"{self.table}_unm"


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


class _Found(NamedTuple):
    """A distinct cell looked up: its code(s), its attribute codes (unmapped terms included), a note
    (an unknown country's suggestions, a multiselect's unknown terms, a partial date's precision), and
    the field and texts of its terms no vocabulary knows that are kept as unmapped."""

    code: str | None
    attr: str | None = None
    note: str | None = None
    field: str | None = None
    unknown: tuple[str, ...] = ()


class _Lookups:
    """Rows of ``h_map`` (kind, raw cell) -> code, attr, note; and of ``h_unknown``, its unmapped terms."""

    def __init__(self) -> None:
        self.map: dict[str, list] = {"kind": [], "raw": [], "code": [], "attr": [], "note": []}
        self.unknown: dict[str, list] = {"kind": [], "raw": [], "field": [], "text": [], "term_key": []}

    def add(self, kind: str, values: Iterable[str], resolve: Callable[[str], _Found]) -> None:
        for raw in values:
            found = resolve(raw)
            for key, value in zip(self.map, (kind, raw, found.code, found.attr, found.note)):
                self.map[key].append(value)
            for text in found.unknown:
                for key, value in zip(self.unknown, (kind, raw, found.field, text, term_key(text))):
                    self.unknown[key].append(value)

    def register(self, con) -> None:
        for name, rows in (("h_map", self.map), ("h_unknown", self.unknown)):
            register_table(con, name, pa.table({key: pa.array(values, pa.string()) for key, values in rows.items()}))


def _build_lookups(con, persons: _Side, events: _Side, date_format: str | None) -> None:
    """Tables ``h_map`` and ``h_unknown``, built from each column's distinct cells (read trimmed).

    Terms and countries go through the vocabularies, then the store's term map; what
    neither knows is kept as unmapped, except the terms a row cannot be stored without
    (role, crime type, event type), which quarantine it.
    """
    mapped = _mapped_by_field(con)
    lookups = _Lookups()
    countries = set(_distinct(con, persons, PERSON_COLUMNS["nationality"]))
    countries |= set(_distinct(con, events, EVENT_COLUMNS["country"]))
    lookups.add("country", sorted(countries), _country_resolver(mapped.get(COUNTRY_FIELD, {})))
    # (vocabulary, file, column, whether an unknown term is kept as unmapped rather than quarantined)
    for vocabulary, side, column, kept in (
        ("role", persons, PERSON_COLUMNS["role"], False),
        ("gender", persons, PERSON_COLUMNS["gender"], True),
        ("age_group", persons, PERSON_COLUMNS["age_group"], True),
        ("crime_type", persons, PERSON_COLUMNS["crime_type"], False),
        ("event_type", events, EVENT_COLUMNS["type"], False),
    ):
        resolve = _term_resolver(vocabulary, mapped.get(vocabulary, {}), kept)
        lookups.add(vocabulary, _distinct(con, side, column), resolve)
    lookups.add("age", _distinct(con, persons, PERSON_COLUMNS["age"]), _age_resolver(mapped.get("age_group", {})))
    for column, vocabulary in VICTIM_CONTEXT.items():
        lookups.add(column, _distinct(con, persons, column), _multi_resolver(vocabulary, mapped.get(vocabulary, {})))
    lookups.add("date", *_date_resolver(_distinct(con, events, EVENT_COLUMNS["date"]), date_format, events))
    lookups.register(con)
    register_table(
        con,
        "h_bbox",
        pa.Table.from_pandas(
            country_table()[["iso3", "min_lon", "min_lat", "max_lon", "max_lat"]], preserve_index=False
        ),
    )


def _mapped_by_field(con) -> dict[str, dict[str, str]]:
    """The store's term map by field: term key to code."""
    by_field: dict[str, dict[str, str]] = {}
    for (field, key), code in mapped_terms(con).items():
        by_field.setdefault(field, {})[key] = code
    return by_field


def _country_resolver(mapped: dict[str, str]) -> Callable[[str], _Found]:
    def resolve(value: str) -> _Found:
        code = resolve_country(value) or mapped.get(term_key(value))
        if code:
            return _Found(code)
        return _Found(None, note=", ".join(suggest_countries(value)) or None, field=COUNTRY_FIELD, unknown=(value,))

    return resolve


def _term_resolver(vocabulary: str, mapped: dict[str, str], kept: bool) -> Callable[[str], _Found]:
    """One term of ``vocabulary``; an unknown one is kept as unmapped when ``kept`` (else its row is quarantined)."""

    def resolve(value: str) -> _Found:
        code = resolve_term(vocabulary, value) or mapped.get(term_key(value))
        return _Found(code, field=vocabulary, unknown=(value,) if code is None and kept else ())

    return resolve


def _age_resolver(mapped: dict[str, str]) -> Callable[[str], _Found]:
    """An age in years, as its age group (or the term map's age group for the text)."""

    def resolve(value: str) -> _Found:
        code = _age_group_of_age(value) or mapped.get(term_key(value))
        return _Found(code, field="age_group", unknown=(value,) if code is None else ())

    return resolve


def _multi_resolver(vocabulary: str, mapped: dict[str, str]) -> Callable[[str], _Found]:
    """A multiselect: its known codes, and its unknown terms kept under their own code (``?text``)."""

    def resolve(value: str) -> _Found:
        parsed = parse_multi(vocabulary, value, mapped)
        attr = [*parsed.codes, *(unmapped_code(t) for t in parsed.unknown)]
        return _Found(
            ";".join(parsed.codes) or None,
            ";".join(attr) or None,
            ", ".join(parsed.unknown) or None,
            vocabulary,
            parsed.unknown,
        )

    return resolve


def _date_resolver(values: list[str], date_format: str | None, events: _Side):
    """The distinct dates and their resolver: the day (or a month's or year's first day, its precision the note)."""
    try:
        dates = parse_dates(values, date_format)
    except DateOrderError as exc:
        raise ImportRefused(N_("{file}: {error}"), file=events.path.name, error=exc) from None

    def resolve(value: str) -> _Found:
        if dates[value]:
            return _Found(dates[value].isoformat())
        partial = parse_partial_date(value)
        return _Found(partial[0].isoformat(), note=partial[1]) if partial else _Found(None)

    return list(dates), resolve


def _age_group_of_age(value: str) -> str | None:
    try:
        years = float(value.replace(",", "."))
    except ValueError:
        return None
    if not 0 <= years < 120:
        return None
    return "minor" if years < 18 else "adult"


# --- rules -------------------------------------------------------------------------


def _event_errors(con, events: _Side, today: dt.date) -> None:
    """Tables ``h_events`` (events resolved), ``he_err`` (their problems) and ``he_out`` (lines quarantined)."""
    con.execute(*sql.events_sql(events.table, events.info.columns, EVENT_COLUMNS, today))
    con.execute(*sql.event_errors_sql(EVENT_COLUMNS, today))
    # A case needs one event kept with a date; its rows are quarantined otherwise.
    con.execute(*sql.undated_events_sql(EVENT_COLUMNS["date"], _QUARANTINE))
    con.execute(*sql.held_lines_sql("he_err", "he_out", _QUARANTINE))


def _person_errors(con, persons: _Side) -> None:
    """Tables ``h_persons`` (persons resolved), ``hp_err`` (their problems) and ``hp_out`` (lines quarantined)."""
    con.execute(*sql.persons_sql(persons.table, persons.info.columns, PERSON_COLUMNS, VICTIM_CONTEXT))
    con.execute(*sql.person_errors_sql(PERSON_COLUMNS, VICTIM_CONTEXT))
    con.execute(*sql.undated_persons_sql(_QUARANTINE))
    con.execute(*sql.held_lines_sql("hp_err", "hp_out", _QUARANTINE))


# --- assembling cases ----------------------------------------------------------------


def _assemble(con, source: str, default_crime: str) -> None:
    """Cases from the rows kept: route from ordered events, counts from persons, flags and unmapped terms."""
    con.execute(*sql.route_events_sql(ROUTE_ROLE_OF_EVENT))
    con.execute(*sql.accepted_persons_sql())
    con.execute(*sql.case_attributes_sql(VICTIM_CONTEXT))
    con.execute(*sql.case_flags_sql())
    con.execute(*sql.person_unmapped_sql(PERSON_COLUMNS, VICTIM_CONTEXT))
    con.execute(*sql.event_unmapped_sql(EVENT_COLUMNS))
    con.execute(*sql.cases_sql(default_crime))
    con.execute(*sql.cases_to_write_sql(source))


# --- writing -----------------------------------------------------------------------


def _write(con, persons: _Side, events: _Side, started: dt.datetime) -> None:
    """Write the changed cases and both files' quarantine and records, in one transaction."""
    with transaction(con):
        _write_cases(con, persons, events)
        sync_counted(con, "touched_months")  # a replaced case keeps its link: counted once, not twice
        refresh_rollups(con, "touched_months")
        for side in (persons, events):
            _reconcile(con, side)
            _report_flags(con, side)
            _record(con, side, started)
            require_reconciled(side.result)
        # The pair's rows answer earlier quarantine: counted on the persons file's result.
        persons.result.quarantine_resolved = resolve_quarantine(con, persons.result.import_id)


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
    con.execute(*sql.insert_flags_sql())
    con.execute(*sql.insert_unmapped_sql())


def _reconcile(con, side: _Side) -> None:
    """Split kept rows by what happened to their case: inserted, updated or unchanged."""
    rows, _errors, held, _unmapped = side.tables
    inserted, updated, unchanged = con.execute(*sql.outcomes_sql(rows, held)).fetchall()[0]
    result = side.result
    result.rows_inserted, result.rows_updated, result.rows_unchanged = int(inserted), int(updated), int(unchanged)
    result.rows_accepted = int(inserted + updated + unchanged)
    result.rows_quarantined = count_lines(con, held) + len(side.info.ragged)


def _report_flags(con, side: _Side) -> None:
    """Fill one file's flagged rows (in all, and per rule) and its unmapped terms with suggestions."""
    _rows, errors, held, unmapped = side.tables
    result = side.result
    for rule, lines in con.execute(*sql.flag_counts_sql(errors, held)).fetchall():
        if rule is None:
            result.rows_flagged = int(lines)
        else:
            result.flags_by_rule[rule] = int(lines)
    result.unmapped_terms = [
        {"field": field, "column": column, "text": text, "rows": int(rows), "suggestions": _suggestions(field, text)}
        for field, column, text, rows in con.execute(*sql.unmapped_counts_sql(unmapped)).fetchall()
    ]


def _suggestions(field: str, text: str) -> list[str]:
    """Up to three codes (a country as ``Name (ISO3)``) the analyst may map a term to; never applied here."""
    return suggest_countries(text) if field == COUNTRY_FIELD else suggest_terms(field, text)


def _record(con, side: _Side, started: dt.datetime) -> None:
    """Quarantine one file's rows that break a quarantine rule and its ragged rows, and record its import."""
    result, import_id = side.result, side.result.import_id
    con.execute(*sql.quarantine_sql(side.table, side.info.columns, side.tables[1], import_id, _QUARANTINE))
    quarantine_ragged(con, import_id, side.info.ragged)
    result.quarantine_by_rule = quarantine_by_rule(con, import_id)
    record_import(con, result, started)
