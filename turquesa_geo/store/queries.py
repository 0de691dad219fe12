"""SQL text in one place: identifier quoting and the store's query builders.

Builders return ``(sql, params)``; values travel as ``?`` parameters and never
enter SQL text. Identifiers (column names from files) go through :func:`quote_ident`.
"""

from __future__ import annotations

import re

from turquesa_geo.columns import MODUS_DIMENSIONS

__all__ = [
    "DEFAULT_PERSON_ROLES",
    "Query",
    "case_filter",
    "copy_to_temp_sql",
    "date_range",
    "drop_temp_sql",
    "name_literal",
    "person_filter",
    "plain_ident",
    "quarantine_by_rule",
    "quarantine_rows",
    "quote_ident",
    "recent_imports",
    "route_signatures",
    "sources_summary",
    "status_by_crime_year",
    "store_totals",
]

Query = tuple[str, list[object]]


def quote_ident(name: str) -> str:
    """Quote an identifier for DuckDB, doubling embedded quotes.

    >>> quote_ident('incident_id')
    '"incident_id"'
    >>> quote_ident('a"; DROP TABLE cases; --')
    '"a""; DROP TABLE cases; --"'
    """
    if "\x00" in name:
        raise ValueError(f"identifier {name!r} contains a NUL character")
    return '"' + name.replace('"', '""') + '"'


#: An internal name written into SQL unquoted: a temporary table or alias of the code.
_PLAIN_IDENT = re.compile(r"[a-z_][a-z0-9_]*")
#: A name written into SQL as a string literal: a folded column name or a vocabulary code.
_PLAIN_NAME = re.compile(r"[a-z0-9_]+")


def plain_ident(name: str) -> str:
    """Return an internal identifier (temporary table, alias) unchanged, after checking it is plain.

    Internal names are constants of the code, never text from a file; the check
    turns a slip into an error instead of SQL.

    >>> plain_ident("stage_raw")
    'stage_raw'
    >>> plain_ident("stage; DROP TABLE cases")
    Traceback (most recent call last):
    ValueError: internal identifier 'stage; DROP TABLE cases' is not plain snake_case ([a-z_][a-z0-9_]*)
    """
    if not _PLAIN_IDENT.fullmatch(name):
        raise ValueError(f"internal identifier {name!r} is not plain snake_case ([a-z_][a-z0-9_]*)")
    return name


def name_literal(name: str) -> str:
    """A SQL string literal of a plain name: a folded column name or a vocabulary code.

    Used for labels in SQL output (the column a rule names, a role code); data values
    never take this path, they travel as parameters.

    >>> name_literal("victims_f_minor")
    "'victims_f_minor'"
    >>> name_literal("x' OR 1=1 --")
    Traceback (most recent call last):
    ValueError: name "x' OR 1=1 --" is not a plain column name or code ([a-z0-9_]+)
    """
    if not _PLAIN_NAME.fullmatch(name):
        raise ValueError(f"name {name!r} is not a plain column name or code ([a-z0-9_]+)")
    return f"'{name}'"


#: The kinds of temporary object the importers create and drop.
_TEMP_KINDS = ("TABLE", "VIEW")


def drop_temp_sql(kind: str, name: str) -> str:
    """DROP statement of a temporary table or view, if it exists.

    >>> drop_temp_sql("VIEW", "stage_cells")
    'DROP VIEW IF EXISTS temp.stage_cells'
    """
    if kind not in _TEMP_KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(_TEMP_KINDS)}")
    return f"DROP {kind} IF EXISTS temp.{plain_ident(name)}"


def select_all_sql(relation: str) -> str:
    """Query of every row and column of an internal relation (a staged file)."""
    return f"SELECT * FROM {plain_ident(relation)}"


def copy_to_temp_sql(target: str, source: str) -> str:
    """Statement that copies relation ``source`` (e.g. a registered Arrow table) into temp table ``target``.

    >>> copy_to_temp_sql("m_date", "_m_date")
    'CREATE OR REPLACE TEMP TABLE m_date AS SELECT * FROM _m_date'
    """
    return f"CREATE OR REPLACE TEMP TABLE {plain_ident(target)} AS SELECT * FROM {plain_ident(source)}"


def status_by_crime_year() -> Query:
    """Cases and persons by crime type and year."""
    return (
        "SELECT c.crime_type, CAST(year(c.case_date) AS INTEGER) AS year, CAST(count(*) AS BIGINT) AS cases, "
        "CAST(coalesce(sum(p.persons), 0) AS BIGINT) AS persons "
        "FROM cases c LEFT JOIN (SELECT case_uid, sum(persons) AS persons FROM case_persons "
        "WHERE role <> ? GROUP BY case_uid) p USING (case_uid) "
        "GROUP BY c.crime_type, year(c.case_date) ORDER BY c.crime_type, year",
        ["suspect"],
    )


