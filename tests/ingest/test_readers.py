"""Parquet columns become text column-wise, exactly as the value-by-value rule writes them."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from turquesa_geo.ingest.readers import _arrow_text, _text_array


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
