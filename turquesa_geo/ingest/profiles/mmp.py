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

import csv
from functools import cache
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import pandas as pd

from turquesa_geo import columns as C
from turquesa_geo.countries import REGIONS, country_shapes, country_table
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
from turquesa_geo.vocab import normalize_key

__all__ = [
    "FIELDS",
    "PART_SEPARATOR",
    "PROFILE",
    "ROUTES_FILE",
    "ROUTE_TABLE_COLUMNS",
    "RouteLabel",
    "place_on_route",
    "route_key",
    "route_labels",
    "to_flat",
]

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

SOURCE = "IOM Missing Migrants Project"

_MONTHS = {
    m: i
    for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)
}

#: How the parts of a split incident that share one id are told apart: ``{id}/2``, ``{id}/3``...
PART_SEPARATOR = "/"

#: What each of IOM's ``migration_route`` labels says of the route, one row per label and spelling
#: (every vintage of the files): read by :func:`route_labels`, edited as data.
ROUTES_FILE = Path(__file__).resolve().parents[2] / "data" / "mmp_routes.csv"
#: The columns of :data:`ROUTES_FILE`, in order (``note`` says in words what the row means).
ROUTE_TABLE_COLUMNS: tuple[str, ...] = ("label", "region", "departure", "arrival", "onward", "destination", "note")


class RouteLabel(NamedTuple):
    """What one IOM route label says of the route, in the direction of travel (ISO3 codes, None where unsaid).

    ``departure`` and ``arrival`` are the countries the crossing the label names leaves and
    enters (None where the label names a region, as "Caribbean to US" does for its start);
    ``onward`` is the country the route enters next where the arrival is never the
    journey's end (the Darién, crossed northward into Panama, goes on into Costa Rica);
    ``destination`` is the journey's end, where the label names it. ``region`` is
    ``americas`` for the labels of the Americas, which give a direction, ``other`` for
    the rest, which keep only a destination.
    """

    label: str
    region: str
    departure: str | None
    arrival: str | None
    onward: str | None
    destination: str | None

    @property
    def leg(self) -> tuple[str, ...]:
        """The countries of the label's crossing, in the order they are travelled."""
        return tuple(code for code in (self.departure, self.arrival, self.onward) if code)


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
    """Origin (one named country), and the transit and destination the route label gives the incident."""
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
    routes = route_labels()
    known = text_map(label, lambda text: routes.get(route_key(text)))
    mapping.not_understood("migration_route", label[label.notna() & known.isna()])
    placed = [
        place_on_route(route, start, where) if route is not None else (None, None)
        for route, start, where in zip(known, origin, flat[C.DETECTION_COUNTRY])
    ]
    flat[C.ORIGIN] = origin
    flat[C.NATIONALITY] = origin
    flat[C.TRANSIT] = pd.Series([transit for transit, _ in placed], index=flat.index, dtype=object)
    flat[C.DESTINATION] = pd.Series([end for _, end in placed], index=flat.index, dtype=object)
    flat["route_label"] = label


def route_key(label: str) -> str:
    """A route label folded for lookup: case, accents, spaces and punctuation do not count.

    >>> route_key("From Haiti to Dajabon, Dominican Republic") == route_key("from haiti to dajabon dominican republic")
    True
    >>> route_key("Venezuela to Curaçao"), route_key(" Darién ")
    ('venezuelatocuracao', 'darien')
    """
    return normalize_key(label)


@cache
def route_labels() -> dict[str, RouteLabel]:
    """Every route label of :data:`ROUTES_FILE`, by :func:`route_key`.

    Raises
    ------
    ValueError
        If the file's columns are not :data:`ROUTE_TABLE_COLUMNS`, a code is not an ISO3
        country code of the gazetteer, a region is not one of ``countries.REGIONS``, or
        two labels fold to the same key.

    Examples
    --------
    >>> route_labels()["darien"].leg, route_labels()["darien"].destination
    (('COL', 'PAN', 'CRI'), None)
    >>> route_labels()[route_key("Dominican Republic to Puerto Rico")].destination
    'PRI'
    """
    with ROUTES_FILE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != ROUTE_TABLE_COLUMNS:
            raise ValueError(
                f"{ROUTES_FILE.name} has columns {reader.fieldnames}; expected {list(ROUTE_TABLE_COLUMNS)}"
            )
        rows = [_route_row(row) for row in reader]
    table: dict[str, RouteLabel] = {}
    for row in rows:
        key = route_key(row.label)
        if key in table:
            raise ValueError(f"route labels {table[key].label!r} and {row.label!r} fold to the same key {key!r}")
        table[key] = row
    return table


def _route_row(row: dict[str, str]) -> RouteLabel:
    """One checked row of the route table (blank codes as None)."""
    known = set(country_table()["iso3"])
    codes = {}
    for name in ("departure", "arrival", "onward", "destination"):
        code = (row[name] or "").strip() or None
        if code is not None and code not in known:
            raise ValueError(
                f"route label {row['label']!r}: {name} {code!r} is not an ISO3 country code of the gazetteer"
            )
        codes[name] = code
    if row["region"] not in REGIONS:
        raise ValueError(f"route label {row['label']!r}: region {row['region']!r}; expected one of {list(REGIONS)}")
    return RouteLabel(label=row["label"].strip(), region=row["region"], **codes)


def place_on_route(route: RouteLabel, origin: str | None, detection: str | None) -> tuple[str | None, str | None]:
    """Transit (codes joined by ``>``) and destination of an incident on ``route``, never backwards.

    The route runs from the origin through the label's crossing (:attr:`RouteLabel.leg`)
    to its destination; the country of the incident is where it happened. An incident in
    a country before the crossing (a Honduran dying in Guatemala on the way to the US)
    puts that country first in the transit; an incident in a country of the crossing
    changes nothing (the leg is the same on both sides of the border); an incident after
    a crossing whose arrival is a region (Venezuela to an island) is where the route got
    to, and the route ends there (see :func:`turquesa_geo.routes.known_points`). Neither
    the origin nor the destination is repeated in the transit.

    Parameters
    ----------
    route : RouteLabel
        What the label says (:func:`route_labels`).
    origin, detection : str or None
        ISO3 codes of the country of origin and of the country of the incident.

    Returns
    -------
    tuple
        (transit or None, destination or None).

    Examples
    --------
    >>> darien = route_labels()["darien"]
    >>> place_on_route(darien, "VEN", "COL"), place_on_route(darien, "VEN", "PAN"), place_on_route(darien, None, None)
    (('COL>PAN>CRI', None), ('COL>PAN>CRI', None), ('COL>PAN>CRI', None))
    >>> border = route_labels()[route_key("US-Mexico border crossing")]
    >>> place_on_route(border, "MEX", "USA"), place_on_route(border, "HND", "GTM")
    ((None, 'USA'), ('GTM>MEX', 'USA'))
    """
    origin, detection = _code(origin), _code(detection)
    leg = list(route.leg)
    if origin in leg:
        leg = leg[len(leg) - leg[::-1].index(origin) :]  # the route starts at the origin: what comes after it
    transit = [code for code in leg if code != route.destination]
    before = detection is not None and detection != origin and detection not in route.leg and route.arrival
    if transit and before:
        transit.insert(0, detection)
    return (C.TRANSIT_SEPARATOR.join(transit) or None), route.destination


def _code(value: object) -> str | None:
    """An ISO3 code, or None for None, NaN and blank text."""
    return value if isinstance(value, str) and value else None


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
