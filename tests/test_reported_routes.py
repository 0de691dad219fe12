"""The routes and roles the US TIP report names, read back (turquesa_geo/reported_routes.py): legs through transit
countries, drawn dashed like GLOTIP's flows. Every expected value is read off tests/fixtures/profiles/tipdir_*.csv."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import run_import
from profile_files import TIPDIR_ROLES, TIPDIR_ROUTES

from turquesa_geo import references, reported_routes
from turquesa_geo.filters import Filters
from turquesa_geo.maps.deck import REFERENCE_COLOUR, corridor_deck, reference_records


@pytest.fixture
def tip_store(store):
    run_import(store, TIPDIR_ROUTES, profile="tipdir")
    run_import(store, TIPDIR_ROLES, profile="tipdir")
    return store


def _routes(con, **filters) -> list[str]:
    return reported_routes.tip_routes(con, Filters(**filters))["category"].tolist()


def test_route_legs_run_through_the_transit_countries(tip_store):
    legs = reported_routes.route_legs(reported_routes.tip_routes(tip_store, Filters()))
    assert legs.values.tolist() == [
        ["GTM", "MEX", 2, 0, 2021, 2021, 1],
        ["HND", "GTM", 2, 0, 2021, 2021, 1],
        ["MEX", "USA", 2, 0, 2021, 2021, 1],
        ["VEN", "COL", 2, 0, 2021, 2022, 2],  # on VEN>COL>PAN>MEX (2021) and VEN>COL (2022)
        ["COL", "PAN", 1, 0, 2021, 2021, 1],
        ["EGY", "KOR", 1, 0, 2022, 2022, 1],
        ["NGA", "LBY", 1, 0, 2022, 2022, 1],
        ["PAN", "MEX", 1, 0, 2021, 2021, 1],
    ]  # no leg to or from a region (Europe, Caribbean) or an unknown place (Atlantis)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"origin": ("HND",)}, ["HND>GTM>MEX>USA", "HND>Atlantis>USA"]),
        ({"transit": ("MEX",)}, ["HND>GTM>MEX>USA"]),  # Mexico as the destination of VEN>COL>PAN>MEX is no transit
        ({"destination": ("USA",)}, ["HND>GTM>MEX>USA", "Caribbean>USA", "HND>Atlantis>USA"]),
        ({"start": dt.date(2022, 1, 1), "genders": ("female",)}, ["NGA>LBY>Europe"]),
        ({"age_groups": ("minor",)}, ["HND>Atlantis>USA"]),
        ({"crime_types": ("trafficking",), "roles": ("victim",)}, "all"),
        ({"crime_types": ("smuggling",)}, []),
        ({"roles": ("suspect",)}, []),
        ({"modus": (("platform", "tiktok"),)}, []),
    ],
)
def test_routes_follow_the_filters_by_their_places(tip_store, filters, expected):
    assert _routes(tip_store, **filters) == (_routes(tip_store) if expected == "all" else expected)


def test_routes_and_roles_read_as_tables(tip_store):
    table = reported_routes.routes_table(reported_routes.tip_routes(tip_store, Filters()))
    assert table.values.tolist() == [
        ["Honduras → Guatemala → Mexico → United States", "2021", 2, "Women"],
        ["Caribbean → United States", "2022", 1, "All"],
        ["Egypt → South Korea", "2022", 1, "Men"],
        ["Honduras → Atlantis → United States", "2022", 1, "Children"],
        ["Nigeria → Libya → Europe", "2022", 1, "Women"],
        ["Venezuela → Colombia", "2022", 1, "Forced labour: other sector"],
        ["Venezuela → Colombia → Panama → Mexico", "2021", 1, "Sexual exploitation"],
    ]
    roles = reported_routes.roles_table(reported_routes.tip_roles(tip_store, Filters(origin=("MEX", "KOR"))))
    assert roles.values.tolist() == [
        ["South Korea", 2021, "origin, destination", "All"],
        ["Mexico", 2021, "origin, transit, destination", "Forced labour: other sector"],
        ["Mexico", 2021, "origin, transit, destination", "Sexual exploitation"],
    ]


def test_the_map_draws_every_leg_dashed_in_the_report_s_words(tip_store):
    flows = references.map_reference_flows(tip_store, Filters(transit=("MEX",)))
    assert flows[["from_iso3", "to_iso3", "value", "indicator"]].values.tolist() == [
        ["GTM", "MEX", 2, "tip_routes"],
        ["HND", "GTM", 2, "tip_routes"],
        ["MEX", "USA", 2, "tip_routes"],
    ]
    records = reference_records(references.map_reference_flows(tip_store, Filters(start=dt.date(2022, 1, 1))))
    # Counts of a report's words, not of persons: drawn even when named once (under the small-cell threshold).
    assert [r["tooltip"] for r in records] == [
        "Reference (US TIP report) · EGY→KOR, a leg of 1 route(s) the report names, 2022: named 1 time(s)",
        "Reference (US TIP report) · NGA→LBY, a leg of 1 route(s) the report names, 2022: named 1 time(s)",
        "Reference (US TIP report) · VEN→COL, a leg of 1 route(s) the report names, 2022: named 1 time(s)",
    ]
    no_legs = pd.DataFrame(columns=["from_iso3", "to_iso3", "inferred", "cases", "persons"])
    no_hubs = pd.DataFrame(columns=["iso3", "cases_out", "cases_in", "cases_through", "throughput"])
    deck = corridor_deck(no_legs, no_hubs, reference_flows=flows)
    layer = next(layer for layer in deck.layers if layer.id == "reference_flows")
    assert layer.get_color == REFERENCE_COLOUR and layer.get_dash_array == [8, 4]
    assert len(layer.data) == 3
