"""Time the dashboard after a filter change: in headless Chromium, or server-side under AppTest.

Usage:
  python scripts/bench_browser.py [browser] --db STORE --json OUT [--changes 15]
  python scripts/bench_browser.py apptest --db STORE --json OUT [--changes 30] [--seed 7]

``browser`` serves the dashboard on STORE, drives Debian's Chromium (/usr/bin/chromium,
through Playwright; no browser is downloaded) and times picks of a new nationality in
the sidebar on the corridor map and trends pages, against the floor of a trivial
Streamlit page with the same multiselect. A change is timed from the pointer going
down on the option until the script has finished and the page is quiet: no DOM change,
no long task and no frame slower than 50 ms for 500 ms; the time runs to the last such
event, so drawing the map or the charts is included.

``apptest`` runs the app in this process with Streamlit's AppTest and times the rerun of
each page after each of N distinct random filter changes (a cache miss each, as a new
filter value is in the real app), first as the app runs, then with the rollups bypassed
(turquesa_geo's ``covers`` patched to False, data caches cleared, same changes).

``turquesa bench all`` runs both and records them (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM, Egress, free_port, launch, serve, wait_until_idle  # noqa: E402

from turquesa_geo.bench.runner import APP_PAGES, BROWSER_PAGES, filter_changes, peak_rss_mb  # noqa: E402
from turquesa_geo.store.connection import DB_ENV, connect  # noqa: E402

APP = ROOT / "app.py"
#: The sidebar multiselect whose options are picked in the browser.
LABEL = "Nationality"
QUIET_MS = 500
DEFINITION = (
    f"timed from pointer-down on the option until the script has finished and the page is quiet (no DOM "
    f"change, long task or frame over 50 ms for {QUIET_MS} ms), to the last such event"
)

# Installed in the page after it loads: records the script state, DOM changes, long tasks,
# slow frames and the moment the option is pressed.
WATCH_JS = """() => {
  const b = window.__bench = {t0: null, armed: false, ran: false, last: performance.now(), busyEnd: 0, done: 0};
  new MutationObserver(records => {
    for (const r of records) {
      // Matched on each record: React may replace the app element between runs.
      if (r.attributeName !== 'data-test-script-state' || r.target.dataset.testid !== 'stApp') continue;
      const state = r.target.getAttribute('data-test-script-state');
      if (state === 'running' || r.oldValue === 'running') b.ran = true;
      if (state === 'notRunning') b.done = performance.now();
    }
    b.last = performance.now();
  }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true,
                             attributeOldValue: true});
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) b.busyEnd = Math.max(b.busyEnd, e.startTime + e.duration);
  }).observe({type: 'longtask'});
  let previous = performance.now();
  const frame = () => {
    const now = performance.now();
    if (now - previous > 50) b.busyEnd = Math.max(b.busyEnd, now);
    previous = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  document.addEventListener('pointerdown', () => {
    if (b.armed) { b.t0 = performance.now(); b.armed = false; b.ran = false; }
  }, true);
}"""
IDLE_JS = """() => {
  const b = window.__bench;
  const app = document.querySelector("[data-testid='stApp']");
  // A quick rerun may never show as 'running' (React batches both states): a change of the page counts too.
  if (!b || b.t0 === null || !(b.ran || b.last > b.t0) || !app
      || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  return performance.now() - Math.max(b.last, b.busyEnd) > QUIET_MS;
}""".replace("QUIET_MS", str(QUIET_MS))
STATE_JS = """() => ({...window.__bench, now: performance.now(),
  state: document.querySelector("[data-testid='stApp']")?.getAttribute('data-test-script-state')})"""
#: Milliseconds from the pick to the quiet page, and to the end of the script run (the server's part).
ELAPSED_JS = """() => { const b = window.__bench, end = Math.max(b.last, b.busyEnd);
  return [end - b.t0, (b.done > b.t0 ? b.done : end) - b.t0]; }"""

FLOOR_PAGE = """import streamlit as st

OPTIONS = {options!r}
picked = st.sidebar.multiselect({label!r}, OPTIONS, key="picked")
st.title("Empty page")
st.write(", ".join(picked) or "nothing picked")
"""


def _store_facts(db: Path) -> tuple[dict, tuple]:
    """Filter choices and case period of the store (read before the app opens it for writing)."""
    from turquesa_geo.corridors import store_period
    from turquesa_geo.store.inventory import store_choices

    con = connect(db, read_only=True)
    try:
        return store_choices(con), store_period(con)
    finally:
        con.close()


# --- browser ------------------------------------------------------------------------


def _serve_floor(folder: Path, options: list[str]) -> tuple[subprocess.Popen, int]:
    """Serve a trivial page with the same sidebar multiselect: the floor of any filter change."""
    script = folder / "floor.py"
    script.write_text(FLOOR_PAGE.format(options=options, label=LABEL))
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return process, port
        except OSError:
            time.sleep(0.25)
    process.kill()
    raise RuntimeError("the floor page did not answer within 60 s")


def _time_picks(page, url: str, labels: list[str]) -> dict[str, list[float]]:
    """Open ``url`` and time picking each of ``labels`` in the sidebar multiselect, in turn: until the
    page is quiet (``times_ms``) and until the script run ended (``script_done_ms``)."""
    page.goto(url)
    wait_until_idle(page, timeout_ms=600_000)
    page.wait_for_timeout(1500)  # maps and charts draw after the script ends
    page.evaluate(WATCH_JS)
    box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(has_text=LABEL)
    times, script = [], []
    for label in labels:
        field = box.locator("input")
        field.click()
        field.fill(label)
        option = page.get_by_role("option", name=label, exact=True)
        option.wait_for()
        page.evaluate("() => { window.__bench.armed = true; window.__bench.t0 = null; }")
        option.click()
        try:
            page.wait_for_function(IDLE_JS, polling=50, timeout=120_000)
        except Exception as exc:
            state = page.evaluate(STATE_JS)
            raise RuntimeError(f"{url}: no quiet page 120 s after picking {label!r}: {state}") from exc
        quiet, done = page.evaluate(ELAPSED_JS)
        times.append(round(quiet, 1))
        script.append(round(done, 1))
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
    return {"times_ms": times, "script_done_ms": script}


def run_browser(db: Path, changes: int, seed: int) -> dict:
    from playwright.sync_api import sync_playwright

    from turquesa_geo.countries import country_name

    choices, _ = _store_facts(db)
    labels = [f"{country_name(c)} ({c})" for c in choices["countries"]]
    picks = random.Random(seed).sample(labels, min(changes, len(labels)))
    egress = Egress()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = serve(db, port, log=Path(tmp) / "streamlit.log")
        floor, floor_port = _serve_floor(Path(tmp), labels)
        try:
            with sync_playwright() as p:
                browser = launch(p)
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                egress.watch(context)
                page = context.new_page()
                pages = {name: _time_picks(page, f"http://127.0.0.1:{port}/{name}", picks) for name in BROWSER_PAGES}
                floor_times = _time_picks(page, f"http://127.0.0.1:{floor_port}/", picks)
                browser.close()
            server_peak = peak_rss_mb(server.pid)
        finally:
            for process in (server, floor):
                process.terminate()
                process.wait(timeout=30)
    return {
        "pages": pages,
        "floor": floor_times,
        "picked": picks,
        "definition": DEFINITION,
        "chromium": _chromium_version(),
        "server_peak_rss_mb": server_peak,
        "requests_blocked": egress.outside,
    }


def _chromium_version() -> str | None:
    try:
        return subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None


# --- AppTest ------------------------------------------------------------------------


@contextmanager
def rollups_bypassed():
    """Patch ``turquesa_geo.store.rollups.covers`` to False wherever it was imported by name."""
    import turquesa_geo.corridors
    import turquesa_geo.store.rollups
    import turquesa_geo.trends

    original = turquesa_geo.store.rollups.covers
    bound = [
        (module, name)
        for module in list(sys.modules.values())
        if getattr(module, "__name__", "").startswith("turquesa")
        for name, value in vars(module).items()
        if value is original
    ]
    for module, name in bound:
        setattr(module, name, lambda *args, **kwargs: False)
    try:
        yield [f"{module.__name__}.{name}" for module, name in bound]
    finally:
        for module, name in bound:
            setattr(module, name, original)


def _apply(at, f) -> None:
    """Set every sidebar filter of ``f`` (one rerun follows)."""
    at.date_input(key="flt_period").set_value((f.start, f.end))
    at.multiselect(key="flt_crime_types").set_value(list(f.crime_types))
    at.multiselect(key="flt_nationalities").set_value(list(f.nationalities))
    at.multiselect(key="flt_sources").set_value(list(f.sources))


def _time_page(page: str, changes: list) -> dict:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=1200).run()
    start = time.perf_counter()
    at.switch_page(page).run()
    first_ms = 1000 * (time.perf_counter() - start)
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    times = []
    for f in changes:
        _apply(at, f)
        start = time.perf_counter()
        at.run()
        times.append(round(1000 * (time.perf_counter() - start), 2))
        if at.exception:
            raise RuntimeError(f"{page} with {f}: {at.exception[0].message}")
    return {"times_ms": times, "first_run_ms": round(first_ms, 1)}


def run_apptest(db: Path, changes: int, seed: int) -> dict:
    import streamlit as st

    os.environ[DB_ENV] = str(db.resolve())
    choices, period = _store_facts(db)
    every = filter_changes(choices, period, changes * len(APP_PAGES), seed + 1)
    plan = {page: every[i * changes : (i + 1) * changes] for i, page in enumerate(APP_PAGES)}
    pages: dict[str, dict] = {Path(p).stem: {} for p in APP_PAGES}
    patched: list[str] = []
    for label, bypass in (("rollups", False), ("case_tables", True)):
        st.cache_data.clear()  # the second pass sees the same changes as misses too
        with rollups_bypassed() if bypass else nullcontext() as names:
            patched = names or patched
            for page in APP_PAGES:
                timed = _time_page(page, plan[page])
                pages[Path(page).stem][label] = timed["times_ms"]
                pages[Path(page).stem].setdefault("first_run_ms", timed["first_run_ms"])
                print(
                    f"{label} {page}: p50 {sorted(timed['times_ms'])[len(timed['times_ms']) // 2]:.0f} ms",
                    file=sys.stderr,
                    flush=True,
                )
    return {"pages": pages, "patched": patched, "peak_rss_mb": peak_rss_mb()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", choices=("browser", "apptest"), default="browser")
    parser.add_argument("--db", type=Path, required=True, help="store file (closed: the app opens it)")
    parser.add_argument("--json", type=Path, required=True, help="write the timings here")
    parser.add_argument("--changes", type=int, default=None, help="filter changes per page (15 browser, 30 apptest)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.mode == "browser":
        if not CHROMIUM.exists():
            print(f"no Chromium at {CHROMIUM}: install Debian's chromium package", file=sys.stderr)
            return 2
        report = run_browser(args.db, args.changes or 15, args.seed)
    else:
        report = run_apptest(args.db, args.changes or 30, args.seed)
    args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
