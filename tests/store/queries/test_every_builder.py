"""Rules over every analysis builder of turquesa_geo/store/queries/: each returns text and exactly the parameters
it names, writes no value into its text, names the columns of every INSERT; each module's ``__all__`` lists its
public functions and the package's is their union. The builders themselves are tested beside this file, one test
module per builder module."""

from __future__ import annotations

import inspect
import re

import pytest
from builder_values import CURRENT, FILTERS, PREVIOUS

from turquesa_geo.store import queries as sql
from turquesa_geo.store.connection import MIGRATIONS
from turquesa_geo.store.queries import base

#: A call of every builder that takes values (filters set so that every fragment appears).
EVERY_BUILDER = {
    "case_filter": lambda: sql.case_filter(FILTERS),
    "person_filter": lambda: sql.person_filter(FILTERS),
    "period_filter": lambda: sql.period_filter(FILTERS),
    "route_signatures": lambda: sql.route_signatures(FILTERS, CURRENT, PREVIOUS),
    "route_signatures_rollup": lambda: sql.route_signatures(FILTERS, CURRENT, PREVIOUS, source="rollup"),
    "reporter_signatures": lambda: sql.reporter_signatures(FILTERS, *CURRENT),
    "modus_series": lambda: sql.modus_series(FILTERS, "platform", "M", "crime_type"),
    "modus_series_rollup": lambda: sql.modus_series(FILTERS, "platform", "M", "crime_type", source="rollup"),
    "key_figures": lambda: sql.key_figures(FILTERS, CURRENT, PREVIOUS),
    "persons_by": lambda: sql.persons_by(FILTERS, "exploitation_form", "Y"),
    "persons_by_signature": lambda: sql.persons_by_signature(FILTERS),
    "monthly_modus": lambda: sql.monthly_modus(FILTERS, *CURRENT),
    "monthly_modus_rollup": lambda: sql.monthly_modus(FILTERS, *CURRENT, source="rollup"),
    "monthly_signatures": lambda: sql.monthly_signatures(FILTERS, *CURRENT),
    "monthly_signature_modus": lambda: sql.monthly_signature_modus(FILTERS, *CURRENT),
    "monthly_signature_modus_months": lambda: sql.monthly_signature_modus(FILTERS, *CURRENT, months_only=True),
    "coarse_dated_cases": lambda: sql.coarse_dated_cases(FILTERS, *CURRENT),
    "dating_counts": lambda: sql.dating_counts(FILTERS),
    "modus_bands": lambda: sql.modus_bands(FILTERS, "platform"),
    "persons_by_band": lambda: sql.persons_by_band(FILTERS),
    "monthly_signature_modus_years": lambda: sql.monthly_signature_modus(FILTERS, *CURRENT, reporting=True, freq="Y"),
    "span_filter": lambda: sql.span_filter(FILTERS),
    "view_sources": lambda: sql.view_sources(FILTERS),
    "aggregate_counts": lambda: sql.aggregate_counts(FILTERS, "detected_victims", "citizenship"),
    "outcomes": lambda: sql.outcomes(FILTERS),
    "encounter_counts": lambda: sql.encounter_counts(FILTERS),
    "tip_codings": lambda: sql.tip_codings(FILTERS),
    "tip_codings_roles": lambda: sql.tip_codings(FILTERS, "tip_roles"),
    "status_by_crime_year": sql.status_by_crime_year,
    "store_totals": sql.store_totals,
    "recent_imports": lambda: sql.recent_imports(5),
    "quarantine_by_rule": lambda: sql.quarantine_by_rule(1),
    "quarantine_rows": lambda: sql.quarantine_rows(1),
    "quarantine_rows_all": lambda: sql.quarantine_rows(include_resolved=True, profile_sources={"mmp": "IOM"}),
    "open_quarantine_by_import": sql.open_quarantine_by_import,
    "import_exists": lambda: sql.import_exists(1),
    "coarse_dates": sql.coarse_dates,
    "undated_cases": sql.undated_cases,
    "aggregate_by_year": sql.aggregate_by_year,
    "aggregate_names": sql.aggregate_names,
    "date_range": sql.date_range,
    "date_range_cases": lambda: sql.date_range(with_outcomes=False),
    "outcome_sources": sql.outcome_sources,
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
