"""Links from a page to the glossary entries of the terms it uses."""

from __future__ import annotations

import streamlit as st

from turquesa_geo.glossary import term


def glossary_links(*term_ids: str, lang: str = "en") -> None:
    """A row of links to the glossary, one per term (the entry opens expanded)."""
    columns = st.columns(len(term_ids) + 1)
    columns[0].caption("Terms on this page:")
    for column, term_id in zip(columns[1:], term_ids):
        column.page_link("pages/glossary.py", label=term(term_id).title[lang], icon=":material/menu_book:",
                         query_params={"term": term_id})
