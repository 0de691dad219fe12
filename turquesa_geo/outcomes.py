"""Deaths and disappearances on the routes (IOM Missing Migrants Project incidents).

Incidents that report dead or missing migrants are cases like any other on the
corridor map; this module sums what only they carry: the dead, the missing, the
survivors, the women and girls, men and boys, and children among the dead and
missing, with how exact their points are and how the source graded them. No
incident is shown alone, any count of incidents or persons under the threshold
reads ``<k``, and a share resting on fewer than k incidents is left blank.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from turquesa_geo.countries import country_name
from turquesa_geo.filters import Filters
from turquesa_geo.i18n import format_number, gettext
from turquesa_geo.privacy import SMALL_CELL_K, format_count
from turquesa_geo.store import queries as sql
from turquesa_geo.vocab import label

__all__ = ["PERSON_COLUMNS", "outcomes", "outcomes_by_country", "precision_shares", "quality_shares"]

#: Person counts of the outcome table, in the order shown.
PERSON_COLUMNS = ("dead", "missing", "survivors", "women_girls", "men_boys", "children")


def outcomes(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Incidents and persons by country of incident, location precision and source quality."""
    return con.execute(*sql.outcomes(filters)).df()


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
