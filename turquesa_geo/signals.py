"""Emerging signals: which corridors, hubs and modus operandi changed in the latest period.

Each key's latest period is compared with a baseline by an exact conditional test that
respects small counts; keys with too few cases are not tested, and Benjamini–Hochberg
controls the false discovery rate across every key tested together.

The tests, per key, given the cases of both periods together:

- **rate** (no ``total``): if the monthly rate did not change, the latest period's
  share of the ``n`` cases is Binomial(n, t1 / (t1 + t0)), where t1 and t0 are the
  lengths of the periods in months (exact test of two Poisson rates);
- **share** (with ``total``, the cases of a reference population such as all trafficking
  cases on the corridor): if the key's share of the reference population did not
  change, its latest cases are hypergeometric given both periods' totals (Fisher's
  exact test, the conditional binomial test that stays exact when shares are large).

With both directions asked for, the p-value is the doubled smaller one-sided p-value,
so a fall is found as surely as a rise and the direction is the observed one.

From the store (:func:`emerging_signals`): :func:`signal_counts` reads the monthly counts of
modus operandi, rebuilt corridors, hubs and modus operandi on a corridor; :func:`signal_baseline`
is the 24 months before the latest period; :func:`signal_table` words the signals for a reader.
Only records dated to their day or month count: a record dated to a year or a band of years
sits on 1 January of its first year, a placeholder month, and comparing it with real months
would make a band's edge look like a surge (CTDC's 2014-2018 band read as "+262 % per
month"); a record with no known date is in no period at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from turquesa_geo.corridors import routes_of
from turquesa_geo.countries import country_name
from turquesa_geo.filters import Filters
from turquesa_geo.i18n import N_, gettext, translator
from turquesa_geo.privacy import SMALL_CELL_K, format_count
from turquesa_geo.routes import SIGNATURE_COLUMNS, reconstruct_routes
from turquesa_geo.store import queries as sql
from turquesa_geo.store.rollups import covers
from turquesa_geo.vocab import dimension_name, label

__all__ = [
    "CASES",
    "COMPARISON_COLUMNS",
    "DEFAULT_FDR",
    "DIRECTIONS",
    "KEY",
    "KIND",
    "KINDS",
    "LABEL",
    "MEASURES",
    "MIN_COUNT",
    "MIN_RATIO",
    "PERIOD_START",
    "SIGNAL_COLUMNS",
    "SIGNAL_KINDS",
    "TOTAL",
    "benjamini_hochberg",
    "compare_periods",
    "counts_from_cases",
    "detect_signals",
    "emerging_signals",
    "signal_baseline",
    "signal_counts",
    "signal_table",
    "signal_what",
]

# Input: monthly counts, one row per key and month.
KIND = "kind"
KEY = "key"
LABEL = "label"
PERIOD_START = "period_start"
CASES = "cases"
TOTAL = "total"

#: The kinds of key the dashboard compares (free text: the test does not depend on it).
KINDS = ("corridor", "hub", "modus")
#: "rate": cases per month; "share": cases per case of the reference population.
MEASURES = ("rate", "share")
DIRECTIONS = ("up", "down")
_FLAT = "flat"

#: Expected share of false signals among the signals reported.
DEFAULT_FDR = 0.05
#: A key is tested only when its baseline and latest cases add up to at least this.
MIN_COUNT = 5
#: A signal must also change its rate or share at least this much (×1.25 up, ×0.8 down):
#: with large counts tiny changes become significant. Not higher, because a share of
#: 60 % can rise at most ×1.67 (the demo's planted 60 % → 85 % surge is ×1.4).
MIN_RATIO = 1.25

# Output columns.
MEASURE = "measure"
DIRECTION = "direction"
BASELINE_CASES = "baseline_cases"
LATEST_CASES = "latest_cases"
BASELINE_RATE = "baseline_rate"
LATEST_RATE = "latest_rate"
BASELINE_TOTAL = "baseline_total"
LATEST_TOTAL = "latest_total"
BASELINE_SHARE = "baseline_share"
LATEST_SHARE = "latest_share"
RATIO = "ratio"
P_VALUE = "p_value"
Q_VALUE = "q_value"
TESTED = "tested"
REASON = "reason"

SIGNAL_COLUMNS: tuple[str, ...] = (
    KIND,
    KEY,
    LABEL,
    MEASURE,
    DIRECTION,
    BASELINE_CASES,
    LATEST_CASES,
    BASELINE_RATE,
    LATEST_RATE,
    BASELINE_TOTAL,
    LATEST_TOTAL,
    BASELINE_SHARE,
    LATEST_SHARE,
    RATIO,
    P_VALUE,
    Q_VALUE,
    REASON,
)
#: Every key, tested or not: the signal columns plus ``tested``.
COMPARISON_COLUMNS: tuple[str, ...] = (*SIGNAL_COLUMNS[:-1], TESTED, REASON)

_LOG_RATIO = "_log_ratio"
_GROUP = "_group"

Period = tuple[dt.date, dt.date]
MonthSpan = tuple[pd.Timestamp, pd.Timestamp]


# ---------------------------------------------------------------- false discovery rate


def benjamini_hochberg(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg q-values (adjusted p-values) in the order of ``p_values``.

    A key whose q-value is at most ``fdr`` is a discovery at false discovery rate ``fdr``.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.02, 0.03, 0.04, 0.5]).round(6).tolist()
    [0.05, 0.05, 0.05, 0.05, 0.5]
    >>> benjamini_hochberg([0.5, 0.01]).round(6).tolist()
    [0.5, 0.02]
    >>> benjamini_hochberg([]).tolist()
    []
    """
    p = np.asarray(p_values, dtype=float)
    descending = np.argsort(p, kind="stable")[::-1]
    ranks = np.arange(len(p), 0, -1)
    # q of the i-th smallest p is min over j >= i of p_(j) * m / j.
    # m / rank first: rounding then keeps q >= p exactly.
    adjusted = np.minimum.accumulate(p[descending] * (len(p) / ranks))
    q = np.empty_like(p)
    q[descending] = np.minimum(adjusted, 1.0)
    return q


