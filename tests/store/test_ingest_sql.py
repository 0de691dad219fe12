"""The ingest SQL builders as strings: each returns (sql, named parameters), checked without a database."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from turquesa_geo.store.queries import ingest_counts, ingest_flat, ingest_htcds, ingest_ledger, ingest_stage
from turquesa_geo.store.queries.ingest_flat import FlatStage

PLACEHOLDER = re.compile(r"\$([a-z_][a-z0-9_]*)")
MODULES = (ingest_counts, ingest_flat, ingest_htcds, ingest_ledger, ingest_stage)
STAGE = FlatStage("stage_cells", ("incident_id", "source", "date", "crime_type", "lat", "lon", "victims_f_minor"))


QUOTED = re.compile(r"'(?:[^']|'')*'")


def unquoted(sql: str) -> str:
    """The statement without its string literals (messages may hold a '?')."""
    return QUOTED.sub("''", sql)


def placeholders(sql: str) -> set[str]:
    """The ``$name`` parameters a statement uses."""
    return set(PLACEHOLDER.findall(sql))


def every_query() -> list[tuple[str, tuple[str, dict]]]:
    """One call of each statement builder, with small plain arguments."""
    e = {"type": "hte_type", "country": "hte_country", "city": "hte_city", "date": "hte_date"}
    e |= {"lat": "hte_latitude", "lon": "hte_longitude", "seq": "hte_sequence"}
    p = {"role": "prs_role", "gender": "prs_gender", "age_group": "prs_agegroup", "age": "prs_age"}
    p |= {"nationality": "prs_nationality", "crime_type": "crime_type"}
    victim = {"vic_methodsofcontrol": "control_method"}
    return [
        ("previous_import", ingest_ledger.previous_import_sql("ab")),
        ("import_origin", ingest_ledger.import_origin_sql(1)),
        ("next_import_id", ingest_ledger.next_import_id_sql()),
        ("record_import", ingest_ledger.record_import_sql(dict.fromkeys(ingest_ledger.IMPORT_COLUMNS))),
        ("insert_quarantine", ingest_ledger.insert_quarantine_sql("_quarantined", 1)),
        ("quarantine_by_rule", ingest_ledger.quarantine_by_rule_sql(1)),
        ("quarantined_lines", ingest_ledger.quarantined_lines_sql(1)),
        ("count_lines", ingest_ledger.count_lines_sql("errs")),
        ("tally_counts", ingest_counts.tally_counts_sql("g_counts")),
        ("delete_replaced_counts", ingest_counts.delete_replaced_counts_sql("g_counts")),
        ("insert_counts", ingest_counts.insert_counts_sql("g_counts", 1)),
        ("distinct_cells", ingest_flat.distinct_cells_sql(STAGE, ["date", "lat"])),
        ("source_map", ingest_flat.source_map_sql(STAGE)),
        ("decimal_separators", ingest_flat.decimal_separators_sql()),
        ("errors", ingest_flat.errors_sql(STAGE, "PNC", dt.date(2026, 1, 1))),
        ("rows_to_write", ingest_flat.rows_to_write_sql(STAGE, "PNC", 0)),
        ("insert_cases", ingest_flat.insert_cases_sql(1)),
        ("persons", ingest_flat.persons_sql(["victims_f_minor", "migrants_m_adult"])),
        ("attributes", ingest_flat.attributes_sql()),
        ("quarantine", ingest_flat.quarantine_sql(STAGE, 1)),
        ("h_events", ingest_htcds.events_sql("he", ["hte_type", "hte_country"], e)),
        ("he_err", ingest_htcds.event_errors_sql(e, dt.date(2026, 1, 1))),
        ("h_persons", ingest_htcds.persons_sql("hp", ["prs_gender"], p, victim)),
        ("hp_err", ingest_htcds.person_errors_sql(p, victim)),
        ("h_ev", ingest_htcds.route_events_sql({"recruitment": "origin", "transit": "transit"})),
        ("h_attr", ingest_htcds.case_attributes_sql(victim)),
        ("h_cases", ingest_htcds.cases_sql("trafficking")),
        ("h_ins", ingest_htcds.cases_to_write_sql("NGO")),
        ("h_uid", ingest_htcds.case_uids_sql(10)),
        ("htcds_insert_cases", ingest_htcds.insert_cases_sql("NGO", 3)),
        ("htcds_quarantine", ingest_htcds.quarantine_sql("hp", ["case_id", "prs_gender"], "hp_err", 3)),
        ("read_csv", ingest_stage.read_csv_sql("stage", "/tmp/a.csv", ",", {"c0": "VARCHAR"}, 10, keep_rejects=True)),
        ("setting", ingest_stage.setting_sql("lock_configuration")),
    ]


@pytest.mark.parametrize(("name", "query"), every_query(), ids=[name for name, _ in every_query()])
def test_each_builder_names_exactly_the_parameters_it_passes(name, query):
    sql, params = query
    assert isinstance(params, dict), name
    assert placeholders(sql) == set(params), name
    assert "?" not in unquoted(sql), name


@pytest.mark.parametrize(("name", "query"), every_query(), ids=[name for name, _ in every_query()])
def test_every_insert_names_its_columns(name, query):
    sql, _ = query
    for match in re.finditer(r"INSERT INTO (\w+)\s*(\S)", sql):
        assert match.group(2) == "(", f"{name}: INSERT INTO {match.group(1)} has no column list"


def test_record_import_lists_the_imports_columns_and_binds_each_by_name():
    values = {c: i for i, c in enumerate(ingest_ledger.IMPORT_COLUMNS)}
    sql, params = ingest_ledger.record_import_sql(values)
    assert sql == (
        "INSERT INTO imports (import_id, file_name, sha256, profile, source, rows_read, rows_accepted, "
        "rows_quarantined, rows_inserted, rows_updated, rows_unchanged, dropped_columns, ignored_columns, started, "
        "finished, status) VALUES ($import_id, $file_name, $sha256, $profile, $source, $rows_read, $rows_accepted, "
        "$rows_quarantined, $rows_inserted, $rows_updated, $rows_unchanged, $dropped_columns, $ignored_columns, "
        "$started, $finished, $status)"
    )
    assert params == {**values, "status": "done"}


def test_record_import_refuses_a_missing_or_extra_value_naming_the_keys():
    with pytest.raises(ValueError, match="import record keys"):
        ingest_ledger.record_import_sql({"import_id": 1})


def test_insert_quarantine_takes_the_import_id_as_a_parameter():
    assert ingest_ledger.insert_quarantine_sql("_quarantined", 9) == (
        "INSERT INTO quarantine (import_id, line, column_name, rule, value, message, record) "
        "SELECT $import_id, line, column_name, rule, value, message, record FROM _quarantined",
        {"import_id": 9},
    )


def test_internal_relation_names_are_checked():
    with pytest.raises(ValueError, match="not plain snake_case"):
        ingest_ledger.count_lines_sql("errs; DROP TABLE cases")
    with pytest.raises(ValueError, match="not plain snake_case"):
        ingest_counts.insert_counts_sql("g_counts --", 1)


def test_insert_counts_lists_columns_and_binds_the_import_id():
    sql, params = ingest_counts.insert_counts_sql("g_counts", 4)
    assert sql.startswith(
        "INSERT INTO aggregate_counts (source, indicator, dimension, category, country, area, sex, age_group, year, "
        "unit, value, censored, import_id, row_hash) SELECT g.source, g.indicator, g.dimension, g.category, "
        "g.country, g.area, g.sex, g.age_group, g.year, g.unit, g.value, g.censored, $import_id, g.row_hash "
        "FROM g_counts g WHERE NOT EXISTS"
    )
    assert params == {"import_id": 4}


def test_count_tally_joins_on_the_whole_key():
    sql, params = ingest_counts.tally_counts_sql("g_counts")
    for column in ingest_counts.COUNT_KEY:
        assert f"a.{column} = g.{column}" in sql
    assert params == {}


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


def test_flat_errors_bind_source_and_day():
    today = dt.date(2026, 11, 29)
    sql, params = ingest_flat.errors_sql(STAGE, "PNC", today)
    assert sql.startswith("CREATE OR REPLACE TEMP TABLE errs AS WITH checked AS NOT MATERIALIZED")
    assert {k: params[k] for k in ("source", "today")} == {"source": "PNC", "today": today}
    assert "PNC" not in sql and "2026" not in sql


def test_flat_distinct_cells_name_each_column_by_parameter():
    sql, params = ingest_flat.distinct_cells_sql(STAGE, ["date", "lat"])
    assert params == {"column_0": "date", "column_1": "lat"}
    assert 'CAST($column_1 AS VARCHAR) AS col, "lat" AS cell FROM stage_cells WHERE "lat" IS NOT NULL' in sql


def test_flat_delete_replaced_refuses_a_table_that_is_not_a_case_table():
    with pytest.raises(ValueError, match="'imports' is not one of case_persons"):
        ingest_flat.delete_replaced_sql("imports")


def test_htcds_route_roles_travel_as_parameters():
    sql, params = ingest_htcds.route_events_sql({"recruitment": "origin", "arrival": "destination"})
    assert "CASE event_type WHEN $event_type_0 THEN $route_role_0 WHEN $event_type_1 THEN $route_role_1 END" in sql
    assert params == {
        "event_type_0": "recruitment",
        "route_role_0": "origin",
        "event_type_1": "arrival",
        "route_role_1": "destination",
        "precision": "point",
        "precision_2": "place",
        "precision_3": "country",
    }


def test_htcds_cases_bind_source_import_id_and_default_crime_type():
    assert ingest_htcds.insert_cases_sql("NGO", 3)[1] == {"source": "NGO", "import_id": 3}
    assert ingest_htcds.cases_sql("smuggling")[1] == {
        "default_crime_type": "smuggling",
        **{role: role for role in ("origin", "destination", "transit", "detection", "victim", "unknown")},
    }
    assert ingest_htcds.case_uids_sql(41) == (
        "CREATE OR REPLACE TEMP TABLE h_uid AS SELECT case_id, old_uid, same, "
        "coalesce(old_uid, CAST($base AS BIGINT) + row_number() OVER (ORDER BY case_id)) AS case_uid FROM h_ins",
        {"base": 41},
    )


def test_htcds_case_view_quotes_file_columns():
    sql, params = ingest_htcds.case_view_sql("hp", "cas_caseid", ["cas_caseid", 'odd"name'])
    assert sql == ('CREATE OR REPLACE TEMP VIEW hp_v AS SELECT _line, "cas_caseid" AS case_id, "odd""name" FROM hp')
    assert params == {}


def test_stage_read_csv_binds_path_delimiter_columns_and_line_limit():
    sql, params = ingest_stage.read_csv_sql("stage", "/data/x.csv", ";", {"c0": "VARCHAR"}, 99, keep_rejects=True)
    assert "store_rejects = true" in sql and "/data/x.csv" not in sql
    assert params == {
        "path": "/data/x.csv",
        "delim": ";",
        "quote": '"',
        "columns": {"c0": "VARCHAR"},
        "max_line_size": 99,
    }


def test_stage_setting_refuses_a_setting_it_does_not_read():
    with pytest.raises(ValueError, match="'memory_limit' is not one of"):
        ingest_stage.setting_sql("memory_limit")


def test_store_ingest_modules_never_import_the_ingest_package():
    for module in MODULES:
        source = open(module.__file__, encoding="utf-8").read()
        assert "turquesa_geo.ingest" not in source, module.__name__
