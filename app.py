"""Turquesa dashboard: the page frame, the language and the routes to each page."""

import os
from pathlib import Path

import streamlit as st

from turquesa_geo.demo.training import TRAINING_ENV
from turquesa_geo.store.connection import StoreBusy
from turquesa_ui.lang import language_selector, tr
from turquesa_ui.state import init_state
from turquesa_ui.store import store_cursor

#: Beside this file, in a checkout and in the installed wheel alike (never the current directory).
ICON = Path(__file__).resolve().parent / "assets" / "icon.png"

st.set_page_config(page_title="Turquesa", page_icon=str(ICON), layout="wide")
init_state()
lang = language_selector()
_ = tr(lang)
try:
    store_cursor()
except StoreBusy as exc:
    st.error(_("Turquesa cannot open its store: {error}.").format(error=exc.text(lang)))
    st.stop()

PAGES = [
    st.Page("pages/overview.py", title=_("Overview"), icon=":material/dashboard:", default=True),
    st.Page("pages/corridor_map.py", title=_("Corridor map"), icon=":material/route:"),
    st.Page("pages/trends.py", title=_("Modus-operandi trends"), icon=":material/trending_up:"),
    st.Page("pages/gender.py", title=_("Gender and age"), icon=":material/groups:"),
    st.Page("pages/cooperation.py", title=_("Cooperation"), icon=":material/handshake:"),
    st.Page("pages/training.py", title=_("Training"), icon=":material/school:"),
    st.Page("pages/glossary.py", title=_("Glossary"), icon=":material/menu_book:"),
    st.Page("pages/home.py", title=_("Store and imports"), icon=":material/database:"),
    st.Page("pages/import_files.py", title=_("Import files"), icon=":material/upload_file:"),
]

if os.environ.get(TRAINING_ENV) == "1":
    st.warning(
        _("**Training mode**: synthetic data from the demo generator, not real cases."), icon=":material/school:"
    )

st.navigation(PAGES).run()
