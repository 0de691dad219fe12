"""Overlaps found before they double (turquesa_geo/ingest/overlaps.py): literal links on tiny vintages.

Two vintages of one source under different id schemes share three incidents; another source reports one
of them too. Every figure a page shows must be the same whether the second vintage is imported or not.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import GOOD_ROWS, csv_text, run_import

from turquesa_geo import corridors, gender, trends
from turquesa_geo.cooperation import reporters_by_corridor, shared_cases, shared_cases_table
from turquesa_geo.filters import Filters
from turquesa_geo.ingest.overlaps import (
    RULE_METHOD,
    LinkRefused,
    case_links,
    detect_all,
    find_overlaps,
    link_cases,
    link_overlaps,
    overlaps_of_write,
    sync_counted,
    unlink_cases,
    write_links,
)
from turquesa_geo.outcomes import outcomes
from turquesa_geo.signals import emerging_signals, signal_baseline
from turquesa_geo.store import inventory
from turquesa_geo.store.connection import connect, data_version

#: The police's 2024 vintage: ids A1..A4. Persons moved: A1 12, A2 5, A3 0, A4 7.
V1 = (*GOOD_ROWS, "A4,PNC,2024-06-15,smuggling,HTI,HTI,,USA,MEX,,,,sea,,,,,7,")

#: The police's next vintage, another id scheme: A1 a day later and 150 m away, A2 as it was, A3 a day later.
V2 = (
    "PNC-2024-0001,PNC,2024-03-06,smuggling,VEN,VEN,COL>PAN,USA,PAN,8.391,-77.871,Meteti,land;river,,,,,12,1",
    "PNC-2024-0002,PNC,2024-03-31,trafficking,VEN,VEN,,PER,PER,-12.05,-77.04,Lima,land,job offer,sexual,3,2,,1",
    "PNC-2024-0003,PNC,2023-12-02,trafficking,PRY,PRY,,ARG,ARG,,,,,internet,forced_labour_agriculture,,,,",
)

#: IOM's report of A2 (same day, place and five victims), and of a case no one else has.
OTHER = (
    "OIM-7,OIM,2024-03-31,trafficking,VEN,VEN,,PER,PER,-12.05,-77.04,Lima,,,,3,2,,",
    "OIM-8,OIM,2024-05-02,smuggling,CUB,CUB,,USA,MEX,,,,,,,,,4,",
)


@pytest.fixture
def files(write):
    return {
        "v1": write("police-2024.csv", csv_text(*V1)),
        "v2": write("police-2024-rev.csv", csv_text(*V2)),
        "other": write("oim.csv", csv_text(*OTHER)),
    }


def uid(con, incident_id: str) -> int:
    return con.execute("SELECT case_uid FROM cases WHERE incident_id = ?", [incident_id]).fetchall()[0][0]


def links(con) -> list[tuple]:
    """(later report, earlier report, status) by incident id."""
    frame = case_links(con)
    return sorted(zip(frame["incident_id"], frame["linked_incident_id"], frame["status"]))


def counted(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT incident_id FROM counted_cases ORDER BY incident_id").fetchall()]


# --- the import's check ------------------------------------------------------------------


def test_a_second_vintage_of_the_same_source_is_linked_and_counted_once(store, files):
    run_import(store, files["v1"])
    result = run_import(store, files["v2"])
    assert (result.rows_inserted, result.probable_duplicates, result.duplicates_of) == (3, 3, {1: 3})
    assert links(store) == [
        ("PNC-2024-0001", "A1", "linked"),
        ("PNC-2024-0002", "A2", "linked"),
        ("PNC-2024-0003", "A3", "linked"),
    ]
    assert counted(store) == ["A1", "A2", "A3", "A4"]
    assert store.execute("SELECT count(*) FROM cases").fetchall() == [(7,)]  # both reports stay stored
    assert store.execute("SELECT probable_duplicates FROM imports ORDER BY import_id").fetchall() == [(0,), (3,)]
    frame = case_links(store)
    assert set(frame["method"]) == {RULE_METHOD} and frame["found_by"].tolist() == [2, 2, 2]
    # A day and 0.16 km apart: 1 - 0.25 - 0.05 * 0.16; same day and point: 1; a day, no point: 0.75.
    assert frame["score"].round(3).tolist() == [0.742, 1.0, 0.75]


def test_another_source_reporting_the_same_incident_is_kept_both_and_shared(store, files):
    run_import(store, files["v1"])
    run_import(store, files["v2"])
    result = run_import(store, files["other"])
    assert (result.probable_duplicates, result.duplicates_of) == (1, {1: 1})
    assert links(store)[0] == ("OIM-7", "A2", "kept")
    assert counted(store) == ["A1", "A2", "A3", "A4", "OIM-7", "OIM-8"]
    shared = shared_cases(store, Filters())
    assert shared.values.tolist() == [["OIM", "PNC", "kept", 1], ["PNC", "PNC", "linked", 3]]
    # Counts under 5 are hidden, with their margins.
    assert shared_cases_table(shared).display().to_dict("index") == {
        ("OIM", "PNC"): {"kept": "<5", "linked": "0", "Total": "·"},
        ("PNC", "PNC"): {"kept": "0", "linked": "<5", "Total": "·"},
        ("Total", ""): {"kept": "·", "linked": "·", "Total": "·"},
    }


@pytest.mark.parametrize(
    ("policy", "statuses", "cases"),
    [
        ("default", ["kept", "linked", "linked", "linked"], 6),
        ("link", ["linked", "linked", "linked", "linked"], 5),
        ("keep", ["kept", "kept", "kept", "kept"], 9),
        ("off", [], 9),
    ],
)
def test_the_policy_decides_which_probable_duplicates_are_linked(store, files, policy, statuses, cases):
    run_import(store, files["v1"])
    second = run_import(store, files["v2"], duplicates=policy)
    third = run_import(store, files["other"], duplicates=policy)
    assert (second.probable_duplicates, third.probable_duplicates) == ((0, 0) if policy == "off" else (3, 1))
    assert [status for *_, status in links(store)] == statuses
    assert inventory.store_totals(store)["cases"] == cases


def test_an_unknown_policy_is_refused_by_name_and_nothing_is_written(store, files):
    with pytest.raises(ValueError, match="duplicates policy 'merge' is not one of default, link, keep, off"):
        run_import(store, files["v1"], duplicates="merge")
    assert store.execute("SELECT count(*) FROM cases").fetchall() == [(0,)]


def test_what_the_rule_does_not_match(store, write):
    run_import(store, write("a.csv", csv_text(GOOD_ROWS[1])))  # A2: 2024-03-31, PER, trafficking, 5 victims
    near_misses = (
        GOOD_ROWS[1].replace("A2,", "B1,", 1).replace("2024-03-31", "2024-03-29"),  # two days apart
        GOOD_ROWS[1].replace("A2,", "B2,", 1).replace(",3,2,", ",3,1,"),  # 4 victims, not 5
        GOOD_ROWS[1].replace("A2,", "B3,", 1).replace("Trata de personas", "smuggling"),  # another crime
        GOOD_ROWS[1].replace("A2,", "B4,", 1).replace("-12.05,-77.04", "-12.15,-77.04"),  # 11 km away
        GOOD_ROWS[1].replace("A2,", "B5,", 1).replace(",PER,PER,", ",PER,,"),  # no detection country
    )
    result = run_import(store, write("b.csv", csv_text(*near_misses)))
    assert (result.rows_inserted, result.probable_duplicates) == (5, 0)
    assert case_links(store).empty


def test_one_file_reports_an_incident_once_so_matches_are_one_to_one(store, write):
    run_import(store, write("a.csv", csv_text(GOOD_ROWS[1])))
    twice = (GOOD_ROWS[1].replace("A2,", "B1,", 1), GOOD_ROWS[1].replace("A2,", "B2,", 1))
    result = run_import(store, write("b.csv", csv_text(*twice)))
    assert result.probable_duplicates == 1
    assert links(store) == [("B1", "A2", "linked")]
    assert counted(store) == ["A2", "B2"]


def test_the_cases_of_one_file_are_never_matched_with_each_other(store, write):
    twice = (GOOD_ROWS[1], GOOD_ROWS[1].replace("A2,", "B2,", 1))
    assert run_import(store, write("a.csv", csv_text(*twice))).probable_duplicates == 0


# --- counted once everywhere --------------------------------------------------------------


def page_answers(con) -> dict[str, object]:
    """What the pages ask the store, for whole months (from the rollups) and for other periods (the case tables)."""
    whole = Filters()
    months = Filters(start=dt.date(2023, 12, 1), end=dt.date(2024, 6, 30))
    days = Filters(start=dt.date(2023, 12, 2), end=dt.date(2024, 6, 29))
    period = (months.start, months.end)
    graph = corridors.corridor_graph(con)
    view = corridors.corridor_view(con, months, graph=graph)
    return {
        "corridors": view.corridors,
        "legs": view.legs,
        "hubs": view.hubs,
        "signatures": corridors.route_signatures(con, months, period),
        "signatures from the cases": corridors.route_signatures(con, days, (days.start, days.end)),
        "key figures": trends.key_figures(con, months, period),
        "key figures of days": trends.key_figures(con, days, (days.start, days.end)),
        "trends": trends.modus_series(con, whole, "transport_mode", "Y"),
        "trends by month": trends.modus_series(con, months, "recruitment_method", "M"),
        "gender": gender.persons_by(con, whole, "none"),
        "gender by exploitation": gender.persons_by(con, whole, "exploitation_form", "Y"),
        "signals": emerging_signals(con, whole, period, signal_baseline(period), graph=graph),
        "cases": inventory.store_totals(con)["cases"],
        "victims": inventory.store_totals(con)["victims"],
        "migrants": inventory.store_totals(con)["migrants"],
        "by crime and year": inventory.cases_by_crime_year(con),
        "sources": inventory.sources(con),
        "choices": inventory.store_choices(con),
        "outcomes": outcomes(con, whole),
        "cooperation": reporters_by_corridor(con, months, graph=graph),
        "rollup_routes": con.execute("SELECT * FROM rollup_routes ORDER BY ALL").fetchall(),
        "rollup_modus": con.execute("SELECT * FROM rollup_modus ORDER BY ALL").fetchall(),
    }


def in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows sorted on their text: the same answer in another row order is the same answer."""
    return frame.loc[frame.astype(str).sort_values(list(frame.columns)).index].reset_index(drop=True)


