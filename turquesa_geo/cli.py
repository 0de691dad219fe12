"""The ``turquesa`` command line: demo, import, status, quarantine, terms, duplicates, reference, serve, bench.

Every command takes ``--db``; reports take ``--format table|json``. Errors print one
line and exit non-zero, never a traceback. ``--lang en|es|pt|fr`` (before or after the
command; default ``$TURQUESA_LANG``, else English) sets the language of the messages,
table headings and labels; JSON and CSV keys stay English (they are read by programs),
and so does ``--help``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd

from turquesa_geo.columns import MODUS_DIMENSIONS
from turquesa_geo.cooperation import (
    CONTACTS_ENV,
    contacts_missing,
    contacts_path,
    quarter_label,
    reporters_by_corridor,
    shared_corridors,
)
from turquesa_geo.corridors import corridor_graph, corridor_table, corridor_view, store_period
from turquesa_geo.demo.generator import write_demo
from turquesa_geo.demo.training import TRAINING_ENV
from turquesa_geo.exports.dispatch import EXPORT_KINDS, export_context, export_file
from turquesa_geo.exports.log import current_user, export_log
from turquesa_geo.exports.marking import Marking
from turquesa_geo.exports.tables import csv_bytes, write_quarantine_csv
from turquesa_geo.filters import FILTER_FIELDS, Filters, describe, from_query_params, to_query_params
from turquesa_geo.i18n import (
    LANG_ENV,
    LANGUAGES,
    N_,
    LocalizedError,
    check_lang,
    default_lang,
    format_number,
    translator,
)
from turquesa_geo.ingest.flat import FLAG_RULES, PROFILES, ImportResult, import_file
from turquesa_geo.ingest.htcds import import_htcds
from turquesa_geo.ingest.ledger import quarantine_entries
from turquesa_geo.ingest.overlaps import (
    DUPLICATE_POLICIES,
    IMPORT_POLICIES,
    LINK_STATUSES,
    POLICY_HELP,
    LinkRefused,
    case_links,
    detect_all,
    duplicates_line,
    link_cases,
    unlink_cases,
)
from turquesa_geo.ingest.profiles.common import note_text
from turquesa_geo.ingest.readers import ImportRefused
from turquesa_geo.ingest.report import rule_meaning, unmapped_rows
from turquesa_geo.ingest.terms import (
    TermMapError,
    check_code,
    export_term_map,
    import_term_map,
    map_term,
    resolve_field,
    term_map,
    unmap_term,
    unmapped_terms,
)
from turquesa_geo.outcomes import COUNT_COLUMNS as OUTCOME_COUNTS
from turquesa_geo.outcomes import GROUPINGS, OUTCOME_SOURCE, outcome_records, outcome_table
from turquesa_geo.outcomes import outcomes as outcomes_of
from turquesa_geo.privacy import SMALL_CELL_K, format_count, format_guarded_total, protect_long
from turquesa_geo.references import (
    INDICATOR_LABELS,
    REFERENCE_KEYS,
    reference_dimension,
    reference_names,
    reference_table,
    reference_value_text,
    resolve_reference_sources,
)
from turquesa_geo.signals import emerging_signals, signal_baseline, signal_table
from turquesa_geo.store import queries as sql
from turquesa_geo.store.connection import DB_ENV, StoreBusy, connect, resolve_db_path
from turquesa_geo.store.inventory import holdings_text, reference_inventory, reference_summary, store_holdings
from turquesa_geo.trends import modus_series

__all__ = ["build_parser", "format_table", "main"]

IMPORT_PROFILES = (*PROFILES, "htcds")
TREND_DIMENSION_CHOICES = MODUS_DIMENSIONS


def _app_dir() -> Path:
    """The dashboard's folder (app.py, pages/, assets/, .streamlit/config.toml), found beside this package.

    Installed from the wheel it is the ``turquesa_app`` package next to ``turquesa_geo``;
    in a checkout, the top level of the repository. Never the current directory.
    """
    top = Path(__file__).resolve().parent.parent
    installed = top / "turquesa_app"
    return installed if (installed / "app.py").is_file() else top


APP_DIR = _app_dir()
APP_PATH = APP_DIR / "app.py"
#: The committed Streamlit configuration (local address, no usage statistics, XSRF protection...).
STREAMLIT_CONFIG = APP_DIR / ".streamlit" / "config.toml"
EXIT_USAGE, EXIT_REFUSED = 2, 1


class CliError(Exception):
    """An error to report as one line on stderr."""


#: The messages' gettext function: English until main() sets the chosen language.
_ = translator("en").gettext
#: The language of the messages and labels (set by main()).
_lang = "en"

#: Column headings of the table output (JSON and CSV keep the column names).
HEADINGS = {
    "rank": N_("Rank"),
    "incidents": N_("Incidents"),
    "dead": N_("Dead"),
    "missing": N_("Missing"),
    "survivors": N_("Survivors"),
    "women_girls": N_("Women and girls"),
    "men_boys": N_("Men and boys"),
    "children": N_("Children"),
    "dead_and_missing": N_("Dead and missing"),
    "route": N_("Route"),
    "cases": N_("Cases"),
    "persons": N_("Persons"),
    "inferred_pct": N_("Inferred %"),
    "change_pct": N_("Change %"),
    "women_girls_pct": N_("Women & girls %"),
    "crime_type": N_("Crime type"),
    "year": N_("Year"),
    "source": N_("Source"),
    "network": N_("Network"),
    "first_case": N_("First case"),
    "last_case": N_("Last case"),
    "import_id": N_("Import"),
    "file_name": N_("File"),
    "rows_read": N_("Read"),
    "rows_accepted": N_("Accepted"),
    "rows_flagged": N_("Flagged"),
    "rows_quarantined": N_("Quarantined"),
    "quarantine_open": N_("Still open"),
    "rows_updated": N_("Updated"),
    "finished": N_("Finished"),
    "rule": N_("Rule"),
    "rules": N_("Rules"),
    "rows": N_("Rows"),
    "open": N_("Still open"),
    "column_name": N_("Column"),
    "value": N_("Value"),
    "message": N_("Message"),
    "resolved_by": N_("Resolved by import"),
    "problems": N_("Problems"),
    "quarter": N_("Quarter"),
    "reporters": N_("Reporters"),
    "n_reporters": N_("Number of reporters"),
    "kind": N_("Kind"),
    "what": N_("What"),
    "direction": N_("Direction"),
    "reason": N_("Change"),
    "export_id": N_("Export"),
    "exported_at": N_("Exported"),
    "user_name": N_("User"),
    "marking": N_("Marking"),
    "audience": N_("Audience"),
    "data_version": N_("Data version"),
    "line": N_("Line"),
    "reason_text": N_("Reason"),
    "raw": N_("Raw row"),
    "field": N_("Field"),
    "text": N_("Text as read"),
    "code": N_("Code"),
    "columns": N_("Columns"),
    "suggestions": N_("Suggestions"),
    "mapped_by": N_("Mapped by"),
    "mapped_at": N_("Mapped"),
    "meaning": N_("Meaning"),
    "flagged": N_("Flagged"),
    "case_uid": N_("Case"),
    "incident_id": N_("Incident"),
    "case_date": N_("Date"),
    "linked_to": N_("Same case as"),
    "linked_source": N_("Its source"),
    "linked_incident_id": N_("Its incident"),
    "linked_date": N_("Its date"),
    "status": N_("Status"),
    "score": N_("Score"),
    "method": N_("Method"),
    "indicator": N_("Indicator"),
    "first_year": N_("From"),
    "last_year": N_("To"),
    "censored": N_("Censored"),
    "known_total": N_("Known total"),
    "total_censored": N_("Totals censored"),
    "country": N_("Country"),
    "region": N_("Region"),
    "citizenship": N_("Citizenship"),
    "category": N_("Category"),
    "sex": N_("Sex"),
    "age": N_("Age"),
}
SECTION_TITLES = {
    "cases_by_crime_type_and_year": N_("Cases by crime type and year"),
    "sources": N_("Sources"),
    "last_imports": N_("Last imports"),
    "quarantine_by_rule": N_("Quarantine by rule"),
    "open_quarantine": N_("Open quarantine by import"),
    "flagged_cases_by_rule": N_("Flagged cases by rule (per import)"),
    "deaths_and_disappearances_by_year": N_(
        "Deaths and disappearances during migration (IOM Missing Migrants Project; no cases) by year"
    ),
    "reference_counts": N_("Reference counts (published aggregate data) by source and indicator"),
    "reference_counts_by_year": N_("Reference counts by source, indicator and year"),
}


def _headings(headers: Sequence[str]) -> list[str]:
    return [_(HEADINGS[h]) if h in HEADINGS else h for h in headers]


def _set_language(lang: str) -> None:
    global _, _lang
    _lang = check_lang(lang)
    _ = translator(lang).gettext


def format_table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    """Render rows as a plain aligned text table.

    >>> print(format_table([("a", 1), ("bb", 22)], ["name", "n"]))
    name  n
    ----  --
    a     1
    bb    22
    """
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _emit(data: dict, text: str, fmt: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str) if fmt == "json" else text)


def _progress_printer(name: str):
    if not sys.stderr.isatty():
        return None

    def show(phase: str, fraction: float) -> None:
        filled = int(fraction * 30)
        end = "\n" if fraction >= 1 else ""
        sys.stderr.write(f"\r{name[:30]:30} [{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%} {_(phase):8}{end}")
        sys.stderr.flush()

    return show


# --- commands -----------------------------------------------------------------------


def _describe_import(result: ImportResult) -> str:
    """The import's report: reconciliation, flags, quarantine, unmapped terms, probable duplicates, notes."""
    r = result
    if r.already_imported:
        return _("{file}: already imported as import {id} (format {profile}); 0 rows added").format(
            file=r.file_name, id=r.import_id, profile=r.profile
        )
    lines = [
        _("{file}: import {id}").format(file=r.file_name, id=r.import_id),
        "  "
        + _("read {read} = accepted {accepted} + quarantined {quarantined}").format(
            read=r.rows_read, accepted=r.rows_accepted, quarantined=r.rows_quarantined
        ),
        "  "
        + _(
            "accepted {accepted} = inserted {inserted} + updated {updated} + unchanged {unchanged} + merged {merged}"
        ).format(
            accepted=r.rows_accepted,
            inserted=r.rows_inserted,
            updated=r.rows_updated,
            unchanged=r.rows_unchanged,
            merged=r.rows_merged,
        ),
        *_import_columns(r),
        *_import_flags(r),
        *_import_quarantine(r),
        *_import_terms(r),
    ]
    if r.quarantine_resolved:
        lines.append("  " + _("quarantined rows of earlier imports resolved: {n}").format(n=r.quarantine_resolved))
    if r.probable_duplicates:
        lines.append("  " + duplicates_line(r.probable_duplicates, r.rows_accepted, r.duplicates_of, _lang))
        lines.append(
            "  " + _("see them with: {command}").format(command=f"turquesa duplicates list --import {r.import_id}")
        )
    for column, codes in r.unmapped_codes.items():
        lines.append(
            "  "
            + _("codes not understood in {column} (rows kept, code left out): {codes}").format(
                column=column, codes=", ".join(codes)
            )
        )
    lines += ["  " + _("note: {note}").format(note=note_text(note, _lang)) for note in r.notes]
    return "\n".join(lines)