# ---------------------------------------------------------------- counts from case-level frames


def counts_from_cases(
    frame: pd.DataFrame,
    kind: str,
    key_column: str,
    date_column: str,
    label_column: str | None = None,
    total_column: str | None = None,
    *,
    separator: str | None = None,
    key_prefix: str = "",
) -> pd.DataFrame:
    """Monthly counts per key, in the long format :func:`detect_signals` reads.

    Parameters
    ----------
    frame : DataFrame
        One row per case.
    kind : str
        Kind of the keys, e.g. ``"corridor"`` (see :data:`KINDS`).
    key_column : str
        The key each case counts under; a missing or empty key counts under no key
        (the case still counts in the total).
    date_column : str
        Date of each case (text ``YYYY-MM-DD`` or datetime); cases without one are dropped.
    label_column : str, optional
        Human text of each key (its first non-missing value); the key itself by default.
    total_column : str, optional
        The reference population each case belongs to (e.g. the corridor, or
        ``crime_type`` on a frame of trafficking cases). ``total`` is then the number
        of cases of the key's population in the month, with a row (maybe of 0 cases)
        for every month the population has cases. A key must belong to one population.
    separator : str, optional
        Split multi-valued keys (e.g. ``";"``): a case counts once under each value.
    key_prefix : str
        Text put before every key, e.g. ``"recruitment_method:"``.

    Returns
    -------
    DataFrame
        Columns ``kind``, ``key``, ``label``, ``period_start`` (month start), ``cases``
        and, with ``total_column``, ``total``; sorted by key and month.

    Examples
    --------
    >>> cases = pd.DataFrame({"date": ["2024-01-05", "2024-01-20", "2024-02-03"],
    ...                       "method": ["internet;job_offer", "job_offer", ""],
    ...                       "crime_type": "trafficking"})
    >>> counts = counts_from_cases(cases, "modus", "method", "date", total_column="crime_type",
    ...                            separator=";", key_prefix="recruitment_method:")
    >>> print(counts[["key", "period_start", "cases", "total"]].to_string(index=False))
                             key period_start  cases  total
     recruitment_method:internet   2024-01-01      1      2
     recruitment_method:internet   2024-02-01      0      1
    recruitment_method:job_offer   2024-01-01      2      2
    recruitment_method:job_offer   2024-02-01      0      1
    >>> counts_from_cases(cases.iloc[:0], "modus", "method", "date").columns.tolist()
    ['kind', 'key', 'label', 'period_start', 'cases']
    """
    months = _month_start(frame[date_column])
    dated = months.notna()
    keyed = _keyed_cases(frame[dated], months[dated], key_column, label_column, total_column, separator, key_prefix)
    counts = keyed.groupby([KEY, PERIOD_START]).size().rename(CASES).reset_index()
    if total_column is not None:
        counts = _with_totals(counts, keyed, frame.loc[dated, total_column], months[dated], total_column)
    counts.insert(0, KIND, kind)
    counts.insert(2, LABEL, _labels(keyed, counts[KEY]) if label_column else counts[KEY])
    counts[CASES] = counts[CASES].astype("int64")
    return counts.sort_values([KEY, PERIOD_START], ignore_index=True)


