"""The aggregate-counts writer: GLOTIP counts, their quarantine and record, in one reconciled transaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from turquesa_geo.ingest import counts
from turquesa_geo.ingest.counts import import_counts
from turquesa_geo.ingest.ledger import ImportResult
from turquesa_geo.ingest.readers import drop_stage, load_stage

GLOTIP_CSV = Path(__file__).resolve().parents[1] / "fixtures" / "profiles" / "glotip_country_data.csv"
STARTED = dt.datetime(2026, 11, 29, 9, 0)


def _import(con, path: Path = GLOTIP_CSV) -> ImportResult:
    info = load_stage(con, path)
    result = ImportResult(0, path.name, "sha", "glotip", None, rows_read=info.rows_read)
    try:
        import_counts(con, info, result, "UNODC GLOTIP", STARTED)
    finally:
        drop_stage(con)
    return result


GLOTIP_DATAUNODC = GLOTIP_CSV.parent / "glotip_dataunodc.csv"


def _stored(con) -> int:
    return con.execute("SELECT count(*) FROM aggregate_counts").fetchall()[0][0]


def test_counts_reconcile_and_are_recorded(store):
    result = _import(store)
    assert result.reconciles
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (18, 14, 4)
    assert (result.rows_inserted, result.rows_updated, result.rows_unchanged) == (14, 0, 0)
    assert result.quarantine_by_rule == {"bad_value": 1, "bad_year": 1, "duplicate_row": 1, "unknown_indicator": 1}
    assert _stored(store) == 14
    assert store.execute("SELECT import_id, profile, rows_accepted, status FROM imports").fetchall() == [
        (1, "glotip", 14, "done")
    ]
    assert store.execute("SELECT DISTINCT source, import_id FROM aggregate_counts").fetchall() == [("UNODC GLOTIP", 1)]


def test_the_same_counts_again_add_nothing(store):
    _import(store)
    again = _import(store)
    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged) == (0, 0, 14)
    assert again.import_id == 2 and _stored(store) == 14


def test_a_failure_while_writing_leaves_no_count_no_quarantine_no_record(store, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(counts, "quarantine_ragged", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        _import(store)
    assert _stored(store) == 0
    assert store.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]
    assert store.execute("SELECT count(*) FROM imports").fetchall() == [(0,)]
    tables = store.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    assert ("g_counts",) not in tables


def test_quarantined_counts_keep_their_row_as_the_record(store):
    _import(store)
    line, record = store.execute("SELECT line, record FROM quarantine WHERE rule = 'bad_year'").fetchall()[0]
    assert line > 1 and '"year"' in record


def test_a_count_of_an_unknown_age_band_is_kept_flagged_and_recorded(store):
    result = _import(store, GLOTIP_DATAUNODC)
    assert result.reconciles
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (19, 19, 0)
    assert (result.rows_flagged, result.flags_by_rule) == (1, {"unknown_age_band": 1})
    assert store.execute("SELECT rows_accepted, rows_quarantined, rows_flagged FROM imports").fetchall() == [(19, 0, 1)]
    kept = store.execute("SELECT sex, age_group, value FROM aggregate_counts WHERE age_group = '15 to 17 years'")
    assert kept.fetchall() == [("female", "15 to 17 years", 6)]
    assert store.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]


def test_flags_are_counted_once_per_row_and_per_rule(store):
    result = _import(store)
    assert (result.rows_flagged, result.flags_by_rule) == (1, {"unknown_category": 1})
    assert store.execute("SELECT rows_flagged FROM imports").fetchall() == [(1,)]
