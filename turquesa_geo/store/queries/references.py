"""Queries of public reference data: aggregate counts (UNODC GLOTIP, US CBP encounters, US TIP report codings)
and deaths and disappearances (IOM MMP).

Aggregate counts are read one indicator, one dimension and one kind of area at a time,
so that no query adds offences to persons, encounters to victims, or a region to its own countries.
"""

from __future__ import annotations

from dataclasses import replace

from turquesa_geo.store.queries.base import Params, Query, period_expr
from turquesa_geo.store.queries.conditions import period_filter, reported_route_filter

__all__ = [
    "AGE_DEMOGRAPHICS",
    "AREAS",
    "OUTCOME_CELL_DEGREES",
    "OUTCOME_KEYS",
    "ROUTE_SEPARATOR",
    "aggregate_counts",
    "aggregate_sources",
    "encounter_counts",
    "outcomes",
    "tip_codings",
]

#: Filters that aggregate counts cannot honour: they are not split by these. Published counts carry no import
#: flag: "only cases flagged by" selects none of them, leaving flagged cases out leaves them all.
_NOT_IN_AGGREGATES = ("transit", "modus", "linked_crimes", "flags")

#: Which areas' counts a query reads: the countries' (rows with a country), or the regions' and
#: sub-regions' (rows without one). They are never read together: a region's count already holds
#: its countries', so a sum over both would count them twice.
AREAS: tuple[str, ...] = ("countries", "regions")

#: The role of the persons each indicator counts; an indicator not listed (offences) counts no persons.
_INDICATOR_ROLES = {
    "detected_victims": "victim",
    "formal_contact": "suspect",
    "prosecuted": "suspect",
    "convicted": "suspect",
}


def aggregate_counts(filters, indicator: str, dimension: str, areas: str = "countries") -> Query:
    """Stored aggregate counts (e.g. UNODC GLOTIP) of one indicator, dimension and kind of area the filters select.

    ``areas`` is ``"countries"`` (the default: rows of a country, the only rows a sum over
    countries may read) or ``"regions"`` (rows of a region or sub-region, such as the
    Caribbean, shown as regions). Years follow the period; sources, destination (the
    detecting country; regions are not split by it), origin and nationality (the
    citizenship, in the citizenship dimension), sex and age apply. A role filter without
    the indicator's persons (victims for detected victims, suspects for persons
    prosecuted, convicted or brought into formal contact; offences count no persons), a
    crime-type filter without trafficking, or a filter the counts are not split by
    (transit, modus operandi, linked crimes, or origin outside the citizenship
    dimension) selects nothing, rather than showing counts that ignore it.

    >>> import datetime as dt
    >>> from turquesa_geo.filters import Filters
    >>> aggregate_counts(Filters(start=dt.date(2020, 1, 1), destination=("COL",)), "detected_victims", "total")[1]
    {'indicator': 'detected_victims', 'dimension': 'total', 'first_year': 2020, 'country_1': 'COL'}
    >>> aggregate_counts(Filters(), "detected_victims", "total", areas="oceans")
    Traceback (most recent call last):
    ValueError: areas 'oceans' is not one of countries, regions
    """
    if areas not in AREAS:
        raise ValueError(f"areas {areas!r} is not one of {', '.join(AREAS)}")
    params = Params(indicator=indicator, dimension=dimension)
    clauses = [
        "indicator = $indicator",
        "dimension = $dimension",
        "country IS NOT NULL" if areas == "countries" else "country IS NULL",
    ]
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
    if _selects_nothing(filters, indicator, dimension, origins):
        clauses.append("FALSE")
    return (
        f"SELECT source, year, country, area, category, sex, age_group, unit, value, censored "
        f"FROM aggregate_counts WHERE {' AND '.join(clauses)} ORDER BY year, area, category, sex, age_group",
        dict(params),
    )


def _selects_nothing(filters, indicator: str, dimension: str, origins: tuple[str, ...]) -> bool:
    """True when a filter asks for something the counts of ``indicator`` are not split by."""
    role = _INDICATOR_ROLES.get(indicator)
    return bool(
        (filters.roles and role not in filters.roles)
        or (filters.crime_types and not {"trafficking", "both"} & set(filters.crime_types))
        or any(getattr(filters, name) for name in _NOT_IN_AGGREGATES)
        or (origins and dimension != "citizenship")
    )


def aggregate_sources() -> Query:
    """Query of (source, indicator, first year, last year, rows) of the stored aggregate counts."""
    return (
        "SELECT source, indicator, min(year), max(year), count(*) FROM aggregate_counts "
        "GROUP BY source, indicator ORDER BY source, indicator",
        {},
    )


