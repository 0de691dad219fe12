"""One DuckDB connection per server process, one cursor per session thread.

The connection is locked down: its SQL can read no file but the store and the
dashboard's own upload folder, cannot write files, attach databases or load
extensions, and its configuration cannot be changed afterwards.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import streamlit as st

from turquesa_geo.store.connection import connect, data_version, resolve_db_path


@st.cache_resource(show_spinner=False)
def upload_folder() -> Path:
    """This server process's folder for uploaded files: the only one its store connection may read."""
    return Path(tempfile.mkdtemp(prefix="turquesa-uploads-"))


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    # Writable (the import page writes through it), but with no file access outside the upload folder.
    return connect(path, external_access=False, allowed_directories=[upload_folder()])


def store_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the process-wide store connection (DuckDB wants one per thread)."""
    return _connection(str(resolve_db_path().resolve())).cursor()


def current_data_version() -> str:
    """The fingerprint of the imports in the store: the key of every data cache."""
    return data_version(store_cursor())
