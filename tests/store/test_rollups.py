"""The rollups answer exactly what the case tables answer, and are kept by every import."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest
from conftest import GOOD_ROWS, TODAY, csv_text, run_import
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from turquesa_geo.demo.generator import write_demo
from turquesa_geo.filters import Filters, previous_period
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.store import queries as sql
from turquesa_geo.store import rollups
from turquesa_geo.store.connection import connect
from turquesa_geo.store.rollups import refresh

MEASURES = ["cases", "cases_prev", "persons", "women_girls", "persons_known_sex", "cases_flagged"]
SIGNATURE = ["nationality", "origin", "transit", "destination", "detection_country"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rollups")
    write_demo(folder / "a.parquet", rows=8_000, seed=11)
    write_demo(folder / "b.parquet", rows=3_000, seed=12)  # overlapping ids: updates replace cases
    con = connect(folder / "store.duckdb")
    import_file(con, folder / "a.parquet", today=TODAY)
    import_file(con, folder / "b.parquet", today=TODAY)
    yield con
    con.close()


@pytest.fixture(scope="module")
def flagged_demo(tmp_path_factory):
    """A demo store of 8,000 cases, about a third flagged (one or two rules each), rollups rebuilt."""
    folder = tmp_path_factory.mktemp("flagged")
    write_demo(folder / "a.parquet", rows=8_000, seed=11)
    con = connect(folder / "store.duckdb")
    import_file(con, folder / "a.parquet", today=TODAY)
    con.execute("DELETE FROM case_flags")  # the importer's own flags, if any: the rules below are the test's
    con.execute(
        "INSERT INTO case_flags (case_uid, rule, column_name, value, message) "
        "SELECT case_uid, 'partial_date', 'date', NULL, 'm' FROM cases WHERE case_uid % 5 = 0 "
        "UNION ALL SELECT case_uid, 'rounded_coordinates', 'lat', NULL, 'm' FROM cases WHERE case_uid % 7 = 0 "
        "UNION ALL SELECT case_uid, 'adjustment', 'victims_f_adult', NULL, 'm' FROM cases WHERE case_uid % 11 = 3"
    )
    con.execute("BEGIN TRANSACTION")
    refresh(con)
    con.execute("COMMIT")
    yield con
    con.close()


def _frame(con, query, keys) -> pd.DataFrame:
    frame = con.execute(*query).df()
    return frame.sort_values(keys, na_position="first").reset_index(drop=True)


def _routes(con, filters, period, rollup: bool) -> pd.DataFrame:
    source = "rollup" if rollup else "cases"
    frame = _frame(con, sql.route_signatures(filters, period, previous_period(filters), source=source), SIGNATURE)
    return frame.astype({m: "int64" for m in MEASURES})


def _months(draw, first=dt.date(2018, 1, 1), count=106):
    a, b = sorted(draw(st.lists(st.integers(0, count - 1), min_size=2, max_size=2)))
    start = dt.date(first.year + (first.month - 1 + a) // 12, (first.month - 1 + a) % 12 + 1, 1)
    end_first = dt.date(first.year + (first.month - 1 + b) // 12, (first.month - 1 + b) % 12 + 1, 1)
    return rollups.whole_months(start, end_first)


@st.composite
def covered_filters(draw) -> Filters:
    start, end = _months(draw)
    return Filters(
        start=start,
        end=end,
        crime_types=tuple(draw(st.sets(st.sampled_from(["trafficking", "smuggling", "both"]), max_size=2))),
        nationalities=tuple(draw(st.sets(st.sampled_from(["VEN", "HTI", "CUB", "PRY", "ECU", "ZZZ"]), max_size=2))),
        sources=tuple(
            draw(st.sets(st.sampled_from(["INTERPOL ISON", "Policía Nacional de Colombia", "nope"]), max_size=1))
        ),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=covered_filters())
def test_route_signatures_from_the_rollup_equal_those_from_the_cases(demo, filters):
    period = (filters.start, filters.end)
    assert rollups.covers(filters, period, previous_period(filters))
    expected = _routes(demo, filters, period, rollup=False)
    pd.testing.assert_frame_equal(_routes(demo, filters, period, rollup=True), expected)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    filters=covered_filters(),
    dimension=st.sampled_from(sql.ROLLUP_DIMENSIONS),
    freq=st.sampled_from("MQY"),
    by=st.sampled_from([None, "crime_type"]),
    open_start=st.booleans(),
)
def test_modus_series_from_the_rollups_equal_those_from_the_cases(demo, filters, dimension, freq, by, open_start):
    if open_start:  # what the trends page asks: the whole history up to the period's end
        filters = Filters(end=filters.end, crime_types=filters.crime_types, sources=filters.sources)
    keys = ["period", "grp", "code"]
    expected = _frame(demo, sql.modus_series(filters, dimension, freq, by), keys)
    got = _frame(demo, sql.modus_series(filters, dimension, freq, by, source="rollup"), keys)
    pd.testing.assert_frame_equal(
        got.astype({"cases": "int64", "reporting": "int64", "total": "int64"}),
        expected.astype({"cases": "int64", "reporting": "int64", "total": "int64"}),
    )


def test_the_demo_store_has_something_to_compare(demo):
    frame = _routes(
        demo,
        Filters(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
        (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        rollup=True,
    )
    assert frame["cases"].sum() > 500 and frame["cases_prev"].sum() > 500


@pytest.mark.parametrize(
    "filters, periods, expected",
    [
        (Filters(), [(dt.date(2024, 1, 1), dt.date(2024, 12, 31))], True),
        (Filters(start=dt.date(2024, 1, 2)), [], False),
        (Filters(end=dt.date(2024, 2, 28)), [], False),  # 2024 is a leap year
        (Filters(end=dt.date(2024, 2, 29)), [], True),
        (Filters(genders=("female",)), [], False),
        (Filters(modus=(("platform", "tiktok"),)), [], False),
        (Filters(crime_types=("smuggling",), origin=("VEN",)), [(dt.date(2024, 1, 1), dt.date(2024, 1, 30))], False),
        (Filters(exclude_flagged=True), [], True),  # the rollups' "flagged" key
        (Filters(excluded_flags=("adjustment",)), [], False),  # a named rule: the case tables
        (Filters(flags=("partial_date",)), [], False),
    ],
)
def test_covers_only_whole_months_without_person_modus_or_flag_rule_filters(filters, periods, expected):
    assert rollups.covers(filters, *periods) is expected


def test_every_import_keeps_the_rollups(store, write):
    run_import(store, write("a.csv", csv_text(*GOOD_ROWS)))
    assert store.execute("SELECT sum(cases), sum(persons) FROM rollup_routes").fetchall() == [(3, 12 + 5 + 0)]
    # A changed row replaces its case: the rollup follows (A2's 3 women and 2 girls become 1 woman).
    changed = GOOD_ROWS[1].replace(",3,2,", ",1,0,")
    run_import(store, write("b.csv", csv_text(GOOD_ROWS[0], changed, GOOD_ROWS[2])))
    assert store.execute("SELECT sum(cases), sum(persons), sum(female) FROM rollup_routes").fetchall() == [(3, 13, 1)]
    codes = store.execute(
        "SELECT dimension, code, CAST(sum(cases) AS INTEGER) FROM rollup_modus GROUP BY dimension, code ORDER BY ALL"
    ).fetchall()
    assert ("transport_mode", "land", 2) in codes and ("transport_mode", "river", 1) in codes


def _rollups(con) -> tuple[list, list]:
    return (
        con.execute("SELECT * FROM rollup_routes ORDER BY ALL").fetchall(),
        con.execute("SELECT * FROM rollup_modus ORDER BY ALL").fetchall(),
    )


def _rebuilt(con) -> tuple[list, list]:
    """The rollups as a full rebuild gives them, without touching the store's own."""
    con.execute("BEGIN TRANSACTION")
    try:
        refresh(con)
        return _rollups(con)
    finally:
        con.execute("ROLLBACK")


