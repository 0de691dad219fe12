"""WHERE fragments of the dashboard's filters: cases, persons, and the period.

Each fragment binds its values into the statement's :class:`~turquesa_geo.store.queries.base.Params`,
so two fragments in one statement get distinct parameter names when their values differ.
"""

from __future__ import annotations

from turquesa_geo.columns import COARSE_DATE_PRECISIONS, SERIES_COARSE_PRECISIONS, UNDATED
from turquesa_geo.store.queries.base import FREQUENCIES, Params, Query

__all__ = [
    "DEFAULT_PERSON_ROLES",
    "case_filter",
    "dated",
    "dated_for",
    "dated_to_the_month",
    "period_filter",
    "person_filter",
    "reported_route_filter",
    "span_filter",
]

#: Roles whose persons a corridor counts when no role is selected: the people moved.
DEFAULT_PERSON_ROLES = ("victim", "migrant")


def case_filter(filters, alias: str = "c", params: Params | None = None, rollup: bool = False) -> Query:
    """WHERE conditions (joined by AND, without the period) for the non-route filters.

    ``alias`` names a row of ``cases``, or, with ``rollup``, of a rollup table, whose
    ``flagged`` key stands for "the case has a row in case_flags" (the rollups answer no
    filter on a named flag rule: see :func:`turquesa_geo.store.rollups.covers`).

    >>> from turquesa_geo.filters import Filters
    >>> text, params = case_filter(Filters(crime_types=("smuggling",), modus=(("platform", "tiktok"),)))
    >>> text
    'c.crime_type IN ($crime_type_1) AND EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = c.case_uid AND a.dimension = $dimension AND a.code IN ($code_1))'
    >>> params
    {'crime_type_1': 'smuggling', 'dimension': 'platform', 'code_1': 'tiktok'}
    >>> case_filter(Filters())
    ('TRUE', {})
    >>> case_filter(Filters(exclude_flagged=True), "r", rollup=True)
    ('NOT r.flagged', {})
    """
    params = Params() if params is None else params
    clauses: list[str] = []
    for column, values in (
        ("crime_type", filters.crime_types),
        ("nationality", filters.nationalities),
        ("source", filters.sources),
    ):
        if values:
            clauses.append(params.is_in(f"{alias}.{column}", column, values))
    by_dimension: dict[str, list[str]] = {}
    for dimension, code in (*filters.modus, *(("linked_crime", c) for c in filters.linked_crimes)):
        by_dimension.setdefault(dimension, []).append(code)
    for dimension, codes in by_dimension.items():
        clauses.append(
            f"EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = {alias}.case_uid "
            f"AND a.dimension = {params.bind('dimension', dimension)} AND {params.is_in('a.code', 'code', codes)})"
        )
    if filters.person_filtered():
        text, _ = person_filter(filters, "p", params)
        clauses.append(f"EXISTS (SELECT 1 FROM case_persons p WHERE p.case_uid = {alias}.case_uid AND {text})")
    clauses += _flag_clauses(filters, alias, params, rollup)
    return (" AND ".join(clauses) if clauses else "TRUE"), params


def _flag_clauses(filters, alias: str, params: Params, rollup: bool) -> list[str]:
    """Conditions on the flags an import left on a case: none of any rule, none of some rules, one of some rules.

    >>> from turquesa_geo.filters import Filters
    >>> _flag_clauses(Filters(exclude_flagged=True, flags=("adjustment",)), "c", Params(), False)
    ['NOT EXISTS (SELECT 1 FROM case_flags f WHERE f.case_uid = c.case_uid)', 'EXISTS (SELECT 1 FROM case_flags f WHERE f.case_uid = c.case_uid AND f.rule IN ($flag_1))']
    """
    if rollup and filters.flag_rules_filtered():
        raise ValueError(
            f"the rollups cannot answer a filter on flag rules {[*filters.excluded_flags, *filters.flags]}"
        )
    of_case = f"SELECT 1 FROM case_flags f WHERE f.case_uid = {alias}.case_uid"
    clauses = []
    if filters.exclude_flagged:
        clauses.append(f"NOT {alias}.flagged" if rollup else f"NOT EXISTS ({of_case})")
    if filters.excluded_flags:
        clauses.append(f"NOT EXISTS ({of_case} AND {params.is_in('f.rule', 'excluded_flag', filters.excluded_flags)})")
    if filters.flags:
        clauses.append(f"EXISTS ({of_case} AND {params.is_in('f.rule', 'flag', filters.flags)})")
    return clauses


def person_filter(filters, alias: str = "p", params: Params | None = None) -> Query:
    """Conditions on case_persons rows for the role, gender and age filters.

    >>> from turquesa_geo.filters import Filters
    >>> person_filter(Filters(genders=("female",)))
    ('p.role IN ($role_1, $role_2) AND p.gender IN ($gender_1)', {'role_1': 'victim', 'role_2': 'migrant', 'gender_1': 'female'})
    """
    params = Params() if params is None else params
    clauses = [
        params.is_in(f"{alias}.{column}", column, values)
        for column, values in (
            ("role", filters.roles or DEFAULT_PERSON_ROLES),
            ("gender", filters.genders),
            ("age_group", filters.age_groups),
        )
        if values
    ]
    return " AND ".join(clauses), params


