"""Properties of the flat importer on generated files: every row read is accepted or quarantined, and a row is
quarantined exactly when it cannot be a case (a ragged line, or no id, no usable date or no crime type).

The expectation is computed apart from the importer, from the parsers it uses on one value
(``parse_date``, ``parse_partial_date``, ``decide_date_order``) and the vocabulary (``resolve_term``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from dataclasses import dataclass

import pytest
from conftest import TODAY, run_import
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from turquesa_geo.ingest.flat import QUARANTINE_RULES, import_file
from turquesa_geo.ingest.parsing import DateOrderError, decide_date_order, parse_date, parse_partial_date
from turquesa_geo.ingest.readers import ImportRefused
from turquesa_geo.store.connection import connect
from turquesa_geo.vocab import resolve_term

COLUMNS = (
    "incident_id",
    "source",
    "date",
    "crime_type",
    "origin",
    "detection_country",
    "lat",
    "lon",
    "place",
    "transport_mode",
    "victims_f_adult",
    "migrants_u_adult",
)

#: Ids from a small pool, so that rows share them (split records, repeats); blank and padded ones too.
IDS = st.sampled_from(["A1", "A2", "B-7", "2024/00017", " A1 ", "A2  ", "", " ", "   "])

MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto")
DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31))


def _date_texts(numeric: str) -> st.SearchStrategy[str]:
    """Date cells: days in several formats (numeric ones in the file's order), months, years, garbage, blanks."""
    return st.one_of(
        DAYS.map(lambda d: d.isoformat()),
        DAYS.map(lambda d: d.strftime(numeric)),
        DAYS.map(lambda d: f"{d.day} de {MONTHS_ES[d.month % 8]} de {d.year}"),
        DAYS.map(lambda d: f"{MONTHS_ES[d.month % 8]} de {d.year}"),
        DAYS.map(lambda d: str(d.year)),
        DAYS.map(lambda d: f"{d.year}-{d.month:02d}"),
        DAYS.map(lambda d: f"{d.month:02d}/{d.year}"),
        st.sampled_from(["", "  ", "sin fecha", "2024-02-30", "31/04/2023", "13/13/2023", "1492", "2027", "soon"]),
        st.text(alphabet="0123456789/-. ayom", max_size=11),
        DAYS.map(lambda d: f" {d.isoformat()}  "),
    )


CRIME_TYPES = st.one_of(
    st.sampled_from(
        [
            "trafficking",
            "Smuggling",
            "TIP",
            "som",
            "Trata de personas",
            "tráfico ilícito de migrantes",
            " trata y tráfico ",
            "both",
            "robo",
            "Extorsión",
            "",
            "   ",
            ";",
            " | ",
        ]
    ),
    st.text(alphabet="abcdfimorstpgy ", max_size=8),
)

NUMBER_TEXTS = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " ", "s/d", "NI", " 3 ", "1.5", "-0", "8,39", "N/D", "1e3"]),
    st.text(alphabet="0123456789.-,e ", max_size=8),
)

TEXTS = st.text(alphabet="abcÁé xyz,;\"'>-\n", max_size=12)


@dataclass(frozen=True)
class Row:
    """A generated data row: its cells, and how many fields too many (+) or too few (-) it has."""

    cells: tuple[str, ...]
    extra: int = 0

    @property
    def ragged(self) -> bool:
        return self.extra != 0

    def fields(self) -> list[str]:
        if self.extra > 0:
            return [*self.cells, *(["x"] * self.extra)]
        return list(self.cells[: len(self.cells) + self.extra])


@st.composite
def flat_files(draw) -> list[Row]:
    """A small flat file's data rows; numeric dates follow one order for the whole file (most of the time)."""
    numeric = draw(st.sampled_from(["%d/%m/%Y", "%d/%m/%Y", "%d/%m/%Y", "%m/%d/%Y"]))
    row = st.tuples(
        IDS,
        st.just("S"),  # replaced by the file's own source when written
        _date_texts(numeric),
        CRIME_TYPES,
        st.one_of(st.sampled_from(["Venezuela", "PAN", "Atlantis", ""]), TEXTS),
        st.sampled_from(["PAN", "Colombia", "", "Tierra Firme"]),
        NUMBER_TEXTS,
        NUMBER_TEXTS,
        TEXTS,
        st.one_of(st.sampled_from(["land", "terrestre;camel", "", "aéreo"]), TEXTS),
        NUMBER_TEXTS,
        NUMBER_TEXTS,
    )
    extras = st.sampled_from([0, 0, 0, 0, 0, 0, 1, -1])
    return draw(st.lists(st.builds(Row, row, extras), min_size=1, max_size=10))


