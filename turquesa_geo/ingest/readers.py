"""Read incident files of any supported format into a staging table of text columns.

Every reader yields the same thing: temporary DuckDB views whose columns are the
file's columns (names folded to ``snake_case``), all VARCHAR, plus ``_line``, the
line (CSV), sheet row (XLSX) or record number (JSON, Parquet) each row came from,
so quarantine messages can point at it. ``stage`` holds each cell's text (trimmed,
blank as NULL); ``stage_cells`` the cells as read, for callers that trim only the
values they use. Rows that cannot be split into the header's columns are returned
separately as ragged rows.

In a quarantine download (a file with Turquesa's ``quarantine_line`` column), a cell that
was guarded against running as a spreadsheet formula (``'`` before ``=``, ``+``, ``-``,
``@``, tab or CR; older downloads did so before negative numbers too, ``'-77,9``) is read
without that one ``'``: the file comes back as it went out.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from turquesa_geo import columns as C
from turquesa_geo.i18n import N_, LocalizedError, Translatable
from turquesa_geo.store.queries import copy_to_temp_sql, drop_temp_sql
from turquesa_geo.store.queries.ingest_stage import (
    LINE_COLUMN,
    arrow_cells_view_sql,
    count_rows_sql,
    csv_cells_view_sql,
    drop_reject_table_sql,
    guarded_cells_sql,
    insertion_order_sql,
    read_csv_sql,
    rejected_lines_sql,
    setting_sql,
    text_view_sql,
    unguard_cells_sql,
)

__all__ = [
    "SUPPORTED_SUFFIXES",
    "ImportRefused",
    "RaggedRow",
    "StageInfo",
    "detect_delimiter",
    "detect_encoding",
    "drop_stage",
    "insertion_order",
    "load_stage",
    "normalize_column_name",
]

SUPPORTED_SUFFIXES = (".csv", ".txt", ".tsv", ".parquet", ".xlsx", ".json", ".jsonl")
DELIMITERS = (",", ";", "\t", "|")
MAX_COLUMNS = 2_000
#: Longest CSV header line, in bytes: room for MAX_COLUMNS long names, read without reading the file.
MAX_HEADER_BYTES = 1 << 20
#: Longest CSV line, in bytes, that DuckDB's reader accepts (its max_line_size).
MAX_LINE_BYTES = 10_000_000
#: Characters of a ragged row's line kept for its quarantine record: a prefix, enough to recognise it.
MAX_RAGGED_CHARS = 10_000
#: Largest total uncompressed size of an XLSX archive's entries, as the archive declares them.
MAX_XLSX_UNCOMPRESSED = 512 * (1 << 20)
#: Highest compression ratio of an XLSX entry (zip bombs reach 1000:1; sheets rarely pass 20:1) ...
MAX_XLSX_RATIO = 200
#: ... once it inflates past this many bytes (small entries may compress as they like).
MAX_XLSX_RATIO_FLOOR = 8 * (1 << 20)


class ImportRefused(LocalizedError, ValueError):
    """A whole file cannot be imported; the message says why in one line.

    Raised with an English message id marked ``N_`` and its named params, so that it can be
    shown in any language: ``str(exc)`` is the English text, ``exc.text(lang)`` the translation.

    >>> exc = ImportRefused(N_("{file}: the file is empty"), file="cases.csv")
    >>> str(exc), exc.text("es")
    ('cases.csv: the file is empty', 'cases.csv: el archivo está vacío')
    """


@dataclass(frozen=True)
class RaggedRow:
    """A CSV line whose number of fields differs from the header's; ``text`` is at most MAX_RAGGED_CHARS long."""

    line: int
    text: str
    message: str


@dataclass
class StageInfo:
    """What a reader learnt about a file while staging it."""

    file_format: str
    columns: list[str]
    rows: int
    encoding: str | None = None
    delimiter: str | None = None
    ragged: list[RaggedRow] = field(default_factory=list)
    decimal_comma: bool = False
    #: The view of the cells as read (untrimmed, blank cells kept), with ``_line``.
    cells: str = "stage_cells"

    @property
    def rows_read(self) -> int:
        """Data rows read from the file, well-formed or ragged."""
        return self.rows + len(self.ragged)


