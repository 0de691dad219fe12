"""SQL of staging a file: reading a CSV, the cells and text views, and the connection settings the readers read.

Every builder returns ``(sql, params)`` with DuckDB ``$name`` parameters in a dict.
"""

from __future__ import annotations

from collections.abc import Sequence

from turquesa_geo.columns import FORMULA_GUARD, FORMULA_PREFIXES
from turquesa_geo.store.queries import plain_ident, quote_ident
from turquesa_geo.store.queries.base import Params

__all__ = [
    "LINE_COLUMN",
    "READ_SETTINGS",
    "arrow_cells_view_sql",
    "count_rows_sql",
    "csv_cells_view_sql",
    "drop_reject_table_sql",
    "guarded_cells_sql",
    "insertion_order_sql",
    "read_csv_sql",
    "rejected_lines_sql",
    "setting_sql",
    "text_view_sql",
    "unguard_cells_sql",
]

Query = tuple[str, dict[str, object]]

#: Column of every staged relation holding the row's line in the file (the header is line 1).
LINE_COLUMN = "_line"

#: The connection settings the readers look at.
READ_SETTINGS = ("enable_external_access", "preserve_insertion_order", "lock_configuration")

#: DuckDB's tables of rejected CSV lines, dropped before each read that keeps them.
_REJECT_TABLES = ("reject_errors", "reject_scans")


def setting_sql(name: str) -> Query:
    """Query of one connection setting's current value.

    >>> setting_sql("lock_configuration")
    ('SELECT current_setting($name)', {'name': 'lock_configuration'})
    >>> setting_sql("memory_limit")
    Traceback (most recent call last):
    ValueError: setting 'memory_limit' is not one of enable_external_access, preserve_insertion_order, lock_configuration
    """
    if name not in READ_SETTINGS:
        raise ValueError(f"setting {name!r} is not one of {', '.join(READ_SETTINGS)}")
    return "SELECT current_setting($name)", {"name": name}


def insertion_order_sql(preserve: bool) -> Query:
    """SET statement of ``preserve_insertion_order`` (a boolean written as a keyword, not a value).

    >>> insertion_order_sql(False)
    ('SET preserve_insertion_order = false', {})
    """
    return f"SET preserve_insertion_order = {'true' if preserve else 'false'}", {}


def read_csv_sql(
    table: str, path: str, delimiter: str, columns: dict[str, str], max_line_bytes: int, *, keep_rejects: bool
) -> Query:
    """Statement reading a CSV into ``{table}_raw``, all text, ``columns`` naming each field's type.

    Rows that do not split into the header's fields are skipped; with ``keep_rejects``
    they are listed in DuckDB's ``reject_errors``.

    >>> sql, params = read_csv_sql("stage", "/tmp/a.csv", ";", {"c0": "VARCHAR"}, 100, keep_rejects=False)
    >>> sql.startswith("CREATE OR REPLACE TEMP TABLE stage_raw AS SELECT * FROM read_csv($path, header = true")
    True
    >>> params
    {'path': '/tmp/a.csv', 'delim': ';', 'quote': '"', 'columns': {'c0': 'VARCHAR'}, 'max_line_size': 100}
    """
    rejects = "store_rejects = true, " if keep_rejects else ""
    sql = (
        f"CREATE OR REPLACE TEMP TABLE {plain_ident(table)}_raw AS SELECT * FROM read_csv($path, header = true, "
        f"delim = $delim, quote = $quote, escape = $quote, columns = $columns, ignore_errors = true, {rejects}"
        f"null_padding = false, auto_detect = false, strict_mode = true, max_line_size = $max_line_size)"
    )
    return sql, {"path": path, "delim": delimiter, "quote": '"', "columns": columns, "max_line_size": max_line_bytes}


def drop_reject_table_sql(name: str) -> Query:
    """Statement dropping one of DuckDB's reject tables.

    >>> drop_reject_table_sql("reject_errors")
    ('DROP TABLE IF EXISTS reject_errors', {})
    """
    if name not in _REJECT_TABLES:
        raise ValueError(f"table {name!r} is not one of {', '.join(_REJECT_TABLES)}")
    return f"DROP TABLE IF EXISTS {name}", {}


def rejected_lines_sql() -> Query:
    """Query of (line, text, error type, message) of each line DuckDB's CSV reader rejected, in order."""
    return (
        "SELECT line, any_value(csv_line), any_value(error_type), any_value(error_message) "
        "FROM reject_errors GROUP BY line ORDER BY line",
        {},
    )


