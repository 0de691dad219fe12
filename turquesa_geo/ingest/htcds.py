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
from turquesa_geo.ingest.flat import (
    ImportResult,
    ProgressCallback,
    _count_lines_sql,
    _quarantine_by_rule,
    _quarantine_ragged,
    _record_import,
    _register,
)
from turquesa_geo.ingest.parsing import DateOrderError, parse_dates, parse_multi
from turquesa_geo.ingest.readers import LINE_COLUMN, ImportRefused, StageInfo, drop_stage, load_stage
from turquesa_geo.store.queries import drop_temp_sql, name_literal, plain_ident, touched_months_sql
from turquesa_geo.store.queries import quote_ident as q
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

CASE_ID = "case_id"
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
    from turquesa_geo.ingest.flat import _previous_import, _sha256

    progress = progress or (lambda _phase, _fraction: None)
    today = today or dt.date.today()
    paths = (Path(persons_path), Path(events_path))
    shas = [_sha256(p) for p in paths]
    previous = [_previous_import(con, s) for s in shas]
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
        _assemble(con, persons, events, source, crime_type)
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
        profile, source = con.execute(
            "SELECT profile, source FROM imports WHERE import_id = ?", [import_id]
        ).fetchall()[0]
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
    con.execute(_case_view_sql(table, alias, info.columns))
    info.columns = [CASE_ID] + [c for c in info.columns if c != alias]
    return _Side(path, table, info, result)


def _case_view_sql(table: str, alias: str, columns: list[str]) -> str:
    """View ``{table}_v`` of the staged text: the kept ``columns``, the case id column renamed ``case_id``."""
    kept = ", ".join(q(c) for c in columns if c != alias)
    table = plain_ident(table)
    return (
        f"CREATE OR REPLACE TEMP VIEW {table}_v AS SELECT {LINE_COLUMN}, {q(alias)} AS {CASE_ID}, {kept} FROM {table}"
    )


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


def _col(side: _Side, column: str) -> str:
    return f"s.{q(column)}" if column in side.info.columns else "CAST(NULL AS VARCHAR)"


def _distinct(con, side: _Side, column: str) -> list[str]:
    if column not in side.info.columns:
        return []
    return [r[0] for r in con.execute(_distinct_sql(side, column)).fetchall()]