def sources_summary() -> Query:
    """Cases per reporting source and network, largest first."""
    return (
        "SELECT source, network, CAST(count(*) AS BIGINT) AS cases, min(case_date) AS first_case, "
        "max(case_date) AS last_case FROM cases GROUP BY source, network ORDER BY cases DESC, source",
        [],
    )


def recent_imports(limit: int = 10) -> Query:
    """The latest imports with their reconciliation counts."""
    return (
        "SELECT import_id, file_name, profile, source, rows_read, rows_accepted, rows_quarantined, "
        "rows_inserted, rows_updated, rows_unchanged, status, started, finished "
        "FROM imports ORDER BY import_id DESC LIMIT ?",
        [int(limit)],
    )


def quarantine_by_rule(import_id: int | None = None) -> Query:
    """Quarantined rows per rule, for one import or all."""
    where, params = ("WHERE import_id = ?", [int(import_id)]) if import_id is not None else ("", [])
    return (
        f"SELECT rule, CAST(count(DISTINCT (import_id, line)) AS BIGINT) AS rows, "
        f"CAST(count(*) AS BIGINT) AS problems FROM quarantine {where} GROUP BY rule ORDER BY rows DESC, rule",
        params,
    )


def quarantine_rows(import_id: int) -> Query:
    """The quarantine of one import, one row per problem, in file order."""
    return (
        "SELECT line, column_name, rule, value, message, record FROM quarantine WHERE import_id = ? "
        "ORDER BY line, rule, column_name",
        [int(import_id)],
    )


def store_totals() -> Query:
    """Cases, persons per role, imports and quarantined rows, in one row."""
    return (
        "SELECT (SELECT count(*) FROM cases), "
        "(SELECT coalesce(sum(persons), 0) FROM case_persons WHERE role = ?), "
        "(SELECT coalesce(sum(persons), 0) FROM case_persons WHERE role = ?), "
        "(SELECT coalesce(sum(persons), 0) FROM case_persons WHERE role = ?), "
        "(SELECT count(*) FROM imports WHERE status = 'done'), "
        "(SELECT count(DISTINCT (import_id, line)) FROM quarantine)",
        ["victim", "migrant", "suspect"],
    )


#: Roles whose persons a corridor counts when no role is selected: the people moved.
DEFAULT_PERSON_ROLES = ("victim", "migrant")


def _in(column: str, values: tuple[str, ...]) -> tuple[str, list[object]]:
    return f"{column} IN ({', '.join('?' for _ in values)})", list(values)


def case_filter(filters, alias: str = "c") -> Query:
    """WHERE conditions (joined by AND, without the period) for the non-route filters.

    >>> from turquesa_geo.filters import Filters
    >>> case_filter(Filters(crime_types=("smuggling",), modus=(("platform", "tiktok"), ("platform", "whatsapp"))))
    ('c.crime_type IN (?) AND EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = c.case_uid AND a.dimension = ? AND a.code IN (?, ?))', ['smuggling', 'platform', 'tiktok', 'whatsapp'])
    >>> case_filter(Filters())
    ('TRUE', [])
    """
    clauses: list[str] = []
    params: list[object] = []
    for column, values in (
        ("crime_type", filters.crime_types),
        ("nationality", filters.nationalities),
        ("source", filters.sources),
    ):
        if values:
            text, values_params = _in(f"{alias}.{column}", values)
            clauses.append(text)
            params += values_params
    by_dimension: dict[str, list[str]] = {}
    for dimension, code in (*filters.modus, *(("linked_crime", c) for c in filters.linked_crimes)):
        by_dimension.setdefault(dimension, []).append(code)
    for dimension, codes in by_dimension.items():
        text, code_params = _in("a.code", tuple(codes))
        clauses.append(
            f"EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = {alias}.case_uid "
            f"AND a.dimension = ? AND {text})"
        )
        params += [dimension, *code_params]
    if filters.person_filtered():
        text, person_params = person_filter(filters, "p")
        clauses.append(f"EXISTS (SELECT 1 FROM case_persons p WHERE p.case_uid = {alias}.case_uid AND {text})")
        params += person_params
    return (" AND ".join(clauses) if clauses else "TRUE"), params


def person_filter(filters, alias: str = "p") -> Query:
    """Conditions on case_persons rows for the role, gender and age filters.

    >>> from turquesa_geo.filters import Filters
    >>> person_filter(Filters(genders=("female",)))
    ('p.role IN (?, ?) AND p.gender IN (?)', ['victim', 'migrant', 'female'])
    """
    clauses, params = [], []
    for column, values in (
        ("role", filters.roles or DEFAULT_PERSON_ROLES),
        ("gender", filters.genders),
        ("age_group", filters.age_groups),
    ):
        if values:
            text, value_params = _in(f"{alias}.{column}", tuple(values))
            clauses.append(text)
            params += value_params
    return " AND ".join(clauses), params


