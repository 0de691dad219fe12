"""Leg geometry: the line drawn for each leg of a route, through its gateway or along a great circle.

Pure and vectorised: one ``shapely.linestrings`` call builds every leg; nothing is read but the committed gazetteer.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from turquesa_geo.countries import country_table
from turquesa_geo.gateways import MODES, gateway_lookup, gateway_table, main_airports

__all__ = [
    "AIR_ARC_POINTS",
    "FROM_ISO3",
    "MODE",
    "PATH_DECIMALS",
    "TO_ISO3",
    "VIA_GATEWAY",
    "great_circle",
    "leg_geometries",
    "path_coordinates",
]

FROM_ISO3 = "from_iso3"
TO_ISO3 = "to_iso3"
MODE = "mode"
VIA_GATEWAY = "via_gateway"
GEOMETRY = "geometry"
CRS = "EPSG:4326"

#: Points of an air leg's great-circle arc, endpoints included (about 100 km apart on a 3,000 km leg).
AIR_ARC_POINTS = 32
#: Decimals of the coordinates sent to the browser: 0.001° is about 100 m.
PATH_DECIMALS = 3

#: How a leg of each mode picks its gateway: the lookups tried in order (None = the pair's main gateway).
#: Land, river and unknown legs pass through any gateway of the pair, so a "land" leg between
#: Venezuela and Trinidad still goes via Güiria; a sea leg only through a gateway serving the sea.
_GATEWAY_MODES: dict[str | None, tuple[str | None, ...]] = {
    "land": ("land", None),
    "river": ("river", None),
    "sea": ("sea",),
    "air": (),
    None: (None,),
}


def leg_geometries(legs: pd.DataFrame) -> gpd.GeoDataFrame:
    """A line for each leg between two countries, through the pair's gateway where there is one.

    A land, river or unknown-mode leg between two countries that share a gateway
    runs from the first country's representative point through the gateway to the
    second's (3 points); a sea leg does so only through a gateway serving the sea;
    other legs are straight. An air leg is a great-circle arc of
    :data:`AIR_ARC_POINTS` points between the two countries' main airports
    (representative points where a country has none). Longitude first, EPSG:4326.

    Parameters
    ----------
    legs : pandas.DataFrame
        Columns ``from_iso3`` and ``to_iso3`` (ISO-3 codes) and optionally ``mode``
        (``"land"``, ``"sea"``, ``"air"``, ``"river"``, or missing for unknown).

    Returns
    -------
    geopandas.GeoDataFrame
        The same rows, index and columns, plus ``via_gateway`` (gateway_id or None) and ``geometry``.

    Raises
    ------
    ValueError
        If a column is missing, or a code or mode is unknown; the message names it.

    Examples
    --------
    >>> legs = pd.DataFrame({"from_iso3": ["COL", "PAN"], "to_iso3": ["PAN", "CRI"], "mode": ["land", None]})
    >>> lines = leg_geometries(legs)
    >>> lines.via_gateway.tolist()
    ['darien-gap', 'paso-canoas']
    >>> lines.geometry.iloc[0].wkt
    'LINESTRING (-72.588 4.109, -77.4 8.425, -81.479 8.411)'
    >>> air = leg_geometries(pd.DataFrame({"from_iso3": ["CUB"], "to_iso3": ["NIC"], "mode": ["air"]}))
    >>> len(air.geometry.iloc[0].coords), air.geometry.iloc[0].coords[0], air.via_gateway.iloc[0] is None
    (32, (-82.4091, 22.9892), True)
    >>> len(leg_geometries(legs.iloc[:0]))
    0
    """
    _check_columns(legs)
    modes = _leg_modes(legs)
    origins = _country_positions(legs[FROM_ISO3], FROM_ISO3)
    destinations = _country_positions(legs[TO_ISO3], TO_ISO3)
    is_air = modes == MODES.index("air")
    via_points, via_ids = _via_gateways(origins, destinations, modes)
    lines = _build_lines(_endpoints(origins, is_air), _endpoints(destinations, is_air), via_points, is_air)
    out = gpd.GeoDataFrame(legs.copy(), geometry=gpd.GeoSeries(lines, index=legs.index, crs=CRS))
    out.insert(len(legs.columns), VIA_GATEWAY, pd.Series(via_ids, index=legs.index, dtype=object))
    return out


def great_circle(lon1: float, lat1: float, lon2: float, lat2: float, n: int = AIR_ARC_POINTS) -> np.ndarray:
    """``n`` points evenly spaced along the shorter great-circle arc between two points.

    Spherical linear interpolation of unit vectors, in numpy; the first and last
    points are exactly the inputs. Longitudes stay within [-180, 180] (an arc over
    the antimeridian jumps from one side to the other rather than leaving the range).

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : float
        Endpoints in degrees, longitude first.
    n : int, default 32
        Number of points, at least 2.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, 2)``: longitude, latitude.

    Examples
    --------
    >>> arc = great_circle(-70.0, 0.0, -70.0, 60.0, n=3)
    >>> arc.round(6).tolist()
    [[-70.0, 0.0], [-70.0, 30.0], [-70.0, 60.0]]
    >>> great_circle(0.0, 0.0, 90.0, 0.0, n=4)[:, 0].round(6).tolist()
    [0.0, 30.0, 60.0, 90.0]
    >>> great_circle(-74.1, 4.7, -74.1, 4.7, n=2).tolist()
    [[-74.1, 4.7], [-74.1, 4.7]]
    """
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n!r}")
    for name, (lon, lat) in (("start", (lon1, lat1)), ("end", (lon2, lat2))):
        if not (abs(lon) <= 180 and abs(lat) <= 90):
            raise ValueError(f"{name} point ({float(lon)}, {float(lat)}) is outside [-180, 180] x [-90, 90] (lon, lat)")
    return _great_circles(np.array([[lon1, lat1]], dtype=float), np.array([[lon2, lat2]], dtype=float), n)[0]


def path_coordinates(geoms) -> list[list[list[float]]]:
    """Coordinates of each line as nested lists, rounded for pydeck's PathLayer ``path`` field.

    Parameters
    ----------
    geoms : geopandas.GeoSeries or array-like of shapely geometries
        Usually the ``geometry`` of :func:`leg_geometries`; a missing geometry gives ``[]``.

    Returns
    -------
    list
        One ``[[lon, lat], ...]`` list per geometry, rounded to :data:`PATH_DECIMALS` decimals.

    Examples
    --------
    >>> from shapely import LineString
    >>> path_coordinates([LineString([(-72.58849, 4.1091), (-77.4, 8.425)]), None])
    [[[-72.588, 4.109], [-77.4, 8.425]], []]
    >>> path_coordinates([])
    []
    """
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return []
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    # Adding 0.0 turns -0.0 into 0.0, which would otherwise be sent as "-0.0".
    coords = np.round(coords, PATH_DECIMALS) + 0.0
    counts = np.bincount(index, minlength=len(geoms))
    return [part.tolist() for part in np.split(coords, np.cumsum(counts)[:-1])]


def _check_columns(legs: pd.DataFrame) -> None:
    missing = [col for col in (FROM_ISO3, TO_ISO3) if col not in legs.columns]
    if missing:
        raise ValueError(f"legs need columns {[FROM_ISO3, TO_ISO3]}; missing {missing}")
    for col in (VIA_GATEWAY, GEOMETRY):
        if col in legs.columns:
            raise ValueError(f"legs already have a {col!r} column, which leg_geometries writes")


def _leg_modes(legs: pd.DataFrame) -> np.ndarray:
    """Position of each leg's mode in :data:`MODES`; ``len(MODES)`` where it is missing or empty (unknown)."""
    if MODE not in legs.columns:
        return np.full(len(legs), len(MODES), dtype=np.intp)
    # Factorize first: a million legs have only a handful of distinct modes to look up.
    codes, distinct = pd.factorize(legs[MODE].replace("", None))
    positions = pd.Index(MODES, dtype=object).get_indexer(np.asarray(distinct, dtype=object))
    if (positions < 0).any():
        raise ValueError(f"unknown mode {distinct[positions < 0][0]!r}; expected one of {MODES} or missing")
    return np.append(positions, len(MODES))[codes]


