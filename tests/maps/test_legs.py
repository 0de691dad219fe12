"""Tests for turquesa_geo.maps.legs: legs through gateways, great-circle arcs and paths for pydeck."""

from __future__ import annotations

import itertools
import math
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import LineString

from turquesa_geo.countries import country_table
from turquesa_geo.gateways import gateway_for, gateway_table, main_airports
from turquesa_geo.maps.legs import AIR_ARC_POINTS, great_circle, leg_geometries, path_coordinates

COL_REP, PAN_REP = "-72.588 4.109", "-81.479 8.411"


def legs(*rows: tuple[str, str, str | None]) -> pd.DataFrame:
    """A legs frame from (from_iso3, to_iso3, mode) tuples."""
    return pd.DataFrame(rows, columns=["from_iso3", "to_iso3", "mode"])


def wkt(frame: pd.DataFrame) -> list[str]:
    return [geom.wkt for geom in leg_geometries(frame).geometry]


# --- literal legs -----------------------------------------------------------------------------------------


def test_land_leg_goes_through_the_darien():
    out = leg_geometries(pd.DataFrame({"from_iso3": ["COL"], "to_iso3": ["PAN"], "mode": ["land"]}))
    assert out.geometry.iloc[0].wkt == f"LINESTRING ({COL_REP}, -77.4 8.425, {PAN_REP})"
    assert out.via_gateway.tolist() == ["darien-gap"]


def test_reverse_leg_uses_the_same_gateway():
    assert wkt(legs(("PAN", "COL", "land"))) == [f"LINESTRING ({PAN_REP}, -77.4 8.425, {COL_REP})"]


def test_sea_leg_goes_through_the_sea_departure():
    out = leg_geometries(legs(("COL", "PAN", "sea")))
    assert out.geometry.iloc[0].wkt == f"LINESTRING ({COL_REP}, -76.787 8.426, {PAN_REP})"
    assert out.via_gateway.tolist() == ["necocli-acandi"]


def test_unknown_mode_uses_the_main_gateway():
    out = leg_geometries(pd.DataFrame({"from_iso3": ["MEX", "MEX"], "to_iso3": ["USA", "USA"], "mode": [None, ""]}))
    assert out.via_gateway.tolist() == ["ciudad-juarez", "ciudad-juarez"]
    assert out.geometry.iloc[0].wkt == "LINESTRING (-102.242 23.636, -106.487 31.7485, -99.688 37.256)"


def test_mode_column_is_optional():
    out = leg_geometries(pd.DataFrame({"from_iso3": ["PAN"], "to_iso3": ["CRI"]}))
    assert list(out.columns) == ["from_iso3", "to_iso3", "via_gateway", "geometry"]
    assert out.via_gateway.tolist() == ["paso-canoas"]


def test_land_leg_falls_back_to_the_main_gateway_of_the_pair():
    # No land gateway joins Venezuela and Trinidad: the leg still passes the Güiria departure.
    out = leg_geometries(legs(("VEN", "TTO", "land"), ("SUR", "GUF", "land")))
    assert out.via_gateway.tolist() == ["guiria-cedros", "albina"]
    assert out.geometry.iloc[0].wkt == "LINESTRING (-65.412 6.416, -62.27 10.57, -61.252 10.435)"


def test_legs_without_gateway_are_straight():
    out = leg_geometries(legs(("MEX", "USA", "sea"), ("CUB", "USA", "land"), ("COL", "COL", "land")))
    assert [g.wkt for g in out.geometry] == [
        "LINESTRING (-102.242 23.636, -99.688 37.256)",
        "LINESTRING (-77.957 21.526, -99.688 37.256)",
        "LINESTRING (-72.588 4.109, -72.588 4.109)",
    ]
    assert out.via_gateway.tolist() == [None, None, None]


def test_air_leg_is_an_arc_between_main_airports():
    line = leg_geometries(legs(("CUB", "NIC", "air"))).geometry.iloc[0]
    coords = np.asarray(line.coords)
    assert coords.shape == (AIR_ARC_POINTS, 2)
    assert coords[0].tolist() == [-82.4091, 22.9892]  # Havana
    assert coords[-1].tolist() == [-86.1682, 12.1415]  # Managua
    assert np.allclose(coords, great_circle(-82.4091, 22.9892, -86.1682, 12.1415))


