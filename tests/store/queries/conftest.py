"""The tiny store the builder tests bind their statements on (tests/tiny_store.py), one per test module."""

from __future__ import annotations

import pytest
from tiny_store import tiny_store


@pytest.fixture(scope="module")
def tiny():
    con = tiny_store()
    yield con
    con.close()


@pytest.fixture(scope="module")
def flagged():
    """The tiny store with flags on cases 2, 3 and 4 (tests/tiny_store.py, FLAG_ROWS)."""
    con = tiny_store(flags=True)
    yield con
    con.close()
