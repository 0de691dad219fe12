"""Queries of what the store holds: cases by crime type and year, sources, imports, quarantine, choices."""

from __future__ import annotations

from turquesa_geo.columns import UNDATED
from turquesa_geo.store.queries.base import Params, Query
from turquesa_geo.store.queries.conditions import dated, period_filter

__all__ = [
    "coarse_dates",
    "date_range",
    "import_exists",
    "quarantine_by_rule",
    "quarantine_rows",
    "recent_imports",
    "sources_summary",
    "status_by_crime_year",
    "store_countries",
    "store_modus_codes",
    "store_sources",
    "store_totals",
    "undated_cases",
    "view_sources",
]


def status_by_crime_year() -> Query:
    """Cases and persons by crime type and year; the records with no known date under year NULL.

    >>> status_by_crime_year()[1]
    {'undated': datetime.date(1900, 1, 1), 'suspect': 'suspect'}
    """
    year = "CAST(CASE WHEN c.case_date <> $undated THEN year(c.case_date) END AS INTEGER)"
    return (
        f"SELECT c.crime_type, {year} AS year, CAST(count(*) AS BIGINT) AS cases, "
        "CAST(coalesce(sum(p.persons), 0) AS BIGINT) AS persons "
        "FROM cases c LEFT JOIN (SELECT case_uid, sum(persons) AS persons FROM case_persons "
        "WHERE role <> $suspect GROUP BY case_uid) p USING (case_uid) "
        f"GROUP BY c.crime_type, {year} ORDER BY c.crime_type, year NULLS LAST",
        {"undated": UNDATED, "suspect": "suspect"},
    )


def sources_summary() -> Query:
    """Cases per reporting source and network, largest first."""
    return (
        "SELECT source, network, CAST(count(*) AS BIGINT) AS cases, min(case_date) AS first_case, "
        "max(case_date) AS last_case FROM cases GROUP BY source, network ORDER BY cases DESC, source",
        {},
    )


def recent_imports(limit: int = 10) -> Query:
    """The latest imports with their reconciliation counts."""
    return (
        "SELECT import_id, file_name, profile, source, rows_read, rows_accepted, rows_quarantined, "
        "rows_inserted, rows_updated, rows_unchanged, status, started, finished "
        "FROM imports ORDER BY import_id DESC LIMIT $limit",
        {"limit": int(limit)},
    )


def import_exists(import_id: int) -> Query:
    """Query of the number of imports (0 or 1) with id ``import_id``."""
    return "SELECT count(*) FROM imports WHERE import_id = $import_id", {"import_id": int(import_id)}


def quarantine_by_rule(import_id: int | None = None) -> Query:
    """Quarantined rows per rule, for one import or all.

    >>> quarantine_by_rule(3)[1]
    {'import_id': 3}
    """
    where, params = (
        ("WHERE import_id = $import_id", {"import_id": int(import_id)}) if import_id is not None else ("", {})
    )
    return (
        f"SELECT rule, CAST(count(DISTINCT (import_id, line)) AS BIGINT) AS rows, "
        f"CAST(count(*) AS BIGINT) AS problems FROM quarantine {where} GROUP BY rule ORDER BY rows DESC, rule",
        params,
    )


def quarantine_rows(import_id: int) -> Query:
    """The quarantine of one import, one row per problem, in file order."""
    return (
        "SELECT line, column_name, rule, value, message, record FROM quarantine WHERE import_id = $import_id "
        "ORDER BY line, rule, column_name",
        {"import_id": int(import_id)},
    )


def store_totals() -> Query:
    """Cases, persons per role, imports and quarantined rows, in one row."""
    return (
        "SELECT (SELECT count(*) FROM cases), "
        "(SELECT coalesce(sum(persons), 0) FROM case_persons WHERE role = $victim), "
        "(SELECT coalesce(sum(persons), 0) FROM case_persons WHERE role = $migrant), "
        "(SELECT coalesce(sum(persons), 0) FROM case_persons WHERE role = $suspect), "
        "(SELECT count(*) FROM imports WHERE status = $done), "
        "(SELECT count(DISTINCT (import_id, line)) FROM quarantine)",
        {"victim": "victim", "migrant": "migrant", "suspect": "suspect", "done": "done"},
    )


def date_range() -> Query:
    """First and last case date in the store, of the records with a known date (the store's period).

    >>> date_range()
    ('SELECT min(c.case_date), max(c.case_date) FROM cases c WHERE c.case_date <> $undated', {'undated': datetime.date(1900, 1, 1)})
    """
    params = Params()
    return f"SELECT min(c.case_date), max(c.case_date) FROM cases c WHERE {dated(params)}", dict(params)


def undated_cases() -> Query:
    """Query of (source, cases) of the records with no known date: counted in the store's totals, in no period."""
    return (
        "SELECT source, CAST(count(*) AS BIGINT) AS cases FROM cases WHERE case_date = $undated "
        "GROUP BY source ORDER BY cases DESC, source",
        {"undated": UNDATED},
    )


def coarse_dates() -> Query:
    """Query of (source, cases) of the cases dated only by a year or a period of years."""
    return (
        "SELECT source, CAST(count(*) AS BIGINT) AS cases FROM cases WHERE date_precision IN ($year, $period) "
        "GROUP BY source ORDER BY cases DESC, source",
        {"year": "year", "period": "period"},
    )


def store_countries() -> Query:
    """Countries seen in any route role of a case, or in the aggregate counts (country, ISO3 citizenship)."""
    return (
        "SELECT DISTINCT x FROM (SELECT nationality AS x FROM cases UNION SELECT origin FROM cases "
        "UNION SELECT destination FROM cases UNION SELECT detection_country FROM cases "
        "UNION SELECT unnest(string_split(transit, $separator)) FROM cases UNION SELECT country FROM aggregate_counts "
        "UNION SELECT category FROM aggregate_counts WHERE dimension = $citizenship AND length(category) = 3) "
        "WHERE x IS NOT NULL ORDER BY x",
        {"separator": ">", "citizenship": "citizenship"},
    )


def store_sources() -> Query:
    """Reporting sources of the cases and of the aggregate counts."""
    return (
        "SELECT DISTINCT source FROM (SELECT source FROM cases UNION SELECT source FROM aggregate_counts) "
        "ORDER BY source",
        {},
    )


def store_modus_codes() -> Query:
    """(dimension, code) of every modus-operandi code the cases hold."""
    return "SELECT DISTINCT dimension, code FROM case_attributes ORDER BY dimension, code", {}


def view_sources(filters) -> Query:
    """Reporting sources of the cases the filters select in their period (route filters aside), most cases first."""
    where, params = period_filter(filters, params=Params())
    return (
        f"SELECT c.source, CAST(count(*) AS BIGINT) AS cases FROM cases c WHERE {where} "
        "GROUP BY c.source ORDER BY cases DESC, c.source",
        dict(params),
    )
