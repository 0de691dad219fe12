"""Open a page of the app in Streamlit's AppTest, with URL query parameters, as a user following a link would."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"


def open_page(name: str, **params: str) -> AppTest:
    """The page ``pages/{name}.py`` after the app's first run with ``params`` in the URL; fails on an exception."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, at.exception
    return at
