"""Hostile files: zip bombs, entity expansion, absurdly wide headers and rows, markup as data.

Each is refused in a second or two with a message naming the file and the limit, or
imported with nothing lost (the reconciliation holds) and the text stored as data.
"""

from __future__ import annotations

import io
import json
import re
import struct
import time
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from conftest import GOOD_ROWS, HEADER, csv_text, run_import

from turquesa_geo.ingest import readers
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.ingest.readers import MAX_COLUMNS, MAX_RAGGED_CHARS, ImportRefused

FIELDS = HEADER.split(",")


def _refusal(con, path: Path) -> tuple[str, float]:
    """The refusal message of an import, and the seconds it took."""
    started = time.perf_counter()
    with pytest.raises(ImportRefused) as refused:
        import_file(con, path)
    return str(refused.value), time.perf_counter() - started


def _nothing_written(con) -> bool:
    return con.execute("SELECT (SELECT count(*) FROM imports) + (SELECT count(*) FROM cases)").fetchall()[0][0] == 0


# --- XLSX: zip bombs -------------------------------------------------------------------


def _workbook_bytes(*rows: tuple) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SMALL_BOOK = (("incident_id", "date", "crime_type"), ("A1", "2024-03-05", "smuggling"))


def _with_entry(book: bytes, name: str, write) -> bytes:
    """The workbook with one more entry, written by ``write(handle)``."""
    buffer = io.BytesIO(book)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive, archive.open(name, "w") as handle:
        write(handle)
    return buffer.getvalue()


def _declare_size(archive: bytes, name: str, size: int) -> bytes:
    """The archive with ``name``'s uncompressed size changed in its local and central headers (a lie)."""
    data = bytearray(archive)
    encoded = name.encode()
    for signature, size_at, name_length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            length = struct.unpack_from("<H", data, start + name_length_at)[0]
            if bytes(data[start + name_at : start + name_at + length]) == encoded:
                struct.pack_into("<I", data, start + size_at, size)
            start += 4
    return bytes(data)


def _zeros(megabytes: int):
    def write(handle) -> None:
        block = bytes(1 << 20)
        for _ in range(megabytes):
            handle.write(block)

    return write


@pytest.mark.timeout(30)
def test_a_zip_bomb_entry_is_refused_before_the_reader_opens_it(store, write, monkeypatch):
    # 64 MiB of zeros deflate about 1000 times: far past the 200:1 ratio limit.
    bomb = write("bomb.xlsx", _with_entry(_workbook_bytes(*SMALL_BOOK), "xl/media/zeros.bin", _zeros(64)))
    assert bomb.stat().st_size < 200_000
    _refuse_to_open(monkeypatch)
    message, seconds = _refusal(store, bomb)
    assert message.startswith("bomb.xlsx: entry 'xl/media/zeros.bin' inflates ")
    assert message.endswith(f"times; at most {readers.MAX_XLSX_RATIO} times is accepted (is it a zip bomb?)")
    assert seconds < 2 and _nothing_written(store)


@pytest.mark.timeout(30)
def test_an_archive_declaring_more_than_the_limit_is_refused(store, write):
    book = _with_entry(_workbook_bytes(*SMALL_BOOK), "xl/media/big.bin", lambda h: h.write(b"x" * 1000))
    declared = readers.MAX_XLSX_UNCOMPRESSED + 1
    path = write("huge.xlsx", _declare_size(book, "xl/media/big.bin", declared))
    assert zipfile.ZipFile(path).getinfo("xl/media/big.bin").file_size == declared
    message, seconds = _refusal(store, path)
    assert message.startswith("huge.xlsx: the workbook would inflate to ")
    assert f"at most {readers.MAX_XLSX_UNCOMPRESSED:,} are accepted" in message
    assert seconds < 2 and _nothing_written(store)


def test_a_large_but_plausibly_compressed_entry_is_not_a_bomb(store, write):
    # 9 MiB of random bytes barely compress: big, yet nothing like a bomb.
    noise = np.random.default_rng(7).integers(0, 256, 9 << 20, dtype=np.uint8).tobytes()
    book = _with_entry(
        _workbook_bytes(("incident_id", "date", "crime_type"), ("X1", "2024-01-02", "smuggling")),
        "xl/media/noise.bin",
        lambda h: h.write(noise),
    )
    result = run_import(store, write("noise.xlsx", book))
    assert (result.rows_read, result.rows_accepted) == (1, 1)


