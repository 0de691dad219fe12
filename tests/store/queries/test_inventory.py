"""What the store holds (turquesa_geo/store/queries/inventory.py): sources in view, totals, imports, quarantine;
as strings, then bound on the tiny store (tests/tiny_store.py)."""

from __future__ import annotations

from builder_values import D
from reference_store import reference_store

from turquesa_geo.filters import Filters
from turquesa_geo.store import queries as sql


def test_filters_and_periods_bind_on_the_tiny_store(tiny):
    filters = Filters(start=D(2024, 1, 1), end=D(2024, 12, 31), genders=("female",), crime_types=("trafficking",))
    assert tiny.execute(*sql.view_sources(filters)).fetchall() == [("MP", 1)]
    assert tiny.execute(*sql.view_sources(Filters(modus=(("transport_mode", "land"),)))).fetchall() == [("PNC", 2)]


def test_the_inventory_queries_as_strings():
    assert sql.import_exists("2") == ("SELECT count(*) FROM imports WHERE import_id = $import_id", {"import_id": 2})
    assert sql.quarantine_by_rule() == (
        "SELECT rule, CAST(count(DISTINCT (import_id, line)) AS BIGINT) AS rows, "
        "CAST(count(DISTINCT (import_id, line)) FILTER (WHERE resolved_by IS NULL) AS BIGINT) AS open, "
        "CAST(count(*) AS BIGINT) AS problems FROM quarantine  GROUP BY rule ORDER BY rows DESC, rule",
        {},
    )
    assert sql.quarantine_rows(2, profile_sources={"mmp": "IOM"}) == (
        "SELECT q.import_id, q.line, q.column_name, q.rule, q.value, q.message, q.record, "
        "coalesce(i.source, CASE i.profile WHEN $profile_1 THEN $profile_source_1 END, "
        "regexp_replace(i.file_name, $suffix, $kept)) AS default_source, q.resolved_by "
        "FROM quarantine q JOIN imports i USING (import_id) WHERE q.import_id = $import_id AND q.resolved_by IS NULL "
        "ORDER BY q.import_id, q.line, q.rule, q.column_name",
        {
            "import_id": 2,
            "profile_1": "mmp",
            "profile_source_1": "IOM",
            "suffix": r"(.)\.[^.]+$",
            "kept": r"\1",
        },
    )
    assert sql.quarantine_rows(include_resolved=True)[0].endswith(
        "FROM quarantine q JOIN imports i USING (import_id) ORDER BY q.import_id, q.line, q.rule, q.column_name"
    )
    assert sql.open_quarantine_by_import() == (
        "SELECT q.import_id, i.file_name, CAST(count(DISTINCT q.line) AS BIGINT) AS open, "
        "string_agg(DISTINCT q.rule, $separator ORDER BY q.rule) AS rules "
        "FROM quarantine q JOIN imports i USING (import_id) WHERE q.resolved_by IS NULL "
        "GROUP BY q.import_id, i.file_name ORDER BY q.import_id",
        {"separator": ", "},
    )
    assert sql.quarantine_by_rule(3)[0].endswith(
        "FROM quarantine WHERE import_id = $import_id GROUP BY rule ORDER BY rows DESC, rule"
    )
    assert sql.coarse_dates() == (
        "SELECT source, CAST(count(*) AS BIGINT) AS cases FROM counted_cases WHERE date_precision IN ($year, $period) "
        "GROUP BY source ORDER BY cases DESC, source",
        {"year": "year", "period": "period"},
    )
    assert sql.view_sources(Filters(start=D(2024, 1, 1), origin=("VEN",))) == (
        "SELECT c.source, CAST(count(*) AS BIGINT) AS cases FROM counted_cases c WHERE c.case_date >= $start AND TRUE "
        "GROUP BY c.source ORDER BY cases DESC, c.source",
        {"start": D(2024, 1, 1)},
    )


