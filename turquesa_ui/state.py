"""Session-state keys and their defaults, defined once."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

LAST_IMPORTS = "last_imports"
#: The import page's last term mapping: what was mapped and how many stored cases it re-resolved.
LAST_MAPPING = "last_mapping"
#: The interface language (see turquesa_ui.lang; its default is the $TURQUESA_LANG setting).
LANG = "lang"
#: Set by app.py's frame (through init_state): pages check it ran.
APP_FRAME = "app_frame"

DEFAULTS: dict[str, object] = {
    LAST_IMPORTS: [],
    LAST_MAPPING: None,
}


def init_state() -> None:
    """Give every session-state key its default once per session."""
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value.copy() if isinstance(value, list) else value
    st.session_state[APP_FRAME] = True


def run_inside_app() -> None:
    """Make sure a page runs inside ``app.py``'s frame (navigation, wide layout, state).

    Until ``st.navigation`` has run once in the server process, Streamlit treats the
    ``pages/`` folder as a multipage app of its own (its "v1" mode): a link to a page
    opened first after a server start would run that page alone, with the raw file
    names as navigation. Called first by every page: when ``app.py`` has not run in
    this session, it switches the process to ``app.py``'s navigation and reruns.
    """
    if not st.session_state.get(APP_FRAME):
        PagesManager.uses_pages_directory = False
        st.rerun()
