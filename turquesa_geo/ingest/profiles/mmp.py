"""IOM Missing Migrants Project: incidents of migrant deaths and disappearances.

The CSV download (``Main ID``, ``Incident ID``, ``Incident Date``, ``Number Dead``,
``Minimum Estimated Number of Missing``, ``Coordinates``, ``Migration route``...)
and the JSON records (``web_id``, ``reported_date``, ``number_dead``,
``location_coodinates`` [sic]...) both map here. Each incident becomes one
smuggling-context case detected in the country of the incident, with its point, the
source's route name, its dead, missing and survivors, and the dead and missing as
migrants by sex and age (see :func:`turquesa_geo.ingest.profiles.common.allocate_persons`).

Licence of the data: CC BY 4.0 (IOM Missing Migrants Project, missingmigrants.iom.int).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from turquesa_geo import columns as C
from turquesa_geo.countries import country_shapes
from turquesa_geo.i18n import N_
from turquesa_geo.ingest.profiles.common import (
    Mapping,
    Profile,
    allocate_persons,
    clean_text,
    coordinate_precision,
    first_column,
    iso_dates,
    parse_coordinates,
    resolve_countries,
    whole_numbers,
)

__all__ = ["FIELDS", "PROFILE", "ROUTE_LABELS", "to_flat"]

#: Canonical field -> the source's column names, first found wins (CSV names, then JSON keys).
FIELDS: dict[str, tuple[str, ...]] = {
    "incident_id": ("incident_id", "web_id"),
    "main_id": ("main_id",),
    "date": ("incident_date", "reported_date", "date"),
    "year": ("incident_year", "reported_year", "year"),
    "month": ("reported_month", "month"),
    "dead": ("number_dead", "number_of_dead", "dead"),
    "missing": ("minimum_estimated_number_of_missing", "number_missing", "number_of_missing", "missing"),
    "dead_and_missing": ("total_dead_and_missing", "total_number_of_dead_and_missing"),
    "survivors": ("number_of_survivors", "number_survivors", "survivors"),
    "females": ("number_of_females", "number_of_female", "females"),
    "males": ("number_of_males", "number_of_male", "males"),
    "children": ("number_of_children", "number_of_child", "children"),
    "country": ("country_of_incident", "incident_country"),
    "origin": ("country_of_origin", "countries_of_origin"),
    "place": ("location_of_death", "location_of_incident", "location_description", "location"),
    "coordinates": ("coordinates", "location_coordinates", "location_coodinates"),
    "route": ("migration_route", "route"),
    "quality": ("source_quality",),
}

#: The source's route names (folded: lower case, single spaces) and what they say of the
#: route: (origin, transit, destination) ISO3 codes, None where the name says nothing.
#: The country of the incident is always the place of detection.
ROUTE_LABELS: dict[str, tuple[str | None, str | None, str | None]] = {
    "us-mexico border crossing": (None, None, "USA"),
    "darien": (None, "PAN", None),
    "caribbean to us": (None, None, "USA"),
    "caribbean to central america": (None, None, None),
    "haiti to dominican republic": ("HTI", None, "DOM"),
    "venezuela to caribbean": ("VEN", None, None),
    "english channel to the uk": (None, None, "GBR"),
    "central mediterranean": (None, None, None),
    "western mediterranean": (None, None, None),
    "eastern mediterranean": (None, None, None),
    "atlantic route to the canary islands": (None, None, "ESP"),
    "western balkans": (None, None, None),
    "horn of africa route": (None, None, None),
    "sahara desert crossing": (None, None, None),
}

SOURCE = "IOM Missing Migrants Project"

_MONTHS = {
    m: i
    for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)
}


def to_flat(frame: pd.DataFrame) -> Mapping:
    """Flat rows of an MMP file's staged cells (text columns and ``_line``)."""
    used: set[str] = set()
    col = {name: first_column(frame, names, used) for name, names in FIELDS.items()}
    mapping = Mapping(pd.DataFrame({"_line": frame["_line"]}), used)
    flat = mapping.flat
    flat[C.INCIDENT_ID] = _incident_ids(col["incident_id"], col["main_id"])
    flat[C.NETWORK] = "international_org"
    flat[C.CRIME_TYPE] = "smuggling"
    flat[C.DATE], flat["date_precision"] = _dates(col["date"], col["year"], col["month"])
    _place(flat, col, mapping)
    _route(flat, col, mapping)
    _outcomes(flat, col)
    flat["source_quality"] = clean_text(col["quality"])
    return mapping


def _incident_ids(incident: pd.Series, main: pd.Series) -> pd.Series:
    """Incident ids; without them, the Main ID, numbered within it (split incidents share one)."""
    ids = clean_text(incident)
    fallback = clean_text(main)
    nth = fallback.groupby(fallback).cumcount() + 1
    numbered = [f"{m}-{n}" if m is not None else None for m, n in zip(fallback, nth.reindex(fallback.index))]
    return pd.Series([i if i is not None else n for i, n in zip(ids, numbered)], index=ids.index, dtype=object)


