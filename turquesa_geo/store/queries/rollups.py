"""Statements of the rollup tables: their schema, their refresh, and the months an import touches.

See :mod:`turquesa_geo.store.rollups` for what the rollups hold and when they answer a query.
"""

from __future__ import annotations

from turquesa_geo.columns import MODUS_DIMENSIONS
from turquesa_geo.store.queries.base import MONTH, Params, Query, period_expr, plain_ident
from turquesa_geo.store.queries.conditions import DEFAULT_PERSON_ROLES, dated

__all__ = [
    "FLAGGED_KEY",
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
#: The key of both rollups (schema 8) that is not a column of ``cases``: the case has a row in ``case_flags``.
FLAGGED_KEY = "flagged"

_ROUTE_COLUMNS = ("month", *ROUTE_ROLLUP_KEYS, FLAGGED_KEY, "cases", "persons", "female", "known_sex")
_MODUS_COLUMNS = ("month", *MODUS_ROLLUP_KEYS, FLAGGED_KEY, "dimension", "code", "cases")


def rollup_tables(flagged: bool = True) -> list[str]:
    """CREATE statements of the rollup tables (counts as plain BIGINT).

    ``flagged=False`` gives the tables as migration 4 created them, before the ``flagged`` key (migration 8).
    """
    reporting = ", ".join(f"reporting_{d} BIGINT NOT NULL" for d in ROLLUP_DIMENSIONS)
    key = f"{FLAGGED_KEY} BOOLEAN NOT NULL, " if flagged else ""
    keys = ", ".join(f"{k} VARCHAR" for k in ROUTE_ROLLUP_KEYS)
    modus_keys = ", ".join(f"{k} VARCHAR" for k in MODUS_ROLLUP_KEYS)
    return [
        f"CREATE TABLE rollup_routes (month DATE NOT NULL, {keys}, {key}cases BIGINT NOT NULL, "
        f"persons BIGINT NOT NULL, female BIGINT NOT NULL, known_sex BIGINT NOT NULL, {reporting})",
        f"CREATE TABLE rollup_modus (month DATE NOT NULL, {modus_keys}, {key}dimension VARCHAR NOT NULL, "
        "code VARCHAR NOT NULL, cases BIGINT NOT NULL)",
    ]


def refresh_rollups(months: str | None = None) -> list[Query]:
    """Statements that rebuild the rollup tables from the counted cases (inside the import's transaction).

    With ``months``, the name of an internal relation of (month DATE), only the rows of
    those months are rebuilt: an import rebuilds the months it touched, so its cost
    follows the import, not the store. Every case falls in one (month, keys) group,
    and a case holds a code at most once (the importers write distinct codes), so
    plain counts summed over groups stay exact. A case is ``flagged`` when it has a row
    in ``case_flags``: an importer writes the flags before it refreshes. Records with no
    known date (:data:`turquesa_geo.columns.UNDATED`) are in no month: the rollups leave
    them out, as every period's query does. Plain SQL: explicit GROUP BY lists, CASE sums.

    >>> refresh_rollups("touched")[0]
    ('DELETE FROM rollup_routes WHERE month IN (SELECT month FROM touched)', {})
    """
    in_months = f" WHERE month IN (SELECT month FROM {plain_ident(months)})" if months else ""
    undated = Params()
    of_months = f" AND {period_expr('M', 'u.case_date')} IN (SELECT month FROM {plain_ident(months)})" if months else ""
    cases = f"(SELECT * FROM counted_cases u WHERE {dated(undated, 'u')}{of_months})"
    case_ids = f"SELECT case_uid FROM {cases} k" if months else None
    flagged = (
        "LEFT JOIN (SELECT DISTINCT g.case_uid FROM case_flags g"
        + (f" WHERE g.case_uid IN ({case_ids})" if case_ids else "")
        + ") g ON g.case_uid = c.case_uid"
    )
    return [
        (f"DELETE FROM rollup_routes{in_months}", {}),
        _insert_routes(cases, case_ids, flagged, undated),
        (f"DELETE FROM rollup_modus{in_months}", {}),
        (
            f"INSERT INTO rollup_modus ({', '.join(_MODUS_COLUMNS)}) SELECT {MONTH}, {_keys(MODUS_ROLLUP_KEYS)}, "
            "g.case_uid IS NOT NULL, a.dimension, a.code, CAST(count(*) AS BIGINT) FROM "
            f"{cases} c JOIN case_attributes a ON a.case_uid = c.case_uid {flagged} "
            f"GROUP BY {MONTH}, {_keys(MODUS_ROLLUP_KEYS)}, g.case_uid IS NOT NULL, a.dimension, a.code",
            dict(undated),
        ),
    ]


def _keys(keys: tuple[str, ...]) -> str:
    return ", ".join(f"c.{k}" for k in keys)


def _insert_routes(cases: str, case_ids: str | None, flagged: str, outer: Params) -> Query:
    """The INSERT of ``rollup_routes`` from the relation ``cases`` (``case_ids``: its ids, None for all cases;
    ``outer``: the parameters ``cases`` binds)."""
    params = Params()
    persons = (
        "SELECT q.case_uid, sum(q.persons) AS persons, "
        f"sum(CASE WHEN q.gender = {params.bind('female', 'female')} THEN q.persons ELSE 0 END) AS female, "
        f"sum(CASE WHEN q.gender <> {params.bind('unknown', 'unknown')} THEN q.persons ELSE 0 END) AS known_sex "
        f"FROM case_persons q WHERE {params.is_in('q.role', 'role', DEFAULT_PERSON_ROLES)} "
        f"{f'AND q.case_uid IN ({case_ids}) ' if case_ids else ''}GROUP BY q.case_uid"
    )
    dimension_flags = ", ".join(
        f"max(CASE WHEN a.dimension = {params.bind(f'dimension_{d}', d)} THEN 1 ELSE 0 END) AS r_{d}"
        for d in ROLLUP_DIMENSIONS
    )
    reporting = ", ".join(f"CAST(coalesce(sum(f.r_{d}), 0) AS BIGINT)" for d in ROLLUP_DIMENSIONS)
    route_columns = ", ".join((*_ROUTE_COLUMNS, *(f"reporting_{d}" for d in ROLLUP_DIMENSIONS)))
    of_attributes = f"WHERE a.case_uid IN ({case_ids}) " if case_ids else ""
    keys = _keys(ROUTE_ROLLUP_KEYS)
    return (
        f"INSERT INTO rollup_routes ({route_columns}) SELECT {MONTH} AS month, {keys}, g.case_uid IS NOT NULL, "
        "CAST(count(*) AS BIGINT), CAST(coalesce(sum(p.persons), 0) AS BIGINT), "
        "CAST(coalesce(sum(p.female), 0) AS BIGINT), "
        f"CAST(coalesce(sum(p.known_sex), 0) AS BIGINT), {reporting} FROM {cases} c "
        f"LEFT JOIN ({persons}) p ON p.case_uid = c.case_uid "
        f"LEFT JOIN (SELECT a.case_uid, {dimension_flags} FROM case_attributes a {of_attributes}GROUP BY a.case_uid) f "
        f"ON f.case_uid = c.case_uid {flagged} GROUP BY {MONTH}, {keys}, g.case_uid IS NOT NULL",
        {**dict(outer), **dict(params)},
    )


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
