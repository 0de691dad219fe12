"""IOM Missing Migrants Project: incidents of migrant deaths and disappearances.

The CSV download (``Main ID``, ``Incident ID``, ``Incident Date``, ``Number Dead``,
``Minimum Estimated Number of Missing``, ``Coordinates``, ``Migration route``...)
and the JSON records (``web_id``, ``reported_date``, ``number_dead``,
``location_coodinates`` [sic]...) both map here. Each incident becomes one record of
deaths and disappearances during migration (crime type
:data:`turquesa_geo.columns.OUTCOME_CRIME_TYPE`: its own measure, never a trafficking or
smuggling case), placed in the country of the incident, with its point, the source's
route name and cause of death, its dead, missing and survivors, and the dead and missing
as migrants by sex and age (see :func:`turquesa_geo.ingest.profiles.common.allocate_persons`).

Every IOM row is a record of people, and IOM's own totals count each row, so each is
kept (the front-door rule of :mod:`turquesa_geo.ingest.flat`):

- **split incidents**: IOM splits an incident whose people differ (origin, cause of
  death, sex) into rows sharing a ``Main ID`` with their own ``Incident ID`` (CSV);
  each row stays a case of its own, so the split keeps each part's origin and counts.
  The JSON records carry one ``web_id`` for all the parts: a part whose content differs
  from the first row of its ``web_id`` becomes ``{web_id}/2``, ``/3``... (the same cases
  as the CSV's), while a row repeated word for word keeps the id and counts once
  (flag ``repeated_row``);
- **points at sea, across a border, or in whole degrees** go on as written with their
  precision (``location_precision``): the importer keeps them and flags them;
- **adjustment rows** (a negative number of dead or missing, IOM's corrections of an
  earlier report) pass their negative counts on, to the outcomes and to the persons,
  so that they net out of every total;
- **a blank or unreadable date** with a known year (and month) is given as ``2021-07``
  or ``2021``: the importer stores it at that precision (flag ``partial_date``);
- **a blank, NaN-like or garbled cell** never stops the file: every cell is handled as
  text or None (see :func:`turquesa_geo.ingest.profiles.common.text_map`).

Licence of the data: CC BY 4.0 (IOM Missing Migrants Project, missingmigrants.iom.int).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from turquesa_geo import columns as C
from turquesa_geo.countries import country_shapes
from turquesa_geo.i18n import N_
from turquesa_geo.ingest.parsing import parse_date
from turquesa_geo.ingest.profiles.common import (
    Mapping,
    Profile,
    allocate_persons,
    clean_text,
    coordinate_precision,
    first_column,
    parse_coordinates,
    resolve_countries,
    text_map,
    whole_numbers,
)
from turquesa_geo.ingest.readers import LINE_COLUMN

__all__ = ["FIELDS", "PART_SEPARATOR", "PROFILE", "ROUTE_LABELS", "to_flat"]

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
    "origin": ("country_of_origin", "countries_of_origin", "country_origin"),
    "place": ("location_of_death", "location_of_incident", "location_description", "location"),
    "coordinates": ("coordinates", "location_coordinates", "location_coodinates"),
    "route": ("migration_route", "route"),
    "quality": ("source_quality",),
    "cause": ("cause_of_death", "cause_death"),
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

#: How the parts of a split incident that share one id are told apart: ``{id}/2``, ``{id}/3``...
PART_SEPARATOR = "/"


def to_flat(frame: pd.DataFrame) -> Mapping:
    """Flat rows of an MMP file's staged cells (text columns and ``_line``)."""
    used: set[str] = set()
    col = {name: first_column(frame, names, used) for name, names in FIELDS.items()}
    mapping = Mapping(pd.DataFrame({"_line": frame["_line"]}), used)
    flat = mapping.flat
    flat[C.INCIDENT_ID] = _number_parts(_incident_ids(col["incident_id"], col["main_id"]), frame)
    flat[C.NETWORK] = "international_org"
    flat[C.CRIME_TYPE] = C.OUTCOME_CRIME_TYPE
    flat[C.DATE], flat["date_precision"] = _dates(col["date"], col["year"], col["month"], mapping)
    _place(flat, col, mapping)
    _route(flat, col, mapping)
    _outcomes(flat, col)
    flat["source_quality"] = clean_text(col["quality"])
    flat["cause_of_death"] = clean_text(col["cause"])
    return mapping


def _incident_ids(incident: pd.Series, main: pd.Series) -> pd.Series:
    """Incident ids; without them, the Main ID, numbered within it (split incidents share one)."""
    ids = clean_text(incident)
    fallback = clean_text(main)
    seen: dict[str, int] = {}
    numbered: list[str | None] = []
    for m in fallback:
        if m is None:
            numbered.append(None)
            continue
        seen[m] = seen.get(m, 0) + 1
        numbered.append(f"{m}-{seen[m]}")
    return pd.Series([i if i is not None else n for i, n in zip(ids, numbered)], index=ids.index, dtype=object)


