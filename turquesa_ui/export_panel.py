"""The export panel of the analysis pages: marking, audience and language, then a file to download.

The file is built by :func:`turquesa_geo.exports.dispatch.export_file`, which writes the
export log row before the bytes reach the download button.
"""

from __future__ import annotations

import streamlit as st

from turquesa_geo.exports.dispatch import EXPORT_KINDS, export_context, export_file
from turquesa_geo.exports.marking import AUDIENCES, DEFAULT_TLP, TLP_LEVELS, Marking
from turquesa_geo.filters import Filters, to_query_params
from turquesa_geo.i18n import LANGUAGE_NAMES, LANGUAGES, N_, format_number
from turquesa_ui.data import graph_for_exports
from turquesa_ui.glossary_links import glossary_links
from turquesa_ui.lang import URL_KEY, current_lang, tr
from turquesa_ui.store import store_cursor
from turquesa_ui.text import md

KIND_LABELS = {"snapshot": N_("Map snapshot"), "pack": N_("Briefing pack (PDF)"), "extract": N_("Data extract")}
FORMAT_LABELS = {
    "png": N_("PNG (screen)"),
    "png-print": N_("PNG (print, 300 dpi)"),
    "pdf": N_("PDF (vector)"),
    "csv": "CSV",
    "xlsx": "Excel (XLSX)",
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
}
AUDIENCE_LABELS = {
    "internal": N_("Internal (counts under {k} hidden)"),
    "external": N_("External (counts under {k} hidden)"),
}
TABLE_LABELS = {
    "corridors": N_("Corridors"),
    "legs": N_("Legs"),
    "hubs": N_("Hubs"),
    "outcomes": N_("Deaths and disappearances during migration (IOM)"),
}


def caption_languages(lang: str) -> list[str]:
    """The caption choices: the interface language alone, then beside each other language, then the others alone."""
    others = [code for code in LANGUAGES if code != lang]
    return [lang, *(f"{lang},{o}" for o in others), *others]


def _langs_label(option: str) -> str:
    return " + ".join(LANGUAGE_NAMES[code] for code in option.split(","))


MIME = {
    "png": "image/png",
    "pdf": "application/pdf",
    "csv": "text/csv",
    "geojson": "application/geo+json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "gpkg": "application/geopackage+sqlite3",
}
_RESULT = "export_result"


def _view_url(filters: Filters) -> str:
    """The link that reopens this view: the page's address with the filters in its query string."""
    base = str(st.context.url or "").split("?", 1)[0]
    query = "&".join(f"{k}={v}" for k, v in {**to_query_params(filters), URL_KEY: current_lang()}.items())
    return f"{base}?{query}" if query else base


def export_panel(filters: Filters, period, page: str, kinds: tuple[str, ...] = ("snapshot", "pack", "extract")) -> None:
    """Draw the panel for the page's view; a prepared file is offered for download with a preview."""
    lang = current_lang()
    _ = tr(lang)
    with st.expander(_("Export this view (snapshot, briefing pack, data)"), icon=":material/download:"):
        st.caption(
            _(
                "How to read: every file carries its handling marking at top and bottom, the filters, period and "
                "data version, and is protected for its audience; each export is logged before it is handed "
                "over."
            )
        )
        glossary_links("tlp", "small_cells", lang=lang)
        with st.form(f"export_form_{page}"):
            c1, c2, c3 = st.columns(3)
            kind = c1.selectbox(_("What"), kinds, format_func=lambda k: _(KIND_LABELS[k]), key=f"export_kind_{page}")
            fmt = c1.selectbox(
                _("Format"),
                list(dict.fromkeys(f for k in kinds for f in EXPORT_KINDS[k])),
                format_func=lambda f: _(FORMAT_LABELS[f]),
                key=f"export_fmt_{page}",
                help=_("Snapshots: PNG or PDF; packs: PDF; extracts: CSV, XLSX, GeoJSON or GeoPackage"),
            )
            tlp = c2.selectbox(
                _("Handling (TLP 2.0)"), TLP_LEVELS, index=TLP_LEVELS.index(DEFAULT_TLP), key=f"export_tlp_{page}"
            )
            agency = c2.text_input(_("Agency marking (optional)"), max_chars=80, key=f"export_agency_{page}")
            audience = c3.radio(
                _("Audience"),
                list(AUDIENCES),
                key=f"export_audience_{page}",
                horizontal=True,
                format_func=lambda a: _(AUDIENCE_LABELS[a]).format(k=AUDIENCES[a].k),
            )
            langs = c3.selectbox(
                _("Captions"), caption_languages(lang), format_func=_langs_label, key=f"export_lang_{page}"
            )
            table = c3.selectbox(
                _("Table (CSV)"),
                tuple(TABLE_LABELS),
                key=f"export_table_{page}",
                format_func=lambda t: _(TABLE_LABELS[t]),
            )
            prepared = st.form_submit_button(_("Prepare the file"), type="primary")
        if prepared:
            if fmt not in EXPORT_KINDS[kind]:
                st.error(
                    _("A {kind} comes as {formats}, not {format}.").format(
                        kind=_(KIND_LABELS[kind]).lower(),
                        formats=", ".join(_(FORMAT_LABELS[f]) for f in EXPORT_KINDS[kind]),
                        format=_(FORMAT_LABELS[fmt]),
                    )
                )
                return
            con = store_cursor()
            context = export_context(
                con,
                filters,
                period,
                marking=Marking(tlp, agency),
                audience=audience,
                langs=tuple(langs.split(",")),
                view_url=_view_url(filters),
            )
            with st.spinner(_("Building the file…")):
                name, data = export_file(con, filters, kind, fmt, context, graph=graph_for_exports(), table=table)
            st.session_state[_RESULT] = {
                "page": page,
                "name": name,
                "data": data,
                "fmt": fmt,
                "kind": kind,
                "marking": context.marking.text,
            }
        result = st.session_state.get(_RESULT)
        if result and result["page"] == page:
            if result["fmt"] in ("png", "png-print"):
                st.image(
                    result["data"], caption=_("Preview of {name}").format(name=md(result["name"])), width="stretch"
                )
            st.download_button(
                _("Download {name}").format(name=result["name"]),
                result["data"],
                file_name=result["name"],
                mime=MIME[result["fmt"].split("-")[0]],
                type="primary",
                key=f"export_download_{page}",
            )
            st.caption(
                _("{size} bytes · {marking} · logged in the store's export log (`turquesa exports`).").format(
                    size=format_number(len(result["data"]), lang), marking=md(result["marking"])
                )
            )