def _import_columns(r: ImportResult) -> list[str]:
    lines = []
    if r.dropped_columns:
        lines.append(
            "  " + _("personal columns dropped, not stored: {columns}").format(columns=", ".join(r.dropped_columns))
        )
    if r.ignored_columns:
        lines.append(
            "  " + _("columns not in the model, ignored: {columns}").format(columns=", ".join(r.ignored_columns))
        )
    return lines


def _import_flags(r: ImportResult) -> list[str]:
    """Accepted with flags, then one line per rule with its meaning."""
    if not r.rows_flagged:
        return []
    lines = ["  " + _("accepted with flags: {n} (kept; doubtful points flagged)").format(n=r.rows_flagged)]
    for rule, n in r.flags_by_rule.items():
        lines.append(
            "    "
            + _("flagged by {rule}: {n} ({meaning})").format(
                rule=rule, n=n, meaning=rule_meaning(rule, _lang, r.profile)
            )
        )
    lines.append("    " + _("leave them out with: {command}").format(command="--exclude-flagged"))
    return lines


def _import_quarantine(r: ImportResult) -> list[str]:
    lines = [
        "  "
        + _("quarantined by {rule}: {n} ({meaning})").format(
            rule=rule, n=n, meaning=rule_meaning(rule, _lang, r.profile)
        )
        for rule, n in r.quarantine_by_rule.items()
    ]
    if r.rows_quarantined:
        lines.append(
            "  "
            + _("see them with: {command}").format(command=f"turquesa quarantine --import {r.import_id} --out FILE.csv")
        )
    return lines


def _import_terms(r: ImportResult) -> list[str]:
    """Unmapped terms, most rows first, with up to three suggested codes (never applied)."""
    if not r.unmapped_terms:
        return []
    lines = ["  " + _("terms not mapped (cases kept): {n}").format(n=len(r.unmapped_terms))]
    for field, column, text, rows, suggestions in unmapped_rows(r.unmapped_terms, _lang):
        line = _("{column} ({field}): {text} in {rows} rows").format(
            column=column, field=field, text=repr(text), rows=rows
        )
        if suggestions:
            line += "; " + _("suggested: {codes}").format(codes=suggestions)
        lines.append("    " + line)
    return lines


def cmd_import(args: argparse.Namespace) -> int:
    con = connect(args.db)
    results = []
    if args.profile == "htcds":
        if len(args.files) != 2:
            raise CliError(_("--profile htcds takes two files (persons and events), got {n}").format(n=len(args.files)))
        results = list(import_htcds(con, *args.files, source=args.source, date_format=args.date_format))
        if args.format == "table":
            print("\n".join(_describe_import(r) for r in results))
    refused: list[dict[str, str]] = []
    for name in args.files if args.profile != "htcds" else ():
        # Each file is its own transaction: one refused file is reported and the next ones still enter.
        try:
            result = import_file(
                con,
                name,
                profile=args.profile,
                source=args.source,
                date_format=args.date_format,
                progress=_progress_printer(Path(name).name) if args.format == "table" else None,
                duplicates=args.duplicates,
            )
        except (ImportRefused, FileNotFoundError) as exc:
            if len(args.files) == 1:
                raise
            reason = exc.text(_lang) if isinstance(exc, LocalizedError) else str(exc)
            refused.append({"file": str(name), "reason": reason})
            print(
                "turquesa: " + _("{file} refused, nothing of it stored: {reason}").format(file=name, reason=reason),
                file=sys.stderr,
            )
            continue
        results.append(result)
        if args.format == "table":
            print(_describe_import(result))
    if args.format == "json":
        _emit({"imports": [r.to_dict() for r in results], "refused": refused}, "", "json")
    return EXIT_REFUSED if refused else 0


def cmd_demo(args: argparse.Namespace) -> int:
    if getattr(args, "if_empty", False) and _holds_cases(args.db):
        print(_("{db} already holds cases: no demo added").format(db=resolve_db_path(args.db)))
        return 0
    con = connect(args.db)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"demo-{args.rows}-seed{args.seed}{'' if args.planted else '-control'}.parquet"
        write_demo(path, rows=args.rows, seed=args.seed, planted=args.planted)
        result = import_file(con, path, source="Turquesa demo", progress=_progress_printer(path.name))
    _emit(result.to_dict(), _describe_import(result), args.format)
    return 0


