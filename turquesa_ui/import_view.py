"""The import page's parts: run uploaded files through the importer, show each reconciliation."""

from pathlib import Path

import streamlit as st

from turquesa_geo.exports.tables import csv_bytes, quarantine_for_correction
from turquesa_geo.i18n import N_, format_number
from turquesa_geo.ingest.flat import RULES, import_file
from turquesa_geo.ingest.htcds import HTCDS_RULES, import_htcds
from turquesa_geo.ingest.overlaps import DUPLICATE_POLICIES, POLICY_HELP, duplicates_line
from turquesa_geo.ingest.profiles.common import note_text
from turquesa_geo.ingest.profiles.glotip import RULES as GLOTIP_RULES
from turquesa_geo.ingest.readers import ImportRefused
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


#: The choices of what to do with probable duplicates, as the import page offers them, and each in words.
DUPLICATE_CHOICES = DUPLICATE_POLICIES
DUPLICATE_HELP = {policy: POLICY_HELP[policy] for policy in DUPLICATE_CHOICES}


def run_imports(
    files, profile: str, source: str | None, date_format: str | None, duplicates: str = "default"
) -> list[dict]:
    """Import the uploaded files; return their reconciliations (refusals are shown as errors).

    ``duplicates`` is the policy for probable duplicates of stored cases (HTCDS pairs are not checked).
    """
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
                    store_cursor(),
                    p,
                    profile=profile,
                    source=source,
                    date_format=date_format,
                    progress=progress,
                    duplicates=duplicates,
                ).to_dict()
                for p in paths
            ]
        except ImportRefused as exc:
            bar.empty()
            st.error(_("Not imported: {reason}").format(reason=md(exc.text(lang))))
            return []


def show_result(result: dict) -> None:
    """One import's reconciliation, dropped columns and quarantine (with a correction download)."""
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
    labels = {
        "rows_read": _("Read"),
        "rows_accepted": _("Accepted"),
        "rows_quarantined": _("Quarantined"),
        "rows_inserted": _("New"),
        "rows_updated": _("Updated"),
        "rows_unchanged": _("Unchanged"),
    }
    for col, (key, text) in zip(st.columns(len(labels)), labels.items()):
        col.metric(text, format_number(result[key], lang))
    st.caption(
        _("Read {read} = accepted {accepted} + quarantined {quarantined}: ").format(
            read=format_number(result["rows_read"], lang),
            accepted=format_number(result["rows_accepted"], lang),
            quarantined=format_number(result["rows_quarantined"], lang),
        )
        + (_("reconciled.") if result["reconciles"] else _("NOT reconciled."))
    )
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
    if result.get("probable_duplicates"):
        st.info(
            # Our own words and numbers: nothing from the file to escape.
            duplicates_line(result["probable_duplicates"], result["rows_accepted"], result["duplicates_of"], lang)
            + " — "
            + _("see them with: {command}").format(command=f"`turquesa duplicates list --import {result['import_id']}`")
        )
    if not result["rows_quarantined"]:
        return
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
    st.caption(
        " · ".join(
            f"**{r}**: {_(RULES.get(r) or HTCDS_RULES.get(r) or GLOTIP_RULES.get(r) or r)}" for r in by_rule["rule"]
        )
    )
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
