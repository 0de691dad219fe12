"""Queries of public reference data: aggregate counts (UNODC GLOTIP) and deaths and disappearances (IOM MMP)."""

from __future__ import annotations

from turquesa_geo.store.queries.base import Params, Query
from turquesa_geo.store.queries.conditions import period_filter, reported_route_filter

__all__ = ["aggregate_counts", "aggregate_sources", "outcomes"]

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
    {'indicator': 'detected_victims', 'dimension': 'total', 'first_year': 2020, 'country_1': 'COL'}
    """
    params = Params(indicator=indicator, dimension=dimension)
    clauses = ["indicator = $indicator", "dimension = $dimension"]
    if filters.start:
        clauses.append(f"year >= {params.bind('first_year', filters.start.year)}")
    if filters.end:
        clauses.append(f"year <= {params.bind('last_year', filters.end.year)}")
    origins = tuple(dict.fromkeys((*filters.origin, *filters.nationalities)))
    for column, values in (
        ("source", filters.sources),
        ("country", filters.destination),
        ("sex", filters.genders),
        ("age_group", filters.age_groups),
        ("category", origins if dimension == "citizenship" else ()),
    ):
        if values:
            clauses.append(params.is_in(column, column, values))
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
        dict(params),
    )


def aggregate_sources() -> Query:
    """Query of (source, indicator, first year, last year, rows) of the stored aggregate counts."""
    return (
        "SELECT source, indicator, min(year), max(year), count(*) FROM aggregate_counts "
        "GROUP BY source, indicator ORDER BY source, indicator",
        {},
    )


def outcomes(filters) -> Query:
    """Deaths and disappearances of the cases that report them (IOM Missing Migrants), in the period.

    Grouped by country of the incident, location precision and source quality, with the
    dead and missing migrants by sex from ``case_persons``. Route filters read the
    reported route: origin, a transit country, the destination or place of detection.

    >>> from turquesa_geo.filters import Filters
    >>> outcomes(Filters(transit=("MEX",)))[1]
    {'transit_1': '%MEX%', 'female': 'female', 'male': 'male', 'migrant': 'migrant'}
    """
    params = Params()
    where, _ = period_filter(filters, params=params)
    route, _ = reported_route_filter(filters, "c", params)
    conditions = " AND ".join(
        ["(c.dead IS NOT NULL OR c.missing IS NOT NULL)", where, *([route] if route != "TRUE" else [])]
    )
    return (
        "SELECT c.detection_country AS country, c.location_precision, c.source_quality, "
        "CAST(count(*) AS BIGINT) AS incidents, CAST(coalesce(sum(c.dead), 0) AS BIGINT) AS dead, "
        "CAST(coalesce(sum(c.missing), 0) AS BIGINT) AS missing, "
        "CAST(coalesce(sum(c.survivors), 0) AS BIGINT) AS survivors, "
        "CAST(coalesce(sum(c.children), 0) AS BIGINT) AS children, "
        "CAST(coalesce(sum(p.female), 0) AS BIGINT) AS women_girls, CAST(coalesce(sum(p.male), 0) AS BIGINT) AS men_boys "
        "FROM counted_cases c LEFT JOIN (SELECT case_uid, "
        f"sum(CASE WHEN gender = {params.bind('female', 'female')} THEN persons ELSE 0 END) AS female, "
        f"sum(CASE WHEN gender = {params.bind('male', 'male')} THEN persons ELSE 0 END) AS male FROM case_persons "
        f"WHERE role = {params.bind('migrant', 'migrant')} GROUP BY case_uid) p ON p.case_uid = c.case_uid "
        f"WHERE {conditions} GROUP BY c.detection_country, c.location_precision, c.source_quality",
        dict(params),
    )
