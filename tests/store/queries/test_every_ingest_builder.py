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
)

PLACEHOLDER = re.compile(r"\$([a-z_][a-z0-9_]*)")
MODULES = (ingest_counts, ingest_flat, ingest_htcds, ingest_ledger, ingest_overlaps, ingest_stage)


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
        ("tally_counts", ingest_counts.tally_counts_sql("g_counts")),
        ("delete_replaced_counts", ingest_counts.delete_replaced_counts_sql("g_counts")),
        ("insert_counts", ingest_counts.insert_counts_sql("g_counts", 1)),
        ("distinct_cells", ingest_flat.distinct_cells_sql(STAGE, ["date", "lat"])),
        ("source_map", ingest_flat.source_map_sql(STAGE)),
        ("decimal_separators", ingest_flat.decimal_separators_sql()),
        ("errors", ingest_flat.errors_sql(STAGE, "PNC", dt.date(2026, 1, 1))),
        ("rows_to_write", ingest_flat.rows_to_write_sql(STAGE, "PNC", 0)),
        ("insert_cases", ingest_flat.insert_cases_sql(1)),
        ("persons", ingest_flat.persons_sql(["victims_f_minor", "migrants_m_adult"])),
        ("attributes", ingest_flat.attributes_sql()),
        ("quarantine", ingest_flat.quarantine_sql(STAGE, 1)),
        ("h_events", ingest_htcds.events_sql("he", ["hte_type", "hte_country"], e)),
        ("he_err", ingest_htcds.event_errors_sql(e, dt.date(2026, 1, 1))),
        ("h_persons", ingest_htcds.persons_sql("hp", ["prs_gender"], p, victim)),
        ("hp_err", ingest_htcds.person_errors_sql(p, victim)),
        ("h_ev", ingest_htcds.route_events_sql({"recruitment": "origin", "transit": "transit"})),
        ("h_attr", ingest_htcds.case_attributes_sql(victim)),
        ("h_cases", ingest_htcds.cases_sql("trafficking")),
        ("h_ins", ingest_htcds.cases_to_write_sql("NGO")),
        ("h_uid", ingest_htcds.case_uids_sql(10)),
        ("htcds_insert_cases", ingest_htcds.insert_cases_sql("NGO", 3)),
        ("htcds_quarantine", ingest_htcds.quarantine_sql("hp", ["case_id", "prs_gender"], "hp_err", 3)),
        ("read_csv", ingest_stage.read_csv_sql("stage", "/tmp/a.csv", ",", {"c0": "VARCHAR"}, 10, keep_rejects=True)),
        ("setting", ingest_stage.setting_sql("lock_configuration")),
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
