"""The demo's planted truth: consistent plain data (shares sum to one, names resolve, routes run somewhere)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from turquesa_geo.demo import generator, truth
from turquesa_geo.demo.truth import (
    DEMO_CORRIDORS,
    DEMO_PLACES,
    DEMO_SOURCES,
    PERSON_CELLS,
    Corridor,
    expected_online_share,
    online_share,
)


def test_corridor_weights_sum_to_one_and_keys_are_unique():
    assert math.isclose(sum(c.weight for c in DEMO_CORRIDORS), 1.0, abs_tol=1e-9)
    assert len({c.key for c in DEMO_CORRIDORS}) == len(DEMO_CORRIDORS)


@pytest.mark.parametrize("corridor", DEMO_CORRIDORS, ids=lambda c: c.key)
def test_each_corridor_is_consistent(corridor: Corridor):
    assert len(corridor.route) >= 2 and corridor.crime_type in ("trafficking", "smuggling", "both")
    assert len(corridor.person_mix) == len(PERSON_CELLS) and math.isclose(sum(corridor.person_mix), 1.0, abs_tol=1e-6)
    places = {p.name for p in DEMO_PLACES}
    assert {name for name, _share in corridor.detection} <= places
    for mix in (corridor.detection, corridor.transport, corridor.concealment):
        assert math.isclose(sum(share for _code, share in mix), 1.0, abs_tol=1e-6), mix


def test_the_largest_corridor_and_its_shape():
    largest = max(DEMO_CORRIDORS, key=lambda c: c.weight)
    assert largest.route[:3] == ("VEN", "COL", "PAN") and largest.destination == "USA"
    assert largest.origin == "VEN" and largest.transits[0] == "COL"


def test_a_domestic_corridor_repeats_its_country():
    domestic = [c for c in DEMO_CORRIDORS if len(set(c.route)) == 1]
    assert domestic and all(c.transits == () for c in domestic if len(c.route) == 2)


def test_places_and_sources():
    assert all(len(p.iso3) == 3 and -180 <= p.lon <= 180 and -90 <= p.lat <= 90 for p in DEMO_PLACES)
    networks = {network for shares in truth.NETWORK_SHARES.values() for network in shares}
    assert {s.network for s in DEMO_SOURCES if s.iso3 is None} <= networks
    assert set(truth.NETWORK_SHARES) == {"trafficking", "smuggling", "both"}


def test_online_share_ramps_from_before_to_after():
    days = np.array(["2019-06-01", "2022-07-02", "2025-06-01"], dtype="datetime64[D]")
    assert [round(x, 2) for x in online_share(days, planted=True)] == [0.1, 0.35, 0.6]
    assert list(online_share(days, planted=False)) == [0.35, 0.35, 0.35]


def test_expected_online_share_with_a_surge_and_an_unknown_corridor():
    assert expected_online_share("2026-03-01", "venezuela_peru_sexual") == 0.85
    with pytest.raises(ValueError, match="unknown corridor 'atlantis'"):
        expected_online_share("2025-01-01", "atlantis")


def test_the_truth_has_one_door():
    """The planted truth is read from demo.truth; the generator does not offer it a second time."""
    assert set(generator.__all__) == {"generate_demo", "iter_demo_chunks", "write_demo"}
