"""The analyst's term map: raw terms of a field that no vocabulary knows, mapped to a code.

A field is a vocabulary's name (``recruitment_method``, ``transport_mode``...) or
:data:`COUNTRY_FIELD` for every country column and the transit route. A raw term is
matched by its key (:func:`turquesa_geo.vocab.term_key`). Importers consult the map
before calling a term unmapped.

Mapping a term re-resolves the stored cases that hold it, without re-import, in one
transaction: its ``case_unmapped`` rows move to ``case_mapped`` (with the code, whether the
mapping gave the case that code, and the message of the flag it lifted); a modus-operandi
case gets the code in place of ``?text`` in ``case_attributes`` (once: a case that already
holds the code just loses ``?text``); a single-valued coded column of ``cases`` (network,
date and location precision, a country column) gets the code; an unknown transit country
takes its place in ``cases.transit`` (``case_unmapped.position``); the ``unmapped_term`` or
``unknown_country`` flags of those terms are lifted; the rollups follow (a country term rebuilds
the months touched; a modus-operandi term changes the groups of ``rollup_modus`` it touches in
place, which keeps one mapping on a million cases within seconds; network and precisions are in
no rollup); the change is logged in ``term_map_log``. Unmapping undoes exactly that for the
cases the mapping resolved (those in ``case_mapped``), and nothing else.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from turquesa_geo import vocab
from turquesa_geo.columns import (
    COUNTRY_COLUMNS,
    DETAIL_TERM_COLUMNS,
    FORMULA_GUARD,
    FORMULA_PREFIXES,
    MULTI_VALUE_COLUMNS,
    NETWORK,
    TRANSIT,
)
from turquesa_geo.countries import country_name, country_table, resolve_country, suggest_countries
from turquesa_geo.i18n import N_, LocalizedError, gettext
from turquesa_geo.store.connection import transaction
from turquesa_geo.store.queries import ingest_terms as q
from turquesa_geo.store.rollups import refresh

__all__ = [
    "COUNTRY_FIELD",
    "COUNTRY_TERM_COLUMNS",
    "SINGLE_TERM_COLUMNS",
    "TERM_ACTIONS",
    "TERM_FIELDS",
    "TERM_MAP_CSV_COLUMNS",
    "UNKNOWN_COUNTRY_RULE",
    "UNMAPPED_TERM_RULE",
    "TermMapError",
    "apply_term_map",
    "check_code",
    "code_choices",
    "code_label",
    "export_term_map",
    "field_name",
    "import_term_map",
    "map_term",
    "mapped_terms",
    "read_term_map",
    "resolve_field",
    "suggest_codes",
    "term_map",
    "unmap_term",
    "unmapped_terms",
]

#: The field of the term map that holds country names (every country column and transit).
COUNTRY_FIELD = "country"
#: Every field of the term map: the vocabularies by name, and the countries.
TERM_FIELDS: tuple[str, ...] = (*vocab.VOCABULARIES, COUNTRY_FIELD)
#: The file columns whose unknown countries the term map re-resolves in ``cases``.
COUNTRY_TERM_COLUMNS: tuple[str, ...] = (*COUNTRY_COLUMNS, TRANSIT)
#: Single-valued coded columns of ``cases``, each resolved in the vocabulary of the same name.
SINGLE_TERM_COLUMNS: tuple[str, ...] = (NETWORK, *DETAIL_TERM_COLUMNS)
#: The flag rules (turquesa_geo.ingest.flat.FLAG_RULES) a mapping lifts and an unmapping puts back.
UNMAPPED_TERM_RULE = "unmapped_term"
UNKNOWN_COUNTRY_RULE = "unknown_country"
#: What ``term_map_log.action`` says: a mapping made by hand, read from a shared CSV, or undone.
TERM_ACTIONS: tuple[str, ...] = ("map", "import", "unmap")
#: The columns of a shared term map file.
TERM_MAP_CSV_COLUMNS: tuple[str, ...] = ("field", "text", "code")
#: Suggested codes per unmapped term.
SUGGESTIONS = 3
_ISO3_IN_SUGGESTION = re.compile(r"\(([A-Z]{3})\)$")


class TermMapError(LocalizedError, ValueError):
    """A field, code, text or term map file the term map cannot take; the message names it and what was expected.

    ``str(exc)`` is the English message, ``exc.text(lang)`` the message in ``lang``.
    """


def mapped_terms(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """The store's term map: (field, term key) to code."""
    return {(field, key): code for field, key, code in con.execute(*q.mapped_terms_sql()).fetchall()}


