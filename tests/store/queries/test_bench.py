"""The benchmarks' baseline queries (turquesa_geo/store/queries/bench.py), as strings, then bound on the tiny
store (tests/tiny_store.py: four cases, three of them in 2024)."""

from __future__ import annotations

import duckdb
import pytest
from builder_values import CURRENT, D

from turquesa_geo.store.queries import bench


def test_plain_load_reads_the_path_as_a_parameter_with_a_known_reader():
    assert bench.plain_load("read_csv", "/data/cases.csv") == (
        "CREATE TABLE t AS SELECT * FROM read_csv($path)",
        {"path": "/data/cases.csv"},
    )
    with pytest.raises(ValueError, match="reader 'read_json' is not read_csv or read_parquet"):
        bench.plain_load("read_json", "/data/cases.json")


def test_plain_load_binds_on_a_file(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("incident_id,date\nA1,2024-03-05\nA2,2024-03-31\n", encoding="utf-8")
    con = duckdb.connect(":memory:")
    con.execute(*bench.plain_load("read_csv", path))
    assert con.execute("SELECT count(*), min(incident_id) FROM t").fetchall() == [(2, "A1")]
    con.close()


def test_period_arcs_count_or_list_the_cases_with_both_ends_known():
    text, params = bench.period_arcs(*CURRENT)
    assert text == (
        "SELECT count(*) FROM counted_cases WHERE case_date BETWEEN $first AND $last "
        "AND coalesce(origin, nationality) IS NOT NULL AND coalesce(destination, detection_country) IS NOT NULL"
    )
    assert params == {"first": D(2024, 1, 1), "last": D(2024, 12, 31)}
    text, params = bench.period_arcs(*CURRENT, limit="2")
    assert text.startswith("SELECT coalesce(origin, nationality) AS a, coalesce(destination, detection_country) AS b ")
    assert text.endswith(" ORDER BY case_uid LIMIT $limit")
    assert params == {"first": D(2024, 1, 1), "last": D(2024, 12, 31), "limit": 2}


def test_naive_cases_leave_the_suspects_out():
    text, params = bench.naive_cases()
    assert text == (
        "SELECT c.nationality, c.origin, c.transit, c.destination, c.detection_country, "
        "coalesce(p.persons, 0) AS persons FROM counted_cases c LEFT JOIN (SELECT case_uid, sum(persons) AS persons "
        "FROM case_persons WHERE role <> $suspect GROUP BY case_uid) p ON p.case_uid = c.case_uid"
    )
    assert params == {"suspect": "suspect"}
    assert bench.naive_cases(3) == (text + " ORDER BY c.case_uid LIMIT $limit", {"suspect": "suspect", "limit": 3})


def test_the_baselines_bind_on_the_tiny_store(tiny):
    assert tiny.execute(*bench.case_count()).fetchall() == [(4,)]
    assert tiny.execute(*bench.period_arcs(*CURRENT)).fetchall() == [(3,)]
    assert tiny.execute(*bench.period_arcs(*CURRENT, limit=2)).fetchall() == [("VEN", "PAN"), ("VEN", "PER")]
    # Case 1: 12 migrants and 1 suspect; case 2: 4 migrants.
    assert tiny.execute(*bench.naive_cases(2)).fetchall() == [
        ("VEN", "VEN", "COL", "PAN", "PAN", 12),
        ("VEN", "VEN", "COL", "PAN", "PAN", 4),
    ]
    assert [len(tiny.execute(*query).fetchall()) for query in bench.bench_tables()] == [4, 6, 6]