def assert_same_answers(got: dict[str, object], expected: dict[str, object]) -> None:
    assert got.keys() == expected.keys()
    for name, value in expected.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(in_order(got[name]), in_order(value), obj=name)
        else:
            assert got[name] == value, name


@pytest.fixture
def single(tmp_path, files):
    """A store holding the first vintage only."""
    con = connect(tmp_path / "single.duckdb")
    run_import(con, files["v1"])
    yield con
    con.close()


def test_a_linked_duplicate_changes_no_figure_on_any_page(store, single, files):
    run_import(store, files["v1"])
    run_import(store, files["v2"])
    got = page_answers(store)
    assert (got["cases"], got["victims"], got["migrants"]) == (4, 5, 19)
    assert_same_answers(got, page_answers(single))


def test_kept_both_counts_both(store, single, files):
    run_import(store, files["v1"])
    run_import(store, files["v2"], duplicates="keep")
    assert inventory.store_totals(store)["cases"] == 7
    assert page_answers(store)["rollup_routes"] != page_answers(single)["rollup_routes"]


def test_a_changed_row_of_a_linked_report_stays_linked_and_counted_once(store, single, files, write):
    run_import(store, files["v1"])
    run_import(store, files["v2"])
    assert run_import(store, files["v2"]).already_imported  # the same bytes again: nothing at all
    changed = (V2[0], V2[1].replace(",Lima,", ",Lima Cercado,"), V2[2])
    again = run_import(store, write("police-2024-rev2.csv", csv_text(*changed)))
    assert (again.rows_updated, again.rows_unchanged, again.probable_duplicates) == (1, 2, 0)
    assert len(case_links(store)) == 3  # no link added: the changed case keeps its own
    assert counted(store) == ["A1", "A2", "A3", "A4"]
    assert_same_answers(page_answers(store), page_answers(single))
    assert store.execute("SELECT place FROM cases WHERE incident_id = 'PNC-2024-0002'").fetchall() == [
        ("Lima Cercado",)
    ]


