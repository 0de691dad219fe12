"""Modus-operandi trends and key figures: counts per period, shares, year-on-year change.

(Emerging signals, which compare the latest period with a baseline, live in :mod:`turquesa_geo.signals`.)

Series come from one SQL query each; shares are of the cases that report the
dimension (a case without any recruitment method recorded says nothing about it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from turquesa_geo.columns import MODUS_DIMENSIONS
from turquesa_geo.corridors import routes_of
from turquesa_geo.filters import Filters, previous_period
from turquesa_geo.privacy import SMALL_CELL_K, format_count
from turquesa_geo.routes import SIGNATURE_COLUMNS
from turquesa_geo.store import queries as sql
from turquesa_geo.store.rollups import covers
from turquesa_geo.vocab import label

__all__ = [
    "PANDEMIC",
    "TREND_DIMENSIONS",
    "KeyFigures",
    "key_figures",
    "modus_by_signature",
    "modus_series",
    "yearly_change",
]

#: The COVID-19 period marked on every time axis (first day, last day).
PANDEMIC = (dt.date(2020, 3, 1), dt.date(2021, 12, 31))

#: Dimensions a trend can show, in the order the page offers them.
TREND_DIMENSIONS = MODUS_DIMENSIONS


def modus_series(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    dimension: str,
    freq: str = "Y",
    by: str | None = None,
    graph=None,
) -> pd.DataFrame:
    """Cases per period and code of ``dimension``, with their share of the cases reporting it.

    Returns columns period, group (crime type when ``by='crime_type'``, the rebuilt route
    when ``by='corridor'``, else None), code, cases, reporting, total and share (percent
    of reporting cases). ``graph`` is the corridor graph a corridor split rebuilds routes with.
    """
    _check_dimension(dimension)
    if by == "corridor":
        return _modus_series_by_corridor(con, filters, dimension, freq, graph)
    # From the rollups when they hold the filters (whole months, no person or modus filter).
    text, params = sql.modus_series(filters, dimension, freq, by, source="rollup" if covers(filters) else "cases")
    frame = con.execute(text, params).df().rename(columns={"grp": "group"})
    for column in ("cases", "reporting", "total"):
        frame[column] = frame[column].astype("int64")
    frame["share"] = (100 * frame["cases"] / frame["reporting"].where(frame["reporting"] > 0)).round(1)
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


def yearly_change(series: pd.DataFrame, vocabulary: str, lang: str = "en", k: int = SMALL_CELL_K) -> pd.DataFrame:
    """Year-on-year change per category (and crime type), ready to show.

    Counts from 1 to k-1 read "<k" and a change built on one is left blank; categories
    are labelled. Columns: group, category, year, cases, cases_prev, change_pct.
    """
    yearly = (
        series.assign(year=series["period"].dt.year)
        .groupby(["group", "code", "year"], dropna=False, as_index=False)["cases"]
        .sum()
    )
    yearly = yearly.sort_values(["group", "code", "year"])
    yearly["cases_prev"] = yearly.groupby(["group", "code"], dropna=False)["cases"].shift(1)
    small = (yearly["cases"] < k) | (yearly["cases_prev"] < k) | yearly["cases_prev"].isna()
    change = (100 * (yearly["cases"] - yearly["cases_prev"]) / yearly["cases_prev"]).round(0).mask(small)
    return pd.DataFrame(
        {
            "group": [label("crime_type", g, lang) if isinstance(g, str) else "" for g in yearly["group"]],
            "category": [label(vocabulary, c, lang) for c in yearly["code"]],
            "year": yearly["year"].to_numpy(),
            "cases": [format_count(int(v), k, lang=lang) for v in yearly["cases"]],
            "cases_prev": ["" if pd.isna(v) else format_count(int(v), k, lang=lang) for v in yearly["cases_prev"]],
            "change_pct": change.astype("Int64").array,
        }
    )


@dataclass(frozen=True)
class KeyFigures:
    """The manager's numbers for a period and the one before (None when there is no previous period)."""

    cases: int
    cases_prev: int | None
    victims: int
    victims_prev: int | None
    migrants: int
    migrants_prev: int | None
    suspects: int
    suspects_prev: int | None
    women_girls: int
    known_sex: int

    @property
    def women_girls_share(self) -> float | None:
        """Percent of victims and migrants of known sex who are women or girls."""
        return None if not self.known_sex else round(100 * self.women_girls / self.known_sex, 1)


def key_figures(con: duckdb.DuckDBPyConnection, filters: Filters, period: tuple[dt.date, dt.date]) -> KeyFigures:
    """Cases, victims, smuggled migrants, suspects and women-and-girls, with the previous period."""
    previous = previous_period(filters)
    text, params = sql.key_figures(filters, period, previous)
    row = dict(
        zip(
            (
                "cases",
                "cases_prev",
                "victims",
                "victims_prev",
                "migrants",
                "migrants_prev",
                "suspects",
                "suspects_prev",
                "women_girls",
                "known_sex",
            ),
            con.execute(text, params).fetchall()[0],
        )
    )
    if previous is None:
        row.update({k: None for k in row if k.endswith("_prev")})
    return KeyFigures(**{k: (None if v is None else int(v)) for k, v in row.items()})


def modus_by_signature(
    con: duckdb.DuckDBPyConnection, filters: Filters, first: dt.date, last: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cases per month, reported route, dimension and code; and per month, route and dimension,
    the cases reporting any code of it (what corridor splits and corridor signals share)."""
    coded = con.execute(*sql.monthly_signature_modus(filters, first, last)).df()
    reporting = con.execute(*sql.monthly_signature_modus(filters, first, last, reporting=True)).df()
    return coded, reporting


def _check_dimension(dimension: str) -> None:
    if dimension not in TREND_DIMENSIONS:
        raise ValueError(f"dimension {dimension!r} is not one of {', '.join(TREND_DIMENSIONS)}")


def _modus_series_by_corridor(con, filters: Filters, dimension: str, freq: str, graph) -> pd.DataFrame:
    first, last = filters.start or dt.date(1900, 1, 1), filters.end or dt.date(2999, 12, 31)
    signature = list(SIGNATURE_COLUMNS)
    coded, reporting = modus_by_signature(con, filters, first, last)
    coded, reporting = coded[coded["dimension"] == dimension], reporting[reporting["dimension"] == dimension]
    if coded.empty:
        return pd.DataFrame(columns=["period", "group", "code", "cases", "reporting", "total", "share"])
    route_of = routes_of(reporting, graph, filters)
    if freq not in sql.FREQUENCIES:
        raise ValueError(f"frequency {freq!r} is not one of {', '.join(sql.FREQUENCIES)}")
    period = lambda f: pd.to_datetime(f["month"]).dt.to_period(freq).dt.start_time  # noqa: E731
    coded = coded.merge(route_of, on=signature).assign(period=period)
    reporting = reporting.merge(route_of, on=signature).assign(period=period)
    cases = coded.groupby(["period", "route", "code"], as_index=False)["cases"].sum()
    base = reporting.groupby(["period", "route"], as_index=False)["cases"].sum().rename(columns={"cases": "reporting"})
    frame = cases.merge(base, on=["period", "route"]).rename(columns={"route": "group"})
    frame["total"] = frame["reporting"]
    frame["share"] = (100 * frame["cases"] / frame["reporting"]).round(1)
    return frame[["period", "group", "code", "cases", "reporting", "total", "share"]]