def _country_positions(codes: pd.Series, column: str) -> np.ndarray:
    """Row of each code in the gazetteer, refusing codes it does not know and missing ones."""
    labels, distinct = pd.factorize(codes, use_na_sentinel=False)
    positions = _gazetteer().index.get_indexer(np.asarray(distinct, dtype=object))
    if (positions < 0).any():
        bad = distinct[positions < 0][0]
        what = "missing ISO-3 country code" if pd.isna(bad) else f"unknown ISO-3 country code {bad!r}"
        raise ValueError(f"{what} in column {column!r}")
    return positions[labels]


def _endpoints(countries: np.ndarray, is_air: np.ndarray) -> np.ndarray:
    """(n, 2) lon/lat: each country's representative point, or its main airport for air legs."""
    gazetteer = _gazetteer()
    xy = gazetteer[["rep_lon", "rep_lat"]].to_numpy(dtype=float)[countries]
    airports = gazetteer[["airport_lon", "airport_lat"]].to_numpy(dtype=float)[countries]
    use_airport = is_air & ~np.isnan(airports[:, 0])
    xy[use_airport] = airports[use_airport]
    return xy


def _via_gateways(start: np.ndarray, end: np.ndarray, modes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, 2) lon/lat of each leg's gateway (NaN where none) and its id (None where none)."""
    choices, points, ids = _gateway_choices()
    chosen = choices[modes, start * len(_gazetteer()) + end]
    found = chosen >= 0
    via_points = np.full((len(chosen), 2), np.nan)
    via_points[found] = points[chosen[found]]
    via_ids = np.full(len(chosen), None, dtype=object)
    via_ids[found] = ids[chosen[found]]
    return via_points, via_ids


