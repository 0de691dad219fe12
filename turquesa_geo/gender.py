"""The gender lens: persons by sex and age, by role, exploitation form, nationality, over time.

"Unknown" sex and age are categories of their own, never dropped: how much is unknown
is itself a finding about the data. Over time, persons of cases dated to a band of years
(CTDC's ``2014-2018``) are in no year: they are counted per band, whole
(:func:`women_girls_by_band`); the totals count them.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from turquesa_geo.corridors import routes_of
from turquesa_geo.filters import Filters
from turquesa_geo.privacy import SMALL_CELL_K, format_protected, is_small
from turquesa_geo.routes import SIGNATURE_COLUMNS
from turquesa_geo.store import queries as sql
from turquesa_geo.trends import band_label
from turquesa_geo.vocab import label

__all__ = [
    "SPLITS",
    "persons_by",
    "persons_by_corridor",
    "women_girls_by_band",
    "women_girls_series",
    "women_girls_share",
    "women_girls_table",
]

#: What the gender page can split persons by.
SPLITS = ("none", "crime_type", "nationality", "exploitation_form", "corridor")


def persons_by(
    con: duckdb.DuckDBPyConnection, filters: Filters, split: str = "none", freq: str | None = None
) -> pd.DataFrame:
    """Persons by role, gender and age group, per ``split`` category (and period when ``freq``)."""
    text, params = sql.persons_by(filters, split, freq)
    frame = con.execute(text, params).df()
    frame["persons"] = frame["persons"].astype("int64")
    frame["category"] = frame["category"].fillna("all")
    return frame


def women_girls_share(
    con: duckdb.DuckDBPyConnection, filters: Filters, freq: str = "Y", lang: str = "en"
) -> pd.DataFrame:
    """Per period and role: women and girls, persons of known sex, and the share in percent.

    The share is of persons whose sex is known; ``unknown`` gives how many were not recorded.
    ``role`` holds the role's label in ``lang``. Persons of cases dated to a band of years
    are in no period (see :func:`women_girls_by_band`), and by month or quarter those of
    cases dated only to a year neither.
    """
    grouped = _women_girls(persons_by(con, filters, "none", freq), filters, "period", lang)
    grouped["period"] = pd.to_datetime(grouped["period"])
    return grouped


def women_girls_by_band(con: duckdb.DuckDBPyConnection, filters: Filters, lang: str = "en") -> pd.DataFrame:
    """:func:`women_girls_share` of the persons of cases dated to a band of years, per band and role.

    Columns: band (``2014–2018``), role, women_girls, known_sex, unknown, persons, share. A band
    counts whole when it meets the filters' period: its persons are never spread over years.
    """
    frame = con.execute(*sql.persons_by_band(filters)).df()
    frame["persons"] = frame["persons"].astype("int64")
    frame = frame.sort_values(["first_day", "last_day"], kind="stable")
    frame["band"] = [
        band_label(pd.Timestamp(a).date(), pd.Timestamp(b).date())
        for a, b in zip(frame["first_day"], frame["last_day"])
    ]
    grouped = _women_girls(frame, filters, "band", lang, sort=False)
    return grouped


def _women_girls(frame: pd.DataFrame, filters: Filters, key: str, lang: str, sort: bool = True) -> pd.DataFrame:
    """Women and girls, persons of known and unknown sex, and the share, per ``key`` and role
    (suspects left out unless roles are filtered)."""
    frame = frame[frame["role"] != "suspect"] if not filters.roles else frame
    grouped = (
        frame.assign(
            women_girls=frame["persons"].where(frame["gender"] == "female", 0),
            known_sex=frame["persons"].where(frame["gender"] != "unknown", 0),
            unknown=frame["persons"].where(frame["gender"] == "unknown", 0),
        )
        .groupby([key, "role"], as_index=False, sort=sort)[["women_girls", "known_sex", "unknown", "persons"]]
        .sum()
    )
    grouped["share"] = (100 * grouped["women_girls"] / grouped["known_sex"].where(grouped["known_sex"] > 0)).round(1)
    grouped["role"] = [label("role", r, lang) for r in grouped["role"]]
    return grouped


def women_girls_table(
    shares: pd.DataFrame, k: int = SMALL_CELL_K, lang: str = "en", key: str = "period"
) -> pd.DataFrame:
    """:func:`women_girls_share` (or, with ``key="band"``, :func:`women_girls_by_band`) ready to
    show: counts under k read "<k", and a share is left blank when it rests on fewer than k
    women and girls or fewer than k others."""
    others = shares["known_sex"] - shares["women_girls"]
    hidden = is_small(shares["women_girls"], k) | is_small(others, k) | (shares["known_sex"] < k)
    shown = format_protected(shares[[key, "role", "known_sex", "unknown"]], ["known_sex", "unknown"], k, lang)
    shown["share"] = shares["share"].mask(hidden)
    return shown


def persons_by_corridor(con: duckdb.DuckDBPyConnection, filters: Filters, graph=None, top: int = 12) -> pd.DataFrame:
    """Persons by rebuilt corridor (``category`` holds the route), role, gender and age group,
    for the ``top`` corridors by persons."""
    frame = con.execute(*sql.persons_by_signature(filters)).df()
    columns = ["period", "category", "role", "gender", "age_group", "persons"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    signature = list(SIGNATURE_COLUMNS)
    frame = (
        frame.merge(routes_of(frame, graph, filters), on=signature)
        .groupby(["route", "role", "gender", "age_group"], as_index=False)["persons"]
        .sum()
        .rename(columns={"route": "category"})
    )
    biggest = frame.groupby("category")["persons"].sum().nlargest(top).index
    frame = frame[frame["category"].isin(biggest)].assign(period=pd.NaT)
    frame["persons"] = frame["persons"].astype("int64")
    return frame[columns]


def women_girls_series(shares: pd.DataFrame, k: int = SMALL_CELL_K) -> pd.DataFrame:
    """:func:`women_girls_share` in the shape :func:`turquesa_geo.charts.trend_figure` draws
    (one line per role), with shares resting on a small count removed."""
    others = shares["known_sex"] - shares["women_girls"]
    hidden = is_small(shares["women_girls"], k) | is_small(others, k) | (shares["known_sex"] < k)
    return pd.DataFrame(
        {
            "period": shares["period"],
            "code": shares["role"],
            "cases": shares["women_girls"],
            "reporting": shares["known_sex"],
            "share": shares["share"].mask(hidden),
        }
    )
