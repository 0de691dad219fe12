"""Tests of emerging signals: literal answers on hand-made counts, and the demo's planted truth and control."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from turquesa_geo import columns as col
from turquesa_geo import signals as sg
from turquesa_geo.demo import generator as demo
from turquesa_geo.demo import truth as demo_truth
from turquesa_geo.filters import Filters
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.store.connection import connect

D = dt.date
FIRST_HALF = (D(2024, 1, 1), D(2024, 6, 30))
SECOND_HALF = (D(2024, 7, 1), D(2024, 12, 31))
CORRIDORS = {k.key: k for k in demo_truth.DEMO_CORRIDORS}
EXPLOITED = ("trafficking", "both")  # the crime types that carry the victim context


def monthly(
    key: str,
    cases: list[int],
    *,
    totals: list[int] | None = None,
    kind: str = "corridor",
    label: str | None = None,
    start: str = "2024-01-01",
) -> pd.DataFrame:
    """Monthly counts of one key from ``start`` on, one value per month."""
    frame = pd.DataFrame(
        {
            sg.KIND: kind,
            sg.KEY: key,
            sg.LABEL: label or key,
            sg.PERIOD_START: pd.date_range(start, periods=len(cases), freq="MS"),
            sg.CASES: cases,
        }
    )
    return frame if totals is None else frame.assign(**{sg.TOTAL: totals})


def two_periods(key: str, baseline: int, latest: int, **options) -> pd.DataFrame:
    """A key's cases in the first month of FIRST_HALF and of SECOND_HALF (the test only sees the sums)."""
    return monthly(key, [baseline, 0, 0, 0, 0, 0, latest, 0, 0, 0, 0, 0], **options)


def halves(counts: pd.DataFrame, **options) -> pd.DataFrame:
    return sg.detect_signals(counts, latest=SECOND_HALF, baseline=FIRST_HALF, **options)


# ------------------------------------------------------------------ rates on hand-made counts


def test_a_rise_from_2_to_8_a_month_is_a_signal_and_flat_or_rare_keys_are_not():
    counts = pd.concat(
        [
            monthly("VEN>COL>PER", [2] * 6 + [8] * 6, label="Online recruitment on VEN>COL>PER"),
            monthly("HTI>DOM", [5] * 12),
            monthly("PRY>ARG", [1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0]),
        ]
    )
    signals = halves(counts)
    assert signals.columns.tolist() == list(sg.SIGNAL_COLUMNS)
    assert signals[sg.KEY].tolist() == ["VEN>COL>PER"]
    row = signals.iloc[0]
    assert row[sg.REASON] == "Online recruitment on VEN>COL>PER: 12 → 48 cases, +300 %"
    assert (row[sg.DIRECTION], row[sg.MEASURE]) == ("up", "rate")
    assert (row[sg.BASELINE_CASES], row[sg.LATEST_CASES]) == (12, 48)
    assert (row[sg.BASELINE_RATE], row[sg.LATEST_RATE], row[sg.RATIO]) == (2.0, 8.0, 4.0)
    assert signals.attrs == {"tested": 2, "not_tested": 1}

    table = sg.compare_periods(counts, latest=SECOND_HALF, baseline=FIRST_HALF).set_index(sg.KEY)
    assert table.loc["HTI>DOM", sg.P_VALUE] == 1.0 and table.loc["HTI>DOM", sg.DIRECTION] == "flat"
    assert not table.loc["PRY>ARG", sg.TESTED] and np.isnan(table.loc["PRY>ARG", sg.Q_VALUE])
    assert table.loc["PRY>ARG", sg.REASON] == "PRY>ARG: not tested, 1 → 2 cases is fewer than 5"


def test_a_fall_is_a_down_signal_and_up_only_ignores_it():
    counts = monthly("darien", [8] * 6 + [2] * 6, label="Darién")
    assert halves(counts)[[sg.DIRECTION, sg.REASON]].values.tolist() == [["down", "Darién: 48 → 12 cases, -75 %"]]
    assert halves(counts, directions=("up",)).empty
    assert halves(counts, directions=("down",))[sg.DIRECTION].tolist() == ["down"]


