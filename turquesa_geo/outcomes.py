"""Deaths and disappearances during migration (IOM Missing Migrants Project incidents): their own measure.

They are neither trafficking nor smuggling: their records (crime type
:data:`turquesa_geo.columns.OUTCOME_CRIME_TYPE`) are left out of every count of cases
and persons, and read here only, from the view ``outcome_incidents``: the incidents,
the dead, the missing, the survivors, the women and girls, men and boys, and children
among the dead and missing, by country, route, cause, year or month, with how exact
their points are and how the source graded them. They are shown next to case counts,
never inside them. No incident is shown alone, any count of incidents or persons under
the threshold reads ``<k`` (``None`` with a marker in machine-readable output), and a
share resting on fewer than k incidents is left blank.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from turquesa_geo.countries import country_name, country_table
from turquesa_geo.filters import Filters
from turquesa_geo.i18n import N_, format_number, gettext
from turquesa_geo.privacy import SECONDARY_MARK, SMALL_CELL_K, format_count, format_guarded_total
from turquesa_geo.store import queries as sql
from turquesa_geo.vocab import label

__all__ = [
    "COUNT_COLUMNS",
    "GROUPINGS",
    "OUTCOME_SOURCE",
    "PERSON_COLUMNS",
    "outcome_places",
    "outcome_records",
    "outcome_series",
    "outcome_table",
    "outcome_totals",
    "outcome_totals_text",
    "outcomes",
    "outcomes_by_country",
    "precision_shares",
    "quality_shares",
    "suppressed",
]

#: Person counts of the outcome table, in the order shown.
PERSON_COLUMNS = ("dead", "missing", "survivors", "women_girls", "men_boys", "children")

#: Every count of the outcome table: the incidents, then the persons, and the dead and missing in all
#: (an incident whose source gives only "total dead and missing" is in that sum, in neither of the two).
COUNT_COLUMNS = ("incidents", *PERSON_COLUMNS, "dead_and_missing")

#: What the outcomes can be listed by (``turquesa outcomes --by``), with the heading of the key.
GROUPINGS: dict[str, str] = {
    "year": N_("Year"),
    "country": N_("Country of the incident"),
    "route": N_("Migration route (as the source names it)"),
    "cause": N_("Cause of death (as the source gives it)"),
    "origin": N_("Country of origin"),
}

#: How pages and exports name the measure, so that no one reads it as a crime.
OUTCOME_SOURCE = N_("Deaths and disappearances during migration (IOM Missing Migrants Project)")


def outcomes(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    by: tuple[str, ...] = ("country", "location_precision", "source_quality"),
) -> pd.DataFrame:
    """Incidents and persons by ``by`` (keys of :data:`turquesa_geo.store.queries.OUTCOME_KEYS`)."""
    return con.execute(*sql.outcomes(filters, by)).df()


def outcome_totals(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, int]:
    """The period's incidents and persons (keys :data:`COUNT_COLUMNS`), all zero when there are none."""
    row = con.execute(*sql.outcomes(filters, ())).df().iloc[0]
    return {c: int(row[c]) for c in COUNT_COLUMNS}


def outcome_totals_text(totals: dict[str, int], lang: str = "en", k: int = SMALL_CELL_K) -> dict[str, str]:
    """The totals for a headline: rounded to a multiple of ``k`` and ``<k`` when small (a total guarded
    against differencing, as the pages' other totals)."""
    return {c: format_guarded_total(max(v, 0), k=k, lang=lang) for c, v in totals.items()}