def test_air_leg_uses_the_representative_point_without_an_airport():
    line = leg_geometries(legs(("BLZ", "CUB", "air"))).geometry.iloc[0]
    assert line.coords[0] == (-88.736, 17.139)
    assert line.coords[-1] == (-82.4091, 22.9892)


def test_rows_index_and_columns_are_kept():
    frame = legs(("COL", "PAN", "land"), ("PAN", "CRI", None)).set_index(pd.Index([10, 3], name="leg"))
    frame["flow"] = [5, 7]
    out = leg_geometries(frame)
    assert isinstance(out, gpd.GeoDataFrame) and out.crs.to_epsg() == 4326
    assert out.index.tolist() == [10, 3] and out.index.name == "leg"
    assert list(out.columns) == ["from_iso3", "to_iso3", "mode", "flow", "via_gateway", "geometry"]
    assert out["flow"].tolist() == [5, 7]
    assert list(frame.columns) == ["from_iso3", "to_iso3", "mode", "flow"]  # input untouched


def test_empty_input_gives_an_empty_frame_with_the_same_columns():
    out = leg_geometries(legs())
    assert isinstance(out, gpd.GeoDataFrame) and len(out) == 0
    assert list(out.columns) == ["from_iso3", "to_iso3", "mode", "via_gateway", "geometry"]
    assert out.crs.to_epsg() == 4326