def normalize_column_name(name: str) -> str:
    """Fold a header to the snake_case used by the model.

    >>> normalize_column_name(" Incident ID ")
    'incident_id'
    >>> normalize_column_name("Victims_F_Minor")
    'victims_f_minor'
    """
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def detect_encoding(data: bytes) -> tuple[str, int]:
    """Return (python codec, BOM length) for a CSV's bytes, or refuse it.

    UTF-8 (with or without BOM) and UTF-16 with BOM are recognised; otherwise the
    text must decode as Windows-1252 without control characters.

    >>> detect_encoding("año".encode("utf-8"))
    ('utf-8', 0)
    >>> detect_encoding(codecs.BOM_UTF8 + b"a")
    ('utf-8', 3)
    >>> detect_encoding("año".encode("cp1252"))
    ('cp1252', 0)
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    if b"\x00" in data:
        raise ImportRefused(N_("cannot detect the text encoding (binary content or UTF-16 without a byte-order mark)"))
    try:
        data.decode("utf-8")
        return "utf-8", 0
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportRefused(N_("cannot detect the text encoding: not UTF-8, UTF-16 or Windows-1252")) from None
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        raise ImportRefused(N_("cannot detect the text encoding: control characters found, is it a text file?"))
    return "cp1252", 0


def detect_delimiter(header: str) -> str:
    """Pick the delimiter that splits the header line into the most fields.

    >>> detect_delimiter("incident_id;date;lat")
    ';'
    >>> detect_delimiter("incident_id,date")
    ','
    >>> detect_delimiter("incident_id")
    ','
    """
    fields = {d: _field_count(header, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (fields[d], -DELIMITERS.index(d)))
    return best if fields[best] > 1 else ","


def _field_count(line: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delimiter)))
    except csv.Error:  # one field longer than the csv module's limit: the line does not split on it
        return 1


def load_stage(con: duckdb.DuckDBPyConnection, path: Path, table: str = "stage") -> StageInfo:
    """Stage ``path`` as temporary view ``table`` over ``{table}_raw``; the format comes from the suffix.

    In ``table`` text is trimmed and blank cells read as NULL; view ``{table}_cells``
    (:attr:`StageInfo.cells`) has the same columns as read. The caller drops the
    temporary objects (see :func:`drop_stage`).
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ImportRefused(
            N_("{file}: unsupported file type {suffix!r}; expected one of {expected}"),
            file=path.name,
            suffix=suffix or Translatable(N_("(none)")),
            expected=", ".join(SUPPORTED_SUFFIXES),
        )
    if not path.exists():
        raise ImportRefused(N_("{path}: no such file"), path=str(path))
    if path.stat().st_size == 0:
        raise ImportRefused(N_("{file}: the file is empty"), file=path.name)
    # Staged tables must keep file order: CSV line numbers come from row positions.
    with insertion_order(con, preserve=True):
        if suffix == ".parquet":
            return _stage_arrow(con, _read_parquet(path), table, "parquet")
        if suffix == ".xlsx":
            return _stage_arrow(con, _read_xlsx(path), table, "xlsx")
        if suffix in (".json", ".jsonl"):
            return _stage_arrow(con, _read_json(path), table, "json")
        return _stage_csv(con, path, table)


# --- CSV ---------------------------------------------------------------------------


def _stage_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> StageInfo:
    plain = _scan_plain_utf8(path)
    if plain is None:
        return _stage_csv_decoded(con, path, table)
    # The common case: DuckDB reads the file itself and Python never holds all of it.
    if plain.blank:
        raise ImportRefused(N_("{file}: the file is empty"), file=path.name)
    with path.open("rb") as handle:
        header_line = _header_line(handle.read(MAX_HEADER_BYTES + 1), path.name).decode("utf-8")
    return _stage_utf8_csv(
        con, path, path.name, table, header_line, plain.lines, lambda: path.read_bytes().decode("utf-8"), "utf-8"
    )


#: Bytes per chunk when scanning a file: small enough for its decoded text to stay in cache.
_SCAN_CHUNK = 1 << 17


@dataclass(frozen=True)
class _PlainUtf8:
    """A UTF-8 file without byte-order mark, as one pass over its bytes saw it."""

    lines: int  # physical lines after the header, trailing line breaks ignored
    blank: bool  # only whitespace