def _month_start(dates: pd.Series) -> pd.Series:
    days = pd.to_datetime(dates, errors="coerce")
    return days.dt.to_period("M").dt.start_time.astype("datetime64[s]")


def _keyed_cases(
    frame: pd.DataFrame,
    months: pd.Series,
    key_column: str,
    label_column: str | None,
    total_column: str | None,
    separator: str | None,
    key_prefix: str,
) -> pd.DataFrame:
    """One row per case and key it counts under, with its month, label and population."""
    keys = frame[key_column].astype("string")
    keyed = pd.DataFrame(
        {
            KEY: keys.str.split(separator, regex=False) if separator else keys,
            PERIOD_START: months,
            **({LABEL: frame[label_column].astype("string")} if label_column else {}),
            **({_GROUP: frame[total_column]} if total_column else {}),
        }
    )
    if separator:
        keyed = keyed.explode(KEY)
    keyed = keyed[keyed[KEY].notna() & (keyed[KEY].str.strip() != "")]
    return keyed.assign(**{KEY: key_prefix + keyed[KEY].str.strip()})


def _labels(keyed: pd.DataFrame, keys: pd.Series) -> pd.Series:
    """Each key's first non-missing label, or the key itself."""
    labels = keys.map(keyed.groupby(KEY)[LABEL].first())
    return labels.where(labels.notna(), keys)


def _with_totals(
    counts: pd.DataFrame, keyed: pd.DataFrame, groups: pd.Series, months: pd.Series, total_column: str
) -> pd.DataFrame:
    """Add each key's population total, on every month its population has cases."""
    totals = pd.DataFrame({_GROUP: groups, PERIOD_START: months}).groupby([_GROUP, PERIOD_START]).size()
    key_groups = keyed[[KEY, _GROUP]].drop_duplicates()
    spanning = key_groups[KEY][key_groups[KEY].duplicated()]
    if len(spanning):
        raise ValueError(
            f"key {spanning.iloc[0]!r} belongs to several values of {total_column!r}; "
            f"expected one reference population per key"
        )
    grid = key_groups.merge(totals.rename(TOTAL).reset_index(), on=_GROUP)
    merged = grid.merge(counts, on=[KEY, PERIOD_START], how="left")
    merged[CASES] = merged[CASES].fillna(0)
    return merged[[KEY, PERIOD_START, CASES, TOTAL]].astype({TOTAL: "int64"})


# ---------------------------------------------------------------- the comparison


def compare_periods(
    counts: pd.DataFrame,
    *,
    latest: Period,
    baseline: Period,
    min_count: int = MIN_COUNT,
    directions: Sequence[str] = DIRECTIONS,
) -> pd.DataFrame:
    """Compare every key's latest period with its baseline: counts, rates, p- and q-values.

    A month belongs to a period when its first day does; a period's length is its
    number of months. Keys whose cases in both periods add up to fewer than
    ``min_count`` (or, for shares, whose population has no case in a period) are not
    tested: their p- and q-values are missing. q-values are Benjamini–Hochberg over
    all keys tested together, whatever their kind.

    Parameters
    ----------
    counts : DataFrame
        Columns ``kind``, ``key``, ``period_start`` and ``cases``, optionally ``label``
        and ``total`` (see :func:`detect_signals`).
    latest, baseline : tuple of date
        First and last day of each period; they must not share a month.
    min_count : int
        The minimum-count guard.
    directions : sequence of str
        ``("up", "down")`` tests changes both ways; ``("up",)`` rises only (one-sided).

    Returns
    -------
    DataFrame
        One row per key, columns :data:`COMPARISON_COLUMNS`, sorted by kind and key.

    Examples
    --------
    >>> counts = pd.DataFrame({"kind": "hub", "key": ["PAN", "PAN", "CRI"],
    ...                        "period_start": pd.to_datetime(["2024-01-01", "2025-01-01", "2025-01-01"]),
    ...                        "cases": [10, 30, 3]})
    >>> table = compare_periods(counts, latest=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ...                         baseline=(dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
    >>> print(table[["key", "direction", "baseline_cases", "latest_cases", "tested"]].to_string(index=False))
    key direction  baseline_cases  latest_cases  tested
    CRI        up               0             3   False
    PAN        up              10            30    True
    >>> table.loc[table["key"] == "CRI", "reason"].item()
    'CRI: not tested, 0 → 3 cases is fewer than 5'
    """
    return _comparison(counts, latest, baseline, min_count, directions)[list(COMPARISON_COLUMNS)]


