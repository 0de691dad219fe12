"""The interactive corridor map (pydeck): records per leg and hub, protected counts, layers in order."""

from __future__ import annotations

import json

import pandas as pd

from turquesa_geo.maps.deck import (
    MAP_LEGEND,
    MAX_WIDTH_PX,
    MIN_WIDTH_PX,
    CompactDeck,
    corridor_deck,
    flow_records,
    hub_records,
    map_legend,
    reference_records,
)

LEGS = pd.DataFrame(
    [("VEN", "COL", False, 40, 90), ("COL", "PAN", True, 10, 12), ("PAN", "CRI", False, 3, 4)],
    columns=["from_iso3", "to_iso3", "inferred", "cases", "persons"],
)
HUBS = pd.DataFrame(
    [("COL", 0, 40, 10, 50), ("VEN", 40, 0, 0, 40), ("CRI", 0, 3, 0, 3)],
    columns=["iso3", "cases_out", "cases_in", "cases_through", "throughput"],
)


def test_one_record_per_leg_with_tooltip_width_and_arrowhead():
    records = flow_records(LEGS)
    assert [r["tooltip"] for r in records] == [
        "VEN→COL: 40 cases, 90 persons",
        "COL→PAN: 10 cases, 12 persons (inferred)",
        "PAN→CRI: <5 cases, <5 persons",
    ]
    assert [r["inferred"] for r in records] == [False, True, False]
    assert records[0]["width"] == MAX_WIDTH_PX and MIN_WIDTH_PX < records[2]["width"] < records[1]["width"]
    assert all(len(r["arrow"]) == 3 and len(r["path"]) >= 2 for r in records)


def test_paths_run_from_origin_to_destination_at_001_degree_precision():
    path = flow_records(LEGS.head(1))[0]["path"]
    assert path[0][0] > path[-1][0]  # Venezuela lies east of Colombia: the path runs west
    assert all(round(x, 2) == x and round(y, 2) == y for x, y in path)


def test_hubs_under_k_are_not_drawn_and_tooltips_give_the_three_roles():
    records = hub_records(HUBS)
    assert len(records) == 2
    assert records[0]["tooltip"] == "Colombia\nout (origin): 0\nthrough (transit): 10\nin (destination): 40"
    assert records[0]["radius"] == 16.0 and records[1]["radius"] < 16.0


def test_empty_inputs_give_no_records():
    assert flow_records(LEGS.head(0)) == [] and hub_records(HUBS.head(0)) == []


def test_reference_flows_under_k_are_not_drawn_and_say_what_they_count():
    flows = pd.DataFrame(
        [("VEN", "COL", 12, 0, 2020, 2022), ("HTI", "DOM", 4, 1, 2021, 2021)],
        columns=["from_iso3", "to_iso3", "value", "censored", "first_year", "last_year"],
    )
    records = reference_records(flows)
    assert len(records) == 1 and "arrow" not in records[0]
    assert records[0]["tooltip"].startswith("Reference (aggregate counts) · VEN citizens detected in COL, 2020–2022: ")


def test_the_deck_has_its_layers_in_drawing_order_and_compact_json():
    deck = corridor_deck(LEGS, HUBS)
    assert isinstance(deck, CompactDeck)
    ids = [layer.id for layer in deck.layers]
    assert ids[:3] == ["countries", "flows", "inferred_flows"] and "arrows" in ids
    spec = deck.to_json()
    assert "\n" not in spec and json.loads(spec)["initialViewState"]["zoom"] == 2.15
    flows = next(layer for layer in json.loads(spec)["layers"] if layer["id"] == "flows")
    assert len(flows["data"]) == 2  # VEN→COL and PAN→CRI; the inferred leg has its own layer


def test_legend_in_the_language():
    assert map_legend("en") == MAP_LEGEND
    assert map_legend("es")["observed"] != MAP_LEGEND["observed"]
