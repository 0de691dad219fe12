"""Turquesa dashboard: the page frame and the routes to each page."""

import streamlit as st

from turquesa_ui.state import init_state

st.set_page_config(page_title="Turquesa", page_icon="assets/icon.png", layout="wide")
init_state()

PAGES = [
    st.Page("pages/home.py", title="Overview of the store", icon=":material/home:", default=True),
    st.Page("pages/corridor_map.py", title="Corridor map", icon=":material/route:"),
    st.Page("pages/import_files.py", title="Import files", icon=":material/upload_file:"),
]

st.navigation(PAGES).run()
