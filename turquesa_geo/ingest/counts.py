"""Write aggregate public data (UNODC GLOTIP, US CBP, US TIP report) into ``aggregate_counts``, as one reconciled import.

The file's profile reads it into counts, flags and problems (its ``to_counts``); this
module writes them. Like the case importers, it keeps every count it can store: a count
with a doubt (an age band, sex or category no vocabulary knows) is stored as written and
counted among the import's flagged rows; only a row that cannot be a count is quarantined.
A profile may fold several rows of the file into one count (CBP sums its areas of
responsibility): the count says how many in ``rows``, and the rows folded into another
row's count are the import's merged rows (read = accepted + quarantined, accepted =
inserted + updated + unchanged + merged).
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd
import pyarrow as pa

from turquesa_geo.ingest.ledger import (
    ImportResult,
    insert_quarantine,
    next_import_id,
    quarantine_by_rule,
    quarantine_ragged,
    record_import,
    register_table,
    require_reconciled,
)
from turquesa_geo.ingest.profiles import profile
from turquesa_geo.ingest.profiles.common import as_text, text_array
from turquesa_geo.ingest.readers import LINE_COLUMN, StageInfo
from turquesa_geo.store.connection import transaction
from turquesa_geo.store.queries import drop_temp_sql, select_all_sql
from turquesa_geo.store.queries.ingest_counts import delete_replaced_counts_sql, insert_counts_sql, tally_counts_sql

__all__ = ["import_counts"]

#: Temporary table of the accepted counts of the file being imported.
_STAGED = "g_counts"

#: Where a profile lists a count's doubts (a tuple of flag rules), and how many rows of the file it stands for.
FLAG_COLUMN, ROWS_COLUMN = "flags", "rows"

#: Text columns of a staged count (year and value are numbers).
_TEXT_COLUMNS = (
    "source",
    "indicator",
    "dimension",
    "category",
    "country",
    "area",
    "sex",
    "age_group",
    "breakdown",
    "unit",
    "censored",
    "row_hash",
)


def import_counts(
    con: duckdb.DuckDBPyConnection, info: StageInfo, result: ImportResult, source: str, started: dt.datetime
) -> None:
    """Validate a staged file of aggregate counts and write its counts, quarantine and import record in one transaction.

    The profile is ``result.profile`` (GLOTIP, CBP, TIP report: any with ``to_counts``).

    Parameters
    ----------
    con : duckdb connection
        A writable store connection holding the staged file (``info.cells``).
    info : StageInfo
        What the reader staged.
    result : ImportResult
        Filled in place: ids, reconciliation, ignored columns, notes.
    source : str
        The source recorded with each count.
    started : datetime
        When the import started, for its record.
    """
    frame = as_text(con.execute(select_all_sql(info.cells)).df())
    chosen = profile(result.profile)
    if chosen.to_counts is None:
        raise ValueError(f"profile {chosen.name!r} writes cases, not aggregate counts")
    accepted, problems, mapping = chosen.to_counts(frame)
    accepted = _with_defaults(accepted)
    result.ignored_columns = [c for c in info.columns if c not in mapping.used]
    result.unmapped_codes, result.notes = mapping.unmapped, mapping.notes
    accepted = accepted.assign(source=source)
    accepted["row_hash"] = [
        _row_hash(v, c, k) for v, c, k in zip(accepted["value"], accepted["censored"], accepted["country"])
    ]
    register_table(con, _STAGED, _arrow_counts(accepted))
    try:
        with transaction(con):
            _write_counts(con, info, result, accepted, problems, frame.set_index(LINE_COLUMN))
            record_import(con, result, started)
            require_reconciled(result)
    finally:
        con.execute(drop_temp_sql("TABLE", _STAGED))


def _write_counts(
    con: duckdb.DuckDBPyConnection,
    info: StageInfo,
    result: ImportResult,
    accepted: pd.DataFrame,
    problems: pd.DataFrame,
    records: pd.DataFrame,
) -> None:
    """Replace changed counts, insert new ones, quarantine the problems, and reconcile ``result``."""
    result.import_id = import_id = next_import_id(con)
    unchanged, updated = con.execute(*tally_counts_sql(_STAGED)).fetchall()[0]
    con.execute(*delete_replaced_counts_sql(_STAGED))
    con.execute(*insert_counts_sql(_STAGED, import_id))
    _quarantine_problems(con, import_id, problems, records)
    quarantine_ragged(con, import_id, info.ragged)
    result.rows_accepted = int(accepted[ROWS_COLUMN].sum())
    result.rows_merged = result.rows_accepted - len(accepted)
    result.rows_unchanged, result.rows_updated = int(unchanged), int(updated)
    result.rows_inserted = len(accepted) - int(unchanged) - int(updated)
    result.quarantine_by_rule = quarantine_by_rule(con, import_id)
    result.rows_quarantined = int(problems["line"].nunique()) + len(info.ragged)
    result.rows_flagged, result.flags_by_rule = _flag_tally(accepted[FLAG_COLUMN], accepted[ROWS_COLUMN])


def _with_defaults(accepted: pd.DataFrame) -> pd.DataFrame:
    """The accepted counts with the columns a profile may leave out: no month (a yearly count), no further
    breakdown, one row of the file per count, no flags."""
    defaults = {"month": None, "breakdown": "total", ROWS_COLUMN: 1, FLAG_COLUMN: ()}
    missing = {c: [v] * len(accepted) for c, v in defaults.items() if c not in accepted.columns}
    return accepted.assign(**missing) if missing else accepted


def _flag_tally(flags: pd.Series, rows: pd.Series) -> tuple[int, dict[str, int]]:
    """(rows with a flag, rows per flag rule) of the accepted counts' flag tuples, each count weighing the rows
    of the file it stands for (in the order the rules first appear).

    >>> _flag_tally(pd.Series([(), ("unknown_sex",), ("unknown_age_band", "unknown_sex")]), pd.Series([1, 1, 2]))
    (3, {'unknown_sex': 3, 'unknown_age_band': 2})
    """
    by_rule: dict[str, int] = {}
    for found, n in zip(flags, rows):
        for rule in found:
            by_rule[rule] = by_rule.get(rule, 0) + int(n)
    return int(sum(int(n) for found, n in zip(flags, rows) if found)), by_rule


def _row_hash(value: object, censored: object, country: object) -> str:
    """A fingerprint of what a count says, to tell a changed value from a repeated one.

    >>> _row_hash(12, None, "GTM"), _row_hash(float("nan"), "<5", None)
    ('[12, null, "GTM"]', '[null, "<5", null]')
    """
    return json.dumps([None if v is None or v != v else v for v in (value, censored, country)])


def _arrow_counts(frame: pd.DataFrame) -> pa.Table:
    """The accepted counts as an Arrow table typed like ``aggregate_counts``."""
    arrays = {c: text_array(frame[c]) for c in _TEXT_COLUMNS}
    arrays["year"] = pa.array(frame["year"].astype("int64"), pa.int32())
    arrays["month"] = pa.array([None if m is None or m != m else int(m) for m in frame["month"]], pa.int16())
    arrays["value"] = pa.array([None if v is None or v != v else int(v) for v in frame["value"]], pa.int64())
    return pa.table(arrays)


def _quarantine_problems(
    con: duckdb.DuckDBPyConnection, import_id: int, problems: pd.DataFrame, records: pd.DataFrame
) -> None:
    """Quarantine the problems the profile found, each with its row's cells as the record."""
    if problems.empty:
        return
    record = [
        json.dumps({k: v for k, v in records.loc[line].items() if v is not None and v == v}, ensure_ascii=False)
        for line in problems["line"]
    ]
    insert_quarantine(
        con,
        import_id,
        pa.table(
            {
                "line": pa.array(problems["line"].astype("int64")),
                "column_name": text_array(problems["column_name"]),
                "rule": text_array(problems["rule"]),
                "value": text_array(problems["value"]),
                "message": text_array(problems["message"]),
                "record": text_array(record),
            }
        ),
    )