def _sorted(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    if by in ("year", "month"):
        return frame.sort_values(by, ignore_index=True)
    return frame.sort_values(
        ["dead", "missing", "incidents", by], ascending=[False, False, False, True], ignore_index=True
    )


def suppressed(row: dict, k: int = SMALL_CELL_K) -> list[str]:
    """The counts of one outcome row to hide: every count from 1 to k-1, and the dead and missing in all when
    it would give a hidden one of the two back (dead_and_missing - dead = missing).

    >>> suppressed({"incidents": 6, "dead": 6, "missing": 1, "survivors": 0, "women_girls": 0, "men_boys": 7,
    ...             "children": 0, "dead_and_missing": 7})
    ['missing', 'dead_and_missing']
    """
    small = [c for c in COUNT_COLUMNS if 1 <= int(row[c]) < k]
    parts = int(row["dead"]) + int(row["missing"])
    if len({"dead", "missing"} & set(small)) == 1 and int(row["dead_and_missing"]) == parts:
        small = [*small, "dead_and_missing"] if "dead_and_missing" not in small else small
    return [c for c in COUNT_COLUMNS if c in small]


def outcome_records(frame: pd.DataFrame, by: str, k: int = SMALL_CELL_K) -> list[dict]:
    """Rows for machine-readable output (JSON, CSV): counts as numbers; a count from 1 to k-1 is ``None``
    and named in the row's ``suppressed`` list, never a formatted string.

    >>> frame = pd.DataFrame({"year": [2023], "incidents": [7], "dead": [3], "missing": [0], "survivors": [12],
    ...                       "women_girls": [0], "men_boys": [2], "children": [0], "dead_and_missing": [3]})
    >>> outcome_records(frame, "year")[0]["dead"], outcome_records(frame, "year")[0]["suppressed"]
    (None, ['dead', 'men_boys', 'dead_and_missing'])
    """
    records = []
    for row in _sorted(frame, by).to_dict("records"):
        key = row[by]
        record: dict = {by: None if pd.isna(key) else (int(key) if by == "year" else key)}
        small = suppressed(row, k)
        record.update({c: None if c in small else int(row[c]) for c in COUNT_COLUMNS})
        record["suppressed"] = small
        records.append(record)
    return records


def outcome_table(frame: pd.DataFrame, by: str, lang: str = "en", k: int = SMALL_CELL_K) -> pd.DataFrame:
    """The outcomes by ``by`` for reading: names for codes, counts as text, ``<k`` when small."""
    if frame.empty:
        return pd.DataFrame(columns=[by, *COUNT_COLUMNS])
    ordered = _sorted(frame, by)
    not_given = gettext(lang, "Not given")
    if by in ("country", "origin"):
        at_sea = gettext(lang, "At sea or unknown") if by == "country" else not_given
        keys = [country_name(c, lang) if isinstance(c, str) else at_sea for c in ordered[by]]
    else:
        keys = [not_given if pd.isna(v) else str(int(v)) if by == "year" else str(v) for v in ordered[by]]
    shown = pd.DataFrame({by: keys})
    hidden = [suppressed(row, k) for row in ordered.to_dict("records")]
    for column in COUNT_COLUMNS:
        # A count hidden so that it does not give a small one back reads the secondary mark, not "<k".
        shown[column] = [
            SECONDARY_MARK if column in h and int(v) >= k else format_count(int(v), k, lang=lang)
            for v, h in zip(ordered[column], hidden)
        ]
    return shown


def outcome_series(con: duckdb.DuckDBPyConnection, filters: Filters, freq: str = "Y") -> pd.DataFrame:
    """Dead and missing per period, long (period, code, cases, reporting) for :func:`turquesa_geo.charts.trend_figure`:
    ``code`` is "dead" or "missing", ``reporting`` the period's incidents (a period of fewer than k incidents is
    not drawn)."""
    key = {"M": "month", "Y": "year"}.get(freq)
    if key is None:
        raise ValueError(f"outcome series by {freq!r}: expected 'M' (month) or 'Y' (year)")
    frame = outcomes(con, filters, (key,))
    if frame.empty:
        return pd.DataFrame(columns=["period", "code", "cases", "reporting"])
    periods = (
        pd.to_datetime(frame[key].astype(int).astype(str) + "-01-01") if key == "year" else pd.to_datetime(frame[key])
    )
    parts = [
        pd.DataFrame({"period": periods, "code": code, "cases": frame[code], "reporting": frame["incidents"]})
        for code in ("dead", "missing")
    ]
    return pd.concat(parts, ignore_index=True).sort_values(["code", "period"], ignore_index=True)


def outcome_places(con: duckdb.DuckDBPyConnection, filters: Filters, k: int = SMALL_CELL_K) -> tuple[pd.DataFrame, int]:
    """Where people died or went missing, for the map: incidents grouped on a grid of
    :data:`turquesa_geo.store.queries.OUTCOME_CELL_DEGREES` degrees (an incident with no usable point at its
    country's centre), with incidents, dead and missing.

    Only places with at least ``k`` incidents and ``k`` dead or missing are returned (a
    place is never one incident); the second value is how many places are left out.
    Incidents at sea with no point are on no place.
    """
    frame = outcomes(con, filters, ("cell_lat", "cell_lon", "country"))
    columns = ["lon", "lat", "incidents", "dead", "missing"]
    if frame.empty:
        return pd.DataFrame(columns=columns), 0
    centres = country_table().set_index("iso3")
    no_point = frame["cell_lat"].isna()
    known = frame["country"].map(lambda c: isinstance(c, str) and c in centres.index).astype(bool)
    frame = frame[~no_point | known].copy()
    no_point = frame["cell_lat"].isna()
    frame["lat"] = np.where(no_point, frame["country"].map(centres["rep_lat"]), frame["cell_lat"])
    frame["lon"] = np.where(no_point, frame["country"].map(centres["rep_lon"]), frame["cell_lon"])
    places = frame.groupby(["lon", "lat"], as_index=False)[["incidents", "dead", "missing"]].sum()
    shown = (places["incidents"] >= k) & ((places["dead"] + places["missing"]) >= k)
    return places[shown].reset_index(drop=True)[columns], int((~shown).sum())


def outcomes_by_country(frame: pd.DataFrame, lang: str = "en", k: int = SMALL_CELL_K) -> pd.DataFrame:
    """One row per country of incident (at sea: "At sea or unknown"), largest first, counts protected."""
    if frame.empty:
        return pd.DataFrame(columns=["country", "incidents", *PERSON_COLUMNS])
    by = (
        frame.assign(country=frame["country"].fillna(""))
        .groupby("country", as_index=False)[["incidents", *PERSON_COLUMNS]]
        .sum()
    )
    by = by.sort_values(["dead", "missing", "incidents"], ascending=False, ignore_index=True)
    at_sea = gettext(lang, "At sea or unknown")
    shown = pd.DataFrame({"country": [country_name(c, lang) if c else at_sea for c in by["country"]]})
    for column in ("incidents", *PERSON_COLUMNS):
        shown[column] = [format_count(int(v), k, lang=lang) for v in by[column]]
    return shown


def _shares(frame: pd.DataFrame, column: str, k: int = SMALL_CELL_K, lang: str = "en") -> pd.DataFrame:
    """Incidents per value of ``column`` and their share in percent, as text: under ``k`` incidents, ``<k`` and blank."""
    if frame.empty:
        return pd.DataFrame(columns=[column, "incidents", "share"])
    not_given = gettext(lang, "Not given")
    by = frame.assign(**{column: frame[column].fillna(not_given)}).groupby(column, as_index=False)["incidents"].sum()
    by = by.sort_values("incidents", ascending=False, ignore_index=True)
    share = (100 * by["incidents"] / by["incidents"].sum()).round(0)
    # Text, so that a hidden share reads blank rather than as the table's "None".
    by["share"] = [f"{format_number(int(v), lang)}%" if n >= k else "" for v, n in zip(share, by["incidents"])]
    by["incidents"] = [format_count(int(v), k, lang=lang) for v in by["incidents"]]
    return by


def precision_shares(frame: pd.DataFrame, lang: str = "en", k: int = SMALL_CELL_K) -> pd.DataFrame:
    """Incidents by how exact their point is (exact, approximate, whole degrees, country only), with shares."""
    shares = _shares(frame, "location_precision", k, lang)
    shares["location_precision"] = [label("location_precision", c, lang) for c in shares["location_precision"]]
    return shares


def quality_shares(frame: pd.DataFrame, lang: str = "en", k: int = SMALL_CELL_K) -> pd.DataFrame:
    """Incidents by the source's own quality grade of the record, with shares."""
    return _shares(frame, "source_quality", k, lang)
