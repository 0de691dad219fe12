"""The import record and its quarantine (turquesa_geo/store/queries/ingest_ledger.py), as strings."""

from __future__ import annotations

import pytest

from turquesa_geo.store.queries import ingest_counts, ingest_ledger


def test_record_import_lists_the_imports_columns_and_binds_each_by_name():
    values = {c: i for i, c in enumerate(ingest_ledger.IMPORT_COLUMNS)}
    sql, params = ingest_ledger.record_import_sql(values)
    assert sql == (
        "INSERT INTO imports (import_id, file_name, sha256, profile, source, rows_read, rows_accepted, "
        "rows_quarantined, rows_inserted, rows_updated, rows_unchanged, dropped_columns, ignored_columns, started, "
        "finished, probable_duplicates, status) VALUES ($import_id, $file_name, $sha256, $profile, $source, "
        "$rows_read, $rows_accepted, $rows_quarantined, $rows_inserted, $rows_updated, $rows_unchanged, "
        "$dropped_columns, $ignored_columns, $started, $finished, $probable_duplicates, $status)"
    )
    assert params == {**values, "status": "done"}


def test_record_import_refuses_a_missing_or_extra_value_naming_the_keys():
    with pytest.raises(ValueError, match="import record keys"):
        ingest_ledger.record_import_sql({"import_id": 1})


def test_insert_quarantine_takes_the_import_id_as_a_parameter():
    assert ingest_ledger.insert_quarantine_sql("_quarantined", 9) == (
        "INSERT INTO quarantine (import_id, line, column_name, rule, value, message, record) "
        "SELECT $import_id, line, column_name, rule, value, message, record FROM _quarantined",
        {"import_id": 9},
    )


def test_internal_relation_names_are_checked():
    with pytest.raises(ValueError, match="not plain snake_case"):
        ingest_ledger.count_lines_sql("errs; DROP TABLE cases")
    with pytest.raises(ValueError, match="not plain snake_case"):
        ingest_counts.insert_counts_sql("g_counts --", 1)