def test_periods_of_different_lengths_compare_rates_per_month():
    counts = monthly("PAN", [2] * 12 + [8] * 6, kind="hub", label="Panamá")
    signals = sg.detect_signals(
        counts, latest=(D(2025, 1, 1), D(2025, 6, 30)), baseline=(D(2024, 1, 1), D(2024, 12, 31))
    )
    assert signals[sg.REASON].tolist() == [
        "Panamá: 24 cases in 12 months → 48 in 6 months, 2.0 → 8.0 per month, +300 % per month"
    ]
    # 48 of 72 cases fall in the latest third of the time: the binomial null of equal rates.
    expected = 2 * stats.binomtest(48, 72, 6 / 18, alternative="greater").pvalue
    assert signals[sg.P_VALUE].item() == pytest.approx(expected, rel=1e-9)


def test_new_and_vanished_keys_have_infinite_and_zero_ratios():
    counts = pd.concat([two_periods("new", 0, 12), two_periods("gone", 12, 0)])
    signals = halves(counts).set_index(sg.KEY)
    assert signals.loc["new", sg.RATIO] == np.inf and signals.loc["new", sg.REASON] == "new: 0 → 12 cases, new"
    assert signals.loc["gone", sg.RATIO] == 0.0 and signals.loc["gone", sg.REASON] == "gone: 12 → 0 cases, -100 %"


def test_min_ratio_drops_significant_but_small_changes():
    counts = two_periods("big", 10_000, 10_600)  # +6 %, p < 0.0001
    assert halves(counts, min_ratio=1.0)[sg.KEY].tolist() == ["big"]
    assert halves(counts).empty


def test_signals_are_ranked_by_the_size_of_the_change():
    counts = pd.concat([two_periods("x2", 50, 100), two_periods("x4", 10, 40), two_periods("half", 60, 20)])
    assert halves(counts)[sg.KEY].tolist() == ["x4", "half", "x2"]


# ------------------------------------------------------------------ false discovery rate


def test_benjamini_hochberg_by_hand_and_against_scipy():
    assert sg.benjamini_hochberg([0.01, 0.02, 0.03, 0.04, 0.5]).round(12).tolist() == [0.05, 0.05, 0.05, 0.05, 0.5]
    assert sg.benjamini_hochberg([0.04, 0.01]).round(12).tolist() == [0.04, 0.02]
    p = np.array([0.001, 0.2, 0.03, 0.03, 0.9, 0.0104, 0.04, 0.5])
    assert np.allclose(sg.benjamini_hochberg(p), stats.false_discovery_control(p))
    assert sg.benjamini_hochberg([]).size == 0


#: (baseline, latest) cases of 19 keys without a real change; two of them pass p < 0.05 alone.
NOISE = (
    (20, 36),
    (36, 20),
    (30, 40),
    (40, 30),
    (25, 33),
    (33, 25),
    (18, 26),
    (26, 18),
    (50, 58),
    (58, 50),
    (12, 17),
    (17, 12),
    (40, 40),
    (9, 13),
    (13, 9),
    (22, 29),
    (29, 22),
    (7, 10),
    (10, 7),
)


def test_one_strong_rise_among_nineteen_noisy_keys_is_the_only_signal():
    counts = pd.concat(
        [two_periods("strong", 12, 60)] + [two_periods(f"noise{i:02d}", b, a) for i, (b, a) in enumerate(NOISE)]
    )
    table = sg.compare_periods(counts, latest=SECOND_HALF, baseline=FIRST_HALF)
    noise = table[table[sg.KEY] != "strong"]
    assert (noise[sg.P_VALUE] < 0.05).sum() == 2  # a test per key without correction would report them
    assert noise[sg.RATIO].max() == pytest.approx(1.8)  # and min_ratio would not stop them
    assert halves(counts)[sg.KEY].tolist() == ["strong"]
    assert halves(counts).attrs == {"tested": 20, "not_tested": 0}


# ------------------------------------------------------------------ shares


