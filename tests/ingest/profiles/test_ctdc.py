"""The CTDC profile (turquesa_geo/ingest/profiles/ctdc.py): victim-level and synthetic (k-anonymised) files.

Every expected value is read off tests/fixtures/profiles/ctdc_{global,synthetic,global_years}.csv (see
tests/profile_files.py); the fuzz tests garble them (see tests/profile_fuzz.py).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from conftest import run_import
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profile_files import CTDC_GLOBAL, CTDC_SYNTHETIC, CTDC_YEARS
from profile_files import stored_codes as _codes
from profile_fuzz import CELL_VALUES, check_reconciled, csv_shape, garbled_csv, garblings

from turquesa_geo.corridors import store_period
from turquesa_geo.ingest.profiles import ctdc
from turquesa_geo.ingest.profiles.common import Mapping, as_text, note_text
from turquesa_geo.ingest.readers import drop_stage, load_stage
from turquesa_geo.store.connection import connect
from turquesa_geo.store.queries import select_all_sql


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
    rows = store.execute("SELECT case_date, period_end, date_precision, origin FROM cases ORDER BY case_uid").fetchall()
    # Each band is stored whole: its first day and its last.
    assert (
        rows
        == [(dt.date(2014, 1, 1), dt.date(2018, 12, 31), "period", None)] * 2
        + [(dt.date(2019, 1, 1), dt.date(2020, 12, 31), "period", None)] * 2
    )
    codes = store.execute("SELECT dimension, code, count(*) FROM case_attributes GROUP BY ALL ORDER BY ALL").fetchall()
    assert codes == [
        ("control_method", "debt_bondage", 1),
        ("control_method", "excessive_working_hours", 2),
        ("control_method", "threats", 2),
        ("control_method", "withholds_documents", 2),
        ("exploitation_form", "forced_labour_other", 2),
        ("exploitation_form", "sexual", 2),
    ]


# --- victims without a year, bands of years (issue 16) -------------------------------------------


def test_ctdc_victims_registered_without_a_year_are_kept_with_the_date_unknown(store):
    result = run_import(store, CTDC_YEARS, profile="ctdc")
    # 6 victims: 2018, 2019, and four without a year (three blank cells, one -99); none quarantined.
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (6, 6, 0)
    assert result.flags_by_rule == {}
    rows = store.execute(
        "SELECT case_date, date_precision, nationality, detection_country FROM cases ORDER BY ALL"
    ).fetchall()
    assert rows == [
        (dt.date(1900, 1, 1), "unknown", "GTM", "MEX"),
        (dt.date(1900, 1, 1), "unknown", "HND", "USA"),
        (dt.date(1900, 1, 1), "unknown", "VEN", "COL"),
        (dt.date(1900, 1, 1), "unknown", "VEN", "COL"),  # the same record twice: two victims
        (dt.date(2018, 1, 1), "year", "COL", "USA"),
        (dt.date(2019, 1, 1), "year", "HND", "USA"),
    ]
    notes = [note_text(n) for n in result.notes]
    assert "4 victim record(s) without a year of registration are kept with the date unknown" in notes[0]
    assert note_text(result.notes[0], "fr").startswith("4 fiche(s) de victime sans année")
    # Counted in the store's totals (persons too), in no period: the store's period is 2018-2019.
    assert store.execute("SELECT sum(persons) FROM case_persons").fetchall() == [(6,)]
    assert store_period(store) == (dt.date(2018, 1, 1), dt.date(2019, 1, 1))


def test_ctdc_bands_of_years_keep_their_last_day(store):
    flat = _mapped(store, CTDC_SYNTHETIC).flat
    assert flat[["date", "date_precision", "period_end"]].values.tolist() == [
        ["2014-01-01", "period", "2018-12-31"],
        ["2014-01-01", "period", "2018-12-31"],
        ["2019-01-01", "period", "2020-12-31"],
        ["2019-01-01", "period", "2020-12-31"],
    ]
    years = _mapped(store, CTDC_YEARS).flat
    assert years[["date", "date_precision", "period_end"]].values.tolist()[:2] == [
        ["2018-01-01", "year", None],
        ["1900-01-01", "unknown", None],
    ]


def test_ctdc_a_year_that_cannot_be_read_is_quarantined_for_correction_not_dated_unknown(store):
    result = run_import(store, CTDC_GLOBAL, profile="ctdc")
    assert result.quarantine_by_rule == {"bad_date": 1, "future_date": 1}  # "20x9" and 2099
    assert store.execute("SELECT count(*) FROM cases WHERE date_precision = 'unknown'").fetchall() == [(0,)]


def _mapped(con, path) -> Mapping:
    """What the CTDC profile makes of a file, staged as the importer stages it."""
    info = load_stage(con, path)
    try:
        frame = as_text(con.execute(select_all_sql(info.cells)).df())
    finally:
        drop_stage(con)
    return ctdc.to_flat(frame)


# --- one blank field never stops a file ------------------------------------------------------------


@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_garbled_cell_stops_a_ctdc_file(data):
    columns, rows = csv_shape(CTDC_GLOBAL)
    garbling = data.draw(garblings(columns, rows, CELL_VALUES))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ctdc.csv"
        path.write_text(garbled_csv(CTDC_GLOBAL, garbling), encoding="utf-8")
        con = connect(Path(folder) / "store.duckdb")
        try:
            check_reconciled(con, run_import(con, path, profile="ctdc"), rows)
        finally:
            con.close()


@settings(max_examples=6, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_garbled_cell_stops_a_synthetic_ctdc_file(data):
    columns, rows = csv_shape(CTDC_SYNTHETIC)
    garbling = data.draw(garblings(columns, rows, CELL_VALUES))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ctdc.csv"
        path.write_text(garbled_csv(CTDC_SYNTHETIC, garbling), encoding="utf-8")
        con = connect(Path(folder) / "store.duckdb")
        try:
            check_reconciled(con, run_import(con, path, profile="ctdc"), rows)
        finally:
            con.close()