def _holds_cases(db: str | None) -> bool:
    """Whether the store exists and holds at least one case (read-only: a missing store is not created)."""
    path = resolve_db_path(db)
    if not path.exists():
        return False
    con = connect(path, read_only=True)
    try:
        return store_period(con) is not None
    finally:
        con.close()


def _query(con, query: sql.Query) -> tuple[list[str], list[tuple]]:
    text, params = query
    cursor = con.execute(text, params)
    return [d[0] for d in cursor.description], cursor.fetchall()


def cmd_status(args: argparse.Namespace) -> int:
    con = connect(args.db, read_only=True)
    # Counts of cases and persons are protected as tables with margins: both breakdowns add up
    # to the store's total, which the home page shows. Import and quarantine counts are rows
    # of files, not people.
    sections = {
        "cases_by_crime_type_and_year": (sql.status_by_crime_year(), ("cases", "persons"), ("crime_type", "year")),
        "sources": (sql.sources_summary(), ("cases",), ()),
        "last_imports": (sql.recent_imports(args.last), (), ()),
        "quarantine_by_rule": (sql.quarantine_by_rule(), (), ()),
        "open_quarantine": (sql.open_quarantine_by_import(), (), ()),
        # Like the quarantine, a data-quality count of each import's rows, shown exact.
        "flagged_cases_by_rule": (sql.flags_by_rule(), (), ()),
        # Their own measure, apart from the cases: each count protected on its own (no total is shown).
        "deaths_and_disappearances_by_year": (sql.outcomes(Filters(), ("year",)), OUTCOME_COUNTS, ()),
    }
    data, text = {}, []
    for title, (query, protected, keys) in sections.items():
        headers, rows = _query(con, query)
        rows = _protected_rows(headers, rows, protected, keys)
        data[title] = [dict(zip(headers, row)) for row in rows]
        if title == "flagged_cases_by_rule":  # each rule beside what it means (JSON: in English)
            data[title] = [{**entry, "meaning": rule_meaning(entry["rule"])} for entry in data[title]]
            headers, rows = [*headers, "meaning"], [(*row, rule_meaning(row[1], _lang)) for row in rows]
        text.append(
            f"{_(SECTION_TITLES[title])}:\n" + (format_table(rows, _headings(headers)) if rows else _("(none)"))
        )
    data, text = _reference_status(con, data, text)
    _emit(data, "\n\n".join(text), args.format)
    return 0


def _reference_status(con, data: dict, text: list[str]) -> tuple[dict, list[str]]:
    """The status sections of the reference (aggregate) counts: per source and indicator, and per year.

    Published values, shown as stored: the known total leaves out the totals published as ``<5``
    and says how many (``total_censored``); it is never given as exact when it is not.
    """
    by_year = reference_inventory(con)
    for title, frame in (("reference_counts", reference_summary(by_year)), ("reference_counts_by_year", by_year)):
        records = _plain_records(frame)
        data[title] = records
        rows = [
            [("–" if v is None else format_number(v, _lang)) if k == "known_total" else v for k, v in r.items()]
            for r in records
        ]
        table = format_table(rows, _headings(list(frame.columns))) if rows else _("(none)")
        text.append(f"{_(SECTION_TITLES[title])}:\n{table}")
    return data, text