MONTHLY_HEADER = "incident_id,source,date,crime_type,origin,destination,transport_mode,victims_f_adult,migrants_m_adult"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.lists(
            st.tuples(st.integers(0, 5), st.integers(1, 6), st.sampled_from(["VEN", "HTI"]), st.integers(0, 3)),
            min_size=1,
            max_size=6,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_an_import_rebuilds_only_its_months_and_the_rollups_stay_exact(tmp_path_factory, files):
    """Files of (case id, month, origin, persons): later files move cases between months, change them or repeat
    them; after every import the rollups equal a full rebuild."""
    folder = tmp_path_factory.mktemp("monthly")
    con = connect(folder / "s.duckdb")
    try:
        for n, rows in enumerate(files):
            lines = {
                f"C{i},PNC,2024-{m:02d}-10,smuggling,{o},USA,{'land' if p else 'sea'},{p},{p + 1}"
                for i, m, o, p in rows
            }
            by_id = {line.split(",")[0]: line for line in sorted(lines)}  # one row per id in a file
            path = folder / f"f{n}.csv"
            path.write_text("\n".join([MONTHLY_HEADER, *by_id.values()]) + "\n", encoding="utf-8")
            run_import(con, path)
            assert _rollups(con) == _rebuilt(con)
    finally:
        con.close()


def test_an_import_that_changes_nothing_leaves_the_rollups_alone(store, write):
    run_import(store, write("a.csv", csv_text(*GOOD_ROWS)))
    before = _rollups(store)
    # A9 repeats A1 under another id: a probable duplicate, kept both here, so March's counts change.
    again = run_import(
        store, write("b.csv", csv_text(*GOOD_ROWS, GOOD_ROWS[0].replace("A1,", "A9,", 1))), duplicates="keep"
    )
    assert (again.rows_inserted, again.rows_unchanged) == (1, 3)
    after = _rollups(store)
    assert after != before and after == _rebuilt(store)
    # Only the months of A9 (March 2024) changed.
    changed = {row[0] for row in set(after[0]) ^ set(before[0])}
    assert {d.month for d in changed} == {3}


def test_an_htcds_import_keeps_the_rollups_exact(store, tmp_path):
    from turquesa_geo.ingest.htcds import import_htcds

    persons = tmp_path / "persons.csv"
    events = tmp_path / "events.csv"
    persons.write_text(
        "case_id,prs_role,prs_Gender,prs_AgeGroup,prs_Nationality,crime_type\n"
        "H1,victim,Female,adult,VEN,trafficking\nH2,victim,Male,minor,COL,trafficking\n",
        encoding="utf-8",
    )
    events.write_text(
        "case_id,hte_Type,hte_Country,hte_Date\nH1,recruitment,VEN,2024-01-05\nH1,exploitation,COL,"
        "2024-02-01\nH2,recruitment,COL,2024-03-09\nH2,arrival,PER,2024-03-20\n",
        encoding="utf-8",
    )
    run_import(store, tmp_path_write(tmp_path, "a.csv", csv_text(*GOOD_ROWS)))
    import_htcds(store, persons, events, today=TODAY)
    assert _rollups(store) == _rebuilt(store)
    before = _rollups(store)
    events.write_text(events.read_text(encoding="utf-8").replace("2024-03-", "2024-05-"), encoding="utf-8")
    import_htcds(store, persons, events, today=TODAY)  # H2 moves from March to May
    after = _rollups(store)
    assert after == _rebuilt(store)
    assert {row[0].month for row in set(after[0]) ^ set(before[0])} == {3, 5}


def tmp_path_write(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(crime_types=("smuggling",)), Filters(nationalities=("VEN", "HTI"), sources=("INTERPOL ISON",))],
)
def test_monthly_modus_from_the_rollups_equals_the_case_tables(demo, filters):
    first, last = dt.date(2019, 1, 1), dt.date(2025, 6, 30)
    keys = ["month", "dimension", "code"]
    raw = _frame(demo, sql.monthly_modus(filters, first, last), keys)
    rolled = _frame(demo, sql.monthly_modus(filters, first, last, source="rollup"), keys)
    assert len(raw) > 0
    pd.testing.assert_frame_equal(raw[[*keys, "cases", "total"]], rolled[[*keys, "cases", "total"]], check_dtype=False)


