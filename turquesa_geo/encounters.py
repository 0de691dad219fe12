"""US CBP encounters at the end of the northern corridor: reference counts by citizenship and month.

Encounters are migrants met by US Border Patrol between the ports (apprehensions), turned away
at the ports (inadmissibles) or expelled under Title 42: the best public measure of irregular
migration pressure where the corridor ends. They are counts of a public source (profile ``cbp``,
stored in ``aggregate_counts``), not cases, victims or smuggled migrants: never added to case
figures or to UNODC GLOTIP's detected victims. CBP's catch-alls (``OTHER``) stay as written:
listed, never drawn as a country.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from turquesa_geo.countries import country_name, country_table
from turquesa_geo.i18n import N_, gettext
from turquesa_geo.privacy import SMALL_CELL_K, format_count
from turquesa_geo.store import queries as sql

__all__ = [
    "AUTHORITY_LABELS",
    "DEMOGRAPHIC_LABELS",
    "ENCOUNTERS",
    "REGION_LABELS",
    "SPLITS",
    "as_trend_series",
    "citizenship_table",
    "encounter_counts",
    "encounter_flows",
    "monthly_encounters",
    "monthly_table",
    "split_labels",
]

#: The indicator of CBP's counts in ``aggregate_counts``.
ENCOUNTERS = "encounters"

#: CBP's demographics (stored as the counts' age group) and their names (English message ids).
DEMOGRAPHIC_LABELS = {
    "family_unit": N_("Family unit members"),
    "single_adult": N_("Single adults"),
    "unaccompanied_minor": N_("Unaccompanied children"),
    "accompanied_minor": N_("Accompanied minors"),
}

#: CBP's titles of authority (the counts' breakdown) and their names.
AUTHORITY_LABELS = {
    "title_8": N_("Title 8 (immigration law)"),
    "title_42": N_("Title 42 (public health expulsions)"),
}

#: CBP's land border regions (the counts' area) and their names.
REGION_LABELS = {
    "Southwest Land Border": N_("Southwest land border"),
    "Northern Land Border": N_("Northern land border"),
    "Other": N_("Other (air and sea ports, interior)"),
}

#: What a monthly series may be split by: the stored column and the names of its values.
SPLITS: dict[str, tuple[str, dict[str, str]]] = {
    "citizenship": ("category", {}),
    "region": ("area", REGION_LABELS),
    "demographic": ("age_group", DEMOGRAPHIC_LABELS),
    "authority": ("breakdown", AUTHORITY_LABELS),
}

_COLUMNS = ["source", "year", "month", "country", "area", "category", "age_group", "breakdown", "value"]
_FLOW_COLUMNS = ["from_iso3", "to_iso3", "value", "censored", "first_year", "last_year", "first_month", "last_month"]


def encounter_counts(con: duckdb.DuckDBPyConnection, filters) -> pd.DataFrame:
    """The stored encounters the filters select: one row per month, region, citizenship, demographic and title.

    See :func:`turquesa_geo.store.queries.encounter_counts` for what each filter does.
    """
    frame = con.execute(*sql.encounter_counts(filters, ENCOUNTERS)).df()
    if frame.empty:
        return pd.DataFrame(columns=_COLUMNS)
    return frame.astype({"year": "int64", "month": "int64", "value": "int64"})


def _countries() -> frozenset[str]:
    return frozenset(country_table()["iso3"])


def _month_key(frame: pd.DataFrame) -> pd.Series:
    return frame["year"].astype("int64") * 12 + frame["month"].astype("int64") - 1


def _month_text(key: int) -> str:
    """``YYYY-MM`` of a month key (year * 12 + month - 1).

    >>> _month_text(2022 * 12 + 9)
    '2022-10'
    """
    return f"{key // 12}-{key % 12 + 1:02d}"


def encounter_flows(counts: pd.DataFrame) -> pd.DataFrame:
    """Flows from citizenship to the United States of :func:`encounter_counts`, largest first.

    Returns from_iso3, to_iso3, value (encounters), censored (always 0: CBP publishes no
    censored values), first_year, last_year, first_month and last_month (``YYYY-MM``). A
    catch-all (``OTHER``) or a citizenship the gazetteer does not know is no flow: see
    :func:`citizenship_table`.

    >>> counts = pd.DataFrame({"year": [2022, 2023, 2022], "month": [10, 1, 10], "country": ["USA"] * 3,
    ...     "category": ["MEX", "MEX", "OTHER"], "value": [5, 7, 3]})
    >>> encounter_flows(counts).values.tolist()
    [['MEX', 'USA', 12, 0, 2022, 2023, '2022-10', '2023-01']]
    """
    if counts.empty:
        return pd.DataFrame(columns=_FLOW_COLUMNS)
    known = counts[counts["category"].isin(_countries()) & (counts["category"] != counts["country"])]
    keyed = known.assign(key=_month_key(known)).rename(columns={"category": "from_iso3", "country": "to_iso3"})
    flows = keyed.groupby(["from_iso3", "to_iso3"], as_index=False).agg(
        value=("value", "sum"),
        first_year=("year", "min"),
        last_year=("year", "max"),
        first=("key", "min"),
        last=("key", "max"),
    )
    flows["censored"] = 0
    flows["first_month"] = [_month_text(k) for k in flows["first"]]
    flows["last_month"] = [_month_text(k) for k in flows["last"]]
    flows["value"] = flows["value"].astype("int64")
    return flows[_FLOW_COLUMNS].sort_values(["value", "from_iso3"], ascending=[False, True], ignore_index=True)


def monthly_encounters(counts: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Encounters per calendar month (``period``, the month's first day), in total or split by one of :data:`SPLITS`.

    Returns period, code (``total`` when not split) and value; months without counts are absent.

    >>> counts = pd.DataFrame({"year": [2022, 2022, 2023], "month": [10, 10, 1], "area": ["Other", "Other", "Other"],
    ...     "value": [5, 7, 3]})
    >>> monthly_encounters(counts).values.tolist()
    [[Timestamp('2022-10-01 00:00:00'), 'total', 12], [Timestamp('2023-01-01 00:00:00'), 'total', 3]]
    >>> monthly_encounters(counts, by="continent")
    Traceback (most recent call last):
    ValueError: by 'continent' is not one of citizenship, region, demographic, authority
    """
    if by is not None and by not in SPLITS:
        raise ValueError(f"by {by!r} is not one of {', '.join(SPLITS)}")
    if counts.empty:
        return pd.DataFrame(columns=["period", "code", "value"])
    code = counts[SPLITS[by][0]] if by else pd.Series("total", index=counts.index)
    period = pd.to_datetime(
        pd.DataFrame({"year": counts["year"].astype("int64"), "month": counts["month"].astype("int64"), "day": 1})
    )
    summed = (
        pd.DataFrame({"period": period, "code": code, "value": counts["value"].astype("int64")})
        .groupby(["period", "code"], as_index=False)["value"]
        .sum()
    )
    return summed.sort_values(["period", "code"], ignore_index=True)