def _signature_measures(when: str, cases: str, persons: str, female: str, known_sex: str) -> str:
    """The five measures of a route signature, as CASE sums over ``when`` (a date or month column).

    Parameters, in order: period start, previous period's end, then period start three times.
    """
    current = f"CASE WHEN {when} >= ? THEN {{}} ELSE 0 END"
    return (
        f"CAST(sum({current.format(cases)}) AS BIGINT) AS cases, "
        f"CAST(sum(CASE WHEN {when} <= ? THEN {cases} ELSE 0 END) AS BIGINT) AS cases_prev, "
        f"CAST(sum({current.format(persons)}) AS BIGINT) AS persons, "
        f"CAST(sum({current.format(female)}) AS BIGINT) AS women_girls, "
        f"CAST(sum({current.format(known_sex)}) AS BIGINT) AS persons_known_sex"
    )


def route_signatures(filters, current: tuple, previous: tuple | None) -> Query:
    """Cases and persons per distinct reported route, in the period and the one before.

    ``current`` and ``previous`` are (first day, last day); the result has one row per
    (nationality, origin, transit, destination, detection_country) with ``cases``,
    ``cases_prev``, ``persons``, ``women_girls`` (female persons of any age) and
    ``persons_known_sex``. Portable SQL: CASE sums, no dialect functions.
    """
    where, where_params = case_filter(filters, "c")
    persons, person_params = person_filter(filters, "q")
    first = previous[0] if previous else current[0]
    prev_end = previous[1] if previous else None
    measures = _signature_measures(
        "c.case_date", "1", "coalesce(p.persons, 0)", "coalesce(p.female, 0)", "coalesce(p.known_sex, 0)"
    )
    text = (
        f"SELECT c.nationality, c.origin, c.transit, c.destination, c.detection_country, {measures} "
        "FROM cases c LEFT JOIN (SELECT q.case_uid, sum(q.persons) AS persons, "
        "sum(CASE WHEN q.gender = 'female' THEN q.persons ELSE 0 END) AS female, "
        "sum(CASE WHEN q.gender <> 'unknown' THEN q.persons ELSE 0 END) AS known_sex "
        f"FROM case_persons q WHERE {persons} GROUP BY q.case_uid) p ON p.case_uid = c.case_uid "
        f"WHERE c.case_date >= ? AND c.case_date <= ? AND {where} "
        "GROUP BY c.nationality, c.origin, c.transit, c.destination, c.detection_country"
    )
    start = current[0]
    params = [start, prev_end, start, start, start, *person_params, first, current[1], *where_params]
    return text, params


def date_range() -> Query:
    """First and last case date in the store."""
    return "SELECT min(case_date), max(case_date) FROM cases", []


#: Calendar frequencies: the user's choice -> DuckDB/Spark date_trunc unit (a constant, never user text).
FREQUENCIES = {"M": "month", "Q": "quarter", "Y": "year"}


def _period_expr(freq: str, column: str = "c.case_date") -> str:
    if freq not in FREQUENCIES:
        raise ValueError(f"frequency {freq!r} is not one of {', '.join(FREQUENCIES)}")
    return f"CAST(date_trunc('{FREQUENCIES[freq]}', {column}) AS DATE)"


#: The first day of a case's month, as every monthly query groups it.
_MONTH = _period_expr("M")


def _period_where(filters) -> Query:
    clauses, params = [], []
    if filters.start:
        clauses.append("c.case_date >= ?")
        params.append(filters.start)
    if filters.end:
        clauses.append("c.case_date <= ?")
        params.append(filters.end)
    where, where_params = case_filter(filters, "c")
    return " AND ".join([*clauses, where]), params + where_params


def modus_series(filters, dimension: str, freq: str = "Y", by: str | None = None) -> Query:
    """Cases per period and code of one modus-operandi dimension, with the cases reporting it.

    ``by`` is None or ``crime_type``; (corridor splits join the rebuilt routes in Python).
    Columns: period, [by], code, cases, reporting (cases with any code of the dimension),
    total (all cases of the period).
    """
    period = _period_expr(freq)
    where, params = _period_where(filters)
    group = "c.crime_type" if by == "crime_type" else "CAST(NULL AS VARCHAR)"
    if by not in (None, "crime_type"):
        raise ValueError(f"by {by!r} is not None or 'crime_type'")
    text = (
        f"WITH base AS (SELECT c.case_uid, {period} AS period, {group} AS grp FROM cases c WHERE {where}), "
        "coded AS (SELECT b.period, b.grp, a.code, b.case_uid FROM base b JOIN case_attributes a "
        "ON a.case_uid = b.case_uid AND a.dimension = ?), "
        "totals AS (SELECT period, grp, CAST(count(*) AS BIGINT) AS total FROM base GROUP BY period, grp), "
        "reporting AS (SELECT period, grp, CAST(count(DISTINCT case_uid) AS BIGINT) AS reporting FROM coded "
        "GROUP BY period, grp) "
        "SELECT k.period, k.grp, k.code, CAST(count(DISTINCT k.case_uid) AS BIGINT) AS cases, "
        "max(r.reporting) AS reporting, max(t.total) AS total FROM coded k "
        "JOIN reporting r ON r.period = k.period AND r.grp IS NOT DISTINCT FROM k.grp "
        "JOIN totals t ON t.period = k.period AND t.grp IS NOT DISTINCT FROM k.grp "
        "GROUP BY k.period, k.grp, k.code ORDER BY k.period, k.grp, k.code"
    )
    return text, [*params, dimension]


