"""The store inventory (turquesa_geo.store.inventory) on a tiny hand-written store: literal expected frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import GOOD_ROWS, csv_text, run_import
from profile_files import GLOTIP_CSV, MMP_CSV
from reference_store import reference_store
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


def test_quarantine_by_rule_counts_rows_open_rows_and_problems(tiny):
    assert _plain(inventory.quarantine_by_rule(tiny)) == {
        "rule": ["bad_date", "unknown_country"],
        "rows": [1, 1],
        "open": [1, 1],
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
        "quarantine_open": 1,
        "flagged": 0,
    }


#: A second and a third import after the tiny store's: import 2 quarantined lines 3 and 4; import 3 resolved line 3.
LATER_IMPORTS = (
    "INSERT INTO imports (import_id, file_name, sha256, profile, source, rows_read, rows_accepted, rows_quarantined, "
    "rows_inserted, rows_updated, rows_unchanged, started, finished, status) VALUES "
    "(2, 'dijin.csv', 'def', 'flat', 'DIJIN', 4, 2, 2, 2, 0, 0, TIMESTAMP '2026-01-03 10:00:00', "
    "TIMESTAMP '2026-01-03 10:00:01', 'done'), "
    "(3, 'dijin-fixed.csv', 'ghi', 'flat', 'DIJIN', 1, 1, 0, 1, 0, 0, TIMESTAMP '2026-01-04 10:00:00', "
    "TIMESTAMP '2026-01-04 10:00:01', 'done')",
    "INSERT INTO quarantine (import_id, line, column_name, rule, value, message, record, resolved_by) VALUES "
    "(2, 3, 'date', 'missing_date', NULL, 'date is empty', '{\"incident_id\": \"D3\"}', 3), "
    "(2, 4, 'incident_id', 'missing_id', NULL, 'incident_id is empty', '{\"incident_id\": null}', NULL)",
)


@pytest.fixture
def resolved():
    con = tiny_store()
    for statement in LATER_IMPORTS:
        con.execute(statement)
    yield con
    con.close()


def test_open_quarantine_leaves_out_what_a_later_import_resolved(resolved):
    assert _plain(inventory.open_quarantine(resolved)) == {
        "import_id": [1, 2],
        "file_name": ["tiny.csv", "dijin.csv"],
        "open": [1, 1],
        "rules": ["bad_date, unknown_country", "missing_id"],
    }
    recent = inventory.recent_imports(resolved)
    assert _plain(recent[["import_id", "rows_quarantined", "quarantine_open"]]) == {
        "import_id": [3, 2, 1],
        "rows_quarantined": [0, 2, 1],
        "quarantine_open": [0, 1, 1],
    }
    by_rule = _plain(inventory.quarantine_by_rule(resolved, import_id=2))
    assert by_rule == {"rule": ["missing_date", "missing_id"], "rows": [1, 1], "open": [0, 1], "problems": [1, 1]}
    totals = inventory.store_totals(resolved)
    assert (totals["quarantined"], totals["quarantine_open"]) == (3, 2)


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
        "flag_rules": [],
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
        ("cases", "victims", "migrants", "suspects", "imports", "quarantined", "quarantine_open", "flagged"), 0
    )
    assert inventory.open_quarantine(con).empty
    assert inventory.cases_by_crime_year(con).empty and inventory.sources(con).empty
    assert inventory.store_choices(con) == {"countries": [], "sources": [], "modus": [], "flag_rules": []}
    assert inventory.flags_by_rule(con).empty
    assert inventory.coarse_dates(con) == {}
    con.close()


def test_flagged_cases_by_import_and_rule():
    con = tiny_store(flags=True)
    assert _plain(inventory.flags_by_rule(con)) == {
        "import_id": [2, 2, 1, 1],
        "rule": ["coordinates_outside_country", "rounded_coordinates", "adjustment", "partial_date"],
        "flagged": [1, 1, 1, 1],
    }
    assert _plain(inventory.flags_by_rule(con, import_id=2))["rule"] == [
        "coordinates_outside_country",
        "rounded_coordinates",
    ]
    assert inventory.store_totals(con)["flagged"] == 3  # case 4 has two rules, counted once
    assert inventory.store_choices(con)["flag_rules"] == [
        "adjustment",
        "coordinates_outside_country",
        "partial_date",
        "rounded_coordinates",
    ]
    con.close()


def test_the_tiny_store_dates():
    # Keeps the fixture honest: the dates the literal answers above rest on.
    con = tiny_store()
    assert con.execute("SELECT min(case_date), max(case_date) FROM cases").fetchall() == [
        (dt.date(2023, 6, 10), dt.date(2024, 8, 15))
    ]
    con.close()


# --- reference (aggregate) data: tests/reference_store.py and the GLOTIP fixture -------------------


def test_reference_inventory_by_source_indicator_and_year():
    con = reference_store()
    by_year = inventory.reference_inventory(con)
    assert _plain(by_year) == {
        "source": ["CBP", "GLOTIP", "GLOTIP", "GLOTIP"],
        "indicator": ["encounters", "detected_victims", "detected_victims", "offences"],
        "year": [2023, 2021, 2022, 2021],
        "rows": [2, 11, 1, 1],
        "censored": [0, 4, 0, 0],
        "known_total": [None, 172, 150, 57],  # CBP publishes no total; Panama's <5 is left out of 172
        "total_censored": [0, 1, 0, 0],
    }
    assert _plain(inventory.reference_summary(by_year)) == {
        "source": ["CBP", "GLOTIP", "GLOTIP"],
        "indicator": ["encounters", "detected_victims", "offences"],
        "first_year": [2023, 2021, 2021],
        "last_year": [2023, 2022, 2021],
        "rows": [2, 12, 1],
        "censored": [0, 4, 0],
        "known_total": [None, 322, 57],
        "total_censored": [0, 1, 0],
    }
    con.close()


def test_a_store_of_reference_data_only_is_not_empty():
    con = reference_store()
    holdings = inventory.store_holdings(con)
    assert holdings == inventory.Holdings(
        0,
        None,
        (inventory.ReferenceHolding("CBP", 2023, 2023, 2), inventory.ReferenceHolding("GLOTIP", 2021, 2022, 13)),
    )
    assert not holdings.empty
    assert holdings.reference_period() == (dt.date(2021, 1, 1), dt.date(2023, 12, 31))
    assert inventory.holdings_text(holdings) == (
        "This store holds no cases; it holds reference data: CBP, 2023, 2 rows; GLOTIP, 2021–2022, 13 rows."
    )
    assert inventory.holdings_text(holdings, quote=lambda name: f"*{name}*").startswith(
        "This store holds no cases; it holds reference data: *CBP*, 2023"
    )
    con.close()


def test_the_holdings_of_an_empty_store_and_of_a_store_of_cases(tiny):
    empty = connect(":memory:")
    assert inventory.store_holdings(empty) == inventory.Holdings(0, None, ())
    assert inventory.holdings_text(inventory.store_holdings(empty)) == "The store is empty."
    empty.close()
    holdings = inventory.store_holdings(tiny)
    assert holdings == inventory.Holdings(
        4, (dt.date(2023, 6, 10), dt.date(2024, 8, 15)), (inventory.ReferenceHolding("GLOTIP", 2021, 2022, 5),)
    )
    assert inventory.holdings_text(holdings) == (
        "This store holds <5 cases, from 10 Jun 2023 to 15 Aug 2024. Beside them, reference data: GLOTIP, "
        "2021–2022, 5 rows."
    )


def test_a_store_of_the_glotip_export_only_says_what_it_holds(store):
    run_import(store, GLOTIP_CSV.parent / "glotip_dataunodc.csv", profile="glotip")
    holdings = inventory.store_holdings(store)
    assert (holdings.cases, holdings.period) == (0, None)
    assert inventory.holdings_text(holdings) == (
        "This store holds no cases; it holds reference data: UNODC GLOTIP, 2020–2021, 19 rows."
    )
    assert inventory.holdings_text(holdings, "es").startswith("Los datos no contienen casos")
    assert _plain(inventory.reference_summary(inventory.reference_inventory(store))) == {
        "source": ["UNODC GLOTIP"] * 3,
        "indicator": ["convicted", "detected_victims", "offences"],
        "first_year": [2021, 2020, 2021],
        "last_year": [2021, 2021, 2021],
        "rows": [1, 17, 1],
        "censored": [0, 3, 0],  # Colombia's boys and unknown sex; Micronesia (a sub-region)
        "known_total": [12, 172, 57],  # Colombia's 172 of 2021: regions and parts are not in it
        "total_censored": [0, 0, 0],
    }


def test_a_store_of_iom_incidents_only_is_not_empty_and_holds_no_case(store):
    run_import(store, MMP_CSV, profile="mmp")  # 8 incidents (a split one in two parts) of 2020 to 2022
    holdings = inventory.store_holdings(store)
    assert holdings == inventory.Holdings(
        0, None, (), (inventory.OutcomeHolding("IOM Missing Migrants Project", 2020, 2022, 8),)
    )
    assert not holdings.empty and holdings.reference_period() is None
    assert inventory.holdings_text(holdings) == (
        "This store holds no cases; it holds deaths and disappearances during migration: IOM Missing Migrants "
        "Project, 2020–2022, 8 incidents."
    )
    assert inventory.holdings_text(holdings, quote=lambda name: f"*{name}*").endswith("*, 2020–2022, 8 incidents.")


def test_beside_cases_the_incidents_are_named_apart_and_the_period_is_the_cases_own(store, write):
    run_import(store, write("cases.csv", csv_text(GOOD_ROWS[0])))  # one case, 5 March 2024
    run_import(store, MMP_CSV, profile="mmp")
    holdings = inventory.store_holdings(store)
    assert (holdings.cases, holdings.period) == (1, (dt.date(2024, 3, 5), dt.date(2024, 3, 5)))
    assert inventory.holdings_text(holdings) == (
        "This store holds <5 cases, from 05 Mar 2024 to 05 Mar 2024. Apart from them, deaths and disappearances "
        "during migration (not cases): IOM Missing Migrants Project, 2020–2022, 8 incidents."
    )
