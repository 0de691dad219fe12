"""Validating and writing the cases of a flat file (turquesa_geo/store/queries/ingest_flat.py), as strings."""

from __future__ import annotations

import datetime as dt

import pytest
from builder_values import STAGE

from turquesa_geo.store.queries import ingest_flat


def test_flat_persons_take_role_gender_and_age_codes_as_parameters():
    sql, params = ingest_flat.persons_sql(["victims_f_minor", "migrants_m_adult"])
    assert params == {
        "role_0": "victim",
        "gender_0": "female",
        "age_group_0": "minor",
        "role_1": "migrant",
        "gender_1": "male",
        "age_group_1": "adult",
    }
    assert "'victim'" not in sql and "'migrant'" not in sql
    assert sql.startswith("INSERT INTO case_persons (case_uid, role, gender, age_group, nationality, persons) SELECT")


def test_flat_persons_refuse_an_unknown_count_column_naming_it():
    with pytest.raises(ValueError, match="'victims' is not a count column"):
        ingest_flat.persons_sql(["victims"])


def test_flat_errors_bind_the_day():
    today = dt.date(2026, 11, 29)
    sql, params = ingest_flat.errors_sql(STAGE, today)
    assert sql.startswith("CREATE OR REPLACE TEMP TABLE errs AS WITH checked AS NOT MATERIALIZED")
    assert params["today"] == today
    assert "2026" not in sql


def test_flat_repeats_bind_the_source_and_the_quarantine_rules():
    sql, params = ingest_flat.repeats_sql(STAGE, "PNC", ("missing_id", "bad_date"))
    assert {k: v for k, v in params.items() if k != "source"} == {"rule_1": "missing_id", "rule_2": "bad_date"}
    assert params["source"] == "PNC" and "PNC" not in sql and "missing_id" not in sql


def test_flat_flags_skip_the_quarantine_rules():
    sql, params = ingest_flat.flags_sql(("missing_id",))
    assert sql.startswith("INSERT INTO case_flags (case_uid, rule, column_name, value, message) SELECT")
    assert "NOT e.rule IN ($rule_1)" in sql and params["rule_1"] == "missing_id"


def test_flat_distinct_cells_name_each_column_by_parameter():
    sql, params = ingest_flat.distinct_cells_sql(STAGE, ["date", "lat"])
    assert params == {"column_0": "date", "column_1": "lat"}
    assert 'CAST($column_1 AS VARCHAR) AS col, "lat" AS cell FROM stage_cells WHERE "lat" IS NOT NULL' in sql


def test_flat_delete_replaced_refuses_a_table_that_is_not_a_case_table():
    with pytest.raises(ValueError, match="'imports' is not one of case_persons"):
        ingest_flat.delete_replaced_sql("imports")
