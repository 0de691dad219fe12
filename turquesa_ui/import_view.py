"""The import page's parts: run uploaded files through the importer, show each import's report."""

from pathlib import Path

import streamlit as st

from turquesa_geo.exports.tables import csv_bytes, quarantine_for_correction
from turquesa_geo.i18n import N_, format_number
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.ingest.htcds import import_htcds
from turquesa_geo.ingest.profiles.common import note_text
from turquesa_geo.ingest.readers import ImportRefused
from turquesa_geo.ingest.report import UNMAPPED_COLUMNS, rule_meaning, unmapped_rows
from turquesa_geo.store import inventory
from turquesa_ui.lang import current_lang, tr
from turquesa_ui.store import store_cursor, upload_space
from turquesa_ui.text import md

PROFILE_HELP = {
    "flat": N_("flat: one row per case or interception"),
    "htcds": N_("htcds: two files, an HTCDS persons file and an events file, linked by case_id"),
    "mmp": N_("mmp: IOM Missing Migrants Project incidents (CSV or JSON, as downloaded)"),
    "glotip": N_("glotip: UNODC GLOTIP country data (CSV or XLSX export of dataUNODC)"),
    "ctdc": N_("ctdc: CTDC victim records (global victim-level or synthetic victim–perpetrator CSV)"),
}


def run_imports(files, profile: str, source: str | None, date_format: str | None) -> list[dict]:
    """Import the uploaded files; return their reconciliations (refusals are shown as errors)."""
    # Uploads go to the one folder the locked store connection may read; removed after the import.
    with upload_space() as tmp:
        paths = []
        for upload in files:
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            paths.append(path)
        lang = current_lang()
        _ = tr(lang)
        bar = st.progress(0.0, text=_("reading"))
        progress = lambda phase, f: bar.progress(f, text=_(phase))  # noqa: E731
        try:
            if profile == "htcds":
                if len(paths) != 2:
                    st.error(_("The HTCDS format takes exactly two files: the persons file and the events file."))
                    return []
                return [
                    r.to_dict()
                    for r in import_htcds(
                        store_cursor(), *paths, source=source, date_format=date_format, progress=progress
                    )
                ]
            return [
                import_file(
                    store_cursor(), p, profile=profile, source=source, date_format=date_format, progress=progress
                ).to_dict()
                for p in paths
            ]
        except ImportRefused as exc:
            bar.empty()
            st.error(_("Not imported: {reason}").format(reason=md(exc.text(lang))))
            return []


def show_result(result: dict) -> None:
    """One import's report: reconciliation, flags by rule, unmapped terms, probable duplicates, quarantine."""
    lang = current_lang()
    _ = tr(lang)
    if result["already_imported"]:
        st.info(
            _("**{file}** was already imported as import {id} (format {profile}): 0 rows added.").format(
                profile=result["profile"], file=md(result["file_name"]), id=result["import_id"]
            )
        )
        return
    st.subheader(_("{file}: import {id}").format(file=md(result["file_name"]), id=result["import_id"]))
    _reconciliation(result, lang)
    _columns_and_notes(result, lang)
    _flags(result, lang)
    _unmapped_terms(result, lang)
    if result.get("probable_duplicates"):
        st.info(
            _("Probable duplicates: {n} rows match cases already stored from another file or source.").format(
                n=format_number(result["probable_duplicates"], lang)
            )
        )
    if result["rows_quarantined"]:
        _quarantine(result, lang)


#: The counts of an import, in two rows of metrics: (result key, label).
REPORT_METRICS = (
    (
        ("rows_read", N_("Read")),
        ("rows_accepted", N_("Accepted")),
        ("rows_flagged", N_("Accepted with flags")),
        ("rows_quarantined", N_("Quarantined")),
        ("probable_duplicates", N_("Probable duplicates")),
    ),
    (
        ("rows_inserted", N_("New")),
        ("rows_updated", N_("Updated")),
        ("rows_unchanged", N_("Unchanged")),
        ("rows_merged", N_("Merged")),
    ),
)


