"""Series over time (turquesa_geo/store/queries/series.py): key figures, modus operandi, persons; as strings,
then bound on the tiny store with both sources (cases and rollups) agreeing."""

from __future__ import annotations

import re

import pytest
from builder_values import CURRENT, FILTER_PARAMS, FILTERS, PREVIOUS, D
from periods_store import periods_store
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
    # A yearly series places no band of years (nor a record with no date).
    assert (
        "AND c.case_date <> $undated AND (c.date_precision IS NULL OR c.date_precision NOT IN ($coarse_1, "
        "$coarse_2))), coded AS" in text
    )
    assert params == {
        "start": D(2024, 1, 1),
        "end": D(2024, 12, 31),
        **FILTER_PARAMS,
        "undated": D(1900, 1, 1),
        "coarse_1": "period",
        "coarse_2": "unknown",
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
        "AND p.role IN ($role_1) AND c.case_date <> $undated AND (c.date_precision IS NULL OR c.date_precision "
        "NOT IN ($coarse_1, $coarse_2, $coarse_3)) GROUP BY ALL ORDER BY ALL"
    )
    assert params == {
        "split": "exploitation_form",
        "role_1": "victim",
        "undated": D(1900, 1, 1),
        **{f"coarse_{i}": p for i, p in enumerate(("year", "period", "unknown"), 1)},
    }
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


# --- periods, not points: each series holds the cases its periods can place (issue 16, item 5) -----------


@pytest.fixture(scope="module")
def periods():
    """Records dated to a day, a month, a year, two bands of years and not at all (tests/periods_store.py)."""
    con = periods_store()
    yield con
    con.close()


def test_modus_bands_and_persons_by_band_as_strings():
    text, params = sql.modus_bands(Filters(start=D(2016, 1, 1), sources=("CTDC",)), "platform")
    assert text.startswith(
        "WITH base AS (SELECT c.case_uid, c.case_date AS first_day, coalesce(c.period_end, c.case_date) AS last_day "
        "FROM counted_cases c WHERE c.date_precision = $band AND coalesce(c.period_end, c.case_date) >= $start "
        "AND c.source IN ($source_1)), "
    )
    assert params == {"band": "period", "start": D(2016, 1, 1), "source_1": "CTDC", "series_dimension": "platform"}
    text, params = sql.persons_by_band(Filters(end=D(2020, 12, 31)))
    assert text == (
        "SELECT c.case_date AS first_day, coalesce(c.period_end, c.case_date) AS last_day, p.role, p.gender, "
        "p.age_group, CAST(sum(p.persons) AS BIGINT) AS persons FROM counted_cases c JOIN case_persons p "
        "ON p.case_uid = c.case_uid WHERE c.date_precision = $band AND c.case_date <= $end AND TRUE AND TRUE "
        "GROUP BY ALL ORDER BY ALL"
    )
    assert params == {"band": "period", "end": D(2020, 12, 31)}


def test_dating_counts_as_a_string():
    text, params = sql.dating_counts(Filters(start=D(2024, 1, 1), sources=("PNC",)))
    assert text == (
        "SELECT CASE WHEN c.case_date = $undated THEN $unknown ELSE coalesce(c.date_precision, $day) END "
        "AS date_precision, CAST(count(*) AS BIGINT) AS cases FROM counted_cases c "
        "WHERE (coalesce(c.period_end, c.case_date) >= $start AND c.source IN ($source_1) "
        "OR (c.case_date = $undated AND c.source IN ($source_1))) GROUP BY ALL ORDER BY ALL"
    )
    assert params == {
        "start": D(2024, 1, 1),
        "source_1": "PNC",
        "undated": D(1900, 1, 1),
        "unknown": "unknown",
        "day": "day",
    }


def test_a_yearly_series_places_year_dated_cases_and_no_band(periods):
    rows = periods.execute(*sql.modus_series(Filters(), "platform", "Y")).fetchall()
    # 2023: cases 1 and 2; 2024: case 3 (a month) and case 4 (only the year). Bands 2014-2018, 2019-2020: none.
    assert rows == [(D(2023, 1, 1), None, "facebook", 2, 2, 2), (D(2024, 1, 1), None, "tiktok", 2, 2, 2)]


