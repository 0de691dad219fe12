"""Rules over every importer's builder of turquesa_geo/store/queries/ (ingest_*): each names exactly the
parameters it passes, names the columns of every INSERT, and none imports the ingest package. The builders
themselves are tested beside this file (test_ingest_stage.py, test_ingest_flat.py, …)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from builder_values import STAGE

from turquesa_geo.store.queries import (
    ingest_counts,
    ingest_flat,
    ingest_htcds,
    ingest_ledger,
    ingest_overlaps,
    ingest_stage,
    ingest_terms,
)

PLACEHOLDER = re.compile(r"\$([a-z_][a-z0-9_]*)")
MODULES = (ingest_counts, ingest_flat, ingest_htcds, ingest_ledger, ingest_overlaps, ingest_stage, ingest_terms)


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
        ("open_quarantine_count", ingest_ledger.open_quarantine_count_sql(2)),
        ("resolve_by_key", ingest_ledger.resolve_by_key_sql(2, {"mmp": "IOM"})),
        ("resolve_by_line", ingest_ledger.resolve_by_line_sql(2, "stage_cells")),
        ("resolve_by_record", ingest_ledger.resolve_by_record_sql(2, {"mmp": "IOM"})),
        ("resolved_lines", ingest_ledger.resolved_lines_sql(2)),
        ("relation_columns", ingest_ledger.relation_columns_sql("stage_cells")),
        ("tally_counts", ingest_counts.tally_counts_sql("g_counts")),
        ("delete_replaced_counts", ingest_counts.delete_replaced_counts_sql("g_counts")),
        ("insert_counts", ingest_counts.insert_counts_sql("g_counts", 1)),
        ("distinct_cells", ingest_flat.distinct_cells_sql(STAGE, ["date", "lat"])),
        ("source_map", ingest_flat.source_map_sql(STAGE)),
        ("decimal_separators", ingest_flat.decimal_separators_sql()),
        ("errors", ingest_flat.errors_sql(STAGE, dt.date(2026, 1, 1))),
        ("quarantined", ingest_flat.quarantined_sql(("missing_id", "bad_date"))),
        ("no_point", ingest_flat.no_point_sql()),
        ("repeats", ingest_flat.repeats_sql(STAGE, "PNC", ("missing_id",))),
        ("parts", ingest_flat.parts_sql(STAGE, "PNC")),
        ("merges", ingest_flat.merges_sql()),
        ("merged", ingest_flat.merged_sql(STAGE)),
        ("rows_to_write", ingest_flat.rows_to_write_sql(STAGE, "PNC", 0)),
        ("insert_cases", ingest_flat.insert_cases_sql(1)),
        ("persons", ingest_flat.persons_sql(["victims_f_minor", "migrants_m_adult"])),
        ("attributes", ingest_flat.attributes_sql()),
        ("flags", ingest_flat.flags_sql(("missing_id",))),
        ("flagged_lines", ingest_flat.flagged_lines_sql(("missing_id",))),
        ("unmapped", ingest_flat.unmapped_sql(STAGE, ["origin", "transport_mode"])),
        ("unmapped_rows", ingest_flat.unmapped_rows_sql(STAGE, ["origin", "transport_mode"])),
        ("quarantine", ingest_flat.quarantine_sql(STAGE, 1, ("missing_id",))),
        ("h_events", ingest_htcds.events_sql("he", ["hte_type", "hte_country"], e, dt.date(2026, 1, 1))),
        ("he_err", ingest_htcds.event_errors_sql(e, dt.date(2026, 1, 1))),
        ("undated_events", ingest_htcds.undated_events_sql("hte_date", ("missing_id", "undated_case"))),
        ("he_out", ingest_htcds.held_lines_sql("he_err", "he_out", ("missing_id", "undated_case"))),
        ("h_persons", ingest_htcds.persons_sql("hp", ["prs_gender"], p, victim)),
        ("hp_err", ingest_htcds.person_errors_sql(p, victim)),
        ("undated_persons", ingest_htcds.undated_persons_sql(("missing_id", "undated_case"))),
        ("h_ev", ingest_htcds.route_events_sql({"recruitment": "origin", "transit": "transit"})),
        ("h_pe", ingest_htcds.accepted_persons_sql()),
        ("h_attr", ingest_htcds.case_attributes_sql(victim)),
        ("h_flags", ingest_htcds.case_flags_sql()),
        ("hp_unm", ingest_htcds.person_unmapped_sql(p, victim)),
        ("he_unm", ingest_htcds.event_unmapped_sql(e)),
        ("h_cases", ingest_htcds.cases_sql("trafficking")),
        ("h_ins", ingest_htcds.cases_to_write_sql("NGO")),
        ("h_uid", ingest_htcds.case_uids_sql(10)),
        ("htcds_insert_cases", ingest_htcds.insert_cases_sql("NGO", 3)),
        ("htcds_insert_events", ingest_htcds.insert_events_sql()),
        ("htcds_insert_persons", ingest_htcds.insert_persons_sql()),
        ("htcds_insert_attributes", ingest_htcds.insert_attributes_sql()),
        ("htcds_insert_flags", ingest_htcds.insert_flags_sql()),
        ("htcds_insert_unmapped", ingest_htcds.insert_unmapped_sql()),
        ("htcds_outcomes", ingest_htcds.outcomes_sql("h_persons", "hp_out")),
        ("htcds_flag_counts", ingest_htcds.flag_counts_sql("hp_err", "hp_out")),
        ("htcds_unmapped_counts", ingest_htcds.unmapped_counts_sql("hp_unm")),
        (
            "htcds_quarantine",
            ingest_htcds.quarantine_sql("hp", ["case_id", "prs_gender"], "hp_err", 3, ("missing_id", "undated_case")),
        ),
        ("read_csv", ingest_stage.read_csv_sql("stage", "/tmp/a.csv", ",", {"c0": "VARCHAR"}, 10, keep_rejects=True)),
        ("setting", ingest_stage.setting_sql("lock_configuration")),
        ("guarded_cells", ingest_stage.guarded_cells_sql("stage_raw", ["c0", "c1"])),
        ("unguard_cells", ingest_stage.unguard_cells_sql("stage_raw", "c0")),
        ("unmapped_terms", ingest_terms.unmapped_terms_sql("country")),
        ("term_map", ingest_terms.term_map_sql()),
        ("insert_mapping", ingest_terms.insert_mapping_sql("country", "oz", "Oz", "HND", None)),
        ("log_term", ingest_terms.log_term_sql(None, "unmap", "country", "oz", "HND", 2)),
        ("term_rows", ingest_terms.term_rows_sql("case_unmapped", "country", "oz", ["origin", "transit"])),
        ("forget_unmapped", ingest_terms.forget_unmapped_sql("country", "oz", ["origin", "transit"])),
        ("record_mapped", ingest_terms.record_mapped_sql("HND", "unknown_country")),
        ("restore_flags", ingest_terms.restore_flags_sql("unknown_country", ["transit"], ["Oz"], ["m"])),
        ("drop_unmapped_codes", ingest_terms.drop_unmapped_codes_sql("platform", ["?a", "?b"])),
        ("add_code", ingest_terms.add_code_sql("platform", "other")),
        ("restore_unmapped_codes", ingest_terms.restore_unmapped_codes_sql("platform", ["A"], ["?a"])),
        ("remove_added_code", ingest_terms.remove_added_code_sql("platform", "a", "other")),
        ("transfer_added", ingest_terms.transfer_added_sql("platform", "a", "other")),
        ("set_column", ingest_terms.set_column_sql("network", "ngo", ["network"])),
        ("clear_column", ingest_terms.set_column_sql("network", None, ["network"])),
        ("number_transit", ingest_terms.number_transit_sql("country", "transit", "oz")),
        ("map_transit", ingest_terms.transit_sql("country", "transit", "HND")),
        ("unmap_transit", ingest_terms.transit_sql("country", "transit", None)),
        ("modus_before", ingest_terms.modus_before_sql("platform")),
        ("modus_delta", ingest_terms.modus_delta_sql("platform")),
        *((f"apply_modus_delta_{i}", s) for i, s in enumerate(ingest_terms.apply_modus_delta_sql("platform"))),
        ("overlap_new_of_write", ingest_overlaps.new_cases_of_write_sql()),
        ("overlap_new_of_import", ingest_overlaps.new_cases_of_import_sql(3)),
        ("overlap_new_unsettled", ingest_overlaps.unsettled_cases_sql()),
        ("fill_persons_moved", ingest_overlaps.fill_persons_moved_sql()),
        ("overlap_pairs", ingest_overlaps.overlap_pairs_sql(1, 5.0, 0.25, 0.05)),
        *(("overlap_ranked", q) for q in ingest_overlaps.rank_pairs_sql()),
        ("match_round", ingest_overlaps.match_round_sql()),
        ("prune_matched", ingest_overlaps.prune_matched_sql()),
        ("matches", ingest_overlaps.matches_sql()),
        ("insert_matches", ingest_overlaps.insert_matches_sql("rule", True, False, 3, None)),
        ("insert_link", ingest_overlaps.insert_link_sql(2, 1, "manual", 0.5, "linked", "ana")),
        ("insert_links_from", ingest_overlaps.insert_links_from_sql("_new_links")),
        ("set_link_status", ingest_overlaps.set_link_status_sql(1, 2, "kept", None)),
        ("reverse_link", ingest_overlaps.reverse_link_sql(2, 1)),
        ("case_exists", ingest_overlaps.case_exists_sql([1, 2])),
        ("case_links", ingest_overlaps.case_links_sql("kept", 2)),
        ("counted_changes", ingest_overlaps.counted_changes_sql()),
        ("apply_counted", ingest_overlaps.apply_counted_sql()),
        ("months_into", ingest_overlaps.months_into_sql("touched_months")),
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


def test_store_ingest_modules_never_import_the_ingest_package():
    for module in MODULES:
        source = open(module.__file__, encoding="utf-8").read()
        assert "turquesa_geo.ingest" not in source, module.__name__
