"""Statements of the rollup tables: their schema, their refresh, and the months an import touches.

See :mod:`turquesa_geo.store.rollups` for what the rollups hold and when they answer a query.
"""

from __future__ import annotations

from turquesa_geo.columns import MODUS_DIMENSIONS
from turquesa_geo.store.queries.base import MONTH, Params, Query, period_expr, plain_ident
from turquesa_geo.store.queries.conditions import DEFAULT_PERSON_ROLES, dated

__all__ = [
    "MODUS_ROLLUP_KEYS",
    "ROLLUP_DIMENSIONS",
    "ROUTE_ROLLUP_KEYS",
    "refresh_rollups",
    "rollup_tables",
    "touched_months_sql",
]

#: Group keys of ``rollup_routes``: month and the reported route, with the case filters' columns.
ROUTE_ROLLUP_KEYS = ("crime_type", "source", "nationality", "origin", "transit", "destination", "detection_country")
#: Group keys of ``rollup_modus``: month, the case filters' columns, and the code.
MODUS_ROLLUP_KEYS = ("crime_type", "source", "nationality")
#: Modus-operandi dimensions whose reporting cases ``rollup_routes`` counts (column ``reporting_<dimension>``).
ROLLUP_DIMENSIONS = MODUS_DIMENSIONS

_ROUTE_COLUMNS = ("month", *ROUTE_ROLLUP_KEYS, "cases", "persons", "female", "known_sex")
_MODUS_COLUMNS = ("month", *MODUS_ROLLUP_KEYS, "dimension", "code", "cases")


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
    Records with no known date (:data:`turquesa_geo.columns.UNDATED`) are in no month: the
    rollups leave them out, as every period's query does.

    >>> refresh_rollups("touched")[0]
    ('DELETE FROM rollup_routes WHERE month IN (SELECT month FROM touched)', {})
    """
    route_keys = ", ".join(f"c.{c}" for c in ROUTE_ROLLUP_KEYS)
    modus_keys = ", ".join(f"c.{c}" for c in MODUS_ROLLUP_KEYS)
    in_months = f" WHERE month IN (SELECT month FROM {plain_ident(months)})" if months else ""
    params = Params()
    of_months = f" AND {period_expr('M', 'u.case_date')} IN (SELECT month FROM {plain_ident(months)})" if months else ""
    cases = f"(SELECT * FROM cases u WHERE {dated(params, 'u')}{of_months})"
    case_ids = f"SELECT case_uid FROM {cases} k"
    persons = (
        "SELECT q.case_uid, sum(q.persons) AS persons, "
        f"sum(CASE WHEN q.gender = {params.bind('female', 'female')} THEN q.persons ELSE 0 END) AS female, "
        f"sum(CASE WHEN q.gender <> {params.bind('unknown', 'unknown')} THEN q.persons ELSE 0 END) AS known_sex "
        f"FROM case_persons q WHERE {params.is_in('q.role', 'role', DEFAULT_PERSON_ROLES)} "
        f"{f'AND q.case_uid IN ({case_ids}) ' if months else ''}GROUP BY q.case_uid"
    )
    flags = ", ".join(
        f"max(CASE WHEN a.dimension = {params.bind(f'dimension_{d}', d)} THEN 1 ELSE 0 END) AS r_{d}"
        for d in ROLLUP_DIMENSIONS
    )
    reporting = ", ".join(f"CAST(coalesce(sum(f.r_{d}), 0) AS BIGINT)" for d in ROLLUP_DIMENSIONS)
    route_columns = ", ".join((*_ROUTE_COLUMNS, *(f"reporting_{d}" for d in ROLLUP_DIMENSIONS)))
    of_attributes = f"WHERE a.case_uid IN ({case_ids}) " if months else ""
    return [
        (f"DELETE FROM rollup_routes{in_months}", {}),
        (
            f"INSERT INTO rollup_routes ({route_columns}) SELECT {MONTH} AS month, {route_keys}, "
            "CAST(count(*) AS BIGINT), CAST(coalesce(sum(p.persons), 0) AS BIGINT), "
            "CAST(coalesce(sum(p.female), 0) AS BIGINT), "
            f"CAST(coalesce(sum(p.known_sex), 0) AS BIGINT), {reporting} FROM {cases} c "
            f"LEFT JOIN ({persons}) p ON p.case_uid = c.case_uid "
            f"LEFT JOIN (SELECT a.case_uid, {flags} FROM case_attributes a {of_attributes}GROUP BY a.case_uid) f "
            f"ON f.case_uid = c.case_uid GROUP BY {MONTH}, {route_keys}",
            dict(params),
        ),
        (f"DELETE FROM rollup_modus{in_months}", {}),
        (
            f"INSERT INTO rollup_modus ({', '.join(_MODUS_COLUMNS)}) SELECT {MONTH}, {modus_keys}, a.dimension, "
            f"a.code, CAST(count(*) AS BIGINT) FROM {cases} c JOIN case_attributes a ON a.case_uid = c.case_uid "
            f"GROUP BY {MONTH}, {modus_keys}, a.dimension, a.code",
            {"undated": params["undated"]},
        ),
    ]


def touched_months_sql(rows: str) -> str:
    """Statement of temp table ``touched_months``: the months of the cases an import writes (relation
    ``rows``, columns ``_date`` and ``_old_uid``) and of the stored cases they replace.

    Run before the replaced cases are deleted. No values: plain text for the importers.
    """
    rows = plain_ident(rows)
    return (
        f"CREATE OR REPLACE TEMP TABLE touched_months AS "
        f"SELECT DISTINCT CAST(date_trunc('month', _date) AS DATE) AS month FROM {rows} "
        f"UNION SELECT DISTINCT {MONTH} FROM cases c WHERE c.case_uid IN "
        f"(SELECT _old_uid FROM {rows} WHERE _old_uid IS NOT NULL)"
    )
