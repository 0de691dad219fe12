"""Tests for turquesa_geo.gateways: the curated file, the choice of a pair's gateway and the lookups."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from shapely import Point

from turquesa_geo.countries import country_shapes, country_table
from turquesa_geo.gateways import (
    GATEWAY_COLUMNS,
    KIND_PREFERENCE,
    KINDS,
    MODES,
    gateway_for,
    gateway_lookup,
    gateway_table,
    main_airports,
)

#: A point may sit this far outside both countries' 1:50m polygons (coastlines and rivers are generalised).
SLACK_DEG = 0.05
CROSSING_KINDS = ("land_crossing", "river_crossing")

REQUIRED_IDS = [
    "necocli-acandi",
    "darien-gap",
    "paso-canoas",
    "penas-blancas",
    "guasaule",
    "el-espino",
    "trojes",
    "las-manos",
    "el-florido",
    "agua-caliente",
    "corinto",
    "tecun-uman",
    "tapachula",
    "el-ceibo",
    "ciudad-juarez",
    "tijuana",
    "reynosa",
    "matamoros",
    "piedras-negras",
    "nuevo-laredo",
    "nogales",
    "san-luis-rio-colorado",
    "rumichaca",
    "huaquillas",
    "cucuta",
    "paraguachon",
    "arauca",
    "pacaraima",
    "dajabon",
    "jimani",
    "elias-pina",
    "desaguadero",
    "chacalluta",
    "colchane",
    "ciudad-del-este",
    "encarnacion",
    "clorinda",
    "la-quiaca",
    "tabatinga-leticia",
    "guiria-cedros",
]
REQUIRED_AIRPORTS = [
    "BOG",
    "PTY",
    "GRU",
    "UIO",
    "MGA",
    "HAV",
    "MEX",
    "CUN",
    "LIM",
    "SDQ",
    "CCS",
    "EZE",
    "MIA",
    "PAP",
    "SAL",
]


@pytest.fixture(scope="module")
def table():
    return gateway_table()


@pytest.fixture(scope="module")
def shapes():
    return country_shapes().set_index("iso3").geometry


def _rows():
    return gateway_table().to_dict("records")


def _pair(row) -> frozenset[str]:
    return frozenset({row["country_a"], row["country_b"]} if pd.notna(row["country_b"]) else {row["country_a"]})


def test_columns_and_size(table):
    assert tuple(table.columns) == GATEWAY_COLUMNS
    assert 60 <= len(table) <= 100


def test_ids_are_unique_slugs(table):
    assert table["gateway_id"].is_unique
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", gid) for gid in table["gateway_id"])


def test_required_gateways_are_present(table):
    assert set(REQUIRED_IDS) <= set(table["gateway_id"])
    airports = table[table["kind"] == "airport"]
    codes = {re.search(r"\(([A-Z]{3})\)$", name).group(1) for name in airports["name"]}
    assert set(REQUIRED_AIRPORTS) <= codes


def test_kinds_modes_and_codes_are_valid(table):
    iso3 = set(country_table()["iso3"])
    assert set(table["kind"]) <= set(KINDS)
    assert {m for modes in table["modes"] for m in modes.split(";")} <= set(MODES)
    assert set(table["country_a"]) <= iso3
    assert set(table["country_b"].dropna()) <= iso3
    airports = table[table["kind"] == "airport"]
    assert airports["country_b"].isna().all() and (airports["modes"] == "air").all()
    joined = table[table["kind"] != "airport"]
    assert joined["country_b"].notna().all() and (joined["country_a"] != joined["country_b"]).all()


def test_coordinates_are_rounded_and_in_range(table):
    assert table["lon"].between(-180, 180).all() and table["lat"].between(-90, 90).all()
    assert (table[["lon", "lat"]].round(4) == table[["lon", "lat"]]).all().all()
    # Longitude first: every gateway is in the Americas, west of Greenwich.
    assert (table["lon"] < -30).all()


def test_each_pair_has_one_main_gateway_and_distinct_ranks(table):
    groups = table.groupby(table.apply(_pair, axis=1))["rank"]
    assert (groups.apply(lambda ranks: sorted(ranks) == list(range(1, len(ranks) + 1)))).all()


def test_main_gateway_of_a_pair_is_not_a_hub(table):
    assert not ((table["rank"] == 1) & (table["kind"] == "hub")).any()


@pytest.mark.parametrize("row", _rows(), ids=lambda row: row["gateway_id"])
def test_point_is_in_or_near_one_of_its_countries(row, shapes):
    point = Point(row["lon"], row["lat"])
    countries = [c for c in (row["country_a"], row["country_b"]) if pd.notna(c)]
    assert min(shapes[c].distance(point) for c in countries) <= SLACK_DEG


@pytest.mark.parametrize("row", [r for r in _rows() if r["kind"] in CROSSING_KINDS], ids=lambda row: row["gateway_id"])
def test_crossing_is_at_the_border(row, shapes):
    point = Point(row["lon"], row["lat"])
    assert shapes[row["country_a"]].distance(point) <= SLACK_DEG
    assert shapes[row["country_b"]].distance(point) <= SLACK_DEG


def test_guiria_departure_is_a_sea_point_off_venezuela(table, shapes):
    row = table.set_index("gateway_id").loc["guiria-cedros"]
    point = Point(row["lon"], row["lat"])
    assert not shapes["VEN"].contains(point) and not shapes["TTO"].contains(point)
    assert shapes["VEN"].distance(point) <= SLACK_DEG


def test_darien_crossing_in_both_orders():
    assert gateway_for("COL", "PAN").name == "darien-gap"
    assert gateway_for("PAN", "COL").name == "darien-gap"
    assert gateway_for("COL", "PAN", "land").name == "darien-gap"
    assert gateway_for("PAN", "COL", "river").name == "darien-gap"
    assert gateway_for("COL", "PAN", "sea").name == "necocli-acandi"


def test_returned_row_is_the_table_row():
    row = gateway_for("PAN", "CRI")
    assert list(row.index) == list(GATEWAY_COLUMNS)
    assert row[["gateway_id", "kind", "lon", "lat", "country_a", "country_b"]].tolist() == [
        "paso-canoas",
        "land_crossing",
        -82.838,
        8.528,
        "PAN",
        "CRI",
    ]


def test_land_leg_mexico_usa_is_a_land_crossing():
    row = gateway_for("MEX", "USA", "land")
    assert row["kind"] == "land_crossing" and row.name == "ciudad-juarez"
    assert gateway_for("USA", "MEX", "land").name == "ciudad-juarez"


def test_mode_preferences():
    assert gateway_for("SUR", "GUF", "river").name == "albina"
    assert gateway_for("SUR", "GUF", "land") is None  # the Maroni is crossed by boat only
    assert gateway_for("BRA", "GUF", "land").name == "oiapoque"
    assert gateway_for("VEN", "TTO").name == "guiria-cedros"
    assert gateway_for("VEN", "TTO", "sea").name == "guiria-cedros"
    assert gateway_for("VEN", "TTO", "land") is None
    assert gateway_for("MEX", "USA", "sea") is None


def test_air_legs_have_no_pair_gateway():
    assert gateway_for("CUB", "NIC", "air") is None
    assert gateway_for("COL", "PAN", "air") is None


def test_pairs_without_gateway_and_same_country():
    assert gateway_for("CUB", "USA") is None
    assert gateway_for("COL", "COL") is None
    assert gateway_for("COL", "COL", "land") is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("COL", "XXX"), "unknown ISO-3 country code 'XXX'"),
        (("col", "PAN"), "unknown ISO-3 country code 'col'"),
        (("COL", "PAN", "boat"), "unknown mode 'boat'"),
    ],
)
def test_bad_arguments_raise_naming_the_value(args, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        gateway_for(*args)


def test_lookup_is_unordered_and_holds_main_gateways():
    lookup = gateway_lookup()
    assert lookup[("COL", "PAN")] == lookup[("PAN", "COL")] == (-77.4, 8.425, "darien-gap")
    assert lookup[("MEX", "USA")] == (-106.487, 31.7485, "ciudad-juarez")
    assert all((b, a) in lookup for a, b in lookup)
    assert all(a != b for a, b in lookup)
    assert ("CUB", "NIC") not in lookup
    assert gateway_lookup("air") == {}


def test_lookup_returns_a_fresh_dict():
    gateway_lookup()[("COL", "PAN")] = (0.0, 0.0, "spoiled")
    assert gateway_lookup()[("COL", "PAN")][2] == "darien-gap"


def test_table_returns_a_fresh_copy():
    spoiled = gateway_table()
    spoiled.loc[0, "lon"] = 0.0
    assert gateway_table().loc[0, "lon"] != 0.0


def _reference_choice(records: list[dict], a: str, b: str, mode: str | None) -> str | None:
    """Slow reference: scan every row, apply the documented rule with plain Python."""
    best = None
    for row in records:
        if pd.isna(row["country_b"]) or {row["country_a"], row["country_b"]} != {a, b} or a == b:
            continue
        if mode is None:
            key = (row["rank"], row["gateway_id"])
        elif mode in row["modes"].split(";") and row["kind"] in KIND_PREFERENCE[mode]:
            key = (KIND_PREFERENCE[mode].index(row["kind"]), row["rank"], row["gateway_id"])
        else:
            continue
        if best is None or key < best[0]:
            best = (key, row["gateway_id"])
    return None if best is None else best[1]


def test_choices_match_a_slow_reference(table):
    records = table.to_dict("records")
    joined = table[table["country_b"].notna()]
    pairs = set(zip(joined["country_a"], joined["country_b"])) | set(zip(joined["country_b"], joined["country_a"]))
    pairs |= {("CUB", "USA"), ("COL", "COL"), ("HTI", "CUB"), ("BRA", "ARG")}
    for mode in (None, *MODES):
        lookup = gateway_lookup(mode)
        for a, b in sorted(pairs):
            expected = _reference_choice(records, a, b, mode)
            row = gateway_for(a, b, mode)
            assert (None if row is None else row.name) == expected, (a, b, mode)
            assert (lookup[(a, b)][2] if (a, b) in lookup else None) == expected, (a, b, mode)
        assert {pair for pair in lookup} <= pairs


def test_main_airports():
    airports = main_airports()
    assert airports.index.is_unique and airports.index.is_monotonic_increasing
    assert (airports["kind"] == "airport").all() and (airports["rank"] == 1).all()
    assert airports.loc["MEX", "gateway_id"] == "airport-mex"  # not Cancún, its second airport
    assert airports.loc["USA", ["lon", "lat"]].tolist() == [-80.287, 25.7959]
    assert "BLZ" not in airports.index
