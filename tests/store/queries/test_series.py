"""Series over time (turquesa_geo/store/queries/series.py): key figures, modus operandi, persons; as strings,
then bound on the tiny store with both sources (cases and rollups) agreeing."""

from __future__ import annotations

import re

import pytest
from builder_values import CURRENT, FILTER_PARAMS, FILTERS, PREVIOUS, D
from tiny_store import tiny_store

from turquesa_geo.filters import Filters
from turquesa_geo.store import queries as sql


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
    assert text.endswith("WHERE c.case_date >= $first AND c.case_date <= $end AND TRUE AND c.case_date <> $undated")
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
        "undated": D(1900, 1, 1),
    }


def test_modus_series_from_the_cases_and_the_rollups():
    text, params = sql.modus_series(FILTERS, "platform", "Y", "crime_type")
    assert "WITH base AS (SELECT c.case_uid, CAST(date_trunc('year', c.case_date) AS DATE) AS period, " in text
    assert "WHERE c.case_date >= $start AND c.case_date <= $end AND c.crime_type IN (" in text
    assert "JOIN case_attributes a ON a.case_uid = b.case_uid AND a.dimension = $series_dimension)" in text
    assert "AND c.case_date <> $undated), coded AS" in text
    assert params == {
        "start": D(2024, 1, 1),
        "end": D(2024, 12, 31),
        **FILTER_PARAMS,
        "undated": D(1900, 1, 1),
        "series_dimension": "platform",
    }
    text, params = sql.modus_series(Filters(start=D(2024, 1, 1)), "platform", "Q", source="rollup")
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
    assert text.count(" UNION ALL ") == len(sql.ROLLUP_DIMENSIONS) - 1
    assert "SELECT t.month, $dimension_platform AS dimension, CAST(sum(t.reporting_platform) AS BIGINT)" in text
    assert params == {
        "first": D(2024, 1, 1),
        "last": D(2024, 12, 31),
        "nationality_1": "VEN",
        **{f"dimension_{d}": d for d in sql.ROLLUP_DIMENSIONS},
    }
    assert sql.monthly_modus(Filters(), *CURRENT)[1] == {
        "first": D(2024, 1, 1),
        "last": D(2024, 12, 31),
        "undated": D(1900, 1, 1),
        **{f"coarse_{i}": p for i, p in enumerate(("year", "period", "unknown"), 1)},
    }


def test_persons_by_and_persons_by_signature_share_one_base():
    text, params = sql.persons_by(Filters(roles=("victim",)), "exploitation_form", "M")
    assert text == (
        "SELECT CAST(date_trunc('month', c.case_date) AS DATE) AS period, a.code AS category, p.role, p.gender, "
        "p.age_group, CAST(sum(p.persons) AS BIGINT) AS persons FROM counted_cases c JOIN case_persons p "
        "ON p.case_uid = c.case_uid JOIN case_attributes a ON a.case_uid = c.case_uid AND a.dimension = $split "
        "WHERE EXISTS (SELECT 1 FROM case_persons p WHERE p.case_uid = c.case_uid AND p.role IN ($role_1)) "
        "AND p.role IN ($role_1) AND c.case_date <> $undated GROUP BY ALL ORDER BY ALL"
    )
    assert params == {"split": "exploitation_form", "role_1": "victim", "undated": D(1900, 1, 1)}
    text, params = sql.persons_by_signature(Filters(start=D(2024, 1, 1)))
    assert text.endswith(
        "WHERE c.case_date >= $start AND TRUE AND TRUE GROUP BY c.nationality, c.origin, c.transit, "
        "c.destination, c.detection_country, p.role, p.gender, p.age_group"
    )
    assert params == {"start": D(2024, 1, 1)}


def test_key_figures_bind_on_the_tiny_store(tiny):
    row = tiny.execute(*sql.key_figures(Filters(), CURRENT, PREVIOUS)).fetchall()[0]
    assert row == (3, 1, 3, 0, 14, 4, 1, 0, 4, 16)


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


def test_monthly_modus_binds_and_both_sources_agree_on_periods_without_coarse_dates(tiny):
    dated_to_the_day = [
        (D(2024, 3, 1), "transport_mode", "land", 1, 1),
        (D(2024, 3, 1), "transport_mode", "river", 1, 1),
        (D(2024, 8, 1), "transport_mode", "sea", 1, 1),
    ]
    # From the cases, case 3 (dated only by its year, 2024) has no month; the rollups know no precision.
    assert sorted(tiny.execute(*sql.monthly_modus(Filters(), *CURRENT)).fetchall()) == dated_to_the_day
    assert sorted(tiny.execute(*sql.monthly_modus(Filters(), *CURRENT, source="rollup")).fetchall()) == sorted(
        [
            *dated_to_the_day,
            (D(2024, 7, 1), "exploitation_form", "sexual", 1, 1),
            (D(2024, 7, 1), "platform", "tiktok", 1, 1),
        ]
    )
    # So the signals read the rollups only for a period without such cases: there both agree.
    for source in sql.SERIES_SOURCES:
        rows = sorted(tiny.execute(*sql.monthly_modus(Filters(), D(2024, 8, 1), D(2024, 12, 31), source)).fetchall())
        assert rows == [(D(2024, 8, 1), "transport_mode", "sea", 1, 1)], source


