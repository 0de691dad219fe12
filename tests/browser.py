"""Helpers for the browser suite: serve the dashboard, drive Debian's Chromium, record egress.

Playwright drives the system Chromium through ``executable_path`` (no browser is
ever downloaded). ``scripts/screenshots.py`` reuses these helpers.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("TURQUESA_CHROMIUM", "/usr/bin/chromium"))
#: Flags that stop Chromium's own background traffic (updates, sync, field trials).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=OptimizationHints,MediaRouter,Translate",
    "--metrics-recording-only",
]
#: Page name -> URL path, in the order of the navigation.
PAGES = {
    "overview": "",
    "corridor_map": "corridor_map",
    "trends": "trends",
    "gender": "gender",
    "cooperation": "cooperation",
    "training": "training",
    "glossary": "glossary",
    "store": "home",
    "import": "import_files",
}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
ERROR_SELECTORS = "[data-testid='stException'], [data-testid='stAlertContentError']"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path, port: int, log: Path | None = None) -> subprocess.Popen:
    """Start ``streamlit run app.py`` on ``db`` at 127.0.0.1:``port``; return once it answers."""
    env = dict(os.environ, TURQUESA_DB=str(db.resolve()))
    out = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dashboard exited with code {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return process
        except OSError:
            time.sleep(0.25)
    process.kill()
    raise RuntimeError("the dashboard did not answer within 60 s")


@dataclass
class Egress:
    """Every URL the browser asked for, and those that left the machine (blocked)."""

    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def watch(self, context) -> None:
        """Route every request of ``context`` through this recorder; block any to another host."""

        def route(r) -> None:
            url = r.request.url
            self.requests.append(url)
            if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).hostname not in LOCAL_HOSTS:
                self.outside.append(url)
                r.abort()
            else:
                r.continue_()

        context.route("**/*", route)
        context.on("page", lambda page: page.on("websocket", lambda ws: self._socket(ws.url)))

    def _socket(self, url: str) -> None:
        self.requests.append(url)
        if urlsplit(url).hostname not in LOCAL_HOSTS:
            self.outside.append(url)


#: Installed once per document: counts the script runs that ended and the time of the last change of the DOM.
_WATCH_JS = """() => {
  if (window.__turquesa) return window.__turquesa.ended;
  const watch = (window.__turquesa = {ended: 0, changed: performance.now()});
  new MutationObserver((records) => {
    watch.changed = performance.now();
    for (const r of records) {
      if (r.attributeName === "data-test-script-state" && r.oldValue === "running") watch.ended += 1;
    }
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true, attributeOldValue: true,
                                        characterData: true});
  return watch.ended;
}"""
#: Idle: the script is not running, no element is still loading, and the page has not changed for a while.
_IDLE_JS = """([afterRuns, quietMs]) => {
  const watch = window.__turquesa;
  const app = document.querySelector("[data-testid='stApp']");
  if (!watch || !app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  if (afterRuns !== null && watch.ended <= afterRuns) return false;
  if (document.querySelector("[data-testid='stSkeleton'], [data-testid='stSkeletonElement'], " +
                             "[data-testid='stAppSkeleton'], [data-testid='stSpinner']")) return false;
  return performance.now() - watch.changed >= quietMs;
}"""
#: How long the page must stay unchanged to count as drawn (a rerun that widgets start follows within it).
QUIET_MS = 400


def script_runs(page) -> int:
    """How many script runs have ended since the document loaded (the watch starts at the first call)."""
    return page.evaluate(_WATCH_JS)


def wait_until_idle(page, timeout_ms: int = 120_000, after_runs: int | None = None) -> None:
    """Wait until the script has finished running and the page has stopped changing.

    With ``after_runs`` (a :func:`script_runs` count taken before an action), also until a
    run that the action started has ended: a rerun that has not begun yet cannot pass for idle.
    """
    script_runs(page)
    page.wait_for_function(_IDLE_JS, arg=[after_runs, QUIET_MS], timeout=timeout_ms, polling=100)


@contextmanager
def rerun_of(page, timeout_ms: int = 120_000):
    """Around an action that reruns the script (a widget change, a button): on exit, that rerun has ended."""
    before = script_runs(page)
    yield
    wait_until_idle(page, timeout_ms=timeout_ms, after_runs=before)


def settled_screenshot(target, attempts: int = 20, **options) -> bytes:
    """A screenshot of ``target`` (a page or a locator) once two in a row are the same: charts and maps are drawn."""
    shot = target.screenshot(**options)
    for _ in range(attempts):
        again = target.screenshot(**options)
        if again == shot:
            return shot
        shot = again
    raise AssertionError(f"{target} kept changing over {attempts + 1} screenshots")


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
