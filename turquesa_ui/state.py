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
