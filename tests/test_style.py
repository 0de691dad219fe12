"""The code keeps one format and passes the linter (ruff, configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> list[str]:
    """The ruff installed beside this Python (the venv's), so the locked version is the one that judges."""
    beside = Path(sys.executable).with_name("ruff")
    found = str(beside) if beside.exists() else shutil.which("ruff")
    assert found, "ruff is not installed: it is in requirements.lock, run `make setup`"
    return [found]


def _run(command: str, *args: str) -> subprocess.CompletedProcess:
    # --no-cache: tests write nothing into the checkout (ruff would leave .ruff_cache/ there).
    return subprocess.run(
        [*_ruff(), command, "--no-cache", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_code_is_formatted():
    done = _run("format", "--check", "--diff", ".")
    assert done.returncode == 0, f"run `ruff format .`:\n{done.stdout[-4000:]}{done.stderr[-2000:]}"


def test_code_passes_the_linter():
    done = _run("check", "--output-format", "concise", ".")
    assert done.returncode == 0, f"ruff check found:\n{done.stdout[-4000:]}{done.stderr[-2000:]}"


def test_the_linter_would_catch_an_unused_import(tmp_path):
    """The rule set is live: a file with an unused import and a relative import fails it."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom . import sibling\n")
    done = subprocess.run(
        [
            *_ruff(),
            "check",
            "--no-cache",
            "--config",
            str(ROOT / "pyproject.toml"),
            "--output-format",
            "concise",
            str(bad),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "F401" in done.stdout and "TID252" in done.stdout