def test_the_flagged_demo_store_has_flagged_and_unflagged_cases(flagged_demo):
    counts = flagged_demo.execute(
        "SELECT flagged, CAST(sum(cases) AS INTEGER) FROM rollup_routes GROUP BY flagged ORDER BY flagged"
    ).fetchall()
    flagged = flagged_demo.execute("SELECT count(DISTINCT case_uid) FROM case_flags").fetchall()[0][0]
    assert counts == [(False, 8_000 - flagged), (True, flagged)] and 2_000 < flagged < 4_000


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=covered_filters())
def test_excluding_flagged_cases_from_the_rollups_equals_the_case_tables(flagged_demo, filters):
    filters = replace(filters, exclude_flagged=True)
    period = (filters.start, filters.end)
    assert rollups.covers(filters, period, previous_period(filters))
    expected = _routes(flagged_demo, filters, period, rollup=False)
    pd.testing.assert_frame_equal(_routes(flagged_demo, filters, period, rollup=True), expected)
    keys = ["period", "grp", "code"]
    for dimension in ("transport_mode", "platform"):
        raw = _frame(flagged_demo, sql.modus_series(filters, dimension, "Q", "crime_type"), keys)
        rolled = _frame(flagged_demo, sql.modus_series(filters, dimension, "Q", "crime_type", source="rollup"), keys)
        pd.testing.assert_frame_equal(rolled, raw, check_dtype=False)
    keys = ["month", "dimension", "code"]
    raw = _frame(flagged_demo, sql.monthly_modus(filters, *period), keys)
    rolled = _frame(flagged_demo, sql.monthly_modus(filters, *period, source="rollup"), keys)
    pd.testing.assert_frame_equal(raw[[*keys, "cases", "total"]], rolled[[*keys, "cases", "total"]], check_dtype=False)