def test_a_share_rising_from_10_to_60_percent_of_a_stable_total_is_found():
    counts = monthly("VEN>TTO", [2] * 6 + [12] * 6, totals=[20] * 12, label="Online recruitment on VEN>TTO")
    row = halves(counts).iloc[0]
    assert (row[sg.MEASURE], row[sg.DIRECTION]) == ("share", "up")
    assert (row[sg.BASELINE_SHARE], row[sg.LATEST_SHARE], row[sg.RATIO]) == pytest.approx((0.1, 0.6, 6.0))
    assert row[sg.REASON] == ("Online recruitment on VEN>TTO: share 10 % → 60 % (12 of 120 → 72 of 120 cases), +500 %")


def test_a_key_growing_with_its_total_is_a_rate_signal_but_not_a_share_signal():
    counts = monthly("BOL>ARG", [4] * 6 + [8] * 6, totals=[20] * 6 + [40] * 6)
    assert halves(counts).empty
    assert halves(counts.drop(columns=sg.TOTAL))[sg.KEY].tolist() == ["BOL>ARG"]


def test_shares_need_a_population_in_both_periods():
    counts = monthly("x", [0] * 6 + [6] * 6, totals=[0] * 6 + [10] * 6)
    table = sg.compare_periods(counts, latest=SECOND_HALF, baseline=FIRST_HALF)
    reason = "x: not tested, no reference cases in one of the periods"
    assert table[[sg.TESTED, sg.REASON]].values.tolist() == [[False, reason]]


@pytest.mark.parametrize("pairs", [((3, 9), (0, 7), (25, 11), (40, 40), (2, 3))])
def test_p_values_match_scipy_exact_tests_one_key_at_a_time(pairs):
    rates = pd.concat([two_periods(f"r{i}", b, a) for i, (b, a) in enumerate(pairs)])
    table = sg.compare_periods(rates, latest=SECOND_HALF, baseline=FIRST_HALF, min_count=1, directions=("up",))
    slow = [stats.binomtest(a, a + b, 0.5, alternative="greater").pvalue for b, a in pairs]
    assert np.allclose(table[sg.P_VALUE], slow, rtol=1e-9)

    totals = [(b + 7, a + 30) for b, a in pairs]
    shares = pd.concat(
        [
            monthly(f"s{i}", [b, a], totals=[tb, ta], start="2024-06-01")
            for i, ((b, a), (tb, ta)) in enumerate(zip(pairs, totals))
        ]
    )
    table = sg.compare_periods(shares, latest=SECOND_HALF, baseline=FIRST_HALF, min_count=1)
    slow = [
        min(
            1.0,
            2
            * min(
                stats.fisher_exact([[a, ta - a], [b, tb - b]], alternative=side).pvalue for side in ("greater", "less")
            ),
        )
        for (b, a), (tb, ta) in zip(pairs, totals)
    ]
    assert np.allclose(table[sg.P_VALUE], slow, rtol=1e-9)


# ------------------------------------------------------------------ counts from cases


def test_counts_from_cases_by_month_with_labels_and_zero_filled_totals():
    cases = pd.DataFrame(
        {
            "date": ["2024-01-05", "2024-01-31", "2024-02-01", "2024-03-15", None, "2024-01-09"],
            "corridor": ["a", "a", "a", "a", "a", "b"],
            "route": ["VEN>PER", "VEN>PER", "VEN>PER", "VEN>PER", "VEN>PER", "HTI>DOM"],
            "online": ["a", "", "a", pd.NA, "a", "b"],
        }
    )
    counts = sg.counts_from_cases(cases, "corridor", "online", "date", label_column="route", total_column="corridor")
    assert counts.columns.tolist() == [sg.KIND, sg.KEY, sg.LABEL, sg.PERIOD_START, sg.CASES, sg.TOTAL]
    assert counts.drop(columns=sg.PERIOD_START).values.tolist() == [
        ["corridor", "a", "VEN>PER", 1, 2],
        ["corridor", "a", "VEN>PER", 1, 1],
        ["corridor", "a", "VEN>PER", 0, 1],
        ["corridor", "b", "HTI>DOM", 1, 1],
    ]
    assert counts[sg.PERIOD_START].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-01",
        "2024-02-01",
        "2024-03-01",
        "2024-01-01",
    ]
    rates = sg.counts_from_cases(cases, "corridor", "corridor", "date")
    assert rates[[sg.KEY, sg.LABEL, sg.CASES]].values.tolist() == [
        ["a", "a", 2],
        ["a", "a", 1],
        ["a", "a", 1],
        ["b", "b", 1],
    ]