def _dates(date: pd.Series, year: pd.Series, month: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ISO dates (numeric ones are month-first in IOM's exports); else the year and month reported."""
    dates = iso_dates(clean_text(date), "mdy")
    years = clean_text(year).map(lambda y: y[:4] if isinstance(y, str) and y[:4].isdigit() else None)
    months = clean_text(month).map(lambda m: _MONTHS.get(m[:3].lower()) if isinstance(m, str) else None)
    built = pd.Series(
        [f"{y}-{m or 1:02d}-01" if y else None for y, m in zip(years, months)], index=date.index, dtype=object
    )
    precision = pd.Series("day", index=date.index, dtype=object)
    precision = precision.mask(dates.isna() & months.notna(), "month").mask(dates.isna() & months.isna(), "year")
    return dates.where(dates.notna(), built), precision


def _place(flat: pd.DataFrame, col: dict[str, pd.Series], mapping: Mapping) -> None:
    """Point (digits as written), its precision, place name, and the country of the incident."""
    points = clean_text(col["coordinates"]).map(parse_coordinates)
    unreadable = col["coordinates"].notna() & points.isna()
    mapping.not_understood("coordinates", clean_text(col["coordinates"])[unreadable])
    flat[C.LAT] = points.map(lambda p: p[0] if p else None)
    flat[C.LON] = points.map(lambda p: p[1] if p else None)
    flat["location_precision"] = [coordinate_precision(a, b) for a, b in zip(flat[C.LAT], flat[C.LON])]
    flat[C.PLACE] = clean_text(col["place"])
    country, _, bad = resolve_countries(clean_text(col["country"]))
    mapping.not_understood("country_of_incident", bad)
    located = country.isna() & flat[C.LAT].notna()
    if located.any():
        found = _country_at(flat.loc[located, C.LAT], flat.loc[located, C.LON])
        country = country.where(~located, found)
        mapping.note(
            N_(
                "{placed} of {n} incident(s) without a country of incident were placed in the country their "
                "point falls in; the others are at sea."
            ),
            placed=int(found.notna().sum()),
            n=int(located.sum()),
        )
    flat[C.DETECTION_COUNTRY] = country


def _country_at(lat: pd.Series, lon: pd.Series) -> pd.Series:
    """ISO3 of the country each point falls in (None at sea)."""
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(pd.to_numeric(lon, errors="coerce"), pd.to_numeric(lat, errors="coerce")),
        index=lat.index,
        crs="EPSG:4326",
    )
    shapes = country_shapes()[["iso3", "geometry"]]
    joined = gpd.sjoin(points, shapes.to_crs("EPSG:4326"), how="left", predicate="within")
    return joined.groupby(level=0)["iso3"].first().reindex(lat.index).astype(object).where(lambda s: s.notna(), None)


def _route(flat: pd.DataFrame, col: dict[str, pd.Series], mapping: Mapping) -> None:
    """Origin (one named country), and what the source's route name says of transit and destination."""
    origin, named, bad = resolve_countries(clean_text(col["origin"]))
    mapping.not_understood("country_of_origin", bad)
    several = int((named > 1).sum())
    if several:
        mapping.note(
            N_(
                "{n} incident(s) name several countries of origin: they are kept, without an origin (a route "
                "starts in one country)."
            ),
            n=several,
        )
    label = clean_text(col["route"])
    folded = label.str.lower().str.replace(r"\s+", " ", regex=True)
    known = folded.map(lambda text: ROUTE_LABELS.get(text) if isinstance(text, str) else None)
    mapping.not_understood("migration_route", label[label.notna() & known.isna()])
    part = {i: known.map(lambda r, i=i: r[i] if r else None) for i in range(3)}
    flat[C.ORIGIN] = origin.where(origin.notna(), part[0])
    flat[C.NATIONALITY] = origin
    flat[C.TRANSIT] = part[1].where(part[1] != flat[C.DETECTION_COUNTRY])
    flat[C.DESTINATION] = part[2]
    flat["route_label"] = label


def _outcomes(flat: pd.DataFrame, col: dict[str, pd.Series]) -> None:
    """Dead, missing, survivors as written; the dead and missing as migrants by sex and age."""
    for name in C.OUTCOME_COLUMNS:
        flat[name] = clean_text(col[name])  # as written: the importer checks they are whole numbers
    dead, missing = whole_numbers(flat["dead"]), whole_numbers(flat["missing"])
    total = (dead.fillna(0) + missing.fillna(0)).where(
        dead.notna() | missing.notna(), whole_numbers(clean_text(col["dead_and_missing"]))
    )
    cells = allocate_persons(total, *(whole_numbers(clean_text(col[k])) for k in ("females", "males", "children")))
    for (gender, age), persons in cells.items():
        flat[C.count_column("migrant", gender, age)] = persons.astype(str)


PROFILE = Profile(
    name="mmp",
    title="IOM Missing Migrants Project",
    source=SOURCE,
    kind="cases",
    markers=(
        ("main_id", "web_id"),
        ("number_dead", "dead"),
        ("minimum_estimated_number_of_missing", "number_missing"),
        ("migration_route",),
        ("coordinates", "location_coordinates", "location_coodinates"),
        ("cause_of_death",),
        ("total_dead_and_missing", "number_of_survivors", "number_of_females", "number_of_female"),
    ),
    to_flat=to_flat,
)
