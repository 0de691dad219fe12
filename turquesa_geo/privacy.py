"""Small-cell protection: no displayed count of cases or persons between 1 and k-1.

Every table, chart and export passes its counts through here: primary suppression
(``is_small``, ``suppress_small_cells``), tables with secondary suppression
(``protect_table``), protected percentages (``shares``) and the differencing guard
for totals of filtered views (``guard_total``).

Secondary suppression: the rule
-------------------------------
A table from ``protect_table`` is made safe together with its margins (row
totals, column totals, grand total), whether or not they are displayed, so the
hidden pattern does not depend on ``with_totals`` and showing the table with
and without margins reveals nothing more. Marks: ``<5`` (``<k``) on a cell
hidden because it holds 1 to k-1 persons or cases; ``·`` (middle dot) on a
cell hidden to protect another one, and on every hidden total, small or not
(``<5`` on a total over four ``<5`` cells would say each is 1). Not ``–``,
which reads as "nil" in statistical tables.

The reader is assumed to know this rule, the shown entries, that the cells of
each line add up to its total, that a ``<5`` cell holds 1 to 4, a ``·`` cell
k or more (zeros are never hidden to protect others: a hidden zero adds no
doubt) and a hidden total 1 or more. Every row and column of the table with
margins is a *line*, and a line is safe when:

1. it has no hidden entry, or at least two (a lone unknown is its shown total
   minus its shown cells);
2. if its total is shown, its hidden cells add up to k or more (their sum is
   known, and "3 persons in these two categories" is itself a small count);
3. if its total is shown, its hidden cells are not all at their lowest
   possible values (``<5`` cells all 1, ``·`` cells all exactly k), nor all
   ``<5`` cells at k-1: either would pin every one of them.

An unsafe line gets one more hidden cell: its smallest shown non-zero cell
that makes it safe; when there is none (the other cells are zeros, or all
exactly k) its total is hidden instead, and that total is then protected as a
cell of the totals row or column. Passes over rows and over columns repeat
until stable. Then two audits look at all lines together: any hidden entry
that the equations alone fix (a "bridge": two blocks of hidden cells joined by
one cell), then any hidden small count that the equations and the bounds pin
to one value (a count can change only along a cycle of hidden entries that
alternately gain and lose one within their bounds; for these equations that
search is exact, the same as integer programming). Such an entry gets the
smallest shown non-zero cell of its row or column hidden as well, and the
passes and audits run again; hiding more only widens what can be inferred, so
this ends.

Guarantee: no hidden entry can be computed from the shown ones, no count from
1 to k-1 can be pinned to one value even with the bounds above, and no line
with a shown total has hidden cells adding up to 1 to k-1. Limits: intervals
can still be narrow (a ``<5`` cell may be known to be 1 or 2); small sums of
hidden cells across several lines are not checked; the table is protected on
its own, so linked tables (the same counts by another breakdown, subtotals of
a multi-level row key, the same table for a neighbouring filter) must be
protected together, or their totals guarded.

Differencing guard: method and limits
-------------------------------------
Totals shown on filtered views (key figures, chart titles, tooltips of a
filtered page) go through ``guard_total``: counts from 1 to k-1 read ``<k``,
zero stays 0, and any other count is rounded to the nearest multiple of
``base`` (default ``base = k``; halves round up; never rounded down to zero).
Rounding is deterministic, so asking again for the same view gives the same
answer and averaging repeated queries gains nothing.

Guarantee: two guarded totals shown as numbers differ by a multiple of
``base``, and ``base >= k`` is enforced, so two views whose true totals differ
by 1 to k-1 (one filter value added or removed) show a difference of 0 or
``base``, never a difference from 1 to k-1. With the default ``base = k``
each shown total is within ``k // 2`` of the truth (with a larger base, within
``base // 2``, except that counts under ``base / 2`` show as ``base``).

Limits: (a) rounding only blurs a difference within a window of ``base``
values: intersecting many overlapping views, or setting a guarded total beside
an exact one for a neighbouring view, can narrow it, sometimes to one value
(exact total 99 for all nationalities, guarded 100 for all but one, and that
one shown as ``<5``: it is 1); so a page shows either guarded totals or a
``protect_table`` table with its exact margins for the same population, not
both; (b) guarded totals do not add up (guarded parts need not sum to the
guarded whole); (c) it guards totals only: tables are protected by
suppression; (d) it cannot help against counts published elsewhere.

>>> guard_total(103), guard_total(100), guard_total(3), guard_total(0)
(105, 100, None, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.linalg import null_space

from turquesa_geo.i18n import format_number

__all__ = [
    "SECONDARY_MARK",
    "SHARE_BASES",
    "SMALL_CELL_K",
    "TOTAL_LABEL",
    "ProtectedTable",
    "format_change",
    "format_count",
    "format_guarded_total",
    "format_protected",
    "guard_total",
    "guard_totals",
    "is_small",
    "protect_long",
    "protect_table",
    "protected_total",
    "shares",
    "suppress_small_cells",
]

#: Default threshold: counts from 1 to K-1 are never shown.
SMALL_CELL_K = 5

#: Shown in place of a cell hidden by secondary suppression (not "–", which reads as nil).
SECONDARY_MARK = "·"

#: Label of the totals row and column (the same word in en, es, pt and fr).
TOTAL_LABEL = "Total"

#: Line totals a share can be taken within.
SHARE_BASES = ("row", "col", "grand")


def is_small(values: pd.Series, k: int = SMALL_CELL_K) -> pd.Series:
    """True where a count is between 1 and k-1 (zero is not small: it reveals no one).

    >>> is_small(pd.Series([0, 1, 4, 5, None])).tolist()
    [False, True, True, False, False]
    """
    numeric = pd.to_numeric(values, errors="coerce")
    return ((numeric >= 1) & (numeric < k)).fillna(False).astype(bool)


def suppress_small_cells(frame: pd.DataFrame, columns: Sequence[str], k: int = SMALL_CELL_K) -> pd.DataFrame:
    """Return a copy with small counts in ``columns`` replaced by missing values.

    >>> suppress_small_cells(pd.DataFrame({"n": [0, 3, 12]}), ["n"])["n"].tolist()
    [0, <NA>, 12]
    """
    out = frame.copy()
    for column in columns:
        values = pd.to_numeric(out[column], errors="coerce").astype("Int64")
        out[column] = values.mask(is_small(values, k))
    return out


def format_protected(
    frame: pd.DataFrame, columns: Sequence[str], k: int = SMALL_CELL_K, lang: str = "en"
) -> pd.DataFrame:
    """Return a copy for display: small counts read ``<k``, others as whole numbers.

    >>> format_protected(pd.DataFrame({"n": [0, 3, 1234]}), ["n"])["n"].tolist()
    ['0', '<5', '1,234']
    """
    out = frame.copy()
    for column in columns:
        values = pd.to_numeric(out[column], errors="coerce")
        out[column] = [None if pd.isna(v) else format_count(int(v), k, lang=lang) for v in values]
    return out


def format_count(value: int | None, k: int = SMALL_CELL_K, grouping: bool = True, lang: str = "en") -> str:
    """One count for display: ``<k`` when small; thousands grouped (in ``lang``'s style) unless ``grouping`` is False.

    >>> format_count(3), format_count(0), format_count(12345), format_count(12345, grouping=False)
    ('<5', '0', '12,345', '12345')
    >>> format_count(12345, lang="es")
    '12.345'
    """
    if value is None:
        return ""
    if 1 <= value < k:
        return f"<{k}"
    if not grouping:
        return str(int(value))
    if lang == "en":
        return f"{int(value):,}"
    return format_number(int(value), lang)


def format_change(now: int | None, before: int | None, k: int = SMALL_CELL_K) -> str | None:
    """A change in percent for display, or None when either count is missing or small.

    >>> format_change(120, 100), format_change(120, 3), format_change(7, None)
    ('+20%', None, None)
    """
    if now is None or before is None or before < k or 1 <= now < k or before == 0:
        return None
    return f"{100 * (now - before) / before:+.0f}%"


@dataclass(frozen=True, eq=False)
class ProtectedTable:
    """A one- or two-way table of counts after primary and secondary suppression.

    Attributes
    ----------
    values : pd.DataFrame
        Counts as nullable ``Int64``, ``<NA>`` where hidden; the true value of a
        hidden cell is not kept anywhere. With margins labelled ``TOTAL_LABEL``
        (a totals row, and a totals column for two-way tables) when ``has_totals``.
    hidden : pd.DataFrame
        True where a count is hidden, by primary or secondary suppression.
    primary : pd.DataFrame
        True where a count is hidden because it is from 1 to k-1 (totals included;
        see ``marked_small`` for what reads ``<k``).
    k : int
        The threshold the table was protected with.
    has_totals : bool
        Whether ``values`` holds the margins.
    two_way : bool
        Whether the table has a column key (otherwise one column of counts).
    """

    values: pd.DataFrame
    hidden: pd.DataFrame
    primary: pd.DataFrame
    k: int = SMALL_CELL_K
    has_totals: bool = True
    two_way: bool = True

    @property
    def secondary(self) -> pd.DataFrame:
        """True where a count is hidden only to protect another one."""
        return self.hidden & ~self.primary

    def display(self, grouping: bool = True) -> pd.DataFrame:
        """Strings for display: ``<k`` on small cells, ``·`` on other hidden cells and on hidden totals.

        Shown counts are whole numbers, thousands grouped unless ``grouping`` is
        False. The marks and "Total" read the same in en, es, pt and fr.

        >>> table = protect_table(pd.DataFrame({"sex": ["f", "m"], "n": [3, 12]}), "n", "sex")
        >>> table.display()["n"].tolist()
        ['<5', '·', '15']
        """
        text = self.values.map(lambda v: "" if pd.isna(v) else format_count(int(v), self.k, grouping))
        return text.mask(self.hidden, SECONDARY_MARK).mask(self.marked_small, f"<{self.k}")

    @property
    def marked_small(self) -> pd.DataFrame:
        """True where ``display`` shows ``<k``: primary cells, but not totals (those read ``·``)."""
        small = self.primary.copy()
        if self.has_totals:
            small.iloc[-1, :] = False
            if self.two_way:
                small.iloc[:, -1] = False
        return small


def protect_table(
    frame: pd.DataFrame,
    value: str,
    rows: str | Sequence[str],
    cols: str | None = None,
    *,
    k: int = SMALL_CELL_K,
    with_totals: bool = True,
) -> ProtectedTable:
    """Tabulate counts with primary and secondary suppression, safe with its margins.

    Parameters
    ----------
    frame : pd.DataFrame
        Long counts: one row per key combination (duplicates are summed).
    value : str
        Column of non-negative whole counts.
    rows : str or sequence of str
        Row key column(s); several give a MultiIndex (no subtotals).
    cols : str, optional
        Column key; without it the table is one-way (one column, ``value``).
    k : int, default SMALL_CELL_K
        Counts from 1 to k-1 are hidden; at least 3.
    with_totals : bool, default True
        Whether the result holds the margins. The hidden pattern is the same
        either way: it is always made safe against the margins.

    Returns
    -------
    ProtectedTable
        See the module docstring for the secondary-suppression rule.

    Examples
    --------
    >>> long = pd.DataFrame({"nationality": ["VEN", "VEN", "COL", "COL"],
    ...                      "sex": ["f", "m", "f", "m"], "victims": [3, 12, 8, 20]})
    >>> protect_table(long, "victims", "nationality", "sex").display()  # doctest: +NORMALIZE_WHITESPACE
    sex           f   m Total
    nationality
    COL           ·   ·    28
    VEN          <5   ·    15
    Total        11  32    43
    >>> protect_table(long.iloc[:0], "victims", "nationality", "sex").values.to_dict()
    {'Total': {'Total': 0}}
    """
    row_keys = [rows] if isinstance(rows, str) else list(rows)
    _check_table_input(frame, value, row_keys, cols, k)
    wide = _pivot_counts(frame, value, row_keys, cols)
    return _protect_wide(wide, k=k, with_totals=with_totals, two_way=cols is not None)


def protect_long(
    frame: pd.DataFrame,
    value: str,
    rows: str | None = None,
    cols: str | None = None,
    *,
    k: int = SMALL_CELL_K,
    text: bool = True,
    grouping: bool = True,
) -> pd.DataFrame:
    """Protect the counts of a long frame as one table with its margins, row for row.

    For a frame shown beside its total (or beside another breakdown of the same
    total): primary cells are not enough there, since the total minus the shown
    cells gives back a lone hidden one.

    Parameters
    ----------
    frame : pd.DataFrame
        One row per cell of the table.
    value : str
        Column of non-negative whole counts, replaced in the result.
    rows, cols : str, optional
        Row and column keys of a two-way table (no missing keys). Without them each
        row of ``frame`` is one cell of a one-way table.
    k : int, default SMALL_CELL_K
        Counts from 1 to k-1 are hidden.
    text : bool, default True
        Display strings (``<k``, ``·``, whole numbers) when True; otherwise nullable
        ``Int64`` counts, ``<NA>`` where hidden (for charts, which leave them out).
    grouping : bool, default True
        Thousands grouped in display strings.

    Returns
    -------
    pd.DataFrame
        A copy of ``frame`` with ``value`` protected; the table's total is
        ``protect_table(...).values`` on the same arguments.

    Examples
    --------
    >>> sources = pd.DataFrame({"source": ["PNC", "OIM"], "cases": [49, 4]})
    >>> protect_long(sources, "cases")["cases"].tolist()
    ['·', '<5']
    >>> protect_long(sources, "cases", text=False)["cases"].tolist()
    [<NA>, <NA>]
    """
    if (rows is None) != (cols is None):
        raise ValueError(f"give both rows and cols for a two-way table, or neither; got rows={rows!r}, cols={cols!r}")
    table = _protect_long_table(frame, value, rows, cols, k)
    shown = table.display(grouping) if text else table.values
    if cols is None:
        cells = shown[value].to_numpy()
    else:
        cells = shown.stack(future_stack=True).reindex(pd.MultiIndex.from_frame(frame[[rows, cols]])).to_numpy()
    out = frame.copy()
    out[value] = pd.array(cells, dtype=object if text else "Int64")
    return out


def protected_total(
    frame: pd.DataFrame,
    value: str,
    rows: str | None = None,
    cols: str | None = None,
    *,
    k: int = SMALL_CELL_K,
    grouping: bool = True,
) -> str:
    """The grand total of the table :func:`protect_long` protects, as it may be shown beside it.

    A whole number, or ``·`` when the protection hides it (see :class:`ProtectedTable`).

    >>> protected_total(pd.DataFrame({"cases": [49, 4]}), "cases")
    '53'
    >>> protected_total(pd.DataFrame({"cases": [4, 4]}), "cases")  # 8 would say both are 4
    '·'
    """
    return _protect_long_table(frame, value, rows, cols, k, with_totals=True).display(grouping).iloc[-1, -1]


def _protect_long_table(
    frame: pd.DataFrame, value: str, rows: str | None, cols: str | None, k: int, with_totals: bool = False
) -> ProtectedTable:
    """``protect_table`` on the frame's own keys, or with one cell per row when there are none."""
    if cols is None:
        return protect_table(frame.assign(_cell=np.arange(len(frame))), value, "_cell", k=k, with_totals=with_totals)
    return protect_table(frame, value, rows, cols, k=k, with_totals=with_totals)


def shares(
    table: ProtectedTable | pd.DataFrame,
    within: Literal["row", "col", "grand"] = "row",
    *,
    k: int = SMALL_CELL_K,
) -> pd.DataFrame:
    """Percentages of each count within its row, its column or the grand total, protected.

    A share is ``<NA>`` when its count or its denominator is hidden or small,
    when the rest of its line (denominator minus count) is small, or when the
    denominator is zero: a percentage and its base give back the count.

    Parameters
    ----------
    table : ProtectedTable or pd.DataFrame
        A table from ``protect_table`` with its margins, or a wide frame of
        counts (rows by columns, no margins), which is protected first.
    within : {"row", "col", "grand"}, default "row"
        The denominator: the row total, the column total or the grand total.
    k : int, default SMALL_CELL_K
        Threshold used for a wide frame and for the small-denominator rules.

    Returns
    -------
    pd.DataFrame
        Percentages (0 to 100) as nullable ``Float64``, labelled like ``table.values``.

    Examples
    --------
    >>> wide = pd.DataFrame({"f": [3, 40, 25], "m": [12, 60, 30], "x": [9, 0, 7]},
    ...                     index=["VEN", "COL", "PER"])
    >>> shares(wide).round(1)
              f     m     x  Total
    VEN    <NA>  50.0  <NA>  100.0
    COL    40.0  60.0   0.0  100.0
    PER    <NA>  48.4  <NA>  100.0
    Total  36.6  54.8   8.6  100.0
    """
    table = _as_protected(table, k)
    _check_share_base(table, within)
    counts = table.values.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    denominator = {"row": counts[:, -1:], "col": counts[-1:, :], "grand": counts[-1:, -1:]}[within]
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = 100.0 * counts / denominator
    unsafe = (
        np.isnan(percent)
        | (denominator == 0)
        | _small(counts, k)
        | _small(denominator, k)
        | _small(denominator - counts, k)
    )
    out = pd.DataFrame(percent, index=table.values.index, columns=table.values.columns).astype("Float64")
    return out.mask(unsafe)


def guard_total(value: int, *, k: int = SMALL_CELL_K, base: int | None = None) -> int | None:
    """A total for a filtered view: None when small, otherwise rounded to a multiple of ``base``.

    See "Differencing guard: method and limits" in the module docstring.

    Parameters
    ----------
    value : int
        A non-negative count.
    k : int, default SMALL_CELL_K
        Counts from 1 to k-1 give None (display ``<k``).
    base : int, optional
        Rounding base, at least ``k``; defaults to ``k``.

    Examples
    --------
    >>> [guard_total(v) for v in (0, 1, 4, 5, 7, 8, 100, 102, 103)]
    [0, None, None, 5, 5, 10, 100, 100, 105]
    >>> guard_total(5, base=20), guard_total(12, k=11)
    (20, 11)
    """
    step = _rounding_base(k, base)
    if value < 0:
        raise ValueError(f"a total must be a non-negative count, got {value}")
    if value == 0:
        return 0
    if value < k:
        return None
    return max(step * ((int(value) + step // 2) // step), step)


def guard_totals(values: pd.Series, *, k: int = SMALL_CELL_K, base: int | None = None) -> pd.Series:
    """``guard_total`` over a Series: nullable ``Int64``, ``<NA>`` where small or missing.

    >>> guard_totals(pd.Series([0, 3, 7, 103, None])).tolist()
    [0, <NA>, 5, 105, <NA>]
    """
    step = _rounding_base(k, base)
    counts = pd.to_numeric(values).astype("Int64")
    if (counts < 0).any():
        raise ValueError(f"totals must be non-negative counts, got {counts[counts < 0].iloc[0]}")
    rounded = ((counts + step // 2) // step * step).clip(lower=step)
    return rounded.mask((counts == 0).fillna(False), 0).mask(is_small(counts, k))


def format_guarded_total(
    value: int, *, k: int = SMALL_CELL_K, base: int | None = None, grouping: bool = True, lang: str = "en"
) -> str:
    """``guard_total`` for display: ``<k`` when small, thousands grouped.

    >>> format_guarded_total(3), format_guarded_total(0), format_guarded_total(12344)
    ('<5', '0', '12,345')
    """
    guarded = guard_total(value, k=k, base=base)
    return f"<{k}" if guarded is None else format_count(guarded, k, grouping, lang)


# --- building the table -------------------------------------------------------------


def _check_k(k: int) -> None:
    """Raise ValueError for a threshold whose ``<k`` mark would itself give the count away."""
    if k < 3:
        raise ValueError(f"k must be at least 3 (with k={k} a '<{k}' cell is exactly known), got {k}")


def _check_counts(counts: pd.DataFrame, what: str) -> None:
    """Raise ValueError naming the first value that is not a non-negative whole count."""
    numeric = counts.apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna() | (numeric < 0) | (numeric % 1 != 0)
    if bad.any().any():
        first = counts.to_numpy(dtype=object)[bad.to_numpy()][0]
        first = first.item() if isinstance(first, np.generic) else first
        raise ValueError(f"{what} must hold non-negative whole counts, got {first!r}")


def _check_table_input(frame: pd.DataFrame, value: str, row_keys: list[str], cols: str | None, k: int) -> None:
    """Raise ValueError naming the bad column, count or threshold."""
    _check_k(k)
    needed = [*row_keys, *([cols] if cols is not None else []), value]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"columns {missing} not in frame; available: {list(frame.columns)}")
    _check_counts(frame[[value]], f"column {value!r}")


def _pivot_counts(frame: pd.DataFrame, value: str, row_keys: list[str], cols: str | None) -> pd.DataFrame:
    """Wide int64 counts: row keys as index, column keys as columns (missing pairs are 0)."""
    keys = [*row_keys, *([cols] if cols is not None else [])]
    counts = frame.groupby(keys, dropna=False)[value].sum().astype("int64")
    if cols is None:
        return counts.to_frame(value)
    if counts.empty:
        index = (
            pd.MultiIndex.from_arrays([[] for _ in row_keys], names=row_keys)
            if len(row_keys) > 1
            else pd.Index([], name=row_keys[0])
        )
        return pd.DataFrame(index=index, columns=pd.Index([], name=cols), dtype="int64")
    return counts.unstack(cols, fill_value=0)


def _protect_wide(wide: pd.DataFrame, *, k: int, with_totals: bool, two_way: bool) -> ProtectedTable:
    """Margins, primary and secondary masks, then the labelled result."""
    grid = _with_margins(wide.to_numpy(dtype=np.int64), two_way)
    primary = _small(grid, k)
    hidden = _secondary_suppression(grid, primary, k, two_way)
    index, columns = _labels_with_totals(wide, two_way)

    def labelled(array: np.ndarray) -> pd.DataFrame:
        full = pd.DataFrame(array, index=index, columns=columns)
        if with_totals:
            return full
        return full.iloc[:-1, :-1] if two_way else full.iloc[:-1]

    values = labelled(grid).astype("Int64").mask(labelled(hidden))
    return ProtectedTable(values, labelled(hidden), labelled(primary), k, with_totals, two_way)


def _as_protected(table: ProtectedTable | pd.DataFrame, k: int) -> ProtectedTable:
    """A ProtectedTable as is; a wide frame of counts protected as a two-way table."""
    if isinstance(table, ProtectedTable):
        return table
    _check_k(k)
    _check_counts(table, "a wide frame of counts")
    return _protect_wide(table.apply(pd.to_numeric).astype("int64"), k=k, with_totals=True, two_way=True)


def _check_share_base(table: ProtectedTable, within: str) -> None:
    """Raise ValueError when the denominator asked for is not in the table."""
    allowed = SHARE_BASES if table.two_way else ("col", "grand")
    if within not in allowed:
        raise ValueError(f"within must be one of {allowed}, got {within!r}")
    if not table.has_totals:
        raise ValueError("shares need the margins: protect the table with with_totals=True")


def _with_margins(counts: np.ndarray, two_way: bool) -> np.ndarray:
    """Counts with a totals row (and a totals column when two-way) appended last."""
    with_row = np.vstack([counts, counts.sum(axis=0, keepdims=True)])
    if not two_way:
        return with_row
    return np.hstack([with_row, with_row.sum(axis=1, keepdims=True)])


def _labels_with_totals(wide: pd.DataFrame, two_way: bool) -> tuple[pd.Index, pd.Index]:
    """Index and columns of ``wide`` with the totals labels appended."""
    return _append_total(wide.index), _append_total(wide.columns) if two_way else wide.columns


def _append_total(labels: pd.Index) -> pd.Index:
    """``labels`` plus ``TOTAL_LABEL`` (first level of a MultiIndex, the others blank)."""
    if isinstance(labels, pd.MultiIndex):
        taken = TOTAL_LABEL in labels.get_level_values(0)
        total = pd.MultiIndex.from_tuples([(TOTAL_LABEL,) + ("",) * (labels.nlevels - 1)], names=labels.names)
    else:
        taken = TOTAL_LABEL in labels
        total = pd.Index([TOTAL_LABEL], name=labels.name)
    if taken:
        raise ValueError(f"{TOTAL_LABEL!r} is a key value in {list(labels.names)}; it is reserved for the margins")
    return labels.append(total)


def _small(counts: np.ndarray, k: int) -> np.ndarray:
    """``is_small`` for arrays: True from 1 to k-1, False for zero and NaN."""
    with np.errstate(invalid="ignore"):
        return (counts >= 1) & (counts < k)


# --- secondary suppression ------------------------------------------------------------


def _secondary_suppression(grid: np.ndarray, primary: np.ndarray, k: int, two_way: bool) -> np.ndarray:
    """Hidden mask: primary cells plus partners until no line and no audit gives one away."""
    low, high = _attacker_bounds(grid, primary, k, two_way)
    hidden = _settle_lines(grid, primary.copy(), low, high, k, two_way)
    # Hiding more only widens what can be inferred: a cell found safe stays safe.
    suspects = primary
    while True:
        exposed = _determined_entries(hidden, two_way)
        if not exposed.any():
            suspects = exposed = _pinned_cells(grid, hidden, low, high, two_way, among=suspects)
        if not exposed.any():
            return hidden
        cell = tuple(np.argwhere(exposed)[0])
        hidden = _settle_lines(grid, _hide_next_to(grid, hidden, cell, two_way), low, high, k, two_way)


def _is_total(shape: tuple[int, int], two_way: bool) -> np.ndarray:
    """True on the totals row (and the totals column of a two-way table)."""
    row, col = np.indices(shape)
    return (row == shape[0] - 1) | ((col == shape[1] - 1) & two_way)


def _attacker_bounds(grid: np.ndarray, primary: np.ndarray, k: int, two_way: bool) -> tuple[np.ndarray, np.ndarray]:
    """What a reader knows of each entry once hidden: ``<k`` cells 1 to k-1, ``·`` cells k or more, totals 1 or more.

    A hidden zero (only ever hidden as a last resort) gets 0.
    """
    marked_small = primary & ~_is_total(grid.shape, two_way)
    low = np.where(marked_small | _is_total(grid.shape, two_way), 1, np.where(grid > 0, k, 0))
    high = np.where(marked_small, k - 1, np.inf)
    return np.minimum(low, grid), high


def _settle_lines(
    grid: np.ndarray, hidden: np.ndarray, low: np.ndarray, high: np.ndarray, k: int, two_way: bool
) -> np.ndarray:
    """Passes over rows, then columns, until every line is safe (rules 1-3 of the module docstring)."""
    while True:
        before = hidden
        if two_way:
            hidden = _fix_lines(grid, hidden, low, high, k)
        hidden = _fix_lines(grid.T, hidden.T, low.T, high.T, k).T
        if np.array_equal(hidden, before):
            return hidden


def _fix_lines(values: np.ndarray, hidden: np.ndarray, low: np.ndarray, high: np.ndarray, k: int) -> np.ndarray:
    """One pass over the lines of ``values`` (rows; last column = totals), hiding one entry per unsafe line."""
    cells, hid, low, high = values[:, :-1], hidden[:, :-1], low[:, :-1], high[:, :-1]
    total_hidden = hidden[:, -1]
    hidden_sum = np.where(hid, cells, 0).sum(axis=1)
    room_below = hidden_sum - np.where(hid, low, 0).sum(axis=1)
    room_above = np.where(hid, high, 0).sum(axis=1) - hidden_sum
    pinned = ~total_hidden & hid.any(axis=1) & ((hidden_sum < k) | (room_below < 1) | (room_above < 1))
    unsafe = (hid.sum(axis=1) + total_hidden == 1) | pinned
    if not unsafe.any():
        return hidden
    # A shown non-zero cell is at least k and unbounded above: it fixes the sum and the room above.
    helps = ~hid & (cells > 0) & (total_hidden[:, None] | (room_below[:, None] + cells - low >= 1))
    return _hide_partners(hidden, cells, unsafe, helps)


def _hide_partners(hidden: np.ndarray, cells: np.ndarray, unsafe: np.ndarray, helps: np.ndarray) -> np.ndarray:
    """Hide, in each unsafe line, the smallest helping cell, or the line total when none helps."""
    candidates = unsafe[:, None] & helps
    cost = np.where(candidates, cells, np.iinfo(np.int64).max)
    has_partner = candidates.any(axis=1)
    if (unsafe & ~has_partner & hidden[:, -1]).any():
        raise RuntimeError("secondary suppression found an unsafe line with nothing left to hide")
    out = hidden.copy()
    lines = np.flatnonzero(has_partner)
    out[lines, cost[lines].argmin(axis=1)] = True
    out[unsafe & ~has_partner, -1] = True
    return out


def _line_equations(shape: tuple[int, int], two_way: bool) -> np.ndarray:
    """One row per line, one column per entry (flattened): cells +1, the line's total -1."""
    n_rows, n_cols = shape
    entry = np.arange(n_rows * n_cols).reshape(shape)
    col_lines = np.zeros((n_cols, entry.size))
    col_lines[np.arange(n_cols)[None, :], entry] = np.where(np.arange(n_rows) == n_rows - 1, -1.0, 1.0)[:, None]
    if not two_way:
        return col_lines
    row_lines = np.zeros((n_rows, entry.size))
    row_lines[np.arange(n_rows)[:, None], entry] = np.where(np.arange(n_cols) == n_cols - 1, -1.0, 1.0)[None, :]
    return np.vstack([row_lines, col_lines])


def _determined_entries(hidden: np.ndarray, two_way: bool) -> np.ndarray:
    """Hidden entries that the line equations fix on their own, whatever the bounds.

    Each entry sits in one row line and one column line, so the equations are
    the incidence matrix of a graph (lines as nodes, hidden entries as edges):
    an entry is fixed when no cycle of hidden entries runs through it, which
    shows as a zero coordinate across the whole null space.
    """
    unknown = hidden.ravel()
    if not unknown.any():
        return np.zeros_like(hidden)
    free = null_space(_line_equations(hidden.shape, two_way)[:, unknown])
    fixed = np.abs(free).max(axis=1, initial=0.0) < 1e-9
    out = np.zeros_like(hidden)
    out.flat[np.flatnonzero(unknown)[fixed]] = True
    return out


def _pinned_cells(
    grid: np.ndarray, hidden: np.ndarray, low: np.ndarray, high: np.ndarray, two_way: bool, among: np.ndarray
) -> np.ndarray:
    """Cells of ``among`` whose hidden count a reader can pin to one value.

    The reader knows the shown entries, the line equations and the bounds of
    ``_attacker_bounds``. A hidden count can change by one only together with a
    cycle of hidden entries that alternately lose and gain one, each within its
    bounds, so a count is pinned when no such cycle runs through it. The
    equations form a network matrix, so this is exact: it gives the same answer
    as linear or integer programming (the tests check it against the latter).
    """
    up, down = _room_to_move(grid, hidden, low, high, two_way)
    targets = np.argwhere(among & hidden)
    if not two_way:
        others_up, others_down = up.sum() - up[targets[:, 0], 0], down.sum() - down[targets[:, 0], 0]
        movable = (up[targets[:, 0], 0] & (others_down > 0)) | (down[targets[:, 0], 0] & (others_up > 0))
    else:
        movable = _cycle_through(targets, up, down)
    pinned = np.zeros_like(hidden)
    pinned[targets[~movable, 0], targets[~movable, 1]] = True
    return pinned


def _room_to_move(
    grid: np.ndarray, hidden: np.ndarray, low: np.ndarray, high: np.ndarray, two_way: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Where a hidden entry can gain one and lose one, with totals counted negatively.

    Moving totals to the other side of their equations (-1) makes every line
    read "the changes of its hidden entries add up to zero".
    """
    total = _is_total(grid.shape, two_way)
    row, col = np.indices(grid.shape)
    negative = total & ~((row == grid.shape[0] - 1) & (col == grid.shape[1] - 1) & two_way)
    can_rise, can_fall = hidden & (grid < high), hidden & (grid > low)
    return np.where(negative, can_fall, can_rise), np.where(negative, can_rise, can_fall)


def _cycle_through(targets: np.ndarray, up: np.ndarray, down: np.ndarray) -> np.ndarray:
    """For each target entry, whether an alternating cycle of other hidden entries lets it move.

    Graph: one node per row line and per column line; an entry that can gain
    one is an arc row -> column, one that can lose one an arc column -> row.
    The target can gain one if its column reaches its row other than by its own
    arc, lose one if its row reaches its column likewise. All searches run at
    once, breadth first, as products of frontier and adjacency matrices.
    """
    n_rows = up.shape[0]
    arcs = np.zeros((n_rows + up.shape[1],) * 2, dtype=np.float32)
    row, col = np.nonzero(up)
    arcs[row, n_rows + col] = 1.0
    row, col = np.nonzero(down)
    arcs[n_rows + col, row] = 1.0
    t_row, t_col = targets[:, 0], n_rows + targets[:, 1]
    # Searches 0..m-1 ask "can it gain one?", m..2m-1 "can it lose one?".
    source, goal = np.concatenate([t_col, t_row]), np.concatenate([t_row, t_col])
    own_move = np.concatenate([up[targets[:, 0], targets[:, 1]], down[targets[:, 0], targets[:, 1]]])
    search = np.arange(source.size)
    seen = np.zeros((source.size, arcs.shape[0]), dtype=bool)
    seen[search, source] = True
    frontier = seen.astype(np.float32)
    while frontier.any():
        step = frontier @ arcs
        step[search, goal] -= frontier[search, source] * arcs[source, goal]  # not by the target's own arc
        fresh = (step > 0) & ~seen
        seen |= fresh
        frontier = fresh.astype(np.float32)
    return (own_move & seen[search, goal]).reshape(2, -1).any(axis=0)


def _hide_next_to(grid: np.ndarray, hidden: np.ndarray, cell: tuple[int, int], two_way: bool) -> np.ndarray:
    """Hide one more entry for a pinned cell: the smallest shown non-zero cell of its row or column.

    Line totals come after cells, then any shown non-zero entry, then any shown entry.
    """
    if hidden.all():
        raise RuntimeError(f"secondary suppression cannot protect entry {cell}: nothing left to hide")
    row, col = np.indices(grid.shape)
    is_total = _is_total(grid.shape, two_way)
    near = ((row == cell[0]) | (col == cell[1])) & (grid > 0)
    # np.lexsort sorts by the last key first: shown, non-zero, near, not a total, smallest.
    order = np.lexsort([key.ravel() for key in (grid, is_total, ~near, grid == 0, hidden)])
    out = hidden.copy()
    out.flat[order[0]] = True
    return out


def _rounding_base(k: int, base: int | None) -> int:
    """The rounding base for guarded totals, checked to be at least ``k``."""
    step = k if base is None else base
    if step < k:
        raise ValueError(f"base must be at least k={k}, so a difference of 1 to {k - 1} never shows; got {base}")
    return step
