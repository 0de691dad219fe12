"""Tests of route reconstruction: hand-made signatures with literal answers, the demo corridors, properties."""

from __future__ import annotations

import itertools
import pickle
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turquesa_geo import routes as r
from turquesa_geo.demo import generator as demo
from turquesa_geo.demo import truth as demo_truth

DARIEN = "VEN>COL>PAN>CRI>NIC>HND>GTM>MEX>USA"


def signatures(*records: tuple) -> pd.DataFrame:
    """A signature frame from (nationality, origin, transit, destination, detection_country, cases) tuples."""
    return pd.DataFrame.from_records(list(records), columns=[*r.SIGNATURE_COLUMNS, r.CASES])


def complete(route: str, cases: int, detection: str | None = None) -> tuple:
    """A complete record of ``route`` (origin, transits, destination)."""
    points = route.split(">")
    return (points[0], points[0], ">".join(points[1:-1]), points[-1], detection, cases)


def answer(frame: pd.DataFrame) -> list[tuple]:
    """The added route columns, row by row, as plain tuples."""
    return [
        (route, legs, int(n), float(conf), status)
        for route, legs, n, conf, status in frame[list(r.ROUTE_COLUMNS)].itertuples(index=False)
    ]


# ---------------------------------------------------------------- known points


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (("VEN", None, "USA", "VEN", "PAN"), ("VEN", "PAN", "USA")),
        (("VEN", "COL>PAN", "USA", "VEN", "PAN"), ("VEN", "COL", "PAN", "USA")),
        (("VEN", "COL>PAN", "USA", "VEN", "MEX"), ("VEN", "COL", "PAN", "MEX", "USA")),
        (("VEN", "COL", "PER", "VEN", "VEN"), ("VEN", "COL", "PER")),
        (("VEN", "COL", "PER", "VEN", "PER"), ("VEN", "COL", "PER")),
        ((None, None, None, "HTI", "DOM"), ("HTI", "DOM")),
        (("", float("nan"), "", "HTI", "DOM"), ("HTI", "DOM")),
        ((pd.NA, " ", None, "HTI", "DOM"), ("HTI", "DOM")),
        (("CUB", None, None, "CUB", "NIC"), ("CUB", "NIC")),
        (("VEN", None, "VEN", "VEN", "VEN"), ("VEN", "VEN")),
        (("VEN", None, "VEN", "VEN", "COL"), ("VEN", "COL", "VEN")),
        ((None, None, None, "HTI", "HTI"), ("HTI",)),
        (("VEN", "COL>COL", "COL", "VEN", None), ("VEN", "COL")),
        ((None, None, None, None, None), ()),
        # Detected on the way with no destination (an IOM incident on the Colombian side of the Darién): the route
        # ends at its last known point and never turns back to the detection country.
        (("VEN", "COL>PAN>CRI", None, "VEN", "COL"), ("VEN", "COL", "PAN", "CRI")),
        (("VEN", "COL>PAN>CRI", None, "VEN", "PAN"), ("VEN", "COL", "PAN", "CRI")),
        (("COL", "PAN>CRI", None, "COL", "COL"), ("COL", "PAN", "CRI")),
        ((None, "HTI", None, None, "HTI"), ("HTI",)),
    ],
)
def test_known_points(record, expected):
    assert r.known_points(*record) == expected


# ---------------------------------------------------------------- reconstruction


def test_complete_record_passes_unchanged():
    frame = signatures(complete(DARIEN, 3, detection="PAN"))
    assert answer(r.reconstruct_routes(frame)) == [(DARIEN, "00000000", 0, 1.0, "observed")]