def period_filter(
    filters, column: str = "c.case_date", alias: str = "c", params: Params | None = None, rollup: bool = False
) -> Query:
    """The filters' period on ``column`` (open ends allowed), then :func:`case_filter` on ``alias`` (``rollup``: a
    rollup table's row).

    >>> import datetime as dt
    >>> from turquesa_geo.filters import Filters
    >>> period_filter(Filters(start=dt.date(2024, 1, 1)), "r.month", "r")
    ('r.month >= $start AND TRUE', {'start': datetime.date(2024, 1, 1)})
    """
    params = Params() if params is None else params
    clauses = []
    if filters.start:
        clauses.append(f"{column} >= {params.bind('start', filters.start)}")
    if filters.end:
        clauses.append(f"{column} <= {params.bind('end', filters.end)}")
    where, _ = case_filter(filters, alias, params, rollup)
    return " AND ".join([*clauses, where]), params


def span_filter(filters, alias: str = "c", params: Params | None = None) -> Query:
    """The filters' period met by each record's dated span (a band of years from ``case_date`` to
    ``period_end``; any other record, its day), then :func:`case_filter` on ``alias``.

    A band of 2014-2018 meets a period from 2016: a band is never cut at a period's edge.

    >>> import datetime as dt
    >>> from turquesa_geo.filters import Filters
    >>> span_filter(Filters(start=dt.date(2016, 1, 1), end=dt.date(2016, 12, 31)))
    ('coalesce(c.period_end, c.case_date) >= $start AND c.case_date <= $end AND TRUE', {'start': datetime.date(2016, 1, 1), 'end': datetime.date(2016, 12, 31)})
    """
    params = Params() if params is None else params
    clauses = []
    if filters.start:
        clauses.append(f"coalesce({alias}.period_end, {alias}.case_date) >= {params.bind('start', filters.start)}")
    if filters.end:
        clauses.append(f"{alias}.case_date <= {params.bind('end', filters.end)}")
    where, _ = case_filter(filters, alias, params)
    return " AND ".join([*clauses, where]), params


def reported_route_filter(filters, alias: str = "c", params: Params | None = None) -> Query:
    """The route filters read on the reported route (joined by AND; ``TRUE`` when there are none): origin,
    a transit country, the destination or place of detection. For views that do not rebuild corridors.

    >>> from turquesa_geo.filters import Filters
    >>> reported_route_filter(Filters(origin=("VEN",), transit=("MEX",)))
    ('c.origin IN ($origin_1) AND (c.transit LIKE $transit_1)', {'origin_1': 'VEN', 'transit_1': '%MEX%'})
    >>> reported_route_filter(Filters())[0]
    'TRUE'
    """
    params = Params() if params is None else params
    route = []
    if filters.origin:
        route.append(params.is_in(f"{alias}.origin", "origin", filters.origin))
    if filters.destination:
        route.append(
            params.is_in(
                f"coalesce({alias}.destination, {alias}.detection_country)", "destination", filters.destination
            )
        )
    if filters.transit:
        likes = (
            f"{alias}.transit LIKE {params.bind(f'transit_{i}', f'%{iso}%')}"
            for i, iso in enumerate(filters.transit, 1)
        )
        route.append("(" + " OR ".join(likes) + ")")
    return (" AND ".join(route) if route else "TRUE"), params


def dated(params: Params, alias: str = "c") -> str:
    """Condition of the cases with a known date: not on :data:`~turquesa_geo.columns.UNDATED`.

    >>> p = Params(); dated(p), p
    ('c.case_date <> $undated', {'undated': datetime.date(1900, 1, 1)})
    """
    return f"{alias}.case_date <> {params.bind('undated', UNDATED)}"


def dated_to_the_month(params: Params, alias: str = "c") -> str:
    """Condition of the cases dated to their day or month (no precision given: a day).

    >>> dated_to_the_month(Params())
    '(c.date_precision IS NULL OR c.date_precision NOT IN ($coarse_1, $coarse_2, $coarse_3))'
    """
    coarse = params.bind_all("coarse", COARSE_DATE_PRECISIONS)
    return f"({alias}.date_precision IS NULL OR {alias}.date_precision NOT IN ({coarse}))"


def dated_for(freq: str, params: Params, alias: str = "c") -> str:
    """Condition of the cases dated finely enough to stand in one period of a series of ``freq``
    (M, Q or Y; :data:`~turquesa_geo.columns.SERIES_COARSE_PRECISIONS`): by month or quarter, cases
    dated to their day or month; by year, also those dated only to a year, never a band of years.

    >>> p = Params(); dated_for("Y", p), p
    ('(c.date_precision IS NULL OR c.date_precision NOT IN ($coarse_1, $coarse_2))', {'coarse_1': 'period', 'coarse_2': 'unknown'})
    """
    if freq not in FREQUENCIES:
        raise ValueError(f"frequency {freq!r} is not one of {', '.join(FREQUENCIES)}")
    coarse = params.bind_all("coarse", SERIES_COARSE_PRECISIONS[freq])
    return f"({alias}.date_precision IS NULL OR {alias}.date_precision NOT IN ({coarse}))"
