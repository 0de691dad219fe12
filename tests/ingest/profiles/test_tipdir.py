"""The US TIP report directionality profile (turquesa_geo/ingest/profiles/tipdir.py): roles and routes.

Every expected value is read off tests/fixtures/profiles/tipdir_roles.csv (one row per report year, country
and victim profile, roles as 1/0 or Yes/No) or tipdir_routes.csv (origin, transit and destination countries
per row): see tests/profile_files.py. The real University of Denver layout was not available to check: both
shapes the coding is described in are read.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import run_import
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profile_files import TIPDIR_ROLES, TIPDIR_ROUTES
from profile_fuzz import CELL_VALUES, csv_shape, garbled_csv, garblings

from turquesa_geo.ingest.profiles import check_profile, tipdir
from turquesa_geo.ingest.readers import ImportRefused
from turquesa_geo.store.connection import connect


def test_the_profile_maps_a_flat_frame_of_roles():
    frame = pd.DataFrame(
        {
            "_line": [2, 3, 4],
            "year": ["2020", "2020", "2020.0"],
            "country": ["Congo, Dem. Rep.", "Middle East", "Korea, Rep."],
            "origin": ["1", "0", "yes"],
            "transit": ["1", "1", None],
            "destination": ["0", "0", "true"],
            "victim_type": ["girls", "labour trafficking", None],
        }
    )
    accepted, problems, mapping = tipdir.to_counts(frame)
    assert problems.empty
    assert accepted[
        ["indicator", "year", "area", "country", "category", "sex", "age_group", "breakdown", "value"]
    ].astype(object).where(accepted.notna(), None).values.tolist() == [
        ["tip_roles", 2020, "COD", "COD", "origin+transit", "female", "minor", "total", 1],
        ["tip_roles", 2020, "KOR", "KOR", "origin+destination", "total", "total", "total", 1],
        ["tip_roles", 2020, "Middle East", None, "transit", "total", "total", "forced_labour_other", 1],
    ]
    assert mapping.unmapped == {}
    assert mapping.notes[0]["params"] == {"n": 1, "areas": "Middle East"}


def test_the_profile_maps_a_flat_frame_of_routes():
    frame = pd.DataFrame(
        {
            "_line": [2, 3],
            "year": ["2019", "2019"],
            "origin_country": ["Guatemala", "Egypt, Arab Republic of"],
            "transit_country": ["Mexico", None],
            "destination_country": ["United States", "Europe"],
        }
    )
    accepted, problems, _mapping = tipdir.to_counts(frame)
    assert problems.empty
    assert accepted[["category", "country", "area", "value"]].astype(object).where(
        accepted.notna(), None
    ).values.tolist() == [["EGY>Europe", None, "Europe", 1], ["GTM>MEX>USA", "USA", "USA", 1]]
    # The same routes under the other names of the columns ("Country of origin", ...).
    renamed = frame.rename(
        columns={"origin_country": "country_of_origin", "destination_country": "country_of_destination"}
    )
    assert tipdir.to_counts(renamed)[0]["category"].tolist() == ["EGY>Europe", "GTM>MEX>USA"]


def test_places_and_profiles_as_the_report_writes_them():
    assert [tipdir.place_code(t)[0] for t in ("Egypt, Arab Republic of", "Korea, Rep.", "Congo, Dem. Rep.")] == [
        "EGY",
        "KOR",
        "COD",
    ]
    # Regions are kept as regions, never resolved to a country.
    for region in ("Europe", "Caribbean", "Africa", "Asia", "Middle East", "the Gulf", "Western Europe"):
        assert tipdir.place_code(region) == (region, True), region
    assert tipdir.place_code("Atlantis") == ("Atlantis", False)
    assert [tipdir.profile_codes(t) for t in ("men", "boys", "forced labor", "domestic servitude", "mixed")] == [
        ("male", "adult", "total"),
        ("male", "minor", "total"),
        ("total", "total", "forced_labour_other"),
        ("total", "total", "forced_labour_domestic"),
        None,
    ]


def test_a_roles_file_reconciles_keeps_regions_and_flags_what_it_cannot_read(store):
    result = run_import(store, TIPDIR_ROLES, profile="tipdir")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (12, 9, 3)
    assert result.quarantine_by_rule == {"bad_year": 1, "duplicate_row": 1, "missing_country": 1}
    assert (result.rows_flagged, result.flags_by_rule) == (
        3,
        {"unknown_place": 1, "unknown_role_value": 1, "unknown_profile": 1},
    )
    assert result.unmapped_codes == {"country": ["Atlantis"], "profile": ["sports"]}
    rows = store.execute(
        "SELECT year, area, country, category, sex, age_group, breakdown, value FROM aggregate_counts ORDER BY all"
    ).fetchall()
    assert rows == [
        (2021, "Atlantis", None, "origin", "male", "adult", "total", 1),
        (2021, "Caribbean", None, "transit", "total", "total", "total", 1),  # a region: no country
        (2021, "EGY", "EGY", "origin+transit+destination", "total", "minor", "total", 1),
        (2021, "HND", "HND", "origin", "female", "adult", "total", 1),
        (2021, "KOR", "KOR", "origin+destination", "total", "total", "total", 1),  # Yes/No
        (2021, "MEX", "MEX", "origin+transit+destination", "total", "total", "forced_labour_other", 1),
        (2021, "MEX", "MEX", "origin+transit+destination", "total", "total", "sexual", 1),
        (2022, "COD", "COD", "origin", "female", "adult", "total", 1),  # "maybe" is not a role
        (2022, "GTM", "GTM", "origin+transit+destination", "total", "total", "sports", 1),
    ]
    assert store.execute("SELECT DISTINCT source, indicator, unit FROM aggregate_counts").fetchall() == [
        ("US TIP report (University of Denver coding)", "tip_roles", "Reports")
    ]


def test_a_routes_file_keeps_transit_legs_and_sums_a_route_named_twice(store):
    result = run_import(store, TIPDIR_ROUTES, profile="tipdir")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (11, 8, 3)
    assert (result.rows_inserted, result.rows_merged) == (7, 1)
    assert result.quarantine_by_rule == {"bad_year": 1, "duplicate_row": 1, "missing_place": 1}
    assert (result.rows_flagged, result.flags_by_rule) == (1, {"unknown_place": 1})
    assert result.unmapped_codes == {"place": ["Atlantis"]}
    rows = store.execute(
        "SELECT year, category, country, sex, age_group, breakdown, value FROM aggregate_counts ORDER BY all"
    ).fetchall()
    assert rows == [
        (2021, "HND>GTM>MEX>USA", "USA", "female", "adult", "total", 2),  # named in two chapters
        (2021, "VEN>COL>PAN>MEX", "MEX", "total", "total", "sexual", 1),
        (2022, "Caribbean>USA", "USA", "total", "total", "total", 1),
        (2022, "EGY>KOR", "KOR", "male", "adult", "total", 1),
        (2022, "HND>Atlantis>USA", "USA", "total", "minor", "total", 1),
        (2022, "NGA>LBY>Europe", None, "female", "adult", "total", 1),
        (2022, "VEN>COL", "COL", "total", "total", "forced_labour_other", 1),
    ]
    notes = [n["params"] for n in result.notes]
    assert notes == [{"n": 2, "areas": "Caribbean, Europe"}]


def test_a_flat_incident_file_is_not_taken_for_a_tip_coding():
    columns = ["incident_id", "date", "crime_type", "origin", "transit", "destination", "detection_country"]
    with pytest.raises(ImportRefused, match=r"choose the format flat \(--profile flat\)"):
        check_profile("tipdir", columns, "cases.csv")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), path=st.sampled_from([TIPDIR_ROLES, TIPDIR_ROUTES]))
def test_no_garbled_cell_stops_a_tip_coding(data, path):
    columns, rows = csv_shape(path)
    garbling = data.draw(garblings(columns, rows, CELL_VALUES))
    with tempfile.TemporaryDirectory() as folder:
        garbled = Path(folder) / "tipdir.csv"
        garbled.write_text(garbled_csv(path, garbling), encoding="utf-8")
        con = connect(Path(folder) / "store.duckdb")
        try:
            result = run_import(con, garbled, profile="tipdir")
            assert result.rows_read == rows
            assert set(result.quarantine_by_rule) <= set(tipdir.QUARANTINE_RULES)
            stored = con.execute("SELECT count(*) FROM aggregate_counts").fetchall()[0][0]
            assert stored == result.rows_accepted - result.rows_merged
        finally:
            con.close()