# --- errors -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (legs(("COL", "XXX", "land")), "unknown ISO-3 country code 'XXX' in column 'to_iso3'"),
        (legs(("col", "PAN", "land")), "unknown ISO-3 country code 'col' in column 'from_iso3'"),
        (legs((None, "PAN", "land")), "missing ISO-3 country code in column 'from_iso3'"),
        (legs(("COL", "PAN", "boat")), "unknown mode 'boat'"),
        (pd.DataFrame({"from_iso3": ["COL"]}), "missing ['to_iso3']"),
    ],
)
def test_bad_legs_raise_naming_the_value(frame, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        leg_geometries(frame)


# --- great circles ----------------------------------------------------------------------------------------


def test_great_circle_endpoints_are_the_inputs():
    arc = great_circle(-74.1469, 4.7016, -3.5676, 40.4983)
    assert arc.shape == (32, 2)
    assert arc[0].tolist() == [-74.1469, 4.7016] and arc[-1].tolist() == [-3.5676, 40.4983]


def test_meridian_arc_stays_on_the_meridian():
    arc = great_circle(-70.0, -30.0, -70.0, 50.0, n=5)
    assert arc[:, 0] == pytest.approx([-70.0] * 5)
    assert arc[:, 1] == pytest.approx([-30.0, -10.0, 10.0, 30.0, 50.0])


def test_equator_arc_stays_on_the_equator():
    arc = great_circle(-80.0, 0.0, -40.0, 0.0, n=3)
    assert arc.ravel().tolist() == pytest.approx([-80.0, 0.0, -60.0, 0.0, -40.0, 0.0])


def test_arc_bulges_poleward_like_a_great_circle():
    # The great circle between two points at 45°N runs north of the parallel.
    arc = great_circle(-120.0, 45.0, -60.0, 45.0, n=3)
    assert arc[1, 0] == pytest.approx(-90.0) and arc[1, 1] > 45.0


def _reference_midpoint(lon1: float, lat1: float, lon2: float, lat2: float) -> tuple[float, float]:
    """Slow reference: the spherical midpoint formula, one point at a time with math."""
    p1, p2, l1 = math.radians(lat1), math.radians(lat2), math.radians(lon1)
    dl = math.radians(lon2 - lon1)
    bx, by = math.cos(p2) * math.cos(dl), math.cos(p2) * math.sin(dl)
    lat = math.atan2(math.sin(p1) + math.sin(p2), math.hypot(math.cos(p1) + bx, by))
    lon = l1 + math.atan2(by, math.cos(p1) + bx)
    return math.degrees(lon), math.degrees(lat)


@pytest.mark.parametrize(
    "ends",
    [
        (-74.1469, 4.7016, -80.287, 25.7959),
        (-58.5358, -34.8222, -99.0721, 19.4363),
        (-46.4731, -23.4356, -117.029, 32.543),
        (-82.4091, 22.9892, -86.1682, 12.1415),
    ],
)
def test_arc_midpoint_matches_a_slow_reference(ends):
    arc = great_circle(*ends, n=3)
    assert arc[1].tolist() == pytest.approx(_reference_midpoint(*ends), abs=1e-9)


def test_arc_points_are_evenly_spaced():
    arc = np.radians(great_circle(-58.5358, -34.8222, -80.287, 25.7959, n=9))
    lon, lat = arc[:, 0], arc[:, 1]
    central = np.arccos(
        np.clip(np.sin(lat[:-1]) * np.sin(lat[1:]) + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.cos(np.diff(lon)), -1, 1)
    )
    assert central == pytest.approx(np.full(8, central[0]))


def test_arc_over_the_antimeridian_stays_in_range():
    arc = great_circle(170.0, 50.0, -170.0, 50.0, n=11)
    assert (np.abs(arc[:, 0]) <= 180).all() and (np.abs(arc[:, 1]) <= 90).all()
    assert np.abs(arc[:, 0]).min() >= 170.0  # the short way, over 180°, not across Europe


AMERICAS_LON = st.floats(-170.0, -30.0)
AMERICAS_LAT = st.floats(-56.0, 72.0)


@settings(max_examples=200, deadline=None)
@given(AMERICAS_LON, AMERICAS_LAT, AMERICAS_LON, AMERICAS_LAT, st.integers(2, 64))
def test_any_arc_in_the_americas_is_well_formed(lon1, lat1, lon2, lat2, n):
    arc = great_circle(lon1, lat1, lon2, lat2, n=n)
    assert arc.shape == (n, 2) and np.isfinite(arc).all()
    assert arc[0].tolist() == [lon1, lat1] and arc[-1].tolist() == [lon2, lat2]
    assert (np.abs(arc[:, 0]) <= 180).all() and (np.abs(arc[:, 1]) <= 90).all()
    # No antimeridian in the Americas: the arc never leaves the hemisphere west of Greenwich.
    assert (arc[:, 0] <= 0).all()


def test_great_circle_between_identical_points():
    arc = great_circle(-74.1, 4.7, -74.1, 4.7, n=3)
    assert arc[0].tolist() == arc[-1].tolist() == [-74.1, 4.7]
    assert arc[1].tolist() == pytest.approx([-74.1, 4.7])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-74.0, 4.0, -80.0, 25.0, 1), "n must be at least 2"),
        ((4.0, -174.0, -80.0, 25.0), "start point (4.0, -174.0) is outside"),
        ((-74.0, 4.0, -200.0, 25.0), "end point (-200.0, 25.0) is outside"),
    ],
)
def test_great_circle_refuses_bad_input(args, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        great_circle(*args)


# --- many legs --------------------------------------------------------------------------------------------

AMERICAS_36 = [
    "ARG",
    "BHS",
    "BLZ",
    "BOL",
    "BRA",
    "BRB",
    "CAN",
    "CHL",
    "COL",
    "CRI",
    "CUB",
    "DOM",
    "ECU",
    "GTM",
    "GUF",
    "GUY",
    "HND",
    "HTI",
    "JAM",
    "MEX",
    "NIC",
    "PAN",
    "PER",
    "PRI",
    "PRY",
    "SLV",
    "SUR",
    "TTO",
    "URY",
    "USA",
    "VEN",
    "ESP",
    "CHN",
    "IND",
    "NGA",
    "SEN",
]
MODE_CYCLE = ["land", "sea", "air", "river", None]


@pytest.fixture(scope="module")
def corridor_legs() -> pd.DataFrame:
    """1,296 legs: every ordered pair of 36 countries, modes in turn."""
    pairs = list(itertools.product(AMERICAS_36, AMERICAS_36))
    return pd.DataFrame(
        {
            "from_iso3": [a for a, _ in pairs],
            "to_iso3": [b for _, b in pairs],
            "mode": [MODE_CYCLE[i % len(MODE_CYCLE)] for i in range(len(pairs))],
        }
    )


def test_1296_legs_build(corridor_legs):
    out = leg_geometries(corridor_legs)
    assert len(out) == 1296 and out.geom_type.eq("LineString").all()
    counts = out.geometry.count_coordinates()
    is_air = corridor_legs["mode"].eq("air").to_numpy()
    assert (counts[is_air] == AIR_ARC_POINTS).all()
    assert (counts[~is_air] == np.where(out.via_gateway.notna(), 3, 2)[~is_air]).all()
    assert out.via_gateway[is_air].isna().all()


def test_all_coordinates_in_range_and_longitude_first(corridor_legs):
    coords = np.concatenate([np.asarray(path) for path in path_coordinates(leg_geometries(corridor_legs).geometry)])
    assert (np.abs(coords[:, 0]) <= 180).all() and (np.abs(coords[:, 1]) <= 90).all()
    # Longitude first: the Americas' points lie west of Greenwich, as do no Asian ones.
    table = country_table().set_index("iso3")
    first = path_coordinates(leg_geometries(legs(("COL", "CHN", None))).geometry)[0]
    assert first[0] == [table.at["COL", "rep_lon"], table.at["COL", "rep_lat"]]
    assert first[-1] == [table.at["CHN", "rep_lon"], table.at["CHN", "rep_lat"]]


def _reference_line(from_iso3: str, to_iso3: str, mode: str | None) -> LineString:
    """Slow reference: one leg at a time, from the public building blocks."""
    rep = country_table().set_index("iso3")[["rep_lon", "rep_lat"]]
    airports = main_airports()
    if mode == "air":
        ends = [
            tuple(airports.loc[c, ["lon", "lat"]]) if c in airports.index else tuple(rep.loc[c])
            for c in (from_iso3, to_iso3)
        ]
        return LineString(great_circle(*ends[0], *ends[1]))
    via = gateway_for(from_iso3, to_iso3, mode)
    if via is None and mode != "sea":
        via = gateway_for(from_iso3, to_iso3)
    middle = [] if via is None else [(via["lon"], via["lat"])]
    return LineString([tuple(rep.loc[from_iso3]), *middle, tuple(rep.loc[to_iso3])])


def test_vectorised_legs_match_a_slow_reference():
    table = gateway_table()
    joined = table[table["country_b"].notna()]
    pairs = sorted(set(zip(joined["country_a"], joined["country_b"])) | {("CUB", "USA"), ("BLZ", "CUB")})
    rows = [(a, b, mode) for a, b in pairs for mode in MODE_CYCLE] + [(b, a, "land") for a, b in pairs]
    out = leg_geometries(legs(*rows))
    for (a, b, mode), line in zip(rows, out.geometry):
        assert line.equals_exact(_reference_line(a, b, mode), tolerance=1e-9), (a, b, mode)


# --- paths ------------------------------------------------------------------------------------------------


def test_path_coordinates_are_rounded_lon_lat_lists():
    out = leg_geometries(legs(("COL", "PAN", "land"), ("CUB", "NIC", "air")))
    paths = path_coordinates(out.geometry)
    assert paths[0] == [[-72.588, 4.109], [-77.4, 8.425], [-81.479, 8.411]]
    assert len(paths[1]) == AIR_ARC_POINTS
    assert paths[1][0] == [-82.409, 22.989] and paths[1][-1] == [-86.168, 12.142]
    assert all(isinstance(v, float) for path in paths for point in path for v in point)


def test_path_coordinates_edge_cases():
    assert path_coordinates([]) == []
    assert path_coordinates(gpd.GeoSeries([], crs=4326)) == []
    assert path_coordinates([None, LineString([(-0.0001, 1.23456), (2, 3)])]) == [[], [[0.0, 1.235], [2.0, 3.0]]]
    assert str(path_coordinates([LineString([(-0.0001, 0), (1, 1)])])[0][0][0]) == "0.0"  # never "-0.0"
