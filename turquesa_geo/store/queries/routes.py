"""Queries per distinct reported route (signature): the corridor view and the cooperation view.

Corridors are rebuilt from these signatures in Python (:mod:`turquesa_geo.routes`). The
cooperation view also counts the cases two sources both reported (:func:`shared_cases`).
"""

from __future__ import annotations

from turquesa_geo.store.queries.base import Params, Query, period_expr
from turquesa_geo.store.queries.conditions import case_filter, dated, person_filter, reported_route_filter

__all__ = ["SIGNATURE_SOURCES", "reporter_signatures", "route_signatures", "shared_cases"]

#: Where route signatures can be counted: the case tables, or the monthly rollup ``rollup_routes``.
SIGNATURE_SOURCES = ("cases", "rollup")

#: The columns of a route signature.
_SIGNATURE = ("nationality", "origin", "transit", "destination", "detection_country")


def _keys(alias: str) -> str:
    return ", ".join(f"{alias}.{k}" for k in _SIGNATURE)


def _signature_measures(when: str, cases: str, persons: str, female: str, known_sex: str, flagged: str) -> str:
    """The six measures of a route signature, as CASE sums over ``when`` (a date or month column),
    between ``$start`` (the period) and ``$prev_end`` (the end of the period before); ``flagged``
    is the condition of a row of flagged cases."""
    start, prev_end = f"{when} >= $start", f"{when} <= $prev_end"
    return (
        f"CAST(sum(CASE WHEN {start} THEN {cases} ELSE 0 END) AS BIGINT) AS cases, "
        f"CAST(sum(CASE WHEN {prev_end} THEN {cases} ELSE 0 END) AS BIGINT) AS cases_prev, "
        f"CAST(sum(CASE WHEN {start} THEN {persons} ELSE 0 END) AS BIGINT) AS persons, "
        f"CAST(sum(CASE WHEN {start} THEN {female} ELSE 0 END) AS BIGINT) AS women_girls, "
        f"CAST(sum(CASE WHEN {start} THEN {known_sex} ELSE 0 END) AS BIGINT) AS persons_known_sex, "
        f"CAST(sum(CASE WHEN {start} AND {flagged} THEN {cases} ELSE 0 END) AS BIGINT) AS cases_flagged"
    )


def _periods(current: tuple, previous: tuple | None) -> Params:
    """``$start``/``$end`` of the period, ``$first`` (of both periods) and ``$prev_end`` (None: no period before)."""
    return Params(
        start=current[0],
        end=current[1],
        first=previous[0] if previous else current[0],
        prev_end=previous[1] if previous else None,
    )


