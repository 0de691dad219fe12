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
from turquesa_geo.i18n import N_, format_number, gettext, ngettext
from turquesa_geo.privacy import SMALL_CELL_K, format_count
from turquesa_geo.reported_routes import ROUTES, route_legs, tip_routes
from turquesa_geo.store import queries as sql
from turquesa_geo.vocab import label

__all__ = [
    "INDICATOR_LABELS",
    "REFERENCE_KEYS",
    "SEX_AGE_GROUPS",
    "as_sex_age_frame",
    "as_trend_series",
    "citizenship_flows",
    "flows_table",
    "map_reference_flows",
    "reference_counts",
    "reference_dimension",
    "reference_names",
    "reference_sources",
    "reference_table",
    "reference_value_text",
    "resolve_reference_sources",
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
    counts = _counts_only(frame)
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


def _counts_only(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows whose values are counts (``Counts``), the only ones a sum may add: never a rate or a share."""
    return frame[frame["unit"].str.lower().str.startswith(sql.COUNT_UNIT_PREFIX)]


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


# --- one table of the stored counts, as `turquesa reference` prints it --------------------------

#: What :func:`reference_table` groups by (the CLI's ``--by``): name -> column of the stored counts.
#: ``country`` is the country that published (detected) the count; ``citizenship`` and ``category``
#: are the category of the dimension read (citizenship, or e.g. the form of exploitation).
REFERENCE_KEYS: dict[str, str] = {
    "year": "year",
    "country": "country",
    "citizenship": "category",
    "category": "category",
    "sex": "sex",
    "age": "age_group",
}

#: The value that stands for "all" in the sex, age and category of a stored count (the source's own total).
_TOTAL = "total"


def reference_names(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every stored (source, profile, indicator, dimension) of the aggregate counts: what a reader may name."""
    return con.execute(*sql.aggregate_names()).df().set_axis(["source", "profile", "indicator", "dimension"], axis=1)


def resolve_reference_sources(names: pd.DataFrame, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The stored sources ``wanted`` names: each a stored source or the profile that imported it, in any case.

    ``names`` is :func:`reference_names`; an empty ``wanted`` means every stored source.

    >>> names = pd.DataFrame({"source": ["UNODC GLOTIP"], "profile": ["glotip"], "indicator": ["offences"],
    ...     "dimension": ["total"]})
    >>> resolve_reference_sources(names, ("glotip",)), resolve_reference_sources(names, ("unodc glotip",))
    (('UNODC GLOTIP',), ('UNODC GLOTIP',))
    >>> resolve_reference_sources(names, ("cbp",))
    Traceback (most recent call last):
    ValueError: source 'cbp' is not a stored reference source; expected one of UNODC GLOTIP (profile glotip)
    """
    pairs = names[["source", "profile"]].drop_duplicates()
    if not wanted:
        return tuple(dict.fromkeys(pairs["source"]))
    chosen = []
    for name in wanted:
        key = name.strip().casefold()
        hits = [s for s, p in pairs.itertuples(index=False) if key in (s.casefold(), str(p or "").casefold())]
        if not hits:
            raise ValueError(f"source {name!r} is not a stored reference source; expected one of {_choices(pairs)}")
        chosen += hits
    return tuple(dict.fromkeys(chosen))


def _choices(pairs: pd.DataFrame) -> str:
    if pairs.empty:
        return "none (the store holds no reference data)"
    return ", ".join(f"{s} (profile {p})" if isinstance(p, str) and p else s for s, p in pairs.itertuples(index=False))


def reference_table(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    by: tuple[str, ...] = (),
    *,
    indicators: tuple[str, ...] = (),
    dimension: str | None = None,
    areas: str = "countries",
) -> pd.DataFrame:
    """The stored counts the filters select, summed per source, indicator and the keys ``by``, as published.

    Nothing is added that the source keeps apart: one row per source and indicator (none
    is added to another), per category when the dimension is not ``total`` (a
    citizenship is never added to another one's region), per region with
    ``areas="regions"`` (each its own row, never with a country). A sex or age not in
    ``by`` reads the source's own total (``total``); in ``by``, its published groups
    (a group the source gave no row for is not built from its parts). A filter on sex or
    age reads those groups. Only counts are summed (never a rate). The dimension read is
    ``dimension``, else ``citizenship`` when grouping or filtering by it (nationality,
    origin), else ``total`` (or the only one the sources store, such as a source published
    by citizenship alone).

    Returns source, indicator, the keys of ``by`` (``region`` first with regions),
    first_year and last_year (unless ``year`` is in ``by``), ``value`` (the sum of the
    known values, ``<NA>`` when every value is censored), ``censored`` (the markers of the
    censored values left out, e.g. ``<5``, else None) and ``censored_cells`` (how many):
    a row with censored cells is never an exact sum.
    """
    stored = _stored(con, filters.sources, indicators)
    dimensions = tuple(stored["dimension"].unique())
    dimension = reference_dimension(by, dimension, dimensions, bool(filters.nationalities or filters.origin))
    keys = _keys(by, dimension, areas)
    indicators = indicators or tuple(dict.fromkeys(stored["indicator"]))
    if not indicators:
        return _grouped(pd.DataFrame(columns=[*_COLUMNS, "indicator"]), keys, with_years="year" not in keys)
    cells = pd.concat(
        [reference_counts(con, filters, i, dimension, areas).assign(indicator=i) for i in indicators],
        ignore_index=True,
    )
    cells = _one_breakdown(_counts_only(cells), by, filters)
    return _grouped(cells.rename(columns={"area": "region"}), keys, with_years="year" not in keys)


def reference_dimension(
    by: tuple[str, ...], dimension: str | None, stored: tuple[str, ...], citizenship_filtered: bool = False
) -> str:
    """The dimension read: the one asked for; ``citizenship`` when grouping or filtering by it
    (``citizenship_filtered``: a nationality or origin filter); else ``total``, or the only
    dimension ``stored`` (a source that publishes its counts by citizenship alone).

    >>> reference_dimension((), None, ("total", "citizenship")), reference_dimension((), None, ("citizenship",))
    ('total', 'citizenship')
    >>> reference_dimension((), None, ("total", "citizenship"), citizenship_filtered=True)
    'citizenship'
    >>> reference_dimension(("colour",), None, ())
    Traceback (most recent call last):
    ValueError: cannot group by 'colour'; expected some of year, country, citizenship, category, sex, age
    """
    unknown = [name for name in by if name not in REFERENCE_KEYS]
    if unknown:
        raise ValueError(f"cannot group by {unknown[0]!r}; expected some of {', '.join(REFERENCE_KEYS)}")
    if "citizenship" in by:
        if dimension not in (None, "citizenship"):
            raise ValueError(f"grouping by citizenship reads the citizenship dimension, not {dimension!r}")
        return "citizenship"
    if dimension:
        return dimension
    return "citizenship" if citizenship_filtered else stored[0] if len(stored) == 1 else _TOTAL


def _keys(by: tuple[str, ...], dimension: str, areas: str) -> list[str]:
    """The output's key columns: source, indicator, a region, then ``by`` in its order (a category always,
    unless the dimension is the total)."""
    names = list(dict.fromkeys(by))
    if dimension != _TOTAL and not {"citizenship", "category"} & set(names):
        names.append("citizenship" if dimension == "citizenship" else "category")
    if areas == "regions":
        names = ["region", *(n for n in names if n != "country")]
    return ["source", "indicator", *names]


def _stored(con: duckdb.DuckDBPyConnection, sources: tuple[str, ...], indicators: tuple[str, ...]) -> pd.DataFrame:
    """The stored (source, profile, indicator, dimension) of these sources and indicators (all when empty)."""
    stored = reference_names(con)
    if sources:
        stored = stored[stored["source"].isin(sources)]
    if indicators:
        stored = stored[stored["indicator"].isin(indicators)]
    return stored


def _one_breakdown(cells: pd.DataFrame, by: tuple[str, ...], filters: Filters) -> pd.DataFrame:
    """The rows of one breakdown of sex and age: the source's total, or its published groups (never both)."""
    keep = pd.Series(True, index=cells.index)
    for name, column, chosen in (("sex", "sex", filters.genders), ("age", "age_group", filters.age_groups)):
        if not chosen:  # a filter's groups were selected by the query already
            keep &= (cells[column] != _TOTAL) if name in by else (cells[column] == _TOTAL)
    return cells[keep]


def _grouped(cells: pd.DataFrame, keys: list[str], with_years: bool) -> pd.DataFrame:
    """Per ``keys``: the sum of the known values and the censored values left out (markers and number)."""
    named = cells.rename(columns={"category": "citizenship" if "citizenship" in keys else "category"})
    named = named.rename(columns={"age_group": "age"})
    columns = [*keys, *(["first_year", "last_year"] if with_years else []), "value", "censored", "censored_cells"]
    if named.empty:
        return pd.DataFrame(columns=columns)
    grouped = named.groupby(keys, as_index=False, sort=True, dropna=False).agg(
        first_year=("year", "min"),
        last_year=("year", "max"),
        value=("value", lambda v: v.sum() if v.notna().any() else pd.NA),
        censored=("censored", lambda c: ";".join(sorted(set(c.dropna()))) or None),
        censored_cells=("censored", "count"),
    )
    for column in ("first_year", "last_year", "value"):
        grouped[column] = grouped[column].astype("Int64")
    grouped["censored"] = pd.Series([c if isinstance(c, str) else None for c in grouped["censored"]], dtype=object)
    grouped["censored_cells"] = grouped["censored_cells"].astype("int64")
    return grouped[columns]


def reference_value_text(value: object, censored: str | None, censored_cells: int, lang: str = "en") -> str:
    """A value of :func:`reference_table` as a table shows it: the known sum, and the censored values apart.

    Published values are shown as published (the source censored its small cells); a
    censored value is never a number.

    >>> reference_value_text(1234, None, 0), reference_value_text(pd.NA, "<5", 1)
    ('1,234', '<5')
    >>> reference_value_text(60, "<5", 2), reference_value_text(pd.NA, "<5", 3), reference_value_text(9, None, 0, "es")
    ('60 + 2 × <5', '3 × <5', '9')
    """
    marker = censored or ""
    left_out = (marker if censored_cells == 1 else f"{censored_cells} × {marker}") if censored_cells else ""
    if pd.isna(value):
        return left_out or "–"
    known = format_number(int(value), lang)
    return f"{known} + {left_out}" if left_out else known