def test_unlinking_restores_the_counts_and_linking_again_removes_them(store, single, files):
    run_import(store, files["v1"])
    run_import(store, files["v2"])
    before = data_version(store)
    unlink_cases(store, uid(store, "PNC-2024-0002"), uid(store, "A2"), user="ana")
    assert ("PNC-2024-0002", "A2", "kept") in links(store)
    assert counted(store) == ["A1", "A2", "A3", "A4", "PNC-2024-0002"]
    assert trends.key_figures(store, Filters(), (dt.date(2024, 1, 1), dt.date(2024, 12, 31))).victims == 10
    assert data_version(store) != before  # the pages' caches see the change
    assert link_cases(store, uid(store, "A2"), uid(store, "PNC-2024-0002")) == (
        uid(store, "PNC-2024-0002"),
        uid(store, "A2"),
    )
    assert_same_answers(page_answers(store), page_answers(single))
    assert data_version(store) == before


def test_two_distinct_cases_are_not_shared_and_never_paired_again(store, files):
    run_import(store, files["v1"])
    run_import(store, files["v2"])
    unlink_cases(store, uid(store, "A3"), uid(store, "PNC-2024-0003"), distinct=True)
    assert ("PNC-2024-0003", "A3", "distinct") in links(store)
    assert detect_all(store).duplicates == 0
    assert shared_cases(store, Filters()).values.tolist() == [["PNC", "PNC", "linked", 2]]


