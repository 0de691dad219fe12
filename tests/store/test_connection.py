"""The store under hostile SQL, a second process and concurrent readers.

- The dashboard's connection is locked down: no file outside the store and its
  upload folder, no ATTACH, no COPY out, no extension, no configuration change.
- A second process opening a store that is in use gets a clear "store busy".
- Readers querying while an import commits see the totals before or after it,
  never a state in between.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest
from conftest import GOOD_ROWS, TODAY, csv_text, run_import

from turquesa_geo import cli
from turquesa_geo.demo.generator import write_demo
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.store.connection import SCHEMA_VERSION, StoreBusy, connect, transaction

# --- lockdown -------------------------------------------------------------------------

FORBIDDEN = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "ATTACH '{outside}/other.duckdb' AS other",
    "COPY cases TO '{outside}/leak.csv'",
    "COPY (SELECT 1) TO '{outside}/leak.parquet' (FORMAT parquet)",
    "INSTALL spatial",
    "LOAD spatial",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "RESET allowed_directories",
]


@pytest.fixture
def locked(tmp_path):
    """A locked store connection whose upload folder is ``uploads``; and a folder outside it."""
    uploads, outside = tmp_path / "uploads", tmp_path / "outside"
    uploads.mkdir()
    outside.mkdir()
    con = connect(tmp_path / "store.duckdb", external_access=False, allowed_directories=[uploads])
    yield con, uploads, outside
    con.close()


@pytest.mark.parametrize("statement", FORBIDDEN)
def test_locked_connection_refuses_file_access_and_reconfiguration(locked, statement):
    con, _, outside = locked
    with pytest.raises(duckdb.Error):
        con.execute(statement.format(outside=outside)).fetchall()
    assert list(outside.iterdir()) == []
    # A cursor (what each dashboard session uses) is locked too.
    with pytest.raises(duckdb.Error):
        con.cursor().execute(statement.format(outside=outside)).fetchall()
    assert con.execute("SELECT current_setting('enable_external_access')").fetchall() == [(False,)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_locked_connection_still_imports_files_from_its_upload_folder(locked, encoding):
    con, uploads, _ = locked
    path = uploads / "cases.csv"
    path.write_text(csv_text(*GOOD_ROWS), encoding=encoding, newline="")
    result = run_import(con, path)
    assert (result.rows_read, result.rows_accepted) == (3, 3)
    assert con.execute("SELECT list_sort(list(incident_id)) FROM cases").fetchall() == [(["A1", "A2", "A3"],)]


def test_locked_connection_cannot_import_from_elsewhere(locked):
    con, _, outside = locked
    path = outside / "cases.csv"
    path.write_text(csv_text(*GOOD_ROWS), encoding="utf-8")
    with pytest.raises(duckdb.Error, match="disabled by configuration"):
        import_file(con, path, today=TODAY)
    assert con.execute("SELECT count(*) FROM cases").fetchall() == [(0,)]


def test_the_dashboard_connection_is_the_locked_one(tmp_path, app_on):
    from turquesa_ui.store import store_cursor, upload_folder

    app_on(tmp_path / "app.duckdb")
    cur = store_cursor()
    assert cur.execute(
        "SELECT current_setting('enable_external_access'), current_setting('lock_configuration')"
    ).fetchall() == [(False, True)]
    allowed = cur.execute("SELECT current_setting('allowed_directories')").fetchall()[0][0]
    # The upload folder, and DuckDB's own spill folder beside the store; nothing else.
    assert sorted(allowed) == sorted([str(upload_folder().resolve()) + "/", str(tmp_path / "app.duckdb.tmp") + "/"])
    with pytest.raises(duckdb.Error):
        cur.execute("SELECT * FROM read_csv('/etc/passwd')").fetchall()


# --- a second process -------------------------------------------------------------------

HOLDER = """
import sys, time
from turquesa_geo.store.connection import connect
con = connect(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def held_store(tmp_path):
    """A store held open for writing by another process (as the dashboard holds it)."""
    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "open"
    yield db, holder.pid
    holder.stdin.close()
    holder.wait(timeout=30)


@pytest.mark.parametrize("read_only", [False, True])
def test_second_process_gets_store_busy(held_store, read_only):
    db, pid = held_store
    with pytest.raises(StoreBusy) as caught:
        connect(db, read_only=read_only)
    message = str(caught.value)
    assert message.startswith("store busy: ")
    assert str(db) in message and f"process {pid}" in message


def test_cli_says_store_busy_in_one_line(held_store, capsys):
    db, _ = held_store
    code = cli.main(["status", "--db", str(db)])
    err = capsys.readouterr().err
    assert code != 0
    assert err.startswith("turquesa: error: store busy: ") and err.count("\n") == 1
    assert "Traceback" not in err


# --- readers during an import -------------------------------------------------------------

TOTALS = (
    "SELECT (SELECT count(*) FROM cases), "
    "(SELECT coalesce(sum(persons), 0) FROM case_persons), "
    "(SELECT count(*) FROM case_attributes), "
    "(SELECT count(*) FROM imports)"
)


def test_eight_readers_see_totals_before_or_after_an_import_never_between(tmp_path):
    con = connect(tmp_path / "store.duckdb")
    write_demo(tmp_path / "first.csv", rows=2_000, seed=1)
    write_demo(tmp_path / "second.parquet", rows=150_000, seed=2)
    import_file(con, tmp_path / "first.csv", today=TODAY)
    before = con.execute(TOTALS).fetchall()[0]
    seen: list[tuple] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def reader() -> None:
        cursor = con.cursor()  # one per session thread, as the dashboard does
        try:
            while not done.is_set():
                seen.append(cursor.execute(TOTALS).fetchall()[0])
            seen.append(cursor.execute(TOTALS).fetchall()[0])
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=reader) for _ in range(8)]
    for thread in readers:
        thread.start()
    try:
        result = import_file(con.cursor(), tmp_path / "second.parquet", today=TODAY)
    finally:
        done.set()
        for thread in readers:
            thread.join(timeout=60)
    after = con.execute(TOTALS).fetchall()[0]
    con.close()
    assert errors == []
    # Both demo files number their cases from DEMO-0000001: a few (source, id) pairs come again.
    assert result.rows_accepted == 150_000 and result.rows_inserted > 140_000
    assert result.rows_inserted + result.rows_updated + result.rows_unchanged == result.rows_accepted
    assert after[0] == before[0] + result.rows_inserted
    assert set(seen) <= {before, after}
    assert before in seen and after in seen  # the readers really ran across the commit