def _scan_plain_utf8(path: Path) -> _PlainUtf8 | None:
    """Check that ``path`` is UTF-8 without BOM or NUL and count its lines; None otherwise.

    The same decision as :func:`detect_encoding` on the whole file, made in 128 KiB
    chunks: the decoded text stays in cache (several times faster than decoding a
    large file at once) and the file is never copied whole into memory.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    buffer = bytearray(_SCAN_CHUNK)
    newlines = trailing = 0
    blank = True
    with path.open("rb", buffering=0) as handle:
        if handle.read(3).startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return None
        handle.seek(0)
        size = handle.readinto(buffer)
        while size:
            if buffer.find(b"\x00", 0, size) >= 0:
                return None
            try:
                decoder.decode(memoryview(buffer)[:size])
            except UnicodeDecodeError:
                return None
            newlines += buffer.count(b"\n", 0, size)
            trailing = _trailing_newlines(buffer, size, trailing)
            blank = blank and buffer[:size].isspace()
            size = handle.readinto(buffer)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return _PlainUtf8(newlines - trailing, blank)


def _trailing_newlines(buffer: bytearray, size: int, before: int) -> int:
    """Line feeds in the run of line breaks that ends the bytes read so far."""
    if buffer[size - 1] not in b"\r\n":
        return 0
    chunk = bytes(buffer[:size])
    kept = chunk.rstrip(b"\r\n")
    return chunk.count(b"\n", len(kept)) + (before if not kept else 0)


def _stage_csv_decoded(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> StageInfo:
    """Stage a file with a byte-order mark or not in UTF-8: decide the encoding on the whole bytes."""
    data = path.read_bytes()
    encoding, bom = detect_encoding(data)
    body = memoryview(data)[bom:]
    if not body.nbytes or (bytes(body[:4096]).isspace() and data[bom:].isspace()):
        raise ImportRefused(N_("{file}: the file is empty"), file=path.name)
    # Large files stay bytes: only non-UTF-8 files are decoded whole (to re-encode).
    text = None if encoding == "utf-8" else bytes(body).decode(encoding)
    first = (
        _header_line(text[: MAX_HEADER_BYTES + 1], path.name)
        if text is not None
        else _header_line(bytes(body[: MAX_HEADER_BYTES + 1]), path.name).decode("utf-8")
    )
    utf8_path = None
    try:
        # DuckDB reads UTF-8 without BOM: write such a copy, beside the file when DuckDB
        # may read only some folders (a locked connection reads its upload folder).
        folder = None if _external_access(con) else path.parent
        with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False, dir=folder) as copy:
            utf8_path = Path(copy.name)
            copy.write(text.encode("utf-8") if text is not None else body)

        def full_text() -> str:
            return text if text is not None else bytes(body).decode("utf-8")

        lines = _data_lines(text if text is not None else data)
        return _stage_utf8_csv(con, utf8_path, path.name, table, first, lines, full_text, encoding)
    finally:
        if utf8_path is not None:
            utf8_path.unlink(missing_ok=True)


def _external_access(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(*setting_sql("enable_external_access")).fetchall()[0][0])


def _header_line(head: bytes | str, name: str) -> bytes | str:
    """The first line of a file's first MAX_HEADER_BYTES + 1 bytes (or characters), or refuse it as too long."""
    newline = "\n" if isinstance(head, str) else b"\n"
    end = head.find(newline)
    if end < 0 and len(head) > MAX_HEADER_BYTES:
        raise ImportRefused(
            N_("{file}: the header line is longer than {limit:,} bytes (at most {columns} columns are accepted)"),
            file=name,
            limit=MAX_HEADER_BYTES,
            columns=MAX_COLUMNS,
        )
    return head[: end if end >= 0 else len(head)].rstrip("\r" if isinstance(head, str) else b"\r")


def _split_header(header_line: str, name: str) -> tuple[str, list[str]]:
    """The delimiter and the fields of a header line."""
    delimiter = detect_delimiter(header_line)
    try:
        return delimiter, next(csv.reader([header_line], delimiter=delimiter))
    except csv.Error as exc:  # a name longer than the csv module's field limit
        raise ImportRefused(N_("{file}: unreadable header line ({error})"), file=name, error=str(exc)) from None


def _stage_utf8_csv(
    con,
    utf8_path: Path,
    name: str,
    table: str,
    header_line: str,
    lines: int,
    full_text: Callable[[], str],
    encoding: str,
) -> StageInfo:
    """Stage a UTF-8 CSV without BOM whose header line and data line count are known."""
    delimiter, header = _split_header(header_line, name)
    columns = _checked_header(header, name)
    info = _stage_csv_duckdb(con, utf8_path, name, table, delimiter, columns, lines, full_text)
    info.encoding = encoding
    if info.rows == 0 and not info.ragged:
        raise ImportRefused(N_("{file}: the file has a header but no data rows"), file=name)
    return info


