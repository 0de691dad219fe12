"""The US CBP nationwide encounters profile (turquesa_geo/ingest/profiles/cbp.py): monthly counts by citizenship.

Every expected value is read off tests/fixtures/profiles/cbp_nationwide_encounters_aor.csv (CBP's layout by
area of responsibility) or cbp_nationwide_encounters_state.csv (the layout by state, no encounter type):
see tests/profile_files.py.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pandas as pd
from conftest import run_import
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profile_files import CBP_AOR, CBP_STATE
from profile_fuzz import CELL_VALUES, csv_shape, garbled_csv, garblings

from turquesa_geo.ingest.profiles import cbp
from turquesa_geo.store.connection import connect


def test_the_profile_maps_a_flat_frame_to_monthly_counts():
    frame = pd.DataFrame(
        {
            "_line": [2, 3, 4, 5, 6],
            "fiscal_year": ["2023", "2023", "2024 (FYTD)", "2023", "2023"],
            "month_abbv": ["OCT", "OCT", "JAN", "DEC", "SEPT"],
            "component": ["U.S. Border Patrol", "Office of Field Operations", None, None, None],
            "land_border_region": ["Southwest Land Border", "Southwest Land Border", "Coastal", None, "Other"],
            "demographic": ["FMUA", "FMUA", "UC / Single Minors", "Single Adults", "Accompanied Minors"],
            "citizenship": ["HONDURAS", "HONDURAS", "OTHER", "Egypt, Arab Republic of", None],
            "title_of_authority": ["Title 8", "Title 8", None, "Title 8", "Title 42"],
            "encounter_type": ["Apprehensions", "Inadmissibles", "Expulsions", None, "Expulsions"],
            "encounter_count": ["1,200", "30", "7", "two", "5"],
        }
    )
    accepted, problems, mapping = cbp.to_counts(frame)
    assert accepted[
        ["year", "month", "area", "category", "age_group", "breakdown", "value", "rows"]
    ].values.tolist() == [
        [2022, 10, "Southwest Land Border", "HND", "family_unit", "title_8", 1230, 2],  # both components summed
        [2024, 1, "Coastal", "OTHER", "unaccompanied_minor", "title_42", 7, 1],  # the title from the type
    ]
    assert accepted["flags"].tolist() == [(), ("unknown_region",)]
    assert set(accepted["country"]) == {"USA"} and set(accepted["indicator"]) == {"encounters"}
    assert problems[["line", "rule"]].values.tolist() == [[5, "bad_count"], [6, "missing_citizenship"]]
    assert mapping.unmapped == {"land_border_region": ["Coastal"]}


def test_fiscal_months_are_calendar_months():
    assert [cbp.calendar_month(2023, m) for m in (10, 12, 1, 9)] == [(2022, 10), (2022, 12), (2023, 1), (2023, 9)]
    assert [cbp.fiscal_year(t) for t in ("2023", "2024 (FYTD)", "FY25", "FYTD")] == [2023, 2024, 2025, None]
    assert [cbp.month_number(t) for t in ("OCT", "Sept", "december", "0", "")] == [10, 9, 12, None, None]


def _file_sum(path: Path, skipped: set[int]) -> int:
    """The file's own sum of Encounter Count over its lines that are not ``skipped`` (read with csv, not the profile)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return sum(int(r["Encounter Count"].replace(",", "")) for line, r in enumerate(rows, 2) if line not in skipped)