def persons_by(filters, column: str, freq: str | None = None) -> Query:
    """Persons by role, gender and age group, split by ``column`` (and period when ``freq``).

    ``column`` is one of: none, crime_type, nationality (the person's), exploitation_form.
    Unknown gender and age stay as their own categories.
    """
    where, params = _period_where(filters)
    person_where, person_params = person_filter(filters, "p") if filters.person_filtered() else ("TRUE", [])
    splits = {
        "none": "CAST(NULL AS VARCHAR)",
        "crime_type": "c.crime_type",
        "nationality": "coalesce(p.nationality, c.nationality)",
        "exploitation_form": "a.code",
    }
    if column not in splits:
        raise ValueError(f"split {column!r} is not one of {', '.join(splits)}")
    join = (
        "JOIN case_attributes a ON a.case_uid = c.case_uid AND a.dimension = 'exploitation_form' "
        if column == "exploitation_form"
        else ""
    )
    period = _period_expr(freq) if freq else "CAST(NULL AS DATE)"
    text = (
        f"SELECT {period} AS period, {splits[column]} AS category, p.role, p.gender, p.age_group, "
        "CAST(sum(p.persons) AS BIGINT) AS persons FROM cases c JOIN case_persons p ON p.case_uid = c.case_uid "
        f"{join}WHERE {where} AND {person_where} GROUP BY ALL ORDER BY ALL"
    )
    return text, [*params, *person_params]


def key_figures(filters, current: tuple, previous: tuple | None) -> Query:
    """Cases, victims, migrants, suspects and women-and-girls in the period and the one before."""
    where, params = case_filter(filters, "c")
    first = previous[0] if previous else current[0]
    prev_end = previous[1] if previous else None
    cur = "c.case_date >= ?"
    prev = "c.case_date <= ?"
    text = (
        "SELECT "
        f"CAST(count(DISTINCT CASE WHEN {cur} THEN c.case_uid END) AS BIGINT) AS cases, "
        f"CAST(count(DISTINCT CASE WHEN {prev} THEN c.case_uid END) AS BIGINT) AS cases_prev, "
        + ", ".join(
            f"CAST(coalesce(sum(CASE WHEN {when} AND p.role = '{role}' THEN p.persons END), 0) AS BIGINT) AS {name}"
            for role, label in (("victim", "victims"), ("migrant", "migrants"), ("suspect", "suspects"))
            for when, name in ((cur, label), (prev, f"{label}_prev"))
        )
        + f", CAST(coalesce(sum(CASE WHEN {cur} AND p.role <> 'suspect' AND p.gender = 'female' THEN p.persons END), 0)"
        " AS BIGINT) AS women_girls, "
        f"CAST(coalesce(sum(CASE WHEN {cur} AND p.role <> 'suspect' AND p.gender <> 'unknown' THEN p.persons END), 0)"
        " AS BIGINT) AS known_sex "
        "FROM cases c LEFT JOIN case_persons p ON p.case_uid = c.case_uid "
        f"WHERE c.case_date >= ? AND c.case_date <= ? AND {where}"
    )
    start = current[0]
    ordered = [start, prev_end]
    ordered += [start, prev_end] * 3
    ordered += [start, start]
    return text, [*ordered, first, current[1], *params]


def monthly_modus(filters, first, last) -> Query:
    """Cases per month and modus-operandi code, with the month's cases reporting that dimension."""
    where, params = case_filter(filters, "c")
    text = (
        f"WITH coded AS (SELECT {_MONTH} AS month, a.dimension, a.code, "
        "c.case_uid FROM cases c JOIN case_attributes a ON a.case_uid = c.case_uid "
        f"WHERE c.case_date >= ? AND c.case_date <= ? AND {where}), "
        "reporting AS (SELECT month, dimension, CAST(count(DISTINCT case_uid) AS BIGINT) AS total FROM coded "
        "GROUP BY month, dimension) "
        "SELECT k.month, k.dimension, k.code, CAST(count(DISTINCT k.case_uid) AS BIGINT) AS cases, max(r.total) AS total "
        "FROM coded k JOIN reporting r ON r.month = k.month AND r.dimension = k.dimension "
        "GROUP BY k.month, k.dimension, k.code"
    )
    return text, [first, last, *params]


