"""The import page's parts: run uploaded files through the importer, show each import's report."""

from pathlib import Path

import streamlit as st

from turquesa_geo.exports.log import current_user
from turquesa_geo.exports.tables import quarantine_csv_bytes
from turquesa_geo.i18n import N_, format_number
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.ingest.htcds import import_htcds
from turquesa_geo.ingest.ledger import quarantine_entries
from turquesa_geo.ingest.overlaps import DUPLICATE_POLICIES, POLICY_HELP, duplicates_line
from turquesa_geo.ingest.profiles.common import note_text
from turquesa_geo.ingest.readers import ImportRefused
from turquesa_geo.ingest.report import UNMAPPED_COLUMNS, rule_meaning, unmapped_rows
from turquesa_geo.ingest.terms import code_choices, code_label, field_name, map_term
from turquesa_geo.store import inventory
from turquesa_ui.data import unmapped_term_table
from turquesa_ui.lang import current_lang, tr
from turquesa_ui.state import LAST_MAPPING
from turquesa_ui.store import store_cursor, upload_space
from turquesa_ui.text import md

PROFILE_HELP = {
    "flat": N_("flat: one row per case or interception"),
    "htcds": N_("htcds: two files, an HTCDS persons file and an events file, linked by case_id"),
    "mmp": N_("mmp: IOM Missing Migrants Project incidents (CSV or JSON, as downloaded)"),
    "glotip": N_("glotip: UNODC GLOTIP country data (CSV or XLSX export of dataUNODC)"),
    "ctdc": N_("ctdc: CTDC victim records (global victim-level or synthetic victim–perpetrator CSV)"),
    "cbp": N_("cbp: US CBP nationwide encounters (monthly CSV, by area of responsibility or by state)"),
    "tipdir": N_("tipdir: US TIP report directionality coding (roles or routes per report year)"),
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
            # Our own words and numbers: nothing from the file to escape.
            duplicates_line(
                result["probable_duplicates"], result["rows_accepted"], result.get("duplicates_of", {}), lang
            )
            + " — "
            + _("see them with: {command}").format(command=f"`turquesa duplicates list --import {result['import_id']}`")
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
    if result.get("quarantine_resolved"):
        st.success(
            _("{n} quarantined rows of earlier imports are resolved by this import.").format(
                n=format_number(result["quarantine_resolved"], lang)
            )
        )


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
        column_config={"rule": _("Rule"), "rows": _("Rows"), "open": _("Still open"), "problems": _("Problems")},
    )
    st.caption(" · ".join(f"**{r}**: {rule_meaning(r, lang, result['profile'])}" for r in by_rule["rule"]))
    _show_open_entries(con, result["import_id"])


#: Columns of a quarantine entry the page lists, and their headings.
_ENTRY_HEADINGS = {
    "import_id": N_("Import"),
    "line": N_("Line"),
    "column_name": N_("Column"),
    "rule": N_("Rule"),
    "value": N_("Value"),
    "message": N_("Message"),
}

#: Most entries listed on the page (the download has them all).
_MAX_LISTED = 500


def _show_open_entries(con, import_id: int | None) -> None:
    """The open entries of one import (or of all) and their download for correction."""
    _ = tr(current_lang())
    headers, rows = quarantine_entries(con, import_id)
    if not rows:
        st.caption(_("Every quarantined row is resolved: a later import accepted it or took it again."))
        return
    shown = [h for h in _ENTRY_HEADINGS if import_id is None or h != "import_id"]
    at = [headers.index(h) for h in shown]
    st.dataframe(
        [{h: r[i] for h, i in zip(shown, at)} for r in rows[:_MAX_LISTED]],
        column_config={h: _(_ENTRY_HEADINGS[h]) for h in shown},
        hide_index=True,
        placeholder="–",
        width="stretch",
    )
    name = "quarantine-open.csv" if import_id is None else f"quarantine-import-{import_id}.csv"
    st.download_button(
        _("Download the quarantined rows for correction (CSV)"),
        quarantine_csv_bytes(rows, headers),
        file_name=name,
        mime="text/csv",
        key=f"download_q_{import_id if import_id is not None else 'open'}",
        help=_(
            "Correct the rows in the file and import it again: the quarantine_* columns are ignored, "
            "and each corrected row resolves the entry it came from."
        ),
    )