@pytest.mark.parametrize("content", [b"incident_id,date\nA1,2024-01-01\n", b"PK\x03\x04 not a zip", b"\x00" * 64])
def test_an_xlsx_that_is_not_a_zip_archive_is_refused(store, write, content):
    message, _ = _refusal(store, write("fake.xlsx", content))
    assert message.startswith("fake.xlsx: not a readable XLSX workbook (not a zip archive: ")


# --- XLSX: entity expansion ------------------------------------------------------------

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>\n"
)


def _book_with_laughs(sheet_text: str) -> bytes:
    """A one-sheet workbook whose first data cell is ``&lol9;``: a billion "lol"s if expanded."""
    source = zipfile.ZipFile(
        io.BytesIO(_workbook_bytes(("incident_id", "date", "crime_type"), ("CELL", "2024-01-02", "smuggling")))
    )
    sheet = source.read("xl/worksheets/sheet1.xml").decode()
    assert "<t>CELL</t>" in sheet
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            text = LAUGHS + sheet.replace("<t>CELL</t>", sheet_text) if name.endswith("sheet1.xml") else None
            archive.writestr(name, text if text is not None else source.read(name))
    return out.getvalue()


@pytest.mark.timeout(30)
def test_a_billion_laughs_sheet_is_refused_without_expansion(store, write):
    path = write("laughs.xlsx", _book_with_laughs("<t>&lol9;</t>"))
    message, seconds = _refusal(store, path)
    assert message.startswith("laughs.xlsx: not a readable XLSX workbook (")
    assert seconds < 2 and _nothing_written(store)


def test_openpyxl_parses_through_defusedxml_which_forbids_entities(write):
    import defusedxml

    path = write("laughs.xlsx", _book_with_laughs("<t>&lol9;</t>"))
    with pytest.raises(ValueError) as raised:
        openpyxl.load_workbook(path, read_only=True)
    causes, error = [], raised.value
    while error is not None:
        causes.append(type(error))
        error = error.__cause__ or error.__context__
    assert defusedxml.EntitiesForbidden in causes


def _refuse_to_open(monkeypatch) -> None:
    """Make calamine (the reader) and openpyxl fail the test if either opens the workbook."""
    import python_calamine

    monkeypatch.setattr(
        python_calamine.CalamineWorkbook, "from_path", lambda *a, **k: pytest.fail("calamine opened it")
    )
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("openpyxl opened it"))