def _plain_records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as dicts of plain Python values: numbers as int, missing values as None (JSON null)."""
    return [
        {k: None if pd.isna(v) else int(v) if isinstance(v, (int, np.integer)) else v for k, v in row.items()}
        for row in frame.astype(object).to_dict("records")
    ]


def _protected_rows(headers: list[str], rows: list[tuple], columns: Sequence[str], keys: Sequence[str]) -> list[tuple]:
    """``rows`` with each of ``columns`` protected as one table (two-way on ``keys``, else one cell per row)."""
    if not columns or not rows:
        return rows
    frame = pd.DataFrame(rows, columns=headers)
    for column in columns:
        shown, at = protect_long(frame, column, *keys)[column].tolist(), headers.index(column)
        rows = [(*row[:at], value, *row[at + 1 :]) for row, value in zip(rows, shown)]
    return rows


#: Columns of a quarantine entry the table output shows (JSON has them all, the CSV the rows to correct).
QUARANTINE_TABLE = ("import_id", "line", "column_name", "rule", "value", "message")


def cmd_quarantine(args: argparse.Namespace) -> int:
    con = connect(args.db, read_only=True)
    if args.import_id is not None and not con.execute(*sql.import_exists(args.import_id)).fetchall()[0][0]:
        raise CliError(
            _("no import {id} in {db}; see 'turquesa status'").format(id=args.import_id, db=resolve_db_path(args.db))
        )
    headers, rows = quarantine_entries(con, args.import_id, include_resolved=args.all)
    if args.out:
        write_quarantine_csv(rows, headers, args.out)
        print(_quarantine_written(len(rows), args))
        return 0
    shown = [*QUARANTINE_TABLE, "resolved_by"] if args.all else list(QUARANTINE_TABLE)
    at = [headers.index(h) for h in shown]
    _emit(
        {"import_id": args.import_id, "rows": [dict(zip(headers, r)) for r in rows]},
        format_table([[r[i] for i in at] for r in rows], _headings(shown)) if rows else _("(nothing quarantined)"),
        args.format,
    )
    return 0


def _quarantine_written(n: int, args: argparse.Namespace) -> str:
    if args.import_id is None:
        return _("{n} open quarantine entries written to {out}").format(n=n, out=args.out)
    return _("{n} quarantine entries of import {id} written to {out}").format(n=n, id=args.import_id, out=args.out)


#: The columns ``turquesa terms`` lists: the mappings, or with --unmapped the terms left unmapped.
TERM_MAP_LIST = ("field", "text", "code", "cases", "mapped_by", "mapped_at")
UNMAPPED_LIST = ("field", "text", "cases", "columns", "suggestions")


def cmd_terms(args: argparse.Namespace) -> int:
    if args.terms_command == "map":
        field = resolve_field(args.term_field)
        code = check_code(field, args.code)
        cases = map_term(connect(args.db), field, args.text, code, current_user())
        print(
            _("{field} {text} is now mapped to {code}: {cases} stored cases re-resolved").format(
                field=field, text=repr(args.text), code=code, cases=cases
            )
        )
        return 0
    if args.terms_command == "unmap":
        field = resolve_field(args.term_field)
        cases = unmap_term(connect(args.db), field, args.text, current_user())
        print(
            _("{field} {text} is no longer mapped: {cases} stored cases put back as not mapped").format(
                field=field, text=repr(args.text), cases=cases
            )
        )
        return 0
    if args.terms_command == "export":
        written = export_term_map(connect(args.db, read_only=True), args.out)
        print(_("{n} mappings written to {out}").format(n=written, out=args.out))
        return 0
    if args.terms_command == "import":
        cases = import_term_map(connect(args.db), args.file, current_user())
        print(_("{file}: mappings added, {cases} stored cases re-resolved").format(file=args.file, cases=cases))
        return 0
    return _list_terms(args)


def _list_terms(args: argparse.Namespace) -> int:
    """``turquesa terms [--unmapped]``: the mappings, or the stored terms no mapping resolves yet."""
    con = connect(args.db, read_only=True)
    if args.unmapped:
        frame, columns, key, empty = (
            unmapped_terms(con, args.field),
            UNMAPPED_LIST,
            "unmapped_terms",
            _("(no unmapped term)"),
        )
    else:
        frame, columns, key, empty = term_map(con), TERM_MAP_LIST, "term_map", _("(no mapping yet)")
        if args.field:
            frame = frame[frame["field"] == resolve_field(args.field)]
    records = [dict(zip(columns, row)) for row in frame[list(columns)].itertuples(index=False)]
    for record in records:
        record["cases"] = int(record["cases"])
        if "mapped_at" in record:
            record["mapped_at"] = str(record["mapped_at"])[:19]
    if args.format == "json":
        _emit({key: records}, "", "json")
        return 0
    rows = [[";".join(v) if isinstance(v, list) else v for v in record.values()] for record in records]
    if args.format == "csv":
        sys.stdout.write(csv_bytes(rows, list(columns)).decode("utf-8-sig"))
        return 0
    print(format_table(rows, _headings(columns)) if rows else empty)
    return 0


#: The columns ``turquesa duplicates list`` shows: each link with both reports.
DUPLICATE_COLUMNS = (
    "case_uid",
    "source",
    "incident_id",
    "case_date",
    "linked_to",
    "linked_source",
    "linked_incident_id",
    "linked_date",
    "status",
    "method",
    "score",
)


def cmd_duplicates(args: argparse.Namespace) -> int:
    if args.action == "list":
        return _list_duplicates(args)
    con = connect(args.db)
    if args.action == "detect":
        report = detect_all(con, args.policy)
        _emit(
            asdict(report),
            _(
                "{checked} cases checked: {n} probable duplicates, {linked} linked (counted once), {kept} kept both"
            ).format(checked=report.checked, n=report.duplicates, linked=report.linked, kept=report.kept),
            args.format,
        )
    elif args.action == "link":
        later, earlier = link_cases(con, args.a, args.b, user=current_user())
        print(_("case {later} linked to case {earlier}: counted once").format(later=later, earlier=earlier))
    else:
        unlink_cases(con, args.a, args.b, user=current_user(), distinct=args.distinct)
        what = _("two distinct cases") if args.distinct else _("both reports kept, counted apart")
        print(_("cases {a} and {b} unlinked: {what}").format(a=args.a, b=args.b, what=what))
    return 0


def _list_duplicates(args: argparse.Namespace) -> int:
    con = connect(args.db, read_only=True)
    links = case_links(con, args.status, args.import_id)
    rows = [
        [
            None if pd.isna(v) else str(v)[:10] if k.endswith("date") else round(float(v), 3) if k == "score" else v
            for k, v in zip(DUPLICATE_COLUMNS, row)
        ]
        for row in links[list(DUPLICATE_COLUMNS)].itertuples(index=False)
    ]
    rows = [[int(v) if isinstance(v, np.integer) else v for v in row] for row in rows]
    if args.format == "csv":
        sys.stdout.write(csv_bytes(rows, list(DUPLICATE_COLUMNS)).decode("utf-8-sig"))
        return 0
    _emit(
        {"links": [dict(zip(DUPLICATE_COLUMNS, r)) for r in rows]},
        format_table(rows, _headings(DUPLICATE_COLUMNS)) if rows else _("(no probable duplicate)"),
        args.format,
    )
    return 0


def _filters_from_args(args: argparse.Namespace):
    """Filters from the same keys as the dashboard's URL; an unknown value is an error, not a guess.

    A toggle (``--exclude-flagged``) is on or absent; a rule option (``--flag RULE``) may repeat.
    """
    params = {}
    for f in FILTER_FIELDS:
        value = getattr(args, f"filter_{f.name}", None)
        if value and f.kind == "rules":
            rules = [r.strip() for v in value for r in v.split(",") if r.strip()]
            unknown = [r for r in rules if r not in FLAG_RULES]
            if unknown:
                raise CliError(
                    _("--{key}: {value} is not a flag rule; expected one of {rules}").format(
                        key=f.key, value=repr(unknown[0]), rules=", ".join(FLAG_RULES)
                    )
                )
            params[f.key] = ",".join(rules)
        elif value:
            params[f.key] = "1" if f.kind == "toggle" else value
    filters, problems = from_query_params(params, flag_rules=FLAG_RULES)
    if problems:
        raise CliError("; ".join(f"--{p}" for p in problems))
    return filters


def cmd_corridors(args: argparse.Namespace) -> int:
    con = connect(args.db, read_only=True)
    filters = _filters_from_args(args)
    view = corridor_view(con, filters, graph=corridor_graph(con))
    table = corridor_table(
        view.corridors, top=args.top, grouping=args.format == "table", lang=_lang if args.format == "table" else "en"
    )[["rank", "route", "cases", "persons", "inferred_pct", "change_pct", "women_girls_pct"]]
    rows = [
        [None if pd.isna(v) else int(v) if isinstance(v, np.integer) else v for v in row]
        for row in table.itertuples(index=False)
    ]
    if args.format == "csv":
        sys.stdout.write(csv_bytes(rows, list(table.columns)).decode("utf-8-sig"))
        return 0
    data = {
        "period": [view.period[0], view.period[1]],
        "filters": filters_to_text(filters),
        "corridors": [dict(zip(table.columns, r)) for r in rows],
    }
    _emit(data, format_table(rows, _headings(table.columns)) if rows else _("(no corridor matches)"), args.format)
    return 0


#: What ``turquesa outcomes`` counts (its --help, and the JSON's ``note``).
OUTCOMES_NOTE = (
    "Deaths and disappearances during migration (IOM Missing Migrants Project): incidents with their dead, missing "
    "and survivors, and the women and girls, men and boys and children among the dead and missing. They are "
    "neither trafficking nor smuggling cases and are in no case count. A count from 1 to k-1 is suppressed: "
    "'<k' in the table, empty in CSV and null in JSON, its column named in 'suppressed'."
)


def cmd_outcomes(args: argparse.Namespace) -> int:
    con = connect(args.db, read_only=True)
    filters = _filters_from_args(args)
    frame = outcomes_of(con, filters, (args.by,))
    records = outcome_records(frame, args.by)
    columns = [args.by, *OUTCOME_COUNTS, "suppressed"]
    if args.format == "csv":
        rows = [[*(r[c] for c in columns[:-1]), ";".join(r["suppressed"])] for r in records]
        sys.stdout.write(csv_bytes(rows, columns).decode("utf-8-sig"))
        return 0
    shown = outcome_table(frame, args.by, _lang)
    text = (
        _(OUTCOME_SOURCE)
        + "\n"
        + format_table(shown.values.tolist(), _headings([_(GROUPINGS[args.by]), *OUTCOME_COUNTS]))
        if len(shown)
        else _("(no incident of deaths or disappearances matches)")
    )
    data = {
        "measure": "deaths_and_disappearances",
        "note": OUTCOMES_NOTE,
        "filters": filters_to_text(filters),
        "k": SMALL_CELL_K,
        "by": args.by,
        "rows": records,
    }
    _emit(data, text, args.format)
    return 0


#: Where ``turquesa reference`` comes from and what it never does (its --help, and the JSON's ``note``).
REFERENCE_NOTE = (
    "Published aggregate statistics of a public source (e.g. UNODC GLOTIP), not cases: shown as the source "
    "published them, with no small-cell rule beyond the source's own. A value the source censored (<5) stays "
    "censored: never a number; a sum over cells that include censored ones is the sum of the known values with "
    "the censored cells counted apart (censored_cells), never an exact figure. Sources, indicators, categories "
    "and regions are never added to one another; regions are read apart from countries (--areas regions)."
)


def cmd_reference(args: argparse.Namespace) -> int:
    con = connect(args.db, read_only=True)
    filters = _filters_from_args(args)
    names = reference_names(con)
    if names.empty:
        raise CliError(
            _("the store holds no reference data (aggregate counts); import some with {command}").format(
                command="turquesa import --profile glotip FILE"
            )
        )
    try:
        sources = resolve_reference_sources(names, _listed(args.source))
    except ValueError as exc:
        raise CliError(f"--source: {exc}") from None
    stored = names[names["source"].isin(sources)]
    indicators = _stored_choice("--indicator", _listed(args.indicator), stored["indicator"])
    stored = stored[stored["indicator"].isin(indicators)] if indicators else stored
    dimension = (_stored_choice("--dimension", _listed(args.dimension), stored["dimension"]) or (None,))[0]
    if args.source:  # the sources named, within the --src filter when both are given
        filters = replace(filters, sources=tuple(s for s in sources if not filters.sources or s in filters.sources))
    by = _listed(args.by)
    try:
        dimensions = tuple(stored["dimension"].unique())
        dimension = reference_dimension(by, dimension, dimensions, bool(filters.nationalities or filters.origin))
    except ValueError as exc:
        raise CliError(f"--by: {exc}") from None
    table = reference_table(con, filters, by, indicators=indicators, dimension=dimension, areas=args.areas)
    _print_reference(table, filters, by, dimension, _not_in_dimension(stored, dimension), args)
    return 0


def _not_in_dimension(stored: pd.DataFrame, dimension: str) -> list[dict[str, object]]:
    """The selected (source, indicator) pairs that store nothing in ``dimension``, with the dimensions they store."""
    has = set(stored.loc[stored["dimension"] == dimension, ["source", "indicator"]].itertuples(index=False, name=None))
    return [
        {"source": source, "indicator": indicator, "dimensions": sorted(group["dimension"].unique())}
        for (source, indicator), group in stored.groupby(["source", "indicator"], sort=True)
        if (source, indicator) not in has
    ]


def _listed(text: str | None) -> tuple[str, ...]:
    """``a,b`` (or None) as a tuple of its non-blank parts."""
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def _stored_choice(option: str, wanted: tuple[str, ...], stored: pd.Series) -> tuple[str, ...]:
    """``wanted`` if each is stored (in any case), as stored; else an error naming it and the stored ones."""
    known = {v.casefold(): v for v in stored.dropna().unique()}
    missing = [w for w in wanted if w.casefold() not in known]
    if missing:
        raise CliError(
            _("{option}: {value} is not stored for these sources; expected one of {choices}").format(
                option=option, value=repr(missing[0]), choices=", ".join(sorted(known.values()))
            )
        )
    return tuple(known[w.casefold()] for w in wanted)


def _print_reference(
    table: pd.DataFrame, filters, by: tuple[str, ...], dimension: str, elsewhere: list[dict], args: argparse.Namespace
) -> None:
    """The table of :func:`reference_table` as a text table, CSV or JSON (numbers, censored values as null).

    ``elsewhere``: the sources' indicators not in the dimension read, said on stderr (in JSON, listed).
    """
    records = _plain_records(table)
    columns = list(table.columns)
    if args.format == "json":
        data = {"note": REFERENCE_NOTE, "filters": filters_to_text(filters), "by": list(by), "dimension": dimension}
        _emit({**data, "areas": args.areas, "not_in_dimension": elsewhere, "counts": records}, "", "json")
        return
    for pair in elsewhere:
        note = _("{source} {indicator}: nothing in the dimension {dimension}; it stores {dimensions} (see --dimension)")
        text = note.format(
            source=pair["source"],
            indicator=pair["indicator"],
            dimension=dimension,
            dimensions=", ".join(pair["dimensions"]),
        )
        print(f"turquesa: {text}", file=sys.stderr)
    if args.format == "csv":
        sys.stdout.write(csv_bytes([list(r.values()) for r in records], columns).decode("utf-8-sig"))
        return
    shown = [c for c in columns if c not in ("censored", "censored_cells")]
    rows = [
        [
            reference_value_text(r["value"], r["censored"], r["censored_cells"], _lang)
            if c == "value"
            else _(INDICATOR_LABELS[r[c]])
            if c == "indicator" and r[c] in INDICATOR_LABELS
            else r[c]
            for c in shown
        ]
        for r in records
    ]
    print(format_table(rows, _headings(shown)) if rows else _("(no reference count matches)"))


def cmd_export(args: argparse.Namespace) -> int:
    fmt = args.as_format or _format_from_suffix(args.out, args.kind)
    if fmt not in EXPORT_KINDS[args.kind]:
        raise CliError(
            _("a {kind} comes as {formats}, not {format}").format(
                kind=args.kind, formats=", ".join(EXPORT_KINDS[args.kind]), format=repr(fmt)
            )
        )
    try:
        marking = Marking(args.marking, args.agency or "")
    except ValueError as exc:
        raise CliError(str(exc)) from None
    con = connect(args.db)  # writable: the export log row is written before the file
    filters = _filters_from_args(args)
    whole = store_period(con)
    if whole is None:
        raise CliError(_without_cases(con, _("Nothing to export: exports are of cases with a known date.")))
    period = (filters.start or whole[0], filters.end or whole[1])
    query = "&".join(f"{k}={v}" for k, v in to_query_params(filters).items())
    context = export_context(
        con,
        filters,
        period,
        marking=marking,
        audience=args.audience,
        langs=_caption_languages(args.lang or _lang),
        view_url=f"?{query}" if query else "",
    )
    name, data = export_file(con, filters, args.kind, fmt, context, graph=corridor_graph(con), table=args.table)
    out = Path(args.out)
    out.write_bytes(data)
    print(
        _("{out}: {kind} ({format}, {size} bytes), {marking}, audience {audience}; logged as {name}").format(
            out=out,
            kind=args.kind,
            format=fmt,
            size=f"{len(data):,}",
            marking=context.marking.text,
            audience=context.audience.name,
            name=name,
        )
    )
    return 0


def _caption_languages(text: str) -> tuple[str, ...]:
    """``es`` or ``es,en``: one or two of the interface languages, for an export's captions."""
    langs = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if not 1 <= len(langs) <= 2 or any(lang not in LANGUAGES for lang in langs):
        raise CliError(
            _("--lang takes one or two of {choices} (e.g. es,en), got {value}").format(
                choices=", ".join(LANGUAGES), value=repr(text)
            )
        )
    return langs