def detect_signals(
    counts: pd.DataFrame,
    *,
    latest: Period,
    baseline: Period,
    fdr: float = DEFAULT_FDR,
    min_count: int = MIN_COUNT,
    min_ratio: float = MIN_RATIO,
    directions: Sequence[str] = DIRECTIONS,
) -> pd.DataFrame:
    """The keys whose latest period differs from the baseline beyond chance: emerging signals.

    A signal is a tested key (see :func:`compare_periods`) whose q-value is at most
    ``fdr`` and whose rate or share changed at least ``min_ratio`` times (up) or
    ``1 / min_ratio`` times (down), in one of ``directions``.

    Parameters
    ----------
    counts : DataFrame
        Monthly counts, long: ``kind`` (e.g. ``"corridor"``), ``key`` (e.g.
        ``"VEN>COL>PER"``), ``label`` (human text, optional), ``period_start`` (month
        start), ``cases``; optionally ``total``, the cases of the key's reference
        population in the month, to test the key's share of it rather than its rate
        (every month with reference cases then needs a row, even with 0 cases).
    latest, baseline : tuple of date
        First and last day of each period; they must not share a month.
    fdr : float
        False discovery rate, in (0, 1).
    min_count : int
        Keys with fewer cases than this in both periods together are not tested.
    min_ratio : float
        The smallest change worth a signal, at least 1.
    directions : sequence of str
        ``("up", "down")`` (default) or one of them.

    Returns
    -------
    DataFrame
        One row per signal, columns :data:`SIGNAL_COLUMNS`, largest change first
        (ties by q-value); ``attrs["tested"]`` and ``attrs["not_tested"]`` count keys.

    Examples
    --------
    >>> months = pd.date_range("2024-01-01", "2024-12-01", freq="MS")
    >>> counts = pd.DataFrame({"kind": "corridor", "key": "VEN>COL>PER", "label": "Online recruitment on VEN>COL>PER",
    ...                        "period_start": months, "cases": [2] * 6 + [8] * 6})
    >>> signals = detect_signals(counts, latest=(dt.date(2024, 7, 1), dt.date(2024, 12, 31)),
    ...                          baseline=(dt.date(2024, 1, 1), dt.date(2024, 6, 30)))
    >>> signals["reason"].tolist()
    ['Online recruitment on VEN>COL>PER: 12 → 48 cases, +300 %']
    >>> float(signals["p_value"].round(8).item()), signals.attrs
    (3.18e-06, {'tested': 1, 'not_tested': 0})
    >>> detect_signals(counts.iloc[:0], latest=(dt.date(2024, 7, 1), dt.date(2024, 12, 31)),
    ...                baseline=(dt.date(2024, 1, 1), dt.date(2024, 6, 30))).shape
    (0, 17)
    """
    _check_thresholds(fdr, min_ratio)
    table = _comparison(counts, latest, baseline, min_count, directions)
    found = (
        table[TESTED]
        & (table[Q_VALUE] <= fdr)
        & table[DIRECTION].isin(list(directions))
        & (table[_LOG_RATIO].abs() >= np.log(min_ratio))
    )
    signals = table[found]
    signals = signals.assign(_size=signals[_LOG_RATIO].abs())
    signals = signals.sort_values(["_size", Q_VALUE, KIND, KEY], ascending=[False, True, True, True])
    signals = signals[list(SIGNAL_COLUMNS)].reset_index(drop=True)
    signals.attrs = {"tested": int(table[TESTED].sum()), "not_tested": int((~table[TESTED]).sum())}
    return signals


# ---------------------------------------------------------------- steps


def _comparison(
    counts: pd.DataFrame, latest: Period, baseline: Period, min_count: int, directions: Sequence[str]
) -> pd.DataFrame:
    """The comparison table of :func:`compare_periods`, with the private log ratio."""
    latest_span, baseline_span = _check_options(counts, latest, baseline, min_count, directions)
    _check_counts(counts)
    months = (_months(latest_span), _months(baseline_span))
    table = _period_sums(counts, latest_span, baseline_span)
    table = _measures(table, *months)
    tested = _guard(table, min_count)
    p_values = _p_values(table[tested], *months, directions)
    table[P_VALUE] = pd.Series(p_values, index=table.index[tested], dtype=float)
    table[Q_VALUE] = pd.Series(benjamini_hochberg(p_values), index=table.index[tested], dtype=float)
    table[TESTED] = tested
    table[REASON] = _reasons(table, *months, min_count)
    return table


