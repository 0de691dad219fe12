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