def monthly_signatures(filters, first, last) -> Query:
    """Cases per month and distinct reported route, for signals on rebuilt corridors and hubs."""
    where, params = case_filter(filters, "c")
    text = (
        f"SELECT {_MONTH} AS month, c.nationality, c.origin, c.transit, "
        "c.destination, c.detection_country, CAST(count(*) AS BIGINT) AS cases FROM cases c "
        f"WHERE c.case_date >= ? AND c.case_date <= ? AND {where} "
        "GROUP BY month, c.nationality, c.origin, c.transit, c.destination, c.detection_country"
    )
    return text, [first, last, *params]


def monthly_signature_modus(filters, first, last, reporting: bool = False) -> Query:
    """Cases per month, reported route and modus-operandi code (or, with ``reporting``, per
    dimension: the cases reporting it), for signals on a corridor's modus operandi."""
    where, params = case_filter(filters, "c")
    code = "" if reporting else "a.code, "
    text = (
        f"SELECT {_MONTH} AS month, c.nationality, c.origin, c.transit, "
        f"c.destination, c.detection_country, a.dimension, {code}CAST(count(DISTINCT c.case_uid) AS BIGINT) AS cases "
        "FROM cases c JOIN case_attributes a ON a.case_uid = c.case_uid "
        f"WHERE c.case_date >= ? AND c.case_date <= ? AND {where} "
        f"GROUP BY month, c.nationality, c.origin, c.transit, c.destination, c.detection_country, a.dimension"
        + ("" if reporting else ", a.code")
    )
    return text, [first, last, *params]


def persons_by_signature(filters) -> Query:
    """Persons by reported route, role, gender and age group (for the gender lens by corridor)."""
    where, params = _period_where(filters)
    person_where, person_params = person_filter(filters, "p") if filters.person_filtered() else ("TRUE", [])
    text = (
        "SELECT c.nationality, c.origin, c.transit, c.destination, c.detection_country, p.role, p.gender, "
        "p.age_group, CAST(sum(p.persons) AS BIGINT) AS persons FROM cases c JOIN case_persons p "
        f"ON p.case_uid = c.case_uid WHERE {where} AND {person_where} "
        "GROUP BY c.nationality, c.origin, c.transit, c.destination, c.detection_country, p.role, p.gender, p.age_group"
    )
    return text, [*params, *person_params]


def view_sources(filters) -> Query:
    """Reporting sources of the cases the filters select in their period (route filters aside), most cases first."""
    where, params = _period_where(filters)
    return (
        f"SELECT c.source, CAST(count(*) AS BIGINT) AS cases FROM cases c WHERE {where} "
        "GROUP BY c.source ORDER BY cases DESC, c.source",
        params,
    )


# --- rollups: pre-aggregated tables kept by every import (see turquesa_geo.store.rollups) ------------

#: Group keys of ``rollup_routes``: month and the reported route, with the case filters' columns.
ROUTE_ROLLUP_KEYS = ("crime_type", "source", "nationality", "origin", "transit", "destination", "detection_country")
#: Group keys of ``rollup_modus``: month, the case filters' columns, and the code.
MODUS_ROLLUP_KEYS = ("crime_type", "source", "nationality")
#: Modus-operandi dimensions whose reporting cases ``rollup_routes`` counts (column ``reporting_<dimension>``).
ROLLUP_DIMENSIONS = MODUS_DIMENSIONS


def rollup_tables() -> list[str]:
    """CREATE statements of the rollup tables (counts as plain BIGINT)."""
    reporting = ", ".join(f"reporting_{d} BIGINT NOT NULL" for d in ROLLUP_DIMENSIONS)
    keys = ", ".join(f"{k} VARCHAR" for k in ROUTE_ROLLUP_KEYS)
    modus_keys = ", ".join(f"{k} VARCHAR" for k in MODUS_ROLLUP_KEYS)
    return [
        f"CREATE TABLE rollup_routes (month DATE NOT NULL, {keys}, cases BIGINT NOT NULL, persons BIGINT NOT NULL, "
        f"female BIGINT NOT NULL, known_sex BIGINT NOT NULL, {reporting})",
        f"CREATE TABLE rollup_modus (month DATE NOT NULL, {modus_keys}, dimension VARCHAR NOT NULL, "
        "code VARCHAR NOT NULL, cases BIGINT NOT NULL)",
    ]


