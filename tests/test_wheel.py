"""The built wheel is the whole app: installed in a fresh virtualenv outside the checkout, it serves.

One test, run by ``make test`` (so by CI): copy the tracked files to a temporary folder
and build the wheel there (the checkout gets no ``build/`` or ``*.egg-info``), check the
build printed no setuptools warning, install the locked requirements and then the wheel
(``--no-deps``) into a new virtualenv in a temporary folder, and from a working folder
outside the tree: ``turquesa demo``, ``turquesa serve`` (health, the page, the Overview
drawn in Chromium, the committed Streamlit settings in force, contacts found through
``$TURQUESA_CONTACTS``), then ``turquesa train --no-serve``. About a minute and a half with
pip's cache warm (every locked wheel comes from it, as ``make setup`` left it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser import CHROMIUM, ERROR_SELECTORS, Egress, free_port, launch, wait_until_idle

ROOT = Path(__file__).resolve().parent.parent
#: What setuptools says when the configuration is deprecated or leaves files undeclared.
BUILD_WARNINGS = ("SetuptoolsDeprecationWarning", "is absent from the `packages`", "as a TOML table is deprecated")
#: An office no committed file names.
OFFICE = "Wheel check liaison office"
#: Countries of the demo's corridors: one of them is on a shared corridor of any demo store.
CONTACT_COUNTRIES = ("COL", "PAN", "MEX", "VEN", "GTM", "HND", "USA", "PER", "ECU", "CRI", "NIC", "BRA", "ARG", "CHL")
#: Settings of .streamlit/config.toml that must hold in the served app, as Streamlit reads them.
STREAMLIT_SETTINGS = {
    "server.address": "127.0.0.1",
    "server.enableXsrfProtection": True,
    "server.maxUploadSize": 200,
    "browser.gatherUsageStats": False,
    "browser.serverAddress": "127.0.0.1",
}

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def _tracked_files(into: Path) -> Path:
    """The files of the checkout that git tracks or would add (what a clone has), copied into ``into``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without the test run's PYTHONPATH (it would put the checkout's code first) or settings."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith(("TURQUESA_", "STREAMLIT_"))}
    return env | extra


def _wait_for_health(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"turquesa serve exited with code {process.returncode}"
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"turquesa serve did not answer at {url} within {seconds:.0f} s")


def _settings_in_force(python: Path, cwd: Path, env: dict[str, str]) -> dict[str, object]:
    """The options in force once Streamlit's command line has parsed what the installed ``turquesa serve`` runs."""
    code = (
        "import json; from streamlit import config; from streamlit.web import bootstrap, cli; "
        "from turquesa_geo.cli import serve_command; "
        f"bootstrap.run = lambda *a, **k: print(json.dumps({{k: config.get_option(k) for k in {list(STREAMLIT_SETTINGS)!r}}})); "
        "cli.main(serve_command('127.0.0.1', 8501)[3:], standalone_mode=False)"
    )
    return json.loads(_run([str(python), "-c", code], cwd, env).strip().splitlines()[-1])


def _overview_and_contacts_in_chromium(url: str) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            raise AssertionError(f"no Chromium at {CHROMIUM}: the wheel check must drive the page in CI")
        pytest.skip(f"no Chromium at {CHROMIUM}; `make test` installs it")
    from playwright.sync_api import expect, sync_playwright

    egress = Egress()
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1400, "height": 1200})
        egress.watch(context)
        page = context.new_page()
        page.goto(f"{url}/?from=2016-01-01")
        wait_until_idle(page)
        expect(page.locator("h1").first).to_have_text("Overview", timeout=60_000)
        assert page.locator(ERROR_SELECTORS).count() == 0
        page.goto(f"{url}/cooperation?from=2016-01-01")
        wait_until_idle(page)
        expect(page.locator("h1").first).to_have_text("Cooperation", timeout=60_000)
        expect(page.get_by_role("heading", name="Points of contact")).to_be_attached()
        # The table of contacts is drawn on a canvas: the file was read when neither note shows.
        shown = page.locator("[data-testid='stMain']").inner_text()
        assert "No contacts file" not in shown and "No point of contact is listed" not in shown
        assert page.locator(ERROR_SELECTORS).count() == 0
        browser.close()
    assert egress.outside == []


def test_the_wheel_installed_outside_the_checkout_serves_the_dashboard(tmp_path):
    timings: dict[str, float] = {}
    clock = time.monotonic()

    def lap(step: str) -> None:
        nonlocal clock
        timings[step] = round(time.monotonic() - clock, 1)
        clock = time.monotonic()

    # The build, in a copy of the tracked files.
    source = _tracked_files(tmp_path / "source")
    build_log = _run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(tmp_path / "dist"), str(source)],
        tmp_path,
        _clean_env(),
    )
    assert [w for w in BUILD_WARNINGS if w in build_log] == []
    (wheel,) = (tmp_path / "dist").glob("turquesa-*.whl")
    lap("build")

    # A fresh virtualenv: the locked requirements (pip's cache), then the wheel alone.
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, _clean_env())
    python, turquesa = venv / "bin" / "python", venv / "bin" / "turquesa"
    env = _clean_env()
    _run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-compile",
            "--require-hashes",
            "-r",
            str(ROOT / "requirements.lock"),
        ],
        tmp_path,
        env,
    )
    _run([str(python), "-m", "pip", "install", "-q", "--no-compile", "--no-deps", str(wheel)], tmp_path, env)
    lap("install")

    # From a working folder outside the tree, the installed code and app only.
    work = tmp_path / "work"
    work.mkdir()
    where = _run([str(python), "-c", "import turquesa_geo.cli as c; print(c.APP_PATH)"], work, env).strip()
    assert Path(where) == next((venv / "lib").glob("python3*/site-packages")) / "turquesa_app" / "app.py"
    db = work / "demo.duckdb"
    _run([str(turquesa), "demo", "--rows", "2000", "--db", str(db)], work, env)
    lap("demo")

    assert _settings_in_force(python, work, env) == STREAMLIT_SETTINGS
    contacts = tmp_path / "deployment" / "contacts.csv"
    contacts.parent.mkdir()
    contacts.write_text(
        "country,network,role,office,channel\n"
        + "".join(f"{c},national_police,Liaison,{OFFICE},I-24/7\n" for c in CONTACT_COUNTRIES),
        encoding="utf-8",
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [str(turquesa), "serve", "--db", str(db), "--port", str(port)],
        cwd=work,
        env=env | {"TURQUESA_CONTACTS": str(contacts)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_health(url, server)
        with urllib.request.urlopen(url, timeout=10) as answer:
            assert answer.status == 200 and b"<html" in answer.read().lower()
        _overview_and_contacts_in_chromium(url)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    served = (tmp_path / "serve.log").read_text(errors="replace")
    assert f"http://127.0.0.1:{port}" in served and "No contacts file" not in served
    lap("serve")

    _run([str(turquesa), "train", "--no-serve", "--rows", "2000"], work, env)
    assert (work / "data" / "training.duckdb").is_file()
    lap("train")
    print("wheel check, seconds per step:", timings)