def _checked_header(header: list[str], name: str) -> list[str]:
    if len(header) > MAX_COLUMNS:
        raise ImportRefused(
            N_("{file}: {count} columns; at most {limit} are accepted"), file=name, count=len(header), limit=MAX_COLUMNS
        )
    columns = [normalize_column_name(h) for h in header]
    seen: set[str] = set()
    for raw, col in zip(header, columns):
        if not col:
            raise ImportRefused(N_("{file}: a column has an empty name ({header!r})"), file=name, header=raw)
        if col in seen:
            raise ImportRefused(N_("{file}: column {column!r} appears twice in the header"), file=name, column=col)
        seen.add(col)
    return columns


def _data_lines(data: bytes | str) -> int:
    """Physical lines after the header, trailing line breaks ignored (no copy of the data)."""
    newline, breaks = ("\n", "\r\n") if isinstance(data, str) else (b"\n", b"\r\n")
    end = len(data)
    while end > 0 and data[end - 1 : end] in (breaks[:1], breaks[1:]):
        end -= 1
    return data.count(newline, 0, end)


def _stage_csv_duckdb(
    con, path: Path, name: str, table: str, delimiter: str, columns: list[str], data_lines: int, full_text
) -> StageInfo:
    """Fast path: DuckDB's parallel reader; exact lines unless records span lines.

    A clean file is read once. A file with rejected lines is read again with DuckDB's
    reject table, unless that would cost more than the exact reader (see :func:`_reject_work`).
    """
    types = {f"c{i}": "VARCHAR" for i in range(len(columns))}
    read = {"table": table, "path": str(path), "delimiter": delimiter, "columns": types}
    try:
        con.execute(*read_csv_sql(**read, max_line_bytes=MAX_LINE_BYTES, keep_rejects=False))
    except duckdb.PermissionException:
        raise  # a locked connection may not read this file: no way round it
    except duckdb.Error:
        # Mixed line endings or stray quotes: the exact reader copes and reports per line.
        return _stage_csv_python(con, full_text(), name, table, delimiter, columns)
    n_good = con.execute(*count_rows_sql(f"{table}_raw")).fetchall()[0][0]
    rejects = [] if n_good == data_lines else _rejected_lines(con, path, read, len(columns))
    if rejects is None or n_good + len(rejects) != data_lines:
        # Quoted fields with line breaks, or blank lines: line numbers need the exact reader.
        return _stage_csv_python(con, full_text(), name, table, delimiter, columns)
    ragged = [
        _ragged_row(int(line), str(csv_line), _ragged_message(kind, message, len(columns)))
        for line, csv_line, kind, message in rejects
    ]
    if rejects:
        rejected_index = np.array([r[0] - 2 for r in rejects], dtype=np.int64)
        good_lines = np.delete(np.arange(data_lines, dtype=np.int64), rejected_index) + 2
        con.register("_good_lines", pa.table({LINE_COLUMN: good_lines}))
        con.execute(copy_to_temp_sql(f"{table}_lines", "_good_lines"))
        con.unregister("_good_lines")
    _unguard_formula_cells(con, f"{table}_raw", list(types), columns)
    # Without rejects, rowid follows file order: the raw table was filled by one ordered scan.
    con.execute(*csv_cells_view_sql(table, columns, with_line_table=bool(rejects)))
    _create_text_view(con, table, columns)
    return StageInfo("csv", columns, int(n_good), delimiter=delimiter, ragged=ragged, cells=f"{table}_cells")


def _rejected_lines(con, path: Path, read: dict, fields: int) -> list[tuple] | None:
    """Read the CSV again, keeping (line, text, error type, message) of each rejected line.

    None when DuckDB cannot, or when its reject table would cost more than the exact reader.
    """
    budget = max(_MIN_REJECT_WORK, _REJECT_WORK_PER_BYTE * path.stat().st_size)
    if _reject_work(path, read["delimiter"], fields) > budget:
        return None
    con.execute(*drop_reject_table_sql("reject_errors"))
    con.execute(*drop_reject_table_sql("reject_scans"))
    try:
        con.execute(*read_csv_sql(**read, max_line_bytes=MAX_LINE_BYTES, keep_rejects=True))
    except duckdb.Error:
        return None
    return con.execute(*rejected_lines_sql()).fetchall()