def show_open_quarantine() -> None:
    """Every import's open quarantine: rows still open per import, and one download of them all."""
    lang = current_lang()
    _ = tr(lang)
    con = store_cursor()
    per_import = inventory.open_quarantine(con)
    if per_import.empty:
        return
    rows = format_number(int(per_import["open"].sum()), lang)
    with st.expander(_("Open quarantine of every import ({n} rows)").format(n=rows)):
        st.dataframe(
            per_import,
            hide_index=True,
            placeholder="–",
            width="stretch",
            column_config={
                "import_id": _("Import"),
                "file_name": _("File"),
                "open": _("Still open"),
                "rules": _("Rules"),
            },
        )
        _show_open_entries(con, None)


def show_term_map() -> None:
    """The stored terms no vocabulary or mapping resolves, with their cases and suggested codes, and the
    picker that maps one (the stored cases are re-resolved at once, no re-import)."""
    lang = current_lang()
    _ = tr(lang)
    st.subheader(_("Terms not mapped"))
    done = st.session_state.get(LAST_MAPPING)
    if done:
        st.success(
            _("{field} '{text}' is now mapped to {code}: {cases} stored cases re-resolved.").format(
                field=field_name(done["field"], lang),
                text=md(done["text"]),
                code=md(code_label(done["field"], done["code"], lang)),
                cases=format_number(done["cases"], lang),
            )
        )
    terms = unmapped_term_table()
    if terms.empty:
        st.caption(_("Every stored term is mapped: nothing to do."))
        return
    st.dataframe(
        {
            "field": [field_name(f, lang) for f in terms["field"]],
            "text": terms["text"],
            "cases": terms["cases"],
            "columns": terms["columns"],
            "suggestions": [
                ", ".join(code_label(f, c, lang) for c in codes)
                for f, codes in zip(terms["field"], terms["suggestions"])
            ],
        },
        column_config={
            "field": _("Field"),
            "text": _("Text as read"),
            "cases": _("Cases"),
            "columns": _("Columns"),
            "suggestions": _("Suggestions"),
        },
        hide_index=True,
        width="stretch",
    )
    _map_picker(terms, lang)


def _map_picker(terms, lang: str) -> None:
    """Pick a term and a code of its field (the first suggestion preselected), then apply."""
    _ = tr(lang)
    c1, c2 = st.columns(2)
    row = c1.selectbox(
        _("Term"),
        range(len(terms)),
        format_func=lambda i: f"{field_name(terms['field'][i], lang)}: {terms['text'][i]} ({terms['cases'][i]})",
        key="term_pick",
    )
    field, text, suggested = terms["field"][row], terms["text"][row], terms["suggestions"][row]
    # One picker per term: another term starts from its own suggestion, not the last term's choice.
    choices = code_choices(field, lang)
    code = c2.selectbox(
        _("Code"),
        choices,
        index=choices.index(suggested[0]) if suggested and suggested[0] in choices else None,
        format_func=lambda c: code_label(field, c, lang),
        placeholder=_("Choose a code"),
        key=f"term_code_{field}_{terms['term_key'][row]}",
    )
    if st.button(_("Map this term"), key="term_apply", disabled=code is None, type="primary"):
        cases = map_term(store_cursor(), field, text, code, current_user())
        st.session_state[LAST_MAPPING] = {"field": field, "text": text, "code": code, "cases": cases}
        st.cache_data.clear()  # the stored cases changed: every cached figure is stale
        st.rerun()
