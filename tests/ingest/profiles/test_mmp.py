"""The IOM Missing Migrants profile (turquesa_geo/ingest/profiles/mmp.py) on its hand-written fixtures.

Every expected value is read off tests/fixtures/profiles/mmp_incidents.{csv,json} (see tests/profile_files.py).
"""

from __future__ import annotations

import datetime as dt

from conftest import run_import
from profile_files import MMP_CSV, MMP_JSON
from profile_files import stored_case as _case
from profile_files import stored_persons as _persons

from turquesa_geo import outcomes
from turquesa_geo.filters import Filters
from turquesa_geo.ingest.profiles.common import note_text


def test_mmp_csv_reconciles_and_reports_what_it_could_not_map(store):
    result = run_import(store, MMP_CSV, profile="mmp")
    # Nothing is quarantined: the "(0, 0)" placeholder and the "two" dead keep their incidents, flagged.
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (8, 8, 0)
    assert result.quarantine_by_rule == {}
    assert result.flags_by_rule == {"bad_count": 1, "null_island": 1, "rounded_coordinates": 2}
    assert result.unmapped_codes == {"migration_route": ["Andean route"]}
    assert "cause_of_death" in result.ignored_columns and "url" in result.ignored_columns
    assert any("several countries of origin" in note_text(note) for note in result.notes)
    assert any("varios países de origen" in note_text(note, "es") for note in result.notes)
    assert store.execute("SELECT DISTINCT source FROM cases").fetchall() == [("IOM Missing Migrants Project",)]


def test_mmp_incident_keeps_its_point_precision_quality_route_and_outcomes(store):
    run_import(store, MMP_CSV, profile="mmp")
    darien = _case(store, "2020.MMP001")
    assert darien["crime_type"] == "smuggling" and darien["case_date"].date() == dt.date(2020, 1, 13)
    assert darien["place"] == "Darién Gap, Bajo Chiquito"  # entity decoded, trailing newline gone
    assert (darien["lat"], darien["lon"], darien["location_precision"]) == (8.45, -77.65, "approximate")
    # No country column: the point falls in Panama; "Darien" says transit through Panama, where it happened.
    assert (darien["origin"], darien["transit"], darien["detection_country"]) == ("VEN", None, "PAN")
    assert (darien["route_label"], darien["source_quality"], darien["dead"], darien["missing"]) == (
        "Darien",
        "3",
        2,
        None,
    )
    border = _case(store, "2021.MMP050a")
    assert border["case_date"].date() == dt.date(2021, 7, 15)  # "Thu, 07/15/2021 - 12:00"
    assert (border["location_precision"], border["destination"], border["detection_country"]) == (
        "whole_degree",
        "USA",
        "USA",
    )
    hispaniola = _case(store, "2022.MMP002")
    assert hispaniola["case_date"].date() == dt.date(2022, 1, 2)  # month-first, as IOM writes them
    assert (hispaniola["origin"], hispaniola["destination"]) == ("HTI", "DOM")
    at_sea = _case(store, "2022.MMP010")
    assert (at_sea["detection_country"], at_sea["missing"], at_sea["survivors"]) == (None, 5, 12)


def test_mmp_persons_keep_sex_and_children_without_counting_anyone_twice(store):
    run_import(store, MMP_CSV, profile="mmp")
    # 2 dead: 1 female, 1 male, 1 child among them; which sex the child is, the source does not say.
    assert _persons(store, "2021.MMP050b") == {("migrant", "female", "unknown"): 1, ("migrant", "male", "unknown"): 1}
    assert _case(store, "2021.MMP050b")["children"] == 1
    # 3 dead, all male, 1 child: the child is a boy.
    assert _persons(store, "2022.MMP002") == {("migrant", "male", "unknown"): 2, ("migrant", "male", "minor"): 1}
    # 5 missing: 2 female, 3 male.
    assert _persons(store, "2022.MMP010") == {("migrant", "female", "unknown"): 2, ("migrant", "male", "unknown"): 3}