def test_partial_record_gets_the_most_frequent_intermediates():
    frame = signatures(
        complete(DARIEN, 9),
        complete("VEN>COL>PAN>CRI>MEX>USA", 1),
        ("VEN", "VEN", None, "USA", "PAN", 4),
    )
    out = r.reconstruct_routes(frame)
    # VEN..PAN: always via COL (1.0); PAN..USA: 9 of the 10 complete cases via CRI>NIC>HND>GTM>MEX.
    assert answer(out)[2] == (DARIEN, "11111111", 8, 0.9, "completed")


def test_ambiguous_record_gets_the_share_of_its_choice():
    frame = signatures(
        complete("VEN>COL>ECU>PER", 5),
        complete("VEN>BRA>PER", 4),
        ("VEN", "VEN", "", "PER", "PER", 2),
    )
    assert answer(r.reconstruct_routes(frame))[2] == ("VEN>COL>ECU>PER", "111", 3, 5 / 9, "completed")


def test_tie_goes_to_the_lexicographically_smallest_sequence():
    frame = signatures(complete("VEN>COL>PER", 3), complete("VEN>BRA>PER", 3), ("VEN", "VEN", "", "PER", None, 1))
    assert answer(r.reconstruct_routes(frame))[2] == ("VEN>BRA>PER", "11", 2, 0.5, "completed")


def test_direct_leg_confirmed_by_complete_records_is_not_inferred():
    frame = signatures(complete("VEN>COL>PAN", 2), ("VEN", None, None, None, "COL", 5))
    assert answer(r.reconstruct_routes(frame))[1] == ("VEN>COL", "0", 0, 1.0, "completed")


def test_two_point_record_without_evidence_stays_direct_and_unresolved():
    frame = signatures(complete(DARIEN, 9), ("GTM", None, None, None, "ARG", 2))
    assert answer(r.reconstruct_routes(frame))[1] == ("GTM>ARG", "0", 0, r.UNRESOLVED_CONFIDENCE, "unresolved")
    assert r.UNRESOLVED_CONFIDENCE == 0.5


def test_two_point_record_from_nationality_and_detection():
    frame = signatures(("HTI", None, None, None, "DOM", 7))
    assert answer(r.reconstruct_routes(frame)) == [("HTI>DOM", "0", 0, 0.5, "unresolved")]


def test_one_stretch_filled_and_one_unresolved():
    frame = signatures(complete("VEN>COL>PAN>CRI", 4), ("VEN", "VEN", None, "HTI", "PAN", 1))
    assert answer(r.reconstruct_routes(frame))[1] == ("VEN>COL>PAN>HTI", "110", 2, 0.5, "unresolved")


def test_domestic_and_pointless_records():
    frame = signatures(
        ("VEN", "VEN", None, "VEN", "VEN", 3), ("HTI", None, None, None, "HTI", 1), (None, None, None, None, None, 1)
    )
    assert answer(r.reconstruct_routes(frame)) == [
        ("VEN>VEN", "0", 0, 0.5, "unresolved"),
        ("HTI", "", 0, 0.5, "unresolved"),
        ("", "", 0, 0.5, "unresolved"),
    ]


def test_evidence_from_the_same_journey_comes_first():
    frame = signatures(
        complete("ECU>MEX>USA", 2),
        complete("CHN>ECU>COL>PAN>USA", 5),
        ("ECU", "ECU", None, "USA", None, 1),  # same journey ECU..USA: only ECU>MEX>USA
        ("ECU", None, None, None, "MEX", 1),  # same start ECU: direct
        ("IND", "IND", None, "USA", "ECU", 1),  # no complete IND journey: pooled evidence
    )
    assert answer(r.reconstruct_routes(frame))[2:] == [
        ("ECU>MEX>USA", "11", 2, 1.0, "completed"),
        ("ECU>MEX", "0", 0, 1.0, "completed"),
        ("IND>ECU>COL>PAN>USA", "0111", 3, 0.5 * (5 / 7), "unresolved"),
    ]