# DuckDB's reject table records one error per field a ragged row lacks or adds, each
# with the line: its cost grows with (fields off) x (line length), so one row of a
# million fields takes it hours. Past about ten units of that work per byte of file
# (or a second's worth on small files), the exact Python reader is the cheaper one.
_REJECT_WORK_PER_BYTE = 10
_MIN_REJECT_WORK = 200_000_000
#: Fixed cost of one reject error, in the same units as one byte of its line.
_REJECT_ERROR_COST = 1_000
_WORK_BLOCK = 1 << 20


def _reject_work(path: Path, delimiter: str, fields: int) -> float:
    """Estimated work of DuckDB's reject table on a CSV: for each data line whose field
    count differs from ``fields``, the difference times (its length + a fixed cost).

    Fields are counted as delimiters + 1, quotes ignored: an upper bound for quoted
    text. One streaming pass in 1 MiB blocks; only files with rejected lines pay it.
    """
    delim = ord(delimiter)
    work = 0.0
    carry_length = carry_delimiters = 0
    header = True
    with path.open("rb") as handle:
        while block := handle.read(_WORK_BLOCK):
            data = np.frombuffer(block, np.uint8)
            ends = np.flatnonzero(data == 10)
            if ends.size:
                starts = np.concatenate(([0], ends[:-1] + 1))
                lengths = ends - starts + 1
                delimiters = np.add.reduceat(data[: ends[-1] + 1] == delim, starts, dtype=np.int64)
                lengths[0] += carry_length
                delimiters[0] += carry_delimiters
                work += _lines_work(lengths[header:], delimiters[header:], fields)
                header = False
                data = data[ends[-1] + 1 :]
                carry_length = carry_delimiters = 0
            carry_length += data.size
            carry_delimiters += int(np.count_nonzero(data == delim))
    if carry_length and not header:
        work += _lines_work(np.array([carry_length]), np.array([carry_delimiters]), fields)
    return work


def _lines_work(lengths: np.ndarray, delimiters: np.ndarray, fields: int) -> float:
    off = np.abs(delimiters + 1 - fields).astype(np.float64)
    return float(np.sum(off * (lengths + _REJECT_ERROR_COST)))


def _ragged_row(line: int, text: str, message: str) -> RaggedRow:
    """A ragged row keeping at most MAX_RAGGED_CHARS of its line (the message says when it is cut)."""
    if len(text) >= MAX_RAGGED_CHARS:
        text = text[:MAX_RAGGED_CHARS]
        message += f" (only the first {MAX_RAGGED_CHARS} characters of the line are kept)"
    return RaggedRow(line, text, message)


def _ragged_message(kind: str, message: str, expected: int) -> str:
    found = re.search(r"Found: (\d+)", message or "")
    detail = f", found {found.group(1)}" if found else ""
    if kind in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
        return f"ragged row: expected {expected} fields{detail}"
    return f"unreadable row: {kind.lower()}"


