"""The corridor map and trends pages over US CBP encounters and US TIP report routes (turquesa_ui/reference_panels.py),
beside IOM cases and UNODC GLOTIP counts, under Streamlit's AppTest. Every figure is read off the fixtures of
tests/fixtures/profiles (see tests/profile_files.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from app_pages import open_page
from conftest import GOOD_ROWS, csv_text, run_import
from profile_files import CBP_AOR, GLOTIP_CSV, TIPDIR_ROUTES
from streamlit.testing.v1 import AppTest

from turquesa_geo.store.connection import connect

APP = Path(__file__).resolve().parent.parent / "app.py"
PERIOD = {"from": "2021-01-01", "to": "2023-12-31"}


@pytest.fixture
def reference_store(tmp_path, app_on, write):
    db = tmp_path / "references.duckdb"
    con = connect(db)
    # Two cases whose dates span the public files' months: the pages' period runs over the cases' dates.
    cases = csv_text(GOOD_ROWS[0].replace("2024-03-05", "2023-12-20"), GOOD_ROWS[2].replace("2023-12-01", "2021-01-04"))
    run_import(con, write("cases.csv", cases))
    for path, profile in ((GLOTIP_CSV, "glotip"), (CBP_AOR, "cbp"), (TIPDIR_ROUTES, "tipdir")):
        run_import(con, path, profile=profile)
    con.close()
    app_on(db)
    return db


def _table(at: AppTest, columns: set[str]) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if columns <= set(d.value.columns))


def test_the_corridor_map_draws_and_lists_every_reference_source_apart(reference_store):
    at = open_page("corridor_map", **PERIOD)
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    reference = next(layer for layer in deck["layers"] if layer["id"] == "reference_flows")
    tooltips = [r["tooltip"] for r in reference["data"]]
    assert tooltips[:2] == [
        "Reference (aggregate counts) · COL citizens detected in ESP, 2021: 60 victims",
        "Reference (aggregate counts) · VEN citizens detected in COL, 2021: 48 victims",
    ]
    assert (
        "Reference (US CBP) · MEX citizens encountered at the US border, 2022-10–2023-11: 2,507 encounters" in tooltips
    )
    assert (
        "Reference (US TIP report) · PAN→MEX, a leg of 1 route(s) the report names, 2021: named 1 time(s)" in tooltips
    )
    assert sum("US CBP" in t for t in tooltips) == 8 and sum("US TIP" in t for t in tooltips) == 8
    assert _table(at, {"citizenship", "detected_in"})["victims"].tolist() == ["60", "48", "<5"]  # GLOTIP's, alone
    encounters = _table(at, {"citizenship", "months", "encounters"})
    assert encounters.iloc[0].tolist() == ["Mexico", "2022-10 – 2023-11", "2,507"]
    assert encounters["citizenship"].tolist()[-3:] == ["OTHER", "ATLANTIS", "Myanmar"]
    routes = _table(at, {"route", "named"})
    assert routes.iloc[0].tolist() == ["Honduras → Guatemala → Mexico → United States", "2021", 2, "Women"]
    assert len(routes) == 7


def test_a_source_filter_leaves_the_other_sources_out(reference_store):
    at = open_page("corridor_map", **PERIOD, src="US CBP")
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    reference = next(layer for layer in deck["layers"] if layer["id"] == "reference_flows")
    assert {r["tooltip"].split(" · ")[0] for r in reference["data"]} == {"Reference (US CBP)"}
    assert not [d for d in at.dataframe if {"route", "named"} <= set(d.value.columns)]
    assert any("No route of the TIP report for this selection." in i.value for i in at.info)


def test_the_trends_page_draws_encounters_per_month_and_splits_them(reference_store):
    at = open_page("trends", **PERIOD)
    monthly = _table(at, {"month", "encounters"})
    assert monthly.values.tolist() == [
        ["2022-10", "Encounters", "4,117"],
        ["2023-09", "Encounters", "60"],
        ["2023-10", "Encounters", "1,150"],
        ["2023-11", "Encounters", "14"],
    ]
    at.segmented_control(key="encounter_split").set_value("authority").run()
    assert not at.exception
    split = _table(at, {"month", "encounters"})
    assert split.values.tolist()[:2] == [
        ["2022-10", "Title 42 (public health expulsions)", "500"],
        ["2022-10", "Title 8 (immigration law)", "3,617"],
    ]
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert any("Encounters at the US border per month" in c["layout"]["title"]["text"] for c in charts)
