"""Deaths and disappearances (turquesa_geo.outcomes) on a tiny hand-written store: literal expected answers."""

from __future__ import annotations

import pytest
from tiny_store import tiny_store

from turquesa_geo import outcomes
from turquesa_geo.filters import Filters


@pytest.fixture(scope="module")
def tiny():
    con = tiny_store()
    # M1, an incident of IOM's, as the mmp profile stores it since deaths are their own measure.
    con.execute("UPDATE cases SET crime_type = 'migration_deaths' WHERE incident_id = 'M1'")
    yield con
    con.close()


def test_outcome_incidents_are_no_cases(tiny):
    assert tiny.execute("SELECT incident_id FROM counted_cases ORDER BY 1").fetchall() == [("A1",), ("A2",), ("B1",)]
    assert tiny.execute("SELECT incident_id FROM outcome_incidents").fetchall() == [("M1",)]
    # A case filter on crime type does not empty the deaths table: they are no crime case.
    assert int(outcomes.outcomes(tiny, Filters(crime_types=("smuggling",)))["dead"].sum()) == 2


def test_only_incidents_with_dead_or_missing_are_read(tiny):
    assert outcomes.outcomes(tiny, Filters()).to_dict("list") == {
        "country": ["MEX"],
        "location_precision": ["exact"],
        "source_quality": ["verified"],
        "incidents": [1],
        "dead": [2],
        "missing": [1],
        "survivors": [5],
        "children": [1],
        "women_girls": [2],
        "men_boys": [0],
        "dead_and_missing": [2],  # the persons stored: this hand-made incident holds two
    }


@pytest.mark.parametrize(
    "filters, incidents",
    [
        (Filters(transit=("CRI",)), 1),
        (Filters(transit=("COL",)), 0),
        (Filters(origin=("HTI",)), 1),
        (Filters(destination=("USA",)), 1),
        (Filters(destination=("MEX",)), 0),  # the destination is given: the detection country is not read
        (Filters(sources=("PNC",)), 0),
    ],
)
def test_route_filters_read_the_reported_route(tiny, filters, incidents):
    assert int(outcomes.outcomes(tiny, filters)["incidents"].sum()) == incidents


def test_by_country_protects_small_counts(tiny):
    frame = outcomes.outcomes(tiny, Filters())
    assert outcomes.outcomes_by_country(frame, k=1).to_dict("list") == {
        "country": ["Mexico"],
        "incidents": ["1"],
        "dead": ["2"],
        "missing": ["1"],
        "survivors": ["5"],
        "women_girls": ["2"],
        "men_boys": ["0"],
        "children": ["1"],
    }
    assert outcomes.outcomes_by_country(frame).loc[0, "dead"] == "<5"


def test_shares_are_blank_under_k_incidents(tiny):
    frame = outcomes.outcomes(tiny, Filters())
    assert outcomes.quality_shares(frame).to_dict("list") == {
        "source_quality": ["verified"],
        "incidents": ["<5"],
        "share": [""],
    }
    assert outcomes.precision_shares(frame, k=1).to_dict("list") == {
        "location_precision": ["Exact point (3 or more decimals)"],
        "incidents": ["1"],
        "share": ["100%"],
    }


def test_nothing_selected():
    empty = outcomes.outcomes_by_country(outcomes.pd.DataFrame())
    assert list(empty.columns) == ["country", "incidents", *outcomes.PERSON_COLUMNS] and empty.empty


# --- the map's places and the trend series: a hand-made store of IOM-like incidents ----------------------------