#: What the deaths and disappearances can be grouped by: key name -> expression on an incident ``c``.
OUTCOME_KEYS: dict[str, str] = {
    "country": "c.detection_country",
    "location_precision": "c.location_precision",
    "source_quality": "c.source_quality",
    "year": "CAST(year(c.case_date) AS INTEGER)",
    "month": f"{period_expr('M', 'c.case_date')}",
    "route": "c.route_label",
    "cause": "c.cause_of_death",
    "origin": "c.origin",
    # The centre of the grid cell of OUTCOME_CELL_DEGREES the point falls in (NULL without a point).
    "cell_lat": "floor(c.lat / $cell) * $cell + $cell / 2",
    "cell_lon": "floor(c.lon / $cell) * $cell + $cell / 2",
}

#: The side, in degrees, of the grid cells the map groups the incidents on (about 220 km):
#: wide enough that a drawn place is never one incident, fine enough to tell the Darién
#: from the Rio Grande.
OUTCOME_CELL_DEGREES = 2.0


def outcomes(filters, by: tuple[str, ...] = ("country", "location_precision", "source_quality")) -> Query:
    """Deaths and disappearances during migration (IOM Missing Migrants incidents), in the period, by ``by``.

    Read from the view ``outcome_incidents``, never from the cases: they are their own
    measure. Grouped by the keys of :data:`OUTCOME_KEYS` named in ``by``, with the
    incidents, dead, missing, survivors and children, and the dead and missing migrants by
    sex and in all (``dead_and_missing``: also when the source gives only their total) from
    ``case_persons``. The crime-type filter does not apply (they are no crime
    case); route filters read the reported route: origin, a transit country, the
    destination or place of detection.

    >>> from turquesa_geo.filters import Filters
    >>> outcomes(Filters(transit=("MEX",)))[1]
    {'transit_1': '%MEX%', 'female': 'female', 'male': 'male', 'migrant': 'migrant'}
    >>> outcomes(Filters(), by=("cause",))[0].split(" FROM ")[0][:46]
    'SELECT c.cause_of_death AS cause, CAST(count(*'
    """
    unknown = [k for k in by if k not in OUTCOME_KEYS]
    if unknown:
        raise ValueError(f"outcomes cannot be grouped by {unknown}: expected some of {', '.join(OUTCOME_KEYS)}")
    params = Params(cell=OUTCOME_CELL_DEGREES) if {"cell_lat", "cell_lon"} & set(by) else Params()
    where, _ = period_filter(replace(filters, crime_types=()), params=params)
    route, _ = reported_route_filter(filters, "c", params)
    conditions = " AND ".join([where, *([route] if route != "TRUE" else [])])
    keys = [OUTCOME_KEYS[k] for k in by]
    select = "".join(f"{e} AS {k}, " for k, e in zip(by, keys))
    group = f" GROUP BY {', '.join(keys)}" if keys else ""
    return (
        f"SELECT {select}"
        "CAST(count(*) AS BIGINT) AS incidents, CAST(coalesce(sum(c.dead), 0) AS BIGINT) AS dead, "
        "CAST(coalesce(sum(c.missing), 0) AS BIGINT) AS missing, "
        "CAST(coalesce(sum(c.survivors), 0) AS BIGINT) AS survivors, "
        "CAST(coalesce(sum(c.children), 0) AS BIGINT) AS children, "
        "CAST(coalesce(sum(p.female), 0) AS BIGINT) AS women_girls, CAST(coalesce(sum(p.male), 0) AS BIGINT) AS men_boys, "
        "CAST(coalesce(sum(p.persons), 0) AS BIGINT) AS dead_and_missing "
        "FROM outcome_incidents c LEFT JOIN (SELECT case_uid, sum(persons) AS persons, "
        f"sum(CASE WHEN gender = {params.bind('female', 'female')} THEN persons ELSE 0 END) AS female, "
        f"sum(CASE WHEN gender = {params.bind('male', 'male')} THEN persons ELSE 0 END) AS male FROM case_persons "
        f"WHERE role = {params.bind('migrant', 'migrant')} GROUP BY case_uid) p ON p.case_uid = c.case_uid "
        f"WHERE {conditions}{group}",
        dict(params),
    )


# --- US CBP encounters and US TIP report codings ---------------------------------------------------

#: Of the demographics CBP counts encounters by (stored as the count's age group), those each age-group
#: filter selects. Family unit members are of every age (CBP does not split them): no age filter selects them.
AGE_DEMOGRAPHICS: dict[str, tuple[str, ...]] = {
    "adult": ("single_adult",),
    "minor": ("unaccompanied_minor", "accompanied_minor"),
}

#: Between the places of a route the TIP report names (``HND>GTM>MEX>USA``), as the profile stores it.
ROUTE_SEPARATOR = ">"


