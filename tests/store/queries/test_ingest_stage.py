"""Staging a file (turquesa_geo/store/queries/ingest_stage.py), as strings."""

from __future__ import annotations

import pytest

from turquesa_geo.store.queries import ingest_stage


def test_stage_read_csv_binds_path_delimiter_columns_and_line_limit():
    sql, params = ingest_stage.read_csv_sql("stage", "/data/x.csv", ";", {"c0": "VARCHAR"}, 99, keep_rejects=True)
    assert "store_rejects = true" in sql and "/data/x.csv" not in sql
    assert params == {
        "path": "/data/x.csv",
        "delim": ";",
        "quote": '"',
        "columns": {"c0": "VARCHAR"},
        "max_line_size": 99,
    }


def test_stage_setting_refuses_a_setting_it_does_not_read():
    with pytest.raises(ValueError, match="'memory_limit' is not one of"):
        ingest_stage.setting_sql("memory_limit")
