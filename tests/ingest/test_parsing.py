"""Parsers of dates, multi-valued fields and routes: literal cases and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turquesa_geo.ingest.parsing import (
    DateOrderError,
    decide_date_order,
    parse_date,
    parse_dates,
    parse_multi,
    parse_route,
)
from turquesa_geo.vocab import VOCABULARIES, codes

dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2029, 12, 31))


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2024-03-05", None, dt.date(2024, 3, 5)),
        ("2024/3/5", None, dt.date(2024, 3, 5)),
        ("2024-03-05T10:22:00", None, dt.date(2024, 3, 5)),
        ("05/03/2024", "dmy", dt.date(2024, 3, 5)),
        ("05/03/2024", "mdy", dt.date(2024, 5, 3)),
        ("5.3.24", "dmy", dt.date(2024, 3, 5)),
        ("13-Jan-20", None, dt.date(2020, 1, 13)),
        ("13 ene 2020", None, dt.date(2020, 1, 13)),
        ("1 février 2021", None, dt.date(2021, 2, 1)),
        ("March 5, 2024", None, dt.date(2024, 3, 5)),
        ("Thu, 01/01/2026 - 12:00", "mdy", dt.date(2026, 1, 1)),
        ("05/05/2024", None, dt.date(2024, 5, 5)),
        ("05/03/2024", None, None),  # needs an order
        ("2023-02-29", None, None),
        ("31/04/2024", "dmy", None),
        ("yesterday", None, None),
        ("", None, None),
    ],
)
def test_parse_date_literal(text, order, expected):
    assert parse_date(text, order) == expected


def test_explicit_format_wins():
    assert parse_date("2024|05|03", date_format="%Y|%d|%m") == dt.date(2024, 3, 5)


@given(st.lists(dates, min_size=1, max_size=30), st.sampled_from(["/", "-", "."]))
def test_day_first_files_round_trip_when_decidable(values, sep):
    texts = [d.strftime(f"%d{sep}%m{sep}%Y") for d in values]
    decidable = any(d.day > 12 for d in values)
    ambiguous = any(d.day <= 12 and d.day != d.month for d in values)
    if decidable:
        parsed = parse_dates(texts)
        assert [parsed[t] for t in texts] == values
    elif ambiguous:
        with pytest.raises(DateOrderError):
            parse_dates(texts)
    else:
        assert decide_date_order(texts) is None
        assert [parse_dates(texts)[t] for t in texts] == values


@given(st.lists(dates, min_size=1, max_size=30))
def test_month_first_files_round_trip_when_decidable(values):
    values = [*values, dt.date(2020, 12, 31)]
    texts = [d.strftime("%m/%d/%Y") for d in values]
    parsed = parse_dates(texts)
    assert [parsed[t] for t in texts] == values


@given(dates, st.sampled_from(["%Y-%m-%d", "%d-%b-%y", "%d %B %Y", "%B %d, %Y", "%Y-%m-%d 00:00:00"]))
def test_unambiguous_styles_parse_without_an_order(value, style):
    if style == "%d-%b-%y" and not 1930 <= value.year <= 2029:
        return
    assert parse_date(value.strftime(style)) == value


@given(st.text(max_size=40))
@settings(max_examples=300)
def test_parse_date_never_raises(text):
    result = parse_date(text, "dmy")
    assert result is None or isinstance(result, dt.date)


@pytest.mark.parametrize("vocabulary", ["transport_mode", "linked_crime", "exploitation_form", "platform"])
@given(data=st.data())
def test_multi_values_round_trip_through_labels(vocabulary, data):
    terms = data.draw(st.lists(st.sampled_from(VOCABULARIES[vocabulary]), min_size=1, max_size=4))
    texts = [data.draw(st.sampled_from([t.code, t.en, t.es, t.en.upper(), t.es.lower()])) for t in terms]
    sep = data.draw(st.sampled_from([";", " ; ", "|"]))
    parsed = parse_multi(vocabulary, sep.join(texts))
    assert parsed.bad_token is None
    assert parsed.codes == tuple(sorted({t.code for t in terms}))
    assert set(parsed.codes) <= set(codes(vocabulary))


def test_route_literals():
    assert parse_route("Venezuela > Colombia > Panamá").countries == ("VEN", "COL", "PAN")
    assert parse_route("COL>COL>PAN").countries == ("COL", "PAN")
    assert parse_route("MEX → USA").countries == ("MEX", "USA")
    assert parse_route("COL>Narnia").bad_token == "Narnia"