def test_missing_values_are_handled_alike():
    base = [complete("VEN>COL>ECU>PER", 3)]
    outs = [
        r.reconstruct_routes(signatures(*base, ("VEN", "VEN", missing, "PER", missing, 1)))
        for missing in (None, float("nan"), "", pd.NA, "  ")
    ]
    assert {tuple(answer(out)[1]) for out in outs} == {("VEN>COL>ECU>PER", "111", 3, 1.0, "completed")}


def test_a_transit_of_separators_only_is_no_transit():
    frame = signatures(complete("VEN>COL>ECU>PER", 3), ("VEN", "VEN", " > ", "PER", None, 1))
    assert answer(r.reconstruct_routes(frame))[1] == ("VEN>COL>ECU>PER", "111", 3, 1.0, "completed")


def test_empty_frame_gives_the_output_columns():
    out = r.reconstruct_routes(signatures())
    assert out.empty
    assert list(out.columns) == [*r.SIGNATURE_COLUMNS, r.CASES, *r.ROUTE_COLUMNS]
    legs = r.route_legs(out)
    assert legs.empty
    assert list(legs.columns) == [r.FROM_ISO3, r.TO_ISO3, r.LEG_INDEX, r.INFERRED, r.CASES]


def test_other_columns_and_index_pass_through():
    frame = signatures(
        complete("VEN>COL>PAN", 2), ("VEN", "VEN", "", "PAN", None, 3), ("VEN", "VEN", "", "PAN", None, 4)
    )
    frame["crime_type"] = ["smuggling", "smuggling", "both"]
    frame.index = [10, 20, 30]
    out = r.reconstruct_routes(frame)
    assert out.index.tolist() == [10, 20, 30]
    assert out["crime_type"].tolist() == ["smuggling", "smuggling", "both"]
    assert out[r.ROUTE].tolist() == ["VEN>COL>PAN"] * 3
    assert out[r.N_INFERRED].dtype == np.int64 and out[r.CONFIDENCE].dtype == np.float64


def test_a_graph_learnt_elsewhere_applies_without_cases_and_pickles():
    graph = r.learn_corridor_graph(signatures(complete(DARIEN, 9), complete("VEN>COL>PAN>CRI>MEX>USA", 1)))
    assert graph.complete_cases == 10.0
    assert graph.transitions[("PAN", "CRI")] == 10.0
    assert graph.sequences("PAN", "USA") == {("CRI", "NIC", "HND", "GTM", "MEX"): 9.0, ("CRI", "MEX"): 1.0}
    again = pickle.loads(pickle.dumps(graph))
    frame = signatures(("VEN", None, None, None, "CRI", 1)).drop(columns=r.CASES)
    assert r.reconstruct_routes(frame, again)[r.ROUTE].tolist() == ["VEN>COL>PAN>CRI"]


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match=r"lacks columns \['cases'\]"):
        r.reconstruct_routes(signatures().drop(columns=r.CASES))
    with pytest.raises(ValueError, match="detection_country"):
        r.learn_corridor_graph(signatures().drop(columns="detection_country"))


# ---------------------------------------------------------------- legs


def test_route_legs_sums_cases_and_keeps_inferred_legs_apart():
    routes = pd.DataFrame(
        {
            r.ROUTE: ["VEN>COL>PAN", "VEN>COL>PAN", "VEN>COL", "HTI>DOM", "HTI"],
            r.LEGS_INFERRED: ["00", "11", "0", "0", ""],
            "cases": [3, 2, 5, 4, 1],
            "victims": [1, 0, 2, 0, 1],
        }
    )
    expected = pd.DataFrame(
        {
            r.FROM_ISO3: ["COL", "COL", "HTI", "VEN", "VEN"],
            r.TO_ISO3: ["PAN", "PAN", "DOM", "COL", "COL"],
            r.LEG_INDEX: [1, 1, 0, 0, 0],
            r.INFERRED: [False, True, False, False, True],
            "cases": [3, 2, 4, 8, 2],
            "victims": [1, 0, 0, 3, 0],
        }
    )
    pd.testing.assert_frame_equal(r.route_legs(routes, ("cases", "victims")), expected)