# --- checking what the analyst gives ------------------------------------------------------


def resolve_field(name: str) -> str:
    """The term-map field of a field name or a flat file column.

    >>> resolve_field("control_methods"), resolve_field("origin"), resolve_field("network")
    ('control_method', 'country', 'network')
    >>> resolve_field("colour")
    Traceback (most recent call last):
    ...
    turquesa_geo.ingest.terms.TermMapError: unknown field 'colour'; expected one of crime_type, role, gender, age_group, event_type, network, recruitment_method, control_method, exploitation_form, transport_mode, concealment, document_fraud, platform, linked_crime, route_role, precision, date_precision, location_precision, country, or a file column such as control_methods or origin
    """
    name = name.strip()
    if name in TERM_FIELDS:
        return name
    if name in MULTI_VALUE_COLUMNS:
        return MULTI_VALUE_COLUMNS[name]
    if name in COUNTRY_TERM_COLUMNS:
        return COUNTRY_FIELD
    raise TermMapError(
        N_("unknown field {field}; expected one of {expected}, or a file column such as control_methods or origin"),
        field=repr(name),
        expected=", ".join(TERM_FIELDS),
    )


def check_code(field: str, code: str) -> str:
    """The code ``code`` names in ``field``: a code of its vocabulary, or a country's ISO-3 code.

    >>> check_code("country", "Panamá"), check_code("recruitment_method", " job_offer ")
    ('PAN', 'job_offer')
    >>> check_code("transport_mode", "car")
    Traceback (most recent call last):
    ...
    turquesa_geo.ingest.terms.TermMapError: 'car' is not a code of transport_mode; expected one of land, sea, air, river
    """
    if field == COUNTRY_FIELD:
        iso3 = resolve_country(code)
        if iso3 is None:
            raise TermMapError(
                N_("{code} is not a country; expected an ISO 3166 code or a country name, e.g. PAN or Panama"),
                code=repr(code),
            )
        return iso3
    if code.strip() not in vocab.codes(field):
        raise TermMapError(
            N_("{code} is not a code of {field}; expected one of {expected}"),
            code=repr(code),
            field=field,
            expected=", ".join(vocab.codes(field)),
        )
    return code.strip()


def _key(text: str) -> str:
    key = vocab.term_key(text)
    if not key:
        raise TermMapError(
            N_("{text} has no letter or digit to map; expected the term as the file writes it"), text=repr(text)
        )
    return key


def _rule(field: str) -> str:
    return UNKNOWN_COUNTRY_RULE if field == COUNTRY_FIELD else UNMAPPED_TERM_RULE


def _columns(field: str) -> tuple[str, ...] | None:
    """The file columns whose terms of ``field`` are re-resolved in the store (None: every column, as
    attributes; empty: none, the mapping serves the next imports only)."""
    if field in vocab.MULTI_VALUED:
        return None
    if field == COUNTRY_FIELD:
        return COUNTRY_TERM_COLUMNS
    return (field,) if field in SINGLE_TERM_COLUMNS else ()


# --- what a picker shows -------------------------------------------------------------------


def field_name(field: str, lang: str = "en") -> str:
    """A field's name in ``lang`` (a modus-operandi dimension's name, "Country", else the field).

    >>> field_name("recruitment_method", "es"), field_name("country", "fr"), field_name("network")
    ('Método de captación', 'Pays', 'Network')
    """
    if field == COUNTRY_FIELD:
        return gettext(lang, "Country")
    return vocab.dimension_name(field, lang)


def code_label(field: str, code: str, lang: str = "en") -> str:
    """A code's label in ``lang``, with the code: ``Job offer / advertisement (job_offer)``, ``Panamá (PAN)``.

    >>> code_label("country", "PAN", "es"), code_label("transport_mode", "sea")
    ('Panamá (PAN)', 'Sea (sea)')
    """
    name = country_name(code, lang) if field == COUNTRY_FIELD else vocab.label(field, code, lang)
    return f"{name} ({code})"


def code_choices(field: str, lang: str = "en") -> list[str]:
    """The codes a term of ``field`` can be mapped to: the vocabulary's in its order, countries by name in ``lang``.

    >>> code_choices("transport_mode")
    ['land', 'sea', 'air', 'river']
    >>> code_choices("country", "es")[:3]
    ['AFG', 'ALB', 'DEU']
    """
    if field == COUNTRY_FIELD:
        return sorted(country_table()["iso3"], key=lambda iso3: vocab.normalize_key(country_name(iso3, lang)))
    return vocab.codes(field)