def _format_from_suffix(out: str, kind: str) -> str:
    suffix = Path(out).suffix.lower().lstrip(".")
    if suffix in ("png", "pdf", "csv", "xlsx", "geojson", "gpkg"):
        return suffix
    raise CliError(_("cannot tell the format of {out} from its suffix; give --as").format(out=repr(out)))


def cmd_cooperation(args: argparse.Namespace) -> int:
    con = connect(args.db, read_only=True)
    filters = _filters_from_args(args)
    reporters = reporters_by_corridor(con, filters, graph=corridor_graph(con))
    if args.network:
        reporters = reporters[reporters["network"].isin(args.network.split(","))]
    shared = shared_corridors(reporters, by=args.by)
    columns = ["route", "quarter", "reporters", "n_reporters", "cases", "last_case"]
    rows = [
        [
            r.route,
            quarter_label(r.quarter, _lang if args.format == "table" else "en"),
            ";".join(r.reporters),
            int(r.n_reporters),
            format_guarded_total(int(r.cases), grouping=args.format == "table"),
            str(r.last_case)[:10],
        ]
        for r in shared.itertuples(index=False)
    ]
    if args.format == "csv":
        sys.stdout.write(csv_bytes(rows, columns).decode("utf-8-sig"))
        return 0
    data = {
        "filters": filters_to_text(filters),
        "shared_by": args.by,
        "shared_corridors": [dict(zip(columns, r)) for r in rows],
    }
    _emit(data, format_table(rows, _headings(columns)) if rows else _("(no shared corridor)"), args.format)
    return 0


def cmd_exports(args: argparse.Namespace) -> int:
    con = connect(args.db, read_only=True)
    log = export_log(con, args.last)
    columns = [
        "export_id",
        "exported_at",
        "user_name",
        "kind",
        "file_name",
        "marking",
        "audience",
        "data_version",
        "sha256",
    ]
    rows = [
        [str(v) if k == "exported_at" else v for k, v in zip(columns, row)]
        for row in log[columns].itertuples(index=False)
    ]
    data = {"exports": [dict(zip([*columns, "filters"], [*r, f])) for r, f in zip(rows, log["filters"])]}
    _emit(data, format_table(rows, _headings(columns)) if rows else _("(no export yet)"), args.format)
    return 0


