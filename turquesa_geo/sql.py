"""SQL text in one place: identifier quoting and the store's query builders.

Builders return ``(sql, params)``; values travel as ``?`` parameters and never
enter SQL text. Identifiers (column names from files) go through :func:`quote_ident`.
"""

from __future__ import annotations

__all__ = ["Query", "quote_ident", "status_by_crime_year", "recent_imports", "quarantine_by_rule", "store_totals",
           "case_filter", "person_filter", "route_signatures", "date_range", "DEFAULT_PERSON_ROLES",
           "quarantine_rows", "sources_summary"]

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
    for column, values in (("crime_type", filters.crime_types), ("nationality", filters.nationalities),
                           ("source", filters.sources)):
        if values:
            text, values_params = _in(f"{alias}.{column}", values)
            clauses.append(text)
            params += values_params
    by_dimension: dict[str, list[str]] = {}
    for dimension, code in filters.modus:
        by_dimension.setdefault(dimension, []).append(code)
    for dimension, codes in by_dimension.items():
        text, code_params = _in("a.code", tuple(codes))
        clauses.append(f"EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = {alias}.case_uid "
                       f"AND a.dimension = ? AND {text})")
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
    for column, values in (("role", filters.roles or DEFAULT_PERSON_ROLES), ("gender", filters.genders),
                           ("age_group", filters.age_groups)):
        if values:
            text, value_params = _in(f"{alias}.{column}", tuple(values))
            clauses.append(text)
            params += value_params
    return " AND ".join(clauses), params


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
    measures = (
        "CAST(sum(CASE WHEN c.case_date >= ? THEN 1 ELSE 0 END) AS BIGINT) AS cases, "
        "CAST(sum(CASE WHEN c.case_date <= ? THEN 1 ELSE 0 END) AS BIGINT) AS cases_prev, "
        "CAST(sum(CASE WHEN c.case_date >= ? THEN coalesce(p.persons, 0) ELSE 0 END) AS BIGINT) AS persons, "
        "CAST(sum(CASE WHEN c.case_date >= ? THEN coalesce(p.female, 0) ELSE 0 END) AS BIGINT) AS women_girls, "
        "CAST(sum(CASE WHEN c.case_date >= ? THEN coalesce(p.known_sex, 0) ELSE 0 END) AS BIGINT) AS persons_known_sex"
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