def test_counts_from_cases_refuses_a_key_in_two_populations():
    cases = pd.DataFrame({"date": ["2024-01-05", "2024-02-05"], "key": ["x", "x"], "corridor": ["a", "b"]})
    with pytest.raises(ValueError, match=r"'x'.*'corridor'"):
        sg.counts_from_cases(cases, "modus", "key", "date", total_column="corridor")


# ------------------------------------------------------------------ edges and bad options


EDGE_CASES = {
    "empty": monthly("x", []),
    "one case": monthly("x", [1]),
    "outside both periods": monthly("x", [9] * 3, start="2020-01-01"),
    "only latest": monthly("x", [0] * 6 + [4] * 6),
    "zero months listed": monthly("x", [0] * 12),
}


@pytest.mark.parametrize("name", EDGE_CASES)
def test_every_public_function_takes_the_edge_cases(name):
    counts = EDGE_CASES[name]
    table = sg.compare_periods(counts, latest=SECOND_HALF, baseline=FIRST_HALF)
    assert table.columns.tolist() == list(sg.COMPARISON_COLUMNS) and len(table) == counts[sg.KEY].nunique()
    signals = halves(counts)
    assert signals.columns.tolist() == list(sg.SIGNAL_COLUMNS)
    assert sum(signals.attrs.values()) == len(table)
    cases = pd.DataFrame({"date": counts[sg.PERIOD_START].repeat(counts[sg.CASES]), "key": "x"})
    assert sg.counts_from_cases(cases, "corridor", "key", "date")[sg.CASES].sum() == counts[sg.CASES].sum()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"latest": FIRST_HALF, "baseline": (D(2024, 6, 1), D(2024, 9, 30))}, "share months"),
        ({"latest": (D(2024, 7, 2), D(2024, 7, 31)), "baseline": FIRST_HALF}, "no first day of a month"),
        ({"fdr": 0.0}, "fdr must"),
        ({"min_count": 0}, "min_count must"),
        ({"min_ratio": 0.5}, "min_ratio must"),
        ({"directions": ("sideways",)}, r"directions must be some of \('up', 'down'\)"),
    ],
)
def test_bad_options_are_named(options, message):
    arguments = {"latest": SECOND_HALF, "baseline": FIRST_HALF, **options}
    with pytest.raises(ValueError, match=message):
        sg.detect_signals(monthly("x", [1] * 12), **arguments)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (monthly("x", [1] * 12).drop(columns=sg.CASES), r"lack the columns \['cases'\]"),
        (monthly("x", [1, 1], totals=[5, None]), "'x' has a total in some months only"),
        (monthly("x", [1, 3], totals=[5, 2]), "'x' has 3 cases in the month of 2024-02 against a total of 2"),
        (monthly("x", [-3, 1]), r"'x' has -3 cases in the month of 2024-01; expected 0 <= cases"),
    ],
)
def test_bad_counts_are_named(counts, message):
    with pytest.raises(ValueError, match=message):
        halves(counts)


# ------------------------------------------------------------------ properties


@st.composite
def two_period_counts(draw):
    """Random keys with rates or shares, and random period lengths."""
    baseline_months, latest_months = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    rows = []
    for index in range(draw(st.integers(1, 8))):
        before, after = draw(st.integers(0, 60)), draw(st.integers(0, 60))
        share = draw(st.booleans())
        totals = (before + draw(st.integers(0, 40)), after + draw(st.integers(0, 40))) if share else (None, None)
        for start, cases, total in (("2020-01-01", before, totals[0]), ("2022-01-01", after, totals[1])):
            rows.append(
                {
                    sg.KIND: "rate" if not share else "share",
                    sg.KEY: f"k{index}",
                    sg.PERIOD_START: start,
                    sg.CASES: cases,
                    sg.TOTAL: total,
                }
            )
    counts = pd.DataFrame(rows).astype({sg.PERIOD_START: "datetime64[s]", sg.TOTAL: float})
    baseline = (D(2020, 1, 1), D(2020, baseline_months, 28))
    latest = (D(2022, 1, 1), D(2022, latest_months, 28))
    return counts, latest, baseline


