"""Aggregate counts from public references (UNODC GLOTIP) beside the store's cases.

These are counts published by country (or region) and year, not cases: they are never
added to case totals, one indicator is never added to another (offences are not
persons), and a region's counts are read apart from the countries' (a region already
holds its countries: see :data:`turquesa_geo.store.queries.references.AREAS`). A
censored value (``<5``) stays censored: sums leave it out and say how many were left
out, and any shown value under the small-cell threshold reads ``<k``.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from turquesa_geo.countries import country_name
from turquesa_geo.encounters import ENCOUNTERS, encounter_counts, encounter_flows
from turquesa_geo.filters import Filters
from turquesa_geo.i18n import N_, gettext, ngettext
from turquesa_geo.privacy import SMALL_CELL_K, format_count
from turquesa_geo.reported_routes import ROUTES, route_legs, tip_routes
from turquesa_geo.store import queries as sql
from turquesa_geo.vocab import label

__all__ = [
    "INDICATOR_LABELS",
    "SEX_AGE_GROUPS",
    "as_sex_age_frame",
    "as_trend_series",
    "citizenship_flows",
    "flows_table",
    "map_reference_flows",
    "reference_counts",
    "reference_sources",
    "series_table",
    "sex_age_series",
    "sex_age_table",
    "shown_value",
    "yearly_series",
]

#: Indicator codes and their names (English message ids).
INDICATOR_LABELS = {
    "detected_victims": N_("Detected victims"),
    "prosecuted": N_("Persons prosecuted"),
    "convicted": N_("Persons convicted"),
    "formal_contact": N_("Persons brought into formal contact"),
    "offences": N_("Offences recorded"),
}

#: The sex × age groups the gender page draws, in order (English message ids, also the table's column keys).
SEX_AGE_GROUPS = {
    ("female", "adult"): N_("Women"),
    ("female", "minor"): N_("Girls"),
    ("male", "adult"): N_("Men"),
    ("male", "minor"): N_("Boys"),
}

_COLUMNS = ["source", "year", "country", "area", "category", "sex", "age_group", "unit", "value", "censored"]


def reference_counts(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    indicator: str = "detected_victims",
    dimension: str = "total",
    areas: str = "countries",
) -> pd.DataFrame:
    """The stored counts of one indicator, dimension and kind of area the filters select.

    ``areas`` is ``"countries"`` (the default, and the only rows to sum over countries)
    or ``"regions"`` (regions and sub-regions, each its own area); see
    :func:`sql.aggregate_counts`.
    """
    frame = con.execute(*sql.aggregate_counts(filters, indicator, dimension, areas)).df()
    if frame.empty:
        return pd.DataFrame(columns=_COLUMNS)
    frame["value"] = frame["value"].astype("Int64")
    return frame


def reference_sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Which aggregate sources the store holds: source, indicator, first and last year, rows."""
    return (
        con.execute(*sql.aggregate_sources())
        .df()
        .set_axis(["source", "indicator", "first_year", "last_year", "rows"], axis=1)
    )


