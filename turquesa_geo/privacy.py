"""Small-cell protection: no displayed count of cases or persons between 1 and k-1.

Every table, chart and export passes its counts through here. This module does
primary suppression; secondary suppression and the differencing guard build on it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["SMALL_CELL_K", "is_small", "suppress_small_cells", "format_protected", "format_count"]

#: Default threshold: counts from 1 to K-1 are never shown.
SMALL_CELL_K = 5


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


def format_protected(frame: pd.DataFrame, columns: Sequence[str], k: int = SMALL_CELL_K) -> pd.DataFrame:
    """Return a copy for display: small counts read ``<k``, others as whole numbers.

    >>> format_protected(pd.DataFrame({"n": [0, 3, 1234]}), ["n"])["n"].tolist()
    ['0', '<5', '1,234']
    """
    out = frame.copy()
    for column in columns:
        values = pd.to_numeric(out[column], errors="coerce")
        out[column] = [None if pd.isna(v) else format_count(int(v), k) for v in values]
    return out


def format_count(value: int | None, k: int = SMALL_CELL_K, grouping: bool = True) -> str:
    """One count for display: ``<k`` when small; thousands grouped unless ``grouping`` is False.

    >>> format_count(3), format_count(0), format_count(12345), format_count(12345, grouping=False)
    ('<5', '0', '12,345', '12345')
    """
    if value is None:
        return ""
    if 1 <= value < k:
        return f"<{k}"
    return f"{int(value):,}" if grouping else str(int(value))


def format_change(now: int | None, before: int | None, k: int = SMALL_CELL_K) -> str | None:
    """A change in percent for display, or None when either count is missing or small.

    >>> format_change(120, 100), format_change(120, 3), format_change(7, None)
    ('+20%', None, None)
    """
    if now is None or before is None or before < k or 1 <= now < k or before == 0:
        return None
    return f"{100 * (now - before) / before:+.0f}%"