def write_file(rows: list[Row], source: str) -> tuple[str, list[int]]:
    """The CSV text of ``rows`` under the flat header, and the line each row starts on (line 1 is the header)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    starts, line = [], 2
    for row in rows:
        fields = row.fields()
        if len(fields) > 1:
            fields[1] = source
        starts.append(line)
        before = buffer.tell()
        writer.writerow(fields)
        line += buffer.getvalue()[before:].count("\n")
    return buffer.getvalue(), starts


# --- the expectation, apart from the importer ------------------------------------------


def _text(cell: str) -> str | None:
    """A cell as every rule reads it: trimmed of spaces, blank as missing."""
    return cell.strip(" ") or None


def _usable_date(text: str | None, order: str | None) -> bool:
    """A day, a month or a year, not after the import day."""
    if text is None:
        return False
    day = parse_date(text, order) or (parse_partial_date(text) or (None, None))[0]
    return day is not None and day <= TODAY


def can_be_a_case(row: Row, order: str | None) -> bool:
    """An id, a usable date and a known crime type."""
    incident, date, crime = (_text(row.cells[COLUMNS.index(c)]) for c in ("incident_id", "date", "crime_type"))
    return (
        incident is not None
        and _usable_date(date, order)
        and crime is not None
        and resolve_term("crime_type", crime) is not None
    )


def expected_quarantine(rows: list[Row], starts: list[int]) -> set[int] | None:
    """The lines that cannot be a case, or None when the file's day/month order cannot be decided (refused)."""
    dates = {_text(r.cells[COLUMNS.index("date")]) for r in rows if not r.ragged}
    try:
        order = decide_date_order(sorted(d for d in dates if d is not None))
    except DateOrderError:
        return None
    return {line for row, line in zip(rows, starts) if row.ragged or not can_be_a_case(row, order)}


# --- the property -----------------------------------------------------------------------

_sources = itertools.count()


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory):
    """One store for every example: each file has a source of its own, so no two examples share a case."""
    folder = tmp_path_factory.mktemp("properties")
    con = connect(folder / "store.duckdb")
    yield con, folder
    con.close()


#: Examples the property found, kept: a crime type of separators only (it has text, and no term: it must be
#: quarantined, not stored as a case without a crime type); a file whose one row is ragged and holds a quoted
#: line break (read by the exact reader, it must be quarantined, not refused as having no data rows).
SEPARATORS_ONLY = [Row(("P1", "S", "2024-03-05", ";", "", "", "", "", "", "", "", ""))]
RAGGED_MULTILINE_ONLY = [Row(("A1", "S", "2024-03-05", "trafficking", "", "", "", "", "Metetí\nDarién", "", "", ""), 1)]


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@example(rows=SEPARATORS_ONLY)
@example(rows=RAGGED_MULTILINE_ONLY)
@given(rows=flat_files())
def test_every_row_is_accepted_or_quarantined_and_only_rows_that_cannot_be_a_case_are_quarantined(shared_store, rows):
    con, folder = shared_store
    source = f"S{next(_sources)}"
    text, starts = write_file(rows, source)
    path = folder / f"{source}.csv"
    path.write_text(text, encoding="utf-8", newline="")
    expected = expected_quarantine(rows, starts)
    if expected is None:
        with pytest.raises(ImportRefused, match=r"day-first|month-first"):
            import_file(con, path, today=TODAY)
        return
    result = run_import(con, path)
    assert result.rows_read == len(rows) == result.rows_accepted + result.rows_quarantined
    found = dict(
        con.execute(
            "SELECT line, list(DISTINCT rule) FROM quarantine WHERE import_id = $id GROUP BY line",
            {"id": result.import_id},
        ).fetchall()
    )
    assert set(found) == expected
    assert all(rules and set(rules) <= set(QUARANTINE_RULES) for rules in found.values())
    assert all("ragged_row" in found[line] for row, line in zip(rows, starts) if row.ragged)
    # Every accepted row is a case, once per id: the other rows of an id are folded into it.
    accepted_ids = {_text(r.cells[0]) for r, line in zip(rows, starts) if line not in expected}
    assert (result.rows_inserted, result.rows_updated) == (len(accepted_ids), 0)
    assert result.rows_merged == result.rows_accepted - len(accepted_ids)
