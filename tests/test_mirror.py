"""Tests mirror the library's tree: ``turquesa_geo/<path>/<module>.py`` is tested in ``tests/<path>/test_<module>.py``.

A package's ``__init__.py`` needs no file of its own (the registry of profiles, for one, is tested in
tests/ingest/profiles/test_registry.py). Suites about a concern across modules (hardening, privacy, browser, i18n,
architecture, style, this one) sit at the top of tests/, and a folder of tests may hold a concern file beside the
mirrored ones (tests/ingest/profiles/test_public_files.py); what this check asks is only that no module goes without
its own. There is no allow-list: every module has its file.
"""

from __future__ import annotations

from pathlib import Path

LIBRARY = Path(__file__).resolve().parents[1] / "turquesa_geo"
TESTS = Path(__file__).resolve().parent
#: Folders of tests/ that hold data, not tests of a package.
DATA_FOLDERS = frozenset({"fixtures"})


def mirror_of(module: Path, library: Path) -> Path:
    """The test file of ``module``, relative to the tests folder.

    >>> mirror_of(Path("lib/store/queries/schema.py"), Path("lib")).as_posix()
    'store/queries/test_schema.py'
    >>> mirror_of(Path("lib/cli.py"), Path("lib")).as_posix()
    'test_cli.py'
    """
    relative = module.relative_to(library)
    return relative.parent / f"test_{relative.name}"


def modules_without_tests(library: Path, tests: Path) -> list[str]:
    """Each module of ``library`` (package ``__init__`` modules aside) whose mirrored test file is missing,
    as ``module -> expected test file``."""
    return [
        f"{module.relative_to(library).as_posix()} -> tests/{mirror_of(module, library).as_posix()}"
        for module in sorted(library.rglob("*.py"))
        if module.name != "__init__.py" and not (tests / mirror_of(module, library)).is_file()
    ]


def folders_mirroring_no_package(library: Path, tests: Path) -> list[str]:
    """Folders of ``tests`` holding test files where ``library`` has no package (a package renamed or removed)."""
    folders = {path.parent.relative_to(tests) for path in tests.rglob("test_*.py")}
    return sorted(
        folder.as_posix()
        for folder in folders
        if folder != Path(".")
        and folder.parts[0] not in DATA_FOLDERS
        and not (library / folder / "__init__.py").is_file()
    )


# --- the tree as it is --------------------------------------------------------------------


def test_every_module_of_the_library_has_its_mirrored_test_file():
    assert modules_without_tests(LIBRARY, TESTS) == []


def test_every_folder_of_tests_mirrors_a_package_of_the_library():
    assert folders_mirroring_no_package(LIBRARY, TESTS) == []


def test_the_check_sees_the_whole_library():
    """Not vacuous: it walks the subpackages (store/queries, ingest/profiles) and finds their test files."""
    modules = {m.relative_to(LIBRARY).as_posix() for m in LIBRARY.rglob("*.py") if m.name != "__init__.py"}
    assert {"cli.py", "store/queries/schema.py", "ingest/profiles/mmp.py", "maps/legs.py"} <= modules
    assert (TESTS / mirror_of(LIBRARY / "store" / "queries" / "schema.py", LIBRARY)).is_file()


# --- the check on a hand-made tree ----------------------------------------------------------


def _tree(root: Path, files: list[str]) -> Path:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    return root


def test_a_module_without_its_test_file_is_named_with_the_file_it_needs(tmp_path):
    library = _tree(
        tmp_path / "lib",
        [
            "__init__.py",
            "cli.py",
            "store/__init__.py",
            "store/connection.py",
            "store/queries/__init__.py",
            "store/queries/schema.py",
            "store/queries/bench.py",
        ],
    )
    tests = _tree(tmp_path / "tests", ["test_cli.py", "store/test_connection.py", "store/queries/test_schema.py"])
    assert modules_without_tests(library, tests) == ["store/queries/bench.py -> tests/store/queries/test_bench.py"]
    _tree(tests, ["store/queries/test_bench.py"])
    assert modules_without_tests(library, tests) == []


def test_a_test_file_at_another_level_or_under_another_name_does_not_count(tmp_path):
    library = _tree(tmp_path / "lib", ["__init__.py", "ingest/__init__.py", "ingest/flat.py", "routes.py"])
    # The old flat layout and a concern file: neither is the mirror of ingest/flat.py or routes.py.
    tests = _tree(tmp_path / "tests", ["test_flat.py", "ingest/test_importer.py", "test_routes_extra.py"])
    assert modules_without_tests(library, tests) == [
        "ingest/flat.py -> tests/ingest/test_flat.py",
        "routes.py -> tests/test_routes.py",
    ]


def test_package_init_modules_need_no_test_file(tmp_path):
    library = _tree(tmp_path / "lib", ["__init__.py", "maps/__init__.py", "maps/deck.py"])
    tests = _tree(tmp_path / "tests", ["maps/test_deck.py"])
    assert modules_without_tests(library, tests) == []


def test_a_test_folder_of_no_package_is_named(tmp_path):
    library = _tree(tmp_path / "lib", ["__init__.py", "exports/__init__.py", "exports/log.py"])
    tests = _tree(
        tmp_path / "tests",
        ["test_style.py", "exports/test_log.py", "briefing/test_pack.py", "fixtures/profiles/test_x.py"],
    )
    assert folders_mirroring_no_package(library, tests) == ["briefing"]
