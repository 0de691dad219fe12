"""The term-map benchmark (turquesa_geo/bench/terms.py) on a small demo store: it plants the term in every
tenth case, maps and unmaps it exactly, and reports the baseline and the ratio it measured."""

from __future__ import annotations

import pytest

from turquesa_geo.bench.terms import PLANT_EVERY, TERMS_TARGET_S, bench_terms


def test_bench_terms_maps_and_unmaps_every_planted_case_exactly():
    report = bench_terms(400, seed=3)
    assert report["rows"] == 400 and report["cases"] == 400
    assert report["planted_cases"] == 400 // PLANT_EVERY == 40
    assert report["cases_re_resolved"] == report["cases_put_back"] == 40
    assert report["map_exact"] is True and report["unmap_exact"] is True
    # The ratio is of the unrounded times; the report prints each time to the millisecond.
    assert report["ratio"] == pytest.approx(report["baseline_reimport_s"] / report["map_s"], rel=0.1, abs=0.2)
    assert report["target_s"] == TERMS_TARGET_S and report["meets_target"] == (report["map_s"] <= TERMS_TARGET_S)