def _check_options(
    counts: pd.DataFrame, latest: Period, baseline: Period, min_count: int, directions: Sequence[str]
) -> tuple[MonthSpan, MonthSpan]:
    """Validate the options; return the first and last month start of the latest and baseline periods."""
    missing = [name for name in (KIND, KEY, PERIOD_START, CASES) if name not in counts.columns]
    if missing:
        raise ValueError(
            f"counts lack the columns {missing}; expected {KIND}, {KEY}, {PERIOD_START}, {CASES} "
            f"and optionally {LABEL}, {TOTAL}"
        )
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ValueError(f"min_count must be a positive integer, got {min_count!r}")
    if not directions or any(d not in DIRECTIONS for d in directions):
        raise ValueError(f"directions must be some of {DIRECTIONS}, got {directions!r}")
    latest_span, baseline_span = _month_span(latest, "latest"), _month_span(baseline, "baseline")
    if latest_span[0] <= baseline_span[1] and baseline_span[0] <= latest_span[1]:
        raise ValueError(f"latest {latest!r} and baseline {baseline!r} share months; expected separate periods")
    return latest_span, baseline_span


def _check_thresholds(fdr: float, min_ratio: float) -> None:
    if not 0 < fdr < 1:
        raise ValueError(f"fdr must lie strictly between 0 and 1, got {fdr!r}")
    if not 1 <= min_ratio < np.inf:
        raise ValueError(f"min_ratio must be a finite number of at least 1, got {min_ratio!r}")


def _check_counts(counts: pd.DataFrame) -> None:
    cases = counts[CASES]
    total = counts[TOTAL] if TOTAL in counts.columns else pd.Series(np.nan, index=counts.index)
    bad = (cases < 0) | (total.notna() & (cases > total))
    if bad.any():
        first = counts[bad].iloc[0]
        against = "" if pd.isna(total[bad].iloc[0]) else f" against a total of {total[bad].iloc[0]:g}"
        raise ValueError(
            f"key {first[KEY]!r} has {first[CASES]:g} cases in the month of "
            f"{pd.Timestamp(first[PERIOD_START]):%Y-%m}{against}; expected 0 <= cases (<= total)"
        )


def _month_span(period: Period, name: str) -> MonthSpan:
    """First and last month start within the period (a month belongs to it when its first day does)."""
    starts = pd.date_range(pd.Timestamp(period[0]), pd.Timestamp(period[1]), freq="MS")
    if len(starts) == 0:
        raise ValueError(
            f"{name} period {period!r} contains no first day of a month; "
            f"expected (first day, last day) covering at least one month"
        )
    return starts[0], starts[-1]


def _months(span: MonthSpan) -> int:
    first, last = span
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _period_sums(counts: pd.DataFrame, latest_span: MonthSpan, baseline_span: MonthSpan) -> pd.DataFrame:
    """Cases and totals of each key in the latest and baseline periods, and its measure."""
    starts = pd.to_datetime(counts[PERIOD_START])
    in_latest, in_baseline = starts.between(*latest_span).to_numpy(), starts.between(*baseline_span).to_numpy()
    cases = counts[CASES].to_numpy(dtype=float)
    total = counts[TOTAL].to_numpy(dtype=float) if TOTAL in counts.columns else np.full(len(counts), np.nan)
    grouped = pd.DataFrame(
        {
            KIND: counts[KIND].to_numpy(),
            KEY: counts[KEY].to_numpy(),
            LABEL: (counts[LABEL] if LABEL in counts.columns else counts[KEY]).to_numpy(),
            LATEST_CASES: cases * in_latest,
            BASELINE_CASES: cases * in_baseline,
            LATEST_TOTAL: np.where(in_latest, total, 0.0),
            BASELINE_TOTAL: np.where(in_baseline, total, 0.0),
            "_rate_months": np.isnan(total),
            "_months": 1,
        }
    ).groupby([KIND, KEY], sort=True)
    sums = grouped[[BASELINE_CASES, LATEST_CASES, BASELINE_TOTAL, LATEST_TOTAL, "_rate_months", "_months"]].sum()
    _check_totals(sums)
    sums.insert(0, LABEL, grouped[LABEL].first())
    rate = sums["_rate_months"].to_numpy() > 0
    sums[MEASURE] = np.where(rate, "rate", "share")
    sums.loc[rate, [BASELINE_TOTAL, LATEST_TOTAL]] = np.nan
    sums = sums.drop(columns=["_rate_months", "_months"]).astype({BASELINE_CASES: "int64", LATEST_CASES: "int64"})
    return sums.reset_index()


def _check_totals(sums: pd.DataFrame) -> None:
    mixed = sums[(sums["_rate_months"] > 0) & (sums["_rate_months"] < sums["_months"])]
    if len(mixed):
        raise ValueError(
            f"key {mixed.index[0][1]!r} has a {TOTAL} in some months only; expected it in all "
            f"months (a share) or in none (a rate)"
        )


