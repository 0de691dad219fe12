"""Import page: upload incident files, see the reconciliation and the quarantine."""

import streamlit as st

from turquesa_geo.cli import IMPORT_PROFILES
from turquesa_geo.i18n import pgettext
from turquesa_geo.ingest.readers import SUPPORTED_SUFFIXES
from turquesa_ui.import_view import (
    DUPLICATE_CHOICES,
    DUPLICATE_HELP,
    PROFILE_HELP,
    run_imports,
    show_open_quarantine,
    show_result,
    show_term_map,
)
from turquesa_ui.lang import current_lang, tr
from turquesa_ui.state import LAST_IMPORTS, run_inside_app

run_inside_app()
lang = current_lang()
_ = tr(lang)

MAX_UPLOAD_MB = 200

st.title(_("Import incident files"))
st.caption(
    _(
        "CSV (comma, semicolon or tab; UTF-8 or Windows-1252), Parquet, XLSX or JSON. Each file is imported "
        "whole or not at all; rows that cannot be stored as a case go to quarantine with the reason, doubtful "
        "cases are kept with a flag, and importing the same file twice adds nothing."
    )
)
with st.form("import_form"):
    files = st.file_uploader(
        _("Files"),
        type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
        accept_multiple_files=True,
        key="import_files",
        max_upload_size=MAX_UPLOAD_MB,
    )
    c1, c2, c3 = st.columns(3)
    profile = c1.selectbox(_("Format"), IMPORT_PROFILES, key="import_profile", format_func=lambda p: _(PROFILE_HELP[p]))
    source = c2.text_input(_("Reporting source (for rows without one)"), key="import_source")
    date_format = c3.text_input(
        _("Date format, if the file's dates are ambiguous"), key="import_date_format", placeholder="%d/%m/%Y"
    )
    duplicates = st.radio(
        _("Cases probably already stored (same date within a day, place, crime type and persons)"),
        DUPLICATE_CHOICES,
        key="import_duplicates",
        format_func=lambda p: _(DUPLICATE_HELP[p]),
    )
    submitted = st.form_submit_button(pgettext(lang, "button", "Import"), type="primary")

if submitted and files:
    st.session_state[LAST_IMPORTS] = run_imports(files, profile, source or None, date_format or None, duplicates)
    st.cache_data.clear()

for result in st.session_state[LAST_IMPORTS]:
    with st.container(border=True):
        show_result(result)
show_open_quarantine()

with st.container(border=True):
    show_term_map()