# --- records with no known date, and records dated only to a year (issue 16) ------------------------


@pytest.fixture(scope="module")
def undated():
    """The tiny store and a CTDC victim registered without a year (case 5: 1900-01-01, precision unknown)."""
    con = tiny_store()
    con.execute(
        "INSERT INTO cases (case_uid, source, incident_id, crime_type, case_date, nationality, origin, destination, "
        "detection_country, import_id, row_hash, date_precision) VALUES (5, 'CTDC', 'C1', 'trafficking', "
        "DATE '1900-01-01', 'VEN', 'VEN', 'PER', 'PER', 1, 'h5', 'unknown')"
    )
    con.execute("INSERT INTO case_persons VALUES (5, 'victim', 'female', 'adult', NULL, 1)")
    con.execute("INSERT INTO case_attributes VALUES (5, 'exploitation_form', 'sexual')")
    for text, params in sql.refresh_rollups():
        con.execute(text, params)
    yield con
    con.close()


def test_a_record_with_no_known_date_is_in_no_series_from_either_source(undated):
    for source in sql.SERIES_SOURCES:
        rows = undated.execute(*sql.modus_series(Filters(), "exploitation_form", "Y", source=source)).fetchall()
        assert rows == [(D(2024, 1, 1), None, "sexual", 1, 1, 3)], source
    assert undated.execute("SELECT count(*) FROM rollup_routes WHERE month < DATE '2000-01-01'").fetchall() == [(0,)]
    by_year = undated.execute(*sql.persons_by(Filters(), "none", "Y")).fetchall()
    assert sorted({r[0] for r in by_year}) == [D(2023, 1, 1), D(2024, 1, 1)]


def test_a_record_with_no_known_date_counts_in_the_totals_and_not_in_the_stores_period(undated):
    total = undated.execute(*sql.persons_by(Filters(roles=("victim",)), "none")).fetchall()
    assert sorted(total) == [
        (None, None, "victim", "female", "adult", 1),  # the undated victim, in the total
        (None, None, "victim", "female", "minor", 2),
        (None, None, "victim", "unknown", "adult", 1),
    ]
    assert undated.execute(*sql.date_range()).fetchall() == [(D(2023, 6, 10), D(2024, 8, 15))]
    assert undated.execute(*sql.undated_cases()).fetchall() == [("CTDC", 1)]
    assert undated.execute(*sql.status_by_crime_year()).fetchall() == [
        ("smuggling", 2023, 1, 4),
        ("smuggling", 2024, 2, 14),
        ("trafficking", 2024, 1, 3),
        ("trafficking", None, 1, 1),
    ]


def test_the_signals_monthly_counts_leave_out_records_dated_only_to_a_year(undated):
    # Case 3 is dated only by its year (2024-07-01 in the tiny store): no month of its own.
    rows = undated.execute(*sql.monthly_signatures(Filters(), D(1900, 1, 1), D(2024, 12, 31))).fetchall()
    assert sorted((r[0], r[-1]) for r in rows) == [(D(2023, 6, 1), 1), (D(2024, 3, 1), 1), (D(2024, 8, 1), 1)]
    modus = undated.execute(*sql.monthly_modus(Filters(), D(1900, 1, 1), D(2024, 12, 31))).fetchall()
    assert {r[1] for r in modus} == {"transport_mode"}  # case 3's platform and exploitation form are left out
    corridor = undated.execute(
        *sql.monthly_signature_modus(Filters(), D(1900, 1, 1), D(2024, 12, 31), months_only=True)
    ).fetchall()
    assert {r[-2] for r in corridor} == {"land", "river", "sea"}
    series = undated.execute(*sql.monthly_signature_modus(Filters(), D(1900, 1, 1), D(2024, 12, 31))).fetchall()
    assert {r[-2] for r in series} == {"land", "river", "sea", "tiktok", "sexual"}  # the corridor series keep it
    assert undated.execute(*sql.coarse_dated_cases(Filters(), *CURRENT)).fetchall() == [(1,)]
    assert undated.execute(*sql.coarse_dated_cases(Filters(), D(2023, 1, 1), D(2023, 12, 31))).fetchall() == [(0,)]
