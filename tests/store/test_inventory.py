"""The store inventory (turquesa_geo.store.inventory) on a tiny hand-written store: literal expected frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from tiny_store import tiny_store

from turquesa_geo.store import inventory
from turquesa_geo.store.connection import connect


@pytest.fixture(scope="module")
def tiny():
    con = tiny_store()
    yield con
    con.close()


def _plain(frame: pd.DataFrame) -> dict[str, list]:
    """A frame as plain lists (NaN and NaT read None), to compare with literal answers."""
    return {c: [None if pd.isna(v) else v for v in frame[c].tolist()] for c in frame.columns}


def test_cases_by_crime_year_counts_the_people_moved(tiny):
    assert _plain(inventory.cases_by_crime_year(tiny)) == {
        "crime_type": ["smuggling", "smuggling", "trafficking"],
        "year": [2023, 2024, 2024],
        "cases": [1, 2, 1],
        "persons": [4, 14, 3],  # the suspect of A1 is not counted
    }


def test_sources_largest_first(tiny):
    ts = pd.Timestamp
    assert _plain(inventory.sources(tiny)) == {
        "source": ["PNC", "MMP", "MP"],
        "network": ["N1", None, None],
        "cases": [2, 1, 1],
        "first_case": [ts("2023-06-10"), ts("2024-08-15"), ts("2024-07-01")],
        "last_case": [ts("2024-03-05"), ts("2024-08-15"), ts("2024-07-01")],
    }


def test_recent_imports(tiny):
    frame = inventory.recent_imports(tiny, limit=1)
    assert _plain(frame[["import_id", "file_name", "rows_read", "rows_accepted", "rows_quarantined", "status"]]) == {
        "import_id": [1],
        "file_name": ["tiny.csv"],
        "rows_read": [5],
        "rows_accepted": [4],
        "rows_quarantined": [1],
        "status": ["done"],
    }
    assert inventory.recent_imports(tiny, limit=0).empty


def test_quarantine_by_rule_counts_rows_and_problems(tiny):
    assert _plain(inventory.quarantine_by_rule(tiny)) == {
        "rule": ["bad_date", "unknown_country"],
        "rows": [1, 1],
        "problems": [1, 1],
    }
    assert inventory.quarantine_by_rule(tiny, import_id=2).empty


def test_store_totals(tiny):
    assert inventory.store_totals(tiny) == {
        "cases": 4,
        "victims": 3,
        "migrants": 18,
        "suspects": 1,
        "imports": 1,
        "quarantined": 1,  # one line, two problems
    }


def test_quarantine_entries_in_file_order(tiny):
    assert inventory.quarantine_entries(tiny, 1) == (
        ["line", "column_name", "rule", "value", "message", "record"],
        [
            (6, "date", "bad_date", "2024-13-01", "not a date", None),
            (6, "nationality", "unknown_country", "Atlantis", "not a country", None),
        ],
    )


def test_store_choices_read_cases_and_aggregate_counts(tiny):
    assert inventory.store_choices(tiny) == {
        "countries": ["COL", "CRI", "HTI", "MEX", "PAN", "PER", "USA", "VEN"],
        "sources": ["GLOTIP", "MMP", "MP", "PNC"],
        "modus": [
            "exploitation_form:sexual",
            "platform:tiktok",
            "transport_mode:land",
            "transport_mode:river",
            "transport_mode:sea",
        ],
    }


def test_coarse_dates(tiny):
    assert inventory.coarse_dates(tiny) == {"MP": 1}


def test_undated_cases_are_counted_by_source():
    con = tiny_store()
    assert inventory.undated_cases(con) == {}
    con.execute(
        "INSERT INTO cases (case_uid, source, incident_id, crime_type, case_date, import_id, row_hash, date_precision) "
        "VALUES (5, 'CTDC', 'C1', 'trafficking', DATE '1900-01-01', 1, 'h5', 'unknown'), "
        "(6, 'CTDC', 'C2', 'trafficking', DATE '1900-01-01', 1, 'h6', 'unknown')"
    )
    assert inventory.undated_cases(con) == {"CTDC": 2}
    assert inventory.store_totals(con)["cases"] == 6  # in the store's totals
    con.close()


def test_an_empty_store():
    con = connect(":memory:")
    assert inventory.store_totals(con) == dict.fromkeys(
        ("cases", "victims", "migrants", "suspects", "imports", "quarantined"), 0
    )
    assert inventory.cases_by_crime_year(con).empty and inventory.sources(con).empty
    assert inventory.store_choices(con) == {"countries": [], "sources": [], "modus": []}
    assert inventory.coarse_dates(con) == {}
    con.close()


def test_the_tiny_store_dates():
    # Keeps the fixture honest: the dates the literal answers above rest on.
    con = tiny_store()
    assert con.execute("SELECT min(case_date), max(case_date) FROM cases").fetchall() == [
        (dt.date(2023, 6, 10), dt.date(2024, 8, 15))
    ]
    con.close()
