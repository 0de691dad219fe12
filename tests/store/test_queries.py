"""The store's query builders, tested as strings (SQL fragments and the exact parameters), then bound on a tiny store.

Like datasette's filter tests: no database for the text; a handful of hand-written rows
to show that the named parameters bind and give literal answers.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re

import pytest
from tiny_store import tiny_store

from turquesa_geo.filters import Filters
from turquesa_geo.store import queries as sql
from turquesa_geo.store.connection import MIGRATIONS
from turquesa_geo.store.queries import base

D = dt.date
CURRENT = (D(2024, 1, 1), D(2024, 12, 31))
PREVIOUS = (D(2023, 1, 1), D(2023, 12, 31))

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


# --- filters ------------------------------------------------------------------------------

FILTERS = Filters(
    start=D(2024, 1, 1),
    end=D(2024, 12, 31),
    crime_types=("smuggling", "trafficking"),
    genders=("female",),
    sources=("PNC",),
    modus=(("platform", "tiktok"), ("transport_mode", "sea")),
)
#: The parameters of FILTERS' case conditions.
FILTER_PARAMS = {
    "crime_type_1": "smuggling",
    "crime_type_2": "trafficking",
    "source_1": "PNC",
    "dimension": "platform",
    "code_1": "tiktok",
    "dimension_2": "transport_mode",
    "code_1_2": "sea",
    "role_1": "victim",
    "role_2": "migrant",
    "gender_1": "female",
}


def test_case_filter():
    text, params = sql.case_filter(FILTERS)
    assert text == (
        "c.crime_type IN ($crime_type_1, $crime_type_2) AND c.source IN ($source_1) "
        "AND EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = c.case_uid AND a.dimension = $dimension "
        "AND a.code IN ($code_1)) "
        "AND EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = c.case_uid AND a.dimension = $dimension_2 "
        "AND a.code IN ($code_1_2)) "
        "AND EXISTS (SELECT 1 FROM case_persons p WHERE p.case_uid = c.case_uid "
        "AND p.role IN ($role_1, $role_2) AND p.gender IN ($gender_1))"
    )
    assert params == FILTER_PARAMS


def test_case_filter_of_linked_crimes_and_no_filter():
    assert sql.case_filter(Filters(linked_crimes=("fraud",)), "r") == (
        "EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = r.case_uid AND a.dimension = $dimension "
        "AND a.code IN ($code_1))",
        {"dimension": "linked_crime", "code_1": "fraud"},
    )
    assert sql.case_filter(Filters()) == ("TRUE", {})


def test_person_filter_defaults_to_the_people_moved():
    assert sql.person_filter(Filters(age_groups=("minor",)), "q") == (
        "q.role IN ($role_1, $role_2) AND q.age_group IN ($age_group_1)",
        {"role_1": "victim", "role_2": "migrant", "age_group_1": "minor"},
    )
    assert sql.person_filter(Filters(roles=("suspect",))) == ("p.role IN ($role_1)", {"role_1": "suspect"})


def test_period_filter():
    assert sql.period_filter(Filters(end=D(2024, 6, 30), sources=("X",))) == (
        "c.case_date <= $end AND c.source IN ($source_1)",
        {"end": D(2024, 6, 30), "source_1": "X"},
    )


# --- routes and series ------------------------------------------------------------------------


def test_route_signatures_from_the_cases():
    text, params = sql.route_signatures(FILTERS, CURRENT, PREVIOUS)
    assert text.startswith("SELECT c.nationality, c.origin, c.transit, c.destination, c.detection_country, ")
    assert "CAST(sum(CASE WHEN c.case_date >= $start THEN 1 ELSE 0 END) AS BIGINT) AS cases, " in text
    assert "CAST(sum(CASE WHEN c.case_date <= $prev_end THEN 1 ELSE 0 END) AS BIGINT) AS cases_prev, " in text
    assert "sum(CASE WHEN q.gender = $female THEN q.persons ELSE 0 END) AS female" in text
    assert "FROM case_persons q WHERE q.role IN ($role_1, $role_2) AND q.gender IN ($gender_1) GROUP BY" in text
    assert "WHERE c.case_date >= $first AND c.case_date <= $end AND c.crime_type IN (" in text
    assert params == {
        "start": D(2024, 1, 1),
        "end": D(2024, 12, 31),
        "first": D(2023, 1, 1),
        "prev_end": D(2023, 12, 31),
        **FILTER_PARAMS,
        "female": "female",
        "unknown": "unknown",
    }


def test_route_signatures_from_the_rollup_without_a_previous_period():
    text, params = sql.route_signatures(Filters(sources=("PNC",)), CURRENT, None, source="rollup")
    assert (text, params) == sql.route_signatures_rollup(Filters(sources=("PNC",)), CURRENT, None)
    assert "FROM rollup_routes r WHERE r.month >= $first AND r.month <= $end AND r.source IN ($source_1) " in text
    assert "CAST(sum(CASE WHEN r.month >= $start THEN r.persons ELSE 0 END) AS BIGINT) AS persons" in text
    assert params == {
        "start": D(2024, 1, 1),
        "end": D(2024, 12, 31),
        "first": D(2024, 1, 1),
        "prev_end": None,
        "source_1": "PNC",
    }


def test_key_figures():
    text, params = sql.key_figures(Filters(), CURRENT, PREVIOUS)
    assert (
        "CAST(count(DISTINCT CASE WHEN c.case_date <= $prev_end THEN c.case_uid END) AS BIGINT) AS cases_prev" in text
    )
    assert (
        "CAST(coalesce(sum(CASE WHEN c.case_date >= $start AND p.role = $migrant THEN p.persons END), 0) AS BIGINT) "
        "AS migrants, " in text
    )
    assert "p.role <> $suspect AND p.gender <> $unknown THEN p.persons END), 0) AS BIGINT) AS known_sex" in text
    assert text.endswith("WHERE c.case_date >= $first AND c.case_date <= $end AND TRUE")
    assert params == {
        "start": D(2024, 1, 1),
        "end": D(2024, 12, 31),
        "first": D(2023, 1, 1),
        "prev_end": D(2023, 12, 31),
        "victim": "victim",
        "migrant": "migrant",
        "suspect": "suspect",
        "female": "female",
        "unknown": "unknown",
    }


def test_modus_series_from_the_cases_and_the_rollups():
    text, params = sql.modus_series(FILTERS, "platform", "Y", "crime_type")
    assert "WITH base AS (SELECT c.case_uid, CAST(date_trunc('year', c.case_date) AS DATE) AS period, " in text
    assert "WHERE c.case_date >= $start AND c.case_date <= $end AND c.crime_type IN (" in text
    assert "JOIN case_attributes a ON a.case_uid = b.case_uid AND a.dimension = $series_dimension)" in text
    assert params == {"start": D(2024, 1, 1), "end": D(2024, 12, 31), **FILTER_PARAMS, "series_dimension": "platform"}
    text, params = sql.modus_series(Filters(start=D(2024, 1, 1)), "platform", "Q", source="rollup")
    assert (text, params) == sql.modus_series_rollup(Filters(start=D(2024, 1, 1)), "platform", "Q")
    assert "FROM rollup_modus m WHERE m.dimension = $series_dimension AND m.month >= $start AND TRUE " in text
    assert "CAST(sum(t.reporting_platform) AS BIGINT) AS reporting FROM rollup_routes t WHERE t.month >= $start" in text
    assert params == {"start": D(2024, 1, 1), "series_dimension": "platform"}


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sql.modus_series(Filters(), "platform", by="route"), "by 'route' is not None or 'crime_type'"),
        (lambda: sql.modus_series(Filters(), "platform", source="parquet"), "source 'parquet' is not one of"),
        (lambda: sql.modus_series(Filters(), "x", source="rollup"), "dimension 'x' is not one of"),
        (lambda: sql.modus_series(Filters(), "platform", "W"), "frequency 'W' is not one of M, Q, Y"),
        (lambda: sql.route_signatures(Filters(), CURRENT, None, "x"), "source 'x' is not one of cases, rollup"),
        (lambda: sql.persons_by(Filters(), "route"), "split 'route' is not one of"),
    ],
)
def test_builders_refuse_unknown_choices_by_name(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_monthly_modus_from_the_rollups_has_one_parameter_per_dimension():
    text, params = sql.monthly_modus(Filters(nationalities=("VEN",)), *CURRENT, source="rollup")
    assert (text, params) == sql.monthly_modus_rollup(Filters(nationalities=("VEN",)), *CURRENT)
    assert text.count(" UNION ALL ") == len(sql.ROLLUP_DIMENSIONS) - 1
    assert "SELECT t.month, $dimension_platform AS dimension, CAST(sum(t.reporting_platform) AS BIGINT)" in text
    assert params == {
        "first": D(2024, 1, 1),
        "last": D(2024, 12, 31),
        "nationality_1": "VEN",
        **{f"dimension_{d}": d for d in sql.ROLLUP_DIMENSIONS},
    }
    assert sql.monthly_modus(Filters(), *CURRENT)[1] == {"first": D(2024, 1, 1), "last": D(2024, 12, 31)}


def test_persons_by_and_persons_by_signature_share_one_base():
    text, params = sql.persons_by(Filters(roles=("victim",)), "exploitation_form", "M")
    assert text == (
        "SELECT CAST(date_trunc('month', c.case_date) AS DATE) AS period, a.code AS category, p.role, p.gender, "
        "p.age_group, CAST(sum(p.persons) AS BIGINT) AS persons FROM cases c JOIN case_persons p "
        "ON p.case_uid = c.case_uid JOIN case_attributes a ON a.case_uid = c.case_uid AND a.dimension = $split "
        "WHERE EXISTS (SELECT 1 FROM case_persons p WHERE p.case_uid = c.case_uid AND p.role IN ($role_1)) "
        "AND p.role IN ($role_1) GROUP BY ALL ORDER BY ALL"
    )
    assert params == {"split": "exploitation_form", "role_1": "victim"}
    text, params = sql.persons_by_signature(Filters(start=D(2024, 1, 1)))
    assert text.endswith(
        "WHERE c.case_date >= $start AND TRUE AND TRUE GROUP BY c.nationality, c.origin, c.transit, "
        "c.destination, c.detection_country, p.role, p.gender, p.age_group"
    )
    assert params == {"start": D(2024, 1, 1)}


# --- rollups, references, the rest ------------------------------------------------------------------


def test_refresh_rollups_of_the_touched_months():
    statements = sql.refresh_rollups("touched")
    assert [text.split(" (")[0].split(" SELECT")[0] for text, _ in statements] == [
        "DELETE FROM rollup_routes WHERE month IN",
        "INSERT INTO rollup_routes",
        "DELETE FROM rollup_modus WHERE month IN",
        "INSERT INTO rollup_modus",
    ]
    text, params = statements[1]
    assert "FROM case_persons q WHERE q.role IN ($role_1, $role_2) AND q.case_uid IN (SELECT case_uid FROM" in text
    assert "max(CASE WHEN a.dimension = $dimension_platform THEN 1 ELSE 0 END) AS r_platform" in text
    assert params == {
        "female": "female",
        "unknown": "unknown",
        "role_1": "victim",
        "role_2": "migrant",
        **{f"dimension_{d}": d for d in sql.ROLLUP_DIMENSIONS},
    }
    assert sql.refresh_rollups()[0] == ("DELETE FROM rollup_routes", {})


def test_aggregate_counts():
    text, params = sql.aggregate_counts(
        Filters(end=D(2022, 12, 31), genders=("female",), nationalities=("VEN",)), "detected_victims", "citizenship"
    )
    assert text == (
        "SELECT source, year, country, area, category, sex, age_group, unit, value, censored FROM aggregate_counts "
        "WHERE indicator = $indicator AND dimension = $dimension AND year <= $last_year AND sex IN ($sex_1) "
        "AND category IN ($category_1) ORDER BY year, area, category, sex, age_group"
    )
    assert params == {
        "indicator": "detected_victims",
        "dimension": "citizenship",
        "last_year": 2022,
        "sex_1": "female",
        "category_1": "VEN",
    }
    text, _ = sql.aggregate_counts(Filters(transit=("PAN",)), "detected_victims", "total")
    assert " AND FALSE ORDER BY" in text


def test_outcomes():
    text, params = sql.outcomes(Filters(origin=("VEN",), destination=("USA",), transit=("PAN", "MEX")))
    assert text.endswith(
        "WHERE (c.dead IS NOT NULL OR c.missing IS NOT NULL) AND TRUE AND c.origin IN ($origin_1) "
        "AND coalesce(c.destination, c.detection_country) IN ($destination_1) "
        "AND (c.transit LIKE $transit_1 OR c.transit LIKE $transit_2) "
        "GROUP BY c.detection_country, c.location_precision, c.source_quality"
    )
    assert "FROM case_persons WHERE role = $migrant GROUP BY case_uid" in text
    assert params == {
        "origin_1": "VEN",
        "destination_1": "USA",
        "transit_1": "%PAN%",
        "transit_2": "%MEX%",
        "female": "female",
        "male": "male",
        "migrant": "migrant",
    }


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


# --- rules over every builder -------------------------------------------------------------------------

#: A call of every builder that takes values (filters set so that every fragment appears).
EVERY_BUILDER = {
    "case_filter": lambda: sql.case_filter(FILTERS),
    "person_filter": lambda: sql.person_filter(FILTERS),
    "period_filter": lambda: sql.period_filter(FILTERS),
    "route_signatures": lambda: sql.route_signatures(FILTERS, CURRENT, PREVIOUS),
    "route_signatures_rollup": lambda: sql.route_signatures_rollup(FILTERS, CURRENT, PREVIOUS),
    "reporter_signatures": lambda: sql.reporter_signatures(FILTERS, *CURRENT),
    "modus_series": lambda: sql.modus_series(FILTERS, "platform", "M", "crime_type"),
    "modus_series_rollup": lambda: sql.modus_series_rollup(FILTERS, "platform", "M", "crime_type"),
    "key_figures": lambda: sql.key_figures(FILTERS, CURRENT, PREVIOUS),
    "persons_by": lambda: sql.persons_by(FILTERS, "exploitation_form", "Y"),
    "persons_by_signature": lambda: sql.persons_by_signature(FILTERS),
    "monthly_modus": lambda: sql.monthly_modus(FILTERS, *CURRENT),
    "monthly_modus_rollup": lambda: sql.monthly_modus_rollup(FILTERS, *CURRENT),
    "monthly_signatures": lambda: sql.monthly_signatures(FILTERS, *CURRENT),
    "monthly_signature_modus": lambda: sql.monthly_signature_modus(FILTERS, *CURRENT),
    "view_sources": lambda: sql.view_sources(FILTERS),
    "aggregate_counts": lambda: sql.aggregate_counts(FILTERS, "detected_victims", "citizenship"),
    "outcomes": lambda: sql.outcomes(FILTERS),
    "status_by_crime_year": sql.status_by_crime_year,
    "store_totals": sql.store_totals,
    "recent_imports": lambda: sql.recent_imports(5),
    "quarantine_by_rule": lambda: sql.quarantine_by_rule(1),
    "quarantine_rows": lambda: sql.quarantine_rows(1),
    "import_exists": lambda: sql.import_exists(1),
    "coarse_dates": sql.coarse_dates,
    "store_countries": sql.store_countries,
    "data_version": sql.data_version,
    "record_migration": lambda: sql.record_migration(5),
    "export_log": lambda: sql.export_log(5),
    "insert_export": lambda: sql.insert_export(dict.fromkeys(sql.EXPORT_LOG_COLUMNS)),
    "naive_cases": lambda: sql.naive_cases(10),
    "period_arcs": lambda: sql.period_arcs(*CURRENT, limit=10),
    **{f"refresh_rollups_{i}": (lambda i=i: sql.refresh_rollups("touched")[i]) for i in range(4)},
}

#: String literals allowed in SQL text: date_trunc's unit keywords (from FREQUENCIES, never a value).
ALLOWED_LITERALS = {f"'{unit}'" for unit in base.FREQUENCIES.values()}


@pytest.mark.parametrize("name", list(EVERY_BUILDER))
def test_every_builder_returns_text_and_a_dict_of_exactly_the_parameters_it_names(name):
    text, params = EVERY_BUILDER[name]()
    assert isinstance(text, str) and isinstance(params, dict)  # a fragment's is its statement's Params
    assert set(re.findall(r"\$([a-z_][a-z0-9_]*)", text)) == set(params)
    assert "?" not in text


@pytest.mark.parametrize("name", list(EVERY_BUILDER))
def test_no_builder_writes_a_value_into_its_text(name):
    text, _ = EVERY_BUILDER[name]()
    assert set(re.findall(r"'[^']*'", text)) <= ALLOWED_LITERALS


def _every_statement() -> list[str]:
    migrations = [s for _, statements in MIGRATIONS for s in statements]
    return [*migrations, *(EVERY_BUILDER[name]()[0] for name in EVERY_BUILDER)]


def test_every_insert_names_its_columns():
    inserts = [s for s in _every_statement() if "INSERT INTO" in s]
    assert len(inserts) >= 4
    assert [s for s in inserts if not re.search(r"INSERT INTO \w+ \([a-z0-9_, ]+\) (SELECT|VALUES)", s)] == []


#: The modules of the queries package.
QUERY_MODULES = (
    sql.base,
    sql.conditions,
    sql.routes,
    sql.series,
    sql.rollups,
    sql.references,
    sql.inventory,
    sql.schema,
    sql.exports,
    sql.bench,
)


@pytest.mark.parametrize("module", QUERY_MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_every_public_function_of_a_queries_module_is_in_its_all(module):
    defined = {
        n for n, v in vars(module).items() if inspect.isfunction(v) and v.__module__ == module.__name__ and n[0] != "_"
    }
    assert defined - set(module.__all__) == set()
    assert [n for n in module.__all__ if not hasattr(module, n)] == []


def test_the_package_all_is_the_union_of_its_modules():
    assert sorted(sql.__all__) == sorted({n for m in QUERY_MODULES for n in m.__all__})


def test_the_ingest_engineers_names_still_import():
    from turquesa_geo.store.queries import (  # noqa: F401
        Query,
        copy_to_temp_sql,
        drop_temp_sql,
        plain_ident,
        quote_ident,
        select_all_sql,
        touched_months_sql,
    )


# --- bound on a tiny store -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny():
    con = tiny_store()
    yield con
    con.close()


def test_key_figures_bind_on_the_tiny_store(tiny):
    row = tiny.execute(*sql.key_figures(Filters(), CURRENT, PREVIOUS)).fetchall()[0]
    assert row == (3, 1, 3, 0, 14, 4, 1, 0, 4, 16)


def test_route_signatures_bind_and_both_sources_agree(tiny):
    expected = [
        ("HTI", "HTI", "PAN>CRI", "USA", "MEX", 1, 0, 2, 2, 2),
        ("VEN", "VEN", "COL", "PAN", "PAN", 1, 1, 12, 0, 12),
        ("VEN", "VEN", None, "PER", "PER", 1, 0, 3, 2, 2),
    ]
    for source in sql.SIGNATURE_SOURCES:
        text, params = sql.route_signatures(Filters(), CURRENT, PREVIOUS, source)
        assert tiny.execute(f"{text} ORDER BY ALL", params).fetchall() == expected, source


def test_two_fragments_bind_their_own_values_on_the_tiny_store(tiny):
    params = sql.Params()
    pnc, _ = sql.case_filter(Filters(sources=("PNC",)), "c", params)
    mp, _ = sql.case_filter(Filters(sources=("MP",)), "c", params)
    text = f"SELECT count(*) FILTER (WHERE {pnc}), count(*) FILTER (WHERE {mp}) FROM cases c"
    assert tiny.execute(text, params).fetchall() == [(2, 1)]


def test_filters_and_periods_bind_on_the_tiny_store(tiny):
    filters = Filters(start=D(2024, 1, 1), end=D(2024, 12, 31), genders=("female",), crime_types=("trafficking",))
    assert tiny.execute(*sql.view_sources(filters)).fetchall() == [("MP", 1)]
    assert tiny.execute(*sql.view_sources(Filters(modus=(("transport_mode", "land"),)))).fetchall() == [("PNC", 2)]


def test_modus_series_binds_and_both_sources_agree(tiny):
    filters = Filters(start=D(2023, 1, 1), end=D(2024, 12, 31))
    expected = [
        (D(2023, 1, 1), None, "land", 1, 1, 1),
        (D(2024, 1, 1), None, "land", 1, 2, 3),
        (D(2024, 1, 1), None, "river", 1, 2, 3),
        (D(2024, 1, 1), None, "sea", 1, 2, 3),
    ]
    for source in sql.SERIES_SOURCES:
        rows = tiny.execute(*sql.modus_series(filters, "transport_mode", "Y", source=source)).fetchall()
        assert rows == expected, source


def test_monthly_modus_binds_and_both_sources_agree(tiny):
    for source in sql.SERIES_SOURCES:
        rows = sorted(tiny.execute(*sql.monthly_modus(Filters(), *CURRENT, source=source)).fetchall())
        assert rows == [
            (D(2024, 3, 1), "transport_mode", "land", 1, 1),
            (D(2024, 3, 1), "transport_mode", "river", 1, 1),
            (D(2024, 7, 1), "exploitation_form", "sexual", 1, 1),
            (D(2024, 7, 1), "platform", "tiktok", 1, 1),
            (D(2024, 8, 1), "transport_mode", "sea", 1, 1),
        ], source


def test_outcomes_bind_on_the_tiny_store(tiny):
    rows = tiny.execute(*sql.outcomes(Filters(transit=("CRI",)))).fetchall()
    assert rows == [("MEX", "exact", "verified", 1, 2, 1, 5, 1, 2, 0)]
    assert tiny.execute(*sql.outcomes(Filters(transit=("COL",)))).fetchall() == []
