"""No literal values in SQL text: every builder of the store's queries, called with representative
arguments, writes values (codes, column names, rule codes, message texts, JSON keys) as ``$name``
parameters; only the structural literals listed in :data:`STRUCTURAL` may stay in the text.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable

import pytest

from turquesa_geo.filters import Filters
from turquesa_geo.store import queries
from turquesa_geo.store.queries import Params, ingest_ledger
from turquesa_geo.store.queries.ingest_flat import FlatStage

D = dt.date

#: Single-quoted literals that are part of the SQL's structure, not values: each is a keyword-like
#: argument of a function or a separator of the code, never data, a code or a message.
STRUCTURAL = frozenset(
    {
        "''",  # the empty text: a blank cell reads as NULL (nullif(trim(x), '')), coalesce(x, '') in a message
        "','",  # the decimal comma, replaced by a point before a number is cast (replace(x, ',', '.'))
        "'.'",  # the decimal point it is replaced by
        "';'",  # the separator of multi-valued cells (string_split) and of fingerprint keys (string_agg)
        "'|'",  # the separator of the fields of an HTCDS case's fingerprint key (concat_ws)
        "':'",  # the separator of dimension and code in an HTCDS case's fingerprint key
        "'>'",  # the separator of transit countries in a route (string_agg, as the flat files write it)
        "'month'",  # date_trunc units (base.FREQUENCIES): keywords of the function, chosen by the code
        "'quarter'",
        "'year'",
    }
)

#: A token of SQL text: a double-quoted identifier (skipped: it may hold a quote) or a single-quoted literal.
_TOKEN = re.compile(r"\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'")


def literals(sql: str) -> list[str]:
    """The single-quoted string literals of ``sql`` (quoted identifiers are not literals).

    >>> literals('''SELECT "it's", 'a''b', $x, '' FROM t''')
    ["'a''b'", "''"]
    """
    return [t for t in _TOKEN.findall(sql) if t.startswith("'")]


def value_literals(sql: str) -> list[str]:
    """The literals of ``sql`` that are not structural."""
    return [t for t in literals(sql) if t not in STRUCTURAL]


# --- representative calls of every builder -----------------------------------------------------

STAGE = FlatStage(
    "stage_cells",
    (
        "incident_id",
        "source",
        "date",
        "crime_type",
        "network",
        "nationality",
        "origin",
        "transit",
        "destination",
        "detection_country",
        "lat",
        "lon",
        "victims_f_minor",
        "migrants_m_adult",
        "platform",
    ),
    decimal_comma=True,
)
FILTERS = Filters(
    start=D(2024, 1, 1),
    end=D(2024, 12, 31),
    crime_types=("smuggling",),
    roles=("victim",),
    genders=("female",),
    age_groups=("minor",),
    nationalities=("VEN",),
    origin=("VEN",),
    transit=("MEX",),
    destination=("USA",),
    modus=(("platform", "tiktok"),),
    sources=("PNC",),
    linked_crimes=("extortion",),
)
#: Every flag filter at once (the case tables' form; the rollups take exclude_flagged alone).
FLAGGED = Filters(exclude_flagged=True, excluded_flags=("adjustment",), flags=("partial_date",))
CURRENT, PREVIOUS = (D(2024, 1, 1), D(2024, 12, 31)), (D(2023, 1, 1), D(2023, 12, 31))
EVENTS = {"type": "hte_type", "country": "hte_country", "city": "hte_city", "date": "hte_date"}
EVENTS |= {"lat": "hte_latitude", "lon": "hte_longitude", "seq": "hte_sequence"}
PERSONS = {"role": "prs_role", "gender": "prs_gender", "age_group": "prs_agegroup", "age": "prs_age"}
PERSONS |= {"nationality": "prs_nationality", "crime_type": "crime_type"}
VICTIM = {"vic_methodsofcontrol": "control_method"}
H_COLUMNS = ["hte_type", "hte_country", "hte_date", "prs_gender", "vic_methodsofcontrol"]

#: Each builder's representative calls (a builder with branches is called on each).
CALLS: dict[str, Callable[[Callable], list]] = {
    # base
    "copy_to_temp_sql": lambda m: [m("m_date", "_m_date")],
    "drop_temp_sql": lambda m: [m("VIEW", "stage_cells")],
    "period_expr": lambda m: [m(f) for f in ("M", "Q", "Y")],
    "select_all_sql": lambda m: [m("stage")],
    # bench
    "bench_tables": lambda m: m(),
    "case_count": lambda m: [m()],
    "code_cases": lambda m: [m("recruitment_method", "job_offer")],
    "plant_unmapped": lambda m: m(10, "recruitment_method", "recruitment_method", "x", "x", "?x", "unmapped_term"),
    "rollup_code_cases": lambda m: [m("recruitment_method", "job_offer")],
    "naive_cases": lambda m: [m(), m(10)],
    "period_arcs": lambda m: [m(D(2024, 1, 1), D(2024, 12, 31)), m(D(2024, 1, 1), D(2024, 12, 31), 10)],
    "plain_load": lambda m: [m("read_csv", "/tmp/a.csv")],
    # conditions
    "case_filter": lambda m: [m(FILTERS), m(Filters()), m(FLAGGED), m(Filters(exclude_flagged=True), rollup=True)],
    "dated": lambda m: [m(queries.base.Params())],
    "dated_to_the_month": lambda m: [m(queries.base.Params(), "t")],
    "dated_for": lambda m: [m(f, queries.base.Params()) for f in ("M", "Q", "Y")],
    "period_filter": lambda m: [m(FILTERS), m(Filters()), m(FLAGGED), m(Filters(exclude_flagged=True), rollup=True)],
    "person_filter": lambda m: [m(FILTERS), m(Filters())],
    "reported_route_filter": lambda m: [m(FILTERS), m(Filters())],
    "span_filter": lambda m: [m(FILTERS), m(Filters()), m(FLAGGED)],
    # exports
    "export_log": lambda m: [m()],
    "insert_export": lambda m: [m(dict.fromkeys(queries.EXPORT_LOG_COLUMNS, "x"))],
    "next_export_id": lambda m: [m()],
    # ingest_counts
    "delete_replaced_counts_sql": lambda m: [m("g_counts")],
    "insert_counts_sql": lambda m: [m("g_counts", 1)],
    "tally_counts_sql": lambda m: [m("g_counts")],
    # ingest_flat (shared names with ingest_htcds are called per module below)
    "attributes_sql": lambda m: [m()],
    "decimal_separators_sql": lambda m: [m()],
    "distinct_cells_sql": lambda m: [m(STAGE, ["date", "lat"])],
    "errors_sql": lambda m: [m(STAGE, D(2026, 1, 1)), m(FlatStage("c", ("date",)), D(2026, 1, 1))],
    "quarantined_sql": lambda m: [m(("missing_id", "bad_date"))],
    "no_point_sql": lambda m: [m()],
    "repeats_sql": lambda m: [m(STAGE, "PNC", ("missing_id",))],
    "parts_sql": lambda m: [m(STAGE, "PNC")],
    "merges_sql": lambda m: [m()],
    "merged_sql": lambda m: [m(STAGE)],
    "flags_sql": lambda m: [m(("missing_id",))],
    "flagged_lines_sql": lambda m: [m(("missing_id",))],
    "unmapped_sql": lambda m: [m(STAGE, ["origin", "transport_mode"])],
    "unmapped_rows_sql": lambda m: [m(STAGE, ["origin", "transport_mode"])],
    "whole_sql": lambda m: [m("_dead")],
    # ingest_terms
    "mapped_terms_sql": lambda m: [m()],
    "max_case_uid_sql": lambda m: [m()],
    "own_values": lambda m: [", ".join(m(STAGE))],
    "row_rules": lambda m: [" ".join(f"{r.value} {r.message} {r.where}" for r in m(STAGE))],
    "rows_to_write_sql": lambda m: [m(STAGE, "PNC", 0), m(FlatStage("c", ("date",)), "PNC", 0)],
    "source_map_sql": lambda m: [m(STAGE)],
    "suspect_sql": lambda m: [m(["victims_f_minor"])],
    "written_counts_sql": lambda m: [m()],
    "persons_sql": lambda m: (
        [m(["victims_f_minor", "migrants_m_adult"])]
        if m.__module__.endswith("ingest_flat")
        else [m("hp", H_COLUMNS, PERSONS, VICTIM)]
    ),
    "insert_cases_sql": lambda m: [m(1)] if m.__module__.endswith("ingest_flat") else [m("NGO", 3)],
    "quarantine_sql": lambda m: (
        [m(STAGE, 1, ("missing_id",))]
        if m.__module__.endswith("ingest_flat")
        else [m("hp", ["case_id", "prs_gender"], "hp_err", 3, ("missing_id", "undated_case"))]
    ),
    "delete_replaced_sql": lambda m: [m("cases")],
    # ingest_htcds
    "accepted_persons_sql": lambda m: [m()],
    "case_attributes_sql": lambda m: [m(VICTIM)],
    "case_flags_sql": lambda m: [m()],
    "case_uids_sql": lambda m: [m(10)],
    "case_view_sql": lambda m: [m("hp", "cas_caseid", ["cas_caseid", "prs_gender"])],
    "cases_sql": lambda m: [m("trafficking")],
    "cases_to_write_sql": lambda m: [m("NGO")],
    "distinct_sql": lambda m: [m("he", "hte_country")],
    "event_errors_sql": lambda m: [m(EVENTS, D(2026, 1, 1))],
    "event_unmapped_sql": lambda m: [m(EVENTS)],
    "events_sql": lambda m: [m("he", H_COLUMNS, EVENTS, D(2026, 1, 1))],
    "flag_counts_sql": lambda m: [m("hp_err", "hp_out")],
    "held_lines_sql": lambda m: [m("he_err", "he_out", ("missing_id", "undated_case"))],
    "insert_attributes_sql": lambda m: [m()],
    "insert_events_sql": lambda m: [m()],
    "insert_flags_sql": lambda m: [m()],
    "insert_persons_sql": lambda m: [m()],
    "insert_unmapped_sql": lambda m: [m()],
    "outcomes_sql": lambda m: [m("h_persons", "hp_out")],
    "person_errors_sql": lambda m: [m(PERSONS, VICTIM)],
    "person_unmapped_sql": lambda m: [m(PERSONS, VICTIM)],
    "route_events_sql": lambda m: [m({"recruitment": "origin", "transit": "transit"})],
    "undated_events_sql": lambda m: [m("hte_date", ("missing_id", "undated_case"))],
    "undated_persons_sql": lambda m: [m(("missing_id", "undated_case"))],
    "unmapped_counts_sql": lambda m: [m("hp_unm")],
    "written_sql": lambda m: [m()],
    # ingest_terms
    "add_code_sql": lambda m: [m("recruitment_method", "job_offer")],
    "apply_modus_delta_sql": lambda m: m("recruitment_method"),
    "modus_before_sql": lambda m: [m("recruitment_method")],
    "modus_delta_sql": lambda m: [m("recruitment_method")],
    "clear_term_months_sql": lambda m: [m()],
    "delete_mapping_sql": lambda m: [m("country", "atlantis")],
    "drop_unmapped_codes_sql": lambda m: [m("recruitment_method", ["?oferta de empleo", "?oferta de empléo"])],
    "forget_mapped_sql": lambda m: [m("country", "atlantis")],
    "forget_unmapped_sql": lambda m: [m("country", "atlantis", ["origin", "transit"]), m("platform", "x")],
    "had_code_sql": lambda m: [m("recruitment_method", "job_offer"), m("country", None)],
    "insert_mapping_sql": lambda m: [m("country", "atlantis", "Atlantis", "PAN", "ana")],
    "lift_flags_sql": lambda m: [m("unknown_country")],
    "log_term_sql": lambda m: [m("ana", "map", "country", "atlantis", "PAN", 3)],
    "mapping_sql": lambda m: [m("country", "atlantis")],
    "note_months_sql": lambda m: [m(), m(True)],
    "number_transit_sql": lambda m: [m("country", "transit", "oz")],
    "record_mapped_sql": lambda m: [m("PAN", "unknown_country")],
    "remove_added_code_sql": lambda m: [m("recruitment_method", "ofertadeempleo", "job_offer")],
    "restore_flags_sql": lambda m: [m("unknown_country", ["origin"], ["Atlantis"], ["unknown country 'Atlantis'"])],
    "restore_unmapped_codes_sql": lambda m: [m("recruitment_method", ["Oferta"], ["?oferta"])],
    "restore_unmapped_sql": lambda m: [m()],
    "set_column_sql": lambda m: [m("origin", "PAN", ["origin"]), m("origin", None, ["origin"])],
    "stored_terms_sql": lambda m: [m()],
    "term_map_sql": lambda m: [m()],
    "term_months_count_sql": lambda m: [m()],
    "term_months_table_sql": lambda m: [m()],
    "term_rows_cases_sql": lambda m: [m()],
    "term_rows_sql": lambda m: [m("case_unmapped", "country", "oz", ["transit"]), m("case_mapped", "platform", "x")],
    "term_rows_texts_sql": lambda m: [m()],
    "transfer_added_sql": lambda m: [m("recruitment_method", "ofertadeempleo", "job_offer")],
    "transit_sql": lambda m: [m("country", "transit", "HND"), m("country", "transit", None)],
    "unmapped_terms_sql": lambda m: [m(), m("country")],
    # ingest_ledger
    "count_lines_sql": lambda m: [m("errs")],
    "import_origin_sql": lambda m: [m(1)],
    "insert_quarantine_sql": lambda m: [m("_quarantined", 1)],
    "next_import_id_sql": lambda m: [m()],
    "previous_import_sql": lambda m: [m("ab12")],
    "quarantine_by_rule_sql": lambda m: [m(1)],
    "quarantined_lines_sql": lambda m: [m(1)],
    "record_import_sql": lambda m: [m(dict.fromkeys(ingest_ledger.IMPORT_COLUMNS))],
    "open_quarantine_count_sql": lambda m: [m(1)],
    "record_id_sql": lambda m: [m(Params(), "q")],
    "record_source_sql": lambda m: [m(Params(), "q", "i", {}), m(Params(), "q", "i", {"mmp": "IOM"})],
    "relation_columns_sql": lambda m: [m("stage_cells")],
    "resolve_by_key_sql": lambda m: [m(2, {}), m(2, {"mmp": "IOM"})],
    "resolve_by_line_sql": lambda m: [m(2, "stage_cells")],
    "resolve_by_record_sql": lambda m: [m(2, {}), m(2, {"mmp": "IOM"})],
    "resolved_lines_sql": lambda m: [m(2)],
    # ingest_stage
    "arrow_cells_view_sql": lambda m: [m("stage")],
    "count_rows_sql": lambda m: [m("stage_raw")],
    "csv_cells_view_sql": lambda m: [m("stage", ["c0"], with_line_table=w) for w in (True, False)],
    "drop_reject_table_sql": lambda m: [m("reject_errors")],
    "guarded_cells_sql": lambda m: [m("stage_raw", ["c0", "c1"])],
    "unguard_cells_sql": lambda m: [m("stage_raw", "c0")],
    "insertion_order_sql": lambda m: [m(True), m(False)],
    "read_csv_sql": lambda m: [
        m("stage", "/tmp/a.csv", ",", {"c0": "VARCHAR"}, 10, keep_rejects=k) for k in (True, False)
    ],
    "rejected_lines_sql": lambda m: [m()],
    "setting_sql": lambda m: [m("lock_configuration")],
    "text_view_sql": lambda m: [m("stage", ["c0"])],
    # ingest_overlaps
    "apply_counted_sql": lambda m: [m()],
    "case_exists_sql": lambda m: [m([1, 2])],
    "case_links_sql": lambda m: [m(), m("linked", 3)],
    "changed_count_sql": lambda m: [m()],
    "checked_count_sql": lambda m: [m()],
    "counted_changes_sql": lambda m: [m()],
    "fill_persons_moved_sql": lambda m: [m()],
    "insert_link_sql": lambda m: [m(2, 1, "manual", None, "linked", "ana")],
    "insert_links_from_sql": lambda m: [m("_new_links")],
    "insert_matches_sql": lambda m: [m("rule:date±1,place,persons", True, False, 3, None)],
    "link_between_sql": lambda m: [m(1, 2)],
    "link_pairs_sql": lambda m: [m()],
    "link_roots_sql": lambda m: [m()],
    "match_round_sql": lambda m: [m()],
    "matches_by_import_sql": lambda m: [m()],
    "matches_count_sql": lambda m: [m()],
    "matches_sql": lambda m: [m()],
    "months_into_sql": lambda m: [m("touched_months")],
    "new_cases_of_import_sql": lambda m: [m(3)],
    "new_cases_of_write_sql": lambda m: [m()],
    "overlap_pairs_sql": lambda m: [m(1, 5.0, 0.25, 0.05)],
    "prune_matched_sql": lambda m: [m()],
    "rank_pairs_sql": lambda m: m(),
    "reverse_link_sql": lambda m: [m(2, 1)],
    "set_link_status_sql": lambda m: [m(1, 2, "kept", "ana")],
    "unsettled_cases_sql": lambda m: [m()],
    # inventory
    "aggregate_by_year": lambda m: [m()],
    "aggregate_names": lambda m: [m()],
    "coarse_dates": lambda m: [m()],
    "undated_cases": lambda m: [m()],
    "date_range": lambda m: [m(), m(with_outcomes=False)],
    "outcome_sources": lambda m: [m()],
    "default_source_sql": lambda m: [m(Params(), "i", {}), m(Params(), "i", {"mmp": "IOM"})],
    "flags_by_rule": lambda m: [m(), m(1)],
    "import_exists": lambda m: [m(1)],
    "open_quarantine_by_import": lambda m: [m()],
    "quarantine_by_rule": lambda m: [m(), m(1)],
    "quarantine_rows": lambda m: [m(1), m(include_resolved=True, profile_sources={"mmp": "IOM"})],
    "recent_imports": lambda m: [m()],
    "sources_summary": lambda m: [m()],
    "status_by_crime_year": lambda m: [m()],
    "store_countries": lambda m: [m()],
    "store_flag_rules": lambda m: [m()],
    "store_modus_codes": lambda m: [m()],
    "store_sources": lambda m: [m()],
    "store_totals": lambda m: [m()],
    "view_sources": lambda m: [m(FILTERS), m(Filters())],
    # references
    "aggregate_counts": lambda m: [m(FILTERS, "detected_victims", "total"), m(Filters(), "detected_victims", "total")],
    "aggregate_sources": lambda m: [m()],
    "outcomes": lambda m: [m(FILTERS), m(Filters())],
    "encounter_counts": lambda m: [m(FILTERS), m(Filters())],
    "tip_codings": lambda m: [m(FILTERS), m(Filters(), "tip_roles"), m(Filters(transit=("MEX",)))],
    # rollups
    "refresh_rollups": lambda m: m() + m("touched"),
    "rollup_tables": lambda m: m(),
    "touched_months_sql": lambda m: [m("ins")],
    # routes
    "reporter_signatures": lambda m: [m(FILTERS, *CURRENT)],
    "shared_cases": lambda m: [m(FILTERS, *CURRENT), m(Filters(), *CURRENT)],
    "route_signatures": lambda m: (
        [m(FILTERS, CURRENT, PREVIOUS, source=s) for s in ("cases", "rollup")]
        + [m(Filters(), CURRENT, None, source=s) for s in ("cases", "rollup")]
        + [m(FLAGGED, CURRENT, PREVIOUS), m(Filters(exclude_flagged=True), CURRENT, PREVIOUS, source="rollup")]
    ),
    # schema
    "allowed_directories": lambda m: [m(["/tmp/a", "/tmp/b"])],
    "applied_version": lambda m: [m()],
    "create_migrations_table": lambda m: [m()],
    "data_version": lambda m: [m()],
    "disable_external_access": lambda m: [m()],
    "disable_progress_bar": lambda m: [m()],
    "links_version": lambda m: [m()],
    "lock_configuration": lambda m: [m()],
    "migrations_table_exists": lambda m: [m()],
    "record_migration": lambda m: [m(1)],
    # series
    "key_figures": lambda m: [m(FILTERS, CURRENT, PREVIOUS), m(Filters(), CURRENT, None)],
    "coarse_dated_cases": lambda m: [m(FILTERS, *CURRENT), m(Filters(), *CURRENT)],
    "dating_counts": lambda m: [m(FILTERS), m(Filters()), m(FLAGGED)],
    "modus_bands": lambda m: [m(FILTERS, "platform"), m(Filters(), "exploitation_form")],
    "modus_series": lambda m: (
        [m(FILTERS, "platform", f, by) for f in ("M", "Q", "Y") for by in (None, "crime_type")]
        + [m(FILTERS, "platform", "Y", by, source="rollup") for by in (None, "crime_type")]
    ),
    "monthly_modus": lambda m: [m(FILTERS, *CURRENT), m(FILTERS, *CURRENT, source="rollup")],
    "monthly_signature_modus": lambda m: [
        m(FILTERS, *CURRENT, reporting=r, months_only=o, freq=f)
        for r in (False, True)
        for o in (False, True)
        for f in (None, "M", "Y")
    ],
    "monthly_signatures": lambda m: [m(FILTERS, *CURRENT)],
    "persons_by": lambda m: [
        m(FILTERS, split, freq) for split in ("none", "crime_type", "exploitation_form") for freq in (None, "Y")
    ],
    "persons_by_band": lambda m: [m(FILTERS), m(Filters())],
    "persons_by_signature": lambda m: [m(FILTERS)],
}

#: Public functions of the queries package that build no SQL text: they quote or check a name.
NOT_BUILDERS = frozenset({"quote_ident", "plain_ident"})


def builders() -> list[tuple[str, Callable]]:
    """Every public function defined in a module of ``turquesa_geo/store/queries/``."""
    found = []
    for info in pkgutil.iter_modules(queries.__path__):
        module = importlib.import_module(f"{queries.__name__}.{info.name}")
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) and obj.__module__ == module.__name__ and name not in NOT_BUILDERS:
                found.append((f"{info.name}.{name}", obj))
    return found


def texts(result: object) -> list[str]:
    """The SQL texts of what a builder returned: a (sql, params) pair, a list of them, or a fragment."""
    if isinstance(result, str):
        return [result]
    if isinstance(result, tuple) and result and isinstance(result[0], str):
        return [result[0]]
    if isinstance(result, (list, tuple)):
        return [t for item in result for t in texts(item)]
    raise TypeError(f"unexpected builder result {result!r}")


def test_every_builder_has_representative_calls():
    missing = sorted(qualified for qualified, _ in builders() if qualified.split(".")[1] not in CALLS)
    assert not missing, f"add representative calls to CALLS for {missing}"


def check(name: str, result: object) -> None:
    """Fail when the SQL text of a builder's result holds a literal value."""
    for sql in texts(result):
        assert not value_literals(sql), f"{name} writes literal values into SQL text: {value_literals(sql)}"


