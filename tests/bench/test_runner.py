"""The benchmark's arithmetic and report shape; no figure is ever asserted (speed is measured on demand)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from turquesa_geo.bench.runner import (
    Measure,
    default_period,
    filter_changes,
    improvement,
    percentile,
    report_table,
)
from turquesa_geo.cli import main
from turquesa_geo.filters import history_until, previous_period
from turquesa_geo.store.rollups import covers


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([7], 50, 7.0),
        ([1, 2, 3, 4], 0, 1.0),
        ([1, 2, 3, 4], 100, 4.0),
        ([1, 2, 3, 4], 50, 2.5),
        ([4, 1, 3, 2], 50, 2.5),  # order does not matter
        ([10, 20, 30, 40, 50], 95, 48.0),  # 0.95 * 4 = 3.8 -> 40 + 0.8 * 10
        (list(range(1, 31)), 95, 28.55),  # 30 changes, as the benchmark times them
    ],
)
def test_percentile_interpolates_between_ranks_like_numpy(values, q, expected):
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_refuses_no_values_and_a_bad_q():
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1], 101)


def test_ratio_reads_times_better_than_the_baseline():
    assert improvement(5.0, 150.0) == 30.0  # ms: baseline / value
    assert improvement(250_000, 500_000, higher_is_better=True) == 0.5  # rows/s: value / baseline
    assert improvement(0.0, 1.0) is None and improvement(1.0, None) is None


def test_a_measure_meets_its_target_and_its_ratio_target_both():
    fast_enough = Measure("q", "ms", 8.0, target=10, baseline=400.0, ratio_target=30)
    assert (fast_enough.ratio, fast_enough.met) == (50.0, True)
    too_close_to_baseline = Measure("q", "ms", 8.0, target=10, baseline=80.0, ratio_target=30)
    assert (too_close_to_baseline.ratio, too_close_to_baseline.met) == (10.0, False)
    slow_import = Measure("i", "rows/s", 200_000, target=500_000, higher_is_better=True, baseline=80_000)
    assert (slow_import.ratio, slow_import.met) == (2.5, False)
    untargeted = Measure("g", "ms", 30.0, baseline=60.0)
    assert untargeted.met is None and untargeted.to_dict()["ratio"] == 2.0
    unmeasured = Measure("b", "ms", None, target=700, note="not measured: no chromium")
    assert unmeasured.met is None and unmeasured.to_dict()["ratio"] is None


def test_filter_changes_are_distinct_whole_months_the_rollups_answer():
    period = (dt.date(2018, 1, 3), dt.date(2026, 9, 27))
    choices = {"countries": ["COL", "VEN", "PER", "USA"], "sources": ["PNC", "OIM"]}
    changes = filter_changes(choices, period, 40, seed=3)
    assert len(changes) == 40
    assert len({history_until(f) for f in changes}) == 40  # distinct for the trends page too
    for f in changes:
        assert f.start.day == 1 and (f.end + dt.timedelta(days=1)).day == 1
        assert dt.date(2018, 1, 1) <= f.start <= f.end <= dt.date(2026, 9, 30)
        assert set(f.nationalities) <= set(choices["countries"]) and set(f.sources) <= set(choices["sources"])
        assert covers(f, (f.start, f.end), previous_period(f)) and covers(history_until(f))
    assert filter_changes(choices, period, 40, seed=3) == changes  # same seed, same changes


def test_filter_changes_say_when_the_store_offers_too_few():
    with pytest.raises(ValueError, match="distinct filter settings"):
        filter_changes({"countries": [], "sources": []}, (dt.date(2024, 1, 1), dt.date(2024, 1, 31)), 100)


def test_default_period_is_the_dashboards_last_twelve_whole_months():
    assert default_period((dt.date(2018, 1, 3), dt.date(2026, 9, 27))) == (dt.date(2025, 10, 1), dt.date(2026, 9, 30))
    assert default_period((dt.date(2026, 3, 9), dt.date(2026, 9, 27))) == (dt.date(2026, 3, 1), dt.date(2026, 9, 30))


def test_report_table_shows_targets_ratios_and_notes():
    report = {
        "measures": [
            Measure(
                "import CSV (validated)", "rows/s", 200_000, 500_000, True, 50_000, "pandas", note="37 columns"
            ).to_dict(),
            Measure(
                "query: corridor (p95)",
                "ms",
                4.0,
                10,
                baseline=240.0,
                ratio_target=30,
                target_at_rows=10_000_000,
                p50=3.0,
                note="rollups",
            ).to_dict(),
            Measure("browser: trends filter change (p95)", "ms", None, 700, note="not measured: no chromium").to_dict(),
        ]
    }
    headers, rows, notes = report_table(report)
    assert headers == ["measure", "value", "p50", "target", "baseline", "ratio", "met"]
    assert rows[0] == [
        "import CSV (validated) [1]",
        "200,000 rows/s",
        "—",
        "≥ 500,000 rows/s",
        "50,000 rows/s",
        "4.0×",
        "NO",
    ]
    assert rows[1][3] == "≤ 10.0 ms and ≥ 30× baseline (at 10,000,000)" and rows[1][5:] == ["60.0×", "yes"]
    assert rows[2][1] == "—" and rows[2][6] == "—"
    assert notes[2] == "[3] not measured: no chromium"


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory):
    """`turquesa bench all` at 2,000 cases, without the AppTest and browser parts (about 15 s)."""
    folder = tmp_path_factory.mktemp("bench")
    out = folder / "bench.json"
    code = main(
        [
            "bench",
            "all",
            "--rows",
            "2000",
            "--changes",
            "3",
            "--naive-rows",
            "500",
            "--no-apptest",
            "--no-browser",
            "--json",
            str(out),
            "--workdir",
            str(folder / "work"),
        ]
    )
    assert code == 0
    return json.loads(out.read_text())


def test_bench_all_reports_every_figure_with_target_baseline_ratio_and_met(tiny_report):
    assert tiny_report["rows"] == 2000
    assert {"cpu", "cores", "memory_mb", "python", "duckdb", "pandas", "streamlit"} <= set(tiny_report["machine"])
    names = [m["name"] for m in tiny_report["measures"]]
    assert names[:2] == ["import CSV (validated)", "import Parquet (validated)"]
    for expected in (
        "query: corridor (p95)",
        "query: trends (p95)",
        "query: gender (p95)",
        "query: overview (p95)",
        "page rerun: corridor_map (p95)",
        "route reconstruction",
        "map payload (deck JSON)",
        "map flows drawn",
        "snapshot export (PNG)",
        "reopen read-only + first corridor query",
        "peak memory",
        "browser: corridor_map filter change (p95)",
    ):
        assert expected in names
    for m in tiny_report["measures"]:
        assert {"value", "target", "baseline", "ratio", "met", "note"} <= set(m)
        if m["value"] is not None and m["baseline"] is not None:
            expected = m["value"] / m["baseline"] if m["higher_is_better"] else m["baseline"] / m["value"]
            assert m["ratio"] == pytest.approx(expected, rel=0.01, abs=0.01)


def test_skipped_parts_are_reported_as_not_measured(tiny_report):
    by_name = {m["name"]: m for m in tiny_report["measures"]}
    for name in ("page rerun: overview (p95)", "browser: trends filter change (p95)"):
        assert by_name[name]["value"] is None and by_name[name]["met"] is None
        assert by_name[name]["note"].startswith("not measured: skipped")


def test_the_baselines_compute_what_turquesa_computes(tiny_report):
    # The pandas baseline's totals on the first filter change equal the store's answers.
    assert all(tiny_report["details"]["query_baseline"]["same_totals"].values())
    naive = tiny_report["details"]["import_csv"]["baseline"]
    assert naive["extrapolated"] and naive["validated_rows"] == 500  # and the report says it was extrapolated
    assert "extrapolated linearly" in tiny_report["measures"][0]["note"]


def test_bench_overlaps_reports_both_imports_and_their_ratio(tmp_path, capsys):
    """`turquesa bench overlaps` on 2,000 cases and a file of 200 (20 of them the store's cases again)."""
    out = tmp_path / "overlaps.json"
    args = ["bench", "overlaps", "--rows", "2000", "--incoming", "200", "--repeats", "1", "--json", str(out)]
    assert main([*args, "--format", "json"]) == 0
    report = json.loads(out.read_text())
    assert (report["rows"], report["incoming"], report["repeated_in_file"]) == (2000, 200, 20)
    assert len(report["import_without_check_s"]) == len(report["import_with_check_s"]) == 1
    assert report["ratio"] == pytest.approx(report["median_with_s"] / report["median_without_s"], abs=0.01)
    assert report["target_ratio"] == 1.3
    assert 20 <= report["probable_duplicates"] <= 200  # the 20 repeats, and the demo's look-alikes
    assert report["duplicates_of"] == {"1": report["probable_duplicates"]}
    assert json.loads(capsys.readouterr().out) == report