def _measures(table: pd.DataFrame, latest_months: int, baseline_months: int) -> pd.DataFrame:
    """Rates per month, shares, the ratio latest / baseline and the direction of change."""
    table[BASELINE_RATE] = table[BASELINE_CASES] / baseline_months
    table[LATEST_RATE] = table[LATEST_CASES] / latest_months
    with np.errstate(divide="ignore", invalid="ignore"):
        table[BASELINE_SHARE] = table[BASELINE_CASES] / table[BASELINE_TOTAL]
        table[LATEST_SHARE] = table[LATEST_CASES] / table[LATEST_TOTAL]
        share = table[MEASURE].eq("share")
        before = np.where(share, table[BASELINE_SHARE], table[BASELINE_RATE])
        after = np.where(share, table[LATEST_SHARE], table[LATEST_RATE])
        table[RATIO] = after / before
        # log(after) - log(before) is exactly antisymmetric when the periods swap.
        log_ratio = np.log(after) - np.log(before)
    table[_LOG_RATIO] = np.where(np.isnan(log_ratio), 0.0, log_ratio)
    table[DIRECTION] = np.select([table[_LOG_RATIO] > 0, table[_LOG_RATIO] < 0], list(DIRECTIONS), _FLAT)
    return table


def _guard(table: pd.DataFrame, min_count: int) -> pd.Series:
    """Keys with enough cases (and, for shares, a population in both periods) are tested."""
    enough = table[BASELINE_CASES] + table[LATEST_CASES] >= min_count
    populated = table[MEASURE].eq("rate") | ((table[BASELINE_TOTAL] > 0) & (table[LATEST_TOTAL] > 0))
    return enough & populated


def _p_values(table: pd.DataFrame, latest_months: int, baseline_months: int, directions: Sequence[str]) -> np.ndarray:
    """One p-value per key: one-sided for one direction, doubled smaller one-sided for both."""
    share = table[MEASURE].eq("share").to_numpy()
    latest, baseline = table[LATEST_CASES].to_numpy(), table[BASELINE_CASES].to_numpy()
    # The exposure is the period's length for a rate, its population for a share.
    latest_exposure = np.where(share, table[LATEST_TOTAL], latest_months)
    baseline_exposure = np.where(share, table[BASELINE_TOTAL], baseline_months)
    up = _upper_tail(latest, baseline, latest_exposure, baseline_exposure, share)
    down = _upper_tail(baseline, latest, baseline_exposure, latest_exposure, share)
    if set(directions) == set(DIRECTIONS):
        return np.minimum(1.0, 2 * np.minimum(up, down))
    return up if directions[0] == "up" else down


def _upper_tail(
    mine: np.ndarray, other: np.ndarray, my_exposure: np.ndarray, other_exposure: np.ndarray, share: np.ndarray
) -> np.ndarray:
    """P(at least ``mine`` of the ``mine + other`` cases fall in my period if nothing changed).

    Rates: Binomial(n, my months / all months). Shares: hypergeometric draw of my
    period's population from both periods' (Fisher's exact test).
    """
    n = mine + other
    binomial = stats.binom.sf(mine - 1, n, my_exposure / (my_exposure + other_exposure))
    population = np.where(share, my_exposure + other_exposure, n).astype(np.int64)
    hypergeometric = stats.hypergeom.sf(mine - 1, population, n, np.where(share, my_exposure, n).astype(np.int64))
    return np.clip(np.where(share, hypergeometric, binomial), 0.0, 1.0)


def _reasons(table: pd.DataFrame, latest_months: int, baseline_months: int, min_count: int) -> list[str]:
    """Plain-language reason per key."""
    return [_reason(row, latest_months, baseline_months, min_count) for row in table.to_dict("records")]


def _reason(row: dict, latest_months: int, baseline_months: int, min_count: int) -> str:
    before, after = row[BASELINE_CASES], row[LATEST_CASES]
    if not row[TESTED]:
        if before + after < min_count:
            return f"{row[LABEL]}: not tested, {before} → {after} cases is fewer than {min_count}"
        return f"{row[LABEL]}: not tested, no reference cases in one of the periods"
    change = _percent_change(row[RATIO])
    if row[MEASURE] == "share":
        return (
            f"{row[LABEL]}: share {_percent(row[BASELINE_SHARE])} → {_percent(row[LATEST_SHARE])} ({before} of "
            f"{row[BASELINE_TOTAL]:.0f} → {after} of {row[LATEST_TOTAL]:.0f} cases), {change}"
        )
    if latest_months == baseline_months:
        return f"{row[LABEL]}: {before} → {after} cases, {change}"
    return (
        f"{row[LABEL]}: {before} cases in {baseline_months} months → {after} in {latest_months} months, "
        f"{row[BASELINE_RATE]:.1f} → {row[LATEST_RATE]:.1f} per month, {change} per month"
    )


