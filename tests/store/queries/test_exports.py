"""The export log's statements (turquesa_geo/store/queries/exports.py), as strings."""

from __future__ import annotations

import pytest

from turquesa_geo.store import queries as sql


def test_the_export_log_insert_names_its_columns():
    row = dict(zip(sql.EXPORT_LOG_COLUMNS, range(12)))
    text, params = sql.insert_export(row)
    assert text == (
        "INSERT INTO exports (export_id, exported_at, user_name, kind, file_name, filters, view_url, marking, "
        "audience, data_version, sha256, bytes) VALUES ($export_id, $exported_at, $user_name, $kind, $file_name, "
        "$filters, $view_url, $marking, $audience, $data_version, $sha256, $bytes)"
    )
    assert params == row
    with pytest.raises(ValueError, match="expected"):
        sql.insert_export({"export_id": 1})