@settings(max_examples=60, deadline=None)
@given(two_period_counts(), st.integers(1, 10))
def test_p_and_q_values_are_probabilities_and_swapping_periods_swaps_directions(drawn, min_count):
    counts, latest, baseline = drawn
    table = sg.compare_periods(counts, latest=latest, baseline=baseline, min_count=min_count)
    tested = table[table[sg.TESTED]]
    assert tested[sg.P_VALUE].between(0, 1).all() and (tested[sg.Q_VALUE] >= tested[sg.P_VALUE]).all()
    assert table.loc[~table[sg.TESTED], sg.P_VALUE].isna().all()
    signals = sg.detect_signals(counts, latest=latest, baseline=baseline, min_count=min_count, fdr=0.2)
    assert set(signals[sg.KEY]) <= set(tested[sg.KEY])

    swapped = sg.compare_periods(counts, latest=baseline, baseline=latest, min_count=min_count)
    flip = {"up": "down", "down": "up", "flat": "flat"}
    assert swapped[sg.DIRECTION].tolist() == table[sg.DIRECTION].map(flip).tolist()
    assert swapped[sg.P_VALUE].equals(table[sg.P_VALUE]) and swapped[sg.Q_VALUE].equals(table[sg.Q_VALUE])
    swapped_signals = sg.detect_signals(counts, latest=baseline, baseline=latest, min_count=min_count, fdr=0.2)
    assert sorted(zip(swapped_signals[sg.KEY], swapped_signals[sg.DIRECTION].map(flip))) == sorted(
        zip(signals[sg.KEY], signals[sg.DIRECTION])
    )


# ------------------------------------------------------------------ the demo's planted truth and its control

LATEST_YEAR = (D(2025, 10, 1), D(2026, 9, 30))
TWO_YEARS_BEFORE = (D(2023, 10, 1), D(2025, 9, 30))


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return demo.generate_demo(60_000, seed=7, planted=True, with_truth=True)


@pytest.fixture(scope="module")
def control() -> pd.DataFrame:
    return demo.generate_demo(60_000, seed=7, planted=False, with_truth=True)


def online_share_by_corridor(frame: pd.DataFrame) -> pd.DataFrame:
    """Per corridor: trafficking cases recruited over the internet, out of all its trafficking cases."""
    exploited = frame[frame[col.CRIME_TYPE].isin(EXPLOITED)]
    online = exploited["recruitment_method"].str.contains("internet", regex=False)
    corridor = exploited[demo_truth.TRUTH_CORRIDOR]
    route = corridor.map(lambda key: "Online recruitment on " + col.TRANSIT_SEPARATOR.join(CORRIDORS[key].route))
    cases = exploited.assign(online=corridor.where(online, ""), route=route)
    return sg.counts_from_cases(
        cases, "corridor", "online", col.DATE, label_column="route", total_column=demo_truth.TRUTH_CORRIDOR
    )


def test_planted_online_surge_is_found_on_the_venezuela_peru_corridor_only(planted, control):
    signals = sg.detect_signals(online_share_by_corridor(planted), latest=LATEST_YEAR, baseline=TWO_YEARS_BEFORE)
    assert signals[[sg.KEY, sg.DIRECTION]].values.tolist() == [["venezuela_peru_sexual", "up"]]
    assert signals.attrs == {"tested": 17, "not_tested": 0}
    assert signals[sg.REASON].item().startswith("Online recruitment on VEN>COL>ECU>PER: share 53 % → 80 % (")
    assert sg.detect_signals(online_share_by_corridor(control), latest=LATEST_YEAR, baseline=TWO_YEARS_BEFORE).empty


