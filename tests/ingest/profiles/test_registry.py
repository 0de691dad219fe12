"""The profile registry: every format by name, found without import side effects."""

from __future__ import annotations

import pytest

from turquesa_geo.ingest import profiles
from turquesa_geo.ingest.flat import PROFILES as FLAT_PROFILES
from turquesa_geo.ingest.profiles import (
    IMPORT_FORMATS,
    PROFILE_NAMES,
    PROFILES,
    cbp,
    check_profile,
    ctdc,
    glotip,
    looks_like,
    mmp,
    profile,
    tipdir,
)
from turquesa_geo.ingest.profiles.common import FLAT_PROFILE
from turquesa_geo.ingest.readers import ImportRefused


def test_every_profile_is_registered_under_its_own_name():
    assert PROFILE_NAMES == ("flat", "mmp", "glotip", "ctdc", "cbp", "tipdir")
    assert PROFILES == {
        "flat": FLAT_PROFILE,
        "mmp": mmp.PROFILE,
        "glotip": glotip.PROFILE,
        "ctdc": ctdc.PROFILE,
        "cbp": cbp.PROFILE,
        "tipdir": tipdir.PROFILE,
    }
    assert all(name == p.name for name, p in PROFILES.items())


def test_the_importer_accepts_exactly_the_registered_names():
    assert FLAT_PROFILES == PROFILE_NAMES


def test_profile_returns_the_registered_profile():
    assert profile("glotip") is glotip.PROFILE
    assert profile("flat").kind == "cases" and profile("glotip").kind == "aggregates"
    assert [profile(name).kind for name in ("cbp", "tipdir")] == ["aggregates", "aggregates"]
    # Every aggregate profile reads its own counts and names its rules; a case profile has neither.
    assert all((p.kind == "aggregates") == (p.to_counts is not None) for p in PROFILES.values())
    assert all(bool(p.rules) == (p.kind == "aggregates") for p in PROFILES.values())


def test_an_unknown_profile_is_refused_naming_it_and_the_known_ones():
    with pytest.raises(ImportRefused) as refused:
        profile("acled")
    assert str(refused.value) == "unknown profile 'acled'; expected one of flat, mmp, glotip, ctdc, cbp, tipdir"


def test_looks_like_scores_every_registered_profile():
    assert looks_like(["iso3_code", "indicator", "dimension", "txtvalue"]) is glotip.PROFILE
    assert looks_like(["incident_id", "date", "crime_type"]) is FLAT_PROFILE
    assert looks_like(["a", "b"]) is None
    assert looks_like(["fiscal_year", "month_abbv", "citizenship", "encounter_count"]) is cbp.PROFILE
    assert looks_like(["year", "country", "origin", "transit", "destination"]) is tipdir.PROFILE
    assert looks_like(["year", "origin_country", "transit_country", "destination_country"]) is tipdir.PROFILE


def test_check_profile_refuses_a_file_of_another_profile_naming_both():
    with pytest.raises(ImportRefused, match=r"it looks like .*--profile glotip"):
        check_profile("mmp", ["iso3_code", "indicator", "dimension", "txtvalue"], "x.csv")


@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_a_refusal_reads_right_for_every_profile_title(name):
    # "is not a IOM ... file" was wrong for every title starting with a vowel sound: no article now.
    with pytest.raises(ImportRefused) as refused:
        check_profile(name, ["station", "rain_mm"], "weather.csv")
    title = PROFILES[name].title
    assert str(refused.value) == (
        f"weather.csv does not match the profile {title} (it lacks "
        + ", ".join(group[0] for group in PROFILES[name].markers)
        + "); it looks like none of the known profiles (flat, mmp, glotip, ctdc, cbp, tipdir, htcds)"
    )
    assert " a I" not in str(refused.value) and " a U" not in str(refused.value)


def test_the_formats_listed_include_the_htcds_pair():
    assert IMPORT_FORMATS == ("flat", "mmp", "glotip", "ctdc", "cbp", "tipdir", "htcds")


def test_the_registry_module_has_no_register_hook():
    assert not hasattr(profiles, "register") and not hasattr(profiles.common, "register")