def encounter_counts(filters, indicator: str = "encounters") -> Query:
    """Stored US CBP encounters by citizenship, month by month, that the filters select.

    The period is read to the month (a count is a calendar month's). Sources, destination (the
    United States), origin and nationality (the citizenship) apply; an age-group filter selects the
    demographics of :data:`AGE_DEMOGRAPHICS`. A filter the encounters are not split by or do not
    answer (sex; a role other than migrants; any crime type, as encounters are neither trafficking
    nor smuggling cases; transit, modus operandi, linked crimes, flags) selects nothing.

    >>> import datetime as dt
    >>> from turquesa_geo.filters import Filters
    >>> encounter_counts(Filters(start=dt.date(2022, 10, 1), age_groups=("minor",)))[1]
    {'indicator': 'encounters', 'dimension': 'citizenship', 'first_month': 24274, 'age_group_1': 'unaccompanied_minor', 'age_group_2': 'accompanied_minor'}
    """
    params = Params(indicator=indicator, dimension="citizenship")
    clauses = ["indicator = $indicator", "dimension = $dimension", *_months(filters, params)]
    ages = tuple(d for a in filters.age_groups for d in AGE_DEMOGRAPHICS.get(a, ()))
    origins = tuple(dict.fromkeys((*filters.origin, *filters.nationalities)))
    for column, values in (
        ("source", filters.sources),
        ("country", filters.destination),
        ("category", origins),
        ("age_group", ages),
    ):
        if values:
            clauses.append(params.is_in(column, column, values))
    nothing = (
        filters.genders
        or (filters.age_groups and not ages)
        or (filters.roles and "migrant" not in filters.roles)
        or filters.crime_types
        or any(getattr(filters, name) for name in _NOT_IN_AGGREGATES)
    )
    if nothing:
        clauses.append("FALSE")
    return (
        "SELECT source, year, month, country, area, category, age_group, breakdown, value FROM aggregate_counts "
        f"WHERE {' AND '.join(clauses)} ORDER BY year, month, area, category, age_group, breakdown",
        dict(params),
    )


def _months(filters, params: Params) -> list[str]:
    """Conditions on the month of a count (year * 12 + month; a yearly count spans its whole year)."""
    clauses = []
    if filters.start:
        first = filters.start.year * 12 + filters.start.month
        clauses.append(f"year * 12 + coalesce(month, 12) >= {params.bind('first_month', first)}")
    if filters.end:
        last = filters.end.year * 12 + filters.end.month
        clauses.append(f"year * 12 + coalesce(month, 1) <= {params.bind('last_month', last)}")
    return clauses


def tip_codings(filters, indicator: str = "tip_routes") -> Query:
    """Stored codings of the US TIP report the filters select: the routes it names (``tip_routes``) or the
    roles it gives countries (``tip_roles``), by report year.

    Years follow the period; sources, sex and age (of the victim profile) apply. Of routes, origin
    and nationality select the first place, transit a place between the ends, destination the last;
    of roles, any of them selects the country. A role filter without victims, a crime-type filter
    without trafficking, or a filter the codings are not split by (modus operandi, linked crimes,
    flags) selects nothing.

    >>> from turquesa_geo.filters import Filters
    >>> tip_codings(Filters(origin=("HND",), transit=("MEX",)))[1]
    {'indicator': 'tip_routes', 'separator': '>', 'origin_1': 'HND', 'transit_1': 'MEX'}
    """
    params = Params(indicator=indicator)
    clauses = ["indicator = $indicator"]
    if filters.start:
        clauses.append(f"year >= {params.bind('first_year', filters.start.year)}")
    if filters.end:
        clauses.append(f"year <= {params.bind('last_year', filters.end.year)}")
    for column, values in (("source", filters.sources), ("sex", filters.genders), ("age_group", filters.age_groups)):
        if values:
            clauses.append(params.is_in(column, column, values))
    clauses += _route_places(filters, params, indicator)
    nothing = (
        (filters.roles and "victim" not in filters.roles)
        or (filters.crime_types and not {"trafficking", "both"} & set(filters.crime_types))
        or any(getattr(filters, name) for name in ("modus", "linked_crimes", "flags"))
    )
    if nothing:
        clauses.append("FALSE")
    return (
        "SELECT source, year, country, area, category, sex, age_group, breakdown, value FROM aggregate_counts "
        f"WHERE {' AND '.join(clauses)} ORDER BY year, category, area, sex, age_group, breakdown",
        dict(params),
    )


def _route_places(filters, params: Params, indicator: str) -> list[str]:
    """Conditions on the places of a route (first, between, last), or on a role's country."""
    origins = tuple(dict.fromkeys((*filters.origin, *filters.nationalities)))
    if indicator != "tip_routes":
        places = tuple(dict.fromkeys((*origins, *filters.transit, *filters.destination)))
        return [params.is_in("country", "country", places)] if places else []
    clauses = []
    if origins or filters.transit:
        places = f"string_split(category, {params.bind('separator', ROUTE_SEPARATOR)})"
        if origins:
            clauses.append(params.is_in(f"{places}[1]", "origin", origins))
        if filters.transit:
            between = params.bind_all("transit", filters.transit)
            clauses.append(f"list_has_any(list_slice({places}, 2, -2), [{between}])")
    if filters.destination:
        clauses.append(params.is_in("country", "destination", filters.destination))
    return clauses
