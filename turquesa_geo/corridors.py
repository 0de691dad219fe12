"""Corridors: aggregate cases in DuckDB, rebuild routes, and rank the flows an analyst reads.

The recipe is "aggregate, then draw": one SQL query sums cases per distinct reported
route; routes are rebuilt for those few thousand signatures only; legs, corridors
and hubs are sums over the rebuilt routes. No case ever leaves the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from turquesa_geo.countries import country_name
from turquesa_geo.filters import Filters, previous_period
from turquesa_geo.privacy import SMALL_CELL_K, format_count
from turquesa_geo.routes import (
    ROUTE_SEPARATOR,
    SIGNATURE_COLUMNS,
    CorridorGraph,
    learn_corridor_graph,
    reconstruct_routes,
    route_legs,
)
from turquesa_geo.store import queries as sql
from turquesa_geo.store.rollups import covers, whole_months

__all__ = [
    "MAX_FLOWS",
    "CorridorView",
    "corridor_graph",
    "corridor_name",
    "corridor_table",
    "corridor_view",
    "route_signatures",
    "routes_of",
    "store_period",
    "view_period",
]

#: At most this many flows are drawn: deck.gl on a CPU stays responsive below it.
MAX_FLOWS = 2_000
MEASURES = ("cases", "cases_prev", "persons", "women_girls", "persons_known_sex", "cases_flagged")
#: Between two countries of a corridor's name.
NAME_ARROW = " → "


@dataclass
class CorridorView:
    """Everything the corridor map page shows for one set of filters."""

    corridors: pd.DataFrame
    legs: pd.DataFrame
    hubs: pd.DataFrame
    period: tuple[dt.date, dt.date]
    previous: tuple[dt.date, dt.date] | None
    hidden_flows: int = 0
    hidden_cases: int = 0
    #: Cases that name no country at all (e.g. records giving UN regions only): on no corridor.
    unplaced_cases: int = 0

    @property
    def total_cases(self) -> int:
        """Cases matching the filters in the period, on a corridor or not."""
        return (int(self.corridors["cases"].sum()) if len(self.corridors) else 0) + self.unplaced_cases


def corridor_name(route_key: str, lang: str = "en") -> str:
    """The name of a corridor in ``lang``: its countries' names joined by arrows.

    Parameters
    ----------
    route_key : str
        ISO3 codes from origin to destination joined by ``>`` (``"VEN>COL>PAN"``), as in a route column.
    lang : {"en", "es", "pt", "fr"}, default "en"
        Language of the country names.

    Returns
    -------
    str
        The names joined by `` → ``; an unknown code stays as it is; an empty key gives an empty name.

    Examples
    --------
    >>> corridor_name("VEN>COL>PAN")
    'Venezuela → Colombia → Panama'
    >>> corridor_name("VEN>USA", "es")
    'Venezuela → Estados Unidos'
    >>> corridor_name("HTI"), corridor_name("XKX>COL"), corridor_name("")
    ('Haiti', 'XKX → Colombia', '')
    """
    return NAME_ARROW.join(country_name(code, lang) for code in route_key.split(ROUTE_SEPARATOR)) if route_key else ""


def store_period(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date] | None:
    """First and last case date in the store, or None when it is empty."""
    text, params = sql.date_range()
    first, last = con.execute(text, params).fetchall()[0]
    return None if first is None else (first, last)


def route_signatures(con: duckdb.DuckDBPyConnection, filters: Filters, period: tuple[dt.date, dt.date]) -> pd.DataFrame:
    """Cases and persons per distinct reported route for the filters (one SQL query).

    Answered from the route rollup when it holds the filters and whole-month periods
    (:func:`turquesa_geo.store.rollups.covers`), else from the case tables; same result.
    """
    previous = previous_period(filters)
    source = "rollup" if covers(filters, period, previous) else "cases"
    text, params = sql.route_signatures(filters, period, previous, source=source)
    frame = con.execute(text, params).df()
    for column in MEASURES:
        frame[column] = frame[column].astype("int64")
    return frame


def corridor_graph(con: duckdb.DuckDBPyConnection) -> CorridorGraph:
    """The corridor graph learnt from every complete record in the store (not only the filtered ones)."""
    period = store_period(con)
    if period is None:
        return learn_corridor_graph(pd.DataFrame(columns=[*SIGNATURE_COLUMNS, "cases"]))
    return learn_corridor_graph(route_signatures(con, Filters(), period))


def routes_of(frame: pd.DataFrame, graph: CorridorGraph | None = None, filters: Filters | None = None) -> pd.DataFrame:
    """The rebuilt route of each distinct signature in ``frame`` (signature columns + ``route``),
    kept to the filters' origin / transit / destination countries when ``filters`` is given.

    For splitting any per-signature table by corridor: merge the result on the signature.
    Signatures that name no country at all have no route and are left out.
    """
    signature = list(SIGNATURE_COLUMNS)
    routes = reconstruct_routes(frame.drop_duplicates(signature)[signature].assign(cases=1), graph)
    if filters is not None:
        routes = _filter_route_roles(routes, filters)
    routes = routes[routes["route"].fillna("").astype(str) != ""]
    return routes[[*signature, "route"]]


def corridor_view(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    *,
    graph: CorridorGraph | None = None,
    max_flows: int = MAX_FLOWS,
    k: int = SMALL_CELL_K,
) -> CorridorView:
    """Ranked corridors, legs and hubs for the filters.

    Parameters
    ----------
    graph : CorridorGraph, optional
        Learnt from the whole store by :func:`corridor_graph`; the app caches it per
        data version. Without it, it is learnt from the filtered signatures.
    max_flows : int
        Legs beyond this many (smallest first) are not drawn; the view counts them.
    k : int
        Small-cell threshold: legs with fewer cases are not drawn (counted as hidden).
    """
    period = view_period(con, filters)
    signatures = route_signatures(con, filters, period)
    routes = reconstruct_routes(signatures, graph)
    routes = _filter_route_roles(routes, filters)
    placed = routes["route"].fillna("").astype(str) != ""
    unplaced = int(routes.loc[~placed, "cases"].sum()) if len(routes) else 0
    routes = routes[placed]
    corridors = _rank_corridors(routes)
    legs, hidden_flows, hidden_cases = _drawable_legs(routes, max_flows, k)
    return CorridorView(
        corridors, legs, _hubs(routes), period, previous_period(filters), hidden_flows, hidden_cases, unplaced
    )


# --- steps -------------------------------------------------------------------------


def view_period(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[dt.date, dt.date]:
    """The filters' period; an open end stands for the whole months of the store's first or last case."""
    today = dt.date.today()
    whole = whole_months(*(store_period(con) or (today, today)))
    return (filters.start or whole[0], filters.end or whole[1])


def _route_lists(routes: pd.DataFrame) -> pd.Series:
    return routes["route"].str.split(">")


def _filter_route_roles(routes: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Keep routes that start in / pass through / end in the chosen countries."""
    if routes.empty or not (filters.origin or filters.transit or filters.destination):
        return routes
    parts = _route_lists(routes)
    keep = np.ones(len(routes), dtype=bool)
    if filters.origin:
        keep &= parts.str[0].isin(filters.origin).to_numpy()
    if filters.destination:
        keep &= parts.str[-1].isin(filters.destination).to_numpy()
    if filters.transit:
        wanted = set(filters.transit)
        keep &= np.array([bool(wanted.intersection(p[1:-1])) for p in parts], dtype=bool)
    return routes[keep]


