"""Parquet columns become text column-wise, exactly as the value-by-value rule writes them; a quarantine
download is read without the guard it put before formula-like cells."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pyarrow as pa
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from turquesa_geo.exports.tables import neutralise_cell
from turquesa_geo.ingest.readers import _arrow_text, _text_array, drop_stage, load_stage
from turquesa_geo.store.queries.ingest_stage import guarded_cells_sql, unguard_cells_sql


def _as_list(values) -> list:
    return values.to_pylist()


@given(st.lists(st.one_of(st.none(), st.integers(-(2**62), 2**62)), max_size=40))
def test_integers(values):
    column = pa.chunked_array([pa.array(values, pa.int64())])
    assert _as_list(_arrow_text(column)) == _text_array(values).to_pylist()


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.just(float("nan")),
            st.floats(allow_nan=False, allow_infinity=False, min_value=-(2.0**52), max_value=2.0**52),
        ),
        max_size=40,
    )
)
def test_floats_whole_ones_without_a_decimal_point(values):
    column = pa.chunked_array([pa.array(values, pa.float64())])
    fast, slow = _as_list(_arrow_text(column)), _text_array(values).to_pylist()
    assert [v is None for v in fast] == [v is None for v in slow]
    for a, b in zip(fast, slow):
        if b is None:
            continue
        assert float(a) == float(b)  # the same number (exponents may read e-8 or e-08)
        if float(b).is_integer():
            assert a == b  # whole numbers exactly as written value by value: "3", never "3.0"


def test_literal_examples():
    floats = pa.chunked_array([[1.0, 2.5, None, float("nan"), 8.39, -77.04]])
    assert _as_list(_arrow_text(floats)) == ["1", "2.5", None, None, "8.39", "-77.04"]
    assert _as_list(_arrow_text(pa.chunked_array([[True, None, False]]))) == ["true", None, "false"]
    dates = pa.chunked_array([[dt.date(2024, 3, 31), None]], pa.date32())
    assert _as_list(_arrow_text(dates)) == ["2024-03-31", None]


# --- the guard of a quarantine download ------------------------------------------------------------

#: Cells as a download wrote them, and as they must be read: one guard off before a formula prefix, no other.
GUARDED = {
    "'-77,9": "-77,9",  # an older download guarded negative numbers
    "'=HYPERLINK(1)": "=HYPERLINK(1)",
    "'@x": "@x",
    "'+5": "+5",
    "''-5": "''-5",  # a guard comes off only before a formula prefix (the neutraliser never writes this)
    "'s-Hertogenbosch": "'s-Hertogenbosch",  # an apostrophe before anything else is the data's own
    "-77,9": "-77,9",
}


def _staged(con, path) -> list[str]:
    load_stage(con, path)
    try:
        return [r[0] for r in con.execute("SELECT place FROM stage_cells ORDER BY _line").fetchall()]
    finally:
        drop_stage(con)


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_quarantine_download_is_read_without_its_guard(tmp_path, suffix):
    path = tmp_path / f"download{suffix}"
    if suffix == ".csv":
        path.write_text("quarantine_line;place\n" + "".join(f"{i};{c}\n" for i, c in enumerate(GUARDED)))
    else:
        path.write_text(json.dumps([{"quarantine_line": i, "place": c} for i, c in enumerate(GUARDED)]))
    assert _staged(duckdb.connect(), path) == list(GUARDED.values())


def test_any_other_file_is_read_as_it_is(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("line;place\n" + "".join(f"{i};{c}\n" for i, c in enumerate(GUARDED)))
    assert _staged(duckdb.connect(), path) == list(GUARDED)


@given(st.lists(st.text(), min_size=1, max_size=8))
def test_taking_the_guard_off_gives_back_any_text_the_neutraliser_guarded(texts):
    assume(not any(t.startswith("'") for t in texts))  # a text that already starts with a guard is the data's own
    con = duckdb.connect()
    con.execute("CREATE TABLE raw (c0 VARCHAR)")
    con.executemany("INSERT INTO raw VALUES (?)", [[neutralise_cell(t)] for t in texts])
    if con.execute(*guarded_cells_sql("raw", ["c0"])).fetchall()[0][0]:
        con.execute(*unguard_cells_sql("raw", "c0"))
    assert [r[0] for r in con.execute("SELECT c0 FROM raw ORDER BY rowid").fetchall()] == texts
