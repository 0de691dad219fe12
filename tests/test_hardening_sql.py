"""SQL hardening: no SQL text is built at a call site, and hostile text never acts as SQL.

Three layers: a static check over the code that runs SQL; a corpus of injection
strings put in every text filter, URL parameter and CLI option; the same corpus
imported as cell text and column names, which must be stored literally (or refused).
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import GOOD_ROWS, HEADER, TODAY, csv_text, run_import

from turquesa_geo import corridors, gender, signals, trends
from turquesa_geo.cli import main
from turquesa_geo.countries import resolve_country
from turquesa_geo.filters import FILTER_FIELDS, Filters, from_query_params
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.ingest.readers import ImportRefused
from turquesa_geo.store.connection import connect
from turquesa_geo.store.queries import quote_ident

ROOT = Path(__file__).resolve().parent.parent

# --- static check ------------------------------------------------------------------

#: Calls whose first argument is SQL text.
SQL_CALLS = frozenset({"execute", "executemany", "sql", "query", "from_query"})
#: Where code that runs SQL lives.
SCANNED = ("turquesa_geo", "turquesa_ui", "pages", "app.py", "scripts")


def _built_in_place(node: ast.expr) -> str | None:
    """How an expression builds text in place (f-string, ``%``, ``+``, ``.format``), or None."""
    if isinstance(node, ast.JoinedStr):
        return "an f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return "a % or + expression"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return "a .format() call"
    return None


def _sql_argument(call: ast.Call) -> ast.expr | None:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
    if name not in SQL_CALLS:
        return None
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "query"), None)


def _texts_built_in_scope(scope: ast.AST) -> dict[str, str]:
    """Names assigned text built in place within a function (or module) body, not nested functions."""
    built: dict[str, str] = {}
    nodes = list(ast.iter_child_nodes(scope))
    while nodes:
        node = nodes.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            how = _built_in_place(node.value)
            if how:
                built[node.targets[0].id] = how
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add):
            built[node.target.id] = "a += expression"
        nodes.extend(ast.iter_child_nodes(node))
    return built


def sql_built_at_call_site(source: str, filename: str = "<snippet>") -> list[str]:
    """Each SQL call whose text is built where it is called, as ``file:line: ...``.

    Flags an f-string, ``%``, ``+`` or ``.format()`` as the SQL argument, and a local
    variable assigned such text in the same function and then passed as the SQL.
    """
    tree = ast.parse(source, filename)
    problems = []
    scopes = [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))]
    for scope in scopes:
        built = _texts_built_in_scope(scope)
        nodes = list(ast.iter_child_nodes(scope))
        while nodes:
            node = nodes.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            nodes.extend(ast.iter_child_nodes(node))
            if not isinstance(node, ast.Call) or (argument := _sql_argument(node)) is None:
                continue
            how = _built_in_place(argument)
            if how is None and isinstance(argument, ast.Name) and argument.id in built:
                how = f"{built[argument.id]} assigned to {argument.id}"
            if how:
                problems.append(f"{filename}:{node.lineno}: SQL built at the call site with {how}")
    return sorted(problems)


def _scanned_files() -> list[Path]:
    files = []
    for name in SCANNED:
        path = ROOT / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def _sql_calls(source: str) -> int:
    return sum(1 for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call) and _sql_argument(n) is not None)


def test_no_sql_text_is_built_at_a_call_site():
    files = _scanned_files()
    problems, calls = [], 0
    for path in files:
        source = path.read_text(encoding="utf-8")
        problems += sql_built_at_call_site(source, str(path.relative_to(ROOT)))
        calls += _sql_calls(source)
    assert problems == []
    # The walk really saw the code that runs SQL (a wrong root would pass vacuously). Statements now run
    # through a few helpers (one transaction block, builders returning (sql, params)), so call sites are fewer.
    assert len(files) > 20 and calls > 25


@pytest.mark.parametrize(
    "snippet, how",
    [
        ("con.execute(f'SELECT * FROM {table}')", "an f-string"),
        ("con.execute('SELECT * FROM cases WHERE id = %s' % value)", "a % or + expression"),
        ("con.execute('SELECT * FROM ' + table, [])", "a % or + expression"),
        ("con.executemany('INSERT INTO {} VALUES (?)'.format(table), rows)", "a .format() call"),
        ("duckdb.sql(f'SELECT {x}')", "an f-string"),
        ("con.query(query='SELECT ' + column)", "a % or + expression"),
        ("rel = con.from_query(f'SELECT {x}')", "an f-string"),
        ("def f(con, t):\n    text = f'DROP TABLE {t}'\n    con.execute(text)", "an f-string assigned to text"),
        (
            "def f(con, t):\n    text = 'SELECT 1'\n    text += t\n    con.execute(text)",
            "a += expression assigned to text",
        ),
    ],
)
def test_the_static_check_catches_planted_sql_building(snippet, how):
    assert sql_built_at_call_site(snippet) == [
        f"<snippet>:{snippet.count(chr(10)) + 1}: SQL built at the call site with {how}"
    ]


@pytest.mark.parametrize(
    "snippet",
    [
        "con.execute('SELECT 1')",
        "con.execute(statement_sql(table), [value])",
        "text, params = sql.key_figures(f, p, q)\ncon.execute(text, params)",
        "con.execute(*sql.monthly_modus(f, a, b))",
        "print(f'{x}' + y)",  # not SQL
        "def f(con):\n    text = f'{x}'\n\ndef g(con, text):\n    con.execute(text)",  # another function's name
    ],
)
def test_the_static_check_passes_builders_and_constants(snippet):
    assert sql_built_at_call_site(snippet) == []


# --- SQL text lives in the store package ----------------------------------------------

#: The package that holds every SQL statement; SQL text anywhere else in SCANNED is a finding.
SQL_HOME = "turquesa_geo/store/"
#: What SQL text looks like: statements in the upper-case keywords the code writes them in
#: (so prose such as "select a country from the list" is not SQL).
SQL_TEXT = re.compile(
    r"\bSELECT\b.*?\bFROM\b"
    r"|\bINSERT\s+INTO\b"
    r"|\bDELETE\s+FROM\b"
    r"|\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+|TEMPORARY\s+)?(?:TABLE|VIEW|INDEX)\b"
    r"|\bUPDATE\s+[\w.\"]+\s+SET\b"
    r"|\bDROP\s+(?:TABLE|VIEW|INDEX|SCHEMA|SEQUENCE|MACRO|FUNCTION)\b"
    r"|\bALTER\s+TABLE\b"
    r"|^\s*(?:BEGIN(?:\s+TRANSACTION)?|COMMIT|ROLLBACK)\s*;?\s*$",
    re.DOTALL,
)


def _string_texts(tree: ast.AST):
    """(line, text) of every string literal and f-string (its literal parts joined), docstrings and
    other bare string statements aside (they never run)."""
    bare = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    inside_fstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            inside_fstrings.update(id(v) for v in parts)
            yield node.lineno, " ? ".join(v.value for v in parts)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in bare and id(node) not in inside_fstrings:
                yield node.lineno, node.value


def sql_text_outside_store(source: str, filename: str = "<snippet>") -> list[str]:
    """Each string that looks like SQL in a file outside the store package, as ``file:line: ...``."""
    if filename.startswith(SQL_HOME):
        return []
    return sorted(
        {
            f"{filename}:{line}: SQL text outside {SQL_HOME}: {SQL_TEXT.search(text).group(0)[:40]!r}"
            for line, text in _string_texts(ast.parse(source, filename))
            if SQL_TEXT.search(text)
        }
    )


def _sql_text_by_file() -> dict[str, list[str]]:
    found = {}
    for path in _scanned_files():
        name = str(path.relative_to(ROOT))
        problems = sql_text_outside_store(path.read_text(encoding="utf-8"), name)
        if problems:
            found[name] = problems
    return found


def test_no_sql_text_outside_the_store_package():
    found = _sql_text_by_file()
    assert found == {}, "\n".join(p for problems in found.values() for p in problems)


@pytest.mark.parametrize(
    "snippet, found",
    [
        ("con.execute('SELECT a FROM cases')", "'SELECT a FROM'"),
        ("text = f'SELECT {x} FROM {y}'", "'SELECT  ?  FROM'"),
        ("q = ('INSERT INTO t (a) '\n     'VALUES (1)')", "'INSERT INTO'"),
        ("STATEMENTS = ['DELETE FROM quarantine']", "'DELETE FROM'"),
        ("x = 'CREATE OR REPLACE TEMP TABLE s AS SELECT 1'", "'CREATE OR REPLACE TEMP TABLE'"),
        ("x = 'UPDATE cases SET a = 1'", "'UPDATE cases SET'"),
        ("x = 'DROP VIEW IF EXISTS v'", "'DROP VIEW'"),
        ("x = 'ALTER TABLE cases ADD COLUMN d INTEGER'", "'ALTER TABLE'"),
        ("con.execute('BEGIN TRANSACTION')", "'BEGIN TRANSACTION'"),
        ("con.execute('COMMIT')", "'COMMIT'"),
    ],
)
def test_the_sql_text_check_finds_sql_outside_the_store(snippet, found):
    for name in ("turquesa_geo/exports/log.py", "pages/overview.py", "app.py"):
        assert sql_text_outside_store(snippet, name) == [f"{name}:1: SQL text outside {SQL_HOME}: {found}"]


@pytest.mark.parametrize(
    "snippet",
    [
        '"""Pick the cases: select a country from the list, then update the map."""',
        'def f():\n    """SELECT a FROM cases, as the docstring of a builder says."""',
        "label = 'Select a country from the list'",  # prose, not SQL
        "help = 'Begin the import, then commit to it'",
        "con.execute(*sql.store_totals())",
        "x = 'COMMIT message: ' + y",
    ],
)
def test_the_sql_text_check_passes_prose_docstrings_and_builder_calls(snippet):
    assert sql_text_outside_store(snippet, "turquesa_geo/exports/log.py") == []


def test_the_sql_text_check_passes_sql_inside_the_store():
    assert sql_text_outside_store("x = 'SELECT a FROM cases'", "turquesa_geo/store/queries/base.py") == []


#: An INSERT without a column list: it breaks silently (values in the wrong columns) when a migration adds one.
INSERT_WITHOUT_COLUMNS = re.compile(r"\bINSERT\s+INTO\s+(?:[\w.\"]+|\s\?\s)\s+(?:SELECT|VALUES)\b")


def inserts_without_columns(source: str, filename: str = "<snippet>") -> list[str]:
    """Each INSERT statement text without a column list, as ``file:line: ...``."""
    return sorted(
        {
            f"{filename}:{line}: INSERT without a column list"
            for line, text in _string_texts(ast.parse(source, filename))
            if INSERT_WITHOUT_COLUMNS.search(text)
        }
    )


def test_every_insert_names_its_columns():
    problems = []
    for path in _scanned_files():
        name = str(path.relative_to(ROOT))
        problems += inserts_without_columns(path.read_text(encoding="utf-8"), name)
    assert problems == []


@pytest.mark.parametrize(
    "snippet, found",
    [
        ("x = 'INSERT INTO imports VALUES (?, ?)'", True),
        ("x = f'INSERT INTO {table} SELECT * FROM s'", True),
        ("x = 'INSERT INTO quarantine SELECT $id, line FROM e'", True),
        ("x = 'INSERT INTO imports (a, b) VALUES ($a, $b)'", False),
        ("x = f'INSERT INTO rollup_modus ({columns}) SELECT 1'", False),
    ],
)
def test_the_insert_check(snippet, found):
    assert inserts_without_columns(snippet) == (["<snippet>:1: INSERT without a column list"] if found else [])


# --- the corpus and a store to aim it at ---------------------------------------------

#: Text a user, a URL or a file may carry, meant to act as SQL, as a path, or to confuse.
CORPUS = (
    "' OR 1=1--",
    "'; DROP TABLE cases;--",
    "read_csv('/etc/passwd')",
    "ATTACH '/tmp/x.duckdb' AS x",
    "COPY cases TO '/tmp/leak.csv'",
    '"; DROP TABLE cases; --',
    "$1",
    "?",
    "%s",
    "$source",
    "') UNION SELECT * FROM imports --",
    "Ünïcödé",
    "abc\u202edef",  # right-to-left override
    "a\u200bb",  # zero-width space
    "ＶＥＮ",  # full-width letters
    "e\u0301",  # combining accent
    "日本語🙂",
    "back\\slash\\'",
    "two\nlines",
)
#: A value of each filter that matches nothing: every corpus value must give its results.
NO_MATCH = "ZZZ"
#: Files an injection would create.
WATCHED = (Path("/tmp/leak.csv"), Path("/tmp/x.duckdb"))


def _files_state(paths=WATCHED) -> dict[str, tuple[bool, int]]:
    return {str(p): (p.exists(), p.stat().st_mtime_ns if p.exists() else 0) for p in paths}


def store_fingerprint(con) -> dict[str, object]:
    """Databases, tables with their row counts and a hash of their contents, and the watched files."""
    tables = con.execute("SELECT database_name, schema_name, table_name FROM duckdb_tables() ORDER BY ALL").fetchall()
    contents = {}
    for database, schema, table in tables:
        name = ".".join(quote_ident(part) for part in (database, schema, table))
        rows = con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
        contents[f"{database}.{schema}.{table}"] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    databases = [r[0] for r in con.execute("SELECT database_name FROM duckdb_databases() ORDER BY 1").fetchall()]
    return {"databases": databases, "tables": contents, "files": _files_state()}


#: The three good cases and a corridor that grows in 2025, so that every entry point has something to show.
STORE_ROWS = (
    *GOOD_ROWS,
    *(GOOD_ROWS[0].replace("A1,", f"G{m},").replace("2024-03-05", f"2025-{m:02d}-10") for m in range(1, 13)),
)


@pytest.fixture(scope="module")
def aimed_store(tmp_path_factory):
    """A store of fifteen cases, on a writable connection with file access: the worst case for an injection."""
    folder = tmp_path_factory.mktemp("aimed")
    path = folder / "cases.csv"
    path.write_text(csv_text(*STORE_ROWS), encoding="utf-8")
    con = connect(folder / "store.duckdb")
    assert import_file(con, path, today=TODAY).rows_accepted == 15
    yield con
    con.close()


def _canonical(value: object) -> object:
    """A comparable form of what an entry point returns (frames, dataclasses of frames, tuples)."""
    if isinstance(value, pd.DataFrame):
        return value.reset_index(drop=True).to_json(orient="split", date_format="iso", default_handler=str)
    if dataclasses.is_dataclass(value):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return repr(value)


def analytical_results(con, filters: Filters, graph) -> dict[str, object]:
    """What the pages ask of the store for a set of filters (see turquesa_ui/data.py)."""
    period = corridors.store_period(con)
    latest = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    baseline = signals.signal_baseline(latest)
    calls = {
        "corridor_view": lambda: corridors.corridor_view(con, filters, graph=graph),
        "key_figures": lambda: trends.key_figures(con, filters, period),
        "modus_series": lambda: trends.modus_series(con, filters, "transport_mode", "Y"),
        "modus_series_by_crime": lambda: trends.modus_series(con, filters, "transport_mode", "M", "crime_type"),
        "modus_by_corridor": lambda: trends.modus_series(con, filters, "transport_mode", "Y", "corridor", graph=graph),
        "persons_by": lambda: gender.persons_by(con, filters, "nationality", "Y"),
        "women_girls_share": lambda: gender.women_girls_share(con, filters, "Y"),
        "persons_by_corridor": lambda: gender.persons_by_corridor(con, filters, graph=graph),
        "emerging_signals": lambda: signals.emerging_signals(con, filters, latest, baseline, graph=graph),
    }
    return {name: _canonical(call()) for name, call in calls.items()}


@pytest.fixture(scope="module")
def graph(aimed_store):
    return corridors.corridor_graph(aimed_store)


#: Every string-valued field of Filters, with how to put one text in it.
TEXT_FILTERS = {
    "crime_types": lambda v: Filters(crime_types=(v,)),
    "roles": lambda v: Filters(roles=(v,)),
    "genders": lambda v: Filters(genders=(v,)),
    "age_groups": lambda v: Filters(age_groups=(v,)),
    "nationalities": lambda v: Filters(nationalities=(v,)),
    "origin": lambda v: Filters(origin=(v,)),
    "transit": lambda v: Filters(transit=(v,)),
    "destination": lambda v: Filters(destination=(v,)),
    "sources": lambda v: Filters(sources=(v,)),
    "modus_dimension": lambda v: Filters(modus=((v, "land"),)),
    "modus_code": lambda v: Filters(modus=(("transport_mode", v),)),
    "linked_crimes": lambda v: Filters(linked_crimes=(v,)),
    "excluded_flags": lambda v: Filters(excluded_flags=(v,)),
    "flags": lambda v: Filters(flags=(v,)),
}


def test_every_string_field_of_the_filters_is_covered():
    # start and end are dates, exclude_flagged a toggle: no text reaches them.
    fields = {f.name for f in dataclasses.fields(Filters) if f.name not in ("start", "end", "exclude_flagged")}
    assert fields == {name.removesuffix("_dimension").removesuffix("_code") for name in TEXT_FILTERS}


def test_a_matching_filter_changes_the_results(aimed_store, graph):
    # The comparison below could fail: a value that matches gives other results than NO_MATCH.
    nothing = analytical_results(aimed_store, TEXT_FILTERS["crime_types"](NO_MATCH), graph)
    some = analytical_results(aimed_store, TEXT_FILTERS["crime_types"]("smuggling"), graph)
    assert [name for name in nothing if nothing[name] != some[name]] == list(nothing)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("field", list(TEXT_FILTERS))
def test_corpus_in_a_filter_matches_nothing_and_changes_nothing(aimed_store, graph, field):
    before = store_fingerprint(aimed_store)
    expected = analytical_results(aimed_store, TEXT_FILTERS[field](NO_MATCH), graph)
    for value in CORPUS:
        assert analytical_results(aimed_store, TEXT_FILTERS[field](value), graph) == expected, value
    assert store_fingerprint(aimed_store) == before


@pytest.mark.parametrize("value", CORPUS)
def test_corpus_as_a_trend_dimension_or_split_is_refused_by_name(aimed_store, value):
    before = store_fingerprint(aimed_store)
    with pytest.raises(ValueError, match="is not one of"):
        trends.modus_series(aimed_store, Filters(), value)
    with pytest.raises(ValueError, match="is not one of"):
        gender.persons_by(aimed_store, Filters(), value)
    with pytest.raises(ValueError, match="is not one of"):
        gender.persons_by(aimed_store, Filters(), "none", value)
    with pytest.raises(ValueError, match="is not None or 'crime_type'"):
        trends.modus_series(aimed_store, Filters(), "transport_mode", "Y", value)
    assert store_fingerprint(aimed_store) == before


@pytest.mark.parametrize("key", [f.key for f in FILTER_FIELDS])
def test_corpus_in_the_url_is_dropped_by_name_or_kept_as_text(aimed_store, graph, key):
    kind = next(f.kind for f in FILTER_FIELDS if f.key == key)
    before = store_fingerprint(aimed_store)
    expected = analytical_results(aimed_store, Filters(sources=(NO_MATCH,)), graph)
    for value in CORPUS:
        filters, problems = from_query_params({key: value})
        if kind == "text":
            # Free text (the reporting source) is kept as typed, and still matches nothing.
            assert (filters, problems) == (Filters(sources=(value.strip(),)), [])
            assert analytical_results(aimed_store, filters, graph) == expected, value
        else:
            assert filters == Filters(), value
            assert len(problems) == 1 and repr(value.strip()) in problems[0] and problems[0].startswith(key)
    assert store_fingerprint(aimed_store) == before


# --- the command line ----------------------------------------------------------------


@pytest.fixture
def cli_store(tmp_path, monkeypatch):
    """A store file with the fifteen cases, the working folder set to an empty folder beside it."""
    db = tmp_path / "store.duckdb"
    path = tmp_path / "cases.csv"
    path.write_text(csv_text(*STORE_ROWS), encoding="utf-8")
    con = connect(db)
    import_file(con, path, today=TODAY)
    con.close()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return db


def _fingerprint_file(db: Path) -> dict[str, object]:
    con = connect(db, read_only=True)
    try:
        return store_fingerprint(con)
    finally:
        con.close()


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of the CLI; argparse's refusals exit through SystemExit."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


#: The commands that take the filter options, and the options to try on each: every option on one
#: (they share one parser), the free-text one and a coded one on the others.
FILTER_COMMANDS = (
    (["corridors"], [f.key for f in FILTER_FIELDS]),
    (["trends", "--dimension", "transport_mode", "--format", "json"], ["src", "nat"]),
    (["signals"], ["src", "mo"]),
)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("command, keys", FILTER_COMMANDS, ids=[c[0][0] for c in FILTER_COMMANDS])
def test_corpus_in_filter_options_is_refused_in_one_line_or_matches_nothing(cli_store, capsys, command, keys):
    before = _fingerprint_file(cli_store)
    kinds = {f.key: f.kind for f in FILTER_FIELDS}
    for key in keys:
        for value in CORPUS:
            code, out, err = _run([*command, "--db", str(cli_store), f"--{key}", value], capsys)
            assert "Traceback" not in err
            if kinds[key] == "toggle":
                # --exclude-flagged takes no value: the text is an argument argparse refuses.
                assert code == 2 and "unrecognized arguments" in err, (key, value, err)
            elif kinds[key] == "text":
                assert (code, err) == (0, ""), (key, value, err)
                no_match = {
                    "corridors": "(no corridor matches)",
                    "trends": '"series": []',
                    "signals": "(no emerging signal)",
                }[command[0]]
                assert no_match in out, (key, value, out)
            else:
                assert code == 1 and err.startswith(f"turquesa: error: --{key}: "), (key, value, err)
                assert err.count("\n") == 1
    assert _fingerprint_file(cli_store) == before
    assert list(Path.cwd().iterdir()) == []


def test_corpus_in_choice_and_number_options_is_a_usage_error(cli_store, capsys):
    before = _fingerprint_file(cli_store)
    for value in CORPUS:
        for argv in (
            ["trends", "--dimension", value],
            ["trends", "--dimension", "platform", "--freq", value],
            ["quarantine", "--import", value],
            ["status", "--last", value],
            ["status", "--format", value],
        ):
            code, _, err = _run([*argv, "--db", str(cli_store)], capsys)
            assert code == 2 and "Traceback" not in err and "error: argument" in err, (argv, err)
    assert _fingerprint_file(cli_store) == before


def test_corpus_as_a_store_path_opens_nothing(cli_store, capsys):
    for value in CORPUS:
        for command in (["status"], ["corridors"], ["quarantine", "--import", "1"]):
            code, _, err = _run([*command, "--db", value], capsys)
            assert code == 1 and err.startswith("turquesa: error: no store at"), (value, err)
    assert list(Path.cwd().iterdir()) == []


def test_corpus_as_an_export_path_writes_that_file_or_fails_in_one_line(cli_store, capsys, monkeypatch):
    before = _fingerprint_file(cli_store)
    for i, value in enumerate(CORPUS):
        folder = Path.cwd() / f"out{i}"
        folder.mkdir()
        monkeypatch.chdir(folder)
        code, _out, err = _run(["quarantine", "--import", "1", "--out", value, "--db", str(cli_store)], capsys)
        assert "Traceback" not in err
        if code == 0:
            assert [p.name for p in folder.rglob("*") if p.is_file()] == [Path(value).name], value
        else:
            assert code == 1 and err.count("\n") == 1, (value, err)
        monkeypatch.chdir(folder.parent)
    assert _fingerprint_file(cli_store) == before


def test_import_stores_the_source_option_literally(tmp_path, capsys):
    rows = [r.replace(",PNC,", ",,") for r in GOOD_ROWS]
    path = tmp_path / "nosource.csv"
    path.write_text(csv_text(*rows), encoding="utf-8")
    for i, value in enumerate(CORPUS):
        db = tmp_path / f"s{i}.duckdb"
        code, _, err = _run(["import", str(path), "--db", str(db), "--source", value, "--date-format", value], capsys)
        assert (code, err) == (0, ""), value
        con = connect(db, read_only=True)
        assert con.execute("SELECT DISTINCT source FROM cases").fetchall() == [(value,)]
        assert con.execute("SELECT source, rows_accepted FROM imports").fetchall() == [(value, 3)]
        assert store_fingerprint(con)["databases"] == [f"s{i}", "system", "temp"]
        con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["nosource.csv", *(f"s{i}.duckdb" for i in range(len(CORPUS)))]
    )


# --- imported text -------------------------------------------------------------------

FIELDS = HEADER.split(",")


def _csv(rows: list[dict[str, str]], header: list[str] = FIELDS) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[r.get(h, "") for h in header] for r in rows])
    return out.getvalue()


BASE = dict(zip(FIELDS, next(csv.reader([GOOD_ROWS[1]]))))


def test_corpus_in_cells_is_stored_literally(store, write):
    before_files = _files_state()
    accepted = [BASE | {"incident_id": v, "source": v, "place": v} for v in CORPUS]
    result = run_import(store, write("cells.csv", _csv(accepted)))
    assert (result.rows_read, result.rows_accepted) == (len(CORPUS), len(CORPUS))
    stored = store.execute("SELECT incident_id, source, place FROM cases").fetchall()
    assert sorted(stored) == sorted((v, v, v) for v in CORPUS)
    assert _files_state() == before_files


@pytest.mark.parametrize(
    "column, rule",
    [
        ("nationality", "unknown_country"),
        ("date", "bad_date"),
        ("lat", "bad_coordinate"),
        ("crime_type", "unknown_crime_type"),
    ],
)
def test_corpus_in_checked_cells_is_quarantined_or_flagged_with_the_text_as_read(store, write, column, rule):
    rows = [BASE | {"incident_id": f"Q{i}", column: v} for i, v in enumerate(CORPUS)]
    result = run_import(store, write("checked.csv", _csv(rows)))
    quarantined = {
        json.loads(record)["incident_id"]: (r, json.loads(record)[column])
        for r, record in store.execute("SELECT rule, record FROM quarantine WHERE column_name = ?", [column]).fetchall()
    }
    # A doubtful value keeps its case, flagged with the value as read.
    quarantined |= {
        incident: (r, value)
        for incident, r, value in store.execute(
            "SELECT c.incident_id, f.rule, f.value FROM case_flags f JOIN cases c USING (case_uid) "
            "WHERE f.column_name = ?",
            [column],
        ).fetchall()
    }
    for i, value in enumerate(CORPUS):
        if column == "nationality" and resolve_country(value) is not None:
            continue  # e.g. full-width VEN is Venezuela: accepted, as it should be
        assert quarantined[f"Q{i}"] == (rule, value), value
    assert result.rows_read == len(CORPUS)
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == result.rows_accepted


@pytest.mark.parametrize("value", CORPUS)
def test_corpus_as_a_column_name_is_ignored_by_its_folded_name_or_refused(store, write, value):
    before = store_fingerprint(store)
    header = [*FIELDS, value]
    path = write("named.csv", _csv([BASE | {value: "x"}], header))
    try:
        result = run_import(store, path)
    except ImportRefused as exc:
        assert str(exc).startswith("named.csv: ")
        assert store_fingerprint(store) == before
        return
    assert result.rows_accepted == 1 and len(result.ignored_columns) == 1
    assert set(result.ignored_columns[0]) <= set("abcdefghijklmnopqrstuvwxyz0123456789_")
    assert store.execute("SELECT incident_id FROM cases").fetchall() == [("A2",)]
    assert store_fingerprint(store)["databases"] == before["databases"]
