"""Corridors: literal answers on a hand-made store, the planted demo corridors, and the map payload."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from conftest import TODAY, csv_text

from turquesa_geo.corridors import corridor_table, corridor_view
from turquesa_geo.filters import Filters
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.maps.deck import corridor_deck
from turquesa_geo.store.connection import connect

HEADER = "incident_id,date,crime_type,origin,transit,destination,detection_country,migrants_f_adult,migrants_m_adult"


def _rows() -> list[str]:
    rows = [f"C{i},2024-0{1 + i % 6}-10,smuggling,VEN,COL>PAN,USA,PAN,4,6" for i in range(6)]
    rows += [f"P{i},2024-03-1{i},smuggling,VEN,,USA,PAN,0,10" for i in range(3)]  # partial: no transit
    rows += [f"H{i},2024-05-0{1 + i},smuggling,HTI,,DOM,DOM,2,3" for i in range(5)]
    rows += ["X1,2023-05-01,smuggling,HTI,,DOM,DOM,1,0"]  # the previous year
    return rows


@pytest.fixture
def small_store(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(csv_text(*_rows(), header=HEADER))
    con = connect(tmp_path / "c.duckdb")
    import_file(con, path, today=TODAY)
    yield con
    con.close()


def test_partial_records_are_completed_and_counted_apart(small_store):
    view = corridor_view(small_store, Filters(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)))
    corridors = view.corridors.set_index("route")
    assert corridors.loc["VEN>COL>PAN>USA", ["cases", "cases_inferred", "persons", "women_girls"]].tolist() == [
        9,
        3,
        90,
        24,
    ]
    assert corridors.loc["HTI>DOM", ["cases", "cases_prev", "persons", "women_girls"]].tolist() == [5, 1, 25, 10]
    legs = view.legs.set_index(["from_iso3", "to_iso3", "inferred"])["cases"].to_dict()
    # The partial records saw VEN, PAN (detection) and USA: PAN>USA is reported, VEN>COL>PAN is inferred.
    assert legs == {
        ("VEN", "COL", False): 6,
        ("COL", "PAN", False): 6,
        ("PAN", "USA", False): 9,
        ("HTI", "DOM", False): 5,
    }
    # The two inferred legs have 3 cases each, a small cell: not drawn, but counted.
    assert (view.hidden_flows, view.hidden_cases) == (2, 6)
    hubs = view.hubs.set_index("iso3")
    assert hubs.loc["PAN", ["cases_out", "cases_through", "cases_in"]].tolist() == [0, 9, 0]


def test_route_role_filters_use_the_rebuilt_route(small_store):
    through_col = corridor_view(small_store, Filters(transit=("COL",)))
    assert through_col.corridors["route"].tolist() == ["VEN>COL>PAN>USA"]
    to_dom = corridor_view(small_store, Filters(destination=("DOM",)))
    assert to_dom.corridors[["route", "cases"]].values.tolist() == [["HTI>DOM", 6]]
    from_pan = corridor_view(small_store, Filters(origin=("PAN",)))
    assert from_pan.corridors.empty and from_pan.legs.empty


def test_corridor_table_hides_small_cells_and_their_shares(small_store):
    view = corridor_view(small_store, Filters(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)))
    table = corridor_table(view.corridors).set_index("route")
    assert table.loc["VEN>COL>PAN>USA", "cases"] == "9"
    assert pd.isna(table.loc["VEN>COL>PAN>USA", "inferred_pct"])  # 3 inferred cases: a small cell
    assert pd.isna(table.loc["HTI>DOM", "change_pct"])  # previous period had 1 case
    assert table.loc["HTI>DOM", "women_girls_pct"] == 40
    assert table.loc["VEN>COL>PAN>USA", "corridor"] == "Venezuela → Colombia → Panama → United States"


def test_map_payload_is_small_lon_first_and_in_range(small_store):
    view = corridor_view(small_store, Filters())
    spec = json.loads(corridor_deck(view.legs, view.hubs).to_json())
    assert "mapStyle" not in spec or spec["mapStyle"] == "__MAP_STYLE__"  # no basemap fetched
    points = []
    for layer in spec["layers"]:
        for record in layer["data"]:
            for key in ("path", "polygon"):
                points += record.get(key, [])
            if "position" in record:
                points.append(record["position"])
    coords = np.array(points, dtype=float)
    assert ((-180 <= coords[:, 0]) & (coords[:, 0] <= 180) & (-90 <= coords[:, 1]) & (coords[:, 1] <= 90)).all()
    hubs = {r["tooltip"].split("\n")[0]: r["position"] for r in spec["layers"][4]["data"]}
    lon, lat = hubs["Panama"]
    assert -83 < lon < -77 and 7 < lat < 10  # longitude first
    assert "C1" not in json.dumps(spec)  # no case ids reach the browser


def test_flows_are_capped_and_the_payload_stays_under_half_a_megabyte():
    from turquesa_geo.countries import country_table

    codes = country_table()["iso3"].tolist()
    rng = np.random.default_rng(3)
    pairs = {(a, b) for a, b in rng.choice(codes, size=(6000, 2)) if a != b}
    legs = pd.DataFrame(
        [(a, b, False, 10, 20) for a, b in sorted(pairs)],
        columns=["from_iso3", "to_iso3", "inferred", "cases", "persons"],
    ).head(2000)
    hubs = pd.DataFrame(columns=["iso3", "cases_out", "cases_in", "cases_through", "throughput"])
    size = len(corridor_deck(legs, hubs).to_json().encode())
    assert len(legs) == 2000
    assert size < 500_000, size


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    from turquesa_geo.demo.generator import write_demo

    folder = tmp_path_factory.mktemp("demo")
    path = write_demo(folder / "demo.parquet", rows=20_000, seed=7)
    con = connect(folder / "demo.duckdb")
    import_file(con, path, today=TODAY)
    yield con
    con.close()


def test_every_planted_corridor_comes_out_on_top_of_its_filter(demo_store):
    from turquesa_geo.corridors import corridor_graph
    from turquesa_geo.demo.truth import DEMO_CORRIDORS

    graph = corridor_graph(demo_store)
    misses = []
    for corridor in DEMO_CORRIDORS:
        route = corridor.route
        view = corridor_view(
            demo_store,
            Filters(crime_types=(corridor.crime_type,), origin=(route[0],), destination=(route[-1],)),
            graph=graph,
        )
        top = view.corridors["route"].iloc[0] if len(view.corridors) else None
        if top != ">".join(route):
            misses.append((corridor.key, top))
    assert not misses


def test_cli_prints_ranked_corridors_with_the_dashboard_filters(small_store, tmp_path, capsys):
    from turquesa_geo.cli import main

    db = small_store.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()[
        0
    ][0]
    small_store.close()
    assert main(["corridors", "--db", db, "--from", "2024-01-01", "--to", "2024-12-31", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "rank,route,cases,persons,inferred_pct,change_pct,women_girls_pct",
        "1,VEN>COL>PAN>USA,9,90,,,27",
        "2,HTI>DOM,5,25,0,,40",
    ]
    assert main(["corridors", "--db", db, "--dest", "DOM", "--format", "json"]) == 0
    import json

    report = json.loads(capsys.readouterr().out)
    assert [(c["route"], c["cases"]) for c in report["corridors"]] == [("HTI>DOM", "6")]
    assert main(["corridors", "--db", db, "--via", "Narnia"]) == 1
    assert "'Narnia' is not a known value" in capsys.readouterr().err


def test_route_benchmark_compares_like_with_like():
    from turquesa_geo.bench.runner import bench_routes

    report = bench_routes(3_000, seed=5)
    # The naive per-case loop and the aggregate-first way must give the same cases per route;
    # the speed figures themselves are for `turquesa bench routes`, never asserted here.
    assert report["same_counts_per_route"] is True
    assert report["routes"] > 12 and report["naive_s"] > 0 and report["turquesa_s"] > 0


def test_excluding_flagged_cases_takes_exactly_those_cases_off_the_corridors():
    from tiny_store import tiny_store

    con = tiny_store(flags=True)
    year = Filters(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    every = corridor_view(con, year)
    kept = corridor_view(con, Filters(start=year.start, end=year.end, exclude_flagged=True))
    assert every.corridors[["route", "cases", "cases_prev", "cases_flagged"]].values.tolist() == [
        ["HTI>PAN>CRI>MEX>USA", 1, 0, 1],
        ["VEN>COL>PAN", 1, 1, 0],
        ["VEN>PER", 1, 0, 1],
    ]
    assert kept.corridors[["route", "cases", "cases_prev", "cases_flagged"]].values.tolist() == [
        ["VEN>COL>PAN", 1, 0, 0]  # A2, the case of the year before, is flagged too
    ]
    assert every.total_cases - kept.total_cases == int(every.corridors["cases_flagged"].sum()) == 2
    con.close()