def refresh_rollups(months: str | None = None) -> list[Query]:
    """Statements that rebuild the rollup tables from the case tables (inside the import's transaction).

    With ``months``, the name of an internal relation of (month DATE), only the rows of
    those months are rebuilt: an import rebuilds the months it touched, so its cost
    follows the import, not the store. Every case falls in one (month, keys) group,
    and a case holds a code at most once (the importers write distinct codes), so
    plain counts summed over groups stay exact. Plain SQL: explicit GROUP BY lists, CASE sums.

    >>> refresh_rollups("touched")[0][0]
    'DELETE FROM rollup_routes WHERE month IN (SELECT month FROM touched)'
    """
    route_keys = ", ".join(f"c.{c}" for c in ROUTE_ROLLUP_KEYS)
    modus_keys = ", ".join(f"c.{c}" for c in MODUS_ROLLUP_KEYS)
    in_months = f"month IN (SELECT month FROM {plain_ident(months)})" if months else "TRUE"
    cases = (
        f"(SELECT * FROM cases WHERE {_period_expr('M', 'case_date')} IN (SELECT month FROM {plain_ident(months)}))"
        if months
        else "cases"
    )
    case_ids = f"SELECT case_uid FROM {cases} k"
    persons = (
        "SELECT q.case_uid, sum(q.persons) AS persons, "
        "sum(CASE WHEN q.gender = 'female' THEN q.persons ELSE 0 END) AS female, "
        "sum(CASE WHEN q.gender <> 'unknown' THEN q.persons ELSE 0 END) AS known_sex "
        f"FROM case_persons q WHERE q.role IN (?, ?) {f'AND q.case_uid IN ({case_ids})' if months else ''} "
        "GROUP BY q.case_uid"
    )
    flags = ", ".join(f"max(CASE WHEN a.dimension = '{d}' THEN 1 ELSE 0 END) AS r_{d}" for d in ROLLUP_DIMENSIONS)
    reporting = ", ".join(f"CAST(coalesce(sum(f.r_{d}), 0) AS BIGINT)" for d in ROLLUP_DIMENSIONS)
    of_attributes = f"WHERE a.case_uid IN ({case_ids})" if months else ""
    return [
        (f"DELETE FROM rollup_routes WHERE {in_months}" if months else "DELETE FROM rollup_routes", []),
        (
            f"INSERT INTO rollup_routes SELECT {_MONTH} AS month, {route_keys}, CAST(count(*) AS BIGINT), "
            "CAST(coalesce(sum(p.persons), 0) AS BIGINT), CAST(coalesce(sum(p.female), 0) AS BIGINT), "
            f"CAST(coalesce(sum(p.known_sex), 0) AS BIGINT), {reporting} FROM {cases} c "
            f"LEFT JOIN ({persons}) p ON p.case_uid = c.case_uid "
            f"LEFT JOIN (SELECT a.case_uid, {flags} FROM case_attributes a {of_attributes} GROUP BY a.case_uid) f "
            f"ON f.case_uid = c.case_uid GROUP BY {_MONTH}, {route_keys}",
            list(DEFAULT_PERSON_ROLES),
        ),
        (f"DELETE FROM rollup_modus WHERE {in_months}" if months else "DELETE FROM rollup_modus", []),
        (
            f"INSERT INTO rollup_modus SELECT {_MONTH}, {modus_keys}, a.dimension, a.code, CAST(count(*) AS BIGINT) "
            f"FROM {cases} c JOIN case_attributes a ON a.case_uid = c.case_uid "
            f"GROUP BY {_MONTH}, {modus_keys}, a.dimension, a.code",
            [],
        ),
    ]


def touched_months_sql(rows: str) -> str:
    """Statement of temp table ``touched_months``: the months of the cases an import writes (relation
    ``rows``, columns ``_date`` and ``_old_uid``) and of the stored cases they replace.

    Run before the replaced cases are deleted.
    """
    rows = plain_ident(rows)
    return (
        f"CREATE OR REPLACE TEMP TABLE touched_months AS "
        f"SELECT DISTINCT CAST(date_trunc('month', _date) AS DATE) AS month FROM {rows} "
        f"UNION SELECT DISTINCT {_MONTH} FROM cases c WHERE c.case_uid IN "
        f"(SELECT _old_uid FROM {rows} WHERE _old_uid IS NOT NULL)"
    )


def _rollup_where(filters, alias: str) -> Query:
    """Month bounds and case filters on a rollup (the caller has checked the rollup covers them)."""
    clauses, params = [], []
    if filters.start:
        clauses.append(f"{alias}.month >= ?")
        params.append(filters.start)
    if filters.end:
        clauses.append(f"{alias}.month <= ?")
        params.append(filters.end)
    where, where_params = case_filter(filters, alias)
    return " AND ".join([*clauses, where]), params + where_params


