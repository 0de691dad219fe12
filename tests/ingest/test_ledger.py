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
    quarantine_ragged,
    quarantined_lines,
    record_import,
    register_table,
    require_reconciled,
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