# --- what the store holds ----------------------------------------------------------------


def suggest_codes(field: str, text: str, n: int = SUGGESTIONS) -> list[str]:
    """Up to ``n`` codes of ``field`` close to ``text``, best first (never applied without the analyst).

    >>> suggest_codes("country", "Colombai")
    ['COL']
    >>> suggest_codes("transport_mode", "maritimo")[0]
    'sea'
    """
    if field == COUNTRY_FIELD:
        found = (_ISO3_IN_SUGGESTION.search(s) for s in suggest_countries(text, n))
        return [m.group(1) for m in found if m]
    return vocab.suggest_terms(field, text, n)


def unmapped_terms(con: duckdb.DuckDBPyConnection, field: str | None = None) -> pd.DataFrame:
    """The stored terms no vocabulary or mapping resolves, most cases first.

    Parameters
    ----------
    con : DuckDB connection
        The store.
    field : str, optional
        Only this field (a field or a flat column name, see :func:`resolve_field`).

    Returns
    -------
    DataFrame
        field, text (as read), term_key, cases (distinct), columns (the file columns, comma-separated)
        and suggestions (a list of up to three codes, best first).
    """
    field = resolve_field(field) if field is not None else None
    frame = con.execute(*q.unmapped_terms_sql(field)).df()
    frame["cases"] = frame["cases"].astype("int64")
    frame["suggestions"] = [suggest_codes(f, t) for f, t in zip(frame["field"], frame["text"])]
    return frame


