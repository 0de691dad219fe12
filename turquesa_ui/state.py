"""Session-state keys and their defaults, defined once."""

from __future__ import annotations

import streamlit as st

LAST_IMPORTS = "last_imports"
LANG = "lang"

DEFAULTS: dict[str, object] = {
    LAST_IMPORTS: [],
    LANG: "en",
}


def init_state() -> None:
    """Give every session-state key its default once per session."""
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value.copy() if isinstance(value, list) else value


def run_inside_app() -> None:
    """Make sure a page runs inside ``app.py``'s frame (navigation, wide layout, state).

    Until ``st.navigation`` has run once in the server process, Streamlit treats the
    ``pages/`` folder as a multipage app of its own (its "v1" mode): a link to a page
    opened first after a server start would run that page alone, with the raw file
    names as navigation. Called first by every page: in that case it switches the
    process to ``app.py``'s navigation and reruns, which then runs ``app.py``.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
