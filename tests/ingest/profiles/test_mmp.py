"""The IOM Missing Migrants profile (turquesa_geo/ingest/profiles/mmp.py) on its hand-written fixtures.

Every expected value is read off tests/fixtures/profiles/mmp_incidents.{csv,json} and mmp_americas.{csv,json}
(see tests/profile_files.py); the fuzz tests garble them (see tests/profile_fuzz.py).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import run_import
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profile_files import MMP_AMERICAS_CSV, MMP_AMERICAS_JSON, MMP_CSV, MMP_DARIEN_JSON, MMP_JSON
from profile_files import stored_case as _case
from profile_files import stored_persons as _persons
from profile_fuzz import (
    CELL_VALUES,
    JSON_VALUES,
    check_reconciled,
    csv_shape,
    garbled_csv,
    garbled_json,
    garblings,
    json_shape,
)

from turquesa_geo import outcomes
from turquesa_geo.corridors import routes_of
from turquesa_geo.filters import Filters
from turquesa_geo.ingest.profiles import mmp
from turquesa_geo.ingest.profiles.common import note_text
from turquesa_geo.routes import SIGNATURE_COLUMNS, known_points, reconstruct_routes, route_legs
from turquesa_geo.store.connection import connect


def test_mmp_csv_reconciles_and_reports_what_it_could_not_map(store):
    result = run_import(store, MMP_CSV, profile="mmp")
    # Nothing is quarantined: the "(0, 0)" placeholder and the "two" dead keep their incidents, flagged.
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (8, 8, 0)
    assert result.quarantine_by_rule == {}
    assert result.flags_by_rule == {"bad_count": 1, "null_island": 1, "rounded_coordinates": 2}
    assert result.unmapped_codes == {"migration_route": ["Andean route"]}
    assert "cause_of_death" not in result.ignored_columns and "url" in result.ignored_columns
    assert any("several countries of origin" in note_text(note) for note in result.notes)
    assert any("varios países de origen" in note_text(note, "es") for note in result.notes)
    assert store.execute("SELECT DISTINCT source FROM cases").fetchall() == [("IOM Missing Migrants Project",)]


def test_mmp_incident_keeps_its_point_precision_quality_route_and_outcomes(store):
    run_import(store, MMP_CSV, profile="mmp")
    darien = _case(store, "2020.MMP001")
    # Deaths and disappearances during migration: their own measure, never a smuggling case.
    assert darien["crime_type"] == "migration_deaths" and darien["case_date"].date() == dt.date(2020, 1, 13)
    assert darien["cause_of_death"] == "Drowning (P)"  # as the source gives it, hedge and all
    assert darien["place"] == "Darién Gap, Bajo Chiquito"  # entity decoded, trailing newline gone
    assert (darien["lat"], darien["lon"], darien["location_precision"]) == (8.45, -77.65, "approximate")
    # No country column: the point falls in Panama; "Darien" is crossed northward, Colombia > Panama > Costa Rica.
    assert (darien["origin"], darien["transit"], darien["detection_country"]) == ("VEN", "COL>PAN>CRI", "PAN")
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
    # 10 incidents: 6 points to a tenth or hundredth of a degree ("19.0, -71.7" among them), 3 in whole degrees
    # ("32, -111" twice, the "0, 0" placeholder), 1 exact.
    assert outcomes.precision_shares(frame).values.tolist() == [
        ["Approximate point (1 or 2 decimals)", "6", "60%"],
        ["Rounded to whole degrees (about 100 km)", "<5", ""],
        ["Exact point (3 or more decimals)", "<5", ""],
    ]
    # With k = 2 the counts behind them show: 3 of 10 in whole degrees (30 %).
    assert outcomes.precision_shares(frame, k=2).values.tolist()[1] == [
        "Rounded to whole degrees (about 100 km)",
        "3",
        "30%",
    ]
    quality = outcomes.quality_shares(frame, k=1)
    assert dict(zip(quality["source_quality"], quality["incidents"])) == {
        "5": "3",
        "3": "2",
        "2": "2",
        "4": "2",
        "1": "1",
    }
    in_french = outcomes.outcomes_by_country(frame, "fr")["country"].tolist()
    assert in_french[-1] == "Colombie" and "En mer ou inconnu" in in_french
    only_usa = outcomes.outcomes_by_country(outcomes.outcomes(store, Filters(destination=("USA",))))
    assert only_usa["country"].tolist() == ["United States", "At sea or unknown"]


# --- every IOM row is a record of people (issue 16): tests/fixtures/profiles/mmp_americas.{json,csv} -------------


def _ids_and(store, column: str) -> list[tuple]:
    return store.execute(f"SELECT incident_id, {column} FROM cases ORDER BY incident_id").fetchall()


def test_a_blank_coordinate_no_longer_stops_an_iom_json_file(store):
    # "location_coodinates": "" on the first record (a float NaN under pandas 3), no key at all on another.
    result = run_import(store, MMP_AMERICAS_JSON, profile="mmp")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined, result.rows_merged) == (12, 12, 0, 1)
    assert result.flags_by_rule == {
        "adjustment": 1,
        "bad_count": 1,  # number_of_survivors "NaN"
        "coordinates_outside_country": 1,
        "partial_date": 2,
        "repeated_row": 1,
        "rounded_coordinates": 1,
    }
    darien = _case(store, "2022.MMP0101")
    assert (darien["lat"], darien["location_precision"], darien["detection_country"]) == (None, "country", "PAN")
    assert darien["place"] == "Bajo Chiquito, Darién"
    assert darien["origin"] == "VEN"  # the HDX file's country_origin


def test_iom_split_incidents_stay_one_case_per_part_and_a_word_for_word_repeat_counts_once(store):
    run_import(store, MMP_AMERICAS_JSON, profile="mmp")
    # Four records share web_id 2022.MMP0102: two Hondurans (3 dead: vehicle accident; 3 dead: violence, all else
    # equal), one Guatemalan (1 dead) given twice word for word.
    parts = [r for r in _ids_and(store, "origin, dead") if r[0].startswith("2022.MMP0102")]
    assert parts == [("2022.MMP0102", "HND", 3), ("2022.MMP0102/2", "GTM", 1), ("2022.MMP0102/3", "HND", 3)]
    flags = store.execute(
        "SELECT c.incident_id, f.rule FROM case_flags f JOIN cases c USING (case_uid) WHERE f.rule = 'repeated_row'"
    ).fetchall()
    assert flags == [("2022.MMP0102/2", "repeated_row")]
    # IOM's sum of the 12 rows is 15 dead; the repeat of 1 is counted once.
    assert store.execute("SELECT sum(dead) FROM cases").fetchall() == [(14,)]


def test_iom_split_incidents_of_the_csv_keep_their_incident_ids_and_origins(store):
    run_import(store, MMP_AMERICAS_CSV, profile="mmp")
    parts = [r for r in _ids_and(store, "origin, dead") if r[0].startswith("2023.MMP0202")]
    assert parts == [("2023.MMP0202a", "VEN", 2), ("2023.MMP0202b", "ECU", 1)]
    assert store.execute("SELECT count(*) FROM case_flags WHERE rule = 'split_record'").fetchall() == [(0,)]


def test_points_at_sea_across_a_border_or_in_whole_degrees_are_kept_with_their_precision(store):
    run_import(store, MMP_AMERICAS_JSON, profile="mmp")
    straits = _case(store, "2022.MMP0110")  # no country of incident, a point in the Florida Straits
    assert (straits["lat"], straits["lon"], straits["location_precision"], straits["detection_country"]) == (
        24.1,
        -81.2,
        "approximate",
        None,
    )
    assert (straits["missing"], straits["survivors"]) == (6, 21)
    mona = _case(store, "2022.MMP0111")  # "Dominican Republic", the point in the Mona Passage
    assert (mona["lat"], mona["lon"], mona["detection_country"]) == (18.45, -67.2, "DOM")
    pima = _case(store, "2023.MMP0001")  # "31, -110": drawn at the country, its precision kept
    assert (pima["lat"], pima["location_precision"], pima["detection_country"]) == (None, "whole_degree", "USA")
    flagged = store.execute(
        "SELECT c.incident_id, f.rule FROM case_flags f JOIN cases c USING (case_uid) "
        "WHERE f.rule LIKE '%coordinates%' ORDER BY 1"
    ).fetchall()
    assert flagged == [("2022.MMP0111", "coordinates_outside_country"), ("2023.MMP0001", "rounded_coordinates")]


def test_an_adjustment_row_nets_out_of_the_missing_and_of_the_persons(store):
    run_import(store, MMP_AMERICAS_JSON, profile="mmp")
    adjustment = _case(store, "2023.MMP0002")
    assert (adjustment["dead"], adjustment["missing"]) == (0, -2)
    assert _persons(store, "2023.MMP0002") == {("migrant", "unknown", "unknown"): -2}
    # 6 missing in the Florida Straits + 3 in the Mona Passage - 2 found alive.
    assert store.execute("SELECT sum(missing) FROM cases").fetchall() == [(7,)]
    # Persons: the dead and missing of every case, the adjustment netted (14 dead + 7 missing).
    assert store.execute("SELECT sum(persons) FROM case_persons").fetchall() == [(21,)]


def test_an_adjustment_of_the_csv_adjusts_its_persons_too(store):
    run_import(store, MMP_AMERICAS_CSV, profile="mmp")
    assert (_case(store, "2023.MMP0203")["dead"], _case(store, "2023.MMP0203")["missing"]) == (None, -1)
    assert _persons(store, "2023.MMP0203") == {("migrant", "unknown", "unknown"): -1}


def test_a_blank_date_is_kept_at_the_precision_its_year_and_month_give_in_both_vintages(store):
    json_result = run_import(store, MMP_AMERICAS_JSON, profile="mmp")
    assert json_result.quarantine_by_rule == {}
    csv_result = run_import(store, MMP_AMERICAS_CSV, profile="mmp")
    # Only the row with no date, no year and no month cannot be dated at any precision.
    assert (csv_result.rows_read, csv_result.rows_accepted, csv_result.quarantine_by_rule) == (
        7,
        6,
        {"missing_date": 1},
    )
    dated = {
        i: (d, p)
        for i, d, p in store.execute(
            "SELECT incident_id, case_date, date_precision FROM cases WHERE date_precision IN ('month', 'year')"
        ).fetchall()
    }
    assert dated == {
        "2023.MMP0003": (dt.date(2023, 5, 1), "month"),  # JSON: "reported_date": "", year 2023, month May
        "2023.MMP0004": (dt.date(2023, 1, 1), "year"),  # JSON: no reported_date, month blank
        "2023.MMP0201": (dt.date(2023, 7, 1), "month"),  # CSV: Incident Date blank, 2023, July
        "2023.MMP0204": (dt.date(2023, 2, 1), "month"),  # CSV: "02/30/2023" is no day: February 2023
    }
    assert any("a date that is not a day (02/30/2023)" in note_text(n) for n in csv_result.notes)
    assert any("una fecha que no es un día" in note_text(n, "es") for n in csv_result.notes)
    assert _case(store, "2023.MMP0005")["date_precision"] == "day"  # numbers as JSON numbers


def test_the_dead_and_missing_of_the_csv_equal_the_sum_of_its_dated_rows(store):
    run_import(store, MMP_AMERICAS_CSV, profile="mmp")
    # Rows of the file, the undatable one (1 dead) aside: dead 1 + 2 + 1 + 0, missing -1 + 4, and 4 in a total alone.
    assert store.execute("SELECT sum(dead), sum(missing) FROM cases").fetchall() == [(4, 3)]
    assert store.execute("SELECT sum(persons) FROM case_persons").fetchall() == [(4 + 3 + 4,)]


# --- one blank field never stops a file ------------------------------------------------------------


@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_garbled_cell_stops_an_iom_csv_file(data):
    columns, rows = csv_shape(MMP_CSV)
    garbling = data.draw(garblings(columns, rows, CELL_VALUES))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mmp.csv"
        path.write_text(garbled_csv(MMP_CSV, garbling), encoding="utf-8")
        con = connect(Path(folder) / "store.duckdb")
        try:
            check_reconciled(con, run_import(con, path, profile="mmp"), rows)
        finally:
            con.close()


@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_garbled_cell_stops_an_iom_json_file(data):
    columns, rows = json_shape(MMP_AMERICAS_JSON)
    garbling = data.draw(garblings(columns, rows, JSON_VALUES))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mmp.json"
        path.write_text(garbled_json(MMP_AMERICAS_JSON, garbling), encoding="utf-8")
        con = connect(Path(folder) / "store.duckdb")
        try:
            check_reconciled(con, run_import(con, path, profile="mmp"), rows)
        finally:
            con.close()


# --- direction from the source's own words (issue 16 item 2): turquesa_geo/data/mmp_routes.csv -----------------

#: (label as IOM writes it, country of origin, country of incident) -> (origin, transit, destination, known points of
#: the route). One or more incidents per label of the route table, in each country where the label puts incidents.
ROUTE_CASES = [
    # The Darién is crossed northward: Colombia > Panama, then Costa Rica; an incident on either side is on that leg.
    (("Darien", "Venezuela", "Colombia"), ("VEN", "COL>PAN>CRI", None, "VEN>COL>PAN>CRI")),
    (("Darien", "Venezuela", "Panama"), ("VEN", "COL>PAN>CRI", None, "VEN>COL>PAN>CRI")),
    (("Darien", None, "Panama"), (None, "COL>PAN>CRI", None, "COL>PAN>CRI")),
    (("Darien", "Colombia", "Colombia"), ("COL", "PAN>CRI", None, "COL>PAN>CRI")),
    (("Darien", "Ecuador", "Ecuador"), ("ECU", "COL>PAN>CRI", None, "ECU>COL>PAN>CRI")),
    (("Darien Gap", "Haiti", "Panama"), ("HTI", "COL>PAN>CRI", None, "HTI>COL>PAN>CRI")),
    (("US-Mexico border crossing", "Mexico", "Mexico"), ("MEX", None, "USA", "MEX>USA")),
    (("US-Mexico border crossing", "Guatemala", "United States of America"), ("GTM", "MEX", "USA", "GTM>MEX>USA")),
    (("US-Mexico border crossing", None, "Mexico"), (None, "MEX", "USA", "MEX>USA")),
    (("Central America to US", "Honduras", "Guatemala"), ("HND", "GTM>MEX", "USA", "HND>GTM>MEX>USA")),
    (("Central America to US", "El Salvador", "Mexico"), ("SLV", "MEX", "USA", "SLV>MEX>USA")),
    (("Caribbean to US", "Cuba", None), ("CUB", None, "USA", "CUB>USA")),
    (("Caribbean to US", "Haiti", "Bahamas"), ("HTI", None, "USA", "HTI>BHS>USA")),
    (("Caribbean to US", "Cuba", "United States of America"), ("CUB", None, "USA", "CUB>USA")),
    (
        ("Dominican Republic to Puerto Rico", "Dominican Republic", "Dominican Republic"),
        ("DOM", None, "PRI", "DOM>PRI"),
    ),
    (("Dominican Republic to Puerto Rico", "Haiti", "Puerto Rico"), ("HTI", "DOM", "PRI", "HTI>DOM>PRI")),
    (("Dominican Republic to Puerto Rico", "Venezuela", None), ("VEN", "DOM", "PRI", "VEN>DOM>PRI")),
    (("Haiti to Dominican Republic", "Haiti", "Haiti"), ("HTI", None, "DOM", "HTI>DOM")),
    (("Haiti to Dominican Republic", "Haiti", "Dominican Republic"), ("HTI", None, "DOM", "HTI>DOM")),
    (("Haiti to Dominican Republic", None, "Dominican Republic"), (None, "HTI", "DOM", "HTI>DOM")),
    (("From Haiti to Dajabon, Dominican Republic", "Haiti", "Dominican Republic"), ("HTI", None, "DOM", "HTI>DOM")),
    # An island is the end of the route; an incident off Venezuela's own coast names no second country.
    (("Venezuela to Caribbean", "Venezuela", "Trinidad and Tobago"), ("VEN", None, None, "VEN>TTO")),
    (("Venezuela to Caribbean", None, "Curaçao"), (None, "VEN", None, "VEN>CUW")),
    (("Venezuela to Caribbean", "Venezuela", "Venezuela"), ("VEN", None, None, "VEN")),
    (("Venezuela to Curaçao", "Venezuela", None), ("VEN", None, "CUW", "VEN>CUW")),
    (("Caribbean to Central America", "Cuba", "Nicaragua"), ("CUB", None, None, "CUB>NIC")),
    (("Caribbean to Central America", "Haiti", "Colombia"), ("HTI", None, None, "HTI>COL")),
    (("Uncategorized", "Haiti", "Trinidad and Tobago"), ("HTI", None, None, "HTI>TTO")),
    (
        ("Central Mediterranean,US-Mexico border crossing", "Mexico", "United States of America"),
        ("MEX", None, None, "MEX>USA"),
    ),
    # Other regions keep what they had: a destination where the label names it, never a transit.
    (("English Channel to the UK", "Iraq", "France"), ("IRQ", None, "GBR", "IRQ>FRA>GBR")),
    (("Atlantic route to the Canary Islands", "Senegal", "Spain"), ("SEN", None, "ESP", "SEN>ESP")),
    (
        ("Western Africa / Atlantic route to the Canary Islands", "Mali", "Saint Kitts and Nevis"),
        ("MLI", None, "ESP", "MLI>KNA>ESP"),
    ),
    (("Central Mediterranean", "Eritrea", "Libya"), ("ERI", None, None, "ERI>LBY")),
    (("Western Mediterranean", "Guinea", "Morocco"), ("GIN", None, None, "GIN>MAR")),
    (("Eastern Mediterranean", "Syria", "Greece"), ("SYR", None, None, "SYR>GRC")),
    (("Western Balkans", "Afghanistan", "Serbia"), ("AFG", None, None, "AFG>SRB")),
    (("Horn of Africa Route", "Ethiopia", "Yemen"), ("ETH", None, None, "ETH>YEM")),
    (("Sahara Desert crossing", "Sudan", "Niger"), ("SDN", None, None, "SDN>NER")),
]


def _one_incident(label: str, origin: str | None, country: str | None) -> dict:
    """The flat row the profile makes of one HDX JSON record with this route label, origin and country."""
    cells = {
        "web_id": "2024.MMP0001",
        "reported_date": "2024-05-01",
        "number_dead": "1",
        "country_of_incident": country,
        "country_origin": origin,
        "migration_route": label,
        "_line": 1,
    }
    mapping = mmp.to_flat(pd.DataFrame([cells], dtype=object))
    assert mapping.unmapped == {}, mapping.unmapped
    return mapping.flat.iloc[0].to_dict()


@pytest.mark.parametrize(("incident", "expected"), ROUTE_CASES, ids=[" / ".join(map(str, i)) for i, _ in ROUTE_CASES])
def test_each_route_label_puts_its_incident_on_its_leg_in_the_direction_of_travel(incident, expected):
    row = _one_incident(*incident)
    origin, transit, destination, points = expected
    assert (row["origin"], row["transit"], row["destination"]) == (origin, transit, destination)
    assert row["route_label"] == incident[0]
    route = known_points(
        row["origin"], row["transit"], row["destination"], row["nationality"], row["detection_country"]
    )
    assert ">".join(route) == points


def test_every_label_of_the_route_table_has_its_case_above():
    assert {mmp.route_key(label) for (label, *_), _ in ROUTE_CASES} == set(mmp.route_labels())
    assert {r.label for r in mmp.route_labels().values() if r.region == "americas"} == {
        "Darien",
        "Darien Gap",
        "US-Mexico border crossing",
        "Central America to US",
        "Caribbean to US",
        "Dominican Republic to Puerto Rico",
        "Haiti to Dominican Republic",
        "From Haiti to Dajabon, Dominican Republic",
        "Venezuela to Caribbean",
        "Venezuela to Curaçao",
        "Caribbean to Central America",
        "Uncategorized",
        "Central Mediterranean,US-Mexico border crossing",
    }


@pytest.mark.parametrize(
    ("written", "label"),
    [
        ("DARIEN", "Darien"),
        ("Darién", "Darien"),
        (" darien  gap ", "Darien Gap"),
        ("From Haiti to Dajabon Dominican Republic", "From Haiti to Dajabon, Dominican Republic"),
        ("Venezuela to Curacao", "Venezuela to Curaçao"),
        ("us-mexico border crossing", "US-Mexico border crossing"),
    ],
)
def test_a_route_label_is_found_whatever_its_case_accents_spaces_and_commas(written, label):
    assert mmp.route_labels()[mmp.route_key(written)].label == label


def test_a_route_label_the_table_does_not_hold_is_reported_and_gives_no_direction():
    cells = {"web_id": "1", "reported_date": "2024-05-01", "number_dead": "1", "country_of_incident": "Panama"}
    mapping = mmp.to_flat(pd.DataFrame([{**cells, "migration_route": "Andean route", "_line": 1}], dtype=object))
    assert mapping.unmapped == {"migration_route": ["Andean route"]}
    assert (mapping.flat.loc[0, "transit"], mapping.flat.loc[0, "destination"]) == (None, None)


def test_a_route_table_with_a_code_that_is_no_country_is_refused_naming_it(tmp_path, monkeypatch):
    table = tmp_path / "mmp_routes.csv"
    table.write_text(
        "label,region,departure,arrival,onward,destination,note\nDarien,americas,COL,PNA,,,\n", encoding="utf-8"
    )
    monkeypatch.setattr(mmp, "ROUTES_FILE", table)
    mmp.route_labels.cache_clear()
    try:
        with pytest.raises(ValueError, match="route label 'Darien': arrival 'PNA' is not an ISO3 country code"):
            mmp.route_labels()
    finally:
        monkeypatch.undo()
        mmp.route_labels.cache_clear()


def test_darien_incidents_on_both_sides_rebuild_one_northward_corridor_that_passes_through_panama(store):
    run_import(store, MMP_DARIEN_JSON, profile="mmp")
    signatures = store.execute(
        "SELECT nationality, origin, transit, destination, detection_country, CAST(count(*) AS BIGINT) AS cases "
        "FROM cases GROUP BY ALL ORDER BY detection_country"
    ).df()
    assert signatures.astype(object).where(signatures.notna(), None).values.tolist() == [
        ["VEN", "VEN", "COL>PAN>CRI", None, "COL", 1],  # Acandí: where it happened is Colombia, on the leg COL>PAN
        ["VEN", "VEN", "COL>PAN>CRI", None, "PAN", 1],  # Bajo Chiquito
        ["GTM", "GTM", "MEX", "USA", "USA", 1],
    ]
    routes = reconstruct_routes(signatures)
    assert routes["route"].tolist() == ["VEN>COL>PAN>CRI", "VEN>COL>PAN>CRI", "GTM>MEX>USA"]
    legs = route_legs(routes)
    assert list(zip(legs["from_iso3"], legs["to_iso3"], legs["cases"])) == [
        ("COL", "PAN", 2),  # northward: never PAN > COL
        ("GTM", "MEX", 1),
        ("MEX", "USA", 1),
        ("PAN", "CRI", 2),
        ("VEN", "COL", 2),
    ]
    # The corridor query of `turquesa corridors --via PAN` (corridors._filter_route_roles through routes_of).
    via_panama = routes_of(signatures, filters=Filters(transit=("PAN",)))
    assert via_panama[[*SIGNATURE_COLUMNS[-1:], "route"]].values.tolist() == [
        ["COL", "VEN>COL>PAN>CRI"],
        ["PAN", "VEN>COL>PAN>CRI"],
    ]
    assert routes_of(signatures, filters=Filters(transit=("MEX",)))["route"].tolist() == ["GTM>MEX>USA"]


def test_the_dead_and_missing_stored_equal_the_sources_own_sum_of_the_rows_kept(store):
    """IOM's own "Total Number of Dead and Missing", summed over the file's rows with a usable date (the one
    without date or year is quarantined, and IOM's sum with it is 12), equals what Turquesa counts: incidents
    whose source gives only the total (MMP0206: 4) and adjustment rows (MMP0203: -1) included."""
    import csv

    with MMP_AMERICAS_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sum(int(r["Total Number of Dead and Missing"]) for r in rows) == 12
    kept = [r for r in rows if r["Incident year"] or r["Incident Date"]]
    result = run_import(store, MMP_AMERICAS_CSV, profile="mmp")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (7, 6, 1)
    totals = outcomes.outcome_totals(store, Filters())
    assert totals["dead_and_missing"] == sum(int(r["Total Number of Dead and Missing"]) for r in kept) == 11
    assert (totals["incidents"], totals["dead"], totals["missing"]) == (6, 4, 3)
    # None of it is a case.
    assert store.execute("SELECT count(*) FROM counted_cases").fetchall() == [(0,)]