def test_a_person_cannot_link_a_case_to_itself_twice_or_in_a_circle(store, files, write):
    run_import(store, files["v1"])
    run_import(store, files["v2"])
    a1, a2, v21 = uid(store, "A1"), uid(store, "A2"), uid(store, "PNC-2024-0001")
    with pytest.raises(LinkRefused, match=f"a case cannot be linked to itself \\({a1}\\)"):
        link_cases(store, a1, a1)
    with pytest.raises(LinkRefused, match="no case 999 in the store"):
        link_cases(store, a1, 999)
    with pytest.raises(LinkRefused, match=f"case {v21} is already linked to case {a1}; unlink them first"):
        link_cases(store, v21, a2)
    with pytest.raises(LinkRefused, match=f"cases {a1} and {a2} are not linked"):
        unlink_cases(store, a1, a2)
    assert link_cases(store, a2, a1) == (a2, a1)  # a person may say two reports of one file are one case
    assert counted(store) == ["A1", "A3", "A4"]
    # A1 corrected by a third file: now the later report, and already the head of PNC-2024-0001's chain.
    run_import(store, write("police-2024-fix.csv", csv_text(V1[0].replace("Metetí", "Meteti"))))
    with pytest.raises(LinkRefused, match=f"cases {a1} and {v21} are already counted as one"):
        link_cases(store, v21, a1)
    assert counted(store) == ["A1", "A3", "A4"]


# --- the whole store, and other linkers ----------------------------------------------------


def test_detect_all_finds_what_imports_without_a_check_left(store, files):
    run_import(store, files["v1"])
    run_import(store, files["v2"], duplicates="off")
    run_import(store, files["other"], duplicates="off")
    assert counted(store) == [
        "A1",
        "A2",
        "A3",
        "A4",
        "OIM-7",
        "OIM-8",
        "PNC-2024-0001",
        "PNC-2024-0002",
        "PNC-2024-0003",
    ]
    report = detect_all(store)
    assert (report.checked, report.duplicates, report.linked, report.kept, report.by_import) == (9, 4, 3, 1, {1: 4})
    assert links(store) == [
        ("OIM-7", "A2", "kept"),
        ("PNC-2024-0001", "A1", "linked"),
        ("PNC-2024-0002", "A2", "linked"),
        ("PNC-2024-0003", "A3", "linked"),
    ]
    assert counted(store) == ["A1", "A2", "A3", "A4", "OIM-7", "OIM-8"]
    assert store.execute("SELECT sum(cases) FROM rollup_routes").fetchall() == [(6,)]
    again = detect_all(store)
    assert (again.duplicates, len(case_links(store))) == (0, 4)