def test_planted_rise_of_online_recruitment_across_all_trafficking(planted, control):
    def recruitment(frame):
        exploited = frame[frame[col.CRIME_TYPE].isin(EXPLOITED)].assign(population="trafficking")
        return sg.counts_from_cases(
            exploited,
            "modus",
            "recruitment_method",
            col.DATE,
            total_column="population",
            separator=col.MULTI_SEPARATOR,
            key_prefix="recruitment_method:",
        )

    periods = {"latest": (D(2024, 1, 1), D(2025, 12, 31)), "baseline": (D(2018, 1, 1), D(2019, 12, 31))}
    signals = sg.detect_signals(recruitment(planted), **periods)
    top = signals.iloc[0]
    assert (top[sg.KEY], top[sg.DIRECTION]) == ("recruitment_method:internet", "up")
    assert top[sg.BASELINE_SHARE] == pytest.approx(0.10, abs=0.01) and top[sg.LATEST_SHARE] > 0.5
    # Offline methods lose share as internet gains it: falls are reported, never a rise.
    assert set(signals[sg.DIRECTION].iloc[1:]) == {"down"}
    assert sg.detect_signals(recruitment(control), **periods).empty


def test_planted_pandemic_dip_is_a_fall_on_every_corridor_and_absent_in_the_control(planted, control):
    periods = {"latest": (D(2020, 4, 1), D(2020, 12, 31)), "baseline": (D(2019, 4, 1), D(2019, 12, 31))}
    dip = sg.detect_signals(sg.counts_from_cases(planted, "corridor", demo_truth.TRUTH_CORRIDOR, col.DATE), **periods)
    assert len(dip) == len(demo_truth.DEMO_CORRIDORS) and set(dip[sg.DIRECTION]) == {"down"}
    assert sg.detect_signals(
        sg.counts_from_cases(control, "corridor", demo_truth.TRUTH_CORRIDOR, col.DATE), **periods
    ).empty


def test_planted_volume_growth_is_significant_but_below_the_default_min_ratio(planted):
    corridors = sg.counts_from_cases(planted, "corridor", demo_truth.TRUTH_CORRIDOR, col.DATE)
    growth = sg.detect_signals(corridors, latest=LATEST_YEAR, baseline=TWO_YEARS_BEFORE, min_ratio=1.0)
    assert "darien_north" in set(growth[sg.KEY]) and set(growth[sg.DIRECTION]) == {"up"}
    assert growth[sg.RATIO].max() < sg.MIN_RATIO  # 5 % a year, plus noise
    assert sg.detect_signals(corridors, latest=LATEST_YEAR, baseline=TWO_YEARS_BEFORE).empty


def corridor_keys(frame: pd.DataFrame, column: str) -> pd.Series:
    """``corridor|column:code`` for each code of a multi-valued column, joined by ``;``."""
    keys = pd.Series("", index=frame.index, dtype="string")
    for corridor, rows in frame.groupby(demo_truth.TRUTH_CORRIDOR).groups.items():
        prefix = f"{corridor}|{column}:"
        values = frame.loc[rows, column]
        keys.loc[rows] = (
            prefix + values.str.replace(col.MULTI_SEPARATOR, col.MULTI_SEPARATOR + prefix, regex=False)
        ).where(values != "", "")
    return keys


def every_key(frame: pd.DataFrame) -> pd.DataFrame:
    """Rates of corridors, hubs and modus-operandi codes, and each code's share of each corridor's cases."""
    parts = [
        sg.counts_from_cases(frame, "corridor", demo_truth.TRUTH_CORRIDOR, col.DATE),
        sg.counts_from_cases(frame, "hub", col.DETECTION_COUNTRY, col.DATE),
    ]
    for column in col.MULTI_VALUE_COLUMNS:
        parts.append(
            sg.counts_from_cases(
                frame, "modus", column, col.DATE, separator=col.MULTI_SEPARATOR, key_prefix=f"{column}:"
            )
        )
        parts.append(
            sg.counts_from_cases(
                frame.assign(key=corridor_keys(frame, column)),
                "modus_on_corridor",
                "key",
                col.DATE,
                total_column=demo_truth.TRUTH_CORRIDOR,
                separator=col.MULTI_SEPARATOR,
            )
        )
    return pd.concat(parts, ignore_index=True)