def route_signatures(filters, current: tuple, previous: tuple | None, source: str = "cases") -> Query:
    """Cases and persons per distinct reported route, in the period and the one before.

    ``current`` and ``previous`` are (first day, last day); the result has one row per
    (nationality, origin, transit, destination, detection_country) with ``cases``,
    ``cases_prev``, ``persons``, ``women_girls`` (female persons of any age) and
    ``persons_known_sex``, and ``cases_flagged`` (the period's cases an import kept with a
    flag). ``source`` ``"rollup"`` reads ``rollup_routes`` (whole months, no person,
    modus or flag-rule filter: see :func:`turquesa_geo.store.rollups.covers`). Records with
    no known date are in no period (the rollups do not hold them either).
    Portable SQL: CASE sums, no dialect functions.
    """
    params = _periods(current, previous)
    if source == "cases":
        where, _ = case_filter(filters, "c", params)
        persons, _ = person_filter(filters, "q", params)
        measures = _signature_measures(
            "c.case_date",
            "1",
            "coalesce(p.persons, 0)",
            "coalesce(p.female, 0)",
            "coalesce(p.known_sex, 0)",
            "g.case_uid IS NOT NULL",
        )
        text = (
            f"SELECT {_keys('c')}, {measures} "
            "FROM counted_cases c LEFT JOIN (SELECT q.case_uid, sum(q.persons) AS persons, "
            f"sum(CASE WHEN q.gender = {params.bind('female', 'female')} THEN q.persons ELSE 0 END) AS female, "
            f"sum(CASE WHEN q.gender <> {params.bind('unknown', 'unknown')} THEN q.persons ELSE 0 END) AS known_sex "
            f"FROM case_persons q WHERE {persons} GROUP BY q.case_uid) p ON p.case_uid = c.case_uid "
            "LEFT JOIN (SELECT DISTINCT case_uid FROM case_flags) g ON g.case_uid = c.case_uid "
            f"WHERE c.case_date >= $first AND c.case_date <= $end AND {where} AND {dated(params)} "
            f"GROUP BY {_keys('c')}"
        )
    elif source == "rollup":
        where, _ = case_filter(filters, "r", params, rollup=True)
        measures = _signature_measures("r.month", "r.cases", "r.persons", "r.female", "r.known_sex", "r.flagged")
        text = (
            f"SELECT {_keys('r')}, {measures} "
            f"FROM rollup_routes r WHERE r.month >= $first AND r.month <= $end AND {where} "
            f"GROUP BY {_keys('r')}"
        )
    else:
        raise ValueError(f"source {source!r} is not one of {', '.join(SIGNATURE_SOURCES)}")
    return text, dict(params)


def reporter_signatures(filters, first, last) -> Query:
    """Cases per quarter, reporting country, network, source and distinct reported route (cooperation view)."""
    params = Params(first=first, last=last)
    where, _ = case_filter(filters, "c", params)
    quarter = period_expr("Q")
    text = (
        f"SELECT {quarter} AS quarter, c.reporting_country, c.network, c.source, c.nationality, c.origin, c.transit, "
        "c.destination, c.detection_country, CAST(count(*) AS BIGINT) AS cases, max(c.case_date) AS last_case "
        f"FROM counted_cases c WHERE c.case_date >= $first AND c.case_date <= $last AND {where} AND {dated(params)} "
        f"GROUP BY {quarter}, c.reporting_country, c.network, c.source, c.nationality, c.origin, c.transit, "
        "c.destination, c.detection_country"
    )
    return text, dict(params)


def shared_cases(filters, first, last) -> Query:
    """Cases reported twice, per pair of sources and link status (``linked``: counted once; ``kept``: both
    counted), for the cooperation view.

    Each link between two reports (``case_links``, the later report first) is one shared case; its
    earlier report (``b``) gives the date and is what the filters and the period select (the route
    filters on its reported route). Both reports are read from ``cases``: a linked report is left out
    of the counts, not out of this view. The two sources come sorted (``source_a`` <= ``source_b``);
    a source can share cases with itself (two files of it).

    >>> from turquesa_geo.filters import Filters
    >>> shared_cases(Filters(), "2024-01-01", "2024-12-31")[1]
    {'first': '2024-01-01', 'last': '2024-12-31', 'linked': 'linked', 'kept': 'kept'}
    """
    params = Params(first=first, last=last)
    where, _ = case_filter(filters, "b", params)
    route, _ = reported_route_filter(filters, "b", params)
    statuses = f"l.status IN ({params.bind('linked', 'linked')}, {params.bind('kept', 'kept')})"
    text = (
        "SELECT least(a.source, b.source) AS source_a, greatest(a.source, b.source) AS source_b, l.status, "
        "CAST(count(*) AS BIGINT) AS cases FROM case_links l JOIN cases a ON a.case_uid = l.case_uid "
        f"JOIN cases b ON b.case_uid = l.linked_to WHERE {statuses} AND b.case_date >= $first "
        f"AND b.case_date <= $last AND {where} AND {route} "
        "GROUP BY least(a.source, b.source), greatest(a.source, b.source), l.status "
        "ORDER BY source_a, source_b, l.status"
    )
    return text, dict(params)