def _stage_csv_python(con, text: str, name: str, table: str, delimiter: str, columns: list[str]) -> StageInfo:
    """Exact reader for files whose records span lines; slower, same result."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    values: list[list[str | None]] = [[] for _ in columns]
    lines: list[int] = []
    ragged: list[RaggedRow] = []
    try:
        next(reader)
        start = reader.line_num + 1
        for record in reader:
            if not record:
                start = reader.line_num + 1
                continue
            if len(record) != len(columns):
                ragged.append(
                    _ragged_row(
                        start,
                        delimiter.join(record),
                        f"ragged row: expected {len(columns)} fields, found {len(record)}",
                    )
                )
            else:
                lines.append(start)
                for column, value in zip(values, record):
                    column.append(value if value != "" else None)
            start = reader.line_num + 1
    except csv.Error as exc:  # a field longer than the csv module's limit
        raise ImportRefused(
            N_("{file}: unreadable CSV at line {line} ({error})"), file=name, line=reader.line_num, error=str(exc)
        ) from None
    arrays = {LINE_COLUMN: pa.array(lines, pa.int64())}
    arrays.update({col: pa.array(vals, pa.string()) for col, vals in zip(columns, values)})
    info = _stage_arrow(con, pa.table(arrays), table, "csv", allow_empty=bool(ragged))
    info.delimiter, info.ragged = delimiter, ragged
    return info


# --- Parquet, XLSX, JSON --------------------------------------------------------------


def _read_parquet(path: Path) -> pa.Table:
    import pyarrow.parquet as pq  # heavy, and needed only for Parquet files

    try:
        source = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise ImportRefused(
            N_("{file}: not a readable Parquet file ({error})"), file=path.name, error=str(exc)
        ) from None
    columns = _checked_header(source.column_names, path.name)
    arrays = {LINE_COLUMN: pa.array(np.arange(1, source.num_rows + 1, dtype=np.int64))}
    for name, col in zip(columns, source.columns):
        arrays[name] = _arrow_text(col)
    return pa.table(arrays)


def _arrow_text(col: pa.ChunkedArray) -> pa.ChunkedArray | pa.Array:
    """A Parquet column as text, the way :func:`_text` writes each value, vectorised where it can be.

    Integers, whole floats ("3", not "3.0"), other floats, booleans and dates are cast
    column-wise (a million values in milliseconds); other types go value by value.
    """
    kind = col.type
    if pa.types.is_string(kind):
        return col
    if pa.types.is_large_string(kind):
        return pc.cast(col, pa.string())
    if pa.types.is_integer(kind) or pa.types.is_decimal(kind) or pa.types.is_date(kind):
        return pc.cast(col, pa.string())
    if pa.types.is_boolean(kind):
        return pc.if_else(col, "true", "false")
    if pa.types.is_floating(kind):
        finite = pc.and_(pc.is_finite(col), pc.less(pc.abs(col), 2.0**53))
        whole = pc.and_(finite, pc.equal(pc.floor(col), col))
        as_int = pc.cast(pc.cast(pc.if_else(whole, col, 0.0), pa.int64()), pa.string())
        text = pc.if_else(whole, as_int, pc.cast(col, pa.string()))
        return pc.if_else(pc.is_nan(col), pa.scalar(None, pa.string()), text)
    return _text_array(col.to_pylist())


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if np.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if text.strip() != "" else None


def _text_array(values: list[object]) -> pa.Array:
    return pa.array([_text(v) for v in values], pa.string())


#: What a damaged or hostile workbook raises while it is opened and read (calamine's own errors aside).
_XLSX_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
)

#: How far into an XML part of a workbook its prolog may reach (a real part's is under 100 bytes).
_XML_PROLOG_LIMIT = 64 * 1024
#: Comments and processing instructions: they may stand before the root element and hide a "<".
_XML_ASIDES = re.compile(r"<!--.*?(?:-->|$)|<\?.*?(?:\?>|$)", re.DOTALL)
#: The start of an element: the root, once comments and processing instructions are set aside.
_ELEMENT_START = re.compile(r"<[A-Za-z_:]")


def _read_xlsx(path: Path) -> pa.Table:
    """The first worksheet of a workbook, read by calamine after the archive and its XML prologs are checked.

    Calamine (Rust) reads a sheet about ten times faster than openpyxl. Before it opens
    anything, the archive's declared sizes are checked (zip bombs) and every XML part is
    refused if it declares a DTD: entities (billion laughs, external entities) need one,
    and a workbook never does. Numbers are read as Excel keeps them, as doubles.
    """
    import python_calamine  # a compiled reader, loaded only for XLSX files

    _check_xlsx_archive(path)
    _refuse_xml_doctypes(path)
    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
            sheets = [i for i, s in enumerate(book.sheets_metadata) if s.typ == python_calamine.SheetTypeEnum.WorkSheet]
            rows = book.get_sheet_by_index(sheets[0]).to_python(skip_empty_area=False) if sheets else []
    except (python_calamine.CalamineError, *_XLSX_ERRORS) as exc:
        raise ImportRefused(
            N_("{file}: not a readable XLSX workbook ({error})"), file=path.name, error=str(exc)
        ) from None
    columns, lines, values = _sheet_values(rows, path.name)
    arrays = {LINE_COLUMN: pa.array(lines, pa.int64())}
    arrays.update({col: _cell_texts(vals) for col, vals in zip(columns, values)})
    return pa.table(arrays)


def _cell_texts(values: list[object]) -> pa.Array:
    """A sheet column as text (see :func:`_text`), with a fast path for a column of text cells only.

    >>> _cell_texts(["a", " ", ""]).to_pylist(), _cell_texts(["a", 2.0, ""]).to_pylist()
    (['a', None, None], ['a', '2', None])
    """
    if all(type(v) is str for v in values):
        return pa.array([v if v.strip() else None for v in values], pa.string())
    return _text_array(values)


def _check_xlsx_archive(path: Path) -> None:
    """Refuse a file that is not a zip archive, or whose entries would inflate too far (a zip bomb).

    The sizes checked are those the archive declares: Python's zipfile, which reads the
    XML prologs, never inflates an entry past its declared size.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportRefused(
            N_("{file}: not a readable XLSX workbook (not a zip archive: {error})"), file=path.name, error=str(exc)
        ) from None
    total = sum(e.file_size for e in entries)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise ImportRefused(
            N_(
                "{file}: the workbook would inflate to {size:,} bytes; at most "
                "{limit:,} are accepted (is it a zip bomb?)"
            ),
            file=path.name,
            size=total,
            limit=MAX_XLSX_UNCOMPRESSED,
        )
    for e in entries:
        ratio = e.file_size // max(e.compress_size, 1)
        if e.file_size > MAX_XLSX_RATIO_FLOOR and ratio > MAX_XLSX_RATIO:
            raise ImportRefused(
                N_(
                    "{file}: entry {entry!r} inflates {ratio:,} times; at most "
                    "{limit} times is accepted (is it a zip bomb?)"
                ),
                file=path.name,
                entry=e.filename,
                ratio=ratio,
                limit=MAX_XLSX_RATIO,
            )