def _rank_corridors(routes: pd.DataFrame) -> pd.DataFrame:
    """One row per rebuilt route: volume, change, share of women and girls, share inferred, cases flagged."""
    columns = [
        "route",
        "cases",
        "cases_prev",
        "persons",
        "women_girls",
        "persons_known_sex",
        "cases_inferred",
        "confidence",
        "cases_flagged",
    ]
    if routes.empty:
        return pd.DataFrame(columns=columns)
    work = routes.assign(
        cases_inferred=np.where(routes["n_inferred"] > 0, routes["cases"], 0),
        weighted_confidence=routes["confidence"] * routes["cases"],
    )
    grouped = work.groupby("route", as_index=False)[
        [
            "cases",
            "cases_prev",
            "persons",
            "women_girls",
            "persons_known_sex",
            "cases_inferred",
            "cases_flagged",
            "weighted_confidence",
        ]
    ].sum()
    grouped["confidence"] = grouped["weighted_confidence"] / grouped["cases"].where(grouped["cases"] > 0)
    grouped = grouped[grouped["cases"] > 0].drop(columns="weighted_confidence")
    return grouped.sort_values(["cases", "route"], ascending=[False, True], ignore_index=True)[columns]


def _drawable_legs(routes: pd.DataFrame, max_flows: int, k: int) -> tuple[pd.DataFrame, int, int]:
    legs = (
        route_legs(routes[routes["cases"] > 0], measures=("cases", "persons", "cases_flagged"))
        if len(routes)
        else pd.DataFrame(columns=["from_iso3", "to_iso3", "inferred", "cases", "persons", "cases_flagged"])
    )
    legs = legs.sort_values(["cases", "from_iso3", "to_iso3"], ascending=[False, True, True], ignore_index=True)
    drawable = legs[legs["cases"] >= k].head(max_flows)
    hidden = legs.drop(drawable.index)
    return drawable.reset_index(drop=True), len(hidden), int(hidden["cases"].sum())


