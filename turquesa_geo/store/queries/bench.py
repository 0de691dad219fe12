"""Queries of the benchmarks' baselines: a plain load, whole tables for pandas, per-case routes and arcs; and the
unmapped terms the term-map benchmark plants in a demo store."""

from __future__ import annotations

from turquesa_geo.store.queries.base import Query

__all__ = [
    "bench_tables",
    "case_count",
    "code_cases",
    "naive_cases",
    "period_arcs",
    "plain_load",
    "plant_unmapped",
    "rollup_code_cases",
]

#: DuckDB's file readers a plain load may use.
_READERS = ("read_csv", "read_parquet")


def plain_load(reader: str, path: str) -> Query:
    """The plain, unvalidated load of the file at ``path`` into table ``t`` with DuckDB's ``reader``."""
    if reader not in _READERS:
        raise ValueError(f"reader {reader!r} is not read_csv or read_parquet")
    return f"CREATE TABLE t AS SELECT * FROM {reader}($path)", {"path": str(path)}


def bench_tables() -> list[Query]:
    """The columns of cases, case_persons and case_attributes the pages use, for the pandas baselines."""
    return [
        (
            "SELECT case_uid, case_date, crime_type, source, nationality, origin, transit, destination, "
            "detection_country FROM counted_cases",
            {},
        ),
        ("SELECT case_uid, role, gender, age_group, persons FROM case_persons", {}),
        ("SELECT case_uid, dimension, code FROM case_attributes", {}),
    ]


def case_count() -> Query:
    """Query of the number of cases."""
    return "SELECT count(*) FROM counted_cases", {}


def period_arcs(first, last, limit: int | None = None) -> Query:
    """Cases from ``first`` to ``last`` with both ends known: their count (``limit`` None), or the
    first ``limit`` of them as (a, b) ends."""
    ends = (
        "FROM counted_cases WHERE case_date BETWEEN $first AND $last AND coalesce(origin, nationality) IS NOT NULL "
        "AND coalesce(destination, detection_country) IS NOT NULL"
    )
    if limit is None:
        return f"SELECT count(*) {ends}", {"first": first, "last": last}
    return (
        f"SELECT coalesce(origin, nationality) AS a, coalesce(destination, detection_country) AS b {ends} "
        "ORDER BY case_uid LIMIT $limit",
        {"first": first, "last": last, "limit": int(limit)},
    )


def naive_cases(limit: int | None = None) -> Query:
    """Every case's reported route and persons (victims and migrants), or the first ``limit`` cases."""
    text = (
        "SELECT c.nationality, c.origin, c.transit, c.destination, c.detection_country, "
        "coalesce(p.persons, 0) AS persons FROM counted_cases c LEFT JOIN (SELECT case_uid, sum(persons) AS persons "
        "FROM case_persons WHERE role <> $suspect GROUP BY case_uid) p ON p.case_uid = c.case_uid"
    )
    if limit is None:
        return text, {"suspect": "suspect"}
    return text + " ORDER BY c.case_uid LIMIT $limit", {"suspect": "suspect", "limit": int(limit)}


def plant_unmapped(every: int, dimension: str, column: str, text: str, key: str, code: str, rule: str) -> list[Query]:
    """Statements giving every ``every``-th case (by case_uid) a term of ``dimension`` no vocabulary knows, as
    the importer keeps one: the attribute ``code`` (``?text``), a case_unmapped row and a ``rule`` flag."""
    params = {"every": int(every), "dimension": dimension, "column": column, "text": text, "key": key}
    chosen = "FROM counted_cases WHERE case_uid % $every = 0"
    return [
        (
            f"INSERT INTO case_attributes (case_uid, dimension, code) SELECT case_uid, $dimension, $code {chosen}",
            {"every": int(every), "dimension": dimension, "code": code},
        ),
        (
            "INSERT INTO case_unmapped (case_uid, field, column_name, text, term_key, position) "
            f"SELECT case_uid, $dimension, $column, $text, $key, NULL {chosen}",
            params,
        ),
        (
            "INSERT INTO case_flags (case_uid, rule, column_name, value, message) "
            f"SELECT case_uid, $rule, $column, $text, $rule {chosen}",
            {"every": int(every), "rule": rule, "column": column, "text": text},
        ),
    ]


def code_cases(dimension: str, code: str) -> Query:
    """Query of the number of cases holding ``code`` in ``dimension``."""
    return (
        "SELECT count(DISTINCT case_uid) FROM case_attributes WHERE dimension = $dimension AND code = $code",
        {"dimension": dimension, "code": code},
    )


def rollup_code_cases(dimension: str, code: str) -> Query:
    """Query of the cases the rollups count for ``code`` in ``dimension`` (every month and group)."""
    return (
        "SELECT CAST(coalesce(sum(cases), 0) AS BIGINT) FROM rollup_modus WHERE dimension = $dimension AND code = $code",
        {"dimension": dimension, "code": code},
    )
