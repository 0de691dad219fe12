"""The builders' base (turquesa_geo/store/queries/base.py): named parameters that cannot collide, identifier
quoting and the small statements every importer uses, tested as strings (datasette-style), then bound."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from turquesa_geo.filters import Filters
from turquesa_geo.store import queries as sql

D = dt.date

# --- named parameters -------------------------------------------------------------------


def test_a_name_bound_twice_to_one_value_is_one_parameter_and_to_another_a_fresh_one():
    params = sql.Params()
    assert [params.bind("start", D(2024, 1, 1)) for _ in range(3)] == ["$start"] * 3
    assert params.bind("start", D(2025, 1, 1)) == "$start_2"
    assert params.bind("start", "2024-01-01") == "$start_3"  # same text, other type: not the same value
    assert params == {"start": D(2024, 1, 1), "start_2": D(2025, 1, 1), "start_3": "2024-01-01"}


def test_a_parameter_name_must_be_plain():
    with pytest.raises(ValueError, match="is not plain snake_case"):
        sql.Params().bind("x; DROP TABLE cases", 1)


def test_two_fragments_in_one_statement_cannot_collide():
    params = sql.Params()
    first, _ = sql.case_filter(Filters(sources=("A",), modus=(("platform", "tiktok"),)), "m", params)
    second, _ = sql.case_filter(Filters(sources=("B",), modus=(("platform", "whatsapp"),)), "t", params)
    assert first == (
        "m.source IN ($source_1) AND EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = m.case_uid "
        "AND a.dimension = $dimension AND a.code IN ($code_1))"
    )
    assert second == (
        "t.source IN ($source_1_2) AND EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = t.case_uid "
        "AND a.dimension = $dimension AND a.code IN ($code_1_2))"
    )
    assert params == {
        "source_1": "A",
        "dimension": "platform",
        "code_1": "tiktok",
        "source_1_2": "B",
        "code_1_2": "whatsapp",
    }


def test_equal_values_in_two_fragments_share_their_parameters():
    params = sql.Params()
    sql.case_filter(Filters(nationalities=("VEN",)), "m", params)
    text, _ = sql.case_filter(Filters(nationalities=("VEN",)), "t", params)
    assert (text, params) == ("t.nationality IN ($nationality_1)", {"nationality_1": "VEN"})


def test_two_fragments_bind_their_own_values_on_the_tiny_store(tiny):
    params = sql.Params()
    pnc, _ = sql.case_filter(Filters(sources=("PNC",)), "c", params)
    mp, _ = sql.case_filter(Filters(sources=("MP",)), "c", params)
    text = f"SELECT count(*) FILTER (WHERE {pnc}), count(*) FILTER (WHERE {mp}) FROM cases c"
    assert tiny.execute(text, params).fetchall() == [(2, 1)]


# --- identifiers, temporary objects, periods ---------------------------------------------


def test_quote_ident_refuses_a_nul_and_a_quoted_name_binds_as_written():
    with pytest.raises(ValueError, match="contains a NUL character"):
        sql.quote_ident("a\x00b")
    con = duckdb.connect(":memory:")
    odd = 'victims "f"; DROP TABLE t; --'
    con.execute(f"CREATE TABLE t AS SELECT 1 AS {sql.quote_ident(odd)}")
    assert [column[0] for column in con.execute("SELECT * FROM t").description] == [odd]
    con.close()


def test_the_temporary_objects_statements_as_strings():
    assert sql.select_all_sql("stage_raw") == "SELECT * FROM stage_raw"
    assert sql.drop_temp_sql("TABLE", "errs") == "DROP TABLE IF EXISTS temp.errs"
    assert sql.copy_to_temp_sql("m_date", "_m_date") == "CREATE OR REPLACE TEMP TABLE m_date AS SELECT * FROM _m_date"
    with pytest.raises(ValueError, match="kind 'SCHEMA' is not one of TABLE, VIEW"):
        sql.drop_temp_sql("SCHEMA", "errs")
    with pytest.raises(ValueError, match="not plain snake_case"):
        sql.select_all_sql("cases; DROP TABLE cases")
    with pytest.raises(ValueError, match="not plain snake_case"):
        sql.copy_to_temp_sql("m_date", "Cases")


def test_the_temporary_objects_statements_bind():
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE _m_date AS SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v(n, s)")
    con.execute(sql.copy_to_temp_sql("m_date", "_m_date"))
    assert con.execute(sql.select_all_sql("m_date")).fetchall() == [(1, "a"), (2, "b")]
    con.execute(sql.drop_temp_sql("TABLE", "m_date"))
    con.execute(sql.drop_temp_sql("TABLE", "m_date"))  # IF EXISTS: dropping twice is no error
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall() == [(0,)]
    con.close()


def test_periods_start_on_the_first_day_of_their_month_quarter_or_year():
    assert sql.MONTH == "CAST(date_trunc('month', c.case_date) AS DATE)"
    assert sql.period_expr("Y", "m.month") == "CAST(date_trunc('year', m.month) AS DATE)"
    with pytest.raises(ValueError, match="frequency 'W' is not one of M, Q, Y"):
        sql.period_expr("W")
    con = duckdb.connect(":memory:")
    row = con.execute(
        "SELECT " + ", ".join(sql.period_expr(f, "d") for f in "MQY") + " FROM (SELECT DATE '2024-08-15' AS d)"
    ).fetchall()
    assert row == [(D(2024, 8, 1), D(2024, 7, 1), D(2024, 1, 1))]
    con.close()