def _distinct_sql(side: _Side, column: str) -> str:
    """Query of the distinct non-NULL texts of one column of a file."""
    return f"SELECT DISTINCT {q(column)} FROM {plain_ident(side.table)}_v WHERE {q(column)} IS NOT NULL"


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
    _register(
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
    _register(
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


def _lookup(kind: str, expr: str, alias: str) -> str:
    return f"LEFT JOIN h_map {plain_ident(alias)} ON {alias}.kind = {name_literal(kind)} AND {alias}.raw = {expr}"


# --- rules -------------------------------------------------------------------------


def _error(table: str, rule: str, column: str, value: str, message: str, where: str) -> str:
    return (
        f"SELECT {LINE_COLUMN}, '{column}' AS column_name, '{rule}' AS rule, {value} AS value, "
        f"{message} AS message FROM {table} WHERE {where}"
    )


def _event_errors(con, events: _Side, today: dt.date) -> None:
    con.execute(_events_sql(events))
    con.execute(_event_errors_sql(), {"today": today})
    # A case needs one valid dated event; its rows are quarantined otherwise.
    con.execute(_undated_events_sql())


def _events_sql(events: _Side) -> str:
    """Statement of table ``h_events``: each event row with its raw texts and looked-up values."""
    e = EVENT_COLUMNS
    lat, lon = (f"TRY_CAST(replace({_col(events, e[k])}, ',', '.') AS DOUBLE)" for k in ("lat", "lon"))
    return (
        f"CREATE OR REPLACE TEMP TABLE h_events AS SELECT s.{LINE_COLUMN}, s.{CASE_ID}, "
        f"{_col(events, e['type'])} AS type_raw, t.code AS event_type, {_col(events, e['country'])} AS country_raw, "
        f"k.code AS country, k.note AS sugg, {_col(events, e['city'])} AS place, {_col(events, e['date'])} AS date_raw, "
        f"CAST(d.code AS DATE) AS event_date, {_col(events, e['lat'])} AS lat_raw, {_col(events, e['lon'])} AS lon_raw, "
        f"{lat} AS lat, {lon} AS lon, TRY_CAST({_col(events, e['seq'])} AS INTEGER) AS seq "
        f"FROM {plain_ident(events.table)}_v s {_lookup('event_type', _col(events, e['type']), 't')} "
        f"{_lookup('country', _col(events, e['country']), 'k')} {_lookup('date', _col(events, e['date']), 'd')}"
    )


def _event_errors_sql() -> str:
    """Statement of table ``he_err``: the events file's problems (parameter ``$today``)."""
    e = EVENT_COLUMNS
    inside = (
        "EXISTS (SELECT 1 FROM h_bbox b WHERE b.iso3 = h_events.country AND lat BETWEEN b.min_lat - 1 "
        "AND b.max_lat + 1 AND lon BETWEEN b.min_lon - 1 AND b.max_lon + 1)"
    )
    rules = [
        _error("h_events", "missing_id", CASE_ID, "NULL", "'case_id is empty'", f"{CASE_ID} IS NULL"),
        _error(
            "h_events",
            "unknown_term",
            e["type"],
            "type_raw",
            "'''' || coalesce(type_raw, '') || ''' is not an event type (Recruitment, Transit, Exploitation, "
            "Departure, Interception, Arrival)'",
            "event_type IS NULL",
        ),
        _error("h_events", "missing_country", e["country"], "NULL", "'hte_Country is empty'", "country_raw IS NULL"),
        _error(
            "h_events",
            "unknown_country",
            e["country"],
            "country_raw",
            "'unknown country ''' || country_raw || '''' || coalesce('; did you mean ' || sugg || '?', '')",
            "country_raw IS NOT NULL AND country IS NULL",
        ),
        _error(
            "h_events",
            "bad_date",
            e["date"],
            "date_raw",
            "'date ''' || date_raw || ''' is not a valid date'",
            "date_raw IS NOT NULL AND event_date IS NULL",
        ),
        _error(
            "h_events",
            "future_date",
            e["date"],
            "date_raw",
            "'date ''' || date_raw || ''' is after the import day'",
            "event_date > $today",
        ),
        _error(
            "h_events",
            "bad_coordinate",
            e["lat"],
            "coalesce(lat_raw, '') || ', ' || coalesce(lon_raw, '')",
            "'point (' || coalesce(lat_raw, '') || ', ' || coalesce(lon_raw, '') || ') is not a valid point "
            "in ' || coalesce(country, '?')",
            "(lat_raw IS NOT NULL OR lon_raw IS NOT NULL) AND (lat IS NULL OR lon IS NULL OR "
            "NOT (lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180) OR (lat = 0 AND lon = 0) OR "
            f"(country IN (SELECT iso3 FROM h_bbox) AND NOT {inside}))",
        ),
    ]
    return f"CREATE OR REPLACE TEMP TABLE he_err AS {' UNION ALL '.join(rules)}"


def _undated_events_sql() -> str:
    """Statement adding to ``he_err`` the otherwise valid events of cases with no valid dated event."""
    return (
        f"INSERT INTO he_err SELECT {LINE_COLUMN}, {name_literal(EVENT_COLUMNS['date'])}, 'undated_case', {CASE_ID}, "
        f"'no event of case ''' || {CASE_ID} || ''' has a valid date' FROM h_events WHERE {CASE_ID} IS NOT NULL "
        f"AND {LINE_COLUMN} NOT IN (SELECT {LINE_COLUMN} FROM he_err) AND {CASE_ID} NOT IN (SELECT {CASE_ID} "
        f"FROM h_events WHERE event_date IS NOT NULL AND {LINE_COLUMN} NOT IN (SELECT {LINE_COLUMN} FROM he_err))"
    )


def _person_errors(con, persons: _Side) -> None:
    con.execute(_persons_sql(persons))
    con.execute(_person_errors_sql())
    con.execute(_undated_persons_sql())


def _persons_sql(persons: _Side) -> str:
    """Statement of table ``h_persons``: each person row with its raw texts and looked-up values."""
    p = PERSON_COLUMNS
    selects = [
        f"s.{LINE_COLUMN}",
        f"s.{CASE_ID}",
        f"{_col(persons, p['role'])} AS role_raw",
        "r.code AS role",
        f"{_col(persons, p['gender'])} AS gender_raw",
        "g.code AS gender",
        f"{_col(persons, p['age_group'])} AS age_group_raw",
        f"{_col(persons, p['age'])} AS age_raw",
        "coalesce(a.code, y.code) AS age_group",
        f"{_col(persons, p['nationality'])} AS nationality_raw",
        "k.code AS nationality",
        "k.note AS sugg",
        f"{_col(persons, p['crime_type'])} AS crime_raw",
        "c.code AS crime_type",
    ]
    joins = [
        _lookup("role", _col(persons, p["role"]), "r"),
        _lookup("gender", _col(persons, p["gender"]), "g"),
        _lookup("age_group", _col(persons, p["age_group"]), "a"),
        _lookup("age", _col(persons, p["age"]), "y"),
        _lookup("country", _col(persons, p["nationality"]), "k"),
        _lookup("crime_type", _col(persons, p["crime_type"]), "c"),
    ]
    for i, column in enumerate(VICTIM_CONTEXT):
        selects += [f"{_col(persons, column)} AS {column}_raw", f"v{i}.code AS {column}", f"v{i}.note AS {column}_bad"]
        joins.append(_lookup(column, _col(persons, column), f"v{i}"))
    return (
        f"CREATE OR REPLACE TEMP TABLE h_persons AS SELECT {', '.join(selects)} "
        f"FROM {plain_ident(persons.table)}_v s {' '.join(joins)}"
    )


def _person_errors_sql() -> str:
    """Statement of table ``hp_err``: the persons file's problems."""
    p = PERSON_COLUMNS
    rules = [
        _error("h_persons", "missing_id", CASE_ID, "NULL", "'case_id is empty'", f"{CASE_ID} IS NULL"),
        _error(
            "h_persons",
            "unknown_term",
            p["role"],
            "role_raw",
            "'''' || role_raw || ''' is not a role (victim, migrant, suspect)'",
            "role_raw IS NOT NULL AND role IS NULL",
        ),
        _error(
            "h_persons",
            "invalid_gender",
            p["gender"],
            "gender_raw",
            "'''' || gender_raw || ''' is not a gender (Female, Male, Transgender/NonConforming, Unknown)'",
            "gender_raw IS NOT NULL AND gender IS NULL",
        ),
        _error(
            "h_persons",
            "invalid_age",
            p["age_group"],
            "coalesce(age_group_raw, age_raw)",
            "'''' || coalesce(age_group_raw, age_raw) || ''' is not an age group (adult, minor, unknown) or an age'",
            "(age_group_raw IS NOT NULL OR age_raw IS NOT NULL) AND age_group IS NULL",
        ),
        _error(
            "h_persons",
            "unknown_country",
            p["nationality"],
            "nationality_raw",
            "'unknown country ''' || nationality_raw || '''' || coalesce('; did you mean ' || sugg || '?', '')",
            "nationality_raw IS NOT NULL AND nationality IS NULL",
        ),
        _error(
            "h_persons",
            "unknown_term",
            p["crime_type"],
            "crime_raw",
            "'''' || crime_raw || ''' is not a crime type'",
            "crime_raw IS NOT NULL AND crime_type IS NULL",
        ),
    ]
    for column in VICTIM_CONTEXT:
        rules.append(
            _error(
                "h_persons",
                "unknown_term",
                column,
                f"{column}_bad",
                f"'''' || {column}_bad || ''' is not a known value of {column}'",
                f"{column}_bad IS NOT NULL",
            )
        )
    return f"CREATE OR REPLACE TEMP TABLE hp_err AS {' UNION ALL '.join(rules)}"


def _undated_persons_sql() -> str:
    """Statement adding to ``hp_err`` the persons of cases with no valid dated event."""
    return (
        f"INSERT INTO hp_err SELECT {LINE_COLUMN}, {name_literal(CASE_ID)}, 'undated_case', {CASE_ID}, "
        f"'case ''' || {CASE_ID} || ''' has no valid dated event in the events file' FROM h_persons "
        f"WHERE {CASE_ID} IS NOT NULL AND {CASE_ID} NOT IN (SELECT {CASE_ID} FROM h_events WHERE event_date IS NOT NULL "
        f"AND {LINE_COLUMN} NOT IN (SELECT {LINE_COLUMN} FROM he_err))"
    )


# --- assembling cases ----------------------------------------------------------------


def _assemble(con, persons: _Side, events: _Side, source: str, default_crime: str) -> None:
    """Cases from accepted rows: route from ordered events, counts from persons."""
    con.execute(_route_events_sql())
    con.execute(_accepted_persons_sql())
    con.execute(_case_attributes_sql())
    con.execute(_cases_sql(), [default_crime])
    con.execute(_cases_to_write_sql(), [source])


def _route_events_sql() -> str:
    """Statement of table ``h_ev``: accepted events with their place on the route, numbered in order."""
    roles = " ".join(f"WHEN {name_literal(t)} THEN {name_literal(r)}" for t, r in ROUTE_ROLE_OF_EVENT.items())
    return (
        f"CREATE OR REPLACE TEMP TABLE h_ev AS SELECT {CASE_ID}, {LINE_COLUMN}, event_type, "
        f"CASE event_type {roles} END AS route_role, country, place, lat, lon, event_date, "
        f"CASE WHEN lat IS NOT NULL THEN 'point' WHEN place IS NOT NULL THEN 'place' ELSE 'country' END AS precision, "
        f"row_number() OVER (PARTITION BY {CASE_ID} ORDER BY seq NULLS LAST, event_date NULLS LAST, {LINE_COLUMN}) - 1 AS seq "
        f"FROM h_events WHERE {LINE_COLUMN} NOT IN (SELECT {LINE_COLUMN} FROM he_err)"
    )


def _accepted_persons_sql() -> str:
    """Statement of table ``h_pe``: the accepted person rows."""
    return (
        f"CREATE OR REPLACE TEMP TABLE h_pe AS SELECT * FROM h_persons "
        f"WHERE {LINE_COLUMN} NOT IN (SELECT {LINE_COLUMN} FROM hp_err)"
    )


def _case_attributes_sql() -> str:
    """Statement of table ``h_attr``: each case's distinct victim-context codes per vocabulary."""
    attributes = " UNION ALL ".join(
        f"SELECT {CASE_ID}, {name_literal(v)} AS dimension, unnest(string_split({plain_ident(c)}, ';')) AS code "
        f"FROM h_pe WHERE {c} IS NOT NULL"
        for c, v in VICTIM_CONTEXT.items()
    )
    return f"CREATE OR REPLACE TEMP TABLE h_attr AS SELECT DISTINCT * FROM ({attributes})"


def _cases_sql() -> str:
    """Statement of table ``h_cases``: one row per case, its route, date and fingerprint.

    Parameter: the crime type of cases whose persons give none.
    """
    return (
        f"CREATE OR REPLACE TEMP TABLE h_cases AS "
        f"WITH ev AS (SELECT {CASE_ID}, min(event_date) AS case_date, "
        f"arg_min(country, seq) FILTER (WHERE route_role = 'origin') AS origin, "
        f"arg_max(country, seq) FILTER (WHERE route_role = 'destination') AS destination, "
        f"string_agg(country, '>' ORDER BY seq) FILTER (WHERE route_role = 'transit') AS transit, "
        f"arg_max(country, seq) FILTER (WHERE route_role = 'detection') AS detection_country, "
        f"string_agg(concat_ws('|', seq, event_type, country, place, lat, lon, event_date), ';' ORDER BY seq) AS ev_key "
        f"FROM h_ev GROUP BY {CASE_ID}), "
        f"pe AS (SELECT {CASE_ID}, mode(nationality) AS nationality, min(crime_type) AS crime_type, "
        f"string_agg(concat_ws('|', role, gender, age_group, nationality), ';' ORDER BY ALL) AS pe_key FROM "
        f"(SELECT {CASE_ID}, coalesce(role, 'victim') AS role, coalesce(gender, 'unknown') AS gender, "
        f"coalesce(age_group, 'unknown') AS age_group, nationality, crime_type FROM h_pe) GROUP BY {CASE_ID}), "
        f"attr AS (SELECT {CASE_ID}, string_agg(dimension || ':' || code, ';' ORDER BY dimension, code) AS at_key "
        f"FROM h_attr GROUP BY {CASE_ID}) "
        f"SELECT ev.*, pe.nationality, coalesce(pe.crime_type, ?) AS crime_type, "
        f"CAST(hash(ev.ev_key, pe.pe_key, attr.at_key, pe.crime_type) AS VARCHAR) AS row_hash "
        f"FROM ev LEFT JOIN pe USING ({CASE_ID}) LEFT JOIN attr USING ({CASE_ID})"
    )


def _cases_to_write_sql() -> str:
    """Statement of table ``h_ins``: each case with the stored case it replaces, if any (parameter: source)."""
    return (
        f"CREATE OR REPLACE TEMP TABLE h_ins AS SELECT h.*, k.case_uid AS old_uid, k.row_hash = h.row_hash AS same "
        f"FROM h_cases h LEFT JOIN cases k ON k.source = ? AND k.incident_id = h.{CASE_ID}"
    )


# --- writing -----------------------------------------------------------------------


def _write(con, persons: _Side, events: _Side, started: dt.datetime) -> None:
    from turquesa_geo.ingest.flat import _next_import_id

    con.execute("BEGIN TRANSACTION")
    try:
        base = con.execute("SELECT coalesce(max(case_uid), 0) FROM cases").fetchall()[0][0]
        con.execute(_case_uids_sql(), [base])
        con.execute(_written_sql())
        con.execute(touched_months_sql("h_written"))  # before the replaced cases go: their months change too
        for table in _CASE_TABLES:
            con.execute(_delete_replaced_sql(table))
        persons.result.import_id = _next_import_id(con)
        events.result.import_id = persons.result.import_id + 1
        con.execute(_insert_cases_sql(), [persons.result.source, persons.result.import_id])
        con.execute(_insert_events_sql())
        con.execute(_insert_persons_sql())
        con.execute(_insert_attributes_sql())
        refresh_rollups(con, "touched_months")
        for side, rows, errors in ((persons, "h_persons", "hp_err"), (events, "h_events", "he_err")):
            _reconcile(con, side, rows, errors)
            _record(con, side, errors, started)
            if not side.result.reconciles:
                raise RuntimeError(f"import of {side.path.name} does not reconcile: {side.result.to_dict()}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


#: Store tables keyed by case uid, children first: a replaced case is deleted from each.
_CASE_TABLES = ("case_persons", "case_events", "case_attributes", "cases")

#: The case uids to write: new and changed cases.
_CHANGED = "(SELECT case_uid FROM h_uid WHERE NOT coalesce(same, false))"


def _case_uids_sql() -> str:
    """Statement of table ``h_uid``: each case's uid, kept or new (parameter: the largest uid stored)."""
    return (
        f"CREATE OR REPLACE TEMP TABLE h_uid AS SELECT {CASE_ID}, old_uid, same, "
        f"coalesce(old_uid, CAST(? AS BIGINT) + row_number() OVER (ORDER BY {CASE_ID})) AS case_uid FROM h_ins"
    )


def _written_sql() -> str:
    """Statement of table ``h_written``: the date of each new or changed case, and the uid it replaces."""
    return (
        f"CREATE OR REPLACE TEMP TABLE h_written AS SELECT h.case_date AS _date, "
        f"CASE WHEN NOT coalesce(u.same, false) THEN u.old_uid END AS _old_uid "
        f"FROM h_ins h JOIN h_uid u USING ({CASE_ID}) WHERE u.case_uid IN {_CHANGED}"
    )


def _delete_replaced_sql(table: str) -> str:
    """Statement deleting from a case table the stored cases that changed."""
    if table not in _CASE_TABLES:
        raise ValueError(f"table {table!r} is not one of {', '.join(_CASE_TABLES)}")
    return f"DELETE FROM {table} WHERE case_uid IN (SELECT old_uid FROM h_uid WHERE NOT same)"


def _insert_cases_sql() -> str:
    """Statement inserting new and changed cases (parameters: source, import id)."""
    return (
        "INSERT INTO cases (case_uid, source, incident_id, network, reporting_country, crime_type, case_date, "
        "nationality, origin, transit, destination, detection_country, place, lat, lon, import_id, row_hash) "
        f"SELECT u.case_uid, ?, h.{CASE_ID}, NULL, NULL, h.crime_type, h.case_date, h.nationality, "
        f"h.origin, h.transit, h.destination, h.detection_country, NULL, NULL, NULL, ?, h.row_hash "
        f"FROM h_ins h JOIN h_uid u USING ({CASE_ID}) WHERE u.case_uid IN {_CHANGED}"
    )


def _insert_events_sql() -> str:
    """Statement inserting the route events of new and changed cases."""
    return (
        f"INSERT INTO case_events SELECT u.case_uid, CAST(e.seq AS SMALLINT), e.event_type, e.route_role, e.country, "
        f"e.place, e.lat, e.lon, e.event_date, e.precision FROM h_ev e JOIN h_uid u USING ({CASE_ID}) "
        f"WHERE u.case_uid IN {_CHANGED}"
    )


def _insert_persons_sql() -> str:
    """Statement inserting the persons of new and changed cases, counted per role, gender, age and nationality."""
    return (
        f"INSERT INTO case_persons SELECT u.case_uid, coalesce(p.role, 'victim'), coalesce(p.gender, 'unknown'), "
        f"coalesce(p.age_group, 'unknown'), p.nationality, CAST(count(*) AS INTEGER) FROM h_pe p "
        f"JOIN h_uid u USING ({CASE_ID}) WHERE u.case_uid IN {_CHANGED} GROUP BY ALL"
    )


def _insert_attributes_sql() -> str:
    """Statement inserting the victim-context codes of new and changed cases."""
    return (
        f"INSERT INTO case_attributes SELECT u.case_uid, a.dimension, a.code FROM h_attr a "
        f"JOIN h_uid u USING ({CASE_ID}) WHERE u.case_uid IN {_CHANGED}"
    )


def _reconcile(con, side: _Side, rows: str, errors: str) -> None:
    """Split accepted rows by what happened to their case: inserted, updated or unchanged."""
    inserted, updated, unchanged = con.execute(_outcomes_sql(rows, errors)).fetchall()[0]
    bad = con.execute(_count_lines_sql(errors)).fetchall()[0][0]
    result = side.result
    result.rows_inserted, result.rows_updated, result.rows_unchanged = int(inserted), int(updated), int(unchanged)
    result.rows_accepted = int(inserted + updated + unchanged)
    result.rows_quarantined = int(bad) + len(side.info.ragged)


def _outcomes_sql(rows: str, errors: str) -> str:
    """Query of (inserted, updated, unchanged) accepted rows of table ``rows``, given its problems ``errors``."""
    return (
        f"SELECT count(*) FILTER (WHERE u.old_uid IS NULL), count(*) FILTER (WHERE u.old_uid IS NOT NULL AND NOT u.same), "
        f"count(*) FILTER (WHERE u.same) FROM {plain_ident(rows)} r JOIN h_uid u USING ({CASE_ID}) "
        f"WHERE r.{LINE_COLUMN} NOT IN (SELECT {LINE_COLUMN} FROM {plain_ident(errors)})"
    )


def _record(con, side: _Side, errors: str, started: dt.datetime) -> None:
    result, import_id = side.result, side.result.import_id
    con.execute(_quarantine_sql(side, errors), [import_id])
    _quarantine_ragged(con, import_id, side.info.ragged)
    result.quarantine_by_rule = _quarantine_by_rule(con, import_id)
    _record_import(con, result, started)


def _quarantine_sql(side: _Side, errors: str) -> str:
    """Statement quarantining the problems in ``errors`` with each row's record (parameter: import id)."""
    record = "json_object(" + ", ".join(f"{name_literal(c)}, s.{q(c)}" for c in side.info.columns) + ")"
    return (
        f"INSERT INTO quarantine SELECT ?, e.{LINE_COLUMN}, e.column_name, e.rule, e.value, e.message, {record} "
        f"FROM {plain_ident(errors)} e JOIN {plain_ident(side.table)}_v s USING ({LINE_COLUMN})"
    )
