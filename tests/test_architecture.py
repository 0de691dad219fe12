"""The tree is the architecture: imports go one way, never in a circle, and never reach a private name.

The rules are data (``LAYERS``, ``MAY_IMPORT``) and README's "Architecture" section shows the same picture;
each check is also run on a small hand-made tree so that it is known to fail when it should.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "turquesa_geo"

#: Every module of the library belongs to one layer: a top-level module by its name, a subpackage as a whole,
#: or a named module of a subpackage (the longest matching dotted name wins). ``exports.marking`` (handling marks,
#: audiences, the export context) sits below the maps because the static map prints its banners.
LAYERS: dict[str, tuple[str, ...]] = {
    "core": ("i18n", "columns", "vocab", "countries", "gateways", "privacy", "filters", "glossary"),
    "store": ("store",),
    "ingest": ("ingest",),
    "analysis": (
        "routes",
        "corridors",
        "trends",
        "signals",
        "gender",
        "cooperation",
        "outcomes",
        "encounters",
        "reported_routes",
        "references",
        "charts",
    ),
    "handling": ("exports.marking",),
    "maps": ("maps",),
    "exports": ("exports",),
    "demo": ("demo",),
    "entry": ("cli", "bench", "__init__"),
}

#: Which layers each layer may import (besides itself). Ingest and analysis are siblings: neither imports the other.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "store": frozenset({"core"}),
    "ingest": frozenset({"core", "store"}),
    "analysis": frozenset({"core", "store"}),
    "handling": frozenset({"core"}),
    "maps": frozenset({"core", "store", "analysis", "handling"}),
    "exports": frozenset({"core", "store", "analysis", "handling", "maps"}),
    "demo": frozenset({"core", "store", "ingest", "analysis", "handling", "maps", "exports"}),
    "entry": frozenset({"core", "store", "ingest", "analysis", "handling", "maps", "exports", "demo"}),
}

#: Our own modules that may be imported inside a function (with a reason comment): the benchmarks, which the
#: ``turquesa bench`` command alone loads, so that they stay out of every other command's import graph.
LAZY_OWN_MODULES = ("turquesa_geo.bench",)

#: The app's code: it uses the library's public names and never the benchmarks.
APP_CODE = ("app.py", "pages", "turquesa_ui")


@dataclass(frozen=True)
class Import:
    """One import statement: who imports what, which names, and whether it sits inside a function."""

    module: str
    target: str
    names: tuple[str, ...]
    local: bool
    line: int
    has_reason: bool


def module_name(path: Path, root: Path) -> str:
    """``turquesa_geo/store/queries.py`` -> ``turquesa_geo.store.queries`` (a package is its ``__init__``)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: Path, root: Path) -> Iterator[Import]:
    """Every import in one file, with the target resolved to an absolute module name."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    module = module_name(path, root)
    tree = ast.parse(source)
    local_nodes = {
        id(n)
        for f in ast.walk(tree)
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
        for n in ast.walk(f)
        if isinstance(n, (ast.Import, ast.ImportFrom))
    }
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        text = lines[node.lineno - 1]
        above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
        has_reason = "#" in text or above.startswith("#")
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, (), id(node) in local_nodes, node.lineno, has_reason)
        else:
            target = _resolve(node, module, path.name == "__init__.py")
            names = tuple(a.name for a in node.names)
            yield Import(module, target, names, id(node) in local_nodes, node.lineno, has_reason)


def package_modules(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Module name -> file, for every module of the package."""
    return {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}