def test_an_aor_file_reconciles_and_its_counts_sum_to_the_file_total(store):
    result = run_import(store, CBP_AOR, profile="cbp")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (21, 15, 6)
    assert (result.rows_inserted, result.rows_merged) == (13, 2)  # two areas of responsibility summed twice
    assert result.quarantine_by_rule == {
        "bad_count": 1,
        "bad_fiscal_year": 1,
        "bad_month": 1,
        "duplicate_row": 1,
        "missing_citizenship": 1,
        "unreported_month": 1,
    }
    assert (result.rows_flagged, result.flags_by_rule) == (2, {"unknown_citizenship": 1, "unknown_demographic": 1})
    assert result.unmapped_codes == {"citizenship": ["ATLANTIS"], "demographic": ["Elderly"]}
    assert result.ignored_columns == []
    quarantined = {line for (line,) in store.execute("SELECT line FROM quarantine").fetchall()}
    assert quarantined == {15, 18, 19, 20, 21, 22}
    stored = store.execute("SELECT sum(value) FROM aggregate_counts").fetchall()[0][0]
    assert stored == _file_sum(CBP_AOR, quarantined) == 5341
    rows = store.execute(
        "SELECT year, month, area, category, age_group, breakdown, value FROM aggregate_counts "
        "WHERE year = 2022 ORDER BY value DESC"
    ).fetchall()
    assert rows == [
        (2022, 10, "Southwest Land Border", "MEX", "single_adult", "title_8", 2000),
        (2022, 10, "Southwest Land Border", "VEN", "family_unit", "title_8", 1000),
        (2022, 10, "Southwest Land Border", "MEX", "single_adult", "title_42", 500),
        (2022, 10, "Southwest Land Border", "GTM", "unaccompanied_minor", "title_8", 450),
        (2022, 10, "Southwest Land Border", "SLV", "single_adult", "title_8", 90),
        (2022, 10, "Other", "CHN", "single_adult", "title_8", 40),
        (2022, 10, "Southwest Land Border", "HND", "accompanied_minor", "title_8", 25),
        (2022, 10, "Northern Land Border", "OTHER", "single_adult", "title_8", 12),  # OTHER stays OTHER
    ]
    kept = store.execute(
        "SELECT year, month, category, age_group, value FROM aggregate_counts WHERE year = 2023 ORDER BY month, category"
    ).fetchall()
    assert kept == [
        (2023, 9, "COL", "single_adult", 60),  # FY2023 "Remaining" months of a closed year happened
        (2023, 10, "ECU", "family_unit", 1150),  # "1,150", FY2024 OCT
        (2023, 11, "ATLANTIS", "single_adult", 4),  # kept as written, flagged
        (2023, 11, "MEX", "Elderly", 7),
        (2023, 11, "MMR", "single_adult", 3),  # MYANMAR (BURMA)
    ]
    assert store.execute(
        "SELECT DISTINCT source, indicator, dimension, country, sex FROM aggregate_counts"
    ).fetchall() == [("US CBP", "encounters", "citizenship", "USA", "total")]
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 0  # encounters are not cases
    message = store.execute("SELECT message FROM quarantine WHERE rule = 'duplicate_row'").fetchall()[0][0]
    assert message == "the same encounters are already on line 14"


def test_a_file_by_state_gives_the_same_counts_and_a_revised_value_replaces_the_old(store):
    run_import(store, CBP_AOR, profile="cbp")
    result = run_import(store, CBP_STATE, profile="cbp")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (3, 3, 0)
    # TX 1500 + NM 500 are the 2000 of two sectors; Title 42 revised from 500 to 520.
    assert (result.rows_merged, result.rows_unchanged, result.rows_updated, result.rows_inserted) == (1, 1, 1, 0)
    assert store.execute(
        "SELECT breakdown, value FROM aggregate_counts WHERE category = 'MEX' AND year = 2022 ORDER BY breakdown"
    ).fetchall() == [("title_42", 520), ("title_8", 2000)]
    assert store.execute("SELECT count(*) FROM aggregate_counts").fetchall()[0][0] == 13


def test_the_same_file_twice_adds_nothing(store):
    run_import(store, CBP_AOR, profile="cbp")
    assert run_import(store, CBP_AOR, profile="cbp").already_imported
    assert store.execute("SELECT sum(value) FROM aggregate_counts").fetchall()[0][0] == 5341


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_garbled_cell_stops_a_cbp_file(data):
    columns, rows = csv_shape(CBP_AOR)
    garbling = data.draw(garblings(columns, rows, CELL_VALUES))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cbp.csv"
        path.write_text(garbled_csv(CBP_AOR, garbling), encoding="utf-8")
        con = connect(Path(folder) / "store.duckdb")
        try:
            result = run_import(con, path, profile="cbp")
            assert result.rows_read == rows
            assert set(result.quarantine_by_rule) <= set(cbp.QUARANTINE_RULES)
            stored = con.execute("SELECT count(*) FROM aggregate_counts").fetchall()[0][0]
            assert stored == result.rows_accepted - result.rows_merged
        finally:
            con.close()
