"""The export log's statements (turquesa_geo/store/queries/exports.py), as strings, then bound on the tiny store."""

from __future__ import annotations

import datetime as dt

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


def test_the_next_export_id_and_the_log_as_strings():
    assert sql.next_export_id() == ("SELECT coalesce(max(export_id), 0) + 1 FROM exports", {})
    assert sql.export_log("3") == (
        "SELECT export_id, exported_at, user_name, kind, file_name, marking, audience, data_version, filters, "
        "sha256, bytes FROM exports ORDER BY export_id DESC LIMIT $limit",
        {"limit": 3},
    )


def test_the_export_log_binds_on_the_tiny_store(tiny):
    assert tiny.execute(*sql.next_export_id()).fetchall() == [(1,)]
    assert tiny.execute(*sql.export_log()).fetchall() == []
    for export_id, kind in ((1, "csv"), (2, "pdf")):
        row = {
            "export_id": export_id,
            "exported_at": dt.datetime(2026, 1, 2, 10, export_id),
            "user_name": "ana",
            "kind": kind,
            "file_name": f"view.{kind}",
            "filters": "{}",
            "view_url": None,
            "marking": "TLP:AMBER",
            "audience": "partners",
            "data_version": "abc",
            "sha256": f"{export_id:064x}",
            "bytes": 100 * export_id,
        }
        tiny.execute(*sql.insert_export(row))
    assert tiny.execute(*sql.next_export_id()).fetchall() == [(3,)]
    assert [(r[0], r[3], r[4], r[10]) for r in tiny.execute(*sql.export_log(5)).fetchall()] == [
        (2, "pdf", "view.pdf", 200),
        (1, "csv", "view.csv", 100),
    ]
    assert len(tiny.execute(*sql.export_log(1)).fetchall()) == 1
