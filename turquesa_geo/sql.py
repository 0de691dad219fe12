"""SQL text in one place: identifier quoting and the store's query builders.

Builders return ``(sql, params)``; values travel as ``?`` parameters and never
enter SQL text. Identifiers (column names from files) go through :func:`quote_ident`.
"""

from __future__ import annotations

__all__ = ["Query", "quote_ident", "status_by_crime_year", "recent_imports", "quarantine_by_rule", "store_totals",
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