def test_the_stationary_control_shows_no_signal_among_hundreds_of_keys(control):
    """Under a complete null, BH bounds the chance of *any* signal by the fdr: so at most one, not fdr × tested.

    The control is stationary in volume as well as mix (data/DEMO.md), so rates are tested too.
    No effect floor (min_ratio=1): only the false discovery control stands between noise and a signal.
    """
    counts = every_key(control)
    table = sg.compare_periods(counts, latest=LATEST_YEAR, baseline=TWO_YEARS_BEFORE)
    assert table[sg.TESTED].sum() > 500
    assert (table[sg.P_VALUE] <= sg.DEFAULT_FDR).sum() >= 10  # noise a test per key would report
    signals = sg.detect_signals(counts, latest=LATEST_YEAR, baseline=TWO_YEARS_BEFORE, min_ratio=1.0)
    assert len(signals) <= 1, signals[sg.REASON].tolist()


# ------------------------------------------------------------------ band edges are not surges (issue 16)


def _band_store(tmp_path):
    """A store of 150 trafficking cases HND>USA dated to the day (100 in 2018-2019, 50 in 2020: flat per month)
    and 131 CTDC victims HND>USA registered in the band 2020-2021 (dated 1 January 2020, precision period)."""
    header = "incident_id,date,crime_type,nationality,origin,destination,detection_country"
    rows, n = [], 0
    for year, first_months in ((2018, 4), (2019, 0), (2020, 2)):
        for month in range(1, 13):
            for _ in range(5 if month <= first_months else 4):
                n += 1
                rows.append(f"P{n},{year}-{month:02d}-10,trafficking,HND,HND,USA,USA")
    flat = tmp_path / "agency.csv"
    flat.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    band = tmp_path / "ctdc.csv"
    band.write_text(
        "yearOfRegistration,gender,majorityStatus,citizenship,CountryOfExploitation,isForcedLabour\n"
        + "2020-2021,Female,Adult,HN,US,1\n" * 131,
        encoding="utf-8",
    )
    con = connect(tmp_path / "store.duckdb")
    for path, profile in ((flat, "flat"), (band, "ctdc")):
        result = import_file(con, path, profile=profile, today=D(2026, 11, 29))
        assert result.rows_accepted == result.rows_read
    return con


def test_a_band_of_years_never_reads_as_a_surge_of_its_first_month(tmp_path):
    con = _band_store(tmp_path)
    latest = (D(2020, 1, 1), D(2020, 12, 31))
    baseline = sg.signal_baseline(latest)
    assert baseline == (D(2018, 1, 1), D(2019, 12, 31))
    # Counted by their stored day, the band's 131 victims land in January 2020: a false surge.
    every_case = con.execute("SELECT case_date, origin || '>' || destination AS corridor FROM cases").df()
    naive = sg.detect_signals(
        sg.counts_from_cases(every_case, "corridor", "corridor", "case_date"), latest=latest, baseline=baseline
    )
    assert naive[sg.REASON].tolist() == [
        "HND>USA: 100 cases in 24 months → 181 in 12 months, 4.2 → 15.1 per month, +262 % per month"
    ]
    assert sg.signal_table(naive, latest, baseline)["reason"].tolist() == [
        "+262% per month (100 cases in 24 months → 181 in 12)"
    ]
    # The store's signals count only cases dated to their day or month: the corridor is as flat as it was.
    counts = sg.signal_counts(con, Filters(), baseline[0], latest[1])
    corridor = counts[counts[sg.KIND] == "corridor"]
    assert corridor.groupby(corridor[sg.PERIOD_START].dt.year)[sg.CASES].sum().to_dict() == {
        2018: 52,  # 5 a month from January to April, then 4
        2019: 48,
        2020: 50,  # 5 in January and February, then 4: no band
    }
    assert sg.emerging_signals(con, Filters(), latest, baseline).empty
    con.close()


def test_records_with_no_known_date_are_in_no_signal(tmp_path):
    con = _band_store(tmp_path)
    con.execute("UPDATE cases SET case_date = DATE '1900-01-01', date_precision = 'unknown' WHERE source <> 'agency'")
    counts = sg.signal_counts(con, Filters(), D(1900, 1, 1), D(2020, 12, 31))
    assert counts[sg.PERIOD_START].min() == pd.Timestamp(2018, 1, 1)
    assert int(counts.loc[counts[sg.KIND] == "corridor", sg.CASES].sum()) == 150
    con.close()