def _hubs(routes: pd.DataFrame) -> pd.DataFrame:
    """Per country: cases whose route starts, ends or passes through it."""
    columns = ["iso3", "cases_out", "cases_in", "cases_through", "throughput"]
    routes = routes[routes["cases"] > 0]
    if routes.empty:
        return pd.DataFrame(columns=columns)
    parts = _route_lists(routes)
    lengths = parts.str.len().to_numpy()
    countries = np.concatenate(parts.to_numpy())
    cases = np.repeat(routes["cases"].to_numpy(), lengths)
    position = np.concatenate([np.arange(n) for n in lengths])
    last = np.repeat(lengths - 1, lengths)
    role = np.where(position == 0, "cases_out", np.where(position == last, "cases_in", "cases_through"))
    table = (
        pd.DataFrame({"iso3": countries, "role": role, "cases": cases})
        .pivot_table(index="iso3", columns="role", values="cases", aggfunc="sum", fill_value=0)
        .reindex(columns=columns[1:4], fill_value=0)
        .reset_index()
    )
    table["throughput"] = table[columns[1:4]].sum(axis=1)
    return table.sort_values(["throughput", "iso3"], ascending=[False, True], ignore_index=True)[columns]


def _share(part: pd.Series, whole: pd.Series, k: int) -> pd.Series:
    """part / whole as a percentage, hidden when the part or its complement is a small cell."""
    rest = whole - part
    small = ((part >= 1) & (part < k)) | ((rest >= 1) & (rest < k)) | (whole < k)
    return (100 * part / whole.where(whole > 0)).round(0).mask(small)


def corridor_table(
    corridors: pd.DataFrame, lang: str = "en", k: int = SMALL_CELL_K, top: int | None = None, grouping: bool = True
) -> pd.DataFrame:
    """The ranked corridors as shown: names, protected counts, change and shares in percent.

    Counts from 1 to k-1 read "<k"; a change or share built on such a count is left blank.
    """
    frame = corridors.head(top) if top else corridors
    change = 100 * (frame["cases"] - frame["cases_prev"]) / frame["cases_prev"].where(frame["cases_prev"] > 0)
    small = (frame["cases"] < k) | (frame["cases_prev"] < k)
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(frame) + 1),
            "corridor": [corridor_name(r, lang) for r in frame["route"]],
            "route": frame["route"].to_numpy(),
            "cases": [format_count(int(v), k, grouping, lang) for v in frame["cases"]],
            "change_pct": change.round(0).mask(small).astype("Int64").array,
            "persons": [format_count(int(v), k, grouping, lang) for v in frame["persons"]],
            "women_girls_pct": _share(frame["women_girls"], frame["persons_known_sex"], k).astype("Int64").array,
            "inferred_pct": _share(frame["cases_inferred"], frame["cases"], k).astype("Int64").array,
        }
    )