def internal_edges(root: Path, package: str = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package modules it imports (a ``from pkg import mod`` counts as importing ``pkg.mod``)."""
    modules = package_modules(root, package)
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for imp in imports_of(path, root):
            if not imp.target.startswith(package):
                continue
            for name in imp.names or ("",):
                candidate = f"{imp.target}.{name}" if name else imp.target
                edges[module].add(candidate if candidate in modules else imp.target)
    return edges


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import circles among modules (each reported once, from its smallest name).

    Package ``__init__`` modules are left out as importers: a package re-exporting its modules is not a circle.
    """
    cycles: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt == path[0]:
                start = path.index(min(path))
                key = tuple(path[start:] + path[:start])
                if key not in seen:
                    seen.add(key)
                    cycles.append([*key, key[0]])
            elif nxt not in path and nxt > path[0] and nxt in edges:
                visit(nxt, [*path, nxt])

    packages = {m for m in edges if any(other.startswith(m + ".") for other in edges)}
    plain = {m: {t for t in ts if t not in packages} for m, ts in edges.items() if m not in packages}
    edges = plain
    for start in sorted(edges):
        visit(start, [start])
    return cycles


def layer_of(module: str, package: str = PACKAGE) -> str | None:
    """The layer of a package module (None for the package itself)."""
    rest = module.removeprefix(package).lstrip(".") or "__init__"
    matches = [
        (len(name), layer)
        for layer, names in LAYERS.items()
        for name in names
        if rest == name or rest.startswith(name + ".")
    ]
    return max(matches)[1] if matches else None


def layer_violations(edges: dict[str, set[str]], package: str = PACKAGE) -> list[str]:
    """Imports that go up (or sideways between ingest and analysis) instead of down."""
    found = []
    for module, targets in sorted(edges.items()):
        mine = layer_of(module, package)
        for target in sorted(targets):
            theirs = layer_of(target, package)
            if theirs and mine and theirs != mine and theirs not in MAY_IMPORT[mine]:
                found.append(f"{module} ({mine}) imports {target} ({theirs})")
    return found


def private_imports(files: list[Path], root: Path, package: str = PACKAGE) -> list[str]:
    """``from pkg.x import _name`` of another module's private name (a package's own ``__init__`` may)."""
    found = []
    for path in files:
        for imp in imports_of(path, root):
            if imp.target.startswith(package):
                for name in imp.names:
                    if name.startswith("_") and not name.startswith("__"):
                        found.append(f"{path.relative_to(root)}:{imp.line} imports {imp.target}.{name}")
    return found


def hidden_imports(files: list[Path], root: Path, package: str = PACKAGE) -> list[str]:
    """Function-local imports that hide the graph: of our own modules, or of a library without a reason comment."""
    found = []
    for path in files:
        for imp in imports_of(path, root):
            if not imp.local:
                continue
            where = f"{path.relative_to(root)}:{imp.line}"
            if imp.target.startswith(package) and not (imp.target.startswith(LAZY_OWN_MODULES) and imp.has_reason):
                found.append(f"{where} imports {imp.target} inside a function")
            elif not imp.has_reason:
                found.append(f"{where} imports {imp.target} inside a function with no reason comment")
    return found


def _library_files() -> list[Path]:
    return sorted((ROOT / PACKAGE).rglob("*.py"))


def _app_files() -> list[Path]:
    files = []
    for name in APP_CODE:
        path = ROOT / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


# --- the checks on the real tree -----------------------------------------------------------------------------


def test_every_library_module_has_a_layer():
    unplaced = [m for m in package_modules(ROOT) if m != PACKAGE and layer_of(m) is None]
    assert unplaced == [], f"add these modules to LAYERS (and README's Architecture section): {unplaced}"


def test_no_import_circles_in_the_library():
    assert find_cycles(internal_edges(ROOT)) == []


def test_imports_go_down_the_layers():
    assert layer_violations(internal_edges(ROOT)) == []


def test_no_private_name_is_imported_across_modules():
    assert private_imports(_library_files() + _app_files(), ROOT) == []


def test_no_function_local_import_hides_the_graph():
    assert hidden_imports(_library_files(), ROOT) == []


def test_the_library_never_imports_streamlit():
    found = [
        f"{p.relative_to(ROOT)}:{imp.line}"
        for p in _library_files()
        for imp in imports_of(p, ROOT)
        if imp.target.split(".")[0] == "streamlit"
    ]
    assert found == []


def test_the_app_never_imports_the_benchmarks():
    found = [
        f"{p.relative_to(ROOT)}:{imp.line}"
        for p in _app_files()
        for imp in imports_of(p, ROOT)
        if imp.target.startswith(f"{PACKAGE}.bench") or (imp.target == PACKAGE and "bench" in imp.names)
    ]
    assert found == []


# --- the checks are live: each fails on a small tree made to break it --------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_circle_hidden_in_a_function_is_found(tmp_path):
    root = _tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg.b import f\n",
            "pkg/b.py": "def f():\n    from pkg import a\n",
            "pkg/c.py": "from pkg import a\n",
        },
    )
    assert find_cycles(internal_edges(root, "pkg")) == [["pkg.a", "pkg.b", "pkg.a"]]


