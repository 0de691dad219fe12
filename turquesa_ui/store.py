"""One DuckDB connection per server process, one cursor per session thread.

The connection is locked down: its SQL can read no file but the store and the
dashboard's own upload folder, cannot write files, attach databases or load
extensions, and its configuration cannot be changed afterwards.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import streamlit as st

from turquesa_geo.store.connection import connect, data_version, resolve_db_path

UPLOAD_PREFIX = "turquesa-uploads-"
_uploads_lock = threading.Lock()
_imports_running = 0


@st.cache_resource(show_spinner=False)
def upload_folder() -> Path:
    """This server process's folder for uploaded files: the only one its store connection may read.

    Only named here (an unguessable name with the process id): :func:`upload_space` creates
    it for the length of an import and removes it after, so no session leaves a folder
    behind. Folders of server processes that have ended are swept away first.
    """
    _sweep_stale_upload_folders()
    return Path(tempfile.gettempdir()) / f"{UPLOAD_PREFIX}{os.getpid()}-{secrets.token_hex(8)}"


@contextmanager
def upload_space() -> Iterator[Path]:
    """A private folder for one import's files inside :func:`upload_folder`, removed with its files after.

    The process's upload folder goes too once no other session of the process is importing.
    """
    global _imports_running
    root = upload_folder()
    with _uploads_lock:
        root.mkdir(mode=0o700, exist_ok=True)
        _imports_running += 1
        space = Path(tempfile.mkdtemp(dir=root))
    try:
        yield space
    finally:
        with _uploads_lock:
            shutil.rmtree(space, ignore_errors=True)
            _imports_running -= 1
            if not _imports_running:
                shutil.rmtree(root, ignore_errors=True)


def _sweep_stale_upload_folders() -> None:
    """Remove the upload folders of server processes that are gone (a crash or a kill skips the clean-up)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{UPLOAD_PREFIX}*-*"):
        pid = folder.name.removeprefix(UPLOAD_PREFIX).split("-")[0]
        if pid.isdigit() and not _process_alive(int(pid)) and folder.stat().st_uid == os.getuid():
            shutil.rmtree(folder, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


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
