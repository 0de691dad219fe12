"""The CTDC profile (turquesa_geo/ingest/profiles/ctdc.py): victim-level and synthetic (k-anonymised) files.

Every expected value is read off tests/fixtures/profiles/ctdc_{global,synthetic}.csv (see tests/profile_files.py).
"""

from __future__ import annotations

import datetime as dt

from conftest import run_import
from profile_files import CTDC_GLOBAL, CTDC_SYNTHETIC
from profile_files import stored_codes as _codes

from turquesa_geo.ingest.profiles.common import note_text


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
