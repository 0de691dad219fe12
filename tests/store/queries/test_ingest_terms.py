"""The term map's statements (turquesa_geo/store/queries/ingest_terms.py) as strings, then run on a bare
DuckDB connection holding only the tables they touch."""

from __future__ import annotations

import duckdb
import pytest

from turquesa_geo.store.queries import ingest_terms as q


def test_a_terms_rows_are_copied_with_their_columns_bound():
    assert q.term_rows_sql("case_unmapped", "country", "oz", ["origin", "transit"]) == (
        "CREATE OR REPLACE TEMP TABLE term_rows AS SELECT case_uid, field, column_name, text, term_key, position "
        "FROM case_unmapped WHERE field = $field AND term_key = $key AND column_name IN ($column_1, $column_2)",
        {"field": "country", "key": "oz", "column_1": "origin", "column_2": "transit"},
    )
    assert q.term_rows_sql("case_mapped", "platform", "x") == (
        "CREATE OR REPLACE TEMP TABLE term_rows AS SELECT case_uid, field, column_name, text, term_key, position, "
        "code, added, message FROM case_mapped WHERE field = $field AND term_key = $key",
        {"field": "platform", "key": "x"},
    )
    with pytest.raises(ValueError, match="source 'cases' is not one of case_unmapped, case_mapped"):
        q.term_rows_sql("cases", "country", "oz")


def test_a_column_outside_the_coded_ones_is_refused():
    with pytest.raises(ValueError, match="column 'crime_type' is not one of network"):
        q.set_column_sql("crime_type", "x", ["network"])
    assert q.set_column_sql("network", None, ["network"]) == (
        'UPDATE cases SET "network" = NULL FROM (SELECT DISTINCT case_uid, code FROM term_rows '
        'WHERE column_name = $column) r WHERE cases.case_uid = r.case_uid AND cases."network" = r.code',
        {"column": "network"},
    )


def test_the_log_and_the_map_are_written_with_parameters_only():
    assert q.log_term_sql("ana", "map", "country", "oz", "HND", 2) == (
        "INSERT INTO term_map_log (logged_at, user_name, action, field, term_key, code, cases) "
        "VALUES (CAST(current_timestamp AS TIMESTAMP), $user, $action, $field, $key, $code, $cases)",
        {"user": "ana", "action": "map", "field": "country", "key": "oz", "code": "HND", "cases": 2},
    )


@pytest.fixture
def bare():
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE cases (case_uid BIGINT, transit VARCHAR)")
    con.execute(
        "CREATE TABLE case_unmapped (case_uid BIGINT, field VARCHAR, column_name VARCHAR, text VARCHAR, "
        "term_key VARCHAR, position SMALLINT)"
    )
    # 1: read 'Oz>COL>Narnia>PAN'; 2: read 'Oz' (nothing known); 3: read 'COL>Oz', no position stored.
    con.execute("INSERT INTO cases VALUES (1, 'COL>PAN'), (2, NULL), (3, 'COL')")
    con.execute(
        "INSERT INTO case_unmapped VALUES (1, 'country', 'transit', 'Oz', 'oz', 1), "
        "(1, 'country', 'transit', 'Narnia', 'narnia', 3), (2, 'country', 'transit', 'Oz', 'oz', 1), "
        "(3, 'country', 'transit', 'Oz', 'oz', NULL)"
    )
    yield con
    con.close()


def transits(con) -> list[tuple]:
    return con.execute("SELECT case_uid, transit FROM cases ORDER BY case_uid").fetchall()


def test_a_mapped_transit_country_goes_to_its_place_and_leaves_it_when_undone(bare):
    bare.execute(*q.number_transit_sql("country", "transit", "oz"))
    assert bare.execute("SELECT case_uid, position FROM case_unmapped WHERE term_key = 'oz' ORDER BY 1").fetchall() == [
        (1, 1),
        (2, 1),
        (3, 2),
    ]
    bare.execute(*q.term_rows_sql("case_unmapped", "country", "oz", ["transit"]))
    bare.execute(*q.transit_sql("country", "transit", "HND"))
    assert transits(bare) == [(1, "HND>COL>PAN"), (2, "HND"), (3, "COL>HND")]
    # Oz mapped: its rows leave case_unmapped; undoing works on them as case_mapped rows would be.
    bare.execute(*q.forget_unmapped_sql("country", "oz", ["transit"]))
    bare.execute(*q.transit_sql("country", "transit", None))
    assert transits(bare) == [(1, "COL>PAN"), (2, None), (3, "COL")]