def test_excluded_and_flagged_cases_add_up_to_all(flagged_demo):
    period = (dt.date(2019, 1, 1), dt.date(2025, 12, 31))
    everything = Filters(start=period[0], end=period[1])
    kept = _routes(flagged_demo, replace(everything, exclude_flagged=True), period, rollup=True)
    whole = _routes(flagged_demo, everything, period, rollup=True)
    assert kept["cases_flagged"].sum() == 0
    assert kept["cases"].sum() + whole["cases_flagged"].sum() == whole["cases"].sum()
    flagged = flagged_demo.execute(
        "SELECT count(DISTINCT f.case_uid) FROM case_flags f JOIN cases c USING (case_uid) "
        "WHERE c.case_date BETWEEN DATE '2019-01-01' AND DATE '2025-12-31'"
    ).fetchall()[0][0]
    assert whole["cases_flagged"].sum() == flagged > 0


def test_a_refresh_of_touched_months_reads_the_flags_written_before_it(store):
    store.execute(
        "INSERT INTO cases (case_uid, source, incident_id, crime_type, case_date, origin, import_id, row_hash) VALUES "
        "(1, 'S', 'X1', 'smuggling', DATE '2024-03-05', 'VEN', 1, 'h'), "
        "(2, 'S', 'X2', 'smuggling', DATE '2024-04-05', 'VEN', 1, 'h')"
    )
    store.execute("INSERT INTO case_flags (case_uid, rule, message) VALUES (1, 'partial_date', 'm')")
    store.execute("CREATE TEMP TABLE touched AS SELECT DATE '2024-03-01' AS month")
    store.execute("BEGIN TRANSACTION")
    refresh(store, "touched")  # April is not touched: it stays out of the rollups
    store.execute("COMMIT")
    assert store.execute("SELECT month, flagged, cases FROM rollup_routes").fetchall() == [
        (dt.date(2024, 3, 1), True, 1)
    ]