def _refuse_xml_doctypes(path: Path) -> None:
    """Refuse a workbook any of whose XML parts declares a DTD (``<!DOCTYPE``).

    Only the start of each part is read (at most :data:`_XML_PROLOG_LIMIT` bytes): a DTD
    can only stand before the root element, and a part whose root element does not start
    within that limit is refused too.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            for entry in archive.infolist():
                if entry.filename.lower().endswith((".xml", ".rels", ".vml")):
                    with archive.open(entry) as handle:
                        problem = _xml_prolog_problem(handle.read(_XML_PROLOG_LIMIT), entry.file_size)
                    if problem:
                        raise ImportRefused(
                            N_("{file}: not a readable XLSX workbook ({error})"),
                            file=path.name,
                            error=f"entry {entry.filename!r} {problem}",
                        )
    except ImportRefused:
        raise
    except _XLSX_ERRORS as exc:
        raise ImportRefused(
            N_("{file}: not a readable XLSX workbook ({error})"), file=path.name, error=str(exc)
        ) from None


def _xml_prolog_problem(head: bytes, size: int) -> str | None:
    """Why the start of an XML part is refused (it declares a DTD, or its prolog never ends), else None.

    >>> _xml_prolog_problem(b'<?xml version="1.0"?><worksheet/>', 33) is None
    True
    >>> _xml_prolog_problem(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>', 52)
    'declares a DTD (<!DOCTYPE), which a workbook never needs and which can define entities'
    >>> _xml_prolog_problem(b"<?xml version='1.0'?>" + b" " * 10, 10**6)
    'has no root element in its first 65,536 bytes'
    """
    encoding = "utf-16" if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8"
    text = head.decode(encoding, errors="replace")
    if "<!doctype" in text.lower():  # anywhere in the part's start: stricter than the prolog alone
        return "declares a DTD (<!DOCTYPE), which a workbook never needs and which can define entities"
    if size > len(head) and not _ELEMENT_START.search(_XML_ASIDES.sub("", text)):
        return f"has no root element in its first {_XML_PROLOG_LIMIT:,} bytes"
    return None


def _sheet_values(rows: list[list[object]], name: str) -> tuple[list[str], list[int], list[list[object]]]:
    """(columns, sheet row numbers, values per column) of a sheet's non-blank rows (calamine's rows, from A1).

    >>> _sheet_values([["a", "b", ""], [1.0, "", "x"], ["", " ", ""], ["y", "", ""]], "s.xlsx")
    (['a', 'b'], [2, 4], [[1.0, 'y'], ['', '']])
    """
    if not rows:
        raise ImportRefused(N_("{file}: the first sheet is empty"), file=name)
    header_row = rows[0]
    width = max((i + 1 for i, v in enumerate(header_row) if v != ""), default=0)
    columns = _checked_header([_text(v) or "" for v in header_row[:width]], name)
    body = rows[1:]
    if any(len(row) != width for row in body):  # cells right of the header are not read
        body = [list(row[:width]) + [""] * (width - len(row)) for row in body]
    numbered = [
        (number, row)
        for number, row in enumerate(body, start=2)
        if any(v.strip() if isinstance(v, str) else True for v in row)
    ]
    values = [list(column) for column in zip(*(row for _, row in numbered))] if numbered else [[] for _ in columns]
    return columns, [number for number, _ in numbered], values


def _read_json(path: Path) -> pa.Table:
    raw = path.read_bytes()
    encoding, bom = detect_encoding(raw)
    records = _json_records(raw[bom:].decode(encoding), path.name)
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ImportRefused(N_("{file}: expected a list of records (objects) or JSON Lines"), file=path.name)
    if not records:
        raise ImportRefused(N_("{file}: the file holds no records"), file=path.name)
    names: dict[str, None] = {}
    for record in records:
        names.update(dict.fromkeys(record))
    columns = _checked_header(list(names), path.name)
    arrays = {LINE_COLUMN: pa.array(np.arange(1, len(records) + 1, dtype=np.int64))}
    for key, col in zip(names, columns):
        arrays[col] = _text_array([_json_value(r.get(key)) for r in records])
    return pa.table(arrays)


def _json_records(text: str, name: str) -> object:
    """What should be the records: the document (or its ``records`` / ``data``), else one per JSON line."""
    try:
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            N_("{file}: not valid JSON or JSON Lines ({error} at line {line})"),
            file=name,
            error=exc.msg,
            line=exc.lineno,
        ) from None
    except RecursionError:
        raise ImportRefused(N_("{file}: JSON nested too deeply to hold records"), file=name) from None
    return document.get("records", document.get("data")) if isinstance(document, dict) else document


def _json_value(value: object) -> object:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _stage_arrow(con, table_data: pa.Table, table: str, file_format: str, *, allow_empty: bool = False) -> StageInfo:
    """Stage an Arrow table of text cells; refused when it has no row, unless ``allow_empty``
    (a CSV whose every row is ragged still has rows to quarantine)."""
    columns = [c for c in table_data.column_names if c != LINE_COLUMN]
    if table_data.num_rows == 0 and not allow_empty:
        raise ImportRefused(N_("the file has a header but no data rows"))
    con.register("_arrow_stage", table_data)
    con.execute(copy_to_temp_sql(f"{table}_raw", "_arrow_stage"))
    con.unregister("_arrow_stage")
    _unguard_formula_cells(con, f"{table}_raw", columns, columns)
    con.execute(*arrow_cells_view_sql(table))
    _create_text_view(con, table, columns)
    return StageInfo(file_format, columns, table_data.num_rows, cells=f"{table}_cells")


def _unguard_formula_cells(con, raw: str, raw_columns: list[str], columns: list[str]) -> None:
    """In a quarantine download, take the one ``'`` it put before a formula-like cell off again.

    ``raw_columns`` are the staged table's names of the file's ``columns``. Other files are
    left as read: the guard is what Turquesa's downloads write, and scanning every cell of
    every file for it would cost a sixth of the staging time. One scan counts the cells
    starting with ``'`` in every column; only the columns that hold some are updated.
    """
    if C.QUARANTINE_LINE_COLUMN not in columns:
        return
    guarded = con.execute(*guarded_cells_sql(raw, raw_columns)).fetchall()[0]
    for column, count in zip(raw_columns, guarded):
        if count:
            con.execute(*unguard_cells_sql(raw, column))


def _create_text_view(con, table: str, columns: list[str]) -> None:
    """View ``table``: each cell of ``{table}_cells`` trimmed, blank as NULL.

    A view, not a table: trimming every cell of a large file costs more than the
    read itself, and the importer trims only the cells it uses.
    """
    con.execute(*text_view_sql(table, columns))


@contextmanager
def insertion_order(con: duckdb.DuckDBPyConnection, *, preserve: bool) -> Iterator[None]:
    """Set DuckDB's ``preserve_insertion_order`` for a block, then restore it.

    Staging needs file order; later steps carry ``_line`` and write faster when
    parallel threads may append in any order.
    """
    before = bool(con.execute(*setting_sql("preserve_insertion_order")).fetchall()[0][0])
    if before == preserve or (not preserve and _locked(con)):
        # A locked connection (the dashboard's) keeps DuckDB's default, which keeps
        # order: staging stays right, only the later writes run less parallel.
        yield
        return
    con.execute(*insertion_order_sql(preserve))
    try:
        yield
    finally:
        con.execute(*insertion_order_sql(before))


def _locked(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the connection's configuration is locked (see :func:`turquesa_geo.store.connection.lock_down`)."""
    return bool(con.execute(*setting_sql("lock_configuration")).fetchall()[0][0])


def drop_stage(con: duckdb.DuckDBPyConnection, table: str = "stage") -> None:
    """Drop the temporary objects :func:`load_stage` made."""
    con.execute(drop_temp_sql("VIEW", table))
    con.execute(drop_temp_sql("VIEW", f"{table}_cells"))
    for suffix in ("_raw", "_lines"):
        con.execute(drop_temp_sql("TABLE", f"{table}{suffix}"))
