"""Modus-operandi trends and key figures: counts per period, shares, year-on-year change.

(Emerging signals, which compare the latest period with a baseline, live in :mod:`turquesa_geo.signals`.)

Series come from one SQL query each; shares are of the cases that report the
dimension (a case without any recruitment method recorded says nothing about it).

Periods, not points: a series holds only the cases its periods can place. A case dated
only to a year is in yearly series, not in monthly or quarterly ones; a case dated to a
band of years (CTDC's ``2014-2018``) is in no series and is counted per band, whole
(:func:`modus_bands`, :func:`band_table`); a record with no known date is in none.
:func:`series_dating` says how many of each a selection holds, and :func:`dating_notes`
says it in words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from turquesa_geo.columns import DATE_BAND, DATE_UNKNOWN, DATE_YEAR, MODUS_DIMENSIONS, SERIES_COARSE_PRECISIONS
from turquesa_geo.corridors import routes_of
from turquesa_geo.filters import Filters, previous_period
from turquesa_geo.i18n import N_, translator
from turquesa_geo.privacy import SMALL_CELL_K, format_count, is_small
from turquesa_geo.routes import SIGNATURE_COLUMNS
from turquesa_geo.store import queries as sql
from turquesa_geo.store.rollups import covers
from turquesa_geo.vocab import label

__all__ = [
    "BAND_APART_NOTE",
    "BAND_NOTE",
    "PANDEMIC",
    "TREND_DIMENSIONS",
    "UNDATED_NOTE",
    "YEAR_ONLY_NOTE",
    "KeyFigures",
    "SeriesDating",
    "band_label",
    "band_table",
    "dating_notes",
    "key_figures",
    "modus_bands",
    "modus_by_signature",
    "modus_series",
    "series_dating",
    "undated_note",
    "yearly_change",
]

#: The COVID-19 period marked on every time axis (first day, last day).
PANDEMIC = (dt.date(2020, 3, 1), dt.date(2021, 12, 31))

#: Dimensions a trend can show, in the order the page offers them.
TREND_DIMENSIONS = MODUS_DIMENSIONS

#: What a page says of the records with no known date, of the cases dated only to a year
#: when the series is finer, and of the cases dated to a band of years, shown per band below
#: the series or not shown at all ({n}: a protected count).
UNDATED_NOTE = N_("{n} records with no known date are counted in the totals but in no period.")
YEAR_ONLY_NOTE = N_(
    "{n} cases of this selection are dated only to a year: they are in the yearly series, not in this one."
)
BAND_NOTE = N_(
    "{n} cases of this selection are dated only to a band of years (such as 2014–2018): they are in no "
    "year of the series and are shown per band below."
)
BAND_APART_NOTE = N_(
    "{n} cases of this selection are dated only to a band of years (such as 2014–2018): they are in no "
    "year of the series."
)


@dataclass(frozen=True)
class SeriesDating:
    """How the cases of a selection are dated, hence which series can place them.

    ``exact``: dated to their day or month (every series); ``year``: only to a year (yearly
    series); ``band``: to a band of years (no series: counted per band); ``undated``: no
    known date (the store's totals, no period).

    >>> SeriesDating(exact=10, year=3, band=2, undated=1).too_coarse("Q"), SeriesDating(10, 3, 2, 1).too_coarse("Y")
    (5, 2)
    """

    exact: int
    year: int
    band: int
    undated: int

    def too_coarse(self, freq: str) -> int:
        """Dated cases a series of ``freq`` cannot place (band cases, and year-only ones by month or quarter)."""
        coarse = SERIES_COARSE_PRECISIONS[freq]
        return (self.year if DATE_YEAR in coarse else 0) + (self.band if DATE_BAND in coarse else 0)


def series_dating(con: duckdb.DuckDBPyConnection, filters: Filters) -> SeriesDating:
    """How the cases ``filters`` select are dated (see :func:`turquesa_geo.store.queries.dating_counts`:
    a band counts when it meets the period, a record with no date whatever the period)."""
    counts = dict(con.execute(*sql.dating_counts(filters)).fetchall())
    year, band, undated = (int(counts.pop(p, 0)) for p in (DATE_YEAR, DATE_BAND, DATE_UNKNOWN))
    return SeriesDating(exact=int(sum(counts.values())), year=year, band=band, undated=undated)


def undated_note(undated: int, lang: str = "en", k: int = SMALL_CELL_K) -> str | None:
    """The sentence a page shows on the records with no known date (None when there are none);
    a count under k reads "<k".

    >>> undated_note(3), undated_note(0)
    ('<5 records with no known date are counted in the totals but in no period.', None)
    """
    if not undated:
        return None
    return translator(lang).gettext(UNDATED_NOTE).format(n=format_count(undated, k, lang=lang))


def dating_notes(
    dating: SeriesDating, freq: str, lang: str = "en", k: int = SMALL_CELL_K, bands_shown: bool = True
) -> list[str]:
    """The sentences under a series of ``freq`` on the cases it leaves out: dated only to a year
    (by month or quarter), to a band of years (``bands_shown``: the page shows them per band
    below), with no known date.

    >>> dating_notes(SeriesDating(exact=40, year=12, band=7, undated=0), "M")[0]
    '12 cases of this selection are dated only to a year: they are in the yearly series, not in this one.'
    >>> len(dating_notes(SeriesDating(exact=40, year=12, band=0, undated=2), "Y"))
    1
    """
    _ = translator(lang).gettext
    notes = []
    if dating.year and DATE_YEAR in SERIES_COARSE_PRECISIONS[freq]:
        notes.append(_(YEAR_ONLY_NOTE).format(n=format_count(dating.year, k, lang=lang)))
    if dating.band:
        notes.append(_(BAND_NOTE if bands_shown else BAND_APART_NOTE).format(n=format_count(dating.band, k, lang=lang)))
    undated = undated_note(dating.undated, lang, k)
    return notes + ([undated] if undated else [])


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
    Only the cases a period of ``freq`` can place count: no band of years (see
    :func:`modus_bands`), and by month or quarter no case dated only to a year.
    """
    _check_dimension(dimension)
    if by == "corridor":
        return _modus_series_by_corridor(con, filters, dimension, freq, graph)
    source = "rollup" if _rollups_place(con, filters, freq) else "cases"
    text, params = sql.modus_series(filters, dimension, freq, by, source=source)
    frame = con.execute(text, params).df().rename(columns={"grp": "group"})
    for column in ("cases", "reporting", "total"):
        frame[column] = frame[column].astype("int64")
    frame["share"] = (100 * frame["cases"] / frame["reporting"].where(frame["reporting"] > 0)).round(1)
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


def _rollups_place(con, filters: Filters, freq: str) -> bool:
    """True when the rollups hold the series: the filters (whole months, no person or modus filter),
    and no case of the selection too coarse for ``freq`` (the rollups know no date precision)."""
    if freq not in sql.FREQUENCIES or not covers(filters):
        return False
    return series_dating(con, filters).too_coarse(freq) == 0


def modus_bands(con: duckdb.DuckDBPyConnection, filters: Filters, dimension: str) -> pd.DataFrame:
    """Cases dated to a band of years, per band and code of ``dimension``, with their share.

    Columns: first_day, last_day (the band's, as dates), code, cases, reporting (the band's
    cases with any code of the dimension), total (all the band's cases), share (percent of
    reporting cases). A band counts whole when it meets the filters' period.
    """
    _check_dimension(dimension)
    frame = con.execute(*sql.modus_bands(filters, dimension)).df()
    for column in ("cases", "reporting", "total"):
        frame[column] = frame[column].astype("int64")
    frame["share"] = (100 * frame["cases"] / frame["reporting"].where(frame["reporting"] > 0)).round(1)
    for column in ("first_day", "last_day"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def band_label(first: dt.date, last: dt.date) -> str:
    """A band of years as a reader writes it: ``2014–2018`` for whole years, else its first and last day.

    >>> band_label(dt.date(2014, 1, 1), dt.date(2018, 12, 31)), band_label(dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    ('2014–2018', '2021')
    >>> band_label(dt.date(2014, 3, 1), dt.date(2018, 6, 30))
    '2014-03-01 – 2018-06-30'
    """
    if (first.month, first.day, last.month, last.day) != (1, 1, 12, 31):
        return f"{first.isoformat()} – {last.isoformat()}"
    return str(first.year) if first.year == last.year else f"{first.year}–{last.year}"


def band_table(bands: pd.DataFrame, vocabulary: str, lang: str = "en", k: int = SMALL_CELL_K) -> pd.DataFrame:
    """:func:`modus_bands` ready to show: band, category, cases (under k: "<k") and share (left blank
    when it rests on fewer than k cases, or on a base of fewer than k reporting cases).

    Columns: band, category, cases, share; bands in order, categories by cases.
    """
    ordered = bands.sort_values(["first_day", "last_day", "cases", "code"], ascending=[True, True, False, True])
    hidden = is_small(ordered["cases"], k) | is_small(ordered["reporting"] - ordered["cases"], k)
    hidden |= ordered["reporting"] < k
    return pd.DataFrame(
        {
            "band": [band_label(a, b) for a, b in zip(ordered["first_day"], ordered["last_day"])],
            "category": [label(vocabulary, c, lang) for c in ordered["code"]],
            "cases": [format_count(int(v), k, lang=lang) for v in ordered["cases"]],
            "share": ordered["share"].mask(hidden).to_numpy(),
        }
    )


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
    con: duckdb.DuckDBPyConnection, filters: Filters, first: dt.date, last: dt.date, freq: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cases per month, reported route, dimension and code; and per month, route and dimension,
    the cases reporting any code of it (what corridor splits and corridor signals share); with
    ``freq``, of the cases a period of ``freq`` can place only."""
    coded = con.execute(*sql.monthly_signature_modus(filters, first, last, freq=freq)).df()
    reporting = con.execute(*sql.monthly_signature_modus(filters, first, last, reporting=True, freq=freq)).df()
    return coded, reporting


def _check_dimension(dimension: str) -> None:
    if dimension not in TREND_DIMENSIONS:
        raise ValueError(f"dimension {dimension!r} is not one of {', '.join(TREND_DIMENSIONS)}")


def _modus_series_by_corridor(con, filters: Filters, dimension: str, freq: str, graph) -> pd.DataFrame:
    first, last = filters.start or dt.date(1900, 1, 1), filters.end or dt.date(2999, 12, 31)
    signature = list(SIGNATURE_COLUMNS)
    if freq not in sql.FREQUENCIES:
        raise ValueError(f"frequency {freq!r} is not one of {', '.join(sql.FREQUENCIES)}")
    coded, reporting = modus_by_signature(con, filters, first, last, freq)
    coded, reporting = coded[coded["dimension"] == dimension], reporting[reporting["dimension"] == dimension]
    if coded.empty:
        return pd.DataFrame(columns=["period", "group", "code", "cases", "reporting", "total", "share"])
    route_of = routes_of(reporting, graph, filters)
    period = lambda f: pd.to_datetime(f["month"]).dt.to_period(freq).dt.start_time  # noqa: E731
    coded = coded.merge(route_of, on=signature).assign(period=period)
    reporting = reporting.merge(route_of, on=signature).assign(period=period)
    cases = coded.groupby(["period", "route", "code"], as_index=False)["cases"].sum()
    base = reporting.groupby(["period", "route"], as_index=False)["cases"].sum().rename(columns={"cases": "reporting"})
    frame = cases.merge(base, on=["period", "route"]).rename(columns={"route": "group"})
    frame["total"] = frame["reporting"]
    frame["share"] = (100 * frame["cases"] / frame["reporting"]).round(1)
    return frame[["period", "group", "code", "cases", "reporting", "total", "share"]]
