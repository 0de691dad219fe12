"""Tests for turquesa_geo.privacy: small cells, secondary suppression, shares, differencing guard.

Hand-made tables carry literal expected masks; random tables are checked against
independent attackers (line peeling, linear algebra, integer programming).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from turquesa_geo.privacy import (
    SECONDARY_MARK,
    SMALL_CELL_K,
    TOTAL_LABEL,
    ProtectedTable,
    _attacker_bounds,  # the audit's private parts, checked against a slow reference
    _pinned_cells,
    format_count,
    format_guarded_total,
    format_protected,
    guard_total,
    guard_totals,
    is_small,
    protect_long,
    protect_table,
    protected_total,
    shares,
    suppress_small_cells,
)

K = SMALL_CELL_K
FAST = settings(max_examples=150, deadline=None, database=None, derandomize=True)
SLOW = settings(max_examples=60, deadline=None, database=None, derandomize=True)


# --- helpers ----------------------------------------------------------------------------


def long_counts(counts: list[list[int]]) -> pd.DataFrame:
    """Long frame of a two-way table: rows r0, r1, ..., columns c0, c1, ..., value n."""
    array = np.asarray(counts, dtype=np.int64)
    rows, cols = np.indices(array.shape)
    return pd.DataFrame(
        {"row": [f"r{i}" for i in rows.ravel()], "col": [f"c{j}" for j in cols.ravel()], "n": array.ravel()}
    )


def protect(counts: list[list[int]], **kwargs) -> ProtectedTable:
    return protect_table(long_counts(counts), "n", "row", "col", **kwargs)


def with_margins(counts: list[list[int]]) -> np.ndarray:
    """The true table with totals, computed independently of the module."""
    array = np.asarray(counts, dtype=np.int64)
    grid = np.zeros((array.shape[0] + 1, array.shape[1] + 1), dtype=np.int64)
    grid[:-1, :-1] = array
    grid[:-1, -1] = array.sum(axis=1)
    grid[-1, :-1] = array.sum(axis=0)
    grid[-1, -1] = array.sum()
    return grid


def lines(shape: tuple[int, int]) -> list[tuple[np.ndarray, tuple[int, int]]]:
    """Every row and column of a table with margins: (mask of its cells, position of its total)."""
    n_rows, n_cols = shape
    out = []
    for i in range(n_rows):
        cells = np.zeros(shape, dtype=bool)
        cells[i, :-1] = True
        out.append((cells, (i, n_cols - 1)))
    for j in range(n_cols):
        cells = np.zeros(shape, dtype=bool)
        cells[:-1, j] = True
        out.append((cells, (n_rows - 1, j)))
    return out


def equations(shape: tuple[int, int]) -> np.ndarray:
    """Line equations over the flattened entries: cells +1, total -1."""
    rows = []
    for cells, total in lines(shape):
        row = cells.astype(float)
        row[total] = -1.0
        rows.append(row.ravel())
    return np.array(rows)


def peel(shown: np.ndarray, known: np.ndarray) -> np.ndarray:
    """The naive solver: while a line has one unknown, solve it from the others. Returns what got solved."""
    values, known = shown.astype(float).copy(), known.copy()
    solved = np.zeros_like(known)
    progress = True
    while progress:
        progress = False
        for cells, total in lines(values.shape):
            members = cells.copy()
            members[total] = True
            unknown = members & ~known
            if unknown.sum() == 1:
                spot = tuple(np.argwhere(unknown)[0])
                rest = np.where(cells & known, values, 0).sum()
                values[spot] = values[total] - rest if spot != total else rest
                known[spot] = solved[spot] = progress = True
    return solved


def linearly_fixed(hidden: np.ndarray) -> np.ndarray:
    """Hidden entries fixed by the equations alone (rank test, independent of the module's null space)."""
    matrix = equations(hidden.shape)[:, hidden.ravel()]
    rank = np.linalg.matrix_rank(matrix)
    fixed = np.zeros(hidden.shape, dtype=bool)
    for index, spot in enumerate(np.argwhere(hidden)):
        unit = np.zeros(matrix.shape[1])
        unit[index] = 1.0
        fixed[tuple(spot)] = np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank
    return fixed


def attacker_intervals(
    grid: np.ndarray, hidden: np.ndarray, small: np.ndarray, targets: np.ndarray
) -> dict[tuple[int, int], tuple[float, float]]:
    """Smallest and largest whole value of each hidden target, by integer programming.

    The attacker knows the shown entries, the equations, that ``<k`` (``small``) holds
    1..k-1, any other hidden cell k or more (a hidden zero: 0), a hidden total 1 or more.
    """
    unknown = hidden.ravel()
    matrix = equations(grid.shape)
    rhs = -matrix[:, ~unknown] @ grid.ravel()[~unknown]
    total = np.zeros(grid.shape, dtype=bool)
    total[-1, :] = total[:, -1] = True
    low = np.minimum(np.where(small | total, 1, K), grid).ravel()[unknown]
    high = np.where(small, K - 1, np.inf).ravel()[unknown]
    constraint = LinearConstraint(matrix[:, unknown], rhs, rhs)
    out = {}
    for index, spot in enumerate(np.argwhere(hidden)):
        if not targets[tuple(spot)]:
            continue
        objective = np.zeros(unknown.sum())
        objective[index] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            result = milp(
                sign * objective, constraints=constraint, bounds=Bounds(low, high), integrality=np.ones(unknown.sum())
            )
            ends.append(sign * result.fun if result.success else np.inf)
        out[tuple(spot)] = (ends[0], ends[1])
    return out


cell_count = st.one_of(st.integers(0, 30), st.sampled_from([0, 0, 1, 1, 2, 4, 5, 5, 6]))
two_way_counts = st.integers(2, 6).flatmap(
    lambda n_cols: st.lists(st.lists(cell_count, min_size=n_cols, max_size=n_cols), min_size=2, max_size=6)
)


# --- the existing small-cell functions keep their behaviour ---------------------------------


def test_existing_functions_unchanged():
    assert is_small(pd.Series([0, 1, 4, 5, None])).tolist() == [False, True, True, False, False]
    assert suppress_small_cells(pd.DataFrame({"n": [0, 3, 12]}), ["n"])["n"].tolist() == [0, pd.NA, 12]
    assert format_protected(pd.DataFrame({"n": [0, 3, 1234]}), ["n"])["n"].tolist() == ["0", "<5", "1,234"]
    assert (format_count(3), format_count(None), format_count(12345, grouping=False)) == ("<5", "", "12345")


# --- hand-made tables -------------------------------------------------------------------------


def test_seeded_cells_one_way():
    seeded = pd.DataFrame({"cell": list("uvwxyz"), "n": [0, 1, 4, 5, 6, 11]})
    table = protect_table(seeded, "n", "cell")
    assert table.primary["n"].tolist() == [False, True, True, False, False, False, False]
    # 1 + 4 = 5 under a shown total 27: two unknowns, each still 1 to 4.
    assert table.hidden["n"].tolist() == [False, True, True, False, False, False, False]
    assert table.display()["n"].tolist() == ["0", "<5", "<5", "5", "6", "11", "27"]
    assert table.values["n"].tolist() == [0, pd.NA, pd.NA, 5, 6, 11, 27]
    assert str(table.values["n"].dtype) == "Int64"


def test_seeded_cells_two_way():
    table = protect([[0, 1, 4], [5, 6, 11]])
    assert table.primary.to_numpy().astype(int).tolist() == [[0, 1, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    assert table.hidden.to_numpy().astype(int).tolist() == [[0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]]
    assert table.display().to_numpy().tolist() == [
        ["0", "<5", "<5", "5"],
        ["5", SECONDARY_MARK, SECONDARY_MARK, "22"],
        ["5", "7", "15", "27"],
    ]


def test_rectangle_and_labels():
    long = pd.DataFrame(
        {"nationality": ["VEN", "VEN", "COL", "COL"], "sex": ["f", "m", "f", "m"], "victims": [3, 12, 8, 20]}
    )
    table = protect_table(long, "victims", "nationality", "sex")
    assert table.values.index.tolist() == ["COL", "VEN", TOTAL_LABEL]
    assert table.values.columns.tolist() == ["f", "m", TOTAL_LABEL]
    assert table.hidden.to_numpy().astype(int).tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    assert table.secondary.to_numpy().astype(int).tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 0]]


def test_secondary_cell_among_zeros_hides_the_line_total():
    # Row A = [7, 0, 0]: once 7 is hidden to protect the 2 below it, the total 7 would give
    # it back and no non-zero cell is left, so the total of row A is hidden (not a zero).
    table = protect([[7, 0, 0], [12, 2, 40], [30, 8, 10]])
    assert table.hidden.to_numpy().astype(int).tolist() == [
        [1, 0, 0, 1],
        [1, 1, 1, 0],
        [0, 1, 1, 1],
        [0, 0, 0, 0],
    ]
    assert table.display().iloc[0].tolist() == [SECONDARY_MARK, "0", "0", SECONDARY_MARK]


def test_small_total_reads_as_a_dot_so_four_ones_stay_hidden():
    # Four 1s under a total of 4: "<5" on the total would say every cell is 1.
    table = protect([[1, 1, 1, 1], [20, 2, 40, 9], [30, 8, 10, 9]])
    assert table.primary.iloc[0].tolist() == [True] * 5
    assert table.display().iloc[0].tolist() == ["<5", "<5", "<5", "<5", SECONDARY_MARK]


def test_hidden_sum_of_a_line_is_never_small():
    # 1 + 2 = 3 under a shown total would tell "3 persons in these two columns".
    table = protect([[1, 2, 50], [20, 30, 40]])
    row = table.hidden.iloc[0]
    assert row.tolist()[:3] == [True, True, True]


def test_without_totals_same_pattern():
    counts = [[0, 1, 4], [5, 6, 11], [3, 9, 30]]
    full, bare = protect(counts), protect(counts, with_totals=False)
    pd.testing.assert_frame_equal(bare.hidden, full.hidden.iloc[:-1, :-1])
    pd.testing.assert_frame_equal(bare.values, full.values.iloc[:-1, :-1])
    assert TOTAL_LABEL not in bare.values.index


def test_several_row_keys():
    long = pd.DataFrame(
        {
            "year": [2023, 2023, 2024, 2024],
            "nat": ["VEN", "COL", "VEN", "COL"],
            "sex": ["f", "f", "m", "m"],
            "n": [2, 10, 30, 0],
        }
    )
    table = protect_table(long, "n", ["year", "nat"], "sex")
    assert table.values.index.names == ["year", "nat"]
    assert table.values.index[-1] == (TOTAL_LABEL, "")
    assert table.display().loc[(2023, "VEN"), "f"] == "<5"


def test_duplicate_keys_are_summed():
    long = pd.DataFrame({"nat": ["VEN", "VEN", "COL"], "n": [2, 3, 8]})
    assert protect_table(long, "n", "nat").display()["n"].tolist() == ["8", "5", "13"]


EDGE_CASES = {
    "empty": pd.DataFrame({"nat": pd.Series([], dtype=str), "sex": pd.Series([], dtype=str), "n": []}),
    "one small case": pd.DataFrame({"nat": ["VEN"], "sex": ["f"], "n": [3]}),
    "one zero": pd.DataFrame({"nat": ["VEN"], "sex": ["f"], "n": [0]}),
    "one large": pd.DataFrame({"nat": ["VEN"], "sex": ["f"], "n": [12]}),
    "all zeros": pd.DataFrame({"nat": ["VEN", "COL"], "sex": ["f", "m"], "n": [0, 0]}),
    "all small": pd.DataFrame({"nat": ["VEN", "COL", "PER"], "sex": ["f", "m", "f"], "n": [1, 2, 4]}),
    "missing key": pd.DataFrame({"nat": ["VEN", None], "sex": ["f", "m"], "n": [9, 3]}),
}


@pytest.mark.parametrize("case", EDGE_CASES, ids=list(EDGE_CASES))
@pytest.mark.parametrize("two_way", [True, False])
def test_edge_cases(case, two_way):
    frame = EDGE_CASES[case]
    table = protect_table(frame, "n", "nat", "sex" if two_way else None)
    shown = table.values.to_numpy(dtype=float, na_value=np.nan)
    assert not ((shown >= 1) & (shown < K)).any()
    assert (table.hidden.to_numpy() >= table.primary.to_numpy()).all()
    assert np.isnan(shown[-1, -1]) or shown[-1, -1] == frame["n"].sum()
    assert table.display().shape == table.values.shape


def test_one_small_case_hides_everything():
    table = protect_table(EDGE_CASES["one small case"], "n", "nat", "sex")
    assert table.display().to_numpy().tolist() == [["<5", SECONDARY_MARK], [SECONDARY_MARK, SECONDARY_MARK]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"value": "victims"}, r"columns \['victims'\] not in frame"),
        ({"rows": "country"}, r"columns \['country'\] not in frame"),
        ({"k": 2}, "k must be at least 3"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    arguments = {"frame": long_counts([[1, 2]]), "value": "n", "rows": "row", "cols": "col"} | kwargs
    with pytest.raises(ValueError, match=message):
        protect_table(**arguments)


@pytest.mark.parametrize("bad", [-1, 2.5, None])
def test_bad_counts_are_named(bad):
    frame = pd.DataFrame({"nat": ["VEN", "COL"], "n": [3, bad]})
    with pytest.raises(ValueError, match="'n' must hold non-negative whole counts"):
        protect_table(frame, "n", "nat")


def test_total_label_is_reserved():
    frame = pd.DataFrame({"nat": ["Total", "COL"], "n": [3, 9]})
    with pytest.raises(ValueError, match="'Total' is a key value"):
        protect_table(frame, "n", "nat")


# --- random tables against independent attackers ------------------------------------------


@FAST
@given(two_way_counts)
def test_random_tables_lines_and_shown_numbers(counts):
    grid, table = with_margins(counts), protect(counts)
    hidden, primary = table.hidden.to_numpy(), table.primary.to_numpy()
    shown = table.values.to_numpy(dtype=float, na_value=np.nan)
    assert (primary == ((grid >= 1) & (grid < K))).all()
    assert (hidden >= primary).all()
    assert (np.isnan(shown) == hidden).all()
    assert (shown[~hidden] == grid[~hidden]).all()
    assert ((shown[~hidden] == 0) | (shown[~hidden] >= K)).all()
    for cells, total in lines(grid.shape):
        n_hidden = int(hidden[cells].sum())
        assert n_hidden == 0 or n_hidden >= 2 or hidden[total]
        assert n_hidden + hidden[total] != 1
        if not hidden[total]:
            hidden_sum = grid[cells & hidden].sum()
            assert hidden_sum == 0 or hidden_sum >= K


@FAST
@given(two_way_counts)
def test_random_tables_resist_peeling_and_linear_algebra(counts):
    table = protect(counts)
    hidden = table.hidden.to_numpy()
    shown = table.values.to_numpy(dtype=float, na_value=0.0)
    assert not peel(shown, ~hidden).any()
    assert not linearly_fixed(hidden).any()


@SLOW
@given(two_way_counts)
def test_random_tables_resist_an_integer_programming_attacker(counts):
    grid, table = with_margins(counts), protect(counts)
    hidden, small, primary = (table.hidden.to_numpy(), table.marked_small.to_numpy(), table.primary.to_numpy())
    for spot, (lowest, highest) in attacker_intervals(grid, hidden, small, primary).items():
        assert lowest <= grid[spot] <= highest
        assert highest - lowest >= 1, (spot, lowest, highest)


@SLOW
@given(two_way_counts, st.data())
def test_audit_agrees_with_integer_programming(counts, data):
    # The fast path (alternating cycles) against the slow reference, on any hidden pattern.
    grid = with_margins(counts)
    primary = (grid >= 1) & (grid < K)
    extra = data.draw(st.lists(st.booleans(), min_size=grid.size, max_size=grid.size))
    hidden = primary | np.array(extra).reshape(grid.shape)
    small = primary.copy()
    small[-1, :] = small[:, -1] = False
    low, high = _attacker_bounds(grid, primary, K, True)
    pinned = _pinned_cells(grid, hidden, low, high, True, among=primary)
    for spot, (lowest, highest) in attacker_intervals(grid, hidden, small, primary).items():
        assert pinned[spot] == (highest - lowest < 1), (spot, lowest, highest)


@SLOW
@given(two_way_counts)
def test_random_tables_same_pattern_without_totals(counts):
    full, bare = protect(counts), protect(counts, with_totals=False)
    assert (bare.hidden.to_numpy() == full.hidden.to_numpy()[:-1, :-1]).all()


# --- long frames beside their totals --------------------------------------------------------


def test_protect_long_two_way_follows_protect_table_row_for_row():
    long = long_counts([[0, 1, 4], [5, 6, 11]]).iloc[::-1].reset_index(drop=True)  # any row order
    shown = protect([[0, 1, 4], [5, 6, 11]]).display()
    text = protect_long(long, "n", "row", "col")
    assert text["n"].tolist() == [shown.loc[r, c] for r, c in zip(long["row"], long["col"])]
    assert text[["row", "col"]].equals(long[["row", "col"]])
    numbers = protect_long(long, "n", "row", "col", text=False)["n"]
    assert str(numbers.dtype) == "Int64" and numbers.isna().tolist() == text["n"].isin(["<5", SECONDARY_MARK]).tolist()
    assert protected_total(long, "n", "row", "col") == "27"


def test_protect_long_one_way_takes_each_row_as_a_cell():
    # A small source beside one large one: the total would give the small one back, so both hide.
    sources = pd.DataFrame({"source": ["PNC", "OIM", "ONG"], "network": [None, None, "x"], "cases": [49, 4, 0]})
    assert protect_long(sources, "cases")["cases"].tolist() == [SECONDARY_MARK, "<5", "0"]
    assert protected_total(sources, "cases") == "53"
    assert protected_total(sources.assign(cases=[4, 4, 0]), "cases") == SECONDARY_MARK  # 8 = both are 4
    with pytest.raises(ValueError, match="give both rows and cols"):
        protect_long(sources, "cases", "source")


# --- shares ---------------------------------------------------------------------------------


def test_shares_hand_made():
    wide = pd.DataFrame({"f": [3, 40, 25], "m": [12, 60, 30], "x": [9, 0, 7]}, index=["VEN", "COL", "PER"])
    row = shares(wide).round(1)
    assert row.loc["VEN"].tolist() == [pd.NA, 50.0, pd.NA, 100.0]
    assert row.loc["COL"].tolist() == [40.0, 60.0, 0.0, 100.0]
    grand = shares(wide, "grand")
    assert pd.isna(grand.loc["VEN", "f"]) and grand.loc["Total", "Total"] == 100.0


def test_shares_hide_a_small_complement_of_a_raw_frame():
    # 98 of 100 in row "a" would give away the other 2, hidden or not.
    wide = pd.DataFrame({"f": [98, 50], "m": [2, 50]}, index=["a", "b"])
    assert shares(wide).loc["a"].isna().tolist()[:2] == [True, True]


def test_shares_need_margins_and_a_known_base():
    table = protect([[5, 6], [7, 8]], with_totals=False)
    with pytest.raises(ValueError, match="with_totals=True"):
        shares(table)
    with pytest.raises(ValueError, match=r"within must be one of \('row', 'col', 'grand'\), got 'rows'"):
        shares(protect([[5, 6], [7, 8]]), "rows")
    one_way = protect_table(pd.DataFrame({"nat": ["VEN", "COL"], "n": [5, 9]}), "n", "nat")
    assert shares(one_way, "col")["n"].round(1).tolist() == [64.3, 35.7, 100.0]  # COL, VEN, Total
    with pytest.raises(ValueError, match="within must be one of"):
        shares(one_way, "row")


@FAST
@given(two_way_counts, st.sampled_from(["row", "col", "grand"]))
def test_shares_never_rest_on_hidden_or_small_counts(counts, within):
    grid, table = with_margins(counts), protect(counts)
    percent = shares(table, within).to_numpy(dtype=float, na_value=np.nan)
    hidden = table.hidden.to_numpy()
    for spot in np.argwhere(~np.isnan(percent)):
        i, j = spot
        base = {"row": (i, -1), "col": (-1, j), "grand": (-1, -1)}[within]
        numerator, denominator = grid[i, j], grid[base]
        assert not hidden[i, j] and not hidden[base]
        for count in (numerator, denominator, denominator - numerator):
            assert count == 0 or count >= K
        assert percent[i, j] == pytest.approx(100 * numerator / denominator)


# --- differencing guard ---------------------------------------------------------------------


@pytest.mark.parametrize(("k", "base"), [(5, None), (5, 10), (11, None)])
def test_guard_never_shows_a_small_difference(k, base):
    step = base or k
    values = pd.Series(np.arange(0, 501))
    guarded = guard_totals(values, k=k, base=base)
    for difference in range(1, k):
        neighbour = guard_totals(values + difference, k=k, base=base)
        both = guarded.notna() & neighbour.notna()
        shown_difference = (neighbour - guarded)[both]
        assert (shown_difference % step == 0).all()
        assert not shown_difference.isin(range(1, k)).any()


def test_guard_scalar_matches_series_and_stays_close():
    values = np.arange(0, 501)
    guarded = guard_totals(pd.Series(values))
    assert guarded.tolist() == [pd.NA if g is None else g for g in map(guard_total, values)]
    large = values >= K
    assert (np.abs(guarded[large].to_numpy(dtype=int) - values[large]) <= K // 2).all()
    assert guarded[large].is_monotonic_increasing
    assert (guard_total(103), guard_total(100)) == (105, 100)


def test_guard_edges():
    assert [guard_total(v) for v in (0, 1, 4, 5, 7, 8)] == [0, None, None, 5, 5, 10]
    assert guard_total(5, base=20) == 20
    assert guard_totals(pd.Series([None, 3])).isna().all()
    assert format_guarded_total(3) == "<5" and format_guarded_total(1234) == "1,235"
    with pytest.raises(ValueError, match="base must be at least k=5"):
        guard_total(10, base=4)
    with pytest.raises(ValueError, match="non-negative count, got -1"):
        guard_total(-1)