def as_trend_series(monthly: pd.DataFrame) -> pd.DataFrame:
    """A :func:`monthly_encounters` in the shape :func:`turquesa_geo.charts.trend_figure` draws (measure "cases")."""
    return pd.DataFrame(
        {
            "period": monthly["period"],
            "code": monthly["code"],
            "cases": monthly["value"].astype("int64"),
            "reporting": monthly["value"].astype("int64"),
        }
    )


def split_labels(codes, by: str | None, lang: str = "en") -> dict[str, str]:
    """The names of a split's values in ``lang``: countries by name, catch-alls and unknown values as written.

    >>> split_labels(["MEX", "OTHER"], "citizenship", "es"), split_labels(["title_42"], "authority")
    ({'MEX': 'México', 'OTHER': 'OTHER'}, {'title_42': 'Title 42 (public health expulsions)'})
    """
    if by is None:
        return {c: gettext(lang, "Encounters") for c in codes}
    if by == "citizenship":
        known = _countries()
        return {c: country_name(c, lang) if c in known else c for c in codes}
    names = SPLITS[by][1]
    return {c: gettext(lang, names[c]) if c in names else c for c in codes}


def citizenship_table(counts: pd.DataFrame, lang: str = "en", k: int = SMALL_CELL_K) -> pd.DataFrame:
    """Encounters by citizenship ready to show, largest first: citizenship, months, encounters (``<k`` when small).

    Catch-alls (``OTHER``) are listed as written.

    >>> counts = pd.DataFrame({"year": [2022, 2023, 2022], "month": [10, 1, 10], "category": ["MEX", "MEX", "OTHER"],
    ...     "value": [5, 7, 3]})
    >>> citizenship_table(counts).values.tolist()
    [['Mexico', '2022-10 – 2023-01', '12'], ['OTHER', '2022-10', '<5']]
    """
    if counts.empty:
        return pd.DataFrame(columns=["citizenship", "months", "encounters"])
    keyed = counts.assign(key=_month_key(counts))
    by = keyed.groupby("category", as_index=False).agg(
        value=("value", "sum"), first=("key", "min"), last=("key", "max")
    )
    by = by.sort_values(["value", "category"], ascending=[False, True], ignore_index=True)
    names = split_labels(by["category"], "citizenship", lang)
    return pd.DataFrame(
        {
            "citizenship": [names[c] for c in by["category"]],
            "months": [_span(a, b) for a, b in zip(by["first"], by["last"])],
            "encounters": [format_count(int(v), k, lang=lang) for v in by["value"]],
        }
    )


def _span(first: int, last: int) -> str:
    return _month_text(first) if first == last else f"{_month_text(first)} – {_month_text(last)}"


def monthly_table(
    monthly: pd.DataFrame, by: str | None = None, lang: str = "en", k: int = SMALL_CELL_K
) -> pd.DataFrame:
    """A :func:`monthly_encounters` ready to show: month (``YYYY-MM``), category (its name), encounters.

    >>> monthly = pd.DataFrame({"period": [pd.Timestamp("2022-10-01")], "code": ["total"], "value": [1234]})
    >>> monthly_table(monthly).values.tolist()
    [['2022-10', 'Encounters', '1,234']]
    """
    names = split_labels(monthly["code"].unique(), by, lang)
    return pd.DataFrame(
        {
            "month": [p.strftime("%Y-%m") for p in monthly["period"]],
            "category": [names[c] for c in monthly["code"]],
            "encounters": [format_count(int(v), k, lang=lang) for v in monthly["value"]],
        }
    )
