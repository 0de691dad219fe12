"""What the store holds (turquesa_geo/store/queries/inventory.py): sources in view, totals, imports, quarantine;
as strings, then bound on the tiny store (tests/tiny_store.py)."""

from __future__ import annotations

from builder_values import D

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
        "CAST(count(*) AS BIGINT) AS problems FROM quarantine  GROUP BY rule ORDER BY rows DESC, rule",
        {},
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
    # 4 cases; persons: 3 victims, 18 migrants (12 + 4 + 2), 1 suspect; 1 import; 1 quarantined line.
    assert tiny.execute(*sql.store_totals()).fetchall() == [(4, 3, 18, 1, 1, 1)]
    assert tiny.execute(*sql.status_by_crime_year()).fetchall() == [
        ("smuggling", 2023, 1, 4),
        ("smuggling", 2024, 2, 14),
        ("trafficking", 2024, 1, 3),
    ]
    assert tiny.execute(*sql.date_range()).fetchall() == [(D(2023, 6, 10), D(2024, 8, 15))]
    assert tiny.execute(*sql.coarse_dates()).fetchall() == [("MP", 1)]
    assert tiny.execute(*sql.quarantine_by_rule(1)).fetchall() == [("bad_date", 1, 1), ("unknown_country", 1, 1)]
    assert [r[:3] for r in tiny.execute(*sql.quarantine_rows(1)).fetchall()] == [
        (6, "date", "bad_date"),
        (6, "nationality", "unknown_country"),
    ]
    assert [tiny.execute(*sql.import_exists(i)).fetchall() for i in (1, 2)] == [[(1,)], [(0,)]]
    assert tiny.execute(*sql.recent_imports(1)).fetchall()[0][:7] == (1, "tiny.csv", "flat", None, 5, 4, 1)
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