@pytest.mark.parametrize(
    "freq, periods_of_cases",
    [
        ("Q", [(D(2023, 1, 1), "facebook"), (D(2023, 10, 1), "facebook"), (D(2024, 1, 1), "tiktok")]),
        ("M", [(D(2023, 3, 1), "facebook"), (D(2023, 11, 1), "facebook"), (D(2024, 2, 1), "tiktok")]),
    ],
)
def test_a_monthly_or_quarterly_series_places_no_year_dated_case(periods, freq, periods_of_cases):
    rows = periods.execute(*sql.modus_series(Filters(), "platform", freq)).fetchall()
    assert rows == [(p, None, code, 1, 1, 1) for p, code in periods_of_cases]  # case 4 (2024, a year) left out


def test_bands_are_counted_whole_per_band_when_they_meet_the_period(periods):
    bands = periods.execute(*sql.modus_bands(Filters(), "platform")).fetchall()
    assert bands == [
        (D(2014, 1, 1), D(2018, 12, 31), "facebook", 1, 1, 1),
        (D(2019, 1, 1), D(2020, 12, 31), "tiktok", 1, 1, 1),
    ]
    # From 2016: 2014-2018 meets the period and counts whole; until 2018: 2019-2020 does not.
    assert len(periods.execute(*sql.modus_bands(Filters(start=D(2016, 1, 1)), "platform")).fetchall()) == 2
    assert periods.execute(*sql.modus_bands(Filters(end=D(2018, 12, 31)), "platform")).fetchall() == [bands[0]]
    assert periods.execute(*sql.persons_by_band(Filters())).fetchall() == [
        (D(2014, 1, 1), D(2018, 12, 31), "victim", "female", "adult", 4),
        (D(2014, 1, 1), D(2018, 12, 31), "victim", "unknown", "adult", 1),
        (D(2019, 1, 1), D(2020, 12, 31), "victim", "male", "adult", 2),
    ]


def test_persons_over_time_leave_bands_out_and_totals_keep_them(periods):
    by_year = periods.execute(*sql.persons_by(Filters(), "none", "Y")).fetchall()
    assert [(r[0], r[3], r[4], r[5]) for r in by_year] == [
        (D(2023, 1, 1), "female", "adult", 2),
        (D(2023, 1, 1), "male", "adult", 1),
        (D(2024, 1, 1), "female", "adult", 3),  # case 4, dated only to 2024: in a yearly series
        (D(2024, 1, 1), "female", "minor", 1),
    ]
    by_month = periods.execute(*sql.persons_by(Filters(), "none", "M")).fetchall()
    assert [(r[0], r[5]) for r in by_month] == [(D(2023, 3, 1), 2), (D(2023, 11, 1), 1), (D(2024, 2, 1), 1)]
    totals = periods.execute(*sql.persons_by(Filters(), "none")).fetchall()
    # Every person: 2 + 3 + 4 + 1 women (a band's and the undated woman included), 3 men, 1 girl, 1 unknown.
    assert [(r[3], r[4], r[5]) for r in totals] == [
        ("female", "adult", 10),
        ("female", "minor", 1),
        ("male", "adult", 3),
        ("unknown", "adult", 1),
    ]


def test_dating_counts_per_precision(periods):
    assert periods.execute(*sql.dating_counts(Filters())).fetchall() == [
        ("day", 2),  # case 2 gives no precision: a day
        ("month", 1),
        ("period", 2),
        ("unknown", 1),
        ("year", 1),
    ]
    # From 2019: band 2014-2018 is out; the undated record is in no period, counted whatever the period.
    assert periods.execute(*sql.dating_counts(Filters(start=D(2019, 1, 1), sources=("CTDC",)))).fetchall() == [
        ("period", 1),
        ("unknown", 1),
        ("year", 1),
    ]


def test_a_corridor_series_places_what_its_frequency_can(periods):
    months = (D(1900, 1, 1), D(2024, 12, 31))
    yearly = periods.execute(*sql.monthly_signature_modus(Filters(), *months, freq="Y")).fetchall()
    assert sorted((r[0], r[-2], r[-1]) for r in yearly) == [
        (D(2023, 3, 1), "facebook", 1),
        (D(2023, 11, 1), "facebook", 1),
        (D(2024, 1, 1), "tiktok", 1),  # case 4, its year
        (D(2024, 2, 1), "tiktok", 1),
    ]
    quarterly = periods.execute(*sql.monthly_signature_modus(Filters(), *months, reporting=True, freq="Q")).fetchall()
    assert sorted(r[0] for r in quarterly) == [D(2023, 3, 1), D(2023, 11, 1), D(2024, 2, 1)]
