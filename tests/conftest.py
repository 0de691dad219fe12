"""Shared fixtures: a fresh store per test and tiny hand-written incident files."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from turquesa_geo.ingest.flat import ImportResult, import_file
from turquesa_geo.store.connection import DB_ENV, connect

#: The import day used by tests, so the future-date rule is deterministic.
TODAY = dt.date(2026, 11, 29)

HEADER = (
    "incident_id,source,date,crime_type,nationality,origin,transit,destination,detection_country,"
    "lat,lon,place,transport_mode,recruitment_method,exploitation_forms,victims_f_adult,victims_f_minor,"
    "migrants_m_adult,suspects_m_adult"
)

#: Three valid cases, with literal answers asserted in the tests.
GOOD_ROWS = (
    "A1,PNC,2024-03-05,smuggling,VEN,Venezuela,Colombia>Panamá,Estados Unidos,PAN,8.39,-77.87,Metetí,"
    "land;river,,,,,12,1",
    "A2,PNC,2024-03-31,Trata de personas,VEN,VEN,,PER,PER,-12.05,-77.04,Lima,land,job offer,sexual,3,2,,1",
    "A3,PNC,2023-12-01,trafficking,PRY,Paraguay,,Argentina,ARG,,,,,internet,forced_labour_agriculture,0,0,,",
)


def csv_text(*rows: str, header: str = HEADER) -> str:
    """A CSV document with the given rows under ``header``."""
    return "\n".join((header, *rows)) + "\n"


# Hypothesis keeps no example database: by default it writes .hypothesis/ into the checkout. Its other caches
# (constants, Unicode tables) go to a temporary folder too ($HYPOTHESIS_STORAGE_DIRECTORY, set by `make test`).
set_hypothesis_home_dir(
    os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY") or Path(tempfile.gettempdir()) / "turquesa-hypothesis"
)
# No deadline either: on a loaded 2-core machine a slow example is not a failure of the property.
settings.register_profile("turquesa", database=None, deadline=None)
settings.load_profile("turquesa")


@pytest.fixture(scope="session", autouse=True)
def default_store_outside_the_checkout(tmp_path_factory):
    """A test that reaches the default store gets a temporary one, never the checkout's data/turquesa.duckdb.

    Set for the whole session (not per test): a fixture that points the app at its own store
    and then restores the setting leaves this one, not an empty one that means data/turquesa.duckdb.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DB_ENV, str(tmp_path_factory.mktemp("default-store") / "turquesa.duckdb"))
        yield


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch):
    """Tests read the English interface unless they ask for a language: a $TURQUESA_LANG of the shell is ignored."""
    from turquesa_geo.i18n import LANG_ENV

    monkeypatch.delenv(LANG_ENV, raising=False)


@pytest.fixture
def store(tmp_path: Path):
    con = connect(tmp_path / "store.duckdb")
    yield con
    con.close()


@pytest.fixture
def write(tmp_path: Path):
    """Write text (or bytes) to a file in the test's folder and return its path."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding=encoding, newline="")
        return path

    return _write


def run_import(con, path: Path, **kwargs) -> ImportResult:
    """Import and assert the reconciliation invariant, as every import test must."""
    result = import_file(con, path, today=TODAY, **kwargs)
    assert result.reconciles, result
    if not result.already_imported:
        stored = con.execute(
            "SELECT rows_read, rows_accepted, rows_quarantined FROM imports WHERE import_id = ?",
            [result.import_id],
        ).fetchall()[0]
        assert stored == (result.rows_read, result.rows_accepted, result.rows_quarantined)
        quarantined_lines = con.execute(
            "SELECT count(DISTINCT line) FROM quarantine WHERE import_id = ?", [result.import_id]
        ).fetchall()[0][0]
        assert quarantined_lines == result.rows_quarantined
    return result


@pytest.fixture
def app_on(monkeypatch):
    """Point the dashboard at a store: ``app_on(db)`` sets ``$TURQUESA_DB`` and empties Streamlit's caches
    (cached values and the cached store connection would otherwise leak between tests); emptied again after."""
    import streamlit as st

    def _use(db: Path) -> Path:
        monkeypatch.setenv(DB_ENV, str(db))
        st.cache_data.clear()
        st.cache_resource.clear()
        return db

    yield _use
    st.cache_data.clear()
    st.cache_resource.clear()
