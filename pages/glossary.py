"""Glossary: the terms the dashboard uses, in the interface language, with their legal sources."""

import streamlit as st

from turquesa_geo.glossary import TERM_IDS, TERMS
from turquesa_geo.i18n import LANGUAGE_NAMES, LANGUAGES
from turquesa_ui.lang import current_lang, tr
from turquesa_ui.state import run_inside_app

run_inside_app()
lang = current_lang()
_ = tr(lang)

st.title(_("Glossary"))
st.caption(
    _(
        "How to read: each term in the interface language, with a second language beside it; the pages link "
        "here from where a term is used. Sources are the United Nations protocols (Palermo, 2000) and the "
        "standards named under each term."
    )
)
others = [code for code in LANGUAGES if code != lang]
# No second language unless asked: a reader meets only the language they chose.
other = st.segmented_control(
    _("Second language"), others, key="glossary_lang", default=None, format_func=LANGUAGE_NAMES.get
)
wanted = st.query_params.get("term")
order = sorted(TERMS, key=lambda t: t.id != wanted) if wanted in TERM_IDS else TERMS
for entry in order:
    with st.expander(entry.title_in(lang), expanded=entry.id == wanted):
        st.write(entry.text_in(lang))
        if other:
            st.caption(f"{entry.title_in(other)}: {entry.text_in(other)}")
        if entry.source:
            st.caption(_("Source: {source}").format(source=_(entry.source)))