def test_the_inventory_binds_on_the_tiny_store(tiny):
    # 4 cases; persons: 3 victims, 18 migrants (12 + 4 + 2), 1 suspect; 1 import; 1 quarantined line, open; no flag.
    assert tiny.execute(*sql.store_totals()).fetchall() == [(4, 3, 18, 1, 1, 1, 1, 0)]
    assert tiny.execute(*sql.status_by_crime_year()).fetchall() == [
        ("smuggling", 2023, 1, 4),
        ("smuggling", 2024, 2, 14),
        ("trafficking", 2024, 1, 3),
    ]
    assert tiny.execute(*sql.date_range()).fetchall() == [(D(2023, 6, 10), D(2024, 8, 15))]
    assert tiny.execute(*sql.coarse_dates()).fetchall() == [("MP", 1)]
    assert tiny.execute(*sql.quarantine_by_rule(1)).fetchall() == [
        ("bad_date", 1, 1, 1),
        ("unknown_country", 1, 1, 1),
    ]
    assert [(*r[:4], *r[7:]) for r in tiny.execute(*sql.quarantine_rows(1)).fetchall()] == [
        (1, 6, "date", "bad_date", "tiny", None),  # the file's stem: the source of its rows that name none
        (1, 6, "nationality", "unknown_country", "tiny", None),
    ]
    assert tiny.execute(*sql.open_quarantine_by_import()).fetchall() == [
        (1, "tiny.csv", 1, "bad_date, unknown_country")
    ]
    assert [tiny.execute(*sql.import_exists(i)).fetchall() for i in (1, 2)] == [[(1,)], [(0,)]]
    assert tiny.execute(*sql.recent_imports(1)).fetchall()[0][:8] == (1, "tiny.csv", "flat", None, 5, 4, 1, 1)
    assert tiny.execute(*sql.store_sources()).fetchall() == [("GLOTIP",), ("MMP",), ("MP",), ("PNC",)]
    # Route roles, the transit chain "PAN>CRI" split, and the GLOTIP countries and citizenships.
    assert [r[0] for r in tiny.execute(*sql.store_countries()).fetchall()] == [
        "COL",
        "CRI",
        "HTI",
        "MEX",
        "PAN",
        "PER",
        "USA",
        "VEN",
    ]
    assert tiny.execute(*sql.store_modus_codes()).fetchall()[:2] == [
        ("exploitation_form", "sexual"),
        ("platform", "tiktok"),
    ]
    assert [r[:3] for r in tiny.execute(*sql.sources_summary()).fetchall()] == [
        ("PNC", "N1", 2),
        ("MMP", None, 1),
        ("MP", None, 1),
    ]


def test_flags_by_rule_as_strings():
    assert sql.flags_by_rule() == (
        "SELECT c.import_id, f.rule, CAST(count(DISTINCT f.case_uid) AS BIGINT) AS flagged "
        "FROM case_flags f JOIN counted_cases c ON c.case_uid = f.case_uid "
        "GROUP BY c.import_id, f.rule ORDER BY c.import_id DESC, flagged DESC, f.rule",
        {},
    )
    assert sql.store_flag_rules() == ("SELECT DISTINCT rule FROM case_flags ORDER BY rule", {})


def test_flags_bind_on_the_flagged_tiny_store(flagged, tiny):
    # Import 2 wrote case 4 (two rules); import 1 cases 2 and 3 (one rule each).
    assert flagged.execute(*sql.flags_by_rule()).fetchall() == [
        (2, "coordinates_outside_country", 1),
        (2, "rounded_coordinates", 1),
        (1, "adjustment", 1),
        (1, "partial_date", 1),
    ]
    assert flagged.execute(*sql.flags_by_rule(1)).fetchall() == [(1, "adjustment", 1), (1, "partial_date", 1)]
    assert flagged.execute(*sql.store_totals()).fetchall()[0][-1] == 3  # cases, not flags: case 4 once
    assert [r[0] for r in flagged.execute(*sql.store_flag_rules()).fetchall()] == [
        "adjustment",
        "coordinates_outside_country",
        "partial_date",
        "rounded_coordinates",
    ]
    assert tiny.execute(*sql.flags_by_rule()).fetchall() == []
    assert [r[11] for r in flagged.execute(*sql.recent_imports(2)).fetchall()] == [1, None]  # rows_flagged


def test_the_reference_inventory_queries_as_strings():
    headline = (
        "dimension = $total AND category = $total AND sex = $total AND age_group = $total AND country IS NOT NULL "
        "AND lower(unit) LIKE $count_unit"
    )
    assert sql.aggregate_by_year() == (
        "SELECT source, indicator, year, CAST(count(*) AS BIGINT) AS rows, "
        "CAST(count(censored) AS BIGINT) AS censored, "
        f"CAST(sum(value) FILTER (WHERE {headline}) AS BIGINT) AS known_total, "
        f"CAST(count(censored) FILTER (WHERE {headline}) AS BIGINT) AS total_censored "
        "FROM aggregate_counts GROUP BY source, indicator, year ORDER BY source, indicator, year",
        {"total": "total", "count_unit": "count%"},
    )
    assert sql.aggregate_names() == (
        "SELECT DISTINCT a.source, i.profile, a.indicator, a.dimension FROM aggregate_counts a "
        "LEFT JOIN imports i USING (import_id) ORDER BY a.source, i.profile, a.indicator, a.dimension",
        {},
    )


def test_the_reference_inventory_queries_bind_on_the_reference_store():
    con = reference_store()
    assert con.execute(*sql.aggregate_by_year()).fetchall() == [
        ("CBP", "encounters", 2023, 2, 0, None, 0),
        ("GLOTIP", "detected_victims", 2021, 11, 4, 172, 1),  # Panama's <5 left out of 172, counted
        ("GLOTIP", "detected_victims", 2022, 1, 0, 150, 0),
        ("GLOTIP", "offences", 2021, 1, 0, 57, 0),
    ]
    assert con.execute(*sql.aggregate_names()).fetchall() == [
        ("CBP", "cbp", "encounters", "citizenship"),
        ("GLOTIP", "glotip", "detected_victims", "citizenship"),
        ("GLOTIP", "glotip", "detected_victims", "total"),
        ("GLOTIP", "glotip", "offences", "total"),
    ]
    con.close()
