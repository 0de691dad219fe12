"""The export log: every export is recorded (who, what, marking, audience, data version, hash) before it is handed over."""

from __future__ import annotations

import datetime as dt
import hashlib

import duckdb
import pytest

from turquesa_geo.exports.log import current_user, export_log, log_export
from turquesa_geo.exports.marking import AUDIENCES, ExportContext, Marking


def _context(minute: int = 0) -> ExportContext:
    return ExportContext(
        marking=Marking("TLP:RED", "REDTRAM"),
        audience=AUDIENCES["external"],
        filters_text="Crime type: Smuggling of migrants",
        data_version="3f9a0c1e2b",
        exported_at=dt.datetime(2026, 11, 29, 10, minute),
        view_url="http://127.0.0.1:8501/corridor_map?crime=smuggling",
        user="analyst",
    )


def test_each_export_gets_the_next_id_and_its_facts(store):
    assert log_export(store, _context(0), "pack", "briefing.pdf", b"%PDF-1.7 ...") == 1
    assert log_export(store, _context(5), "extract", "corridors.csv", b"a,b\n") == 2
    log = export_log(store)
    assert list(log["export_id"]) == [2, 1]  # newest first
    first = log.iloc[1]
    assert (first["kind"], first["file_name"], first["user_name"]) == ("pack", "briefing.pdf", "analyst")
    assert (first["marking"], first["audience"], first["data_version"]) == (
        "TLP:RED · REDTRAM",
        "external",
        "3f9a0c1e2b",
    )
    assert first["filters"] == "Crime type: Smuggling of migrants"
    assert first["sha256"] == hashlib.sha256(b"%PDF-1.7 ...").hexdigest() and first["bytes"] == 12
    assert first["exported_at"] == dt.datetime(2026, 11, 29, 10, 0)


def test_the_log_keeps_the_latest(store):
    for minute in range(4):
        log_export(store, _context(minute), "snapshot", f"map{minute}.png", b"png")
    assert list(export_log(store, limit=2)["file_name"]) == ["map3.png", "map2.png"]


def test_an_empty_log_is_an_empty_table(store):
    log = export_log(store)
    assert log.empty and "sha256" in log.columns


def test_a_failed_insert_leaves_no_row(store):
    with pytest.raises(duckdb.Error):
        log_export(store, _context(), None, "x.csv", b"")  # kind is NOT NULL
    assert export_log(store).empty


def test_current_user_is_a_name_or_none():
    user = current_user()
    assert user is None or (isinstance(user, str) and user)
