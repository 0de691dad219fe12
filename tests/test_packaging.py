"""The wheel's package list is complete: every folder of the library and the app layer that holds files is listed.

``pyproject.toml`` lists packages explicitly (the checkout's top level is mapped into ``turquesa_app``), so a
new subpackage must be added there; this fast check says so at once instead of the slow wheel check.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: What ships: code and the data files the package-data patterns name.
SHIPPED = {".py", ".csv", ".geojson", ".json", ".po", ".png", ".toml"}


def listed_packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def folders_with_files(top: str, root: Path = ROOT) -> set[str]:
    """Dotted names of ``top`` and its folders that hold a shipped file (caches aside)."""
    found = set()
    for path in (root / top).rglob("*"):
        if path.is_file() and path.suffix in SHIPPED and "__pycache__" not in path.parts:
            found.add(".".join(path.parent.relative_to(root).parts))
    return found


def test_every_folder_of_the_library_and_the_app_layer_is_a_listed_package():
    on_disk = folders_with_files("turquesa_geo") | folders_with_files("turquesa_ui")
    assert sorted(on_disk - listed_packages()) == []


def test_every_listed_package_exists():
    mapped = {"turquesa_app": ROOT, "turquesa_app.pages": ROOT / "pages", "turquesa_app.assets": ROOT / "assets"}
    missing = [name for name in listed_packages() if not mapped.get(name, ROOT / Path(*name.split("."))).is_dir()]
    assert missing == []


def test_a_new_subpackage_would_be_found(tmp_path):
    """The check is live: a folder with a module that pyproject does not list is reported."""
    (tmp_path / "turquesa_geo" / "newthing").mkdir(parents=True)
    (tmp_path / "turquesa_geo" / "newthing" / "x.py").write_text("")
    (tmp_path / "turquesa_geo" / "y.py").write_text("")
    assert folders_with_files("turquesa_geo", tmp_path) - listed_packages() == {"turquesa_geo.newthing"}