def _build_lines(start: np.ndarray, end: np.ndarray, via: np.ndarray, is_air: np.ndarray) -> np.ndarray:
    """One LineString per leg, built in a single call: 2 points, 3 through a gateway, an arc by air."""
    n_legs = len(start)
    if n_legs == 0:
        return np.empty(0, dtype=object)
    has_via = ~np.isnan(via[:, 0]) & ~is_air
    counts = np.where(is_air, AIR_ARC_POINTS, np.where(has_via, 3, 2))
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    coords = np.empty((counts.sum(), 2))
    coords[first] = start
    coords[first + counts - 1] = end
    coords[first[has_via] + 1] = via[has_via]
    if is_air.any():
        arcs = _great_circles(start[is_air], end[is_air], AIR_ARC_POINTS)
        positions = first[is_air][:, None] + np.arange(AIR_ARC_POINTS)
        coords[positions.ravel()] = arcs.reshape(-1, 2)
    return shapely.linestrings(coords, indices=np.repeat(np.arange(n_legs), counts))


def _great_circles(start: np.ndarray, end: np.ndarray, n: int) -> np.ndarray:
    """(k, n, 2) great-circle arcs between (k, 2) lon/lat starts and ends, by slerp of unit vectors."""
    p, q = _unit_vectors(start), _unit_vectors(end)
    omega = np.arccos(np.clip(np.einsum("ij,ij->i", p, q), -1.0, 1.0))[:, None]
    t = np.linspace(0.0, 1.0, n)[None, :]
    # Coincident endpoints: slerp divides by sin(0), but linear weights give the same single point.
    same = omega < 1e-12
    sin_omega = np.where(same, 1.0, np.sin(omega))
    weight_p = np.where(same, 1.0 - t, np.sin((1.0 - t) * omega) / sin_omega)
    weight_q = np.where(same, t, np.sin(t * omega) / sin_omega)
    v = weight_p[..., None] * p[:, None, :] + weight_q[..., None] * q[:, None, :]
    lon = np.degrees(np.arctan2(v[..., 1], v[..., 0]))
    lat = np.degrees(np.arctan2(v[..., 2], np.hypot(v[..., 0], v[..., 1])))
    arcs = np.stack([lon, lat], axis=-1)
    arcs[:, 0], arcs[:, -1] = start, end
    return arcs


def _unit_vectors(lonlat: np.ndarray) -> np.ndarray:
    lon, lat = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


@lru_cache(maxsize=1)
def _gazetteer() -> pd.DataFrame:
    """Representative point and main airport (NaN if none) of every country, indexed by ISO-3 code."""
    points = country_table().set_index("iso3")[["rep_lon", "rep_lat"]]
    airports = main_airports()[["lon", "lat"]].rename(columns={"lon": "airport_lon", "lat": "airport_lat"})
    return points.join(airports)


@lru_cache(maxsize=1)
def _gateway_choices() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gateway chosen for every leg mode and ordered pair, as one array, with the gateways' points and ids.

    ``choices[mode, from * n + to]`` is a row of ``points``/``ids``, or -1 for none;
    ``mode`` is a position in :data:`MODES`, or ``len(MODES)`` for an unknown mode.
    """
    countries = _gazetteer().index
    gateways = gateway_table()
    row_of = {gid: row for row, gid in enumerate(gateways["gateway_id"])}
    choices = np.full((len(MODES) + 1, len(countries) ** 2), -1, dtype=np.intp)
    for position, leg_mode in enumerate((*MODES, None)):
        # Fallback lookups are written first, so the preferred one overwrites them where it has a gateway.
        for lookup_mode in reversed(_GATEWAY_MODES[leg_mode]):
            lookup = gateway_lookup(lookup_mode)
            if not lookup:
                continue
            pair_from = countries.get_indexer([a for a, _ in lookup])
            pair_to = countries.get_indexer([b for _, b in lookup])
            choices[position, pair_from * len(countries) + pair_to] = [row_of[gid] for _, _, gid in lookup.values()]
    return choices, gateways[["lon", "lat"]].to_numpy(dtype=float), gateways["gateway_id"].to_numpy(dtype=object)
