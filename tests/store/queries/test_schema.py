"""The store's bookkeeping statements (turquesa_geo/store/queries/schema.py): migrations, transactions, the data
version and the locked-down connection's settings, as strings, then bound on a bare DuckDB connection."""

from __future__ import annotations

import duckdb

from turquesa_geo.store.queries import schema


def test_the_migration_statements_as_strings():
    assert schema.create_migrations_table() == (
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TIMESTAMP)",
        {},
    )
    assert schema.migrations_table_exists() == (
        "SELECT count(*) FROM information_schema.tables WHERE table_name = $table",
        {"table": "schema_migrations"},
    )
    assert schema.applied_version() == ("SELECT coalesce(max(version), 0) FROM schema_migrations", {})
    assert schema.record_migration("7") == (
        "INSERT INTO schema_migrations (version, applied) VALUES ($version, current_timestamp)",
        {"version": 7},
    )


def test_the_migration_statements_keep_count_on_a_bare_connection():
    con = duckdb.connect(":memory:")
    assert con.execute(*schema.migrations_table_exists()).fetchall() == [(0,)]
    con.execute(*schema.create_migrations_table())
    con.execute(*schema.create_migrations_table())  # IF NOT EXISTS: a second run changes nothing
    assert con.execute(*schema.migrations_table_exists()).fetchall() == [(1,)]
    assert con.execute(*schema.applied_version()).fetchall() == [(0,)]
    for version in (1, 3, 2):
        con.execute(*schema.record_migration(version))
    assert con.execute(*schema.applied_version()).fetchall() == [(3,)]
    con.close()


def test_the_data_version_joins_the_finished_imports_digests_in_import_order_then_the_term_map_changes():
    assert schema.data_version() == (
        "SELECT coalesce(string_agg(sha256, $comma ORDER BY import_id), $empty) || coalesce((SELECT $terms || "
        "CAST(count(*) AS VARCHAR) || $at || CAST(max(logged_at) AS VARCHAR) FROM term_map_log HAVING count(*) > 0), "
        "$empty) FROM imports WHERE status = $done",
        {"comma": ",", "empty": "", "terms": ";terms:", "at": "@", "done": "done"},
    )
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE imports (import_id INTEGER, sha256 VARCHAR, status VARCHAR)")
    con.execute("CREATE TABLE term_map_log (logged_at TIMESTAMP)")
    assert con.execute(*schema.data_version()).fetchall() == [("",)]
    con.execute("INSERT INTO imports VALUES (2, 'bb', 'done'), (1, 'aa', 'done'), (3, 'cc', 'failed')")
    assert con.execute(*schema.data_version()).fetchall() == [("aa,bb",)]
    con.execute("INSERT INTO term_map_log VALUES (TIMESTAMP '2026-01-02 10:00:00'), (TIMESTAMP '2026-01-03 09:30:00')")
    assert con.execute(*schema.data_version()).fetchall() == [("aa,bb;terms:2@2026-01-03 09:30:00",)]
    con.close()


def test_the_settings_are_fixed_text_and_the_folders_travel_as_a_parameter():
    assert schema.allowed_directories(("/srv/a", "/srv/b")) == (
        "SET allowed_directories = $folders",
        {"folders": ["/srv/a", "/srv/b"]},
    )
    assert schema.disable_progress_bar() == ("SET enable_progress_bar = false", {})
    assert schema.disable_external_access() == ("SET enable_external_access = false", {})
    assert schema.lock_configuration() == ("SET lock_configuration = true", {})
    assert (schema.BEGIN, schema.COMMIT, schema.ROLLBACK) == ("BEGIN TRANSACTION", "COMMIT", "ROLLBACK")


def test_the_transaction_statements_commit_and_roll_back():
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE t (x INTEGER)")
    con.execute(schema.BEGIN)
    con.execute("INSERT INTO t VALUES (1)")
    con.execute(schema.ROLLBACK)
    con.execute(schema.BEGIN)
    con.execute("INSERT INTO t VALUES (2)")
    con.execute(schema.COMMIT)
    assert con.execute("SELECT x FROM t").fetchall() == [(2,)]
    con.close()