def test_route_legs_groups_by_extra_columns():
    routes = pd.DataFrame(
        {
            r.ROUTE: ["HTI>DOM", "HTI>DOM"],
            r.LEGS_INFERRED: ["0", "0"],
            "crime_type": ["trafficking", "smuggling"],
            "cases": [1, 2],
        }
    )
    legs = r.route_legs(routes, by=["crime_type"])
    assert legs.to_dict("records") == [
        {
            "crime_type": "smuggling",
            r.FROM_ISO3: "HTI",
            r.TO_ISO3: "DOM",
            r.LEG_INDEX: 0,
            r.INFERRED: False,
            "cases": 2,
        },
        {
            "crime_type": "trafficking",
            r.FROM_ISO3: "HTI",
            r.TO_ISO3: "DOM",
            r.LEG_INDEX: 0,
            r.INFERRED: False,
            "cases": 1,
        },
    ]


def test_route_legs_refuses_flags_that_do_not_match_the_legs():
    with pytest.raises(ValueError, match="one '0' or '1' per leg"):
        r.route_legs(pd.DataFrame({r.ROUTE: ["VEN>COL>PAN"], r.LEGS_INFERRED: ["0"], "cases": [1]}))


def _slow_route_legs(routes: pd.DataFrame) -> dict[tuple[str, str, bool], int]:
    totals: dict[tuple[str, str, bool], int] = defaultdict(int)
    for route, flags, cases in routes[[r.ROUTE, r.LEGS_INFERRED, "cases"]].itertuples(index=False):
        points = route.split(">")
        for (a, b), flag in zip(itertools.pairwise(points), flags):
            totals[(a, b, flag == "1")] += int(cases)
    return dict(totals)


# ---------------------------------------------------------------- the demo's planted corridors


@pytest.fixture(scope="module")
def demo_routes() -> pd.DataFrame:
    frame = demo.generate_demo(20_000, seed=7, with_truth=True)
    grouped = frame.groupby([*r.SIGNATURE_COLUMNS, demo_truth.TRUTH_CORRIDOR], dropna=False).size()
    out = r.reconstruct_routes(grouped.rename(r.CASES).reset_index())
    truth = {corridor.key: corridor.route for corridor in demo_truth.DEMO_CORRIDORS}
    # Corridors with an origin mix start at the record's nationality.
    out["true_route"] = [
        ">".join((nationality, *truth[key][1:]))
        for nationality, key in zip(out[r.SIGNATURE_COLUMNS[0]], out[demo_truth.TRUTH_CORRIDOR])
    ]
    out["agrees"] = out[r.ROUTE] == out["true_route"]
    out["two_point"] = out["origin"] == ""
    return out


def _agreement(frame: pd.DataFrame) -> float:
    return float(np.average(frame["agrees"], weights=frame[r.CASES]))


def test_demo_modal_route_of_each_corridor_is_its_true_route(demo_routes):
    by_route = demo_routes.groupby([demo_truth.TRUTH_CORRIDOR, "nationality", r.ROUTE, "true_route"])[r.CASES].sum()
    modal = by_route.reset_index().sort_values(r.CASES).groupby([demo_truth.TRUTH_CORRIDOR, "nationality"]).tail(1)
    assert (modal[r.ROUTE] == modal["true_route"]).all()
    assert set(modal[demo_truth.TRUTH_CORRIDOR]) == {corridor.key for corridor in demo_truth.DEMO_CORRIDORS}


