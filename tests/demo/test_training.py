"""Training mode, glossary and linked crimes: exercises checked against the planted truth, pages, links, layer."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from conftest import TODAY
from streamlit.testing.v1 import AppTest
from test_app import APP, TIMEOUT

from turquesa_geo.demo import generator as demo
from turquesa_geo.demo import truth as demo_truth
from turquesa_geo.demo.training import EXERCISES, TRAINING_ENV, exercise
from turquesa_geo.filters import Filters, from_query_params, to_query_params
from turquesa_geo.glossary import TERM_IDS, TERMS, term
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.store.connection import connect


def _right_answers(item) -> list[str]:
    return [choice for choice in item.choices() if item.check(choice)]


@pytest.mark.parametrize("item", [e for e in EXERCISES if e.id != "briefing_pack"], ids=lambda e: e.id)
def test_each_exercise_accepts_exactly_one_choice(item):
    right = _right_answers(item)
    assert len(right) == 1, right
    wrong = [c for c in item.choices() if c not in right]
    assert wrong and not any(item.check(c) for c in wrong)
    assert item.question_in("en") and item.question_in("es") != item.question_in("en") and item.hints


def test_answers_come_from_the_planted_truth_not_from_text():
    # The largest corridor is the heaviest planted one; change the weights and the answer follows.
    largest = max(demo_truth.DEMO_CORRIDORS, key=lambda c: c.weight)
    assert largest.key == "darien_north"
    assert _right_answers(exercise("largest_corridor")) == ["VEN>COL>PAN>CRI>NIC>HND>GTM>MEX>USA"]
    assert exercise("largest_corridor").choice_label("VEN>COL>PAN>CRI>NIC>HND>GTM>MEX>USA") == (
        "Venezuela → Colombia → Panama → Costa Rica → Nicaragua → Honduras → Guatemala → Mexico → United States"
    )
    assert _right_answers(exercise("online_rise")) == ["internet"]
    assert _right_answers(exercise("pandemic_dip")) == ["2020"]
    assert _right_answers(exercise("minors_corridor")) == ["GTM>MEX>USA"]
    # Codes, not words: the same answer in any interface language.
    assert _right_answers(exercise("darien_transit")) == ["PAN"]
    assert exercise("darien_transit").choice_label("PAN", "es") == "Panamá"
    assert exercise("small_cells").choice_label("one_to_four", "en") == "There were between 1 and 4 cases"


def test_briefing_pack_exercise_reads_the_export_log():
    check = exercise("briefing_pack").check
    since = dt.datetime(2026, 11, 29, 10, 0)
    log = pd.DataFrame(
        {
            "exported_at": [dt.datetime(2026, 11, 29, 10, 5)],
            "kind": ["pack:pdf"],
            "marking": ["TLP:AMBER · DIJIN"],
            "audience": ["external"],
        }
    )
    assert check("done", export_log=log, since=since)
    assert not check("done", export_log=log.assign(audience="internal"), since=since)
    assert not check("done", export_log=log.assign(kind="snapshot:png"), since=since)
    assert not check("done", export_log=log, since=dt.datetime(2026, 11, 29, 11, 0))  # before the session
    assert not check("done", export_log=log.iloc[0:0], since=since)
    assert len(EXERCISES) >= 8


def test_glossary_terms_are_bilingual_and_sourced_where_legal():
    assert len(TERMS) >= 10 and len(set(TERM_IDS)) == len(TERMS)
    for entry in TERMS:
        assert entry.title_in("en") and entry.title_in("es") != entry.title_in("en")
        assert entry.text_in("en") and entry.text_in("es") != entry.text_in("en")
    assert "Palermo" not in term("trafficking").source and "article 3" in term("trafficking").source
    assert "article 5" in term("smuggling").source or "articles 3 and 5" in term("smuggling").source
    with pytest.raises(KeyError, match="unknown glossary term 'x'"):
        term("x")


def test_linked_crimes_filter_round_trips_the_url_and_selects_flagged_cases(tmp_path):
    filters, problems = from_query_params({"linked": "drugs,firearms"})
    assert problems == [] and filters.linked_crimes == ("drugs", "firearms")
    assert to_query_params(filters) == {"linked": "drugs,firearms"}
    path = tmp_path / "c.csv"
    path.write_text(
        "incident_id,date,crime_type,origin,destination,linked_crimes,victims_f_adult\n"
        "L1,2024-01-05,trafficking,VEN,COL,drugs,1\nL2,2024-01-06,trafficking,VEN,COL,,1\n"
        "L3,2024-01-07,smuggling,HTI,DOM,firearms;drugs,1\n",
        encoding="utf-8",
    )
    con = connect(tmp_path / "s.duckdb")
    import_file(con, path, today=TODAY)
    from turquesa_geo.corridors import corridor_view

    view = corridor_view(con, Filters(linked_crimes=("drugs",)), k=1)
    assert sorted(view.corridors["route"]) == ["HTI>DOM", "VEN>COL"] and view.total_cases == 2
    assert corridor_view(con, Filters(linked_crimes=("firearms",)), k=1).total_cases == 1
    con.close()


@pytest.fixture
def training_store(tmp_path, app_on):
    path = tmp_path / "train.parquet"
    demo.write_demo(path, rows=4_000, seed=3)
    db = tmp_path / "train.duckdb"
    con = connect(db)
    import_file(con, path, today=TODAY)
    con.close()
    return app_on(db)


def test_training_page_checks_answers_and_keeps_progress(training_store, monkeypatch):
    monkeypatch.setenv(TRAINING_ENV, "1")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert "Training mode" in at.warning[0].value  # the banner, on every page
    at.switch_page("pages/training.py").run()
    assert not at.exception
    at.radio(key="answer_small_cells").set_value("no_cases")
    at.button(key="check_small_cells").click().run()
    assert any("Not yet" in e.value for e in at.error)
    at.radio(key="answer_small_cells").set_value("one_to_four")
    at.button(key="check_small_cells").click().run()
    assert any(s.value == "Correct." for s in at.success)
    assert at.session_state["training_progress"] == {"small_cells": True}


def test_training_page_outside_training_mode_says_how_to_start(training_store, monkeypatch):
    monkeypatch.delenv(TRAINING_ENV, raising=False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.warning
    at.switch_page("pages/training.py").run()
    assert "turquesa train" in at.info[0].value


def test_glossary_opens_the_linked_term_first(training_store):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/glossary.py")
    at.query_params["term"] = "inferred_route"  # as a page's glossary link opens it
    at.run()
    assert not at.exception
    assert at.expander[0].label == "Inferred routes and legs"
    assert len(at.expander) == len(TERMS)


@pytest.mark.parametrize(
    "page, terms",
    [
        ("pages/corridor_map.py", ["corridor", "inferred_route", "small_cells"]),
        ("pages/trends.py", ["exploitation", "control_methods", "signals"]),
        ("pages/gender.py", ["trafficking", "smuggling", "victim_rights", "migrant_rights", "small_cells"]),
        ("pages/overview.py", ["signals", "small_cells", "corridor"]),
        ("pages/cooperation.py", ["networks", "corridor", "small_cells"]),
    ],
)
def test_pages_link_the_glossary_terms_they_use(training_store, page, terms):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(page).run()
    assert not at.exception
    links = [p.proto.query_string for p in at.get("page_link")]
    assert links[: len(terms)] == [f"term={t}" for t in terms]


def test_linked_crime_layer_appears_on_the_map_when_asked(training_store):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/corridor_map.py").run()
    layers = [layer["id"] for layer in json.loads(at.get("deck_gl_json_chart")[0].proto.json)["layers"]]
    assert "linked_crimes" not in layers
    assert "Linked crimes by corridor" not in [h.value for h in at.subheader]  # drawn on demand only
    at.toggle(key="show_linked").set_value(True).run()
    assert not at.exception
    assert "Linked crimes by corridor" in [h.value for h in at.subheader]
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    linked = next(layer for layer in spec["layers"] if layer["id"] == "linked_crimes")
    assert linked["data"] and all(f["tooltip"].startswith("Linked crimes · ") for f in linked["data"])
    before = [f["tooltip"] for f in next(la for la in spec["layers"] if la["id"] == "flows")["data"]]
    at.multiselect(key="flt_linked_crimes").set_value(["drugs"]).run()  # the filter changes the map
    after = [
        f["tooltip"]
        for f in next(
            la for la in json.loads(at.get("deck_gl_json_chart")[0].proto.json)["layers"] if la["id"] == "flows"
        )["data"]
    ]
    assert after != before