def count_rows_sql(relation: str) -> Query:
    """Query of the number of rows of an internal relation.

    >>> count_rows_sql("stage_raw")
    ('SELECT count(*) FROM stage_raw', {})
    """
    return f"SELECT count(*) FROM {plain_ident(relation)}", {}


def csv_cells_view_sql(table: str, columns: Sequence[str], *, with_line_table: bool) -> Query:
    """View ``{table}_cells`` over the raw CSV columns ``c0, c1, ...``, renamed, with each row's line.

    Line numbers come from ``{table}_lines`` (the lines DuckDB accepted) when some
    rows were rejected, else from the row position.

    >>> csv_cells_view_sql("stage", ["id"], with_line_table=False)[0]
    'CREATE OR REPLACE TEMP VIEW stage_cells AS SELECT r.rowid + 2 AS _line, r.c0 AS "id" FROM stage_raw r'
    """
    table = plain_ident(table)
    if with_line_table:
        line_sql, source_sql = f"g.{LINE_COLUMN}", f"{table}_raw r POSITIONAL JOIN {table}_lines g"
    else:
        line_sql, source_sql = "r.rowid + 2", f"{table}_raw r"
    cells = ", ".join(f"r.c{i} AS {quote_ident(col)}" for i, col in enumerate(columns))
    return (
        f"CREATE OR REPLACE TEMP VIEW {table}_cells AS SELECT {line_sql} AS {LINE_COLUMN}, {cells} FROM {source_sql}",
        {},
    )


def arrow_cells_view_sql(table: str) -> Query:
    """View ``{table}_cells`` over ``{table}_raw`` as is: Arrow tables are staged with their line column.

    >>> arrow_cells_view_sql("stage")
    ('CREATE OR REPLACE TEMP VIEW stage_cells AS SELECT * FROM stage_raw', {})
    """
    table = plain_ident(table)
    return f"CREATE OR REPLACE TEMP VIEW {table}_cells AS SELECT * FROM {table}_raw", {}


def text_view_sql(table: str, columns: Sequence[str]) -> Query:
    """Statement of view ``table``: the cells of ``{table}_cells``, trimmed, blank as NULL.

    >>> text_view_sql("stage", ["id"])[0]
    'CREATE OR REPLACE TEMP VIEW stage AS SELECT _line, nullif(trim("id"), \\'\\') AS "id" FROM stage_cells'
    """
    table = plain_ident(table)
    select = ", ".join(f"nullif(trim({quote_ident(c)}), '') AS {quote_ident(c)}" for c in columns)
    return f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT {LINE_COLUMN}, {select} FROM {table}_cells", {}


def guarded_cells_sql(relation: str, columns: Sequence[str]) -> Query:
    """Query of the number of cells of each column of ``relation`` that start with the formula guard ``'``.

    >>> guarded_cells_sql("stage_raw", ["c0", "c1"])
    ('SELECT count(*) FILTER (WHERE starts_with("c0", $guard)), count(*) FILTER (WHERE starts_with("c1", $guard)) FROM stage_raw', {'guard': "'"})
    """
    counts = ", ".join(f"count(*) FILTER (WHERE starts_with({quote_ident(c)}, $guard))" for c in columns)
    return f"SELECT {counts} FROM {plain_ident(relation)}", {"guard": FORMULA_GUARD}


def unguard_cells_sql(relation: str, column: str) -> Query:
    """Statement taking the guard ``'`` off the cells of one column that a written file guarded.

    A cell is guarded when a formula prefix (``=``, ``+``, ``-``, ``@``, tab, CR) follows
    the ``'``; exactly one ``'`` is taken away, as exactly one was put there.

    >>> sql, params = unguard_cells_sql("stage_raw", "c0")
    >>> sql
    'UPDATE stage_raw SET "c0" = substr("c0", 2) WHERE starts_with("c0", $guard) AND substr("c0", 2, 1) IN ($prefix_1, $prefix_2, $prefix_3, $prefix_4, $prefix_5, $prefix_6)'
    >>> params["guard"], params["prefix_1"], params["prefix_6"]
    ("'", '=', '\\r')
    """
    p, cell = Params(guard=FORMULA_GUARD), quote_ident(column)
    sql = (
        f"UPDATE {plain_ident(relation)} SET {cell} = substr({cell}, 2) WHERE starts_with({cell}, $guard) "
        f"AND {p.is_in(f'substr({cell}, 2, 1)', 'prefix', FORMULA_PREFIXES)}"
    )
    return sql, dict(p)