@pytest.mark.parametrize(("name", "builder"), builders(), ids=[n for n, _ in builders()])
def test_no_builder_writes_a_literal_value_into_sql_text(name, builder):
    check(name, CALLS[name.split(".")[1]](builder))


# --- the check itself ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snippet", "found"),
    [
        ("SELECT _line, 'ragged_row' AS rule FROM stage", ["'ragged_row'"]),
        ("LEFT JOIN m_term t ON t.col = 'crime_type' AND t.cell = s.x", ["'crime_type'"]),
        ("SELECT json_object('incident_id', s.\"incident_id\") FROM s", ["'incident_id'"]),
        ("SELECT min(import_id) FROM imports WHERE status = 'done'", ["'done'"]),
        ("SELECT coalesce(role, 'victim'), coalesce(gender, 'unknown') FROM h_pe", ["'victim'", "'unknown'"]),
        ("SELECT 'date ''' || x || ''' is not a valid date' FROM t", ["'date '''", "''' is not a valid date'"]),
        ("SELECT 'it''s', \"col's\" FROM t", ["'it''s'"]),
    ],
)
def test_the_literal_check_finds_values_in_sql_text(snippet, found):
    assert value_literals(snippet) == found


@pytest.mark.parametrize(
    "snippet",
    [
        "SELECT _line, $rule AS rule FROM stage WHERE t.col = $column",
        "SELECT nullif(trim(s.x), '') FROM s",
        "SELECT unnest(string_split(_platform, ';')) FROM ins",
        "SELECT CAST(date_trunc('quarter', r.month) AS DATE) FROM r",
        'SELECT "odd\'name" FROM t',
    ],
)
def test_the_literal_check_passes_parameters_structural_literals_and_quoted_identifiers(snippet):
    assert value_literals(snippet) == []


