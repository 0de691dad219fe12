"""The transformations every profile shares (turquesa_geo/ingest/profiles/common.py), as properties."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from turquesa_geo.ingest.profiles.common import (
    allocate_persons,
    clean_text,
    coordinate_precision,
    note_text,
    parse_coordinates,
    text_map,
    whole_numbers,
)


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(
    st.floats(min_value=-90, max_value=90, allow_nan=False),
    st.floats(min_value=-180, max_value=180, allow_nan=False),
    st.integers(min_value=0, max_value=6),
)
def test_parse_coordinates_keeps_the_digits_as_written(lat, lon, digits):
    a, b = f"{lat:.{digits}f}", f"{lon:.{digits}f}"
    assert parse_coordinates(f"{a}, {b}") == (a, b)
    assert parse_coordinates(f"POINT ({b} {a})") == (a, b)
    assert coordinate_precision(a, b) in {"whole_degree", "approximate", "exact"}


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(st.text())
def test_parse_coordinates_returns_numbers_or_nothing(text):
    found = parse_coordinates(text)
    if found is not None:
        assert all(float(v.replace(",", ".")) == float(v.replace(",", ".")) for v in found)


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(st.lists(st.tuples(*(st.one_of(st.none(), st.integers(0, 50)) for _ in range(4))), min_size=1, max_size=20))
def test_allocate_persons_invents_nobody_and_loses_no_sex(rows):
    total, females, males, children = (pd.Series([r[i] for r in rows], dtype="float64") for i in range(4))
    cells = allocate_persons(total, females, males, children)
    frame = pd.DataFrame({k: v for k, v in cells.items()})
    assert (frame >= 0).all().all()
    f, m, t = females.fillna(0), males.fillna(0), total.fillna(0)
    assert (frame[[c for c in frame.columns if c[0] == "female"]].sum(axis=1) == f).all()
    assert (frame[[c for c in frame.columns if c[0] == "male"]].sum(axis=1) == m).all()
    assert (frame.sum(axis=1) == pd.concat([t, f + m], axis=1).max(axis=1)).all()
    assert (frame[[c for c in frame.columns if c[1] == "minor"]].sum(axis=1) <= children.fillna(0)).all()


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(st.text())
def test_clean_text_is_idempotent_and_never_blank(text):
    once = clean_text(pd.Series([text], dtype=object))[0]
    assert once is None or (once.strip() == once and once != "")
    assert clean_text(pd.Series([once], dtype=object))[0] == (
        None if once is None else clean_text(pd.Series([once], dtype=object))[0]
    )


def test_coordinates_as_the_public_files_write_them():
    assert parse_coordinates("8.45, -77.65") == ("8.45", "-77.65")
    assert parse_coordinates("POINT (-92.1 14.9)") == ("14.9", "-92.1")  # WKT: longitude first
    assert parse_coordinates("(8,45; -77,65)") == ("8,45", "-77,65")
    assert parse_coordinates("north of Metetí") is None
    assert [coordinate_precision(*p) for p in (("8", "-77.0"), ("8.45", "-77.6"), ("8.451", "-77.6511"))] == [
        "whole_degree",
        "approximate",
        "exact",
    ]
    assert coordinate_precision(None, "-77.65") == "country"


def test_clean_text_decodes_entities_trims_and_blanks_nothing():
    cleaned = clean_text(pd.Series(["  Darién&nbsp;Gap\n", "&amp;", "   ", None], dtype=object))
    assert cleaned.tolist() == ["Darién Gap", "&", None, None]


def test_a_note_is_read_in_the_language_asked():
    message = (
        "{n} incident(s) name several countries of origin: they are kept, without an origin (a route "
        "starts in one country)."
    )
    note = {"message": message, "params": {"n": 2}}
    assert note_text(note) == (
        "2 incident(s) name several countries of origin: they are kept, without an origin (a route starts in one "
        "country)."
    )
    assert note_text(note, "es") == (
        "2 incidente(s) indican varios países de origen: se conservan, sin origen (una ruta empieza en un solo país)."
    )


def test_a_missing_half_of_a_point_never_reaches_text_code_as_nan():
    # The IOM JSON crash: Series.map giving text and None makes pandas 3 infer a str column, None becoming NaN.
    points = pd.Series([("8.4", "-77.6"), None], dtype=object)
    lat, lon = text_map(points, lambda p: p[0]), text_map(points, lambda p: p[1])
    assert (lat.tolist(), lon.tolist(), lat.dtype) == (["8.4", None], ["-77.6", None], object)
    assert [coordinate_precision(a, b) for a, b in zip(lat, lon)] == ["approximate", "country"]
    assert coordinate_precision(float("nan"), float("nan")) == "country"


def test_only_whole_counts_become_persons_and_adjustments_stay_negative():
    cells = pd.Series(["4", "-2", "1.5", "NaN", "", "1e400", "3e9", " 7 ", None], dtype=object)
    assert whole_numbers(cells).fillna(-999).tolist() == [4, -2, -999, -999, -999, -999, -999, 7, -999]
