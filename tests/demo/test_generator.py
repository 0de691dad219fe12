"""Tests of the synthetic demo generator: validity of every value and the planted truth of data/DEMO.md."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from turquesa_geo import columns as col
from turquesa_geo import vocab
from turquesa_geo.demo import generator as demo
from turquesa_geo.demo import truth as demo_truth

ROWS = 20_000
ISO3 = re.compile(r"^[A-Z]{3}$")
DEMO_MD = Path(__file__).resolve().parents[2] / "data" / "DEMO.md"
CORRIDORS = {k.key: k for k in demo_truth.DEMO_CORRIDORS}
SINGLE_VOCAB_COLUMNS = {col.NETWORK: "network", col.CRIME_TYPE: "crime_type"}


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return demo.generate_demo(ROWS, seed=7, planted=True, with_truth=True)


@pytest.fixture(scope="module")
def control() -> pd.DataFrame:
    return demo.generate_demo(ROWS, seed=7, planted=False, with_truth=True)


def _period(frame: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    return frame[(frame[col.DATE] >= first) & (frame[col.DATE] <= last)]


def _online_share(frame: pd.DataFrame) -> float:
    exploited = frame[frame[col.CRIME_TYPE] != "smuggling"]
    return exploited["recruitment_method"].str.split(col.MULTI_SEPARATOR).map(lambda v: "internet" in v).mean()


def _role_share(frame: pd.DataFrame, role: str, gender_letter: str) -> float:
    role_columns = [c for c in demo_truth.DEMO_COUNT_COLUMNS if c.startswith(role)]
    totals = frame[role_columns].sum()
    return totals[[c for c in role_columns if c.split("_")[1] == gender_letter]].sum() / totals.sum()


# ------------------------------------------------------------------ determinism and shape


def test_same_seed_gives_equal_frames(planted):
    pd.testing.assert_frame_equal(planted, demo.generate_demo(ROWS, seed=7, planted=True, with_truth=True))


def test_different_seed_gives_different_frame(planted):
    other = demo.generate_demo(ROWS, seed=8, with_truth=True)
    assert not other.drop(columns=col.INCIDENT_ID).equals(planted.drop(columns=col.INCIDENT_ID))


def test_columns_follow_the_flat_format(planted):
    flat = [c for c in planted.columns if c != demo_truth.TRUTH_CORRIDOR]
    assert flat == [c for c in col.FLAT_COLUMNS if c in flat]
    assert set(flat) - set(col.FLAT_COLUMNS) == set()
    assert set(demo_truth.DEMO_COUNT_COLUMNS) <= set(flat)
    assert demo_truth.TRUTH_CORRIDOR not in demo.generate_demo(10).columns


def test_zero_rows_gives_empty_frame_with_all_columns(planted):
    empty = demo.generate_demo(0)
    assert len(empty) == 0
    assert list(empty.columns) == [c for c in planted.columns if c != demo_truth.TRUTH_CORRIDOR]


def test_incident_ids_are_unique_and_numbered(planted):
    ids = planted[col.INCIDENT_ID]
    assert ids.is_unique
    assert ids.iloc[0] == "DEMO-0000001" and ids.iloc[-1] == f"DEMO-{ROWS:07d}"


def test_iter_demo_chunks_gives_requested_total_and_unique_ids():
    chunks = list(demo.iter_demo_chunks(ROWS, seed=3, chunk_rows=7_000))
    assert [len(c) for c in chunks] == [7_000, 7_000, 6_000]
    ids = pd.concat([c[col.INCIDENT_ID] for c in chunks])
    assert ids.is_unique and len(ids) == ROWS
    again = list(demo.iter_demo_chunks(ROWS, seed=3, chunk_rows=7_000))
    pd.testing.assert_frame_equal(chunks[2], again[2])


def test_ids_widen_past_ten_million_rows():
    assert demo._incident_ids(9_999_999, 2, 8).to_pylist() == ["DEMO-09999999", "DEMO-10000000"]


@pytest.mark.parametrize(("rows", "chunk_rows"), [(-1, 10), (1.5, 10), (10, 0)])
def test_bad_sizes_are_refused(rows, chunk_rows):
    with pytest.raises(ValueError, match="must be"):
        list(demo.iter_demo_chunks(rows, chunk_rows=chunk_rows))


# ------------------------------------------------------------------ validity of values


@pytest.mark.parametrize(("column", "vocabulary"), sorted({**SINGLE_VOCAB_COLUMNS, **col.MULTI_VALUE_COLUMNS}.items()))
def test_codes_belong_to_their_vocabulary(planted, column, vocabulary):
    used = {code for value in planted[column].unique() for code in value.split(col.MULTI_SEPARATOR) if code}
    assert used, f"{column} is never filled"
    assert used <= set(vocab.codes(vocabulary))
    assert all(vocab.resolve_term(vocabulary, code) == code for code in used)


def test_country_codes_are_iso3(planted):
    pycountry = pytest.importorskip("pycountry")
    for column in col.COUNTRY_COLUMNS:
        values = set(planted[column].unique()) - ({""} if column in (col.ORIGIN, col.DESTINATION) else set())
        assert all(ISO3.match(v) and pycountry.countries.get(alpha_3=v) for v in values), column
    legs = {leg for value in planted[col.TRANSIT].unique() if value for leg in value.split(col.TRANSIT_SEPARATOR)}
    assert legs and all(ISO3.match(leg) and pycountry.countries.get(alpha_3=leg) for leg in legs)


def test_dates_lie_in_the_demo_period(planted):
    dates = pd.to_datetime(planted[col.DATE], format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp(demo_truth.DEMO_START) and dates.max() <= pd.Timestamp(demo_truth.DEMO_END)


def test_counts_are_non_negative_and_fit_the_crime_type(planted):
    counts = planted[list(demo_truth.DEMO_COUNT_COLUMNS)]
    assert (counts >= 0).all().all()
    victims = counts.filter(like="victims_").sum(axis=1)
    migrants = counts.filter(like="migrants_").sum(axis=1)
    crime = planted[col.CRIME_TYPE]
    assert (migrants[crime == "trafficking"] == 0).all() and (victims[crime == "trafficking"] > 0).all()
    assert (victims[crime == "smuggling"] == 0).all() and (migrants[crime == "smuggling"] > 0).all()
    assert (victims[crime == "both"] > 0).all()
    assert (counts.filter(like="suspects_").sum(axis=1)[crime != "smuggling"] > 0).all()


def test_victim_context_is_empty_for_smuggling(planted):
    smuggling = planted[planted[col.CRIME_TYPE] == "smuggling"]
    for column in ("recruitment_method", "control_methods", "exploitation_forms", "platforms"):
        assert (smuggling[column] == "").all(), column
    online = planted["recruitment_method"].str.contains("internet")
    assert ((planted["platforms"] != "") == online).all()


def test_linked_document_fraud_follows_the_document_fraud_column(planted):
    linked = planted["linked_crimes"].str.split(col.MULTI_SEPARATOR).map(lambda v: "document_fraud" in v)
    assert (linked == (planted["document_fraud"] != "none")).all()


def test_detection_is_on_the_route_near_a_known_place(planted):
    places = {p.name: p for p in demo_truth.DEMO_PLACES}
    place = planted[col.PLACE].map(places)
    assert place.notna().all()
    assert (planted[col.DETECTION_COUNTRY] == place.map(lambda p: p.iso3)).all()
    route = planted[demo_truth.TRUTH_CORRIDOR].map(lambda key: CORRIDORS[key].route)
    assert all(country in r for country, r in zip(planted[col.DETECTION_COUNTRY], route))
    limit = demo_truth.JITTER_DEGREES + 1e-4
    assert (abs(planted[col.LON] - place.map(lambda p: p.lon)) <= limit).all()
    assert (abs(planted[col.LAT] - place.map(lambda p: p.lat)) <= limit).all()
    assert (planted[col.LAT].round(4) == planted[col.LAT]).all()


def test_places_lie_in_their_country():
    """Each place is within 15 km of its country on Natural Earth 1:110m (coarse, so not closer)."""
    geopandas = pytest.importorskip("geopandas")
    pyogrio = pytest.importorskip("pyogrio")
    shapefile = Path(pyogrio.__file__).parent / "tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp"
    if not shapefile.exists():
        pytest.skip("pyogrio's Natural Earth fixture is not installed")
    world = geopandas.read_file(shapefile).set_index("iso_a3").geometry
    shapely = pytest.importorskip("shapely")
    for place in demo_truth.DEMO_PLACES:
        distance_km = world[place.iso3].distance(shapely.Point(place.lon, place.lat)) * 111
        assert distance_km < 15, (place, distance_km)


def test_reporting_country_is_the_source_country_or_the_detection_country(planted):
    sources = {s.name: s for s in demo_truth.DEMO_SOURCES}
    expected = [
        sources[name].iso3 or detected for name, detected in zip(planted[col.SOURCE], planted[col.DETECTION_COUNTRY])
    ]
    assert planted[col.REPORTING_COUNTRY].tolist() == expected
    assert (planted[col.NETWORK] == planted[col.SOURCE].map(lambda n: sources[n].network)).all()


# ------------------------------------------------------------------ the corridor catalogue


def test_corridor_catalogue_is_complete_and_valid():
    assert len(demo_truth.DEMO_CORRIDORS) >= 12
    weights = [k.weight for k in demo_truth.DEMO_CORRIDORS]
    assert len(set(weights)) == len(weights) and sum(weights) == pytest.approx(1.0)
    assert max(demo_truth.DEMO_CORRIDORS, key=lambda k: k.weight).key == "darien_north"
    places = {p.name: p.iso3 for p in demo_truth.DEMO_PLACES}
    for k in demo_truth.DEMO_CORRIDORS:
        assert k.crime_type in ("trafficking", "smuggling") and len(k.route) >= 2
        assert sum(k.person_mix) == pytest.approx(1.0) and len(k.person_mix) == len(demo_truth.PERSON_CELLS)
        assert all(places[name] in k.route for name, _ in k.detection), k.key
        for mix in (
            k.detection,
            k.transport,
            k.concealment,
            k.exploitation,
            k.recruitment,
            k.control,
            k.origin_mix or ((k.origin, 1.0),),
        ):
            assert sum(share for _, share in mix) == pytest.approx(1.0), (k.key, mix)


@pytest.mark.parametrize(
    ("attribute", "vocabulary"),
    [
        ("transport", "transport_mode"),
        ("concealment", "concealment"),
        ("exploitation", "exploitation_form"),
        ("recruitment", "recruitment_method"),
        ("control", "control_method"),
    ],
)
def test_corridor_mixes_use_vocabulary_codes(attribute, vocabulary):
    for k in demo_truth.DEMO_CORRIDORS:
        for value, _ in getattr(k, attribute):
            assert set(value.split(col.MULTI_SEPARATOR)) <= set(vocab.codes(vocabulary)), (k.key, value)


def test_person_cells_are_vocabulary_codes():
    for gender, age in (*demo_truth.PERSON_CELLS, *demo_truth.SUSPECT_CELLS):
        assert gender in vocab.codes("gender") and age in vocab.codes("age_group")


def test_top_corridor_by_volume_is_the_darien(planted):
    assert planted[demo_truth.TRUTH_CORRIDOR].value_counts().index[0] == "darien_north"
    complete = planted[planted[col.TRANSIT] != ""]
    route = complete[col.ORIGIN] + ">" + complete[col.TRANSIT] + ">" + complete[col.DESTINATION]
    assert route.value_counts().index[0] == ">".join(CORRIDORS["darien_north"].route)


def test_non_empty_transit_is_the_corridor_route(planted):
    filled = planted[planted[col.TRANSIT] != ""]
    truth = filled[demo_truth.TRUTH_CORRIDOR].map(lambda key: col.TRANSIT_SEPARATOR.join(CORRIDORS[key].transits))
    assert (filled[col.TRANSIT] == truth).all()


def test_a_third_of_records_on_transit_corridors_lack_their_transit(planted):
    with_transit = planted[planted[demo_truth.TRUTH_CORRIDOR].map(lambda key: bool(CORRIDORS[key].transits))]
    assert (with_transit[col.TRANSIT] == "").mean() == pytest.approx(demo_truth.EMPTY_TRANSIT_SHARE, abs=0.03)


def test_a_tenth_of_records_are_two_point(planted):
    two_point = (planted[col.ORIGIN] == "") & (planted[col.DESTINATION] == "")
    assert two_point.mean() == pytest.approx(demo_truth.TWO_POINT_SHARE, abs=0.015)
    assert (planted.loc[two_point, col.TRANSIT] == "").all()
    assert (planted[col.NATIONALITY] != "").all() and (planted[col.DETECTION_COUNTRY] != "").all()


def test_both_crime_type_is_about_five_percent(planted):
    assert (planted[col.CRIME_TYPE] == "both").mean() == pytest.approx(demo_truth.BOTH_SHARE, abs=0.01)


# ------------------------------------------------------------------ planted signals and the control


def test_pandemic_dip_when_planted_and_not_in_the_control(planted, control):
    def ratio(frame):
        return len(_period(frame, "2020-04-01", "2020-12-31")) / len(_period(frame, "2019-04-01", "2019-12-31"))

    assert 0.40 <= ratio(planted) <= 0.50
    assert 0.88 <= ratio(control) <= 1.12


def test_recovery_in_2021_and_2022(planted):
    def volume(year):
        return len(_period(planted, f"{year}-01-01", f"{year}-12-31"))

    assert volume(2020) < volume(2021) < volume(2022)
    assert volume(2022) >= volume(2019)


def test_online_recruitment_rises_when_planted_and_is_flat_in_the_control(planted, control):
    early, late = ("2018-01-01", "2019-12-31"), ("2025-01-01", "2025-12-31")
    assert _online_share(_period(planted, *late)) > 2 * _online_share(_period(planted, *early))
    assert _online_share(_period(planted, *early)) == pytest.approx(demo_truth.ONLINE_SHARE_BEFORE, abs=0.03)
    flat = _online_share(_period(control, *late)) / _online_share(_period(control, *early))
    assert 0.8 <= flat <= 1.25


def test_online_surge_on_the_venezuela_peru_corridor_in_the_latest_year(planted, control):
    def shares(frame):
        corridor = frame[frame[demo_truth.TRUTH_CORRIDOR] == "venezuela_peru_sexual"]
        return (
            _online_share(_period(corridor, "2025-01-01", "2025-12-31")),
            _online_share(_period(corridor, "2026-01-01", "2026-12-31")),
        )

    before, latest = shares(planted)
    assert latest > before + 0.12 and latest > 0.75
    before, latest = shares(control)
    assert abs(latest - before) < 0.15


def test_cybercrime_rises_with_online_recruitment(planted):
    def cyber(frame):
        return frame["linked_crimes"].str.contains("cybercrime").mean()

    assert cyber(_period(planted, "2025-01-01", "2025-12-31")) > 2 * cyber(_period(planted, "2018-01-01", "2019-12-31"))


def test_control_keeps_the_same_corridors(planted, control):
    assert (planted[demo_truth.TRUTH_CORRIDOR] == control[demo_truth.TRUTH_CORRIDOR]).all()


def test_sex_mix_of_victims_by_form_of_exploitation(planted):
    def victims_of(form):
        keys = {
            k.key
            for k in demo_truth.DEMO_CORRIDORS
            if k.crime_type == "trafficking" and k.main_exploitation.startswith(form)
        }
        assert keys
        return planted[planted[demo_truth.TRUTH_CORRIDOR].isin(keys)]

    assert _role_share(victims_of("sexual"), "victims", "f") > 0.7
    assert _role_share(victims_of("forced_labour"), "victims", "m") > 0.6


def test_darien_carries_family_groups_and_the_cuban_air_route_adults(planted):
    def minor_share(key):
        migrants = planted.loc[planted[demo_truth.TRUTH_CORRIDOR] == key, list(demo_truth.DEMO_COUNT_COLUMNS)]
        migrants = migrants.filter(like="migrants_").sum()
        return migrants.filter(like="_minor").sum() / migrants.sum()

    assert minor_share("darien_north") > 0.25
    assert minor_share("cuba_air_nicaragua") < 0.08
    assert minor_share("guatemala_minors_north") > 0.6


# ------------------------------------------------------------------ files and documentation


def test_write_demo_csv_and_parquet_match_the_chunks(tmp_path):
    expected = pd.concat(list(demo.iter_demo_chunks(2_000, seed=5, chunk_rows=700)), ignore_index=True)
    parquet = demo.write_demo(tmp_path / "demo.parquet", rows=2_000, seed=5, chunk_rows=700)
    assert pq.ParquetFile(parquet).metadata.num_rows == 2_000
    pd.testing.assert_frame_equal(pd.read_parquet(parquet), expected)
    csv = demo.write_demo(str(tmp_path / "demo.csv"), rows=2_000, seed=5, chunk_rows=700)
    text_columns = [c for c in expected.columns if pd.api.types.is_string_dtype(expected[c])]
    back = pd.read_csv(csv, dtype={c: str for c in text_columns}, keep_default_na=False)
    assert back[col.INCIDENT_ID].tolist() == expected[col.INCIDENT_ID].tolist()
    assert back[col.TRANSIT].tolist() == expected[col.TRANSIT].tolist()
    assert np.allclose(back[col.LAT], expected[col.LAT])
    assert (
        back[list(demo_truth.DEMO_COUNT_COLUMNS)].to_numpy() == expected[list(demo_truth.DEMO_COUNT_COLUMNS)].to_numpy()
    ).all()


def test_write_demo_refuses_other_formats_and_bad_sizes(tmp_path):
    with pytest.raises(ValueError, match=r"demo\.xlsx.*\.csv"):
        demo.write_demo(tmp_path / "demo.xlsx", rows=10)
    with pytest.raises(ValueError, match="rows must be"):
        demo.write_demo(tmp_path / "demo.csv", rows=-5)
    assert not (tmp_path / "demo.csv").exists()


def test_write_demo_of_zero_rows_writes_the_header_only(tmp_path):
    csv = demo.write_demo(tmp_path / "empty.csv", rows=0)
    assert csv.read_text(encoding="utf-8").count("\n") == 1
    assert pd.read_parquet(demo.write_demo(tmp_path / "empty.parquet", rows=0)).empty


def test_expected_online_share_names_unknown_corridors():
    with pytest.raises(ValueError, match=r"'atlantis'.*darien_north"):
        demo_truth.expected_online_share("2025-01-01", "atlantis")


def test_demo_md_documents_every_corridor_and_parameter():
    text = DEMO_MD.read_text(encoding="utf-8")
    for k in demo_truth.DEMO_CORRIDORS:
        assert k.key in text and f"{k.weight:.3f}" in text, k.key
    for name in (
        "BOTH_SHARE",
        "TWO_POINT_SHARE",
        "EMPTY_TRANSIT_SHARE",
        "PANDEMIC_FACTORS",
        "ONLINE_SHARE_BEFORE",
        "ONLINE_SHARE_AFTER",
        "ONLINE_RAMP",
        "ONLINE_SHARE_STATIONARY",
        "VOLUME_GROWTH_PER_YEAR",
        "JITTER_DEGREES",
        "TRUTH_CORRIDOR",
    ):
        assert name in text, name