def _reconciliation(result: dict, lang: str) -> None:
    _ = tr(lang)
    for metrics in REPORT_METRICS:
        for col, (key, text) in zip(st.columns(len(metrics)), metrics):
            col.metric(_(text), format_number(result.get(key) or 0, lang))
    st.caption(
        _("Read {read} = accepted {accepted} + quarantined {quarantined}: ").format(
            read=format_number(result["rows_read"], lang),
            accepted=format_number(result["rows_accepted"], lang),
            quarantined=format_number(result["rows_quarantined"], lang),
        )
        + (_("reconciled.") if result["reconciles"] else _("NOT reconciled."))
    )


def _columns_and_notes(result: dict, lang: str) -> None:
    _ = tr(lang)
    if result["dropped_columns"]:
        st.warning(
            _("Columns that look like personal identifiers were dropped and not stored: ")
            + ", ".join(md(c) for c in result["dropped_columns"])
        )
    if result["ignored_columns"]:
        st.caption(_("Columns not in the model, ignored: ") + ", ".join(md(c) for c in result["ignored_columns"]))
    for column, codes in result.get("unmapped_codes", {}).items():
        st.caption(
            _("Codes not understood in {column} (rows kept, code left out): ").format(column=md(column))
            + ", ".join(md(c) for c in codes)
        )
    for note in result.get("notes", []):
        st.info(md(note_text(note, lang)))


def _flags(result: dict, lang: str) -> None:
    """Rows accepted with a flag, per rule, with what each rule means."""
    by_rule = result.get("flags_by_rule") or {}
    if not by_rule:
        return
    _ = tr(lang)
    st.markdown("**" + _("Accepted with flags, by rule") + "**")
    st.dataframe(
        [
            {"rule": rule, "rows": n, "meaning": rule_meaning(rule, lang, result["profile"])}
            for rule, n in by_rule.items()
        ],
        hide_index=True,
        width="stretch",
        column_config={"rule": _("Rule"), "rows": _("Rows"), "meaning": _("Meaning")},
    )
    st.caption(
        _(
            'Flagged cases are kept and counted everywhere; the filter "Exclude flagged cases" leaves them out, '
            "and the Store and imports page counts them by rule."
        )
    )


def _unmapped_terms(result: dict, lang: str) -> None:
    """Terms no vocabulary knows, kept with their cases, with up to three suggested codes."""
    terms = result.get("unmapped_terms") or []
    if not terms:
        return
    _ = tr(lang)
    st.markdown("**" + _("Terms not mapped") + "**")
    st.dataframe(
        [dict(zip(UNMAPPED_COLUMNS, row)) for row in unmapped_rows(terms, lang)],
        hide_index=True,
        width="stretch",
        column_config={
            "field": _("Field"),
            "column": _("Column"),
            "text": _("Text in the file"),
            "rows": _("Rows"),
            "suggestions": _("Suggested codes"),
        },
    )
    st.caption(
        _(
            'The cases are kept: each term reads "not mapped: ..." wherever its field is listed, until it is '
            "mapped to a code. A suggestion is never applied by itself."
        )
    )


def _quarantine(result: dict, lang: str) -> None:
    """The quarantined rows by rule, each problem, and the download for correction."""
    _ = tr(lang)
    con = store_cursor()
    by_rule = inventory.quarantine_by_rule(con, result["import_id"])
    st.markdown("**" + _("Quarantined rows by rule") + "**")
    st.dataframe(
        by_rule,
        hide_index=True,
        placeholder="–",
        width="stretch",
        column_config={"rule": _("Rule"), "rows": _("Rows"), "problems": _("Problems")},
    )
    st.caption(" · ".join(f"**{r}**: {rule_meaning(r, lang, result['profile'])}" for r in by_rule["rule"]))
    headers, rows = inventory.quarantine_entries(con, result["import_id"])
    st.dataframe(
        [dict(zip(headers[:5], r[:5])) for r in rows[:500]],
        column_config={
            "line": _("Line"),
            "column_name": _("Column"),
            "rule": _("Rule"),
            "value": _("Value"),
            "message": _("Message"),
        },
        hide_index=True,
        placeholder="–",
        width="stretch",
    )
    out_headers, out_rows = quarantine_for_correction(rows, headers)
    st.download_button(
        _("Download the quarantined rows for correction (CSV)"),
        csv_bytes(out_rows, out_headers),
        file_name=f"quarantine-import-{result['import_id']}.csv",
        mime="text/csv",
        key=f"download_q_{result['import_id']}",
    )