def cmd_trends(args: argparse.Namespace) -> int:
    con = connect(args.db, read_only=True)
    filters = _filters_from_args(args)
    if args.by == "corridor":
        series = modus_series(con, filters, args.dimension, args.freq, "corridor", graph=corridor_graph(con))
    else:
        series = modus_series(con, filters, args.dimension, args.freq, args.by)
    small = ((series["cases"] >= 1) & (series["cases"] < SMALL_CELL_K)) | (series["reporting"] < SMALL_CELL_K)
    rows = [
        [
            r.period.date().isoformat(),
            r.group,
            r.code,
            format_count(int(r.cases), grouping=False),
            format_count(int(r.reporting), grouping=False),
            None if hide else r.share,
        ]
        for r, hide in zip(series.itertuples(index=False), small)
    ]
    headers = [
        "period",
        "corridor" if args.by == "corridor" else "crime_type",
        "code",
        "cases",
        "reporting",
        "share_pct",
    ]
    if args.format == "csv":
        sys.stdout.write(csv_bytes(rows, headers).decode("utf-8-sig"))
    else:
        _emit(
            {
                "dimension": args.dimension,
                "filters": filters_to_text(filters),
                "series": [dict(zip(headers, r)) for r in rows],
            },
            "",
            "json",
        )
    return 0


def cmd_signals(args: argparse.Namespace) -> int:
    con = connect(args.db, read_only=True)
    filters = _filters_from_args(args)
    whole = store_period(con)
    if whole is None:
        raise CliError(_without_cases(con, _("No signal: signals compare cases with a known date.")))
    end = filters.end or whole[1]
    latest = (filters.start or (end - dt.timedelta(days=364)), end)
    baseline = signal_baseline(latest, args.baseline_months)
    table = signal_table(
        emerging_signals(con, filters, latest, baseline, graph=corridor_graph(con)),
        latest,
        baseline,
        lang=_lang if args.format == "table" else "en",
    )
    rows = table.values.tolist()
    text = format_table([r[:4] for r in rows], _headings(table.columns[:4])) if rows else _("(no emerging signal)")
    _emit({"latest": list(latest), "baseline": list(baseline), "signals": table.to_dict("records")}, text, args.format)
    return 0


def _without_cases(con, consequence: str) -> str:
    """What a store without dated cases holds (it may hold reference data: not empty), then what follows."""
    return f"{holdings_text(store_holdings(con), _lang)} {consequence}"


def filters_to_text(filters) -> str:
    """The filters in words."""
    return describe(filters)


#: Where ``turquesa train`` builds its store (replaced on every start: a fresh course).
DEFAULT_TRAINING_DB = Path("data") / "training.duckdb"


def cmd_train(args: argparse.Namespace) -> int:
    """Build a fresh synthetic training store, then serve the dashboard on it in training mode."""
    db = Path(args.db or DEFAULT_TRAINING_DB)
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    code = cmd_demo(argparse.Namespace(db=str(db), rows=args.rows, seed=args.seed, planted=True, format="table"))
    if code or args.no_serve:
        return code
    os.environ[TRAINING_ENV] = "1"
    return cmd_serve(argparse.Namespace(db=str(db), port=args.port, address=args.address, contacts=args.contacts))


def streamlit_options(address: str, port: int) -> dict[str, str]:
    """The options ``turquesa serve`` gives Streamlit: the committed config file's, then address and port.

    Passed as flags, so they are in force wherever the server starts from (an installed
    wheel, another working directory), not only when Streamlit finds the file itself.
    """
    config = tomllib.loads(STREAMLIT_CONFIG.read_text(encoding="utf-8"))
    options = {
        f"{section}.{name}": str(value).lower() if isinstance(value, bool) else str(value)
        for section, values in config.items()
        for name, value in values.items()
    }
    options.update({"server.address": address, "server.port": str(port), "server.headless": "true"})
    return options


def serve_command(address: str, port: int) -> list[str]:
    """The ``streamlit run`` command line of the dashboard."""
    flags = [part for option, value in streamlit_options(address, port).items() for part in (f"--{option}", value)]
    return [sys.executable, "-m", "streamlit", "run", str(APP_PATH), *flags]


def cmd_serve(args: argparse.Namespace) -> int:
    env = dict(os.environ, **{DB_ENV: str(resolve_db_path(args.db).resolve()), LANG_ENV: _lang})
    if getattr(args, "contacts", None):
        env[CONTACTS_ENV] = str(Path(args.contacts).resolve())
    contacts = contacts_path(env.get(CONTACTS_ENV))
    if not contacts.is_file():
        print("turquesa: " + contacts_missing(contacts, _lang), file=sys.stderr)
    return become(serve_command(args.address, args.port), env, APP_DIR)