@pytest.mark.parametrize(
    "doctype",
    [
        LAUGHS,  # entities defined and never used: still refused
        '<?xml version="1.0"?>\n<!-- <a> --><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n',
        '<?xml version="1.0"?>\n<?pi <a ?><!doctype x>\n',
    ],
)
def test_a_dtd_in_any_part_is_refused_before_the_reader_opens_the_workbook(store, write, monkeypatch, doctype):
    source = zipfile.ZipFile(io.BytesIO(_workbook_bytes(*SMALL_BOOK)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            text = source.read(name)
            if name == "xl/workbook.xml":
                text = doctype.encode() + re.sub(rb"^<\?xml[^>]*\?>", b"", text.lstrip())
            archive.writestr(name, text)
    _refuse_to_open(monkeypatch)
    message, _ = _refusal(store, write("dtd.xlsx", out.getvalue()))
    assert message.startswith("dtd.xlsx: not a readable XLSX workbook (entry 'xl/workbook.xml' declares a DTD")
    assert _nothing_written(store)


def test_a_part_whose_prolog_never_ends_is_refused_unread(store, write, monkeypatch):
    padding = b"<!--" + b" " * (200 << 10) + b"-->"
    book = _with_entry(_workbook_bytes(*SMALL_BOOK), "xl/padded.xml", lambda h: h.write(padding + b"<x/>"))
    _refuse_to_open(monkeypatch)
    message, _ = _refusal(store, write("padded.xlsx", book))
    assert (
        message
        == "padded.xlsx: not a readable XLSX workbook (entry 'xl/padded.xml' has no root element in its first 65,536 bytes)"
    )


def test_an_ordinary_workbook_still_imports(store, write):
    book = _workbook_bytes(
        ("incident_id", "date", "crime_type", "place"), ("X1", "2024-01-02", "smuggling", "<script>alert(1)</script>")
    )
    result = run_import(store, write("ok.xlsx", book))
    assert (result.rows_accepted, result.file_format) == (1, "xlsx")
    assert store.execute("SELECT place FROM cases").fetchall() == [("<script>alert(1)</script>",)]


# --- CSV: wide headers and rows --------------------------------------------------------


@pytest.mark.timeout(30)
def test_a_header_of_a_million_columns_is_refused_without_reading_the_file(store, write, monkeypatch):
    path = write("wide.csv", ",".join(f"c{i}" for i in range(1_000_000)) + "\n" + "1,2\n")
    assert path.stat().st_size > 6_000_000

    def no_whole_reads(self, *args, **kwargs):
        raise AssertionError(f"{self} was read whole")

    monkeypatch.setattr(Path, "read_bytes", no_whole_reads)
    monkeypatch.setattr(Path, "read_text", no_whole_reads)
    message, seconds = _refusal(store, path)
    assert message == (
        f"wide.csv: the header line is longer than {readers.MAX_HEADER_BYTES:,} bytes "
        f"(at most {MAX_COLUMNS} columns are accepted)"
    )
    assert seconds < 2 and _nothing_written(store)


@pytest.mark.parametrize("columns, name", [(MAX_COLUMNS + 1, "c{}"), (100_000, "{}")])
def test_a_header_with_more_columns_than_the_limit_is_refused_by_count(store, write, columns, name):
    # 100,000 short names fit in the header's byte limit: the column limit still applies.
    header = ",".join(name.format(i) for i in range(columns))
    message, seconds = _refusal(store, write("many.csv", header + "\n" + "1\n"))
    assert message == f"many.csv: {columns} columns; at most {MAX_COLUMNS} are accepted"
    assert seconds < 2


def test_a_column_name_longer_than_the_csv_field_limit_is_refused(store, write):
    message, _ = _refusal(store, write("long.csv", "incident_id," + "n" * 200_000 + "\nA1,1\n"))
    assert message.startswith("long.csv: unreadable header line (field larger than field limit")


@pytest.mark.timeout(30)
def test_a_row_of_a_million_fields_is_quarantined_quickly_with_a_bounded_record(store, write):
    wide = ",".join("x" for _ in range(1_000_000))
    started = time.perf_counter()
    result = run_import(store, write("wide_row.csv", csv_text(*GOOD_ROWS, wide, GOOD_ROWS[0].replace("A1,", "A9,"))))
    seconds = time.perf_counter() - started
    assert (result.rows_read, result.rows_accepted, result.quarantine_by_rule) == (5, 4, {"ragged_row": 1})
    line, message, record = store.execute("SELECT line, message, record FROM quarantine").fetchall()[0]
    assert line == 5
    assert message == (
        f"ragged row: expected {len(FIELDS)} fields, found 1000000 "
        f"(only the first {MAX_RAGGED_CHARS} characters of the line are kept)"
    )
    assert json.loads(record) == {"_line": 5, "raw": wide[:MAX_RAGGED_CHARS]}
    assert seconds < 5


@pytest.mark.timeout(30)
def test_many_rows_with_too_few_fields_under_a_wide_header_are_quarantined_quickly(store, write):
    # Each such row would cost DuckDB's reject table one error per missing field.
    header = ",".join([*FIELDS[:3], "crime_type", *(f"extra_{i}" for i in range(1_990))])
    good = ",".join(["A1", "PNC", "2024-03-05", "smuggling", *([""] * 1_990)])
    started = time.perf_counter()
    result = run_import(store, write("short_rows.csv", csv_text(good, *(["x"] * 2_000), header=header)))
    assert (result.rows_read, result.rows_accepted, result.quarantine_by_rule) == (2_001, 1, {"ragged_row": 2_000})
    assert time.perf_counter() - started < 5


@pytest.mark.timeout(60)
def test_a_hundred_thousand_ragged_lines_are_quarantined_quickly(store, write):
    # Two bytes a line: row-by-row quarantine inserts would take about a minute.
    started = time.perf_counter()
    result = run_import(store, write("x.csv", csv_text(*GOOD_ROWS, *(["x"] * 100_000))))
    assert (result.rows_read, result.rows_accepted, result.quarantine_by_rule) == (100_003, 3, {"ragged_row": 100_000})
    assert time.perf_counter() - started < 10


def test_a_slightly_ragged_file_keeps_the_line_as_written(store, write):
    # Few fields off: DuckDB's reject table is used, which keeps the raw line, quotes and all.
    ragged = GOOD_ROWS[1].replace("Lima", '"Lima, Perú"') + ",extra"
    result = run_import(store, write("ragged.csv", csv_text(GOOD_ROWS[0], ragged)))
    assert result.quarantine_by_rule == {"ragged_row": 1}
    record = json.loads(store.execute("SELECT record FROM quarantine").fetchall()[0][0])
    assert record == {"_line": 3, "raw": ragged}


@pytest.mark.parametrize("block", [3, 7, 1 << 20])
def test_reject_work_matches_a_line_by_line_count(tmp_path, monkeypatch, block):
    lines = ["a,b,c", "1,2,3", "1,2", "", "1,2,3,4,5,6", "x" * 50, "1,2,3\r", "7,8"]  # last line unterminated
    path = tmp_path / "w.csv"
    path.write_bytes("\n".join(lines).encode())
    monkeypatch.setattr(readers, "_WORK_BLOCK", block)
    cost = readers._REJECT_ERROR_COST
    expected = sum(abs(line.count(",") + 1 - 3) * (len(line) + 1 + cost) for line in lines[1:-1])
    expected += abs(lines[-1].count(",") + 1 - 3) * (len(lines[-1]) + cost)
    assert readers._reject_work(path, ",", 3) == expected


# --- markup is data -----------------------------------------------------------------------

MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


def test_markup_in_cells_is_stored_as_written(store, write):
    rows = [GOOD_ROWS[1].replace("A2,", f"M{i},").replace("Lima", f'"{text}"') for i, text in enumerate(MARKUP)]
    rows.append(GOOD_ROWS[1].replace("A2,", "M9,").replace(",PNC,", f",{MARKUP[1]},"))
    result = run_import(store, write("markup.csv", csv_text(*rows)))
    assert result.rows_accepted == 3
    assert store.execute("SELECT incident_id, source, place FROM cases ORDER BY incident_id").fetchall() == [
        ("M0", "PNC", MARKUP[0]),
        ("M1", "PNC", MARKUP[1]),
        ("M9", MARKUP[1], "Lima"),
    ]


def test_markup_in_a_flagged_or_quarantined_cell_is_kept_as_written(store, write):
    row = GOOD_ROWS[1].replace(",VEN,VEN,", f",{MARKUP[0]},VEN,")
    run_import(store, write("markup_bad.csv", csv_text(row)))
    value, message = store.execute("SELECT value, message FROM case_flags").fetchall()[0]
    assert value == MARKUP[0] and MARKUP[0] in message
    row = GOOD_ROWS[1].replace(",VEN,VEN,", f",{MARKUP[0]},VEN,").replace("A2,", ",")
    run_import(store, write("markup_bad_id.csv", csv_text(row)))
    (record,) = store.execute("SELECT record FROM quarantine").fetchall()[0]
    assert json.loads(record)["nationality"] == MARKUP[0]


# --- JSON ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"records": ' * 100_000 + "[]" + "}" * 100_000,
        '{"a": 1}\n' + "[" * 100_000 + "]" * 100_000,
    ],
)
def test_deeply_nested_json_is_refused(store, write, text):
    message, seconds = _refusal(store, write("deep.json", text))
    assert message == "deep.json: JSON nested too deeply to hold records"
    assert seconds < 2 and _nothing_written(store)
