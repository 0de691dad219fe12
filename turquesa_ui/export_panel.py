"""The export panel of the analysis pages: marking, audience and language, then a file to download.

The file is built by :func:`turquesa_geo.briefing.export_file`, which writes the
export log row before the bytes reach the download button.
"""

from __future__ import annotations

import streamlit as st

from turquesa_geo.briefing import EXPORT_KINDS, export_context, export_file
from turquesa_geo.filters import Filters, to_query_params
from turquesa_geo.marking import AUDIENCES, DEFAULT_TLP, TLP_LEVELS, Marking
from turquesa_ui.glossary_links import glossary_links
from turquesa_ui.store import store_cursor
from turquesa_ui.text import md

KIND_LABELS = {"snapshot": "Map snapshot", "pack": "Briefing pack (PDF)", "extract": "Data extract"}
FORMAT_LABELS = {"png": "PNG (screen)", "png-print": "PNG (print, 300 dpi)", "pdf": "PDF (vector)", "csv": "CSV",
                 "xlsx": "Excel (XLSX)", "geojson": "GeoJSON", "gpkg": "GeoPackage"}
LANG_LABELS = {"en": "English", "es": "Español", "es,en": "Español + English"}
MIME = {"png": "image/png", "pdf": "application/pdf", "csv": "text/csv", "geojson": "application/geo+json",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "gpkg": "application/geopackage+sqlite3"}
_RESULT = "export_result"


def _view_url(filters: Filters) -> str:
    """The link that reopens this view: the page's address with the filters in its query string."""
    base = str(st.context.url or "").split("?", 1)[0]
    query = "&".join(f"{k}={v}" for k, v in to_query_params(filters).items())
    return f"{base}?{query}" if query else base


def export_panel(filters: Filters, period, page: str, kinds: tuple[str, ...] = ("snapshot", "pack", "extract")) -> None:
    """Draw the panel for the page's view; a prepared file is offered for download with a preview."""
    from turquesa_ui.data import graph_for_exports

    with st.expander("Export this view (snapshot, briefing pack, data)", icon=":material/download:"):
        st.caption("How to read: every file carries its handling marking at top and bottom, the filters, period and data "
                   "version, and is protected for its audience; each export is logged before it is handed over.")
        glossary_links("tlp", "small_cells")
        with st.form(f"export_form_{page}"):
            c1, c2, c3 = st.columns(3)
            kind = c1.selectbox("What", kinds, format_func=KIND_LABELS.get, key=f"export_kind_{page}")
            fmt = c1.selectbox("Format", list(dict.fromkeys(f for k in kinds for f in EXPORT_KINDS[k])),
                               format_func=FORMAT_LABELS.get,
                               key=f"export_fmt_{page}", help="Snapshots: PNG or PDF; packs: PDF; extracts: CSV, "
                               "XLSX, GeoJSON or GeoPackage")
            tlp = c2.selectbox("Handling (TLP 2.0)", TLP_LEVELS, index=TLP_LEVELS.index(DEFAULT_TLP),
                               key=f"export_tlp_{page}")
            agency = c2.text_input("Agency marking (optional)", max_chars=80, key=f"export_agency_{page}")
            audience = c3.radio("Audience", list(AUDIENCES), key=f"export_audience_{page}", horizontal=True,
                                format_func=lambda a: f"{a.capitalize()} (counts under {AUDIENCES[a].k} hidden)")
            langs = c3.selectbox("Captions", list(LANG_LABELS), format_func=LANG_LABELS.get, key=f"export_lang_{page}")
            table = c3.selectbox("Table (CSV)", ("corridors", "legs", "hubs"), key=f"export_table_{page}")
            prepared = st.form_submit_button("Prepare the file", type="primary")
        if prepared:
            if fmt not in EXPORT_KINDS[kind]:
                st.error(f"A {KIND_LABELS[kind].lower()} comes as "
                         f"{', '.join(FORMAT_LABELS[f] for f in EXPORT_KINDS[kind])}, not {FORMAT_LABELS[fmt]}.")
                return
            con = store_cursor()
            context = export_context(con, filters, period, marking=Marking(tlp, agency), audience=audience,
                                     langs=tuple(langs.split(",")), view_url=_view_url(filters))
            with st.spinner("Building the file…"):
                name, data = export_file(con, filters, kind, fmt, context, graph=graph_for_exports(), table=table)
            st.session_state[_RESULT] = {"page": page, "name": name, "data": data, "fmt": fmt, "kind": kind,
                                         "marking": context.marking.text}
        result = st.session_state.get(_RESULT)
        if result and result["page"] == page:
            if result["fmt"] in ("png", "png-print"):
                st.image(result["data"], caption=f"Preview of {md(result['name'])}", width="stretch")
            st.download_button(f"Download {result['name']}", result["data"], file_name=result["name"],
                               mime=MIME[result["fmt"].split("-")[0]], type="primary", key=f"export_download_{page}")
            st.caption(f"{len(result['data']):,} bytes · {md(result['marking'])} · logged in the store's export log "
                       "(`turquesa exports`).")