def become(command: list[str], env: dict[str, str], cwd: Path) -> int:
    """Replace this process with ``command`` run in ``cwd``; it never returns.

    `turquesa serve` becomes the Streamlit server rather than wait on it as a child: a stop signal to it
    (a service manager, a test) then reaches the server itself, and no orphaned server stays behind.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(cwd)
    os.execve(command[0], command, env)
    return 0  # not reached: execve replaced the process


def cmd_bench(args: argparse.Namespace) -> int:
    # Local: the benchmarks (and their pandas baselines and browser driver) load only for `turquesa bench`.
    from turquesa_geo.bench.runner import bench_all, bench_import, bench_overlaps, bench_routes, report_table
    from turquesa_geo.bench.terms import bench_terms  # local too, for the same reason

    if args.bench == "all":
        report = bench_all(
            args.rows,
            seed=args.seed,
            changes=args.changes,
            browser_changes=args.browser_changes,
            naive_rows=args.naive_rows,
            apptest=not args.no_apptest,
            browser=not args.no_browser,
            workdir=args.workdir,
        )
        headers, rows, notes = report_table(report)
        m = report["machine"]
        text = "\n".join(
            [
                f"{report['rows']:,} demo cases on {m['cpu']} ({m['cores']} cores, {m['memory_mb']:,} MiB); "
                f"{report['seconds']:.0f} s in all; ratio = times better than the baseline",
                "",
                format_table(rows, headers),
                "",
                *notes,
            ]
        )
    elif args.bench == "overlaps":
        report = bench_overlaps(args.rows, args.incoming, seed=args.seed, repeats=args.repeats)
        text = "\n".join(f"{k}: {v}" for k, v in report.items())
    else:
        bench = {"import": bench_import, "routes": bench_routes, "terms": bench_terms}[args.bench]
        report = bench(args.rows, seed=args.seed)
        text = "\n".join(f"{k}: {v}" for k, v in report.items())
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    _emit(report, text, args.format)
    return 0


# --- parser -------------------------------------------------------------------------


def _add_lang(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: a subcommand's --lang, when not given, leaves the one before the command alone.
    parser.add_argument(
        "--lang",
        dest="ui_lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help="language of the messages and labels (default: $TURQUESA_LANG, else en)",
    )


def _add_common(parser: argparse.ArgumentParser, report: bool = True) -> None:
    _add_lang(parser)
    parser.add_argument("--db", help=f"store file (default: ${DB_ENV} or data/turquesa.duckdb)")
    if report:
        parser.add_argument("--format", choices=("table", "json"), default="table", help="output format")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="turquesa", description="Turquesa: routes and trends of trafficking in persons and smuggling of migrants."
    )
    parser.add_argument(
        "--lang",
        dest="ui_lang",
        choices=LANGUAGES,
        default=None,
        help="language of the messages and labels (default: $TURQUESA_LANG, else en)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", help="import incident files (CSV, Parquet, XLSX, JSON)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--profile",
        choices=IMPORT_PROFILES,
        default="flat",
        help="input layout: flat (one row per case, default); htcds (a persons file and an events "
        "file); public data as downloaded: mmp (IOM Missing Migrants CSV or JSON), glotip (UNODC GLOTIP "
        "country data, CSV or XLSX), ctdc (CTDC victim-level or synthetic victim-perpetrator CSV), cbp (US CBP "
        "nationwide encounters CSV), tipdir (US TIP report directionality coding: roles or routes)",
    )
    p.add_argument(
        "--source",
        help="reporting source for rows without one (default: the file name, or the "
        "public source's name for mmp, glotip, ctdc, cbp and tipdir)",
    )
    p.add_argument("--date-format", help="strptime format settling day/month order, e.g. %%d/%%m/%%Y")
    p.add_argument(
        "--duplicates",
        choices=IMPORT_POLICIES,
        default="default",
        help="probable duplicates of stored cases: "
        + "; ".join(f"{name}: {POLICY_HELP[name]}" for name in IMPORT_POLICIES)
        + " (default: default)",
    )
    _add_common(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("demo", help="generate and import the synthetic demo corridors")
    p.add_argument("--rows", type=_positive, default=50_000, help="number of cases (default 50000)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument(
        "--if-empty",
        action="store_true",
        help="only when the store is missing or holds no case (what `make run` uses)",
    )
    p.add_argument(
        "--no-plant",
        dest="planted",
        action="store_false",
        help="stationary control data: no planted trends or pandemic dip",
    )
    _add_common(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("status", help="what the store holds")
    p.add_argument("--last", type=_positive, default=10, help="number of recent imports to list")
    _add_common(p)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("quarantine", help="list or export the open quarantined rows (of an import, or of all)")
    p.add_argument(
        "--import", dest="import_id", type=int, metavar="N", help="only this import's (default: every import's)"
    )
    p.add_argument(
        "--all", action="store_true", help="resolved rows too (a later import accepted them or took them again)"
    )
    p.add_argument("--out", help="write a CSV for correction and re-import")
    _add_common(p)
    p.set_defaults(func=cmd_quarantine)

    p = sub.add_parser(
        "terms",
        help="the term map: the mappings, the terms left unmapped (--unmapped), and map, unmap, export, import",
    )
    p.add_argument(
        "--unmapped", action="store_true", help="list the stored terms no vocabulary or mapping resolves yet"
    )
    p.add_argument("--field", help="only this field: a vocabulary, country, or a file column such as control_methods")
    _add_lang(p)
    p.add_argument("--db", help=f"store file (default: ${DB_ENV} or data/turquesa.duckdb)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")
    p.set_defaults(func=cmd_terms, terms_command=None)
    terms = p.add_subparsers(dest="terms_command", metavar="{map,unmap,export,import}")
    field_help = "a vocabulary (recruitment_method...), country, or a file column (control_methods, origin...)"
    t = terms.add_parser("map", help="map a raw term to a code and re-resolve the stored cases that hold it")
    t.add_argument("term_field", metavar="FIELD", help=field_help)
    t.add_argument("text", metavar="TEXT", help='the term as the files write it, e.g. "oferta de empleo"')
    t.add_argument("code", metavar="CODE", help="a code of the field's vocabulary, or a country (ISO code or name)")
    t = terms.add_parser("unmap", help="remove a mapping and put the cases it resolved back as not mapped")
    t.add_argument("term_field", metavar="FIELD", help=field_help)
    t.add_argument("text", metavar="TEXT", help="the term as mapped")
    t = terms.add_parser("export", help="write the term map to a CSV file (field, text, code) to share it")
    t.add_argument("--out", required=True, metavar="FILE")
    t = terms.add_parser("import", help="add the mappings of a term map CSV file (all or nothing)")
    t.add_argument("file", metavar="FILE")
    for t in terms.choices.values():
        _add_lang(t)
        # SUPPRESS: given before the subcommand, --db holds.
        t.add_argument(
            "--db", default=argparse.SUPPRESS, help=f"store file (default: ${DB_ENV} or data/turquesa.duckdb)"
        )
    p = sub.add_parser("duplicates", help="probable duplicates: cases reported twice, linked or kept both")
    dup = p.add_subparsers(dest="action", required=True)
    d = dup.add_parser("detect", help="look for probable duplicates over the whole store")
    d.add_argument(
        "--policy",
        choices=DUPLICATE_POLICIES,
        default="default",
        help="; ".join(f"{name}: {POLICY_HELP[name]}" for name in DUPLICATE_POLICIES) + " (default: default)",
    )
    _add_common(d)
    d = dup.add_parser("list", help="the probable duplicates found, with both reports")
    d.add_argument("--status", choices=LINK_STATUSES, help="only links of this status")
    d.add_argument("--import", dest="import_id", type=int, metavar="N", help="only links found by import N")
    _add_lang(d)
    d.add_argument("--db", help=f"store file (default: ${DB_ENV} or data/turquesa.duckdb)")
    d.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")
    d = dup.add_parser("link", help="count two cases as one (the later report is left out of the counts)")
    d.add_argument("a", type=int, metavar="UID")
    d.add_argument("b", type=int, metavar="UID")
    _add_common(d, report=False)
    d = dup.add_parser("unlink", help="count two linked cases apart again")
    d.add_argument("a", type=int, metavar="UID")
    d.add_argument("b", type=int, metavar="UID")
    d.add_argument(
        "--distinct", action="store_true", help="they are two different cases: not shown as shared, never paired again"
    )
    _add_common(d, report=False)
    p.set_defaults(func=cmd_duplicates)

    p = sub.add_parser("corridors", help="the ranked corridors for the filters (small cells protected)")
    _add_filter_options(p)
    p.add_argument("--top", type=_positive, default=20, help="number of corridors (default 20)")
    _add_lang(p)
    p.add_argument("--db", help=f"store file (default: ${DB_ENV} or data/turquesa.duckdb)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")
    p.set_defaults(func=cmd_corridors)

    p = sub.add_parser(
        "outcomes",
        help="deaths and disappearances during migration (IOM), by year, country, route, cause or origin",
        description=OUTCOMES_NOTE,
    )
    _add_filter_options(p)
    p.add_argument("--by", choices=tuple(GROUPINGS), default="year", help="what to list them by (default year)")
    _add_lang(p)
    p.add_argument("--db", help=f"store file (default: ${DB_ENV} or data/turquesa.duckdb)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")
    p.set_defaults(func=cmd_outcomes)

    p = sub.add_parser("trends", help="a modus-operandi series (small cells protected)")
    _add_filter_options(p)
    p.add_argument("--dimension", required=True, choices=TREND_DIMENSION_CHOICES)
    p.add_argument("--by", choices=("corridor", "crime_type"), help="split the series")
    p.add_argument("--freq", choices=("M", "Q", "Y"), default="Y", help="month, quarter or year (default Y)")
    p.add_argument("--db", help=f"store file (default: ${DB_ENV} or data/turquesa.duckdb)")
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="output format")
    _add_lang(p)
    p.set_defaults(func=cmd_trends)

    p = sub.add_parser(
        "reference",
        help="published aggregate counts (UNODC GLOTIP...) by year, sex, age, citizenship or country",
        description=REFERENCE_NOTE,
    )
    _add_filter_options(p)
    p.add_argument(
        "--source",
        metavar="NAME",
        help="stored reference sources, by name or import profile, comma-separated (e.g. glotip; default: all, "
        "each apart)",
    )
    p.add_argument(
        "--indicator",
        metavar="NAME",
        help="stored indicators, comma-separated (e.g. detected_victims; default: all, each apart)",
    )
    p.add_argument(
        "--by",
        metavar="KEYS",
        help=f"group by some of {', '.join(REFERENCE_KEYS)}, comma-separated (default: one total per source "
        "and indicator); a sex or age not grouped by reads the source's own total",
    )
    p.add_argument(
        "--dimension",
        metavar="NAME",
        help="a stored dimension such as exploitation_form (default: total, citizenship with --by citizenship, or "
        "the only one the sources store); its categories are never added to one another",
    )
    p.add_argument(
        "--areas",
        choices=sql.AREAS,
        default="countries",
        help="countries (default; --dest is the country that published the count) or regions and sub-regions "
        "(each its own row, never added to countries)",
    )
    _add_lang(p)
    p.add_argument("--db", help=f"store file (default: ${DB_ENV} or data/turquesa.duckdb)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")
    p.set_defaults(func=cmd_reference)

    p = sub.add_parser("signals", help="emerging signals of the period against the months before")
    _add_filter_options(p)
    p.add_argument("--baseline-months", type=_positive, default=24, help="length of the baseline (default 24)")
    _add_common(p)
    p.set_defaults(func=cmd_signals)

    p = sub.add_parser("export", help="a marked map snapshot, briefing pack or data extract of a view (logged)")
    p.add_argument("kind", choices=("snapshot", "pack", "extract"))
    _add_filter_options(p)
    p.add_argument(
        "--out", required=True, help="file to write; its suffix gives the format (.png .pdf .csv .xlsx .geojson .gpkg)"
    )
    p.add_argument(
        "--as",
        dest="as_format",
        choices=("png", "png-print", "pdf", "csv", "xlsx", "geojson", "gpkg"),
        help="format, when the suffix does not say (png-print: 300 dpi A4)",
    )
    p.add_argument(
        "--marking", default="TLP:AMBER", help="TLP:CLEAR, TLP:GREEN, TLP:AMBER (default), TLP:AMBER+STRICT or TLP:RED"
    )
    p.add_argument("--agency", help="free-text agency marking printed beside the TLP label")
    p.add_argument(
        "--audience",
        choices=("internal", "external"),
        default="internal",
        help="internal: counts under 5 hidden; external: under 11 hidden, rounded down to 5",
    )
    p.add_argument(
        "--lang",
        default=None,
        help="caption language(s): one or two of en, es, pt, fr, e.g. es,en (default: the language of the messages)",
    )
    p.add_argument(
        "--table", choices=("corridors", "legs", "hubs", "outcomes"), default="corridors", help="table of a CSV extract"
    )
    p.add_argument("--db", help=f"store file (default: ${DB_ENV} or data/turquesa.duckdb)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("cooperation", help="shared corridors: two or more reporters on a corridor in the same quarter")
    _add_filter_options(p)
    p.add_argument(
        "--by",
        choices=("reporting_country", "network"),
        default="reporting_country",
        help="who must share the corridor (default: reporting countries)",
    )
    p.add_argument(
        "--network",
        help="keep only cases reported through these networks (comma-separated codes, e.g. ison,hteg,redtram)",
    )
    _add_lang(p)
    p.add_argument("--db", help=f"store file (default: ${DB_ENV} or data/turquesa.duckdb)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")
    p.set_defaults(func=cmd_cooperation)

    p = sub.add_parser("exports", help="the export log: every file handed over, newest first")
    p.add_argument("--last", type=_positive, default=50, help="number of exports to list")
    _add_common(p)
    p.set_defaults(func=cmd_exports)

    p = sub.add_parser("train", help="a fresh synthetic training store, served in training mode (exercises)")
    p.add_argument("--rows", type=_positive, default=30_000, help="number of synthetic cases (default 30000)")
    p.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1", help="bind address (default 127.0.0.1: this machine only)")
    p.add_argument("--no-serve", action="store_true", help="only build the training store")
    p.add_argument("--db", help=f"training store (default: {DEFAULT_TRAINING_DB}; replaced)")
    p.add_argument(
        "--contacts",
        metavar="FILE",
        help=f"the deployment's contacts file (default: ${CONTACTS_ENV}, else data/contacts.csv of a checkout)",
    )
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("serve", help="serve the dashboard")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1", help="bind address (default 127.0.0.1: this machine only)")
    p.add_argument(
        "--contacts",
        metavar="FILE",
        help=f"the deployment's contacts file (default: ${CONTACTS_ENV}, else data/contacts.csv of a checkout)",
    )
    _add_common(p, report=False)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("bench", help="benchmarks that print ratios against a naive baseline")
    bench = p.add_subparsers(dest="bench", required=True)
    for name, text in (
        ("import", "validated import speed versus a plain DuckDB load"),
        ("routes", "route reconstruction and aggregation versus the naive per-case way"),
        ("terms", "one term mapping (rollups included) on a demo store versus re-importing the whole file"),
        ("overlaps", "import into a large store with the probable-duplicate check versus without it"),
        ("all", "every figure of the performance targets, each beside a pandas baseline (docs/benchmarks.md)"),
    ):
        b = bench.add_parser(name, help=text)
        b.add_argument("--rows", type=_positive, default=1_000_000)
        b.add_argument("--seed", type=int, default=7)
        b.add_argument("--json", help="also write the report to this JSON file")
        _add_common(b)
        b.set_defaults(func=cmd_bench)
        if name == "overlaps":
            b.add_argument("--incoming", type=_positive, default=100_000, help="rows of the file imported")
            b.add_argument("--repeats", type=_positive, default=3, help="imports timed each way (median)")
    b.add_argument("--changes", type=_positive, default=30, help="filter changes timed per page (default 30)")
    b.add_argument(
        "--browser-changes",
        type=_positive,
        default=15,
        help="filter changes timed per page in the browser (default 15)",
    )
    b.add_argument(
        "--naive-rows",
        type=_positive,
        default=500_000,
        help="rows the naive per-row import validation runs on before extrapolating (default 500000)",
    )
    b.add_argument("--no-apptest", action="store_true", help="skip the page reruns under Streamlit's AppTest")
    b.add_argument("--no-browser", action="store_true", help="skip the filter changes in headless Chromium")
    b.add_argument("--workdir", help="keep the demo files and the store in this folder (default: a temporary one)")
    return parser


def _add_filter_options(parser: argparse.ArgumentParser) -> None:
    """One option per dashboard filter, named as in the dashboard's URL (e.g. --via PAN, --exclude-flagged)."""
    for f in FILTER_FIELDS:
        if f.kind == "toggle":
            parser.add_argument(
                f"--{f.key}", dest=f"filter_{f.name}", action="store_true", help=f"{f.label} ({f.help})"
            )
            continue
        if f.kind == "rules":
            parser.add_argument(
                f"--{f.key}",
                dest=f"filter_{f.name}",
                action="append",
                metavar="RULE",
                help=f"{f.label}: {f.help} (repeatable; one of {', '.join(FLAG_RULES)})",
            )
            continue
        hint = (
            "YYYY-MM-DD"
            if f.kind == "date"
            else "comma-separated "
            + (
                "ISO-3 codes"
                if f.kind == "countries"
                else "dimension:code pairs"
                if f.kind == "modus"
                else f"{f.vocabulary} codes"
                if f.vocabulary
                else "values"
            )
        )
        parser.add_argument(f"--{f.key}", dest=f"filter_{f.name}", metavar="VALUE", help=f"{f.label} ({hint})")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    _set_language(args.ui_lang or default_lang())
    try:
        return args.func(args)
    except (ImportRefused, CliError, FileNotFoundError, StoreBusy, TermMapError, LinkRefused) as exc:
        reason = exc.text(_lang) if isinstance(exc, LocalizedError) else str(exc)
        print("turquesa: " + _("error") + f": {reason}", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:
        print("turquesa: " + _("error") + f": {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_REFUSED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
