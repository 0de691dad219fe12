"""SQL text in one place: every query builder of the store, and identifier quoting.

Builders return ``(sql, params)``: SQL with DuckDB ``$name`` parameters and the dict of
their values (:data:`Query`); values never enter SQL text, identifiers go through
:func:`quote_ident`. One module per kind of query:

- :mod:`.base` — the Query type, :class:`Params` (unique names), quoting, periods;
- :mod:`.conditions` — WHERE fragments of the dashboard's filters;
- :mod:`.routes` — counts per reported route (corridors, cooperation);
- :mod:`.series` — series over time (modus operandi, key figures, persons, signals);
- :mod:`.rollups` — the rollup tables and their refresh;
- :mod:`.references` — aggregate counts and deaths and disappearances;
- :mod:`.inventory` — what the store holds; :mod:`.schema` — migrations and settings;
- :mod:`.exports` — the export log; :mod:`.bench` — the benchmarks' baselines;
- :mod:`.ingest_stage`, :mod:`.ingest_flat`, :mod:`.ingest_htcds`, :mod:`.ingest_counts`, :mod:`.ingest_ledger`,
  :mod:`.ingest_overlaps` — the importers' statements: staging a file, validating and writing its cases or
  counts, the import record and its quarantine, the probable duplicates and their links (imported by module,
  not re-exported here).

Every query that counts reads the view ``counted_cases`` (the cases not linked to an earlier
report of the same case), never ``cases``; only the importers read ``cases`` itself.
"""

from turquesa_geo.store.queries.base import (
    FREQUENCIES,
    MONTH,
    Params,
    Query,
    copy_to_temp_sql,
    drop_temp_sql,
    period_expr,
    plain_ident,
    quote_ident,
    select_all_sql,
)
from turquesa_geo.store.queries.bench import (
    bench_tables,
    case_count,
    code_cases,
    naive_cases,
    period_arcs,
    plain_load,
    plant_unmapped,
    rollup_code_cases,
)
from turquesa_geo.store.queries.conditions import (
    DEFAULT_PERSON_ROLES,
    case_filter,
    dated,
    dated_to_the_month,
    period_filter,
    person_filter,
    reported_route_filter,
)
from turquesa_geo.store.queries.exports import EXPORT_LOG_COLUMNS, export_log, insert_export, next_export_id
from turquesa_geo.store.queries.inventory import (
    COUNT_UNIT_PREFIX,
    aggregate_by_year,
    aggregate_names,
    coarse_dates,
    date_range,
    default_source_sql,
    flags_by_rule,
    import_exists,
    open_quarantine_by_import,
    quarantine_by_rule,
    quarantine_rows,
    recent_imports,
    sources_summary,
    status_by_crime_year,
    store_countries,
    store_flag_rules,
    store_modus_codes,
    store_sources,
    store_totals,
    undated_cases,
    view_sources,
)
from turquesa_geo.store.queries.references import AREAS, aggregate_counts, aggregate_sources, outcomes
from turquesa_geo.store.queries.rollups import (
    FLAGGED_KEY,
    MODUS_ROLLUP_KEYS,
    ROLLUP_DIMENSIONS,
    ROUTE_ROLLUP_KEYS,
    refresh_rollups,
    rollup_tables,
    touched_months_sql,
)
from turquesa_geo.store.queries.routes import (
    SIGNATURE_SOURCES,
    reporter_signatures,
    route_signatures,
    shared_cases,
)
from turquesa_geo.store.queries.schema import (
    BEGIN,
    COMMIT,
    ROLLBACK,
    allowed_directories,
    applied_version,
    create_migrations_table,
    data_version,
    disable_external_access,
    disable_progress_bar,
    links_version,
    lock_configuration,
    migrations_table_exists,
    record_migration,
)
from turquesa_geo.store.queries.series import (
    PERSON_SPLITS,
    SERIES_SOURCES,
    coarse_dated_cases,
    key_figures,
    modus_series,
    monthly_modus,
    monthly_signature_modus,
    monthly_signatures,
    persons_by,
    persons_by_signature,
)

__all__ = [
    "AREAS",
    "BEGIN",
    "COMMIT",
    "COUNT_UNIT_PREFIX",
    "DEFAULT_PERSON_ROLES",
    "EXPORT_LOG_COLUMNS",
    "FLAGGED_KEY",
    "FREQUENCIES",
    "MODUS_ROLLUP_KEYS",
    "MONTH",
    "PERSON_SPLITS",
    "ROLLBACK",
    "ROLLUP_DIMENSIONS",
    "ROUTE_ROLLUP_KEYS",
    "SERIES_SOURCES",
    "SIGNATURE_SOURCES",
    "Params",
    "Query",
    "aggregate_by_year",
    "aggregate_counts",
    "aggregate_names",
    "aggregate_sources",
    "allowed_directories",
    "applied_version",
    "bench_tables",
    "case_count",
    "case_filter",
    "coarse_dated_cases",
    "coarse_dates",
    "code_cases",
    "copy_to_temp_sql",
    "create_migrations_table",
    "data_version",
    "date_range",
    "dated",
    "dated_to_the_month",
    "default_source_sql",
    "disable_external_access",
    "disable_progress_bar",
    "drop_temp_sql",
    "export_log",
    "flags_by_rule",
    "import_exists",
    "insert_export",
    "key_figures",
    "links_version",
    "lock_configuration",
    "migrations_table_exists",
    "modus_series",
    "monthly_modus",
    "monthly_signature_modus",
    "monthly_signatures",
    "naive_cases",
    "next_export_id",
    "open_quarantine_by_import",
    "outcomes",
    "period_arcs",
    "period_expr",
    "period_filter",
    "person_filter",
    "persons_by",
    "persons_by_signature",
    "plain_ident",
    "plain_load",
    "plant_unmapped",
    "quarantine_by_rule",
    "quarantine_rows",
    "quote_ident",
    "recent_imports",
    "record_migration",
    "refresh_rollups",
    "reported_route_filter",
    "reporter_signatures",
    "rollup_code_cases",
    "rollup_tables",
    "route_signatures",
    "select_all_sql",
    "shared_cases",
    "sources_summary",
    "status_by_crime_year",
    "store_countries",
    "store_flag_rules",
    "store_modus_codes",
    "store_sources",
    "store_totals",
    "touched_months_sql",
    "undated_cases",
    "view_sources",
]