@pytest.fixture
def incidents(tmp_path):
    """Seven incidents: five in the 2° cell of the Darién (8–10° N, 78–76° W: 11 dead, 3 missing), one in the
    Sonoran desert, one in Mexico with no point (placed at Mexico's centre); 2022 and 2023."""
    from turquesa_geo.store.connection import connect

    con = connect(tmp_path / "incidents.duckdb")
    rows = [
        (1, "D1", "2022-03-01", 8.4, -77.6, "PAN", 2, 0),
        (2, "D2", "2022-03-09", 8.9, -77.1, "PAN", 3, 1),
        (3, "D3", "2022-07-20", 9.1, -77.9, "PAN", 1, 2),
        (4, "D4", "2023-01-05", 8.2, -76.9, "COL", 4, 0),
        (5, "D5", "2023-02-11", 9.6, -76.2, "COL", 1, 0),
        (6, "S1", "2023-05-02", 31.9, -111.4, "USA", 2, 0),
        (7, "X1", "2023-06-30", None, None, "MEX", 0, 1),
    ]
    for uid, incident, day, lat, lon, country, dead, missing in rows:
        con.execute(
            "INSERT INTO cases (case_uid, source, incident_id, crime_type, case_date, lat, lon, detection_country, "
            "import_id, row_hash, dead, missing) VALUES (?, 'IOM', ?, 'migration_deaths', CAST(? AS DATE), ?, ?, ?, "
            "1, ?, ?, ?)",
            [uid, incident, day, lat, lon, country, incident, dead, missing],
        )
    yield con
    con.close()


def test_the_map_draws_only_places_of_at_least_k_incidents(incidents):
    places, hidden = outcomes.outcome_places(incidents, Filters())
    # The Darién cell's centre (9° N, 77° W): 5 incidents, 11 dead, 3 missing. The desert point and the
    # Mexican incident without a point are places of one incident each: not drawn.
    assert places.values.tolist() == [[-77.0, 9.0, 5, 11, 3]]
    assert hidden == 2
    # West to east: the desert point, Mexico's centre, the Darién.
    assert outcomes.outcome_places(incidents, Filters(), k=1)[0]["incidents"].tolist() == [1, 1, 5]


def test_the_deck_rings_say_incidents_dead_and_missing_protected(incidents):
    from turquesa_geo.maps.deck import corridor_deck, outcome_records

    places, _ = outcomes.outcome_places(incidents, Filters())
    assert outcome_records(places) == [
        {
            "position": [-77.0, 9.0],
            "radius": 19.0,
            "tooltip": "Deaths and disappearances during migration (IOM)\nincidents: 5\ndead: 11\nmissing: <5",
        }
    ]
    import pandas as pd

    empty = pd.DataFrame(columns=["from_iso3", "to_iso3", "cases", "persons", "inferred"])
    deck = corridor_deck(empty, pd.DataFrame(columns=["iso3", "throughput"]), outcome_places=places)
    assert [layer.id for layer in deck.layers][-1] == "deaths_and_disappearances"


def test_the_series_gives_dead_and_missing_per_year_with_the_incidents_as_base(incidents):
    series = outcomes.outcome_series(incidents, Filters(), "Y")
    assert [(p.year, c, n, r) for p, c, n, r in series.itertuples(index=False)] == [
        (2022, "dead", 6, 3),
        (2023, "dead", 7, 4),
        (2022, "missing", 3, 3),
        (2023, "missing", 1, 4),
    ]
    with pytest.raises(ValueError, match="expected 'M' \\(month\\) or 'Y' \\(year\\)"):
        outcomes.outcome_series(incidents, Filters(), "Q")


def test_outcome_totals_and_their_guarded_text(incidents):
    totals = outcomes.outcome_totals(incidents, Filters())
    assert (totals["incidents"], totals["dead"], totals["missing"]) == (7, 13, 4)
    assert outcomes.outcome_totals_text(totals)["dead"] == "15"  # rounded to a multiple of 5
    assert outcomes.outcome_totals_text(totals)["missing"] == "<5"


def test_outcome_table_by_year_names_and_protects(incidents):
    table = outcomes.outcome_table(outcomes.outcomes(incidents, Filters(), ("year",)), "year")
    assert table[["year", "incidents", "dead", "missing"]].values.tolist() == [
        ["2022", "<5", "6", "<5"],
        ["2023", "<5", "7", "<5"],
    ]
