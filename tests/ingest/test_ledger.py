"""The import ledger: one transaction helper, the import record, the quarantine and its reconciliation."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from conftest import GOOD_ROWS, csv_text, run_import

from turquesa_geo.ingest.ledger import (
    ImportResult,
    count_lines,
    import_origin,
    insert_quarantine,
    next_import_id,
    previous_import,
    quarantine_by_rule,
    quarantine_entries,
    quarantine_ragged,
    quarantined_lines,
    record_import,
    register_table,
    require_reconciled,
    resolve_quarantine,
)
from turquesa_geo.ingest.readers import RaggedRow
from turquesa_geo.store.connection import transaction

STARTED = dt.datetime(2026, 11, 29, 9, 0)


def _result(import_id: int, **counts) -> ImportResult:
    return ImportResult(import_id, "a.csv", f"sha-{import_id}", "flat", "PNC", **counts)


def _imports(con) -> list[tuple]:
    return con.execute("SELECT import_id, file_name, status FROM imports ORDER BY import_id").fetchall()


def _problems(lines: list[int], rules: list[str]) -> pa.Table:
    n = len(lines)
    return pa.table(
        {
            "line": pa.array(lines, pa.int64()),
            "column_name": pa.array(["date"] * n, pa.string()),
            "rule": pa.array(rules, pa.string()),
            "value": pa.array(["x"] * n, pa.string()),
            "message": pa.array(["bad"] * n, pa.string()),
            "record": pa.array(["{}"] * n, pa.string()),
        }
    )


# --- the transaction ---------------------------------------------------------------


def test_transaction_commits_what_the_block_wrote(store):
    with transaction(store):
        record_import(store, _result(1, rows_read=0), STARTED)
    assert _imports(store) == [(1, "a.csv", "done")]


def test_transaction_rolls_back_everything_when_the_block_raises(store):
    with pytest.raises(RuntimeError, match="stop"):
        with transaction(store):
            record_import(store, _result(1), STARTED)
            insert_quarantine(store, 1, _problems([2, 3], ["bad_date", "bad_date"]))
            raise RuntimeError("stop")
    assert _imports(store) == []
    assert store.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]


def test_transaction_rolls_back_on_an_interrupt_too(store):
    with pytest.raises(KeyboardInterrupt):
        with transaction(store):
            record_import(store, _result(1), STARTED)
            raise KeyboardInterrupt
    assert _imports(store) == []


def test_transaction_leaves_the_connection_usable_after_a_rollback(store):
    with pytest.raises(ValueError):
        with transaction(store):
            raise ValueError("nothing written")
    with transaction(store):
        record_import(store, _result(1), STARTED)
    assert [row[0] for row in _imports(store)] == [1]


def test_an_import_that_does_not_reconcile_is_rolled_back_whole(store):
    result = _result(1, rows_read=3, rows_accepted=2)
    with pytest.raises(RuntimeError, match=r"import of a\.csv does not reconcile"):
        with transaction(store):
            record_import(store, result, STARTED)
            require_reconciled(result)
    assert _imports(store) == []


# --- the record --------------------------------------------------------------------


def test_next_import_id_counts_from_one_and_follows_the_largest(store):
    assert next_import_id(store) == 1
    with transaction(store):
        record_import(store, _result(4), STARTED)
    assert next_import_id(store) == 5


def test_previous_import_and_origin_find_recorded_bytes(store):
    assert previous_import(store, "sha-7") is None
    with transaction(store):
        record_import(store, _result(7), STARTED)
    assert previous_import(store, "sha-7") == 7
    assert import_origin(store, 7) == ("PNC", "flat")


def test_register_table_copies_an_arrow_table_into_a_temp_table(store):
    register_table(store, "t_copy", pa.table({"_line": pa.array([2, 3, 3], pa.int64())}))
    assert count_lines(store, "t_copy") == 2


# --- the quarantine ----------------------------------------------------------------


def test_quarantine_counts_reconcile_per_rule_and_in_all(store):
    insert_quarantine(store, 1, _problems([2, 2, 5], ["bad_date", "missing_id", "bad_date"]))
    quarantine_ragged(store, 1, [RaggedRow(7, "a,b,c", "the row has 3 fields, the header 2")])
    assert quarantine_by_rule(store, 1) == {"bad_date": 2, "missing_id": 1, "ragged_row": 1}
    assert quarantined_lines(store, 1) == 3
    assert quarantine_by_rule(store, 2) == {} and quarantined_lines(store, 2) == 0


def test_ragged_rows_keep_their_text_as_the_record(store):
    quarantine_ragged(store, 3, [RaggedRow(4, "x;y", "too few fields")])
    quarantine_ragged(store, 3, [])
    assert store.execute("SELECT line, rule, message, record FROM quarantine").fetchall() == [
        (4, "ragged_row", "too few fields", '{"_line": 4, "raw": "x;y"}')
    ]


def test_a_real_import_reconciles_through_the_ledger(store, write):
    path = write("in.csv", csv_text(*GOOD_ROWS, "A4,PNC,,smuggling,,,,,,,,,,,,,,,"))
    result = run_import(store, path)
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (4, 3, 1)
    assert quarantine_by_rule(store, result.import_id) == result.quarantine_by_rule == {"missing_date": 1}


# --- open and resolved quarantine ----------------------------------------------------------

#: Three earlier imports and their open quarantine, hand-written: a flat file without a source column
#: (rows take its stem), a Missing Migrants file (rows take the profile's source) and an HTCDS persons file
#: (its source recorded, its rows keyed by case_id). Each quarantined line is answered, or not, below.
EARLIER = (
    "INSERT INTO imports (import_id, file_name, sha256, profile, source, rows_read, rows_accepted, rows_quarantined, "
    "rows_inserted, rows_updated, rows_unchanged, started, finished, status) VALUES "
    "(1, 'pnc-2024.csv', 'a', 'flat', NULL, 3, 0, 3, 0, 0, 0, now(), now(), 'done'), "
    "(2, 'mmp.csv', 'b', 'mmp', NULL, 1, 0, 1, 0, 0, 0, now(), now(), 'done'), "
    "(3, 'persons.csv', 'c', 'htcds-persons', 'NGO', 1, 0, 1, 0, 0, 0, now(), now(), 'done')",
    "INSERT INTO quarantine (import_id, line, column_name, rule, value, message, record) VALUES "
    "(1, 2, 'date', 'missing_date', NULL, 'date is empty', '{\"incident_id\": \" A1 \", \"date\": null}'), "
    "(1, 2, 'lat', 'bad_coordinate', 'x', 'lat is not a number', '{\"incident_id\": \" A1 \", \"date\": null}'), "
    "(1, 3, 'date', 'missing_date', NULL, 'date is empty', '{\"incident_id\": \"A2\", \"source\": \"DIJIN\"}'), "
    "(1, 4, 'incident_id', 'missing_id', NULL, 'incident_id is empty', '{\"incident_id\": null, \"date\": \"x\"}'), "
    "(2, 2, 'date', 'bad_date', 'x', 'not a date', '{\"incident_id\": \"M1\"}'), "
    "(3, 5, 'prs_gender', 'invalid_gender', 'q', 'not a gender', '{\"case_id\": \"H1\"}')",
)


def _import(con, import_id: int, source: str | None, profile: str = "flat") -> None:
    record_import(con, ImportResult(import_id, f"later-{import_id}.csv", f"sha-l{import_id}", profile, source), STARTED)


def _case(con, uid: int, source: str, incident_id: str, import_id: int) -> None:
    con.execute(
        "INSERT INTO cases (case_uid, source, incident_id, crime_type, case_date, import_id, row_hash) "
        "VALUES (?, ?, ?, 'smuggling', DATE '2024-01-01', ?, 'h')",
        [uid, source, incident_id, import_id],
    )


def _resolved(con) -> list[tuple]:
    return con.execute("SELECT DISTINCT import_id, line, resolved_by FROM quarantine ORDER BY 1, 2").fetchall()


@pytest.fixture
def earlier(store):
    for statement in EARLIER:
        store.execute(statement)
    return store


def test_an_import_resolves_the_rows_it_stores_by_source_and_id(earlier):
    _import(earlier, 4, None)
    _case(earlier, 1, "pnc-2024", "A1", 4)  # the file's stem, and the id trimmed as the importer trims it
    _case(earlier, 2, "DIJIN", "A2", 4)  # the source the row named
    _case(earlier, 3, "IOM Missing Migrants Project", "M1", 4)  # the profile's source
    _case(earlier, 4, "NGO", "H1", 4)  # an HTCDS case id
    _case(earlier, 5, "PNC", "A2", 4)  # another source's A2 answers nothing
    assert resolve_quarantine(earlier, 4) == 4
    assert _resolved(earlier) == [(1, 2, 4), (1, 3, 4), (1, 4, None), (2, 2, 4), (3, 5, 4)]


def test_only_this_import_s_cases_resolve_and_later_entries_are_left(earlier):
    _case(earlier, 1, "pnc-2024", "A1", 1)  # stored by an earlier import: not an answer of import 4
    _import(earlier, 4, None)
    assert resolve_quarantine(earlier, 4) == 0
    assert resolve_quarantine(earlier, 1) == 0  # nothing before import 1
    assert _resolved(earlier) == [(1, 2, None), (1, 3, None), (1, 4, None), (2, 2, None), (3, 5, None)]


def test_a_row_quarantined_again_closes_its_older_entry_id_or_not(earlier):
    _import(earlier, 4, "DIJIN")
    again = _problems([9, 10], ["missing_date", "missing_date"]).set_column(
        5, "record", pa.array(['{"incident_id": "A2"}', '{"incident_id": null, "date": "x"}'])
    )
    insert_quarantine(earlier, 4, again)
    _import(earlier, 5, None)  # the same row without an id, from another file: another source, left open
    insert_quarantine(earlier, 5, again.slice(1))
    assert resolve_quarantine(earlier, 4) == 1  # A2 of DIJIN; the id-less row's source was pnc-2024
    assert _resolved(earlier)[:3] == [(1, 2, None), (1, 3, 4), (1, 4, None)]


def test_quarantine_entries_name_the_source_a_correction_comes_back_under(earlier):
    headers, rows = quarantine_entries(earlier)
    assert headers == [
        "import_id",
        "line",
        "column_name",
        "rule",
        "value",
        "message",
        "record",
        "default_source",
        "resolved_by",
    ]
    sources = {(r[0], r[1]): r[7] for r in rows}
    assert sources == {
        (1, 2): "pnc-2024",
        (1, 3): "pnc-2024",  # the record's own source wins when the download is written
        (1, 4): "pnc-2024",
        (2, 2): "IOM Missing Migrants Project",
        (3, 5): "NGO",
    }
    assert [r[:4] for r in quarantine_entries(earlier, 1)[1]][:2] == [  # in file order, then by rule
        (1, 2, "lat", "bad_coordinate"),
        (1, 2, "date", "missing_date"),
    ]
    _import(earlier, 4, None)
    _case(earlier, 1, "NGO", "H1", 4)
    resolve_quarantine(earlier, 4)
    assert [r[0] for r in quarantine_entries(earlier)[1]] == [1, 1, 1, 1, 2]
    assert [(r[0], r[-1]) for r in quarantine_entries(earlier, 3, include_resolved=True)[1]] == [(3, 4)]
