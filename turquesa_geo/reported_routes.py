"""Routes and roles the US TIP report names (University of Denver coding): reference routes with transit legs.

The US State Department's Trafficking in Persons report names, year by year, routes from a
country of origin through countries of transit to a destination, and the roles each country
plays (origin, transit, destination). Coded (profile ``tipdir``, stored in ``aggregate_counts``),
they are reference routes: how often a report names a route, never a number of persons, and never
added to cases, victims or encounters. A route with a region at one end ("Europe", "the
Caribbean") is listed as written, not drawn: only legs between two countries are.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from turquesa_geo.countries import country_name, country_table
from turquesa_geo.i18n import N_, gettext
from turquesa_geo.store import queries as sql
from turquesa_geo.vocab import label

__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "ROUTES",
    "profile_label",
    "roles_table",
    "route_legs",
    "routes_table",
    "tip_roles",
    "tip_routes",
]

#: The indicators of the TIP report's codings in ``aggregate_counts``: the routes it names, the roles it gives.
ROUTES, ROLES = "tip_routes", "tip_roles"

#: The roles a report gives a country (English message ids).
ROLE_LABELS = {"origin": N_("origin"), "transit": N_("transit"), "destination": N_("destination"), "none": N_("none")}

_PERSONS = {
    ("male", "adult"): N_("Men"),
    ("female", "adult"): N_("Women"),
    ("male", "minor"): N_("Boys"),
    ("female", "minor"): N_("Girls"),
    ("total", "minor"): N_("Children"),
    ("total", "adult"): N_("Adults"),
}
_COLUMNS = ["source", "year", "country", "area", "category", "sex", "age_group", "breakdown", "value"]
_LEG_COLUMNS = ["from_iso3", "to_iso3", "value", "censored", "first_year", "last_year", "routes"]


def _read(con: duckdb.DuckDBPyConnection, filters, indicator: str) -> pd.DataFrame:
    frame = con.execute(*sql.tip_codings(filters, indicator)).df()
    if frame.empty:
        return pd.DataFrame(columns=_COLUMNS)
    return frame.astype({"year": "int64", "value": "int64"})


def tip_routes(con: duckdb.DuckDBPyConnection, filters) -> pd.DataFrame:
    """The routes the TIP report names that the filters select: one row per report year, route and victim profile.

    ``category`` is the route (``HND>GTM>MEX>USA``: ISO3 codes, a region as written), ``value``
    how many times the coding names it that year for that profile. See
    :func:`turquesa_geo.store.queries.tip_codings` for what each filter does.
    """
    return _read(con, filters, ROUTES)


def tip_roles(con: duckdb.DuckDBPyConnection, filters) -> pd.DataFrame:
    """The roles the TIP report gives countries that the filters select: one row per report year, country and
    victim profile, ``category`` the roles set (``origin+transit+destination``, ``none``)."""
    return _read(con, filters, ROLES)


def _places(route: str) -> list[str]:
    return route.split(sql.ROUTE_SEPARATOR)


def route_legs(routes: pd.DataFrame) -> pd.DataFrame:
    """The legs between two countries of the routes of :func:`tip_routes`, most named first.

    Returns from_iso3, to_iso3, value (times a route with this leg is named), censored (0),
    first_year, last_year and routes (how many distinct routes run along it). A leg with a
    region or an unknown place at either end is not a leg between countries: left out.

    >>> routes = pd.DataFrame({"year": [2021, 2022, 2022], "category": ["HND>GTM>USA", "HND>GTM>USA", "NGA>Europe"],
    ...     "value": [2, 1, 1]})
    >>> route_legs(routes).values.tolist()
    [['GTM', 'USA', 3, 0, 2021, 2022, 1], ['HND', 'GTM', 3, 0, 2021, 2022, 1]]
    """
    if routes.empty:
        return pd.DataFrame(columns=_LEG_COLUMNS)
    known = frozenset(country_table()["iso3"])
    legs = [
        (a, b, int(value), int(year), route)
        for route, value, year in zip(routes["category"], routes["value"], routes["year"])
        for a, b in zip(_places(route), _places(route)[1:])
        if a in known and b in known and a != b
    ]
    if not legs:
        return pd.DataFrame(columns=_LEG_COLUMNS)
    frame = pd.DataFrame(legs, columns=["from_iso3", "to_iso3", "value", "year", "route"])
    summed = frame.groupby(["from_iso3", "to_iso3"], as_index=False).agg(
        value=("value", "sum"), first_year=("year", "min"), last_year=("year", "max"), routes=("route", "nunique")
    )
    summed["censored"] = 0
    ordered = summed.sort_values(["value", "from_iso3", "to_iso3"], ascending=[False, True, True], ignore_index=True)
    return ordered[_LEG_COLUMNS]


def profile_label(sex: str, age_group: str, breakdown: str, lang: str = "en") -> str:
    """The victim profile of a coding in words: persons, a form of trafficking, or "All".

    >>> profile_label("female", "adult", "total"), profile_label("total", "total", "sexual", "es")
    ('Women', 'Explotación sexual')
    >>> profile_label("total", "total", "total"), profile_label("total", "total", "sports")
    ('All', 'sports')
    """
    if (sex, age_group) in _PERSONS:
        return gettext(lang, _PERSONS[(sex, age_group)])
    if breakdown != "total":
        known = label("exploitation_form", breakdown, lang)
        return known or breakdown
    return gettext(lang, "All")


def _place_name(place: str, known: frozenset[str], lang: str) -> str:
    return country_name(place, lang) if place in known else place


def _years(years: pd.Series) -> str:
    first, last = int(years.min()), int(years.max())
    return f"{first}" if first == last else f"{first}–{last}"


def routes_table(routes: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The routes of :func:`tip_routes` ready to show, most named first: route (names, ``→``), years, times named,
    victims (the profiles named).

    >>> routes = pd.DataFrame({"year": [2021, 2022], "category": ["HND>MEX>USA", "NGA>Europe"], "sex": ["female", "total"],
    ...     "age_group": ["adult", "total"], "breakdown": ["total", "total"], "value": [2, 1]})
    >>> routes_table(routes).values.tolist()
    [['Honduras → Mexico → United States', '2021', 2, 'Women'], ['Nigeria → Europe', '2022', 1, 'All']]
    """
    if routes.empty:
        return pd.DataFrame(columns=["route", "years", "named", "victims"])
    known = frozenset(country_table()["iso3"])
    shown = routes.assign(
        profile=[profile_label(*p, lang) for p in zip(routes["sex"], routes["age_group"], routes["breakdown"])]
    )
    grouped = shown.groupby("category", as_index=False).agg(
        years=("year", _years), named=("value", "sum"), victims=("profile", lambda p: ", ".join(sorted(set(p))))
    )
    grouped = grouped.sort_values(["named", "category"], ascending=[False, True], ignore_index=True)
    return pd.DataFrame(
        {
            "route": [" → ".join(_place_name(p, known, lang) for p in _places(r)) for r in grouped["category"]],
            "years": grouped["years"],
            "named": grouped["named"].astype("int64"),
            "victims": grouped["victims"],
        }
    )


def roles_table(roles: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The roles of :func:`tip_roles` ready to show: country (or region as written), year, roles, victims.

    >>> roles = pd.DataFrame({"year": [2021], "area": ["MEX"], "category": ["origin+transit"], "sex": ["total"],
    ...     "age_group": ["minor"], "breakdown": ["total"]})
    >>> roles_table(roles).values.tolist()
    [['Mexico', 2021, 'origin, transit', 'Children']]
    """
    known = frozenset(country_table()["iso3"])
    return pd.DataFrame(
        {
            "country": [_place_name(a, known, lang) for a in roles["area"]],
            "year": roles["year"].astype("int64"),
            "roles": [", ".join(gettext(lang, ROLE_LABELS.get(r, r)) for r in c.split("+")) for c in roles["category"]],
            "victims": [profile_label(*p, lang) for p in zip(roles["sex"], roles["age_group"], roles["breakdown"])],
        }
    )