def _percent(share: float) -> str:
    # Below 10 % a decimal keeps small shares apart (1.1 % → 0.4 %, not 1 % → 0 %).
    return f"{share * 100:.1f} %" if share < 0.1 else f"{share * 100:.0f} %"


def _percent_change(ratio: float) -> str:
    if np.isinf(ratio):
        return "new"
    percent = round((ratio - 1) * 100)
    return f"{percent:+d} %" if percent else "±0 %"


# --- signals of the store: monthly counts, the baseline, the table shown ---------------------


def _month_grid(frame: pd.DataFrame, keys: list[str], group: list[str]) -> pd.DataFrame:
    """Add zero-case rows so every key has a row in every month its reference population has cases."""
    totals = frame[["month", *group, "total"]].drop_duplicates()
    keyset = frame[[*group, *keys]].drop_duplicates()
    grid = totals.merge(keyset, on=group)
    return grid.merge(frame[["month", *group, *keys, "cases"]], on=["month", *group, *keys], how="left").fillna(
        {"cases": 0}
    )


def signal_counts(
    con: duckdb.DuckDBPyConnection, filters: Filters, first: dt.date, last: dt.date, graph=None
) -> pd.DataFrame:
    """Monthly counts for :func:`detect_signals`: modus-operandi shares,
    rebuilt corridors and hubs as rates, of the records dated to their day or month."""
    source = "rollup" if _rollups_answer(con, filters, first, last) else "cases"
    modus = con.execute(*sql.monthly_modus(filters, first, last, source)).df()
    frames = []
    if len(modus):
        modus = _month_grid(modus, ["code"], ["dimension"])
        frames.append(
            pd.DataFrame(
                {
                    "kind": "modus",
                    "key": modus["dimension"] + ":" + modus["code"],
                    "label": [
                        f"{d.replace('_', ' ').capitalize()}: {label(d, c)}"
                        for d, c in zip(modus["dimension"], modus["code"])
                    ],
                    "period_start": pd.to_datetime(modus["month"]),
                    "cases": modus["cases"].astype("int64"),
                    "total": modus["total"].astype("int64"),
                }
            )
        )
    text, params = sql.monthly_signatures(filters, first, last)
    signatures = con.execute(text, params).df()
    if len(signatures):
        routes = reconstruct_routes(signatures, graph)
        corridors = routes.groupby(["route", "month"], as_index=False)["cases"].sum()
        frames.append(
            pd.DataFrame(
                {
                    "kind": "corridor",
                    "key": corridors["route"],
                    "label": corridors["route"],
                    "period_start": pd.to_datetime(corridors["month"]),
                    "cases": corridors["cases"],
                    "total": float("nan"),
                }
            )
        )
        hubs = routes.assign(country=routes["route"].str.split(">")).explode("country")
        hubs = hubs.groupby(["country", "month"], as_index=False)["cases"].sum()
        frames.append(
            pd.DataFrame(
                {
                    "kind": "hub",
                    "key": hubs["country"],
                    "label": [country_name(c) for c in hubs["country"]],
                    "period_start": pd.to_datetime(hubs["month"]),
                    "cases": hubs["cases"],
                    "total": float("nan"),
                }
            )
        )
        frames.append(_corridor_modus_counts(con, filters, first, last, graph))
    columns = ["kind", "key", "label", "period_start", "cases", "total"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def _rollups_answer(con, filters: Filters, first: dt.date, last: dt.date) -> bool:
    """True when the rollups hold what the monthly counts ask: the filters, whole months, and no record of
    the period dated only to a year or a band (the rollups know no date precision); the case tables cost
    seconds at 1M cases."""
    if not covers(filters, (first, last)):
        return False
    return con.execute(*sql.coarse_dated_cases(filters, first, last)).fetchall()[0][0] == 0


def _corridor_modus_counts(con, filters: Filters, first: dt.date, last: dt.date, graph) -> pd.DataFrame:
    """Shares of each modus-operandi code among the cases of a rebuilt corridor, per month."""
    coded = con.execute(*sql.monthly_signature_modus(filters, first, last, months_only=True)).df()
    totals = con.execute(*sql.monthly_signature_modus(filters, first, last, reporting=True, months_only=True)).df()
    signature = list(SIGNATURE_COLUMNS)
    route_of = routes_of(totals, graph)
    coded = (
        coded.merge(route_of, on=signature, how="left")
        .groupby(["month", "route", "dimension", "code"], as_index=False)["cases"]
        .sum()
    )
    totals = (
        totals.merge(route_of, on=signature, how="left")
        .groupby(["month", "route", "dimension"], as_index=False)["cases"]
        .sum()
        .rename(columns={"cases": "total"})
    )
    frame = _month_grid(coded.merge(totals, on=["month", "route", "dimension"]), ["code"], ["route", "dimension"])
    return pd.DataFrame(
        {
            "kind": "corridor_modus",
            "key": frame["route"] + " " + frame["dimension"] + ":" + frame["code"],
            "label": [f"{label(d, c)} on {r}" for r, d, c in zip(frame["route"], frame["dimension"], frame["code"])],
            "period_start": pd.to_datetime(frame["month"]),
            "cases": frame["cases"].astype("int64"),
            "total": frame["total"].astype("int64"),
        }
    )


def emerging_signals(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    latest: tuple[dt.date, dt.date],
    baseline: tuple[dt.date, dt.date],
    graph=None,
) -> pd.DataFrame:
    """Signals of the latest period against the baseline, for corridors, hubs and modus operandi."""
    counts = signal_counts(con, filters, baseline[0], latest[1], graph)
    if counts.empty:
        return pd.DataFrame(
            columns=[
                "kind",
                "key",
                "label",
                "direction",
                "baseline_cases",
                "latest_cases",
                "ratio",
                "q_value",
                "measure",
            ]
        )
    return detect_signals(counts, latest=latest, baseline=baseline)


#: How each kind of signal key reads on screen.
SIGNAL_KINDS = {
    "corridor": N_("Corridor"),
    "hub": N_("Country (hub)"),
    "modus": N_("Modus operandi"),
    "corridor_modus": N_("Modus operandi on a corridor"),
}


def signal_baseline(latest: tuple[dt.date, dt.date], months: int = 24) -> tuple[dt.date, dt.date]:
    """The ``months`` whole months before the latest period: the baseline of the signals.

    >>> signal_baseline((dt.date(2025, 10, 1), dt.date(2026, 9, 30)))
    (datetime.date(2023, 10, 1), datetime.date(2025, 9, 30))
    """
    first = latest[0].replace(day=1)
    index = first.year * 12 + first.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1), first - dt.timedelta(days=1)