def test_a_package_reexporting_its_modules_is_not_a_circle(tmp_path):
    root = _tree(
        tmp_path,
        {"pkg/__init__.py": "", "pkg/sub/__init__.py": "from pkg.sub.x import f\n", "pkg/sub/x.py": "def f(): ...\n"},
    )
    assert find_cycles(internal_edges(root, "pkg")) == []


def test_an_upward_and_a_sideways_import_are_found(tmp_path):
    root = _tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/vocab.py": "from pkg.store import queries\n",
            "pkg/store/__init__.py": "",
            "pkg/store/queries.py": "from pkg import vocab\n",
            "pkg/ingest/__init__.py": "",
            "pkg/ingest/flat.py": "from pkg.trends import x\n",
            "pkg/trends.py": "x = 1\n",
        },
    )
    assert layer_violations(internal_edges(root, "pkg"), "pkg") == [
        "pkg.ingest.flat (ingest) imports pkg.trends (analysis)",
        "pkg.vocab (core) imports pkg.store.queries (store)",
    ]


def test_a_private_name_across_modules_is_found(tmp_path):
    root = _tree(
        tmp_path,
        {"pkg/a.py": "from pkg.b import (\n    public,\n    _secret,\n)\n", "pkg/b.py": "public = _secret = 1\n"},
    )
    assert private_imports([root / "pkg/a.py"], root, "pkg") == ["pkg/a.py:1 imports pkg.b._secret"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("def f():\n    from pkg import b\n", ["pkg/a.py:2 imports pkg inside a function"]),
        ("def f():\n    import yaml\n", ["pkg/a.py:2 imports yaml inside a function with no reason comment"]),
        ("def f():\n    import yaml  # optional: only the YAML export needs it\n", []),
        ("import yaml\n", []),
    ],
)
def test_function_local_imports_need_a_reason(tmp_path, body, expected):
    root = _tree(tmp_path, {"pkg/a.py": body})
    assert hidden_imports([root / "pkg/a.py"], root, "pkg") == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("from turquesa_geo.bench.runner import bench_all  # only `bench` loads them", []),
        (
            "from turquesa_geo.bench.runner import bench_all",
            ["turquesa_geo/cli.py:2 imports turquesa_geo.bench.runner"],
        ),
        (
            "from turquesa_geo.trends import modus_series  # reason",
            ["turquesa_geo/cli.py:2 imports turquesa_geo.trends"],
        ),
    ],
)
def test_only_the_benchmarks_may_load_late_and_with_a_reason(tmp_path, line, expected):
    root = _tree(tmp_path, {"turquesa_geo/cli.py": f"def f():\n    {line}\n"})
    found = hidden_imports([root / "turquesa_geo/cli.py"], root)
    assert found == [f"{e} inside a function" for e in expected]


def test_readme_architecture_names_every_module():
    """README's tree names each subpackage and top-level module, so the picture cannot drift from the code."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    names = {p.stem for p in (ROOT / PACKAGE).glob("*.py")} | {
        p.name for p in (ROOT / PACKAGE).iterdir() if (p / "__init__.py").exists()
    }
    missing = sorted(n for n in names if n not in section)
    assert missing == []
