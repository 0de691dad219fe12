"""Import profiles of public data: IOM Missing Migrants, UNODC GLOTIP, CTDC.

The files in tests/fixtures/profiles are written by hand in the shape of the public
downloads, with their quirks (HTML entities, trailing newlines, mixed date styles,
``"lat, lon"`` text, whole-degree points, split incidents sharing a Main ID, ``<5``
values, region codes, ``-99``, a terms-of-use header cell, year bands). Every expected
value below is read off those files.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import run_import
from hypothesis import given, settings
from hypothesis import strategies as st

from turquesa_geo import outcomes
from turquesa_geo import references as aggregates
from turquesa_geo.cli import main
from turquesa_geo.filters import Filters
from turquesa_geo.ingest.profiles import ctdc, glotip, looks_like, mmp
from turquesa_geo.ingest.profiles.common import (
    allocate_persons,
    clean_text,
    coordinate_precision,
    note_text,
    parse_coordinates,
)
from turquesa_geo.ingest.profiles.glotip import parse_value
from turquesa_geo.ingest.readers import ImportRefused

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "profiles"
MMP_CSV, MMP_JSON = FIXTURES / "mmp_incidents.csv", FIXTURES / "mmp_incidents.json"
GLOTIP_CSV = FIXTURES / "glotip_country_data.csv"
CTDC_GLOBAL, CTDC_SYNTHETIC = FIXTURES / "ctdc_global.csv", FIXTURES / "ctdc_synthetic.csv"


def _case(con, incident_id: str) -> dict:
    frame = con.execute("SELECT * FROM cases WHERE incident_id = ?", [incident_id]).df()
    assert len(frame) == 1, incident_id
    return {k: (None if v is None or v != v else v) for k, v in frame.iloc[0].to_dict().items()}


def _persons(con, incident_id: str) -> dict[tuple[str, str, str], int]:
    rows = con.execute(
        "SELECT p.role, p.gender, p.age_group, p.persons FROM case_persons p JOIN cases c "
        "USING (case_uid) WHERE c.incident_id = ?",
        [incident_id],
    ).fetchall()
    return {(r, g, a): n for r, g, a, n in rows}


def _codes(con, incident_id: str, dimension: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT a.code FROM case_attributes a JOIN cases c USING (case_uid) WHERE c.incident_id = ? "
            "AND a.dimension = ? ORDER BY a.code",
            [incident_id, dimension],
        ).fetchall()
    ]


# --- IOM Missing Migrants ------------------------------------------------------------


def test_mmp_csv_reconciles_and_reports_what_it_could_not_map(store):
    result = run_import(store, MMP_CSV, profile="mmp")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (8, 6, 2)
    assert result.quarantine_by_rule == {"bad_count": 1, "null_island": 1}
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
    assert (second.rows_inserted, second.rows_updated, second.rows_unchanged) == (0, 1, 5)
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 6
    assert (_case(store, "2022.MMP010")["dead"], _case(store, "2022.MMP010")["missing"]) == (1, 4)


# --- wrong profile -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "given", "likely"),
    [
        (MMP_CSV, "glotip", "mmp"),
        (MMP_CSV, "flat", "mmp"),
        (GLOTIP_CSV, "mmp", "glotip"),
        (GLOTIP_CSV, "flat", "glotip"),
        (CTDC_GLOBAL, "mmp", "ctdc"),
        (CTDC_SYNTHETIC, "glotip", "ctdc"),
        (MMP_JSON, "ctdc", "mmp"),
    ],
)
def test_a_file_in_the_wrong_profile_is_refused_naming_the_one_it_looks_like(store, path, given, likely):
    with pytest.raises(ImportRefused, match=f"--profile {likely}"):
        run_import(store, path, profile=given)
    assert store.execute("SELECT count(*) FROM imports").fetchall()[0][0] == 0
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 0


def test_a_file_of_no_known_profile_is_refused_saying_so(store, write):
    path = write("weather.csv", "station,rain_mm\nBOG,12\n")
    with pytest.raises(ImportRefused, match="looks like none of the known profiles"):
        run_import(store, path, profile="ctdc")


def test_looks_like_picks_the_profile_with_most_marker_columns():
    assert looks_like(["iso3_code", "indicator", "dimension", "txtvalue"]).name == "glotip"
    assert looks_like(["incident_id", "date", "crime_type"]).name == "flat"
    assert looks_like(["a", "b"]) is None


# --- UNODC GLOTIP --------------------------------------------------------------------


def test_glotip_counts_reconcile_keep_censored_values_and_regions(store):
    result = run_import(store, GLOTIP_CSV, profile="glotip")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (18, 14, 4)
    assert result.quarantine_by_rule == {"bad_value": 1, "bad_year": 1, "duplicate_row": 1, "unknown_indicator": 1}
    assert result.unmapped_codes == {"category": ["Exploitation for mixed purposes"]}
    assert result.ignored_columns == ["region", "subregion"]
    censored = store.execute(
        "SELECT area, category, sex, age_group, value, censored FROM aggregate_counts "
        "WHERE censored IS NOT NULL ORDER BY area"
    ).fetchall()
    assert censored == [("COL", "total", "female", "minor", None, "<5"), ("PAN", "VEN", "total", "total", None, "<5")]
    assert store.execute("SELECT country, value FROM aggregate_counts WHERE area = 'XLA'").fetchall() == [(None, 3000)]
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 0  # counts are not cases
    message = store.execute("SELECT message FROM quarantine WHERE rule = 'duplicate_row'").fetchall()[0][0]
    assert "already on line 2" in message and "2021," in message


def test_glotip_xlsx_export_gives_the_same_counts(store, tmp_path):
    frame = pd.read_csv(GLOTIP_CSV, dtype=str, keep_default_na=False)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append(list(row))
    path = tmp_path / "glotip.xlsx"
    book.save(path)
    result = run_import(store, path, profile="glotip")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (18, 14, 4)
    assert store.execute("SELECT sum(value) FROM aggregate_counts").fetchall()[0][0] == 3569


def test_glotip_reimport_replaces_only_the_values_that_changed(store, write):
    run_import(store, GLOTIP_CSV, profile="glotip")
    newer = write(
        "glotip_v2.csv",
        GLOTIP_CSV.read_text(encoding="utf-8")
        .replace("Female,Adult,2021,Counts,120,", "Female,Adult,2021,Counts,125,")
        .replace("Male,Adult,2021,Counts,35,", "Male,Adult,2021,Counts,<5,"),
    )
    result = run_import(store, newer, profile="glotip")
    assert (result.rows_inserted, result.rows_updated, result.rows_unchanged) == (0, 2, 12)
    rows = store.execute(
        "SELECT sex, value, censored FROM aggregate_counts WHERE area = 'COL' AND year = 2021 "
        "AND dimension = 'total' AND age_group = 'adult' ORDER BY sex"
    ).fetchall()
    assert rows == [("female", 125, None), ("male", None, "<5")]
    assert store.execute("SELECT count(*) FROM aggregate_counts").fetchall()[0][0] == 14


def test_glotip_citizenship_rows_become_flows_and_series(store):
    run_import(store, GLOTIP_CSV, profile="glotip")
    flows = aggregates.citizenship_flows(
        aggregates.reference_counts(store, Filters(), "detected_victims", "citizenship")
    )
    assert flows[["from_iso3", "to_iso3", "value", "censored"]].values.tolist() == [
        ["COL", "ESP", 60, 0],
        ["VEN", "COL", 48, 0],
        ["VEN", "PAN", 0, 1],
    ]
    assert aggregates.flows_table(flows)["victims"].tolist() == ["60", "48", "<5"]
    forms = aggregates.yearly_series(
        aggregates.reference_counts(store, Filters(), "detected_victims", "exploitation_form")
    )
    assert dict(zip(forms["category"], forms["value"])) == {
        "Exploitation for mixed purposes": 6,
        "forced_labour_other": 20,
        "sexual": 70,
    }
    groups = aggregates.sex_age_series(aggregates.reference_counts(store, Filters()))
    assert groups[["year", "group", "value", "censored"]].values.tolist() == [
        [2020, "Women", 100, 0],
        [2020, "Girls", 8, 0],
        [2021, "Women", 120, 0],
        [2021, "Girls", 0, 1],
        [2021, "Men", 35, 0],
    ]
    assert aggregates.sex_age_table(groups).to_dict("records")[1] == {
        "year": 2021,
        "Women": "120",
        "Girls": "<5",
        "Men": "35",
    }


def test_glotip_counts_follow_the_filters_they_are_split_by(store):
    run_import(store, GLOTIP_CSV, profile="glotip")

    def flows(**kwargs):
        counts = aggregates.reference_counts(store, Filters(**kwargs), "detected_victims", "citizenship")
        return aggregates.citizenship_flows(counts)[["from_iso3", "to_iso3"]].values.tolist()

    assert flows(destination=("ESP",)) == [["COL", "ESP"]]
    assert flows(origin=("VEN",)) == [["VEN", "COL"], ["VEN", "PAN"]]
    assert flows(start=dt.date(2022, 1, 1)) == []
    # Filters the counts are not split by select nothing rather than being ignored.
    assert flows(crime_types=("smuggling",)) == []
    assert flows(transit=("PAN",)) == []
    assert flows(roles=("suspect",)) == []
    assert flows(crime_types=("trafficking",), sources=("UNODC GLOTIP",)) != []


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(st.integers(min_value=0, max_value=10**9))
def test_parse_value_reads_whole_numbers_as_written(n):
    assert parse_value(str(n)) == (n, None, True)
    assert parse_value(f"{n:,}") == (n, None, True)


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(st.integers(min_value=1, max_value=100))
def test_parse_value_keeps_censored_values_censored(n):
    assert parse_value(f"<{n}") == (None, f"<{n}", True)
    assert parse_value(f"< {n}") == (None, f"<{n}", True)


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(st.text())
def test_parse_value_never_invents_a_number(text):
    value, censored, valid = parse_value(text)
    if value is not None:
        assert valid and str(value) in text.replace(",", "").replace(" ", "").replace("\u00a0", "")
    if not valid:
        assert value is None and censored is None


# --- CTDC -----------------------------------------------------------------------------


def test_ctdc_victim_level_file_with_terms_in_its_first_header_cell(store):
    result = run_import(store, CTDC_GLOBAL, profile="ctdc")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (8, 6, 2)
    assert result.quarantine_by_rule == {"bad_date": 1, "future_date": 1}  # "20x9" and 2099
    assert result.unmapped_codes == {"citizenship": ["XX"], "columns": ["recruiterrelationfriend"]}
    assert "datasource" in result.ignored_columns
    cases = store.execute(
        "SELECT case_date, date_precision, origin, destination FROM cases ORDER BY case_uid"
    ).fetchall()
    assert [(d.year, p, o, t) for d, p, o, t in cases] == [
        (2019, "year", "COL", "USA"),
        (2019, "year", "VEN", "COL"),
        (2020, "year", "HND", "USA"),
        (2020, "year", "HND", "USA"),
        (2021, "year", None, None),
        (2021, "year", None, "MEX"),
    ]
    persons = store.execute(
        "SELECT gender, age_group, sum(persons) FROM case_persons GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert persons == [("female", "adult", 2), ("female", "minor", 1), ("male", "adult", 2), ("unknown", "unknown", 1)]


def test_ctdc_identical_records_are_two_victims_with_stable_ids(store):
    run_import(store, CTDC_GLOBAL, profile="ctdc")
    ids = [r[0] for r in store.execute("SELECT incident_id FROM cases WHERE origin = 'HND' ORDER BY 1").fetchall()]
    assert len(ids) == 2 and ids[0][:-2] == ids[1][:-2] and {ids[0][-2:], ids[1][-2:]} == {"-1", "-2"}


def test_ctdc_flags_become_modus_operandi_codes(store):
    run_import(store, CTDC_GLOBAL, profile="ctdc")
    first = store.execute("SELECT incident_id FROM cases WHERE origin = 'COL'").fetchall()[0][0]
    assert _codes(store, first, "control_method") == ["debt_bondage"]
    assert _codes(store, first, "exploitation_form") == ["sexual"]
    assert _codes(store, first, "recruitment_method") == ["intimate_partner"]
    labour = store.execute("SELECT incident_id FROM cases WHERE origin = 'HND'").fetchall()[0][0]
    # The sector is named, so the generic "forced labour, other sector" of isForcedLabour is not added.
    assert _codes(store, labour, "exploitation_form") == ["forced_labour_agriculture"]


def test_ctdc_synthetic_file_of_regions_and_year_bands(store):
    result = run_import(store, CTDC_SYNTHETIC, profile="ctdc")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (4, 4, 0)
    assert result.unmapped_codes == {"meansofcontrol": ["Curfew"]}
    assert result.ignored_columns == ["ip_gender", "ip_citizenship_region"]
    notes = [note_text(n) for n in result.notes]
    assert any("UN regions" in n for n in notes) and any("victim–perpetrator pair" in n for n in notes)
    rows = store.execute("SELECT case_date, date_precision, origin FROM cases ORDER BY case_uid").fetchall()
    assert [(d, p, o) for d, p, o in rows] == [(dt.date(2014, 1, 1), "period", None)] * 2 + [
        (dt.date(2019, 1, 1), "period", None)
    ] * 2
    codes = store.execute("SELECT dimension, code, count(*) FROM case_attributes GROUP BY ALL ORDER BY ALL").fetchall()
    assert codes == [
        ("control_method", "debt_bondage", 1),
        ("control_method", "excessive_working_hours", 2),
        ("control_method", "threats", 2),
        ("control_method", "withholds_documents", 2),
        ("exploitation_form", "forced_labour_other", 2),
        ("exploitation_form", "sexual", 2),
    ]


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
    assert table["country"].tolist()[-1] == "At sea or unknown"
    precision = outcomes.precision_shares(frame)
    assert precision.iloc[0, :2].tolist() == ["Approximate point (1 or 2 decimals)", "<5"]
    assert (precision["share"] == "").all()  # every grade rests on fewer than 5 incidents
    assert precision["location_precision"].tolist() == [
        "Approximate point (1 or 2 decimals)",
        "Rounded to whole degrees (about 100 km)",
        "Exact point (3 or more decimals)",
    ]
    assert outcomes.quality_shares(frame)["source_quality"].tolist() == ["5", "3", "4", "2"]
    # With k = 2 the counts behind them show: 8 incidents, 4 with approximate points (50 %).
    assert outcomes.precision_shares(frame, k=2).values.tolist()[0] == [
        "Approximate point (1 or 2 decimals)",
        "4",
        "50%",
    ]
    assert outcomes.outcomes_by_country(frame, "fr")["country"].tolist()[-1] == "En mer ou inconnu"
    only_usa = outcomes.outcomes_by_country(outcomes.outcomes(store, Filters(destination=("USA",))))
    assert only_usa["country"].tolist() == ["United States", "At sea or unknown"]


# --- the shared transformations (properties) ------------------------------------------


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(
    st.floats(min_value=-90, max_value=90, allow_nan=False),
    st.floats(min_value=-180, max_value=180, allow_nan=False),
    st.integers(min_value=0, max_value=6),
)
def test_parse_coordinates_keeps_the_digits_as_written(lat, lon, digits):
    a, b = f"{lat:.{digits}f}", f"{lon:.{digits}f}"
    assert parse_coordinates(f"{a}, {b}") == (a, b)
    assert parse_coordinates(f"POINT ({b} {a})") == (a, b)
    assert coordinate_precision(a, b) in {"whole_degree", "approximate", "exact"}


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(st.text())
def test_parse_coordinates_returns_numbers_or_nothing(text):
    found = parse_coordinates(text)
    if found is not None:
        assert all(float(v.replace(",", ".")) == float(v.replace(",", ".")) for v in found)


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(st.lists(st.tuples(*(st.one_of(st.none(), st.integers(0, 50)) for _ in range(4))), min_size=1, max_size=20))
def test_allocate_persons_invents_nobody_and_loses_no_sex(rows):
    total, females, males, children = (pd.Series([r[i] for r in rows], dtype="float64") for i in range(4))
    cells = allocate_persons(total, females, males, children)
    frame = pd.DataFrame({k: v for k, v in cells.items()})
    assert (frame >= 0).all().all()
    f, m, t = females.fillna(0), males.fillna(0), total.fillna(0)
    assert (frame[[c for c in frame.columns if c[0] == "female"]].sum(axis=1) == f).all()
    assert (frame[[c for c in frame.columns if c[0] == "male"]].sum(axis=1) == m).all()
    assert (frame.sum(axis=1) == pd.concat([t, f + m], axis=1).max(axis=1)).all()
    assert (frame[[c for c in frame.columns if c[1] == "minor"]].sum(axis=1) <= children.fillna(0)).all()


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(st.text())
def test_clean_text_is_idempotent_and_never_blank(text):
    once = clean_text(pd.Series([text], dtype=object))[0]
    assert once is None or (once.strip() == once and once != "")
    assert clean_text(pd.Series([once], dtype=object))[0] == (
        None if once is None else clean_text(pd.Series([once], dtype=object))[0]
    )


# --- CLI ------------------------------------------------------------------------------


def test_cli_imports_each_public_file_with_one_command(tmp_path, capsys):
    db = str(tmp_path / "cli.duckdb")
    for path, profile in ((MMP_CSV, "mmp"), (GLOTIP_CSV, "glotip"), (CTDC_GLOBAL, "ctdc")):
        assert main(["import", str(path), "--profile", profile, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "codes not understood in migration_route (rows kept, code left out): Andean route" in out
    assert "read 18 = accepted 14 + quarantined 4" in out
    assert main(["import", str(MMP_JSON), "--profile", "glotip", "--db", db]) == 1
    assert "--profile mmp" in capsys.readouterr().err
    assert main(["import", str(GLOTIP_CSV), "--profile", "glotip", "--db", db, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["imports"][0]["already_imported"] is True


# --- pages ----------------------------------------------------------------------------


@pytest.fixture
def public_store(tmp_path, app_on):
    from turquesa_geo.store.connection import connect

    db = tmp_path / "public.duckdb"
    con = connect(db)
    for path, profile in (
        (MMP_CSV, "mmp"),
        (MMP_JSON, "mmp"),
        (GLOTIP_CSV, "glotip"),
        (CTDC_GLOBAL, "ctdc"),
        (CTDC_SYNTHETIC, "ctdc"),
    ):
        run_import(con, path, profile=profile)
    con.close()
    app_on(db)
    return db


def _page(name: str, **params):
    from streamlit.testing.v1 import AppTest

    app = Path(__file__).resolve().parents[2] / "app.py"
    at = AppTest.from_file(str(app), default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, at.exception
    return at


def _table(at, columns: set[str]) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if columns <= set(d.value.columns))


def test_corridor_map_draws_reference_flows_and_deaths_under_their_source(public_store):
    at = _page("corridor_map", **{"from": "2019-01-01", "to": "2023-12-31"})
    flows = _table(at, {"citizenship", "detected_in"})
    assert flows.values.tolist() == [
        ["Colombia", "Spain", "2021", "60"],
        ["Venezuela", "Colombia", "2021", "48"],
        ["Venezuela", "Panama", "2021", "<5"],
    ]
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    reference = next(layer for layer in deck["layers"] if layer["id"] == "reference_flows")
    # The censored VEN→PAN flow has no known size: it is listed, not drawn.
    assert [r["tooltip"] for r in reference["data"]] == [
        "Reference (aggregate counts) · COL citizens detected in ESP, 2021: 60 victims",
        "Reference (aggregate counts) · VEN citizens detected in COL, 2021: 48 victims",
    ]
    deaths = _table(at, {"incidents", "dead", "missing"})
    assert deaths.iloc[0].tolist() == ["Panama", "<5", "6", "<5", "0", "<5", "<5", "0"]
    assert any("IOM Missing Migrants Project" in o for o in at.multiselect(key="flt_sources").options)
    assert "UNODC GLOTIP" in at.multiselect(key="flt_sources").options


def test_trends_and_gender_pages_show_reference_series(public_store):
    trends = _page("trends", **{"from": "2019-01-01", "to": "2023-12-31"})
    forms = _table(trends, {"year", "category", "value"})
    assert forms.values.tolist() == [
        [2021, "Exploitation for mixed purposes", "6"],
        [2021, "Forced labour: other sector", "20"],
        [2021, "Sexual exploitation", "70"],
    ]
    charts = [json.loads(c.proto.spec) for c in trends.get("plotly_chart")]
    citizenship = next(c for c in charts if "by citizenship" in c["layout"]["title"]["text"])
    assert sorted(t["name"] for t in citizenship["data"]) == ["Colombia", "Venezuela"]

    # 2021: Colombians 90 (at home) + 60 (in Spain); Venezuelans 48 in Colombia, and <5 in Panama left out.
    def values(y) -> list[float]:  # plotly ships arrays as base64 typed data
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist() if isinstance(y, dict) else y

    assert {t["name"]: values(t["y"]) for t in citizenship["data"]} == {"Colombia": [150.0], "Venezuela": [48.0]}
    gender = _page("gender", **{"from": "2019-01-01", "to": "2023-12-31"})
    table = _table(gender, {"Women", "Girls"})
    assert table.to_dict("records") == [
        {"year": 2020, "Women": "100", "Girls": "8", "Men": "–"},
        {"year": 2021, "Women": "120", "Girls": "<5", "Men": "35"},
    ]


def test_a_source_filter_shows_only_that_source(public_store):
    at = _page("corridor_map", **{"from": "2019-01-01", "to": "2023-12-31", "src": "UNODC GLOTIP"})
    assert not [d for d in at.dataframe if {"incidents", "dead"} <= set(d.value.columns)]  # no MMP incident
    assert len(_table(at, {"citizenship", "detected_in"})) == 3
    at = _page("corridor_map", **{"from": "2019-01-01", "to": "2023-12-31", "src": "IOM Missing Migrants Project"})
    assert not [d for d in at.dataframe if {"citizenship", "detected_in"} <= set(d.value.columns)]
    assert len(_table(at, {"incidents", "dead"})) == 6  # PAN, USA, DOM, ECU, MEX and at sea


#: Columns of the public-data sections that hold counts of cases, incidents or persons.
_COUNTS = {
    "incidents",
    "dead",
    "missing",
    "survivors",
    "women_girls",
    "men_boys",
    "children",
    "victims",
    "value",
    "Women",
    "Girls",
    "Men",
    "Boys",
    "cases",
    "persons",
    "known_sex",
    "unknown",
}


@pytest.mark.parametrize("page", ["corridor_map", "trends", "gender", "home", "overview"])
def test_public_data_sections_show_no_count_from_1_to_4(public_store, page):
    at = _page(page, **{"from": "2014-01-01", "to": "2023-12-31"})
    seen = 0
    for frame in (d.value for d in at.dataframe):
        for column in _COUNTS & set(frame.columns):
            for value in frame[column]:
                text = str(value).split(" ")[0].replace(",", "")
                assert not (text.isdigit() and 1 <= int(text) <= 4), (page, column, value)
                seen += 1
    for metric in at.metric:
        assert metric.value not in {"1", "2", "3", "4"}, (page, metric.label, metric.value)
    assert seen, f"{page}: no count column was read"


def test_cases_that_name_no_country_count_but_sit_on_no_corridor(public_store):
    at = _page(
        "corridor_map",
        **{"from": "2014-01-01", "to": "2023-12-31", "src": "CTDC (IOM Counter Trafficking Data Collaborative)"},
    )
    assert any("name no country" in c.value for c in at.caption)
    routes = _table(at, {"route", "cases"})["route"].tolist()
    assert "" not in routes and "COL>USA" in routes
    gender = _page("gender", **{"from": "2014-01-01", "to": "2023-12-31"})
    gender.segmented_control(key="gender_split").set_value("corridor").run()
    assert not gender.exception
    trends = _page("trends", **{"from": "2014-01-01", "to": "2023-12-31"})
    trends.segmented_control(key="trend_split").set_value("corridor").run()
    assert not trends.exception


def test_import_page_offers_the_profiles_and_shows_what_was_not_mapped(tmp_path, app_on):
    from turquesa_geo.store.connection import connect
    from turquesa_ui.state import LAST_IMPORTS

    db = tmp_path / "page.duckdb"
    con = connect(db)
    result = run_import(con, MMP_CSV, profile="mmp")
    con.close()
    app_on(db)
    at = _page("import_files")
    assert {"mmp", "glotip", "ctdc"} <= {o.split(":")[0] for o in at.selectbox(key="import_profile").options}
    at.session_state[LAST_IMPORTS] = [result.to_dict()]
    at.run()
    assert not at.exception
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert any("Codes not understood in migration_route" in c and "Andean route" in c for c in captions)
    assert any("several countries of origin" in i.value for i in at.info)
    assert set(at.dataframe[0].value["rule"]) == {"bad_count", "null_island"}


def test_hostile_cells_of_public_files_are_stored_as_text(store, tmp_path):
    """The SQL-injection corpus in every text cell of an MMP and a GLOTIP file: kept as data, nothing else."""
    import csv

    from test_hardening_sql import CORPUS, WATCHED, _files_state

    files = _files_state(WATCHED)
    rows = list(csv.DictReader(MMP_CSV.open(encoding="utf-8")))[:1]
    hostile = []
    for i, text in enumerate(CORPUS):
        row = dict(
            rows[0],
            **{
                "Incident ID": f"H{i}",
                "Location of death": text,
                "Migration route": text,
                "Source Quality": text,
                "Cause of Death": text,
            },
        )
        hostile.append(row)
    mmp = tmp_path / "hostile_mmp.csv"
    with mmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(hostile)
    result = run_import(store, mmp, profile="mmp")
    assert result.rows_accepted == len(CORPUS)
    places = {r[0] for r in store.execute("SELECT place FROM cases").fetchall()}
    assert {" ".join(t.split()) for t in CORPUS if t.strip()} <= places
    glotip = tmp_path / "hostile_glotip.csv"
    lines = GLOTIP_CSV.read_text(encoding="utf-8").splitlines()
    body = [
        lines[1]
        .replace("National authorities", '"' + t.replace('"', '""') + '"')
        .replace("Total,Total,Female,Adult,2021", f"Total,Total,Female,Adult,{1990 + i}")
        for i, t in enumerate(CORPUS)
    ]
    glotip.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    counts = run_import(store, glotip, profile="glotip")
    assert counts.rows_accepted == len(CORPUS)
    assert store.execute("SELECT count(*) FROM aggregate_counts").fetchall()[0][0] == len(CORPUS)
    assert _files_state(WATCHED) == files
    assert store.execute("SELECT count(*) FROM duckdb_databases() WHERE NOT internal").fetchall()[0][0] == 1


@pytest.mark.parametrize("page", ["corridor_map", "trends", "gender", "home", "import_files"])
def test_public_data_sections_speak_spanish_portuguese_and_french(public_store, page, tmp_path):
    """The language check of tests/test_i18n.py, on a store whose pages show the public-data sections."""
    from test_i18n import TRANSLATED, _allowed, _country_names, _texts

    from turquesa_ui.state import LAST_IMPORTS

    period = {"from": "2014-01-01", "to": "2023-12-31"}
    result = run_import(
        __import__("turquesa_geo.store.connection", fromlist=["connect"]).connect(tmp_path / "x.duckdb"),
        CTDC_SYNTHETIC,
        profile="ctdc",
    )

    def visit(lang: str) -> set[str]:
        at = _page(page, lang=lang, **period)
        if page == "import_files":
            at.session_state[LAST_IMPORTS] = [result.to_dict()]
            at.run()
            assert not at.exception
        return _texts(at)

    english = visit("en")
    assert {
        "Reference counts: detected victims by sex and age",
        "Deaths and disappearances on these routes",
        "Reference counts",
        "Reference counts: detected victims by form of exploitation",
    } & english or page == "import_files"
    # Source labels are names; a GLOTIP category outside the vocabularies is shown as the file writes it.
    names = _country_names() | {mmp.SOURCE, glotip.SOURCE, ctdc.SOURCE, "Exploitation for mixed purposes"}
    problems = [
        (lang, text)
        for lang in TRANSLATED
        for text in visit(lang)
        if text in english and not _allowed(text, lang, names)
    ]
    assert problems == []


def test_bytes_already_imported_under_another_profile_say_which(store, capsys, tmp_path):
    first = run_import(store, MMP_JSON, profile="mmp")
    again = run_import(store, MMP_JSON, profile="glotip")
    assert again.already_imported and (again.import_id, again.profile) == (first.import_id, "mmp")
    db = str(tmp_path / "cli.duckdb")
    assert main(["import", str(MMP_JSON), "--profile", "mmp", "--db", db]) == 0
    capsys.readouterr()
    assert main(["--lang", "es", "import", str(MMP_JSON), "--profile", "glotip", "--db", db]) == 0
    assert "ya importado como importación 1 (formato mmp)" in capsys.readouterr().out
