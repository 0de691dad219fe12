"""Import page: upload incident files, see the reconciliation and the quarantine."""

import tempfile
from pathlib import Path

import streamlit as st

from turquesa_geo import summary
from turquesa_geo.exports import csv_bytes, quarantine_for_correction
from turquesa_geo.importer import PROFILES, RULES, import_file
from turquesa_geo.readers import SUPPORTED_SUFFIXES, ImportRefused
from turquesa_geo.sql import quarantine_rows
from turquesa_ui.state import LAST_IMPORTS
from turquesa_ui.store import store_cursor

MAX_UPLOAD_MB = 200

st.title("Import incident files")
st.caption("CSV (comma, semicolon or tab; UTF-8 or Windows-1252), Parquet, XLSX or JSON in the flat incident "
           "format. Each file is imported whole or not at all; rows that break a rule go to quarantine with "
           "the reason, and importing the same file twice adds nothing.")

with st.form("import_form"):
    files = st.file_uploader("Files", type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES], accept_multiple_files=True,
                             key="import_files", max_upload_size=MAX_UPLOAD_MB)
    c1, c2, c3 = st.columns(3)
    profile = c1.selectbox("Format", PROFILES, key="import_profile", help="flat: one row per case")
    source = c2.text_input("Reporting source (for rows without one)", key="import_source")
    date_format = c3.text_input("Date format, if the file's dates are ambiguous", key="import_date_format",
                                placeholder="%d/%m/%Y")
    submitted = st.form_submit_button("Import", type="primary")

if submitted and files:
    results = []
    for upload in files:
        bar = st.progress(0.0, text=f"{upload.name}: reading")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            try:
                result = import_file(store_cursor(), path, profile=profile, source=source or None,
                                     date_format=date_format or None,
                                     progress=lambda phase, f, n=upload.name: bar.progress(f, text=f"{n}: {phase}"))
                results.append(result.to_dict())
            except ImportRefused as exc:
                bar.empty()
                st.error(f"{upload.name} was not imported: {exc}")
    st.session_state[LAST_IMPORTS] = results
    st.cache_data.clear()

for result in st.session_state[LAST_IMPORTS]:
    with st.container(border=True):
        if result["already_imported"]:
            st.info(f"**{result['file_name']}** was already imported as import {result['import_id']}: "
                    "0 rows added.")
            continue
        st.subheader(f"{result['file_name']}: import {result['import_id']}")
        m = st.columns(6)
        for col, key, text in zip(m, ("rows_read", "rows_accepted", "rows_quarantined", "rows_inserted",
                                      "rows_updated", "rows_unchanged"),
                                  ("Read", "Accepted", "Quarantined", "New", "Updated", "Unchanged")):
            col.metric(text, f"{result[key]:,}")
        st.caption(f"Read {result['rows_read']:,} = accepted {result['rows_accepted']:,} + quarantined "
                   f"{result['rows_quarantined']:,}: " + ("reconciled." if result["reconciles"] else "NOT reconciled."))
        if result["dropped_columns"]:
            st.warning("Columns that look like personal identifiers were dropped and not stored: "
                       + ", ".join(result["dropped_columns"]))
        if result["ignored_columns"]:
            st.caption("Columns not in the model, ignored: " + ", ".join(result["ignored_columns"]))
        if result["rows_quarantined"]:
            con = store_cursor()
            by_rule = summary.quarantine_by_rule(con, result["import_id"])
            by_rule["meaning"] = by_rule["rule"].map(RULES)
            st.markdown("**Quarantined rows by rule**")
            st.dataframe(by_rule, hide_index=True, width="stretch")
            text, params = quarantine_rows(result["import_id"])
            cursor = con.execute(text, params)
            headers = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            st.dataframe([dict(zip(headers[:5], r[:5])) for r in rows[:500]], hide_index=True, width="stretch")
            out_headers, out_rows = quarantine_for_correction(rows, headers)
            st.download_button("Download the quarantined rows for correction (CSV)", csv_bytes(out_rows, out_headers),
                               file_name=f"quarantine-import-{result['import_id']}.csv", mime="text/csv",
                               key=f"download_q_{result['import_id']}")
