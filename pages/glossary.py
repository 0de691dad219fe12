"""Glossary: the terms the dashboard uses, in English and Spanish, with their legal sources."""

import streamlit as st

from turquesa_geo.glossary import TERM_IDS, TERMS
from turquesa_ui.state import run_inside_app

run_inside_app()

st.title("Glossary")
st.caption("How to read: each term in English and Spanish; the pages link here from where a term is used. "
           "Sources are the United Nations protocols (Palermo, 2000) and the standards named under each term.")
lang = st.segmented_control("Language", ["en", "es"], key="glossary_lang", default="en",
                            format_func={"en": "English", "es": "Español"}.get) or "en"
wanted = st.query_params.get("term")
order = sorted(TERMS, key=lambda t: t.id != wanted) if wanted in TERM_IDS else TERMS
for entry in order:
    with st.expander(entry.title[lang], expanded=entry.id == wanted):
        st.write(entry.text[lang])
        other = "es" if lang == "en" else "en"
        st.caption(f"{entry.title[other]}: {entry.text[other]}")
        if entry.source:
            st.caption(f"Source: {entry.source}")