def test_find_and_link_the_overlaps_of_a_finished_import(store, files):
    run_import(store, files["v1"])
    run_import(store, files["v2"], duplicates="off")
    found = find_overlaps(store, 2)
    assert found[["linked_to", "stored_import", "same_source", "days_apart", "persons"]].values.tolist() == [
        [uid(store, "A1"), 1, True, 1, 12],
        [uid(store, "A2"), 1, True, 0, 5],
        [uid(store, "A3"), 1, True, 1, 0],
    ]
    assert found["why"].tolist() == [
        "date ±1 day, same crime type and detection country, 12 persons, points 0.2 km apart",
        "date ±0 day, same crime type and detection country, 5 persons, points 0.0 km apart",
        "date ±1 day, same crime type and detection country, 0 persons",
    ]
    assert case_links(store).empty  # finding writes nothing
    report = link_overlaps(store, 2, "keep")
    assert (report.duplicates, report.linked, report.kept) == (3, 0, 3)
    assert link_overlaps(store, 2).duplicates == 0  # its cases are settled


def test_another_linker_feeds_the_same_table(store, files):
    run_import(store, files["v1"])
    run_import(store, files["v2"], duplicates="off")
    a1, a2, a3, a4 = (uid(store, i) for i in ("A1", "A2", "A3", "A4"))
    v21, v22 = uid(store, "PNC-2024-0001"), uid(store, "PNC-2024-0002")
    pairs = pd.DataFrame(
        {
            "case_uid": [a1, v22, a2, a3, v21],
            "linked_to": [v21, a2, v22, a4, a4],
            "score": [0.98, 0.97, 0.5, 0.9, 0.6],
            "status": ["linked", "linked", "linked", "linked", "linked"],
        }
    )
    assert write_links(store, pairs, "splink:v1", user="model") == 4
    assert links(store) == [
        ("A4", "A3", "linked"),  # one file: the larger uid is the later report
        ("PNC-2024-0001", "A1", "linked"),  # turned round: the second file's report is the later one
        ("PNC-2024-0001", "A4", "kept"),  # PNC-2024-0001 is already linked to A1
        ("PNC-2024-0002", "A2", "linked"),  # the same pair twice: recorded once, with the best score
    ]
    assert set(case_links(store)["method"]) == {"splink:v1"}
    assert case_links(store)["score"].tolist() == [0.9, 0.98, 0.6, 0.97]
    assert counted(store) == ["A1", "A2", "A3", "PNC-2024-0003"]
    with pytest.raises(ValueError, match="pair status 'maybe' is not linked or kept"):
        write_links(store, pairs.assign(status="maybe"), "splink:v1")
    with pytest.raises(ValueError, match="pairs name case\\(s\\) not in the store: 999"):
        write_links(store, pairs.assign(linked_to=999), "splink:v1")


def test_counted_follows_the_links_whoever_wrote_the_cases(store, files):
    run_import(store, files["v1"])
    run_import(store, files["v2"])
    v22 = uid(store, "PNC-2024-0002")
    # An importer that re-inserts a case under its uid gives it the default: counted.
    store.execute("UPDATE cases SET counted = TRUE WHERE case_uid = ?", [v22])
    assert sync_counted(store) == 1
    assert counted(store) == ["A1", "A2", "A3", "A4"]
    assert store.execute("SELECT sum(cases) FROM rollup_routes").fetchall() == [(4,)]
    assert sync_counted(store) == 0


def test_the_importers_call_adds_the_months_it_changes_to_the_ones_it_rebuilds(store, files):
    run_import(store, files["v1"])
    run_import(store, files["v2"])
    store.execute("UPDATE cases SET counted = TRUE WHERE incident_id = 'PNC-2024-0003'")  # December 2023
    store.execute("CREATE TEMP TABLE ins AS SELECT 1 AS case_uid, 1 AS _old_uid")  # an import that inserts nothing
    store.execute("CREATE TEMP TABLE touched_months AS SELECT DATE '2024-03-01' AS month")
    report = overlaps_of_write(store, 9, "default")
    assert report.duplicates == 0
    assert store.execute("SELECT month FROM touched_months ORDER BY month").fetchall() == [
        (dt.date(2023, 12, 1),),
        (dt.date(2024, 3, 1),),
    ]
