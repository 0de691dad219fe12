"""The interface language: chosen in the sidebar, kept in the URL (``?lang=es``) and the session.

Pages call :func:`tr` for their gettext function and :func:`current_lang` for the
library calls that write text (labels, charts, exports).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from turquesa_geo.i18n import LANGUAGE_NAMES, LANGUAGES, default_lang, translator
from turquesa_ui.state import LANG

#: URL parameter of the language, beside the filters'.
URL_KEY = "lang"
#: Set once the language was read from the URL in this session: later runs follow the selector.
_FROM_URL = "lang_from_url"
#: Key of the selector widget.
SELECTOR = "lang_selector"


def current_lang() -> str:
    """The session's interface language (the URL's on the first run, else the setting's default)."""
    if not st.session_state.get(_FROM_URL):
        asked = st.query_params.get(URL_KEY)
        st.session_state[LANG] = asked if asked in LANGUAGES else st.session_state.get(LANG) or default_lang()
        st.session_state[_FROM_URL] = True
    lang = st.session_state.get(LANG)
    return lang if lang in LANGUAGES else default_lang()


def tr(lang: str | None = None) -> Callable[[str], str]:
    """The gettext function of the session's language (or of ``lang``)."""
    return translator(lang or current_lang()).gettext


def language_selector() -> str:
    """The language picker at the top of the sidebar; writes the choice to the URL and returns it.

    The choice is kept under its own session key, apart from the widget's: Streamlit drops
    a widget's state on a run that does not draw it, and the language must outlive that.
    """
    lang = current_lang()
    _ = tr(lang)
    chosen = st.sidebar.selectbox(
        _("Language"), LANGUAGES, index=LANGUAGES.index(lang), key=SELECTOR, format_func=LANGUAGE_NAMES.get
    )
    if chosen in LANGUAGES and chosen != lang:
        st.session_state[LANG] = lang = chosen
        st.rerun()  # the frame above the selector (page titles) was drawn in the old language
    st.query_params[URL_KEY] = lang
    return lang