def test_the_dashboard_says_store_busy_instead_of_failing(held_store, app_on):
    from streamlit.testing.v1 import AppTest

    db, _ = held_store
    app_on(db)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert at.error[0].value.startswith("Turquesa cannot open its store: store busy: ")


# --- the transaction block ---------------------------------------------------------------


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_a_transaction_commits_or_rolls_back_as_a_whole(error):
    con = connect(":memory:")
    with transaction(con):
        con.execute("CREATE TABLE t (x INTEGER)")
        con.execute("INSERT INTO t (x) VALUES (1)")
    with pytest.raises(error), transaction(con):
        con.execute("INSERT INTO t (x) VALUES (2)")
        raise error
    assert con.execute("SELECT x FROM t").fetchall() == [(1,)]
    con.close()


# --- migrations ------------------------------------------------------------------------


def _store_at(version: int) -> duckdb.DuckDBPyConnection:
    """A store migrated up to ``version`` only, as an older Turquesa left it (its rollups not refreshed)."""
    from turquesa_geo.store import queries as sql
    from turquesa_geo.store.connection import MIGRATIONS, REFRESH_ROLLUPS

    con = duckdb.connect(":memory:")
    con.execute(*sql.create_migrations_table())
    for number, statements in MIGRATIONS:
        if number > version:
            break
        for statement in statements:
            if statement != REFRESH_ROLLUPS:
                con.execute(statement)
        con.execute(*sql.record_migration(number))
    return con


def test_migration_8_gives_the_rollups_their_flagged_key_and_rebuilds_them():
    from tiny_store import FLAG_ROWS, TINY_ROWS

    from turquesa_geo.store.connection import migrate, schema_version

    con = _store_at(6)
    for statement in (*TINY_ROWS, *FLAG_ROWS):
        con.execute(statement)
    assert "flagged" not in [r[0] for r in con.execute("DESCRIBE rollup_routes").fetchall()]
    assert migrate(con) == SCHEMA_VERSION == schema_version(con)
    # Case 1 (2024-03) alone is not flagged; cases 2, 3 and 4 are.
    assert con.execute("SELECT month, flagged, cases FROM rollup_routes ORDER BY month").fetchall() == [
        (dt.date(2023, 6, 1), True, 1),
        (dt.date(2024, 3, 1), False, 1),
        (dt.date(2024, 7, 1), True, 1),
        (dt.date(2024, 8, 1), True, 1),
    ]
    assert con.execute(
        "SELECT flagged, CAST(sum(cases) AS INTEGER) FROM rollup_modus GROUP BY ALL ORDER BY 1"
    ).fetchall() == [
        (False, 2),  # case 1: land and river
        (True, 4),
    ]
    con.close()


def test_a_store_older_than_the_flags_migrates_whole_refreshing_once_at_the_end():
    # Migration 4's refresh would read case_flags (schema 6) and the flagged key (schema 8): only the last runs.
    con = _store_at(3)
    con.execute(
        "INSERT INTO imports (import_id, file_name, sha256, profile, started, status) "
        "VALUES (1, 'a.csv', 'x', 'flat', TIMESTAMP '2026-01-01 00:00:00', 'done')"
    )
    con.execute(
        "INSERT INTO cases (case_uid, source, incident_id, crime_type, case_date, origin, import_id, row_hash) "
        "VALUES (1, 'S', 'X1', 'smuggling', DATE '2024-03-05', 'VEN', 1, 'h')"
    )
    from turquesa_geo.store.connection import migrate

    assert migrate(con) == SCHEMA_VERSION
    assert con.execute("SELECT month, origin, flagged, cases FROM rollup_routes").fetchall() == [
        (dt.date(2024, 3, 1), "VEN", False, 1)
    ]
    con.close()