def route_signatures_rollup(filters, current: tuple, previous: tuple | None) -> Query:
    """:func:`route_signatures` answered from ``rollup_routes`` (whole months, no person or modus filter)."""
    where, where_params = case_filter(filters, "r")
    first = previous[0] if previous else current[0]
    prev_end = previous[1] if previous else None
    measures = _signature_measures("r.month", "r.cases", "r.persons", "r.female", "r.known_sex")
    text = (
        f"SELECT r.nationality, r.origin, r.transit, r.destination, r.detection_country, {measures} "
        f"FROM rollup_routes r WHERE r.month >= ? AND r.month <= ? AND {where} "
        "GROUP BY r.nationality, r.origin, r.transit, r.destination, r.detection_country"
    )
    start = current[0]
    return text, [start, prev_end, start, start, start, first, current[1], *where_params]


def modus_series_rollup(filters, dimension: str, freq: str = "Y", by: str | None = None) -> Query:
    """:func:`modus_series` answered from the rollups (whole months, no person or modus filter)."""
    if by not in (None, "crime_type"):
        raise ValueError(f"by {by!r} is not None or 'crime_type'")
    if dimension not in ROLLUP_DIMENSIONS:
        raise ValueError(f"dimension {dimension!r} is not one of {', '.join(ROLLUP_DIMENSIONS)}")
    period_m, period_t = _period_expr(freq, "m.month"), _period_expr(freq, "t.month")
    group_m, group_t = (
        ("m.crime_type", "t.crime_type") if by == "crime_type" else ("CAST(NULL AS VARCHAR)", "CAST(NULL AS VARCHAR)")
    )
    where_m, params_m = _rollup_where(filters, "m")
    where_t, params_t = _rollup_where(filters, "t")
    text = (
        f"WITH coded AS (SELECT {period_m} AS period, {group_m} AS grp, m.code, CAST(sum(m.cases) AS BIGINT) AS cases "
        f"FROM rollup_modus m WHERE m.dimension = ? AND {where_m} GROUP BY {period_m}, {group_m}, m.code), "
        f"totals AS (SELECT {period_t} AS period, {group_t} AS grp, CAST(sum(t.cases) AS BIGINT) AS total, "
        f"CAST(sum(t.reporting_{dimension}) AS BIGINT) AS reporting "
        f"FROM rollup_routes t WHERE {where_t} GROUP BY {period_t}, {group_t}) "
        "SELECT k.period, k.grp, k.code, k.cases, t.reporting, t.total FROM coded k "
        "JOIN totals t ON t.period = k.period AND t.grp IS NOT DISTINCT FROM k.grp "
        "ORDER BY k.period, k.grp, k.code"
    )
    return text, [dimension, *params_m, *params_t]


def reporter_signatures(filters, first, last) -> Query:
    """Cases per quarter, reporting country, network, source and distinct reported route (cooperation view)."""
    where, params = case_filter(filters, "c")
    quarter = _period_expr("Q")
    text = (
        f"SELECT {quarter} AS quarter, c.reporting_country, c.network, c.source, c.nationality, c.origin, c.transit, "
        "c.destination, c.detection_country, CAST(count(*) AS BIGINT) AS cases, max(c.case_date) AS last_case "
        f"FROM cases c WHERE c.case_date >= ? AND c.case_date <= ? AND {where} "
        f"GROUP BY {quarter}, c.reporting_country, c.network, c.source, c.nationality, c.origin, c.transit, "
        "c.destination, c.detection_country"
    )
    return text, [first, last, *params]


#: Filters that aggregate counts cannot honour: they are not split by these.
_NOT_IN_AGGREGATES = ("transit", "modus", "linked_crimes")


def aggregate_counts(filters, indicator: str, dimension: str) -> Query:
    """Stored aggregate counts (e.g. UNODC GLOTIP) of one indicator and dimension that the filters select.

    Years follow the period; sources, destination (the detecting country), origin and
    nationality (the citizenship, in the citizenship dimension), sex and age apply.
    Counts are victims: a role filter without victims, a crime-type filter without
    trafficking, or a filter the counts are not split by (transit, modus operandi,
    linked crimes, or origin outside the citizenship dimension) selects nothing,
    rather than showing counts that ignore it.

    >>> import datetime as dt
    >>> from turquesa_geo.filters import Filters
    >>> aggregate_counts(Filters(start=dt.date(2020, 1, 1), destination=("COL",)), "detected_victims", "total")[1]
    ['detected_victims', 'total', 2020, 'COL']
    """
    clauses, params = ["indicator = ?", "dimension = ?"], [indicator, dimension]
    if filters.start:
        clauses.append("year >= ?")
        params.append(filters.start.year)
    if filters.end:
        clauses.append("year <= ?")
        params.append(filters.end.year)
    origins = tuple(dict.fromkeys((*filters.origin, *filters.nationalities)))
    for column, values in (
        ("source", filters.sources),
        ("country", filters.destination),
        ("sex", filters.genders),
        ("age_group", filters.age_groups),
        ("category", origins if dimension == "citizenship" else ()),
    ):
        if values:
            text, value_params = _in(column, tuple(values))
            clauses.append(text)
            params += value_params
    excluded = (
        (filters.roles and "victim" not in filters.roles)
        or (filters.crime_types and not {"trafficking", "both"} & set(filters.crime_types))
        or any(getattr(filters, name) for name in _NOT_IN_AGGREGATES)
        or (origins and dimension != "citizenship")
    )
    if excluded:
        clauses.append("FALSE")
    return (
        f"SELECT source, year, country, area, category, sex, age_group, unit, value, censored "
        f"FROM aggregate_counts WHERE {' AND '.join(clauses)} ORDER BY year, area, category, sex, age_group",
        params,
    )