def test_mmp_split_incidents_share_a_main_id_but_stay_two_cases(store):
    run_import(store, MMP_CSV, profile="mmp")
    ids = [
        r[0]
        for r in store.execute(
            "SELECT incident_id FROM cases WHERE incident_id LIKE '2021.MMP050%' ORDER BY 1"
        ).fetchall()
    ]
    assert ids == ["2021.MMP050a", "2021.MMP050b"]


def test_mmp_json_records_with_snake_case_keys(store):
    result = run_import(store, MMP_JSON, profile="mmp")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (3, 2, 1)
    assert result.quarantine_by_rule == {"bad_date": 1}  # 2023-02-30
    canas = _case(store, "90001")
    assert (canas["place"], canas["detection_country"], canas["origin"]) == ("Canãs Blancas", "PAN", "HTI")
    assert (canas["dead"], canas["missing"], canas["case_date"].date()) == (4, 1, dt.date(2022, 3, 14))
    assert _persons(store, "90001") == {("migrant", "female", "unknown"): 2, ("migrant", "male", "unknown"): 3}
    tapachula = _case(store, "90002")
    assert (tapachula["lat"], tapachula["lon"]) == (14.9, -92.1)  # from "POINT (-92.1 14.9)"


def test_mmp_reimport_is_idempotent_and_a_corrected_file_updates_only_what_changed(store, write):
    first = run_import(store, MMP_CSV, profile="mmp")
    again = run_import(store, MMP_CSV, profile="mmp")
    assert again.already_imported and again.import_id == first.import_id
    corrected = write(
        "mmp_v2.csv",
        MMP_CSV.read_text(encoding="utf-8").replace("2022-03-05,2022,Mar,0,5,5,12", "2022-03-05,2022,Mar,1,4,5,12"),
    )
    second = run_import(store, corrected, profile="mmp")
    assert (second.rows_inserted, second.rows_updated, second.rows_unchanged) == (0, 1, 7)
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 8
    assert (_case(store, "2022.MMP010")["dead"], _case(store, "2022.MMP010")["missing"]) == (1, 4)


# --- deaths and disappearances ---------------------------------------------------------


def test_outcomes_sum_by_country_with_small_counts_protected(store):
    run_import(store, MMP_CSV, profile="mmp")
    run_import(store, MMP_JSON, profile="mmp")
    frame = outcomes.outcomes(store, Filters())
    table = outcomes.outcomes_by_country(frame)
    panama = table[table["country"] == "Panama"].iloc[0].to_dict()
    assert panama == {
        "country": "Panama",
        "incidents": "<5",
        "dead": "6",
        "missing": "<5",
        "survivors": "0",
        "women_girls": "<5",
        "men_boys": "<5",
        "children": "0",
    }
    # The incident whose dead read "two" is kept with its dead not reported: Colombia, 0 counted.
    assert table["country"].tolist()[-1] == "Colombia" and "At sea or unknown" in table["country"].tolist()
    precision = outcomes.precision_shares(frame)
    # Ten incidents now that none is lost (the placeholder point and the unreadable count are kept, flagged).
    assert precision.iloc[0].tolist() == ["Approximate point (1 or 2 decimals)", "5", "50%"]
    assert (precision["share"][1:] == "").all()  # the other grades rest on fewer than 5 incidents
    assert precision["location_precision"].tolist() == [
        "Approximate point (1 or 2 decimals)",
        "Rounded to whole degrees (about 100 km)",
        "Exact point (3 or more decimals)",
    ]
    assert outcomes.quality_shares(frame)["source_quality"].tolist() == ["5", "3", "2", "4", "1"]
    # With k = 2 the counts behind them show: 10 incidents, 5 with approximate points (50 %).
    assert outcomes.precision_shares(frame, k=2).values.tolist()[0] == [
        "Approximate point (1 or 2 decimals)",
        "5",
        "50%",
    ]
    assert "En mer ou inconnu" in outcomes.outcomes_by_country(frame, "fr")["country"].tolist()
    only_usa = outcomes.outcomes_by_country(outcomes.outcomes(store, Filters(destination=("USA",))))
    assert only_usa["country"].tolist() == ["United States", "At sea or unknown"]
