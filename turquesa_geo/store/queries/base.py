"""What every query builder shares: the Query type, named parameters, identifier quoting, periods.

A builder returns ``(sql, params)``: SQL text with DuckDB ``$name`` parameters and the
dict of their values. Values never enter SQL text; identifiers go through :func:`quote_ident`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "FREQUENCIES",
    "MONTH",
    "Params",
    "Query",
    "copy_to_temp_sql",
    "drop_temp_sql",
    "period_expr",
    "plain_ident",
    "quote_ident",
    "select_all_sql",
]

#: A statement and its named parameters (DuckDB ``$name``; ``con.execute(sql, params)`` takes the dict).
Query = tuple[str, dict[str, object]]


def quote_ident(name: str) -> str:
    """Quote an identifier for DuckDB, doubling embedded quotes.

    >>> quote_ident('incident_id')
    '"incident_id"'
    >>> quote_ident('a"; DROP TABLE cases; --')
    '"a""; DROP TABLE cases; --"'
    """
    if "\x00" in name:
        raise ValueError(f"identifier {name!r} contains a NUL character")
    return '"' + name.replace('"', '""') + '"'


#: An internal name written into SQL unquoted: a temporary table or alias of the code.
_PLAIN_IDENT = re.compile(r"[a-z_][a-z0-9_]*")


def plain_ident(name: str) -> str:
    """Return an internal identifier (temporary table, alias) unchanged, after checking it is plain.

    Internal names are constants of the code, never text from a file; the check
    turns a slip into an error instead of SQL.

    >>> plain_ident("stage_raw")
    'stage_raw'
    >>> plain_ident("stage; DROP TABLE cases")
    Traceback (most recent call last):
    ValueError: internal identifier 'stage; DROP TABLE cases' is not plain snake_case ([a-z_][a-z0-9_]*)
    """
    if not _PLAIN_IDENT.fullmatch(name):
        raise ValueError(f"internal identifier {name!r} is not plain snake_case ([a-z_][a-z0-9_]*)")
    return name


class Params(dict):
    """The named parameters of one statement, handed out by :meth:`bind`.

    A name is bound once per value: binding the same name to the same value again
    reuses it (``$start`` written three times is one parameter); binding it to another
    value gives a fresh name (``crime_type_1_2``), so fragments built into one
    statement can never overwrite each other's values.

    >>> p = Params()
    >>> p.bind("start", 1), p.bind("start", 1), p.bind("start", 2)
    ('$start', '$start', '$start_2')
    >>> p
    {'start': 1, 'start_2': 2}
    """

    def bind(self, name: str, value: object) -> str:
        """The ``$name`` under which ``value`` travels (a fresh name if ``name`` holds another value)."""
        base, key, n = plain_ident(name), plain_ident(name), 1
        while key in self and not _same(self[key], value):
            n += 1
            key = f"{base}_{n}"
        self[key] = value
        return f"${key}"

    def bind_all(self, name: str, values: Iterable[object]) -> str:
        """Comma-separated parameters of ``values``, named ``name_1``, ``name_2``, … (for ``IN (…)``).

        >>> Params().bind_all("role", ("victim", "migrant"))
        '$role_1, $role_2'
        """
        return ", ".join(self.bind(f"{name}_{i}", v) for i, v in enumerate(values, 1))

    def is_in(self, column: str, name: str, values: Iterable[object]) -> str:
        """``column IN ($name_1, …)``: a list of named parameters (plans as a literal list would;
        portable to Spark SQL, unlike ``= ANY($list)``).

        >>> Params().is_in("c.source", "source", ["PNC"])
        'c.source IN ($source_1)'
        """
        return f"{column} IN ({self.bind_all(name, values)})"


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


#: The kinds of temporary object the importers create and drop.
_TEMP_KINDS = ("TABLE", "VIEW")


def drop_temp_sql(kind: str, name: str) -> str:
    """DROP statement of a temporary table or view, if it exists.

    >>> drop_temp_sql("VIEW", "stage_cells")
    'DROP VIEW IF EXISTS temp.stage_cells'
    """
    if kind not in _TEMP_KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(_TEMP_KINDS)}")
    return f"DROP {kind} IF EXISTS temp.{plain_ident(name)}"


def select_all_sql(relation: str) -> str:
    """Query of every row and column of an internal relation (a staged file)."""
    return f"SELECT * FROM {plain_ident(relation)}"


def copy_to_temp_sql(target: str, source: str) -> str:
    """Statement that copies relation ``source`` (e.g. a registered Arrow table) into temp table ``target``.

    >>> copy_to_temp_sql("m_date", "_m_date")
    'CREATE OR REPLACE TEMP TABLE m_date AS SELECT * FROM _m_date'
    """
    return f"CREATE OR REPLACE TEMP TABLE {plain_ident(target)} AS SELECT * FROM {plain_ident(source)}"


#: Calendar frequencies: the user's choice -> DuckDB/Spark date_trunc unit (a keyword of the code, never user text).
FREQUENCIES = {"M": "month", "Q": "quarter", "Y": "year"}


def period_expr(freq: str, column: str = "c.case_date") -> str:
    """The first day of the period (``freq``: M, Q or Y) of a date column.

    >>> period_expr("Q", "r.month")
    "CAST(date_trunc('quarter', r.month) AS DATE)"
    """
    if freq not in FREQUENCIES:
        raise ValueError(f"frequency {freq!r} is not one of {', '.join(FREQUENCIES)}")
    return f"CAST(date_trunc('{FREQUENCIES[freq]}', {column}) AS DATE)"


#: The first day of a case's month, as every monthly query groups it.
MONTH = period_expr("M")