def aggregate_sources() -> Query:
    """Query of (source, indicator, first year, last year, rows) of the stored aggregate counts."""
    return (
        "SELECT source, indicator, min(year), max(year), count(*) FROM aggregate_counts "
        "GROUP BY source, indicator ORDER BY source, indicator",
        [],
    )


def outcomes(filters) -> Query:
    """Deaths and disappearances of the cases that report them (IOM Missing Migrants), in the period.

    Grouped by country of the incident, location precision and source quality, with the
    dead and missing migrants by sex from ``case_persons``. Route filters read the
    reported route: origin, a transit country, the destination or place of detection.
    """
    where, params = _period_where(filters)
    route = []
    for text, values in (
        ("c.origin IN ({})", filters.origin),
        ("coalesce(c.destination, c.detection_country) IN ({})", filters.destination),
    ):
        if values:
            route.append(text.format(", ".join("?" for _ in values)))
            params = [*params, *values]
    if filters.transit:
        route.append("(" + " OR ".join("c.transit LIKE ?" for _ in filters.transit) + ")")
        params = [*params, *(f"%{iso}%" for iso in filters.transit)]
    conditions = " AND ".join(["(c.dead IS NOT NULL OR c.missing IS NOT NULL)", where, *route])
    return (
        "SELECT c.detection_country AS country, c.location_precision, c.source_quality, "
        "CAST(count(*) AS BIGINT) AS incidents, CAST(coalesce(sum(c.dead), 0) AS BIGINT) AS dead, "
        "CAST(coalesce(sum(c.missing), 0) AS BIGINT) AS missing, "
        "CAST(coalesce(sum(c.survivors), 0) AS BIGINT) AS survivors, "
        "CAST(coalesce(sum(c.children), 0) AS BIGINT) AS children, "
        "CAST(coalesce(sum(p.female), 0) AS BIGINT) AS women_girls, CAST(coalesce(sum(p.male), 0) AS BIGINT) AS men_boys "
        "FROM cases c LEFT JOIN (SELECT case_uid, sum(CASE WHEN gender = 'female' THEN persons ELSE 0 END) AS female, "
        "sum(CASE WHEN gender = 'male' THEN persons ELSE 0 END) AS male FROM case_persons "
        "WHERE role = 'migrant' GROUP BY case_uid) p ON p.case_uid = c.case_uid "
        f"WHERE {conditions} GROUP BY c.detection_country, c.location_precision, c.source_quality",
        params,
    )


def coarse_dates() -> Query:
    """Query of (source, cases) of the cases dated only by a year or a period of years."""
    return (
        "SELECT source, CAST(count(*) AS BIGINT) AS cases FROM cases WHERE date_precision IN (?, ?) "
        "GROUP BY source ORDER BY cases DESC, source",
        ["year", "period"],
    )


def monthly_modus_rollup(filters, first, last) -> Query:
    """:func:`monthly_modus` answered from the rollups (whole months, no person or modus filter).

    The cases reporting each dimension come from ``rollup_routes`` (one branch per
    dimension, in plain SQL), the cases per code from ``rollup_modus``.
    """
    where_m, params_m = case_filter(filters, "m")
    where_t, params_t = case_filter(filters, "t")
    totals = " UNION ALL ".join(
        f"SELECT t.month, {name_literal(d)} AS dimension, CAST(sum(t.reporting_{d}) AS BIGINT) AS total "
        f"FROM rollup_routes t WHERE t.month >= ? AND t.month <= ? AND {where_t} GROUP BY t.month"
        for d in ROLLUP_DIMENSIONS
    )
    text = (
        "WITH coded AS (SELECT m.month, m.dimension, m.code, CAST(sum(m.cases) AS BIGINT) AS cases "
        f"FROM rollup_modus m WHERE m.month >= ? AND m.month <= ? AND {where_m} "
        f"GROUP BY m.month, m.dimension, m.code), totals AS ({totals}) "
        "SELECT k.month, k.dimension, k.code, k.cases, t.total FROM coded k "
        "JOIN totals t ON t.month = k.month AND t.dimension = k.dimension"
    )
    return text, [first, last, *params_m, *(p for _ in ROLLUP_DIMENSIONS for p in (first, last, *params_t))]