def term_map(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every mapping: field, text, term_key, code, cases (stored cases it resolves now), mapped_by, mapped_at."""
    frame = con.execute(*q.term_map_sql()).df()
    frame["cases"] = frame["cases"].astype("int64")
    return frame


# --- changing the map ---------------------------------------------------------------------


def map_term(con: duckdb.DuckDBPyConnection, field: str, text: str, code: str, user: str | None = None) -> int:
    """Map a raw term of ``field`` to ``code`` and re-resolve the stored cases holding it.

    Parameters
    ----------
    con : DuckDB connection
        The store, writable.
    field : str
        A field or a flat column name (:func:`resolve_field`).
    text : str
        The term as a file writes it (matched by :func:`turquesa_geo.vocab.term_key`).
    code : str
        A code of the field's vocabulary, or a country (:func:`check_code`).
    user : str, optional
        Who maps it (kept in the map and the log).

    Returns
    -------
    int
        The stored cases re-resolved. A term mapped to another code before is undone first.
    """
    field = resolve_field(field)
    key, code = _key(text), check_code(field, code)
    with transaction(con):
        _start_change(con)
        cases = _map(con, field, key, text.strip(), code, user, "map")
        _finish_change(con)
    return cases


def unmap_term(con: duckdb.DuckDBPyConnection, field: str, text: str, user: str | None = None) -> int:
    """Remove the mapping of a raw term and put the cases it resolved back as they were; return how many."""
    field = resolve_field(field)
    key = _key(text)
    with transaction(con):
        found = con.execute(*q.mapping_sql(field, key)).fetchall()
        if not found:
            raise TermMapError(
                N_("{text} is not mapped in {field}; see the mappings with 'turquesa terms'"),
                text=repr(text.strip()),
                field=field,
            )
        _start_change(con)
        cases = _undo(con, field, key, found[0][0])
        con.execute(*q.delete_mapping_sql(field, key))
        con.execute(*q.log_term_sql(user, "unmap", field, key, found[0][0], cases))
        _finish_change(con)
    return cases


def apply_term_map(con: duckdb.DuckDBPyConnection, rollups: bool = True) -> int:
    """Resolve every stored unmapped term the map knows; return the cases re-resolved.

    For an importer, inside its own transaction, after writing its cases: every unknown term
    written as unmapped (``case_unmapped``, ``?text`` attributes, flags) is then resolved here
    exactly as :func:`map_term` would, so that unmapping later undoes it too. Not logged.
    With ``rollups`` False the months touched are left in temp table ``term_months`` for the
    caller's own refresh.
    """
    _start_change(con)
    cases = sum(
        _resolve(con, field, key, code) for field, key, code, _ in con.execute(*q.stored_terms_sql()).fetchall()
    )
    if rollups:
        _finish_change(con)
    return cases


def _start_change(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(*q.term_months_table_sql())
    con.execute(*q.clear_term_months_sql())


def _finish_change(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the rollups of the months the change touched."""
    if con.execute(*q.term_months_count_sql()).fetchall()[0][0]:
        refresh(con, "term_months")


def _map(
    con: duckdb.DuckDBPyConnection, field: str, key: str, text: str, code: str, user: str | None, action: str
) -> int:
    """Record the mapping and resolve its stored rows (inside a transaction); log it unless nothing changed."""
    found = con.execute(*q.mapping_sql(field, key)).fetchall()
    changed = not found or found[0][0] != code
    if found and changed:
        _undo(con, field, key, found[0][0])
    if changed:
        con.execute(*q.delete_mapping_sql(field, key))
        con.execute(*q.insert_mapping_sql(field, key, text, code, user))
    cases = _resolve(con, field, key, code)
    if changed or cases:
        con.execute(*q.log_term_sql(user, action, field, key, code, cases))
    return cases


def _resolve(con: duckdb.DuckDBPyConnection, field: str, key: str, code: str) -> int:
    """Move the stored unmapped rows of (field, key) to ``code``; return the cases re-resolved."""
    columns = _columns(field)
    if columns == ():
        return 0
    if field == COUNTRY_FIELD:
        con.execute(*q.number_transit_sql(field, TRANSIT, key))
    cases = _take_rows(con, "case_unmapped", field, key, columns)
    if not cases:
        return 0
    pairs = con.execute(*q.term_rows_texts_sql()).fetchall()
    con.execute(*q.had_code_sql(field, code if columns is None else None))
    con.execute(*q.record_mapped_sql(code, _rule(field)))
    if columns is None:
        unmapped = list(dict.fromkeys(vocab.unmapped_code(text) for _, text in pairs))
        con.execute(*q.modus_before_sql(field))
        con.execute(*q.drop_unmapped_codes_sql(field, unmapped))
        con.execute(*q.add_code_sql(field, code))
        _update_modus_rollup(con, field)
    else:
        _set_columns(con, field, sorted({column for column, _ in pairs}), code)
    con.execute(*q.lift_flags_sql(_rule(field)))
    con.execute(*q.note_months_sql(unflagged_only=True))  # their last flag lifted: the rollups' key changes
    con.execute(*q.forget_unmapped_sql(field, key, columns))
    return cases


def _undo(con: duckdb.DuckDBPyConnection, field: str, key: str, code: str) -> int:
    """Put the cases the mapping of (field, key) resolved back as unmapped; return how many."""
    columns = _columns(field)
    if columns == ():
        return 0
    cases = _take_rows(con, "case_mapped", field, key, None)
    if not cases:
        return 0
    pairs = con.execute(*q.term_rows_texts_sql()).fetchall()
    if columns is None:
        texts = sorted({text for _, text in pairs})
        con.execute(*q.modus_before_sql(field))
        con.execute(*q.restore_unmapped_codes_sql(field, texts, [vocab.unmapped_code(t) for t in texts]))
        con.execute(*q.remove_added_code_sql(field, key, code))
        con.execute(*q.transfer_added_sql(field, key, code))
        _update_modus_rollup(con, field)
    else:
        _set_columns(con, field, sorted({column for column, _ in pairs}), None)
    messages = [_flag_message(field, column, text) for column, text in pairs]
    con.execute(*q.note_months_sql(unflagged_only=True))  # flagged again: the rollups' key changes
    con.execute(*q.restore_flags_sql(_rule(field), [c for c, _ in pairs], [t for _, t in pairs], messages))
    con.execute(*q.restore_unmapped_sql())
    con.execute(*q.forget_mapped_sql(field, key))
    return cases


def _take_rows(con: duckdb.DuckDBPyConnection, source: str, field: str, key: str, columns: Sequence[str] | None) -> int:
    """Copy one term's rows of ``source`` into ``term_rows``; return their cases. The months of a country
    term's cases are noted for the rollup refresh (countries are keys of both rollups; a network or a
    precision is a key of neither, and a modus-operandi term changes ``rollup_modus`` in place)."""
    con.execute(*q.term_rows_sql(source, field, key, columns))
    cases = int(con.execute(*q.term_rows_cases_sql()).fetchall()[0][0])
    if cases and field == COUNTRY_FIELD:
        con.execute(*q.note_months_sql())
    return cases


def _update_modus_rollup(con: duckdb.DuckDBPyConnection, dimension: str) -> None:
    """Change ``rollup_modus`` by what the cases of ``term_rows`` gained and lost since ``term_before``."""
    con.execute(*q.modus_delta_sql(dimension))
    for query in q.apply_modus_delta_sql(dimension):
        con.execute(*query)


def _set_columns(con: duckdb.DuckDBPyConnection, field: str, columns: Sequence[str], code: str | None) -> None:
    """Set (``code``) or clear (None) the coded columns of ``cases`` the rows of ``term_rows`` came from."""
    allowed = COUNTRY_TERM_COLUMNS if field == COUNTRY_FIELD else SINGLE_TERM_COLUMNS
    for column in columns:
        if column == TRANSIT and field == COUNTRY_FIELD:
            con.execute(*q.transit_sql(field, TRANSIT, code))
        else:
            con.execute(*q.set_column_sql(column, code, allowed))


def _flag_message(field: str, column: str, text: str) -> str:
    """The message of a flag put back where the mapping lifted none (the importer's wording)."""
    if field == COUNTRY_FIELD:
        return f"unknown country '{text}' in {column}"
    return f"'{text}' is not a known {field.replace('_', ' ')} (see the {field} vocabulary)"


# --- sharing the map -------------------------------------------------------------------------


def export_term_map(con: duckdb.DuckDBPyConnection, path: str | Path) -> int:
    """Write the term map to a CSV file (field, text, code; UTF-8); return the mappings written.

    A text a spreadsheet would run as a formula is written with a leading ``'``
    (:func:`read_term_map` takes it off again).
    """
    rows = term_map(con)[list(TERM_MAP_CSV_COLUMNS)].itertuples(index=False)
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(TERM_MAP_CSV_COLUMNS)
        written = 0
        for field, text, code in rows:
            writer.writerow([field, FORMULA_GUARD + text if text.startswith(FORMULA_PREFIXES) else text, code])
            written += 1
    return written


def read_term_map(path: str | Path) -> list[tuple[str, str, str]]:
    """The mappings of a term map CSV file as (field, text, code), every row checked.

    Fields may be flat column names; country codes may be names (:func:`check_code`). Raises
    :class:`TermMapError` naming the first wrong row (its line, value and what was expected) and
    how many rows are wrong: a file is taken whole or not at all.
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in TERM_MAP_CSV_COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise TermMapError(
                N_("{file}: missing column(s) {missing}; expected the columns field, text and code"),
                file=path.name,
                missing=", ".join(missing),
            )
        rows, problems = _checked_rows(reader)
    if problems:
        line, problem = problems[0]
        raise TermMapError(
            N_("{file}, line {line}: {problem} ({count} wrong rows in all; nothing was imported)"),
            file=path.name,
            line=line,
            problem=problem,
            count=len(problems),
        )
    return rows


def _checked_rows(reader: csv.DictReader) -> tuple[list[tuple[str, str, str]], list[tuple[int, TermMapError]]]:
    """The rows of a term map file that pass, and each wrong row's line and problem."""
    rows: dict[tuple[str, str], tuple[str, str, str]] = {}
    problems: list[tuple[int, TermMapError]] = []
    for line, record in enumerate(reader, start=2):
        text = (record.get("text") or "").strip()
        if text.startswith(FORMULA_GUARD) and text[1:].startswith(FORMULA_PREFIXES):
            text = text[1:]
        try:
            field = resolve_field(record.get("field") or "")
            mapping = (field, text, check_code(field, record.get("code") or ""))
            key = (field, _key(text))
        except TermMapError as exc:
            problems.append((line, exc))
            continue
        if key in rows and rows[key][2] != mapping[2]:
            problems.append(
                (
                    line,
                    TermMapError(
                        N_("{text} of {field} is mapped twice, to {first} and to {second}"),
                        text=repr(text),
                        field=field,
                        first=rows[key][2],
                        second=mapping[2],
                    ),
                )
            )
        rows.setdefault(key, mapping)
    return list(rows.values()), problems


def import_term_map(con: duckdb.DuckDBPyConnection, path: str | Path, user: str | None = None) -> int:
    """Add the mappings of a term map CSV file (another office's) and re-resolve the stored cases.

    All or nothing: every row is checked first (:func:`read_term_map`), then every mapping is applied
    in one transaction (a term mapped to another code before takes the file's code). Returns the
    stored cases re-resolved.
    """
    rows = read_term_map(path)
    with transaction(con):
        _start_change(con)
        cases = sum(_map(con, field, vocab.term_key(text), text, code, user, "import") for field, text, code in rows)
        _finish_change(con)
    return cases
