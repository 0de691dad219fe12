"""Gateways: the border crossings, sea departures, airports and hubs that migration corridors pass through.

Reads only the curated ``turquesa_geo/data/gateways.csv`` (see ``data/README.md``); routes draw legs through them.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import pandas as pd

from turquesa_geo.countries import country_table
from turquesa_geo.vocab import codes

__all__ = [
    "GATEWAY_COLUMNS",
    "KINDS",
    "KIND_PREFERENCE",
    "MODES",
    "gateway_for",
    "gateway_lookup",
    "gateway_table",
    "main_airports",
]

GATEWAYS_FILE = Path(__file__).resolve().parent / "data" / "gateways.csv"

GATEWAY_ID = "gateway_id"
NAME = "name"
KIND = "kind"
LON = "lon"
LAT = "lat"
COUNTRY_A = "country_a"
COUNTRY_B = "country_b"
GATEWAY_MODES = "modes"
RANK = "rank"
NOTE = "note"
GATEWAY_COLUMNS: tuple[str, ...] = (
    GATEWAY_ID,
    NAME,
    KIND,
    LON,
    LAT,
    COUNTRY_A,
    COUNTRY_B,
    GATEWAY_MODES,
    RANK,
    NOTE,
)

KINDS: tuple[str, ...] = ("land_crossing", "river_crossing", "sea_departure", "airport", "hub")
#: Transport modes, as in the ``transport_mode`` vocabulary: ``land``, ``sea``, ``air``, ``river``.
MODES: tuple[str, ...] = tuple(codes("transport_mode"))
MODES_SEPARATOR = ";"

#: For a leg of each mode, the kinds of gateway that may carry it, most preferred first.
#: Within a kind the lowest ``rank`` wins, then the gateway_id, so choices are deterministic.
KIND_PREFERENCE: dict[str, tuple[str, ...]] = {
    "land": ("land_crossing", "river_crossing", "hub"),
    "river": ("river_crossing", "land_crossing", "hub"),
    "sea": ("sea_departure", "hub"),
    "air": ("airport",),
}


def gateway_table() -> pd.DataFrame:
    """One row per gateway: id, name, kind, point, the countries it connects, modes and rank.

    ``country_b`` is missing for airports, which serve their own country; ``rank``
    1 is the main gateway of its unordered pair of countries (of its country, for
    airports). Points are WGS84, longitude first, on or within 0.05° of one of the
    two countries' 1:50m polygons.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GATEWAY_COLUMNS`, in file order (corridor by corridor); a fresh copy per call.

    Examples
    --------
    >>> table = gateway_table()
    >>> tuple(table.columns) == GATEWAY_COLUMNS
    True
    >>> table.set_index("gateway_id").loc["paso-canoas", ["kind", "country_a", "country_b", "modes"]].tolist()
    ['land_crossing', 'PAN', 'CRI', 'land']
    >>> bool(pd.isna(table.set_index("gateway_id").loc["airport-bog", "country_b"]))
    True
    """
    return _read_gateways().copy()


def gateway_for(country_a: str, country_b: str, mode: str | None = None) -> pd.Series | None:
    """The preferred gateway between two countries, in either order, for a leg of ``mode``.

    With no mode, the pair's main gateway (``rank`` 1). With a mode, only
    gateways whose ``modes`` include it, preferring the kinds listed in
    :data:`KIND_PREFERENCE` (land crossings for land legs, river crossings for
    river legs, sea departures for sea legs), then the lowest rank. Airports serve
    one country, not a pair, so an air leg has no pair gateway: see
    :func:`main_airports`.

    Parameters
    ----------
    country_a, country_b : str
        ISO 3166-1 alpha-3 codes; the order does not matter.
    mode : {"land", "sea", "air", "river"} or None, default None
        Transport mode of the leg.

    Returns
    -------
    pandas.Series or None
        The gateway's row of :func:`gateway_table`, named by its id; None if no
        gateway of the pair serves the mode (or the two codes are the same).

    Raises
    ------
    ValueError
        If a code is not an ISO-3 country code or the mode is not one of :data:`MODES`.

    Examples
    --------
    >>> gateway_for("COL", "PAN").name, gateway_for("PAN", "COL").name
    ('darien-gap', 'darien-gap')
    >>> gateway_for("COL", "PAN", "sea").name
    'necocli-acandi'
    >>> gateway_for("USA", "MEX", "land")[["name", "kind"]].tolist()
    ['Ciudad Juárez – El Paso', 'land_crossing']
    >>> gateway_for("CUB", "NIC", "air") is None, gateway_for("VEN", "TTO", "land") is None
    (True, True)
    >>> gateway_for("COL", "XXX")
    Traceback (most recent call last):
    ...
    ValueError: unknown ISO-3 country code 'XXX'
    """
    _check_codes((country_a, country_b))
    _check_mode(mode)
    gateway_id = _choices(mode).get((country_a, country_b))
    if gateway_id is None:
        return None
    table = _read_gateways()
    return table[table[GATEWAY_ID] == gateway_id].iloc[0].rename(gateway_id)


def gateway_lookup(mode: str | None = None) -> dict[tuple[str, str], tuple[float, float, str]]:
    """Pair of countries -> ``(lon, lat, gateway_id)`` of its gateway, for vectorised use.

    The same choice as :func:`gateway_for`: with no mode, each pair's main gateway.
    Pairs are unordered, so every pair is a key in both orders and callers need not sort.

    Parameters
    ----------
    mode : {"land", "sea", "air", "river"} or None, default None
        Keep only gateways serving this mode, preferring kinds as :func:`gateway_for` does.

    Returns
    -------
    dict
        ``{(iso3, iso3): (lon, lat, gateway_id)}``; a fresh dict per call.

    Examples
    --------
    >>> lookup = gateway_lookup()
    >>> lookup[("COL", "PAN")] == lookup[("PAN", "COL")] == (-77.4, 8.425, 'darien-gap')
    True
    >>> lookup[("VEN", "TTO")][2], ("VEN", "TTO") in gateway_lookup("land")
    ('guiria-cedros', False)
    >>> gateway_lookup("air")
    {}
    """
    _check_mode(mode)
    points = _read_gateways().set_index(GATEWAY_ID)[[LON, LAT]]
    return {pair: (float(points.at[gid, LON]), float(points.at[gid, LAT]), gid) for pair, gid in _choices(mode).items()}


def main_airports() -> pd.DataFrame:
    """The main airport (``rank`` 1) of each country that has one in the table.

    Returns
    -------
    pandas.DataFrame
        Rows of :func:`gateway_table` indexed by ISO-3 code (``country_a``), sorted by it.

    Examples
    --------
    >>> airports = main_airports()
    >>> airports.loc["MEX", "gateway_id"], airports.loc["COL", ["lon", "lat"]].tolist()
    ('airport-mex', [-74.1469, 4.7016])
    >>> "NIC" in airports.index, "BLZ" in airports.index
    (True, False)
    """
    table = _read_gateways()
    airports = table[table[KIND] == "airport"].sort_values([COUNTRY_A, RANK, GATEWAY_ID])
    return airports.drop_duplicates(COUNTRY_A).set_index(COUNTRY_A, drop=False).rename_axis(None)


@lru_cache(maxsize=1)
def _read_gateways() -> pd.DataFrame:
    # Only an empty cell is missing: no code or name here is read as NaN ("NA" would be Namibia).
    table = pd.read_csv(
        GATEWAYS_FILE,
        keep_default_na=False,
        na_values={COUNTRY_B: [""]},
        dtype={LON: "float64", LAT: "float64", RANK: "int64"},
    )
    _check_table(table)
    return table


def _check_table(table: pd.DataFrame) -> None:
    """Refuse a gateways file with a column, kind, mode, code or id that the rest of the code cannot trust."""
    if tuple(table.columns) != GATEWAY_COLUMNS:
        raise ValueError(f"{GATEWAYS_FILE.name}: columns {list(table.columns)}, expected {list(GATEWAY_COLUMNS)}")
    duplicated = table.loc[table[GATEWAY_ID].duplicated(), GATEWAY_ID].tolist()
    if duplicated:
        raise ValueError(f"{GATEWAYS_FILE.name}: duplicate gateway_id {duplicated}")
    bad_kinds = sorted(set(table[KIND]) - set(KINDS))
    if bad_kinds:
        raise ValueError(f"{GATEWAYS_FILE.name}: unknown kind {bad_kinds}; expected one of {KINDS}")
    used_modes = {m for modes in table[GATEWAY_MODES] for m in modes.split(MODES_SEPARATOR)}
    if used_modes - set(MODES):
        raise ValueError(f"{GATEWAYS_FILE.name}: unknown mode {sorted(used_modes - set(MODES))}; expected {MODES}")
    _check_codes(table[COUNTRY_A].tolist() + table[COUNTRY_B].dropna().tolist())


def _check_codes(values) -> None:
    known = _known_codes()
    for value in values:
        if value not in known:
            raise ValueError(f"unknown ISO-3 country code {value!r}")


def _check_mode(mode: str | None) -> None:
    if mode is not None and mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {MODES} or None")


@lru_cache(maxsize=1)
def _known_codes() -> frozenset[str]:
    return frozenset(country_table()["iso3"])


@cache
def _choices(mode: str | None) -> dict[tuple[str, str], str]:
    """Ordered pair (both orders) -> gateway_id of the preferred gateway for ``mode``."""
    candidates = _pair_candidates(mode)
    best = candidates.sort_values([COUNTRY_A, COUNTRY_B, "preference", RANK, GATEWAY_ID])
    best = best.drop_duplicates([COUNTRY_A, COUNTRY_B])
    return dict(zip(zip(best[COUNTRY_A], best[COUNTRY_B]), best[GATEWAY_ID]))


def _pair_candidates(mode: str | None) -> pd.DataFrame:
    """Gateways joining two different countries, in both orders, that may carry ``mode``, with a kind preference."""
    table = _read_gateways()
    pairs = table[table[COUNTRY_B].notna() & (table[COUNTRY_A] != table[COUNTRY_B])]
    mirrored = pairs.rename(columns={COUNTRY_A: COUNTRY_B, COUNTRY_B: COUNTRY_A})
    both = pd.concat([pairs, mirrored], ignore_index=True)
    if mode is None:
        return both.assign(preference=0)
    serves = pd.Series([mode in modes.split(MODES_SEPARATOR) for modes in both[GATEWAY_MODES]], index=both.index)
    preference = both[KIND].map({kind: i for i, kind in enumerate(KIND_PREFERENCE[mode])})
    return both.assign(preference=preference)[serves & preference.notna()]
