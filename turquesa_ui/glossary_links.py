"""Links from a page to the glossary entries of the terms it uses."""

from __future__ import annotations

import streamlit as st

from turquesa_geo.glossary import term
from turquesa_geo.i18n import gettext


def glossary_links(*term_ids: str, lang: str = "en") -> None:
    """A row of links to the glossary, one per term (the entry opens expanded), in ``lang``."""
    # At most three links a row, so that no title is cut on a laptop screen.
    for start in range(0, len(term_ids), 3):
        columns = st.columns([1, 2, 2, 2])
        if start == 0:
            columns[0].caption(gettext(lang, "Terms on this page:"))
        for column, term_id in zip(columns[1:], term_ids[start : start + 3]):
            column.page_link(
                "pages/glossary.py",
                label=term(term_id).title_in(lang),
                icon=":material/menu_book:",
                query_params={"term": term_id},
            )