def _month_count(period: tuple[dt.date, dt.date]) -> int:
    return (period[1].year - period[0].year) * 12 + period[1].month - period[0].month + 1


def signal_what(kind: str, key: str, lang: str = "en") -> str:
    """What a signal is about, in ``lang``, from its kind and key.

    >>> signal_what("modus", "transport_mode:sea", "es")
    'Modo de transporte: Marítimo'
    >>> signal_what("corridor_modus", "VEN>COL platform:tiktok")
    'TikTok on VEN>COL'
    """
    if kind == "modus" and ":" in key:
        dimension, code = key.split(":", 1)
        return f"{dimension_name(dimension, lang)}: {label(dimension, code, lang)}"
    if kind == "hub":
        return country_name(key, lang)
    if kind == "corridor_modus" and " " in key:
        route, coded = key.split(" ", 1)
        dimension, code = coded.split(":", 1)
        return gettext(lang, "{what} on {corridor}").format(what=label(dimension, code, lang), corridor=route)
    return key


def signal_table(
    signals: pd.DataFrame,
    latest: tuple[dt.date, dt.date],
    baseline: tuple[dt.date, dt.date],
    k: int = SMALL_CELL_K,
    lang: str = "en",
) -> pd.DataFrame:
    """Signals as shown: what, direction and a reason whose counts pass small-cell protection.

    When either period holds 1 to k-1 cases, the counts read "<k" and the percent change
    is left out (it would give the small count away).
    """
    _ = translator(lang).gettext
    rows = []
    span = " " + _("({before} cases in {months_before} months → {after} in {months_after})")
    for s in signals.itertuples(index=False):
        before, after = int(s.baseline_cases), int(s.latest_cases)
        small = 1 <= before < k or 1 <= after < k
        arrow = _("rising") if s.direction == "up" else _("falling")
        if small:
            change = arrow
        elif s.measure == "share":
            change = _("share of the cases {before}% → {after}%").format(
                before=f"{100 * s.baseline_share:.0f}", after=f"{100 * s.latest_share:.0f}"
            )
        else:
            change = _("new") if before == 0 else f"{100 * (s.ratio - 1):+.0f}%"
        counts = span.format(
            before=format_count(before, k, lang=lang),
            months_before=_month_count(baseline),
            after=format_count(after, k, lang=lang),
            months_after=_month_count(latest),
        )
        if s.measure == "rate" and not small and before:
            change = _("{change} per month").format(change=change)
        rows.append(
            {
                "kind": _(SIGNAL_KINDS.get(s.kind, s.kind)),
                "what": signal_what(s.kind, s.key, lang),
                "direction": arrow,
                "reason": f"{change}{counts}",
                "q_value": float(s.q_value),
            }
        )
    return pd.DataFrame(rows, columns=["kind", "what", "direction", "reason", "q_value"])