def _summed(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per ``keys``: the sum of exact values, the number of censored values left out, and the years."""
    if frame.empty:
        return pd.DataFrame(columns=[*keys, "value", "censored", "first_year", "last_year"])
    counts = frame[frame["unit"].str.lower().str.startswith("count")]
    grouped = (
        counts.assign(is_censored=counts["censored"].notna())
        .groupby(keys, as_index=False)
        .agg(
            value=("value", lambda v: int(v.fillna(0).sum())),
            censored=("is_censored", "sum"),
            first_year=("year", "min"),
            last_year=("year", "max"),
        )
    )
    grouped["censored"] = grouped["censored"].astype("int64")
    return grouped


def citizenship_flows(counts: pd.DataFrame) -> pd.DataFrame:
    """Flows from citizenship to detecting country of ``reference_counts(..., "citizenship")``.

    Returns from_iso3, to_iso3, value (sum of exact values), censored (values ``<5``
    left out), first_year, last_year; domestic rows (citizens detected at home) and
    rows of a region are left out: a flow needs two countries.
    """
    known = counts[
        counts["country"].notna()
        & (counts["category"].str.len() == 3)
        & (counts["category"] != counts["country"])
        & (counts["sex"] == "total")
        & (counts["age_group"] == "total")
    ]
    flows = _summed(known.rename(columns={"category": "from_iso3", "country": "to_iso3"}), ["from_iso3", "to_iso3"])
    return flows.sort_values(["value", "censored"], ascending=False, ignore_index=True)


def yearly_series(counts: pd.DataFrame, by: str = "category") -> pd.DataFrame:
    """Per year and ``by`` value: the sum of exact values and how many censored values were left out.

    Only the rows of both sexes and all ages are read, so a total is never counted twice.
    Of the counts of regions (``reference_counts(..., areas="regions")``), ``by="area"``
    gives one series per region.
    """
    whole = counts[(counts["sex"] == "total") & (counts["age_group"] == "total")]
    return _summed(whole, ["year", by]).drop(columns=["first_year", "last_year"])


def sex_age_series(counts: pd.DataFrame) -> pd.DataFrame:
    """Per year: women, girls, men and boys among the counts of ``reference_counts(..., "total")``."""
    parts = counts[[(s, a) in SEX_AGE_GROUPS for s, a in zip(counts["sex"], counts["age_group"])]]
    summed = _summed(parts, ["year", "sex", "age_group"]).drop(columns=["first_year", "last_year"])
    summed["group"] = [SEX_AGE_GROUPS[(s, a)] for s, a in zip(summed["sex"], summed["age_group"])]
    return summed


def as_trend_series(series: pd.DataFrame) -> pd.DataFrame:
    """A :func:`yearly_series` in the shape :func:`turquesa_geo.charts.trend_figure` draws (measure "cases").

    Censored values count as not drawn: a year whose only value is ``<5`` leaves a gap.
    """
    return pd.DataFrame(
        {
            "period": pd.to_datetime(series["year"].astype(int).astype(str) + "-01-01"),
            "code": series.iloc[:, 1],
            "cases": series["value"].astype("int64"),
            "reporting": series["value"].astype("int64"),
        }
    )


def as_sex_age_frame(series: pd.DataFrame) -> pd.DataFrame:
    """A :func:`sex_age_series` in the shape :func:`turquesa_geo.charts.sex_age_figure` draws (one bar per year)."""
    return pd.DataFrame(
        {
            "category": series["year"].astype(int).astype(str),
            "gender": series["sex"],
            "age_group": series["age_group"],
            "persons": series["value"].astype("int64"),
        }
    )


def shown_value(value: int, censored: int = 0, k: int = SMALL_CELL_K, lang: str = "en") -> str:
    """A summed reference value as shown: ``<k`` under the threshold, and how many ``<5`` values it leaves out.

    >>> shown_value(48), shown_value(3), shown_value(60, 2), shown_value(0, 1), shown_value(0, 3)
    ('48', '<5', '60 (+2 values under 5)', '<5', '3 values under 5')
    >>> shown_value(1234, 1, lang="es")
    '1.234 (+1 valor menor que 5)'
    """
    left_out = ngettext(lang, "{n} value under 5", "{n} values under 5", censored).format(n=censored)
    if not value:
        return f"<{k}" if censored <= 1 else left_out
    text = format_count(int(value), k, lang=lang)
    return text + f" (+{left_out})" if censored else text


def flows_table(flows: pd.DataFrame, lang: str = "en", k: int = SMALL_CELL_K) -> pd.DataFrame:
    """Citizenship flows ready to show: names, years and protected values."""
    return pd.DataFrame(
        {
            "citizenship": [country_name(c, lang) for c in flows["from_iso3"]],
            "detected_in": [country_name(c, lang) for c in flows["to_iso3"]],
            "years": [f"{a}" if a == b else f"{a}–{b}" for a, b in zip(flows["first_year"], flows["last_year"])],
            "victims": [shown_value(v, c, k, lang) for v, c in zip(flows["value"], flows["censored"])],
        }
    )


def series_table(
    series: pd.DataFrame, vocabulary: str | None = None, lang: str = "en", k: int = SMALL_CELL_K
) -> pd.DataFrame:
    """A yearly series ready to show, one row per year and category."""
    every = gettext(lang, "All")
    names = [
        (label(vocabulary, c, lang) if vocabulary and c != "total" else every if c == "total" else c)
        for c in series.iloc[:, 1]
    ]
    return pd.DataFrame(
        {
            "year": series["year"].astype(int),
            "category": names,
            "value": [shown_value(v, c, k, lang) for v, c in zip(series["value"], series["censored"])],
        }
    )


def sex_age_table(series: pd.DataFrame, k: int = SMALL_CELL_K, lang: str = "en") -> pd.DataFrame:
    """A :func:`sex_age_series` ready to show: one row per year, one column per group (English keys), values protected."""
    if series.empty:
        return pd.DataFrame(columns=["year", *SEX_AGE_GROUPS.values()])
    shown = series.assign(text=[shown_value(v, c, k, lang) for v, c in zip(series["value"], series["censored"])])
    wide = shown.pivot_table(index="year", columns="group", values="text", aggfunc="first").reset_index()
    wide.columns.name = None
    return wide[["year", *(g for g in SEX_AGE_GROUPS.values() if g in wide.columns)]].fillna("–")


def map_reference_flows(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every reference flow the corridor map draws, each source its own ``indicator`` (and width scale there).

    UNODC GLOTIP's detected victims by citizenship (``detected_victims``), US CBP's encounters by
    citizenship (``encounters``) and the legs of the routes the US TIP report names
    (``tip_routes``), one frame of from_iso3, to_iso3, value, censored, first_year, last_year,
    indicator (CBP's also first_month and last_month; the TIP report's routes): side by side,
    never summed with one another.
    """
    victims = citizenship_flows(reference_counts(con, filters, "detected_victims", "citizenship"))
    parts = [
        victims.assign(indicator="detected_victims"),
        encounter_flows(encounter_counts(con, filters)).assign(indicator=ENCOUNTERS),
        route_legs(tip_routes(con, filters)).assign(indicator=ROUTES),
    ]
    found = [p for p in parts if len(p)]
    if not found:
        return pd.DataFrame(columns=[*victims.columns, "indicator"])
    return pd.concat(found, ignore_index=True)
