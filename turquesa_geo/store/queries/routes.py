"""Queries per distinct reported route (signature): the corridor view and the cooperation view.

Corridors are rebuilt from these signatures in Python (:mod:`turquesa_geo.routes`).
"""

from __future__ import annotations

from turquesa_geo.store.queries.base import Params, Query, period_expr
from turquesa_geo.store.queries.conditions import case_filter, dated, person_filter

__all__ = ["SIGNATURE_SOURCES", "reporter_signatures", "route_signatures"]

#: Where route signatures can be counted: the case tables, or the monthly rollup ``rollup_routes``.
SIGNATURE_SOURCES = ("cases", "rollup")

#: The columns of a route signature.
_SIGNATURE = ("nationality", "origin", "transit", "destination", "detection_country")


def _keys(alias: str) -> str:
    return ", ".join(f"{alias}.{k}" for k in _SIGNATURE)


def _signature_measures(when: str, cases: str, persons: str, female: str, known_sex: str) -> str:
    """The five measures of a route signature, as CASE sums over ``when`` (a date or month column),
    between ``$start`` (the period) and ``$prev_end`` (the end of the period before)."""
    start, prev_end = f"{when} >= $start", f"{when} <= $prev_end"
    return (
        f"CAST(sum(CASE WHEN {start} THEN {cases} ELSE 0 END) AS BIGINT) AS cases, "
        f"CAST(sum(CASE WHEN {prev_end} THEN {cases} ELSE 0 END) AS BIGINT) AS cases_prev, "
        f"CAST(sum(CASE WHEN {start} THEN {persons} ELSE 0 END) AS BIGINT) AS persons, "
        f"CAST(sum(CASE WHEN {start} THEN {female} ELSE 0 END) AS BIGINT) AS women_girls, "
        f"CAST(sum(CASE WHEN {start} THEN {known_sex} ELSE 0 END) AS BIGINT) AS persons_known_sex"
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
    ``persons_known_sex``. ``source`` ``"rollup"`` reads ``rollup_routes`` (whole months,
    no person or modus filter: see :func:`turquesa_geo.store.rollups.covers`). Records with
    no known date are in no period (the rollups do not hold them either).
    Portable SQL: CASE sums, no dialect functions.
    """
    params = _periods(current, previous)
    if source == "cases":
        where, _ = case_filter(filters, "c", params)
        persons, _ = person_filter(filters, "q", params)
        measures = _signature_measures(
            "c.case_date", "1", "coalesce(p.persons, 0)", "coalesce(p.female, 0)", "coalesce(p.known_sex, 0)"
        )
        text = (
            f"SELECT {_keys('c')}, {measures} "
            "FROM cases c LEFT JOIN (SELECT q.case_uid, sum(q.persons) AS persons, "
            f"sum(CASE WHEN q.gender = {params.bind('female', 'female')} THEN q.persons ELSE 0 END) AS female, "
            f"sum(CASE WHEN q.gender <> {params.bind('unknown', 'unknown')} THEN q.persons ELSE 0 END) AS known_sex "
            f"FROM case_persons q WHERE {persons} GROUP BY q.case_uid) p ON p.case_uid = c.case_uid "
            f"WHERE c.case_date >= $first AND c.case_date <= $end AND {where} AND {dated(params)} "
            f"GROUP BY {_keys('c')}"
        )
    elif source == "rollup":
        where, _ = case_filter(filters, "r", params)
        measures = _signature_measures("r.month", "r.cases", "r.persons", "r.female", "r.known_sex")
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
        f"FROM cases c WHERE c.case_date >= $first AND c.case_date <= $last AND {where} AND {dated(params)} "
        f"GROUP BY {quarter}, c.reporting_country, c.network, c.source, c.nationality, c.origin, c.transit, "
        "c.destination, c.detection_country"
    )
    return text, dict(params)
