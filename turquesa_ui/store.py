"""One DuckDB connection per server process, one cursor per session thread."""

from __future__ import annotations

import duckdb
import streamlit as st

from turquesa_geo.store import connect, data_version, resolve_db_path


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    # Writable: the import page writes through it. Extensions never load.
    return connect(path)


def store_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the process-wide store connection (DuckDB wants one per thread)."""
    return _connection(str(resolve_db_path().resolve())).cursor()


def current_data_version() -> str:
    """The fingerprint of the imports in the store: the key of every data cache."""
    return data_version(store_cursor())