def _number_parts(ids: pd.Series, frame: pd.DataFrame) -> pd.Series:
    """Ids of rows that share one id but differ in content: the first keeps it, the others get ``/2``, ``/3``...

    A part keeps its number while the parts before it keep theirs; a row repeated word
    for word keeps the id of its first copy (the importer counts it once).
    """
    source = frame[[c for c in frame.columns if c != LINE_COLUMN]].astype(object)
    content = pd.util.hash_pandas_object(source.where(source.notna(), ""), index=False).to_numpy()
    parts: dict[str, list[int]] = {}
    numbered = []
    for key, digest in zip(ids, content):
        if key is None:
            numbered.append(None)
            continue
        known = parts.setdefault(key, [])
        if digest not in known:
            known.append(digest)
        nth = known.index(digest) + 1
        numbered.append(key if nth == 1 else f"{key}{PART_SEPARATOR}{nth}")
    return pd.Series(numbered, index=ids.index, dtype=object)


def _dates(date: pd.Series, year: pd.Series, month: pd.Series, mapping: Mapping) -> tuple[pd.Series, pd.Series]:
    """The day as ISO text (numeric dates are month-first in IOM's exports), precision ``day``; else
    the year and month (``2021-07``) or the year (``2021``), precision left to the importer."""
    written = clean_text(date)
    days = text_map(written, _iso_day)
    years = text_map(clean_text(year), _year)
    months = text_map(clean_text(month), _month)
    partial = pd.Series(
        [None if y is None else f"{y}-{m:02d}" if m else y for y, m in zip(years, months)],
        index=date.index,
        dtype=object,
    )
    unreadable = written.notna() & days.isna() & partial.notna()
    if unreadable.any():
        mapping.note(
            N_(
                "{n} incident(s) with a date that is not a day ({example}) are dated by their year and month, "
                "at that precision."
            ),
            n=int(unreadable.sum()),
            example=str(written[unreadable].iloc[0]),
        )
    # Without a day, a year or a month: the text as written, for the importer to quarantine.
    dates = days.where(days.notna(), partial.where(partial.notna(), written))
    precision = pd.Series([("day" if d is not None else None) for d in days], index=date.index, dtype=object)
    return dates, precision


def _iso_day(text: str) -> str | None:
    parsed = parse_date(text, "mdy")
    return parsed.isoformat() if parsed else None


def _year(text: str) -> str | None:
    """The year of a year cell (``2021``, ``2021.0``), None for anything else.

    >>> [_year(t) for t in ("2021", "2021.0", "0", "20210", "21")]
    ['2021', '2021', None, None, None]
    """
    whole, _, fraction = text.partition(".")
    return whole if len(whole) == 4 and whole.isdecimal() and fraction.strip("0") == "" else None


def _month(text: str) -> int | None:
    """The month of a month cell (``Jul``, ``July``, ``7``, ``07``, ``7.0``), None for anything else.

    >>> [_month(t) for t in ("Jul", "July", "7", "07", "7.0", "0", "13", "1.5", "²", "x")]
    [7, 7, 7, 7, 7, None, None, None, None, None]
    """
    whole, _, fraction = text.partition(".")
    if whole.isdecimal():  # not isdigit: "²" is a digit that int() refuses
        return int(whole) if 1 <= int(whole) <= 12 and fraction.strip("0") == "" else None
    return _MONTHS.get(text[:3].lower())


def _place(flat: pd.DataFrame, col: dict[str, pd.Series], mapping: Mapping) -> None:
    """Point (digits as written), its precision, place name, and the country of the incident."""
    written = clean_text(col["coordinates"])
    points = text_map(written, parse_coordinates)
    mapping.not_understood("coordinates", written[written.notna() & points.isna()])
    flat[C.LAT] = text_map(points, lambda p: p[0])
    flat[C.LON] = text_map(points, lambda p: p[1])
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
    known = text_map(label, lambda text: ROUTE_LABELS.get(text.lower()))  # clean_text folded the spaces
    mapping.not_understood("migration_route", label[label.notna() & known.isna()])
    part = {i: text_map(known, lambda r, i=i: r[i]) for i in range(3)}
    flat[C.ORIGIN] = origin.where(origin.notna(), part[0])
    flat[C.NATIONALITY] = origin
    flat[C.TRANSIT] = part[1].where(part[1] != flat[C.DETECTION_COUNTRY])
    flat[C.DESTINATION] = part[2]
    flat["route_label"] = label


def _outcomes(flat: pd.DataFrame, col: dict[str, pd.Series]) -> None:
    """Dead, missing, survivors as written; the dead and missing as migrants by sex and age.

    An adjustment row (dead and missing summing to a negative number) adjusts persons
    too: its negative marginals are spread like positive ones, and the cells negated.
    """
    for name in C.OUTCOME_COLUMNS:
        flat[name] = clean_text(col[name])  # as written: the importer checks they are whole numbers
    dead, missing = whole_numbers(flat["dead"]), whole_numbers(flat["missing"])
    total = (dead.fillna(0) + missing.fillna(0)).where(
        dead.notna() | missing.notna(), whole_numbers(clean_text(col["dead_and_missing"]))
    )
    marginals = [whole_numbers(clean_text(col[k])) for k in ("females", "males", "children")]
    cells = allocate_persons(total, *marginals)
    adjusting = total < 0
    if adjusting.any():
        negated = allocate_persons(-total, *(-m.clip(upper=0) for m in marginals))
        cells = {key: persons.where(~adjusting, -negated[key]) for key, persons in cells.items()}
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
        ("cause_of_death", "cause_death"),
        ("total_dead_and_missing", "number_of_survivors", "number_of_females", "number_of_female"),
    ),
    to_flat=to_flat,
)
