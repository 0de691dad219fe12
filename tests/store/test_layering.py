"""The direction of imports around the store: core modules import only core; the store imports only core.

Core: i18n, columns, vocab, countries, gateways, privacy, filters. The store package
(turquesa_geo/store) sits on the core; analysis modules (routes, corridors, trends,
signals, gender, cooperation, outcomes, references) sit on both.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "turquesa_geo"
CORE = ("i18n", "columns", "vocab", "countries", "gateways", "privacy", "filters")


def _imported(path: Path) -> set[str]:
    """turquesa_geo modules a file imports (anywhere in it), as dotted names below turquesa_geo."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("turquesa_geo"):
            base = node.module.removeprefix("turquesa_geo").lstrip(".")
            names |= {f"{base}.{a.name}".strip(".") if not base else base for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.name.removeprefix("turquesa_geo.") for a in node.names if a.name.startswith("turquesa_geo.")}
    return names


@pytest.mark.parametrize("module", CORE)
def test_core_modules_import_only_core(module):
    imported = {name.split(".")[0] for name in _imported(PACKAGE / f"{module}.py")}
    assert imported - set(CORE) == set()


@pytest.mark.parametrize(
    "path", sorted(p for p in (PACKAGE / "store").rglob("*.py") if not p.name.startswith("ingest_")), ids=str
)
def test_the_store_imports_only_core_and_itself(path):
    imported = {name.split(".")[0] for name in _imported(path)}
    assert imported - {*CORE, "store"} == set()
