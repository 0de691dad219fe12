"""Garbled copies of the public-data fixtures: the property that one bad cell never stops a file.

A garbling puts, in every column of a hand-made fixture, one cell of a drawn row to a drawn value:
nothing, NaN-like text, a number written as text, text where a number belongs, and in JSON also a
number where text belongs, null, NaN, a list or an object. The tests import each garbled copy into
a fresh store and check :func:`check_reconciled`. Used by tests/ingest/profiles/test_{mmp,ctdc}.py.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from hypothesis import strategies as st

from turquesa_geo.ingest.flat import QUARANTINE_RULES, ImportResult

#: What a cell may become: blanks and NaN-like text, numbers as text, text where a number goes.
CELL_VALUES: tuple[str, ...] = (
    "",
    " ",
    "nan",
    "NaN",
    "None",
    "null",
    "-99",
    "0",
    "3",
    "-2",
    "1.5",
    "2021",
    "1e400",
    "two",
    "n/a",
    "8.45, -77.65",
    "2023-02-30",
    "Atlantis",
    "=1+1",
)

#: In JSON, values of the other types too: numbers where text goes, null, NaN (Python's json writes
#: and reads it), a boolean, a list and an object.
JSON_VALUES: tuple[object, ...] = (
    *CELL_VALUES,
    None,
    0,
    3,
    -2,
    1.5,
    2021,
    float("nan"),
    float("inf"),
    True,
    ["a", 1],
    {"a": 1},
)


def garblings(columns: int, rows: int, values: tuple[object, ...]) -> st.SearchStrategy[list[tuple[int, object]]]:
    """One (row, value) per column, in column order."""
    return st.lists(st.tuples(st.integers(0, rows - 1), st.sampled_from(values)), min_size=columns, max_size=columns)


def csv_shape(path: Path) -> tuple[int, int]:
    """(columns, data rows) of a CSV fixture."""
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    return len(rows[0]), len(rows) - 1


def json_shape(path: Path) -> tuple[int, int]:
    """(keys in all records, records) of a JSON fixture."""
    records = json.loads(path.read_text(encoding="utf-8"))
    return len(_keys(records)), len(records)


def garbled_csv(path: Path, garbling: list[tuple[int, object]]) -> str:
    """The CSV fixture with cell (row, column) of each garbling's column replaced; the header kept."""
    header, *rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    for column, (row, value) in enumerate(garbling):
        rows[row][column] = str(value)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue()


def garbled_json(path: Path, garbling: list[tuple[int, object]]) -> str:
    """The JSON fixture with each garbling's key set (or added) in the drawn record."""
    records = json.loads(path.read_text(encoding="utf-8"))
    for key, (row, value) in zip(_keys(records), garbling):
        records[row][key] = value
    return json.dumps(records, ensure_ascii=False)


def check_reconciled(con, result: ImportResult, rows: int) -> None:
    """Every row read is accepted or quarantined by a quarantine rule, and the accepted rows are stored
    as cases (rows folded into another case aside)."""
    assert not result.already_imported
    assert result.rows_read == rows
    assert result.rows_read == result.rows_accepted + result.rows_quarantined
    assert set(result.quarantine_by_rule) <= set(QUARANTINE_RULES)
    stored = con.execute("SELECT count(*) FROM cases").fetchall()[0][0]
    assert stored == result.rows_accepted - result.rows_merged


def _keys(records: list[dict]) -> list[str]:
    return list(dict.fromkeys(key for record in records for key in record))