def test_the_literal_check_fails_a_planted_builder():
    def planted() -> tuple[str, dict]:
        return "SELECT _line, 'duplicate_id' AS rule FROM keyed WHERE status = $status", {"status": "done"}

    with pytest.raises(AssertionError, match="planted writes literal values into SQL text: \\[\"'duplicate_id'\"\\]"):
        check("planted", planted())
    check("bound", ("SELECT _line, $rule AS rule FROM keyed", {"rule": "duplicate_id"}))


# --- counted once: the counting builders read the view counted_cases ------------------------------

#: Modules whose builders count cases (routes, series, the inventory, references, the rollups, the benchmarks'
#: baselines): each reads the view ``counted_cases``, never the table ``cases``, so a report linked to an earlier
#: report of the same case is counted once everywhere.
COUNTING_MODULES = ("bench", "conditions", "inventory", "references", "rollups", "routes", "series")
#: Builders of those modules that read every case on purpose, and why.
READ_EVERY_CASE = {
    "routes.shared_cases": "both reports of a case two sources share",
    "rollups.touched_months_sql": "the months of the cases an import replaces, counted or not",
}
_CASES_TABLE = re.compile(r"\b(?:FROM|JOIN)\s+cases\b")


def counting_builders() -> list[tuple[str, Callable]]:
    return [
        (name, builder)
        for name, builder in builders()
        if name.split(".")[0] in COUNTING_MODULES and name not in READ_EVERY_CASE
    ]


@pytest.mark.parametrize(("name", "builder"), counting_builders(), ids=[n for n, _ in counting_builders()])
def test_every_counting_builder_reads_the_counted_cases(name, builder):
    for sql in texts(CALLS[name.split(".")[1]](builder)):
        assert not _CASES_TABLE.search(sql), f"{name} reads the table cases: use the view counted_cases"


def test_the_counted_check_finds_a_read_of_the_cases_table():
    assert _CASES_TABLE.search("SELECT count(*) FROM cases c WHERE TRUE")
    assert _CASES_TABLE.search("SELECT 1 FROM x JOIN cases USING (case_uid)")
    assert not _CASES_TABLE.search("SELECT count(*) FROM counted_cases c, cases_total t")