def test_demo_agreement_per_corridor(demo_routes):
    # Two-point records (10 %) carry no destination and cannot be completed past their
    # detection; of the others, only the extra-continental origins seen on both the Brazil
    # and the Ecuador entries are ambiguous.
    with_ends = demo_routes[~demo_routes["two_point"]]
    assert _agreement(demo_routes) >= 0.92
    assert _agreement(with_ends) >= 0.99
    per_corridor = with_ends.groupby(demo_truth.TRUTH_CORRIDOR).apply(_agreement)
    assert (per_corridor.drop(["extracontinental_brazil", "extracontinental_ecuador"]) == 1.0).all()
    assert per_corridor["extracontinental_brazil"] >= 0.95
    assert per_corridor["extracontinental_ecuador"] >= 0.80
    for corridor in demo_truth.DEMO_CORRIDORS[:4]:  # the four largest corridors
        assert _agreement(demo_routes[demo_routes[demo_truth.TRUTH_CORRIDOR] == corridor.key]) >= 0.90


def test_demo_route_legs_match_a_slow_reference(demo_routes):
    legs = r.route_legs(demo_routes)
    fast = {
        (a, b, bool(flag)): int(cases)
        for a, b, flag, cases in legs[[r.FROM_ISO3, r.TO_ISO3, r.INFERRED, r.CASES]].itertuples(index=False)
    }
    assert fast == _slow_route_legs(demo_routes)


# ---------------------------------------------------------------- properties

COUNTRIES = ("ARG", "BOL", "COL", "ECU", "PAN", "PER", "USA", "VEN")
country = st.sampled_from(COUNTRIES)


@st.composite
def journeys(draw, min_size: int = 2) -> tuple[str, ...]:
    """Routes without consecutive repeats."""
    points = draw(st.lists(country, min_size=min_size, max_size=6))
    return tuple(p for i, p in enumerate(points) if i == 0 or p != points[i - 1])


complete_journeys = journeys(min_size=3).filter(lambda route: len(route) >= 3)


def _is_subsequence(needle: tuple[str, ...], haystack: list[str]) -> bool:
    remaining = iter(haystack)
    return all(point in remaining for point in needle)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(complete_journeys, st.integers(1, 9), st.booleans(), st.data()), min_size=1, max_size=6))
def test_complete_routes_pass_unchanged(records):
    rows = []
    for route, cases, with_detection, data in records:
        detection = data.draw(st.sampled_from(route)) if with_detection else None
        rows.append(complete(">".join(route), cases, detection))
    out = r.reconstruct_routes(signatures(*rows))
    assert out[r.ROUTE].tolist() == [">".join(route) for route, *_ in records]
    assert (out[r.CONFIDENCE] == 1.0).all() and (out[r.ROUTE_STATUS] == "observed").all()
    assert (out[r.N_INFERRED] == 0).all()


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(complete_journeys, st.integers(1, 9)), max_size=6),
    st.lists(
        st.tuples(country, st.one_of(st.none(), country), st.one_of(st.none(), country), st.one_of(st.none(), country)),
        min_size=1,
        max_size=4,
    ),
)
def test_inferred_routes_keep_their_known_points(evidence, partial):
    rows = [complete(">".join(route), cases) for route, cases in evidence]
    rows += [
        (nationality, origin, None, destination, detection, 1)
        for nationality, origin, destination, detection in partial
    ]
    out = r.reconstruct_routes(signatures(*rows)).iloc[len(evidence) :]
    for (nationality, origin, destination, detection), row in zip(partial, out.itertuples(index=False)):
        known = r.known_points(origin, None, destination, nationality, detection)
        route = row.route.split(">")
        assert route[0] == known[0] and route[-1] == known[-1]
        assert _is_subsequence(known, route)
        assert len(row.legs_inferred) == max(len(route) - 1, 0)
        assert row.n_inferred >= len(route) - len(known)  # every added country brings inferred legs
        assert row.n_inferred == row.legs_inferred.count("1")
        assert 0.0 <= row.confidence <= 1.0
        assert row.route_status in ("completed", "unresolved")
        if row.route_status == "unresolved":
            assert row.confidence <= r.UNRESOLVED_CONFIDENCE
